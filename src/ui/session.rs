//! The session pane: the row model from `app`, styled.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::{pane_block, render_rows, Theme};
use crate::app::layout::text_area;
use crate::app::{App, Pane, SessionScreen};

pub fn render(frame: &mut Frame, area: Rect, app: &App, s: &SessionScreen, theme: &Theme) {
    let block = pane_block(app, s, Pane::Session, &s.session, None, area.width, theme);
    let (width, _) = text_area(area);
    let rows = app.session_rows(s, width);
    render_rows(
        frame,
        area,
        block,
        Pane::Session,
        &rows,
        s.session_scroll,
        app,
        theme,
    );
}

//! The partner links pane: the row model from `app` (userTokens already masked), styled.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::{pane_block, render_rows, Theme};
use crate::app::layout::text_area;
use crate::app::{App, Pane, SessionScreen};
use crate::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, area: Rect, app: &App, s: &SessionScreen, theme: &Theme) {
    let extra = app
        .context
        .system_domain
        .as_deref()
        .map(|d| format!("· {}", sanitize_line(d)));
    let block = pane_block(app, s, Pane::Links, &s.links, extra, area.width, theme);
    let (width, _) = text_area(area);
    let rows = app.links_rows(s, width);
    render_rows(
        frame,
        area,
        block,
        Pane::Links,
        &rows,
        s.links_scroll,
        app,
        theme,
    );
}

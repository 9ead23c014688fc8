//! The "which session?" prompt shown when the viewer starts without an id.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::THEME;
use crate::app::App;
use crate::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let Some(prompt) = app.prompt.as_ref() else {
        return;
    };
    let width = area.width.min(64);
    let [row] = area.layout(&Layout::vertical([Constraint::Length(8)]).flex(Flex::Center));
    let [popup] = row.layout(&Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center));
    let mut lines = vec![
        Line::raw("Which support session should g2a-tui open?"),
        Line::from(vec![
            Span::styled("Session id: ", THEME.label),
            Span::raw(sanitize_line(&prompt.input).into_owned()),
            Span::styled("▏", THEME.key),
        ]),
    ];
    if let Some(e) = &prompt.error {
        lines.push(Line::styled(e.clone(), THEME.error));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(vec![
        Span::styled("Enter", THEME.key),
        Span::raw(" open   "),
        Span::styled("Esc", THEME.key),
        Span::raw(" quit"),
    ]));
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .border_style(THEME.border_focused)
                .title(" g2a-tui "),
        ),
        popup,
    );
}

//! The help overlay, generated from the key table.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::theme::THEME;
use crate::app::keymap::{keys_label, BINDINGS};

pub fn render(frame: &mut Frame, area: Rect, scroll: usize) {
    let lines = lines();
    let width = (lines.iter().map(Line::width).max().unwrap_or(20) as u16 + 4).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let [row] = area.layout(&Layout::vertical([Constraint::Length(height)]).flex(Flex::Center));
    let [popup] = row.layout(&Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center));
    let scroll = scroll.min(max_scroll(area.height));
    let mut block = Block::bordered()
        .border_style(THEME.border_focused)
        .title(" Keys ");
    // On a short terminal the list scrolls; the border says so.
    if max_scroll(area.height) > 0 {
        block =
            block.title_bottom(Line::styled(" j/k scroll · Esc close ", THEME.dim).right_aligned());
    }
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        popup,
    );
}

/// How far the list can scroll in a terminal `height` rows tall.
pub fn max_scroll(height: u16) -> usize {
    (lines().len() + 2).saturating_sub(height as usize)
}

pub fn lines() -> Vec<Line<'static>> {
    let key_width = BINDINGS
        .iter()
        .map(|b| keys_label(b).len())
        .max()
        .unwrap_or(8);
    let mut out: Vec<Line> = BINDINGS
        .iter()
        .map(|b| {
            Line::from(vec![
                Span::styled(format!(" {:<key_width$}  ", keys_label(b)), THEME.key),
                Span::raw(b.help),
            ])
        })
        .collect();
    out.push(Line::raw(""));
    out.push(Line::styled(
        " Mouse: the wheel scrolls a pane, a click focuses it.",
        THEME.dim,
    ));
    out
}

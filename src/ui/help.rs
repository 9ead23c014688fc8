//! The help overlay: the rows `app::help` generates from the keymap, styled.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::{fit, Theme};
use crate::app::help::{layout, max_scroll};
use crate::app::keymap::{Action, Mode};
use crate::app::wrap::width as cols;
use crate::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App, scroll: usize, theme: &Theme) {
    let layout = layout(app);
    let key_width = layout.key_width;
    let lines: Vec<Line> = layout
        .rows
        .iter()
        .map(|(r, indented)| {
            if r.keys.is_empty() && !indented {
                Line::styled(format!(" {}", r.text), theme.dim)
            } else {
                let pad = key_width - cols(&r.keys);
                Line::from(vec![
                    Span::styled(format!(" {}{}  ", r.keys, " ".repeat(pad)), theme.key),
                    Span::raw(r.text.clone()),
                ])
            }
        })
        .collect();
    let width = layout.width.min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let [row] = area.layout(&Layout::vertical([Constraint::Length(height)]).flex(Flex::Center));
    let [popup] = row.layout(&Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center));
    let inner = width.saturating_sub(2) as usize;
    let max = max_scroll(app);
    let close = app
        .keymap
        .key(Mode::Help, Action::Close)
        .unwrap_or_default();
    let mut block = Block::bordered()
        .border_style(theme.border_focused)
        .title(fit(Line::raw(" Keys "), inner));
    // On a short terminal the list scrolls; the border says so.
    let key = |a| app.keymap.key(Mode::Help, a).unwrap_or_default();
    let footer = if max > 0 {
        format!(
            " {}/{} scroll · {close} close ",
            key(Action::LineDown),
            key(Action::LineUp)
        )
    } else {
        format!(" {close} close ")
    };
    block = block.title_bottom(fit(Line::styled(footer, theme.dim), inner).right_aligned());
    let lines: Vec<Line> = lines
        .into_iter()
        .skip(scroll.min(max))
        .map(|l| fit(l, inner))
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

//! The link chooser (`o`): the session's web links, one a row, the picked one in
//! reverse video; its keys are named from the keymap.

use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::{fit, Theme};
use crate::app::keymap::{Action, Mode};
use crate::app::links_menu::LinksMenu;
use crate::app::wrap::width as cols;
use crate::app::App;

pub fn render(frame: &mut Frame, area: Rect, app: &App, menu: &LinksMenu, theme: &Theme) {
    let longest = menu.items.iter().map(|i| cols(&i.label)).max().unwrap_or(8);
    let natural = menu
        .items
        .iter()
        .map(|i| longest + 3 + cols(&i.url))
        .max()
        .unwrap_or(20)
        + 3;
    let width = (natural as u16).clamp(20, area.width.max(1));
    let inner = width.saturating_sub(2) as usize;
    // On a narrow screen the labels give way (cut with "…") so the URLs stay readable.
    let label_width = longest.min(inner * 2 / 5).max(4);
    // Room for the rows, their border, and nothing more than the screen.
    let room = area.height.saturating_sub(2) as usize;
    let first = menu.selected.saturating_sub(room.saturating_sub(1));
    let lines: Vec<Line> = menu
        .items
        .iter()
        .enumerate()
        .skip(first)
        .take(room)
        .map(|(n, item)| {
            let label = crate::app::wrap::truncate(&item.label, label_width);
            let pad = label_width.saturating_sub(cols(&label));
            let line = Line::from(vec![
                Span::styled(format!(" {label}{}  ", " ".repeat(pad)), theme.label),
                Span::styled(item.url.clone(), theme.link),
            ]);
            let line = fit(line, inner);
            if n == menu.selected {
                super::selected(line, theme)
            } else {
                line
            }
        })
        .collect();
    let height = (lines.len() as u16 + 2).min(area.height);
    let [row] = area.layout(&Layout::vertical([Constraint::Length(height)]).flex(Flex::Center));
    let [popup] = row.layout(&Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center));
    let key = |a| app.keymap.key(Mode::Links, a).unwrap_or_default();
    let footer = format!(
        " {} open · {} copy · {} close ",
        key(Action::Submit),
        key(Action::Copy),
        key(Action::Cancel)
    );
    let block = Block::bordered()
        .border_style(theme.border_focused)
        .title(fit(Line::raw(" Open a link "), inner))
        .title_bottom(fit(Line::styled(footer, theme.dim), inner).right_aligned());
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

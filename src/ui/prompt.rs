//! The "which session?" prompt: the input scrolls sideways with a visible cursor, and
//! its keys are named from the keymap.

use ratatui::layout::{Constraint, Flex, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use super::{fit, Theme};
use crate::app::keymap::{Action, Mode};
use crate::app::prompt::PromptScreen;
use crate::app::wrap;
use crate::app::App;
use crate::sanitize::sanitize_line;

const LABEL: &str = "Session id: ";

pub fn render(frame: &mut Frame, area: Rect, app: &App, p: &PromptScreen, theme: &Theme) {
    let width = area.width.min(64);
    let inner = width.saturating_sub(2) as usize;
    let error: Vec<String> = p
        .error
        .as_deref()
        .map(|e| wrap::wrap(&format!("⚠ {}", sanitize_line(e)), inner, inner))
        .unwrap_or_default();
    let height =
        (5 + error.len() as u16 + u16::from(!error.is_empty())).min(area.height.saturating_sub(1));
    let [row] = area.layout(&Layout::vertical([Constraint::Length(height)]).flex(Flex::Center));
    let [popup] = row.layout(&Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center));

    // The input scrolls so the cursor stays in view; the value is sanitised as shown.
    let field = inner.saturating_sub(LABEL.len()).max(1);
    let scroll = p.input.visual_scroll(field.saturating_sub(1));
    let shown: String = sanitize_line(p.value()).chars().skip(scroll).collect();
    let shown = wrap::cut(&shown, field).to_string();
    let mut lines = vec![
        fit(
            Line::raw("Which support session should g2a-tui open?"),
            inner,
        ),
        Line::from(vec![
            Span::styled(LABEL, theme.label),
            Span::styled(shown, theme.value),
        ]),
    ];
    if !error.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(error.into_iter().map(|l| Line::styled(l, theme.error)));
    }
    let key = |a| app.keymap.key(Mode::Prompt, a).unwrap_or_default();
    let cancel = if p.back.is_some() { "back" } else { "quit" };
    lines.push(Line::raw(""));
    lines.push(fit(
        Line::from(vec![
            Span::styled(key(Action::Submit), theme.key),
            Span::raw(" open   "),
            Span::styled(key(Action::Cancel), theme.key),
            Span::raw(format!(" {cancel}")),
        ]),
        inner,
    ));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(theme.border_focused)
                .title(" g2a-tui "),
        ),
        popup,
    );
    // The terminal's own cursor marks the insertion point.
    let before: String = sanitize_line(p.value())
        .chars()
        .skip(scroll)
        .take(p.input.visual_cursor().saturating_sub(scroll))
        .collect();
    let x = popup.x + 1 + (LABEL.len() + wrap::width(&before)).min(inner) as u16;
    if popup.height > 2 {
        frame.set_cursor_position(Position::new(x, popup.y + 2));
    }
}

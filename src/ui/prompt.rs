//! The "which session?" prompt: the input scrolls sideways with a visible cursor, a
//! pre-filled id shows as selected (typing replaces it), the last failure and what to
//! do about it are said in full, and its keys are named from the keymap.

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

/// `area` excludes the status line, which stays visible under the prompt.
pub fn render(frame: &mut Frame, area: Rect, app: &App, p: &PromptScreen, theme: &Theme) {
    let width = area.width.min(64);
    let inner = width.saturating_sub(2) as usize;
    let wrapped = |text: &str| wrap::wrap(&sanitize_line(text), inner, inner);
    let error: Vec<Line> = p
        .error
        .as_deref()
        .map(|e| wrapped(&format!("⚠ {e}")))
        .unwrap_or_default()
        .into_iter()
        .map(|l| Line::styled(l, theme.error))
        .chain(
            p.hint
                .as_deref()
                .map(|h| wrapped(&format!("hint: {h}")))
                .unwrap_or_default()
                .into_iter()
                .map(|l| Line::styled(l, theme.dim)),
        )
        .collect();

    // The input scrolls so the cursor stays in view; the value is sanitised as shown.
    let field = inner.saturating_sub(LABEL.len()).max(1);
    let value = sanitize_line(p.value()).into_owned();
    let scroll = p.input.visual_scroll(field.saturating_sub(1));
    let shown = skip_cols(&value, scroll);
    let shown = wrap::cut(shown, field).to_string();
    // A fresh value is selected: typing replaces it. It looks like any other selection.
    let style = if p.fresh {
        theme.value.patch(theme.cursor)
    } else {
        theme.value
    };
    let key = |a| app.keymap.key(Mode::Prompt, a).unwrap_or_default();
    let submit = if p.is_retry() { "try again" } else { "open" };
    let cancel = if p.back.is_some() { "back" } else { "quit" };
    let keys = fit(
        Line::from(vec![
            Span::styled(key(Action::Submit), theme.key),
            Span::raw(format!(" {submit}   ")),
            Span::styled(key(Action::Cancel), theme.key),
            Span::raw(format!(" {cancel}")),
        ]),
        inner,
    );
    let question = fit(
        Line::raw("Which support session should g2a-tui open?"),
        inner,
    );
    let input = Line::from(vec![
        Span::styled(LABEL, theme.label),
        Span::styled(shown, style),
    ]);
    // On a short terminal the spacing goes first, then the question, then error lines.
    let room = area.height.saturating_sub(2) as usize;
    let mut lines = vec![question.clone(), input.clone()];
    if !error.is_empty() {
        lines.push(Line::raw(""));
        lines.extend(error.iter().cloned());
    }
    lines.push(Line::raw(""));
    lines.push(keys.clone());
    if lines.len() > room {
        lines = vec![question, input.clone()];
        lines.extend(error.iter().cloned());
        lines.push(keys.clone());
    }
    if lines.len() > room {
        lines = vec![input];
        lines.extend(error.into_iter().take(room.saturating_sub(2)));
        lines.push(keys);
    }
    let input_row = lines
        .iter()
        .position(|l| l.width() > 0 && l.spans.first().is_some_and(|s| s.content == LABEL))
        .unwrap_or(0);
    let height = (lines.len() as u16 + 2).min(area.height);
    let [row] = area.layout(&Layout::vertical([Constraint::Length(height)]).flex(Flex::Center));
    let [popup] = row.layout(&Layout::horizontal([Constraint::Length(width)]).flex(Flex::Center));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::bordered()
                .border_style(theme.border_focused)
                .title(fit(Line::raw(" g2a-tui "), inner)),
        ),
        popup,
    );
    // The terminal's own cursor marks the insertion point.
    let before = p.input.visual_cursor().saturating_sub(scroll);
    let x = popup.x + 1 + (LABEL.len() + before).min(inner) as u16;
    let y = popup.y + 1 + input_row as u16;
    if y < popup.bottom().saturating_sub(1) {
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// `s` without its first `cols` display columns.
fn skip_cols(s: &str, cols: usize) -> &str {
    let cut = wrap::cut(s, cols);
    &s[cut.len()..]
}

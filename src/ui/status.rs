//! The status line: which session, what is loading, the last error, and key hints
//! generated from the key table.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::{SPINNER, THEME};
use crate::api::error::WithHint;
use crate::app::keymap::hints;
use crate::app::{App, Pane};
use crate::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let hint_line = hint_spans(app);
    let hint_width = hint_line.width() as u16;
    let [left, right] = area.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(hint_width.min(area.width / 2)),
    ]));
    frame.render_widget(
        Paragraph::new(left_spans(app)).style(THEME.status_bar),
        left,
    );
    frame.render_widget(
        Paragraph::new(hint_line)
            .style(THEME.status_bar)
            .right_aligned(),
        right,
    );
}

fn left_spans(app: &App) -> Line<'static> {
    let id = app
        .session_id
        .as_deref()
        .map(|s| sanitize_line(s).into_owned())
        .unwrap_or_default();
    let mut spans = vec![Span::styled(format!(" #{id} "), THEME.key)];
    let loading: Vec<&str> = [
        (app.session.is_loading(), "session"),
        (app.transcript.is_loading(), "transcript"),
        (app.links.is_loading(), "links"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    if !loading.is_empty() {
        spans.push(Span::styled(
            format!(
                "{} loading {} ",
                SPINNER[app.spinner % SPINNER.len()],
                loading.join(", ")
            ),
            THEME.spinner,
        ));
    }
    let error = [
        app.session.error(),
        app.transcript.error(),
        app.links.error(),
    ]
    .into_iter()
    .flatten()
    .next();
    if let Some(e) = error {
        spans.push(Span::styled(
            format!("⚠ {}", sanitize_line(&WithHint(e).to_string())),
            THEME.error,
        ));
    }
    Line::from(spans)
}

/// Hints for the focused pane: "latest" only means something in the transcript.
fn hint_spans(app: &App) -> Line<'static> {
    let mut spans = Vec::new();
    for (key, hint) in hints() {
        if hint == "latest" && app.focus != Pane::Transcript {
            continue;
        }
        spans.push(Span::styled(key, THEME.key));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    Line::from(spans)
}

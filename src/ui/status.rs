//! The status line: which session, what is loading, the last error, and key hints
//! generated from the key table.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::{SPINNER, THEME};
use crate::api::error::WithHint;
use crate::app::keymap::hints;
use crate::app::{App, Load, Pane};
use crate::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let left_line = left_spans(app);
    let budget =
        (area.width as usize).saturating_sub(left_line.width().min(area.width as usize / 2));
    let hint_line = hint_spans(app, budget);
    let hint_width = hint_line.width() as u16;
    let [left, right] = area.layout(&Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(hint_width),
    ]));
    frame.render_widget(Paragraph::new(left_line).style(THEME.status_bar), left);
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
    if app.demo {
        spans.push(Span::styled(" DEMO ", THEME.notice));
        spans.push(Span::raw(" "));
    }
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
    // The most recent failure is the one the technician just caused or is waiting on.
    let error = [&app.session.load, &app.transcript.load, &app.links.load]
        .into_iter()
        .filter_map(|l| match l {
            Load::Failed { error, at } => Some((at, error)),
            _ => None,
        })
        .max_by_key(|(at, _)| **at);
    if let Some((_, e)) = error {
        spans.push(Span::styled(
            format!("⚠ {} ", sanitize_line(&WithHint(e).to_string())),
            THEME.error,
        ));
    }
    Line::from(spans)
}

/// Which hints survive when the line is short, most needed first.
const PRIORITY: [&str; 7] = ["help", "quit", "pane", "scroll", "latest", "refresh", "top"];

/// Hints for the focused pane that fit in `budget` columns, in key-table order.
/// "latest" only means something in the transcript.
fn hint_spans(app: &App, budget: usize) -> Line<'static> {
    let all: Vec<(String, &str)> = hints()
        .filter(|(_, hint)| *hint != "latest" || app.focus == Pane::Transcript)
        .collect();
    let cost = |(key, hint): &(String, &str)| key.chars().count() + hint.len() + 3;
    let mut keep = Vec::new();
    let mut used = 0;
    for want in PRIORITY {
        if let Some(h) = all.iter().find(|(_, hint)| *hint == want) {
            if used + cost(h) <= budget {
                used += cost(h);
                keep.push(want);
            }
        }
    }
    let mut spans = Vec::new();
    for (key, hint) in all.into_iter().filter(|(_, h)| keep.contains(h)) {
        spans.push(Span::styled(key, THEME.key));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    Line::from(spans)
}

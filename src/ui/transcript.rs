//! The transcript pane. Only the rows in view are built and drawn each frame (wrapped
//! rows are cached per width in the view state), so its cost does not grow with the
//! length of the history.

use ratatui::layout::{Margin, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};
use ratatui::Frame;

use super::layout::text_area;
use super::theme::THEME;
use super::{error_lines, pane_block, placeholder};
use crate::api::model::TranscriptAbsence;
use crate::api::ApiError;
use crate::app::transcript::{display_name, Entry, Row, Speaker, TIME_COLS};
use crate::app::{App, Pane};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let count = app.view.entries.len();
    let extra = (count > 0).then(|| format!("· {count} messages"));
    let block = pane_block(app, Pane::Transcript, &app.transcript, extra);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let (width, height) = text_area(area, Pane::Transcript);
    let text = Rect::new(inner.x, inner.y, width as u16, inner.height);

    let mut lines: Vec<Line> = app
        .transcript
        .error()
        .filter(|_| app.transcript.data.is_some())
        .map(|e| error_lines(e, width))
        .unwrap_or_default();
    if count == 0 {
        lines.extend(empty_lines(app, width));
        frame.render_widget(Paragraph::new(lines), text);
        return;
    }
    // Scrolled back, the last row holds the "press G" bar instead of a message row.
    let latest_bar = !app.view.is_following() && inner.height > 2;
    let rows = height.saturating_sub(lines.len() + usize::from(latest_bar));
    for (i, _, row) in app.view.visible(width, rows) {
        lines.push(row_line(&app.view.entries[i], row, width));
    }
    frame.render_widget(Paragraph::new(lines), text);

    let top = app.view.top(width, rows);
    let mut bar =
        ScrollbarState::new(count.saturating_sub(1)).position(if app.view.is_following() {
            count
        } else {
            top.entry
        });
    frame.render_stateful_widget(
        // No track symbol: the pane's own border shows through as the track.
        Scrollbar::new(ScrollbarOrientation::VerticalRight)
            .begin_symbol(None)
            .end_symbol(None)
            .track_symbol(None)
            .thumb_style(THEME.border_focused),
        area.inner(Margin {
            vertical: 1,
            horizontal: 0,
        }),
        &mut bar,
    );
    if latest_bar {
        render_latest_bar(
            frame,
            Rect::new(inner.x, inner.bottom() - 1, width as u16, 1),
            app.view.unseen,
        );
    }
}

/// Says the reader has scrolled away from the live end, and how to get back.
fn render_latest_bar(frame: &mut Frame, area: Rect, unseen: usize) {
    let text = match unseen {
        0 => " ↓ scrolled back · press G for the latest ".to_string(),
        1 => " ↓ 1 new message · press G for the latest ".to_string(),
        n => format!(" ↓ {n} new messages · press G for the latest "),
    };
    let text = crate::app::wrap::truncate(&text, area.width as usize);
    frame.render_widget(
        Paragraph::new(Line::styled(text, THEME.notice)).right_aligned(),
        area,
    );
}

fn empty_lines(app: &App, width: usize) -> Vec<Line<'static>> {
    // An unknown session also has no transcript (404 on both): say the real reason.
    if app.session.data.is_none() && matches!(app.session.error(), Some(ApiError::NotFound { .. }))
    {
        return vec![Line::styled(
            "Nothing to show: the session was not found.",
            THEME.dim,
        )];
    }
    match app.transcript.data.as_ref() {
        Some(t) if t.absence == Some(TranscriptAbsence::NoTranscript) => vec![Line::styled(
            "No chat transcript for this session.",
            THEME.dim,
        )],
        Some(_) => vec![Line::styled("The transcript is empty.", THEME.dim)],
        None => placeholder(app, &app.transcript, "transcript", width),
    }
}

/// One screen row of an entry, styled by who is speaking.
fn row_line(e: &Entry, row: Row, width: usize) -> Line<'static> {
    match row {
        Row::Date(label) => {
            let label = format!(" {label} ");
            let rest = width.saturating_sub(crate::app::wrap::width(&label));
            Line::from(vec![
                Span::styled("─".repeat(rest / 2), THEME.dim),
                Span::styled(label, THEME.date),
                Span::styled("─".repeat(rest - rest / 2), THEME.dim),
            ])
        }
        Row::First(text) => {
            // Padded by display width: an unparsed time may hold wide characters.
            let pad = TIME_COLS.saturating_sub(crate::app::wrap::width(&e.time));
            let time = Span::styled(format!("{}{}", e.time, " ".repeat(pad)), THEME.dim);
            match e.speaker {
                Speaker::System => Line::from(vec![
                    time,
                    Span::styled("· ", THEME.system),
                    Span::styled(text, THEME.system),
                ]),
                Speaker::Technician => Line::from(vec![
                    time,
                    Span::styled("▌", THEME.technician),
                    Span::raw(" "),
                    Span::styled(display_name(&e.who), THEME.technician),
                    Span::styled(": ", THEME.dim),
                    Span::raw(text),
                ]),
                Speaker::Customer => Line::from(vec![
                    time,
                    Span::raw("  "),
                    Span::styled(display_name(&e.who), THEME.customer),
                    Span::styled(": ", THEME.dim),
                    Span::raw(text),
                ]),
            }
        }
        Row::More(text) => {
            let style = if e.speaker == Speaker::System {
                THEME.system
            } else {
                THEME.value
            };
            let gutter = match e.speaker {
                Speaker::Technician => {
                    Span::styled(format!("{:TIME_COLS$}▌", ""), THEME.technician)
                }
                _ => Span::raw(format!("{:TIME_COLS$} ", "")),
            };
            // The gutter repeats the technician marker so a long message stays attributed.
            Line::from(vec![gutter, Span::styled(text, style)])
        }
    }
}

//! The transcript pane. Only the rows in view are built and drawn each frame (wrapped
//! rows are cached per width in the view state), so its cost does not grow with the
//! length of the history.

use chrono::{DateTime, Utc};
use ratatui::layout::{Margin, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};
use ratatui::Frame;

use super::search::Highlight;
use super::{pane_block, row_line, Theme};
use crate::app::keymap::{Action, Mode};
use crate::app::session_rows::{empty_transcript, retry_in, stale_banner};
use crate::app::state::grouped;
use crate::app::transcript::{display_name, Entry, Row, Speaker, TIME_COLS};
use crate::app::wrap;
use crate::app::{App, Pane, SessionScreen};

pub fn render(frame: &mut Frame, area: Rect, app: &App, s: &SessionScreen, theme: &Theme) {
    let count = s.view.entries.len();
    let vp = app.viewport(s);
    // Where the reader is (as less says it), which lines a filter shows, and which
    // clock the times are on, since the rows only carry HH:MM:SS.
    let position = match s.view.scroll_metrics(&vp) {
        None => String::new(),
        Some(_) if s.view.is_following() => " · end".to_string(),
        Some((total, above, view)) => format!(" · {}%", (above + view) * 100 / total.max(1)),
    };
    let clock = if app.since_start {
        "since start".to_string()
    } else {
        app.zone.label(app.wall)
    };
    // The clock and the position come first: a narrow title cuts the counts, not them;
    // while a transcript streams in, how far it got comes before them.
    let streaming = s
        .streaming
        .filter(|_| s.transcript.shows_loading())
        .map(|st| st.label());
    let total = grouped(count as u64);
    let extra = (count > 0).then(|| match s.view.filter().label() {
        Some(filter) => format!(
            "· {clock}{position} · {filter} · {} of {total} messages",
            grouped(s.view.shown_len() as u64)
        ),
        None => format!("· {clock}{position} · {total} messages"),
    });
    let extra = match (streaming, extra) {
        (Some(st), Some(_)) => Some(format!("· {st} · {clock}{position}")),
        (Some(st), None) => Some(format!("· {st}")),
        (None, extra) => extra,
    };
    let block = pane_block(
        app,
        s,
        Pane::Transcript,
        &s.transcript,
        extra,
        area.width,
        theme,
    );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let text = Rect::new(inner.x, inner.y, vp.width as u16, inner.height);

    let mut lines: Vec<Line> = Vec::new();
    // Never answered whole: what is shown is the start of the load that failed.
    let first_part = s.transcript.updated.is_none().then_some(count);
    if let Some(e) = s.transcript.stale_error().filter(|_| vp.banner > 0) {
        lines.push(row_line(
            &stale_banner(e, retry_in(app, s), first_part, vp.width),
            app,
            theme,
        ));
    }
    if count == 0 {
        lines.extend(
            empty_transcript(s, vp.width)
                .iter()
                .map(|r| row_line(r, app, theme)),
        );
        frame.render_widget(Paragraph::new(lines), text);
        return;
    }
    let visible = s.view.visible(&vp);
    // The session's start (or, unknown, its first message) for "since start" times.
    let since = app
        .since_start
        .then(|| {
            s.session
                .data
                .as_ref()
                .and_then(|d| d.started_at.as_ref()?.at)
                .or_else(|| (0..s.view.entries.len()).find_map(|i| s.view.entries.time(i)))
        })
        .flatten();
    if visible.is_empty() {
        // A filter that keeps nothing says so, and how to see everything again.
        let f = app
            .keymap
            .key(Mode::Normal, Action::Filter)
            .unwrap_or_default();
        let text = format!("{} · {f} shows the others", s.view.filter().nothing());
        lines.push(Line::styled(wrap::truncate(&text, vp.width), theme.dim));
    }
    // Each entry's search highlights, worked out once for its rows in view.
    let mut marks = None;
    // The first row never shows a fragment without its speaker: a continuation at the
    // top is overlaid by the message's time and name. Not in a view of one or two
    // rows, where it would hide every line of a message but its first.
    let sticky = visible.len() >= 3;
    // A message spanning several rows is put together once.
    let mut entry: Option<(usize, Entry)> = None;
    for (n, (i, r, row)) in visible.iter().enumerate() {
        if entry.as_ref().is_none_or(|(at, _)| at != i) {
            entry = s.view.entries.get(*i).map(|e| (*i, e));
        }
        let Some((_, e)) = entry.as_ref() else {
            continue;
        };
        if marks.as_ref().is_none_or(|(at, _)| at != i) {
            marks = Some((*i, crate::app::search::marks(s, *i, vp.width)));
        }
        let hl = Highlight::new(marks.as_ref().and_then(|(_, m)| m.as_ref()), *r, theme);
        let mut line = match row {
            Row::More(_) if n == 0 && sticky => sticky_header(e, since, vp.width, theme),
            _ => entry_line(e, row.clone(), since, vp.width, theme, &hl),
        };
        // The picked message (`v`): its time column in reverse video, every row.
        if s.cursor == Some(*i) {
            if let Some(first) = line.spans.first_mut() {
                first.style = first.style.patch(theme.cursor);
            }
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), text);

    if let Some((total, above, view)) = s.view.scroll_metrics(&vp) {
        // ratatui's thumb covers `viewport / content` of the track; positions run
        // from 0 to content - 1, so the last page puts the thumb at the bottom.
        let mut bar = ScrollbarState::new(total.saturating_sub(view) + 1)
            .viewport_content_length(view)
            .position(above);
        frame.render_stateful_widget(
            // No track symbol: the pane's own border shows through as the track.
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .track_symbol(None)
                .thumb_style(theme.scrollbar),
            area.inner(Margin {
                vertical: 1,
                horizontal: 0,
            }),
            &mut bar,
        );
    }
    if vp.has_bar(s.view.is_following()) {
        render_latest_bar(
            frame,
            Rect::new(inner.x, inner.bottom() - 1, vp.width as u16, 1),
            s.view.unseen,
            &app.keymap
                .key(Mode::Normal, Action::Bottom)
                .unwrap_or_default(),
            theme,
        );
    }
}

/// Says the reader has scrolled away from the live end, and how to get back.
fn render_latest_bar(frame: &mut Frame, area: Rect, unseen: usize, key: &str, theme: &Theme) {
    let text = match unseen {
        0 => format!(" ↓ scrolled back · press {key} for the latest "),
        1 => format!(" ↓ 1 new message · press {key} for the latest "),
        n => format!(" ↓ {n} new messages · press {key} for the latest "),
    };
    // A narrow pane gets the short form rather than a cut one.
    let short = match unseen {
        0 => format!(" ↓ {key} latest "),
        n => format!(" ↓ {n} new · {key} "),
    };
    let text = if wrap::width(&text) <= area.width as usize {
        text
    } else {
        wrap::truncate(&short, area.width as usize)
    };
    frame.render_widget(
        Paragraph::new(Line::styled(text, theme.notice)).right_aligned(),
        area,
    );
}

fn speaker_style(s: Speaker, theme: &Theme) -> Style {
    match s {
        Speaker::Expert | Speaker::Collaborator => theme.technician,
        Speaker::Customer => theme.customer,
        Speaker::Other => theme.other,
        Speaker::System => theme.system,
    }
}

/// A message's time as the reader asked for it: the zone's clock, or "+12:04" since
/// the session started.
fn clock(e: &Entry, since: Option<DateTime<Utc>>) -> String {
    match (since, e.time) {
        (Some(start), Some(t)) => since_start((t - start).num_seconds()),
        _ => e.clock().to_string(),
    }
}

/// `secs` after the start in at most eight columns (the time column's width), to the
/// second for the first hundred hours: `+12:04`, `+9:59:58`, `10:00:03` (the plus
/// dropped to make room), then `+4d03:12`, `+12d03h`, `+123d03h`, `+1234d` (before
/// the start, rare, `-10h00m` from ten hours).
fn since_start(secs: i64) -> String {
    let sign = if secs < 0 { "-" } else { "+" };
    let s = secs.unsigned_abs();
    let (d, h, m, sec) = (s / 86_400, s / 3600, s / 60 % 60, s % 60);
    if s < 3_600 {
        format!("{sign}{m:02}:{sec:02}")
    } else if s < 36_000 {
        format!("{sign}{h}:{m:02}:{sec:02}")
    } else if s < 360_000 && secs >= 0 {
        format!("{h}:{m:02}:{sec:02}")
    } else if s < 360_000 {
        format!("-{h}h{m:02}m")
    } else if d < 10 {
        format!("{sign}{d}d{:02}:{m:02}", h % 24)
    } else if d < 1_000 {
        format!("{sign}{d}d{:02}h", h % 24)
    } else {
        format!("{sign}{d}d")
    }
}

fn time_span(e: &Entry, since: Option<DateTime<Utc>>, theme: &Theme) -> Span<'static> {
    // Padded by display width: an unparsed time may hold wide characters.
    let time = wrap::truncate(&clock(e, since), TIME_COLS - 1);
    let pad = TIME_COLS.saturating_sub(wrap::width(&time));
    Span::styled(format!("{time}{}", " ".repeat(pad)), theme.time)
}

/// The time and speaker of a message whose first row is above the view.
fn sticky_header(
    e: &Entry,
    since: Option<DateTime<Utc>>,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let style = speaker_style(e.speaker, theme);
    let who = match e.speaker {
        Speaker::System => "(continued)".to_string(),
        _ => format!("{} (continued)", display_name(&e.who)),
    };
    let line = Line::from(vec![
        time_span(e, since, theme),
        Span::styled(e.speaker.mark().to_string(), style),
        Span::raw(" "),
        Span::styled(who, style.patch(theme.dim)),
    ]);
    super::fit(line, width)
}

/// One screen row of an entry, styled by who is speaking.
fn entry_line(
    e: &Entry,
    row: Row,
    since: Option<DateTime<Utc>>,
    width: usize,
    theme: &Theme,
    hl: &Highlight,
) -> Line<'static> {
    let style = speaker_style(e.speaker, theme);
    match row {
        Row::Date(label) => {
            let label = format!(" {label} ");
            let rest = width.saturating_sub(wrap::width(&label));
            Line::from(vec![
                Span::styled("─".repeat(rest / 2), theme.dim),
                Span::styled(label, theme.date),
                Span::styled("─".repeat(rest - rest / 2), theme.dim),
            ])
        }
        Row::First(text) => match e.speaker {
            Speaker::System => Line::from(
                [
                    vec![
                        time_span(e, since, theme),
                        Span::styled(format!("{} ", e.speaker.mark()), style),
                    ],
                    hl.text(text, style),
                ]
                .concat(),
            ),
            _ => Line::from(
                [
                    vec![
                        time_span(e, since, theme),
                        Span::styled(e.speaker.mark().to_string(), style),
                        Span::raw(" "),
                    ],
                    hl.who(display_name(&e.who), &e.who, style),
                    vec![Span::styled(": ", theme.dim)],
                    hl.text(text, theme.value),
                ]
                .concat(),
            ),
        },
        Row::More(text) => {
            let text_style = if e.speaker == Speaker::System {
                theme.system
            } else {
                theme.value
            };
            // The gutter repeats the speaker's mark so a long message stays attributed.
            Line::from(
                [
                    vec![
                        Span::raw(" ".repeat(TIME_COLS)),
                        Span::styled(e.speaker.mark().to_string(), style),
                        Span::raw(" "),
                    ],
                    hl.text(text, text_style),
                ]
                .concat(),
            )
        }
    }
}

#[cfg(test)]
mod since_tests {
    use super::since_start;

    #[test]
    fn times_since_the_start_fit_the_column_to_the_second_for_a_hundred_hours() {
        let cases = [
            (0, "+00:00"),
            (724, "+12:04"),
            (-724, "-12:04"),
            (35_998, "+9:59:58"),
            (36_003, "10:00:03"),
            (359_999, "99:59:59"),
            (-36_003, "-10h00m"),
            (360_000, "+4d04:00"),
            (12 * 86_400 + 3 * 3600 + 59, "+12d03h"),
            (123 * 86_400 + 3 * 3600, "+123d03h"),
            (1_234 * 86_400, "+1234d"),
            (i64::MIN, "-106751991167300d"),
        ];
        for (secs, want) in cases {
            assert_eq!(since_start(secs), want, "{secs}");
        }
        for secs in (-400_000..400_000).step_by(997) {
            assert!(
                since_start(secs).len() <= 8,
                "{secs}: {}",
                since_start(secs)
            );
        }
    }
}

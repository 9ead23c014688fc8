//! What the reader can take away from a session: a message or a field for the
//! clipboard, the whole transcript as text, and a markdown export. Pure: the event loop
//! does the writing (OSC 52 to the terminal, a file in the current directory).

use super::entries::Entries;
use super::state::{App, Load, Pane, SessionScreen};
use super::transcript::{Entry, Speaker};
use crate::api::{Event, Timestamp, Transcript};
use crate::print::{self, Format, LinksOutcome, PrintOptions, Report};

/// Larger copies are refused: terminals cap OSC 52 (often at 100 kB to a few MB),
/// and a silently truncated clipboard is worse than a clear "too large".
pub const MAX_COPY_BYTES: usize = 1024 * 1024;

/// One message as a line of text, as it reads on screen: time, speaker, words.
pub fn message_text(e: &Entry) -> String {
    match e.speaker {
        Speaker::System => format!("{} {} {}", e.clock(), e.speaker.mark(), e.text),
        _ => format!("{} {} {}: {}", e.clock(), e.speaker.mark(), e.who, e.text),
    }
}

/// The whole transcript as text, one message after another.
pub fn transcript_text(entries: &Entries) -> String {
    let mut out = String::new();
    for e in entries.iter() {
        out.push_str(&message_text(&e));
        out.push('\n');
    }
    out
}

/// What `y` copies and how the notice names it: the picked message in the
/// transcript (or the newest one in view), or the field at the top of another pane.
pub fn selection(app: &App, s: &SessionScreen) -> Option<(String, &'static str)> {
    match s.focus {
        Pane::Transcript => {
            let i = s.cursor.or_else(|| {
                let vp = app.viewport(s);
                s.view.visible(&vp).last().map(|(i, _, _)| *i)
            })?;
            let e = s.view.entries.get(i)?;
            Some((message_text(&e), "message"))
        }
        Pane::Session | Pane::Links => {
            let panes = app.panes()?;
            let width = super::layout::text_area(panes.get(s.focus)).0;
            let (rows, scroll) = match s.focus {
                Pane::Session => (app.session_rows(s, width), s.session_scroll),
                _ => (app.links_rows(s, width), s.links_scroll),
            };
            // The field owning the top row in view (or the first below it).
            rows.iter()
                .skip(scroll)
                .chain(rows.iter().take(scroll).rev())
                .find_map(|r| r.value.clone())
                .map(|v| (v, "field"))
        }
    }
}

/// "Copied the message (142 characters)".
pub fn copied_notice(what: &str, text: &str) -> String {
    let n = text.chars().count();
    let unit = if n == 1 { "character" } else { "characters" };
    format!("Copied the {what} ({n} {unit})")
}

/// The export's file name, from the session id and its start date:
/// `g2a-482913657-2026-11-20.md`. Only safe characters of the id are kept.
pub fn export_name(app: &App, s: &SessionScreen) -> String {
    let id: String =
        s.id.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect();
    let day = s
        .session
        .data
        .as_ref()
        .and_then(|d| d.started_at.as_ref()?.at)
        .map(|t| app.zone.day(t))
        .unwrap_or_else(|| app.zone.day(app.wall));
    format!("g2a-{id}-{}.md", day.format("%Y-%m-%d"))
}

/// The session header and transcript in markdown, as `print --format markdown` writes
/// them, built from what the viewer holds.
pub fn export_markdown(app: &App, s: &SessionScreen) -> Option<String> {
    let session = s.session.data.clone()?;
    let transcript = match &s.transcript.data {
        Some(t) => Ok(Transcript {
            events: s.view.entries.iter().map(|e| event_of(&e)).collect(),
            ..t.clone()
        }),
        // A load that failed part-way keeps what arrived.
        None if !s.view.entries.is_empty() => Ok(Transcript {
            events: s.view.entries.iter().map(|e| event_of(&e)).collect(),
            ..Transcript::default()
        }),
        None => Ok(Transcript::none_for_session()),
    };
    let links = match (&app.context.system_domain, &s.links.data) {
        (Some(domain), Some(links)) => LinksOutcome::Loaded {
            domain: domain.clone(),
            links: links.clone(),
        },
        _ => LinksOutcome::NoDomain,
    };
    let report = Report {
        session,
        transcript,
        links,
    };
    let opts = PrintOptions {
        format: Format::Markdown,
        zone: app.zone,
        reveal_secrets: false,
    };
    let mut text = print::render(&report, &opts, app.wall);
    // Messages held under a failed load (a body cut off, the size limit) are only part
    // of the transcript: the file says so, as the pane does.
    if let (Load::Failed { error, .. }, false) = (&s.transcript.load, s.view.entries.is_empty()) {
        text.push_str(&format!(
            "\n> **Transcript incomplete:** {} messages shown; {}.\n",
            super::state::grouped(s.view.entries.len() as u64),
            crate::sanitize::sanitize_line(&error.to_string())
        ));
    }
    Some(text)
}

/// A held message as the API event it came from (its text already sanitised, which
/// sanitising again leaves as it is).
fn event_of(e: &Entry) -> Event {
    let time = match (e.time, &e.raw_time) {
        (Some(at), _) => Some(Timestamp {
            raw: at.to_rfc3339().into(),
            at: Some(at),
        }),
        (None, Some(raw)) => Some(Timestamp {
            raw: raw.as_ref().into(),
            at: None,
        }),
        (None, None) => None,
    };
    Event {
        time,
        participant: (!e.who.is_empty()).then(|| e.who.as_ref().into()),
        content: e.text.to_string(),
    }
}

//! What the reader can take away from a session: a message or a field for the
//! clipboard, the whole transcript as text, and a markdown export. Pure: the event loop
//! does the writing (OSC 52 to the terminal, a file in the current directory, written
//! on a thread of its own).

use std::io;

use chrono::{DateTime, Utc};

use super::entries::Entries;
use super::state::{App, Load, Pane, SessionScreen};
use super::transcript::{Entry, Speaker};
use crate::api::Transcript;
use crate::present::metrics::{ChatStatsBuilder, Metrics};
use crate::print::{self, Chat, Format, LinksOutcome, PrintOptions, Report};

/// Larger copies are refused: terminals cap OSC 52 (often at 100 kB to a few MB; tmux
/// drops a sequence over about 1 MiB without a word), and a clipboard silently left
/// as it was is worse than a clear "too big". The text goes in base64, 4 bytes for 3,
/// so this much text makes a 1 MiB sequence.
pub const MAX_COPY_BYTES: usize = 768 * 1024;

/// What the status line says of a text over [`MAX_COPY_BYTES`].
pub fn too_big_to_copy() -> String {
    format!("Too big to copy (over {} KB)", MAX_COPY_BYTES / 1024)
}

/// One message as a line of text, as it reads on screen: time, speaker, words.
pub fn message_text(e: &Entry) -> String {
    match e.speaker {
        Speaker::System => format!("{} {} {}", e.clock(), e.speaker.mark(), e.text),
        _ => format!("{} {} {}: {}", e.clock(), e.speaker.mark(), e.who, e.text),
    }
}

/// The whole transcript as text, one message after another; `None` once it passes
/// `limit` bytes (a million messages are not put together only to be refused).
pub fn transcript_text(entries: &Entries, limit: usize) -> Option<String> {
    let mut out = String::new();
    for e in entries.iter() {
        out.push_str(&message_text(&e));
        out.push('\n');
        if out.len() > limit {
            return None;
        }
    }
    Some(out)
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
    let n = super::state::grouped(n as u64);
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

/// What `e` writes: the session, its metrics, the transcript the viewer holds and the
/// partner links, as `print --format markdown` writes them. Made on the UI thread from
/// a snapshot (the compressed text shared, not copied) and written on another: a
/// million messages take a second or more to put together.
#[derive(Debug)]
pub struct Export {
    report: Report,
    entries: Entries,
    opts: PrintOptions,
    now: DateTime<Utc>,
    /// Said after the messages when the load failed part-way.
    incomplete: Option<String>,
}

/// A job is itself: two exports are never the same one (effects compare in tests).
impl PartialEq for Export {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Eq for Export {}

impl Export {
    /// The messages it holds.
    pub fn messages(&self) -> usize {
        self.entries.len()
    }

    /// Writes the document into `w`, a message at a time.
    pub fn write_to(&self, w: &mut dyn io::Write) -> io::Result<()> {
        let session = &self.report.session;
        let e = &self.entries;
        let mut stats = ChatStatsBuilder::default();
        for i in 0..e.len() {
            stats.add_head(e.time(i), e.speaker(i).unwrap_or(Speaker::System), e.who(i));
        }
        let metrics = Metrics::new(session, &stats.finish(Some(session)), self.now);
        let chat = Chat::Each(e.iter(), self.incomplete.as_deref());
        print::write_markdown(w, &self.report, &self.opts, self.now, &metrics, chat)
    }
}

/// The export of what the viewer holds, or `None` until the session has loaded.
pub fn export(app: &App, s: &SessionScreen) -> Option<Export> {
    let session = s.session.data.clone()?;
    let transcript = match &s.transcript.data {
        // The messages are written from the entries; the rest of the answer stays.
        Some(t) => Transcript {
            events: Vec::new(),
            ..t.clone()
        },
        None if !s.view.entries.is_empty() => Transcript::default(),
        None => Transcript::none_for_session(),
    };
    let links = match (&app.context.system_domain, &s.links.data) {
        (Some(domain), Some(links)) => LinksOutcome::Loaded {
            domain: domain.clone(),
            links: links.clone(),
        },
        _ => LinksOutcome::NoDomain,
    };
    // Messages held under a failed load (a body cut off, the size limit) are only part
    // of the transcript: the file says so, as the pane does.
    let incomplete = match (&s.transcript.load, s.view.entries.is_empty()) {
        (Load::Failed { error, .. }, false) => Some(format!(
            "> **Transcript incomplete:** {} messages shown; {}.",
            super::state::grouped(s.view.entries.len() as u64),
            print::escape_markdown(&crate::sanitize::sanitize_line(&error.to_string()))
        )),
        _ => None,
    };
    let mut entries = s.view.entries.snapshot();
    entries.use_zone(app.zone);
    Some(Export {
        report: Report {
            session,
            transcript: Ok(transcript),
            links,
        },
        entries,
        opts: PrintOptions {
            format: Format::Markdown,
            zone: app.zone,
            reveal_secrets: false,
        },
        now: app.wall,
        incomplete,
    })
}

//! `g2a-tui print`: the session, transcript and partner links as text, markdown or JSON,
//! or the transcript alone as CSV.
//!
//! The text, markdown and CSV writers render [`crate::present`], the presentation
//! model the viewer shares, so none can disagree with another (or with the viewer)
//! about what a session says or forget to sanitise; `json` works on the raw bodies
//! instead, so it can stay lossless (the transcript's passed through as it streams:
//! `json_stream.rs`).

mod csv;
mod json;
pub mod json_stream;
mod markdown;
pub mod passthrough;
pub mod stream;
mod text;

use chrono::{DateTime, Utc};

use crate::api::{ApiError, Session, SystemLinks, Transcript};
use crate::present::metrics::Metrics;
use crate::present::{self, LinksView, TranscriptView};
use crate::timefmt::Zone;

/// The output formats. The command line maps its own option type into this, so
/// `print` does not depend on the argument parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Json,
    /// The transcript only, one row per message (see `print/csv.rs`).
    Csv,
}

#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    pub format: Format,
    pub zone: Zone,
    pub reveal_secrets: bool,
}

/// What the links part has to say.
#[derive(Debug)]
pub enum LinksOutcome {
    /// No system domain configured: say how to set one (not an error).
    NoDomain,
    Loaded {
        domain: String,
        links: SystemLinks,
    },
    Failed {
        domain: String,
        error: ApiError,
    },
}

/// Everything fetched for one session.
#[derive(Debug)]
pub struct Report {
    pub session: Session,
    pub transcript: Result<Transcript, ApiError>,
    pub links: LinksOutcome,
}

/// The whole document. `now` is used for "running for" durations of active sessions
/// and the metrics' spans that run to now.
pub fn render(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    match opts.format {
        Format::Text => text::render(report, opts, now),
        Format::Markdown => markdown::render(report, opts, now),
        Format::Json => json::render(report, opts, now),
        Format::Csv => csv::render(report),
    }
}

/// The messages a transcript section shows; none when it is empty or failed.
fn messages_of(view: &TranscriptView) -> &[present::Message] {
    match view {
        TranscriptView::Messages(msgs) => msgs,
        TranscriptView::Empty(_) | TranscriptView::Failed(_) => &[],
    }
}

/// What a masked secret shows instead of its value.
pub use crate::present::MASK;
pub use json::{mask_tokens, to_safe_string};
pub use markdown::{escape as escape_markdown, write_document as write_markdown, Chat};

impl Report {
    /// The transcript section, its speakers classified against the session.
    pub fn transcript_view(&self, zone: Zone) -> TranscriptView {
        present::transcript_view(self.transcript.as_ref(), Some(&self.session), zone)
    }

    /// The metrics of the session and its transcript's messages (`msgs`: empty when
    /// there is no transcript).
    pub fn metrics(&self, msgs: &[present::Message], now: DateTime<Utc>) -> Metrics {
        present::metrics::metrics(&self.session, msgs, now)
    }

    /// The partner-links section, tokens masked unless `reveal_secrets`.
    pub fn links_view(&self, reveal_secrets: bool) -> LinksView {
        match &self.links {
            LinksOutcome::NoDomain => LinksView::NoDomain,
            LinksOutcome::Loaded { domain, links } => {
                present::links_view(Some(domain), Ok(links), reveal_secrets)
            }
            LinksOutcome::Failed { domain, error } => {
                present::links_view(Some(domain), Err(error), reveal_secrets)
            }
        }
    }

    /// The first part that failed, for the exit status.
    pub fn first_error(&self) -> Option<&ApiError> {
        if let Err(e) = &self.transcript {
            return Some(e);
        }
        match &self.links {
            // `--offline` asked for no links: not a failure of this run.
            LinksOutcome::Failed {
                error: ApiError::Offline { .. },
                ..
            } => None,
            LinksOutcome::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

//! Everything the viewer shows, as plain data: testable without a terminal or a network.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::transcript::TranscriptView;
use crate::api::worker::RequestId;
use crate::api::{ApiError, Session, Status, SystemLinks, Transcript};
use crate::timefmt::Zone;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Session,
    Transcript,
    Links,
}

impl Pane {
    pub const ALL: [Pane; 3] = [Pane::Session, Pane::Transcript, Pane::Links];

    pub fn title(self) -> &'static str {
        match self {
            Pane::Session => "Session",
            Pane::Transcript => "Transcript",
            Pane::Links => "Partner links",
        }
    }

    pub fn number(self) -> usize {
        match self {
            Pane::Session => 1,
            Pane::Transcript => 2,
            Pane::Links => 3,
        }
    }
}

/// Where a pane's data stands. The last good data lives beside it in [`Remote`], so a
/// failed refresh still shows what was there.
#[derive(Debug, Clone, PartialEq)]
pub enum Load {
    /// Nothing asked for (the links pane without a system domain).
    Idle,
    Loading {
        id: RequestId,
        since: Instant,
    },
    Loaded {
        at: Instant,
    },
    Failed {
        error: ApiError,
        at: Instant,
    },
}

#[derive(Debug)]
pub struct Remote<T> {
    pub data: Option<T>,
    pub load: Load,
}

impl<T> Default for Remote<T> {
    fn default() -> Self {
        Remote {
            data: None,
            load: Load::Idle,
        }
    }
}

impl<T> Remote<T> {
    pub fn is_loading(&self) -> bool {
        matches!(self.load, Load::Loading { .. })
    }

    /// True when `id` is the answer this pane waits for; anything else is stale.
    pub fn awaits(&self, id: RequestId) -> bool {
        matches!(self.load, Load::Loading { id: want, .. } if want == id)
    }

    pub fn error(&self) -> Option<&ApiError> {
        match &self.load {
            Load::Failed { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The "which session?" prompt shown when the viewer starts without an id.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub input: String,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct App {
    pub zone: Zone,
    pub session_id: Option<String>,
    pub prompt: Option<Prompt>,
    pub system_domain: Option<String>,
    /// Reading the bundled demo API, not GoToAssist: said on screen so nobody mistakes it.
    pub demo: bool,
    pub session: Remote<Session>,
    /// The transcript's metadata (its events live in `view`).
    pub transcript: Remote<Transcript>,
    pub view: TranscriptView,
    pub links: Remote<SystemLinks>,
    pub focus: Pane,
    pub session_scroll: usize,
    pub links_scroll: usize,
    pub help: bool,
    pub help_scroll: usize,
    /// Terminal size in cells.
    pub size: (u16, u16),
    /// The clock as of the last message, so drawing never reads a clock itself.
    pub now: Instant,
    pub wall: DateTime<Utc>,
    pub spinner: usize,
    pub next_request: u64,
    /// Set by the reducer when the screen must be drawn again.
    pub dirty: bool,
    pub quit: bool,
}

impl App {
    pub fn new(
        session_id: Option<String>,
        system_domain: Option<String>,
        zone: Zone,
        size: (u16, u16),
        now: Instant,
        wall: DateTime<Utc>,
    ) -> Self {
        let prompt = session_id.is_none().then(Prompt::default);
        App {
            zone,
            session_id,
            prompt,
            system_domain,
            demo: false,
            session: Remote::default(),
            transcript: Remote::default(),
            view: TranscriptView::default(),
            links: Remote::default(),
            focus: Pane::Transcript,
            session_scroll: 0,
            links_scroll: 0,
            help: false,
            help_scroll: 0,
            size,
            now,
            wall,
            spinner: 0,
            next_request: 0,
            dirty: true,
            quit: false,
        }
    }

    pub fn any_loading(&self) -> bool {
        self.session.is_loading() || self.transcript.is_loading() || self.links.is_loading()
    }

    fn is_live(&self) -> bool {
        self.session.data.as_ref().is_some_and(|s| {
            matches!(s.status, Some(Status::Active | Status::Waiting)) && s.ended_at.is_none()
        })
    }

    /// When the screen next changes by itself: the spinner while loading, the
    /// clock of an active or waiting session, or an "updated … ago" label.
    /// `None` means nothing changes until input arrives: an idle viewer sleeps.
    pub fn next_wake(&self) -> Option<Instant> {
        if self.any_loading() {
            return Some(self.now + Duration::from_millis(100));
        }
        if self.is_live() {
            return Some(self.now + Duration::from_secs(1));
        }
        [&self.session.load, &self.transcript.load, &self.links.load]
            .iter()
            .filter_map(|l| match l {
                Load::Loaded { at } => Some(next_label_change(*at, self.now)),
                _ => None,
            })
            .min()
    }
}

/// "updated Ns ago" counts seconds for the first minute, then minutes, then hours;
/// this is when the label shown for `at` next changes.
pub fn next_label_change(at: Instant, now: Instant) -> Instant {
    let age = now.saturating_duration_since(at).as_secs();
    let step = if age < 60 {
        1
    } else if age < 3600 {
        60
    } else {
        3600
    };
    at + Duration::from_secs((age / step + 1) * step)
}

/// The label itself.
pub fn age_label(at: Instant, now: Instant) -> String {
    let age = now.saturating_duration_since(at).as_secs();
    if age < 60 {
        format!("{age}s ago")
    } else if age < 3600 {
        format!("{}m ago", age / 60)
    } else {
        format!("{}h ago", age / 3600)
    }
}

//! Everything the viewer shows, as plain data: testable without a terminal or a network.
//! `App` holds what every screen shares; `Screen` holds the one on display.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::keymap::Keymap;
use super::layout::{self, Demand, Panes};
use super::prompt::PromptScreen;
use super::rows::PaneRow;
use super::search::Search;
use super::transcript::TranscriptView;
use super::viewport::Viewport;
use crate::api::retry::Retrying;
use crate::api::worker::RequestId;
use crate::api::{ApiError, ErrorClass, Session, Status, SystemLinks, Transcript};
use crate::timefmt::Zone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The load in flight is a live session's background poll: the pane keeps
    /// showing its data and only a small marker says a refresh is under way.
    pub quiet: bool,
    /// When good data last arrived (kept through a refresh, for "updated … ago").
    pub updated: Option<Instant>,
    /// The data is the local store's copy, fetched then: the network failed or
    /// `--offline` (the title says "offline · from …"). A good answer clears it.
    pub stored_at: Option<DateTime<Utc>>,
    /// The fetch in flight failed on the way and is asked again (the title says so).
    pub retry: Option<RetryNote>,
}

/// A request that failed on the way and is asked again at `at`: "retrying (2/4) in 3 s".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryNote {
    /// The request retried: a note for an older one is not shown.
    pub id: RequestId,
    pub attempt: u32,
    pub attempts: u32,
    pub at: Instant,
}

impl RetryNote {
    pub fn new(id: RequestId, r: &Retrying, now: Instant) -> Self {
        RetryNote {
            id,
            attempt: r.attempt,
            attempts: r.attempts,
            at: now + r.wait,
        }
    }

    /// "retrying (2/4) in 3 s", counting down to the attempt.
    pub fn describe(&self, now: Instant) -> String {
        let secs = crate::api::retry::ceil_secs(self.at.saturating_duration_since(now));
        format!("retrying ({}/{}) in {secs} s", self.attempt, self.attempts)
    }

    /// The note for the load in flight, if it is `load`'s.
    pub fn current<'a>(note: &'a Option<RetryNote>, load: &Load) -> Option<&'a RetryNote> {
        note.as_ref()
            .filter(|n| matches!(load, Load::Loading { id } if *id == n.id))
    }
}

impl<T> Default for Remote<T> {
    fn default() -> Self {
        Remote {
            data: None,
            load: Load::Idle,
            quiet: false,
            updated: None,
            stored_at: None,
            retry: None,
        }
    }
}

impl<T> Remote<T> {
    pub fn is_loading(&self) -> bool {
        matches!(self.load, Load::Loading { .. })
    }

    /// Since when an "updated … ago" label counts: the last arrival, also while a
    /// quiet poll is under way.
    pub fn label_since(&self) -> Option<Instant> {
        match &self.load {
            Load::Loaded { at } => Some(*at),
            Load::Loading { .. } if self.quiet => self.updated,
            _ => None,
        }
    }

    /// Loading in a way the screen shows (a spinner): not a quiet poll.
    pub fn shows_loading(&self) -> bool {
        self.is_loading() && !self.quiet
    }

    /// The retry under way for the load in flight, if any.
    pub fn retrying(&self) -> Option<&RetryNote> {
        RetryNote::current(&self.retry, &self.load)
    }

    /// True when `id` is the answer this pane waits for; anything else is stale.
    pub fn awaits(&self, id: RequestId) -> bool {
        matches!(self.load, Load::Loading { id: want } if want == id)
    }

    pub fn error(&self) -> Option<&ApiError> {
        match &self.load {
            Load::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Failed while older data is still shown: the pane says so in one line.
    pub fn stale_error(&self) -> Option<&ApiError> {
        self.error().filter(|_| self.data.is_some())
    }
}

/// What the connection is, shared by every screen.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub system_domain: Option<String>,
    /// How often a live (waiting or active) session is fetched again by itself;
    /// `None` turns it off (`--poll 0`).
    pub poll: Option<Duration>,
    /// Reading the bundled demo API, not GoToAssist: said on screen so nobody mistakes it.
    pub demo: bool,
}

/// One session: its three parts, the transcript's view and each pane's position.
#[derive(Debug)]
pub struct SessionScreen {
    pub id: String,
    pub session: Remote<Session>,
    /// The session as the pane shows it: its notes cut to what a pane can show, so a
    /// running clock re-renders a few kilobytes, not megabytes. `hidden` counts the rest.
    pub shown: Option<(Session, usize)>,
    /// The transcript's metadata (its events live in `view`).
    pub transcript: Remote<Transcript>,
    pub view: TranscriptView,
    pub links: Remote<SystemLinks>,
    pub focus: Pane,
    /// The focused pane has the whole screen (`z`).
    pub zoom: bool,
    /// The transcript entry picked with `v` (j/k move it), for `y`.
    pub cursor: Option<usize>,
    /// The reader chose a pane; until then focus follows the content.
    pub focus_chosen: bool,
    pub session_scroll: usize,
    pub links_scroll: usize,
    /// The transcript search (`/`): the search line while typing, then its matches.
    pub search: Option<Search>,
    /// Bumped whenever what the session or links pane shows changes.
    pub generation: u64,
    pub poll: Poll,
    /// The transcript answer arriving in batches, while it does.
    pub streaming: Option<Streaming>,
    pub(super) rows: RefCell<RowMemo>,
}

/// A transcript answer arriving in batches (issue 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Streaming {
    pub id: RequestId,
    /// Events of this answer so far.
    pub messages: usize,
    /// Bytes of its body so far.
    pub bytes: u64,
    /// Where a first load put the reader (the top): a reader still there when it
    /// completes is taken to the newest message, as after a whole answer.
    pub parked: Option<Option<super::transcript::Anchor>>,
}

impl Streaming {
    /// "340,000 messages · 42 MB", for the pane's title.
    pub fn label(&self) -> String {
        let mb = self.bytes / 1_000_000;
        format!(
            "{} messages · {} MB",
            grouped(self.messages as u64),
            grouped(mb)
        )
    }
}

pub use crate::present::grouped;

/// Live follow: when the next background fetch is due, and how many in a row failed
/// (each failure doubles the wait, up to [`MAX_BACKOFF`]).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Poll {
    pub next: Option<Instant>,
    pub failures: u32,
    /// A part of the round in flight failed.
    pub round_failed: bool,
}

/// The longest wait between polls after repeated failures.
pub const MAX_BACKOFF: Duration = Duration::from_secs(120);

impl Poll {
    /// The wait before the next poll after `failures` failures in a row.
    pub fn delay(every: Duration, failures: u32) -> Duration {
        every
            .saturating_mul(1u32 << failures.min(10))
            .min(MAX_BACKOFF.max(every))
    }
}

#[derive(Debug, Default)]
pub(super) struct RowMemo {
    pub session: Option<(RowKey, Rc<[PaneRow]>)>,
    pub links: Option<(RowKey, Rc<[PaneRow]>)>,
}

/// What a pane's rows depend on: its width, its data, and for a live session's
/// running clock the second shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RowKey {
    pub width: usize,
    pub generation: u64,
    pub clock: i64,
    pub zone: Zone,
}

impl SessionScreen {
    pub fn new(id: String) -> Self {
        SessionScreen {
            id,
            session: Remote::default(),
            shown: None,
            transcript: Remote::default(),
            view: TranscriptView::default(),
            links: Remote::default(),
            focus: Pane::Transcript,
            zoom: false,
            cursor: None,
            focus_chosen: false,
            session_scroll: 0,
            links_scroll: 0,
            search: None,
            generation: 0,
            poll: Poll::default(),
            streaming: None,
            rows: RefCell::default(),
        }
    }

    pub fn any_loading(&self) -> bool {
        self.session.is_loading() || self.transcript.is_loading() || self.links.is_loading()
    }

    /// Loading that the screen shows with a spinner.
    pub fn shows_loading(&self) -> bool {
        self.session.shows_loading()
            || self.transcript.shows_loading()
            || self.links.shows_loading()
    }

    /// Being fetched again by itself: live, and polling is on.
    pub fn is_polling(&self) -> bool {
        self.poll.next.is_some() || self.session.quiet || self.transcript.quiet
    }

    /// Live as far as is known: a stored copy standing in says only what the session
    /// was when fetched, so it has no running clock and is not followed.
    pub fn is_live(&self) -> bool {
        self.session.stored_at.is_none()
            && self.session.data.as_ref().is_some_and(|s| {
                matches!(s.status, Some(Status::Active | Status::Waiting)) && s.ended_at.is_none()
            })
    }

    /// The session itself could not be loaded (and nothing older is shown).
    pub fn failed_to_load(&self) -> Option<&ApiError> {
        self.session.error().filter(|_| self.session.data.is_none())
    }
}

#[derive(Debug)]
pub enum Screen {
    /// Asking which session to open; holds the session it was opened over, if any.
    Prompt(PromptScreen),
    Session(Box<SessionScreen>),
    /// The session list (issue 8).
    List(Box<super::list::ListScreen>),
}

#[derive(Debug)]
pub struct App {
    pub keymap: Keymap,
    pub context: Context,
    /// The zone of every absolute time on screen.
    pub zone: Zone,
    /// The transcript's times as "+12:04" since the session started (`t`).
    pub since_start: bool,
    pub screen: Screen,
    /// The screens left behind, for Alt-Left / Alt-Right.
    pub history: super::history::History,
    /// The help overlay and how far it is scrolled.
    pub help: Option<usize>,
    /// Terminal size in cells.
    pub size: (u16, u16),
    /// The clock as of the last message, so drawing never reads a clock itself.
    pub now: Instant,
    pub wall: DateTime<Utc>,
    pub spinner: usize,
    /// The link chooser (`o`), over the session.
    pub links_menu: Option<super::links_menu::LinksMenu>,
    /// A short confirmation in the status line ("Copied the message …") and until when.
    pub notice: Option<(String, Instant)>,
    /// An export is being written (one at a time: a second would only find the name
    /// taken).
    pub exporting: bool,
    pub next_request: u64,
    /// Set by the reducer when the screen must be drawn again.
    pub dirty: bool,
}

impl App {
    pub fn new(
        session_id: Option<String>,
        context: Context,
        zone: Zone,
        size: (u16, u16),
        now: Instant,
        wall: DateTime<Utc>,
    ) -> Self {
        let screen = match session_id {
            Some(id) => Screen::Session(Box::new(SessionScreen::new(id))),
            None => Screen::List(Box::new(super::list::ListScreen::new())),
        };
        App {
            keymap: Keymap::default(),
            context,
            zone,
            since_start: false,
            screen,
            history: super::history::History::default(),
            help: None,
            size,
            now,
            wall,
            spinner: 0,
            notice: None,
            exporting: false,
            links_menu: None,
            next_request: 0,
            dirty: true,
        }
    }

    pub fn with_keymap(mut self, keymap: Keymap) -> Self {
        self.keymap = keymap;
        self
    }

    /// The session on display, or the one behind the prompt.
    pub fn session(&self) -> Option<&SessionScreen> {
        match &self.screen {
            Screen::Session(s) => Some(s),
            Screen::Prompt(p) => p.back.as_deref(),
            Screen::List(_) => None,
        }
    }

    pub fn session_mut(&mut self) -> Option<&mut SessionScreen> {
        match &mut self.screen {
            Screen::Session(s) => Some(s),
            Screen::Prompt(p) => p.back.as_deref_mut(),
            Screen::List(_) => None,
        }
    }

    pub fn any_loading(&self) -> bool {
        match &self.screen {
            Screen::List(l) => l.shows_loading(),
            _ => self.session().is_some_and(SessionScreen::shows_loading),
        }
    }

    /// How the viewer should exit now: the class of the failure that kept the session
    /// from loading, as `print` reports it, or `None` for success.
    pub fn failure(&self) -> Option<ErrorClass> {
        self.session()?.failed_to_load().map(ApiError::class)
    }

    /// Where every pane is at the current size, for the content on display.
    pub fn panes(&self) -> Option<Panes> {
        let area = ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1);
        let demand = self.session().map_or(Demand::LOADING, |s| self.demand(s));
        layout::panes(area, &demand)
    }

    /// How many rows each pane would like.
    pub fn demand(&self, s: &SessionScreen) -> Demand {
        let full = layout::text_area(ratatui::layout::Rect::new(0, 0, self.size.0, 1)).0;
        let empty = s.view.entries.is_empty();
        let transcript = if empty {
            Some(super::session_rows::empty_transcript(s, full).len())
        } else if self.size.0 >= layout::WIDE {
            // Side by side, the transcript has the full height whatever it holds.
            None
        } else {
            // Stacked, a short transcript asks for its rows (wrapped at the width it
            // is drawn at, so the row cache serves both); a long one takes the rest.
            let banner = usize::from(s.transcript.stale_error().is_some());
            s.view
                .rows_if_fewer(full, self.size.1 as usize)
                .map(|rows| rows + banner)
        };
        let side = layout::side_width(self.size.0, empty).saturating_sub(2) as usize;
        Demand {
            session: self.session_rows(s, side.max(1)).len(),
            transcript,
            empty,
            links: self.links_rows(s, side.max(1)).len(),
            zoom: s.zoom.then_some(s.focus),
        }
    }

    /// The transcript's viewport at the current size: text width and rows left for
    /// messages after the banner and the "new messages" bar.
    pub fn viewport(&self, s: &SessionScreen) -> Viewport {
        let rect = self.panes().map(|p| p.transcript).unwrap_or_default();
        Viewport::new(rect, s.transcript.stale_error().is_some())
    }

    /// The session pane's rows at `width`, built once per width and data change.
    pub fn session_rows(&self, s: &SessionScreen, width: usize) -> Rc<[PaneRow]> {
        let key = self.row_key(s, width, s.is_live());
        memo(
            &s.rows,
            |m| &mut m.session,
            key,
            || super::session_rows::session(self, s, width),
        )
    }

    pub fn links_rows(&self, s: &SessionScreen, width: usize) -> Rc<[PaneRow]> {
        let key = self.row_key(s, width, false);
        memo(
            &s.rows,
            |m| &mut m.links,
            key,
            || super::session_rows::links(self, s, width),
        )
    }

    fn row_key(&self, s: &SessionScreen, width: usize, clock: bool) -> RowKey {
        RowKey {
            width,
            generation: s.generation,
            clock: if clock { self.wall.timestamp() } else { 0 },
            zone: self.zone,
        }
    }

    /// When the screen next changes by itself: the spinner while loading, the
    /// clock of an active or waiting session, or an "updated … ago" label.
    /// `None` means nothing changes until input arrives: an idle viewer sleeps.
    pub fn next_wake(&self) -> Option<Instant> {
        if let Screen::List(l) = &self.screen {
            let notice = self.notice.as_ref().map(|(_, until)| *until);
            return l.next_wake(self.now).into_iter().chain(notice).min();
        }
        let s = self.session()?;
        // An incomplete search goes on at once, one bounded step per tick.
        if super::search::is_running(s) {
            return Some(self.now);
        }
        if s.shows_loading() {
            return Some(self.now + Duration::from_millis(100));
        }
        let labels = [
            s.session.label_since(),
            s.transcript.label_since(),
            s.links.label_since(),
        ]
        .into_iter()
        .flatten()
        .map(|at| next_label_change(at, self.now));
        let clock = s.is_live().then(|| self.now + Duration::from_secs(1));
        let notice = self.notice.as_ref().map(|(_, until)| *until);
        labels.chain(clock).chain(s.poll.next).chain(notice).min()
    }
}

type Slot = Option<(RowKey, Rc<[PaneRow]>)>;

/// The rows in the memo's `slot` if they were built for `key`, else built now and
/// kept. The memo is not borrowed while building, so a builder may read it too.
fn memo(
    cell: &RefCell<RowMemo>,
    slot: impl Fn(&mut RowMemo) -> &mut Slot,
    key: RowKey,
    build: impl FnOnce() -> Vec<PaneRow>,
) -> Rc<[PaneRow]> {
    if let Some((k, rows)) = slot(&mut cell.borrow_mut()) {
        if *k == key {
            return Rc::clone(rows);
        }
    }
    let rows: Rc<[PaneRow]> = build().into();
    *slot(&mut cell.borrow_mut()) = Some((key, Rc::clone(&rows)));
    rows
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
    if age < 5 {
        "just now".to_string()
    } else if age < 60 {
        format!("{age}s ago")
    } else if age < 3600 {
        format!("{}m ago", age / 60)
    } else {
        format!("{}h ago", age / 3600)
    }
}

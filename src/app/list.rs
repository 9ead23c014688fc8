//! The session list screen (issue 8): the sessions of a week, a query line that is
//! always live as in fzf, a status filter, and below the rows the sessions whose stored
//! chat holds the query ("in the chat:"). Its rows are [`crate::present::list`]'s, as
//! `g2a-tui list` prints them, with the screen's own filtering in [`super::list_rows`]; the way
//! to and from it is [`super::history`].

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use nucleo_matcher::pattern::Pattern;
use nucleo_matcher::Matcher;
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::keymap::{Action, Mode};
use super::list_rows::{self, Fields, StatusFilter};
use super::state::{App, Load, RetryNote, Screen, SessionScreen};
use super::update::Effect;
use crate::api::worker::{Answer, ListAnswer, Request, RequestId, StoreSearchError};
use crate::api::ApiError;
use crate::present::list::{self, ListRow};
use crate::sanitize::sanitize_line;
use crate::store::SessionHits;

/// A live queue: the list asks again this long after each answer while on screen.
pub const REFRESH_EVERY: Duration = Duration::from_secs(10);
/// Typing pauses this long before the stored chats are searched.
pub const CHAT_DEBOUNCE: Duration = Duration::from_millis(150);
/// Matching messages asked of the store per search.
pub const CHAT_LIMIT: usize = 200;
/// The list's window: a week.
pub const WEEK: TimeDelta = TimeDelta::days(7);

/// A session whose stored chat matched the query, with its best line.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatHit {
    pub session_id: String,
    /// Who said the matching line, sanitised; empty when the store does not know.
    pub who: String,
    /// The speaker is the customer (the line takes the customer's colour).
    pub by_customer: bool,
    pub started: Option<DateTime<Utc>>,
    /// The matching line, sanitised, as (text, is a match) parts.
    pub parts: Vec<(String, bool)>,
    /// Its message's place in the transcript.
    pub seq: usize,
    /// What the in-session search looks for when the session is opened from here.
    pub find: String,
}

/// The "in the chat:" section.
#[derive(Debug)]
pub struct Chat {
    /// The query the hits are for.
    pub query: String,
    pub hits: Vec<ChatHit>,
    pub load: Load,
    /// When the debounced search is due.
    pub due: Option<Instant>,
    /// Why there are no hits (a query the store cannot run, a failed store), one line.
    pub problem: Option<String>,
    /// There is no store: the section is not shown.
    pub off: bool,
    /// Enter was pressed before the search for the query had answered: it acts on the
    /// answer (a hit opens, else the query as an id) instead of guessing now.
    pub submit: bool,
}

impl Default for Chat {
    fn default() -> Self {
        Chat {
            query: String::new(),
            hits: Vec::new(),
            load: Load::Idle,
            due: None,
            problem: None,
            off: false,
            submit: false,
        }
    }
}

#[derive(Debug)]
pub struct ListScreen {
    pub input: Input,
    pub status: StatusFilter,
    /// How many weeks before this one the window is (0: the last 7 days up to now).
    pub weeks_back: u32,
    /// The window the rows are for.
    pub window: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The window of the request in flight.
    asked: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// The last good answer and its week, kept through a failed refresh.
    last_good: Option<(u32, Vec<crate::api::Session>)>,
    /// The window's rows (as `g2a-tui list` prints them) and, in the same order, their
    /// fields for the query; set together by [`ListScreen::set_rows`].
    rows: Vec<ListRow>,
    fields: Vec<Fields>,
    /// Indices into `rows` that pass the filter and the query, in the order shown.
    pub shown: Vec<usize>,
    pub load: Load,
    /// The load in flight is the periodic refresh: the rows stay, a small mark says so.
    pub quiet: bool,
    pub updated: Option<Instant>,
    /// The list call in flight failed on the way and is asked again.
    pub retry: Option<RetryNote>,
    /// The last list call failed (the stored sessions are still shown).
    pub error: Option<ApiError>,
    /// `--offline`: the rows are the stored sessions, which is no failure to retry.
    pub offline: bool,
    /// A line about something else that went wrong (a session that could not be opened).
    pub notice: Option<String>,
    /// The selected item: a row of `shown`, then a hit of the chat section.
    pub selected: usize,
    /// The first line shown.
    pub scroll: usize,
    pub chat: Chat,
    pub next_refresh: Option<Instant>,
    /// Arrived by going back: Esc returns forward, to the session it came from.
    pub came_back: bool,
    pattern: Pattern,
    matcher: Matcher,
}

impl Default for ListScreen {
    fn default() -> Self {
        ListScreen {
            input: Input::default(),
            status: StatusFilter::All,
            weeks_back: 0,
            window: None,
            asked: None,
            last_good: None,
            rows: Vec::new(),
            fields: Vec::new(),
            shown: Vec::new(),
            load: Load::Idle,
            quiet: false,
            updated: None,
            retry: None,
            error: None,
            offline: false,
            notice: None,
            selected: 0,
            scroll: 0,
            chat: Chat::default(),
            next_refresh: None,
            came_back: false,
            pattern: Pattern::default(),
            matcher: list_rows::matcher(),
        }
    }
}

/// One line of the list's body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListLine {
    /// `shown[n]`.
    Row(usize),
    /// The "in the chat:" heading.
    ChatHeading,
    /// `chat.hits[n]`.
    Hit(usize),
    /// Why the chat section is empty (a query error), or that it is searching.
    ChatNote,
}

impl ListScreen {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn query(&self) -> &str {
        self.input.value()
    }

    pub fn pattern(&self) -> &Pattern {
        &self.pattern
    }

    /// A new list as this one was left (query, filter, week, rows, chat): `s` opens one
    /// as a screen of its own, so the one kept in the history stays where it was.
    pub fn carried(&self) -> ListScreen {
        let mut l = ListScreen {
            input: self.input.clone(),
            status: self.status,
            weeks_back: self.weeks_back,
            window: self.window,
            last_good: self.last_good.clone(),
            rows: self.rows.clone(),
            fields: self.fields.clone(),
            load: match &self.load {
                // Its answer would go to the other one: this one asks again.
                Load::Loading { .. } => Load::Idle,
                other => other.clone(),
            },
            updated: self.updated,
            error: self.error.clone(),
            offline: self.offline,
            next_refresh: self.next_refresh,
            chat: Chat {
                query: self.chat.query.clone(),
                hits: self.chat.hits.clone(),
                problem: self.chat.problem.clone(),
                off: self.chat.off,
                ..Chat::default()
            },
            ..ListScreen::default()
        };
        l.refilter();
        l.selected = self.selected.min(l.items().saturating_sub(1));
        l.scroll = self.scroll;
        if self.chat_pending() {
            // Marked as waiting, so that coming on screen searches again.
            l.chat.load = Load::Loading { id: RequestId(0) };
        }
        l
    }

    /// The window for `weeks_back` as of `wall`.
    pub fn window_at(&self, wall: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let to = wall - WEEK * self.weeks_back as i32;
        (to - WEEK, to)
    }

    pub fn is_loading(&self) -> bool {
        matches!(self.load, Load::Loading { .. })
    }

    pub fn shows_loading(&self) -> bool {
        self.is_loading() && !self.quiet
    }

    /// The chat search for the query on screen has not answered yet.
    pub fn chat_pending(&self) -> bool {
        !self.chat.off
            && (self.chat.due.is_some() || matches!(self.chat.load, Load::Loading { .. }))
    }

    /// Rows and chat hits together: what Up/Down move over.
    pub fn items(&self) -> usize {
        self.shown.len() + self.chat_hits().len()
    }

    /// The chat hits for the query on screen; while the search for a changed query is on
    /// its way the previous hits stay (as fzf keeps its results), so typing does not flicker.
    pub fn chat_hits(&self) -> &[ChatHit] {
        let pending = self.chat.due.is_some() || matches!(self.chat.load, Load::Loading { .. });
        let current = self.chat.query == self.query().trim();
        if (current || pending) && !self.query().trim().is_empty() && !self.chat.off {
            &self.chat.hits
        } else {
            &[]
        }
    }

    /// The body's lines: the rows, then the chat section when the query has one.
    pub fn lines(&self) -> Vec<ListLine> {
        let mut out: Vec<ListLine> = (0..self.shown.len()).map(ListLine::Row).collect();
        let hits = self.chat_hits();
        let searching = self.chat.due.is_some() || matches!(self.chat.load, Load::Loading { .. });
        if !self.query().trim().is_empty() && !self.chat.off {
            if !hits.is_empty() {
                out.push(ListLine::ChatHeading);
                out.extend((0..hits.len()).map(ListLine::Hit));
            } else if self.chat.problem.is_some() && !searching {
                out.push(ListLine::ChatHeading);
                out.push(ListLine::ChatNote);
            }
        }
        out
    }

    /// The line of the selected item.
    pub fn selected_line(&self) -> Option<usize> {
        let want = if self.selected < self.shown.len() {
            ListLine::Row(self.selected)
        } else {
            ListLine::Hit(self.selected - self.shown.len())
        };
        self.lines().iter().position(|l| *l == want)
    }

    pub fn rows(&self) -> &[ListRow] {
        &self.rows
    }

    /// The fields of each of [`ListScreen::rows`], in its order.
    pub fn fields(&self) -> &[Fields] {
        &self.fields
    }

    fn set_rows(&mut self, rows: Vec<ListRow>) {
        self.fields = list_rows::fields(&rows);
        self.rows = rows;
    }

    pub fn selected_row(&self) -> Option<&ListRow> {
        self.shown
            .get(self.selected)
            .and_then(|&i| self.rows.get(i))
    }

    /// Filters the rows again (the query, the status filter or the rows changed); the
    /// selected session stays selected when it is still shown.
    fn refilter(&mut self) {
        let keep = self.selected_row().map(|r| r.id().to_string());
        self.pattern = list_rows::pattern(self.input.value());
        self.shown = list_rows::filter(
            &self.rows,
            &self.fields,
            &self.pattern,
            self.status,
            &mut self.matcher,
        );
        self.selected = keep
            .and_then(|id| {
                self.shown
                    .iter()
                    .position(|&i| self.rows.get(i).is_some_and(|r| r.id() == id))
            })
            .unwrap_or(0);
        self.clamp();
    }

    fn clamp(&mut self) {
        self.selected = self.selected.min(self.items().saturating_sub(1));
    }

    /// A new query: the rows are filtered at once, the chat searched after a pause.
    fn query_changed(&mut self, now: Instant) {
        self.chat.submit = false;
        self.selected = 0;
        self.scroll = 0;
        self.refilter();
        self.selected = 0;
        let q = self.query().trim().to_string();
        if q.is_empty() {
            self.chat = Chat {
                off: self.chat.off,
                ..Chat::default()
            };
        } else if !self.chat.off {
            self.chat.due = Some(now + CHAT_DEBOUNCE);
        }
    }

    /// Another week: the rows of the last one must not pass for it while it loads.
    fn new_week(&mut self) {
        self.set_rows(Vec::new());
        self.shown.clear();
        self.selected = 0;
        self.scroll = 0;
        self.error = None;
        self.updated = None;
    }

    /// When the screen next changes by itself.
    pub fn next_wake(&self, now: Instant) -> Option<Instant> {
        let spin = self
            .shows_loading()
            .then(|| now + Duration::from_millis(100));
        // The running clocks of waiting and active sessions, and "updated … ago".
        let clock = self
            .shown
            .iter()
            .any(|&i| self.rows.get(i).is_some_and(ListRow::clock_runs))
            .then(|| now + Duration::from_secs(1));
        let label = self
            .updated
            .map(|at| super::state::next_label_change(at, now));
        [spin, clock, label, self.next_refresh, self.chat.due]
            .into_iter()
            .flatten()
            .min()
    }
}

pub(super) fn list_mut(app: &mut App) -> Option<&mut ListScreen> {
    match &mut app.screen {
        Screen::List(l) => Some(l),
        _ => None,
    }
}

fn next_id(app: &mut App) -> RequestId {
    app.next_request += 1;
    RequestId(app.next_request)
}

/// Asks for the window's sessions (`quiet` for the periodic refresh: the rows stay).
pub fn refresh(app: &mut App, quiet: bool, fx: &mut Vec<Effect>) {
    let id = next_id(app);
    let wall = app.wall;
    let Some(l) = list_mut(app) else {
        return;
    };
    let (from, to) = l.window_at(wall);
    l.asked = Some((from, to));
    l.load = Load::Loading { id };
    l.quiet = quiet && !l.rows.is_empty();
    l.next_refresh = None;
    fx.push(Effect::Fetch(Request::List { id, from, to }));
    app.dirty = true;
}

/// The list is on screen again (back from a session): what was in flight was replaced
/// meanwhile, and a list older than the refresh interval is fetched again.
pub fn resume(app: &mut App, fx: &mut Vec<Effect>) {
    let now = app.now;
    let Some(l) = list_mut(app) else {
        return;
    };
    let stale = l.next_refresh.is_none_or(|at| at <= now);
    let chat_pending = matches!(l.chat.load, Load::Loading { .. });
    if chat_pending {
        l.chat.due = Some(now);
    }
    if l.is_loading() || stale {
        refresh(app, true, fx);
    }
}

/// The periodic refresh and the debounced chat search, when due.
pub fn on_tick(app: &mut App, fx: &mut Vec<Effect>) {
    let now = app.now;
    let Some(l) = list_mut(app) else {
        return;
    };
    if l.next_refresh.is_some_and(|at| at <= now) && !l.is_loading() {
        refresh(app, true, fx);
    }
    if list_mut(app).is_some_and(|l| l.chat.due.is_some_and(|at| at <= now)) {
        search_chat(app, fx);
    }
}

/// Runs the chat search for the query now (the pause after typing is over, or Enter
/// will not wait for it).
fn search_chat(app: &mut App, fx: &mut Vec<Effect>) {
    let id = RequestId(app.next_request + 1);
    let Some(l) = list_mut(app) else {
        return;
    };
    l.chat.due = None;
    let query = crate::store::query::as_you_type(l.query().trim_start());
    if !query.trim().is_empty() {
        l.chat.load = Load::Loading { id };
        app.next_request += 1;
        fx.push(Effect::Fetch(Request::StoreSearch {
            id,
            query,
            limit: CHAT_LIMIT,
        }));
    }
}

/// The list's answers; any other screen's (or a stale one) is dropped.
pub fn on_answer(app: &mut App, answer: Answer, fx: &mut Vec<Effect>) {
    let (now, wall) = (app.now, app.wall);
    let Some(l) = list_mut(app) else {
        return;
    };
    match answer {
        Answer::List(id, ListAnswer { api, stored }) => {
            if l.load != (Load::Loading { id }) {
                return;
            }
            let (from, to) = l.asked.unwrap_or_else(|| l.window_at(wall));
            let api_sessions = match api {
                Ok(list) => {
                    l.error = None;
                    l.load = Load::Loaded { at: now };
                    l.updated = Some(now);
                    l.last_good = Some((l.weeks_back, list.sessions));
                    l.last_good.as_ref().map(|(_, s)| s.as_slice())
                }
                Err(ApiError::Offline { .. }) => {
                    l.offline = true;
                    l.error = None;
                    l.load = Load::Loaded { at: now };
                    None
                }
                Err(e) => {
                    l.load = Load::Failed {
                        error: e.clone(),
                        at: now,
                    };
                    l.error = Some(e);
                    // A failed refresh keeps the week's last good answer on screen.
                    l.last_good
                        .as_ref()
                        .filter(|(week, _)| *week == l.weeks_back)
                        .map(|(_, s)| s.as_slice())
                }
            };
            l.set_rows(list::merge(
                api_sessions.unwrap_or_default(),
                &stored,
                from,
                to,
            ));
            l.window = Some((from, to));
            l.quiet = false;
            if l.weeks_back == 0 && !l.offline {
                l.next_refresh = Some(now + REFRESH_EVERY);
            }
            l.refilter();
        }
        Answer::StoreHits(id, result) => {
            if l.chat.load != (Load::Loading { id }) {
                return;
            }
            l.chat.load = Load::Loaded { at: now };
            l.chat.query = l.input.value().trim().to_string();
            match result {
                Ok(groups) => {
                    l.chat.problem = None;
                    l.chat.hits = groups
                        .iter()
                        .filter_map(|g| chat_hit(g, &l.chat.query))
                        .collect();
                }
                Err(StoreSearchError::NoStore) => {
                    l.chat.off = true;
                    l.chat.hits.clear();
                }
                Err(StoreSearchError::Query(why) | StoreSearchError::Failed(why)) => {
                    l.chat.problem = Some(sanitize_line(&why).into_owned());
                    l.chat.hits.clear();
                }
            }
            l.clamp();
            if std::mem::take(&mut l.chat.submit) && l.shown.is_empty() {
                l.selected = 0;
                submit(app, fx);
            }
        }
        _ => return,
    }
    follow_selection(app);
    app.dirty = true;
}

/// The best line of a session's matches, ready to show.
fn chat_hit(g: &SessionHits, query: &str) -> Option<ChatHit> {
    let hit = g.hits.first()?;
    let parts: Vec<(String, bool)> = hit
        .snippet_parts()
        .into_iter()
        .map(|(t, m)| (sanitize_line(&t).into_owned(), m))
        .collect();
    // The speaker of this line, not the session's customer: a technician's line shown
    // beside the customer's name reads as the customer's.
    let who = hit
        .participant
        .as_deref()
        .map(|w| sanitize_line(w.trim()).into_owned())
        .unwrap_or_default();
    let started = g
        .session
        .as_ref()
        .and_then(|s| s.started_at.as_ref())
        .and_then(|t| t.at);
    Some(ChatHit {
        session_id: g.session_id.clone(),
        who,
        by_customer: hit.role.as_deref() == Some("customer"),
        started,
        find: in_session_query(query, &hit.text, &parts),
        parts,
        seq: hit.seq as usize,
    })
}

/// What the in-session search should look for: the query as typed when the message
/// holds it (quotes and a trailing `*` taken off), else the first word the store
/// matched (a query of several words matches them anywhere in the message).
pub fn in_session_query(query: &str, text: &str, parts: &[(String, bool)]) -> String {
    let plain: String = query
        .chars()
        .filter(|c| *c != '"')
        .collect::<String>()
        .trim()
        .trim_end_matches('*')
        .to_string();
    if !plain.is_empty() && text.to_lowercase().contains(&plain.to_lowercase()) {
        return plain;
    }
    parts
        .iter()
        .find(|(_, m)| *m)
        .map(|(t, _)| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .unwrap_or(plain)
}

/// Text pasted into the query line.
pub fn on_paste(app: &mut App, text: &str) {
    let now = app.now;
    let Some(l) = list_mut(app) else {
        return;
    };
    // Pasted lines and tabs part words, as typed spaces would.
    let text = text.replace(['\r', '\n', '\t'], " ");
    for c in text.chars().filter(|c| !c.is_control()) {
        l.input.handle(InputRequest::InsertChar(c));
    }
    l.query_changed(now);
    follow_selection(app);
    app.dirty = true;
}

/// The rows a page key moves: the body's height.
pub fn page(app: &App) -> usize {
    body_height(app).saturating_sub(1).max(1)
}

/// Rows of the list's body at the current size: the screen less the status line, the
/// border, the query line, the column titles and a message line when there is one.
pub fn body_height(app: &App) -> usize {
    let Screen::List(l) = &app.screen else {
        return 0;
    };
    let h = app.size.1 as usize;
    let message = message_lines(app, l, inner_width(app)).len();
    h.saturating_sub(1 + 2 + 1 + usize::from(shows_titles(app, l)) + message)
}

/// The list's width inside its border.
pub fn inner_width(app: &App) -> usize {
    (app.size.0 as usize).saturating_sub(2)
}

/// Column titles take a row only where there is room to spare, and only over rows.
pub fn shows_titles(app: &App, l: &ListScreen) -> bool {
    app.size.1 >= 16 && !l.shown.is_empty()
}

/// How the list's message line reads: a problem, a note, or progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Problem,
    Note,
    Loading,
}

/// Lines a message may take: enough for an error and what to do about it at 80 columns.
pub const MESSAGE_LINES: usize = 3;

/// What went wrong, or why there is nothing to show: the text (sanitised) and its kind.
pub fn message(app: &App, l: &ListScreen) -> Option<(String, MessageKind)> {
    let key = |a| app.keymap.key(Mode::List, a).unwrap_or_default();
    if let Some(notice) = &l.notice {
        return Some((format!("⚠ {notice}"), MessageKind::Problem));
    }
    if let Some(e) = &l.error {
        let stored = l.rows.iter().filter(|r| r.stored).count();
        let tail = match l.updated {
            Some(at) if l.rows.len() > stored => {
                format!(
                    " · showing the list from {}",
                    super::state::age_label(at, app.now)
                )
            }
            _ if stored > 0 => format!(" · showing {stored} stored"),
            _ => String::new(),
        };
        let hint = e.hint().map(|h| format!(" · {h}")).unwrap_or_default();
        let text = format!("⚠ {e}{tail} · {} retries{hint}", key(Action::Refresh));
        return Some((sanitize_line(&text).into_owned(), MessageKind::Problem));
    }
    if l.rows.is_empty() {
        return Some(match l.load {
            Load::Loading { .. } | Load::Idle => {
                ("loading the sessions…".to_string(), MessageKind::Loading)
            }
            _ => (
                format!(
                    "No sessions in {}. {} shows the week before.",
                    match l.weeks_back {
                        0 => "the last 7 days".to_string(),
                        _ => week_label(app, l),
                    },
                    key(Action::WeekBack)
                ),
                MessageKind::Note,
            ),
        });
    }
    if l.shown.is_empty() {
        let q = sanitize_line(l.query().trim()).into_owned();
        let text = if q.is_empty() {
            format!(
                "No {} sessions here. {} changes the status filter.",
                l.status.label(),
                key(Action::StatusNext)
            )
        } else if !l.chat_hits().is_empty() {
            // Enter opens the selected chat hit then, not the query as an id.
            "No session’s details match; these chats do:".to_string()
        } else if as_session_id(l.query()).is_some() {
            format!(
                "No session matches. {} opens “{q}” as a session id.",
                key(Action::Submit)
            )
        } else {
            "No session matches.".to_string()
        };
        return Some((text, MessageKind::Note));
    }
    None
}

/// The message wrapped to `width`, at most [`MESSAGE_LINES`] lines (the last cut with
/// "…" if it still does not fit): an error's hint is what to do, so it is not cut off.
pub fn message_lines(app: &App, l: &ListScreen, width: usize) -> Vec<String> {
    let Some((text, _)) = message(app, l) else {
        return Vec::new();
    };
    // The spinner goes before a loading message.
    let first = width.saturating_sub(2);
    let mut lines = super::wrap::wrap(&text, first, width);
    if lines.len() > MESSAGE_LINES {
        let rest = lines[MESSAGE_LINES - 1..].join(" ");
        lines.truncate(MESSAGE_LINES - 1);
        lines.push(super::wrap::truncate(&rest, width));
    }
    lines
}

/// Which week is shown: "last 7 days", else its first and last day.
pub fn week_label(app: &App, l: &ListScreen) -> String {
    if l.weeks_back == 0 {
        return "last 7 days".to_string();
    }
    let (from, to) = l.window_at(app.wall);
    let day = |t: DateTime<Utc>| {
        app.zone
            .wall_clock(t)
            .map(|(w, _)| w.format("%b %d").to_string())
            .unwrap_or_default()
    };
    format!("{} – {}", day(from), day(to))
}

/// Keeps the selected line in view (after a key, an answer or a resize).
pub fn follow_selection(app: &mut App) {
    let height = body_height(app).max(1);
    let Some(l) = list_mut(app) else {
        return;
    };
    let Some(line) = l.selected_line() else {
        l.scroll = 0;
        return;
    };
    if line < l.scroll {
        l.scroll = line;
    } else if line >= l.scroll + height {
        l.scroll = line + 1 - height;
    }
    // The heading above the first hit comes into view with it.
    if l.lines().get(line.saturating_sub(1)) == Some(&ListLine::ChatHeading) && l.scroll == line {
        l.scroll = line - 1;
    }
    let total = l.lines().len();
    l.scroll = l.scroll.min(total.saturating_sub(height));
}

/// A key on the list: the keymap's list actions, else an edit of the query line.
pub fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.keymap.action(Mode::List, &key);
    let now = app.now;
    let page = page(app) as isize;
    let can_help = app.panes().is_some();
    let Some(l) = list_mut(app) else {
        return;
    };
    l.notice = None;
    if action != Some(Action::Submit) {
        l.chat.submit = false;
    }
    match action {
        Some(Action::LineDown) => move_by(l, 1),
        Some(Action::LineUp) => move_by(l, -1),
        Some(Action::PageDown) => move_by(l, page),
        Some(Action::PageUp) => move_by(l, -page),
        Some(Action::Top) => l.selected = 0,
        Some(Action::Bottom) => l.selected = l.items().saturating_sub(1),
        Some(Action::StatusNext | Action::StatusPrev) => {
            l.status = l.status.step(action == Some(Action::StatusNext));
            l.refilter();
        }
        Some(Action::WeekBack) => {
            l.weeks_back += 1;
            l.new_week();
            refresh(app, false, fx);
        }
        Some(Action::WeekForward) => {
            if l.weeks_back > 0 {
                l.weeks_back -= 1;
                l.new_week();
                refresh(app, false, fx);
            }
        }
        Some(Action::Refresh) => refresh(app, false, fx),
        Some(Action::Submit) => submit(app, fx),
        Some(Action::Cancel) if !l.query().is_empty() => {
            l.input.reset();
            l.query_changed(now);
        }
        Some(Action::Cancel) => super::history::leave_list(app, fx),
        Some(Action::Back) => super::history::go(app, false, fx),
        Some(Action::Forward) => super::history::go(app, true, fx),
        // Help that cannot be seen would swallow the next key.
        Some(Action::Help) if can_help => app.help = Some(0),
        Some(other) => super::update::common(other, fx),
        None => {
            // Ctrl- and Alt- chords that mean nothing here must not type a letter.
            let typing = !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                || matches!(key.code, KeyCode::Char('w' | 'u') | KeyCode::Backspace);
            if typing {
                let before = l.query().to_string();
                l.input.handle_event(&Event::Key(key));
                if l.query() != before {
                    l.query_changed(now);
                }
            }
        }
    }
    follow_selection(app);
    app.dirty = true;
}

fn move_by(l: &mut ListScreen, by: isize) {
    let last = l.items().saturating_sub(1);
    l.selected = l.selected.saturating_add_signed(by).min(last);
}

/// Enter: the selected session; a chat hit opens at its message with the search on;
/// a query that matches nothing is taken as a session id.
fn submit(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(l) = list_mut(app) else {
        return;
    };
    let screen = if let Some(row) = l.selected_row() {
        if row.id().is_empty() {
            l.notice = Some("This session has no id to open it by".to_string());
            return;
        }
        SessionScreen::new(row.id().to_string())
    } else if let Some(hit) = l.chat_hits().get(l.selected - l.shown.len()) {
        let mut s = SessionScreen::new(hit.session_id.clone());
        s.search = Some(super::search::Search::kept(&hit.find, hit.seq));
        s
    } else if l.chat_pending() {
        // The chats may hold the query: Enter acts once they have answered.
        l.chat.submit = true;
        if l.chat.due.is_some() {
            search_chat(app, fx);
        }
        return;
    } else {
        let Some(id) = as_session_id(l.query()) else {
            if !l.query().trim().is_empty() {
                l.notice = Some(format!(
                    "No session matches “{}”",
                    sanitize_line(l.query().trim())
                ));
            }
            return;
        };
        SessionScreen::new(id)
    };
    super::history::open(app, Screen::Session(Box::new(screen)), fx);
}

/// The query as a session id when it looks like one (ids like `SS-87555` exist, so
/// not only digits): one word of at most 64 characters with a digit in it.
pub fn as_session_id(query: &str) -> Option<String> {
    // `/…` searches the stored chats: what it finds nothing for is no id.
    if query.trim_start().starts_with('/') {
        return None;
    }
    let id = crate::api::normalize_session_id(query);
    let ok = !id.is_empty()
        && id.chars().count() <= 64
        && !id.chars().any(char::is_whitespace)
        && id.chars().any(|c| c.is_ascii_digit());
    ok.then_some(id)
}

/// A session opened from the list could not be loaded: back to the list, saying why.
pub fn failed_open(l: &mut ListScreen, id: &str, e: &ApiError) {
    l.notice = Some(format!(
        "Session {}: {}",
        sanitize_line(id),
        sanitize_line(&crate::api::error::WithHint(e).to_string())
    ));
}

/// The wheel moves the selection, as Up and Down do.
pub fn on_mouse(app: &mut App, m: MouseEvent) {
    let by = match m.kind {
        MouseEventKind::ScrollDown => 3,
        MouseEventKind::ScrollUp => -3,
        _ => return,
    };
    if let Some(l) = list_mut(app) {
        move_by(l, by);
    }
    follow_selection(app);
    app.dirty = true;
}

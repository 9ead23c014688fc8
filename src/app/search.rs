//! Search in the transcript (`/`, `n`, `N`) and the line filter (`f`).
//!
//! A search looks at what the reader sees: each message's sanitised text and its
//! speaker's name. It never freezes input: the reducer scans the entries in bounded
//! steps (at most [`STEP_ENTRIES`] entries or about [`STEP_BYTES`] bytes per reducer
//! call), and while a search is incomplete `App::next_wake` asks the loop to tick
//! again at once, so keys are handled between steps and the count fills in.
//! Matches are kept for every entry in entry order; `hits` are the ones the filter
//! shows, so `n`/`N` and the "3/17" count skip hidden lines without searching again.
//!
//! Smart case: a query without an upper-case letter matches any case.

use std::ops::Range;

use crossterm::event::{Event, KeyCode, KeyEvent};
use tui_input::backend::crossterm::EventHandler;
use tui_input::{Input, InputRequest};

use super::keymap::{Action, Mode};
use super::state::{App, Pane, Screen, SessionScreen};
use super::transcript::{Anchor, Row, TranscriptView};
use super::update::Effect;

/// Entries one reducer call searches at most.
pub const STEP_ENTRIES: usize = 16_384;
/// Bytes one reducer call searches before it stops (the entry it is in is finished).
pub const STEP_BYTES: usize = 1 << 20;

/// Where in an entry a match is: the speaker's name is shown before the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    Who,
    Text,
}

/// One match: a byte range in an entry's `who` or `text`. Ordered as the transcript
/// reads: by entry, then name before text, then position.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Match {
    pub entry: usize,
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

impl Match {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }

    /// The position just before anything in entry `entry`.
    fn before(entry: usize) -> Match {
        Match {
            entry,
            field: Field::Who,
            start: 0,
            end: 0,
        }
    }
}

/// A jump waiting for the scan to find its match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    /// The first hit after `from` (or at it, when `inclusive`), wrapping to the first.
    Forward { from: Match, inclusive: bool },
    /// The last hit before `from`, wrapping to the last.
    Backward { from: Match },
}

/// What one step of the scan did, kept so tests can check the work stays bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StepWork {
    pub entries: usize,
    pub bytes: usize,
}

#[derive(Debug)]
pub struct Search {
    /// The search line's text.
    pub input: Input,
    /// The search line is open (typing goes to it).
    pub editing: bool,
    matcher: Matcher,
    /// Every match found so far, in transcript order.
    pub matches: Vec<Match>,
    /// Indices into `matches` of those the filter shows.
    pub hits: Vec<usize>,
    /// Entries `0..scanned` have been searched.
    pub scanned: usize,
    /// The current match, an index into `hits`.
    pub current: Option<usize>,
    /// The last jump went round the end (or the start) of the transcript.
    pub wrapped: bool,
    pending: Option<Pending>,
    /// The view before `/` (`None`: following): Esc returns to it.
    pub origin: Option<Anchor>,
    /// The top entry of the view before `/`: typing jumps to the first match at or
    /// after it.
    origin_entry: usize,
    /// After the entries changed: the match to make current again once found.
    keep: Option<Match>,
    /// Reducer calls that searched, and the work of the last one.
    pub steps: usize,
    pub last_step: StepWork,
    scratch: Folded,
}

impl Search {
    pub fn new(origin: Option<Anchor>, origin_entry: usize) -> Search {
        Search {
            input: Input::default(),
            editing: true,
            matcher: Matcher::new(""),
            matches: Vec::new(),
            hits: Vec::new(),
            scanned: 0,
            current: None,
            wrapped: false,
            pending: None,
            origin,
            origin_entry,
            keep: None,
            steps: 0,
            last_step: StepWork::default(),
            scratch: Folded::default(),
        }
    }

    pub fn query(&self) -> &str {
        self.input.value()
    }

    /// Whether the query matches case exactly (it has an upper-case letter).
    pub fn case_sensitive(&self) -> bool {
        !self.matcher.fold
    }

    /// A kept search for `query` (not being edited) that makes the first match at or
    /// after entry `entry` current once the transcript is there: how a session opened
    /// from the list's "in the chat:" section starts.
    pub fn kept(query: &str, entry: usize) -> Search {
        let mut search = Search::new(None, entry);
        search.input = Input::new(query.to_string());
        search.editing = false;
        search.restart();
        search
    }

    /// Starts over for the query in the input; the first match at or after where the
    /// search began becomes current as soon as it is found.
    fn restart(&mut self) {
        self.matcher = Matcher::new(self.input.value());
        self.matches.clear();
        self.hits.clear();
        self.scanned = 0;
        self.current = None;
        self.wrapped = false;
        self.keep = None;
        self.steps = 0;
        self.pending = Some(Pending::Forward {
            from: Match::before(self.origin_entry),
            inclusive: true,
        });
    }

    /// The entries changed (a refresh): search them again, keeping the current match
    /// current once it is found again.
    pub fn entries_changed(&mut self) {
        let keep = self.current_match();
        let pending = self.pending;
        self.restart();
        self.pending = pending.filter(|_| keep.is_none());
        self.keep = keep;
    }

    pub fn is_complete(&self, view: &TranscriptView) -> bool {
        self.matcher.is_empty() || self.scanned >= view.entries.len()
    }

    pub fn current_match(&self) -> Option<Match> {
        self.current
            .and_then(|c| self.hits.get(c))
            .and_then(|&m| self.matches.get(m))
            .copied()
    }

    /// Searches the next bounded chunk of entries. True when it searched anything.
    pub fn step(&mut self, view: &TranscriptView) -> bool {
        if self.is_complete(view) {
            return false;
        }
        let filter = view.filter();
        let mut work = StepWork::default();
        while self.scanned < view.entries.len()
            && work.entries < STEP_ENTRIES
            && work.bytes < STEP_BYTES
        {
            let i = self.scanned;
            let shown = view.entries.speaker(i).is_some_and(|s| filter.keeps(s));
            let who = view.entries.who(i);
            let text = view.entries.text(i);
            let text = text.as_deref().unwrap_or_default();
            for (field, hay) in [(Field::Who, &**who), (Field::Text, text)] {
                let matches = &mut self.matches;
                let hits = &mut self.hits;
                let keep = self.keep;
                let current = &mut self.current;
                self.matcher.find(hay, &mut self.scratch, |r| {
                    let m = Match {
                        entry: i,
                        field,
                        start: r.start,
                        end: r.end,
                    };
                    if shown {
                        if keep == Some(m) {
                            *current = Some(hits.len());
                        }
                        hits.push(matches.len());
                    }
                    matches.push(m);
                });
            }
            work.entries += 1;
            work.bytes += who.len() + text.len();
            self.scanned += 1;
        }
        self.steps += 1;
        self.last_step = work;
        true
    }

    /// The filter changed: which matches count is worked out again (O(matches)); the
    /// current match stays current if it is still shown.
    pub fn refilter(&mut self, view: &TranscriptView) {
        let keep = self.current_match();
        let filter = view.filter();
        self.hits = self
            .matches
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                view.entries
                    .speaker(m.entry)
                    .is_some_and(|s| filter.keeps(s))
            })
            .map(|(n, _)| n)
            .collect();
        self.current = keep.and_then(|k| self.hits.iter().position(|&n| self.matches[n] == k));
    }

    fn hit(&self, n: usize) -> Match {
        self.matches[self.hits[n]]
    }

    /// Resolves a waiting jump if the scan has got far enough. Returns the match to
    /// bring into view.
    fn resolve(&mut self, complete: bool) -> Option<Match> {
        let pending = self.pending?;
        let found = match pending {
            Pending::Forward { from, inclusive } => {
                let n = self.hits.partition_point(|&m| {
                    let m = self.matches[m];
                    if inclusive {
                        m < from
                    } else {
                        m <= from
                    }
                });
                if n < self.hits.len() {
                    Some((n, false))
                } else if complete {
                    (!self.hits.is_empty()).then_some((0, true))
                } else {
                    return None;
                }
            }
            Pending::Backward { from } => {
                // Everything before `from` is known once the scan has passed it.
                if self.scanned <= from.entry && !complete {
                    return None;
                }
                let n = self.hits.partition_point(|&m| self.matches[m] < from);
                if n > 0 {
                    Some((n - 1, false))
                } else if complete {
                    self.hits.len().checked_sub(1).map(|last| (last, true))
                } else {
                    return None;
                }
            }
        };
        self.pending = None;
        let (n, wrapped) = found?;
        self.wrapped = wrapped;
        self.current = Some(n);
        Some(self.hit(n))
    }

    /// The count as the status line shows it: "3/17", "17 matches", "no match", with
    /// "…" and how far the scan is while it is still running.
    pub fn count_label(&self, view: &TranscriptView) -> String {
        if self.matcher.is_empty() {
            return String::new();
        }
        let total = view.entries.len().max(1);
        let running = !self.is_complete(view);
        let more = if running { "…" } else { "" };
        let mut out = match (self.current, self.hits.len()) {
            (_, 0) if running => "searching".to_string(),
            (_, 0) if !self.matches.is_empty() => {
                format!(
                    "no match shown ({} hidden by the filter)",
                    self.matches.len()
                )
            }
            (_, 0) => "no match".to_string(),
            (Some(c), n) => format!("{}/{n}{more}", c + 1),
            (None, 1) => format!("1 match{more}"),
            (None, n) => format!("{n} matches{more}"),
        };
        if running {
            out.push_str(&format!(" {}%", self.scanned * 100 / total));
        } else if self.wrapped {
            out.push_str(" (wrapped)");
        }
        out
    }
}

/// Finds a query in text: exact when the query has an upper-case letter, else by
/// comparing lower-cased text (ASCII text in place; other text through a folded copy
/// that remembers where each byte came from, so ranges point into the original).
#[derive(Debug, Clone)]
struct Matcher {
    needle: String,
    fold: bool,
}

#[derive(Debug, Default)]
struct Folded {
    text: String,
    /// For each byte of `text`, where the character it came from starts.
    from: Vec<usize>,
}

impl Matcher {
    fn new(query: &str) -> Matcher {
        let fold = !query.chars().any(char::is_uppercase);
        Matcher {
            needle: if fold {
                query.to_lowercase()
            } else {
                query.to_string()
            },
            fold,
        }
    }

    fn is_empty(&self) -> bool {
        self.needle.is_empty()
    }

    /// Calls `found` with each non-overlapping match's byte range in `hay`.
    fn find(&self, hay: &str, scratch: &mut Folded, mut found: impl FnMut(Range<usize>)) {
        if self.needle.is_empty() {
            return;
        }
        // Lower-casing keeps ASCII lengths; only folded non-ASCII text may grow.
        if hay.len() < self.needle.len() && (!self.fold || hay.is_ascii()) {
            return;
        }
        if !self.fold {
            for (i, m) in hay.match_indices(self.needle.as_str()) {
                found(i..i + m.len());
            }
            return;
        }
        if hay.is_ascii() {
            // Lower-casing ASCII keeps every byte where it was.
            scratch.text.clear();
            scratch.text.push_str(hay);
            scratch.text.make_ascii_lowercase();
            for (i, m) in scratch.text.match_indices(self.needle.as_str()) {
                found(i..i + m.len());
            }
            return;
        }
        scratch.text.clear();
        scratch.from.clear();
        for (i, c) in hay.char_indices() {
            for l in c.to_lowercase() {
                scratch.text.push(l);
                scratch.from.resize(scratch.text.len(), i);
            }
        }
        for (i, m) in scratch.text.match_indices(self.needle.as_str()) {
            let start = scratch.from[i];
            let last = scratch.from[i + m.len() - 1];
            let end = last + hay[last..].chars().next().map_or(0, char::len_utf8);
            found(start..end);
        }
    }
}

// ---------------------------------------------------------------------------------
// The reducer's side: keys, ticks and answers that touch the search or the filter.
// ---------------------------------------------------------------------------------

/// The search line is open on a session screen: keys go to it.
pub fn is_editing(app: &App) -> bool {
    matches!(&app.screen, Screen::Session(s) if s.search.as_ref().is_some_and(|x| x.editing))
}

/// `/`: a new, empty search line over the transcript, remembering the view.
pub fn open(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Screen::Session(s) = &mut app.screen else {
        return;
    };
    let top = s.view.top(&vp).entry;
    s.search = Some(Search::new(s.view.anchor, top));
    s.focus = Pane::Transcript;
    s.focus_chosen = true;
    app.dirty = true;
}

/// A key while the search line is open: Enter keeps the search, Esc drops it and
/// returns the view, anything else edits the query (tui-input) and searches again.
pub fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.keymap.action(Mode::Search, &key);
    let Some(empty) = search_mut(app).map(|x| x.query().is_empty()) else {
        return;
    };
    match action {
        Some(Action::Submit) => {
            if let Some(s) = app.session_mut() {
                match s.search.as_mut() {
                    // An empty search keeps nothing.
                    Some(_) if empty => s.search = None,
                    Some(search) => search.editing = false,
                    None => {}
                }
            }
        }
        Some(Action::Cancel) => cancel(app),
        Some(other) => super::update::common(other, fx),
        // Backspace on an empty line closes it, as in vim and less.
        None if key.code == KeyCode::Backspace && empty => cancel(app),
        None => {
            let changed = search_mut(app).is_some_and(|search| {
                let before = search.query().to_string();
                search.input.handle_event(&Event::Key(key));
                search.query() != before
            });
            if changed {
                query_changed(app);
            }
        }
    }
    app.dirty = true;
}

fn search_mut(app: &mut App) -> Option<&mut Search> {
    match &mut app.screen {
        Screen::Session(s) => s.search.as_mut(),
        Screen::Prompt(_) | Screen::List(_) => None,
    }
}

/// Text pasted into the search line.
pub fn on_paste(app: &mut App, text: &str) {
    if let Screen::Session(s) = &mut app.screen {
        if let Some(search) = s.search.as_mut() {
            for c in text.chars().filter(|c| !c.is_control()) {
                search.input.handle(InputRequest::InsertChar(c));
            }
        }
    }
    query_changed(app);
    app.dirty = true;
}

/// Esc: the search is dropped and the view goes back where it was before `/`.
fn cancel(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Screen::Session(s) = &mut app.screen else {
        return;
    };
    if let Some(search) = s.search.take() {
        restore(s, search.origin, &vp);
    }
}

/// Esc in the transcript: the kept search's highlights go; the view stays.
pub fn clear(app: &mut App) {
    if let Some(s) = app.session_mut() {
        if s.search.take().is_some() {
            app.dirty = true;
        }
    }
}

fn restore(s: &mut SessionScreen, origin: Option<Anchor>, vp: &super::viewport::Viewport) {
    match origin {
        None => s.view.follow(),
        Some(a) => {
            s.view.anchor = Some(a);
            s.view.settle(vp);
        }
    }
}

/// The query changed: the view returns to where the search began, and the search
/// starts over from there with its first step run at once.
fn query_changed(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Screen::Session(s) = &mut app.screen else {
        return;
    };
    let Some(search) = s.search.as_mut() else {
        return;
    };
    let origin = search.origin;
    search.restart();
    restore(s, origin, &vp);
    advance(app);
}

/// One bounded step of an incomplete search, and any jump it makes possible. Called
/// on every tick while `next_wake` keeps them coming.
pub fn advance(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    let Some(search) = s.search.as_mut() else {
        return;
    };
    // Nothing to search yet (the transcript is on its way): a waiting jump stays.
    if s.view.entries.is_empty() {
        return;
    }
    let stepped = search.step(&s.view);
    let complete = search.is_complete(&s.view);
    let jump = search.resolve(complete);
    // Typed text that matches nothing leaves the view where the search began.
    if let Some(m) = jump {
        reveal(s, m, &vp);
    }
    if stepped || jump.is_some() {
        app.dirty = true;
    }
}

/// Whether the search still has entries to look at: the loop ticks again at once.
pub fn is_running(s: &SessionScreen) -> bool {
    s.search.as_ref().is_some_and(|x| !x.is_complete(&s.view))
}

/// `n` (forward) or `N`: the next or previous shown match, wrapping around. From the
/// current match while it is in view; else from the top of the view, so a reader who
/// scrolled away continues from where they are reading.
pub fn jump(app: &mut App, forward: bool) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    let Some(search) = s.search.as_ref() else {
        return;
    };
    let from = match search.current_match() {
        Some(m) if in_view(&s.view, m, &vp) => Some(m),
        _ => None,
    };
    let top = Match::before(s.view.top(&vp).entry);
    let pending = match (forward, from) {
        (true, Some(m)) => Pending::Forward {
            from: m,
            inclusive: false,
        },
        (true, None) => Pending::Forward {
            from: top,
            inclusive: true,
        },
        (false, from) => Pending::Backward {
            from: from.unwrap_or(top),
        },
    };
    if let Some(search) = s.search.as_mut() {
        search.pending = Some(pending);
        search.wrapped = false;
        let complete = search.is_complete(&s.view);
        if let Some(m) = search.resolve(complete) {
            reveal(s, m, &vp);
        }
    }
    app.dirty = true;
}

/// `f`: the next filter. The reader keeps their place as far as the filter allows,
/// and the search counts what is now shown.
pub fn cycle_filter(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    let next = s.view.filter().next();
    s.view.set_filter(next);
    // The viewport may change with the filter (a short transcript), so settle at the
    // size the filtered view will have.
    s.view.settle(&vp);
    if let Some(search) = s.search.as_mut() {
        search.refilter(&s.view);
    }
    let vp = app.session().map(|s| app.viewport(s)).unwrap_or(vp);
    if let Some(s) = app.session_mut() {
        s.view.settle(&vp);
    }
    app.dirty = true;
}

/// After an answer changed the entries (`refresh`) or only who is who (`refilter`).
pub fn entries_changed(s: &mut SessionScreen, refresh: bool) {
    if let Some(search) = s.search.as_mut() {
        if refresh {
            search.entries_changed();
        } else {
            search.refilter(&s.view);
        }
    }
}

/// The row of the entry a match starts on.
pub fn match_row(view: &TranscriptView, m: Match, width: usize) -> usize {
    let rows = view.rows(m.entry, width);
    let first = rows
        .iter()
        .position(|r| matches!(r, Row::First(_)))
        .unwrap_or(0);
    match (m.field, view.entries.get(m.entry)) {
        (Field::Text, Some(e)) => first + row_of(&rows[first..], &e.text, m.start),
        _ => first,
    }
}

fn in_view(view: &TranscriptView, m: Match, vp: &super::viewport::Viewport) -> bool {
    let row = match_row(view, m, vp.width);
    view.visible(vp)
        .iter()
        .any(|(e, r, _)| *e == m.entry && *r == row)
}

/// Brings a match into view: left alone when its row is already on screen, else its
/// row goes a third of the way down the pane, with what led to it above.
fn reveal(s: &mut SessionScreen, m: Match, vp: &super::viewport::Viewport) {
    if in_view(&s.view, m, vp) {
        return;
    }
    let row = match_row(&s.view, m, vp.width);
    s.view.anchor = Some(Anchor {
        entry: m.entry,
        row,
    });
    s.view.scroll(-((vp.rows(false) / 3) as isize), vp);
}

// ---------------------------------------------------------------------------------
// From byte ranges in an entry to ranges in its wrapped rows.
// ---------------------------------------------------------------------------------

/// Where each character of each wrapped row came from in `text`. Wrapping keeps the
/// text's order but drops the spaces at a break and trailing ones, the newlines,
/// and shows a tab as four spaces, so the rows are walked against the text.
fn align<'a>(
    rows: impl IntoIterator<Item = &'a str>,
    text: &str,
    mut each: impl FnMut(usize, Range<usize>, usize),
) {
    let mut p = 0;
    let mut tab: Option<(usize, usize)> = None; // (byte of the tab, spaces left)
    for (n, row) in rows.into_iter().enumerate() {
        for (rb, c) in row.char_indices() {
            let at = loop {
                if let Some((t, left)) = tab.filter(|&(_, left)| left > 0 && c == ' ') {
                    tab = Some((t, left - 1));
                    break Some(t);
                }
                tab = None;
                match text[p..].chars().next() {
                    Some(o) if o == c => {
                        p += o.len_utf8();
                        break Some(p - o.len_utf8());
                    }
                    Some('\t') if c == ' ' => {
                        tab = Some((p, 3));
                        p += 1;
                        break Some(p - 1);
                    }
                    Some(o @ (' ' | '\n' | '\t')) => p += o.len_utf8(),
                    _ => break None,
                }
            };
            match at {
                Some(at) => each(n, rb..rb + c.len_utf8(), at),
                // The rows do not come from this text (they never should): stop.
                None => return,
            }
        }
    }
}

/// The row (among `rows`, the entry's text rows) that shows byte `at` of `text`.
fn row_of(rows: &[Row], text: &str, at: usize) -> usize {
    let mut found = 0;
    align(rows.iter().map(row_text), text, |n, _, from| {
        if from <= at {
            found = n;
        }
    });
    found
}

fn row_text(r: &Row) -> &str {
    match r {
        Row::Date(s) | Row::First(s) | Row::More(s) => s,
    }
}

/// What the renderer highlights in one entry: ranges in its displayed name and in
/// each of its rows' text, each with whether it is the current match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    pub who: Vec<(Range<usize>, bool)>,
    /// By row index, as `TranscriptView::rows` numbers them.
    pub rows: Vec<Vec<(Range<usize>, bool)>>,
}

/// The highlights of entry `i` at `width`, or `None` when it has no match. Matches
/// split by a wrap are highlighted on both rows.
pub fn marks(s: &SessionScreen, i: usize, width: usize) -> Option<Marks> {
    let search = s.search.as_ref()?;
    let lo = search.matches.partition_point(|m| m.entry < i);
    let hi = search.matches.partition_point(|m| m.entry <= i);
    if lo == hi {
        return None;
    }
    let text_of = s.view.entries.text(i)?;
    let current = search.current_match();
    let rows = s.view.rows(i, width);
    let mut out = Marks {
        who: Vec::new(),
        rows: vec![Vec::new(); rows.len()],
    };
    let first = rows
        .iter()
        .position(|r| matches!(r, Row::First(_)))
        .unwrap_or(0);
    let mut text = Vec::new();
    for m in &search.matches[lo..hi] {
        let cur = current == Some(*m);
        match m.field {
            Field::Who => out.who.push((m.range(), cur)),
            Field::Text => text.push((m.range(), cur)),
        }
    }
    if !text.is_empty() {
        let mut k = 0;
        align(
            rows[first..].iter().map(row_text),
            &text_of,
            |n, rb, from| {
                // Matches are in order and so are the characters: one pass over both.
                while k < text.len() && text[k].0.end <= from {
                    k += 1;
                }
                let Some((r, cur)) = text.get(k) else {
                    return;
                };
                if r.start <= from {
                    let row = &mut out.rows[first + n];
                    match row.last_mut() {
                        Some((last, c)) if last.end == rb.start && *c == *cur => last.end = rb.end,
                        _ => row.push((rb, *cur)),
                    }
                }
            },
        );
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(q: &str, hay: &str) -> Vec<Range<usize>> {
        let mut out = Vec::new();
        Matcher::new(q).find(hay, &mut Folded::default(), |r| out.push(r));
        out
    }

    #[test]
    fn smart_case() {
        assert_eq!(find("outlook", "Outlook and OUTLOOK"), vec![0..7, 12..19]);
        assert_eq!(find("Outlook", "Outlook and OUTLOOK"), vec![0..7]);
        assert_eq!(find("", "anything"), vec![]);
        assert_eq!(find("longer than", "short"), vec![]);
    }

    #[test]
    fn folded_ranges_point_into_the_original_text() {
        let hay = "Ärger mit ÜBER straße";
        let r = find("über", hay);
        assert_eq!(
            r.iter().map(|r| &hay[r.clone()]).collect::<Vec<_>>(),
            ["ÜBER"]
        );
        let r = find("ärger", hay);
        assert_eq!(&hay[r[0].clone()], "Ärger");
        // A character that lower-cases to two ("İ" -> "i̇") maps back whole.
        let hay = "xİy";
        let r = find("i", hay);
        assert_eq!(&hay[r[0].clone()], "İ");
    }

    fn rows(v: &[&str]) -> Vec<Row> {
        v.iter().map(|s| Row::More(s.to_string())).collect()
    }

    #[test]
    fn alignment_survives_dropped_spaces_newlines_and_tabs() {
        let text = "alpha bravo\n\tcharlie  delta";
        let wrapped = rows(&["alpha", "bravo", "    charlie", "delta"]);
        let mut seen = Vec::new();
        align(wrapped.iter().map(row_text), text, |n, rb, from| {
            seen.push((n, rb.start, from));
        });
        assert!(seen.contains(&(1, 0, 6)), "b of bravo: {seen:?}");
        assert!(
            seen.contains(&(2, 0, 12)) && seen.contains(&(2, 3, 12)),
            "the tab"
        );
        assert!(seen.contains(&(2, 4, 13)), "c of charlie");
        assert!(seen.contains(&(3, 0, 22)), "d of delta");
        assert_eq!(row_of(&wrapped, text, 25), 3);
        assert_eq!(row_of(&wrapped, text, 0), 0);
    }
}

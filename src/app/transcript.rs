//! The transcript as the viewer holds it: sanitised entries, their rows at a given
//! width (built lazily and cached), and a scroll anchor where `None` means "follow the
//! newest message". Scrolling and drawing only ever touch the entries near the
//! viewport, so a transcript of a million messages costs the same per frame as ten.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use super::entries::Entries;
use super::filter::Shown;
use super::viewport::Viewport;
use super::wrap::{self, truncate, width};
use crate::api::{Event, Session};
use crate::present::metrics::{ChatStats, ChatStatsBuilder};
use crate::present::transcript::{classify, day_label, messages};
use crate::timefmt::Zone;

/// Columns taken by `HH:MM:SS ` before each message.
pub const TIME_COLS: usize = 9;
/// Continuation rows start after the time column and the speaker's mark, under the name.
pub const INDENT: usize = TIME_COLS + 2;
/// Longest participant name shown before a message; longer ones are cut.
const NAME_COLS: usize = 24;
/// Wrapped entries kept per width before the cache is emptied.
const CACHE_LIMIT: usize = 8192;

/// One message as the viewer and `print` both read it: sanitised once on arrival,
/// its speaker worked out from the session's people.
pub use crate::present::transcript::{Message as Entry, Speaker};

/// What one screen row of an entry holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// A date line before the first message of a day.
    Date(String),
    /// The first row of a message: its time and name are drawn before `text`.
    First(String),
    /// A continuation row, indented under the message text.
    More(String),
}

/// A position in the transcript: row `row` of entry `entry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    pub entry: usize,
    pub row: usize,
}

/// The transcript pane's data and view state.
#[derive(Debug, Default)]
pub struct TranscriptView {
    pub entries: Entries,
    /// Top row of the viewport, or `None` to follow the newest message.
    pub anchor: Option<Anchor>,
    /// Messages that arrived while the reader was scrolled away.
    pub unseen: usize,
    /// The filter and the entries it keeps (see `filter.rs`).
    pub shown: Shown,
    cache: RefCell<RowCache>,
    /// The chat half of the session pane's metrics and the entry count it was read
    /// at. Reading 10^6 messages takes tens of milliseconds, too much for the pane's
    /// rows, which a live session rebuilds every second: so it is read once per
    /// transcript and speaker change (and again if entries were added behind
    /// [`TranscriptView::set_events`]'s back).
    stats: RefCell<Option<(usize, Rc<ChatStats>)>>,
    /// A transcript is streaming in (see [`TranscriptView::chat_stats`]).
    pub growing: bool,
}

#[derive(Debug, Default)]
struct RowCache {
    width: usize,
    rows: HashMap<usize, Rc<[Row]>>,
}

impl TranscriptView {
    /// Replaces the entries, keeping the reader's place when they were scrolled away
    /// and counting what is new below it.
    pub fn set_events(&mut self, events: &[Event], zone: Zone, session: Option<&Session>) {
        let old = self.entries.len();
        self.entries.use_zone(zone);
        if self.continues(events, zone) {
            // Live follow: the transcript grew. Only the new tail is prepared, and
            // the rows already wrapped stay cached.
            self.entries.extend(messages(&events[old..], zone, session));
        } else {
            self.entries.clear();
            self.entries.extend(messages(events, zone, session));
            self.cache.borrow_mut().rows.clear();
        }
        *self.stats.get_mut() = None;
        self.refilter();
        match self.anchor {
            Some(a) if a.entry < self.entries.len() => {
                // Only what the filter shows is news to this reader.
                self.unseen += self.shown_len().saturating_sub(self.shown_before(old));
            }
            _ => {
                self.anchor = None;
                self.unseen = 0;
            }
        }
    }

    /// A batch of a transcript arriving in batches (issue 11): `events` are the
    /// answer's events from index `start` on. Where the entries held already cover
    /// them (a live session fetched again) they are skipped, the first and the last
    /// held entry checked as [`TranscriptView::set_events`] checks them; from a
    /// difference on, and past what is held, they are prepared and appended, and
    /// only those. `count_unseen`: new entries below a reader scrolled away are news.
    pub fn stream_batch(
        &mut self,
        start: usize,
        events: &[Event],
        prepared: Vec<Entry>,
        zone: Zone,
        session: Option<&Session>,
        count_unseen: bool,
    ) {
        let held = self.entries.len();
        let covered = held.max(start).min(start + events.len());
        let mut keep = held;
        let same = |view: &Self, i: usize| {
            events
                .get(i - start)
                .is_some_and(|e| view.entries.same(i, &Entry::from_event(e, zone)))
        };
        for i in [start, held.saturating_sub(1)] {
            if i >= start && i < covered && !same(self, i) {
                keep = i;
                break;
            }
        }
        if keep < held {
            // The answer differs from what is held from here on.
            self.entries.truncate(keep.max(start));
            self.cache.borrow_mut().rows.clear();
            self.refilter();
            if self.anchor.is_some_and(|a| a.entry >= self.entries.len()) {
                self.anchor = None;
            }
        }
        // Held entries cover the batch up to here; a gap (none is sent) adds nothing.
        let Some(skip) = self.entries.len().checked_sub(start) else {
            return;
        };
        let mut new = prepared;
        if skip > new.len() {
            return;
        }
        new.drain(..skip);
        classify(&mut new, session);
        self.append(new, zone, count_unseen);
    }

    /// Entries that end the stream at `total`: what a shorter answer no longer holds
    /// is dropped.
    pub fn truncate_to(&mut self, total: usize) {
        if self.entries.len() > total {
            self.entries.truncate(total);
            self.cache.borrow_mut().rows.clear();
            *self.stats.get_mut() = None;
            self.refilter();
            if self.anchor.is_some_and(|a| a.entry >= total) {
                self.anchor = None;
            }
        }
    }

    /// Prepares `events` and adds them after the entries held: O(events), whatever
    /// is held already.
    pub fn append_events(
        &mut self,
        events: &[Event],
        zone: Zone,
        session: Option<&Session>,
        count_unseen: bool,
    ) {
        if events.is_empty() {
            return;
        }
        self.append(messages(events, zone, session), zone, count_unseen);
    }

    /// Adds messages prepared and classified after the entries held.
    fn append(&mut self, new: Vec<Entry>, zone: Zone, count_unseen: bool) {
        let old = self.entries.len();
        self.entries.use_zone(zone);
        self.entries.extend(new);
        self.shown.append(&self.entries, old);
        if count_unseen && self.anchor.is_some() {
            self.unseen += self.shown_len().saturating_sub(self.shown_before(old));
        }
    }

    /// Times and date lines in another zone (`t`): the clock strings and days are
    /// worked out again, once, and the rows re-wrapped as they come into view.
    pub fn rezone(&mut self, zone: Zone) {
        self.entries.rezone(zone);
        self.cache.borrow_mut().rows.clear();
    }

    /// True when `events` are the entries held now followed by new ones: the first
    /// and the last held entry are still where they were.
    fn continues(&self, events: &[Event], zone: Zone) -> bool {
        let old = self.entries.len();
        let same = |i: usize| {
            events
                .get(i)
                .is_some_and(|e| self.entries.same(i, &Entry::from_event(e, zone)))
        };
        old > 0 && events.len() >= old && same(0) && same(old - 1)
    }

    /// The session arrived (or changed): who is who may change, and with it each
    /// message's mark and first row.
    pub fn mark_speakers(&mut self, session: Option<&Session>) {
        self.entries.classify(session);
        self.cache.borrow_mut().rows.clear();
        *self.stats.get_mut() = None;
        self.refilter();
    }

    /// The chat's metrics ([`ChatStats`]), read once per transcript and speaker
    /// change; `session` names the expert and the customer.
    pub fn chat_stats(&self, session: Option<&Session>) -> Rc<ChatStats> {
        let mut memo = self.stats.borrow_mut();
        match memo.as_ref() {
            Some((len, stats)) if *len == self.entries.len() => Rc::clone(stats),
            // While a transcript streams in, each batch would read every message
            // again: the figures are read anew only when the count has doubled (so
            // O(messages) in all), and once more when it is complete.
            Some((len, stats)) if self.growing && self.entries.len() < len.saturating_mul(2) => {
                Rc::clone(stats)
            }
            _ => {
                let mut stats = ChatStatsBuilder::default();
                for i in 0..self.entries.len() {
                    stats.add_head(
                        self.entries.time(i),
                        self.entries.speaker(i).unwrap_or(Speaker::System),
                        self.entries.who(i),
                    );
                }
                let stats = Rc::new(stats.finish(session));
                *memo = Some((self.entries.len(), Rc::clone(&stats)));
                stats
            }
        }
    }

    pub fn is_following(&self) -> bool {
        self.anchor.is_none()
    }

    /// The rows of entry `i` at `width` columns, built once per width.
    pub fn rows(&self, i: usize, width: usize) -> Rc<[Row]> {
        let mut cache = self.cache.borrow_mut();
        if cache.width != width || cache.rows.len() > CACHE_LIMIT {
            cache.width = width;
            cache.rows.clear();
        }
        if let Some(r) = cache.rows.get(&i) {
            return Rc::clone(r);
        }
        let rows: Rc<[Row]> = self.build_rows(i, width).into();
        cache.rows.insert(i, Rc::clone(&rows));
        rows
    }

    fn build_rows(&self, i: usize, width: usize) -> Vec<Row> {
        let Some(e) = self.entries.get(i) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        if let Some(day) = e.day.filter(|_| self.opens_day(i, &e)) {
            out.push(Row::Date(day_label(day)));
        }
        let rest = width.saturating_sub(INDENT).max(1);
        let first = width.saturating_sub(TIME_COLS + head_width(&e)).max(1);
        let mut lines = wrap::wrap(&e.text, first, rest).into_iter();
        out.push(Row::First(lines.next().unwrap_or_default()));
        out.extend(lines.map(Row::More));
        out
    }

    /// Whether entry `i` starts with a date line: the first message of its day, or
    /// with a filter on, the first one shown.
    fn opens_day(&self, i: usize, e: &Entry) -> bool {
        if self.filter() == super::filter::Filter::All {
            return e.opens_day;
        }
        let before = self.prev_shown(i).map(|p| self.entries.day(p));
        e.day.is_some() && before != Some(e.day)
    }

    /// Drops every wrapped row (the filter changed which entries open a day).
    pub(super) fn forget_rows(&self) {
        self.cache.borrow_mut().rows.clear();
    }

    pub fn height(&self, i: usize, width: usize) -> usize {
        self.rows(i, width).len()
    }

    /// The anchor that shows the newest messages at the bottom of a `height`-row view.
    pub fn tail_anchor(&self, width: usize, height: usize) -> Anchor {
        let mut need = height;
        let mut next = self.last_shown();
        while let Some(i) = next {
            next = self.prev_shown(i);
            let h = self.height(i, width);
            if h >= need {
                return Anchor {
                    entry: i,
                    row: h - need,
                };
            }
            need -= h;
        }
        Anchor {
            entry: self.first_shown().unwrap_or(0),
            row: 0,
        }
    }

    /// Where the viewport starts now, resolving "follow" to the tail. An anchor left
    /// pointing past its entry's rows (a refresh or resize re-wrapped it) is clamped.
    pub fn top(&self, vp: &Viewport) -> Anchor {
        match self.anchor {
            Some(a) if self.is_shown(a.entry) => Anchor {
                entry: a.entry,
                row: a.row.min(self.height(a.entry, vp.width).saturating_sub(1)),
            },
            _ => self.tail_anchor(vp.width, vp.rows(true)),
        }
    }

    /// Where a reader who scrolled away starts following again: the top of the
    /// following view, so paging back down by as much as one paged up returns there.
    fn scrolled_tail(&self, vp: &Viewport) -> Anchor {
        self.tail_anchor(vp.width, vp.rows(true))
    }

    /// Moves the view by `delta` rows (negative is up). Reaching the bottom switches
    /// back to following the newest message.
    pub fn scroll(&mut self, delta: isize, vp: &Viewport) {
        if self.shown_len() == 0 {
            return;
        }
        let width = vp.width;
        let tail = self.scrolled_tail(vp);
        let mut at = self.top(vp);
        if delta < 0 {
            let mut left = delta.unsigned_abs();
            while left > 0 {
                if at.row >= left {
                    at.row -= left;
                    left = 0;
                } else if let Some(prev) = self.prev_shown(at.entry) {
                    left -= at.row + 1;
                    at.entry = prev;
                    at.row = self.height(at.entry, width) - 1;
                } else {
                    at.row = 0;
                    left = 0;
                }
            }
        } else {
            let mut left = delta.unsigned_abs();
            while left > 0 && (at.entry, at.row) < (tail.entry, tail.row) {
                let h = self.height(at.entry, width);
                let step = left.min(h.saturating_sub(at.row).max(1));
                at.row += step;
                left -= step;
                if at.row >= h {
                    at.entry = self.next_shown(at.entry).unwrap_or(self.entries.len());
                    at.row = 0;
                }
            }
        }
        if (at.entry, at.row) >= (tail.entry, tail.row) {
            self.follow();
        } else {
            self.anchor = Some(at);
        }
    }

    pub fn to_top(&mut self, vp: &Viewport) {
        let tail = self.tail_anchor(vp.width, vp.rows(true));
        let first = self.first_shown().unwrap_or(0);
        if (tail.entry, tail.row) == (first, 0) {
            self.follow();
        } else {
            self.anchor = Some(Anchor {
                entry: first,
                row: 0,
            });
        }
    }

    /// After a resize or a refresh: the anchor is clamped to its entry's rows, and a
    /// view that now reaches the newest message follows it again.
    pub fn settle(&mut self, vp: &Viewport) {
        if self.anchor.is_none() {
            return;
        }
        let at = self.top(vp);
        let tail = self.scrolled_tail(vp);
        if (at.entry, at.row) >= (tail.entry, tail.row) {
            self.follow();
        } else {
            self.anchor = Some(at);
        }
    }

    pub fn follow(&mut self) {
        self.anchor = None;
        self.unseen = 0;
    }

    /// The rows the viewport shows: (entry index, row within entry, row).
    pub fn visible(&self, vp: &Viewport) -> Vec<(usize, usize, Row)> {
        let height = vp.rows(self.is_following());
        let mut out = Vec::with_capacity(height);
        let start = self.top(vp);
        let mut next = self.at_or_after(start.entry);
        let mut skip = start.row;
        while let Some(i) = next.filter(|_| out.len() < height) {
            let rows = self.rows(i, vp.width);
            for (n, r) in rows.iter().enumerate().skip(skip) {
                if out.len() == height {
                    break;
                }
                out.push((i, n, r.clone()));
            }
            skip = 0;
            next = self.next_shown(i);
        }
        out
    }

    /// Whether every row of entry `i` is in the viewport now.
    pub fn shows_whole(&self, i: usize, vp: &Viewport) -> bool {
        let shown = self.visible(vp);
        let rows = shown.iter().filter(|(e, _, _)| *e == i).count();
        rows == self.height(i, vp.width) || rows == vp.rows(self.is_following())
    }

    /// Where the scrollbar goes: `(total rows, rows above the view, rows in view)`, or
    /// `None` when everything fits. Exact while the transcript is short enough to wrap
    /// whole; past that, rows are estimated from the average height of the entries
    /// already wrapped, so a frame stays O(visible) at a million messages.
    pub fn scroll_metrics(&self, vp: &Viewport) -> Option<(usize, usize, usize)> {
        let count = self.shown_len();
        let view = vp.rows(self.is_following());
        let top = self.top(vp);
        // Positions among the shown entries: with a filter on, the bar measures
        // what the filter keeps.
        let top_at = self.shown_before(top.entry);
        let (total, above) = if count <= EXACT_SCROLLBAR {
            let heights: Vec<usize> = (0..count)
                .filter_map(|n| self.nth_shown(n))
                .map(|i| self.height(i, vp.width))
                .collect();
            let above: usize = heights[..top_at.min(count)].iter().sum::<usize>() + top.row;
            (heights.iter().sum(), above)
        } else {
            let avg = self.average_height(vp.width);
            let total = (count as f64 * avg).round() as usize;
            let above = (top_at as f64 * avg).round() as usize + top.row;
            (total.max(view + 1), above)
        };
        if total <= vp.rows(true) {
            return None;
        }
        let above = if self.is_following() {
            total.saturating_sub(view)
        } else {
            above.min(total.saturating_sub(view))
        };
        Some((total, above, view))
    }

    /// All rows of the transcript at `width` when there are fewer than `limit` (a
    /// short transcript asks the layout for just that); `None` otherwise. Looks at no
    /// more than `limit` entries.
    pub fn rows_if_fewer(&self, width: usize, limit: usize) -> Option<usize> {
        if self.shown_len() >= limit {
            return None;
        }
        if self.shown_len() == 0 && !self.entries.is_empty() {
            // A filter that keeps nothing says so in one line.
            return Some(1);
        }
        let mut total = 0;
        for i in (0..self.shown_len()).filter_map(|n| self.nth_shown(n)) {
            total += self.height(i, width);
            if total >= limit {
                return None;
            }
        }
        Some(total)
    }

    /// Mean rows per entry among those wrapped at `width` so far (at least one).
    fn average_height(&self, width: usize) -> f64 {
        let cache = self.cache.borrow();
        if cache.width != width || cache.rows.is_empty() {
            return 1.0;
        }
        let sum: usize = cache.rows.values().map(|r| r.len()).sum();
        (sum as f64 / cache.rows.len() as f64).max(1.0)
    }
}

/// Up to this many entries the scrollbar is sized from every entry's real height.
const EXACT_SCROLLBAR: usize = 4096;

/// Columns before a message's first row of text: time, marker, name and ": ".
pub fn head_width(e: &Entry) -> usize {
    match e.speaker {
        Speaker::System => 2,
        _ => 2 + width(&display_name(&e.who)) + 2,
    }
}

pub fn display_name(who: &str) -> String {
    truncate(who, NAME_COLS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Timestamp;

    fn events(n: usize) -> Vec<Event> {
        (0..n)
            .map(|i| Event {
                time: Some(Timestamp::parse(&format!(
                    "2026-11-20T14:{:02}:00Z",
                    i % 60
                ))),
                participant: Some(if i % 2 == 0 { "Dana" } else { "Morgan" }.into()),
                content: format!("message {i}"),
            })
            .collect()
    }

    /// A viewport of `width` x `height` rows with no banner.
    fn vp(width: usize, height: usize) -> Viewport {
        Viewport {
            width,
            inner: height,
            banner: 0,
        }
    }

    fn view(n: usize) -> TranscriptView {
        let mut v = TranscriptView::default();
        v.set_events(&events(n), Zone::Utc, None);
        v
    }

    #[test]
    fn follows_tail_until_scrolled() {
        let mut v = view(50);
        let vis = v.visible(&vp(60, 10));
        assert_eq!(vis.last().map(|r| r.0), Some(49));
        v.scroll(-3, &vp(60, 10));
        assert_eq!(
            v.anchor.map(|a| a.entry),
            Some(37),
            "10 rows from the end, then 3 up"
        );
        v.scroll(2, &vp(60, 10));
        assert!(!v.is_following());
        v.scroll(1, &vp(60, 10));
        assert!(v.is_following());
    }

    #[test]
    fn scroll_up_stops_at_top_and_down_at_tail() {
        let mut v = view(50);
        v.scroll(-1000, &vp(60, 10));
        assert_eq!(v.anchor, Some(Anchor { entry: 0, row: 0 }));
        // The first entry carries a date row above it.
        assert_eq!(
            v.visible(&vp(60, 10))[0].2,
            Row::Date("2026-11-20 Fri".into())
        );
        v.scroll(1000, &vp(60, 10));
        assert!(v.is_following());
    }

    #[test]
    fn new_messages_counted_when_scrolled_away() {
        let mut v = view(50);
        v.scroll(-5, &vp(60, 10));
        v.set_events(&events(53), Zone::Utc, None);
        assert_eq!(v.unseen, 3);
        assert!(!v.is_following());
        v.follow();
        assert_eq!(v.unseen, 0);
    }

    #[test]
    fn a_growing_transcript_appends_and_keeps_the_wrapped_rows() {
        let mut v = view(50);
        let p = vp(60, 10);
        v.visible(&p);
        let cached = v.cache.borrow().rows.len();
        assert!(cached > 0);
        v.set_events(&events(53), Zone::Utc, None);
        assert_eq!(v.entries.len(), 53);
        assert_eq!(v.cache.borrow().rows.len(), cached, "old rows kept");
        assert_eq!(v.entries.text(52).as_deref(), Some("message 52"));
        // A day change in the tail still gets its date line; none repeats.
        assert!(!v.entries.opens_day(50));
        // A transcript that changed (not grown) is rebuilt.
        let mut changed = events(53);
        changed[0].content = "edited".into();
        v.set_events(&changed, Zone::Utc, None);
        assert_eq!(v.entries.text(0).as_deref(), Some("edited"));
        assert_eq!(v.cache.borrow().rows.len(), 0);
    }

    #[test]
    fn anchor_row_clamped_when_wider() {
        let mut v = TranscriptView::default();
        let long = Event {
            time: None,
            participant: Some("Morgan".into()),
            content: "word ".repeat(40),
        };
        v.set_events(&vec![long; 30], Zone::Utc, None);
        v.anchor = Some(Anchor { entry: 3, row: 7 });
        v.settle(&vp(400, 10));
        assert_eq!(v.anchor, Some(Anchor { entry: 3, row: 0 }));
        // A window tall enough for everything follows the newest message again.
        v.settle(&vp(400, 100));
        assert!(v.is_following());
    }

    #[test]
    fn refresh_that_shortens_the_anchored_entry_does_not_panic() {
        let msg = |n: usize| Event {
            time: None,
            participant: Some("Morgan".into()),
            content: "word ".repeat(n),
        };
        let mut v = TranscriptView::default();
        v.set_events(&[msg(400), msg(2), msg(2)], Zone::Utc, None);
        v.anchor = Some(Anchor { entry: 0, row: 20 });
        v.set_events(&[msg(2), msg(2), msg(2)], Zone::Utc, None);
        v.scroll(1, &vp(40, 2));
        v.scroll(-1, &vp(40, 2));
        let p = vp(40, 2);
        assert_eq!(v.visible(&p).len(), p.rows(v.is_following()));
    }

    #[test]
    fn short_transcript_top_is_follow() {
        let mut v = view(2);
        v.to_top(&vp(60, 10));
        assert!(v.is_following());
    }

    #[test]
    fn system_lines_and_technicians() {
        let mut v = TranscriptView::default();
        let ev = |who: &str, text: &str| Event {
            time: None,
            participant: Some(who.into()),
            content: text.into(),
        };
        let session = Session {
            expert_name: Some("Dana Whitfield".into()),
            customer_name: Some("Tomás Alvarez".into()),
            ..Default::default()
        };
        v.set_events(
            &[
                ev("Dana Whitfield", "Dana Whitfield joined the session"),
                ev("dana whitfield", "Hi"),
                ev("Morgan", "Hello"),
            ],
            Zone::Utc,
            Some(&session),
        );
        let kinds: Vec<Speaker> = v.entries.iter().map(|e| e.speaker).collect();
        assert_eq!(
            kinds,
            vec![Speaker::System, Speaker::Expert, Speaker::Other]
        );
    }

    #[test]
    fn chat_stats_are_read_once_per_transcript_and_speaker_change() {
        let session = Session {
            expert_name: Some("Dana".into()),
            customer_name: Some("Morgan".into()),
            ..Default::default()
        };
        let mut v = TranscriptView::default();
        v.set_events(&events(4), Zone::Utc, None);
        let before = v.chat_stats(None);
        // Nobody is the customer without the session.
        assert_eq!(before.customer_messages, 0);
        assert!(Rc::ptr_eq(&before, &v.chat_stats(None)), "kept");
        // The session arrives: the speakers change, so do the stats.
        v.mark_speakers(Some(&session));
        let named = v.chat_stats(Some(&session));
        assert_eq!(named.customer_messages, 2);
        assert_eq!(named.first_response, Some(chrono::TimeDelta::minutes(1)));
        assert!(Rc::ptr_eq(&named, &v.chat_stats(Some(&session))));
        // A new transcript, and entries added without `set_events`.
        v.set_events(&events(6), Zone::Utc, Some(&session));
        assert_eq!(v.chat_stats(Some(&session)).customer_messages, 3);
        let extra = v.entries.get(0).expect("held");
        v.entries.extend([extra]);
        let total: usize = v
            .chat_stats(Some(&session))
            .tallies
            .iter()
            .map(|t| t.count)
            .sum();
        assert_eq!(total, 7);
    }
}

#[cfg(test)]
mod scrollbar_tests {
    use super::*;
    use crate::api::Timestamp;

    fn view(n: usize) -> TranscriptView {
        let events: Vec<Event> = (0..n)
            .map(|i| Event {
                time: Some(Timestamp::parse("2026-11-20T14:00:00Z")),
                participant: Some("Dana".into()),
                content: format!("message {i}"),
            })
            .collect();
        let mut v = TranscriptView::default();
        v.set_events(&events, Zone::Utc, None);
        v
    }

    fn vp(width: usize, height: usize) -> Viewport {
        Viewport {
            width,
            inner: height,
            banner: 0,
        }
    }

    #[test]
    fn no_scrollbar_when_everything_fits() {
        // 14 short messages and a date row in a 38-row pane.
        assert_eq!(view(14).scroll_metrics(&vp(60, 38)), None);
    }

    #[test]
    fn thumb_shows_the_visible_share_and_moves_with_the_view() {
        let mut v = view(100);
        let p = vp(60, 20);
        // 100 messages + a date row; following shows the last 20 rows.
        assert_eq!(v.scroll_metrics(&p), Some((101, 81, 20)));
        v.to_top(&p);
        assert_eq!(v.scroll_metrics(&p), Some((101, 0, 19)));
        v.scroll(19, &p);
        assert_eq!(v.scroll_metrics(&p).map(|m| m.1), Some(19));
    }

    #[test]
    fn a_million_messages_are_estimated_not_wrapped() {
        let mut v = view(1_000_000);
        let p = vp(60, 20);
        let (total, above, view) = v.scroll_metrics(&p).expect("scrolls");
        assert!(
            total >= 1_000_000 && above + view == total,
            "{total} {above} {view}"
        );
        v.to_top(&p);
        assert_eq!(v.scroll_metrics(&p).map(|m| m.1), Some(0));
        assert!(v.cache.borrow().rows.len() < 100);
    }
}

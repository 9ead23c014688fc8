//! The transcript as the viewer holds it: sanitised entries, their rows at a given
//! width (built lazily and cached), and a scroll anchor where `None` means "follow the
//! newest message". Scrolling and drawing only ever touch the entries near the
//! viewport, so a transcript of a million messages costs the same per frame as ten.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::NaiveDate;

use super::viewport::Viewport;
use super::wrap::{self, truncate, width};
use crate::api::{Event, Session};
use crate::sanitize::{sanitize, sanitize_line};
use crate::timefmt::Zone;

/// Columns taken by `HH:MM:SS ` before each message.
pub const TIME_COLS: usize = 9;
/// Continuation rows start after the time column and a one-column speaker gutter.
pub const INDENT: usize = TIME_COLS + 1;
/// Longest participant name shown before a message; longer ones are cut.
const NAME_COLS: usize = 24;
/// Wrapped entries kept per width before the cache is emptied.
const CACHE_LIMIT: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Speaker {
    Customer,
    Technician,
    /// Join and end lines, and anything without a participant.
    System,
}

impl Speaker {
    pub const LEGEND: [Speaker; 3] = [Speaker::Technician, Speaker::Customer, Speaker::System];

    /// The gutter mark, which reads without colour.
    pub fn mark(self) -> &'static str {
        match self {
            Speaker::Technician => "▌",
            Speaker::Customer => " ",
            Speaker::System => "·",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Speaker::Technician => "a technician",
            Speaker::Customer => "the customer",
            Speaker::System => "a join, leave or end line",
        }
    }
}

/// One message, sanitised once on arrival.
#[derive(Debug, Clone)]
pub struct Entry {
    pub time: String,
    pub day: Option<NaiveDate>,
    pub who: String,
    pub text: String,
    pub speaker: Speaker,
}

impl Entry {
    pub fn from_event(e: &Event, zone: Zone) -> Self {
        let (time, day) = match e.time.as_ref() {
            Some(ts) => match ts.at {
                Some(at) => (zone.time(at), Some(zone.day(at))),
                None => (truncate(&sanitize_line(&ts.raw), 8), None),
            },
            None => (String::new(), None),
        };
        let who = e
            .participant
            .as_deref()
            .map(|p| sanitize_line(p).trim().to_string())
            .unwrap_or_default();
        let text = sanitize(&e.content).trim_end().to_string();
        let speaker = if who.is_empty() || is_system_line(&text) {
            Speaker::System
        } else {
            Speaker::Customer
        };
        Entry {
            time,
            day,
            who,
            text,
            speaker,
        }
    }
}

/// GoToAssist writes joins, leaves and the end of a session into the chat as plain
/// messages ("Dana Whitfield joined the session"). Only a short single line that *ends*
/// with such a phrase counts, so "my colleague has left for the day" stays the
/// customer's own words.
fn is_system_line(text: &str) -> bool {
    const ENDINGS: [&str; 8] = [
        "joined the session",
        "left the session",
        "ended the session",
        "has joined",
        "has left",
        "session ended",
        "session started",
        "transferred the session",
    ];
    if text.contains('\n') || text.chars().count() > 100 {
        return false;
    }
    let t = text.trim().trim_end_matches(['.', '!']).to_lowercase();
    ENDINGS.iter().any(|p| t.ends_with(p))
}

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
    pub entries: Vec<Entry>,
    /// Top row of the viewport, or `None` to follow the newest message.
    pub anchor: Option<Anchor>,
    /// Messages that arrived while the reader was scrolled away.
    pub unseen: usize,
    cache: RefCell<RowCache>,
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
        self.entries = events.iter().map(|e| Entry::from_event(e, zone)).collect();
        self.mark_speakers(session);
        self.cache.borrow_mut().rows.clear();
        match self.anchor {
            Some(a) if a.entry < self.entries.len() => {
                self.unseen += self.entries.len().saturating_sub(old);
            }
            _ => {
                self.anchor = None;
                self.unseen = 0;
            }
        }
    }

    /// Technicians are the session's expert and collaborators; names compare
    /// case-insensitively since the chat and the session API spell them separately.
    pub fn mark_speakers(&mut self, session: Option<&Session>) {
        let techs: Vec<String> = session
            .map(|s| {
                s.technician_names()
                    .iter()
                    .map(|n| sanitize_line(n).trim().to_lowercase())
                    .collect()
            })
            .unwrap_or_default();
        for e in &mut self.entries {
            if e.speaker == Speaker::System {
                continue;
            }
            e.speaker = if techs.contains(&e.who.to_lowercase()) {
                Speaker::Technician
            } else {
                Speaker::Customer
            };
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
        let prev_day = i.checked_sub(1).and_then(|p| self.entries[p].day);
        if let Some(day) = e.day.filter(|d| i == 0 || prev_day != Some(*d)) {
            out.push(Row::Date(day.format("%Y-%m-%d %a").to_string()));
        }
        let rest = width.saturating_sub(INDENT).max(1);
        let first = width.saturating_sub(TIME_COLS + head_width(e)).max(1);
        let mut lines = wrap::wrap(&e.text, first, rest).into_iter();
        out.push(Row::First(lines.next().unwrap_or_default()));
        out.extend(lines.map(Row::More));
        out
    }

    pub fn height(&self, i: usize, width: usize) -> usize {
        self.rows(i, width).len()
    }

    /// The anchor that shows the newest messages at the bottom of a `height`-row view.
    pub fn tail_anchor(&self, width: usize, height: usize) -> Anchor {
        let mut need = height;
        let mut i = self.entries.len();
        while i > 0 {
            i -= 1;
            let h = self.height(i, width);
            if h >= need {
                return Anchor {
                    entry: i,
                    row: h - need,
                };
            }
            need -= h;
        }
        Anchor { entry: 0, row: 0 }
    }

    /// Where the viewport starts now, resolving "follow" to the tail. An anchor left
    /// pointing past its entry's rows (a refresh or resize re-wrapped it) is clamped.
    pub fn top(&self, vp: &Viewport) -> Anchor {
        match self.anchor {
            Some(a) if a.entry < self.entries.len() => Anchor {
                entry: a.entry,
                row: a.row.min(self.height(a.entry, vp.width).saturating_sub(1)),
            },
            _ => self.tail_anchor(vp.width, vp.rows(true)),
        }
    }

    /// The last anchor a reader who scrolled away can have before following again.
    fn scrolled_tail(&self, vp: &Viewport) -> Anchor {
        self.tail_anchor(vp.width, vp.rows(false))
    }

    /// Moves the view by `delta` rows (negative is up). Reaching the bottom switches
    /// back to following the newest message.
    pub fn scroll(&mut self, delta: isize, vp: &Viewport) {
        if self.entries.is_empty() {
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
                } else if at.entry == 0 {
                    at.row = 0;
                    left = 0;
                } else {
                    left -= at.row + 1;
                    at.entry -= 1;
                    at.row = self.height(at.entry, width) - 1;
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
                    at.entry += 1;
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
        if (tail.entry, tail.row) == (0, 0) {
            self.follow();
        } else {
            self.anchor = Some(Anchor { entry: 0, row: 0 });
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
        let mut i = start.entry;
        let mut skip = start.row;
        while out.len() < height && i < self.entries.len() {
            let rows = self.rows(i, vp.width);
            for (n, r) in rows.iter().enumerate().skip(skip) {
                if out.len() == height {
                    break;
                }
                out.push((i, n, r.clone()));
            }
            skip = 0;
            i += 1;
        }
        out
    }

    /// Where the scrollbar goes: `(total rows, rows above the view, rows in view)`, or
    /// `None` when everything fits. Exact while the transcript is short enough to wrap
    /// whole; past that, rows are estimated from the average height of the entries
    /// already wrapped, so a frame stays O(visible) at a million messages.
    pub fn scroll_metrics(&self, vp: &Viewport) -> Option<(usize, usize, usize)> {
        let count = self.entries.len();
        let view = vp.rows(self.is_following());
        let top = self.top(vp);
        let (total, above) = if count <= EXACT_SCROLLBAR {
            let heights: Vec<usize> = (0..count).map(|i| self.height(i, vp.width)).collect();
            let above: usize = heights[..top.entry.min(count)].iter().sum::<usize>() + top.row;
            (heights.iter().sum(), above)
        } else {
            let avg = self.average_height(vp.width);
            let total = (count as f64 * avg).round() as usize;
            let above = (top.entry as f64 * avg).round() as usize + top.row;
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

    fn view(n: usize) -> TranscriptView {
        let mut v = TranscriptView::default();
        v.set_events(&events(n), Zone::Utc, None);
        v
    }

    #[test]
    fn follows_tail_until_scrolled() {
        let mut v = view(50);
        let vis = v.visible(60, 10);
        assert_eq!(vis.last().map(|r| r.0), Some(49));
        v.scroll(-3, 60, 10);
        assert_eq!(
            v.anchor.map(|a| a.entry),
            Some(37),
            "10 rows from the end, then 3 up"
        );
        v.scroll(3, 60, 10);
        assert!(v.is_following());
    }

    #[test]
    fn scroll_up_stops_at_top_and_down_at_tail() {
        let mut v = view(50);
        v.scroll(-1000, 60, 10);
        assert_eq!(v.anchor, Some(Anchor { entry: 0, row: 0 }));
        // The first entry carries a date row above it.
        assert_eq!(v.visible(60, 10)[0].2, Row::Date("2026-11-20 Fri".into()));
        v.scroll(1000, 60, 10);
        assert!(v.is_following());
    }

    #[test]
    fn new_messages_counted_when_scrolled_away() {
        let mut v = view(50);
        v.scroll(-5, 60, 10);
        v.set_events(&events(53), Zone::Utc, None);
        assert_eq!(v.unseen, 3);
        assert!(!v.is_following());
        v.follow();
        assert_eq!(v.unseen, 0);
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
        v.settle(400, 10);
        assert_eq!(v.anchor, Some(Anchor { entry: 3, row: 0 }));
        // A window tall enough for everything follows the newest message again.
        v.settle(400, 100);
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
        v.scroll(1, 40, 2);
        v.scroll(-1, 40, 2);
        assert_eq!(v.visible(40, 2).len(), 2);
    }

    #[test]
    fn only_trailing_join_and_leave_phrases_are_system_lines() {
        assert!(is_system_line("Dana Whitfield joined the session"));
        assert!(is_system_line("Ravi Patel has left."));
        assert!(!is_system_line("my colleague has left for the day"));
        assert!(!is_system_line("ok, the session started late anyway"));
    }

    #[test]
    fn short_transcript_top_is_follow() {
        let mut v = view(2);
        v.to_top(60, 10);
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
            vec![Speaker::System, Speaker::Technician, Speaker::Customer]
        );
    }
}

//! Numbers about one session that no vendor console shows together, shared by
//! `print` and the viewer's session pane: how long the customer waited, how long the
//! session ran after they joined, who wrote how much, and how quickly the
//! technicians answered the customer.
//!
//! Two halves, so a caller that holds a huge transcript can keep the expensive one:
//! [`ChatStats::of`] reads the messages once (O(n), plus a sort only when the
//! timestamps are out of order) and does not depend on the clock; [`Metrics::new`]
//! adds the session's times and `now` in O(participants).
//!
//! What counts (issue 7, and "How other tools count session times" in the API notes):
//! - **Customer waited**: `startedAt` → `customerJoinedAt`.
//! - **Ran after join**: `customerJoinedAt` → `endedAt`, or → now while the session is
//!   live. One public integration calls this "the duration"; LogMeIn Rescue's reports
//!   call it total time without the waiting time. The labels say which span is which.
//! - **Total length**: `startedAt` → `endedAt`, or → now while live.
//! - **Messages**: per participant, system lines excluded. The expert and the customer
//!   are one person each however the chat spells them; collaborators and people the
//!   session does not name are told apart by their name (case and spacing ignored).
//!   Messages without a timestamp count here.
//! - The response metrics read the chat as a timeline: only customer and technician
//!   messages *with* a parsed time, sorted by time (stable, so equal times keep their
//!   transcript order). System lines, people the session does not name and messages
//!   without a time are left out; a sorted timeline never yields a negative wait.
//!   - **First response**: the customer's first message → the first technician
//!     message after it.
//!   - **Longest wait for an answer**: a run of consecutive customer messages is one
//!     question, waiting from its *first* message until the next technician message.
//!     Only answered runs count: a run still open at the end is reported apart (below),
//!     so "longest" does not tick up every second while a session is live.
//!   - **Unanswered messages**: the customer messages no technician message follows
//!     (the open run at the end). While the session is live it also says how long the
//!     oldest of them has waited so far.
//!
//!   With no timed customer message all three are absent, not zero.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::transcript::{Message, Speaker};
use super::{line, Field, Role, Value};
use crate::api::{Session, Status};
use crate::timefmt::{between, duration};

/// The section's heading in `print` and the session pane.
pub const HEADING: &str = "Metrics";

/// The metrics' labels, in the order [`fields`] gives them.
pub mod label {
    pub const CUSTOMER_WAITED: &str = "Customer waited";
    pub const RAN_AFTER_JOIN: &str = "Ran after join";
    pub const TOTAL_LENGTH: &str = "Total length";
    pub const MESSAGES: &str = "Messages";
    pub const FIRST_RESPONSE: &str = "First response";
    pub const LONGEST_WAIT: &str = "Longest wait for an answer";
    pub const UNANSWERED: &str = "Unanswered messages";
}

/// How many participants the "Messages" line names before it sums up the rest.
const NAMED: usize = 8;

/// One participant's message count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The name as shown (sanitised): the session's name for the expert and the
    /// customer when it has one, else the first spelling the chat used.
    pub name: String,
    pub speaker: Speaker,
    pub count: usize,
}

/// What the transcript alone says, independent of the clock.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatStats {
    /// Messages per participant, most first, then by name.
    pub tallies: Vec<Tally>,
    /// Customer messages with a parsed time: the timeline the response metrics read.
    pub customer_messages: usize,
    pub first_response: Option<TimeDelta>,
    /// The longest answered wait (see the module docs).
    pub longest_wait: Option<TimeDelta>,
    /// Customer messages after the last technician message.
    pub unanswered: usize,
    /// When the oldest of those was sent.
    pub open_since: Option<DateTime<Utc>>,
}

/// Everything the Metrics section shows. `None` means "cannot be said" (a time is
/// missing, the customer never joined, nobody asked anything), never zero.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metrics {
    /// `startedAt` → `customerJoinedAt`.
    pub customer_waited: Option<TimeDelta>,
    /// `customerJoinedAt` → `endedAt`, or → now when [`Metrics::live`].
    pub after_join: Option<TimeDelta>,
    /// `startedAt` → `endedAt`, or → now when [`Metrics::live`].
    pub total: Option<TimeDelta>,
    /// The session is active or waiting and has not ended: the spans above run to
    /// now and grow.
    pub live: bool,
    /// Messages per participant, most first, then by name; system lines excluded.
    pub messages: Vec<Tally>,
    /// Customer messages with a time; the three below are `None` when this is 0.
    pub customer_messages: usize,
    /// The customer's first message → the first technician message after it; `None`
    /// also when no technician ever answered.
    pub first_response: Option<TimeDelta>,
    /// The longest a run of customer messages waited for a technician's answer.
    pub longest_wait: Option<TimeDelta>,
    /// Customer messages no technician message follows.
    pub unanswered: Option<usize>,
    /// While live: how long the oldest unanswered customer message has waited.
    pub waiting_now: Option<TimeDelta>,
}

/// The two sides of a conversation the response metrics look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Customer,
    Technician,
}

fn side(s: Speaker) -> Option<Side> {
    match s {
        Speaker::Customer => Some(Side::Customer),
        Speaker::Expert | Speaker::Collaborator => Some(Side::Technician),
        Speaker::Other | Speaker::System => None,
    }
}

/// The response metrics of one timeline, fed in time order.
#[derive(Debug, Default)]
struct Walk {
    customer_messages: usize,
    first_customer: Option<DateTime<Utc>>,
    first_response: Option<TimeDelta>,
    longest_wait: Option<TimeDelta>,
    open_since: Option<DateTime<Utc>>,
    unanswered: usize,
}

impl Walk {
    fn step(&mut self, at: DateTime<Utc>, side: Side) {
        match side {
            Side::Customer => {
                self.customer_messages += 1;
                self.first_customer.get_or_insert(at);
                self.open_since.get_or_insert(at);
                self.unanswered += 1;
            }
            Side::Technician => {
                if let Some(asked) = self.open_since.take() {
                    // In time order `at >= asked`; `max` keeps that a promise.
                    let wait = (at - asked).max(TimeDelta::zero());
                    if self.first_response.is_none() {
                        self.first_response = self.first_customer.map(|_| wait);
                    }
                    self.longest_wait = Some(self.longest_wait.map_or(wait, |l| l.max(wait)));
                    self.unanswered = 0;
                }
            }
        }
    }
}

/// A timeline fed in arrival order, for [`ChatStatsBuilder`]: walked as it comes while
/// it is in time order (the usual case), and kept as deltas (about two bytes a message)
/// so that an out-of-order transcript can still be sorted and walked at the end. `print`
/// of a million messages keeps 2 MB here instead of 16 MB (issue 11).
#[derive(Debug, Default)]
struct Timeline {
    walk: Walk,
    out_of_order: bool,
    last: Option<DateTime<Utc>>,
    /// Per entry: the seconds since the one before as a zigzag varint, then the
    /// nanoseconds shifted left once with the side (1: customer) in the low bit.
    packed: Vec<u8>,
}

impl Timeline {
    fn push(&mut self, at: DateTime<Utc>, side: Side) {
        let before = self.last.map_or(0, |l| l.timestamp());
        if self.last.is_some_and(|l| at < l) {
            self.out_of_order = true;
        }
        if !self.out_of_order {
            self.walk.step(at, side);
        }
        let delta = at.timestamp().wrapping_sub(before);
        put_varint(&mut self.packed, ((delta << 1) ^ (delta >> 63)) as u64);
        let customer = u64::from(side == Side::Customer);
        put_varint(
            &mut self.packed,
            (u64::from(at.timestamp_subsec_nanos()) << 1) | customer,
        );
        self.last = Some(at);
    }

    /// The walk over the timeline in time order (a stable sort: equal times keep the
    /// order they came in, as [`ChatStats::of`] walks them).
    fn finish(self) -> Walk {
        if !self.out_of_order {
            return self.walk;
        }
        let mut entries: Vec<(DateTime<Utc>, Side)> = Vec::new();
        let mut bytes = self.packed.iter().copied();
        let mut secs: i64 = 0;
        while let (Some(zz), Some(low)) = (get_varint(&mut bytes), get_varint(&mut bytes)) {
            let delta = ((zz >> 1) as i64) ^ -((zz & 1) as i64);
            secs = secs.wrapping_add(delta);
            let side = match low & 1 {
                1 => Side::Customer,
                _ => Side::Technician,
            };
            if let Some(at) = DateTime::from_timestamp(secs, (low >> 1) as u32) {
                entries.push((at, side));
            }
        }
        entries.sort_by_key(|(at, _)| *at);
        let mut walk = Walk::default();
        for (at, side) in entries {
            walk.step(at, side);
        }
        walk
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &mut impl Iterator<Item = u8>) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = bytes.next()?;
        v |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(v);
        }
    }
    None
}

/// Who a tally belongs to: the expert and the customer are one person each; anyone
/// else is told apart by their normalised name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Expert,
    Customer,
    Name(String),
}

/// Lower case, whitespace runs collapsed: "Ravi  PATEL" and "ravi patel" are one.
fn norm(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `messages`: each with how many messages it stands for (one, or a count kept by
/// [`ChatStatsBuilder`]).
fn tallies<'m>(
    session: Option<&Session>,
    messages: impl Iterator<Item = (&'m Message, usize)>,
) -> Vec<Tally> {
    let mut out: Vec<Tally> = Vec::new();
    let mut by_key: HashMap<Key, usize> = HashMap::new();
    // Each spelling is normalised once; runs by one writer skip even the lookup.
    let mut by_who: HashMap<(&str, Speaker), usize> = HashMap::new();
    let mut last: Option<(&str, Speaker, usize)> = None;
    for (m, n) in messages.filter(|(m, _)| m.speaker != Speaker::System) {
        let slot = match last {
            Some((who, speaker, slot)) if who == &*m.who && speaker == m.speaker => slot,
            _ => {
                let slot = *by_who.entry((&*m.who, m.speaker)).or_insert_with(|| {
                    let key = match m.speaker {
                        Speaker::Expert => Key::Expert,
                        Speaker::Customer => Key::Customer,
                        _ => Key::Name(norm(&m.who)),
                    };
                    *by_key.entry(key).or_insert_with(|| {
                        out.push(Tally {
                            name: m.who.to_string(),
                            speaker: m.speaker,
                            count: 0,
                        });
                        out.len() - 1
                    })
                });
                last = Some((&*m.who, m.speaker, slot));
                slot
            }
        };
        if let Some(t) = out.get_mut(slot) {
            t.count += n;
        }
    }
    // The session's own spelling of its expert and customer, when it has one.
    let named = |name: &Option<String>, email: &Option<String>| {
        [name, email]
            .into_iter()
            .flatten()
            .map(|n| line(n))
            .find(|n| !n.is_empty())
    };
    for t in &mut out {
        let better = match (t.speaker, session) {
            (Speaker::Expert, Some(s)) => named(&s.expert_name, &s.expert_email),
            (Speaker::Customer, Some(s)) => named(&s.customer_name, &s.customer_email),
            _ => None,
        };
        if let Some(name) = better {
            t.name = name;
        }
    }
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
            .then_with(|| a.name.cmp(&b.name))
    });
    out
}

impl ChatStats {
    /// Reads `messages` (speakers already classified against `session`, which only
    /// lends the expert's and customer's names).
    pub fn of(session: Option<&Session>, messages: &[Message]) -> Self {
        // One pass over the (large) messages into a compact timeline, sorted only
        // when the transcript is out of order.
        let mut timeline: Vec<(DateTime<Utc>, Side)> = messages
            .iter()
            .filter_map(|m| Some((m.time?, side(m.speaker)?)))
            .collect();
        if !timeline.is_sorted_by_key(|(at, _)| *at) {
            timeline.sort_by_key(|(at, _)| *at);
        }
        let mut walk = Walk::default();
        for (at, side) in timeline {
            walk.step(at, side);
        }
        ChatStats {
            tallies: tallies(session, messages.iter().map(|m| (m, 1))),
            customer_messages: walk.customer_messages,
            first_response: walk.first_response,
            longest_wait: walk.longest_wait,
            unanswered: walk.unanswered,
            open_since: walk.open_since,
        }
    }
}

impl Metrics {
    /// The session's spans (running to `now` while it is live) with the chat's stats.
    pub fn new(session: &Session, chat: &ChatStats, now: DateTime<Utc>) -> Self {
        let live = matches!(session.status, Some(Status::Active | Status::Waiting))
            && session.ended_at.is_none();
        let until = |from: Option<&crate::api::Timestamp>| match live {
            true => from
                .and_then(|f| f.at)
                .map(|at| now - at)
                .filter(|d| *d >= TimeDelta::zero()),
            false => between(from, session.ended_at.as_ref()),
        };
        let asked = chat.customer_messages > 0;
        Metrics {
            customer_waited: between(
                session.started_at.as_ref(),
                session.customer_joined_at.as_ref(),
            ),
            after_join: until(session.customer_joined_at.as_ref()),
            total: until(session.started_at.as_ref()),
            live,
            messages: chat.tallies.clone(),
            customer_messages: chat.customer_messages,
            first_response: chat.first_response.filter(|_| asked),
            longest_wait: chat.longest_wait.filter(|_| asked),
            unanswered: asked.then_some(chat.unanswered),
            waiting_now: chat
                .open_since
                .filter(|_| live && asked)
                .map(|since| now - since)
                .filter(|d| *d >= TimeDelta::zero()),
        }
    }
}

impl Metrics {
    /// True when the customer joined or anyone wrote. Otherwise (a session waiting,
    /// abandoned, or without a chat and a join) the section would only repeat the
    /// "lasted" or "running for" span the session's own fields already show, so
    /// `print` and the session pane leave it out.
    pub fn worth_a_section(&self) -> bool {
        self.after_join.is_some() || self.customer_waited.is_some() || !self.messages.is_empty()
    }
}

/// [`ChatStats::of`] read a message at a time, for `print` writing a transcript as it
/// streams: it keeps about two bytes a message (see [`Timeline`]) and one message per
/// participant, not the messages.
#[derive(Debug, Default)]
pub struct ChatStatsBuilder {
    timeline: Timeline,
    /// One message per participant spelling and speaker, with its count, in order of
    /// first appearance.
    people: Vec<(Message, usize)>,
    /// Looked up once a message (foldhash: see `transcript::Names`).
    index: HashMap<(super::transcript::Name, Speaker), usize, foldhash::fast::RandomState>,
}

impl ChatStatsBuilder {
    pub fn add(&mut self, m: &Message) {
        self.add_head(m.time, m.speaker, &m.who);
    }

    /// [`ChatStatsBuilder::add`] from the parts of a message the figures read.
    pub fn add_head(
        &mut self,
        time: Option<DateTime<Utc>>,
        speaker: Speaker,
        who: &super::transcript::Name,
    ) {
        if let (Some(at), Some(side)) = (time, side(speaker)) {
            self.timeline.push(at, side);
        }
        if speaker == Speaker::System {
            return;
        }
        let next = self.people.len();
        let i = *self.index.entry((who.clone(), speaker)).or_insert(next);
        match self.people.get_mut(i) {
            Some((_, n)) => *n += 1,
            None => self.people.push((Message::of_who(who.clone(), speaker), 1)),
        }
    }

    pub fn finish(self, session: Option<&Session>) -> ChatStats {
        let walk = self.timeline.finish();
        ChatStats {
            tallies: tallies(session, self.people.iter().map(|(m, n)| (m, *n))),
            customer_messages: walk.customer_messages,
            first_response: walk.first_response,
            longest_wait: walk.longest_wait,
            unanswered: walk.unanswered,
            open_since: walk.open_since,
        }
    }
}

/// [`ChatStats::of`] and [`Metrics::new`] in one go.
pub fn metrics(session: &Session, messages: &[Message], now: DateTime<Utc>) -> Metrics {
    Metrics::new(session, &ChatStats::of(Some(session), messages), now)
}

/// "Max Mustermann 3, Jane Doe 2": the first [`NAMED`] participants, then the rest
/// summed up.
fn tally_text(tallies: &[Tally]) -> String {
    let mut parts: Vec<String> = tallies
        .iter()
        .take(NAMED)
        .map(|t| format!("{} {}", t.name, super::grouped(t.count as u64)))
        .collect();
    let rest = tallies.get(NAMED..).unwrap_or_default();
    if !rest.is_empty() {
        let count: usize = rest.iter().map(|t| t.count).sum();
        let noun = if count == 1 { "message" } else { "messages" };
        parts.push(format!("{} more with {count} {noun}", rest.len()));
    }
    parts.join(", ")
}

/// The metrics as labelled values, absent ones left out. Each span says which span
/// it is ("start to join"), and a live one that it is still growing ("so far").
pub fn fields(m: &Metrics) -> Vec<Field> {
    let text = |label, v: String| Field::new(label, Value::Text(v), Role::Plain);
    let end = if m.live { "now" } else { "end" };
    let so_far = if m.live { " so far" } else { "" };
    let mut out = Vec::new();
    if let Some(d) = m.customer_waited {
        out.push(text(
            label::CUSTOMER_WAITED,
            format!("{} (start to join)", duration(d)),
        ));
    }
    if let Some(d) = m.after_join {
        out.push(text(
            label::RAN_AFTER_JOIN,
            format!("{}{so_far} (join to {end})", duration(d)),
        ));
    }
    if let Some(d) = m.total {
        out.push(text(
            label::TOTAL_LENGTH,
            format!("{}{so_far} (start to {end})", duration(d)),
        ));
    }
    if !m.messages.is_empty() {
        out.push(text(label::MESSAGES, tally_text(&m.messages)));
    }
    if m.customer_messages > 0 {
        let first = match m.first_response {
            Some(d) => duration(d),
            None if m.live => "not answered yet".to_string(),
            None => "not answered".to_string(),
        };
        out.push(text(label::FIRST_RESPONSE, first));
        if let Some(d) = m.longest_wait {
            out.push(text(label::LONGEST_WAIT, duration(d)));
        }
    }
    if let Some(n) = m.unanswered {
        let v = match m.waiting_now {
            Some(d) if n > 0 => format!("{n}, the oldest waiting {}", duration(d)),
            _ => n.to_string(),
        };
        out.push(text(label::UNANSWERED, v));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Timestamp;

    const T0: &str = "2026-11-20T14:00:00Z";

    fn at(secs: i64) -> DateTime<Utc> {
        crate::api::model::parse_time(T0).unwrap_or_default() + TimeDelta::seconds(secs)
    }

    fn stamp(secs: i64) -> Option<Timestamp> {
        Some(Timestamp {
            raw: Default::default(),
            at: Some(at(secs)),
        })
    }

    fn d(n: i64) -> Option<TimeDelta> {
        Some(TimeDelta::seconds(n))
    }

    fn session(status: Status) -> Session {
        Session {
            status: Some(status),
            expert_name: Some("Dana Whitfield".into()),
            customer_name: Some("Tomás Alvarez".into()),
            started_at: stamp(0),
            customer_joined_at: stamp(120),
            ended_at: stamp(3_000),
            ..Default::default()
        }
    }

    /// A message at `secs` after T0 (`None`: no timestamp) from `who` as `speaker`.
    fn msg(secs: Option<i64>, who: &str, speaker: Speaker) -> Message {
        Message {
            time: secs.map(at),
            raw_time: None,
            hms: Default::default(),
            day: None,
            opens_day: false,
            who: who.into(),
            text: "…".into(),
            speaker,
        }
    }

    fn cust(secs: i64) -> Message {
        msg(Some(secs), "Tomás Alvarez", Speaker::Customer)
    }

    fn tech(secs: i64) -> Message {
        msg(Some(secs), "Dana Whitfield", Speaker::Expert)
    }

    fn sys(secs: i64) -> Message {
        msg(Some(secs), "", Speaker::System)
    }

    fn of(status: Status, msgs: &[Message]) -> Metrics {
        metrics(&session(status), msgs, at(4_000))
    }

    fn value(m: &Metrics, label: &str) -> Option<String> {
        fields(m)
            .into_iter()
            .find(|f| f.label == label)
            .map(|f| f.value.lines().concat())
    }

    /// The builder (streamed, its timeline packed) reads what [`ChatStats::of`] reads,
    /// in order, out of order (walked sorted), with equal times, sub-second times,
    /// times before 1970 and messages without a time.
    #[test]
    fn the_streamed_figures_equal_the_whole_ones() {
        let nanos = |m: Message, n: u32| Message {
            time: m.time.map(|t| t + TimeDelta::nanoseconds(n.into())),
            ..m
        };
        let orders: Vec<Vec<Message>> = vec![
            vec![
                cust(130),
                tech(160),
                cust(200),
                cust(230),
                tech(320),
                cust(400),
            ],
            vec![
                cust(200),
                tech(160),
                cust(130),
                tech(320),
                cust(230),
                cust(400),
            ],
            vec![
                cust(100),
                tech(100),
                cust(100),
                tech(90),
                msg(None, "x", Speaker::Customer),
            ],
            vec![
                nanos(cust(10), 999_999_999),
                tech(10),
                nanos(tech(10), 1),
                cust(-2_000_000_000),
            ],
            (0..5_000)
                .map(|i| match i % 3 {
                    0 => cust((i * 7919) % 3_001),
                    _ => tech((i * 104_729) % 3_001 - 1_500),
                })
                .collect(),
        ];
        for msgs in orders {
            let mut b = ChatStatsBuilder::default();
            for m in &msgs {
                b.add(m);
            }
            let whole = ChatStats::of(None, &msgs);
            assert_eq!(b.finish(None), whole, "{msgs:?}");
        }
    }

    #[test]
    fn an_ordinary_chat() {
        let m = of(
            Status::Complete,
            &[
                sys(120),
                cust(130),
                tech(160), // first response 30s
                cust(200), // a run of two: waits from 200
                cust(230), //
                tech(320), // 120s
                tech(330), //
                cust(400), // last, unanswered
            ],
        );
        assert_eq!(m.customer_waited, d(120));
        assert_eq!(m.after_join, d(2_880));
        assert_eq!(m.total, d(3_000));
        assert!(!m.live);
        assert!(m.worth_a_section());
        assert_eq!(m.customer_messages, 4);
        assert_eq!(m.first_response, d(30));
        assert_eq!(m.longest_wait, d(120));
        assert_eq!(m.unanswered, Some(1));
        assert_eq!(m.waiting_now, None, "a finished session has no clock");
        let labels: Vec<&str> = fields(&m).iter().map(|f| f.label).collect();
        assert_eq!(
            labels,
            [
                "Customer waited",
                "Ran after join",
                "Total length",
                "Messages",
                "First response",
                "Longest wait for an answer",
                "Unanswered messages",
            ]
        );
        assert_eq!(
            value(&m, label::CUSTOMER_WAITED).as_deref(),
            Some("2m 00s (start to join)")
        );
        assert_eq!(
            value(&m, label::RAN_AFTER_JOIN).as_deref(),
            Some("48m 00s (join to end)")
        );
        assert_eq!(
            value(&m, label::TOTAL_LENGTH).as_deref(),
            Some("50m 00s (start to end)")
        );
        assert_eq!(
            value(&m, label::MESSAGES).as_deref(),
            Some("Tomás Alvarez 4, Dana Whitfield 3")
        );
        assert_eq!(value(&m, label::FIRST_RESPONSE).as_deref(), Some("30s"));
        assert_eq!(value(&m, label::LONGEST_WAIT).as_deref(), Some("2m 00s"));
        assert_eq!(value(&m, label::UNANSWERED).as_deref(), Some("1"));
    }

    #[test]
    fn no_customer_message_leaves_the_response_metrics_absent() {
        let m = of(Status::Complete, &[sys(10), tech(20), tech(30)]);
        assert_eq!(m.customer_messages, 0);
        assert_eq!(m.first_response, None);
        assert_eq!(m.longest_wait, None);
        assert_eq!(m.unanswered, None, "absent, not zero");
        for l in [
            label::FIRST_RESPONSE,
            label::LONGEST_WAIT,
            label::UNANSWERED,
        ] {
            assert_eq!(value(&m, l), None, "{l}");
        }
        assert_eq!(
            value(&m, label::MESSAGES).as_deref(),
            Some("Dana Whitfield 2")
        );
    }

    #[test]
    fn a_customer_who_never_joined() {
        let mut s = session(Status::Abandoned);
        s.customer_joined_at = None;
        let m = metrics(&s, &[sys(10), tech(20)], at(4_000));
        assert_eq!(m.customer_waited, None);
        assert_eq!(m.after_join, None);
        assert_eq!(m.total, d(3_000));
        assert_eq!(value(&m, label::CUSTOMER_WAITED), None);
        assert_eq!(value(&m, label::RAN_AFTER_JOIN), None);
        // Its total is said by the session's own fields: no section for it alone.
        assert!(!metrics(&s, &[sys(10)], at(4_000)).worth_a_section());
        assert!(metrics(&s, &[cust(130)], at(4_000)).worth_a_section());
        // Nor anything at all without times or messages.
        assert!(fields(&metrics(&Session::default(), &[], at(0))).is_empty());
    }

    #[test]
    fn messages_out_of_order_are_read_in_time_order() {
        // Sent as: tech 160, cust 130, tech 320, cust 200, cust 230.
        let m = of(
            Status::Complete,
            &[tech(160), cust(130), tech(320), cust(230), cust(200)],
        );
        assert_eq!(m.first_response, d(30));
        assert_eq!(m.longest_wait, d(120), "from the first of the run, at 200");
        assert_eq!(m.unanswered, Some(0));
        // A technician line that the log put before the question is no answer to it.
        let m = of(Status::Complete, &[tech(500), cust(400)]);
        assert_eq!(m.first_response, d(100));
        let m = of(Status::Complete, &[cust(400), tech(300)]);
        assert_eq!(m.first_response, None);
        assert_eq!(m.longest_wait, None);
        assert_eq!(m.unanswered, Some(1));
        assert_eq!(
            value(&m, label::FIRST_RESPONSE).as_deref(),
            Some("not answered")
        );
        assert_eq!(value(&m, label::LONGEST_WAIT), None);
    }

    #[test]
    fn never_a_negative_duration() {
        // The session's own times in the wrong order: no span, not a negative one.
        let mut s = session(Status::Complete);
        s.customer_joined_at = stamp(-60);
        s.ended_at = stamp(-120);
        let m = metrics(&s, &[tech(-10), cust(-20), tech(-30)], at(4_000));
        assert_eq!(m.customer_waited, None);
        assert_eq!(m.after_join, None);
        assert_eq!(m.total, None);
        assert_eq!(m.first_response, d(10));
        // A live session whose start is in the future by this machine's clock.
        let mut live = session(Status::Active);
        live.ended_at = None;
        let m = metrics(&live, &[cust(50)], at(-5));
        assert_eq!(m.total, None);
        assert_eq!(m.after_join, None);
        assert_eq!(m.waiting_now, None);
        for f in fields(&m) {
            assert!(!f.value.lines().concat().contains('-'), "{f:?}");
        }
    }

    #[test]
    fn one_participant_only() {
        let m = of(Status::Complete, &[cust(10), cust(20), cust(30)]);
        assert_eq!(m.customer_messages, 3);
        assert_eq!(m.first_response, None);
        assert_eq!(m.longest_wait, None);
        assert_eq!(m.unanswered, Some(3));
        assert_eq!(
            value(&m, label::MESSAGES).as_deref(),
            Some("Tomás Alvarez 3")
        );
        let m = of(Status::Complete, &[tech(10), tech(20)]);
        assert_eq!(m.unanswered, None);
        assert_eq!(m.messages.len(), 1);
    }

    #[test]
    fn messages_without_timestamps_count_but_are_not_timed() {
        let m = of(
            Status::Complete,
            &[
                msg(None, "Tomás Alvarez", Speaker::Customer),
                cust(100),
                msg(None, "Dana Whitfield", Speaker::Expert),
                tech(150),
            ],
        );
        assert_eq!(m.customer_messages, 1);
        assert_eq!(m.first_response, d(50));
        assert_eq!(m.unanswered, Some(0));
        assert_eq!(
            value(&m, label::MESSAGES).as_deref(),
            Some("Dana Whitfield 2, Tomás Alvarez 2")
        );
        // None timed at all: counted, nothing timed.
        let m = of(
            Status::Complete,
            &[msg(None, "Tomás Alvarez", Speaker::Customer)],
        );
        assert_eq!(m.customer_messages, 0);
        assert_eq!(m.unanswered, None);
        assert_eq!(m.messages.len(), 1);
    }

    #[test]
    fn system_lines_in_between_are_ignored() {
        let m = of(
            Status::Complete,
            &[cust(100), sys(110), sys(120), tech(190), sys(200)],
        );
        assert_eq!(m.first_response, d(90));
        assert_eq!(m.unanswered, Some(0));
        assert!(m.messages.iter().all(|t| t.speaker != Speaker::System));
        let total: usize = m.messages.iter().map(|t| t.count).sum();
        assert_eq!(total, 2);
    }

    #[test]
    fn people_the_session_does_not_name_neither_ask_nor_answer() {
        let other = |t| msg(Some(t), "Mallory", Speaker::Other);
        let m = of(
            Status::Complete,
            &[other(50), cust(100), other(110), tech(130)],
        );
        assert_eq!(m.first_response, d(30));
        assert_eq!(m.customer_messages, 1);
        assert_eq!(
            value(&m, label::MESSAGES).as_deref(),
            Some("Mallory 2, Dana Whitfield 1, Tomás Alvarez 1")
        );
    }

    #[test]
    fn participants_ordered_by_count_then_name_and_spellings_merged() {
        let m = of(
            Status::Complete,
            &[
                msg(Some(1), "dana whitfield", Speaker::Expert),
                msg(Some(2), "Dana Whitfield <dana@x.example>", Speaker::Expert),
                msg(Some(3), "Ravi Patel", Speaker::Collaborator),
                msg(Some(4), "ravi  PATEL", Speaker::Collaborator),
                msg(Some(5), "Bob", Speaker::Collaborator),
                msg(Some(6), "bob", Speaker::Collaborator),
                msg(Some(7), "T. A.", Speaker::Customer),
            ],
        );
        let got: Vec<(&str, usize)> = m
            .messages
            .iter()
            .map(|t| (t.name.as_str(), t.count))
            .collect();
        // The expert and the customer carry the session's spelling of their name.
        assert_eq!(
            got,
            [
                ("Bob", 2),
                ("Dana Whitfield", 2),
                ("Ravi Patel", 2),
                ("Tomás Alvarez", 1)
            ]
        );
    }

    #[test]
    fn many_participants_are_summed_up() {
        let msgs: Vec<Message> = (0..11)
            .map(|i| msg(Some(i), &format!("P{i:02}"), Speaker::Other))
            .collect();
        let m = of(Status::Complete, &msgs);
        assert_eq!(
            value(&m, label::MESSAGES).as_deref(),
            Some("P00 1, P01 1, P02 1, P03 1, P04 1, P05 1, P06 1, P07 1, 3 more with 3 messages")
        );
    }

    #[test]
    fn a_live_session_runs_to_now_and_says_so() {
        let mut s = session(Status::Active);
        s.ended_at = None;
        let msgs = [cust(130), tech(160), cust(3_800), cust(3_900)];
        let m = metrics(&s, &msgs, at(4_000));
        assert!(m.live);
        assert_eq!(m.after_join, d(3_880));
        assert_eq!(m.total, d(4_000));
        assert_eq!(m.longest_wait, d(30), "the open wait is not folded in");
        assert_eq!(m.unanswered, Some(2));
        assert_eq!(m.waiting_now, d(200), "from the oldest unanswered");
        assert_eq!(
            value(&m, label::RAN_AFTER_JOIN).as_deref(),
            Some("1h 04m so far (join to now)")
        );
        assert_eq!(
            value(&m, label::TOTAL_LENGTH).as_deref(),
            Some("1h 06m so far (start to now)")
        );
        assert_eq!(
            value(&m, label::UNANSWERED).as_deref(),
            Some("2, the oldest waiting 3m 20s")
        );
        // Nobody has answered yet.
        let m = metrics(&s, &[cust(3_900)], at(4_000));
        assert_eq!(
            value(&m, label::FIRST_RESPONSE).as_deref(),
            Some("not answered yet")
        );
        // A live session with nothing waiting says just the count.
        let m = metrics(&s, &[cust(3_900), tech(3_950)], at(4_000));
        assert_eq!(value(&m, label::UNANSWERED).as_deref(), Some("0"));
    }

    #[test]
    fn the_chat_half_does_not_need_the_clock() {
        let msgs = [cust(130), tech(160)];
        let chat = ChatStats::of(None, &msgs);
        let s = session(Status::Complete);
        assert_eq!(
            Metrics::new(&s, &chat, at(0)),
            Metrics::new(&s, &chat, at(9_999))
        );
        assert_eq!(Metrics::new(&s, &chat, at(0)), metrics(&s, &msgs, at(0)));
    }
}

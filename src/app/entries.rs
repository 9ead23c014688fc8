//! The transcript's messages as the viewer holds them (issue 11): 24 bytes of head per
//! message (time, who, speaker, whether it opens a day) in one vector, participant
//! names once each, and the text in compressed chunks ([`Texts`]). A message is put
//! together as an [`Entry`] only when it is read (a frame's visible rows, a copy, a
//! search hit); its clock and day are worked out then, in the zone held here.
//!
//! [`Entry`] (`present::transcript::Message`) stays the one type that `print`, the
//! metrics and the drawing read: this module only changes how the viewer keeps many.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, Utc};

use super::texts::{Text, Texts};
use crate::api::Session;
use crate::present::transcript::{Clock, Message as Entry, Name, People, Speaker};
use crate::timefmt::{Days, Zone};

#[derive(Debug, Clone, Copy)]
struct Head {
    time: Option<DateTime<Utc>>,
    /// Index into `Entries::names`.
    who: u32,
    speaker: Speaker,
    opens_day: bool,
}

/// Messages by index, appended in order.
#[derive(Debug, Default)]
pub struct Entries {
    /// Shared with an export's snapshot until either changes (copy on write): a
    /// million heads are 24 MB, too much to copy on the key press.
    heads: Arc<Vec<Head>>,
    names: Vec<Name>,
    name_index: HashMap<Name, u32>,
    /// The sanitised timestamp of the rare message whose time did not parse.
    raw_times: BTreeMap<usize, Box<str>>,
    texts: Texts,
    zone: Zone,
}

impl Entries {
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heads.is_empty()
    }

    pub fn zone(&self) -> Zone {
        self.zone
    }

    /// Message `i`, put together.
    pub fn get(&self, i: usize) -> Option<Entry> {
        let h = self.heads.get(i)?;
        let (hms, day) = h.time.map(|t| Clock::with_day(self.zone, t)).unzip();
        Some(Entry {
            time: h.time,
            raw_time: self.raw_times.get(&i).cloned(),
            hms: hms.unwrap_or_default(),
            day,
            opens_day: h.opens_day,
            who: self.who(i).clone(),
            text: self.text(i).as_deref().unwrap_or_default().into(),
            speaker: h.speaker,
        })
    }

    /// Every message in order, put together one at a time.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Entry> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// Message `i`'s text, without the rest.
    pub fn text(&self, i: usize) -> Option<Text<'_>> {
        self.texts.get(i)
    }

    /// Message `i`'s participant (empty when it has none or `i` is out of range).
    pub fn who(&self, i: usize) -> &Name {
        static NOBODY: std::sync::OnceLock<Name> = std::sync::OnceLock::new();
        self.heads
            .get(i)
            .and_then(|h| self.names.get(h.who as usize))
            .unwrap_or_else(|| NOBODY.get_or_init(|| Arc::from("")))
    }

    pub fn speaker(&self, i: usize) -> Option<Speaker> {
        self.heads.get(i).map(|h| h.speaker)
    }

    pub fn time(&self, i: usize) -> Option<DateTime<Utc>> {
        self.heads.get(i).and_then(|h| h.time)
    }

    /// Message `i`'s day in the zone, when its time parsed.
    pub fn day(&self, i: usize) -> Option<NaiveDate> {
        self.time(i).map(|t| self.zone.day(t))
    }

    pub fn opens_day(&self, i: usize) -> bool {
        self.heads.get(i).is_some_and(|h| h.opens_day)
    }

    /// The speakers in order (what a filter or the metrics need, without the text).
    pub fn speakers(&self) -> impl Iterator<Item = Speaker> + '_ {
        self.heads.iter().map(|h| h.speaker)
    }

    /// Whether message `i` is `m` (its time, raw time, participant and text): how a
    /// transcript fetched again is told to continue the one held.
    pub fn same(&self, i: usize, m: &Entry) -> bool {
        let Some(h) = self.heads.get(i) else {
            return false;
        };
        h.time == m.time
            && self.raw_times.get(&i) == m.raw_time.as_ref()
            && **self.who(i) == *m.who
            && self.text(i).as_deref() == Some(&*m.text)
    }

    /// Adds prepared messages after the ones held; the day a message opens is worked
    /// out against the last dated one held.
    pub fn extend(&mut self, messages: impl IntoIterator<Item = Entry>) {
        let mut last = self.last_day();
        let mut days = Days::new(self.zone);
        for m in messages {
            let i = self.heads.len();
            let day = m.time.map(|t| days.day(t));
            let who = self.intern(m.who);
            if let Some(raw) = m.raw_time {
                self.raw_times.insert(i, raw);
            }
            self.texts.push(&m.text);
            Arc::make_mut(&mut self.heads).push(Head {
                time: m.time,
                who,
                speaker: m.speaker,
                opens_day: day.is_some() && day != last,
            });
            last = day.or(last);
        }
    }

    /// Keeps the first `n` messages.
    pub fn truncate(&mut self, n: usize) {
        Arc::make_mut(&mut self.heads).truncate(n);
        self.texts.truncate(n);
        self.raw_times.split_off(&n);
    }

    pub fn clear(&mut self) {
        let zone = self.zone;
        *self = Entries {
            zone,
            ..Entries::default()
        };
    }

    /// Times and date lines in another zone.
    pub fn rezone(&mut self, zone: Zone) {
        self.zone = zone;
        let mut last = None;
        let mut days = Days::new(zone);
        for h in Arc::make_mut(&mut self.heads).iter_mut() {
            let day = h.time.map(|t| days.day(t));
            h.opens_day = day.is_some() && day != last;
            last = day.or(last);
        }
    }

    /// Decides every message's speaker against `session`, as
    /// `present::transcript::classify` does: each participant matched once, the text
    /// read only where it decides (a technician's possible system line).
    pub fn classify(&mut self, session: Option<&Session>) {
        let people = People::new(session);
        let mut seen: HashMap<u32, Speaker> = HashMap::new();
        for (i, head) in Arc::make_mut(&mut self.heads).iter_mut().enumerate() {
            let who = head.who;
            let person = *seen.entry(who).or_insert_with(|| {
                let name = self.names.get(who as usize).map_or("", |n| &**n);
                people.person_or_system(name)
            });
            head.speaker = people.speaker_by(person, || self.texts.get(i));
        }
    }

    /// Uses `zone` from now on (the date lines worked out again if it changed).
    pub fn use_zone(&mut self, zone: Zone) {
        if zone != self.zone {
            self.rezone(zone);
        }
    }

    fn last_day(&self) -> Option<NaiveDate> {
        self.heads
            .iter()
            .rev()
            .find_map(|h| h.time)
            .map(|t| self.zone.day(t))
    }

    fn intern(&mut self, who: Name) -> u32 {
        if let Some(&n) = self.name_index.get(&who) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(who.clone());
        self.name_index.insert(who, n);
        n
    }

    /// A copy to read on another thread (an export): the heads and the compressed text
    /// are shared, not copied.
    pub fn snapshot(&self) -> Entries {
        Entries {
            heads: self.heads.clone(),
            names: self.names.clone(),
            name_index: self.name_index.clone(),
            raw_times: self.raw_times.clone(),
            texts: self.texts.snapshot(),
            zone: self.zone,
        }
    }

    /// Bytes held for the messages (heads, names, text), for the benchmarks.
    pub fn held_bytes(&self) -> usize {
        self.heads.capacity() * std::mem::size_of::<Head>()
            + self.names.iter().map(|n| n.len() + 16).sum::<usize>() * 2
            + self.texts.held_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Event, Timestamp};
    use crate::present::transcript::messages;

    fn events(n: usize) -> Vec<Event> {
        (0..n)
            .map(|i| Event {
                time: Some(Timestamp::parse(&match i % 97 {
                    13 => "yesterday-ish".to_string(),
                    _ => format!(
                        "2026-11-{:02}T{:02}:{:02}:00Z",
                        20 + i / 5000,
                        (i / 60) % 24,
                        i % 60
                    ),
                })),
                participant: Some(["Dana Whitfield", "Morgan Lee", "", "Sam"][i % 4].into()),
                content: match i % 11 {
                    3 => "Dana Whitfield joined the session".into(),
                    5 => format!("打印机 {i}\n\u{1b}[31mred\u{7}"),
                    _ => format!("message {i} {}", "lorem ".repeat(i % 40)),
                },
            })
            .collect()
    }

    fn session() -> Session {
        Session {
            expert_name: Some("Dana Whitfield".into()),
            customer_name: Some("Morgan Lee".into()),
            ..Session::default()
        }
    }

    #[test]
    fn every_message_reads_back_as_prepared() {
        let evs = events(12_000);
        for zone in [Zone::Utc, Zone::Local] {
            let want = messages(&evs, zone, Some(&session()));
            let mut e = Entries::default();
            e.use_zone(zone);
            // In batches, as a streaming transcript arrives.
            for part in evs.chunks(4096) {
                e.extend(messages(part, zone, Some(&session())));
            }
            assert_eq!(e.len(), want.len());
            let got: Vec<Entry> = e.iter().collect();
            assert_eq!(got, want);
            assert!(e.held_bytes() < want.iter().map(|m| m.text.len() + 80).sum::<usize>() / 2);
        }
    }

    #[test]
    fn speakers_and_days_follow_the_session_and_the_zone() {
        let evs = events(3_000);
        let mut e = Entries::default();
        e.use_zone(Zone::Utc);
        e.extend(messages(&evs, Zone::Utc, None));
        e.classify(Some(&session()));
        let want = messages(&evs, Zone::Utc, Some(&session()));
        assert!(e.speakers().eq(want.iter().map(|m| m.speaker)));
        assert!(want
            .iter()
            .any(|m| m.speaker == Speaker::System && !m.who.is_empty()));
        e.classify(None);
        let unknown = messages(&evs, Zone::Utc, None);
        assert!(e.speakers().eq(unknown.iter().map(|m| m.speaker)));
        e.rezone(Zone::Local);
        let local = messages(&evs, Zone::Local, None);
        assert_eq!(e.iter().collect::<Vec<_>>(), local);
    }

    /// An export reads a snapshot on another thread while a live transcript goes on
    /// growing, is cut back or reclassified: the snapshot keeps what it was given.
    #[test]
    fn a_snapshot_keeps_what_it_was_given() {
        let evs = events(20_000);
        let want = messages(&evs, Zone::Utc, None);
        let mut e = Entries::default();
        e.use_zone(Zone::Utc);
        e.extend(want[..10_000].iter().cloned());
        let snap = e.snapshot();
        e.extend(want[10_000..].iter().cloned());
        e.classify(Some(&session()));
        e.rezone(Zone::Local);
        assert_eq!(snap.iter().collect::<Vec<_>>(), want[..10_000]);
        e.truncate(10);
        assert_eq!(snap.len(), 10_000);
        assert_eq!(snap.iter().collect::<Vec<_>>(), want[..10_000]);
        let later = e.snapshot();
        e.clear();
        assert_eq!(later.len(), 10);
    }

    #[test]
    fn truncating_drops_the_tail_and_its_raw_times() {
        let evs = events(5_000);
        let want = messages(&evs, Zone::Utc, None);
        let mut e = Entries::default();
        e.use_zone(Zone::Utc);
        e.extend(want.clone());
        e.truncate(1_000);
        assert_eq!(e.iter().collect::<Vec<_>>(), want[..1_000]);
        e.extend(want[1_000..].iter().cloned());
        assert_eq!(e.iter().collect::<Vec<_>>(), want);
        assert!(e.same(4_999, &want[4_999]));
        assert!(!e.same(4_998, &want[4_999]));
        assert!(e.get(5_000).is_none());
        assert_eq!(&**e.who(5_000), "");
    }
}

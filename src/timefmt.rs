//! Times and durations as technicians read them, shared by `print` and the viewer.

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, TimeDelta, TimeZone, Utc};

use crate::api::{Session, Status, Timestamp};
use crate::sanitize::sanitize_line;

/// Which zone times are shown in: the local one by default, UTC with `--utc`.
///
/// Every path here is total: a time chrono can hold may still not fit once shifted
/// into the local zone (`+262142-12-31T23:59:59Z` is chrono's last second, and one
/// hour east of UTC it is past it; `DateTime::with_timezone(&Local)` then panics when
/// formatted). Such a time is shown in UTC by the functions that only have the parsed
/// time, and as the server sent it by [`Zone::stamp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Zone {
    #[default]
    Local,
    Utc,
}

impl Zone {
    pub fn date_time(self, t: DateTime<Utc>) -> String {
        self.format(t, "%Y-%m-%d %H:%M:%S")
    }

    pub fn date(self, t: DateTime<Utc>) -> String {
        self.format(t, "%Y-%m-%d %a")
    }

    pub fn time(self, t: DateTime<Utc>) -> String {
        self.format(t, "%H:%M:%S")
    }

    /// `HH:MM:SS` here as eight ASCII bytes: what [`Zone::time`] writes, without
    /// an allocation (a transcript holds one per message).
    pub fn hms(self, t: DateTime<Utc>) -> [u8; 8] {
        self.hms_and_day(t).0
    }

    /// [`Zone::hms`] and [`Zone::day`] from one look-up of the zone's offset (each
    /// costs one, and a transcript asks both of every message).
    pub fn hms_and_day(self, t: DateTime<Utc>) -> ([u8; 8], NaiveDate) {
        use chrono::Timelike;
        let wall = self.wall_clock_or_utc(t);
        let two = |n: u32| [b'0' + (n / 10 % 10) as u8, b'0' + (n % 10) as u8];
        let [h0, h1] = two(wall.hour());
        let [m0, m1] = two(wall.minute());
        let [s0, s1] = two(wall.second());
        ([h0, h1, b':', m0, m1, b':', s0, s1], wall.date())
    }

    /// The calendar day a time falls on here, for date separators (the UTC day when
    /// the time cannot be shown in the local zone).
    pub fn day(self, t: DateTime<Utc>) -> NaiveDate {
        self.wall_clock_or_utc(t).date()
    }

    /// How a title names this clock: "UTC", or "local +05:30" (as of `now`).
    pub fn label(self, now: DateTime<Utc>) -> String {
        match self {
            Zone::Utc => "UTC".into(),
            Zone::Local => format!("local {}", self.suffix(now)),
        }
    }

    /// Zone name appended to full times so a reader knows which clock they see.
    pub fn suffix(self, t: DateTime<Utc>) -> String {
        match self.wall_clock(t) {
            Some((_, Some(offset))) => offset_text(offset),
            Some((_, None)) | None => "UTC".into(),
        }
    }

    /// The time on this zone's wall clock and the offset used (`None` for UTC), or
    /// `None` when it falls outside the dates chrono can represent.
    pub fn wall_clock(self, t: DateTime<Utc>) -> Option<(NaiveDateTime, Option<FixedOffset>)> {
        let utc = t.naive_utc();
        match self {
            Zone::Utc => Some((utc, None)),
            Zone::Local => {
                let offset = Local.offset_from_utc_datetime(&utc);
                Some((utc.checked_add_offset(offset)?, Some(offset)))
            }
        }
    }

    fn wall_clock_or_utc(self, t: DateTime<Utc>) -> NaiveDateTime {
        self.wall_clock(t).map_or(t.naive_utc(), |(wall, _)| wall)
    }

    fn format(self, t: DateTime<Utc>, fmt: &str) -> String {
        self.wall_clock_or_utc(t).format(fmt).to_string()
    }

    /// A full timestamp with its zone, or the raw text when it did not parse or cannot
    /// be shown in this zone.
    pub fn stamp(self, ts: &Timestamp) -> String {
        match ts.at.and_then(|t| self.wall_clock(t)) {
            Some((wall, offset)) => {
                let zone = offset.map_or_else(|| "UTC".to_string(), offset_text);
                format!("{} {zone}", wall.format("%Y-%m-%d %H:%M:%S"))
            }
            None => ts.raw.to_string(),
        }
    }
}

/// [`Zone::day`] for many times in a row (a transcript's date lines, a million when the
/// clock is switched): the local offset is looked up at both ends of each quarter hour
/// of UTC a time falls in, and where they agree (everywhere but across a change of
/// offset) the other times in it reuse it, and its date where the quarter lies within
/// one local day (always, but for historical offsets of odd minutes). Looking the
/// offset up costs about 50 ns a time; reusing the date about 2.
#[derive(Debug)]
pub struct Days {
    zone: Zone,
    /// The quarter hour (seconds since the epoch / 900), its offset in seconds, and
    /// its date when every time in it has the same.
    known: Option<(i64, i32, Option<NaiveDate>)>,
}

impl Days {
    const QUARTER: i64 = 900;

    pub fn new(zone: Zone) -> Self {
        Days { zone, known: None }
    }

    pub fn day(&mut self, t: DateTime<Utc>) -> NaiveDate {
        let quarter = t.timestamp().div_euclid(Self::QUARTER);
        let offset = match self.known {
            Some((q, _, Some(day))) if q == quarter => return day,
            Some((q, offset, None)) if q == quarter => Some(offset),
            _ => self.learn(quarter),
        };
        offset
            .and_then(|o| wall(t.timestamp(), o))
            .map_or_else(|| self.zone.day(t), |wall| wall.date())
    }

    /// The offset of `quarter` when it has one throughout, remembered with its date.
    fn learn(&mut self, quarter: i64) -> Option<i32> {
        let zone = self.zone;
        let at = |q: i64| {
            let t = DateTime::from_timestamp(q.checked_mul(Self::QUARTER)?, 0)?;
            Some(match zone {
                Zone::Utc => 0,
                Zone::Local => Local
                    .offset_from_utc_datetime(&t.naive_utc())
                    .local_minus_utc(),
            })
        };
        let offset = match (at(quarter), at(quarter.checked_add(1)?)) {
            (Some(a), Some(b)) if a == b => a,
            _ => return None,
        };
        let start = quarter.checked_mul(Self::QUARTER)?;
        let first = wall(start, offset).map(|w| w.date());
        let last = wall(start + Self::QUARTER - 1, offset).map(|w| w.date());
        let day = first.filter(|_| first == last);
        self.known = Some((quarter, offset, day));
        Some(offset)
    }
}

/// The wall clock `offset` seconds east of UTC at `secs` since the epoch.
fn wall(secs: i64, offset: i32) -> Option<NaiveDateTime> {
    DateTime::from_timestamp(secs, 0)?
        .naive_utc()
        .checked_add_signed(TimeDelta::seconds(offset.into()))
}

/// `+05:45`, `-10:00`: the offset as `%:z` writes it.
fn offset_text(offset: FixedOffset) -> String {
    let secs = offset.local_minus_utc();
    let sign = if secs < 0 { '-' } else { '+' };
    let mins = secs.unsigned_abs() / 60;
    format!("{sign}{:02}:{:02}", mins / 60, mins % 60)
}

/// "45s", "2m 13s", "1h 04m", "3d 2h": two units at most, as a glance needs.
pub fn duration(d: TimeDelta) -> String {
    let secs = d.num_seconds();
    let sign = if secs < 0 { "-" } else { "" };
    let s = secs.unsigned_abs();
    let (days, hours, mins, secs) = (s / 86_400, s / 3_600 % 24, s / 60 % 60, s % 60);
    let body = if days > 0 {
        format!("{days}d {hours}h")
    } else if hours > 0 {
        format!("{hours}h {mins:02}m")
    } else if mins > 0 {
        format!("{mins}m {secs:02}s")
    } else {
        format!("{secs}s")
    };
    format!("{sign}{body}")
}

/// The span between two timestamps, when both parsed and in order: a session that
/// "ends before it starts" (clock skew, a bad record) shows its times, never a
/// negative duration.
pub fn between(from: Option<&Timestamp>, to: Option<&Timestamp>) -> Option<TimeDelta> {
    Some(to?.at? - from?.at?).filter(|d| *d >= TimeDelta::zero())
}

/// The three moments of a session a technician asks about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    Started,
    CustomerJoined,
    Ended,
}

/// One moment, its sanitised timestamp, and the span that goes with it: "running for"
/// (or "waiting for the customer for") on the start of a live session, "customer waited" on the join, "lasted" (from
/// the start) on the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub moment: Moment,
    pub at: String,
    pub span: Option<String>,
}

/// The session's milestones in order; `print` and the viewer both show these, so
/// they can never disagree on what "lasted" means.
pub fn milestones(s: &Session, zone: Zone, now: DateTime<Utc>) -> Vec<Milestone> {
    let stamp = |t: &Timestamp| sanitize_line(&zone.stamp(t)).into_owned();
    let mut out = Vec::new();
    if let Some(started) = &s.started_at {
        // A live session's clock: how long it has run, or how long the technician has
        // been waiting for the customer.
        let live = match (&s.status, &s.ended_at) {
            (Some(Status::Active), None) => Some("running for"),
            (Some(Status::Waiting), None) => Some("waiting for the customer for"),
            _ => None,
        };
        out.push(Milestone {
            moment: Moment::Started,
            at: stamp(started),
            span: live
                .zip(started.at)
                .filter(|(_, at)| *at <= now)
                .map(|(what, at)| format!("{what} {}", duration(now - at))),
        });
    }
    if let Some(joined) = &s.customer_joined_at {
        out.push(Milestone {
            moment: Moment::CustomerJoined,
            at: stamp(joined),
            span: between(s.started_at.as_ref(), Some(joined))
                .map(|d| format!("customer waited {}", duration(d))),
        });
    }
    if let Some(ended) = &s.ended_at {
        out.push(Milestone {
            moment: Moment::Ended,
            at: stamp(ended),
            span: between(s.started_at.as_ref(), Some(ended))
                .map(|d| format!("lasted {}", duration(d))),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_order_times_have_no_span() {
        let s = Session {
            started_at: Some(Timestamp::parse("2026-11-20T15:00:00Z")),
            customer_joined_at: Some(Timestamp::parse("2026-11-20T14:59:00Z")),
            ended_at: Some(Timestamp::parse("2026-11-20T14:00:00Z")),
            status: Some(Status::Complete),
            ..Default::default()
        };
        let m = milestones(&s, Zone::Utc, Utc::now());
        assert_eq!(m.len(), 3, "every time is still shown");
        assert!(m.iter().all(|m| m.span.is_none()), "{m:?}");
    }

    #[test]
    fn durations_read_at_a_glance() {
        assert_eq!(duration(TimeDelta::seconds(45)), "45s");
        assert_eq!(duration(TimeDelta::seconds(133)), "2m 13s");
        assert_eq!(duration(TimeDelta::seconds(3_840)), "1h 04m");
        assert_eq!(duration(TimeDelta::seconds(266_400)), "3d 2h");
        assert_eq!(duration(TimeDelta::seconds(-5)), "-5s");
    }

    #[test]
    fn live_sessions_have_a_running_clock() {
        let now = Utc::now();
        let mut s = Session {
            started_at: Some(Timestamp {
                raw: Default::default(),
                at: Some(now - TimeDelta::seconds(150)),
            }),
            status: Some(Status::Waiting),
            ..Default::default()
        };
        let span = |s: &Session| milestones(s, Zone::Utc, now)[0].span.clone();
        assert_eq!(
            span(&s).as_deref(),
            Some("waiting for the customer for 2m 30s")
        );
        s.status = Some(Status::Active);
        assert_eq!(span(&s).as_deref(), Some("running for 2m 30s"));
        s.status = Some(Status::Complete);
        assert_eq!(span(&s), None);
    }

    #[test]
    fn calendar_edges_in_utc() {
        let ts = Timestamp::parse("+262142-12-31T23:59:59Z");
        assert_eq!(Zone::Utc.stamp(&ts), "+262142-12-31 23:59:59 UTC");
        let t = DateTime::<Utc>::MIN_UTC;
        assert_eq!(Zone::Utc.time(t), "00:00:00");
        assert_eq!(Zone::Utc.day(t), NaiveDate::MIN);
        assert_eq!(Zone::Utc.suffix(t), "UTC");
    }

    #[test]
    fn offsets_written_like_percent_colon_z() {
        let east = FixedOffset::east_opt(5 * 3600 + 45 * 60).map(offset_text);
        assert_eq!(east.as_deref(), Some("+05:45"));
        let west = FixedOffset::west_opt(9 * 3600 + 30 * 60).map(offset_text);
        assert_eq!(west.as_deref(), Some("-09:30"));
        assert_eq!(
            FixedOffset::east_opt(0).map(offset_text).as_deref(),
            Some("+00:00")
        );
    }

    #[test]
    fn unparsed_stamp_shows_raw_text() {
        let ts = Timestamp::parse("sometime");
        assert_eq!(Zone::Utc.stamp(&ts), "sometime");
        let ts = Timestamp::parse("2021-04-30T06:00:00Z");
        assert_eq!(Zone::Utc.stamp(&ts), "2021-04-30 06:00:00 UTC");
    }
}

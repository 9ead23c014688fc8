//! Times and durations as technicians read them, shared by `print` and the viewer.

use chrono::{DateTime, Local, TimeDelta, Utc};

use crate::api::{Session, Status, Timestamp};
use crate::sanitize::sanitize_line;

/// Which zone times are shown in: the local one by default, UTC with `--utc`.
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

    /// The calendar day a time falls on here, for date separators.
    pub fn day(self, t: DateTime<Utc>) -> chrono::NaiveDate {
        match self {
            Zone::Utc => t.date_naive(),
            Zone::Local => t.with_timezone(&Local).date_naive(),
        }
    }

    /// Zone name appended to full times so a reader knows which clock they see.
    pub fn suffix(self, t: DateTime<Utc>) -> String {
        match self {
            Zone::Utc => "UTC".into(),
            Zone::Local => t.with_timezone(&Local).format("%:z").to_string(),
        }
    }

    fn format(self, t: DateTime<Utc>, fmt: &str) -> String {
        match self {
            Zone::Utc => t.format(fmt).to_string(),
            Zone::Local => t.with_timezone(&Local).format(fmt).to_string(),
        }
    }

    /// A full timestamp with its zone, or the raw text when it did not parse.
    pub fn stamp(self, ts: &Timestamp) -> String {
        match ts.at {
            Some(t) => format!("{} {}", self.date_time(t), self.suffix(t)),
            None => ts.raw.clone(),
        }
    }
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

/// The span between two timestamps, when both parsed.
pub fn between(from: Option<&Timestamp>, to: Option<&Timestamp>) -> Option<TimeDelta> {
    Some(to?.at? - from?.at?)
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
                raw: String::new(),
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
    fn unparsed_stamp_shows_raw_text() {
        let ts = Timestamp::parse("sometime");
        assert_eq!(Zone::Utc.stamp(&ts), "sometime");
        let ts = Timestamp::parse("2021-04-30T06:00:00Z");
        assert_eq!(Zone::Utc.stamp(&ts), "2021-04-30 06:00:00 UTC");
    }
}

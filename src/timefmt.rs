//! Times and durations as technicians read them, shared by `print` and the viewer.

use chrono::{DateTime, Local, TimeDelta, Utc};

use crate::api::Timestamp;

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
    fn unparsed_stamp_shows_raw_text() {
        let ts = Timestamp::parse("sometime");
        assert_eq!(Zone::Utc.stamp(&ts), "sometime");
        let ts = Timestamp::parse("2021-04-30T06:00:00Z");
        assert_eq!(Zone::Utc.stamp(&ts), "2021-04-30 06:00:00 UTC");
    }
}

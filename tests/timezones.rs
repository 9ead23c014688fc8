//! Every time chrono can hold prints in every zone, at the edges of its calendar too.
//!
//! TZ is process-wide, so this file holds exactly one test and nothing else in this
//! binary reads the clock's zone. chrono caches the local zone per thread (and looks at
//! TZ again at most once a second), so each zone is checked on a fresh thread, which
//! reads TZ anew.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use g2a_tui::api::Timestamp;
use g2a_tui::timefmt::{Days, Zone};

/// (TZ value, zoneinfo file it needs if any, offset on 2021-04-30 as `%:z` writes it)
const ZONES: &[(&str, Option<&str>, &str)] = &[
    ("UTC", None, "+00:00"),
    ("Pacific/Kiritimati", Some("Pacific/Kiritimati"), "+14:00"),
    ("America/Adak", Some("America/Adak"), "-09:00"),
    ("Asia/Kathmandu", Some("Asia/Kathmandu"), "+05:45"),
    // POSIX forms need no zoneinfo files, so the extreme offsets are always tested.
    ("<+14>-14", None, "+14:00"),
    ("HST10HDT,M3.2.0,M11.1.0", None, "-09:00"),
    ("<+0545>-5:45", None, "+05:45"),
    ("<-12>12", None, "-12:00"),
    // Half an hour of daylight saving, changing at 02:00 local.
    ("Australia/Lord_Howe", Some("Australia/Lord_Howe"), "+10:30"),
    ("Europe/Berlin", Some("Europe/Berlin"), "+02:00"),
];

const RAW: &[&str] = &[
    "+262142-12-31T23:59:59Z",
    "+262142-12-31T23:59:59+00:00",
    "+262142-12-31T10:00:00Z",
    "-262143-01-01T00:00:00Z",
    "-262143-01-01T13:00:00Z",
    "0000-01-01T00:00:00Z",
    "-0001-12-31T23:59:59Z",
    "9999-12-31T23:59:59Z",
    "+10000-01-01T00:00:00Z",
    "+262142-12-31T23:59:59-05:00",
    "-262143-01-01T00:00:00+05:00",
    "+262142-12-31T23:59:59.999999999+14:00",
    "2021-04-30T06:00:00Z",
];

fn edge_times() -> Vec<DateTime<Utc>> {
    let mut out = vec![DateTime::<Utc>::MIN_UTC, DateTime::<Utc>::MAX_UTC];
    let day = TimeDelta::days(1);
    out.extend(DateTime::<Utc>::MIN_UTC.checked_add_signed(day));
    out.extend(DateTime::<Utc>::MAX_UTC.checked_sub_signed(day));
    for year in [-262_143, -1, 0, 1, 1970, 9999, 10_000, 262_142] {
        for (m, d) in [(1, 1), (12, 31)] {
            if let Some(t) =
                NaiveDate::from_ymd_opt(year, m, d).and_then(|d| d.and_hms_opt(12, 0, 0))
            {
                out.push(t.and_utc());
            }
        }
    }
    out
}

/// Everything `print` and the viewer call, for one time in one zone.
fn show_all(zone: Zone, t: DateTime<Utc>) -> String {
    let ts = Timestamp {
        raw: "as sent".into(),
        at: Some(t),
    };
    format!(
        "{} | {} | {} | {} | {} | {}",
        zone.date_time(t),
        zone.date(t),
        zone.time(t),
        zone.day(t),
        zone.suffix(t),
        zone.stamp(&ts)
    )
}

fn check_zone(tz: &str, expected_offset: &str) -> Result<(), String> {
    let normal = Timestamp::parse("2021-04-30T06:00:00Z");
    let stamp = Zone::Local.stamp(&normal);
    if !stamp.ends_with(expected_offset) {
        return Err(format!("TZ={tz}: the zone did not take effect: {stamp}"));
    }
    for t in edge_times() {
        for zone in [Zone::Utc, Zone::Local] {
            let shown = show_all(zone, t);
            let ts = Timestamp {
                raw: "as sent".into(),
                at: Some(t),
            };
            let stamp = zone.stamp(&ts);
            match zone.wall_clock(t) {
                // Shown on the zone's clock with the zone's name.
                Some((wall, _)) => {
                    let date = wall.format("%Y-%m-%d %H:%M:%S").to_string();
                    if !stamp.starts_with(&date) || stamp == "as sent" {
                        return Err(format!("TZ={tz} {zone:?} {t:?}: {shown}"));
                    }
                }
                // Cannot be shown here: the text as sent, and UTC where no text exists.
                None => {
                    if zone == Zone::Utc || stamp != "as sent" {
                        return Err(format!("TZ={tz} {zone:?} {t:?}: {shown}"));
                    }
                    if zone.time(t) != Zone::Utc.time(t) || zone.day(t) != t.date_naive() {
                        return Err(format!("TZ={tz} {zone:?} {t:?}: {shown}"));
                    }
                }
            }
        }
    }
    // Days (a transcript's date lines, the offset looked up once a quarter hour) agrees
    // with Zone::day: every 7 minutes and 13 seconds through 2021, over both changes of
    // a daylight-saving rule, then at the calendar's edges, in one run as a transcript.
    for zone in [Zone::Utc, Zone::Local] {
        let mut days = Days::new(zone);
        let start =
            DateTime::parse_from_rfc3339("2021-01-01T00:00:00Z").map_err(|e| e.to_string())?;
        let step = TimeDelta::seconds(7 * 60 + 13);
        let year = (0..73_000).map(|i| start.to_utc() + step * i);
        for t in year.chain(edge_times()) {
            if days.day(t) != zone.day(t) {
                return Err(format!("TZ={tz} {zone:?} {t:?}: Days says {}", days.day(t)));
            }
        }
    }
    for raw in RAW {
        let ts = Timestamp::parse(raw);
        for zone in [Zone::Utc, Zone::Local] {
            let stamp = zone.stamp(&ts);
            if ts.at.is_none() && stamp != *raw {
                return Err(format!(
                    "TZ={tz} {zone:?} {raw}: unparsed but shown as {stamp}"
                ));
            }
            if stamp.is_empty() {
                return Err(format!("TZ={tz} {zone:?} {raw}: empty"));
            }
            if let Some(t) = ts.at {
                show_all(zone, t);
            }
        }
    }
    // At the edges of the calendar: the last second cannot be shown east of UTC, the
    // first one not west of it. (Only for the POSIX zones: IANA zones go back to local
    // mean time, and Adak's was east of UTC before 1867.)
    if !tz.contains('/') {
        let shown = |t| Zone::Local.wall_clock(t).is_some();
        let first = shown(DateTime::<Utc>::MIN_UTC);
        let last = shown(DateTime::<Utc>::MAX_UTC);
        let expected = match expected_offset {
            "+00:00" => (true, true),
            o if o.starts_with('+') => (true, false),
            _ => (false, true),
        };
        if (first, last) != expected {
            return Err(format!("TZ={tz}: edges shown {first} {last}"));
        }
    }
    Ok(())
}

#[test]
fn every_time_prints_in_every_zone() {
    let mut tested = 0;
    for &(tz, file, offset) in ZONES {
        if let Some(file) = file {
            if !std::path::Path::new("/usr/share/zoneinfo")
                .join(file)
                .exists()
            {
                eprintln!("skipping TZ={tz}: no zoneinfo file");
                continue;
            }
        }
        std::env::set_var("TZ", tz);
        let tz_owned = tz.to_string();
        let outcome = std::thread::spawn(move || check_zone(&tz_owned, offset)).join();
        match outcome {
            Ok(Ok(())) => tested += 1,
            Ok(Err(e)) => panic!("{e}"),
            Err(_) => panic!("TZ={tz}: formatting panicked"),
        }
    }
    std::env::remove_var("TZ");
    assert!(tested >= 5, "only {tested} zones tested");
}

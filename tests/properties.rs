//! Property tests (issue 10): the sanitiser's promises on any text, and the decoders
//! and the presentation model on any bytes or any JSON, in zones at both ends of the
//! clock. Case counts stay small so `cargo test` stays quick on two cores; a failure
//! prints the smallest input proptest could shrink it to.
//!
//! TZ is process-wide: only `decoders_never_panic_in_any_zone` sets it, and nothing
//! else here reads the clock's zone.

use chrono::{TimeZone, Utc};
use g2a_tui::api::{lean, Session, SessionList, SystemLinks, Transcript};
use g2a_tui::present::{self, metrics, transcript_view};
use g2a_tui::sanitize::{is_unsafe, sanitize, sanitize_line, MARKER};
use g2a_tui::timefmt::Zone;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Map, Number, Value};

/// The case count: modest by default, more with `PROPTEST_CASES=N` for a long run.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// Characters that start, carry or end escape sequences, or that the sanitiser
/// changes, mixed with any character at all.
fn tricky_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        2 => prop::sample::select(vec![
            '\u{1b}', '[', ']', 'P', '\\', '\u{7}', ';', '0', '2', 'J', 'm', 'a', ' ',
            '\n', '\t', '\r', '\u{0}', '\u{18}', '\u{1a}', '\u{7f}', '\u{9b}', '\u{9d}',
            '\u{90}', '\u{9c}', '\u{85}', '\u{2028}', '\u{2029}', '\u{202e}', '\u{2066}',
            '\u{200b}', '\u{200d}', '\u{feff}', '\u{ad}', '\u{e0041}', '\u{2400}', '␛',
            'é', '日', '🎉',
        ]),
        1 => (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap_or('?')),
    ]
}

fn tricky_text() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..48).prop_map(|v| v.into_iter().collect())
}

/// What the sanitiser writes of its own: control pictures and the sequence marker.
fn is_picture(c: char) -> bool {
    ('\u{2400}'..='\u{2426}').contains(&c) || c == MARKER
}

/// The characters that must survive, in order: pictures (ours or the input's) aside,
/// line and paragraph separators read as newlines, and what the sanitiser must change
/// left out.
fn kept(s: &str) -> Vec<char> {
    s.chars()
        .filter(|&c| !is_picture(c))
        .map(|c| match c {
            '\u{2028}' | '\u{2029}' => '\n',
            c => c,
        })
        .filter(|&c| !is_unsafe(c))
        .collect()
}

fn is_subsequence(small: &[char], big: &[char]) -> bool {
    let mut big = big.iter();
    small.iter().all(|c| big.any(|b| b == c))
}

/// No escape sequence can start: no ESC and no C1 character.
fn without_sequences(s: &str) -> bool {
    !s.chars()
        .any(|c| c == '\u{1b}' || ('\u{80}'..='\u{9f}').contains(&c))
}

proptest! {
    #![proptest_config(Config::with_cases(cases(256)))]

    #[test]
    fn sanitize_is_idempotent_and_leaves_nothing_unsafe(s in tricky_text()) {
        let once = sanitize(&s).into_owned();
        prop_assert_eq!(sanitize(&once).into_owned(), once.clone());
        // No C0 but newline and tab, no DEL, no C1, no bidi control, no invisible
        // format character: exactly what `is_unsafe` names.
        prop_assert!(!once.chars().any(is_unsafe), "{:?} -> {:?}", s, once);
        let line = sanitize_line(&s).into_owned();
        prop_assert_eq!(sanitize_line(&line).into_owned(), line.clone());
        prop_assert!(
            !line.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t'),
            "{:?} -> {:?}", s, line
        );
    }

    #[test]
    fn every_other_character_survives_in_order(s in tricky_text()) {
        let out = sanitize(&s);
        // Escape sequences swallow what they hold, so in general what is kept is a
        // subsequence of the input...
        prop_assert!(is_subsequence(&kept(&out), &kept(&s)), "{:?} -> {:?}", s, out);
        // ...and without them, nothing is lost at all.
        if without_sequences(&s) {
            prop_assert_eq!(kept(&out), kept(&s), "{:?} -> {:?}", s, out);
        }
    }

    #[test]
    fn plain_text_is_untouched(s in "[a-zA-Z0-9 .,:;!?'\"(){}\\[\\]<>/@#&*+=_-]{0,40}") {
        prop_assert_eq!(sanitize(&s).into_owned(), s.clone());
    }
}

/// Keys the decoders look for, so generated objects reach their every branch.
const KEYS: &[&str] = &[
    "sessionId",
    "sessionType",
    "status",
    "expertName",
    "expertEmail",
    "customerName",
    "startedAt",
    "customerJoinedAt",
    "endedAt",
    "collaborators",
    "name",
    "email",
    "firstName",
    "lastName",
    "events",
    "timeStamp",
    "timestamp",
    "time",
    "participantName",
    "participant",
    "content",
    "message",
    "startTime",
    "endTime",
    "systemName",
    "systemDomain",
    "userToken",
    "callbackURL",
    "supportedCallbacks",
    "createObject",
    "sessions",
    "totalNumSessions",
    "systemLinks",
    "unattendedMachineName",
    "x",
];

fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        // Numbers no machine type holds: kept as written with arbitrary_precision.
        "-?[1-9][0-9]{20,40}(\\.[0-9]{1,30})?(e[+-][0-9]{3,5})?".prop_filter_map(
            "a JSON number",
            |s| s.parse::<Number>().ok().map(Value::Number)
        ),
        tricky_text().prop_map(Value::String),
        prop::sample::select(vec![
            "2024-03-05T14:00:00Z",
            "+262142-12-31T23:59:59Z",
            "-262143-01-01T00:00:00+05:00",
            "2024-03-05T14:00:00.123+0200",
            "2024-03-05 14:00:00",
            "2024-13-45T99:99",
            "complete",
            "active",
            "waiting",
            "Abandoned",
            "notStarted",
            "true",
            "",
            " ",
        ])
        .prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        4 => prop::sample::select(KEYS).prop_map(str::to_string),
                        1 => tricky_text(),
                    ],
                    inner
                ),
                0..8,
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Everything built from one decoded body, as `print` and the viewer would.
fn decode_and_show(v: &Value, zone: Zone) {
    let now = Utc
        .with_ymd_and_hms(2024, 3, 5, 15, 0, 0)
        .single()
        .unwrap_or_default();
    let session = Session::from_value(v.clone()).ok();
    if let Some(s) = &session {
        let _ = present::session_fields(s, zone, now);
        let _ = present::session_id(s, Some("1"));
        let _ = present::list::cells(
            &present::list::ListRow {
                session: s.clone(),
                stored: false,
                fetched_at: None,
            },
            zone,
            now,
        );
    }
    if let Ok(t) = Transcript::from_value(v.clone()) {
        let msgs = present::messages(&t.events, zone, session.as_ref());
        let _ = metrics::metrics(&session.clone().unwrap_or_default(), &msgs, now);
        let _ = transcript_view(Ok(&t), session.as_ref(), zone);
    }
    if let Ok(l) = SystemLinks::from_value(v.clone()) {
        let _ = present::links_view(Some("crm.example.com"), Ok(&l), false);
    }
    if let Ok(list) = SessionList::from_value(v.clone()) {
        for s in &list.sessions {
            let _ = present::session_fields(s, zone, now);
        }
    }
}

/// Runs the property on a fresh thread with `TZ` set, as tests/timezones.rs does
/// (chrono caches the local zone per thread).
fn in_zone(tz: &str, check: fn()) {
    std::env::set_var("TZ", tz);
    let outcome = std::thread::spawn(check).join();
    std::env::remove_var("TZ");
    if outcome.is_err() {
        panic!("TZ={tz}: a decoder or the presentation model panicked");
    }
}

fn decode_any_json_and_bytes() {
    let mut runner = TestRunner::new(Config::with_cases(cases(96)));
    let result = runner.run(&json_value(), |v| {
        decode_and_show(&v, Zone::Local);
        decode_and_show(&v, Zone::Utc);
        // Through the bytes a server would send, and back.
        let bytes = serde_json::to_vec(&v).unwrap_or_default();
        let back: Value = serde_json::from_slice(&bytes).unwrap_or_default();
        decode_and_show(&back, Zone::Local);
        // The client's own body parsers: they read what serde_json reads.
        for parse in [lean::parse_events, lean::parse_session] {
            let lean = parse(&bytes);
            prop_assert!(lean.is_ok(), "{:?}", lean);
            decode_and_show(&lean.unwrap_or_default(), Zone::Local);
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
    let mut runner = TestRunner::new(Config::with_cases(cases(96)));
    // Any byte, but JSON's own often enough that some of it parses.
    let byte = prop_oneof![
        any::<u8>(),
        prop::sample::select(b"{}[]\":,0123456789-.eE+ \ntrueflasn\\/".to_vec()),
    ];
    let bytes = prop::collection::vec(byte, 0..256);
    let result = runner.run(&bytes, |b| {
        if let Ok(v) = serde_json::from_slice::<Value>(&b) {
            decode_and_show(&v, Zone::Local);
        }
        for parse in [lean::parse_events, lean::parse_session] {
            if let Ok(v) = parse(&b) {
                decode_and_show(&v, Zone::Local);
            }
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn decoders_never_panic_in_any_zone() {
    // POSIX forms need no zoneinfo files: both extreme offsets and a half-hour one.
    for tz in [
        "UTC",
        "<+14>-14",
        "<-12>12",
        "<+0545>-5:45",
        "HST10HDT,M3.2.0,M11.1.0",
    ] {
        in_zone(tz, decode_any_json_and_bytes);
    }
}

//! Full-text search over the store (issue 8 target: 1,000 stored sessions, 300,000 messages,
//! first results <= 50 ms): `Store::search` as `g2a-tui search` and the list screen call it,
//! for a word in a third of all messages, a rare error code, a phrase, a prefix, and with
//! `--days`. `before/common word` runs the query the store used before (snippet() in the
//! ranking query), on the same data, to show what the change bought.

use std::hint::black_box;
use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use g2a_tui::api::model::{Session, Transcript};
use g2a_tui::store::Store;
use serde_json::json;

const SESSIONS: usize = 1_000;
const PER_SESSION: usize = 300;

/// Deterministic filler words; "printer" is added to every third message.
const WORDS: &[&str] = &[
    "the",
    "driver",
    "update",
    "restart",
    "network",
    "outlook",
    "mailbox",
    "vpn",
    "teams",
    "password",
    "reset",
    "disk",
    "space",
    "cleanup",
    "queue",
    "spooler",
    "laptop",
    "dock",
    "monitor",
    "firmware",
    "profile",
    "sync",
    "onedrive",
    "sharepoint",
    "license",
    "activation",
    "cache",
    "browser",
    "certificate",
    "proxy",
    "router",
    "wifi",
    "signal",
    "battery",
    "keyboard",
    "mouse",
    "scanner",
    "toner",
    "paper",
    "tray",
    "ticket",
    "customer",
    "account",
    "locked",
    "unlock",
    "group",
    "policy",
    "share",
    "drive",
    "mapping",
];

fn message(session: usize, seq: usize) -> String {
    let mut x = (session * 7919 + seq * 104_729) as u64;
    let mut words = Vec::with_capacity(14);
    for _ in 0..(6 + x % 9) {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        words.push(WORDS[(x >> 33) as usize % WORDS.len()]);
    }
    if seq.is_multiple_of(3) {
        words.insert(words.len() / 2, "printer");
    }
    if seq == 150 && session % 100 == 7 {
        words.push("error 0x80070005 access denied on KB-5034441");
    }
    words.join(" ")
}

fn build() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("g2a-tui-bench-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("store.sqlite3");
    let mut store = Store::open(&path).expect("store");
    let base = Utc
        .with_ymd_and_hms(2026, 1, 1, 9, 0, 0)
        .single()
        .expect("valid");
    for s in 0..SESSIONS {
        let id = format!("{}", 480_000_000 + s);
        let start = base + Duration::hours(7 * s as i64);
        let session = Session::from_value(json!({
            "sessionId": id,
            "status": "complete",
            "expertName": "Dana Whitfield",
            "customerName": format!("Customer {s}"),
            "startedAt": start.to_rfc3339(),
            "endedAt": (start + Duration::hours(1)).to_rfc3339(),
        }))
        .expect("session");
        store
            .put_session(&id, &session, start)
            .expect("put session");
        let events: Vec<_> = (0..PER_SESSION)
            .map(|i| {
                json!({
                    "timeStamp": (start + Duration::seconds(i as i64 * 10)).to_rfc3339(),
                    "participantName": if i % 2 == 0 { "Dana Whitfield" } else { "Customer" },
                    "content": message(s, i),
                })
            })
            .collect();
        let t = Transcript::from_value(json!({ "events": events })).expect("transcript");
        store
            .put_transcript(&id, &t, start)
            .expect("put transcript");
    }
    path
}

/// The query `Store::search` ran before: snippet() in the ranking query.
const BEFORE: &str = "SELECT m.session_id, m.seq, m.time, m.participant, m.role, m.text,
        snippet(message_index, -1, char(2), char(3), '…', 16),
        bm25(message_index) AS rank
    FROM message_index JOIN messages m ON m.id = message_index.rowid
    WHERE message_index MATCH ?1
    ORDER BY rank LIMIT ?2";

fn bench(c: &mut Criterion) {
    let path = build();
    let store = Store::open(&path).expect("store");
    let info = store.info().expect("info");
    assert_eq!(info.messages, (SESSIONS * PER_SESSION) as u64);
    let common = store.search("printer", 50).expect("search");
    assert!(common.iter().map(|g| g.hits.len()).sum::<usize>() == 50);
    let rare = store.search("0x80070005", 50).expect("search");
    assert_eq!(rare.len(), SESSIONS / 100);

    let mut g = c.benchmark_group("store_search");
    g.bench_function("common word (100,000 matches), 50 best", |b| {
        b.iter(|| black_box(store.search("printer", 50).expect("search")))
    });
    g.bench_function("common word, 200 best (the search command)", |b| {
        b.iter(|| black_box(store.search("printer", 200).expect("search")))
    });
    g.bench_function("rare error code 0x80070005", |b| {
        b.iter(|| black_box(store.search("0x80070005", 50).expect("search")))
    });
    g.bench_function("KB-5034441 (a phrase of two tokens)", |b| {
        b.iter(|| black_box(store.search("KB-5034441", 50).expect("search")))
    });
    g.bench_function("phrase \"access denied\"", |b| {
        b.iter(|| black_box(store.search("\"access denied\"", 50).expect("search")))
    });
    g.bench_function("prefix print*", |b| {
        b.iter(|| black_box(store.search("print*", 50).expect("search")))
    });
    let since = Some(Utc::now() - Duration::days(90));
    g.bench_function("common word, --days 90", |b| {
        b.iter(|| black_box(store.search_since("printer", 50, since).expect("search")))
    });
    let conn = rusqlite::Connection::open(&path).expect("raw connection");
    g.bench_function("before: common word, snippet() in the ranking query", |b| {
        b.iter(|| {
            let mut stmt = conn.prepare_cached(BEFORE).expect("prepare");
            let n = stmt
                .query_map(rusqlite::params!["\"printer\"", 50], |r| {
                    r.get::<_, String>(0)
                })
                .expect("query")
                .count();
            black_box(n)
        })
    });
    g.finish();
    drop(store);
    let _ = std::fs::remove_dir_all(path.parent().expect("dir"));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench
}
criterion_main!(benches);

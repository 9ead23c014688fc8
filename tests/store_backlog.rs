//! Issue 11: the writer stores a streamed transcript without indexing it, and indexes it
//! afterwards (src/store/backlog.rs). No search misses a stored message, and whatever
//! replaces, prunes or clears messages keeps the index in step with them (FTS5's own
//! integrity check) however much of them was indexed.

use std::path::Path;
use std::time::{Duration, Instant};

use g2a_tui::api::{Event, Transcript};
use g2a_tui::store::writer::{Backlog, Writer};
use g2a_tui::store::{schema, Indexing, Store};
use rusqlite::Connection;
use serde_json::json;

mod common;
use common::{at, complete_session as session, TempDir};

/// Messages `0..n`; message `i` says `words[i]` (the last word for the rest), so a search
/// for a word finds exactly the messages that say it. Every third is the customer's.
fn transcript(n: usize, words: &[&str]) -> Transcript {
    let events: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            let word = words.get(i).or(words.last()).copied().unwrap_or("plain");
            let who = ["Dana Whitfield", "Morgan Lee", "Morgan Lee"][i % 3];
            json!({
                "timeStamp": format!("2026-11-20T14:{:02}:{:02}Z", i / 60 % 60, i % 60),
                "participantName": who,
                "content": format!("{word} 打印机 message {i}"),
            })
        })
        .collect();
    Transcript::from_value(json!({ "startTime": "2026-11-20T14:00:00Z", "events": events }))
        .expect("a transcript")
}

/// Stores `t` as the writer does, through the staged rows.
fn put(store: &mut Store, id: &str, t: &Transcript, indexing: Indexing) {
    let events: &[Event] = &t.events;
    store.unstage(1).expect("unstage");
    store.stage_events(1, 0, events).expect("staged");
    store.put_staged(1, id, t, at(1), indexing).expect("stored");
    store.unstage(1).expect("unstage");
}

/// FTS5's own check that the index matches the messages. Unindexed messages fail it, so
/// it runs on a copy whose backlog is indexed first: an index entry that should have gone,
/// or one taken out that was never there, fails it all the same. With no backlog, the
/// store itself is checked too.
fn in_step(path: &Path) {
    let check = |p: &Path| {
        let conn = Connection::open(p).expect("raw open");
        g2a_tui::store::register_functions(&conn).expect("functions");
        conn.execute(
            "INSERT INTO message_index(message_index, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .expect("the search index matches the messages");
    };
    let copy = path.with_extension("copy");
    let _ = std::fs::remove_file(&copy);
    Connection::open(path)
        .expect("raw open")
        .execute("VACUUM INTO ?1", [copy.to_string_lossy()])
        .expect("a copy");
    Store::open(&copy)
        .and_then(|s| s.index_all())
        .expect("the copy's backlog indexed");
    check(&copy);
    if backlog(path).is_empty() {
        check(path);
    }
}

/// What the `unindexed` table holds.
fn backlog(path: &Path) -> Vec<(String, i64)> {
    let conn = Connection::open(path).expect("raw open");
    let mut stmt = conn
        .prepare("SELECT session_id, from_seq FROM unindexed ORDER BY session_id")
        .expect("the table");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .and_then(|rows| rows.collect())
        .expect("rows")
}

/// How many messages the index itself has for `word`, without a search (which would index
/// the backlog first).
fn raw_matches(path: &Path, word: &str) -> i64 {
    let conn = Connection::open(path).expect("raw open");
    conn.query_row(
        "SELECT count(*) FROM message_index WHERE message_index MATCH ?1",
        [word],
        |r| r.get(0),
    )
    .expect("match")
}

/// (session, seq) of every message a search finds.
fn hits(store: &Store, query: &str) -> Vec<(String, u32)> {
    common::search_hits(store, query)
}

fn seqs(id: &str, range: std::ops::Range<u32>) -> Vec<(String, u32)> {
    range.map(|s| (id.to_string(), s)).collect()
}

#[test]
fn a_transcript_stored_unindexed_is_found_by_the_next_search() {
    let dir = TempDir::new("found");
    let mut store = Store::open(dir.store_path()).expect("store");
    store
        .put_session("a", &session("a"), at(0))
        .expect("session");
    put(
        &mut store,
        "a",
        &transcript(300, &["spooler"]),
        Indexing::Later,
    );
    assert_eq!(backlog(&dir.store_path()), vec![("a".to_string(), 0)]);
    assert_eq!(
        raw_matches(&dir.store_path(), "spooler"),
        0,
        "not indexed yet"
    );
    // Another connection, as the `search` command or a second viewer.
    let reader = Store::open(dir.store_path()).expect("reader");
    assert!(reader.has_unindexed().expect("check"));
    assert_eq!(hits(&reader, "spooler"), seqs("a", 0..300));
    assert_eq!(hits(&reader, "\"打印机 message\""), seqs("a", 0..300));
    assert!(backlog(&dir.store_path()).is_empty());
    assert_eq!(raw_matches(&dir.store_path(), "spooler"), 300);
    in_step(&dir.store_path());
}

#[test]
fn replacing_a_partly_indexed_transcript_keeps_the_index_in_step() {
    let dir = TempDir::new("replace");
    let path = dir.store_path();
    let mut store = Store::open(&path).expect("store");
    let words = |n: usize, at: usize, changed: &'static str| -> Vec<&'static str> {
        (0..n)
            .map(|i| if i < at { "alpha" } else { changed })
            .collect()
    };
    put(
        &mut store,
        "a",
        &transcript(100, &["alpha"]),
        Indexing::Later,
    );
    put(
        &mut store,
        "b",
        &transcript(10, &["bravo"]),
        Indexing::Later,
    );
    // 40 indexed, 60 left; "b" untouched.
    assert!(store.index_some(40).expect("indexed"));
    assert_eq!(
        backlog(&path),
        vec![("a".to_string(), 40), ("b".to_string(), 0)]
    );
    in_step(&path);
    // Changed from message 70 (unindexed): 0..70 stay, the rest is new and unindexed.
    put(
        &mut store,
        "a",
        &transcript(120, &words(120, 70, "charlie")),
        Indexing::Later,
    );
    assert_eq!(backlog(&path)[0], ("a".to_string(), 40));
    in_step(&path);
    // Changed from message 20 (indexed): those from 20 leave the index.
    put(
        &mut store,
        "a",
        &transcript(50, &words(50, 20, "delta")),
        Indexing::Later,
    );
    assert_eq!(backlog(&path)[0], ("a".to_string(), 20));
    in_step(&path);
    assert_eq!(raw_matches(&path, "alpha"), 20);
    assert_eq!(raw_matches(&path, "charlie"), 0);
    // Stored and indexed at once: what was left unindexed is indexed with it.
    let mut last = words(55, 20, "delta");
    last.extend(["echo"; 5]);
    put(&mut store, "a", &transcript(60, &last), Indexing::Now);
    assert_eq!(backlog(&path), vec![("b".to_string(), 0)]);
    in_step(&path);
    assert_eq!(raw_matches(&path, "delta"), 35);
    assert_eq!(hits(&store, "alpha"), seqs("a", 0..20));
    assert_eq!(hits(&store, "delta"), seqs("a", 20..55));
    assert_eq!(hits(&store, "echo"), seqs("a", 55..60));
    assert!(hits(&store, "charlie").is_empty());
    assert_eq!(hits(&store, "bravo"), seqs("b", 0..10));
    assert!(backlog(&path).is_empty());
    in_step(&path);
}

#[test]
fn pruning_and_clearing_take_unindexed_messages_away_cleanly() {
    let dir = TempDir::new("prune");
    let path = dir.store_path();
    let mut store = Store::open(&path).expect("store");
    put(
        &mut store,
        "old",
        &transcript(80, &["oldword"]),
        Indexing::Later,
    );
    assert!(store.index_some(30).expect("indexed"));
    // Stored later: kept by the prune below.
    let mut late = Store::open(&path).expect("store");
    late.unstage(1).expect("unstage");
    let t = transcript(5, &["newword"]);
    late.stage_events(1, 0, &t.events).expect("staged");
    late.put_staged(1, "new", &t, at(30), Indexing::Later)
        .expect("stored");
    let removed = store.prune_before(at(10)).expect("pruned");
    assert_eq!(removed, 1);
    assert_eq!(backlog(&path), vec![("new".to_string(), 0)]);
    in_step(&path);
    assert!(hits(&store, "oldword").is_empty());
    assert_eq!(hits(&store, "newword"), seqs("new", 0..5));
    put(
        &mut store,
        "more",
        &transcript(7, &["moreword"]),
        Indexing::Later,
    );
    store.clear().expect("cleared");
    assert!(backlog(&path).is_empty());
    in_step(&path);
    assert!(hits(&store, "moreword").is_empty());
}

#[test]
fn the_writer_indexes_what_it_stored_when_it_has_nothing_else_to_do() {
    let dir = TempDir::new("writer");
    let path = dir.store_path();
    let writer = Writer::start(Store::open(&path).expect("store"), Backlog::Work).expect("writer");
    writer.put_session("w", session("w"), at(0));
    // More than one chunk's worth would take long in a debug build; two transcripts
    // show the thread goes on to the next.
    writer.put_transcript("w", transcript(200, &["whiskey"]), at(1));
    writer.put_transcript("x", transcript(30, &["xray"]), at(1));
    writer.flush();
    // Packed first (store/packed.rs), then unpacked, then indexed.
    let waiting = || {
        Store::open(&path)
            .and_then(|s| s.has_waiting_packs())
            .expect("read")
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while (waiting() || !backlog(&path).is_empty()) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!waiting(), "the writer unpacked what it packed");
    assert!(backlog(&path).is_empty(), "the writer indexed its backlog");
    assert_eq!(raw_matches(&path, "whiskey"), 200);
    assert_eq!(raw_matches(&path, "xray"), 30);
    in_step(&path);
    assert_eq!(writer.close(), None);
    // Its role is classified against the stored session, as before.
    let roles: Vec<String> = Connection::open(&path)
        .expect("raw")
        .prepare("SELECT role FROM messages WHERE session_id = 'w' AND seq < 3 ORDER BY seq")
        .and_then(|mut s| {
            s.query_map([], |r| r.get(0))
                .and_then(|rows| rows.collect())
        })
        .expect("roles");
    assert_eq!(roles, ["expert", "customer", "customer"]);
}

#[test]
fn a_version_2_store_gets_the_backlog_table() {
    let dir = TempDir::new("v2");
    std::fs::create_dir_all(dir.dir()).expect("dir");
    {
        let mut conn = Connection::open(dir.store_path()).expect("file");
        schema::migrate(&mut conn, &schema::MIGRATIONS[..2]).expect("v2");
    }
    let store = Store::open(dir.store_path()).expect("migrated");
    assert!(!store.has_unindexed().expect("the table is there"));
    assert!(!store.has_waiting_packs().expect("and the packs' (V4)"));
    let v: u32 = Connection::open(dir.store_path())
        .expect("raw")
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(v, schema::VERSION);
    assert_eq!(v, 5);
}

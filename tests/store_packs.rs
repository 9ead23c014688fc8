//! Issue 11: a streamed transcript is stored packed, a blob per batch, and turned into
//! messages later (src/store/packed.rs). A pack that is not done is never seen; one that
//! is done is what every reader sees, whether or not it has been unpacked yet; a newer
//! answer replaces it; an abandoned one goes.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use g2a_tui::api::{Event, Transcript};
use g2a_tui::store::writer::{Backlog, Writer};
use g2a_tui::store::{Store, ABANDONED_AFTER};
use rusqlite::Connection;
use serde_json::json;

mod common;
use common::{at, complete_session as session, TempDir};

/// `n` messages saying `word`, with every field shape a stored message can have: no
/// time, an empty name, no name, several lines, wide characters.
fn transcript(n: usize, word: &str) -> Transcript {
    let events: Vec<serde_json::Value> = (0..n)
        .map(|i| match i % 4 {
            0 => json!({
                "timeStamp": format!("2026-11-20T14:{:02}:{:02}Z", i / 60 % 60, i % 60),
                "participantName": "Dana Whitfield",
                "content": format!("{word} 打印机 message {i}"),
            }),
            1 => json!({ "participantName": "Morgan Lee", "content": format!("{word}\nline two {i}") }),
            2 => json!({ "timeStamp": "not a time", "participantName": "", "content": format!("{word} {i}") }),
            _ => json!({ "timeStamp": "2026-11-20T15:00:00+01:00", "content": format!("{word} {i}") }),
        })
        .collect();
    Transcript::from_value(json!({
        "startTime": "2026-11-20T14:00:00Z", "endTime": "2026-11-20T15:00:00Z", "events": events
    }))
    .expect("a transcript")
}

/// Packs `t` as the writer does, `batch` events a blob; returns the pack, not done.
fn pack(store: &Store, id: &str, t: &Transcript, batch: usize) -> i64 {
    let pack = store.begin_pack(id).expect("begun");
    let mut buf = Vec::new();
    for (i, chunk) in t.events.chunks(batch.max(1)).enumerate() {
        store
            .pack_events(pack, (i * batch) as u64, chunk, &mut buf)
            .expect("packed");
    }
    pack
}

fn finish(store: &Store, pack: i64, t: &Transcript, when: DateTime<Utc>) {
    let head = Transcript {
        events: Vec::new(),
        ..t.clone()
    };
    store.finish_pack(pack, &head, when).expect("finished");
}

/// The stored transcript as a reader gets it: (events, start, end, fetched at).
fn stored(store: &Store, id: &str) -> Option<(Vec<Event>, Option<String>, DateTime<Utc>)> {
    store.get_transcript(id).expect("read").map(|s| {
        let t = s.transcript;
        (
            t.events,
            t.start_time.map(|s| s.raw.to_string()),
            s.fetched_at,
        )
    })
}

fn count(path: &Path, table: &str) -> i64 {
    Connection::open(path)
        .expect("raw open")
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_done_pack_reads_back_as_the_same_transcript_stored_whole() {
    let dir = TempDir::new("same");
    let mut store = Store::open(dir.store_path()).expect("store");
    store
        .put_session("p", &session("p"), at(0))
        .expect("session");
    store
        .put_session("w", &session("w"), at(0))
        .expect("session");
    let t = transcript(1000, "spooler");
    // Blobs of uneven sizes, as batches come.
    let p = pack(&store, "p", &t, 333);
    assert!(stored(&store, "p").is_none(), "not done: not seen");
    finish(&store, p, &t, at(5));
    assert_eq!(store.transcript_fetched_at("p").expect("read"), Some(at(5)));
    store.put_transcript("w", &t, at(5)).expect("whole");
    let packed = stored(&store, "p").expect("stored");
    assert_eq!(packed, stored(&store, "w").expect("stored"));
    assert_eq!(packed.0, t.events);
    assert_eq!(count(&dir.store_path(), "packs"), 0, "unpacked by the read");
    assert_eq!(count(&dir.store_path(), "packed"), 0);
    // Classified and searchable as a whole transcript is.
    let hits: usize = store
        .search("spooler", 100_000)
        .expect("search")
        .iter()
        .filter(|g| g.session_id == "p")
        .map(|g| g.hits.len())
        .sum();
    assert_eq!(hits, 1000);
    let roles = |id: &str| -> Vec<Option<String>> {
        Connection::open(dir.store_path())
            .expect("raw")
            .prepare("SELECT role FROM messages WHERE session_id = ?1 ORDER BY seq")
            .and_then(|mut s| {
                s.query_map([id], |r| r.get(0))
                    .and_then(|rows| rows.collect())
            })
            .expect("roles")
    };
    assert_eq!(roles("p"), roles("w"));
}

#[test]
fn every_reader_sees_a_done_pack_before_it_is_unpacked() {
    let dir = TempDir::new("readers");
    let t = transcript(50, "kettle");
    // Each reader on its own connection, as another process would, with the pack
    // (packed again each time) still waiting.
    let waiting = || {
        let s = Store::open(dir.store_path()).expect("store");
        let p = pack(&s, "r", &t, 16);
        finish(&s, p, &t, at(3));
        let fresh = Store::open(dir.store_path()).expect("store");
        assert!(fresh.has_waiting_packs().expect("read"));
        fresh
    };
    assert!(waiting().has_messages().expect("read"));
    assert!(waiting().has_transcript_messages("r").expect("read"));
    assert!(!waiting().has_transcript_messages("other").expect("read"));
    assert_eq!(
        waiting().transcript_fetched_at("r").expect("read"),
        Some(at(3))
    );
    assert_eq!(waiting().info().expect("info").messages, 50);
    assert_eq!(
        waiting()
            .search("kettle", 1000)
            .expect("search")
            .iter()
            .map(|g| g.hits.len())
            .sum::<usize>(),
        50
    );
    assert_eq!(stored(&waiting(), "r").expect("stored").0, t.events);
}

#[test]
fn a_pack_not_done_leaves_the_stored_copy_and_goes_when_dropped() {
    let dir = TempDir::new("notdone");
    let mut store = Store::open(dir.store_path()).expect("store");
    let old = transcript(10, "old");
    store.put_transcript("s", &old, at(1)).expect("stored");
    let p = pack(&store, "s", &transcript(20, "new"), 7);
    assert!(!store.has_waiting_packs().expect("read"));
    assert_eq!(stored(&store, "s").expect("stored").0, old.events);
    assert_eq!(store.search("new", 100).expect("search").len(), 0);
    store.drop_pack(p).expect("dropped");
    assert_eq!(count(&dir.store_path(), "packed"), 0);
    assert_eq!(stored(&store, "s").expect("stored").0, old.events);
}

#[test]
fn the_newest_answer_wins_whichever_way_it_was_stored() {
    let dir = TempDir::new("newest");
    let mut store = Store::open(dir.store_path()).expect("store");
    let (one, two, three) = (
        transcript(5, "one"),
        transcript(6, "two"),
        transcript(7, "three"),
    );
    let p1 = pack(&store, "n", &one, 2);
    finish(&store, p1, &one, at(1));
    let p2 = pack(&store, "n", &two, 2);
    finish(&store, p2, &two, at(2));
    assert_eq!(
        count(&dir.store_path(), "packs"),
        1,
        "the older pack is dropped"
    );
    assert_eq!(
        count(&dir.store_path(), "packed"),
        6,
        "its blobs left for later"
    );
    assert_eq!(stored(&store, "n").expect("stored").0, two.events);
    assert_eq!(
        count(&dir.store_path(), "packed"),
        0,
        "gone once a reader settled"
    );
    // A whole answer after a waiting pack replaces it.
    let p3 = pack(&store, "n", &one, 2);
    finish(&store, p3, &one, at(3));
    store.put_transcript("n", &three, at(4)).expect("whole");
    assert_eq!(count(&dir.store_path(), "packs"), 0);
    assert_eq!(stored(&store, "n").expect("stored").0, three.events);
    assert_eq!(store.search("one", 100).expect("search").len(), 0);
    // Unpacked by another connection: nothing left for this one.
    let p4 = pack(&store, "n", &two, 3);
    finish(&store, p4, &two, at(5));
    let other = Store::open(dir.store_path()).expect("store");
    other.settle().expect("settled");
    assert!(!store.unpack_one().expect("nothing left"));
    assert_eq!(stored(&store, "n").expect("stored").0, two.events);
}

#[test]
fn a_pack_abandoned_mid_answer_is_dropped_and_a_done_one_never() {
    let dir = TempDir::new("abandoned");
    let store = Store::open(dir.store_path()).expect("store");
    let t = transcript(30, "left");
    let _left = pack(&store, "a", &t, 10);
    let done = pack(&store, "b", &t, 10);
    finish(&store, done, &t, at(1));
    let now = Utc::now();
    assert_eq!(
        store.drop_abandoned_packs(now).expect("dropped"),
        0,
        "too early"
    );
    let later = now + ABANDONED_AFTER + chrono::Duration::minutes(1);
    assert_eq!(store.drop_abandoned_packs(later).expect("dropped"), 1);
    assert_eq!(count(&dir.store_path(), "packs"), 1);
    assert_eq!(
        count(&dir.store_path(), "packed"),
        3,
        "only the done pack's blobs"
    );
    assert_eq!(stored(&store, "b").expect("stored").0, t.events);
}

#[test]
fn a_damaged_pack_is_dropped_and_the_copy_before_it_stays() {
    let dir = TempDir::new("damaged");
    let mut store = Store::open(dir.store_path()).expect("store");
    let old = transcript(4, "kept");
    store.put_transcript("d", &old, at(1)).expect("stored");
    let t = transcript(40, "broken");
    let p = pack(&store, "d", &t, 10);
    finish(&store, p, &t, at(2));
    Connection::open(dir.store_path())
        .expect("raw")
        .execute(
            "UPDATE packed SET data = substr(data, 1, 7) WHERE seq = 10",
            [],
        )
        .expect("damaged");
    // Nothing half-written, no read stopped by it: the copy before stays.
    assert_eq!(stored(&store, "d").expect("stored").0, old.events);
    assert_eq!(count(&dir.store_path(), "packs"), 0);
    assert_eq!(count(&dir.store_path(), "packed"), 0);
    assert!(store.search("broken", 100).expect("search").is_empty());
}

#[test]
fn clear_and_prune_take_packs_with_them() {
    let dir = TempDir::new("clear");
    let mut store = Store::open(dir.store_path()).expect("store");
    let t = transcript(12, "gone");
    let waiting = pack(&store, "c", &t, 5);
    finish(&store, waiting, &t, at(1));
    // Kept by a prune older than its fetch: the pack's fetch time counts.
    assert_eq!(store.prune_before(at(0)).expect("pruned"), 0);
    assert_eq!(stored(&store, "c").expect("stored").0, t.events);
    let waiting = pack(&store, "c", &t, 5);
    finish(&store, waiting, &t, at(2));
    assert_eq!(store.prune_before(at(3)).expect("pruned"), 1);
    assert_eq!(count(&dir.store_path(), "packs"), 0, "pruned, not unpacked");
    assert_eq!(count(&dir.store_path(), "packed"), 0);
    assert!(stored(&store, "c").is_none());
    let _streaming = pack(&store, "e", &t, 5);
    let waiting = pack(&store, "f", &t, 5);
    finish(&store, waiting, &t, at(1));
    store.clear().expect("cleared");
    assert_eq!(count(&dir.store_path(), "packs"), 0);
    assert_eq!(count(&dir.store_path(), "packed"), 0);
}

/// The writer packs a streamed answer; with `Backlog::Leave` (print) it leaves it packed
/// for the next reader, with `Backlog::Work` (the viewer) it unpacks and indexes it itself.
#[test]
fn the_writer_leaves_a_pack_or_unpacks_it_by_its_backlog_mode() {
    let dir = TempDir::new("modes");
    let path = dir.store_path();
    let t = transcript(300, "toner");
    let leave = Writer::start(Store::open(&path).expect("store"), Backlog::Leave).expect("writer");
    leave.put_session("m", session("m"), at(0));
    let mut stream = leave.transcript_stream("m");
    for chunk in t.events.chunks(64) {
        stream.batch(&std::sync::Arc::new(chunk.to_vec()));
    }
    stream.end(t.clone(), at(1));
    assert_eq!(leave.close(), None);
    assert_eq!(count(&path, "packs"), 1, "left packed");
    assert_eq!(count(&path, "messages"), 0);

    let work = Writer::start(Store::open(&path).expect("store"), Backlog::Work).expect("writer");
    let deadline = Instant::now() + Duration::from_secs(30);
    while (count(&path, "packs") > 0 || count(&path, "unindexed") > 0) && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(count(&path, "packs"), 0, "unpacked by an idle writer");
    assert_eq!(count(&path, "unindexed"), 0, "and indexed");
    assert_eq!(work.close(), None);
    let store = Store::open(&path).expect("store");
    assert_eq!(stored(&store, "m").expect("stored").0, t.events);
}

/// A writer that leaves the backlog (print) still tidies what such writers leave: blobs
/// of packs a newer answer replaced, and packs abandoned mid-answer, as it starts.
#[test]
fn print_s_writer_tidies_what_others_left_as_it_starts() {
    let dir = TempDir::new("tidy");
    let path = dir.store_path();
    let t = transcript(20, "old");
    {
        let store = Store::open(&path).expect("store");
        let replaced = pack(&store, "t", &t, 5);
        finish(&store, replaced, &t, at(1));
        let waiting = pack(&store, "t", &t, 5);
        finish(&store, waiting, &t, at(2));
        let abandoned = pack(&store, "u", &t, 5);
        Connection::open(&path)
            .expect("raw")
            .execute(
                "UPDATE packs SET touched = '2000-01-01T00:00:00.000Z' WHERE id = ?1",
                [abandoned],
            )
            .expect("aged");
    }
    assert_eq!(count(&path, "packed"), 12);
    let writer = Writer::start(Store::open(&path).expect("store"), Backlog::Leave).expect("writer");
    assert_eq!(writer.close(), None);
    assert_eq!(count(&path, "packs"), 1, "the waiting pack alone");
    assert_eq!(count(&path, "packed"), 4, "and its blobs");
    assert_eq!(
        stored(&Store::open(&path).expect("store"), "t")
            .expect("stored")
            .0,
        t.events
    );
}

/// A stream that stalls past its pack being dropped (abandoned, or a `store clear`)
/// adds nothing to anyone else's: numbers are never handed out again, and a batch or an
/// end for a pack that is gone fails (the writer reports it) instead of passing.
#[test]
fn a_dropped_pack_takes_no_more_batches_and_its_number_stays_its_own() {
    let dir = TempDir::new("gone");
    let store = Store::open(dir.store_path()).expect("store");
    let t = transcript(10, "late");
    let stalled = pack(&store, "s", &t, 5);
    store.drop_pack(stalled).expect("dropped as abandoned");
    let next = store.begin_pack("other").expect("begun");
    assert_ne!(next, stalled, "a number is never reused");
    let mut buf = Vec::new();
    assert!(store.pack_events(stalled, 10, &t.events, &mut buf).is_err());
    let head = Transcript {
        events: Vec::new(),
        ..t.clone()
    };
    assert!(store.finish_pack(stalled, &head, at(1)).is_err());
    assert_eq!(count(&dir.store_path(), "packed"), 0);
}

/// Values of the wrong type in a pack's row or blobs (the tables are not STRICT) are
/// damage like a bad blob: the pack is dropped and reads go on.
#[test]
fn a_pack_with_values_of_the_wrong_type_is_dropped_too() {
    let dir = TempDir::new("types");
    let mut store = Store::open(dir.store_path()).expect("store");
    let old = transcript(3, "kept");
    store.put_transcript("w", &old, at(1)).expect("stored");
    for damage in [
        "UPDATE packed SET data = 'text, not a blob' WHERE seq = 5",
        "UPDATE packed SET seq = 'five' WHERE seq = 5",
        "UPDATE packs SET absent = 'maybe'",
        "UPDATE packs SET session_id = x'00ff'",
    ] {
        let t = transcript(10, "broken");
        let p = pack(&store, "w", &t, 5);
        finish(&store, p, &t, at(2));
        Connection::open(dir.store_path())
            .expect("raw")
            .execute(damage, [])
            .expect("damaged");
        assert_eq!(
            stored(&store, "w").expect("stored").0,
            old.events,
            "{damage}"
        );
        assert_eq!(count(&dir.store_path(), "packs"), 0, "{damage}");
    }
}

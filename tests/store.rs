//! The local store (issue 8) on a temporary directory: modes, refusals, atomic writes, pruning,
//! and full-text search as a technician types it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use g2a_tui::api::model::{Session, Transcript};
use g2a_tui::store::{Store, StoreError};
use rusqlite::Connection;
use serde_json::json;

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "g2a-tui-store-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    fn store_path(&self) -> PathBuf {
        self.0.join("data").join("store.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn at(day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, 12, 0, 0)
        .single()
        .expect("a valid test time")
}

fn session(id: &str, customer: &str, status: &str) -> Session {
    Session::from_value(json!({
        "sessionId": id,
        "status": status,
        "expertName": "Erin Expert",
        "customerName": customer,
        "startedAt": "2026-11-20T14:00:00Z",
    }))
    .expect("a session object")
}

fn transcript(lines: &[(&str, &str)]) -> Transcript {
    let events: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, (who, text))| {
            json!({
                "timeStamp": format!("2026-11-20T14:{:02}:00Z", i % 60),
                "participantName": who,
                "content": text,
            })
        })
        .collect();
    Transcript::from_value(json!({ "events": events })).expect("a transcript")
}

fn open(path: &Path) -> Store {
    Store::open(path).expect("the store opens")
}

/// A session id, its customer, and its chat as (participant, text).
type Chat<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// Stores each chat as a complete session with its transcript.
fn put_chats(store: &mut Store, chats: &[Chat]) {
    for (id, customer, lines) in chats {
        store
            .put_session(id, &session(id, customer, "complete"), at(20))
            .expect("session stored");
        store
            .put_transcript(id, &transcript(lines), at(20))
            .expect("transcript stored");
    }
}

/// A store with three sessions and their chats.
fn seeded(dir: &TempDir) -> Store {
    let mut store = open(&dir.store_path());
    let chats: [Chat; 3] = [
        (
            "111",
            "Carla Customer",
            &[
                ("Carla Customer", "Windows Update fails with 0x80070005"),
                ("Erin Expert", "That is access denied; let me look"),
                ("Erin Expert", "Uninstall KB-5034441 and retry"),
            ],
        ),
        (
            "222",
            "Dan Doe",
            &[
                ("Dan Doe", "my printer shows offline"),
                (
                    "Erin Expert",
                    "Printing should work after the spooler restart",
                ),
            ],
        ),
        (
            "333",
            "Eve Early",
            &[("Eve Early", "the access was denied yesterday, not today")],
        ),
    ];
    put_chats(&mut store, &chats);
    store
}

/// FTS5's own check that the index matches the messages table.
fn assert_index_in_step(path: &Path) {
    let conn = Connection::open(path).expect("raw open");
    g2a_tui::store::register_functions(&conn).expect("functions");
    conn.execute(
        "INSERT INTO message_index(message_index, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the search index matches the messages");
}

fn ids(store: &Store, query: &str) -> Vec<String> {
    store
        .search(query, 50)
        .unwrap_or_else(|e| panic!("search {query:?}: {e}"))
        .into_iter()
        .map(|g| g.session_id)
        .collect()
}

#[cfg(unix)]
#[test]
fn file_and_directory_modes_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = TempDir::new("modes");
    let path = dir.store_path();
    let mut store = open(&path);
    store
        .put_session("1", &session("1", "C", "active"), at(20))
        .expect("write");
    let mode = |p: &Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(path.parent().expect("a parent")), 0o700);
    assert_eq!(mode(&path), 0o600);
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        assert!(side.exists(), "{suffix} exists in WAL mode");
        assert_eq!(mode(&side), 0o600, "{suffix}");
    }
    drop(store);
    // A laxer file made by someone else is tightened on open.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let _store = open(&path);
    assert_eq!(mode(&path), 0o600);
}

#[test]
fn sessions_and_transcripts_round_trip() {
    let dir = TempDir::new("roundtrip");
    let store = seeded(&dir);
    let s = store.get_session("111").expect("read").expect("stored");
    assert_eq!(s.session.customer_name.as_deref(), Some("Carla Customer"));
    assert_eq!(s.session.session_id.as_deref(), Some("111"));
    assert_eq!(s.fetched_at, at(20));
    assert!(s.complete);
    let t = store.get_transcript("111").expect("read").expect("stored");
    assert_eq!(t.fetched_at, at(20));
    assert_eq!(
        t.transcript.events,
        transcript(&[
            ("Carla Customer", "Windows Update fails with 0x80070005"),
            ("Erin Expert", "That is access denied; let me look"),
            ("Erin Expert", "Uninstall KB-5034441 and retry"),
        ])
        .events
    );
    assert!(store.get_session("999").expect("read").is_none());
    assert!(store.get_transcript("999").expect("read").is_none());
    // Roles were classified against the stored session.
    let hits = store.search("0x80070005", 10).expect("search");
    assert_eq!(hits[0].hits[0].role.as_deref(), Some("customer"));
    let hits = store.search("uninstall", 10).expect("search");
    assert_eq!(hits[0].hits[0].role.as_deref(), Some("expert"));
}

#[test]
fn reopening_is_a_no_op_and_sets_the_version() {
    let dir = TempDir::new("reopen");
    drop(seeded(&dir));
    let conn = Connection::open(dir.store_path()).expect("raw open");
    let v: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(v, g2a_tui::store::schema::VERSION);
    drop(conn);
    let store = open(&dir.store_path());
    assert_eq!(store.info().expect("info").sessions, 3);
}

#[test]
fn a_failed_write_keeps_the_good_copy() {
    let dir = TempDir::new("failed");
    let mut store = seeded(&dir);
    // Make the next writes fail half-way, as a full disk or a crash would.
    let conn = Connection::open(dir.store_path()).expect("raw open");
    conn.execute_batch(
        "CREATE TRIGGER boom_m BEFORE INSERT ON messages WHEN new.text = 'boom'
             BEGIN SELECT RAISE(ABORT, 'boom'); END;
         CREATE TRIGGER boom_s BEFORE INSERT ON sessions WHEN new.status = 'waiting'
             BEGIN SELECT RAISE(ABORT, 'boom'); END;",
    )
    .expect("triggers");
    drop(conn);
    let err = store
        .put_transcript(
            "111",
            &transcript(&[("X", "the new first line"), ("X", "boom")]),
            at(21),
        )
        .expect_err("the write fails");
    assert!(err.to_string().contains("store.sqlite3"), "{err}");
    let t = store.get_transcript("111").expect("read").expect("kept");
    assert_eq!(t.fetched_at, at(20));
    assert_eq!(t.transcript.events.len(), 3);
    assert_eq!(
        ids(&store, "0x80070005"),
        ["111"],
        "the index still has the old chat"
    );
    assert!(
        ids(&store, "\"new first line\"").is_empty(),
        "and not the new one"
    );
    assert_index_in_step(&dir.store_path());

    store
        .put_session("111", &session("111", "Someone Else", "waiting"), at(21))
        .expect_err("the write fails");
    let s = store.get_session("111").expect("read").expect("kept");
    assert_eq!(s.session.customer_name.as_deref(), Some("Carla Customer"));
    assert_eq!(s.fetched_at, at(20));
}

#[test]
fn a_good_write_replaces_the_transcript_and_its_index() {
    let dir = TempDir::new("replace");
    let mut store = seeded(&dir);
    store
        .put_transcript(
            "111",
            &transcript(&[("Carla Customer", "all fixed now")]),
            at(22),
        )
        .expect("write");
    let t = store.get_transcript("111").expect("read").expect("stored");
    assert_eq!(t.transcript.events.len(), 1);
    assert_eq!(t.fetched_at, at(22));
    assert!(ids(&store, "0x80070005").is_empty());
    assert_eq!(ids(&store, "fixed"), ["111"]);
    assert_eq!(store.info().expect("info").messages, 4);
    assert_index_in_step(&dir.store_path());
}

#[test]
fn a_corrupt_file_is_reported_and_left_alone() {
    let dir = TempDir::new("corrupt");
    let path = dir.store_path();
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
    let garbage: Vec<u8> = b"not a database, just bytes "
        .iter()
        .copied()
        .cycle()
        .take(8192)
        .collect();
    std::fs::write(&path, &garbage).expect("write garbage");
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains(&path.display().to_string()), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
    assert_eq!(std::fs::read(&path).expect("read back"), garbage);
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = TempDir::new("newer");
    drop(seeded(&dir));
    let path = dir.store_path();
    let conn = Connection::open(&path).expect("raw open");
    conn.execute_batch("PRAGMA user_version = 99")
        .expect("bump");
    drop(conn);
    let before = std::fs::read(&path).expect("read");
    let err = Store::open(&path).expect_err("refused");
    assert!(
        matches!(err, StoreError::Newer { found: 99, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("newer g2a-tui"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), before);
}

#[test]
fn another_programs_database_is_refused() {
    let dir = TempDir::new("foreign");
    let path = dir.store_path();
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("dir");
    let conn = Connection::open(&path).expect("raw open");
    conn.execute_batch("CREATE TABLE theirs(x); INSERT INTO theirs VALUES (1);")
        .expect("their table");
    drop(conn);
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, StoreError::Foreign { .. }), "{err:?}");
}

#[test]
fn a_locked_store_is_reported() {
    let dir = TempDir::new("locked");
    drop(seeded(&dir));
    let path = dir.store_path();
    let other = Connection::open(&path).expect("second connection");
    other
        .execute_batch("BEGIN EXCLUSIVE; DELETE FROM sessions WHERE id = '222';")
        .expect("hold the lock");
    // Another process writing (a huge transcript, for seconds) does not keep a viewer
    // from opening the store and reading what is committed.
    let mut store = open(&path);
    assert_eq!(store.info().expect("info").sessions, 3);
    assert!(store.get_session("222").expect("read").is_some());

    // A write is refused while the lock is held, quickly, and the stored copy stays.
    let started = std::time::Instant::now();
    let err = store
        .put_session("111", &session("111", "Late Writer", "complete"), at(26))
        .expect_err("refused while locked");
    assert!(matches!(err, StoreError::Locked { .. }), "{err:?}");
    assert!(
        err.to_string()
            .ends_with("is locked by another process (another g2a-tui?)"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "a short busy timeout"
    );
    other.execute_batch("ROLLBACK").expect("release");
    let s = store.get_session("111").expect("read").expect("kept");
    assert_eq!(s.session.customer_name.as_deref(), Some("Carla Customer"));
    assert_eq!(open(&path).info().expect("info").sessions, 3);
}

#[test]
fn pruning_removes_what_was_not_seen_since() {
    let dir = TempDir::new("prune");
    let mut store = seeded(&dir);
    // 222's transcript was fetched again later: it stays. 333 only as a session, later: stays.
    store
        .put_transcript("222", &transcript(&[("Dan Doe", "printer back")]), at(25))
        .expect("write");
    store
        .put_session("333", &session("333", "Eve Early", "complete"), at(25))
        .expect("write");
    assert_eq!(store.prune_before(at(24)).expect("prune"), 1);
    assert!(store.get_session("111").expect("read").is_none());
    assert!(store.get_transcript("111").expect("read").is_none());
    assert!(ids(&store, "0x80070005").is_empty());
    assert!(store.get_session("222").expect("read").is_some());
    assert!(store.get_transcript("333").expect("read").is_some());
    assert_index_in_step(&dir.store_path());
    // By age, against the clock: a fresh store with one old and one recent fetch.
    let other = TempDir::new("prune-age");
    let mut store = open(&other.store_path());
    let now = Utc::now();
    let days = |n: i64| now - chrono::Duration::days(n);
    store
        .put_session("old", &session("old", "Old", "complete"), days(100))
        .expect("write");
    store
        .put_transcript("recent", &transcript(&[("R", "recent chat")]), days(1))
        .expect("write");
    assert_eq!(
        store
            .prune(Duration::from_secs(90 * 24 * 3600))
            .expect("prune"),
        1
    );
    assert!(store.get_session("old").expect("read").is_none());
    assert!(store.get_transcript("recent").expect("read").is_some());
    assert_eq!(store.prune(Duration::MAX).expect("prune nothing"), 0);
}

#[test]
fn clear_empties_the_store() {
    let dir = TempDir::new("clear");
    let mut store = seeded(&dir);
    store.clear().expect("clear");
    let info = store.info().expect("info");
    assert_eq!((info.sessions, info.messages, info.oldest), (0, 0, None));
    assert!(ids(&store, "printer").is_empty());
    assert_eq!(info.path, dir.store_path());
    assert_index_in_step(&dir.store_path());
    // Usable again afterwards.
    store
        .put_session("1", &session("1", "C", "active"), at(20))
        .expect("write");
}

#[test]
fn info_counts_and_finds_the_oldest() {
    let dir = TempDir::new("info");
    let mut store = seeded(&dir);
    let old = Session::from_value(json!({"sessionId": "9", "startedAt": "2025-01-02T03:04:05Z"}))
        .expect("session");
    store.put_session("9", &old, at(20)).expect("write");
    let info = store.info().expect("info");
    assert_eq!(info.sessions, 4);
    assert_eq!(info.messages, 6);
    assert_eq!(info.oldest.as_deref(), Some("2025-01-02T03:04:05Z"));
    assert!(info.bytes > 0);
}

#[test]
fn search_finds_a_phrase() {
    let dir = TempDir::new("phrase");
    let store = seeded(&dir);
    assert_eq!(ids(&store, "\"access denied\""), ["111"]);
    // Without quotes both words anywhere in one message.
    let mut loose = ids(&store, "access denied");
    loose.sort();
    assert_eq!(loose, ["111", "333"]);
    let groups = store.search("\"access denied\"", 10).expect("search");
    let hit = &groups[0].hits[0];
    assert_eq!(hit.participant.as_deref(), Some("Erin Expert"));
    assert_eq!(hit.time.as_deref(), Some("2026-11-20T14:01:00Z"));
    assert!(hit
        .snippet_parts()
        .iter()
        .any(|(t, m)| *m && t.eq_ignore_ascii_case("access denied")));
    assert_eq!(
        groups[0]
            .session
            .as_ref()
            .and_then(|s| s.customer_name.as_deref()),
        Some("Carla Customer")
    );
}

#[test]
fn prefixes_and_case() {
    let dir = TempDir::new("prefix");
    let store = seeded(&dir);
    assert_eq!(ids(&store, "print*"), ["222"]);
    assert!(
        ids(&store, "print").is_empty(),
        "a whole word without the star"
    );
    assert_eq!(ids(&store, "PRINTER"), ["222"]);
    assert_eq!(ids(&store, "\"spooler rest\"*"), ["222"]);
    // Operators are words: NOT does not negate, OR does not widen.
    assert!(ids(&store, "printer NOT offline").is_empty());
}

#[test]
fn error_codes_are_found_as_typed() {
    let dir = TempDir::new("codes");
    let store = seeded(&dir);
    assert_eq!(ids(&store, "0x80070005"), ["111"]);
    assert_eq!(ids(&store, "KB-5034441"), ["111"]);
    assert_eq!(ids(&store, "kb-5034441 uninstall"), ["111"]);
    assert!(ids(&store, "KB-5034442").is_empty());
}

#[test]
fn results_are_grouped_best_first() {
    let dir = TempDir::new("grouped");
    let store = seeded(&dir);
    let groups = store.search("erin OR printer", 50).expect("search");
    // "erin" matches participant names in 111 and 222; every message needs "or" too... none.
    assert!(groups.is_empty());
    let groups = store.search("erin", 50).expect("search");
    let ids: Vec<_> = groups.iter().map(|g| g.session_id.as_str()).collect();
    assert_eq!(ids.len(), 2);
    let g111 = groups.iter().find(|g| g.session_id == "111").expect("111");
    assert_eq!(
        g111.hits.iter().map(|h| h.seq).collect::<Vec<_>>(),
        [1, 2],
        "in transcript order"
    );
    assert!(groups.windows(2).all(|w| w[0].rank <= w[1].rank));
    assert_eq!(store.search("erin", 1).expect("search").len(), 1);
}

#[test]
fn a_malformed_query_gives_a_clear_error() {
    let dir = TempDir::new("malformed");
    let store = seeded(&dir);
    for q in ["\"access denied", "", "  * - ( ) "] {
        let err = store.search(q, 10).expect_err("refused");
        assert!(matches!(err, StoreError::Query { .. }), "{q:?}: {err:?}");
        let msg = err.to_string();
        assert!(msg.starts_with("cannot search for "), "{msg}");
        assert!(!msg.contains('\n'), "{msg}");
        assert!(!msg.to_ascii_lowercase().contains("fts5"), "{msg}");
        assert!(!msg.to_ascii_lowercase().contains("syntax"), "{msg}");
    }
}

#[test]
fn list_rows_never_replace_full_sessions() {
    let dir = TempDir::new("listrows");
    let mut store = seeded(&dir);
    let row = |id: &str, customer: &str, started: &str| {
        Session::from_value(json!({
            "sessionId": id, "status": "active", "customerName": customer, "startedAt": started,
        }))
        .expect("a list row")
    };
    let no_id = Session::from_value(json!({"customerName": "No Id"})).expect("a list row");
    let stored = store
        .put_list_rows(
            &[
                row("111", "From The List", "2026-11-20T14:00:00Z"),
                row("444", "Listed Only", "2026-11-23T09:00:00Z"),
                no_id,
            ],
            at(23),
        )
        .expect("write");
    assert_eq!(
        stored, 1,
        "111 keeps its details; the row without an id is skipped"
    );
    let s = store.get_session("111").expect("read").expect("kept");
    assert_eq!(s.session.customer_name.as_deref(), Some("Carla Customer"));
    assert!(!s.from_list);
    let listed = store.get_session("444").expect("read").expect("stored");
    assert!(listed.from_list && !listed.complete);
    // A later list row refreshes a list row; the details replace it.
    store
        .put_list_rows(
            &[row("444", "Listed Again", "2026-11-23T09:00:00Z")],
            at(24),
        )
        .expect("write");
    let again = store.get_session("444").expect("read").expect("stored");
    assert_eq!(again.session.customer_name.as_deref(), Some("Listed Again"));
    let details = Session::from_value(json!({
        "sessionId": "444", "status": "complete", "customerName": "Full Details",
        "startedAt": "2026-11-24T09:00:00Z",
    }))
    .expect("a session");
    store.put_session("444", &details, at(25)).expect("write");
    let full = store.get_session("444").expect("read").expect("stored");
    assert!(!full.from_list && full.complete);
    // Every stored session, the latest start first.
    let all: Vec<_> = store
        .sessions()
        .expect("list")
        .into_iter()
        .map(|s| s.session.session_id.unwrap_or_default())
        .collect();
    assert_eq!(all.len(), 4);
    assert_eq!(all[0], "444", "444 started last: {all:?}");
}

/// Chinese, Japanese and Korean are written without spaces between words (Korean attaches
/// its particles): a search for a run of their characters finds it inside a longer run,
/// in the text and in a participant's name, and the snippet shows the text as it was sent.
#[test]
fn a_run_of_cjk_characters_is_found_inside_a_longer_one() {
    let dir = TempDir::new("cjk");
    let mut store = open(&dir.store_path());
    let chats: [Chat; 3] = [
        (
            "501",
            "王伟",
            &[
                ("王伟", "网络无法连接，请检查设置"),
                ("王伟", "请安装KB5034441更新补丁"),
            ],
        ),
        (
            "502",
            "佐藤",
            &[("佐藤", "プリンターの設定を確認してください")],
        ),
        ("503", "김민수", &[("김민수", "서버가 응답하지 않습니다")]),
    ];
    put_chats(&mut store, &chats);
    assert_eq!(ids(&store, "无法连接"), ["501"]);
    assert_eq!(
        ids(&store, "连接 设置"),
        ["501"],
        "two runs, both in one message"
    );
    assert_eq!(ids(&store, "設定を確認"), ["502"]);
    assert_eq!(ids(&store, "プリンター"), ["502"]);
    assert_eq!(ids(&store, "서버"), ["503"], "a word with its particle");
    assert_eq!(ids(&store, "응답*"), ["503"], "a prefix");
    assert_eq!(
        ids(&store, "民"),
        Vec::<String>::new(),
        "a character it does not hold"
    );
    assert_eq!(ids(&store, "伟"), ["501"], "in the participant's name");
    // Next to Latin letters and digits, as error codes and product names are written.
    assert_eq!(ids(&store, "KB5034441更新"), ["501"]);
    assert_eq!(ids(&store, "更新补丁"), ["501"]);
    assert_eq!(ids(&store, "安装"), ["501"]);
    assert_eq!(ids(&store, "KB5034441"), ["501"]);
    // A run is a phrase: its characters apart do not match.
    assert!(ids(&store, "连网").is_empty());
    let groups = store.search("检查设置", 10).expect("search");
    let parts = groups[0].hits[0].snippet_parts();
    let text: String = parts.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(text, "网络无法连接，请检查设置", "{parts:?}");
    let matched: String = parts
        .iter()
        .filter(|(_, m)| *m)
        .map(|(t, _)| t.as_str())
        .collect();
    assert_eq!(matched, "检查设置", "{parts:?}");
    assert_index_in_step(&dir.store_path());
    // Replacing and pruning take the split rows out of the index again.
    store
        .put_transcript("501", &transcript(&[("王伟", "已经好了")]), at(21))
        .expect("replaced");
    assert!(ids(&store, "无法连接").is_empty());
    assert_eq!(ids(&store, "好了"), ["501"]);
    assert_index_in_step(&dir.store_path());
}

/// A store from before the split index (version 4, its index built from the messages as
/// they are) is re-indexed: the old index is dropped, every message waits to be indexed,
/// and the first search finds runs inside runs.
#[test]
fn a_version_4_store_is_indexed_again() {
    let dir = TempDir::new("v4");
    std::fs::create_dir_all(dir.store_path().parent().expect("dir")).expect("dir");
    {
        let mut conn = Connection::open(dir.store_path()).expect("file");
        g2a_tui::store::schema::migrate(&mut conn, &g2a_tui::store::schema::MIGRATIONS[..4])
            .expect("v4");
        conn.execute_batch(
            "INSERT INTO transcripts VALUES ('600', NULL, NULL, 0, '2026-11-20T12:00:00.000Z');
             INSERT INTO messages(session_id, seq, time, participant, role, text)
                 VALUES ('600', 0, NULL, '王伟', 'customer', '网络无法连接');
             INSERT INTO messages(session_id, seq, time, participant, role, text)
                 VALUES ('600', 1, NULL, 'Erin Expert', 'expert', 'restart the router');
             INSERT INTO messages_fts(rowid, participant, text)
                 SELECT id, participant, text FROM messages;",
        )
        .expect("an old copy");
        let old: i64 = conn
            .query_row(
                "SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '\"无法连接\"'",
                [],
                |r| r.get(0),
            )
            .expect("old search");
        assert_eq!(old, 0, "the old index holds the run as one word");
    }
    let store = open(&dir.store_path());
    // An older build still running writes to the old index's name, which is gone: its
    // write fails instead of putting unsplit text in the new index.
    let old_build = Connection::open(dir.store_path()).expect("raw");
    assert!(old_build
        .execute(
            "INSERT INTO messages_fts(rowid, participant, text) VALUES (1, 'a', 'b')",
            [],
        )
        .is_err());
    assert!(store.has_unindexed().expect("read"));
    assert_eq!(ids(&store, "无法连接"), ["600"]);
    assert_eq!(ids(&store, "router"), ["600"]);
    assert!(!store.has_unindexed().expect("read"));
    assert_index_in_step(&dir.store_path());
}

/// The index holds the text as it is shown: the parameters of an escape sequence and
/// invisible characters are no part of a word; a hit on the speaker's name shows the
/// message, not the name; a bad query is echoed short.
#[test]
fn the_index_holds_what_is_shown() {
    let dir = TempDir::new("shown");
    let mut store = open(&dir.store_path());
    let lines = [
        (
            "Eve Mallory",
            "\u{1b}[1mBold\u{1b}[0m claim and \u{1b}[2Jwipe",
        ),
        ("Eve Mallory", "an \u{2066}isolate\u{2069}d word"),
    ];
    put_chats(&mut store, &[("700", "Eve Mallory", &lines)]);
    assert_eq!(ids(&store, "bold"), ["700"]);
    assert_eq!(ids(&store, "wipe"), ["700"]);
    assert!(ids(&store, "1mbold").is_empty(), "no escape parameters");
    assert!(ids(&store, "2j").is_empty(), "no escape parameters");
    assert_eq!(ids(&store, "isolated"), ["700"]);
    let groups = store.search("mallory", 10).expect("search");
    let texts: Vec<String> = groups[0]
        .hits
        .iter()
        .map(|h| h.snippet_parts().into_iter().map(|(t, _)| t).collect())
        .collect();
    assert!(
        texts
            .iter()
            .all(|t| t.contains("claim") || t.contains("word")),
        "{texts:?}"
    );
    assert_index_in_step(&dir.store_path());
    let long = format!("\"{}", "x".repeat(5_000));
    let e = store.search(&long, 10).err().map(|e| e.to_string());
    assert!(
        e.as_deref().is_some_and(|e| e.chars().count() < 200),
        "{e:?}"
    );
}

/// A session holding most of the newest matches (a bot's transcript of thousands of
/// messages, stored last) does not hide the sessions stored before it: they are ranked
/// in a window of their own and share the hits shown.
#[test]
fn one_crowded_session_does_not_hide_the_others() {
    use g2a_tui::store::SEARCH_CANDIDATES;
    let dir = TempDir::new("crowded");
    let mut store = open(&dir.store_path());
    put_chats(
        &mut store,
        &[(
            "111",
            "Morgan Lee",
            &[
                ("Morgan Lee", "the printer jams again"),
                ("Erin Expert", "hello"),
            ],
        )],
    );
    let n = SEARCH_CANDIDATES + 2_000;
    let lines: Vec<(String, String)> = (0..n)
        .map(|i| ("Bot".to_string(), format!("printer status report {i}")))
        .collect();
    let lines: Vec<(&str, &str)> = lines
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    put_chats(&mut store, &[("999", "Bot Owner", &lines)]);
    for since in [None, Some(at(1))] {
        let groups = store.search_since("printer", 200, since).expect("search");
        let ids: Vec<&str> = groups.iter().map(|g| g.session_id.as_str()).collect();
        assert!(ids.contains(&"111") && ids.contains(&"999"), "{ids:?}");
        let total: usize = groups.iter().map(|g| g.hits.len()).sum();
        assert!(total <= 200, "{total}");
        let old = groups
            .iter()
            .find(|g| g.session_id == "111")
            .expect("the older session");
        assert_eq!(old.hits.len(), 1);
        assert_eq!(old.hits[0].seq, 0);
    }
    // A word only the crowded session holds is searched as before.
    let groups = store.search("status", 50).expect("search");
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].hits.len(), 50);
}

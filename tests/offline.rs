//! The store wired in (issue 8): good answers stored through `Source` and its writer
//! thread, the stored copy standing in when the network fails (and only then), `--offline`
//! with no request, and the pane's "offline · from …" marker in the reducer.

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::KeyCode;
use g2a_tui::api::worker::{Answer, Fetch, Request, RequestId, StoredAnswer};
use g2a_tui::api::{ApiError, AuthScheme, Client, ClientConfig, Endpoint, Session, Transcript};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::App;
use g2a_tui::source::Source;
use g2a_tui::store::writer::Backlog;
use g2a_tui::store::{Store, StoreSettings};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "g2a-tui-offline-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    fn store_path(&self) -> PathBuf {
        self.0.join("store.sqlite3")
    }

    fn settings(&self) -> StoreSettings {
        StoreSettings {
            path: Some(self.store_path()),
            ..StoreSettings::default()
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const ID: &str = "482913657";

fn stored_at() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 16, 5, 0)
        .single()
        .expect("a valid time")
}

fn session_json(customer: &str) -> serde_json::Value {
    json!({
        "sessionId": ID, "status": "complete", "sessionType": "screen_sharing",
        "expertName": "Dana Whitfield", "customerName": customer,
        "startedAt": "2026-11-20T14:02:11Z", "endedAt": "2026-11-20T14:51:29Z"
    })
}

fn transcript_json(lines: &[&str]) -> serde_json::Value {
    let events: Vec<_> = lines
        .iter()
        .enumerate()
        .map(|(i, text)| {
            json!({
                "timeStamp": format!("2026-11-20T14:{:02}:00Z", 5 + i),
                "participantName": "Morgan Lee",
                "content": text,
            })
        })
        .collect();
    json!({ "sessionId": ID, "events": events })
}

fn session(customer: &str) -> Session {
    Session::from_value(session_json(customer)).expect("a session")
}

fn transcript(lines: &[&str]) -> Transcript {
    Transcript::from_value(transcript_json(lines)).expect("a transcript")
}

fn client(server: &MockServer, timeout: Duration) -> Client {
    Client::new(&ClientConfig {
        base_url: server.uri(),
        token: Some("offline-test-token".into()),
        auth_scheme: AuthScheme::Bearer,
        timeout,
        ..ClientConfig::default()
    })
    .expect("client")
}

/// A store holding the session (customer "Stored Customer") and a two-line chat.
fn seed(dir: &TempDir) {
    let mut store = Store::open(dir.store_path()).expect("store");
    store
        .put_session(ID, &session("Stored Customer"), stored_at())
        .expect("session stored");
    store
        .put_transcript(
            ID,
            &transcript(&["stored hello", "stored bye"]),
            stored_at(),
        )
        .expect("transcript stored");
}

fn read(dir: &TempDir) -> (Option<String>, Vec<String>) {
    let store = Store::open(dir.store_path()).expect("store");
    let customer = store
        .get_session(ID)
        .expect("read")
        .and_then(|s| s.session.customer_name);
    let lines = store
        .get_transcript(ID)
        .expect("read")
        .map(|t| t.transcript.events.into_iter().map(|e| e.content).collect())
        .unwrap_or_default();
    (customer, lines)
}

fn open(client: Client, dir: &TempDir) -> Source {
    let (source, problem) = Source::open(client, &dir.settings(), false, Backlog::Work);
    assert_eq!(problem, None);
    source
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn good_answers_are_stored_and_failed_ones_replace_nothing() {
    let dir = TempDir::new("replace");
    let server = MockServer::start().await;
    let session_path = format!("/G2A/rest/v1/sessions/{ID}");
    let events_path = format!("/G2A/rest/v1/sessions/{ID}/events");
    Mock::given(method("GET"))
        .and(path(session_path.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_json("First Customer")))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(events_path.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(transcript_json(&["one", "two"])))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let source = open(client(&server, Duration::from_secs(5)), &dir);
    let fresh = source.session_or_stored(ID).await.expect("fetched");
    assert_eq!(fresh.stored_at, None);
    let fresh = source.transcript_or_stored(ID).await.expect("fetched");
    assert_eq!(fresh.stored_at, None);
    source.writer.as_ref().expect("a writer").flush();
    let good = (
        Some("First Customer".to_string()),
        vec!["one".into(), "two".into()],
    );
    assert_eq!(read(&dir), good);

    // Now the session answers 503 and the transcript with a shape nobody knows.
    server.reset().await;
    Mock::given(method("GET"))
        .and(path(session_path))
        .respond_with(ResponseTemplate::new(503).set_body_string("down for maintenance"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(events_path))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!("not a transcript")))
        .mount(&server)
        .await;
    // The 503 is the network's failure: the stored copy stands in, marked.
    let stand_in = source.session_or_stored(ID).await.expect("the stored copy");
    assert!(stand_in.stored_at.is_some());
    assert_eq!(
        stand_in.value.customer_name.as_deref(),
        Some("First Customer")
    );
    // A bad answer is not the network's failure: it is reported, not papered over.
    match source.transcript_or_stored(ID).await {
        Err(ApiError::BadShape { .. }) => {}
        other => panic!("expected a bad shape, got {other:?}"),
    }
    assert_eq!(source.close(), None);
    assert_eq!(read(&dir), good, "a failed answer replaced a good one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timeout_gives_the_stored_copy_and_a_404_does_not() {
    let dir = TempDir::new("timeout");
    seed(&dir);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{ID}")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(session_json("Slow Customer"))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let source = open(client(&server, Duration::from_millis(300)), &dir);
    let copy = source.session_or_stored(ID).await.expect("the stored copy");
    assert_eq!(copy.stored_at, Some(stored_at()));
    assert_eq!(copy.value.customer_name.as_deref(), Some("Stored Customer"));

    // A 404 is the server's answer ("not found"): never hidden behind a stored copy.
    let other = MockServer::start().await;
    let source = open(client(&other, Duration::from_secs(5)), &dir);
    match source.session_or_stored(ID).await {
        Err(e @ ApiError::NotFound { .. }) => assert!(!e.is_network()),
        other => panic!("expected not found, got {other:?}"),
    }
    // The transcript's 404 ("no transcript", as after the vendor's 30 days) does not
    // wipe the stored messages.
    let t = source
        .transcript_or_stored(ID)
        .await
        .expect("no transcript");
    assert!(t.value.absence.is_some());
    assert_eq!(source.close(), None);
    assert_eq!(read(&dir).1, vec!["stored hello", "stored bye"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_reads_the_store_and_makes_no_request() {
    let dir = TempDir::new("offline");
    seed(&dir);
    let client = Client::offline().expect("an offline client needs no token");
    let (source, problem) = Source::open(client, &dir.settings(), true, Backlog::Work);
    assert_eq!(problem, None);
    assert!(source.offline);
    assert!(source.writer.is_none(), "offline writes nothing");
    let s = source
        .session_or_stored(&format!("#{ID}"))
        .await
        .expect("stored");
    assert_eq!(s.stored_at, Some(stored_at()));
    let t = source.transcript_or_stored(ID).await.expect("stored");
    assert_eq!(t.value.events.len(), 2);
    // Whatever else asks, the client itself refuses to reach out.
    match source.system_links("helpdesk.example").await {
        Err(ApiError::Offline {
            endpoint: Endpoint::Links,
            ..
        }) => {}
        other => panic!("expected offline, got {other:?}"),
    }
    let missing = source
        .session_or_stored("123")
        .await
        .expect_err("not stored");
    assert_eq!(
        missing.to_string(),
        "#123 is not in the local store; run without --offline to fetch it"
    );
    assert_eq!(missing.class(), g2a_tui::api::ErrorClass::NotFound);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrupt_store_is_named_in_one_line_and_left_alone() {
    let dir = TempDir::new("corrupt");
    std::fs::create_dir_all(&dir.0).expect("dir");
    let bytes = b"this is not an SQLite database, and it must stay exactly so".repeat(100);
    std::fs::write(dir.store_path(), &bytes).expect("write");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{ID}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(session_json("Any Customer")))
        .mount(&server)
        .await;
    let (source, problem) = Source::open(
        client(&server, Duration::from_secs(5)),
        &dir.settings(),
        false,
        Backlog::Work,
    );
    let problem = problem.expect("the problem is reported");
    assert!(problem.contains("not a database"), "{problem}");
    assert!(!problem.contains('\n'), "{problem}");
    // The program goes on without it.
    assert!(source.session_or_stored(ID).await.is_ok());
    assert_eq!(source.close(), None);
    assert_eq!(std::fs::read(dir.store_path()).expect("read"), bytes);
}

/// The app after `start`, with the ids of its session and transcript requests.
fn started() -> (App, RequestId, RequestId) {
    let now = Instant::now();
    let mut app = common::app(Some(ID), None, (160, 40), now);
    let fx = start(&mut app, now);
    let (s, t) = request_ids(&fx);
    (app, s, t)
}

fn request_ids(fx: &[Effect]) -> (RequestId, RequestId) {
    let (mut s, mut t) = (RequestId(0), RequestId(0));
    for e in fx {
        match e {
            Effect::Fetch(Request::Session { id, .. }) => s = *id,
            Effect::Fetch(Request::Transcript { id, .. }) => t = *id,
            _ => {}
        }
    }
    (s, t)
}

fn feed(app: &mut App, a: Answer) -> Vec<Effect> {
    let (now, wall) = (app.now, app.wall);
    update(app, Msg::Answer(a), now, wall)
}

#[test]
fn a_stored_copy_is_marked_offline_until_a_good_answer() {
    let (mut app, s, t) = started();
    feed(
        &mut app,
        Answer::Stored(
            s,
            StoredAnswer::Session(session("Stored Customer"), stored_at()),
        ),
    );
    feed(
        &mut app,
        Answer::Stored(
            t,
            StoredAnswer::Transcript(transcript(&["stored hello"]), stored_at()),
        ),
    );
    let screen = common::screen(&common::draw(&app));
    // Times in the chosen zone (UTC here), as the session pane writes them.
    let marker = "offline · from 2026-11-20 16:05:00 UTC";
    assert_eq!(screen.matches(marker).count(), 2, "{screen}");
    assert!(screen.contains("Stored Customer"), "{screen}");
    assert!(screen.contains("stored hello"), "{screen}");

    // A refresh that succeeds clears the marker, pane by pane.
    let fx = common::key(&mut app, KeyCode::Char('r'));
    let (s, t) = request_ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session("Fresh Customer"))));
    let screen = common::screen(&common::draw(&app));
    assert_eq!(screen.matches(marker).count(), 1, "{screen}");
    feed(
        &mut app,
        Answer::Transcript(t, Ok(transcript(&["fresh hello"]))),
    );
    let screen = common::screen(&common::draw(&app));
    assert!(!screen.contains("offline"), "{screen}");
    assert!(screen.contains("Fresh Customer"), "{screen}");
}

#[test]
fn a_failed_refresh_keeps_the_stored_copy_marked() {
    let (mut app, s, _) = started();
    feed(
        &mut app,
        Answer::Stored(
            s,
            StoredAnswer::Session(session("Stored Customer"), stored_at()),
        ),
    );
    let fx = common::key(&mut app, KeyCode::Char('r'));
    let (s, _) = request_ids(&fx);
    feed(
        &mut app,
        Answer::Session(
            s,
            Err(ApiError::Unauthorized {
                endpoint: Endpoint::Session,
            }),
        ),
    );
    let s = app.session().expect("a session");
    assert_eq!(s.session.stored_at, Some(stored_at()));
    assert!(s.session.error().is_some());
}

#[test]
fn a_store_that_cannot_be_used_is_named_in_the_status_line() {
    let (app, _, _) = started();
    let app = g2a_tui::viewer::with_store_problem(
        app,
        Some("store /tmp/x.sqlite3 is locked by another g2a-tui".into()),
    );
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("store /tmp/x.sqlite3 is locked by another g2a-tui; going on without it"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_prunes_what_was_not_seen_for_keep_days() {
    let dir = TempDir::new("keep");
    {
        let mut store = Store::open(dir.store_path()).expect("store");
        let days_ago = |d: i64| Utc::now() - chrono::Duration::days(d);
        store
            .put_session("100", &session("Old Customer"), days_ago(31))
            .expect("stored");
        store
            .put_session(ID, &session("Recent Customer"), days_ago(29))
            .expect("stored");
    }
    let server = MockServer::start().await;
    let settings = StoreSettings {
        keep_days: 30,
        ..dir.settings()
    };
    let (source, problem) = Source::open(
        client(&server, Duration::from_secs(5)),
        &settings,
        false,
        Backlog::Work,
    );
    assert_eq!(problem, None);
    assert_eq!(source.close(), None);
    let store = Store::open(dir.store_path()).expect("store");
    assert!(store.get_session("100").expect("read").is_none());
    assert!(store.get_session(ID).expect("read").is_some());
}

/// A live session's poll re-sends the whole transcript every few seconds: the writer
/// rewrites it only when it changed, and otherwise records the new fetch time.
#[test]
fn an_unchanged_transcript_is_not_rewritten_but_its_fetch_time_moves() {
    use g2a_tui::store::writer::Writer;
    let dir = TempDir::new("unchanged");
    let writer = Writer::start(Store::open(dir.store_path()).expect("store"), Backlog::Work)
        .expect("writer");
    let at = |min: u32| {
        Utc.with_ymd_and_hms(2026, 11, 20, 16, min, 0)
            .single()
            .expect("time")
    };
    let chat = transcript(&["one", "two"]);
    writer.put_transcript(ID, chat.clone(), at(1));
    writer.flush();
    // Unpacked (as any reader would), then marked behind the writer's back, to see
    // whether it is rewritten.
    Store::open(dir.store_path())
        .expect("store")
        .settle()
        .expect("unpacked");
    let raw = rusqlite::Connection::open(dir.store_path()).expect("raw");
    raw.execute("UPDATE messages SET text = 'marked' WHERE seq = 0", [])
        .expect("marked");
    writer.put_transcript(ID, chat.clone(), at(2));
    writer.flush();
    let stored = |dir: &TempDir| {
        let store = Store::open(dir.store_path()).expect("store");
        let t = store.get_transcript(ID).expect("read").expect("stored");
        let lines: Vec<String> = t.transcript.events.into_iter().map(|e| e.content).collect();
        (lines, t.fetched_at)
    };
    assert_eq!(stored(&dir), (vec!["marked".into(), "two".into()], at(2)));
    // Something new: written in full.
    writer.put_transcript(ID, transcript(&["one", "two", "three"]), at(3));
    writer.flush();
    assert_eq!(stored(&dir).0, vec!["one", "two", "three"]);
    assert_eq!(writer.close(), None);
}

/// A transcript that grew or changed at its end is stored by writing what is new: the rows
/// before stay as they were, and the search index still matches the table.
#[test]
fn a_transcript_changed_at_its_end_writes_only_what_is_new() {
    let dir = TempDir::new("grown");
    let mut store = Store::open(dir.store_path()).expect("store");
    store
        .put_transcript(
            ID,
            &transcript(&["printer offline", "which model"]),
            stored_at(),
        )
        .expect("stored");
    // Another session's messages after these, so a rewrite could not reuse the row ids.
    store
        .put_transcript("777", &transcript(&["something else"]), stored_at())
        .expect("stored");
    let raw = rusqlite::Connection::open(dir.store_path()).expect("raw");
    g2a_tui::store::register_functions(&raw).expect("functions");
    let ids = |raw: &rusqlite::Connection| -> Vec<(i64, String)> {
        let mut stmt = raw
            .prepare("SELECT id, text FROM messages WHERE session_id = ?1 ORDER BY seq")
            .expect("query");
        stmt.query_map([ID], |r| Ok((r.get(0)?, r.get(1)?)))
            .and_then(|rows| rows.collect())
            .expect("rows")
    };
    let before = ids(&raw);
    store
        .put_transcript(
            ID,
            &transcript(&["printer offline", "which model", "a Brother HL-L2350DW"]),
            stored_at(),
        )
        .expect("stored");
    let after = ids(&raw);
    assert_eq!(after[..2], before[..], "the old rows were rewritten");
    assert_eq!(after.len(), 3);
    raw.execute(
        "INSERT INTO message_index(message_index, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the index matches the messages");
    let hits = store.search("brother", 10).expect("search");
    assert_eq!(hits.len(), 1);
    // The last message changed: the ones before it stay too.
    store
        .put_transcript(
            ID,
            &transcript(&["printer offline", "which model", "an Epson, sorry"]),
            stored_at(),
        )
        .expect("stored");
    let changed = ids(&raw);
    assert_eq!(changed[..2], before[..]);
    assert_eq!(changed[2].1, "an Epson, sorry");
    assert!(store.search("brother", 10).expect("search").is_empty());
    assert_eq!(store.search("epson", 10).expect("search").len(), 1);
    // The first message changed: the whole transcript is written again.
    store
        .put_transcript(ID, &transcript(&["printer back online"]), stored_at())
        .expect("stored");
    assert_eq!(ids(&raw).len(), 1);
    assert!(store.search("brother", 10).expect("search").is_empty());
    raw.execute(
        "INSERT INTO message_index(message_index, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the index matches the messages");
}

/// Under `--offline` the partner links are simply not there: the pane says so plainly,
/// its title says "offline", and the status line raises no warning (the trial found all
/// three reading as a failure).
#[test]
fn offline_links_read_as_offline_not_as_a_failure() {
    let now = Instant::now();
    let mut app = common::app(Some(ID), Some("helpdesk.example"), (120, 40), now);
    let fx = start(&mut app, now);
    let (s, t) = request_ids(&fx);
    let links = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Links { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a links request");
    feed(
        &mut app,
        Answer::Stored(
            s,
            StoredAnswer::Session(session("Stored Customer"), stored_at()),
        ),
    );
    feed(
        &mut app,
        Answer::Stored(
            t,
            StoredAnswer::Transcript(transcript(&["stored hello"]), stored_at()),
        ),
    );
    feed(
        &mut app,
        Answer::Links(
            links,
            Err(ApiError::Offline {
                endpoint: Endpoint::Links,
                id: String::new(),
            }),
        ),
    );
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("Partner links · offline · helpdesk.example"),
        "{screen}"
    );
    assert!(
        screen.contains("│partner links are not available offline"),
        "{screen}"
    );
    assert!(!screen.contains('⚠'), "{screen}");
    assert!(!screen.contains("failed"), "{screen}");
}

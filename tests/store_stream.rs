//! Issue 11: a transcript is written to the store as it streams in, batch by batch, over
//! real HTTP on loopback; only a complete answer replaces the stored copy.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use g2a_tui::api::fetch::Progress;
use g2a_tui::api::worker::Fetch;
use g2a_tui::api::{ApiError, AuthScheme, Client, ClientConfig, Session, Transcript};
use g2a_tui::source::Source;
use g2a_tui::store::writer::{Backlog, Writer};
use g2a_tui::store::{Store, StoreSettings};
use rusqlite::Connection;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::TempDir;

fn settings(dir: &TempDir) -> StoreSettings {
    StoreSettings {
        path: Some(dir.store_path()),
        ..StoreSettings::default()
    }
}

const ID: &str = "482913657";

fn at(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 16, min, 0)
        .single()
        .expect("a valid time")
}

fn session() -> Session {
    Session::from_value(json!({
        "sessionId": ID, "status": "complete", "sessionType": "screen_sharing",
        "expertName": "Dana Whitfield", "customerName": "Morgan Lee",
        "startedAt": "2026-11-20T14:02:11Z", "endedAt": "2026-11-20T14:51:29Z"
    }))
    .expect("a session")
}

/// Event `i` of a chat between the expert, the customer and the system; `tag` is in
/// every message, so a search finds which chat is stored.
fn event(i: usize, tag: &str) -> serde_json::Value {
    let who = ["Dana Whitfield", "Morgan Lee", ""][i % 3];
    let mut e = json!({
        "timeStamp": format!("2026-11-20T14:{:02}:{:02}Z", i / 60 % 60, i % 60),
        "content": format!("{tag} message {i}: printer spooler again"),
    });
    if !who.is_empty() {
        e["participantName"] = json!(who);
    }
    e
}

fn events(n: usize, tag: &str) -> Vec<serde_json::Value> {
    (0..n).map(|i| event(i, tag)).collect()
}

fn body(n: usize, tag: &str) -> serde_json::Value {
    json!({ "sessionId": ID, "startTime": "2026-11-20T14:00:00Z", "events": events(n, tag) })
}

fn client(base: &str) -> Client {
    Client::new(&ClientConfig {
        base_url: base.to_string(),
        token: Some("store-stream-token".into()),
        auth_scheme: AuthScheme::Bearer,
        timeout: Duration::from_secs(10),
        retry: g2a_tui::api::retry::RetryPolicy::with_retries(0),
        ..ClientConfig::default()
    })
    .expect("client")
}

fn open(base: &str, dir: &TempDir) -> Source {
    let (source, problem) = Source::open(client(base), &settings(dir), false, Backlog::Work);
    assert_eq!(problem, None);
    source
}

/// Serves `body` for the transcript of [`ID`].
async fn serve(body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{ID}/events")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

/// A raw HTTP/1.1 server for one request: it promises `full` bytes and sends `sent`, then
/// closes: an answer cut off mid-stream.
async fn cut_server(full: usize, sent: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let mut buf = vec![0u8; 4096];
        let mut got = Vec::new();
        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
            match sock.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {full}\r\n\r\n"
        );
        let _ = sock.write_all(head.as_bytes()).await;
        let _ = sock.write_all(&sent).await;
        let _ = sock.flush().await;
        let _ = sock.shutdown().await;
    });
    format!("http://{addr}")
}

/// Every row the store keeps of transcripts, with each message's role, and the search
/// index checked against them.
type Rows = (
    Vec<(String, Option<String>, Option<String>, bool, String)>,
    Vec<(
        String,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    )>,
);

fn dump(path: &Path) -> Rows {
    // The writer leaves what it stores packed, to be unpacked and indexed later
    // (tests/store_packs.rs, tests/store_backlog.rs): read as any reader does.
    Store::open(path)
        .and_then(|s| {
            s.settle()?;
            s.index_all()
        })
        .expect("the backlog unpacked and indexed");
    let conn = Connection::open(path).expect("raw open");
    g2a_tui::store::register_functions(&conn).expect("functions");
    conn.execute(
        "INSERT INTO message_index(message_index, rank) VALUES ('integrity-check', 1)",
        [],
    )
    .expect("the search index matches the messages");
    let transcripts = conn
        .prepare(
            "SELECT session_id, start_time, end_time, absent, fetched_at FROM transcripts
             ORDER BY session_id",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .and_then(|rows| rows.collect())
        })
        .expect("transcripts");
    let messages = conn
        .prepare(
            "SELECT session_id, seq, time, participant, role, text FROM messages
             ORDER BY session_id, seq",
        )
        .and_then(|mut s| {
            s.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .and_then(|rows| rows.collect())
        })
        .expect("messages");
    (transcripts, messages)
}

/// (session, seq) of every message the search finds for `query`.
fn hits(path: &Path, query: &str) -> Vec<(String, u32)> {
    common::search_hits(&Store::open(path).expect("store"), query)
}

/// Fetches the transcript through `source`, counting the batches and restarts seen.
async fn streamed(source: &Source) -> (Result<usize, ApiError>, usize, usize) {
    let seen = Arc::new(Mutex::new((0, 0)));
    let sink = Arc::clone(&seen);
    let got = source
        .transcript_streamed(ID, move |p: Progress| {
            if let Ok(mut s) = sink.lock() {
                s.0 += 1;
                s.1 += usize::from(p.restart);
            }
        })
        .await
        .map(|f| f.value.events.len());
    let (batches, restarts) = seen.lock().map(|s| *s).unwrap_or_default();
    (got, batches, restarts)
}

fn fetched_at_now(rows: &mut Rows) {
    for t in &mut rows.0 {
        t.4 = String::new();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_transcript_is_stored_as_the_whole_answer_is() {
    let n = 20_000;
    let (streamed_dir, whole_dir) = (TempDir::new("streamed"), TempDir::new("whole"));
    for dir in [&streamed_dir, &whole_dir] {
        Store::open(dir.store_path())
            .expect("store")
            .put_session(ID, &session(), at(0))
            .expect("session");
    }
    let server = serve(body(n, "alpha")).await;
    let source = open(&server.uri(), &streamed_dir);
    let (got, batches, _) = streamed(&source).await;
    assert!(got.is_ok(), "{got:?}");
    assert!(batches > 2, "{batches} batches: not a stream");
    assert_eq!(source.close(), None);

    let whole = Transcript::from_value(body(n, "alpha")).expect("transcript");
    Store::open(whole_dir.store_path())
        .expect("store")
        .put_transcript(ID, &whole, at(1))
        .expect("stored");

    let (mut a, mut b) = (
        dump(&streamed_dir.store_path()),
        dump(&whole_dir.store_path()),
    );
    assert_eq!(a.1.len(), n);
    fetched_at_now(&mut a);
    fetched_at_now(&mut b);
    assert_eq!(a, b);
    let roles: std::collections::BTreeSet<_> = a.1.iter().filter_map(|m| m.4.clone()).collect();
    assert_eq!(
        roles.into_iter().collect::<Vec<_>>(),
        ["customer", "expert", "system"]
    );
    // Ranked among the newest SEARCH_CANDIDATES matches.
    let found = hits(&streamed_dir.store_path(), "alpha spooler");
    assert_eq!(found.len(), n.min(g2a_tui::store::SEARCH_CANDIDATES));
    assert_eq!(found, hits(&whole_dir.store_path(), "alpha spooler"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stream_cut_off_leaves_the_stored_copy_as_it_was() {
    let dir = TempDir::new("cut");
    {
        let mut store = Store::open(dir.store_path()).expect("store");
        store.put_session(ID, &session(), at(0)).expect("session");
        let old = Transcript::from_value(body(300, "old")).expect("transcript");
        store.put_transcript(ID, &old, at(1)).expect("stored");
    }
    let before = dump(&dir.store_path());
    // A new, longer chat that starts as the stored one does, cut well after its batches began.
    let text = serde_json::to_vec(&body(30_000, "old")).expect("json");
    let base = cut_server(text.len(), text[..text.len() * 3 / 4].to_vec()).await;
    let source = open(&base, &dir);
    let (got, batches, _) = streamed(&source).await;
    assert!(batches > 1, "{batches} batches");
    // Cut off: the stored copy stands in, and nothing of the cut answer is written.
    assert!(
        matches!(got, Ok(300) | Err(ApiError::Truncated { .. })),
        "{got:?}"
    );
    source.writer.as_ref().expect("writer").flush();
    assert_eq!(dump(&dir.store_path()), before);

    // The same writer stores the next good answer, with nothing of the cut one in it.
    let server = serve(body(10, "new")).await;
    let good = Source {
        client: client(&server.uri()),
        ..source.clone()
    };
    let (got, _, _) = streamed(&good).await;
    assert_eq!(got.ok(), Some(0), "the streamed answer holds no events");
    assert_eq!(source.close(), None);
    let after = dump(&dir.store_path());
    let texts: Vec<&str> = after.1.iter().map(|m| m.5.as_str()).collect();
    assert_eq!(texts.len(), 10);
    assert!(texts.iter().all(|t| t.starts_with("new ")), "{texts:?}");
    assert_eq!(hits(&dir.store_path(), "old").len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_mid_stream_stores_only_the_final_events() {
    let dir = TempDir::new("restart");
    // The first array of events streams out at once; the later `events` key wins over it.
    let answer = json!({
        "sessionId": ID,
        "other": events(9_000, "loser"),
        "events": events(5, "winner"),
    });
    let server = serve(answer).await;
    let source = open(&server.uri(), &dir);
    let (got, batches, restarts) = streamed(&source).await;
    assert!(got.is_ok(), "{got:?}");
    assert!(
        batches > 2 && restarts == 1,
        "{batches} batches, {restarts} restarts"
    );
    assert_eq!(source.close(), None);
    let rows = dump(&dir.store_path());
    let texts: Vec<&str> = rows.1.iter().map(|m| m.5.as_str()).collect();
    assert_eq!(
        texts,
        (0..5)
            .map(|i| format!("winner message {i}: printer spooler again"))
            .collect::<Vec<_>>()
    );
    assert!(hits(&dir.store_path(), "loser").is_empty());
}

#[test]
fn interleaved_streams_are_each_stored_and_a_dropped_one_changes_nothing() {
    let dir = TempDir::new("interleaved");
    let mut store = Store::open(dir.store_path()).expect("store");
    let kept = Transcript::from_value(body(3, "kept")).expect("transcript");
    store.put_transcript("c", &kept, at(0)).expect("stored");
    let before = dump(&dir.store_path());
    let writer = Writer::start(store, Backlog::Work).expect("writer");
    let batch = |range: std::ops::Range<usize>, tag: &str| {
        let t = Transcript::from_value(json!({ "events": events(range.end, tag) }))
            .expect("transcript");
        Arc::new(t.events[range].to_vec())
    };
    let (mut a, mut b, mut c) = (
        writer.transcript_stream("a"),
        writer.transcript_stream("b"),
        writer.transcript_stream("c"),
    );
    for k in 0..4 {
        a.batch(&batch(k * 50..(k + 1) * 50, "aaa"));
        c.batch(&batch(k * 10..(k + 1) * 10, "ccc"));
        b.batch(&batch(k * 7..(k + 1) * 7, "bbb"));
    }
    let head = Transcript::from_value(body(0, "")).expect("head");
    b.end(head.clone(), at(2));
    drop(c);
    a.end(head, at(3));
    assert_eq!(writer.close(), None);
    let after = dump(&dir.store_path());
    let of = |id: &str| -> Vec<String> {
        after
            .1
            .iter()
            .filter(|m| m.0 == id)
            .map(|m| m.5.clone())
            .collect()
    };
    let want = |n: usize, tag: &str| -> Vec<String> {
        (0..n)
            .map(|i| format!("{tag} message {i}: printer spooler again"))
            .collect()
    };
    assert_eq!(of("a"), want(200, "aaa"));
    assert_eq!(of("b"), want(28, "bbb"));
    let only_c = |rows: &Rows| {
        (
            rows.0
                .iter()
                .filter(|t| t.0 == "c")
                .cloned()
                .collect::<Vec<_>>(),
            rows.1
                .iter()
                .filter(|m| m.0 == "c")
                .cloned()
                .collect::<Vec<_>>(),
        )
    };
    assert_eq!(only_c(&after), only_c(&before));
    assert_eq!(hits(&dir.store_path(), "ccc").len(), 0);
    assert_eq!(hits(&dir.store_path(), "aaa").len(), 200);
}

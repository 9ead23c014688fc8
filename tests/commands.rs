//! `list`, `search` and `sync` (issue 8) as a user runs them: the built binary against wiremock
//! and the demo API, each with its own store in a temporary directory.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use g2a_tui::api::model::{Session, Transcript};
use g2a_tui::store::Store;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "g2a-tui-cmds-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn store(&self) -> PathBuf {
        self.0.join("s.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn command(store: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    for var in [
        "G2A_TOKEN",
        "G2A_BASE_URL",
        "G2A_SYSTEM_DOMAIN",
        "G2A_AUTH_SCHEME",
        "G2A_STORE",
        "G2A_NO_STORE",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TZ", "UTC").env("RUST_BACKTRACE", "0");
    // The user's own sign-in and config are never read: both directories are empty.
    let nowhere = store.with_extension("home");
    cmd.env("XDG_DATA_HOME", nowhere.join("data"))
        .env("XDG_CONFIG_HOME", nowhere.join("config"))
        .env_remove("G2A_TOKEN_COMMAND");
    cmd.arg("--store").arg(store).args(args);
    cmd
}

/// Runs the binary off the async threads, so the wiremock server keeps answering.
async fn g2a(store: &Path, args: &[&str]) -> Output {
    let mut cmd = command(store, args);
    tokio::task::spawn_blocking(move || cmd.output().expect("run g2a-tui"))
        .await
        .expect("join")
}

fn api_args<'a>(server: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["--base-url", server, "--token", "t0ken"];
    args.extend_from_slice(rest);
    args
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// A list row / session body: started `ago` before now, lasting `len` when ended.
fn session_json(id: &str, status: &str, ago: TimeDelta, len: Option<TimeDelta>) -> Value {
    let start = Utc::now() - ago;
    let mut v = json!({
        "sessionId": id,
        "sessionType": "screen_sharing",
        "status": status,
        "expertName": format!("Expert {id}"),
        "expertEmail": format!("expert{id}@example.com"),
        "customerName": format!("Customer {id}"),
        "customerEmail": format!("c{id}@example.com"),
        "partnerObject": format!("SD-{id}"),
        "startedAt": iso(start),
    });
    if let Some(len) = len {
        v["endedAt"] = json!(iso(start + len));
    }
    v
}

fn transcript_json(id: &str, lines: &[&str]) -> Value {
    let events: Vec<Value> = lines
        .iter()
        .map(|l| json!({"timeStamp": "2026-11-20T14:00:00Z", "participantName": "Erin", "content": l}))
        .collect();
    json!({"sessionId": id, "events": events})
}

const API: &str = "/G2A/rest/v1";

async fn mount_list(server: &MockServer, sessions: &[Value]) {
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"totalNumSessions": sessions.len(), "sessions": sessions})),
        )
        .mount(server)
        .await;
}

/// Every session and transcript answered; the request times recorded.
async fn mount_sessions(server: &MockServer, sessions: &[Value], times: Arc<Mutex<Vec<Instant>>>) {
    let by_id: Vec<(String, Value)> = sessions
        .iter()
        .map(|s| (s["sessionId"].as_str().unwrap_or("").to_string(), s.clone()))
        .collect();
    let record = times.clone();
    let list = sessions.to_vec();
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions")))
        .respond_with(move |_: &Request| {
            record.lock().expect("times").push(Instant::now());
            ResponseTemplate::new(200)
                .set_body_json(json!({"totalNumSessions": list.len(), "sessions": list}))
        })
        .mount(server)
        .await;
    let record = times.clone();
    Mock::given(method("GET"))
        .and(path_regex(format!("^{API}/sessions/[^/]+$")))
        .respond_with(move |r: &Request| {
            record.lock().expect("times").push(Instant::now());
            let id = r.url.path().rsplit('/').next().unwrap_or("");
            match by_id.iter().find(|(i, _)| i == id) {
                Some((_, s)) => ResponseTemplate::new(200).set_body_json(s),
                None => ResponseTemplate::new(404),
            }
        })
        .mount(server)
        .await;
    let record = times;
    Mock::given(method("GET"))
        .and(path_regex(format!("^{API}/sessions/[^/]+/events$")))
        .respond_with(move |r: &Request| {
            record.lock().expect("times").push(Instant::now());
            let parts: Vec<&str> = r.url.path().rsplit('/').collect();
            let id = parts.get(1).copied().unwrap_or("");
            ResponseTemplate::new(200)
                .set_body_json(transcript_json(id, &["hello", "the printer works"]))
        })
        .mount(server)
        .await;
}

async fn request_paths(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| r.url.path().to_string())
        .collect()
}

fn ended_sessions(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            session_json(
                &format!("9{i:04}"),
                "complete",
                TimeDelta::hours(2 + i as i64),
                Some(TimeDelta::minutes(30)),
            )
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// list
// ---------------------------------------------------------------------------------------------

/// A store holding one session from two months ago, beyond any list window.
fn store_with_an_old_session(file: &Path) {
    let mut store = Store::open(file).expect("store");
    let old = session_json(
        "100",
        "complete",
        TimeDelta::days(60),
        Some(TimeDelta::minutes(20)),
    );
    let s = Session::from_value(old).expect("session");
    store
        .put_session("100", &s, Utc::now() - TimeDelta::days(59))
        .expect("stored");
}

fn listed() -> Vec<Value> {
    let mut hostile = session_json(
        "203",
        "complete",
        TimeDelta::days(1),
        Some(TimeDelta::minutes(42)),
    );
    hostile["customerName"] = json!("Mallory\u{1b}[2J\u{1b}]0;pwned\u{7}");
    vec![
        hostile,
        session_json("201", "waiting", TimeDelta::minutes(2), None),
        session_json("202", "active", TimeDelta::minutes(10), None),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_text_puts_live_sessions_first_and_marks_stored_ones() {
    let dir = TempDir::new("list-text");
    store_with_an_old_session(&dir.store());
    let server = MockServer::start().await;
    mount_list(&server, &listed()).await;
    // The last 7 days: the stored session from two months ago is outside them.
    let out = g2a(&dir.store(), &api_args(&server.uri(), &["list"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("stored"), "{}", stdout(&out));
    // A window beyond what the API keeps: the store's session is listed, marked stored.
    let out = g2a(
        &dir.store(),
        &api_args(&server.uri(), &["list", "--days", "90"]),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    let header: Vec<&str> = lines[0].split_whitespace().collect();
    assert_eq!(
        header,
        ["STATUS", "STARTED", "DURATION", "EXPERT", "CUSTOMER", "ID", "TICKET"]
    );
    let order: Vec<&str> = lines[1..]
        .iter()
        .map(|l| {
            l.split_whitespace()
                .find(|w| w.len() == 3 && w.parse::<u32>().is_ok())
                .unwrap_or("")
        })
        .collect();
    assert_eq!(order, ["201", "202", "203", "100"], "{text}");
    assert!(
        lines[1].starts_with("waiting ") && lines[1].contains("2m 0"),
        "{text}"
    );
    assert!(
        lines[3].contains("42m 00s") && lines[3].contains("SD-203"),
        "{text}"
    );
    assert!(
        lines[4].starts_with("complete ") && lines[4].ends_with("  stored"),
        "{text}"
    );
    assert!(!lines[1..4].iter().any(|l| l.contains("stored")), "{text}");
    // Columns line up: every row's id starts in the header's ID column.
    let id_col = lines[0].find("ID").expect("ID column");
    for l in &lines[1..] {
        let byte = l.char_indices().nth(id_col).map(|(b, _)| b).unwrap_or(0);
        assert!(l[byte..].starts_with(char::is_numeric), "{l:?}");
    }
    assert!(
        !text.contains('\u{1b}') && !text.contains('\u{7}'),
        "{text:?}"
    );

    // The rows the list received are stored.
    let store = Store::open(dir.store()).expect("store");
    let mut ids: Vec<String> = store
        .sessions()
        .expect("sessions")
        .into_iter()
        .filter_map(|s| s.session.session_id)
        .collect();
    ids.sort();
    assert_eq!(ids, ["100", "201", "202", "203"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_json_and_csv_carry_the_same_rows() {
    let dir = TempDir::new("list-json");
    store_with_an_old_session(&dir.store());
    let server = MockServer::start().await;
    mount_list(&server, &listed()).await;

    let out = g2a(
        &dir.store(),
        &api_args(&server.uri(), &["list", "--days", "90", "--format", "json"]),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["201", "202", "203", "100"]);
    assert_eq!(rows[0]["status"], "waiting");
    assert_eq!(rows[2]["durationSeconds"], 42 * 60);
    assert_eq!(rows[2]["ticket"], "SD-203");
    assert_eq!(
        rows[2]["customer"], "Mallory\u{1b}[2J\u{1b}]0;pwned\u{7}",
        "lossless"
    );
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains('\u{1b}'),
        "escaped"
    );
    assert_eq!(rows[3]["stored"], true);
    assert!(rows[3]["fetchedAt"].is_string());
    assert_eq!(rows[0]["stored"], false);
    for key in [
        "id",
        "status",
        "started",
        "customerJoined",
        "ended",
        "durationSeconds",
        "expert",
        "expertEmail",
        "customer",
        "customerEmail",
        "ticket",
        "stored",
        "fetchedAt",
    ] {
        assert!(rows[0].get(key).is_some(), "{key}");
    }

    let out = g2a(
        &dir.store(),
        &api_args(&server.uri(), &["list", "--days", "90", "--format", "csv"]),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let records: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        records[0],
        "id,status,started,customer_joined,ended,duration_seconds,expert,expert_email,customer,customer_email,ticket,stored,fetched_at"
    );
    assert_eq!(records.len(), 5, "{text}");
    assert!(records[1].starts_with("201,waiting,"), "{text}");
    assert!(
        records[4].starts_with("100,complete,") && records[4].contains(",true,"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_list_call_still_prints_the_stored_sessions() {
    let dir = TempDir::new("list-fail");
    store_with_an_old_session(&dir.store());
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("maintenance"))
        .mount(&server)
        .await;
    let out = g2a(
        &dir.store(),
        &api_args(&server.uri(), &["list", "--days", "90"]),
    )
    .await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l.contains("100") && l.ends_with("stored")),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("503"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("t0ken"));

    // No token: the same, with the authentication status.
    let out = g2a(
        &dir.store(),
        &["--base-url", &server.uri(), "list", "--days", "90"],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stdout(&out).contains("100"), "{}", stdout(&out));
}

/// The session ids of rows (one a line) in order, each with whether it is marked stored:
/// an id is the word that names one of `ids`.
fn rows_of<'a>(lines: impl Iterator<Item = &'a str>, ids: &[&str]) -> Vec<(String, bool)> {
    lines
        .filter_map(|l| {
            let id = l
                .split(|c: char| c.is_whitespace() || c == '│')
                .find(|w| ids.contains(w))?;
            Some((
                id.to_string(),
                l.trim_end_matches([' ', '│']).ends_with(" stored"),
            ))
        })
        .collect()
}

/// What the duration column says on the row of session `id`, found under the heading.
fn duration_of(lines: &[&str], id: &str) -> String {
    let header = lines
        .iter()
        .find(|l| l.to_lowercase().contains("duration"))
        .expect("a heading");
    let col = header
        .to_lowercase()
        .chars()
        .collect::<String>()
        .find("duration")
        .map(|b| header[..b].chars().count())
        .expect("duration heading");
    let row = lines
        .iter()
        .find(|l| l.split_whitespace().any(|w| w == id))
        .expect("the row");
    row.chars()
        .skip(col)
        .take(8)
        .collect::<String>()
        .trim()
        .to_string()
}

/// `g2a-tui list` prints the rows the list screen shows, in its order, for the same API
/// answer and store: the window's sessions from the API, the window's stored sessions
/// the API did not list (marked stored), nothing from before the window.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_prints_the_sessions_the_screen_shows() {
    use g2a_tui::api::worker::{Answer, ListAnswer};
    use g2a_tui::api::SessionList;
    use g2a_tui::app::update::{start, update, Msg};
    use g2a_tui::app::{App, Context};

    let dir = TempDir::new("list-parity");
    store_with_an_old_session(&dir.store());
    {
        let mut store = Store::open(dir.store()).expect("store");
        let only_stored = [
            session_json(
                "150",
                "complete",
                TimeDelta::days(3),
                Some(TimeDelta::minutes(9)),
            ),
            // A stored copy of a live session: listed, but its clock is not running.
            session_json("160", "active", TimeDelta::days(2), None),
            // The API's copy of this one wins.
            session_json("202", "waiting", TimeDelta::minutes(10), None),
        ];
        for v in only_stored {
            let s = Session::from_value(v).expect("session");
            let id = s.session_id.clone().expect("id");
            store
                .put_session(&id, &s, Utc::now() - TimeDelta::days(1))
                .expect("stored");
        }
    }
    let mut api = listed();
    api.push(session_json(
        "204",
        "abandoned",
        TimeDelta::days(5),
        Some(TimeDelta::minutes(3)),
    ));
    let server = MockServer::start().await;
    mount_list(&server, &api).await;
    let out = g2a(&dir.store(), &api_args(&server.uri(), &["list"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids = ["100", "150", "160", "201", "202", "203", "204"];
    let text = stdout(&out);
    let printed = rows_of(text.lines().skip(1), &ids);

    // The screen, answered with the same list and the store as the command left it.
    let (now, wall) = (Instant::now(), Utc::now());
    let mut app = App::new(
        None,
        Context::default(),
        g2a_tui::timefmt::Zone::Utc,
        (200, 30),
        now,
        wall,
    );
    let (id, _, _) = common::list_request(&start(&mut app, now));
    let sessions: Vec<Session> = api
        .iter()
        .map(|v| Session::from_value(v.clone()).expect("session"))
        .collect();
    let stored = Store::open(dir.store())
        .expect("store")
        .sessions()
        .expect("sessions");
    let answer = ListAnswer {
        api: Ok(SessionList {
            total: Some(sessions.len() as u64),
            sessions,
        }),
        stored,
    };
    update(&mut app, Msg::Answer(Answer::List(id, answer)), now, wall);
    let screen: Vec<String> = common::screen(&common::draw(&app))
        .lines()
        .map(str::to_string)
        .collect();
    let shown = rows_of(screen.iter().map(String::as_str), &ids);

    let want: Vec<(String, bool)> = [
        ("201", false),
        ("202", false),
        ("203", false),
        ("160", true),
        ("150", true),
        ("204", false),
    ]
    .iter()
    .map(|(id, stored)| (id.to_string(), *stored))
    .collect();
    assert_eq!(printed, want, "{text}");
    assert_eq!(shown, want, "{}", screen.join("\n"));
    // The stored live copy has no running clock in either.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(duration_of(&lines, "160"), "", "{text}");
    assert!(duration_of(&lines, "202").starts_with("10m "), "{text}");
    let lines: Vec<&str> = screen.iter().map(String::as_str).collect();
    assert_eq!(duration_of(&lines, "160"), "");
    assert!(duration_of(&lines, "202").starts_with("10m "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_lists_every_status() {
    let dir = TempDir::new("list-demo");
    let out = g2a(
        &dir.store(),
        &["--demo", "list", "--days", "7", "--format", "json"],
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    for status in ["waiting", "active", "complete", "abandoned", "notStarted"] {
        assert!(rows.iter().any(|r| r["status"] == status), "no {status}");
    }
    assert_eq!(rows[0]["status"], "waiting");
    // A longer window adds the older history.
    let out = g2a(
        &dir.store(),
        &["--demo", "list", "--days", "40", "--format", "json"],
    )
    .await;
    let more: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    assert!(
        more.len() >= rows.len() + 9,
        "{} vs {}",
        more.len(),
        rows.len()
    );
}

// ---------------------------------------------------------------------------------------------
// sync
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_stays_within_five_requests_a_second() {
    let dir = TempDir::new("sync-rate");
    let server = MockServer::start().await;
    let sessions = ended_sessions(6);
    let times = Arc::new(Mutex::new(Vec::new()));
    mount_sessions(&server, &sessions, times.clone()).await;
    let out = g2a(
        &dir.store(),
        &api_args(&server.uri(), &["sync", "--days", "3"]),
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("sync done: 6 sessions listed, fetched 6, skipped 0, failed 0"),
        "{}",
        stdout(&out)
    );
    let times = times.lock().expect("times").clone();
    assert_eq!(
        times.len(),
        13,
        "the list, then a session and a transcript each"
    );
    // No six requests within one second. 100 ms are allowed for the jitter between a request
    // leaving the client and reaching the server on a loaded machine; a pace of 6 a second
    // would still put six in 833 ms.
    for w in times.windows(6) {
        let span = w[5] - w[0];
        assert!(span >= Duration::from_millis(900), "6 requests in {span:?}");
    }
    let store = Store::open(dir.store()).expect("store");
    for s in &sessions {
        let id = s["sessionId"].as_str().expect("id");
        let t = store.get_transcript(id).expect("read").expect("stored");
        assert_eq!(t.transcript.events.len(), 2);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_that_failed_part_way_resumes_with_the_rest() {
    let dir = TempDir::new("sync-resume");
    let server = MockServer::start().await;
    let sessions = ended_sessions(5);
    // The first run: two transcripts fail with 500.
    for id in ["90001", "90003"] {
        Mock::given(method("GET"))
            .and(path(format!("{API}/sessions/{id}/events")))
            .respond_with(ResponseTemplate::new(500))
            .with_priority(1)
            .mount(&server)
            .await;
    }
    mount_sessions(&server, &sessions, Arc::default()).await;
    let out = g2a(&dir.store(), &api_args(&server.uri(), &["sync"])).await;
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("fetched 3, skipped 0, failed 2"),
        "{}",
        stdout(&out)
    );

    server.reset().await;
    mount_sessions(&server, &sessions, Arc::default()).await;
    let out = g2a(&dir.store(), &api_args(&server.uri(), &["sync"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("fetched 2, skipped 3, failed 0"),
        "{}",
        stdout(&out)
    );
    let mut paths = request_paths(&server).await;
    paths.sort();
    assert_eq!(
        paths,
        [
            format!("{API}/sessions"),
            format!("{API}/sessions/90001/events"),
            format!("{API}/sessions/90003/events"),
        ],
        "the sessions were stored complete; only the missing transcripts are fetched"
    );
    // A third run has nothing to do.
    server.reset().await;
    mount_sessions(&server, &sessions, Arc::default()).await;
    let out = g2a(&dir.store(), &api_args(&server.uri(), &["sync"])).await;
    assert!(
        stdout(&out).contains("fetched 0, skipped 5"),
        "{}",
        stdout(&out)
    );
    assert_eq!(request_paths(&server).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_keeps_what_is_done_and_a_second_run_resumes() {
    let dir = TempDir::new("sync-ctrl-c");
    let server = MockServer::start().await;
    let sessions = ended_sessions(12);
    mount_sessions(&server, &sessions, Arc::default()).await;
    let mut cmd = command(&dir.store(), &api_args(&server.uri(), &["sync"]));
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd.spawn().expect("start sync");
    // 12 sessions take about 5 s at 5 requests a second: stop it once the first session and
    // transcript are in (the list and 3 more requests answered), well before the end.
    let started = Instant::now();
    while request_paths(&server).await.len() < 4 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "sync never got going"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let pid = child.id().to_string();
    let kill = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(kill.success());
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().expect("wait"))
        .await
        .expect("join");
    assert_eq!(out.status.code(), Some(130), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("sync interrupted: 12 sessions listed"),
        "{}",
        stdout(&out)
    );

    let first = request_paths(&server).await;
    let done: Vec<String> = {
        let store = Store::open(dir.store()).expect("store");
        sessions
            .iter()
            .filter_map(|s| s["sessionId"].as_str())
            .filter(|id| store.get_transcript(id).ok().flatten().is_some())
            .map(str::to_string)
            .collect()
    };
    assert!(!done.is_empty() && done.len() < 12, "{done:?}");

    server.reset().await;
    mount_sessions(&server, &sessions, Arc::default()).await;
    let out = g2a(&dir.store(), &api_args(&server.uri(), &["sync"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let second = request_paths(&server).await;
    for id in &done {
        assert!(
            !second.iter().any(|p| p.contains(&format!("/{id}"))),
            "{id} fetched again: {second:?}"
        );
    }
    // Each session and transcript fetched once over both runs, but for the one request that
    // may have been in flight when Ctrl-C came.
    let fetches = first.len() + second.len() - 2;
    assert!(
        (2 * 12..=2 * 12 + 1).contains(&fetches),
        "{fetches}: {first:?} {second:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_is_a_line_per_hundred_sessions_without_a_terminal() {
    let dir = TempDir::new("sync-progress");
    let sessions = ended_sessions(250);
    {
        // All of them already stored complete: the run only lists.
        let mut store = Store::open(dir.store()).expect("store");
        let later = Utc::now();
        for s in &sessions {
            let id = s["sessionId"].as_str().expect("id");
            let session = Session::from_value(s.clone()).expect("session");
            store
                .put_session(id, &session, later)
                .expect("session stored");
            let t = Transcript::from_value(transcript_json(id, &["hi"])).expect("transcript");
            store
                .put_transcript(id, &t, later)
                .expect("transcript stored");
        }
    }
    let server = MockServer::start().await;
    mount_sessions(&server, &sessions, Arc::default()).await;
    let out = g2a(&dir.store(), &api_args(&server.uri(), &["sync"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "sync: 100 of 250 sessions (fetched 0, skipped 100, failed 0)",
            "sync: 200 of 250 sessions (fetched 0, skipped 200, failed 0)",
        ],
        "{err}"
    );
    assert!(
        !err.contains('\r') && !err.contains('\u{1b}'),
        "no bar drawn: {err:?}"
    );
    assert_eq!(
        stdout(&out).trim(),
        "sync done: 250 sessions listed, fetched 0, skipped 250, failed 0"
    );
    assert_eq!(request_paths(&server).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_needs_a_store() {
    let dir = TempDir::new("sync-no-store");
    let out = g2a(&dir.store(), &["--no-store", "--demo", "sync"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(!dir.store().exists());
}

// ---------------------------------------------------------------------------------------------
// search
// ---------------------------------------------------------------------------------------------

/// A store with a session from four months ago and a recent one.
fn searchable(file: &Path) {
    let mut store = Store::open(file).expect("store");
    let old_start = Utc::now() - TimeDelta::days(120);
    let chats: [(&str, DateTime<Utc>, &str, &[&str]); 2] = [
        (
            "300",
            old_start,
            "Kwame \u{1b}[31mMensah",
            &[
                "Hi, Windows Update says 0x80070005 again",
                "KB-5034441 fails too, access denied everywhere",
                "The printer spooler crashed",
            ],
        ),
        (
            "301",
            Utc::now() - TimeDelta::days(2),
            "Hannah Schmidt",
            &["printing works now", "denied access to the share"],
        ),
    ];
    for (id, start, customer, lines) in chats {
        let s = Session::from_value(json!({
            "sessionId": id,
            "status": "complete",
            "expertName": "Mei Tanaka",
            "customerName": customer,
            "startedAt": iso(start),
            "endedAt": iso(start + TimeDelta::minutes(30)),
        }))
        .expect("session");
        store
            .put_session(id, &s, start + TimeDelta::hours(1))
            .expect("stored");
        let events: Vec<Value> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                json!({
                    "timeStamp": iso(start + TimeDelta::minutes(i as i64 + 1)),
                    "participantName": customer,
                    "content": l,
                })
            })
            .collect();
        let t = Transcript::from_value(json!({"events": events})).expect("transcript");
        store
            .put_transcript(id, &t, start + TimeDelta::hours(1))
            .expect("stored");
    }
}

fn found_ids(out: &Output) -> Vec<String> {
    let groups: Vec<Value> = serde_json::from_slice(&out.stdout).expect("a JSON array");
    groups
        .iter()
        .filter_map(|g| g["id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_what_was_stored_months_ago() {
    let dir = TempDir::new("search-old");
    searchable(&dir.store());
    let out = g2a(&dir.store(), &["search", "0x80070005"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap_or("");
    assert!(
        first.starts_with("300  ") && first.contains("expert Mei Tanaka"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "{text:?}");
    let hit = text.lines().nth(1).unwrap_or("");
    assert!(
        hit.contains("(customer): Hi, Windows Update says 0x80070005 again"),
        "{text}"
    );
    assert!(
        hit.trim_start().starts_with(char::is_numeric),
        "its time: {hit}"
    );
    assert!(text.contains("1 matching message in 1 session."), "{text}");

    // With --days, only what started in that window.
    let out = g2a(&dir.store(), &["search", "0x80070005", "--days", "30"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        "No stored message matches in the last 30 days.\n"
    );
    let out = g2a(
        &dir.store(),
        &["search", "0x80070005", "--days", "200", "--format", "json"],
    )
    .await;
    assert_eq!(found_ids(&out), ["300"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn error_codes_phrases_and_prefixes_as_typed() {
    let dir = TempDir::new("search-syntax");
    searchable(&dir.store());
    let ids = |args: Vec<&'static str>| {
        let file = dir.store();
        async move {
            let mut all = vec!["search", "--format", "json"];
            all.extend(args);
            let out = g2a(&file, &all).await;
            assert_eq!(out.status.code(), Some(0), "{all:?}: {}", stderr(&out));
            found_ids(&out)
        }
    };
    assert_eq!(ids(vec!["KB-5034441"]).await, ["300"]);
    assert_eq!(ids(vec!["0x80070005"]).await, ["300"]);
    // A phrase in quotes keeps its order; as words, both sessions have them.
    assert_eq!(ids(vec!["\"access denied\""]).await, ["300"]);
    assert_eq!(ids(vec!["\"denied access\""]).await, ["301"]);
    let mut both = ids(vec!["access", "denied"]).await;
    both.sort();
    assert_eq!(both, ["300", "301"]);
    // A shell strips the quotes: one argument with a space is still a phrase.
    assert_eq!(ids(vec!["access denied"]).await, ["300"]);
    // Prefixes.
    let mut print = ids(vec!["print*"]).await;
    print.sort();
    assert_eq!(print, ["300", "301"]);
    assert_eq!(ids(vec!["print"]).await, Vec::<String>::new());
    // Operators are words.
    assert_eq!(
        ids(vec!["printer", "NOT", "spooler"]).await,
        Vec::<String>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_query_is_one_line_and_exit_2() {
    let dir = TempDir::new("search-bad");
    searchable(&dir.store());
    for q in ["\"access denied", "*", "\"\" -"] {
        let out = g2a(&dir.store(), &["search", q]).await;
        assert_eq!(out.status.code(), Some(2), "{q}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("g2a-tui: cannot search for"), "{err}");
        assert!(
            !err.to_lowercase().contains("sql") && !err.contains("fts5"),
            "{err}"
        );
        assert!(stdout(&out).is_empty());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_store_or_an_empty_one_is_said_plainly() {
    let dir = TempDir::new("search-none");
    let out = g2a(&dir.store(), &["search", "printer"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("No store yet at"), "{}", stderr(&out));
    assert!(!dir.store().exists(), "searching created no store");
    let out = g2a(&dir.store(), &["search", "printer", "--format", "json"]).await;
    assert_eq!(stdout(&out), "[]\n");
    // A query that cannot be searched is said so even without a store.
    let out = g2a(&dir.store(), &["search", "\""]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("g2a-tui: cannot search for"),
        "{}",
        stderr(&out)
    );
    assert!(!dir.store().exists(), "searching created no store");

    drop(Store::open(dir.store()).expect("an empty store"));
    let out = g2a(&dir.store(), &["search", "printer"]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("holds no chat transcripts yet"),
        "{}",
        stderr(&out)
    );
}

/// A store written by the first schema: `search --days` works once it is migrated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_schema_store_is_migrated_and_searchable_by_days() {
    use g2a_tui::store::schema;
    let dir = TempDir::new("search-v1");
    {
        let mut conn = rusqlite::Connection::open(dir.store()).expect("file");
        schema::migrate(&mut conn, &schema::MIGRATIONS[..1]).expect("v1");
        let old = iso(Utc::now() - TimeDelta::days(100));
        let json = json!({"sessionId": "400", "startedAt": old, "customerName": "Old Customer"});
        conn.execute(
            "INSERT INTO sessions(id, json, status, started_at, fetched_at, complete)
             VALUES ('400', ?1, 'complete', ?2, '2026-08-01T00:00:00.000Z', 1)",
            [json.to_string(), old],
        )
        .expect("session");
        conn.execute_batch(
            "INSERT INTO transcripts VALUES ('400', NULL, NULL, 0, '2026-08-01T00:00:00.000Z');
             INSERT INTO messages(session_id, seq, time, participant, role, text)
                 VALUES ('400', 0, NULL, 'Old Customer', 'customer', 'the scanner jams');
             INSERT INTO messages_fts(rowid, participant, text)
                 SELECT id, participant, text FROM messages;",
        )
        .expect("transcript");
        let v: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(v, 1);
    }
    let out = g2a(&dir.store(), &["search", "scanner", "--days", "30"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("No stored message matches"),
        "{}",
        stdout(&out)
    );
    let out = g2a(
        &dir.store(),
        &["search", "scanner", "--days", "365", "--format", "json"],
    )
    .await;
    assert_eq!(found_ids(&out), ["400"]);
    let conn = rusqlite::Connection::open(dir.store()).expect("file");
    let v: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(v, schema::VERSION);
}

/// `sync` from the demo API, then `search` finds its error codes without any network.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_synced_then_searched_offline() {
    let dir = TempDir::new("demo-sync");
    let out = g2a(&dir.store(), &["--demo", "sync", "--days", "12"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = g2a(&dir.store(), &["search", "KB-5034441", "--format", "json"]).await;
    assert_eq!(found_ids(&out), ["482913672"]);
    // Offline, the list is the window's stored sessions.
    let out = g2a(&dir.store(), &["--offline", "list", "--days", "12"]).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("482913672"), "{}", stdout(&out));
}

/// A word in more messages than the store ranks is ranked over the most recently stored ones;
/// what only older messages hold is still found.
#[test]
fn a_very_common_word_is_ranked_over_the_newest_matches() {
    use g2a_tui::store::SEARCH_CANDIDATES;
    let dir = TempDir::new("search-bound");
    let mut store = Store::open(dir.store()).expect("store");
    let n = SEARCH_CANDIDATES + 500;
    let events: Vec<Value> = (0..n)
        .map(|i| {
            // The oldest messages would rank best (the word three times in a short line).
            let content = if i < 500 {
                format!("printer printer printer {i}")
            } else {
                format!("message {i} about the printer queue and the driver and the spooler")
            };
            json!({"timeStamp": "2026-11-20T14:00:00Z", "participantName": "Erin", "content": content})
        })
        .collect();
    let t = Transcript::from_value(json!({"events": events})).expect("transcript");
    store.put_transcript("500", &t, Utc::now()).expect("stored");
    let groups = store.search("printer", 50).expect("search");
    let hits: Vec<u32> = groups
        .iter()
        .flat_map(|g| g.hits.iter().map(|h| h.seq))
        .collect();
    assert_eq!(hits.len(), 50);
    assert!(hits.iter().all(|&s| s >= 500), "{hits:?}");
    // Under the bound, the best are found wherever they are.
    let groups = store.search("printer 42", 5).expect("search");
    assert_eq!(groups[0].hits[0].seq, 42);
}

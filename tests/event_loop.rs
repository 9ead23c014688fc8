//! The real event loop, in-process: a TestBackend instead of a terminal, scripted key
//! presses, and the real client and worker against wiremock on loopback (as slumber's
//! end-to-end runner does). The pty tests cover what only a real terminal shows.

mod common;

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::{worker, AuthScheme, Client, ClientConfig};
use g2a_tui::app::{App, Context};
use g2a_tui::store::writer::Backlog;
use g2a_tui::timefmt::Zone;
use g2a_tui::ui::Theme;
use g2a_tui::viewer::{run_loop, Host, Outcome};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_stream::wrappers::UnboundedReceiverStream;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A TestBackend host that publishes each frame as text for the script to read.
struct TestHost {
    terminal: Terminal<TestBackend>,
    screen: Arc<Mutex<String>>,
    frames: Arc<Mutex<usize>>,
    /// Every frame's text, when a test asks for them.
    history: Option<Arc<Mutex<Vec<String>>>>,
    copied: Arc<Mutex<Vec<String>>>,
}

impl Host for TestHost {
    type B = TestBackend;

    fn terminal(&mut self) -> &mut Terminal<TestBackend> {
        &mut self.terminal
    }

    fn suspend(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn redraw_all(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        self.copied.lock().expect("copied").push(text.to_string());
        Ok(())
    }

    fn open(&mut self, _url: &str) -> Result<(), String> {
        Err("No browser can be opened from here (no display)".into())
    }

    fn drawn(&mut self, _app: &App) {
        let text = common::screen(&self.terminal);
        if let Some(h) = &self.history {
            h.lock().expect("history").push(text.clone());
        }
        *self.screen.lock().expect("screen") = text;
        *self.frames.lock().expect("frames") += 1;
    }
}

fn events(id: &str, n: usize) -> serde_json::Value {
    let events: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "timeStamp": format!("2026-11-20T14:{:02}:{:02}Z", 5 + i / 60, i % 60),
                "participantName": if i % 2 == 0 { "Morgan Lee" } else { "Dana Whitfield" },
                "content": format!("{id} says message number {i}")
            })
        })
        .collect();
    json!({ "sessionId": id, "events": events })
}

async fn mount_session(server: &MockServer, id: &str, customer: &str, messages: usize) {
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionId": id, "status": "complete", "sessionType": "screen_sharing",
            "expertName": "Dana Whitfield", "customerName": customer,
            "startedAt": "2026-11-20T14:02:11Z", "endedAt": "2026-11-20T14:51:29Z"
        })))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{id}/events")))
        .respond_with(ResponseTemplate::new(200).set_body_json(events(id, messages)))
        .mount(server)
        .await;
}

/// Sends keys and reads frames while the loop runs.
struct Script {
    keys: mpsc::UnboundedSender<io::Result<Event>>,
    screen: Arc<Mutex<String>>,
}

impl Script {
    fn press(&self, code: KeyCode, mods: KeyModifiers) {
        self.keys
            .send(Ok(Event::Key(KeyEvent::new(code, mods))))
            .expect("the loop is running");
    }

    fn key(&self, code: KeyCode) {
        self.press(code, KeyModifiers::NONE);
    }

    fn screen(&self) -> String {
        self.screen.lock().expect("screen").clone()
    }

    /// Waits until a frame shows `text` (the loop draws only when something changed).
    async fn wait_for(&self, text: &str) -> String {
        self.wait_until(text, |s| s.contains(text)).await
    }

    async fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let screen = self.screen();
            if ok(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what:?}; the screen:\n{screen}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

/// Everything `run_loop` needs, wired to the real client and worker against `server`.
struct Harness {
    host: TestHost,
    app: App,
    script: Script,
    requests: mpsc::UnboundedSender<g2a_tui::api::worker::Request>,
    answers: mpsc::UnboundedReceiver<g2a_tui::api::worker::Answer>,
    keys: mpsc::UnboundedReceiver<io::Result<Event>>,
    frames: Arc<Mutex<usize>>,
}

fn harness(server: &MockServer, id: &str, size: (u16, u16)) -> Harness {
    let client = Client::new(&ClientConfig {
        base_url: server.uri(),
        token: Some("loop-test-token".into()),
        auth_scheme: AuthScheme::Bearer,
        timeout: Duration::from_secs(5),
        ..ClientConfig::default()
    })
    .expect("client");
    harness_with(client, id, size)
}

fn harness_with(client: Client, id: &str, size: (u16, u16)) -> Harness {
    let (requests, answers) = worker::spawn(client);
    let (keys, key_rx) = mpsc::unbounded_channel();
    let screen = Arc::new(Mutex::new(String::new()));
    let frames = Arc::new(Mutex::new(0));
    let host = TestHost {
        terminal: Terminal::new(TestBackend::new(size.0, size.1)).expect("backend"),
        screen: Arc::clone(&screen),
        frames: Arc::clone(&frames),
        copied: Arc::new(Mutex::new(Vec::new())),
        history: None,
    };
    let app = App::new(
        Some(id.into()),
        Context::default(),
        Zone::Utc,
        size,
        Instant::now(),
        common::wall(),
    );
    Harness {
        host,
        app,
        script: Script { keys, screen },
        requests,
        answers,
        keys: key_rx,
        frames,
    }
}

/// Runs the real loop while `drive` scripts it; returns how the loop ended and how
/// many frames it drew.
async fn run_with<F: std::future::Future<Output = ()>>(
    h: Harness,
    drive: impl FnOnce(Script) -> F,
) -> (anyhow::Result<Outcome>, usize) {
    let Harness {
        mut host,
        app,
        script,
        requests,
        answers,
        keys,
        frames,
    } = h;
    let theme = Theme::default();
    let run = run_loop(
        &mut host,
        app,
        &theme,
        UnboundedReceiverStream::new(keys),
        futures::stream::pending(),
        requests,
        answers,
    );
    let (outcome, ()) = tokio::join!(run, drive(script));
    let frames = *frames.lock().expect("frames");
    (outcome, frames)
}

/// Answers queued faster than the loop takes them in (a huge transcript decoded ahead
/// of it) still get a frame now and then: the loop applied every queued answer before
/// drawing, so nothing moved on screen until the stream stopped (issue 11: the first
/// page of 10^5 messages appeared with the last one, 300 ms late).
#[tokio::test]
async fn a_flood_of_answers_still_gets_frames_drawn() {
    use g2a_tui::api::retry::Retrying;
    use g2a_tui::api::worker::{Answer, RequestId};
    let server = MockServer::start().await;
    let mut h = harness(&server, "482913657", (100, 30));
    let history = Arc::new(Mutex::new(Vec::new()));
    h.host.history = Some(Arc::clone(&history));
    // The worker's own answers are left out: these come in its stead, request 2 being
    // the transcript's. The session comes last, behind a flood of retry notes.
    let (flood, answers) = mpsc::unbounded_channel();
    h.answers = answers;
    let retrying = Retrying {
        endpoint: g2a_tui::api::Endpoint::Transcript,
        attempt: 2,
        attempts: 4,
        wait: Duration::from_secs(3),
    };
    for _ in 0..200_000 {
        flood
            .send(Answer::Retrying(RequestId(2), retrying))
            .expect("queued");
    }
    flood
        .send(Answer::Session(
            RequestId(1),
            Ok(common::complete_session("482913657")),
        ))
        .expect("queued");
    let drive = |script: Script| async move {
        script.wait_for("Morgan Lee").await;
        script.key(KeyCode::Char('q'));
    };
    let (outcome, _) = run_with(h, drive).await;
    assert!(outcome.is_ok());
    let frames = history.lock().expect("history");
    let early = frames
        .iter()
        .filter(|f| f.contains("retrying (2/4)") && !f.contains("Morgan Lee"))
        .count();
    assert!(
        early >= 1,
        "no frame while the flood was taken in ({} frames in all)",
        frames.len()
    );
}

#[tokio::test]
async fn open_page_switch_with_the_prompt_and_quit() {
    let server = MockServer::start().await;
    mount_session(&server, "482913657", "Morgan Lee", 200).await;
    mount_session(&server, "482913700", "Priya Raman", 5).await;
    let h = harness(&server, "482913657", (100, 30));
    let drive = |script: Script| async move {
        // The session opens and follows its newest message.
        let first = script.wait_for("482913657 says message number 199").await;
        assert!(first.contains("Morgan Lee"), "{first}");
        // A page up leaves the tail: the bar says how to get back.
        script.key(KeyCode::PageUp);
        let paged = script.wait_for("press G for the latest").await;
        assert!(!paged.contains("message number 199"), "{paged}");
        // `:` asks for another id, pre-filled with this one; typing replaces it.
        script.key(KeyCode::Char(':'));
        script.wait_for("Session id: 482913657").await;
        script.press(KeyCode::Char('u'), KeyModifiers::CONTROL);
        // Pasted as people do: with the `#` the viewer shows ids with.
        for c in "#482913700".chars() {
            script.key(KeyCode::Char(c));
        }
        script.key(KeyCode::Enter);
        let second = script.wait_for("482913700 says message number 4").await;
        assert!(second.contains("Priya Raman"), "{second}");
        assert!(!second.contains("482913657 says"), "{second}");
        script.key(KeyCode::Char('q'));
    };
    let (outcome, frames) = run_with(h, drive).await;
    assert_eq!(
        outcome.expect("the loop ends cleanly"),
        Outcome {
            failure: None,
            signal: None
        }
    );
    // Nothing was drawn for nothing: a handful of frames, not one per poll.
    assert!(frames < 60, "{frames} frames");
}

#[tokio::test]
async fn quitting_after_a_failed_load_reports_the_failure() {
    let server = MockServer::start().await;
    // Nothing mounted: every request is a 404 with an empty body.
    let h = harness(&server, "999", (80, 24));
    let drive = |script: Script| async move {
        // The prompt reopens by itself, saying why.
        let prompt = script.wait_for("Which support session").await;
        assert!(prompt.contains("not found"), "{prompt}");
        script.key(KeyCode::Esc);
        script
            .wait_until("the prompt closed", |s| {
                !s.contains("Which support session")
            })
            .await;
        script.key(KeyCode::Char('q'));
    };
    let (outcome, _) = run_with(h, drive).await;
    assert_eq!(
        outcome.expect("ends").failure,
        Some(g2a_tui::api::ErrorClass::NotFound)
    );
}

#[tokio::test]
async fn a_transcript_that_grows_between_polls_is_followed_without_a_key() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/482913700"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionId": "482913700", "status": "active", "expertName": "Dana Whitfield",
            "customerName": "Morgan Lee", "startedAt": "2026-11-20T14:02:11Z"
        })))
        .mount(&server)
        .await;
    // The first fetch sees 3 messages; every later one sees 5.
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/482913700/events"))
        .respond_with(ResponseTemplate::new(200).set_body_json(events("482913700", 3)))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions/482913700/events"))
        .respond_with(ResponseTemplate::new(200).set_body_json(events("482913700", 5)))
        .mount(&server)
        .await;
    let mut h = harness(&server, "482913700", (100, 30));
    h.app.context.poll = Some(Duration::from_millis(200));
    let drive = |script: Script| async move {
        let first = script.wait_for("482913700 says message number 2").await;
        assert!(!first.contains("message number 4"), "{first}");
        assert!(
            first.contains("LIVE"),
            "the status line says it is live: {first}"
        );
        // No key pressed: the next poll brings the new messages into view.
        script.wait_for("482913700 says message number 4").await;
        script.key(KeyCode::Char('q'));
    };
    let (outcome, _) = run_with(h, drive).await;
    assert_eq!(outcome.expect("ends").failure, None);
}

#[tokio::test]
async fn search_brings_a_phrase_deep_in_the_transcript_into_view() {
    let server = MockServer::start().await;
    let id = "482913800";
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionId": id, "status": "complete", "expertName": "Dana Whitfield",
            "customerName": "Morgan Lee"
        })))
        .mount(&server)
        .await;
    let mut body = events(id, 3_000);
    body["events"][120]["content"] = json!("the VPN certificate expired on Friday");
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{id}/events")))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let h = harness(&server, id, (100, 30));
    let drive = |script: Script| async move {
        // The reader is at the newest message, far below the phrase.
        let first = script.wait_for("says message number 2999").await;
        assert!(!first.contains("VPN certificate"), "{first}");
        script.key(KeyCode::Char('/'));
        script.wait_for("Enter keep").await;
        for c in "vpn cert".chars() {
            script.key(KeyCode::Char(c));
        }
        script.key(KeyCode::Enter);
        let found = script
            .wait_until("the phrase and its count", |s| {
                s.contains("the VPN certificate expired on Friday") && s.contains("/vpn cert 1/1")
            })
            .await;
        assert!(!found.contains("message number 2999"), "{found}");
        script.key(KeyCode::Char('q'));
    };
    let (outcome, _) = run_with(h, drive).await;
    assert_eq!(outcome.expect("ends").failure, None);
}

/// A fresh directory under the system temp dir, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("g2a-tui-loop-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stamp(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[tokio::test]
async fn the_list_opens_without_an_id_filters_opens_goes_back_and_finds_a_stored_chat() {
    use chrono::{TimeDelta, Utc};
    use g2a_tui::api::{Session, Transcript};
    use g2a_tui::store::Store;
    use wiremock::matchers::query_param;

    let now = Utc::now();
    let server = MockServer::start().await;
    let row = |id: &str, customer: &str, ago: i64| {
        json!({
            "sessionId": id, "status": "complete", "sessionType": "screen_sharing",
            "expertName": "Dana Whitfield", "customerName": customer,
            "startedAt": stamp(now - TimeDelta::minutes(ago)),
            "endedAt": stamp(now - TimeDelta::minutes(ago - 20)),
        })
    };
    Mock::given(method("GET"))
        .and(path("/G2A/rest/v1/sessions"))
        .and(query_param("sessionType", "screen_sharing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalNumSessions": 2,
            "sessions": [row("482913657", "Morgan Lee", 90), row("482913700", "Priya Raman", 60)]
        })))
        .mount(&server)
        .await;
    mount_session(&server, "482913700", "Priya Raman", 5).await;

    // A session from two days ago that only the store knows, with its chat.
    let dir = Scratch::new("list");
    let mut store = Store::open(dir.0.join("store.sqlite3")).expect("store");
    let old = Session::from_value(json!({
        "sessionId": "482913999", "status": "complete", "customerName": "Olu Adeyemi",
        "expertName": "Ravi Patel", "startedAt": stamp(now - TimeDelta::days(2)),
    }))
    .expect("session");
    store.put_session("482913999", &old, now).expect("stored");
    let chat = Transcript::from_value(json!({"sessionId": "482913999", "events": [
        {"timeStamp": stamp(now - TimeDelta::days(2)), "participantName": "Olu Adeyemi",
         "content": "the print spooler crashed again"}
    ]}))
    .expect("transcript");
    store
        .put_transcript("482913999", &chat, now)
        .expect("stored");

    let client = Client::new(&ClientConfig {
        base_url: server.uri(),
        token: Some("loop-test-token".into()),
        auth_scheme: AuthScheme::Bearer,
        timeout: Duration::from_secs(5),
        ..ClientConfig::default()
    })
    .expect("client");
    let (requests, answers) = worker::spawn_with(g2a_tui::source::Source::new(client, Some(store)));
    let mut h = harness(&server, "unused", (120, 30));
    h.requests = requests;
    h.answers = answers;
    h.app = App::new(
        None,
        Context::default(),
        Zone::Utc,
        (120, 30),
        Instant::now(),
        now,
    );
    let drive = |script: Script| async move {
        let list = script.wait_for("Priya Raman").await;
        assert!(list.contains("Sessions · last 7 days"), "{list}");
        assert!(list.contains("Morgan Lee"), "{list}");
        assert!(
            list.contains("Olu Adeyemi") && list.contains("stored"),
            "{list}"
        );
        for c in "priya".chars() {
            script.key(KeyCode::Char(c));
        }
        script
            .wait_until("only Priya", |s| {
                s.contains("> priya") && !s.contains("Morgan Lee")
            })
            .await;
        script.key(KeyCode::Enter);
        let opened = script.wait_for("482913700 says message number 4").await;
        assert!(opened.contains("#482913700"), "{opened}");
        // Back to the list: the query is kept.
        script.press(KeyCode::Left, KeyModifiers::ALT);
        let back = script.wait_for("> priya").await;
        assert!(
            back.contains("Priya Raman") && !back.contains("Morgan Lee"),
            "{back}"
        );
        // A word only the stored chat holds: the session is found "in the chat:".
        script.key(KeyCode::Esc);
        for c in "spooler".chars() {
            script.key(KeyCode::Char(c));
        }
        let found = script
            .wait_until("the chat hit", |s| {
                s.contains("in the chat:") && s.contains("#482913999")
            })
            .await;
        assert!(found.contains("spooler crashed again"), "{found}");
        script.press(KeyCode::Char('c'), KeyModifiers::CONTROL);
    };
    let (outcome, _) = run_with(h, drive).await;
    assert_eq!(outcome.expect("ends").failure, None);
}

/// Issue 8: the API does not answer within `--timeout`; the panes show the local store's
/// copy, marked "offline · from <when it was fetched>", through the real worker and Source.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fetch_that_times_out_shows_the_stored_copy_marked_offline() {
    use chrono::TimeZone;
    use g2a_tui::api::{Session, Transcript};
    use g2a_tui::source::Source;
    use g2a_tui::store::{Store, StoreSettings};

    let id = "482913900";
    let dir = std::env::temp_dir().join(format!("g2a-tui-loop-offline-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let file = dir.join("store.sqlite3");
    let fetched = chrono::Utc
        .with_ymd_and_hms(2026, 11, 20, 16, 5, 0)
        .single()
        .expect("a valid time");
    {
        let mut store = Store::open(&file).expect("store");
        let session = Session::from_value(json!({
            "sessionId": id, "status": "complete", "expertName": "Dana Whitfield",
            "customerName": "Stored Customer", "startedAt": "2026-11-20T14:02:11Z"
        }))
        .expect("session");
        let transcript = Transcript::from_value(events(id, 3)).expect("transcript");
        store.put_session(id, &session, fetched).expect("stored");
        store
            .put_transcript(id, &transcript, fetched)
            .expect("stored");
    }
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let client = Client::new(&ClientConfig {
        base_url: server.uri(),
        token: Some("loop-test-token".into()),
        auth_scheme: AuthScheme::Bearer,
        timeout: Duration::from_millis(300),
        ..ClientConfig::default()
    })
    .expect("client");
    let settings = StoreSettings {
        path: Some(file.clone()),
        ..StoreSettings::default()
    };
    let (source, problem) = Source::open(client, &settings, false, Backlog::Work);
    assert_eq!(problem, None);
    let mut h = harness(&server, id, (160, 40));
    (h.requests, h.answers) = worker::spawn_with(source.clone());
    let drive = |script: Script| async move {
        let screen = script
            .wait_until("both panes from the store", |s| {
                s.matches("offline · from 2026-11-20 16:05:00 UTC").count() == 2
            })
            .await;
        assert!(screen.contains("Stored Customer"), "{screen}");
        assert!(
            screen.contains(&format!("{id} says message number 2")),
            "{screen}"
        );
        script.key(KeyCode::Char('q'));
    };
    let (outcome, _) = run_with(h, drive).await;
    assert_eq!(outcome.expect("ends").failure, None);
    assert_eq!(source.close(), None);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A stored sign-in whose token has expired: the worker's three requests share one
/// refresh, and the session opens as with a fresh token (issue 9).
#[tokio::test]
async fn the_viewer_refreshes_an_expired_sign_in_once_and_opens_the_session() {
    use g2a_tui::auth::{CredentialsFile, Tokens};
    use wiremock::matchers::{body_string, header};
    let dir = std::env::temp_dir().join(format!("g2a-tui-loop-auth-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let (auth, api) = (MockServer::start().await, MockServer::start().await);
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(body_string(
            "grant_type=refresh_token&refresh_token=loop-refresh",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "loop-fresh", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&auth)
        .await;
    // Only the fresh token is let in.
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer loop-stale"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&api)
        .await;
    mount_session(&api, "482913657", "Morgan Lee", 3).await;
    let file = CredentialsFile::new(dir.join("credentials.json"));
    file.save(&g2a_tui::auth::Credentials {
        auth_url: format!("{}/oauth/token", auth.uri()),
        client_id: "loop-client".into(),
        client_secret: "loop-secret".into(),
        access_token: "loop-stale".into(),
        refresh_token: Some("loop-refresh".into()),
        expires_at: Some(chrono::Utc::now() - chrono::Duration::minutes(5)),
        principal: None,
    })
    .expect("signed in");
    let tokens = Tokens::stored(file, Duration::from_secs(5)).expect("tokens");
    let client = Client::with_tokens(
        &ClientConfig {
            base_url: api.uri(),
            token: None,
            auth_scheme: AuthScheme::Bearer,
            timeout: Duration::from_secs(5),
            ..ClientConfig::default()
        },
        tokens,
    )
    .expect("client");
    let h = harness_with(client, "482913657", (100, 30));
    let drive = |script: Script| async move {
        let screen = script.wait_for("482913657 says message number 2").await;
        assert!(screen.contains("Morgan Lee"), "{screen}");
        assert!(!screen.contains("loop-fresh") && !screen.contains("loop-stale"));
        script.key(KeyCode::Char('q'));
    };
    let (outcome, _) = run_with(h, drive).await;
    assert!(outcome.is_ok());
    let sent: Vec<String> = api
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.headers
                .get("authorization")?
                .to_str()
                .ok()
                .map(String::from)
        })
        .collect();
    assert!(sent.iter().all(|h| h == "Bearer loop-fresh"), "{sent:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A transcript that fails with a 503 is asked again: its pane says so while it waits,
/// and the answer that follows replaces the note (issue 10).
#[tokio::test]
async fn a_retried_fetch_says_retrying_in_the_pane_that_waits() {
    let id = "482913777";
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/G2A/rest/v1/sessions/{id}/events")))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "2"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_session(&server, id, "Morgan Lee", 3).await;
    let h = harness(&server, id, (120, 30));
    let drive = |script: Script| async move {
        let waiting = script.wait_for("retrying (2/4) in").await;
        let title = waiting
            .lines()
            .find(|l| l.contains("retrying (2/4) in"))
            .unwrap_or_default();
        assert!(title.contains("Transcript"), "{waiting}");
        assert!(
            waiting.contains("The last try failed; asking again"),
            "{waiting}"
        );
        // The session pane got its answer at once and says nothing of retries.
        assert_eq!(waiting.matches("retrying").count(), 1, "{waiting}");
        let done = script
            .wait_for(&format!("{id} says message number 2"))
            .await;
        assert!(!done.contains("retrying"), "{done}");
        script.key(KeyCode::Char('q'));
    };
    let (outcome, _) = run_with(h, drive).await;
    assert_eq!(outcome.expect("ends").failure, None);
}

//! Issue 11 end to end on loopback: a transcript streams in batches, a body cut off
//! mid-stream is reported as truncated with what arrived kept, the body limit counts
//! bytes as they arrive (`--max-body-mb`), and the viewer shows batches as they come.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use g2a_tui::api::fetch::Progress;
use g2a_tui::api::worker::{Answer, Request, RequestId};
use g2a_tui::api::{lean, ApiError, Client, ClientConfig, Event, Timestamp, Transcript};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::App;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

fn client(base: &str) -> Client {
    Client::new(&ClientConfig {
        base_url: base.to_string(),
        token: Some("tok".into()),
        auth_scheme: Default::default(),
        timeout: Duration::from_secs(10),
        retry: g2a_tui::api::retry::RetryPolicy::with_retries(0),
        ..ClientConfig::default()
    })
    .expect("client")
}

fn event_json(i: usize) -> String {
    format!(
        r#"{{"timeStamp":"2026-11-20T14:{:02}:{:02}Z","content":"message {i} with some text","participantName":"{}"}}"#,
        i / 60 % 60,
        i % 60,
        if i.is_multiple_of(2) {
            "Dana"
        } else {
            "Morgan"
        }
    )
}

fn body(n: usize) -> String {
    let events: Vec<String> = (0..n).map(event_json).collect();
    format!(
        r#"{{"sessionId":"1","startTime":"2026-11-20T14:00:00Z","events":[{}]}}"#,
        events.join(",")
    )
}

/// A raw HTTP/1.1 server for one request: it sends `head` (the status line and
/// headers), then `parts` of the body with a pause between them, then closes.
async fn raw_server(head: String, parts: Vec<Vec<u8>>, pause: Duration) -> String {
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
        let _ = sock.write_all(head.as_bytes()).await;
        for p in parts {
            let _ = sock.write_all(&p).await;
            let _ = sock.flush().await;
            tokio::time::sleep(pause).await;
        }
        let _ = sock.shutdown().await;
    });
    format!("http://{addr}")
}

fn collect() -> (
    Arc<Mutex<Vec<Progress>>>,
    impl FnMut(Progress) + Send + 'static,
) {
    let got = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&got);
    (got, move |p: Progress| {
        if let Ok(mut g) = sink.lock() {
            g.push(p);
        }
    })
}

fn events_of(batches: &[Progress]) -> Vec<Event> {
    let mut out = Vec::new();
    for b in batches {
        if b.restart {
            out.clear();
        }
        out.extend(b.events.iter().cloned());
    }
    out
}

#[tokio::test]
async fn a_large_streamed_body_decodes_as_the_old_decoder_does() {
    let n = 150_000;
    let text = body(n);
    let want = {
        let v = lean::parse_events(&text.as_bytes()[..text.len() / 2 + 1]).ok();
        assert!(v.is_none(), "half a body is no JSON");
        let v = serde_json::from_str::<serde_json::Value>(&text).expect("json");
        let mut t = Transcript::from_value(v).expect("transcript");
        t.raw = serde_json::Value::Null;
        t
    };
    // Sent in pieces, without a Content-Length: the connection's end ends the body.
    let parts: Vec<Vec<u8>> = text
        .as_bytes()
        .chunks(1 << 20)
        .map(<[u8]>::to_vec)
        .collect();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
    let base = raw_server(head.to_string(), parts, Duration::from_millis(5)).await;
    let (got, sink) = collect();
    let t = client(&base)
        .transcript_stream("1", sink)
        .await
        .expect("decodes");
    let batches = got.lock().map(|g| g.clone()).unwrap_or_default();
    assert!(batches.len() > 2, "{} batches", batches.len());
    let last = batches.last().map(|b| (b.messages, b.bytes));
    assert_eq!(last.map(|l| l.0), Some(n));
    assert!(last.is_some_and(|l| l.1 > 0 && l.1 <= text.len() as u64));
    assert_eq!(
        Transcript {
            events: events_of(&batches),
            ..t
        },
        want
    );
}

#[tokio::test]
async fn a_body_cut_off_mid_stream_is_reported_as_truncated() {
    let text = body(5);
    // Cut inside the fourth event.
    let cut = text.find(&event_json(3)).expect("fourth event") + 10;
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        text.len()
    );
    let base = raw_server(
        head,
        vec![text.as_bytes()[..cut].to_vec()],
        Duration::from_millis(1),
    )
    .await;
    let (got, sink) = collect();
    let e = client(&base).transcript_stream("1", sink).await.err();
    assert!(
        matches!(e, Some(ApiError::Truncated { messages: 3, .. })),
        "{e:?}"
    );
    let text = e.map(|e| e.to_string()).unwrap_or_default();
    assert_eq!(
        text, "the chat transcript answer was cut off after 3 messages",
        "{text}"
    );
    let batches = got.lock().map(|g| g.clone()).unwrap_or_default();
    assert_eq!(events_of(&batches).len(), 3);

    // Without a Content-Length the JSON's end is what is missing: the same report.
    let text = body(5);
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
    let base = raw_server(
        head.to_string(),
        vec![text.as_bytes()[..cut].to_vec()],
        Duration::from_millis(1),
    )
    .await;
    let (_, sink) = collect();
    let e = client(&base).transcript_stream("1", sink).await.err();
    assert!(
        matches!(e, Some(ApiError::Truncated { messages: 3, .. })),
        "{e:?}"
    );
}

#[tokio::test]
async fn the_body_limit_counts_bytes_as_they_arrive() {
    let text = body(30_000); // about 3 MB
    assert!(text.len() > 2 << 20);
    let with_length = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        text.len()
    );
    let without = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
        .to_string();
    for head in [with_length, without] {
        let parts = text
            .as_bytes()
            .chunks(64 << 10)
            .map(<[u8]>::to_vec)
            .collect();
        let base = raw_server(head.clone(), parts, Duration::from_millis(0)).await;
        let small = client(&base).with_max_body(1 << 20);
        let (_, sink) = collect();
        let e = small.transcript_stream("1", sink).await.err();
        assert!(
            matches!(e, Some(ApiError::TooLarge { limit_mib: 1, .. })),
            "{head}: {e:?}"
        );
        let text = e.map(|e| e.to_string()).unwrap_or_default();
        assert!(text.contains("larger than 1 MiB (--max-body-mb)"), "{text}");
    }
    // The default takes it.
    let parts = text
        .as_bytes()
        .chunks(64 << 10)
        .map(<[u8]>::to_vec)
        .collect();
    let base = raw_server(
        "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n".into(),
        parts,
        Duration::from_millis(0),
    )
    .await;
    let t = client(&base).transcript("1").await.map(|t| t.events.len());
    assert_eq!(t.ok(), Some(30_000));
}

fn events(from: usize, n: usize) -> Vec<Event> {
    (from..from + n)
        .map(|i| Event {
            time: Some(Timestamp::parse(&format!(
                "2026-11-20T14:{:02}:{:02}Z",
                i / 60 % 60,
                i % 60
            ))),
            participant: Some(
                if i.is_multiple_of(2) {
                    "Dana"
                } else {
                    "Morgan"
                }
                .into(),
            ),
            content: format!("message number {i}"),
        })
        .collect()
}

fn feed(app: &mut App, a: Answer) {
    let now = app.now + Duration::from_millis(10);
    let wall = app.wall;
    update(app, Msg::Answer(a), now, wall);
}

fn transcript_id(fx: &[Effect]) -> RequestId {
    fx.iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Transcript { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a transcript request")
}

fn progress(id: RequestId, events: Vec<Event>, messages: usize, bytes: u64) -> Answer {
    let prepared = g2a_tui::present::transcript::prepare(&events, &mut Default::default());
    Answer::TranscriptProgress {
        id,
        prepared,
        events: std::sync::Arc::new(events),
        restart: false,
        messages,
        bytes,
        in_flight: None,
    }
}

#[test]
fn batches_show_as_they_arrive_and_completion_takes_an_unmoved_reader_to_the_end() {
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    let id = transcript_id(&fx);
    feed(
        &mut app,
        progress(id, events(0, 200_000), 200_000, 21_500_000),
    );
    feed(
        &mut app,
        progress(id, events(200_000, 140_000), 340_000, 42_300_000),
    );
    let s = app.session().expect("session screen");
    assert_eq!(s.view.entries.len(), 340_000);
    assert_eq!(
        s.view.entries.text(339_999).as_deref(),
        Some("message number 339999")
    );
    // The reader is at the top while it loads, and the title says how far it got.
    assert!(!s.view.is_following());
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("loading · 340,000 messages · 42 MB"),
        "{screen}"
    );
    assert!(screen.contains("message number 0"), "{screen}");
    // Completion: the reader never moved, so the newest message is in view.
    let head = Transcript {
        session_id: Some("482913657".into()),
        ..Transcript::default()
    };
    feed(&mut app, Answer::Transcript(id, Ok(head)));
    let s = app.session().expect("session screen");
    assert_eq!(s.view.entries.len(), 340_000);
    assert!(s.view.is_following());
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("message number 339999"), "{screen}");
    assert!(!screen.contains("340,000 messages ·"), "{screen}");
}

/// A chat hit opened from the list: the reader came for its message, which stays in view
/// when the transcript completes, even when it is on the first page (it once jumped to the
/// end, taken for a reader who had not moved).
#[test]
fn a_reader_who_came_for_a_match_on_the_first_page_stays_there() {
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    if let Some(s) = app.session_mut() {
        s.search = Some(g2a_tui::app::search::Search::kept("number 3", 3));
    }
    let id = transcript_id(&fx);
    feed(&mut app, progress(id, events(0, 5_000), 5_000, 500_000));
    let head = Transcript {
        session_id: Some("482913657".into()),
        ..Transcript::default()
    };
    feed(&mut app, Answer::Transcript(id, Ok(head)));
    let s = app.session().expect("session screen");
    assert!(!s.view.is_following(), "not taken to the end");
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("message number 3"), "{screen}");
    assert!(!screen.contains("message number 4999"), "{screen}");
}

#[test]
fn a_reader_who_moved_stays_and_a_cut_keeps_what_arrived() {
    use crossterm::event::KeyCode;
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    let id = transcript_id(&fx);
    feed(&mut app, progress(id, events(0, 500), 500, 50_000));
    common::key(&mut app, KeyCode::Char('j'));
    common::key(&mut app, KeyCode::Char('j'));
    let at = app.session().and_then(|s| s.view.anchor);
    feed(&mut app, progress(id, events(500, 500), 1000, 100_000));
    let err = ApiError::Truncated {
        endpoint: g2a_tui::api::Endpoint::Transcript,
        messages: 1000,
    };
    feed(&mut app, Answer::Transcript(id, Err(err)));
    let s = app.session().expect("session screen");
    assert_eq!(s.view.entries.len(), 1000);
    assert_eq!(s.view.anchor, at, "the reader stays where they went");
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("only the first 1,000 messages: the answer was cut off"),
        "{screen}"
    );
}

/// Answers the session request among `fx` with `body`.
fn answer_session(app: &mut App, fx: &[Effect], body: serde_json::Value) {
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Session { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a session request");
    let session = g2a_tui::api::Session::from_value(body).expect("a session");
    feed(app, Answer::Session(id, Ok(session)));
}

/// The session pane's rows as text, at `width` columns.
fn session_text_at(app: &App, width: usize) -> String {
    let s = app.session().expect("session screen");
    app.session_rows(s, width)
        .iter()
        .map(|r| r.spans.iter().map(|(t, _)| t.as_str()).collect::<String>() + "\n")
        .collect()
}

/// A narrow session pane drops the type before it cuts the id, and a cut id ends in
/// "…": `#48291371` would read as another session.
#[test]
fn a_narrow_pane_never_shows_a_shorter_id() {
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    answer_session(
        &mut app,
        &fx,
        serde_json::json!({
            "sessionId": "482913657", "status": "Abandoned", "sessionType": "screen sharing"
        }),
    );
    let head = |w: usize| {
        session_text_at(&app, w)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(head(60), " ABANDONED   screen sharing  #482913657");
    assert_eq!(head(36), " ABANDONED   #482913657");
    assert_eq!(head(20), " ABANDONED   #48291…");
}

/// An export is attached to tickets: while the transcript streams in it is refused
/// (not written as "no chat transcript"), and one cut off says it is incomplete.
#[test]
fn export_waits_for_a_streaming_transcript_and_marks_a_cut_one() {
    use crossterm::event::KeyCode;
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    answer_session(
        &mut app,
        &fx,
        serde_json::json!({
            "sessionId": "482913657", "status": "Completed",
            "startedAt": "2026-11-20T14:00:00Z"
        }),
    );
    let id = transcript_id(&fx);
    feed(&mut app, progress(id, events(0, 2_500), 2_500, 250_000));
    let fx = common::key(&mut app, KeyCode::Char('e'));
    assert!(
        !fx.iter().any(|e| matches!(e, Effect::Export { .. })),
        "{fx:?}"
    );
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("still loading (2,500 messages so far)"),
        "{screen}"
    );
    // The metrics are read from what arrived, and say so until the load ends.
    assert!(session_text_at(&app, 80).contains("Metrics (so far"));

    let err = ApiError::Truncated {
        endpoint: g2a_tui::api::Endpoint::Transcript,
        messages: 2_500,
    };
    feed(&mut app, Answer::Transcript(id, Err(err)));
    let fx = common::key(&mut app, KeyCode::Char('e'));
    let contents = fx
        .iter()
        .find_map(|e| match e {
            Effect::Export { export, .. } => {
                let mut out = Vec::new();
                export.write_to(&mut out).expect("written");
                String::from_utf8(out).ok()
            }
            _ => None,
        })
        .expect("exported");
    assert!(contents.contains("message number 2499"), "{contents}");
    let text = session_text_at(&app, 80);
    assert!(
        text.contains("Metrics") && !text.contains("Metrics (so far"),
        "{text}"
    );
    assert!(!contents.contains("No chat transcript"), "{contents}");
    assert!(
        contents.contains("**Transcript incomplete:** 2,500 messages shown; the chat transcript answer was cut off after 2500 messages"),
        "{contents}"
    );
    // Said where the transcript ends, before the partner links.
    let note = contents.find("Transcript incomplete").expect("the note");
    let last = contents
        .find("message number 2499")
        .expect("the last message");
    let links = contents.find("## Partner links").expect("the links");
    assert!(last < note && note < links, "{contents}");
}

#[test]
fn a_live_refetch_streamed_again_appends_only_what_is_new() {
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    let id = transcript_id(&fx);
    feed(&mut app, progress(id, events(0, 100), 100, 9_000));
    feed(&mut app, Answer::Transcript(id, Ok(Transcript::default())));
    let before = app.session().and_then(|s| s.view.entries.get(0));
    // A refresh (as a poll would ask): the whole answer streams again, longer.
    let fx = common::key(&mut app, crossterm::event::KeyCode::Char('r'));
    let id = transcript_id(&fx);
    feed(&mut app, progress(id, events(0, 60), 60, 5_000));
    assert_eq!(app.session().map(|s| s.view.entries.len()), Some(100));
    feed(&mut app, progress(id, events(60, 50), 110, 10_000));
    feed(&mut app, Answer::Transcript(id, Ok(Transcript::default())));
    let s = app.session().expect("session screen");
    assert_eq!(s.view.entries.len(), 110);
    assert_eq!(s.view.entries.get(0), before);
    assert_eq!(
        s.view.entries.text(109).as_deref(),
        Some("message number 109")
    );
    // A shorter answer ends shorter.
    let fx = common::key(&mut app, crossterm::event::KeyCode::Char('r'));
    let id = transcript_id(&fx);
    feed(&mut app, progress(id, events(0, 30), 30, 3_000));
    feed(&mut app, Answer::Transcript(id, Ok(Transcript::default())));
    assert_eq!(app.session().map(|s| s.view.entries.len()), Some(30));
}

/// A worker asked for transcript "1", served `n` events in parts of `chunk` bytes
/// `pause` apart; the request sender is returned to keep the worker listening.
async fn ask_worker(
    n: usize,
    chunk: usize,
    pause: Duration,
    id: RequestId,
) -> (
    tokio::sync::mpsc::UnboundedSender<Request>,
    tokio::sync::mpsc::UnboundedReceiver<Answer>,
) {
    let text = body(n);
    let parts: Vec<Vec<u8>> = text.as_bytes().chunks(chunk).map(<[u8]>::to_vec).collect();
    let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n";
    let base = raw_server(head.to_string(), parts, pause).await;
    let (tx, rx) = g2a_tui::api::worker::spawn(client(&base));
    tx.send(Request::Transcript {
        id,
        session_id: "1".into(),
    })
    .expect("worker listens");
    (tx, rx)
}

/// The worker sends the batches as answers of their own, then the transcript's own
/// answer without events: assembled, they are the whole transcript.
#[tokio::test]
async fn the_worker_answers_with_batches_then_the_transcript() {
    let n = 30_000;
    let id = RequestId(7);
    let (_tx, mut rx) = ask_worker(n, 256 << 10, Duration::from_millis(20), id).await;
    let mut got = Vec::new();
    let mut batches = 0;
    let done = loop {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(Answer::TranscriptProgress {
                id: of,
                events,
                restart,
                messages,
                ..
            })) => {
                assert_eq!(of, id);
                if restart {
                    got.clear();
                }
                got.extend(events.iter().cloned());
                assert_eq!(messages, got.len());
                batches += 1;
            }
            Ok(Some(Answer::Transcript(of, result))) => {
                assert_eq!(of, id);
                break result;
            }
            other => panic!("{other:?}"),
        }
    };
    let t = done.expect("transcript");
    assert!(t.events.is_empty(), "the events came in batches");
    assert_eq!(t.session_id.as_deref(), Some("1"));
    assert!(batches > 1, "{batches} batches");
    assert_eq!(got.len(), n);
    assert_eq!(
        got[n - 1].content,
        format!("message {} with some text", n - 1)
    );
}

/// A viewer slower than the network holds the network back: while nobody takes the
/// answers in, at most a few batches wait for it (not the whole decoded body), and
/// once they are taken in the rest follows, complete and in order.
#[tokio::test]
async fn batches_wait_for_a_slow_viewer_instead_of_piling_up() {
    let n = 60_000;
    let id = RequestId(9);
    let (_tx, mut rx) = ask_worker(n, 64 << 10, Duration::from_millis(0), id).await;
    // The whole body would decode in well under this; the viewer reads nothing.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut waiting = Vec::new();
    while let Ok(a) = rx.try_recv() {
        waiting.push(a);
    }
    let queued: usize = waiting
        .iter()
        .map(|a| match a {
            Answer::TranscriptProgress { events, .. } => events.len(),
            _ => 0,
        })
        .sum();
    assert!(
        waiting.len() <= 4 && queued < n / 2,
        "{} answers with {queued} events waited",
        waiting.len()
    );
    let mut got: usize = queued;
    drop(waiting);
    let done = loop {
        match tokio::time::timeout(Duration::from_secs(30), rx.recv()).await {
            Ok(Some(Answer::TranscriptProgress { events, .. })) => got += events.len(),
            Ok(Some(Answer::Transcript(_, result))) => break result,
            other => panic!("{other:?}"),
        }
    };
    done.expect("transcript");
    assert_eq!(got, n);
}

/// A transcript that was retried says so until its answer starts to arrive; from the
/// first batch on, the title counts what arrived instead.
#[test]
fn the_retry_note_gives_way_to_the_first_batch() {
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    let id = transcript_id(&fx);
    let note = g2a_tui::api::retry::Retrying {
        endpoint: g2a_tui::api::Endpoint::Transcript,
        attempt: 2,
        attempts: 4,
        wait: std::time::Duration::from_secs(3),
    };
    feed(&mut app, Answer::Retrying(id, note));
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("retrying (2/4) in 3 s"), "{screen}");
    feed(&mut app, progress(id, events(0, 1_000), 1_000, 100_000));
    let screen = common::screen(&common::draw(&app));
    assert!(!screen.contains("retrying"), "{screen}");
    assert!(screen.contains("loading · 1,000 messages"), "{screen}");
}

/// `r` while a first load streams: a reader who has not moved is still taken to the
/// newest message when the new answer completes, and nothing counts as news.
#[test]
fn asking_again_during_a_first_load_keeps_an_unmoved_reader_parked() {
    use crossterm::event::KeyCode;
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    let first = transcript_id(&fx);
    feed(&mut app, progress(first, events(0, 2_000), 2_000, 200_000));
    let fx = common::key(&mut app, KeyCode::Char('r'));
    let again = transcript_id(&fx);
    assert_ne!(again, first);
    feed(&mut app, progress(again, events(0, 3_000), 3_000, 300_000));
    feed(
        &mut app,
        progress(again, events(3_000, 2_000), 5_000, 500_000),
    );
    let s = app.session().expect("session screen");
    assert_eq!(s.view.unseen, 0, "nothing is news to a reader at the top");
    feed(
        &mut app,
        Answer::Transcript(again, Ok(Transcript::default())),
    );
    let s = app.session().expect("session screen");
    assert_eq!(s.view.entries.len(), 5_000);
    assert!(s.view.is_following(), "taken to the newest message");
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("message number 4999"), "{screen}");
}

/// A first load that times out part-way shows what arrived under what happened, not
/// as a failed refresh (there was no earlier answer to refresh).
#[test]
fn a_first_load_that_times_out_part_way_says_so() {
    let now = std::time::Instant::now();
    let mut app = common::app(Some("482913657"), None, (100, 30), now);
    let fx = start(&mut app, now);
    let id = transcript_id(&fx);
    feed(&mut app, progress(id, events(0, 500), 500, 50_000));
    let err = ApiError::Timeout {
        endpoint: g2a_tui::api::Endpoint::Transcript,
        secs: 3,
    };
    feed(&mut app, Answer::Transcript(id, Err(err)));
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("only the first 500 messages"), "{screen}");
    assert!(screen.contains("timed out"), "{screen}");
    assert!(!screen.contains("refresh failed"), "{screen}");
}

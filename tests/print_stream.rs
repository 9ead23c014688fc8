//! `print` writes a large transcript as it streams (issue 11): the first messages
//! are out before the server has sent the rest, CSV is exactly what the whole-answer
//! renderer writes, and `--max-body-mb` (flag, environment, config) refuses a body
//! past it with or without a Content-Length.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::Command;
use tokio::sync::Notify;

const SESSION: &str = r#"{"sessionId":"77","status":"complete","expertName":"Dana","customerName":"Morgan","startedAt":"2026-11-20T14:00:00Z","customerJoinedAt":"2026-11-20T14:01:00Z","endedAt":"2026-11-20T18:00:00Z"}"#;

fn event_json(i: usize) -> String {
    format!(
        r#"{{"timeStamp":"2026-11-20T{:02}:{:02}:{:02}Z","content":"message {i} with some text","participantName":"{}"}}"#,
        14 + i / 3600 % 10,
        i / 60 % 60,
        i % 60,
        if i.is_multiple_of(2) {
            "Dana"
        } else {
            "Morgan"
        }
    )
}

fn events_body(n: usize) -> String {
    let events: Vec<String> = (0..n).map(event_json).collect();
    format!(r#"{{"sessionId":"77","events":[{}]}}"#, events.join(","))
}

/// Serves the session and, for `/events`, `first` then (after `go` is notified, or
/// at once without one) the rest of `events`. `length`: send a Content-Length.
async fn server(events: String, first: usize, go: Option<Arc<Notify>>, length: bool) -> String {
    server_with(SESSION.to_string(), events, first, go, length).await
}

/// [`server`] answering the session with `session`.
async fn server_with(
    session: String,
    events: String,
    first: usize,
    go: Option<Arc<Notify>>,
    length: bool,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (events, session) = (Arc::new(events), Arc::new(session));
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let (events, go) = (Arc::clone(&events), go.clone());
            let session = Arc::clone(&session);
            tokio::spawn(async move {
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let request = String::from_utf8_lossy(&got).to_string();
                let path = request
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_string();
                let (body, split): (&str, usize) = if path.ends_with("/events") {
                    (&events, first)
                } else if path.contains("/sessions/") {
                    (&session, session.len())
                } else {
                    ("[]", 2)
                };
                let head = if length {
                    format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len())
                } else {
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                        .to_string()
                };
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body.as_bytes()[..split]).await;
                let _ = sock.flush().await;
                if split < body.len() {
                    if let Some(go) = go {
                        go.notified().await;
                    }
                    let _ = sock.write_all(&body.as_bytes()[split..]).await;
                }
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

fn g2a(args: &[&str], base: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(args);
    for var in [
        "G2A_TOKEN",
        "G2A_BASE_URL",
        "G2A_SYSTEM_DOMAIN",
        "G2A_CONFIG",
        "G2A_TIMEOUT",
        "G2A_MAX_BODY_MB",
        "G2A_TOKEN_COMMAND",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    let nowhere = std::env::temp_dir().join(format!("g2a-tui-print-stream-{}", std::process::id()));
    cmd.env("TZ", "UTC")
        .env("G2A_NO_STORE", "1")
        .env("G2A_TOKEN", "tok")
        .env("G2A_BASE_URL", base)
        .env("XDG_DATA_HOME", nowhere.join("data"))
        .env("XDG_CONFIG_HOME", nowhere.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

#[tokio::test]
async fn print_writes_messages_before_the_body_has_arrived() {
    let n = 40_000;
    let body = events_body(n);
    // Half the body, then nothing until the test has read printed messages.
    let go = Arc::new(Notify::new());
    let base = server(body.clone(), body.len() / 2, Some(Arc::clone(&go)), true).await;
    let mut child = g2a(&["print", "77", "--format", "text"], &base)
        .spawn()
        .expect("run g2a-tui");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let early = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(Some(line)) = lines.next_line().await {
            let hit = line.contains("message 15000 with");
            seen.push(line);
            if hit {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(
        early,
        Ok(true),
        "printed before the rest was sent: {:?}",
        seen.last()
    );
    go.notify_one();
    while let Ok(Some(line)) = lines.next_line().await {
        seen.push(line);
    }
    let status = child.wait().await.expect("exit");
    assert!(status.success());
    let text = seen.join("\n");
    assert!(
        text.starts_with("Session 77"),
        "{}",
        &text[..200.min(text.len())]
    );
    let msgs: Vec<&String> = seen
        .iter()
        .filter(|l| l.contains(" with some text"))
        .collect();
    assert_eq!(msgs.len(), n);
    for (i, l) in msgs.iter().enumerate().step_by(997) {
        assert!(l.contains(&format!("message {i} with")), "{i}: {l}");
    }
    // Past the buffer the metrics follow the transcript, counted over all of it.
    let transcript = text.find("\nTranscript\n").expect("transcript heading");
    let metrics = text.find("\nMetrics").expect("metrics heading");
    assert!(metrics > transcript);
    assert!(
        text.contains("Dana 20,000, Morgan 20,000"),
        "{}",
        &text[metrics..(metrics + 600).min(text.len())]
    );
}

#[tokio::test]
async fn streamed_csv_is_what_the_whole_answer_renders() {
    let n = 25_000;
    let body = events_body(n);
    let base = server(body.clone(), body.len(), None, false).await;
    let out = g2a(&["print", "77", "--format", "csv"], &base)
        .output()
        .await
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The oracle: the whole-answer renderer over the old decoder's transcript.
    let v = g2a_tui::api::lean::parse_events(body.as_bytes()).ok();
    let t = v.and_then(|v| g2a_tui::api::Transcript::from_value(v).ok());
    let session = serde_json::from_str(SESSION).ok();
    let session = session.and_then(|v| g2a_tui::api::Session::from_value(v).ok());
    let report = g2a_tui::print::Report {
        session: session.expect("session"),
        transcript: Ok(t.expect("transcript")),
        links: g2a_tui::print::LinksOutcome::NoDomain,
    };
    let opts = g2a_tui::print::PrintOptions {
        format: g2a_tui::print::Format::Csv,
        zone: g2a_tui::timefmt::Zone::Utc,
        reveal_secrets: false,
    };
    let want = g2a_tui::print::render(&report, &opts, chrono::Utc::now());
    assert_eq!(String::from_utf8_lossy(&out.stdout), want);
}

/// The messages of a streamed text transcript are, byte for byte, those the
/// whole-answer renderer writes: realistic messages (the demo's generated ones:
/// several lines, wide characters, emoji, system lines, days turning over).
#[tokio::test]
async fn streamed_text_messages_are_what_the_whole_answer_renders() {
    use g2a_tui::demo::huge;
    let n = 30_000;
    let body = huge::body_bytes(n as u64);
    let body = String::from_utf8(body).expect("UTF-8");
    let session = huge::session(n as u64).to_string();
    let base = server_with(session.clone(), body.clone(), body.len(), None, false).await;
    let id = format!("huge-{n}");
    let out = g2a(&["print", &id, "--format", "text"], &base)
        .output()
        .await
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = g2a_tui::api::lean::parse_events(body.as_bytes()).ok();
    let t = v.and_then(|v| g2a_tui::api::Transcript::from_value(v).ok());
    let session = serde_json::from_str(&session).ok();
    let session = session.and_then(|v| g2a_tui::api::Session::from_value(v).ok());
    let report = g2a_tui::print::Report {
        session: session.expect("session"),
        transcript: Ok(t.expect("transcript")),
        links: g2a_tui::print::LinksOutcome::NoDomain,
    };
    let opts = g2a_tui::print::PrintOptions {
        format: g2a_tui::print::Format::Text,
        zone: g2a_tui::timefmt::Zone::Utc,
        reveal_secrets: false,
    };
    let whole = g2a_tui::print::render(&report, &opts, chrono::Utc::now());
    let streamed = String::from_utf8(out.stdout).expect("UTF-8");
    // After the legend (which differs: the streamed one names every mark), up to
    // what follows the messages (the links; the streamed metrics).
    let messages = |doc: &str, end: &str| -> String {
        let legend = doc.find("\nMarks: ").expect("legend");
        let from = legend + doc[legend + 1..].find('\n').expect("legend line") + 2;
        let to = doc.find(end).expect("end of the messages");
        doc[from..to].to_string()
    };
    let want = messages(&whole, "\n\nPartner links");
    let got = messages(&streamed, "\n\nMetrics\n");
    assert_eq!(got.lines().count(), want.lines().count());
    assert!(got.lines().count() > n, "continuation lines and date lines");
    assert!(got.contains("\n-- 2024-03-06 Wed --\n"), "a day turns over");
    assert_eq!(got, want);
}

#[tokio::test]
async fn max_body_mb_refuses_a_larger_answer_from_flag_env_and_config() {
    let body = events_body(30_000); // about 3 MB
    for length in [true, false] {
        let base = server(body.clone(), body.len(), None, length).await;
        let out = g2a(&["print", "77", "--max-body-mb", "1"], &base)
            .output()
            .await
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        let said = format!("{stdout}{stderr}");
        assert!(
            said.contains("the chat transcript answer is larger than 1 MiB (--max-body-mb)"),
            "length {length}: {said}"
        );
    }
    // The environment, then a config file, say the same; the default takes it.
    let base = server(body.clone(), body.len(), None, true).await;
    let out = g2a(&["print", "77"], &base)
        .env("G2A_MAX_BODY_MB", "2")
        .output()
        .await
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("larger than 2 MiB"));
    let dir = std::env::temp_dir().join(format!("g2a-tui-maxbody-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let config = dir.join("config.toml");
    std::fs::write(&config, "max_body_mb = 1\n").expect("config");
    let cfg = config.to_string_lossy().to_string();
    let out = g2a(&["config"], &base)
        .env("G2A_CONFIG", &cfg)
        .output()
        .await
        .expect("run");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown
            .lines()
            .any(|l| l.contains("max_body_mb") && l.contains('1')),
        "{shown}"
    );
    let out = g2a(&["print", "77"], &base)
        .env("G2A_CONFIG", &cfg)
        .output()
        .await
        .expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).contains("larger than 1 MiB"));
    let out = g2a(&["print", "77", "--format", "csv"], &base)
        .output()
        .await
        .expect("run");
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 30_001);
}

//! `print --format json` passes the transcript's body through as it streams (issue 11):
//! the same bytes as the whole-answer path (`lean::parse_events`, masked, written by
//! `print::render`) for every fixture, whether held or streamed; 200,000 events in
//! order; a body cut off leaves valid JSON that says so, and the exit status.

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use g2a_tui::api::{lean, Client, ClientConfig, Transcript};
use g2a_tui::print::passthrough::transcode_slice;
use g2a_tui::print::{self, Format, LinksOutcome, PrintOptions, Report};
use g2a_tui::source::Source;
use g2a_tui::timefmt::Zone;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, ResponseTemplate};

const EV: &str =
    r#"{"timeStamp": "2021-04-30T06:00:00Z", "content": "hi", "participantName": "Ann"}"#;
const EV2: &str =
    r#"{"timestamp": "2021-04-30T06:00:01+02:00", "message": "yo\nthere", "participant": "Bo"}"#;
const SESSION: &str = r#"{"zulu":1,"sessionId":123456789012345678901234567890,"status":"complete","expertName":"Dana","customerName":"Morgan","startedAt":"2021-04-30T05:59:00Z","endedAt":"2021-04-30T07:00:00Z","ratio":0.10000000000000000555111512312578270211815834045}"#;
const LINKS: &str = r#"[{"systemName": "Acme\u001b]0;x\u0007", "userToken": "nw-secret-1", "n": 18446744073709551616}]"#;

/// Bodies of every accepted shape and hostile ones (those of tests/stream_decode.rs,
/// and partner tokens, big numbers, escapes, control and bidi characters).
fn bodies() -> Vec<String> {
    let mut b: Vec<String> = vec![
        format!("[{EV}, {EV2}]"),
        format!(
            r#"{{"sessionId": "1", "startTime": "2021-04-30T06:00:00Z", "endTime": "x", "events": [{EV}, {EV2}]}}"#
        ),
        format!(r#"{{"sessionId": 12345678901234567890123, "messages": [{EV}, {{}}, 0]}}"#),
        format!(r#"{{"data": {{"events": [{EV}]}}, "list": [1, 2], "items": [{EV2}]}}"#),
        EV.to_string(),
        "null".into(),
        "[]".into(),
        "{}".into(),
        r#"{"events": []}"#.into(),
        r#"[0, 1.5, "x", null, true, [1, [2]], {}, {"content": "hi", "n": 12345678901234567890123}, 7]"#.into(),
        r#"{"sessionId": 123456789012345678901234567890, "events": [0, {"content": "a"}, 0], "meta": {"list": [0, 1]}, "n": 1e+400}"#.into(),
        format!(r#"{{"a": [{EV}], "events": [{EV2}]}}"#),
        format!(r#"{{"a": [{EV}], "events": "none"}}"#),
        // Repeated keys: first place, last value.
        format!(r#"{{"events": [{EV}], "events": [{EV2}]}}"#),
        format!(r#"{{"events": [{EV}], "events": 5, "b": [{EV2}]}}"#),
        format!(r#"{{"b": 1, "a": [{EV}], "b": [{EV2}]}}"#),
        format!(r#"{{"a": [{EV}], "a": 5}}"#),
        format!(r#"{{"x": 1, "y": 2, "x": 3, "events": [{EV}, {EV2}], "z": 4}}"#),
        r#"[{"content": "a", "content": "b", "message": "c"}, {"content": "", "message": "m"}]"#.into(),
        r#"[{"content": [1, 2, {"x": "y"}], "time": true, "seq": 99999999999999999999, "r": 1.0, "m": 1e+2}]"#.into(),
        "[{\"content\": \"\\u001b[31mred\\u202e\\u0007 \\u009b \\u007f \\\"q\\\" \\\\ \u{2066}日本 🎉\", \"participantName\": \"\\u0000x\"}]".into(),
        // Partner tokens at any depth, and at the top (an array there too).
        r#"{"userToken": "top-secret", "events": [{"content": "a", "x": {"USERTOKEN": 5, "userToken": null}}]}"#.into(),
        r#"{"events": [{"content": "a"}], "userToken": [{"content": "b"}], "usertoken": null}"#.into(),
        r#"[{"content": "a", "userToken": "s3cret"}, {"content": "b", "userToken": {"k": "v"}}]"#.into(),
        "5".into(),
        "\"x\"".into(),
        "12345678901234567890123456789".into(),
    ];
    let demo: Value = serde_json::from_str(include_str!("../assets/demo/transcripts.json"))
        .expect("demo transcripts");
    if let Value::Object(all) = demo {
        b.extend(all.values().map(Value::to_string));
    }
    b
}

/// What the whole-answer path writes for `body` (masked unless `reveal`).
fn oracle(body: &str, reveal: bool) -> Result<String, String> {
    let mut v = lean::parse_events(body.as_bytes()).map_err(|e| e.to_string())?;
    if !reveal {
        print::mask_tokens(&mut v);
    }
    Ok(print::to_safe_string(&v))
}

/// Whether the top object names a key twice (where streaming cannot keep the first
/// place: the key is written again).
fn top_key_repeats(body: &str) -> bool {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(body) else {
        return false;
    };
    let mut keys = 0;
    let mut de = serde_json::Deserializer::from_str(body);
    struct Count<'a>(&'a mut usize);
    impl<'de> serde::de::Visitor<'de> for Count<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while map.next_entry::<String, serde::de::IgnoredAny>()?.is_some() {
                *self.0 += 1;
            }
            Ok(())
        }
    }
    let _ = serde::Deserializer::deserialize_map(&mut de, Count(&mut keys));
    keys != m.len()
}

#[test]
fn passthrough_writes_what_the_whole_answer_path_writes() {
    for body in bodies() {
        for reveal in [false, true] {
            let old = oracle(&body, reveal).expect("the old path reads every fixture");
            for held in [usize::MAX, 1_000, 1, 0] {
                let new = transcode_slice(body.as_bytes(), held, !reveal)
                    .unwrap_or_else(|e| panic!("{body}: {e}"));
                if new == old {
                    continue;
                }
                // Only a repeated top key, once writing began, is written again; a
                // reader keeping the last value reads the same.
                assert!(
                    held < 1_000 && top_key_repeats(&body),
                    "held {held}, body {body}\nold {old}\nnew {new}"
                );
                let (a, b): (Value, Value) = (
                    serde_json::from_str(&old).expect("old JSON"),
                    serde_json::from_str(&new).expect("new JSON"),
                );
                assert_eq!(a, b, "held {held}, body {body}");
            }
        }
    }
}

#[test]
fn masked_tokens_never_pass_through() {
    for body in bodies() {
        for held in [usize::MAX, 0] {
            let out = transcode_slice(body.as_bytes(), held, true).unwrap_or_default();
            for secret in ["top-secret", "s3cret", "\"k\": \"v\""] {
                assert!(!out.contains(secret), "{secret} in {out}");
            }
        }
    }
    let top = bodies()
        .into_iter()
        .find(|b| b.contains("top-secret"))
        .unwrap_or_default();
    let shown = transcode_slice(top.as_bytes(), 0, false).unwrap_or_default();
    assert!(shown.contains("top-secret"), "{shown}");
}

#[test]
fn what_the_old_path_refuses_is_refused() {
    // Past serde_json's nesting limit inside a kept element.
    let nest = format!("{}1{}", "[".repeat(200), "]".repeat(200));
    let deep = format!("[{{\"a\": {nest}}}]");
    let deep_in = format!("{{\"events\": [{EV}, {{\"a\": {nest}}}]}}");
    for body in [
        "[1,",
        "[] x",
        "",
        "<html>",
        &deep,
        &deep_in,
        "{\"events\": [{\"a\": 1}",
    ] {
        assert!(oracle(body, false).is_err(), "{body}");
        for held in [usize::MAX, 0] {
            assert!(
                transcode_slice(body.as_bytes(), held, true).is_err(),
                "{body}"
            );
        }
    }
}

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

/// The whole document, held and streamed, against `print::render` of the report the
/// old path fetched, on a real loopback server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_byte_identical_to_the_whole_answer_render() {
    let server = MockServer::start().await;
    Mock::given(path("/G2A/rest/v1/sessions/42"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(SESSION, "application/json"))
        .mount(&server)
        .await;
    Mock::given(path("/G2A/rest/v1/systemLinks"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(LINKS, "application/json"))
        .mount(&server)
        .await;
    let client = client(&server.uri());
    let source = Source::new(client.clone(), None);
    let domain = Some("crm.example.com");
    for body in bodies() {
        server.reset().await;
        for (p, b) in [
            ("/G2A/rest/v1/sessions/42", SESSION.to_string()),
            ("/G2A/rest/v1/systemLinks", LINKS.to_string()),
            ("/G2A/rest/v1/sessions/42/events", body.clone()),
        ] {
            Mock::given(path(p))
                .respond_with(ResponseTemplate::new(200).set_body_raw(b, "application/json"))
                .mount(&server)
                .await;
        }
        for reveal in [false, true] {
            let opts = PrintOptions {
                format: Format::Json,
                zone: Zone::Utc,
                reveal_secrets: reveal,
            };
            let session = client.session("42").await.expect("session");
            let transcript = lean::parse_events(body.as_bytes())
                .map_err(|e| e.to_string())
                .and_then(Transcript::from_value);
            let Ok(transcript) = transcript else { continue };
            let links = client.system_links("crm.example.com").await.expect("links");
            let report = Report {
                session,
                transcript: Ok(transcript),
                links: LinksOutcome::Loaded {
                    domain: "crm.example.com".into(),
                    links,
                },
            };
            let old = print::render(&report, &opts, Utc::now());
            for held in [usize::MAX, 0] {
                let mut out = Vec::new();
                let printed =
                    print::json_stream::print_holding(&source, "42", domain, &opts, &mut out, held)
                        .await
                        .expect("printed");
                assert!(printed.report.first_error().is_none(), "{body}");
                let new = String::from_utf8(out).expect("UTF-8");
                if held == 0 && top_key_repeats(&body) {
                    let (a, b): (Value, Value) = (
                        serde_json::from_str(&old).expect("old"),
                        serde_json::from_str(&new).expect("new"),
                    );
                    assert_eq!(a, b, "{body}");
                } else {
                    assert_eq!(new, old, "held {held}, body {body}");
                }
                if !reveal {
                    assert!(!new.contains("nw-secret-1"), "{new}");
                }
            }
        }
    }
}

fn event_json(i: usize) -> String {
    format!(
        r#"{{"timeStamp":"2026-11-20T{:02}:{:02}:{:02}Z","content":"message {i}","participantName":"{}","userToken":"tok-{i}"}}"#,
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

/// A raw loopback server: the session, and for `/events` `body`, of which only
/// `send` bytes go out (then the connection closes) though `body.len()` is announced.
async fn server(body: String, send: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let body = Arc::new(body);
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let body = Arc::clone(&body);
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
                let (body, send) = if request.contains("/events ") {
                    (body.as_str(), send)
                } else {
                    (SESSION, SESSION.len())
                };
                let head = format!("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = sock.write_all(head.as_bytes()).await;
                let _ = sock.write_all(&body.as_bytes()[..send]).await;
                let _ = sock.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

async fn g2a(args: &[&str], base: &str) -> std::process::Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
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
    let nowhere = std::env::temp_dir().join(format!("g2a-tui-print-json-{}", std::process::id()));
    cmd.env("TZ", "UTC")
        .env("G2A_NO_STORE", "1")
        .env("G2A_TOKEN", "tok")
        .env("G2A_BASE_URL", base)
        .env("XDG_DATA_HOME", nowhere.join("data"))
        .env("XDG_CONFIG_HOME", nowhere.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd.output().await.expect("run g2a-tui")
}

const N: usize = 200_000;

fn big_body() -> String {
    let events: Vec<String> = (0..N).map(event_json).collect();
    format!(r#"{{"sessionId":"42","events":[{}]}}"#, events.join(","))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_thousand_events_pass_through_in_order_masked() {
    let body = big_body();
    let base = server(body.clone(), body.len()).await;
    let out = g2a(&["print", "--format", "json", "42"], &base).await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["transcriptStatus"], "ok");
    let events = doc["transcript"]["events"].as_array().expect("events");
    assert_eq!(events.len(), N);
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["content"], format!("message {i}"), "event {i}");
        assert_eq!(e["userToken"], print::MASK, "event {i}");
    }
    assert_eq!(doc["metrics"]["customerMessages"], N / 2);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("tok-1"), "a partner token passed through");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_cut_off_ends_the_document_validly_and_fails() {
    let body = big_body();
    // Cut in the middle of an event past the held ones: writing had begun.
    let cut = body.len() / 2;
    let base = server(body, cut).await;
    let out = g2a(&["print", "--format", "json", "42"], &base).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // The API error's status, as for the other formats; the error on stderr.
    assert_eq!(out.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains("cut off"), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON though cut");
    let status = doc["transcriptStatus"].as_str().unwrap_or_default();
    assert!(
        status.starts_with("error:") && status.contains("cut off"),
        "{status}"
    );
    let events = doc["transcript"]["events"]
        .as_array()
        .expect("events so far");
    assert!(
        events.len() > 10_000 && events.len() < N,
        "{}",
        events.len()
    );
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e["content"], format!("message {i}"), "event {i}");
    }
    assert!(doc["metrics"].is_object());

    // Cut before writing began: no transcript, as before.
    let small: Vec<String> = (0..10).map(event_json).collect();
    let small = format!(r#"{{"events":[{}]}}"#, small.join(","));
    let base = server(small.clone(), small.len() / 2).await;
    let out = g2a(&["print", "--format", "json", "42"], &base).await;
    assert_ne!(out.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(doc["transcript"], Value::Null);
    let status = doc["transcriptStatus"].as_str().unwrap_or_default();
    assert!(status.contains("cut off"), "{status}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_body_limit_applies_to_the_pass_through() {
    let body = big_body();
    let len = body.len();
    let base = server(body, len).await;
    let out = g2a(
        &["print", "--format", "json", "--max-body-mb", "1", "42"],
        &base,
    )
    .await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    let doc: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let status = doc["transcriptStatus"].as_str().unwrap_or_default();
    assert!(status.starts_with("error:"), "{status}");
    assert!(stderr.lines().count() >= 1, "{stderr}");
}

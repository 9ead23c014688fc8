//! Issue 10's fault tests: the real `Client` against wiremock (or a raw loopback socket
//! where a server must misbehave in ways wiremock cannot) that fails, then answers.
//! Retries use a tiny backoff here so the suite stays fast; `Retry-After` is real time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use g2a_tui::api::retry::{self, RetryPolicy, Retrying};
use g2a_tui::api::{ApiError, AuthScheme, Client, ClientConfig, Endpoint};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "faults-test-token";

fn fast(retries: u32) -> RetryPolicy {
    RetryPolicy {
        retries,
        base: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn client(base: &str, timeout: Duration, retry: RetryPolicy) -> Client {
    Client::new(&ClientConfig {
        base_url: base.to_string(),
        token: Some(TOKEN.to_string()),
        auth_scheme: AuthScheme::Bearer,
        timeout,
        retry,
        ..ClientConfig::default()
    })
    .expect("client")
}

fn session() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(json!({"sessionId": "482913657", "status": "complete"}))
}

/// `first` for the first `times` requests, then a good session.
async fn failing_then_ok(first: ResponseTemplate, times: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(session())
        .mount(&server)
        .await;
    server
}

async fn asked(server: &MockServer) -> usize {
    server.received_requests().await.expect("recording").len()
}

/// Runs `fut` and collects the retries it reports.
async fn with_notes<F: std::future::Future>(fut: F) -> (F::Output, Vec<Retrying>) {
    let notes = Arc::new(Mutex::new(Vec::new()));
    let sink: retry::Sink = {
        let notes = Arc::clone(&notes);
        Arc::new(move |r| notes.lock().expect("notes").push(r))
    };
    let out = retry::reporting(sink, fut).await;
    let notes = notes.lock().expect("notes").clone();
    (out, notes)
}

#[tokio::test]
async fn a_503_then_200_succeeds() {
    let server = failing_then_ok(ResponseTemplate::new(503), 1).await;
    let c = client(&server.uri(), Duration::from_secs(5), fast(3));
    let (s, notes) = with_notes(c.session("482913657")).await;
    assert_eq!(
        s.ok().and_then(|s| s.session_id).as_deref(),
        Some("482913657")
    );
    assert_eq!(asked(&server).await, 2);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!((notes[0].attempt, notes[0].attempts), (2, 4));
    assert_eq!(notes[0].endpoint, Endpoint::Session);
}

#[tokio::test]
async fn gateway_failures_and_429_are_retried_until_an_answer() {
    for status in [429, 502, 504] {
        let server = failing_then_ok(ResponseTemplate::new(status), 2).await;
        let c = client(&server.uri(), Duration::from_secs(5), fast(3));
        let s = c.session("482913657").await;
        assert!(s.is_ok(), "{status}: {s:?}");
        assert_eq!(asked(&server).await, 3, "{status}");
    }
}

#[tokio::test]
async fn a_429_with_retry_after_1_waits_about_a_second() {
    let server = failing_then_ok(
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        1,
    )
    .await;
    let c = client(&server.uri(), Duration::from_secs(5), fast(3));
    let started = Instant::now();
    let (s, notes) = with_notes(c.session("482913657")).await;
    let took = started.elapsed();
    assert!(s.is_ok(), "{s:?}");
    assert!(took >= Duration::from_millis(900), "waited only {took:?}");
    assert!(took < Duration::from_secs(4), "waited {took:?}");
    assert_eq!(notes.first().map(|n| n.wait), Some(Duration::from_secs(1)));
    assert_eq!(notes[0].to_string(), "retrying (2/4) in 1 s");
}

#[tokio::test]
async fn retry_after_as_an_http_date_is_honoured() {
    let at = std::time::SystemTime::now() + Duration::from_secs(2);
    let server = failing_then_ok(
        ResponseTemplate::new(503).insert_header("Retry-After", httpdate::fmt_http_date(at)),
        1,
    )
    .await;
    let c = client(&server.uri(), Duration::from_secs(5), fast(3));
    let started = Instant::now();
    let s = c.session("482913657").await;
    assert!(s.is_ok(), "{s:?}");
    // The date has whole seconds: between one and two seconds from now.
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(500), "waited only {took:?}");
    assert!(took < Duration::from_secs(4), "waited {took:?}");
}

/// A wait past the cap is not waited for: the error says when to try again.
#[tokio::test]
async fn a_retry_after_past_the_cap_fails_at_once_saying_when() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri(), Duration::from_secs(5), fast(3));
    let started = Instant::now();
    let e = c.session("1").await.expect_err("429");
    assert!(
        matches!(
            e,
            ApiError::RateLimited {
                retry_after: Some(3600),
                ..
            }
        ),
        "{e:?}"
    );
    assert_eq!(
        e.hint().as_deref(),
        Some("the server asks to wait 1h 00m before the next request")
    );
    assert!(started.elapsed() < Duration::from_secs(1));
    server.verify().await;
}

#[tokio::test]
async fn a_404_is_asked_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"msg": "no such session"})))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri(), Duration::from_secs(5), fast(3));
    let e = c.session("1").await.expect_err("404");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    server.verify().await;
}

#[tokio::test]
async fn other_answers_are_final() {
    for status in [400, 401, 403, 405, 500, 501] {
        let server = MockServer::start().await;
        Mock::given(any())
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
        let c = client(&server.uri(), Duration::from_secs(5), fast(3));
        let e = c.session("1").await.expect_err("fails");
        assert_eq!(e.status(), Some(status), "{e:?}");
        server.verify().await;
    }
}

#[tokio::test]
async fn retries_0_asks_once() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let c = client(&server.uri(), Duration::from_secs(5), fast(0));
    let (e, notes) = with_notes(c.session("1")).await;
    assert!(
        matches!(e, Err(ApiError::Server { status: 503, .. })),
        "{e:?}"
    );
    assert!(notes.is_empty(), "{notes:?}");
    server.verify().await;
}

#[tokio::test]
async fn the_retries_are_used_up_and_the_last_failure_told() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_string("bad gateway"))
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server.uri(), Duration::from_secs(5), fast(2));
    let (e, notes) = with_notes(c.session("1")).await;
    assert!(
        matches!(&e, Err(ApiError::Server { status: 502, excerpt, .. }) if excerpt == "bad gateway"),
        "{e:?}"
    );
    let attempts: Vec<_> = notes.iter().map(|n| (n.attempt, n.attempts)).collect();
    assert_eq!(attempts, [(2, 3), (3, 3)]);
    server.verify().await;
}

/// Waits honour the deadline (twice the timeout): a wait that would end past it is
/// not made, and the failure comes back instead.
#[tokio::test]
async fn every_retry_fits_in_one_deadline() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .mount(&server)
        .await;
    let c = client(&server.uri(), Duration::from_millis(1500), fast(5));
    let started = Instant::now();
    let e = c.session("1").await.expect_err("503");
    assert_eq!(e.status(), Some(503));
    // The deadline is 3 s: asked at 0, 1 and 2 s; a fourth at 3 s would be past it.
    assert_eq!(asked(&server).await, 3);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_refused_connection_is_retried_and_told() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let c = client(&format!("http://{addr}"), Duration::from_secs(5), fast(3));
    let (e, notes) = with_notes(c.session("1")).await;
    assert!(
        matches!(&e, Err(ApiError::Connect { host, .. }) if *host == addr.to_string()),
        "{e:?}"
    );
    let attempts: Vec<_> = notes.iter().map(|n| n.attempt).collect();
    assert_eq!(attempts, [2, 3, 4]);
}

/// Headers, a little of the body, then nothing: the timeout ends it, and with
/// `--retries 0` there is one connection only.
#[tokio::test]
async fn a_stalled_body_times_out() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let connections = Arc::new(Mutex::new(0usize));
    let counted = Arc::clone(&connections);
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut sock, _)) = listener.accept().await else {
                return;
            };
            *counted.lock().expect("count") += 1;
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = sock.read(&mut request).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"sessionId\":";
                let _ = sock.write_all(head.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(30)).await;
            });
        }
    });
    let c = client(&format!("http://{addr}"), Duration::from_secs(1), fast(0));
    let started = Instant::now();
    let e = c.session("1").await.expect_err("stalls");
    let took = started.elapsed();
    assert!(matches!(e, ApiError::Timeout { secs: 1, .. }), "{e:?}");
    assert_eq!(e.to_string(), "the session request timed out after 1s");
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(3),
        "{took:?}"
    );
    assert_eq!(*connections.lock().expect("count"), 1);
    // With retries a stall is asked again, within the deadline of twice the timeout.
    let c = client(&format!("http://{addr}"), Duration::from_secs(1), fast(3));
    let started = Instant::now();
    let e = c.session("1").await.expect_err("stalls");
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "{:?}",
        started.elapsed()
    );
    assert!(*connections.lock().expect("count") >= 3);
    server.abort();
}

/// A big answer that keeps arriving is read to its end however long it takes: the
/// timeout is for the answer to begin and for a pause in its body, not for the whole
/// (a million messages over a slow link once failed after 30 s with 100,000 read).
#[tokio::test]
async fn a_body_that_keeps_arriving_outlasts_the_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let Ok((mut sock, _)) = listener.accept().await else {
            return;
        };
        let mut request = [0u8; 4096];
        let _ = sock.read(&mut request).await;
        let pieces = [
            r#"{"sessionId":"1","#,
            r#""status":"#,
            r#""Completed","#,
            r#""notes":"#,
            r#""slow"}"#,
        ];
        let body_len: usize = pieces.iter().map(|p| p.len()).sum();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body_len}\r\n\r\n"
        );
        let _ = sock.write_all(head.as_bytes()).await;
        for piece in pieces {
            tokio::time::sleep(Duration::from_millis(450)).await;
            let _ = sock.write_all(piece.as_bytes()).await;
            let _ = sock.flush().await;
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    let c = client(&format!("http://{addr}"), Duration::from_secs(1), fast(0));
    let started = Instant::now();
    let session = c.session("1").await.expect("read to its end");
    assert!(
        started.elapsed() > Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(session.session_id.as_deref(), Some("1"));
    server.abort();
}

/// A listener whose queue is full drops the handshake: no connection within the
/// connect timeout, said as such rather than as a slow answer.
#[tokio::test]
async fn a_connect_timeout_says_could_not_connect_within() {
    let socket = tokio::net::TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    let addr = socket.local_addr().expect("addr");
    let _listener = socket.listen(0).expect("listen");
    // Fill the accept queue (never accepted) so the next handshake is dropped.
    let mut fillers = Vec::new();
    for _ in 0..8 {
        let filler = tokio::time::timeout(
            Duration::from_millis(200),
            tokio::net::TcpStream::connect(addr),
        )
        .await;
        if let Ok(Ok(s)) = filler {
            fillers.push(s);
        }
    }
    let c = Client::new(&ClientConfig {
        base_url: format!("http://{addr}"),
        token: Some(TOKEN.to_string()),
        timeout: Duration::from_secs(5),
        connect_timeout: Duration::from_millis(700),
        retry: fast(0),
        ..ClientConfig::default()
    })
    .expect("client");
    let started = Instant::now();
    let e = c.session("1").await.expect_err("no connection");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        e.to_string(),
        format!("could not connect to {addr} within 1 s"),
        "{e:?}"
    );
    assert!(e.is_network());
}

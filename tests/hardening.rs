//! Issue 10 against the real `Client` on loopback (wiremock, or a raw socket where a
//! server must misbehave in ways wiremock cannot): echoes of the token in every
//! encoding, error bodies read only as far as they are quoted, bodies that are blank
//! or JSON past the parser's limits, and session ids too long to be one.

use std::time::{Duration, Instant};

use g2a_tui::api::client::{ERROR_BODY_BYTES, MAX_ID_CHARS};
use g2a_tui::api::{ApiError, AuthScheme, Client, ClientConfig, Endpoint, ErrorClass};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A token with the characters encoders change: `/`, `+`, `=`.
const TOKEN: &str = "Ab/Cd+Ef==Zx9";

fn client(base: &str, timeout: Duration) -> Client {
    Client::new(&ClientConfig {
        base_url: base.to_string(),
        token: Some(TOKEN.to_string()),
        auth_scheme: AuthScheme::Bearer,
        timeout,
        // One answer per request: retries have their own tests (tests/faults.rs).
        retry: g2a_tui::api::retry::RetryPolicy::with_retries(0),
        ..ClientConfig::default()
    })
    .expect("client")
}

async fn answering(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    let client = client(&server.uri(), Duration::from_secs(5));
    (server, client)
}

/// The error as a user sees it, and its debug form: no spelling of the token anywhere.
fn assert_no_token(e: &ApiError) {
    let all = format!("{e} {e:?} {:?}", e.hint()).to_ascii_lowercase();
    for leak in [
        "ab/cd",
        "ab\\/cd",
        "ab%2fcd",
        "cd+ef",
        "cd%2bef",
        "ef==zx9",
        "ef%3d%3dzx9",
    ] {
        assert!(!all.contains(leak), "token leaked as {leak}: {all}");
    }
}

#[tokio::test]
async fn echoed_token_is_cut_out_in_every_encoding() {
    for (status, body) in [
        // PHP's json_encode writes `/` as `\/`.
        (
            500,
            r#"{"error":"bad header","received":"Bearer Ab\/Cd+Ef==Zx9"}"#,
        ),
        (400, "GET /x?access_token=Ab%2FCd%2BEf%3D%3DZx9 HTTP/1.1"),
        (400, "get /x?access_token=ab%2fcd%2bef%3d%3dzx9"),
        (502, "AUTHORIZATION: BEARER AB/CD+EF==ZX9"),
        (400, r#"{"auth":"Bearer Ab\u002FCd\u002bEf\u003D=Zx9"}"#),
        (418, "echo: Bearer Ab/Cd+Ef==Zx9"),
    ] {
        let (_server, client) =
            answering(ResponseTemplate::new(status).set_body_string(body)).await;
        let e = client.session("1").await.expect_err("an error status");
        assert_no_token(&e);
        let shown = e.to_string();
        assert!(shown.contains("[token]"), "{status} {body}: {shown}");
    }
}

#[tokio::test]
async fn partner_tokens_are_masked_in_escaped_and_encoded_echoes() {
    for body in [
        r#""{\"systemName\":\"Acme\",\"userToken\":\"nw-s3cret-77\"}""#,
        "q=%7B%22userToken%22%3A%22nw-s3cret-77%22%7D",
        r#"{\u0022userToken\u0022:\u0022nw-s3cret-77\u0022}"#,
    ] {
        let (_server, client) = answering(ResponseTemplate::new(500).set_body_string(body)).await;
        let e = client
            .system_links("crm.example.com")
            .await
            .expect_err("500");
        let all = format!("{e} {e:?}");
        assert!(!all.contains("s3cret"), "{body}: {all}");
        assert!(all.contains("********"), "{body}: {all}");
    }
}

/// A 500 that claims 256 MiB and sends 70 KiB, then stalls: the client quotes from
/// the first 64 KiB and leaves, rather than reading on until the timeout.
#[tokio::test]
async fn an_error_body_is_read_only_as_far_as_it_is_quoted() {
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
        let head = "HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: 268435456\r\n\r\n";
        let mut body = b"database on fire ".to_vec();
        body.resize(70 * 1024, b'x');
        let _ = sock.write_all(head.as_bytes()).await;
        let _ = sock.write_all(&body).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    });
    let client = client(&format!("http://{addr}"), Duration::from_secs(8));
    let started = Instant::now();
    let e = client.session("1").await.expect_err("500");
    assert!(
        matches!(&e, ApiError::Server { status: 500, excerpt, .. } if excerpt.starts_with("database on fire")),
        "{e:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "did not wait for the rest of the body"
    );
    assert_eq!(ERROR_BODY_BYTES, 64 * 1024);
    server.abort();
}

/// An error body over the answer size limit is still quoted (only its start is read),
/// not refused as too large.
#[tokio::test]
async fn an_error_body_over_the_limit_is_quoted() {
    let body = format!("upstream failed {}", "y".repeat(2 * 1024 * 1024));
    let (_server, client) = answering(ResponseTemplate::new(503).set_body_string(body)).await;
    let e = client
        .with_max_body(1024 * 1024)
        .session("1")
        .await
        .expect_err("503");
    assert!(
        matches!(&e, ApiError::Server { status: 503, excerpt, .. } if excerpt.starts_with("upstream failed")),
        "{e:?}"
    );
}

#[tokio::test]
async fn a_blank_body_is_empty() {
    for blank in [
        "",
        " \n\t ",
        "\r\n",
        "\u{feff}\u{a0} \u{2028}\r\n",
        "\u{3000}",
    ] {
        let (_server, client) =
            answering(ResponseTemplate::new(200).set_body_raw(blank, "application/json")).await;
        let e = client.session("1").await.expect_err("blank");
        assert!(
            matches!(&e, ApiError::NotJson { status: 200, excerpt, .. } if excerpt.is_empty()),
            "{blank:?}: {e:?}"
        );
        assert!(e.to_string().contains("empty body"), "{blank:?}: {e}");
        let hint = e.hint().unwrap_or_default();
        assert!(!hint.contains("proxy"), "{blank:?}: {hint}");
    }
    // A blank 404 is the API's own "not found", not some other server's page.
    let (_server, client) = answering(ResponseTemplate::new(404).set_body_string("\u{a0}\n")).await;
    let e = client.session("1").await.expect_err("404");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

#[tokio::test]
async fn json_past_the_parsers_limit_is_json_the_client_cannot_read() {
    // (At the top, where only objects are kept, a deep array is skipped unread.)
    let deep = format!(
        "{{\"collaborators\": {}{}}}",
        "[".repeat(200),
        "]".repeat(200)
    );
    let nested = format!(
        "{{\"sessionId\": 1, \"x\": {}0{}}}",
        "{\"a\":".repeat(150),
        "}".repeat(150)
    );
    for body in [deep, nested] {
        let (_server, client) =
            answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
        let e = client.session("1").await.expect_err("too deep");
        assert!(
            matches!(
                &e,
                ApiError::UnreadableJson {
                    endpoint: Endpoint::Session,
                    status: 200,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().contains("JSON the client cannot read"), "{e}");
        assert!(e.to_string().contains("128"), "{e}");
        assert!(!e.hint().unwrap_or_default().contains("proxy"));
        assert_eq!(e.class(), ErrorClass::Api);
    }
}

/// Numbers past what f64 holds are kept as written (arbitrary precision), not refused.
#[tokio::test]
async fn out_of_range_numbers_are_read_as_written() {
    let (_server, client) = answering(ResponseTemplate::new(200).set_body_raw(
        r#"{"sessionId": 1e+400, "accountKey": -123456789012345678901234567890}"#,
        "application/json",
    ))
    .await;
    let s = client.session("1").await.expect("read");
    assert_eq!(s.session_id.as_deref(), Some("1e+400"));
    assert_eq!(
        s.account_key.as_deref(),
        Some("-123456789012345678901234567890")
    );
}

#[tokio::test]
async fn a_session_id_longer_than_1024_characters_is_a_usage_error() {
    let (server, client) = answering(ResponseTemplate::new(404)).await;
    let long = "7".repeat(MAX_ID_CHARS + 1);
    for e in [
        client.session(&long).await.expect_err("too long"),
        client.transcript(&long).await.expect_err("too long"),
    ] {
        assert!(matches!(e, ApiError::InvalidSessionId(_)), "{e:?}");
        assert_eq!(e.class(), ErrorClass::Usage);
        assert!(e.to_string().contains("1025 characters"), "{e}");
    }
    let requests = server.received_requests().await.unwrap_or_default();
    assert!(requests.is_empty(), "refused before any request");
    // Exactly at the limit it is asked for.
    let at_limit = "é".repeat(MAX_ID_CHARS);
    let e = client.session(&at_limit).await.expect_err("404");
    assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
}

/// An events answer of numbers keeps only its events (issue 10's `[0,0,0,…]`), also
/// where `print --format json` passes it through; that pass-through has no element
/// cap (issue 11: it holds no more than the elements before writing starts).
#[tokio::test]
async fn an_events_answer_keeps_only_events() {
    use g2a_tui::api::lean::MAX_ELEMENTS;
    use g2a_tui::print::passthrough::transcode_slice;
    let zeros = "0,".repeat(100_000);
    let body = format!(
        "{{\"events\": [{zeros}{{\"timeStamp\": \"2024-03-05T14:00:00Z\", \"content\": \"hi\"}}, {zeros}0]}}"
    );
    let (_server, client) =
        answering(ResponseTemplate::new(200).set_body_raw(body.clone(), "application/json")).await;
    let t = client.transcript("1").await.expect("decoded");
    assert_eq!(t.events.len(), 1);
    for held in [usize::MAX, 0] {
        let out = transcode_slice(body.as_bytes(), held, true).expect("passed through");
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["events"].as_array().map(Vec::len), Some(1));
    }

    let many = format!(
        "[{}{{\"content\":\"x\"}}]",
        "{\"content\":\"x\"},".repeat(MAX_ELEMENTS)
    );
    let out = transcode_slice(many.as_bytes(), 1_000, true).expect("past the old cap");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(v.as_array().map(Vec::len), Some(MAX_ELEMENTS + 1));
}

/// The links and the session list skip non-objects the same way; their decoders kept
/// only objects already, so what they show does not change.
#[tokio::test]
async fn links_and_list_answers_skip_what_they_do_not_keep() {
    let zeros = "0,".repeat(50_000);
    let links =
        format!("[{zeros}{{\"systemName\": \"Acme\", \"userToken\": \"nw-1\"}}, \"x\", [1]]");
    let (_server, client) =
        answering(ResponseTemplate::new(200).set_body_raw(links, "application/json")).await;
    let l = client.system_links("crm.example.com").await.expect("links");
    assert_eq!(l.links.len(), 1);
    assert_eq!(l.links[0].system_name.as_deref(), Some("Acme"));
    assert_eq!(l.raw.as_array().map(Vec::len), Some(1));

    let list = format!(
        "{{\"totalNumSessions\": 1, \"sessions\": [{zeros}{{\"sessionId\": 123456789012345678901234567890, \"collaborators\": [\"Ravi\"]}}]}}"
    );
    let (_server, client) =
        answering(ResponseTemplate::new(200).set_body_raw(list, "application/json")).await;
    let from = chrono::Utc::now() - chrono::TimeDelta::days(7);
    let list = client
        .list_sessions("screen_sharing", from, chrono::Utc::now())
        .await
        .expect("list");
    assert_eq!(list.total, Some(1));
    assert_eq!(list.sessions.len(), 1);
    let s = &list.sessions[0];
    assert_eq!(
        s.session_id.as_deref(),
        Some("123456789012345678901234567890")
    );
    assert_eq!(
        s.collaborators.len(),
        1,
        "strings inside a kept object stay"
    );
}

/// Past the element cap the error says so in a technician's words, without the parser's
/// line and column, and the hint fits the endpoint.
#[tokio::test]
async fn an_answer_past_the_element_cap_says_so_plainly() {
    use g2a_tui::api::lean::MAX_ELEMENTS;
    let many = format!(
        "{{\"sessionId\": \"1\", \"collaborators\": [{}\"x\"]}}",
        "\"x\",".repeat(MAX_ELEMENTS)
    );
    let (_server, client) =
        answering(ResponseTemplate::new(200).set_body_raw(many, "application/json")).await;
    let e = client.session("1").await.expect_err("past the cap");
    let text = e.to_string();
    assert!(
        text.ends_with(&format!(
            "it holds more than {MAX_ELEMENTS} elements in one answer, more than g2a-tui keeps"
        )),
        "{text}"
    );
    assert!(!text.contains("column"), "{text}");
    assert_eq!(
        e.hint().as_deref(),
        Some("no answer of this API holds that many: check --base-url")
    );
}

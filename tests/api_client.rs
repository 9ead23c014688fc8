//! The real `Client` against a wiremock server on loopback: every documented status,
//! every plausible body shape, bad bodies, request details, id encoding, auth and
//! transport failures. No error may carry the token.

use std::net::TcpListener;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use g2a_tui::api::model::TranscriptAbsence;
use g2a_tui::api::{ApiError, AuthScheme, Client, ClientConfig, Endpoint, Status};
use serde_json::{json, Value};
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "tok-S3CR3T-9f8e7d";
const PREFIX: &str = "/G2A/rest/v1";

fn config(base: &str, token: Option<&str>, scheme: AuthScheme, timeout: Duration) -> ClientConfig {
    ClientConfig {
        base_url: base.to_string(),
        token: token.map(str::to_string),
        auth_scheme: scheme,
        timeout,
        // One answer per request: retries have their own tests (tests/faults.rs).
        retry: g2a_tui::api::retry::RetryPolicy::with_retries(0),
        ..ClientConfig::default()
    }
}

fn client_for(server: &MockServer) -> Client {
    Client::new(&config(
        &server.uri(),
        Some(TOKEN),
        AuthScheme::Bearer,
        Duration::from_secs(5),
    ))
    .expect("client")
}

/// A server answering every request with `template`, and a client for it.
async fn answering(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(template)
        .mount(&server)
        .await;
    let client = client_for(&server);
    (server, client)
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("recording on")
}

fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c))
}

/// Every error produced here goes through this: no token anywhere, no control
/// characters in what would reach the terminal.
fn checked(e: ApiError) -> ApiError {
    let all = format!("{e} {e:?} {:?}", e.hint());
    assert!(!all.contains(TOKEN), "token leaked: {all}");
    assert!(!all.contains("S3CR3T"), "token part leaked: {all}");
    let shown = format!("{e} {}", e.hint().unwrap_or_default());
    assert!(!has_control(&shown), "control character in {shown:?}");
    e
}

/// The error names its status code and says what to do.
fn assert_status_error(e: &ApiError, status: u16) {
    let msg = e.to_string();
    assert!(
        msg.contains(&status.to_string()),
        "{msg:?} does not name {status}"
    );
    assert_eq!(e.status(), Some(status), "{e:?}");
    assert!(e.hint().is_some(), "no hint for {e:?}");
}

#[derive(Clone, Copy, Debug)]
enum Ep {
    Session,
    Events,
    Links,
}

impl Ep {
    fn endpoint(self) -> Endpoint {
        match self {
            Ep::Session => Endpoint::Session,
            Ep::Events => Endpoint::Transcript,
            Ep::Links => Endpoint::Links,
        }
    }
}

async fn call(client: &Client, ep: Ep) -> Result<(), ApiError> {
    match ep {
        Ep::Session => client.session("S1").await.map(drop),
        Ep::Events => client.transcript("S1").await.map(drop),
        Ep::Links => client.system_links("example.com").await.map(drop),
    }
}

async fn error_for(ep: Ep, template: ResponseTemplate) -> ApiError {
    let (_server, client) = answering(template).await;
    checked(call(&client, ep).await.expect_err("expected an error"))
}

async fn session_from(body: Value) -> g2a_tui::api::Session {
    let (_server, client) = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    client.session("S1").await.expect("session")
}

async fn transcript_from(body: Value) -> g2a_tui::api::Transcript {
    let (_server, client) = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    client.transcript("S1").await.expect("transcript")
}

async fn links_from(body: Value) -> g2a_tui::api::SystemLinks {
    let (_server, client) = answering(ResponseTemplate::new(200).set_body_json(body)).await;
    client.system_links("example.com").await.expect("links")
}

// ---------------------------------------------------------------------------------
// Documented statuses

#[tokio::test]
async fn session_200_decodes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/sessions/S1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionId": "S1",
            "sessionType": "screen_sharing",
            "status": "complete",
            "accountKey": 123,
            "expertName": "Ann Expert",
            "expertEmail": "ann@example.com",
            "startedAt": "2021-04-30T06:00:00Z",
            "endedAt": "2021-04-30T06:30:00Z"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let s = client_for(&server).session("S1").await.expect("session");
    assert_eq!(s.session_id.as_deref(), Some("S1"));
    assert_eq!(s.status, Some(Status::Complete));
    assert_eq!(s.account_key.as_deref(), Some("123"));
    assert_eq!(s.expert_name.as_deref(), Some("Ann Expert"));
    let start = s.started_at.expect("start").at;
    assert_eq!(
        start,
        Some(Utc.with_ymd_and_hms(2021, 4, 30, 6, 0, 0).unwrap())
    );
}

#[tokio::test]
async fn session_error_statuses() {
    let ep = Ep::Session;
    let e = error_for(ep, ResponseTemplate::new(401)).await;
    assert!(matches!(
        e,
        ApiError::Unauthorized {
            endpoint: Endpoint::Session
        }
    ));
    assert_status_error(&e, 401);

    let e = error_for(ep, ResponseTemplate::new(404)).await;
    assert!(
        matches!(&e, ApiError::NotFound { endpoint: Endpoint::Session, id } if id == "S1"),
        "{e:?}"
    );
    assert_status_error(&e, 404);
    assert!(e.to_string().contains("S1"));

    let e = error_for(ep, ResponseTemplate::new(405)).await;
    assert!(matches!(
        e,
        ApiError::MethodNotAllowed {
            endpoint: Endpoint::Session
        }
    ));
    assert_status_error(&e, 405);

    let e = error_for(
        ep,
        ResponseTemplate::new(500).set_body_string("Internal failure"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::Server { endpoint: Endpoint::Session, status: 500, excerpt } if excerpt == "Internal failure"),
        "{e:?}"
    );
    assert_status_error(&e, 500);
    assert!(e.to_string().contains("Internal failure"));
}

#[tokio::test]
async fn events_200_object_shape() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/sessions/S1/events")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionId": "S1",
            "startTime": "2021-04-30T06:00:00Z",
            "endTime": "2021-04-30T06:10:00Z",
            "events": [
                {"timeStamp": "2021-04-30T06:01:00Z", "content": "hello", "participantName": "Customer"},
                {"timeStamp": "2021-04-30T06:02:00.500Z", "content": "hi there", "participantName": "Ann"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let t = client_for(&server)
        .transcript("S1")
        .await
        .expect("transcript");
    assert_eq!(t.absence, None);
    assert_eq!(t.session_id.as_deref(), Some("S1"));
    assert!(t.start_time.expect("start").at.is_some());
    assert!(t.end_time.expect("end").at.is_some());
    assert_eq!(t.events.len(), 2);
    assert_eq!(t.events[0].content, "hello");
    assert_eq!(t.events[0].participant.as_deref(), Some("Customer"));
    assert_eq!(t.events[1].participant.as_deref(), Some("Ann"));
    let at = t.events[1]
        .time
        .as_ref()
        .and_then(|ts| ts.at)
        .expect("time");
    assert_eq!(
        at,
        Utc.with_ymd_and_hms(2021, 4, 30, 6, 2, 0).unwrap() + chrono::Duration::milliseconds(500)
    );
}

#[tokio::test]
async fn events_404_is_an_empty_transcript_not_an_error() {
    let bodies = [
        ResponseTemplate::new(404),
        ResponseTemplate::new(404).set_body_json(json!({"error": "no transcript"})),
        ResponseTemplate::new(404).set_body_raw("\u{feff}{}", "application/json"),
    ];
    for template in bodies {
        let (server, client) = answering(template).await;
        let t = client.transcript("S1").await.expect("404 is not a failure");
        assert_eq!(t.absence, Some(TranscriptAbsence::NoTranscript));
        assert!(t.events.is_empty());
        assert_eq!(requests(&server).await.len(), 1);
    }
}

const NGINX_404: &str = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n\
                         <center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n\
                         </body>\r\n</html>\r\n";

/// A web server's own 404 page (a wrong --base-url) says nothing about the session:
/// it must not read "session not found" or "no chat transcript".
#[tokio::test]
async fn a_404_page_that_is_not_json_means_the_base_url_is_wrong() {
    let pages = [
        ResponseTemplate::new(404).set_body_raw(NGINX_404, "text/html"),
        ResponseTemplate::new(404).set_body_raw("404 page not found\n", "text/plain"),
    ];
    for template in pages {
        for ep in [Ep::Session, Ep::Events, Ep::Links] {
            let (server, client) = answering(template.clone()).await;
            let e = checked(call(&client, ep).await.expect_err("not the API"));
            let ApiError::NotTheApi {
                endpoint,
                url,
                status,
                excerpt,
            } = &e
            else {
                panic!("{ep:?}: {e:?}");
            };
            assert_eq!(*endpoint, ep.endpoint());
            assert_eq!(*status, 404);
            assert!(url.starts_with(&server.uri()), "{url}");
            assert!(url.contains(PREFIX), "{url}");
            assert!(excerpt.contains("404"), "{excerpt}");
            let msg = e.to_string();
            assert!(
                msg.contains("does not look like the GoToAssist API"),
                "{msg}"
            );
            assert!(!msg.contains("not found for this account"), "{msg}");
            assert!(!msg.contains("no chat transcript"), "{msg}");
            assert_eq!(e.class(), g2a_tui::api::ErrorClass::Api);
            assert_eq!(e.status(), Some(404));
            let hint = e.hint().unwrap_or_default();
            assert!(
                hint.contains("--base-url") && hint.contains("https://api.getgo.com"),
                "{hint}"
            );
        }
    }
    // An empty or JSON 404 on the session is still "not found".
    for template in [
        ResponseTemplate::new(404),
        ResponseTemplate::new(404).set_body_json(json!({"msg": "Session not found"})),
    ] {
        let (_server, client) = answering(template).await;
        let e = checked(client.session("S1").await.expect_err("404"));
        assert!(matches!(e, ApiError::NotFound { .. }), "{e:?}");
    }
}

#[tokio::test]
async fn session_ids_as_people_paste_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/sessions/482913657")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sessionId": "482913657"})))
        .expect(4)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/sessions/482913657/events")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"events": []})))
        .expect(4)
        .mount(&server)
        .await;
    let client = client_for(&server);
    for id in [
        "#482913657",
        "482 913 657",
        "# 482913657 ",
        "\t#482 913 657\n",
    ] {
        client.session(id).await.expect(id);
        client.transcript(id).await.expect(id);
    }
    // Nothing else is rewritten.
    let (server, client) =
        answering(ResponseTemplate::new(200).set_body_json(json!({"events": []}))).await;
    for id in ["SS-87555", " abc def ", "#SS-87555"] {
        client.session(id).await.expect(id);
    }
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_string())
        .collect();
    assert_eq!(
        paths,
        [
            format!("{PREFIX}/sessions/SS-87555"),
            format!("{PREFIX}/sessions/abc%20def"),
            format!("{PREFIX}/sessions/SS-87555"),
        ]
    );
}

#[tokio::test]
async fn events_error_statuses() {
    let ep = Ep::Events;
    let e = error_for(
        ep,
        ResponseTemplate::new(400).set_body_string("portal not created"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::BadRequest { endpoint: Endpoint::Transcript, excerpt } if excerpt == "portal not created"),
        "{e:?}"
    );
    assert_status_error(&e, 400);

    let e = error_for(ep, ResponseTemplate::new(401)).await;
    assert!(matches!(
        e,
        ApiError::Unauthorized {
            endpoint: Endpoint::Transcript
        }
    ));
    assert_status_error(&e, 401);

    let e = error_for(
        ep,
        ResponseTemplate::new(403).set_body_string("role missing"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::Forbidden { endpoint: Endpoint::Transcript, excerpt } if excerpt == "role missing"),
        "{e:?}"
    );
    assert_status_error(&e, 403);

    let e = error_for(ep, ResponseTemplate::new(405)).await;
    assert!(matches!(
        e,
        ApiError::MethodNotAllowed {
            endpoint: Endpoint::Transcript
        }
    ));
    assert_status_error(&e, 405);

    let e = error_for(ep, ResponseTemplate::new(500)).await;
    assert!(
        matches!(&e, ApiError::Server { endpoint: Endpoint::Transcript, status: 500, excerpt } if excerpt.is_empty()),
        "{e:?}"
    );
    assert_status_error(&e, 500);
}

#[tokio::test]
async fn links_200_and_error_statuses() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/systemLinks")))
        .and(query_param("systemDomain", "example.com"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"systemName": "Desk", "systemDomain": "example.com", "userEmail": "a@example.com",
             "userToken": "partner-secret", "callbackURL": "https://example.com/cb"}
        ])))
        .expect(1)
        .mount(&server)
        .await;
    let l = client_for(&server)
        .system_links("example.com")
        .await
        .expect("links");
    assert_eq!(l.links.len(), 1);
    assert_eq!(l.links[0].system_name.as_deref(), Some("Desk"));
    assert_eq!(l.links[0].user_token.as_deref(), Some("partner-secret"));
    assert_eq!(
        l.links[0].callback_url.as_deref(),
        Some("https://example.com/cb")
    );

    let ep = Ep::Links;
    let e = error_for(
        ep,
        ResponseTemplate::new(400).set_body_string("systemDomain missing"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::BadRequest { endpoint: Endpoint::Links, excerpt } if excerpt == "systemDomain missing"),
        "{e:?}"
    );
    assert_status_error(&e, 400);
    assert!(e.hint().unwrap_or_default().contains("--system-domain"));

    let e = error_for(ep, ResponseTemplate::new(401)).await;
    assert!(matches!(
        e,
        ApiError::Unauthorized {
            endpoint: Endpoint::Links
        }
    ));
    assert_status_error(&e, 401);

    let e = error_for(ep, ResponseTemplate::new(500)).await;
    assert!(matches!(
        e,
        ApiError::Server {
            endpoint: Endpoint::Links,
            status: 500,
            ..
        }
    ));
    assert_status_error(&e, 500);
}

#[tokio::test]
async fn gateway_invalid_token_403_on_every_endpoint() {
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        let e = error_for(
            ep,
            ResponseTemplate::new(403).set_body_json(
                json!({"int_err_code": "InvalidToken", "msg": "Invalid token passed"}),
            ),
        )
        .await;
        assert!(
            matches!(e, ApiError::InvalidToken { endpoint } if endpoint == ep.endpoint()),
            "{ep:?}: {e:?}"
        );
        assert_status_error(&e, 403);
    }
    // The same body served as text/plain is still recognised.
    let e = error_for(
        Ep::Session,
        ResponseTemplate::new(403)
            .set_body_string(r#"{"int_err_code":"InvalidToken","msg":"Invalid token passed"}"#),
    )
    .await;
    assert!(matches!(e, ApiError::InvalidToken { .. }), "{e:?}");
    // Another gateway code is a plain 403.
    let e = error_for(
        Ep::Session,
        ResponseTemplate::new(403).set_body_json(json!({"int_err_code": "NoRole"})),
    )
    .await;
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e:?}");
}

#[tokio::test]
async fn rate_limited_with_and_without_retry_after() {
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        let e = error_for(
            ep,
            ResponseTemplate::new(429).insert_header("Retry-After", "7"),
        )
        .await;
        assert!(
            matches!(e, ApiError::RateLimited { endpoint, retry_after: Some(7) } if endpoint == ep.endpoint()),
            "{e:?}"
        );
        assert_status_error(&e, 429);
        assert!(e.hint().unwrap_or_default().contains("7s"));

        let e = error_for(ep, ResponseTemplate::new(429)).await;
        assert!(
            matches!(
                e,
                ApiError::RateLimited {
                    retry_after: None,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_status_error(&e, 429);
    }
    // An HTTP-date Retry-After in the past asks for no wait: none is told.
    let e = error_for(
        Ep::Session,
        ResponseTemplate::new(429).insert_header("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"),
    )
    .await;
    assert!(
        matches!(
            e,
            ApiError::RateLimited {
                retry_after: None,
                ..
            }
        ),
        "{e:?}"
    );
}

#[tokio::test]
async fn gateway_errors_and_unexpected_status() {
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        for status in [502u16, 503] {
            let e = error_for(
                ep,
                ResponseTemplate::new(status).set_body_string("Bad Gateway"),
            )
            .await;
            assert!(
                matches!(&e, ApiError::Server { endpoint, status: s, excerpt } if *endpoint == ep.endpoint() && *s == status && excerpt == "Bad Gateway"),
                "{e:?}"
            );
            assert_status_error(&e, status);
        }
        let e = error_for(ep, ResponseTemplate::new(418).set_body_string("teapot")).await;
        assert!(
            matches!(&e, ApiError::UnexpectedStatus { endpoint, status: 418, excerpt } if *endpoint == ep.endpoint() && excerpt == "teapot"),
            "{e:?}"
        );
        assert_status_error(&e, 418);
    }
}

// ---------------------------------------------------------------------------------
// Plausible shapes

#[tokio::test]
async fn session_ids_and_partner_objects_as_string_or_number() {
    let s = session_from(json!({"sessionId": 123456789, "partnerObject": 42})).await;
    assert_eq!(s.session_id.as_deref(), Some("123456789"));
    assert_eq!(s.partner_object.as_deref(), Some("42"));
    let s = session_from(json!({"sessionId": "123456789", "partnerObject": "TICKET-42"})).await;
    assert_eq!(s.session_id.as_deref(), Some("123456789"));
    assert_eq!(s.partner_object.as_deref(), Some("TICKET-42"));
}

#[tokio::test]
async fn session_status_values() {
    let cases = [
        ("waiting", Status::Waiting),
        ("active", Status::Active),
        ("complete", Status::Complete),
        ("abandoned", Status::Abandoned),
        ("notStarted", Status::NotStarted),
        ("ACTIVE", Status::Active),
        ("paused", Status::Other("paused".into())),
    ];
    let server = MockServer::start().await;
    for (i, (raw, _)) in cases.iter().enumerate() {
        Mock::given(path(format!("{PREFIX}/sessions/S{i}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": raw})))
            .mount(&server)
            .await;
    }
    let client = client_for(&server);
    for (i, (raw, want)) in cases.into_iter().enumerate() {
        let s = client.session(&format!("S{i}")).await.expect(raw);
        assert_eq!(s.status, Some(want), "{raw}");
    }
    let paused = Status::parse("paused");
    assert_eq!(paused.label(), "paused");
}

#[tokio::test]
async fn session_times_in_every_form() {
    let z = Utc.with_ymd_and_hms(2021, 4, 30, 6, 0, 0).unwrap();
    let s = session_from(json!({
        "startedAt": "2021-04-30T06:00:00Z",
        "customerJoinedAt": "2021-04-30T06:00:00.250Z",
        "endedAt": "2021-04-30T08:00:00+02:00"
    }))
    .await;
    assert_eq!(s.started_at.expect("started").at, Some(z));
    assert_eq!(
        s.customer_joined_at.expect("joined").at,
        Some(z + chrono::Duration::milliseconds(250))
    );
    assert_eq!(s.ended_at.expect("ended").at, Some(z));

    // No offset means UTC.
    let s = session_from(json!({
        "startedAt": "2021-04-30T06:00:00",
        "endedAt": "2021-04-30T06:00:00.123"
    }))
    .await;
    assert_eq!(s.started_at.expect("started").at, Some(z));
    assert_eq!(
        s.ended_at.expect("ended").at,
        Some(z + chrono::Duration::milliseconds(123))
    );
}

#[tokio::test]
async fn bad_timestamp_keeps_raw_text_and_the_rest_decodes() {
    let s = session_from(json!({
        "sessionId": "S1",
        "status": "active",
        "expertName": "Ann",
        "startedAt": "30/04/2021 6am",
        "endedAt": 12
    }))
    .await;
    let started = s.started_at.expect("kept");
    assert_eq!(started.raw, "30/04/2021 6am");
    assert_eq!(started.at, None);
    assert_eq!(s.ended_at.expect("kept").raw, "12");
    assert_eq!(s.session_id.as_deref(), Some("S1"));
    assert_eq!(s.status, Some(Status::Active));
    assert_eq!(s.expert_name.as_deref(), Some("Ann"));
}

#[tokio::test]
async fn unknown_fields_ignored_and_optional_fields_missing_or_null() {
    let s = session_from(json!({
        "sessionId": "S1",
        "somethingNew": {"nested": [1, 2, 3]},
        "anotherFlag": true,
        "endedAt": null,
        "customerName": null,
        "notes": "",
        "collaborators": null
    }))
    .await;
    assert_eq!(s.session_id.as_deref(), Some("S1"));
    assert_eq!(s.ended_at, None);
    assert_eq!(s.customer_name, None);
    assert_eq!(s.notes, None);
    assert!(s.collaborators.is_empty());
    assert_eq!(s.raw["somethingNew"]["nested"][2], json!(3));

    // Everything missing.
    let s = session_from(json!({})).await;
    assert_eq!(s.session_id, None);
    assert_eq!(s.status, None);
    assert_eq!(s.started_at, None);

    // Full optional set including collaborators.
    let s = session_from(json!({
        "sessionId": "S1",
        "sessionType": "SCREEN_SHARING",
        "unattendedMachineName": "PC-1",
        "unattendedMachineUuid": "uuid-1",
        "customerName": "Carl",
        "customerEmail": "carl@example.com",
        "sessionRecordingUrl": "https://example.com/rec",
        "collaborators": [{"name": "Bob", "email": "bob@example.com"}, "Eve"]
    }))
    .await;
    assert_eq!(s.session_type.as_deref(), Some("SCREEN_SHARING"));
    assert_eq!(s.unattended_machine_uuid.as_deref(), Some("uuid-1"));
    assert_eq!(s.customer_email.as_deref(), Some("carl@example.com"));
    assert_eq!(s.collaborators.len(), 2);
    assert_eq!(s.collaborators[0].display(), "Bob <bob@example.com>");
    assert_eq!(s.collaborators[1].display(), "Eve");
}

#[tokio::test]
async fn events_in_every_plausible_nesting() {
    let ev = json!({"timeStamp": "2021-04-30T06:01:00Z", "content": "hello", "participantName": "Customer"});

    let t = transcript_from(json!({"sessionId": 77, "events": [ev.clone()]})).await;
    assert_eq!(t.session_id.as_deref(), Some("77"));
    assert_eq!(t.events.len(), 1);

    let t = transcript_from(json!([ev.clone(), ev.clone()])).await;
    assert_eq!(t.events.len(), 2);
    assert_eq!(t.events[1].content, "hello");

    let t = transcript_from(json!({
        "sessionId": "S1",
        "tags": ["a", "b"],
        "webChatEvents": [ev.clone()]
    }))
    .await;
    assert_eq!(t.events.len(), 1, "{t:?}");
    assert_eq!(t.events[0].participant.as_deref(), Some("Customer"));

    let t = transcript_from(json!([])).await;
    assert!(t.events.is_empty());
    assert_eq!(t.absence, None);

    let t = transcript_from(json!({"sessionId": "S1", "events": []})).await;
    assert!(t.events.is_empty());
}

#[tokio::test]
async fn events_with_missing_fields() {
    let t = transcript_from(json!({"events": [
        {"content": "no time, no name"},
        {"timeStamp": "2021-04-30T06:01:00Z"},
        {"participantName": "Ann", "timeStamp": "garbage", "content": null},
        {}
    ]}))
    .await;
    assert_eq!(
        t.events.len(),
        3,
        "an object with no event field is dropped"
    );
    assert_eq!(t.events[0].content, "no time, no name");
    assert_eq!(t.events[0].time, None);
    assert_eq!(t.events[0].participant, None);
    assert!(t.events[1].time.as_ref().and_then(|ts| ts.at).is_some());
    assert_eq!(t.events[1].content, "");
    let bad = t.events[2].time.as_ref().expect("raw kept");
    assert_eq!((bad.raw.as_str(), bad.at), ("garbage", None));
    assert_eq!(t.session_id, None);
    assert_eq!(t.start_time, None);
}

#[tokio::test]
async fn links_in_every_plausible_shape() {
    let link = json!({
        "systemName": "Desk", "systemDomain": "example.com", "userEmail": "a@example.com",
        "userToken": "partner-secret", "callbackURL": "https://example.com/cb",
        "supportedCallbacks": {"createObject": true, "searchObjects": false, "associateObject": "true"}
    });

    let l = links_from(json!([link.clone(), link.clone()])).await;
    assert_eq!(l.links.len(), 2);

    let l = links_from(link.clone()).await;
    assert_eq!(l.links.len(), 1);
    assert_eq!(l.links[0].system_domain.as_deref(), Some("example.com"));
    let cb = l.links[0].supported_callbacks.as_ref().expect("callbacks");
    assert_eq!(cb.create_object, Some(true));
    assert_eq!(cb.search_objects, Some(false));
    assert_eq!(cb.associate_object, Some(true));

    let l = links_from(json!({"systemLinks": [link.clone()]})).await;
    assert_eq!(l.links.len(), 1);
    assert_eq!(l.links[0].user_email.as_deref(), Some("a@example.com"));

    let l = links_from(json!([])).await;
    assert!(l.links.is_empty());

    // No supportedCallbacks at all.
    let l = links_from(json!([{"systemName": "Bare"}])).await;
    assert_eq!(l.links[0].supported_callbacks, None);
    assert_eq!(l.links[0].user_token, None);
}

// ---------------------------------------------------------------------------------
// Bad bodies

fn assert_short_clean_excerpt(excerpt: &str) {
    assert!(!has_control(excerpt), "control chars in {excerpt:?}");
    assert!(
        excerpt.chars().count() <= 121,
        "excerpt too long: {excerpt:?}"
    );
}

#[tokio::test]
async fn html_page_with_200_is_not_json() {
    let html = format!(
        "<!DOCTYPE html>\n<html>\n\t<head><title>Sign in</title></head>\r\n<body>\x1b]0;pwned\x07{}</body></html>",
        "x".repeat(5000)
    );
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        let e = error_for(
            ep,
            ResponseTemplate::new(200).set_body_raw(html.clone(), "text/html; charset=utf-8"),
        )
        .await;
        match &e {
            ApiError::NotJson {
                endpoint,
                status: 200,
                content_type,
                excerpt,
            } => {
                assert_eq!(*endpoint, ep.endpoint());
                assert_eq!(content_type, "text/html; charset=utf-8");
                assert!(excerpt.starts_with("<!DOCTYPE html>"), "{excerpt:?}");
                assert_short_clean_excerpt(excerpt);
            }
            other => panic!("{ep:?}: expected NotJson, got {other:?}"),
        }
        assert!(e.to_string().contains("200"));
        assert!(e.hint().is_some());
    }
}

#[tokio::test]
async fn truncated_json_is_not_json() {
    let e = error_for(
        Ep::Session,
        ResponseTemplate::new(200)
            .set_body_raw(r#"{"sessionId": "S1", "status": "#, "application/json"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::NotJson { endpoint: Endpoint::Session, status: 200, content_type, excerpt }
            if content_type == "application/json" && excerpt.starts_with(r#"{"sessionId""#)),
        "{e:?}"
    );
}

#[tokio::test]
async fn empty_body_is_not_json() {
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        let e = error_for(ep, ResponseTemplate::new(200)).await;
        assert!(
            matches!(&e, ApiError::NotJson { status: 200, excerpt, .. } if excerpt.is_empty()),
            "{e:?}"
        );
        assert!(e.to_string().contains("empty body"), "{e}");
    }
    let e = error_for(
        Ep::Session,
        ResponseTemplate::new(200).set_body_raw("", "application/json"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::NotJson { content_type, .. } if content_type == "application/json"),
        "{e:?}"
    );
}

#[tokio::test]
async fn json_scalars_instead_of_objects_are_bad_shapes() {
    for (ep, body) in [
        (Ep::Session, json!("just a string")),
        (Ep::Session, json!(42)),
        (Ep::Session, json!(null)),
        (Ep::Session, json!([1, 2])),
        (Ep::Events, json!("just a string")),
        (Ep::Events, json!(42)),
        (Ep::Links, json!("just a string")),
        (Ep::Links, json!(true)),
    ] {
        let e = error_for(ep, ResponseTemplate::new(200).set_body_json(&body)).await;
        assert!(
            matches!(&e, ApiError::BadShape { endpoint, detail } if *endpoint == ep.endpoint() && !detail.is_empty()),
            "{ep:?} {body}: {e:?}"
        );
        assert!(e.hint().is_some());
    }
}

#[tokio::test]
async fn server_error_html_with_escape_sequences_is_sanitised() {
    let body = "<html><body>\x1b[2J\x1b]52;c;ZXZpbA==\x07Internal \u{202e}Server\u{9b}31m Error\r\n\x00</body></html>";
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        let e = error_for(
            ep,
            ResponseTemplate::new(500).set_body_raw(body, "text/html"),
        )
        .await;
        match &e {
            ApiError::Server {
                status: 500,
                excerpt,
                ..
            } => {
                assert_short_clean_excerpt(excerpt);
                assert!(!excerpt.contains('\x1b'));
                assert!(excerpt.contains("Internal"), "{excerpt:?}");
            }
            other => panic!("expected Server, got {other:?}"),
        }
        let msg = e.to_string();
        assert!(!has_control(&msg), "{msg:?}");
        assert!(msg.contains("500"));
    }
    // Same for 400/403/418 excerpts.
    for status in [400u16, 403, 418] {
        let e = error_for(
            Ep::Events,
            ResponseTemplate::new(status).set_body_raw(body, "text/html"),
        )
        .await;
        assert!(!has_control(&e.to_string()), "{e:?}");
    }
}

#[tokio::test]
async fn hostile_content_type_is_sanitised() {
    let e = error_for(
        Ep::Session,
        ResponseTemplate::new(200).set_body_raw("<p>hi</p>", "text/html;\tcharset=utf-8"),
    )
    .await;
    match &e {
        ApiError::NotJson { content_type, .. } => {
            assert!(!has_control(content_type), "{content_type:?}");
            assert!(content_type.starts_with("text/html;"), "{content_type:?}");
        }
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------
// Request details

#[tokio::test]
async fn request_headers_with_bearer_by_default() {
    let (server, client) =
        answering(ResponseTemplate::new(200).set_body_json(json!({"sessionId": "S1"}))).await;
    client.session("S1").await.expect("session");
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), 1);
    let r = &reqs[0];
    assert_eq!(r.method.as_str(), "GET");
    let h = |name: &str| {
        r.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    assert_eq!(h("accept").as_deref(), Some("application/json"));
    assert!(
        h("user-agent").is_some_and(|ua| ua.starts_with("g2a-tui/")),
        "{:?}",
        h("user-agent")
    );
    assert_eq!(h("authorization"), Some(format!("Bearer {TOKEN}")));
}

#[tokio::test]
async fn oauth_scheme_header() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let client = Client::new(&config(
        &server.uri(),
        Some(TOKEN),
        AuthScheme::Oauth,
        Duration::from_secs(5),
    ))
    .expect("client");
    client.transcript("S1").await.expect("transcript");
    let reqs = requests(&server).await;
    let auth = reqs[0]
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    assert_eq!(auth, Some(format!("OAuth oauth_token={TOKEN}").as_str()));
}

#[tokio::test]
async fn token_is_trimmed_before_sending() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let padded = format!("  {TOKEN}\n");
    let client = Client::new(&config(
        &server.uri(),
        Some(&padded),
        AuthScheme::Bearer,
        Duration::from_secs(5),
    ))
    .expect("client");
    client.session("S1").await.expect("session");
    let reqs = requests(&server).await;
    let auth = reqs[0]
        .headers
        .get("authorization")
        .and_then(|v| v.to_str().ok());
    assert_eq!(auth, Some(format!("Bearer {TOKEN}").as_str()));
}

#[tokio::test]
async fn system_domain_is_query_encoded() {
    let server = MockServer::start().await;
    let domain = "a&b=c d.example.com/?#%é";
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/systemLinks")))
        .and(query_param("systemDomain", domain))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    client.system_links(domain).await.expect("links");
    let reqs = requests(&server).await;
    let url = &reqs[0].url;
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        vec![("systemDomain".to_string(), domain.to_string())]
    );
    let raw = url.query().expect("query");
    assert!(!raw.contains('&'), "unencoded & in {raw}");
    assert!(!raw.contains(' '), "unencoded space in {raw}");
    assert!(!raw.contains('#'), "{raw}");
    assert_eq!(url.fragment(), None);
    assert_eq!(url.path(), format!("{PREFIX}/systemLinks"));
}

#[tokio::test]
async fn session_ids_are_one_encoded_path_segment() {
    let cases = [
        ("../x", "..%2Fx"),
        ("a/b", "a%2Fb"),
        ("a?b=c", "a%3Fb%3Dc"),
        ("a#frag", "a%23frag"),
        ("100%", "100%25"),
        ("%2e%2e", "%252e%252e"),
        ("a b", "a%20b"),
        ("café", "caf%C3%A9"),
        ("...", "..."),
        ("..%2F..%2Fadmin", "..%252F..%252Fadmin"),
        ("a\\b", "a%5Cb"),
        ("Tok-en_1.2~3", "Tok-en_1.2~3"),
    ];
    let (server, client) =
        answering(ResponseTemplate::new(200).set_body_json(json!({"events": []}))).await;
    for (id, _) in cases {
        client.session(id).await.expect(id);
        client.transcript(id).await.expect(id);
    }
    let reqs = requests(&server).await;
    assert_eq!(reqs.len(), cases.len() * 2);
    for (i, (id, encoded)) in cases.iter().enumerate() {
        let s = &reqs[2 * i].url;
        let t = &reqs[2 * i + 1].url;
        assert_eq!(s.path(), format!("{PREFIX}/sessions/{encoded}"), "{id}");
        assert_eq!(
            t.path(),
            format!("{PREFIX}/sessions/{encoded}/events"),
            "{id}"
        );
        assert_eq!(s.query(), None, "{id}");
        assert_eq!(t.query(), None, "{id}");
        assert_eq!(s.fragment(), None, "{id}");
    }
}

#[tokio::test]
async fn not_found_error_names_the_id_sanitised() {
    let e = error_for(Ep::Session, ResponseTemplate::new(404)).await;
    assert!(e.to_string().contains("S1"));
    let (_server, client) = answering(ResponseTemplate::new(404)).await;
    let e = checked(client.session("evil\x1b]0;x\x07id").await.expect_err("404"));
    assert!(
        matches!(&e, ApiError::NotFound { id, .. } if !has_control(id)),
        "{e:?}"
    );
}

#[tokio::test]
async fn unusable_ids_are_refused_before_any_request() {
    let (server, client) = answering(ResponseTemplate::new(200).set_body_json(json!({}))).await;
    for id in [".", "..", "", "   ", " .. ", "\t.\n"] {
        let e = checked(client.session(id).await.expect_err("refused"));
        assert!(matches!(e, ApiError::InvalidSessionId(_)), "{id:?}: {e:?}");
        assert!(e.hint().is_some());
        let e = checked(client.transcript(id).await.expect_err("refused"));
        assert!(matches!(e, ApiError::InvalidSessionId(_)), "{id:?}: {e:?}");
    }
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn no_token_or_malformed_token_fails_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    for token in [None, Some(""), Some("  "), Some("\n\t ")] {
        let e = Client::new(&config(
            &server.uri(),
            token,
            AuthScheme::Bearer,
            Duration::from_secs(5),
        ))
        .expect_err("no token");
        let e = checked(e);
        assert!(matches!(e, ApiError::NoToken), "{token:?}: {e:?}");
        assert!(e.hint().is_some());
    }
    let bad = format!("{TOKEN}\nX-Injected: 1");
    for scheme in [AuthScheme::Bearer, AuthScheme::Oauth] {
        let e = Client::new(&config(
            &server.uri(),
            Some(&bad),
            scheme,
            Duration::from_secs(5),
        ))
        .expect_err("malformed");
        let e = checked(e);
        assert!(matches!(e, ApiError::MalformedToken), "{e:?}");
        assert!(e.hint().is_some());
    }
    let e = checked(
        Client::new(&config(
            &server.uri(),
            Some("tok\u{0}en"),
            AuthScheme::Bearer,
            Duration::from_secs(5),
        ))
        .expect_err("nul"),
    );
    assert!(matches!(e, ApiError::MalformedToken), "{e:?}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn bad_base_urls_are_refused() {
    for base in [
        "",
        "ftp://example.com",
        "not a url",
        "http://example.com/?q=1",
    ] {
        let e = checked(
            Client::new(&config(
                base,
                Some(TOKEN),
                AuthScheme::Bearer,
                Duration::from_secs(5),
            ))
            .expect_err(base),
        );
        assert!(
            matches!(e, ApiError::InvalidBaseUrl { .. }),
            "{base}: {e:?}"
        );
    }
}

/// `--base-url` pasted with the API prefix (any case, with or without a trailing
/// slash) is used as it is, without doubling the prefix.
#[tokio::test]
async fn base_url_that_already_ends_with_the_api_prefix() {
    let server = MockServer::start().await;
    Mock::given(path(format!("{PREFIX}/sessions/S1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sessionId": "S1"})))
        .expect(4)
        .mount(&server)
        .await;
    for base in [
        format!("{}{PREFIX}", server.uri()),
        format!("{}{PREFIX}/", server.uri()),
        format!("{}/g2a/REST/v1", server.uri()),
        format!("{}/G2a/Rest/V1/", server.uri()),
    ] {
        let client = Client::new(&config(
            &base,
            Some(TOKEN),
            AuthScheme::Bearer,
            Duration::from_secs(5),
        ))
        .expect("client");
        let s = client.session("S1").await.expect(&base);
        assert_eq!(s.session_id.as_deref(), Some("S1"));
    }
    for r in requests(&server).await {
        assert_eq!(r.url.path(), format!("{PREFIX}/sessions/S1"));
    }
}

#[tokio::test]
async fn base_url_with_path_and_trailing_slash() {
    let server = MockServer::start().await;
    Mock::given(path(format!("/proxy{PREFIX}/sessions/S1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sessionId": "S1"})))
        .expect(2)
        .mount(&server)
        .await;
    for base in [
        format!("{}/proxy", server.uri()),
        format!("{}/proxy/", server.uri()),
    ] {
        let client = Client::new(&config(
            &base,
            Some(TOKEN),
            AuthScheme::Bearer,
            Duration::from_secs(5),
        ))
        .expect("client");
        let s = client.session("S1").await.expect("session");
        assert_eq!(s.session_id.as_deref(), Some("S1"));
    }
}

// ---------------------------------------------------------------------------------
// Transport failures

#[tokio::test]
async fn slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({}))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let client = Client::new(&config(
        &server.uri(),
        Some(TOKEN),
        AuthScheme::Bearer,
        Duration::from_secs(1),
    ))
    .expect("client");
    let started = std::time::Instant::now();
    let e = checked(client.session("S1").await.expect_err("timeout"));
    assert!(started.elapsed() < Duration::from_millis(2500));
    assert!(
        matches!(
            e,
            ApiError::Timeout {
                endpoint: Endpoint::Session,
                secs: 1
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("1s"));
    assert!(e.hint().is_some());
}

#[tokio::test]
async fn connection_refused_is_a_connect_error() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let client = Client::new(&config(
        &format!("http://127.0.0.1:{port}"),
        Some(TOKEN),
        AuthScheme::Bearer,
        Duration::from_secs(2),
    ))
    .expect("client");
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        let e = checked(call(&client, ep).await.expect_err("refused"));
        assert!(
            matches!(&e, ApiError::Connect { host, detail } if *host == format!("127.0.0.1:{port}") && detail.contains("refused")),
            "{e:?}"
        );
        assert_eq!(e.status(), None);
        assert!(e.hint().is_some());
    }
}

// ---------------------------------------------------------------------------------
// The token stays secret

#[tokio::test]
async fn token_never_appears_in_errors_or_debug() {
    let cfg = config(
        "http://127.0.0.1:1",
        Some(TOKEN),
        AuthScheme::Oauth,
        Duration::from_secs(1),
    );
    let dbg = format!("{cfg:?}");
    assert!(!dbg.contains(TOKEN), "{dbg}");
    assert!(dbg.contains("<hidden>"));
    let client = Client::new(&cfg).expect("client");
    let dbg = format!("{client:?}");
    assert!(!dbg.contains(TOKEN), "{dbg}");

    // Servers that echo the request (the Authorization header) back in an error body.
    let echo = format!("bad header: Authorization: Bearer {TOKEN} (and OAuth oauth_token={TOKEN})");
    let mut errors = Vec::new();
    for ep in [Ep::Session, Ep::Events, Ep::Links] {
        for status in [200u16, 400, 401, 403, 404, 405, 418, 429, 500, 502, 503] {
            let (_server, client) = answering(
                ResponseTemplate::new(status)
                    .set_body_raw(echo.clone(), "text/plain")
                    .insert_header("Retry-After", TOKEN),
            )
            .await;
            if let Err(e) = call(&client, ep).await {
                errors.push(e);
            }
        }
    }
    assert!(errors.len() >= 30, "{}", errors.len());
    for e in errors {
        checked(e);
    }
}

// ---------------------------------------------------------------------------------
// Session list

#[tokio::test]
async fn list_sessions_query_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{PREFIX}/sessions")))
        .and(query_param("sessionType", "screen_sharing"))
        .and(query_param("fromTime", "2021-04-01T00:00:00Z"))
        .and(query_param("toTime", "2021-04-30T23:59:59Z"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "totalNumSessions": 2,
            "sessions": [
                {"sessionId": 1, "status": "complete"},
                {"sessionId": "2", "status": "paused", "startedAt": "2021-04-02T10:00:00Z"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let from =
        Utc.with_ymd_and_hms(2021, 4, 1, 0, 0, 0).unwrap() + chrono::Duration::milliseconds(999);
    let to = Utc.with_ymd_and_hms(2021, 4, 30, 23, 59, 59).unwrap();
    let list = client_for(&server)
        .list_sessions("screen_sharing", from, to)
        .await
        .expect("list");
    assert_eq!(list.total, Some(2));
    assert_eq!(list.sessions.len(), 2);
    assert_eq!(list.sessions[0].session_id.as_deref(), Some("1"));
    assert_eq!(
        list.sessions[1].status,
        Some(Status::Other("paused".into()))
    );
    let reqs = requests(&server).await;
    let q = reqs[0].url.query().expect("query");
    assert_eq!(
        q,
        "sessionType=screen_sharing&fromTime=2021-04-01T00%3A00%3A00Z&toTime=2021-04-30T23%3A59%3A59Z"
    );
}

#[tokio::test]
async fn list_sessions_errors() {
    let (_server, client) = answering(ResponseTemplate::new(401)).await;
    let now = Utc::now();
    let e = checked(
        client
            .list_sessions("screen_sharing", now, now)
            .await
            .expect_err("401"),
    );
    assert!(matches!(
        e,
        ApiError::Unauthorized {
            endpoint: Endpoint::SessionList
        }
    ));
    let (_server, client) =
        answering(ResponseTemplate::new(200).set_body_json(json!("nope"))).await;
    let e = checked(
        client
            .list_sessions("screen_sharing", now, now)
            .await
            .expect_err("bad shape"),
    );
    assert!(matches!(
        e,
        ApiError::BadShape {
            endpoint: Endpoint::SessionList,
            ..
        }
    ));
}

// ---------------------------------------------------------------------------------
// Odd but plausible answers

#[tokio::test]
async fn links_wrapper_with_other_arrays_beside_it() {
    let link = json!({"systemName": "Desk", "systemDomain": "example.com"});
    // serde_json sorts keys: "errors" comes before "systemLinks".
    let l = links_from(json!({"errors": [], "systemLinks": [link.clone()]})).await;
    assert_eq!(l.links.len(), 1, "{l:?}");
    assert_eq!(l.links[0].system_name.as_deref(), Some("Desk"));
    let l = links_from(json!({"aliases": ["x"], "items": [link.clone(), link]})).await;
    assert_eq!(l.links.len(), 2, "{l:?}");
}

#[tokio::test]
async fn non_utf8_body_is_not_json() {
    let e = error_for(
        Ep::Session,
        ResponseTemplate::new(200).set_body_raw(vec![0xff, 0xfe, b'{', 0x80], "application/json"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::NotJson { excerpt, .. } if !has_control(excerpt)),
        "{e:?}"
    );
}

#[tokio::test]
async fn redirect_to_another_host_drops_the_token() {
    let server = MockServer::start().await;
    let port = server.address().port();
    Mock::given(path(format!("{PREFIX}/sessions/S1")))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "Location",
            format!("http://localhost:{port}/elsewhere").as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let e = checked(client.session("S1").await.expect_err("login page"));
    assert!(matches!(e, ApiError::NotJson { status: 200, .. }), "{e:?}");
    let reqs = requests(&server).await;
    let last = reqs.last().expect("followed");
    assert_eq!(last.url.path(), "/elsewhere");
    assert!(last.headers.get("authorization").is_none());
}

#[tokio::test]
async fn redirect_loop_is_refused() {
    let (server, client) =
        answering(ResponseTemplate::new(302).insert_header("Location", "/again")).await;
    let e = checked(client.session("S1").await.expect_err("loop"));
    assert_eq!(requests(&server).await.len(), 11);
    assert!(
        matches!(&e, ApiError::Redirect { endpoint: Endpoint::Session, detail } if detail.starts_with("more than 10 times")),
        "{e:?}"
    );
    assert!(e.hint().is_some());
}

#[tokio::test]
async fn echoed_token_is_replaced_not_just_hidden() {
    let e = error_for(
        Ep::Links,
        ResponseTemplate::new(400).set_body_string(format!("bad: Bearer {TOKEN}\x1b[0m!")),
    )
    .await;
    assert!(
        matches!(&e, ApiError::BadRequest { excerpt, .. } if excerpt == "bad: Bearer [token]\u{241b}!"),
        "{e:?}"
    );
}

#[tokio::test]
async fn json_with_a_byte_order_mark_decodes() {
    let (_server, client) = answering(
        ResponseTemplate::new(200)
            .set_body_raw("\u{feff}{\"sessionId\": \"S1\"}", "application/json"),
    )
    .await;
    let s = client.session("S1").await.expect("BOM is ignored");
    assert_eq!(s.session_id.as_deref(), Some("S1"));
}

#[tokio::test]
async fn whitespace_only_body_is_not_json() {
    let e = error_for(
        Ep::Events,
        ResponseTemplate::new(200).set_body_raw(" \n\t ", "application/json"),
    )
    .await;
    assert!(
        matches!(&e, ApiError::NotJson { endpoint: Endpoint::Transcript, excerpt, .. } if excerpt.is_empty()),
        "{e:?}"
    );
}

#[tokio::test]
async fn oversized_answers_are_refused_not_read() {
    let big = format!(
        "{{\"events\": [{}]}}",
        vec!["{\"content\":\"x\"}"; 100_000].join(",")
    );
    let (server, client) = answering(ResponseTemplate::new(200).set_body_string(big.clone())).await;
    let small = client.clone().with_max_body(1024 * 1024);
    let e = small.transcript("1").await.expect_err("over the limit");
    assert!(
        matches!(e, ApiError::TooLarge { limit_mib: 1, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("1 MiB"));
    // The default limit takes the same answer.
    let t = client
        .transcript("1")
        .await
        .expect("under the default limit");
    assert_eq!(t.events.len(), 100_000);
    drop(server);
}

#[tokio::test]
async fn a_links_answer_cut_short_never_quotes_a_partner_token() {
    let body = r#"[{"systemName":"Acme","userToken":"partner-secret-42","callbackURL":"https://x"#;
    let e = error_for(
        Ep::Links,
        ResponseTemplate::new(200).set_body_raw(body, "application/json"),
    )
    .await;
    let text = format!("{e} {}", e.hint().unwrap_or_default());
    assert!(text.contains("not JSON"), "{text}");
    assert!(text.contains("Acme"), "the excerpt is still quoted: {text}");
    assert!(!text.contains("partner-secret-42"), "{text}");
}

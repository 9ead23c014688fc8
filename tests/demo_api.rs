//! The bundled demo API, driven over real HTTP by the real client: what `--demo`
//! and `g2a-tui demo-server` serve, and the statuses the viewer must handle.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use g2a_tui::api::model::TranscriptAbsence;
use g2a_tui::api::{ApiError, AuthScheme, Client, ClientConfig, Status};
use g2a_tui::demo::{self, DemoServer};

fn loopback() -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 0))
}

async fn server() -> DemoServer {
    DemoServer::start(loopback())
        .await
        .expect("demo server starts")
}

fn client_with(server: &DemoServer, token: &str, scheme: AuthScheme) -> Client {
    Client::new(&ClientConfig {
        base_url: server.base_url(),
        token: Some(token.to_string()),
        auth_scheme: scheme,
        timeout: Duration::from_secs(10),
        ..ClientConfig::default()
    })
    .expect("client builds")
}

fn client(server: &DemoServer) -> Client {
    client_with(server, demo::TOKEN, AuthScheme::Bearer)
}

fn api(server: &DemoServer, path_and_query: &str) -> String {
    format!("{}/G2A/rest/v1/{path_and_query}", server.base_url())
}

#[tokio::test]
async fn main_session_has_the_documented_fields() {
    let server = server().await;
    let s = client(&server)
        .session(demo::MAIN_SESSION)
        .await
        .expect("main session");
    assert_eq!(s.session_id.as_deref(), Some(demo::MAIN_SESSION));
    assert_eq!(s.status, Some(Status::Complete));
    assert_eq!(s.session_type.as_deref(), Some("screen_sharing"));
    assert_eq!(s.expert_name.as_deref(), Some("Dana Whitfield"));
    assert_eq!(s.customer_name.as_deref(), Some("Tomás Alvarez"));
    assert_eq!(s.collaborators.len(), 2);
    let names: Vec<_> = s
        .collaborators
        .iter()
        .filter_map(|c| c.name.as_deref())
        .collect();
    assert_eq!(names, ["Ravi Patel", "Mei Tanaka"]);
    assert!(s.collaborators.iter().all(|c| c.email.is_some()));
    assert_eq!(s.partner_object.as_deref(), Some("20417"));
    assert!(s.partner_object_url.is_some() && s.customer_join_url.is_some());
    assert!(s.session_recording_url.is_some());
    assert!(s.notes.as_deref().is_some_and(|n| n.lines().count() >= 3));
    let at = |t: &Option<g2a_tui::api::Timestamp>| t.as_ref().and_then(|t| t.at);
    let started = at(&s.started_at).expect("startedAt parses");
    let joined = at(&s.customer_joined_at).expect("customerJoinedAt parses");
    let ended = at(&s.ended_at).expect("endedAt parses");
    assert_eq!(
        started,
        Utc.with_ymd_and_hms(2026, 11, 20, 14, 2, 11)
            .single()
            .expect("valid")
    );
    assert!(started < joined && joined < ended);
    assert!(!s.is_unattended());
}

#[tokio::test]
async fn main_transcript_is_long_and_has_every_participant() {
    let server = server().await;
    let t = client(&server)
        .transcript(demo::MAIN_SESSION)
        .await
        .expect("transcript");
    assert_eq!(t.absence, None);
    assert_eq!(t.session_id.as_deref(), Some(demo::MAIN_SESSION));
    assert!(t.end_time.is_some());
    assert!(
        (300..=450).contains(&t.events.len()),
        "{} events",
        t.events.len()
    );
    let who: HashSet<&str> = t
        .events
        .iter()
        .filter_map(|e| e.participant.as_deref())
        .collect();
    for name in [
        "Tomás Alvarez",
        "Dana Whitfield",
        "Ravi Patel",
        "Mei Tanaka",
    ] {
        assert!(who.contains(name), "{name} never speaks");
    }
    let texts: Vec<&str> = t.events.iter().map(|e| e.content.as_str()).collect();
    for line in [
        "Dana Whitfield joined the session",
        "Ravi Patel joined the session",
        "Dana Whitfield ended the session",
    ] {
        assert!(texts.contains(&line), "missing system line {line:?}");
    }
    assert!(texts.iter().filter(|c| c.contains('\n')).count() >= 2);
    assert!(texts.iter().any(|c| c.chars().count() > 400));
    let times: Vec<_> = t
        .events
        .iter()
        .map(|e| {
            e.time
                .as_ref()
                .and_then(|t| t.at)
                .expect("every time parses")
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "times go backwards");
    assert!(t
        .events
        .iter()
        .any(|e| e.time.as_ref().is_some_and(|t| t.raw.contains('.'))));
}

#[tokio::test]
async fn partner_links_for_the_demo_domain_only() {
    let server = server().await;
    let c = client(&server);
    let links = c.system_links(demo::SYSTEM_DOMAIN).await.expect("links");
    assert_eq!(links.links.len(), 3);
    for l in &links.links {
        assert_eq!(l.system_domain.as_deref(), Some(demo::SYSTEM_DOMAIN));
        // The model keeps the secret as sent; masking is the views' job.
        assert!(l
            .user_token
            .as_deref()
            .is_some_and(|t| t.starts_with("nw-")));
        assert!(l.callback_url.is_some());
        assert!(l.supported_callbacks.is_some());
    }
    let other = c
        .system_links("elsewhere.example")
        .await
        .expect("other domain");
    assert!(other.links.is_empty());
    assert_eq!(other.raw, serde_json::json!([]));
}

#[tokio::test]
async fn missing_system_domain_is_400() {
    let server = server().await;
    let err = client(&server).system_links("").await.expect_err("400");
    assert!(matches!(err, ApiError::BadRequest { .. }), "{err:?}");
    let status = reqwest::Client::new()
        .get(api(&server, "systemLinks"))
        .bearer_auth(demo::TOKEN)
        .send()
        .await
        .expect("request")
        .status();
    assert_eq!(status, 400);
}

#[tokio::test]
async fn sessions_without_chat_have_no_transcript() {
    let server = server().await;
    let c = client(&server);
    for id in ["482913711", "482913720"] {
        let t = c.transcript(id).await.expect("404 is not an error");
        assert_eq!(t.absence, Some(TranscriptAbsence::NoTranscript), "{id}");
        assert!(t.events.is_empty());
    }
    let abandoned = c.session("482913711").await.expect("abandoned");
    assert_eq!(abandoned.status, Some(Status::Abandoned));
    assert!(abandoned.customer_joined_at.is_none() && abandoned.ended_at.is_some());
    let unattended = c.session("482913720").await.expect("unattended");
    assert!(unattended.is_unattended());
    assert!(unattended.unattended_machine_name.is_some());
    assert!(unattended.unattended_machine_uuid.is_some());
    assert_eq!(unattended.account_name.as_deref(), Some("Northwind IT"));
}

#[tokio::test]
async fn other_statuses() {
    let server = server().await;
    let c = client(&server);
    let waiting = c.session("482913730").await.expect("waiting");
    assert_eq!(waiting.status, Some(Status::Waiting));
    assert!(waiting.customer_joined_at.is_none());
    let not_started = c.session("482913740").await.expect("not started");
    assert_eq!(not_started.status, Some(Status::NotStarted));
    assert!(not_started.started_at.is_none());
}

#[tokio::test]
async fn unknown_and_odd_ids_are_not_found() {
    let server = server().await;
    let c = client(&server);
    for id in [
        "999999999",
        "a/b",
        "a%2Fb",
        "../482913657",
        "?x=1",
        "ü 日本",
    ] {
        let err = c.session(id).await.expect_err(id);
        assert!(matches!(err, ApiError::NotFound { .. }), "{id}: {err:?}");
    }
    // Raw paths the client would never send: bad UTF-8 and an encoded slash.
    let http = reqwest::Client::new();
    for path in ["sessions/%FF%FE", "sessions/a%2Fb/events", "nothing/here"] {
        let status = http
            .get(api(&server, path))
            .bearer_auth(demo::TOKEN)
            .send()
            .await
            .expect("request")
            .status();
        assert_eq!(status, 404, "{path}");
    }
    // The server is still there after all that.
    assert!(c.session(demo::MAIN_SESSION).await.is_ok());
}

#[tokio::test]
async fn tokens_and_schemes() {
    let server = server().await;
    let wrong = client_with(&server, "not-the-token", AuthScheme::Bearer);
    let err = wrong.session(demo::MAIN_SESSION).await.expect_err("401");
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    let err = client_with(&server, "not-the-token", AuthScheme::Oauth)
        .transcript(demo::MAIN_SESSION)
        .await
        .expect_err("401 is not a missing transcript");
    assert!(matches!(err, ApiError::Unauthorized { .. }), "{err:?}");
    let oauth = client_with(&server, demo::TOKEN, AuthScheme::Oauth);
    assert!(oauth.session(demo::MAIN_SESSION).await.is_ok());
    assert!(oauth.system_links(demo::SYSTEM_DOMAIN).await.is_ok());
    let status = reqwest::Client::new()
        .get(api(&server, "sessions/482913657"))
        .send()
        .await
        .expect("request")
        .status();
    assert_eq!(status, 401, "no Authorization header");
}

#[tokio::test]
async fn only_get_is_allowed() {
    let server = server().await;
    let response = reqwest::Client::new()
        .post(api(&server, "sessions/482913657"))
        .bearer_auth(demo::TOKEN)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 405);
}

#[tokio::test]
async fn active_transcript_grows_while_watched() {
    let server = DemoServer::start_with_growth(loopback(), Duration::from_millis(150))
        .await
        .expect("demo server starts");
    let c = client(&server);
    let s = c.session(demo::ACTIVE_SESSION).await.expect("active");
    assert_eq!(s.status, Some(Status::Active));
    assert!(s.ended_at.is_none() && s.customer_joined_at.is_some());
    let started = s.started_at.and_then(|t| t.at).expect("startedAt");
    let ago = Utc::now() - started;
    assert!(
        ago.num_minutes() >= 9 && ago.num_minutes() <= 11,
        "started {ago} ago"
    );

    let first = c
        .transcript(demo::ACTIVE_SESSION)
        .await
        .expect("transcript");
    assert!(first.end_time.is_none());
    tokio::time::sleep(Duration::from_millis(700)).await;
    let later = c
        .transcript(demo::ACTIVE_SESSION)
        .await
        .expect("transcript");
    assert!(
        later.events.len() >= first.events.len() + 3,
        "{} then {}",
        first.events.len(),
        later.events.len()
    );
    // What was there stays there: new messages only append.
    assert_eq!(later.events[..first.events.len()], first.events[..]);
    let times: Vec<_> = later
        .events
        .iter()
        .map(|e| e.time.as_ref().and_then(|t| t.at).expect("time parses"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    let newest = times.last().copied().expect("events");
    assert!(newest <= Utc::now(), "a message from the future");
}

#[tokio::test]
async fn active_transcript_with_the_default_clock() {
    let server = server().await;
    let t = client(&server)
        .transcript(demo::ACTIVE_SESSION)
        .await
        .expect("transcript");
    assert!(t.events.len() >= 10);
    let times: Vec<_> = t
        .events
        .iter()
        .map(|e| e.time.as_ref().and_then(|t| t.at).expect("time parses"))
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
}

#[tokio::test]
async fn list_filters_by_type_and_time() {
    let server = server().await;
    let c = client(&server);
    let day = |d| {
        Utc.with_ymd_and_hms(2026, 11, d, 0, 0, 0)
            .single()
            .expect("valid")
    };
    let list = c
        .list_sessions("screen_sharing", day(20), day(22))
        .await
        .expect("list");
    let ids: HashSet<String> = list
        .sessions
        .iter()
        .filter_map(|s| s.session_id.clone())
        .collect();
    assert_eq!(list.total, Some(list.sessions.len() as u64));
    // Live sessions follow the clock, so they are only excluded when it is not Nov 2026.
    for id in ["482913657", "482913711", "482913666"] {
        assert!(ids.contains(id), "{id} missing");
    }
    assert!(!ids.contains("482913720"), "unattended is another type");
    for s in &list.sessions {
        let t = s.started_at.as_ref().and_then(|t| t.at).expect("startedAt");
        assert!(
            day(20) <= t && t <= day(22),
            "{:?} out of range",
            s.session_id
        );
    }

    let unattended = c
        .list_sessions("UNATTENDED", day(19), day(20))
        .await
        .expect("list");
    assert_eq!(unattended.total, Some(1));
    assert_eq!(
        unattended.sessions[0].session_id.as_deref(),
        Some("482913720")
    );

    // The live sessions started minutes ago.
    let now = Utc::now();
    let recent = c
        .list_sessions("screen_sharing", now - chrono::Duration::hours(1), now)
        .await
        .expect("list");
    let ids: HashSet<String> = recent
        .sessions
        .iter()
        .filter_map(|s| s.session_id.clone())
        .collect();
    assert!(ids.contains(demo::ACTIVE_SESSION) && ids.contains("482913730"));
    assert_eq!(recent.total, Some(recent.sessions.len() as u64));

    let status = reqwest::Client::new()
        .get(api(&server, "sessions?sessionType=screen_sharing"))
        .bearer_auth(demo::TOKEN)
        .send()
        .await
        .expect("request")
        .status();
    assert_eq!(status, 400, "fromTime and toTime are required");
}

#[tokio::test]
async fn hostile_session_is_served_as_is() {
    let server = server().await;
    let c = client(&server);
    let s = c.session(demo::HOSTILE_SESSION).await.expect("hostile");
    assert_eq!(s.status, Some(Status::Complete));
    assert!(s
        .expert_name
        .as_deref()
        .is_some_and(|n| n.contains('\u{1b}')));
    assert!(s
        .customer_name
        .as_deref()
        .is_some_and(|n| n.contains('\u{202e}')));
    let t = c
        .transcript(demo::HOSTILE_SESSION)
        .await
        .expect("transcript");
    let all: String = t.events.iter().map(|e| e.content.as_str()).collect();
    for needle in [
        "\u{1b}[2J",
        "\u{1b}]0;pwned\u{7}",
        "\u{1b}]52;",
        "\u{9b}",
        "\u{8}",
        "\u{7f}",
        "\u{202e}",
        "你好",
        "🐉",
        "مرحبا",
        "שלום",
    ] {
        assert!(all.contains(needle), "missing {needle:?}");
    }
    assert!(t.events.iter().any(|e| e.content.chars().count() == 5000));
}

#[tokio::test]
async fn stops_when_dropped() {
    let server = server().await;
    let url = api(&server, "sessions/482913657");
    drop(server);
    // Graceful shutdown finishes in the background; give it a moment.
    let mut refused = false;
    for _ in 0..50 {
        let fresh = reqwest::Client::new();
        if fresh.get(&url).send().await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "still answering after drop");
}

#[tokio::test]
async fn huge_sessions_are_generated_to_size_and_streamed() {
    let server = server().await;
    let c = client(&server);
    let t = c
        .transcript("huge-20000")
        .await
        .expect("generated transcript");
    assert_eq!(t.events.len(), 20_000);
    let s = c.session("huge-20000").await.expect("its session");
    assert_eq!(s.status, Some(Status::Complete));
    assert_eq!(s.expert_name.as_deref(), Some("Dana Whitfield"));
    assert_eq!(s.collaborators.len(), 1);
    // The same bytes every time, sent in chunks rather than with a length.
    let http = reqwest::Client::new();
    let get = || async {
        http.get(api(&server, "sessions/huge-20000/events"))
            .bearer_auth(demo::TOKEN)
            .send()
            .await
            .expect("request")
    };
    let first = get().await;
    assert_eq!(first.status(), 200);
    assert_eq!(first.content_length(), None);
    let a = first.bytes().await.expect("body");
    let b = get().await.bytes().await.expect("body");
    assert_eq!(a, b);
    assert_eq!(a, g2a_tui::demo::huge::body_bytes(20_000));
    // Past the cap, zero and other spellings name no session.
    for id in ["huge-5000001", "huge-0", "huge-020"] {
        let err = c.session(id).await.expect_err(id);
        assert!(matches!(err, ApiError::NotFound { .. }), "{id}: {err:?}");
        let t = c.transcript(id).await.expect("404 is no transcript");
        assert!(t.events.is_empty(), "{id}");
    }
}

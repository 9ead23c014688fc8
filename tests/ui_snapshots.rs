//! Snapshots (ratatui TestBackend) of every pane at 80x24 and 160x48 in its loading,
//! loaded, empty and failed states, plus hostile transcript text with borders intact.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::worker::{Answer, Request, RequestId};
use g2a_tui::api::{ApiError, Endpoint, Session, SystemLinks, Transcript};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::App;
use g2a_tui::timefmt::Zone;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn new_app(size: (u16, u16), domain: Option<&str>) -> (App, Vec<Effect>) {
    let now = Instant::now();
    let wall = Utc
        .with_ymd_and_hms(2026, 11, 20, 15, 0, 0)
        .single()
        .expect("valid");
    let mut app = App::new(
        Some("482913657".into()),
        domain.map(String::from),
        Zone::Utc,
        size,
        now,
        wall,
    );
    let fx = start(&mut app, now);
    (app, fx)
}

fn ids(fx: &[Effect]) -> (RequestId, RequestId, Option<RequestId>) {
    let (mut s, mut t, mut l) = (RequestId(0), RequestId(0), None);
    for e in fx {
        match e {
            Effect::Fetch(Request::Session { id, .. }) => s = *id,
            Effect::Fetch(Request::Transcript { id, .. }) => t = *id,
            Effect::Fetch(Request::Links { id, .. }) => l = Some(*id),
            _ => {}
        }
    }
    (s, t, l)
}

fn feed(app: &mut App, a: Answer) {
    let (now, wall) = (app.now, app.wall);
    update(app, Msg::Answer(a), now, wall);
}

fn press(app: &mut App, c: char) {
    let (now, wall) = (app.now, app.wall);
    update(
        app,
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        now,
        wall,
    );
}

fn draw(app: &App) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("test backend");
    term.draw(|f| g2a_tui::ui::render(f, app)).expect("draw");
    term
}

fn session() -> Session {
    Session::from_value(json!({
        "sessionId": "482913657", "sessionType": "screen_sharing", "status": "complete",
        "accountKey": 4455, "expertName": "Dana Whitfield", "expertEmail": "dana@northwind.example",
        "partnerObject": 10443, "partnerObjectUrl": "https://helpdesk.northwind.example/tickets/10443",
        "customerJoinUrl": "https://www.fastsupport.com/482913657",
        "startedAt": "2026-11-20T14:02:11Z", "customerJoinedAt": "2026-11-20T14:04:24Z",
        "endedAt": "2026-11-20T14:51:29Z", "customerName": "Morgan Lee",
        "customerEmail": "morgan.lee@contoso.example",
        "notes": "Outlook crashed on start.\nRebuilt the OST profile; repaired Office.",
        "sessionRecordingUrl": "https://app.gotoassist.com/recordings/482913657",
        "collaborators": [{"name": "Ravi Patel", "email": "ravi@northwind.example"}]
    }))
    .expect("fixture session")
}

fn transcript() -> Transcript {
    let mut events = vec![
        json!({"timeStamp": "2026-11-20T14:02:15Z", "participantName": "Dana Whitfield", "content": "Dana Whitfield joined the session"}),
        json!({"timeStamp": "2026-11-20T14:04:30Z", "participantName": "Morgan Lee", "content": "Hi, Outlook crashes every time I open it."}),
        json!({"timeStamp": "2026-11-20T14:04:51Z", "participantName": "Dana Whitfield", "content": "Sorry to hear that! Let me take a look. Can you tell me when it started?\nAnd which version of Office you have?"}),
    ];
    for i in 0..24 {
        let who = ["Morgan Lee", "Dana Whitfield", "Ravi Patel"][i % 3];
        events.push(json!({"timeStamp": format!("2026-11-20T14:{:02}:00.250Z", 10 + i), "participantName": who, "content": format!("Step {i}: checking the mail profile and add-ins, then restarting Outlook in safe mode.")}));
    }
    events.push(json!({"timeStamp": "2026-11-20T14:51:29Z", "participantName": "Dana Whitfield", "content": "Dana Whitfield ended the session"}));
    Transcript::from_value(json!({"sessionId": "482913657", "events": events}))
        .expect("fixture transcript")
}

fn links() -> SystemLinks {
    SystemLinks::from_value(json!([
        {"systemName": "Northwind ServiceDesk", "systemDomain": "helpdesk.northwind.example", "userEmail": "dana@northwind.example",
         "userToken": "nw-7f3a9c1e-secret", "callbackURL": "https://helpdesk.northwind.example/g2a/callback",
         "supportedCallbacks": {"createObject": true, "searchObjects": true, "associateObject": false}},
        {"systemName": "Tracker", "systemDomain": "helpdesk.northwind.example", "userEmail": "dana@northwind.example",
         "userToken": "tr-0042-secret", "callbackURL": "https://tracker.northwind.example/hooks/g2a"}
    ]))
    .expect("fixture links")
}

fn loaded(size: (u16, u16)) -> App {
    let (mut app, fx) = new_app(size, Some("helpdesk.northwind.example"));
    let (s, t, l) = ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session())));
    feed(&mut app, Answer::Transcript(t, Ok(transcript())));
    feed(&mut app, Answer::Links(l.expect("links id"), Ok(links())));
    app
}

fn name(state: &str, size: (u16, u16)) -> String {
    format!("{state}_{}x{}", size.0, size.1)
}

#[test]
fn loading() {
    for size in SIZES {
        let (app, _) = new_app(size, Some("helpdesk.northwind.example"));
        insta::assert_snapshot!(name("loading", size), draw(&app).backend());
    }
}

#[test]
fn loaded_following_the_tail() {
    for size in SIZES {
        let app = loaded(size);
        let screen = draw(&app).backend().to_string();
        assert!(
            screen.contains("Dana Whitfield ended the session"),
            "the newest message is shown"
        );
        assert!(
            !screen.contains("nw-7f3a9c1e-secret"),
            "the partner userToken is masked"
        );
        insta::assert_snapshot!(name("loaded", size), screen);
    }
}

#[test]
fn loaded_scrolled_to_top_with_help_hint_bar() {
    for size in SIZES {
        let mut app = loaded(size);
        press(&mut app, 'g');
        let screen = draw(&app).backend().to_string();
        assert!(
            screen.contains("2026-11-20 Fri"),
            "a date separator starts the transcript"
        );
        insta::assert_snapshot!(name("scrolled_top", size), screen);
    }
}

#[test]
fn empty() {
    for size in SIZES {
        let (mut app, fx) = new_app(size, Some("other.example"));
        let (s, t, l) = ids(&fx);
        let mut abandoned = session();
        abandoned.status = Some(g2a_tui::api::Status::Abandoned);
        abandoned.customer_joined_at = None;
        feed(&mut app, Answer::Session(s, Ok(abandoned)));
        feed(
            &mut app,
            Answer::Transcript(t, Ok(Transcript::none_for_session())),
        );
        feed(
            &mut app,
            Answer::Links(l.expect("links id"), Ok(SystemLinks::default())),
        );
        let screen = draw(&app).backend().to_string();
        assert!(screen.contains("No chat transcript for this session"));
        assert!(screen.contains("No partner links for other.example"));
        insta::assert_snapshot!(name("empty", size), screen);
    }
}

#[test]
fn no_system_domain() {
    let (mut app, fx) = new_app((80, 24), None);
    let (s, t, _) = ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session())));
    feed(&mut app, Answer::Transcript(t, Ok(transcript())));
    let screen = draw(&app).backend().to_string();
    assert!(screen.contains("--system-domain"), "says how to set one");
    insta::assert_snapshot!(screen);
}

#[test]
fn failed_without_data() {
    for size in SIZES {
        let (mut app, fx) = new_app(size, Some("helpdesk.northwind.example"));
        let (s, t, l) = ids(&fx);
        feed(
            &mut app,
            Answer::Session(
                s,
                Err(ApiError::Unauthorized {
                    endpoint: Endpoint::Session,
                }),
            ),
        );
        feed(
            &mut app,
            Answer::Transcript(
                t,
                Err(ApiError::Timeout {
                    endpoint: Endpoint::Transcript,
                    secs: 30,
                }),
            ),
        );
        feed(
            &mut app,
            Answer::Links(
                l.expect("links id"),
                Err(ApiError::BadRequest {
                    endpoint: Endpoint::Links,
                    excerpt: String::new(),
                }),
            ),
        );
        let screen = draw(&app).backend().to_string();
        assert!(screen.contains("401"));
        insta::assert_snapshot!(name("failed", size), screen);
    }
}

#[test]
fn failed_refresh_keeps_data() {
    for size in SIZES {
        let mut app = loaded(size);
        let later = app.now + Duration::from_secs(75);
        let wall = app.wall;
        let fx = update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)),
            later,
            wall,
        );
        let (s, t, _) = ids(&fx);
        let err = || ApiError::Server {
            endpoint: Endpoint::Session,
            status: 503,
            excerpt: "Service Unavailable".into(),
        };
        feed(&mut app, Answer::Session(s, Err(err())));
        feed(
            &mut app,
            Answer::Transcript(
                t,
                Err(ApiError::Server {
                    endpoint: Endpoint::Transcript,
                    status: 503,
                    excerpt: String::new(),
                }),
            ),
        );
        let screen = draw(&app).backend().to_string();
        assert!(
            screen.contains("503") && screen.contains("Morgan Lee"),
            "error shown, data kept"
        );
        insta::assert_snapshot!(name("failed_kept", size), screen);
    }
}

#[test]
fn help_overlay_lists_every_binding() {
    let mut app = loaded((120, 40));
    press(&mut app, '?');
    let screen = draw(&app).backend().to_string();
    for b in g2a_tui::app::keymap::BINDINGS {
        assert!(screen.contains(b.help), "help lists {:?}", b.action);
    }
    insta::assert_snapshot!(screen);
}

#[test]
fn too_small_is_one_line() {
    let app = loaded((39, 9));
    let screen = draw(&app).backend().to_string();
    assert!(screen.contains("Terminal too small"));
    insta::assert_snapshot!(screen);
}

#[test]
fn prompt_without_session_id() {
    let now = Instant::now();
    let mut app = App::new(None, None, Zone::Utc, (80, 24), now, Utc::now());
    for c in "4829".chars() {
        update(
            &mut app,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
            now,
            Utc::now(),
        );
    }
    insta::assert_snapshot!(draw(&app).backend());
}

fn hostile_transcript() -> Transcript {
    let long: String = "long-line ".repeat(500);
    Transcript::from_value(json!([
        {"timeStamp": "2026-11-20T14:00:00Z", "participantName": "Eve\u{1b}]0;pwned\u{7}", "content": "title \u{1b}]0;pwned\u{7} clip \u{1b}]52;c;ZWNobyBwd25lZA==\u{7} clear \u{1b}[2J c1 \u{9b}31m bel \u{7} bs \u{8} del \u{7f} bidi \u{202e}desrever"},
        {"timeStamp": "2026-11-20T14:00:01Z", "participantName": "山田太郎", "content": "日本語のテキストと絵文字 🎉🚀 が混ざったメッセージです。"},
        {"timeStamp": "2026-11-20T14:00:02Z", "participantName": "مريم", "content": "مرحبا، لا يعمل البريد الإلكتروني — שלום עולם"},
        {"timeStamp": "not-a-time", "participantName": "Morgan Lee", "content": long},
        {"timeStamp": "2026-11-20T14:00:04Z", "participantName": "Morgan Lee", "content": "last\r\nline\twith tab"}
    ]))
    .expect("hostile transcript")
}

#[test]
fn hostile_text_keeps_borders() {
    for size in SIZES {
        let (mut app, fx) = new_app(size, None);
        let (s, t, _) = ids(&fx);
        feed(&mut app, Answer::Session(s, Ok(session())));
        feed(&mut app, Answer::Transcript(t, Ok(hostile_transcript())));
        // Scroll to the top so the hostile first messages are on screen.
        press(&mut app, 'g');
        let term = draw(&app);
        let buf = term.backend().buffer();
        for cell in buf.content() {
            assert!(
                !cell.symbol().chars().any(g2a_tui::sanitize::is_unsafe),
                "control char in {:?}",
                cell.symbol()
            );
        }
        // Every row of the transcript pane keeps its left and right borders.
        let panes = g2a_tui::ui::layout::panes(ratatui::layout::Rect::new(0, 0, size.0, size.1))
            .expect("fits");
        let tr = panes.transcript;
        for y in tr.top() + 1..tr.bottom() - 1 {
            let left = buf[(tr.left(), y)].symbol();
            let right = buf[(tr.right() - 1, y)].symbol();
            assert!(
                ["│", "┃"].contains(&left),
                "left border broken at row {y}: {left:?}"
            );
            assert!(
                ["│", "┃", "█"].contains(&right),
                "right border broken at row {y}: {right:?}"
            );
        }
        let screen = term.backend().to_string();
        assert!(
            screen.contains("山田太郎") && screen.contains("🎉"),
            "CJK and emoji survive"
        );
        insta::assert_snapshot!(name("hostile", size), screen);
    }
}

//! Snapshots (ratatui TestBackend) of every pane at 80x24 and 160x48 in its loading,
//! loaded, empty and failed states, plus hostile transcript text with borders intact.

mod common;

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::worker::{Answer, Request, RequestId};
use g2a_tui::api::{ApiError, Endpoint, Session, Status, SystemLinks, Transcript};
use g2a_tui::app::keymap::{Action, Mode};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Keymap};
use g2a_tui::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use ratatui::Terminal;
use serde_json::json;

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn new_app(size: (u16, u16), domain: Option<&str>) -> (App, Vec<Effect>) {
    let now = Instant::now();
    let mut app = common::app(Some("482913657"), domain, size, now);
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
    common::key(app, KeyCode::Char(c));
}

fn draw(app: &App) -> Terminal<TestBackend> {
    common::draw(app)
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
        assert!(screen.contains("the customer never joined"), "{screen}");
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
    // Tall enough for every binding (the list and switching keys made it longer).
    let mut app = loaded((120, 50));
    press(&mut app, '?');
    let screen = draw(&app).backend().to_string();
    for b in app.keymap.bindings(Mode::Normal) {
        assert!(
            screen.contains(b.action.help()),
            "help lists {:?}",
            b.action
        );
        assert!(screen.contains(&b.keys_label()), "help lists {:?}", b.keys);
    }
    for s in g2a_tui::present::transcript::Speaker::ALL {
        assert!(screen.contains(s.describe()), "help explains {s:?}");
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
    // Without an id the list opens now; the prompt with nothing behind it stays drawable.
    let mut app = common::app(None, None, (80, 24), Instant::now());
    app.screen =
        g2a_tui::app::Screen::Prompt(g2a_tui::app::prompt::PromptScreen::new(String::new(), None));
    common::chars(&mut app, "4829");
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
        let panes = app.panes().expect("fits");
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

/// The column of the transcript's right border, rows inside it.
fn scrollbar_cells(app: &App, term: &Terminal<TestBackend>) -> usize {
    let tr = app.panes().expect("fits").transcript;
    let buf = term.backend().buffer();
    (tr.top() + 1..tr.bottom() - 1)
        .filter(|&y| buf[(tr.right() - 1, y)].symbol() == "█")
        .count()
}

#[test]
fn scrollbar_only_when_the_transcript_scrolls() {
    let (mut app, fx) = new_app((160, 48), None);
    let (s, t, _) = ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session())));
    let short = Transcript::from_value(json!([
        {"timeStamp": "2026-11-20T14:04:30Z", "participantName": "Morgan Lee", "content": "Hi"},
        {"timeStamp": "2026-11-20T14:04:51Z", "participantName": "Dana Whitfield", "content": "Hello"}
    ]))
    .expect("short");
    feed(&mut app, Answer::Transcript(t, Ok(short)));
    let term = draw(&app);
    assert_eq!(
        scrollbar_cells(&app, &term),
        0,
        "everything fits: no scrollbar"
    );
    insta::assert_snapshot!("scrollbar_absent", term.backend());

    let mut app = loaded((80, 24));
    let at_tail = scrollbar_cells(&app, &draw(&app));
    // 28 messages in 9 rows: the thumb shows roughly the visible share.
    assert!((1..=4).contains(&at_tail), "thumb of {at_tail} rows");
    let tr = app.panes().expect("fits").transcript;
    let thumb_top = |app: &App| {
        let term = draw(app);
        let buf = term.backend().buffer();
        (tr.top() + 1..tr.bottom() - 1).find(|&y| buf[(tr.right() - 1, y)].symbol() == "█")
    };
    let bottom = thumb_top(&app);
    press(&mut app, 'g');
    let top = thumb_top(&app);
    assert_eq!(top, Some(tr.top() + 1), "g puts the thumb at the top");
    assert!(bottom > top, "G keeps it at the bottom");
    common::key(&mut app, KeyCode::PageDown);
    let paged = thumb_top(&app);
    assert!(paged > top && paged < bottom, "paging moves it: {paged:?}");
    insta::assert_snapshot!("scrollbar_present", draw(&app).backend());
}

/// A transcript with one message from each kind of speaker.
fn every_speaker() -> Transcript {
    Transcript::from_value(json!([
        {"timeStamp": "2026-11-20T14:02:15Z", "participantName": "Dana Whitfield", "content": "Dana Whitfield joined the session"},
        {"timeStamp": "2026-11-20T14:04:30Z", "participantName": "morgan lee", "content": "Hi, Outlook crashes. My colleague has left."},
        {"timeStamp": "2026-11-20T14:04:51Z", "participantName": "DANA@northwind.example", "content": "Let me take a look."},
        {"timeStamp": "2026-11-20T14:05:10Z", "participantName": "Ravi  Patel", "content": "Checking the VPN gateway."},
        {"timeStamp": "2026-11-20T14:05:30Z", "participantName": "Sam from IT", "content": "I can help too."}
    ]))
    .expect("speakers")
}

fn session_with_customer() -> Session {
    let mut s = session();
    s.expert_email = Some("dana@northwind.example".into());
    s
}

#[test]
fn each_speaker_has_a_mark_that_reads_without_colour() {
    let (mut app, fx) = new_app((80, 24), None);
    let (s, t, _) = ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session_with_customer())));
    feed(&mut app, Answer::Transcript(t, Ok(every_speaker())));
    let term = common::draw_with(&app, &Theme::default().without_colors());
    let screen = common::screen(&term);
    for (mark, who) in [
        ("·", "Dana Whitfield joined the session"),
        (
            ">",
            "morgan lee: Hi, Outlook crashes. My colleague has left.",
        ),
        ("*", "DANA@northwind.example: Let me take a look."),
        ("+", "Ravi  Patel: Checking the VPN gateway."),
        ("?", "Sam from IT: I can help too."),
    ] {
        assert!(
            screen.contains(&format!("{mark} {who}")),
            "{mark} {who}\n{screen}"
        );
    }
    insta::assert_snapshot!("speaker_marks", term.backend());
}

#[test]
fn long_urls_wrap_at_their_punctuation() {
    let (mut app, fx) = new_app((60, 40), None);
    let (s, t, _) = ids(&fx);
    let mut s2 = session();
    s2.partner_object_url =
        Some("https://servicedesk.northwind.example/tickets/SD-20417?view=full&tab=notes".into());
    s2.customer_join_url = Some("javascript:alert(1)".into());
    feed(&mut app, Answer::Session(s, Ok(s2)));
    feed(
        &mut app,
        Answer::Transcript(t, Ok(Transcript::none_for_session())),
    );
    let term = draw(&app);
    let screen = common::screen(&term);
    assert!(
        screen.contains("https://servicedesk.northwind.example/ "),
        "{screen}"
    );
    assert!(
        screen.contains(" tickets/SD-20417?view=full&tab=notes"),
        "{screen}"
    );
    assert!(
        screen.contains("lasted 49m 18s"),
        "a duration stays whole\n{screen}"
    );
    // Only http(s) URLs are drawn as links.
    let buf = term.backend().buffer();
    let style_of = |needle: &str| {
        let (y, line) = screen
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains(needle))
            .expect("on screen");
        let x = line[..line.find(needle).expect("found")].chars().count();
        buf[(x as u16, y as u16)].modifier
    };
    use ratatui::style::Modifier;
    assert!(style_of("https://servicedesk").contains(Modifier::UNDERLINED));
    assert!(!style_of("javascript:alert(1)").contains(Modifier::UNDERLINED));
    insta::assert_snapshot!("wrapped_url", term.backend());
}

#[test]
fn a_long_error_gets_the_status_line_and_ends_with_an_ellipsis() {
    let (mut app, fx) = new_app((80, 24), Some("helpdesk.northwind.example"));
    let (s, t, l) = ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session())));
    feed(&mut app, Answer::Transcript(t, Ok(transcript())));
    feed(
        &mut app,
        Answer::Links(
            l.expect("links"),
            Err(ApiError::BadRequest {
                endpoint: Endpoint::Links,
                excerpt:
                    "systemDomain is not registered for this account: helpdesk.northwind.example"
                        .into(),
            }),
        ),
    );
    let screen = common::screen(&draw(&app));
    let status = screen.lines().nth(23).expect("status row");
    assert!(status.contains("⚠ HTTP 400"), "{status}");
    assert!(
        status.contains("… ? help"),
        "the error is cut with an ellipsis: {status}"
    );
    assert!(!status.contains("refresh"), "hints drop first: {status}");
    assert!(
        status.trim_end().ends_with("? help  q quit"),
        "but the way to help and out stays: {status}"
    );
    // The pane says briefly what failed for it.
    assert!(
        screen.contains("HTTP 400 Bad Request on the partner links"),
        "{screen}"
    );
    insta::assert_snapshot!("long_error_80", screen);
}

#[test]
fn each_empty_state_says_what_is_true() {
    let cases: [(&str, Option<Status>, Transcript, &str); 5] = [
        (
            "waiting",
            Some(Status::Waiting),
            Transcript::none_for_session(),
            "the customer has not joined",
        ),
        (
            "not_started",
            Some(Status::NotStarted),
            Transcript::default(),
            "the customer has not joined",
        ),
        (
            "abandoned",
            Some(Status::Abandoned),
            Transcript::none_for_session(),
            "the customer never joined",
        ),
        (
            "complete_404",
            Some(Status::Complete),
            Transcript::none_for_session(),
            "No chat transcript for this session",
        ),
        (
            "complete_empty",
            Some(Status::Complete),
            Transcript::default(),
            "The chat transcript is empty",
        ),
    ];
    for (name, status, t2, says) in cases {
        let (mut app, fx) = new_app((80, 24), None);
        let (s, t, _) = ids(&fx);
        let mut s2 = session();
        s2.status = status;
        if name != "complete_404" && name != "complete_empty" {
            s2.customer_joined_at = None;
        }
        feed(&mut app, Answer::Session(s, Ok(s2)));
        feed(&mut app, Answer::Transcript(t, Ok(t2)));
        let term = draw(&app);
        let screen = common::screen(&term);
        assert!(screen.contains(says), "{name}: {screen}");
        // The empty transcript shrinks to its sentence: the details get the room.
        assert_eq!(app.panes().expect("fits").transcript.height, 3, "{name}");
        insta::assert_snapshot!(format!("empty_state_{name}"), term.backend());
    }
    // A session that does not exist says so, not "no transcript".
    let (mut app, fx) = new_app((80, 24), None);
    let (s, t, _) = ids(&fx);
    feed(
        &mut app,
        Answer::Session(
            s,
            Err(ApiError::NotFound {
                endpoint: Endpoint::Session,
                id: "482913657".into(),
            }),
        ),
    );
    feed(
        &mut app,
        Answer::Transcript(t, Ok(Transcript::none_for_session())),
    );
    common::key(&mut app, KeyCode::Esc);
    let screen = common::screen(&draw(&app));
    assert!(screen.contains("the session was not found"), "{screen}");
}

#[test]
fn no_color_draws_no_colour() {
    let app = loaded((80, 24));
    let term = common::draw_with(&app, &Theme::default().without_colors());
    for cell in term.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset, "{:?}", cell.symbol());
        assert_eq!(cell.bg, Color::Reset, "{:?}", cell.symbol());
    }
    // The whole screen with its styles: only modifiers (bold, dim, reversed, …).
    insta::assert_debug_snapshot!("no_color_80x24", term.backend().buffer());
    // The badge still stands out: reversed video.
    let buf = term.backend().buffer();
    let badge = buf
        .content()
        .iter()
        .find(|c| c.symbol() == "C")
        .expect("COMPLETE");
    assert!(badge.modifier.contains(ratatui::style::Modifier::REVERSED));
}

#[test]
fn every_hint_comes_from_the_keymap() {
    let keymap = Keymap::parse(
        "[normal]\nbottom = [\"End\"]\nhelp = [\"F1\"]\nquit = [\"x\"]\nline_up = [\"Up\"]\nfocus_next = [\"Tab\"]\n\n[help]\nclose = [\"F2\"]\n\n[prompt]\nsubmit = [\"Enter\"]\ncancel = [\"F3\"]\n",
    )
    .expect("keymap");
    let mut app = loaded((120, 40)).with_keymap(keymap);
    common::key(&mut app, KeyCode::Up);
    let screen = common::screen(&draw(&app));
    assert!(screen.contains("press End for the latest"), "{screen}");
    let status = screen.lines().last().expect("status");
    assert!(
        status.contains("F1 help") && status.contains("x quit"),
        "{status}"
    );
    assert!(
        !status.contains("? help") && !status.contains("q quit"),
        "{status}"
    );
    common::key(&mut app, KeyCode::F(1));
    let screen = common::screen(&draw(&app));
    assert!(
        screen.contains("F2 close"),
        "the help footer names the close key: {screen}"
    );
}

#[test]
fn a_one_row_view_shows_every_line_not_a_sticky_header() {
    let (mut app, fx) = new_app((40, 10), None);
    let (s, t, _) = ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session())));
    let long = Transcript::from_value(json!([
        {"timeStamp": "2026-11-20T14:04:30Z", "participantName": "Morgan Lee", "content": "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa"}
    ]))
    .expect("long");
    feed(&mut app, Answer::Transcript(t, Ok(long)));
    common::key(&mut app, KeyCode::Char('2'));
    common::key(&mut app, KeyCode::Char('g'));
    let mut seen = String::new();
    for _ in 0..8 {
        seen.push_str(&common::screen(&draw(&app)));
        common::key(&mut app, KeyCode::Char('j'));
    }
    for word in ["alpha", "juliet", "papa"] {
        assert!(seen.contains(word), "{word} never shown:\n{seen}");
    }
}

#[test]
fn zoom_and_time_modes() {
    let mut app = loaded((80, 24));
    common::key(&mut app, KeyCode::Char('2'));
    common::key(&mut app, KeyCode::Char('z'));
    let screen = common::screen(&draw(&app));
    assert!(
        screen.contains("┏ 2 Transcript") && !screen.contains("1 Session"),
        "{screen}"
    );
    insta::assert_snapshot!("zoom_80x24", draw(&app).backend());
    // The clock is always named, even when a filter makes the title long.
    common::key(&mut app, KeyCode::Char('z'));
    common::key(&mut app, KeyCode::Char('f'));
    let screen = common::screen(&draw(&app));
    let title = screen
        .lines()
        .find(|l| l.contains("2 Transcript"))
        .unwrap_or_default()
        .to_string();
    assert!(title.contains("· UTC"), "{title}");
    insta::assert_snapshot!("time_utc_filtered_80x24", screen);
    common::key(&mut app, KeyCode::Char('f'));
    common::key(&mut app, KeyCode::Char('f'));
    common::key(&mut app, KeyCode::Char('f'));
    common::key(&mut app, KeyCode::Char('z'));
    // UTC (the tests' zone) -> since the session started.
    common::key(&mut app, KeyCode::Char('t'));
    let screen = common::screen(&draw(&app));
    assert!(screen.contains("since start"), "{screen}");
    assert!(
        screen.contains("+49:18"),
        "the end line, 49m 18s after the start: {screen}"
    );
    insta::assert_snapshot!("time_since_start_80x24", draw(&app).backend());
}

#[test]
fn new_messages_bar_during_live_follow() {
    let (mut app, fx) = new_app((80, 24), None);
    app.context.poll = Some(Duration::from_secs(5));
    let (s, t, _) = ids(&fx);
    let mut live = session();
    live.status = Some(Status::Active);
    live.ended_at = None;
    feed(&mut app, Answer::Session(s, Ok(live.clone())));
    feed(&mut app, Answer::Transcript(t, Ok(transcript())));
    for _ in 0..3 {
        common::key(&mut app, KeyCode::Up);
    }
    let due = app.session().and_then(|s| s.poll.next).expect("polling");
    let wall = app.wall;
    let fx = update(&mut app, Msg::Tick, due, wall);
    let (s, t, _) = ids(&fx);
    let mut grown = transcript();
    for i in 0..3 {
        grown.events.push(g2a_tui::api::Event {
            time: Some(g2a_tui::api::Timestamp::parse(&format!(
                "2026-11-20T14:52:0{i}Z"
            ))),
            participant: Some("Morgan Lee".into()),
            content: format!("new message {i}"),
        });
    }
    feed(&mut app, Answer::Session(s, Ok(live)));
    feed(&mut app, Answer::Transcript(t, Ok(grown)));
    let screen = common::screen(&draw(&app));
    assert!(screen.contains("↓ 3 new messages"), "{screen}");
    assert!(screen.contains("LIVE"), "{screen}");
    insta::assert_snapshot!("live_new_messages_80x24", screen);
}

/// The cells of row `y` whose style is `style`, as text.
fn styled_text(term: &Terminal<TestBackend>, y: u16, style: ratatui::style::Style) -> String {
    let buf = term.backend().buffer();
    (0..buf.area.width)
        .map(|x| &buf[(x, y)])
        .filter(|c| {
            let s = c.style();
            s.fg == style.fg.or(s.fg)
                && s.bg == style.bg
                && s.add_modifier.contains(style.add_modifier)
        })
        .map(|c| c.symbol())
        .collect()
}

fn row_of(screen: &str, needle: &str) -> u16 {
    screen
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not on screen:\n{screen}")) as u16
}

#[test]
fn search_line_with_highlights_and_count() {
    let mut app = loaded((80, 24));
    press(&mut app, 'g');
    press(&mut app, '/');
    for c in "outlook".chars() {
        press(&mut app, c);
    }
    let term = draw(&app);
    let screen = common::screen(&term);
    // The search line takes the status line's place: the query, the count, its keys.
    let status = screen.lines().nth(23).expect("status row");
    assert!(status.starts_with("/outlook"), "{status}");
    assert!(status.contains("1/25"), "{status}");
    assert!(
        status.trim_end().ends_with("Enter keep  Esc cancel"),
        "{status}"
    );
    // The first match below the top is current; every other one is highlighted too,
    // whatever its case.
    let theme = Theme::default();
    let first = row_of(&screen, "Hi, Outlook crashes");
    assert_eq!(styled_text(&term, first, theme.current_match), "Outlook");
    let step = row_of(&screen, "restarting Outlook");
    assert_eq!(styled_text(&term, step, theme.search_match), "Outlook");
    // The terminal's cursor is at the end of the query.
    assert_eq!(
        term.backend().cursor_position(),
        ratatui::layout::Position::new(8, 23)
    );
    insta::assert_snapshot!("search_line", term.backend());

    // Enter keeps it: the status line says which match of how many, n moves on.
    common::key(&mut app, KeyCode::Enter);
    press(&mut app, 'n');
    press(&mut app, 'n');
    let term = draw(&app);
    let screen = common::screen(&term);
    let status = screen.lines().nth(23).expect("status row");
    assert!(status.contains("/outlook 3/25"), "{status}");
    assert!(status.contains("n next match"), "{status}");
    insta::assert_snapshot!("search_kept", term.backend());
}

#[test]
fn a_match_split_by_a_wrap_is_highlighted_on_both_rows() {
    let (mut app, fx) = new_app((60, 24), None);
    let (s, t, _) = ids(&fx);
    feed(&mut app, Answer::Session(s, Ok(session())));
    let long = Transcript::from_value(json!([
        {"timeStamp": "2026-11-20T14:04:30Z", "participantName": "Morgan Lee",
         "content": "The add-ins were disabled and then the mail profile was rebuilt twice"}
    ]))
    .expect("long");
    feed(&mut app, Answer::Transcript(t, Ok(long)));
    press(&mut app, '/');
    for c in "and then the mail".chars() {
        press(&mut app, c);
    }
    let term = draw(&app);
    let screen = common::screen(&term);
    let theme = Theme::default();
    let first = row_of(&screen, "The add-ins");
    let (a, b) = (
        styled_text(&term, first, theme.current_match),
        styled_text(&term, first + 1, theme.current_match),
    );
    assert!(!a.is_empty() && !b.is_empty(), "{a:?} / {b:?}\n{screen}");
    assert_eq!(format!("{a} {b}"), "and then the mail", "{screen}");
}

#[test]
fn matches_read_without_colour() {
    let mut app = loaded((80, 24));
    press(&mut app, 'g');
    press(&mut app, '/');
    for c in "outlook".chars() {
        press(&mut app, c);
    }
    let term = common::draw_with(&app, &Theme::default().without_colors());
    let screen = common::screen(&term);
    let y = row_of(&screen, "Hi, Outlook crashes");
    let x = screen
        .lines()
        .nth(y as usize)
        .and_then(|l| l.find("Outlook"));
    let cell = &term.backend().buffer()[(x.expect("on the row") as u16, y)];
    use ratatui::style::Modifier;
    assert!(cell.modifier.contains(Modifier::REVERSED | Modifier::BOLD));
    let y = row_of(&screen, "restarting Outlook");
    let x = screen
        .lines()
        .nth(y as usize)
        .and_then(|l| l.find("Outlook"));
    let cell = &term.backend().buffer()[(x.expect("on the row") as u16, y)];
    assert!(cell.modifier.contains(Modifier::REVERSED));
}

#[test]
fn a_filter_in_the_title() {
    for size in SIZES {
        let mut app = loaded(size);
        press(&mut app, 'f');
        let screen = draw(&app).backend().to_string();
        // At 80 columns the count is what the title cuts ("messag…"), not the clock.
        assert!(screen.contains("customer only · 9 of 28"), "{screen}");
        assert!(screen.contains("· UTC ·"), "the clock is named: {screen}");
        assert!(!screen.contains("Dana Whitfield ended the session"));
        insta::assert_snapshot!(name("filter_customer", size), screen);
    }
}

#[test]
fn the_link_chooser() {
    let mut app = loaded((80, 24));
    common::key(&mut app, KeyCode::Char('o'));
    let screen = common::screen(&draw(&app));
    assert!(screen.contains("Open a link"), "{screen}");
    assert!(
        screen.contains("Enter open · y copy · Esc close"),
        "{screen}"
    );
    insta::assert_snapshot!("link_chooser_80x24", screen);
}

#[test]
fn link_runs_sit_exactly_on_the_link_text_drawn() {
    // Sizes where the URLs are in view (at 80x24 they are below "↓ more").
    for size in [(160, 48), (120, 40), (100, 60)] {
        let app = loaded(size);
        let term = draw(&app);
        let buf = term.backend().buffer();
        let runs = g2a_tui::app::hyperlinks::runs(&app);
        assert!(!runs.is_empty(), "{size:?}: the ticket and callback URLs");
        for run in &runs {
            let mut drawn = String::new();
            let mut x = run.x;
            while drawn.len() < run.text.len() {
                drawn.push_str(buf[(x, run.y)].symbol());
                x += 1;
            }
            assert_eq!(drawn, run.text, "{size:?} at {},{}", run.x, run.y);
            assert!(run.url.starts_with("https://"), "{}", run.url);
            assert!(
                run.url.contains(run.text.trim()),
                "{} in {}",
                run.text,
                run.url
            );
        }
    }
    // Under an overlay nothing is linked (it could cover the links).
    let mut app = loaded((80, 24));
    common::key(&mut app, KeyCode::Char('?'));
    assert!(g2a_tui::app::hyperlinks::runs(&app).is_empty());
}

/// The session screen in one theme with a message picked (`v`), drawn with its styles.
fn themed(theme: &Theme) -> Terminal<TestBackend> {
    let mut app = loaded((80, 24));
    press(&mut app, '2');
    press(&mut app, 'v');
    common::draw_with(&app, theme)
}

#[test]
fn one_screen_in_every_theme_and_with_no_color() {
    use g2a_tui::ui::theme::ThemeName;
    let build = |name, no_color| Theme::build(name, &[], no_color).0;
    for (label, name) in [
        ("dark", ThemeName::Dark),
        ("light", ThemeName::Light),
        ("mono", ThemeName::Mono),
    ] {
        let term = themed(&build(name, false));
        insta::assert_debug_snapshot!(format!("theme_{label}_80x24"), term.backend().buffer());
    }
    // NO_COLOR on top of the light theme: mono, and no cell with a colour.
    let term = themed(&build(ThemeName::Light, true));
    insta::assert_debug_snapshot!("theme_no_color_80x24", term.backend().buffer());
    for cell in term.backend().buffer().content() {
        assert_eq!((cell.fg, cell.bg), (Color::Reset, Color::Reset));
    }
    assert_eq!(
        term.backend().buffer(),
        themed(&build(ThemeName::Mono, false)).backend().buffer()
    );
    // The themes differ where they should: light draws no cyan or yellow text.
    let light = themed(&build(ThemeName::Light, false));
    for cell in light.backend().buffer().content() {
        assert!(
            !matches!(cell.fg, Color::Cyan | Color::Yellow),
            "{:?} in {:?}",
            cell.symbol(),
            cell.fg
        );
    }
}

fn override_keys(list: &[(&str, &[&str])]) -> Keymap {
    use g2a_tui::app::keymap::KeyOverride;
    let overrides: Vec<KeyOverride> = list
        .iter()
        .enumerate()
        .map(|(n, (action, keys))| KeyOverride {
            mode: None,
            action: action.to_string(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            line: n + 1,
        })
        .collect();
    let (keymap, warnings) = Keymap::default().with_overrides(&overrides);
    assert!(warnings.is_empty(), "{warnings:?}");
    keymap
}

#[test]
fn the_help_overlay_shows_an_overridden_key() {
    let keymap = override_keys(&[("search", &["ctrl-s"]), ("quit", &["x", "ctrl-c"])]);
    let mut app = loaded((120, 50)).with_keymap(keymap);
    // The hints before the overlay opens name the new keys.
    let status = common::screen(&draw(&app));
    let status = status.lines().last().expect("status line");
    assert!(
        status.contains("Ctrl-s search") && status.contains("x quit"),
        "{status}"
    );
    press(&mut app, '?');
    let screen = draw(&app).backend().to_string();
    let line = |what: &str| {
        screen
            .lines()
            .find(|l| l.contains(what))
            .unwrap_or_default()
            .to_string()
    };
    let search = line(Action::Search.help());
    assert!(
        search.contains("Ctrl-s") && !search.contains('/'),
        "{search}"
    );
    assert!(line("quit").contains("x / Ctrl-c"), "{screen}");
    insta::assert_snapshot!(screen);
    // And the new key does it.
    common::key(&mut app, KeyCode::Esc);
    common::press(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    for c in "outlook".chars() {
        press(&mut app, c);
    }
    let screen = common::screen(&draw(&app));
    let status = screen.lines().last().expect("status line");
    assert!(status.starts_with("/outlook"), "{status}");
}

#[test]
fn a_config_warning_shows_in_the_status_line_of_the_list() {
    let app = common::app(None, None, (120, 24), Instant::now());
    let app = g2a_tui::viewer::with_config_warnings(
        app,
        &[
            "c.toml, line 3: unknown key \"colour\"; ignored".to_string(),
            "c.toml, line 5: [keys] unknown action \"fly\"".to_string(),
        ],
    );
    let screen = common::screen(&draw(&app));
    let status = screen.lines().last().expect("status line");
    assert!(
        status
            .contains("c.toml, line 3: unknown key \"colour\"; ignored (+1 more: g2a-tui config)"),
        "{status}"
    );
}

/// A transcript asked again after a 503: its title counts down, the session pane is
/// loaded and says nothing of it (issue 10).
#[test]
fn retrying() {
    use g2a_tui::api::retry::Retrying;
    for size in SIZES {
        let (mut app, fx) = new_app(size, None);
        let (s, t, _) = ids(&fx);
        feed(&mut app, Answer::Session(s, Ok(session())));
        feed(
            &mut app,
            Answer::Retrying(
                t,
                Retrying {
                    endpoint: Endpoint::Transcript,
                    attempt: 2,
                    attempts: 4,
                    wait: Duration::from_millis(2500),
                },
            ),
        );
        let screen = draw(&app).backend().to_string();
        assert!(screen.contains("retrying (2/4) in 3 s"), "{screen}");
        insta::assert_snapshot!(name("retrying", size), screen);
    }
}

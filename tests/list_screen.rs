//! The session list (issue 8) on plain state and a TestBackend: its rows, the fuzzy
//! filter with highlights, the status filter, an empty week, a failed list call with the
//! stored sessions still shown, the keys (Esc, the week, Enter on no match, the chat
//! hits), and switching back and forth with each screen's state kept.

mod common;

use std::time::{Duration, Instant};

use chrono::TimeDelta;
use common::{key, list_request, press};
use crossterm::event::{KeyCode, KeyModifiers};
use g2a_tui::api::worker::{Answer, ListAnswer, Request, RequestId, StoreSearchError};
use g2a_tui::api::{ApiError, Endpoint, Session, SessionList, Transcript};
use g2a_tui::app::list::ListScreen;
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Screen};
use g2a_tui::store::{Hit, SessionHits, StoredSession, SNIPPET_CLOSE, SNIPPET_OPEN};
use g2a_tui::ui::Theme;
use ratatui::style::{Color, Modifier};
use serde_json::json;

fn session(
    id: &str,
    status: &str,
    customer: &str,
    minutes_ago: i64,
    lasted: Option<i64>,
) -> Session {
    let start = common::wall() - TimeDelta::minutes(minutes_ago);
    let mut v = json!({
        "sessionId": id, "status": status, "sessionType": "screen_sharing",
        "expertName": "Dana Whitfield", "expertEmail": "dana@helpdesk.example",
        "customerName": customer,
        "customerEmail": format!("{}@example.com", customer.split(' ').next().unwrap_or("x").to_lowercase()),
        "partnerObject": format!("TCK-{}", &id[id.len() - 3..]),
        "startedAt": start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    });
    if let Some(m) = lasted {
        v["endedAt"] = json!((start + TimeDelta::minutes(m))
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string());
    }
    Session::from_value(v).expect("a session")
}

fn week() -> Vec<Session> {
    vec![
        session("482913657", "complete", "Morgan Lee", 60 * 24, Some(49)),
        session("482913700", "active", "Priya Raman", 12, None),
        session("482913730", "waiting", "Sven Lindqvist", 3, None),
        session("482913711", "abandoned", "Grace Okafor", 60 * 30, Some(15)),
        session("482913688", "complete", "Tomás Alvarez", 60 * 50, Some(23)),
        session(
            "482913640",
            "notStarted",
            "Eve \u{1b}[2JMallory",
            60 * 70,
            None,
        ),
    ]
}

fn stored(s: Session) -> StoredSession {
    StoredSession {
        session: s,
        fetched_at: common::wall() - TimeDelta::days(2),
        complete: true,
        from_list: false,
    }
}

fn answer(app: &mut App, a: Answer) -> Vec<Effect> {
    let (now, wall) = (app.now + Duration::from_millis(10), app.wall);
    update(app, Msg::Answer(a), now, wall)
}

fn ok(sessions: Vec<Session>, stored: Vec<StoredSession>) -> ListAnswer {
    ListAnswer {
        api: Ok(SessionList {
            total: Some(sessions.len() as u64),
            sessions,
        }),
        stored,
    }
}

/// The list at `size`, answered with `list`.
fn listed(size: (u16, u16), list: ListAnswer) -> App {
    let now = Instant::now();
    let mut app = common::app(None, None, size, now);
    let fx = start(&mut app, now);
    let (id, _, _) = list_request(&fx);
    answer(&mut app, Answer::List(id, list));
    app
}

fn list(app: &App) -> &ListScreen {
    match &app.screen {
        Screen::List(l) => l,
        _ => panic!("expected the list"),
    }
}

fn ctrl(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press(app, code, KeyModifiers::CONTROL)
}

fn alt(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press(app, code, KeyModifiers::ALT)
}

fn tick(app: &mut App, after: Duration) -> Vec<Effect> {
    let (now, wall) = (app.now + after, app.wall);
    update(app, Msg::Tick, now, wall)
}

/// The screen as text with the query's matched letters in [brackets].
fn with_marks(app: &App) -> String {
    let theme = Theme::default();
    let term = common::draw_with(app, &theme);
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut on = false;
        for x in 0..buf.area.width {
            let c = &buf[(x, y)];
            let matched = c.bg == Color::Yellow && !c.modifier.contains(Modifier::BOLD);
            if matched != on {
                out.push(if matched { '[' } else { ']' });
                on = matched;
            }
            out.push_str(c.symbol());
        }
        if on {
            out.push(']');
        }
        out.push('\n');
    }
    out
}

#[test]
fn the_list_live_sessions_first_then_newest_at_every_size() {
    for size in [(200, 60), (120, 40), (80, 24), (60, 20), (40, 12)] {
        let app = listed(size, ok(week(), Vec::new()));
        let screen = common::screen(&common::draw(&app));
        // Waiting and active at the top, with their clocks (3 and 12 minutes).
        let waiting = screen.find("waiting").expect("waiting row");
        let active = screen.find("active").expect("active row");
        let complete = screen.find("complete").expect("complete row");
        assert!(waiting < active && active < complete, "{screen}");
        assert!(screen.contains("Sven Lindqvist"), "{screen}");
        assert!(!screen.contains('\u{1b}'), "sanitised: {screen}");
        if size.0 >= 60 {
            assert!(
                screen.contains("3m 00s") && screen.contains("12m 00s"),
                "{screen}"
            );
        }
        insta::assert_snapshot!(format!("list_{}x{}", size.0, size.1), screen);
    }
}

#[test]
fn typing_filters_fuzzily_and_highlights_the_letters() {
    let mut app = listed((100, 20), ok(week(), Vec::new()));
    common::chars(&mut app, "prya");
    let l = list(&app);
    assert_eq!(l.shown.len(), 1, "only Priya Raman");
    assert_eq!(l.selected_row().map(|r| r.id()), Some("482913700"));
    let screen = with_marks(&app);
    assert!(screen.contains("[Pr]i[ya]"), "{screen}");
    insta::assert_snapshot!(screen);
    // Other fields match too: the ticket and the e-mail.
    key(&mut app, KeyCode::Esc);
    common::chars(&mut app, "tck-711");
    assert_eq!(list(&app).selected_row().map(|r| r.id()), Some("482913711"));
    key(&mut app, KeyCode::Esc);
    common::chars(&mut app, "tomas@");
    assert_eq!(list(&app).selected_row().map(|r| r.id()), Some("482913688"));
}

#[test]
fn tab_cycles_the_status_filter_and_says_which() {
    let mut app = listed((100, 20), ok(week(), Vec::new()));
    key(&mut app, KeyCode::Tab);
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("status: waiting"), "{screen}");
    assert_eq!(list(&app).shown.len(), 1);
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("status: complete"), "{screen}");
    assert_eq!(list(&app).shown.len(), 2);
    insta::assert_snapshot!(screen);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(list(&app).status.label(), "active");
}

#[test]
fn an_empty_week_says_so_and_how_to_go_back() {
    let app = listed((80, 24), ok(Vec::new(), Vec::new()));
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("No sessions in the last 7 days. Ctrl-Left shows the week before."),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn a_failed_list_call_says_why_and_still_shows_the_stored_sessions() {
    let old = session(
        "482900001",
        "complete",
        "Ingrid Berg",
        60 * 24 * 3,
        Some(30),
    );
    let outside = session("482800001", "complete", "Too Old", 60 * 24 * 40, Some(30));
    let failed = ListAnswer {
        api: Err(ApiError::Connect {
            host: "api.getgo.com".into(),
            detail: "connection refused".into(),
        }),
        stored: vec![stored(old), stored(outside)],
    };
    let app = listed((100, 20), failed);
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("Ingrid Berg") && screen.contains("stored"),
        "{screen}"
    );
    assert!(!screen.contains("Too Old"), "outside the week: {screen}");
    assert!(screen.contains("showing 1 stored"), "{screen}");
    assert!(screen.contains("Ctrl-r retries"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn stored_sessions_the_api_did_not_list_are_marked_stored() {
    let mut extra = week();
    extra.truncate(2);
    let only_stored = session(
        "482900002",
        "complete",
        "Olu Adeyemi",
        60 * 24 * 4,
        Some(10),
    );
    let both = stored(week()[0].clone());
    let app = listed((120, 20), ok(extra, vec![stored(only_stored), both]));
    let l = list(&app);
    assert_eq!(l.rows().len(), 3, "each id once");
    let marked: Vec<_> = l
        .rows()
        .iter()
        .filter(|r| r.stored)
        .map(|r| r.id())
        .collect();
    assert_eq!(marked, vec!["482900002"]);
}

#[test]
fn esc_clears_the_query_then_goes_back_or_quits() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    common::chars(&mut app, "sven");
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(list(&app).query(), "");
    assert_eq!(list(&app).shown.len(), 6);
    // Nothing behind it: Esc quits; Ctrl-c always does.
    assert_eq!(key(&mut app, KeyCode::Esc), vec![Effect::Quit]);
    assert_eq!(ctrl(&mut app, KeyCode::Char('c')), vec![Effect::Quit]);
    // `q` is a letter here: it types.
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    assert_eq!(list(&app).query(), "q");
}

#[test]
fn the_week_moves_back_and_forward_and_the_title_says_which() {
    let mut app = listed((100, 20), ok(week(), Vec::new()));
    let fx = ctrl(&mut app, KeyCode::Left);
    let (id, from, to) = list_request(&fx);
    // The last week's rows do not pass for this one while it loads.
    let loading = common::screen(&common::draw(&app));
    assert!(
        loading.contains("loading the sessions") && !loading.contains("Morgan"),
        "{loading}"
    );
    assert_eq!(to, common::wall() - TimeDelta::days(7));
    assert_eq!(from, common::wall() - TimeDelta::days(14));
    answer(&mut app, Answer::List(id, ok(Vec::new(), Vec::new())));
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("Sessions · Nov 06 – Nov 13"), "{screen}");
    assert!(
        screen.contains("No sessions in Nov 06 – Nov 13"),
        "{screen}"
    );
    let fx = ctrl(&mut app, KeyCode::Right);
    let (_, from, to) = list_request(&fx);
    assert_eq!(
        (from, to),
        (common::wall() - TimeDelta::days(7), common::wall())
    );
    // Not past now.
    assert!(ctrl(&mut app, KeyCode::Right).is_empty());
}

#[test]
fn the_list_refreshes_itself_every_10_s_and_ctrl_r_at_once() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    assert!(tick(&mut app, Duration::from_secs(5)).is_empty());
    let fx = tick(&mut app, Duration::from_secs(10));
    let (id, _, _) = list_request(&fx);
    // A quiet refresh: the rows stay on screen meanwhile.
    assert_eq!(list(&app).rows().len(), 6);
    answer(
        &mut app,
        Answer::List(id, ok(week()[..2].to_vec(), Vec::new())),
    );
    assert_eq!(list(&app).rows().len(), 2);
    let fx = ctrl(&mut app, KeyCode::Char('r'));
    list_request(&fx);
}

#[test]
fn a_stale_list_answer_is_dropped() {
    let now = Instant::now();
    let mut app = common::app(None, None, (80, 24), now);
    let (old, _, _) = list_request(&start(&mut app, now));
    let (new, _, _) = list_request(&ctrl(&mut app, KeyCode::Char('r')));
    answer(&mut app, Answer::List(old, ok(week(), Vec::new())));
    assert!(
        list(&app).rows().is_empty(),
        "the older request's answer is ignored"
    );
    answer(
        &mut app,
        Answer::List(new, ok(week()[..1].to_vec(), Vec::new())),
    );
    assert_eq!(list(&app).rows().len(), 1);
}

/// Enter on a query no row matches: it waits for the chat search (run at once rather
/// than after the pause), which here finds nothing; the effects of that answer.
fn enter_then_no_chat(app: &mut App) -> Vec<Effect> {
    let fx = key(app, KeyCode::Enter);
    assert!(app.session().is_none(), "no guess before the chats answer");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::StoreSearch { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("Enter runs the due chat search at once");
    answer(app, Answer::StoreHits(id, Ok(Vec::new())))
}

#[test]
fn enter_on_a_query_that_matches_nothing_opens_it_as_an_id() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    common::chars(&mut app, "#482 999 001");
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("No session matches. Enter opens"),
        "{screen}"
    );
    let fx = enter_then_no_chat(&mut app);
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Fetch(Request::Session { session_id, .. }) if session_id == "482999001")));
    assert_eq!(app.session().map(|s| s.id.as_str()), Some("482999001"));
}

#[test]
fn a_session_that_fails_to_open_from_the_list_returns_there_saying_why() {
    let mut app = listed((100, 24), ok(week(), Vec::new()));
    common::chars(&mut app, "999");
    let fx = enter_then_no_chat(&mut app);
    let sid = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Session { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("session request");
    answer(
        &mut app,
        Answer::Session(
            sid,
            Err(ApiError::NotFound {
                endpoint: Endpoint::Session,
                id: "999".into(),
            }),
        ),
    );
    assert_eq!(list(&app).query(), "999", "the query is kept");
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("Session 999:") && screen.contains("not found"),
        "{screen}"
    );
}

fn transcript(n: usize) -> Transcript {
    let events: Vec<_> = (0..n)
        .map(|i| {
            json!({"timeStamp": format!("2026-11-19T14:{:02}:{:02}Z", i / 60 % 60, i % 60),
                   "participantName": "Morgan Lee",
                   "content": if i == 40 { "the VPN certificate expired".to_string() }
                              else { format!("message number {i}") }})
        })
        .collect();
    Transcript::from_value(json!({ "events": events })).expect("transcript")
}

fn session_ids(fx: &[Effect]) -> (RequestId, RequestId) {
    let mut s = None;
    let mut t = None;
    for e in fx {
        match e {
            Effect::Fetch(Request::Session { id, .. }) => s = Some(*id),
            Effect::Fetch(Request::Transcript { id, .. }) => t = Some(*id),
            _ => {}
        }
    }
    (s.expect("session"), t.expect("transcript"))
}

#[test]
fn history_goes_back_and_forth_keeping_each_screens_state() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    common::chars(&mut app, "morgan");
    let fx = key(&mut app, KeyCode::Enter);
    let (sid, tid) = session_ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(week()[0].clone())));
    answer(&mut app, Answer::Transcript(tid, Ok(transcript(200))));
    // Scrolled to the top, a search kept, the filter on customer lines.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    common::chars(&mut app, "number 1");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('f'));
    let view = |app: &App| {
        let s = app.session().expect("a session");
        (
            s.view.anchor,
            s.search.as_ref().map(|x| x.query().to_string()),
            s.view.filter(),
        )
    };
    let before = view(&app);
    // Back: the list with its query.
    alt(&mut app, KeyCode::Left);
    assert_eq!(list(&app).query(), "morgan");
    assert_eq!(list(&app).selected_row().map(|r| r.id()), Some("482913657"));
    // Forward: the session as it was, with nothing fetched anew (it had loaded).
    let fx = alt(&mut app, KeyCode::Right);
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::Fetch(Request::Session { .. }))));
    assert_eq!(view(&app), before);
    // `[` and `]` do the same in a session, for terminals that eat Alt.
    key(&mut app, KeyCode::Char('['));
    assert!(matches!(app.screen, Screen::List(_)));
    // Esc on the list after going back returns to the session it came from.
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.session().map(|s| s.id.as_str()), Some("482913657"));
    assert_eq!(view(&app), before);
    // `s` goes to the same list (the first Esc above cleared its query), rows kept.
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(list(&app).query(), "");
    assert_eq!(list(&app).rows().len(), 6);
}

#[test]
fn s_from_a_session_opened_by_id_shows_the_list_and_esc_returns() {
    let now = Instant::now();
    let mut app = common::app(Some("482913657"), None, (80, 24), now);
    let fx = start(&mut app, now);
    let (sid, _) = session_ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(week()[0].clone())));
    let fx = key(&mut app, KeyCode::Char('s'));
    let (id, _, _) = list_request(&fx);
    answer(&mut app, Answer::List(id, ok(week(), Vec::new())));
    assert_eq!(list(&app).rows().len(), 6);
    assert!(!key(&mut app, KeyCode::Esc).contains(&Effect::Quit));
    assert_eq!(app.session().map(|s| s.id.as_str()), Some("482913657"));
}

#[test]
fn a_background_sessions_answer_does_not_touch_the_list_or_it() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    let fx = key(&mut app, KeyCode::Enter);
    let (sid, tid) = session_ids(&fx);
    alt(&mut app, KeyCode::Left);
    // The session's answers arrive while the list is on screen: dropped.
    answer(&mut app, Answer::Session(sid, Ok(week()[1].clone())));
    answer(&mut app, Answer::Transcript(tid, Ok(transcript(3))));
    assert_eq!(list(&app).rows().len(), 6);
    // Back on it, it asks again for what it was waiting for.
    let fx = alt(&mut app, KeyCode::Right);
    let (sid2, _) = session_ids(&fx);
    assert_ne!(sid, sid2);
    assert!(app.session().is_some_and(|s| s.session.data.is_none()));
}

fn hits(id: &str, seq: u32) -> Vec<SessionHits> {
    vec![SessionHits {
        session_id: id.into(),
        session: Some(week()[0].clone()),
        rank: -1.0,
        hits: vec![Hit {
            seq,
            time: None,
            participant: Some("Morgan Lee".into()),
            role: Some("customer".into()),
            text: "the VPN certificate expired".into(),
            snippet: format!("the {SNIPPET_OPEN}VPN{SNIPPET_CLOSE} certificate expired"),
        }],
    }]
}

#[test]
fn the_chat_is_searched_after_a_pause_and_enter_opens_at_the_message() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    common::chars(&mut app, "vpn");
    // Typing is not a search per key: 150 ms after the last one.
    assert!(tick(&mut app, Duration::from_millis(50)).is_empty());
    let fx = tick(&mut app, Duration::from_millis(200));
    let id = fx
        .iter()
        .find_map(|e| match e {
            // The word being typed is a prefix.
            Effect::Fetch(Request::StoreSearch { id, query, .. }) if query == "vpn*" => Some(*id),
            _ => None,
        })
        .expect("a store search");
    answer(&mut app, Answer::StoreHits(id, Ok(hits("482913657", 40))));
    let screen = with_marks(&app);
    assert!(screen.contains("in the chat:"), "{screen}");
    assert!(screen.contains("the [VPN] certificate expired"), "{screen}");
    // The rows matched nothing, so the first hit is selected: Enter opens it.
    let fx = key(&mut app, KeyCode::Enter);
    let (sid, tid) = session_ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(week()[0].clone())));
    answer(&mut app, Answer::Transcript(tid, Ok(transcript(300))));
    let s = app.session().expect("the session");
    let search = s.search.as_ref().expect("the search is on");
    assert_eq!(search.query(), "vpn");
    assert_eq!(search.current_match().map(|m| m.entry), Some(40));
    assert!(
        !s.view.is_following(),
        "scrolled to the message, not the tail"
    );
}

#[test]
fn without_a_store_the_chat_section_stays_away_and_a_bad_query_says_why() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    common::chars(&mut app, "\"vpn");
    let fx = tick(&mut app, Duration::from_millis(200));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::StoreSearch { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a store search");
    answer(
        &mut app,
        Answer::StoreHits(
            id,
            Err(StoreSearchError::Query("a quote is not closed".into())),
        ),
    );
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("in the chat:") && screen.contains("a quote is not closed"),
        "{screen}"
    );
    common::chars(&mut app, "x");
    let fx = tick(&mut app, Duration::from_millis(200));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::StoreSearch { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a store search");
    answer(
        &mut app,
        Answer::StoreHits(id, Err(StoreSearchError::NoStore)),
    );
    let screen = common::screen(&common::draw(&app));
    assert!(!screen.contains("in the chat:"), "{screen}");
    // And it is not asked again.
    common::chars(&mut app, "y");
    let fx = tick(&mut app, Duration::from_millis(200));
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::Fetch(Request::StoreSearch { .. }))));
}

#[test]
fn the_help_overlay_lists_the_lists_keys() {
    let mut app = listed((100, 40), ok(week(), Vec::new()));
    key(&mut app, KeyCode::F(1));
    let screen = common::screen(&common::draw(&app));
    for b in app.keymap.bindings(g2a_tui::app::keymap::Mode::List) {
        assert!(
            screen.contains(&b.keys_label()),
            "help lists {:?}: {screen}",
            b.keys
        );
    }
    assert!(screen.contains("in the chat:"), "{screen}");
}

#[test]
fn no_color_still_reads() {
    let app = listed((80, 24), ok(week(), Vec::new()));
    let theme = Theme::default().without_colors();
    let term = common::draw_with(&app, &theme);
    let buf = term.backend().buffer();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            assert_eq!(buf[(x, y)].fg, Color::Reset);
            assert_eq!(buf[(x, y)].bg, Color::Reset);
        }
    }
    let screen = common::screen(&term);
    assert!(
        screen.contains("waiting") && screen.contains("abandoned"),
        "{screen}"
    );
}

#[test]
fn a_session_still_loading_is_kept_when_the_list_opens_over_it() {
    let now = Instant::now();
    let mut app = common::app(Some("482913657"), None, (80, 24), now);
    start(&mut app, now);
    key(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.screen, Screen::List(_)));
    // Back: the same session, asking again for what it waits for.
    let fx = alt(&mut app, KeyCode::Left);
    assert_eq!(app.session().map(|s| s.id.as_str()), Some("482913657"));
    session_ids(&fx);
    // Forward again: the list.
    alt(&mut app, KeyCode::Right);
    assert!(matches!(app.screen, Screen::List(_)));
}

#[test]
fn a_failed_refresh_keeps_the_last_good_list() {
    let mut app = listed((100, 20), ok(week(), Vec::new()));
    let fx = tick(&mut app, Duration::from_secs(11));
    let (id, _, _) = list_request(&fx);
    let failed = ListAnswer {
        api: Err(ApiError::Timeout {
            endpoint: Endpoint::SessionList,
            secs: 30,
        }),
        stored: Vec::new(),
    };
    answer(&mut app, Answer::List(id, failed));
    assert_eq!(list(&app).rows().len(), 6, "the rows stay");
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("showing the list from"), "{screen}");
    // Another week has no good answer to keep.
    let fx = ctrl(&mut app, KeyCode::Left);
    let (id, _, _) = list_request(&fx);
    let failed = ListAnswer {
        api: Err(ApiError::Timeout {
            endpoint: Endpoint::SessionList,
            secs: 30,
        }),
        stored: Vec::new(),
    };
    answer(&mut app, Answer::List(id, failed));
    assert!(list(&app).rows().is_empty());
}

/// On the light theme the selected row is white on blue in every cell, its own colours
/// (the gutter's key colour, the badge, a link) included: nothing pale on a bright bar.
#[test]
fn the_selected_row_reads_on_a_light_background() {
    use g2a_tui::ui::theme::ThemeName;
    let app = listed((100, 24), ok(week(), Vec::new()));
    let (theme, _) = Theme::build(ThemeName::Light, &[], false);
    let term = common::draw_with(&app, &theme);
    let screen = common::screen(&term);
    let y = screen
        .lines()
        .position(|l| l.trim_start_matches('│').starts_with("> ") && l.contains("4829"))
        .expect("a selected row") as u16;
    let buf = term.backend().buffer();
    let row: Vec<_> = (1..buf.area.width - 1).map(|x| &buf[(x, y)]).collect();
    assert!(row.iter().any(|c| c.symbol() != " "));
    for cell in row.iter().filter(|c| c.symbol() != " ") {
        assert_eq!(
            (cell.fg, cell.bg),
            (Color::White, Color::Blue),
            "{:?} on row {y}: {}",
            cell.symbol(),
            screen.lines().nth(y as usize).unwrap_or_default()
        );
    }
}

#[test]
fn offline_the_list_says_so_neutrally_and_does_not_refresh() {
    let offline = ListAnswer {
        api: Err(ApiError::Offline {
            endpoint: Endpoint::SessionList,
            id: String::new(),
        }),
        stored: week().into_iter().map(stored).collect(),
    };
    let mut app = listed((80, 24), offline);
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("offline · stored sessions"), "{screen}");
    assert!(!screen.contains("failed"), "{screen}");
    assert!(!screen.contains("retries"), "{screen}");
    assert!(!screen.contains("not available offline"), "{screen}");
    assert!(screen.contains("Priya Raman"), "{screen}");
    // The store does not change by itself: no periodic refresh.
    let fx = tick(&mut app, Duration::from_secs(30));
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Fetch(Request::List { .. }))),
        "{fx:?}"
    );
}

#[test]
fn a_stored_copy_of_an_active_session_is_not_shown_live() {
    use g2a_tui::api::worker::StoredAnswer;
    let now = Instant::now();
    let mut app = common::app(Some("482913700"), None, (100, 30), now);
    app.context.poll = Some(Duration::from_secs(5));
    let fx = start(&mut app, now);
    let (sid, tid) = session_ids(&fx);
    let fetched = common::wall() - TimeDelta::hours(3);
    answer(
        &mut app,
        Answer::Stored(sid, StoredAnswer::Session(week()[1].clone(), fetched)),
    );
    answer(
        &mut app,
        Answer::Stored(tid, StoredAnswer::Transcript(transcript(3), fetched)),
    );
    let screen = common::screen(&common::draw(&app));
    assert!(!screen.contains("LIVE"), "{screen}");
    assert!(!screen.contains("running for"), "{screen}");
    assert!(screen.contains("active when fetched at"), "{screen}");
    let s = app.session().expect("the session");
    assert!(!s.is_polling(), "a stored copy is not followed");
    let fx = tick(&mut app, Duration::from_secs(60));
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn a_chat_hit_names_who_said_the_line_not_the_customer() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    common::chars(&mut app, "vpn");
    let fx = tick(&mut app, Duration::from_millis(200));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::StoreSearch { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("a store search");
    let mut found = hits("482913657", 40);
    found[0].hits[0].participant = Some("Jonas \u{1b}[2JBerg".into());
    found[0].hits[0].role = Some("expert".into());
    answer(&mut app, Answer::StoreHits(id, Ok(found)));
    let screen = common::screen(&common::draw(&app));
    let line = screen
        .lines()
        .find(|l| l.contains("#482913657"))
        .expect("the hit");
    assert!(line.contains("Jonas"), "{line}");
    assert!(line.contains("Berg: the VPN certificate expired"), "{line}");
    assert!(!line.contains("Morgan Lee"), "{line}");
    assert!(!line.contains('\u{1b}'), "{line}");
}

#[test]
fn enter_before_the_chat_search_ran_acts_on_its_answer() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    common::chars(&mut app, "vpn");
    // Enter at once, before the 150 ms pause is over: the search runs now.
    let fx = key(&mut app, KeyCode::Enter);
    assert!(app.session().is_none(), "not opened as an id: {fx:?}");
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::StoreSearch { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("the chat search, at once");
    // Its hit is what Enter opens, at the message.
    answer(&mut app, Answer::StoreHits(id, Ok(hits("482913657", 40))));
    let s = app.session().expect("the hit opened");
    assert_eq!(s.id, "482913657");
    assert_eq!(s.search.as_ref().map(|x| x.query()), Some("vpn"));
}

#[test]
fn text_that_is_not_an_id_is_never_opened_as_one() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    common::chars(&mut app, "printer jam");
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("No session matches."), "{screen}");
    assert!(!screen.contains("as a session id"), "{screen}");
    let fx = enter_then_no_chat(&mut app);
    assert!(app.session().is_none(), "{fx:?}");
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("No session matches “printer jam”"),
        "{screen}"
    );
    // Ids that are not only digits exist; a word with a digit may be one.
    assert_eq!(
        g2a_tui::app::list::as_session_id("#SS-87555").as_deref(),
        Some("SS-87555")
    );
    assert_eq!(g2a_tui::app::list::as_session_id("printer"), None);
    assert_eq!(
        g2a_tui::app::list::as_session_id("/0x80070099"),
        None,
        "a chat search is no id"
    );
    assert_eq!(g2a_tui::app::list::as_session_id(&"1".repeat(65)), None);
}

#[test]
fn a_pasted_id_with_blanks_and_a_hash_matches_its_row() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    update(
        &mut app,
        Msg::Paste("#482 913 657".into()),
        Instant::now(),
        common::wall(),
    );
    let l = list(&app);
    assert_eq!(l.shown.len(), 1, "{:?}", l.shown);
    assert_eq!(l.selected_row().map(|r| r.id()), Some("482913657"));
}

#[test]
fn pasted_lines_and_tabs_part_words_in_the_query() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    update(
        &mut app,
        Msg::Paste("/print\u{1b}er\tspool\r\ner".into()),
        Instant::now(),
        common::wall(),
    );
    assert_eq!(list(&app).query(), "/printer spool  er");
}

/// The screen on display, as history walks it: a list's query or a session's id.
fn where_am_i(app: &App) -> String {
    match &app.screen {
        Screen::List(l) => format!("list:{}", l.query()),
        Screen::Session(s) => s.id.clone(),
        Screen::Prompt(_) => "prompt".into(),
    }
}

#[test]
fn history_walks_exactly_the_screens_visited() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    common::chars(&mut app, "morgan");
    key(&mut app, KeyCode::Enter);
    assert_eq!(where_am_i(&app), "482913657");
    // `s`: the list again as it was left, as a new screen.
    key(&mut app, KeyCode::Char('s'));
    assert_eq!(where_am_i(&app), "list:morgan");
    assert_eq!(list(&app).rows().len(), 6, "the rows come along");
    key(&mut app, KeyCode::Esc);
    common::chars(&mut app, "priya");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('s'));
    key(&mut app, KeyCode::Esc);
    common::chars(&mut app, "sven");
    key(&mut app, KeyCode::Enter);
    assert_eq!(where_am_i(&app), "482913730");
    let mut walked = Vec::new();
    for _ in 0..7 {
        alt(&mut app, KeyCode::Left);
        walked.push(where_am_i(&app));
    }
    assert_eq!(
        walked,
        [
            "list:sven",
            "482913700",
            "list:priya",
            "482913657",
            "list:morgan",
            "list:morgan",
            "list:morgan"
        ],
        "back to the very first list, and no further"
    );
    let mut walked = Vec::new();
    for _ in 0..6 {
        alt(&mut app, KeyCode::Right);
        walked.push(where_am_i(&app));
    }
    assert_eq!(
        walked,
        [
            "482913657",
            "list:priya",
            "482913700",
            "list:sven",
            "482913730",
            "482913730"
        ]
    );
}

#[test]
fn opening_the_session_on_screen_or_next_forward_adds_no_entry() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    let fx = key(&mut app, KeyCode::Enter);
    let (sid, _) = session_ids(&fx);
    let first = where_am_i(&app);
    answer(&mut app, Answer::Session(sid, Ok(week()[1].clone())));
    // Back, then Enter on the same row: forward to it, not a second copy.
    alt(&mut app, KeyCode::Left);
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(where_am_i(&app), first);
    assert!(
        !fx.iter()
            .any(|e| matches!(e, Effect::Fetch(Request::Session { .. }))),
        "{fx:?}"
    );
    assert_eq!((app.history.back.len(), app.history.forward.len()), (1, 0));
    // `:` and its own id: still the one session, nothing added.
    key(&mut app, KeyCode::Char(':'));
    common::chars(&mut app, &first);
    key(&mut app, KeyCode::Enter);
    assert_eq!(where_am_i(&app), first);
    assert_eq!((app.history.back.len(), app.history.forward.len()), (1, 0));
    alt(&mut app, KeyCode::Left);
    assert_eq!(where_am_i(&app), "list:");
    alt(&mut app, KeyCode::Left);
    assert_eq!(where_am_i(&app), "list:", "nothing behind the first list");
}

/// The screen's text inside the border, lines joined by a space (a wrapped sentence
/// reads whole again).
fn joined(screen: &str) -> String {
    screen
        .lines()
        .map(|l| l.trim_matches(|c: char| c == '│' || c.is_whitespace()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn an_error_and_what_to_do_are_read_whole_at_80_columns() {
    let mut app = listed((80, 24), ok(week(), Vec::new()));
    common::chars(&mut app, "999");
    let fx = enter_then_no_chat(&mut app);
    let (sid, _) = session_ids(&fx);
    answer(
        &mut app,
        Answer::Session(
            sid,
            Err(ApiError::NotFound {
                endpoint: Endpoint::Session,
                id: "999".into(),
            }),
        ),
    );
    let screen = common::screen(&common::draw(&app));
    assert!(
        joined(&screen).contains(
            "check the id; sessions are kept about 30 days after they end, and only for \
             accounts this user can see"
        ),
        "{screen}"
    );
    insta::assert_snapshot!(screen);

    let failed = ListAnswer {
        api: Err(ApiError::Connect {
            host: "api.getgo.com".into(),
            detail: "connection refused".into(),
        }),
        stored: week().into_iter().map(stored).collect(),
    };
    let app = listed((80, 24), failed);
    let screen = common::screen(&common::draw(&app));
    let hint = ApiError::Connect {
        host: "api.getgo.com".into(),
        detail: "connection refused".into(),
    }
    .hint()
    .unwrap_or_default();
    let text = joined(&screen);
    assert!(text.contains("Ctrl-r retries"), "{screen}");
    assert!(text.contains(&hint), "{hint}\n{screen}");
}

#[test]
fn without_colours_the_selected_rows_matches_still_show() {
    let mut app = listed((100, 24), ok(week(), Vec::new()));
    common::chars(&mut app, "morgan");
    let theme = Theme::default().without_colors();
    let term = common::draw_with(&app, &theme);
    let buf = term.backend().buffer();
    let y = (0..buf.area.height)
        .find(|&y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("> ")
                && (0..buf.area.width).any(|x| buf[(x, y)].symbol() == "M")
                && y > 2
        })
        .expect("the selected row");
    let styles: Vec<(String, Modifier)> = (0..buf.area.width)
        .map(|x| (buf[(x, y)].symbol().to_string(), buf[(x, y)].modifier))
        .collect();
    let matched = styles
        .iter()
        .filter(|(_, m)| m.contains(Modifier::UNDERLINED))
        .map(|(s, _)| s.as_str())
        .collect::<String>();
    assert_eq!(matched, "Morgan", "{styles:?}");
    // The rest of the row is the selection's reversed video alone.
    assert!(styles
        .iter()
        .filter(|(s, _)| s == "L")
        .all(|(_, m)| m.contains(Modifier::REVERSED) && !m.contains(Modifier::UNDERLINED)));
}

#[test]
fn the_hints_name_the_list_the_history_and_the_newer_week() {
    let mut app = listed((120, 30), ok(week(), Vec::new()));
    ctrl(&mut app, KeyCode::Left);
    assert_eq!(list(&app).weeks_back, 1);
    let screen = common::screen(&common::draw(&app));
    let status = screen.lines().last().unwrap_or_default().to_string();
    assert!(status.contains("Ctrl-Right newer"), "{status}");
    let fx = ctrl(&mut app, KeyCode::Right);
    let (id, _, _) = list_request(&fx);
    answer(&mut app, Answer::List(id, ok(week(), Vec::new())));
    key(&mut app, KeyCode::Enter);
    let screen = common::screen(&common::draw(&app));
    let status = screen.lines().last().unwrap_or_default().to_string();
    assert!(status.contains("s list"), "{status}");
    assert!(status.contains("[] history"), "{status}");
}

#[test]
fn no_column_titles_over_no_rows() {
    let mut app = listed((100, 30), ok(week(), Vec::new()));
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("customer"), "{screen}");
    common::chars(&mut app, "zzzqqq");
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("No session matches."), "{screen}");
    assert!(!screen.contains("customer"), "{screen}");
}

/// The list's call asked again: the title counts down until the answer (issue 10).
#[test]
fn a_retried_list_call_says_so_in_the_title() {
    use g2a_tui::api::retry::Retrying;
    let now = Instant::now();
    let mut app = common::app(None, None, (100, 20), now);
    let fx = start(&mut app, now);
    let (id, _, _) = list_request(&fx);
    let note = Retrying {
        endpoint: Endpoint::SessionList,
        attempt: 3,
        attempts: 4,
        wait: Duration::from_secs(2),
    };
    answer(&mut app, Answer::Retrying(RequestId(id.0 + 50), note));
    let screen = common::screen(&common::draw(&app));
    assert!(!screen.contains("retrying"), "a stale note: {screen}");
    answer(&mut app, Answer::Retrying(id, note));
    let screen = common::screen(&common::draw(&app));
    let title = screen.lines().next().unwrap_or_default();
    assert!(title.contains("retrying (3/4) in 2 s"), "{screen}");
    answer(&mut app, Answer::List(id, ok(week(), Vec::new())));
    let screen = common::screen(&common::draw(&app));
    assert!(!screen.contains("retrying"), "{screen}");
}

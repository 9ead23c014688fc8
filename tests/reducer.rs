//! The reducer on plain state: focus, scrolling bounds, stale answers dropped,
//! loading -> loaded -> failed with the last good data kept, the prompt, and the exit
//! status after a failed load. No terminal, no network.

mod common;

use std::time::{Duration, Instant};

use common::{key, press};
use crossterm::event::{KeyCode, KeyModifiers};
use g2a_tui::api::worker::{Answer, Request, RequestId};
use g2a_tui::api::{
    ApiError, Endpoint, ErrorClass, Event, Session, SystemLinks, Timestamp, Transcript,
};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Load, Pane, Screen, SessionScreen};

fn t0() -> Instant {
    Instant::now()
}

fn scr(app: &App) -> &SessionScreen {
    app.session().expect("a session screen")
}

fn app_at(size: (u16, u16)) -> (App, Vec<Effect>, Instant) {
    let now = t0();
    let mut app = common::app(Some("482913657"), Some("helpdesk.example"), size, now);
    let fx = start(&mut app, now);
    (app, fx, now)
}

fn answer(app: &mut App, a: Answer) {
    let now = app.now + Duration::from_millis(10);
    let wall = app.wall;
    update(app, Msg::Answer(a), now, wall);
}

fn ids(fx: &[Effect]) -> (RequestId, RequestId, RequestId) {
    let mut s = None;
    let mut t = None;
    let mut l = None;
    for e in fx {
        match e {
            Effect::Fetch(Request::Session { id, .. }) => s = Some(*id),
            Effect::Fetch(Request::Transcript { id, .. }) => t = Some(*id),
            Effect::Fetch(Request::Links { id, .. }) => l = Some(*id),
            _ => {}
        }
    }
    (
        s.expect("session"),
        t.expect("transcript"),
        l.expect("links"),
    )
}

fn events(n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| Event {
            time: Some(Timestamp::parse(&format!(
                "2026-11-20T14:{:02}:{:02}Z",
                i / 60 % 60,
                i % 60
            ))),
            participant: Some(
                if i % 2 == 0 {
                    "Dana Whitfield"
                } else {
                    "Morgan Lee"
                }
                .into(),
            ),
            content: format!("message number {i}"),
        })
        .collect()
}

fn transcript(n: usize) -> Transcript {
    Transcript {
        events: events(n),
        ..Default::default()
    }
}

fn session() -> Session {
    Session {
        session_id: Some("482913657".into()),
        expert_name: Some("Dana Whitfield".into()),
        ..Default::default()
    }
}

#[test]
fn start_fetches_all_three_concurrently_and_shows_loading() {
    let (app, fx, _) = app_at((120, 40));
    assert_eq!(fx.len(), 3);
    ids(&fx);
    assert!(
        scr(&app).session.is_loading()
            && scr(&app).transcript.is_loading()
            && scr(&app).links.is_loading()
    );
    assert_eq!(
        scr(&app).focus,
        Pane::Transcript,
        "the transcript has focus at start"
    );
}

#[test]
fn no_domain_means_no_links_request() {
    let now = t0();
    let mut app = common::app(Some("1"), None, (80, 24), now);
    let fx = start(&mut app, now);
    assert_eq!(fx.len(), 2);
    assert_eq!(scr(&app).links.load, Load::Idle);
}

#[test]
fn focus_cycles_and_jumps() {
    let (mut app, _, _) = app_at((120, 40));
    key(&mut app, KeyCode::Tab);
    assert_eq!(scr(&app).focus, Pane::Links);
    key(&mut app, KeyCode::Tab);
    assert_eq!(scr(&app).focus, Pane::Session);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(scr(&app).focus, Pane::Links);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(scr(&app).focus, Pane::Session);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(scr(&app).focus, Pane::Transcript);
}

#[test]
fn each_pane_fills_on_its_own_answer() {
    let (mut app, fx, _) = app_at((120, 40));
    let (s, t, _) = ids(&fx);
    answer(&mut app, Answer::Session(s, Ok(session())));
    assert!(matches!(scr(&app).session.load, Load::Loaded { .. }));
    assert!(
        scr(&app).transcript.is_loading(),
        "the transcript is still on its way"
    );
    answer(&mut app, Answer::Transcript(t, Ok(transcript(5))));
    assert_eq!(scr(&app).view.entries.len(), 5);
}

#[test]
fn stale_answers_are_dropped() {
    let (mut app, fx, _) = app_at((120, 40));
    let (s_old, t_old, _) = ids(&fx);
    let fx = key(&mut app, KeyCode::Char('r'));
    let (s_new, t_new, _) = ids(&fx);
    assert_ne!(s_old, s_new);
    answer(&mut app, Answer::Transcript(t_old, Ok(transcript(7))));
    assert!(
        scr(&app).view.entries.is_empty(),
        "an answer to an old request is ignored"
    );
    assert!(scr(&app).transcript.is_loading());
    answer(&mut app, Answer::Transcript(t_new, Ok(transcript(3))));
    assert_eq!(scr(&app).view.entries.len(), 3);
    // An answer that arrives twice is stale the second time.
    answer(&mut app, Answer::Transcript(t_new, Ok(transcript(9))));
    assert_eq!(scr(&app).view.entries.len(), 3);
    answer(&mut app, Answer::Session(s_old, Ok(session())));
    assert!(scr(&app).session.data.is_none());
}

#[test]
fn failure_keeps_last_good_data() {
    let (mut app, fx, _) = app_at((120, 40));
    let (s, t, l) = ids(&fx);
    answer(&mut app, Answer::Session(s, Ok(session())));
    answer(&mut app, Answer::Transcript(t, Ok(transcript(4))));
    answer(&mut app, Answer::Links(l, Ok(SystemLinks::default())));
    let fx = key(&mut app, KeyCode::Char('r'));
    let (s, t, _) = ids(&fx);
    answer(
        &mut app,
        Answer::Session(
            s,
            Err(ApiError::Server {
                endpoint: Endpoint::Session,
                status: 500,
                excerpt: String::new(),
            }),
        ),
    );
    answer(
        &mut app,
        Answer::Transcript(
            t,
            Err(ApiError::Timeout {
                endpoint: Endpoint::Transcript,
                secs: 30,
            }),
        ),
    );
    assert!(matches!(scr(&app).session.load, Load::Failed { .. }));
    assert_eq!(
        scr(&app)
            .session
            .data
            .as_ref()
            .and_then(|s| s.expert_name.as_deref()),
        Some("Dana Whitfield")
    );
    assert!(matches!(
        scr(&app).transcript.error(),
        Some(ApiError::Timeout { .. })
    ));
    assert_eq!(
        scr(&app).view.entries.len(),
        4,
        "the old transcript stays visible"
    );
}

#[test]
fn transcript_scrolling_is_bounded_and_g_follows() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(200))));
    assert!(scr(&app).view.is_following());
    key(&mut app, KeyCode::Char('k'));
    assert!(!scr(&app).view.is_following());
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(
        scr(&app).view.anchor.map(|a| (a.entry, a.row)),
        Some((0, 0))
    );
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::PageUp);
    assert_eq!(
        scr(&app).view.anchor.map(|a| (a.entry, a.row)),
        Some((0, 0)),
        "cannot scroll above the top"
    );
    press(&mut app, KeyCode::Char('d'), KeyModifiers::CONTROL);
    let a = scr(&app).view.anchor.expect("scrolled");
    assert!(a.entry > 0, "a page down moves a page");
    key(&mut app, KeyCode::Char('G'));
    assert!(scr(&app).view.is_following());
    key(&mut app, KeyCode::Char('j'));
    assert!(
        scr(&app).view.is_following(),
        "cannot scroll below the bottom"
    );
}

#[test]
fn session_scroll_is_clamped_to_content() {
    let (mut app, fx, _) = app_at((80, 24));
    let (s, _, _) = ids(&fx);
    let mut long = session();
    long.notes = Some(
        (0..40)
            .map(|i| format!("note line {i}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    answer(&mut app, Answer::Session(s, Ok(long)));
    key(&mut app, KeyCode::Char('1'));
    for _ in 0..500 {
        key(&mut app, KeyCode::Char('j'));
    }
    let max = scr(&app).session_scroll;
    assert!(
        max > 0 && max < 60,
        "scrolled to the end of the notes, not beyond: {max}"
    );
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(scr(&app).session_scroll, max);
    key(&mut app, KeyCode::Home);
    assert_eq!(scr(&app).session_scroll, 0);
}

#[test]
fn help_overlay_swallows_scroll_keys() {
    let (mut app, _, _) = app_at((120, 40));
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help.is_some());
    key(&mut app, KeyCode::Tab);
    assert_eq!(scr(&app).focus, Pane::Transcript);
    key(&mut app, KeyCode::Esc);
    assert!(app.help.is_none());
}

#[test]
fn quit_keys() {
    let (mut app, _, _) = app_at((120, 40));
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
    assert_eq!(
        app.failure(),
        None,
        "quitting a loading session is a success"
    );
    let (mut app, _, _) = app_at((120, 40));
    assert_eq!(
        press(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL),
        vec![Effect::Quit]
    );
    let (mut app, _, _) = app_at((120, 40));
    assert_eq!(
        press(&mut app, KeyCode::Char('z'), KeyModifiers::CONTROL),
        vec![Effect::Suspend]
    );
    let (mut app, _, _) = app_at((120, 40));
    assert_eq!(
        press(&mut app, KeyCode::Char('l'), KeyModifiers::CONTROL),
        vec![Effect::Redraw]
    );
}

fn prompt(app: &App) -> &g2a_tui::app::prompt::PromptScreen {
    match &app.screen {
        Screen::Prompt(p) => p,
        _ => panic!("expected the prompt"),
    }
}

#[test]
fn prompt_asks_for_an_id_then_fetches() {
    let (mut app, _, _) = app_at((80, 24));
    key(&mut app, KeyCode::Char(':'));
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(prompt(&app).error.is_some(), "an empty id is refused");
    common::chars(&mut app, "4829");
    key(&mut app, KeyCode::Backspace);
    // Editing in the middle: Home, then a character before the rest.
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(prompt(&app).value(), "1482");
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(scr(&app).id, "1482");
    assert!(fx.iter().any(|e| matches!(e,
        Effect::Fetch(Request::Session { session_id, .. }) if session_id == "1482")));
}

#[test]
fn colon_opens_the_prompt_prefilled_and_esc_goes_back() {
    let (mut app, _, _) = app_at((80, 24));
    key(&mut app, KeyCode::Char(':'));
    assert_eq!(prompt(&app).value(), "482913657");
    assert!(prompt(&app).back.is_some());
    // The pre-filled id is selected: typing replaces it (`q` types, it does not quit).
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    assert_eq!(prompt(&app).value(), "q");
    key(&mut app, KeyCode::Esc);
    // A cursor key keeps it and edits after it; Ctrl-w deletes a word.
    key(&mut app, KeyCode::Char(':'));
    key(&mut app, KeyCode::End);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(prompt(&app).value(), "4829136571");
    press(&mut app, KeyCode::Char('w'), KeyModifiers::CONTROL);
    assert_eq!(prompt(&app).value(), "");
    assert!(!key(&mut app, KeyCode::Esc).contains(&Effect::Quit));
    assert!(matches!(app.screen, Screen::Session(_)));
    assert_eq!(scr(&app).id, "482913657");
    // Started without a session (on the list), Esc has nothing to go back to: it quits.
    let mut app = common::app(None, None, (80, 24), t0());
    assert!(matches!(app.screen, Screen::List(_)));
    assert_eq!(key(&mut app, KeyCode::Esc), vec![Effect::Quit]);
}

#[test]
fn a_session_that_cannot_be_loaded_reopens_the_prompt_and_sets_the_exit_status() {
    let cases = [
        (
            ApiError::NotFound {
                endpoint: Endpoint::Session,
                id: "4829".into(),
            },
            ErrorClass::NotFound,
        ),
        (
            ApiError::Unauthorized {
                endpoint: Endpoint::Session,
            },
            ErrorClass::Auth,
        ),
        (
            ApiError::Timeout {
                endpoint: Endpoint::Session,
                secs: 30,
            },
            ErrorClass::Api,
        ),
    ];
    for (error, class) in cases {
        let (mut app, fx, _) = app_at((80, 24));
        let (sid, _, _) = ids(&fx);
        assert_eq!(app.failure(), None, "loading is not a failure");
        answer(&mut app, Answer::Session(sid, Err(error.clone())));
        let p = prompt(&app);
        assert_eq!(p.value(), "482913657", "pre-filled with the id that failed");
        assert!(p
            .error
            .as_deref()
            .is_some_and(|e| e.contains(&error.to_string())));
        assert_eq!(app.failure(), Some(class));
        // Esc goes back to the failed session; quitting there keeps the status.
        key(&mut app, KeyCode::Esc);
        assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
        assert_eq!(app.failure(), Some(class));
        // Another id that loads clears it.
        key(&mut app, KeyCode::Char(':'));
        let fx = key(&mut app, KeyCode::Enter);
        let (sid, _, _) = ids(&fx);
        answer(&mut app, Answer::Session(sid, Ok(session())));
        assert_eq!(app.failure(), None);
    }
}

#[test]
fn paging_and_following_agree_with_the_screen_while_an_error_banner_shows() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(200))));
    // A refresh fails: the old messages stay, under a one-line banner.
    let fx = key(&mut app, KeyCode::Char('r'));
    let (_, t, _) = ids(&fx);
    answer(
        &mut app,
        Answer::Transcript(
            t,
            Err(ApiError::Timeout {
                endpoint: Endpoint::Transcript,
                secs: 30,
            }),
        ),
    );
    let vp = app.viewport(scr(&app));
    assert_eq!(vp.banner, 1);
    let term = common::draw(&app);
    let screen = common::screen(&term);
    assert!(screen.contains("refresh failed"), "{screen}");
    // Following, the newest message is on the last row above the border.
    assert!(screen.contains("message number 199"), "{screen}");
    // Page up then page down returns to the very tail and follows again.
    key(&mut app, KeyCode::PageUp);
    assert!(!scr(&app).view.is_following());
    let screen = common::screen(&common::draw(&app));
    assert!(!screen.contains("message number 199"), "{screen}");
    key(&mut app, KeyCode::PageDown);
    assert!(
        scr(&app).view.is_following(),
        "one page down is the end again"
    );
    let screen = common::screen(&common::draw(&app));
    assert!(screen.contains("message number 199"), "{screen}");
    // Every row between the banner and the border is used: no row is lost to
    // a disagreement between the reducer and the renderer.
    let rows = scr(&app).view.visible(&vp).len();
    assert_eq!(rows, vp.rows(true));
    assert_eq!(rows, vp.inner - 1);
}

#[test]
fn idle_viewer_sleeps() {
    let (mut app, fx, _) = app_at((120, 40));
    assert!(
        app.next_wake().is_some(),
        "the spinner animates while loading"
    );
    let (s, t, l) = ids(&fx);
    answer(&mut app, Answer::Session(s, Ok(session())));
    answer(&mut app, Answer::Transcript(t, Ok(transcript(1))));
    answer(&mut app, Answer::Links(l, Ok(SystemLinks::default())));
    let wake = app.next_wake().expect("the 'updated Ns ago' label changes");
    assert!(wake >= app.now + Duration::from_millis(900));
    // After an hour the label changes once an hour: the loop sleeps that long.
    let later = app.now + Duration::from_secs(3700);
    let wall = app.wall;
    update(&mut app, Msg::Tick, later, wall);
    assert!(app.next_wake().expect("hourly") - later > Duration::from_secs(3000));
    // Keys that change nothing do not ask for a redraw.
    app.dirty = false;
    key(&mut app, KeyCode::Char('x'));
    assert!(!app.dirty);
}

#[test]
fn resize_changes_page_size() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(300))));
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::PageDown);
    let small = scr(&app).view.anchor.expect("anchored").entry;
    key(&mut app, KeyCode::Char('g'));
    let (now, wall) = (app.now, app.wall);
    update(&mut app, Msg::Resize(160, 48), now, wall);
    key(&mut app, KeyCode::PageDown);
    let big = scr(&app).view.anchor.expect("anchored").entry;
    assert!(
        big > small,
        "a bigger window pages further: {big} vs {small}"
    );
}

#[test]
fn mouse_wheel_scrolls_the_pane_under_it_and_click_focuses() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let (mut app, fx, _) = app_at((160, 48));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(200))));
    let panes = app.panes().expect("fits");
    let mouse = |kind, x, y| MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    };
    let (now, wall) = (app.now, app.wall);
    let inside = (panes.transcript.x + 5, panes.transcript.y + 5);
    update(
        &mut app,
        Msg::Mouse(mouse(MouseEventKind::ScrollUp, inside.0, inside.1)),
        now,
        wall,
    );
    assert!(
        !scr(&app).view.is_following(),
        "the wheel scrolled the transcript"
    );
    let session = (panes.session.x + 2, panes.session.y + 2);
    update(
        &mut app,
        Msg::Mouse(mouse(
            MouseEventKind::Down(MouseButton::Left),
            session.0,
            session.1,
        )),
        now,
        wall,
    );
    assert_eq!(scr(&app).focus, Pane::Session);
    app.dirty = false;
    update(
        &mut app,
        Msg::Mouse(mouse(MouseEventKind::Moved, session.0, session.1)),
        now,
        wall,
    );
    assert!(!app.dirty, "a plain move changes nothing");
}

#[test]
fn growing_the_window_while_scrolled_back_follows_again() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(40))));
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('k'));
    }
    assert!(!scr(&app).view.is_following());
    let (now, wall) = (app.now, app.wall);
    update(&mut app, Msg::Resize(160, 200), now, wall);
    assert!(
        scr(&app).view.is_following(),
        "everything fits: no half-empty scrolled-back view"
    );
}

#[test]
fn refresh_keeps_a_reader_who_scrolled_back() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(100))));
    key(&mut app, KeyCode::Char('g'));
    let fx = key(&mut app, KeyCode::Char('r'));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(103))));
    assert_eq!(
        scr(&app).view.anchor.map(|a| a.entry),
        Some(0),
        "still at the top"
    );
    assert_eq!(scr(&app).view.unseen, 3, "three new messages below");
}

#[test]
fn help_scrolls_only_when_it_does_not_fit() {
    let (mut app, _, _) = app_at((120, 50));
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.help.unwrap_or(0), 0, "everything fits at 120x50");
    let (mut app, _, _) = app_at((60, 12));
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.help.unwrap_or(0), 1);
    key(&mut app, KeyCode::End);
    let max = g2a_tui::app::help::max_scroll(&app);
    assert_eq!(app.help.unwrap_or(0), max);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.help.unwrap_or(0), max, "bounded");
    assert_eq!(
        scr(&app).focus,
        Pane::Transcript,
        "the panes underneath did not move"
    );
}

#[test]
fn focus_starts_on_the_first_pane_with_content() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(
        &mut app,
        Answer::Transcript(t, Ok(Transcript::none_for_session())),
    );
    assert_eq!(
        scr(&app).focus,
        Pane::Session,
        "nothing to read in the transcript"
    );
    // Once the reader picks a pane, a refresh does not move them.
    key(&mut app, KeyCode::Char('3'));
    let fx = key(&mut app, KeyCode::Char('r'));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(5))));
    assert_eq!(scr(&app).focus, Pane::Links);
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(5))));
    assert_eq!(scr(&app).focus, Pane::Transcript);
}

#[test]
fn a_huge_field_is_cut_with_a_count_of_what_is_left_out() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, _, _) = ids(&fx);
    let mut long = session();
    let notes = "Rebuilt the OST profile; repaired Office. ".repeat(250_000);
    let total = notes.chars().count();
    long.notes = Some(notes);
    answer(&mut app, Answer::Session(sid, Ok(long)));
    let width = app
        .panes()
        .map(|p| p.session.width as usize - 2)
        .expect("fits");
    let rows = app.session_rows(scr(&app), width);
    let text: Vec<String> = rows.iter().map(|r| r.text()).collect();
    let shown = g2a_tui::app::rows::FIELD_CHARS;
    let said = format!("… {} more characters", total - shown);
    assert!(
        text.iter().any(|r| r.contains(&said)),
        "{said} in {:?}",
        &text[text.len().saturating_sub(3)..]
    );
    assert!(rows.len() < 200, "{} rows", rows.len());
    // The data itself is kept whole (print and copying need it).
    let kept = scr(&app)
        .session
        .data
        .as_ref()
        .and_then(|s| s.notes.as_ref());
    assert_eq!(kept.map(|n| n.chars().count()), Some(total));
}

#[test]
fn a_mistyped_id_goes_back_to_the_session_that_worked() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, _, _) = ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(session())));
    key(&mut app, KeyCode::Char(':'));
    common::chars(&mut app, "999");
    let fx = key(&mut app, KeyCode::Enter);
    let (sid, _, _) = ids(&fx);
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
    // The prompt shows the id that failed, so a typo is one edit away ...
    assert_eq!(prompt(&app).value(), "999");
    // ... and Esc returns to the session that loaded, not to a dead end.
    key(&mut app, KeyCode::Esc);
    assert_eq!(scr(&app).id, "482913657");
    assert!(scr(&app).session.data.is_some());
    assert_eq!(app.failure(), None);
}

#[test]
fn the_session_pane_rows_are_built_once_per_width_and_data() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, _, _) = ids(&fx);
    let mut long = session();
    long.notes = Some("note ".repeat(2_000_000));
    answer(&mut app, Answer::Session(sid, Ok(long)));
    key(&mut app, KeyCode::Char('1'));
    let width = app
        .panes()
        .map(|p| p.session.width as usize - 2)
        .expect("fits");
    let first = app.session_rows(scr(&app), width);
    for _ in 0..5 {
        key(&mut app, KeyCode::Char('j'));
        common::draw(&app);
    }
    let later = app.session_rows(scr(&app), width);
    assert!(
        std::rc::Rc::ptr_eq(&first, &later),
        "keys and frames reuse the rows"
    );
    // New data builds them again.
    let fx = key(&mut app, KeyCode::Char('r'));
    let (sid, _, _) = ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(session())));
    assert!(!std::rc::Rc::ptr_eq(
        &first,
        &app.session_rows(scr(&app), width)
    ));
}

#[test]
fn going_back_to_a_session_whose_fetches_were_replaced_asks_again() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, _, _) = ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(session())));
    // The transcript is still on its way when another id is opened ...
    key(&mut app, KeyCode::Char(':'));
    common::chars(&mut app, "999");
    let fx = key(&mut app, KeyCode::Enter);
    let (sid, _, _) = ids(&fx);
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
    // ... so going back re-asks for it instead of spinning forever.
    let fx = key(&mut app, KeyCode::Esc);
    assert_eq!(scr(&app).id, "482913657");
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Fetch(Request::Transcript { .. }))));
}

#[test]
fn a_failure_while_the_prompt_is_open_is_said_there_and_keeps_the_way_back() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, t, _) = ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(session())));
    answer(&mut app, Answer::Transcript(t, Ok(transcript(3))));
    key(&mut app, KeyCode::Char(':'));
    common::chars(&mut app, "999");
    let fx = key(&mut app, KeyCode::Enter);
    let (sid, _, _) = ids(&fx);
    // The reader opens the prompt again before 999 answers.
    key(&mut app, KeyCode::Char(':'));
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
    assert!(prompt(&app)
        .error
        .as_deref()
        .is_some_and(|e| e.contains("not found")));
    key(&mut app, KeyCode::Esc);
    assert_eq!(scr(&app).id, "482913657", "back to the session that worked");
}

fn live_app(poll: Option<Duration>) -> (App, Vec<Effect>) {
    let now = t0();
    let mut app = common::app(Some("482913700"), None, (80, 24), now);
    app.context.poll = poll;
    let fx = start(&mut app, now);
    (app, fx)
}

fn active() -> Session {
    Session {
        session_id: Some("482913700".into()),
        status: Some(g2a_tui::api::Status::Active),
        expert_name: Some("Dana Whitfield".into()),
        customer_name: Some("Morgan Lee".into()),
        ..Default::default()
    }
}

fn tick_at(app: &mut App, at: Instant) -> Vec<Effect> {
    let wall = app.wall;
    update(app, Msg::Tick, at, wall)
}

fn fetch_ids(fx: &[Effect]) -> (Option<RequestId>, Option<RequestId>) {
    let (mut s, mut t) = (None, None);
    for e in fx {
        match e {
            Effect::Fetch(Request::Session { id, .. }) => s = Some(*id),
            Effect::Fetch(Request::Transcript { id, .. }) => t = Some(*id),
            _ => {}
        }
    }
    (s, t)
}

#[test]
fn a_live_session_is_polled_quietly_and_followed() {
    let every = Duration::from_secs(5);
    let (mut app, fx) = live_app(Some(every));
    let (s, t) = fetch_ids(&fx);
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(40))),
    );
    let due = scr(&app).poll.next.expect("scheduled");
    assert!(
        due >= app.now + every - Duration::from_millis(50),
        "after the interval"
    );
    assert!(
        app.next_wake().is_some_and(|w| w <= due),
        "the loop wakes for it"
    );
    // Not yet due: nothing is fetched.
    assert!(fetch_ids(&tick_at(&mut app, due - Duration::from_secs(1)))
        .0
        .is_none());
    // Due: a quiet fetch of the session and the transcript, no spinner.
    let fx = tick_at(&mut app, due);
    let (s, t) = fetch_ids(&fx);
    assert!(s.is_some() && t.is_some());
    assert!(scr(&app).transcript.is_loading() && scr(&app).transcript.quiet);
    assert!(!app.any_loading(), "a poll shows no spinner");
    // The reader at the bottom follows the new messages.
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(43))),
    );
    assert!(scr(&app).view.is_following());
    assert_eq!(scr(&app).view.entries.len(), 43);
    // A reader scrolled away keeps their place and is told what is new.
    key(&mut app, KeyCode::Char('g'));
    let due = scr(&app).poll.next.expect("scheduled again");
    let (s, t) = fetch_ids(&tick_at(&mut app, due));
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(45))),
    );
    assert_eq!(scr(&app).view.anchor.map(|a| a.entry), Some(0));
    assert_eq!(scr(&app).view.unseen, 2);
}

#[test]
fn polling_backs_off_on_failures_and_stops_when_the_session_ends() {
    let every = Duration::from_secs(5);
    let (mut app, fx) = live_app(Some(every));
    let (s, t) = fetch_ids(&fx);
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(3))),
    );
    let mut waits = Vec::new();
    for _ in 0..3 {
        let due = scr(&app).poll.next.expect("scheduled");
        let (s, t) = fetch_ids(&tick_at(&mut app, due));
        let down = || ApiError::Server {
            endpoint: Endpoint::Session,
            status: 503,
            excerpt: String::new(),
        };
        answer(&mut app, Answer::Session(s.expect("s"), Err(down())));
        answer(&mut app, Answer::Transcript(t.expect("t"), Err(down())));
        let next = scr(&app).poll.next.expect("still polling");
        waits.push((next - app.now).as_secs());
        // The data stays, and the pane says when it tries again.
        assert_eq!(scr(&app).view.entries.len(), 3);
        let screen = common::screen(&common::draw(&app));
        assert!(screen.contains("retrying in"), "{screen}");
    }
    assert_eq!(waits, vec![10, 20, 40], "doubling after each failure");
    // A stale answer to an old poll is dropped.
    let due = scr(&app).poll.next.expect("scheduled");
    let (s, t) = fetch_ids(&tick_at(&mut app, due));
    answer(
        &mut app,
        Answer::Transcript(RequestId(1), Ok(transcript(99))),
    );
    assert_eq!(scr(&app).view.entries.len(), 3);
    // The session completes: no more polls, and the back-off is forgotten.
    let mut done = active();
    done.status = Some(g2a_tui::api::Status::Complete);
    answer(&mut app, Answer::Session(s.expect("s"), Ok(done)));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(4))),
    );
    assert_eq!(scr(&app).poll.next, None);
    assert_eq!(scr(&app).poll.failures, 0);
}

#[test]
fn poll_zero_never_fetches_by_itself() {
    let (mut app, fx) = live_app(None);
    let (s, t) = fetch_ids(&fx);
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(3))),
    );
    assert_eq!(scr(&app).poll.next, None);
    let later = app.now + Duration::from_secs(3600);
    assert!(fetch_ids(&tick_at(&mut app, later)).0.is_none());
}

#[test]
fn zoom_gives_the_focused_pane_the_screen_and_back() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(200))));
    let before = app.panes().expect("fits").transcript.height;
    key(&mut app, KeyCode::Char('z'));
    let zoomed = app.panes().expect("fits");
    assert_eq!(zoomed.transcript.height, 23, "all but the status line");
    assert!(zoomed.transcript.height > before);
    // A page is a zoomed page.
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::PageDown);
    // 21 rows inside the border, one for the "scrolled back" bar, one of overlap: 19
    // rows, the first two of which are the date line and message 0.
    assert_eq!(scr(&app).view.anchor.map(|a| a.entry), Some(18));
    // Zoom follows focus; `z` again gives the panes back.
    key(&mut app, KeyCode::Char('1'));
    assert!(app.panes().expect("fits").session.height == 23);
    key(&mut app, KeyCode::Char('z'));
    assert_eq!(app.panes().expect("fits").transcript.height, before);
}

#[test]
fn less_keys_page_and_t_cycles_the_clock() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(200))));
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char(' '));
    let after_space = scr(&app).view.anchor;
    key(&mut app, KeyCode::Char('b'));
    assert_eq!(scr(&app).view.anchor.map(|a| a.entry), Some(0));
    press(&mut app, KeyCode::Char('f'), KeyModifiers::CONTROL);
    assert_eq!(
        scr(&app).view.anchor,
        after_space,
        "Ctrl-f pages like Space"
    );
    // Local -> UTC -> since start -> local.
    app.zone = g2a_tui::timefmt::Zone::Local;
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(
        (app.zone, app.since_start),
        (g2a_tui::timefmt::Zone::Utc, false)
    );
    key(&mut app, KeyCode::Char('t'));
    assert!(app.since_start);
    let screen = common::screen(&common::draw(&app));
    assert!(
        screen.contains("since start") && screen.contains("+"),
        "{screen}"
    );
    key(&mut app, KeyCode::Char('t'));
    assert_eq!(
        (app.zone, app.since_start),
        (g2a_tui::timefmt::Zone::Local, false)
    );
}

fn copied(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| match e {
        Effect::Copy(t) => Some(t.clone()),
        _ => None,
    })
}

#[test]
fn v_picks_a_message_that_y_copies_with_its_time_and_speaker() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, t, _) = ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(session())));
    answer(&mut app, Answer::Transcript(t, Ok(transcript(40))));
    key(&mut app, KeyCode::Char('v'));
    assert_eq!(scr(&app).cursor, Some(39), "the newest message in view");
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(scr(&app).cursor, Some(37));
    let fx = key(&mut app, KeyCode::Char('y'));
    assert_eq!(
        copied(&fx).as_deref(),
        Some("14:00:37 > Morgan Lee: message number 37")
    );
    let notice = app
        .notice
        .as_ref()
        .map(|(t, _)| t.clone())
        .unwrap_or_default();
    assert_eq!(notice, "Copied the message (40 characters)");
    // The cursor walks up past the top of the view, which follows it.
    for _ in 0..30 {
        key(&mut app, KeyCode::Char('k'));
    }
    assert_eq!(scr(&app).cursor, Some(7));
    let vp = app.viewport(scr(&app));
    assert!(scr(&app).view.visible(&vp).iter().any(|(i, _, _)| *i == 7));
    // Esc leaves the cursor; j scrolls again.
    key(&mut app, KeyCode::Esc);
    assert_eq!(scr(&app).cursor, None);
    // Y copies the whole transcript.
    let all = copied(&key(&mut app, KeyCode::Char('Y'))).expect("copied");
    assert_eq!(all.lines().count(), 40);
    assert!(
        all.starts_with("14:00:00 * Dana Whitfield: message number 0\n"),
        "{all}"
    );
}

/// The clipboard takes at most a megabyte: a larger transcript is refused at once
/// (not put together whole first) and the reader is pointed at the export.
#[test]
fn a_transcript_too_large_for_the_clipboard_points_to_the_export() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, t, _) = ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(session())));
    // About 45 bytes a line: 20,000 lines are over 768 KiB (a 1 MiB sequence in
    // base64), 16,000 under.
    answer(&mut app, Answer::Transcript(t, Ok(transcript(16_000))));
    let all = copied(&key(&mut app, KeyCode::Char('Y'))).expect("under the limit");
    assert_eq!(all.lines().count(), 16_000);
    // Counted in groups of three, as the messages are.
    let n = all.chars().count();
    let said = format!(
        "Copied the transcript ({},{:03} characters)",
        n / 1000,
        n % 1000
    );
    assert_eq!(
        app.notice.as_ref().map(|(t, _)| t.as_str()),
        Some(said.as_str())
    );
    assert!(
        all.len() <= 768 * 1024 && all.len() > 600 * 1024,
        "{}",
        all.len()
    );
    let sequence = g2a_tui::term::clipboard_sequence(&all, false);
    assert!(sequence.len() <= 1024 * 1024, "{}", sequence.len());
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(20_000))));
    assert_eq!(scr(&app).view.entries.len(), 20_000);
    assert_eq!(copied(&key(&mut app, KeyCode::Char('Y'))), None);
    let notice = app.notice.as_ref().map(|(t, _)| t.as_str());
    assert_eq!(notice, Some("Too big to copy (over 768 KB): e exports it"));
    // One message too big for the clipboard is refused as well.
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    let mut huge = transcript(1);
    huge.events[0].content = "word ".repeat(200_000);
    answer(&mut app, Answer::Transcript(t, Ok(huge)));
    assert_eq!(copied(&key(&mut app, KeyCode::Char('y'))), None);
    let notice = app.notice.as_ref().map(|(t, _)| t.as_str());
    assert_eq!(notice, Some("Too big to copy (over 768 KB)"));
}

#[test]
fn y_in_the_session_pane_copies_the_field_at_the_top() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, _, _) = ids(&fx);
    answer(&mut app, Answer::Session(sid, Ok(session())));
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(
        copied(&key(&mut app, KeyCode::Char('y'))).as_deref(),
        Some("482913657")
    );
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(
        copied(&key(&mut app, KeyCode::Char('y'))).as_deref(),
        Some("Dana Whitfield"),
        "the expert's row"
    );
}

/// The export's file, as the event loop writes it.
fn exported(fx: &[Effect]) -> Option<(String, String)> {
    fx.iter().find_map(|e| match e {
        Effect::Export { name, export } => {
            let mut out = Vec::new();
            export.write_to(&mut out).expect("written");
            Some((name.clone(), String::from_utf8(out).expect("text")))
        }
        _ => None,
    })
}

#[test]
fn e_exports_markdown_named_from_the_session() {
    let (mut app, fx, _) = app_at((80, 24));
    let (sid, t, lid) = ids(&fx);
    let mut s = session();
    s.started_at = Some(Timestamp::parse("2026-11-20T14:02:11Z"));
    s.ended_at = Some(Timestamp::parse("2026-11-21T09:00:00Z"));
    s.customer_joined_at = Some(Timestamp::parse("2026-11-20T14:03:00Z"));
    s.customer_name = Some("Morgan Lee".into());
    answer(&mut app, Answer::Session(sid, Ok(s.clone())));
    // Two days, a platform line, an unparsed time, markup and escapes to neutralise.
    let mut chat = transcript(3);
    chat.events.extend([
        Event {
            time: Some(Timestamp::parse("2026-11-21T08:00:00Z")),
            participant: Some("Dana Whitfield".into()),
            content: "Dana Whitfield joined the session".into(),
        },
        Event {
            time: Some(Timestamp::parse("yesterday")),
            participant: Some("Morgan Lee".into()),
            content: "# not a heading\n- [x](javascript:y) \u{1b}[31mred\u{7}".into(),
        },
        Event {
            time: Some(Timestamp::parse("2026-11-21T08:05:00Z")),
            participant: None,
            content: "**bold** `code`".into(),
        },
    ]);
    answer(&mut app, Answer::Transcript(t, Ok(chat.clone())));
    let links = SystemLinks::from_value(serde_json::json!([
        {"systemName": "Desk", "callbackURL": "https://desk.example/cb", "userToken": "secret-token"}
    ]))
    .expect("links");
    answer(&mut app, Answer::Links(lid, Ok(links.clone())));
    let (name, contents) = exported(&key(&mut app, KeyCode::Char('e'))).expect("an export");
    assert_eq!(name, "g2a-482913657-2026-11-20.md");
    // What `print --format markdown` writes of the same answers, byte for byte.
    let report = g2a_tui::print::Report {
        session: s,
        transcript: Ok(chat),
        links: g2a_tui::print::LinksOutcome::Loaded {
            domain: "helpdesk.example".into(),
            links,
        },
    };
    let opts = g2a_tui::print::PrintOptions {
        format: g2a_tui::print::Format::Markdown,
        zone: app.zone,
        reveal_secrets: false,
    };
    assert_eq!(contents, g2a_tui::print::render(&report, &opts, app.wall));
    assert!(contents.contains("message number 2"), "{contents}");
    assert!(contents.contains("## Metrics"), "{contents}");
    assert!(!contents.contains("secret-token"), "{contents}");
    // Written once; a second time it refuses to overwrite.
    let dir = std::env::temp_dir().join(format!("g2a-export-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let write = |text: &str| {
        let text = text.to_string();
        move |w: &mut dyn std::io::Write| w.write_all(text.as_bytes())
    };
    let first = g2a_tui::viewer::write_new(&dir, &name, write(&contents));
    assert!(
        first.as_deref().is_ok_and(|p| p.ends_with(&name)),
        "{first:?}"
    );
    let again = g2a_tui::viewer::write_new(&dir, &name, write("other"));
    assert!(
        again
            .as_deref()
            .is_err_and(|e| e.contains("not overwriting")),
        "{again:?}"
    );
    let kept = std::fs::read_to_string(dir.join(&name)).expect("read back");
    assert_eq!(kept, contents, "the first export is untouched");
    // A write that fails part-way leaves no file to pass for the whole transcript.
    let failing = g2a_tui::viewer::write_new(&dir, "cut.md", |w| {
        w.write_all(b"# Session")?;
        Err(std::io::Error::other("disk full"))
    });
    assert!(
        failing.as_deref().is_err_and(|e| e.contains("disk full")),
        "{failing:?}"
    );
    assert!(!dir.join("cut.md").exists());
    // Nor does a bug in the writing: the export says it failed.
    let panicked = g2a_tui::viewer::write_new(&dir, "bug.md", |_| panic!("a bug"));
    assert!(
        panicked
            .as_deref()
            .is_err_and(|e| e.contains("failed unexpectedly")),
        "{panicked:?}"
    );
    let left: Vec<String> = std::fs::read_dir(&dir)
        .expect("read dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .collect();
    assert_eq!(
        left,
        std::slice::from_ref(&name),
        "no temporary file left behind"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join(&name))
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "a customer's chat, for this user only");
    }
    let _ = std::fs::remove_dir_all(&dir);
    // One export at a time: a second `e` before the first is written says so.
    assert!(exported(&key(&mut app, KeyCode::Char('e'))).is_none());
    assert!(app
        .notice
        .as_ref()
        .is_some_and(|(t, _)| t.contains("Still writing the last export")));
    // The reducer says what happened (the file's name first: a narrow screen cuts the
    // end), and takes the next one.
    let (now, wall) = (app.now, app.wall);
    update(&mut app, Msg::Exported(first.clone()), now, wall);
    let said = format!("Exported to {name} in {}", dir.display());
    assert_eq!(
        app.notice.as_ref().map(|(t, _)| t.as_str()),
        Some(said.as_str())
    );
    app.exporting = true;
    update(&mut app, Msg::Exported(again), now, wall);
    assert!(app
        .notice
        .as_ref()
        .is_some_and(|(t, _)| t.contains("Not exported: not overwriting g2a-")));
    assert!(exported(&key(&mut app, KeyCode::Char('e'))).is_some());
}

#[test]
fn o_lists_the_web_links_and_opens_or_copies_the_picked_one() {
    let (mut app, fx, _) = app_at((120, 40));
    let (sid, _, lid) = ids(&fx);
    let mut s = session();
    s.customer_join_url = Some("https://remote.example/join/1".into());
    s.session_recording_url = Some("javascript:alert(1)".into());
    s.partner_object_url = Some("https://desk.example/t/9".into());
    answer(&mut app, Answer::Session(sid, Ok(s)));
    let links = SystemLinks::from_value(serde_json::json!([
        {"systemName": "Desk", "callbackURL": "https://desk.example/cb", "userToken": "t"}
    ]))
    .expect("links");
    answer(&mut app, Answer::Links(lid, Ok(links)));
    key(&mut app, KeyCode::Char('o'));
    let menu = app.links_menu.clone().expect("the chooser");
    let urls: Vec<&str> = menu.items.iter().map(|i| i.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://desk.example/t/9",
            "https://remote.example/join/1",
            "https://desk.example/cb"
        ],
        "http(s) only: the javascript: recording is not offered"
    );
    key(&mut app, KeyCode::Char('j'));
    let fx = key(&mut app, KeyCode::Enter);
    assert_eq!(
        fx,
        vec![Effect::Open("https://remote.example/join/1".into())]
    );
    // Where no browser can start, the chooser stays and says how to copy instead.
    let (now, wall) = (app.now, app.wall);
    update(
        &mut app,
        Msg::Opened(Err("No browser can be opened from here (no display)".into())),
        now,
        wall,
    );
    assert!(app.links_menu.is_some());
    assert!(app
        .notice
        .as_ref()
        .is_some_and(|(t, _)| t.contains("press y to copy")));
    let fx = key(&mut app, KeyCode::Char('y'));
    assert_eq!(
        fx,
        vec![Effect::Copy("https://remote.example/join/1".into())]
    );
    assert!(app.links_menu.is_none());
    // Esc closes it without doing anything.
    key(&mut app, KeyCode::Char('o'));
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(app.links_menu.is_none());
}

#[test]
fn a_click_on_a_message_picks_it_for_copying() {
    use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(40))));
    let tr = app.panes().expect("fits").transcript;
    let vp = app.viewport(scr(&app));
    let shown = scr(&app).view.visible(&vp);
    // The third row of messages.
    let (want, _, _) = shown[2];
    let (now, wall) = (app.now, app.wall);
    update(
        &mut app,
        Msg::Mouse(MouseEvent {
            kind: MouseEventKind::Down(MouseButton::Left),
            column: tr.x + 10,
            row: tr.y + 1 + 2,
            modifiers: KeyModifiers::NONE,
        }),
        now,
        wall,
    );
    assert_eq!(scr(&app).cursor, Some(want));
    let fx = key(&mut app, KeyCode::Char('y'));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Copy(t) if t.contains(&format!("message number {want}")))));
}

#[test]
fn the_cursor_steps_over_filtered_lines_and_stays_put_under_live_follow() {
    let every = Duration::from_secs(5);
    let (mut app, fx) = live_app(Some(every));
    let (s, t) = fetch_ids(&fx);
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(40))),
    );
    // Customer lines only (the odd messages are Morgan Lee's).
    key(&mut app, KeyCode::Char('f'));
    key(&mut app, KeyCode::Char('v'));
    let at = scr(&app).cursor.expect("picked");
    assert_eq!(at % 2, 1, "a shown (customer) line");
    key(&mut app, KeyCode::Char('k'));
    assert_eq!(
        scr(&app).cursor,
        Some(at - 2),
        "the hidden line between is skipped"
    );
    let fx = key(&mut app, KeyCode::Char('y'));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Copy(t) if t.contains("Morgan Lee"))));
    // A poll brings new messages: the picked one stays in view, the bar counts them.
    let due = scr(&app).poll.next.expect("scheduled");
    let (s, t) = fetch_ids(&tick_at(&mut app, due));
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(50))),
    );
    let vp = app.viewport(scr(&app));
    let cursor = scr(&app).cursor.expect("still picked");
    assert!(scr(&app)
        .view
        .visible(&vp)
        .iter()
        .any(|(i, _, _)| *i == cursor));
    assert!(!scr(&app).view.is_following());
    assert_eq!(scr(&app).view.unseen, 5, "the five new customer lines");
}

#[test]
fn a_poll_does_not_flash_a_kept_search_away() {
    let every = Duration::from_secs(5);
    let (mut app, fx) = live_app(Some(every));
    let (s, t) = fetch_ids(&fx);
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(40))),
    );
    key(&mut app, KeyCode::Char('/'));
    common::chars(&mut app, "number 3");
    key(&mut app, KeyCode::Enter);
    let before = common::screen(&common::draw(&app));
    assert!(before.contains("/number 3 "), "{before}");
    let due = scr(&app).poll.next.expect("scheduled");
    let (s, t) = fetch_ids(&tick_at(&mut app, due));
    answer(&mut app, Answer::Session(s.expect("s"), Ok(active())));
    answer(
        &mut app,
        Answer::Transcript(t.expect("t"), Ok(transcript(45))),
    );
    // The very next frame, before any tick: the count is there, not "searching".
    let after = common::screen(&common::draw(&app));
    let status = after.lines().last().unwrap_or_default().to_string();
    assert!(status.contains("/number 3 "), "{status}");
    assert!(!status.contains("searching"), "{status}");
}

/// A retry note lands on the pane whose request it is, counts down with the clock, and
/// is gone once the answer comes; one for a stale request is dropped (issue 10).
#[test]
fn a_retry_note_counts_down_on_its_pane_and_goes_with_the_answer() {
    use g2a_tui::api::retry::Retrying;
    let (mut app, fx, _) = app_at((100, 30));
    let (s, t, _) = ids(&fx);
    let note = |attempt| Retrying {
        endpoint: Endpoint::Transcript,
        attempt,
        attempts: 4,
        wait: Duration::from_secs(3),
    };
    answer(&mut app, Answer::Retrying(RequestId(t.0 + 100), note(2)));
    assert_eq!(scr(&app).transcript.retrying(), None, "a stale note");
    answer(&mut app, Answer::Retrying(t, note(2)));
    let now = app.now;
    let shown = scr(&app).transcript.retrying().map(|n| n.describe(now));
    assert_eq!(shown.as_deref(), Some("retrying (2/4) in 3 s"));
    assert_eq!(scr(&app).session.retrying(), None);
    let later = now + Duration::from_millis(1500);
    let shown = scr(&app).transcript.retrying().map(|n| n.describe(later));
    assert_eq!(shown.as_deref(), Some("retrying (2/4) in 2 s"));
    answer(
        &mut app,
        Answer::Transcript(t, Ok(Transcript::none_for_session())),
    );
    assert_eq!(scr(&app).transcript.retrying(), None);
    // The session's own request is told apart.
    answer(&mut app, Answer::Retrying(s, note(3)));
    let now = app.now;
    let shown = scr(&app).session.retrying().map(|n| n.describe(now));
    assert_eq!(shown.as_deref(), Some("retrying (3/4) in 3 s"));
}

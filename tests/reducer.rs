//! The reducer on plain state: focus, scrolling bounds, stale answers dropped, and
//! loading -> loaded -> failed with the last good data kept. No terminal, no network.

use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::worker::{Answer, Request, RequestId};
use g2a_tui::api::{ApiError, Endpoint, Event, Session, SystemLinks, Timestamp, Transcript};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Load, Pane};
use g2a_tui::timefmt::Zone;

fn t0() -> Instant {
    Instant::now()
}

fn app_at(size: (u16, u16)) -> (App, Vec<Effect>, Instant) {
    let now = t0();
    let wall = Utc
        .with_ymd_and_hms(2026, 11, 20, 15, 0, 0)
        .single()
        .expect("valid");
    let mut app = App::new(
        Some("482913657".into()),
        Some("helpdesk.example".into()),
        Zone::Utc,
        size,
        now,
        wall,
    );
    let fx = start(&mut app, now);
    (app, fx, now)
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press(app, code, KeyModifiers::NONE)
}

fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    let now = app.now;
    let wall = app.wall;
    update(app, Msg::Key(KeyEvent::new(code, mods)), now, wall)
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
    assert!(app.session.is_loading() && app.transcript.is_loading() && app.links.is_loading());
    assert_eq!(
        app.focus,
        Pane::Transcript,
        "the transcript has focus at start"
    );
}

#[test]
fn no_domain_means_no_links_request() {
    let now = t0();
    let mut app = App::new(Some("1".into()), None, Zone::Utc, (80, 24), now, Utc::now());
    let fx = start(&mut app, now);
    assert_eq!(fx.len(), 2);
    assert_eq!(app.links.load, Load::Idle);
}

#[test]
fn focus_cycles_and_jumps() {
    let (mut app, _, _) = app_at((120, 40));
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Links);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Session);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.focus, Pane::Links);
    key(&mut app, KeyCode::Char('1'));
    assert_eq!(app.focus, Pane::Session);
    key(&mut app, KeyCode::Char('2'));
    assert_eq!(app.focus, Pane::Transcript);
}

#[test]
fn each_pane_fills_on_its_own_answer() {
    let (mut app, fx, _) = app_at((120, 40));
    let (s, t, _) = ids(&fx);
    answer(&mut app, Answer::Session(s, Ok(session())));
    assert!(matches!(app.session.load, Load::Loaded { .. }));
    assert!(
        app.transcript.is_loading(),
        "the transcript is still on its way"
    );
    answer(&mut app, Answer::Transcript(t, Ok(transcript(5))));
    assert_eq!(app.view.entries.len(), 5);
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
        app.view.entries.is_empty(),
        "an answer to an old request is ignored"
    );
    assert!(app.transcript.is_loading());
    answer(&mut app, Answer::Transcript(t_new, Ok(transcript(3))));
    assert_eq!(app.view.entries.len(), 3);
    // An answer that arrives twice is stale the second time.
    answer(&mut app, Answer::Transcript(t_new, Ok(transcript(9))));
    assert_eq!(app.view.entries.len(), 3);
    answer(&mut app, Answer::Session(s_old, Ok(session())));
    assert!(app.session.data.is_none());
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
    assert!(matches!(app.session.load, Load::Failed { .. }));
    assert_eq!(
        app.session
            .data
            .as_ref()
            .and_then(|s| s.expert_name.as_deref()),
        Some("Dana Whitfield")
    );
    assert!(matches!(
        app.transcript.error(),
        Some(ApiError::Timeout { .. })
    ));
    assert_eq!(
        app.view.entries.len(),
        4,
        "the old transcript stays visible"
    );
}

#[test]
fn transcript_scrolling_is_bounded_and_g_follows() {
    let (mut app, fx, _) = app_at((80, 24));
    let (_, t, _) = ids(&fx);
    answer(&mut app, Answer::Transcript(t, Ok(transcript(200))));
    assert!(app.view.is_following());
    key(&mut app, KeyCode::Char('k'));
    assert!(!app.view.is_following());
    key(&mut app, KeyCode::Char('g'));
    assert_eq!(app.view.anchor.map(|a| (a.entry, a.row)), Some((0, 0)));
    key(&mut app, KeyCode::Char('k'));
    key(&mut app, KeyCode::PageUp);
    assert_eq!(
        app.view.anchor.map(|a| (a.entry, a.row)),
        Some((0, 0)),
        "cannot scroll above the top"
    );
    press(&mut app, KeyCode::Char('d'), KeyModifiers::CONTROL);
    let a = app.view.anchor.expect("scrolled");
    assert!(a.entry > 0, "a page down moves a page");
    key(&mut app, KeyCode::Char('G'));
    assert!(app.view.is_following());
    key(&mut app, KeyCode::Char('j'));
    assert!(app.view.is_following(), "cannot scroll below the bottom");
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
    let max = app.session_scroll;
    assert!(
        max > 0 && max < 60,
        "scrolled to the end of the notes, not beyond: {max}"
    );
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.session_scroll, max);
    key(&mut app, KeyCode::Home);
    assert_eq!(app.session_scroll, 0);
}

#[test]
fn help_overlay_swallows_scroll_keys() {
    let (mut app, _, _) = app_at((120, 40));
    key(&mut app, KeyCode::Char('?'));
    assert!(app.help);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Pane::Transcript);
    key(&mut app, KeyCode::Esc);
    assert!(!app.help);
}

#[test]
fn quit_keys() {
    let (mut app, _, _) = app_at((120, 40));
    assert_eq!(key(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);
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

#[test]
fn prompt_asks_for_an_id_then_fetches() {
    let now = t0();
    let mut app = App::new(None, None, Zone::Utc, (80, 24), now, Utc::now());
    assert!(start(&mut app, now).is_empty());
    assert!(app.prompt.is_some());
    assert!(key(&mut app, KeyCode::Enter).is_empty());
    assert!(app.prompt.as_ref().and_then(|p| p.error.as_ref()).is_some());
    for c in "4829".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    key(&mut app, KeyCode::Backspace);
    let fx = key(&mut app, KeyCode::Enter);
    assert!(app.prompt.is_none());
    assert_eq!(app.session_id.as_deref(), Some("482"));
    assert!(fx.contains(&Effect::Fetch(Request::Session {
        id: RequestId(1),
        session_id: "482".into()
    })));
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
    let small = app.view.anchor.expect("anchored").entry;
    key(&mut app, KeyCode::Char('g'));
    let (now, wall) = (app.now, app.wall);
    update(&mut app, Msg::Resize(160, 48), now, wall);
    key(&mut app, KeyCode::PageDown);
    let big = app.view.anchor.expect("anchored").entry;
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
    let panes =
        g2a_tui::ui::layout::panes(ratatui::layout::Rect::new(0, 0, 160, 48)).expect("fits");
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
        !app.view.is_following(),
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
    assert_eq!(app.focus, Pane::Session);
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
    assert!(!app.view.is_following());
    let (now, wall) = (app.now, app.wall);
    update(&mut app, Msg::Resize(160, 200), now, wall);
    assert!(
        app.view.is_following(),
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
        app.view.anchor.map(|a| a.entry),
        Some(0),
        "still at the top"
    );
    assert_eq!(app.view.unseen, 3, "three new messages below");
}

#[test]
fn help_scrolls_only_when_it_does_not_fit() {
    let (mut app, _, _) = app_at((120, 40));
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.help_scroll, 0, "everything fits at 120x40");
    let (mut app, _, _) = app_at((60, 12));
    key(&mut app, KeyCode::Char('?'));
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.help_scroll, 1);
    key(&mut app, KeyCode::End);
    let max = g2a_tui::ui::help::max_scroll(12);
    assert_eq!(app.help_scroll, max);
    key(&mut app, KeyCode::Char('j'));
    assert_eq!(app.help_scroll, max, "bounded");
    assert_eq!(
        app.focus,
        Pane::Transcript,
        "the panes underneath did not move"
    );
}

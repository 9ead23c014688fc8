//! Search (`/`, `n`, `N`) and the line filter (`f`) through the reducer, on plain
//! state: positions, wrap-around, smart case, speaker names, search with a filter,
//! Esc restoring the view, and an incremental search over 200,000 messages whose
//! every reducer call does a bounded amount of work.

mod common;

use std::time::{Duration, Instant};

use common::{chars, key, press};
use crossterm::event::{KeyCode, KeyModifiers};
use g2a_tui::api::worker::{Answer, Request};
use g2a_tui::api::{Event, Session, Timestamp, Transcript};
use g2a_tui::app::filter::Filter;
use g2a_tui::app::search::{Field, Match, Search, STEP_BYTES, STEP_ENTRIES};
use g2a_tui::app::transcript::Anchor;
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Pane, SessionScreen};

fn scr(app: &App) -> &SessionScreen {
    app.session().expect("a session screen")
}

fn search(app: &App) -> &Search {
    scr(app).search.as_ref().expect("a search")
}

fn ev(i: usize, who: &str, text: &str) -> Event {
    Event {
        time: Some(Timestamp::parse(&format!(
            "2026-11-20T14:{:02}:{:02}Z",
            i / 60 % 60,
            i % 60
        ))),
        participant: Some(who.into()),
        content: text.into(),
    }
}

fn session() -> Session {
    Session {
        session_id: Some("482913657".into()),
        expert_name: Some("Dana Whitfield".into()),
        customer_name: Some("Morgan Lee".into()),
        ..Default::default()
    }
}

/// An app at `size` with the session and `events` loaded.
fn loaded(size: (u16, u16), events: Vec<Event>) -> App {
    let now = Instant::now();
    let mut app = common::app(Some("482913657"), None, size, now);
    let fx = start(&mut app, now);
    let mut sid = None;
    let mut tid = None;
    for e in &fx {
        match e {
            Effect::Fetch(Request::Session { id, .. }) => sid = Some(*id),
            Effect::Fetch(Request::Transcript { id, .. }) => tid = Some(*id),
            _ => {}
        }
    }
    let (now, wall) = (app.now, app.wall);
    update(
        &mut app,
        Msg::Answer(Answer::Session(sid.expect("session"), Ok(session()))),
        now,
        wall,
    );
    update(
        &mut app,
        Msg::Answer(Answer::Transcript(
            tid.expect("transcript"),
            Ok(Transcript {
                events,
                ..Default::default()
            }),
        )),
        now,
        wall,
    );
    app
}

/// 100 messages, customer and expert taking turns; "printer" appears in messages 10,
/// 40 (twice, once as "Printer") and 70, "spooler" only in the customer's 41.
fn chat() -> Vec<Event> {
    (0..100)
        .map(|i| {
            let who = if i % 2 == 0 {
                "Dana Whitfield"
            } else {
                "Morgan Lee"
            };
            let text = match i {
                10 => "the printer is offline".to_string(),
                40 => "Printer again: the printer queue is stuck".to_string(),
                41 => "the spooler crashed".to_string(),
                70 => "printer fixed".to_string(),
                _ => format!("message number {i}"),
            };
            ev(i, who, &text)
        })
        .collect()
}

fn tick(app: &mut App) {
    let (now, wall) = (app.now, app.wall);
    update(app, Msg::Tick, now, wall);
}

/// The entries of the current match and the count the status line shows.
fn at(app: &App) -> (Option<usize>, String) {
    let s = scr(app);
    let search = search(app);
    (
        search.current_match().map(|m| m.entry),
        search.count_label(&s.view),
    )
}

fn screen(app: &App) -> String {
    common::screen(&common::draw(app))
}

#[test]
fn typing_finds_every_position_and_jumps_to_the_first_below_the_top() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    assert!(search(&app).editing);
    chars(&mut app, "printer");
    let s = search(&app);
    let found: Vec<(usize, Field, usize, usize)> = s
        .matches
        .iter()
        .map(|m| (m.entry, m.field, m.start, m.end))
        .collect();
    assert_eq!(
        found,
        vec![
            (10, Field::Text, 4, 11),
            (40, Field::Text, 0, 7),
            (40, Field::Text, 19, 26),
            (70, Field::Text, 0, 7),
        ],
        "every match, smart case ignoring case, in transcript order"
    );
    assert_eq!(at(&app), (Some(10), "1/4".to_string()));
    // The view moved to it: message 10 is on screen, highlighted.
    let shown = screen(&app);
    assert!(shown.contains("the printer is offline"), "{shown}");
    assert!(shown.contains("/printer"), "the search line: {shown}");
    assert!(shown.contains("1/4"), "{shown}");
    // Enter keeps the search: the line closes, n goes on.
    key(&mut app, KeyCode::Enter);
    assert!(!search(&app).editing);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(at(&app), (Some(40), "2/4".to_string()));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(at(&app).1, "3/4", "the second match in the same message");
    let shown = screen(&app);
    assert!(
        shown.contains("Printer again: the printer queue is stuck"),
        "{shown}"
    );
    assert!(
        shown.contains("/printer 3/4"),
        "the count in the status line"
    );
}

#[test]
fn n_and_shift_n_wrap_around() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "printer");
    key(&mut app, KeyCode::Enter);
    for _ in 0..3 {
        key(&mut app, KeyCode::Char('n'));
    }
    assert_eq!(at(&app), (Some(70), "4/4".to_string()));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(
        at(&app),
        (Some(10), "1/4 (wrapped)".to_string()),
        "past the last match, back to the first"
    );
    press(&mut app, KeyCode::Char('N'), KeyModifiers::SHIFT);
    assert_eq!(at(&app), (Some(70), "4/4 (wrapped)".to_string()));
    press(&mut app, KeyCode::Char('N'), KeyModifiers::SHIFT);
    assert_eq!(at(&app), (Some(40), "3/4".to_string()));
    assert!(screen(&app).contains("Printer again"));
}

#[test]
fn typing_from_the_tail_wraps_to_the_first_match() {
    let mut app = loaded((100, 30), chat());
    assert!(scr(&app).view.is_following());
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "spooler");
    // Nothing below the top of the tail view: round to message 41.
    assert_eq!(at(&app), (Some(41), "1/1 (wrapped)".to_string()));
    assert!(screen(&app).contains("the spooler crashed"));
}

#[test]
fn smart_case_matches_case_only_with_a_capital() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "Printer");
    let s = search(&app);
    assert!(s.case_sensitive());
    assert_eq!(
        s.matches,
        vec![Match {
            entry: 40,
            field: Field::Text,
            start: 0,
            end: 7
        }]
    );
    // Back to lower case (Ctrl-u clears the line): every case again.
    press(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    chars(&mut app, "printer");
    assert!(!search(&app).case_sensitive());
    assert_eq!(search(&app).matches.len(), 4);
}

#[test]
fn speaker_names_are_searched_too() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "morgan");
    let s = search(&app);
    assert_eq!(s.matches.len(), 50, "every customer message, by its name");
    assert!(s
        .matches
        .iter()
        .all(|m| m.field == Field::Who && m.start == 0 && m.end == 6));
}

#[test]
fn esc_drops_the_search_and_returns_the_view() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('g'));
    let before = scr(&app).view.anchor;
    assert_eq!(before, Some(Anchor { entry: 0, row: 0 }));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "printer fixed");
    assert_ne!(scr(&app).view.anchor, before, "the view went to message 70");
    // `q` and `n` type while the line is open; they do not quit or jump.
    assert!(key(&mut app, KeyCode::Char('q')).is_empty());
    assert_eq!(search(&app).query(), "printer fixedq");
    key(&mut app, KeyCode::Esc);
    assert!(scr(&app).search.is_none(), "highlights gone");
    assert_eq!(scr(&app).view.anchor, before, "back where it was before /");
    // From the tail, Esc follows the tail again.
    key(&mut app, KeyCode::Char('G'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "offline");
    assert!(!scr(&app).view.is_following());
    key(&mut app, KeyCode::Esc);
    assert!(scr(&app).view.is_following());
    // Backspace on an empty line closes it; Enter on an empty one keeps nothing.
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Backspace);
    assert!(scr(&app).search.is_none());
    key(&mut app, KeyCode::Char('/'));
    key(&mut app, KeyCode::Enter);
    assert!(scr(&app).search.is_none());
}

#[test]
fn a_query_with_no_match_leaves_the_view_where_the_search_began() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "printer fixed");
    assert_eq!(at(&app).0, Some(70));
    chars(&mut app, "zz");
    assert_eq!(at(&app), (None, "no match".to_string()));
    assert_eq!(
        scr(&app).view.anchor,
        Some(Anchor { entry: 0, row: 0 }),
        "no match: back to the start of the search"
    );
}

#[test]
fn esc_in_the_transcript_clears_a_kept_search_where_the_reader_is() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "printer fixed");
    key(&mut app, KeyCode::Enter);
    let at_match = scr(&app).view.anchor;
    key(&mut app, KeyCode::Esc);
    assert!(scr(&app).search.is_none());
    assert_eq!(scr(&app).view.anchor, at_match, "the view stays");
}

#[test]
fn the_filter_cycles_and_says_so_in_the_title() {
    let mut app = loaded((100, 30), chat());
    let filters = [
        (Filter::Customer, "customer only · 50 of 100 messages"),
        (Filter::Technicians, "technicians only · 50 of 100 messages"),
        (Filter::System, "system lines only · 0 of 100 messages"),
        (Filter::All, "· 100 messages"),
    ];
    for (filter, title) in filters {
        key(&mut app, KeyCode::Char('f'));
        assert_eq!(scr(&app).view.filter(), filter);
        let shown = screen(&app);
        assert!(shown.contains(title), "{filter:?}: {shown}");
        if filter == Filter::System {
            assert!(
                shown.contains("No system lines · f shows the others"),
                "{shown}"
            );
        }
    }
}

#[test]
fn a_filter_shows_only_its_lines_and_scrolls_within_them() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('f'));
    let vp = app.viewport(scr(&app));
    let rows = scr(&app).view.visible(&vp);
    assert!(!rows.is_empty());
    assert!(
        rows.iter().all(|(i, _, _)| i % 2 == 1),
        "only the customer's (odd) messages"
    );
    assert_eq!(rows.last().map(|r| r.0), Some(99), "following the tail");
    key(&mut app, KeyCode::Char('g'));
    let rows = scr(&app).view.visible(&app.viewport(scr(&app)));
    assert_eq!(
        rows.iter()
            .filter(|(_, _, r)| !matches!(r, g2a_tui::app::transcript::Row::Date(_)))
            .map(|r| r.0)
            .next(),
        Some(1)
    );
    // Paging down goes through the 50 customer rows to the tail.
    let page = app.viewport(scr(&app)).page();
    for _ in 0..50usize.div_ceil(page) {
        key(&mut app, KeyCode::PageDown);
    }
    assert!(scr(&app).view.is_following());
    // The scrollbar measures what the filter keeps: 50 messages and a date row.
    let (total, _, _) = scr(&app)
        .view
        .scroll_metrics(&app.viewport(scr(&app)))
        .expect("scrolls");
    assert_eq!(total, 51);
}

#[test]
fn search_and_filter_combine() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "printer");
    key(&mut app, KeyCode::Enter);
    assert_eq!(at(&app), (Some(10), "1/4".to_string()));
    // Customer only: messages 10, 40 and 70 are the expert's; 41 is the customer's.
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(
        at(&app),
        (None, "no match shown (4 hidden by the filter)".to_string())
    );
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(at(&app).0, None);
    // Technicians: all four show, and n steps through them.
    key(&mut app, KeyCode::Char('f'));
    assert_eq!(at(&app).1, "4 matches");
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(at(&app), (Some(10), "1/4".to_string()));
    // A query matching both speakers counts only what the filter shows, and n
    // skips the hidden lines.
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "the");
    key(&mut app, KeyCode::Enter);
    let s = search(&app);
    assert_eq!(s.matches.len(), 3, "in 10, 40 and the customer's 41");
    assert_eq!(s.hits.len(), 2);
    let mut seen = Vec::new();
    for _ in 0..4 {
        key(&mut app, KeyCode::Char('n'));
        seen.push(at(&app).0.expect("a match"));
    }
    assert!(
        !seen.contains(&41),
        "the customer's line is hidden: {seen:?}"
    );
    assert!(at(&app).1.ends_with("/2 (wrapped)"), "{}", at(&app).1);
}

#[test]
fn the_new_message_count_counts_only_what_the_filter_shows() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('f'));
    key(&mut app, KeyCode::Char('g'));
    let fx = key(&mut app, KeyCode::Char('r'));
    let t = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Transcript { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("transcript");
    let mut more = chat();
    more.push(ev(100, "Dana Whitfield", "one"));
    more.push(ev(101, "Morgan Lee", "two"));
    more.push(ev(102, "Dana Whitfield", "three"));
    let (now, wall) = (app.now, app.wall);
    update(
        &mut app,
        Msg::Answer(Answer::Transcript(
            t,
            Ok(Transcript {
                events: more,
                ..Default::default()
            }),
        )),
        now,
        wall,
    );
    assert_eq!(scr(&app).view.unseen, 1, "one new customer message");
    assert_eq!(scr(&app).view.filter(), Filter::Customer, "kept");
}

#[test]
fn a_refresh_searches_again_and_keeps_the_current_match() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "printer");
    key(&mut app, KeyCode::Enter);
    key(&mut app, KeyCode::Char('n'));
    assert_eq!(at(&app), (Some(40), "2/4".to_string()));
    let fx = key(&mut app, KeyCode::Char('r'));
    let t = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Transcript { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("transcript");
    let mut more = chat();
    more.push(ev(100, "Morgan Lee", "is the printer on fire?"));
    let (now, wall) = (app.now, app.wall);
    update(
        &mut app,
        Msg::Answer(Answer::Transcript(
            t,
            Ok(Transcript {
                events: more,
                ..Default::default()
            }),
        )),
        now,
        wall,
    );
    // The answer already ran one step of the search over the new entries (so a poll
    // never draws a frame without the highlights); the loop ticks until it is done.
    while !search(&app).is_complete(&scr(&app).view) {
        tick(&mut app);
    }
    tick(&mut app);
    assert_eq!(at(&app), (Some(40), "2/5".to_string()));
}

#[test]
fn slash_focuses_the_transcript() {
    let mut app = loaded((100, 30), chat());
    key(&mut app, KeyCode::Char('1'));
    key(&mut app, KeyCode::Char('/'));
    assert_eq!(scr(&app).focus, Pane::Transcript);
}

fn many(n: usize) -> Vec<Event> {
    (0..n)
        .map(|i| {
            let who = if i % 2 == 0 {
                "Dana Whitfield"
            } else {
                "Morgan Lee"
            };
            let text = if i == n - 1_000 {
                "the needle in the haystack".to_string()
            } else if i % 1_000 == 7 {
                format!("message {i}: restart the Print Spooler")
            } else {
                format!("message {i}: reinstalling the driver package")
            };
            ev(i, who, &text)
        })
        .collect()
}

#[test]
fn a_search_over_200k_messages_runs_in_bounded_steps_and_never_blocks() {
    const N: usize = 200_000;
    let mut app = loaded((120, 40), many(N));
    let longest = scr(&app)
        .view
        .entries
        .iter()
        .map(|e| e.who.len() + e.text.len())
        .max()
        .unwrap_or(0);
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "spooler");
    // The keystroke searched one step, no more, and the loop is asked to go on.
    let s = search(&app);
    assert_eq!(s.steps, 1, "one step per query change");
    assert!(s.scanned > 0 && s.scanned <= STEP_ENTRIES, "{}", s.scanned);
    assert!(!s.is_complete(&scr(&app).view));
    assert_eq!(app.next_wake(), Some(app.now), "tick again at once");
    // The first match is already current, and its count says more is coming.
    assert_eq!(at(&app).0, Some(7));
    assert!(at(&app).1.starts_with("1/"), "{}", at(&app).1);
    assert!(at(&app).1.contains('…'), "{}", at(&app).1);
    // Keys still work between steps: Enter closes the line mid-search.
    key(&mut app, KeyCode::Enter);
    let mut ticks = 0;
    let mut scanned = search(&app).scanned;
    while !search(&app).is_complete(&scr(&app).view) {
        tick(&mut app);
        ticks += 1;
        let s = search(&app);
        assert!(s.last_step.entries <= STEP_ENTRIES, "{:?}", s.last_step);
        assert!(
            s.last_step.bytes < STEP_BYTES + longest,
            "{:?}",
            s.last_step
        );
        assert_eq!(s.scanned - scanned, s.last_step.entries, "the cursor moves");
        scanned = s.scanned;
        assert!(ticks < N, "the search must end");
    }
    assert!(ticks >= N / STEP_ENTRIES, "{ticks} ticks for {N} messages");
    assert_eq!(search(&app).scanned, N);
    assert_eq!(at(&app).1, format!("1/{}", N / 1_000));
    // Done: the loop no longer ticks at once (only the "updated" label's timer).
    assert!(app
        .next_wake()
        .is_some_and(|w| w >= app.now + Duration::from_millis(500)));
}

#[test]
fn a_phrase_deep_in_a_long_transcript_is_jumped_to_when_the_scan_reaches_it() {
    const N: usize = 200_000;
    let mut app = loaded((120, 40), many(N));
    key(&mut app, KeyCode::Char('g'));
    key(&mut app, KeyCode::Char('/'));
    chars(&mut app, "needle");
    assert_eq!(at(&app).0, None, "not found yet");
    assert_eq!(
        scr(&app).view.anchor,
        Some(Anchor { entry: 0, row: 0 }),
        "the view waits at the start"
    );
    while !search(&app).is_complete(&scr(&app).view) {
        tick(&mut app);
    }
    assert_eq!(at(&app), (Some(N - 1_000), "1/1".to_string()));
    assert!(screen(&app).contains("the needle in the haystack"));
}

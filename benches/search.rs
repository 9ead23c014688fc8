//! Search over a million messages through the reducer, as the event loop drives it:
//! the query arrives (one bounded step runs at once), then ticks run one step each
//! until the scan is done. Measures the time to the first match, to the full count,
//! and the longest any one reducer call holds the loop (one step), plus a frame with
//! highlights in view.

use std::hint::black_box;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::worker::{Answer, Request};
use g2a_tui::api::{Event, Timestamp, Transcript};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Context};
use g2a_tui::timefmt::Zone;
use g2a_tui::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

const N: usize = 1_000_000;
/// The one message that mentions Kerberos.
const DEEP: usize = 900_000;

fn events(n: usize) -> Vec<Event> {
    let base = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("valid");
    (0..n)
        .map(|i| {
            let content = if i == DEEP {
                format!("message {i}: the Kerberos ticket expired overnight")
            } else if i % 100 == 50 {
                format!("message {i}: the firewall blocks the print server again")
            } else {
                format!(
                    "message {i}: the printer spooler stopped again after the driver update, \
                     so we are reinstalling the package and clearing the queue"
                )
            };
            Event {
                time: Some(Timestamp {
                    raw: Default::default(),
                    at: Some(base + chrono::Duration::seconds(i as i64)),
                }),
                participant: Some(
                    if i % 3 == 0 {
                        "Morgan Lee"
                    } else {
                        "Dana Whitfield"
                    }
                    .into(),
                ),
                content,
            }
        })
        .collect()
}

fn loaded(n: usize) -> App {
    let now = Instant::now();
    let mut app = App::new(
        Some("1".into()),
        Context::default(),
        Zone::Utc,
        (160, 48),
        now,
        Utc::now(),
    );
    let fx = start(&mut app, now);
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Transcript { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("transcript request");
    let t = Transcript {
        events: events(n),
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Answer(Answer::Transcript(id, Ok(t))),
        now,
        Utc::now(),
    );
    app
}

fn send(app: &mut App, msg: Msg) {
    let (now, wall) = (app.now, app.wall);
    update(app, msg, now, wall);
}

fn key(app: &mut App, code: KeyCode) {
    send(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn search(app: &App) -> &g2a_tui::app::search::Search {
    app.session()
        .and_then(|s| s.search.as_ref())
        .expect("a search")
}

fn complete(app: &App) -> bool {
    app.session()
        .is_some_and(|s| !g2a_tui::app::search::is_running(s))
}

/// Opens the search line from the top of the transcript and types `query` at once
/// (a paste: one query change, one step).
fn type_query(app: &mut App, query: &str) {
    key(app, KeyCode::Esc);
    key(app, KeyCode::Home);
    key(app, KeyCode::Char('/'));
    send(app, Msg::Paste(query.to_string()));
}

/// Ticks until `done`; returns the ticks it took.
fn tick_until(app: &mut App, done: impl Fn(&App) -> bool) -> usize {
    let mut ticks = 0;
    while !done(app) {
        send(app, Msg::Tick);
        ticks += 1;
    }
    ticks
}

fn bench(c: &mut Criterion) {
    let mut app = loaded(N);
    let mut group = c.benchmark_group("search_1e6");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    // 10,000 matches, the first in message 50: found by the keystroke's own step.
    group.bench_function("first_match_common", |b| {
        b.iter(|| {
            type_query(&mut app, black_box("firewall"));
            tick_until(&mut app, |a| search(a).current.is_some())
        })
    });
    group.bench_function("full_count_common", |b| {
        b.iter(|| {
            type_query(&mut app, black_box("firewall"));
            tick_until(&mut app, complete)
        })
    });
    // One match, 900,000 messages down, case-sensitive (a capital letter).
    group.bench_function("first_match_deep", |b| {
        b.iter(|| {
            type_query(&mut app, black_box("Kerberos"));
            tick_until(&mut app, |a| search(a).current.is_some())
        })
    });
    // A word in every message: a million matches kept.
    group.bench_function("full_count_every_message", |b| {
        b.iter(|| {
            type_query(&mut app, black_box("spooler"));
            tick_until(&mut app, complete)
        })
    });
    // The longest the loop waits for the search between two keys: one step.
    group.bench_function("one_step", |b| {
        b.iter_custom(|iters| {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                type_query(&mut app, "firewall");
                let t = Instant::now();
                send(&mut app, Msg::Tick);
                spent += t.elapsed();
            }
            spent
        })
    });
    group.finish();

    // A frame with highlights in view, after the count is complete.
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("backend");
    type_query(&mut app, "printer");
    tick_until(&mut app, complete);
    key(&mut app, KeyCode::Enter);
    c.bench_function("search_1e6/frame_with_highlights", |b| {
        b.iter(|| {
            term.draw(|f| g2a_tui::ui::render(f, black_box(&app), &theme))
                .expect("draw");
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);

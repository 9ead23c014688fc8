//! The session list with 10,000 sessions, through the reducer as the event loop drives
//! it: one key press in the query line filters every row again (issue 8's target:
//! <= 16 ms per key press), and a frame draws the rows in view with their highlights.

use std::cell::Cell;
use std::hint::black_box;
use std::time::Instant;

use chrono::{TimeDelta, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::worker::{Answer, ListAnswer, Request};
use g2a_tui::api::{Session, SessionList};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Context};
use g2a_tui::timefmt::Zone;
use g2a_tui::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;

const N: usize = 10_000;

const FIRST: [&str; 12] = [
    "Morgan", "Priya", "Sven", "Grace", "Tomás", "Olu", "Ingrid", "Ravi", "Dana", "Mei", "Jonas",
    "Aisha",
];
const LAST: [&str; 12] = [
    "Lee",
    "Raman",
    "Lindqvist",
    "Okafor",
    "Alvarez",
    "Adeyemi",
    "Berg",
    "Patel",
    "Whitfield",
    "Chen",
    "Keller",
    "Haddad",
];
const STATUS: [&str; 5] = ["complete", "complete", "abandoned", "active", "waiting"];

fn sessions(now: chrono::DateTime<Utc>) -> Vec<Session> {
    (0..N)
        .map(|i| {
            let customer = format!("{} {}", FIRST[i % 12], LAST[(i / 12) % 12]);
            let expert = format!("{} {}", FIRST[(i / 7) % 12], LAST[(i / 3) % 12]);
            let start = now - TimeDelta::seconds((i as i64) * 60);
            Session::from_value(json!({
                "sessionId": format!("{}", 482_000_000 + i),
                "status": STATUS[i % 5],
                "customerName": customer,
                "customerEmail": format!("{}.{}@example.com", FIRST[i % 12], i),
                "expertName": expert,
                "expertEmail": format!("tech{}@helpdesk.example", i % 40),
                "partnerObject": format!("INC-{:06}", i * 7),
                "startedAt": start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
            }))
            .expect("session")
        })
        .collect()
}

fn listed() -> App {
    let wall = Utc
        .with_ymd_and_hms(2026, 11, 20, 15, 0, 0)
        .single()
        .expect("valid");
    let now = Instant::now();
    let mut app = App::new(None, Context::default(), Zone::Utc, (120, 40), now, wall);
    let fx = start(&mut app, now);
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::List { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("list request");
    let sessions = sessions(wall);
    let answer = ListAnswer {
        api: Ok(SessionList {
            total: Some(sessions.len() as u64),
            sessions,
        }),
        stored: Vec::new(),
    };
    update(&mut app, Msg::Answer(Answer::List(id, answer)), now, wall);
    app
}

fn key(app: &mut App, code: KeyCode) {
    let (now, wall) = (app.now, app.wall);
    black_box(update(
        app,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        now,
        wall,
    ));
}

fn bench(c: &mut Criterion) {
    let mut app = listed();
    let mut group = c.benchmark_group("list of 10,000 sessions");
    // From an empty query, the first letter: every row is matched.
    let typed = Cell::new(false);
    group.bench_function("key press (first letter, every row scored)", |b| {
        b.iter(|| {
            let code = if typed.get() {
                KeyCode::Backspace
            } else {
                KeyCode::Char('m')
            };
            typed.set(!typed.get());
            key(&mut app, code);
        })
    });
    if typed.get() {
        key(&mut app, KeyCode::Backspace);
    }
    // A name being typed: "mor" then one more letter, and back.
    for c in "mor".chars() {
        key(&mut app, KeyCode::Char(c));
    }
    group.bench_function("key press (fourth letter of a name)", |b| {
        b.iter(|| {
            let code = if typed.get() {
                KeyCode::Backspace
            } else {
                KeyCode::Char('g')
            };
            typed.set(!typed.get());
            key(&mut app, code);
        })
    });
    if typed.get() {
        key(&mut app, KeyCode::Backspace);
    }
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(120, 40)).expect("backend");
    group.bench_function("frame at 120x40 with highlights", |b| {
        b.iter(|| {
            term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                .expect("draw");
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

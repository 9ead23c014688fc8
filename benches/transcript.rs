//! How the transcript pane scales: a frame, a page scroll and a jump to the end with
//! a million messages loaded, against the same with a thousand. The per-frame cost
//! must not grow with the history (only the rows in view are built).

use std::hint::black_box;
use std::time::Instant;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::worker::{Answer, Request};
use g2a_tui::api::{Event, Session, Status, Timestamp, Transcript};
use g2a_tui::app::transcript::Anchor;
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Context};
use g2a_tui::timefmt::Zone;
use g2a_tui::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn events(n: usize) -> Vec<Event> {
    let base = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .expect("valid");
    (0..n)
        .map(|i| Event {
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
            content: format!(
                "message {i}: the printer spooler stopped again after the driver update, \
                 so we are reinstalling the package and clearing the queue"
            ),
        })
        .collect()
}

fn loaded(n: usize) -> App {
    loaded_with(events(n), (160, 48))
}

/// An app on session "1" at `size` with `events` as its transcript, following the newest.
fn loaded_with(events: Vec<Event>, size: (u16, u16)) -> App {
    let now = Instant::now();
    let mut app = App::new(
        Some("1".into()),
        Context::default(),
        Zone::Utc,
        size,
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
        events,
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

fn key(app: &mut App, code: KeyCode) {
    let (now, wall) = (app.now, app.wall);
    update(
        app,
        Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)),
        now,
        wall,
    );
}

fn bench(c: &mut Criterion) {
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("backend");
    for n in [1_000usize, 1_000_000] {
        let mut app = loaded(n);
        c.bench_function(&format!("frame_tail_{n}"), |b| {
            b.iter(|| {
                term.draw(|f| g2a_tui::ui::render(f, black_box(&app), &theme))
                    .expect("draw");
            })
        });
        key(&mut app, KeyCode::Home);
        c.bench_function(&format!("page_down_and_frame_{n}"), |b| {
            b.iter(|| {
                key(&mut app, KeyCode::PageDown);
                term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                    .expect("draw");
            })
        });
        c.bench_function(&format!("resize_and_frame_{n}"), |b| {
            let mut wide = false;
            b.iter(|| {
                wide = !wide;
                let size = if wide { (160, 48) } else { (120, 40) };
                let (now, wall) = (app.now, app.wall);
                update(&mut app, Msg::Resize(size.0, size.1), now, wall);
                term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                    .expect("draw");
            })
        });
        // Sanitising and classifying every message on arrival is the one O(n) step.
        let load_n = n.min(100_000);
        c.bench_function(&format!("load_{load_n}"), |b| {
            b.iter_batched(
                || events(load_n),
                |ev| {
                    let mut view = g2a_tui::app::transcript::TranscriptView::default();
                    view.set_events(&ev, Zone::Utc, None);
                    view
                },
                BatchSize::LargeInput,
            )
        });
    }
}

/// An active session (its clock ticks every second) with `notes` bytes of notes.
fn with_notes(bytes: usize) -> App {
    live(300, bytes)
}

/// An active session with `n` messages and `notes` bytes of notes, the session pane
/// focused.
fn live(n: usize, bytes: usize) -> App {
    let mut app = loaded(n);
    let now = app.now;
    let fx = update(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)),
        now,
        Utc::now(),
    );
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::Session { id, .. }) => Some(*id),
            _ => None,
        })
        .expect("session request");
    let session = Session {
        status: Some(Status::Active),
        started_at: Some(Timestamp::parse("2026-11-20T14:00:00Z")),
        expert_name: Some("Dana Whitfield".into()),
        customer_name: Some("Morgan Lee".into()),
        customer_joined_at: Some(Timestamp::parse("2026-11-20T14:01:00Z")),
        notes: Some("Rebuilt the OST profile; repaired Office. ".repeat(bytes / 42 + 1)),
        ..Default::default()
    };
    update(
        &mut app,
        Msg::Answer(Answer::Session(id, Ok(session))),
        now,
        Utc::now(),
    );
    key(&mut app, KeyCode::Char('1'));
    app
}

/// Issue 6: a 10 MiB notes field must not make a key press cost more than a short one
/// (the session pane's rows are built once per width and data change, and a field
/// longer than a few screens is cut).
fn notes(c: &mut Criterion) {
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("backend");
    for (name, bytes) in [("2KiB", 2048usize), ("10MiB", 10 * 1024 * 1024)] {
        let mut app = with_notes(bytes);
        c.bench_function(&format!("notes_{name}_key_and_frame"), |b| {
            let mut down = false;
            b.iter(|| {
                down = !down;
                key(
                    &mut app,
                    if down {
                        KeyCode::Char('j')
                    } else {
                        KeyCode::Char('k')
                    },
                );
                term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                    .expect("draw");
            })
        });
        // The running clock of an active session changes the pane once a second.
        c.bench_function(&format!("notes_{name}_clock_tick_and_frame"), |b| {
            let mut secs = 0;
            b.iter(|| {
                secs += 1;
                let wall = app.wall + chrono::TimeDelta::seconds(1);
                let now = app.now;
                update(&mut app, Msg::Tick, now, wall);
                term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                    .expect("draw");
            })
        });
    }
}

/// Issue 7: the session pane's metrics read the whole transcript when its rows are
/// rebuilt (on an answer, and once a second while a session is live).
/// One message of a single unbroken word (a pasted blob, a hostile server): wrapping
/// it measured the rest of the word on every row, minutes for 5 MB.
fn long_word(c: &mut Criterion) {
    for mb in [1usize, 5] {
        let word = "B".repeat(mb << 20);
        c.bench_function(&format!("wrap_word_of_{mb}_mib"), |b| {
            b.iter(|| g2a_tui::app::wrap::wrap(black_box(&word), 80, 100).len())
        });
    }
    // One line of a megabyte of short words, with and without Chinese in it: looking
    // for ideographs once per word over the rest of the line made this quadratic
    // (36 s for 1 MB of "word ").
    let words = "word ".repeat(1 << 18);
    let mixed = "word 网络无法连接，请检查。 ".repeat(1 << 15);
    for (name, line) in [
        ("wrap_line_of_1_mib_words", &words),
        ("wrap_line_of_1_mib_mixed", &mixed),
    ] {
        c.bench_function(name, |b| {
            b.iter(|| g2a_tui::app::wrap::wrap(black_box(line), 80, 100).len())
        });
    }
}

fn metrics(c: &mut Criterion) {
    use g2a_tui::present::metrics::ChatStats;
    let session = Session {
        status: Some(Status::Active),
        expert_name: Some("Dana Whitfield".into()),
        customer_name: Some("Morgan Lee".into()),
        ..Default::default()
    };
    let n = 1_000_000;
    let mut msgs = g2a_tui::present::messages(&events(n), Zone::Utc, Some(&session));
    c.bench_function(&format!("metrics_in_order_{n}"), |b| {
        b.iter(|| ChatStats::of(Some(&session), black_box(&msgs)))
    });
    // Out of order: the timeline is collected and sorted first.
    msgs.swap(0, n - 1);
    c.bench_function(&format!("metrics_out_of_order_{n}"), |b| {
        b.iter(|| ChatStats::of(Some(&session), black_box(&msgs)))
    });
    // The session pane of a live session is rebuilt every second, metrics included;
    // the O(n) half is kept from the transcript's arrival.
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(160, 48)).expect("backend");
    let mut app = live(n, 2048);
    c.bench_function(&format!("metrics_clock_tick_and_frame_{n}"), |b| {
        b.iter(|| {
            let wall = app.wall + chrono::TimeDelta::seconds(1);
            let now = app.now;
            update(&mut app, Msg::Tick, now, wall);
            term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                .expect("draw");
        })
    });
}

/// Where a scale bench puts the reader: the first message, the middle one, or the
/// newest (following the tail, as a transcript opens).
#[derive(Clone, Copy)]
enum Place {
    Top,
    Middle,
    End,
}

impl Place {
    fn name(self) -> &'static str {
        match self {
            Place::Top => "top",
            Place::Middle => "middle",
            Place::End => "end",
        }
    }

    fn go(self, app: &mut App) {
        let Some(s) = app.session_mut() else { return };
        let n = s.view.entries.len();
        match self {
            Place::Top => s.view.anchor = Some(Anchor { entry: 0, row: 0 }),
            Place::Middle => {
                s.view.anchor = Some(Anchor {
                    entry: n / 2,
                    row: 0,
                })
            }
            Place::End => s.view.follow(),
        }
    }
}

/// Issue 11: a frame of the whole screen at 200x60 with 10^3 to 10^6 realistic messages
/// (the demo API's `huge-<N>` transcripts) at the top, the middle and the end, and a
/// key press (`j`, PageDown, `G`) from the middle followed by its frame. Target: <= 1 ms
/// a frame, flat in the number of messages and the position.
fn scale(c: &mut Criterion) {
    let theme = Theme::default();
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("backend");
    let mut group = c.benchmark_group("scale");
    group.sample_size(20);
    for n in [1_000u64, 10_000, 100_000, 1_000_000] {
        let mut app = loaded_with(g2a_tui::demo::huge::events(n), (200, 60));
        for place in [Place::Top, Place::Middle, Place::End] {
            place.go(&mut app);
            term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                .expect("draw");
            group.bench_function(format!("frame_{}_{n}", place.name()), |b| {
                b.iter(|| {
                    term.draw(|f| g2a_tui::ui::render(f, black_box(&app), &theme))
                        .expect("draw");
                })
            });
        }
        for (name, code) in [
            ("j", KeyCode::Char('j')),
            ("page_down", KeyCode::PageDown),
            ("G", KeyCode::Char('G')),
        ] {
            group.bench_function(format!("key_{name}_and_frame_{n}"), |b| {
                b.iter_custom(|iters| {
                    let mut spent = std::time::Duration::ZERO;
                    for _ in 0..iters {
                        Place::Middle.go(&mut app);
                        let t0 = Instant::now();
                        let shift = matches!(code, KeyCode::Char(c) if c.is_ascii_uppercase());
                        let mods = if shift {
                            KeyModifiers::SHIFT
                        } else {
                            KeyModifiers::NONE
                        };
                        let (now, wall) = (app.now, app.wall);
                        update(&mut app, Msg::Key(KeyEvent::new(code, mods)), now, wall);
                        term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                            .expect("draw");
                        spent += t0.elapsed();
                    }
                    spent
                })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = bench, notes, metrics, scale, long_word
}
criterion_main!(benches);

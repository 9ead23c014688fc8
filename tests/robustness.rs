//! Random walks through the reducer and the renderer: keys, mouse, resizes down to 0x0,
//! refreshes whose transcripts shrink and grow, with hostile text. Nothing may panic
//! (the walk is seeded, so a failure reproduces).

use std::time::Instant;

use chrono::Utc;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
mod common;

use g2a_tui::api::worker::{Answer, ListAnswer, Request};
use g2a_tui::api::{ApiError, Endpoint, Event, Session, SystemLinks, Timestamp, Transcript};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// A small deterministic generator; no dependency needed for a seeded walk.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

fn transcript(rng: &mut Lcg) -> Transcript {
    let texts = [
        "short",
        "\u{1b}]0;pwned\u{7} hostile \u{9b}31m \u{202e}bidi",
        "日本語のテキスト 🎉🚀 مرحبا שלום",
        "multi\nline\n\nmessage\twith tab",
        "Dana Whitfield joined the session",
    ];
    let n = rng.next(60) as usize;
    let events = (0..n)
        .map(|i| {
            let long = rng.next(10) == 0;
            Event {
                time: Some(Timestamp::parse(&format!(
                    "2026-11-{:02}T14:00:{:02}Z",
                    20 + i / 30,
                    i % 60
                ))),
                participant: Some(
                    ["Dana Whitfield", "Morgan Lee", ""][rng.next(3) as usize].into(),
                ),
                content: if long {
                    "word ".repeat(rng.next(800) as usize)
                } else {
                    texts[rng.next(texts.len() as u64) as usize].to_string()
                },
            }
        })
        .collect();
    Transcript {
        events,
        ..Default::default()
    }
}

#[test]
fn random_walks_never_panic() {
    let keys = [
        KeyCode::Char('j'),
        KeyCode::Char('k'),
        KeyCode::Char('g'),
        KeyCode::Char('G'),
        KeyCode::PageDown,
        KeyCode::PageUp,
        KeyCode::Tab,
        KeyCode::BackTab,
        KeyCode::Char('1'),
        KeyCode::Char('3'),
        KeyCode::Char('?'),
        KeyCode::Esc,
        KeyCode::Char('r'),
        KeyCode::Char(':'),
        KeyCode::Char('5'),
        KeyCode::Backspace,
        KeyCode::Left,
        KeyCode::Enter,
        // Search and filter: `/`, typing a word the texts hold, n, N, f.
        KeyCode::Char('/'),
        KeyCode::Char('o'),
        KeyCode::Char('w'),
        KeyCode::Char('n'),
        KeyCode::Char('N'),
        KeyCode::Char('f'),
    ];
    let themes = [Theme::default(), Theme::default().without_colors()];
    for seed in 0..40u64 {
        let mut rng = Lcg(seed);
        let now = Instant::now();
        let mut app = common::app(Some("1"), Some("d"), (80, 24), now);
        let mut pending = start(&mut app, now);
        let session = Session {
            expert_name: Some("Dana Whitfield".into()),
            notes: Some("note\n".repeat(30)),
            ..Default::default()
        };
        for _ in 0..150 {
            // Answer whatever is pending, sometimes out of order or twice.
            for fx in std::mem::take(&mut pending) {
                let Effect::Fetch(req) = fx else { continue };
                let answer = match req {
                    // Sometimes the session fails, which reopens the prompt.
                    Request::Session { id, session_id } if rng.next(8) == 0 => Answer::Session(
                        id,
                        Err(ApiError::NotFound {
                            endpoint: Endpoint::Session,
                            id: session_id,
                        }),
                    ),
                    Request::Session { id, .. } => Answer::Session(id, Ok(session.clone())),
                    Request::Transcript { id, .. } => {
                        Answer::Transcript(id, Ok(transcript(&mut rng)))
                    }
                    Request::Links { id, .. } => Answer::Links(id, Ok(SystemLinks::default())),
                    Request::List { id, .. } => Answer::List(
                        id,
                        ListAnswer {
                            api: Ok(Default::default()),
                            stored: Vec::new(),
                        },
                    ),
                    Request::StoreSearch { id, .. } => Answer::StoreHits(id, Ok(Vec::new())),
                };
                update(&mut app, Msg::Answer(answer), now, Utc::now());
            }
            let msg = match rng.next(10) {
                0 => Msg::Resize(rng.next(130) as u16, rng.next(60) as u16),
                1 => Msg::Mouse(MouseEvent {
                    kind: if rng.next(2) == 0 {
                        MouseEventKind::ScrollUp
                    } else {
                        MouseEventKind::ScrollDown
                    },
                    column: rng.next(140) as u16,
                    row: rng.next(70) as u16,
                    modifiers: KeyModifiers::NONE,
                }),
                // What an incomplete search runs on.
                2 => Msg::Tick,
                _ => Msg::Key(KeyEvent::new(
                    keys[rng.next(keys.len() as u64) as usize],
                    KeyModifiers::NONE,
                )),
            };
            pending.extend(update(&mut app, msg, now, Utc::now()));
            pending.retain(|e| !matches!(e, Effect::Quit | Effect::Suspend | Effect::Redraw));
            let (w, h) = app.size;
            let mut term = Terminal::new(TestBackend::new(w, h)).expect("backend");
            let theme = &themes[(seed % 2) as usize];
            term.draw(|f| g2a_tui::ui::render(f, &app, theme))
                .expect("draw");
        }
    }
}

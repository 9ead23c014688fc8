//! Shared test helpers: building an app, drawing it, pressing keys.
#![allow(dead_code)] // each test binary uses its own subset

use std::time::Instant;

use chrono::{DateTime, TimeZone, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use g2a_tui::api::worker::{Request, RequestId};
use g2a_tui::app::update::{update, Effect, Msg};
use g2a_tui::app::{App, Context};
use g2a_tui::timefmt::Zone;
use g2a_tui::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

/// The demo's "now": the afternoon of the main demo session.
pub fn wall() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 15, 0, 0)
        .single()
        .expect("valid")
}

pub fn app(id: Option<&str>, domain: Option<&str>, size: (u16, u16), now: Instant) -> App {
    App::new(
        id.map(String::from),
        Context {
            system_domain: domain.map(String::from),
            demo: false,
            // Tests drive polling explicitly where they test it.
            poll: None,
        },
        Zone::Utc,
        size,
        now,
        wall(),
    )
}

/// The list request among `fx`: its id and window.
pub fn list_request(fx: &[Effect]) -> (RequestId, DateTime<Utc>, DateTime<Utc>) {
    fx.iter()
        .find_map(|e| match e {
            Effect::Fetch(Request::List { id, from, to }) => Some((*id, *from, *to)),
            _ => None,
        })
        .expect("a list request")
}

pub fn key_event(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, mods)
}

/// Presses a key at the app's own clock.
pub fn press(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    let (now, wall) = (app.now, app.wall);
    update(app, Msg::Key(key_event(code, mods)), now, wall)
}

pub fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    press(app, code, KeyModifiers::NONE)
}

pub fn chars(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Draws the app with the default theme on a TestBackend of the app's size.
pub fn draw_with(app: &App, theme: &Theme) -> Terminal<TestBackend> {
    let mut term = Terminal::new(TestBackend::new(app.size.0, app.size.1)).expect("test backend");
    term.draw(|f| g2a_tui::ui::render(f, app, theme))
        .expect("draw");
    term
}

pub fn draw(app: &App) -> Terminal<TestBackend> {
    draw_with(app, &Theme::default())
}

/// The screen as text, one line per row.
pub fn screen(term: &Terminal<TestBackend>) -> String {
    let buf = term.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            out.push_str(buf[(x, y)].symbol());
        }
        out.push('\n');
    }
    out
}

/// A directory of its own under the system's temporary one, removed when dropped.
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "g2a-tui-test-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        TempDir(dir)
    }

    pub fn dir(&self) -> &std::path::Path {
        &self.0
    }

    /// A store file inside it.
    pub fn store_path(&self) -> std::path::PathBuf {
        self.0.join("store.sqlite3")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// 2026-11-20 16:`min`:00 UTC: the store tests' fetch times.
pub fn at(min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 20, 16, min, 0)
        .single()
        .expect("a valid time")
}

/// A complete session `id` with Dana Whitfield the expert and Morgan Lee the customer.
pub fn complete_session(id: &str) -> g2a_tui::api::Session {
    g2a_tui::api::Session::from_value(serde_json::json!({
        "sessionId": id, "status": "complete", "sessionType": "screen_sharing",
        "expertName": "Dana Whitfield", "customerName": "Morgan Lee",
        "startedAt": "2026-11-20T14:02:11Z", "endedAt": "2026-11-20T14:51:29Z"
    }))
    .expect("a session")
}

/// (session, seq) of every message a search of `store` finds for `query`, sorted.
pub fn search_hits(store: &g2a_tui::store::Store, query: &str) -> Vec<(String, u32)> {
    let mut out: Vec<(String, u32)> = store
        .search(query, 100_000)
        .expect("search")
        .into_iter()
        .flat_map(|g| {
            let id = g.session_id;
            g.hits.into_iter().map(move |h| (id.clone(), h.seq))
        })
        .collect();
    out.sort();
    out
}

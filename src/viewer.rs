//! The interactive viewer's event loop: one `select!` over terminal input, worker
//! answers, signals and a timer that exists only while something on screen changes
//! by itself. Drawing happens once the queue is drained, and only when state changed.

use std::time::Instant;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::StreamExt;
use tokio::signal::unix::{signal, SignalKind};

use crate::api::worker;
use crate::app::update::{self, start, Effect, Msg};
use crate::app::App;
use crate::connection::Connection;
use crate::term::TerminalGuard;
use crate::timefmt::Zone;

/// Runs the viewer until the user quits or a signal arrives. The terminal is restored
/// on every path out of here (the guard's drop, or the panic hook).
pub async fn run(conn: Connection, session_id: Option<String>) -> anyhow::Result<()> {
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // Raw mode turns Ctrl-C into a key, but a `kill -INT` or `kill -QUIT` from outside
    // must still leave the terminal clean.
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sigquit = signal(SignalKind::quit())?;
    let mut guard = TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let (requests, mut answers) = worker::spawn(conn.client.clone());
    let mut app = App::new(
        session_id,
        conn.system_domain.clone(),
        Zone::Local,
        (size.width, size.height),
        Instant::now(),
        chrono::Utc::now(),
    );
    app.demo = conn.demo.is_some();
    let mut pending = start(&mut app, Instant::now());
    let mut input = EventStream::new();
    // Lets the end-to-end tests prove the panic path restores the terminal.
    let test_panic = std::env::var_os("G2A_TUI_TEST_PANIC").is_some();

    loop {
        for effect in pending.drain(..) {
            match effect {
                Effect::Fetch(req) => {
                    // The worker only stops when we drop the sender; a failed send
                    // means it died, and the pane will keep saying "loading".
                    let _ = requests.send(req);
                }
                Effect::Suspend => {
                    guard.suspend()?;
                    // The window may have been resized while we were stopped.
                    let size = guard.terminal.size()?;
                    let (now, wall) = (Instant::now(), chrono::Utc::now());
                    update::update(&mut app, Msg::Resize(size.width, size.height), now, wall);
                }
                Effect::Redraw => {
                    guard.redraw_all()?;
                    app.dirty = true;
                }
                Effect::Quit => return Ok(()),
            }
        }
        if app.dirty {
            guard.terminal.draw(|f| crate::ui::render(f, &app))?;
            app.dirty = false;
            if test_panic && app.session.data.is_some() {
                panic!("G2A_TUI_TEST_PANIC: deliberate panic after a frame");
            }
        }
        let wake = app.next_wake();
        let timer = async {
            match wake {
                Some(at) => tokio::time::sleep_until(at.into()).await,
                None => std::future::pending().await,
            }
        };
        let msg = tokio::select! {
            ev = input.next() => match ev {
                Some(Ok(ev)) => match to_msg(ev) {
                    Some(m) => m,
                    None => continue,
                },
                // The terminal went away (crossterm issue 793): stop instead of
                // spinning on a dead file descriptor.
                Some(Err(_)) | None => Msg::Terminate,
            },
            Some(answer) = answers.recv() => Msg::Answer(answer),
            _ = timer => Msg::Tick,
            _ = sigterm.recv() => Msg::Terminate,
            _ = sighup.recv() => Msg::Terminate,
            _ = sigint.recv() => Msg::Terminate,
            _ = sigquit.recv() => Msg::Terminate,
        };
        pending = update::update(&mut app, msg, Instant::now(), chrono::Utc::now());
        // A burst of answers costs one frame: apply all that are queued before drawing.
        while let Ok(answer) = answers.try_recv() {
            let now = (Instant::now(), chrono::Utc::now());
            pending.extend(update::update(&mut app, Msg::Answer(answer), now.0, now.1));
        }
    }
}

/// Terminal events the reducer cares about; key releases and repeats are dropped
/// (terminals with the kitty protocol report them).
fn to_msg(ev: Event) -> Option<Msg> {
    match ev {
        Event::Key(k) if k.kind == KeyEventKind::Press => Some(Msg::Key(k)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Paste(s) => Some(Msg::Paste(s)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

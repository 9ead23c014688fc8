//! The interactive viewer's event loop: one `select!` over terminal input, worker
//! answers, signals and a timer that exists only while something on screen changes
//! by itself. Drawing happens once the queues are drained, and only when state changed.
//!
//! [`run_loop`] takes everything it talks to as arguments (a terminal host, the input
//! and signal streams, the worker's channels), so a test runs the real loop in-process
//! with a `TestBackend`, scripted keys and wiremock; [`run`] wires up the real ones.

use std::io;
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::Arc;
use std::time::Instant;

use crossterm::event::{Event, EventStream, KeyEventKind};
use futures::{Stream, StreamExt};
use ratatui::backend::Backend;
use ratatui::Terminal;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::mpsc;
use tokio_stream::wrappers::SignalStream;

use crate::api::worker::{self, Answer, Request};
use crate::api::ErrorClass;
use crate::app::update::{self, start, Effect, Msg};
use crate::app::{App, Context, Keymap};
use crate::connection::Connection;
use crate::source::Source;
use crate::store::writer::Backlog;
use crate::term::TerminalGuard;
use crate::timefmt::Zone;
use crate::ui::Theme;

/// How the viewer ended: `failure` is set when it quit while the session had failed
/// to load, so the exit status can say why (as `print` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    pub failure: Option<ErrorClass>,
    /// The signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT) that ended it; the exit status is
    /// then 128 plus its number, as a shell reports a process the signal killed.
    pub signal: Option<i32>,
}

/// What the loop draws on and asks to step aside (Ctrl-Z) or start over (Ctrl-L).
pub trait Host {
    type B: Backend;
    fn terminal(&mut self) -> &mut Terminal<Self::B>;
    /// Give the terminal back to the shell until the process is continued.
    fn suspend(&mut self) -> io::Result<()>;
    /// Forget what was drawn, so the next frame is drawn whole.
    fn redraw_all(&mut self) -> io::Result<()>;
    /// Puts text on the clipboard through the terminal (OSC 52).
    fn copy(&mut self, text: &str) -> io::Result<()>;
    /// Opens a web link with the system's opener; `Err` says why it cannot.
    fn open(&mut self, url: &str) -> Result<(), String>;
    /// Makes the links on screen clickable after a frame (OSC 8); none by default.
    fn hyperlinks(&mut self, _runs: &[crate::app::hyperlinks::LinkRun]) -> io::Result<()> {
        Ok(())
    }
    /// Called after each frame (the real host's test-only panic lives here).
    fn drawn(&mut self, _app: &App) {}
}

/// The real terminal.
struct RealHost {
    guard: TerminalGuard,
    test_panic: bool,
    test_stall: bool,
    /// The link style to re-print links in, when OSC 8 is wanted.
    links: Option<ratatui::style::Style>,
}

impl Host for RealHost {
    type B = ratatui::backend::CrosstermBackend<io::Stdout>;

    fn terminal(&mut self) -> &mut Terminal<Self::B> {
        &mut self.guard.terminal
    }

    fn suspend(&mut self) -> io::Result<()> {
        self.guard.suspend()
    }

    fn redraw_all(&mut self) -> io::Result<()> {
        self.guard.redraw_all()
    }

    fn copy(&mut self, text: &str) -> io::Result<()> {
        crate::term::copy_to_clipboard(text)
    }

    fn open(&mut self, url: &str) -> Result<(), String> {
        if !crate::app::links_menu::can_open_here(|k| std::env::var(k).ok()) {
            return Err("No browser can be opened from here (no display)".into());
        }
        // Detached, with its output going nowhere: an opener's complaints must not
        // land on the viewer's screen.
        open::that_detached(url).map_err(|e| format!("The browser did not start ({e})"))
    }

    fn hyperlinks(&mut self, runs: &[crate::app::hyperlinks::LinkRun]) -> io::Result<()> {
        match self.links {
            Some(style) if !runs.is_empty() => crate::term::write_hyperlinks(runs, style),
            _ => Ok(()),
        }
    }

    fn drawn(&mut self, app: &App) {
        // Lets the end-to-end tests prove the panic path restores the terminal.
        if self.test_panic && app.session().is_some_and(|s| s.session.data.is_some()) {
            panic!("G2A_TUI_TEST_PANIC: deliberate panic after a frame");
        }
        // Lets them prove a loop stuck in a blocking call still ends on a signal.
        if self.test_stall && app.session().is_some_and(|s| s.session.data.is_some()) {
            std::thread::sleep(std::time::Duration::from_secs(60));
        }
    }
}

/// What the viewer starts with.
pub struct Options {
    pub session_id: Option<String>,
    /// Live follow's interval; `None` turns it off.
    pub poll: Option<std::time::Duration>,
    pub zone: Zone,
    pub keymap: Keymap,
    pub theme: Theme,
    /// The local store (`--store`, `--no-store`, `--keep-days`).
    pub store: crate::store::StoreSettings,
    /// What the config file had wrong (already said on stderr), for the status line.
    pub config_warnings: Vec<String>,
}

/// Runs the viewer until the user quits or a signal arrives. The terminal is restored
/// on every path out of here (the guard's drop, or the panic hook).
pub async fn run(conn: Connection, opts: Options) -> anyhow::Result<Outcome> {
    // Raw mode turns Ctrl-C into a key, but a `kill -INT` or `kill -QUIT` from outside
    // must still leave the terminal clean, as must SIGTERM and SIGHUP.
    let mut signals = Vec::new();
    let caught = Arc::new(AtomicI32::new(0));
    for kind in watched_signals() {
        let caught = caught.clone();
        let stream = SignalStream::new(signal(kind)?).map(move |()| {
            caught.store(kind.as_raw_value(), Ordering::Relaxed);
        });
        signals.push(stream);
    }
    let signals = futures::stream::select_all(signals);
    let looping = Arc::new(AtomicBool::new(true));
    watch_for_a_stuck_loop(&looping)?;
    let guard = TerminalGuard::enter()?;
    let mut host = RealHost {
        guard,
        test_panic: std::env::var_os("G2A_TUI_TEST_PANIC").is_some(),
        test_stall: std::env::var_os("G2A_TUI_TEST_STALL").is_some(),
        links: crate::term::hyperlinks_wanted().then_some(opts.theme.link),
    };
    let size = host.terminal().size()?;
    let offline = conn.client.is_offline();
    let (source, store_problem) =
        Source::open(conn.client.clone(), &opts.store, offline, Backlog::Work);
    let (requests, answers) = worker::spawn_with(source.clone());
    let context = Context {
        poll: opts.poll,
        system_domain: conn.system_domain.clone(),
        demo: conn.demo.is_some(),
    };
    let app = App::new(
        opts.session_id,
        context,
        opts.zone,
        (size.width, size.height),
        Instant::now(),
        chrono::Utc::now(),
    )
    .with_keymap(opts.keymap);
    let app = with_config_warnings(app, &opts.config_warnings);
    let app = with_store_problem(app, store_problem);
    let input = EventStream::new();
    let outcome = run_loop(
        &mut host,
        app,
        &opts.theme,
        input,
        signals,
        requests,
        answers,
    )
    .await;
    looping.store(false, Ordering::SeqCst);
    // A loop that failed (the terminal gone mid-draw) did not wait for its exports:
    // what they began goes with the process.
    if outcome.is_err() {
        remove_unfinished();
    }
    // What is queued is written before the process ends (a failed write has nowhere
    // to be shown once the screen is gone).
    let _ = tokio::task::block_in_place(|| source.close());
    let signal = Some(caught.load(Ordering::Relaxed)).filter(|&n| n != 0);
    outcome.map(|o| Outcome { signal, ..o })
}

/// The signals that end the viewer (Ctrl-C is a key in raw mode; these come from outside).
fn watched_signals() -> [SignalKind; 4] {
    [
        SignalKind::terminate(),
        SignalKind::hangup(),
        SignalKind::interrupt(),
        SignalKind::quit(),
    ]
}

/// How long a signal waits for the loop to see it before the process ends without the
/// loop: a terminal that goes away while keys wait to be read can leave the loop inside
/// crossterm's read, which then reads an end of file over and over (crossterm issue 793)
/// and never returns to see the signal.
const STUCK_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Ends the process, the terminal restored as far as it still can be, when a signal is
/// not taken by the loop within [`STUCK_AFTER`] (`looping` still set). Queued store
/// writes are lost then: a loop that cannot run cannot hand them over.
fn watch_for_a_stuck_loop(looping: &Arc<AtomicBool>) -> io::Result<()> {
    for kind in watched_signals() {
        let mut caught = signal(kind)?;
        let looping = looping.clone();
        tokio::spawn(async move {
            if caught.recv().await.is_none() {
                return;
            }
            tokio::time::sleep(STUCK_AFTER).await;
            if looping.load(Ordering::SeqCst) {
                tracing::warn!(
                    signal = kind.as_raw_value(),
                    "the loop did not stop for a signal; ending the process"
                );
                crate::term::restore();
                // An export cut off here must not pass for the whole transcript.
                remove_unfinished();
                std::process::exit(128 + kind.as_raw_value());
            }
        });
    }
    Ok(())
}

/// How long a store that cannot be used, or a config warning, is named in the status line.
const STORE_NOTICE_FOR: std::time::Duration = std::time::Duration::from_secs(15);

/// The viewer goes on without a store it cannot use, and says so in the status line.
pub fn with_store_problem(app: App, problem: Option<String>) -> App {
    match problem {
        Some(why) => add_notice(app, &format!("{why}; going on without it")),
        None => app,
    }
}

/// The config file's first warning in the status line (the rest are on stderr and in
/// `g2a-tui config`).
pub fn with_config_warnings(app: App, warnings: &[String]) -> App {
    match warnings {
        [] => app,
        [one] => add_notice(app, one),
        [first, rest @ ..] => add_notice(
            app,
            &format!("{first} (+{} more: g2a-tui config)", rest.len()),
        ),
    }
}

/// A start-up notice, after any already there.
fn add_notice(mut app: App, text: &str) -> App {
    let until = app.now + STORE_NOTICE_FOR;
    let text = crate::sanitize::sanitize_line(text);
    let text = match app.notice.take() {
        Some((before, _)) => format!("{before} · {text}"),
        None => text.into_owned(),
    };
    app.notice = Some((text, until));
    app
}

/// The longest the loop takes in queued answers before it draws: a frame at 60 Hz.
const BURST: std::time::Duration = std::time::Duration::from_millis(16);

/// The loop itself, over whatever terminal, input, signals and worker it is given.
pub async fn run_loop<H, I, S>(
    host: &mut H,
    mut app: App,
    theme: &Theme,
    mut input: I,
    mut signals: S,
    requests: mpsc::UnboundedSender<Request>,
    mut answers: mpsc::UnboundedReceiver<Answer>,
) -> anyhow::Result<Outcome>
where
    H: Host,
    <H::B as Backend>::Error: std::error::Error + Send + Sync + 'static,
    I: Stream<Item = io::Result<Event>> + Unpin,
    S: Stream<Item = ()> + Unpin,
{
    let mut pending = start(&mut app, Instant::now());
    let mut later = Vec::new();
    let (exported_tx, mut exported) = mpsc::unbounded_channel();
    let mut exports: Vec<std::thread::JoinHandle<()>> = Vec::new();
    loop {
        for effect in pending.drain(..) {
            match effect {
                Effect::Fetch(req) => {
                    // The worker only stops when we drop the sender; a failed send
                    // means it died, and the pane will keep saying "loading".
                    let _ = requests.send(req);
                }
                Effect::Suspend => {
                    host.suspend()?;
                    // The window may have been resized while we were stopped.
                    let size = host.terminal().size()?;
                    let (now, wall) = (Instant::now(), chrono::Utc::now());
                    update::update(&mut app, Msg::Resize(size.width, size.height), now, wall);
                }
                Effect::Redraw => {
                    host.redraw_all()?;
                    app.dirty = true;
                }
                Effect::Copy(text) => host.copy(&text)?,
                Effect::Open(url) => {
                    let result = host.open(&url).map(|()| url);
                    later.push(Msg::Opened(result));
                }
                Effect::Export { name, export } => {
                    let done = exported_tx.clone();
                    let job = move || {
                        let here = std::path::Path::new(".");
                        let _ = done.send(write_new(here, &name, |w| export.write_to(w)));
                    };
                    match std::thread::Builder::new().name("export".into()).spawn(job) {
                        Ok(thread) => exports.push(thread),
                        Err(e) => later.push(Msg::Exported(Err(format!("cannot start it: {e}")))),
                    }
                }
                Effect::Quit => {
                    // A file cut off by quitting would pass for the whole transcript.
                    exports.retain(|e| !e.is_finished());
                    if !exports.is_empty() {
                        let (now, wall) = (Instant::now(), chrono::Utc::now());
                        update::update(&mut app, Msg::Quitting, now, wall);
                        // Said if it can be: a terminal that went away must not cut
                        // the wait short.
                        let _ = host.terminal().draw(|f| crate::ui::render(f, &app, theme));
                    }
                    for export in exports.drain(..) {
                        let _ = export.join();
                    }
                    return Ok(Outcome {
                        failure: app.failure(),
                        signal: None,
                    });
                }
            }
        }
        for msg in later.drain(..) {
            pending.extend(update::update(
                &mut app,
                msg,
                Instant::now(),
                chrono::Utc::now(),
            ));
        }
        if !pending.is_empty() {
            continue;
        }
        if app.dirty {
            host.terminal()
                .draw(|f| crate::ui::render(f, &app, theme))?;
            app.dirty = false;
            host.hyperlinks(&crate::app::hyperlinks::runs(&app))?;
            host.drawn(&app);
        }
        let wake = app.next_wake();
        let timer = async {
            match wake {
                // Due already (an incomplete search's next step): no timer, whose
                // millisecond rounding would idle between steps; input still comes first.
                Some(at) if at <= Instant::now() => tokio::task::yield_now().await,
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
            Some(result) = exported.recv() => {
                exports.retain(|e| !e.is_finished());
                Msg::Exported(result)
            }
            _ = timer => Msg::Tick,
            Some(()) = signals.next() => Msg::Terminate,
        };
        pending = update::update(&mut app, msg, Instant::now(), chrono::Utc::now());
        // A burst costs one frame: apply every queued key and answer before drawing. A
        // stream that never lets the queue empty (a large transcript decoded faster than
        // the loop takes it in) still gets a frame every BURST.
        let burst = Instant::now();
        loop {
            let (now, wall) = (Instant::now(), chrono::Utc::now());
            // A long paste or a key held down is drawn (and its effects run) as it comes.
            if now.duration_since(burst) >= BURST {
                break;
            }
            if let Ok(answer) = answers.try_recv() {
                pending.extend(update::update(&mut app, Msg::Answer(answer), now, wall));
                continue;
            }
            match ready(&mut input).await {
                Some(Some(Ok(ev))) => {
                    if let Some(m) = to_msg(ev) {
                        pending.extend(update::update(&mut app, m, now, wall));
                    }
                }
                Some(Some(Err(_))) | Some(None) => pending.push(Effect::Quit),
                None => break,
            }
            if pending
                .iter()
                .any(|e| matches!(e, Effect::Quit | Effect::Suspend))
            {
                break;
            }
        }
    }
}

/// Exports being written, by their temporary path: removed if the process is ended
/// before they are done (see [`watch_for_a_stuck_loop`]).
static UNFINISHED: std::sync::Mutex<Vec<std::path::PathBuf>> = std::sync::Mutex::new(Vec::new());

/// Removes every export still being written (the process is about to be ended).
fn remove_unfinished() {
    if let Ok(paths) = UNFINISHED.lock() {
        for path in paths.iter() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Writes an export into `dir` (the viewer writes where it was started) under `name`,
/// refusing to replace a file that is already there. The file appears only whole: it is
/// written under a hidden temporary name and linked to `name` at the end, and what was
/// begun is removed if writing fails or the process is ended first. Returns the path
/// written, or why not.
pub fn write_new(
    dir: &std::path::Path,
    name: &str,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> Result<String, String> {
    use std::io::Write;
    let path = dir.join(name);
    // The reason first: on a narrow screen the end of the line is cut.
    let exists = || format!("not overwriting {name}");
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let temp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    // A customer's chat: readable by this user only, as the store is.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&temp)
        .map_err(|e| format!("{} ({name})", io_reason(&e)))?;
    if let Ok(mut list) = UNFINISHED.lock() {
        list.push(temp.clone());
    }
    let mut out = io::BufWriter::with_capacity(256 * 1024, file);
    // A bug here must still leave no file and let the next export start.
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| write(&mut out)));
    let written = attempt
        .unwrap_or_else(|_| Err(io::Error::other("it failed unexpectedly")))
        .and_then(|()| out.flush())
        .and_then(|()| out.get_ref().sync_all());
    drop(out);
    // A link fails if the name was taken meanwhile (a rename would replace it); where the
    // file system has no links, the rename after the check above.
    let placed = written
        .map_err(|e| format!("{} ({name})", io_reason(&e)))
        .and_then(|()| match std::fs::hard_link(&temp, &path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(exists()),
            Err(_) if path.symlink_metadata().is_ok() => Err(exists()),
            Err(_) => {
                std::fs::rename(&temp, &path).map_err(|e| format!("{} ({name})", io_reason(&e)))
            }
        });
    let _ = std::fs::remove_file(&temp);
    if let Ok(mut list) = UNFINISHED.lock() {
        list.retain(|p| *p != temp);
    }
    placed?;
    let shown = std::path::absolute(&path)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| name.to_string());
    Ok(shown)
}

/// An I/O error as a reader says it: "no space left on device", "permission denied".
fn io_reason(e: &io::Error) -> String {
    let text = e.to_string();
    // "Permission denied (os error 13)": the number says nothing to a technician.
    let text = match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    };
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The next input event if one is already waiting. Polled with the task's own waker
/// (not a no-op one: crossterm's `EventStream` remembers the first waker it is given
/// and would never wake the loop again).
async fn ready<I: Stream + Unpin>(input: &mut I) -> Option<Option<I::Item>> {
    std::future::poll_fn(|cx| match input.poll_next_unpin(cx) {
        std::task::Poll::Ready(item) => std::task::Poll::Ready(Some(item)),
        std::task::Poll::Pending => std::task::Poll::Ready(None),
    })
    .await
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

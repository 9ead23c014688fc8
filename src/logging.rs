//! The optional log file (issue 10): `--log-file PATH` / `G2A_LOG=[LEVEL:]PATH` /
//! `log_file`, at `--log-level` / `G2A_LOG_LEVEL` / `log_level`.
//!
//! Only this program's own events are written at the chosen level; every other crate's
//! are held at `warn`, so hyper's or h2's debug output (which can name headers) never
//! reaches the file, and `log` records (reqwest, rustls) are not bridged at all. The file
//! is written by a background thread; its guard lives in a static so that the last lines
//! are written on every way out: the end of `main`, and a signal that would otherwise
//! end the process without unwinding. Without a log file no subscriber is installed,
//! and tracing's macros cost a relaxed load each.

use std::path::Path;
use std::sync::Mutex;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;

/// How much is written. `info`: start, exit, each answer (status, bytes, time), token
/// refreshes, store opens and prunes, failures. `debug` adds each request as it is sent,
/// redirects, store writes, the viewer's requests and answers. `trace` adds the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum LogLevel {
    Error,
    Warn,
    #[default]
    Info,
    Debug,
    Trace,
}

impl LogLevel {
    pub const ALL: [LogLevel; 5] = [
        LogLevel::Error,
        LogLevel::Warn,
        LogLevel::Info,
        LogLevel::Debug,
        LogLevel::Trace,
    ];

    pub fn name(self) -> &'static str {
        match self {
            LogLevel::Error => "error",
            LogLevel::Warn => "warn",
            LogLevel::Info => "info",
            LogLevel::Debug => "debug",
            LogLevel::Trace => "trace",
        }
    }

    pub fn parse(s: &str) -> Option<LogLevel> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|l| l.name().eq_ignore_ascii_case(s))
    }

    fn filter(self) -> LevelFilter {
        match self {
            LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Trace => LevelFilter::TRACE,
        }
    }
}

/// `G2A_LOG`'s value: `PATH`, or `LEVEL:PATH` when what stands before the first `:` is a
/// level name (so `C:\logs\g2a.log` and `./a:b.log` are paths).
pub fn split_env(value: &str) -> (Option<LogLevel>, &str) {
    match value.split_once(':') {
        // `debug:` names a level and no file: said as such, not taken as a file "debug:".
        Some((level, "")) if LogLevel::parse(level).is_some() => (LogLevel::parse(level), ""),
        Some((level, path)) if !path.is_empty() => match LogLevel::parse(level) {
            Some(level) => (Some(level), path),
            None => (None, value),
        },
        _ => (None, value),
    }
}

/// The target every event of this crate (library and binary) carries.
const OWN_TARGET: &str = "g2a_tui";

/// Kept until [`finish`]: dropping it writes what is queued and stops the writer thread.
static GUARD: Mutex<Option<WorkerGuard>> = Mutex::new(None);

/// Opens `path` (created 0600, appended to) and sends this process's events there from
/// now on. The error is one line naming the file.
pub fn start(path: &Path, level: LogLevel) -> Result<(), String> {
    if path.as_os_str().is_empty() {
        return Err("no log file named (G2A_LOG gives a level but no path)".into());
    }
    let file = open(path).map_err(|e| {
        format!(
            "cannot write the log file {}: {}",
            path.display(),
            reason(&e, path)
        )
    })?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_thread_names(true);
    let filter = Targets::new()
        .with_target(OWN_TARGET, level.filter())
        .with_default(LevelFilter::WARN);
    let subscriber = tracing_subscriber::registry().with(layer).with(filter);
    tracing::subscriber::set_global_default(subscriber)
        .map_err(|_| "logging was already started".to_string())?;
    *GUARD.lock().unwrap_or_else(|p| p.into_inner()) = Some(guard);
    log_panics();
    Ok(())
}

/// A panic is logged by where it happened (its message may quote anything, so it is left
/// to stderr). One on the main thread ends the process without running `main`'s end, so
/// the log is finished here; a task's panic is caught and answered, and the log goes on.
fn log_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let thread = std::thread::current();
        let thread = thread.name().unwrap_or("unnamed");
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(thread, at, "panic");
        if thread == "main" {
            finish();
        }
        previous(info);
    }));
}

/// Writes what is queued and closes the file; later events go nowhere. Safe to call twice.
pub fn finish() {
    let guard = GUARD.lock().unwrap_or_else(|p| p.into_inner()).take();
    drop(guard);
}

/// Whether a log file is being written.
pub fn active() -> bool {
    GUARD.lock().map(|g| g.is_some()).unwrap_or(true)
}

fn open(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let file = options.open(path)?;
    if file.metadata()?.is_dir() {
        return Err(std::io::Error::from(std::io::ErrorKind::IsADirectory));
    }
    // A file that was already there keeps its mode on open: it names sessions and hosts.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = file.set_permissions(std::fs::Permissions::from_mode(0o600));
    }
    Ok(file)
}

fn reason(e: &std::io::Error, path: &Path) -> String {
    use std::io::ErrorKind;
    match e.kind() {
        ErrorKind::NotFound => match path.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(dir) if !dir.exists() => format!("no directory {}", dir.display()),
            _ => "no such file or directory".into(),
        },
        ErrorKind::PermissionDenied => "permission denied".into(),
        ErrorKind::IsADirectory => "it is a directory".into(),
        _ => e.to_string(),
    }
}

/// Ends the process as `signal` would have, after writing the log's last lines, for
/// each of SIGHUP, SIGINT and SIGTERM not in `handled` (the commands that catch a signal
/// themselves end through `main`, which flushes). Does nothing without a log file, so
/// the signals keep their default handling then.
#[cfg(unix)]
pub fn flush_on_signals(handled: &[i32]) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use tokio::signal::unix::{signal, SignalKind};
    if !active() {
        return;
    }
    for number in [SIGHUP, SIGINT, SIGTERM] {
        if handled.contains(&number) {
            continue;
        }
        let Ok(mut stream) = signal(SignalKind::from_raw(number)) else {
            continue;
        };
        tokio::spawn(async move {
            if stream.recv().await.is_some() {
                tracing::info!(signal = number, "ended by a signal");
                finish();
                // Restores the default action and raises the signal again, so the exit
                // status is what it would have been without a log file.
                let _ = signal_hook::low_level::emulate_default_handler(number);
                std::process::exit(128 + number);
            }
        });
    }
}

#[cfg(not(unix))]
pub fn flush_on_signals(_handled: &[i32]) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_env_value_may_lead_with_a_level() {
        assert_eq!(
            split_env("debug:/tmp/g2a.log"),
            (Some(LogLevel::Debug), "/tmp/g2a.log")
        );
        assert_eq!(
            split_env("TRACE:rel.log"),
            (Some(LogLevel::Trace), "rel.log")
        );
        assert_eq!(split_env("/tmp/g2a.log"), (None, "/tmp/g2a.log"));
        assert_eq!(split_env("C:\\logs\\g2a.log"), (None, "C:\\logs\\g2a.log"));
        assert_eq!(split_env("./a:b.log"), (None, "./a:b.log"));
        assert_eq!(split_env("info:"), (Some(LogLevel::Info), ""));
        assert!(
            start(Path::new(""), LogLevel::Info).is_err_and(|e| e.contains("no log file named"))
        );
    }

    #[test]
    fn levels_by_name() {
        for l in LogLevel::ALL {
            assert_eq!(LogLevel::parse(l.name()), Some(l));
        }
        assert_eq!(LogLevel::parse(" Debug "), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("verbose"), None);
    }
}

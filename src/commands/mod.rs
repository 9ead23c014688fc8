//! The commands that print and exit (`list`, `search`, `sync`, `store …`, `auth …`), and how any
//! command turns an outcome into one of the documented exit codes.

pub mod auth;
pub mod config;
pub mod list;
pub mod search;
pub mod store;
pub mod sync;

use std::process::ExitCode;

use crate::api::{ApiError, ErrorClass};

/// The documented exit status of an error's class.
pub fn exit_code(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Usage => 2,
        ErrorClass::Auth => 3,
        ErrorClass::NotFound => 4,
        ErrorClass::Api => 5,
    }
}

/// Reports an API error with its hint on stderr and returns its exit status.
pub fn fail(e: &ApiError) -> ExitCode {
    let code = exit_code(e.class());
    let text = match e.hint() {
        Some(h) => format!("{e}\nhint: {h}"),
        None => e.to_string(),
    };
    fail_plain(&text, code)
}

/// Reports `text` (sanitised) on stderr and returns `code`.
pub fn fail_plain(text: &str, code: u8) -> ExitCode {
    let clean = crate::sanitize::sanitize(text);
    tracing::error!(code, text = %crate::sanitize::sanitize_line(text), "failed");
    stderr_line(&format!("g2a-tui: {clean}"));
    ExitCode::from(code)
}

/// Opens the store for a command that can do without it: a store that cannot be used is
/// reported in one line on stderr and the command goes on without it (issue 8).
pub fn open_store(settings: &crate::store::StoreSettings) -> Option<crate::store::Store> {
    match settings.open() {
        Ok(store) => store,
        Err(e) => {
            match e.hint() {
                Some(hint) => warn(&format!("{e}; going on without it ({hint})")),
                None => warn(&format!("{e}; going on without it")),
            }
            None
        }
    }
}

/// One sanitised line on stderr that does not end the command.
pub fn warn(text: &str) {
    let line = crate::sanitize::sanitize_line(text);
    tracing::warn!(text = %line, "warning");
    stderr_line(&format!("g2a-tui: {line}"));
}

/// Runs `fut` with each retry said on stderr ("g2a-tui: the session: retrying (2/4) in
/// 3 s"), when stderr is a terminal: a script reading stderr gets only the outcome.
pub async fn retries_on_stderr<F: std::future::Future>(fut: F) -> F::Output {
    use std::io::IsTerminal;
    if !std::io::stderr().is_terminal() {
        return fut.await;
    }
    let sink: crate::api::retry::Sink =
        std::sync::Arc::new(|r| warn(&format!("the {}: {r}", r.endpoint.noun())));
    crate::api::retry::reporting(sink, fut).await
}

/// Writes `text` to stdout; a closed pipe (`| head`) is not an error worth a complaint.
pub fn write_stdout(text: &str) -> Result<(), ExitCode> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(fail_plain(&format!("cannot write output: {e}"), 1)),
    }
}

/// Text columns padded to the widest cell (by display width), two spaces apart, the
/// last column unpadded; cells wider than `max` are cut with an ellipsis.
pub fn columns(header: &[&str], rows: &[Vec<String>], max: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let cut: Vec<Vec<String>> = std::iter::once(header.iter().map(|h| h.to_string()).collect())
        .chain(rows.iter().cloned())
        .map(|r| r.iter().map(|c| clip(c, max)).collect())
        .collect();
    let n = header.len();
    let mut widths = vec![0; n];
    for r in &cut {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(c.width());
        }
    }
    let mut out = String::new();
    for r in &cut {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            line.push_str(c);
            if i + 1 < n {
                let pad = widths[i].saturating_sub(c.width()) + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `s` cut to at most `max` display columns, an ellipsis marking the cut (the viewer's own
/// cut, grapheme-aware, so a command and the screen cut alike).
pub fn clip(s: &str, max: usize) -> String {
    crate::app::wrap::truncate(s, max)
}

/// One line on stderr. A closed stderr (`2>&1 | head`) is not worth a panic: the exit status
/// still says what happened.
pub fn stderr_line(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// One line on stdout; a closed pipe ends nothing.
pub fn stdout_line(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}

/// `--offline` reads the local store and nothing else: without a usable one there is nothing
/// to show, and an empty screen or list would read as "no sessions". Checked before anything
/// starts, so the reason is one line on a clean terminal (usage error, 2).
pub fn offline_needs_store(settings: &crate::connection::Settings) -> Result<(), ExitCode> {
    if !settings.offline {
        return Ok(());
    }
    let Some(path) = settings.store.file() else {
        return Err(fail_plain(
            "--offline reads only the local store, and it is turned off or has no place\nhint: drop --no-store, or pass --store PATH",
            2,
        ));
    };
    if !path.exists() {
        return Err(fail_plain(
            &format!(
                "--offline reads only the local store, and there is none at {} yet\nhint: run without --offline (or `g2a-tui sync`) to fill it, or pass --store PATH",
                path.display()
            ),
            2,
        ));
    }
    match crate::store::Store::open(&path) {
        Ok(_) => Ok(()),
        Err(e) => Err(fail_plain(
            &match e.hint() {
                Some(hint) => format!("--offline cannot read the local store: {e}\nhint: {hint}"),
                None => format!("--offline cannot read the local store: {e}"),
            },
            2,
        )),
    }
}

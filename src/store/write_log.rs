//! The log's line for each write to the store: what was written, how many items, how
//! long it took, and the error if it failed. The same line whoever writes (the writer
//! thread, `list`, `sync`).

use std::time::Instant;

/// Runs `write` and logs it as `job` of `items` items (messages, list rows) about
/// `session`.
pub fn timed<T, E: std::fmt::Display>(
    job: &'static str,
    session: Option<&str>,
    items: usize,
    write: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    let started = Instant::now();
    let result = write();
    logged(job, session, items, started, &result);
    result
}

/// Logs a write that began at `started` and ended with `result`.
pub fn logged<T, E: std::fmt::Display>(
    job: &'static str,
    session: Option<&str>,
    items: usize,
    started: Instant,
    result: &Result<T, E>,
) {
    let ms = started.elapsed().as_millis();
    match result {
        Ok(_) => tracing::debug!(job, session, items, ms, "store write"),
        Err(e) => tracing::warn!(job, session, items, ms, error = %e, "store write failed"),
    }
}

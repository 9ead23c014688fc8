//! What the log file says about each HTTP request the client makes: one line as it is
//! sent (debug) and one when it ends (info), whatever way it ends, with the status, the
//! bytes read and the time taken. Never a header and never the body: only the method,
//! the endpoint, the host and the path (which holds the session id). A redirect's
//! target is the server's text, so it is redacted and sanitised before it is written.

use std::time::Instant;

use reqwest::{StatusCode, Url};

use super::error::{ApiError, Endpoint};
use super::redact;
use crate::auth::Secret;

/// One request's log lines; the closing line is written when it is dropped, so an
/// early return (`?`) still leaves one.
pub(crate) struct RequestLog {
    endpoint: &'static str,
    host: String,
    path: String,
    started: Instant,
    status: Option<u16>,
    headers_ms: Option<u128>,
    bytes: Option<usize>,
    /// Why the request or the body's reading failed, as the error says it.
    failure: Option<String>,
}

impl RequestLog {
    pub(crate) fn start(url: &Url, endpoint: Endpoint) -> RequestLog {
        // Without a log (no subscriber) the strings are not worth making.
        let on = tracing::enabled!(tracing::Level::WARN);
        let log = RequestLog {
            endpoint: endpoint.noun(),
            host: if on { host(url) } else { String::new() },
            path: if on { path(url) } else { String::new() },
            started: Instant::now(),
            status: None,
            headers_ms: None,
            bytes: None,
            failure: None,
        };
        tracing::debug!(
            method = "GET",
            endpoint = log.endpoint,
            host = %log.host,
            path = %log.path,
            "request sent"
        );
        log
    }

    /// The answer's status line came in from `answered` (another URL after a redirect).
    pub(crate) fn answered(&mut self, status: StatusCode, answered: &Url, token: &Secret) {
        self.status = Some(status.as_u16());
        self.headers_ms = Some(self.started.elapsed().as_millis());
        if !tracing::enabled!(tracing::Level::INFO) {
            return;
        }
        let (to_host, to_path) = (host(answered), path(answered));
        if to_host != self.host || to_path != self.path {
            tracing::info!(
                endpoint = self.endpoint,
                from_host = %self.host,
                from_path = %self.path,
                to_host = %redact::clean(&to_host, token.expose()),
                to_path = %redact::clean(&to_path, token.expose()),
                "redirected"
            );
        }
    }

    /// The request failed on the way (connect, timeout, a broken body): `error` is
    /// passed on as it was.
    pub(crate) fn failed(&mut self, error: ApiError) -> ApiError {
        self.failure = Some(error.to_string());
        error
    }

    /// The body was read (an error body only as far as it is quoted from).
    pub(crate) fn read(&mut self, bytes: usize) {
        self.bytes = Some(bytes);
    }
}

impl Drop for RequestLog {
    fn drop(&mut self) {
        let ms = self.started.elapsed().as_millis();
        match self.status {
            Some(status) => tracing::info!(
                method = "GET",
                endpoint = self.endpoint,
                host = %self.host,
                path = %self.path,
                status,
                bytes = self.bytes,
                headers_ms = self.headers_ms,
                ms,
                failure = self.failure.as_deref(),
                "answer"
            ),
            None => tracing::warn!(
                method = "GET",
                endpoint = self.endpoint,
                host = %self.host,
                path = %self.path,
                ms,
                failure = self.failure.as_deref(),
                "no answer"
            ),
        }
    }
}

fn host(url: &Url) -> String {
    let host = url.host_str().unwrap_or("?");
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The path and query as the URL serialises them: percent-encoded, so one line of ASCII.
fn path(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

//! The HTTP client for the three Remote Support endpoints (and the session list).
//!
//! Every request goes through [`Client::get_json`], which maps each documented status
//! to its own [`ApiError`]. The session id is untrusted input and is percent-encoded
//! as exactly one path segment. The token comes from [`Tokens`], shared by every clone
//! (a stored sign-in is refreshed there); it goes out in a sensitive header value, so it
//! is never printed by `Debug` and never part of an error.

use std::time::{Duration, Instant, SystemTime};

use chrono::{DateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::error::{ApiError, Endpoint};
use super::model::{Session, SessionList, SystemLinks};
use super::redact;
use super::request_log::RequestLog;
use super::retry::{self, Failure, RetryPolicy};
use super::transport::{self, SendError};
use crate::auth::{Secret, Tokens};
use crate::sanitize::excerpt;

pub const DEFAULT_BASE_URL: &str = "https://api.getgo.com";
const API_PREFIX: &str = "G2A/rest/v1";
const EXCERPT_CHARS: usize = 120;
/// An error body is read this far and no further: 120 characters are quoted from it,
/// and a 500 with a 255 MiB body once took 2.6 GB and 13 s to quote (issue 10).
pub const ERROR_BODY_BYTES: usize = 64 * 1024;
/// Longer ids are refused before any request (a usage error): no real one comes near.
pub const MAX_ID_CHARS: usize = 1024;

/// RFC 3986 unreserved characters stay; everything else (`/`, `?`, `#`, `%`, spaces,
/// non-ASCII) is encoded, so an id can never change the path or the query.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// How the access token is sent: NOTES.md says nobody confirmed which one the API
/// accepts today, so both are supported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthScheme {
    /// `Authorization: Bearer TOKEN`
    #[default]
    Bearer,
    /// `Authorization: OAuth oauth_token=TOKEN`
    Oauth,
}

#[derive(Clone)]
pub struct ClientConfig {
    pub base_url: String,
    pub token: Option<String>,
    pub auth_scheme: AuthScheme,
    pub timeout: Duration,
    /// How a GET that failed on the way (or with 429/502/503/504) is asked again.
    pub retry: RetryPolicy,
    /// `--allow-insecure-http`: an `http://` base URL on another machine is taken.
    pub allow_insecure_http: bool,
    /// At most this long for a connection (and never longer than `timeout`): a server
    /// that cannot be reached is said so well before a slow one would time out.
    pub connect_timeout: Duration,
    /// `--ca-file`: CA certificates trusted besides the built-in roots (a company's
    /// TLS-inspecting proxy).
    pub extra_roots: Vec<reqwest::Certificate>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            base_url: DEFAULT_BASE_URL.to_string(),
            token: None,
            auth_scheme: AuthScheme::Bearer,
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            connect_timeout: CONNECT_TIMEOUT,
            extra_roots: Vec::new(),
        }
    }
}

/// [`ClientConfig::connect_timeout`] unless a test says otherwise.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<hidden>"))
            .field("auth_scheme", &self.auth_scheme)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("connect_timeout", &self.connect_timeout)
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    timeout: Duration,
    /// The connect timeout, for "could not connect within 10 s".
    connect_timeout: Duration,
    retry: RetryPolicy,
    auth_scheme: AuthScheme,
    /// Shared by every clone: a refresh by one request serves all the others.
    tokens: Tokens,
    /// `--max-body-mb`; `None` takes each answer's default (see [`Client::limit`]).
    max_body: Option<usize>,
    /// `--offline`: every request fails at once with [`ApiError::Offline`], so no code
    /// path can reach the network.
    offline: bool,
}

/// Larger answers are refused rather than read into memory: a million chat messages
/// are about 150 MB of JSON, so this leaves room while stopping a runaway server.
pub const MAX_BODY_BYTES: usize = 256 * 1024 * 1024;
/// A transcript is decoded as it streams and only its events are kept, so it may be
/// larger: a million realistic messages are about 250 MB.
pub const MAX_TRANSCRIPT_BYTES: usize = 1024 * 1024 * 1024;

/// A success answer whose body is still to be read.
pub(super) struct Opened {
    pub response: reqwest::Response,
    pub status: u16,
    pub content_type: String,
    /// Where the answer came from (after any redirect), for errors while the body is read.
    pub url: Url,
    /// The time this request was given, for the same.
    pub limit: Duration,
    /// Its log line, written when the body has been read (or not).
    pub log: RequestLog,
}

impl Client {
    /// A client with the fixed token of `config`. Fails before any request when there is
    /// no token or the base URL is unusable.
    pub fn new(config: &ClientConfig) -> Result<Self, ApiError> {
        let token = config
            .token
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::NoToken)?;
        Self::with_tokens(config, Tokens::given(Secret::new(token)))
    }

    /// A client whose tokens come from `tokens` (`config.token` is not used).
    pub fn with_tokens(config: &ClientConfig, tokens: Tokens) -> Result<Self, ApiError> {
        if let Some(token) = tokens.given_token() {
            if token.expose().trim().is_empty() {
                return Err(ApiError::NoToken);
            }
            authorization(config.auth_scheme, token)?;
        }
        let base = parse_base(&config.base_url)?;
        transport::check_base(&base, config.allow_insecure_http)?;
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let connect_timeout = config.timeout.min(config.connect_timeout);
        // A corporate HTTPS_PROXY must not swallow the loopback demo API (or a local mock).
        let mut builder = transport::builder(&base)
            .user_agent(concat!("g2a-tui/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .connect_timeout(connect_timeout)
            // A body that stops arriving for this long is given up; one that keeps
            // coming is read to its end, however long (a million messages).
            .read_timeout(config.timeout.max(Duration::from_millis(1)));
        for root in &config.extra_roots {
            builder = builder.add_root_certificate(root.clone());
        }
        let http = builder.build().map_err(|e| ApiError::Network {
            endpoint: Endpoint::Session,
            detail: error_chain(&e),
        })?;
        Ok(Client {
            http,
            base,
            timeout: config.timeout.max(Duration::from_millis(1)),
            connect_timeout,
            retry: config.retry,
            auth_scheme: config.auth_scheme,
            tokens,
            max_body: None,
            offline: false,
        })
    }

    /// A client for `--offline`: no token, no address, and it never sends a request.
    pub fn offline() -> Result<Self, ApiError> {
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| ApiError::Network {
                endpoint: Endpoint::Session,
                detail: error_chain(&e),
            })?;
        let base = Url::parse("http://offline.invalid/").map_err(|e| ApiError::Internal {
            endpoint: Endpoint::Session,
            detail: e.to_string(),
        })?;
        Ok(Client {
            http,
            base,
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            retry: RetryPolicy::with_retries(0),
            auth_scheme: AuthScheme::Bearer,
            tokens: Tokens::given(Secret::new("")),
            max_body: None,
            offline: true,
        })
    }

    /// Made for `--offline` ([`Client::offline`]).
    pub fn is_offline(&self) -> bool {
        self.offline
    }

    /// The same client with another answer size limit (tests use a small one).
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = Some(bytes);
        self
    }

    pub async fn session(&self, id: &str) -> Result<Session, ApiError> {
        let id = check_id(id)?;
        let url = self.url(&format!("sessions/{}", segment(&id)))?;
        let lean = super::lean::parse_session;
        let body = self.get_json(url, Endpoint::Session, &id, lean).await?;
        Session::from_value(body).map_err(|detail| ApiError::BadShape {
            endpoint: Endpoint::Session,
            detail,
        })
    }

    pub async fn system_links(&self, domain: &str) -> Result<SystemLinks, ApiError> {
        let mut url = self.url("systemLinks")?;
        url.query_pairs_mut().append_pair("systemDomain", domain);
        let lean = super::lean::parse_events;
        let body = self.get_json(url, Endpoint::Links, domain, lean).await?;
        SystemLinks::from_value(body).map_err(|detail| ApiError::BadShape {
            endpoint: Endpoint::Links,
            detail,
        })
    }

    pub async fn list_sessions(
        &self,
        session_type: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<SessionList, ApiError> {
        let mut url = self.url("sessions")?;
        let fmt = "%Y-%m-%dT%H:%M:%SZ";
        url.query_pairs_mut()
            .append_pair("sessionType", session_type)
            .append_pair("fromTime", &from.format(fmt).to_string())
            .append_pair("toTime", &to.format(fmt).to_string());
        let lean = super::lean::parse_events;
        let body = self.get_json(url, Endpoint::SessionList, "", lean).await?;
        SessionList::from_value(body).map_err(|detail| ApiError::BadShape {
            endpoint: Endpoint::SessionList,
            detail,
        })
    }

    pub(super) fn url(&self, path: &str) -> Result<Url, ApiError> {
        let base = self.base.as_str().trim_end_matches('/');
        Url::parse(&format!("{base}/{API_PREFIX}/{path}")).map_err(|e| {
            ApiError::InvalidSessionId(format!("the session id does not form a valid URL: {e}"))
        })
    }

    /// Sends the request with the current token and parses its body with `parse`: each
    /// answer skips what it does not keep and stops at a number of elements (see
    /// `api/lean.rs`). Retried and refreshed as [`Client::authorised`] says.
    async fn get_json(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
        parse: fn(&[u8]) -> serde_json::Result<Value>,
    ) -> Result<Value, ApiError> {
        let once = |token: Secret, limit: Duration| {
            let url = url.clone();
            async move {
                let mut retry_after = None;
                self.get_once(url, endpoint, id, &token, parse, limit, &mut retry_after)
                    .await
                    .map_err(|error| Failure { error, retry_after })
            }
        };
        self.authorised(endpoint, id, once).await.map(|(v, _)| v)
    }

    /// As [`Client::get_json`], up to a success answer whose body is still to be read
    /// (the streaming path, `api/fetch.rs`); the token it went out with comes along.
    /// Retried until the answer's head has come in: a body broken half-way is not asked
    /// again (what arrived is already shown).
    pub(super) async fn open(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
    ) -> Result<(Opened, Secret), ApiError> {
        let once = |token: Secret, limit: Duration| {
            let url = url.clone();
            async move {
                let mut retry_after = None;
                self.send_once(url, endpoint, id, &token, limit, &mut retry_after)
                    .await
                    .map_err(|error| Failure { error, retry_after })
            }
        };
        self.authorised(endpoint, id, once).await
    }

    /// Runs `once` (one request with a token, within a time limit) with the current
    /// token, asked again as [`retry`] says; when the API rejects a stored sign-in's
    /// token (401, or 403 InvalidToken), refreshes it and does it all once more, every
    /// try within one deadline. The token that succeeded comes back with the answer.
    async fn authorised<T, F, Fut>(
        &self,
        endpoint: Endpoint,
        id: &str,
        once: F,
    ) -> Result<(T, Secret), ApiError>
    where
        F: Fn(Secret, Duration) -> Fut,
        Fut: std::future::Future<Output = Result<T, Failure>>,
    {
        if self.offline {
            return Err(ApiError::Offline {
                endpoint,
                id: id.to_string(),
            });
        }
        let deadline = self.retry.deadline(self.timeout);
        let retried = |token: Secret| {
            let once = &once;
            retry::run(&self.retry, deadline, endpoint, move || {
                let limit = deadline
                    .saturating_duration_since(Instant::now())
                    .min(self.timeout);
                once(token.clone(), limit)
            })
        };
        let token = self.tokens.current().await?;
        match retried(token.clone()).await {
            Err(e @ (ApiError::Unauthorized { .. } | ApiError::InvalidToken { .. })) => {
                match self.tokens.after_rejection(&token).await? {
                    Some(fresh) => {
                        tracing::info!(
                            endpoint = endpoint.noun(),
                            "token rejected; asking again with a fresh one"
                        );
                        retried(fresh.clone()).await.map(|v| (v, fresh))
                    }
                    None => Err(e),
                }
            }
            other => other.map(|v| (v, token)),
        }
    }

    /// One GET (following redirects) within `limit`, its body read whole and parsed;
    /// `retry_after` is set to the wait the answer asks for, if any.
    #[allow(clippy::too_many_arguments)] // one caller, each argument named
    async fn get_once(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
        token: &Secret,
        parse: fn(&[u8]) -> serde_json::Result<Value>,
        limit: Duration,
        retry_after: &mut Option<Duration>,
    ) -> Result<Value, ApiError> {
        let Opened {
            mut response,
            status,
            content_type,
            url,
            limit,
            mut log,
        } = self
            .send_once(url, endpoint, id, token, limit, retry_after)
            .await?;
        let max = self.limit(endpoint);
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| log.failed(self.transport_error(e, endpoint, &url, limit)))?
        {
            if body.len() + chunk.len() > max {
                return Err(log.failed(self.too_large(endpoint)));
            }
            body.extend_from_slice(&chunk);
        }
        log.read(body.len());
        // RFC 8259 lets a parser ignore a byte order mark; some servers send one.
        let json = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&body);
        parse(json)
            .map_err(|e| self.json_error(&e, (endpoint, status, &content_type), &body, token))
    }

    /// The error for a body `parse` could not read: `head` is its start (or all of it).
    pub(super) fn json_error(
        &self,
        e: &serde_json::Error,
        (endpoint, status, content_type): (Endpoint, u16, &str),
        head: &[u8],
        token: &Secret,
    ) -> ApiError {
        match unreadable(e) {
            Some(detail) => ApiError::UnreadableJson {
                endpoint,
                status,
                detail,
            },
            None => ApiError::NotJson {
                endpoint,
                status,
                content_type: content_type.to_string(),
                excerpt: if is_blank(head) {
                    String::new()
                } else {
                    self.excerpt(&String::from_utf8_lossy(head), EXCERPT_CHARS, token)
                },
            },
        }
    }

    /// The answer size limit for `endpoint`: `--max-body-mb` when given, else 1 GiB for
    /// a transcript (a million messages are about 250 MB) and [`MAX_BODY_BYTES`] for
    /// the rest.
    pub(super) fn limit(&self, endpoint: Endpoint) -> usize {
        match (self.max_body, endpoint) {
            (Some(bytes), _) => bytes,
            (None, Endpoint::Transcript) => MAX_TRANSCRIPT_BYTES,
            (None, _) => MAX_BODY_BYTES,
        }
    }

    pub(super) fn too_large(&self, endpoint: Endpoint) -> ApiError {
        ApiError::TooLarge {
            endpoint,
            limit_mib: self.limit(endpoint) / (1024 * 1024),
        }
    }

    /// One GET (following redirects) within `limit`: a success comes back with its body
    /// unread (and one whose Content-Length is past the limit is refused), any other
    /// status as its error; `retry_after` is set to the wait the answer asks for, if any.
    pub(super) async fn send_once(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
        token: &Secret,
        limit: Duration,
        retry_after: &mut Option<Duration>,
    ) -> Result<Opened, ApiError> {
        let auth = authorization(self.auth_scheme, token)?;
        let mut log = RequestLog::start(&url, endpoint);
        let asked = url.clone();
        let (response, url) = transport::get(&self.http, url, auth, limit, endpoint)
            .await
            .map_err(|e| log.failed(self.send_error(e, endpoint, limit)))?;
        let status = response.status();
        if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
            && !transport::same_origin(&asked, &url)
        {
            // The token was (rightly) not sent there: its refusal says nothing about it.
            log.answered(status, response.url(), token);
            return Err(log.failed(ApiError::Redirect {
                endpoint,
                detail: format!(
                    "to {} (another server, where the token is not sent), which answered HTTP {}",
                    transport::host_port(&url),
                    status.as_u16()
                ),
            }));
        }
        let shown_url = shown_url(&url);
        *retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| retry::parse_retry_after(s, SystemTime::now()));
        log.answered(status, response.url(), token);
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|s| self.excerpt(s, 60, token))
            .unwrap_or_default();
        if status.is_success() {
            if response
                .content_length()
                .is_some_and(|n| n > self.limit(endpoint) as u64)
            {
                return Err(log.failed(self.too_large(endpoint)));
            }
            return Ok(Opened {
                response,
                status: status.as_u16(),
                content_type,
                url,
                limit,
                log,
            });
        }
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| log.failed(self.transport_error(e, endpoint, &url, limit)))?
        {
            // Only quoted from: the rest is never read (the connection is dropped).
            let room = ERROR_BODY_BYTES - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() == ERROR_BODY_BYTES {
                break;
            }
        }
        log.read(body.len());
        let text = || {
            if is_blank(&body) {
                String::new()
            } else {
                self.excerpt(&String::from_utf8_lossy(&body), EXCERPT_CHARS, token)
            }
        };
        Err(match status {
            StatusCode::UNAUTHORIZED => ApiError::Unauthorized { endpoint },
            StatusCode::FORBIDDEN if is_invalid_token(&body) => ApiError::InvalidToken { endpoint },
            StatusCode::FORBIDDEN => ApiError::Forbidden {
                endpoint,
                excerpt: text(),
            },
            // The API answers a 404 with JSON or nothing; a web page or plain text means
            // the base URL leads to some other server, whose 404 says nothing about
            // the session.
            StatusCode::NOT_FOUND if !is_json_or_empty(&body) => ApiError::NotTheApi {
                endpoint,
                url: shown_url,
                status: status.as_u16(),
                excerpt: text(),
            },
            StatusCode::NOT_FOUND => ApiError::NotFound {
                endpoint,
                id: excerpt(id, 80),
            },
            StatusCode::BAD_REQUEST => ApiError::BadRequest {
                endpoint,
                excerpt: text(),
            },
            StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed { endpoint },
            StatusCode::TOO_MANY_REQUESTS => ApiError::RateLimited {
                endpoint,
                // A date already past asks for no wait: nothing to tell.
                retry_after: (*retry_after)
                    .filter(|d| !d.is_zero())
                    .map(retry::ceil_secs),
            },
            s if s.is_server_error() => ApiError::Server {
                endpoint,
                status: s.as_u16(),
                excerpt: text(),
            },
            s => ApiError::UnexpectedStatus {
                endpoint,
                status: s.as_u16(),
                excerpt: text(),
            },
        })
    }

    /// A sanitised, short excerpt of server text with the token cut out: proxies and
    /// debug pages may echo the request's `Authorization` header back.
    pub(super) fn excerpt(&self, text: &str, max: usize, token: &Secret) -> String {
        excerpt(&redact::clean(text, token.expose()), max)
    }

    fn send_error(&self, e: SendError, endpoint: Endpoint, limit: Duration) -> ApiError {
        match e {
            SendError::Http { error, url } => self.transport_error(error, endpoint, &url, limit),
            SendError::Refused(e) => e,
            SendError::TimedOut => ApiError::Timeout {
                endpoint,
                secs: retry::ceil_secs(limit),
            },
        }
    }

    /// What went wrong on the way to `url` (the host actually contacted, after any
    /// redirect), in the user's terms.
    pub(super) fn transport_error(
        &self,
        e: reqwest::Error,
        endpoint: Endpoint,
        url: &Url,
        limit: Duration,
    ) -> ApiError {
        if e.is_connect() {
            // With a proxy in the way every connection goes to it: it could not be
            // reached, or it would not open a tunnel to the server.
            if let Some(proxy) = transport::proxy_for(&self.base, url) {
                let chain = causes(&e);
                let unreachable = !chain.contains("tunnel error")
                    || chain.contains("failed to create underlying connection");
                let detail = if unreachable {
                    root_cause(&e)
                } else {
                    format!(
                        "it would not open a tunnel to {}: {}",
                        transport::host_port(url),
                        root_cause(&e)
                    )
                };
                return ApiError::Proxy { proxy, detail };
            }
            if e.is_timeout() {
                return ApiError::ConnectTimeout {
                    host: transport::host_port(url),
                    secs: retry::ceil_secs(self.connect_timeout.min(limit)),
                };
            }
            if causes(&e).contains("certificate") {
                return ApiError::Certificate {
                    host: transport::host_port(url),
                    detail: root_cause(&e),
                };
            }
            // "Connection refused" or a DNS failure says it all; hyper's wrapping
            // ("error sending request: client error (Connect): ...") only adds noise.
            ApiError::Connect {
                host: transport::host_port(url),
                detail: root_cause(&e),
            }
        } else if e.is_timeout() {
            ApiError::Timeout {
                endpoint,
                secs: retry::ceil_secs(limit),
            }
        } else {
            ApiError::Network {
                endpoint,
                detail: error_chain(&e.without_url()),
            }
        }
    }
}

/// The `Authorization` header for `token`, marked sensitive so no `Debug` prints it.
fn authorization(scheme: AuthScheme, token: &Secret) -> Result<HeaderValue, ApiError> {
    let token = token.expose().trim();
    let value = match scheme {
        AuthScheme::Bearer => format!("Bearer {token}"),
        AuthScheme::Oauth => format!("OAuth oauth_token={token}"),
    };
    let mut value = HeaderValue::from_str(&value).map_err(|_| ApiError::MalformedToken)?;
    value.set_sensitive(true);
    Ok(value)
}

/// The innermost cause of an error, one line, sanitised.
fn root_cause(e: &dyn std::error::Error) -> String {
    let mut cause = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    excerpt(&cause.to_string(), 200)
}

/// The request URL for an error message: without user name or password, sanitised.
fn shown_url(url: &Url) -> String {
    transport::shown(url)
}

/// An empty (or blank) body, or one that parses as JSON (a byte order mark allowed).
fn is_json_or_empty(body: &[u8]) -> bool {
    let body = body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(body);
    is_blank(body) || serde_json::from_slice::<Value>(body).is_ok()
}

/// Nothing a reader could see: whitespace of any kind (U+2028 and NBSP too) and
/// byte order marks. Such a body is "empty", not text to quote.
fn is_blank(body: &[u8]) -> bool {
    String::from_utf8_lossy(body)
        .chars()
        .all(|c| c.is_whitespace() || c == '\u{feff}')
}

/// Why well-formed JSON could not be read, when that is the reason: the parser's
/// nesting limit (128). serde_json names its errors only in their text.
fn unreadable(e: &serde_json::Error) -> Option<String> {
    let text = e.to_string();
    if text.starts_with("recursion limit exceeded") {
        Some("it nests deeper than 128 levels".into())
    } else if text.starts_with("number out of range") {
        Some("it holds a number out of range".into())
    } else if text.starts_with(super::lean::TOO_MANY) {
        // "more than 2000000 elements in one answer at line 1 column 24621315": where
        // it stopped says nothing to a technician.
        let what = text.split(" at line ").next().unwrap_or(&text);
        Some(format!(
            "it holds {}, more than g2a-tui keeps",
            excerpt(what, 100)
        ))
    } else {
        None
    }
}

/// The gateway answers an expired token with `403 {"int_err_code": "InvalidToken", ...}`.
fn is_invalid_token(body: &[u8]) -> bool {
    serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("int_err_code")?.as_str().map(|s| s == "InvalidToken"))
        .unwrap_or(false)
}

/// Fails as [`Client::new`] would on an unusable base URL.
/// The CA certificates of a PEM file, for [`ClientConfig::extra_roots`].
pub fn read_ca_file(path: &std::path::Path) -> Result<Vec<reqwest::Certificate>, ApiError> {
    let failed = |detail: String| ApiError::CaFile {
        path: excerpt(&path.display().to_string(), 200),
        detail,
    };
    let pem = std::fs::read(path).map_err(|e| failed(e.to_string()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|_| failed("it is not a PEM file of certificates".into()))?;
    if certs.is_empty() {
        return Err(failed("it holds no certificate".into()));
    }
    Ok(certs)
}

pub fn check_base_url(raw: &str, allow_insecure_http: bool) -> Result<(), ApiError> {
    transport::check_base(&parse_base(raw)?, allow_insecure_http)
}

fn parse_base(raw: &str) -> Result<Url, ApiError> {
    let invalid = |reason: &str| ApiError::InvalidBaseUrl {
        url: transport::shown_raw(raw),
        reason: reason.to_string(),
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("it must start with http:// or https://"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("it must not carry a query or fragment"));
    }
    // People paste the API prefix along with the host; it is added to every request,
    // so a base that already ends with it is taken without it.
    let mut url = url;
    let path = url.path().trim_end_matches('/');
    let prefix = format!("/{API_PREFIX}");
    if path.len() >= prefix.len() {
        let (rest, tail) = path.split_at(path.len() - prefix.len());
        if tail.eq_ignore_ascii_case(&prefix) {
            let rest = rest.to_string();
            url.set_path(&rest);
        }
    }
    Ok(url)
}

/// A session id as people paste it, made into the id the API knows: trimmed, without
/// the `#` the viewer shows in front of it, and without the spaces (or other blanks)
/// that group the digits of an all-digit id (`"# 482 913 657 "` is `482913657`).
/// Nothing else is rewritten: `SS-87555` or `abc def` stay as they are, trimmed.
pub fn normalize_session_id(raw: &str) -> String {
    let id = raw.trim();
    let id = id.strip_prefix('#').map_or(id, str::trim_start);
    let digits_and_blanks = id.chars().all(|c| c.is_ascii_digit() || c.is_whitespace());
    if digits_and_blanks && id.chars().any(|c| c.is_ascii_digit()) {
        id.chars().filter(char::is_ascii_digit).collect()
    } else {
        id.to_string()
    }
}

/// The normalised id, refusing the ones no encoding can keep as a segment of their own:
/// URL parsers resolve `.` and `..` (even encoded as `%2E`) against the path.
pub fn check_id(id: &str) -> Result<String, ApiError> {
    let id = normalize_session_id(id);
    if id.is_empty() {
        return Err(ApiError::InvalidSessionId("the session id is empty".into()));
    }
    let chars = id.chars().count();
    if chars > MAX_ID_CHARS {
        return Err(ApiError::InvalidSessionId(format!(
            "the session id is {chars} characters long; at most {MAX_ID_CHARS} are taken"
        )));
    }
    if id == "." || id == ".." {
        return Err(ApiError::InvalidSessionId(format!(
            "{id:?} is not a session id"
        )));
    }
    Ok(id)
}

pub(super) fn segment(id: &str) -> String {
    utf8_percent_encode(id, SEGMENT).to_string()
}

/// The error and its causes, one line, sanitised (hyper's messages may quote the peer).
fn error_chain(e: &dyn std::error::Error) -> String {
    excerpt(&causes(e), 200)
}

/// The error and each cause not already said, joined with ": ".
pub(crate) fn causes(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_as_people_paste_them() {
        for (raw, id) in [
            ("482913657", "482913657"),
            ("#482913657", "482913657"),
            ("# 482913657 ", "482913657"),
            ("482 913 657", "482913657"),
            (" #482\u{a0}913\t657\n", "482913657"),
            ("SS-87555", "SS-87555"),
            ("#SS-87555", "SS-87555"),
            (" abc def ", "abc def"),
            ("48 29a", "48 29a"),
            ("a#b", "a#b"),
            ("#", ""),
            ("  ", ""),
        ] {
            assert_eq!(normalize_session_id(raw), id, "{raw:?}");
        }
    }

    #[test]
    fn base_url_with_the_api_prefix_is_taken_without_it() {
        for raw in [
            "http://host/G2A/rest/v1",
            "http://host/G2A/rest/v1/",
            "http://host/g2a/REST/V1//",
        ] {
            let url = parse_base(raw).map(|u| u.to_string());
            assert_eq!(url.as_deref(), Ok("http://host/"), "{raw}");
        }
        let url = parse_base("https://host/proxy/G2A/rest/v1").map(|u| u.to_string());
        assert_eq!(url.as_deref(), Ok("https://host/proxy"));
        let url = parse_base("https://host/G2A/rest/v10").map(|u| u.to_string());
        assert_eq!(url.as_deref(), Ok("https://host/G2A/rest/v10"));
    }

    #[test]
    fn error_urls_carry_no_credentials() {
        let url = Url::parse("https://user:pw@host/G2A/rest/v1/sessions/1").map(|u| shown_url(&u));
        assert_eq!(url.as_deref(), Ok("https://host/G2A/rest/v1/sessions/1"));
    }

    #[test]
    fn json_or_empty_bodies() {
        assert!(is_json_or_empty(b""));
        assert!(is_json_or_empty(b" \r\n"));
        assert!(is_json_or_empty(b"{\"error\": \"x\"}"));
        assert!(is_json_or_empty(b"\xef\xbb\xbf[]"));
        assert!(!is_json_or_empty(b"<html><body>404</body></html>"));
        assert!(!is_json_or_empty(b"404 page not found"));
    }
}

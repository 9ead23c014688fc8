//! The HTTP client for the three Remote Support endpoints (and the session list).
//!
//! Every request goes through [`Client::get_json`], which maps each documented status
//! to its own [`ApiError`]. The session id is untrusted input and is percent-encoded
//! as exactly one path segment. The token comes from [`Tokens`], shared by every clone
//! (a stored sign-in is refreshed there); it goes out in a sensitive header value, so it
//! is never printed by `Debug` and never part of an error.

use std::time::Duration;

use chrono::{DateTime, Utc};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use super::error::{ApiError, Endpoint};
use super::model::{Session, SessionList, SystemLinks, Transcript};
use super::redact;
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
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<hidden>"))
            .field("auth_scheme", &self.auth_scheme)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    timeout_secs: u64,
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
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("g2a-tui/", env!("CARGO_PKG_VERSION")))
            .default_headers(headers)
            .connect_timeout(config.timeout.min(Duration::from_secs(10)))
            .timeout(config.timeout);
        // A corporate HTTPS_PROXY must not swallow the loopback demo API (or a local mock).
        if is_loopback(&base) {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| ApiError::Network {
            endpoint: Endpoint::Session,
            detail: error_chain(&e),
        })?;
        Ok(Client {
            http,
            base,
            timeout_secs: config.timeout.as_secs().max(1),
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
            timeout_secs: 1,
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

    /// A 404 here is normal ("this session has no chat transcript") and comes back as
    /// an empty transcript that says so.
    /// The transcript with its body as received (`raw`), decoded the old way: for
    /// `print --format json`, which writes the body. The element limit of
    /// `api/lean.rs` applies; [`Client::transcript`] streams instead.
    pub async fn transcript_raw(&self, id: &str) -> Result<Transcript, ApiError> {
        let id = check_id(id)?;
        let url = self.url(&format!("sessions/{}/events", segment(&id)))?;
        let lean = super::lean::parse_events;
        match self.get_json(url, Endpoint::Transcript, &id, lean).await {
            Ok(body) => Transcript::from_value(body).map_err(|detail| ApiError::BadShape {
                endpoint: Endpoint::Transcript,
                detail,
            }),
            Err(ApiError::NotFound { .. }) => Ok(Transcript::none_for_session()),
            Err(e) => Err(e),
        }
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

    /// Sends the request with the current token; when the API rejects a stored sign-in's
    /// token (401, or 403 InvalidToken), refreshes it and repeats the request once. The body
    /// is parsed by `parse`: each answer skips what it does not keep and stops at a number
    /// of elements (see `api/lean.rs`).
    async fn get_json(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
        parse: fn(&[u8]) -> serde_json::Result<Value>,
    ) -> Result<Value, ApiError> {
        if self.offline {
            return Err(ApiError::Offline {
                endpoint,
                id: id.to_string(),
            });
        }
        let token = self.tokens.current().await?;
        match self
            .get_once(url.clone(), endpoint, id, &token, parse)
            .await
        {
            Err(e @ (ApiError::Unauthorized { .. } | ApiError::InvalidToken { .. })) => {
                match self.tokens.after_rejection(&token).await? {
                    Some(fresh) => self.get_once(url, endpoint, id, &fresh, parse).await,
                    None => Err(e),
                }
            }
            other => other,
        }
    }

    /// As [`Client::get_json`], up to a success answer whose body is still to be read
    /// (the streaming path, `api/fetch.rs`); the token it went out with comes along.
    pub(super) async fn open(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
    ) -> Result<(Opened, Secret), ApiError> {
        if self.offline {
            return Err(ApiError::Offline {
                endpoint,
                id: id.to_string(),
            });
        }
        let token = self.tokens.current().await?;
        match self.send_once(url.clone(), endpoint, id, &token).await {
            Err(e @ (ApiError::Unauthorized { .. } | ApiError::InvalidToken { .. })) => {
                match self.tokens.after_rejection(&token).await? {
                    Some(fresh) => {
                        let opened = self.send_once(url, endpoint, id, &fresh).await?;
                        Ok((opened, fresh))
                    }
                    None => Err(e),
                }
            }
            other => other.map(|o| (o, token)),
        }
    }

    async fn get_once(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
        token: &Secret,
        parse: fn(&[u8]) -> serde_json::Result<Value>,
    ) -> Result<Value, ApiError> {
        let opened = self.send_once(url, endpoint, id, token).await?;
        let limit = self.limit(endpoint);
        let mut body = Vec::new();
        let Opened {
            mut response,
            status,
            content_type,
            ..
        } = opened;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e, endpoint))?
        {
            if body.len() + chunk.len() > limit {
                return Err(self.too_large(endpoint));
            }
            body.extend_from_slice(&chunk);
        }
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

    /// Sends the request; a success comes back with its body unread (and one whose
    /// Content-Length is past the limit is refused), any other status as its error.
    pub(super) async fn send_once(
        &self,
        url: Url,
        endpoint: Endpoint,
        id: &str,
        token: &Secret,
    ) -> Result<Opened, ApiError> {
        let shown_url = shown_url(&url);
        let response = self
            .http
            .get(url)
            .header(AUTHORIZATION, authorization(self.auth_scheme, token)?)
            .send()
            .await
            .map_err(|e| self.transport_error(e, endpoint))?;
        let status = response.status();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|s| self.excerpt(s, 60, token))
            .unwrap_or_default();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| s.trim().parse().ok());
        if status.is_success() {
            if response
                .content_length()
                .is_some_and(|n| n > self.limit(endpoint) as u64)
            {
                return Err(self.too_large(endpoint));
            }
            return Ok(Opened {
                response,
                status: status.as_u16(),
                content_type,
            });
        }
        let mut body = Vec::new();
        let mut response = response;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e, endpoint))?
        {
            // Only quoted from: the rest is never read (the connection is dropped).
            let room = ERROR_BODY_BYTES - body.len();
            body.extend_from_slice(&chunk[..chunk.len().min(room)]);
            if body.len() == ERROR_BODY_BYTES {
                break;
            }
        }
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
                retry_after,
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

    pub(super) fn transport_error(&self, e: reqwest::Error, endpoint: Endpoint) -> ApiError {
        if e.is_timeout() {
            ApiError::Timeout {
                endpoint,
                secs: self.timeout_secs,
            }
        } else if e.is_connect() {
            // "Connection refused" or a DNS failure says it all; hyper's wrapping
            // ("error sending request: client error (Connect): ...") only adds noise.
            let host = self.base.host_str().unwrap_or("the server");
            let host = match self.base.port_or_known_default() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_string(),
            };
            ApiError::Connect {
                host: excerpt(&host, 80),
                detail: root_cause(&e),
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
    let mut url = url.clone();
    // Only fails for URLs that cannot carry credentials, which then carry none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    excerpt(url.as_str(), 200)
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
        Some(excerpt(&text, 120))
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

fn is_loopback(url: &Url) -> bool {
    let host = url.host_str().unwrap_or_default();
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Fails as [`Client::new`] would on an unusable base URL.
pub fn check_base_url(raw: &str) -> Result<(), ApiError> {
    parse_base(raw).map(|_| ())
}

fn parse_base(raw: &str) -> Result<Url, ApiError> {
    let invalid = |reason: &str| ApiError::InvalidBaseUrl {
        url: excerpt(raw, 80),
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

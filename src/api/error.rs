//! API errors carrying what a technician needs to act: the HTTP status, what the
//! server said (sanitised, short) and a hint. The access token never appears here.

use std::fmt;

/// Which endpoint an error came from; the same status means different things on each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Session,
    Transcript,
    Links,
    SessionList,
}

impl Endpoint {
    pub fn noun(self) -> &'static str {
        match self {
            Endpoint::Session => "session",
            Endpoint::Transcript => "chat transcript",
            Endpoint::Links => "partner links",
            Endpoint::SessionList => "session list",
        }
    }
}

/// How a failure should end the `print` command; each maps to an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    Usage,
    Auth,
    NotFound,
    Api,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    #[error("no access token")]
    NoToken,
    #[error("the access token contains characters that cannot be sent in an HTTP header")]
    MalformedToken,
    #[error("{0}")]
    InvalidSessionId(String),
    #[error("invalid base URL {url:?}: {reason}")]
    InvalidBaseUrl { url: String, reason: String },
    /// `--ca-file` could not be read or holds no certificate.
    #[error("cannot use the CA file {path}: {detail}")]
    CaFile { path: String, detail: String },
    #[error("HTTP 401 Unauthorized on the {}", .endpoint.noun())]
    Unauthorized { endpoint: Endpoint },
    #[error("HTTP 403 Forbidden on the {}: the access token is invalid or expired", .endpoint.noun())]
    InvalidToken { endpoint: Endpoint },
    #[error("HTTP 403 Forbidden on the {}: access denied", .endpoint.noun())]
    Forbidden { endpoint: Endpoint, excerpt: String },
    #[error("HTTP 404 Not Found: {}", not_found_text(*.endpoint, .id))]
    NotFound { endpoint: Endpoint, id: String },
    #[error("HTTP {status} from {url}: the server there does not look like the GoToAssist API{}", with_excerpt(.excerpt))]
    NotTheApi {
        endpoint: Endpoint,
        url: String,
        status: u16,
        excerpt: String,
    },
    #[error("HTTP 400 Bad Request on the {}{}", .endpoint.noun(), with_excerpt(.excerpt))]
    BadRequest { endpoint: Endpoint, excerpt: String },
    #[error("HTTP 405 Method Not Allowed on the {}", .endpoint.noun())]
    MethodNotAllowed { endpoint: Endpoint },
    #[error("HTTP 429 Too Many Requests on the {}", .endpoint.noun())]
    RateLimited {
        endpoint: Endpoint,
        retry_after: Option<u64>,
    },
    #[error("HTTP {status} server error on the {}{}", .endpoint.noun(), with_excerpt(.excerpt))]
    Server {
        endpoint: Endpoint,
        status: u16,
        excerpt: String,
    },
    #[error("HTTP {status} on the {}{}", .endpoint.noun(), with_excerpt(.excerpt))]
    UnexpectedStatus {
        endpoint: Endpoint,
        status: u16,
        excerpt: String,
    },
    #[error("the {} request timed out after {secs}s", .endpoint.noun())]
    Timeout { endpoint: Endpoint, secs: u64 },
    /// No connection within the connect timeout: the server (or the path to it) is
    /// down, which is not the slow answer [`ApiError::Timeout`] means.
    #[error("could not connect to {host} within {secs} s")]
    ConnectTimeout { host: String, secs: u64 },
    #[error("cannot connect to {host}: {detail}")]
    Connect { host: String, detail: String },
    /// The server's TLS certificate is not trusted (not asked again: it will not change).
    #[error("cannot connect to {host}: its certificate is not trusted ({detail})")]
    Certificate { host: String, detail: String },
    /// The proxy from the environment (`HTTPS_PROXY` and the like) could not be reached.
    #[error("cannot connect to the proxy {proxy}: {detail}")]
    Proxy { proxy: String, detail: String },
    /// An `http://` base URL on a host that is not this machine: the token would travel
    /// in clear.
    #[error("refusing to send the access token in clear to {url}")]
    InsecureHttp { url: String },
    /// A redirect that is not followed: to `http` from `https`, to another kind of
    /// address, or one too many.
    #[error("the {} request was redirected {detail}; not followed", .endpoint.noun())]
    Redirect { endpoint: Endpoint, detail: String },
    #[error("network error on the {}: {detail}", .endpoint.noun())]
    Network { endpoint: Endpoint, detail: String },
    #[error("the {} answer (HTTP {status}) is not JSON: {}", .endpoint.noun(), describe_body(.content_type, .excerpt))]
    NotJson {
        endpoint: Endpoint,
        status: u16,
        content_type: String,
        excerpt: String,
    },
    /// Well-formed, but past what the parser takes (nested deeper than 128 levels):
    /// not a proxy's page, so not [`ApiError::NotJson`].
    #[error("the {} answer (HTTP {status}) is JSON the client cannot read: {detail}", .endpoint.noun())]
    UnreadableJson {
        endpoint: Endpoint,
        status: u16,
        detail: String,
    },
    #[error("the {} answer is larger than {limit_mib} MiB (--max-body-mb)", .endpoint.noun())]
    TooLarge {
        endpoint: Endpoint,
        limit_mib: usize,
    },
    /// The body ended (or the connection broke) before the JSON did; what arrived
    /// before the cut is kept where it can be shown.
    #[error("the {} answer was cut off after {messages} messages", .endpoint.noun())]
    Truncated { endpoint: Endpoint, messages: usize },
    #[error("the {} answer has an unexpected shape: {detail}", .endpoint.noun())]
    BadShape { endpoint: Endpoint, detail: String },
    #[error("internal error while fetching the {}: {detail}", .endpoint.noun())]
    Internal { endpoint: Endpoint, detail: String },
    /// Signing in, the credentials file, a refresh or `token_command` failed.
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    /// `--offline`, and the store has no copy (or there is nothing to store: links, list).
    #[error("{}", offline_text(*.endpoint, .id))]
    Offline { endpoint: Endpoint, id: String },
}

fn offline_text(endpoint: Endpoint, id: &str) -> String {
    let hint = "run without --offline to fetch it";
    match endpoint {
        Endpoint::Session => format!("#{id} is not in the local store; {hint}"),
        Endpoint::Transcript => {
            format!("the chat transcript of #{id} is not in the local store; {hint}")
        }
        Endpoint::Links => "partner links are not available offline".to_string(),
        Endpoint::SessionList => "the session list is not available offline".to_string(),
    }
}

fn not_found_text(endpoint: Endpoint, id: &str) -> String {
    match endpoint {
        Endpoint::Session => format!("session {id} was not found for this account"),
        Endpoint::Transcript => format!("session {id} has no chat transcript"),
        Endpoint::Links => "no partner links endpoint at this address".to_string(),
        Endpoint::SessionList => "no session list at this address".to_string(),
    }
}

fn with_excerpt(excerpt: &str) -> String {
    if excerpt.is_empty() {
        String::new()
    } else {
        format!(": {excerpt}")
    }
}

fn describe_body(content_type: &str, excerpt: &str) -> String {
    let ct = if content_type.is_empty() {
        "no content type".to_string()
    } else {
        content_type.to_string()
    };
    if excerpt.is_empty() {
        format!("empty body ({ct})")
    } else {
        format!("{ct}: \"{excerpt}\"")
    }
}

impl ApiError {
    /// One line telling the technician what to do about it.
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            ApiError::NoToken => "run `g2a-tui auth login`, or pass --token TOKEN / set G2A_TOKEN to an OAuth access token (or try --demo)".into(),
            ApiError::MalformedToken => "check the token for stray quotes, spaces or line breaks".into(),
            ApiError::InvalidSessionId(_) => "give the session id or session token as shown in GoToAssist".into(),
            ApiError::InvalidBaseUrl { .. } => "--base-url / G2A_BASE_URL takes the API root, e.g. https://api.getgo.com".into(),
            ApiError::CaFile { .. } => "--ca-file / G2A_CA_FILE takes a PEM file of one or more CA certificates (-----BEGIN CERTIFICATE-----)".into(),
            ApiError::Unauthorized { .. } => "the token is invalid or expired, or this technician has no Remote Support seat; get a new token (they last 60 minutes)".into(),
            ApiError::InvalidToken { .. } => "get a new access token (they last 60 minutes) and pass it with --token or G2A_TOKEN".into(),
            ApiError::Forbidden { .. } => "this user lacks the roles needed to read it; ask an account administrator".into(),
            ApiError::NotFound { endpoint: Endpoint::Session, .. } => "check the id; sessions are kept about 30 days after they end, and only for accounts this user can see".into(),
            // The list and links endpoints exist on the real API: a 404 there means the address is wrong.
            ApiError::NotFound { .. } => "check --base-url points at the Remote Support API (https://api.getgo.com)".into(),
            ApiError::NotTheApi { .. } => "check --base-url / G2A_BASE_URL: it takes the API root, https://api.getgo.com".into(),
            ApiError::BadRequest { endpoint: Endpoint::Links, .. } => "the system domain is missing or unknown: pass --system-domain DOMAIN or set G2A_SYSTEM_DOMAIN".into(),
            ApiError::BadRequest { .. } => "the request is missing a required parameter, or the portal has not been created for this account".into(),
            ApiError::MethodNotAllowed { .. } => "the server refused a GET here; check --base-url points at the Remote Support API".into(),
            ApiError::RateLimited { retry_after: Some(s), .. } => format!(
                "the server asks to wait {} before the next request",
                crate::timefmt::duration(chrono::TimeDelta::seconds(i64::try_from(*s).unwrap_or(i64::MAX / 1000)))
            ),
            ApiError::RateLimited { .. } => "about 10 requests per second are allowed; wait a moment and refresh".into(),
            ApiError::Server { .. } => "the GoToAssist service failed; try again later".into(),
            ApiError::UnexpectedStatus { .. } => "check --base-url points at the Remote Support API".into(),
            ApiError::Timeout { .. } => "the server did not answer in time; check the network or raise --timeout".into(),
            ApiError::Connect { .. } => "check the network connection and --base-url".into(),
            ApiError::Certificate { .. } => "behind a company proxy that inspects TLS, pass its CA certificate with --ca-file PATH (G2A_CA_FILE); otherwise check --base-url".into(),
            ApiError::ConnectTimeout { .. } => "check the network connection and --base-url; a firewall may be dropping the connection".into(),
            ApiError::Proxy { .. } => "check HTTPS_PROXY / HTTP_PROXY / ALL_PROXY, or add the host to NO_PROXY".into(),
            ApiError::InsecureHttp { .. } => "use https://, or pass --allow-insecure-http (G2A_ALLOW_INSECURE_HTTP) if the network is trusted".into(),
            ApiError::Redirect { .. } => "check --base-url: it should name the API root the server answers on itself".into(),
            ApiError::Network { .. } => "check the network connection and try again".into(),
            ApiError::NotJson { excerpt, .. } if excerpt.is_empty() => "the server sent nothing; try again, and check --base-url if it goes on".into(),
            ApiError::NotJson { .. } => "a proxy or login page may be in the way; check --base-url".into(),
            ApiError::UnreadableJson { endpoint: Endpoint::Transcript, detail, .. } if detail.contains("more than g2a-tui keeps") => "`g2a-tui print ID --format json > FILE` writes a transcript this large whole (it is passed through, not kept)".into(),
            ApiError::UnreadableJson { detail, .. } if detail.contains("more than g2a-tui keeps") => "no answer of this API holds that many: check --base-url".into(),
            ApiError::UnreadableJson { .. } => "the API answered in a form this version does not know".into(),
            ApiError::BadShape { .. } => "the API answered in a form this version does not know".into(),
            ApiError::TooLarge { .. } => "check --base-url points at the Remote Support API, or raise --max-body-mb".into(),
            ApiError::Truncated { .. } => "the connection broke while the answer arrived; fetch again".into(),
            ApiError::Internal { .. } => "a bug in g2a-tui; fetch again, and report it if it happens again".into(),
            ApiError::Auth(e) => return e.hint(),
            // The message already says what to do.
            ApiError::Offline { .. } => return None,
        })
    }

    /// `--offline` and the partner links: not a failure, only what offline means.
    pub fn is_offline_links(&self) -> bool {
        matches!(
            self,
            ApiError::Offline {
                endpoint: Endpoint::Links,
                ..
            }
        )
    }

    pub fn class(&self) -> ErrorClass {
        match self {
            ApiError::InvalidSessionId(_)
            | ApiError::InvalidBaseUrl { .. }
            | ApiError::CaFile { .. }
            | ApiError::InsecureHttp { .. } => ErrorClass::Usage,
            ApiError::NoToken
            | ApiError::MalformedToken
            | ApiError::Unauthorized { .. }
            | ApiError::InvalidToken { .. }
            | ApiError::Forbidden { .. } => ErrorClass::Auth,
            ApiError::NotFound {
                endpoint: Endpoint::Session | Endpoint::Transcript,
                ..
            } => ErrorClass::NotFound,
            ApiError::Auth(e) => e.class(),
            ApiError::Offline {
                endpoint: Endpoint::Session | Endpoint::Transcript,
                ..
            } => ErrorClass::NotFound,
            _ => ErrorClass::Api,
        }
    }

    /// The network, not the server's judgement, failed (connect, timeout, 5xx): a stored
    /// copy may stand in. A 401/403/404 is an answer and is never papered over.
    pub fn is_network(&self) -> bool {
        matches!(
            self,
            ApiError::Connect { .. }
                | ApiError::ConnectTimeout { .. }
                | ApiError::Proxy { .. }
                | ApiError::Timeout { .. }
                | ApiError::Network { .. }
        ) || self.status().is_some_and(|s| s >= 500)
    }

    /// The HTTP status, where the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::InvalidToken { .. } | ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound { .. } => Some(404),
            ApiError::BadRequest { .. } => Some(400),
            ApiError::MethodNotAllowed { .. } => Some(405),
            ApiError::RateLimited { .. } => Some(429),
            ApiError::Server { status, .. }
            | ApiError::UnexpectedStatus { status, .. }
            | ApiError::NotJson { status, .. }
            | ApiError::UnreadableJson { status, .. }
            | ApiError::NotTheApi { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// The message and its hint, for places that show both on one screen line.
pub struct WithHint<'a>(pub &'a ApiError);

impl fmt::Display for WithHint<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        if let Some(h) = self.0.hint() {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

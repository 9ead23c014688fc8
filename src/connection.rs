//! Where the data comes from: the real API, or the bundled demo API started in-process
//! on loopback. Both end in the same [`Client`], so `--demo` runs the real code path.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use crate::api::retry::RetryPolicy;
use crate::api::{ApiError, AuthScheme, Client, ClientConfig};
use crate::auth::{self, CredentialsFile, Secret, Tokens};
use crate::demo::{self, DemoServer};
use crate::store::StoreSettings;

/// What every mode needs to know to reach the API, free of any command-line types
/// (`cli::CommonArgs::settings` builds it).
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    /// Use the bundled demo API, started in-process on loopback.
    pub demo: bool,
    pub base_url: String,
    pub token: Option<String>,
    pub auth_scheme: AuthScheme,
    /// Partner system domain for the links pane.
    pub system_domain: Option<String>,
    /// Per request.
    pub timeout: Duration,
    /// `--retries`: further attempts of a GET that failed on the way; 0 turns them off.
    pub retries: u32,
    /// `--allow-insecure-http`: an `http://` base URL on another machine is taken.
    pub allow_insecure_http: bool,
    /// `--ca-file`: CA certificates trusted besides the built-in roots.
    pub ca_file: Option<std::path::PathBuf>,
    /// `--max-body-mb`: the largest answer taken; `None` keeps each answer's default.
    pub max_body_mb: Option<u64>,
    /// Times in UTC instead of the local zone.
    pub utc: bool,
    /// Where the local store is, and whether to use it.
    pub store: StoreSettings,
    /// Read only the store; make no request.
    pub offline: bool,
    /// Sign-in (issue 9): the token endpoint, the OAuth client, and a command whose
    /// standard output is the token. Read from the config file and the environment;
    /// not used yet.
    pub auth_url: String,
    pub client_id: Option<String>,
    pub token_command: Option<Vec<String>>,
}

/// GoTo's token endpoint.
pub const DEFAULT_AUTH_URL: &str = "https://authentication.logmeininc.com/oauth/token";

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("demo", &self.demo)
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "<hidden>"))
            .field("auth_scheme", &self.auth_scheme)
            .field("system_domain", &self.system_domain)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("ca_file", &self.ca_file)
            .field("max_body_mb", &self.max_body_mb)
            .field("utc", &self.utc)
            .field("store", &self.store)
            .field("offline", &self.offline)
            .field("auth_url", &self.auth_url)
            .field("client_id", &self.client_id)
            // Its arguments may hold a secret.
            .field(
                "token_command",
                &self.token_command.as_ref().map(|_| "<hidden>"),
            )
            .finish()
    }
}

/// A ready client and what to read with it. Holds the demo server alive in demo mode.
pub struct Connection {
    pub client: Client,
    pub system_domain: Option<String>,
    pub demo: Option<DemoServer>,
}

/// The client with `--max-body-mb`, when given.
fn with_limit(client: Client, settings: &Settings) -> Client {
    match settings.max_body_mb {
        Some(mib) => client.with_max_body(
            usize::try_from(mib)
                .unwrap_or(usize::MAX)
                .saturating_mul(1024 * 1024),
        ),
        None => client,
    }
}

impl Connection {
    /// In demo mode the demo's own system domain is used unless `--system-domain` (or
    /// its env var) names another.
    ///
    /// `--offline` needs no token and starts nothing: its client never sends a request.
    pub async fn open(settings: &Settings) -> Result<Self, ApiError> {
        let timeout = settings.timeout;
        if settings.offline {
            return Ok(Connection {
                client: Client::offline()?,
                system_domain: non_empty(&settings.system_domain)
                    .or_else(|| settings.demo.then(|| demo::SYSTEM_DOMAIN.to_string())),
                demo: None,
            });
        }
        if settings.demo {
            let server = DemoServer::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .await
                .map_err(|e| ApiError::Connect {
                    host: "the demo API".into(),
                    detail: format!("could not start it on loopback: {e}"),
                })?;
            let client = Client::new(&ClientConfig {
                base_url: server.base_url(),
                token: Some(demo::TOKEN.to_string()),
                auth_scheme: settings.auth_scheme,
                timeout,
                retry: RetryPolicy::with_retries(settings.retries),
                ..ClientConfig::default()
            })?;
            let client = with_limit(client, settings);
            let system_domain = non_empty(&settings.system_domain)
                .or_else(|| Some(demo::SYSTEM_DOMAIN.to_string()));
            return Ok(Connection {
                client,
                system_domain,
                demo: Some(server),
            });
        }
        // The base URL is checked before any token is looked for or any helper runs.
        let config = ClientConfig {
            base_url: settings.base_url.clone(),
            token: None,
            auth_scheme: settings.auth_scheme,
            timeout,
            retry: RetryPolicy::with_retries(settings.retries),
            allow_insecure_http: settings.allow_insecure_http,
            extra_roots: extra_roots(settings)?,
            ..ClientConfig::default()
        };
        crate::api::client::check_base_url(&config.base_url, config.allow_insecure_http)?;
        let client = Client::with_tokens(&config, tokens(settings).await?)?;
        let client = with_limit(client, settings);
        Ok(Connection {
            client,
            system_domain: settings
                .system_domain
                .clone()
                .filter(|d| !d.trim().is_empty()),
            demo: None,
        })
    }
}

/// Where the access token comes from, first match wins: `--token` / `G2A_TOKEN`, then
/// `token_command`, then the stored sign-in (`g2a-tui auth login`). Only the last is
/// ever refreshed.
pub async fn tokens(settings: &Settings) -> Result<Tokens, ApiError> {
    if let Some(token) = settings
        .token
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        return Ok(Tokens::given(Secret::new(token)));
    }
    if let Some(command) = settings
        .token_command
        .as_deref()
        .filter(|argv| argv.first().is_some_and(|p| !p.trim().is_empty()))
    {
        return Ok(Tokens::given(
            auth::command::run(command, settings.timeout).await?,
        ));
    }
    // Without a data directory there is no sign-in to find: no token, as without a file.
    let file = match CredentialsFile::default_location() {
        Ok(file) if file.exists() => file,
        _ => return Err(ApiError::NoToken),
    };
    Ok(Tokens::stored_trusting(
        file,
        settings.timeout,
        extra_roots(settings)?,
    )?)
}

/// `--ca-file`'s certificates, or none.
pub fn extra_roots(settings: &Settings) -> Result<Vec<reqwest::Certificate>, ApiError> {
    match &settings.ca_file {
        Some(path) => crate::api::client::read_ca_file(path),
        None => Ok(Vec::new()),
    }
}

fn non_empty(domain: &Option<String>) -> Option<String> {
    domain.clone().filter(|d| !d.trim().is_empty())
}

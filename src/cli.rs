//! The command line. These names are a contract other issues and tests rely on.
//! clap stays here (and in main.rs): [`CommonArgs::settings`] maps the options into
//! plain [`Settings`] that the rest of the program takes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory, FromArgMatches};

use crate::api::retry::{DEFAULT_RETRIES, MAX_RETRIES};
use crate::api::{AuthScheme, DEFAULT_BASE_URL};
use crate::config::{FileConfig, Origin, Resolved};
use crate::connection::{Settings, DEFAULT_AUTH_URL};
use crate::logging::{self, LogLevel};
use crate::store::StoreSettings;
use crate::ui::theme::ThemeName;

pub const EXIT_CODES: &str = "\
Exit status:
  0  success (also when the session has no chat transcript)
  1  the viewer itself failed (terminal error), or a `store` command could
     not use the store
  2  usage error (bad option, missing or invalid session id, bad base URL:
     also one with a password, or http:// to another machine without
     --allow-insecure-http; --offline without a usable store, or the viewer
     started without a terminal: use `print` for pipes)
  3  authentication failed (no, invalid or expired token, access denied,
     or a refused refresh: run `g2a-tui auth login` again)
  4  the session was not found
  5  any other API or network failure
  128+N  the viewer was ended by signal N (SIGHUP, SIGINT, SIGQUIT, SIGTERM)";

#[derive(Debug, Parser)]
#[command(
    name = "g2a-tui",
    version,
    about = "Browse one GoToAssist Remote Support session: details, web-chat transcript, partner links",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub common: CommonArgs,

    /// Session id (or session token) to open; optional with --demo
    #[arg(value_name = "SESSION_ID")]
    pub session_id: Option<String>,

    /// While a session is waiting or active, fetch it again every SECONDS (0: never)
    #[arg(long, env = "G2A_POLL", hide_env_values = true, default_value_t = 5, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub poll: u64,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the session, transcript and partner links to stdout
    Print(PrintArgs),
    /// Print the sessions of the last days (newest first), as the session list shows them
    List(ListArgs),
    /// Search every stored chat transcript (no token or network needed)
    Search(SearchArgs),
    /// Fetch the list and every listed session and transcript not stored yet
    Sync(SyncArgs),
    /// Look after the local store: info, prune, clear (no token or network needed)
    Store(StoreArgs),
    /// Sign in with a GoTo personal access token, see who is signed in, sign out
    Auth(AuthArgs),
    /// Serve the bundled demo API until Ctrl-C
    DemoServer(DemoServerArgs),
    /// Show the effective settings and where each came from; `config init` writes a default file
    Config(ConfigArgs),
    /// Print a shell completion script to stdout
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout
    Man,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub command: Option<ConfigCommand>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write a commented default config file (never over an existing one)
    Init,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// How many days back from now
    #[arg(long, default_value_t = 7, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,

    /// Output format
    #[arg(long, value_enum, default_value_t = ListFormatArg::Text)]
    pub format: ListFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormatArg {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// What to look for: words, "a phrase", prefix* (several words are one query)
    #[arg(value_name = "QUERY", required = true, num_args = 1..)]
    pub query: Vec<String>,

    /// Only sessions started in the last N days
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub days: Option<u32>,

    /// Output format
    #[arg(long, value_enum, default_value_t = SearchFormatArg::Text)]
    pub format: SearchFormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormatArg {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// How many days back from now
    #[arg(long, default_value_t = 30, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub days: u32,
}

#[derive(Debug, Args)]
pub struct AuthArgs {
    #[command(subcommand)]
    pub command: AuthCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Sign in with a personal access token; asks for what is missing (on a pipe,
    /// reads the client secret and then the token as two lines)
    Login(LoginArgs),
    /// Who is signed in and until when (never a token)
    Status,
    /// Remove the stored credentials
    Logout,
    /// Print the current access token (refreshed if needed) and only that
    Token,
}

#[derive(Debug, Args)]
pub struct LoginArgs {
    /// The OAuth token endpoint [default: https://authentication.logmeininc.com/oauth/token]
    #[arg(long, env = "G2A_AUTH_URL", hide_env_values = true, value_name = "URL")]
    pub auth_url: Option<String>,

    /// The OAuth client id (asked for when missing)
    #[arg(long, env = "G2A_CLIENT_ID", hide_env_values = true, value_name = "ID")]
    pub client_id: Option<String>,
}

#[derive(Debug, Args)]
pub struct StoreArgs {
    #[command(subcommand)]
    pub command: StoreCommand,
}

#[derive(Debug, Subcommand)]
pub enum StoreCommand {
    /// Print the store's path, size, counts and oldest session
    Info,
    /// Remove sessions not seen for more than DAYS days
    Prune {
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(0..=36500))]
        older_than: u32,
    },
    /// Remove every stored session and transcript
    Clear,
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Session id (or session token); optional with --demo
    #[arg(value_name = "SESSION_ID")]
    pub session_id: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Show partner userTokens instead of masking them
    #[arg(long)]
    pub reveal_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Markdown,
    Json,
    Csv,
}

impl From<FormatArg> for crate::print::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Self::Text,
            FormatArg::Markdown => Self::Markdown,
            FormatArg::Json => Self::Json,
            FormatArg::Csv => Self::Csv,
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoServerArgs {
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
}

#[derive(Debug, Clone, Args)]
pub struct CommonArgs {
    /// The config file [default: <config dir>/g2a-tui/config.toml]
    #[arg(
        long,
        env = "G2A_CONFIG",
        hide_env_values = true,
        global = true,
        value_name = "PATH"
    )]
    pub config: Option<PathBuf>,

    /// Start the bundled demo API in-process on a loopback port and use it (no token needed)
    #[arg(long, global = true)]
    pub demo: bool,

    /// API root (a trailing /G2A/rest/v1 is accepted)
    #[arg(long, env = "G2A_BASE_URL", hide_env_values = true, default_value = DEFAULT_BASE_URL, global = true, value_name = "URL")]
    pub base_url: String,

    /// OAuth access token
    #[arg(
        long,
        env = "G2A_TOKEN",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,

    /// A command whose standard output is the access token (run without a shell)
    #[arg(
        long,
        env = "G2A_TOKEN_COMMAND",
        hide_env_values = true,
        global = true,
        value_name = "COMMAND"
    )]
    pub token_command: Option<String>,

    /// How the token is sent: 'Authorization: Bearer T' or 'Authorization: OAuth oauth_token=T'
    #[arg(long, env = "G2A_AUTH_SCHEME", hide_env_values = true, value_enum, default_value_t = AuthSchemeArg::Bearer, global = true)]
    pub auth_scheme: AuthSchemeArg,

    /// Partner system domain for the links pane
    #[arg(
        long,
        env = "G2A_SYSTEM_DOMAIN",
        hide_env_values = true,
        global = true,
        value_name = "DOMAIN"
    )]
    pub system_domain: Option<String>,

    /// Seconds an answer may take to begin, and the longest pause while it arrives
    #[arg(long, env = "G2A_TIMEOUT", hide_env_values = true, default_value_t = 30, global = true, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

    /// Ask a failed GET again up to N times (connection errors, timeouts, 429, 502-504); 0 turns retries off
    #[arg(long, env = "G2A_RETRIES", hide_env_values = true, default_value_t = DEFAULT_RETRIES, global = true, value_name = "N",
          value_parser = clap::value_parser!(u32).range(0..=MAX_RETRIES as i64))]
    pub retries: u32,

    /// Send the token over plain http:// to a host that is not this machine
    #[arg(long, env = "G2A_ALLOW_INSECURE_HTTP", global = true, action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new(), hide_env_values = true)]
    pub allow_insecure_http: bool,

    /// Trust the CA certificates in this PEM file too (a company's TLS-inspecting proxy)
    #[arg(
        long,
        env = "G2A_CA_FILE",
        hide_env_values = true,
        global = true,
        value_name = "PATH"
    )]
    pub ca_file: Option<PathBuf>,

    /// Largest answer taken, in MiB (default 1024 for a transcript, 256 for the rest)
    #[arg(long, env = "G2A_MAX_BODY_MB", hide_env_values = true, global = true, value_name = "MIB",
          value_parser = clap::value_parser!(u64).range(1..=65536))]
    pub max_body_mb: Option<u64>,

    /// Show times in UTC instead of the local zone
    #[arg(long, global = true)]
    pub utc: bool,

    /// The local store's file [default: <data dir>/g2a-tui/store.sqlite3]
    #[arg(
        long,
        env = "G2A_STORE",
        hide_env_values = true,
        global = true,
        value_name = "PATH"
    )]
    pub store: Option<PathBuf>,

    /// Store nothing and read nothing from the store
    #[arg(long, env = "G2A_NO_STORE", global = true, action = ArgAction::SetTrue,
          value_parser = BoolishValueParser::new(), hide_env_values = true)]
    pub no_store: bool,

    /// Read only the local store and make no request (no token needed)
    #[arg(long, global = true)]
    pub offline: bool,

    /// Prune stored sessions not seen for this many days
    #[arg(long, env = "G2A_KEEP_DAYS", hide_env_values = true, default_value_t = 90, global = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub keep_days: u32,

    /// Colours: dark, light or mono (NO_COLOR forces mono)
    #[arg(long, env = "G2A_THEME", hide_env_values = true, value_enum, default_value_t = ThemeArg::Dark, global = true)]
    pub theme: ThemeArg,

    /// Write a log (requests, statuses, timings, the store's work; never a token or
    /// message text) to this file; G2A_LOG may lead with a level: debug:/tmp/g2a.log
    #[arg(
        long,
        env = "G2A_LOG",
        hide_env_values = true,
        global = true,
        value_name = "PATH"
    )]
    pub log_file: Option<PathBuf>,

    /// How much --log-file gets: error, warn, info, debug or trace [default: info]
    #[arg(
        long,
        env = "G2A_LOG_LEVEL",
        hide_env_values = true,
        value_enum,
        global = true,
        value_name = "LEVEL"
    )]
    pub log_level: Option<LogLevelArg>,
}

/// `--log-level` as clap reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogLevelArg {
    Error,
    Warn,
    Info,
    Debug,
    Trace,
}

impl From<LogLevelArg> for LogLevel {
    fn from(arg: LogLevelArg) -> Self {
        match arg {
            LogLevelArg::Error => LogLevel::Error,
            LogLevelArg::Warn => LogLevel::Warn,
            LogLevelArg::Info => LogLevel::Info,
            LogLevelArg::Debug => LogLevel::Debug,
            LogLevelArg::Trace => LogLevel::Trace,
        }
    }
}

/// `--theme` as clap reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ThemeArg {
    #[default]
    Dark,
    Light,
    Mono,
}

impl From<ThemeArg> for ThemeName {
    fn from(arg: ThemeArg) -> Self {
        match arg {
            ThemeArg::Dark => ThemeName::Dark,
            ThemeArg::Light => ThemeName::Light,
            ThemeArg::Mono => ThemeName::Mono,
        }
    }
}

/// The completion script for `shell`, as `g2a-tui completions SHELL` prints it.
pub fn completions(shell: clap_complete::Shell) -> String {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "g2a-tui", &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// The manual page in roff, as `g2a-tui man` prints it.
pub fn man() -> String {
    let mut out = Vec::new();
    // Rendering into memory cannot fail for want of room.
    let _ = clap_mangen::Man::new(Cli::command()).render(&mut out);
    let page = String::from_utf8_lossy(&out);
    // clap_mangen defines its quote string before `.TH`; a man page conventionally
    // (and for tools such as `file` and mandb) opens with `.TH`, and the definition
    // works as well after it.
    let (before, after): (Vec<&str>, Vec<&str>) = {
        let lines: Vec<&str> = page.lines().collect();
        let at = lines.iter().position(|l| l.starts_with(".TH")).unwrap_or(0);
        (lines[..at].to_vec(), lines[at..].to_vec())
    };
    let mut text = String::new();
    for line in after
        .iter()
        .take(1)
        .chain(&before)
        .chain(after.iter().skip(1))
    {
        text.push_str(line);
        text.push('\n');
    }
    text
}

/// Which of the viewer's streams is not a terminal, said so a user knows what to fix.
pub fn not_a_terminal(stdin_is_tty: bool, stdout_is_tty: bool) -> Option<&'static str> {
    match (stdin_is_tty, stdout_is_tty) {
        (true, true) => None,
        (false, true) => Some("standard input is not a terminal"),
        (true, false) => Some("standard output is not a terminal"),
        (false, false) => Some("standard input and standard output are not terminals"),
    }
}

/// The command line as parsed, with clap's record of where each value came from
/// (flag, environment or default), which the config file's layering needs.
pub struct Parsed {
    pub cli: Cli,
    pub matches: ArgMatches,
}

impl Parsed {
    /// Parses the process's arguments; exits with clap's message on a usage error.
    pub fn from_env() -> Parsed {
        let matches = Cli::command().get_matches();
        match Cli::from_arg_matches(&matches) {
            Ok(cli) => Parsed { cli, matches },
            Err(e) => e.exit(),
        }
    }

    pub fn try_from<I, T>(args: I) -> Result<Parsed, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Cli::command().try_get_matches_from(args)?;
        let cli = Cli::from_arg_matches(&matches)?;
        Ok(Parsed { cli, matches })
    }

    /// Where a value given on the command line or in the environment came from.
    fn given<T>(&self, id: &str, value: T) -> Option<(T, Origin)> {
        match self.matches.value_source(id) {
            Some(ValueSource::CommandLine) => Some((value, Origin::Flag)),
            Some(ValueSource::EnvVariable) => Some((value, Origin::Env)),
            _ => None,
        }
    }

    /// Every setting, layered: flags, then the environment, then the file, then the
    /// defaults. `no_color` is NO_COLOR's verdict, which forces the mono theme.
    pub fn resolve(&self, file: &FileConfig, no_color: bool) -> Effective {
        let c = &self.cli.common;
        let env_only = |var: &str| {
            std::env::var(var)
                .ok()
                .filter(|v| !v.trim().is_empty())
                .map(|v| (v, Origin::Env))
        };
        let mut theme = Resolved::pick(
            self.given("theme", ThemeName::from(c.theme)),
            file.theme,
            ThemeName::Dark,
        );
        if no_color {
            theme = Resolved {
                value: ThemeName::Mono,
                origin: Origin::Env,
            };
        }
        let (log_file, log_level) = self.log(file);
        Effective {
            base_url: Resolved::pick(
                self.given("base_url", c.base_url.clone()),
                file.base_url.clone(),
                DEFAULT_BASE_URL.to_string(),
            ),
            system_domain: Resolved::pick(
                c.system_domain
                    .clone()
                    .and_then(|d| self.given("system_domain", Some(d))),
                file.system_domain.clone().map(Some),
                None,
            ),
            auth_scheme: Resolved::pick(
                self.given("auth_scheme", c.auth_scheme.into()),
                file.auth_scheme,
                AuthScheme::Bearer,
            ),
            timeout_secs: Resolved::pick(self.given("timeout", c.timeout), file.timeout_secs, 30),
            retries: Resolved::pick(
                self.given("retries", c.retries),
                file.retries,
                DEFAULT_RETRIES,
            ),
            allow_insecure_http: Resolved::pick(
                self.given("allow_insecure_http", c.allow_insecure_http),
                file.allow_insecure_http,
                false,
            ),
            ca_file: Resolved::pick(
                c.ca_file
                    .clone()
                    .and_then(|p| self.given("ca_file", Some(p))),
                file.ca_file.clone().map(Some),
                None,
            ),
            max_body_mb: Resolved::pick(
                c.max_body_mb
                    .and_then(|m| self.given("max_body_mb", Some(m))),
                file.max_body_mb.map(Some),
                None,
            ),
            poll_secs: Resolved::pick(self.given("poll", self.cli.poll), file.poll_secs, 5),
            keep_days: Resolved::pick(self.given("keep_days", c.keep_days), file.keep_days, 90),
            store: Resolved::pick(self.given("no_store", !c.no_store), file.store, true),
            store_path: Resolved::pick(
                c.store.clone().and_then(|p| self.given("store", Some(p))),
                None,
                None,
            ),
            theme,
            no_color,
            auth_url: Resolved::pick(
                env_only("G2A_AUTH_URL"),
                file.auth_url.clone(),
                DEFAULT_AUTH_URL.to_string(),
            ),
            client_id: Resolved::pick(
                env_only("G2A_CLIENT_ID").map(|(v, o)| (Some(v), o)),
                file.client_id.clone().map(Some),
                None,
            ),
            token_command: Resolved::pick(
                c.token_command
                    .clone()
                    .and_then(|v| self.given("token_command", v))
                    .map(|(v, o)| (Some(split_command(&v)), o)),
                file.token_command.clone().map(Some),
                None,
            ),
            token: c.token.clone().and_then(|t| self.given("token", t)),
            log_file,
            log_level,
        }
    }

    /// The log file and level. A level leading `G2A_LOG` (`debug:/tmp/g2a.log`) belongs
    /// to that file: it counts when the file is the environment's, under
    /// `--log-level`/`G2A_LOG_LEVEL`.
    fn log(&self, file: &FileConfig) -> (Resolved<Option<PathBuf>>, Resolved<LogLevel>) {
        let c = &self.cli.common;
        let given = c
            .log_file
            .clone()
            .and_then(|p| self.given("log_file", p))
            .map(|(path, origin)| match (origin, path.to_str()) {
                (Origin::Env, Some(raw)) => {
                    let (level, path) = logging::split_env(raw);
                    (Some(PathBuf::from(path)), level, origin)
                }
                _ => (Some(path), None, origin),
            });
        let env_level = given
            .as_ref()
            .and_then(|(_, level, _)| level.map(|l| (l, Origin::Env)));
        let log_file = Resolved::pick(
            given.map(|(path, _, origin)| (path, origin)),
            file.log_file.clone().map(Some),
            None,
        );
        let level = c
            .log_level
            .and_then(|l| self.given("log_level", LogLevel::from(l)))
            .or(env_level);
        let log_level = Resolved::pick(level, file.log_level, LogLevel::default());
        (log_file, log_level)
    }
}

/// Every setting with where it came from, for the program and for `g2a-tui config`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Effective {
    pub base_url: Resolved<String>,
    pub system_domain: Resolved<Option<String>>,
    pub auth_scheme: Resolved<AuthScheme>,
    pub timeout_secs: Resolved<u64>,
    pub retries: Resolved<u32>,
    pub allow_insecure_http: Resolved<bool>,
    pub ca_file: Resolved<Option<PathBuf>>,
    /// `--max-body-mb`: `None` keeps each answer's default.
    pub max_body_mb: Resolved<Option<u64>>,
    pub poll_secs: Resolved<u64>,
    pub keep_days: Resolved<u32>,
    pub store: Resolved<bool>,
    /// `--store PATH` / `G2A_STORE` (not a file key: a config file names no data files).
    pub store_path: Resolved<Option<PathBuf>>,
    pub theme: Resolved<ThemeName>,
    /// NO_COLOR is set: the theme is mono whatever else says so.
    pub no_color: bool,
    pub auth_url: Resolved<String>,
    pub client_id: Resolved<Option<String>>,
    pub token_command: Resolved<Option<Vec<String>>>,
    /// `--token` or `G2A_TOKEN` (never in the file).
    pub token: Option<(String, Origin)>,
    /// `--log-file` / `G2A_LOG` / `log_file`: nothing is logged without one.
    pub log_file: Resolved<Option<PathBuf>>,
    pub log_level: Resolved<LogLevel>,
}

impl Effective {
    /// The settings every mode takes, with what only the command line says
    /// (`--demo`, `--utc`, `--offline`, `--store PATH`).
    pub fn settings(&self, common: &CommonArgs) -> Settings {
        Settings {
            demo: common.demo,
            base_url: self.base_url.value.clone(),
            token: self.token.as_ref().map(|(t, _)| t.clone()),
            auth_scheme: self.auth_scheme.value,
            system_domain: self.system_domain.value.clone(),
            timeout: Duration::from_secs(self.timeout_secs.value),
            retries: self.retries.value,
            allow_insecure_http: self.allow_insecure_http.value,
            ca_file: self.ca_file.value.clone(),
            max_body_mb: self.max_body_mb.value,
            utc: common.utc,
            store: StoreSettings {
                path: common.store.clone(),
                enabled: self.store.value,
                keep_days: self.keep_days.value,
            },
            offline: common.offline,
            auth_url: self.auth_url.value.clone(),
            client_id: self.client_id.value.clone(),
            token_command: self.token_command.value.clone(),
        }
    }

    /// `(key, value, origin)` rows for `g2a-tui config`; secrets shown only as set.
    pub fn rows(&self) -> Vec<(&'static str, String, Origin)> {
        fn opt(v: &Option<String>) -> String {
            v.clone().unwrap_or_else(|| "(none)".into())
        }
        let scheme = match self.auth_scheme.value {
            AuthScheme::Bearer => "bearer",
            AuthScheme::Oauth => "oauth",
        };
        let theme = if self.no_color {
            "mono (NO_COLOR is set)".to_string()
        } else {
            self.theme.value.name().to_string()
        };
        // The command is shown by its program only: its arguments may hold a secret.
        let command = match &self.token_command.value {
            None => "(none)".to_string(),
            Some(argv) => match argv.split_first() {
                Some((program, [])) => program.clone(),
                Some((program, args)) => format!("{program} (+{} arguments, hidden)", args.len()),
                None => "(none)".to_string(),
            },
        };
        let (token, token_origin) = match &self.token {
            Some((_, origin)) => ("set (hidden)".to_string(), *origin),
            None => ("not set".to_string(), Origin::Default),
        };
        vec![
            (
                "base_url",
                shown_base_url(&self.base_url.value),
                self.base_url.origin,
            ),
            (
                "system_domain",
                opt(&self.system_domain.value),
                self.system_domain.origin,
            ),
            ("auth_scheme", scheme.to_string(), self.auth_scheme.origin),
            (
                "timeout_secs",
                self.timeout_secs.value.to_string(),
                self.timeout_secs.origin,
            ),
            (
                "retries",
                self.retries.value.to_string(),
                self.retries.origin,
            ),
            (
                "allow_insecure_http",
                self.allow_insecure_http.value.to_string(),
                self.allow_insecure_http.origin,
            ),
            (
                "ca_file",
                self.ca_file.value.as_ref().map_or_else(
                    || "(none: the built-in roots)".into(),
                    |p| p.display().to_string(),
                ),
                self.ca_file.origin,
            ),
            (
                "max_body_mb",
                self.max_body_mb.value.map_or_else(
                    || "1024 for a transcript, 256 for the rest".to_string(),
                    |m| m.to_string(),
                ),
                self.max_body_mb.origin,
            ),
            (
                "poll_secs",
                self.poll_secs.value.to_string(),
                self.poll_secs.origin,
            ),
            (
                "keep_days",
                self.keep_days.value.to_string(),
                self.keep_days.origin,
            ),
            ("store", self.store.value.to_string(), self.store.origin),
            (
                "store_path",
                self.store_path
                    .value
                    .clone()
                    .or_else(crate::store::default_path)
                    .map_or_else(|| "(no data directory)".into(), |p| p.display().to_string()),
                self.store_path.origin,
            ),
            ("theme", theme, self.theme.origin),
            (
                "auth_url",
                self.auth_url.value.clone(),
                self.auth_url.origin,
            ),
            (
                "client_id",
                opt(&self.client_id.value),
                self.client_id.origin,
            ),
            ("token_command", command, self.token_command.origin),
            ("token", token, token_origin),
            (
                "log_file",
                self.log_file.value.as_ref().map_or_else(
                    || "(none: nothing is logged)".into(),
                    |p| p.display().to_string(),
                ),
                self.log_file.origin,
            ),
            (
                "log_level",
                self.log_level.value.name().to_string(),
                self.log_level.origin,
            ),
        ]
    }
}

impl CommonArgs {
    /// The options as plain settings without a config file (flags, environment and
    /// defaults only). Only the tests of the flags themselves use it: the program goes
    /// through [`Parsed::resolve`], so the config file is never skipped by mistake.
    #[cfg(test)]
    pub fn settings(&self) -> Settings {
        Settings {
            demo: self.demo,
            base_url: self.base_url.clone(),
            token: self.token.clone(),
            auth_scheme: self.auth_scheme.into(),
            system_domain: self.system_domain.clone(),
            timeout: Duration::from_secs(self.timeout),
            retries: self.retries,
            allow_insecure_http: self.allow_insecure_http,
            ca_file: self.ca_file.clone(),
            max_body_mb: self.max_body_mb,
            utc: self.utc,
            store: StoreSettings {
                path: self.store.clone(),
                enabled: !self.no_store,
                keep_days: self.keep_days,
            },
            offline: self.offline,
            auth_url: DEFAULT_AUTH_URL.to_string(),
            client_id: None,
            token_command: None,
        }
    }
}

/// `--auth-scheme` as clap reads it; [`AuthScheme`] is the API's own type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum AuthSchemeArg {
    /// `Authorization: Bearer TOKEN`
    #[default]
    Bearer,
    /// `Authorization: OAuth oauth_token=TOKEN`
    Oauth,
}

impl From<AuthSchemeArg> for AuthScheme {
    fn from(arg: AuthSchemeArg) -> Self {
        match arg {
            AuthSchemeArg::Bearer => AuthScheme::Bearer,
            AuthSchemeArg::Oauth => AuthScheme::Oauth,
        }
    }
}

/// A command line as a credential helper's is written: words, with shell quoting
/// (`pass show "my token"`), never run through a shell. Unbalanced quotes fall back to
/// splitting at spaces rather than dropping the setting.
fn split_command(line: &str) -> Vec<String> {
    shell_words::split(line)
        .unwrap_or_else(|_| line.split_whitespace().map(str::to_string).collect())
}

/// The base URL for `g2a-tui config`: a user name or password in it (which the client
/// refuses) is not shown.
fn shown_base_url(raw: &str) -> String {
    match reqwest::Url::parse(raw.trim()) {
        Ok(url) if !url.username().is_empty() || url.password().is_some() => format!(
            "{} (user name and password hidden)",
            crate::api::transport::shown(&url)
        ),
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("g2a-tui").chain(args.iter().copied()))
    }

    #[test]
    fn says_which_stream_is_not_a_terminal() {
        assert_eq!(not_a_terminal(true, true), None);
        assert_eq!(
            not_a_terminal(false, true),
            Some("standard input is not a terminal")
        );
        assert_eq!(
            not_a_terminal(true, false),
            Some("standard output is not a terminal")
        );
        assert_eq!(
            not_a_terminal(false, false),
            Some("standard input and standard output are not terminals")
        );
    }

    #[test]
    fn utc_is_an_option_of_every_mode() {
        for args in [
            &["--utc", "482913657"][..],
            &["482913657", "--utc"],
            &["print", "--utc", "482913657"],
            &["--utc", "print", "482913657"],
        ] {
            let cli = parse(args).map_err(|e| e.to_string());
            let settings = cli.as_ref().map(|c| c.common.settings());
            assert_eq!(settings.map(|s| s.utc), Ok(true), "{args:?}");
        }
        let cli = parse(&["print", "482913657"]).map_err(|e| e.to_string());
        assert_eq!(cli.map(|c| c.common.settings().utc), Ok(false));
    }

    #[test]
    fn settings_carry_every_common_option() {
        let cli = parse(&[
            "--demo",
            "--base-url",
            "http://h",
            "--token",
            "t",
            "--auth-scheme",
            "oauth",
            "--system-domain",
            "d",
            "--timeout",
            "7",
        ])
        .map_err(|e| e.to_string());
        let s = cli.map(|c| c.common.settings());
        let s = s.as_ref();
        assert_eq!(s.map(|s| s.demo), Ok(true));
        assert_eq!(s.map(|s| s.base_url.as_str()), Ok("http://h"));
        assert_eq!(s.map(|s| s.token.as_deref()), Ok(Some("t")));
        assert_eq!(s.map(|s| s.auth_scheme), Ok(AuthScheme::Oauth));
        assert_eq!(s.map(|s| s.system_domain.as_deref()), Ok(Some("d")));
        assert_eq!(s.map(|s| s.timeout), Ok(Duration::from_secs(7)));
        assert_eq!(s.map(|s| s.utc), Ok(false));
    }
}

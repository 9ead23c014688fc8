//! The command line. These names are a contract other issues and tests rely on.
//! clap stays here (and in main.rs): [`CommonArgs::settings`] maps the options into
//! plain [`Settings`] that the rest of the program takes.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::BoolishValueParser;
use clap::{ArgAction, Args, Parser, Subcommand, ValueEnum};

use crate::api::{AuthScheme, DEFAULT_BASE_URL};
use crate::connection::Settings;
use crate::store::StoreSettings;

pub const EXIT_CODES: &str = "\
Exit status:
  0  success (also when the session has no chat transcript)
  1  the viewer itself failed (terminal error)
  2  usage error (bad option, missing or invalid session id, bad base URL,
     or the viewer started without a terminal: use `print` for pipes)
  3  authentication failed (no, invalid or expired token, access denied,
     or a refused refresh: run `g2a-tui auth login` again)
  4  the session was not found
  5  any other API or network failure";

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
    #[arg(long, default_value_t = 5, value_name = "SECONDS",
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

    /// Per-request timeout in seconds
    #[arg(long, default_value_t = 30, global = true, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,

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
    #[arg(long, default_value_t = 90, global = true, value_name = "DAYS",
          value_parser = clap::value_parser!(u32).range(1..=36500))]
    pub keep_days: u32,
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

impl CommonArgs {
    /// The options as plain settings, for code that knows nothing of clap.
    pub fn settings(&self) -> Settings {
        Settings {
            demo: self.demo,
            base_url: self.base_url.clone(),
            token: self.token.clone(),
            auth_scheme: self.auth_scheme.into(),
            system_domain: self.system_domain.clone(),
            timeout: Duration::from_secs(self.timeout),
            utc: self.utc,
            store: StoreSettings {
                path: self.store.clone(),
                enabled: !self.no_store,
                keep_days: self.keep_days,
            },
            offline: self.offline,
            auth_url: None,
            client_id: None,
            token_command: self.token_command.clone(),
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

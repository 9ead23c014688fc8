//! The command line. These names are a contract other issues and tests rely on.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::api::{AuthScheme, DEFAULT_BASE_URL};

pub const EXIT_CODES: &str = "\
Exit status:
  0  success (also when the session has no chat transcript)
  1  the viewer itself failed (terminal error)
  2  usage error (bad option, missing or invalid session id, bad base URL,
     or the viewer started without a terminal: use `print` for pipes)
  3  authentication failed (no, invalid or expired token, or access denied)
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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the session, transcript and partner links to stdout
    Print(PrintArgs),
    /// Serve the bundled demo API until Ctrl-C
    DemoServer(DemoServerArgs),
}

#[derive(Debug, Args)]
pub struct PrintArgs {
    /// Session id (or session token); optional with --demo
    #[arg(value_name = "SESSION_ID")]
    pub session_id: Option<String>,

    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,

    /// Show times in UTC instead of the local zone
    #[arg(long)]
    pub utc: bool,

    /// Show partner userTokens instead of masking them
    #[arg(long)]
    pub reveal_secrets: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Markdown,
    Json,
}

impl From<FormatArg> for crate::print::Format {
    fn from(f: FormatArg) -> Self {
        match f {
            FormatArg::Text => Self::Text,
            FormatArg::Markdown => Self::Markdown,
            FormatArg::Json => Self::Json,
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

    /// API root without /G2A/rest/v1
    #[arg(long, env = "G2A_BASE_URL", default_value = DEFAULT_BASE_URL, global = true, value_name = "URL")]
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

    /// How the token is sent: 'Authorization: Bearer T' or 'Authorization: OAuth oauth_token=T'
    #[arg(long, env = "G2A_AUTH_SCHEME", value_enum, default_value_t = AuthScheme::Bearer, global = true)]
    pub auth_scheme: AuthScheme,

    /// Partner system domain for the links pane
    #[arg(long, env = "G2A_SYSTEM_DOMAIN", global = true, value_name = "DOMAIN")]
    pub system_domain: Option<String>,

    /// Per-request timeout in seconds
    #[arg(long, default_value_t = 30, global = true, value_name = "SECONDS",
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
}

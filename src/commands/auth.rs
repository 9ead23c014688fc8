//! `g2a-tui auth login|status|logout|token`: signing in with a personal access token,
//! and the stored sign-in looked at, removed, or turned into a token for scripts.

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use chrono::{DateTime, Utc};

use super::{fail, fail_plain, warn, write_stdout};
use crate::api::ApiError;
use crate::auth::{AuthError, Credentials, CredentialsFile, TokenEndpoint, DEFAULT_AUTH_URL};
use crate::cli::{AuthArgs, AuthCommand, LoginArgs};
use crate::connection::{self, Settings};
use crate::sanitize::sanitize_line;
use crate::timefmt::Zone;

pub async fn run(settings: &Settings, args: &AuthArgs) -> ExitCode {
    let done = match &args.command {
        AuthCommand::Login(login_args) => login(settings, login_args).await,
        AuthCommand::Status => status(settings),
        AuthCommand::Logout => logout(),
        AuthCommand::Token => token(settings).await,
    };
    done.unwrap_or_else(|e| fail(&e))
}

async fn login(settings: &Settings, args: &LoginArgs) -> Result<ExitCode, ApiError> {
    let file = CredentialsFile::default_location()?;
    let url = args
        .auth_url
        .clone()
        .or_else(|| Some(settings.auth_url.clone()))
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_AUTH_URL.to_string());
    let roots = crate::connection::extra_roots(settings)?;
    let endpoint = TokenEndpoint::trusting(&url, settings.timeout, &roots)?;
    let client_id = args
        .client_id
        .clone()
        .or_else(|| settings.client_id.clone())
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty());
    let (client_id, secret, pat) = tokio::task::spawn_blocking(move || ask(client_id))
        .await
        .map_err(|e| AuthError::Input(format!("cannot read the answers: {e}")))??;
    let creds = endpoint.sign_in(&client_id, &secret, &pat).await?;
    let saved = {
        let target = file.clone();
        let creds = creds.clone();
        tokio::task::spawn_blocking(move || {
            let _lock = target.lock()?;
            target.save(&creds)
        })
        .await
        .map_err(|e| AuthError::Unwritable {
            path: file.path().display().to_string(),
            detail: e.to_string(),
        })?
    };
    saved?;
    let zone = zone(settings);
    let who = creds
        .principal
        .as_deref()
        .map_or(String::new(), |p| format!(" as {}", sanitize_line(p)));
    let mut out = format!(
        "Signed in{who}; the access token is valid until {}.\n",
        until(zone, &creds)
    );
    out.push_str(&format!(
        "Credentials stored in {} (readable only by you).\n",
        file.path().display()
    ));
    if let Some(hint) = given_elsewhere(settings) {
        warn(&hint);
    }
    Ok(write_stdout(&out).err().unwrap_or(ExitCode::SUCCESS))
}

/// The client id (when not given), the client secret and the personal access token: on
/// a terminal asked for, the secrets without echo; on a pipe read as two lines.
fn ask(client_id: Option<String>) -> Result<(String, String, String), AuthError> {
    let read_err =
        |what: &str, e: std::io::Error| AuthError::Input(format!("cannot read the {what}: {e}"));
    if std::io::stdin().is_terminal() {
        let client_id = match client_id {
            Some(id) => id,
            None => {
                eprint!("Client id: ");
                let mut line = String::new();
                std::io::stdin()
                    .lock()
                    .read_line(&mut line)
                    .map_err(|e| read_err("client id", e))?;
                required("client id", line)?
            }
        };
        let secret = rpassword::prompt_password("Client secret: ")
            .map_err(|e| read_err("client secret", e))?;
        let pat = rpassword::prompt_password("Personal access token: ")
            .map_err(|e| read_err("personal access token", e))?;
        return Ok((
            client_id,
            required("client secret", secret)?,
            required("personal access token", pat)?,
        ));
    }
    let client_id = client_id.ok_or_else(|| {
        AuthError::Input(
            "no client id: pass --client-id ID (or set G2A_CLIENT_ID); standard input gives only the client secret and the personal access token, one a line".into(),
        )
    })?;
    let mut lines = std::io::stdin().lock().lines();
    let mut next = |what: &str| -> Result<String, AuthError> {
        match lines.next() {
            Some(line) => required(what, line.map_err(|e| read_err(what, e))?),
            None => Err(AuthError::Input(format!(
                "no {what} on standard input: give the client secret and then the personal access token, one a line"
            ))),
        }
    };
    let secret = next("client secret")?;
    let pat = next("personal access token")?;
    Ok((client_id, secret, pat))
}

fn required(what: &str, value: String) -> Result<String, AuthError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(AuthError::Input(format!("no {what} given")));
    }
    Ok(value.to_string())
}

fn status(settings: &Settings) -> Result<ExitCode, ApiError> {
    let file = CredentialsFile::default_location()?;
    let Some(creds) = file.load()? else {
        return Ok(fail_plain(
            &format!(
                "not signed in: no credentials at {}\nhint: run `g2a-tui auth login`",
                file.path().display()
            ),
            3,
        ));
    };
    let zone = zone(settings);
    let now = Utc::now();
    let who = creds.principal.as_deref().map_or_else(
        || "Signed in (the token endpoint did not say as whom)".to_string(),
        |p| format!("Signed in as {}", sanitize_line(p)),
    );
    let mut out = format!("{who}, client id {}.\n", sanitize_line(&creds.client_id));
    let when = until(zone, &creds);
    out.push_str(&match (creds.is_expired(now), creds.refresh_token.is_some()) {
        (false, _) => format!("The access token is valid until {when}.\n"),
        (true, true) => format!("The access token expired at {when}; the next request refreshes it.\n"),
        (true, false) => format!(
            "The access token expired at {when} and cannot be refreshed: run `g2a-tui auth login` again.\n"
        ),
    });
    out.push_str(&format!("Credentials: {}\n", file.path().display()));
    if let Some(hint) = given_elsewhere(settings) {
        warn(&hint);
    }
    Ok(write_stdout(&out).err().unwrap_or(ExitCode::SUCCESS))
}

fn logout() -> Result<ExitCode, ApiError> {
    let file = CredentialsFile::default_location()?;
    let text = if file.remove()? {
        format!("Signed out: removed {}\n", file.path().display())
    } else {
        format!(
            "Not signed in: no credentials at {}\n",
            file.path().display()
        )
    };
    Ok(write_stdout(&text).err().unwrap_or(ExitCode::SUCCESS))
}

/// The token the next request would send, for scripts: nothing else on stdout.
async fn token(settings: &Settings) -> Result<ExitCode, ApiError> {
    let tokens = connection::tokens(settings).await?;
    let token = tokens.current().await?;
    Ok(write_stdout(&format!("{}\n", token.expose()))
        .err()
        .unwrap_or(ExitCode::SUCCESS))
}

/// A token given another way is used instead of the stored sign-in: worth saying.
fn given_elsewhere(settings: &Settings) -> Option<String> {
    if settings
        .token
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty())
    {
        Some("note: --token / G2A_TOKEN is set and is used instead of the stored sign-in".into())
    } else if settings
        .token_command
        .as_deref()
        .is_some_and(|argv| argv.first().is_some_and(|p| !p.trim().is_empty()))
    {
        Some("note: token_command is set and is used instead of the stored sign-in".into())
    } else {
        None
    }
}

fn zone(settings: &Settings) -> Zone {
    if settings.utc {
        Zone::Utc
    } else {
        Zone::Local
    }
}

fn until(zone: Zone, creds: &Credentials) -> String {
    creds.expires_at.map_or_else(
        || "it expires (the token endpoint did not say when)".to_string(),
        |at: DateTime<Utc>| format!("{} {}", zone.date_time(at), zone.suffix(at)),
    )
}

//! `token_command`: a credential helper whose standard output is the access token. It
//! runs without a shell (split as a shell would, by shell-words), with no standard
//! input, and is killed when it does not finish in time.

use std::process::Stdio;
use std::time::Duration;

use super::{AuthError, Secret};
use crate::sanitize::{excerpt, sanitize_line};

/// Runs `argv` (the program, then its arguments: split once, where the setting is read).
pub async fn run(argv: &[String], timeout: Duration) -> Result<Secret, AuthError> {
    let fail = |detail: String| AuthError::Command { detail };
    let Some((program, args)) = argv.split_first() else {
        return Err(fail("is empty".into()));
    };
    let name = excerpt(&sanitize_line(program), 60);
    let child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(format!("{name:?} could not be started: {e}")))?;
    let out = match tokio::time::timeout(timeout, child.wait_with_output()).await {
        Ok(out) => out.map_err(|e| fail(format!("{name:?} failed: {e}")))?,
        Err(_) => {
            return Err(fail(format!(
                "{name:?} did not finish within {}s",
                timeout.as_secs()
            )))
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let token = stdout.trim();
    if !out.status.success() {
        // Its own complaint helps; its standard output may hold a token and is not shown.
        let said = sanitize_line(String::from_utf8_lossy(&out.stderr).trim()).into_owned();
        let said = if token.is_empty() {
            said
        } else {
            said.replace(token, "[token]")
        };
        let status = out
            .status
            .code()
            .map_or("was killed by a signal".to_string(), |c| {
                format!("exited with status {c}")
            });
        let tail = if said.is_empty() {
            String::new()
        } else {
            format!(": {}", excerpt(&said, 120))
        };
        return Err(fail(format!("{name:?} {status}{tail}")));
    }
    if token.is_empty() {
        return Err(fail(format!("{name:?} printed nothing")));
    }
    if token.lines().count() > 1 {
        return Err(fail(format!("{name:?} printed more than one line")));
    }
    Ok(Secret::new(token))
}

//! The access token every request takes, from one provider the whole program shares
//! (the viewer's worker, `print`, `list`, `sync` all hold clones of one [`Client`]).
//! A token given on the command line, in `G2A_TOKEN` or by `token_command` is used as
//! it is; a stored sign-in is refreshed before it expires and once after the API
//! rejects it, under the credentials file's lock, so that of two processes refreshing
//! at once the second finds and uses the first one's new token.
//!
//! [`Client`]: crate::api::Client

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;

use super::{AuthError, Credentials, CredentialsFile, TokenEndpoint};

/// A token (or other secret) that `Debug` never prints.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Arc<str>);

impl Secret {
    pub fn new(value: &str) -> Self {
        Secret(Arc::from(value))
    }

    /// The value itself, for the one place that sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<hidden>")
    }
}

/// Where the access token comes from; cheap to clone, clones share one sign-in.
#[derive(Clone, Debug)]
pub struct Tokens(Source);

#[derive(Clone, Debug)]
enum Source {
    /// `--token`, `G2A_TOKEN`, `token_command`, the demo: never refreshed.
    Given(Secret),
    Stored(Arc<Stored>),
}

struct Stored {
    file: CredentialsFile,
    timeout: Duration,
    /// `--ca-file`'s certificates, trusted by the token endpoint too.
    roots: Vec<reqwest::Certificate>,
    /// Held across a refresh, so concurrent requests of one process refresh once.
    current: tokio::sync::Mutex<Credentials>,
    /// The refresh token the endpoint refused, and how: not asked again with it (the
    /// viewer's three panes would each ask), but a new sign-in on disk is picked up.
    refused: std::sync::Mutex<Option<(String, AuthError)>>,
    /// When this process last got a new token: a token just refreshed that the API
    /// still rejects (a user without a seat) is not refreshed again on every poll.
    refreshed_at: std::sync::Mutex<Option<std::time::Instant>>,
}

/// A token refreshed this recently and rejected again is taken as the answer.
const REFRESH_AGAIN_AFTER: Duration = Duration::from_secs(60);

impl std::fmt::Debug for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Stored")
            .field("file", &self.file)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    pub fn given(token: Secret) -> Self {
        Tokens(Source::Given(token))
    }

    /// The sign-in stored in `file`; [`AuthError::NotSignedIn`] when there is none.
    pub fn stored(file: CredentialsFile, timeout: Duration) -> Result<Self, AuthError> {
        Self::stored_trusting(file, timeout, Vec::new())
    }

    /// [`Tokens::stored`], its refreshes trusting `roots` besides the built-in ones.
    pub fn stored_trusting(
        file: CredentialsFile,
        timeout: Duration,
        roots: Vec<reqwest::Certificate>,
    ) -> Result<Self, AuthError> {
        let creds = file.load()?.ok_or_else(|| AuthError::NotSignedIn {
            path: file.path().display().to_string(),
        })?;
        Ok(Tokens(Source::Stored(Arc::new(Stored {
            file,
            timeout,
            roots,
            current: tokio::sync::Mutex::new(creds),
            refused: std::sync::Mutex::new(None),
            refreshed_at: std::sync::Mutex::new(None),
        }))))
    }

    /// The given token, if that is where tokens come from.
    pub fn given_token(&self) -> Option<&Secret> {
        match &self.0 {
            Source::Given(t) => Some(t),
            Source::Stored(_) => None,
        }
    }

    /// The token to send now: a stored one that has expired is refreshed first.
    pub async fn current(&self) -> Result<Secret, AuthError> {
        match &self.0 {
            Source::Given(t) => Ok(t.clone()),
            Source::Stored(stored) => {
                let mut creds = stored.current.lock().await;
                if !creds.is_expired(Utc::now()) {
                    return Ok(Secret::new(&creds.access_token));
                }
                stored.refresh(&mut creds, None).await
            }
        }
    }

    /// After the API rejected `rejected`: a fresh token to repeat the request with, or
    /// `None` when tokens come from elsewhere and are never refreshed.
    pub async fn after_rejection(&self, rejected: &Secret) -> Result<Option<Secret>, AuthError> {
        match &self.0 {
            Source::Given(_) => Ok(None),
            Source::Stored(stored) => {
                let mut creds = stored.current.lock().await;
                // Another request of this process refreshed while this one was out.
                if creds.access_token != rejected.expose() {
                    return Ok(Some(Secret::new(&creds.access_token)));
                }
                if stored.refreshed_recently() {
                    return Ok(None);
                }
                stored.refresh(&mut creds, Some(rejected)).await.map(Some)
            }
        }
    }
}

impl Stored {
    async fn refresh(
        &self,
        current: &mut Credentials,
        rejected: Option<&Secret>,
    ) -> Result<Secret, AuthError> {
        let file = self.file.clone();
        let lock = tokio::task::spawn_blocking(move || file.lock())
            .await
            .map_err(|e| AuthError::RefreshFailed {
                detail: e.to_string(),
            })??;
        // Re-read under the lock: another process may have refreshed meanwhile.
        let on_disk = self.file.load()?.ok_or_else(|| AuthError::RefreshFailed {
            detail: "the stored credentials were removed (signed out)".into(),
        })?;
        let rejected_again = rejected.is_some_and(|r| r.expose() == on_disk.access_token);
        if !rejected_again && !on_disk.is_expired(Utc::now()) {
            tracing::debug!("another process had refreshed the access token");
            *current = on_disk;
            return Ok(Secret::new(&current.access_token));
        }
        if let Some((_, e)) = self
            .refused()
            .as_ref()
            .filter(|(r, _)| on_disk.refresh_token.as_deref() == Some(r.as_str()))
        {
            return Err(e.clone());
        }
        tracing::info!(
            after_rejection = rejected.is_some(),
            "refreshing the access token"
        );
        let fresh = match TokenEndpoint::trusting(&on_disk.auth_url, self.timeout, &self.roots)
            .map_err(refresh_failed)?
            .refresh(&on_disk)
            .await
        {
            Ok(fresh) => fresh,
            Err(e) => {
                tracing::warn!(error = %e, "the token refresh failed");
                // Only the endpoint's "no" is final; a network failure may pass.
                let refused = matches!(e, AuthError::Refused { .. });
                let e = refresh_failed(e);
                if let (true, Some(r)) = (refused, &on_disk.refresh_token) {
                    *self.refused() = Some((r.clone(), e.clone()));
                }
                return Err(e);
            }
        };
        self.file.save(&fresh)?;
        drop(lock);
        tracing::info!(
            expires_at = fresh.expires_at.map(|t| t.to_rfc3339()),
            "access token refreshed"
        );
        *self.refreshed_at.lock().unwrap_or_else(|p| p.into_inner()) =
            Some(std::time::Instant::now());
        *current = fresh;
        Ok(Secret::new(&current.access_token))
    }
}

impl Stored {
    fn refreshed_recently(&self) -> bool {
        self.refreshed_at
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some_and(|at| at.elapsed() < REFRESH_AGAIN_AFTER)
    }

    fn refused(&self) -> std::sync::MutexGuard<'_, Option<(String, AuthError)>> {
        // A panic elsewhere cannot leave this half-written: it is one assignment.
        self.refused.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn refresh_failed(e: AuthError) -> AuthError {
    match e {
        AuthError::Refused { status, detail } if detail.is_empty() => AuthError::RefreshFailed {
            detail: format!("the token endpoint refused it (HTTP {status})"),
        },
        AuthError::Refused { status, detail } => AuthError::RefreshFailed {
            detail: format!("the token endpoint refused it (HTTP {status}): {detail}"),
        },
        AuthError::Endpoint { url, detail } => AuthError::RefreshFailed {
            detail: format!("{url}: {detail}"),
        },
        AuthError::Input(detail) => AuthError::RefreshFailed { detail },
        other => other,
    }
}

//! What can go wrong signing in, reading the credentials file or refreshing, each with
//! the step that fixes it. No variant ever carries a token, a secret or a PAT.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// `--token`, `G2A_TOKEN`, `token_command` and the credentials file all gave nothing.
    #[error("not signed in: no credentials at {path}")]
    NotSignedIn { path: String },
    #[error("{path} is readable by others (mode {mode:03o}); refusing to use it")]
    TooOpen { path: String, mode: u32 },
    #[error("cannot read the credentials at {path}: {detail}")]
    Unreadable { path: String, detail: String },
    #[error("cannot store the credentials at {path}: {detail}")]
    Unwritable { path: String, detail: String },
    #[error("no data directory to keep the credentials in (HOME is not set)")]
    NoDataDir,
    /// The token endpoint answered, and said no.
    #[error("the token endpoint refused the sign-in (HTTP {status}){}", detail_text(.detail))]
    Refused { status: u16, detail: String },
    /// The token endpoint could not be reached, or answered something unusable.
    #[error("token endpoint {url}: {detail}")]
    Endpoint { url: String, detail: String },
    #[error("the stored sign-in could not be refreshed: {detail}")]
    RefreshFailed { detail: String },
    #[error("token_command {detail}")]
    Command { detail: String },
    /// A value the user had to give was not given (a usage error).
    #[error("{0}")]
    Input(String),
}

fn detail_text(detail: &str) -> String {
    if detail.is_empty() {
        String::new()
    } else {
        format!(": {detail}")
    }
}

impl AuthError {
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            AuthError::NotSignedIn { .. } => {
                "run `g2a-tui auth login`, or pass --token TOKEN / set G2A_TOKEN (or try --demo)"
                    .into()
            }
            AuthError::TooOpen { path, .. } => format!("chmod 600 {path}"),
            AuthError::Unreadable { .. } | AuthError::RefreshFailed { .. } => {
                "run `g2a-tui auth login` again".into()
            }
            AuthError::Unwritable { .. } => {
                "check the data directory's owner and free space".into()
            }
            AuthError::NoDataDir => "set HOME or XDG_DATA_HOME".into(),
            AuthError::Refused { .. } => {
                "check the client id, the client secret and the personal access token (create a new one in the GoTo account settings if it was revoked)".into()
            }
            AuthError::Endpoint { .. } => {
                "check the network connection and the auth URL (--auth-url)".into()
            }
            AuthError::Command { .. } => {
                "token_command must print the access token on standard output and exit 0".into()
            }
            AuthError::Input(_) => return None,
        })
    }

    /// Usage errors end with 2, a network failure with 5, everything else with 3.
    pub fn class(&self) -> crate::api::ErrorClass {
        use crate::api::ErrorClass;
        match self {
            AuthError::Input(_) => ErrorClass::Usage,
            AuthError::Endpoint { .. } | AuthError::Unwritable { .. } => ErrorClass::Api,
            _ => ErrorClass::Auth,
        }
    }
}

//! Signing in with a GoTo personal access token, the credentials file, and the access
//! token every request takes: refreshed when it expires, or given and never refreshed.

pub mod command;
pub mod credentials;
pub mod endpoint;
pub mod error;
pub mod tokens;

pub use credentials::{Credentials, CredentialsFile};
pub use endpoint::{TokenEndpoint, DEFAULT_AUTH_URL};
pub use error::AuthError;
pub use tokens::{Secret, Tokens};

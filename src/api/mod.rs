//! Everything that talks to GoToAssist: the client, its model and errors, and the
//! background worker the viewer drives over channels.

pub mod client;
pub mod error;
pub mod fetch;
mod frame;
pub mod lean;
pub mod model;
pub mod redact;
mod request_log;
pub mod retry;
pub mod stream;
pub mod transport;
pub mod worker;

pub use client::{normalize_session_id, AuthScheme, Client, ClientConfig, DEFAULT_BASE_URL};
pub use error::{ApiError, Endpoint, ErrorClass};
pub use model::{
    Event, Session, SessionList, Status, SystemLink, SystemLinks, Timestamp, Transcript,
};

//! The API worker: a background task that owns the HTTP client. The viewer sends it
//! [`Request`]s and gets [`Answer`]s back over channels; it never awaits the network
//! and shares no lock with it. Each answer carries its request's id so the viewer
//! can drop a stale one, and a newer request for the same part aborts the older
//! ("latest wins"), so a burst of refreshes costs one request per part.

use std::collections::HashMap;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::{ApiError, Client, Session, SystemLinks, Transcript};

/// Identifies one request; answers echo it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// The three parts of the view, each fetched on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Session,
    Transcript,
    Links,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Session { id: RequestId, session_id: String },
    Transcript { id: RequestId, session_id: String },
    Links { id: RequestId, domain: String },
}

impl Request {
    fn part(&self) -> Part {
        match self {
            Request::Session { .. } => Part::Session,
            Request::Transcript { .. } => Part::Transcript,
            Request::Links { .. } => Part::Links,
        }
    }
}

// One answer per request, moved once: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Answer {
    Session(RequestId, Result<Session, ApiError>),
    Transcript(RequestId, Result<Transcript, ApiError>),
    Links(RequestId, Result<SystemLinks, ApiError>),
}

/// Starts the worker on the current tokio runtime. It ends when the request sender
/// is dropped, aborting whatever is still in flight.
pub fn spawn(
    client: Client,
) -> (
    mpsc::UnboundedSender<Request>,
    mpsc::UnboundedReceiver<Answer>,
) {
    let (req_tx, mut req_rx) = mpsc::unbounded_channel::<Request>();
    let (ans_tx, ans_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut in_flight: HashMap<Part, JoinHandle<()>> = HashMap::new();
        while let Some(req) = req_rx.recv().await {
            let part = req.part();
            if let Some(old) = in_flight.remove(&part) {
                old.abort();
            }
            let client = client.clone();
            let tx = ans_tx.clone();
            let task = tokio::spawn(async move {
                let answer = match req {
                    Request::Session { id, session_id } => {
                        Answer::Session(id, client.session(&session_id).await)
                    }
                    Request::Transcript { id, session_id } => {
                        Answer::Transcript(id, client.transcript(&session_id).await)
                    }
                    Request::Links { id, domain } => {
                        Answer::Links(id, client.system_links(&domain).await)
                    }
                };
                // The viewer may be gone (quitting); nothing to do then.
                let _ = tx.send(answer);
            });
            in_flight.insert(part, task);
        }
        for (_, task) in in_flight {
            task.abort();
        }
    });
    (req_tx, ans_rx)
}

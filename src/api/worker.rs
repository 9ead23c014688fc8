//! The API worker: a background task that owns the HTTP client. The viewer sends it
//! [`Request`]s and gets [`Answer`]s back over channels; it never awaits the network
//! and shares no lock with it. Each answer carries its request's id so the viewer
//! can drop a stale one, and a newer request for the same part aborts the older
//! ("latest wins"), so a burst of refreshes costs one request per part.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;
use tokio::task::{AbortHandle, JoinError};

use chrono::{DateTime, Utc};

use super::fetch::Progress;
use super::retry::{self, Retrying};
use super::{ApiError, Client, Endpoint, Event, Session, SessionList, SystemLinks, Transcript};
use crate::credit::{Credit, Held};
use crate::present::transcript::{prepare, Message, Names};
use crate::sanitize::excerpt;
use crate::store::{SessionHits, StoreError, StoredSession};

/// Batches of a streaming transcript sent to the viewer and not yet taken in. Past
/// this the decoder waits (and with it the network, through the bounded chunk channel):
/// a viewer that prepares messages slower than they arrive would otherwise queue the
/// decoded body in memory (issue 11).
const BATCHES_AHEAD: usize = 4;
/// Identifies one request; answers echo it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// The three parts of the view, each fetched on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Session,
    Transcript,
    Links,
    /// The session list (the list screen's rows).
    List,
    /// A full-text search over the stored transcripts.
    StoreSearch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Session {
        id: RequestId,
        session_id: String,
    },
    Transcript {
        id: RequestId,
        session_id: String,
    },
    Links {
        id: RequestId,
        domain: String,
    },
    /// The sessions started between `from` and `to`, and the stored ones beside them.
    List {
        id: RequestId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    },
    /// The stored transcripts' messages that match `query`, at most `limit` sessions.
    StoreSearch {
        id: RequestId,
        query: String,
        limit: usize,
    },
}

impl Request {
    fn id(&self) -> RequestId {
        match self {
            Request::Session { id, .. }
            | Request::Transcript { id, .. }
            | Request::Links { id, .. }
            | Request::List { id, .. }
            | Request::StoreSearch { id, .. } => *id,
        }
    }

    fn part(&self) -> Part {
        match self {
            Request::Session { .. } => Part::Session,
            Request::Transcript { .. } => Part::Transcript,
            Request::Links { .. } => Part::Links,
            Request::List { .. } => Part::List,
            Request::StoreSearch { .. } => Part::StoreSearch,
        }
    }

    /// This request's answer, failed with `error`.
    fn failed(&self, error: ApiError) -> Answer {
        match self {
            Request::Session { id, .. } => Answer::Session(*id, Err(error)),
            Request::Transcript { id, .. } => Answer::Transcript(*id, Err(error)),
            Request::Links { id, .. } => Answer::Links(*id, Err(error)),
            Request::List { id, .. } => Answer::List(
                *id,
                ListAnswer {
                    api: Err(error),
                    stored: Vec::new(),
                },
            ),
            Request::StoreSearch { id, .. } => {
                Answer::StoreHits(*id, Err(StoreSearchError::Failed(error.to_string())))
            }
        }
    }

    fn endpoint(&self) -> Endpoint {
        match self {
            Request::Session { .. } => Endpoint::Session,
            Request::Transcript { .. } => Endpoint::Transcript,
            Request::Links { .. } => Endpoint::Links,
            Request::List { .. } | Request::StoreSearch { .. } => Endpoint::SessionList,
        }
    }
}

// One answer per request, moved once: boxing the large variant would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Answer {
    Session(RequestId, Result<Session, ApiError>),
    /// The transcript as it arrives (issue 11): these events follow those of the
    /// request's batches before (or with `restart`, replace them). The request's
    /// [`Answer::Transcript`] ends it; after batches that answer holds no events.
    TranscriptProgress {
        id: RequestId,
        events: Arc<Vec<Event>>,
        restart: bool,
        /// Events so far, these included.
        messages: usize,
        /// Bytes of the body received so far.
        bytes: u64,
        /// The same events as messages, sanitised on the worker's side so the viewer
        /// only classifies and keeps them (see [`prepare`]).
        prepared: Vec<Message>,
        /// Held until the viewer has taken the batch in (see [`BATCHES_AHEAD`]).
        in_flight: Option<Held>,
    },
    Transcript(RequestId, Result<Transcript, ApiError>),
    Links(RequestId, Result<SystemLinks, ApiError>),
    List(RequestId, ListAnswer),
    StoreHits(RequestId, Result<Vec<SessionHits>, StoreSearchError>),
    /// A stored copy standing in for a session or transcript request: the network failed
    /// (connect, timeout, 5xx), or `--offline`. The pane marks it "offline · from …".
    Stored(RequestId, StoredAnswer),
    /// Not an answer yet: the request failed on the way and is asked again after a
    /// wait (the pane says "retrying (2/4) in 3 s"). Its answer still comes.
    Retrying(RequestId, Retrying),
}

impl Answer {
    /// One debug line: which request, and whether it failed (with the error, which
    /// quotes server text only redacted). Never what came back: message text stays out.
    fn log(&self) {
        if !tracing::enabled!(tracing::Level::DEBUG) {
            return;
        }
        let (id, kind, error) = match self {
            Answer::Session(id, r) => (id, "session", r.as_ref().err().map(|e| e.to_string())),
            Answer::Transcript(id, r) => {
                (id, "transcript", r.as_ref().err().map(|e| e.to_string()))
            }
            Answer::Links(id, r) => (id, "links", r.as_ref().err().map(|e| e.to_string())),
            Answer::List(id, l) => (id, "list", l.api.as_ref().err().map(|e| e.to_string())),
            // A search error may quote the query, which may be words from a chat.
            Answer::StoreHits(id, r) => (
                id,
                "store search",
                r.as_ref().err().map(|_| "failed".to_string()),
            ),
            Answer::Stored(id, _) => (id, "stored copy", None),
            // Logged where the wait is decided (api/retry.rs), and per request.
            Answer::Retrying(..) | Answer::TranscriptProgress { .. } => return,
        };
        match error {
            None => tracing::debug!(request = id.0, answer = kind, "worker answer"),
            Some(error) => tracing::debug!(request = id.0, answer = kind, %error, "worker answer"),
        }
    }
}

/// What [`Answer::Stored`] holds, with when it was fetched.
// Moved once, as `Answer` is.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum StoredAnswer {
    Session(Session, DateTime<Utc>),
    Transcript(Transcript, DateTime<Utc>),
}

/// A part as the fetcher got it: from the API (`stored_at: None`) or from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    pub value: T,
    pub stored_at: Option<DateTime<Utc>>,
}

impl<T> Fetched<T> {
    pub fn fresh(value: T) -> Self {
        Fetched {
            value,
            stored_at: None,
        }
    }
}

/// The session list as the API gave it, and what the store holds beside it (every stored
/// session, newest first; the list screen merges the two).
#[derive(Debug)]
pub struct ListAnswer {
    pub api: Result<SessionList, ApiError>,
    pub stored: Vec<StoredSession>,
}

/// Why a search over the stored transcripts gave nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSearchError {
    /// There is no store (turned off, or it could not be opened).
    NoStore,
    /// The query cannot be run; the message says why, in the user's terms.
    Query(String),
    /// The store failed; one line.
    Failed(String),
}

impl StoreSearchError {
    pub fn from_store(e: StoreError) -> Self {
        match e {
            StoreError::Query { .. } => StoreSearchError::Query(e.to_string()),
            other => StoreSearchError::Failed(other.to_string()),
        }
    }
}

/// What the worker fetches with: the [`Client`] in production; tests put a stand-in
/// here (one that panics, say) to prove the worker still answers.
pub trait Fetch: Clone + Send + Sync + 'static {
    fn session(&self, id: &str) -> impl Future<Output = Result<Session, ApiError>> + Send;
    fn transcript(&self, id: &str) -> impl Future<Output = Result<Transcript, ApiError>> + Send;
    fn system_links(
        &self,
        domain: &str,
    ) -> impl Future<Output = Result<SystemLinks, ApiError>> + Send;
    /// The session, or a stored copy where the fetch cannot be made; stand-ins have no
    /// store.
    fn session_or_stored(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Fetched<Session>, ApiError>> + Send {
        let fetch = self.session(id);
        async move { fetch.await.map(Fetched::fresh) }
    }
    /// The transcript, or a stored copy where the fetch cannot be made.
    fn transcript_or_stored(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Fetched<Transcript>, ApiError>> + Send {
        let fetch = self.transcript(id);
        async move { fetch.await.map(Fetched::fresh) }
    }
    /// The transcript or a stored copy, its events sent to `progress` in batches as
    /// they arrive; the answer then holds none. Stand-ins fetch it whole.
    fn transcript_streamed(
        &self,
        id: &str,
        progress: impl FnMut(Progress) + Send + 'static,
    ) -> impl Future<Output = Result<Fetched<Transcript>, ApiError>> + Send {
        drop(progress);
        self.transcript_or_stored(id)
    }
    /// Stand-ins without a list answer that they have none.
    fn list(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = ListAnswer> + Send {
        let _ = (from, to);
        async {
            ListAnswer {
                api: Err(ApiError::Internal {
                    endpoint: Endpoint::SessionList,
                    detail: "this fetcher has no session list".into(),
                }),
                stored: Vec::new(),
            }
        }
    }
    /// Stand-ins without a store find nothing.
    fn search_store(
        &self,
        query: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<SessionHits>, StoreSearchError>> + Send {
        let _ = (query, limit);
        async { Err(StoreSearchError::NoStore) }
    }
}

impl Fetch for Client {
    fn session(&self, id: &str) -> impl Future<Output = Result<Session, ApiError>> + Send {
        Client::session(self, id)
    }

    fn transcript(&self, id: &str) -> impl Future<Output = Result<Transcript, ApiError>> + Send {
        Client::transcript(self, id)
    }

    fn system_links(
        &self,
        domain: &str,
    ) -> impl Future<Output = Result<SystemLinks, ApiError>> + Send {
        Client::system_links(self, domain)
    }

    async fn transcript_streamed(
        &self,
        id: &str,
        progress: impl FnMut(Progress) + Send + 'static,
    ) -> Result<Fetched<Transcript>, ApiError> {
        self.transcript_stream(id, progress)
            .await
            .map(Fetched::fresh)
    }

    async fn list(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> ListAnswer {
        ListAnswer {
            api: self.list_sessions(SCREEN_SHARING, from, to).await,
            stored: Vec::new(),
        }
    }
}

/// The session type the list asks for.
pub const SCREEN_SHARING: &str = "screen_sharing";

/// Starts the worker on the current tokio runtime. It ends when the request sender
/// is dropped, aborting whatever is still in flight.
pub fn spawn(
    client: Client,
) -> (
    mpsc::UnboundedSender<Request>,
    mpsc::UnboundedReceiver<Answer>,
) {
    spawn_with(client)
}

/// One fetch in flight: how to stop it, and whether stopping it was meant.
struct InFlight {
    abort: AbortHandle,
    /// Set before an abort the worker chose (a newer request for the same part, or
    /// the worker ending): then nobody waits for this answer.
    meant: Arc<AtomicBool>,
}

impl InFlight {
    fn cancel(self) {
        self.meant.store(true, Ordering::SeqCst);
        self.abort.abort();
    }
}

/// [`spawn`] with any [`Fetch`]. Every request gets exactly one answer unless a newer
/// request for the same part replaced it or the worker ended: each fetch runs in a
/// task of its own, watched by a second task that turns a panic (or a cancellation
/// the worker did not ask for) into a failed answer, so a pane never spins forever.
pub fn spawn_with<F: Fetch>(
    fetcher: F,
) -> (
    mpsc::UnboundedSender<Request>,
    mpsc::UnboundedReceiver<Answer>,
) {
    let (req_tx, mut req_rx) = mpsc::unbounded_channel::<Request>();
    let (ans_tx, ans_rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        let mut in_flight: HashMap<Part, InFlight> = HashMap::new();
        while let Some(req) = req_rx.recv().await {
            let part = req.part();
            tracing::debug!(request = req.id().0, part = ?part, "worker request");
            if let Some(old) = in_flight.remove(&part) {
                tracing::debug!(part = ?part, "a newer request replaces the one in flight");
                old.cancel();
            }
            // The fetch's retries are told to the viewer as they happen.
            let sink: retry::Sink = {
                let (tx, id) = (ans_tx.clone(), req.id());
                Arc::new(move |note| {
                    let _ = tx.send(Answer::Retrying(id, note));
                })
            };
            let fetch = tokio::spawn(retry::reporting(
                sink,
                fetch(fetcher.clone(), req.clone(), ans_tx.clone()),
            ));
            let meant = Arc::new(AtomicBool::new(false));
            in_flight.insert(
                part,
                InFlight {
                    abort: fetch.abort_handle(),
                    meant: meant.clone(),
                },
            );
            let tx = ans_tx.clone();
            tokio::spawn(async move {
                let answer = match fetch.await {
                    Ok(answer) => Some(answer),
                    Err(e) => unexpected_end(&req, e, meant.load(Ordering::SeqCst)),
                };
                if let Some(answer) = answer {
                    answer.log();
                    // The viewer may be gone (quitting); nothing to do then.
                    let _ = tx.send(answer);
                }
            });
        }
        for (_, task) in in_flight {
            task.cancel();
        }
    });
    (req_tx, ans_rx)
}

async fn fetch<F: Fetch>(fetcher: F, req: Request, tx: mpsc::UnboundedSender<Answer>) -> Answer {
    match req {
        Request::Session { id, session_id } => match fetcher.session_or_stored(&session_id).await {
            Ok(Fetched {
                value,
                stored_at: Some(at),
            }) => Answer::Stored(id, StoredAnswer::Session(value, at)),
            result => Answer::Session(id, result.map(|f| f.value)),
        },
        Request::Transcript { id, session_id } => {
            let credit = Credit::new(BATCHES_AHEAD);
            let mut names = Names::default();
            let progress = move |p: Progress| {
                let prepared = prepare(&p.events, &mut names);
                let in_flight = credit.take();
                // The viewer may be gone (quitting); nothing to do then.
                let _ = tx.send(Answer::TranscriptProgress {
                    id,
                    events: p.events,
                    restart: p.restart,
                    messages: p.messages,
                    bytes: p.bytes,
                    prepared,
                    in_flight: Some(in_flight),
                });
            };
            match fetcher.transcript_streamed(&session_id, progress).await {
                Ok(Fetched {
                    value,
                    stored_at: Some(at),
                }) => Answer::Stored(id, StoredAnswer::Transcript(value, at)),
                result => Answer::Transcript(id, result.map(|f| f.value)),
            }
        }
        Request::Links { id, domain } => Answer::Links(id, fetcher.system_links(&domain).await),
        Request::List { id, from, to } => Answer::List(id, fetcher.list(from, to).await),
        Request::StoreSearch { id, query, limit } => {
            Answer::StoreHits(id, fetcher.search_store(&query, limit).await)
        }
    }
}

/// The answer for a fetch task that ended without one: a failure, unless the worker
/// cancelled it on purpose (then a newer request answers, or nobody listens).
fn unexpected_end(req: &Request, e: JoinError, meant: bool) -> Option<Answer> {
    let detail = if e.is_panic() {
        let payload = e.into_panic();
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".to_string());
        format!("the request panicked: {}", excerpt(&text, 200))
    } else if meant {
        return None;
    } else {
        "the request was cancelled".to_string()
    };
    Some(req.failed(ApiError::Internal {
        endpoint: req.endpoint(),
        detail,
    }))
}

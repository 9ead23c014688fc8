//! What the viewer's worker and `print` fetch with: the API client and, beside it, the
//! local store. Store reads run on tokio's blocking pool, never on the UI thread; every
//! complete, good answer goes to the [`Writer`] thread; when the network fails (or with
//! `--offline`) the stored copy stands in, marked with when it was fetched.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::api::fetch::Progress;
use crate::api::worker::{Fetch, Fetched, ListAnswer, StoreSearchError, SCREEN_SHARING};
use crate::api::{
    normalize_session_id, ApiError, Client, Endpoint, Session, SystemLinks, Transcript,
};
use crate::store::writer::{Backlog, Writer};
use crate::store::{SessionHits, Store, StoreSettings, StoredSession, StoredTranscript};

/// The client, an optional store connection for reads, and the writer for writes.
#[derive(Clone)]
pub struct Source {
    pub client: Client,
    pub store: Option<Arc<Mutex<Store>>>,
    pub writer: Option<Writer>,
    /// `--offline`: answers come from the store alone.
    pub offline: bool,
}

impl Source {
    /// A source with a read connection and no writer; offline when `client` is.
    pub fn new(client: Client, store: Option<Store>) -> Self {
        Source {
            offline: client.is_offline(),
            client,
            store: store.map(|s| Arc::new(Mutex::new(s))),
            writer: None,
        }
    }

    /// The client with the store `settings` name: a read connection and a writer thread
    /// (which first prunes what is older than `--keep-days`), or with `offline` the read
    /// connection alone. A store that cannot be used is left alone and named in the
    /// returned line; the source then works without it. `backlog` says what the writer
    /// does when idle.
    pub fn open(
        client: Client,
        settings: &StoreSettings,
        offline: bool,
        backlog: Backlog,
    ) -> (Source, Option<String>) {
        let mut source = Source::new(client, None);
        source.offline |= offline;
        let Some(path) = settings.file() else {
            return (source, None);
        };
        if offline && !path.exists() {
            // Reading only: an empty store is not worth creating.
            let why = format!("no local store at {} yet", path.display());
            return (source, Some(why));
        }
        let opened = if offline {
            Store::open(&path).map(|read| (read, None))
        } else {
            Store::open(&path).and_then(|write| Ok((Store::open(&path)?, Some(write))))
        };
        // A process that leaves the backlog leaves the log's checkpoints too, on both
        // connections (the last to close would otherwise fold the log in).
        let opened = opened.and_then(|(read, write)| {
            if backlog == Backlog::Leave {
                read.defer_checkpoints()?;
                if let Some(w) = &write {
                    w.defer_checkpoints()?;
                }
            }
            Ok((read, write))
        });
        match opened {
            Ok((read, write)) => {
                source.store = Some(Arc::new(Mutex::new(read)));
                source.writer = write.and_then(|w| Writer::start(w, backlog));
                if let Some(w) = &source.writer {
                    w.prune(Duration::from_secs(u64::from(settings.keep_days) * 86_400));
                }
                (source, None)
            }
            Err(e) => {
                tracing::warn!(error = %e, "the store cannot be used; going on without it");
                (source, Some(e.to_string()))
            }
        }
    }

    /// Runs `read` on the store off the async threads; `None` without a store (or when the
    /// store connection was poisoned by a panic in an earlier read).
    async fn read<T: Send + 'static>(
        &self,
        read: impl FnOnce(&Store) -> T + Send + 'static,
    ) -> Option<T> {
        let store = self.store.clone()?;
        tokio::task::spawn_blocking(move || {
            let guard = store.lock().ok()?;
            Some(read(&guard))
        })
        .await
        .ok()
        .flatten()
    }

    /// Every stored session, newest first; empty without a store or when it cannot be read.
    pub async fn stored_sessions(&self) -> Vec<StoredSession> {
        self.read(|s| s.sessions().unwrap_or_default())
            .await
            .unwrap_or_default()
    }

    /// The stored copy of session `id` (as typed or shown: it is normalised), if any.
    pub async fn stored_session(&self, id: &str) -> Option<StoredSession> {
        let id = normalize_session_id(id);
        self.read(move |s| s.get_session(&id).ok().flatten())
            .await
            .flatten()
    }

    /// The stored transcript of session `id`, if any.
    pub async fn stored_transcript(&self, id: &str) -> Option<StoredTranscript> {
        let id = normalize_session_id(id);
        self.read(move |s| s.get_transcript(&id).ok().flatten())
            .await
            .flatten()
    }

    /// The transcript fetched as [`Client::transcript_stream_tapped`] does (the body's
    /// chunks also to `tap`), every event kept for the writer once the answer is
    /// complete. No stored copy stands in: the caller knows whether it still can.
    pub async fn transcript_tapped(
        &self,
        id: &str,
        mut progress: impl FnMut(Progress) + Send + 'static,
        tap: Option<tokio::sync::mpsc::Sender<bytes::Bytes>>,
    ) -> Result<Transcript, ApiError> {
        // Each batch goes to the writer as it passes (packed into a blob; the events stay
        // the caller's), which stores it and lets go: no one holds the whole transcript. Dropped without
        // `end` (an error, a cut body, a cancelled fetch), the stream leaves the stored copy.
        let stream = self
            .writer
            .as_ref()
            .map(|w| w.transcript_stream(&normalize_session_id(id)));
        let stream = Arc::new(Mutex::new(stream));
        let sink = Arc::clone(&stream);
        let streamed = self
            .client
            .transcript_stream_tapped(
                id,
                move |p: Progress| {
                    if let Ok(mut guard) = sink.lock() {
                        if let Some(s) = guard.as_mut() {
                            if p.restart {
                                s.restart();
                            }
                            s.batch(&p.events);
                        }
                    }
                    progress(p)
                },
                tap,
            )
            .await;
        let stream = stream.lock().ok().and_then(|mut s| s.take());
        let t = streamed?;
        if let Some(stream) = stream {
            stream.end(for_store(&t), Utc::now());
        }
        Ok(t)
    }

    /// Writes what is queued and stops the writer; the first write that failed, if any.
    pub fn close(&self) -> Option<String> {
        self.writer.as_ref().and_then(Writer::close)
    }
}

/// The fetch, or where it cannot be made (`--offline`, or it failed for a network reason)
/// the stored copy; `offline_error` is the error when `--offline` finds none.
async fn or_stored<T>(
    offline: bool,
    fetch: impl Future<Output = Result<T, ApiError>>,
    stored: impl Future<Output = Option<(T, DateTime<Utc>)>>,
    offline_error: ApiError,
) -> Result<Fetched<T>, ApiError> {
    let stand_in = |copy: Option<(T, DateTime<Utc>)>| {
        copy.map(|(value, at)| Fetched {
            value,
            stored_at: Some(at),
        })
    };
    if offline {
        return stand_in(stored.await).ok_or(offline_error);
    }
    match fetch.await {
        Ok(value) => Ok(Fetched::fresh(value)),
        Err(e) if e.is_network() => {
            let copy = stand_in(stored.await);
            tracing::info!(error = %e, stored = copy.is_some(), "network failure; the stored copy stands in where there is one");
            copy.ok_or(e)
        }
        Err(e) => Err(e),
    }
}

/// What the store keeps of a transcript: its events and times, not the raw body (which
/// would double the copy handed to the writer for nothing).
fn for_store(t: &Transcript) -> Transcript {
    Transcript {
        session_id: t.session_id.clone(),
        start_time: t.start_time.clone(),
        end_time: t.end_time.clone(),
        events: t.events.clone(),
        absence: t.absence.clone(),
        raw: serde_json::Value::Null,
    }
}

impl Fetch for Source {
    /// Fetches the session and hands a good answer to the writer.
    async fn session(&self, id: &str) -> Result<Session, ApiError> {
        let session = self.client.session(id).await?;
        if let Some(w) = &self.writer {
            w.put_session(&normalize_session_id(id), session.clone(), Utc::now());
        }
        Ok(session)
    }

    /// Fetches the transcript and hands a good answer to the writer.
    async fn transcript(&self, id: &str) -> Result<Transcript, ApiError> {
        let transcript = self.client.transcript(id).await?;
        if let Some(w) = &self.writer {
            w.put_transcript(
                &normalize_session_id(id),
                for_store(&transcript),
                Utc::now(),
            );
        }
        Ok(transcript)
    }

    async fn session_or_stored(&self, id: &str) -> Result<Fetched<Session>, ApiError> {
        let stored = async {
            self.stored_session(id)
                .await
                .map(|s| (s.session, s.fetched_at))
        };
        let offline = ApiError::Offline {
            endpoint: Endpoint::Session,
            id: normalize_session_id(id),
        };
        or_stored(self.offline, self.session(id), stored, offline).await
    }

    /// As [`Fetch::transcript_or_stored`], the events going to `progress` and to the
    /// writer as they are decoded; the writer stores them once the answer is complete.
    async fn transcript_streamed(
        &self,
        id: &str,
        progress: impl FnMut(Progress) + Send + 'static,
    ) -> Result<Fetched<Transcript>, ApiError> {
        if self.offline {
            return self.transcript_or_stored(id).await;
        }
        match self.transcript_tapped(id, progress, None).await {
            Ok(t) => Ok(Fetched::fresh(t)),
            Err(e) if e.is_network() => match self.stored_transcript(id).await {
                Some(copy) => Ok(Fetched {
                    value: copy.transcript,
                    stored_at: Some(copy.fetched_at),
                }),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    async fn transcript_or_stored(&self, id: &str) -> Result<Fetched<Transcript>, ApiError> {
        let stored = async {
            self.stored_transcript(id)
                .await
                .map(|t| (t.transcript, t.fetched_at))
        };
        let offline = ApiError::Offline {
            endpoint: Endpoint::Transcript,
            id: normalize_session_id(id),
        };
        or_stored(self.offline, self.transcript(id), stored, offline).await
    }

    fn system_links(
        &self,
        domain: &str,
    ) -> impl Future<Output = Result<SystemLinks, ApiError>> + Send {
        self.client.system_links(domain)
    }

    async fn list(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> ListAnswer {
        let (api, stored) = tokio::join!(
            self.client.list_sessions(SCREEN_SHARING, from, to),
            self.stored_sessions()
        );
        if let (Ok(list), Some(w)) = (&api, &self.writer) {
            w.put_list_rows(list.sessions.clone(), Utc::now());
        }
        ListAnswer { api, stored }
    }

    fn search_store(
        &self,
        query: &str,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<SessionHits>, StoreSearchError>> + Send {
        let query = query.to_string();
        async move {
            self.read(move |s| s.search(&query, limit))
                .await
                .ok_or(StoreSearchError::NoStore)?
                .map_err(StoreSearchError::from_store)
        }
    }
}

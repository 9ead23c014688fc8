//! What the viewer's worker fetches with: the API client and, beside it, the local store.
//! Store reads run on tokio's blocking pool, never on the UI thread.

use std::future::Future;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};

use crate::api::worker::{Fetch, ListAnswer, StoreSearchError, SCREEN_SHARING};
use crate::api::{ApiError, Client, Session, SystemLinks, Transcript};
use crate::store::{SessionHits, Store, StoredSession};

/// The client and an optional store connection (for reads; writes go through the writer).
#[derive(Clone)]
pub struct Source {
    pub client: Client,
    pub store: Option<Arc<Mutex<Store>>>,
}

impl Source {
    pub fn new(client: Client, store: Option<Store>) -> Self {
        Source {
            client,
            store: store.map(|s| Arc::new(Mutex::new(s))),
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
}

impl Fetch for Source {
    fn session(&self, id: &str) -> impl Future<Output = Result<Session, ApiError>> + Send {
        self.client.session(id)
    }

    fn transcript(&self, id: &str) -> impl Future<Output = Result<Transcript, ApiError>> + Send {
        self.client.transcript(id)
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

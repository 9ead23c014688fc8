//! The transcript fetched as a stream (issue 11): the body's chunks go to a blocking
//! thread that decodes them as they come (`api/stream.rs`), and each batch of events
//! goes to the caller at once. Bytes are counted against the limit as they arrive,
//! with or without a Content-Length; a body that ends before its JSON does is
//! reported as cut off after the messages that did arrive.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::mpsc;

use super::client::{check_id, segment, Client, Opened};
use super::error::{ApiError, Endpoint};
use super::model::{Event, Transcript};
use super::stream::{self, DecodeError, Head, Pending};

/// One batch of a transcript on its way.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Events after those of the batches before (or, with `restart`, instead of them).
    /// Shared: the viewer prepares its messages from a batch while the store's copy of
    /// the transcript holds the same events, not a clone (issue 11: memory).
    pub events: Arc<Vec<Event>>,
    /// Drop every event of the batches before: these start the transcript over.
    pub restart: bool,
    /// Events in the transcript so far, these included.
    pub messages: usize,
    /// Bytes of the body received so far.
    pub bytes: u64,
}

/// Chunks in flight between the network and the decoder: enough to keep both busy.
const CHUNKS: usize = 16;
/// The start of the body is kept to quote from when it is not JSON.
const HEAD_BYTES: usize = 4096;

impl Client {
    /// The transcript of session `id`, every event collected: [`Client::transcript_stream`]
    /// with nobody watching.
    pub async fn transcript(&self, id: &str) -> Result<Transcript, ApiError> {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&events);
        let mut t = self
            .transcript_stream(id, move |p: Progress| {
                if let Ok(mut all) = sink.lock() {
                    if p.restart {
                        all.clear();
                    }
                    all.extend(Arc::unwrap_or_clone(p.events));
                }
            })
            .await?;
        t.events = events
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default();
        Ok(t)
    }

    /// Fetches the transcript of session `id`, sending its events to `progress` in
    /// batches while the body arrives. The transcript returned holds no events (they
    /// all went to `progress`) and no raw body. A 404 is an empty transcript that
    /// says so, as with [`Client::transcript`].
    pub async fn transcript_stream(
        &self,
        id: &str,
        progress: impl FnMut(Progress) + Send + 'static,
    ) -> Result<Transcript, ApiError> {
        self.transcript_stream_tapped(id, progress, None).await
    }

    /// As [`Client::transcript_stream`], each chunk of the body (a byte order mark
    /// included) also going to `tap` as it arrives: `print --format json` passes the
    /// body through from there. The tap holds back the network as the decoder does;
    /// when it closes, reading stops.
    pub async fn transcript_stream_tapped(
        &self,
        id: &str,
        progress: impl FnMut(Progress) + Send + 'static,
        tap: Option<mpsc::Sender<Bytes>>,
    ) -> Result<Transcript, ApiError> {
        let id = check_id(id)?;
        let url = self.url(&format!("sessions/{}/events", segment(&id)))?;
        let endpoint = Endpoint::Transcript;
        let (opened, token) = match self.open(url, endpoint, &id).await {
            Ok(o) => o,
            Err(ApiError::NotFound { .. }) => return Ok(Transcript::none_for_session()),
            Err(e) => return Err(e),
        };
        let Opened {
            mut response,
            status,
            content_type,
            url,
            limit: time_limit,
            mut log,
        } = opened;
        let limit = self.limit(endpoint) as u64;
        let received = Arc::new(AtomicU64::new(0));
        let (tx, rx) = mpsc::channel::<io::Result<Bytes>>(CHUNKS);
        let decoder = {
            let received = Arc::clone(&received);
            let mut progress = progress;
            tokio::task::spawn_blocking(move || {
                let pending = Pending::new(Box::new(move |events, restart, messages| {
                    progress(Progress {
                        events: Arc::new(events),
                        restart,
                        messages,
                        bytes: received.load(Ordering::Relaxed),
                    })
                }));
                let reader = ChunkReader {
                    rx,
                    chunk: Bytes::new(),
                    pending: pending.clone(),
                    first: true,
                };
                let result = stream::decode(reader, stream::MAX_EVENTS, &pending);
                let messages = pending.try_borrow().map(|p| p.messages()).unwrap_or(0);
                (result, messages)
            })
        };
        let mut head = Vec::new();
        let pumped: Result<(), ApiError> = loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let total = received.fetch_add(chunk.len() as u64, Ordering::Relaxed)
                        + chunk.len() as u64;
                    if head.len() < HEAD_BYTES {
                        let room = HEAD_BYTES - head.len();
                        head.extend_from_slice(&chunk[..chunk.len().min(room)]);
                    }
                    if total > limit {
                        break Err(self.too_large(endpoint));
                    }
                    let tapped = chunk.clone();
                    if tx.send(Ok(chunk)).await.is_err() {
                        // The decoder stopped (an error it reports): nothing more to read.
                        break Ok(());
                    }
                    if let Some(tap) = &tap {
                        if tap.send(tapped).await.is_err() {
                            // Its reader stopped (and says why): nothing more to read.
                            break Ok(());
                        }
                    }
                }
                Ok(None) => break Ok(()),
                Err(e) => break Err(self.transport_error(e, endpoint, &url, time_limit)),
            }
        };
        if pumped.is_err() {
            let _ = tx.send(Err(io::Error::other(CUT))).await;
        }
        drop(tx);
        drop(response);
        log.read(received.load(Ordering::Relaxed) as usize);
        if let Err(e) = &pumped {
            log.failed(e.clone());
        }
        let (decoded, messages) = decoder.await.map_err(|e| ApiError::Internal {
            endpoint,
            detail: format!("the transcript decoder stopped: {e}"),
        })?;
        match (pumped, decoded) {
            (Err(e @ ApiError::TooLarge { .. }), _) => Err(e),
            (Err(e @ ApiError::Timeout { .. }), _) => Err(e),
            // The connection broke in the middle of the body.
            (Err(_), _) => Err(ApiError::Truncated { endpoint, messages }),
            (Ok(()), Ok(h)) => Ok(Head::into_transcript(h, Vec::new())),
            (Ok(()), Err(DecodeError::Shape(detail))) => {
                Err(ApiError::BadShape { endpoint, detail })
            }
            (Ok(()), Err(DecodeError::Json(e))) => {
                let blank = head.iter().all(u8::is_ascii_whitespace);
                if e.is_eof() && !blank {
                    Err(ApiError::Truncated { endpoint, messages })
                } else {
                    Err(self.json_error(&e, (endpoint, status, &content_type), &head, &token))
                }
            }
        }
    }
}

/// What the reader fails with when the body could not be read to its end.
const CUT: &str = "the body was cut off";

/// The body's chunks as one `Read`, on the decoding thread.
struct ChunkReader<'a> {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    chunk: Bytes,
    pending: stream::Shared<'a>,
    first: bool,
}

impl io::Read for ChunkReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            let next = match self.rx.try_recv() {
                Ok(next) => next,
                Err(mpsc::error::TryRecvError::Disconnected) => return Ok(0),
                Err(mpsc::error::TryRecvError::Empty) => {
                    // Nothing to decode until more arrives: show what there is.
                    stream::flush(&self.pending);
                    match self.rx.blocking_recv() {
                        Some(next) => next,
                        None => return Ok(0),
                    }
                }
            };
            self.chunk = next?;
            if std::mem::take(&mut self.first) {
                // RFC 8259 lets a parser ignore a byte order mark; some servers send one.
                if self.chunk.starts_with(b"\xef\xbb\xbf") {
                    self.chunk = self.chunk.slice(3..);
                }
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = self.chunk.slice(n..);
        Ok(n)
    }
}

//! Writes to the store off the UI thread (issue 8): one std thread owns the write
//! connection and takes jobs over a channel in order, so a 100,000-message transcript
//! never holds up a key press, and the async workers never block on SQLite.
//!
//! A transcript comes as a [`TranscriptStream`]: its batches are packed into the store as
//! they arrive (and let go, see `packed.rs`), and only its end, with a complete, good answer,
//! makes the pack the stored copy; a stream dropped before its end leaves the stored copy as
//! it was. With [`Backlog::Work`] the thread then unpacks and indexes what waits whenever it
//! has nothing else to do.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Store;
use crate::api::{Event, Session, Transcript};
use crate::credit::{Credit, Held};

enum Job {
    Session {
        id: String,
        session: Box<Session>,
        at: DateTime<Utc>,
    },
    /// Starts (or, again, restarts) packing stream `stream` of transcript `id`.
    Begin {
        stream: u64,
        id: String,
    },
    /// Events after those sent before.
    Batch {
        stream: u64,
        data: BatchData,
        events: u64,
        /// Given back once the batch is packed (see [`BATCHES_QUEUED`]).
        _held: Held,
    },
    /// The answer is complete: `head` has its times and absence, not its events;
    /// `events` is the hash of the events sent ([`EventsHash`]).
    End {
        stream: u64,
        head: Box<Transcript>,
        at: DateTime<Utc>,
        events: u64,
    },
    Abort {
        stream: u64,
    },
    ListRows {
        rows: Vec<Session>,
        at: DateTime<Utc>,
    },
    Prune(Duration),
    /// Answers once every job sent before it is done.
    Flush(mpsc::Sender<()>),
    Close,
}

/// How a batch comes to the writer: the events themselves, shared with the caller (a
/// viewer, whose writer stages them as rows), or packed into a blob by the caller
/// (`print`, which keeps the events: see [`Backlog`]).
enum BatchData {
    Events(Arc<Vec<Event>>),
    Blob(Blob),
}

/// Batches of one streaming transcript sent to the writer and not yet packed. Past
/// this the sender (the transcript's decoder) waits: a writer slower than the
/// network would otherwise hold the decoded body in its queue (issue 11).
const BATCHES_QUEUED: usize = 4;

/// A handle on the writer thread; clones share it. Sending never blocks (but a streaming
/// transcript's batches wait for the writer, see [`TranscriptStream::batch`]); a job sent after
/// [`Writer::close`] is dropped.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
    /// The first write that failed, as one line (a locked store, a full disk).
    failure: Arc<Mutex<Option<String>>>,
    /// The last stream number handed out (0 is the store's own, never used here).
    streams: Arc<AtomicU64>,
    backlog: Backlog,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

/// What the writer leaves for later, and does when no job waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backlog {
    /// A process that stays (the viewer): a streamed transcript is staged as rows as it
    /// comes (no copy of its events) and written into `messages` at its end; when idle
    /// the thread unpacks the packs others left and indexes what is not indexed.
    Work,
    /// A process about to exit (`print`): a streamed transcript is packed (see
    /// `packed.rs`), and unpacking and indexing are left to the next process.
    Leave,
}

impl Writer {
    /// Starts the thread that owns `store`; `None` when the system will not start a thread.
    pub fn start(store: Store, backlog: Backlog) -> Option<Writer> {
        let (jobs, rx) = mpsc::channel();
        let failure = Arc::new(Mutex::new(None));
        let failed = Arc::clone(&failure);
        let thread = std::thread::Builder::new()
            .name("g2a-store-writer".into())
            .spawn(move || run(store, rx, failed, backlog))
            .ok()?;
        Some(Writer {
            jobs,
            thread: Arc::new(Mutex::new(Some(thread))),
            failure,
            streams: Arc::default(),
            backlog,
        })
    }

    pub fn put_session(&self, id: &str, session: Session, at: DateTime<Utc>) {
        self.send(Job::Session {
            id: id.to_string(),
            session: Box::new(session),
            at,
        });
    }

    /// Stores a whole transcript: a stream of one batch.
    pub fn put_transcript(&self, id: &str, mut transcript: Transcript, at: DateTime<Utc>) {
        let mut stream = self.transcript_stream(id);
        stream.batch(&Arc::new(std::mem::take(&mut transcript.events)));
        stream.end(transcript, at);
    }

    /// Starts writing transcript `id` as it streams in; see [`TranscriptStream`].
    pub fn transcript_stream(&self, id: &str) -> TranscriptStream {
        let stream = self.streams.fetch_add(1, Ordering::Relaxed) + 1;
        let id = id.to_string();
        self.send(Job::Begin {
            stream,
            id: id.clone(),
        });
        TranscriptStream {
            credit: Credit::new(BATCHES_QUEUED),
            writer: self.clone(),
            stream,
            id,
            ended: false,
            hash: EventsHash::default(),
            blobs: Spare::default(),
        }
    }

    pub fn put_list_rows(&self, rows: Vec<Session>, at: DateTime<Utc>) {
        self.send(Job::ListRows { rows, at });
    }

    /// Removes the sessions not seen for `older_than` (`--keep-days`).
    pub fn prune(&self, older_than: Duration) {
        self.send(Job::Prune(older_than));
    }

    /// Waits until every job sent before is written (or failed).
    pub fn flush(&self) {
        let (tx, rx) = mpsc::channel();
        self.send(Job::Flush(tx));
        // An error means the thread is gone: nothing is left to wait for.
        let _ = rx.recv();
    }

    /// Writes what is queued, then stops the thread and waits for it. Returns the first
    /// write that failed, if any, for the caller to report in one line.
    pub fn close(&self) -> Option<String> {
        self.send(Job::Close);
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(thread) = thread {
            if thread.join().is_err() {
                self.fail("the store writer stopped unexpectedly".into());
            }
        }
        self.failure()
    }

    /// The first write that failed so far.
    pub fn failure(&self) -> Option<String> {
        self.failure.lock().ok().and_then(|f| f.clone())
    }

    fn send(&self, job: Job) {
        // Closed: the program is ending and the job is not worth a complaint.
        let _ = self.jobs.send(job);
    }

    fn fail(&self, why: String) {
        record(&self.failure, why);
    }
}

/// A transcript being written as it streams in: each batch is packed by the writer thread
/// (and let go), and [`TranscriptStream::end`] stores the whole. Dropped without `end` (an
/// error, a truncated answer, a cancelled fetch), it leaves the stored copy untouched.
#[derive(Debug)]
pub struct TranscriptStream {
    writer: Writer,
    stream: u64,
    id: String,
    ended: bool,
    credit: Arc<Credit>,
    hash: EventsHash,
    /// Blobs the writer is done with, for the next batches.
    blobs: Spare,
}

/// Blobs given back by the writer: a megabyte a batch, fresh from the allocator each
/// time, was a tenth of the decoder's time spent on the kernel zeroing new pages.
type Spare = Arc<Mutex<Vec<Vec<u8>>>>;

/// A batch's blob, given back to its stream's [`Spare`] when the writer drops it.
struct Blob {
    bytes: Vec<u8>,
    home: Spare,
}

impl Blob {
    fn take(home: &Spare) -> Blob {
        let mut bytes = home
            .lock()
            .ok()
            .and_then(|mut b| b.pop())
            .unwrap_or_default();
        bytes.clear();
        Blob {
            bytes,
            home: Arc::clone(home),
        }
    }
}

impl Drop for Blob {
    fn drop(&mut self) {
        if let Ok(mut spare) = self.home.lock() {
            // One odd batch's huge blob is not kept.
            if spare.len() < BLOBS_KEPT && self.bytes.capacity() <= BLOB_KEPT {
                spare.push(std::mem::take(&mut self.bytes));
            }
        }
    }
}

/// The largest blob kept for reuse.
const BLOB_KEPT: usize = 4 << 20;
/// Blobs kept for reuse: as many as may wait for the writer.
const BLOBS_KEPT: usize = BATCHES_QUEUED;

impl TranscriptStream {
    /// Events after those sent before, hashed here, on the caller's thread (the
    /// decoder's). With [`Backlog::Leave`] they are packed into a blob here too, so the
    /// events stay the caller's alone (`print` writes them out without a copy); else
    /// they are shared with the writer. Waits while [`BATCHES_QUEUED`] of this stream's
    /// batches are not written yet (at most a few seconds: a stuck writer does not hang
    /// the fetch).
    pub fn batch(&mut self, events: &Arc<Vec<Event>>) {
        let held = self.credit.take();
        // Only a writer that stays sees a transcript twice (a live session's polls).
        if self.writer.backlog == Backlog::Work {
            for e in events.iter() {
                self.hash.add(e);
            }
        }
        let data = match self.writer.backlog {
            Backlog::Leave => {
                let mut blob = Blob::take(&self.blobs);
                super::packed::encode_events(events, &mut blob.bytes);
                BatchData::Blob(blob)
            }
            Backlog::Work => BatchData::Events(Arc::clone(events)),
        };
        self.writer.send(Job::Batch {
            stream: self.stream,
            data,
            events: events.len() as u64,
            _held: held,
        });
    }

    /// Drops the events sent so far: the answer starts over.
    pub fn restart(&mut self) {
        self.hash = EventsHash::default();
        self.writer.send(Job::Begin {
            stream: self.stream,
            id: self.id.clone(),
        });
    }

    /// The answer is complete and good: the events sent replace the stored transcript,
    /// with `head`'s times and absence (its events are ignored).
    pub fn end(mut self, head: Transcript, at: DateTime<Utc>) {
        let head = Transcript {
            events: Vec::new(),
            raw: serde_json::Value::Null,
            ..head
        };
        self.ended = true;
        self.writer.send(Job::End {
            stream: self.stream,
            head: Box::new(head),
            at,
            events: self.hash.0,
        });
    }
}

impl Drop for TranscriptStream {
    fn drop(&mut self) {
        if !self.ended {
            self.writer.send(Job::Abort {
                stream: self.stream,
            });
        }
    }
}

/// A transcript the writer thread is staging or packing.
struct Staging {
    id: String,
    how: How,
    /// Events packed so far.
    count: u64,
}

/// A hash of a transcript's events, whatever batches they came in: a live session's
/// poll that brings nothing new is recognised by it (see [`end`]). Each event is hashed
/// on its own with foldhash (SipHash over every text cost a tenth of `print`'s time),
/// then mixed in order.
#[derive(Debug, Default)]
struct EventsHash(u64);

impl EventsHash {
    fn add(&mut self, e: &Event) {
        use std::hash::BuildHasher;
        let one = foldhash::quality::FixedState::with_seed(0x6732_6174_7569).hash_one((
            e.time.as_ref().map(|t| &t.raw),
            &e.participant,
            &e.content,
        ));
        self.0 = (self.0.rotate_left(23) ^ one).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

/// Where a streamed transcript's batches go.
enum How {
    /// Rows of the connection's TEMP table, keyed by the stream ([`Backlog::Work`]).
    Staged,
    /// A pack ([`Backlog::Leave`]); `None` when it could not be started or lost a batch
    /// (the failure is recorded): then nothing is stored.
    Packed(Option<i64>),
}

fn record(failure: &Mutex<Option<String>>, why: String) {
    if let Ok(mut f) = failure.lock() {
        f.get_or_insert(why);
    }
}

fn run(
    mut store: Store,
    jobs: mpsc::Receiver<Job>,
    failure: Arc<Mutex<Option<String>>>,
    mode: Backlog,
) {
    // What this thread last wrote of each transcript: a live session's poll that brings
    // nothing new costs one UPDATE, not a rewrite of every message and its index entries.
    let mut written: HashMap<String, u64> = HashMap::new();
    let mut staging: HashMap<u64, Staging> = HashMap::new();
    // A store opened with packs waiting or messages left unindexed (by this thread, or a
    // process that ended first) is worked on when no job waits, a step at a time.
    let mut backlog = mode == Backlog::Work;
    if mode == Backlog::Leave {
        // What a process like this one left (replaced or abandoned packs) goes as it
        // starts, while the answer is still on its way, not at its end.
        tidy_packs(&store);
    }
    loop {
        let job = match jobs.try_recv() {
            Ok(job) => job,
            Err(mpsc::TryRecvError::Disconnected) => break,
            Err(mpsc::TryRecvError::Empty) if backlog => {
                backlog = work_on_backlog(&store);
                continue;
            }
            Err(mpsc::TryRecvError::Empty) => match jobs.recv() {
                Ok(job) => job,
                Err(_) => break,
            },
        };
        backlog |= mode == Backlog::Work && matches!(job, Job::End { .. });
        let started = std::time::Instant::now();
        // Its failure is logged at warn: without a log (no subscriber) nothing is kept.
        let logged = tracing::enabled!(tracing::Level::WARN)
            .then(|| job.log_fields(&staging))
            .flatten();
        let release = matches!(job, Job::End { .. } | Job::Abort { .. });
        let result = match job {
            Job::Session { id, session, at } => store.put_session(&id, &session, at),
            Job::Begin { stream, id } => {
                // Again: the answer starts over.
                let dropped = match staging.remove(&stream).map(|s| s.how) {
                    Some(How::Packed(Some(p))) => store.drop_pack(p),
                    _ => Ok(()),
                };
                let (how, begun) = match mode {
                    Backlog::Work => (How::Staged, store.unstage(stream)),
                    Backlog::Leave => match store.begin_pack(&id) {
                        Ok(p) => (How::Packed(Some(p)), Ok(())),
                        Err(e) => (How::Packed(None), Err(e)),
                    },
                };
                staging.insert(stream, Staging { id, how, count: 0 });
                dropped.and(begun)
            }
            Job::Batch {
                stream,
                data,
                events,
                ..
            } => match staging.get_mut(&stream) {
                Some(s) => {
                    let written = match (&mut s.how, &data) {
                        (How::Staged, BatchData::Events(e)) => {
                            store.stage_events(stream, s.count, e)
                        }
                        (How::Packed(pack), BatchData::Blob(blob)) => {
                            let packed =
                                pack.map_or(Ok(()), |p| store.pack_blob(p, s.count, &blob.bytes));
                            if packed.is_err() {
                                // The pack lacks this batch: it must never be taken for the
                                // answer. (Should dropping it fail too, it is abandoned and
                                // goes later.)
                                if let Some(p) = pack.take() {
                                    let _ = store.drop_pack(p);
                                }
                            }
                            packed
                        }
                        // A stream's batches all come as its writer's mode says.
                        _ => Ok(()),
                    };
                    s.count += events;
                    written
                }
                None => Ok(()),
            },
            Job::Abort { stream } => match staging.remove(&stream).map(|s| s.how) {
                Some(How::Packed(Some(pack))) => store.drop_pack(pack),
                Some(How::Staged) => unstage(&mut store, &staging, stream),
                _ => Ok(()),
            },
            Job::End {
                stream,
                head,
                at,
                events,
            } => match staging.remove(&stream) {
                Some(s) => {
                    let staged = matches!(s.how, How::Staged);
                    let seen = (mode == Backlog::Work).then_some(&mut written);
                    let result = end(&mut store, seen, stream, s, (&head, events), at);
                    if staged {
                        result.and(unstage(&mut store, &staging, stream))
                    } else {
                        result
                    }
                }
                None => Ok(()),
            },
            Job::ListRows { rows, at } => store.put_list_rows(&rows, at).map(|_| ()),
            Job::Prune(age) => store
                .prune(age)
                .map(|removed| tracing::info!(removed, "store pruned")),
            Job::Flush(done) => {
                let _ = done.send(());
                Ok(())
            }
            Job::Close => break,
        };
        if let Some((job, session, items)) = logged {
            super::write_log::logged(job, session.as_deref(), items, started, &result);
        }
        if let Err(e) = result {
            record(&failure, e.to_string());
        }
        if release {
            store.release_memory();
        }
    }
}

/// A step of the backlog: drops abandoned packs, unpacks one that is done, or indexes a
/// chunk of unindexed messages; returns whether to go on. A failure (the store locked by
/// another process) loses nothing: the next reader, or this thread after its next
/// transcript, does it.
fn work_on_backlog(store: &Store) -> bool {
    let started = std::time::Instant::now();
    tidy_packs(store);
    match store.has_waiting_packs() {
        Ok(true) => {
            let result = store.unpack_one();
            super::write_log::logged("unpack", None, 0, started, &result);
            // Failed: indexing would not get further (the store is locked or damaged).
            result.is_ok()
        }
        _ => index_some(store),
    }
}

/// Drops abandoned packs and loose blobs; a failure is only logged (the next try will do).
fn tidy_packs(store: &Store) {
    if let Err(e) = store
        .drop_abandoned_packs(Utc::now())
        .and_then(|_| store.drop_loose_blobs())
    {
        tracing::debug!(error = %e, "packs not tidied");
    }
}

/// Indexes a chunk of the store's unindexed messages; returns whether to go on. A failure
/// (the store locked by another process) loses nothing: the next search, or this thread
/// after its next transcript, indexes them.
fn index_some(store: &Store) -> bool {
    let started = std::time::Instant::now();
    let result = store.index_some(super::INDEX_CHUNK);
    super::write_log::logged("index", None, 0, started, &result);
    let more = result.unwrap_or(false);
    if !more {
        store.release_memory();
    }
    more
}

impl Job {
    /// What the log says of a job: its kind, the session it is about, how many items
    /// (messages, list rows) it carries. `None` for the jobs that write nothing.
    fn log_fields(
        &self,
        staging: &HashMap<u64, Staging>,
    ) -> Option<(&'static str, Option<String>, usize)> {
        let id = |stream: &u64| staging.get(stream).map(|s| s.id.clone());
        Some(match self {
            Job::Session { id, .. } => ("session", Some(id.clone()), 1),
            Job::End { stream, .. } => (
                "transcript",
                id(stream),
                staging.get(stream).map_or(0, |s| s.count as usize),
            ),
            Job::Batch { stream, events, .. } => ("transcript batch", id(stream), *events as usize),
            Job::Begin { .. } | Job::Abort { .. } => return None,
            Job::ListRows { rows, .. } => ("list rows", None, rows.len()),
            Job::Prune(_) => ("prune", None, 0),
            Job::Flush(_) | Job::Close => return None,
        })
    }
}

/// Ends stream `stream`: its staged rows or its pack become the stored transcript, unless
/// its events are what this thread last wrote of the transcript (then only the fetch time
/// moves) or the answer says "no transcript" where messages are stored.
fn end(
    store: &mut Store,
    written: Option<&mut HashMap<String, u64>>,
    stream: u64,
    staged: Staging,
    (head, events): (&Transcript, u64),
    at: DateTime<Utc>,
) -> Result<(), super::StoreError> {
    let Staging { id, how, count } = staged;
    let pack = match how {
        // Not packed whole (a write failed, already recorded): the stored copy stays.
        How::Packed(None) => return Ok(()),
        How::Packed(Some(p)) => Some(p),
        How::Staged => None,
    };
    let discard = |store: &mut Store| pack.map_or(Ok(()), |p| store.drop_pack(p));
    if keeps_messages(store, &id, head, count) {
        return discard(store);
    }
    // `None`: a writer that writes once (no fingerprint was taken).
    let Some(written) = written else {
        return match pack {
            Some(p) => store.finish_pack(p, head, at),
            None => store.put_staged(stream, &id, head, at, super::Indexing::Later),
        };
    };
    let print = fingerprint(events, head, count);
    let same = written.remove(&id) == Some(print);
    // Pruned or cleared since (by another process too): written in full.
    let touched = same && store.touch_transcript(&id, at).unwrap_or(false);
    let result = match pack {
        _ if touched => discard(store),
        Some(p) => store.finish_pack(p, head, at),
        None => store.put_staged(stream, &id, head, at, super::Indexing::Later),
    };
    if result.is_ok() {
        written.insert(id, print);
    }
    result
}

/// Drops stream `stream`'s staged rows: the whole table when no other stream stages
/// (deleting 10^6 rows one by one took a tenth of the write).
fn unstage(
    store: &mut Store,
    staging: &HashMap<u64, Staging>,
    stream: u64,
) -> Result<(), super::StoreError> {
    if staging.values().any(|s| matches!(s.how, How::Staged)) {
        store.unstage(stream)
    } else {
        store.unstage_all()
    }
}

/// A hash of everything the store keeps of a transcript: `events` is its events' hash
/// ([`EventsHash`]), `count` of them.
fn fingerprint(events: u64, head: &Transcript, count: u64) -> u64 {
    let raw = |ts: &Option<crate::api::Timestamp>| ts.as_ref().map(|t| t.raw.clone());
    let mut h = DefaultHasher::new();
    (
        events,
        raw(&head.start_time),
        raw(&head.end_time),
        head.absence.is_some(),
        count,
    )
        .hash(&mut h);
    h.finish()
}

/// A "no transcript" answer (the API's 404, as for a session the vendor has already
/// purged after about 30 days) never replaces stored messages: keeping them is the
/// point of the store.
fn keeps_messages(store: &Store, id: &str, head: &Transcript, count: u64) -> bool {
    if head.absence.is_none() || count > 0 {
        return false;
    }
    store.has_transcript_messages(id).unwrap_or(false)
}

//! Writes to the store off the UI thread (issue 8): one std thread owns the write
//! connection and takes jobs over a channel in order, so a 100,000-message transcript
//! never holds up a key press, and the async workers never block on SQLite.
//!
//! Only complete, good answers are sent here; each job is one transaction in [`Store`],
//! so a write that fails leaves the stored copy as it was.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Store;
use crate::api::{Session, Transcript};

enum Job {
    Session {
        id: String,
        session: Box<Session>,
        at: DateTime<Utc>,
    },
    Transcript {
        id: String,
        transcript: Box<Transcript>,
        at: DateTime<Utc>,
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

/// A handle on the writer thread; clones share it. Sending never blocks; a job sent after
/// [`Writer::close`] is dropped.
#[derive(Clone)]
pub struct Writer {
    jobs: mpsc::Sender<Job>,
    thread: Arc<Mutex<Option<JoinHandle<()>>>>,
    /// The first write that failed, as one line (a locked store, a full disk).
    failure: Arc<Mutex<Option<String>>>,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer").finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts the thread that owns `store`; `None` when the system will not start a thread.
    pub fn start(store: Store) -> Option<Writer> {
        let (jobs, rx) = mpsc::channel();
        let failure = Arc::new(Mutex::new(None));
        let failed = Arc::clone(&failure);
        let thread = std::thread::Builder::new()
            .name("g2a-store-writer".into())
            .spawn(move || run(store, rx, failed))
            .ok()?;
        Some(Writer {
            jobs,
            thread: Arc::new(Mutex::new(Some(thread))),
            failure,
        })
    }

    pub fn put_session(&self, id: &str, session: Session, at: DateTime<Utc>) {
        self.send(Job::Session {
            id: id.to_string(),
            session: Box::new(session),
            at,
        });
    }

    pub fn put_transcript(&self, id: &str, transcript: Transcript, at: DateTime<Utc>) {
        self.send(Job::Transcript {
            id: id.to_string(),
            transcript: Box::new(transcript),
            at,
        });
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

fn record(failure: &Mutex<Option<String>>, why: String) {
    if let Ok(mut f) = failure.lock() {
        f.get_or_insert(why);
    }
}

fn run(mut store: Store, jobs: mpsc::Receiver<Job>, failure: Arc<Mutex<Option<String>>>) {
    // What this thread last wrote of each transcript: a live session's poll that brings
    // nothing new costs one UPDATE, not a rewrite of every message and its index entries.
    let mut written: HashMap<String, u64> = HashMap::new();
    while let Ok(job) = jobs.recv() {
        let started = std::time::Instant::now();
        // Its failure is logged at warn: without a log (no subscriber) nothing is kept.
        let logged = tracing::enabled!(tracing::Level::WARN)
            .then(|| job.log_fields())
            .flatten();
        let result = match job {
            Job::Session { id, session, at } => store.put_session(&id, &session, at),
            Job::Transcript { id, transcript, at } => {
                if keeps_messages(&store, &id, &transcript) {
                    Ok(())
                } else {
                    let print = fingerprint(&transcript);
                    let same = written.remove(&id) == Some(print);
                    // Pruned or cleared since (by another process too): written in full.
                    let touched = same && store.touch_transcript(&id, at).unwrap_or(false);
                    let result = if touched {
                        Ok(())
                    } else {
                        store.put_transcript(&id, &transcript, at)
                    };
                    if result.is_ok() {
                        written.insert(id, print);
                    }
                    result
                }
            }
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
    }
}

impl Job {
    /// What the log says of a job: its kind, the session it is about, how many items
    /// (messages, list rows) it carries. `None` for the jobs that write nothing.
    fn log_fields(&self) -> Option<(&'static str, Option<String>, usize)> {
        Some(match self {
            Job::Session { id, .. } => ("session", Some(id.clone()), 1),
            Job::Transcript { id, transcript, .. } => {
                ("transcript", Some(id.clone()), transcript.events.len())
            }
            Job::ListRows { rows, .. } => ("list rows", None, rows.len()),
            Job::Prune(_) => ("prune", None, 0),
            Job::Flush(_) | Job::Close => return None,
        })
    }
}

/// A hash of everything the store keeps of a transcript.
fn fingerprint(t: &Transcript) -> u64 {
    let mut h = DefaultHasher::new();
    let raw = |ts: &Option<crate::api::Timestamp>| ts.as_ref().map(|t| t.raw.clone());
    (raw(&t.start_time), raw(&t.end_time), t.absence.is_some()).hash(&mut h);
    t.events.len().hash(&mut h);
    for e in &t.events {
        (e.time.as_ref().map(|t| &t.raw), &e.participant, &e.content).hash(&mut h);
    }
    h.finish()
}

/// A "no transcript" answer (the API's 404, as for a session the vendor has already
/// purged after about 30 days) never replaces stored messages: keeping them is the
/// point of the store.
fn keeps_messages(store: &Store, id: &str, transcript: &Transcript) -> bool {
    if transcript.absence.is_none() || !transcript.events.is_empty() {
        return false;
    }
    store
        .get_transcript(id)
        .ok()
        .flatten()
        .is_some_and(|t| !t.transcript.events.is_empty())
}

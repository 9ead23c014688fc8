//! The local SQLite store (issue 8): sessions and transcripts as last fetched, searchable with
//! FTS5. [`writer`] writes off the UI thread; `crate::source` reads it and falls back on it.
//!
//! The file holds customer conversations, so it is created 0600 inside a 0700 directory before
//! SQLite writes a byte, and a file that is corrupt, from a newer build, someone else's database,
//! or locked by another g2a-tui is refused with a one-line [`StoreError`], never overwritten.
//! Each write is one transaction: a failed write leaves the previous good copy in place.

mod backlog;
mod packed;
pub mod query;
pub mod schema;
mod staged;
pub mod write_log;
pub mod writer;

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension, TransactionBehavior};
use serde_json::{json, Value};

use crate::api::model::{Event, Session, Status, Timestamp, Transcript, TranscriptAbsence};

pub use backlog::CHUNK as INDEX_CHUNK;
pub use packed::ABANDONED_AFTER;
pub use query::QueryError;
pub use staged::Indexing;

/// How long to wait for another connection's write lock before calling the store locked.
const BUSY_TIMEOUT: Duration = Duration::from_millis(300);

/// How much FTS5 indexes in memory before writing a segment (its default is 1 MiB). 64 MiB
/// was tried: `print` of 10^6 messages with the store on then peaked at 144 MiB in 14.4 s,
/// against 94 MiB in 11.0 s with 16 (release build), and searches were no faster.
const FTS_HASH_BYTES: i64 = 16 * 1024 * 1024;

/// How large the write-ahead log may grow before a process that defers checkpoints
/// ([`Store::defer_checkpoints`]) folds it into the file all the same. The next
/// process to open the store reads the whole log before its first query (SQLite
/// rebuilds its index of the log), about 0.37 ms a MiB on the 2-core VM: a viewer
/// opened after several large `print`s starts at most about 50 ms later (256 MiB made
/// it 95 ms). Folding costs about the same per MiB whenever it happens.
const WAL_LEFT_BYTES: i64 = 128 << 20;

/// The file name inside the data directory.
const FILE_NAME: &str = "store.sqlite3";

/// `<data dir>/g2a-tui/store.sqlite3` (`$XDG_DATA_HOME/g2a-tui/…` on Linux), or `None` when the
/// platform has no home directory to put it in.
pub fn default_path() -> Option<PathBuf> {
    let base = directories::BaseDirs::new()?;
    Some(base.data_dir().join("g2a-tui").join(FILE_NAME))
}

/// Where the store lives and whether to use it, from `--store`/`G2A_STORE`,
/// `--no-store`/`G2A_NO_STORE` and `--keep-days`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSettings {
    /// `None`: [`default_path`].
    pub path: Option<PathBuf>,
    pub enabled: bool,
    /// Sessions not seen for this many days are pruned.
    pub keep_days: u32,
}

impl Default for StoreSettings {
    fn default() -> Self {
        StoreSettings {
            path: None,
            enabled: true,
            keep_days: 90,
        }
    }
}

impl StoreSettings {
    /// The file to use, or `None` when the store is turned off or there is no home directory.
    pub fn file(&self) -> Option<PathBuf> {
        if !self.enabled {
            return None;
        }
        self.path.clone().or_else(default_path)
    }

    /// Opens the store: `Ok(None)` when it is turned off (or there is nowhere to put it).
    pub fn open(&self) -> Result<Option<Store>, StoreError> {
        match self.file() {
            None => Ok(None),
            Some(path) => Store::open(path).map(Some),
        }
    }
}

/// Why the store cannot be used. Each message is one line and names the file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("store {} is not a database or is damaged; left untouched", path.display())]
    Corrupt { path: PathBuf },
    #[error("store {} holds tables that are not g2a-tui's; left untouched", path.display())]
    Foreign { path: PathBuf },
    #[error(
        "store {} is from a newer g2a-tui (schema {found}, this one knows {ours}); left untouched",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: u32,
        ours: u32,
    },
    #[error("store {} is locked by another process (another g2a-tui?)", path.display())]
    Locked { path: PathBuf },
    #[error("store {}: {message}", path.display())]
    Sqlite { path: PathBuf, message: String },
    /// A search the user typed cannot be run; the path is not the user's concern here.
    #[error("cannot search for {query:?}: {reason}")]
    Query { query: String, reason: QueryError },
}

impl StoreError {
    /// `input` cannot be searched for `reason`; what is echoed back is cut (a pasted page
    /// is no one line).
    pub fn query(input: &str, reason: QueryError) -> StoreError {
        StoreError::Query {
            query: crate::sanitize::excerpt(input, 80),
            reason,
        }
    }

    /// What to do about it, in one line; `None` when the message says it already.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            StoreError::Corrupt { .. } | StoreError::Foreign { .. } | StoreError::Newer { .. } => {
                Some("move the file aside, or use another one with --store PATH (or --no-store)")
            }
            StoreError::Locked { .. } => Some(
                "close the other program, or use another file with --store PATH (or --no-store)",
            ),
            StoreError::Io { .. } => Some("check the path, or use another file with --store PATH"),
            StoreError::Sqlite { .. } | StoreError::Query { .. } => None,
        }
    }
}

/// A session as stored, with when it was fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSession {
    pub session: Session,
    pub fetched_at: DateTime<Utc>,
    /// Ended when fetched: a later fetch will not change it, so `sync` can skip it.
    pub complete: bool,
    /// Stored from a row of the session list, not from `/sessions/{id}` (so `sync` still
    /// fetches the details).
    pub from_list: bool,
}

/// A transcript as stored, with when it was fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredTranscript {
    /// Rebuilt from the stored events; `raw` is the documented shape
    /// (`{"sessionId", "startTime", "endTime", "events": [..]}`), not the bytes received.
    pub transcript: Transcript,
    pub fetched_at: DateTime<Utc>,
}

/// What `g2a-tui store info` prints.
#[derive(Debug, Clone, PartialEq)]
pub struct Info {
    pub path: PathBuf,
    /// The database file plus its WAL, as on disk.
    pub bytes: u64,
    pub sessions: u64,
    pub messages: u64,
    /// The earliest start among stored sessions (their `startedAt` text, as received).
    pub oldest: Option<String>,
}

/// One message that matched a search.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub seq: u32,
    /// The timestamp text as received, when there was one.
    pub time: Option<String>,
    pub participant: Option<String>,
    /// `Speaker::key()` when stored: expert, collaborator, customer, other, system.
    pub role: Option<String>,
    /// The whole message, unsanitised (callers sanitise for output).
    pub text: String,
    /// An excerpt with the matches between [`SNIPPET_OPEN`] and [`SNIPPET_CLOSE`].
    pub snippet: String,
}

/// The matches of one session, best session first.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionHits {
    pub session_id: String,
    /// The stored session, when there is one (a transcript may be stored without it).
    pub session: Option<Session>,
    /// The session's best bm25 rank (lower is better).
    pub rank: f64,
    /// Its matching messages in transcript order.
    pub hits: Vec<Hit>,
}

/// How many of the most recently stored matches a search ranks (see [`Store::search_since`]).
pub const SEARCH_CANDIDATES: usize = 10_000;

/// Marks the start of a match in [`Hit::snippet`].
pub const SNIPPET_OPEN: char = '\u{2}';
/// Marks the end of a match in [`Hit::snippet`].
pub const SNIPPET_CLOSE: char = '\u{3}';

impl Hit {
    /// The snippet as (text, is_match) parts, markers removed.
    pub fn snippet_parts(&self) -> Vec<(String, bool)> {
        let mut parts = Vec::new();
        let mut current = String::new();
        let mut matched = false;
        for c in self.snippet.chars() {
            let toggle = match c {
                SNIPPET_OPEN => Some(true),
                SNIPPET_CLOSE => Some(false),
                _ => None,
            };
            match toggle {
                Some(m) => {
                    if !current.is_empty() {
                        parts.push((std::mem::take(&mut current), matched));
                    }
                    matched = m;
                }
                None => current.push(c),
            }
        }
        if !current.is_empty() {
            parts.push((current, matched));
        }
        parts
    }
}

/// The open store: one connection, used from one thread (wrap it in a worker to write off the
/// UI thread).
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A session ready to be written: its JSON text and the columns read from it.
struct SessionRow<'a> {
    id: &'a str,
    json: String,
    status: Option<String>,
    started: Option<String>,
    /// The parsed start in UTC, as [`stamp`] writes it (schema v2).
    started_utc: Option<String>,
    complete: bool,
}

impl<'a> SessionRow<'a> {
    fn new(id: &'a str, session: &Session, path: &Path) -> Result<Self, StoreError> {
        let json = serde_json::to_string(&session.raw).map_err(|e| StoreError::Sqlite {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Ok(SessionRow {
            id,
            json,
            status: session.status.as_ref().map(|s| s.label().to_string()),
            started: session.started_at.as_ref().map(|t| t.raw.to_string()),
            started_utc: session.started_at.as_ref().and_then(|t| t.at).map(stamp),
            complete: session.ended_at.is_some()
                || matches!(
                    session.status,
                    Some(Status::Complete) | Some(Status::Abandoned)
                ),
        })
    }

    /// Inserts or replaces the row; a list row replaces only another list row.
    fn upsert(
        &self,
        tx: &rusqlite::Transaction<'_>,
        fetched_at: DateTime<Utc>,
        from_list: bool,
    ) -> rusqlite::Result<usize> {
        tx.prepare_cached(
            "INSERT INTO sessions(id, json, status, started_at, fetched_at, complete, from_list,
                                  started_utc)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET json = excluded.json, status = excluded.status,
                 started_at = excluded.started_at, fetched_at = excluded.fetched_at,
                 complete = excluded.complete, from_list = excluded.from_list,
                 started_utc = excluded.started_utc
             WHERE excluded.from_list = 0 OR sessions.from_list = 1",
        )?
        .execute(params![
            self.id,
            self.json,
            self.status,
            self.started,
            stamp(fetched_at),
            self.complete,
            from_list,
            self.started_utc
        ])
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    // Fixed width, so the text sorts as the time does (prune compares text).
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_stamp(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

impl Store {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub fn open(path: impl AsRef<Path>) -> Result<Store, StoreError> {
        let path = path.as_ref().to_path_buf();
        let io = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(io)?;
        }
        // Create the file ourselves, so its mode is 0600 before SQLite writes anything; SQLite
        // gives the -wal and -shm files the mode of the database file.
        create_private_file(&path).map_err(io)?;
        // No SQLITE_OPEN_CREATE: the file exists now, and a vanished one is an error.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&path, flags).map_err(|e| classify(&path, e))?;
        let mut store = Store { conn, path };
        store.setup()?;
        tracing::debug!(path = %store.path.display(), "store opened");
        Ok(store)
    }

    fn setup(&mut self) -> Result<(), StoreError> {
        self.conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| self.err(e))?;
        // Reading the version reads the header: a file that is not SQLite fails here.
        let found: u32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if found > schema::VERSION {
            return Err(self.newer(found));
        }
        // WAL lets readers (a second viewer) go on while one process writes.
        let mode: String = self
            .conn
            .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            // Another connection holds the file in rollback mode and would not let it change.
            return Err(StoreError::Locked {
                path: self.path.clone(),
            });
        }
        // SQLite's own default page cache (2 MiB) for every connection, the TEMP schema's
        // (the writer's staged rows) too: a bigger one made the writer no faster (CPU time
        // alike with 2 and 32 MiB for 2x10^5 messages) and stayed full after a big write.
        // The TEMP schema in a file, whatever the build's default: a 10^6-message transcript
        // staged in memory would be a quarter of a gigabyte.
        self.conn
            .execute_batch(
                "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -2048;
                 PRAGMA temp_store = FILE; PRAGMA temp.cache_size = -2048",
            )
            .map_err(|e| self.err(e))?;
        register_functions(&self.conn).map_err(|e| self.err(e))?;
        match schema::migrate(&mut self.conn, schema::MIGRATIONS).map_err(|e| self.err(e))? {
            schema::Outcome::Migrated { .. } => {}
            schema::Outcome::Newer { found } => return Err(self.newer(found)),
            schema::Outcome::Foreign => {
                return Err(StoreError::Foreign {
                    path: self.path.clone(),
                })
            }
        }
        self.tighten_modes()
    }

    /// For a process about to exit (`print`): what this connection writes stays in the
    /// write-ahead log, folded into the file by the next process that writes (a viewer's
    /// writer does so at once), unless the log passes [`WAL_LEFT_BYTES`]. Folding it in
    /// means an fsync every 4 MiB: the writer of a 2x10^5-message `print` waited on
    /// twelve of them, and the decoder on the writer (a third of `print`'s time).
    pub fn defer_checkpoints(&self) -> Result<(), StoreError> {
        let pages = WAL_LEFT_BYTES / 4096;
        self.conn
            .execute_batch(&format!(
                "PRAGMA wal_autocheckpoint = {pages}; PRAGMA journal_size_limit = {};",
                64 << 20
            ))
            .map_err(|e| self.err(e))?;
        self.conn
            .set_db_config(
                rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
                true,
            )
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Lets go of the memory SQLite holds for this connection (its page caches); after a
    /// big write they are full of pages no one reads again.
    fn release_memory(&self) {
        // Only memory: nothing to report when it fails.
        let _ = self.conn.release_memory();
    }

    fn newer(&self, found: u32) -> StoreError {
        StoreError::Newer {
            path: self.path.clone(),
            found,
            ours: schema::VERSION,
        }
    }

    /// The file, and the -wal and -shm files once they exist, readable by their owner alone
    /// (an existing file may have been made with a laxer mode).
    fn tighten_modes(&self) -> Result<(), StoreError> {
        let mut files = vec![self.path.clone()];
        for suffix in ["-wal", "-shm"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            files.push(PathBuf::from(p));
        }
        for f in files {
            match set_private(&f) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(source) => {
                    return Err(StoreError::Io {
                        path: f.clone(),
                        source,
                    })
                }
            }
        }
        Ok(())
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Stores `session` (a complete, good answer for `id`), replacing what was stored for it.
    pub fn put_session(
        &mut self,
        id: &str,
        session: &Session,
        fetched_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let row = SessionRow::new(id, session, &self.path)?;
        let path = self.path.clone();
        let fail = |e| classify(&path, e);
        let tx = self.write()?;
        row.upsert(&tx, fetched_at, false).map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Stores the rows of a complete, good session-list answer in one transaction. A row never
    /// replaces a session stored from `/sessions/{id}` (which has every field); rows without a
    /// `sessionId` are skipped. Returns how many rows were stored.
    pub fn put_list_rows(
        &mut self,
        rows: &[Session],
        fetched_at: DateTime<Utc>,
    ) -> Result<usize, StoreError> {
        let rows: Vec<SessionRow> = rows
            .iter()
            .filter_map(|s| {
                let id = s.session_id.as_deref()?.trim();
                (!id.is_empty()).then(|| SessionRow::new(id, s, &self.path))
            })
            .collect::<Result<_, _>>()?;
        let path = self.path.clone();
        let fail = |e| classify(&path, e);
        let tx = self.write()?;
        let mut stored = 0;
        for row in &rows {
            stored += row.upsert(&tx, fetched_at, true).map_err(fail)?;
        }
        tx.commit().map_err(fail)?;
        Ok(stored)
    }

    /// Every stored session, the latest start first (those without a start time last).
    pub fn sessions(&self) -> Result<Vec<StoredSession>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT json, fetched_at, complete, from_list FROM sessions")
            .map_err(|e| self.err(e))?;
        let rows: Vec<(String, String, bool, bool)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        let mut out = rows
            .into_iter()
            .map(|(json, fetched, complete, from_list)| {
                self.decode(&json, &fetched, complete, from_list)
            })
            .collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|s| std::cmp::Reverse(s.session.started_at.as_ref().and_then(|t| t.at)));
        Ok(out)
    }

    fn decode(
        &self,
        json: &str,
        fetched: &str,
        complete: bool,
        from_list: bool,
    ) -> Result<StoredSession, StoreError> {
        let session = serde_json::from_str::<Value>(json)
            .map_err(|e| e.to_string())
            .and_then(Session::from_value)
            .map_err(|_| self.corrupt())?;
        let fetched_at = parse_stamp(fetched).ok_or_else(|| self.corrupt())?;
        Ok(StoredSession {
            session,
            fetched_at,
            complete,
            from_list,
        })
    }

    /// Records that the stored transcript of `session_id` was fetched again, unchanged, at
    /// `fetched_at`; false when none is stored.
    pub fn touch_transcript(
        &mut self,
        session_id: &str,
        fetched_at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // A pack waiting to be unpacked is the stored copy too (packed.rs).
        let at = stamp(fetched_at);
        let packs = self
            .conn
            .execute(
                "UPDATE packs SET fetched_at = ?2 WHERE session_id = ?1 AND done",
                params![session_id, at],
            )
            .map_err(|e| self.err(e))?;
        self.conn
            .execute(
                "UPDATE transcripts SET fetched_at = ?2 WHERE session_id = ?1",
                params![session_id, at],
            )
            .map(|n| n + packs > 0)
            .map_err(|e| self.err(e))
    }

    /// A write transaction, taken up front so a lock is noticed before any work.
    fn write(&mut self) -> Result<rusqlite::Transaction<'_>, StoreError> {
        let path = self.path.clone();
        self.conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| classify(&path, e))
    }

    /// The stored session `id`, if any.
    pub fn get_session(&self, id: &str) -> Result<Option<StoredSession>, StoreError> {
        let row: Option<(String, String, bool, bool)> = self
            .conn
            .query_row(
                "SELECT json, fetched_at, complete, from_list FROM sessions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|(json, fetched, complete, from_list)| {
            self.decode(&json, &fetched, complete, from_list)
        })
        .transpose()
    }

    fn corrupt(&self) -> StoreError {
        StoreError::Corrupt {
            path: self.path.clone(),
        }
    }

    /// When the transcript of `session_id` was stored, if it is (without reading its messages).
    pub fn transcript_fetched_at(
        &self,
        session_id: &str,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let fetched: Option<String> = self
            .conn
            .query_row(
                "SELECT max(at) FROM (
                     SELECT fetched_at AS at FROM transcripts WHERE session_id = ?1
                     UNION ALL SELECT fetched_at FROM packs WHERE session_id = ?1 AND done)",
                [session_id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        fetched
            .map(|f| parse_stamp(&f).ok_or_else(|| self.corrupt()))
            .transpose()
    }

    /// The stored transcript of `session_id`, if any.
    pub fn get_transcript(&self, session_id: &str) -> Result<Option<StoredTranscript>, StoreError> {
        self.settle()?;
        // One snapshot for the head and the messages: an idle writer may store a newer
        // copy between two statements.
        let tx = rusqlite::Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)
            .map_err(|e| self.err(e))?;
        let head: Option<(Option<String>, Option<String>, bool, String)> = tx
            .query_row(
                "SELECT start_time, end_time, absent, fetched_at FROM transcripts
                 WHERE session_id = ?1",
                [session_id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((start, end, absent, fetched)) = head else {
            return Ok(None);
        };
        let fetched_at = parse_stamp(&fetched).ok_or_else(|| self.corrupt())?;
        let mut stmt = tx
            .prepare_cached(
                "SELECT time, participant, text FROM messages WHERE session_id = ?1 ORDER BY seq",
            )
            .map_err(|e| self.err(e))?;
        // Rows become events directly (as `Transcript::from_value` reads them: an empty
        // field is no field), not through a JSON tree parsed again: a tenth of the time
        // it takes to open a 100,000-message transcript offline.
        let text = |s: Option<String>| s.filter(|s| !s.is_empty());
        let time = |s: Option<String>| text(s).map(|s| Timestamp::parse(&s));
        let events: Vec<Event> = stmt
            .query_map([session_id], |r| {
                Ok(Event {
                    time: time(r.get(0)?),
                    participant: text(r.get(1)?).map(Into::into),
                    content: r.get(2)?,
                })
            })
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        drop(stmt);
        // Only read: ending it changes nothing.
        tx.commit().map_err(|e| self.err(e))?;
        let raw_events: Vec<Value> = events
            .iter()
            .map(|e| {
                json!({
                    "timeStamp": e.time.as_ref().map(|t| &t.raw),
                    "participantName": e.participant,
                    "content": e.content,
                })
            })
            .collect();
        let raw = json!({
            "sessionId": session_id,
            "startTime": start,
            "endTime": end,
            "events": raw_events,
        });
        let transcript = Transcript {
            session_id: Some(session_id.to_string()),
            start_time: time(start),
            end_time: time(end),
            events,
            absence: absent.then_some(TranscriptAbsence::NoTranscript),
            raw,
        };
        Ok(Some(StoredTranscript {
            transcript,
            fetched_at,
        }))
    }

    /// Removes every session and transcript not fetched since `now - older_than`; returns how
    /// many session ids went.
    pub fn prune(&mut self, older_than: Duration) -> Result<usize, StoreError> {
        let age = chrono::Duration::from_std(older_than).unwrap_or(chrono::Duration::MAX);
        let cutoff = Utc::now()
            .checked_sub_signed(age)
            .unwrap_or(DateTime::<Utc>::MIN_UTC);
        self.prune_before(cutoff)
    }

    /// Removes every session id whose latest fetch (session, transcript, or a pack waiting to
    /// be unpacked) is before `cutoff`. Packs are not unpacked first: a viewer's writer
    /// prunes first thing, and unpacking 10^6 messages would hold its writes for seconds.
    pub fn prune_before(&mut self, cutoff: DateTime<Utc>) -> Result<usize, StoreError> {
        let path = self.path.clone();
        let fail = |e| classify(&path, e);
        let tx = self.write()?;
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS prune_ids(id TEXT PRIMARY KEY);
             DELETE FROM temp.prune_ids;",
        )
        .map_err(fail)?;
        let n = tx
            .execute(
                "INSERT INTO temp.prune_ids(id)
                 SELECT id FROM (
                     SELECT id, fetched_at AS at FROM sessions
                     UNION ALL SELECT session_id, fetched_at FROM transcripts
                     UNION ALL SELECT session_id, fetched_at FROM packs WHERE done)
                 GROUP BY id HAVING max(at) < ?1",
                [stamp(cutoff)],
            )
            .map_err(fail)?;
        unindex(
            &tx,
            &format!(
                "session_id IN (SELECT id FROM temp.prune_ids) AND {}",
                backlog::INDEXED
            ),
            [],
        )
        .map_err(fail)?;
        tx.execute_batch(
            "DELETE FROM unindexed WHERE session_id IN (SELECT id FROM temp.prune_ids);
             DELETE FROM messages WHERE session_id IN (SELECT id FROM temp.prune_ids);
             DELETE FROM packed WHERE pack IN (SELECT id FROM packs
                 WHERE done AND session_id IN (SELECT id FROM temp.prune_ids));
             DELETE FROM packs WHERE done AND session_id IN (SELECT id FROM temp.prune_ids);
             DELETE FROM transcripts WHERE session_id IN (SELECT id FROM temp.prune_ids);
             DELETE FROM sessions WHERE id IN (SELECT id FROM temp.prune_ids);
             DELETE FROM temp.prune_ids;",
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(n)
    }

    /// Removes everything, and compacts the file so the conversations are gone from disk too.
    pub fn clear(&mut self) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |e| classify(&path, e);
        let tx = self.write()?;
        tx.execute_batch(
            "DELETE FROM unindexed;
             DELETE FROM packed;
             DELETE FROM packs;
             DELETE FROM messages;
             DELETE FROM transcripts;
             DELETE FROM sessions;
             INSERT INTO message_index(message_index) VALUES ('delete-all');",
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)?;
        self.conn
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(fail)
    }

    /// Path, size on disk, counts and the oldest stored session.
    pub fn info(&self) -> Result<Info, StoreError> {
        self.settle()?;
        let count = |sql: &str| -> Result<u64, StoreError> {
            self.conn
                .query_row(sql, [], |r| r.get::<_, i64>(0))
                .map(|n| n.max(0) as u64)
                .map_err(|e| self.err(e))
        };
        let sessions = count("SELECT count(*) FROM sessions")?;
        let messages = count("SELECT count(*) FROM messages")?;
        // `startedAt` is ISO 8601 text; the earliest parsed time wins, text order is a fallback.
        let mut stmt = self
            .conn
            .prepare("SELECT started_at FROM sessions WHERE started_at IS NOT NULL")
            .map_err(|e| self.err(e))?;
        let starts: Vec<String> = stmt
            .query_map([], |r| r.get(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.err(e))?;
        let oldest = starts
            .into_iter()
            .min_by_key(|s| (crate::api::model::parse_time(s), s.clone()));
        let mut bytes = 0;
        for suffix in ["", "-wal"] {
            let mut p = self.path.clone().into_os_string();
            p.push(suffix);
            bytes += std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0);
        }
        Ok(Info {
            path: self.path.clone(),
            bytes,
            sessions,
            messages,
            oldest,
        })
    }

    /// Whether any transcript message is stored (cheaper than [`Store::info`]).
    pub fn has_messages(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM messages)
                     OR EXISTS (SELECT 1 FROM packs p JOIN packed c ON c.pack = p.id
                                WHERE p.done)",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }

    /// Full-text search over every stored message: at most `limit` best messages, grouped by
    /// session, best session first. See [`query`] for what the query language is.
    pub fn search(&self, input: &str, limit: usize) -> Result<Vec<SessionHits>, StoreError> {
        self.search_since(input, limit, None)
    }

    /// [`Store::search`] over the sessions started at or after `since` (their UTC start, or
    /// their transcript's start when only the transcript is stored); every session when `None`.
    ///
    /// Ranking is bounded: bm25 orders the [`SEARCH_CANDIDATES`] most recently stored matches
    /// (the newest rowids), so a word in 100,000 messages costs little more than one in 10,000;
    /// a rarer query is ranked over all its matches. The store's first query ordered by
    /// `bm25() AS rank`, which is not FTS5's own `rank`: SQLite then built snippet() and bm25
    /// for every match and sorted them all in a temporary b-tree (101 ms for a word in a third
    /// of 300,000 messages, benches/store_search.rs).
    pub fn search_since(
        &self,
        input: &str,
        limit: usize,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<SessionHits>, StoreError> {
        let fts = fts_query(input)?;
        // Messages packed (packed.rs) or stored but not indexed yet (backlog.rs) would be
        // missed.
        self.settle()?;
        self.index_all()?;
        let since = since.map(stamp);
        let (mut rows, floor) = self.ranked(input, &fts, i64::MAX, since.as_deref(), limit)?;
        // One session can hold most of the newest matches (a bot's transcript of 10^5
        // messages stored last): the sessions stored before it are ranked too, and share
        // the hits shown with it, or a search would only ever show that one session.
        if let Some(floor) = floor {
            if let Some(below) = self.crowded(input, &fts, since.as_deref(), floor)? {
                let (older, _) = self.ranked(input, &fts, below, since.as_deref(), limit)?;
                if !older.is_empty() {
                    rows.truncate(limit / 2);
                    rows.extend(older.into_iter().take(limit - rows.len()));
                    rows.sort_by(|a, b| a.1.total_cmp(&b.1));
                }
            }
        }
        let mut groups: Vec<SessionHits> = Vec::new();
        for (id, rank, hit) in rows {
            match groups.iter_mut().find(|g| g.session_id == id) {
                Some(g) => g.hits.push(hit),
                None => groups.push(SessionHits {
                    session_id: id,
                    session: None,
                    rank,
                    hits: vec![hit],
                }),
            }
        }
        for g in &mut groups {
            g.hits.sort_by_key(|h| h.seq);
            g.session = self.get_session(&g.session_id)?.map(|s| s.session);
        }
        Ok(groups)
    }

    /// The best `limit` of the [`SEARCH_CANDIDATES`] newest matches below message id
    /// `below`, and the lowest id among them when there were that many (older ones were
    /// left out).
    fn ranked(
        &self,
        input: &str,
        fts: &str,
        below: i64,
        since: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<RankedHit>, Option<i64>), StoreError> {
        let query_err = self.query_err(input);
        let (window_join, window) = since_window(since);
        let floor_join = if since.is_some() {
            format!("JOIN messages m ON m.id = message_index.rowid {window_join}")
        } else {
            String::new()
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let offset = i64::try_from(SEARCH_CANDIDATES - 1).unwrap_or(0);
        // The lowest rowid among the newest candidates; none when there are fewer matches.
        let floor: Option<i64> = {
            let mut stmt = self
                .conn
                .prepare_cached(&format!(
                    "SELECT message_index.rowid FROM message_index {floor_join}
                     WHERE message_index MATCH ?1 AND message_index.rowid < ?4 {window}
                     ORDER BY message_index.rowid DESC LIMIT 1 OFFSET ?2"
                ))
                .map_err(|e| self.err(e))?;
            stmt.query_row(params![fts, offset, since, below], |r| r.get(0))
                .optional()
                .map_err(&query_err)?
        };
        // FTS5's own `rank` (bm25): FTS5 sorts the candidates itself and SQLite stops after
        // `limit` rows, so snippet() runs for those rows alone, in one pass over the matches
        // (a prefix query expands its terms once, not once per row).
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT m.session_id, m.seq, m.time, m.participant, m.role, m.text,
                        snippet(message_index, 1, char(2), char(3), '…', 16), message_index.rank
                 FROM message_index JOIN messages m ON m.id = message_index.rowid {window_join}
                 WHERE message_index MATCH ?1 AND message_index.rowid >= ?2
                   AND message_index.rowid < ?5 {window}
                 ORDER BY message_index.rank LIMIT ?4"
            ))
            .map_err(|e| self.err(e))?;
        let low = floor.unwrap_or(i64::MIN);
        let rows = stmt
            .query_map(params![fts, low, since, limit, below], hit_row)
            .and_then(|rows| rows.collect())
            .map_err(&query_err)?;
        Ok((rows, floor))
    }

    /// The first message id of the session holding at least half of the newest matches
    /// (those from `floor` on), when one does: the matches stored before it are worth a
    /// window of their own.
    fn crowded(
        &self,
        input: &str,
        fts: &str,
        since: Option<&str>,
        floor: i64,
    ) -> Result<Option<i64>, StoreError> {
        let (join, window) = since_window(since);
        let most: Option<(String, i64)> = self
            .conn
            .prepare_cached(&format!(
                "SELECT m.session_id, count(*) AS n FROM message_index
                 JOIN messages m ON m.id = message_index.rowid {join}
                 WHERE message_index MATCH ?1 AND message_index.rowid >= ?2 {window}
                 GROUP BY m.session_id ORDER BY n DESC LIMIT 1"
            ))
            .and_then(|mut stmt| {
                let row = |r: &rusqlite::Row<'_>| Ok((r.get(0)?, r.get(1)?));
                match since {
                    None => stmt.query_row(params![fts, floor], row),
                    Some(t) => stmt.query_row(params![fts, floor, t], row),
                }
                .optional()
            })
            .map_err(self.query_err(input))?;
        let Some((session, n)) = most else {
            return Ok(None);
        };
        if usize::try_from(n).unwrap_or(0) * 2 < SEARCH_CANDIDATES {
            return Ok(None);
        }
        self.conn
            .query_row(
                "SELECT id FROM messages WHERE session_id = ?1 ORDER BY seq LIMIT 1",
                params![session],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// FTS5 reports what it cannot parse as a generic error; the user sees ours.
    fn query_err<'a>(&'a self, input: &'a str) -> impl Fn(rusqlite::Error) -> StoreError + 'a {
        move |e| match e {
            rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::Unknown => {
                StoreError::query(input, QueryError::Unparsable)
            }
            e => self.err(e),
        }
    }
}

/// The joins and the condition (on parameter `?3`) that keep the matches of sessions
/// started at or after `since`; none without it.
fn since_window(since: Option<&str>) -> (&'static str, &'static str) {
    match since {
        None => ("", ""),
        Some(_) => (
            "LEFT JOIN sessions s ON s.id = m.session_id
             LEFT JOIN transcripts t ON t.session_id = m.session_id",
            "AND coalesce(s.started_utc,
                          strftime('%Y-%m-%dT%H:%M:%fZ', t.start_time)) >= ?3",
        ),
    }
}

/// A row of the ranking query: session id, rank, and the hit.
type RankedHit = (String, f64, Hit);

fn hit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RankedHit> {
    Ok((
        r.get(0)?,
        r.get(7)?,
        Hit {
            seq: r.get(1)?,
            time: r.get(2)?,
            participant: r.get(3)?,
            role: r.get(4)?,
            text: r.get(5)?,
            // The index's own separators are no part of the text.
            snippet: r
                .get::<_, Option<String>>(6)?
                .unwrap_or_default()
                .replace(query::SPLIT_MARK, ""),
        },
    ))
}

/// The FTS5 expression for what a technician typed, or why it cannot be searched (known
/// before any store is opened).
pub fn fts_query(input: &str) -> Result<String, StoreError> {
    query::to_fts(input).map_err(|reason| StoreError::query(input, reason))
}

/// Gives `conn` the SQL functions the store's schema uses (the search index is built through
/// [`query::SPLIT_FN`]); every connection [`Store::open`] makes has them, and a connection
/// opened otherwise needs them to check or rebuild the index.
pub fn register_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        query::SPLIT_FN,
        1,
        // Innocuous: the schema's view calls it, which SQLite allows with `trusted_schema`
        // off only for functions without side effects.
        FunctionFlags::SQLITE_UTF8
            | FunctionFlags::SQLITE_DETERMINISTIC
            | FunctionFlags::SQLITE_INNOCUOUS,
        |ctx| {
            Ok(match ctx.get_raw(0) {
                ValueRef::Null => None,
                ValueRef::Text(t) | ValueRef::Blob(t) => {
                    // Indexed as shown: no escape sequence's parameters or invisible
                    // character inside a word (`␛[1mBold` is found as `bold`).
                    let text = String::from_utf8_lossy(t);
                    let shown = crate::sanitize::sanitize(&text);
                    Some(query::split_unspaced(&shown).into_owned())
                }
                ValueRef::Integer(i) => Some(i.to_string()),
                ValueRef::Real(f) => Some(f.to_string()),
            })
        },
    )
}

/// Takes the messages matching `filter` out of the search index; call it before deleting them
/// (an external-content index needs the old values to remove them).
fn unindex<P: rusqlite::Params>(
    tx: &rusqlite::Transaction<'_>,
    filter: &str,
    params: P,
) -> rusqlite::Result<usize> {
    tx.execute(
        &format!(
            "INSERT INTO message_index(message_index, rowid, participant, text)
             SELECT 'delete', id, participant, text FROM message_index_source
             WHERE id IN (SELECT id FROM messages WHERE {filter})"
        ),
        params,
    )
}

/// A rusqlite error in the user's terms.
fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => StoreError::Corrupt { path },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked { path },
        _ => StoreError::Sqlite {
            path,
            message: e.to_string().replace(['\n', '\r'], " "),
        },
    }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    // Only directories made here get 0700: an existing one (say `--store /tmp/x`) is the user's.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Creates `path` empty with mode 0600 unless it exists (SQLite treats an empty file as new).
fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(unix)]
fn set_private(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn set_private(_path: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippet_parts_split_on_the_markers() {
        let hit = Hit {
            seq: 0,
            time: None,
            participant: None,
            role: None,
            text: String::new(),
            snippet: "…error \u{2}0x80070005\u{3} on \u{2}print\u{3}".to_string(),
        };
        assert_eq!(
            hit.snippet_parts(),
            vec![
                ("…error ".to_string(), false),
                ("0x80070005".to_string(), true),
                (" on ".to_string(), false),
                ("print".to_string(), true),
            ]
        );
    }

    #[test]
    fn stamps_sort_as_times() {
        let a = parse_time_utc("2026-01-02T03:04:05Z");
        let b = parse_time_utc("2026-01-02T03:04:05.5Z");
        assert!(stamp(a) < stamp(b));
        assert_eq!(parse_stamp(&stamp(b)), Some(b));
    }

    fn parse_time_utc(s: &str) -> DateTime<Utc> {
        crate::api::model::parse_time(s).expect("a test time")
    }

    #[test]
    fn default_path_ends_in_the_app_dir() {
        if let Some(p) = default_path() {
            assert!(p.ends_with("g2a-tui/store.sqlite3"), "{}", p.display());
        }
    }
}

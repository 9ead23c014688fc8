//! Transcripts put into `messages` from staged rows (issue 11): a whole answer's events, or
//! a pack's blobs as they are unpacked (`packed.rs`), are staged in a TEMP table of the
//! connection (invisible to readers, gone with the connection), a chunk at a time, so a
//! 10^6-message transcript is never held whole in memory; then one transaction replaces the
//! stored copy with them.
//!
//! SQLite writes the TEMP table to an unlinked file (mode 0600) in its temporary directory
//! (`SQLITE_TMPDIR`, `TMPDIR`, /var/tmp, /tmp).

use chrono::{DateTime, Utc};
use rusqlite::functions::FunctionFlags;
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

pub(super) use super::packed::Row;
use super::{classify, stamp, unindex, Store, StoreError, FTS_HASH_BYTES};
use crate::api::model::{Event, Transcript};
use crate::present::transcript::People;

/// Staged rows of one streaming transcript are keyed by a number the writer hands out; this
/// one is [`Store::put_transcript`]'s, which the writer never uses.
const WHOLE: u64 = 0;

/// The SQL function that classifies a staged message while it is copied.
const ROLE_FN: &str = "g2a_role";

/// What a staged transcript replaces besides the stored copy: packs of the same
/// transcript waiting to be unpacked ([`super::packed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Over {
    /// All of them: the staged rows are a newer answer.
    Everything,
    /// Those up to this pack, which the staged rows were unpacked from; nothing at all
    /// when this pack is gone.
    Pack(i64),
}

/// When [`Store::put_staged`] indexes what it stores for search.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// In the same transaction.
    Now,
    /// Later, by [`Store::index_some`] or before the next search: the write is done in
    /// half the time (a 2x10^5-message transcript in 0.7 s, not 1.5 s).
    Later,
}

impl Store {
    /// Adds `events` to stream `stream`'s staged rows, numbered from `first_seq`. Touches
    /// only the TEMP table: no lock on the store is taken.
    pub fn stage_events(
        &mut self,
        stream: u64,
        first_seq: u64,
        events: &[Event],
    ) -> Result<(), StoreError> {
        self.stage_rows(
            stream,
            first_seq,
            events.iter().map(|e| Row {
                time: e.time.as_ref().map(|t| t.raw.as_str()),
                participant: e.participant.as_deref(),
                text: &e.content,
            }),
        )
    }

    /// [`Store::stage_events`] of rows borrowed from wherever they are (a pack's chunk).
    pub(super) fn stage_rows<'a>(
        &self,
        stream: u64,
        first_seq: u64,
        rows: impl Iterator<Item = Row<'a>>,
    ) -> Result<(), StoreError> {
        let fail = |e| classify(&self.path, e);
        self.create_staged()?;
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred).map_err(fail)?;
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT INTO temp.staged(stream, seq, time, participant, text)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                )
                .map_err(fail)?;
            for (i, r) in rows.enumerate() {
                insert
                    .execute(params![
                        stream as i64,
                        (first_seq + i as u64) as i64,
                        r.time,
                        r.participant,
                        r.text
                    ])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }

    /// Drops the rows staged for `stream`.
    pub fn unstage(&self, stream: u64) -> Result<(), StoreError> {
        self.create_staged()?;
        self.conn
            .execute("DELETE FROM temp.staged WHERE stream = ?1", [stream as i64])
            .map(|_| ())
            .map_err(|e| self.err(e))
    }

    /// Drops every stream's staged rows, and the table (it comes back when needed).
    pub fn unstage_all(&mut self) -> Result<(), StoreError> {
        self.conn
            .execute_batch("DROP TABLE IF EXISTS temp.staged")
            .map_err(|e| self.err(e))
    }

    fn create_staged(&self) -> Result<(), StoreError> {
        self.conn
            .execute_batch(
                "CREATE TEMP TABLE IF NOT EXISTS staged(
                     stream INTEGER NOT NULL, seq INTEGER NOT NULL,
                     time TEXT, participant TEXT, text TEXT NOT NULL,
                     PRIMARY KEY(stream, seq))",
            )
            .map_err(|e| self.err(e))
    }

    /// Stores the transcript of `session_id` (a complete, good answer), replacing the stored one
    /// and its search index entries in one transaction. Each message's role is classified against
    /// the stored session, when there is one. The same path as a streamed transcript.
    pub fn put_transcript(
        &mut self,
        session_id: &str,
        transcript: &Transcript,
        fetched_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.unstage(WHOLE)?;
        let result = self
            .stage_events(WHOLE, 0, &transcript.events)
            .and_then(|()| {
                self.put_staged(WHOLE, session_id, transcript, fetched_at, Indexing::Now)
            });
        let cleared = self.unstage(WHOLE);
        result.and(cleared)
    }

    /// Stores the transcript of `session_id` from the rows staged for `stream` (in seq order)
    /// and `head`'s times and absence (its events are not read). As
    /// [`Store::put_transcript`]; the staged rows stay (see [`Store::unstage`]).
    pub fn put_staged(
        &mut self,
        stream: u64,
        session_id: &str,
        head: &Transcript,
        fetched_at: DateTime<Utc>,
        indexing: Indexing,
    ) -> Result<(), StoreError> {
        self.put_staged_over(
            stream,
            session_id,
            head,
            fetched_at,
            indexing,
            Over::Everything,
        )
        .map(|_| ())
    }

    /// [`Store::put_staged`], replacing what `over` says; false when there was nothing
    /// to do (the pack it was unpacking is gone: another connection unpacked it, or
    /// something newer replaced it).
    pub(super) fn put_staged_over(
        &self,
        stream: u64,
        session_id: &str,
        head: &Transcript,
        fetched_at: DateTime<Utc>,
        indexing: Indexing,
        over: Over,
    ) -> Result<bool, StoreError> {
        let path = self.path.clone();
        let fail = |e| classify(&path, e);
        self.create_staged()?;
        let session = self.get_session(session_id)?.map(|s| s.session);
        let t0 = std::time::Instant::now();
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(fail)?;
        // Packs of this transcript waiting to be unpacked are older than this answer.
        let newest_pack = match over {
            Over::Everything => i64::MAX,
            Over::Pack(pack) => {
                if !super::packed::is_waiting(&tx, pack).map_err(fail)? {
                    return Ok(false);
                }
                pack
            }
        };
        super::packed::drop_waiting(&tx, session_id, newest_pack).map_err(fail)?;
        // A live session's transcript grows (or changes) at its end: the stored messages
        // this answer starts with stay, and only the rest is removed, written and indexed.
        let kept: i64 = tx
            .query_row(
                "SELECT coalesce(
                     (SELECT min(s.seq) FROM temp.staged s
                      LEFT JOIN messages m ON m.session_id = ?2 AND m.seq = s.seq
                      WHERE s.stream = ?1
                        AND (m.id IS NULL OR m.time IS NOT s.time
                             OR m.participant IS NOT s.participant OR m.text IS NOT s.text)),
                     (SELECT count(*) FROM temp.staged WHERE stream = ?1))",
                params![stream as i64, session_id],
                |r| r.get(0),
            )
            .map_err(fail)?;
        // Messages from `pending` on are not in the index yet: they are not taken out.
        let pending: Option<i64> = tx
            .query_row(
                "SELECT from_seq FROM unindexed WHERE session_id = ?1",
                [session_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(fail)?;
        unindex(
            &tx,
            "session_id = ?1 AND seq >= ?2 AND seq < ?3",
            params![session_id, kept, pending.unwrap_or(i64::MAX)],
        )
        .map_err(fail)?;
        tx.execute(
            "DELETE FROM messages WHERE session_id = ?1 AND seq >= ?2",
            params![session_id, kept],
        )
        .map_err(fail)?;
        tx.execute(
            "INSERT OR REPLACE INTO transcripts(session_id, start_time, end_time, absent, fetched_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                session_id,
                head.start_time.as_ref().map(|t| t.raw.as_str()),
                head.end_time.as_ref().map(|t| t.raw.as_str()),
                head.absence.is_some(),
                stamp(fetched_at)
            ],
        )
        .map_err(fail)?;
        let t_copy = std::time::Instant::now();
        // Classified from the raw fields: the presentation's sanitising and clock text
        // would cost a tenth of the write and change no speaker. In SQL, one statement:
        // stepping a query and an insert row by row from Rust cost more than the copy.
        let people = People::new(session.as_ref());
        tx.create_scalar_function(
            ROLE_FN,
            2,
            FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
            move |ctx| {
                let text = |i| {
                    ctx.get_raw(i)
                        .as_str_or_null()
                        .map_err(|e| rusqlite::Error::UserFunctionError(Box::new(e)))
                };
                let participant = text(0)?.unwrap_or("");
                Ok(people.speaker(participant, text(1)?.unwrap_or("")).key())
            },
        )
        .map_err(fail)?;
        let copied = tx.execute(
            &format!(
                "INSERT INTO messages(session_id, seq, time, participant, role, text)
                 SELECT ?1, seq, time, participant, {ROLE_FN}(participant, text), text
                 FROM temp.staged WHERE stream = ?2 AND seq >= ?3 ORDER BY seq"
            ),
            params![session_id, stream as i64, kept],
        );
        let removed = tx.remove_function(ROLE_FN, 2);
        copied.and(removed).map_err(fail)?;
        let t_fts = std::time::Instant::now();
        // What an earlier write left unindexed is indexed with the rest, now or later.
        let from = pending.map_or(kept, |p| p.min(kept));
        if indexing == Indexing::Later {
            tx.execute(
                "INSERT OR REPLACE INTO unindexed(session_id, from_seq) VALUES (?1, ?2)",
                params![session_id, from],
            )
            .map_err(fail)?;
        } else {
            // FTS5 flushes its pending terms to a new segment every 1 MiB by default, and
            // a large transcript then spends more time merging segments than indexing;
            // one segment per write is plenty (the setting is a row in the index's config
            // table).
            tx.execute(
                "INSERT INTO message_index(message_index, rank) VALUES ('hashsize', ?1)",
                [FTS_HASH_BYTES],
            )
            .map_err(fail)?;
            tx.execute(
                "INSERT INTO message_index(rowid, participant, text)
                 SELECT id, participant, text FROM message_index_source
                 WHERE session_id = ?1 AND seq >= ?2",
                params![session_id, from],
            )
            .map_err(fail)?;
            tx.execute("DELETE FROM unindexed WHERE session_id = ?1", [session_id])
                .map_err(fail)?;
        }
        let t_commit = std::time::Instant::now();
        let r = tx.commit().map_err(fail);
        tracing::debug!(
            kept_ms = t_copy.duration_since(t0).as_millis(),
            copy_ms = t_fts.duration_since(t_copy).as_millis(),
            fts_ms = t_commit.duration_since(t_fts).as_millis(),
            commit_ms = t_commit.elapsed().as_millis(),
            "put_staged phases"
        );
        r.map(|()| true)
    }

    /// Whether any message of `session_id`'s transcript is stored.
    pub fn has_transcript_messages(&self, session_id: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM messages WHERE session_id = ?1)
                     OR EXISTS (SELECT 1 FROM packs p JOIN packed c ON c.pack = p.id
                                WHERE p.session_id = ?1 AND p.done)",
                [session_id],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))
    }
}

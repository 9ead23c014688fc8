//! Messages stored but not yet in the search index (issue 11). Indexing a transcript cost
//! more than storing it, so the writer thread stores a streamed transcript first (what
//! `print` waits for) and indexes it afterwards, when no other job is queued, a chunk per
//! transaction. The `unindexed` table (schema V3) says what is left: the messages of a
//! session from a seq on. Every search indexes what is left before it reads, so none misses
//! a stored message; whatever deletes messages leaves the unindexed ones out of the index.

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::{Store, StoreError, BUSY_TIMEOUT, FTS_HASH_BYTES};

/// Messages indexed per transaction: short enough that a waiting job (or another process)
/// gets its turn within a fraction of a second, long enough that the index's segments stay
/// few (each transaction writes one).
pub const CHUNK: i64 = 50_000;

/// How long a search waits for another connection (the writer thread, another g2a-tui)
/// that holds the write lock while it indexes a chunk.
const SEARCH_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Which messages a filter over `messages` leaves out: those not in the index.
pub(super) const INDEXED: &str = "NOT EXISTS (SELECT 1 FROM unindexed u
     WHERE u.session_id = messages.session_id AND messages.seq >= u.from_seq)";

impl Store {
    /// Whether some stored message is not in the search index yet.
    pub fn has_unindexed(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM unindexed)", [], |r| r.get(0))
            .map_err(|e| self.err(e))
    }

    /// Indexes up to `limit` unindexed messages (at least one session's chunk) in one
    /// transaction; returns whether some are left.
    pub fn index_some(&self, limit: i64) -> Result<bool, StoreError> {
        // Nothing to do takes no write lock.
        if !self.has_unindexed()? {
            return Ok(false);
        }
        let fail = |e| super::classify(&self.path, e);
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(fail)?;
        tx.execute(
            "INSERT INTO message_index(message_index, rank) VALUES ('hashsize', ?1)",
            [FTS_HASH_BYTES],
        )
        .map_err(fail)?;
        let mut left = limit.max(1);
        let more = loop {
            let next: Option<(String, i64)> = tx
                .query_row(
                    "SELECT session_id, from_seq FROM unindexed ORDER BY rowid LIMIT 1",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()
                .map_err(fail)?;
            let Some((id, from)) = next else {
                break false;
            };
            let upto = from.saturating_add(left);
            let n = tx
                .execute(
                    "INSERT INTO message_index(rowid, participant, text)
                     SELECT id, participant, text FROM message_index_source
                     WHERE session_id = ?1 AND seq >= ?2 AND seq < ?3",
                    params![id, from, upto],
                )
                .map_err(fail)?;
            let rest: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM messages WHERE session_id = ?1 AND seq >= ?2)",
                    params![id, upto],
                    |r| r.get(0),
                )
                .map_err(fail)?;
            if rest {
                tx.execute(
                    "UPDATE unindexed SET from_seq = ?2 WHERE session_id = ?1",
                    params![id, upto],
                )
                .map_err(fail)?;
                break true;
            }
            tx.execute("DELETE FROM unindexed WHERE session_id = ?1", [&id])
                .map_err(fail)?;
            left -= i64::try_from(n).unwrap_or(i64::MAX);
            if left <= 0 {
                break tx
                    .query_row("SELECT EXISTS (SELECT 1 FROM unindexed)", [], |r| r.get(0))
                    .map_err(fail)?;
            }
        };
        tx.commit().map_err(fail)?;
        Ok(more)
    }

    /// Indexes every unindexed message, a chunk per transaction, waiting for another
    /// connection that is indexing (or writing) meanwhile.
    pub fn index_all(&self) -> Result<(), StoreError> {
        // The common case, nothing left, costs one read and no write lock.
        if !self.has_unindexed()? {
            return Ok(());
        }
        self.until_done(SEARCH_WAIT, || self.index_some(CHUNK))
    }

    /// Runs `step` until it says nothing is left (or fails), waiting up to `wait` for
    /// another connection's write lock at each step rather than the usual moment.
    pub(super) fn until_done(
        &self,
        wait: std::time::Duration,
        mut step: impl FnMut() -> Result<bool, StoreError>,
    ) -> Result<(), StoreError> {
        self.conn.busy_timeout(wait).map_err(|e| self.err(e))?;
        let mut result = Ok(true);
        while let Ok(true) = result {
            result = step();
        }
        let reset = self
            .conn
            .busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| self.err(e));
        result.and(reset).map(|_| ())
    }
}

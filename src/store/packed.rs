//! Transcripts written as they stream in, packed (issue 11): each batch of events goes into
//! the store as one blob (`packed`, schema V4) of a pack (`packs`), and a complete answer
//! only marks its pack done, in a transaction of a few rows. Turning a pack into `messages`
//! rows (and then the search index) is most of what storing costs (0.8 s of CPU for
//! 2x10^5 messages, on a machine whose two cores the decoder and the server already fill),
//! so it waits: the writer thread of a viewer does it when it has nothing else to do, and
//! every reader of messages does it first ([`Store::settle`]), so no reader sees a stored
//! transcript older than a pack that is done. `print` exits right after the answer, and
//! leaves it to them.
//!
//! A pack not done is invisible: an aborted answer leaves the stored copy as it was. A
//! pack not written to for [`ABANDONED_AFTER`] is the leftover of a process that ended
//! mid-answer (killed, a machine gone down) and is dropped.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};

use super::staged::Over;
use super::{classify, parse_stamp, stamp, Indexing, Store, StoreError};
use crate::api::model::{Event, Timestamp, Transcript, TranscriptAbsence};

/// How long a pack that is not done may go without a batch before it counts as abandoned.
/// Batches come every few milliseconds while events arrive; half an hour without one is a
/// process gone (or stopped): should it resume, its next batch fails (the pack is gone,
/// and its number is never handed out again) rather than add to another pack.
pub const ABANDONED_AFTER: chrono::Duration = chrono::Duration::minutes(30);

/// The temp.staged stream number unpacking uses (the writer's own are small).
const UNPACKING: u64 = 1 << 62;

/// How long a reader waits for another connection (the writer thread, another g2a-tui)
/// that holds the write lock while it unpacks.
const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// A value of the wrong type where the store expects another: damage, not a failure.
fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..)
            | rusqlite::Error::IntegralValueOutOfRange(..)
    )
}

/// A pack that is done, as [`Store::unpack_one`] reads it.
struct Waiting {
    session: String,
    start: Option<String>,
    end: Option<String>,
    absent: bool,
    /// NULL only in a damaged pack.
    fetched: Option<String>,
}

/// A pack whose blobs do not read back.
#[derive(Debug)]
struct Damaged;

/// One message as the store keeps it: the time as the server wrote it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a> {
    pub time: Option<&'a str>,
    pub participant: Option<&'a str>,
    pub text: &'a str,
}

impl Store {
    /// Starts a pack for a transcript of `session_id`; returns its number.
    pub fn begin_pack(&self, session_id: &str) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO packs(session_id, touched) VALUES (?1, ?2)",
                params![session_id, stamp(Utc::now())],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Adds `events`, numbered from `first_seq`, to pack `pack` as one blob.
    pub fn pack_events(
        &self,
        pack: i64,
        first_seq: u64,
        events: &[Event],
        buf: &mut Vec<u8>,
    ) -> Result<(), StoreError> {
        buf.clear();
        encode_events(events, buf);
        self.pack_blob(pack, first_seq, buf)
    }

    /// Adds a blob of [`encode_events`], whose first event is number `first_seq`, to
    /// pack `pack`.
    pub fn pack_blob(&self, pack: i64, first_seq: u64, blob: &[u8]) -> Result<(), StoreError> {
        if blob.is_empty() {
            return Ok(());
        }
        let fail = |e| classify(&self.path, e);
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(fail)?;
        tx.prepare_cached("INSERT INTO packed(pack, seq, data) VALUES (?1, ?2, ?3)")
            .and_then(|mut s| s.execute(params![pack, first_seq as i64, blob]))
            .map_err(fail)?;
        let touched = tx
            .prepare_cached("UPDATE packs SET touched = ?2 WHERE id = ?1 AND NOT done")
            .and_then(|mut s| s.execute(params![pack, stamp(Utc::now())]))
            .map_err(fail)?;
        if touched == 0 {
            // Dropped meanwhile (`store clear`, or abandoned after a long stall): the
            // rest of the answer has nowhere to go. Rolled back with the transaction.
            return Err(self.gone());
        }
        tx.commit().map_err(fail)
    }

    fn gone(&self) -> StoreError {
        StoreError::Sqlite {
            path: self.path.clone(),
            message: "the transcript being stored was dropped meanwhile (the store was \
                      cleared, or the answer stalled for half an hour); it is not stored"
                .into(),
        }
    }

    /// Drops pack `pack` and its blobs (an aborted answer, or one that changes nothing).
    pub fn drop_pack(&self, pack: i64) -> Result<(), StoreError> {
        let fail = |e| classify(&self.path, e);
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(fail)?;
        tx.execute("DELETE FROM packed WHERE pack = ?1", [pack])
            .map_err(fail)?;
        tx.execute("DELETE FROM packs WHERE id = ?1", [pack])
            .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// The answer pack `pack` holds is complete and good, with `head`'s times and absence:
    /// from now on it is the stored transcript of its session (unpacked when read), and
    /// older packs of that session waiting are dropped.
    pub fn finish_pack(
        &self,
        pack: i64,
        head: &Transcript,
        fetched_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let fail = |e| classify(&self.path, e);
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(fail)?;
        let session: Option<String> = tx
            .query_row("SELECT session_id FROM packs WHERE id = ?1", [pack], |r| {
                r.get(0)
            })
            .optional()
            .map_err(fail)?;
        let Some(session) = session else {
            return Err(self.gone());
        };
        // Older packs of the session waiting are replaced; their blobs are left for
        // [`Store::drop_loose_blobs`] (deleting 40 MB of them took `print` 17 ms more).
        tx.execute(
            "DELETE FROM packs WHERE session_id = ?1 AND done AND id < ?2",
            params![session, pack],
        )
        .map_err(fail)?;
        tx.execute(
            "UPDATE packs SET done = 1, start_time = ?2, end_time = ?3, absent = ?4,
                 fetched_at = ?5
             WHERE id = ?1",
            params![
                pack,
                head.start_time.as_ref().map(|t| t.raw.as_str()),
                head.end_time.as_ref().map(|t| t.raw.as_str()),
                head.absence.is_some(),
                stamp(fetched_at)
            ],
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Whether some pack is done and not unpacked yet.
    pub fn has_waiting_packs(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM packs WHERE done)", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))
    }

    /// Unpacks the oldest pack that is done into `messages` (indexed later, see
    /// [`super::backlog`]); returns whether some are left. Another connection unpacking
    /// the same pack meanwhile is no harm: the second finds it gone.
    pub fn unpack_one(&self) -> Result<bool, StoreError> {
        let next: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM packs WHERE done ORDER BY id LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(pack) = next else {
            return Ok(false);
        };
        let row = self.conn.query_row(
            "SELECT session_id, start_time, end_time, absent, fetched_at FROM packs WHERE id = ?1",
            [pack],
            |r| {
                Ok(Waiting {
                    session: r.get(0)?,
                    start: r.get(1)?,
                    end: r.get(2)?,
                    absent: r.get(3)?,
                    fetched: r.get(4)?,
                })
            },
        );
        let Waiting {
            session,
            start,
            end,
            absent,
            fetched,
        } = match row {
            Ok(w) => w,
            Err(rusqlite::Error::QueryReturnedNoRows) => return self.has_waiting_packs(),
            Err(e) if is_damage(&e) => return self.drop_damaged(pack, "?"),
            Err(e) => return Err(self.err(e)),
        };
        self.unstage(UNPACKING)?;
        let fetched_at = fetched.as_deref().and_then(parse_stamp);
        let staged = match (fetched_at, self.stage_pack(pack)) {
            (Some(at), Ok(Ok(()))) => Ok(at),
            (_, Err(e)) => Err(e),
            (None, _) | (_, Ok(Err(Damaged))) => return self.drop_damaged(pack, &session),
        };
        let head = Transcript {
            session_id: Some(session.clone()),
            start_time: start.as_deref().map(Timestamp::parse),
            end_time: end.as_deref().map(Timestamp::parse),
            events: Vec::new(),
            absence: absent.then_some(TranscriptAbsence::NoTranscript),
            raw: serde_json::Value::Null,
        };
        let stored = staged.and_then(|fetched_at| {
            self.put_staged_over(
                UNPACKING,
                &session,
                &head,
                fetched_at,
                Indexing::Later,
                Over::Pack(pack),
            )
        });
        let unstaged = self.unstage(UNPACKING);
        let stored = stored?;
        unstaged?;
        tracing::debug!(pack, session = %session, stored, "pack unpacked");
        self.has_waiting_packs()
    }

    /// Drops pack `pack`, which can never be unpacked (a disk error, someone's edit) and
    /// would stop every read; the copy before it stays.
    fn drop_damaged(&self, pack: i64, session: &str) -> Result<bool, StoreError> {
        tracing::warn!(pack, session = %crate::sanitize::sanitize_line(session), "a damaged pack was dropped");
        self.unstage(UNPACKING)?;
        self.drop_pack(pack)?;
        self.has_waiting_packs()
    }

    /// Unpacks every pack that is done, waiting for another connection that writes
    /// meanwhile; what every reader of messages calls first.
    pub fn settle(&self) -> Result<(), StoreError> {
        // The common case, nothing waiting, costs one read and no write lock.
        if !self.has_waiting_packs()? {
            self.tidy_quietly();
            return Ok(());
        }
        self.until_done(SETTLE_WAIT, || self.unpack_one())?;
        self.tidy_quietly();
        Ok(())
    }

    /// [`Store::drop_loose_blobs`] for a reader: what it cannot do now (another
    /// connection writing) an idle writer or the next reader does; the read goes on.
    fn tidy_quietly(&self) {
        if let Err(e) = self.drop_loose_blobs() {
            tracing::debug!(error = %e, "loose blobs left for later");
        }
    }

    /// Drops the packs abandoned mid-answer (see [`ABANDONED_AFTER`]); returns how many.
    pub fn drop_abandoned_packs(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let before = stamp(now.checked_sub_signed(ABANDONED_AFTER).unwrap_or(now));
        let fail = |e| classify(&self.path, e);
        let stale = "SELECT id FROM packs WHERE NOT done AND touched < ?1";
        let any: bool = self
            .conn
            .query_row(&format!("SELECT EXISTS ({stale})"), [&before], |r| r.get(0))
            .map_err(fail)?;
        if !any {
            return Ok(0);
        }
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(fail)?;
        tx.execute(
            &format!("DELETE FROM packed WHERE pack IN ({stale})"),
            [&before],
        )
        .map_err(fail)?;
        let n = tx
            .execute(
                "DELETE FROM packs WHERE NOT done AND touched < ?1",
                [&before],
            )
            .map_err(fail)?;
        tx.commit().map_err(fail)?;
        Ok(n)
    }

    /// Deletes the blobs no pack refers to any more (of packs replaced by a newer answer
    /// before they were unpacked); returns how many. Called when nothing waits on it: by
    /// an idle writer, by every reader settling, and as `print`'s writer starts.
    pub fn drop_loose_blobs(&self) -> Result<usize, StoreError> {
        let loose = "pack NOT IN (SELECT id FROM packs)";
        let any: bool = self
            .conn
            .query_row(
                &format!("SELECT EXISTS (SELECT 1 FROM packed WHERE {loose})"),
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !any {
            return Ok(0);
        }
        self.conn
            .execute(&format!("DELETE FROM packed WHERE {loose}"), [])
            .map_err(|e| self.err(e))
    }

    /// Stages pack `pack`'s messages (for [`Store::put_staged_over`]), a blob at a time.
    fn stage_pack(&self, pack: i64) -> Result<Result<(), Damaged>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT seq, data FROM packed WHERE pack = ?1 ORDER BY seq")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([pack]).map_err(|e| self.err(e))?;
        let mut next_seq = 0u64;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            // A value of another type (the tables are not STRICT) is damage too.
            let (Ok(seq), Ok(blob)) = (
                r.get::<_, i64>(0),
                r.get_ref(1)
                    .map_err(|_| ())
                    .and_then(|d| d.as_blob().map_err(|_| ())),
            ) else {
                return Ok(Err(Damaged));
            };
            // Blobs cover the answer without gaps, in order: anything else is damage.
            let Some(decoded) = decode(blob) else {
                return Ok(Err(Damaged));
            };
            if u64::try_from(seq).ok() != Some(next_seq) {
                return Ok(Err(Damaged));
            }
            next_seq += decoded.len() as u64;
            self.stage_rows(UNPACKING, seq as u64, decoded.into_iter())?;
        }
        Ok(Ok(()))
    }
}

/// Whether pack `pack` is done and waiting to be unpacked.
pub(super) fn is_waiting(tx: &Transaction<'_>, pack: i64) -> rusqlite::Result<bool> {
    tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM packs WHERE id = ?1 AND done)",
        [pack],
        |r| r.get(0),
    )
}

/// Drops the packs of `session_id` that are done, up to `upto` (their contents are
/// replaced by a newer answer).
pub(super) fn drop_waiting(
    tx: &Transaction<'_>,
    session_id: &str,
    upto: i64,
) -> rusqlite::Result<()> {
    let old = "SELECT id FROM packs WHERE session_id = ?1 AND done AND id <= ?2";
    tx.execute(
        &format!("DELETE FROM packed WHERE pack IN ({old})"),
        params![session_id, upto],
    )?;
    tx.execute(
        "DELETE FROM packs WHERE session_id = ?1 AND done AND id <= ?2",
        params![session_id, upto],
    )?;
    Ok(())
}

/// Appends `events` to a blob, as [`Store::pack_blob`] takes it.
pub fn encode_events(events: &[Event], buf: &mut Vec<u8>) {
    // Each event takes its text and a few bytes more: one allocation, not a dozen.
    buf.reserve(events.iter().map(|e| e.content.len() + 48).sum());
    for e in events {
        encode(
            buf,
            Row {
                time: e.time.as_ref().map(|t| t.raw.as_str()),
                participant: e.participant.as_deref(),
                text: &e.content,
            },
        );
    }
}

/// Appends `row` to a blob: each field as its length (plus one for an optional field, 0
/// being none) in LEB128, then its bytes.
fn encode(buf: &mut Vec<u8>, row: Row<'_>) {
    let optional = |buf: &mut Vec<u8>, s: Option<&str>| match s {
        None => put_len(buf, 0),
        Some(s) => {
            put_len(buf, s.len() as u64 + 1);
            buf.extend_from_slice(s.as_bytes());
        }
    };
    optional(buf, row.time);
    optional(buf, row.participant);
    put_len(buf, row.text.len() as u64);
    buf.extend_from_slice(row.text.as_bytes());
}

fn put_len(buf: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        buf.push((n as u8) | 0x80);
        n >>= 7;
    }
    buf.push(n as u8);
}

/// The rows of a blob [`encode`] wrote; `None` when it is damaged.
fn decode(mut blob: &[u8]) -> Option<Vec<Row<'_>>> {
    let mut rows = Vec::new();
    while !blob.is_empty() {
        let time = optional(&mut blob)?;
        let participant = optional(&mut blob)?;
        let n = get_len(&mut blob)?;
        let text = take_str(&mut blob, n)?;
        rows.push(Row {
            time,
            participant,
            text,
        });
    }
    Some(rows)
}

fn optional<'a>(blob: &mut &'a [u8]) -> Option<Option<&'a str>> {
    match get_len(blob)? {
        0 => Some(None),
        n => take_str(blob, n - 1).map(Some),
    }
}

fn get_len(blob: &mut &[u8]) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = blob.split_first()?;
        *blob = rest;
        n |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

fn take_str<'a>(blob: &mut &'a [u8], n: u64) -> Option<&'a str> {
    let n = usize::try_from(n).ok()?;
    if n > blob.len() {
        return None;
    }
    let (s, rest) = blob.split_at(n);
    *blob = rest;
    std::str::from_utf8(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row<'static>> {
        vec![
            Row {
                time: Some("2026-11-20T14:02:11Z"),
                participant: Some("Dana"),
                text: "hello",
            },
            Row {
                time: None,
                participant: Some(""),
                text: "",
            },
            Row {
                time: Some(""),
                participant: None,
                text: "wide 日本語 and a long one ",
            },
        ]
    }

    #[test]
    fn a_blob_gives_back_what_went_in() {
        let mut long = String::new();
        for i in 0..300 {
            long.push_str(&format!("word{i} "));
        }
        let mut all = rows();
        all.push(Row {
            time: None,
            participant: None,
            text: &long,
        });
        let mut buf = Vec::new();
        for r in &all {
            encode(&mut buf, *r);
        }
        assert_eq!(decode(&buf), Some(all));
    }

    #[test]
    fn a_damaged_blob_is_refused_not_misread() {
        let mut buf = Vec::new();
        for r in rows() {
            encode(&mut buf, r);
        }
        // Cut anywhere inside: never a panic, never the whole.
        for cut in 1..buf.len() {
            let got = decode(&buf[..cut]);
            assert_ne!(got.as_ref().map(Vec::len), Some(3), "cut at {cut}");
        }
        // Not UTF-8.
        let mut bad = Vec::new();
        put_len(&mut bad, 0);
        put_len(&mut bad, 0);
        put_len(&mut bad, 2);
        bad.extend_from_slice(&[0xff, 0xfe]);
        assert_eq!(decode(&bad), None);
        // A length past the end, and a length that never ends.
        assert_eq!(decode(&[0, 0, 9, b'a']), None);
        assert_eq!(decode(&[0xff; 12]), None);
    }
}

//! The store's schema: the migrations list and `PRAGMA user_version` (issue 8).
//!
//! `MIGRATIONS[i]` takes a store from version `i` to `i + 1`; the version is the list's length.
//! A migration is only ever appended, never edited, once it has shipped.

use rusqlite::{Connection, TransactionBehavior};

/// Version 1: sessions as received (from `/sessions/{id}`, or a row of the session list when
/// `from_list`), their transcripts' messages, and an FTS5 index over them.
///
/// `messages.id` is an explicit `INTEGER PRIMARY KEY` (the brief asked for `(session_id, seq)` as
/// the key; it is kept as a UNIQUE constraint): the FTS5 index refers to messages by rowid, and
/// only an aliased rowid survives a `VACUUM` unchanged.
///
/// The index is external-content and kept in step by the store's own writes, in bulk
/// (`put_transcript`, `prune_before` and `clear` in `store/mod.rs`), not by per-row triggers: with
/// triggers, storing 100,000 messages took 1.8 s in a release build, in bulk 0.5 s.
const V1: &str = "
CREATE TABLE sessions(
    id TEXT PRIMARY KEY,
    json TEXT NOT NULL,
    status TEXT,
    started_at TEXT,
    fetched_at TEXT NOT NULL,
    complete INTEGER NOT NULL,
    from_list INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE transcripts(
    session_id TEXT PRIMARY KEY,
    start_time TEXT,
    end_time TEXT,
    absent INTEGER NOT NULL,
    fetched_at TEXT NOT NULL
);
CREATE TABLE messages(
    id INTEGER PRIMARY KEY,
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    time TEXT,
    participant TEXT,
    role TEXT,
    text TEXT NOT NULL,
    UNIQUE(session_id, seq)
);
CREATE INDEX sessions_fetched_at ON sessions(fetched_at);
CREATE INDEX transcripts_fetched_at ON transcripts(fetched_at);
CREATE VIRTUAL TABLE messages_fts USING fts5(
    participant, text,
    content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
";

/// Version 2: `sessions.started_utc`, the start as fixed-width UTC text
/// (`2026-11-20T14:02:11.000Z`, as the store's other stamps), so `search --days` can compare
/// times in SQL whatever offset or precision the server wrote. Filled here from the stored JSON
/// by SQLite's own date parser (`Z`, `±HH:MM`, fractions); the store writes it from the parsed
/// time from then on. A value SQLite cannot read stays NULL: such a session is left out of
/// `--days` searches rather than guessed.
const V2: &str = "
ALTER TABLE sessions ADD COLUMN started_utc TEXT;
UPDATE sessions SET started_utc =
    CASE WHEN json_valid(json) THEN
        CASE WHEN json_type(json, '$.startedAt') = 'text'
            THEN strftime('%Y-%m-%dT%H:%M:%fZ', json_extract(json, '$.startedAt'))
        END
    END;
CREATE INDEX sessions_started_utc ON sessions(started_utc);
";

/// Version 3: `unindexed`, the messages not in the search index yet (issue 11): those of
/// `session_id` from `from_seq` on. The writer thread stores a transcript without indexing it
/// (indexing was most of the write: 0.8 s of 1.5 s for 2x10^5 messages), then indexes it when
/// it has nothing else to do; a search indexes what is left before it reads
/// (`store/backlog.rs`). A build that knows no such table must not search or delete in this
/// store (it would miss messages, and take never-indexed ones out of the index): the version
/// keeps it out.
const V3: &str = "
CREATE TABLE unindexed(
    session_id TEXT PRIMARY KEY,
    from_seq INTEGER NOT NULL
);
";

/// Version 4: `packs` and `packed`, transcripts stored as they stream in, a blob per batch,
/// and turned into `messages` rows later (issue 11, `store/packed.rs`). A build that knows
/// no such tables would show and search the copy from before a pack: the version keeps it
/// out. AUTOINCREMENT: a pack's number is never handed out again, so a stream that stalled
/// past its pack being dropped as abandoned can never add to another's.
const V4: &str = "
CREATE TABLE packs(
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    touched TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    start_time TEXT,
    end_time TEXT,
    absent INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT
);
CREATE INDEX packs_session_id ON packs(session_id);
CREATE TABLE packed(
    pack INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    data BLOB NOT NULL,
    UNIQUE(pack, seq)
);
";

/// Version 5: the search index `message_index`, built from `message_index_source`, the
/// messages with their Chinese, Japanese and Korean characters one token each
/// (`store/query.rs`, through the SQL function `g2a_fts_split` every connection of this build
/// has), so a search finds a run of them inside a longer one, or next to Latin letters and
/// digits. The old index is dropped and every stored message marked unindexed: the writer
/// rebuilds the index when idle, and a search first indexes what is left, as after any
/// write. A new name, not `messages_fts` again: an older build still running (it checked the
/// version when it opened the store) fails to write to an index that is gone, rather than
/// corrupt the new one with unsplit text.
const V5: &str = "
DROP TABLE messages_fts;
CREATE VIEW message_index_source AS
    SELECT id, session_id, seq,
        g2a_fts_split(participant) AS participant, g2a_fts_split(text) AS text
    FROM messages;
CREATE VIRTUAL TABLE message_index USING fts5(
    participant, text,
    content='message_index_source', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
INSERT OR REPLACE INTO unindexed(session_id, from_seq)
    SELECT session_id, MIN(seq) FROM messages GROUP BY session_id;
";

/// Every migration, oldest first.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4, V5];

/// The schema version this build writes.
pub const VERSION: u32 = MIGRATIONS.len() as u32;

/// What [`migrate`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// The store is at `to` (equal to `from` when nothing ran).
    Migrated { from: u32, to: u32 },
    /// The file is from a newer build: nothing was touched.
    Newer { found: u32 },
    /// Version 0 but holding tables: some other program's database, left alone.
    Foreign,
}

/// Brings `conn` up to the last of `migrations` in one IMMEDIATE transaction, so two processes
/// opening a fresh store cannot both run a migration, and a failed one leaves the old version.
pub fn migrate(conn: &mut Connection, migrations: &[&str]) -> rusqlite::Result<Outcome> {
    let target = migrations.len() as u32;
    // Up to date (every open but the first after an upgrade): no write lock, so a viewer
    // opens the store while another process spends seconds storing a huge transcript.
    let current: u32 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current == target && target > 0 {
        return Ok(Outcome::Migrated {
            from: current,
            to: target,
        });
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found: u32 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > target {
        return Ok(Outcome::Newer { found });
    }
    if found == 0 {
        let objects: i64 = tx.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        if objects > 0 {
            return Ok(Outcome::Foreign);
        }
    }
    for sql in &migrations[found as usize..] {
        tx.execute_batch(sql)?;
    }
    if found != target {
        // PRAGMA takes no bound parameters; `target` is a number we computed.
        tx.execute_batch(&format!("PRAGMA user_version = {target}"))?;
    }
    tx.commit()?;
    Ok(Outcome::Migrated {
        from: found,
        to: target,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(conn: &Connection) -> u32 {
        conn.query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version")
    }

    #[test]
    fn runs_only_the_missing_migrations() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        let first = ["CREATE TABLE a(x)"];
        assert_eq!(
            migrate(&mut conn, &first).expect("v1"),
            Outcome::Migrated { from: 0, to: 1 }
        );
        conn.execute("INSERT INTO a VALUES (1)", []).expect("row");
        // A later build appends a migration; the first must not run again (it would fail).
        let second = ["CREATE TABLE a(x)", "ALTER TABLE a ADD COLUMN y DEFAULT 7"];
        assert_eq!(
            migrate(&mut conn, &second).expect("v2"),
            Outcome::Migrated { from: 1, to: 2 }
        );
        assert_eq!(version(&conn), 2);
        let y: i64 = conn
            .query_row("SELECT y FROM a", [], |r| r.get(0))
            .expect("migrated row");
        assert_eq!(y, 7);
        // Re-running is a no-op, and an older build refuses the newer file.
        assert_eq!(
            migrate(&mut conn, &second).expect("again"),
            Outcome::Migrated { from: 2, to: 2 }
        );
        assert_eq!(
            migrate(&mut conn, &first).expect("older"),
            Outcome::Newer { found: 2 }
        );
    }

    #[test]
    fn a_failed_migration_keeps_the_old_version() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate(&mut conn, &["CREATE TABLE a(x)"]).expect("v1");
        let broken = [
            "CREATE TABLE a(x)",
            "CREATE TABLE b(x); SELECT * FROM missing",
        ];
        assert!(migrate(&mut conn, &broken).is_err());
        assert_eq!(version(&conn), 1);
        let b: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'b'",
                [],
                |r| r.get(0),
            )
            .expect("schema");
        assert_eq!(b, 0, "the half-done migration was rolled back");
    }

    #[test]
    fn another_programs_database_is_left_alone() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        conn.execute_batch("CREATE TABLE theirs(x)").expect("table");
        assert_eq!(
            migrate(&mut conn, MIGRATIONS).expect("check"),
            Outcome::Foreign
        );
        assert_eq!(version(&conn), 0);
    }

    #[test]
    fn v2_fills_the_utc_start_from_the_stored_json() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate(&mut conn, &MIGRATIONS[..1]).expect("v1");
        let insert = |id: &str, json: &str| {
            conn.execute(
                "INSERT INTO sessions(id, json, fetched_at, complete) VALUES (?1, ?2, 'x', 1)",
                [id, json],
            )
            .expect("row");
        };
        insert("z", r#"{"startedAt": "2026-11-20T14:02:11Z"}"#);
        insert("offset", r#"{"startedAt": "2026-11-21T09:20:00.5+01:00"}"#);
        insert("none", r#"{"status": "notStarted"}"#);
        insert("number", r#"{"startedAt": 1700000000}"#);
        insert("junk", r#"{"startedAt": "yesterday"}"#);
        insert("broken", "not json");
        assert_eq!(
            migrate(&mut conn, &MIGRATIONS[..2]).expect("v2"),
            Outcome::Migrated { from: 1, to: 2 }
        );
        let utc = |id: &str| -> Option<String> {
            conn.query_row(
                "SELECT started_utc FROM sessions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .expect("row")
        };
        assert_eq!(utc("z").as_deref(), Some("2026-11-20T14:02:11.000Z"));
        assert_eq!(utc("offset").as_deref(), Some("2026-11-21T08:20:00.500Z"));
        for id in ["none", "number", "junk", "broken"] {
            assert_eq!(utc(id), None, "{id}");
        }
    }

    #[test]
    fn v1_creates_the_tables() {
        let mut conn = Connection::open_in_memory().expect("memory db");
        migrate(&mut conn, MIGRATIONS).expect("v1");
        assert_eq!(version(&conn), VERSION);
        for t in ["sessions", "transcripts", "messages", "message_index"] {
            let n: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE name = ?1",
                    [t],
                    |r| r.get(0),
                )
                .expect("schema");
            assert_eq!(n, 1, "{t}");
        }
    }
}

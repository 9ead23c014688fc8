//! The session list's rows, shared by the list screen and `g2a-tui list`: which sessions are
//! listed (the window's answer from the API plus the window's sessions known only from the
//! store), in which order, and what each column says.

use std::cmp::Reverse;
use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};

use super::{line, StatusKind};
use crate::api::{Session, Status};
use crate::store::StoredSession;
use crate::timefmt::{between, duration, Zone};

/// The column headings, in the order [`Cells::to_array`] holds them. The last column
/// holds [`STORED_MARK`] and has no heading: the word says it.
pub const HEADERS: [&str; 8] = [
    "status", "started", "duration", "expert", "customer", "id", "ticket", "",
];

/// How a row known only from the store is marked, in a column of its own.
pub const STORED_MARK: &str = "stored";

/// One session in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub session: Session,
    /// Known only from the store: the API's answer for the window did not have it (it is
    /// older than the vendor keeps, or the list call failed).
    pub stored: bool,
    /// When the store last fetched it (rows from the store only).
    pub fetched_at: Option<DateTime<Utc>>,
}

impl ListRow {
    /// The id to open (as received; empty when the server sent none).
    pub fn id(&self) -> &str {
        self.session.session_id.as_deref().unwrap_or("")
    }

    pub fn kind(&self) -> StatusKind {
        StatusKind::of(self.session.status.as_ref())
    }

    /// Its duration runs to now and is worth a refresh every second: live, and from the
    /// API's answer (a stored copy's clock stopped when it was fetched).
    pub fn clock_runs(&self) -> bool {
        !self.stored && is_live(&self.session)
    }

    /// The duration column's span: see [`span`]; none for a stored copy of a live session,
    /// whose status may long be out of date.
    pub fn duration(&self, now: DateTime<Utc>) -> Option<TimeDelta> {
        if self.stored && is_live(&self.session) {
            return None;
        }
        span(&self.session, now)
    }
}

/// The list for the window `from..=to`: the API's answer for it (empty when the call
/// failed), then the stored sessions that started in the window and the answer does not
/// hold, marked stored; each id once.
pub fn merge(
    api: &[Session],
    stored: &[StoredSession],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<ListRow> {
    let mut rows: Vec<ListRow> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    for s in api {
        // One row per id: a server that repeats a row should not double it.
        if let Some(id) = &s.session_id {
            if !seen.insert(id.clone()) {
                continue;
            }
        }
        rows.push(ListRow {
            session: s.clone(),
            stored: false,
            fetched_at: None,
        });
    }
    for s in stored {
        let Some(id) = &s.session.session_id else {
            continue;
        };
        let in_window = start(&s.session).is_some_and(|t| t >= from && t <= to);
        if !in_window || !seen.insert(id.clone()) {
            continue;
        }
        rows.push(ListRow {
            session: s.session.clone(),
            stored: true,
            fetched_at: Some(s.fetched_at),
        });
    }
    sort(&mut rows);
    rows
}

fn start(s: &Session) -> Option<DateTime<Utc>> {
    s.started_at.as_ref().and_then(|t| t.at)
}

/// Waiting sessions first (someone is waiting for a technician), then active ones, then the
/// rest; newest first within each, sessions without a start time last. A stored copy of a
/// live session is not known to be live now: it sits with the rest.
pub fn sort(rows: &mut [ListRow]) {
    rows.sort_by_key(|r| {
        let group = match r.session.status {
            _ if !r.clock_runs() => 2,
            Some(Status::Waiting) => 0,
            Some(Status::Active) => 1,
            _ => 2,
        };
        let t = start(&r.session);
        (group, t.is_none(), Reverse(t))
    });
}

/// A row's columns as text, each sanitised to one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cells {
    /// "waiting", "active", "complete", "abandoned", "not started", or as sent.
    pub status: String,
    /// `MM-DD HH:MM` in the zone shown (the window says the year); the server's text
    /// when it did not parse; empty when missing.
    pub started: String,
    /// The wait (waiting), the running time (active), or how long it lasted; empty when
    /// it cannot be said.
    pub duration: String,
    pub expert: String,
    /// The customer's name, else their e-mail, else the unattended machine.
    pub customer: String,
    pub id: String,
    pub ticket: String,
    /// [`STORED_MARK`] for a row known only from the store, else empty.
    pub stored: String,
}

impl Cells {
    /// In the order of [`HEADERS`].
    pub fn to_array(&self) -> [&str; 8] {
        [
            &self.status,
            &self.started,
            &self.duration,
            &self.expert,
            &self.customer,
            &self.id,
            &self.ticket,
            &self.stored,
        ]
    }
}

/// The columns of `row` as of `now`.
pub fn cells(row: &ListRow, zone: Zone, now: DateTime<Utc>) -> Cells {
    let s = &row.session;
    // The first of `vs` that says something once sanitised.
    let text = |vs: &[Option<&String>]| {
        vs.iter()
            .flatten()
            .map(|v| line(v))
            .find(|t| !t.is_empty())
            .unwrap_or_default()
    };
    Cells {
        status: super::status_text(s.status.as_ref()),
        started: start(s)
            .and_then(|t| zone.wall_clock(t))
            .map(|(wall, _)| wall.format("%m-%d %H:%M").to_string())
            .or_else(|| s.started_at.as_ref().map(|t| line(&t.raw)))
            .unwrap_or_default(),
        duration: row.duration(now).map(duration).unwrap_or_default(),
        expert: text(&[s.expert_name.as_ref(), s.expert_email.as_ref()]),
        customer: text(&[
            s.customer_name.as_ref(),
            s.customer_email.as_ref(),
            s.unattended_machine_name.as_ref(),
        ]),
        id: text(&[s.session_id.as_ref()]),
        ticket: text(&[s.partner_object.as_ref()]),
        stored: if row.stored { STORED_MARK } else { "" }.to_string(),
    }
}

/// Waiting or active and not ended: its duration runs to now.
pub fn is_live(s: &Session) -> bool {
    matches!(s.status, Some(Status::Waiting | Status::Active)) && s.ended_at.is_none()
}

/// The span the duration column shows: a live session's wait or running time runs from its
/// start to `now` (the viewer's "running for"); any other session's is from its start to
/// its end.
pub fn span(s: &Session, now: DateTime<Utc>) -> Option<TimeDelta> {
    if is_live(s) {
        Some(now - start(s)?).filter(|d| *d >= TimeDelta::zero())
    } else {
        between(s.started_at.as_ref(), s.ended_at.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn session(id: &str, status: &str, started: Option<&str>) -> Session {
        let mut v = json!({"sessionId": id, "status": status, "expertName": "Dana"});
        if let Some(t) = started {
            v["startedAt"] = json!(t);
        }
        Session::from_value(v).expect("object")
    }

    fn stored(s: Session) -> StoredSession {
        StoredSession {
            session: s,
            fetched_at: at("2026-10-01T00:00:00Z"),
            complete: true,
            from_list: true,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        crate::api::model::parse_time(s).expect("time")
    }

    fn ids(rows: &[ListRow]) -> Vec<(&str, bool)> {
        rows.iter()
            .map(|r| (r.session.session_id.as_deref().unwrap_or(""), r.stored))
            .collect()
    }

    #[test]
    fn waiting_and_active_first_then_newest() {
        let api = [
            session("old", "complete", Some("2026-11-18T10:00:00Z")),
            session("new", "abandoned", Some("2026-11-20T10:00:00Z")),
            session("act", "active", Some("2026-11-17T10:00:00Z")),
            session("none", "notStarted", None),
            session("wait", "waiting", Some("2026-11-19T10:00:00Z")),
        ];
        let rows = merge(
            &api,
            &[],
            at("2026-11-13T00:00:00Z"),
            at("2026-11-20T12:00:00Z"),
        );
        assert_eq!(
            ids(&rows),
            [
                ("wait", false),
                ("act", false),
                ("new", false),
                ("old", false),
                ("none", false)
            ]
        );
    }

    #[test]
    fn stored_rows_of_the_window_the_api_did_not_list_are_added() {
        let (from, to) = (at("2026-11-13T00:00:00Z"), at("2026-11-20T12:00:00Z"));
        let api = [session("a", "complete", Some("2026-11-20T10:00:00Z"))];
        let store = [
            stored(session("a", "active", Some("2026-11-20T10:00:00Z"))),
            stored(session(
                "in-window",
                "complete",
                Some("2026-11-14T10:00:00Z"),
            )),
            stored(session("older", "complete", Some("2026-10-01T10:00:00Z"))),
            stored(session("undated", "complete", None)),
        ];
        let rows = merge(&api, &store, from, to);
        assert_eq!(ids(&rows), [("a", false), ("in-window", true)]);
        assert_eq!(
            rows[0].session.status,
            Some(Status::Complete),
            "the API's copy wins"
        );
        // A failed call: the window's stored sessions, nothing from outside it.
        let rows = merge(&[], &store, from, to);
        assert_eq!(ids(&rows), [("a", true), ("in-window", true)]);
        // A window beyond what the vendor keeps is the store's alone.
        let rows = merge(
            &[],
            &store,
            at("2026-09-28T00:00:00Z"),
            at("2026-10-05T00:00:00Z"),
        );
        assert_eq!(ids(&rows), [("older", true)]);
    }

    #[test]
    fn cells_say_the_clock_of_live_sessions() {
        let now = at("2026-11-20T10:05:30Z");
        let row = |s| ListRow {
            session: s,
            stored: false,
            fetched_at: None,
        };
        let wait = cells(
            &row(session("w", "waiting", Some("2026-11-20T10:04:00Z"))),
            Zone::Utc,
            now,
        );
        assert_eq!(wait.duration, "1m 30s");
        assert_eq!(wait.started, "11-20 10:04");
        let mut done = session("d", "complete", Some("2026-11-20T09:00:00Z"));
        done.ended_at = Some(crate::api::Timestamp::parse("2026-11-20T09:42:05Z"));
        done.customer_name = Some("Evil\u{1b}[2J name".into());
        let c = cells(&row(done), Zone::Utc, now);
        assert_eq!(c.duration, "42m 05s");
        assert!(!c.customer.contains('\u{1b}'), "{:?}", c.customer);
        assert_eq!(c.to_array()[5], "d");
        assert_eq!(c.stored, "");
    }

    #[test]
    fn a_stored_copy_of_a_live_session_has_no_clock_and_says_stored() {
        let now = at("2026-11-20T10:05:30Z");
        let mut s = session("a", "active", Some("2026-11-20T10:00:00Z"));
        s.customer_joined_at = Some(crate::api::Timestamp::parse("2026-11-20T10:03:00Z"));
        let mut row = ListRow {
            session: s,
            stored: false,
            fetched_at: None,
        };
        // Running since the start, as the viewer's "running for" says.
        assert_eq!(cells(&row, Zone::Utc, now).duration, "5m 30s");
        assert!(row.clock_runs());
        row.stored = true;
        let c = cells(&row, Zone::Utc, now);
        assert_eq!((c.duration.as_str(), c.stored.as_str()), ("", STORED_MARK));
        assert!(!row.clock_runs());
    }
}

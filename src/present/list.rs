//! The session list's rows, shared by the list screen and `g2a-tui list`: which sessions are
//! listed (the API's window plus those known only from the store), in which order, and what
//! each column says.

use std::cmp::Reverse;
use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};

use super::line;
use crate::api::{Session, Status};
use crate::store::StoredSession;
use crate::timefmt::{between, duration, Zone};

/// The column headings, in the order [`Cells`] holds them.
pub const HEADERS: [&str; 7] = [
    "status", "started", "duration", "expert", "customer", "id", "ticket",
];

/// How a row known only from the store is marked.
pub const STORED_MARK: &str = "stored";

/// One session in the list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListRow {
    pub session: Session,
    /// Known only from the store: older than the API's window, or the list call failed.
    pub stored: bool,
    /// When the store last fetched it (rows from the store only).
    pub fetched_at: Option<DateTime<Utc>>,
}

/// The list to show. `api` is the list answer for the window starting at `from` (`None` when
/// the call failed); `stored` is every stored session. With an answer, stored sessions the
/// answer does not hold are added when they started before the window (the API no longer
/// serves them); without one, every stored session is listed. All of them are marked stored.
pub fn merge(
    api: Option<&[Session]>,
    stored: &[StoredSession],
    from: DateTime<Utc>,
) -> Vec<ListRow> {
    let mut rows: Vec<ListRow> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    if let Some(api) = api {
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
    }
    for s in stored {
        let Some(id) = &s.session.session_id else {
            continue;
        };
        let older = start(&s.session).is_some_and(|t| t < from);
        if seen.contains(id) || (api.is_some() && !older) {
            continue;
        }
        seen.insert(id.clone());
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
/// rest; newest first within each, sessions without a start time last.
pub fn sort(rows: &mut [ListRow]) {
    rows.sort_by_key(|r| {
        let group = match r.session.status {
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
    /// `YYYY-MM-DD HH:MM` in the zone shown; empty when unknown.
    pub started: String,
    /// The wait (waiting), the running time (active), or how long it lasted; empty when
    /// it cannot be said.
    pub duration: String,
    pub expert: String,
    /// The customer's name, else their e-mail, else the unattended machine.
    pub customer: String,
    pub id: String,
    pub ticket: String,
}

impl Cells {
    /// In the order of [`HEADERS`].
    pub fn to_array(&self) -> [&str; 7] {
        [
            &self.status,
            &self.started,
            &self.duration,
            &self.expert,
            &self.customer,
            &self.id,
            &self.ticket,
        ]
    }
}

/// The columns of `row` as of `now`.
pub fn cells(row: &ListRow, zone: Zone, now: DateTime<Utc>) -> Cells {
    let s = &row.session;
    let text = |v: Option<&String>| v.map(|v| line(v)).unwrap_or_default();
    Cells {
        status: super::status_text(s.status.as_ref()),
        started: start(s)
            .and_then(|t| zone.wall_clock(t))
            .map(|(wall, _)| wall.format("%Y-%m-%d %H:%M").to_string())
            .or_else(|| s.started_at.as_ref().map(|t| line(&t.raw)))
            .unwrap_or_default(),
        // A stored copy of a live session has a clock that stopped when it was fetched.
        duration: if row.stored && is_live(s) {
            String::new()
        } else {
            span(s, now).map(duration).unwrap_or_default()
        },
        expert: text(s.expert_name.as_ref().or(s.expert_email.as_ref())),
        customer: text(
            s.customer_name
                .as_ref()
                .or(s.customer_email.as_ref())
                .or(s.unattended_machine_name.as_ref()),
        ),
        id: text(s.session_id.as_ref()),
        ticket: text(s.partner_object.as_ref()),
    }
}

/// Waiting or active: its duration runs to now.
pub fn is_live(s: &Session) -> bool {
    matches!(s.status, Some(Status::Waiting | Status::Active))
}

/// The span the duration column shows: a waiting session's wait and an active one's running
/// time run to `now` (from the customer joining, when known); any other session's is from its
/// start to its end.
pub fn span(s: &Session, now: DateTime<Utc>) -> Option<TimeDelta> {
    match s.status {
        Some(Status::Waiting) => Some(now - start(s)?).filter(|d| *d >= TimeDelta::zero()),
        Some(Status::Active) => {
            let from = s
                .customer_joined_at
                .as_ref()
                .and_then(|t| t.at)
                .or_else(|| start(s))?;
            Some(now - from).filter(|d| *d >= TimeDelta::zero())
        }
        _ => between(s.started_at.as_ref(), s.ended_at.as_ref()),
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
        let rows = merge(Some(&api), &[], at("2026-11-13T00:00:00Z"));
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
    fn stored_rows_older_than_the_window_are_added() {
        let from = at("2026-11-13T00:00:00Z");
        let api = [session("a", "complete", Some("2026-11-20T10:00:00Z"))];
        let store = [
            stored(session("a", "active", Some("2026-11-20T10:00:00Z"))),
            stored(session(
                "in-window",
                "complete",
                Some("2026-11-14T10:00:00Z"),
            )),
            stored(session("older", "complete", Some("2026-10-01T10:00:00Z"))),
        ];
        let rows = merge(Some(&api), &store, from);
        assert_eq!(ids(&rows), [("a", false), ("older", true)]);
        assert_eq!(
            rows[0].session.status,
            Some(Status::Complete),
            "the API's copy wins"
        );
        // A failed call lists every stored session.
        let rows = merge(None, &store, from);
        assert_eq!(
            ids(&rows),
            [("a", true), ("in-window", true), ("older", true)]
        );
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
        assert_eq!(wait.started, "2026-11-20 10:04");
        let mut done = session("d", "complete", Some("2026-11-20T09:00:00Z"));
        done.ended_at = Some(crate::api::Timestamp::parse("2026-11-20T09:42:05Z"));
        done.customer_name = Some("Evil\u{1b}[2J name".into());
        let c = cells(&row(done), Zone::Utc, now);
        assert_eq!(c.duration, "42m 05s");
        assert!(!c.customer.contains('\u{1b}'), "{:?}", c.customer);
        assert_eq!(c.to_array()[5], "d");
    }
}

//! `g2a-tui list`: the session list as the list screen shows it (rows and order from
//! [`crate::present::list`]), for scripts: aligned text, a JSON array, or CSV.
//!
//! JSON objects and CSV records carry the same fields: `id`, `status` (as the API sent it:
//! `waiting`, `active`, `complete`, `abandoned`, `notStarted`), `started`, `customerJoined`,
//! `ended` (ISO 8601 in UTC, the server's text when it did not parse, null/empty when
//! missing), `durationSeconds` (the list's duration column in seconds), `expert`,
//! `expertEmail`, `customer`, `customerEmail`, `ticket`, `stored` (known only from the
//! store), `fetchedAt` (when the store fetched a stored row). CSV headers are the same names
//! in snake_case.

use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::{columns, fail, open_store, warn, write_stdout};
use crate::api::worker::SCREEN_SHARING;
use crate::api::{ApiError, SessionList, Timestamp};
use crate::cli::{ListArgs, ListFormatArg};
use crate::connection::{Connection, Settings};
use crate::present::list::{self, ListRow, HEADERS};
use crate::sanitize::sanitize_line;
use crate::timefmt::Zone;

/// Text columns wider than this are cut with an ellipsis.
const MAX_CELL: usize = 32;

pub async fn run(settings: &Settings, args: &ListArgs) -> ExitCode {
    let now = Utc::now();
    let from = now - TimeDelta::days(args.days.into());
    if let Err(code) = super::offline_needs_store(settings) {
        return code;
    }
    let mut store = open_store(&settings.store);
    // `--offline` makes no request: the stored sessions are the whole list.
    let api = if settings.offline {
        None
    } else {
        Some(fetch(settings, from, now).await)
    };
    if let (Some(Ok(answer)), Some(store)) = (&api, store.as_mut()) {
        let rows = answer.sessions.len();
        let write = || store.put_list_rows(&answer.sessions, now);
        if let Err(e) = crate::store::write_log::timed("list rows", None, rows, write) {
            warn(&format!("the list was not stored: {e}"));
        }
    }
    let stored = match store.as_ref().map(|s| s.sessions()) {
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            warn(&format!("stored sessions cannot be read: {e}"));
            Vec::new()
        }
        None => Vec::new(),
    };
    let answered = match &api {
        Some(Ok(answer)) => answer.sessions.as_slice(),
        _ => &[],
    };
    let rows = list::merge(answered, &stored, from, now);
    let zone = if settings.utc { Zone::Utc } else { Zone::Local };
    let failed = matches!(api, Some(Err(_)));
    let out = match args.format {
        ListFormatArg::Text if rows.is_empty() && failed => String::new(),
        ListFormatArg::Text => text(&rows, zone, now, args.days),
        ListFormatArg::Json => crate::print::to_safe_string(&records(&rows, now)) + "\n",
        ListFormatArg::Csv => csv(&records(&rows, now)),
    };
    if let Err(code) = write_stdout(&out) {
        return code;
    }
    match api {
        Some(Err(e)) => fail(&e),
        _ => ExitCode::SUCCESS,
    }
}

async fn fetch(
    settings: &Settings,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<SessionList, ApiError> {
    let conn = Connection::open(settings).await?;
    conn.client.list_sessions(SCREEN_SHARING, from, to).await
}

fn text(rows: &[ListRow], zone: Zone, now: DateTime<Utc>, days: u32) -> String {
    if rows.is_empty() {
        return format!("No sessions in the last {days} days.\n");
    }
    // The stored mark's column only when a row has it, as on the screen.
    let n = if rows.iter().any(|r| r.stored) {
        HEADERS.len()
    } else {
        HEADERS.len() - 1
    };
    let header: Vec<String> = HEADERS[..n].iter().map(|h| h.to_uppercase()).collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let c = list::cells(r, zone, now);
            c.to_array()[..n].iter().map(|s| s.to_string()).collect()
        })
        .collect();
    columns(&header, &cells, MAX_CELL)
}

/// One row for scripts.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Record {
    id: Option<String>,
    status: Option<String>,
    started: Option<String>,
    customer_joined: Option<String>,
    ended: Option<String>,
    duration_seconds: Option<i64>,
    expert: Option<String>,
    expert_email: Option<String>,
    customer: Option<String>,
    customer_email: Option<String>,
    ticket: Option<String>,
    stored: bool,
    fetched_at: Option<String>,
}

/// ISO 8601 in UTC, the fraction only when there is one; else the text as sent.
fn iso(t: &Timestamp) -> String {
    match t.at {
        Some(at) => at.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
        None => t.raw.to_string(),
    }
}

fn records(rows: &[ListRow], now: DateTime<Utc>) -> Vec<Record> {
    rows.iter()
        .map(|r| {
            let s = &r.session;
            Record {
                id: s.session_id.clone(),
                status: s
                    .raw
                    .get("status")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
                    .or_else(|| s.status.as_ref().map(|st| st.label().to_string())),
                started: s.started_at.as_ref().map(iso),
                customer_joined: s.customer_joined_at.as_ref().map(iso),
                ended: s.ended_at.as_ref().map(iso),
                duration_seconds: r.duration(now).map(|d| d.num_seconds()),
                expert: s.expert_name.clone(),
                expert_email: s.expert_email.clone(),
                customer: s.customer_name.clone(),
                customer_email: s.customer_email.clone(),
                ticket: s.partner_object.clone(),
                stored: r.stored,
                fetched_at: r
                    .fetched_at
                    .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string()),
            }
        })
        .collect()
}

const CSV_HEADER: [&str; 13] = [
    "id",
    "status",
    "started",
    "customer_joined",
    "ended",
    "duration_seconds",
    "expert",
    "expert_email",
    "customer",
    "customer_email",
    "ticket",
    "stored",
    "fetched_at",
];

/// RFC 4180 with CRLF, as `print --format csv`; text fields sanitised to one line, so the
/// file is as safe to `cat` as the text output.
fn csv(records: &[Record]) -> String {
    let clean = |v: &Option<String>| {
        v.as_deref()
            .map(sanitize_line)
            .unwrap_or_default()
            .into_owned()
    };
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut write = || -> Result<(), ::csv::Error> {
        w.write_record(CSV_HEADER)?;
        for r in records {
            w.write_record([
                clean(&r.id),
                clean(&r.status),
                clean(&r.started),
                clean(&r.customer_joined),
                clean(&r.ended),
                r.duration_seconds
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                clean(&r.expert),
                clean(&r.expert_email),
                clean(&r.customer),
                clean(&r.customer_email),
                clean(&r.ticket),
                r.stored.to_string(),
                clean(&r.fetched_at),
            ])?;
        }
        Ok(())
    };
    let result = write();
    match result.and_then(|()| w.into_inner().map_err(|e| e.into_error().into())) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        // Writing into memory cannot fail; if it did, say so rather than print half a file.
        Err(e) => format!(
            "{}\r\n# cannot write CSV: {}\r\n",
            CSV_HEADER.join(","),
            sanitize_line(&e.to_string())
        ),
    }
}

//! `g2a-tui search`: every stored transcript searched at once, from the store alone (no token,
//! no network). Matches are grouped by session, best session first (bm25), each session's
//! matching messages in transcript order.
//!
//! JSON: an array of `{id, started, customer, expert, rank, matches: [{seq, time, participant,
//! role, text, snippet}]}`, strings as stored (control characters escaped), `snippet` the
//! excerpt around the match without markers, `rank` bm25 (lower is better).

use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;

use super::{clip, fail_plain, write_stdout};
use crate::api::{Session, Timestamp};
use crate::cli::{SearchArgs, SearchFormatArg};
use crate::connection::Settings;
use crate::sanitize::sanitize_line;
use crate::store::{Hit, SessionHits, Store, StoreError};
use crate::timefmt::Zone;

/// The best this many messages are shown.
const LIMIT: usize = 200;
/// A matching line is cut to this many columns.
const LINE_WIDTH: usize = 160;

pub async fn run(settings: &Settings, args: &SearchArgs) -> ExitCode {
    let query = query_text(&args.query);
    // A query that cannot be searched is said so first, store or not.
    if let Err(e) = crate::store::fts_query(&query) {
        return fail_plain(&e.to_string(), 2);
    }
    let Some(path) = settings.store.file() else {
        let why = if settings.store.enabled {
            "there is no home directory to keep a store in; name one with --store PATH"
        } else {
            "the store is turned off (--no-store or G2A_NO_STORE), so there is nothing to search"
        };
        return fail_plain(why, 2);
    };
    // Searching must not create a store: a missing file is said plainly.
    if !path.exists() {
        return nothing(
            args.format,
            &format!(
                "No store yet at {}: nothing has been stored to search (the viewer, `print` and `sync` store what they fetch).",
                path.display()
            ),
        );
    }
    let since = args.days.map(|d| Utc::now() - TimeDelta::days(d.into()));
    let searched = tokio::task::spawn_blocking(move || -> Result<_, StoreError> {
        let store = Store::open(&path)?;
        let groups = store.search_since(&query, LIMIT, since)?;
        if groups.is_empty() && !store.has_messages()? {
            return Ok(None);
        }
        Ok(Some(groups))
    })
    .await;
    let groups = match searched {
        Ok(Ok(Some(groups))) => groups,
        Ok(Ok(None)) => {
            return nothing(
                args.format,
                "The store holds no chat transcripts yet: nothing to search.",
            )
        }
        Ok(Err(e @ StoreError::Query { .. })) => return fail_plain(&e.to_string(), 2),
        Ok(Err(e)) => return fail_plain(&e.to_string(), 1),
        Err(e) => return fail_plain(&format!("the search stopped: {e}"), 1),
    };
    let zone = if settings.utc { Zone::Utc } else { Zone::Local };
    let out = match args.format {
        SearchFormatArg::Text => text(&groups, zone, args.days),
        SearchFormatArg::Json => crate::print::to_safe_string(&records(&groups)) + "\n",
    };
    match write_stdout(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

/// The words as one query. A shell strips the quotes from `search "access denied"`, so an
/// argument holding spaces (and no quotes of its own) is taken as the phrase it was typed as.
fn query_text(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            let a = a.trim();
            if a.contains(char::is_whitespace) && !a.contains('"') {
                match a.strip_suffix('*') {
                    Some(stem) => format!("\"{}\"*", stem.trim_end()),
                    None => format!("\"{a}\""),
                }
            } else {
                a.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// No store, or nothing in it: the sentence on stderr, an empty array for JSON.
fn nothing(format: SearchFormatArg, sentence: &str) -> ExitCode {
    super::stderr_line(&format!("g2a-tui: {}", sanitize_line(sentence)));
    if format == SearchFormatArg::Json {
        if let Err(code) = write_stdout("[]\n") {
            return code;
        }
    }
    ExitCode::SUCCESS
}

fn one_line(s: Option<&str>) -> String {
    s.map(|s| sanitize_line(s).trim().to_string())
        .unwrap_or_default()
}

fn start(s: Option<&Session>) -> Option<DateTime<Utc>> {
    s?.started_at.as_ref()?.at
}

fn text(groups: &[SessionHits], zone: Zone, days: Option<u32>) -> String {
    if groups.is_empty() {
        return match days {
            Some(d) => format!("No stored message matches in the last {d} days.\n"),
            None => "No stored message matches.\n".to_string(),
        };
    }
    let mut out = String::new();
    let mut messages = 0;
    for g in groups {
        let s = g.session.as_ref();
        let mut head = vec![one_line(Some(&g.session_id))];
        if let Some(t) = start(s) {
            head.push(zone.date_time(t));
        }
        let customer = s.and_then(|s| s.customer_name.as_deref().or(s.customer_email.as_deref()));
        let expert = s.and_then(|s| s.expert_name.as_deref().or(s.expert_email.as_deref()));
        if let Some(c) = customer {
            head.push(format!("customer {}", one_line(Some(c))));
        }
        if let Some(e) = expert {
            head.push(format!("expert {}", one_line(Some(e))));
        }
        out.push_str(&head.join("  "));
        out.push('\n');
        for h in &g.hits {
            messages += 1;
            out.push_str("  ");
            out.push_str(&clip(&hit_line(h, zone), LINE_WIDTH));
            out.push('\n');
        }
        out.push('\n');
    }
    let sessions = groups.len();
    out.push_str(&format!(
        "{messages} matching message{} in {sessions} session{}.\n",
        if messages == 1 { "" } else { "s" },
        if sessions == 1 { "" } else { "s" },
    ));
    out
}

/// `14:05:12  Kwame Mensah (customer): …the excerpt…`
fn hit_line(h: &Hit, zone: Zone) -> String {
    let time = h
        .time
        .as_deref()
        .map(Timestamp::parse)
        .map(|t| match t.at {
            Some(at) => zone.time(at),
            None => one_line(Some(&t.raw)),
        })
        .unwrap_or_else(|| "--:--:--".to_string());
    let who = one_line(h.participant.as_deref());
    let who = match h.role.as_deref() {
        Some(role) if !who.is_empty() => format!("{who} ({role})"),
        Some(role) => format!("({role})"),
        None => who,
    };
    format!("{time}  {who}: {}", one_line(Some(&plain_snippet(h))))
}

/// The snippet without its match markers; the whole message when there is no snippet.
fn plain_snippet(h: &Hit) -> String {
    let s: String = h.snippet_parts().into_iter().map(|(t, _)| t).collect();
    if s.trim().is_empty() {
        h.text.clone()
    } else {
        s
    }
}

#[derive(Serialize)]
struct SessionRecord {
    id: String,
    started: Option<String>,
    customer: Option<String>,
    expert: Option<String>,
    rank: f64,
    matches: Vec<MatchRecord>,
}

#[derive(Serialize)]
struct MatchRecord {
    seq: u32,
    time: Option<String>,
    participant: Option<String>,
    role: Option<String>,
    text: String,
    snippet: String,
}

fn records(groups: &[SessionHits]) -> Vec<SessionRecord> {
    groups
        .iter()
        .map(|g| {
            let s = g.session.as_ref();
            SessionRecord {
                id: g.session_id.clone(),
                started: s.and_then(|s| s.started_at.as_ref()).map(|t| match t.at {
                    Some(at) => at.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
                    None => t.raw.to_string(),
                }),
                customer: s.and_then(|s| s.customer_name.clone().or(s.customer_email.clone())),
                expert: s.and_then(|s| s.expert_name.clone().or(s.expert_email.clone())),
                rank: g.rank,
                matches: g
                    .hits
                    .iter()
                    .map(|h| MatchRecord {
                        seq: h.seq,
                        time: h.time.clone(),
                        participant: h.participant.clone(),
                        role: h.role.clone(),
                        text: h.text.clone(),
                        snippet: plain_snippet(h),
                    })
                    .collect(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::query_text;

    #[test]
    fn an_argument_with_spaces_is_a_phrase() {
        let q = |args: &[&str]| query_text(&args.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(q(&["access denied"]), "\"access denied\"");
        assert_eq!(q(&["access den*"]), "\"access den\"*");
        assert_eq!(q(&["KB-5034441", "print*"]), "KB-5034441 print*");
        assert_eq!(
            q(&["\"access denied\" printer"]),
            "\"access denied\" printer"
        );
    }
}

//! The demo data: the JSON in `assets/demo/` (written by `assets/demo/generate.py`),
//! embedded into the binary, plus the sessions whose times follow the server clock: the
//! live ones (`live.json`) and a history over the last 40 days for the session list
//! (`history.json`).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

const SESSIONS: &str = include_str!("../../assets/demo/sessions.json");
const TRANSCRIPTS: &str = include_str!("../../assets/demo/transcripts.json");
const LIVE: &str = include_str!("../../assets/demo/live.json");
const LINKS: &str = include_str!("../../assets/demo/links.json");
const HISTORY: &str = include_str!("../../assets/demo/history.json");

/// A growing transcript stops growing here, so a demo server left running for days
/// still answers with a bounded body.
const MAX_GROWN: u64 = 10_000;

/// A session whose times are offsets in seconds from the server start.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LiveSession {
    session: Map<String, Value>,
    started_at: Option<i64>,
    customer_joined_at: Option<i64>,
    ended_at: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LiveLine {
    #[serde(default)]
    offset: i64,
    participant_name: String,
    content: String,
}

/// A transcript with fixed lines before the server start and, for a growing one, one more
/// pool line for every `interval_secs` since.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LiveTranscript {
    session_id: String,
    #[serde(default)]
    interval_secs: u64,
    base: Vec<LiveLine>,
    #[serde(default)]
    pool: Vec<LiveLine>,
}

#[derive(Debug, Deserialize)]
struct LiveFile {
    sessions: Vec<LiveSession>,
    transcripts: HashMap<String, LiveTranscript>,
}

/// Everything the demo API serves, and the clock the live sessions follow.
#[derive(Debug)]
pub(crate) struct DemoData {
    fixed: Vec<Value>,
    transcripts: HashMap<String, Value>,
    live: Vec<LiveSession>,
    live_transcripts: HashMap<String, LiveTranscript>,
    links: Vec<Value>,
    /// Server start, whole seconds, so offsets give tidy timestamps.
    epoch: DateTime<Utc>,
    /// Server start as it was, so grown messages carry the time they appeared.
    now_at_start: DateTime<Utc>,
    started: Instant,
    /// `None`: each transcript's own `intervalSecs`.
    growth: Option<Duration>,
}

impl DemoData {
    /// Parses the embedded files. They are ours, but a broken regeneration should be an
    /// error the caller can report, not a panic inside the viewer.
    pub(crate) fn load(growth: Option<Duration>) -> std::io::Result<Self> {
        let now = Utc::now();
        let epoch = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let mut live: LiveFile = parse(LIVE, "live.json")?;
        let history: LiveFile = parse(HISTORY, "history.json")?;
        live.sessions.extend(history.sessions);
        live.transcripts.extend(history.transcripts);
        Ok(DemoData {
            fixed: parse(SESSIONS, "sessions.json")?,
            transcripts: parse(TRANSCRIPTS, "transcripts.json")?,
            live: live.sessions,
            live_transcripts: live.transcripts,
            links: parse(LINKS, "links.json")?,
            epoch,
            now_at_start: now,
            started: Instant::now(),
            growth: growth.map(|g| g.max(Duration::from_millis(1))),
        })
    }

    /// Every session, with the live ones' times computed now.
    pub(crate) fn sessions(&self) -> Vec<Value> {
        let live = self.live.iter().map(|l| self.live_session(l));
        self.fixed.iter().cloned().chain(live).collect()
    }

    pub(crate) fn session(&self, id: &str) -> Option<Value> {
        self.sessions()
            .into_iter()
            .find(|s| s.get("sessionId").and_then(Value::as_str) == Some(id))
    }

    /// `None` means the session has no chat transcript (the API's 404).
    pub(crate) fn transcript(&self, id: &str) -> Option<Value> {
        if let Some(t) = self.transcripts.get(id) {
            return Some(t.clone());
        }
        self.live_transcripts
            .get(id)
            .map(|t| self.live_transcript(id, t))
    }

    pub(crate) fn links(&self, domain: &str) -> Vec<Value> {
        self.links
            .iter()
            .filter(|l| {
                l.get("systemDomain")
                    .and_then(Value::as_str)
                    .is_some_and(|d| d.eq_ignore_ascii_case(domain))
            })
            .cloned()
            .collect()
    }

    fn at(&self, offset_secs: i64) -> String {
        stamp(self.epoch + TimeDelta::seconds(offset_secs))
    }

    fn live_session(&self, l: &LiveSession) -> Value {
        let mut s = l.session.clone();
        for (key, offset) in [
            ("startedAt", l.started_at),
            ("customerJoinedAt", l.customer_joined_at),
            ("endedAt", l.ended_at),
        ] {
            if let Some(o) = offset {
                s.insert(key.into(), Value::String(self.at(o)));
            }
        }
        Value::Object(s)
    }

    fn live_transcript(&self, id: &str, t: &LiveTranscript) -> Value {
        let mut events: Vec<Value> = t
            .base
            .iter()
            .map(|l| event(&self.at(l.offset), &l.participant_name, &l.content))
            .collect();
        let interval = self
            .growth
            .unwrap_or(Duration::from_secs(t.interval_secs.max(1)));
        if !t.pool.is_empty() {
            let grown =
                (self.started.elapsed().as_nanos() / interval.as_nanos()).min(MAX_GROWN.into());
            for k in 1..=grown {
                // `k` fits: it is at most MAX_GROWN.
                let k = u32::try_from(k).unwrap_or(u32::MAX);
                let line = &t.pool[(k as usize - 1) % t.pool.len()];
                let arrived = self.now_at_start + interval * k;
                events.push(event(
                    &stamp(arrived),
                    &line.participant_name,
                    &line.content,
                ));
            }
        }
        let session = self
            .live
            .iter()
            .find(|l| l.session.get("sessionId").and_then(Value::as_str) == Some(id));
        let start = session
            .and_then(|l| l.customer_joined_at.or(l.started_at))
            .map(|o| self.at(o));
        // A session still running has no endTime yet.
        let end = session.and_then(|l| l.ended_at).map(|o| self.at(o));
        let mut body = Map::new();
        body.insert("sessionId".into(), Value::String(t.session_id.clone()));
        if let Some(start) = start {
            body.insert("startTime".into(), Value::String(start));
        }
        if let Some(end) = end {
            body.insert("endTime".into(), Value::String(end));
        }
        body.insert("events".into(), Value::Array(events));
        Value::Object(body)
    }
}

fn event(time: &str, who: &str, content: &str) -> Value {
    json!({"timeStamp": time, "content": content, "participantName": who})
}

/// Seconds, or milliseconds when there are any, as the real API seems to send both.
fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn parse<T: serde::de::DeserializeOwned>(text: &str, name: &str) -> std::io::Result<T> {
    serde_json::from_str(text).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("bundled demo data assets/demo/{name} is broken: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_data_loads_and_is_consistent() {
        let data = DemoData::load(None).expect("embedded data parses");
        let sessions = data.sessions();
        assert!(sessions.len() >= 6);
        for s in &sessions {
            let id = s["sessionId"].as_str().expect("string ids");
            assert!(data.session(id).is_some());
        }
        let main = data
            .transcript(crate::demo::MAIN_SESSION)
            .expect("main transcript");
        let n = main["events"].as_array().map(Vec::len).unwrap_or(0);
        assert!((300..=450).contains(&n), "{n} events");
        assert!(data.transcript("482913711").is_none());
        assert_eq!(data.links(crate::demo::SYSTEM_DOMAIN).len(), 3);
    }

    #[test]
    fn history_spans_every_status_and_forty_days() {
        let data = DemoData::load(None).expect("loads");
        let now = data.epoch;
        let listed: Vec<Value> = data
            .sessions()
            .into_iter()
            .filter(|s| s["sessionType"] == "screen_sharing")
            .filter(|s| {
                s["startedAt"]
                    .as_str()
                    .and_then(crate::api::model::parse_time)
                    .is_some_and(|t| now - TimeDelta::days(40) <= t && t <= now)
            })
            .collect();
        assert!((15..=30).contains(&listed.len()), "{}", listed.len());
        for status in ["waiting", "active", "complete", "abandoned", "notStarted"] {
            assert!(
                listed.iter().any(|s| s["status"] == status),
                "no {status} session listed"
            );
        }
        let age = |s: &Value| {
            s["startedAt"]
                .as_str()
                .and_then(crate::api::model::parse_time)
                .map(|t| (now - t).num_days())
        };
        assert!(listed.iter().filter(|s| age(s) < Some(7)).count() >= 10);
        assert!(listed.iter().filter(|s| age(s) >= Some(8)).count() >= 5);
        // Ended sessions' transcripts say so; the phrases the search tests look for are there.
        let t = data.transcript("482913672").expect("history transcript");
        assert!(t["endTime"].is_string());
        let text = t.to_string();
        assert!(text.contains("KB-5034441") && text.contains("0x80070643"));
        let older = data.transcript("482913511").expect("older transcript");
        assert!(older.to_string().contains("0x80070005"));
        // The running one has no end yet.
        let running = data.transcript("482913748").expect("active transcript");
        assert!(running.get("endTime").is_none());
    }

    #[test]
    fn live_transcript_grows_with_the_clock() {
        let mut data = DemoData::load(Some(Duration::from_secs(4))).expect("loads");
        let count = |d: &DemoData| {
            d.transcript("482913700")
                .map(|t| t["events"].as_array().map(Vec::len))
        };
        let base = count(&data);
        data.started -= Duration::from_secs(41);
        let grown = count(&data);
        assert_eq!(grown.flatten(), base.flatten().map(|b| b + 10));
        let t = data.transcript("482913700").expect("live");
        assert!(t.get("endTime").is_none());
    }
}

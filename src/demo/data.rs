//! The demo data: the JSON in `assets/demo/` (written by `assets/demo/generate.py`),
//! embedded into the binary, plus the sessions whose times follow the server clock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{json, Map, Value};

const SESSIONS: &str = include_str!("../../assets/demo/sessions.json");
const TRANSCRIPTS: &str = include_str!("../../assets/demo/transcripts.json");
const LIVE: &str = include_str!("../../assets/demo/live.json");
const LINKS: &str = include_str!("../../assets/demo/links.json");

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

/// A transcript with fixed lines before the server start and one more pool line for
/// every `interval_secs` since.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct LiveTranscript {
    session_id: String,
    interval_secs: u64,
    base: Vec<LiveLine>,
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
        let live: LiveFile = parse(LIVE, "live.json")?;
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
        // The session is still running: no endTime yet.
        let start = self
            .live
            .iter()
            .find(|l| l.session.get("sessionId").and_then(Value::as_str) == Some(id))
            .and_then(|l| l.customer_joined_at.or(l.started_at))
            .map(|o| self.at(o));
        let mut body = Map::new();
        body.insert("sessionId".into(), Value::String(t.session_id.clone()));
        if let Some(start) = start {
            body.insert("startTime".into(), Value::String(start));
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

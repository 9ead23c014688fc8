//! What the API sends, decoded tolerantly.
//!
//! `../shared/api/NOTES.md` lists what is unconfirmed about these responses: ids come
//! as strings or numbers, the transcript may be an object or a bare array, links an
//! array, one object or a wrapped array. So bodies are read as `serde_json::Value`
//! and mapped field by field: a field of the wrong type or a timestamp that does not
//! parse keeps its raw text instead of failing the whole response. The raw value is
//! kept too, for `print --format json` ("as received"; a fetched transcript's body is
//! passed through as it streams instead, `print/passthrough.rs`): serde_json's
//! `arbitrary_precision` and `preserve_order` keep every number's digits and the
//! server's key order (issue 10), so a 30-digit id is shown as sent everywhere.

use chrono::{DateTime, NaiveDateTime, Utc};
use compact_str::CompactString;
use serde_json::{Map, Value};

/// A point in time as the server sent it. `at` is `None` when the text did not parse;
/// the raw text is then shown as it is. `raw` is held inline up to 24 bytes (every
/// ISO 8601 time with milliseconds and `Z`): a transcript holds one per message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    pub raw: CompactString,
    pub at: Option<DateTime<Utc>>,
}

impl Timestamp {
    pub fn parse(raw: &str) -> Self {
        Self::parse_owned(raw.into())
    }

    /// [`Timestamp::parse`] keeping `raw` (no copy: a transcript parses one per message).
    pub fn parse_owned(raw: CompactString) -> Self {
        let at = parse_time(&raw);
        Timestamp { raw, at }
    }
}

/// ISO 8601 with or without milliseconds and offset; no offset means UTC (NOTES.md).
pub fn parse_time(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Offsets written without a colon (+0200) or as a bare hour (+02).
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    None
}

/// Session status; an unknown value is kept and shown as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Waiting,
    Active,
    Complete,
    Abandoned,
    NotStarted,
    Other(String),
}

impl Status {
    pub fn parse(s: &str) -> Self {
        match s.trim().to_ascii_lowercase().as_str() {
            "waiting" => Status::Waiting,
            "active" => Status::Active,
            "complete" | "completed" => Status::Complete,
            "abandoned" => Status::Abandoned,
            "notstarted" | "not_started" | "not started" => Status::NotStarted,
            _ => Status::Other(s.to_string()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            Status::Waiting => "waiting",
            Status::Active => "active",
            Status::Complete => "complete",
            Status::Abandoned => "abandoned",
            Status::NotStarted => "not started",
            Status::Other(s) => s,
        }
    }
}

/// A technician who joined the session besides the expert. The element shape is not
/// documented, so whatever it holds is kept as `(label, value)` pairs as well.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Collaborator {
    pub name: Option<String>,
    pub email: Option<String>,
    /// Other fields, or the whole value when it is not an object.
    pub other: Vec<(String, String)>,
}

impl Collaborator {
    fn from_value(v: &Value) -> Self {
        match v {
            Value::Object(m) => {
                let name = first_str(m, &["name", "expertName", "displayName", "fullName"]);
                let email = first_str(m, &["email", "expertEmail", "emailAddress"]);
                let mut other = Vec::new();
                for (k, v) in m {
                    let used = [
                        "name",
                        "expertName",
                        "displayName",
                        "fullName",
                        "email",
                        "expertEmail",
                        "emailAddress",
                    ];
                    if used.contains(&k.as_str()) || v.is_null() {
                        continue;
                    }
                    other.push((k.clone(), scalar_text(v)));
                }
                let name = name.or_else(|| {
                    // Some clients send first/last names separately.
                    let first = str_field(m, "firstName");
                    let last = str_field(m, "lastName");
                    match (first, last) {
                        (Some(f), Some(l)) => Some(format!("{f} {l}")),
                        (f, l) => f.or(l),
                    }
                });
                Collaborator { name, email, other }
            }
            Value::Null => Collaborator::default(),
            other => Collaborator {
                name: Some(scalar_text(other)),
                ..Default::default()
            },
        }
    }

    /// "Name <email>" or whichever part is known.
    pub fn display(&self) -> String {
        person(self.name.as_deref(), self.email.as_deref()).unwrap_or_else(|| {
            self.other
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }
}

/// "Name <email>", or whichever part is known. Unsanitised: callers sanitise for output.
pub fn person(name: Option<&str>, email: Option<&str>) -> Option<String> {
    match (name, email) {
        (Some(n), Some(e)) => Some(format!("{n} <{e}>")),
        (Some(n), None) => Some(n.to_string()),
        (None, Some(e)) => Some(e.to_string()),
        (None, None) => None,
    }
}

/// `GET /sessions/{id}`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Session {
    pub session_id: Option<String>,
    pub session_type: Option<String>,
    pub status: Option<Status>,
    pub account_key: Option<String>,
    pub account_name: Option<String>,
    pub expert_name: Option<String>,
    pub expert_email: Option<String>,
    pub expert_user_key: Option<String>,
    pub partner_object: Option<String>,
    pub partner_object_url: Option<String>,
    pub customer_join_url: Option<String>,
    pub started_at: Option<Timestamp>,
    pub customer_joined_at: Option<Timestamp>,
    pub ended_at: Option<Timestamp>,
    pub unattended_machine_name: Option<String>,
    pub unattended_machine_uuid: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub notes: Option<String>,
    pub session_recording_url: Option<String>,
    pub collaborators: Vec<Collaborator>,
    /// The body as received, for JSON output.
    pub raw: Value,
}

impl Session {
    /// Maps a decoded body. Fails only when the body is not a JSON object at all.
    pub fn from_value(raw: Value) -> Result<Self, String> {
        let m = match &raw {
            Value::Object(m) => m,
            // Some gateways wrap single objects in a one-element array.
            Value::Array(a) if a.len() == 1 && a[0].is_object() => {
                return Session::from_value(a[0].clone()).map(|mut s| {
                    s.raw = raw;
                    s
                });
            }
            other => return Err(format!("expected a session object, got {}", kind(other))),
        };
        let collaborators = match m.get("collaborators") {
            Some(Value::Array(a)) => a.iter().map(Collaborator::from_value).collect(),
            Some(Value::Null) | None => Vec::new(),
            Some(other) => vec![Collaborator::from_value(other)],
        };
        Ok(Session {
            session_id: str_field(m, "sessionId"),
            session_type: str_field(m, "sessionType"),
            status: str_field(m, "status").map(|s| Status::parse(&s)),
            account_key: str_field(m, "accountKey"),
            account_name: str_field(m, "accountName"),
            expert_name: str_field(m, "expertName"),
            expert_email: str_field(m, "expertEmail"),
            expert_user_key: str_field(m, "expertUserKey"),
            partner_object: str_field(m, "partnerObject"),
            partner_object_url: str_field(m, "partnerObjectUrl"),
            customer_join_url: str_field(m, "customerJoinUrl"),
            started_at: time_field(m, "startedAt"),
            customer_joined_at: time_field(m, "customerJoinedAt"),
            ended_at: time_field(m, "endedAt"),
            unattended_machine_name: str_field(m, "unattendedMachineName"),
            unattended_machine_uuid: str_field(m, "unattendedMachineUuid"),
            customer_name: str_field(m, "customerName"),
            customer_email: str_field(m, "customerEmail"),
            notes: str_field(m, "notes"),
            session_recording_url: str_field(m, "sessionRecordingUrl"),
            collaborators,
            raw,
        })
    }

    /// Unattended sessions are another `sessionType`; compare case-insensitively.
    pub fn is_unattended(&self) -> bool {
        self.session_type
            .as_deref()
            .is_some_and(|t| t.to_ascii_lowercase().contains("unattended"))
            || self.unattended_machine_name.is_some()
    }

    pub fn expert(&self) -> Option<String> {
        person(self.expert_name.as_deref(), self.expert_email.as_deref())
    }

    pub fn customer(&self) -> Option<String> {
        person(
            self.customer_name.as_deref(),
            self.customer_email.as_deref(),
        )
    }

    /// The unattended machine as "name (uuid)", or whichever part is known.
    pub fn machine(&self) -> Option<String> {
        match (&self.unattended_machine_name, &self.unattended_machine_uuid) {
            (Some(n), Some(u)) => Some(format!("{n} ({u})")),
            (Some(x), None) | (None, Some(x)) => Some(x.clone()),
            (None, None) => None,
        }
    }

    /// Names of the technicians: the expert and every collaborator with a name or email.
    pub fn technician_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.expert_name.iter().cloned().collect();
        for c in &self.collaborators {
            names.extend(c.name.iter().cloned());
            names.extend(c.email.iter().cloned());
        }
        names.extend(self.expert_email.iter().cloned());
        names
    }
}

/// One transcript line: a chat message, or a line such as an expert joining. The
/// participant is held inline up to 24 bytes (most names): a million events decode
/// without a million copies of the same few names on the heap.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub time: Option<Timestamp>,
    pub participant: Option<CompactString>,
    pub content: String,
}

/// Why a transcript is empty, when the server told us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriptAbsence {
    /// 404 on `/events`: normal for sessions without web chat.
    NoTranscript,
}

/// `GET /sessions/{id}/events`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Transcript {
    pub session_id: Option<String>,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
    pub events: Vec<Event>,
    pub absence: Option<TranscriptAbsence>,
    pub raw: Value,
}

impl Transcript {
    pub fn none_for_session() -> Self {
        Transcript {
            absence: Some(TranscriptAbsence::NoTranscript),
            ..Default::default()
        }
    }

    pub fn from_value(raw: Value) -> Result<Self, String> {
        let mut t = Transcript::default();
        let events: &[Value] = match &raw {
            Value::Array(a) => a,
            Value::Object(m) => {
                t.session_id = str_field(m, "sessionId");
                t.start_time = time_field(m, "startTime");
                t.end_time = time_field(m, "endTime");
                match find_event_array(m) {
                    Some(a) => a,
                    // A lone event object: treat it as a one-message transcript.
                    None if looks_like_event(m) => std::slice::from_ref(&raw),
                    None => &[],
                }
            }
            Value::Null => &[],
            other => {
                return Err(format!(
                    "expected a transcript object or array, got {}",
                    kind(other)
                ))
            }
        };
        // Objects with none of the event fields (`{}`) carry nothing to show.
        t.events = events
            .iter()
            .filter(|e| e.as_object().is_some_and(looks_like_event))
            .filter_map(Event::from_value)
            .collect();
        t.raw = raw;
        Ok(t)
    }
}

impl Event {
    pub(crate) fn from_value(v: &Value) -> Option<Self> {
        let m = v.as_object()?;
        Some(Event {
            time: time_field(m, "timeStamp")
                .or_else(|| time_field(m, "timestamp"))
                .or_else(|| time_field(m, "time")),
            participant: str_field(m, "participantName")
                .or_else(|| str_field(m, "participant"))
                .map(CompactString::from),
            content: str_field(m, "content")
                .or_else(|| str_field(m, "message"))
                .unwrap_or_default(),
        })
    }
}

/// The documented event keys, and the spellings `Event::from_value` also accepts.
pub(crate) const EVENT_KEYS: [&str; 7] = [
    "timeStamp",
    "content",
    "participantName",
    "timestamp",
    "time",
    "message",
    "participant",
];

pub(crate) fn looks_like_event(m: &Map<String, Value>) -> bool {
    EVENT_KEYS.iter().any(|k| m.contains_key(*k))
}

/// The events array: under `events` if present, else the first array of event-shaped
/// objects under any key (the nesting is undocumented).
fn find_event_array(m: &Map<String, Value>) -> Option<&[Value]> {
    if let Some(Value::Array(a)) = m.get("events") {
        return Some(a);
    }
    m.values().find_map(|v| match v {
        Value::Array(a)
            if a.iter()
                .any(|e| e.as_object().is_some_and(looks_like_event)) =>
        {
            Some(a.as_slice())
        }
        _ => None,
    })
}

/// Which callbacks a partner link supports, when the server says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SupportedCallbacks {
    pub create_object: Option<bool>,
    pub search_objects: Option<bool>,
    pub associate_object: Option<bool>,
}

/// One partner-system link. `user_token` is a secret of the partner system.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SystemLink {
    pub system_name: Option<String>,
    pub system_domain: Option<String>,
    pub user_email: Option<String>,
    pub user_token: Option<String>,
    pub callback_url: Option<String>,
    pub supported_callbacks: Option<SupportedCallbacks>,
}

impl SystemLink {
    fn from_map(m: &Map<String, Value>) -> Self {
        let supported_callbacks = m
            .get("supportedCallbacks")
            .and_then(Value::as_object)
            .map(|c| SupportedCallbacks {
                create_object: bool_field(c, "createObject"),
                search_objects: bool_field(c, "searchObjects"),
                associate_object: bool_field(c, "associateObject"),
            });
        SystemLink {
            system_name: str_field(m, "systemName"),
            system_domain: str_field(m, "systemDomain"),
            user_email: str_field(m, "userEmail"),
            user_token: str_field(m, "userToken"),
            callback_url: first_str(m, &["callbackURL", "callbackUrl", "callbackurl"]),
            supported_callbacks,
        }
    }
}

/// `GET /systemLinks?systemDomain=`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SystemLinks {
    pub links: Vec<SystemLink>,
    pub raw: Value,
}

impl SystemLinks {
    pub fn from_value(raw: Value) -> Result<Self, String> {
        let links = match &raw {
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_object)
                .map(SystemLink::from_map)
                .collect(),
            Value::Object(m) if looks_like_link(m) => vec![SystemLink::from_map(m)],
            // Keys come in the server's order, so prefer the array that holds link-shaped
            // objects over, say, an empty `errors` array before `systemLinks`.
            Value::Object(m) => m
                .values()
                .filter_map(Value::as_array)
                .find(|a| a.iter().any(|v| v.as_object().is_some_and(looks_like_link)))
                .or_else(|| m.values().find_map(Value::as_array))
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_object)
                        .map(SystemLink::from_map)
                        .collect()
                })
                .unwrap_or_default(),
            Value::Null => Vec::new(),
            other => return Err(format!("expected partner links, got {}", kind(other))),
        };
        Ok(SystemLinks { links, raw })
    }
}

fn looks_like_link(m: &Map<String, Value>) -> bool {
    [
        "systemName",
        "systemDomain",
        "userEmail",
        "userToken",
        "callbackURL",
        "callbackUrl",
    ]
    .iter()
    .any(|k| m.contains_key(*k))
}

/// `GET /sessions?sessionType=…&fromTime=…&toTime=…`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SessionList {
    pub total: Option<u64>,
    pub sessions: Vec<Session>,
}

impl SessionList {
    pub fn from_value(raw: Value) -> Result<Self, String> {
        let (total, items) = match &raw {
            Value::Object(m) => (
                m.get("totalNumSessions").and_then(|v| match v {
                    Value::Number(n) => n.as_u64(),
                    Value::String(s) => s.trim().parse().ok(),
                    _ => None,
                }),
                m.get("sessions")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default(),
            ),
            Value::Array(a) => (None, a.clone()),
            other => return Err(format!("expected a session list, got {}", kind(other))),
        };
        let sessions = items
            .into_iter()
            .filter_map(|v| Session::from_value(v).ok())
            .collect();
        Ok(SessionList { total, sessions })
    }
}

/// A field as text whatever its JSON type; `None` when missing, null or empty.
pub(crate) fn str_field(m: &Map<String, Value>, key: &str) -> Option<String> {
    match m.get(key)? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        v => Some(scalar_text(v)),
    }
}

fn first_str(m: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| str_field(m, k))
}

pub(crate) fn time_field(m: &Map<String, Value>, key: &str) -> Option<Timestamp> {
    str_field(m, key).map(|s| Timestamp::parse(&s))
}

fn bool_field(m: &Map<String, Value>, key: &str) -> Option<bool> {
    match m.get(key)? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_in_every_plausible_form() {
        let z = parse_time("2021-04-30T06:00:00Z").unwrap();
        assert_eq!(parse_time("2021-04-30T06:00:00.000Z"), Some(z));
        assert_eq!(parse_time("2021-04-30T08:00:00+02:00"), Some(z));
        assert_eq!(parse_time("2021-04-30T08:00:00+0200"), Some(z));
        assert_eq!(parse_time("2021-04-30T06:00:00"), Some(z));
        assert_eq!(
            parse_time("2021-04-30T06:00:00.250"),
            Some(z + chrono::Duration::milliseconds(250))
        );
        assert_eq!(parse_time("yesterday"), None);
    }

    /// Times at the ends of chrono's calendar parse, and times whose offset takes them
    /// past it are kept as text, without a panic either way.
    #[test]
    fn calendar_edge_times() {
        let last = parse_time("+262142-12-31T23:59:59Z").map(|t| t.naive_utc().to_string());
        assert_eq!(last.as_deref(), Some("+262142-12-31 23:59:59"));
        let first = parse_time("-262143-01-01T00:00:00Z").map(|t| t.naive_utc().to_string());
        assert_eq!(first.as_deref(), Some("-262143-01-01 00:00:00"));
        assert_eq!(parse_time("+262142-12-31T23:59:59-05:00"), None);
        assert_eq!(parse_time("-262143-01-01T00:00:00+05:00"), None);
        assert_eq!(parse_time("+262143-01-01T00:00:00Z"), None);
        let ts = Timestamp::parse("+262142-12-31T23:59:59-05:00");
        assert_eq!(
            (ts.raw.as_str(), ts.at),
            ("+262142-12-31T23:59:59-05:00", None)
        );
    }

    #[test]
    fn events_under_any_key_with_any_accepted_spelling() {
        let t = Transcript::from_value(json!({
            "sessionId": "1",
            "messages": [{"message": "hi", "participant": "A", "timestamp": "2021-04-30T06:00:00Z"}, {}]
        }))
        .unwrap();
        assert_eq!(t.events.len(), 1, "the empty object is dropped");
        assert_eq!(t.events[0].content, "hi");
        assert_eq!(t.events[0].participant.as_deref(), Some("A"));
    }

    #[test]
    fn ids_as_numbers_and_bad_fields_kept() {
        let s = Session::from_value(json!({
            "sessionId": 12345, "partnerObject": 77, "status": "notStarted",
            "startedAt": "not a time", "notes": null, "collaborators": [{"name": "A", "email": "a@x"}, "B"]
        }))
        .unwrap();
        assert_eq!(s.session_id.as_deref(), Some("12345"));
        assert_eq!(s.partner_object.as_deref(), Some("77"));
        assert_eq!(s.status, Some(Status::NotStarted));
        let started = s.started_at.unwrap();
        assert_eq!((started.raw.as_str(), started.at), ("not a time", None));
        assert_eq!(s.notes, None);
        assert_eq!(s.collaborators[0].display(), "A <a@x>");
        assert_eq!(s.collaborators[1].display(), "B");
    }
}

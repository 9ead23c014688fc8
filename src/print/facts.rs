//! The human-readable content of a report, sanitised and labelled, shared by the text
//! and markdown writers: they only decide layout and escaping.

use chrono::{DateTime, NaiveDate, Utc};

use super::{LinksOutcome, PrintOptions, Report, MASK};
use crate::api::model::{SupportedCallbacks, TranscriptAbsence};
use crate::api::{ApiError, Event, Session, SystemLink};
use crate::sanitize::{sanitize, sanitize_line};
use crate::timefmt::{milestones, Moment, Zone};

/// A value ready to show: every string in it has been through the sanitiser.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// One line of plain text.
    Text(String),
    /// One line that is a link target; markdown may make it clickable.
    Url(String),
    /// Several one-line items, shown one per line.
    List(Vec<String>),
    /// Free text whose line breaks matter (notes).
    Block(String),
    /// A secret or its mask, to be shown verbatim (markdown uses a code span).
    Secret(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub label: &'static str,
    pub value: Value,
}

fn line(s: &str) -> String {
    sanitize_line(s).into_owned()
}

fn block(s: &str) -> String {
    // A lone CR is dropped by the sanitiser, which keeps CRLF text to one break per line.
    sanitize(s).into_owned()
}

fn text(label: &'static str, v: Option<String>) -> Option<Fact> {
    v.map(|v| Fact {
        label,
        value: Value::Text(v),
    })
}

/// The heading id: sanitised, or a placeholder so a heading is never empty.
pub fn session_id(s: &Session) -> String {
    s.session_id
        .as_deref()
        .map(line)
        .unwrap_or_else(|| "(no id)".to_string())
}

/// Times with how long each step took, so nobody has to subtract timestamps by hand.
fn timing(s: &Session, zone: Zone, now: DateTime<Utc>) -> Vec<Fact> {
    milestones(s, zone, now)
        .into_iter()
        .map(|m| Fact {
            label: match m.moment {
                Moment::Started => "Started",
                Moment::CustomerJoined => "Customer joined",
                Moment::Ended => "Ended",
            },
            value: Value::Text(match m.span {
                Some(span) => format!("{} ({span})", m.at),
                None => m.at,
            }),
        })
        .collect()
}

/// Everything known about the session, in reading order; missing fields are left out.
pub fn session(s: &Session, zone: Zone, now: DateTime<Utc>) -> Vec<Fact> {
    let mut out: Vec<Fact> = Vec::new();
    out.extend(text("Type", s.session_type.as_deref().map(line)));
    out.extend(text("Status", s.status.as_ref().map(|st| line(st.label()))));
    out.extend(text("Expert", s.expert().map(|p| line(&p))));
    let collaborators: Vec<String> = s
        .collaborators
        .iter()
        .map(|c| line(&c.display()))
        .filter(|c| !c.is_empty())
        .collect();
    if !collaborators.is_empty() {
        out.push(Fact {
            label: "Collaborators",
            value: Value::List(collaborators),
        });
    }
    out.extend(text("Customer", s.customer().map(|p| line(&p))));
    out.extend(text("Machine", s.machine().map(|m| line(&m))));
    out.extend(text("Account", s.account_name.as_deref().map(line)));
    out.extend(timing(s, zone, now));
    out.extend(text(
        "Partner object",
        s.partner_object.as_deref().map(line),
    ));
    let urls = [
        ("Partner object URL", &s.partner_object_url),
        ("Join URL", &s.customer_join_url),
        ("Recording URL", &s.session_recording_url),
    ];
    for (label, url) in urls {
        if let Some(u) = url {
            out.push(Fact {
                label,
                value: Value::Url(line(u)),
            });
        }
    }
    if let Some(n) = &s.notes {
        let notes = block(n);
        if !notes.trim().is_empty() {
            out.push(Fact {
                label: "Notes",
                value: Value::Block(notes.trim_end().to_string()),
            });
        }
    }
    out
}

/// One transcript entry ready for layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Set on the first message of each calendar day (in the chosen zone).
    pub new_day: Option<String>,
    /// `HH:MM:SS`, the raw text when it did not parse, `--:--:--` when missing.
    pub time: String,
    pub participant: Option<String>,
    /// Sanitised; line breaks kept, trailing ones dropped.
    pub content: String,
}

pub fn messages(events: &[Event], zone: Zone) -> Vec<Message> {
    let mut day: Option<NaiveDate> = None;
    events
        .iter()
        .map(|e| {
            let at = e.time.as_ref().and_then(|t| t.at);
            let new_day = at.and_then(|t| {
                let d = zone.day(t);
                (day != Some(d)).then(|| {
                    day = Some(d);
                    zone.date(t)
                })
            });
            let time = match (&e.time, at) {
                (_, Some(t)) => zone.time(t),
                (Some(ts), None) => line(&ts.raw),
                (None, None) => "--:--:--".to_string(),
            };
            Message {
                new_day,
                time,
                participant: e.participant.as_deref().map(line),
                content: block(&e.content).trim_end().to_string(),
            }
        })
        .collect()
}

/// What the transcript section says.
pub enum TranscriptView {
    Messages(Vec<Message>),
    /// The server said there is none (404), which is normal.
    Absent,
    Empty,
    Failed(Problem),
}

/// An error as shown to a person: sanitised message and hint.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub fn new(e: &ApiError) -> Self {
        Problem {
            message: line(&e.to_string()),
            hint: e.hint().map(|h| line(&h)),
        }
    }
}

pub fn transcript(report: &Report, zone: Zone) -> TranscriptView {
    match &report.transcript {
        Err(e) => TranscriptView::Failed(Problem::new(e)),
        Ok(t) if t.absence == Some(TranscriptAbsence::NoTranscript) => TranscriptView::Absent,
        Ok(t) if t.events.is_empty() => TranscriptView::Empty,
        Ok(t) => TranscriptView::Messages(messages(&t.events, zone)),
    }
}

pub const NO_TRANSCRIPT: &str = "No chat transcript for this session.";
pub const EMPTY_TRANSCRIPT: &str = "The chat transcript is empty.";

/// One partner link: a title and its fields.
pub struct Link {
    pub title: String,
    pub facts: Vec<Fact>,
}

fn callbacks(c: &SupportedCallbacks) -> Option<String> {
    let known: Vec<String> = [
        ("createObject", c.create_object),
        ("searchObjects", c.search_objects),
        ("associateObject", c.associate_object),
    ]
    .iter()
    .filter_map(|(name, v)| v.map(|v| format!("{name}: {}", if v { "yes" } else { "no" })))
    .collect();
    (!known.is_empty()).then(|| known.join(", "))
}

pub fn link(l: &SystemLink, reveal_secrets: bool) -> Link {
    let mut facts = Vec::new();
    facts.extend(text("Domain", l.system_domain.as_deref().map(line)));
    facts.extend(text("User", l.user_email.as_deref().map(line)));
    if let Some(u) = &l.callback_url {
        facts.push(Fact {
            label: "Callback URL",
            value: Value::Url(line(u)),
        });
    }
    facts.extend(text(
        "Callbacks",
        l.supported_callbacks.as_ref().and_then(callbacks),
    ));
    let token = l.user_token.as_deref().map(|t| {
        if reveal_secrets {
            line(t)
        } else {
            MASK.to_string()
        }
    });
    if let Some(t) = token {
        facts.push(Fact {
            label: "User token",
            value: Value::Secret(t),
        });
    }
    Link {
        title: l
            .system_name
            .as_deref()
            .map(line)
            .unwrap_or_else(|| "(unnamed system)".to_string()),
        facts,
    }
}

/// What the partner-links section says.
pub enum LinksView {
    NoDomain,
    Empty { domain: String },
    Links { domain: String, links: Vec<Link> },
    Failed { domain: String, problem: Problem },
}

pub fn links(report: &Report, opts: &PrintOptions) -> LinksView {
    match &report.links {
        LinksOutcome::NoDomain => LinksView::NoDomain,
        LinksOutcome::Loaded { domain, links } if links.links.is_empty() => LinksView::Empty {
            domain: line(domain),
        },
        LinksOutcome::Loaded { domain, links } => LinksView::Links {
            domain: line(domain),
            links: links
                .links
                .iter()
                .map(|l| link(l, opts.reveal_secrets))
                .collect(),
        },
        LinksOutcome::Failed { domain, error } => LinksView::Failed {
            domain: line(domain),
            problem: Problem::new(error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Timestamp;
    use serde_json::json;

    fn t(s: &str) -> DateTime<Utc> {
        crate::api::model::parse_time(s).unwrap_or_default()
    }

    #[test]
    fn waits_and_lengths_are_worked_out() {
        let s = Session::from_value(json!({
            "status": "complete",
            "startedAt": "2024-03-05T14:00:00Z",
            "customerJoinedAt": "2024-03-05T14:02:13Z",
            "endedAt": "2024-03-05T14:47:05Z"
        }))
        .unwrap_or_default();
        let facts = session(&s, Zone::Utc, t("2024-03-06T00:00:00Z"));
        let joined = facts.iter().find(|f| f.label == "Customer joined");
        assert_eq!(
            joined.map(|f| &f.value),
            Some(&Value::Text(
                "2024-03-05 14:02:13 UTC (customer waited 2m 13s)".into()
            ))
        );
        let ended = facts.iter().find(|f| f.label == "Ended");
        assert_eq!(
            ended.map(|f| &f.value),
            Some(&Value::Text(
                "2024-03-05 14:47:05 UTC (lasted 47m 05s)".into()
            ))
        );
    }

    #[test]
    fn running_only_while_active_without_end() {
        let active = Session::from_value(json!({
            "status": "active", "startedAt": "2024-03-05T14:00:00Z"
        }))
        .unwrap_or_default();
        let facts = session(&active, Zone::Utc, t("2024-03-05T14:12:03Z"));
        assert_eq!(
            facts[1].value,
            Value::Text("2024-03-05 14:00:00 UTC (running for 12m 03s)".into())
        );
        let abandoned = Session::from_value(json!({
            "status": "abandoned", "startedAt": "2024-03-05T14:00:00Z"
        }))
        .unwrap_or_default();
        let facts = session(&abandoned, Zone::Utc, t("2024-03-05T14:12:03Z"));
        assert_eq!(
            facts[1].value,
            Value::Text("2024-03-05 14:00:00 UTC".into())
        );
    }

    #[test]
    fn date_marked_once_per_day() {
        let ev = |ts: &str| Event {
            time: Some(Timestamp::parse(ts)),
            participant: None,
            content: "x".into(),
        };
        let msgs = messages(
            &[
                ev("2024-03-05T23:59:00Z"),
                ev("2024-03-05T23:59:30Z"),
                ev("garbage"),
                ev("2024-03-06T00:00:10Z"),
            ],
            Zone::Utc,
        );
        let days: Vec<_> = msgs.iter().map(|m| m.new_day.as_deref()).collect();
        assert_eq!(
            days,
            [Some("2024-03-05 Tue"), None, None, Some("2024-03-06 Wed")]
        );
        assert_eq!(msgs[2].time, "garbage");
    }
}

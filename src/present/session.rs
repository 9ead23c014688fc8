//! The session's fields in reading order, with humanised status and type and the
//! spans between its moments.

use chrono::{DateTime, Utc};

use super::{block, label, line, text_field, url_field, Field, Role, StatusKind, Value};
use crate::api::{Session, Status};
use crate::timefmt::{milestones, Moment, Zone};

/// Shown as the id when the session carries none, so a heading is never empty.
pub const NO_ID: &str = "(no id)";

/// The session's id for a heading: sanitised, else `fallback` (the id that was asked
/// for), else [`NO_ID`].
pub fn session_id(s: &Session, fallback: Option<&str>) -> String {
    s.session_id
        .as_deref()
        .or(fallback)
        .map(line)
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| NO_ID.to_string())
}

/// The status in words: "waiting", "active", "complete", "abandoned", "not started",
/// an unknown value as sent (sanitised), "unknown" when there is none.
pub fn status_text(status: Option<&Status>) -> String {
    status.map_or_else(|| "unknown".to_string(), |s| line(s.label()))
}

/// The session type in words: `screen_sharing` in any case is "screen sharing", any
/// type naming unattended access is "unattended", anything else as sent (sanitised).
pub fn session_type(raw: &str) -> String {
    let t = line(raw);
    let lower = t.to_lowercase();
    if lower == "screen_sharing" {
        "screen sharing".to_string()
    } else if lower.contains("unattended") {
        "unattended".to_string()
    } else {
        t
    }
}

/// Started, customer joined and ended, each with the span a technician asks about
/// (from [`crate::timefmt::milestones`]): "running for", "customer waited", "lasted".
fn times(s: &Session, zone: Zone, now: DateTime<Utc>) -> Vec<Field> {
    milestones(s, zone, now)
        .into_iter()
        .map(|m| {
            let label = match m.moment {
                Moment::Started => label::STARTED,
                Moment::CustomerJoined => label::CUSTOMER_JOINED,
                Moment::Ended => label::ENDED,
            };
            Field::new(
                label,
                Value::Time {
                    at: m.at,
                    span: m.span,
                },
                Role::Plain,
            )
        })
        .collect()
}

/// Everything known about the session, in this order (missing fields are left out):
/// Status, Type, Expert, Collaborators, Customer, Machine, Account, Started,
/// Customer joined, Ended, Ticket, Ticket URL, Join URL, Recording, Notes.
///
/// `now` is the clock for the "running for" span of a live session.
pub fn fields(s: &Session, zone: Zone, now: DateTime<Utc>) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    if let Some(st) = &s.status {
        out.push(Field::new(
            label::STATUS,
            Value::Text(status_text(Some(st))),
            Role::Status(StatusKind::of(Some(st))),
        ));
    }
    if let Some(t) = s.session_type.as_deref().map(session_type) {
        if !t.is_empty() {
            out.push(Field::new(label::TYPE, Value::Text(t), Role::Dim));
        }
    }
    out.extend(text_field(
        label::EXPERT,
        s.expert().as_deref(),
        Role::Technician,
    ));
    let collaborators: Vec<String> = s
        .collaborators
        .iter()
        .map(|c| line(&c.display()))
        .filter(|c| !c.is_empty())
        .collect();
    if !collaborators.is_empty() {
        out.push(Field::new(
            label::COLLABORATORS,
            Value::List(collaborators),
            Role::Technician,
        ));
    }
    out.extend(text_field(
        label::CUSTOMER,
        s.customer().as_deref(),
        Role::Customer,
    ));
    out.extend(text_field(
        label::MACHINE,
        s.machine().as_deref(),
        Role::Plain,
    ));
    out.extend(text_field(
        label::ACCOUNT,
        s.account_name.as_deref(),
        Role::Plain,
    ));
    out.extend(times(s, zone, now));
    out.extend(text_field(
        label::TICKET,
        s.partner_object.as_deref(),
        Role::Plain,
    ));
    let urls = [
        (label::TICKET_URL, &s.partner_object_url),
        (label::JOIN_URL, &s.customer_join_url),
        (label::RECORDING, &s.session_recording_url),
    ];
    for (label, url) in urls {
        if let Some(u) = url.as_deref().filter(|u| !u.trim().is_empty()) {
            out.push(url_field(label, u));
        }
    }
    if let Some(n) = &s.notes {
        let notes = block(n);
        if !notes.trim().is_empty() {
            out.push(Field::new(label::NOTES, Value::Block(notes), Role::Plain));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::present::find;
    use crate::sanitize::is_unsafe;
    use serde_json::json;

    fn t(s: &str) -> DateTime<Utc> {
        crate::api::model::parse_time(s).unwrap_or_default()
    }

    fn session(v: serde_json::Value) -> Session {
        Session::from_value(v).unwrap_or_default()
    }

    fn full() -> Session {
        session(json!({
            "sessionId": 4815162342u64,
            "sessionType": "screen_sharing",
            "status": "complete",
            "expertName": "Jane Doe",
            "expertEmail": "jane@example.com",
            "partnerObject": 5521,
            "partnerObjectUrl": "https://crm.example.com/cases/5521",
            "customerJoinUrl": "https://www.fastsupport.com/4815162342",
            "startedAt": "2024-03-05T14:00:00Z",
            "customerJoinedAt": "2024-03-05T14:02:13Z",
            "endedAt": "2024-03-05T14:47:05Z",
            "unattendedMachineName": "PC",
            "accountName": "Example GmbH",
            "customerName": "Max",
            "notes": "line one\n\nline three\n\n",
            "sessionRecordingUrl": "https://rec.example.com/r/1",
            "collaborators": [{"name": "Bob"}, {"email": "li@example.com"}]
        }))
    }

    #[test]
    fn labels_in_reading_order() {
        let f = fields(&full(), Zone::Utc, t("2024-03-06T00:00:00Z"));
        let labels: Vec<&str> = f.iter().map(|f| f.label).collect();
        assert_eq!(
            labels,
            [
                "Status",
                "Type",
                "Expert",
                "Collaborators",
                "Customer",
                "Machine",
                "Account",
                "Started",
                "Customer joined",
                "Ended",
                "Ticket",
                "Ticket URL",
                "Join URL",
                "Recording",
                "Notes"
            ]
        );
        let roles: Vec<Role> = f.iter().map(|f| f.role).collect();
        assert_eq!(
            roles,
            [
                Role::Status(StatusKind::Complete),
                Role::Dim,
                Role::Technician,
                Role::Technician,
                Role::Customer,
                Role::Plain,
                Role::Plain,
                Role::Plain,
                Role::Plain,
                Role::Plain,
                Role::Plain,
                Role::Link,
                Role::Link,
                Role::Link,
                Role::Plain,
            ]
        );
        assert_eq!(
            find(&f, label::COLLABORATORS).map(|f| &f.value),
            Some(&Value::List(vec!["Bob".into(), "li@example.com".into()]))
        );
        assert_eq!(
            find(&f, label::NOTES).map(|f| &f.value),
            Some(&Value::Block("line one\n\nline three".into()))
        );
        assert_eq!(
            find(&f, label::TICKET).map(|f| &f.value),
            Some(&Value::Text("5521".into()))
        );
    }

    #[test]
    fn an_empty_session_has_no_fields() {
        let f = fields(&Session::default(), Zone::Utc, t("2024-03-06T00:00:00Z"));
        assert!(f.is_empty(), "{f:?}");
        assert_eq!(session_id(&Session::default(), None), NO_ID);
        assert_eq!(session_id(&Session::default(), Some("42")), "42");
        assert_eq!(session_id(&full(), Some("42")), "4815162342");
    }

    #[test]
    fn status_in_words() {
        let words: Vec<String> = [
            "waiting",
            "active",
            "complete",
            "abandoned",
            "notStarted",
            "Paused",
        ]
        .iter()
        .map(|s| status_text(Some(&Status::parse(s))))
        .collect();
        assert_eq!(
            words,
            [
                "waiting",
                "active",
                "complete",
                "abandoned",
                "not started",
                "Paused"
            ]
        );
        assert_eq!(status_text(None), "unknown");
        let hostile = status_text(Some(&Status::parse("\u{1b}[2Jodd\u{202e}")));
        assert!(!hostile.chars().any(is_unsafe), "{hostile:?}");
        assert!(hostile.contains("odd"));
    }

    #[test]
    fn type_in_words() {
        assert_eq!(session_type("screen_sharing"), "screen sharing");
        assert_eq!(session_type("SCREEN_SHARING"), "screen sharing");
        assert_eq!(session_type(" Screen_Sharing "), "screen sharing");
        assert_eq!(session_type("unattended"), "unattended");
        assert_eq!(session_type("UNATTENDED_ACCESS"), "unattended");
        assert_eq!(session_type("remote_view"), "remote_view");
        let hostile = session_type("\u{1b}]0;x\u{7}kiosk");
        assert!(!hostile.chars().any(is_unsafe), "{hostile:?}");
    }

    #[test]
    fn a_url_of_another_scheme_is_plain_text() {
        let s = session(json!({
            "partnerObjectUrl": "javascript:alert(1)",
            "customerJoinUrl": "HTTPS://JOIN.EXAMPLE/1",
            "sessionRecordingUrl": "data:text/html,x"
        }));
        let f = fields(&s, Zone::Utc, t("2024-03-06T00:00:00Z"));
        let got: Vec<(&str, Role, &Value)> =
            f.iter().map(|f| (f.label, f.role, &f.value)).collect();
        assert_eq!(
            got,
            [
                (
                    "Ticket URL",
                    Role::Plain,
                    &Value::Text("javascript:alert(1)".into())
                ),
                (
                    "Join URL",
                    Role::Link,
                    &Value::Url("HTTPS://JOIN.EXAMPLE/1".into())
                ),
                (
                    "Recording",
                    Role::Plain,
                    &Value::Text("data:text/html,x".into())
                ),
            ]
        );
    }

    #[test]
    fn waits_and_lengths_are_worked_out() {
        let s = session(json!({
            "status": "complete",
            "startedAt": "2024-03-05T14:00:00Z",
            "customerJoinedAt": "2024-03-05T14:02:13Z",
            "endedAt": "2024-03-05T14:47:05Z"
        }));
        let f = fields(&s, Zone::Utc, t("2024-03-06T00:00:00Z"));
        assert_eq!(
            find(&f, label::CUSTOMER_JOINED).map(|f| &f.value),
            Some(&Value::Time {
                at: "2024-03-05 14:02:13 UTC".into(),
                span: Some("customer waited 2m 13s".into())
            })
        );
        assert_eq!(
            find(&f, label::ENDED).map(|f| &f.value),
            Some(&Value::Time {
                at: "2024-03-05 14:47:05 UTC".into(),
                span: Some("lasted 47m 05s".into())
            })
        );
    }

    #[test]
    fn running_only_while_active_without_end() {
        let started = |status: &str| {
            let s = session(json!({"status": status, "startedAt": "2024-03-05T14:00:00Z"}));
            find(
                &fields(&s, Zone::Utc, t("2024-03-05T14:12:03Z")),
                label::STARTED,
            )
            .map(|f| f.value.clone())
        };
        assert_eq!(
            started("active"),
            Some(Value::Time {
                at: "2024-03-05 14:00:00 UTC".into(),
                span: Some("running for 12m 03s".into())
            })
        );
        assert_eq!(
            started("abandoned"),
            Some(Value::Time {
                at: "2024-03-05 14:00:00 UTC".into(),
                span: None
            })
        );
    }
}

//! The presentation model shared by `print` and the viewer: what a session, its
//! transcript and its partner links *say*, written once.
//!
//! Labels, the order of fields, humanised values, durations, the empty-state
//! sentences and the masking of secrets live here; every string in the model has
//! been through [`crate::sanitize`]. Renderers only decide layout, styling and
//! escaping: `print` writes text or markdown from it, the viewer's panes draw it
//! with a style per [`Role`]. No terminal library is used here, so `print` stays
//! free of ratatui and crossterm.
//!
//! - [`session`]: the session's fields ([`session::fields`]) and its heading.
//! - [`links`]: the partner links, with `userToken`s masked unless revealed.
//! - [`transcript`]: the chat as [`transcript::Message`]s, each with a [`transcript::Speaker`]
//!   (expert, collaborator, customer, someone else, or a system line) and a mark that
//!   reads without colour.

pub mod links;
pub mod list;
pub mod metrics;
pub mod session;
pub mod transcript;

use crate::api::{ApiError, Status};
use crate::sanitize::{sanitize, sanitize_line};

pub use links::{link, links_view, mask, Link, LinksView, MASK};
pub use session::{fields as session_fields, session_id, session_type, status_text};
pub use transcript::{
    day_label, messages, messages_owned, transcript_empty_sentence, transcript_view, Message,
    People, Speaker, TranscriptView,
};

/// Every label a field can carry, in one place so `print` and the viewer say the same.
///
/// Session fields appear in the order of [`session::fields`]: status and type first
/// (what kind of session this is), then the people, the machine and account, the
/// three moments with their spans, the ticket (GoToAssist's "partner object": the
/// ticket or case in the technician's ticketing system), the two other URLs, notes.
pub mod label {
    pub const STATUS: &str = "Status";
    pub const TYPE: &str = "Type";
    pub const EXPERT: &str = "Expert";
    pub const COLLABORATORS: &str = "Collaborators";
    pub const CUSTOMER: &str = "Customer";
    pub const MACHINE: &str = "Machine";
    pub const ACCOUNT: &str = "Account";
    pub const STARTED: &str = "Started";
    pub const CUSTOMER_JOINED: &str = "Customer joined";
    pub const ENDED: &str = "Ended";
    pub const TICKET: &str = "Ticket";
    pub const TICKET_URL: &str = "Ticket URL";
    pub const JOIN_URL: &str = "Join URL";
    pub const RECORDING: &str = "Recording";
    pub const NOTES: &str = "Notes";

    /// Partner link fields, in the order of [`super::links::link`].
    pub const DOMAIN: &str = "Domain";
    pub const USER: &str = "User";
    pub const CALLBACK_URL: &str = "Callback URL";
    pub const CALLBACKS: &str = "Callbacks";
    pub const USER_TOKEN: &str = "User token";
}

/// The empty-state sentences. The transcript's is chosen by
/// [`transcript_empty_sentence`]; the links' by [`LinksView::sentence`].
pub mod sentence {
    /// A waiting or not-started session: its chat has not begun.
    pub const NOT_JOINED: &str = "No messages yet: the customer has not joined.";
    /// An abandoned session the customer never joined.
    pub const NEVER_JOINED: &str = "No chat: the customer never joined.";
    /// The server answered 404 on the transcript: normal for sessions without web chat.
    pub const NO_TRANSCRIPT: &str = "No chat transcript for this session.";
    /// The server sent a transcript with no messages.
    pub const EMPTY_TRANSCRIPT: &str = "The chat transcript is empty.";
    /// The session itself answered 404.
    pub const SESSION_NOT_FOUND: &str = "Nothing to show: the session was not found.";
    /// The command-line flag and environment variable named in [`NO_DOMAIN`], so a
    /// renderer can set them apart (markdown puts them in code spans).
    pub const DOMAIN_FLAG: &str = "--system-domain DOMAIN";
    pub const DOMAIN_ENV: &str = "G2A_SYSTEM_DOMAIN";
    /// No system domain configured, so there are no partner links to ask for.
    pub const NO_DOMAIN: &str = "No system domain set: pass --system-domain DOMAIN or set G2A_SYSTEM_DOMAIN to list partner links.";

    /// "No partner links for DOMAIN." (`domain` already sanitised).
    pub fn no_links(domain: &str) -> String {
        format!("No partner links for {domain}.")
    }
}

/// A value ready to show: every string in it has been through the sanitiser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// One line of plain text.
    Text(String),
    /// One `http://` or `https://` URL (any other scheme is [`Value::Text`]): a
    /// renderer may make it clickable.
    Url(String),
    /// Several one-line items, shown one per line (or joined with ", " on one).
    List(Vec<String>),
    /// Free text whose line breaks matter (notes); no trailing blank lines.
    Block(String),
    /// A secret or its mask ([`MASK`]), shown verbatim (markdown uses a code span).
    Secret(String),
    /// A moment and the span that goes with it ("lasted 47m 05s"). The span is one
    /// unit: a renderer that wraps should move it to the next line whole rather than
    /// break it between its number parts.
    Time { at: String, span: Option<String> },
}

impl Value {
    /// The value as lines of text: a list's items, a block's lines, a time as
    /// "AT (SPAN)", anything else as its one line.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Value::Text(s) | Value::Url(s) | Value::Secret(s) => vec![s.clone()],
            Value::List(items) => items.clone(),
            Value::Block(s) => s.lines().map(str::to_string).collect(),
            Value::Time { at, span } => vec![match span {
                Some(span) => format!("{at} ({span})"),
                None => at.clone(),
            }],
        }
    }
}

/// What a session status looks like, for a badge's colour. `Copy`, unlike
/// [`Status`], whose unknown values keep their text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusKind {
    Waiting,
    Active,
    Complete,
    Abandoned,
    NotStarted,
    /// A value the API documents nowhere, or no status at all.
    Unknown,
}

impl StatusKind {
    pub fn of(status: Option<&Status>) -> Self {
        match status {
            Some(Status::Waiting) => StatusKind::Waiting,
            Some(Status::Active) => StatusKind::Active,
            Some(Status::Complete) => StatusKind::Complete,
            Some(Status::Abandoned) => StatusKind::Abandoned,
            Some(Status::NotStarted) => StatusKind::NotStarted,
            Some(Status::Other(_)) | None => StatusKind::Unknown,
        }
    }
}

/// How a field is meant to look. `print` ignores it; the viewer maps each to a style.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// An ordinary value.
    Plain,
    /// The expert or collaborators.
    Technician,
    Customer,
    /// An `http(s)` URL (only those: see [`link_role`]).
    Link,
    /// A partner secret or its mask.
    Secret,
    /// The session status, for a badge.
    Status(StatusKind),
    /// Secondary detail (the session type, the callbacks a link supports).
    Dim,
}

/// One labelled value of a session or a partner link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub value: Value,
    pub role: Role,
}

impl Field {
    pub fn new(label: &'static str, value: Value, role: Role) -> Self {
        Field { label, value, role }
    }
}

/// The field with `label`, if the list has one.
pub fn find<'a>(fields: &'a [Field], label: &str) -> Option<&'a Field> {
    fields.iter().find(|f| f.label == label)
}

/// True for an `http://` or `https://` URL, the scheme in any case. Only these
/// become links: `javascript:`, `data:`, `file:` and the rest stay plain text, and
/// so does anything with whitespace inside (no URL has it; a link drawn over it
/// would hide where the link really goes).
pub fn is_web_url(s: &str) -> bool {
    let s = s.trim();
    let host_and_path = ["http://", "https://"].iter().find_map(|scheme| {
        s.get(..scheme.len())
            .filter(|head| head.eq_ignore_ascii_case(scheme))
            .and_then(|_| s.get(scheme.len()..))
    });
    host_and_path.is_some_and(|rest| !rest.is_empty()) && !s.chars().any(char::is_whitespace)
}

/// The role of a URL-ish value: [`Role::Link`] for http(s), else [`Role::Plain`].
pub fn link_role(s: &str) -> Role {
    if is_web_url(s) {
        Role::Link
    } else {
        Role::Plain
    }
}

/// A URL field: a [`Value::Url`] with [`Role::Link`] for http(s), plain text otherwise.
fn url_field(label: &'static str, raw: &str) -> Field {
    let u = line(raw);
    if is_web_url(&u) {
        Field::new(label, Value::Url(u), Role::Link)
    } else {
        Field::new(label, Value::Text(u), Role::Plain)
    }
}

/// One-line untrusted text: sanitised, line breaks turned to spaces, trimmed.
pub(crate) fn line(s: &str) -> String {
    sanitize_line(s).trim().to_string()
}

/// Multi-line untrusted text: sanitised, trailing whitespace dropped.
pub(crate) fn block(s: &str) -> String {
    sanitize(s).trim_end().to_string()
}

/// A one-line text field, left out when the value is missing or blank.
fn text_field(label: &'static str, v: Option<&str>, role: Role) -> Option<Field> {
    v.map(line)
        .filter(|v| !v.is_empty())
        .map(|v| Field::new(label, Value::Text(v), role))
}

/// An error as shown to a person: sanitised message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// 1234567 as "1,234,567".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_and_https_are_links() {
        for u in [
            "https://x.example/a",
            "http://x.example",
            "HTTP://X.EXAMPLE",
            "HtTpS://x.example/y",
        ] {
            assert_eq!(link_role(u), Role::Link, "{u}");
            assert_eq!(url_field("L", u).value, Value::Url(u.into()), "{u}");
        }
        for u in [
            "javascript:alert(1)",
            "JAVASCRIPT:alert(1)",
            "data:text/html,<b>x</b>",
            "ftp://files.example/x",
            "file:///etc/passwd",
            "httpx://x",
            "http:/x",
            "http://",
            "HTTPS://",
            "https://x.example/a b",
            "https://x.example/ javascript:alert(1)",
            "www.example.com",
            "",
            "ht",
            "é",
        ] {
            assert_eq!(link_role(u), Role::Plain, "{u}");
            let f = url_field("L", u);
            assert_eq!(f.role, Role::Plain, "{u}");
            assert_eq!(f.value, Value::Text(u.into()), "{u}");
        }
    }

    #[test]
    fn values_as_lines() {
        let time = Value::Time {
            at: "2024-03-05 14:49:16 UTC".into(),
            span: Some("lasted 47m 05s".into()),
        };
        assert_eq!(time.lines(), ["2024-03-05 14:49:16 UTC (lasted 47m 05s)"]);
        assert_eq!(Value::Block("a\n\nb".into()).lines(), ["a", "", "b"]);
        assert_eq!(
            Value::List(vec!["x".into(), "y".into()]).lines(),
            ["x", "y"]
        );
    }

    #[test]
    fn status_kinds() {
        assert_eq!(StatusKind::of(None), StatusKind::Unknown);
        assert_eq!(
            StatusKind::of(Some(&Status::parse("notStarted"))),
            StatusKind::NotStarted
        );
        assert_eq!(
            StatusKind::of(Some(&Status::parse("paused"))),
            StatusKind::Unknown
        );
    }
}

//! The session and links panes as row models, and the transcript's empty-state lines:
//! what each pane says, wrapped to a width, with a role per piece of text.

use super::rows::{field, sentence, PaneRow, Role};
use super::state::{App, Load, Remote, SessionScreen};
use crate::api::model::TranscriptAbsence;
use crate::api::{ApiError, Status};
use crate::sanitize::{sanitize, sanitize_line};
use crate::timefmt::{milestones, Moment};

/// The label column: wide enough for the longest label, never most of the pane.
const LABEL_COLS: usize = 11;

fn line_of(v: &Option<String>) -> String {
    v.as_deref()
        .map(|x| sanitize_line(x).into_owned())
        .unwrap_or_default()
}

/// A pane's rows while it has no data: loading, or what failed (briefly; the status
/// line carries the hint).
fn placeholder<T>(remote: &Remote<T>, what: &str, width: usize) -> Vec<PaneRow> {
    let mut out = Vec::new();
    match &remote.load {
        Load::Loading { .. } => out.push(PaneRow::new(format!("Loading {what}…"), Role::Spinner)),
        Load::Failed { error, .. } => failure(&mut out, error, width),
        _ => {}
    }
    out
}

/// One failure, said once, wrapped.
pub fn failure(out: &mut Vec<PaneRow>, error: &ApiError, width: usize) {
    sentence(
        out,
        &format!("⚠ {}", sanitize_line(&error.to_string())),
        Role::Error,
        width,
    );
}

/// A refresh failed while older data is shown: one line, cut to fit.
pub fn stale_banner(error: &ApiError, width: usize) -> PaneRow {
    let text = format!("⚠ refresh failed: {}", sanitize_line(&error.to_string()));
    PaneRow::new(super::wrap::truncate(&text, width), Role::Error)
}

pub fn session(app: &App, screen: &SessionScreen, width: usize) -> Vec<PaneRow> {
    let Some(s) = screen.session.data.as_ref() else {
        return placeholder(&screen.session, "session", width);
    };
    let mut out = Vec::new();
    if let Some(e) = screen.session.stale_error() {
        out.push(stale_banner(e, width));
    }
    let status = s.status.clone();
    let mut head = vec![(
        format!(
            " {} ",
            sanitize_line(status.as_ref().map(Status::label).unwrap_or("unknown")).to_uppercase()
        ),
        Role::Badge(status),
    )];
    if let Some(t) = &s.session_type {
        head.push((format!("  {}", sanitize_line(t)), Role::Dim));
    }
    let id = s.session_id.clone().unwrap_or_else(|| screen.id.clone());
    head.push((format!("  #{}", sanitize_line(&id)), Role::Plain));
    out.push(PaneRow { spans: head });
    let f = |out: &mut Vec<PaneRow>, label: &str, value: &str, role: Role| {
        field(out, label, LABEL_COLS, value, role, width)
    };
    f(&mut out, "Expert", &line_of(&s.expert()), Role::Technician);
    let collaborators: Vec<String> = s
        .collaborators
        .iter()
        .map(|c| sanitize_line(&c.display()).into_owned())
        .collect();
    f(
        &mut out,
        "With",
        &collaborators.join(", "),
        Role::Technician,
    );
    f(
        &mut out,
        "Customer",
        &line_of(&s.customer()),
        Role::Customer,
    );
    f(&mut out, "Machine", &line_of(&s.machine()), Role::Plain);
    f(&mut out, "Account", &line_of(&s.account_name), Role::Plain);
    for m in milestones(s, app.zone, app.wall) {
        let label = match m.moment {
            Moment::Started => "Started",
            Moment::CustomerJoined => "Joined",
            Moment::Ended => "Ended",
        };
        // The span reads as one unit: no break inside "lasted 51m 37s".
        let value = match m.span {
            Some(span) => format!("{} · {}", m.at, span.replace(' ', "\u{a0}")),
            None => m.at,
        };
        f(&mut out, label, &value, Role::Plain);
    }
    f(&mut out, "Ticket", &line_of(&s.partner_object), Role::Plain);
    let url = line_of(&s.partner_object_url);
    f(&mut out, "Ticket URL", &url, url_role(&url));
    let url = line_of(&s.customer_join_url);
    f(&mut out, "Join URL", &url, url_role(&url));
    let url = line_of(&s.session_recording_url);
    f(&mut out, "Recording", &url, url_role(&url));
    if let Some(notes) = s.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        f(&mut out, "Notes", sanitize(notes).trim(), Role::Plain);
    }
    out
}

/// Only http(s) URLs are styled as links; `javascript:` and friends are plain text.
fn url_role(url: &str) -> Role {
    let lower = url.trim_start().to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Role::Link
    } else {
        Role::Plain
    }
}

pub fn links(app: &App, screen: &SessionScreen, width: usize) -> Vec<PaneRow> {
    let mut out = Vec::new();
    if app.context.system_domain.is_none() && screen.links.load == Load::Idle {
        sentence(&mut out, "No system domain set. Pass --system-domain DOMAIN or set G2A_SYSTEM_DOMAIN to see the partner-system links.", Role::Dim, width);
        return out;
    }
    let Some(data) = screen.links.data.as_ref() else {
        return placeholder(&screen.links, "partner links", width);
    };
    if let Some(e) = screen.links.stale_error() {
        out.push(stale_banner(e, width));
    }
    if data.links.is_empty() {
        let domain = app.context.system_domain.as_deref().unwrap_or_default();
        sentence(
            &mut out,
            &format!("No partner links for {}.", sanitize_line(domain)),
            Role::Dim,
            width,
        );
    }
    let f = |out: &mut Vec<PaneRow>, label: &str, value: &str, role: Role| {
        field(out, label, LABEL_COLS, value, role, width)
    };
    for (n, link) in data.links.iter().enumerate() {
        if n > 0 {
            out.push(PaneRow::default());
        }
        let name = line_of(&link.system_name);
        let name = if name.is_empty() {
            "(unnamed system)".to_string()
        } else {
            name
        };
        out.push(PaneRow::new(
            super::wrap::truncate(&name, width),
            Role::Heading,
        ));
        f(&mut out, "Domain", &line_of(&link.system_domain), Role::Dim);
        f(&mut out, "User", &line_of(&link.user_email), Role::Plain);
        let url = line_of(&link.callback_url);
        f(&mut out, "Callback", &url, url_role(&url));
        if link.user_token.is_some() {
            f(&mut out, "Token", "•••••••• (hidden)", Role::Secret);
        }
        if let Some(cb) = &link.supported_callbacks {
            let mark = |name: &str, v: Option<bool>| match v {
                Some(true) => format!("{name} ✓"),
                Some(false) => format!("{name} ✗"),
                None => format!("{name} ?"),
            };
            let text = [
                mark("create", cb.create_object),
                mark("search", cb.search_objects),
                mark("associate", cb.associate_object),
            ]
            .join("  ");
            f(&mut out, "Callbacks", &text, Role::Dim);
        }
    }
    out
}

/// What the transcript pane says when it has no messages.
pub fn empty_transcript(_app: &App, screen: &SessionScreen, width: usize) -> Vec<PaneRow> {
    let mut out = Vec::new();
    // An unknown session also has no transcript (404 on both): say the real reason.
    if screen.session.data.is_none()
        && matches!(screen.session.error(), Some(ApiError::NotFound { .. }))
    {
        sentence(
            &mut out,
            "Nothing to show: the session was not found.",
            Role::Dim,
            width,
        );
        return out;
    }
    let status = screen.session.data.as_ref().and_then(|s| s.status.clone());
    match screen.transcript.data.as_ref() {
        Some(t) => {
            let text = match (status, t.absence.as_ref()) {
                (Some(Status::Waiting | Status::NotStarted), _) => {
                    "No messages yet: the customer has not joined."
                }
                (Some(Status::Abandoned), _) => "No chat: the customer never joined.",
                (_, Some(TranscriptAbsence::NoTranscript)) => {
                    "No chat transcript for this session."
                }
                _ => "The chat transcript is empty.",
            };
            sentence(&mut out, text, Role::Dim, width);
        }
        None => out = placeholder(&screen.transcript, "transcript", width),
    }
    out
}

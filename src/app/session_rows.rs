//! The session and links panes as row models, and the transcript's empty-state lines:
//! what each pane says, wrapped to a width, with a role per piece of text.

use super::keymap::{Action, Mode};
use super::rows::{field, more, sentence, PaneRow, Role};
use super::state::{App, Load, Remote, SessionScreen};
use crate::api::ApiError;
use crate::present::{self, label, Field, StatusKind, Value};
use crate::sanitize::sanitize_line;

/// The narrowest label column, so short labels still line their values up.
const LABEL_COLS: usize = 9;

/// A pane's rows while it has no data: loading, or what failed (briefly; the status
/// line carries the hint).
fn placeholder<T>(remote: &Remote<T>, what: &str, width: usize) -> Vec<PaneRow> {
    let mut out = Vec::new();
    match &remote.load {
        // The countdown is the title's; the body says why it waits.
        Load::Loading { .. } if remote.retrying().is_some() => {
            out.push(PaneRow::new(format!("Loading {what}…"), Role::Spinner));
            sentence(
                &mut out,
                "The last try failed; asking again (the title counts down).",
                Role::Dim,
                width,
            );
        }
        Load::Loading { .. } => out.push(PaneRow::new(format!("Loading {what}…"), Role::Spinner)),
        Load::Failed { error, .. } => failure(&mut out, error, width),
        _ => {}
    }
    out
}

/// One failure, said once, wrapped. Links under `--offline` are no failure: only the API
/// has them, and the technician asked not to reach it.
pub fn failure(out: &mut Vec<PaneRow>, error: &ApiError, width: usize) {
    if error.is_offline_links() {
        return sentence(out, &sanitize_line(&error.to_string()), Role::Dim, width);
    }
    sentence(
        out,
        &format!("⚠ {}", sanitize_line(&error.to_string())),
        Role::Error,
        width,
    );
}

/// A refresh failed while older data is shown: one line, cut to fit, saying when a
/// live session is fetched again by itself. The countdown comes first so a narrow
/// pane keeps it. `first_part`: the data shown is the start of a first load that
/// failed part-way (this many messages), not an older good answer.
pub fn stale_banner(
    error: &ApiError,
    retry_in: Option<u64>,
    first_part: Option<usize>,
    width: usize,
) -> PaneRow {
    // An answer that stopped part-way is no failed refresh: what is shown is its start.
    let partial = match error {
        ApiError::Truncated { messages, .. } => Some(format!(
            "⚠ only the first {} messages: the answer was cut off",
            super::state::grouped(*messages as u64)
        )),
        ApiError::TooLarge { limit_mib, .. } => Some(format!(
            "⚠ only the first part: the answer is larger than {limit_mib} MiB (--max-body-mb)"
        )),
        _ => first_part.map(|n| {
            format!(
                "⚠ only the first {} messages: {}",
                super::state::grouped(n as u64),
                sanitize_line(&error.to_string())
            )
        }),
    };
    if let Some(text) = partial {
        return PaneRow::new(super::wrap::truncate(&text, width), Role::Error);
    }
    let text = match retry_in {
        Some(secs) => format!(
            "⚠ retrying in {secs} s · refresh failed: {}",
            sanitize_line(&error.to_string())
        ),
        None => format!("⚠ refresh failed: {}", sanitize_line(&error.to_string())),
    };
    PaneRow::new(super::wrap::truncate(&text, width), Role::Error)
}

/// Seconds until a live session's next background fetch, if one is scheduled.
pub fn retry_in(app: &App, screen: &SessionScreen) -> Option<u64> {
    let at = screen.poll.next?;
    Some(at.saturating_duration_since(app.now).as_secs_f64().ceil() as u64)
}

pub fn session(app: &App, screen: &SessionScreen, width: usize) -> Vec<PaneRow> {
    let Some((s, hidden)) = screen.shown.as_ref() else {
        let mut out = placeholder(&screen.session, "session", width);
        // The session pane has the room to say in full what to do next.
        if let Some(e) = screen.failed_to_load() {
            if let Some(hint) = e.hint() {
                sentence(
                    &mut out,
                    &format!("hint: {}", sanitize_line(&hint)),
                    Role::Dim,
                    width,
                );
            }
            out.push(PaneRow::default());
            let key = |a| app.keymap.key(Mode::Normal, a).unwrap_or_default();
            let next = format!(
                "Press {} to open another session, {} to try again, {} to quit.",
                key(Action::OpenPrompt),
                key(Action::Refresh),
                key(Action::Quit)
            );
            sentence(&mut out, &next, Role::Plain, width);
        }
        return out;
    };
    let mut out = Vec::new();
    if let Some(e) = screen.session.stale_error() {
        out.push(stale_banner(e, retry_in(app, screen), None, width));
    }
    let mut fields = present::session::fields(s, app.zone, app.wall);
    if let Some(at) = screen.session.stored_at {
        as_fetched(&mut fields, app.zone, at);
    }
    // The status, type and id head the pane; the other fields follow as label/value.
    let status = present::find(&fields, label::STATUS);
    let badge = status.map_or_else(|| "unknown".to_string(), |f| f.value.lines().concat());
    let kind = match status.map(|f| f.role) {
        Some(present::Role::Status(k)) => k,
        _ => StatusKind::Unknown,
    };
    let badge_text = format!(" {} ", badge.to_uppercase());
    let id = present::session::session_id(s, Some(&screen.id));
    let id_text = format!("  #{id}");
    let used = super::wrap::width(&badge_text) + super::wrap::width(&id_text);
    let mut head = vec![(badge_text, Role::Badge(kind))];
    // A narrow pane drops the type before it cuts the id, and an id cut says so: a
    // shorter id would read as another session.
    if let Some(t) = present::find(&fields, label::TYPE) {
        let type_text = format!("  {}", t.value.lines().concat());
        if used + super::wrap::width(&type_text) <= width {
            head.push((type_text, Role::Dim));
        }
    }
    let room = width.saturating_sub(super::wrap::width(&head[0].0));
    head.push((super::wrap::truncate(&id_text, room), Role::Plain));
    // The head row copies as the session id.
    out.push(PaneRow {
        spans: head,
        value: Some(id),
    });
    let rest: Vec<&Field> = fields
        .iter()
        .filter(|f| f.label != label::STATUS && f.label != label::TYPE)
        .collect();
    let label_cols = fields_rows(&mut out, &rest, width);
    if *hidden > 0 {
        // Under the notes, indented as their rows are (see `rows::field`).
        let pad = if width >= label_cols + 16 {
            label_cols
        } else {
            2
        };
        more(&mut out, *hidden, pad, width);
    }
    // Issue 7: the metrics close the pane, under their own heading and label column
    // (their labels are longer than the session's). The part that reads every
    // message is kept by the transcript view; what is left here is O(participants),
    // cheap enough for the once-a-second rebuild of a live session's rows.
    let chat = screen.view.chat_stats(Some(s));
    // A stored copy's "so far" is as of when it was fetched, not a clock still running.
    let as_of = screen.session.stored_at.unwrap_or(app.wall);
    let metrics = present::metrics::Metrics::new(s, &chat, as_of);
    if metrics.worth_a_section() {
        out.push(PaneRow::default());
        // Read from the messages that have arrived: not the session's figures yet.
        let heading = if screen.streaming.is_some() {
            format!(
                "{} (so far: the transcript is loading)",
                present::metrics::HEADING
            )
        } else {
            present::metrics::HEADING.to_string()
        };
        out.push(PaneRow::new(
            super::wrap::truncate(&heading, width),
            Role::Heading,
        ));
        let fields = present::metrics::fields(&metrics);
        fields_rows(&mut out, &fields.iter().collect::<Vec<_>>(), width);
    }
    out
}

/// Label/value rows for `fields`, the label column as wide as the longest label.
fn fields_rows(out: &mut Vec<PaneRow>, fields: &[&Field], width: usize) -> usize {
    let label_cols = fields
        .iter()
        .map(|f| super::wrap::width(f.label) + 1)
        .max()
        .unwrap_or(LABEL_COLS)
        .max(LABEL_COLS);
    for f in fields {
        let role = role(f.role);
        match &f.value {
            // One item a row: a list of people reads down, not across.
            Value::List(items) => {
                for (n, item) in items.iter().enumerate() {
                    let label = if n == 0 { f.label } else { "" };
                    field(out, label, label_cols, item, role.clone(), width);
                }
            }
            // The span reads as one unit: no break inside "· lasted 51m 37s".
            Value::Time { at, span } => {
                let value = match span {
                    Some(span) => format!("{at} ·\u{a0}{}", span.replace(' ', "\u{a0}")),
                    None => at.clone(),
                };
                field(out, f.label, label_cols, &value, role, width);
            }
            Value::Text(v) | Value::Url(v) | Value::Secret(v) | Value::Block(v) => {
                field(out, f.label, label_cols, v, role, width)
            }
        }
    }
    label_cols
}

fn role(r: present::Role) -> Role {
    match r {
        present::Role::Plain => Role::Plain,
        present::Role::Technician => Role::Technician,
        present::Role::Customer => Role::Customer,
        present::Role::Link => Role::Link,
        present::Role::Secret => Role::Secret,
        present::Role::Status(k) => Role::Badge(k),
        present::Role::Dim => Role::Dim,
    }
}

pub fn links(app: &App, screen: &SessionScreen, width: usize) -> Vec<PaneRow> {
    let mut out = Vec::new();
    let domain = app.context.system_domain.as_deref();
    let view = match (&screen.links.data, domain) {
        (_, None) => present::links::LinksView::NoDomain,
        (Some(data), Some(d)) => present::links::links_view(Some(d), Ok(data), false),
        (None, Some(_)) => return placeholder(&screen.links, "partner links", width),
    };
    if let Some(e) = screen.links.stale_error() {
        out.push(stale_banner(e, None, None, width));
    }
    if let Some(text) = view.sentence() {
        sentence(&mut out, &text, Role::Dim, width);
    }
    if let present::links::LinksView::Links { links, .. } = view {
        for (n, link) in links.iter().enumerate() {
            if n > 0 {
                out.push(PaneRow::default());
            }
            out.push(PaneRow::new(
                super::wrap::truncate(&link.title, width),
                Role::Heading,
            ));
            let fields: Vec<&Field> = link.fields.iter().collect();
            fields_rows(&mut out, &fields, width);
        }
    }
    out
}

/// What the transcript pane says when it has no messages.
pub fn empty_transcript(screen: &SessionScreen, width: usize) -> Vec<PaneRow> {
    let mut out = Vec::new();
    // An unknown session also has no transcript (404 on both): say the real reason.
    if screen.session.data.is_none()
        && matches!(screen.session.error(), Some(ApiError::NotFound { .. }))
    {
        sentence(
            &mut out,
            present::sentence::SESSION_NOT_FOUND,
            Role::Dim,
            width,
        );
        return out;
    }
    match screen.transcript.data.as_ref() {
        Some(t) => sentence(
            &mut out,
            present::transcript::transcript_empty_sentence(
                screen.session.data.as_ref(),
                t.absence.as_ref(),
            ),
            Role::Dim,
            width,
        ),
        None => out = placeholder(&screen.transcript, "transcript", width),
    }
    out
}

/// A stored copy standing in: a live session's clock would run from the time it was
/// fetched as if it were still going, so the start says what it was then instead.
fn as_fetched(
    fields: &mut [Field],
    zone: crate::timefmt::Zone,
    fetched: chrono::DateTime<chrono::Utc>,
) {
    let status = present::find(fields, label::STATUS)
        .map(|f| f.value.lines().concat())
        .unwrap_or_default();
    for f in fields.iter_mut().filter(|f| f.label == label::STARTED) {
        if let Value::Time {
            span: Some(span), ..
        } = &mut f.value
        {
            // The day and time: the pane's title has the full stamp.
            let when = zone
                .wall_clock(fetched)
                .map(|(w, _)| w.format("%m-%d %H:%M").to_string())
                .unwrap_or_default();
            *span = format!("{status} when fetched at {when}")
                .trim_end()
                .to_string();
        }
    }
}

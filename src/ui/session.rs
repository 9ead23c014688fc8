//! The session pane: status badge, people, times with durations, links and notes.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::{badge, THEME};
use super::{error_lines, field, line_of, pane_block, placeholder, with_scroll_marks};
use crate::api::{Session, Status};
use crate::app::{App, Pane};
use crate::sanitize::{sanitize, sanitize_line};
use crate::timefmt::{milestones, Moment};

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let block = pane_block(app, Pane::Session, &app.session, None);
    let (width, height) = super::layout::text_area(area, Pane::Session);
    let lines = lines(app, width);
    let block = with_scroll_marks(block, lines.len(), app.session_scroll, height);
    let scroll = u16::try_from(app.session_scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

/// How many rows the pane's text takes at `width`, for scroll bounds.
pub fn content_height(app: &App, width: usize) -> usize {
    lines(app, width).len()
}

/// The pane's text, wrapped to `width` so its height is known before drawing.
pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let Some(s) = app.session.data.as_ref() else {
        return placeholder(app, &app.session, "session", width);
    };
    let mut out = app
        .session
        .error()
        .map(|e| error_lines(e, width))
        .unwrap_or_default();

    let status = s.status.as_ref();
    let mut head = vec![Span::styled(
        format!(
            " {} ",
            sanitize_line(status.map(Status::label).unwrap_or("unknown")).to_uppercase()
        ),
        badge(status),
    )];
    if let Some(t) = &s.session_type {
        head.push(Span::styled(format!("  {}", sanitize_line(t)), THEME.dim));
    }
    let id = s
        .session_id
        .clone()
        .or_else(|| app.session_id.clone())
        .unwrap_or_default();
    head.push(Span::styled(
        format!("  #{}", sanitize_line(&id)),
        THEME.value,
    ));
    out.push(Line::from(head));

    field(
        &mut out,
        "Expert",
        &line_of(&s.expert()),
        THEME.technician,
        width,
    );
    let collaborators: Vec<String> = s
        .collaborators
        .iter()
        .map(|c| sanitize_line(&c.display()).into_owned())
        .collect();
    field(
        &mut out,
        "With",
        &collaborators.join(", "),
        THEME.technician,
        width,
    );
    field(
        &mut out,
        "Customer",
        &line_of(&s.customer()),
        THEME.customer,
        width,
    );
    field(
        &mut out,
        "Machine",
        &line_of(&s.machine()),
        THEME.value,
        width,
    );
    field(
        &mut out,
        "Account",
        &line_of(&s.account_name),
        THEME.value,
        width,
    );
    for (label, value) in times(app, s) {
        field(&mut out, label, &value, THEME.value, width);
    }
    let ticket = [line_of(&s.partner_object), line_of(&s.partner_object_url)]
        .into_iter()
        .filter(|x| !x.is_empty())
        .collect::<Vec<_>>()
        .join("  ");
    field(&mut out, "Ticket", &ticket, THEME.value, width);
    field(
        &mut out,
        "Join URL",
        &line_of(&s.customer_join_url),
        THEME.link,
        width,
    );
    field(
        &mut out,
        "Recording",
        &line_of(&s.session_recording_url),
        THEME.link,
        width,
    );
    if let Some(notes) = s.notes.as_deref().filter(|n| !n.trim().is_empty()) {
        field(
            &mut out,
            "Notes",
            sanitize(notes).trim(),
            THEME.value,
            width,
        );
    }
    out
}

/// Started / customer joined / ended, each with the span that matters to a technician.
fn times(app: &App, s: &Session) -> Vec<(&'static str, String)> {
    milestones(s, app.zone, app.wall)
        .into_iter()
        .map(|m| {
            let label = match m.moment {
                Moment::Started => "Started",
                Moment::CustomerJoined => "Joined",
                Moment::Ended => "Ended",
            };
            let value = match m.span {
                Some(span) => format!("{} · {span}", m.at),
                None => m.at,
            };
            (label, value)
        })
        .collect()
}

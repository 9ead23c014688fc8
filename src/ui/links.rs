//! The partner links pane: each link of the technician's ticketing system, with the
//! partner userToken masked.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::THEME;
use super::{error_lines, field, line_of, pane_block, placeholder, with_scroll_marks};
use crate::app::{App, Load, Pane};
use crate::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, area: Rect, app: &App) {
    let extra = app
        .system_domain
        .as_deref()
        .map(|d| format!("· {}", crate::app::wrap::truncate(&sanitize_line(d), 30)));
    let block = pane_block(app, Pane::Links, &app.links, extra);
    let (width, height) = super::layout::text_area(area, Pane::Links);
    let lines = lines(app, width);
    let block = with_scroll_marks(block, lines.len(), app.links_scroll, height);
    let scroll = u16::try_from(app.links_scroll).unwrap_or(u16::MAX);
    frame.render_widget(Paragraph::new(lines).block(block).scroll((scroll, 0)), area);
}

pub fn content_height(app: &App, width: usize) -> usize {
    lines(app, width).len()
}

pub fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    if app.system_domain.is_none() && app.links.load == Load::Idle {
        return dim_wrapped("No system domain set. Pass --system-domain DOMAIN or set G2A_SYSTEM_DOMAIN to see the partner-system links.", width);
    }
    let Some(data) = app.links.data.as_ref() else {
        return placeholder(app, &app.links, "partner links", width);
    };
    let mut out = app
        .links
        .error()
        .map(|e| error_lines(e, width))
        .unwrap_or_default();
    if data.links.is_empty() {
        let domain = app.system_domain.as_deref().unwrap_or_default();
        out.extend(dim_wrapped(
            &format!("No partner links for {}.", sanitize_line(domain)),
            width,
        ));
    }
    for (n, link) in data.links.iter().enumerate() {
        if n > 0 {
            out.push(Line::raw(""));
        }
        let name = line_of(&link.system_name);
        let name = if name.is_empty() {
            "(unnamed system)".to_string()
        } else {
            name
        };
        let mut head = vec![Span::styled(name, THEME.title_focused)];
        let domain = line_of(&link.system_domain);
        if !domain.is_empty() {
            head.push(Span::styled(format!("  {domain}"), THEME.dim));
        }
        out.push(Line::from(head));
        field(
            &mut out,
            "User",
            &line_of(&link.user_email),
            THEME.value,
            width,
        );
        field(
            &mut out,
            "Callback",
            &line_of(&link.callback_url),
            THEME.link,
            width,
        );
        if link.user_token.is_some() {
            field(&mut out, "Token", "•••••••• (hidden)", THEME.secret, width);
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
            field(&mut out, "Callbacks", &text, THEME.dim, width);
        }
    }
    out
}

fn dim_wrapped(text: &str, width: usize) -> Vec<Line<'static>> {
    crate::app::wrap::wrap(text, width, width)
        .into_iter()
        .map(|l| Line::styled(l, THEME.dim))
        .collect()
}

//! The status line: which session, what is loading, the latest error (with its hint),
//! and key hints generated from the live keymap. The error gets the room it needs:
//! hints drop first, and the error ends with "…" only when it still does not fit.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::{fit, spinner, Theme};
use crate::api::error::WithHint;
use crate::app::keymap::{Action, Mode};
use crate::app::{App, Load, Pane, Screen};
use crate::sanitize::sanitize_line;

pub fn render(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let width = area.width as usize;
    let mut left = left_spans(app, theme);
    let error = error_span(app, theme);
    let used = Line::from(left.clone()).width() + error.as_ref().map_or(0, Span::width);
    // The error gets the room it needs, but on a usable width the way to help and
    // out ("? help  q quit") stays in view; a notice (what a key just did, for a few
    // seconds) takes that room too, as its end is often the point (a file's name).
    let essentials = match width >= 60 && app.notice.is_none() {
        true => ESSENTIALS,
        false => 0,
    };
    let hints = hint_spans(app, width.saturating_sub(used + 1).max(essentials), theme);
    left.extend(error);
    let left = fit(Line::from(left), width.saturating_sub(hints.width()));
    let hint_width = hints.width() as u16;
    let right = Rect::new(
        area.right().saturating_sub(hint_width),
        area.y,
        hint_width,
        1,
    );
    frame.render_widget(Paragraph::new(left).style(theme.status_bar), area);
    frame.render_widget(
        Paragraph::new(hints)
            .style(theme.status_bar)
            .right_aligned(),
        right,
    );
}

fn left_spans(app: &App, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if let Some(s) = app.session() {
        spans.push(Span::styled(
            format!(" #{} ", sanitize_line(&s.id)),
            theme.key,
        ));
    } else {
        spans.push(Span::styled(" g2a-tui ", theme.key));
    }
    if app.context.demo {
        spans.push(Span::styled(" DEMO ", theme.notice));
        spans.push(Span::raw(" "));
    }
    spans.extend(super::search::status_spans(app, theme));
    // On every screen: a config warning or a store problem shows on the list too.
    if let Some((notice, _)) = &app.notice {
        spans.push(Span::styled(format!(" {notice} "), theme.notice));
        spans.push(Span::raw(" "));
    }
    let Some(s) = app.session() else {
        return spans;
    };
    if s.is_polling() {
        spans.push(Span::styled(" LIVE ", theme.live));
        spans.push(Span::raw(" "));
    }
    let loading: Vec<&str> = [
        (s.session.shows_loading(), "session"),
        (s.transcript.shows_loading(), "transcript"),
        (s.links.shows_loading(), "links"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect();
    if !loading.is_empty() {
        spans.push(Span::styled(
            format!("{} loading {} ", spinner(app), loading.join(", ")),
            theme.spinner,
        ));
    }
    spans
}

/// The most recent failure: the one the technician just caused or is waiting on.
fn error_span(app: &App, theme: &Theme) -> Option<Span<'static>> {
    // The prompt shows its own error in full.
    if matches!(app.screen, Screen::Prompt(_)) {
        return None;
    }
    let s = app.session()?;
    let (_, e) = [&s.session.load, &s.transcript.load, &s.links.load]
        .into_iter()
        .filter_map(|l| match l {
            Load::Failed { error, at } if !error.is_offline_links() => Some((at, error)),
            _ => None,
        })
        .max_by_key(|(at, _)| **at)?;
    Some(Span::styled(
        format!("⚠ {} ", sanitize_line(&WithHint(e).to_string())),
        theme.error,
    ))
}

/// Columns kept for the first two hints by priority when an error is long.
const ESSENTIALS: usize = 18;

/// Which hints survive when the line is short, most needed first.
const PRIORITY: [&str; 21] = [
    "help",
    "quit",
    "close",
    "back",
    "clear",
    "open",
    "list",
    "status",
    "week",
    "newer",
    "history",
    "try again",
    "next match",
    "pane",
    "scroll",
    "latest",
    "copy",
    "refresh",
    "top",
    "search",
    "filter",
];

/// Hints the keymap's one-word reminders leave out: the way to the list and through
/// the history from a session, and to a newer week from an older one.
fn extra_hints(app: &App, mode: Mode) -> Vec<(String, &'static str)> {
    // The shortest key: `[` reads better than Alt-Left and works where Alt does not.
    let short = |mode, action| {
        app.keymap
            .bindings(mode)
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| {
                b.keys
                    .iter()
                    .map(ToString::to_string)
                    .min_by_key(String::len)
            })
    };
    let mut out = Vec::new();
    match (mode, &app.screen) {
        (Mode::Normal, Screen::Session(_)) => {
            out.extend(short(mode, Action::OpenList).map(|k| (k, "list")));
            let history = !app.history.back.is_empty() || !app.history.forward.is_empty();
            if let (true, Some(b), Some(f)) = (
                history,
                short(mode, Action::Back),
                short(mode, Action::Forward),
            ) {
                out.push((format!("{b}{f}"), "history"));
            }
        }
        (Mode::List, Screen::List(l)) if l.weeks_back > 0 => {
            out.extend(short(mode, Action::WeekForward).map(|k| (k, "newer")));
        }
        _ => {}
    }
    out
}

/// Hints for the screen on display that fit in `budget` columns, in keymap order.
fn hint_spans(app: &App, budget: usize, theme: &Theme) -> Line<'static> {
    let mode = if app.help.is_some() {
        Mode::Help
    } else if matches!(app.screen, Screen::Prompt(_)) {
        Mode::Prompt
    } else if app.links_menu.is_some() {
        Mode::Links
    } else if matches!(app.screen, Screen::List(_)) {
        Mode::List
    } else {
        Mode::Normal
    };
    let focus = app.session().map(|s| s.focus);
    let searching = app.session().is_some_and(|s| s.search.is_some());
    // Esc on the first prompt has nothing to go back to: it quits.
    let nothing_behind = matches!(&app.screen, Screen::Prompt(p) if p.back.is_none());
    let retry = matches!(&app.screen, Screen::Prompt(p) if p.is_retry());
    // Esc on the list clears the query first, then goes back (or quits).
    let list_cancel = match &app.screen {
        Screen::List(l) if !l.query().is_empty() => "clear",
        Screen::List(_) if app.history.back.is_empty() && app.history.forward.is_empty() => "quit",
        _ => "back",
    };
    let mut all: Vec<(String, &str)> = app
        .keymap
        .hints(mode)
        .into_iter()
        .filter(|(_, hint)| match mode {
            Mode::Normal => match *hint {
                "latest" => focus == Some(Pane::Transcript),
                "next match" => searching,
                _ => true,
            },
            // The search line draws its own keys.
            Mode::Search => false,
            Mode::Links => true,
            // Inside help only its own keys mean something.
            Mode::Help => !matches!(*hint, "latest" | "top"),
            Mode::Prompt => !(nothing_behind && *hint == "quit"),
            // Moving is what anyone tries first; the hints name the rest.
            Mode::List => {
                matches!(
                    *hint,
                    "open" | "back" | "status" | "week" | "refresh" | "help" | "quit"
                ) && !(list_cancel == "quit" && *hint == "quit")
            }
        })
        .map(|(key, hint)| match hint {
            "back" if mode == Mode::List => (key, list_cancel),
            "back" if nothing_behind => (key, "quit"),
            // As the prompt itself says: Enter on the id that failed tries it again.
            "open" if retry => (key, "try again"),
            _ => (key, hint),
        })
        .collect();
    all.extend(extra_hints(app, mode));
    let cost = |(key, hint): &(String, &str)| super::wrap::width(key) + hint.len() + 3;
    let mut keep = Vec::new();
    let mut used = 0;
    for want in PRIORITY {
        if let Some(h) = all.iter().find(|(_, hint)| *hint == want) {
            if used + cost(h) <= budget {
                used += cost(h);
                keep.push(want);
            }
        }
    }
    // A leading space keeps the hints apart from an error cut just before them.
    let mut spans = vec![Span::raw(" ")];
    for (key, hint) in all.into_iter().filter(|(_, h)| keep.contains(h)) {
        spans.push(Span::styled(key, theme.key));
        spans.push(Span::raw(format!(" {hint}  ")));
    }
    Line::from(spans)
}

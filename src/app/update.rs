//! The reducer: every input, answer and tick becomes a state change plus a list of
//! effects for the event loop to run. Nothing here does I/O.

use std::time::Instant;

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use super::keymap::{action_for, Action};
use super::state::{App, Load, Pane, Remote};
use crate::api::worker::{Answer, Request, RequestId};
use crate::api::Transcript;
use crate::ui::layout;

/// What the event loop feeds the reducer.
#[allow(clippy::large_enum_variant)] // see `Answer`
#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    Paste(String),
    Resize(u16, u16),
    /// The clock moved (spinner, "updated … ago").
    Tick,
    Answer(Answer),
    /// SIGTERM, SIGHUP, or the terminal went away.
    Terminate,
}

/// What the reducer asks the event loop to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Effect {
    Fetch(Request),
    Suspend,
    /// Clear the terminal and draw everything (Ctrl-L, after another program scribbled on it).
    Redraw,
    Quit,
}

/// Applies `msg` at time `now`. Marks the app dirty when the screen must change.
pub fn update(app: &mut App, msg: Msg, now: Instant, wall: DateTime<Utc>) -> Vec<Effect> {
    app.now = now;
    app.wall = wall;
    let mut fx = Vec::new();
    match msg {
        Msg::Key(key) => on_key(app, key, &mut fx),
        Msg::Mouse(m) => on_mouse(app, m),
        Msg::Paste(text) => {
            if let Some(p) = app.prompt.as_mut() {
                p.input.extend(text.chars().filter(|c| !c.is_control()));
                p.input = p.input.trim().to_string();
                app.dirty = true;
            }
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            let (width, height) = text_size(app, Pane::Transcript);
            app.view.settle(width, height);
            clamp_scrolls(app);
            app.dirty = true;
        }
        Msg::Tick => {
            if app.any_loading() {
                app.spinner = app.spinner.wrapping_add(1);
            }
            app.dirty = true;
        }
        Msg::Answer(answer) => on_answer(app, answer),
        Msg::Terminate => {
            app.quit = true;
            fx.push(Effect::Quit);
        }
    }
    fx
}

/// The first fetch, or the one after the prompt is answered.
pub fn start(app: &mut App, now: Instant) -> Vec<Effect> {
    app.now = now;
    let mut fx = Vec::new();
    refresh(app, &mut fx);
    fx
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if app.prompt.is_some() {
        on_prompt_key(app, key, fx);
        return;
    }
    let Some(action) = action_for(&key) else {
        return;
    };
    if app.help {
        // The overlay takes the keys that close it; everything else is ignored so a
        // stray key does not scroll what the reader cannot see.
        let max = crate::ui::help::max_scroll(app.size.1);
        match action {
            Action::Help | Action::Close => app.help = false,
            Action::LineDown => app.help_scroll = (app.help_scroll + 1).min(max),
            Action::PageDown | Action::Bottom => app.help_scroll = max,
            Action::LineUp => app.help_scroll = app.help_scroll.saturating_sub(1),
            Action::PageUp | Action::Top => app.help_scroll = 0,
            Action::Quit => quit(app, fx),
            Action::Suspend => fx.push(Effect::Suspend),
            Action::Redraw => fx.push(Effect::Redraw),
            _ => return,
        }
        app.dirty = true;
        return;
    }
    apply(app, action, fx);
}

fn apply(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let before = view_position(app);
    match action {
        Action::FocusNext => app.focus = cycle(app.focus, 1),
        Action::FocusPrev => app.focus = cycle(app.focus, 2),
        Action::FocusSession => app.focus = Pane::Session,
        Action::FocusTranscript => app.focus = Pane::Transcript,
        Action::FocusLinks => app.focus = Pane::Links,
        Action::LineDown => scroll(app, app.focus, 1),
        Action::LineUp => scroll(app, app.focus, -1),
        Action::PageDown => scroll(app, app.focus, page(app, app.focus)),
        Action::PageUp => scroll(app, app.focus, -page(app, app.focus)),
        Action::Top => to_edge(app, true),
        Action::Bottom => to_edge(app, false),
        Action::Refresh => refresh(app, fx),
        Action::Help => {
            app.help = true;
            app.help_scroll = 0;
        }
        Action::Close => {}
        Action::Quit => quit(app, fx),
        Action::Suspend => fx.push(Effect::Suspend),
        Action::Redraw => fx.push(Effect::Redraw),
    }
    if before != view_position(app) || !fx.is_empty() {
        app.dirty = true;
    }
}

/// Everything a key or the mouse can move; a change means the screen must be redrawn.
fn view_position(app: &App) -> impl PartialEq {
    (
        app.focus,
        app.session_scroll,
        app.links_scroll,
        app.view.anchor,
        app.help,
    )
}

fn quit(app: &mut App, fx: &mut Vec<Effect>) {
    app.quit = true;
    fx.push(Effect::Quit);
}

fn on_prompt_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(prompt) = app.prompt.as_mut() else {
        return;
    };
    match key.code {
        KeyCode::Esc => quit(app, fx),
        KeyCode::Char('c') | KeyCode::Char('C') if ctrl => quit(app, fx),
        KeyCode::Char('u') if ctrl => prompt.input.clear(),
        KeyCode::Char('z') if ctrl => fx.push(Effect::Suspend),
        KeyCode::Char('l') if ctrl => fx.push(Effect::Redraw),
        KeyCode::Char(c) if !ctrl => {
            prompt.input.push(c);
            prompt.error = None;
        }
        KeyCode::Backspace => {
            prompt.input.pop();
        }
        KeyCode::Enter => {
            let id = prompt.input.trim().to_string();
            if id.is_empty() {
                prompt.error = Some("type a session id or session token, or Esc to quit".into());
            } else {
                app.prompt = None;
                app.session_id = Some(id);
                refresh(app, fx);
            }
        }
        _ => return,
    }
    app.dirty = true;
}

fn cycle(p: Pane, by: usize) -> Pane {
    let i = Pane::ALL.iter().position(|x| *x == p).unwrap_or(0);
    Pane::ALL[(i + by) % Pane::ALL.len()]
}

/// Asks for all three parts at once; each pane fills when its own answer arrives.
fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    let Some(session_id) = app.session_id.clone() else {
        return;
    };
    let now = app.now;
    let mut next = || {
        app.next_request += 1;
        RequestId(app.next_request)
    };
    let (s, t) = (next(), next());
    let l = app.system_domain.as_ref().map(|_| next());
    app.session.load = Load::Loading { id: s, since: now };
    app.transcript.load = Load::Loading { id: t, since: now };
    fx.push(Effect::Fetch(Request::Session {
        id: s,
        session_id: session_id.clone(),
    }));
    fx.push(Effect::Fetch(Request::Transcript { id: t, session_id }));
    if let (Some(l), Some(domain)) = (l, app.system_domain.clone()) {
        app.links.load = Load::Loading { id: l, since: now };
        fx.push(Effect::Fetch(Request::Links { id: l, domain }));
    }
    app.dirty = true;
}

fn on_answer(app: &mut App, answer: Answer) {
    let now = app.now;
    match answer {
        Answer::Session(id, result) => {
            if !app.session.awaits(id) {
                return;
            }
            if let Ok(s) = &result {
                app.view.mark_speakers(Some(s));
            }
            settle(&mut app.session, result, now);
        }
        Answer::Transcript(id, result) => {
            if !app.transcript.awaits(id) {
                return;
            }
            let result = result.map(|t| {
                app.view
                    .set_events(&t.events, app.zone, app.session.data.as_ref());
                // The events now live in the view; keep only what describes them.
                Transcript {
                    events: Vec::new(),
                    raw: serde_json::Value::Null,
                    ..t
                }
            });
            settle(&mut app.transcript, result, now);
        }
        Answer::Links(id, result) => {
            if !app.links.awaits(id) {
                return;
            }
            settle(&mut app.links, result, now);
        }
    }
    clamp_scrolls(app);
    app.dirty = true;
}

/// Loading becomes loaded (replacing the data) or failed (keeping the last good data).
fn settle<T>(remote: &mut Remote<T>, result: Result<T, crate::api::ApiError>, now: Instant) {
    match result {
        Ok(data) => {
            remote.data = Some(data);
            remote.load = Load::Loaded { at: now };
        }
        Err(error) => remote.load = Load::Failed { error, at: now },
    }
}

/// Rows of the pane's text area, for page scrolling.
fn page(app: &App, pane: Pane) -> isize {
    // One row of overlap, plus the transcript's "press G" bar row when scrolled back.
    let (_, h) = text_size(app, pane);
    let reserved = if pane == Pane::Transcript { 2 } else { 1 };
    h.saturating_sub(reserved).max(1) as isize
}

/// The (width, height) of a pane's text at the current terminal size.
pub fn text_size(app: &App, pane: Pane) -> (usize, usize) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    match layout::panes(area) {
        Some(p) => layout::text_area(p.get(pane), pane),
        None => (1, 1),
    }
}

fn scroll(app: &mut App, pane: Pane, delta: isize) {
    match pane {
        Pane::Transcript => {
            let (w, h) = text_size(app, pane);
            app.view.scroll(delta, w, h);
        }
        Pane::Session => {
            app.session_scroll = app.session_scroll.saturating_add_signed(delta);
            clamp_scrolls(app);
        }
        Pane::Links => {
            app.links_scroll = app.links_scroll.saturating_add_signed(delta);
            clamp_scrolls(app);
        }
    }
}

fn to_edge(app: &mut App, top: bool) {
    match app.focus {
        Pane::Transcript => {
            let (w, h) = text_size(app, Pane::Transcript);
            if top {
                app.view.to_top(w, h);
            } else {
                app.view.follow();
            }
        }
        Pane::Session => app.session_scroll = if top { 0 } else { usize::MAX },
        Pane::Links => app.links_scroll = if top { 0 } else { usize::MAX },
    }
    clamp_scrolls(app);
}

/// Keeps the short panes' scroll offsets within their content at the current size.
fn clamp_scrolls(app: &mut App) {
    let (w, h) = text_size(app, Pane::Session);
    let max = crate::ui::session::content_height(app, w).saturating_sub(h);
    app.session_scroll = app.session_scroll.min(max);
    let (w, h) = text_size(app, Pane::Links);
    let max = crate::ui::links::content_height(app, w).saturating_sub(h);
    app.links_scroll = app.links_scroll.min(max);
}

fn on_mouse(app: &mut App, m: MouseEvent) {
    let area = Rect::new(0, 0, app.size.0, app.size.1);
    let Some(panes) = layout::panes(area) else {
        return;
    };
    let at = Position::new(m.column, m.row);
    let Some(pane) = Pane::ALL.into_iter().find(|p| panes.get(*p).contains(at)) else {
        return;
    };
    if app.help || app.prompt.is_some() {
        return;
    }
    let before = view_position(app);
    match m.kind {
        MouseEventKind::ScrollDown => scroll(app, pane, 3),
        MouseEventKind::ScrollUp => scroll(app, pane, -3),
        MouseEventKind::Down(MouseButton::Left) => app.focus = pane,
        _ => {}
    }
    if before != view_position(app) {
        app.dirty = true;
    }
}

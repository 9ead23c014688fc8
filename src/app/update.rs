//! The reducer: every input, answer and tick becomes a state change plus a list of
//! effects for the event loop to run. Nothing here does I/O or draws.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use crossterm::event::{KeyEvent, MouseButton, MouseEvent, MouseEventKind};
use tui_input::InputRequest;

use super::copy;
use super::keymap::{Action, Mode};
use super::layout::text_area;
use super::prompt::PromptScreen;
use super::rows::PaneRow;
use super::state::{App, Load, Pane, Poll, Remote, RetryNote, Screen, SessionScreen, Streaming};
use crate::api::retry::Retrying;
use crate::api::worker::{Answer, Request, RequestId, StoredAnswer};
use crate::api::{ApiError, Transcript};
use crate::timefmt::Zone;

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
    /// How writing an export went: the path written, or why not.
    Exported(Result<String, String>),
    /// The loop is quitting but waits for an export being written.
    Quitting,
    /// Whether the opener started for a link: `Err` says why not.
    Opened(Result<String, String>),
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
    /// Put this text on the clipboard (OSC 52: works over SSH and in tmux).
    Copy(String),
    /// Write the export to a new file `name` in the current directory (on a thread of
    /// its own; [`Msg::Exported`] tells how it went); never overwrite.
    Export {
        name: String,
        export: Box<copy::Export>,
    },
    /// Open this web link with the system's opener.
    Open(String),
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
        Msg::Paste(text) if super::search::is_editing(app) => super::search::on_paste(app, &text),
        Msg::Paste(text) if matches!(app.screen, Screen::List(_)) => {
            super::list::on_paste(app, &text)
        }
        Msg::Paste(text) => {
            if let Screen::Prompt(p) = &mut app.screen {
                if std::mem::take(&mut p.fresh) {
                    p.input.reset();
                }
                p.hint = None;
                for c in text.chars().filter(|c| !c.is_control()) {
                    p.input.handle(InputRequest::InsertChar(c));
                }
                p.error = None;
                app.dirty = true;
            }
        }
        Msg::Resize(w, h) => {
            app.size = (w, h);
            // Help that cannot be drawn must not keep taking the keys.
            if app.panes().is_none() {
                app.help = None;
            }
            settle(app);
            super::list::follow_selection(app);
            app.dirty = true;
        }
        Msg::Tick => {
            if app.any_loading() {
                app.spinner = app.spinner.wrapping_add(1);
            }
            poll_if_due(app, &mut fx);
            super::list::on_tick(app, &mut fx);
            if app
                .notice
                .as_ref()
                .is_some_and(|(_, until)| *until <= app.now)
            {
                app.notice = None;
            }
            super::search::advance(app);
            app.dirty = true;
        }
        Msg::Answer(answer) => on_answer(app, answer, &mut fx),
        Msg::Opened(Ok(url)) => {
            app.links_menu = None;
            notify(app, format!("Opened {url}"));
        }
        Msg::Opened(Err(why)) => {
            let copy = app
                .keymap
                .key(Mode::Links, Action::Copy)
                .unwrap_or_default();
            notify(app, format!("{why}: press {copy} to copy the link"));
        }
        Msg::Exported(result) => {
            app.exporting = false;
            let text = match result {
                // The name first: on a narrow screen the end of the line is cut.
                Ok(path) => {
                    let path = std::path::Path::new(&path);
                    match (path.file_name(), path.parent()) {
                        (Some(name), Some(dir)) => format!(
                            "Exported to {} in {}",
                            name.to_string_lossy(),
                            dir.display()
                        ),
                        _ => format!("Exported to {}", path.display()),
                    }
                }
                Err(why) => format!("Not exported: {why}"),
            };
            notify(app, text);
        }
        Msg::Quitting => notify(app, "Quitting once the export is written…".to_string()),
        Msg::Terminate => fx.push(Effect::Quit),
    }
    fx
}

/// The first fetch, or the one after the prompt is answered.
pub fn start(app: &mut App, now: Instant) -> Vec<Effect> {
    app.now = now;
    let mut fx = Vec::new();
    if matches!(app.screen, Screen::List(_)) {
        super::list::refresh(app, false, &mut fx);
    } else {
        refresh(app, &mut fx);
    }
    fx
}

fn on_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    if app.help.is_some() {
        on_help_key(app, key, fx);
        return;
    }
    if matches!(app.screen, Screen::Prompt(_)) {
        on_prompt_key(app, key, fx);
        return;
    }
    if matches!(app.screen, Screen::List(_)) {
        super::list::on_key(app, key, fx);
        return;
    }
    if app.links_menu.is_some() {
        on_links_key(app, key, fx);
        return;
    }
    if super::search::is_editing(app) {
        super::search::on_key(app, key, fx);
        return;
    }
    let Some(action) = app.keymap.action(Mode::Normal, &key) else {
        return;
    };
    apply(app, action, fx);
}

fn on_links_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(action) = app.keymap.action(Mode::Links, &key) else {
        return;
    };
    let Some(menu) = app.links_menu.as_mut() else {
        return;
    };
    let picked = menu.items.get(menu.selected).cloned();
    let last = menu.items.len().saturating_sub(1);
    match action {
        Action::LineDown => menu.selected = (menu.selected + 1).min(last),
        Action::LineUp => menu.selected = menu.selected.saturating_sub(1),
        Action::Submit => fx.extend(picked.map(|p| Effect::Open(p.url))),
        Action::Copy => {
            if let Some(p) = picked {
                let notice = copy::copied_notice("link", &p.url);
                fx.push(Effect::Copy(p.url));
                app.links_menu = None;
                notify(app, notice);
            }
        }
        Action::Cancel => app.links_menu = None,
        other => common(other, fx),
    }
    app.dirty = true;
}

fn on_help_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let Some(action) = app.keymap.action(Mode::Help, &key) else {
        return;
    };
    let max = super::help::max_scroll(app);
    let scroll = app.help.unwrap_or(0);
    let page = (app.size.1 as usize).saturating_sub(3).max(1);
    app.help = match action {
        Action::Close | Action::Help => None,
        Action::LineDown => Some((scroll + 1).min(max)),
        Action::LineUp => Some(scroll.saturating_sub(1)),
        Action::PageDown => Some((scroll + page).min(max)),
        Action::PageUp => Some(scroll.saturating_sub(page)),
        Action::Bottom => Some(max),
        Action::Top => Some(0),
        other => {
            common(other, fx);
            return;
        }
    };
    app.dirty = true;
}

/// The actions every mode shares.
pub(super) fn common(action: Action, fx: &mut Vec<Effect>) {
    match action {
        Action::Quit => fx.push(Effect::Quit),
        Action::Suspend => fx.push(Effect::Suspend),
        Action::Redraw => fx.push(Effect::Redraw),
        _ => {}
    }
}

fn apply(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let before = view_position(app);
    match action {
        // Help that cannot be seen would swallow the next key.
        Action::Help if app.panes().is_some() => app.help = Some(0),
        Action::Help => {}
        Action::OpenPrompt => open_prompt(app, None),
        Action::OpenList => super::history::to_list(app, fx),
        Action::Back => super::history::go(app, false, fx),
        Action::Forward => super::history::go(app, true, fx),
        Action::Refresh => refresh(app, fx),
        Action::Quit | Action::Suspend | Action::Redraw => common(action, fx),
        Action::Copy | Action::CopyAll | Action::Export => take_away(app, action, fx),
        Action::OpenLink => {
            let items = app
                .session()
                .map(|s| super::links_menu::items(app, s))
                .unwrap_or_default();
            if items.is_empty() {
                notify(app, "This session has no web links".to_string());
            } else {
                app.links_menu = Some(super::links_menu::LinksMenu { items, selected: 0 });
            }
        }
        Action::Search => super::search::open(app),
        Action::NextMatch => super::search::jump(app, true),
        Action::PrevMatch => super::search::jump(app, false),
        Action::Filter => {
            super::search::cycle_filter(app);
            cursor_on_shown(app);
        }
        // Esc leaves the message cursor first, then a kept search.
        Action::ClearSearch if app.session().is_some_and(|s| s.cursor.is_some()) => {
            if let Some(s) = app.session_mut() {
                s.cursor = None;
            }
        }
        Action::ClearSearch => super::search::clear(app),
        _ => on_session_action(app, action),
    }
    if before != view_position(app) || !fx.is_empty() {
        app.dirty = true;
    }
}

/// Shows a short confirmation in the status line for a few seconds.
fn notify(app: &mut App, text: String) {
    app.notice = Some((text, app.now + NOTICE_FOR));
    app.dirty = true;
}

const NOTICE_FOR: Duration = Duration::from_secs(4);

/// Exports of this many messages take long enough (tens of milliseconds and up) to
/// say they have started.
const EXPORT_SAYS_AT: usize = 50_000;

/// `y`, `Y` and `e`: copy a message or field, the whole transcript, or export it.
fn take_away(app: &mut App, action: Action, fx: &mut Vec<Effect>) {
    let Some(s) = app.session() else {
        return;
    };
    let (effect, notice) = match action {
        Action::Copy => match copy::selection(app, s) {
            Some((text, _)) if text.len() > copy::MAX_COPY_BYTES => (None, copy::too_big_to_copy()),
            Some((text, what)) => {
                let notice = copy::copied_notice(what, &text);
                (Some(Effect::Copy(text)), notice)
            }
            None => (None, "Nothing to copy here".to_string()),
        },
        Action::CopyAll if s.view.entries.is_empty() => (None, "No messages to copy".to_string()),
        Action::CopyAll => match copy::transcript_text(&s.view.entries, copy::MAX_COPY_BYTES) {
            Some(text) => {
                let notice = copy::copied_notice("transcript", &text);
                (Some(Effect::Copy(text)), notice)
            }
            None => {
                let export = app.keymap.key(Mode::Normal, Action::Export);
                // The export waits for a transcript still loading: only then is it offered.
                let notice = match (&s.streaming, export) {
                    (None, Some(key)) => format!("{}: {key} exports it", copy::too_big_to_copy()),
                    _ => copy::too_big_to_copy(),
                };
                (None, notice)
            }
        },
        // A file is attached to tickets: half a transcript must not pass for all of it.
        _ if s.streaming.is_some() => {
            let so_far = s.streaming.as_ref().map_or(0, |st| st.messages);
            let notice = format!(
                "Not exported: the transcript is still loading ({} messages so far)",
                super::state::grouped(so_far as u64)
            );
            (None, notice)
        }
        _ if app.exporting => (
            None,
            "Still writing the last export; it says so when it is done".to_string(),
        ),
        _ => match copy::export(app, s) {
            Some(export) => {
                let name = copy::export_name(app, s);
                let notice = match export.messages() {
                    n if n >= EXPORT_SAYS_AT => {
                        format!("Exporting {} messages…", super::state::grouped(n as u64))
                    }
                    _ => String::new(),
                };
                (
                    Some(Effect::Export {
                        name,
                        export: Box::new(export),
                    }),
                    notice,
                )
            }
            None => (
                None,
                "Nothing to export until the session has loaded".to_string(),
            ),
        },
    };
    app.exporting |= matches!(effect, Some(Effect::Export { .. }));
    fx.extend(effect);
    if !notice.is_empty() {
        notify(app, notice);
    }
}

fn on_session_action(app: &mut App, action: Action) {
    let Some(focus) = app.session().map(|s| s.focus) else {
        return;
    };
    let cursor = app.session().and_then(|s| s.cursor);
    match (action, cursor, focus) {
        (Action::Select, None, _) => return start_cursor(app),
        (Action::Select | Action::Cancel, Some(_), _) => {
            if let Some(s) = app.session_mut() {
                s.cursor = None;
            }
            app.dirty = true;
            return;
        }
        (Action::LineDown, Some(_), Pane::Transcript) => return move_cursor(app, 1),
        (Action::LineUp, Some(_), Pane::Transcript) => return move_cursor(app, -1),
        _ => {}
    }
    match action {
        Action::FocusNext => set_focus(app, cycle(focus, 1)),
        Action::FocusPrev => set_focus(app, cycle(focus, 2)),
        Action::FocusSession => set_focus(app, Pane::Session),
        Action::FocusTranscript => set_focus(app, Pane::Transcript),
        Action::FocusLinks => set_focus(app, Pane::Links),
        Action::LineDown => scroll(app, focus, 1),
        Action::LineUp => scroll(app, focus, -1),
        Action::PageDown => scroll(app, focus, page(app, focus)),
        Action::PageUp => scroll(app, focus, -page(app, focus)),
        Action::Top => to_edge(app, focus, true),
        Action::Bottom => to_edge(app, focus, false),
        Action::Zoom => {
            if let Some(s) = app.session_mut() {
                s.zoom = !s.zoom;
            }
            settle(app);
        }
        Action::Time => cycle_time(app),
        _ => {}
    }
    // Paging with a cursor keeps it in view.
    if cursor.is_some() && focus == Pane::Transcript {
        keep_cursor_in_view(app);
    }
}

/// `v`: a cursor on the newest message in view, in the transcript.
fn start_cursor(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    s.focus = Pane::Transcript;
    s.focus_chosen = true;
    s.cursor = s.view.visible(&vp).last().map(|(i, _, _)| *i);
    pin(s, &vp);
    app.dirty = true;
}

/// A picked message stays where it is: new messages from live follow no longer move
/// the view (they are counted in the "new messages" bar), as less does.
fn pin(s: &mut SessionScreen, vp: &super::viewport::Viewport) {
    if s.cursor.is_some() && s.view.is_following() {
        let top = s.view.top(vp);
        s.view.anchor = Some(top);
    }
}

/// After the filter changed: a cursor on a line it hides moves to the nearest shown.
fn cursor_on_shown(app: &mut App) {
    if let Some(s) = app.session_mut() {
        if let Some(c) = s.cursor.filter(|c| !s.view.is_shown(*c)) {
            s.cursor = s.view.at_or_after(c).or_else(|| s.view.last_shown());
        }
    }
}

/// j/k with a cursor: the next or previous message, the view following it.
fn move_cursor(app: &mut App, by: isize) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    let last = s.view.entries.len().saturating_sub(1);
    let Some(at) = s.cursor else {
        return;
    };
    // The next or previous line the filter shows.
    let to = if by > 0 {
        s.view.next_shown(at).unwrap_or(at)
    } else {
        s.view.prev_shown(at).unwrap_or(at)
    }
    .min(last);
    s.cursor = Some(to);
    let shown: Vec<usize> = s.view.visible(&vp).iter().map(|(i, _, _)| *i).collect();
    let first = shown.first().copied().unwrap_or(0);
    let bottom = shown.last().copied().unwrap_or(0);
    if to < first || (to == first && s.view.top(&vp).row > 0) {
        s.view.anchor = Some(super::transcript::Anchor { entry: to, row: 0 });
    } else if to > bottom || (to == bottom && !s.view.shows_whole(to, &vp)) {
        // Down until the whole message is in view (or it fills the view).
        for _ in 0..s.view.height(to, vp.width) {
            s.view.scroll(1, &vp);
            if s.view.shows_whole(to, &vp) {
                break;
            }
        }
    }
    pin(s, &vp);
    app.dirty = true;
}

/// A click on a message in the transcript picks it (as `v` and j/k would) for `y`.
fn pick_at(app: &mut App, row: u16) {
    let Some(rect) = app.panes().map(|p| p.transcript) else {
        return;
    };
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    // Rows of messages start under the border and the banner, if any.
    let first = rect.y as usize + 1 + vp.banner;
    let Some(n) = (row as usize).checked_sub(first) else {
        return;
    };
    if let Some(s) = app.session_mut() {
        if let Some((i, _, _)) = s.view.visible(&vp).get(n) {
            s.cursor = Some(*i);
            pin(s, &vp);
        }
    }
}

/// After paging: the cursor moves to a message still in view.
fn keep_cursor_in_view(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    let shown: Vec<usize> = s.view.visible(&vp).iter().map(|(i, _, _)| *i).collect();
    if let (Some(c), Some(first), Some(last)) = (s.cursor, shown.first(), shown.last()) {
        let c = c.clamp(*first, *last);
        s.cursor = Some(if s.view.is_shown(c) {
            c
        } else {
            s.view.at_or_after(c).unwrap_or(*last)
        });
    }
}

/// `t`: local time, then UTC, then time since the session started, then local again.
fn cycle_time(app: &mut App) {
    let (zone, since_start) = match (app.zone, app.since_start) {
        (_, true) => (Zone::Local, false),
        (Zone::Local, false) => (Zone::Utc, false),
        (Zone::Utc, false) => (Zone::Utc, true),
    };
    app.since_start = since_start;
    if zone != app.zone {
        app.zone = zone;
        if let Some(s) = app.session_mut() {
            s.view.rezone(zone);
            s.generation += 1;
        }
    }
    app.dirty = true;
}

fn set_focus(app: &mut App, pane: Pane) {
    if let Some(s) = app.session_mut() {
        s.focus = pane;
        s.focus_chosen = true;
    }
}

/// Everything a key or the mouse can move; a change means the screen must be redrawn.
fn view_position(app: &App) -> impl PartialEq {
    let s = app.session();
    (
        s.map(|s| {
            (
                s.focus,
                s.zoom,
                s.cursor,
                s.session_scroll,
                s.links_scroll,
                s.view.anchor,
            )
        }),
        app.help,
        matches!(app.screen, Screen::Prompt(_)),
    )
}

/// Puts the prompt over the current session (pre-filled with its id), or back in
/// front after a failure, saying why. A session that failed to load and was opened
/// from another gives way to that one: Esc goes back to something that works.
fn open_prompt(app: &mut App, error: Option<&ApiError>) {
    let placeholder = Screen::Prompt(PromptScreen::new(String::new(), None));
    let screen = match std::mem::replace(&mut app.screen, placeholder) {
        Screen::Session(s) => {
            let id = s.id.clone();
            let previous = if s.failed_to_load().is_some() {
                super::history::pop_session(app)
            } else {
                None
            };
            let back = previous.unwrap_or(s);
            let mut p = PromptScreen::new(id, Some(back));
            p.error = error.map(ToString::to_string);
            p.hint = error.and_then(ApiError::hint);
            Screen::Prompt(p)
        }
        prompt => prompt,
    };
    app.screen = screen;
    app.dirty = true;
}

fn on_prompt_key(app: &mut App, key: KeyEvent, fx: &mut Vec<Effect>) {
    let action = app.keymap.action(Mode::Prompt, &key);
    let Screen::Prompt(prompt) = &mut app.screen else {
        return;
    };
    match action {
        Some(Action::Submit) => {
            let id = crate::api::normalize_session_id(prompt.value());
            if id.is_empty() {
                let cancel = app
                    .keymap
                    .key(Mode::Prompt, Action::Cancel)
                    .unwrap_or_default();
                prompt.error = Some(format!("type a session id, or {cancel} to go back"));
                prompt.hint = None;
            } else {
                // The session behind the prompt is kept in the history (if it had loaded).
                let next = Screen::Session(Box::new(SessionScreen::new(id)));
                super::history::open(app, next, fx);
            }
        }
        Some(Action::Cancel) => match prompt.back.take() {
            Some(back) => {
                // Its fetches may have been replaced by another session's meanwhile
                // (the worker keeps the latest per part): ask again rather than spin.
                app.screen = Screen::Session(back);
                resume(app, fx);
            }
            None => fx.push(Effect::Quit),
        },
        Some(other) => common(other, fx),
        None => {
            if !prompt.edit(key) {
                return;
            }
            prompt.error = None;
            prompt.hint = None;
        }
    }
    app.dirty = true;
}

fn cycle(p: Pane, by: usize) -> Pane {
    let i = Pane::ALL.iter().position(|x| *x == p).unwrap_or(0);
    Pane::ALL[(i + by) % Pane::ALL.len()]
}

/// A session put on display: all three parts fetched (see [`refresh`]).
pub(super) fn refresh_session(app: &mut App, fx: &mut Vec<Effect>) {
    refresh(app, fx);
}

/// A session back on display from the history: what it waits for is asked again.
pub(super) fn resume_session(app: &mut App, fx: &mut Vec<Effect>) {
    resume(app, fx);
    settle(app);
}

/// Asks for all three parts at once; each pane fills when its own answer arrives.
fn refresh(app: &mut App, fx: &mut Vec<Effect>) {
    let has_domain = app.context.system_domain.is_some();
    let Some(s) = app.session_mut() else {
        return;
    };
    // Marked loading here; `resume` gives each its request id.
    let pending = Load::Loading { id: RequestId(0) };
    s.session.load = pending.clone();
    s.transcript.load = pending.clone();
    if has_domain {
        s.links.load = pending;
    }
    s.generation += 1;
    // Asked for by hand: shown as loading, and a fresh start for the back-off.
    s.session.quiet = false;
    s.transcript.quiet = false;
    s.poll = Poll::default();
    resume(app, fx);
    app.dirty = true;
}

/// Asks again for the parts still marked loading, under new ids: their requests may
/// have been replaced by another session's while this one was set aside.
fn resume(app: &mut App, fx: &mut Vec<Effect>) {
    let domain = app.context.system_domain.clone();
    let mut next = app.next_request;
    let mut id = || {
        next += 1;
        RequestId(next)
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    let session_id = s.id.clone();
    if let Some(id) = reissue(&mut s.session, &mut id) {
        let session_id = session_id.clone();
        fx.push(Effect::Fetch(Request::Session { id, session_id }));
    }
    if let Some(id) = reissue(&mut s.transcript, &mut id) {
        fx.push(Effect::Fetch(Request::Transcript { id, session_id }));
    }
    if let Some(domain) = domain {
        if let Some(id) = reissue(&mut s.links, &mut id) {
            fx.push(Effect::Fetch(Request::Links { id, domain }));
        }
    }
    app.next_request = next;
}

/// A part still marked loading gets a fresh request id (its answer is the one awaited).
fn reissue<T>(remote: &mut Remote<T>, next: &mut impl FnMut() -> RequestId) -> Option<RequestId> {
    if !remote.is_loading() {
        return None;
    }
    let id = next();
    remote.load = Load::Loading { id };
    Some(id)
}

/// A request in flight is asked again: the pane that waits for it says so.
fn on_retrying(app: &mut App, id: RequestId, r: &Retrying) {
    let note = RetryNote::new(id, r, app.now);
    if let Some(l) = super::list::list_mut(app) {
        if l.load == (Load::Loading { id }) {
            l.retry = Some(note);
            app.dirty = true;
        }
        return;
    }
    let Some(s) = app.session_mut() else {
        return;
    };
    if s.session.awaits(id) {
        s.session.retry = Some(note);
    } else if s.transcript.awaits(id) {
        s.transcript.retry = Some(note);
    } else if s.links.awaits(id) {
        s.links.retry = Some(note);
    } else {
        return;
    }
    app.dirty = true;
}

fn on_answer(app: &mut App, answer: Answer, fx: &mut Vec<Effect>) {
    if let Answer::Retrying(id, r) = &answer {
        on_retrying(app, *id, r);
        return;
    }
    if matches!(answer, Answer::List(..) | Answer::StoreHits(..)) {
        super::list::on_answer(app, answer, fx);
        return;
    }
    let now = app.now;
    let zone = app.zone;
    let every = app.context.poll;
    let Some(s) = app.session_mut() else {
        return;
    };
    if let Answer::TranscriptProgress {
        id,
        events,
        restart,
        messages,
        bytes,
        prepared,
        ..
    } = answer
    {
        if s.transcript.awaits(id) {
            // The answer is arriving: whatever was retried before has got through.
            s.transcript.retry = None;
            on_batch(s, id, &events, prepared, restart, (messages, bytes), zone);
            settle(app);
            super::search::advance(app);
            app.dirty = true;
        }
        return;
    }
    let mut failed_session = None;
    let links_answer = matches!(answer, Answer::Links(..));
    // A stored copy lands as a good answer would, remembering when it was fetched.
    let (answer, stored_at) = match answer {
        Answer::Stored(id, StoredAnswer::Session(session, at)) => {
            (Answer::Session(id, Ok(session)), Some(at))
        }
        Answer::Stored(id, StoredAnswer::Transcript(t, at)) => {
            (Answer::Transcript(id, Ok(t)), Some(at))
        }
        other => (other, None),
    };
    match answer {
        Answer::Session(id, result) => {
            if !s.session.awaits(id) {
                return;
            }
            match &result {
                Ok(session) => {
                    // Every poll of a live session answers again; speakers are worked
                    // out anew (O(messages)) only when the people changed.
                    if !s
                        .session
                        .data
                        .as_ref()
                        .is_some_and(|old| same_people(old, session))
                    {
                        s.view.mark_speakers(Some(session));
                        super::search::entries_changed(s, false);
                    }
                    s.shown = Some(super::rows::shorten(session));
                }
                Err(e) if s.session.data.is_none() => failed_session = Some(e.clone()),
                Err(_) => {}
            }
            land(&mut s.session, result, now, stored_at);
        }
        Answer::Transcript(id, result) => {
            if !s.transcript.awaits(id) {
                return;
            }
            let streamed = s
                .streaming
                .take()
                .filter(|st| st.id == id && stored_at.is_none());
            s.view.growing = false;
            if let (Some(st), Err(_)) = (&streamed, &result) {
                // Cut off: what arrived stays on screen, the error above it.
                if s.transcript.data.is_none() && st.messages > 0 {
                    s.transcript.data = Some(Transcript::default());
                }
            }
            let result = result.map(|t| {
                match streamed {
                    Some(st) => {
                        s.view.truncate_to(st.messages);
                        if st.parked.is_some_and(|at| s.view.anchor == at) {
                            s.view.anchor = None;
                            s.view.unseen = 0;
                        }
                    }
                    None => {
                        s.view.set_events(&t.events, zone, s.session.data.as_ref());
                        super::search::entries_changed(s, true);
                    }
                }
                // The events now live in the view; keep only what describes them.
                Transcript {
                    events: Vec::new(),
                    raw: serde_json::Value::Null,
                    ..t
                }
            });
            land(&mut s.transcript, result, now, stored_at);
            // Focus starts on the first pane with something to read: an empty
            // transcript leaves it to the session's details.
            if !s.focus_chosen && s.transcript.data.is_some() {
                s.focus = if s.view.entries.is_empty() {
                    Pane::Session
                } else {
                    Pane::Transcript
                };
            }
        }
        Answer::Links(id, result) => {
            if !s.links.awaits(id) {
                return;
            }
            land(&mut s.links, result, now, None);
        }
        Answer::List(..)
        | Answer::StoreHits(..)
        | Answer::Stored(..)
        | Answer::Retrying(..)
        | Answer::TranscriptProgress { .. } => return,
    }
    s.generation += 1;
    if !links_answer {
        schedule_poll(s, every, now);
    }
    settle(app);
    // A kept search goes on over the new messages before the frame is drawn, so a
    // poll does not flash it away.
    super::search::advance(app);
    // No dead end: a session that could not be loaded asks for another id at once
    // (or, when the prompt is already open over it, says why there).
    if let Some(e) = failed_session {
        if matches!(app.screen, Screen::Session(_)) {
            // Opened from the list: back there, saying why.
            if !super::history::back_to_list_after_failure(app) {
                open_prompt(app, Some(&e));
            }
        } else if matches!(app.screen, Screen::Prompt(_)) {
            let previous = super::history::pop_session(app);
            if let Screen::Prompt(p) = &mut app.screen {
                if previous.is_some() {
                    p.back = previous;
                }
                p.error = Some(e.to_string());
                p.hint = e.hint();
            }
        }
    }
    app.dirty = true;
}

/// A batch of the transcript answer `id` (see [`Answer::TranscriptProgress`]).
fn on_batch(
    s: &mut SessionScreen,
    id: RequestId,
    events: &[crate::api::Event],
    prepared: Vec<crate::present::transcript::Message>,
    restart: bool,
    (messages, bytes): (usize, u64),
    zone: crate::timefmt::Zone,
) {
    let first_load = s.transcript.data.is_none();
    let st = match s.streaming.as_mut() {
        Some(st) if st.id == id => st,
        _ => {
            // A first load shows the top while the rest arrives. A first load asked
            // again (`r`) before it completed keeps a reader who has not moved parked.
            let still = s
                .streaming
                .as_ref()
                .and_then(|prev| prev.parked)
                .filter(|at| first_load && s.view.anchor == *at);
            // A reader who came for a search's match (a chat hit opened from the list)
            // is where the match is, even when it is on the first page: not parked.
            let searching = s.search.is_some();
            let parked = still.or_else(|| {
                (first_load && s.view.entries.is_empty())
                    .then(|| {
                        s.view.anchor = Some(super::transcript::Anchor { entry: 0, row: 0 });
                        s.view.anchor
                    })
                    .filter(|_| !searching)
            });
            tracing::debug!(
                request = id.0,
                messages,
                bytes,
                "first transcript batch taken in"
            );
            s.streaming.insert(Streaming {
                id,
                messages: 0,
                bytes: 0,
                parked,
            })
        }
    };
    s.view.growing = true;
    let start = if restart { 0 } else { st.messages };
    st.messages = messages;
    st.bytes = bytes;
    let count_unseen = st.parked.is_none();
    if restart {
        let parked = st.parked;
        s.view.truncate_to(0);
        if let Some(at) = parked {
            s.view.anchor = at;
        }
        super::search::entries_changed(s, true);
    }
    let session = s.session.data.as_ref();
    s.view
        .stream_batch(start, events, prepared, zone, session, count_unseen);
    if !s.focus_chosen && !s.view.entries.is_empty() {
        s.focus = Pane::Transcript;
    }
}

/// Whether two answers for a session name the same expert, collaborators and customer.
fn same_people(a: &crate::api::Session, b: &crate::api::Session) -> bool {
    let people = |s: &crate::api::Session| {
        (
            s.expert_name.clone(),
            s.expert_email.clone(),
            s.customer_name.clone(),
            s.customer_email.clone(),
            s.collaborators
                .iter()
                .map(|c| (c.name.clone(), c.email.clone()))
                .collect::<Vec<_>>(),
        )
    };
    people(a) == people(b)
}

/// Loading becomes loaded (replacing the data, from the store when `stored_at` says so)
/// or failed (keeping the last good data).
fn land<T>(
    remote: &mut Remote<T>,
    result: Result<T, ApiError>,
    now: Instant,
    stored_at: Option<DateTime<Utc>>,
) {
    remote.quiet = false;
    match result {
        Ok(data) => {
            remote.stored_at = stored_at;
            remote.data = Some(data);
            remote.load = Load::Loaded { at: now };
            remote.updated = Some(now);
        }
        Err(error) => remote.load = Load::Failed { error, at: now },
    }
}

/// Live follow: once a round of the session and its transcript has landed, the next
/// is due after the interval (doubled per failure in a row); a session that is no
/// longer waiting or active is not fetched again by itself.
fn schedule_poll(s: &mut SessionScreen, every: Option<Duration>, now: Instant) {
    // A stored copy standing in is a failed fetch too: polling backs off.
    let stand_in = s.session.stored_at.is_some() || s.transcript.stored_at.is_some();
    if s.session.error().is_some() || s.transcript.error().is_some() || stand_in {
        s.poll.round_failed = true;
    }
    if s.session.is_loading() || s.transcript.is_loading() {
        return;
    }
    let failed = std::mem::take(&mut s.poll.round_failed);
    s.poll.failures = if failed { s.poll.failures + 1 } else { 0 };
    s.poll.next = match every {
        Some(every) if s.is_live() => Some(now + Poll::delay(every, s.poll.failures)),
        _ => None,
    };
}

/// Starts a quiet background fetch of a live session when one is due.
fn poll_if_due(app: &mut App, fx: &mut Vec<Effect>) {
    let now = app.now;
    let Some(s) = app.session_mut() else {
        return;
    };
    // A slow partner-links answer does not hold live follow back.
    if s.poll.next.is_none_or(|at| at > now) || s.session.is_loading() || s.transcript.is_loading()
    {
        return;
    }
    s.poll.next = None;
    let pending = Load::Loading { id: RequestId(0) };
    s.session.load = pending.clone();
    s.transcript.load = pending;
    s.session.quiet = true;
    s.transcript.quiet = true;
    resume(app, fx);
}

/// Rows a page key moves in `pane`.
fn page(app: &App, pane: Pane) -> isize {
    let Some(s) = app.session() else {
        return 1;
    };
    let rows = match pane {
        Pane::Transcript => app.viewport(s).page(),
        _ => pane_text(app, pane).1.saturating_sub(1).max(1),
    };
    rows as isize
}

/// The (width, height) of a short pane's text at the current size.
fn pane_text(app: &App, pane: Pane) -> (usize, usize) {
    app.panes().map_or((1, 1), |p| text_area(p.get(pane)))
}

fn scroll(app: &mut App, pane: Pane, delta: isize) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    match pane {
        Pane::Transcript => s.view.scroll(delta, &vp),
        Pane::Session => s.session_scroll = s.session_scroll.saturating_add_signed(delta),
        Pane::Links => s.links_scroll = s.links_scroll.saturating_add_signed(delta),
    }
    clamp_scrolls(app);
}

fn to_edge(app: &mut App, pane: Pane, top: bool) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    let Some(s) = app.session_mut() else {
        return;
    };
    let edge = if top { 0 } else { usize::MAX };
    match pane {
        Pane::Transcript if top => s.view.to_top(&vp),
        Pane::Transcript => s.view.follow(),
        Pane::Session => s.session_scroll = edge,
        Pane::Links => s.links_scroll = edge,
    }
    clamp_scrolls(app);
}

/// After a resize or an answer: the transcript's anchor fits its viewport again and
/// the short panes' offsets stay within their content.
fn settle(app: &mut App) {
    let Some(vp) = app.session().map(|s| app.viewport(s)) else {
        return;
    };
    if let Some(s) = app.session_mut() {
        if s.cursor.is_some() && s.view.anchor.is_some() {
            // A picked message keeps the view pinned: clamp, never follow again.
            let top = s.view.top(&vp);
            s.view.anchor = Some(top);
        } else {
            s.view.settle(&vp);
        }
    }
    clamp_scrolls(app);
}

fn clamp_scrolls(app: &mut App) {
    let Some(panes) = app.panes() else {
        return;
    };
    let Some(s) = app.session() else {
        return;
    };
    // A short pane scrolls until its last row is in view, and further until its last
    // field is at the top: the top row's field is what `y` copies.
    let max = |rect, rows: &[PaneRow]| {
        let (_, h) = text_area(rect);
        let last_field = (1..rows.len())
            .rev()
            .find(|&i| rows[i].value.is_some() && rows[i - 1].value != rows[i].value)
            .unwrap_or(0);
        rows.len().saturating_sub(h).max(last_field)
    };
    let (sw, _) = text_area(panes.session);
    let (lw, _) = text_area(panes.links);
    let max_session = max(panes.session, &app.session_rows(s, sw));
    let max_links = max(panes.links, &app.links_rows(s, lw));
    if let Some(s) = app.session_mut() {
        s.session_scroll = s.session_scroll.min(max_session);
        s.links_scroll = s.links_scroll.min(max_links);
    }
}

fn on_mouse(app: &mut App, m: MouseEvent) {
    if app.help.is_none() && matches!(app.screen, Screen::List(_)) {
        super::list::on_mouse(app, m);
        return;
    }
    if app.help.is_some() || app.links_menu.is_some() || !matches!(app.screen, Screen::Session(_)) {
        return;
    }
    let Some(pane) = app.panes().and_then(|p| p.at(m.column, m.row)) else {
        return;
    };
    let before = view_position(app);
    match m.kind {
        MouseEventKind::ScrollDown => scroll(app, pane, 3),
        MouseEventKind::ScrollUp => scroll(app, pane, -3),
        MouseEventKind::Down(MouseButton::Left) => {
            set_focus(app, pane);
            if pane == Pane::Transcript {
                pick_at(app, m.row);
            }
        }
        _ => {}
    }
    if before != view_position(app) {
        app.dirty = true;
    }
}

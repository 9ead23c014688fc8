//! Switching between screens (issue 8): opening a session from the list or the prompt
//! keeps the screen left behind, whole, in a history; Alt-Left / Alt-Right (`[` / `]`
//! in a session) go back and forth. A screen keeps its scroll position, search, filter
//! and query while set aside. Its answers meanwhile are dropped by request id (the
//! worker also replaces its requests with the new screen's), so one coming back asks
//! again for whatever it was still waiting for.

use super::list;
use super::prompt::PromptScreen;
use super::state::{App, Screen};
use super::update::Effect;

/// Screens kept each way; the oldest go first (a session holds its whole transcript).
pub const KEEP: usize = 20;

#[derive(Debug, Default)]
pub struct History {
    pub back: Vec<Screen>,
    pub forward: Vec<Screen>,
}

fn push(stack: &mut Vec<Screen>, screen: Screen) {
    stack.push(screen);
    if stack.len() > KEEP {
        stack.remove(0);
    }
}

/// Takes the screen on display out of the app, as the history keeps it: the prompt is
/// not kept, the session behind it is.
fn take_current(app: &mut App) -> Option<Screen> {
    let placeholder = Screen::Prompt(PromptScreen::new(String::new(), None));
    match std::mem::replace(&mut app.screen, placeholder) {
        Screen::Prompt(p) => p.back.map(Screen::Session),
        other => Some(other),
    }
}

fn session_id(screen: Option<&Screen>) -> Option<&str> {
    match screen {
        Some(Screen::Session(s)) => Some(&s.id),
        Some(Screen::Prompt(p)) => p.back.as_ref().map(|s| s.id.as_str()),
        _ => None,
    }
}

/// Opens `next` (a new session, or the list) with what was on display kept behind it,
/// as a browser does; the session on display, or the next one forward, is not opened
/// twice (a chat hit, which opens at its message, is a new screen).
pub fn open(app: &mut App, next: Screen, fx: &mut Vec<Effect>) {
    let new = match next {
        Screen::Session(new) => new,
        other => return open_new(app, other, fx),
    };
    let id = new.id.as_str();
    if session_id(Some(&app.screen)) == Some(id) && new.search.is_none() {
        // The prompt over it gives way to it; a session is not its own history.
        if let Some(current) = take_current(app) {
            app.screen = current;
        }
        start(app, fx);
        return;
    }
    if new.search.is_none() && session_id(app.history.forward.last()) == Some(id) {
        go(app, true, fx);
        return;
    }
    open_new(app, Screen::Session(new), fx)
}

fn open_new(app: &mut App, next: Screen, fx: &mut Vec<Effect>) {
    if let Some(current) = take_current(app) {
        keep_back(app, current);
    }
    app.history.forward.clear();
    app.screen = next;
    start(app, fx);
}

/// Keeps `screen` on the back stack, except a session that failed to load (no place
/// to go back to).
pub fn keep_back(app: &mut App, screen: Screen) {
    match screen {
        Screen::Session(s) if s.failed_to_load().is_some() => {}
        Screen::Prompt(_) => {}
        other => push(&mut app.history.back, other),
    }
}

/// The screen just put on display starts: a new session fetches everything, one from
/// the history asks again for what it was waiting for.
fn start(app: &mut App, fx: &mut Vec<Effect>) {
    match &app.screen {
        Screen::Session(s) if s.session.data.is_none() && !s.session.is_loading() => {
            super::update::refresh_session(app, fx);
        }
        Screen::Session(_) => super::update::resume_session(app, fx),
        Screen::List(l) if l.window.is_none() && !l.is_loading() => list::refresh(app, false, fx),
        Screen::List(_) => list::resume(app, fx),
        Screen::Prompt(_) => {}
    }
    app.dirty = true;
}

/// Back (`forward` false) or forward through the history; nothing when there is
/// nothing that way.
pub fn go(app: &mut App, forward: bool, fx: &mut Vec<Effect>) {
    let (from, to) = if forward {
        (&mut app.history.forward, false)
    } else {
        (&mut app.history.back, true)
    };
    let Some(next) = from.pop() else {
        return;
    };
    if let Some(current) = take_current(app) {
        let stack = if to {
            &mut app.history.forward
        } else {
            &mut app.history.back
        };
        push(stack, current);
    }
    app.screen = next;
    if let Screen::List(l) = &mut app.screen {
        l.came_back = !forward;
    }
    start(app, fx);
}

/// `s` in a session: the list as it was last left (its query kept), as a screen of its
/// own, so going back walks every screen visited; the list next forward is gone to.
pub fn to_list(app: &mut App, fx: &mut Vec<Effect>) {
    if matches!(app.history.forward.last(), Some(Screen::List(_))) {
        go(app, true, fx);
        return;
    }
    let newest = |stack: &[Screen]| {
        stack.iter().rev().find_map(|s| match s {
            Screen::List(l) => Some(l.carried()),
            _ => None,
        })
    };
    let list = newest(&app.history.back)
        .or_else(|| newest(&app.history.forward))
        .unwrap_or_default();
    open_new(app, Screen::List(Box::new(list)), fx);
}

/// Esc on the list with an empty query: back to the session it came from, or quit
/// when there is none.
pub fn leave_list(app: &mut App, fx: &mut Vec<Effect>) {
    // Arrived by going back, the session it came from is ahead.
    let came_back = matches!(&app.screen, Screen::List(l) if l.came_back);
    for forward in [came_back, !came_back] {
        let stack = if forward {
            &app.history.forward
        } else {
            &app.history.back
        };
        if matches!(stack.last(), Some(Screen::Session(_))) {
            go(app, forward, fx);
            return;
        }
    }
    fx.push(Effect::Quit);
}

/// A session that failed to load gives way to the screen before it, when that is the
/// list: the list says what went wrong. True when it did.
pub fn back_to_list_after_failure(app: &mut App) -> bool {
    if !matches!(app.history.back.last(), Some(Screen::List(_)))
        || !matches!(app.screen, Screen::Session(_))
    {
        return false;
    }
    let (Screen::Session(failed), Some(Screen::List(mut l))) = (
        std::mem::replace(
            &mut app.screen,
            Screen::Prompt(PromptScreen::new(String::new(), None)),
        ),
        app.history.back.pop(),
    ) else {
        return false;
    };
    if let Some(e) = failed.failed_to_load() {
        list::failed_open(&mut l, &failed.id, e);
    }
    l.came_back = false;
    app.history.forward.clear();
    app.screen = Screen::List(l);
    app.dirty = true;
    true
}

/// The last session kept behind, taken out (the prompt goes back to it after a failure).
pub fn pop_session(app: &mut App) -> Option<Box<super::state::SessionScreen>> {
    if !matches!(app.history.back.last(), Some(Screen::Session(_))) {
        return None;
    }
    match app.history.back.pop() {
        Some(Screen::Session(s)) => Some(s),
        _ => None,
    }
}

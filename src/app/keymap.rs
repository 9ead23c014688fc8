//! The key table: one list of bindings from which dispatch, the help overlay and the
//! status line hints are all generated, so they can never disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    FocusNext,
    FocusPrev,
    FocusSession,
    FocusTranscript,
    FocusLinks,
    LineDown,
    LineUp,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Refresh,
    Help,
    Close,
    Quit,
    Suspend,
    Redraw,
}

/// A key with the modifiers that matter. Shift is implied by an upper-case char.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

const fn plain(code: KeyCode) -> Key {
    Key { code, ctrl: false }
}

const fn ch(c: char) -> Key {
    plain(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        ctrl: true,
    }
}

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    /// What the help overlay says the action does.
    pub help: &'static str,
    /// A one-word hint for the status line, for the bindings worth a reminder there.
    pub hint: Option<&'static str>,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[plain(KeyCode::Tab)],
        action: Action::FocusNext,
        help: "focus the next pane",
        hint: Some("pane"),
    },
    Binding {
        keys: &[plain(KeyCode::BackTab)],
        action: Action::FocusPrev,
        help: "focus the previous pane",
        hint: None,
    },
    Binding {
        keys: &[ch('1')],
        action: Action::FocusSession,
        help: "focus the session pane",
        hint: None,
    },
    Binding {
        keys: &[ch('2')],
        action: Action::FocusTranscript,
        help: "focus the transcript pane",
        hint: None,
    },
    Binding {
        keys: &[ch('3')],
        action: Action::FocusLinks,
        help: "focus the partner links pane",
        hint: None,
    },
    Binding {
        keys: &[ch('j'), plain(KeyCode::Down)],
        action: Action::LineDown,
        help: "scroll down a line",
        hint: Some("scroll"),
    },
    Binding {
        keys: &[ch('k'), plain(KeyCode::Up)],
        action: Action::LineUp,
        help: "scroll up a line",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::PageDown), ctrl('d')],
        action: Action::PageDown,
        help: "scroll down a page",
        hint: None,
    },
    Binding {
        keys: &[plain(KeyCode::PageUp), ctrl('u')],
        action: Action::PageUp,
        help: "scroll up a page",
        hint: None,
    },
    Binding {
        keys: &[ch('g'), plain(KeyCode::Home)],
        action: Action::Top,
        help: "go to the top",
        hint: Some("top"),
    },
    Binding {
        keys: &[ch('G'), plain(KeyCode::End)],
        action: Action::Bottom,
        help: "go to the bottom (the newest message)",
        hint: Some("latest"),
    },
    Binding {
        keys: &[ch('r')],
        action: Action::Refresh,
        help: "fetch everything again",
        hint: Some("refresh"),
    },
    Binding {
        keys: &[ch('?')],
        action: Action::Help,
        help: "show or hide this help",
        hint: Some("help"),
    },
    Binding {
        keys: &[plain(KeyCode::Esc)],
        action: Action::Close,
        help: "close the overlay",
        hint: None,
    },
    Binding {
        keys: &[ch('q'), ctrl('c')],
        action: Action::Quit,
        help: "quit",
        hint: Some("quit"),
    },
    Binding {
        keys: &[ctrl('z')],
        action: Action::Suspend,
        help: "suspend to the shell (fg to return)",
        hint: None,
    },
    Binding {
        keys: &[ctrl('l')],
        action: Action::Redraw,
        help: "redraw the whole screen",
        hint: None,
    },
];

/// The action bound to a key press, if any.
pub fn action_for(ev: &KeyEvent) -> Option<Action> {
    let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
    let code = match ev.code {
        // Terminals differ on whether Ctrl-letters arrive upper or lower case.
        KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
        other => other,
    };
    BINDINGS
        .iter()
        .find(|b| b.keys.iter().any(|k| k.code == code && k.ctrl == ctrl))
        .map(|b| b.action)
}

/// How a key is written in help and hints: `j`, `Ctrl-d`, `PgDn`, `Shift-Tab`.
pub fn key_label(k: &Key) -> String {
    let base = match k.code {
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "Shift-Tab".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::PageUp => "PgUp".into(),
        KeyCode::PageDown => "PgDn".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Enter => "Enter".into(),
        other => format!("{other:?}"),
    };
    if k.ctrl {
        format!("Ctrl-{base}")
    } else {
        base
    }
}

/// All keys of a binding, as the help overlay lists them.
pub fn keys_label(b: &Binding) -> String {
    b.keys.iter().map(key_label).collect::<Vec<_>>().join(" / ")
}

/// Status line hints: `(first key, hint)` for each binding that has one.
pub fn hints() -> impl Iterator<Item = (String, &'static str)> {
    BINDINGS
        .iter()
        .filter_map(|b| Some((key_label(b.keys.first()?), b.hint?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn dispatch_respects_ctrl_and_case() {
        assert_eq!(
            action_for(&key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('g'), KeyModifiers::NONE)),
            Some(Action::Top)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::PageDown)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('C'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            action_for(&key(KeyCode::Char('d'), KeyModifiers::NONE)),
            None
        );
    }

    #[test]
    fn every_action_has_a_key() {
        for b in BINDINGS {
            assert!(!b.keys.is_empty(), "{:?}", b.action);
        }
    }
}

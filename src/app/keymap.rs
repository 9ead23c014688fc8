//! The key map as a value: one table per mode (normal, help, prompt), read from
//! `assets/keymap.toml`. Dispatch, the help overlay and every hint on screen are
//! generated from it, so an override can never leave a stale hint behind.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const DEFAULT: &str = include_str!("../../assets/keymap.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
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
    Zoom,
    Time,
    Select,
    Copy,
    CopyAll,
    Export,
    OpenLink,
    Refresh,
    OpenPrompt,
    Search,
    NextMatch,
    PrevMatch,
    Filter,
    ClearSearch,
    Help,
    Close,
    Submit,
    Cancel,
    Quit,
    Suspend,
    Redraw,
    /// The session list (`s`).
    OpenList,
    /// Back and forth through the screens opened before.
    Back,
    Forward,
    /// The list's status filter, forward and backward.
    StatusNext,
    StatusPrev,
    /// The list's window, a week earlier or later.
    WeekBack,
    WeekForward,
}

impl Action {
    const ALL: [Action; 39] = [
        Action::FocusNext,
        Action::FocusPrev,
        Action::FocusSession,
        Action::FocusTranscript,
        Action::FocusLinks,
        Action::LineDown,
        Action::LineUp,
        Action::PageDown,
        Action::PageUp,
        Action::Top,
        Action::Bottom,
        Action::Zoom,
        Action::Time,
        Action::Select,
        Action::Copy,
        Action::CopyAll,
        Action::Export,
        Action::OpenLink,
        Action::Refresh,
        Action::OpenPrompt,
        Action::Search,
        Action::NextMatch,
        Action::PrevMatch,
        Action::Filter,
        Action::ClearSearch,
        Action::Help,
        Action::Close,
        Action::Submit,
        Action::Cancel,
        Action::Quit,
        Action::Suspend,
        Action::Redraw,
        Action::OpenList,
        Action::Back,
        Action::Forward,
        Action::StatusNext,
        Action::StatusPrev,
        Action::WeekBack,
        Action::WeekForward,
    ];

    /// The name used in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Action::FocusNext => "focus_next",
            Action::FocusPrev => "focus_prev",
            Action::FocusSession => "focus_session",
            Action::FocusTranscript => "focus_transcript",
            Action::FocusLinks => "focus_links",
            Action::LineDown => "line_down",
            Action::LineUp => "line_up",
            Action::PageDown => "page_down",
            Action::PageUp => "page_up",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Zoom => "zoom",
            Action::Time => "time",
            Action::Select => "select",
            Action::Copy => "copy",
            Action::CopyAll => "copy_all",
            Action::Export => "export",
            Action::OpenLink => "open_link",
            Action::Refresh => "refresh",
            Action::OpenPrompt => "open_prompt",
            Action::Search => "search",
            Action::NextMatch => "next_match",
            Action::PrevMatch => "prev_match",
            Action::Filter => "filter",
            Action::ClearSearch => "clear_search",
            Action::Help => "help",
            Action::Close => "close",
            Action::Submit => "submit",
            Action::Cancel => "cancel",
            Action::Quit => "quit",
            Action::Suspend => "suspend",
            Action::Redraw => "redraw",
            Action::OpenList => "open_list",
            Action::Back => "back",
            Action::Forward => "forward",
            Action::StatusNext => "status_next",
            Action::StatusPrev => "status_prev",
            Action::WeekBack => "week_back",
            Action::WeekForward => "week_forward",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.name() == name)
    }

    /// What the help overlay says the action does.
    pub fn help(self) -> &'static str {
        match self {
            Action::FocusNext => "focus the next pane",
            Action::FocusPrev => "focus the previous pane",
            Action::FocusSession => "focus the session pane",
            Action::FocusTranscript => "focus the transcript pane",
            Action::FocusLinks => "focus the partner links pane",
            Action::LineDown => "scroll down a line",
            Action::LineUp => "scroll up a line",
            Action::PageDown => "scroll down a page",
            Action::PageUp => "scroll up a page",
            Action::Top => "go to the top",
            Action::Bottom => "go to the bottom (the newest message)",
            Action::Zoom => "give the focused pane the whole screen, and back",
            Action::Time => "times in local time, UTC, or since the session started",
            Action::Select => "pick a message with a cursor (j/k move it) in the transcript",
            Action::Copy => "copy the picked message, or the field at the top of a pane",
            Action::CopyAll => "copy the whole transcript as text",
            Action::Export => "write the session and transcript to a markdown file here",
            Action::OpenLink => "open one of the session's links in the browser",
            Action::Refresh => "fetch everything again",
            Action::OpenPrompt => "open another session by id",
            Action::Search => "search the transcript (smart case: a capital letter matches case)",
            Action::NextMatch => "go to the next search match",
            Action::PrevMatch => "go to the previous search match",
            Action::Filter => "show all / customer / technicians / system lines",
            Action::ClearSearch => "leave the message cursor, or clear the search",
            Action::Help => "show this help",
            Action::Close => "close this help",
            Action::Submit => "open the session",
            Action::Cancel => {
                "go back: leave the cursor, or the prompt (quit when nothing is behind it)"
            }
            Action::Quit => "quit",
            Action::Suspend => "suspend to the shell (fg to return)",
            Action::Redraw => "redraw the whole screen",
            Action::OpenList => "the session list",
            Action::Back => "back to the screen before (its place, search and filter kept)",
            Action::Forward => "forward again after going back",
            Action::StatusNext => "show only waiting / active / complete / abandoned / not started",
            Action::StatusPrev => "the status filter, the other way round",
            Action::WeekBack => "the week before",
            Action::WeekForward => "the week after",
        }
    }

    /// A one-word reminder for the status line, for the actions worth one.
    pub fn hint(self) -> Option<&'static str> {
        Some(match self {
            Action::FocusNext => "pane",
            Action::LineDown => "scroll",
            Action::Top => "top",
            Action::Bottom => "latest",
            Action::Refresh => "refresh",
            Action::Copy => "copy",
            Action::OpenPrompt => "open",
            Action::Search => "search",
            Action::NextMatch => "next match",
            Action::Filter => "filter",
            Action::Help => "help",
            Action::Quit => "quit",
            Action::Submit => "open",
            Action::Cancel => "back",
            Action::Close => "close",
            Action::StatusNext => "status",
            Action::WeekBack => "week",
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    Normal,
    Help,
    Prompt,
    /// The search line at the bottom of the screen.
    Search,
    /// The link chooser (`o`).
    Links,
    /// The session list: printable keys type into its query line.
    List,
}

impl Mode {
    pub const ALL: [Mode; 6] = [
        Mode::Normal,
        Mode::Help,
        Mode::Prompt,
        Mode::Search,
        Mode::Links,
        Mode::List,
    ];

    fn table(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Help => "help",
            Mode::Prompt => "prompt",
            Mode::Search => "search",
            Mode::Links => "links",
            Mode::List => "list",
        }
    }
}

/// A key with the modifiers that matter. Shift is implied by an upper-case char
/// (and by `BackTab`), so it is not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    /// Parses `j`, `G`, `Ctrl-d`, `Alt-Left`, `PgDn`, `Shift-Tab`, `Space`, `F1`.
    pub fn parse(s: &str) -> Result<Key, String> {
        let (mut ctrl, mut alt) = (false, false);
        let mut rest = s;
        loop {
            if let Some(r) = strip_prefix_ci(rest, "ctrl-") {
                ctrl = true;
                rest = r;
            } else if let Some(r) = strip_prefix_ci(rest, "alt-") {
                alt = true;
                rest = r;
            } else {
                break;
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            // A control character would be written raw into help and hints.
            (Some(c), None) if c.is_control() => return Err(format!("unknown key {s:?}")),
            (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
            _ => match rest.to_ascii_lowercase().as_str() {
                "space" => KeyCode::Char(' '),
                "tab" => KeyCode::Tab,
                "shift-tab" | "backtab" => KeyCode::BackTab,
                "enter" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pgup" | "pageup" => KeyCode::PageUp,
                "pgdn" | "pagedown" => KeyCode::PageDown,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => KeyCode::F(n),
                    _ => return Err(format!("unknown key {s:?}")),
                },
                _ => return Err(format!("unknown key {s:?}")),
            },
        };
        Ok(Key { code, ctrl, alt })
    }

    /// True when the terminal event is this key.
    pub fn matches(&self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let code = match ev.code {
            // Terminals differ on whether Ctrl-letters arrive upper or lower case.
            KeyCode::Char(c) if ctrl => KeyCode::Char(c.to_ascii_lowercase()),
            other => other,
        };
        code == self.code && ctrl == self.ctrl && alt == self.alt
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    (head.eq_ignore_ascii_case(prefix) && s.len() > prefix.len()).then(|| &s[prefix.len()..])
}

/// How a key is written in help and hints: `j`, `Ctrl-d`, `PgDn`, `Shift-Tab`.
impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("Ctrl-")?;
        }
        if self.alt {
            f.write_str("Alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("Shift-Tab"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub action: Action,
    pub keys: Vec<Key>,
}

impl Binding {
    /// All keys of a binding, as the help overlay lists them.
    pub fn keys_label(&self) -> String {
        self.keys
            .iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join(" / ")
    }
}

/// The bindings of every mode, in the order the help overlay lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    tables: BTreeMap<Mode, Vec<Binding>>,
}

impl Default for Keymap {
    fn default() -> Self {
        // The default table ships with the binary; a test proves it parses.
        Keymap::parse(DEFAULT).unwrap_or_else(|e| panic!("assets/keymap.toml: {e}"))
    }
}

impl Keymap {
    /// Reads a keymap in the format of `assets/keymap.toml`.
    pub fn parse(text: &str) -> Result<Keymap, String> {
        let raw: BTreeMap<String, toml::Table> = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut tables = BTreeMap::new();
        for mode in Mode::ALL {
            let mut bindings = Vec::new();
            if let Some(table) = raw.get(mode.table()) {
                for (name, keys) in table {
                    let action = Action::from_name(name)
                        .ok_or_else(|| format!("[{}] unknown action {name:?}", mode.table()))?;
                    let keys = keys
                        .as_array()
                        .ok_or_else(|| {
                            format!("[{}] {name}: expected a list of keys", mode.table())
                        })?
                        .iter()
                        .map(|k| {
                            k.as_str()
                                .ok_or_else(|| {
                                    format!("[{}] {name}: keys are strings", mode.table())
                                })
                                .and_then(Key::parse)
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    bindings.push(Binding { action, keys });
                }
            }
            bindings.sort_by_key(|b| b.action);
            tables.insert(mode, bindings);
        }
        Ok(Keymap { tables })
    }

    pub fn bindings(&self, mode: Mode) -> &[Binding] {
        self.tables
            .get(&mode)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }

    /// The action bound to a key press in `mode`, if any.
    pub fn action(&self, mode: Mode, ev: &KeyEvent) -> Option<Action> {
        self.bindings(mode)
            .iter()
            .find(|b| b.keys.iter().any(|k| k.matches(ev)))
            .map(|b| b.action)
    }

    /// The first key bound to `action` in `mode`, as hints write it ("G", "Ctrl-c").
    pub fn key(&self, mode: Mode, action: Action) -> Option<String> {
        self.bindings(mode)
            .iter()
            .find(|b| b.action == action)
            .and_then(|b| b.keys.first())
            .map(Key::to_string)
    }

    /// `(first key, hint)` for each binding of `mode` that has a hint.
    pub fn hints(&self, mode: Mode) -> Vec<(String, &'static str)> {
        self.bindings(mode)
            .iter()
            .filter_map(|b| Some((b.keys.first()?.to_string(), b.action.hint()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn default_keymap_parses_and_binds_every_mode() {
        let km = Keymap::default();
        for mode in Mode::ALL {
            assert!(!km.bindings(mode).is_empty(), "{mode:?}");
            assert!(km.bindings(mode).iter().all(|b| !b.keys.is_empty()));
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_a_mode() {
        let km = Keymap::default();
        for mode in Mode::ALL {
            let mut seen: Vec<(Key, Action)> = Vec::new();
            for b in km.bindings(mode) {
                for k in &b.keys {
                    if let Some((_, other)) = seen.iter().find(|(s, _)| s == k) {
                        panic!("{mode:?}: {k} is bound to {other:?} and {:?}", b.action);
                    }
                    seen.push((*k, b.action));
                }
            }
        }
    }

    #[test]
    fn dispatch_respects_ctrl_and_case() {
        let km = Keymap::default();
        let n = Mode::Normal;
        assert_eq!(
            km.action(n, &key(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            km.action(n, &key(KeyCode::Char('g'), KeyModifiers::NONE)),
            Some(Action::Top)
        );
        assert_eq!(
            km.action(n, &key(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::PageDown)
        );
        assert_eq!(
            km.action(n, &key(KeyCode::Char('C'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            km.action(n, &key(KeyCode::Char('d'), KeyModifiers::NONE)),
            None
        );
        assert_eq!(
            km.action(Mode::Help, &key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Some(Action::Close)
        );
    }

    #[test]
    fn keys_round_trip_through_their_labels() {
        for s in [
            "j",
            "G",
            "Ctrl-d",
            "Alt-Left",
            "PgDn",
            "Shift-Tab",
            "Space",
            "F1",
            ":",
        ] {
            let k = Key::parse(s).expect(s);
            assert_eq!(k.to_string(), s);
        }
        assert!(Key::parse("Hyper-x").is_err());
        assert!(Key::parse("F13").is_err());
        assert!(Key::parse("\u{1b}").is_err());
    }

    #[test]
    fn overrides_change_hints() {
        let km = Keymap::parse("[normal]\nbottom = [\"End\"]\nquit = [\"x\"]\n").expect("parses");
        assert_eq!(km.key(Mode::Normal, Action::Bottom).as_deref(), Some("End"));
        assert!(km.hints(Mode::Normal).contains(&("x".to_string(), "quit")));
        assert!(Keymap::parse("[normal]\nfly = [\"x\"]\n").is_err());
    }
}

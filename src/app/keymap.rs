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

    pub fn from_table(name: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.table() == name)
    }

    /// Where printable keys type into a line, so they never bind an action.
    pub fn types(self) -> bool {
        matches!(self, Mode::Prompt | Mode::Search | Mode::List)
    }

    /// How the config file and its warnings name the mode.
    pub fn table(self) -> &'static str {
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

/// One entry of the config file's `[keys]` table (`[keys.<mode>]` when `mode` is set),
/// still as written: [`Keymap::with_overrides`] checks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    pub mode: Option<String>,
    pub action: String,
    pub keys: Vec<String>,
    /// Its line in the file, for warnings.
    pub line: usize,
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

    /// A plain character: it types where a mode has a text line.
    fn printable(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
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

/// How an override holds in one mode (see [`Keymap::with_overrides`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Carried,
    Home,
    Exact,
}

#[derive(Debug)]
struct Wanted {
    keys: Vec<Key>,
    line: usize,
    reach: Reach,
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

    fn has(&self, mode: Mode, action: Action) -> bool {
        self.bindings(mode).iter().any(|b| b.action == action)
    }

    fn keys_of(&self, mode: Mode, action: Action) -> Vec<Key> {
        self.bindings(mode)
            .iter()
            .find(|b| b.action == action)
            .map(|b| b.keys.clone())
            .unwrap_or_default()
    }

    fn set(&mut self, mode: Mode, action: Action, keys: Vec<Key>) {
        let binding = self
            .tables
            .get_mut(&mode)
            .and_then(|t| t.iter_mut().find(|b| b.action == action));
        if let Some(b) = binding {
            b.keys = keys;
        }
    }

    /// The first key bound to two actions in one mode where one of them is in `held`.
    fn clash(&self, held: &BTreeMap<(Mode, Action), usize>) -> Option<(Mode, Key, Action, Action)> {
        for mode in Mode::ALL {
            let table = self.bindings(mode);
            for (i, a) in table.iter().enumerate() {
                for b in &table[i + 1..] {
                    if !held.contains_key(&(mode, a.action))
                        && !held.contains_key(&(mode, b.action))
                    {
                        continue;
                    }
                    if let Some(k) = a.keys.iter().find(|k| b.keys.contains(k)) {
                        return Some((mode, *k, a.action, b.action));
                    }
                }
            }
        }
        None
    }

    /// This keymap with the config file's `[keys]` applied, and what was wrong with them
    /// (line, message). Anything wrong leaves that action's default keys in place.
    ///
    /// A plain name (`quit = ["x"]`) is about the action's home mode: the session screen
    /// (`normal`), or for an action it does not have, the first mode that has it (`close`
    /// the help, `submit`/`cancel` the prompt, `status_next` the list). There it is applied
    /// whole and a key another action holds is reported. It is carried into the action's
    /// other modes with only the keys free there, so `quit = ["q"]` leaves `q` closing the
    /// help; plain characters never bind where a line takes typing (prompt, search, list).
    /// `[keys.<mode>]` sets one mode exactly, with every clash reported.
    pub fn with_overrides(&self, overrides: &[KeyOverride]) -> (Keymap, Vec<(usize, String)>) {
        let mut warnings = Vec::new();
        let mut wanted: BTreeMap<(Mode, Action), Wanted> = BTreeMap::new();
        for o in overrides {
            let Some(action) = Action::from_name(&o.action) else {
                warnings.push((
                    o.line,
                    format!(
                        "[keys] unknown action {:?} (the help, ?, lists them); ignored",
                        o.action
                    ),
                ));
                continue;
            };
            let exact = match o.mode.as_deref() {
                None => None,
                Some(name) => match Mode::from_table(name) {
                    Some(mode) if self.has(mode, action) => Some(mode),
                    Some(_) => {
                        warnings.push((
                            o.line,
                            format!(
                                "[keys.{name}] {} is not an action of that mode; ignored",
                                o.action
                            ),
                        ));
                        continue;
                    }
                    None => {
                        warnings.push((
                            o.line,
                            format!(
                                "[keys.{name}] unknown mode (normal, help, prompt, search, links, list); ignored"
                            ),
                        ));
                        continue;
                    }
                },
            };
            let label = match exact {
                Some(mode) => format!("[keys.{}] {}", mode.table(), o.action),
                None => format!("[keys] {}", o.action),
            };
            let keys = match o
                .keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(keys) if !keys.is_empty() => keys,
                Ok(_) => {
                    warnings.push((
                        o.line,
                        format!("{label}: no keys given; the default is kept"),
                    ));
                    continue;
                }
                Err(e) => {
                    warnings.push((o.line, format!("{label}: {e}; the default is kept")));
                    continue;
                }
            };
            if let Some(mode) = exact {
                if mode.types() && keys.iter().any(Key::printable) {
                    warnings.push((
                        o.line,
                        format!("{label}: plain characters type in that mode; the default is kept"),
                    ));
                    continue;
                }
                wanted.insert(
                    (mode, action),
                    Wanted {
                        keys,
                        line: o.line,
                        reach: Reach::Exact,
                    },
                );
                continue;
            }
            let home = Mode::ALL.into_iter().find(|m| self.has(*m, action));
            for mode in Mode::ALL.into_iter().filter(|m| self.has(*m, action)) {
                let keys: Vec<Key> = keys
                    .iter()
                    .filter(|k| !(mode.types() && k.printable()))
                    .copied()
                    .collect();
                let reach = if Some(mode) == home {
                    Reach::Home
                } else {
                    Reach::Carried
                };
                if keys.is_empty() {
                    if reach == Reach::Home {
                        warnings.push((
                            o.line,
                            format!("{label}: plain characters type in the {} mode, which keeps its default keys", mode.table()),
                        ));
                    }
                    continue;
                }
                if wanted
                    .get(&(mode, action))
                    .is_none_or(|w| w.reach != Reach::Exact)
                {
                    wanted.insert(
                        (mode, action),
                        Wanted {
                            keys,
                            line: o.line,
                            reach,
                        },
                    );
                }
            }
        }

        let mut km = self.clone();
        let mut held = BTreeMap::new();
        for (&(mode, action), w) in wanted.iter().filter(|(_, w)| w.reach != Reach::Carried) {
            km.set(mode, action, w.keys.clone());
            held.insert((mode, action), w.line);
        }
        // Two actions on one key: the overridden one (or both) goes back to its defaults,
        // which may free or take other keys, so look again until nothing clashes.
        let mut dropped = Vec::new();
        while let Some((mode, key, a, b)) = km.clash(&held) {
            for x in [a, b] {
                if let Some(line) = held.remove(&(mode, x)) {
                    km.set(mode, x, self.keys_of(mode, x));
                    warnings.push((
                        line,
                        format!(
                            "[keys] {key} is bound to both {} and {} in the {} mode; {} keeps its default keys",
                            a.name(),
                            b.name(),
                            mode.table(),
                            x.name()
                        ),
                    ));
                    dropped.push(x);
                }
            }
        }
        for (&(mode, action), w) in wanted.iter().filter(|(_, w)| w.reach == Reach::Carried) {
            if dropped.contains(&action) {
                continue;
            }
            let free: Vec<Key> = w
                .keys
                .iter()
                .filter(|k| {
                    km.bindings(mode)
                        .iter()
                        .all(|b| b.action == action || !b.keys.contains(k))
                })
                .copied()
                .collect();
            if !free.is_empty() {
                km.set(mode, action, free);
            }
        }
        warnings.sort_by_key(|(line, _)| *line);
        (km, warnings)
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

    fn over(mode: Option<&str>, action: &str, keys: &[&str], line: usize) -> KeyOverride {
        KeyOverride {
            mode: mode.map(String::from),
            action: action.into(),
            keys: keys.iter().map(|k| k.to_string()).collect(),
            line,
        }
    }

    fn names(km: &Keymap, mode: Mode, action: Action) -> Vec<String> {
        km.keys_of(mode, action)
            .iter()
            .map(Key::to_string)
            .collect()
    }

    #[test]
    fn an_override_changes_its_action_and_nothing_else() {
        let base = Keymap::default();
        let (km, warnings) = base.with_overrides(&[over(None, "search", &["ctrl-s", "/"], 3)]);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(names(&km, Mode::Normal, Action::Search), ["Ctrl-s", "/"]);
        assert_eq!(
            km.action(
                Mode::Normal,
                &key(KeyCode::Char('s'), KeyModifiers::CONTROL)
            ),
            Some(Action::Search)
        );
        for mode in Mode::ALL {
            for b in km
                .bindings(mode)
                .iter()
                .filter(|b| b.action != Action::Search)
            {
                assert_eq!(
                    b.keys,
                    base.keys_of(mode, b.action),
                    "{mode:?} {:?}",
                    b.action
                );
            }
        }
    }

    #[test]
    fn a_plain_name_is_carried_only_where_its_keys_are_free() {
        let base = Keymap::default();
        let (km, warnings) = base.with_overrides(&[over(None, "quit", &["q", "ctrl-c", "F10"], 1)]);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            names(&km, Mode::Normal, Action::Quit),
            ["q", "Ctrl-c", "F10"]
        );
        // `q` closes the help and types in the list; F10 is free everywhere.
        assert_eq!(names(&km, Mode::Help, Action::Quit), ["Ctrl-c", "F10"]);
        assert_eq!(
            names(&km, Mode::Help, Action::Close),
            names(&base, Mode::Help, Action::Close)
        );
        assert_eq!(names(&km, Mode::List, Action::Quit), ["Ctrl-c", "F10"]);
        assert_eq!(names(&km, Mode::Prompt, Action::Quit), ["Ctrl-c", "F10"]);
        // A mode table sets one mode exactly.
        let (km, warnings) = base.with_overrides(&[over(Some("list"), "quit", &["ctrl-q"], 1)]);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(names(&km, Mode::List, Action::Quit), ["Ctrl-q"]);
        assert_eq!(names(&km, Mode::Normal, Action::Quit), ["q", "Ctrl-c"]);
    }

    #[test]
    fn unknown_actions_bad_keys_and_modes_are_warnings_and_keep_defaults() {
        let base = Keymap::default();
        let (km, warnings) = base.with_overrides(&[
            over(None, "fly", &["x"], 2),
            over(None, "top", &["Hyper-x"], 3),
            over(Some("help"), "zoom", &["x"], 4),
            over(Some("nowhere"), "quit", &["x"], 5),
            over(Some("list"), "refresh", &["r"], 6),
            over(None, "bottom", &[], 7),
        ]);
        assert_eq!(km, base);
        let lines: Vec<usize> = warnings.iter().map(|(l, _)| *l).collect();
        assert_eq!(lines, [2, 3, 4, 5, 6, 7], "{warnings:?}");
        assert!(
            warnings[0].1.contains("unknown action \"fly\""),
            "{warnings:?}"
        );
        assert!(
            warnings[1].1.contains("unknown key \"Hyper-x\""),
            "{warnings:?}"
        );
    }

    #[test]
    fn two_actions_on_one_key_keep_the_default() {
        let base = Keymap::default();
        // `n` is next_match's: search keeps `/`.
        let (km, warnings) = base.with_overrides(&[over(None, "search", &["n"], 9)]);
        assert_eq!(km, base);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].0, 9);
        assert!(
            warnings[0]
                .1
                .contains("n is bound to both search and next_match in the normal mode"),
            "{warnings:?}"
        );
        // Moving next_match away first frees the key: no clash.
        let (km, warnings) = base.with_overrides(&[
            over(None, "search", &["n"], 1),
            over(None, "next_match", &["m"], 2),
        ]);
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(
            km.action(Mode::Normal, &key(KeyCode::Char('n'), KeyModifiers::NONE)),
            Some(Action::Search)
        );
        // Two overrides on one key: both go back.
        let (km, warnings) =
            base.with_overrides(&[over(None, "zoom", &["x"], 1), over(None, "time", &["x"], 2)]);
        assert_eq!(km, base);
        assert_eq!(warnings.len(), 2, "{warnings:?}");
    }

    #[test]
    fn overrides_change_hints() {
        let km = Keymap::parse("[normal]\nbottom = [\"End\"]\nquit = [\"x\"]\n").expect("parses");
        assert_eq!(km.key(Mode::Normal, Action::Bottom).as_deref(), Some("End"));
        assert!(km.hints(Mode::Normal).contains(&("x".to_string(), "quit")));
        assert!(Keymap::parse("[normal]\nfly = [\"x\"]\n").is_err());
    }
}

//! The help overlay's content and geometry, generated from the live keymap so it can
//! never disagree with what the keys do.

use super::keymap::{Keymap, Mode};
use super::state::App;

/// One row of the overlay: a key column (empty for prose) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpRow {
    pub keys: String,
    pub text: String,
}

impl HelpRow {
    fn prose(text: &str) -> Self {
        HelpRow {
            keys: String::new(),
            text: text.to_string(),
        }
    }
}

/// The session list's keys: its bindings, then what typing does.
pub fn list_rows(keymap: &Keymap) -> Vec<HelpRow> {
    let mut out: Vec<HelpRow> = keymap
        .bindings(Mode::List)
        .iter()
        .map(|b| HelpRow {
            keys: b.keys_label(),
            text: list_help(b.action).to_string(),
        })
        .collect();
    out.push(HelpRow::prose(""));
    out.push(HelpRow::prose(
        "Typing filters the rows as you type (fuzzy over id, names, e-mails and ticket; 'word exact, ^prefix, suffix$, !not). Sessions whose stored chat holds the query follow under \"in the chat:\"; Enter there opens the session at that message.",
    ));
    out
}

/// What a key does on the list, where it differs from a session.
fn list_help(action: super::keymap::Action) -> &'static str {
    use super::keymap::Action;
    match action {
        Action::Submit => {
            "open the selected session or chat line (a session id that matches no row: open it)"
        }
        Action::Cancel => "clear the query; on an empty one go back to the session (or quit)",
        Action::LineDown => "next row",
        Action::LineUp => "previous row",
        Action::PageDown => "a page down",
        Action::PageUp => "a page up",
        Action::Top => "first row",
        Action::Bottom => "last row",
        Action::Refresh => "fetch the list again now (it refreshes itself every 10 s)",
        other => other.help(),
    }
}

/// The normal mode's bindings, then what the transcript's marks mean, then the mouse.
pub fn rows(keymap: &Keymap, marks: &[(String, String)]) -> Vec<HelpRow> {
    let mut out: Vec<HelpRow> = keymap
        .bindings(Mode::Normal)
        .iter()
        .map(|b| HelpRow {
            keys: b.keys_label(),
            text: b.action.help().to_string(),
        })
        .collect();
    if !marks.is_empty() {
        out.push(HelpRow::prose(""));
        out.push(HelpRow::prose("In the transcript:"));
        out.extend(marks.iter().map(|(mark, what)| HelpRow {
            keys: mark.clone(),
            text: what.clone(),
        }));
    }
    out.push(HelpRow::prose(""));
    out.push(HelpRow::prose(
        "Mouse: the wheel scrolls a pane, a click focuses it (and picks a message for y); hold Shift to select text.",
    ));
    out
}

/// The transcript's speaker marks and what each means.
pub fn marks() -> Vec<(String, String)> {
    super::transcript::Speaker::ALL
        .iter()
        .map(|s| (s.mark().trim().to_string(), s.describe().to_string()))
        .collect()
}

/// The overlay at the current terminal size: its width and its rows, wrapped to fit
/// (a narrow terminal wraps a description under itself rather than cutting it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLayout {
    /// Columns of the popup, borders included.
    pub width: u16,
    /// Columns of the key column.
    pub key_width: usize,
    /// Rows; a continuation has empty `keys`, and is drawn under the text column
    /// when `indented`.
    pub rows: Vec<(HelpRow, bool)>,
}

pub fn layout(app: &App) -> HelpLayout {
    use super::wrap::{width, wrap};
    let raw = match app.screen {
        super::state::Screen::List(_) => list_rows(&app.keymap),
        _ => rows(&app.keymap, &marks()),
    };
    let key_width = raw.iter().map(|r| width(&r.keys)).max().unwrap_or(8);
    let natural = raw
        .iter()
        .map(|r| {
            if r.keys.is_empty() {
                1 + width(&r.text)
            } else {
                1 + key_width + 2 + width(&r.text)
            }
        })
        .max()
        .unwrap_or(20)
        + 3;
    let popup = natural.min(app.size.0 as usize);
    let inner = popup.saturating_sub(2).max(1);
    let text_cols = inner.saturating_sub(key_width + 3).max(8);
    let mut out = Vec::new();
    for r in raw {
        if r.keys.is_empty() {
            for line in wrap(&r.text, inner.saturating_sub(1), inner.saturating_sub(1)) {
                out.push((HelpRow::prose(&line), false));
            }
            continue;
        }
        for (n, line) in wrap(&r.text, text_cols, text_cols).into_iter().enumerate() {
            let keys = if n == 0 {
                r.keys.clone()
            } else {
                String::new()
            };
            out.push((HelpRow { keys, text: line }, n > 0));
        }
    }
    HelpLayout {
        width: popup as u16,
        key_width,
        rows: out,
    }
}

/// How far the overlay can scroll at the current terminal size.
pub fn max_scroll(app: &App) -> usize {
    (layout(app).rows.len() + 2).saturating_sub(app.size.1 as usize)
}

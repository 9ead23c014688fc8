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
        "Mouse: the wheel scrolls a pane, a click focuses it; hold Shift to select text.",
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

/// How far the overlay can scroll at the current terminal height.
pub fn max_scroll(app: &App) -> usize {
    (rows(&app.keymap, &marks()).len() + 2).saturating_sub(app.size.1 as usize)
}

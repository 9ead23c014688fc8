//! The "which session?" prompt: shown at start without an id, on `:` from a session
//! (pre-filled with its id), and by itself when a session could not be loaded.
//! Editing (cursor keys, Home/End, Backspace, Ctrl-w, Ctrl-u) is tui-input's.

use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use tui_input::backend::crossterm::EventHandler;
use tui_input::Input;

use super::state::SessionScreen;

#[derive(Debug)]
pub struct PromptScreen {
    pub input: Input,
    /// Why the prompt is asking again (the last failure), or what was wrong with the input.
    pub error: Option<String>,
    /// What to do about `error`.
    pub hint: Option<String>,
    /// The pre-filled id is "selected": typing replaces it, a cursor key keeps it.
    pub fresh: bool,
    /// The session the prompt was opened over: Esc goes back to it.
    pub back: Option<Box<SessionScreen>>,
}

impl PromptScreen {
    pub fn new(text: String, back: Option<Box<SessionScreen>>) -> Self {
        PromptScreen {
            fresh: !text.is_empty(),
            input: Input::new(text),
            error: None,
            hint: None,
            back,
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// Enter would ask for the session that just failed again.
    pub fn is_retry(&self) -> bool {
        self.error.is_some()
            && self
                .back
                .as_ref()
                .is_some_and(|b| b.id == crate::api::normalize_session_id(self.value()))
    }

    /// An editing key. Typing over a pre-filled id replaces it; Backspace or Delete
    /// clears it; any other key keeps it and starts editing. True when anything changed.
    pub fn edit(&mut self, key: KeyEvent) -> bool {
        if std::mem::take(&mut self.fresh) {
            match key.code {
                KeyCode::Backspace | KeyCode::Delete => {
                    self.input.reset();
                    return true;
                }
                KeyCode::Char(_)
                    if !key
                        .modifiers
                        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
                {
                    self.input.reset();
                }
                _ => {}
            }
        }
        self.input.handle_event(&Event::Key(key)).is_some()
    }
}

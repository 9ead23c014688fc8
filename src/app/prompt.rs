//! The "which session?" prompt: shown at start without an id, on `:` from a session
//! (pre-filled with its id), and by itself when a session could not be loaded.
//! Editing (cursor keys, Home/End, Backspace, Ctrl-w, Ctrl-u) is tui-input's.

use tui_input::Input;

use super::state::SessionScreen;

#[derive(Debug)]
pub struct PromptScreen {
    pub input: Input,
    /// Why the prompt is asking again (the last failure), or what was wrong with the input.
    pub error: Option<String>,
    /// The session the prompt was opened over: Esc goes back to it.
    pub back: Option<Box<SessionScreen>>,
}

impl PromptScreen {
    pub fn new(text: String, back: Option<Box<SessionScreen>>) -> Self {
        PromptScreen {
            input: Input::new(text),
            error: None,
            back,
        }
    }

    pub fn value(&self) -> &str {
        self.input.value()
    }
}

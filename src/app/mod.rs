//! The viewer's state and the one reducer that changes it.

pub mod keymap;
pub mod state;
pub mod transcript;
pub mod update;
pub mod wrap;

pub use keymap::Action;
pub use state::{App, Load, Pane, Prompt, Remote};
pub use update::{update, Effect, Msg};

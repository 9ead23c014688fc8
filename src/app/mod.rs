//! The viewer's state, its geometry and the one reducer that changes it. Nothing here
//! draws or does I/O, and nothing here imports the drawing module (`.ci/run` checks).

pub mod copy;
pub mod entries;
pub mod filter;
pub mod help;
pub mod history;
pub mod hyperlinks;
pub mod keymap;
pub mod layout;
pub mod links_menu;
pub mod list;
pub mod list_rows;
pub mod prompt;
pub mod rows;
pub mod search;
pub mod session_rows;
pub mod state;
pub mod texts;
pub mod transcript;
pub mod update;
pub mod viewport;
pub mod wrap;

pub use keymap::{Action, Keymap};
pub use state::{App, Context, Load, Pane, Remote, Screen, SessionScreen};
pub use update::{update, Effect, Msg};

//! The commands that print and exit (`list`, `search`, `sync`, `store …`), and how any
//! command turns an outcome into one of the documented exit codes.

pub mod list;
pub mod search;
pub mod store;
pub mod sync;

use std::process::ExitCode;

use crate::api::{ApiError, ErrorClass};

/// The documented exit status of an error's class.
pub fn exit_code(class: ErrorClass) -> u8 {
    match class {
        ErrorClass::Usage => 2,
        ErrorClass::Auth => 3,
        ErrorClass::NotFound => 4,
        ErrorClass::Api => 5,
    }
}

/// Reports an API error with its hint on stderr and returns its exit status.
pub fn fail(e: &ApiError) -> ExitCode {
    let code = exit_code(e.class());
    let text = match e.hint() {
        Some(h) => format!("{e}\nhint: {h}"),
        None => e.to_string(),
    };
    fail_plain(&text, code)
}

/// Reports `text` (sanitised) on stderr and returns `code`.
pub fn fail_plain(text: &str, code: u8) -> ExitCode {
    let clean = crate::sanitize::sanitize(text);
    eprintln!("g2a-tui: {clean}");
    ExitCode::from(code)
}

/// Says `text` (sanitised) on stderr without ending anything: a store that cannot be used,
/// a stored copy standing in.
pub fn warn(text: &str) {
    let clean = crate::sanitize::sanitize(text);
    eprintln!("g2a-tui: {clean}");
}

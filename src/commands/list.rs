//! `g2a-tui list`.

use std::process::ExitCode;

use crate::cli::ListArgs;
use crate::connection::Settings;

pub async fn run(settings: &Settings, args: &ListArgs) -> ExitCode {
    let _ = (settings, args);
    super::fail_plain("`list` is not built yet", 1)
}

//! `g2a-tui sync`.

use std::process::ExitCode;

use crate::cli::SyncArgs;
use crate::connection::Settings;

pub async fn run(settings: &Settings, args: &SyncArgs) -> ExitCode {
    let _ = (settings, args);
    super::fail_plain("`sync` is not built yet", 1)
}

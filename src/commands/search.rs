//! `g2a-tui search`.

use std::process::ExitCode;

use crate::cli::SearchArgs;
use crate::connection::Settings;

pub async fn run(settings: &Settings, args: &SearchArgs) -> ExitCode {
    let _ = (settings, args);
    super::fail_plain("`search` is not built yet", 1)
}

//! `g2a-tui store`.

use std::process::ExitCode;

use crate::cli::StoreArgs;
use crate::connection::Settings;

pub async fn run(settings: &Settings, args: &StoreArgs) -> ExitCode {
    let _ = (settings, args);
    super::fail_plain("`store` is not built yet", 1)
}

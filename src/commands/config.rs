//! `g2a-tui config`: the effective settings and where each came from, never a secret;
//! `g2a-tui config init`: the commented default file, never over an existing one.

use std::process::ExitCode;

use super::{columns, fail_plain, write_stdout};
use crate::cli::Effective;
use crate::config::{self, Location};
use crate::sanitize::sanitize_line;

pub fn show(location: Option<&Location>, effective: &Effective, warnings: &[String]) -> ExitCode {
    let mut out = String::new();
    match location {
        Some(l) if l.path.exists() => {
            out.push_str(&format!("config file: {}\n", l.path.display()));
        }
        Some(l) => out.push_str(&format!(
            "config file: {} (none there; `g2a-tui config init` writes one)\n",
            l.path.display()
        )),
        None => out.push_str("config file: none (no home directory to look in)\n"),
    }
    out.push('\n');
    let rows: Vec<Vec<String>> = effective
        .rows()
        .into_iter()
        .map(|(key, value, origin)| {
            vec![
                key.to_string(),
                sanitize_line(&value).into_owned(),
                origin.label().to_string(),
            ]
        })
        .collect();
    // Paths and URLs are copied from here: shown whole, never cut.
    out.push_str(&columns(&["KEY", "VALUE", "FROM"], &rows, usize::MAX));
    if !warnings.is_empty() {
        out.push_str("\nwarnings (ignored, the run goes on):\n");
        for w in warnings {
            out.push_str(&format!("  {}\n", sanitize_line(w)));
        }
    }
    match write_stdout(&out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

pub fn init(location: Option<&Location>) -> ExitCode {
    let Some(location) = location else {
        return fail_plain(
            "no home directory to put the config file in\nhint: g2a-tui --config PATH config init",
            2,
        );
    };
    match config::init(location) {
        Ok(path) => match write_stdout(&format!(
            "wrote a commented default config to {}\n",
            path.display()
        )) {
            Ok(()) => ExitCode::SUCCESS,
            Err(code) => code,
        },
        Err(why) => fail_plain(&why, 2),
    }
}

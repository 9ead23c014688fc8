//! `g2a-tui store info|prune|clear`: the local store looked after from the command line.
//! None of them needs a token or the network, and none creates a store that is not
//! there: reporting on or emptying a store that does not exist has nothing to do.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use crate::api::model::Timestamp;
use crate::cli::{StoreArgs, StoreCommand};
use crate::connection::Settings;
use crate::sanitize::sanitize_line;
use crate::store::{Info, Store};
use crate::timefmt::Zone;

pub async fn run(settings: &Settings, args: &StoreArgs) -> ExitCode {
    let path = match where_it_is(settings) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let zone = if settings.utc { Zone::Utc } else { Zone::Local };
    let shown = sanitize_line(&path.display().to_string()).into_owned();
    if !path.exists() {
        let text = match args.command {
            StoreCommand::Info => format!("no local store yet at {shown}"),
            StoreCommand::Prune { .. } => format!("no local store at {shown}; nothing to prune"),
            StoreCommand::Clear => format!("no local store at {shown}; nothing to clear"),
        };
        return say(&text);
    }
    let command = match args.command {
        StoreCommand::Info => Command::Info,
        StoreCommand::Prune { older_than } => Command::Prune(older_than),
        StoreCommand::Clear => Command::Clear,
    };
    // SQLite blocks; a CLI command can afford it, but not on the async threads.
    let outcome = tokio::task::spawn_blocking(move || apply(&path, command, zone)).await;
    match outcome {
        Ok(Ok(text)) => say(&text),
        Ok(Err(e)) => super::fail_plain(&e, 1),
        Err(e) => super::fail_plain(&format!("store: {e}"), 1),
    }
}

#[derive(Debug, Clone, Copy)]
enum Command {
    Info,
    Prune(u32),
    Clear,
}

/// The store's file, or the exit status after saying why there is none to look after.
fn where_it_is(settings: &Settings) -> Result<PathBuf, ExitCode> {
    if !settings.store.enabled {
        return Err(super::fail_plain(
            "the local store is turned off (--no-store or G2A_NO_STORE)",
            2,
        ));
    }
    settings.store.file().ok_or_else(|| {
        super::fail_plain(
            "there is no data directory for the local store\nhint: pass --store PATH or set G2A_STORE",
            2,
        )
    })
}

fn apply(path: &Path, command: Command, zone: Zone) -> Result<String, String> {
    let mut store = Store::open(path).map_err(|e| match e.hint() {
        Some(hint) => format!("{e}\nhint: {hint}"),
        None => e.to_string(),
    })?;
    match command {
        Command::Info => store.info().map(|i| info_text(&i, zone)),
        Command::Prune(days) => {
            let age = Duration::from_secs(u64::from(days) * 86_400);
            store.prune(age).map(|n| {
                format!(
                    "pruned {n} {} not seen for {days} {}",
                    plural(n as u64, "session", "sessions"),
                    plural(u64::from(days), "day", "days")
                )
            })
        }
        Command::Clear => store.clear().map(|()| {
            let shown = sanitize_line(&path.display().to_string()).into_owned();
            format!("cleared the local store at {shown}")
        }),
    }
    .map_err(|e| e.to_string())
}

/// `store info`: one fact a line, label first.
pub fn info_text(info: &Info, zone: Zone) -> String {
    let oldest = info.oldest.as_deref().map_or("-".to_string(), |raw| {
        zone.stamp(&Timestamp::parse(&sanitize_line(raw)))
    });
    format!(
        "path      {}\nsize      {}\nsessions  {}\nmessages  {}\noldest    {oldest}",
        sanitize_line(&info.path.display().to_string()),
        size(info.bytes),
        info.sessions,
        info.messages,
    )
}

fn plural(n: u64, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// Bytes as a reader takes them in: "812 B", "4.0 KiB", "1.3 MiB".
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

fn say(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => super::fail_plain(&format!("cannot write output: {e}"), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(size(812), "812 B");
        assert_eq!(size(4096), "4.0 KiB");
        assert_eq!(size(1_363_149), "1.3 MiB");
    }
}

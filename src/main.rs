//! Parse the command line, pick a mode (viewer, print, demo server), run it, and turn
//! the outcome into one of the documented exit codes.

use std::io::Write;
use std::process::ExitCode;

use g2a_tui::app::Keymap;
use g2a_tui::cli::{self, Cli, Command, ConfigCommand, Effective, Parsed, PrintArgs};
use g2a_tui::commands::{self, exit_code, fail, fail_plain};
use g2a_tui::config::{FileConfig, Location, Warning};
use g2a_tui::connection::{Connection, Settings};
use g2a_tui::source::Source;
use g2a_tui::store::writer::Backlog;
use g2a_tui::timefmt::Zone;
use g2a_tui::ui::Theme;
use g2a_tui::viewer::Outcome;
use g2a_tui::{demo, print};

/// Everything a run takes from the command line, the environment and the config file.
struct Setup {
    effective: Effective,
    settings: Settings,
    keymap: Keymap,
    theme: Theme,
    location: Option<Location>,
    /// Each already said on stderr; the viewer repeats the first in its status line.
    warnings: Vec<String>,
}

/// Reads the config file and layers it under the flags and the environment. A file
/// that cannot be used stops the program (exit 2) with its path and line.
fn setup(parsed: &Parsed) -> Result<Setup, ExitCode> {
    let location = Location::find(parsed.cli.common.config.clone());
    let file = match location.as_ref().map(Location::load).transpose() {
        Ok(file) => file.unwrap_or_default(),
        Err(e) => return Err(fail_plain(&e.to_string(), 2)),
    };
    let no_color = Theme::no_color_env();
    let effective = parsed.resolve(&file, no_color);
    let (keymap, key_warnings) = Keymap::default().with_overrides(&file.keys);
    let (theme, color_warnings) = Theme::build(effective.theme.value, &file.colors, no_color);
    let warnings = describe(&file, key_warnings.into_iter().chain(color_warnings));
    // `config` lists them in its own report.
    if !matches!(parsed.cli.command, Some(Command::Config(_))) {
        for w in &warnings {
            commands::warn(&format!("warning: {w}"));
        }
    }
    Ok(Setup {
        settings: effective.settings(&parsed.cli.common),
        effective,
        keymap,
        theme,
        location,
        warnings,
    })
}

/// The file's own warnings and the keymap's and theme's, in line order, with the path.
fn describe(file: &FileConfig, more: impl Iterator<Item = (usize, String)>) -> Vec<String> {
    let mut all: Vec<Warning> = file.warnings.clone();
    all.extend(more.map(|(line, message)| Warning { line, message }));
    all.sort_by_key(|w| w.line);
    let path = file.path.clone().unwrap_or_default();
    all.iter().map(|w| w.describe(&path)).collect()
}

fn main() -> ExitCode {
    let parsed = Parsed::from_env();
    // What needs no settings runs before the config file is read, so a broken file
    // can still be replaced with `config init`'s help, and scripts get completions.
    match &parsed.cli.command {
        Some(Command::Completions(args)) => {
            return write_or_fail(&cli::completions(args.shell));
        }
        Some(Command::Man) => return write_or_fail(&cli::man()),
        Some(Command::Config(args)) if matches!(args.command, Some(ConfigCommand::Init)) => {
            return commands::config::init(
                Location::find(parsed.cli.common.config.clone()).as_ref(),
            );
        }
        _ => {}
    }
    let setup = match setup(&parsed) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // `config` shows the log settings; it does not need (or fail on) the file itself.
    if !matches!(parsed.cli.command, Some(Command::Config(_))) {
        if let Err(code) = start_log(&parsed.cli, &setup.effective) {
            return code;
        }
    }
    let code = run(&parsed.cli, setup);
    let number = (0..=u8::MAX).find(|&n| ExitCode::from(n) == code);
    tracing::info!(code = number, "exit");
    g2a_tui::logging::finish();
    code
}

/// Starts writing the log file, if one is set; an unusable one is a usage error.
fn start_log(cli: &Cli, effective: &Effective) -> Result<(), ExitCode> {
    let Some(path) = &effective.log_file.value else {
        return Ok(());
    };
    g2a_tui::logging::start(path, effective.log_level.value).map_err(|e| {
        let hint = "hint: --log-file PATH (or G2A_LOG=PATH, G2A_LOG=debug:PATH) names a file in a directory you can write";
        fail_plain(&format!("{e}\n{hint}"), 2)
    })?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        command = command_name(cli),
        pid = std::process::id(),
        level = effective.log_level.value.name(),
        "start"
    );
    Ok(())
}

/// The mode being run, as the log names it (never its arguments: one may be a token).
fn command_name(cli: &Cli) -> &'static str {
    match cli.command {
        None => "viewer",
        Some(Command::Print(_)) => "print",
        Some(Command::List(_)) => "list",
        Some(Command::Search(_)) => "search",
        Some(Command::Sync(_)) => "sync",
        Some(Command::Store(_)) => "store",
        Some(Command::Auth(_)) => "auth",
        Some(Command::DemoServer(_)) => "demo-server",
        Some(Command::Config(_)) => "config",
        Some(Command::Completions(_)) => "completions",
        Some(Command::Man) => "man",
    }
}

/// The signals a mode catches itself (it then ends through `main`, which flushes the log).
fn signals_caught(cli: &Cli) -> &'static [i32] {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    match cli.command {
        None => &[SIGHUP, SIGINT, SIGTERM],
        Some(Command::Sync(_)) => &[SIGINT],
        Some(Command::DemoServer(_)) => &[SIGINT, SIGTERM],
        _ => &[],
    }
}

fn run(cli: &Cli, setup: Setup) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail_plain(&format!("cannot start the async runtime: {e}"), 1),
    };
    runtime.block_on(async { g2a_tui::logging::flush_on_signals(signals_caught(cli)) });
    match cli.command {
        Some(Command::DemoServer(ref args)) => runtime.block_on(async {
            match demo::serve_until_interrupted(args.addr).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail_plain(&format!("demo server: {e}"), 1),
            }
        }),
        Some(Command::Print(ref args)) => runtime.block_on(commands::retries_on_stderr(run_print(
            cli,
            &setup.settings,
            args,
        ))),
        Some(Command::List(ref args)) => runtime.block_on(commands::retries_on_stderr(
            commands::list::run(&setup.settings, args),
        )),
        Some(Command::Search(ref args)) => {
            runtime.block_on(commands::search::run(&setup.settings, args))
        }
        Some(Command::Sync(ref args)) => {
            runtime.block_on(commands::sync::run(&setup.settings, args))
        }
        Some(Command::Auth(ref args)) => {
            runtime.block_on(commands::auth::run(&setup.settings, args))
        }
        Some(Command::Store(ref args)) => {
            runtime.block_on(commands::store::run(&setup.settings, args))
        }
        Some(Command::Config(_)) => {
            commands::config::show(setup.location.as_ref(), &setup.effective, &setup.warnings)
        }
        Some(Command::Completions(_) | Command::Man) => ExitCode::SUCCESS,
        None => runtime.block_on(run_viewer(cli, setup)),
    }
}

fn write_or_fail(text: &str) -> ExitCode {
    match commands::write_stdout(text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(code) => code,
    }
}

async fn run_viewer(cli: &Cli, setup: Setup) -> ExitCode {
    use std::io::IsTerminal;
    let (stdin, stdout) = (
        std::io::stdin().is_terminal(),
        std::io::stdout().is_terminal(),
    );
    if let Some(which) = cli::not_a_terminal(stdin, stdout) {
        return fail_plain(
            &format!("the viewer needs a terminal: {which}\nhint: use `g2a-tui print` to write the session to a file or a pipe"),
            2,
        );
    }
    let settings = setup.settings;
    if let Err(code) = commands::offline_needs_store(&settings) {
        return code;
    }
    let conn = match Connection::open(&settings).await {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    // Shown as `#482913657`, pasted back the same way: the id is normalised once here.
    // Without one the session list opens (with --demo too: it lists the demo's sessions).
    let id = cli
        .session_id
        .as_deref()
        .map(g2a_tui::api::normalize_session_id);
    let opts = g2a_tui::viewer::Options {
        session_id: id,
        poll: Some(setup.effective.poll_secs.value)
            .filter(|&s| s > 0)
            .map(std::time::Duration::from_secs),
        zone: if settings.utc { Zone::Utc } else { Zone::Local },
        keymap: setup.keymap,
        theme: setup.theme,
        store: settings.store.clone(),
        config_warnings: setup.warnings,
    };
    match g2a_tui::viewer::run(conn, opts).await {
        // Quitting while the session had failed to load reports that failure, as
        // `print` would.
        Ok(Outcome {
            signal: Some(n), ..
        }) => ExitCode::from(u8::try_from(128 + n).unwrap_or(1)),
        Ok(outcome) => outcome
            .failure
            .map_or(ExitCode::SUCCESS, |c| ExitCode::from(exit_code(c))),
        Err(e) => fail_plain(&format!("{e:#}"), 1),
    }
}

/// Written before the process ends; a write that failed is worth a line, not a failure.
fn close_store(source: &Source) {
    if let Some(why) = tokio::task::block_in_place(|| source.close()) {
        commands::warn(&format!("not stored: {why}"));
    }
}

/// Writes to standard output; a closed pipe (`| head`) is not worth a complaint, any
/// other failure is the exit status.
fn write_out(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Option<ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Ok(()) => None,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => None,
        Err(e) => Some(fail_plain(&format!("cannot write output: {e}"), 1)),
    }
}

async fn run_print(cli: &Cli, settings: &Settings, args: &PrintArgs) -> ExitCode {
    // A missing id is a usage error whatever else is wrong, so it is checked first.
    let id = match args.session_id.clone().or_else(|| cli.session_id.clone()) {
        Some(id) => id,
        None if cli.common.demo => demo::MAIN_SESSION.to_string(),
        None => {
            return fail_plain(
                "no session id given\nhint: g2a-tui print SESSION_ID (or --demo to try the bundled demo)",
                2,
            )
        }
    };
    if let Err(e) = g2a_tui::api::client::check_id(&id) {
        return fail(&e);
    }
    if let Err(code) = commands::offline_needs_store(settings) {
        return code;
    }
    let conn = match Connection::open(settings).await {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let offline = conn.client.is_offline();
    let (source, store_problem) = Source::open(
        conn.client.clone(),
        &settings.store,
        offline,
        // print exits once the answer is out: unpacking it is for the next reader.
        Backlog::Leave,
    );
    if let Some(why) = store_problem {
        commands::warn(&format!("{why}; going on without it"));
    }
    let zone = if settings.utc { Zone::Utc } else { Zone::Local };
    let opts = print::PrintOptions {
        format: args.format.into(),
        zone,
        reveal_secrets: args.reveal_secrets,
    };
    let (report, stored) = {
        // Each format writes the transcript as it is decoded (JSON: as it arrives).
        let mut stdout = std::io::stdout().lock();
        let domain = conn.system_domain.as_deref();
        let printed = if opts.format == print::Format::Json {
            print::json_stream::print(&source, &id, domain, &opts, &mut stdout).await
        } else {
            print::stream::print(&source, &id, domain, &opts, &mut stdout).await
        };
        close_store(&source);
        match printed {
            Ok(p) => (p.report, p.stored),
            Err(print::stream::PrintError::Api(e)) => return fail(&e),
            Err(print::stream::PrintError::Write(e)) => {
                if let Some(code) = write_out(|_| Err(e)) {
                    return code;
                }
                return ExitCode::SUCCESS;
            }
        }
    };
    for (part, at) in &stored {
        commands::warn(&format!(
            "offline · the {part} as stored at {} {}",
            zone.date_time(*at),
            zone.suffix(*at)
        ));
    }
    // The document holds what could be fetched; a part that failed still sets the status.
    match report.first_error() {
        Some(e) => fail(e),
        None => ExitCode::SUCCESS,
    }
}

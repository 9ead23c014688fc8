//! Parse the command line, pick a mode (viewer, print, demo server), run it, and turn
//! the outcome into one of the documented exit codes.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use g2a_tui::cli::{self, Cli, Command, PrintArgs};
use g2a_tui::commands::{self, exit_code, fail, fail_plain};
use g2a_tui::connection::Connection;
use g2a_tui::source::Source;
use g2a_tui::timefmt::Zone;
use g2a_tui::{demo, print};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail_plain(&format!("cannot start the async runtime: {e}"), 1),
    };
    match cli.command {
        Some(Command::DemoServer(args)) => runtime.block_on(async {
            match demo::serve_until_interrupted(args.addr).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail_plain(&format!("demo server: {e}"), 1),
            }
        }),
        Some(Command::Print(ref args)) => runtime.block_on(run_print(&cli, args)),
        Some(Command::List(ref args)) => {
            runtime.block_on(commands::list::run(&cli.common.settings(), args))
        }
        Some(Command::Search(ref args)) => {
            runtime.block_on(commands::search::run(&cli.common.settings(), args))
        }
        Some(Command::Sync(ref args)) => {
            runtime.block_on(commands::sync::run(&cli.common.settings(), args))
        }
        Some(Command::Auth(ref args)) => {
            runtime.block_on(commands::auth::run(&cli.common.settings(), args))
        }
        Some(Command::Store(ref args)) => {
            runtime.block_on(commands::store::run(&cli.common.settings(), args))
        }
        None => runtime.block_on(run_viewer(&cli)),
    }
}

async fn run_viewer(cli: &Cli) -> ExitCode {
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
    let settings = cli.common.settings();
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
        poll: (cli.poll > 0).then(|| std::time::Duration::from_secs(cli.poll)),
        zone: if settings.utc { Zone::Utc } else { Zone::Local },
        keymap: g2a_tui::app::Keymap::default(),
        theme: g2a_tui::ui::Theme::from_env(),
        store: settings.store.clone(),
    };
    match g2a_tui::viewer::run(conn, opts).await {
        // Quitting while the session had failed to load reports that failure, as
        // `print` would.
        Ok(outcome) => outcome
            .failure
            .map_or(ExitCode::SUCCESS, |c| ExitCode::from(exit_code(c))),
        Err(e) => fail_plain(&format!("{e:#}"), 1),
    }
}

async fn run_print(cli: &Cli, args: &PrintArgs) -> ExitCode {
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
    let settings = cli.common.settings();
    let conn = match Connection::open(&settings).await {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let offline = conn.client.is_offline();
    let (source, store_problem) = Source::open(conn.client.clone(), &settings.store, offline);
    if let Some(why) = store_problem {
        commands::warn(&format!("{why}; going on without it"));
    }
    let fetched = print::fetch(&source, &id, conn.system_domain.as_deref()).await;
    // Written before the process ends; a write that failed is worth a line, not a failure.
    if let Some(why) = tokio::task::block_in_place(|| source.close()) {
        commands::warn(&format!("not stored: {why}"));
    }
    let zone = if settings.utc { Zone::Utc } else { Zone::Local };
    let report = match fetched {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    for (part, at) in &report.stored {
        commands::warn(&format!(
            "offline · the {part} as stored at {} {}",
            zone.date_time(*at),
            zone.suffix(*at)
        ));
    }
    let report = report.report;
    let opts = print::PrintOptions {
        format: args.format.into(),
        zone,
        reveal_secrets: args.reveal_secrets,
    };
    let out = print::render(&report, &opts, chrono::Utc::now());
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
    {
        // A closed pipe (`| head`) is not worth a complaint.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return fail_plain(&format!("cannot write output: {e}"), 1);
        }
    }
    // The document holds what could be fetched; a part that failed still sets the status.
    match report.first_error() {
        Some(e) => fail(e),
        None => ExitCode::SUCCESS,
    }
}

//! `g2a-tui sync`: the session list of the last N days, then every listed session and transcript
//! that is not stored yet or was not complete when stored, each stored as it arrives, so an
//! interrupted run keeps what it fetched and the next run goes on from there.
//!
//! Requests go one at a time, at most 5 a second (the API allows about 10): a tokio interval
//! with `MissedTickBehavior::Delay` spaces their starts at least 200 ms apart. One sequential
//! loop needs nothing more than that; a rate-limiting crate (governor) would bring a dependency
//! for the same single clock.

use std::future::Future;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use tokio::time::{interval, Interval, MissedTickBehavior};

use super::{exit_code, fail, fail_plain};
use crate::api::worker::SCREEN_SHARING;
use crate::api::{ApiError, Client, ErrorClass, Session};
use crate::cli::SyncArgs;
use crate::connection::{Connection, Settings};
use crate::store::write_log::timed;
use crate::store::{Store, StoreError};

/// The least time between the starts of two requests: 5 a second.
const SPACING: Duration = Duration::from_millis(200);

/// Without a terminal, a progress line after every this many sessions.
const LINE_EVERY: usize = 100;

/// Exit status after Ctrl-C, as shells report a SIGINT.
const INTERRUPTED: u8 = 130;

pub async fn run(settings: &Settings, args: &SyncArgs) -> ExitCode {
    if !settings.store.enabled {
        return fail_plain(
            "sync stores what it fetches, and the store is turned off (--no-store or G2A_NO_STORE)",
            2,
        );
    }
    if settings.offline {
        return fail_plain(
            "sync fetches from the API, and --offline makes no request",
            2,
        );
    }
    let mut store = match settings.store.open() {
        Ok(Some(store)) => store,
        Ok(None) => {
            return fail_plain(
                "there is no home directory to keep a store in; name one with --store PATH",
                2,
            )
        }
        Err(e) => return fail_plain(&e.to_string(), 1),
    };
    let conn = match Connection::open(settings).await {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let mut tally = Tally::default();
    let outcome = tokio::select! {
        r = sync(&conn.client, &mut store, args.days, &mut tally) => Some(r),
        () = ctrl_c() => None,
    };
    tally.finish_progress();
    match outcome {
        None => {
            super::stdout_line(&tally.summary("interrupted"));
            ExitCode::from(INTERRUPTED)
        }
        Some(Err(Stop::Api(e))) => {
            super::stdout_line(&tally.summary("stopped"));
            fail(&e)
        }
        Some(Err(Stop::Store(e))) => {
            super::stdout_line(&tally.summary("stopped"));
            fail_plain(&e.to_string(), 1)
        }
        Some(Ok(())) => {
            super::stdout_line(&tally.summary("done"));
            match tally.first_failure {
                Some(class) => ExitCode::from(exit_code(class)),
                None => ExitCode::SUCCESS,
            }
        }
    }
}

/// Resolves on Ctrl-C; never when the signal cannot be watched.
async fn ctrl_c() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Why the whole sync stopped early.
enum Stop {
    /// The list failed, or a request was refused for a reason every other would share
    /// (the token).
    Api(ApiError),
    /// The store refused a write.
    Store(StoreError),
}

/// What happened to the listed sessions so far, and the progress display.
#[derive(Default)]
struct Tally {
    listed: usize,
    done: usize,
    fetched: usize,
    skipped: usize,
    failed: usize,
    first_failure: Option<ErrorClass>,
    bar: Option<ProgressBar>,
}

impl Tally {
    fn start(&mut self, listed: usize) {
        self.listed = listed;
        if std::io::stderr().is_terminal() {
            let bar = ProgressBar::new(listed as u64);
            if let Ok(style) =
                ProgressStyle::with_template("{bar:30} {pos}/{len} sessions  {msg}  {eta}")
            {
                bar.set_style(style);
            }
            self.bar = Some(bar);
        }
    }

    fn counts(&self) -> String {
        format!(
            "fetched {}, skipped {}, failed {}",
            self.fetched, self.skipped, self.failed
        )
    }

    fn step(&mut self) {
        self.done += 1;
        match &self.bar {
            Some(bar) => {
                bar.set_message(self.counts());
                bar.inc(1);
            }
            None if self.done.is_multiple_of(LINE_EVERY) => {
                super::stderr_line(&format!(
                    "sync: {} of {} sessions ({})",
                    self.done,
                    self.listed,
                    self.counts()
                ));
            }
            None => {}
        }
    }

    fn finish_progress(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn summary(&self, how: &str) -> String {
        let left = self.listed.saturating_sub(self.done);
        let left = if left > 0 {
            format!(", {left} not reached")
        } else {
            String::new()
        };
        format!(
            "sync {how}: {} sessions listed, {}{left}",
            self.listed,
            self.counts()
        )
    }
}

/// Starts of requests at least [`SPACING`] apart.
struct Pace(Interval);

impl Pace {
    fn new() -> Self {
        let mut i = interval(SPACING);
        // After a slow request the next may go at once, never two in a burst.
        i.set_missed_tick_behavior(MissedTickBehavior::Delay);
        Pace(i)
    }

    async fn request<T>(&mut self, call: impl Future<Output = T>) -> T {
        self.0.tick().await;
        call.await
    }
}

async fn sync(
    client: &Client,
    store: &mut Store,
    days: u32,
    tally: &mut Tally,
) -> Result<(), Stop> {
    let mut pace = Pace::new();
    let now = Utc::now();
    let from = now - TimeDelta::days(days.into());
    let list = pace
        .request(client.list_sessions(SCREEN_SHARING, from, now))
        .await
        .map_err(Stop::Api)?;
    let rows = list.sessions.len();
    timed("list rows", None, rows, || {
        store.put_list_rows(&list.sessions, Utc::now())
    })
    .map_err(Stop::Store)?;
    let rows = crate::present::list::merge(&list.sessions, &[], from, now);
    tally.start(rows.len());
    for row in rows {
        match sync_one(client, store, &mut pace, &row.session).await {
            Ok(true) => tally.fetched += 1,
            Ok(false) => tally.skipped += 1,
            Err(Stop::Api(e)) if e.class() != ErrorClass::Auth => {
                tally.failed += 1;
                tally.first_failure.get_or_insert(e.class());
            }
            Err(stop) => return Err(stop),
        }
        tally.step();
    }
    Ok(())
}

/// Fetches and stores what the store lacks of one listed session; `Ok(false)` when it lacked
/// nothing.
async fn sync_one(
    client: &Client,
    store: &mut Store,
    pace: &mut Pace,
    listed: &Session,
) -> Result<bool, Stop> {
    let Some(id) = listed.session_id.as_deref().map(str::trim) else {
        return Ok(false);
    };
    let stored = store.get_session(id).map_err(Stop::Store)?;
    let session_done = stored.as_ref().is_some_and(|s| s.complete && !s.from_list);
    let transcript_at = store.transcript_fetched_at(id).map_err(Stop::Store)?;
    let transcript_done = match (&stored, transcript_at) {
        (Some(s), Some(at)) if session_done => transcript_complete(&s.session, s.fetched_at, at),
        _ => false,
    };
    if session_done && transcript_done {
        return Ok(false);
    }
    if !session_done {
        let session = pace.request(client.session(id)).await.map_err(Stop::Api)?;
        timed("session", Some(id), 1, || {
            store.put_session(id, &session, Utc::now())
        })
        .map_err(Stop::Store)?;
    }
    if !transcript_done {
        let transcript = pace
            .request(client.transcript(id))
            .await
            .map_err(Stop::Api)?;
        let messages = transcript.events.len();
        timed("transcript", Some(id), messages, || {
            store.put_transcript(id, &transcript, Utc::now())
        })
        .map_err(Stop::Store)?;
    }
    Ok(true)
}

/// A transcript stored after its (complete) session ended holds every message; when the end
/// is unknown, one stored after the session was stored complete does.
fn transcript_complete(
    session: &Session,
    session_fetched: DateTime<Utc>,
    transcript_fetched: DateTime<Utc>,
) -> bool {
    match session.ended_at.as_ref().and_then(|t| t.at) {
        Some(end) => transcript_fetched >= end,
        None => transcript_fetched >= session_fetched,
    }
}

//! `print` of a transcript as it streams (issue 11): text, markdown and CSV write each
//! message as soon as it is decoded, so a million messages print in constant memory
//! and the first lines appear before the body has fully arrived.
//!
//! A transcript of at most [`BUFFERED`] messages is printed exactly as before (the
//! metrics, which need every message, before it; the legend naming only the marks
//! used). A longer one is written as it comes: the legend names every mark, and the
//! metrics section follows the transcript, read as it passed ([`ChatStatsBuilder`]).

use std::io::{self, Write};

use chrono::{DateTime, NaiveDate, Utc};
use tokio::sync::mpsc;

use super::{csv, markdown, text, Format, LinksOutcome, PrintOptions, Report};
use crate::api::fetch::Progress;
use crate::api::worker::{Fetch, Fetched};
use crate::api::{ApiError, Event, Session, Transcript};
use crate::present::metrics::{ChatStatsBuilder, Metrics};
use crate::present::transcript::{classify, made_owned, Names, Unsanitized};
use crate::present::{Message, Problem};
use crate::source::Source;
use crate::timefmt::Zone;

/// A batch on its way from the decoder: events while a short transcript may still be
/// printed whole, messages once it is past [`BUFFERED`]; with whether it starts the
/// transcript over.
enum Batch {
    Events(Vec<Event>, bool),
    Messages(Vec<Unsanitized>, bool),
}

fn sanitized(msgs: Vec<Unsanitized>) -> Vec<Message> {
    msgs.into_iter().map(Unsanitized::sanitized).collect()
}

/// Messages held before printing starts; a shorter transcript prints as a whole.
pub const BUFFERED: usize = 10_000;
/// Batches on their way to the terminal, at most: two keep both threads busy, and
/// the decoder, now faster than the writer, would keep more full (each about 1.4 MB
/// of a million-message transcript's peak).
const BATCHES: usize = 2;
/// The largest batch text kept for the next batch: a batch of long messages is
/// about 1 MB; a hostile one may be far more and is given back.
const BUF_KEPT: usize = 4 << 20;

/// What was printed: the report's parts for the exit status (the transcript without
/// its events), and which came from the store.
#[derive(Debug)]
pub struct Printed {
    pub report: Report,
    pub stored: Vec<(&'static str, DateTime<Utc>)>,
}

/// Why nothing more could be printed.
#[derive(Debug)]
pub enum PrintError {
    /// The session itself failed: nothing was written.
    Api(ApiError),
    /// Writing failed (a closed pipe among others).
    Write(io::Error),
}

/// The partner links for `domain`, as every format reports them.
pub(super) async fn links(source: &Source, domain: Option<&str>) -> LinksOutcome {
    match domain {
        None => LinksOutcome::NoDomain,
        Some(d) => match source.client.system_links(d).await {
            Ok(links) => LinksOutcome::Loaded {
                domain: d.to_string(),
                links,
            },
            Err(error) => LinksOutcome::Failed {
                domain: d.to_string(),
                error,
            },
        },
    }
}

/// Runs `fetch` in a task of its own, its retries told where this task's are (stderr
/// on a terminal): a spawned task does not inherit the sink.
pub(super) fn spawn_reporting<F>(fetch: F) -> tokio::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let sink = crate::api::retry::current_sink();
    tokio::spawn(async move {
        match sink {
            Some(sink) => crate::api::retry::reporting(sink, fetch).await,
            None => fetch.await,
        }
    })
}

/// Fetches session `id` and prints it to `out` in `opts.format` (not JSON), the
/// transcript written as it streams.
pub async fn print(
    source: &Source,
    id: &str,
    domain: Option<&str>,
    opts: &PrintOptions,
    out: &mut dyn Write,
) -> Result<Printed, PrintError> {
    // The transcript starts at once; its batches wait in the channel for the session.
    // The channel is short and the decoder's thread waits on it, so a decoder faster
    // than the terminal holds back the network instead of filling memory.
    let zone = match opts.format {
        Format::Csv => Zone::Utc,
        _ => opts.zone,
    };
    let (tx, mut rx) = mpsc::channel::<Batch>(BATCHES);
    let transcript = {
        let (source, id) = (source.clone(), id.to_string());
        spawn_reporting(async move {
            // Called on the decoder's blocking thread, never on the runtime's. Past
            // BUFFERED the messages are made here, all but their text's sanitising:
            // the events' strings are then freed by the thread that made them (freed
            // on another, each waited on the allocator's lock: a tenth of `print`'s
            // time), and the two threads share the rest about evenly.
            let mut names = Names::default();
            let send = move |p: Progress| {
                let events = std::sync::Arc::unwrap_or_clone(p.events);
                let batch = if p.messages > BUFFERED {
                    let made = events
                        .into_iter()
                        .map(|e| Message::unsanitized(e, zone, &mut names))
                        .collect();
                    Batch::Messages(made, p.restart)
                } else {
                    Batch::Events(events, p.restart)
                };
                let _ = tx.blocking_send(batch);
            };
            source.transcript_streamed(&id, send).await
        })
    };
    let (session, links) = tokio::join!(source.session_or_stored(id), links(source, domain));
    let session = match session {
        Ok(s) => s,
        Err(e) => {
            transcript.abort();
            return Err(PrintError::Api(e));
        }
    };
    let mut stored = Vec::new();
    if let Some(at) = session.stored_at {
        stored.push(("session", at));
    }
    let session = session.value;
    let now = Utc::now();

    // Held until there are more than BUFFERED, or the answer is complete.
    let mut held: Vec<Event> = Vec::new();
    let mut writer: Option<Streamed> = None;
    while let Some(batch) = rx.recv().await {
        match (writer.as_mut(), batch) {
            (None, Batch::Events(events, restart)) => {
                if restart {
                    held.clear();
                }
                held.extend(events);
                if held.len() > BUFFERED {
                    let mut w = Streamed::start(&session, opts, now, out)?;
                    let msgs = made_owned(std::mem::take(&mut held), zone);
                    w.write(msgs, &session, out)?;
                    writer = Some(w);
                }
            }
            // Past BUFFERED: printing starts with what was held.
            (None, Batch::Messages(msgs, restart)) => {
                if restart {
                    held.clear();
                }
                let mut w = Streamed::start(&session, opts, now, out)?;
                let before = made_owned(std::mem::take(&mut held), zone);
                w.write(before, &session, out)?;
                w.write(sanitized(msgs), &session, out)?;
                writer = Some(w);
            }
            // A restart after printing began (an answer whose events array is
            // decided by a later key) cannot take back what is written.
            (Some(w), Batch::Events(events, _)) => {
                w.write(made_owned(events, zone), &session, out)?
            }
            (Some(w), Batch::Messages(msgs, _)) => w.write(sanitized(msgs), &session, out)?,
        }
    }
    let result = match transcript.await {
        Ok(r) => r,
        Err(e) => Err(ApiError::Internal {
            endpoint: crate::api::Endpoint::Transcript,
            detail: format!("the transcript fetch stopped: {e}"),
        }),
    };
    let result = result.map(|Fetched { value, stored_at }| {
        if let Some(at) = stored_at {
            stored.push(("chat transcript", at));
        }
        value
    });
    match writer {
        None => {
            // Short: printed whole, as before. A stored copy brings its own events.
            let result = result.map(|mut t: Transcript| {
                if t.events.is_empty() {
                    t.events = held;
                }
                t
            });
            let report = Report {
                session,
                transcript: result,
                links,
            };
            let doc = super::render(&report, opts, now);
            out.write_all(doc.as_bytes()).map_err(PrintError::Write)?;
            out.flush().map_err(PrintError::Write)?;
            Ok(Printed { report, stored })
        }
        Some(mut w) => {
            let result = result.map(|mut t: Transcript| {
                // A stored copy standing in after a failure: what was not printed yet.
                let rest = t.events.get(w.written..).unwrap_or_default().to_vec();
                t.events = Vec::new();
                (t, rest)
            });
            let result = match result {
                Ok((t, rest)) => {
                    w.write(made_owned(rest, zone), &session, out)?;
                    Ok(t)
                }
                Err(e) => Err(e),
            };
            let report = Report {
                session,
                transcript: result,
                links,
            };
            w.finish(&report, opts, now, out)?;
            Ok(Printed { report, stored })
        }
    }
}

/// A transcript being written as it streams.
struct Streamed {
    format: Format,
    written: usize,
    last_day: Option<NaiveDate>,
    stats: ChatStatsBuilder,
    /// The text of a batch, reused.
    buf: String,
}

impl Streamed {
    fn start(
        session: &Session,
        opts: &PrintOptions,
        now: DateTime<Utc>,
        out: &mut dyn Write,
    ) -> Result<Self, PrintError> {
        // The head needs the session (and links, which are only written at the end).
        let report = Report {
            session: session.clone(),
            transcript: Ok(Transcript::default()),
            links: LinksOutcome::NoDomain,
        };
        let head = match opts.format {
            Format::Text => text::streamed_head(&report, opts, now),
            Format::Markdown => markdown::streamed_head(&report, opts, now),
            Format::Csv | Format::Json => csv::streamed_header(),
        };
        out.write_all(head.as_bytes()).map_err(PrintError::Write)?;
        Ok(Streamed {
            format: opts.format,
            written: 0,
            last_day: None,
            stats: ChatStatsBuilder::default(),
            buf: String::new(),
        })
    }

    /// Writes `msgs`, classifying them against `session` first.
    fn write(
        &mut self,
        mut msgs: Vec<Message>,
        session: &Session,
        out: &mut dyn Write,
    ) -> Result<(), PrintError> {
        classify(&mut msgs, Some(session));
        if msgs.is_empty() {
            return Ok(());
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        for m in &mut msgs {
            // Days continue across batches.
            m.opens_day = m.day.is_some() && m.day != self.last_day;
            self.last_day = m.day.or(self.last_day);
            self.stats.add(m);
            match self.format {
                Format::Text => text::streamed_message(&mut buf, m),
                Format::Markdown => buf.push_str(&markdown::streamed_message(m, self.written > 0)),
                Format::Csv | Format::Json => buf.push_str(&csv::streamed_row(m)),
            }
            self.written += 1;
        }
        let written = out.write_all(buf.as_bytes()).and_then(|()| out.flush());
        // Kept for the next batch, unless one odd batch made it large.
        if buf.capacity() <= BUF_KEPT {
            self.buf = buf;
        }
        written.map_err(PrintError::Write)
    }

    fn finish(
        self,
        report: &Report,
        opts: &PrintOptions,
        now: DateTime<Utc>,
        out: &mut dyn Write,
    ) -> Result<(), PrintError> {
        let problem = report.transcript.as_ref().err().map(Problem::new);
        let chat = self.stats.finish(Some(&report.session));
        let metrics = Metrics::new(&report.session, &chat, now);
        let tail = match self.format {
            Format::Text => text::streamed_tail(report, opts, &metrics, problem.as_ref()),
            Format::Markdown => markdown::streamed_tail(report, opts, &metrics, problem.as_ref()),
            Format::Csv | Format::Json => String::new(),
        };
        out.write_all(tail.as_bytes()).map_err(PrintError::Write)?;
        out.flush().map_err(PrintError::Write)
    }
}

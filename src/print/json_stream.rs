//! `print --format json` as the transcript streams (issue 11): the document is written
//! part by part, and the transcript's body passes through (`passthrough.rs`) on a
//! blocking thread as its chunks arrive, never held whole. Its events are decoded
//! alongside (`api/stream.rs`, the same bytes) for the metrics at the end.
//!
//! The session and the links are fetched first; the transcript's body waits for them
//! in its short channels. A transcript of up to [`super::stream::BUFFERED`] elements is
//! written exactly as `json::render` writes it.

use std::io::{self, Write};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio::sync::mpsc;

use super::json::{error_status, links_part, metrics_doc, prepare};
use super::passthrough::{self, Doc, Passed};
use super::stream::{PrintError, Printed, BUFFERED};
use super::{PrintOptions, Report};
use crate::api::fetch::Progress;
use crate::api::model::TranscriptAbsence;
use crate::api::worker::Fetch;
use crate::api::{ApiError, Endpoint, Event, Session, Transcript};
use crate::present::messages;
use crate::present::metrics::{ChatStatsBuilder, Metrics};
use crate::source::Source;
use crate::timefmt::Zone;

/// Chunks of the body, and of the output, in flight.
const CHUNKS: usize = 16;
/// Event batches in flight.
const BATCHES: usize = 4;
/// Output gathered before it goes to the terminal.
const OUT_CHUNK: usize = 64 * 1024;

/// Fetches session `id` and prints it to `out` as one JSON document, the transcript
/// passed through as it streams.
pub async fn print(
    source: &Source,
    id: &str,
    domain: Option<&str>,
    opts: &PrintOptions,
    out: &mut dyn Write,
) -> Result<Printed, PrintError> {
    print_holding(source, id, domain, opts, out, BUFFERED).await
}

/// [`print`], holding up to `held` elements of the transcript before writing it (tests
/// make it stream from the first).
pub async fn print_holding(
    source: &Source,
    id: &str,
    domain: Option<&str>,
    opts: &PrintOptions,
    out: &mut dyn Write,
    held: usize,
) -> Result<Printed, PrintError> {
    let (ev_tx, mut ev_rx) = mpsc::channel::<Progress>(BATCHES);
    let (raw_tx, raw_rx) = mpsc::channel::<Bytes>(CHUNKS);
    let transcript = {
        let (source, id) = (source.clone(), id.to_string());
        super::stream::spawn_reporting(async move {
            if source.offline {
                return Err(ApiError::Offline {
                    endpoint: Endpoint::Transcript,
                    id: crate::api::normalize_session_id(&id),
                });
            }
            // Called on the decoder's blocking thread, never on the runtime's.
            let send = move |p: Progress| {
                let _ = ev_tx.blocking_send(p);
            };
            source.transcript_tapped(&id, send, Some(raw_tx)).await
        })
    };
    let (session, links) = tokio::join!(
        source.session_or_stored(id),
        super::stream::links(source, domain)
    );
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

    let mut doc = Doc::default();
    let mut head = Vec::new();
    let wrote = doc
        .begin_object(&mut head)
        .and_then(|()| doc.key(&mut head, true, "session"))
        .and_then(|()| doc.value(&mut head, &prepare(&session.raw, opts)))
        .and_then(|()| doc.end_value(&mut head))
        .and_then(|()| doc.key(&mut head, false, "transcript"))
        .and_then(|()| out.write_all(&head));
    if let Err(e) = wrote {
        transcript.abort();
        return Err(PrintError::Write(e));
    }

    let (out_tx, mut out_rx) = mpsc::channel::<Vec<u8>>(CHUNKS);
    let mask = !opts.reveal_secrets;
    let pass = tokio::task::spawn_blocking(move || {
        let mut pipe = Pipe {
            buf: Vec::with_capacity(OUT_CHUNK),
            tx: out_tx,
        };
        let reader = RawReader {
            rx: raw_rx,
            chunk: Bytes::new(),
            first: true,
        };
        let passed = passthrough::transcode(reader, &mut doc, &mut pipe, held, mask)
            .and_then(|p| pipe.flush().map(|()| p));
        (doc, passed)
    });

    // The output as it comes, and the events for the metrics beside it.
    let mut events = Events::default();
    let mut ev_open = true;
    let mut out_open = true;
    while ev_open || out_open {
        tokio::select! {
            chunk = out_rx.recv(), if out_open => match chunk {
                Some(chunk) => {
                    if let Err(e) = out.write_all(&chunk).and_then(|()| out.flush()) {
                        transcript.abort();
                        return Err(PrintError::Write(e));
                    }
                }
                None => out_open = false,
            },
            p = ev_rx.recv(), if ev_open => match p {
                Some(p) => events.add(p, &session),
                None => ev_open = false,
            },
        }
    }
    let (mut doc, passed) = pass.await.map_err(|e| {
        PrintError::Write(io::Error::other(format!(
            "the transcript writer stopped: {e}"
        )))
    })?;
    let passed = passed.map_err(PrintError::Write)?;
    let fetched = transcript.await.unwrap_or_else(|e| {
        Err(ApiError::Internal {
            endpoint: Endpoint::Transcript,
            detail: format!("the transcript fetch stopped: {e}"),
        })
    });

    // What the transcript part says, and what is still to be written of it.
    let written = matches!(passed, Passed::Written(_));
    let mut value: Option<Value> = None;
    let result: Result<Transcript, ApiError> = match (fetched, passed) {
        (Ok(t), _) if t.absence == Some(TranscriptAbsence::NoTranscript) => Ok(t),
        (Ok(t), Passed::Held(v)) => {
            value = Some(v);
            Ok(t)
        }
        (Ok(t), Passed::Written(None)) => Ok(t),
        // The decoder took the body, the pass-through did not: not expected, but said.
        (Ok(_), Passed::Written(Some(e)) | Passed::Failed(e)) => Err(ApiError::BadShape {
            endpoint: Endpoint::Transcript,
            detail: format!("the body could not be passed through: {e}"),
        }),
        (Err(e), _) if !written && (source.offline || e.is_network()) => {
            match source.stored_transcript(id).await {
                Some(copy) => {
                    stored.push(("chat transcript", copy.fetched_at));
                    value = Some(prepare(&copy.transcript.raw, opts));
                    events = Events::default();
                    Ok(copy.transcript)
                }
                None => Err(e),
            }
        }
        (Err(e), _) => Err(e),
    };
    let status = match &result {
        Ok(t) if t.absence == Some(TranscriptAbsence::NoTranscript) => "none".to_string(),
        Ok(_) => "ok".to_string(),
        Err(e) => error_status(e),
    };
    let now = Utc::now();
    let metrics = match &result {
        Ok(t) if !t.events.is_empty() => present_metrics(
            &session,
            &messages(&t.events, Zone::Utc, Some(&session)),
            now,
        ),
        Ok(_) => events.metrics(&session, now),
        Err(_) => present_metrics(&session, &[], now),
    };
    let (links_value, links_status) = links_part(&links, opts);

    let mut tail = Vec::new();
    let write_tail = || -> io::Result<()> {
        if !written {
            doc.value(&mut tail, &value.take().unwrap_or(Value::Null))?;
        }
        doc.end_value(&mut tail)?;
        for (key, v) in [
            ("transcriptStatus", Value::String(status)),
            ("links", links_value),
            ("linksStatus", Value::String(links_status)),
        ] {
            doc.key(&mut tail, false, key)?;
            doc.value(&mut tail, &v)?;
            doc.end_value(&mut tail)?;
        }
        doc.key(&mut tail, false, "metrics")?;
        doc.value(&mut tail, &metrics_doc(metrics))?;
        doc.end_value(&mut tail)?;
        doc.end_object(&mut tail)?;
        tail.push(b'\n');
        Ok(())
    };
    write_tail()
        .and_then(|()| out.write_all(&tail))
        .and_then(|()| out.flush())
        .map_err(PrintError::Write)?;

    let transcript = result.map(|mut t| {
        t.events = Vec::new();
        t.raw = Value::Null;
        t
    });
    Ok(Printed {
        report: Report {
            session,
            transcript,
            links,
        },
        stored,
    })
}

fn present_metrics(
    session: &Session,
    msgs: &[crate::present::Message],
    now: DateTime<Utc>,
) -> Metrics {
    crate::present::metrics::metrics(session, msgs, now)
}

/// The transcript's events for the metrics: held up to [`BUFFERED`] (the metrics are
/// then those of `json::render`), past that read as they pass.
#[derive(Default)]
struct Events {
    held: Vec<Event>,
    stats: Option<ChatStatsBuilder>,
}

impl Events {
    fn add(&mut self, p: Progress, session: &Session) {
        match self.stats.as_mut() {
            None => {
                if p.restart {
                    self.held.clear();
                }
                self.held.extend(std::sync::Arc::unwrap_or_clone(p.events));
                if self.held.len() > BUFFERED {
                    let mut stats = ChatStatsBuilder::default();
                    for m in messages(&std::mem::take(&mut self.held), Zone::Utc, Some(session)) {
                        stats.add(&m);
                    }
                    self.stats = Some(stats);
                }
            }
            // A restart after the stats began (an answer whose events array is decided
            // by a later key) cannot take back what they counted.
            Some(stats) => {
                for m in messages(&p.events, Zone::Utc, Some(session)) {
                    stats.add(&m);
                }
            }
        }
    }

    fn metrics(self, session: &Session, now: DateTime<Utc>) -> Metrics {
        match self.stats {
            None => present_metrics(
                session,
                &messages(&self.held, Zone::Utc, Some(session)),
                now,
            ),
            Some(stats) => Metrics::new(session, &stats.finish(Some(session)), now),
        }
    }
}

/// The output of the blocking thread, in chunks to the printing task.
struct Pipe {
    buf: Vec<u8>,
    tx: mpsc::Sender<Vec<u8>>,
}

impl Write for Pipe {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= OUT_CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(OUT_CHUNK));
        self.tx
            .blocking_send(chunk)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the output is closed"))
    }
}

/// The body's chunks as one `Read`; ends where the fetch stopped sending them.
struct RawReader {
    rx: mpsc::Receiver<Bytes>,
    chunk: Bytes,
    first: bool,
}

impl io::Read for RawReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            match self.rx.blocking_recv() {
                Some(next) => self.chunk = next,
                None => return Ok(0),
            }
            if std::mem::take(&mut self.first) && self.chunk.starts_with(b"\xef\xbb\xbf") {
                // As the decoder does (RFC 8259 lets a parser ignore a byte order mark).
                self.chunk = self.chunk.slice(3..);
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        self.chunk = self.chunk.slice(n..);
        Ok(n)
    }
}

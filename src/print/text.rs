//! Plain text for people: aligned labels, one chat message per line group.

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::{messages_of, PrintOptions, Report};
use crate::present::{
    self, day_label, metrics, session_fields, Field, LinksView, Message, Problem, Speaker,
    TranscriptView,
};

/// Collects lines, dropping trailing spaces that alignment would otherwise leave.
#[derive(Default)]
struct Out(String);

impl Out {
    fn line(&mut self, s: &str) {
        self.0.push_str(s.trim_end());
        self.0.push('\n');
    }

    fn blank(&mut self) {
        self.0.push('\n');
    }

    fn heading(&mut self, s: &str, under: char) {
        self.line(s);
        let width = s.width().max(1);
        self.line(&under.to_string().repeat(width));
    }

    /// Aligned `Label: value` rows; later lines of a value start under its first.
    fn fields(&mut self, indent: &str, fields: &[Field]) {
        let width = fields.iter().map(|f| f.label.len() + 2).max().unwrap_or(0);
        for f in fields {
            let first = format!("{indent}{:<width$}", format!("{}:", f.label));
            let pad = " ".repeat(first.width());
            for (i, l) in f.value.lines().iter().enumerate() {
                let lead = if i == 0 { &first } else { &pad };
                self.line(&format!("{lead}{l}"));
            }
        }
    }

    fn problem(&mut self, p: &Problem) {
        self.line(&format!("Error: {}", p.message));
        if let Some(h) = &p.hint {
            self.line(&format!("Hint:  {h}"));
        }
    }
}

/// `TIME MARK NAME: text` (a system line drops the name), continuation lines
/// under the first, measured in columns so CJK names still line them up. Into `buf` with no allocation of its own (a transcript may have
/// a million): each line is written, then its trailing spaces cut, as [`Out::line`]
/// writes it.
fn write_message(buf: &mut String, m: &Message) {
    let start = buf.len();
    buf.push_str(m.clock());
    buf.push(' ');
    buf.push_str(m.speaker.mark());
    buf.push(' ');
    if m.speaker != Speaker::System {
        buf.push_str(&m.who);
        buf.push_str(": ");
    }
    // Nearly every message is one line: no line splitting, no width to measure.
    if memchr::memchr(b'\n', m.text.as_bytes()).is_none() {
        buf.push_str(&m.text);
        end_line(buf, start);
        return;
    }
    let pad = buf[start..].width();
    let mut lines = m.text.lines();
    buf.push_str(lines.next().unwrap_or(""));
    end_line(buf, start);
    for l in lines {
        let start = buf.len();
        buf.extend(std::iter::repeat_n(' ', pad));
        buf.push_str(l);
        end_line(buf, start);
    }
}

/// Ends the line begun at `start` as [`Out::line`] does: trailing whitespace cut.
fn end_line(buf: &mut String, start: usize) {
    let kept = buf[start..].trim_end().len();
    buf.truncate(start + kept);
    buf.push('\n');
}

/// "Marks: * the expert, > the customer": only the speakers this transcript has.
fn legend(msgs: &[Message]) -> String {
    let used: Vec<String> = Speaker::ALL
        .iter()
        .filter(|s| msgs.iter().any(|m| m.speaker == **s))
        .map(|s| format!("{} {}", s.mark(), s.describe()))
        .collect();
    format!("Marks: {}", used.join(", "))
}

pub fn render(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    let mut out = Out::default();
    head(&mut out, report, opts, now);
    let transcript = report.transcript_view(opts.zone);
    let metrics = report.metrics(messages_of(&transcript), now);
    metrics_section(&mut out, &metrics);

    out.blank();
    out.heading("Transcript", '-');
    match transcript {
        TranscriptView::Empty(sentence) => out.line(sentence),
        TranscriptView::Failed(p) => out.problem(&p),
        TranscriptView::Messages(msgs) => {
            out.line(&legend(&msgs));
            for m in &msgs {
                write_dated_message(&mut out.0, m);
            }
        }
    }
    links_section(&mut out, report, opts);
    out.0
}

fn head(out: &mut Out, report: &Report, opts: &PrintOptions, now: DateTime<Utc>) {
    out.heading(
        &format!("Session {}", present::session_id(&report.session, None)),
        '=',
    );
    out.fields("", &session_fields(&report.session, opts.zone, now));
}

fn metrics_section(out: &mut Out, metrics: &metrics::Metrics) {
    if metrics.worth_a_section() {
        out.blank();
        out.heading(metrics::HEADING, '-');
        out.fields("", &metrics::fields(metrics));
    }
}

/// A message after its date line, if it opens a day, appended to `buf`.
pub fn write_dated_message(buf: &mut String, m: &Message) {
    if let Some(day) = m.day.filter(|_| m.opens_day) {
        let start = buf.len();
        buf.push_str("-- ");
        buf.push_str(&day_label(day));
        buf.push_str(" --");
        end_line(buf, start);
    }
    write_message(buf, m);
}

fn links_section(out: &mut Out, report: &Report, opts: &PrintOptions) {
    out.blank();
    let view = report.links_view(opts.reveal_secrets);
    match &view {
        LinksView::NoDomain => out.heading("Partner links", '-'),
        LinksView::Empty { domain }
        | LinksView::Failed { domain, .. }
        | LinksView::Links { domain, .. } => out.heading(&format!("Partner links ({domain})"), '-'),
    }
    if let Some(sentence) = view.sentence() {
        out.line(&sentence);
    }
    match &view {
        LinksView::Failed { problem, .. } => out.problem(problem),
        LinksView::Links { links, .. } => {
            for (i, l) in links.iter().enumerate() {
                if i > 0 {
                    out.blank();
                }
                out.line(&l.title);
                out.fields("  ", &l.fields);
            }
        }
        LinksView::NoDomain | LinksView::Empty { .. } => {}
    }
}

/// The document in three parts for a transcript written as it streams (see
/// `print/stream.rs`): the session and the transcript's heading with every mark in
/// the legend (who speaks is not known yet); each message; then what the transcript
/// ended with, the metrics (which need every message) and the links.
pub fn streamed_head(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    let mut out = Out::default();
    head(&mut out, report, opts, now);
    out.blank();
    out.heading("Transcript", '-');
    let all: Vec<String> = Speaker::ALL
        .iter()
        .map(|s| format!("{} {}", s.mark(), s.describe()))
        .collect();
    out.line(&format!("Marks: {}", all.join(", ")));
    out.0
}

/// Appends one message (and its date line) to `buf`: see [`write_dated_message`].
pub fn streamed_message(buf: &mut String, m: &Message) {
    write_dated_message(buf, m);
}

pub fn streamed_tail(
    report: &Report,
    opts: &PrintOptions,
    metrics: &metrics::Metrics,
    problem: Option<&Problem>,
) -> String {
    let mut out = Out::default();
    if let Some(p) = problem {
        out.problem(p);
    }
    metrics_section(&mut out, metrics);
    links_section(&mut out, report, opts);
    out.0
}

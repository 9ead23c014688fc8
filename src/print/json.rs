//! One JSON document with the bodies as received: lossless for scripts, yet safe on a
//! terminal, because every control or bidi character in a string is written as `\uXXXX`.
//!
//! After the bodies comes `metrics`, computed (see [`crate::present::metrics`]): spans
//! in whole seconds, `null` where a metric cannot be said. It is the last key, so the
//! keys before it and their order are what they always were.

use std::io;

use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};
use serde_json::Value;

use super::{LinksOutcome, PrintOptions, Report, MASK};
use crate::api::model::TranscriptAbsence;
use crate::api::ApiError;
use crate::present::messages;
use crate::present::metrics::Metrics;
use crate::sanitize::{is_unsafe, sanitize_line};
use crate::timefmt::Zone;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    session: Value,
    transcript: Value,
    transcript_status: String,
    links: Value,
    links_status: String,
    metrics: MetricsDoc,
}

/// [`Metrics`] for scripts. Participant names are the sanitised ones the other
/// formats show (the raw spellings are in `transcript`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MetricsDoc {
    customer_waited_seconds: Option<i64>,
    ran_after_join_seconds: Option<i64>,
    total_seconds: Option<i64>,
    /// The two spans above run to now: the session is active or waiting.
    live: bool,
    messages_per_participant: Vec<ParticipantDoc>,
    customer_messages: usize,
    first_response_seconds: Option<i64>,
    longest_wait_seconds: Option<i64>,
    unanswered_messages: Option<usize>,
    oldest_unanswered_waiting_seconds: Option<i64>,
}

#[derive(Serialize)]
struct ParticipantDoc {
    participant: String,
    role: &'static str,
    messages: usize,
}

impl From<Metrics> for MetricsDoc {
    fn from(m: Metrics) -> Self {
        let secs = |d: Option<TimeDelta>| d.map(|d| d.num_seconds());
        MetricsDoc {
            customer_waited_seconds: secs(m.customer_waited),
            ran_after_join_seconds: secs(m.after_join),
            total_seconds: secs(m.total),
            live: m.live,
            messages_per_participant: m
                .messages
                .into_iter()
                .map(|t| ParticipantDoc {
                    participant: t.name,
                    role: t.speaker.key(),
                    messages: t.count,
                })
                .collect(),
            customer_messages: m.customer_messages,
            first_response_seconds: secs(m.first_response),
            longest_wait_seconds: secs(m.longest_wait),
            unanswered_messages: m.unanswered,
            oldest_unanswered_waiting_seconds: secs(m.waiting_now),
        }
    }
}

/// `transcriptStatus` / `linksStatus` for a part that failed.
pub(super) fn error_status(e: &ApiError) -> String {
    format!("error: {}", sanitize_line(&e.to_string()))
}

/// The `metrics` part.
pub(super) fn metrics_doc(m: Metrics) -> impl Serialize {
    MetricsDoc::from(m)
}

/// A body as written: a copy, partner tokens masked unless `reveal_secrets`.
pub(super) fn prepare(raw: &Value, opts: &PrintOptions) -> Value {
    let mut v = raw.clone();
    if !opts.reveal_secrets {
        mask_tokens(&mut v);
    }
    v
}

/// The `links` and `linksStatus` parts.
pub(super) fn links_part(links: &LinksOutcome, opts: &PrintOptions) -> (Value, String) {
    match links {
        LinksOutcome::NoDomain => (Value::Null, "no domain".to_string()),
        LinksOutcome::Loaded { links, .. } => (prepare(&links.raw, opts), "ok".to_string()),
        LinksOutcome::Failed { error, .. } => (Value::Null, error_status(error)),
    }
}

pub fn render(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    let prepare = |raw: &Value| {
        let mut v = raw.clone();
        if !opts.reveal_secrets {
            mask_tokens(&mut v);
        }
        v
    };
    let (transcript, transcript_status) = match &report.transcript {
        Ok(t) if t.absence == Some(TranscriptAbsence::NoTranscript) => {
            (Value::Null, "none".to_string())
        }
        Ok(t) => (prepare(&t.raw), "ok".to_string()),
        Err(e) => (
            Value::Null,
            format!("error: {}", sanitize_line(&e.to_string())),
        ),
    };
    let (links, links_status) = match &report.links {
        LinksOutcome::NoDomain => (Value::Null, "no domain".to_string()),
        LinksOutcome::Loaded { links, .. } => (prepare(&links.raw), "ok".to_string()),
        LinksOutcome::Failed { error, .. } => (
            Value::Null,
            format!("error: {}", sanitize_line(&error.to_string())),
        ),
    };
    let msgs = match &report.transcript {
        Ok(t) => messages(&t.events, Zone::Utc, Some(&report.session)),
        Err(_) => Vec::new(),
    };
    let doc = Document {
        session: prepare(&report.session.raw),
        transcript,
        transcript_status,
        links,
        links_status,
        metrics: report.metrics(&msgs, now).into(),
    };
    let mut out = to_safe_string(&doc);
    out.push('\n');
    out
}

/// Replaces every `userToken` value, at any depth, with the mask. The links body is
/// where it lives, but its nesting is undocumented, so nothing is assumed.
pub fn mask_tokens(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if k.eq_ignore_ascii_case("userToken") && !val.is_null() {
                    *val = Value::String(MASK.to_string());
                } else {
                    mask_tokens(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(mask_tokens),
        _ => {}
    }
}

/// Pretty-prints with [`SafeFormatter`]. Serialising a `Value` into memory cannot fail,
/// but if it ever did the reader gets a valid JSON error object rather than a panic.
pub fn to_safe_string<T: Serialize>(value: &T) -> String {
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, SafeFormatter::default());
    match value.serialize(&mut ser) {
        Ok(()) => String::from_utf8_lossy(&buf).into_owned(),
        Err(e) => format!(
            "{{\"error\": \"cannot write JSON: {}\"}}",
            sanitize_line(&e.to_string()).replace(['"', '\\'], "'")
        ),
    }
}

/// PrettyFormatter plus `\uXXXX` escapes for DEL, C1 and bidi controls, which
/// serde_json writes raw. (C0 controls already reach `write_char_escape`.)
#[derive(Default)]
pub struct SafeFormatter {
    inner: PrettyFormatter<'static>,
}

impl Formatter for SafeFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if is_unsafe(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                // Tag characters lie beyond the BMP: written as a surrogate pair.
                for unit in c.encode_utf16(&mut [0; 2]) {
                    write!(w, "\\u{:04x}", unit)?;
                }
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.inner.begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.inner.end_object_value(w)
    }
}

/// The same formatter borrowed, so that its indentation carries on from one value
/// written to the next (see `passthrough::Doc`).
impl Formatter for &mut SafeFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        (**self).write_string_fragment(w, fragment)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        (**self).begin_array(w)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        (**self).end_array(w)
    }

    fn begin_array_value<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        (**self).begin_array_value(w, first)
    }

    fn end_array_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        (**self).end_array_value(w)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        (**self).begin_object(w)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        (**self).end_object(w)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> io::Result<()> {
        (**self).begin_object_key(w, first)
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        (**self).begin_object_value(w)
    }

    fn end_object_value<W: ?Sized + io::Write>(&mut self, w: &mut W) -> io::Result<()> {
        (**self).end_object_value(w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn controls_escaped_and_lossless() {
        let v = json!({"a\u{202e}": "x\u{1b}]0;t\u{7}\u{7f}\u{9b}\u{2066}日本 🎉 \"q\" \\"});
        let s = to_safe_string(&v);
        assert!(!s.chars().any(|c| is_unsafe(c) && c != '\n'), "{s:?}");
        assert!(s.contains("\\u007f") && s.contains("\\u009b") && s.contains("\\u202e"));
        assert!(s.contains("日本 🎉"));
        let back: Value = serde_json::from_str(&s).unwrap_or_default();
        assert_eq!(back, v);
    }

    #[test]
    fn tokens_masked_at_any_depth() {
        let mut v =
            json!({"links": [{"userToken": "s3cret", "x": {"USERTOKEN": 5}}], "userToken": null});
        mask_tokens(&mut v);
        assert_eq!(
            v,
            json!({"links": [{"userToken": MASK, "x": {"USERTOKEN": MASK}}], "userToken": null})
        );
    }
}

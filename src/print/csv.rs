//! The transcript as CSV (RFC 4180) for scripts and spreadsheets: a header
//! `time,participant,role,text`, then one row per message, CRLF between records.
//!
//! - `time`: ISO 8601 in UTC (`2026-11-20T14:02:11Z`, with the fraction when the
//!   server sent one), the server's text when it did not parse, empty when missing.
//! - `participant` and `text`: the same sanitised text `print --format text` shows, so
//!   `cat`ting the file is as safe as the text output: no escape sequence or control
//!   character reaches a terminal (each shows as its visible marker), and invisible
//!   bidi and format characters are gone. Line breaks in a message stay, inside the
//!   quoted field (a CR LF in a message becomes one LF). JSON is the lossless format.
//!   Nothing else is escaped: a field is quoted exactly when RFC 4180 requires it (a
//!   comma, a quote, a line break), and cells starting with `=` are left as they are,
//!   so a spreadsheet should import the file as text.
//! - `role`: `expert`, `collaborator`, `customer`, `other` or `system`.
//!
//! A session without a transcript (404, empty, or failed: the exit status says which)
//! gives the header alone.

use super::Report;
use crate::present::{messages, Message};
use crate::timefmt::Zone;

/// The header row.
pub const HEADER: [&str; 4] = ["time", "participant", "role", "text"];

pub fn render(report: &Report) -> String {
    let msgs = match &report.transcript {
        Ok(t) => messages(&t.events, Zone::Utc, Some(&report.session)),
        Err(_) => Vec::new(),
    };
    match write(&msgs) {
        Ok(out) => out,
        // Writing into memory cannot fail; if it ever did, say so in a valid row
        // rather than panic or print half a file.
        Err(e) => format!(
            "{}\r\n,,system,\"cannot write CSV: {}\"\r\n",
            HEADER.join(","),
            crate::sanitize::sanitize_line(&e.to_string()).replace('"', "'")
        ),
    }
}

/// ISO 8601 UTC, the fraction only when there is one; else the unparsed text.
/// The header line, for a transcript written as it streams.
pub fn streamed_header() -> String {
    write(&[]).unwrap_or_default()
}

/// One message's row, as [`render`] writes it.
pub fn streamed_row(m: &Message) -> String {
    let Ok(all) = write(std::slice::from_ref(m)) else {
        return String::new();
    };
    // The header is the first line, and has no field with a line break.
    all.split_once("\r\n")
        .map(|(_, row)| row.to_string())
        .unwrap_or_default()
}

fn time(m: &Message) -> String {
    match m.time {
        Some(t) => t.format("%Y-%m-%dT%H:%M:%S%.fZ").to_string(),
        None => m.raw_time.as_deref().unwrap_or_default().to_string(),
    }
}

fn write(msgs: &[Message]) -> Result<String, Box<dyn std::error::Error>> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(HEADER)?;
    for m in msgs {
        w.write_record([time(m).as_str(), &m.who, m.speaker.key(), &m.text])?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok(String::from_utf8(bytes)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Event, Timestamp};
    use crate::present::Speaker;

    fn msg(ts: &str) -> Message {
        Message::from_event(
            &Event {
                time: Some(Timestamp::parse(ts)),
                participant: Some("A".into()),
                content: "x".into(),
            },
            Zone::Local,
        )
    }

    #[test]
    fn times_in_utc_with_the_fraction_only_when_there_is_one() {
        assert_eq!(time(&msg("2026-11-20T14:02:11Z")), "2026-11-20T14:02:11Z");
        assert_eq!(
            time(&msg("2026-11-20T15:02:11.250+01:00")),
            "2026-11-20T14:02:11.250Z"
        );
        assert_eq!(time(&msg("yesterday")), "yesterday");
        let mut none = msg("x");
        none.raw_time = None;
        assert_eq!(time(&none), "");
    }

    #[test]
    fn quoted_only_where_rfc_4180_needs_it() {
        let mut m = msg("2026-11-20T14:02:11Z");
        m.speaker = Speaker::Customer;
        m.text = "plain".into();
        let mut q = m.clone();
        q.who = "Doe, Jane".into();
        q.text = "say \"hi\"\nthen go".into();
        assert_eq!(
            write(&[m, q]).unwrap_or_default(),
            "time,participant,role,text\r\n\
             2026-11-20T14:02:11Z,A,customer,plain\r\n\
             2026-11-20T14:02:11Z,\"Doe, Jane\",customer,\"say \"\"hi\"\"\nthen go\"\r\n"
        );
    }
}

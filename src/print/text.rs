//! Plain text for people: aligned labels, one chat message per line group.

use chrono::{DateTime, Utc};
use unicode_width::UnicodeWidthStr;

use super::facts::{self, Fact, LinksView, Problem, TranscriptView, Value};
use super::{PrintOptions, Report};

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
    fn facts(&mut self, indent: &str, facts: &[Fact]) {
        let width = facts.iter().map(|f| f.label.len() + 2).max().unwrap_or(0);
        for f in facts {
            let first = format!("{indent}{:<width$}", format!("{}:", f.label));
            let pad = " ".repeat(first.width());
            let lines: Vec<&str> = match &f.value {
                Value::Text(s) | Value::Url(s) | Value::Secret(s) => vec![s.as_str()],
                Value::List(items) => items.iter().map(String::as_str).collect(),
                Value::Block(s) => s.lines().collect(),
            };
            for (i, l) in lines.iter().enumerate() {
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

pub fn render(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    let mut out = Out::default();
    out.heading(
        &format!("Session {}", facts::session_id(&report.session)),
        '=',
    );
    out.facts("", &facts::session(&report.session, opts.zone, now));

    out.blank();
    out.heading("Transcript", '-');
    match facts::transcript(report, opts.zone) {
        TranscriptView::Absent => out.line(facts::NO_TRANSCRIPT),
        TranscriptView::Empty => out.line(facts::EMPTY_TRANSCRIPT),
        TranscriptView::Failed(p) => out.problem(&p),
        TranscriptView::Messages(msgs) => {
            for m in msgs {
                if let Some(day) = &m.new_day {
                    out.line(&format!("-- {day} --"));
                }
                let prefix = match &m.participant {
                    Some(p) => format!("[{}] {p}: ", m.time),
                    None => format!("[{}] ", m.time),
                };
                // Measured in columns, so CJK names still line continuation lines up.
                let pad = " ".repeat(prefix.width());
                let mut lines = m.content.lines();
                out.line(&format!("{prefix}{}", lines.next().unwrap_or("")));
                for l in lines {
                    out.line(&format!("{pad}{l}"));
                }
            }
        }
    }

    out.blank();
    match facts::links(report, opts) {
        LinksView::NoDomain => {
            out.heading("Partner links", '-');
            out.line("No system domain set: pass --system-domain DOMAIN or set G2A_SYSTEM_DOMAIN to list partner links.");
        }
        LinksView::Empty { domain } => {
            out.heading(&format!("Partner links ({domain})"), '-');
            out.line(&format!("No partner links for {domain}."));
        }
        LinksView::Failed { domain, problem } => {
            out.heading(&format!("Partner links ({domain})"), '-');
            out.problem(&problem);
        }
        LinksView::Links { domain, links } => {
            out.heading(&format!("Partner links ({domain})"), '-');
            for (i, l) in links.iter().enumerate() {
                if i > 0 {
                    out.blank();
                }
                out.line(&l.title);
                out.facts("  ", &l.facts);
            }
        }
    }
    out.0
}

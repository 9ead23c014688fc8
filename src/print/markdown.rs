//! A markdown document of the same content, with server text escaped so it renders as
//! the literal text it is: no headings, lists, links or HTML can be injected.

use chrono::{DateTime, Utc};

use super::{messages_of, PrintOptions, Report};
use crate::present::{
    self, day_label, metrics, sentence, session_fields, Field, LinksView, Problem, Speaker,
    TranscriptView, Value,
};

/// Characters with inline meaning anywhere in a line. Backslash escapes of ASCII
/// punctuation are always literal in CommonMark, so over-escaping costs only looks.
const INLINE: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '&', '#'];

/// Characters that start a block (list, setext underline) at the start of a line.
const LINE_START: &[char] = &['-', '+', '='];

/// One line of untrusted text as inline markdown. Leading whitespace is dropped: four
/// spaces would turn a continuation line into a code block.
pub fn escape(s: &str) -> String {
    let s = s.trim_start();
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    // "1." or "1)" at the start of a line would begin an ordered list.
    let mut digits = 0;
    while let Some(&c) = chars.peek() {
        if !c.is_ascii_digit() {
            break;
        }
        out.push(c);
        digits += 1;
        chars.next();
    }
    if digits > 0 {
        if let Some(&c) = chars.peek() {
            if c == '.' || c == ')' {
                out.push('\\');
            }
        }
    } else if let Some(&c) = chars.peek() {
        if LINE_START.contains(&c) {
            out.push('\\');
        }
    }
    for c in chars {
        if INLINE.contains(&c) {
            out.push('\\');
        }
        // Tabs would otherwise count as indentation in continuation lines.
        out.push(if c == '\t' { ' ' } else { c });
    }
    out
}

/// Multi-line untrusted text inside a list item: hard breaks within a paragraph, blank
/// lines between paragraphs, continuation lines indented under the item.
fn block(s: &str, indent: &str) -> String {
    let mut out = String::new();
    let lines: Vec<&str> = s.lines().map(str::trim_end).collect();
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            if !l.is_empty() {
                out.push_str(indent);
            }
        }
        if l.is_empty() {
            continue;
        }
        out.push_str(&escape(l));
        // A trailing backslash is a hard line break, but only inside a paragraph.
        if lines.get(i + 1).is_some_and(|next| !next.is_empty()) {
            out.push('\\');
        }
    }
    out
}

/// A clickable autolink when the URL can be one, else escaped text. Backslashes are
/// literal inside `<…>`, so only characters that would end the link need excluding.
fn url(u: &str) -> String {
    let lower = u.to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    if web && !u.chars().any(|c| c == '<' || c == '>' || c.is_whitespace()) {
        format!("<{u}>")
    } else {
        escape(u)
    }
}

/// A code span: nothing inside is interpreted, so the text shows exactly as it is.
/// The fence is one backtick longer than any run inside it.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with(['`', ' ']) || s.ends_with(['`', ' ']) {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

#[derive(Default)]
struct Out(String);

impl Out {
    fn line(&mut self, s: &str) {
        self.0.push_str(s);
        self.0.push('\n');
    }

    fn para(&mut self, s: &str) {
        self.line(s);
        self.0.push('\n');
    }

    fn fields(&mut self, fields: &[Field]) {
        for f in fields {
            let label = format!("- **{}:**", f.label);
            match &f.value {
                Value::Text(s) => self.line(&format!("{label} {}", escape(s))),
                Value::Url(s) => self.line(&format!("{label} {}", url(s))),
                Value::Secret(s) => self.line(&format!("{label} {}", code(s))),
                Value::List(items) => {
                    self.line(&label);
                    for i in items {
                        self.line(&format!("  - {}", escape(i)));
                    }
                }
                Value::Block(s) => self.line(&format!("{label} {}", block(s, "  "))),
                Value::Time { .. } => {
                    let text = f.value.lines().join(" ");
                    self.line(&format!("{label} {}", escape(&text)))
                }
            }
        }
        self.0.push('\n');
    }

    fn problem(&mut self, p: &Problem) {
        self.para(&format!("**Error:** {}", escape(&p.message)));
        if let Some(h) = &p.hint {
            self.para(&format!("**Hint:** {}", escape(h)));
        }
    }
}

/// An empty-state sentence with the flag and variable it names in code spans.
fn sentence_md(s: &str) -> String {
    let mut out = escape(s);
    for word in [sentence::DOMAIN_FLAG, sentence::DOMAIN_ENV] {
        // How `escape` writes the word in the middle of a line (no line-start rules).
        let escaped = escape(&format!("x{word}"));
        let mid_line = escaped.get(1..).unwrap_or_default();
        out = out.replace(mid_line, &code(word));
    }
    out
}

pub fn render(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    let transcript = report.transcript_view(opts.zone);
    let metrics = report.metrics(messages_of(&transcript), now);
    let mut out = Vec::new();
    let chat = Chat::<std::iter::Empty<&present::Message>>::View(&transcript);
    // Into memory, which cannot fail to take it.
    let _ = write_document(&mut out, report, opts, now, &metrics, chat);
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The transcript section of [`write_document`]'s document.
pub enum Chat<'a, I> {
    /// As the report's transcript reads (its messages, or the sentence or error that
    /// stands for them).
    View(&'a TranscriptView),
    /// These messages, one at a time: the viewer's export of the transcript it holds,
    /// which it never puts together all at once. The paragraph after them, if any,
    /// says they are not the whole transcript.
    Each(I, Option<&'a str>),
}

/// [`render`]'s document written as it is made: the header, `metrics`, the chat, the
/// partner links.
pub fn write_document<W, I, M>(
    w: &mut W,
    report: &Report,
    opts: &PrintOptions,
    now: DateTime<Utc>,
    metrics: &metrics::Metrics,
    chat: Chat<'_, I>,
) -> std::io::Result<()>
where
    W: std::io::Write + ?Sized,
    I: Iterator<Item = M>,
    M: std::borrow::Borrow<present::Message>,
{
    let mut out = Out::default();
    head(&mut out, report, opts, now);
    metrics_section(&mut out, metrics);
    out.para("## Transcript");
    match chat {
        Chat::View(TranscriptView::Empty(s)) => out.para(&sentence_md(s)),
        Chat::View(TranscriptView::Failed(p)) => out.problem(p),
        Chat::View(TranscriptView::Messages(msgs)) => list_items(w, &mut out, msgs.iter())?,
        Chat::Each(msgs, note) => {
            let mut msgs = msgs.peekable();
            match msgs.peek() {
                Some(_) => {
                    list_items(w, &mut out, msgs)?;
                    if let Some(note) = note {
                        out.para(note);
                    }
                }
                // No messages after all: what the report's transcript says instead.
                None => match report.transcript_view(opts.zone) {
                    TranscriptView::Empty(s) => out.para(&sentence_md(s)),
                    TranscriptView::Failed(p) => out.problem(&p),
                    TranscriptView::Messages(_) => out.line(""),
                },
            }
        }
    }
    links_section(&mut out, report, opts);
    // The tail always holds the links' heading, so trimming it trims the document.
    w.write_all(finish(out).as_bytes())
}

/// The messages as a list, written out as they gather.
fn list_items<W, M>(w: &mut W, out: &mut Out, msgs: impl Iterator<Item = M>) -> std::io::Result<()>
where
    W: std::io::Write + ?Sized,
    M: std::borrow::Borrow<present::Message>,
{
    const FLUSH_AT: usize = 64 * 1024;
    for (i, m) in msgs.enumerate() {
        list_item(out, m.borrow(), i > 0);
        if out.0.len() >= FLUSH_AT {
            w.write_all(out.0.as_bytes())?;
            out.0.clear();
        }
    }
    out.line("");
    Ok(())
}

fn head(out: &mut Out, report: &Report, opts: &PrintOptions, now: DateTime<Utc>) {
    out.para(&format!(
        "# Session {}",
        escape(&present::session_id(&report.session, None))
    ));
    out.para("## Details");
    out.fields(&session_fields(&report.session, opts.zone, now));
}

fn metrics_section(out: &mut Out, metrics: &metrics::Metrics) {
    if metrics.worth_a_section() {
        out.para(&format!("## {}", metrics::HEADING));
        out.fields(&metrics::fields(metrics));
    }
}

/// One message as a list item; `in_list`: a message came before it.
fn list_item(out: &mut Out, m: &crate::present::Message, in_list: bool) {
    if let Some(day) = m.day.filter(|_| m.opens_day) {
        if in_list {
            out.line("");
        }
        out.para(&format!("### {}", escape(&day_label(day))));
    }
    // People are named in bold; a line the platform wrote carries the
    // same mark as in the viewer and the text output instead.
    let who = match m.speaker {
        Speaker::System => format!(" {}", m.speaker.mark()),
        _ => format!(" **{}:**", escape(&m.who)),
    };
    let content = block(&m.text, "  ");
    let sep = if content.is_empty() { "" } else { " " };
    out.line(&format!("- {}{who}{sep}{content}", escape(m.clock())));
}

fn links_section(out: &mut Out, report: &Report, opts: &PrintOptions) {
    out.para("## Partner links");
    let view = report.links_view(opts.reveal_secrets);
    match &view {
        LinksView::NoDomain | LinksView::Empty { .. } => {}
        LinksView::Failed { domain, .. } | LinksView::Links { domain, .. } => {
            out.para(&format!("System domain: {}", escape(domain)))
        }
    }
    if let Some(s) = view.sentence() {
        out.para(&sentence_md(&s));
    }
    match &view {
        LinksView::Failed { problem, .. } => out.problem(problem),
        LinksView::Links { links, .. } => {
            for l in links {
                out.para(&format!("### {}", escape(&l.title)));
                out.fields(&l.fields);
            }
        }
        LinksView::NoDomain | LinksView::Empty { .. } => {}
    }
}

/// One final newline, not the blank line every block leaves behind.
fn finish(mut out: Out) -> String {
    let trimmed = out.0.trim_end().len();
    out.0.truncate(trimmed);
    out.0.push('\n');
    out.0
}

/// The document in three parts for a transcript written as it streams (see
/// `print/stream.rs` and the text format's parts).
pub fn streamed_head(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    let mut out = Out::default();
    head(&mut out, report, opts, now);
    out.para("## Transcript");
    out.0
}

/// `in_list`: a message came before it.
pub fn streamed_message(m: &crate::present::Message, in_list: bool) -> String {
    let mut out = Out::default();
    list_item(&mut out, m, in_list);
    out.0
}

pub fn streamed_tail(
    report: &Report,
    opts: &PrintOptions,
    metrics: &metrics::Metrics,
    problem: Option<&Problem>,
) -> String {
    let mut out = Out::default();
    out.line("");
    if let Some(p) = problem {
        out.problem(p);
    }
    metrics_section(&mut out, metrics);
    links_section(&mut out, report, opts);
    finish(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_starts_are_neutralised() {
        assert_eq!(escape("# pwned"), "\\# pwned");
        assert_eq!(escape("   ## deep"), "\\#\\# deep");
        assert_eq!(escape("- item"), "\\- item");
        assert_eq!(escape("==="), "\\===");
        assert_eq!(escape("12. twelve"), "12\\. twelve");
        assert_eq!(escape("> quote"), "\\> quote");
        assert_eq!(escape("a | b"), "a \\| b");
        assert_eq!(escape("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(escape("2024 plain"), "2024 plain");
    }

    #[test]
    fn paragraphs_keep_their_breaks() {
        assert_eq!(block("a\nb\n\n# c", "  "), "a\\\n  b\n\n  \\# c");
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("********"), "`********`");
        assert_eq!(code("a``b"), "```a``b```");
        assert_eq!(code("`x"), "`` `x ``");
    }

    #[test]
    fn sentences_name_flags_in_code_spans() {
        assert_eq!(
            sentence_md(sentence::NO_DOMAIN),
            "No system domain set: pass `--system-domain DOMAIN` or set `G2A_SYSTEM_DOMAIN` to list partner links."
        );
        assert_eq!(
            sentence_md(sentence::EMPTY_TRANSCRIPT),
            "The chat transcript is empty."
        );
    }

    #[test]
    fn urls_link_only_when_safe() {
        assert_eq!(url("https://x.example/a_b"), "<https://x.example/a_b>");
        assert_eq!(url("https://x.example/<b>"), "https://x.example/\\<b\\>");
        assert_eq!(url("javascript:alert(1)"), "javascript:alert(1)");
    }
}

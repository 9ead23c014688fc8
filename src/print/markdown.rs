//! A markdown document of the same content, with server text escaped so it renders as
//! the literal text it is: no headings, lists, links or HTML can be injected.

use chrono::{DateTime, Utc};

use super::facts::{self, Fact, LinksView, Problem, TranscriptView, Value};
use super::{PrintOptions, Report};

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

    fn facts(&mut self, facts: &[Fact]) {
        for f in facts {
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

pub fn render(report: &Report, opts: &PrintOptions, now: DateTime<Utc>) -> String {
    let mut out = Out::default();
    out.para(&format!(
        "# Session {}",
        escape(&facts::session_id(&report.session))
    ));
    out.para("## Details");
    out.facts(&facts::session(&report.session, opts.zone, now));

    out.para("## Transcript");
    match facts::transcript(report, opts.zone) {
        TranscriptView::Absent => out.para(facts::NO_TRANSCRIPT),
        TranscriptView::Empty => out.para(facts::EMPTY_TRANSCRIPT),
        TranscriptView::Failed(p) => out.problem(&p),
        TranscriptView::Messages(msgs) => {
            let mut in_list = false;
            for m in msgs {
                if let Some(day) = &m.new_day {
                    if in_list {
                        out.line("");
                    }
                    out.para(&format!("### {}", escape(day)));
                }
                in_list = true;
                let who = match &m.participant {
                    Some(p) => format!(" **{}:**", escape(p)),
                    None => String::new(),
                };
                let content = block(&m.content, "  ");
                let sep = if content.is_empty() { "" } else { " " };
                out.line(&format!("- {}{who}{sep}{content}", escape(&m.time)));
            }
            out.line("");
        }
    }

    out.para("## Partner links");
    match facts::links(report, opts) {
        LinksView::NoDomain => out.para(
            "No system domain set: pass `--system-domain DOMAIN` or set `G2A_SYSTEM_DOMAIN` to list partner links.",
        ),
        LinksView::Empty { domain } => {
            out.para(&format!("No partner links for {}.", escape(&domain)))
        }
        LinksView::Failed { domain, problem } => {
            out.para(&format!("System domain: {}", escape(&domain)));
            out.problem(&problem);
        }
        LinksView::Links { domain, links } => {
            out.para(&format!("System domain: {}", escape(&domain)));
            for l in links {
                out.para(&format!("### {}", escape(&l.title)));
                out.facts(&l.facts);
            }
        }
    }
    // One final newline, not the blank line every block leaves behind.
    let trimmed = out.0.trim_end().len();
    out.0.truncate(trimmed);
    out.0.push('\n');
    out.0
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
    fn urls_link_only_when_safe() {
        assert_eq!(url("https://x.example/a_b"), "<https://x.example/a_b>");
        assert_eq!(url("https://x.example/<b>"), "https://x.example/\\<b\\>");
        assert_eq!(url("javascript:alert(1)"), "javascript:alert(1)");
    }
}

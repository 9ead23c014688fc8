//! Untrusted text made safe for a terminal: the one sanitiser every output path uses.
//!
//! Customers type into the web chat, so anything the server sends may carry escape
//! sequences (title changes, OSC 52 clipboard writes, cursor moves). We drop every
//! control character a terminal acts on, and the bidi overrides that can make text
//! read differently from what it is, while keeping all other Unicode intact.

use std::borrow::Cow;

/// True for a character that must never reach a terminal.
///
/// Newline and tab are kept (they carry the message layout); everything else in C0,
/// DEL, C1 (U+0080..=U+009F, which some terminals treat as 8-bit CSI/OSC) and the
/// bidi embedding/override/isolate controls is removed.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
    }
}

/// Removes unsafe characters, keeping newlines and tabs. Borrows when nothing changes.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().filter(|&c| !is_unsafe(c)).collect())
}

/// For one-line fields (names, URLs, ids): unsafe characters removed, and newlines and
/// tabs turned into spaces so a value can never break the line it is shown on.
pub fn sanitize_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .filter(|&c| !is_unsafe(c))
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect(),
    )
}

/// A short excerpt of an untrusted body for an error message: one line, sanitised,
/// at most `max` characters with an ellipsis when cut.
pub fn excerpt(s: &str, max: usize) -> String {
    let line = sanitize_line(s.trim());
    let mut out = String::new();
    let mut prev_space = false;
    let mut n = 0;
    for c in line.chars() {
        if n >= max {
            out.push('…');
            break;
        }
        // Collapse runs of spaces so an indented HTML page still says something useful.
        if c == ' ' {
            if prev_space {
                continue;
            }
            prev_space = true;
        } else {
            prev_space = false;
        }
        out.push(c);
        n += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_controls_keeps_unicode() {
        let hostile = "a\x1b]0;pwned\x07b\x1b[2Jc\u{9b}31md\u{7f}e\x08f\r\ng\u{202e}h\u{2066}i";
        let clean = sanitize(hostile);
        assert_eq!(clean, "a]0;pwnedb[2Jc31mdef\ngh".to_string() + "i");
        let intl = "日本語 🎉 مرحبا\tשלום\n";
        assert!(matches!(sanitize(intl), Cow::Borrowed(_)));
    }

    #[test]
    fn line_variant_flattens_layout() {
        assert_eq!(sanitize_line("a\nb\tc\x1b"), "a b c");
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let body = "<html>\n   <body>\x1b[31m  Bad   gateway</body></html>";
        let e = excerpt(body, 20);
        assert_eq!(e, "<html> <body>[31m Ba…");
        assert!(!e.chars().any(is_unsafe));
    }
}

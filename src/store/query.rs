//! A technician's search text turned into a safe FTS5 query (issue 8).
//!
//! Every whitespace-separated word becomes an FTS5 string, so punctuation inside a word is never
//! an operator: `0x80070005` and `KB-5034441` are searched as typed (the latter as the phrase
//! `kb 5034441`, which is how the tokenizer stored it). `"phrases in quotes"` stay phrases, and a
//! trailing `*` on a word or a phrase asks for a prefix. `AND`, `OR`, `NOT` and `NEAR` are words
//! like any other. Terms are ANDed, as FTS5 does for juxtaposed strings.

/// Why a query cannot be searched; one line, in the user's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryError {
    /// A `"` without its partner.
    UnbalancedQuote,
    /// Nothing but spaces, punctuation or `*` was typed.
    NothingToSearch,
    /// SQLite's FTS5 still refused the query; its own wording is not shown.
    Unparsable,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            QueryError::UnbalancedQuote => "a quote is not closed (type \"…\" around a phrase)",
            QueryError::NothingToSearch => "it has no letters or digits to search for",
            QueryError::Unparsable => "it cannot be read as a search (check its quotes and `*`)",
        })
    }
}

/// The FTS5 MATCH expression for `input`.
pub fn to_fts(input: &str) -> Result<String, QueryError> {
    let mut terms: Vec<String> = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let (body, quoted) = if c == '"' {
            chars.next();
            let mut body = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some(ch) => body.push(ch),
                    None => return Err(QueryError::UnbalancedQuote),
                }
            }
            (body, true)
        } else {
            let mut body = String::new();
            while let Some(&ch) = chars.peek() {
                // A quote starts a phrase even when glued to a word: `error"access denied"`.
                if ch.is_whitespace() || ch == '"' {
                    break;
                }
                body.push(ch);
                chars.next();
            }
            (body, false)
        };
        // A `*` right after a phrase, or at the end of a word, asks for a prefix.
        let (body, prefix) = if quoted {
            let star = chars.peek() == Some(&'*');
            if star {
                chars.next();
            }
            (body, star)
        } else {
            match body.strip_suffix('*') {
                Some(stem) => (stem.trim_end_matches('*').to_string(), true),
                None => (body, false),
            }
        };
        // FTS5 rejects a string with no tokens next to other terms; one with only
        // punctuation would match nothing anyway, so it is dropped.
        if !body.chars().any(char::is_alphanumeric) {
            continue;
        }
        let mut term = String::with_capacity(body.len() + 3);
        term.push('"');
        term.push_str(&body.replace('"', "\"\""));
        term.push('"');
        if prefix {
            term.push('*');
        }
        terms.push(term);
    }
    if terms.is_empty() {
        return Err(QueryError::NothingToSearch);
    }
    Ok(terms.join(" "))
}

/// `input` as a search typed live (the session list's query line): the word being typed is
/// a prefix, so `0x8007` already finds `0x80070005`, and a phrase still being typed is closed
/// rather than reported as an unclosed quote. A finished word (trailing space), a closed
/// phrase or an explicit `*` is left as typed.
pub fn as_you_type(input: &str) -> String {
    let open_quote = input.chars().filter(|&c| c == '"').count() % 2 == 1;
    let typing_word = input.chars().last().is_some_and(char::is_alphanumeric);
    match (open_quote, typing_word) {
        (true, true) => format!("{input}\"*"),
        (true, false) => format!("{input}\""),
        (false, true) => format!("{input}*"),
        (false, false) => input.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_being_typed_is_a_prefix() {
        assert_eq!(as_you_type("0x8007"), "0x8007*");
        assert_eq!(as_you_type("KB-50344"), "KB-50344*");
        assert_eq!(as_you_type("printer "), "printer ");
        assert_eq!(as_you_type("\"access denied\""), "\"access denied\"");
        assert_eq!(as_you_type("\"access den"), "\"access den\"*");
        assert_eq!(as_you_type("\"access "), "\"access \"");
        assert_eq!(as_you_type("print*"), "print*");
        assert_eq!(as_you_type("KB-"), "KB-");
        assert_eq!(
            to_fts(&as_you_type("KB-50344")).as_deref(),
            Ok("\"KB-50344\"*")
        );
    }

    #[test]
    fn words_are_quoted_so_punctuation_is_not_an_operator() {
        assert_eq!(to_fts("0x80070005").as_deref(), Ok("\"0x80070005\""));
        assert_eq!(to_fts("KB-5034441").as_deref(), Ok("\"KB-5034441\""));
        assert_eq!(
            to_fts("  printer   NOT offline ").as_deref(),
            Ok("\"printer\" \"NOT\" \"offline\"")
        );
        assert_eq!(to_fts("a:b (c)").as_deref(), Ok("\"a:b\" \"(c)\""));
    }

    #[test]
    fn phrases_and_prefixes() {
        assert_eq!(
            to_fts("\"access denied\" print*").as_deref(),
            Ok("\"access denied\" \"print\"*")
        );
        assert_eq!(to_fts("\"access den\"*").as_deref(), Ok("\"access den\"*"));
        assert_eq!(
            to_fts("error\"access denied\"").as_deref(),
            Ok("\"error\" \"access denied\"")
        );
        assert_eq!(to_fts("print**").as_deref(), Ok("\"print\"*"));
    }

    #[test]
    fn what_cannot_be_searched() {
        assert_eq!(to_fts("\"access denied"), Err(QueryError::UnbalancedQuote));
        assert_eq!(to_fts("   "), Err(QueryError::NothingToSearch));
        assert_eq!(to_fts("* - \"\" ()"), Err(QueryError::NothingToSearch));
        assert_eq!(to_fts("- printer").as_deref(), Ok("\"printer\""));
    }
}

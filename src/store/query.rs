//! A technician's search text turned into a safe FTS5 query (issue 8).
//!
//! Every whitespace-separated word becomes an FTS5 string, so punctuation inside a word is never
//! an operator: `0x80070005` and `KB-5034441` are searched as typed (the latter as the phrase
//! `kb 5034441`, which is how the tokenizer stored it). `"phrases in quotes"` stay phrases, and a
//! trailing `*` on a word or a phrase asks for a prefix. `AND`, `OR`, `NOT` and `NEAR` are words
//! like any other. Terms are ANDed, as FTS5 does for juxtaposed strings.
//!
//! Chinese and Japanese are written without spaces between words, and Korean attaches
//! particles to its words, so the tokenizer would take a whole run of them for one word and
//! `无法连接` would never find `网络无法连接`. The index therefore holds each of their
//! characters as a token of its own ([`split_unspaced`], through the SQL function
//! [`SPLIT_FN`]), and a search for a run of them is the phrase of its characters: it finds
//! the run wherever it stands.

use std::borrow::Cow;

/// The SQL function (one argument, text or NULL) that gives [`split_unspaced`]: what the
/// search index is built from, registered on every connection.
pub const SPLIT_FN: &str = "g2a_fts_split";

/// What separates the characters [`split_unspaced`] splits: a zero-width space, which the
/// tokenizer takes for a separator and the sanitiser removes from anything shown.
pub const SPLIT_MARK: char = '\u{200b}';

/// Characters of scripts written without spaces between words: kana, CJK ideographs and
/// their iteration marks, Hangul (and their half-width and compatibility forms).
fn is_unspaced(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'         // 々 〆 〇
        | '\u{3040}'..='\u{30ff}'       // hiragana, katakana
        | '\u{3131}'..='\u{318e}'       // Hangul compatibility jamo
        | '\u{31f0}'..='\u{31ff}'       // katakana phonetic extensions
        | '\u{3400}'..='\u{4dbf}'       // CJK extension A
        | '\u{4e00}'..='\u{9fff}'       // CJK unified ideographs
        | '\u{ac00}'..='\u{d7a3}'       // Hangul syllables
        | '\u{f900}'..='\u{faff}'       // CJK compatibility ideographs
        | '\u{ff66}'..='\u{ffdc}'       // half-width katakana and Hangul
        | '\u{20000}'..='\u{323af}') // CJK extensions B to H
}

/// `s` with [`SPLIT_MARK`] wherever a character [`is_unspaced`] holds meets a letter or
/// digit (of any script: `KB打印` is `KB`, `打`, `印`), so each such character is a word of
/// its own. Borrowed when nothing changes: every such character takes at least three bytes,
/// the first of them 0xe3 or more, so most text is passed over without decoding.
pub fn split_unspaced(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(|b| b >= 0xe3) {
        return Cow::Borrowed(s);
    }
    let mut out: Option<String> = None;
    // Whether the character before was a letter or digit, and whether it was unspaced.
    let mut prev = (false, false);
    for (i, c) in s.char_indices() {
        let this = (c.is_alphanumeric(), is_unspaced(c));
        if this.0 && prev.0 && (this.1 || prev.1) {
            out.get_or_insert_with(|| {
                let mut o = String::with_capacity(s.len() * 2);
                o.push_str(&s[..i]);
                o
            })
            .push(SPLIT_MARK);
        }
        if let Some(o) = out.as_mut() {
            o.push(c);
        }
        prev = this;
    }
    out.map_or(Cow::Borrowed(s), Cow::Owned)
}

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
        let body = split_unspaced(&body);
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
    fn runs_of_unspaced_characters_are_split_and_nothing_else() {
        let z = SPLIT_MARK;
        assert!(matches!(
            split_unspaced("printer 0x80070005 …"),
            Cow::Borrowed(_)
        ));
        assert!(matches!(split_unspaced("Tomás ✔ 🖨️"), Cow::Borrowed(_)));
        assert!(matches!(split_unspaced("网 络"), Cow::Borrowed(_)));
        assert_eq!(split_unspaced("网络无法"), format!("网{z}络{z}无{z}法"));
        assert_eq!(
            split_unspaced("KB5034441打印机，设定を確認"),
            format!("KB5034441{z}打{z}印{z}机，设{z}定{z}を{z}確{z}認")
        );
        assert_eq!(
            split_unspaced("서버가 응답"),
            format!("서{z}버{z}가 응{z}답")
        );
        assert_eq!(split_unspaced("𠀀𠀁"), format!("𠀀{z}𠀁"));
        assert_eq!(split_unspaced("ＰＣ設定"), format!("ＰＣ{z}設{z}定"));
        assert_eq!(split_unspaced("佐々木"), format!("佐{z}々{z}木"));
        assert_eq!(split_unspaced("ㅋㅋ ok"), format!("ㅋ{z}ㅋ ok"));
        assert_eq!(split_unspaced("重启PC后"), format!("重{z}启{z}PC{z}后"));
        assert_eq!(
            to_fts("无法连接 printer").as_deref(),
            Ok(format!("\"无{z}法{z}连{z}接\" \"printer\"").as_str())
        );
    }

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

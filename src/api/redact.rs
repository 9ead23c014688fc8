//! Secrets cut out of server text before it is quoted in an error.
//!
//! A proxy or debug page may echo the request back, and not byte for byte: PHP's
//! `json_encode` writes `/` as `\/`, a URL carries `%2B`, a log lower-cases the
//! header (issue 10 saw `"Bearer Ab\/Cd+Ef=="` print the token). So the access token
//! is matched one character at a time, each in any of the spellings an echo uses,
//! and partner `userToken` values are found by their key in the same spellings.

use std::borrow::Cow;

use crate::sanitize::sanitize_line;

/// What stands where the access token was.
pub const TOKEN_MARK: &str = "[token]";
/// What stands where a partner `userToken` value was.
pub const USER_TOKEN_MARK: &str = "********";

/// Server text made fit to quote: partner tokens masked, the access token cut out,
/// sanitised for a terminal. Cut again after sanitising, because removing an invisible
/// character can join a token that it split.
pub fn clean(text: &str, token: &str) -> String {
    let text = mask_user_tokens(text);
    let text = redact_secret(&text, token);
    redact_secret(&sanitize_line(&text), token).into_owned()
}

/// `text` with every spelling of `secret` replaced by [`TOKEN_MARK`]: exact, JSON-escaped
/// (`\/`, `\uXXXX`), percent-encoded (either hex case, `+` for a space), with ASCII
/// letters in any case, or any mix of these.
pub fn redact_secret<'a>(text: &'a str, secret: &str) -> Cow<'a, str> {
    let secret: Vec<char> = secret.chars().collect();
    if secret.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < text.len() {
        if let Some(end) = match_at(text, i, &secret) {
            out.push_str(&text[copied..i]);
            out.push_str(TOKEN_MARK);
            copied = end;
            i = end;
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Where a spelling of `secret` that starts at byte `at` ends.
fn match_at(text: &str, at: usize, secret: &[char]) -> Option<usize> {
    let mut pos = at;
    for &want in secret {
        pos += spelled_at(&text[pos..], want)?;
    }
    Some(pos)
}

/// The length of one spelling of `want` at the start of `s`.
fn spelled_at(s: &str, want: char) -> Option<usize> {
    let first = s.chars().next()?;
    if first == want || (want.is_ascii() && first.eq_ignore_ascii_case(&want)) {
        return Some(first.len_utf8());
    }
    let b = s.as_bytes();
    match first {
        '\\' if want == '/' && b.get(1) == Some(&b'/') => Some(2),
        '\\' if b.get(1) == Some(&b'u') => {
            let unit = hex(b.get(2..6)?)?;
            (char::from_u32(unit) == Some(want)).then_some(6)
        }
        // Only ASCII: a multibyte character is several `%XX`, and tokens are ASCII.
        '%' if want.is_ascii() => (hex(b.get(1..3)?)? == want as u32).then_some(3),
        '+' if want == ' ' => Some(1),
        _ => None,
    }
}

fn hex(digits: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(digits).ok()?;
    if !s.bytes().all(|d| d.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

/// Partner `userToken` values masked in server text: a links answer cut short by a
/// proxy is not JSON, and its first characters may hold one. Matches the key in any
/// case, then quotes and a `:` or `=` as written, JSON-escaped (`\"`, `\u0022`) or
/// percent-encoded (`%22`, `%3A`); the value runs to its closing quote (in the same
/// spelling as the opening one), or to the next delimiter when unquoted, or to the
/// end when cut.
pub fn mask_user_tokens(text: &str) -> Cow<'_, str> {
    const KEY: &str = "usertoken";
    let lower = text.to_ascii_lowercase();
    if !lower.contains(KEY) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(KEY) {
        let key_end = from + found + KEY.len();
        let mut i = key_end;
        skip(&lower, &mut i, QUOTES_AND_BLANKS);
        let Some(sep) = starts(&lower[i..], SEPARATORS) else {
            from = key_end;
            continue;
        };
        i += sep;
        skip(&lower, &mut i, BLANKS);
        let quote = QUOTES.iter().find(|q| lower[i..].starts_with(**q)).copied();
        i += quote.map_or(0, str::len);
        let start = i;
        let bytes = lower.as_bytes();
        while i < lower.len() {
            let tail = &lower[i..];
            let closes = match quote {
                // A bare `"` after a backslash is part of the value, unless the value
                // was opened by an escaped quote, which the same escape closes.
                Some("\"") => bytes[i] == b'"' && bytes[i - 1] != b'\\',
                Some(q) => tail.starts_with(q),
                None => starts(tail, DELIMITERS).is_some(),
            };
            if closes {
                break;
            }
            i += tail.chars().next().map_or(1, char::len_utf8);
        }
        out.push_str(&text[rest..start]);
        out.push_str(USER_TOKEN_MARK);
        rest = i;
        from = i.max(key_end);
    }
    out.push_str(&text[rest..]);
    Cow::Owned(out)
}

/// Spellings compared against lower-cased text, so hex digits are lower case here.
const QUOTES: &[&str] = &["\\\"", "\\u0022", "%22", "\"", "\\'", "%27", "'"];
const QUOTES_AND_BLANKS: &[&str] = &[
    "\\\"", "\\u0022", "%22", "\"", "\\'", "%27", "'", " ", "\t", "%20", "+",
];
const BLANKS: &[&str] = &[" ", "\t", "%20", "+"];
const SEPARATORS: &[&str] = &[":", "=", "%3a", "%3d", "\\u003a", "\\u003d"];
const DELIMITERS: &[&str] = &[
    ",", "}", "&", " ", "\n", ";", "%2c", "%7d", "%26", "%20", "\\u0026", "\\n",
];

fn starts(s: &str, set: &[&str]) -> Option<usize> {
    set.iter().find(|p| s.starts_with(**p)).map(|p| p.len())
}

fn skip(s: &str, i: &mut usize, set: &[&str]) {
    while let Some(n) = starts(&s[*i..], set) {
        *i += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "Ab/Cd+Ef==";

    #[test]
    fn the_token_in_every_spelling_an_echo_uses() {
        for echo in [
            "Authorization: Bearer Ab/Cd+Ef==",
            r#"{"auth":"Bearer Ab\/Cd+Ef=="}"#,
            "GET /?access_token=Ab%2FCd%2BEf%3D%3D HTTP/1.1",
            "get /?access_token=ab%2fcd%2bef%3d%3d",
            "AUTHORIZATION: BEARER AB/CD+EF==",
            "authorization: bearer ab/cd+ef==",
            r#"{"auth":"Bearer Ab\u002fCd\u002BEf\u003d="}"#,
            r#"{"auth":"bearer ab\/cd%2Bef=="}"#,
        ] {
            let out = redact_secret(echo, TOKEN);
            assert!(out.contains(TOKEN_MARK), "{echo} -> {out}");
            let folded = out.to_ascii_lowercase();
            for leak in [
                "ab/cd",
                "ab\\/cd",
                "ab%2fcd",
                "cd+ef",
                "cd%2bef",
                "ab\\u002fcd",
            ] {
                assert!(!folded.contains(leak), "{echo} -> {out}");
            }
        }
    }

    #[test]
    fn text_around_the_token_is_kept() {
        assert_eq!(
            redact_secret(r#"x "Bearer Ab\/Cd+Ef==" y Ab/Cd+Ef=="#, TOKEN),
            r#"x "Bearer [token]" y [token]"#
        );
        assert_eq!(redact_secret("Ab/Cd+E", TOKEN), "Ab/Cd+E");
        assert_eq!(redact_secret("日本 Ab/Cd+Ef== é", TOKEN), "日本 [token] é");
        assert!(matches!(redact_secret("nothing", TOKEN), Cow::Borrowed(_)));
        assert_eq!(redact_secret("a b", ""), "a b");
        assert_eq!(redact_secret("x%4", "x%41"), "x%4");
    }

    #[test]
    fn partner_tokens_in_quoted_server_text() {
        let cut = r#"[{"systemName":"Acme","userToken":"nw-7f3a9c1e-secret","callbackURL":"ht"#;
        assert_eq!(
            mask_user_tokens(cut),
            r#"[{"systemName":"Acme","userToken":"********","callbackURL":"ht"#
        );
        let truncated = r#"{"UserToken" : "abc"#;
        assert_eq!(mask_user_tokens(truncated), r#"{"UserToken" : "********"#);
        assert_eq!(
            mask_user_tokens("usertoken=abc&x=1 userToken: q"),
            "usertoken=********&x=1 userToken: ********"
        );
        assert_eq!(mask_user_tokens("no secrets here"), "no secrets here");
        assert_eq!(
            mask_user_tokens("userToken is missing"),
            "userToken is missing"
        );
    }

    #[test]
    fn partner_tokens_in_every_spelling() {
        for (echo, masked) in [
            (
                r#""{\"userToken\":\"nw-s3cret\",\"x\":1}""#,
                r#""{\"userToken\":\"********\",\"x\":1}""#,
            ),
            (
                r#"{"userToken":"nw-s3\"cret","x":1}"#,
                r#"{"userToken":"********","x":1}"#,
            ),
            (
                "q=%7B%22userToken%22%3A%22nw-s3cret%22%2C%22x%22",
                "q=%7B%22userToken%22%3A%22********%22%2C%22x%22",
            ),
            (
                "q=%7b%22USERTOKEN%22%3a%22NW-S3CRET%22%7d",
                "q=%7b%22USERTOKEN%22%3a%22********%22%7d",
            ),
            (
                r#"{\u0022userToken\u0022:\u0022nw-s3cret\u0022}"#,
                r#"{\u0022userToken\u0022:\u0022********\u0022}"#,
            ),
            ("usertoken%3Dnw-s3cret%26x=1", "usertoken%3D********%26x=1"),
            ("userToken=nw-s3cret", "userToken=********"),
        ] {
            assert_eq!(mask_user_tokens(echo), masked, "{echo}");
        }
    }
}

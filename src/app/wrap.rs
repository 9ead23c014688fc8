//! Word wrapping by display width (CJK and emoji take two columns), with a narrower
//! first line so a message can start after its time and name.

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Tabs would break the pane's alignment; they are shown as this many spaces.
const TAB: &str = "    ";

/// Display width of a string as the terminal will draw it.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Wraps `text` into rows: the first at most `first` columns wide, the rest at most
/// `rest`. Newlines start a new row; words longer than a row are split by grapheme.
/// Always returns at least one row.
pub fn wrap(text: &str, first: usize, rest: usize) -> Vec<String> {
    let first = first.max(1);
    let rest = rest.max(1);
    let mut rows: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0usize;
    let limit = |rows: &Vec<String>| if rows.is_empty() { first } else { rest };
    for (n, paragraph) in text.split('\n').enumerate() {
        if n > 0 {
            rows.push(std::mem::take(&mut line));
            used = 0;
        }
        let paragraph = paragraph.replace('\t', TAB);
        for word in chunks(&paragraph) {
            let w = width(word);
            let max = limit(&rows);
            if used + w <= max {
                line.push_str(word);
                used += w;
                continue;
            }
            if word.trim().is_empty() {
                // A space at the break is dropped rather than starting the next row.
                rows.push(std::mem::take(&mut line));
                used = 0;
                continue;
            }
            // A word that does not fit moves to the next row; on a narrow first row
            // (after a long name) that can leave the first row empty, which reads better
            // than a word cut in two.
            if (used > 0 || rows.is_empty()) && w <= rest {
                rows.push(std::mem::take(&mut line));
                line.push_str(word);
                used = w;
                continue;
            }
            // Too long for any row: break after URL punctuation where possible, so
            // "northwind.example/tickets/" splits as a reader expects.
            let mut tail = word;
            while !tail.is_empty() {
                let room = limit(&rows).saturating_sub(used);
                // Measured only as far as the room: the tail of a word of megabytes
                // is measured once per row otherwise, and wrapping it takes minutes.
                if fits(tail, room) {
                    line.push_str(tail);
                    used += width(tail);
                    break;
                }
                // Mid-row, a word is never cut where URL punctuation does not allow
                // it: it starts on a row of its own instead.
                let cut = match url_break(tail, room) {
                    None if used > 0 => {
                        rows.push(std::mem::take(&mut line));
                        used = 0;
                        continue;
                    }
                    Some(i) => Some(i),
                    None => grapheme_break(tail, room),
                };
                match cut.map(|i| not_before_closing(tail, i)) {
                    Some(i) => {
                        line.push_str(&tail[..i]);
                        tail = &tail[i..];
                    }
                    // Not even one grapheme fits after what is on the row.
                    None if used == 0 => {
                        let g = tail.graphemes(true).next().unwrap_or(tail);
                        line.push_str(g);
                        tail = &tail[g.len()..];
                    }
                    None => {}
                }
                rows.push(std::mem::take(&mut line));
                used = 0;
            }
        }
    }
    rows.push(line);
    for row in &mut rows {
        let trimmed = row.trim_end().len();
        row.truncate(trimmed);
    }
    rows
}

/// A cut at `i` moved back a grapheme when it would start a row with closing
/// punctuation or a small kana (`。` after a long code carries its last character down).
fn not_before_closing(s: &str, i: usize) -> usize {
    match s.get(i..).and_then(|t| t.chars().next()) {
        Some(c) if no_break_before(c) => match s[..i].grapheme_indices(true).next_back() {
            Some((j, _)) if j > 0 => j,
            _ => i,
        },
        _ => i,
    }
}

/// Whether `s` is at most `room` columns wide, looking at no more of it than that.
fn fits(s: &str, room: usize) -> bool {
    let mut used = 0;
    s.graphemes(true).all(|g| {
        used += width(g);
        used <= room
    })
}

/// Runs of spaces and runs of everything else: lines break only at spaces, so
/// "add-ins," and "<dana@example.com>" stay whole when they fit. Chinese and Japanese,
/// written without spaces, may also break between two characters where one of them
/// is an ideograph or kana (a reduced UAX #14: never before closing punctuation, small
/// kana or a prolonged sound mark, never after an opening bracket).
fn chunks(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first == ' ';
        let end = match space {
            true => rest.find(|c| c != ' ').unwrap_or(rest.len()),
            false => {
                let run = rest.find(' ').unwrap_or(rest.len());
                // Ideographs and kana take three bytes or four, the first 0xe3 or more;
                // only this run is looked at (the rest of a long line is not, each word).
                match rest[..run].bytes().any(|b| b >= 0xe3) {
                    true => unspaced_end(&rest[..run]).unwrap_or(run),
                    false => run,
                }
            }
        };
        let (chunk, tail) = rest.split_at(end);
        rest = tail;
        Some(chunk)
    })
}

/// Where the run of non-spaces at the start of `s` first allows a break (by grapheme,
/// so a combining mark or variation selector stays with its character).
fn unspaced_end(s: &str) -> Option<usize> {
    let mut before: Option<char> = None;
    for (i, g) in s.grapheme_indices(true) {
        let first = g.chars().next()?;
        if first == ' ' {
            return Some(i);
        }
        if let Some(a) = before {
            // After a closing mark of Chinese or Japanese (`。`, `ー`, `っ`) a line may
            // break too: `ラー` then `0x8007…`.
            let closes = no_break_before(a) && a >= '\u{3000}';
            if (ideographic(a) || closes || ideographic(first))
                && !no_break_before(first)
                && !no_break_after(a)
            {
                return Some(i);
            }
        }
        before = g.chars().last();
    }
    None
}

/// Han ideographs and kana (but the small ones and marks, which never start a line).
fn ideographic(c: char) -> bool {
    matches!(c,
        '\u{3005}'..='\u{3007}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30a1}'..='\u{30fa}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{ff66}'..='\u{ff9d}'
        | '\u{20000}'..='\u{323af}')
        && !no_break_before(c)
}

/// Closing punctuation, small kana, iteration and prolonged sound marks (kinsoku).
fn no_break_before(c: char) -> bool {
    matches!(c,
        '、' | '。' | '，' | '．' | '！' | '？' | '：' | '；' | '）' | '］' | '｝' | '〕' | '〉'
        | '》' | '」' | '』' | '】' | '〙' | '〗' | '〟' | '・' | 'ー' | '々' | '〻' | 'ゝ'
        | 'ゞ' | 'ヽ' | 'ヾ' | '…' | '‥' | '｡' | '､' | '｣' | 'ｰ' | 'ﾞ' | 'ﾟ'
        | 'ぁ' | 'ぃ' | 'ぅ' | 'ぇ' | 'ぉ' | 'っ' | 'ゃ' | 'ゅ' | 'ょ' | 'ゎ' | 'ゕ' | 'ゖ'
        | 'ァ' | 'ィ' | 'ゥ' | 'ェ' | 'ォ' | 'ッ' | 'ャ' | 'ュ' | 'ョ' | 'ヮ' | 'ヵ' | 'ヶ'
        | '\u{3099}'..='\u{309c}'
        | '\u{31f0}'..='\u{31ff}'
        | '!' | '?' | ',' | '.' | ':' | ';' | ')' | ']' | '}' | '%')
}

/// Opening brackets, which stay with what follows them.
fn no_break_after(c: char) -> bool {
    matches!(
        c,
        '（' | '［'
            | '｛'
            | '〔'
            | '〈'
            | '《'
            | '「'
            | '『'
            | '【'
            | '〘'
            | '〖'
            | '〝'
            | '｢'
            | '('
            | '['
            | '{'
    )
}

/// Where URL punctuation allows a break: the end of the longest prefix of `s` that
/// fits in `room` columns and ends with one of `/ ? & = . - _` (or an e-mail's `@`).
fn url_break(s: &str, room: usize) -> Option<usize> {
    let mut used = 0;
    let mut best = None;
    for (i, g) in s.grapheme_indices(true) {
        used += width(g);
        if used > room {
            break;
        }
        if matches!(g, "/" | "?" | "&" | "=" | "." | "-" | "_" | "@") {
            best = Some(i + g.len());
        }
    }
    // A break that would leave most of the row empty reads worse than a plain cut.
    best.filter(|&i| i < s.len() && width(&s[..i]) * 2 >= room)
}

/// The end of the longest prefix of whole graphemes that fits in `room` columns.
fn grapheme_break(s: &str, room: usize) -> Option<usize> {
    let mut used = 0;
    let mut end = None;
    for (i, g) in s.grapheme_indices(true) {
        used += width(g);
        if used > room {
            break;
        }
        end = Some(i + g.len());
    }
    end
}

/// The longest prefix of whole graphemes of `s` at most `max` columns wide.
pub fn cut(s: &str, max: usize) -> &str {
    &s[..grapheme_break(s, max).unwrap_or(0)]
}

/// Cuts `s` to at most `max` columns, with an ellipsis when it was longer.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let w = width(g);
        if used + w + 1 > max {
            break;
        }
        out.push_str(g);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_words_and_keeps_newlines() {
        assert_eq!(wrap("aa bb cc", 5, 5), vec!["aa bb", "cc"]);
        assert_eq!(wrap("one\n\ntwo", 10, 10), vec!["one", "", "two"]);
        assert_eq!(wrap("", 10, 10), vec![""]);
    }

    #[test]
    fn narrower_first_row_and_long_words() {
        assert_eq!(wrap("hello world", 3, 8), vec!["", "hello", "world"]);
        let long = "x".repeat(25);
        let rows = wrap(&long, 10, 10);
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|r| width(r) <= 10));
    }

    #[test]
    fn wide_characters_count_twice() {
        let rows = wrap("日本語のテキスト", 6, 6);
        assert!(rows.iter().all(|r| width(r) <= 6), "{rows:?}");
        assert_eq!(rows.concat(), "日本語のテキスト");
    }

    #[test]
    fn chinese_and_japanese_break_between_characters() {
        // A line of Chinese fills its rows instead of moving whole to the next.
        assert_eq!(
            wrap("网络无法连接，请检查。", 8, 8),
            vec!["网络无法", "连接，请", "检查。"]
        );
        // Never before closing punctuation or small kana, never after an opening
        // bracket: the character before moves down with it.
        assert_eq!(
            wrap("設定を「確認」して", 10, 10),
            vec!["設定を「確", "認」して"]
        );
        assert_eq!(wrap("ちょっと", 2, 6), vec!["", "ちょっ", "と"]);
        assert_eq!(wrap("コーヒー", 2, 4), vec!["", "コー", "ヒー"]);
        // Next to Latin letters and digits too; a Latin word stays whole.
        assert_eq!(
            wrap("KB5034441更新失败 restart", 12, 12),
            vec!["KB5034441更", "新失败", "restart"]
        );
        // A combining voiced mark and a variation selector stay with their character.
        let rows = wrap("か\u{3099}き\u{3099}葛\u{e0100}城", 4, 4);
        assert_eq!(rows, vec!["か\u{3099}き\u{3099}", "葛\u{e0100}城"]);
        // Korean is written with spaces and breaks there.
        assert_eq!(
            wrap("서버가 응답하지 않습니다", 10, 10),
            vec!["서버가", "응답하지", "않습니다"]
        );
        // A code too long for a row is cut, but not before the full stop after it.
        let rows = wrap("エラー0x80070643ABCDEFGH。再起動", 18, 18);
        assert_eq!(rows, vec!["エラー", "0x80070643ABCDEFG", "H。再起動"]);
        // The first row after a name is used, not left empty.
        assert_eq!(wrap("打印机无法连接", 4, 20), vec!["打印", "机无法连接"]);
    }

    #[test]
    fn breaks_only_at_spaces() {
        assert_eq!(
            wrap("check add-ins, then", 14, 14),
            vec!["check add-ins,", "then"]
        );
        assert_eq!(
            wrap("Dana <dana@northwind.example>", 20, 24),
            vec!["Dana", "<dana@northwind.example>"]
        );
    }

    #[test]
    fn long_urls_break_at_their_punctuation() {
        let url = "https://helpdesk.northwind.example/tickets/10443?view=full";
        let rows = wrap(url, 30, 30);
        assert_eq!(
            rows,
            vec![
                "https://helpdesk.northwind.",
                "example/tickets/10443?view=",
                "full"
            ]
        );
        assert_eq!(rows.concat(), url);
        let mail = wrap("dana.whitfield@northwind.example", 20, 20);
        assert_eq!(mail, vec!["dana.whitfield@", "northwind.example"]);
    }

    /// A word of megabytes (a pasted blob, a hostile message) is cut into rows that
    /// hold all of it, each full; `benches/transcript.rs` times it (it took minutes).
    #[test]
    fn a_huge_word_is_cut_into_full_rows() {
        let word = "B".repeat(300_000) + &"漢".repeat(1_001);
        let rows = wrap(&word, 30, 100);
        assert_eq!(rows.concat(), word);
        assert_eq!(rows[0].len(), 30);
        assert!(rows[1..rows.len() - 1]
            .iter()
            .all(|r| width(r) == 100 || width(r) == 99));
        // 30 Bs, 2,999 rows of 100, then 70 Bs and 15 漢 on one row, 19 rows of 50 漢
        // and the last 36.
        assert_eq!(rows.len(), 1 + 2_999 + 1 + 19 + 1);
    }

    #[test]
    fn truncates_with_ellipsis() {
        assert_eq!(truncate("Dana Whitfield", 6), "Dana …");
        assert_eq!(truncate("Dana", 6), "Dana");
    }
}

//! Untrusted text made safe for a terminal: the one sanitiser every output path uses.
//!
//! Customers type into the web chat, so anything the server sends may carry escape
//! sequences (title changes, OSC 52 clipboard writes, cursor moves). Removing them
//! silently is not enough: `SD-66666` followed by the 8-bit CSI `\u{9b}2J` used to read
//! `SD-666662J`, a plausible ticket number. So what a terminal would act on is made
//! *visible* instead:
//!
//! - each escape sequence (CSI, OSC, DCS, SOS/PM/APC, two-byte `ESC x`, and their 8-bit
//!   C1 forms) becomes one marker `␛` (U+241B), whatever its length;
//! - a lone C1 character (U+0080..=U+009F) is the 8-bit form of `ESC` + (c - 0x40), so it
//!   is one sequence and becomes `␛` too;
//! - other C0 controls become their control pictures (U+2400 + code: `␇ ␈ ␀`), DEL
//!   becomes `␡`; newline and tab stay; CR LF becomes a newline and a lone CR `␍`;
//! - U+2028/U+2029 (line and paragraph separators) become newlines;
//! - bidi embeddings, overrides and isolates, and invisible format characters that
//!   make two different values look alike (zero-width space, LRM/RLM/ALM, word joiner,
//!   BOM, soft hyphen, interlinear annotations, tag characters) are removed;
//! - everything else, ZWJ and ZWNJ included (emoji and several scripts need them), stays.
//!
//! Sequences are recognised by the `vte` parser (alacritty's), fed one character at a
//! time so we know where each sequence starts and ends. vte only knows 7-bit codes and
//! treats UTF-8 encoded C1 characters as plain controls, so C1 characters are fed as
//! their 7-bit equivalents. A sequence still open when the text ends (an unterminated
//! OSC, say) becomes a marker followed by the rest of the text after its `ESC`, shown
//! as text: a missing terminator must not hide what follows it.

use std::borrow::Cow;

/// What every escape sequence turns into.
pub const MARKER: char = '\u{241b}';

const ESC: u8 = 0x1b;

/// True for a character the sanitiser changes or removes; JSON output escapes exactly
/// these as `\uXXXX`, so it stays lossless and still safe on a terminal.
///
/// Newline and tab are not unsafe ([`sanitize`] keeps them; [`sanitize_line`] also turns
/// them into spaces). Everything else in C0 (CR too), DEL, C1, the bidi controls, the
/// invisible format characters listed in the module docs and U+2028/U+2029 are.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        '\u{2028}' | '\u{2029}' => true,
        c => is_removed(c),
    }
}

/// Characters dropped without a trace: invisible, and able to make two values look
/// alike or read in another order than they are stored.
fn is_removed(c: char) -> bool {
    matches!(
        c,
        '\u{202a}'..='\u{202e}'   // bidi embeddings and overrides
        | '\u{2066}'..='\u{2069}' // bidi isolates
        | '\u{200b}'              // zero-width space
        | '\u{200e}' | '\u{200f}' // left-to-right / right-to-left mark
        | '\u{061c}'              // Arabic letter mark
        | '\u{2060}'              // word joiner
        | '\u{feff}'              // zero-width no-break space (BOM)
        | '\u{00ad}'              // soft hyphen
        | '\u{fff9}'..='\u{fffb}' // interlinear annotation controls
        | '\u{e0000}'..='\u{e007f}' // tag characters
    )
}

/// Control characters made visible, sequences turned into markers, invisible format
/// characters removed; newlines and tabs kept. Borrows when nothing changes.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !any_unsafe(s, false) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(Scanner::run(s))
}

/// For one-line fields (names, URLs, ids): [`sanitize`], then newlines (U+2028/U+2029
/// included) and tabs turned into spaces so a value can never break the line it is
/// shown on.
pub fn sanitize_line(s: &str) -> Cow<'_, str> {
    if !any_unsafe(s, true) {
        return Cow::Borrowed(s);
    }
    let clean = sanitize(s);
    Cow::Owned(
        clean
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect(),
    )
}

/// True when `s` holds a character [`is_unsafe`] (or, with `line`, a newline or tab).
/// Nearly every text is clean, and a million messages pass through here, so no
/// character is decoded unless its first byte could start an unsafe one: printable
/// ASCII is passed a word at a time, other words a byte at a time through a table.
/// Every first byte is a character boundary (continuation bytes are 0x80 to 0xbf, and
/// none is in the table), so the check needs no decoding to keep its place.
fn any_unsafe(s: &str, line: bool) -> bool {
    let starts = if line { &STARTS_LINE } else { &STARTS };
    let bytes = s.as_bytes();
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for w in words.by_ref() {
        let word = u64::from_le_bytes(<[u8; 8]>::try_from(w).unwrap_or([0; 8]));
        // The fold, without an early exit, is cheaper than stopping at the first hit:
        // a hit is rare and the eight lookups run side by side.
        if !all_printable_ascii(word)
            && w.iter().fold(false, |hit, &b| hit | starts[usize::from(b)])
            && unsafe_in(s, at, w, starts)
        {
            return true;
        }
        at += 8;
    }
    unsafe_in(s, at, words.remainder(), starts)
}

/// Whether `bytes`, which start at `from` in `s`, begin an unsafe character.
fn unsafe_in(s: &str, from: usize, bytes: &[u8], starts: &[bool; 256]) -> bool {
    bytes.iter().enumerate().any(|(k, &b)| {
        starts[usize::from(b)]
            && (b < 0x80
                || s.get(from + k..)
                    .and_then(|rest| rest.chars().next())
                    .is_none_or(is_unsafe))
    })
}

/// The bytes an unsafe character can start with: C0 controls (but newline and tab
/// in a text), DEL, and the first bytes of the UTF-8 forms of the C1 controls and
/// soft hyphen (0xc2), U+061C (0xd8), U+200B to U+206F (0xe2), U+FEFF and U+FFF9 to
/// U+FFFB (0xef), and the tag characters (0xf3). Checked against [`is_unsafe`] for
/// every character by the tests.
static STARTS: [bool; 256] = starts(false);
/// [`STARTS`] for one line: newline and tab too.
static STARTS_LINE: [bool; 256] = starts(true);

const fn starts(line: bool) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = line || (b != b'\n' as usize && b != b'\t' as usize);
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xd8] = true;
    table[0xe2] = true;
    table[0xef] = true;
    table[0xf3] = true;
    table
}

/// Whether every byte of `word` is printable ASCII (0x20 to 0x7e), tested on the whole
/// word at once: a byte under 0x20 borrows into its top bit, one over 0x7e carries into
/// it or has it set already (the classic "has less" and "has more" tests, exact for
/// "any byte").
fn all_printable_ascii(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const TOPS: u64 = 0x8080_8080_8080_8080;
    let under = word.wrapping_sub(ONES * 0x20) & !word & TOPS;
    // 0x7f - 0x7e = 1 added to each byte: 0x7f carries into the top bit.
    let over = (word.wrapping_add(ONES) | word) & TOPS;
    under | over == 0
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

/// The visible form of a C0 control or DEL (newline and tab are kept as they are).
fn picture(b: u8) -> char {
    match b {
        b'\n' => '\n',
        b'\t' => '\t',
        0x7f => '\u{2421}',
        b => char::from_u32(0x2400 + u32::from(b)).unwrap_or(MARKER),
    }
}

/// What vte reported for one fed byte.
#[derive(Default)]
struct Events {
    /// A sequence ended (CSI, ESC, OSC by BEL, DCS unhook).
    dispatched: bool,
    /// `ESC \` (a string terminator) was dispatched.
    string_terminator: bool,
    /// C0 controls vte executed (inside a CSI or ESC sequence, or CAN/SUB anywhere).
    executed: Vec<u8>,
    /// vte printed: it is back in the ground state.
    printed: Vec<char>,
}

impl vte::Perform for Events {
    fn print(&mut self, c: char) {
        self.printed.push(c);
    }

    fn execute(&mut self, byte: u8) {
        self.executed.push(byte);
    }

    fn osc_dispatch(&mut self, _params: &[&[u8]], _bell_terminated: bool) {
        self.dispatched = true;
    }

    fn csi_dispatch(
        &mut self,
        _params: &vte::Params,
        _intermediates: &[u8],
        _ignore: bool,
        _action: char,
    ) {
        self.dispatched = true;
    }

    fn esc_dispatch(&mut self, intermediates: &[u8], _ignore: bool, byte: u8) {
        self.dispatched = true;
        if intermediates.is_empty() && byte == b'\\' {
            self.string_terminator = true;
        }
    }

    fn unhook(&mut self) {
        self.dispatched = true;
    }
}

/// The escape sequence being read.
struct Open {
    /// Byte index of its `ESC` (or C1 character) in the input.
    start: usize,
    /// Bytes fed after the `ESC`.
    fed: usize,
    /// OSC, DCS, SOS, PM or APC: a string that only ESC, BEL, CAN or SUB ends.
    string: bool,
    /// A CSI: any final byte (0x40..=0x7E) ends it, even where vte ignores the
    /// sequence and returns to the ground state without dispatching it.
    csi: bool,
    /// This `ESC` ended a string; if a `\` follows, it is that string's terminator
    /// and gets no marker of its own.
    after_string: bool,
    /// Pictures of the C0 controls vte executed inside it, written when it ends: if
    /// the text ends first, what followed the `ESC` is shown again as text, and they
    /// must not appear twice (a property test found `\u{9b}\t` written `\t␛\t`).
    pending: String,
}

struct Scanner<'a> {
    input: &'a str,
    out: String,
    parser: vte::Parser,
    open: Option<Open>,
}

impl<'a> Scanner<'a> {
    fn run(input: &'a str) -> String {
        let mut sc = Scanner {
            input,
            out: String::with_capacity(input.len() + 8),
            parser: vte::Parser::new(),
            open: None,
        };
        let mut pos = 0;
        loop {
            let Some(c) = input[pos..].chars().next() else {
                match sc.open.take() {
                    None => break,
                    Some(open) => {
                        // Unterminated: a marker, then what followed the ESC as text.
                        sc.out.push(MARKER);
                        sc.parser = vte::Parser::new();
                        let first = input[open.start..].chars().next().map_or(1, char::len_utf8);
                        pos = open.start + first;
                        continue;
                    }
                }
            };
            let next = pos + c.len_utf8();
            match sc.open {
                None => sc.ground(c, pos, next),
                Some(_) => sc.in_sequence(c, pos),
            }
            pos = next;
        }
        sc.out
    }

    fn ground(&mut self, c: char, pos: usize, next: usize) {
        match c {
            '\u{1b}' => self.begin(pos, false),
            '\u{80}'..='\u{9f}' => {
                self.begin(pos, false);
                self.feed(c as u8 - 0x40);
            }
            // CR LF is a line break; a lone CR would move the cursor, so it shows.
            '\r' if self.input[next..].starts_with('\n') => {}
            c => self.plain(c),
        }
    }

    /// A character outside any sequence, other than ESC, C1 and CR.
    fn plain(&mut self, c: char) {
        match c {
            '\u{0}'..='\u{1f}' | '\u{7f}' => self.out.push(picture(c as u8)),
            '\u{2028}' | '\u{2029}' => self.out.push('\n'),
            c if is_removed(c) => {}
            c => self.out.push(c),
        }
    }

    fn in_sequence(&mut self, c: char, pos: usize) {
        let string = self.open.as_ref().is_some_and(|o| o.string);
        match c {
            '\u{1b}' | '\u{80}'..='\u{9f}' => {
                self.flush_pending();
                if string {
                    // ESC ends a string (vte dispatches the OSC or unhooks the DCS here).
                    let _ = self.step(ESC);
                    self.out.push(MARKER);
                    self.open = Some(Open {
                        start: pos,
                        fed: 0,
                        string: false,
                        csi: false,
                        after_string: true,
                        pending: String::new(),
                    });
                } else {
                    // A new ESC abandons the sequence being read.
                    self.out.push(MARKER);
                    self.begin(pos, false);
                }
                if c != '\u{1b}' {
                    self.feed(c as u8 - 0x40);
                }
            }
            // Only a string carries text; in a CSI or ESC sequence a non-ASCII character
            // means it was malformed, and what follows is shown rather than swallowed.
            c if !c.is_ascii() && !string => {
                self.flush_pending();
                self.out.push(MARKER);
                self.open = None;
                self.parser = vte::Parser::new();
                let next = pos + c.len_utf8();
                self.ground(c, pos, next);
            }
            // Payload of a string. Not fed to vte: it reads UTF-8 bytes one at a time in
            // a string, and would take the 0x9C inside `本` for an 8-bit ST.
            c if !c.is_ascii() => {}
            c => self.feed(c as u8),
        }
    }

    /// Starts a sequence at `pos` with a fresh parser fed its `ESC`.
    fn begin(&mut self, pos: usize, after_string: bool) {
        self.parser = vte::Parser::new();
        let _ = self.step(ESC);
        self.open = Some(Open {
            start: pos,
            fed: 0,
            string: false,
            csi: false,
            after_string,
            pending: String::new(),
        });
    }

    /// Writes the pictures held back by the open sequence, which is ending.
    fn flush_pending(&mut self) {
        if let Some(open) = self.open.as_mut() {
            let pending = std::mem::take(&mut open.pending);
            self.out.push_str(&pending);
        }
    }

    /// Feeds one byte after the `ESC` of the open sequence and acts on what vte says.
    fn feed(&mut self, b: u8) {
        let ev = self.step(b);
        let Some(open) = self.open.as_mut() else {
            return;
        };
        let csi_final = open.csi && (0x40..=0x7e).contains(&b);
        if open.fed == 0 {
            open.string = matches!(b, b']' | b'P' | b'X' | b'^' | b'_');
            open.csi = b == b'[';
        }
        open.fed += 1;
        let aborted = ev.executed.iter().any(|&x| x == 0x18 || x == 0x1a);
        if ev.dispatched || aborted || csi_final || !ev.printed.is_empty() {
            let terminator_only = open.after_string && ev.string_terminator;
            self.out.push_str(&open.pending);
            if !terminator_only {
                self.out.push(MARKER);
            }
            self.open = None;
            for x in ev.executed {
                self.out.push(picture(x));
            }
        } else {
            open.pending.extend(ev.executed.into_iter().map(picture));
        }
        // vte printing means it went back to the ground state on its own.
        for c in ev.printed {
            self.plain(c);
        }
    }

    fn step(&mut self, b: u8) -> Events {
        let mut ev = Events::default();
        self.parser.advance(&mut ev, &[b]);
        ev
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_test_is_the_byte_test() {
        let bytewise = |w: u64| w.to_le_bytes().iter().all(|b| (0x20..0x7f).contains(b));
        // Every value of every byte among printable ones, and next to each edge value.
        for pos in 0..8 {
            for v in 0..=255u8 {
                for fill in [b'a', 0x20, 0x7e, 0x1f, 0x7f, 0x80, 0xff, 0x00] {
                    let mut b = [fill; 8];
                    b[pos] = v;
                    let w = u64::from_le_bytes(b);
                    assert_eq!(all_printable_ascii(w), bytewise(w), "{b:?}");
                }
            }
        }
        // And words of mixed bytes (a fixed generator, so a failure repeats).
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mostly printable bytes with an odd one: the cases that matter.
            let w = ((x & 0x3f3f_3f3f_3f3f_3f3f) + 0x2020_2020_2020_2020) ^ ((x >> 60) << 56);
            assert_eq!(all_printable_ascii(w), bytewise(w), "{w:#x}");
            assert_eq!(all_printable_ascii(x), bytewise(x), "{x:#x}");
        }
    }

    const M: &str = "\u{241b}";

    /// The fast check agrees with the definition for every character class it
    /// treats apart: printable ASCII, C0, DEL, and characters outside ASCII.
    #[test]
    fn the_fast_check_is_the_definition() {
        let samples = (0u32..0x3000)
            .chain(0xe0000..0xe0100)
            .chain(0xfe00..0x10000)
            .chain([0x1f44d, 0x1f5a8, 0x10ffff])
            .filter_map(char::from_u32);
        for c in samples {
            let (x16, y31) = ("x".repeat(16), "y".repeat(31));
            for text in [
                c.to_string(),
                format!("ab{c}"),
                format!("{c}…x"),
                format!("é{c}"),
                format!("{x16}{c}"),
                format!("{y31}{c}{x16}"),
                format!("{x16}{x16}{c}a"),
            ] {
                assert_eq!(
                    any_unsafe(&text, false),
                    text.chars().any(is_unsafe),
                    "{text:?}"
                );
                assert_eq!(
                    any_unsafe(&text, true),
                    text.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t'),
                    "{text:?} as a line"
                );
            }
        }
    }

    /// Every character, alone (the tail path) and inside a word of others (the
    /// word path), after ASCII and after a wide character: the table of first bytes
    /// misses none.
    #[test]
    fn the_fast_check_finds_every_unsafe_character() {
        for c in (0..0x11_0000u32).filter_map(char::from_u32) {
            let unsafe_text = is_unsafe(c);
            let unsafe_line = unsafe_text || c == '\n' || c == '\t';
            for text in [
                c.to_string(),
                format!("abcde{c}fghijklmnop"),
                format!("文{c}…abcdefgh"),
            ] {
                assert_eq!(any_unsafe(&text, false), unsafe_text, "{text:?}");
                assert_eq!(any_unsafe(&text, true), unsafe_line, "{text:?} as a line");
            }
        }
    }

    #[test]
    fn ticket_number_followed_by_c1_csi_is_not_extended() {
        assert_eq!(sanitize("SD-66666\u{9b}2J"), format!("SD-66666{M}"));
        assert_eq!(sanitize("SD-66666\x1b[2J"), format!("SD-66666{M}"));
    }

    #[test]
    fn every_c0_control_becomes_its_picture() {
        for b in 0u8..0x20 {
            let c = char::from(b);
            // Followed by a character no sequence can absorb.
            let s = format!("a{c}é");
            let out = sanitize(&s);
            let want = match b {
                b'\n' | b'\t' => s.clone(),
                0x1b => format!("a{M}é"),
                _ => format!("a{}é", char::from_u32(0x2400 + u32::from(b)).unwrap_or('?')),
            };
            assert_eq!(out, want, "control {b:#04x}");
        }
        assert_eq!(sanitize("a\u{7f}b"), "a\u{2421}b");
        assert_eq!(sanitize("bell\u{7}"), "bell\u{2407}");
        assert_eq!(sanitize("\u{0}"), "\u{2400}");
    }

    #[test]
    fn controls_inside_an_unterminated_sequence_are_shown_once_in_order() {
        assert_eq!(sanitize("\u{9b}\t"), format!("{M}\t"));
        assert_eq!(sanitize("a\x1b[1\x07;2"), format!("a{M}[1\u{2407};2"));
        // Ended, the sequence shows the controls it held before its marker, as before.
        assert_eq!(sanitize("\x1b[\t2Jb"), format!("\t{M}b"));
    }

    #[test]
    fn carriage_returns() {
        assert_eq!(sanitize("a\r\nb"), "a\nb");
        assert_eq!(sanitize("100%\rpaid"), "100%\u{240d}paid");
        assert_eq!(sanitize("a\r\r\nb"), "a\u{240d}\nb");
        assert_eq!(sanitize_line("a\r\nb"), "a b");
    }

    #[test]
    fn every_c1_character_is_one_marker() {
        for u in 0x80u32..=0x9f {
            let Some(c) = char::from_u32(u) else {
                panic!("{u:#x} is a char");
            };
            // Followed by text with no terminator-looking bytes, so string introducers
            // stay open and end as "marker + remainder".
            let out = sanitize(&format!("x{c}")).into_owned();
            assert_eq!(out, format!("x{M}"), "C1 {u:#x}");
            assert!(!out.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)));
        }
        // NEL, IND, RI in running text: each one marker, the text around intact.
        assert_eq!(sanitize("a\u{85}b\u{84}c\u{8d}d"), format!("a{M}b{M}c{M}d"));
    }

    #[test]
    fn each_sequence_kind_is_one_marker() {
        let cases = [
            ("CSI", "a\x1b[1;31mb"),
            ("CSI private", "a\x1b[?1049hb"),
            ("CSI with intermediate", "a\x1b[1 qb"),
            ("OSC BEL", "a\x1b]0;pwned\x07b"),
            ("OSC ST", "a\x1b]52;c;aGVsbG8=\x1b\\b"),
            ("OSC 8 UTF-8 payload", "a\x1b]8;;https://例え.jp\x1b\\b"),
            ("DCS", "a\x1bP1$r0m\x1b\\b"),
            ("SOS", "a\x1bXsecret\x1b\\b"),
            ("PM", "a\x1b^secret\x1b\\b"),
            ("APC", "a\x1b_secret\x1b\\b"),
            ("ESC c", "a\x1bcb"),
            ("ESC 7", "a\x1b7b"),
            ("ESC ( B", "a\x1b(Bb"),
            ("C1 CSI", "a\u{9b}31mb"),
            ("C1 OSC BEL", "a\u{9d}0;t\x07b"),
            ("C1 OSC C1 ST", "a\u{9d}0;t\u{9c}b"),
            ("C1 DCS", "a\u{90}1$r0m\u{9c}b"),
            ("C1 SOS", "a\u{98}x\u{9c}b"),
            ("C1 PM", "a\u{9e}x\u{9c}b"),
            ("C1 APC", "a\u{9f}x\u{9c}b"),
            ("C1 APC 7-bit ST", "a\u{9f}x\x1b\\b"),
            ("OSC C1 ST", "a\x1b]0;t\u{9c}b"),
        ];
        for (name, input) in cases {
            assert_eq!(sanitize(input), format!("a{M}b"), "{name}: {input:?}");
        }
    }

    #[test]
    fn sequences_in_a_row_and_mixed_text() {
        let hostile = "a\x1b]0;pwned\x07b\x1b[2Jc\u{9b}31md\u{7f}e\x08f\r\ng\u{202e}h\u{2066}i";
        assert_eq!(
            sanitize(hostile),
            format!("a{M}b{M}c{M}d\u{2421}e\u{2408}f\ngh") + "i"
        );
        assert_eq!(sanitize("\x1b[1m\x1b[0m"), format!("{M}{M}"));
        // A string ended by a bare ESC that starts the next sequence.
        assert_eq!(sanitize("a\x1b]0;t\x1b[2Jb"), format!("a{M}{M}b"));
        // CAN aborts a sequence and shows.
        assert_eq!(sanitize("a\x1b[12\x18b"), format!("a{M}\u{2418}b"));
        // A lone string terminator is a sequence too.
        assert_eq!(sanitize("a\x1b\\b"), format!("a{M}b"));
    }

    #[test]
    fn unterminated_sequences_show_a_marker_and_the_rest() {
        assert_eq!(sanitize("a\x1b"), format!("a{M}"));
        assert_eq!(sanitize("a\x1b["), format!("a{M}["));
        assert_eq!(sanitize("a\x1b[31"), format!("a{M}[31"));
        assert_eq!(
            sanitize("a\x1b]0;the whole message\nhere"),
            format!("a{M}]0;the whole message\nhere")
        );
        assert_eq!(sanitize("a\u{9d}0;rest"), format!("a{M}0;rest"));
        assert_eq!(sanitize("a\x1bPq#0;1"), format!("a{M}Pq#0;1"));
        assert_eq!(
            sanitize("a\x1b_apc\x07rest"),
            format!("a{M}_apc\u{2407}rest")
        );
        // A non-ASCII character cannot be part of a CSI: the sequence ends there.
        assert_eq!(sanitize("\x1b[31日本語"), format!("{M}日本語"));
        assert_eq!(sanitize("\x1b日本"), format!("{M}日本"));
    }

    #[test]
    fn bidi_controls_removed() {
        for c in ('\u{202a}'..='\u{202e}').chain('\u{2066}'..='\u{2069}') {
            assert_eq!(sanitize(&format!("ab{c}cd")), "abcd", "{:#x}", u32::from(c));
            assert!(is_unsafe(c));
        }
    }

    #[test]
    fn invisible_format_characters_removed() {
        let chars = [
            '\u{200b}',
            '\u{200e}',
            '\u{200f}',
            '\u{061c}',
            '\u{2060}',
            '\u{feff}',
            '\u{00ad}',
            '\u{fff9}',
            '\u{fffa}',
            '\u{fffb}',
            '\u{e0000}',
            '\u{e0001}',
            '\u{e0041}',
            '\u{e007f}',
        ];
        for c in chars {
            assert_eq!(
                sanitize(&format!("SD-1{c}23")),
                "SD-123",
                "{:#x}",
                u32::from(c)
            );
            assert!(is_unsafe(c));
        }
    }

    #[test]
    fn line_and_paragraph_separators_break_lines() {
        assert_eq!(sanitize("a\u{2028}b\u{2029}c"), "a\nb\nc");
        assert_eq!(sanitize_line("a\u{2028}b\u{2029}c"), "a b c");
    }

    #[test]
    fn unicode_text_kept_as_it_is() {
        for s in [
            "👩\u{200d}💻 works",
            "ZWNJ: می\u{200c}خواهم",
            "日本語 🎉 مرحبا\tשלום\n",
            "한국어, ελληνικά, café, e\u{301}",
            "👍🏽 🇩🇪",
        ] {
            assert!(matches!(sanitize(s), Cow::Borrowed(_)), "{s:?}");
            assert_eq!(sanitize(s), s);
        }
        // Intact inside sanitised text too.
        assert_eq!(
            sanitize("\x1b[1m👩\u{200d}💻\x1b[0m"),
            format!("{M}👩\u{200d}💻{M}")
        );
    }

    #[test]
    fn line_variant_flattens_layout() {
        assert_eq!(sanitize_line("a\nb\tc\x1b"), format!("a b c{M}"));
        assert!(matches!(sanitize_line("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn excerpt_is_short_and_single_line() {
        let body = "<html>\n   <body>\x1b[31m  Bad   gateway</body></html>";
        let e = excerpt(body, 20);
        assert_eq!(e, format!("<html> <body>{M} Bad g…"));
        assert!(!e.chars().any(is_unsafe));
    }

    #[test]
    fn is_unsafe_covers_every_changed_character() {
        for u in 0..0x11_0000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            let s = c.to_string();
            let changed = sanitize(&s) != s.as_str();
            assert_eq!(changed, is_unsafe(c), "{u:#x}");
        }
    }

    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    #[test]
    fn output_never_carries_controls_for_random_input() {
        // Weighted towards the characters that drive the parser.
        let pool: Vec<char> = "\x1b\x07\x18\x1a\\[]P^_X;0123456789?:mJ\r\n\t a日👩\u{200d}"
            .chars()
            .chain('\u{80}'..='\u{9f}')
            .chain('\u{0}'..='\u{1f}')
            .chain(['\u{7f}', '\u{202e}', '\u{2028}', '\u{e0041}', '\u{feff}'])
            .collect();
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..20_000 {
            let len = rng.below(40);
            let s: String = (0..len).map(|_| pool[rng.below(pool.len())]).collect();
            let out = sanitize(&s);
            assert!(
                !out.chars().any(is_unsafe),
                "round {round}: {s:?} -> {out:?}"
            );
            let line = sanitize_line(&s);
            assert!(
                !line.chars().any(|c| is_unsafe(c) || c == '\n' || c == '\t'),
                "round {round}: {s:?} -> {line:?}"
            );
            // Text after the last sequence is never swallowed, even when that sequence
            // is left open (non-ASCII ends a CSI or ESC sequence; an open string ends
            // as a marker followed by its text).
            let tail = format!("{s}日本");
            let out = sanitize(&tail);
            assert!(out.ends_with("日本"), "round {round}: {tail:?} -> {out:?}");
        }
    }
}

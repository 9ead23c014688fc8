//! The events array's elements cut out of the body as it streams, so each can be
//! decoded from a slice (issue 11: `print` speed). serde_json reads a `Read` a byte
//! at a time, several times slower than it reads a slice; nearly all of a transcript
//! is its events, so [`Framer`] finds where each element of an events array starts
//! and ends, hands its bytes to a decoder, and passes on the body with the element
//! replaced by [`PLACEHOLDER`]. The parser reading the body then meets the same
//! structure, element for element, and takes each decoded one from the decoder's
//! queue when it meets the placeholder (see `api/stream.rs`).
//!
//! Only what the parser would read as events is cut out: the elements of a
//! top-level array, and those of an array under a key of the top object that
//! `covered` names. An element is replaced only when it decoded by itself; anything
//! else (an element that did not decode, is too large or too deep, or is cut off, and
//! everything after a byte the framer did not expect) passes through unchanged, so
//! the parser finds every error where it is, and a body cut short is still read up
//! to its cut.

use std::io::{self, Read};

/// What stands in for an element that was decoded here.
pub const PLACEHOLDER: &[u8] = b"true";

/// An element larger than this passes through: it is not held here.
const ELEMENT_MAX: usize = 1 << 20;
/// An element nested deeper than this passes through, so that its depth counts
/// against serde_json's limit where it stands in the body, as before.
const DEPTH_MAX: u32 = 64;
/// Bytes read from the body at a time.
const READ: usize = 64 * 1024;

/// Where in the body the framer is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum At {
    /// Before the top value.
    Start,
    /// In the top object, before a key (or its end).
    Key,
    /// In a key of the top object.
    KeyText { escaped: bool },
    /// After a key.
    Colon,
    /// After a key's colon.
    Value,
    /// In a value of the top object that holds no events.
    Skip(Nest),
    /// After a value of the top object.
    AfterValue,
    /// In an events array, before an element (or its end).
    Element,
    /// In an element.
    InElement(Nest),
    /// After an element.
    AfterElement,
    /// Everything from here on passes through.
    Pass,
}

/// Where in one value: how deep in its objects and arrays (0: a scalar), and whether
/// in a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Nest {
    depth: u32,
    string: bool,
    escaped: bool,
    /// It went deeper than [`DEPTH_MAX`].
    deep: bool,
}

impl Nest {
    /// The value starting with `b`.
    fn new(b: u8) -> Self {
        Nest {
            depth: u32::from(matches!(b, b'{' | b'[')),
            string: b == b'"',
            escaped: false,
            deep: false,
        }
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The body `inner` yields, elements of events arrays replaced as the module says.
pub struct Framer<R, F, K> {
    inner: R,
    /// Decodes one element's bytes (queuing what it decoded); false when it did not.
    decode: F,
    /// Whether an array under this key of the top object holds events.
    covered: K,
    at: At,
    /// Whether the events array being read is the top value.
    top_array: bool,
    /// Bytes read from `inner`, and how far they have been framed.
    input: Vec<u8>,
    pos: usize,
    /// Framed bytes not yet read from here, and how far they have been read.
    out: Vec<u8>,
    sent: usize,
    /// The element being cut out, or the key being read.
    held: Vec<u8>,
    /// The element passes through (too large or too deep).
    raw: bool,
    eof: bool,
}

impl<R: Read, F: FnMut(&[u8]) -> bool, K: Fn(&str) -> bool> Framer<R, F, K> {
    pub fn new(inner: R, decode: F, covered: K) -> Self {
        Framer {
            inner,
            decode,
            covered,
            at: At::Start,
            top_array: false,
            input: vec![0; READ],
            pos: 0,
            out: Vec::with_capacity(READ),
            sent: 0,
            held: Vec::new(),
            raw: false,
            eof: false,
        }
    }

    /// Frames the bytes read so far, into `out`.
    fn frame(&mut self, len: usize) {
        while self.pos < len {
            if self.at == At::Pass {
                self.out.extend_from_slice(&self.input[self.pos..len]);
                self.pos = len;
                return;
            }
            match self.at {
                At::InElement(nest) => self.element(nest, len),
                At::Skip(nest) => {
                    let (end, nest, done) = scan(&self.input[self.pos..len], nest);
                    self.out
                        .extend_from_slice(&self.input[self.pos..self.pos + end]);
                    self.pos += end;
                    self.at = if done { At::AfterValue } else { At::Skip(nest) };
                }
                _ => {
                    let b = self.input[self.pos];
                    self.pos += 1;
                    self.step(b);
                }
            }
        }
    }

    /// One byte outside an element and outside a skipped value.
    fn step(&mut self, b: u8) {
        let at = self.at;
        if is_space(b) && !matches!(at, At::KeyText { .. }) {
            self.out.push(b);
            return;
        }
        self.at = match (at, b) {
            (At::Start, b'{') => At::Key,
            (At::Start, b'[') => {
                self.top_array = true;
                At::Element
            }
            (At::Key, b'"') => {
                self.held.clear();
                At::KeyText { escaped: false }
            }
            (At::KeyText { escaped: true }, _) => {
                self.held.push(b);
                At::KeyText { escaped: false }
            }
            (At::KeyText { escaped: false }, b'"') => match self.key() {
                Some(_) => At::Colon,
                None => At::Pass,
            },
            (At::KeyText { escaped: false }, _) => {
                self.held.push(b);
                At::KeyText {
                    escaped: b == b'\\',
                }
            }
            (At::Colon, b':') => At::Value,
            (At::Value, b'[') if self.key().is_some_and(|k| (self.covered)(&k)) => {
                self.top_array = false;
                At::Element
            }
            (At::Value, b'{' | b'[' | b'"') => At::Skip(Nest::new(b)),
            (At::Value, b',' | b'}' | b']' | b':') => At::Pass,
            (At::Value, _) => At::Skip(Nest::new(b)),
            (At::AfterValue, b',') => At::Key,
            (At::Element, b']') | (At::AfterElement, b']') => {
                if self.top_array {
                    At::Pass
                } else {
                    At::AfterValue
                }
            }
            (At::Element, b',' | b'}' | b':') => At::Pass,
            (At::Element, _) => {
                self.held.clear();
                self.held.push(b);
                self.raw = false;
                At::InElement(Nest::new(b))
            }
            (At::AfterElement, b',') => At::Element,
            _ => At::Pass,
        };
        if !matches!(self.at, At::InElement(_)) {
            self.out.push(b);
        }
    }

    /// The key just read, decoded.
    fn key(&self) -> Option<String> {
        if !self.held.contains(&b'\\') {
            return std::str::from_utf8(&self.held).ok().map(str::to_string);
        }
        let mut quoted = Vec::with_capacity(self.held.len() + 2);
        quoted.push(b'"');
        quoted.extend_from_slice(&self.held);
        quoted.push(b'"');
        serde_json::from_slice(&quoted).ok()
    }

    /// Frames an element from `pos`, up to its end or `len`.
    fn element(&mut self, nest: Nest, len: usize) {
        let (end, nest, done) = scan(&self.input[self.pos..len], nest);
        let bytes = &self.input[self.pos..self.pos + end];
        if self.raw {
            self.out.extend_from_slice(bytes);
        } else {
            self.held.extend_from_slice(bytes);
        }
        self.pos += end;
        // Too large to hold, or too deep to decode apart (where it stands, the
        // parser counts the depth above it too): it passes through.
        if !self.raw && (self.held.len() > ELEMENT_MAX || nest.deep) {
            self.out.append(&mut self.held);
            self.raw = true;
        }
        if !done {
            self.at = At::InElement(nest);
            return;
        }
        self.at = At::AfterElement;
        if !self.raw {
            if (self.decode)(&self.held) {
                self.out.extend_from_slice(PLACEHOLDER);
            } else {
                self.out.extend_from_slice(&self.held);
            }
            self.held.clear();
        }
    }

    /// The body has ended: an element cut off passes through as it came.
    fn finish(&mut self) {
        if matches!(self.at, At::InElement(_)) && !self.raw {
            self.out.append(&mut self.held);
        }
        self.at = At::Pass;
    }
}

/// How far into `bytes` the value in `nest` goes, where it then is, and whether it
/// ended there (just past its closing bracket or quote; before the delimiter after
/// a scalar) or goes on past `bytes`.
fn scan(bytes: &[u8], mut nest: Nest) -> (usize, Nest, bool) {
    if nest.depth == 0 && !nest.string {
        return match bytes
            .iter()
            .position(|&b| matches!(b, b',' | b']' | b'}') || is_space(b))
        {
            Some(i) => (i, nest, true),
            None => (bytes.len(), nest, false),
        };
    }
    let mut i = 0;
    while i < bytes.len() {
        if nest.string {
            if nest.escaped {
                nest.escaped = false;
                i += 1;
                continue;
            }
            // Most of an element is text: on to what can end it.
            let Some(j) = memchr::memchr2(b'"', b'\\', &bytes[i..]) else {
                return (bytes.len(), nest, false);
            };
            i += j + 1;
            if bytes[i - 1] == b'\\' {
                nest.escaped = true;
                continue;
            }
            nest.string = false;
            if nest.depth == 0 {
                return (i, nest, true);
            }
            continue;
        }
        match bytes[i] {
            b'"' => nest.string = true,
            b'{' | b'[' => {
                nest.depth += 1;
                nest.deep |= nest.depth > DEPTH_MAX;
            }
            b'}' | b']' => {
                nest.depth = nest.depth.saturating_sub(1);
                if nest.depth == 0 {
                    return (i + 1, nest, true);
                }
            }
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), nest, false)
}

impl<R: Read, F: FnMut(&[u8]) -> bool, K: Fn(&str) -> bool> Read for Framer<R, F, K> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.sent == self.out.len() {
            self.out.clear();
            self.sent = 0;
            if self.eof {
                return Ok(0);
            }
            // What is left of the last read (a cut element is kept in `held`) is framed.
            let n = self.inner.read(&mut self.input)?;
            self.pos = 0;
            if n == 0 {
                self.eof = true;
                self.finish();
            } else {
                self.frame(n);
            }
        }
        let n = buf.len().min(self.out.len() - self.sent);
        buf[..n].copy_from_slice(&self.out[self.sent..self.sent + n]);
        self.sent += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The body as the parser reads it, and the elements decoded, `body` read in
    /// pieces of `step` bytes.
    fn framed(body: &str, step: usize) -> (String, Vec<String>) {
        struct Pieces<'a>(&'a [u8], usize);
        impl Read for Pieces<'_> {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                let n = self.1.min(self.0.len()).min(buf.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let mut decoded = Vec::new();
        let mut out = String::new();
        {
            let f = Framer::new(
                Pieces(body.as_bytes(), step),
                |b: &[u8]| {
                    let ok = serde_json::from_slice::<serde::de::IgnoredAny>(b).is_ok();
                    if ok {
                        decoded.push(String::from_utf8_lossy(b).to_string());
                    }
                    ok
                },
                |k: &str| k == "events",
            );
            let mut f = f;
            f.read_to_string(&mut out).expect("read");
        }
        (out, decoded)
    }

    #[test]
    fn elements_of_events_arrays_are_cut_out() {
        let body = r#" {"sessionId":"1","notes":{"a":[1,{"b":"]"}]},"events":[ {"content":"x \"]} y"} , 7,"s",[1,[2]],{}],"other":[{"content":"z"}]} "#;
        for step in [1, 2, 3, 7, 64, 4096] {
            let (out, decoded) = framed(body, step);
            assert_eq!(
                out,
                r#" {"sessionId":"1","notes":{"a":[1,{"b":"]"}]},"events":[ true , true,true,true,true],"other":[{"content":"z"}]} "#,
                "{step}"
            );
            assert_eq!(
                decoded,
                [r#"{"content":"x \"]} y"}"#, "7", r#""s""#, "[1,[2]]", "{}"],
                "{step}"
            );
        }
    }

    #[test]
    fn a_top_level_array_is_cut_out() {
        let (out, decoded) = framed(r#"[{"a":1},null,true] "#, 3);
        assert_eq!(out, "[true,true,true] ");
        assert_eq!(decoded.len(), 3);
    }

    #[test]
    fn what_does_not_decode_or_is_cut_off_passes_through() {
        // An escaped key is read as the parser reads it.
        let (out, _) = framed(r#"{"ev\u0065nts":[{"a":1}]}"#, 5);
        assert_eq!(out, r#"{"ev\u0065nts":[true]}"#);
        // Past an unexpected byte nothing more is replaced.
        let (out, _) = framed(r#"{"events":[{"a":1}{"b":2},{"c":3}]}"#, 5);
        assert_eq!(out, r#"{"events":[true{"b":2},{"c":3}]}"#);
        // Cut off: the element passes through as far as it came.
        let (out, _) = framed(r#"{"events":[{"a":1},{"a":"cu"#, 4);
        assert_eq!(out, r#"{"events":[true,{"a":"cu"#);
        // Not decoded: as sent.
        let (out, _) = framed(r#"{"events":[{"a":},{"a":1}]}"#, 4);
        assert_eq!(out, r#"{"events":[{"a":},true]}"#);
    }

    #[test]
    fn deep_elements_pass_through() {
        let deep = format!("{}{}", "[".repeat(100), "]".repeat(100));
        let body = format!(r#"{{"events":[{deep},{{"a":1}}]}}"#);
        let (out, decoded) = framed(&body, 4096);
        assert_eq!(out, format!(r#"{{"events":[{deep},true]}}"#));
        assert_eq!(decoded.len(), 1);
    }
}

//! Message text as the viewer keeps it (issue 11). A million messages carry about
//! 150 MiB of text, more than the 0.6x-of-the-body the viewer may hold in all; a box
//! per message adds the allocator's overhead on top. So texts are appended into
//! chunks of about [`CHUNK_BYTES`], and a full chunk is compressed with zstd: a
//! million messages' text then lives in a few thousand allocations of about a third of
//! its size. The newest chunk stays plain, since a streaming or live transcript keeps
//! appending to it. Reading is by region (a frame, a search step, a copy), so the few
//! chunks read last are kept decompressed.

use std::cell::RefCell;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// Plain bytes gathered before a chunk is compressed: large enough for zstd to find
/// the repetition in chat text (3.4x on the demo's, measured), small enough that
/// bringing one back for a frame costs tens of microseconds.
pub const CHUNK_BYTES: usize = 64 * 1024;
/// zstd's fastest level: the ratio of level 3 is within a few percent on chat text,
/// and compressing happens on the UI thread as batches arrive.
const LEVEL: i32 = 1;
/// Decompressed chunks kept: a frame spans one or two, a search step a few.
const CACHED: usize = 4;

/// One full chunk: its texts' compressed bytes, or the plain text when compressing
/// did not shrink it (or failed).
#[derive(Debug, Clone)]
struct Sealed {
    /// Index of the chunk's first text.
    first: usize,
    body: Body,
}

#[derive(Debug, Clone)]
enum Body {
    Packed { bytes: Arc<[u8]>, plain_len: usize },
    Plain(Arc<String>),
}

/// Texts by index, appended in order.
#[derive(Debug, Default)]
pub struct Texts {
    sealed: Vec<Sealed>,
    /// The chunk being filled, and the index of its first text.
    open: String,
    open_first: usize,
    /// Per text, where it ends within its chunk (it starts where the one before it in
    /// the same chunk ends).
    ends: Arc<Vec<u32>>,
    /// Recently read sealed chunks, most recent first: (chunk number, its text).
    cache: RefCell<Vec<(usize, Arc<String>)>>,
    zstd: Contexts,
}

/// zstd's contexts, made once: making one per chunk costs more than the chunk.
#[derive(Default)]
struct Contexts {
    packer: Option<zstd::bulk::Compressor<'static>>,
    unpacker: RefCell<Option<zstd::bulk::Decompressor<'static>>>,
}

impl std::fmt::Debug for Contexts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("zstd contexts")
    }
}

/// One text: borrowed from the open chunk or sharing a decompressed one.
#[derive(Debug, Clone)]
pub enum Text<'a> {
    Open(&'a str),
    Shared(Arc<String>, Range<usize>),
}

impl Deref for Text<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Text::Open(s) => s,
            Text::Shared(chunk, range) => chunk.get(range.clone()).unwrap_or_default(),
        }
    }
}

impl Texts {
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Adds `text` as the next one. A single text longer than 4 GiB (no body the
    /// viewer accepts holds one) would be cut at a character boundary.
    pub fn push(&mut self, text: &str) {
        if !self.open.is_empty() && self.open.len() + text.len() > CHUNK_BYTES {
            self.seal();
        }
        let room = u32::MAX as usize - self.open.len();
        let text = match text.len() <= room {
            true => text,
            false => {
                let cut = (0..=room).rev().find(|&i| text.is_char_boundary(i));
                &text[..cut.unwrap_or(0)]
            }
        };
        self.open.push_str(text);
        Arc::make_mut(&mut self.ends).push(self.open.len() as u32);
    }

    /// Text `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<Text<'_>> {
        let end = *self.ends.get(i)? as usize;
        if i >= self.open_first {
            let start = self.start(i, self.open_first);
            return self.open.get(start..end).map(Text::Open);
        }
        let c = self
            .sealed
            .partition_point(|s| s.first <= i)
            .checked_sub(1)?;
        let chunk = self.chunk(c)?;
        let start = self.start(i, self.sealed[c].first);
        Some(Text::Shared(chunk, start..end))
    }

    /// Keeps the first `n` texts. A chunk cut in the middle is opened again.
    pub fn truncate(&mut self, n: usize) {
        if n >= self.ends.len() {
            return;
        }
        if n < self.open_first {
            let c = self.sealed.partition_point(|s| s.first <= n) - 1;
            let reopened = self.chunk(c).map(|t| t.to_string()).unwrap_or_default();
            self.open_first = self.sealed[c].first;
            self.open = reopened;
            self.sealed.truncate(c);
            self.cache.get_mut().clear();
        }
        let keep = self.start(n, self.open_first);
        self.open.truncate(keep);
        Arc::make_mut(&mut self.ends).truncate(n);
        if self.open.capacity() > 2 * CHUNK_BYTES {
            self.open.shrink_to(CHUNK_BYTES);
        }
    }

    /// A copy to read on another thread (an export): the full chunks and the ends are
    /// shared (copied on the next write to either), the open chunk copied.
    pub fn snapshot(&self) -> Texts {
        Texts {
            sealed: self.sealed.clone(),
            open: self.open.clone(),
            open_first: self.open_first,
            ends: self.ends.clone(),
            cache: RefCell::default(),
            zstd: Contexts::default(),
        }
    }

    /// Bytes held for the texts (compressed and plain), without the cache.
    pub fn held_bytes(&self) -> usize {
        let sealed: usize = self
            .sealed
            .iter()
            .map(|s| match &s.body {
                Body::Packed { bytes, .. } => bytes.len(),
                Body::Plain(t) => t.len(),
            })
            .sum();
        sealed + self.open.capacity() + self.ends.capacity() * 4
    }

    /// Plain bytes of every text together.
    pub fn plain_bytes(&self) -> usize {
        let sealed: usize = self
            .sealed
            .iter()
            .map(|s| match &s.body {
                Body::Packed { plain_len, .. } => *plain_len,
                Body::Plain(t) => t.len(),
            })
            .sum();
        sealed + self.open.len()
    }

    fn start(&self, i: usize, first: usize) -> usize {
        match i > first {
            true => self.ends.get(i - 1).map_or(0, |&e| e as usize),
            false => 0,
        }
    }

    fn seal(&mut self) {
        let plain = std::mem::replace(&mut self.open, String::with_capacity(CHUNK_BYTES));
        if self.zstd.packer.is_none() {
            self.zstd.packer = zstd::bulk::Compressor::new(LEVEL).ok();
        }
        let packed = self
            .zstd
            .packer
            .as_mut()
            .map(|p| p.compress(plain.as_bytes()));
        let body = match packed {
            Some(Ok(bytes)) if bytes.len() < plain.len() => Body::Packed {
                bytes: bytes.into(),
                plain_len: plain.len(),
            },
            _ => Body::Plain(Arc::new(plain)),
        };
        self.sealed.push(Sealed {
            first: self.open_first,
            body,
        });
        self.open_first = self.ends.len();
    }

    /// Sealed chunk `c` as text, from the cache or decompressed into it. `None` only if
    /// its bytes no longer decompress (which would be a bug here): its texts read as
    /// missing rather than as garbage.
    fn chunk(&self, c: usize) -> Option<Arc<String>> {
        let mut cache = self.cache.borrow_mut();
        if let Some(at) = cache.iter().position(|(n, _)| *n == c) {
            let hit = cache.remove(at);
            let text = Arc::clone(&hit.1);
            cache.insert(0, hit);
            return Some(text);
        }
        let text = match &self.sealed.get(c)?.body {
            Body::Plain(t) => return Some(Arc::clone(t)),
            Body::Packed { bytes, plain_len } => {
                let mut unpacker = self.zstd.unpacker.borrow_mut();
                if unpacker.is_none() {
                    *unpacker = zstd::bulk::Decompressor::new().ok();
                }
                let plain = unpacker.as_mut()?.decompress(bytes, *plain_len).ok()?;
                Arc::new(String::from_utf8(plain).ok()?)
            }
        };
        cache.truncate(CACHED - 1);
        cache.insert(0, (c, Arc::clone(&text)));
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(i: usize) -> String {
        match i % 7 {
            0 => String::new(),
            1 => format!("打印机 {i} 🖨️ line\nsecond line"),
            _ => format!("message {i} {}", "word ".repeat(i % 50)),
        }
    }

    #[test]
    fn every_text_reads_back_across_many_chunks() {
        let mut t = Texts::default();
        let n = 20_000;
        for i in 0..n {
            t.push(&sample(i));
        }
        assert!(t.sealed.len() > 10, "{} chunks", t.sealed.len());
        assert!(t
            .sealed
            .iter()
            .all(|s| matches!(s.body, Body::Packed { .. })));
        // Out of order, so the cache misses as well as hits.
        for i in (0..n).rev().step_by(3).chain((0..n).step_by(5)) {
            assert_eq!(&*t.get(i).expect("held"), sample(i), "text {i}");
        }
        assert!(t.get(n).is_none());
        assert!(t.held_bytes() * 2 < t.plain_bytes(), "compressed");
    }

    #[test]
    fn truncating_reopens_the_chunk_it_cuts() {
        let mut t = Texts::default();
        for i in 0..5_000 {
            t.push(&sample(i));
        }
        let cut = t.sealed[2].first + 3;
        t.truncate(cut);
        assert_eq!(t.len(), cut);
        assert_eq!(t.sealed.len(), 2);
        for i in 0..cut {
            assert_eq!(&*t.get(i).expect("held"), sample(i));
        }
        // Appending goes on where the cut left off.
        t.push("after the cut");
        assert_eq!(&*t.get(cut).expect("held"), "after the cut");
        t.truncate(0);
        assert!(t.is_empty());
        t.push("again");
        assert_eq!(&*t.get(0).expect("held"), "again");
    }

    #[test]
    fn a_text_larger_than_a_chunk_has_one_to_itself() {
        let mut t = Texts::default();
        let big = "x".repeat(3 * CHUNK_BYTES);
        t.push("before");
        t.push(&big);
        t.push("after");
        assert_eq!(&*t.get(0).expect("held"), "before");
        assert_eq!(&*t.get(1).expect("held"), big);
        assert_eq!(&*t.get(2).expect("held"), "after");
    }
}

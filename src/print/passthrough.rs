//! The transcript's body written into `print --format json` as it arrives (issue 11),
//! in constant memory: each element of an events array is read, masked and written
//! before the next one is read.
//!
//! What is written is what `lean::parse_events` keeps of the body (arrays at the top
//! and under the top object's keys keep only objects with keys; everything else as
//! received), masked as `json::mask_tokens` masks it and escaped by [`SafeFormatter`]:
//! the bytes `json::render` writes for the same body. Up to `held` elements are held
//! before anything is written, so a normal transcript is written whole at the end,
//! byte for byte as before. Past that the elements stream; then the one difference
//! is that a key of the top object repeated after the streaming began is written
//! again where it repeats (a reader keeping the last value, serde_json or jq, reads
//! what `lean` keeps), since what is written cannot be taken back.
//!
//! A body that fails after writing began (cut off, past the limit, not JSON) leaves
//! its open array and object closed, so the document stays valid JSON; the caller
//! says what failed in `transcriptStatus`.

use std::fmt;
use std::io::{self, Write};

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::ser::Formatter;
use serde_json::{Map, Value};

use super::json::{mask_tokens, SafeFormatter};
use super::MASK;
use crate::api::lean;

/// The JSON document being written: the formatter, whose indentation carries on from
/// one part to the next (the parts are written at different times, some by another
/// thread).
#[derive(Default)]
pub struct Doc {
    fmt: SafeFormatter,
}

impl Doc {
    /// `v` written whole at the current place.
    pub fn value<W: Write + ?Sized, T: Serialize + ?Sized>(
        &mut self,
        w: &mut W,
        v: &T,
    ) -> io::Result<()> {
        let mut ser = serde_json::Serializer::with_formatter(w, &mut self.fmt);
        v.serialize(&mut ser).map_err(io::Error::from)
    }

    pub fn begin_object<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.fmt.begin_object(w)
    }

    /// A key of the open object and what leads to its value.
    pub fn key<W: Write + ?Sized>(&mut self, w: &mut W, first: bool, key: &str) -> io::Result<()> {
        self.fmt.begin_object_key(w, first)?;
        self.value(w, key)?;
        self.fmt.end_object_key(w)?;
        self.fmt.begin_object_value(w)
    }

    /// After the value of a key.
    pub fn end_value<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.fmt.end_object_value(w)
    }

    pub fn end_object<W: Write + ?Sized>(&mut self, w: &mut W) -> io::Result<()> {
        self.fmt.end_object(w)
    }
}

/// What became of the transcript's body.
#[derive(Debug)]
pub enum Passed {
    /// Nothing written: the whole value (masked as asked), for the caller to write.
    Held(Value),
    /// Written, to its end or (with the error that cut it) to where it failed.
    Written(Option<serde_json::Error>),
    /// Failed before anything was written.
    Failed(serde_json::Error),
}

/// Reads the body from `reader` and writes it to `w` at the document's current place
/// (see the module), holding up to `held` elements first. `mask`: partner tokens are
/// masked. An error is the output's own.
pub fn transcode<R: io::Read>(
    reader: R,
    doc: &mut Doc,
    w: &mut dyn Write,
    held: usize,
    mask: bool,
) -> io::Result<Passed> {
    // serde_json reads a `Read` a byte at a time: from a buffer, not a call each.
    let reader = io::BufReader::with_capacity(64 * 1024, reader);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut st = State {
        doc,
        w,
        held_max: held,
        held: 0,
        mask,
        streaming: false,
        open: Vec::new(),
        failed: None,
    };
    let top = TopSeed { st: &mut st }
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top));
    if let Some(e) = st.failed.take() {
        return Err(e);
    }
    match top {
        Ok(Top::Held(v)) => Ok(Passed::Held(v)),
        Ok(Top::Streamed) => Ok(Passed::Written(None)),
        Err(e) if !st.streaming => Ok(Passed::Failed(e)),
        Err(e) => {
            while !st.open.is_empty() {
                st.close_io()?;
            }
            Ok(Passed::Written(Some(e)))
        }
    }
}

/// A container open in the output, and whether it has an entry yet.
#[derive(Clone, Copy)]
enum Open {
    Object { first: bool },
    Array { first: bool },
}

struct State<'a> {
    doc: &'a mut Doc,
    w: &'a mut dyn Write,
    held_max: usize,
    /// Elements held so far.
    held: usize,
    mask: bool,
    /// Writing began.
    streaming: bool,
    open: Vec<Open>,
    /// The output failed: reading stops, and this is the error.
    failed: Option<io::Error>,
}

impl State<'_> {
    fn io<E: de::Error>(&mut self, r: io::Result<()>) -> Result<(), E> {
        r.map_err(|e| {
            self.failed = Some(e);
            E::custom("the output failed")
        })
    }

    fn open_object<E: de::Error>(&mut self) -> Result<(), E> {
        let r = self.doc.begin_object(self.w);
        self.open.push(Open::Object { first: true });
        self.io(r)
    }

    fn open_array<E: de::Error>(&mut self) -> Result<(), E> {
        let r = self.doc.fmt.begin_array(self.w);
        self.open.push(Open::Array { first: true });
        self.io(r)
    }

    fn key<E: de::Error>(&mut self, key: &str) -> Result<(), E> {
        let first = match self.open.last_mut() {
            Some(Open::Object { first }) => std::mem::replace(first, false),
            _ => false,
        };
        let r = self.doc.key(self.w, first, key);
        self.io(r)
    }

    /// `v` as the next element of the open array, or the value of the key just written.
    fn value<E: de::Error>(&mut self, v: &Value) -> Result<(), E> {
        let r = self.value_io(v);
        self.io(r)
    }

    fn value_io(&mut self, v: &Value) -> io::Result<()> {
        match self.open.last_mut() {
            Some(Open::Array { first }) => {
                let first = std::mem::replace(first, false);
                self.doc.fmt.begin_array_value(self.w, first)?;
                self.doc.value(self.w, v)?;
                self.doc.fmt.end_array_value(self.w)
            }
            Some(Open::Object { .. }) => {
                self.doc.value(self.w, v)?;
                self.doc.end_value(self.w)
            }
            None => self.doc.value(self.w, v),
        }
    }

    fn close<E: de::Error>(&mut self) -> Result<(), E> {
        let r = self.close_io();
        self.io(r)
    }

    fn close_io(&mut self) -> io::Result<()> {
        match self.open.pop() {
            Some(Open::Object { .. }) => self.doc.end_object(self.w)?,
            Some(Open::Array { .. }) => self.doc.fmt.end_array(self.w)?,
            None => return Ok(()),
        }
        // The container was the value of a key, or an element.
        match self.open.last() {
            Some(Open::Object { .. }) => self.doc.end_value(self.w),
            Some(Open::Array { .. }) => self.doc.fmt.end_array_value(self.w),
            None => Ok(()),
        }
    }

    /// An element kept from an array, masked.
    fn element(&self, object: Map<String, Value>) -> Value {
        let mut v = Value::Object(object);
        if self.mask {
            mask_tokens(&mut v);
        }
        v
    }

    /// Whether this element (the next one kept) is held rather than written.
    fn holds(&mut self) -> bool {
        if self.streaming || self.held >= self.held_max {
            return false;
        }
        self.held += 1;
        true
    }

    /// A key of the top object and its value: held while nothing is written (a key
    /// repeated keeps its first place and its last value, as in `lean`), else written.
    fn put<E: de::Error>(
        &mut self,
        held: &mut Map<String, Value>,
        key: String,
        value: Value,
    ) -> Result<(), E> {
        if self.streaming {
            self.key(&key)?;
            self.value(&value)
        } else {
            held.insert(key, value);
            Ok(())
        }
    }
}

enum Top {
    Held(Value),
    Streamed,
}

struct TopSeed<'s, 'a> {
    st: &'s mut State<'a>,
}

impl<'de> DeserializeSeed<'de> for TopSeed<'_, '_> {
    type Value = Top;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Top, D::Error> {
        d.deserialize_any(self)
    }
}

/// With arbitrary_precision a number arrives as a one-key map under this name.
fn is_number_key(key: &str) -> bool {
    key.starts_with("$serde_json::private::")
}

impl<'de> Visitor<'de> for TopSeed<'_, '_> {
    type Value = Top;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Top, E> {
        Ok(Top::Held(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Top, E> {
        Ok(Top::Held(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Top, E> {
        Ok(Top::Held(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Top, E> {
        Ok(Top::Held(Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Top, E> {
        Ok(Top::Held(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Top, E> {
        Ok(Top::Held(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Held(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Top, E> {
        Ok(Top::Held(Value::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        let st = self.st;
        let mut kept = Vec::new();
        while let Some(element) = seq.next_element_seed(lean::Element)? {
            let Some(object) = element else { continue };
            let v = st.element(object);
            if st.holds() {
                kept.push(v);
                continue;
            }
            if !st.streaming {
                st.streaming = true;
                st.open_array()?;
                for k in kept.drain(..) {
                    st.value(&k)?;
                }
            }
            st.value(&v)?;
        }
        if st.streaming {
            st.close()?;
            return Ok(Top::Streamed);
        }
        Ok(Top::Held(Value::Array(kept)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let st = self.st;
        let mut held = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if is_number_key(&key) {
                let digits: String = map.next_value()?;
                return digits
                    .parse::<serde_json::Number>()
                    .map(|n| Top::Held(Value::Number(n)))
                    .map_err(de::Error::custom);
            }
            if st.mask && key.eq_ignore_ascii_case("userToken") {
                let v = match map.next_value::<IsNull>()? {
                    IsNull(true) => Value::Null,
                    IsNull(false) => Value::String(MASK.to_string()),
                };
                st.put(&mut held, key, v)?;
                continue;
            }
            let field = map.next_value_seed(FieldSeed {
                st: &mut *st,
                key: &key,
                held: &mut held,
            })?;
            if let Some(mut v) = field {
                if st.mask {
                    mask_tokens(&mut v);
                }
                st.put(&mut held, key, v)?;
            }
        }
        if st.streaming {
            st.close()?;
            return Ok(Top::Streamed);
        }
        Ok(Top::Held(Value::Object(held)))
    }
}

/// The value of one key of the top object: `None` when it was written (an array
/// that streamed), else the value.
struct FieldSeed<'s, 'a, 'k> {
    st: &'s mut State<'a>,
    key: &'k str,
    /// The top object's entries not written yet.
    held: &'k mut Map<String, Value>,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_, '_> {
    type Value = Option<Value>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Option<Value>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_, '_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Option<Value>, E> {
        Ok(Some(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Option<Value>, E> {
        Ok(Some(Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Option<Value>, E> {
        Ok(Some(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Option<Value>, E> {
        Ok(Some(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Option<Value>, E> {
        Ok(Some(Value::Null))
    }

    /// An object under a key is kept whole, as `lean` keeps it (a number with
    /// arbitrary_precision comes here too).
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Option<Value>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Option<Value>, A::Error> {
        let (st, key) = (self.st, self.key);
        // Writing began at an earlier array: this one streams from its start.
        let mut open = st.streaming;
        if open {
            st.key(key)?;
            st.open_array()?;
        }
        let mut kept = Vec::new();
        // Entries held past this key's first place, written after the array.
        let mut after = Vec::new();
        while let Some(element) = seq.next_element_seed(lean::Element)? {
            let Some(object) = element else { continue };
            let v = st.element(object);
            if !open && st.holds() {
                kept.push(v);
                continue;
            }
            if !open {
                // Writing begins: the entries before this key's place, this key, the
                // elements held so far.
                st.streaming = true;
                st.open_object()?;
                let mut past = false;
                for (k, held) in std::mem::take(self.held) {
                    if k == key {
                        past = true;
                    } else if past {
                        after.push((k, held));
                    } else {
                        st.key(&k)?;
                        st.value(&held)?;
                    }
                }
                st.key(key)?;
                st.open_array()?;
                for k in kept.drain(..) {
                    st.value(&k)?;
                }
                open = true;
            }
            st.value(&v)?;
        }
        if !open {
            return Ok(Some(Value::Array(kept)));
        }
        st.close()?;
        for (k, v) in after {
            st.key(&k)?;
            st.value(&v)?;
        }
        Ok(None)
    }
}

/// Whether a value is `null`; anything else is skipped unbuilt.
struct IsNull(bool);

impl<'de> Deserialize<'de> for IsNull {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(IsNullVisitor)
    }
}

struct IsNullVisitor;

impl<'de> Visitor<'de> for IsNullVisitor {
    type Value = IsNull;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<IsNull, E> {
        Ok(IsNull(false))
    }
    fn visit_i64<E>(self, _: i64) -> Result<IsNull, E> {
        Ok(IsNull(false))
    }
    fn visit_u64<E>(self, _: u64) -> Result<IsNull, E> {
        Ok(IsNull(false))
    }
    fn visit_f64<E>(self, _: f64) -> Result<IsNull, E> {
        Ok(IsNull(false))
    }
    fn visit_str<E>(self, _: &str) -> Result<IsNull, E> {
        Ok(IsNull(false))
    }
    fn visit_unit<E>(self) -> Result<IsNull, E> {
        Ok(IsNull(true))
    }
    fn visit_none<E>(self) -> Result<IsNull, E> {
        Ok(IsNull(true))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<IsNull, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(IsNull(false))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IsNull, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(IsNull(false))
    }
}

/// The body as `json::render` writes it when held whole: for tests and the oracle.
pub fn transcode_slice(body: &[u8], held: usize, mask: bool) -> io::Result<String> {
    let mut doc = Doc::default();
    let mut out = Vec::new();
    match transcode(body, &mut doc, &mut out, held, mask)? {
        Passed::Held(v) => doc.value(&mut out, &v)?,
        Passed::Written(None) => {}
        Passed::Written(Some(e)) | Passed::Failed(e) => return Err(io::Error::other(e)),
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

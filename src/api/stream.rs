//! The transcript decoded as its bytes arrive (issue 11): serde visitors walk the body
//! straight into [`Event`]s, so no `serde_json::Value` is built for an event, elements
//! that are no events are skipped as they stream past, and each batch of events goes
//! to the caller while the rest of the body is still on its way.
//!
//! The shapes accepted are exactly those of [`Transcript::from_value`] after
//! `lean::parse_events` (which stay, as the tests' oracle): a top-level array; an
//! object whose `events` array, or else whose first array (in key order) holding an
//! event-shaped object, holds the events; a lone event object; `null`. As in a
//! `serde_json::Map`, a repeated key keeps its first place and its last value.
//!
//! An object's arrays cannot be judged before the object ends (a later `events` key
//! wins over an earlier array), so the first array with an event streams out at once
//! and the others are kept aside; when the object ends with another winner, the
//! caller is told to start over with it (`restart`). Real answers have one array.

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::io;
use std::rc::Rc;
use std::time::{Duration, Instant};

use compact_str::CompactString;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::lean::TOO_MANY;
use super::model::{self, Event, Timestamp, Transcript};

/// Events kept from one transcript answer. A kept event costs about 100 bytes
/// besides its text, so this bounds an answer of tiny events (1 GiB of
/// `{"content":"x"}` would be 67 million) near 400 MB, while leaving twice the
/// million messages the issue asks for.
pub const MAX_EVENTS: usize = 2_000_000;

/// Events gathered before a batch goes out, at most.
const BATCH: usize = 4096;
/// A batch goes out at least this often while events arrive (a frame at 60 Hz).
const BATCH_EVERY: Duration = Duration::from_millis(16);

/// Where decoded events go: `(events, restart, events so far)`. `restart` means "drop every event
/// sent before; these start the transcript over".
pub type Out<'a> = dyn FnMut(Vec<Event>, bool, usize) + 'a;

/// What the body says besides its events.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Head {
    pub session_id: Option<String>,
    pub start_time: Option<Timestamp>,
    pub end_time: Option<Timestamp>,
}

impl Head {
    /// A transcript with this head and `events` (no raw body: see the module).
    pub fn into_transcript(self, events: Vec<Event>) -> Transcript {
        Transcript {
            session_id: self.session_id,
            start_time: self.start_time,
            end_time: self.end_time,
            events,
            absence: None,
            raw: Value::Null,
        }
    }
}

/// Why a body did not decode.
#[derive(Debug)]
pub enum DecodeError {
    /// Not JSON, cut short, or past the element limit (serde_json says which).
    Json(serde_json::Error),
    /// Well-formed JSON of a shape that holds no transcript (a number, say).
    Shape(String),
}

/// Events sent so far and the batch being gathered. Shared by the visitors (which
/// add) and the reader (which sends the batch before it waits for more bytes, so
/// what arrived is shown while the network is slow).
pub struct Pending<'a> {
    buf: Vec<Event>,
    restart: bool,
    /// Events in the transcript as sent so far (after the last restart).
    sent: usize,
    since: Instant,
    out: Box<Out<'a>>,
}

/// [`Pending`] as the reader and the visitors share it on the decoding thread.
pub type Shared<'a> = Rc<RefCell<Pending<'a>>>;

impl<'a> Pending<'a> {
    pub fn new(out: Box<Out<'a>>) -> Shared<'a> {
        Rc::new(RefCell::new(Pending {
            buf: Vec::new(),
            restart: false,
            sent: 0,
            since: Instant::now(),
            out,
        }))
    }

    fn push(&mut self, e: Event) {
        self.buf.push(e);
        self.sent += 1;
        let n = self.buf.len();
        if n >= BATCH || (n.is_multiple_of(256) && self.since.elapsed() >= BATCH_EVERY) {
            self.flush();
        }
    }

    fn restart(&mut self, events: Vec<Event>) {
        self.sent = events.len();
        self.buf = events;
        self.restart = true;
        self.flush();
    }

    /// Sends the gathered batch, if there is one (or a restart to tell).
    pub fn flush(&mut self) {
        if self.buf.is_empty() && !self.restart {
            return;
        }
        // The next batch is made as large as this one at once, not grown to it.
        let room = self.buf.len().min(BATCH);
        let batch = std::mem::replace(&mut self.buf, Vec::with_capacity(room));
        (self.out)(batch, std::mem::take(&mut self.restart), self.sent);
        self.since = Instant::now();
    }

    /// Events in the transcript as decoded so far.
    pub fn messages(&self) -> usize {
        self.sent
    }
}

/// Sends what `shared` has gathered, unless it is busy (it never is when a reader
/// calls this: the visitors hold it only while adding one event).
pub fn flush(shared: &Shared<'_>) {
    if let Ok(mut p) = shared.try_borrow_mut() {
        p.flush();
    }
}

/// Decodes a whole body held in memory, every event collected (`print`, `sync`,
/// tests). `cap` is the element limit.
pub fn decode_slice(body: &[u8], cap: usize) -> Result<Transcript, DecodeError> {
    let events = RefCell::new(Vec::new());
    let head = {
        let pending = Pending::new(Box::new(|batch: Vec<Event>, restart, _| {
            let mut all = events.borrow_mut();
            if restart {
                all.clear();
            }
            all.extend(batch);
        }));
        decode(body, cap, &pending)?
    };
    Ok(head.into_transcript(events.into_inner()))
}

/// One element of an events array, and nothing after it.
fn one_element<'de, R: serde_json::de::Read<'de>>(
    de: &mut serde_json::Deserializer<R>,
) -> serde_json::Result<Element> {
    EventSeed(None)
        .deserialize(&mut *de)
        .and_then(|e| de.end().map(|()| e))
}

/// Decodes the body `reader` yields, sending events to `pending` as they come;
/// what is left is sent before this returns.
pub fn decode<R: io::Read>(
    reader: R,
    cap: usize,
    pending: &Shared<'_>,
) -> Result<Head, DecodeError> {
    // The events arrays' elements are decoded from slices as the framer cuts them
    // out (see `api/frame.rs`), and taken from `decoded` where the parser meets them.
    let decoded: Decoded = Rc::new(RefCell::new(VecDeque::new()));
    let queue = Rc::clone(&decoded);
    let element = move |bytes: &[u8]| {
        // Checked as UTF-8 in one pass, the element's strings are not checked one by
        // one (a tenth of the decoder's time); anything else decodes as before.
        let decoded = match simdutf8::basic::from_utf8(bytes) {
            Ok(text) => one_element(&mut serde_json::Deserializer::from_str(text)),
            Err(_) => one_element(&mut serde_json::Deserializer::from_slice(bytes)),
        };
        match decoded {
            Ok(e) => {
                queue.borrow_mut().push_back(e);
                true
            }
            Err(_) => false,
        }
    };
    let covered = |key: &str| Kind::of(key) == Kind::Other && !is_number_key(key);
    let reader = super::frame::Framer::new(reader, element, covered);
    // serde_json reads a `Read` a byte at a time; std reads those from a `BufReader`'s
    // buffer without a call each. Small: each element decoded ahead of the parser
    // waits in `decoded`, and one is four bytes here.
    let reader = io::BufReader::with_capacity(8 * 1024, reader);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut state = State {
        cap,
        kept: 0,
        pending: pending.clone(),
        live: None,
        serial: 0,
        decoded,
    };
    let top = TopSeed { state: &mut state }
        .deserialize(&mut de)
        .and_then(|top| de.end().map(|()| top));
    // What was decoded is shown, also before a cut.
    flush(pending);
    let top = top.map_err(DecodeError::Json)?;
    match top {
        Top::Head(head) => Ok(head),
        Top::Scalar(kind) => Err(DecodeError::Shape(format!(
            "expected a transcript object or array, got {kind}"
        ))),
    }
}

struct State<'a> {
    cap: usize,
    /// Elements counted against `cap` (objects with keys in a top-level array or in
    /// an array under a key of the top object, as `lean` counts them).
    kept: usize,
    pending: Shared<'a>,
    /// The array whose events stream out as they come.
    live: Option<u64>,
    serial: u64,
    /// Elements decoded apart, in the order their placeholders come.
    decoded: Decoded,
}

/// Elements of events arrays decoded by the framer, waiting for the parser.
type Decoded = Rc<RefCell<VecDeque<Element>>>;

impl State<'_> {
    fn count<E: de::Error>(&mut self) -> Result<(), E> {
        if self.kept >= self.cap {
            return Err(E::custom(format!(
                "{TOO_MANY} {} elements in one answer",
                self.cap
            )));
        }
        self.kept += 1;
        Ok(())
    }

    fn emit(&self, e: Event) {
        if let Ok(mut p) = self.pending.try_borrow_mut() {
            p.push(e);
        }
    }

    fn restart(&self, events: Vec<Event>) {
        if let Ok(mut p) = self.pending.try_borrow_mut() {
            p.restart(events);
        }
    }

    fn sent(&self) -> usize {
        self.pending.try_borrow().map(|p| p.sent).unwrap_or(0)
    }
}

enum Top {
    Head(Head),
    Scalar(&'static str),
}

struct TopSeed<'s, 'a> {
    state: &'s mut State<'a>,
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
    fn visit_bool<E>(self, _: bool) -> Result<Top, E> {
        Ok(Top::Scalar("a boolean"))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Top, E> {
        Ok(Top::Scalar("a number"))
    }
    fn visit_u64<E>(self, _: u64) -> Result<Top, E> {
        Ok(Top::Scalar("a number"))
    }
    fn visit_f64<E>(self, _: f64) -> Result<Top, E> {
        Ok(Top::Scalar("a number"))
    }
    fn visit_str<E>(self, _: &str) -> Result<Top, E> {
        Ok(Top::Scalar("a string"))
    }
    fn visit_unit<E>(self) -> Result<Top, E> {
        Ok(Top::Head(Head::default()))
    }
    fn visit_none<E>(self) -> Result<Top, E> {
        Ok(Top::Head(Head::default()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Top, A::Error> {
        let decoded = Rc::clone(&self.state.decoded);
        while let Some(element) = seq.next_element_seed(EventSeed(Some(&decoded)))? {
            match element {
                Element::Skip => {}
                Element::Other => self.state.count()?,
                Element::Event(e) => {
                    self.state.count()?;
                    self.state.emit(e);
                }
            }
        }
        Ok(Top::Head(Head::default()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let state = self.state;
        let mut slots: Vec<(String, Slot)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        while let Some(key) = map.next_key::<String>()? {
            if is_number_key(&key) {
                map.next_value::<IgnoredAny>()?;
                return Ok(Top::Scalar("a number"));
            }
            let events_array = index
                .get("events")
                .is_some_and(|&i| matches!(slots[i].1, Slot::Array(_)));
            state.serial += 1;
            let slot = map.next_value_seed(FieldSeed {
                kind: Kind::of(&key),
                // Once an `events` array is held, no other array can win.
                may_stream: !events_array || key == "events",
                serial: state.serial,
                state: &mut *state,
            })?;
            match index.get(&key) {
                Some(&i) => slots[i].1 = slot,
                None => {
                    index.insert(key.clone(), slots.len());
                    slots.push((key, slot));
                }
            }
        }
        Ok(Top::Head(finish(state, slots, &index)))
    }
}

/// The object ended: which array holds the events (see `find_event_array`), and the
/// transcript's own fields.
fn finish(
    state: &mut State,
    mut slots: Vec<(String, Slot)>,
    index: &HashMap<String, usize>,
) -> Head {
    let winner = match index.get("events").map(|&i| &slots[i].1) {
        Some(Slot::Array(_)) => index.get("events").copied(),
        _ => slots.iter().position(|(_, s)| match s {
            Slot::Array(a) => a.streamed > 0 || !a.events.is_empty(),
            _ => false,
        }),
    };
    let value = |slots: &[(String, Slot)], key: &str| -> Option<Value> {
        let i = *index.get(key)?;
        match &slots[i].1 {
            Slot::Value(v) => Some(v.clone()),
            Slot::Array(a) => Some(Value::Array(a.values.clone().unwrap_or_default())),
            Slot::Other => None,
        }
    };
    let mut head_map = Map::new();
    for key in ["sessionId", "startTime", "endTime"] {
        if let Some(v) = value(&slots, key) {
            head_map.insert(key.to_string(), v);
        }
    }
    let head = Head {
        session_id: model::str_field(&head_map, "sessionId"),
        start_time: model::time_field(&head_map, "startTime"),
        end_time: model::time_field(&head_map, "endTime"),
    };
    match winner {
        Some(i) => {
            if let Slot::Array(a) = &mut slots[i].1 {
                if state.live != Some(a.serial) {
                    state.restart(std::mem::take(&mut a.events));
                }
            }
        }
        None if model::EVENT_KEYS.iter().any(|k| index.contains_key(*k)) => {
            // A lone event object: a one-message transcript.
            let mut m = Map::new();
            for key in model::EVENT_KEYS {
                if let Some(v) = value(&slots, key) {
                    m.insert(key.to_string(), v);
                }
            }
            let events = model::Event::from_value(&Value::Object(m))
                .into_iter()
                .collect();
            state.restart(events);
        }
        None if state.sent() > 0 => state.restart(Vec::new()),
        None => {}
    }
    head
}

/// How the value of a key of the top object is kept.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `sessionId`, `startTime`, `endTime`: read as text whatever they hold.
    Head,
    /// An event's key: the top object may be a lone event.
    EventKey,
    /// Anything else: only an array matters.
    Other,
}

impl Kind {
    fn of(key: &str) -> Self {
        if matches!(key, "sessionId" | "startTime" | "endTime") {
            Kind::Head
        } else if model::EVENT_KEYS.contains(&key) {
            Kind::EventKey
        } else {
            Kind::Other
        }
    }
}

/// The value of one key of the top object.
enum Slot {
    Array(ArraySlot),
    /// A value under a key that may be read (see [`Kind`]).
    Value(Value),
    Other,
}

struct ArraySlot {
    serial: u64,
    /// Events kept aside (not streamed).
    events: Vec<Event>,
    /// Events streamed out from this array.
    streamed: usize,
    /// The array as `lean` filters it, where it may be read as text (see
    /// `finish`): every kept object under a [`Kind::Head`] key, the objects that
    /// are no events under a [`Kind::EventKey`] (only read when it holds none).
    values: Option<Vec<Value>>,
}

struct FieldSeed<'s, 'a> {
    state: &'s mut State<'a>,
    kind: Kind,
    may_stream: bool,
    serial: u64,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_, '_> {
    type Value = Slot;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Slot, D::Error> {
        d.deserialize_any(self)
    }
}

impl FieldSeed<'_, '_> {
    fn keep(&self, v: Value) -> Slot {
        match self.kind {
            Kind::Other => Slot::Other,
            _ => Slot::Value(v),
        }
    }
}

impl<'de> Visitor<'de> for FieldSeed<'_, '_> {
    type Value = Slot;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Slot, E> {
        Ok(self.keep(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Slot, E> {
        Ok(self.keep(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Slot, E> {
        Ok(self.keep(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Slot, E> {
        Ok(self.keep(Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Slot, E> {
        Ok(self.keep(Value::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> Result<Slot, E> {
        Ok(self.keep(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Slot, E> {
        Ok(self.keep(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Slot, E> {
        Ok(self.keep(Value::Null))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Slot, A::Error> {
        if self.kind == Kind::Other {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            return Ok(Slot::Other);
        }
        Ok(Slot::Value(Value::deserialize(
            MapAccessDeserializer::new(map),
        )?))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Slot, A::Error> {
        let (state, kind, may_stream) = (self.state, self.kind, self.may_stream);
        let mut slot = ArraySlot {
            serial: self.serial,
            events: Vec::new(),
            streamed: 0,
            values: (kind != Kind::Other).then(Vec::new),
        };
        let add = |state: &mut State, e: Event, slot: &mut ArraySlot| {
            if state.live.is_none() && may_stream {
                state.live = Some(slot.serial);
            }
            if state.live == Some(slot.serial) {
                slot.streamed += 1;
                state.emit(e);
            } else {
                slot.events.push(e);
            }
        };
        if kind == Kind::Other {
            let decoded = Rc::clone(&state.decoded);
            while let Some(element) = seq.next_element_seed(EventSeed(Some(&decoded)))? {
                match element {
                    Element::Skip => {}
                    Element::Other => state.count()?,
                    Element::Event(e) => {
                        state.count()?;
                        add(state, e, &mut slot);
                    }
                }
            }
            return Ok(Slot::Array(slot));
        }
        // Under a key that may be read as text: built as `lean` keeps it.
        while let Some(element) = seq.next_element_seed(super::lean::Element)? {
            let Some(object) = element else { continue };
            state.count()?;
            let is_event = model::looks_like_event(&object);
            let value = Value::Object(object);
            if is_event {
                if let Some(e) = model::Event::from_value(&value) {
                    add(state, e, &mut slot);
                }
            }
            if let Some(values) = slot.values.as_mut() {
                if kind == Kind::Head || !is_event {
                    values.push(value);
                }
            }
        }
        Ok(Slot::Array(slot))
    }
}

/// One element of an events array as decoded.
enum Element {
    /// Not an object, or `{}`: not counted.
    Skip,
    /// An object with keys, none of an event's.
    Other,
    Event(Event),
}

/// An element of an events array. In the body the parser reads, `true` stands
/// for the next element the framer decoded (`api/frame.rs`), when there is one: a
/// `true` the framer let through is only ever met once those are taken.
struct EventSeed<'q>(Option<&'q Decoded>);

impl<'de> DeserializeSeed<'de> for EventSeed<'_> {
    type Value = Element;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Element, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventSeed<'_> {
    type Value = Element;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Element, E> {
        let decoded = self.0.filter(|_| v);
        Ok(decoded
            .and_then(|d| d.borrow_mut().pop_front())
            .unwrap_or(Element::Skip))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Element, E> {
        Ok(Element::Skip)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Element, E> {
        Ok(Element::Skip)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Element, E> {
        Ok(Element::Skip)
    }
    fn visit_str<E>(self, _: &str) -> Result<Element, E> {
        Ok(Element::Skip)
    }
    fn visit_unit<E>(self) -> Result<Element, E> {
        Ok(Element::Skip)
    }
    fn visit_none<E>(self) -> Result<Element, E> {
        Ok(Element::Skip)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Element, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Element::Skip)
    }

    /// Only an event's own keys are read (a repeated key keeps its last value, as
    /// in a `Map`); the rest are skipped unbuilt.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element, A::Error> {
        let mut fields: [Option<Cow<'de, str>>; 7] = Default::default();
        let mut any_key = false;
        let mut event_key = false;
        while let Some(key) = map.next_key::<KeyName>()? {
            match key {
                KeyName::Number if !any_key => {
                    map.next_value::<IgnoredAny>()?;
                    return Ok(Element::Skip);
                }
                KeyName::Event(i) => {
                    fields[i] = map.next_value_seed(FieldText)?;
                    event_key = true;
                }
                KeyName::Number | KeyName::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
            any_key = true;
        }
        if !any_key {
            return Ok(Element::Skip);
        }
        if !event_key {
            return Ok(Element::Other);
        }
        Ok(Element::Event(event_from_fields(fields)))
    }
}

/// `fields` in the order of [`model::EVENT_KEYS`]. The time and the participant are
/// copied from the body into inline strings (no allocation for most), the content
/// moved or copied once.
fn event_from_fields(mut fields: [Option<Cow<'_, str>>; 7]) -> Event {
    let mut text = |i: usize| fields[i].take();
    // timeStamp, content, participantName, timestamp, time, message, participant
    let time = text(0)
        .or_else(|| text(3))
        .or_else(|| text(4))
        .map(|t| Timestamp::parse_owned(CompactString::from(t)));
    let participant = text(2).or_else(|| text(6)).map(CompactString::from);
    let content = text(1).or_else(|| text(5)).unwrap_or_default();
    Event {
        time,
        participant,
        content: content.into_owned(),
    }
}

/// The value of an event's key as text, read as `model::str_field` reads a `Value`:
/// `None` for null or an empty string, a string as it is (borrowed from the body when
/// it has no escapes), anything else as its JSON.
struct FieldText;

impl<'de> DeserializeSeed<'de> for FieldText {
    type Value = Option<Cow<'de, str>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for FieldText {
    type Value = Option<Cow<'de, str>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then(|| Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(Value::Bool(v).to_string())))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(Value::from(v).to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(Value::from(v).to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Cow::Owned(Value::from(v).to_string())))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        let v = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Some(Cow::Owned(v.to_string())))
    }
    /// An object, or a number under arbitrary_precision (which `Value` reads as one).
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let v = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(Some(Cow::Owned(v.to_string())))
    }
}

/// A key of an event element, told apart without keeping it.
enum KeyName {
    Event(usize),
    Number,
    Other,
}

impl<'de> Deserialize<'de> for KeyName {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KeyNameVisitor)
    }
}

struct KeyNameVisitor;

impl Visitor<'_> for KeyNameVisitor {
    type Value = KeyName;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<KeyName, E> {
        Ok(match model::EVENT_KEYS.iter().position(|k| *k == v) {
            Some(i) => KeyName::Event(i),
            None if is_number_key(v) => KeyName::Number,
            None => KeyName::Other,
        })
    }
}

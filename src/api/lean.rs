//! The events answer decoded without a value tree for what is dropped (issue 10: 255 MiB
//! of `[0,0,0,…]` once peaked at 4.45 GB, every element a `serde_json::Value`); the
//! partner links and the session list too, whose decoders also keep only objects.
//!
//! An array at the top, or under a key of the top object, is where events live; its
//! elements are kept only when they are objects with at least one key. Everything else
//! in such an array (numbers, strings, nested arrays, `{}`) is skipped as it streams
//! past. At most [`MAX_ELEMENTS`] are kept per answer; past that the answer is refused
//! with an error that names the limit. The rest of the body decodes as usual.

use std::fmt;

use serde::de::value::MapAccessDeserializer;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Elements kept from one answer. A day of very busy chat is a few thousand events,
/// while each kept one costs several hundred bytes as a value tree and as much again
/// on its way to the screen: 100,000 of the smallest events peak near 100 MB in `print`
/// (500,000 took 414 MB as text and 695 MB as JSON).
pub const MAX_ELEMENTS: usize = 100_000;

/// What the error past [`MAX_ELEMENTS`] starts with (the client recognises it).
pub const TOO_MANY: &str = "more than";

/// Parses an events (or links, or list) answer, keeping only the elements worth keeping
/// (see the module).
pub fn parse_events(body: &[u8]) -> serde_json::Result<Value> {
    parse(body, false)
}

/// Parses a session answer: as [`parse_events`], except that an array under a key of
/// the top object keeps every element (a collaborator may be a bare name), each
/// counted against [`MAX_ELEMENTS`].
pub fn parse_session(body: &[u8]) -> serde_json::Result<Value> {
    parse(body, true)
}

fn parse(body: &[u8], keep_field_scalars: bool) -> serde_json::Result<Value> {
    let mut kept = 0;
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = Top {
        kept: &mut kept,
        keep_field_scalars,
    }
    .deserialize(&mut de)?;
    de.end()?;
    Ok(value)
}

/// The whole body: arrays filtered, and the values of an object's keys too.
struct Top<'a> {
    kept: &'a mut usize,
    keep_field_scalars: bool,
}

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(TopVisitor {
            kept: self.kept,
            filter_objects: true,
            keep_scalars: false,
            keep_field_scalars: self.keep_field_scalars,
        })
    }
}

/// `filter_objects`: an object's values are filtered too (only at the top, so a deep
/// nesting is never walked by recursion here: the parser's own limit applies to it).
/// `keep_scalars`: an array keeps every element, counted, rather than objects only.
struct TopVisitor<'a> {
    kept: &'a mut usize,
    filter_objects: bool,
    keep_scalars: bool,
    keep_field_scalars: bool,
}

impl TopVisitor<'_> {
    fn count<E: de::Error>(&mut self) -> Result<(), E> {
        if *self.kept >= MAX_ELEMENTS {
            return Err(E::custom(format!(
                "{TOO_MANY} {MAX_ELEMENTS} elements in one answer"
            )));
        }
        *self.kept += 1;
        Ok(())
    }
}

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        if self.keep_scalars {
            // Counted before it is built, so the limit stops a long array early.
            while let Some(element) = seq.next_element::<Value>()? {
                self.count()?;
                out.push(element);
            }
            return Ok(Value::Array(out));
        }
        while let Some(element) = seq.next_element_seed(Element)? {
            if let Some(object) = element {
                self.count()?;
                out.push(Value::Object(object));
            }
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        if !self.filter_objects {
            return Value::deserialize(MapAccessDeserializer::new(map));
        }
        let mut map = map;
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            // With arbitrary_precision a number arrives as a one-key map under
            // serde_json's private name; it is no object, so it is read as a number.
            if key.starts_with("$serde_json::private::") {
                let digits: String = map.next_value()?;
                return digits
                    .parse::<serde_json::Number>()
                    .map(Value::Number)
                    .map_err(de::Error::custom);
            }
            let value = map.next_value_seed(Field {
                kept: &mut *self.kept,
                keep_scalars: self.keep_field_scalars,
            })?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

/// The value of one key of the top object: an array is filtered, anything else kept.
struct Field<'a> {
    kept: &'a mut usize,
    keep_scalars: bool,
}

impl<'de> DeserializeSeed<'de> for Field<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(TopVisitor {
            kept: self.kept,
            filter_objects: false,
            keep_scalars: self.keep_scalars,
            keep_field_scalars: false,
        })
    }
}

/// One element of a filtered array: `Some` for an object with keys, `None` (and
/// nothing built to last) for anything else.
pub(crate) struct Element;

impl<'de> DeserializeSeed<'de> for Element {
    type Value = Option<Map<String, Value>>;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Option<Map<String, Value>>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(None)
    }

    /// Built whole (an event's fields are what is kept); a number under
    /// arbitrary_precision comes here too and is dropped at once.
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        match Value::deserialize(MapAccessDeserializer::new(map))? {
            Value::Object(m) if !m.is_empty() => Ok(Some(m)),
            _ => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_objects_with_keys_are_kept_in_arrays() {
        let body = br#"[0, 1.5, "x", null, true, [1, [2]], {}, {"content": "hi", "n": 12345678901234567890123}, 7]"#;
        let v = parse_events(body).unwrap_or_default();
        assert_eq!(
            v,
            json!([{"content": "hi", "n": 12345678901234567890123u128}])
        );
        let s = serde_json::to_string(&v).unwrap_or_default();
        assert!(s.contains("12345678901234567890123"), "{s}");
    }

    #[test]
    fn arrays_under_top_keys_are_filtered_the_rest_kept() {
        let body = br#"{"sessionId": 123456789012345678901234567890, "events": [0, {"content": "a"}, 0], "meta": {"list": [0, 1]}, "n": 1e+400}"#;
        let v = parse_events(body).unwrap_or_default();
        let s = serde_json::to_string(&v).unwrap_or_default();
        assert_eq!(
            s,
            r#"{"sessionId":123456789012345678901234567890,"events":[{"content":"a"}],"meta":{"list":[0,1]},"n":1e+400}"#
        );
    }

    #[test]
    fn scalars_at_the_top_stay_scalars() {
        assert_eq!(parse_events(b"5").ok(), Some(json!(5)));
        assert_eq!(parse_events(b"\"x\"").ok(), Some(json!("x")));
        assert_eq!(parse_events(b"null").ok(), Some(Value::Null));
        assert!(parse_events(b"[1,").is_err());
        assert!(parse_events(b"[] x").is_err());
    }

    #[test]
    fn a_session_keeps_scalars_under_its_keys_counted() {
        let body = br#"{"collaborators": ["Ravi", {"name": "Mei"}, [1]], "n": 1}"#;
        let v = parse_session(body).unwrap_or_default();
        assert_eq!(
            v,
            json!({"collaborators": ["Ravi", {"name": "Mei"}, [1]], "n": 1})
        );
        assert_eq!(
            parse_session(b"[0, 0, {\"a\": 1}]").ok(),
            Some(json!([{"a": 1}]))
        );
        let zeros = format!("{{\"collaborators\": [{}0]}}", "0,".repeat(MAX_ELEMENTS));
        let e = parse_session(zeros.as_bytes()).err().map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(|e| e.starts_with(TOO_MANY)),
            "{e:?}"
        );
    }

    #[test]
    fn more_than_the_limit_is_refused() {
        let mut body = String::from("[");
        for _ in 0..=MAX_ELEMENTS {
            body.push_str("{\"a\":1},");
        }
        body.push_str("0]");
        let e = parse_events(body.as_bytes()).err().map(|e| e.to_string());
        assert!(
            e.as_deref().is_some_and(|e| e.starts_with(TOO_MANY)),
            "{e:?}"
        );
        // Exactly the limit is kept (skipped elements do not count).
        let at = format!("[{}0]", "{\"a\":1},0,".repeat(MAX_ELEMENTS));
        let v = parse_events(at.as_bytes()).unwrap_or_default();
        assert_eq!(v.as_array().map(Vec::len), Some(MAX_ELEMENTS));
    }
}

//! The streaming transcript decoder (`api::stream`) against the decoder it replaced
//! (`lean::parse_events` + `Transcript::from_value`, kept as the oracle): the same
//! transcript for every accepted shape, every hostile body and generated ones, and
//! the same refusal where the old one refused.

use g2a_tui::api::lean;
use g2a_tui::api::stream::{self, DecodeError};
use g2a_tui::api::Transcript;
use proptest::prelude::*;
use serde_json::Value;

/// The old decoder's answer: the transcript without its raw body, or which kind of
/// failure (the JSON error's text, or the shape's).
fn oracle(body: &[u8]) -> Result<Transcript, String> {
    let v = lean::parse_events(body).map_err(|e| format!("json: {e}"))?;
    let mut t = Transcript::from_value(v).map_err(|e| format!("shape: {e}"))?;
    t.raw = Value::Null;
    Ok(t)
}

fn streamed(body: &[u8]) -> Result<Transcript, String> {
    stream::decode_slice(body, lean::MAX_ELEMENTS).map_err(|e| match e {
        DecodeError::Json(e) => format!("json: {e}"),
        DecodeError::Shape(s) => format!("shape: {s}"),
    })
}

/// Same transcript, or both refused for the same kind of reason (serde_json words
/// an error's position differently when it reads from a reader, so only the kind
/// is compared for JSON errors).
fn check(body: &str) {
    let (old, new) = (oracle(body.as_bytes()), streamed(body.as_bytes()));
    match (&old, &new) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "body: {body}"),
        (Err(a), Err(b)) if a.starts_with("shape") => assert_eq!(a, b, "body: {body}"),
        (Err(a), Err(b)) => {
            let kind = |s: &str| s.starts_with("json: more than");
            assert_eq!(kind(a), kind(b), "body: {body}\nold: {a}\nnew: {b}");
            assert!(b.starts_with("json"), "body: {body}\nold: {a}\nnew: {b}");
        }
        _ => panic!("body: {body}\nold: {old:?}\nnew: {new:?}"),
    }
}

const EV: &str =
    r#"{"timeStamp": "2021-04-30T06:00:00Z", "content": "hi", "participantName": "Ann"}"#;
const EV2: &str =
    r#"{"timestamp": "2021-04-30T06:00:01+02:00", "message": "yo\nthere", "participant": "Bo"}"#;

#[test]
fn every_accepted_shape() {
    let bodies = [
        format!("[{EV}, {EV2}]"),
        format!(
            r#"{{"sessionId": "1", "startTime": "2021-04-30T06:00:00Z", "endTime": "x", "events": [{EV}, {EV2}]}}"#
        ),
        format!(r#"{{"sessionId": 12345678901234567890123, "messages": [{EV}, {{}}, 0]}}"#),
        format!(r#"{{"data": {{"events": [{EV}]}}, "list": [1, 2], "items": [{EV2}]}}"#),
        EV.to_string(),
        EV2.to_string(),
        "null".into(),
        "[]".into(),
        "{}".into(),
        r#"{"events": []}"#.into(),
        r#"{"sessionId": "1"}"#.into(),
        r#"{"time": "2021-04-30T06:00:00.250"}"#.into(),
        r#"{"content": null, "x": 1}"#.into(),
    ];
    for b in &bodies {
        check(b);
    }
}

#[test]
fn hostile_bodies() {
    let bodies = [
        // Not events, at every place events may be.
        r#"[0, 1.5, "x", null, true, [1, [2]], {}, {"content": "hi", "n": 12345678901234567890123}, 7]"#.to_string(),
        r#"{"sessionId": 123456789012345678901234567890, "events": [0, {"content": "a"}, 0], "meta": {"list": [0, 1]}, "n": 1e+400}"#.into(),
        // A later `events` wins over an earlier array; an `events` that is no array
        // does not.
        format!(r#"{{"a": [{EV}], "events": [{EV2}]}}"#),
        format!(r#"{{"a": [{EV}], "events": "none"}}"#),
        format!(r#"{{"events": [], "a": [{EV}]}}"#),
        format!(r#"{{"a": [{{"x": 1}}], "b": [{EV2}, {EV}]}}"#),
        // Repeated keys: first place, last value.
        format!(r#"{{"events": [{EV}], "events": [{EV2}]}}"#),
        format!(r#"{{"events": [{EV}], "events": 5, "b": [{EV2}]}}"#),
        format!(r#"{{"b": 1, "a": [{EV}], "b": [{EV2}]}}"#),
        format!(r#"{{"a": [{EV}], "a": 5}}"#),
        format!(r#"{{"a": [{EV}], "a": 5, "content": "lone"}}"#),
        // Event keys of every type, repeated, nested.
        r#"[{"content": 5, "participantName": {"a": [1, {"b": null}]}, "timeStamp": 12}]"#.into(),
        r#"[{"content": "a", "content": "b", "message": "c"}, {"content": "", "message": "m"}]"#.into(),
        r#"[{"content": [1, 2, {"x": "y"}], "time": true}]"#.into(),
        r#"{"content": [{"x": 1}, 0], "sessionId": [{"content": "s"}, 1]}"#.into(),
        format!(r#"{{"sessionId": [{EV}], "startTime": [], "content": "c"}}"#),
        format!(r#"{{"message": [{EV}, {{"y": 2}}], "participant": "p"}}"#),
        r#"{"message": [{"y": 2}], "participant": "p"}"#.into(),
        // Control and bidi characters, escapes, a byte order mark's neighbours.
        "[{\"content\": \"\\u001b[31mred\\u202e\\u0007\", \"participantName\": \"\\u0000x\"}]".into(),
        // Scalars, and what is not JSON.
        "5".into(),
        "\"x\"".into(),
        "true".into(),
        "12345678901234567890123456789".into(),
        "[1,".into(),
        "[] x".into(),
        "".into(),
        "<html>".into(),
        format!("{}1{}", "[".repeat(200), "]".repeat(200)),
        r#"[1e999999]"#.into(),
    ];
    for b in &bodies {
        check(b);
    }
}

/// Elements are cut out of the body and decoded apart (`api/frame.rs`): the same
/// transcript, or the same kind of refusal, wherever a body breaks that, whatever
/// the elements hold, and whichever `true`s stand where.
#[test]
fn elements_decoded_apart() {
    let deep = format!("{}{}", "[".repeat(120), "]".repeat(120));
    let deep_ok = format!("{}{}", "[".repeat(70), "]".repeat(70));
    let mut bodies = vec![
        format!(r#"{{"events": [true, {EV}, true, false, {EV2}, true]}}"#),
        format!(r#"[true, {EV}, true]"#),
        format!(r#"{{"events": [{EV}, {deep}, {EV2}]}}"#),
        format!(r#"{{"events": [{EV}, {deep_ok}, {EV2}]}}"#),
        format!(r#"{{"events": [{EV}, {{"content": {deep}}}, {EV2}]}}"#),
        format!(r#"{{"ev\u0065nts": [{EV}], "x": [{EV2}]}}"#),
        format!(r#"{{"content": [true, {EV}], "events": [true, {EV2}]}}"#),
        format!(r#"{{"sessionId": [true, {EV}], "a": [true, {EV2}, true]}}"#),
        format!(r#"{{"$serde_json::private::Number": [{EV}], "events": [{EV2}]}}"#),
        format!(r#"{{"events": [{EV}{EV2}]}}"#),
        format!(r#"{{"events": [{EV},, {EV2}]}}"#),
        format!(r#"{{"events": [{EV}, tru]}}"#),
        format!(r#"{{"events": [{EV}, {{"content": }}, {EV2}]}}"#),
        format!(r#"{{"events": [{EV}, {{"content": "\"]}}\\"}}, {EV2}]}} "#),
        format!(r#"{{"events": [{EV}] , "more": {{"events": [{EV2}]}}}} x"#),
        format!("{{\"events\": [{EV}, \"\u{ff}\", 1e5, -0, null]}}"),
    ];
    // Cut off anywhere.
    let whole = format!(r#"{{"events": [{EV}, true, {EV2}, [1, {{"a": "]"}}], {EV}]}}"#);
    for cut in 0..whole.len() {
        if whole.is_char_boundary(cut) {
            bodies.push(whole[..cut].to_string());
        }
    }
    for b in &bodies {
        check(b);
    }
}

#[test]
fn the_demo_transcripts() {
    let all: Value = serde_json::from_str(include_str!("../assets/demo/transcripts.json"))
        .expect("demo transcripts");
    let Value::Object(all) = all else {
        panic!("demo transcripts are an object")
    };
    assert!(!all.is_empty());
    for (_, t) in all {
        check(&t.to_string());
    }
}

#[test]
fn the_element_limit_is_kept() {
    let cap = 10;
    let at = format!("[{}0]", format!("{EV},0,").repeat(cap));
    let t = stream::decode_slice(at.as_bytes(), cap).map(|t| t.events.len());
    assert_eq!(t.ok(), Some(cap));
    let over = format!(
        "{{\"events\": [{}{EV}]}}",
        format!("{EV},{{\"x\":1}},").repeat(cap / 2)
    );
    match stream::decode_slice(over.as_bytes(), cap) {
        Err(DecodeError::Json(e)) => {
            assert!(e.to_string().starts_with("more than 10 elements"), "{e}")
        }
        other => panic!("{other:?}"),
    }
    // The default limit takes far more than the old one.
    let big = format!("[{}{EV}]", format!("{EV},").repeat(lean::MAX_ELEMENTS));
    let n = stream::decode_slice(big.as_bytes(), stream::MAX_EVENTS).map(|t| t.events.len());
    assert_eq!(n.ok(), Some(lean::MAX_ELEMENTS + 1));
}

/// Batches arrive in order and a restart starts over: what the caller assembles is
/// the transcript.
#[test]
fn batches_assemble_the_transcript() {
    for body in [
        format!("[{}]", vec![EV; 10_000].join(",")),
        format!(r#"{{"a": [{EV}, {EV}], "events": [{EV2}]}}"#),
        format!(r#"{{"a": [{EV}], "a": 1}}"#),
    ] {
        let mut got = Vec::new();
        let mut batches = 0;
        {
            let pending = stream::Pending::new(Box::new(|b: Vec<_>, restart, _| {
                if restart {
                    got.clear();
                }
                got.extend(b);
                batches += 1;
            }));
            stream::decode(body.as_bytes(), 100_000, &pending).expect("decodes");
        }
        let want = oracle(body.as_bytes()).expect("oracle decodes");
        assert_eq!(got, want.events, "{body}");
        assert!(batches >= 1);
    }
}

/// A JSON value as text, with keys that may repeat.
#[derive(Debug, Clone)]
enum J {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Arr(Vec<J>),
    Obj(Vec<(String, J)>),
}

impl J {
    fn text(&self, out: &mut String) {
        match self {
            J::Null => out.push_str("null"),
            J::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            J::Num(n) => out.push_str(n),
            J::Str(s) => out.push_str(&Value::String(s.clone()).to_string()),
            J::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.text(out);
                }
                out.push(']');
            }
            J::Obj(kv) => {
                out.push('{');
                for (i, (k, v)) in kv.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Value::String(k.clone()).to_string());
                    out.push(':');
                    v.text(out);
                }
                out.push('}');
            }
        }
    }
}

const KEYS: &[&str] = &[
    "events",
    "messages",
    "a",
    "sessionId",
    "startTime",
    "endTime",
    "timeStamp",
    "content",
    "participantName",
    "timestamp",
    "time",
    "message",
    "participant",
    "x",
];

fn key() -> impl Strategy<Value = String> {
    prop::sample::select(KEYS).prop_map(str::to_string)
}

fn scalar() -> impl Strategy<Value = J> {
    prop_oneof![
        Just(J::Null),
        any::<bool>().prop_map(J::Bool),
        prop_oneof![
            Just("0".to_string()),
            Just("-1.5e3".to_string()),
            Just("123456789012345678901234567890".to_string())
        ]
        .prop_map(J::Num),
        prop_oneof![
            Just(String::new()),
            Just("2021-04-30T06:00:00Z".to_string()),
            "[a-z \\n\u{1b}\u{202e}é漢]{0,8}"
        ]
        .prop_map(J::Str),
    ]
}

fn value() -> impl Strategy<Value = J> {
    scalar().prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(J::Arr),
            prop::collection::vec((key(), inner), 0..6).prop_map(J::Obj),
        ]
    })
}

fn text(j: &J) -> String {
    let mut s = String::new();
    j.text(&mut s);
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_bodies_decode_as_before(j in value()) {
        check(&text(&j));
    }

    #[test]
    fn arbitrary_bytes_never_panic(b in prop::collection::vec(any::<u8>(), 0..64)) {
        let _ = stream::decode_slice(&b, 100);
    }
}

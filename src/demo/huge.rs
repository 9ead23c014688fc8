//! Generated transcripts of any size for scale tests: session `huge-<N>` has N
//! messages, the same ones every time (seeded by N). The body is generated as it is
//! sent, a chunk of messages at a time, so serving a million messages (about 250 MB
//! of JSON) costs the server a few kilobytes, not the body.

use std::convert::Infallible;
use std::fmt::Write as _;

use axum::body::{Body, Bytes};
use chrono::{DateTime, SecondsFormat, TimeDelta, Utc};
use serde_json::{json, Value};

/// The largest N served: enough for any scale test, small enough that a typo does
/// not ask the server for a terabyte.
pub const MAX_MESSAGES: u64 = 5_000_000;
/// What the id starts with.
pub const PREFIX: &str = "huge-";

/// Messages per chunk of the body: about 250 KB.
const CHUNK: u64 = 1_000;
/// Message k is sent `STEP * k` seconds (plus up to STEP - 1) after the start, so times
/// advance, days turn over, and the end time is known before the first message.
const STEP: i64 = 4;

const EXPERT: &str = "Dana Whitfield";
const EXPERT_EMAIL: &str = "dana.whitfield@northwind.example";
const CUSTOMER: &str = "Tomás Alvarez";
const CUSTOMER_EMAIL: &str = "tomas.alvarez@contoso.example";
const COLLABORATOR: &str = "Ravi Patel";
const COLLABORATOR_EMAIL: &str = "ravi.patel@northwind.example";

/// What an id asks for: `None` when it is not a `huge-` id at all (another session),
/// `Some(None)` when it is one but names no servable size.
pub fn requested(id: &str) -> Option<Option<u64>> {
    let digits = id.strip_prefix(PREFIX)?;
    // One spelling per size: no sign, no leading zero.
    let n = digits
        .parse::<u64>()
        .ok()
        .filter(|n| n.to_string() == digits && (1..=MAX_MESSAGES).contains(n));
    Some(n)
}

/// Why a `huge-` id was refused, for the 404's message.
pub fn refusal() -> String {
    format!("no such session: huge-<N> takes N from 1 to {MAX_MESSAGES}")
}

fn start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_709_625_600, 0).unwrap_or_default() // 2024-03-05T08:00:00Z
}

fn end(n: u64) -> DateTime<Utc> {
    let n = i64::try_from(n).unwrap_or(i64::MAX / STEP / 2);
    start() + TimeDelta::seconds(STEP * (n + 1))
}

fn stamp(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// The session object for `huge-<n>`: a completed session with an expert, a
/// collaborator and a customer, spanning the transcript's times.
pub fn session(n: u64) -> Value {
    json!({
        "sessionId": format!("{PREFIX}{n}"),
        "sessionType": "screen_sharing",
        "status": "complete",
        "accountKey": 7_000_123,
        "accountName": "Northwind Support",
        "expertName": EXPERT,
        "expertEmail": EXPERT_EMAIL,
        "expertUserKey": 88_001,
        "customerName": CUSTOMER,
        "customerEmail": CUSTOMER_EMAIL,
        "collaborators": [{"name": COLLABORATOR, "email": COLLABORATOR_EMAIL}],
        "startedAt": stamp(start()),
        "customerJoinedAt": stamp(start()),
        "endedAt": stamp(end(n)),
        "notes": format!("Generated transcript of {n} messages for scale tests."),
    })
}

/// The transcript body for `huge-<n>`, streamed.
pub fn body(n: u64) -> Body {
    let head = format!(
        "{{\"sessionId\":\"{PREFIX}{n}\",\"startTime\":\"{}\",\"endTime\":\"{}\",\"events\":[",
        stamp(start()),
        stamp(end(n))
    );
    let mut gen = Generator::new(n);
    let chunks = futures::stream::iter(std::iter::from_fn(move || gen.next_chunk()));
    let all = futures::stream::StreamExt::chain(
        futures::stream::iter([Ok::<Bytes, Infallible>(Bytes::from(head))]),
        chunks,
    );
    Body::from_stream(all)
}

/// The whole body at once, for tests and benchmarks that want the bytes.
pub fn body_bytes(n: u64) -> Vec<u8> {
    let mut out = format!(
        "{{\"sessionId\":\"{PREFIX}{n}\",\"startTime\":\"{}\",\"endTime\":\"{}\",\"events\":[",
        stamp(start()),
        stamp(end(n))
    )
    .into_bytes();
    let mut gen = Generator::new(n);
    while let Some(Ok(chunk)) = gen.next_chunk() {
        out.extend_from_slice(&chunk);
    }
    out
}

/// The same messages as the body, as the client's events, for benchmarks that
/// want a realistic transcript without the HTTP round trip.
pub fn events(n: u64) -> Vec<crate::api::Event> {
    let mut gen = Generator::new(n);
    (0..n)
        .map(|_| {
            let (at, who) = gen.next_event();
            crate::api::Event {
                time: Some(crate::api::Timestamp::parse(
                    std::str::from_utf8(&at).unwrap_or_default(),
                )),
                participant: Some(who.into()),
                content: gen.text.clone(),
            }
        })
        .collect()
}

/// Writes the events one chunk at a time, then the closing brackets. Built for
/// speed (the demo server's output is a floor under every `print` benchmark): one
/// reusable text buffer, timestamps written by hand, no `format!` per message.
struct Generator {
    n: u64,
    next: u64,
    rng: Rng,
    done: bool,
    /// The current message's content.
    text: String,
    /// `YYYY-MM-DDT` of the day last stamped, and that day (seconds since the epoch / 86400).
    day: Option<(i64, String)>,
}

impl Generator {
    fn new(n: u64) -> Self {
        Generator {
            n,
            next: 0,
            rng: Rng(n ^ 0x9e37_79b9_7f4a_7c15),
            done: false,
            text: String::with_capacity(512),
            day: None,
        }
    }

    fn next_chunk(&mut self) -> Option<Result<Bytes, Infallible>> {
        if self.done {
            return None;
        }
        let mut out = Vec::with_capacity(300 * CHUNK as usize);
        let stop = (self.next + CHUNK).min(self.n);
        while self.next < stop {
            if self.next > 0 {
                out.push(b',');
            }
            self.event(&mut out);
        }
        if self.next == self.n {
            out.extend_from_slice(b"]}");
            self.done = true;
        }
        Some(Ok(Bytes::from(out)))
    }

    /// The next message: its time as the body writes it and its participant; its
    /// content is left in `self.text`.
    fn next_event(&mut self) -> ([u8; 20], &'static str) {
        let k = i64::try_from(self.next).unwrap_or(0);
        self.next += 1;
        let offset = STEP * k + self.rng.below(STEP as u64) as i64;
        let at = self.stamp(start().timestamp() + offset);
        let who = self.message();
        (at, who)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, as `stamp` writes it, the date formatted once a day.
    fn stamp(&mut self, secs: i64) -> [u8; 20] {
        let (day, in_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
        if self.day.as_ref().is_none_or(|(d, _)| *d != day) {
            let date = DateTime::from_timestamp(day * 86_400, 0).unwrap_or_default();
            self.day = Some((day, date.format("%Y-%m-%dT").to_string()));
        }
        let mut out = [0u8; 20];
        if let Some((_, date)) = &self.day {
            let date = date.as_bytes();
            let n = date.len().min(11);
            out[..n].copy_from_slice(&date[..n]);
        }
        let two = |v: i64| [b'0' + (v / 10 % 10) as u8, b'0' + (v % 10) as u8];
        let (h, m, s) = (in_day / 3_600, in_day / 60 % 60, in_day % 60);
        out[11..13].copy_from_slice(&two(h));
        out[13] = b':';
        out[14..16].copy_from_slice(&two(m));
        out[16] = b':';
        out[17..19].copy_from_slice(&two(s));
        out[19] = b'Z';
        out
    }

    fn event(&mut self, out: &mut Vec<u8>) {
        let (at, who) = self.next_event();
        out.extend_from_slice(b"{\"timeStamp\":\"");
        out.extend_from_slice(&at);
        out.extend_from_slice(b"\",\"participantName\":");
        push_json_string(out, who);
        out.extend_from_slice(b",\"content\":");
        push_json_string(out, &self.text);
        out.push(b'}');
    }

    /// Who speaks and what (into `self.text`): mostly the customer and the expert,
    /// sometimes the collaborator, and now and then a line the platform writes.
    fn message(&mut self) -> &'static str {
        self.text.clear();
        let roll = self.rng.below(100);
        if roll < 4 {
            self.system_line();
            return EXPERT;
        }
        let who = match roll {
            4..=45 => CUSTOMER,
            46..=87 => EXPERT,
            _ => COLLABORATOR,
        };
        self.prose();
        who
    }

    fn system_line(&mut self) {
        let other = if self.rng.below(2) == 0 {
            COLLABORATOR
        } else {
            EXPERT
        };
        let t = &mut self.text;
        match self.rng.below(6) {
            0 => {
                t.push_str("Remote control transferred to ");
                t.push_str(other);
            }
            1 => {
                t.push_str(COLLABORATOR);
                t.push_str(" joined the session");
            }
            2 => {
                t.push_str(COLLABORATOR);
                t.push_str(" left the session");
            }
            3 => t.push_str("Screen sharing started"),
            4 => {
                let n = self.rng.below(10_000);
                let t = &mut self.text;
                // Writing into a String cannot fail.
                let _ = write!(t, "File transfer completed: log-{n}.zip");
            }
            _ => {
                t.push_str("Remote control requested by ");
                t.push_str(EXPERT);
            }
        }
    }

    /// 20 to 400 characters (most of them short), sometimes over several lines,
    /// sometimes with CJK or emoji.
    fn prose(&mut self) {
        let r = self.rng.below(1_000) as usize;
        let target = 20 + r * r * 380 / 1_000_000;
        let multi = self.rng.below(10) == 0;
        let wide = self.rng.below(12);
        let s = &mut self.text;
        // Characters in `s`, and where the last word starts (bytes, characters).
        let mut chars = 0;
        let mut last = (0, 0);
        while chars < target {
            if !s.is_empty() {
                let brk = multi && self.rng.below(5) == 0;
                s.push(if brk { '\n' } else { ' ' });
                chars += 1;
            }
            let word = match wide {
                0 => CJK[self.rng.below(CJK.len() as u64) as usize],
                1 if self.rng.below(6) == 0 => EMOJI[self.rng.below(EMOJI.len() as u64) as usize],
                _ => WORDS[self.rng.below(WORDS.len() as u64) as usize],
            };
            last = (s.len(), chars);
            s.push_str(word);
            chars += if word.is_ascii() {
                word.len()
            } else {
                word.chars().count()
            };
        }
        // Cut at the target (inside the last word), on a character boundary, and
        // never leave a line ending in a space.
        let (at, before) = last;
        let cut = s[at..]
            .char_indices()
            .nth(target.saturating_sub(before))
            .map_or(s.len(), |(i, _)| at + i);
        s.truncate(cut);
        let trimmed = s.trim_end().len();
        s.truncate(trimmed);
    }
}

/// A JSON string as serde_json writes it (the same escapes, byte for byte), without
/// its per-call machinery.
fn push_json_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let mut rest = s.as_bytes();
    // Runs without an escape are copied whole: most strings are one run.
    while let Some(i) = rest
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
    {
        out.extend_from_slice(&rest[..i]);
        let b = rest[i];
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            _ => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 0xf)],
            ]),
        }
        rest = &rest[i + 1..];
    }
    out.extend_from_slice(rest);
    out.push(b'"');
}

/// splitmix64: small, fast, and the same on every platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

const WORDS: [&str; 64] = [
    "the",
    "printer",
    "driver",
    "update",
    "failed",
    "again",
    "after",
    "restart",
    "could",
    "you",
    "please",
    "open",
    "settings",
    "and",
    "check",
    "whether",
    "network",
    "adapter",
    "shows",
    "error",
    "0x80070643",
    "I",
    "see",
    "it",
    "now",
    "thanks",
    "let",
    "me",
    "take",
    "control",
    "of",
    "screen",
    "for",
    "a",
    "moment",
    "while",
    "we",
    "reinstall",
    "package",
    "KB-5034441",
    "VPN",
    "client",
    "keeps",
    "disconnecting",
    "every",
    "few",
    "minutes",
    "when",
    "laptop",
    "sleeps",
    "Outlook",
    "profile",
    "is",
    "corrupted",
    "so",
    "I'll",
    "rebuild",
    "it",
    "from",
    "scratch",
    "okay,",
    "sure.",
    "done!",
    "rebooting…",
];

const CJK: [&str; 8] = [
    "打印机",
    "无法连接",
    "网络",
    "重新启动",
    "ありがとう",
    "設定を確認",
    "서버",
    "오류가 발생",
];

const EMOJI: [&str; 6] = ["👍", "🙂", "🎉", "⚠️", "🖨️", "💻"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_name_sizes_once() {
        assert_eq!(requested("482913657"), None);
        assert_eq!(requested("huge-100000"), Some(Some(100_000)));
        assert_eq!(requested("huge-5000000"), Some(Some(5_000_000)));
        for bad in [
            "huge-0",
            "huge-5000001",
            "huge-007",
            "huge-+5",
            "huge-",
            "huge-1e6",
        ] {
            assert_eq!(requested(bad), Some(None), "{bad}");
        }
    }

    #[test]
    fn the_body_is_the_transcript_asked_for_and_the_same_every_time() {
        let bytes = body_bytes(3_000);
        assert_eq!(bytes, body_bytes(3_000));
        let v: Value = serde_json::from_slice(&bytes).expect("valid JSON");
        let events = v["events"].as_array().expect("events");
        assert_eq!(events.len(), 3_000);
        assert_eq!(v["sessionId"], "huge-3000");
        let times: Vec<&str> = events
            .iter()
            .filter_map(|e| e["timeStamp"].as_str())
            .collect();
        assert_eq!(times.len(), 3_000);
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "times advance");
        assert!(times[2_999] < v["endTime"].as_str().unwrap_or_default());
        let content: Vec<&str> = events
            .iter()
            .filter_map(|e| e["content"].as_str())
            .collect();
        assert!(content
            .iter()
            .all(|c| (1..=400).contains(&c.chars().count())));
        assert!(content.iter().any(|c| c.contains('\n')));
        assert!(content
            .iter()
            .any(|c| c.contains("打印机") || c.contains("서버")));
        assert!(content.iter().any(|c| c.contains('👍') || c.contains('🙂')));
        assert!(content
            .iter()
            .any(|c| c.starts_with("Remote control transferred to")));
        let same: Vec<String> = super::events(3_000)
            .into_iter()
            .map(|e| e.content)
            .collect();
        assert_eq!(same, content);
        let who: std::collections::HashSet<&str> = events
            .iter()
            .filter_map(|e| e["participantName"].as_str())
            .collect();
        assert_eq!(who.len(), 3);
        // About 250 bytes a message, as the scale targets assume.
        let per = bytes.len() / 3_000;
        assert!((150..=350).contains(&per), "{per} bytes a message");
    }
}

#[cfg(test)]
mod pinned {
    //! The generated bytes are part of the demo's contract (benchmarks and tests compare
    //! runs across versions): any change to how they are produced must keep them.

    use super::*;

    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    #[test]
    fn the_bytes_are_those_pinned() {
        // (n, length, FNV-1a of the body) as generated before the generator was sped up.
        let pins: [(u64, usize, u64); 7] = [
            (1, 226, 0x8cf4_e3f1_480d_c419),
            (7, 1_788, 0x9628_b676_8997_faf4),
            (1_000, 244_447, 0x813e_d195_7260_5697),
            (1_001, 248_765, 0xd545_b57a_fcbc_34cd),
            (2_500, 607_189, 0xe7f4_3713_3c35_9a4c),
            (20_000, 4_937_121, 0xceeb_54b5_d6f2_ea4a),
            (200_000, 49_273_397, 0xb9a8_c509_7dde_3093),
        ];
        for (n, len, hash) in pins {
            let b = body_bytes(n);
            assert_eq!((b.len(), fnv1a(&b)), (len, hash), "huge-{n}");
        }
    }

    /// What is served is the same bytes, however the body is cut into chunks.
    #[tokio::test]
    async fn the_served_body_is_the_same_bytes() {
        for n in [1u64, 2_500] {
            let served = axum::body::to_bytes(body(n), usize::MAX)
                .await
                .expect("the body streams");
            assert_eq!(served.as_ref(), body_bytes(n).as_slice(), "huge-{n}");
        }
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é…打印机👍⚠️\u{2028}\u{9b}");
        for s in [all.as_str(), "", "plain", "a\"b\\c\nd"] {
            let mut ours = Vec::new();
            push_json_string(&mut ours, s);
            assert_eq!(ours, serde_json::to_vec(s).expect("a string serialises"));
        }
    }

    #[test]
    fn known_messages() {
        let b = body_bytes(1_000);
        let text = std::str::from_utf8(&b).expect("UTF-8");
        assert!(text.starts_with(concat!(
            r#"{"sessionId":"huge-1000","startTime":"2024-03-05T08:00:00Z","#,
            r#""endTime":"2024-03-05T09:06:44Z","events":[{"timeStamp":"2024-03-05T08:00:03Z","#,
            r#""participantName":"Tomás Alvarez","content":"is I'll please again"#
        )));
        assert!(text.contains(concat!(
            r#"{"timeStamp":"2024-03-05T08:00:16Z","participantName":"Tomás Alvarez","#,
            r#""content":"and rebooting… profile again reinstall I"}"#
        )));
        assert!(text.contains(r#""content":"scratch screen few\nnetwork it rebuild after package moment\nscratch while"#));
        assert!(text.ends_with("\"}]}"));
    }
}

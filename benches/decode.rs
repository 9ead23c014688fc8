//! Streaming transcript decode (issue 11): `api::stream::decode` reading the body
//! through `io::Read` in 64 KiB chunks, as the client feeds it, against
//! `serde_json::from_slice::<Value>` on the same bytes, for 10^4, 10^5 and 10^6
//! events. Throughput is in bytes of JSON.

use std::hint::black_box;
use std::io::{self, Read};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use g2a_tui::api::stream;

/// Realistic events: 20 to 400 characters, some multi-line, some wide, several
/// participants, system lines.
fn body(n: usize) -> Vec<u8> {
    let names = ["Dana Whitfield", "Tomás Alvarez", "陈明", "Ravi Patel", ""];
    let words = [
        "the",
        "printer",
        "driver",
        "再起動",
        "restart",
        "queue",
        "please",
        "ok",
    ];
    let mut out = String::from(r#"{"sessionId":"1","startTime":"2026-11-20T14:00:00Z","events":["#);
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    for i in 0..n {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = 20 + (seed % 380) as usize;
        let mut text = String::new();
        let mut k = seed;
        while text.len() < len {
            text.push_str(words[(k % words.len() as u64) as usize]);
            text.push(if k.is_multiple_of(23) { '\n' } else { ' ' });
            k = k.rotate_left(7) ^ 0x9e37_79b9;
        }
        let who = names[(seed >> 20) as usize % names.len()];
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!(
            r#"{{"timeStamp":"2026-11-20T{:02}:{:02}:{:02}Z","content":{},"participantName":"{who}"}}"#,
            14 + i / 3600 % 10,
            i / 60 % 60,
            i % 60,
            serde_json::Value::String(text)
        ));
    }
    out.push_str("]}");
    out.into_bytes()
}

/// The body in 64 KiB reads, as the network delivers it.
struct Chunks<'a> {
    rest: &'a [u8],
}

impl Read for Chunks<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(self.rest.len()).min(64 * 1024);
        buf[..n].copy_from_slice(&self.rest[..n]);
        self.rest = &self.rest[n..];
        Ok(n)
    }
}

fn decode(c: &mut Criterion) {
    let mut group = c.benchmark_group("decode");
    group.sample_size(10);
    for n in [10_000, 100_000, 1_000_000] {
        let bytes = body(n);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(BenchmarkId::new("stream", n), &bytes, |b, bytes| {
            b.iter(|| {
                let mut count = 0;
                let pending = stream::Pending::new(Box::new(|batch: Vec<_>, _, _| {
                    count += batch.len();
                }));
                let head = stream::decode(Chunks { rest: bytes }, stream::MAX_EVENTS, &pending);
                drop(pending);
                black_box((head.is_ok(), count))
            })
        });
        group.bench_with_input(BenchmarkId::new("value", n), &bytes, |b, bytes| {
            b.iter(|| black_box(serde_json::from_slice::<serde_json::Value>(bytes).is_ok()))
        });
    }
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);

//! Issue 11: what a transcript's messages cost in memory, before and after they were
//! made compact. Not criterion: one measurement per layout, each in a process of its
//! own (this binary runs itself with `G2A_LAYOUT`), so one layout's freed memory does
//! not flatter the other.
//!
//! The resident size (VmRSS) is read after the demo's `huge-<N>` events are built and
//! again after the messages are; the difference is the messages' cost, allocator
//! overhead included. "before" is the layout up to this issue (four `String`s a
//! message: raw time, clock, participant, text), rebuilt here from the same events;
//! "after" is `present::transcript::Message` (what `print` reads), "viewer" what the
//! viewer keeps (`app::entries::Entries`: 24-byte heads, text in compressed chunks),
//! built in the batches a streaming transcript arrives in.
//!
//! Run: `cargo bench --bench messages` (N = 10^6; `G2A_MESSAGES` to change it).

use std::process::Command;

use chrono::{DateTime, NaiveDate, Utc};
use g2a_tui::app::entries::Entries;
use g2a_tui::present::transcript::{messages, Message, Speaker};
use g2a_tui::timefmt::Zone;

/// The message layout before issue 11, field for field.
#[allow(dead_code)]
struct Before {
    time: Option<DateTime<Utc>>,
    raw_time: String,
    clock: String,
    day: Option<NaiveDate>,
    opens_day: bool,
    who: String,
    text: String,
    speaker: Speaker,
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn measure(layout: &str, n: u64) {
    let events = g2a_tui::demo::huge::events(n);
    let text_bytes: usize = events.iter().map(|e| e.content.len()).sum();
    let before = rss_kib();
    let kept = match layout {
        "before" => {
            let old: Vec<Before> = events
                .iter()
                .map(|e| {
                    let m = Message::from_event(e, Zone::Utc);
                    Before {
                        time: m.time,
                        raw_time: m.raw_time.as_deref().unwrap_or_default().to_string(),
                        clock: m.clock().to_string(),
                        day: m.day,
                        opens_day: m.opens_day,
                        who: m.who.to_string(),
                        text: m.text.to_string(),
                        speaker: m.speaker,
                    }
                })
                .collect();
            old.len()
        }
        "viewer" => {
            let mut entries = Entries::default();
            entries.use_zone(Zone::Utc);
            for batch in events.chunks(4096) {
                entries.extend(messages(batch, Zone::Utc, None));
            }
            // The freed batches' memory is reused by what is kept, so the growth in
            // resident size understates it: the bytes held are counted too.
            println!(
                "viewer: holds {:.1} MiB ({} bytes a message)",
                entries.held_bytes() as f64 / 1024.0 / 1024.0,
                entries.held_bytes() / entries.len().max(1)
            );
            entries.len()
        }
        _ => messages(&events, Zone::Utc, None).len(),
    };
    let after = rss_kib();
    let grown = after.saturating_sub(before) * 1024;
    println!(
        "{layout:>6}: {kept} messages, {} bytes each inline, resident +{:.1} MiB \
         ({} bytes a message; their text alone is {} bytes a message)",
        match layout {
            "before" => std::mem::size_of::<Before>(),
            "viewer" => 24,
            _ => std::mem::size_of::<Message>(),
        },
        grown as f64 / 1024.0 / 1024.0,
        grown / kept.max(1) as u64,
        text_bytes / kept.max(1),
    );
}

fn main() {
    let n = std::env::var("G2A_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000u64);
    if let Ok(layout) = std::env::var("G2A_LAYOUT") {
        measure(&layout, n);
        return;
    }
    let Ok(me) = std::env::current_exe() else {
        eprintln!("messages bench: cannot find its own binary");
        return;
    };
    println!("messages of huge-{n} in memory (VmRSS growth while they are built):");
    for layout in ["before", "after", "viewer"] {
        let status = Command::new(&me)
            .env("G2A_LAYOUT", layout)
            .env("G2A_MESSAGES", n.to_string())
            .status();
        if !status.is_ok_and(|s| s.success()) {
            eprintln!("messages bench: the {layout} run failed");
        }
    }
}

//! Issue 11: storing and full-text indexing a 10^6-message transcript (the demo's
//! `huge-1000000`) on the writer thread, timed once (criterion's ten samples would take
//! minutes): stored first, then indexed when the thread is idle (or by a search that comes
//! first), while a second connection reads as the viewer does (the stored list, a stored
//! transcript, chat search). The reads during the write show whether it holds readers up:
//! in WAL mode it should not, however long the transaction. Then search over the stored
//! million.
//!
//! Run: `cargo bench --bench store_huge` (`G2A_MESSAGES` to change N).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use g2a_tui::api::{Session, Transcript};
use g2a_tui::demo::huge;
use g2a_tui::store::writer::{Backlog, Writer};
use g2a_tui::store::Store;

fn session(id: &str) -> Session {
    let mut v = huge::session(1_000);
    v["sessionId"] = id.into();
    Session::from_value(v).expect("a session")
}

fn main() {
    let n = std::env::var("G2A_MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000u64);
    let dir = std::env::temp_dir().join(format!("g2a-tui-bench-huge-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("store.sqlite3");
    {
        let mut store = Store::open(&path).expect("store");
        store
            .put_session("other", &session("other"), Utc::now())
            .expect("session");
        let small = Transcript {
            events: huge::events(1_000),
            ..Default::default()
        };
        store
            .put_transcript("other", &small, Utc::now())
            .expect("transcript");
    }
    let id = format!("huge-{n}");
    let big = Transcript {
        events: huge::events(n),
        ..Default::default()
    };
    let writer = Writer::start(Store::open(&path).expect("store"), Backlog::Work).expect("writer");
    writer.put_session(&id, session(&id), Utc::now());
    writer.flush();

    let stop = Arc::new(AtomicBool::new(false));
    let reader = {
        let stop = Arc::clone(&stop);
        let path = path.clone();
        std::thread::spawn(move || {
            let store = Store::open(&path).expect("reader");
            let mut worst = Duration::ZERO;
            let mut times = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t0 = Instant::now();
                let list = store.sessions().map(|s| s.len());
                let stored = store.get_transcript("other").map(|t| t.is_some());
                let found = store.search("printer", 50).map(|h| h.len());
                let spent = t0.elapsed();
                assert!(
                    list.is_ok() && stored.is_ok() && found.is_ok(),
                    "a read failed"
                );
                worst = worst.max(spent);
                times.push(spent);
                std::thread::sleep(Duration::from_millis(20));
            }
            times.sort();
            (
                worst,
                times.get(times.len() / 2).copied().unwrap_or_default(),
                times.len(),
            )
        })
    };
    let t0 = Instant::now();
    writer.put_transcript(&id, big, Utc::now());
    writer.flush();
    let put = t0.elapsed();
    stop.store(true, Ordering::Relaxed);
    let (worst, median, reads) = reader.join().expect("reader");
    // The writer indexes what it stored once it has nothing else to do (store/backlog.rs).
    let t0 = Instant::now();
    let probe = Store::open(&path).expect("store");
    while probe.has_unindexed().expect("backlog") {
        std::thread::sleep(Duration::from_millis(10));
    }
    let indexed = t0.elapsed();
    assert_eq!(writer.close(), None, "the write failed");

    let store = Store::open(&path).expect("store");
    let mut search = Vec::new();
    for q in ["printer", "\"driver update\"", "KB-5034441", "打印机"] {
        let t0 = Instant::now();
        let hits = store.search(q, 50).expect("search");
        search.push((q, t0.elapsed(), hits.len()));
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("store: put_transcript of {n} messages on the writer thread: {put:.2?}");
    println!("store: indexed for search by the writer afterwards: {indexed:.2?}");
    println!(
        "store: {reads} rounds of reads (list + stored transcript + search) meanwhile: \
         median {median:.2?}, worst {worst:.2?}"
    );
    for (q, t, hits) in search {
        println!("store: search {q} over the stored {n}: {t:.2?} ({hits} sessions)");
    }
    println!("store: file {:.0} MiB", size as f64 / 1024.0 / 1024.0);
    let _ = std::fs::remove_dir_all(&dir);
}

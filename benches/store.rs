//! Issue 8's store figures. Storing a 100,000-message transcript (target <= 1 s, on the
//! writer thread, off the UI thread): once into an empty store, and through the `Writer`
//! over a stored copy (a re-fetch: changed from its first message, grown by one, unchanged). Opening a stored session with `--offline` to
//! its first frame with data (target <= 50 ms): the `Source`'s read of the session and
//! its transcript, the app's update, and one `TestBackend` draw.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use chrono::Utc;
use criterion::{criterion_group, criterion_main, Criterion};
use g2a_tui::api::worker::{Answer, Fetch, Request, RequestId, StoredAnswer};
use g2a_tui::api::{Client, Session, Transcript};
use g2a_tui::app::update::{start, update, Effect, Msg};
use g2a_tui::app::{App, Context};
use g2a_tui::source::Source;
use g2a_tui::store::writer::{Backlog, Writer};
use g2a_tui::store::{Store, StoreSettings};
use g2a_tui::timefmt::Zone;
use g2a_tui::ui::Theme;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;

const ID: &str = "482913657";

fn session() -> Session {
    Session::from_value(json!({
        "sessionId": ID, "status": "complete", "sessionType": "screen_sharing",
        "expertName": "Dana Whitfield", "customerName": "Morgan Lee",
        "startedAt": "2026-11-01T00:00:00Z", "endedAt": "2026-11-02T04:00:00Z"
    }))
    .expect("a session")
}

fn transcript(n: usize) -> Transcript {
    let events: Vec<_> = (0..n)
        .map(|i| {
            json!({
                "timeStamp": format!("2026-11-01T{:02}:{:02}:{:02}Z", (i / 3600) % 24, (i / 60) % 60, i % 60),
                "participantName": if i % 3 == 0 { "Morgan Lee" } else { "Dana Whitfield" },
                "content": format!(
                    "message {i}: the printer spooler stopped again after the driver update, \
                     so we are reinstalling the package and clearing the queue"
                ),
            })
        })
        .collect();
    Transcript::from_value(json!({ "sessionId": ID, "events": events })).expect("a transcript")
}

/// A directory of its own under the temp dir, emptied first.
fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("g2a-tui-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn storing(c: &mut Criterion) {
    let dir = temp("put");
    let path = dir.join("store.sqlite3");
    let big = transcript(100_000);
    let mut group = c.benchmark_group("store");
    group.sample_size(10);
    {
        let mut store = Store::open(&path).expect("store");
        store
            .put_session(ID, &session(), Utc::now())
            .expect("session");
        group.bench_function("put_transcript_100000_into_empty", |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    store
                        .prune_before(Utc::now() + chrono::Duration::days(1))
                        .expect("emptied");
                    store
                        .put_session(ID, &session(), Utc::now())
                        .expect("session");
                    let t0 = Instant::now();
                    store.put_transcript(ID, &big, Utc::now()).expect("stored");
                    spent += t0.elapsed();
                }
                spent
            })
        });
    }
    // As `Source` does it: a copy (without the raw body) handed to the writer thread, over
    // the stored copy.
    let lean = Transcript {
        raw: serde_json::Value::Null,
        ..big.clone()
    };
    let writer = Writer::start(Store::open(&path).expect("store"), Backlog::Work).expect("writer");
    let mut round = 0u64;
    group.bench_function("writer_put_transcript_100000_rewritten", |b| {
        b.iter(|| {
            // The first message differs: the whole transcript is written again.
            round += 1;
            let mut t = lean.clone();
            if let Some(first) = t.events.first_mut() {
                first.content = format!("an edited message, round {round}");
            }
            writer.put_transcript(ID, t, Utc::now());
            writer.flush();
        })
    });
    writer.put_transcript(ID, lean.clone(), Utc::now());
    let mut grown = lean.clone();
    group.bench_function("writer_put_transcript_100000_grown_by_one", |b| {
        b.iter(|| {
            // A live session's poll: one new message at the end.
            round += 1;
            let mut last = grown.events.last().cloned().expect("a message");
            last.content = format!("a new message, round {round}");
            grown.events.push(last);
            writer.put_transcript(ID, grown.clone(), Utc::now());
            writer.flush();
        })
    });
    group.bench_function("writer_put_transcript_100000_unchanged", |b| {
        b.iter(|| {
            writer.put_transcript(ID, lean.clone(), Utc::now());
            writer.flush();
        })
    });
    assert_eq!(writer.close(), None);
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

/// The ids of the session and transcript requests `start` made.
fn ids(fx: &[Effect]) -> (RequestId, RequestId) {
    let (mut s, mut t) = (RequestId(0), RequestId(0));
    for e in fx {
        match e {
            Effect::Fetch(Request::Session { id, .. }) => s = *id,
            Effect::Fetch(Request::Transcript { id, .. }) => t = *id,
            _ => {}
        }
    }
    (s, t)
}

fn offline_open(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let theme = Theme::default();
    let mut group = c.benchmark_group("offline_open");
    for n in [1_000usize, 100_000] {
        let dir = temp(&format!("open-{n}"));
        let path = dir.join("store.sqlite3");
        {
            let mut store = Store::open(&path).expect("store");
            store
                .put_session(ID, &session(), Utc::now())
                .expect("session");
            store
                .put_transcript(ID, &transcript(n), Utc::now())
                .expect("transcript");
        }
        let settings = StoreSettings {
            path: Some(path),
            ..StoreSettings::default()
        };
        let (source, problem) = Source::open(
            Client::offline().expect("client"),
            &settings,
            true,
            Backlog::Work,
        );
        assert_eq!(problem, None);
        let mut term = Terminal::new(TestBackend::new(160, 48)).expect("backend");
        if n > 10_000 {
            group.sample_size(10);
        }
        group.bench_function(format!("first_frame_{n}"), |b| {
            b.iter(|| {
                let (s, t) = runtime.block_on(async {
                    tokio::join!(
                        source.session_or_stored(ID),
                        source.transcript_or_stored(ID)
                    )
                });
                let (s, t) = (s.expect("stored"), t.expect("stored"));
                let now = Instant::now();
                let mut app = App::new(
                    Some(ID.into()),
                    Context::default(),
                    Zone::Utc,
                    (160, 48),
                    now,
                    Utc::now(),
                );
                let (sid, tid) = ids(&start(&mut app, now));
                let at = s.stored_at.expect("from the store");
                let answers = [
                    Answer::Stored(sid, StoredAnswer::Session(s.value, at)),
                    Answer::Stored(tid, StoredAnswer::Transcript(t.value, at)),
                ];
                for a in answers {
                    update(&mut app, Msg::Answer(a), now, Utc::now());
                }
                term.draw(|f| g2a_tui::ui::render(f, &app, &theme))
                    .expect("draw");
                assert!(app.session().is_some_and(|s| s.session.data.is_some()));
            })
        });
        let _ = std::fs::remove_dir_all(&dir);
    }
    group.finish();
}

criterion_group!(benches, storing, offline_open);
criterion_main!(benches);

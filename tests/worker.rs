//! The API worker never loses an answer: a fetch that panics still answers (failed),
//! while a fetch replaced by a newer request, or cut short by the worker ending,
//! answers nothing. A stand-in fetcher plays the server.

use std::future::Future;
use std::time::Duration;

use g2a_tui::api::worker::{self, Answer, Fetch, Request, RequestId};
use g2a_tui::api::{ApiError, Endpoint, Session, SystemLinks, Transcript};
use tokio::sync::mpsc;
use tokio::time::timeout;

/// Answers by the id it is asked for: `panic` panics, `slow` takes a minute, anything
/// else answers at once with that id.
#[derive(Clone)]
struct Scripted;

async fn act(id: &str) {
    match id {
        "panic" => panic!("boom in the fetch"),
        "slow" => tokio::time::sleep(Duration::from_secs(60)).await,
        _ => {}
    }
}

impl Fetch for Scripted {
    fn session(&self, id: &str) -> impl Future<Output = Result<Session, ApiError>> + Send {
        let id = id.to_string();
        async move {
            act(&id).await;
            Ok(Session {
                session_id: Some(id),
                ..Default::default()
            })
        }
    }

    fn transcript(&self, id: &str) -> impl Future<Output = Result<Transcript, ApiError>> + Send {
        let id = id.to_string();
        async move {
            if id == "panic" {
                // A formatted message: the panic payload is a String this time.
                panic!("transcript {} exploded", id.len());
            }
            act(&id).await;
            Ok(Transcript::default())
        }
    }

    fn system_links(
        &self,
        domain: &str,
    ) -> impl Future<Output = Result<SystemLinks, ApiError>> + Send {
        let domain = domain.to_string();
        async move {
            act(&domain).await;
            Err(ApiError::NoToken)
        }
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Answer>) -> Answer {
    timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("an answer within 5s")
        .expect("the worker is running")
}

/// Nothing more arrives for a while (the worker is still running).
async fn quiet(rx: &mut mpsc::UnboundedReceiver<Answer>) {
    if let Ok(Some(a)) = timeout(Duration::from_millis(300), rx.recv()).await {
        panic!("unexpected answer {a:?}");
    }
}

#[tokio::test]
async fn a_panicking_fetch_still_answers_with_a_failure() {
    let (tx, mut rx) = worker::spawn_with(Scripted);
    tx.send(Request::Session {
        id: RequestId(1),
        session_id: "panic".into(),
    })
    .expect("send");
    match next(&mut rx).await {
        Answer::Session(RequestId(1), Err(ApiError::Internal { endpoint, detail })) => {
            assert_eq!(endpoint, Endpoint::Session);
            assert!(detail.contains("boom in the fetch"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    tx.send(Request::Transcript {
        id: RequestId(2),
        session_id: "panic".into(),
    })
    .expect("send");
    match next(&mut rx).await {
        Answer::Transcript(RequestId(2), Err(e @ ApiError::Internal { .. })) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("internal error while fetching the chat transcript:"),
                "{msg}"
            );
            assert!(msg.contains("transcript 5 exploded"), "{msg}");
            assert!(e.hint().is_some());
        }
        other => panic!("{other:?}"),
    }
    // The worker goes on answering after a panic.
    tx.send(Request::Session {
        id: RequestId(3),
        session_id: "482913657".into(),
    })
    .expect("send");
    match next(&mut rx).await {
        Answer::Session(RequestId(3), Ok(s)) => {
            assert_eq!(s.session_id.as_deref(), Some("482913657"))
        }
        other => panic!("{other:?}"),
    }
    tx.send(Request::Links {
        id: RequestId(4),
        domain: "example.com".into(),
    })
    .expect("send");
    assert!(matches!(
        next(&mut rx).await,
        Answer::Links(RequestId(4), Err(ApiError::NoToken))
    ));
    quiet(&mut rx).await;
}

#[tokio::test]
async fn a_replaced_request_answers_nothing_and_the_newer_one_answers() {
    let (tx, mut rx) = worker::spawn_with(Scripted);
    tx.send(Request::Session {
        id: RequestId(1),
        session_id: "slow".into(),
    })
    .expect("send");
    // Another part in flight is not touched by the replacement.
    tx.send(Request::Links {
        id: RequestId(2),
        domain: "slow".into(),
    })
    .expect("send");
    tokio::time::sleep(Duration::from_millis(50)).await;
    tx.send(Request::Session {
        id: RequestId(3),
        session_id: "482913657".into(),
    })
    .expect("send");
    assert!(matches!(
        next(&mut rx).await,
        Answer::Session(RequestId(3), Ok(_))
    ));
    quiet(&mut rx).await;
    // The slow links request is replaced too; only its successor answers.
    tx.send(Request::Links {
        id: RequestId(4),
        domain: "example.com".into(),
    })
    .expect("send");
    assert!(matches!(
        next(&mut rx).await,
        Answer::Links(RequestId(4), Err(ApiError::NoToken))
    ));
    quiet(&mut rx).await;
}

#[tokio::test]
async fn the_worker_ending_answers_nothing() {
    let (tx, mut rx) = worker::spawn_with(Scripted);
    for (n, part) in ["session", "transcript", "links"].into_iter().enumerate() {
        let id = RequestId(n as u64);
        let slow = "slow".to_string();
        tx.send(match part {
            "session" => Request::Session {
                id,
                session_id: slow,
            },
            "transcript" => Request::Transcript {
                id,
                session_id: slow,
            },
            _ => Request::Links { id, domain: slow },
        })
        .expect("send");
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    drop(tx);
    // Every sender is gone once the fetches are cancelled: the channel closes empty.
    let end = timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("the worker ends");
    assert!(end.is_none(), "{end:?}");
}

//! `g2a-tui print` output: snapshots of every format, and the guarantees that matter
//! whatever the layout: no terminal control reaches the output, secrets stay masked.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use g2a_tui::api::{ApiError, Endpoint, Session, SystemLinks, Transcript};
use g2a_tui::print::{render, Format, LinksOutcome, PrintOptions, Report};
use g2a_tui::timefmt::Zone;

const TOKEN: &str = "tok-7f3a9c2e51d84b06";
const TOKEN_2: &str = "tok-second-0b1c";

fn now() -> DateTime<Utc> {
    g2a_tui::api::model::parse_time("2024-03-05T16:00:00Z").expect("fixed time parses")
}

fn opts(format: Format, reveal_secrets: bool) -> PrintOptions {
    PrintOptions {
        format,
        zone: Zone::Utc,
        reveal_secrets,
    }
}

const FORMATS: [Format; 3] = [Format::Text, Format::Markdown, Format::Json];

fn session(v: Value) -> Session {
    Session::from_value(v).expect("fixture session is an object")
}

fn transcript(v: Value) -> Transcript {
    Transcript::from_value(v).expect("fixture transcript decodes")
}

fn links(v: Value) -> SystemLinks {
    SystemLinks::from_value(v).expect("fixture links decode")
}

fn complete_session() -> Value {
    json!({
        "sessionId": 4815162342u64,
        "sessionType": "screen_sharing",
        "status": "complete",
        "accountKey": 90210,
        "expertName": "Jane Doe",
        "expertEmail": "jane.doe@example.com",
        "expertUserKey": "7001",
        "partnerObject": 5521,
        "partnerObjectUrl": "https://crm.example.com/cases/5521",
        "customerJoinUrl": "https://www.fastsupport.com/4815162342",
        "startedAt": "2024-03-05T14:02:11Z",
        "customerJoinedAt": "2024-03-05T14:04:24.000Z",
        "endedAt": "2024-03-05T14:49:16+00:00",
        "customerName": "Max Mustermann",
        "customerEmail": "max@customer.example",
        "notes": "Printer driver reinstalled.\nCustomer to call back if the spooler hangs again.\n\nTicket #5521 | priority: high",
        "sessionRecordingUrl": "https://recordings.example.com/r/4815162342",
        "collaborators": [
            {"name": "Bob Smith", "email": "bob.smith@example.com"},
            {"name": "李雷", "email": "li.lei@example.com"}
        ]
    })
}

fn complete_transcript() -> Value {
    json!({
        "sessionId": "4815162342",
        "startTime": "2024-03-05T14:02:11Z",
        "endTime": "2024-03-05T14:49:16Z",
        "events": [
            {"timeStamp": "2024-03-05T14:02:11Z", "content": "Jane Doe started the session", "participantName": "System"},
            {"timeStamp": "2024-03-05T14:04:24Z", "content": "Max Mustermann joined the session"},
            {"timeStamp": "2024-03-05T14:04:40Z", "content": "Hello Max, I'm Jane. How can I help?", "participantName": "Jane Doe"},
            {"timeStamp": "2024-03-05T14:05:02Z", "content": "Hi! My printer stopped working after the update.", "participantName": "Max Mustermann"},
            {"timeStamp": "2024-03-05T14:05:31Z", "content": "The error says:\nSpooler subsystem app has stopped\n  code 0x0000011b", "participantName": "Max Mustermann"},
            {"timeStamp": "2024-03-05T14:06:10Z", "content": "Thanks. I'll reinstall the driver now.", "participantName": "Jane Doe"},
            {"timeStamp": "2024-03-05T14:06:15Z", "content": "Bob Smith joined the session"},
            {"timeStamp": "2024-03-05T14:30:02Z", "content": "Try printing a test page please.", "participantName": "Bob Smith"},
            {"timeStamp": "2024-03-05T14:31:47Z", "content": "It works 🎉 danke!", "participantName": "Max Mustermann"},
            {"timeStamp": "2024-03-05T14:49:16Z", "content": "Jane Doe ended the session"}
        ]
    })
}

fn two_links() -> Value {
    json!([
        {
            "systemName": "Acme CRM",
            "systemDomain": "crm.example.com",
            "userEmail": "jane.doe@example.com",
            "userToken": TOKEN,
            "callbackURL": "https://crm.example.com/g2a/callback",
            "supportedCallbacks": {"createObject": true, "searchObjects": true, "associateObject": false}
        },
        {
            "systemName": "Helpdesk",
            "systemDomain": "crm.example.com",
            "userEmail": "support@example.com",
            "userToken": TOKEN_2,
            "callbackURL": "https://helpdesk.example.com/hooks/g2a"
        }
    ])
}

fn complete_report() -> Report {
    Report {
        session: session(complete_session()),
        transcript: Ok(transcript(complete_transcript())),
        links: LinksOutcome::Loaded {
            domain: "crm.example.com".into(),
            links: links(two_links()),
        },
    }
}

#[test]
fn complete_session_text() {
    insta::assert_snapshot!(render(
        &complete_report(),
        &opts(Format::Text, false),
        now()
    ));
}

#[test]
fn complete_session_markdown() {
    insta::assert_snapshot!(render(
        &complete_report(),
        &opts(Format::Markdown, false),
        now()
    ));
}

#[test]
fn complete_session_json() {
    insta::assert_snapshot!(render(
        &complete_report(),
        &opts(Format::Json, false),
        now()
    ));
}

#[test]
fn json_keeps_the_bodies_as_received() {
    let out = render(&complete_report(), &opts(Format::Json, true), now());
    let doc: Value = serde_json::from_str(&out).expect("output is JSON");
    assert_eq!(doc["session"], complete_session());
    assert_eq!(doc["transcript"], complete_transcript());
    assert_eq!(doc["links"], two_links());
    assert_eq!(doc["transcriptStatus"], "ok");
    assert_eq!(doc["linksStatus"], "ok");
}

/// Every character the terminal sanitiser would change (controls, bidi, invisible format
/// characters, line separators, tag characters beyond the BMP) is escaped in JSON, and
/// the document still decodes to exactly what the server sent.
#[test]
fn json_escapes_what_the_sanitiser_changes_and_stays_lossless() {
    let hostile = "SD-1\u{200b}23 \u{9b}2J \u{1b}]0;t\u{7} \u{202e}x\u{2066} \u{2028}\u{2029} \
                   \u{ad}\u{feff}\u{61c}\u{2060}\u{fff9} \u{e0041}\u{e007f} 👩\u{200d}💻 \r";
    let mut body = complete_session();
    body["notes"] = json!(hostile);
    let report = Report {
        session: session(body.clone()),
        ..complete_report()
    };
    let out = render(&report, &opts(Format::Json, true), now());
    assert!(
        !out.chars()
            .any(|c| g2a_tui::sanitize::is_unsafe(c) && c != '\n'),
        "{out}"
    );
    assert!(
        out.contains("\\udb40\\udc41"),
        "tag as a surrogate pair: {out}"
    );
    assert!(out.contains("👩\u{200d}💻"), "emoji with ZWJ kept as it is");
    let doc: Value = serde_json::from_str(&out).expect("output is JSON");
    assert_eq!(doc["session"], body);
}

fn active_report() -> Report {
    Report {
        session: session(json!({
            "sessionId": "777000111",
            "sessionType": "SCREEN_SHARING",
            "status": "active",
            "expertName": "Jane Doe",
            "expertEmail": "jane.doe@example.com",
            "customerName": "Ana Souza",
            "startedAt": "2024-03-05T15:12:30Z",
            "customerJoinedAt": "2024-03-05T15:13:05Z",
            "customerJoinUrl": "https://www.fastsupport.com/777000111"
        })),
        transcript: Ok(transcript(json!([
            {"timeStamp": "2024-03-05T15:13:05Z", "content": "Ana Souza joined the session"},
            {"timeStamp": "2024-03-05T15:13:20Z", "content": "Olá!", "participantName": "Ana Souza"}
        ]))),
        links: LinksOutcome::NoDomain,
    }
}

#[test]
fn active_session_runs_until_now() {
    let report = active_report();
    let text = render(&report, &opts(Format::Text, false), now());
    assert!(
        text.contains("2024-03-05 15:12:30 UTC (running for 47m 30s)"),
        "{text}"
    );
    assert!(text.contains("--system-domain DOMAIN"), "{text}");
    assert!(text.contains("G2A_SYSTEM_DOMAIN"), "{text}");
    insta::assert_snapshot!("active_text", text);
    insta::assert_snapshot!(
        "active_markdown",
        render(&report, &opts(Format::Markdown, false), now())
    );
    let json: Value = serde_json::from_str(&render(&report, &opts(Format::Json, false), now()))
        .expect("output is JSON");
    assert_eq!(json["links"], Value::Null);
    assert_eq!(json["linksStatus"], "no domain");
}

fn abandoned_report() -> Report {
    Report {
        session: session(json!({
            "sessionId": "555",
            "sessionType": "screen_sharing",
            "status": "abandoned",
            "expertName": "Jane Doe",
            "startedAt": "2024-03-05T09:00:00Z",
            "customerJoinUrl": "https://www.fastsupport.com/555"
        })),
        transcript: Ok(Transcript::none_for_session()),
        links: LinksOutcome::Failed {
            domain: "nowhere.example".into(),
            error: ApiError::BadRequest {
                endpoint: Endpoint::Links,
                excerpt: "systemDomain is unknown".into(),
            },
        },
    }
}

#[test]
fn abandoned_session_without_transcript_and_failed_links() {
    let report = abandoned_report();
    let text = render(&report, &opts(Format::Text, false), now());
    assert!(
        text.contains("No chat: the customer never joined."),
        "{text}"
    );
    assert!(!text.contains("running for"), "{text}");
    assert!(
        text.contains("Error: HTTP 400 Bad Request on the partner links: systemDomain is unknown"),
        "{text}"
    );
    assert!(
        text.contains("Hint:  the system domain is missing"),
        "{text}"
    );
    insta::assert_snapshot!("abandoned_text", text);
    insta::assert_snapshot!(
        "abandoned_markdown",
        render(&report, &opts(Format::Markdown, false), now())
    );
    insta::assert_snapshot!(
        "abandoned_json",
        render(&report, &opts(Format::Json, false), now())
    );
}

#[test]
fn transcript_failure_and_empty_links() {
    let report = Report {
        session: session(json!({"sessionId": "42", "status": "complete"})),
        transcript: Err(ApiError::InvalidToken {
            endpoint: Endpoint::Transcript,
        }),
        links: LinksOutcome::Loaded {
            domain: "crm.example.com".into(),
            links: links(json!([])),
        },
    };
    let text = render(&report, &opts(Format::Text, false), now());
    assert!(
        text.contains("Error: HTTP 403 Forbidden on the chat transcript"),
        "{text}"
    );
    assert!(text.contains("Hint:  get a new access token"), "{text}");
    assert!(
        text.contains("No partner links for crm.example.com."),
        "{text}"
    );
    insta::assert_snapshot!("transcript_failed_text", text);
    let json: Value = serde_json::from_str(&render(&report, &opts(Format::Json, false), now()))
        .expect("output is JSON");
    assert_eq!(json["transcript"], Value::Null);
    let status = json["transcriptStatus"].as_str().unwrap_or_default();
    assert!(status.starts_with("error: HTTP 403"), "{status}");
    assert_eq!(json["links"], json!([]));
}

#[test]
fn unattended_session_shows_machine_and_account() {
    let report = Report {
        session: session(json!({
            "sessionId": "9",
            "sessionType": "unattended",
            "status": "complete",
            "unattendedMachineName": "FRONTDESK-PC",
            "unattendedMachineUuid": "3f2b8c1e-0000-4a7e-9b1d-5c6e7f8a9b0c",
            "accountName": "Example GmbH"
        })),
        transcript: Ok(Transcript::none_for_session()),
        links: LinksOutcome::NoDomain,
    };
    let text = render(&report, &opts(Format::Text, false), now());
    assert!(
        text.contains("Machine: FRONTDESK-PC (3f2b8c1e-0000-4a7e-9b1d-5c6e7f8a9b0c)"),
        "{text}"
    );
    assert!(text.contains("Account: Example GmbH"), "{text}");
    assert!(text.contains("Type:    unattended"), "{text}");
    assert!(
        text.contains("No chat transcript for this session."),
        "{text}"
    );
}

// ---- hostile text ----

const NASTY: &str = "\u{1b}]0;pwned\u{7}\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}\u{1b}[2J\u{9b}31m\u{7}\u{8}\u{7f}\u{202e}\u{2066}\r";

/// Every string in `v` gets the hostile sequences around it, keys untouched.
fn poison(v: &mut Value) {
    match v {
        // Lines that would be markdown blocks if they reached the start of a line.
        Value::String(s) => *s = format!("{NASTY}{s}{NASTY}\n# {s}\n- {s}\n===\n1. {s}{NASTY}"),
        Value::Number(n) => *v = Value::String(format!("{NASTY}{n}")),
        Value::Bool(_) | Value::Null => {}
        Value::Array(a) => a.iter_mut().for_each(poison),
        Value::Object(m) => m.values_mut().for_each(poison),
    }
}

fn hostile_report() -> Report {
    let mut s = complete_session();
    poison(&mut s);
    s["endedAt"] = json!(format!("{NASTY}not a time"));
    let mut t = complete_transcript();
    poison(&mut t);
    // Parseable times keep the date lines in play; one is left unparseable.
    if let Some(events) = t["events"].as_array_mut() {
        for (i, e) in events.iter_mut().enumerate() {
            e["timeStamp"] = json!(format!("2024-03-05T14:{:02}:00Z", i + 1));
            e["participantName"] = json!(format!("{NASTY}Max{NASTY}"));
        }
        events[3]["timeStamp"] = json!(format!("{NASTY}yesterday{NASTY}"));
    }
    let mut l = two_links();
    poison(&mut l);
    Report {
        session: session(s),
        transcript: Ok(transcript(t)),
        links: LinksOutcome::Loaded {
            domain: format!("{NASTY}crm.example.com"),
            links: links(l),
        },
    }
}

fn assert_terminal_safe(out: &str) {
    for (i, b) in out.bytes().enumerate() {
        assert!(
            b >= 0x20 && b != 0x7f || b == b'\n' || b == b'\t',
            "byte {b:#04x} at {i} in:\n{out}"
        );
    }
    for c in out.chars() {
        assert!(
            !('\u{80}'..='\u{9f}').contains(&c)
                && !('\u{202a}'..='\u{202e}').contains(&c)
                && !('\u{2066}'..='\u{2069}').contains(&c),
            "char U+{:04X} in:\n{out}",
            u32::from(c)
        );
    }
}

#[test]
fn hostile_text_never_reaches_the_terminal() {
    let report = hostile_report();
    for format in FORMATS {
        for reveal in [false, true] {
            let out = render(&report, &opts(format, reveal), now());
            assert_terminal_safe(&out);
            // The content itself survives, minus the controls.
            assert!(out.contains("Spooler subsystem app has stopped"), "{out}");
            if format != Format::Json {
                // Each sequence is one visible marker, its payload not shown; the other
                // controls are shown as pictures.
                assert!(!out.contains("0;pwned"), "{out}");
                assert!(
                    out.contains("\u{241b}\u{241b}\u{241b}\u{241b}\u{2407}\u{2408}\u{2421}"),
                    "{out}"
                );
            }
            if format == Format::Json {
                // Lossless: the escapes decode back to exactly what the server sent.
                let doc: Value = serde_json::from_str(&out).expect("output is JSON");
                assert_eq!(doc["session"], report.session.raw);
            }
        }
    }
}

#[test]
fn hostile_error_bodies_never_reach_the_terminal() {
    let report = Report {
        session: session(json!({"sessionId": format!("{NASTY}1")})),
        transcript: Err(ApiError::Server {
            endpoint: Endpoint::Transcript,
            status: 502,
            excerpt: format!("{NASTY}<html>bad gateway\n# boom"),
        }),
        links: LinksOutcome::Failed {
            domain: format!("{NASTY}d\n# x"),
            error: ApiError::NotJson {
                endpoint: Endpoint::Links,
                status: 200,
                content_type: format!("text/html{NASTY}"),
                excerpt: format!("{NASTY}<h1>login</h1>"),
            },
        },
    };
    for format in FORMATS {
        let out = render(&report, &opts(format, false), now());
        assert_terminal_safe(&out);
        assert!(out.contains("bad gateway"), "{out}");
    }
}

#[test]
fn hostile_text_cannot_forge_markdown_structure() {
    let out = render(&hostile_report(), &opts(Format::Markdown, false), now());
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).collect();
    // Only the document's own headings: session, four sections (details, metrics,
    // transcript, links), one date, two links.
    assert_eq!(headings.len(), 8, "{headings:#?}");
    assert!(headings.iter().all(|h| !h.contains("# #")), "{headings:#?}");
    for l in out.lines() {
        let t = l.trim_start();
        assert!(!t.starts_with('#') || l == t, "indented heading: {l:?}");
        assert!(!t.starts_with("==="), "setext underline: {l:?}");
        let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
        assert!(
            digits.len() == t.len() || !digits.starts_with(['.', ')']),
            "ordered list: {l:?}"
        );
    }
    // The injected lines are still there, as text.
    assert!(
        out.contains("\n  \\# Jane Doe started the session"),
        "{out}"
    );
    assert!(
        out.contains("\n  \\- Jane Doe started the session"),
        "{out}"
    );
    assert!(out.contains("\n  \\===\\\n"), "{out}");
    assert!(
        out.contains("\n  1\\. Jane Doe started the session"),
        "{out}"
    );
}

#[test]
fn international_text_survives_intact() {
    let intl = [
        "日本語のメッセージ",
        "李雷",
        "🎉👩‍💻🇩🇪",
        "مرحبا بالعالم",
        "שלום עולם",
        "Ünïcödé café",
    ];
    let mut s = complete_session();
    s["customerName"] = json!(intl[0]);
    s["notes"] = json!(intl.join("\n"));
    let mut t = complete_transcript();
    t["events"][3]["participantName"] = json!(intl[3]);
    t["events"][3]["content"] = json!(format!("{}\n{}", intl[4], intl[2]));
    let mut l = two_links();
    l[0]["systemName"] = json!(intl[1]);
    let report = Report {
        session: session(s),
        transcript: Ok(transcript(t)),
        links: LinksOutcome::Loaded {
            domain: "crm.example.com".into(),
            links: links(l),
        },
    };
    for format in FORMATS {
        let out = render(&report, &opts(format, false), now());
        for text in intl {
            assert!(out.contains(text), "{text} lost in {format:?}:\n{out}");
        }
    }
    let text = render(&report, &opts(Format::Text, false), now());
    // Continuation lines line up under the first, measured in columns.
    assert!(
        text.contains("14:05:02 ? مرحبا بالعالم: שלום עולם\n                          🎉👩‍💻🇩🇪\n"),
        "{text}"
    );
}

// ---- secrets ----

#[test]
fn user_tokens_only_with_reveal_secrets() {
    let report = complete_report();
    for format in FORMATS {
        let masked = render(&report, &opts(format, false), now());
        for token in [TOKEN, TOKEN_2] {
            assert!(
                !masked.contains(token),
                "{format:?} leaks {token}:\n{masked}"
            );
        }
        assert!(masked.contains("********"), "{format:?}:\n{masked}");
        let shown = render(&report, &opts(format, true), now());
        for token in [TOKEN, TOKEN_2] {
            assert!(shown.contains(token), "{format:?} hides {token}:\n{shown}");
        }
    }
}

#[test]
fn tokens_masked_in_a_wrapped_links_body() {
    let wrapped = json!({"systemLinks": {"items": [{"systemName": "X", "userToken": TOKEN}]}});
    let report = Report {
        session: session(json!({"sessionId": "1"})),
        transcript: Ok(Transcript::none_for_session()),
        links: LinksOutcome::Loaded {
            domain: "d".into(),
            links: links(wrapped),
        },
    };
    let out = render(&report, &opts(Format::Json, false), now());
    assert!(!out.contains(TOKEN), "{out}");
}

// ---- the shared presentation ----

#[test]
fn text_marks_speakers_as_the_viewer_does() {
    let text = render(&complete_report(), &opts(Format::Text, false), now());
    for line in [
        "14:02:11 · Jane Doe started the session",
        "14:04:24 · Max Mustermann joined the session",
        "14:04:40 * Jane Doe: Hello Max, I'm Jane. How can I help?",
        "14:05:02 > Max Mustermann: Hi! My printer stopped working after the update.",
        "14:30:02 + Bob Smith: Try printing a test page please.",
        "14:49:16 · Jane Doe ended the session",
    ] {
        assert!(text.contains(&format!("\n{line}\n")), "{line} in:\n{text}");
    }
    let markdown = render(&complete_report(), &opts(Format::Markdown, false), now());
    assert!(
        markdown.contains("\n- 14:06:15 · Bob Smith joined the session\n"),
        "{markdown}"
    );
}

#[test]
fn only_web_urls_become_links() {
    let mut s = complete_session();
    s["sessionRecordingUrl"] = json!("javascript:alert(1)");
    s["customerJoinUrl"] = json!("HTTPS://JOIN.EXAMPLE/1");
    let report = Report {
        session: session(s),
        transcript: Ok(Transcript::none_for_session()),
        links: LinksOutcome::NoDomain,
    };
    let md = render(&report, &opts(Format::Markdown, false), now());
    assert!(
        md.contains("- **Recording:** javascript:alert(1)\n"),
        "{md}"
    );
    assert!(
        md.contains("- **Join URL:** <HTTPS://JOIN.EXAMPLE/1>\n"),
        "{md}"
    );
    assert!(
        md.contains("pass `--system-domain DOMAIN` or set `G2A_SYSTEM_DOMAIN`"),
        "{md}"
    );
}

/// The CSV output parsed back by the `csv` crate's reader: every record, header first.
fn csv_records(out: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_bytes())
        .records()
        .map(|r| {
            r.expect("every row parses")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn csv_round_trips_commas_quotes_and_line_breaks() {
    let report = Report {
        transcript: Ok(transcript(json!({"events": [
            {"timeStamp": "2024-03-05T14:04:24Z", "content": "Max Mustermann joined the session"},
            {"timeStamp": "2024-03-05T14:05:02.250Z", "content": "a, b, \"c\"", "participantName": "Max Mustermann"},
            {"timeStamp": "2024-03-05T15:06:10+01:00", "content": "line 1\nline 2\r\nline 3\n\"quoted\",\n", "participantName": "Jane Doe"},
            {"timeStamp": "yesterday", "content": ",", "participantName": "Doe, \"JD\" Jane"},
            {"content": "\"", "participantName": "Bob Smith"},
            {"timeStamp": "2024-03-05T14:07:00Z", "content": "", "participantName": "Mallory"}
        ]}))),
        ..complete_report()
    };
    let out = render(&report, &opts(Format::Csv, false), now());
    assert!(out.starts_with("time,participant,role,text\r\n"), "{out}");
    assert!(
        out.ends_with("\r\n"),
        "RFC 4180 records end in CRLF: {out:?}"
    );
    let want: Vec<Vec<&str>> = vec![
        vec!["time", "participant", "role", "text"],
        vec![
            "2024-03-05T14:04:24Z",
            "",
            "system",
            "Max Mustermann joined the session",
        ],
        vec![
            "2024-03-05T14:05:02.250Z",
            "Max Mustermann",
            "customer",
            "a, b, \"c\"",
        ],
        // In UTC; a CR LF inside a message is a line break like any other.
        vec![
            "2024-03-05T14:06:10Z",
            "Jane Doe",
            "expert",
            "line 1\nline 2\nline 3\n\"quoted\",",
        ],
        vec!["yesterday", "Doe, \"JD\" Jane", "other", ","],
        vec!["", "Bob Smith", "collaborator", "\""],
        vec!["2024-03-05T14:07:00Z", "Mallory", "other", ""],
    ];
    assert_eq!(csv_records(&out), want);
}

#[test]
fn csv_without_a_transcript_is_the_header_alone() {
    const HEADER: &str = "time,participant,role,text\r\n";
    // 404: the session has no chat transcript.
    let out = render(&abandoned_report(), &opts(Format::Csv, false), now());
    assert_eq!(out, HEADER);
    // An empty transcript, and one that failed (the exit status says so).
    let empty = Report {
        transcript: Ok(transcript(json!({"events": []}))),
        ..abandoned_report()
    };
    assert_eq!(render(&empty, &opts(Format::Csv, false), now()), HEADER);
    let failed = Report {
        transcript: Err(ApiError::InvalidToken {
            endpoint: Endpoint::Transcript,
        }),
        ..abandoned_report()
    };
    assert_eq!(render(&failed, &opts(Format::Csv, false), now()), HEADER);
    assert!(failed.first_error().is_some());
}

#[test]
fn csv_is_as_terminal_safe_as_text() {
    let out = render(&hostile_report(), &opts(Format::Csv, false), now());
    // The only carriage returns are the record terminators.
    assert_terminal_safe(&out.replace("\r\n", "\n"));
    assert!(!out.contains("0;pwned"), "{out}");
    let rows = csv_records(&out);
    let events = complete_transcript()["events"]
        .as_array()
        .map_or(0, Vec::len);
    assert_eq!(rows.len(), 1 + events, "a row per message: {rows:#?}");
    assert!(rows.iter().skip(1).all(|r| r.len() == 4), "{rows:#?}");
    assert!(
        rows.iter()
            .any(|r| r[3].contains("Spooler subsystem app has stopped")),
        "{rows:#?}"
    );
}

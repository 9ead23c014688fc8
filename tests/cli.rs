//! The binary's non-interactive modes as a user runs them: `print --demo` on a machine
//! with no network and no token, snapshots of the three formats for the demo's main
//! session, and the documented exit codes.

use std::process::{Command, Output};

use g2a_tui::demo::{DemoServer, TOKEN};

fn g2a(args: &[&str]) -> Output {
    g2a_env(args, &[])
}

fn g2a_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(args);
    for var in [
        "G2A_TOKEN",
        "G2A_BASE_URL",
        "G2A_SYSTEM_DOMAIN",
        "G2A_AUTH_SCHEME",
        "G2A_CONFIG",
        "G2A_THEME",
        "G2A_TIMEOUT",
        "G2A_POLL",
        "G2A_KEEP_DAYS",
        "G2A_AUTH_URL",
        "G2A_CLIENT_ID",
        "G2A_TOKEN_COMMAND",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    // Tests never write to the user's own store, nor read the user's config file.
    cmd.env("TZ", "UTC")
        .env("RUST_BACKTRACE", "0")
        .env("G2A_NO_STORE", "1");
    // Nor read the user's own sign-in or config: both directories are empty.
    let nowhere = std::env::temp_dir().join(format!("g2a-tui-cli-{}", std::process::id()));
    cmd.env("XDG_DATA_HOME", nowhere.join("data"))
        .env("XDG_CONFIG_HOME", nowhere.join("config"))
        .env_remove("G2A_TOKEN_COMMAND");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run g2a-tui")
}

/// A config directory that holds no config file (never created).
fn no_config_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("no-config-here")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Without a terminal the viewer says which stream is not one, and exits 2.
#[test]
fn viewer_without_a_terminal_says_which_stream() {
    let out = g2a(&["--demo"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("standard input and standard output are not terminals"),
        "{err}"
    );
    assert!(err.contains("hint: use `g2a-tui print`"), "{err}");
}

/// `--utc` is an option of every mode: before the subcommand too.
#[test]
fn utc_before_or_after_the_subcommand() {
    let local = stdout(&g2a(&["print", "--demo"]));
    assert!(
        local.contains("+00:00") && !local.contains(" UTC"),
        "{local}"
    );
    for args in [
        &["print", "--demo", "--utc"][..],
        &["--utc", "print", "--demo"],
    ] {
        let out = g2a(args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains(" UTC") && !text.contains("+00:00"),
            "{args:?}: {text}"
        );
    }
}

#[test]
fn print_demo_in_every_format() {
    for format in ["text", "markdown", "json", "csv"] {
        let out = g2a(&["print", "--demo", "--utc", "--format", format]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(!text.contains("nw-"), "{format}: partner tokens are masked");
        assert!(
            text.contains("Tomás Alvarez"),
            "{format}: the customer is named"
        );
        insta::assert_snapshot!(format!("print_demo_{format}"), text);
    }
}

#[test]
fn csv_is_one_row_per_message_and_a_header_without_a_transcript() {
    let out = g2a(&["print", "--demo", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().expect("a header").clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        ["time", "participant", "role", "text"]
    );
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("every row parses");
    assert_eq!(rows.len(), 315, "the demo session's 315 messages");
    assert!(rows.iter().all(|r| r.len() == 4));
    assert!(rows
        .iter()
        .any(|r| &r[2] == "customer" && &r[1] == "Tomás Alvarez"));
    // Times in UTC whatever the local zone (no --utc here).
    assert!(rows.iter().all(|r| r[0].ends_with('Z')), "{text}");
    // The abandoned demo session answers 404 on its transcript: the header alone.
    let out = g2a(&["print", "--demo", "--format", "csv", "482913711"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "time,participant,role,text\r\n");
}

#[test]
fn json_is_one_document_and_reveals_only_on_request() {
    let out = g2a(&["print", "--demo", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("valid JSON");
    assert!(doc["session"].is_object() && doc["transcript"].is_object() && doc["links"].is_array());
    let out = g2a(&["print", "--demo", "--format", "json", "--reveal-secrets"]);
    assert!(
        stdout(&out).contains("\"userToken\": \"nw-"),
        "revealed on request"
    );
}

#[test]
fn demo_ignores_a_proxy_for_loopback() {
    let out = g2a_env(
        &["print", "--demo"],
        &[
            ("HTTP_PROXY", "http://127.0.0.1:9"),
            ("HTTPS_PROXY", "http://127.0.0.1:9"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn no_transcript_is_success() {
    let out = g2a(&["print", "--demo", "482913711"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("No chat: the customer never joined."),
        "{}",
        stdout(&out)
    );
}

#[test]
fn exit_codes() {
    let usage = g2a(&["print"]);
    assert_eq!(
        usage.status.code(),
        Some(2),
        "no session id: {}",
        stderr(&usage)
    );
    assert!(stderr(&usage).contains("no session id"));

    let no_tty = g2a(&["--demo"]);
    assert_eq!(no_tty.status.code(), Some(2), "{}", stderr(&no_tty));
    assert!(stderr(&no_tty).contains("g2a-tui print"), "points at print");
    assert!(
        no_tty.stdout.is_empty(),
        "no escape codes written to a pipe"
    );

    let bad_flag = g2a(&["print", "--format", "pdf", "1"]);
    assert_eq!(bad_flag.status.code(), Some(2));

    let bad_url = g2a(&["print", "--base-url", "ftp://example", "--token", "t", "1"]);
    assert_eq!(bad_url.status.code(), Some(2), "{}", stderr(&bad_url));

    let no_token = g2a(&["print", "--base-url", "http://127.0.0.1:9", "1"]);
    assert_eq!(no_token.status.code(), Some(3));
    assert!(stderr(&no_token).contains("G2A_TOKEN"));

    let not_found = g2a(&["print", "--demo", "does-not-exist"]);
    assert_eq!(not_found.status.code(), Some(4), "{}", stderr(&not_found));
    assert!(stderr(&not_found).contains("404"));

    let refused = g2a(&[
        "print",
        "--base-url",
        "http://127.0.0.1:9",
        "--token",
        "secret-tok",
        "1",
    ]);
    assert_eq!(refused.status.code(), Some(5));
    for o in [&usage, &bad_url, &no_token, &not_found, &refused] {
        let err = stderr(o);
        assert!(err.lines().count() <= 2, "one or two plain lines: {err}");
        assert!(!err.contains("panicked") && !err.contains("secret-tok"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_token_against_the_demo_api_is_an_auth_failure() {
    let server = DemoServer::start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("demo server");
    let base = server.base_url();
    let wrong = tokio::task::spawn_blocking({
        let base = base.clone();
        move || {
            g2a(&[
                "print",
                "--base-url",
                &base,
                "--token",
                "wrong",
                "482913657",
            ])
        }
    })
    .await
    .expect("join");
    assert_eq!(wrong.status.code(), Some(3), "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains("401"));
    let right = tokio::task::spawn_blocking(move || {
        g2a_env(
            &[
                "print",
                "--base-url",
                &base,
                "--auth-scheme",
                "oauth",
                "482913657",
            ],
            &[("G2A_TOKEN", TOKEN)],
        )
    })
    .await
    .expect("join");
    assert_eq!(right.status.code(), Some(0), "{}", stderr(&right));
}

#[test]
fn help_hides_the_token_from_the_environment() {
    let out = g2a_env(&["--help"], &[("G2A_TOKEN", "very-secret-token")]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("--token") && text.contains("Exit status"));
    assert!(!text.contains("very-secret-token"));
}

/// `g2a-tui demo-server` as a user runs it: it says where it listens, the printed
/// command works against it, and SIGTERM stops it cleanly.
#[test]
fn demo_server_subcommand_serves_until_terminated() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_g2a-tui"))
        .args(["demo-server", "--addr", "127.0.0.1:0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start demo-server");
    let pipe = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(pipe).lines();
    let first = lines.next().expect("a line").expect("utf-8");
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .expect("the listening address")
        .to_string();
    let hint = lines.next().expect("a second line").expect("utf-8");
    assert!(hint.contains(&url), "{hint}");
    // The token goes through the environment, never on a command line where other
    // users could read it in the process list.
    let command = hint.strip_prefix("try: ").expect("a command to try");
    assert!(
        command.starts_with(&format!("G2A_TOKEN={TOKEN} g2a-tui ")),
        "{hint}"
    );
    assert!(!command.contains("--token"), "{hint}");
    // Run the printed command as a shell would, as `print` (no terminal here).
    let bin = env!("CARGO_BIN_EXE_g2a-tui");
    let command = command.replacen("g2a-tui", &format!("'{bin}' print"), 1);
    let out = Command::new("sh")
        .args(["-c", &command])
        .env_remove("G2A_TOKEN")
        .env_remove("G2A_BASE_URL")
        .env_remove("G2A_SYSTEM_DOMAIN")
        .env_remove("G2A_AUTH_SCHEME")
        .env_remove("G2A_CONFIG")
        .env("XDG_CONFIG_HOME", no_config_dir())
        .env("TZ", "UTC")
        .output()
        .expect("run the printed command");
    assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
    assert!(stdout(&out).contains("Northwind ServiceDesk"));
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill")
        .success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
}

/// `--format json` passes the bodies through losslessly: a 30-digit id, integers past
/// 64 bits and a decimal past f64's precision keep their digits, and every object keeps
/// the server's key order (issue 10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_keeps_big_numbers_and_the_servers_key_order() {
    use wiremock::matchers::path;
    use wiremock::{Mock, MockServer, ResponseTemplate};
    const SESSION: &str = r#"{"zulu":1,"sessionId":123456789012345678901234567890,"status":"complete","alpha":-98765432109876543210987654321,"ratio":0.10000000000000000555111512312578270211815834045,"nested":{"z":18446744073709551616,"a":1.0,"m":1e+2,"huge":1e+400}}"#;
    const EVENTS: &str = r#"{"sessionId":123456789012345678901234567890,"events":[{"timeStamp":"2024-03-05T14:00:00Z","seq":99999999999999999999,"participantName":"Max","content":"hi"}]}"#;
    let server = MockServer::start().await;
    let id = "123456789012345678901234567890";
    Mock::given(path(format!("/G2A/rest/v1/sessions/{id}")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(SESSION, "application/json"))
        .mount(&server)
        .await;
    Mock::given(path(format!("/G2A/rest/v1/sessions/{id}/events")))
        .respond_with(ResponseTemplate::new(200).set_body_raw(EVENTS, "application/json"))
        .mount(&server)
        .await;
    let base = server.uri();
    let out = tokio::task::spawn_blocking(move || {
        g2a(&[
            "print",
            "--base-url",
            &base,
            "--token",
            "t",
            "--format",
            "json",
            id,
        ])
    })
    .await
    .expect("join");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for exact in [
        "\"sessionId\": 123456789012345678901234567890",
        "\"alpha\": -98765432109876543210987654321",
        "\"ratio\": 0.10000000000000000555111512312578270211815834045",
        "\"z\": 18446744073709551616",
        "\"a\": 1.0",
        "\"m\": 1e+2",
        "\"huge\": 1e+400",
        "\"seq\": 99999999999999999999",
    ] {
        assert!(text.contains(exact), "{exact} in {text}");
    }
    let at = |s: &str| text.find(s).unwrap_or(usize::MAX);
    let order = [
        "\"zulu\"",
        "\"sessionId\"",
        "\"status\"",
        "\"alpha\"",
        "\"ratio\"",
        "\"nested\"",
        "\"z\"",
        "\"a\"",
        "\"m\"",
    ];
    for pair in order.windows(2) {
        assert!(
            at(pair[0]) < at(pair[1]),
            "{} before {}: {text}",
            pair[0],
            pair[1]
        );
    }
    let event_keys = [
        "\"timeStamp\"",
        "\"seq\"",
        "\"participantName\"",
        "\"content\"",
    ];
    let events = text.find("\"events\"").unwrap_or(0);
    let after = |s: &str| text[events..].find(s).unwrap_or(usize::MAX);
    for pair in event_keys.windows(2) {
        assert!(
            after(pair[0]) < after(pair[1]),
            "{} before {}",
            pair[0],
            pair[1]
        );
    }
    // The viewer's fields read the same exact digits.
    let text_out = tokio::task::spawn_blocking({
        let base = server.uri();
        move || g2a(&["print", "--base-url", &base, "--token", "t", id])
    })
    .await
    .expect("join");
    assert!(stdout(&text_out).contains(id), "{}", stdout(&text_out));
}

/// A session id longer than 1,024 characters is a usage error, said before anything
/// else (no token is needed to learn it) and without echoing the id.
#[test]
fn an_overlong_session_id_is_a_usage_error() {
    let long = "4".repeat(1025);
    let out = g2a(&["print", &long]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("1025 characters"), "{err}");
    assert!(!err.contains(&long[..100]), "the id is not echoed: {err}");
}

//! The log file (issue 10) as a technician uses it: the built binary at trace level
//! through a refused-then-refreshed, a redirected and failing fetches against wiremock,
//! whose answers carry a known chat message and a partner `userToken`. The log must
//! name the requests and the store's work and hold none of the secrets or the message;
//! stderr neither; stdout no secret (it prints the message, that is its job).

use std::os::unix::fs::PermissionsExt;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "/G2A/rest/v1";
const CLIENT_SECRET: &str = "csecret-log-5e6f";
const ACCESS_1: &str = "access-log-one-7a8b";
const ACCESS_2: &str = "access-log-two-9c0d";
const REFRESH: &str = "refresh-log-1e2f";
const USER_TOKEN: &str = "partner-usertoken-3a4b5c";
const MESSAGE: &str = "the spooler says zebra-quartz-1142";
const DOMAIN: &str = "helpdesk.northwind.example";

/// Tokens: in no output at all.
const TOKENS: [&str; 4] = [CLIENT_SECRET, ACCESS_1, ACCESS_2, REFRESH];

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "g2a-tui-log-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.0.join(rel)
    }

    /// A sign-in as `auth login` would have left it, with `ACCESS_1`.
    fn sign_in(&self, auth_url: &str) {
        let dir = self.0.join("data").join("g2a-tui");
        std::fs::create_dir_all(&dir).expect("app dir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let creds = json!({
            "auth_url": auth_url,
            "client_id": "client-log",
            "client_secret": CLIENT_SECRET,
            "access_token": ACCESS_1,
            "refresh_token": REFRESH,
            "expires_at": (Utc::now() + chrono::Duration::hours(1)).to_rfc3339(),
            "principal": "erin@example.com",
        });
        let file = dir.join("credentials.json");
        std::fs::write(&file, creds.to_string()).expect("write");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The binary with its data and config directories in `dir`, no token or log setting
/// from the environment but `env`, and no proxy.
fn command(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(args);
    for var in [
        "G2A_TOKEN",
        "G2A_TOKEN_COMMAND",
        "G2A_BASE_URL",
        "G2A_SYSTEM_DOMAIN",
        "G2A_AUTH_SCHEME",
        "G2A_STORE",
        "G2A_NO_STORE",
        "G2A_CONFIG",
        "G2A_LOG",
        "G2A_LOG_LEVEL",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TZ", "UTC")
        .env("RUST_BACKTRACE", "0")
        .env("XDG_DATA_HOME", dir.path("data"))
        .env("XDG_CONFIG_HOME", dir.path("config"))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

async fn g2a(dir: &TempDir, args: &[&str], env: &[(&str, &str)]) -> Output {
    command(dir, args, env).output().await.expect("run g2a-tui")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn session() -> serde_json::Value {
    json!({
        "sessionId": "42", "sessionType": "screen_sharing", "status": "complete",
        "expertName": "Erin Expert", "customerName": "Morgan Lee",
        "startedAt": "2026-11-20T14:02:11Z", "endedAt": "2026-11-20T14:51:29Z",
    })
}

/// The token endpoint: the refresh grant gives `ACCESS_2`.
async fn token_endpoint() -> MockServer {
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": ACCESS_2, "refresh_token": REFRESH, "token_type": "Bearer",
            "expires_in": 3600, "principal": "erin@example.com",
        })))
        .expect(1)
        .mount(&auth)
        .await;
    auth
}

/// The API: `ACCESS_1` is refused (401) everywhere; with `ACCESS_2` the session answers,
/// the transcript is redirected and then answers with `MESSAGE`, the partner links fail
/// once (503) and then answer with `USER_TOKEN`, the session list fails once (500, its
/// body echoing the token as a PHP page would) and then answers.
async fn api() -> MockServer {
    let api = MockServer::start().await;
    let bearer = format!("Bearer {ACCESS_2}");
    Mock::given(method("GET"))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_1}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(401))
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions/42")))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(session()))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions/42/events")))
        .and(header("authorization", bearer.as_str()))
        .respond_with(
            ResponseTemplate::new(302)
                // A hostile server may put the token it was sent into the new address.
                .insert_header(
                    "location",
                    format!("{API}/moved/42/events?echo={ACCESS_2}").as_str(),
                ),
        )
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/moved/42/events")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionId": "42",
            "events": [
                {"timeStamp": "2026-11-20T14:05:02Z", "participantName": "Morgan Lee",
                 "content": MESSAGE},
            ],
        })))
        .mount(&api)
        .await;
    let echo = format!(
        "{{\"error\": \"upstream said: Authorization: {}\", \"userToken\": \"{USER_TOKEN}\"}}",
        bearer.replace('-', "\\u002d")
    );
    Mock::given(method("GET"))
        .and(path(format!("{API}/systemLinks")))
        .and(query_param("systemDomain", DOMAIN))
        .respond_with(ResponseTemplate::new(503).set_body_string(echo.clone()))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/systemLinks")))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{
            "systemName": "Northwind ServiceDesk", "systemDomain": DOMAIN,
            "userEmail": "dana@northwind.example", "userToken": USER_TOKEN,
            "callbackURL": "https://helpdesk.northwind.example/cb"
        }])))
        .with_priority(3)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions")))
        .respond_with(ResponseTemplate::new(500).set_body_string(echo))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions")))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessions": [session()]
        })))
        .with_priority(3)
        .mount(&api)
        .await;
    api
}

fn assert_clean(what: &str, out: &Output, stdout_may_hold_the_message: bool) {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    for secret in TOKENS.iter().chain([&USER_TOKEN]) {
        assert!(
            !stdout.contains(secret),
            "{what}: {secret} on stdout:\n{stdout}"
        );
        assert!(
            !stderr.contains(secret),
            "{what}: {secret} on stderr:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains(MESSAGE),
        "{what}: message on stderr:\n{stderr}"
    );
    if !stdout_may_hold_the_message {
        assert!(!stdout.contains(MESSAGE), "{what}: message on stdout");
    }
    assert!(!stderr.contains("panicked"), "{what}: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trace_log_names_every_request_and_holds_no_secret_and_no_message() {
    let dir = TempDir::new("trace");
    let (auth, api) = (token_endpoint().await, api().await);
    dir.sign_in(&format!("{}/oauth/token", auth.uri()));
    let log = dir.path("g2a.log");
    let log_arg = log.to_str().expect("utf-8 path");
    let store = dir.path("store.sqlite3");
    let base = api.uri();
    let common = [
        "--base-url",
        &base,
        "--system-domain",
        DOMAIN,
        "--store",
        store.to_str().expect("utf-8 path"),
        "--timeout",
        "10",
    ];
    let with = |more: &[&'static str]| -> Vec<String> {
        more.iter()
            .map(|s| s.to_string())
            .chain(common.iter().map(|s| s.to_string()))
            .collect()
    };
    let run = |args: Vec<String>, env: Vec<(&'static str, String)>| {
        let dir = &dir;
        async move {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
            g2a(dir, &args, &env).await
        }
    };

    // 1: every request refused once (401) and asked again after one refresh; the
    // transcript redirected; the partner links failing (503: retried where retries
    // are on, a failed part where they are not).
    let mut args = with(&["print", "42", "--format", "text"]);
    args.extend(["--log-file".into(), log_arg.into()]);
    args.extend(["--log-level".into(), "trace".into()]);
    let first = run(args, vec![]).await;
    assert!(
        text(&first.stdout).contains("Erin Expert") && text(&first.stdout).contains(MESSAGE),
        "the session and the redirected transcript were printed: {}\n{}",
        text(&first.stdout),
        text(&first.stderr)
    );
    assert_clean("print text", &first, true);

    // 2: the links answer with a userToken now; the level given with G2A_LOG.
    let env = vec![("G2A_LOG", format!("trace:{log_arg}"))];
    let second = run(with(&["print", "42", "--format", "json"]), env.clone()).await;
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    assert!(text(&second.stdout).contains("Northwind ServiceDesk"));
    assert_clean("print json", &second, true);

    // 3: the list fails with a 500 whose body echoes the token and a userToken.
    let third = run(with(&["list"]), env.clone()).await;
    assert_eq!(third.status.code(), Some(5), "{}", text(&third.stderr));
    assert!(
        text(&third.stderr).contains("[token]"),
        "{}",
        text(&third.stderr)
    );
    assert_clean("failed list", &third, false);
    // 4: and then answers.
    let fourth = run(with(&["list"]), env).await;
    assert_eq!(fourth.status.code(), Some(0), "{}", text(&fourth.stderr));
    assert!(text(&fourth.stdout).contains("Morgan Lee"));
    assert_clean("list", &fourth, false);

    let meta = std::fs::metadata(&log).expect("the log file exists");
    assert_eq!(
        meta.permissions().mode() & 0o777,
        0o600,
        "the log is private"
    );
    let written = std::fs::read_to_string(&log).expect("read the log");
    assert!(!written.trim().is_empty());
    for secret in TOKENS.iter().chain([&USER_TOKEN, &MESSAGE]) {
        assert!(!written.contains(secret), "{secret} in the log:\n{written}");
    }
    // The echoed header is quoted only with the token cut out.
    assert!(
        written.contains("Authorization: Bearer [token]"),
        "{written}"
    );
    let has = |needles: &[&str]| {
        written
            .lines()
            .any(|line| needles.iter().all(|n| line.contains(n)))
    };
    let wanted: &[&[&str]] = &[
        &["start", "command=\"print\"", "level=\"trace\""],
        &["start", "command=\"list\""],
        &[
            "request sent",
            "method=\"GET\"",
            "path=/G2A/rest/v1/sessions/42",
        ],
        // The session and the transcript are asked at once: whichever is refused
        // first brings the refresh, and the other may already carry the new token.
        &["answer", "path=/G2A/rest/v1/sessions/42", "status=401"],
        &[
            "answer",
            "path=/G2A/rest/v1/sessions/42 ",
            "status=200",
            "bytes=",
            "ms=",
        ],
        &["refreshing the access token"],
        &["access token refreshed", "expires_at"],
        &["token rejected; asking again with a fresh one"],
        &[
            "redirected",
            "to_path=/G2A/rest/v1/moved/42/events?echo=[token]",
        ],
        &[
            "answer",
            "path=/G2A/rest/v1/sessions/42/events",
            "status=200",
        ],
        &["answer", "endpoint=\"partner links\"", "status=503"],
        &[
            "retrying",
            "endpoint=\"partner links\"",
            "attempt=2",
            "delay_ms=",
        ],
        &["answer", "endpoint=\"partner links\"", "status=200"],
        &["answer", "endpoint=\"session list\"", "status=500"],
        &["answer", "endpoint=\"session list\"", "status=200"],
        &["failed", "code=5", "[token]"],
        &["store opened"],
        &["store write", "job=\"transcript\"", "items=1", "ms="],
        &["store write", "job=\"list rows\"", "items=1"],
        &["store pruned"],
        &["exit", "code=0"],
        &["exit", "code=5"],
    ];
    for needles in wanted {
        assert!(
            has(needles),
            "no line with {needles:?} in the log:\n{written}"
        );
    }
    // Only this program's own events: hyper's, h2's or reqwest's could name headers.
    for line in written.lines() {
        let target = line.split_whitespace().find(|w| w.ends_with(':'));
        assert!(
            target.is_some_and(|t| t.starts_with("g2a_tui")),
            "a line from another crate: {line}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_file_that_cannot_be_written_is_a_usage_error_in_one_line() {
    let dir = TempDir::new("unwritable");
    std::fs::write(dir.path("plain"), "x").expect("write");
    let cases = [
        (dir.path("missing/dir/g2a.log"), "no directory"),
        (dir.0.clone(), "it is a directory"),
        (dir.path("plain/g2a.log"), "cannot write the log file"),
    ];
    for (path, why) in cases {
        let path = path.to_str().expect("utf-8 path").to_string();
        for (args, env) in [
            (vec!["--log-file", path.as_str(), "--demo", "list"], vec![]),
            (vec!["--demo", "list"], vec![("G2A_LOG", path.as_str())]),
        ] {
            let out = g2a(&dir, &args, &env).await;
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{path}: {err}");
            assert_eq!(err.lines().count(), 2, "the reason and a hint: {err}");
            assert!(
                err.starts_with(&format!("g2a-tui: cannot write the log file {path}: "))
                    && err.contains(why),
                "{err}"
            );
            assert!(
                err.lines().nth(1).is_some_and(|h| h.starts_with("hint: ")),
                "{err}"
            );
            assert!(out.stdout.is_empty());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_settings_layer_like_every_other_and_config_shows_them() {
    let dir = TempDir::new("layers");
    let from_file = dir.path("file.log");
    std::fs::create_dir_all(dir.path("config/g2a-tui")).expect("config dir");
    std::fs::write(
        dir.path("config/g2a-tui/config.toml"),
        format!(
            "log_file = \"{}\"\nlog_level = \"debug\"\n",
            from_file.display()
        ),
    )
    .expect("write config");
    let row = |out: &Output, key: &str| -> String {
        let stdout = text(&out.stdout);
        let line = stdout
            .lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no {key} row in:\n{stdout}"))
            .to_string();
        line.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    let out = g2a(&dir, &["config"], &[]).await;
    assert_eq!(
        row(&out, "log_file"),
        format!("log_file {} file", from_file.display())
    );
    assert_eq!(row(&out, "log_level"), "log_level debug file");

    let env_log = dir.path("env.log");
    let env_value = format!("trace:{}", env_log.display());
    let out = g2a(&dir, &["config"], &[("G2A_LOG", &env_value)]).await;
    assert_eq!(
        row(&out, "log_file"),
        format!("log_file {} environment", env_log.display())
    );
    assert_eq!(row(&out, "log_level"), "log_level trace environment");
    let out = g2a(
        &dir,
        &["config"],
        &[("G2A_LOG", &env_value), ("G2A_LOG_LEVEL", "warn")],
    )
    .await;
    assert_eq!(row(&out, "log_level"), "log_level warn environment");

    let flag_log = dir.path("flag.log");
    let flag = flag_log.to_str().expect("utf-8 path");
    let args = ["--log-file", flag, "--log-level", "error", "config"];
    let out = g2a(&dir, &args, &[("G2A_LOG", &env_value)]).await;
    assert_eq!(
        row(&out, "log_file"),
        format!("log_file {} flag", flag_log.display())
    );
    assert_eq!(row(&out, "log_level"), "log_level error flag");
    assert!(
        !flag_log.exists() && !env_log.exists(),
        "config logs nothing"
    );

    // The file's key alone is enough to log, at the file's level.
    let out = g2a(&dir, &["--demo", "--no-store", "list"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(&from_file).expect("the file's log");
    assert!(written.contains("request sent"), "debug lines: {written}");
    assert!(!written.contains(" TRACE "), "{written}");

    // Without any, `config` says nothing is logged.
    let out = g2a(&dir, &["--config", "/dev/null", "config"], &[]).await;
    assert_eq!(
        row(&out, "log_file"),
        "log_file (none: nothing is logged) default"
    );
    assert_eq!(row(&out, "log_level"), "log_level info default");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signal_still_leaves_the_last_lines_in_the_log() {
    let dir = TempDir::new("signal");
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&api)
        .await;
    let log = dir.path("g2a.log");
    let log_arg = log.to_str().expect("utf-8 path");
    let base = api.uri();
    let args = [
        "print",
        "42",
        "--base-url",
        &base,
        "--token",
        ACCESS_1,
        "--no-store",
        "--log-file",
        log_arg,
        "--log-level",
        "debug",
    ];
    let child = command(&dir, &args, &[]).spawn().expect("run g2a-tui");
    let pid = child.id().expect("pid");
    // Sent once the requests are out (the server has them), so the handler is in place.
    let deadline = Instant::now() + Duration::from_secs(20);
    while api.received_requests().await.map_or(0, |r| r.len()) < 2 {
        assert!(Instant::now() < deadline, "no request reached the server");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let out = tokio::time::timeout(Duration::from_secs(10), child.wait_with_output())
        .await
        .expect("ended within seconds")
        .expect("wait");
    assert_eq!(
        out.status.signal(),
        Some(15),
        "ended by SIGTERM as without a log"
    );
    let written = std::fs::read_to_string(&log).expect("read the log");
    assert!(written.contains("request sent"), "{written}");
    assert!(
        written.contains("ended by a signal signal=15"),
        "the last line is written: {written}"
    );
    assert!(!written.contains(ACCESS_1));
}

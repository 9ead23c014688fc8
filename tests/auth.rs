//! Signing in (issue 9) as a user runs it: the built binary against a wiremock token
//! endpoint and a wiremock API, with its data and config directories in a temp dir so
//! the real user's credentials are never read or touched.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use base64::Engine;
use chrono::{Duration, Utc};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const API: &str = "/G2A/rest/v1";
const CLIENT_ID: &str = "client-4711";
const CLIENT_SECRET: &str = "csecret-9f8e7d";
const PAT: &str = "pat+9c/1=";
const ACCESS_1: &str = "access-one-1a2b3c";
const ACCESS_2: &str = "access-two-4d5e6f";
const REFRESH: &str = "refresh-r7s8t9";
/// Every secret a test uses: none may appear in any output.
const SECRETS: [&str; 6] = [
    CLIENT_SECRET,
    PAT,
    ACCESS_1,
    ACCESS_2,
    REFRESH,
    "cmd-token-x1y2",
];

/// A fresh directory under the system temp dir, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "g2a-tui-auth-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn app_dir(&self) -> PathBuf {
        self.0.join("data").join("g2a-tui")
    }

    fn credentials(&self) -> PathBuf {
        self.app_dir().join("credentials.json")
    }

    fn stored(&self) -> Value {
        let text = std::fs::read_to_string(self.credentials()).expect("credentials file");
        serde_json::from_str(&text).expect("credentials are JSON")
    }

    /// A sign-in as `auth login` would have left it.
    fn sign_in(&self, access: &str, expires_in_secs: i64, auth_url: &str) {
        let dir = self.app_dir();
        std::fs::create_dir_all(&dir).expect("app dir");
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let creds = json!({
            "auth_url": auth_url,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "access_token": access,
            "refresh_token": REFRESH,
            "expires_at": (Utc::now() + Duration::seconds(expires_in_secs)).to_rfc3339(),
            "principal": "erin@example.com",
        });
        std::fs::write(self.credentials(), creds.to_string()).expect("write");
        std::fs::set_permissions(self.credentials(), std::fs::Permissions::from_mode(0o600))
            .expect("chmod");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs the binary with no token from the environment, no proxy, its data and config
/// directories inside `dir`, and `stdin` piped in (a pipe, never a terminal).
async fn g2a(dir: &TempDir, args: &[&str], stdin: &str) -> Output {
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(args);
    for var in [
        "G2A_TOKEN",
        "G2A_TOKEN_COMMAND",
        "G2A_AUTH_URL",
        "G2A_CLIENT_ID",
        "G2A_SYSTEM_DOMAIN",
        "G2A_AUTH_SCHEME",
        "G2A_STORE",
        "G2A_CONFIG",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TZ", "UTC")
        .env("RUST_BACKTRACE", "0")
        .env("G2A_BASE_URL", "http://127.0.0.1:9")
        .env("G2A_NO_STORE", "1")
        .env("XDG_DATA_HOME", dir.0.join("data"))
        .env("XDG_CONFIG_HOME", dir.0.join("config"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run g2a-tui");
    let mut input = child.stdin.take().expect("stdin");
    input
        .write_all(stdin.as_bytes())
        .await
        .expect("write stdin");
    drop(input);
    child.wait_with_output().await.expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// No secret in stdout or stderr, except `allowed` on stdout (`auth token` prints it).
fn assert_no_secret(o: &Output, allowed: Option<&str>) {
    let (out, err) = (stdout(o), stderr(o));
    for s in SECRETS {
        assert!(!err.contains(s), "{s} in stderr: {err}");
        if Some(s) != allowed {
            assert!(!out.contains(s), "{s} in stdout: {out}");
        }
    }
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

fn basic() -> String {
    let pair = format!("{CLIENT_ID}:{CLIENT_SECRET}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

fn token_answer(access: &str, with_refresh: bool) -> ResponseTemplate {
    let mut body = json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": 3600,
        "principal": "erin@example.com",
    });
    if with_refresh {
        body["refresh_token"] = json!(REFRESH);
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// The refresh grant, exactly as the endpoint must receive it.
fn refresh_grant() -> wiremock::MockBuilder {
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", basic().as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string(format!(
            "grant_type=refresh_token&refresh_token={REFRESH}"
        )))
}

/// The API answers session 42 to `ACCESS_2` only; every chat transcript is missing.
async fn mount_api(api: &MockServer) {
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions/42")))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_2}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "sessionId": "42", "sessionType": "screen_sharing", "status": "complete",
            "expertName": "Erin Expert",
        })))
        .mount(api)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/sessions/42/events")))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_2}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(404))
        .mount(api)
        .await;
}

fn token_url(server: &MockServer) -> String {
    format!("{}/oauth/token", server.uri())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_posts_the_pat_grant_and_stores_the_credentials_privately() {
    let dir = TempDir::new("login");
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", basic().as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        // The PAT is form-encoded: `+`, `/` and `=` would change its meaning raw.
        .and(body_string(
            "grant_type=personal_access_token&pat=pat%2B9c%2F1%3D",
        ))
        .respond_with(token_answer(ACCESS_1, true))
        .expect(1)
        .mount(&auth)
        .await;
    let url = token_url(&auth);
    let secrets = format!("{CLIENT_SECRET}\n{PAT}\n");
    let out = g2a(
        &dir,
        &[
            "auth",
            "login",
            "--auth-url",
            &url,
            "--client-id",
            CLIENT_ID,
        ],
        &secrets,
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("Signed in as erin@example.com"), "{text}");
    assert!(
        text.contains(&format!("stored in {}", dir.credentials().display())),
        "{text}"
    );
    assert_no_secret(&out, None);
    assert_eq!(mode(&dir.credentials()), 0o600);
    assert_eq!(mode(&dir.app_dir()), 0o700);
    let stored = dir.stored();
    assert_eq!(stored["access_token"], ACCESS_1);
    assert_eq!(stored["refresh_token"], REFRESH);
    assert_eq!(stored["client_id"], CLIENT_ID);
    assert_eq!(stored["client_secret"], CLIENT_SECRET);
    assert_eq!(stored["auth_url"], url);
    let expires = stored["expires_at"]
        .as_str()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .expect("an expiry");
    let left = expires.with_timezone(&Utc) - Utc::now();
    assert!(
        left > Duration::minutes(58) && left <= Duration::minutes(60),
        "{left}"
    );
    // No config file is written, and nothing else lands in the data directory.
    assert!(!dir
        .0
        .join("config")
        .join("g2a-tui")
        .join("config.toml")
        .exists());

    let status = g2a(&dir, &["auth", "status", "--utc"], "").await;
    assert_eq!(status.status.code(), Some(0), "stderr: {}", stderr(&status));
    let text = stdout(&status);
    assert!(
        text.contains("Signed in as erin@example.com, client id client-4711"),
        "{text}"
    );
    assert!(text.contains("valid until 20"), "{text}");
    assert_no_secret(&status, None);

    let token = g2a(&dir, &["auth", "token"], "").await;
    assert_eq!(token.status.code(), Some(0), "stderr: {}", stderr(&token));
    assert_eq!(stdout(&token), format!("{ACCESS_1}\n"));
    assert_eq!(stderr(&token), "");
    assert_no_secret(&token, Some(ACCESS_1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_login_stores_nothing_and_says_what_to_check() {
    let dir = TempDir::new("refused");
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("bad secret {CLIENT_SECRET}"),
        })))
        .mount(&auth)
        .await;
    let url = token_url(&auth);
    let out = g2a(
        &dir,
        &[
            "auth",
            "login",
            "--auth-url",
            &url,
            "--client-id",
            CLIENT_ID,
        ],
        &format!("{CLIENT_SECRET}\n{PAT}\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("refused the sign-in (HTTP 401): invalid_client"),
        "{err}"
    );
    assert!(err.contains("hint: check the client id"), "{err}");
    assert_no_secret(&out, None);
    assert!(!dir.credentials().exists());
}

/// The sign-in request carries the client secret and the PAT: a redirect must not hand
/// them to the host it names (issue 10).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirecting_token_endpoint_gets_no_secret_forwarded() {
    let dir = TempDir::new("redirected");
    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"access_token": "x"})))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/oauth/token", elsewhere.uri())),
        )
        .mount(&auth)
        .await;
    let url = token_url(&auth);
    let out = g2a(
        &dir,
        &[
            "auth",
            "login",
            "--auth-url",
            &url,
            "--client-id",
            CLIENT_ID,
        ],
        &format!("{CLIENT_SECRET}\n{PAT}\n"),
    )
    .await;
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("redirect (HTTP 307) to 127.0.0.1") && err.contains("--auth-url"),
        "{err}"
    );
    assert_no_secret(&out, None);
    assert!(!dir.credentials().exists());
    elsewhere.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_on_a_pipe_needs_the_client_id_and_both_lines() {
    let dir = TempDir::new("pipe");
    let out = g2a(
        &dir,
        &["auth", "login"],
        &format!("{CLIENT_SECRET}\n{PAT}\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no client id: pass --client-id ID"),
        "{}",
        stderr(&out)
    );
    let out = g2a(
        &dir,
        &[
            "auth",
            "login",
            "--client-id",
            CLIENT_ID,
            "--auth-url",
            "http://127.0.0.1:9/t",
        ],
        &format!("{CLIENT_SECRET}\n"),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no personal access token on standard input"),
        "{}",
        stderr(&out)
    );
    assert_no_secret(&out, None);
    assert!(!dir.credentials().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credentials_file_others_can_read_is_refused_with_the_chmod_that_fixes_it() {
    let dir = TempDir::new("open");
    dir.sign_in(ACCESS_1, 3600, "http://127.0.0.1:9/oauth/token");
    std::fs::set_permissions(dir.credentials(), std::fs::Permissions::from_mode(0o644))
        .expect("chmod");
    let fix = format!("hint: chmod 600 {}", dir.credentials().display());
    for args in [
        &["auth", "status"][..],
        &["auth", "token"],
        &["print", "42"],
    ] {
        let out = g2a(&dir, args, "").await;
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = stderr(&out);
        assert!(
            err.contains("is readable by others (mode 644)"),
            "{args:?}: {err}"
        );
        assert!(err.contains(&fix), "{args:?}: {err}");
        assert_no_secret(&out, None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_refreshed_before_the_request() {
    let dir = TempDir::new("expired");
    let (auth, api) = (MockServer::start().await, MockServer::start().await);
    refresh_grant()
        .respond_with(token_answer(ACCESS_2, false))
        .expect(1)
        .mount(&auth)
        .await;
    mount_api(&api).await;
    dir.sign_in(ACCESS_1, -10, &token_url(&auth));
    let out = g2a(
        &dir,
        &["print", "42", "--base-url", &api.uri(), "--format", "json"],
        "",
    )
    .await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(stdout(&out).contains("Erin Expert"));
    assert_no_secret(&out, None);
    // The expired token was never sent.
    let sent: Vec<String> = api
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .filter_map(|r| {
            r.headers
                .get("authorization")?
                .to_str()
                .ok()
                .map(String::from)
        })
        .collect();
    assert!(
        !sent.is_empty() && sent.iter().all(|h| h == &format!("Bearer {ACCESS_2}")),
        "{sent:?}"
    );
    let stored = dir.stored();
    assert_eq!(stored["access_token"], ACCESS_2);
    // The answer carried no refresh token: the old one is kept.
    assert_eq!(stored["refresh_token"], REFRESH);
    assert_eq!(mode(&dir.credentials()), 0o600);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_invalid_token_refreshes_once_and_repeats_the_request() {
    let dir = TempDir::new("403");
    let (auth, api) = (MockServer::start().await, MockServer::start().await);
    // Session and transcript both come back rejected: one refresh serves both.
    refresh_grant()
        .respond_with(token_answer(ACCESS_2, true))
        .expect(1)
        .mount(&auth)
        .await;
    Mock::given(method("GET"))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_1}").as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(
                json!({"int_err_code": "InvalidToken", "msg": "Invalid token passed"}),
            ),
        )
        .mount(&api)
        .await;
    mount_api(&api).await;
    dir.sign_in(ACCESS_1, 3600, &token_url(&auth));
    let out = g2a(&dir, &["print", "42", "--base-url", &api.uri()], "").await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(stdout(&out).contains("Erin Expert"));
    assert_no_secret(&out, None);
    assert_eq!(dir.stored()["access_token"], ACCESS_2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_refresh_says_to_sign_in_again_and_exits_3() {
    let dir = TempDir::new("failed");
    let (auth, api) = (MockServer::start().await, MockServer::start().await);
    refresh_grant()
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_grant",
            "error_description": format!("refresh token {REFRESH} expired"),
        })))
        .expect(1)
        .mount(&auth)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&api)
        .await;
    dir.sign_in(ACCESS_1, 3600, &token_url(&auth));
    let before = std::fs::read(dir.credentials()).expect("read");
    let out = g2a(&dir, &["print", "42", "--base-url", &api.uri()], "").await;
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("the stored sign-in could not be refreshed: the token endpoint refused it (HTTP 400): invalid_grant"),
        "{err}"
    );
    assert!(
        err.contains("hint: run `g2a-tui auth login` again"),
        "{err}"
    );
    assert_no_secret(&out, None);
    // The sign-in that failed to refresh is left as it was.
    assert_eq!(std::fs::read(dir.credentials()).expect("read"), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_refreshes_leave_one_valid_file_and_refresh_once() {
    let dir = TempDir::new("concurrent");
    let auth = MockServer::start().await;
    // Slow enough that every process is waiting on the lock while the first refreshes.
    refresh_grant()
        .respond_with(token_answer(ACCESS_2, true).set_delay(std::time::Duration::from_millis(400)))
        .expect(1)
        .mount(&auth)
        .await;
    dir.sign_in(ACCESS_1, -10, &token_url(&auth));
    let runs = (0..4).map(|_| g2a(&dir, &["auth", "token"], ""));
    for out in futures::future::join_all(runs).await {
        assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
        assert_eq!(stdout(&out), format!("{ACCESS_2}\n"));
    }
    assert_eq!(dir.stored()["access_token"], ACCESS_2);
    assert_eq!(mode(&dir.credentials()), 0o600);
    // No temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.app_dir())
        .expect("dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(names.is_empty(), "{names:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_command_is_used_over_the_stored_sign_in_and_never_refreshed() {
    let dir = TempDir::new("command");
    let (auth, api) = (MockServer::start().await, MockServer::start().await);
    refresh_grant()
        .respond_with(token_answer(ACCESS_2, true))
        .expect(0)
        .mount(&auth)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer cmd-token-x1y2"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(
                json!({"int_err_code": "InvalidToken", "msg": "Invalid token passed"}),
            ),
        )
        .mount(&api)
        .await;
    dir.sign_in(ACCESS_1, -10, &token_url(&auth));
    // Split as a shell would, run without one.
    let command = "printf '%s\\n' cmd-token-x1y2";
    let out = g2a(
        &dir,
        &[
            "print",
            "42",
            "--base-url",
            &api.uri(),
            "--token-command",
            command,
        ],
        "",
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "stderr: {}", stderr(&out));
    assert!(
        stderr(&out).contains("HTTP 403 Forbidden"),
        "{}",
        stderr(&out)
    );
    assert_no_secret(&out, None);
    let requests = api.received_requests().await.unwrap_or_default();
    assert!(!requests.is_empty());
    assert!(requests.iter().all(|r| r
        .headers
        .get("authorization")
        .is_some_and(|h| h == "Bearer cmd-token-x1y2")));
    assert_eq!(dir.stored()["access_token"], ACCESS_1);

    let token = g2a(&dir, &["auth", "token", "--token-command", command], "").await;
    assert_eq!(stdout(&token), "cmd-token-x1y2\n");

    // `--token` comes first, and is never refreshed either.
    let given = g2a(
        &dir,
        &[
            "print",
            "42",
            "--base-url",
            &api.uri(),
            "--token",
            "cmd-token-x1y2",
            "--token-command",
            "false",
        ],
        "",
    )
    .await;
    assert_eq!(given.status.code(), Some(3), "stderr: {}", stderr(&given));
    assert_no_secret(&given, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_or_slow_token_command_is_reported() {
    let dir = TempDir::new("badcommand");
    let failing = g2a(
        &dir,
        &[
            "print",
            "42",
            "--token-command",
            "sh -c 'echo no vault >&2; exit 7'",
        ],
        "",
    )
    .await;
    assert_eq!(failing.status.code(), Some(3));
    assert!(
        stderr(&failing).contains("token_command \"sh\" exited with status 7: no vault"),
        "{}",
        stderr(&failing)
    );
    let slow = g2a(
        &dir,
        &[
            "print",
            "42",
            "--timeout",
            "1",
            "--token-command",
            "sleep 30",
        ],
        "",
    )
    .await;
    assert_eq!(slow.status.code(), Some(3));
    assert!(
        stderr(&slow).contains("token_command \"sleep\" did not finish within 1s"),
        "{}",
        stderr(&slow)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logout_removes_the_stored_credentials() {
    let dir = TempDir::new("logout");
    dir.sign_in(ACCESS_1, 3600, "http://127.0.0.1:9/oauth/token");
    let out = g2a(&dir, &["auth", "logout"], "").await;
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
    assert!(
        stdout(&out).contains("Signed out: removed"),
        "{}",
        stdout(&out)
    );
    assert!(!dir.credentials().exists());
    let status = g2a(&dir, &["auth", "status"], "").await;
    assert_eq!(status.status.code(), Some(3));
    assert!(
        stderr(&status).contains("not signed in: no credentials at"),
        "{}",
        stderr(&status)
    );
    let again = g2a(&dir, &["auth", "logout"], "").await;
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains("Not signed in"));
    let print = g2a(&dir, &["print", "42"], "").await;
    assert_eq!(print.status.code(), Some(3));
    assert!(
        stderr(&print).contains("run `g2a-tui auth login`"),
        "{}",
        stderr(&print)
    );
}

/// The viewer's worker, `print`, `list` and `sync` hold clones of one client: the three
/// panes' requests, all rejected at once, cost one refresh and all succeed after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clones_of_one_client_share_one_refresh() {
    use g2a_tui::api::{AuthScheme, Client, ClientConfig};
    use g2a_tui::auth::{CredentialsFile, Tokens};
    let dir = TempDir::new("shared");
    let (auth, api) = (MockServer::start().await, MockServer::start().await);
    refresh_grant()
        .respond_with(token_answer(ACCESS_2, true).set_delay(std::time::Duration::from_millis(200)))
        .expect(1)
        .mount(&auth)
        .await;
    Mock::given(method("GET"))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_1}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(401))
        .mount(&api)
        .await;
    mount_api(&api).await;
    Mock::given(method("GET"))
        .and(path(format!("{API}/systemLinks")))
        .and(header(
            "authorization",
            format!("Bearer {ACCESS_2}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&api)
        .await;
    dir.sign_in(ACCESS_1, 3600, &token_url(&auth));
    let tokens = Tokens::stored(
        CredentialsFile::new(dir.credentials()),
        std::time::Duration::from_secs(5),
    )
    .expect("signed in");
    let config = ClientConfig {
        base_url: api.uri(),
        token: None,
        auth_scheme: AuthScheme::Bearer,
        timeout: std::time::Duration::from_secs(5),
        ..ClientConfig::default()
    };
    let client = Client::with_tokens(&config, tokens).expect("client");
    let (a, b, c) = (client.clone(), client.clone(), client.clone());
    let (session, transcript, links) = tokio::join!(
        a.session("42"),
        b.transcript("42"),
        c.system_links("example.com")
    );
    assert!(session.is_ok(), "{session:?}");
    assert!(transcript.is_ok(), "{transcript:?}");
    assert!(links.is_ok(), "{links:?}");
    let shown = format!("{client:?}");
    for s in SECRETS {
        assert!(!shown.contains(s), "{s} in {shown}");
    }
    assert_eq!(dir.stored()["access_token"], ACCESS_2);
}

/// On a terminal, `auth login` asks for the client id (echoed), then the secret and the
/// token without echo: neither ever reaches the screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_login_asks_and_the_secrets_are_not_echoed() {
    use portable_pty::{native_pty_system, CommandBuilder, PtySize};
    use std::io::{Read, Write};
    use std::sync::{Arc, Mutex};
    let dir = TempDir::new("tty");
    let auth = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/oauth/token"))
        .and(header("authorization", basic().as_str()))
        .and(body_string(
            "grant_type=personal_access_token&pat=pat%2B9c%2F1%3D",
        ))
        .respond_with(token_answer(ACCESS_1, true))
        .expect(1)
        .mount(&auth)
        .await;
    let url = token_url(&auth);
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 100,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(["auth", "login", "--auth-url", &url]);
    for var in [
        "G2A_TOKEN",
        "G2A_TOKEN_COMMAND",
        "G2A_CLIENT_ID",
        "G2A_AUTH_URL",
        "G2A_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TERM", "xterm-256color");
    cmd.env("RUST_BACKTRACE", "0");
    cmd.env("XDG_DATA_HOME", dir.0.join("data"));
    cmd.env("XDG_CONFIG_HOME", dir.0.join("config"));
    let mut child = pty.slave.spawn_command(cmd).expect("spawn g2a-tui");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("reader");
    let mut writer = pty.master.take_writer().expect("writer");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().expect("seen").extend_from_slice(&buf[..n]);
        }
    });
    let text = || String::from_utf8_lossy(&seen.lock().expect("seen")).into_owned();
    let wait_for = |what: &str| {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while !text().contains(what) {
            assert!(
                std::time::Instant::now() < deadline,
                "no {what:?} in {:?}",
                text()
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    };
    let mut answer = |line: &str| {
        writer
            .write_all(format!("{line}\r").as_bytes())
            .expect("type");
        writer.flush().expect("flush");
    };
    wait_for("Client id: ");
    answer(CLIENT_ID);
    wait_for("Client secret: ");
    answer(CLIENT_SECRET);
    wait_for("Personal access token: ");
    answer(PAT);
    wait_for("Credentials stored in");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().expect("try_wait") {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "login did not end: {}",
            text()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(status.exit_code(), 0, "{}", text());
    let shown = text();
    assert!(shown.contains(CLIENT_ID), "{shown}");
    for s in SECRETS {
        assert!(!shown.contains(s), "{s} echoed: {shown}");
    }
    assert_eq!(dir.stored()["access_token"], ACCESS_1);
}

/// A user the API refuses whatever the token (no Remote Support seat): the fresh token
/// it rejects too is the answer, and the viewer's polls do not refresh again each time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_token_rejected_again_is_not_refreshed_on_every_request() {
    use g2a_tui::api::{ApiError, AuthScheme, Client, ClientConfig};
    use g2a_tui::auth::{CredentialsFile, Tokens};
    let dir = TempDir::new("seatless");
    let (auth, api) = (MockServer::start().await, MockServer::start().await);
    refresh_grant()
        .respond_with(token_answer(ACCESS_2, true))
        .expect(1)
        .mount(&auth)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&api)
        .await;
    dir.sign_in(ACCESS_1, 3600, &token_url(&auth));
    let tokens = Tokens::stored(
        CredentialsFile::new(dir.credentials()),
        std::time::Duration::from_secs(5),
    )
    .expect("signed in");
    let config = ClientConfig {
        base_url: api.uri(),
        token: None,
        auth_scheme: AuthScheme::Bearer,
        timeout: std::time::Duration::from_secs(5),
        ..ClientConfig::default()
    };
    let client = Client::with_tokens(&config, tokens).expect("client");
    for _ in 0..3 {
        let got = client.session("42").await;
        assert!(matches!(got, Err(ApiError::Unauthorized { .. })), "{got:?}");
    }
    // The first request went out with the old token and once more with the new one.
    let requests = api.received_requests().await.unwrap_or_default();
    assert_eq!(requests.len(), 4);
}

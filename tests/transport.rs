//! Issue 10's transport tests: where the token may go. The binary as a user runs it
//! (flags, environment, a fake proxy that records every connection made to it), and the
//! real `Client` against wiremock on two ports for redirects.

use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use g2a_tui::api::retry::RetryPolicy;
use g2a_tui::api::{ApiError, Client, ClientConfig};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "transport-test-token";
const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
];

/// The binary with a clean environment: no user config, store, sign-in or proxy.
fn g2a(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_g2a-tui"));
    cmd.args(args);
    for var in [
        "G2A_TOKEN",
        "G2A_BASE_URL",
        "G2A_SYSTEM_DOMAIN",
        "G2A_CONFIG",
        "G2A_TIMEOUT",
        "G2A_RETRIES",
        "G2A_ALLOW_INSECURE_HTTP",
        "G2A_TOKEN_COMMAND",
        "NO_PROXY",
        "no_proxy",
    ]
    .iter()
    .chain(PROXY_VARS.iter())
    {
        cmd.env_remove(var);
    }
    let nowhere = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("transport-nowhere");
    cmd.env("TZ", "UTC")
        .env("RUST_BACKTRACE", "0")
        .env("G2A_NO_STORE", "1")
        .env("XDG_DATA_HOME", nowhere.join("data"))
        .env("XDG_CONFIG_HOME", nowhere.join("config"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run g2a-tui")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A "proxy" on loopback that counts the connections made to it and closes each.
async fn fake_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(sock);
        }
    });
    (format!("http://{addr}"), seen)
}

fn proxied(proxy: &str) -> Vec<(&'static str, String)> {
    PROXY_VARS.iter().map(|v| (*v, proxy.to_string())).collect()
}

/// A tiny API on `listener`: a session for any GET, "no transcript" for its events.
async fn serve_api(listener: tokio::net::TcpListener) {
    while let Ok((mut sock, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buf = vec![0u8; 8192];
            let n = sock.read(&mut buf).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]).into_owned();
            let line = request.lines().next().unwrap_or_default().to_string();
            let (status, body) = if line.contains("/events") {
                ("404 Not Found", "{}".to_string())
            } else {
                (
                    "200 OK",
                    json!({"sessionId": "482913657", "status": "complete"}).to_string(),
                )
            };
            let answer = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = sock.write_all(answer.as_bytes()).await;
        });
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn non_loopback_http_is_refused_and_allowed_with_the_flag() {
    let (proxy, seen) = fake_proxy().await;
    let env: Vec<(&str, String)> = proxied(&proxy);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let args = [
        "print",
        "482913657",
        "--base-url",
        "http://api.example.com",
        "--token",
        TOKEN,
        "--retries",
        "0",
    ];
    let refused = g2a(&args, &env);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    let err = stderr(&refused);
    assert!(
        err.contains("refusing to send the access token in clear to http://api.example.com/"),
        "{err}"
    );
    assert!(err.contains("--allow-insecure-http"), "{err}");
    assert!(!err.contains(TOKEN), "{err}");
    assert_eq!(seen.load(Ordering::SeqCst), 0, "nothing went out");

    // With the flag (or its variable) the request goes out: through the proxy here,
    // which hangs up, so it fails as a network error, not as a usage error.
    let mut allowed_args = args.to_vec();
    allowed_args.push("--allow-insecure-http");
    let allowed = g2a(&allowed_args, &env);
    assert_eq!(allowed.status.code(), Some(5), "{}", stderr(&allowed));
    let mut with_var = env.clone();
    with_var.push(("G2A_ALLOW_INSECURE_HTTP", "1"));
    let allowed = g2a(&args, &with_var);
    assert_eq!(allowed.status.code(), Some(5), "{}", stderr(&allowed));
    assert!(seen.load(Ordering::SeqCst) >= 2, "the requests went out");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_loopback_spelling_bypasses_a_proxy() {
    let (proxy, seen) = fake_proxy().await;
    let v4 = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = v4.local_addr().expect("addr").port();
    tokio::spawn(serve_api(v4));
    let mut bases = vec![
        format!("http://127.0.0.1:{port}"),
        format!("http://localhost:{port}"),
        format!("http://localhost.:{port}"),
        format!("http://LocalHost.:{port}/G2A/rest/v1"),
    ];
    // IPv6 may be off in a container: those spellings are tried where it is on.
    if std::net::TcpStream::connect(("::ffff:127.0.0.1", port)).is_ok() {
        bases.push(format!("http://[::ffff:127.0.0.1]:{port}"));
    }
    if let Ok(v6) = tokio::net::TcpListener::bind("[::1]:0").await {
        let port6 = v6.local_addr().expect("addr").port();
        tokio::spawn(serve_api(v6));
        bases.push(format!("http://[::1]:{port6}"));
    }
    let env = proxied(&proxy);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for base in &bases {
        let out = g2a(
            &[
                "print",
                "482913657",
                "--base-url",
                base,
                "--token",
                TOKEN,
                "--format",
                "json",
                "--retries",
                "0",
            ],
            &env,
        );
        assert_eq!(out.status.code(), Some(0), "{base}: {}", stderr(&out));
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("482913657"),
            "{base}"
        );
        assert_eq!(
            seen.load(Ordering::SeqCst),
            0,
            "{base} went through the proxy"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreachable_proxy_is_named_as_the_proxy() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let proxy = format!("http://{addr}");
    let env = proxied(&proxy);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = g2a(
        &[
            "print",
            "482913657",
            "--base-url",
            "https://api.example.com",
            "--token",
            TOKEN,
            "--retries",
            "0",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("cannot connect to the proxy {addr}")),
        "{err}"
    );
    assert!(err.contains("HTTPS_PROXY"), "{err}");
}

#[test]
fn userinfo_is_refused_without_echo() {
    for base in [
        "https://alice:s3cr3t-pw@api.example.com",
        "https://alice:s3cr3t-pw@api.example.com:99999999/",
        "http://alice:s3cr3t-pw@127.0.0.1:9",
    ] {
        let out = g2a(
            &["print", "482913657", "--base-url", base, "--token", TOKEN],
            &[],
        );
        assert_eq!(out.status.code(), Some(2), "{base}: {}", stderr(&out));
        let all = format!("{}{}", stderr(&out), String::from_utf8_lossy(&out.stdout));
        assert!(!all.contains("s3cr3t"), "{base}: {all}");
        assert!(!all.contains("alice"), "{base}: {all}");
        assert!(all.contains("invalid base URL"), "{base}: {all}");
    }
}

fn client(base: &str) -> Client {
    Client::new(&ClientConfig {
        base_url: base.to_string(),
        token: Some(TOKEN.to_string()),
        timeout: Duration::from_secs(5),
        retry: RetryPolicy::with_retries(0),
        ..ClientConfig::default()
    })
    .expect("client")
}

fn session_json() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"sessionId": "482913657"}))
}

#[tokio::test]
async fn a_redirect_to_another_port_drops_the_token() {
    let first = MockServer::start().await;
    let second = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/moved/1", second.uri()).as_str()),
        )
        .mount(&first)
        .await;
    Mock::given(any())
        .respond_with(session_json())
        .mount(&second)
        .await;
    let s = client(&first.uri()).session("1").await;
    assert!(s.is_ok(), "{s:?}");
    let asked_first = first.received_requests().await.expect("recorded");
    let asked_second = second.received_requests().await.expect("recorded");
    assert_eq!((asked_first.len(), asked_second.len()), (1, 1));
    assert!(asked_first[0].headers.contains_key("authorization"));
    assert!(
        !asked_second[0].headers.contains_key("authorization"),
        "{:?}",
        asked_second[0].headers
    );
    assert!(!asked_second[0].headers.contains_key("referer"));
}

/// The other server, not sent the token, refuses: that says nothing about the token, so
/// the error names the redirect rather than telling the user to sign in again.
#[tokio::test]
async fn a_refusal_from_a_server_redirected_to_names_the_redirect() {
    let first = MockServer::start().await;
    let second = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/moved/1", second.uri()).as_str()),
        )
        .mount(&first)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(401))
        .mount(&second)
        .await;
    let e = client(&first.uri())
        .session("1")
        .await
        .expect_err("refused");
    let port = second.address().port();
    assert!(matches!(e, ApiError::Redirect { .. }), "{e:?}");
    assert!(
        e.to_string()
            .contains(&format!("to 127.0.0.1:{port} (another server, where the token is not sent), which answered HTTP 401")),
        "{e}"
    );
}

#[tokio::test]
async fn a_redirect_on_the_same_server_keeps_the_token_and_sends_no_referer() {
    let server = MockServer::start().await;
    Mock::given(path("/G2A/rest/v1/sessions/secret-session-id"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", "/moved"))
        .mount(&server)
        .await;
    Mock::given(path("/moved"))
        .respond_with(session_json())
        .mount(&server)
        .await;
    let s = client(&server.uri()).session("secret-session-id").await;
    assert!(s.is_ok(), "{s:?}");
    let asked = server.received_requests().await.expect("recorded");
    assert_eq!(asked.len(), 2);
    assert_eq!(
        asked[1].headers.get("authorization").map(|v| v.as_bytes()),
        Some(format!("Bearer {TOKEN}").as_bytes())
    );
    for r in &asked {
        assert!(!r.headers.contains_key("referer"), "{:?}", r.headers);
    }
}

/// After a redirect the error names the host actually contacted, not the base URL's.
#[tokio::test]
async fn errors_after_a_redirect_name_the_host_contacted() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let gone = closed.local_addr().expect("addr");
    drop(closed);
    let first = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(301)
                .insert_header("Location", format!("http://{gone}/x").as_str()),
        )
        .mount(&first)
        .await;
    let e = client(&first.uri()).session("1").await.expect_err("gone");
    assert!(
        matches!(&e, ApiError::Connect { host, .. } if *host == gone.to_string()),
        "{e:?}"
    );

    // A web page at the end of a redirect names where it came from.
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>nothing here</html>"))
        .mount(&other)
        .await;
    let first = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/landing", other.uri()).as_str()),
        )
        .mount(&first)
        .await;
    let e = client(&first.uri()).session("1").await.expect_err("404");
    assert!(
        matches!(&e, ApiError::NotTheApi { url, .. } if *url == format!("{}/landing", other.uri())),
        "{e:?}"
    );
}

/// Piped, `print` says nothing of its retries: a script reads only the outcome.
#[test]
fn print_piped_keeps_retries_off_stderr() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    let base = format!("http://{addr}");
    let out = g2a(
        &[
            "print",
            "482913657",
            "--base-url",
            &base,
            "--token",
            TOKEN,
            "--retries",
            "1",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("retrying"), "{err}");
    assert!(err.contains(&format!("cannot connect to {addr}")), "{err}");
}

/// The test CA and a server certificate for `localhost` and `127.0.0.1` it signed
/// (tests/fixtures/tls; the key was made for these tests and protects nothing).
fn tls_fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/tls")
        .join(name)
}

/// An HTTPS server on loopback that answers every request with `answer` (a whole HTTP/1.1
/// response) and counts the requests it read.
async fn tls_server(answer: String) -> (u16, Arc<AtomicUsize>) {
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(tls_fixture("localhost.pem"))
            .expect("certificate file")
            .collect::<Result<_, _>>()
            .expect("certificates");
    let key = PrivateKeyDer::from_pem_file(tls_fixture("localhost.key")).expect("key");
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_no_client_auth()
    .with_single_cert(certs, key)
    .expect("server config");
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let seen = Arc::new(AtomicUsize::new(0));
    let counter = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let answer = answer.clone();
            let counter = counter.clone();
            tokio::spawn(async move {
                // A client that does not trust the certificate ends here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = tls.write_all(answer.as_bytes()).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (port, seen)
}

async fn g2a_async(args: Vec<String>) -> Output {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        g2a(&args, &[])
    })
    .await
    .expect("the run")
}

/// A redirect from `https` down to `http` is refused: the token is not sent on, and the
/// transcript would come back in clear. Run end to end over real TLS (`--ca-file` trusts
/// the test CA).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_https_to_http_redirect_is_refused() {
    let plain = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"sessionId": "42"})))
        .expect(0)
        .mount(&plain)
        .await;
    let answer = format!(
        "HTTP/1.1 302 Found\r\nLocation: {}/G2A/rest/v1/sessions/42\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        plain.uri()
    );
    let (port, seen) = tls_server(answer).await;
    let ca = tls_fixture("ca.pem").display().to_string();
    let out = g2a_async(
        [
            "print",
            "42",
            "--base-url",
            &format!("https://localhost:{port}"),
            "--ca-file",
            &ca,
            "--token",
            TOKEN,
            "--retries",
            "0",
        ]
        .map(String::from)
        .to_vec(),
    )
    .await;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "{err}");
    assert!(
        seen.load(Ordering::SeqCst) >= 1,
        "the https server was asked"
    );
    assert!(
        err.contains("redirected from https to http://127.0.0.1") && err.contains("not followed"),
        "{err}"
    );
    assert!(!err.contains(TOKEN), "{err}");
    plain.verify().await;
}

/// A server whose certificate no built-in root signed fails with the certificate named;
/// `--ca-file` with the right CA gets through; a file that is not PEM is a usage error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ca_file_trusts_a_private_ca_and_a_bad_one_is_a_usage_error() {
    let body = r#"{"sessionId":"42","status":"Completed"}"#;
    let answer = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let (port, _) = tls_server(answer).await;
    let base = format!("https://127.0.0.1:{port}");
    let run = |extra: Vec<String>| {
        let mut args: Vec<String> = ["print", "42", "--format", "json", "--base-url", &base]
            .map(String::from)
            .to_vec();
        args.extend([
            "--token".into(),
            TOKEN.into(),
            "--retries".into(),
            "0".into(),
        ]);
        args.extend(extra);
        g2a_async(args)
    };
    let untrusted = run(vec![]).await;
    let err = stderr(&untrusted);
    assert_eq!(untrusted.status.code(), Some(5), "{err}");
    assert!(err.contains("its certificate is not trusted"), "{err}");
    assert!(
        err.contains("hint: behind a company proxy") && err.contains("--ca-file"),
        "{err}"
    );

    let ca = tls_fixture("ca.pem").display().to_string();
    let trusted = run(vec!["--ca-file".into(), ca]).await;
    assert!(
        String::from_utf8_lossy(&trusted.stdout).contains("\"sessionId\": \"42\""),
        "{}\n{}",
        String::from_utf8_lossy(&trusted.stdout),
        stderr(&trusted)
    );

    let not_pem = tls_fixture("../../transport.rs").display().to_string();
    let bad = run(vec!["--ca-file".into(), not_pem]).await;
    let err = stderr(&bad);
    assert_eq!(bad.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot use the CA file"), "{err}");
    let missing = run(vec!["--ca-file".into(), "/nonexistent/ca.pem".into()]).await;
    assert_eq!(missing.status.code(), Some(2), "{}", stderr(&missing));
}

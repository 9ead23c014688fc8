//! Where the token may go (issue 10): never in clear to another machine, never to a host
//! a redirect names, never through a proxy for a loopback address, never in a `Referer`.
//! Redirects are followed here, by hand, because reqwest keeps the `Authorization` header
//! when only the scheme changes and follows `https` to `http` without a word.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use reqwest::header::{HeaderValue, AUTHORIZATION, LOCATION};
use reqwest::{Response, StatusCode, Url};

use super::error::{ApiError, Endpoint};
use crate::sanitize::excerpt;

/// As many hops as a browser would take before calling it a loop.
const MAX_REDIRECTS: usize = 10;

/// `127.0.0.0/8`, `::1`, `::ffff:127.x.y.z`, `localhost` and `localhost.`: this machine,
/// where plain `http` carries the token nowhere and no proxy has any business.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => is_loopback_v6(ip),
        Some(url::Host::Domain(name)) => is_localhost_name(name),
        None => false,
    }
}

fn is_loopback_v6(ip: Ipv6Addr) -> bool {
    ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
}

/// `localhost` with or without the root's dot (RFC 6761: it always means this machine).
fn is_localhost_name(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name);
    name.eq_ignore_ascii_case("localhost")
}

/// The base URL may be used: no user name or password in it, and `http` only to this
/// machine unless `allow_insecure_http`. The message never repeats the credentials.
pub fn check_base(url: &Url, allow_insecure_http: bool) -> Result<(), ApiError> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ApiError::InvalidBaseUrl {
            url: shown(url),
            reason: "it must not carry a user name or password (the token is given with --token or `g2a-tui auth login`)".into(),
        });
    }
    if url.scheme() == "http" && !is_loopback(url) && !allow_insecure_http {
        return Err(ApiError::InsecureHttp { url: shown(url) });
    }
    Ok(())
}

/// A URL for a message: without user name or password, sanitised.
pub fn shown(url: &Url) -> String {
    let mut url = url.clone();
    // Only fails for URLs that cannot carry credentials, which then carry none.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    excerpt(url.as_str(), 200)
}

/// A base URL as typed, for a message about why it cannot be parsed: whatever stands
/// between `://` and an `@` (a user name and password) is left out.
pub fn shown_raw(raw: &str) -> String {
    let raw = raw.trim();
    let hidden = raw.split_once("://").and_then(|(scheme, rest)| {
        let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let at = rest[..authority_end].rfind('@')?;
        Some(format!("{scheme}://…@{}", &rest[at + 1..]))
    });
    excerpt(hidden.as_deref().unwrap_or(raw), 80)
}

/// `host:port` of a URL, for messages.
pub fn host_port(url: &Url) -> String {
    let host = url.host_str().unwrap_or("the server");
    let host = match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    excerpt(&host, 80)
}

/// The client's builder with this module's rules: no redirects followed by reqwest, no
/// `Referer`, no proxy for a loopback base, and `localhost` always this machine (a
/// resolver need not know `localhost.`, and none may send it elsewhere).
pub fn builder(base: &Url) -> reqwest::ClientBuilder {
    let mut builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .referer(false);
    if is_loopback(base) {
        builder = builder.no_proxy();
    }
    if let Some(url::Host::Domain(name)) = base.host() {
        if is_localhost_name(name) {
            let here = [
                SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
                SocketAddr::from((Ipv6Addr::LOCALHOST, 0)),
            ];
            builder = builder.resolve_to_addrs(name, &here);
        }
    }
    builder
}

/// Why a GET got no answer.
pub enum SendError {
    /// reqwest failed on the way to `url` (the host actually contacted).
    Http { error: reqwest::Error, url: Url },
    /// A redirect not followed.
    Refused(ApiError),
    /// No answer (its status line) within the time given.
    TimedOut,
}

/// GETs `url` with `authorization`, following redirects by hand: the header goes only to
/// the scheme, host and port it was meant for, and never from `https` down to `http`.
/// Returns the answer and the URL that gave it.
pub async fn get(
    http: &reqwest::Client,
    url: Url,
    authorization: HeaderValue,
    timeout: Duration,
    endpoint: Endpoint,
) -> Result<(Response, Url), SendError> {
    let origin = Origin::of(&url);
    let mut url = url;
    for _ in 0..=MAX_REDIRECTS {
        // Only the wait for the answer to begin is timed here: a big body that keeps
        // arriving may take longer (the client's read timeout stops one that stalls).
        let mut request = http.get(url.clone());
        if Origin::of(&url) == origin {
            request = request.header(AUTHORIZATION, authorization.clone());
        }
        let response = tokio::time::timeout(timeout, request.send())
            .await
            .map_err(|_| SendError::TimedOut)?
            .map_err(|error| SendError::Http {
                error,
                url: url.clone(),
            })?;
        let Some(next) = redirect_target(&response, &url) else {
            return Ok((response, url));
        };
        url = next
            .and_then(|next| downgrade(&url, next))
            .map_err(|detail| SendError::Refused(ApiError::Redirect { endpoint, detail }))?;
    }
    Err(SendError::Refused(ApiError::Redirect {
        endpoint,
        detail: format!("more than {MAX_REDIRECTS} times (last to {})", shown(&url)),
    }))
}

/// `next`, unless it leads from `https` down to `http`: whatever the token, the answer
/// (a transcript) would travel in clear.
fn downgrade(from: &Url, next: Url) -> Result<Url, String> {
    if from.scheme() == "https" && next.scheme() == "http" {
        return Err(format!(
            "from https to {} (it would travel in clear)",
            shown(&next)
        ));
    }
    Ok(next)
}

/// Where a redirect answer leads, if it is one (`None` for any other answer).
fn redirect_target(response: &Response, from: &Url) -> Option<Result<Url, String>> {
    let status = response.status();
    if !matches!(
        status,
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    ) {
        return None;
    }
    // A redirect without a usable Location is an answer like any other (its status).
    let location = response.headers().get(LOCATION)?.to_str().ok()?;
    Some(match from.join(location.trim()) {
        Ok(next) if matches!(next.scheme(), "http" | "https") => Ok(next),
        Ok(next) => Err(format!("to a {} address", excerpt(next.scheme(), 20))),
        Err(_) => Err(format!("to {:?}, not an address", excerpt(location, 80))),
    })
}

/// Whether `a` and `b` share scheme, host and port: a token for one goes to the other.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    Origin::of(a) == Origin::of(b)
}

/// Scheme, host and port: where a token may be sent.
#[derive(PartialEq, Eq)]
struct Origin {
    scheme: String,
    host: Option<String>,
    port: Option<u16>,
}

impl Origin {
    fn of(url: &Url) -> Origin {
        Origin {
            scheme: url.scheme().to_ascii_lowercase(),
            host: url.host_str().map(str::to_ascii_lowercase),
            port: url.port_or_known_default(),
        }
    }
}

/// The proxy the environment sets for `url` (as reqwest reads it), for naming it when it
/// cannot be reached. `None` for a loopback URL: those never go through one.
pub fn proxy_for(base: &Url, url: &Url) -> Option<String> {
    if is_loopback(base) {
        return None;
    }
    let uri: http::Uri = url.as_str().parse().ok()?;
    let matcher = hyper_util::client::proxy::matcher::Matcher::from_system();
    let proxy = matcher.intercept(&uri)?;
    let proxy = proxy.uri();
    let host = proxy.host()?;
    Some(excerpt(
        &match proxy.port_u16() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        },
        80,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn every_spelling_of_this_machine_is_loopback() {
        for s in [
            "http://127.0.0.1:8080/",
            "http://127.1.2.3/",
            "http://[::1]:9/",
            "http://[::ffff:127.0.0.1]:9/",
            "http://localhost/",
            "http://LOCALHOST./",
            "http://localhost.:8080/",
        ] {
            assert!(is_loopback(&url(s)), "{s}");
        }
        for s in [
            "http://10.0.0.1/",
            "http://[::ffff:10.0.0.1]/",
            "http://localhost.example.com/",
            "http://mylocalhost/",
            "https://api.getgo.com/",
        ] {
            assert!(!is_loopback(&url(s)), "{s}");
        }
    }

    #[test]
    fn a_redirect_from_https_to_http_is_refused() {
        let from = url("https://api.example.com/G2A/rest/v1/sessions/1");
        let e = downgrade(&from, url("http://api.example.com/x")).unwrap_err();
        assert_eq!(
            e,
            "from https to http://api.example.com/x (it would travel in clear)"
        );
        assert!(downgrade(&from, url("https://other.example.com/x")).is_ok());
        let plain = url("http://127.0.0.1:9/x");
        assert!(downgrade(&plain, url("https://api.example.com/x")).is_ok());
        assert!(downgrade(&plain, url("http://127.0.0.1:10/x")).is_ok());
    }

    #[test]
    fn the_token_goes_only_where_it_was_meant_for() {
        let base = Origin::of(&url("http://127.0.0.1:8080/G2A/rest/v1/sessions/1"));
        assert!(base == Origin::of(&url("http://127.0.0.1:8080/elsewhere")));
        assert!(base == Origin::of(&url("HTTP://127.0.0.1:8080/")));
        for other in [
            "https://127.0.0.1:8080/",
            "http://127.0.0.1:8081/",
            "http://localhost:8080/",
            "http://127.0.0.1/",
        ] {
            assert!(base != Origin::of(&url(other)), "{other}");
        }
        let tls = Origin::of(&url("https://api.example.com/"));
        assert!(tls == Origin::of(&url("https://api.example.com:443/")));
    }

    #[test]
    fn http_only_to_this_machine_unless_allowed() {
        assert!(matches!(
            check_base(&url("http://api.example.com/"), false),
            Err(ApiError::InsecureHttp { .. })
        ));
        assert_eq!(check_base(&url("http://api.example.com/"), true), Ok(()));
        assert_eq!(check_base(&url("http://127.0.0.1:1/"), false), Ok(()));
        assert_eq!(check_base(&url("https://api.example.com/"), false), Ok(()));
    }

    #[test]
    fn credentials_are_refused_and_never_repeated() {
        let e = check_base(&url("https://alice:s3cret@api.example.com/"), true)
            .map(|()| String::new())
            .unwrap_or_else(|e| e.to_string());
        assert!(e.contains("user name or password"), "{e}");
        assert!(!e.contains("s3cret") && !e.contains("alice"), "{e}");
        assert_eq!(
            shown_raw("https://alice:s3cret@api.example.com:99999/x"),
            "https://…@api.example.com:99999/x"
        );
        assert_eq!(shown_raw("https://h/a@b"), "https://h/a@b");
    }
}

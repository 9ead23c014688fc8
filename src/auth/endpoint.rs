//! The OAuth token endpoint: the personal-access-token grant that signs in and the
//! refresh grant that keeps the sign-in alive (both HTTP Basic with the client id and
//! secret, form bodies; ../shared/api/NOTES.md). Its answers are untrusted: errors
//! quote them sanitised, short, and with every secret of the request cut out.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::header::{HeaderValue, ACCEPT};
use serde_json::Value;

use super::{AuthError, Credentials};
use crate::sanitize::{excerpt, sanitize_line};

pub const DEFAULT_AUTH_URL: &str = "https://authentication.logmeininc.com/oauth/token";
/// Access tokens last 60 minutes (NOTES.md); assumed when the answer does not say.
const DEFAULT_EXPIRES_IN: i64 = 3600;
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// One token endpoint and the HTTP client that reaches it.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    http: reqwest::Client,
    url: reqwest::Url,
}

impl TokenEndpoint {
    pub fn new(url: &str, timeout: Duration) -> Result<Self, AuthError> {
        Self::trusting(url, timeout, &[])
    }

    /// [`TokenEndpoint::new`], trusting `roots` besides the built-in CA certificates.
    pub fn trusting(
        url: &str,
        timeout: Duration,
        roots: &[reqwest::Certificate],
    ) -> Result<Self, AuthError> {
        let bad = |detail: &str| {
            AuthError::Input(format!("invalid auth URL {:?}: {detail}", excerpt(url, 80)))
        };
        let parsed = reqwest::Url::parse(url.trim()).map_err(|e| bad(&e.to_string()))?;
        let loopback = crate::api::transport::is_loopback(&parsed);
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(AuthError::Input(
                "invalid auth URL: it must not carry a user name or password".into(),
            ));
        }
        // The client secret and the PAT go in this request: never in clear over a network.
        match parsed.scheme() {
            "https" => {}
            "http" if loopback => {}
            "http" => return Err(bad("it must use https:// (http:// only to this machine)")),
            _ => return Err(bad("it must start with https://")),
        }
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("g2a-tui/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .timeout(timeout)
            // The request carries the client secret and the PAT or refresh token: a
            // redirect would hand them to whoever it names, so none is followed.
            .redirect(reqwest::redirect::Policy::none())
            .referer(false);
        for root in roots {
            builder = builder.add_root_certificate(root.clone());
        }
        if loopback {
            builder = builder.no_proxy();
        }
        let http = builder.build().map_err(|e| AuthError::Endpoint {
            url: shown(&parsed),
            detail: e.to_string(),
        })?;
        Ok(TokenEndpoint { http, url: parsed })
    }

    /// Signs in with a personal access token.
    pub async fn sign_in(
        &self,
        client_id: &str,
        client_secret: &str,
        pat: &str,
    ) -> Result<Credentials, AuthError> {
        let answer = self
            .post(
                client_id,
                client_secret,
                &[("grant_type", "personal_access_token"), ("pat", pat)],
                &[pat],
            )
            .await?;
        Ok(Credentials {
            auth_url: self.url.to_string(),
            client_id: client_id.to_string(),
            client_secret: client_secret.to_string(),
            access_token: answer.access_token,
            refresh_token: answer.refresh_token,
            expires_at: Some(answer.expires_at),
            principal: answer.principal,
        })
    }

    /// A new access token for `creds`; the refresh token is kept when the answer
    /// carries none (it usually does not, NOTES.md says).
    pub async fn refresh(&self, creds: &Credentials) -> Result<Credentials, AuthError> {
        let refresh_token =
            creds
                .refresh_token
                .as_deref()
                .ok_or_else(|| AuthError::RefreshFailed {
                    detail: "the sign-in has no refresh token".into(),
                })?;
        let answer = self
            .post(
                &creds.client_id,
                &creds.client_secret,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                ],
                &[refresh_token, &creds.access_token],
            )
            .await?;
        Ok(Credentials {
            access_token: answer.access_token,
            refresh_token: answer.refresh_token.or_else(|| creds.refresh_token.clone()),
            expires_at: Some(answer.expires_at),
            principal: answer.principal.or_else(|| creds.principal.clone()),
            ..creds.clone()
        })
    }

    async fn post(
        &self,
        client_id: &str,
        client_secret: &str,
        form: &[(&str, &str)],
        secrets: &[&str],
    ) -> Result<Answer, AuthError> {
        let mut secrets: Vec<&str> = secrets.to_vec();
        secrets.push(client_secret);
        let url = shown(&self.url);
        let failed = |detail: String| AuthError::Endpoint {
            url: url.clone(),
            detail: scrub(&detail, &secrets),
        };
        let mut response = self
            .http
            .post(self.url.clone())
            .basic_auth(client_id, Some(client_secret))
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .form(form)
            .send()
            .await
            .map_err(|e| failed(transport(e)))?;
        let status = response.status();
        if status.is_redirection() {
            let to = response
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| self.url.join(l).ok())
                .and_then(|u| u.host_str().map(|h| excerpt(h, 80)))
                .unwrap_or_else(|| "another address".into());
            return Err(failed(format!(
                "answered with a redirect (HTTP {}) to {to}; the secrets are not sent on: give the final address with --auth-url",
                status.as_u16()
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| failed(transport(e)))? {
            if body.len() + chunk.len() > MAX_ANSWER_BYTES {
                return Err(failed("the answer is too large".into()));
            }
            body.extend_from_slice(&chunk);
        }
        let json: Option<Value> = serde_json::from_slice(&body).ok();
        if !status.is_success() {
            // RFC 6749: {"error": "invalid_client", "error_description": "…"}.
            let detail = match &json {
                Some(v) => [v.get("error"), v.get("error_description")]
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(": "),
                None => String::from_utf8_lossy(&body).into_owned(),
            };
            return Err(AuthError::Refused {
                status: status.as_u16(),
                detail: scrub(&detail, &secrets),
            });
        }
        let Some(json) = json else {
            return Err(failed(format!(
                "the answer (HTTP {}) is not JSON",
                status.as_u16()
            )));
        };
        Answer::from_value(&json, Utc::now())
            .ok_or_else(|| failed("the answer has no access_token".into()))
    }
}

struct Answer {
    access_token: String,
    refresh_token: Option<String>,
    expires_at: DateTime<Utc>,
    principal: Option<String>,
}

impl Answer {
    fn from_value(v: &Value, now: DateTime<Utc>) -> Option<Answer> {
        let text = |key: &str| {
            v.get(key)
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        let expires_in = match v.get("expires_in") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse().ok(),
            _ => None,
        }
        .filter(|s| *s > 0)
        .unwrap_or(DEFAULT_EXPIRES_IN)
        .min(10 * 365 * 24 * 3600);
        Some(Answer {
            access_token: text("access_token")?,
            refresh_token: text("refresh_token"),
            expires_at: now + chrono::Duration::seconds(expires_in),
            principal: text("principal").map(|p| sanitize_line(&p).into_owned()),
        })
    }
}

/// Server text made safe to show: every secret of the request cut out, sanitised, short.
fn scrub(text: &str, secrets: &[&str]) -> String {
    let mut text = text.to_string();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(*s, "[secret]");
    }
    let mut clean = sanitize_line(&text).into_owned();
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        clean = clean.replace(*s, "[secret]");
    }
    excerpt(&clean, 160)
}

fn shown(url: &reqwest::Url) -> String {
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    excerpt(url.as_str(), 200)
}

/// A failed exchange in a few words: hyper's wrapping of a refused connection only
/// adds noise to "Connection refused".
fn transport(e: reqwest::Error) -> String {
    if e.is_timeout() {
        return "no answer in time".into();
    }
    if e.is_connect() {
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            cause = next;
        }
        return format!("cannot connect: {cause}");
    }
    crate::api::client::causes(&e.without_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_as_the_endpoint_may_send_them() {
        let now = Utc::now();
        let a = Answer::from_value(
            &serde_json::json!({"access_token": "a", "expires_in": "120", "principal": "t@x\u{1b}[2J"}),
            now,
        );
        let a = a.expect("an answer");
        assert_eq!(a.expires_at, now + chrono::Duration::seconds(120));
        assert_eq!(a.refresh_token, None);
        // Untrusted text: no escape sequence reaches the terminal through `auth status`.
        let principal = a.principal.unwrap_or_default();
        assert!(
            principal.starts_with("t@x") && !principal.contains('\u{1b}'),
            "{principal:?}"
        );
        let b = Answer::from_value(&serde_json::json!({"access_token": "a"}), now);
        assert_eq!(
            b.map(|b| b.expires_at),
            Some(now + chrono::Duration::seconds(3600))
        );
        assert!(Answer::from_value(&serde_json::json!({"access_token": ""}), now).is_none());
        assert!(Answer::from_value(&serde_json::json!([]), now).is_none());
    }

    #[test]
    fn secrets_go_only_over_https_or_to_this_machine() {
        let t = Duration::from_secs(1);
        assert!(TokenEndpoint::new(DEFAULT_AUTH_URL, t).is_ok());
        assert!(TokenEndpoint::new("http://127.0.0.1:8080/oauth/token", t).is_ok());
        assert!(TokenEndpoint::new("http://[::1]:8080/t", t).is_ok());
        assert!(TokenEndpoint::new("http://localhost.:8080/t", t).is_ok());
        assert!(TokenEndpoint::new("http://[::ffff:127.0.0.1]:8080/t", t).is_ok());
        for url in [
            "http://auth.example.com/oauth/token",
            "http://localhost.example.com/oauth/token",
            "ftp://x/t",
            "not a url",
        ] {
            assert!(
                matches!(TokenEndpoint::new(url, t), Err(AuthError::Input(_))),
                "{url}"
            );
        }
    }

    #[test]
    fn a_user_name_or_password_in_the_auth_url_is_refused_unrepeated() {
        let t = Duration::from_secs(1);
        match TokenEndpoint::new("https://tech:hunter2@auth.example.com/t", t) {
            Err(AuthError::Input(m)) => assert!(!m.contains("hunter2") && !m.contains("tech")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn secrets_are_cut_from_quoted_answers() {
        let got = scrub(
            "bad pat pat-1234 for\nsecret s3cr3t",
            &["pat-1234", "s3cr3t"],
        );
        assert!(
            !got.contains("pat-1234") && !got.contains("s3cr3t"),
            "{got}"
        );
    }
}

//! The demo API's HTTP side: routes, authentication and statuses as the real
//! Remote Support API documents them (see `../shared/api/NOTES.md`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};

use super::data::DemoData;
use super::huge;
use super::TOKEN;
use crate::api::model::parse_time;

const PREFIX: &str = "/G2A/rest/v1";

pub(crate) fn router(data: Arc<DemoData>) -> Router {
    Router::new()
        .route(&format!("{PREFIX}/sessions"), get(list_sessions))
        .route(&format!("{PREFIX}/sessions/{{id}}"), get(session))
        .route(&format!("{PREFIX}/sessions/{{id}}/events"), get(events))
        .route(&format!("{PREFIX}/systemLinks"), get(system_links))
        // Only on known routes: an unknown path is 404 whatever the token.
        .route_layer(middleware::from_fn(require_token))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "not_found", "no such resource") })
        .method_not_allowed_fallback(|| async {
            error(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "only GET is supported",
            )
        })
        .with_state(data)
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": code, "message": message}))).into_response()
}

/// Both schemes NOTES.md says clients use: `Bearer T` and `OAuth oauth_token=T`.
fn token_of(value: &str) -> Option<&str> {
    let value = value.trim();
    let (scheme, rest) = value.split_once(' ')?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") {
        return Some(rest);
    }
    if scheme.eq_ignore_ascii_case("oauth") {
        return rest.split(',').find_map(|part| {
            let (key, v) = part.trim().split_once('=')?;
            key.trim()
                .eq_ignore_ascii_case("oauth_token")
                .then(|| v.trim().trim_matches('"'))
        });
    }
    None
}

async fn require_token(request: Request, next: Next) -> Response {
    let ok = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(token_of)
        .is_some_and(|t| t == TOKEN);
    if ok {
        return next.run(request).await;
    }
    let mut response = error(
        StatusCode::UNAUTHORIZED,
        "unauthorized",
        "missing or invalid access token",
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"g2a-demo\""),
    );
    response
}

/// An id the path extractor cannot decode (bad UTF-8 in its percent-encoding) names
/// no session: `None`, answered like any unknown id.
fn decoded(id: Result<Path<String>, PathRejection>) -> Option<String> {
    id.ok().map(|Path(id)| id)
}

async fn session(
    State(data): State<Arc<DemoData>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = decoded(id);
    match id.as_deref().and_then(huge::requested) {
        Some(Some(n)) => return Json(huge::session(n)).into_response(),
        Some(None) => return error(StatusCode::NOT_FOUND, "not_found", &huge::refusal()),
        None => {}
    }
    match id.and_then(|id| data.session(&id)) {
        Some(s) => Json(s).into_response(),
        None => error(StatusCode::NOT_FOUND, "not_found", "no such session"),
    }
}

async fn events(
    State(data): State<Arc<DemoData>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let id = decoded(id);
    match id.as_deref().and_then(huge::requested) {
        Some(Some(n)) => {
            return ([(header::CONTENT_TYPE, "application/json")], huge::body(n)).into_response()
        }
        Some(None) => return error(StatusCode::NOT_FOUND, "not_found", &huge::refusal()),
        None => {}
    }
    match id.and_then(|id| data.transcript(&id)) {
        Some(t) => Json(t).into_response(),
        None => error(
            StatusCode::NOT_FOUND,
            "not_found",
            "no web-chat transcript for this session",
        ),
    }
}

async fn system_links(
    State(data): State<Arc<DemoData>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let domain = query
        .ok()
        .and_then(|Query(q)| q.get("systemDomain").cloned())
        .filter(|d| !d.trim().is_empty());
    match domain {
        Some(d) => Json(Value::Array(data.links(d.trim()))).into_response(),
        None => error(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "systemDomain is required",
        ),
    }
}

async fn list_sessions(
    State(data): State<Arc<DemoData>>,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    let bad = |message: &str| error(StatusCode::BAD_REQUEST, "bad_request", message);
    let Ok(Query(q)) = query else {
        return bad("malformed query string");
    };
    let param = |name: &str| q.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let Some(session_type) = param("sessionType") else {
        return bad("sessionType is required");
    };
    let (Some(from), Some(to)) = (param("fromTime"), param("toTime")) else {
        return bad("fromTime and toTime are required (YYYY-MM-DDTHH:MM:SSZ)");
    };
    let (Some(from), Some(to)) = (parse_time(from), parse_time(to)) else {
        return bad("fromTime and toTime must be ISO 8601 times (YYYY-MM-DDTHH:MM:SSZ)");
    };
    if from > to {
        return bad("fromTime is after toTime");
    }
    let sessions: Vec<Value> = data
        .sessions()
        .into_iter()
        .filter(|s| {
            let type_ok = s
                .get("sessionType")
                .and_then(Value::as_str)
                .is_some_and(|t| t.eq_ignore_ascii_case(session_type));
            // A session that never started has no startedAt and is in no time range.
            let time_ok = s
                .get("startedAt")
                .and_then(Value::as_str)
                .and_then(parse_time)
                .is_some_and(|t| from <= t && t <= to);
            type_ok && time_ok
        })
        .collect();
    Json(json!({"totalNumSessions": sessions.len(), "sessions": sessions})).into_response()
}

#[cfg(test)]
mod tests {
    use super::token_of;

    #[test]
    fn both_auth_schemes() {
        assert_eq!(token_of("Bearer abc"), Some("abc"));
        assert_eq!(token_of("bearer  abc "), Some("abc"));
        assert_eq!(token_of("OAuth oauth_token=abc"), Some("abc"));
        assert_eq!(
            token_of("OAuth realm=\"x\", oauth_token=\"abc\""),
            Some("abc")
        );
        assert_eq!(token_of("Basic abc"), None);
        assert_eq!(token_of("abc"), None);
    }
}

//! Middleware every request passes: a request id, a time limit, input that
//! no database can store refused up front, and no caching of personal data.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pc_api::Problem;
use tracing::Instrument;

use crate::error::ApiError;
use crate::AppState;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// A caller's own request id is kept when it is short and plain (so that a
/// proxy's id joins the logs); anything else is replaced.
fn acceptable_id(v: &HeaderValue) -> Option<String> {
    let s = v.to_str().ok()?;
    let plain = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    plain.then(|| s.to_owned())
}

/// Gives the request an id (`X-Request-Id`, echoed on the response) and
/// runs it inside a span carrying that id, so every log line it causes
/// names it.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(acceptable_id)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let value = HeaderValue::from_str(&id).unwrap_or(HeaderValue::from_static("invalid"));
    req.headers_mut().insert(REQUEST_ID, value.clone());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.uri().path(),
    );
    let mut res = next.run(req).instrument(span).await;
    res.headers_mut().insert(REQUEST_ID, value);
    res
}

/// Answers 503 (problem+json) when a request, reading its body included,
/// runs past `--request-timeout-secs`.
pub async fn time_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let limit = Duration::from_secs(state.config.request_timeout_secs);
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(seconds = limit.as_secs(), "request timed out");
            ApiError::other(
                Problem::new(503, "The request took too long")
                    .with_code("timeout")
                    .with_detail("Try again. If you were saving something, check whether it was saved first."),
            )
            .into_response()
        }
    }
}

/// Whether `s` holds a character that a database cannot store as text
/// (PostgreSQL refuses NUL in `text`).
pub fn unrepresentable(s: &str) -> bool {
    s.contains('\0')
}

/// Refuses, with a field error naming the place, a path or query parameter
/// holding NUL (percent-encoded): on PostgreSQL it would fail as a 500, on
/// SQLite it would be stored cut short.
pub async fn refuse_unrepresentable(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let decoded = percent_decoded(path);
    if unrepresentable(&decoded) {
        return ApiError::Validation(ApiError::field("path", "unrepresentable_character"))
            .into_response();
    }
    if let Some(q) = req.uri().query() {
        for (k, v) in form_urlencoded::parse(q.as_bytes()) {
            if unrepresentable(&k) || unrepresentable(&v) {
                let field = if unrepresentable(&k) { "query" } else { &k };
                return ApiError::Validation(ApiError::field(field, "unrepresentable_character"))
                    .into_response();
            }
        }
    }
    next.run(req).await
}

fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// API answers are personal (sessions, profiles, users): no cache keeps
/// them unless the handler said otherwise.
pub async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_escapes_are_decoded_and_broken_ones_kept() {
        assert_eq!(percent_decoded("/a%00b"), "/a\0b");
        assert_eq!(percent_decoded("/a%2"), "/a%2");
        assert_eq!(percent_decoded("/%zz%41"), "/%zzA");
    }

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        let ok = HeaderValue::from_static("abc-123_x.y");
        assert_eq!(acceptable_id(&ok).as_deref(), Some("abc-123_x.y"));
        assert_eq!(acceptable_id(&HeaderValue::from_static("a b")), None);
        let long = HeaderValue::from_str(&"a".repeat(65)).unwrap();
        assert_eq!(acceptable_id(&long), None);
    }
}

//! Cross-site request defence for the API, and the CORS allow-list.
//!
//! A state-changing request (anything but GET, HEAD, OPTIONS) must carry the
//! app's `X-Requested-With: partner-center` header — which a cross-site page
//! cannot send without a CORS preflight — and must come from the app's own
//! origin or an allowed one: judged by Fetch Metadata (`Sec-Fetch-Site`),
//! and by `Origin` for browsers that send no metadata.

use axum::extract::{Request, State};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pc_api::Problem;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::error::ApiError;
use crate::AppState;

pub const REQUESTED_WITH: &str = "x-requested-with";
pub const REQUESTED_WITH_VALUE: &str = "partner-center";

/// Why a request is refused, or `None` to let it through.
pub fn refusal(method: &Method, headers: &HeaderMap, allowed: &[String]) -> Option<&'static str> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return None;
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header(REQUESTED_WITH) != Some(REQUESTED_WITH_VALUE) {
        return Some("The request lacks the X-Requested-With: partner-center header.");
    }
    let origin = header(ORIGIN.as_str());
    let allowed_origin = |o: &str| allowed.iter().any(|a| a == o);
    let own_origin = |o: &str| {
        let host = header(HOST.as_str()).unwrap_or("");
        o.strip_prefix("http://")
            .or_else(|| o.strip_prefix("https://"))
            == Some(host)
    };
    match header("sec-fetch-site") {
        Some("same-origin") | Some("none") => None,
        Some(_) => match origin {
            Some(o) if allowed_origin(o) => None,
            _ => Some("Cross-site requests are accepted only from the allowed origins."),
        },
        // No Fetch Metadata: an old browser or a non-browser client.
        None => match origin {
            Some(o) if own_origin(o) || allowed_origin(o) => None,
            Some(_) => Some("Requests from this origin are not accepted."),
            None => None,
        },
    }
}

/// Middleware refusing cross-site state changes with 403 problem+json.
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // Browsers send CSP reports on their own, without the app's header.
    if req.uri().path() == "/api/v1/csp-reports" {
        return next.run(req).await;
    }
    // The admin API authenticates with a bearer token, which browsers never
    // attach on their own: there is no ambient credential to forge with.
    if req.uri().path().starts_with("/api/v1/admin/") {
        return next.run(req).await;
    }
    if let Some(why) = refusal(req.method(), req.headers(), &state.config.cors_origins) {
        tracing::warn!(method = %req.method(), path = %req.uri().path(), why, "refused a cross-site request");
        return ApiError::other(
            Problem::new(403, "This request was refused")
                .with_code("csrf_refused")
                .with_detail(why),
        )
        .into_response();
    }
    next.run(req).await
}

/// CORS for the origins that host the app elsewhere; credentials only for them.
pub fn cors(origins: &[String]) -> CorsLayer {
    let list: Vec<HeaderValue> = origins.iter().filter_map(|o| o.parse().ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(list))
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST, Method::PUT, Method::DELETE])
        .allow_headers([
            CONTENT_TYPE,
            ACCEPT_LANGUAGE,
            HeaderName::from_static(REQUESTED_WITH),
            HeaderName::from_static("idempotency-key"),
        ])
        .max_age(std::time::Duration::from_secs(600))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn reads_are_never_refused() {
        assert!(refusal(&Method::GET, &HeaderMap::new(), &[]).is_none());
    }

    #[test]
    fn state_changes_need_the_header_and_a_trusted_origin() {
        let ok = [
            ("x-requested-with", "partner-center"),
            ("host", "127.0.0.1:8080"),
        ];
        assert!(
            refusal(&Method::POST, &headers(&ok), &[]).is_none(),
            "a non-browser client"
        );
        assert!(refusal(&Method::POST, &headers(&[("host", "127.0.0.1:8080")]), &[]).is_some());
        let same = [ok[0], ok[1], ("sec-fetch-site", "same-origin")];
        assert!(refusal(&Method::POST, &headers(&same), &[]).is_none());
        let cross = [
            ok[0],
            ok[1],
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ];
        assert!(refusal(&Method::POST, &headers(&cross), &[]).is_some());
        let portal = [
            ok[0],
            ok[1],
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://portal.contoso.com"),
        ];
        assert!(refusal(
            &Method::DELETE,
            &headers(&portal),
            &["https://portal.contoso.com".into()]
        )
        .is_none());
        let old_browser = [ok[0], ok[1], ("origin", "http://127.0.0.1:8080")];
        assert!(refusal(&Method::PUT, &headers(&old_browser), &[]).is_none());
        let old_foreign = [ok[0], ok[1], ("origin", "https://evil.example")];
        assert!(refusal(&Method::PUT, &headers(&old_foreign), &[]).is_some());
    }
}

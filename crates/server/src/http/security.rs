//! The browser-facing security policy: the Content-Security-Policy the
//! bundled server sends, HSTS on TLS, and where browsers report violations.

use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use axum::Json;
use pc_api::Problem;

use crate::config::Config;
use crate::error::{ApiError, ApiResult};
use crate::AppState;

/// The strict policy: only the app's own files, WebAssembly allowed to
/// compile, no inline script or style, no plugins, no `<base>`.
pub fn content_security_policy(config: &Config) -> String {
    let mut connect = vec!["'self'".to_owned()];
    connect.extend(config.cors_origins.iter().cloned());
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src {}; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {}; report-uri /api/v1/csp-reports",
        connect.join(" "),
        config.frame_ancestors
    )
}

/// `Strict-Transport-Security` on responses to requests that came over TLS
/// (directly or through a proxy that says so).
pub async fn hsts(req: Request, next: Next) -> Response {
    let tls = req.uri().scheme_str() == Some("https")
        || req
            .headers()
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    let mut res = next.run(req).await;
    if tls {
        res.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    res
}

/// Where browsers report Content-Security-Policy violations (`report-uri`).
/// Each report is logged; the count is kept for operators and tests.
#[utoipa::path(post, path = "/csp-reports", tag = "service",
    request_body(content = String, description = "A CSP violation report (application/csp-report)", content_type = "application/csp-report"),
    responses(
        (status = 204, description = "Recorded"),
        (status = 400, description = "No report in the body", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 64 KiB", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn report(State(state): State<AppState>, body: Bytes) -> ApiResult<StatusCode> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::BadRequest {
            code: "unreadable_body",
            detail: "The body holds no report.".into(),
        });
    }
    state.csp_reports.fetch_add(1, Ordering::Relaxed);
    let text = String::from_utf8_lossy(&body);
    tracing::warn!(report = %text.chars().take(2000).collect::<String>(), "Content-Security-Policy violation");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct CspReportCount {
    /// Reports received since the server started.
    pub count: u64,
}

/// How many violation reports arrived since start (development mode only).
#[utoipa::path(get, path = "/dev/csp-reports", tag = "service",
    responses(
        (status = 200, description = "The count", body = CspReportCount),
        (status = 404, description = "Not in development mode", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn report_count(State(state): State<AppState>) -> ApiResult<Json<CspReportCount>> {
    if !state.config.dev {
        return Err(ApiError::NotFound);
    }
    Ok(Json(CspReportCount {
        count: state.csp_reports.load(Ordering::Relaxed),
    }))
}

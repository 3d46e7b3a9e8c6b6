//! Prometheus metrics, served by a listener of their own (`--metrics-listen`)
//! at `/metrics`: requests by route and status with latency histograms, the
//! outbox's depth and age, background-job failures, the database pool, open
//! connections and refused password hashes. Without the flag no recorder is
//! installed and every call here does nothing.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::AppState;

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder (once; later calls return the same).
pub fn install() -> Result<PrometheusHandle, String> {
    if let Some(h) = HANDLE.get() {
        return Ok(h.clone());
    }
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("http_request_duration_seconds".into()),
            &[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
            ],
        )
        .map_err(|e| format!("metrics buckets: {e}"))?
        .install_recorder()
        .map_err(|e| format!("cannot install the metrics recorder: {e}"))?;
    let _ = HANDLE.set(handle.clone());
    metrics::describe_counter!(
        "http_requests_total",
        "API requests by route, method and status"
    );
    metrics::describe_histogram!(
        "http_request_duration_seconds",
        metrics::Unit::Seconds,
        "API request latency by route and method"
    );
    metrics::describe_gauge!("outbox_pending", "Emails waiting to be sent");
    metrics::describe_gauge!(
        "outbox_oldest_age_seconds",
        metrics::Unit::Seconds,
        "Age of the oldest email waiting to be sent"
    );
    metrics::describe_counter!("jobs_failed_total", "Background work that failed, by job");
    metrics::describe_gauge!("db_pool_connections", "Database connections by state");
    metrics::describe_gauge!("http_connections_open", "Open client connections");
    metrics::describe_counter!(
        "password_hashes_refused_total",
        "Sign-ins and sign-ups answered 503 because every hash slot was busy"
    );
    Ok(handle)
}

/// Middleware on the API's matched routes: counts and times each request.
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "unmatched".into());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "route" => route.clone(), "method" => method.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route, "method" => method)
        .record(started.elapsed().as_secs_f64());
    res
}

pub fn job_failed(job: &'static str) {
    metrics::counter!("jobs_failed_total", "job" => job).increment(1);
}

pub fn hash_refused() {
    metrics::counter!("password_hashes_refused_total").increment(1);
}

pub fn connection_opened() {
    metrics::gauge!("http_connections_open").increment(1.0);
}

pub fn connection_closed() {
    metrics::gauge!("http_connections_open").decrement(1.0);
}

/// `GET /metrics`: the gauges read now, then everything in Prometheus's
/// text format.
pub async fn render(State(state): State<AppState>) -> Response {
    let Some(handle) = HANDLE.get() else {
        return (axum::http::StatusCode::NOT_FOUND, "metrics are off").into_response();
    };
    match crate::db::outbox_depth(&state.db, crate::auth::now()).await {
        Ok((pending, age)) => {
            metrics::gauge!("outbox_pending").set(pending as f64);
            metrics::gauge!("outbox_oldest_age_seconds").set(age as f64);
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox for metrics");
            job_failed("metrics_outbox");
        }
    }
    let size = state.db.size() as f64;
    let idle = state.db.num_idle() as f64;
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("db_pool_connections", "state" => "in_use").set(size - idle);
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle.render(),
    )
        .into_response()
}

/// The metrics listener's router.
pub fn router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(render))
        .with_state(state)
}

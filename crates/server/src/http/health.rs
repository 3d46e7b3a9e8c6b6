//! Health for load balancers and orchestrators: liveness (the process
//! answers) and readiness (its database answers and carries every
//! migration this build knows). `/health` is readiness, as it always was.

use axum::extract::State;
use axum::Json;
use pc_api::Health;

use crate::error::{ApiError, ApiResult};
use crate::{db, AppState};

fn healthy() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Liveness: the process runs and answers. Touches nothing else, so a slow
/// database never gets a live server restarted.
#[utoipa::path(get, path = "/health/live", tag = "service",
    responses((status = 200, description = "The process answers", body = Health)))]
pub async fn live() -> Json<Health> {
    healthy()
}

/// Readiness: the database answers and has every migration applied; until
/// then a load balancer should send this server nothing.
#[utoipa::path(get, path = "/health/ready", tag = "service",
    responses(
        (status = 200, description = "Ready: the database answers and is migrated", body = Health),
        (status = 503, description = "The database does not answer, or lacks migrations", body = pc_api::Problem, content_type = "application/problem+json"),
    ))]
pub async fn ready(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    db::ping(&state.db)
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    let missing = db::missing_migrations(&state.db)
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    if missing > 0 {
        return Err(ApiError::Unavailable(format!(
            "{missing} migration(s) not applied yet"
        )));
    }
    Ok(healthy())
}

/// Health of the server and its database (the same as `/health/ready`).
#[utoipa::path(get, path = "/health", tag = "service",
    responses(
        (status = 200, description = "Server and database answer", body = Health),
        (status = 503, description = "The database does not answer", body = pc_api::Problem, content_type = "application/problem+json"),
    ))]
pub async fn health(state: State<AppState>) -> ApiResult<Json<Health>> {
    ready(state).await
}

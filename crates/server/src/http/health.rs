//! `GET /health`: whether the server and its database answer.

use axum::extract::State;
use axum::Json;
use pc_api::Health;

use crate::error::{ApiError, ApiResult};
use crate::{db, AppState};

/// Health of the server and its database.
#[utoipa::path(get, path = "/health", tag = "service",
    responses(
        (status = 200, description = "Server and database answer", body = Health),
        (status = 503, description = "The database does not answer", body = pc_api::Problem, content_type = "application/problem+json"),
    ))]
pub async fn health(State(state): State<AppState>) -> ApiResult<Json<Health>> {
    db::ping(&state.db)
        .await
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(Json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    }))
}

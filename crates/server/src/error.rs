//! One error type for every handler, answered as `application/problem+json`
//! (RFC 9457). Internal details are logged, never sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use pc_api::validation::push;
use pc_api::{FieldErrors, Problem};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The body was understood but broke the rules: 422 with field errors.
    #[error("validation failed")]
    Validation(FieldErrors),
    /// The body could not be read as the JSON the endpoint takes.
    #[error("bad request: {detail}")]
    BadRequest { code: &'static str, detail: String },
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("not signed in")]
    Unauthenticated,
    #[error("invalid credentials")]
    InvalidCredentials,
    /// The request conflicts with stored data: 409 with field errors.
    #[error("conflict")]
    Conflict(FieldErrors),
    #[error("rate limited")]
    RateLimited { retry_after_secs: u64 },
    #[error("not found")]
    NotFound,
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// Every slot for costly work (password hashing) is taken: 503 with
    /// `Retry-After`.
    #[error("busy")]
    Busy { retry_after_secs: u64 },
    /// Any other answer the handler spells out itself.
    #[error("{}", .0.title)]
    Other(Box<Problem>),
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn other(p: Problem) -> Self {
        ApiError::Other(Box::new(p))
    }

    pub fn field(field: &str, code: &str) -> FieldErrors {
        let mut errors = FieldErrors::new();
        push(&mut errors, field, code);
        errors
    }

    fn problem(&self) -> Problem {
        match self {
            ApiError::Validation(errors) => Problem::new(422, "Some answers need your attention")
                .with_code("validation_failed")
                .with_errors(errors.clone()),
            ApiError::BadRequest { code, detail } => {
                Problem::new(400, "The request body is not valid JSON")
                    .with_code(*code)
                    .with_detail(detail.clone())
            }
            ApiError::UnsupportedMediaType => {
                Problem::new(415, "Send the body as application/json")
                    .with_code("unsupported_media_type")
            }
            ApiError::PayloadTooLarge => {
                Problem::new(413, "The request body is too large").with_code("payload_too_large")
            }
            ApiError::Unauthenticated => {
                Problem::new(401, "You are not signed in").with_code("unauthenticated")
            }
            ApiError::InvalidCredentials => Problem::new(401, "The email or password is incorrect")
                .with_code("invalid_credentials"),
            ApiError::Conflict(errors) => {
                Problem::new(409, "This conflicts with an existing account")
                    .with_code("conflict")
                    .with_errors(errors.clone())
            }
            ApiError::RateLimited { retry_after_secs } => Problem::new(429, "Too many attempts")
                .with_code("rate_limited")
                .with_detail(format!("Try again in {retry_after_secs} seconds.")),
            ApiError::NotFound => Problem::new(404, "Not found").with_code("not_found"),
            ApiError::Unavailable(_) => Problem::new(503, "The service is temporarily unavailable")
                .with_code("unavailable")
                .with_detail("Try again in a moment. Nothing you sent was saved."),
            ApiError::Busy { retry_after_secs } => Problem::new(503, "The server is busy")
                .with_code("busy")
                .with_detail(format!(
                    "Too many people are signing in at once. Try again in {retry_after_secs} seconds; nothing you sent was saved."
                )),
            ApiError::Other(p) => (**p).clone(),
            ApiError::Internal(_) => Problem::new(500, "Something went wrong on our side")
                .with_code("internal")
                .with_detail("Try again. If it keeps happening, contact support."),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                ApiError::Unavailable(e.to_string())
            }
            sqlx::Error::Database(ref d) if is_unavailable(d.as_ref()) => {
                ApiError::Unavailable(e.to_string())
            }
            other => ApiError::Internal(other.into()),
        }
    }
}

/// Whether a database error means "not now" rather than "never": the
/// database is read-only, busy, shutting down or out of room. SQLite says so
/// in its message, PostgreSQL in its SQLSTATE.
fn is_unavailable(d: &dyn sqlx::error::DatabaseError) -> bool {
    let message = d.message();
    if message.contains("readonly") || message.contains("locked") || message.contains("disk I/O") {
        return true;
    }
    let code = d.code().unwrap_or_default();
    // 08: connection exception; 25006: read-only transaction; 40001/40P01:
    // serialization failure, deadlock; 53: insufficient resources; 57P0x:
    // shutting down or starting up.
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P0")
        || matches!(&*code, "25006" | "40001" | "40P01")
}

pub fn problem_response(problem: &Problem) -> Response {
    let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_vec(problem).unwrap_or_default();
    let mut res = (status, body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match &self {
            ApiError::Internal(e) => tracing::error!(error = ?e, "internal error"),
            ApiError::Unavailable(e) => tracing::warn!(error = %e, "storage unavailable"),
            _ => {}
        }
        let mut res = problem_response(&self.problem());
        if let ApiError::RateLimited { retry_after_secs } | ApiError::Busy { retry_after_secs } =
            self
        {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

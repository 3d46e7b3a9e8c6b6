//! The reviewer's admin API: the queue of partner accounts and decisions
//! on their employment and business checks. Callers present the operator
//! token from the server's configuration as a bearer token.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::Json;
use pc_api::review::{ReviewItem, ReviewOutcome, ReviewRequest};
use pc_api::{CheckKind, Problem, VettingStatus};
use sha2::{Digest, Sha256};

use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::review::{self, DecideError};
use crate::AppState;

/// Lets the request through when it carries the operator token.
/// A request carrying the operator token. As an extractor it runs before
/// the body is read, so a caller without the token learns nothing else.
pub struct Operator;

impl axum::extract::FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, ApiError> {
        operator(state, &parts.headers).map(|()| Operator)
    }
}

fn operator(state: &AppState, headers: &HeaderMap) -> ApiResult<()> {
    let Some(expected) = state.config.operator_token.as_deref() else {
        return Err(ApiError::other(
            Problem::new(403, "The admin API is off")
                .with_code("admin_disabled")
                .with_detail("Start the server with --operator-token (OPERATOR_TOKEN) to use it."),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Comparing digests keeps the comparison's time independent of where
    // the strings first differ.
    if Sha256::digest(given.as_bytes()) == Sha256::digest(expected.as_bytes()) {
        Ok(())
    } else {
        Err(ApiError::other(
            Problem::new(401, "The operator token is missing or wrong")
                .with_code("operator_token_invalid"),
        ))
    }
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    /// Only accounts with this vetting status (`pending`, `authorized`, `rejected`).
    pub status: Option<String>,
}

/// Partner accounts, oldest first, with their checks.
#[utoipa::path(get, path = "/admin/partners", tag = "review",
    params(QueueQuery),
    responses(
        (status = 200, description = "The accounts", body = [ReviewItem]),
        (status = 401, description = "Missing or wrong operator token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin API is off", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown status", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn queue(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> ApiResult<Json<Vec<ReviewItem>>> {
    operator(&state, &headers)?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some("pending") => Some(VettingStatus::Pending),
        Some("authorized") => Some(VettingStatus::Authorized),
        Some("rejected") => Some(VettingStatus::Rejected),
        Some(_) => {
            return Err(ApiError::Validation(ApiError::field(
                "status",
                "invalid_type",
            )))
        }
    };
    Ok(Json(crate::db::review_queue(&state.db, status).await?))
}

fn parse_check(s: &str) -> Option<CheckKind> {
    match s {
        "employment" => Some(CheckKind::Employment),
        "business" => Some(CheckKind::Business),
        "email_ownership" => Some(CheckKind::EmailOwnership),
        _ => None,
    }
}

/// Approves or rejects (with a reason) the employment or business check of
/// an account. The overall statuses follow (all three verified →
/// Authorized; with the agreement accepted, the program is Active) and the
/// primary contact is emailed.
#[utoipa::path(post, path = "/admin/partners/{mpn_id}/checks/{check}", tag = "review",
    params(
        ("mpn_id" = String, Path, description = "The account's MPN ID"),
        ("check" = String, Path, description = "`employment` or `business`"),
    ),
    request_body = ReviewRequest,
    responses(
        (status = 200, description = "Decided", body = ReviewOutcome),
        (status = 401, description = "Missing or wrong operator token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The admin API is off", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account or check", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A rejection without a reason, or a check reviewers do not decide", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    _: Operator,
    Path((mpn_id, check)): Path<(String, String)>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> ApiResult<Json<ReviewOutcome>> {
    let kind = parse_check(&check).ok_or(ApiError::NotFound)?;
    match review::decide(&state.db, &mpn_id, kind, &body, auth::now()).await {
        Ok((decided, news)) => Ok(Json(ReviewOutcome {
            mpn_id: news.mpn_id,
            check: decided,
            vetting_status: news.vetting,
            program_status: news.program,
        })),
        Err(DecideError::UnknownMpnId(_)) => Err(ApiError::NotFound),
        Err(DecideError::NotReviewerCheck(_)) => Err(ApiError::other(
            Problem::new(422, "Reviewers do not decide this check")
                .with_code("check_not_reviewable")
                .with_detail("Email ownership is decided by the primary contact's email link."),
        )),
        Err(DecideError::Invalid(errors)) => Err(ApiError::Validation(errors)),
        Err(DecideError::Db(e)) => Err(e.into()),
    }
}

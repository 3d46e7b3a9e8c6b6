//! *Fix now* with a supporting document: someone who may edit the profile
//! uploads a PDF, PNG or JPEG (type decided by content, at most 5 MiB) for a
//! rejected employment or business check, which sends the check back to
//! Pending; reviewers download it with the operator token.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pc_api::documents::{self, DocumentReceived};
use pc_api::profile::can_edit_profile;
use pc_api::{CheckKind, Problem};
use sha2::{Digest, Sha256};

use crate::auth::{self, CurrentUser};
use crate::db::{self, NewDocument};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::http::admin::Operator;
use crate::AppState;

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file's name as the user chose it (kept for the reviewer).
    pub name: Option<String>,
}

fn reviewer_check(check: &str) -> ApiResult<CheckKind> {
    match check {
        "employment" => Ok(CheckKind::Employment),
        "business" => Ok(CheckKind::Business),
        _ => Err(ApiError::NotFound),
    }
}

/// Uploads a supporting document for a rejected check; the body is the
/// file itself. The check goes back to Pending and the primary contact is
/// emailed.
#[utoipa::path(post, path = "/partner-account/checks/{check}/documents", tag = "enrollment",
    params(("check" = String, Path, description = "`employment` or `business`"), UploadQuery),
    request_body(content = Vec<u8>, description = "The PDF, PNG or JPEG file", content_type = "application/octet-stream"),
    responses(
        (status = 201, description = "Stored; the check is Pending again", body = DocumentReceived),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's roles do not allow fixing the profile", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such check, or not enrolled", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The check is not rejected", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 5 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty, or not a PDF, PNG or JPEG (`document`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(check): Path<String>,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(axum::http::StatusCode, Json<DocumentReceived>)> {
    let kind = reviewer_check(&check)?;
    // Past the route's limit the body is not read at all.
    let body = body.map_err(|e| match e.status() {
        axum::http::StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
        _ => ApiError::BadRequest {
            code: "body_unreadable",
            detail: e.body_text(),
        },
    })?;
    let me = db::session_view(&state.db, &user.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    if !can_edit_profile(&me.user.roles) {
        return Err(ApiError::other(
            Problem::new(403, "Your roles do not allow changing the partner profile")
                .with_code("not_profile_admin"),
        ));
    }
    let media_type = documents::check(&body)
        .map_err(|code| ApiError::Validation(ApiError::field("document", code)))?;
    let file_name = documents::clean_name(q.name.as_deref().unwrap_or_default());
    let id = uuid::Uuid::new_v4().to_string();
    let sha256: String = Sha256::digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let doc = NewDocument {
        id: &id,
        tenant_id: &me.tenant.id,
        kind,
        file_name: &file_name,
        media_type,
        sha256: &sha256,
        body: &body,
        uploaded_by: &user.user_id,
    };
    let Some(check) =
        db::add_document(&state.db, &doc, auth::now(), crate::mail::status_parts).await?
    else {
        return Err(ApiError::other(
            Problem::new(409, "Only a rejected check takes a supporting document")
                .with_code("check_not_rejected"),
        ));
    };
    tracing::info!(tenant = %me.tenant.id, %id, ?kind, size = body.len(), "supporting document stored");
    Ok((
        axum::http::StatusCode::CREATED,
        Json(DocumentReceived {
            id,
            file_name,
            media_type: media_type.to_owned(),
            size: body.len() as u64,
            check,
        }),
    ))
}

/// A supporting document, for the reviewer.
#[utoipa::path(get, path = "/admin/partners/{mpn_id}/documents/{id}", tag = "admin",
    params(
        ("mpn_id" = String, Path, description = "The account's MPN ID"),
        ("id" = String, Path, description = "The document's id"),
    ),
    responses(
        (status = 200, description = "The file", content_type = "application/octet-stream"),
        (status = 401, description = "Missing or wrong operator token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "No operator token is configured", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn download(
    State(state): State<AppState>,
    _: Operator,
    Path((mpn_id, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (name, media_type, body) = db::document(&state.db, &mpn_id, &id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-._ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok((
        [
            (CONTENT_TYPE, media_type),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

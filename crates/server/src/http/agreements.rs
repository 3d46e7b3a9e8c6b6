//! The partner network agreement: its current text, and accepting it.

use axum::extract::{Path, State};
use axum::http::header::{ACCEPT_LANGUAGE, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pc_api::{
    AcceptAgreementRequest, AcceptedAgreement, Agreement, AgreementAcceptance, PartnerAccount,
    Problem,
};

use crate::agreements::MPN;
use crate::auth::{self, CurrentUser};
use crate::db::{self, NewAcceptance};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;

/// The current version of the Microsoft Partner Network agreement.
#[utoipa::path(get, path = "/agreements/current", tag = "enrollment",
    responses((status = 200, description = "The agreement to accept", body = Agreement)))]
pub async fn current(State(state): State<AppState>) -> ApiResult<Json<Agreement>> {
    state
        .agreements
        .current(MPN)
        .cloned()
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Accepts a version of an agreement for the signed-in user's company,
/// recording the signer, the user and the server's UTC time. Accepting the
/// same version again returns the first record.
#[utoipa::path(post, path = "/agreements/{id}/acceptance", tag = "enrollment",
    params(("id" = String, Path, description = "The agreement's id, e.g. `mpn`")),
    request_body = AcceptAgreementRequest,
    responses(
        (status = 201, description = "Accepted", body = AgreementAcceptance),
        (status = 200, description = "Accepted before; the first record", body = AgreementAcceptance),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not enrolled yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors, or an unknown version", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accept(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<AcceptAgreementRequest>,
) -> ApiResult<(StatusCode, Json<AgreementAcceptance>)> {
    let tenant_id = user.tenant_id.clone();
    let account = db::partner_account(&state.db, &tenant_id)
        .await?
        .ok_or_else(|| {
            ApiError::other(
                Problem::new(409, "Enroll your company before accepting the agreement")
                    .with_code("not_enrolled"),
            )
        })?;
    let Some(agreement) = state.agreements.version(&id, &req.version) else {
        return Err(ApiError::other(
            Problem::new(422, "No such agreement version")
                .with_code("agreement_version_unknown")
                .with_detail(format!(
                    "{id} has no version {:?}; reload it and accept again.",
                    req.version
                )),
        ));
    };
    let errors = req.check(&account.profile.country);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let country = &account.profile.country;
    let phone = req.signer_phone.trim();
    let phone = if phone.is_empty() {
        String::new()
    } else {
        pc_api::countries::normalize_phone(country, phone).unwrap_or_else(|| phone.to_owned())
    };
    let new = NewAcceptance {
        tenant_id: &tenant_id,
        agreement_id: &agreement.id,
        version: &agreement.version,
        title: &agreement.title,
        first_name: req.signer_first_name.trim(),
        last_name: req.signer_last_name.trim(),
        email: &pc_api::validation::normalize_email(&req.signer_email),
        phone: &phone,
        user_id: &user.user_id,
    };
    let created =
        db::insert_acceptance(&state.db, &new, auth::now(), crate::mail::status_parts).await?;
    let record = db::acceptances(&state.db, &tenant_id)
        .await?
        .into_iter()
        .find(|a| a.agreement_id == agreement.id && a.version == agreement.version)
        .ok_or_else(|| anyhow::anyhow!("acceptance vanished"))?;
    if created {
        tracing::info!(tenant = %tenant_id, agreement = %agreement.id, version = %agreement.version, "agreement accepted");
    }
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(record)))
}

/// The latest version of agreement `id` the caller's company accepted.
async fn accepted_of(
    state: &AppState,
    user: &CurrentUser,
    id: &str,
) -> ApiResult<(AcceptedAgreement, PartnerAccount)> {
    let tenant_id = user.tenant_id.clone();
    let not_accepted = || {
        ApiError::other(
            Problem::new(404, "Your company has not accepted this agreement")
                .with_code("agreement_not_accepted"),
        )
    };
    let account = db::partner_account(&state.db, &tenant_id)
        .await?
        .ok_or_else(not_accepted)?;
    let acceptance = account
        .agreements
        .iter()
        .rev()
        .find(|a| a.agreement_id == id)
        .cloned()
        .ok_or_else(not_accepted)?;
    let agreement = state
        .agreements
        .version(id, &acceptance.version)
        .cloned()
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{id} version {} was accepted but is no longer loaded (--agreement)",
                acceptance.version
            )
        })?;
    Ok((
        AcceptedAgreement {
            agreement,
            acceptance,
        },
        account,
    ))
}

/// The agreement as the signed-in user's company accepted it: that
/// version's text and the acceptance record.
#[utoipa::path(get, path = "/agreements/{id}/accepted", tag = "enrollment",
    params(("id" = String, Path, description = "The agreement's id, e.g. `mpn`")),
    responses(
        (status = 200, description = "The accepted agreement", body = AcceptedAgreement),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not accepted by this company", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accepted(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<AcceptedAgreement>> {
    accepted_of(&state, &user, &id).await.map(|(a, _)| Json(a))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PdfQuery {
    /// `en-US` (default) or `zh-TW`: the language of the record's labels.
    pub lang: Option<String>,
}

/// The accepted agreement as a PDF: text, version, signer and UTC time.
#[utoipa::path(get, path = "/agreements/{id}/accepted.pdf", tag = "enrollment",
    params(("id" = String, Path, description = "The agreement's id, e.g. `mpn`"), PdfQuery),
    responses(
        (status = 200, description = "The PDF", content_type = "application/pdf"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not accepted by this company", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn accepted_pdf(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PdfQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let (accepted, account) = accepted_of(&state, &user, &id).await?;
    let locale = match q.lang.as_deref() {
        Some(l) => crate::mail::locale_from_accept_language(Some(l)),
        None => crate::mail::locale_from_accept_language(
            headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
        ),
    };
    let bytes = crate::pdf::agreement_pdf(&crate::pdf::AgreementRecord {
        agreement: &accepted.agreement,
        acceptance: &accepted.acceptance,
        legal_name: &account.profile.legal_name,
        mpn_id: &account.mpn_id,
        locale,
    });
    let file: String = format!(
        "{}-{}.pdf",
        accepted.agreement.id, accepted.agreement.version
    )
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || "-._".contains(c) {
            c
        } else {
            '_'
        }
    })
    .collect();
    Ok((
        [
            (CONTENT_TYPE, "application/pdf".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
            (CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

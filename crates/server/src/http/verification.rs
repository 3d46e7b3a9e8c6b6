//! The primary contact's email verification: the link's page (confirm, "I
//! did not request this", undo) and resending a link.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::Json;
use pc_api::{CheckStatus, EmailVerification, LinkResent, LinkState, Problem};

use crate::auth::{self, CurrentUser};
use crate::db::{self, NewMail, StoredToken};
use crate::error::{ApiError, ApiResult};
use crate::http::enrollment::app_origin;
use crate::{mail, AppState};

const DECLINED_REASON: &str = "The primary contact said they did not request this enrollment.";

fn state_of(t: &StoredToken, now: i64) -> LinkState {
    match t.outcome.as_deref() {
        Some("confirmed") => LinkState::Confirmed,
        Some("declined") => LinkState::Declined,
        _ if t.used_at.is_some() => LinkState::Used,
        _ if now > t.expires_at => LinkState::Expired,
        _ => LinkState::Open,
    }
}

fn view(t: &StoredToken, now: i64) -> EmailVerification {
    let state = state_of(t, now);
    EmailVerification {
        state,
        email: t.email.clone(),
        legal_name: t.legal_name.clone(),
        mpn_id: t.mpn_id.clone(),
        can_undo: state == LinkState::Declined && t.vetting_status != "authorized",
    }
}

async fn load(state: &AppState, token: &str) -> ApiResult<(String, StoredToken)> {
    let hash = auth::hash_session_id(token);
    let t = db::find_token(&state.db, &hash).await?.ok_or_else(|| {
        ApiError::other(
            Problem::new(404, "This verification link is not valid")
                .with_code("link_unknown")
                .with_detail("Check that you opened the whole link from the email."),
        )
    })?;
    Ok((hash, t))
}

fn closed(state: LinkState) -> ApiError {
    let (status, title, code) = match state {
        LinkState::Expired => (410, "This link has expired", "link_expired"),
        LinkState::Used => (410, "This link has already been used", "link_used"),
        LinkState::Confirmed => (409, "This email is already confirmed", "link_confirmed"),
        LinkState::Declined => (
            409,
            "This enrollment was marked as not requested",
            "link_declined",
        ),
        LinkState::Open => (409, "This link is still open", "link_open"),
    };
    ApiError::other(Problem::new(status, title).with_code(code))
}

/// Where a verification link stands.
#[utoipa::path(get, path = "/email-verification/{token}", tag = "verification",
    params(("token" = String, Path, description = "The token from the emailed link")),
    responses(
        (status = 200, description = "The link's state", body = EmailVerification),
        (status = 404, description = "No such link", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<EmailVerification>> {
    let (_, t) = load(&state, &token).await?;
    Ok(Json(view(&t, auth::now())))
}

/// The contact confirms they signed up and the address is the company's:
/// email ownership becomes Verified. Confirming twice is harmless.
#[utoipa::path(post, path = "/email-verification/{token}/confirm", tag = "verification",
    params(("token" = String, Path, description = "The token from the emailed link")),
    responses(
        (status = 200, description = "Confirmed", body = EmailVerification),
        (status = 404, description = "No such link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Marked as not requested; undo first", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired or used; ask for a new link", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<EmailVerification>> {
    answer(
        &state,
        &token,
        LinkState::Confirmed,
        CheckStatus::Verified,
        None,
    )
    .await
}

/// "I did not request this": the email check is rejected and the account
/// flagged; it can be undone while the account is undecided.
#[utoipa::path(post, path = "/email-verification/{token}/decline", tag = "verification",
    params(("token" = String, Path, description = "The token from the emailed link")),
    responses(
        (status = 200, description = "Flagged", body = EmailVerification),
        (status = 404, description = "No such link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already confirmed", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Expired or used", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn decline(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<EmailVerification>> {
    answer(
        &state,
        &token,
        LinkState::Declined,
        CheckStatus::Rejected,
        Some(DECLINED_REASON),
    )
    .await
}

/// Answers an open link; giving the same answer again is harmless, any
/// other state of the link is refused. Two answers racing on one link: the
/// conditional write lets one through, and the other is answered as if it
/// came second (harmless when the same, 409 when the other).
async fn answer(
    state: &AppState,
    token: &str,
    outcome: LinkState,
    check: CheckStatus,
    reason: Option<&str>,
) -> ApiResult<Json<EmailVerification>> {
    let (hash, t) = load(state, token).await?;
    let now = auth::now();
    if state_of(&t, now) == LinkState::Open {
        let name = if outcome == LinkState::Confirmed {
            "confirmed"
        } else {
            "declined"
        };
        let applied = db::answer_token(
            &state.db,
            &hash,
            &t.tenant_id,
            db::TokenExpect::Open,
            Some(name),
            check,
            reason,
            now,
            crate::mail::status_parts,
        )
        .await?;
        if applied {
            tracing::info!(tenant = %t.tenant_id, outcome = name, "primary contact answered the verification email");
        }
    }
    let (_, t) = load(state, token).await?;
    match state_of(&t, now) {
        current if current == outcome => Ok(Json(view(&t, now))),
        other => Err(closed(other)),
    }
}

/// Takes back "I did not request this" while the account is undecided: the
/// link opens again and the check returns to Pending.
#[utoipa::path(post, path = "/email-verification/{token}/undo", tag = "verification",
    params(("token" = String, Path, description = "The token from the emailed link")),
    responses(
        (status = 200, description = "Undone; the link is open again", body = EmailVerification),
        (status = 404, description = "No such link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Nothing to undo, or the account is decided", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn undo(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> ApiResult<Json<EmailVerification>> {
    let (hash, t) = load(&state, &token).await?;
    let now = auth::now();
    if !view(&t, now).can_undo {
        return Err(ApiError::other(
            Problem::new(409, "There is nothing to undo").with_code("undo_unavailable"),
        ));
    }
    let applied = db::answer_token(
        &state.db,
        &hash,
        &t.tenant_id,
        db::TokenExpect::Declined,
        None,
        CheckStatus::Pending,
        None,
        now,
        crate::mail::status_parts,
    )
    .await?;
    if !applied {
        // Undone meanwhile by a racing request, or the account was decided.
        return Err(ApiError::other(
            Problem::new(409, "There is nothing to undo").with_code("undo_unavailable"),
        ));
    }
    let (_, t) = load(&state, &token).await?;
    Ok(Json(view(&t, now)))
}

async fn send_new_link(
    state: &AppState,
    headers: &HeaderMap,
    tenant_id: &str,
) -> ApiResult<Json<LinkResent>> {
    if let Some(account) = db::partner_account(&state.db, tenant_id).await? {
        let verified = account.checks.iter().any(|c| {
            c.kind == pc_api::CheckKind::EmailOwnership && c.status == CheckStatus::Verified
        });
        if verified {
            return Err(closed(LinkState::Confirmed));
        }
    }
    state.limits.resend_email(&state.db, tenant_id).await?;
    let (email, locale, name, legal_name, mpn_id) =
        db::contact_of(&state.db, tenant_id).await?.ok_or_else(|| {
            ApiError::other(Problem::new(404, "Not enrolled yet").with_code("not_enrolled"))
        })?;
    let token = auth::new_session_id();
    let link = format!("{}/verify-email/{token}", app_origin(state, headers));
    let msg = mail::verify_email(
        &locale,
        &mail::VerifyMailFacts {
            contact_name: &name,
            admin_name: &name,
            legal_name: &legal_name,
            mpn_id: &mpn_id,
            link: &link,
            hours: (state.config.link_lifetime_minutes + 59) / 60,
        },
    );
    let now = auth::now();
    let m = NewMail {
        to: &email,
        locale: &locale,
        subject: &msg.subject,
        body: &msg.body,
    };
    db::replace_token(
        &state.db,
        tenant_id,
        &email,
        &auth::hash_session_id(&token),
        now + state.config.link_lifetime_minutes * 60,
        &m,
        now,
    )
    .await?;
    tracing::info!(tenant = %tenant_id, to = %email, "verification email resent");
    Ok(Json(LinkResent { email }))
}

/// Sends a new link to the primary contact from an expired or used one.
/// Rate-limited per company.
#[utoipa::path(post, path = "/email-verification/{token}/resend", tag = "verification",
    params(("token" = String, Path, description = "The token from the emailed link")),
    responses(
        (status = 200, description = "A new link was sent", body = LinkResent),
        (status = 404, description = "No such link", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is already confirmed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many links sent; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn resend_from_link(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> ApiResult<Json<LinkResent>> {
    let (_, t) = load(&state, &token).await?;
    send_new_link(&state, &headers, &t.tenant_id).await
}

/// The signed-in applicant sends the primary contact a new link.
#[utoipa::path(post, path = "/email-verification/resend", tag = "verification",
    responses(
        (status = 200, description = "A new link was sent", body = LinkResent),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not enrolled yet", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is already confirmed", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many links sent; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn resend(
    State(state): State<AppState>,
    headers: HeaderMap,
    user: CurrentUser,
) -> ApiResult<Json<LinkResent>> {
    let tenant_id = user.tenant_id.clone();
    send_new_link(&state, &headers, &tenant_id).await
}

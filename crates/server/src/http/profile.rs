//! Editing the partner profile after enrollment: the legal business profile
//! and the primary contact, within the rules of `pc_api::profile`.

use axum::extract::State;
use axum::http::header::ACCEPT_LANGUAGE;
use axum::http::HeaderMap;
use axum::Json;
use pc_api::profile::{can_edit_profile, ProfileUpdate};
use pc_api::{PartnerAccount, Problem};

use crate::auth::{self, CurrentUser};
use crate::db::{self, NewLink, NewMail, ProfileUpdated};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::http::enrollment::app_origin;
use crate::{mail, AppState};

fn not_enrolled() -> ApiError {
    ApiError::other(Problem::new(404, "Not enrolled yet").with_code("not_enrolled"))
}

fn name_locked() -> ApiError {
    ApiError::Validation(ApiError::field("profile.legal_name", "legal_name_locked"))
}

/// Saves the legal business profile and primary contact. A changed legal
/// name or address sends business verification back to Pending; a changed
/// contact email sends a new verification link to the new address (and
/// employment back to Pending when the domain changed). The legal name is
/// locked once the account has been authorized; the country and DUNS number
/// stay as enrolled. Every status change is emailed to the contact.
#[utoipa::path(put, path = "/partner-account/profile", tag = "enrollment",
    request_body = ProfileUpdate,
    responses(
        (status = 200, description = "Saved; the account as it is now", body = PartnerAccount),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller's roles do not allow editing the profile", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not enrolled yet", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors (`profile.*`, `contact.*`)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiJson(req): ApiJson<ProfileUpdate>,
) -> ApiResult<Json<PartnerAccount>> {
    let me = db::session_view(&state.db, &user.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let tenant_id = me.tenant.id.clone();
    let current = db::partner_account(&state.db, &tenant_id)
        .await?
        .ok_or_else(not_enrolled)?;
    if !can_edit_profile(&me.user.roles) {
        return Err(ApiError::other(
            Problem::new(403, "Your roles do not allow changing the partner profile")
                .with_code("not_profile_admin"),
        ));
    }
    let effects = req.check(&current).map_err(ApiError::Validation)?;
    let new = req.normalized();
    let now = auth::now();
    let locale = mail::locale_from_accept_language(
        headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    );
    let token = auth::new_session_id();
    let token_hash = auth::hash_session_id(&token);
    let link = format!("{}/verify-email/{token}", app_origin(&state, &headers));
    let contact_name = format!("{} {}", new.contact.first_name, new.contact.last_name);
    let admin_name = format!("{} {}", me.user.first_name, me.user.last_name);
    let msg = mail::verify_email(
        locale,
        &mail::VerifyMailFacts {
            contact_name: &contact_name,
            admin_name: &admin_name,
            legal_name: &new.profile.legal_name,
            mpn_id: &current.mpn_id,
            link: &link,
            hours: (state.config.link_lifetime_minutes + 59) / 60,
        },
    );
    let new_link = effects.email.then(|| NewLink {
        token_hash: &token_hash,
        expires_at: now + state.config.link_lifetime_minutes * 60,
        mail: NewMail {
            to: &new.contact.email,
            locale,
            subject: &msg.subject,
            body: &msg.body,
        },
    });
    match db::update_profile(
        &state.db,
        &tenant_id,
        &new.profile,
        &new.contact,
        effects,
        new_link,
        now,
        mail::status_parts,
    )
    .await?
    {
        ProfileUpdated::Updated => {}
        ProfileUpdated::NameLocked => return Err(name_locked()),
        ProfileUpdated::NotEnrolled => return Err(not_enrolled()),
    }
    tracing::info!(tenant = %tenant_id, ?effects, "partner profile updated");
    db::partner_account(&state.db, &tenant_id)
        .await?
        .map(Json)
        .ok_or_else(not_enrolled)
}

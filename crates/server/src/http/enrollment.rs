//! The enrollment: country rules, DUNS look-up, the draft, *Enroll now*
//! (idempotent) and the resulting partner account.

use axum::extract::{Path, State};
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_TYPE, HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pc_api::countries::{self, CountryInfo};
use pc_api::{
    EnrollRequest, EnrollmentDraft, LegalBusinessProfile, PartnerAccount, Problem, DRAFT_MAX_BYTES,
};
use sha2::{Digest, Sha256};

use crate::auth::{self, CurrentUser};
use rand::Rng;

use crate::db::{self, CreatePartner, KeyState, NewMail, NewPartner};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::{mail, AppState};

/// Address, postal and phone rules for one country (ISO 3166-1 alpha-2).
#[utoipa::path(get, path = "/countries/{iso2}", tag = "enrollment",
    params(("iso2" = String, Path, description = "ISO 3166-1 alpha-2 code, any case")),
    responses(
        (status = 200, description = "The country's rules", body = CountryInfo),
        (status = 404, description = "No such country", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn country(Path(iso2): Path<String>) -> ApiResult<Json<CountryInfo>> {
    countries::info(&iso2).map(Json).ok_or_else(|| {
        ApiError::other(
            Problem::new(404, "No such country or region")
                .with_code("country_unknown")
                .with_detail(format!("{iso2:?} is not an ISO 3166-1 alpha-2 code")),
        )
    })
}

async fn tenant(_: &AppState, user: &CurrentUser) -> ApiResult<(String, String)> {
    Ok((user.tenant_id.clone(), user.tenant_domain.clone()))
}

/// Looks a DUNS number up in the company registry and returns the profile
/// it holds, to confirm or correct. Rate-limited per user.
#[utoipa::path(get, path = "/duns/{number}", tag = "enrollment",
    params(("number" = String, Path, description = "Nine digits; spaces and dashes are ignored")),
    responses(
        (status = 200, description = "The registered profile", body = LegalBusinessProfile),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No company has this number", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not nine digits", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many look-ups; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn duns(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(number): Path<String>,
) -> ApiResult<Json<LegalBusinessProfile>> {
    let Some(duns) = pc_api::normalize_duns(&number) else {
        return Err(ApiError::Validation(ApiError::field(
            "duns",
            "duns_invalid",
        )));
    };
    state.limits.duns_lookup(&state.db, &user.user_id).await?;
    db::registry_lookup(&state.db, &duns)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::other(
                Problem::new(404, "No company is registered with this DUNS number")
                    .with_code("duns_not_found")
                    .with_detail("Check the number, or enter your business details by hand."),
            )
        })
}

/// The signed-in applicant's draft (empty when there is none yet).
#[utoipa::path(get, path = "/enrollment/draft", tag = "enrollment",
    responses(
        (status = 200, description = "The draft", body = EnrollmentDraft),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_draft(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<EnrollmentDraft>> {
    let (tenant_id, _) = tenant(&state, &user).await?;
    let draft = match db::load_draft(&state.db, &tenant_id).await? {
        Some((body, updated_at)) => {
            let mut d: EnrollmentDraft = serde_json::from_str(&body).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "stored draft unreadable; starting afresh");
                EnrollmentDraft::default()
            });
            d.updated_at = updated_at;
            d
        }
        None => EnrollmentDraft::default(),
    };
    Ok(Json(draft))
}

/// Replaces the draft: answers as typed, complete or not.
#[utoipa::path(put, path = "/enrollment/draft", tag = "enrollment",
    request_body = EnrollmentDraft,
    responses(
        (status = 200, description = "Saved; `updated_at` set", body = EnrollmentDraft),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 16 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a draft", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_draft(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(mut draft): ApiJson<EnrollmentDraft>,
) -> ApiResult<Json<EnrollmentDraft>> {
    let (tenant_id, _) = tenant(&state, &user).await?;
    let now = auth::now();
    draft.updated_at = now;
    let body = serde_json::to_string(&draft).map_err(|e| anyhow::anyhow!(e))?;
    if body.len() > DRAFT_MAX_BYTES {
        return Err(ApiError::PayloadTooLarge);
    }
    db::save_draft(&state.db, &tenant_id, &body, now).await?;
    Ok(Json(draft))
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<String> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("");
    let ok = (8..=128).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c));
    if ok {
        Ok(key.to_owned())
    } else {
        Err(ApiError::other(
            Problem::new(400, "An Idempotency-Key header is required")
                .with_code("idempotency_key_required")
                .with_detail(
                    "Send 8–128 letters, digits, '-', '_', '.' or ':' that identify this request.",
                ),
        ))
    }
}

/// Where links in emails point: the configured app URL, else the origin the
/// request came from.
/// The origin (and path) links in emails point at: `--app-url`. Without it
/// (only allowed with `--dev` on a loopback address) an origin allowed by
/// `--cors-origin`, else a loopback `Host`, else the listen address: never a
/// host that a request names at will.
pub fn app_origin(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.app_url {
        return url.trim_end_matches('/').to_owned();
    }
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    if let Some(o) = origin.filter(|o| state.config.cors_origins.iter().any(|c| c == o)) {
        return o.to_owned();
    }
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| crate::auth::is_loopback_host_name(h));
    match host {
        Some(h) => format!("http://{h}"),
        None => format!("http://{}", state.config.listen_addr()),
    }
}

fn json_response(status: StatusCode, body: String, problem: bool) -> Response {
    let ct = if problem {
        "application/problem+json"
    } else {
        "application/json"
    };
    (status, [(CONTENT_TYPE, ct)], body).into_response()
}

/// *Enroll now*: creates the partner account (MPN ID, profile, primary
/// contact, vetting Pending with its three checks) and emails the primary
/// contact. Idempotent: the same `Idempotency-Key` with the same body replays
/// the first answer; with another body it is refused (422); while the first
/// is still running, 409. A tenant has at most one partner account.
#[utoipa::path(post, path = "/enrollment", tag = "enrollment",
    request_body = EnrollRequest,
    params(("Idempotency-Key" = String, Header, description = "Identifies this request; reuse it to retry")),
    responses(
        (status = 201, description = "Enrolled", body = PartnerAccount),
        (status = 400, description = "No or bad Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already enrolled, or the same request is still running", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors (`profile.*`, `contact.*`), or the key was used with another body", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn enroll(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiJson(req): ApiJson<EnrollRequest>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    let errors = req.check();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let profile = req.profile.normalized();
    let contact = req.contact.normalized(&profile.country);
    let canonical = serde_json::to_string(&EnrollRequest {
        profile: profile.clone(),
        contact: contact.clone(),
    })
    .map_err(|e| anyhow::anyhow!(e))?;
    let hash: String = Sha256::digest(canonical.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // The work runs to its end even if the client goes away meanwhile (a
    // reload, a closed tab): dropped halfway, it would leave the key
    // claimed, and every retry would hear "still processing" until the
    // claim went stale.
    tokio::spawn(claim_and_create(
        state, user, headers, profile, contact, key, hash,
    ))
    .await
    .map_err(|e| anyhow::anyhow!("the enrollment task ended early: {e}"))?
}

/// *Enroll now* past its checks: claims the idempotency key, creates the
/// partner account and records the answer for retries.
async fn claim_and_create(
    state: AppState,
    user: CurrentUser,
    headers: HeaderMap,
    profile: LegalBusinessProfile,
    contact: pc_api::PrimaryContact,
    key: String,
    hash: String,
) -> ApiResult<Response> {
    let now = auth::now();
    match db::claim_idempotency_key(
        &state.db,
        &user.user_id,
        &key,
        &hash,
        now,
        state.config.in_flight_timeout_secs,
    )
    .await?
    {
        KeyState::Claimed => {}
        KeyState::Mismatch => {
            return Err(ApiError::other(
                Problem::new(
                    422,
                    "This Idempotency-Key was used with a different request",
                )
                .with_code("idempotency_key_reused"),
            ))
        }
        KeyState::InFlight => {
            return Err(ApiError::other(
                Problem::new(409, "The same request is still being processed")
                    .with_code("request_in_flight")
                    .with_detail("Wait a moment, then retry with the same Idempotency-Key."),
            ))
        }
        KeyState::Done(status, body) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
            return Ok(json_response(status, body, !status.is_success()));
        }
    }
    let outcome = create(&state, &user, &headers, &profile, &contact, &key, now).await;
    match outcome {
        // Its answer was recorded with it.
        Ok(account) => {
            let body = serde_json::to_string(&account).map_err(|e| anyhow::anyhow!(e))?;
            Ok(json_response(StatusCode::CREATED, body, false))
        }
        Err(ApiError::Other(p)) if p.code.as_deref() == Some("already_enrolled") => {
            let body = serde_json::to_string(&p).map_err(|e| anyhow::anyhow!(e))?;
            db::finish_idempotency_key(&state.db, &user.user_id, &key, 409, &body).await?;
            Err(ApiError::Other(p))
        }
        Err(e) => {
            // Nothing was stored: free the key so a retry can do the work.
            if let Err(release) = db::release_idempotency_key(&state.db, &user.user_id, &key).await
            {
                tracing::warn!(error = %release, "could not release an idempotency key");
            }
            Err(e)
        }
    }
}

async fn create(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    profile: &LegalBusinessProfile,
    contact: &pc_api::PrimaryContact,
    idempotency_key: &str,
    now: i64,
) -> ApiResult<PartnerAccount> {
    let (tenant_id, _) = tenant(state, user).await?;
    let admin = db::session_view(&state.db, &user.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let locale = mail::locale_from_accept_language(
        headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()),
    );
    let token = auth::new_session_id();
    let link = format!("{}/verify-email/{token}", app_origin(state, headers));
    let contact_name = format!("{} {}", contact.first_name, contact.last_name);
    let admin_name = format!("{} {}", admin.user.first_name, admin.user.last_name);
    let new = NewPartner {
        tenant_id: &tenant_id,
        user_id: &user.user_id,
        profile,
        contact,
        contact_locale: locale,
        token_hash: &auth::hash_session_id(&token),
        token_expires_at: now + state.config.link_lifetime_minutes * 60,
        idempotency_key,
    };
    let mut created = None;
    for _ in 0..10 {
        let mpn_id = rand::rng()
            .random_range(1_000_000..=9_999_999u32)
            .to_string();
        let facts = mail::VerifyMailFacts {
            contact_name: &contact_name,
            admin_name: &admin_name,
            legal_name: &profile.legal_name,
            mpn_id: &mpn_id,
            link: &link,
            hours: (state.config.link_lifetime_minutes + 59) / 60,
        };
        let msg = mail::verify_email(locale, &facts);
        let mail = NewMail {
            to: &contact.email,
            locale,
            subject: &msg.subject,
            body: &msg.body,
        };
        match db::create_partner_account(&state.db, &new, &mpn_id, &mail, now).await? {
            CreatePartner::Created(account) => {
                created = Some(account);
                break;
            }
            CreatePartner::MpnIdTaken => continue,
            CreatePartner::AlreadyEnrolled => {
                return Err(ApiError::other(
                    Problem::new(409, "Your company is already enrolled")
                        .with_code("already_enrolled")
                        .with_detail(
                            "A tenant has one partner account; open the dashboard to see it.",
                        ),
                ))
            }
        }
    }
    let account = created.ok_or_else(|| anyhow::anyhow!("no free MPN ID after 10 draws"))?;
    tracing::info!(mpn_id = %account.mpn_id, to = %contact.email, "partner account created; verification email queued");
    Ok(*account)
}

/// The signed-in user's partner account.
#[utoipa::path(get, path = "/partner-account", tag = "enrollment",
    responses(
        (status = 200, description = "The partner account", body = PartnerAccount),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not enrolled yet", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn partner_account(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<PartnerAccount>> {
    let (tenant_id, _) = tenant(&state, &user).await?;
    db::partner_account(&state.db, &tenant_id)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError::other(Problem::new(404, "Not enrolled yet").with_code("not_enrolled"))
        })
}

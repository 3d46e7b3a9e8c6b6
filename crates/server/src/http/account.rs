//! Work accounts: *Create one*, *Sign in*, who is signed in, *Sign out*.

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use pc_api::{CreateAccountRequest, Problem, Session, SignInRequest};

use crate::auth::{self, ClientAddr, CurrentUser};
use crate::db::{self, CreateConflict, NewAccount};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiJson;
use crate::AppState;

/// Starts a session for `user_id` and answers with it and its cookie.
async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user_id: &str,
    status: StatusCode,
) -> ApiResult<Response> {
    // A fresh id on every sign-in: a session id planted before sign-in is useless.
    if let Some(old) = auth::session_id_from(headers) {
        db::delete_session(&state.db, &auth::hash_session_id(&old)).await?;
    }
    let id = auth::new_session_id();
    db::insert_session(&state.db, &auth::hash_session_id(&id), user_id, auth::now()).await?;
    let view = db::session_view(&state.db, user_id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("user {user_id} vanished while signing in"))?;
    let cookie = auth::session_cookie(&state.config, headers, &id);
    Ok((status, [(SET_COOKIE, cookie)], Json(view)).into_response())
}

/// *Create one*: a new tenant for the company domain whose first user, the
/// caller, is its Global admin; signs the caller in.
#[utoipa::path(post, path = "/accounts", tag = "account",
    request_body = CreateAccountRequest,
    responses(
        (status = 201, description = "Created and signed in; sets the session cookie", body = Session),
        (status = 400, description = "The body is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The domain or email already has an account", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many accounts from this address; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_account(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<CreateAccountRequest>,
) -> ApiResult<Response> {
    let errors = req.check();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    state.limits.create_account(&state.db, &addr).await?;
    let req = req.normalized();
    let password = req.password.clone();
    let hash = state.passwords.run(move |p| p.hash(&password)).await??;
    let account = NewAccount {
        domain: &req.company_domain,
        first_name: &req.first_name,
        last_name: &req.last_name,
        email: &req.email,
        password_hash: &hash,
    };
    let user_id = match db::create_tenant_with_admin(&state.db, &account, auth::now()).await? {
        Ok(id) => id,
        Err(CreateConflict::DomainTaken) => {
            return Err(ApiError::Conflict(ApiError::field(
                "company_domain",
                "domain_taken",
            )))
        }
        Err(CreateConflict::EmailTaken) => {
            return Err(ApiError::Conflict(ApiError::field("email", "email_taken")))
        }
    };
    tracing::info!(user_id, domain = %req.company_domain, "work account created");
    start_session(&state, &headers, &user_id, StatusCode::CREATED).await
}

/// *Sign in* with a work email and password. The answer to a wrong email
/// and to a wrong password is the same.
#[utoipa::path(post, path = "/session", tag = "account",
    request_body = SignInRequest,
    responses(
        (status = 200, description = "Signed in; sets a new session cookie", body = Session),
        (status = 401, description = "The email or password is incorrect", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts; see Retry-After", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SignInRequest>,
) -> ApiResult<Response> {
    let errors = req.check();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let req = req.normalized();
    state.limits.sign_in(&state.db, &addr, &req.email).await?;
    let found = db::credentials_by_email(&state.db, &req.email).await?;
    let hash = found.as_ref().map(|c| c.password_hash.clone());
    let password = req.password.clone();
    let ok = state
        .passwords
        .run(move |p| p.verify(&password, hash.as_deref()))
        .await?;
    match found {
        Some(c) if ok => start_session(&state, &headers, &c.user_id, StatusCode::OK).await,
        _ => {
            state.limits.sign_in_failed(&state.db, &req.email).await?;
            tracing::info!("sign-in refused");
            Err(ApiError::InvalidCredentials)
        }
    }
}

/// Who is signed in.
#[utoipa::path(get, path = "/session", tag = "account",
    responses(
        (status = 200, description = "The signed-in user and tenant", body = Session),
        (status = 401, description = "Not signed in, or the session expired", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn current_session(
    State(state): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Session>> {
    db::session_view(&state.db, &user.user_id)
        .await?
        .map(Json)
        .ok_or(ApiError::Unauthenticated)
}

/// *Sign out*: ends the session. Harmless when not signed in.
#[utoipa::path(delete, path = "/session", tag = "account",
    responses((status = 204, description = "Signed out; clears the session cookie")))]
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    if let Some(id) = auth::session_id_from(&headers) {
        db::delete_session(&state.db, &auth::hash_session_id(&id)).await?;
    }
    let cookie = auth::clear_cookie(&state.config, &headers);
    Ok((StatusCode::NO_CONTENT, [(SET_COOKIE, cookie)]).into_response())
}

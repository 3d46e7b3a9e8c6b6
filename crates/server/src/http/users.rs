//! User management for the signed-in user's tenant: the list (search,
//! paging), adding a user with a temporary password, roles, removal; and
//! changing one's own password (required after a temporary one).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use pc_api::users::{
    can_manage_users, dedup, ChangePasswordRequest, NewUserCreated, NewUserRequest,
    UpdateRolesRequest, UserPage, PER_PAGE_DEFAULT, PER_PAGE_MAX,
};
use pc_api::{Problem, Role, Session, UserSummary};
use rand::Rng;

use crate::auth::{self, CurrentUser};
use crate::db::{self, NewUser, UserChange};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery};
use crate::AppState;

async fn caller(state: &AppState, user: &CurrentUser) -> ApiResult<Session> {
    db::session_view(&state.db, &user.user_id)
        .await?
        .ok_or(ApiError::Unauthenticated)
}

/// The caller, if they may manage users; else 403.
async fn manager(state: &AppState, user: &CurrentUser) -> ApiResult<Session> {
    let me = caller(state, user).await?;
    if can_manage_users(&me.user.roles) {
        Ok(me)
    } else {
        Err(ApiError::other(
            Problem::new(
                403,
                "Only a Global admin or an Admin agent can manage users",
            )
            .with_code("not_user_admin"),
        ))
    }
}

fn last_global_admin() -> ApiError {
    ApiError::Conflict(ApiError::field("roles", "last_global_admin"))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// A part of a name or email.
    #[param(max_length = 100)]
    pub q: Option<String>,
    /// From 1.
    #[param(minimum = 1, maximum = 1_000_000)]
    pub page: Option<u32>,
    /// At most 100; 25 when absent.
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
}

/// A page of the tenant's users in name order. Anyone in the tenant may
/// read it; `can_manage` says whether they may change it.
#[utoipa::path(get, path = "/users", tag = "users",
    params(ListQuery),
    responses(
        (status = 200, description = "The page", body = UserPage),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "page or per_page out of range", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<UserPage>> {
    let me = caller(&state, &user).await?;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(PER_PAGE_DEFAULT);
    if page == 0 || page > 1_000_000 {
        return Err(ApiError::Validation(ApiError::field(
            "page",
            "invalid_type",
        )));
    }
    if per_page == 0 || per_page > PER_PAGE_MAX {
        return Err(ApiError::Validation(ApiError::field(
            "per_page",
            "invalid_type",
        )));
    }
    let search = q.q.unwrap_or_default();
    if search.chars().count() > 100 {
        return Err(ApiError::Validation(ApiError::field("q", "too_long")));
    }
    let (users, total) = db::user_page(&state.db, &me.tenant.id, &search, page, per_page).await?;
    Ok(Json(UserPage {
        users,
        total,
        page,
        per_page,
        can_manage: can_manage_users(&me.user.roles),
    }))
}

/// Twenty random characters in groups of five, without look-alikes.
fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..4)
        .map(|_| {
            (0..5)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// *Add user*: a work email on the tenant's domain, names and roles. The
/// answer holds a temporary password, shown once; the user must change it
/// at first sign-in.
#[utoipa::path(post, path = "/users", tag = "users",
    request_body = NewUserRequest,
    responses(
        (status = 201, description = "Added", body = NewUserCreated),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a Global admin or Admin agent", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email has an account already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn add(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<NewUserCreated>)> {
    let me = manager(&state, &user).await?;
    let errors = req.check(&me.tenant.domain);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let req = req.normalized();
    let password = temporary_password();
    let plain = password.clone();
    let hash = state.passwords.run(move |p| p.hash(&plain)).await??;
    let new = NewUser {
        tenant_id: &me.tenant.id,
        first_name: &req.first_name,
        last_name: &req.last_name,
        email: &req.email,
        roles: &req.roles,
        password_hash: &hash,
    };
    let Some(created) = db::create_user(&state.db, &new, auth::now()).await? else {
        return Err(ApiError::Conflict(ApiError::field("email", "email_taken")));
    };
    tracing::info!(by = %me.user.id, user = %created.id, "user added");
    Ok((
        StatusCode::CREATED,
        Json(NewUserCreated {
            user: created,
            temporary_password: password,
        }),
    ))
}

/// *Update*: replaces a user's roles. The tenant keeps at least one Global
/// admin.
#[utoipa::path(put, path = "/users/{id}/roles", tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    request_body = UpdateRolesRequest,
    responses(
        (status = 200, description = "Updated", body = UserSummary),
        (status = 403, description = "Not a Global admin or Admin agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in the tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It would remove the last Global admin", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn set_roles(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<UpdateRolesRequest>,
) -> ApiResult<Json<UserSummary>> {
    let me = manager(&state, &user).await?;
    let roles: Vec<Role> = dedup(&req.roles);
    match db::set_roles(&state.db, &me.tenant.id, &id, &roles).await? {
        UserChange::Done => {}
        UserChange::NoSuchUser => return Err(ApiError::NotFound),
        UserChange::LastGlobalAdmin => return Err(last_global_admin()),
    }
    tracing::info!(by = %me.user.id, user = %id, "roles updated");
    db::tenant_user(&state.db, &me.tenant.id, &id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound)
}

/// Removes a user; their sessions end. The last Global admin stays.
#[utoipa::path(delete, path = "/users/{id}", tag = "users",
    params(("id" = String, Path, description = "The user's id")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not a Global admin or Admin agent", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such user in the tenant", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It is the last Global admin", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn remove(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let me = manager(&state, &user).await?;
    match db::delete_user(&state.db, &me.tenant.id, &id, auth::now()).await? {
        UserChange::Done => {
            tracing::info!(by = %me.user.id, user = %id, "user removed");
            Ok(StatusCode::NO_CONTENT)
        }
        UserChange::NoSuchUser => Err(ApiError::NotFound),
        UserChange::LastGlobalAdmin => Err(last_global_admin()),
    }
}

/// Changes the signed-in user's password (the only thing a temporary
/// password allows).
#[utoipa::path(put, path = "/session/password", tag = "account",
    request_body = ChangePasswordRequest,
    responses(
        (status = 200, description = "Changed", body = Session),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors, or the current password is wrong", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<ChangePasswordRequest>,
) -> ApiResult<Json<Session>> {
    let me = caller(&state, &user).await?;
    let errors = req.check(&me.user.email);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let hash = db::password_hash_of(&state.db, &user.user_id).await?;
    let current = req.current_password.clone();
    let new = req.new_password.clone();
    let new_hash = state
        .passwords
        .run(move |p| p.verify(&current, hash.as_deref()).then(|| p.hash(&new)))
        .await?;
    let Some(new_hash) = new_hash else {
        return Err(ApiError::Validation(ApiError::field(
            "current_password",
            "password_incorrect",
        )));
    };
    db::set_password(&state.db, &user.user_id, &new_hash?).await?;
    tracing::info!(user = %user.user_id, "password changed");
    caller(&state, &user).await.map(Json)
}

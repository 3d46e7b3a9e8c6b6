//! The `/api/v1` interface: one module per resource, merged here into one
//! router that also yields the OpenAPI document.

pub mod account;
pub mod admin;
pub mod agreements;
pub mod dev;
pub mod documents;
pub mod enrollment;
pub mod guards;
pub mod health;
pub mod profile;
pub mod security;
pub mod users;
pub mod verification;

use std::sync::OnceLock;

use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiError;
use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Partner Center enrollment API",
        description = "Work accounts, enrollment and the partner dashboard. Errors are application/problem+json (RFC 9457) with field errors for 400/422."
    ),
    tags(
        (name = "service", description = "Health and the API description"),
        (name = "account", description = "Work accounts and sign-in sessions"),
        (name = "verification", description = "The primary contact's email verification"),
        (name = "enrollment", description = "Country rules, DUNS look-up, the draft, Enroll now and the partner account"),
        (name = "users", description = "User management in the signed-in user's tenant"),
        (name = "review", description = "The reviewer's admin API (bearer operator token): the queue and decisions on employment and business checks"),
    )
)]
struct ApiDoc;

static OPENAPI_JSON: OnceLock<String> = OnceLock::new();

/// Every `/api/v1` route with its OpenAPI description, paths relative to `/api/v1`.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(health::health))
        .routes(routes!(health::live))
        .routes(routes!(health::ready))
        .routes(routes!(openapi_json))
        .routes(routes!(account::create_account))
        .routes(routes!(
            account::sign_in,
            account::current_session,
            account::sign_out
        ))
        .routes(routes!(enrollment::country))
        .routes(routes!(enrollment::duns))
        .routes(routes!(enrollment::get_draft, enrollment::put_draft))
        .routes(routes!(enrollment::enroll))
        .routes(routes!(enrollment::partner_account))
        .routes(routes!(profile::update))
        .routes(routes!(agreements::current))
        .routes(routes!(agreements::accept))
        .routes(routes!(agreements::accepted))
        .routes(routes!(agreements::accepted_pdf))
        .routes(routes!(dev::mailbox))
        .routes(routes!(security::report))
        .routes(routes!(security::report_count))
        .routes(routes!(verification::show))
        .routes(routes!(verification::confirm))
        .routes(routes!(verification::decline))
        .routes(routes!(verification::undo))
        .routes(routes!(verification::resend_from_link))
        .routes(routes!(verification::resend))
        .routes(routes!(users::list, users::add))
        .routes(routes!(users::set_roles))
        .routes(routes!(users::remove))
        .routes(routes!(users::change_password))
        .routes(routes!(admin::queue))
        .routes(routes!(admin::decide))
        .routes(routes!(documents::download))
        .merge(
            // The one route whose body is a file, not JSON.
            OpenApiRouter::new()
                .routes(routes!(documents::upload))
                .layer(axum::extract::DefaultBodyLimit::max(
                    pc_api::documents::MAX_BYTES + 1,
                )),
        )
}

/// The router for `/api/v1` and its OpenAPI document, under the real prefix.
pub fn split() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut doc) = OpenApiRouter::new()
        .nest("/api/v1", api_router())
        .split_for_parts();
    document_shared_answers(&mut doc);
    let _ = OPENAPI_JSON.set(doc.to_pretty_json().unwrap_or_default());
    (router, doc)
}

/// Answers that come from the shared extractors rather than the handler,
/// added to every operation they apply to: a JSON body may be malformed
/// (400) or not JSON (415); a query string may hold a value of the wrong
/// type (422).
fn document_shared_answers(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let problem = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("Problem")))
                    .build(),
            )
            .build()
    };
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let json_body = op
                .request_body
                .as_ref()
                .is_some_and(|b| b.content.contains_key("application/json"));
            let query = op.parameters.as_ref().is_some_and(|ps| {
                ps.iter()
                    .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
            });
            let answers = &mut op.responses.responses;
            if json_body {
                answers.entry("400".into()).or_insert_with(|| {
                    problem("The body is not valid JSON, or not of this request's shape").into()
                });
                answers
                    .entry("415".into())
                    .or_insert_with(|| problem("The body is not application/json").into());
                answers.entry("422".into()).or_insert_with(|| {
                    problem("Field errors, or a field this request does not take").into()
                });
            }
            if query {
                answers
                    .entry("422".into())
                    .or_insert_with(|| problem("A query parameter has the wrong type").into());
            }
        }
    }
}

/// The OpenAPI 3.1 document describing every endpoint.
#[utoipa::path(get, path = "/openapi.json", tag = "service",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
pub async fn openapi_json() -> Response {
    let body = OPENAPI_JSON.get().cloned().unwrap_or_default();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Unknown `/api/…` paths answer problem+json, never the app's index page.
pub async fn not_found(_: Uri) -> ApiError {
    ApiError::NotFound
}

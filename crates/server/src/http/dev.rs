//! Development-only helpers, answered only when the server runs with `--dev`.

use axum::extract::State;
use axum::Json;
use pc_api::{MailboxMessage, Problem};

use crate::error::{ApiError, ApiResult};
use crate::{db, AppState};

/// The newest 50 messages of the outbox, for the development mailbox page.
#[utoipa::path(get, path = "/dev/mailbox", tag = "service",
    responses(
        (status = 200, description = "Newest first", body = [MailboxMessage]),
        (status = 404, description = "The server is not in development mode", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn mailbox(State(state): State<AppState>) -> ApiResult<Json<Vec<MailboxMessage>>> {
    if !state.config.dev {
        return Err(ApiError::NotFound);
    }
    let mail = db::recent_mail(&state.db, 50).await?;
    Ok(Json(
        mail.into_iter()
            .map(|m| MailboxMessage {
                id: m.id,
                to: m.to,
                locale: m.locale,
                subject: m.subject,
                body: m.body,
                created_at: m.created_at,
            })
            .collect(),
    ))
}

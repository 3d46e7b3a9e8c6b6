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

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes an email body and makes its http(s) links clickable.
pub fn body_html(body: &str) -> String {
    body.split('\n')
        .map(|line| {
            line.split(' ')
                .map(|word| {
                    if word.starts_with("http://") || word.starts_with("https://") {
                        let w = escape(word);
                        format!("<a href=\"{w}\">{w}</a>")
                    } else {
                        escape(word)
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `/dev/mailbox`: the outbox as a page, so a newcomer without SMTP can
/// click the links. Served only in `--dev` mode; elsewhere the path is the
/// app's (which shows its not-found page).
pub async fn mailbox_page(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::{Html, IntoResponse};
    let mail = match db::recent_mail(&state.db, 50).await {
        Ok(m) => m,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let items: String = if mail.is_empty() {
        "<p>No emails yet. Enroll a company and its primary contact's email appears here.</p>"
            .into()
    } else {
        mail.iter()
            .map(|m| {
                format!(
                    "<article><h2>{}</h2><p class=\"to\">To {} · {}</p><pre>{}</pre></article>",
                    escape(&m.subject),
                    escape(&m.to),
                    escape(&m.locale),
                    body_html(&m.body)
                )
            })
            .collect()
    };
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Development mailbox – Partner Center</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}\
         article{{border-top:1px solid #d1d1d1;padding:1rem 0}}pre{{white-space:pre-wrap;font-family:inherit}}\
         .to{{color:#616161}}a{{color:#0f6cbd}}</style></head><body>\
         <h1>Development mailbox</h1><p>The emails this development server would have sent, newest first. \
         Production servers do not have this page.</p>{items}</body></html>"
    );
    Html(page).into_response()
}

#[cfg(test)]
mod tests {
    use super::body_html;

    #[test]
    fn bodies_are_escaped_and_links_clickable() {
        let html = body_html("Hi <b>Wei</b>,\nopen http://x.test/verify-email/abc now");
        assert!(html.contains("Hi &lt;b&gt;Wei&lt;/b&gt;,"));
        assert!(html.contains(
            "<a href=\"http://x.test/verify-email/abc\">http://x.test/verify-email/abc</a> now"
        ));
    }
}

//! Delivery of the outbox over SMTP (lettre), when `--smtp-url` is set.
//! Messages wait in the outbox until the SMTP server accepts them, so a mail
//! server that is down delays emails but loses none.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{db, AppState};

pub type Mailer = AsyncSmtpTransport<Tokio1Executor>;

/// A transport from an `smtp://`, `smtps://` (TLS) or `smtp://…?tls=required`
/// URL, with optional `user:password@`.
pub fn mailer(url: &str) -> Result<Mailer, String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|b| b.timeout(Some(Duration::from_secs(20))).build())
        .map_err(|e| format!("--smtp-url {url:?} is not usable: {e}"))
}

/// Sends what the outbox holds; returns how many messages went out.
pub async fn deliver_pending(state: &AppState, mailer: &Mailer, from: &Mailbox) -> usize {
    let pending = match db::unsent_mail(&state.db, 20).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox");
            return 0;
        }
    };
    let mut sent = 0;
    for m in pending {
        let to: Mailbox = match m.to.parse() {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(id = %m.id, to = %m.to, error = %e, "undeliverable address; left in the outbox");
                continue;
            }
        };
        let message = Message::builder()
            .from(from.clone())
            .to(to)
            .subject(m.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(m.body.clone());
        let message = match message {
            Ok(msg) => msg,
            Err(e) => {
                tracing::error!(id = %m.id, error = %e, "cannot build the email; left in the outbox");
                continue;
            }
        };
        match mailer.send(message).await {
            Ok(_) => {
                if let Err(e) = db::mark_mail_sent(&state.db, &m.id, crate::auth::now()).await {
                    tracing::warn!(id = %m.id, error = %e, "sent, but could not mark it sent");
                }
                tracing::info!(id = %m.id, to = %m.to, subject = %m.subject, "email sent");
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = %m.id, to = %m.to, error = %e, "SMTP refused or unreachable; will retry");
                break;
            }
        }
    }
    sent
}

/// Delivers the outbox every few seconds for as long as the server runs.
pub fn spawn_delivery(state: AppState, mailer: Mailer, from: Mailbox) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3));
        loop {
            tick.tick().await;
            deliver_pending(&state, &mailer, &from).await;
        }
    });
}

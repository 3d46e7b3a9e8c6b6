//! Delivery of the outbox over SMTP (lettre), when `--smtp-url` is set.
//! Messages wait in the outbox until the SMTP server accepts them, so a mail
//! server that is down delays emails but loses none.
//!
//! Any number of servers may deliver from one database: each claims a batch
//! with a lease (`db::claim_mail`), so a message goes to one of them; one
//! whose server dies mid-send is claimed again when its lease runs out, and
//! goes out with the same `Message-ID`. A refusal is per message: a
//! temporary one (4xx) is tried again later with a growing wait, a
//! permanent one (5xx) marks that message failed; neither holds back the
//! others.

use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::{db, AppState};

pub type Mailer = AsyncSmtpTransport<Tokio1Executor>;

/// How many messages one server claims at a time.
const BATCH: i64 = 20;

/// How long one SMTP exchange may take.
const SEND_TIMEOUT: Duration = Duration::from_secs(20);

/// After this many attempts a temporarily refused message is given up.
pub const MAX_ATTEMPTS: i64 = 12;

/// A transport from an `smtp://`, `smtps://` (TLS) or `smtp://…?tls=required`
/// URL, with optional `user:password@`.
pub fn mailer(url: &str) -> Result<Mailer, String> {
    AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map(|b| b.timeout(Some(SEND_TIMEOUT)).build())
        .map_err(|e| format!("--smtp-url {url:?} is not usable: {e}"))
}

/// The wait before attempt `attempts + 1` of a temporarily refused message:
/// 30 s, doubling, at most an hour.
pub fn backoff_secs(attempts: i64) -> i64 {
    let doublings = attempts.clamp(1, 8) - 1;
    (30_i64 << doublings).min(3600)
}

/// The `Message-ID` of an outbox message: the same on every attempt, so a
/// copy sent twice (a server died between the mail server's acceptance and
/// the outbox's record of it) is recognisably the same message.
pub fn message_id(outbox_id: &str, from: &Mailbox) -> String {
    format!("<{outbox_id}@{}>", from.email.domain())
}

/// What became of one message.
#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Sent,
    /// Refused for now (4xx) or failed mid-session: tried again later.
    Later(String),
    /// Refused for good (5xx) or unusable: marked failed, with the reason.
    Failed(String),
    /// The mail server could not be reached: the message was not at fault.
    Unreachable,
}

/// One delivery round: claims what is due and sends it. Returns how many
/// messages went out.
pub async fn deliver_pending(
    state: &AppState,
    mailer: &Mailer,
    from: &Mailbox,
    worker: &str,
) -> usize {
    let now = crate::auth::now();
    let lease_secs = state.config.outbox_lease_secs;
    let claimed = match db::claim_mail(&state.db, worker, now, lease_secs, BATCH).await {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the outbox");
            crate::metrics::job_failed("outbox_claim");
            return 0;
        }
    };
    let mut sent = 0;
    let mut unreachable = false;
    let started = std::time::Instant::now();
    // A message is sent only while its lease has room for an attempt (the
    // transport's timeout, or half the lease if that is shorter): past
    // that, another server may claim it meanwhile, so it goes back unsent
    // and uncounted for the next round instead.
    let lease = Duration::from_secs(lease_secs.max(1) as u64);
    let attempt = SEND_TIMEOUT.min(lease / 2);
    let lease_left = |elapsed: Duration| lease.saturating_sub(elapsed) > attempt;
    for m in claimed {
        let outcome = if unreachable || !lease_left(started.elapsed()) {
            Outcome::Unreachable
        } else {
            send_one(mailer, from, &m).await
        };
        let now = crate::auth::now();
        let recorded = match &outcome {
            Outcome::Sent => {
                sent += 1;
                db::mark_mail_sent(&state.db, &m.id, now).await
            }
            Outcome::Unreachable => {
                unreachable = true;
                let why = "not attempted: mail server unreachable or lease too short";
                db::retry_mail(&state.db, &m.id, now, why, false).await
            }
            Outcome::Later(why) if m.attempts >= MAX_ATTEMPTS => {
                crate::metrics::job_failed("email");
                let why = format!("gave up after {} attempts: {why}", m.attempts);
                db::fail_mail(&state.db, &m.id, now, &why).await
            }
            Outcome::Later(why) => {
                let next = now + backoff_secs(m.attempts);
                db::retry_mail(&state.db, &m.id, next, why, true).await
            }
            Outcome::Failed(why) => {
                crate::metrics::job_failed("email");
                db::fail_mail(&state.db, &m.id, now, why).await
            }
        };
        if let Err(e) = recorded {
            tracing::warn!(id = %m.id, error = %e, ?outcome, "could not record the delivery");
        }
    }
    sent
}

async fn send_one(mailer: &Mailer, from: &Mailbox, m: &db::StoredMail) -> Outcome {
    let to: Mailbox = match m.to.parse() {
        Ok(t) => t,
        Err(e) => {
            tracing::error!(id = %m.id, to = %m.to, error = %e, "undeliverable address");
            return Outcome::Failed(format!("not an address: {e}"));
        }
    };
    let message = Message::builder()
        .from(from.clone())
        .to(to)
        .message_id(Some(message_id(&m.id, from)))
        .subject(m.subject.clone())
        .header(ContentType::TEXT_PLAIN)
        .body(m.body.clone());
    let message = match message {
        Ok(msg) => msg,
        Err(e) => {
            tracing::error!(id = %m.id, error = %e, "cannot build the email");
            return Outcome::Failed(format!("cannot build the email: {e}"));
        }
    };
    match mailer.send(message).await {
        Ok(_) => {
            tracing::info!(id = %m.id, to = %m.to, subject = %m.subject, "email sent");
            Outcome::Sent
        }
        Err(e) if e.is_permanent() => {
            tracing::warn!(id = %m.id, to = %m.to, error = %e, "the mail server refused this email for good");
            Outcome::Failed(e.to_string())
        }
        Err(e) if e.is_transient() || e.is_timeout() => {
            tracing::warn!(id = %m.id, to = %m.to, error = %e, "the mail server refused this email for now");
            Outcome::Later(e.to_string())
        }
        Err(e) => {
            tracing::warn!(id = %m.id, error = %e, "the mail server cannot be reached; will retry");
            Outcome::Unreachable
        }
    }
}

/// Delivers the outbox every `--outbox-poll-ms` for as long as the server runs.
pub fn spawn_delivery(state: AppState, mailer: Mailer, from: Mailbox) {
    let worker = uuid::Uuid::new_v4().to_string();
    tokio::spawn(async move {
        let every = Duration::from_millis(state.config.outbox_poll_ms);
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            deliver_pending(&state, &mailer, &from, &worker).await;
        }
    });
}

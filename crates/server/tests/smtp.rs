//! Outbox delivery over SMTP, against a small SMTP server in the test.

mod common;
#[path = "common/fake_smtp.rs"]
mod fake_smtp;

use axum::http::StatusCode;
use common::*;
use fake_smtp::fake_smtp;
use pc_server::{db, smtp, AppState, Config};
use serde_json::json;

fn state(t: &TestApp) -> AppState {
    AppState::new(t.db.clone(), Config::for_tests("sqlite::memory:"))
}

async fn enroll(t: &TestApp) {
    enroll_as(t, "contoso.com", "wei").await;
}

/// Enrolls `domain` with the primary contact `contact@domain`; returns the
/// admin's session cookie.
async fn enroll_as(t: &TestApp, domain: &str, contact: &str) -> String {
    let cookie = t.signed_in(domain, &format!("mei@{domain}")).await;
    let body = json!({
        "profile": {"country": "US", "legal_name": "Contoso Ltd.", "line1": "1 Contoso Way",
                    "city": "Redmond", "state": "WA", "postal_code": "98052"},
        "contact": {"first_name": "Wei", "last_name": "Chen", "email": format!("{contact}@{domain}")}
    });
    let a = t.enroll(&cookie, "key-smtp-0001", body).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    cookie
}

#[tokio::test]
async fn the_outbox_is_delivered_over_smtp_and_marked_sent() {
    let t = test_app().await;
    enroll(&t).await;
    let (port, log) = fake_smtp().await;
    let mailer = smtp::mailer(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let from = "Partner Center <no-reply@contoso.test>".parse().unwrap();
    let id = db::unsent_mail(&t.db, 10).await.unwrap()[0].id.clone();
    assert_eq!(
        smtp::deliver_pending(&state(&t), &mailer, &from, "w1").await,
        1
    );
    let seen = log.lock().unwrap().clone();
    assert!(seen.contains("RCPT TO:<wei@contoso.com>"), "{seen}");
    assert!(seen.contains("Subject:"), "{seen}");
    assert!(seen.contains("verify-email"), "{seen}");
    // The Message-ID is the outbox row's, so a copy sent again is the same.
    assert!(
        seen.contains(&format!("Message-ID: <{id}@contoso.test>")),
        "{seen}"
    );
    assert!(db::unsent_mail(&t.db, 10).await.unwrap().is_empty());
    // Nothing is sent twice.
    assert_eq!(
        smtp::deliver_pending(&state(&t), &mailer, &from, "w1").await,
        0
    );
}

#[tokio::test]
async fn a_claimed_email_is_left_alone_until_its_lease_runs_out() {
    let t = test_app().await;
    enroll(&t).await;
    let now = pc_server::auth::now();
    let first = db::claim_mail(&t.db, "server-a", now, 60, 20)
        .await
        .unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].attempts, 1);
    // Another server finds nothing to do while the lease holds…
    let second = db::claim_mail(&t.db, "server-b", now + 30, 60, 20)
        .await
        .unwrap();
    assert!(second.is_empty());
    // …and takes the email over once it has run out (server-a died).
    let later = db::claim_mail(&t.db, "server-b", now + 61, 60, 20)
        .await
        .unwrap();
    assert_eq!(later.len(), 1);
    assert_eq!(later[0].id, first[0].id);
    assert_eq!(later[0].attempts, 2);
}

#[tokio::test]
async fn one_refused_recipient_holds_back_no_other_email() {
    let t = test_app().await;
    // Queued first, oldest: the old loop stopped at it for good.
    let bounced = enroll_as(&t, "contoso.com", "bounce").await;
    enroll_as(&t, "fabrikam.com", "later").await;
    enroll_as(&t, "northwind.com", "wei").await;
    let (port, log) = fake_smtp().await;
    let mailer = smtp::mailer(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let from = "Partner Center <no-reply@contoso.test>".parse().unwrap();
    assert_eq!(
        smtp::deliver_pending(&state(&t), &mailer, &from, "w1").await,
        1
    );
    let seen = log.lock().unwrap().clone();
    assert!(seen.contains("RCPT TO:<wei@northwind.com>"), "{seen}");
    // The 550 is final: the message is failed, not retried, and kept.
    let left = db::unsent_mail(&t.db, 10).await.unwrap();
    assert_eq!(
        left.len(),
        1,
        "only the 450 waits: {:?}",
        left.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    assert_eq!(left[0].to, "later@fabrikam.com");
    // The 450 waits its backoff: not claimed again at once.
    let again = db::claim_mail(&t.db, "w2", pc_server::auth::now(), 60, 20)
        .await
        .unwrap();
    assert!(again.is_empty());
    let due = db::claim_mail(
        &t.db,
        "w2",
        pc_server::auth::now() + smtp::backoff_secs(1),
        60,
        20,
    )
    .await
    .unwrap();
    assert_eq!(due.len(), 1);
    // The applicant sees the bounce on the account, and so does the reviewer.
    let account = t
        .call("GET", "/api/v1/partner-account", None, Some(&bounced))
        .await;
    assert_eq!(account.body["email_bounce"]["email"], "bounce@contoso.com");
    assert!(
        account.body["email_bounce"]["reason"]
            .as_str()
            .unwrap()
            .contains("550"),
        "{}",
        account.body
    );
    let queue = db::review_queue(&t.db, None).await.unwrap();
    let flagged: Vec<_> = queue
        .iter()
        .filter_map(|i| i.email_bounce.as_ref().map(|b| b.email.as_str()))
        .collect();
    assert_eq!(flagged, ["bounce@contoso.com"]);
}

#[tokio::test]
async fn an_unreachable_smtp_server_keeps_the_mail_for_later() {
    let t = test_app().await;
    enroll(&t).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mailer = smtp::mailer(&format!("smtp://127.0.0.1:{closed}")).unwrap();
    let from = "Partner Center <no-reply@contoso.test>".parse().unwrap();
    assert_eq!(
        smtp::deliver_pending(&state(&t), &mailer, &from, "w1").await,
        0
    );
    let left = db::unsent_mail(&t.db, 10).await.unwrap();
    assert_eq!(left.len(), 1);
    // The mail server was not reached: the message is not at fault.
    assert_eq!(left[0].attempts, 0);
}

#[test]
fn a_bad_smtp_url_is_named_at_start() {
    let mut c = Config::for_tests("sqlite::memory:");
    c.smtp_url = Some("ftp://nope".into());
    let e = c.validate().unwrap_err();
    assert!(e.contains("--smtp-url"), "{e}");
    let mut c = Config::for_tests("sqlite::memory:");
    c.mail_from = "not an address".into();
    assert!(c.validate().unwrap_err().contains("--mail-from"));
}

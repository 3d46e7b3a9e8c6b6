//! Outbox delivery over SMTP, against a small SMTP server in the test.

mod common;

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use common::*;
use pc_server::{db, smtp, AppState, Config};
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// Accepts SMTP sessions, answers like a relay that takes everything, and
/// records what it was told.
async fn fake_smtp() -> (u16, Arc<Mutex<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(String::new()));
    let seen = log.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let seen = seen.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test ESMTP\r\n").await.unwrap();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    seen.lock().unwrap().push_str(&format!("{line}\n"));
                    let reply: &[u8] = if in_data {
                        if line == "." {
                            in_data = false;
                            b"250 queued\r\n"
                        } else {
                            continue;
                        }
                    } else {
                        match line.get(..4).unwrap_or("").to_ascii_uppercase().as_str() {
                            "EHLO" | "HELO" => b"250 test\r\n",
                            "DATA" => {
                                in_data = true;
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = w.write_all(b"221 bye\r\n").await;
                                return;
                            }
                            _ => b"250 ok\r\n",
                        }
                    };
                    w.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (port, log)
}

fn state(t: &TestApp) -> AppState {
    AppState::new(t.db.clone(), Config::for_tests("sqlite::memory:"))
}

async fn enroll(t: &TestApp) {
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let body = json!({
        "profile": {"country": "US", "legal_name": "Contoso Ltd.", "line1": "1 Contoso Way",
                    "city": "Redmond", "state": "WA", "postal_code": "98052"},
        "contact": {"first_name": "Wei", "last_name": "Chen", "email": "wei@contoso.com"}
    });
    assert_eq!(
        t.enroll(&cookie, "key-smtp-0001", body).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_outbox_is_delivered_over_smtp_and_marked_sent() {
    let t = test_app().await;
    enroll(&t).await;
    let (port, log) = fake_smtp().await;
    let mailer = smtp::mailer(&format!("smtp://127.0.0.1:{port}")).unwrap();
    let from = "Partner Center <no-reply@contoso.test>".parse().unwrap();
    assert_eq!(smtp::deliver_pending(&state(&t), &mailer, &from).await, 1);
    let seen = log.lock().unwrap().clone();
    assert!(seen.contains("RCPT TO:<wei@contoso.com>"), "{seen}");
    assert!(seen.contains("Subject:"), "{seen}");
    assert!(seen.contains("verify-email"), "{seen}");
    assert!(db::unsent_mail(&t.db, 10).await.unwrap().is_empty());
    // Nothing is sent twice.
    assert_eq!(smtp::deliver_pending(&state(&t), &mailer, &from).await, 0);
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
    assert_eq!(smtp::deliver_pending(&state(&t), &mailer, &from).await, 0);
    assert_eq!(db::unsent_mail(&t.db, 10).await.unwrap().len(), 1);
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

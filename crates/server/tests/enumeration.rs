//! Sign-in probing: a wrong password and an unknown email look alike, by
//! answer, by rate limit and by time. In a test binary of its own, so that
//! no other test's load skews the timing.

mod common;

use std::time::Instant;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn sign_in_tells_a_wrong_password_from_an_unknown_email_neither_by_answer_nor_by_time() {
    let t = test_app_with(|c| c.sign_in_burst = 1_000).await;
    t.signed_in("contoso.com", "mei@contoso.com").await;
    let attempt = |email: &'static str| {
        let t = &t;
        async move {
            let started = Instant::now();
            let a = t
                .call(
                    "POST",
                    "/api/v1/session",
                    Some(json!({"email": email, "password": "guess-guess-guess"})),
                    None,
                )
                .await;
            (a.status, a.body, started.elapsed())
        }
    };
    let (mut known, mut unknown) = (vec![], vec![]);
    let mut answers: Vec<Value> = vec![];
    for _ in 0..21 {
        let (s, body, took) = attempt("mei@contoso.com").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        answers.push(body);
        known.push(took);
        let (s, body, took) = attempt("nobody@contoso.com").await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        answers.push(body);
        unknown.push(took);
    }
    assert!(
        answers.windows(2).all(|w| w[0] == w[1]),
        "one answer for both: {answers:?}"
    );
    known.sort();
    unknown.sort();
    let (k, u) = (known[10].as_secs_f64(), unknown[10].as_secs_f64());
    println!("median sign-in failure: known email {k:.4} s, unknown {u:.4} s");
    // Both verify one Argon2 hash; what differs is one indexed look-up.
    assert!(
        (k / u) < 1.5 && (u / k) < 1.5,
        "medians differ beyond noise: known {k:.4} s, unknown {u:.4} s"
    );
}

#[tokio::test]
async fn sign_in_is_limited_alike_for_known_and_unknown_emails() {
    let t = test_app_with(|c| c.sign_in_burst = 3).await;
    t.signed_in("contoso.com", "mei@contoso.com").await;
    for email in ["mei@contoso.com", "nobody@contoso.com"] {
        let creds = json!({"email": email, "password": "guess-guess-guess"});
        let mut statuses = vec![];
        for _ in 0..4 {
            let a = t
                .call("POST", "/api/v1/session", Some(creds.clone()), None)
                .await;
            statuses.push(a.status.as_u16());
        }
        assert_eq!(statuses, [401, 401, 401, 429], "{email}");
    }
    // The limit is per address too: a spray over many emails stops.
    let mut last = 0;
    for i in 0..20 {
        let creds = json!({"email": format!("user{i}@contoso.com"), "password": "x"});
        last = t
            .call("POST", "/api/v1/session", Some(creds), None)
            .await
            .status
            .as_u16();
        if last == 429 {
            break;
        }
    }
    assert_eq!(last, 429, "a spray over many emails is limited per address");
}

//! Sign-in probing: a wrong password and an unknown email look alike, by
//! answer and by time. Alone in its test binary, so that no other test's
//! load skews the timing (the limits are in `sign_in_limits.rs`).

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
    // The lower quartile: a leak (no hash for an unknown email) shows there
    // as a tenfold gap, while a busy machine only ever adds time.
    let (k, u) = (known[5].as_secs_f64(), unknown[5].as_secs_f64());
    println!("lower-quartile sign-in failure: known email {k:.4} s, unknown {u:.4} s");
    // Both verify one Argon2 hash; what differs is one indexed look-up.
    assert!(
        (k / u) < 2.0 && (u / k) < 2.0,
        "sign-in failures differ beyond noise: known {k:.4} s, unknown {u:.4} s"
    );
}

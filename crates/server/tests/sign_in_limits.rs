//! Sign-in limits: alike for known and unknown emails, per address, and
//! never a lock-out of the real user by somebody else's guesses.

mod common;

use common::*;
use serde_json::json;

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

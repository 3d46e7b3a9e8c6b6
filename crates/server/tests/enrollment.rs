//! The enrollment endpoints in process: country rules, DUNS, drafts,
//! Enroll now and its idempotency.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;
use tower::ServiceExt;

fn enroll_body() -> serde_json::Value {
    json!({
        "profile": {
            "country": "US", "legal_name": "Contoso Ltd.", "line1": "1 Contoso Way", "line2": "",
            "city": "Redmond", "state": "WA", "postal_code": "98052"
        },
        "contact": {"first_name": "Wei", "last_name": "Chen", "email": "wei@contoso.com", "phone": "(425) 555-0100"}
    })
}

#[tokio::test]
async fn country_rules_are_served_for_any_country() {
    let t = test_app().await;
    let a = t.call("GET", "/api/v1/countries/tw", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["code"], "TW");
    assert_eq!(a.body["postal_required"], true);
    assert_eq!(a.body["calling_code"], "886");
    let us = t.call("GET", "/api/v1/countries/US", None, None).await;
    assert!(us.body["states"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["code"] == "WA"));
    let ke = t.call("GET", "/api/v1/countries/KE", None, None).await;
    assert_eq!(ke.body["state_required"], false);
    let none = t.call("GET", "/api/v1/countries/XX", None, None).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert_eq!(none.body["code"], "country_unknown");
}

#[tokio::test]
async fn duns_numbers_are_looked_up_with_spaces_and_dashes() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let a = t
        .call("GET", "/api/v1/duns/08-146-6849", None, Some(&cookie))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["legal_name"], "Contoso Ltd.");
    assert_eq!(a.body["duns"], "081466849");
    let tw = t
        .call("GET", "/api/v1/duns/656478213", None, Some(&cookie))
        .await;
    assert_eq!(tw.body["legal_name"], "台灣康拓股份有限公司");

    let unknown = t
        .call("GET", "/api/v1/duns/999999999", None, Some(&cookie))
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["code"], "duns_not_found");
    let bad = t
        .call("GET", "/api/v1/duns/12345", None, Some(&cookie))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.field_code("duns"), "duns_invalid");
    let anon = t.call("GET", "/api/v1/duns/081466849", None, None).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn duns_look_ups_are_rate_limited() {
    let t = test_app_with(|c| c.duns_burst = 2).await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    for _ in 0..2 {
        t.call("GET", "/api/v1/duns/999999999", None, Some(&cookie))
            .await;
    }
    let a = t
        .call("GET", "/api/v1/duns/081466849", None, Some(&cookie))
        .await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn drafts_round_trip_per_tenant_and_refuse_junk() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let empty = t
        .call("GET", "/api/v1/enrollment/draft", None, Some(&cookie))
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.body["profile_done"], false);

    let draft = json!({"profile": {"country": "TW", "legal_name": "台灣康拓", "line1": "", "city": ""}, "profile_done": false});
    let put = t
        .call(
            "PUT",
            "/api/v1/enrollment/draft",
            Some(draft),
            Some(&cookie),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert!(put.body["updated_at"].as_i64().unwrap() > 0);
    let got = t
        .call("GET", "/api/v1/enrollment/draft", None, Some(&cookie))
        .await;
    assert_eq!(got.body["profile"]["legal_name"], "台灣康拓");

    let other = t.signed_in("fabrikam.com", "li@fabrikam.com").await;
    let theirs = t
        .call("GET", "/api/v1/enrollment/draft", None, Some(&other))
        .await;
    assert_eq!(theirs.body["profile"]["legal_name"], "");

    let junk = t
        .call(
            "PUT",
            "/api/v1/enrollment/draft",
            Some(json!({"password": "x"})),
            Some(&cookie),
        )
        .await;
    assert_eq!(junk.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(junk.field_code("password"), "unknown_field");
    let huge = json!({"profile": {"country": "US", "legal_name": "x".repeat(20_000), "line1": "", "city": ""}});
    let big = t
        .call("PUT", "/api/v1/enrollment/draft", Some(huge), Some(&cookie))
        .await;
    assert_eq!(big.status, StatusCode::PAYLOAD_TOO_LARGE);
    let anon = t.call("GET", "/api/v1/enrollment/draft", None, None).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn enroll_now_creates_one_partner_account_and_emails_the_contact() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let before = t
        .call("GET", "/api/v1/partner-account", None, Some(&cookie))
        .await;
    assert_eq!(before.status, StatusCode::NOT_FOUND);
    assert_eq!(before.body["code"], "not_enrolled");

    let a = t.enroll(&cookie, "key-00000001", enroll_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let mpn = a.body["mpn_id"].as_str().unwrap().to_owned();
    assert_eq!(mpn.len(), 7);
    assert!(mpn.chars().all(|c| c.is_ascii_digit()));
    assert_eq!(a.body["vetting_status"], "pending");
    assert_eq!(a.body["program_status"], "pending_verification");
    assert_eq!(a.body["contact"]["phone"], "+14255550100");
    let checks: Vec<_> = a.body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_owned(),
                c["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        checks,
        [
            ("email_ownership".into(), "pending".into()),
            ("employment".into(), "pending".into()),
            ("business".into(), "pending".into())
        ]
    );

    let after = t
        .call("GET", "/api/v1/partner-account", None, Some(&cookie))
        .await;
    assert_eq!(after.body["mpn_id"], mpn.as_str());

    let mail = pc_server::db::recent_mail(&t.db, 10).await.unwrap();
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].to, "wei@contoso.com");
    assert!(mail[0].body.contains(&mpn));
    assert!(mail[0].body.contains("/verify-email/"));
}

#[tokio::test]
async fn enroll_now_is_idempotent() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let first = t.enroll(&cookie, "key-aaaaaaaa", enroll_body()).await;
    assert_eq!(first.status, StatusCode::CREATED);
    // Same key, same body: the first answer again, nothing new.
    let again = t.enroll(&cookie, "key-aaaaaaaa", enroll_body()).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, first.body);
    // Same key, another body: refused.
    let mut other = enroll_body();
    other["profile"]["city"] = json!("Bellevue");
    let reused = t.enroll(&cookie, "key-aaaaaaaa", other).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(reused.body["code"], "idempotency_key_reused");
    // Another key: the tenant is enrolled already.
    let second = t.enroll(&cookie, "key-bbbbbbbb", enroll_body()).await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(second.body["code"], "already_enrolled");
    assert_eq!(
        pc_server::db::recent_mail(&t.db, 10).await.unwrap().len(),
        1
    );
}

#[tokio::test]
async fn concurrent_enroll_now_with_one_key_creates_exactly_one_account() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let mut tasks = vec![];
    for _ in 0..8 {
        let router = t.router.clone();
        let cookie = cookie.clone();
        tasks.push(tokio::spawn(async move {
            send_with(router, enroll_req(&cookie, "key-concurrent", enroll_body()))
                .await
                .status
        }));
    }
    let mut statuses = vec![];
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::CONFLICT),
        "{statuses:?}"
    );
    assert!(statuses.contains(&StatusCode::CREATED));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM partner_accounts")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_client_gone_mid_enroll_now_leaves_no_key_stuck() {
    use std::time::Duration;
    let t = test_app().await;
    let drops = [0u64, 100, 300, 600, 1_000, 2_000, 4_000, 8_000];
    for (i, micros) in drops.into_iter().enumerate() {
        let cookie = t
            .signed_in(&format!("tenant{i}.com"), &format!("mei@tenant{i}.com"))
            .await;
        let key = format!("key-dropped-{i}");
        // The client goes away (a reload, a closed tab) after `micros`:
        // the request's future is dropped wherever it is.
        let req = enroll_req(&cookie, &key, enroll_body());
        let _ = tokio::time::timeout(Duration::from_micros(micros), t.router.clone().oneshot(req))
            .await;
        // Its retry completes or replays, long before a claim goes stale.
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let a = t.enroll(&cookie, &key, enroll_body()).await;
            if a.status == StatusCode::CREATED {
                break;
            }
            assert_eq!(a.body["code"], "request_in_flight", "{}", a.body);
            assert!(
                tokio::time::Instant::now() < deadline,
                "dropped after {micros} µs, the key stayed claimed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM partner_accounts")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(count, drops.len() as i64);
}

#[tokio::test]
async fn enroll_now_checks_everything_again_and_needs_a_key() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let mut bad = enroll_body();
    bad["profile"]["postal_code"] = json!("ABC");
    bad["contact"]["email"] = json!("wei@outlook.com");
    let a = t.enroll(&cookie, "key-cccccccc", bad).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.field_code("profile.postal_code"), "postal_invalid");
    assert_eq!(a.field_code("contact.email"), "email_consumer");

    let no_key = t
        .call(
            "POST",
            "/api/v1/enrollment",
            Some(enroll_body()),
            Some(&cookie),
        )
        .await;
    assert_eq!(no_key.status, StatusCode::BAD_REQUEST);
    assert_eq!(no_key.body["code"], "idempotency_key_required");
    let anon = t
        .call("POST", "/api/v1/enrollment", Some(enroll_body()), None)
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    // A failed attempt does not hold its key: fixed, the same key works.
    let ok = t.enroll(&cookie, "key-cccccccc", enroll_body()).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}

/// Enrolls and returns the token from the verification email.
async fn enrolled_with_token(t: &TestApp) -> (String, String) {
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let a = t.enroll(&cookie, "key-verify-1", enroll_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    (cookie, latest_token(t).await)
}

async fn latest_token(t: &TestApp) -> String {
    let mail = pc_server::db::recent_mail(&t.db, 1).await.unwrap();
    let body = &mail[0].body;
    let start = body.find("/verify-email/").unwrap() + "/verify-email/".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

async fn email_check(t: &TestApp, cookie: &str) -> (String, serde_json::Value) {
    let a = t
        .call("GET", "/api/v1/partner-account", None, Some(cookie))
        .await;
    let c = a.body["checks"][0].clone();
    (
        c["status"].as_str().unwrap().to_owned(),
        c["reason"].clone(),
    )
}

#[tokio::test]
async fn the_link_confirms_email_ownership_once() {
    let t = test_app().await;
    let (cookie, token) = enrolled_with_token(&t).await;
    let show = t
        .call(
            "GET",
            &format!("/api/v1/email-verification/{token}"),
            None,
            None,
        )
        .await;
    assert_eq!(show.status, StatusCode::OK);
    assert_eq!(show.body["state"], "open");
    assert_eq!(show.body["legal_name"], "Contoso Ltd.");
    let ok = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/confirm"),
            None,
            None,
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["state"], "confirmed");
    assert_eq!(email_check(&t, &cookie).await.0, "verified");
    let again = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/confirm"),
            None,
            None,
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let no = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/decline"),
            None,
            None,
        )
        .await;
    assert_eq!(no.status, StatusCode::CONFLICT);
    let unknown = t
        .call("GET", "/api/v1/email-verification/not-a-token", None, None)
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["code"], "link_unknown");
    let resend = t
        .call(
            "POST",
            "/api/v1/email-verification/resend",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(resend.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn not_me_flags_the_account_and_can_be_undone() {
    let t = test_app().await;
    let (cookie, token) = enrolled_with_token(&t).await;
    let no = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/decline"),
            None,
            None,
        )
        .await;
    assert_eq!(no.status, StatusCode::OK, "{}", no.body);
    assert_eq!(no.body["state"], "declined");
    assert_eq!(no.body["can_undo"], true);
    let (status, reason) = email_check(&t, &cookie).await;
    assert_eq!(status, "rejected");
    assert!(reason.as_str().unwrap().contains("did not request"));
    let undo = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/undo"),
            None,
            None,
        )
        .await;
    assert_eq!(undo.status, StatusCode::OK);
    assert_eq!(undo.body["state"], "open");
    assert_eq!(email_check(&t, &cookie).await.0, "pending");
    let twice = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/undo"),
            None,
            None,
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let ok = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/confirm"),
            None,
            None,
        )
        .await;
    assert_eq!(ok.body["state"], "confirmed");
}

#[tokio::test]
async fn expired_and_replaced_links_say_so_and_offer_a_new_one() {
    let t = test_app().await;
    let (cookie, token) = enrolled_with_token(&t).await;
    sqlx::query("UPDATE email_tokens SET expires_at = 0")
        .execute(&t.db)
        .await
        .unwrap();
    let show = t
        .call(
            "GET",
            &format!("/api/v1/email-verification/{token}"),
            None,
            None,
        )
        .await;
    assert_eq!(show.body["state"], "expired");
    let late = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/confirm"),
            None,
            None,
        )
        .await;
    assert_eq!(late.status, StatusCode::GONE);
    assert_eq!(late.body["code"], "link_expired");

    let resent = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/resend"),
            None,
            None,
        )
        .await;
    assert_eq!(resent.status, StatusCode::OK, "{}", resent.body);
    assert_eq!(resent.body["email"], "wei@contoso.com");
    let fresh = latest_token(&t).await;
    assert_ne!(fresh, token);
    let old = t
        .call(
            "GET",
            &format!("/api/v1/email-verification/{token}"),
            None,
            None,
        )
        .await;
    assert_eq!(old.body["state"], "used");
    // The applicant can resend too; the previous link then stops working.
    let again = t
        .call(
            "POST",
            "/api/v1/email-verification/resend",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    let prev = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{fresh}/confirm"),
            None,
            None,
        )
        .await;
    assert_eq!(prev.body["code"], "link_used");
    let newest = latest_token(&t).await;
    let ok = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{newest}/confirm"),
            None,
            None,
        )
        .await;
    assert_eq!(ok.body["state"], "confirmed");
    // Once confirmed, there is nothing to resend.
    let done = t
        .call(
            "POST",
            "/api/v1/email-verification/resend",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(done.status, StatusCode::CONFLICT);
    let done = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/resend"),
            None,
            None,
        )
        .await;
    assert_eq!(done.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn new_links_are_limited_to_three_a_minute_per_company() {
    let t = test_app().await;
    let (cookie, _) = enrolled_with_token(&t).await;
    for _ in 0..3 {
        let a = t
            .call(
                "POST",
                "/api/v1/email-verification/resend",
                None,
                Some(&cookie),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
    let token = latest_token(&t).await;
    let limited = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/resend"),
            None,
            None,
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.get("retry-after").is_some());
}

#[tokio::test]
async fn the_dev_mailbox_answers_only_in_dev_mode() {
    let t = test_app().await;
    let a = t.call("GET", "/api/v1/dev/mailbox", None, None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let t = test_app_with(|c| c.dev = true).await;
    enrolled_with_token(&t).await;
    let a = t.call("GET", "/api/v1/dev/mailbox", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body[0]["to"], "wei@contoso.com");
    let page = t
        .router
        .clone()
        .oneshot(
            axum::http::Request::get("/dev/mailbox")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = http_body_util::BodyExt::collect(page.into_body())
        .await
        .unwrap()
        .to_bytes();
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains("<a href=\"http://"), "{html}");
    assert!(html.contains("/verify-email/"));
}

fn acceptance(version: &str, authority: bool) -> serde_json::Value {
    json!({
        "version": version, "signer_first_name": "Mei-Ling", "signer_last_name": "陳",
        "signer_email": "Mei@Contoso.com", "signer_phone": "", "authority_confirmed": authority
    })
}

#[tokio::test]
async fn the_agreement_is_accepted_once_with_its_record() {
    let t = test_app().await;
    let current = t
        .call("GET", "/api/v1/agreements/current", None, None)
        .await;
    assert_eq!(current.status, StatusCode::OK);
    assert_eq!(current.body["id"], "mpn");
    let version = current.body["version"].as_str().unwrap().to_owned();
    assert!(current.body["text"]
        .as_str()
        .unwrap()
        .starts_with("SAMPLE AGREEMENT"));

    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let early = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(acceptance(&version, true)),
            Some(&cookie),
        )
        .await;
    assert_eq!(early.status, StatusCode::CONFLICT);
    assert_eq!(early.body["code"], "not_enrolled");
    assert_eq!(
        t.enroll(&cookie, "key-agree-001", enroll_body())
            .await
            .status,
        StatusCode::CREATED
    );

    let no_authority = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(acceptance(&version, false)),
            Some(&cookie),
        )
        .await;
    assert_eq!(no_authority.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        no_authority.field_code("authority_confirmed"),
        "authority_required"
    );
    let wrong = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(acceptance("1999", true)),
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong.body["code"], "agreement_version_unknown");

    let before = pc_server::auth::now();
    let ok = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(acceptance(&version, true)),
            Some(&cookie),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.body["version"], version.as_str());
    assert_eq!(ok.body["signer_email"], "mei@contoso.com");
    assert_eq!(ok.body["signer_last_name"], "陳");
    let at = ok.body["accepted_at"].as_i64().unwrap();
    assert!(at >= before && at <= pc_server::auth::now());
    let me = t.call("GET", "/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(ok.body["user_id"], me.body["user"]["id"]);

    let again = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(acceptance(&version, true)),
            Some(&cookie),
        )
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body, ok.body);
    let account = t
        .call("GET", "/api/v1/partner-account", None, Some(&cookie))
        .await;
    assert_eq!(account.body["agreements"].as_array().unwrap().len(), 1);
}

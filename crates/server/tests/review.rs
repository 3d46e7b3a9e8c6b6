//! The reviewer's side: the admin API (operator token) and the `review`
//! command of the server binary; how decisions move the account's statuses
//! and email the primary contact.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use serde_json::json;

#[tokio::test]
async fn the_admin_api_needs_the_operator_token() {
    let off = test_app().await;
    let a = admin(&off, "GET", "/partners", Some(TOKEN), None).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.body["code"], "admin_disabled");

    let t = reviewer_app().await;
    let (_, mpn) = enrolled(&t).await;
    for token in [None, Some("wrong"), Some(&TOKEN[1..])] {
        let a = admin(&t, "GET", "/partners", token, None).await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{token:?}");
        assert_eq!(a.body["code"], "operator_token_invalid");
        let forged = admin(
            &t,
            "POST",
            &format!("/partners/{mpn}/checks/business"),
            token,
            Some(json!({"decision": "reject", "reason": "forged"})),
        )
        .await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{token:?}");
    }
    let a = decide(&t, &mpn, "business", json!({"decision": "approve"})).await;
    assert_eq!(
        a.status,
        StatusCode::OK,
        "the right token works: {}",
        a.body
    );
    // A signed-in applicant is no reviewer either.
    let cookie = t.signed_in("fabrikam.com", "ana@fabrikam.com").await;
    let a = t
        .call("GET", "/api/v1/admin/partners", None, Some(&cookie))
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_queue_lists_accounts_with_their_checks_and_filters_by_status() {
    let t = reviewer_app().await;
    let (_, mpn) = enrolled(&t).await;
    let a = admin(&t, "GET", "/partners?status=pending", Some(TOKEN), None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let items = a.body.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["mpn_id"], mpn.as_str());
    assert_eq!(items[0]["legal_name"], "Contoso Ltd.");
    assert_eq!(items[0]["tenant_domain"], "contoso.com");
    assert_eq!(items[0]["address"], "1 Contoso Way, Redmond, WA, 98052, US");
    assert_eq!(items[0]["checks"].as_array().unwrap().len(), 3);
    let none = admin(&t, "GET", "/partners?status=authorized", Some(TOKEN), None).await;
    assert_eq!(none.body, json!([]));
    let bad = admin(&t, "GET", "/partners?status=maybe", Some(TOKEN), None).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.field_code("status"), "invalid_type");
}

#[tokio::test]
async fn three_verified_checks_authorize_and_with_the_agreement_the_program_is_active() {
    let t = reviewer_app().await;
    let (cookie, mpn) = enrolled(&t).await;
    let mails_before = pc_server::db::recent_mail(&t.db, 50).await.unwrap().len();

    let a = decide(&t, &mpn, "employment", json!({"decision": "approve"})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["check"]["status"], "verified");
    assert_eq!(a.body["vetting_status"], "pending");
    confirm_email(&t).await;
    let a = decide(&t, &mpn, "business", json!({"decision": "approve"})).await;
    assert_eq!(a.body["vetting_status"], "authorized");
    assert_eq!(
        a.body["program_status"], "pending_verification",
        "no agreement yet"
    );
    let acc = partner(&t, &cookie).await;
    assert_eq!(acc["vetting_status"], "authorized");

    // Every change was emailed to the primary contact.
    let mail = pc_server::db::recent_mail(&t.db, 50).await.unwrap();
    assert_eq!(mail.len(), mails_before + 3);
    assert!(mail.iter().all(|m| m.to == "wei@contoso.com"));
    assert!(
        mail[0].body.contains("Verification status: authorized"),
        "{}",
        mail[0].body
    );
    assert!(mail[0]
        .body
        .contains("Accept the Microsoft Partner Network agreement"));

    // Accepting the agreement now makes the program Active, and says so.
    let a = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(json!({"version": "2026-11-sample", "signer_first_name": "Mei-Ling", "signer_last_name": "Chen",
                        "signer_email": "mei@contoso.com", "signer_phone": "", "authority_confirmed": true})),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(partner(&t, &cookie).await["program_status"], "active");
    let newest = &pc_server::db::recent_mail(&t.db, 1).await.unwrap()[0];
    assert!(
        newest.subject.contains("MPN program status: active"),
        "{}",
        newest.subject
    );
}

#[tokio::test]
async fn a_rejection_needs_a_reason_shows_it_and_rejects_the_account() {
    let t = reviewer_app().await;
    let (cookie, mpn) = enrolled(&t).await;
    let a = decide(&t, &mpn, "business", json!({"decision": "reject"})).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.field_code("reason"), "required");
    let a = decide(
        &t,
        &mpn,
        "business",
        json!({"decision": "reject", "reason": "  "}),
    )
    .await;
    assert_eq!(a.field_code("reason"), "required");

    let reason = "The address does not match the business registration.";
    let a = decide(
        &t,
        &mpn,
        "business",
        json!({"decision": "reject", "reason": reason}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let acc = partner(&t, &cookie).await;
    assert_eq!(acc["vetting_status"], "rejected");
    let business = acc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "business")
        .unwrap()
        .clone();
    assert_eq!(business["status"], "rejected");
    assert_eq!(business["reason"], reason);
    let mail = &pc_server::db::recent_mail(&t.db, 1).await.unwrap()[0];
    assert!(mail.body.contains(reason), "{}", mail.body);
    assert!(mail.body.contains("Fix now"));

    // Approving later clears the reason; the account is pending again.
    let a = decide(
        &t,
        &mpn,
        "business",
        json!({"decision": "approve", "reason": "ignored"}),
    )
    .await;
    assert_eq!(a.body["check"].get("reason"), None);
    assert_eq!(a.body["vetting_status"], "pending");
}

#[tokio::test]
async fn reviewers_decide_only_employment_and_business_of_existing_accounts() {
    let t = reviewer_app().await;
    let (_, mpn) = enrolled(&t).await;
    let a = decide(&t, &mpn, "email_ownership", json!({"decision": "approve"})).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.body["code"], "check_not_reviewable");
    let a = decide(&t, &mpn, "tax", json!({"decision": "approve"})).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = decide(&t, "0000000", "business", json!({"decision": "approve"})).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = decide(&t, &mpn, "business", json!({"decision": "maybe"})).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
}

#[tokio::test]
async fn a_zh_tw_contact_gets_the_news_in_traditional_chinese() {
    let t = reviewer_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let req = Request::builder()
        .method("POST")
        .uri("/api/v1/enrollment")
        .header("x-requested-with", "partner-center")
        .header(header::COOKIE, &cookie)
        .header("idempotency-key", "key-zh-000001")
        .header(header::ACCEPT_LANGUAGE, "zh-TW")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(enroll_body().to_string()))
        .unwrap();
    let a = t.send(req).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let mpn = a.body["mpn_id"].as_str().unwrap().to_owned();
    decide(
        &t,
        &mpn,
        "employment",
        json!({"decision": "reject", "reason": "網域不屬於貴公司"}),
    )
    .await;
    let mail = &pc_server::db::recent_mail(&t.db, 1).await.unwrap()[0];
    assert!(
        mail.body
            .contains("僱用驗證：已拒絕（原因：網域不屬於貴公司）"),
        "{}",
        mail.body
    );
    assert!(mail.body.contains("立即修正"));
}

/// The `review` command of the real binary, on the same database file.
#[tokio::test]
async fn the_review_command_lists_approves_and_rejects() {
    let t = reviewer_app().await;
    let (cookie, mpn) = enrolled(&t).await;
    let url = t.database_url();
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_partner-center-server"))
            .args(["--database-url", &url, "review"])
            .args(args)
            .output()
            .unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, out, err) = run(&["list"]);
    assert!(ok, "{err}");
    assert!(
        out.contains(&mpn) && out.contains("Contoso Ltd.") && out.contains("business"),
        "{out}"
    );

    let (ok, _, err) = run(&["reject", &mpn, "business"]);
    assert!(!ok, "a rejection without --reason is refused");
    assert!(err.contains("--reason"), "{err}");
    let (ok, out, err) = run(&[
        "reject",
        &mpn,
        "employment",
        "--reason",
        "Not a company domain",
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("wei@contoso.com was emailed"), "{out}");
    let (ok, _, err) = run(&["approve", "1234567", "business"]);
    assert!(!ok);
    assert!(
        err.contains("no partner account has MPN ID 1234567"),
        "{err}"
    );
    let (ok, _, _) = run(&["approve", &mpn, "email-ownership"]);
    assert!(!ok, "the contact's link decides email ownership");

    let acc = partner(&t, &cookie).await;
    assert_eq!(acc["vetting_status"], "rejected");
    let (ok, out, _) = run(&["list"]);
    assert!(ok);
    assert!(
        out.contains("No partner accounts await a decision."),
        "{out}"
    );
    let (_, out, _) = run(&["list", "--all"]);
    assert!(out.contains("Not a company domain"), "{out}");
}

//! Editing the partner profile after enrollment, and the accepted agreement
//! as a record and as a PDF.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

fn update_of(acc: &Value) -> Value {
    json!({"profile": acc["profile"], "contact": acc["contact"]})
}

async fn put_profile(t: &TestApp, cookie: &str, body: Value) -> Answer {
    t.call(
        "PUT",
        "/api/v1/partner-account/profile",
        Some(body),
        Some(cookie),
    )
    .await
}

fn check_status(acc: &Value, kind: &str) -> String {
    acc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .map(|c| c["status"].as_str().unwrap().to_owned())
        .unwrap()
}

async fn mail_to(t: &TestApp, to: &str) -> Vec<pc_server::db::StoredMail> {
    pc_server::db::recent_mail(&t.db, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.to == to)
        .collect()
}

/// Enrolled, email confirmed, employment and business approved, agreement
/// accepted: Authorized and Active.
async fn active(t: &TestApp) -> (String, String) {
    let (cookie, mpn) = enrolled(t).await;
    confirm_email(t).await;
    for check in ["employment", "business"] {
        let a = decide(t, &mpn, check, json!({"decision": "approve"})).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    }
    accept(t, &cookie).await;
    (cookie, mpn)
}

async fn accept(t: &TestApp, cookie: &str) {
    let version = t
        .call("GET", "/api/v1/agreements/current", None, None)
        .await
        .body["version"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(json!({
                "version": version, "signer_first_name": "美玲", "signer_last_name": "陳",
                "signer_email": "mei@contoso.com", "signer_phone": "", "authority_confirmed": true
            })),
            Some(cookie),
        )
        .await;
    assert!(a.status.is_success(), "{}", a.body);
}

#[tokio::test]
async fn an_address_change_sends_business_verification_back_to_pending_and_says_so() {
    let t = reviewer_app().await;
    let (cookie, _) = active(&t).await;
    let acc = partner(&t, &cookie).await;
    assert_eq!(acc["vetting_status"], "authorized");
    assert_eq!(acc["legal_name_locked"], true);
    let before = mail_to(&t, "wei@contoso.com").await.len();

    // Names and phone: saved, no check moves, no email.
    let mut body = update_of(&acc);
    body["contact"]["first_name"] = json!("David");
    body["contact"]["phone"] = json!("+1 425 555 0199");
    let a = put_profile(&t, &cookie, body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["contact"]["first_name"], "David");
    assert_eq!(a.body["contact"]["phone"], "+14255550199");
    assert_eq!(a.body["vetting_status"], "authorized");
    assert_eq!(mail_to(&t, "wei@contoso.com").await.len(), before);

    let mut body = update_of(&a.body);
    body["profile"]["line1"] = json!("2 Contoso Way");
    let a = put_profile(&t, &cookie, body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["profile"]["line1"], "2 Contoso Way");
    assert_eq!(check_status(&a.body, "business"), "pending");
    assert_eq!(check_status(&a.body, "employment"), "verified");
    assert_eq!(a.body["vetting_status"], "pending");
    assert_eq!(a.body["program_status"], "pending_verification");
    let mails = mail_to(&t, "wei@contoso.com").await;
    assert_eq!(mails.len(), before + 1);
    assert!(mails[0].body.contains("pending"), "{}", mails[0].body);

    // Still locked although no longer Authorized: the name was authorized.
    let mut body = update_of(&a.body);
    body["profile"]["legal_name"] = json!("Fabrikam Inc.");
    let a = put_profile(&t, &cookie, body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("profile.legal_name"), "legal_name_locked");
    assert_eq!(
        partner(&t, &cookie).await["profile"]["legal_name"],
        "Contoso Ltd."
    );
}

#[tokio::test]
async fn before_authorization_the_legal_name_can_change_and_reruns_business() {
    let t = reviewer_app().await;
    let (cookie, mpn) = enrolled(&t).await;
    let a = decide(&t, &mpn, "business", json!({"decision": "approve"})).await;
    assert_eq!(a.status, StatusCode::OK);
    let acc = partner(&t, &cookie).await;
    assert_eq!(acc["legal_name_locked"], false);
    let mut body = update_of(&acc);
    body["profile"]["legal_name"] = json!("  Contoso   Pacific Ltd. ");
    let a = put_profile(&t, &cookie, body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["profile"]["legal_name"], "Contoso Pacific Ltd.");
    assert_eq!(check_status(&a.body, "business"), "pending");
}

#[tokio::test]
async fn a_new_contact_email_gets_a_new_link_and_the_old_link_stops_working() {
    let t = reviewer_app().await;
    let (cookie, _) = enrolled(&t).await;
    let acc = partner(&t, &cookie).await;
    let old_mail = mail_to(&t, "wei@contoso.com").await;
    let old_link = old_mail
        .iter()
        .find_map(|m| {
            let i = m.body.find("/verify-email/")? + "/verify-email/".len();
            m.body[i..].split_whitespace().next().map(str::to_owned)
        })
        .unwrap();

    let mut body = update_of(&acc);
    body["contact"]["email"] = json!("Ana@Fabrikam.com");
    let a = put_profile(&t, &cookie, body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["contact"]["email"], "ana@fabrikam.com");
    assert_eq!(check_status(&a.body, "email_ownership"), "pending");
    // Another domain: employment is checked again too.
    assert_eq!(check_status(&a.body, "employment"), "pending");
    let new_mail = mail_to(&t, "ana@fabrikam.com").await;
    assert!(
        new_mail.iter().any(|m| m.body.contains("/verify-email/")),
        "a link went to the new address"
    );
    let old = t
        .call(
            "GET",
            &format!("/api/v1/email-verification/{old_link}"),
            None,
            None,
        )
        .await;
    assert_eq!(old.body["state"], "used", "{}", old.body);
    confirm_email(&t).await;
    assert_eq!(
        check_status(&partner(&t, &cookie).await, "email_ownership"),
        "verified"
    );
}

#[tokio::test]
async fn bad_edits_are_refused_field_by_field_and_nothing_is_stored() {
    let t = reviewer_app().await;
    let (cookie, _) = enrolled(&t).await;
    let acc = partner(&t, &cookie).await;
    let mut body = update_of(&acc);
    body["profile"]["country"] = json!("TW");
    body["profile"]["city"] = json!("");
    body["contact"]["email"] = json!("wei@gmail.com");
    body["profile"]["line1"] = json!("9 Elsewhere");
    let a = put_profile(&t, &cookie, body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("profile.country"), "locked");
    assert_eq!(a.field_code("profile.city"), "required");
    assert_eq!(a.field_code("contact.email"), "email_consumer");
    assert_eq!(partner(&t, &cookie).await, acc);

    let a = put_profile(&t, &cookie, json!({"profile": acc["profile"]})).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("contact"), "missing_field");

    // Not enrolled, not signed in.
    let other = t.signed_in("fabrikam.com", "ana@fabrikam.com").await;
    let a = put_profile(&t, &other, update_of(&acc)).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(partner(&t, &cookie).await, acc, "no cross-tenant write");
    let a = t
        .call(
            "PUT",
            "/api/v1/partner-account/profile",
            Some(update_of(&acc)),
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn only_profile_roles_may_edit_it() {
    let t = reviewer_app().await;
    let (cookie, _) = enrolled(&t).await;
    let acc = partner(&t, &cookie).await;
    let (_, viewer) = member(
        &t,
        &cookie,
        "viewer@contoso.com",
        json!(["report_viewer", "admin_agent"]),
    )
    .await;
    let (_, editor) = member(
        &t,
        &cookie,
        "profile@contoso.com",
        json!(["business_profile_admin"]),
    )
    .await;
    let users = [viewer, editor];
    let mut body = update_of(&acc);
    body["contact"]["last_name"] = json!("Chan");
    let a = put_profile(&t, &users[0], body.clone()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert_eq!(a.body["code"], "not_profile_admin");
    assert_eq!(partner(&t, &cookie).await["contact"]["last_name"], "Chen");
    let a = put_profile(&t, &users[1], body).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["contact"]["last_name"], "Chan");
}

async fn raw_get(
    t: &TestApp,
    path: &str,
    cookie: &str,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let req = Request::get(path)
        .header(header::COOKIE, cookie)
        .body(Body::empty())
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, bytes)
}

/// Every string shown on the document's pages, one line per text object,
/// decoded as the fonts say: F4 is the UCS-2 CJK font, the rest WinAnsi.
fn pdf_text(bytes: &[u8]) -> (usize, String) {
    let doc = lopdf::Document::load_mem(bytes).expect("a valid PDF");
    let pages = doc.get_pages();
    let mut text = String::new();
    for id in pages.values() {
        let content = doc.get_page_content(*id);
        let ops = lopdf::content::Content::decode(&content).expect("content stream");
        let mut font = Vec::new();
        for op in ops.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "Tj" => {
                    let s = op.operands[0].as_str().unwrap();
                    if font == b"F4" {
                        let units: Vec<u16> = s
                            .chunks(2)
                            .map(|p| u16::from_be_bytes([p[0], p[1]]))
                            .collect();
                        text.push_str(&String::from_utf16(&units).unwrap());
                    } else {
                        text.extend(s.iter().map(|&b| match b {
                            0x97 => '—',
                            b => b as char,
                        }));
                    }
                }
                "ET" => text.push('\n'),
                _ => {}
            }
        }
    }
    (pages.len(), text)
}

#[tokio::test]
async fn the_accepted_agreement_downloads_as_a_pdf_with_its_record() {
    let t = reviewer_app().await;
    let (cookie, mpn) = enrolled(&t).await;
    let (status, _, _) = raw_get(&t, "/api/v1/agreements/mpn/accepted.pdf", &cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "not accepted yet");
    accept(&t, &cookie).await;

    let a = t
        .call(
            "GET",
            "/api/v1/agreements/mpn/accepted",
            None,
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let version = a.body["agreement"]["version"].as_str().unwrap().to_owned();
    assert_eq!(a.body["acceptance"]["signer_last_name"], "陳");
    assert!(a.body["agreement"]["text"]
        .as_str()
        .unwrap()
        .starts_with("SAMPLE AGREEMENT"));
    let at = a.body["acceptance"]["accepted_at"].as_i64().unwrap();

    let (status, headers, bytes) =
        raw_get(&t, "/api/v1/agreements/mpn/accepted.pdf", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert!(headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"mpn-"));
    assert!(bytes.starts_with(b"%PDF-"));
    let (pages, text) = pdf_text(&bytes);
    assert!(pages >= 2, "the whole text, over {pages} pages");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Microsoft Partner Network Agreement (sample)",
        &version,
        "Accepted by",
        "美玲 陳",
        "mei@contoso.com",
        &pc_server::pdf::utc_time(at),
        &format!("Contoso Ltd. (MPN ID {mpn})"),
        "SAMPLE AGREEMENT",
        "no legal effect",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} not in the PDF: {text}"
        );
    }

    let (_, _, zh) = raw_get(
        &t,
        "/api/v1/agreements/mpn/accepted.pdf?lang=zh-TW",
        &cookie,
    )
    .await;
    let (_, zh_text) = pdf_text(&zh);
    assert!(zh_text.contains("接受紀錄"), "{zh_text}");

    // Another company has accepted nothing.
    let other = t.signed_in("fabrikam.com", "ana@fabrikam.com").await;
    let (status, _, _) = raw_get(&t, "/api/v1/agreements/mpn/accepted.pdf", &other).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn upload(t: &TestApp, cookie: &str, check: &str, name: &str, body: Vec<u8>) -> Answer {
    let req = Request::post(format!(
        "/api/v1/partner-account/checks/{check}/documents?name={name}"
    ))
    .header(header::COOKIE, cookie)
    .header("x-requested-with", "partner-center")
    .header(header::CONTENT_TYPE, "application/octet-stream")
    .body(Body::from(body))
    .unwrap();
    t.send(req).await
}

#[tokio::test]
async fn fix_now_takes_a_checked_document_and_sends_the_check_back_to_pending() {
    let t = reviewer_app().await;
    let (cookie, mpn) = enrolled(&t).await;
    let pdf = b"%PDF-1.7\n% registry extract\n".to_vec();
    let a = upload(&t, &cookie, "business", "extract.pdf", pdf.clone()).await;
    assert_eq!(
        a.status,
        StatusCode::CONFLICT,
        "not rejected yet: {}",
        a.body
    );
    assert_eq!(a.body["code"], "check_not_rejected");
    let a = decide(
        &t,
        &mpn,
        "business",
        json!({"decision": "reject", "reason": "The name differs from the registry."}),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    let before = mail_to(&t, "wei@contoso.com").await.len();

    for (body, code) in [
        (b"<html>not a pdf".to_vec(), "document_type"),
        (Vec::new(), "document_empty"),
    ] {
        let a = upload(&t, &cookie, "business", "x.pdf", body).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
        assert_eq!(a.field_code("document"), code);
    }
    let mut big = b"%PDF-".to_vec();
    big.resize(pc_api::documents::MAX_BYTES + 1, b' ');
    let a = upload(&t, &cookie, "business", "big.pdf", big.clone()).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("document"), "document_too_large");
    // Far larger: refused while reading, with the same meaning.
    big.resize(pc_api::documents::MAX_BYTES * 2, b' ');
    let a = upload(&t, &cookie, "business", "big.pdf", big).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", a.body);
    assert_eq!(a.body["code"], "payload_too_large");
    let a = upload(&t, &cookie, "email_ownership", "x.pdf", pdf.clone()).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let (_, viewer) = member(&t, &cookie, "viewer@contoso.com", json!(["report_viewer"])).await;
    let a = upload(&t, &viewer, "business", "x.pdf", pdf.clone()).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "{}", a.body);
    assert_eq!(
        check_status(&partner(&t, &cookie).await, "business"),
        "rejected"
    );

    let a = upload(
        &t,
        &cookie,
        "business",
        "..%2FC%3A%5Cextract%201.pdf",
        pdf.clone(),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["file_name"], "extract 1.pdf");
    assert_eq!(a.body["media_type"], "application/pdf");
    assert_eq!(a.body["check"]["status"], "pending");
    let id = a.body["id"].as_str().unwrap().to_owned();
    assert_eq!(
        check_status(&partner(&t, &cookie).await, "business"),
        "pending"
    );
    assert_eq!(
        mail_to(&t, "wei@contoso.com").await.len(),
        before + 1,
        "the contact was told"
    );
    let a = upload(&t, &cookie, "business", "again.pdf", pdf.clone()).await;
    assert_eq!(a.status, StatusCode::CONFLICT, "pending now: {}", a.body);

    // The reviewer sees it in the queue and downloads it.
    let q = admin(&t, "GET", "/partners", Some(TOKEN), None).await;
    let docs = &q.body[0]["documents"];
    assert_eq!(docs[0]["id"], id.as_str());
    assert_eq!(docs[0]["check"], "business");
    assert_eq!(docs[0]["size"], pdf.len());
    let path = format!("/api/v1/admin/partners/{mpn}/documents/{id}");
    let req = Request::get(&path)
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty())
        .unwrap();
    let res = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/pdf");
    let got = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(got.as_ref(), pdf.as_slice());
    let no_token = t.call("GET", &path, None, Some(&cookie)).await;
    assert_eq!(no_token.status, StatusCode::UNAUTHORIZED);
    let wrong_mpn = admin(
        &t,
        "GET",
        &format!("/partners/0000000/documents/{id}"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(wrong_mpn.status, StatusCode::NOT_FOUND);
}

//! Accessibility audit: axe-core's WCAG 2.0/2.1/2.2 A and AA rules on every
//! route and the states a user meets there — empty, with field errors,
//! signed in, DUNS look-ups, the verification link, dashboard panels,
//! dialogs and the first-sign-in password form — in both languages.

use fantoccini::Client;
use serde_json::json;

use crate::*;

/// Audits the page once `ready` (an XPath) is visible; records violations.
struct Audit {
    states: usize,
    violations: Vec<String>,
}

impl Audit {
    async fn check(&mut self, c: &Client, state: &str, ready: &str) {
        find(c, ready).await;
        // Let focus moves and live regions settle.
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        self.states += 1;
        for v in audit(c).await {
            self.violations.push(format!("[{state}] {v}"));
        }
    }
}

fn h1() -> &'static str {
    "//h1"
}

/// Every route and state, in `lang`, with texts found by structure so the
/// same sweep serves both languages.
async fn sweep(lang: &'static str) {
    e2e_with(lang, &["--operator-token", OPERATOR_TOKEN], move |c, server| async move {
        let mut a = Audit {
            states: 0,
            violations: vec![],
        };
        let url = server.lock().await.url();
        let errors = "//*[contains(@class,'error-summary') and not(@hidden)]//a";

        for (path, state) in [
            ("/enroll", "welcome"),
            ("/enroll/account", "sign-in form"),
            ("/enroll/account?mode=create", "create-account form"),
            ("/no-such-page", "not found"),
        ] {
            c.goto(&format!("{url}{path}")).await.unwrap();
            a.check(&c, state, h1()).await;
            if path.starts_with("/enroll/account") {
                click_submit(&c).await;
                a.check(&c, &format!("{state} with errors"), errors).await;
            }
        }
        c.goto(&format!("{url}/verify-email/unknown-token")).await.unwrap();
        a.check(&c, "unknown verification link", "//*[contains(@class,'notice')]").await;

        // Signed in, before enrolling: the account and company steps.
        let session = server
            .lock()
            .await
            .create_account("contoso.com", "mei@contoso.com")
            .await;
        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        a.check(&c, "signed in", "//*[contains(@class,'notice--success')]").await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        a.check(&c, "company step", "//select[@id='field-country']").await;
        click_submit(&c).await;
        a.check(&c, "company step with errors", errors).await;

        // A draft with the company done opens the contact step; with the
        // contact done too, the review.
        for contact_done in [false, true] {
            let draft = json!({"profile": enroll_body()["profile"], "contact": enroll_body()["contact"],
                               "profile_done": true, "contact_done": contact_done});
            let (status, body) = server
                .lock()
                .await
                .call("PUT", "/enrollment/draft", &session, Some(draft))
                .await;
            assert_eq!(status, 200, "{body}");
            if contact_done {
                c.goto(&format!("{url}/enroll/review")).await.unwrap();
                a.check(&c, "check your answers", "//button[contains(@class,'button--primary')]").await;
            } else {
                c.goto(&format!("{url}/enroll/contact")).await.unwrap();
                a.check(&c, "contact step", "//input[@id='field-email']").await;
                find(&c, "//input[@id='field-email']").await.clear().await.unwrap();
                find(&c, "//input[@id='field-email']").await.send_keys("x").await.unwrap();
                click_submit(&c).await;
                a.check(&c, "contact step with errors", errors).await;
            }
        }

        // Enrolled: agreement, confirmation, and the dashboard.
        let (status, body) = server
            .lock()
            .await
            .call("POST", "/enrollment", &session, Some(enroll_body()))
            .await;
        assert_eq!(status, 201, "{body}");
        let mpn = body["mpn_id"].as_str().unwrap().to_owned();
        c.goto(&format!("{url}/enroll/agreement")).await.unwrap();
        a.check(&c, "agreement step", "//*[contains(@class,'agreement-text')]").await;
        click_submit(&c).await;
        a.check(&c, "agreement step with errors", errors).await;
        accept_agreement(&*server.lock().await, &session).await;
        c.goto(&format!("{url}/enroll/done")).await.unwrap();
        a.check(&c, "confirmation", "//*[contains(@class,'mpn-id')]").await;

        // The primary contact's link: open, then confirmed.
        let verify = link_in_mail(&*server.lock().await, "wei@contoso.com").await;
        c.goto(&verify).await.unwrap();
        a.check(&c, "verification link", "//button[contains(@class,'button--primary')]").await;
        find(&c, "//button[contains(@class,'button--primary')]").await.click().await.unwrap();
        a.check(&c, "email confirmed", "//*[contains(@class,'notice--success')]").await;

        server
            .lock()
            .await
            .review(&mpn, "business", json!({"decision": "reject", "reason": "The address differs."}))
            .await;
        c.goto(&format!("{url}/dashboard")).await.unwrap();
        a.check(&c, "overview with a rejection", "//li[@id='check-business']//a").await;
        c.goto(&format!("{url}/dashboard/settings/partner-profile?fix=business"))
            .await
            .unwrap();
        a.check(&c, "partner profile, fix now", "//input[@id='field-document']").await;
        find(&c, "//input[@id='field-email']").await.clear().await.unwrap();
        find(&c, "//input[@id='field-email']").await.send_keys("x").await.unwrap();
        click_submit(&c).await;
        a.check(&c, "partner profile with errors", errors).await;
        find(&c, "//button[not(@type='submit') and contains(@class,'button--secondary')][ancestor::div[@id='fix-notice']]")
            .await
            .click()
            .await
            .unwrap();
        a.check(&c, "fix now without a file", "//*[@id='field-document-error']").await;
        c.goto(&format!("{url}/dashboard/agreements/mpn")).await.unwrap();
        a.check(&c, "accepted agreement", "//a[contains(@href,'accepted.pdf')]").await;

        c.goto(&format!("{url}/dashboard/settings/users")).await.unwrap();
        a.check(&c, "user management", "//table").await;
        find(&c, "//button[@aria-controls='add-user']").await.click().await.unwrap();
        a.check(&c, "add user", "//form[@aria-labelledby='add-user-title']").await;
        click_submit(&c).await;
        a.check(&c, "add user with errors", errors).await;
        find(&c, "//input[@id='field-first_name']").await.send_keys("Ana").await.unwrap();
        find(&c, "//input[@id='field-last_name']").await.send_keys("Silva").await.unwrap();
        find(&c, "//input[@id='field-email']").await.send_keys("ana@contoso.com").await.unwrap();
        click_submit(&c).await;
        a.check(&c, "temporary password shown", "//code[contains(@class,'secret')]").await;
        find(&c, "//tr[@data-user='mei@contoso.com']//button").await.click().await.unwrap();
        a.check(&c, "role editor", "//form[@id='role-editor']").await;
        find(&c, "//form[@id='role-editor']//button[contains(@class,'button--danger')]")
            .await
            .click()
            .await
            .unwrap();
        a.check(&c, "remove confirmation", "//*[@role='alertdialog']").await;

        // Ana signs in with the temporary password: the password-change form.
        let (status, added) = server
            .lock()
            .await
            .call("POST", "/users", &session, Some(json!({"first_name": "Ana", "last_name": "Lima",
                  "email": "ana.lima@contoso.com", "roles": ["report_viewer"]})))
            .await;
        assert_eq!(status, 201, "{added}");
        let temporary = added["temporary_password"].as_str().unwrap();
        sign_in_from_page(&c, "ana.lima@contoso.com", temporary).await;
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        a.check(&c, "password change", "//input[@id='field-new_password']").await;
        click_submit(&c).await;
        a.check(&c, "password change with errors", errors).await;

        // Another company's admin looks up a DUNS number: one nobody has,
        // then one that is found (a tenant of its own, so the draft the
        // look-up saves meets no other test step).
        let _ = server
            .lock()
            .await
            .create_account("fabrikam.com", "li@fabrikam.com")
            .await;
        sign_in_from_page(&c, "li@fabrikam.com", PASSWORD).await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        find(&c, "//select[@id='field-country']").await.select_by_value("US").await.unwrap();
        let lookup = "//div[contains(@class,'duns')]//button";
        for (number, state, ready) in [
            ("123456789", "DUNS not found", "//*[contains(@class,'notice--warning')]"),
            ("081466849", "DUNS found", "//*[contains(@class,'notice--success')]"),
        ] {
            let f = find(&c, "//input[@id='field-duns']").await;
            f.clear().await.unwrap();
            f.send_keys(number).await.unwrap();
            find(&c, lookup).await.click().await.unwrap();
            a.check(&c, state, ready).await;
        }

        println!(
            "accessibility ({lang}): {} states audited, {} violations",
            a.states,
            a.violations.len()
        );
        assert!(
            a.violations.is_empty(),
            "axe found violations:\n{}",
            a.violations.join("\n")
        );
    })
    .await;
}

#[tokio::test]
async fn every_route_and_state_passes_axe_in_english() {
    sweep("en-US").await;
}

#[tokio::test]
async fn every_route_and_state_passes_axe_in_traditional_chinese() {
    sweep("zh-TW").await;
}

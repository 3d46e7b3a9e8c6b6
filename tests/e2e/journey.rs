//! The enrollment journey: company (DUNS and by hand), contact, check your
//! answers, Enroll now, done, drafts, and the verification email.

use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::*;

async fn select(c: &Client, label: &str, value: &str) {
    field(c, label).await.select_by_value(value).await.unwrap();
}

async fn choose(c: &Client, label: &str) {
    find(
        c,
        &format!("//label[normalize-space(.)={}]/input", lit(label)),
    )
    .await
    .click()
    .await
    .unwrap();
}

async fn contact_step(c: &Client, email: &str) {
    heading(c, "Primary contact").await;
    fill(c, "First name", "Wei").await;
    fill(c, "Last name", "Chen").await;
    fill(c, "Work email", email).await;
    button(c, "Continue").await.click().await.unwrap();
}

async fn manual_us_company(c: &Client) {
    heading(c, "Legal business profile").await;
    select(c, "Country or region", "US").await;
    choose(c, "Enter the details myself").await;
    fill(c, "Legal business name", "Northwind Traders, Inc.").await;
    fill(c, "Address line 1", "4567 Harbor Boulevard").await;
    fill(c, "City", "Seattle").await;
    select(c, "State", "WA").await;
    fill(c, "ZIP code", "98101").await;
    button(c, "Continue").await.click().await.unwrap();
}

/// A signed-in applicant of contoso.com in the browser: (app URL, session).
async fn applicant(c: &Client, server: &tokio::sync::Mutex<Server>) -> (String, String) {
    let s = server.lock().await;
    let session = s.create_account("contoso.com", "mei@contoso.com").await;
    let url = s.url();
    drop(s);
    use_session(c, &url, &session).await;
    (url, session)
}

/// Company (by hand, US) and contact answered: on the way to Check your answers.
async fn to_review(c: &Client, url: &str) {
    c.goto(&format!("{url}/enroll/company")).await.unwrap();
    manual_us_company(c).await;
    contact_step(c, "wei@contoso.com").await;
}

async fn mails_to(server: &Server, to: &str) -> usize {
    server
        .mailbox()
        .await
        .iter()
        .filter(|m| m["to"] == to)
        .count()
}

#[tokio::test]
async fn duns_look_up_to_done_with_exactly_one_account() {
    e2e("en-US", |c, server| async move {
        let (url, session) = applicant(&c, &server).await;
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        link(&c, "Continue enrollment").await.click().await.unwrap();

        heading(&c, "Legal business profile").await;
        fill(&c, "DUNS number", "08-146-6849").await;
        button(&c, "Look up").await.click().await.unwrap();
        see(&c, "We found your company.").await;
        assert_eq!(value(&c, "Legal business name").await, "Contoso Ltd.");
        assert_eq!(value(&c, "ZIP code").await, "98052");
        button(&c, "Continue").await.click().await.unwrap();

        contact_step(&c, "wei@contoso.com").await;
        heading(&c, "Check your answers").await;
        see(&c, "Contoso Ltd.").await;
        see(&c, "081466849").await;
        see(&c, "wei@contoso.com").await;

        // Two quick clicks: one account, one email. Both land on the
        // button before anything answers (a second WebDriver click could
        // arrive after the agreement page replaced it, and WebKit's driver
        // then clicks whatever is at that spot).
        button(&c, "Enroll now").await;
        c.execute(
            "const b = [...document.querySelectorAll('button')]
               .find(b => b.textContent.trim() === 'Enroll now');
             b.click(); b.click();",
            vec![],
        )
        .await
        .unwrap();

        heading(&c, "Microsoft Partner Network agreement").await;
        see(&c, "SAMPLE AGREEMENT").await;
        see(&c, "Version 2026-11-sample").await;
        assert_eq!(value(&c, "First name").await, "Mei-Ling");
        assert_eq!(value(&c, "Work email").await, "mei@contoso.com");
        button(&c, "Accept").await.click().await.unwrap();
        let msg = "Confirm that you have the authority to sign for your company.";
        find(
            &c,
            &format!(
                "//div[contains(@class,'error-summary')]//a[normalize-space(.)={}]",
                lit(msg)
            ),
        )
        .await;
        find(&c, "//label[contains(@class,'checkbox')]/input")
            .await
            .click()
            .await
            .unwrap();
        button(&c, "Accept").await.click().await.unwrap();
        heading(&c, "You're enrolled").await;
        let mpn = find(&c, "//strong[contains(@class,'mpn-id')]")
            .await
            .text()
            .await
            .unwrap();
        assert!(
            mpn.len() == 7 && mpn.chars().all(|ch| ch.is_ascii_digit()),
            "{mpn}"
        );
        see(&c, "We emailed your primary contact at wei@contoso.com.").await;
        see(&c, "You're not in the admin agent group yet.").await;

        let s = server.lock().await;
        let (status, account) = s.call("GET", "/partner-account", &session, None).await;
        assert_eq!(status, 200);
        assert_eq!(account["mpn_id"], mpn.as_str());
        let record = &account["agreements"][0];
        assert_eq!(record["agreement_id"], "mpn");
        assert_eq!(record["version"], "2026-11-sample");
        assert_eq!(record["signer_email"], "mei@contoso.com");
        assert!(record["accepted_at"].as_i64().unwrap() > 1_700_000_000);
        assert_eq!(mails_to(&s, "wei@contoso.com").await, 1);
        drop(s);
        // The answers are closed once enrolled.
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        heading(&c, "You're enrolled").await;
        // The whole journey ran under the strict policy without a violation.
        assert_eq!(server.lock().await.csp_reports().await, 0);
    })
    .await;
}

#[tokio::test]
async fn manual_entry_checks_postal_codes_for_us_taiwan_and_germany() {
    e2e("en-US", |c, server| async move {
        let (url, session) = applicant(&c, &server).await;
        let cases = [
            ("US", "State", Some("WA"), "ZIP code", "9810", "98101-2345"),
            ("TW", "State or region", None, "Postal code", "1100", "110"),
            ("DE", "State", None, "Postal code", "1011", "10115"),
        ];
        for (country, state_label, state, postal_label, bad, good) in cases {
            c.goto(&format!("{url}/enroll/company")).await.unwrap();
            heading(&c, "Legal business profile").await;
            select(&c, "Country or region", country).await;
            choose(&c, "Enter the details myself").await;
            fill(&c, "Legal business name", "Fabrikam Holdings").await;
            fill(&c, "Address line 1", "1 Main Street").await;
            fill(&c, "City", "Capital City").await;
            match state {
                Some(code) => select(&c, state_label, code).await,
                None => fill(&c, &format!("{state_label} (optional)"), "").await,
            }
            let postal = postal_label;
            fill(&c, postal, bad).await;
            button(&c, "Continue").await.click().await.unwrap();
            let msg = "Enter a postal code in the format used in this country or region.";
            find(
                &c,
                &format!(
                    "//div[contains(@class,'error-summary')]//a[normalize-space(.)={}]",
                    lit(msg)
                ),
            )
            .await;
            fill(&c, postal, good).await;
            button(&c, "Continue").await.click().await.unwrap();
            heading(&c, "Primary contact").await;
        }
        // Line 2 stayed empty and optional throughout; the server's draft has Germany
        // (sent as the step ended, so wait for that request only).
        let deadline = tokio::time::Instant::now() + WAIT;
        let draft = loop {
            let (_, d) = server
                .lock()
                .await
                .call("GET", "/enrollment/draft", &session, None)
                .await;
            if d["profile_done"] == true || tokio::time::Instant::now() > deadline {
                break d;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        assert_eq!(draft["profile"]["country"], "DE", "{draft}");
        assert_eq!(draft["profile"]["postal_code"], "10115");
        assert_eq!(draft["profile"]["line2"], "");
        assert_eq!(draft["profile_done"], true);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_duns_number_offers_entry_by_hand() {
    e2e("en-US", |c, server| async move {
        let (url, _) = applicant(&c, &server).await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        fill(&c, "DUNS number", "999 999 999").await;
        button(&c, "Look up").await.click().await.unwrap();
        see(&c, "No company is registered with this DUNS number.").await;
        button(&c, "Enter the details myself")
            .await
            .click()
            .await
            .unwrap();
        field(&c, "Legal business name").await;
        assert!(!visible(&c, "//label[normalize-space(.)='DUNS number']").await);
    })
    .await;
}

#[tokio::test]
async fn steps_run_in_order() {
    e2e("en-US", |c, server| async move {
        let s = server.lock().await;
        let url = s.url();
        let session = s.create_account("contoso.com", "mei@contoso.com").await;
        drop(s);
        c.goto(&format!("{url}/enroll/review")).await.unwrap();
        heading(&c, "Work account").await;
        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/enroll/review")).await.unwrap();
        heading(&c, "Legal business profile").await;
        assert!(c.current_url().await.unwrap().path().ends_with("/enroll/company"));
        c.goto(&format!("{url}/enroll/done")).await.unwrap();
        heading(&c, "Legal business profile").await;
        // The server holds the same line: no Enroll now without valid answers.
        let (status, body) = server
            .lock()
            .await
            .call("POST", "/enrollment", &session, Some(json!({"profile": {"country": "US", "legal_name": "", "line1": "", "city": ""}, "contact": {"first_name": "", "last_name": "", "email": ""}})))
            .await;
        assert_eq!(status, 422, "{body}");
    })
    .await;
}

#[tokio::test]
async fn contact_rules_consumer_email_refused_and_other_domain_warned() {
    e2e("en-US", |c, server| async move {
        let (url, _) = applicant(&c, &server).await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        manual_us_company(&c).await;
        contact_step(&c, "wei@hotmail.com").await;
        let msg = "Use your work email, not a personal mailbox such as Gmail or Outlook.com.";
        find(
            &c,
            &format!(
                "//div[contains(@class,'error-summary')]//a[normalize-space(.)={}]",
                lit(msg)
            ),
        )
        .await;
        fill(&c, "Work email", "wei@fabrikam.com").await;
        see(&c, "This email isn't on contoso.com.").await;
        button(&c, "Continue").await.click().await.unwrap();
        heading(&c, "Check your answers").await;
    })
    .await;
}

#[tokio::test]
async fn change_links_return_to_check_your_answers() {
    e2e("en-US", |c, server| async move {
        let (url, _) = applicant(&c, &server).await;
        to_review(&c, &url).await;
        heading(&c, "Check your answers").await;
        find(&c, "//section[contains(@class,'review-group')][.//h2[normalize-space(.)='Legal business profile']]//a[contains(normalize-space(.),'Change')]")
            .await
            .click()
            .await
            .unwrap();
        heading(&c, "Legal business profile").await;
        assert_eq!(value(&c, "Legal business name").await, "Northwind Traders, Inc.");
        fill(&c, "City", "Tacoma").await;
        button(&c, "Save and return to review").await.click().await.unwrap();
        heading(&c, "Check your answers").await;
        see(&c, "Tacoma").await;
        find(&c, "//section[contains(@class,'review-group')][.//h2[normalize-space(.)='Primary contact']]//a[contains(normalize-space(.),'Change')]")
            .await
            .click()
            .await
            .unwrap();
        heading(&c, "Primary contact").await;
        fill(&c, "Last name", "Chen-Lin").await;
        button(&c, "Save and return to review").await.click().await.unwrap();
        heading(&c, "Check your answers").await;
        see(&c, "Wei Chen-Lin").await;
    })
    .await;
}

#[tokio::test]
async fn a_draft_resumes_in_a_fresh_browser_after_sign_in() {
    e2e("en-US", |c, server| async move {
        let (url, session) = applicant(&c, &server).await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        select(&c, "Country or region", "TW").await;
        choose(&c, "Enter the details myself").await;
        fill(&c, "Legal business name", "台灣康拓股份有限公司").await;
        fill(&c, "Address line 1", "信義區忠孝東路五段68號").await;
        // Reload: typed answers stay.
        c.refresh().await.unwrap();
        heading(&c, "Legal business profile").await;
        assert_eq!(
            value(&c, "Legal business name").await,
            "台灣康拓股份有限公司"
        );
        // The server has it shortly after typing.
        server_draft_until(
            &server,
            &session,
            Duration::from_millis(200),
            "draft never reached the server",
            |_, d| d["profile"]["line1"] == "信義區忠孝東路五段68號",
        )
        .await;
        // Another browser, another profile: sign in and pick up where we left off.
        let other = browser("en-US").await;
        let c2 = other.client.clone();
        let outcome = tokio::spawn(async move {
            c2.goto(&format!("{url}/enroll/account")).await.unwrap();
            fill(&c2, "Work email", "mei@contoso.com").await;
            fill(&c2, "Password", PASSWORD).await;
            button(&c2, "Sign in").await.click().await.unwrap();
            link(&c2, "Continue enrollment")
                .await
                .click()
                .await
                .unwrap();
            heading(&c2, "Legal business profile").await;
            assert_eq!(
                value(&c2, "Legal business name").await,
                "台灣康拓股份有限公司"
            );
            assert_eq!(value(&c2, "Address line 1").await, "信義區忠孝東路五段68號");
        })
        .await;
        let mut other = other;
        let _ = other.client.close().await;
        let _ = other.driver.kill().await;
        if let Err(e) = outcome {
            std::panic::resume_unwind(e.into_panic());
        }
    })
    .await;
}

#[tokio::test]
async fn the_server_failing_mid_journey_shows_a_banner_and_loses_nothing() {
    e2e("en-US", |c, server| async move {
        let (url, _) = applicant(&c, &server).await;
        to_review(&c, &url).await;
        heading(&c, "Check your answers").await;
        server.lock().await.stop().await;
        button(&c, "Enroll now").await.click().await.unwrap();
        see(&c, "We couldn't reach Partner Center.").await;
        see(&c, "Northwind Traders, Inc.").await;
        server.lock().await.spawn().await;
        button(&c, "Try again").await.click().await.unwrap();
        heading(&c, "Microsoft Partner Network agreement").await;
        assert_eq!(mails_to(&*server.lock().await, "wei@contoso.com").await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_reload_during_enroll_now_still_makes_one_account() {
    e2e("en-US", |c, server| async move {
        let (url, _) = applicant(&c, &server).await;
        to_review(&c, &url).await;
        button(&c, "Enroll now").await.click().await.unwrap();
        c.refresh().await.unwrap();
        // Wherever the reload landed, finishing gives one account.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if visible(
                &c,
                "//h1[normalize-space(.)='Microsoft Partner Network agreement']",
            )
            .await
            {
                break;
            }
            if visible(&c, "//button[normalize-space(.)='Enroll now']").await {
                button(&c, "Enroll now").await.click().await.unwrap();
            }
            if tokio::time::Instant::now() >= deadline {
                // Fails showing what the page says instead.
                heading(&c, "Microsoft Partner Network agreement").await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        assert_eq!(mails_to(&*server.lock().await, "wei@contoso.com").await, 1);
    })
    .await;
}

#[tokio::test]
async fn the_mailbox_link_confirms_the_email_and_works_once() {
    e2e("en-US", |c, server| async move {
        let s = server.lock().await;
        let session = s.create_account("contoso.com", "mei@contoso.com").await;
        let (status, body) = s
            .call("POST", "/enrollment", &session, Some(enroll_body()))
            .await;
        assert_eq!(status, 201, "{body}");
        let url = s.url();
        drop(s);
        c.goto(&format!("{url}/dev/mailbox")).await.unwrap();
        heading(&c, "Development mailbox").await;
        see(
            &c,
            "Confirm your email for Contoso Ltd.'s Partner Center enrollment",
        )
        .await;
        find(&c, "//a[contains(@href,'/verify-email/')]")
            .await
            .click()
            .await
            .unwrap();
        heading(&c, "Confirm your email").await;
        see(
            &c,
            "Did you sign up, and does wei@contoso.com belong to your company?",
        )
        .await;
        button(&c, "Yes, confirm my email")
            .await
            .click()
            .await
            .unwrap();
        see(&c, "Your email is confirmed").await;
        let (_, account) = server
            .lock()
            .await
            .call("GET", "/partner-account", &session, None)
            .await;
        assert_eq!(account["checks"][0]["status"], "verified");
        // Opening the link again says it is done, and offers nothing to click.
        c.refresh().await.unwrap();
        see(&c, "Your email is confirmed").await;
        assert!(!visible(&c, "//button[normalize-space(.)='Yes, confirm my email']").await);
    })
    .await;
}

#[tokio::test]
async fn not_me_flags_the_enrollment_and_undo_reopens_it() {
    e2e("en-US", |c, server| async move {
        let s = server.lock().await;
        let session = s.create_account("contoso.com", "mei@contoso.com").await;
        s.call("POST", "/enrollment", &session, Some(enroll_body()))
            .await;
        let link_url = link_in_mail(&s, "wei@contoso.com").await;
        drop(s);
        c.goto(&link_url).await.unwrap();
        button(&c, "I did not request this")
            .await
            .click()
            .await
            .unwrap();
        see(&c, "We've flagged this enrollment").await;
        let (_, account) = server
            .lock()
            .await
            .call("GET", "/partner-account", &session, None)
            .await;
        assert_eq!(account["checks"][0]["status"], "rejected");
        button(&c, "Undo: I did request this")
            .await
            .click()
            .await
            .unwrap();
        button(&c, "Yes, confirm my email").await;
        let (_, account) = server
            .lock()
            .await
            .call("GET", "/partner-account", &session, None)
            .await;
        assert_eq!(account["checks"][0]["status"], "pending");
    })
    .await;
}

#[tokio::test]
async fn a_replaced_link_says_so_and_sends_a_new_one() {
    e2e("en-US", |c, server| async move {
        let s = server.lock().await;
        let session = s.create_account("contoso.com", "mei@contoso.com").await;
        s.call("POST", "/enrollment", &session, Some(enroll_body()))
            .await;
        let first = link_in_mail(&s, "wei@contoso.com").await;
        accept_agreement(&s, &session).await;
        let url = s.url();
        drop(s);
        // The applicant resends from the Done page: the first link is replaced.
        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/enroll/done")).await.unwrap();
        button(&c, "Send the email again")
            .await
            .click()
            .await
            .unwrap();
        see(&c, "We sent a new link to wei@contoso.com.").await;
        c.goto(&first).await.unwrap();
        see(
            &c,
            "This link has already been used or was replaced by a newer one.",
        )
        .await;
        button(&c, "Send me a new link")
            .await
            .click()
            .await
            .unwrap();
        see(&c, "We sent a new link to wei@contoso.com.").await;
        assert_eq!(mails_to(&*server.lock().await, "wei@contoso.com").await, 3);
    })
    .await;
}

#[tokio::test]
async fn an_expired_link_says_so_and_offers_a_new_one() {
    e2e_with(
        "en-US",
        &["--link-lifetime-minutes", "0"],
        |c, server| async move {
            let s = server.lock().await;
            let session = s.create_account("contoso.com", "mei@contoso.com").await;
            s.call("POST", "/enrollment", &session, Some(enroll_body()))
                .await;
            let link_url = link_in_mail(&s, "wei@contoso.com").await;
            drop(s);
            tokio::time::sleep(Duration::from_millis(1100)).await;
            c.goto(&link_url).await.unwrap();
            see(&c, "This link has expired.").await;
            assert!(!visible(&c, "//button[normalize-space(.)='Yes, confirm my email']").await);
            button(&c, "Send me a new link")
                .await
                .click()
                .await
                .unwrap();
            see(&c, "We sent a new link to wei@contoso.com.").await;
        },
    )
    .await;
}

#[tokio::test]
async fn the_journey_speaks_traditional_chinese() {
    e2e("zh-TW", |c, server| async move {
        let (url, _) = applicant(&c, &server).await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        heading(&c, "法定商務資料").await;
        fill(&c, "DUNS 號碼", "656478213").await;
        button(&c, "查詢").await.click().await.unwrap();
        see(&c, "已找到貴公司").await;
        assert_eq!(value(&c, "法定商務名稱").await, "台灣康拓股份有限公司");
        let country = c
            .execute("const s=document.getElementById('field-country'); return s.options[s.selectedIndex].text", vec![])
            .await
            .unwrap();
        assert_eq!(country, "台灣");
        let _ = c.find(Locator::Css("body")).await;
    })
    .await;
}

#[tokio::test]
async fn a_server_error_on_enroll_now_shows_a_banner_and_retry_completes_it() {
    e2e("en-US", |c, server| async move {
        let (url, session) = applicant(&c, &server).await;
        to_review(&c, &url).await;
        heading(&c, "Check your answers").await;
        // The database refuses the write: the server answers 500.
        server
            .lock()
            .await
            .sql("CREATE TRIGGER e2e_fail BEFORE INSERT ON partner_accounts BEGIN SELECT RAISE(ABORT, 'injected fault'); END")
            .await;
        button(&c, "Enroll now").await.click().await.unwrap();
        see(&c, "Something went wrong on our side.").await;
        see(&c, "Nothing you typed has been lost.").await;
        see(&c, "Northwind Traders, Inc.").await;
        let (status, body) = server.lock().await.call("GET", "/partner-account", &session, None).await;
        assert_eq!(status, 404, "nothing half-made: {body}");
        server.lock().await.sql("DROP TRIGGER e2e_fail").await;
        button(&c, "Try again").await.click().await.unwrap();
        heading(&c, "Microsoft Partner Network agreement").await;
        assert_eq!(mails_to(&*server.lock().await, "wei@contoso.com").await, 1);
    })
    .await;
}

#[tokio::test]
async fn a_duns_prefill_is_checked_like_manual_entry() {
    e2e("en-US", |c, server| async move {
        let (url, session) = applicant(&c, &server).await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        fill(&c, "DUNS number", "315-667-201").await;
        button(&c, "Look up").await.click().await.unwrap();
        see(&c, "We found your company.").await;
        assert_eq!(
            value(&c, "Legal business name").await,
            "Müller & Söhne Fabrikam GmbH"
        );
        assert_eq!(value(&c, "Postal code").await, "40212");
        // Correcting the prefilled address is held to Germany's rules.
        fill(&c, "Postal code", "4021").await;
        button(&c, "Continue").await.click().await.unwrap();
        let msg = "Enter a postal code in the format used in this country or region.";
        find(
            &c,
            &format!(
                "//div[contains(@class,'error-summary')]//a[normalize-space(.)={}]",
                lit(msg)
            ),
        )
        .await;
        fill(&c, "Postal code", "40213").await;
        button(&c, "Continue").await.click().await.unwrap();
        heading(&c, "Primary contact").await;
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let (_, d) = server
                .lock()
                .await
                .call("GET", "/enrollment/draft", &session, None)
                .await;
            if d["profile_done"] == true {
                assert_eq!(d["profile"]["duns"], "315667201");
                assert_eq!(d["profile"]["postal_code"], "40213");
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "draft not saved: {d}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn the_strict_policy_is_enforced_and_violations_reach_the_server() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll")).await.unwrap();
        heading(&c, "Enroll in Partner Center").await;
        // No inline script survived the build: the start-up script is a file.
        let inline: i64 = c
            .execute("return [...document.scripts].filter(s => !s.src).length", vec![])
            .await
            .unwrap()
            .as_i64()
            .unwrap();
        assert_eq!(inline, 0);
        assert_eq!(server.lock().await.csp_reports().await, 0);
        // Something the policy forbids is blocked and reported.
        c.execute(
            "const i = document.createElement('img'); i.src = 'https://example.invalid/x.png'; document.body.append(i);",
            vec![],
        )
        .await
        .unwrap();
        let deadline = tokio::time::Instant::now() + WAIT;
        while server.lock().await.csp_reports().await == 0 {
            assert!(tokio::time::Instant::now() < deadline, "the violation was never reported");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
    .await;
}

//! The dashboard: the overview's verification tracker as a reviewer decides,
//! Fix now, the partner profile's editing rules, the accepted agreement and
//! its PDF, and user management with its roles.

use std::time::Duration;

use fantoccini::Client;
use serde_json::{json, Value};

use crate::*;

const REVIEWER: &[&str] = &["--operator-token", OPERATOR_TOKEN];

/// The status badge text of one check on the overview.
async fn check_status(c: &Client, id: &str) -> String {
    find(
        c,
        &format!("//li[@id='{id}']//span[contains(@class,'badge')]"),
    )
    .await
    .text()
    .await
    .unwrap()
}

async fn wait_for_status(c: &Client, id: &str, expected: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = check_status(c, id).await;
        if now == expected {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{id} is {now:?}, not {expected:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn dd(c: &Client, attr: &str) -> String {
    find(c, &format!("//dd[@data-status='{attr}']"))
        .await
        .text()
        .await
        .unwrap()
}

/// Fetches `url` from inside the page with the user's cookie: (status,
/// content type, first bytes as text, size).
async fn fetch_in_page(c: &Client, url: &str) -> Value {
    c.execute_async(
        "const done = arguments[arguments.length - 1];
         fetch(arguments[0], {credentials: 'include'}).then(async r => {
           const b = new Uint8Array(await r.arrayBuffer());
           done({status: r.status, type: r.headers.get('content-type'),
                 disposition: r.headers.get('content-disposition'),
                 head: String.fromCharCode(...b.slice(0, 5)), size: b.length});
         }).catch(e => done({error: String(e)}));",
        vec![json!(url)],
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn signed_out_visitors_sign_in_and_come_back() {
    e2e("en-US", |c, server| async move {
        let url = {
            let s = server.lock().await;
            s.create_account("contoso.com", "mei@contoso.com").await;
            s.url()
        };
        c.goto(&format!("{url}/dashboard/settings/users"))
            .await
            .unwrap();
        heading(&c, "Work account").await;
        assert!(c.current_url().await.unwrap().as_str().contains("next="));
        fill(&c, "Work email", "mei@contoso.com").await;
        fill(&c, "Password", PASSWORD).await;
        button(&c, "Sign in").await.click().await.unwrap();
        heading(&c, "User management").await;
        assert!(c
            .current_url()
            .await
            .unwrap()
            .as_str()
            .ends_with("/dashboard/settings/users"));
        // Before enrolling, the overview says so and leads to enrollment.
        link(&c, "Overview").await.click().await.unwrap();
        heading(&c, "Overview").await;
        see(
            &c,
            "Your company isn't enrolled in the Microsoft Partner Network yet.",
        )
        .await;
        // A `next` that leaves the dashboard is not followed.
        c.goto(&format!(
            "{url}/enroll/account?next=https://example.com/dashboard"
        ))
        .await
        .unwrap();
        see(&c, "You're signed in as Mei-Ling 陳.").await;
        assert!(c.current_url().await.unwrap().as_str().starts_with(&url));
        // Signed in, the header leads to the dashboard from anywhere.
        link(&c, "Dashboard").await.click().await.unwrap();
        heading(&c, "Overview").await;
        // The session ends behind the page's back: the next view that asks
        // the server sends the user to sign in, and back there afterwards.
        c.delete_all_cookies().await.unwrap();
        link(&c, "User management").await.click().await.unwrap();
        heading(&c, "Work account").await;
        sign_in(&c, "mei@contoso.com", PASSWORD).await;
        heading(&c, "User management").await;
    })
    .await;
}

#[tokio::test]
async fn from_rejection_through_fix_now_to_authorized_and_active() {
    e2e_with("en-US", REVIEWER, |c, server| async move {
        let s = server.lock().await;
        let (session, mpn) = s.enrolled().await;
        let url = s.url();
        drop(s);
        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/dashboard")).await.unwrap();
        heading(&c, "Overview").await;
        see(&c, &mpn).await;
        assert_eq!(dd(&c, "vetting").await, "Pending");
        assert_eq!(dd(&c, "program").await, "Pending verification");
        for id in [
            "check-email_ownership",
            "check-employment",
            "check-business",
        ] {
            assert_eq!(check_status(&c, id).await, "Pending");
        }
        see(&c, "We sent the link to wei@contoso.com.").await;
        button(&c, "Resend the email").await.click().await.unwrap();
        see(&c, "We sent a new link to wei@contoso.com.").await;

        // The contact confirms; the reviewer rejects the business check.
        let mailed = link_in_mail(&*server.lock().await, "wei@contoso.com").await;
        c.goto(&mailed).await.unwrap();
        button(&c, "Yes, confirm my email")
            .await
            .click()
            .await
            .unwrap();
        see(&c, "Your email is confirmed").await;
        server
            .lock()
            .await
            .review(
                &mpn,
                "business",
                json!({"decision": "reject", "reason": "The address does not match the registry."}),
            )
            .await;
        c.goto(&format!("{url}/dashboard")).await.unwrap();
        wait_for_status(&c, "check-email_ownership", "Verified").await;
        wait_for_status(&c, "check-business", "Rejected").await;
        see(&c, "The address does not match the registry.").await;
        assert_eq!(dd(&c, "vetting").await, "Rejected");

        // Fix now: correct the address; business goes back to Pending.
        keep_errors(&c).await;
        link(&c, "Fix now").await.click().await.unwrap();
        heading(&c, "Partner profile").await;
        see(&c, "Business verification was rejected").await;
        fill(&c, "Work email", "wei@gmail.com").await;
        button(&c, "Save changes").await.click().await.unwrap();
        see(&c, "There is a problem").await;
        fill(&c, "Work email", "wei@contoso.com").await;
        fill(&c, "Address line 1", "2 Contoso Way").await;
        button(&c, "Save changes").await.click().await.unwrap();
        see(
            &c,
            "Business verification has started again for the new details.",
        )
        .await;
        link(&c, "Overview").await.click().await.unwrap();
        wait_for_status(&c, "check-business", "Pending").await;
        assert_eq!(dd(&c, "vetting").await, "Pending");

        // The reviewer approves both: Authorized; the agreement makes it Active.
        for check in ["employment", "business"] {
            server
                .lock()
                .await
                .review(&mpn, check, json!({"decision": "approve"}))
                .await;
        }
        c.refresh().await.unwrap();
        wait_for_status(&c, "check-business", "Verified").await;
        assert_eq!(dd(&c, "vetting").await, "Authorized");
        assert_eq!(dd(&c, "program").await, "Pending verification");
        link(&c, "Accept the Microsoft Partner Network agreement").await;
        accept_agreement(&*server.lock().await, &session).await;
        c.refresh().await.unwrap();
        heading(&c, "Overview").await;
        assert_eq!(dd(&c, "program").await, "Active");
        see(
            &c,
            "Your company is verified and its MPN membership is active.",
        )
        .await;
        let mails = server.lock().await.mailbox().await;
        assert!(
            mails
                .iter()
                .any(|m| m["to"] == "wei@contoso.com"
                    && m["body"].as_str().unwrap().contains("active")),
            "the contact was told"
        );

        // Authorized: the legal name is locked; an address edit re-runs business.
        link(&c, "Partner profile").await.click().await.unwrap();
        heading(&c, "Partner profile").await;
        see(&c, "the legal name can no longer be changed").await;
        assert!(!visible(&c, "//label[normalize-space(.)='Legal business name']").await);
        assert_eq!(
            find(&c, "//dd[@id='legal-name-locked']")
                .await
                .text()
                .await
                .unwrap(),
            "Contoso Ltd."
        );
        assert_eq!(dd(&c, "program").await, "Active");
        fill(&c, "City", "Bellevue").await;
        button(&c, "Save changes").await.click().await.unwrap();
        see(&c, "Business verification has started again").await;
        let (_, now) = server
            .lock()
            .await
            .call("GET", "/partner-account", &session, None)
            .await;
        assert_eq!(now["profile"]["city"], "Bellevue");
        assert_eq!(now["checks"][2]["status"], "pending");

        // The agreement as accepted, and its PDF.
        let agreement = find(&c, "//a[contains(@href,'/dashboard/agreements/mpn')]").await;
        agreement.click().await.unwrap();
        heading(&c, "Microsoft Partner Network Agreement (sample)").await;
        see(&c, "Acceptance record").await;
        see(&c, "mei@contoso.com").await;
        see(&c, "SAMPLE AGREEMENT").await;
        let pdf = link(&c, "Download PDF")
            .await
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let got = fetch_in_page(&c, &pdf).await;
        assert_eq!(got["status"], 200, "{got}");
        assert_eq!(got["type"], "application/pdf");
        assert_eq!(got["head"], "%PDF-");
        assert!(got["disposition"]
            .as_str()
            .unwrap()
            .starts_with("attachment"));
        println!("agreement PDF: {} bytes", got["size"]);
    })
    .await;
}

/// Signs in as `email` from the account step.
async fn sign_in(c: &Client, email: &str, password: &str) {
    fill(c, "Work email", email).await;
    fill(c, "Password", password).await;
    button(c, "Sign in").await.click().await.unwrap();
}

async fn tick(c: &Client, panel: &str, role: &str) {
    find(
        c,
        &format!(
            "//*[@id={}]//label[normalize-space(.)={}]",
            lit(panel),
            lit(role)
        ),
    )
    .await
    .click()
    .await
    .unwrap();
}

async fn submit_add_user(c: &Client) {
    find(
        c,
        "//form[@aria-labelledby='add-user-title']//button[@type='submit']",
    )
    .await
    .click()
    .await
    .unwrap();
}

#[tokio::test]
async fn admins_add_users_and_set_roles_others_see_the_list_read_only() {
    e2e("en-US", |c, server| async move {
        let (url, admin) = {
            let s = server.lock().await;
            (
                s.url(),
                s.create_account("contoso.com", "mei@contoso.com").await,
            )
        };
        use_session(&c, &url, &admin).await;
        c.goto(&format!("{url}/dashboard/settings/users"))
            .await
            .unwrap();
        heading(&c, "User management").await;
        see(&c, "Showing 1–1 of 1 users").await;

        // Add a user: rules first, then the temporary password, once.
        button(&c, "Add user").await.click().await.unwrap();
        fill(&c, "First name", "Ana").await;
        fill(&c, "Last name", "Silva").await;
        fill(&c, "Work email", "ana@gmail.com").await;
        submit_add_user(&c).await;
        see(&c, "Use your work email").await;
        fill(&c, "Work email", "ana@contoso.com").await;
        tick(&c, "add-user", "Report viewer").await;
        submit_add_user(&c).await;
        see(&c, "Ana Silva can now sign in").await;
        let temp = find(&c, "//code[contains(@class,'secret')]")
            .await
            .text()
            .await
            .unwrap();
        assert!(temp.len() >= 20, "{temp}");
        see(&c, "Showing 1–2 of 2 users").await;
        find(
            &c,
            "//tr[@data-user='ana@contoso.com']/td[normalize-space(.)='Report viewer']",
        )
        .await;

        // The last Global admin cannot be demoted.
        find(&c, "//tr[@data-user='mei@contoso.com']//button")
            .await
            .click()
            .await
            .unwrap();
        find(&c, "//h2[normalize-space(.)='Roles of Mei-Ling 陳']").await;
        focused_on(&c, "role-editor-heading").await;
        tick(&c, "role-editor", "Global admin").await;
        button(&c, "Update").await.click().await.unwrap();
        see(&c, "Keep at least one Global admin").await;
        let (_, me) = server
            .lock()
            .await
            .call("GET", "/session", &admin, None)
            .await;
        assert_eq!(me["user"]["roles"][0], "global_admin");
        // Closing the editor takes focus back to the list.
        button(&c, "Cancel").await.click().await.unwrap();
        assert!(!visible(&c, "//form[@id='role-editor']").await);
        focused_on(&c, "users-range").await;

        // Ana signs in, chooses her password and sees the page read-only.
        button(&c, "Sign out").await.click().await.unwrap();
        c.goto(&format!("{url}/dashboard/settings/users"))
            .await
            .unwrap();
        heading(&c, "Work account").await;
        sign_in(&c, "ana@contoso.com", &temp).await;
        fill(&c, "Temporary password", &temp).await;
        fill(&c, "New password", "copper-lantern-42-river").await;
        button(&c, "Save password").await.click().await.unwrap();
        heading(&c, "User management").await;
        see(&c, "only a Global admin or an Admin agent can add users").await;
        see(&c, "Showing 1–2 of 2 users").await;
        assert!(!visible(&c, "//button[normalize-space(.)='Add user']").await);
        assert!(
            !visible(&c, "//tr//button").await,
            "no user can be selected"
        );
        let (status, body) = server
            .lock()
            .await
            .call("GET", "/users", &admin, None)
            .await;
        assert_eq!(status, 200, "{body}");
        let ana_id = body["users"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["email"] == "ana@contoso.com")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();

        // Granted Admin agent, Ana's page becomes editable.
        let (status, _) = server
            .lock()
            .await
            .call(
                "PUT",
                &format!("/users/{ana_id}/roles"),
                &admin,
                Some(json!({"roles": ["admin_agent", "report_viewer"]})),
            )
            .await;
        assert_eq!(status, 200);
        c.refresh().await.unwrap();
        heading(&c, "User management").await;
        button(&c, "Add user").await;
        assert!(!visible(&c, "//*[@id='users-read-only']").await);

        // Removing asks first; Cancel keeps the user.
        find(&c, "//tr[@data-user='mei@contoso.com']//button")
            .await
            .click()
            .await
            .unwrap();
        button(&c, "Remove user").await.click().await.unwrap();
        see(&c, "Remove Mei-Ling 陳?").await;
        find(
            &c,
            "//*[@role='alertdialog']//button[normalize-space(.)='Cancel']",
        )
        .await
        .click()
        .await
        .unwrap();
        assert!(!visible(&c, "//*[@role='alertdialog']").await);
        // Confirmed, the server still keeps the last Global admin.
        button(&c, "Remove user").await.click().await.unwrap();
        button(&c, "Yes, remove").await.click().await.unwrap();
        see(&c, "Keep at least one Global admin").await;
        find(&c, "//tr[@data-user='mei@contoso.com']").await;
    })
    .await;
}

/// Milliseconds from `action` (JavaScript run in the page) until the text
/// of the element `selector` names reads `expected`.
async fn time_until(c: &Client, action: &str, selector: &str, expected: &str) -> f64 {
    let took = c
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1];
                 const el = () => document.querySelector({selector:?});
                 const t0 = performance.now();
                 {action};
                 const tick = () => el() && el().textContent === arguments[0]
                   ? done(performance.now() - t0) : setTimeout(tick, 1);
                 tick();"
            ),
            vec![json!(expected)],
        )
        .await;
    match took {
        Ok(ms) => ms.as_f64().unwrap(),
        Err(e) => {
            let shown = c
                .execute("return location.href + ' ' + (window.__errors || []).join('|') + document.querySelector('.dash-page').innerText.slice(0, 300)", vec![])
                .await
                .unwrap();
            panic!("{action} → {expected:?}: {e}; the page shows:\n{shown}");
        }
    }
}

#[tokio::test]
async fn ten_thousand_users_search_and_page_quickly() {
    e2e("en-US", |c, server| async move {
        let (url, admin) = {
            let s = server.lock().await;
            let admin = s.create_account("contoso.com", "mei@contoso.com").await;
            let (_, me) = s.call("GET", "/session", &admin, None).await;
            let tenant = me["tenant"]["id"].as_str().unwrap().to_owned();
            s.sql(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9999) \
                 INSERT INTO users (id, tenant_id, email, first_name, last_name, password_hash, created_at) \
                 SELECT 'u' || i, '{tenant}', 'user' || i || '@contoso.com', 'First' || i, printf('Name%05d', i), 'x', 0 FROM n"
            ))
            .await;
            (s.url(), admin)
        };
        use_session(&c, &url, &admin).await;
        c.goto(&format!("{url}/dashboard/settings/users")).await.unwrap();
        see(&c, "Showing 1–25 of 10,000 users").await;
        see(&c, "Page 1 of 400").await;
        keep_errors(&c).await;

        // Each Next: the time from the click until the new page is on screen.
        let mut next = vec![];
        for page in 2..=6 {
            next.push(
                time_until(
                    &c,
                    "document.querySelector('.pager a[rel=next]').click()",
                    ".pager__where",
                    &format!("Page {page} of 400"),
                )
                .await,
            );
        }
        see(&c, "Showing 126–150 of 10,000 users").await;
        find(&c, "//tr[@data-user='user126@contoso.com']").await;
        // The place is in the URL: a reload keeps it, Back goes a page back.
        // The timed turns above were script clicks; WebKit leaves history
        // entries made without a user's gesture out of Back, as Safari
        // does, so the person turns the last pages themselves.
        link(&c, "Previous").await.click().await.unwrap();
        see(&c, "Page 5 of 400").await;
        link(&c, "Next").await.click().await.unwrap();
        see(&c, "Page 6 of 400").await;
        c.refresh().await.unwrap();
        see(&c, "Showing 126–150 of 10,000 users").await;
        c.back().await.unwrap();
        see(&c, "Page 5 of 400").await;
        link(&c, "Previous").await.click().await.unwrap();
        see(&c, "Page 4 of 400").await;

        let search = time_until(
            &c,
            "const q = document.getElementById('users-q'); q.value = 'name0999'; \
             q.dispatchEvent(new Event('input', {bubbles: true}))",
            "#users-range",
            "Showing 1–10 of 10 users",
        )
        .await;
        see(&c, "Showing 1–10 of 10 users").await;
        find(&c, "//tr[@data-user='user9999@contoso.com']").await;
        next.sort_by(f64::total_cmp);
        println!(
            "10,000 users in the browser: next page median {:.0} ms (of {:?}), search {:.0} ms \
             (incl. 150 ms typing debounce)",
            next[next.len() / 2],
            next.iter().map(|t| t.round()).collect::<Vec<_>>(),
            search
        );
    })
    .await;
}

#[tokio::test]
async fn fix_now_with_a_supporting_document_sends_the_check_back_to_review() {
    e2e_with("en-US", REVIEWER, |c, server| async move {
        let s = server.lock().await;
        let (session, mpn) = s.enrolled().await;
        s.review(
            &mpn,
            "employment",
            json!({"decision": "reject", "reason": "We could not confirm that Wei Chen works for Contoso."}),
        )
        .await;
        let url = s.url();
        drop(s);
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("letter.txt");
        std::fs::write(&text, "not a document").unwrap();
        let pdf = dir.path().join("employment-letter.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n% letter on company letterhead\n").unwrap();

        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/dashboard")).await.unwrap();
        wait_for_status(&c, "check-employment", "Rejected").await;
        see(&c, "We could not confirm that Wei Chen works for Contoso.").await;
        link(&c, "Fix now").await.click().await.unwrap();
        see(&c, "Employment verification was rejected").await;
        // No file, then a file that is not a document: said beside the field.
        button(&c, "Send for review").await.click().await.unwrap();
        see(&c, "Choose a file to upload.").await;
        let input = field(&c, "Supporting document (optional)").await;
        input.send_keys(text.to_str().unwrap()).await.unwrap();
        button(&c, "Send for review").await.click().await.unwrap();
        see(&c, "Upload a PDF, PNG or JPEG file.").await;
        let input = field(&c, "Supporting document (optional)").await;
        input.clear().await.unwrap();
        input.send_keys(pdf.to_str().unwrap()).await.unwrap();
        button(&c, "Send for review").await.click().await.unwrap();
        see(&c, "We received employment-letter.pdf. The check is pending again").await;

        link(&c, "Overview").await.click().await.unwrap();
        wait_for_status(&c, "check-employment", "Pending").await;
        // The reviewer finds the document in the queue, with its content.
        let queue: Value = reqwest::Client::new()
            .get(format!("{url}/api/v1/admin/partners"))
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let doc = &queue[0]["documents"][0];
        assert_eq!(doc["file_name"], "employment-letter.pdf");
        assert_eq!(doc["check"], "employment");
        server
            .lock()
            .await
            .review(&mpn, "employment", json!({"decision": "approve"}))
            .await;
        c.refresh().await.unwrap();
        wait_for_status(&c, "check-employment", "Verified").await;
    })
    .await;
}

/// A verification email the mail server refuses for good: the overview says
/// so with the mail server's answer and leads to changing the address; the
/// new address gets a link and the warning is gone.
#[tokio::test]
async fn a_bounced_verification_email_leads_to_changing_the_contact() {
    let (smtp_port, smtp_log) = fake_smtp::fake_smtp().await;
    let smtp = format!("smtp://127.0.0.1:{smtp_port}");
    let args = ["--smtp-url", smtp.as_str(), "--outbox-poll-ms", "200"];
    e2e_with("en-US", &args, move |c, server| async move {
        let s = server.lock().await;
        let session = s.create_account("contoso.com", "mei@contoso.com").await;
        let mut body = enroll_body();
        body["contact"]["email"] = json!("bounce@contoso.com");
        let (status, account) = s.call("POST", "/enrollment", &session, Some(body)).await;
        assert_eq!(status, 201, "{account}");
        let url = s.url();
        drop(s);

        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/dashboard")).await.unwrap();
        // The delivery loop tries within 200 ms; the page shows what the
        // account says when it loads, so look again until it has bounced.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            // The tracker has rendered what the account said at load.
            wait_for_status(&c, "check-email_ownership", "Pending").await;
            if c.find(fantoccini::Locator::Id("email-bounce"))
                .await
                .is_ok()
            {
                break;
            }
            assert!(tokio::time::Instant::now() < deadline, "no bounce shown");
            tokio::time::sleep(Duration::from_millis(300)).await;
            c.refresh().await.unwrap();
        }
        see(
            &c,
            "The email to bounce@contoso.com could not be delivered.",
        )
        .await;
        see(&c, "550").await;
        // Resending to an address that bounces would only bounce again.
        assert!(c
            .find(fantoccini::Locator::XPath(
                "//button[normalize-space()='Resend the email']"
            ))
            .await
            .is_err());
        link(&c, "Change the contact's address")
            .await
            .click()
            .await
            .unwrap();
        heading(&c, "Partner profile").await;
        see(
            &c,
            "The verification email to bounce@contoso.com could not be delivered",
        )
        .await;
        fill(&c, "Work email", "wei@contoso.com").await;
        button(&c, "Save changes").await.click().await.unwrap();
        see(&c, "wei@contoso.com").await;
        link(&c, "Overview").await.click().await.unwrap();
        wait_for_status(&c, "check-email_ownership", "Pending").await;
        see(&c, "We sent the link to wei@contoso.com.").await;
        assert!(c
            .find(fantoccini::Locator::Id("email-bounce"))
            .await
            .is_err());
        let seen = smtp_log.lock().unwrap().clone();
        assert!(seen.contains("RCPT TO:<bounce@contoso.com>"), "{seen}");
    })
    .await;
}

#[tokio::test]
async fn the_dashboard_speaks_traditional_chinese() {
    e2e("zh-TW", |c, server| async move {
        let s = server.lock().await;
        let (session, _) = s.enrolled().await;
        accept_agreement(&s, &session).await;
        let url = s.url();
        drop(s);
        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/dashboard")).await.unwrap();
        heading(&c, "概觀").await;
        assert_eq!(check_status(&c, "check-business").await, "審核中");
        assert_eq!(dd(&c, "program").await, "等待驗證");
        see(&c, "我們已將連結寄至 wei@contoso.com。").await;
        link(&c, "合作夥伴設定檔").await.click().await.unwrap();
        heading(&c, "合作夥伴設定檔").await;
        see(&c, "法定商務資料").await;
        assert_eq!(value(&c, "法定商務名稱").await, "Contoso Ltd.");
        find(&c, "//a[contains(@href,'/dashboard/agreements/mpn')]")
            .await
            .click()
            .await
            .unwrap();
        see(&c, "接受紀錄").await;
        let pdf = link(&c, "下載 PDF")
            .await
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        assert!(pdf.ends_with("lang=zh-TW"), "{pdf}");
        link(&c, "使用者管理").await.click().await.unwrap();
        heading(&c, "使用者管理").await;
        see(&c, "顯示第 1–1 位，共 1 位使用者").await;
        find(
            &c,
            "//tr[@data-user='mei@contoso.com']/td[normalize-space(.)='全域管理員']",
        )
        .await;
    })
    .await;
}

#[tokio::test]
async fn user_management_works_with_the_keyboard_alone() {
    e2e("en-US", |c, server| async move {
        let (url, admin) = {
            let s = server.lock().await;
            (s.url(), s.create_account("contoso.com", "mei@contoso.com").await)
        };
        use_session(&c, &url, &admin).await;
        c.goto(&format!("{url}/dashboard/settings/users")).await.unwrap();
        see(&c, "Showing 1–1 of 1 users").await;

        tab_to(&c, "el.textContent.trim() === 'Add user'").await;
        press(&c, ENTER).await;
        tab_to(&c, "el.id === 'field-first_name'").await;
        press(&c, "Ana").await;
        press(&c, TAB).await;
        press(&c, "Silva").await;
        press(&c, TAB).await;
        press(&c, "ana@contoso.com").await;
        tab_to(&c, "el.id === 'new-role-report_viewer'").await;
        press(&c, " ").await;
        tab_to(&c, "el.type === 'submit' && el.textContent.trim() === 'Add user'").await;
        press(&c, ENTER).await;
        see(&c, "Ana Silva can now sign in").await;
        // The form is gone; its result has the focus, not the page's top.
        focused_on(&c, "temporary-password-heading").await;
        tab_to(&c, "el.textContent.trim() === 'Done'").await;
        press(&c, ENTER).await;
        assert!(!visible(&c, "//*[@id='add-user']").await);

        // Select Ana, tick Admin agent, Update: focus follows the work.
        tab_to(&c, "el.textContent.trim() === 'Ana Silva'").await;
        press(&c, ENTER).await;
        find(&c, "//form[@id='role-editor']").await;
        focused_on(&c, "role-editor-heading").await;
        tab_to(&c, "el.id === 'edit-role-admin_agent'").await;
        press(&c, " ").await;
        tab_to(&c, "el.textContent.trim() === 'Update'").await;
        press(&c, ENTER).await;
        see(&c, "The roles of Ana Silva were updated.").await;
        find(&c, "//tr[@data-user='ana@contoso.com']/td[normalize-space(.)='Admin agent, Report viewer']").await;
        focused_on(&c, "users-range").await;

        // Shift+Tab goes back the way it came, into the search box. (Tab
        // onwards would leave the page for the browser's own controls.)
        shift_tab_to(&c, "el.id === 'users-q'").await;
        press(&c, "ana").await;
        see(&c, "Showing 1–1 of 1 users").await;
        find(&c, "//tr[@data-user='ana@contoso.com']").await;
        press(&c, SHIFT_TAB).await;
        let back = c
            .execute("return document.activeElement.textContent.trim()", vec![])
            .await
            .unwrap();
        assert_eq!(back, json!("Add user"), "Shift+Tab goes back to the control before");

        // Remove Ana: the editor asks first, then the list no longer has her.
        tab_to(&c, "el.textContent.trim() === 'Ana Silva'").await;
        press(&c, ENTER).await;
        tab_to(&c, "el.textContent.trim() === 'Remove user'").await;
        press(&c, ENTER).await;
        tab_to(&c, "el.textContent.trim() === 'Yes, remove'").await;
        press(&c, ENTER).await;
        see(&c, "Ana Silva was removed.").await;
        see(&c, "No users match your search.").await;
        assert!(!visible(&c, "//tr[@data-user='ana@contoso.com']").await);
    })
    .await;
}

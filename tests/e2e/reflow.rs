//! Reflow (WCAG 1.4.10): at 320 CSS pixels wide — a 1280 px window at
//! 400 % zoom — every route and state reads without horizontal scrolling,
//! in both languages. On the same sweep, nothing on any page moves (no
//! animation, no transition), so `prefers-reduced-motion` has nothing
//! left to reduce.
//!
//! The app runs in a 320 px wide frame of its own origin: its media
//! queries and layout see a 320 px viewport, as they would at 400 % zoom,
//! in every engine (headless Firefox windows stop at 500 px and WebKitGTK's
//! at 447 px, so a narrow window cannot be had everywhere).

use fantoccini::Client;
use serde_json::json;

use crate::*;

struct Sweep {
    pages: usize,
    problems: Vec<String>,
}

impl Sweep {
    /// Checks the page once `ready` (an XPath) is visible.
    async fn check(&mut self, c: &Client, state: &str, ready: &str) {
        find(c, ready).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        self.pages += 1;
        let found = c
            .execute(
                "const doc = document.documentElement;
                 const width = doc.clientWidth;
                 const out = [];
                 if (doc.scrollWidth > width) {
                   const wide = [...document.querySelectorAll('body *')]
                     .filter(el => el.getBoundingClientRect().right > width + 0.5
                                && !el.closest('.table-wrap, .agreement-text'))
                     .slice(0, 5)
                     .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                                + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
                                + ' ends at ' + Math.round(el.getBoundingClientRect().right));
                   out.push('scrolls sideways: ' + doc.scrollWidth + ' px wide in ' + width + ' px: ' + wide.join(', '));
                 }
                 if (document.getAnimations().length) out.push(document.getAnimations().length + ' animations');
                 const moving = [...document.querySelectorAll('*')].filter(el => {
                   const s = getComputedStyle(el);
                   return s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
                       || (s.animationName && s.animationName !== 'none');
                 }).slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + el.className);
                 if (moving.length) out.push('moves: ' + moving.join(', '));
                 return out;",
                vec![],
            )
            .await
            .unwrap();
        for p in found.as_array().unwrap() {
            self.problems
                .push(format!("[{state}] {}", p.as_str().unwrap_or_default()));
        }
    }
}

/// Opens `path` of the app in a fresh 320 × 800 frame of a same-origin page
/// (the server's development mailbox), and works inside it from then on.
async fn open(c: &Client, url: &str, path: &str) {
    c.enter_parent_frame().await.unwrap();
    let here = c.current_url().await.unwrap();
    if !here.as_str().ends_with("/dev/mailbox") {
        c.goto(&format!("{url}/dev/mailbox")).await.unwrap();
    }
    c.execute(
        "const f = document.createElement('iframe');
         f.style.cssText = 'width: 320px; height: 800px; border: 0; display: block';
         f.src = arguments[0];
         document.body.replaceChildren(f);",
        vec![json!(path)],
    )
    .await
    .unwrap();
    c.enter_frame(0).await.unwrap();
}

async fn narrow(lang: &'static str) {
    let args = [
        "--operator-token",
        OPERATOR_TOKEN,
        "--frame-ancestors",
        "'self'",
    ];
    e2e_with(lang, &args, move |c, server| async move {
        let url = server.lock().await.url();
        open(&c, &url, "/enroll").await;
        find(&c, "//h1").await;
        let inner = c
            .execute("return document.documentElement.clientWidth", vec![])
            .await
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(
            inner <= 320.0,
            "the app's viewport is {inner} px wide, not 320"
        );
        let mut s = Sweep {
            pages: 0,
            problems: vec![],
        };
        let errors = "//*[contains(@class,'error-summary') and not(@hidden)]//a";
        for path in [
            "/enroll",
            "/enroll/account",
            "/enroll/account?mode=create",
            "/nowhere",
        ] {
            open(&c, &url, path).await;
            s.check(&c, path, "//h1").await;
            if path.starts_with("/enroll/account") {
                click_submit(&c).await;
                s.check(&c, &format!("{path} with errors"), errors).await;
            }
        }

        let session = server
            .lock()
            .await
            .create_account("contoso.com", "mei@contoso.com")
            .await;
        c.enter_parent_frame().await.unwrap();
        use_session(&c, &url, &session).await;
        open(&c, &url, "/enroll/company").await;
        find(&c, "//select[@id='field-country']")
            .await
            .select_by_value("TW")
            .await
            .unwrap();
        find(&c, "//input[@name='mode' and @value='manual']")
            .await
            .click()
            .await
            .unwrap();
        click_submit(&c).await;
        s.check(&c, "company step with errors", errors).await;
        // The app saves what was typed 0.7 s after the last change; wait
        // until that save is in and no other follows, so none can land
        // after (and over) the draft put here.
        server_draft_until(
            &server,
            &session,
            std::time::Duration::from_millis(900),
            "the typed draft never settled on the server",
            |last, d| d["profile"]["country"] == "TW" && d == last,
        )
        .await;
        let draft = json!({"profile": enroll_body()["profile"], "contact": enroll_body()["contact"],
                           "profile_done": true, "contact_done": true});
        let (status, body) = server
            .lock()
            .await
            .call("PUT", "/enrollment/draft", &session, Some(draft))
            .await;
        assert_eq!(status, 200, "{body}");
        open(&c, &url, "/enroll/contact").await;
        s.check(&c, "contact step", "//input[@id='field-email']")
            .await;
        open(&c, &url, "/enroll/review").await;
        s.check(
            &c,
            "check your answers",
            "//button[contains(@class,'button--primary')]",
        )
        .await;

        let (status, body) = server
            .lock()
            .await
            .call("POST", "/enrollment", &session, Some(enroll_body()))
            .await;
        assert_eq!(status, 201, "{body}");
        let mpn = body["mpn_id"].as_str().unwrap().to_owned();
        open(&c, &url, "/enroll/agreement").await;
        find(&c, "//*[contains(@class,'agreement-text')]").await;
        click_submit(&c).await;
        s.check(&c, "agreement step with errors", errors).await;
        accept_agreement(&*server.lock().await, &session).await;
        open(&c, &url, "/enroll/done").await;
        s.check(&c, "confirmation", "//*[contains(@class,'mpn-id')]")
            .await;

        server
            .lock()
            .await
            .review(
                &mpn,
                "business",
                json!({"decision": "reject", "reason": "The address differs from the registry's."}),
            )
            .await;
        open(&c, &url, "/dashboard").await;
        s.check(
            &c,
            "overview with a rejection",
            "//li[@id='check-business']//a",
        )
        .await;
        open(&c, &url, "/dashboard/settings/partner-profile?fix=business").await;
        s.check(
            &c,
            "partner profile, fix now",
            "//input[@id='field-document']",
        )
        .await;
        open(&c, &url, "/dashboard/agreements/mpn").await;
        s.check(
            &c,
            "accepted agreement",
            "//a[contains(@href,'accepted.pdf')]",
        )
        .await;
        open(&c, &url, "/dashboard/settings/users").await;
        s.check(&c, "user management", "//table").await;
        find(&c, "//button[@aria-controls='add-user']")
            .await
            .click()
            .await
            .unwrap();
        click_submit(&c).await;
        s.check(&c, "add user with errors", errors).await;
        // Far down the narrow frame, below the add-user form: a click from
        // the page itself (WebKit's driver does not always scroll a frame
        // to what it clicks).
        find(&c, "//tr[@data-user='mei@contoso.com']//button").await;
        c.execute(
            "document.querySelector(\"tr[data-user='mei@contoso.com'] button\").click()",
            vec![],
        )
        .await
        .unwrap();
        s.check(&c, "role editor", "//form[@id='role-editor']")
            .await;

        println!(
            "reflow at 320 px ({lang}): {} pages and states, {} problems",
            s.pages,
            s.problems.len()
        );
        assert!(s.problems.is_empty(), "{}", s.problems.join("\n"));
    })
    .await;
}

#[tokio::test]
async fn every_page_reflows_at_320_px_in_english() {
    narrow("en-US").await;
}

#[tokio::test]
async fn every_page_reflows_at_320_px_in_traditional_chinese() {
    narrow("zh-TW").await;
}

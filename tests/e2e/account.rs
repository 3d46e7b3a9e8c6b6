//! The work-account step: create, sign in and out, errors, languages, a
//! server that goes away.

use fantoccini::Locator;
use serde_json::json;

use crate::*;

#[tokio::test]
async fn welcome_create_account_reload_sign_out_and_sign_in_again() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll")).await.unwrap();
        heading(&c, "Enroll in Partner Center").await;
        see(&c, "The authority to sign legal agreements").await;
        link(&c, "Next").await.click().await.unwrap();

        heading(&c, "Work account").await;
        link(&c, "Create one").await.click().await.unwrap();
        find(&c, "//h2[normalize-space(.)='Create a work account']").await;
        fill_create_form(&c, "contoso.com", "mei@contoso.com").await;
        button(&c, "Create account").await.click().await.unwrap();

        see(&c, "You're signed in as Mei-Ling 陳.").await;
        see(&c, "Global admin").await;
        see(&c, "mei@contoso.com").await;
        button(&c, "Sign out").await;

        // The session survives a reload.
        c.refresh().await.unwrap();
        see(&c, "You're signed in as Mei-Ling 陳.").await;

        button(&c, "Sign out").await.click().await.unwrap();
        heading(&c, "Work account").await;
        find(&c, "//h2[normalize-space(.)='Sign in']").await;
        assert!(!visible(&c, "//button[normalize-space(.)='Sign out']").await);
        c.refresh().await.unwrap();
        find(&c, "//h2[normalize-space(.)='Sign in']").await;

        fill(&c, "Work email", "MEI@contoso.com").await;
        fill(&c, "Password", PASSWORD).await;
        button(&c, "Sign in").await.click().await.unwrap();
        see(&c, "You're signed in as Mei-Ling 陳.").await;
    })
    .await;
}

#[tokio::test]
async fn wrong_password_is_refused_and_focus_moves_to_the_error_summary() {
    e2e("en-US", |c, server| async move {
        let s = server.lock().await;
        let _ = s.create_account("fabrikam.com", "li@fabrikam.com").await;
        let url = s.url();
        drop(s);
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        fill(&c, "Work email", "li@fabrikam.com").await;
        fill(&c, "Password", "not-the-right-one").await;
        button(&c, "Sign in").await.click().await.unwrap();
        see(&c, "The email or password is incorrect.").await;
        focused_on(&c, "error-summary").await;
        // An unknown email reads exactly the same.
        fill(&c, "Work email", "nobody@fabrikam.com").await;
        button(&c, "Sign in").await.click().await.unwrap();
        see(&c, "The email or password is incorrect.").await;
        assert!(!visible(&c, "//button[normalize-space(.)='Sign out']").await);
    })
    .await;
}

#[tokio::test]
async fn consumer_email_is_refused_in_the_browser_and_by_the_server() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll/account?mode=create"))
            .await
            .unwrap();
        fill_create_form(&c, "contoso.com", "mei@gmail.com").await;
        button(&c, "Create account").await.click().await.unwrap();
        let msg = "Use your work email, not a personal mailbox such as Gmail or Outlook.com.";
        find(
            &c,
            &format!(
                "//div[contains(@class,'error-summary')]//a[normalize-space(.)={}]",
                lit(msg)
            ),
        )
        .await;
        let email = field(&c, "Work email").await;
        assert_eq!(
            email.attr("aria-invalid").await.unwrap().as_deref(),
            Some("true")
        );
        let described = email.attr("aria-describedby").await.unwrap().unwrap();
        assert!(described.contains("field-email-error"), "{described}");
        // Nothing was created: the browser refused before sending.
        let (status, body) = server
            .lock()
            .await
            .post(
                "/session",
                json!({"email": "mei@gmail.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 401, "{body}");

        // The server refuses it too, whatever the client.
        let (status, body) = server
            .lock()
            .await
            .post(
                "/accounts",
                json!({"company_domain": "contoso.com", "first_name": "Mei", "last_name": "Chen",
                       "email": "mei@gmail.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 422);
        assert_eq!(body["errors"]["email"][0]["code"], "email_consumer");
    })
    .await;
}

#[tokio::test]
async fn an_empty_submit_lists_every_problem_and_each_link_focuses_its_field() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll/account?mode=create"))
            .await
            .unwrap();
        button(&c, "Create account").await.click().await.unwrap();
        find(&c, "//h2[normalize-space(.)='There is a problem']").await;
        focused_on(&c, "error-summary").await;
        let links = c
            .find_all(Locator::XPath("//div[contains(@class,'error-summary')]//a"))
            .await
            .unwrap();
        assert_eq!(links.len(), 5, "one entry per field");
        links[3].click().await.unwrap();
        focused_on(&c, "field-email").await;
        // Fixing a field clears its error as the user types.
        fill(&c, "Company domain", "contoso.com").await;
        let domain = field(&c, "Company domain").await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while domain.attr("aria-invalid").await.unwrap().as_deref() != Some("false") {
            assert!(
                tokio::time::Instant::now() < deadline,
                "error did not clear"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
}

#[tokio::test]
async fn deep_links_load_and_unknown_routes_show_the_not_found_page() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        heading(&c, "Work account").await;
        assert_eq!(c.title().await.unwrap(), "Work account – Partner Center");

        c.goto(&format!("{url}/enroll/no-such-step")).await.unwrap();
        heading(&c, "We can't find that page").await;
        link(&c, "Go to the start of enrollment")
            .await
            .click()
            .await
            .unwrap();
        heading(&c, "Enroll in Partner Center").await;
        assert!(c.current_url().await.unwrap().path().ends_with("/enroll"));
    })
    .await;
}

#[tokio::test]
async fn switching_to_traditional_chinese_translates_and_is_remembered() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll/account?mode=create"))
            .await
            .unwrap();
        heading(&c, "Work account").await;
        let select = find(
            &c,
            "//select[ancestor::label[contains(normalize-space(.), 'Language')]]",
        )
        .await;
        select.select_by_value("zh-TW").await.unwrap();
        heading(&c, "公司帳戶").await;
        find(&c, "//label[normalize-space(.)='公司網域']").await;
        let lang = c
            .execute("return document.documentElement.lang", vec![])
            .await
            .unwrap();
        assert_eq!(lang, "zh-TW");
        c.refresh().await.unwrap();
        heading(&c, "公司帳戶").await;
        // Errors come in the same language.
        button(&c, "建立帳戶").await.click().await.unwrap();
        see(&c, "有些地方需要修正").await;
    })
    .await;
}

#[tokio::test]
async fn a_chinese_browser_gets_traditional_chinese_at_first_visit() {
    e2e("zh-TW", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll")).await.unwrap();
        heading(&c, "註冊合作夥伴中心").await;
    })
    .await;
}

#[tokio::test]
async fn server_down_shows_a_banner_with_retry_and_keeps_the_answers() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll/account?mode=create"))
            .await
            .unwrap();
        fill_create_form(&c, "northwind.example.com", "ana@northwind.example.com").await;
        server.lock().await.stop().await;
        button(&c, "Create account").await.click().await.unwrap();
        see(&c, "We couldn't reach Partner Center.").await;
        see(&c, "Nothing you typed has been lost.").await;
        assert_eq!(value(&c, "Company domain").await, "northwind.example.com");
        assert_eq!(value(&c, "Work email").await, "ana@northwind.example.com");
        assert_eq!(value(&c, "Password").await, PASSWORD);

        server.lock().await.spawn().await;
        button(&c, "Try again").await.click().await.unwrap();
        see(&c, "You're signed in as Mei-Ling 陳.").await;
        assert!(!visible(&c, "//button[normalize-space(.)='Try again']").await);
    })
    .await;
}

#[tokio::test]
async fn typed_account_answers_survive_a_reload_but_never_the_password() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll/account?mode=create"))
            .await
            .unwrap();
        fill_create_form(&c, "contoso.com", "mei@contoso.com").await;
        c.refresh().await.unwrap();
        find(&c, "//h2[normalize-space(.)='Create a work account']").await;
        assert_eq!(value(&c, "Company domain").await, "contoso.com");
        assert_eq!(value(&c, "Last name").await, "陳");
        assert_eq!(value(&c, "Work email").await, "mei@contoso.com");
        assert_eq!(value(&c, "Password").await, "");
        let stored = c
            .execute(
                "return JSON.stringify(Object.assign({}, localStorage))",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            !stored.as_str().unwrap().contains(PASSWORD),
            "the password was stored: {stored}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_broken_runtime_config_shows_a_readable_page_not_a_blank_one() {
    let dist = dist_with_config("{\"apiBaseUrl\": ");
    let path = dist.path().to_path_buf();
    e2e_full("en-US", &[], path, |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll")).await.unwrap();
        heading(&c, "Partner Center could not start").await;
        see(&c, "config.json is not valid").await;
    })
    .await;
    drop(dist);
}

#[tokio::test]
async fn the_runtime_config_limits_the_languages_offered() {
    let dist = dist_with_config(r#"{"allowedLocales": ["zh-TW"], "defaultLocale": "zh-TW"}"#);
    let path = dist.path().to_path_buf();
    e2e_full("en-US", &[], path, |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll")).await.unwrap();
        // An English browser, but this deployment offers Traditional Chinese only.
        heading(&c, "註冊合作夥伴中心").await;
        let options = c
            .execute(
                "return document.querySelectorAll('header select option').length",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(options, 1);
    })
    .await;
    drop(dist);
}

#[tokio::test]
async fn a_user_added_by_an_admin_chooses_a_password_at_first_sign_in() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        let temp = {
            let s = server.lock().await;
            let admin = s.create_account("contoso.com", "mei@contoso.com").await;
            let (status, body) = s
                .call(
                    "POST",
                    "/users",
                    &admin,
                    Some(json!({"first_name": "Ana", "last_name": "Silva",
                                "email": "ana@contoso.com", "roles": ["report_viewer"]})),
                )
                .await;
            assert_eq!(status, 201, "{body}");
            body["temporary_password"].as_str().unwrap().to_owned()
        };
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        fill(&c, "Work email", "ana@contoso.com").await;
        fill(&c, "Password", &temp).await;
        button(&c, "Sign in").await.click().await.unwrap();
        find(&c, "//h2[normalize-space(.)='Choose your own password']").await;

        // No other step opens before the password is chosen.
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        find(&c, "//h2[normalize-space(.)='Choose your own password']").await;
        heading(&c, "Work account").await;

        button(&c, "Save password").await.click().await.unwrap();
        see(&c, "There is a problem").await;
        fill(&c, "Temporary password", "not-the-one").await;
        fill(&c, "New password", "copper-lantern-42-river").await;
        button(&c, "Save password").await.click().await.unwrap();
        see(&c, "Your current password is not correct.").await;
        fill(&c, "Temporary password", &temp).await;
        button(&c, "Save password").await.click().await.unwrap();
        see(&c, "You're signed in as Ana Silva.").await;

        c.refresh().await.unwrap();
        see(&c, "You're signed in as Ana Silva.").await;
        button(&c, "Sign out").await.click().await.unwrap();
        fill(&c, "Work email", "ana@contoso.com").await;
        fill(&c, "Password", "copper-lantern-42-river").await;
        button(&c, "Sign in").await.click().await.unwrap();
        see(&c, "You're signed in as Ana Silva.").await;
    })
    .await;
}

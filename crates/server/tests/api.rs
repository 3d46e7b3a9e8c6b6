//! The HTTP interface exercised in process (no sockets): every rule the
//! server enforces for the work-account step.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

#[tokio::test]
async fn health_answers_ok_with_the_database() {
    let t = test_app().await;
    let a = t.call("GET", "/api/v1/health", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["status"], "ok");
}

#[tokio::test]
async fn openapi_document_describes_every_endpoint() {
    let t = test_app().await;
    let a = t.call("GET", "/api/v1/openapi.json", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let paths = a.body["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v1/health", "get"),
        ("/api/v1/openapi.json", "get"),
        ("/api/v1/accounts", "post"),
        ("/api/v1/session", "get"),
        ("/api/v1/session", "post"),
        ("/api/v1/session", "delete"),
    ] {
        assert!(paths[path].get(method).is_some(), "{method} {path} missing");
    }
    assert!(a.body["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn create_one_makes_a_global_admin_and_signs_in() {
    let t = test_app().await;
    let a = t.create("Contoso.com", "Mei@Contoso.com").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let set_cookie = a.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"));
    assert_eq!(a.body["tenant"]["domain"], "contoso.com");
    assert_eq!(a.body["user"]["email"], "mei@contoso.com");
    assert_eq!(a.body["user"]["roles"], json!(["global_admin"]));

    let cookie = a.cookie().unwrap();
    let s = t.call("GET", "/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(s.status, StatusCode::OK);
    assert_eq!(s.body["user"]["last_name"], "陳");
    // The password never comes back.
    assert!(!s.body.to_string().contains("kettle"));
}

#[tokio::test]
async fn consumer_email_is_refused_by_the_server() {
    let t = test_app().await;
    let a = t.create("contoso.com", "mei@gmail.com").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
    assert_eq!(a.field_code("email"), "email_consumer");
    assert!(a.body["errors"]["email"][0]["message"]
        .as_str()
        .unwrap()
        .contains("work email"));
}

#[tokio::test]
async fn every_field_rule_is_enforced() {
    let t = test_app().await;
    let body = json!({
        "company_domain": "contoso",
        "first_name": "",
        "last_name": "R2D2",
        "email": "mei@fabrikam.com",
        "password": "Password123!",
    });
    let a = t.call("POST", "/api/v1/accounts", Some(body), None).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.field_code("company_domain"), "domain_invalid");
    assert_eq!(a.field_code("first_name"), "required");
    assert_eq!(a.field_code("last_name"), "name_invalid_chars");
    assert_eq!(a.field_code("password"), "password_common");
}

#[tokio::test]
async fn malformed_bodies_get_field_level_problems_never_500() {
    let t = test_app().await;
    let mut extra = account("contoso.com", "mei@contoso.com");
    extra["is_admin"] = json!(true);
    let a = t.call("POST", "/api/v1/accounts", Some(extra), None).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.field_code("is_admin"), "unknown_field");

    let mut wrong = account("contoso.com", "mei@contoso.com");
    wrong["password"] = json!(12345678901234u64);
    let a = t.call("POST", "/api/v1/accounts", Some(wrong), None).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.field_code("password"), "invalid_type");

    let a = t
        .send(
            Request::post("/api/v1/session")
                .header("x-requested-with", "partner-center")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{\"email\":"))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST);
    assert_eq!(a.body["code"], "malformed_json");

    let a = t
        .send(
            Request::post("/api/v1/session")
                .header("x-requested-with", "partner-center")
                .body(Body::from("email=x"))
                .unwrap(),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_413() {
    let t = test_app().await;
    let mut big = account("contoso.com", "mei@contoso.com");
    big["first_name"] = json!("a".repeat(100 * 1024));
    let a = t.call("POST", "/api/v1/accounts", Some(big), None).await;
    assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(a.body["code"], "payload_too_large");
}

#[tokio::test]
async fn a_domain_has_one_work_account() {
    let t = test_app().await;
    assert_eq!(
        t.create("contoso.com", "mei@contoso.com").await.status,
        StatusCode::CREATED
    );
    let a = t.create("contoso.com", "li@contoso.com").await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.field_code("company_domain"), "domain_taken");
}

#[tokio::test]
async fn sign_in_gives_a_new_session_and_sign_out_ends_it() {
    let t = test_app().await;
    let first = t
        .create("contoso.com", "mei@contoso.com")
        .await
        .cookie()
        .unwrap();
    let creds = json!({"email": " MEI@contoso.com", "password": "blue-kettle-71-orbit"});
    let a = t
        .call("POST", "/api/v1/session", Some(creds), Some(&first))
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let second = a.cookie().unwrap();
    assert_ne!(first, second);
    // The session carried into sign-in is gone.
    assert_eq!(
        t.call("GET", "/api/v1/session", None, Some(&first))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.call("GET", "/api/v1/session", None, Some(&second))
            .await
            .status,
        StatusCode::OK
    );

    let out = t
        .call("DELETE", "/api/v1/session", None, Some(&second))
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert!(out.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    let after = t.call("GET", "/api/v1/session", None, Some(&second)).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(after.body["code"], "unauthenticated");
}

#[tokio::test]
async fn wrong_password_and_unknown_email_get_the_same_answer() {
    let t = test_app().await;
    t.create("contoso.com", "mei@contoso.com").await;
    let wrong_pw = t
        .call(
            "POST",
            "/api/v1/session",
            Some(json!({"email": "mei@contoso.com", "password": "not-the-password"})),
            None,
        )
        .await;
    let no_user = t
        .call(
            "POST",
            "/api/v1/session",
            Some(json!({"email": "nobody@contoso.com", "password": "not-the-password"})),
            None,
        )
        .await;
    assert_eq!(wrong_pw.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_pw.status, no_user.status);
    assert_eq!(wrong_pw.body, no_user.body);
    assert!(wrong_pw.headers.get(header::SET_COOKIE).is_none());
}

#[tokio::test]
async fn repeated_sign_in_failures_are_rate_limited_with_retry_after() {
    let t = test_app_with(|c| c.sign_in_burst = 3).await;
    let creds = json!({"email": "mei@contoso.com", "password": "guess-guess-guess"});
    for _ in 0..3 {
        let a = t
            .call("POST", "/api/v1/session", Some(creds.clone()), None)
            .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    }
    let a = t.call("POST", "/api/v1/session", Some(creds), None).await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = a.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry >= 1);
    assert_eq!(a.body["code"], "rate_limited");
}

#[tokio::test]
async fn account_creation_is_rate_limited_per_client() {
    let t = test_app_with(|c| c.create_account_burst = 2).await;
    assert_eq!(
        t.create("a-corp.com", "x@a-corp.com").await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        t.create("b-corp.com", "x@b-corp.com").await.status,
        StatusCode::CREATED
    );
    let a = t.create("c-corp.com", "x@c-corp.com").await;
    assert_eq!(a.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(a.headers.get(header::RETRY_AFTER).is_some());
}

#[tokio::test]
async fn idle_sessions_expire() {
    let t = test_app_with(|c| c.session_idle_minutes = 30).await;
    let cookie = t
        .create("contoso.com", "mei@contoso.com")
        .await
        .cookie()
        .unwrap();
    sqlx::query("UPDATE sessions SET last_seen_at = last_seen_at - 3600")
        .execute(&t.db)
        .await
        .unwrap();
    let a = t.call("GET", "/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_end_at_the_absolute_limit_even_when_active() {
    let t = test_app_with(|c| c.session_max_hours = 1).await;
    let cookie = t
        .create("contoso.com", "mei@contoso.com")
        .await
        .cookie()
        .unwrap();
    sqlx::query("UPDATE sessions SET created_at = created_at - 7200")
        .execute(&t.db)
        .await
        .unwrap();
    let a = t.call("GET", "/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(a.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn unknown_api_paths_are_problem_json_404() {
    let t = test_app().await;
    let a = t.call("GET", "/api/v1/nothing-here", None, None).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/problem+json");
}

#[tokio::test]
async fn the_app_is_served_with_fallback_compression_and_caching() {
    let dist = tempfile::tempdir().unwrap();
    let p = dist.path();
    std::fs::write(p.join("index.html"), "<!doctype html><title>PC</title>").unwrap();
    std::fs::write(p.join("app-0123456789abcdef_bg.wasm"), b"\0asm").unwrap();
    std::fs::write(p.join("app-0123456789abcdef_bg.wasm.br"), b"brotli!").unwrap();
    let dist_path = p.to_path_buf();
    let t = test_app_with(move |c| c.dist = Some(dist_path)).await;

    let res = t
        .router
        .clone()
        .oneshot(Request::get("/enroll/account").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("<title>PC</title>"));

    let res = t
        .router
        .clone()
        .oneshot(
            Request::get("/app-0123456789abcdef_bg.wasm")
                .header(header::ACCEPT_ENCODING, "gzip, br")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(res.headers()[header::CONTENT_ENCODING], "br");
    assert!(res.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("immutable"));

    let res = t
        .router
        .clone()
        .oneshot(
            Request::get("/missing-file.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// A build with static pages: each route's page in the visitor's language.
#[tokio::test]
async fn each_route_gets_its_static_page_in_the_visitors_language() {
    let dist = tempfile::tempdir().unwrap();
    let p = dist.path();
    let page = |file: &str, text: &str| {
        let f = p.join(file);
        std::fs::create_dir_all(f.parent().unwrap()).unwrap();
        std::fs::write(f, text).unwrap();
    };
    page("index.html", "shell");
    for (dir, welcome, account, create, verify, missing) in [
        ("", "Welcome", "Sign in", "Create", "Verify", "Not found"),
        (
            "en-US/",
            "Welcome",
            "Sign in",
            "Create",
            "Verify",
            "Not found",
        ),
        ("zh-TW/", "歡迎", "登入", "建立", "確認", "找不到"),
    ] {
        page(&format!("{dir}enroll/index.html"), welcome);
        page(&format!("{dir}enroll/account/index.html"), account);
        page(&format!("{dir}enroll/account/create.html"), create);
        page(&format!("{dir}verify-email/index.html"), verify);
        page(&format!("{dir}404.html"), missing);
    }
    let dist_path = p.to_path_buf();
    let t = test_app_with(move |c| c.dist = Some(dist_path)).await;
    let get = |path: &str, headers: &[(&str, &str)]| {
        let mut req = Request::get(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let router = t.router.clone();
        let req = req.body(Body::empty()).unwrap();
        async move {
            let res = router.oneshot(req).await.unwrap();
            let status = res.status();
            let lang = res
                .headers()
                .get(header::CONTENT_LANGUAGE)
                .map(|v| v.to_str().unwrap().to_owned());
            let vary = res.headers()[header::VARY].to_str().unwrap().to_owned();
            let body = res.into_body().collect().await.unwrap().to_bytes();
            (
                status,
                String::from_utf8_lossy(&body).into_owned(),
                lang,
                vary,
            )
        }
    };
    let zh = [("accept-language", "zh-TW,zh;q=0.9,en;q=0.8")];
    let (status, body, lang, vary) = get("/enroll", &zh).await;
    assert_eq!(
        (status, body.as_str(), lang.as_deref()),
        (StatusCode::OK, "歡迎", Some("zh-TW"))
    );
    assert!(
        vary.contains("Accept-Language") && vary.contains("Cookie"),
        "{vary}"
    );
    assert_eq!(
        get("/enroll", &[("accept-language", "fr-FR")]).await.1,
        "Welcome"
    );
    assert_eq!(get("/enroll", &[]).await.1, "Welcome");
    assert_eq!(get("/", &zh).await.1, "歡迎");
    // The person's own choice wins over the browser's languages.
    assert_eq!(
        get(
            "/enroll/account",
            &[
                ("accept-language", "zh-TW"),
                ("cookie", "a=b; pc-locale=en-US")
            ]
        )
        .await
        .1,
        "Sign in"
    );
    assert_eq!(
        get(
            "/enroll/account?mode=create",
            &[("cookie", "pc-locale=zh-TW")]
        )
        .await
        .1,
        "建立"
    );
    assert_eq!(get("/verify-email/abc123", &zh).await.1, "確認");
    let (status, body, ..) = get("/no/such/page", &zh).await;
    assert_eq!((status, body.as_str()), (StatusCode::NOT_FOUND, "找不到"));
    // A route without a page of its own in this build: the shell.
    assert_eq!(get("/dashboard", &zh).await.1, "shell");
    // Odd headers are ignored, not errors.
    let (status, body, ..) = get(
        "/enroll",
        &[
            ("accept-language", ";;q=,zh;q=x"),
            ("cookie", "pc-locale=../../etc"),
        ],
    )
    .await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "Welcome"));
}

#[tokio::test]
async fn a_forged_cross_site_post_is_refused() {
    let t = test_app().await;
    // A form on another site: no custom header, cross-site metadata.
    let forged = Request::post("/api/v1/accounts")
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(
            account("contoso.com", "mei@contoso.com").to_string(),
        ))
        .unwrap();
    let a = t.send(forged).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.body["code"], "csrf_refused");
    // Even with the header, another site's origin is refused.
    let scripted = Request::post("/api/v1/session")
        .header("x-requested-with", "partner-center")
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://evil.example")
        .body(Body::from(r#"{"email":"a@b.co","password":"x"}"#))
        .unwrap();
    assert_eq!(t.send(scripted).await.status, StatusCode::FORBIDDEN);
    // Nothing was created.
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
        .fetch_one(&t.db)
        .await
        .unwrap();
    assert_eq!(count, 0);
}

#[tokio::test]
async fn cors_grants_credentials_to_allowed_origins_only() {
    let t = test_app_with(|c| c.cors_origins = vec!["https://portal.contoso.com".into()]).await;
    let preflight = |origin: &str| {
        Request::builder()
            .method("OPTIONS")
            .uri("/api/v1/session")
            .header(header::ORIGIN, origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "content-type,x-requested-with",
            )
            .body(Body::empty())
            .unwrap()
    };
    let ok = t.send(preflight("https://portal.contoso.com")).await;
    assert_eq!(
        ok.headers["access-control-allow-origin"],
        "https://portal.contoso.com"
    );
    assert_eq!(ok.headers["access-control-allow-credentials"], "true");
    let no = t.send(preflight("https://evil.example")).await;
    assert!(no.headers.get("access-control-allow-origin").is_none());

    // The allowed origin may change state cross-site.
    let cross = Request::post("/api/v1/accounts")
        .header("x-requested-with", "partner-center")
        .header(header::CONTENT_TYPE, "application/json")
        .header("sec-fetch-site", "cross-site")
        .header(header::ORIGIN, "https://portal.contoso.com")
        .body(Body::from(
            account("contoso.com", "mei@contoso.com").to_string(),
        ))
        .unwrap();
    assert_eq!(t.send(cross).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn every_response_carries_the_strict_security_policy() {
    let t = test_app_with(|c| c.frame_ancestors = "'self' https://portal.contoso.com".into()).await;
    let a = t.call("GET", "/api/v1/health", None, None).await;
    let csp = a.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval';",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'self' https://portal.contoso.com",
    ] {
        assert!(csp.contains(part), "{part} missing from {csp}");
    }
    assert!(
        !csp.contains("'unsafe-inline'") && !csp.contains(" 'unsafe-eval'"),
        "{csp}"
    );
    assert_eq!(a.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(a.headers.get("permissions-policy").is_some());
    assert!(
        a.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
        "no HSTS on plain HTTP"
    );
    let tls = t
        .send(
            Request::get("/api/v1/health")
                .header("x-forwarded-proto", "https")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(tls.headers[header::STRICT_TRANSPORT_SECURITY]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

#[tokio::test]
async fn browsers_can_report_violations_without_the_app_header() {
    let t = test_app_with(|c| c.dev = true).await;
    let report = Request::post("/api/v1/csp-reports")
        .header(header::CONTENT_TYPE, "application/csp-report")
        .header("sec-fetch-site", "same-origin")
        .body(Body::from(
            r#"{"csp-report":{"violated-directive":"img-src"}}"#,
        ))
        .unwrap();
    assert_eq!(t.send(report).await.status, StatusCode::NO_CONTENT);
    let count = t.call("GET", "/api/v1/dev/csp-reports", None, None).await;
    assert_eq!(count.body["count"], 1);
}

#[tokio::test]
async fn an_empty_csp_report_is_refused_and_not_counted() {
    let t = test_app().await;
    let a = t.call("POST", "/api/v1/csp-reports", None, None).await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.body);
    assert_eq!(a.body["code"], "unreadable_body");
}

//! The server answers in the caller's language: problem+json in Traditional
//! Chinese for `Accept-Language: zh-TW`, English otherwise, with the same
//! codes either way.

mod common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::*;
use serde_json::{json, Value};

fn has_han(s: &str) -> bool {
    s.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))
}

/// No English sentence is left: every title, detail and field message has
/// Chinese in it.
fn all_chinese(body: &Value) -> Result<(), String> {
    let title = body["title"].as_str().unwrap_or_default();
    if !has_han(title) {
        return Err(format!("title {title:?}"));
    }
    if let Some(d) = body["detail"].as_str() {
        if !has_han(d) {
            return Err(format!("detail {d:?}"));
        }
    }
    if let Some(errors) = body["errors"].as_object() {
        for (field, list) in errors {
            for e in list.as_array().unwrap() {
                let m = e["message"].as_str().unwrap_or_default();
                if !has_han(m) {
                    return Err(format!("{field}: {m:?}"));
                }
            }
        }
    }
    Ok(())
}

async fn send(t: &TestApp, method: &str, path: &str, body: Option<&str>, lang: &str) -> Answer {
    let mut b = Request::builder()
        .method(method)
        .uri(path)
        .header("x-requested-with", "partner-center")
        .header(header::ACCEPT_LANGUAGE, lang);
    if body.is_some() {
        b = b.header(header::CONTENT_TYPE, "application/json");
    }
    t.send(
        b.body(body.map(|s| Body::from(s.to_owned())).unwrap_or_default())
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn problems_come_in_traditional_chinese_when_asked() {
    let t = test_app_with(|c| c.sign_in_burst = 2).await;
    let bad_account = json!({"company_domain": "gmail.com", "first_name": "", "last_name": "陳",
                             "email": "mei@gmail.com", "password": "short"})
    .to_string();
    let wrong = json!({"email": "mei@contoso.com", "password": "guess-guess-guess"}).to_string();
    let cases: Vec<(&str, &str, Option<&str>, u16)> = vec![
        ("POST", "/api/v1/accounts", Some(bad_account.as_str()), 422),
        (
            "POST",
            "/api/v1/accounts",
            Some("{\"company_domain\": "),
            400,
        ),
        ("POST", "/api/v1/session", Some(wrong.as_str()), 401),
        ("GET", "/api/v1/partner-account", None, 401),
        ("GET", "/api/v1/countries/XX", None, 404),
        ("GET", "/api/v1/email-verification/no-such-token", None, 404),
        ("GET", "/api/v1/nothing-here", None, 404),
    ];
    for (method, path, body, status) in cases {
        let en = send(&t, method, path, body, "en-US,en;q=0.9").await;
        let zh = send(&t, method, path, body, "zh-TW,zh;q=0.9,en;q=0.8").await;
        assert_eq!(en.status.as_u16(), status, "{method} {path}: {}", en.body);
        assert_eq!(zh.status.as_u16(), status, "{method} {path}: {}", zh.body);
        assert_eq!(zh.headers[header::CONTENT_TYPE], "application/problem+json");
        assert_eq!(zh.headers[header::CONTENT_LANGUAGE], "zh-TW");
        if let Err(e) = all_chinese(&zh.body) {
            panic!(
                "{method} {path} left English in the Chinese answer: {e}\n{}",
                zh.body
            );
        }
        assert_eq!(zh.body["code"], en.body["code"], "{method} {path}");
        assert!(!has_han(en.body["title"].as_str().unwrap()), "{}", en.body);
        if status == 422 {
            assert_eq!(
                zh.body["errors"]["company_domain"][0]["code"],
                en.body["errors"]["company_domain"][0]["code"]
            );
        }
    }

    // Past the burst: rate limited, with the wait in the Chinese detail.
    let zh = send(&t, "POST", "/api/v1/session", Some(&wrong), "zh-TW").await;
    assert_eq!(zh.status, StatusCode::TOO_MANY_REQUESTS, "{}", zh.body);
    all_chinese(&zh.body).unwrap();
    let seconds = zh.headers[header::RETRY_AFTER].to_str().unwrap();
    assert!(
        zh.body["detail"].as_str().unwrap().contains(seconds),
        "{}",
        zh.body
    );
}

#[tokio::test]
async fn answers_that_are_not_problems_are_left_alone() {
    let t = test_app().await;
    let a = send(&t, "GET", "/api/v1/countries/TW", None, "zh-TW").await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.headers.get(header::CONTENT_LANGUAGE).is_none());
    assert_eq!(a.body["code"], "TW");
}

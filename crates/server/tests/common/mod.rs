//! Shared by the in-process API tests: a router on a fresh database, and
//! helpers to call it as a client would.
#![allow(dead_code)]

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use pc_server::{app, db, AppState, Config};
use serde_json::{json, Value};
use tower::ServiceExt;

pub struct TestApp {
    pub router: Router,
    pub db: db::Db,
    url: String,
    _dir: tempfile::TempDir,
}

/// Set by `cargo xtask test` to a PostgreSQL server's admin URL
/// (`postgres://user@host:port/postgres`): every test then gets a new
/// database of its own there instead of a SQLite file.
pub const POSTGRES_ENV: &str = "PC_TEST_POSTGRES_URL";

impl TestApp {
    /// The database the app uses, for another process to open.
    pub fn database_url(&self) -> String {
        self.url.clone()
    }

    pub fn backend(&self) -> db::Backend {
        db::Backend::of(&self.url).unwrap()
    }
}

/// A fresh, empty database URL: a SQLite file in `dir`, or a new database on
/// the PostgreSQL server named by `PC_TEST_POSTGRES_URL`.
pub async fn fresh_database(dir: &std::path::Path) -> String {
    match std::env::var(POSTGRES_ENV) {
        Ok(admin) if !admin.is_empty() => {
            use sqlx::Connection;
            sqlx::any::install_default_drivers();
            let name = format!("t_{}", uuid::Uuid::new_v4().simple());
            let mut conn = sqlx::AnyConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin}: {e}"));
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .unwrap();
            let (base, _) = admin.rsplit_once('/').expect("a URL ending in /database");
            format!("{base}/{name}")
        }
        _ => format!("sqlite://{}", dir.join("t.db").display()),
    }
}

pub async fn test_app_with(edit: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let mut config = Config::for_tests(&url);
    edit(&mut config);
    let pool = db::connect(&url).await.unwrap();
    TestApp {
        router: app(AppState::new(pool.clone(), config)),
        db: pool,
        url,
        _dir: dir,
    }
}

impl TestApp {
    /// An app on a pool of the caller's, e.g. one opened some other way.
    pub fn on(pool: db::Db, url: &str) -> TestApp {
        TestApp {
            router: app(AppState::new(pool.clone(), Config::for_tests(url))),
            db: pool,
            url: url.to_owned(),
            _dir: tempfile::tempdir().unwrap(),
        }
    }

    /// A second app on `other`'s database, through `pool`.
    pub fn sharing(other: &TestApp, pool: db::Db) -> TestApp {
        TestApp::on(pool, &other.url)
    }
}

pub async fn test_app() -> TestApp {
    test_app_with(|_| {}).await
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
}

impl Answer {
    pub fn cookie(&self) -> Option<String> {
        self.headers
            .get(header::SET_COOKIE)
            .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
    }
    pub fn field_code(&self, field: &str) -> &str {
        self.body["errors"][field][0]["code"].as_str().unwrap_or("")
    }
}

impl TestApp {
    pub async fn send(&self, req: Request<Body>) -> Answer {
        send_with(self.router.clone(), req).await
    }

    /// Creates a work account and returns its session cookie.
    pub async fn signed_in(&self, domain: &str, email: &str) -> String {
        let a = self.create(domain, email).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        a.cookie().unwrap()
    }

    pub async fn enroll(&self, cookie: &str, key: &str, body: Value) -> Answer {
        self.send(enroll_req(cookie, key, body)).await
    }

    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        cookie: Option<&str>,
    ) -> Answer {
        let mut b = Request::builder()
            .method(method)
            .uri(path)
            .header("x-requested-with", "partner-center");
        if let Some(c) = cookie {
            b = b.header(header::COOKIE, c);
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    pub async fn create(&self, domain: &str, email: &str) -> Answer {
        self.call(
            "POST",
            "/api/v1/accounts",
            Some(account(domain, email)),
            None,
        )
        .await
    }
}

pub fn account(domain: &str, email: &str) -> Value {
    json!({
        "company_domain": domain,
        "first_name": "Mei-Ling",
        "last_name": "陳",
        "email": email,
        "password": "blue-kettle-71-orbit",
    })
}

pub async fn send_with(router: Router, req: Request<Body>) -> Answer {
    let res = router.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

pub fn enroll_req(cookie: &str, key: &str, body: Value) -> Request<Body> {
    Request::post("/api/v1/enrollment")
        .header("x-requested-with", "partner-center")
        .header(header::COOKIE, cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key)
        .header(header::ACCEPT_LANGUAGE, "en-US")
        .body(Body::from(body.to_string()))
        .unwrap()
}

// ---- An enrolled company and the reviewer --------------------------------

pub const TOKEN: &str = "operator-token-0123456789abcdef0123456789";

pub fn enroll_body() -> Value {
    json!({
        "profile": {
            "country": "US", "legal_name": "Contoso Ltd.", "line1": "1 Contoso Way", "line2": "",
            "city": "Redmond", "state": "WA", "postal_code": "98052"
        },
        "contact": {"first_name": "Wei", "last_name": "Chen", "email": "wei@contoso.com", "phone": "(425) 555-0100"}
    })
}

pub async fn reviewer_app() -> TestApp {
    test_app_with(|c| c.operator_token = Some(TOKEN.into())).await
}

/// Enrolls contoso.com; returns the applicant's cookie and the MPN ID.
pub async fn enrolled(t: &TestApp) -> (String, String) {
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let a = t.enroll(&cookie, "key-review-1", enroll_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    (cookie, a.body["mpn_id"].as_str().unwrap().to_owned())
}

pub async fn admin(
    t: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> Answer {
    let mut b = Request::builder()
        .method(method)
        .uri(format!("/api/v1/admin{path}"));
    if let Some(tok) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {tok}"));
    }
    let req = match body {
        Some(v) => b
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(v.to_string()))
            .unwrap(),
        None => b.body(Body::empty()).unwrap(),
    };
    t.send(req).await
}

pub async fn decide(t: &TestApp, mpn: &str, check: &str, body: Value) -> Answer {
    admin(
        t,
        "POST",
        &format!("/partners/{mpn}/checks/{check}"),
        Some(TOKEN),
        Some(body),
    )
    .await
}

pub async fn partner(t: &TestApp, cookie: &str) -> Value {
    t.call("GET", "/api/v1/partner-account", None, Some(cookie))
        .await
        .body
}

pub async fn confirm_email(t: &TestApp) {
    let mail = pc_server::db::recent_mail(&t.db, 20).await.unwrap();
    let body = &mail
        .iter()
        .find(|m| m.body.contains("/verify-email/"))
        .unwrap()
        .body;
    let start = body.find("/verify-email/").unwrap() + "/verify-email/".len();
    let token = body[start..].split_whitespace().next().unwrap();
    let a = t
        .call(
            "POST",
            &format!("/api/v1/email-verification/{token}/confirm"),
            None,
            None,
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

// ---- Users of a tenant ----------------------------------------------------

pub async fn sign_in(t: &TestApp, email: &str, password: &str) -> Answer {
    t.call(
        "POST",
        "/api/v1/session",
        Some(json!({"email": email, "password": password})),
        None,
    )
    .await
}

pub async fn add(t: &TestApp, admin: &str, email: &str, roles: Value) -> Answer {
    t.call(
        "POST",
        "/api/v1/users",
        Some(json!({"first_name": "Ana", "last_name": "Silva", "email": email, "roles": roles})),
        Some(admin),
    )
    .await
}

/// A user added by the admin, signed in with their own password; returns
/// (their id, their cookie).
pub async fn member(t: &TestApp, admin: &str, email: &str, roles: Value) -> (String, String) {
    let a = add(t, admin, email, roles).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let id = a.body["user"]["id"].as_str().unwrap().to_owned();
    let temp = a.body["temporary_password"].as_str().unwrap().to_owned();
    let s = sign_in(t, email, &temp).await;
    let cookie = s.cookie().unwrap();
    let c = t
        .call(
            "PUT",
            "/api/v1/session/password",
            Some(json!({"current_password": temp, "new_password": "copper-lantern-42-river"})),
            Some(&cookie),
        )
        .await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    (id, cookie)
}

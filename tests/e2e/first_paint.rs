//! The static first paint: a public page is on screen, in the browser's
//! language, from its HTML alone, while the app's wasm is held back; what
//! the person types and submits meanwhile survives the app taking over.
//!
//! The pages come from a plain static host (the operator's nginx or CDN)
//! that picks a locale's file by the documented rule and can hold the main
//! module's wasm until the test lets it go; the API is the real server.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use fantoccini::Client;
use pc_api::routes;
use tokio::sync::watch;

use crate::*;

/// A static host for the root build, with the README's language rule.
struct HeldHost {
    origin: String,
    /// `true` lets the main module through; `false` holds it.
    release: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for HeldHost {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The file that answers `path`: a file as it is, or a route's static page
/// in the first of the visitor's locales the build has (README ›
/// Deployment, the static host's rule).
fn resolve(dist: &Path, path: &str, query: &str, cookie: &str, accept: &str) -> Option<PathBuf> {
    if path.split('/').any(|s| s == "..") {
        return None;
    }
    if path.rsplit('/').next().unwrap_or("").contains('.') {
        return Some(dist.join(path.trim_start_matches('/')));
    }
    let page = routes::static_page(path, query);
    let chosen = cookie
        .split(';')
        .find_map(|c| c.trim().strip_prefix("pc-locale="));
    routes::preferred_locales(chosen, accept)
        .into_iter()
        .map(|l| dist.join(l).join(page.file))
        .chain([dist.join(page.file)])
        .find(|f| f.is_file())
}

impl HeldHost {
    async fn start(port: u16, api: &str) -> HeldHost {
        let dist = env_path("PC_DIST");
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let config = format!("{{\"apiBaseUrl\": \"{api}\"}}");
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self' {api}; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        );
        let (release, held) = watch::channel(false);
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let (dist, config, csp, mut held) =
                (dist.clone(), config.clone(), csp.clone(), held.clone());
            async move {
                let path = req.uri().path().to_owned();
                // Read before any await: the request's body is not `Sync`.
                let file = {
                    let header_of = |name: header::HeaderName| {
                        req.headers()
                            .get(name)
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("")
                            .to_owned()
                    };
                    resolve(
                        &dist,
                        &path,
                        req.uri().query().unwrap_or(""),
                        &header_of(header::COOKIE),
                        &header_of(header::ACCEPT_LANGUAGE),
                    )
                };
                drop(req);
                let body = if path.ends_with("/config.json") {
                    config.into_bytes()
                } else {
                    let bytes = match file {
                        Some(f) => tokio::fs::read(&f).await.ok(),
                        None => None,
                    };
                    let Some(bytes) = bytes else {
                        return (StatusCode::NOT_FOUND, "not found").into_response();
                    };
                    // The main module: without it nothing runs. (Holding
                    // the route's chunks too would fill the browser's six
                    // connections with held fetches.)
                    if path.ends_with("_bg.wasm") {
                        let _ = held.wait_for(|go| *go).await;
                    }
                    bytes
                };
                let kind = match path.rsplit('.').next().unwrap_or("") {
                    "js" => "text/javascript",
                    "css" => "text/css",
                    "wasm" => "application/wasm",
                    "json" => "application/json",
                    "svg" => "image/svg+xml",
                    _ => "text/html; charset=utf-8",
                };
                let mut res = Response::new(Body::from(body));
                let h = res.headers_mut();
                h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
                h.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_str(&csp).unwrap(),
                );
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                res
            }
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        HeldHost {
            origin: format!("http://127.0.0.1:{port}"),
            release,
            task,
        }
    }
}

/// A held host in front of a fresh API server, and a browser in `lang`.
async fn held<F, Fut>(lang: &'static str, body: F)
where
    F: FnOnce(Client, Arc<HeldHost>, Arc<tokio::sync::Mutex<Server>>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    e2e_with(
        lang,
        &["--cors-origin", &origin],
        move |c, server| async move {
            work_on_static_pages();
            let api = server.lock().await.url();
            let host = Arc::new(HeldHost::start(port, &api).await);
            body(c, host.clone(), server).await;
        },
    )
    .await;
}

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.unwrap()
}

/// Waits until `condition` (a JavaScript expression) holds.
async fn wait_for(c: &Client, condition: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !js(c, &format!("return !!({condition})"))
        .await
        .as_bool()
        .unwrap_or(false)
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {condition}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Whether the app has taken the page over.
async fn live(c: &Client) -> bool {
    js(
        c,
        "return document.documentElement.hasAttribute('data-pc-live')",
    )
    .await
    .as_bool()
    .unwrap_or(false)
}

#[tokio::test]
async fn a_public_page_is_on_screen_with_the_wasm_held_back() {
    held("en-US", |c, host, _server| async move {
        c.goto(&format!("{}/enroll", host.origin)).await.unwrap();
        assert!(visible(&c, "//h1[normalize-space()='Enroll in Partner Center']").await);
        assert!(visible(&c, "//a[normalize-space()='Next']").await);
        c.goto(&format!("{}/enroll/account", host.origin))
            .await
            .unwrap();
        assert!(visible(&c, "//h1[normalize-space()='Work account']").await);
        field(&c, "Work email").await;
        field(&c, "Password").await;
        c.goto(&format!("{}/enroll/account?mode=create", host.origin))
            .await
            .unwrap();
        see(&c, "Create a work account").await;
        c.goto(&format!("{}/verify-email/some-token", host.origin))
            .await
            .unwrap();
        assert!(visible(&c, "//h1[normalize-space()='Confirm your email']").await);
        see(&c, "Checking your link…").await;
        assert!(!live(&c).await, "the wasm was held back");
        // And once it arrives, the app takes the page over.
        host.release.send(true).unwrap();
        wait_for(&c, "document.documentElement.hasAttribute('data-pc-live')").await;
    })
    .await;
}

#[tokio::test]
async fn a_zh_tw_browser_paints_the_chinese_page_first() {
    held("zh-TW", |c, host, _server| async move {
        c.goto(&format!("{}/enroll", host.origin)).await.unwrap();
        assert!(visible(&c, "//h1[normalize-space()='註冊合作夥伴中心']").await);
        assert_eq!(
            js(&c, "return document.documentElement.lang").await,
            "zh-TW"
        );
        c.goto(&format!("{}/no/such/page", host.origin))
            .await
            .unwrap();
        see(&c, "找不到").await;
        assert!(!live(&c).await);
    })
    .await;
}

#[tokio::test]
async fn what_is_typed_and_submitted_before_the_app_is_ready_is_kept() {
    held("en-US", |c, host, server| async move {
        server
            .lock()
            .await
            .create_account("contoso.com", "mei@contoso.com")
            .await;
        c.goto(&format!("{}/enroll/account", host.origin))
            .await
            .unwrap();
        field(&c, "Work email")
            .await
            .send_keys("mei@contoso.com")
            .await
            .unwrap();
        let password = field(&c, "Password").await;
        password.send_keys(PASSWORD).await.unwrap();
        // Enter submits the static form; it waits for the app.
        password.send_keys("\u{E007}").await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        assert_eq!(
            js(&c, "return location.pathname + location.search").await,
            "/enroll/account",
            "the static form did not leave the page"
        );
        assert!(!live(&c).await);
        host.release.send(true).unwrap();
        // The app takes over with both values and sends the held sign-in.
        see(&c, "You're signed in as").await;
        assert!(live(&c).await);
    })
    .await;
}

#[tokio::test]
async fn typing_carries_over_with_focus_and_cursor() {
    held("en-US", |c, host, _server| async move {
        c.goto(&format!("{}/enroll/account?mode=create", host.origin))
            .await
            .unwrap();
        let domain = field(&c, "Company domain").await;
        domain.send_keys("contoso.co").await.unwrap();
        host.release.send(true).unwrap();
        wait_for(&c, "document.documentElement.hasAttribute('data-pc-live')").await;
        // Still in the same field, cursor at the end: typing goes on.
        c.active_element()
            .await
            .unwrap()
            .send_keys("m")
            .await
            .unwrap();
        assert_eq!(value(&c, "Company domain").await, "contoso.com");
    })
    .await;
}

//! Hosting and embedding: the build for a sub-path served by a plain static
//! server (not the bundled one) under `/portal/partners/`, the API on
//! another origin, and the example host pages of `examples/embedding/` that
//! embed the app with `mount()` and with `<partner-center-app>` — all under
//! the strict Content-Security-Policy an operator is told to send.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use fantoccini::{Client, Locator};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::*;

/// The API origin the example pages name, replaced by the test server's.
const EXAMPLE_API: &str = "http://127.0.0.1:8080";

/// A plain static file server, as an operator's nginx or CDN would be:
/// the sub-path build under `/portal/partners/` with the SPA fallback, and
/// the example portal's pages, each answering for every path under it.
pub struct StaticHost {
    pub origin: String,
    /// While set, answers for `config.json` break off mid-body, as a
    /// dropped connection would.
    pub cut_config: Arc<std::sync::atomic::AtomicBool>,
    _files: tempfile::TempDir,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for StaticHost {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" => "text/javascript",
        "css" => "text/css",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// Which file answers `path`.
fn resolve(root: &Path, path: &str) -> Option<PathBuf> {
    let clean = |p: &str| !p.split('/').any(|s| s == "..");
    if let Some(rest) = path.strip_prefix("/portal/partners/") {
        let file = root.join("partners").join(rest);
        return Some(if clean(rest) && !rest.is_empty() && file.is_file() {
            file
        } else {
            root.join("partners/index.html")
        });
    }
    if let Some(rest) = path.strip_prefix("/portal/assets/") {
        return clean(rest).then(|| root.join("examples").join(rest));
    }
    for page in ["mount", "element"] {
        let base = format!("/portal/{page}");
        if path == base || path.starts_with(&format!("{base}/")) {
            return Some(root.join(format!("examples/{page}.html")));
        }
    }
    match path {
        "/portal/" => Some(root.join("examples/index.html")),
        "/portal/support.html" => Some(root.join("examples/support.html")),
        _ => None,
    }
}

impl StaticHost {
    /// Serves, on `port`, `dist` (a build for `/portal/partners/`) with
    /// `config.json` saying `config`, and the example pages pointed at `api`.
    pub async fn start(port: u16, dist: &Path, config: &str, api: &str) -> StaticHost {
        let files = tempfile::tempdir().unwrap();
        let partners = files.path().join("partners");
        std::fs::create_dir(&partners).unwrap();
        for entry in std::fs::read_dir(dist).unwrap().flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), partners.join(entry.file_name())).unwrap();
            }
        }
        std::fs::write(partners.join("config.json"), config).unwrap();
        let examples = files.path().join("examples");
        std::fs::create_dir(&examples).unwrap();
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/embedding");
        for entry in std::fs::read_dir(source).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            std::fs::write(
                examples.join(entry.file_name()),
                text.replace(EXAMPLE_API, api),
            )
            .unwrap();
        }

        let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
            .await
            .unwrap();
        let origin = format!("http://127.0.0.1:{port}");
        // The strict policy of README › Deployment, with the API's origin
        // allowed for fetch and violations reported to it.
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; connect-src 'self' {api}; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'; report-uri {api}/api/v1/csp-reports"
        );
        let root = files.path().to_path_buf();
        let cut_config = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let cut = cut_config.clone();
        let app = axum::Router::new().fallback(move |req: Request<Body>| {
            let root = root.clone();
            let csp = csp.clone();
            let cut = cut.load(std::sync::atomic::Ordering::SeqCst)
                && req.uri().path().ends_with("/config.json");
            async move {
                if cut {
                    // Promises more than it sends: the connection closes
                    // early and the browser's fetch fails.
                    let mut res = Response::new(Body::from("{\"apiBa"));
                    res.headers_mut()
                        .insert(header::CONTENT_LENGTH, HeaderValue::from_static("4096"));
                    return res;
                }
                let Some(file) = resolve(&root, req.uri().path()) else {
                    return (StatusCode::NOT_FOUND, "not found").into_response();
                };
                let Ok(bytes) = tokio::fs::read(&file).await else {
                    return (StatusCode::NOT_FOUND, "not found").into_response();
                };
                let mut res = Response::new(Body::from(bytes));
                let h = res.headers_mut();
                h.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(content_type(&file)),
                );
                h.insert(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_str(&csp).unwrap(),
                );
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
                res
            }
        });
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        StaticHost {
            origin,
            cut_config,
            _files: files,
            task,
        }
    }
}

/// The API server's URL under the name `localhost`: another site than the
/// static host's `127.0.0.1`, as a CDN and an API domain would be.
async fn api_origin(server: &Arc<Mutex<Server>>) -> String {
    server
        .lock()
        .await
        .url()
        .replace("http://127.0.0.1:", "http://localhost:")
}

/// Runs `body` with the API server allowing the static host's origin.
async fn hosted<F, Fut>(body: F)
where
    F: FnOnce(Client, Arc<Mutex<Server>>, Arc<StaticHost>) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    // The static host's origin goes into the API server's allow-list, so
    // its port is chosen first.
    let port = free_port();
    let static_origin = format!("http://127.0.0.1:{port}");
    let args = ["--cors-origin", static_origin.as_str()];
    e2e_with("en-US", &args, move |c, server| async move {
        let api = api_origin(&server).await;
        let config = json!({ "apiBaseUrl": api }).to_string();
        let dist = env_path("PC_PORTAL_DIST");
        let host = Arc::new(StaticHost::start(port, &dist, &config, &api).await);
        body(c, server, host).await;
    })
    .await;
}

async fn path(c: &Client) -> String {
    c.execute("return location.pathname", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

async fn js(c: &Client, script: &str) -> Value {
    c.execute(script, vec![]).await.unwrap()
}

async fn wait_path(c: &Client, want: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let p = path(c).await;
        if p == want {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the address stayed at {p}, expected {want}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Reports need a moment to arrive; none may arrive for a clean page.
async fn no_csp_violations(server: &Arc<Mutex<Server>>) {
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(server.lock().await.csp_reports().await, 0);
}

#[tokio::test]
async fn a_static_host_under_a_sub_path_with_the_api_on_another_site() {
    if marked(
        Engine::WebKit,
        "hosting::a_static_host_under_a_sub_path_with_the_api_on_another_site",
        "WebKit sends no cookie to another site from a page (Safari's rule), so a session \
         with the API on another site cannot exist there; deployments for Safari keep the \
         API on the app's site (README)",
    ) {
        return;
    }
    hosted(|c, server, host| async move {
        let base = format!("{}/portal/partners", host.origin);
        c.goto(&format!("{base}/")).await.unwrap();
        heading(&c, "Enroll in Partner Center").await;
        wait_path(&c, "/portal/partners/enroll").await;
        link(&c, "Next").await.click().await.unwrap();
        heading(&c, "Work account").await;
        wait_path(&c, "/portal/partners/enroll/account").await;
        link(&c, "Create one").await.click().await.unwrap();
        fill_create_form(&c, "contoso.com", "mei@contoso.com").await;
        button(&c, "Create account").await.click().await.unwrap();
        see(&c, "You're signed in as Mei-Ling 陳.").await;

        // The session cookie of the API's site travels with the app's
        // requests from the other site, across reloads and deep links.
        c.goto(&format!("{base}/enroll/account")).await.unwrap();
        see(&c, "You're signed in as Mei-Ling 陳.").await;
        button(&c, "Sign out").await.click().await.unwrap();
        find(&c, "//h2[normalize-space(.)='Sign in']").await;
        fill(&c, "Work email", "mei@contoso.com").await;
        fill(&c, "Password", PASSWORD).await;
        button(&c, "Sign in").await.click().await.unwrap();
        see(&c, "You're signed in as Mei-Ling 陳.").await;
        link(&c, "Continue enrollment").await.click().await.unwrap();
        heading(&c, "Legal business profile").await;
        wait_path(&c, "/portal/partners/enroll/company").await;
        // Every link of the app stays under its base.
        let outside: i64 = js(
            &c,
            "return [...document.querySelectorAll('a[href^=\"/\"]')]\
             .filter(a => !a.getAttribute('href').startsWith('/portal/partners/')).length",
        )
        .await
        .as_i64()
        .unwrap();
        assert_eq!(outside, 0);
        no_csp_violations(&server).await;
    })
    .await;
}

#[tokio::test]
async fn forged_cross_site_requests_are_refused_and_unlisted_origins_get_no_cors() {
    hosted(|c, server, host| async move {
        let api = api_origin(&server).await;
        // A page on an origin the API does not list: the same static host
        // under another name.
        let evil = host.origin.replace("127.0.0.1", "localhost");
        c.goto(&format!("{evil}/portal/support.html")).await.unwrap();
        heading(&c, "Support").await;
        let outcome = c
            .execute_async(
                "const [api, done] = [arguments[0], arguments[arguments.length - 1]];
                 const body = JSON.stringify({company_domain: 'contoso.com', first_name: 'Eve',
                   last_name: 'Mallory', email: 'eve@contoso.com', password: 'blue-kettle-71-orbit'});
                 const results = {};
                 // A request that needs CORS: the browser gets no grant.
                 fetch(api + '/api/v1/accounts', {method: 'POST', credentials: 'include',
                   headers: {'content-type': 'application/json', 'x-requested-with': 'partner-center'}, body})
                   .then(r => 'answered ' + r.status, e => 'blocked: ' + e.name)
                   .then(r => { results.cors = r;
                     // A 'simple' request a form could send: no preflight, it reaches the server.
                     return fetch(api + '/api/v1/accounts', {method: 'POST', mode: 'no-cors',
                       credentials: 'include', headers: {'content-type': 'text/plain'}, body}); })
                   .then(r => { results.simple = r.type; done(results); }, e => { results.simple = 'error ' + e; done(results); });",
                vec![json!(api)],
            )
            .await
            .unwrap();
        assert_eq!(outcome["cors"], "blocked: TypeError", "{outcome}");
        assert_eq!(outcome["simple"], "opaque", "{outcome}");
        // Neither created the account: the address is still free.
        let s = server.lock().await;
        let (status, body) = s
            .post(
                "/accounts",
                json!({"company_domain": "contoso.com", "first_name": "Mei-Ling", "last_name": "陳",
                       "email": "mei@contoso.com", "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 201, "{body}");

        // What the server answers each origin's preflight.
        let preflight = |origin: String| {
            let url = format!("{}/api/v1/accounts", s.url());
            async move {
                reqwest::Client::new()
                    .request(reqwest::Method::OPTIONS, url)
                    .header("origin", origin)
                    .header("access-control-request-method", "POST")
                    .header("access-control-request-headers", "content-type,x-requested-with")
                    .send()
                    .await
                    .unwrap()
            }
        };
        let listed = preflight(host.origin.clone()).await;
        assert_eq!(
            listed.headers().get("access-control-allow-origin").unwrap(),
            host.origin.as_str()
        );
        assert_eq!(
            listed.headers().get("access-control-allow-credentials").unwrap(),
            "true"
        );
        let unlisted = preflight(evil.clone()).await;
        assert!(unlisted.headers().get("access-control-allow-origin").is_none());
        // A forged POST with the app's header but from the unlisted site.
        let forged = reqwest::Client::new()
            .post(format!("{}/api/v1/session", s.url()))
            .header("origin", &evil)
            .header("sec-fetch-site", "cross-site")
            .header("x-requested-with", "partner-center")
            .json(&json!({"email": "mei@contoso.com", "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(forged.status().as_u16(), 403);
        assert!(forged.headers().get("set-cookie").is_none());
    })
    .await;
}

/// The app's shadow root inside `<partner-center-app id=…>`, for scripts.
fn shadow(id: &str) -> String {
    format!("document.getElementById('{id}').shadowRoot")
}

async fn wait_true(c: &Client, script: &str, what: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while js(c, script).await != Value::Bool(true) {
        assert!(tokio::time::Instant::now() < deadline, "never true: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn mounted_into_a_host_page_the_app_leaves_the_host_alone() {
    hosted(|c, server, host| async move {
        c.goto(&format!("{}/portal/", host.origin)).await.unwrap();
        heading(&c, "Contoso partner portal").await;
        link(&c, "Partner Center (mount)").await.click().await.unwrap();
        heading(&c, "Enroll in Partner Center").await;
        wait_path(&c, "/portal/mount/enroll").await;

        // Host styles stay the host's, the app's stay the app's.
        let styles = js(
            &c,
            "const host = document.querySelector('.portal-main > h1');
             const app = document.querySelector('.pc-app h1');
             const next = [...document.querySelectorAll('.pc-app a')].find(a => a.textContent.trim() === 'Next');
             return { hostH1: getComputedStyle(host).color, appH1: getComputedStyle(app).color,
                      hostFont: getComputedStyle(document.body).fontFamily,
                      nextBg: getComputedStyle(next).backgroundColor,
                      nextRadius: getComputedStyle(next).borderTopLeftRadius,
                      lang: document.documentElement.lang, title: document.title };",
        )
        .await;
        assert_eq!(styles["hostH1"], "rgb(128, 0, 0)", "{styles}");
        assert_ne!(styles["appH1"], "rgb(128, 0, 0)", "{styles}");
        assert!(styles["hostFont"].as_str().unwrap().starts_with("Georgia"), "{styles}");
        assert_eq!(styles["nextBg"], "rgb(15, 108, 189)", "{styles}");
        assert_eq!(styles["nextRadius"], "2px", "themed through --pc-radius: {styles}");
        assert_eq!(styles["lang"], "en");
        assert_eq!(styles["title"], "Partner Center – Contoso partner portal");

        // Following the app's links does not scroll the host page to its top.
        js(
            &c,
            "document.querySelector('.portal-main').style.paddingTop = '1500px';
             window.scrollTo(0, 1400);
             window.lowestScroll = window.scrollY;
             addEventListener('scroll', () => { window.lowestScroll = Math.min(window.lowestScroll, window.scrollY); });
             return 0;",
        )
        .await;
        link(&c, "Next").await.click().await.unwrap();
        heading(&c, "Work account").await;
        wait_path(&c, "/portal/mount/enroll/account").await;
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let y = js(&c, "return window.lowestScroll").await.as_f64().unwrap();
        assert!(y > 1000.0, "the host page was scrolled up to {y}");
        // The new page's heading has focus.
        wait_true(&c, "return document.activeElement?.classList.contains('page-heading')", "heading focused").await;

        // The language switch changes the app, not the host's <html lang>.
        let select = c
            .find(Locator::Css(".pc-app .site-header__lang select"))
            .await
            .unwrap();
        select.select_by_value("zh-TW").await.unwrap();
        heading(&c, "公司帳戶").await;
        assert_eq!(js(&c, "return document.documentElement.lang").await, "en");
        assert_eq!(js(&c, "return document.querySelector('.pc-root').lang").await, "zh-TW");
        select.select_by_value("en-US").await.unwrap();
        heading(&c, "Work account").await;

        // Back and forward move between the app's pages.
        c.back().await.unwrap();
        heading(&c, "Enroll in Partner Center").await;
        wait_path(&c, "/portal/mount/enroll").await;
        c.forward().await.unwrap();
        heading(&c, "Work account").await;

        // The host's own links still load the host's pages.
        js(&c, "window.stillHere = true; return 0;").await;
        link(&c, "Support").await.click().await.unwrap();
        heading(&c, "Support").await;
        wait_path(&c, "/portal/support.html").await;
        assert_eq!(js(&c, "return window.stillHere === true").await, false);
        c.back().await.unwrap();
        heading(&c, "Work account").await;
        wait_path(&c, "/portal/mount/enroll/account").await;
        no_csp_violations(&server).await;
        // Mounted in a host page, the app alone passes axe.
        let found = audit_in(&c, "{include: ['.pc-root']}").await;
        assert!(found.is_empty(), "axe, mounted:\n{}", found.join("\n"));
    })
    .await;
}

#[tokio::test]
async fn two_custom_elements_keep_their_styles_to_themselves() {
    hosted(|c, server, host| async move {
        c.goto(&format!("{}/portal/element/", host.origin)).await.unwrap();
        heading(&c, "Two Partner Center apps").await;
        let a = shadow("app-default");
        let b = shadow("app-violet");
        wait_true(
            &c,
            &format!("return !!{a}?.querySelector('h1.page-heading') && !!{b}?.querySelector('h1.page-heading')"),
            "both apps rendered",
        )
        .await;
        let look = js(
            &c,
            &format!(
                "const next = r => r.querySelector('.actions a.button--primary');
                 const h1 = r => r.querySelector('h1');
                 const [a, b] = [{a}, {b}];
                 return {{ aTitle: h1(a).textContent, bTitle: h1(b).textContent,
                   aBg: getComputedStyle(next(a)).backgroundColor, bBg: getComputedStyle(next(b)).backgroundColor,
                   aRadius: getComputedStyle(next(a)).borderTopLeftRadius, bRadius: getComputedStyle(next(b)).borderTopLeftRadius,
                   aFont: getComputedStyle(h1(a)).fontFamily, bFont: getComputedStyle(h1(b)).fontFamily,
                   aH1: getComputedStyle(h1(a)).color,
                   hostH1: getComputedStyle(document.querySelector('.portal-main > h1')).color,
                   hostFont: getComputedStyle(document.body).fontFamily,
                   documentSheets: document.styleSheets.length,
                   lang: document.documentElement.lang, bLang: b.querySelector('.pc-app').lang }};"
            ),
        )
        .await;
        assert_eq!(look["aTitle"], "Enroll in Partner Center", "{look}");
        assert_eq!(look["bTitle"], "註冊合作夥伴中心", "{look}");
        assert_eq!(look["aBg"], "rgb(15, 108, 189)", "{look}");
        assert_eq!(look["bBg"], "rgb(107, 47, 163)", "themed: {look}");
        assert_eq!(look["aRadius"], "6px", "{look}");
        assert_eq!(look["bRadius"], "12px", "{look}");
        assert!(!look["aFont"].as_str().unwrap().contains("Georgia"), "{look}");
        assert!(look["bFont"].as_str().unwrap().starts_with("Georgia"), "themed: {look}");
        assert_ne!(look["aH1"], "rgb(128, 0, 0)", "host h1 colour leaked in: {look}");
        assert_eq!(look["hostH1"], "rgb(128, 0, 0)", "{look}");
        assert!(look["hostFont"].as_str().unwrap().starts_with("Georgia"), "{look}");
        assert_eq!(look["documentSheets"], 1, "only the host's own stylesheet is in the document: {look}");
        assert_eq!(look["lang"], "en", "{look}");
        assert_eq!(look["bLang"], "zh-TW", "{look}");

        // Inside a shadow root the app still routes and moves focus.
        let root = c
            .find(Locator::Id("app-default"))
            .await
            .unwrap()
            .shadow_root()
            .await
            .unwrap();
        root.find(Locator::Css(".actions a.button--primary"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_path(&c, "/portal/element/enroll/account").await;
        wait_true(
            &c,
            &format!("return {a}.querySelector('h1')?.textContent === 'Work account'"),
            "the first app shows the next page",
        )
        .await;
        wait_true(
            &c,
            &format!("return {a}.activeElement?.classList.contains('page-heading') === true"),
            "the new heading has focus inside the shadow root",
        )
        .await;
        no_csp_violations(&server).await;
        // Both apps, in their shadow roots and themes, pass axe.
        let found = audit_in(&c, "{include: ['#app-default', '#app-violet']}").await;
        assert!(found.is_empty(), "axe, custom elements:\n{}", found.join("\n"));
    })
    .await;
}

#[tokio::test]
async fn a_dropped_connection_at_start_says_so_and_try_again_recovers() {
    hosted(|c, _server, host| async move {
        let base = format!("{}/portal/partners", host.origin);
        host.cut_config
            .store(true, std::sync::atomic::Ordering::SeqCst);
        c.goto(&format!("{base}/enroll")).await.unwrap();
        heading(&c, "We couldn't reach Partner Center").await;
        see(&c, "Check your connection, then try again.").await;
        see(&c, "請檢查網路連線，然後再試一次。").await;
        assert!(
            !visible(
                &c,
                "//h1[normalize-space(.)='Partner Center could not start']"
            )
            .await,
            "a dropped connection is not the configuration's fault"
        );
        host.cut_config
            .store(false, std::sync::atomic::Ordering::SeqCst);
        find(&c, "//button[contains(normalize-space(.), 'Try again')]")
            .await
            .click()
            .await
            .unwrap();
        heading(&c, "Enroll in Partner Center").await;
        wait_path(&c, "/portal/partners/enroll").await;
    })
    .await;
}

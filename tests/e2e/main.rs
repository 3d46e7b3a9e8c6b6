//! End-to-end tests: Debian's Chromium, Firefox ESR or WebKitGTK, driven
//! over WebDriver against the real server binary and the release build of
//! the app, each test with its own server (random port, temporary
//! database) and browser profile.
//!
//! Run through `cargo xtask test [--browsers all]`, which builds both and
//! sets PC_SERVER_BIN, PC_DIST, PC_BROWSER and the driver's path.
#![cfg(not(target_arch = "wasm32"))]

mod a11y;
mod account;
mod bench;
mod chunks;
mod dashboard;
#[path = "../../crates/server/tests/common/fake_smtp.rs"]
mod fake_smtp;
mod first_paint;
mod hosting;
mod journey;
mod keyboard;
mod reflow;

use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::Mutex;

pub const WAIT: Duration = Duration::from_secs(20);
/// The longest any one test may take, in the slowest engine under load.
pub const TEST_LIMIT: Duration = Duration::from_secs(240);
pub const PASSWORD: &str = "blue-kettle-71-orbit";
/// The reviewers' token of servers started with `--operator-token`.
pub const OPERATOR_TOKEN: &str = "e2e-operator-token-0123456789abcdef";

pub fn env_path(name: &str) -> PathBuf {
    std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("{name} is not set: run the end-to-end tests with `cargo xtask test`")
        })
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real server binary, serving the release build, on its own database.
pub struct Server {
    child: Option<Child>,
    port: u16,
    db_dir: tempfile::TempDir,
    extra_args: Vec<String>,
    dist: PathBuf,
}

impl Server {
    pub async fn start(extra_args: &[&str], dist: PathBuf) -> Server {
        let mut s = Server {
            child: None,
            port: free_port(),
            db_dir: tempfile::tempdir().unwrap(),
            extra_args: extra_args.iter().map(|a| a.to_string()).collect(),
            dist,
        };
        s.spawn().await;
        s
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn spawn(&mut self) {
        let db = format!("sqlite://{}", self.db_dir.path().join("e2e.db").display());
        let mut child = Command::new(env_path("PC_SERVER_BIN"))
            .arg("--dist")
            .arg(&self.dist)
            .args([
                "--database-url",
                &db,
                "--listen",
                &format!("127.0.0.1:{}", self.port),
                "--dev",
            ])
            .args(&self.extra_args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("start the server");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let ready = tokio::time::timeout(WAIT, async {
            while let Ok(Some(line)) = lines.next_line().await {
                if line.starts_with("listening on") {
                    return true;
                }
            }
            false
        })
        .await;
        assert!(matches!(ready, Ok(true)), "the server did not start");
        self.child = Some(child);
    }

    pub async fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
            let _ = c.wait().await;
        }
    }

    /// Posts JSON straight to the API, as a client other than the app would.
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1{path}", self.url()))
            .header("x-requested-with", "partner-center")
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// Creates a work account through the API; returns its session cookie value.
    pub async fn create_account(&self, domain: &str, email: &str) -> String {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/accounts", self.url()))
            .header("x-requested-with", "partner-center")
            .json(
                &json!({"company_domain": domain, "first_name": "Mei-Ling", "last_name": "陳",
                          "email": email, "password": PASSWORD}),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        cookie
            .split(';')
            .next()
            .unwrap()
            .trim_start_matches("pc_session=")
            .to_owned()
    }

    /// Calls the API as the holder of `session`.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        session: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let client = reqwest::Client::new();
        let url = format!("{}/api/v1{path}", self.url());
        let mut req = match method {
            "POST" => client.post(url),
            "PUT" => client.put(url),
            _ => client.get(url),
        }
        .header("cookie", format!("pc_session={session}"))
        .header("x-requested-with", "partner-center")
        .header("idempotency-key", "e2e-direct-0001");
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    /// contoso.com's admin, enrolled through the API: (session, MPN ID).
    pub async fn enrolled(&self) -> (String, String) {
        let session = self.create_account("contoso.com", "mei@contoso.com").await;
        let (status, account) = self
            .call("POST", "/enrollment", &session, Some(enroll_body()))
            .await;
        assert_eq!(status, 201, "{account}");
        let mpn = account["mpn_id"].as_str().unwrap().to_owned();
        (session, mpn)
    }

    /// A reviewer's decision through the admin API (the server must run
    /// with `--operator-token OPERATOR_TOKEN`).
    pub async fn review(&self, mpn: &str, check: &str, body: Value) {
        let res = reqwest::Client::new()
            .post(format!(
                "{}/api/v1/admin/partners/{mpn}/checks/{check}",
                self.url()
            ))
            .bearer_auth(OPERATOR_TOKEN)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200, "{:?}", res.text().await);
    }

    /// Runs SQL on the server's database behind its back (fault tests).
    pub async fn sql(&self, statement: &str) {
        let url = format!("sqlite://{}", self.db_dir.path().join("e2e.db").display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::query(statement).execute(&pool).await.unwrap();
        pool.close().await;
    }

    /// Content-Security-Policy violations browsers reported to the server.
    pub async fn csp_reports(&self) -> u64 {
        let res = reqwest::get(format!("{}/api/v1/dev/csp-reports", self.url()))
            .await
            .unwrap();
        res.json::<Value>().await.unwrap()["count"]
            .as_u64()
            .unwrap()
    }

    /// The development mailbox, newest first.
    pub async fn mailbox(&self) -> Vec<Value> {
        let res = reqwest::get(format!("{}/api/v1/dev/mailbox", self.url()))
            .await
            .unwrap();
        res.json::<Vec<Value>>().await.unwrap()
    }
}

/// Signs the browser in as the applicant whose account `create_account`
/// made, through the API from inside the page (so the server sets the cookie).
pub async fn use_session(c: &Client, url: &str, _session: &str) {
    c.goto(&format!("{url}/enroll")).await.unwrap();
    sign_in_from_page(c, "mei@contoso.com", PASSWORD).await;
}

/// Signs the browser in as `email` from the page it shows (of the app's
/// origin), through the API.
pub async fn sign_in_from_page(c: &Client, email: &str, password: &str) {
    let answer: String = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch('/api/v1/session', {method: 'POST', credentials: 'include',
               headers: {'content-type': 'application/json', 'x-requested-with': 'partner-center'},
               body: JSON.stringify({email: arguments[0], password: arguments[1]})})
             .then(r => r.json()).then(j => done(j.user ? j.user.email : JSON.stringify(j)));",
            vec![json!(email), json!(password)],
        )
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(answer, email);
}

/// Submits the form on the page with its submit button.
pub async fn click_submit(c: &Client) {
    find(c, "//form//button[@type='submit']")
        .await
        .click()
        .await
        .unwrap();
}

pub struct Browser {
    pub client: Client,
    pub driver: Child,
    _profile: tempfile::TempDir,
    /// WebKitGTK's own X display (it has no headless mode): one per
    /// browser, since windows sharing a display take focus from each other.
    _display: Option<Child>,
}

/// Starts an X server without a screen; answers it and its display name.
async fn virtual_display() -> (Child, String) {
    let mut x = Command::new("Xvfb")
        .args([
            "-displayfd",
            "1",
            "-screen",
            "0",
            "1280x1024x24",
            "-nolisten",
            "tcp",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start Xvfb (Debian's xvfb) for WebKitGTK");
    let mut lines = BufReader::new(x.stdout.take().unwrap()).lines();
    let n = tokio::time::timeout(WAIT, lines.next_line())
        .await
        .expect("Xvfb reports its display in time")
        .unwrap()
        .unwrap_or_default();
    assert!(
        !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()),
        "Xvfb said {n:?}"
    );
    (x, format!(":{n}"))
}

/// The browser engine the suite runs on: `PC_BROWSER` = `chromium`
/// (default), `firefox` or `webkit`, each through its own WebDriver.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Engine {
    Chromium,
    Firefox,
    WebKit,
}

pub fn engine() -> Engine {
    match std::env::var("PC_BROWSER").as_deref() {
        Ok("firefox") => Engine::Firefox,
        Ok("webkit") => Engine::WebKit,
        Ok("chromium") | Err(_) => Engine::Chromium,
        Ok(other) => panic!("PC_BROWSER={other:?}: use chromium, firefox or webkit"),
    }
}

/// Whether the current test cannot pass on `on` for a reason outside the
/// project, which `reason` states. When so, it says so on the output that
/// the test harness does not capture (`cargo xtask test` counts these
/// lines), so a test is never skipped silently.
pub fn marked(on: Engine, test: &str, reason: &str) -> bool {
    if engine() != on {
        return false;
    }
    use std::io::Write;
    let line = format!("marked: {test} on {on:?}: {reason}\n");
    let _ = std::io::stdout().lock().write_all(line.as_bytes());
    true
}

/// The driver command and the capabilities of a new session in `lang`.
fn driver_and_caps(port: u16, lang: &str, profile: &std::path::Path) -> (Command, Value) {
    match engine() {
        Engine::Chromium => {
            let mut cmd = Command::new(env_path("CHROMEDRIVER"));
            cmd.arg(format!("--port={port}"));
            let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
            let caps = json!({
                "goog:chromeOptions": {
                    "binary": chromium,
                    "args": [
                        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", "--window-size=1280,900",
                        format!("--lang={lang}"),
                        format!("--user-data-dir={}", profile.display()),
                    ],
                    "prefs": { "intl.accept_languages": lang },
                }
            });
            (cmd, caps)
        }
        Engine::Firefox => {
            let mut cmd = Command::new(env_path("GECKODRIVER"));
            cmd.arg("--port").arg(port.to_string());
            // A profile of its own per session; geckodriver makes it.
            cmd.env("TMPDIR", profile);
            let caps = json!({
                "browserName": "firefox",
                "moz:firefoxOptions": {
                    "binary": env_path("FIREFOX"),
                    "args": ["-headless", "--width=1280", "--height=900"],
                    "prefs": {
                        "intl.accept_languages": lang,
                        // As on a fresh desktop install: no network chatter.
                        "app.update.enabled": false,
                        "browser.shell.checkDefaultBrowser": false,
                        "datareporting.policy.dataSubmissionEnabled": false,
                        "network.captive-portal-service.enabled": false,
                        "network.connectivity-service.enabled": false,
                    },
                }
            });
            (cmd, caps)
        }
        Engine::WebKit => {
            let mut cmd = Command::new(env_path("WEBKITDRIVER"));
            cmd.arg(format!("--port={port}"));
            // WebKitGTK takes its languages from the process locale (the
            // browser inherits the driver's), compiled by `cargo xtask`.
            let posix = format!("{}.UTF-8", lang.replace('-', "_"));
            cmd.env("LOCPATH", env_path("PC_LOCPATH"))
                .env("LANG", &posix)
                // GTK's plain input method: typing goes straight into the
                // page whatever input method the locale would pick.
                .env("GTK_IM_MODULE", "gtk-im-context-simple")
                .env_remove("LANGUAGE")
                .env_remove("LC_ALL")
                .env("XDG_CACHE_HOME", profile.join("cache"))
                .env("XDG_DATA_HOME", profile.join("data"))
                .env("XDG_CONFIG_HOME", profile.join("config"));
            let caps = json!({
                "browserName": "MiniBrowser",
                "webkitgtk:browserOptions": {
                    "binary": env_path("WEBKIT_BROWSER"),
                    "args": ["--automation"],
                }
            });
            (cmd, caps)
        }
    }
}

pub async fn browser(lang: &str) -> Browser {
    let port = free_port();
    let profile = tempfile::tempdir().unwrap();
    let (mut cmd, caps) = driver_and_caps(port, lang, profile.path());
    let display = if engine() == Engine::WebKit {
        let (x, name) = virtual_display().await;
        cmd.env("DISPLAY", name);
        Some(x)
    } else {
        None
    };
    let driver = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("start the {:?} WebDriver: {e}", engine()));
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the {:?} WebDriver did not start",
            engine()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = tokio::time::timeout(
        Duration::from_secs(60),
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}")),
    )
    .await
    .expect("WebDriver session in time")
    .expect("WebDriver session");
    if engine() != Engine::Chromium {
        client.set_window_size(1280, 900).await.unwrap();
    }
    Browser {
        client,
        driver,
        _profile: profile,
        _display: display,
    }
}

/// Runs `body` with a fresh server and browser; the browser is closed
/// whatever happens, then a failure in `body` fails the test.
pub async fn e2e<F, Fut>(lang: &str, body: F)
where
    F: FnOnce(Client, Arc<Mutex<Server>>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    e2e_with(lang, &[], body).await
}

/// Like `e2e`, with extra flags for the server.
pub async fn e2e_with<F, Fut>(lang: &str, server_args: &[&str], body: F)
where
    F: FnOnce(Client, Arc<Mutex<Server>>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    e2e_full(lang, server_args, env_path("PC_DIST"), body).await
}

/// A copy of the built app whose `config.json` says `config`.
pub fn dist_with_config(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(env_path("PC_DIST")).unwrap().flatten() {
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    std::fs::write(dir.path().join("config.json"), config).unwrap();
    for stale in ["config.json.br", "config.json.gz"] {
        let _ = std::fs::remove_file(dir.path().join(stale));
    }
    dir
}

/// Like `e2e_with`, serving the app from `dist`.
pub async fn e2e_full<F, Fut>(lang: &str, server_args: &[&str], dist: PathBuf, body: F)
where
    F: FnOnce(Client, Arc<Mutex<Server>>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let server = Arc::new(Mutex::new(Server::start(server_args, dist).await));
    let mut b = tokio::time::timeout(WAIT * 3, browser(lang))
        .await
        .unwrap_or_else(|_| panic!("the {:?} browser did not start in {:?}", engine(), WAIT * 3));
    let task = tokio::spawn(body(b.client.clone(), server.clone()));
    let abort = task.abort_handle();
    // A WebDriver command that never answers fails its test, not the run.
    let outcome = tokio::time::timeout(TEST_LIMIT, task).await;
    if outcome.is_err() {
        abort.abort();
    }
    let _ = tokio::time::timeout(WAIT, b.client.close()).await;
    let _ = b.driver.kill().await;
    server.lock().await.stop().await;
    match outcome {
        Err(_) => {
            panic!("the test did not finish in {TEST_LIMIT:?}: a browser command never answered")
        }
        Ok(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Ok(Err(e)) => panic!("test task failed: {e}"),
        Ok(Ok(())) => {}
    }
}

/// An XPath string literal for any text (quotes included).
pub fn lit(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// Runs axe-core (injected from `PC_AXE`) on the page as it is now, with
/// the WCAG 2.0, 2.1 and 2.2 A and AA rules; one line per violation.
pub async fn audit(c: &Client) -> Vec<String> {
    audit_in(c, "document").await
}

/// `audit` of the part of the page that `context` (axe's context, as a
/// JavaScript expression) names, shadow roots included.
pub async fn audit_in(c: &Client, context: &str) -> Vec<String> {
    let loaded = c
        .execute("return typeof window.axe === 'object'", vec![])
        .await
        .unwrap()
        .as_bool()
        .unwrap_or(false);
    if !loaded {
        let axe = std::fs::read_to_string(env_path("PC_AXE")).expect("axe-core's axe.min.js");
        c.execute(&axe, vec![]).await.unwrap();
    }
    let found = c
        .execute_async(
            &format!("const done = arguments[arguments.length - 1];
             axe.run({context}, {{
               runOnly: {{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa']}},
               resultTypes: ['violations'],
             }}).then(r => done(r.violations.map(v =>
               v.id + ' (' + v.impact + '): ' + v.help + ' — ' +
               v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' ')).join(' | '))))
             .catch(e => done(['axe failed: ' + e]));"),
            vec![],
        )
        .await
        .unwrap();
    found
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Keeps what the page logs as errors (a panic, for one) in
/// `window.__errors`, which a failed `find` shows.
pub async fn keep_errors(c: &Client) {
    c.execute(
        "window.__errors = []; const log = console.error.bind(console); \
         console.error = (...a) => { window.__errors.push(a.map(String).join(' ')); log(...a); }; \
         window.addEventListener('error', e => window.__errors.push(String(e.message)));",
        vec![],
    )
    .await
    .unwrap();
}

thread_local! {
    /// Set by tests that work on a static page before the app runs.
    static ON_STATIC_PAGE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// From now on in this test, `find` and the helpers built on it also act on
/// a static page the app has not taken over yet (first-paint tests).
pub fn work_on_static_pages() {
    ON_STATIC_PAGE.with(|f| f.set(true));
}

/// Waits for an element matching `xpath` that a user can see. Unless the
/// test works on static pages, only once the app has taken the page over:
/// an element of the static page is replaced by the app's, and a test
/// holding it would act on a page that is gone.
pub async fn find(c: &Client, xpath: &str) -> Element {
    let any_page = ON_STATIC_PAGE.with(std::cell::Cell::get);
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let all = if any_page || is_app_ready(c).await {
            c.find_all(Locator::XPath(xpath)).await.ok()
        } else {
            None
        };
        if let Some(all) = all {
            for el in all {
                if el.is_displayed().await.unwrap_or(false) {
                    return el;
                }
            }
        }
        if tokio::time::Instant::now() >= deadline {
            let page = c
                .execute(
                    "return location.href + '\\n' + (window.__errors || []).join('\\n') + '\\n' + document.body.innerText.replace(/\\n(Choose…\\n)?([A-Z][a-z]+( [A-Z][a-z]+)*\\n){20,}/g, '\\n[…a long list…]\\n').slice(0, 4000)",
                    vec![],
                )
                .await
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .unwrap_or_default();
            panic!("nothing visible matches {xpath}; the page shows:\n{page}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether a visible element matches `xpath` right now.
pub async fn visible(c: &Client, xpath: &str) -> bool {
    for el in c.find_all(Locator::XPath(xpath)).await.unwrap_or_default() {
        if el.is_displayed().await.unwrap_or(false) {
            return true;
        }
    }
    false
}

pub async fn heading(c: &Client, text: &str) -> Element {
    find(c, &format!("//h1[normalize-space(.)={}]", lit(text))).await
}

pub async fn see(c: &Client, text: &str) -> Element {
    find(
        c,
        &format!(
            "//*[contains(normalize-space(.), {})][not(*[contains(normalize-space(.), {0})])]",
            lit(text)
        ),
    )
    .await
}

/// The input a `<label>` with this text is for.
pub async fn field(c: &Client, label: &str) -> Element {
    let l = find(c, &format!("//label[normalize-space(.)={}]", lit(label))).await;
    let id = l.attr("for").await.unwrap().expect("label has for=");
    c.find(Locator::Id(&id)).await.unwrap()
}

pub async fn fill(c: &Client, label: &str, text: &str) {
    let f = field(c, label).await;
    f.clear().await.unwrap();
    // WebKit's driver refuses to type nothing.
    if !text.is_empty() {
        f.send_keys(text).await.unwrap();
    }
}

/// Whether the page is not a static one waiting for the app.
async fn is_app_ready(c: &Client) -> bool {
    let script = "return !(document.body && document.body.hasAttribute('data-pc-static')) \
        || document.documentElement.hasAttribute('data-pc-live')";
    c.execute(script, vec![])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        == Some(true)
}

/// Waits until the app has taken over a static page (the field values a
/// test reads are the app's: a restored draft, a prefilled name).
pub async fn app_ready(c: &Client) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if is_app_ready(c).await || tokio::time::Instant::now() > deadline {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

pub async fn value(c: &Client, label: &str) -> String {
    app_ready(c).await;
    field(c, label)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

pub async fn button(c: &Client, name: &str) -> Element {
    find(c, &format!("//button[normalize-space(.)={}]", lit(name))).await
}

pub async fn link(c: &Client, name: &str) -> Element {
    find(c, &format!("//a[normalize-space(.)={}]", lit(name))).await
}

pub async fn fill_create_form(c: &Client, domain: &str, email: &str) {
    fill(c, "Company domain", domain).await;
    fill(c, "First name", "Mei-Ling").await;
    fill(c, "Last name", "陳").await;
    fill(c, "Work email", email).await;
    fill(c, "Password", PASSWORD).await;
}

pub async fn active_element_id(c: &Client) -> String {
    c.execute("return document.activeElement && (document.activeElement.id || document.activeElement.className);", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// Waits for the focus to reach the element with this id (or, without an
/// id, this class): the app moves it after the page has rendered.
pub async fn focused_on(c: &Client, id: &str) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let now = active_element_id(c).await;
        if now == id {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the focus is on {now:?}, not {id:?}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A US company with its primary contact, as *Enroll now* takes it.
pub fn enroll_body() -> Value {
    json!({
        "profile": {"country": "US", "legal_name": "Contoso Ltd.", "line1": "1 Contoso Way", "line2": "",
                    "city": "Redmond", "state": "WA", "postal_code": "98052"},
        "contact": {"first_name": "Wei", "last_name": "Chen", "email": "wei@contoso.com", "phone": ""}
    })
}

/// Accepts the current agreement through the API, as the applicant.
pub async fn accept_agreement(server: &Server, session: &str) {
    let (_, current) = server
        .call("GET", "/agreements/current", session, None)
        .await;
    let body = json!({"version": current["version"], "signer_first_name": "Mei-Ling", "signer_last_name": "陳",
                      "signer_email": "mei@contoso.com", "authority_confirmed": true});
    let (status, record) = server
        .call("POST", "/agreements/mpn/acceptance", session, Some(body))
        .await;
    assert_eq!(status, 201, "{record}");
}

/// Reads the server's copy of the session's draft every `every` until
/// `done(previous read, this read)` holds; fails saying `what` after `WAIT`.
pub async fn server_draft_until(
    server: &Mutex<Server>,
    session: &str,
    every: Duration,
    what: &str,
    done: impl Fn(&Value, &Value) -> bool,
) {
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut last = Value::Null;
    loop {
        let (_, d) = server
            .lock()
            .await
            .call("GET", "/enrollment/draft", session, None)
            .await;
        if done(&last, &d) {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "{what}: {d}");
        last = d;
        tokio::time::sleep(every).await;
    }
}

/// The link in the newest email to `to`.
pub async fn link_in_mail(server: &Server, to: &str) -> String {
    let mail = server.mailbox().await;
    let m = mail
        .iter()
        .find(|m| m["to"] == to)
        .expect("an email to the contact");
    let body = m["body"].as_str().unwrap();
    let start = body.find("http").unwrap();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

/// Presses `key` (a WebDriver key code, or text) in the focused element.
pub async fn press(c: &Client, key: &str) {
    c.active_element()
        .await
        .unwrap()
        .send_keys(key)
        .await
        .unwrap();
}

pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const SHIFT_TAB: &str = "\u{E008}\u{E004}";

/// Presses Tab until the focused element `el` makes the JavaScript
/// `condition` true, at most 60 times; checks that the focus can be seen.
pub async fn tab_to(c: &Client, condition: &str) {
    tab_until(c, TAB, condition).await
}

/// Like `tab_to`, going backwards with Shift+Tab.
pub async fn shift_tab_to(c: &Client, condition: &str) {
    tab_until(c, SHIFT_TAB, condition).await
}

async fn tab_until(c: &Client, key: &str, condition: &str) {
    for _ in 0..60 {
        press(c, key).await;
        let (hit, outline, why) = {
            let v = c
                .execute(
                    &format!(
                        "const el = document.activeElement; const s = getComputedStyle(el);
                         return [!!({condition}), s.outlineStyle !== 'none' && s.outlineWidth !== '0px',
                                 'outline ' + s.outlineStyle + ' ' + s.outlineWidth + ', :focus ' + el.matches(':focus')
                                 + ', document has focus ' + document.hasFocus()];"
                    ),
                    vec![],
                )
                .await
                .unwrap();
            (
                v[0].as_bool().unwrap(),
                v[1].as_bool().unwrap(),
                v[2].as_str().unwrap_or_default().to_owned(),
            )
        };
        if hit {
            assert!(
                outline,
                "the focused element ({condition}) shows no focus outline ({why})"
            );
            return;
        }
    }
    panic!("Tab never reached an element where {condition}");
}

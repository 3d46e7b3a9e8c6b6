//! End-to-end tests: Debian's Chromium driven over WebDriver against the
//! real server binary and the release build of the app, each test with its
//! own server (random port, temporary database) and browser profile.
//!
//! Run through `cargo xtask test`, which builds both and sets PC_SERVER_BIN,
//! PC_DIST and CHROMEDRIVER.
#![cfg(not(target_arch = "wasm32"))]

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

const WAIT: Duration = Duration::from_secs(20);
const PASSWORD: &str = "blue-kettle-71-orbit";

fn env_path(name: &str) -> PathBuf {
    std::env::var_os(name)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!("{name} is not set: run the end-to-end tests with `cargo xtask test`")
        })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The real server binary, serving the release build, on its own database.
struct Server {
    child: Option<Child>,
    port: u16,
    db_dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Server {
        let mut s = Server {
            child: None,
            port: free_port(),
            db_dir: tempfile::tempdir().unwrap(),
        };
        s.spawn().await;
        s
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    async fn spawn(&mut self) {
        let db = format!("sqlite://{}", self.db_dir.path().join("e2e.db").display());
        let mut child = Command::new(env_path("PC_SERVER_BIN"))
            .arg("--dist")
            .arg(env_path("PC_DIST"))
            .args([
                "--database-url",
                &db,
                "--listen",
                &format!("127.0.0.1:{}", self.port),
            ])
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

    async fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill().await;
            let _ = c.wait().await;
        }
    }

    /// Posts JSON straight to the API, as a client other than the app would.
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1{path}", self.url()))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(Value::Null))
    }

    async fn create_account(&self, domain: &str, email: &str) {
        let (status, body) = self
            .post(
                "/accounts",
                json!({"company_domain": domain, "first_name": "Mei-Ling", "last_name": "陳",
                       "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
    }
}

struct Browser {
    client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

async fn browser(lang: &str) -> Browser {
    let port = free_port();
    let driver = Command::new(env_path("CHROMEDRIVER"))
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .expect("start chromedriver");
    let deadline = tokio::time::Instant::now() + WAIT;
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "chromedriver did not start"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let profile = tempfile::tempdir().unwrap();
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1280,900",
                format!("--lang={lang}"),
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": { "intl.accept_languages": lang },
        }
    });
    let caps = match caps {
        Value::Object(m) => m,
        _ => unreachable!(),
    };
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = tokio::time::timeout(
        WAIT,
        ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}")),
    )
    .await
    .expect("WebDriver session in time")
    .expect("WebDriver session");
    Browser {
        client,
        driver,
        _profile: profile,
    }
}

/// Runs `body` with a fresh server and browser; the browser is closed
/// whatever happens, then a failure in `body` fails the test.
async fn e2e<F, Fut>(lang: &str, body: F)
where
    F: FnOnce(Client, Arc<Mutex<Server>>) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let server = Arc::new(Mutex::new(Server::start().await));
    let mut b = browser(lang).await;
    let outcome = tokio::spawn(body(b.client.clone(), server.clone())).await;
    let _ = b.client.close().await;
    let _ = b.driver.kill().await;
    server.lock().await.stop().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("test task failed: {e}");
    }
}

/// An XPath string literal for any text (quotes included).
fn lit(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

/// Waits for an element matching `xpath` that a user can see.
async fn find(c: &Client, xpath: &str) -> Element {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(all) = c.find_all(Locator::XPath(xpath)).await {
            for el in all {
                if el.is_displayed().await.unwrap_or(false) {
                    return el;
                }
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing visible matches {xpath}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Whether a visible element matches `xpath` right now.
async fn visible(c: &Client, xpath: &str) -> bool {
    for el in c.find_all(Locator::XPath(xpath)).await.unwrap_or_default() {
        if el.is_displayed().await.unwrap_or(false) {
            return true;
        }
    }
    false
}

async fn heading(c: &Client, text: &str) -> Element {
    find(c, &format!("//h1[normalize-space(.)={}]", lit(text))).await
}

async fn see(c: &Client, text: &str) -> Element {
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
async fn field(c: &Client, label: &str) -> Element {
    let l = find(c, &format!("//label[normalize-space(.)={}]", lit(label))).await;
    let id = l.attr("for").await.unwrap().expect("label has for=");
    c.find(Locator::Id(&id)).await.unwrap()
}

async fn fill(c: &Client, label: &str, text: &str) {
    let f = field(c, label).await;
    f.clear().await.unwrap();
    f.send_keys(text).await.unwrap();
}

async fn value(c: &Client, label: &str) -> String {
    field(c, label)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

async fn button(c: &Client, name: &str) -> Element {
    find(c, &format!("//button[normalize-space(.)={}]", lit(name))).await
}

async fn link(c: &Client, name: &str) -> Element {
    find(c, &format!("//a[normalize-space(.)={}]", lit(name))).await
}

async fn fill_create_form(c: &Client, domain: &str, email: &str) {
    fill(c, "Company domain", domain).await;
    fill(c, "First name", "Mei-Ling").await;
    fill(c, "Last name", "陳").await;
    fill(c, "Work email", email).await;
    fill(c, "Password", PASSWORD).await;
}

async fn active_element_id(c: &Client) -> String {
    c.execute("return document.activeElement && (document.activeElement.id || document.activeElement.className);", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

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
        s.create_account("fabrikam.com", "li@fabrikam.com").await;
        let url = s.url();
        drop(s);
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        fill(&c, "Work email", "li@fabrikam.com").await;
        fill(&c, "Password", "not-the-right-one").await;
        button(&c, "Sign in").await.click().await.unwrap();
        see(&c, "The email or password is incorrect.").await;
        assert_eq!(active_element_id(&c).await, "error-summary");
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
        assert_eq!(active_element_id(&c).await, "error-summary");
        let links = c
            .find_all(Locator::XPath("//div[contains(@class,'error-summary')]//a"))
            .await
            .unwrap();
        assert_eq!(links.len(), 5, "one entry per field");
        links[3].click().await.unwrap();
        assert_eq!(active_element_id(&c).await, "field-email");
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

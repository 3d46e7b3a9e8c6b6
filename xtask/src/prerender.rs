//! The static first paint: every page of `crate::routes::STATIC_PAGES`,
//! in every locale, rendered by the release build itself in headless
//! Chromium (over WebDriver) and saved as HTML beside the build, so a
//! visitor sees the page — header, stepper, heading, text, the form's
//! fields, in their language — before any script runs.
//!
//! Layout (README › Deployment): each locale's pages mirror the URLs under
//! its tag (`zh-TW/enroll/index.html`, `zh-TW/enroll/account/index.html`,
//! `zh-TW/404.html`…), and the default locale's are also at the URLs' own
//! paths (`enroll/index.html`), which any static host serves as they are.
//! Every page loads `early-<hash>.js` first, which holds a form submitted
//! before the app is ready until the app takes the page over.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::routes::STATIC_PAGES;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256, Sha384};

use crate::{step, Res};

/// The locales the app ships; the first file set is the default's.
const LOCALES: [&str; 2] = ["en-US", "zh-TW"];

pub fn run(dist: &Path, public_url: &str) -> Res {
    step("static first paint: rendering every page in each locale (headless Chromium)");
    let started = Instant::now();
    let template = std::fs::read_to_string(dist.join("index.html"))
        .map_err(|e| format!("{}/index.html: {e}", dist.display()))?;
    let early = write_early(dist, public_url)?;
    let chunks = crate::split::read_manifest(dist)?.unwrap_or_default();
    let default = default_locale(dist);

    let server = StaticServer::start(dist.to_path_buf(), public_url.to_owned())?;
    let driver = Driver::start()?;
    let mut written = 0;
    let result = (|| -> Res {
        for locale in LOCALES {
            for page in STATIC_PAGES {
                let url = format!(
                    "http://127.0.0.1:{}{}{}#pc-prerender={locale}",
                    server.port,
                    public_url.trim_end_matches('/'),
                    page.url
                );
                let dom = driver.render(&url)?;
                let preloads = crate::split::chunk_tags(&chunks, page.route);
                let html = page_html(&template, &dom, locale, &early)
                    .and_then(|h| add_preloads(h, &preloads))
                    .map_err(|e| format!("{} ({locale}): {e}", page.url))?;
                let mut outs = vec![dist.join(locale).join(page.file)];
                if locale == default {
                    outs.push(dist.join(page.file));
                }
                for out in outs {
                    if let Some(dir) = out.parent() {
                        std::fs::create_dir_all(dir)
                            .map_err(|e| format!("{}: {e}", dir.display()))?;
                    }
                    std::fs::write(&out, &html).map_err(|e| format!("{}: {e}", out.display()))?;
                }
                written += 1;
            }
        }
        Ok(())
    })();
    drop(driver);
    drop(server);
    result?;
    println!(
        "  wrote {written} static pages ({} locales) in {:.1} s",
        LOCALES.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The build's default locale (`config.json`'s `defaultLocale`), whose
/// pages sit at the URLs' own paths.
fn default_locale(dist: &Path) -> &'static str {
    let text = std::fs::read_to_string(dist.join("config.json")).unwrap_or_default();
    let configured = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v.get("defaultLocale")?.as_str().map(str::to_owned));
    LOCALES
        .into_iter()
        .find(|l| configured.as_deref() == Some(*l))
        .unwrap_or(LOCALES[0])
}

/// A `_redirects` file (Netlify's rules; Cloudflare Pages reads the same
/// file but has no `Language` condition, so there only the default
/// locale's pages apply): each route to its static page, the other
/// locales' for browsers that prefer them, and the not-found page with 404
/// for any other path. Files that exist (the default locale's pages, the
/// hashed assets) answer for themselves.
pub fn redirects(public_url: &str) -> String {
    let mut out = String::from(
        "# Written by cargo xtask dist: each route's static page (README › Deployment).\n",
    );
    let pattern = |p: &crate::routes::StaticPage| {
        let url = p
            .route
            .map(|r| r.pattern().to_owned())
            .unwrap_or_else(|| "/*".to_owned());
        let path = match url.rfind("/:") {
            Some(i) => format!("{}/*", &url[..i]),
            None => url,
        };
        let query = p
            .url
            .split_once('?')
            .map(|(_, q)| format!("  {q}"))
            .unwrap_or_default();
        (
            format!("{public_url}{}", path.trim_start_matches('/')),
            query,
        )
    };
    // Query rules first: Netlify takes the first rule that matches.
    let mut pages: Vec<_> = STATIC_PAGES.iter().filter(|p| p.route.is_some()).collect();
    pages.sort_by_key(|p| !p.url.contains('?'));
    for locale in &LOCALES[1..] {
        let language = locale.split('-').next().unwrap_or(locale);
        for p in &pages {
            let (from, query) = pattern(p);
            out.push_str(&format!(
                "{from}{query}  {public_url}{locale}/{}  200!  Language={language}\n",
                p.file
            ));
        }
    }
    for p in &pages {
        let (from, query) = pattern(p);
        let own_path = !query.is_empty() || from.ends_with('*');
        if own_path {
            out.push_str(&format!("{from}{query}  {public_url}{}  200!\n", p.file));
        }
    }
    for locale in &LOCALES[1..] {
        let language = locale.split('-').next().unwrap_or(locale);
        out.push_str(&format!(
            "{public_url}*  {public_url}{locale}/{}  404  Language={language}\n",
            crate::routes::NOT_FOUND_FILE
        ));
    }
    out.push_str(&format!(
        "{public_url}*  {public_url}{}  404\n",
        crate::routes::NOT_FOUND_FILE
    ));
    out
}

/// `early.js` under a hashed name; returns its `<script>` tag.
fn write_early(dist: &Path, public_url: &str) -> Result<String, String> {
    let body = include_str!("early.js");
    let hash: String = Sha256::digest(body.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("early-{hash}.js");
    std::fs::write(dist.join(&name), body).map_err(|e| format!("dist/{name}: {e}"))?;
    let sri = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(body.as_bytes()));
    Ok(format!(
        "<script defer src=\"{public_url}{name}\" integrity=\"sha384-{sri}\" crossorigin=\"anonymous\"></script>"
    ))
}

/// The static page: the build's `index.html` with the rendered body, title
/// and language, marked so that the app takes it over.
pub fn page_html(template: &str, dom: &str, locale: &str, early: &str) -> Result<String, String> {
    let body_start = dom.find("<body").ok_or("the rendered page has no <body>")?;
    let body_end = dom
        .rfind("</body>")
        .map(|i| i + "</body>".len())
        .ok_or("the rendered page has no </body>")?;
    let body = &dom[body_start..body_end];
    if body.contains("<script") {
        return Err("the rendered body contains a script".into());
    }
    let open_end = body.find('>').ok_or("unterminated <body>")?;
    let body = format!(
        "{} data-pc-static=\"\"{}",
        &body[..open_end],
        &body[open_end..]
    );
    let title = between(dom, "<title>", "</title>").ok_or("the rendered page has no title")?;

    let t_start = template.find("<body").ok_or("index.html has no <body>")?;
    let t_end = template
        .rfind("</body>")
        .map(|i| i + "</body>".len())
        .ok_or("index.html has no </body>")?;
    let mut out = format!("{}{}{}", &template[..t_start], body, &template[t_end..]);
    out = replace_once(
        &out,
        "<html lang=\"en-US\">",
        &format!("<html lang=\"{locale}\">"),
    )?;
    let old_title = between(&out, "<title>", "</title>")
        .ok_or("index.html has no title")?
        .to_owned();
    out = replace_once(
        &out,
        &format!("<title>{old_title}</title>"),
        &format!("<title>{title}</title>"),
    )?;
    // early.js first: it must be listening before anyone can submit.
    let script_at = out.find("<script").ok_or("index.html has no script")?;
    out.insert_str(script_at, &format!("{early}\n"));
    Ok(out)
}

/// The page's chunks, which the loader starts with the main module (README
/// › Sizes): tags at the end of the head.
fn add_preloads(html: String, tags: &str) -> Result<String, String> {
    if tags.is_empty() {
        return Ok(html);
    }
    replace_once(&html, "</head>", &format!("{tags}</head>"))
}

fn between<'a>(s: &'a str, open: &str, close: &str) -> Option<&'a str> {
    let start = s.find(open)? + open.len();
    let len = s[start..].find(close)?;
    Some(&s[start..start + len])
}

fn replace_once(s: &str, old: &str, new: &str) -> Result<String, String> {
    if !s.contains(old) {
        return Err(format!("index.html has no {old}"));
    }
    Ok(s.replacen(old, new, 1))
}

/// A plain static host for the build while it renders itself: files as
/// they are, the shell (`index.html`) for every route.
struct StaticServer {
    port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl StaticServer {
    fn start(dist: PathBuf, public_url: String) -> Result<Self, String> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if flag.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (dist, base) = (dist.clone(), public_url.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &dist, &base);
                });
            }
        });
        Ok(StaticServer { port, stop })
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(mut conn: TcpStream, dist: &Path, base: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let rel = path
        .strip_prefix(base)
        .unwrap_or(path.trim_start_matches('/'));
    let file = dist.join(rel);
    let inside = !rel.split('/').any(|s| s == "..");
    let file = if inside && file.is_file() {
        file
    } else {
        dist.join("index.html")
    };
    let body = std::fs::read(&file)?;
    let kind = match file.extension().and_then(|e| e.to_str()) {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        _ => "text/html; charset=utf-8",
    };
    write!(
        conn,
        "HTTP/1.1 200 OK\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    )?;
    conn.write_all(&body)
}

/// Headless Chromium through chromedriver, one session for every page.
struct Driver {
    child: Child,
    port: u16,
    session: String,
    _profile: TempDir,
}

struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Driver {
    fn start() -> Result<Self, String> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map_err(|e| e.to_string())?
            .port();
        let child = Command::new(crate::tools::chromedriver())
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start chromedriver: {e}"))?;
        let profile = TempDir(
            std::env::temp_dir().join(format!("pc-prerender-{}-{port}", std::process::id())),
        );
        let mut d = Driver {
            child,
            port,
            session: String::new(),
            _profile: profile,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                return Err("chromedriver did not start within 20 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": crate::tools::chromium(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update",
                         "--disable-sync", "--window-size=1280,800",
                         format!("--user-data-dir={}", d._profile.0.display())]
            }
        }}});
        let v = d.call("POST", "/session", &caps)?;
        d.session = v["value"]["sessionId"]
            .as_str()
            .ok_or_else(|| format!("chromedriver gave no session: {v}"))?
            .to_owned();
        Ok(d)
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Result<Value, String> {
        let (status, raw) = crate::bench::http(self.port, method, path, &[], &body.to_string())
            .map_err(|e| format!("chromedriver {path}: {e}"))?;
        let text = raw.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
        let text = if raw
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
        {
            dechunk(text)
        } else {
            text.to_owned()
        };
        let v: Value = serde_json::from_str(&text)
            .map_err(|e| format!("chromedriver {path} answered {status}: {e}: {text}"))?;
        if status != 200 {
            return Err(format!("chromedriver {path} answered {status}: {v}"));
        }
        Ok(v)
    }

    /// Opens `url` and returns the document once the app shows its page:
    /// a heading, and nothing waiting for the session.
    fn render(&self, url: &str) -> Result<String, String> {
        let s = &self.session;
        // A new document each time (a fragment-only change would not load).
        self.call(
            "POST",
            &format!("/session/{s}/url"),
            &json!({"url": "about:blank"}),
        )?;
        self.call("POST", &format!("/session/{s}/url"), &json!({ "url": url }))?;
        let script = "const ready = document.documentElement.hasAttribute('data-pc-live') \
            && document.querySelector('#pc-main h1') && !document.querySelector('[data-pc-wait]'); \
            return ready ? '<!doctype html>' + document.documentElement.outerHTML : null;";
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let v = self.call(
                "POST",
                &format!("/session/{s}/execute/sync"),
                &json!({"script": script, "args": []}),
            )?;
            if let Some(html) = v["value"].as_str() {
                // One more frame's worth for effects that follow the heading.
                std::thread::sleep(Duration::from_millis(100));
                let v = self.call(
                    "POST",
                    &format!("/session/{s}/execute/sync"),
                    &json!({"script": script, "args": []}),
                )?;
                return Ok(v["value"].as_str().unwrap_or(html).to_owned());
            }
            if Instant::now() > deadline {
                return Err(format!("{url} did not render within 30 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.call("DELETE", &format!("/session/{}", self.session), &json!({}));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "<!doctype html>\n<html lang=\"en-US\">\n<head><title>Partner Center</title>\
        <script type=\"module\" src=\"/loader-1.js\"></script></head>\n\
        <body class=\"pc-root pc-app\" data-partner-center=\"standalone\">\n<div id=\"boot\">Loading</div>\n</body>\n</html>\n";

    #[test]
    fn a_static_page_is_the_template_with_the_rendered_body() {
        let dom = "<!doctype html><html lang=\"zh-TW\"><head><title>建立帳戶 – 合作夥伴中心</title></head>\
            <body class=\"pc-root pc-app\" data-partner-center=\"standalone\" lang=\"zh-TW\"><header>合作夥伴中心</header>\
            <main id=\"pc-main\"><h1>建立帳戶</h1><input id=\"email\"></main></body></html>";
        let out = page_html(
            TEMPLATE,
            dom,
            "zh-TW",
            "<script defer src=\"/early-1.js\"></script>",
        )
        .unwrap();
        assert!(
            out.starts_with("<!doctype html>\n<html lang=\"zh-TW\">"),
            "{out}"
        );
        assert!(out.contains("<title>建立帳戶 – 合作夥伴中心</title>"));
        assert!(
            out.contains("lang=\"zh-TW\" data-pc-static=\"\"><header>"),
            "{out}"
        );
        assert!(out.contains("<input id=\"email\">"));
        assert!(!out.contains("boot"), "the shell's loading text is gone");
        let early = out.find("early-1.js").unwrap();
        assert!(
            early < out.find("loader-1.js").unwrap(),
            "early.js comes first"
        );
    }

    #[test]
    fn a_rendered_body_with_a_script_is_refused() {
        let dom =
            "<html><head><title>x</title></head><body><script>alert(1)</script></body></html>";
        assert!(page_html(TEMPLATE, dom, "en-US", "").is_err());
        assert!(page_html(TEMPLATE, "<html></html>", "en-US", "").is_err());
    }

    #[test]
    fn the_redirects_send_each_route_to_its_page() {
        let r = redirects("/portal/partners/");
        let lines: Vec<&str> = r.lines().collect();
        assert!(lines.contains(&"/portal/partners/enroll  /portal/partners/zh-TW/enroll/index.html  200!  Language=zh"), "{r}");
        assert!(
            lines.contains(
                &"/portal/partners/verify-email/*  /portal/partners/verify-email/index.html  200!"
            ),
            "{r}"
        );
        let create = "/portal/partners/enroll/account  mode=create  /portal/partners/enroll/account/create.html  200!";
        let create_at = lines.iter().position(|l| *l == create).expect(create);
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("/portal/partners/enroll  /portal/partners/enroll/")),
            "own files answer for themselves: {r}"
        );
        assert_eq!(
            *lines.last().unwrap(),
            "/portal/partners/*  /portal/partners/404.html  404"
        );
        let zh_create = lines
            .iter()
            .position(|l| l.contains("mode=create") && l.contains("Language=zh"))
            .unwrap();
        let zh_account = lines
            .iter()
            .position(|l| l.starts_with("/portal/partners/enroll/account  /portal/partners/zh-TW/"))
            .unwrap();
        assert!(
            zh_create < zh_account && zh_create < create_at,
            "query rules come first: {r}"
        );
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk("4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n"), "Wikipedia");
    }
}

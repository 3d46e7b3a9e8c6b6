//! Lighthouse for `cargo xtask bench`: our routes, and the same routes of
//! the React yardstick (`../shared/peers/react-enroll`, built with npm in
//! this run) side by side, with what each route fetches until it is usable
//! (brotli) and, where anything moved, what did (the layout-shift sources).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::bench::{body_len, expect, http, session_cookie, tempdir};
use crate::{cache_dir, sh, step, tools};

/// Lighthouse's figures for one page of one site on one device.
pub struct Row {
    pub site: &'static str,
    pub page: &'static str,
    pub device: &'static str,
    pub perf: f64,
    pub a11y: f64,
    pub best: f64,
    pub lcp_ms: f64,
    pub tbt_ms: f64,
    pub cls: f64,
    /// Everything the page fetched while Lighthouse loaded it, as the
    /// server sends it to a browser that accepts brotli.
    pub bytes: u64,
    /// What moved, when CLS > 0: element and its share of the score.
    pub shifts: Vec<String>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The run whose value is the median (for the details that go with it).
fn median_run(
    runs: &[serde_json::Value],
    value: impl Fn(&serde_json::Value) -> f64,
) -> Option<&serde_json::Value> {
    let m = median(runs.iter().map(&value).collect());
    runs.iter().find(|j| value(j) == m).or(runs.first())
}

/// The elements a report's layout shifts moved, largest first.
pub fn shift_sources(report: &serde_json::Value) -> Vec<String> {
    // Lighthouse 12 calls the audit `layout-shifts`; 10 and 11 had
    // `layout-shift-elements`.
    let items = ["layout-shifts", "layout-shift-elements"]
        .iter()
        .find_map(|id| report["audits"][id]["details"]["items"].as_array())
        .cloned()
        .unwrap_or_default();
    items
        .iter()
        .take(5)
        .map(|item| {
            let node = &item["node"];
            let what = node["selector"]
                .as_str()
                .or_else(|| node["nodeLabel"].as_str())
                .or_else(|| node["snippet"].as_str())
                .unwrap_or("(an element Lighthouse could not name)");
            let score = item["score"]
                .as_f64()
                .or_else(|| item["cumulativeLayoutShiftMainFrame"].as_f64());
            match score {
                Some(s) => format!("{what} ({s:.3})"),
                None => what.to_owned(),
            }
        })
        .collect()
}

/// The same-origin paths a report's page fetched, in order, once each.
pub fn fetched_paths(report: &serde_json::Value, origin: &str) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for item in report["audits"]["network-requests"]["details"]["items"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let Some(path) = item["url"].as_str().and_then(|u| u.strip_prefix(origin)) else {
            continue;
        };
        let path = if path.is_empty() { "/" } else { path };
        if !out.iter().any(|p| p == path) {
            out.push(path.to_owned());
        }
    }
    out
}

/// Lighthouse 12 on `pages` of the site on `port`, mobile (its default: a
/// mid-range phone on a slow 4G link, simulated) and desktop, three runs
/// each. Each page's bytes are what it fetched in the first run, asked
/// again of the same server with brotli accepted.
fn runs(
    root: &Path,
    bin: &Path,
    site: &'static str,
    port: u16,
    pages: &[(&'static str, Option<String>)],
) -> Result<Vec<Row>, String> {
    let origin = format!("http://127.0.0.1:{port}");
    let out_dir = tempdir(
        root,
        &format!("bench-lighthouse-{}", site.to_ascii_lowercase()),
    )?;
    let mut rows = vec![];
    for (page, cookie) in pages {
        let mut bytes = None;
        for device in ["mobile", "desktop"] {
            let mut reports = vec![];
            for run in 0..3 {
                let out = out_dir.join(format!("{}-{device}-{run}.json", page.replace('/', "_")));
                let mut cmd = Command::new(bin);
                cmd.arg(format!("{origin}{page}"))
                    .args(["--quiet", "--output=json"])
                    .arg(format!("--output-path={}", out.display()))
                    .arg("--only-categories=performance,accessibility,best-practices")
                    .arg(
                        "--chrome-flags=--headless=new --no-sandbox --disable-gpu \
                         --disable-background-networking --disable-component-update \
                         --disable-sync --no-first-run",
                    )
                    .env("CHROME_PATH", tools::chromium());
                if device == "desktop" {
                    cmd.arg("--preset=desktop");
                }
                if let Some(c) = cookie {
                    cmd.arg(format!("--extra-headers={{\"Cookie\":\"{c}\"}}"));
                }
                let status = cmd
                    .status()
                    .map_err(|e| format!("cannot start lighthouse: {e}"))?;
                if !status.success() {
                    return Err(format!("lighthouse failed on {site} {page} ({device})"));
                }
                let text =
                    std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
                let j: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", out.display()))?;
                reports.push(j);
            }
            if bytes.is_none() {
                let mut headers = vec![("accept-encoding", "br")];
                if let Some(c) = cookie {
                    headers.push(("cookie", c.as_str()));
                }
                let mut total = 0u64;
                for path in fetched_paths(&reports[0], &origin) {
                    let (_, n) = body_len(port, &path, &headers)?;
                    total += n as u64;
                }
                bytes = Some(total);
            }
            let score = |cat: &str| {
                median(
                    reports
                        .iter()
                        .map(|j| j["categories"][cat]["score"].as_f64().unwrap_or(f64::NAN) * 100.0)
                        .collect(),
                )
            };
            let audit = |id: &str| {
                median(
                    reports
                        .iter()
                        .map(|j| j["audits"][id]["numericValue"].as_f64().unwrap_or(f64::NAN))
                        .collect(),
                )
            };
            let cls_of = |j: &serde_json::Value| {
                j["audits"]["cumulative-layout-shift"]["numericValue"]
                    .as_f64()
                    .unwrap_or(0.0)
            };
            let cls = audit("cumulative-layout-shift");
            let shifts = if cls > 0.0 {
                median_run(&reports, cls_of)
                    .map(shift_sources)
                    .unwrap_or_default()
            } else {
                vec![]
            };
            let row = Row {
                site,
                page,
                device,
                perf: score("performance"),
                a11y: score("accessibility"),
                best: score("best-practices"),
                lcp_ms: audit("largest-contentful-paint"),
                tbt_ms: audit("total-blocking-time"),
                cls,
                bytes: bytes.unwrap_or(0),
                shifts,
            };
            println!(
                "  {site:<6} {page:<16} {device:<8} performance {:.0}, accessibility {:.0}, best practices {:.0}, \
                 LCP {:.0} ms, TBT {:.0} ms, CLS {:.3}, {:.1} KB",
                row.perf,
                row.a11y,
                row.best,
                row.lcp_ms,
                row.tbt_ms,
                row.cls,
                row.bytes as f64 / 1024.0
            );
            rows.push(row);
        }
    }
    Ok(rows)
}

/// Our four routes on the bundled server: the company step as an applicant
/// who has not enrolled, the dashboard as the enrolled admin.
pub fn ours(root: &Path, bin: &Path, port: u16, admin: &str) -> Result<Vec<Row>, String> {
    step("Lighthouse 12, ours: /enroll, /enroll/account, /enroll/company, /dashboard; mobile and desktop; 3 runs each");
    let account = r#"{"company_domain":"fabrikam.com","first_name":"Li","last_name":"Wu","email":"li@fabrikam.com","password":"blue-kettle-71-orbit"}"#;
    let applicant = session_cookie(&expect(
        "create account",
        201,
        http(port, "POST", "/api/v1/accounts", &[], account)?,
    )?)?;
    runs(
        root,
        bin,
        "ours",
        port,
        &[
            ("/enroll", None),
            ("/enroll/account", None),
            ("/enroll/company", Some(applicant)),
            ("/dashboard", Some(admin.to_owned())),
        ],
    )
}

/// Where the React yardstick's sources are: `PC_REACT_PEER`, else
/// `../shared/peers/react-enroll` beside the checkout.
fn react_sources(root: &Path) -> PathBuf {
    std::env::var_os("PC_REACT_PEER")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("../shared/peers/react-enroll"))
}

/// Copies `from` into `to`, but for the folders named in `skip`.
fn copy_tree(from: &Path, to: &Path, skip: &[&str]) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| e.to_string())?;
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().map_err(|e| e.to_string())?.is_dir() {
            copy_tree(&src, &dst, skip)?;
        } else {
            std::fs::copy(&src, &dst)
                .map_err(|e| format!("{} → {}: {e}", src.display(), dst.display()))?;
        }
    }
    Ok(())
}

struct Peer(Child);

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The React yardstick built as its README says (`npm ci` when its lock
/// changed, `npm run build`) in a copy under the cache folder (its sources
/// may be read-only), served by its own `serve.py`, and measured like ours.
/// `None` when its sources are not there.
pub fn react_yardstick(root: &Path, bin: &Path) -> Result<Option<Vec<Row>>, String> {
    let src = react_sources(root);
    if !src.join("package.json").is_file() {
        println!(
            "  React yardstick: no sources at {} (set PC_REACT_PEER); skipped",
            src.display()
        );
        return Ok(None);
    }
    step(
        "React yardstick: build (npm) and Lighthouse on /enroll, /enroll/account, /enroll/company",
    );
    let work = cache_dir().join("react-enroll");
    copy_tree(&src, &work, &["node_modules", "dist"])?;
    let lock = std::fs::read(work.join("package-lock.json"))
        .map_err(|e| format!("package-lock.json: {e}"))?;
    let stamp = work.join("node_modules/.pc-lock");
    let want = format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&lock));
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(want.as_str()) {
        sh(Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&work))?;
        std::fs::write(&stamp, &want).map_err(|e| format!("{}: {e}", stamp.display()))?;
    } else {
        println!("  node_modules for {}: present", work.display());
    }
    sh(Command::new("npm")
        .args(["run", "build"])
        .current_dir(&work))?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let peer = Peer(
        Command::new("python3")
            .arg("serve.py")
            .arg(port.to_string())
            .current_dir(&work)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the yardstick's serve.py: {e}"))?,
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("the yardstick's serve.py did not listen within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let rows = runs(
        root,
        bin,
        "React",
        port,
        &[
            ("/enroll", None),
            ("/enroll/account", None),
            ("/enroll/company", None),
        ],
    )?;
    drop(peer);
    Ok(Some(rows))
}

/// Ours beside the yardstick, route by route and device by device.
pub fn summary(ours: &[Row], react: Option<&[Row]>) {
    step("summary: Lighthouse 12 (Debian Chromium), median of 3 runs per figure; KB = all a first visit fetches, brotli");
    println!(
        "  {:<16} {:<8} {:<6} {:>8} {:>6} {:>6} {:>6} {:>9} {:>8} {:>7}",
        "page", "device", "site", "KB", "perf", "a11y", "b-p", "LCP ms", "TBT ms", "CLS"
    );
    let line = |r: &Row| {
        println!(
            "  {:<16} {:<8} {:<6} {:>8.1} {:>6.0} {:>6.0} {:>6.0} {:>9.0} {:>8.0} {:>7.3}",
            r.page,
            r.device,
            r.site,
            r.bytes as f64 / 1024.0,
            r.perf,
            r.a11y,
            r.best,
            r.lcp_ms,
            r.tbt_ms,
            r.cls
        );
    };
    for r in ours {
        line(r);
        match react.and_then(|rs| rs.iter().find(|x| x.page == r.page && x.device == r.device)) {
            Some(x) => line(x),
            None if react.is_some() => println!(
                "  {:<16} {:<8} React  (the yardstick has no such page)",
                r.page, r.device
            ),
            None => {}
        }
    }
    for r in ours.iter().chain(react.unwrap_or_default()) {
        if !r.shifts.is_empty() {
            println!(
                "  layout shifts, {} {} {}: {}",
                r.site,
                r.page,
                r.device,
                r.shifts.join("; ")
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetched_paths_keep_the_sites_own_requests_once_each_in_order() {
        let report = serde_json::json!({"audits": {"network-requests": {"details": {"items": [
            {"url": "http://127.0.0.1:9/enroll"},
            {"url": "http://127.0.0.1:9/app-1.wasm"},
            {"url": "https://fonts.example/x.woff2"},
            {"url": "http://127.0.0.1:9/app-1.wasm"},
            {"url": "http://127.0.0.1:9/api/v1/session?x=1"},
        ]}}}});
        assert_eq!(
            fetched_paths(&report, "http://127.0.0.1:9"),
            ["/enroll", "/app-1.wasm", "/api/v1/session?x=1"]
        );
        assert!(fetched_paths(&serde_json::json!({}), "http://127.0.0.1:9").is_empty());
    }

    #[test]
    fn layout_shift_sources_name_the_element_and_its_score() {
        let report = serde_json::json!({"audits": {"layout-shifts": {"details": {"items": [
            {"node": {"selector": "main > section.card", "nodeLabel": "Work account"}, "score": 0.121},
            {"node": {"nodeLabel": "Next"}, "score": 0.004},
        ]}}}});
        assert_eq!(
            shift_sources(&report),
            ["main > section.card (0.121)", "Next (0.004)"]
        );
        let older = serde_json::json!({"audits": {"layout-shift-elements": {"details": {"items": [
            {"node": {"snippet": "<div class=\"stepper\">"}}
        ]}}}});
        assert_eq!(shift_sources(&older), ["<div class=\"stepper\">"]);
    }

    #[test]
    fn the_median_run_is_the_one_with_the_median_value() {
        let runs: Vec<serde_json::Value> = [0.3, 0.1, 0.2]
            .iter()
            .map(|v| serde_json::json!({ "v": v }))
            .collect();
        let run = median_run(&runs, |j| j["v"].as_f64().unwrap()).unwrap();
        assert_eq!(run["v"], 0.2);
    }
}

//! `cargo xtask bench`: figures to compare across commits. What the app
//! loads, what makes up its wasm, and the server's latency at constant
//! request rates on SQLite and on PostgreSQL, with its peak memory.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{build_release, lighthouse, postgres, server_bin, sh, sizes, step, target_dir, tools};

/// Requests per second each read is offered at (the #7 target to beat).
const READ_RATE: u32 = 5_000;
const SECONDS: u32 = 10;

pub fn run(root: &Path) -> Result<(), String> {
    tools::bootstrap(root)?;
    let oha = tools::oha()?;
    let twiggy = tools::twiggy()?;
    let lighthouse = tools::lighthouse(root)?;
    build_release(root)?;

    step("sizes: what a first visit loads");
    println!(
        "  Every route paints from its own static page, then loads the main module\n  \
         and the chunks its page names."
    );
    sizes::report(&root.join("dist"))?;
    sizes::route_report(&root.join("dist"))?;

    step("wasm: the main module's biggest contributors (twiggy top, after the split, before wasm-bindgen and wasm-opt)");
    let wasm = target_dir(root).join("split-work/partner-center.wasm");
    sh(Command::new(&twiggy).args(["top", "-n", "15"]).arg(&wasm))?;

    let browser = browser_timings(root)?;

    let mut rows = vec![];
    let mut peaks = vec![];
    let mut lighthouse_rows = vec![];
    {
        let dir = tempdir(root, "bench-sqlite")?;
        let url = format!("sqlite://{}", dir.join("bench.db").display());
        let (r, rss, lh) = server_figures(root, &oha, "SQLite", &url, Some(&lighthouse))?;
        rows.extend(r);
        peaks.push(("SQLite", rss));
        lighthouse_rows = lh;
    }
    {
        // Durable, as a deployment would run it (fsync on).
        let pg = postgres::Server::start(&target_dir(root).join("pg-bench"), true)?;
        let url = pg.create_database("bench")?;
        let (r, rss, _) = server_figures(root, &oha, "PostgreSQL", &url, None)?;
        rows.extend(r);
        peaks.push(("PostgreSQL", rss));
    }

    let react = lighthouse::react_yardstick(root, &lighthouse)?;
    lighthouse::summary(&lighthouse_rows, react.as_deref());

    step("summary: in the browser (headless Chromium, Performance API)");
    println!(
        "  {:<58} {:>5} {:>9} {:>9}",
        "what", "n", "median ms", "p95 ms"
    );
    for line in &browser {
        let f: Vec<&str> = line.split(" | ").collect();
        if let [what, n, median, p95] = f[..] {
            println!("  {what:<58} {n:>5} {median:>9} {p95:>9}");
        }
    }

    step("summary: server at a constant rate (oha, latency-corrected)");
    println!(
        "  {:<11} {:<28} {:>8} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "database", "request", "offered", "achieved", "p50 ms", "p99 ms", "max ms", "non-2xx"
    );
    for r in &rows {
        println!(
            "  {:<11} {:<28} {:>8} {:>9.0} {:>8.2} {:>8.2} {:>8.1} {:>7}",
            r.backend, r.name, r.offered, r.achieved, r.p50_ms, r.p99_ms, r.max_ms, r.failed
        );
    }
    for (backend, rss) in peaks {
        println!(
            "  peak RSS of the server on {backend}: {:.1} MiB",
            rss as f64 / 1024.0
        );
    }
    println!(
        "  Load generator and server share this machine's {} cores; {} s per row.",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        SECONDS
    );
    Ok(())
}

struct Row {
    backend: &'static str,
    name: String,
    offered: u32,
    achieved: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    failed: u64,
}

pub fn tempdir(root: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = target_dir(root).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_server(root: &Path, url: &str) -> Result<Server, String> {
    use std::io::BufRead;
    let mut child = Command::new(server_bin(root))
        .args([
            "--database-url",
            url,
            "--port",
            "0",
            "--cookie-secure",
            "never",
            // Links in emails point at the app; this server is the app.
            "--app-url",
            "http://127.0.0.1/",
        ])
        .arg("--dist")
        .arg(root.join("dist"))
        // The DUNS look-up is limited per user (here one user asks 50,000
        // times), account creation per address (here 2,500 from one).
        .args([
            "--duns-burst",
            "1000000000",
            "--create-account-burst",
            "1000000000",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no server output")?;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(addr) = line.strip_prefix("listening on http://") {
            let port = addr
                .trim_end_matches('/')
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("unexpected server line {line:?}"))?;
            return Ok(Server { child, port });
        }
    }
    Err("the server ended before listening".into())
}

/// One HTTP/1.1 exchange on a new connection: the answer's bytes.
fn http_raw(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<Vec<u8>, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nconnection: close\r\n\
         x-requested-with: partner-center\r\ncontent-type: application/json\r\n\
         content-length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).map_err(|e| e.to_string())?;
    // One answer, not "until the peer closes": chromedriver keeps the
    // connection open whatever the request asks.
    s.set_read_timeout(Some(std::time::Duration::from_secs(120)))
        .map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        if let Some(len) = answer_len(&raw) {
            if raw.len() >= len {
                raw.truncate(len);
                break;
            }
        }
        let n = s
            .read(&mut buf)
            .map_err(|e| format!("{method} {path}: {e}"))?;
        if n == 0 {
            break;
        }
        raw.extend_from_slice(&buf[..n]);
    }
    Ok(raw)
}

/// One HTTP/1.1 exchange on a new connection: status and the whole answer.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String), String> {
    let raw = http_raw(port, method, path, headers, body)?;
    let out = String::from_utf8_lossy(&raw).into_owned();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, out))
}

/// The status and the body's length in bytes, as sent (so compressed if
/// the headers ask for an encoding the server has).
pub fn body_len(port: u16, path: &str, headers: &[(&str, &str)]) -> Result<(u16, usize), String> {
    let raw = http_raw(port, "GET", path, headers, "")?;
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map_or(raw.len(), |i| i + 4);
    let status = String::from_utf8_lossy(&raw[..head_end])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, raw.len() - head_end))
}

/// The whole answer's length once its head is in: the head plus its
/// `content-length`, or up to a chunked body's last chunk.
fn answer_len(raw: &[u8]) -> Option<usize> {
    let head_end = raw.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&raw[..head_end]).to_ascii_lowercase();
    for line in head.lines() {
        if let Some(v) = line.strip_prefix("content-length:") {
            return v.trim().parse::<usize>().ok().map(|n| head_end + n);
        }
        if line.starts_with("transfer-encoding:") && line.contains("chunked") {
            let body = &raw[head_end..];
            return body
                .windows(5)
                .position(|w| w == b"0\r\n\r\n")
                .filter(|&i| i == 0 || body[i - 1] == b'\n')
                .map(|i| head_end + i + 5);
        }
    }
    None
}

pub fn expect(what: &str, want: u16, got: (u16, String)) -> Result<String, String> {
    if got.0 == want {
        Ok(got.1)
    } else {
        Err(format!(
            "bench set-up: {what} answered {}:\n{}",
            got.0, got.1
        ))
    }
}

/// A tenant with a partner account and 60 more users, and its admin's
/// session cookie.
fn seed(port: u16) -> Result<String, String> {
    let account = r#"{"company_domain":"contoso.com","first_name":"Mei","last_name":"Chen","email":"mei@contoso.com","password":"blue-kettle-71-orbit"}"#;
    let answer = expect(
        "create account",
        201,
        http(port, "POST", "/api/v1/accounts", &[], account)?,
    )?;
    let cookie = session_cookie(&answer)?;
    let enroll = r#"{"profile":{"country":"US","legal_name":"Contoso Ltd.","line1":"1 Contoso Way","city":"Redmond","state":"WA","postal_code":"98052"},"contact":{"first_name":"Wei","last_name":"Chen","email":"wei@contoso.com"}}"#;
    expect(
        "Enroll now",
        201,
        http(
            port,
            "POST",
            "/api/v1/enrollment",
            &[("cookie", &cookie), ("idempotency-key", "bench-seed-0001")],
            enroll,
        )?,
    )?;
    for i in 0..60u8 {
        // Names take letters only.
        let last = format!(
            "Tester{}{}",
            (b'A' + i / 26) as char,
            (b'a' + i % 26) as char
        );
        let user = format!(
            r#"{{"first_name":"User","last_name":"{last}","email":"user{i}@contoso.com","roles":[]}}"#
        );
        expect(
            "add user",
            201,
            http(port, "POST", "/api/v1/users", &[("cookie", &cookie)], &user)?,
        )?;
    }
    Ok(cookie)
}

fn server_figures(
    root: &Path,
    oha: &Path,
    backend: &'static str,
    url: &str,
    lighthouse: Option<&Path>,
) -> Result<(Vec<Row>, u64, Vec<lighthouse::Row>), String> {
    step(&format!(
        "server on {backend}: {READ_RATE} requests/s for {SECONDS} s each"
    ));
    let server = start_server(root, url)?;
    let cookie = seed(server.port)?;
    let lh = match lighthouse {
        Some(bin) => lighthouse::ours(root, bin, server.port, &cookie)?,
        None => vec![],
    };
    let reads: [(&str, &str, bool); 5] = [
        ("health", "/api/v1/health", false),
        ("country rules", "/api/v1/countries/TW", false),
        ("profile read", "/api/v1/partner-account", true),
        (
            "user list, page of 50",
            "/api/v1/users?page=1&per_page=50",
            true,
        ),
        ("DUNS look-up", "/api/v1/duns/081466849", true),
    ];
    let mut rows = vec![];
    for (name, path, signed_in) in reads {
        let target = format!("http://127.0.0.1:{}{path}", server.port);
        let mut cmd = Command::new(oha);
        cmd.args([
            "--no-tui",
            "--output-format",
            "json",
            "--latency-correction",
        ])
        .args([
            "-z",
            &format!("{SECONDS}s"),
            "-q",
            &READ_RATE.to_string(),
            "-c",
            "64",
        ])
        .args(["-H", "x-requested-with: partner-center"]);
        if signed_in {
            cmd.args(["-H", &format!("cookie: {cookie}")]);
        }
        let out = cmd
            .arg(&target)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| format!("cannot start oha: {e}"))?;
        if !out.status.success() {
            return Err(format!("oha failed on {target}"));
        }
        let json: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| format!("oha's JSON for {target}: {e}"))?;
        let ms = |v: &serde_json::Value| v.as_f64().unwrap_or(f64::NAN) * 1000.0;
        let codes = &json["statusCodeDistribution"];
        let ok: u64 = codes
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| k.starts_with('2'))
                    .map(|(_, v)| v.as_u64().unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0);
        let all: u64 = codes
            .as_object()
            .map(|m| m.values().map(|v| v.as_u64().unwrap_or(0)).sum())
            .unwrap_or(0);
        // Requests still open when the run's time is up are not failures.
        let errors: u64 = json["errorDistribution"]
            .as_object()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| !k.contains("deadline"))
                    .map(|(_, v)| v.as_u64().unwrap_or(0))
                    .sum()
            })
            .unwrap_or(0);
        let row = Row {
            backend,
            name: name.to_owned(),
            offered: READ_RATE,
            achieved: json["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
            p50_ms: ms(&json["latencyPercentiles"]["p50"]),
            p99_ms: ms(&json["latencyPercentiles"]["p99"]),
            max_ms: ms(&json["summary"]["slowest"]),
            failed: all - ok + errors,
        };
        println!(
            "  {name:<28} {:>7.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  non-2xx {}",
            row.achieved, row.p50_ms, row.p99_ms, row.failed
        );
        rows.push(row);
        std::thread::sleep(Duration::from_millis(500));
    }
    rows.push(enroll_now_load(server.port, backend)?);
    let rss = peak_rss_kib(server.child.id());
    println!("  peak RSS of the server: {:.1} MiB", rss as f64 / 1024.0);
    Ok((rows, rss, lh))
}

/// The ignored `bench_*` end-to-end tests, in headless Chromium against the
/// release build: their `bench:` lines.
fn browser_timings(root: &Path) -> Result<Vec<String>, String> {
    tools::bootstrap(root)?;
    step("in the browser: keystrokes on the company form, searching 10,000 users");
    let out = Command::new(crate::cargo_exe())
        .args([
            "test",
            "--locked",
            "-p",
            "partner-center",
            "--test",
            "e2e",
            "--",
        ])
        .args(["--ignored", "--exact", "--nocapture", "--test-threads=1"])
        .args([
            "bench::bench_keystrokes_on_the_company_form",
            "bench::bench_filtering_ten_thousand_users",
        ])
        .env("PC_BROWSER", "chromium")
        .env("PC_SERVER_BIN", server_bin(root))
        .env("PC_DIST", root.join("dist"))
        .env("PC_PORTAL_DIST", root.join("dist"))
        .env("PC_AXE", tools::axe_dir(root).join("axe.min.js"))
        .env("CHROMEDRIVER", tools::chromedriver())
        .env("CHROMIUM", tools::chromium())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run the browser benchmarks: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let lines: Vec<String> = text
        .lines()
        // The harness may print the test's name first on the same line.
        .filter_map(|l| {
            l.find("bench: ")
                .map(|i| l[i + "bench: ".len()..].to_owned())
        })
        .collect();
    for l in &lines {
        println!("  {l}");
    }
    if !out.status.success() || lines.len() != 2 {
        return Err(format!("the browser benchmarks failed:\n{text}"));
    }
    Ok(lines)
}

/// *Enroll now* offered at a constant rate: each request needs a tenant and
/// session of its own, which oha cannot vary, so this is its own open-loop
/// client. Request `k` is due at `start + k / rate`; its latency counts from
/// then, not from when a worker got to it (as wrk2 and oha's
/// `--latency-correction` do), so a slow server cannot hide its queue.
fn enroll_now_load(port: u16, backend: &'static str) -> Result<Row, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let n = (ENROLL_RATE * ENROLL_SECONDS) as usize;
    println!("  Enroll now: creating {n} work accounts to enroll…");
    let started = Instant::now();
    let cookies = Arc::new(make_accounts(port, n)?);
    println!("  … in {:.1} s", started.elapsed().as_secs_f64());
    let body = Arc::new(ENROLL_BODY.to_owned());
    let next = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let start = Instant::now() + Duration::from_millis(100);
    let workers: Vec<_> = (0..64)
        .map(|_| {
            let (cookies, body, next, results) =
                (cookies.clone(), body.clone(), next.clone(), results.clone());
            std::thread::spawn(move || loop {
                let k = next.fetch_add(1, Ordering::SeqCst);
                if k >= cookies.len() {
                    return;
                }
                let due = start + Duration::from_secs_f64(k as f64 / f64::from(ENROLL_RATE));
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                let key = format!("bench-enroll-{k:06}");
                let status = http(
                    port,
                    "POST",
                    "/api/v1/enrollment",
                    &[("cookie", &cookies[k]), ("idempotency-key", &key)],
                    &body,
                )
                .map(|(s, _)| s)
                .unwrap_or(0);
                let took = Instant::now().duration_since(due);
                results.lock().unwrap().push((status, took));
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut results = std::mem::take(&mut *results.lock().unwrap());
    let failed = results.iter().filter(|(s, _)| *s != 201).count() as u64;
    results.sort_by_key(|(_, t)| *t);
    let pct = |p: f64| {
        let i = ((results.len() as f64 * p).ceil() as usize).clamp(1, results.len()) - 1;
        results[i].1.as_secs_f64() * 1000.0
    };
    let row = Row {
        backend,
        name: "Enroll now (new tenant each)".into(),
        offered: ENROLL_RATE,
        achieved: results.len() as f64 / elapsed,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        max_ms: pct(1.0),
        failed,
    };
    println!(
        "  {:<28} {:>7.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  non-201 {}",
        row.name, row.achieved, row.p50_ms, row.p99_ms, row.failed
    );
    Ok(row)
}

const ENROLL_RATE: u32 = 500;
const ENROLL_SECONDS: u32 = 5;
const ENROLL_BODY: &str = r#"{"profile":{"country":"US","legal_name":"Contoso Ltd.","line1":"1 Contoso Way","city":"Redmond","state":"WA","postal_code":"98052"},"contact":{"first_name":"Wei","last_name":"Chen","email":"wei@contoso.com"}}"#;

/// `n` work accounts on tenants of their own; their session cookies.
fn make_accounts(port: u16, n: usize) -> Result<Vec<String>, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let next = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let next = next.clone();
            std::thread::spawn(move || -> Result<Vec<(usize, String)>, String> {
                let mut out = vec![];
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= n {
                        return Ok(out);
                    }
                    let account = format!(
                        r#"{{"company_domain":"load{i}.com","first_name":"Mei","last_name":"Chen","email":"mei@load{i}.com","password":"blue-kettle-71-orbit"}}"#
                    );
                    let answer = expect(
                        "create account",
                        201,
                        http(port, "POST", "/api/v1/accounts", &[], &account)?,
                    )?;
                    out.push((i, session_cookie(&answer)?));
                }
            })
        })
        .collect();
    let mut all = vec![];
    for t in threads {
        all.extend(t.join().map_err(|_| "an account thread panicked")??);
    }
    all.sort();
    Ok(all.into_iter().map(|(_, c)| c).collect())
}

pub fn session_cookie(answer: &str) -> Result<String, String> {
    answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .map(str::to_owned)
        .ok_or_else(|| "no session cookie".into())
}

/// The process's high-water resident set (VmHWM), in KiB.
fn peak_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

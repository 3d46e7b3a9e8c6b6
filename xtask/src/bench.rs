//! `cargo xtask bench`: figures to compare across commits. What the app
//! loads, what makes up its wasm, and the server's latency at constant
//! request rates on SQLite and on PostgreSQL, with its peak memory.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::{build_release, postgres, server_bin, sh, sizes, step, target_dir, tools};

/// Requests per second each read is offered at (the #7 target to beat).
const READ_RATE: u32 = 5_000;
const SECONDS: u32 = 10;

pub fn run(root: &Path) -> Result<(), String> {
    tools::bootstrap(root, false)?;
    let oha = tools::oha()?;
    let twiggy = tools::twiggy()?;
    build_release(root)?;

    step("sizes: what a first visit loads");
    println!(
        "  Every route (/enroll, /enroll/account, /enroll/company, /dashboard) loads the\n  \
         same files: index.html names them, and the app is one bundle."
    );
    sizes::report(&root.join("dist"))?;

    step("wasm: biggest contributors (twiggy top, before wasm-opt)");
    let wasm = target_dir(root).join("wasm-bindgen/release/partner-center_bg.wasm");
    sh(Command::new(&twiggy).args(["top", "-n", "15"]).arg(&wasm))?;

    let mut rows = vec![];
    let mut peaks = vec![];
    {
        let dir = tempdir(root, "bench-sqlite")?;
        let url = format!("sqlite://{}", dir.join("bench.db").display());
        let (r, rss) = server_figures(root, &oha, "SQLite", &url)?;
        rows.extend(r);
        peaks.push(("SQLite", rss));
    }
    {
        // Durable, as a deployment would run it (fsync on).
        let pg = postgres::Server::start(&target_dir(root).join("pg-bench"), true)?;
        let url = pg.create_database("bench")?;
        let (r, rss) = server_figures(root, &oha, "PostgreSQL", &url)?;
        rows.extend(r);
        peaks.push(("PostgreSQL", rss));
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

fn tempdir(root: &Path, name: &str) -> Result<PathBuf, String> {
    let dir = target_dir(root).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok(dir)
}

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(root: &Path, url: &str) -> Result<Server, String> {
    use std::io::BufRead;
    let mut child = Command::new(server_bin(root))
        .args([
            "--database-url",
            url,
            "--port",
            "0",
            "--cookie-secure",
            "never",
        ])
        .arg("--dist")
        .arg(root.join("dist"))
        // The DUNS look-up is limited per user; here one user asks 50,000 times.
        .args(["--duns-burst", "1000000000"])
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

/// One HTTP/1.1 exchange on a new connection: status and the whole answer.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<(u16, String), String> {
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
    let mut out = String::new();
    s.read_to_string(&mut out).map_err(|e| e.to_string())?;
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    Ok((status, out))
}

fn expect(what: &str, want: u16, got: (u16, String)) -> Result<String, String> {
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
    let cookie = answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .ok_or("no session cookie")?
        .to_owned();
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
) -> Result<(Vec<Row>, u64), String> {
    step(&format!(
        "server on {backend}: {READ_RATE} requests/s for {SECONDS} s each"
    ));
    let server = start_server(root, url)?;
    let cookie = seed(server.port)?;
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
    let rss = peak_rss_kib(server.child.id());
    println!("  peak RSS of the server: {:.1} MiB", rss as f64 / 1024.0);
    Ok((rows, rss))
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

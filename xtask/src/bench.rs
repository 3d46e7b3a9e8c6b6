//! `cargo xtask bench`: figures to compare across commits. What the app
//! loads, what makes up its wasm, and the server's latency at constant
//! request rates on SQLite and on PostgreSQL (one server, and three on one
//! database), with its peak memory, also under 50 sign-ups at once.
//! `cargo xtask bench --servers` prints the server's figures alone.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{
    build_release, cargo, lighthouse, postgres, server_bin, sh, sizes, step, target_dir, tools,
};

/// Requests per second each read is offered at (the #7 target to beat).
const READ_RATE: u32 = 5_000;
const SECONDS: u32 = 10;
/// oha's connections for one read row, in all (split among the servers).
const CONNECTIONS: u32 = 64;
/// The server processes of the several-servers rows.
const SERVERS: usize = 3;
/// Sign-ups sent at the same moment to a fresh server.
const SIGNUPS: usize = 50;

/// The reads, each at `READ_RATE`: name, path, whether signed in.
const READS: [(&str, &str, bool); 5] = [
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

const USAGE: &str = "usage: cargo xtask bench [--servers]
  (no flag)   everything: sizes, twiggy, browser timings, Lighthouse, the server
  --servers   the server's figures only: SQLite and PostgreSQL at a constant
              rate, PostgreSQL with 1 and 3 servers side by side, peak RSS
              under 50 sign-ups at once (builds the release server, and the
              app when dist/ has none)";

pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    match args {
        [] => everything(root),
        [flag] if flag == "--servers" => servers_only(root),
        _ => Err(USAGE.into()),
    }
}

fn everything(root: &Path) -> Result<(), String> {
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

    let figures = server_part(root, &oha, Some(&lighthouse))?;

    let react = lighthouse::react_yardstick(root, &lighthouse)?;
    lighthouse::summary(&figures.lighthouse, react.as_deref());

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

    server_summary(&figures);
    Ok(())
}

/// `--servers`: the release server (and the app, which it serves, when
/// `dist/` has none), then the server's figures alone.
fn servers_only(root: &Path) -> Result<(), String> {
    step("tools");
    let oha = tools::oha()?;
    if root.join("dist/index.html").is_file() {
        println!("  dist/index.html: present, the app is not rebuilt");
        step("building the server (release)");
        sh(cargo().args(["build", "--release", "--locked", "-p", "pc-server"]))?;
    } else {
        tools::bootstrap(root)?;
        build_release(root)?;
    }
    let figures = server_part(root, &oha, None)?;
    server_summary(&figures);
    Ok(())
}

/// Everything the server part measured.
struct ServerFigures {
    /// One server, on each database.
    rows: Vec<Row>,
    peaks: Vec<(&'static str, u64)>,
    lighthouse: Vec<lighthouse::Row>,
    /// The PostgreSQL rows again, with `SERVERS` servers on one database.
    several: Vec<Row>,
    several_peaks: Vec<u64>,
    signups: Vec<Signups>,
}

/// The server on SQLite (and Lighthouse against it, when given), on
/// PostgreSQL with one server and with `SERVERS`, and sign-up bursts.
fn server_part(
    root: &Path,
    oha: &Path,
    lighthouse: Option<&Path>,
) -> Result<ServerFigures, String> {
    let mut figures = ServerFigures {
        rows: vec![],
        peaks: vec![],
        lighthouse: vec![],
        several: vec![],
        several_peaks: vec![],
        signups: vec![],
    };
    {
        let dir = tempdir(root, "bench-sqlite")?;
        let url = format!("sqlite://{}", dir.join("bench.db").display());
        let (r, rss, lh) = server_figures(root, oha, "SQLite", &url, lighthouse)?;
        figures.rows.extend(r);
        figures.peaks.push(("SQLite", rss));
        figures.lighthouse = lh;
    }
    {
        // Durable, as a deployment would run it (fsync on).
        let pg = postgres::Server::start(&target_dir(root).join("pg-bench"), true)?;
        let url = pg.create_database("bench")?;
        let (r, rss, _) = server_figures(root, oha, "PostgreSQL", &url, None)?;
        figures.rows.extend(r);
        figures.peaks.push(("PostgreSQL", rss));
        // A database of their own, so that they start where the one did.
        let url = pg.create_database("bench_several")?;
        let (r, peaks) = several_servers(root, oha, &url)?;
        figures.several = r;
        figures.several_peaks = peaks;
        let url = pg.create_database("bench_signups")?;
        figures
            .signups
            .push(signup_burst(root, "PostgreSQL", &url, None)?);
    }
    {
        let dir = tempdir(root, "bench-signups")?;
        let url = format!("sqlite://{}", dir.join("default.db").display());
        figures
            .signups
            .push(signup_burst(root, "SQLite", &url, None)?);
        // The slots of the tests' default, for comparison.
        let url = format!("sqlite://{}", dir.join("four.db").display());
        figures
            .signups
            .push(signup_burst(root, "SQLite", &url, Some(4))?);
    }
    Ok(figures)
}

fn server_summary(f: &ServerFigures) {
    step("summary: server at a constant rate (oha, latency-corrected)");
    println!(
        "  {:<11} {:<28} {:>8} {:>9} {:>8} {:>8} {:>8} {:>7}",
        "database", "request", "offered", "achieved", "p50 ms", "p99 ms", "max ms", "non-2xx"
    );
    for r in &f.rows {
        println!(
            "  {:<11} {:<28} {:>8} {:>9.0} {:>8.2} {:>8.2} {:>8.1} {:>7}",
            r.backend, r.name, r.offered, r.achieved, r.p50_ms, r.p99_ms, r.max_ms, r.failed
        );
    }
    for (backend, rss) in &f.peaks {
        println!(
            "  peak RSS of the server on {backend}: {:.1} MiB",
            *rss as f64 / 1024.0
        );
    }
    println!(
        "  Load generator and server share this machine's {} cores; {} s per row.",
        cores(),
        SECONDS
    );

    step(&format!(
        "summary: PostgreSQL, 1 server and {SERVERS} servers on one database, the same load in all"
    ));
    println!(
        "  {SERVERS} servers: reads are {SERVERS} oha runs at once, one per server, each at 1/{SERVERS} of the rate\n  \
         and of the {CONNECTIONS} connections; achieved is their sum, p50 and p99 the WORST of the {SERVERS}\n  \
         (oha's JSON has each run's percentiles, not each request's latency). Enroll now is\n  \
         one open-loop client sending round-robin to the {SERVERS}; its percentiles are over all requests."
    );
    println!(
        "  {:<28} {:>8} | {:>9} {:>8} {:>8} {:>7} | {:>9} {:>8} {:>8} {:>7}",
        "request",
        "offered",
        "1 srv /s",
        "p50 ms",
        "p99 ms",
        "non-2xx",
        &format!("{SERVERS} srv /s"),
        "p50 ms",
        "p99 ms",
        "non-2xx"
    );
    for r in &f.several {
        let one = f
            .rows
            .iter()
            .find(|o| o.backend == "PostgreSQL" && o.name == r.name);
        let (a, p50, p99, failed) = one.map_or(
            ("—".into(), "—".into(), "—".into(), "—".into()),
            |o| {
                (
                    format!("{:.0}", o.achieved),
                    format!("{:.2}", o.p50_ms),
                    format!("{:.2}", o.p99_ms),
                    o.failed.to_string(),
                )
            },
        );
        println!(
            "  {:<28} {:>8} | {a:>9} {p50:>8} {p99:>8} {failed:>7} | {:>9.0} {:>8.2} {:>8.2} {:>7}",
            r.name, r.offered, r.achieved, r.p50_ms, r.p99_ms, r.failed
        );
    }
    if let Some(one) = f.peaks.iter().find(|(b, _)| *b == "PostgreSQL") {
        println!(
            "  peak RSS, 1 server: {:.1} MiB; {SERVERS} servers: {}",
            one.1 as f64 / 1024.0,
            f.several_peaks
                .iter()
                .map(|k| format!("{:.1} MiB", *k as f64 / 1024.0))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }

    step(&format!(
        "summary: {SIGNUPS} sign-ups at the same moment, each to a fresh server"
    ));
    println!(
        "  {:<11} {:<28} {:>5} {:>5} {:>6} {:>8} {:>13} {:>13}",
        "database", "hash slots", "201", "503", "other", "took s", "peak before", "peak after"
    );
    for s in &f.signups {
        let slots = match (s.slots, s.explicit) {
            (Some(n), true) => format!("{n} (--max-concurrent-hashes)"),
            (Some(n), false) => format!("{n} (default)"),
            (None, _) => "default (not logged)".into(),
        };
        println!(
            "  {:<11} {:<28} {:>5} {:>5} {:>6} {:>8.2} {:>9.1} MiB {:>9.1} MiB",
            s.backend,
            slots,
            s.created,
            s.busy,
            s.other.len(),
            s.seconds,
            s.before_kib as f64 / 1024.0,
            s.after_kib as f64 / 1024.0
        );
    }
    println!(
        "  The default is twice the cores, at most an eighth of MemAvailable over 19 MiB a hash (1 to 64);\n  \
         this machine: {} cores, {:.1} GiB available now. A sign-up waits up to 2 s for a slot,\n  \
         then answers 503 (busy).",
        cores(),
        available_kib() as f64 / (1024.0 * 1024.0)
    );
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(0, |n| n.get())
}

/// `MemAvailable` of /proc/meminfo, in KiB.
fn available_kib() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("MemAvailable:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
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
    /// The password-hash slots the server said it has (its `hash_slots`).
    pub hash_slots: Option<u32>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start_server(root: &Path, url: &str) -> Result<Server, String> {
    start_server_with(root, url, &[])
}

/// The release server on `url` and a free port, with `extra` flags.
fn start_server_with(root: &Path, url: &str, extra: &[&str]) -> Result<Server, String> {
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
        .args(extra)
        // Warnings, and the binary's own start-up lines: the one before
        // "listening on" names its hash slots.
        .env("RUST_LOG", "warn,partner_center_server=info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    let stdout = child.stdout.take().ok_or("no server output")?;
    let mut hash_slots = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| e.to_string())?;
        if let Some(addr) = line.strip_prefix("listening on http://") {
            let port = addr
                .trim_end_matches('/')
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("unexpected server line {line:?}"))?;
            return Ok(Server {
                child,
                port,
                hash_slots,
            });
        }
        if let Some(n) = log_field(&line, "hash_slots") {
            hash_slots = n.parse().ok();
        }
    }
    Err("the server ended before listening".into())
}

/// The value of `name=value` in a text log line, colours or not.
fn log_field(line: &str, name: &str) -> Option<String> {
    // Drop ANSI escapes (ESC '[' … letter).
    let mut plain = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            plain.push(c);
        }
    }
    let key = format!("{name}=");
    plain
        .split_whitespace()
        .find_map(|w| w.strip_prefix(&key))
        .map(|v| v.trim_matches('"').to_owned())
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

/// One oha run: `rate` requests/s at `path` on `port` for `SECONDS`.
fn spawn_oha(
    oha: &Path,
    port: u16,
    path: &str,
    cookie: Option<&str>,
    rate: u32,
    connections: u32,
) -> Result<Child, String> {
    let target = format!("http://127.0.0.1:{port}{path}");
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
        &rate.to_string(),
        "-c",
        &connections.to_string(),
    ])
    .args(["-H", "x-requested-with: partner-center"]);
    if let Some(cookie) = cookie {
        cmd.args(["-H", &format!("cookie: {cookie}")]);
    }
    cmd.arg(&target)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start oha: {e}"))
}

/// What one oha run measured.
struct Measured {
    achieved: f64,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    failed: u64,
}

/// Waits for an oha run; its figures.
fn oha_figures(child: Child, what: &str) -> Result<Measured, String> {
    let out = child
        .wait_with_output()
        .map_err(|e| format!("oha on {what}: {e}"))?;
    if !out.status.success() {
        return Err(format!("oha failed on {what}"));
    }
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).map_err(|e| format!("oha's JSON for {what}: {e}"))?;
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
    Ok(Measured {
        achieved: json["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        p50_ms: ms(&json["latencyPercentiles"]["p50"]),
        p99_ms: ms(&json["latencyPercentiles"]["p99"]),
        max_ms: ms(&json["summary"]["slowest"]),
        failed: all - ok + errors,
    })
}

/// `total` split into `n` parts that differ by at most one.
fn split(total: u32, n: usize) -> Vec<u32> {
    let n32 = n as u32;
    (0..n32)
        .map(|i| total / n32 + u32::from(i < total % n32))
        .collect()
}

fn print_row(row: &Row, failed: &str) {
    println!(
        "  {:<28} {:>7.0}/s  p50 {:>6.2} ms  p99 {:>6.2} ms  {failed} {}",
        row.name, row.achieved, row.p50_ms, row.p99_ms, row.failed
    );
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
    let mut rows = vec![];
    for (name, path, signed_in) in READS {
        let child = spawn_oha(
            oha,
            server.port,
            path,
            signed_in.then_some(cookie.as_str()),
            READ_RATE,
            CONNECTIONS,
        )?;
        let m = oha_figures(child, path)?;
        let row = Row {
            backend,
            name: name.to_owned(),
            offered: READ_RATE,
            achieved: m.achieved,
            p50_ms: m.p50_ms,
            p99_ms: m.p99_ms,
            max_ms: m.max_ms,
            failed: m.failed,
        };
        print_row(&row, "non-2xx");
        rows.push(row);
        std::thread::sleep(Duration::from_millis(500));
    }
    rows.push(enroll_now_load(&[server.port], backend)?);
    let rss = peak_rss_kib(server.child.id());
    println!("  peak RSS of the server: {:.1} MiB", rss as f64 / 1024.0);
    Ok((rows, rss, lh))
}

/// The same load as `server_figures`, spread over `SERVERS` server
/// processes on one PostgreSQL database: its rows, and each server's peak
/// RSS.
fn several_servers(root: &Path, oha: &Path, url: &str) -> Result<(Vec<Row>, Vec<u64>), String> {
    step(&format!(
        "{SERVERS} servers on one PostgreSQL database: {READ_RATE} requests/s in all, for {SECONDS} s each"
    ));
    // The first migrates the database; the others start once it listens.
    let mut servers = vec![];
    for _ in 0..SERVERS {
        servers.push(start_server(root, url)?);
    }
    let ports: Vec<u16> = servers.iter().map(|s| s.port).collect();
    println!("  servers on ports {ports:?}");
    // Sessions live in the database: one cookie serves on every server.
    let cookie = seed(ports[0])?;
    let rates = split(READ_RATE, SERVERS);
    let connections = split(CONNECTIONS, SERVERS);
    let mut rows = vec![];
    for (name, path, signed_in) in READS {
        let children = ports
            .iter()
            .zip(rates.iter().zip(&connections))
            .map(|(&port, (&rate, &c))| {
                spawn_oha(
                    oha,
                    port,
                    path,
                    signed_in.then_some(cookie.as_str()),
                    rate,
                    c,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let each = children
            .into_iter()
            .map(|c| oha_figures(c, path))
            .collect::<Result<Vec<_>, _>>()?;
        let worst = |f: fn(&Measured) -> f64| each.iter().map(f).fold(f64::NAN, f64::max);
        let row = Row {
            backend: "PostgreSQL",
            name: name.to_owned(),
            offered: READ_RATE,
            achieved: each.iter().map(|m| m.achieved).sum(),
            p50_ms: worst(|m| m.p50_ms),
            p99_ms: worst(|m| m.p99_ms),
            max_ms: worst(|m| m.max_ms),
            failed: each.iter().map(|m| m.failed).sum(),
        };
        print_row(&row, "non-2xx");
        println!(
            "  {:<28} each server: {}",
            "",
            each.iter()
                .map(|m| format!(
                    "{:.0}/s p50 {:.2} p99 {:.2}",
                    m.achieved, m.p50_ms, m.p99_ms
                ))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        rows.push(row);
        std::thread::sleep(Duration::from_millis(500));
    }
    rows.push(enroll_now_load(&ports, "PostgreSQL")?);
    let peaks: Vec<u64> = servers.iter().map(|s| peak_rss_kib(s.child.id())).collect();
    for (s, rss) in servers.iter().zip(&peaks) {
        println!(
            "  peak RSS of the server on port {}: {:.1} MiB",
            s.port,
            *rss as f64 / 1024.0
        );
    }
    Ok((rows, peaks))
}

/// A fresh server's answers to `SIGNUPS` sign-ups sent at the same moment.
struct Signups {
    backend: &'static str,
    slots: Option<u32>,
    /// Whether the slots were set with `--max-concurrent-hashes`.
    explicit: bool,
    created: usize,
    busy: usize,
    other: Vec<u16>,
    seconds: f64,
    before_kib: u64,
    after_kib: u64,
}

/// `SIGNUPS` threads, each creating a work account at once (past a
/// barrier), on a fresh server: its statuses and peak RSS before and after.
fn signup_burst(
    root: &Path,
    backend: &'static str,
    url: &str,
    slots: Option<u32>,
) -> Result<Signups, String> {
    use std::sync::{Arc, Barrier};
    let flag = slots.map(|n| n.to_string());
    let extra: Vec<&str> = match &flag {
        Some(n) => vec!["--max-concurrent-hashes", n],
        None => vec![],
    };
    step(&format!(
        "{SIGNUPS} sign-ups at the same moment, fresh server on {backend}{}",
        flag.as_deref()
            .map_or(String::new(), |n| format!(", --max-concurrent-hashes {n}"))
    ));
    let server = start_server_with(root, url, &extra)?;
    let port = server.port;
    let before_kib = peak_rss_kib(server.child.id());
    let barrier = Arc::new(Barrier::new(SIGNUPS + 1));
    let threads: Vec<_> = (0..SIGNUPS)
        .map(|i| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let account = format!(
                    r#"{{"company_domain":"bench-rss-{i}.example","first_name":"Mei","last_name":"Chen","email":"mei@bench-rss-{i}.example","password":"blue-kettle-71-orbit"}}"#
                );
                barrier.wait();
                http(port, "POST", "/api/v1/accounts", &[], &account).map(|(s, _)| s)
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    let mut statuses = vec![];
    for t in threads {
        statuses.push(t.join().map_err(|_| "a sign-up thread panicked")??);
    }
    let seconds = started.elapsed().as_secs_f64();
    let after_kib = peak_rss_kib(server.child.id());
    let s = Signups {
        backend,
        slots: server.hash_slots.or(slots),
        explicit: slots.is_some(),
        created: statuses.iter().filter(|&&s| s == 201).count(),
        busy: statuses.iter().filter(|&&s| s == 503).count(),
        other: statuses
            .iter()
            .copied()
            .filter(|&s| s != 201 && s != 503)
            .collect(),
        seconds,
        before_kib,
        after_kib,
    };
    println!(
        "  hash slots {}: 201 × {}, 503 × {}, other {:?}, in {:.2} s; peak RSS {:.1} MiB before, {:.1} MiB after",
        s.slots.map_or("?".into(), |n| n.to_string()),
        s.created,
        s.busy,
        s.other,
        s.seconds,
        s.before_kib as f64 / 1024.0,
        s.after_kib as f64 / 1024.0
    );
    Ok(s)
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
/// Requests (and the accounts before them) go round-robin over `ports`.
fn enroll_now_load(ports: &[u16], backend: &'static str) -> Result<Row, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};
    let n = (ENROLL_RATE * ENROLL_SECONDS) as usize;
    println!("  Enroll now: creating {n} work accounts to enroll…");
    let started = Instant::now();
    let cookies = Arc::new(make_accounts(ports, n)?);
    println!("  … in {:.1} s", started.elapsed().as_secs_f64());
    let ports = Arc::new(ports.to_vec());
    let body = Arc::new(ENROLL_BODY.to_owned());
    let next = Arc::new(AtomicUsize::new(0));
    let results = Arc::new(Mutex::new(Vec::with_capacity(n)));
    let start = Instant::now() + Duration::from_millis(100);
    let workers: Vec<_> = (0..64)
        .map(|_| {
            let (ports, cookies, body, next, results) = (
                ports.clone(),
                cookies.clone(),
                body.clone(),
                next.clone(),
                results.clone(),
            );
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
                    ports[k % ports.len()],
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
    print_row(&row, "non-201");
    Ok(row)
}

const ENROLL_RATE: u32 = 500;
const ENROLL_SECONDS: u32 = 5;
const ENROLL_BODY: &str = r#"{"profile":{"country":"US","legal_name":"Contoso Ltd.","line1":"1 Contoso Way","city":"Redmond","state":"WA","postal_code":"98052"},"contact":{"first_name":"Wei","last_name":"Chen","email":"wei@contoso.com"}}"#;

/// `n` work accounts on tenants of their own, account `i` made on
/// `ports[i % ports.len()]`; their session cookies.
fn make_accounts(ports: &[u16], n: usize) -> Result<Vec<String>, String> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let next = Arc::new(AtomicUsize::new(0));
    let ports = Arc::new(ports.to_vec());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let (next, ports) = (next.clone(), ports.clone());
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
                        http(
                            ports[i % ports.len()],
                            "POST",
                            "/api/v1/accounts",
                            &[],
                            &account,
                        )?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_splits_into_near_equal_parts() {
        assert_eq!(split(5_000, 3), vec![1_667, 1_667, 1_666]);
        assert_eq!(split(64, 3), vec![22, 21, 21]);
        assert_eq!(split(64, 1), vec![64]);
    }

    #[test]
    fn a_log_field_is_read_with_or_without_colours() {
        let plain = "2026-12-05T02:00:00Z  INFO partner_center_server: Partner Center server listening url=http://127.0.0.1:1/ app=true hash_slots=64";
        assert_eq!(log_field(plain, "hash_slots").as_deref(), Some("64"));
        let coloured = "\u{1b}[2m2026\u{1b}[0m \u{1b}[32m INFO\u{1b}[0m \u{1b}[3mhash_slots\u{1b}[0m\u{1b}[2m=\u{1b}[0m12";
        assert_eq!(log_field(coloured, "hash_slots").as_deref(), Some("12"));
        assert_eq!(log_field(plain, "slots"), None);
    }
}

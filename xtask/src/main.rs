//! `cargo xtask run` builds and runs the app; `cargo xtask test` runs every
//! test layer. Both first install whatever tool is missing, from the package
//! registries only, and skip what is already there.

mod bench;
mod csp;
mod lighthouse;
mod postgres;
mod prerender;
// The app's route list, compiled in as it is (it needs nothing but std), so
// that `cargo xtask` builds in seconds in a fresh checkout.
#[allow(dead_code)]
#[path = "../../crates/api/src/routes.rs"]
mod routes;
mod sizes;
mod split;
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

pub const TRUNK_VERSION: &str = "0.21.14";
/// The splitter of the release build (`wasm_split_cli_support`, whose
/// format the `wasm_split` macros of Cargo.lock produce).
pub const WASM_SPLIT_VERSION: &str = "0.2.4";
pub const BINARYEN_VERSION: &str = "132.0.0";
/// The total brotli size `/enroll` may load before `cargo xtask test` fails.
/// Was 320 KB while the app was one bundle; route-level code splitting
/// brought /enroll to 191 KB (measured), and this keeps it there. The
/// per-route ceilings are in `sizes::route_ceiling`.
pub const SIZE_BUDGET_BROTLI: u64 = 200 * 1024;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run [server flags…]   install tools, build the app and run the server on
                        http://127.0.0.1:8080 (PORT / --port, DATABASE_URL override)
  test [--browsers B]   install tools and run every test layer; the end-to-end
                        suite on Chromium, or on each of B (comma-separated:
                        chromium, firefox, webkit; or all)
  bench [--servers]     install tools, build the release app and print its figures:
                        sizes, the wasm's biggest parts, server latency at a
                        constant rate on SQLite and PostgreSQL (one server and
                        three on one database), peak memory under 50 sign-ups
                        at once; --servers: only the server figures
  build                 install tools and build the release app (dist/) and server
  dist [--public-url P] install tools and build the app alone for a static host or
                        CDN under path P (default /), with a _headers cache and
                        security manifest
  sizes                 print what each route of the built dist/ loads, brotli";

fn main() -> ExitCode {
    STARTED.get_or_init(Instant::now);
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    std::env::set_current_dir(&root).expect("workspace root");
    // Builds live outside the checkout (unless CARGO_TARGET_DIR says where),
    // so a fresh clone on this machine rebuilds only the project's crates.
    // Single-threaded here.
    if std::env::var_os("CARGO_TARGET_DIR").is_none() {
        std::env::set_var("CARGO_TARGET_DIR", cache_dir().join("target"));
    }
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&root, &args[1..]),
        Some("test") => browsers(&args[1..]).and_then(|b| test(&root, &b)),
        Some("bench") => bench::run(&root, &args[1..]),
        Some("build") => tools::bootstrap(&root).and_then(|_| build_release(&root)),
        Some("dist") => tools::bootstrap(&root).and_then(|_| dist(&root, &args[1..])),
        Some("sizes") => sizes::report(&root.join("dist"))
            .and_then(|_| sizes::route_report(&root.join("dist")))
            .map(|_| ()),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives in the workspace")
        .to_path_buf()
}

pub type Res = Result<(), String>;

static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// Minutes and seconds since this `cargo xtask` began, as `12m03s`.
pub fn clock() -> String {
    let secs = STARTED.get_or_init(Instant::now).elapsed().as_secs();
    format!("{}m{:02}s", secs / 60, secs % 60)
}

/// Announces a step, with the time it starts at, so a slow one shows.
pub fn step(title: &str) {
    println!("\n==> [{}] {title}", clock());
}

/// Runs a command to the end with inherited output; an error names it.
pub fn sh(cmd: &mut Command) -> Res {
    let shown = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} failed ({status})"))
    }
}

/// Runs a command, echoing its standard output while keeping a copy.
fn sh_capture(cmd: &mut Command) -> Result<(bool, String), String> {
    use std::io::{BufRead, BufReader};
    let shown = format!("{cmd:?}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {shown}: {e}"))?;
    let mut out = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            out.push_str(&line);
            out.push('\n');
        }
    }
    let status = child.wait().map_err(|e| format!("{shown}: {e}"))?;
    Ok((status.success(), out))
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// The release app in `dist/`: no inline script, precompressed.
fn build_app(root: &Path, public_url: &str) -> Res {
    build_app_to(&root.join("dist"), public_url)
}

/// The release app in `dist` for `public_url`.
fn build_app_to(dist: &Path, public_url: &str) -> Res {
    step(&format!(
        "building the app (trunk, release, public URL {public_url}) into {}",
        dist.display()
    ));
    sh(cargo().args(["fetch", "--locked"]))?;
    sh(Command::new("trunk")
        .args([
            "build",
            "--release",
            "--features",
            "split",
            "--public-url",
            public_url,
            "--dist",
        ])
        .arg(dist))?;
    split::run(dist, &target_dir(&workspace_root()))?;
    csp::externalize(dist)?;
    prerender::run(dist, public_url)?;
    let n = sizes::precompress(dist)?;
    println!("precompressed {n} files (brotli, gzip)");
    Ok(())
}

/// `cargo xtask dist`: the app alone, for any static host or CDN.
fn dist(root: &Path, args: &[String]) -> Res {
    let public_url = match args {
        [] => "/".to_owned(),
        [flag, value] if flag == "--public-url" => {
            let v = value.trim();
            if !v.starts_with('/') {
                return Err(format!("--public-url {v:?} must be a path starting with /"));
            }
            if v.ends_with('/') {
                v.to_owned()
            } else {
                format!("{v}/")
            }
        }
        _ => {
            return Err(format!(
                "usage: cargo xtask dist [--public-url /path/]\n\n{USAGE}"
            ))
        }
    };
    build_app(root, &public_url)?;
    let manifest = sizes::headers_manifest(&root.join("dist"), &public_url)?;
    std::fs::write(root.join("dist/_headers"), manifest)
        .map_err(|e| format!("dist/_headers: {e}"))?;
    std::fs::write(
        root.join("dist/_redirects"),
        prerender::redirects(&public_url),
    )
    .map_err(|e| format!("dist/_redirects: {e}"))?;
    println!(
        "dist/ is ready for {public_url} (see README › Deployment); _headers and _redirects written"
    );
    Ok(())
}

/// The release app in `dist/` and the release server.
pub fn build_release(root: &Path) -> Res {
    build_app(root, "/")?;
    step("building the server (release)");
    sh(cargo().args(["build", "--release", "--locked", "-p", "pc-server"]))
}

/// What the commands keep between runs and checkouts: `PC_CACHE_DIR`, or
/// `partner-center` in the user's cache folder (`XDG_CACHE_HOME`, else
/// `~/.cache`).
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PC_CACHE_DIR") {
        return PathBuf::from(dir);
    }
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("partner-center")
}

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
}

pub fn server_bin(root: &Path) -> PathBuf {
    target_dir(root).join("release/partner-center-server")
}

fn run(root: &Path, server_args: &[String]) -> Res {
    tools::bootstrap(root)?;
    build_release(root)?;
    step("starting the server");
    let mut cmd = Command::new(server_bin(root));
    // Development mode: without SMTP, emails are readable at /dev/mailbox.
    cmd.arg("--dist").arg(root.join("dist")).arg("--dev");
    if std::env::var_os("DATABASE_URL").is_none() {
        cmd.args(["--database-url", "sqlite://data/partner-center.db"]);
    }
    cmd.args(server_args);
    println!(
        "open http://127.0.0.1:{}/ in a browser (Ctrl+C stops)",
        port_hint(server_args)
    );
    sh(&mut cmd)
}

fn port_hint(args: &[String]) -> String {
    args.windows(2)
        .find(|w| w[0] == "--port")
        .map(|w| w[1].clone())
        .or_else(|| std::env::var("PORT").ok())
        .unwrap_or_else(|| "8080".into())
}

/// One test layer's outcome, summed from cargo's `test result:` lines.
#[derive(Default)]
struct Layer {
    name: &'static str,
    passed: u64,
    failed: u64,
    /// Tests that said they cannot pass on this engine, and why.
    marked: Vec<String>,
    ok: bool,
    secs: u64,
}

fn count(output: &str) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    for line in output.lines().filter(|l| l.starts_with("test result:")) {
        let num = |word: &str| {
            line.split(';')
                .find(|p| p.trim_end().ends_with(word))
                .and_then(|p| p.split_whitespace().rev().nth(1))
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0)
        };
        passed += num("passed");
        failed += num("failed");
    }
    (passed, failed)
}

fn layer(name: &'static str, cmd: &mut Command) -> Result<Layer, String> {
    step(&format!("test layer: {name}"));
    let started = Instant::now();
    let (ok, out) = sh_capture(cmd)?;
    let (passed, failed) = count(&out);
    let marked = out
        .lines()
        .filter_map(|l| l.strip_prefix("marked: "))
        .map(str::to_owned)
        .collect();
    Ok(Layer {
        name,
        passed,
        failed,
        marked,
        ok,
        secs: started.elapsed().as_secs(),
    })
}

/// schemathesis against the OpenAPI document the release server serves,
/// signed in: every documented operation with generated valid and invalid
/// input, every check but one. `positive_data_acceptance` is left out: the
/// schema gives types and bounds, and the business rules (a work email, a
/// known country, a postal code of its format…) rightly reject much that
/// fits them, with 422 as documented. DELETE is left out so that the run
/// does not sign itself out; the CSP report sink takes a media type
/// schemathesis cannot write.
fn schemathesis(root: &Path) -> Result<Layer, String> {
    let bin = tools::schemathesis(root)?;
    step("test layer: schemathesis against /api/v1/openapi.json");
    let started = Instant::now();
    let dir = bench::tempdir(root, "schemathesis")?;
    let url = format!("sqlite://{}", dir.join("st.db").display());
    let server = bench::start_server(root, &url)?;
    let account = r#"{"company_domain":"contoso.com","first_name":"Mei","last_name":"Chen","email":"mei@contoso.com","password":"blue-kettle-71-orbit"}"#;
    let cookie = bench::session_cookie(&bench::expect(
        "create account",
        201,
        bench::http(server.port, "POST", "/api/v1/accounts", &[], account)?,
    )?)?;
    let base = format!("http://127.0.0.1:{}", server.port);
    let (ok, out) = sh_capture(
        Command::new(bin)
            .arg("run")
            .arg(format!("{base}/api/v1/openapi.json"))
            .args(["--url", &base])
            .args(["-H", &format!("cookie: {cookie}")])
            .args(["-H", "x-requested-with: partner-center"])
            .args([
                "--checks",
                "all",
                "--exclude-checks",
                "positive_data_acceptance",
            ])
            .args(["--max-examples", "15", "--workers", "2"])
            .args([
                "--phases",
                "examples,coverage,fuzzing",
                "--generation-deterministic",
            ])
            .args([
                "--exclude-method",
                "DELETE",
                "--exclude-path",
                "/api/v1/csp-reports",
            ])
            .current_dir(&dir),
    )?;
    // "1193 generated, 1193 passed" or "… found N unique failures".
    let summary = out
        .lines()
        .rev()
        .find(|l| l.contains(" generated, "))
        .unwrap_or("");
    let number_before = |word: &str| {
        summary
            .split(',')
            .find(|p| p.contains(word))
            .and_then(|p| p.split_whitespace().find_map(|w| w.parse::<u64>().ok()))
            .unwrap_or(0)
    };
    let passed = number_before("passed");
    let failed = number_before("failure");
    Ok(Layer {
        name: "schemathesis (generated API requests)",
        passed,
        failed: if ok { failed } else { failed.max(1) },
        marked: vec![],
        ok,
        secs: started.elapsed().as_secs(),
    })
}

/// Three server processes (the debug build) on one PostgreSQL database and
/// a real SMTP server (aiosmtpd): `crates/server/tests/several_servers.rs`,
/// whose tests a plain `cargo test` skips.
fn several_servers(root: &Path, postgres_admin_url: &str) -> Result<Layer, String> {
    let python = tools::aiosmtpd(root)?;
    step("building the server (debug) for the several-servers test");
    sh(cargo().args([
        "build",
        "--locked",
        "-p",
        "pc-server",
        "--bin",
        "partner-center-server",
    ]))?;
    layer(
        "several servers (PostgreSQL, 3 servers, SMTP)",
        cargo()
            .args([
                "test",
                "--locked",
                "-p",
                "pc-server",
                "--test",
                "several_servers",
                "--",
                "--ignored",
                "--test-threads=1",
                // Each test prints what it measured.
                "--nocapture",
            ])
            .env("PC_TEST_POSTGRES_URL", postgres_admin_url)
            .env(
                "PC_SERVER_BIN",
                target_dir(root).join("debug/partner-center-server"),
            )
            .env("PC_PYTHON", python)
            .env(
                "PC_SMTP_SINK",
                root.join("crates/server/tests/smtp_sink.py"),
            ),
    )
}

/// How long `cargo xtask test` fuzzes the shared rules.
const FUZZ_SECONDS: u64 = 60;

/// libFuzzer on every shared rule for `seconds`: a panic is a crash, and
/// fails the layer with the input that caused it (saved under `artifacts/`).
fn fuzz(root: &Path, seconds: u64) -> Result<Layer, String> {
    tools::cargo_fuzz()?;
    step(&format!(
        "test layer: fuzzing the shared rules for {seconds} s"
    ));
    let started = Instant::now();
    let dir = root.join("crates/agreement/fuzz");
    let corpus = dir.join("corpus/rules");
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let ok = Command::new(cargo_exe())
        .args(["fuzz", "run", "--sanitizer", "none", "--fuzz-dir"])
        .arg(&dir)
        .arg("rules")
        .arg(&corpus)
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .args(["-rss_limit_mb=2048", "-print_final_stats=1"])
        // cargo-fuzz asks for a nightly compiler's flags; this machine's one
        // toolchain is stable.
        .env("RUSTC_BOOTSTRAP", "1")
        .status()
        .map_err(|e| format!("cannot start cargo fuzz: {e}"))?
        .success();
    Ok(Layer {
        name: "fuzzing the shared rules (libFuzzer)",
        passed: u64::from(ok),
        failed: u64::from(!ok),
        marked: vec![],
        ok,
        secs: started.elapsed().as_secs(),
    })
}

pub fn cargo_exe() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The engines `test --browsers …` names: Chromium always, the others
/// when asked.
fn browsers(args: &[String]) -> Result<Vec<&'static str>, String> {
    const ALL: [&str; 3] = ["chromium", "firefox", "webkit"];
    let list = match args {
        [] => return Ok(vec!["chromium"]),
        [flag, value] if flag == "--browsers" => value,
        _ => {
            return Err(format!(
                "usage: cargo xtask test [--browsers chromium,firefox,webkit|all]\n\n{USAGE}"
            ))
        }
    };
    let mut out = vec!["chromium"];
    for name in list.split(',').map(str::trim) {
        if name == "all" {
            out = ALL.to_vec();
            break;
        }
        match ALL.iter().find(|e| **e == name) {
            Some(e) if !out.contains(e) => out.push(*e),
            Some(_) => {}
            None => {
                return Err(format!(
                    "--browsers: unknown browser {name:?} (use chromium, firefox, webkit or all)"
                ))
            }
        }
    }
    Ok(out)
}

fn test(root: &Path, engines: &[&'static str]) -> Res {
    let started = Instant::now();
    tools::bootstrap(root)?;
    let extra: Vec<&str> = engines
        .iter()
        .copied()
        .filter(|e| *e != "chromium")
        .collect();
    if !extra.is_empty() {
        tools::extra_browsers(root, &extra)?;
    }

    step("format");
    sh(cargo().args(["fmt", "--all", "--check"]))?;
    step("clippy (host)");
    sh(cargo().args([
        "clippy",
        "--locked",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;
    step("clippy (wasm)");
    sh(cargo().args([
        "clippy",
        "--locked",
        "-p",
        "partner-center",
        "-p",
        "pc-api",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    let mut layers = vec![];
    let mut host = layer(
        "host unit + server API",
        cargo().args([
            "test",
            "--locked",
            "--workspace",
            "--exclude",
            "partner-center",
            "--all-targets",
        ]),
    )?;
    let app = layer(
        "host unit (app)",
        cargo().args(["test", "--locked", "-p", "partner-center", "--lib"]),
    )?;
    host.passed += app.passed;
    host.failed += app.failed;
    host.ok &= app.ok;
    layers.push(host);
    {
        // The same server tests once more, each on a database of its own in
        // a real PostgreSQL server.
        let pg = postgres::Server::start(&target_dir(root).join("pg-test"), false)?;
        layers.push(layer(
            "host unit + server API on PostgreSQL",
            // The host layer's selection, so nothing is built again.
            cargo()
                .args([
                    "test",
                    "--locked",
                    "--workspace",
                    "--exclude",
                    "partner-center",
                    "--all-targets",
                ])
                .env("PC_TEST_POSTGRES_URL", &pg.admin_url),
        )?);
        layers.push(several_servers(root, &pg.admin_url)?);
    }
    layers.push(layer(
        "wasm components (headless Chromium)",
        cargo()
            .args([
                "test",
                "--locked",
                "-p",
                "partner-center",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "components",
            ])
            .env("CHROMEDRIVER", tools::chromedriver())
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120"),
    )?);

    layers.push(layer(
        "shared rules: browser build = server build (wasm32, Node.js)",
        cargo().args([
            "test",
            "--locked",
            "-p",
            "pc-agreement",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "agree",
        ]),
    )?);
    layers.push(fuzz(root, FUZZ_SECONDS)?);

    build_release(root)?;
    layers.push(schemathesis(root)?);
    step("size gate: what /enroll loads");
    let total = sizes::report(&root.join("dist"))?;
    step("size gate: every route's static page");
    let routes = sizes::route_report(&root.join("dist"))?;
    // The same build for a sub-path, as an operator would put it on a CDN
    // or static host (the hosting end-to-end tests serve it).
    let portal_dist = target_dir(root).join("e2e-portal-dist");
    build_app_to(&portal_dist, "/portal/partners/")?;

    for engine in engines {
        let name: &'static str = match *engine {
            "firefox" => "end-to-end (WebDriver, Firefox ESR, release build)",
            "webkit" => "end-to-end (WebDriver, WebKitGTK, release build)",
            _ => "end-to-end (WebDriver, Chromium, release build)",
        };
        let mut cmd = cargo();
        cmd.args([
            "test",
            "--locked",
            "-p",
            "partner-center",
            "--test",
            "e2e",
            "--",
            "--test-threads=2",
        ])
        .env("PC_BROWSER", engine)
        .env("PC_SERVER_BIN", server_bin(root))
        .env("PC_DIST", root.join("dist"))
        .env("PC_PORTAL_DIST", &portal_dist)
        .env("PC_AXE", tools::axe_dir(root).join("axe.min.js"))
        .env("CHROMEDRIVER", tools::chromedriver())
        .env("CHROMIUM", tools::chromium())
        .env("GECKODRIVER", tools::geckodriver())
        .env("FIREFOX", tools::firefox())
        .env("WEBKITDRIVER", tools::webkit_driver())
        .env("PC_LOCPATH", tools::locale_dir(root));
        if let Some(mini) = tools::webkit_browser() {
            cmd.env("WEBKIT_BROWSER", mini);
        }
        layers.push(layer(name, &mut cmd)?);
    }

    let secs = started.elapsed().as_secs();
    println!("\n==> summary");
    let (mut passed, mut failed) = (0, 0);
    let mut problems = vec![];
    for l in &layers {
        println!(
            "  {:<48} {:>4} passed, {} failed, {}m{:02}s",
            l.name,
            l.passed,
            l.failed,
            l.secs / 60,
            l.secs % 60
        );
        for m in &l.marked {
            println!("    marked (counted as passed): {m}");
        }
        passed += l.passed;
        failed += l.failed;
        if !l.ok {
            problems.push(format!("{} failed", l.name));
        } else if l.passed == 0 {
            problems.push(format!("{} ran no test", l.name));
        }
    }
    println!(
        "  /enroll loads {:.1} KB brotli (budget {} KB); total time {}m{:02}s",
        total as f64 / 1024.0,
        SIZE_BUDGET_BROTLI / 1024,
        secs / 60,
        secs % 60
    );
    for r in &routes {
        if r.first_paint > sizes::FIRST_PAINT_BUDGET {
            problems.push(format!(
                "{} needs {} bytes brotli before its first paint, over the {} KB budget",
                r.url,
                r.first_paint,
                sizes::FIRST_PAINT_BUDGET / 1024
            ));
        }
        if let Some(c) = sizes::route_ceiling(r.url).filter(|c| r.total > *c) {
            problems.push(format!(
                "{} loads {} bytes brotli until usable, over its ceiling of {} KB",
                r.url,
                r.total,
                c / 1024
            ));
        }
        // The goals of #14, still out of reach: printed, not enforced.
        if let Some(b) = sizes::route_goal(r.url).filter(|b| r.total > *b) {
            println!(
                "  {} loads {:.1} KB brotli until usable; the goal is {} KB (the ceiling {} KB holds)",
                r.url,
                r.total as f64 / 1024.0,
                b / 1024,
                sizes::route_ceiling(r.url).unwrap_or(0) / 1024
            );
        }
    }
    if total > SIZE_BUDGET_BROTLI {
        problems.push(format!(
            "/enroll loads {total} bytes brotli, over the budget"
        ));
    }
    println!("{passed} passed, {failed} failed");
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::{browsers, count};

    #[test]
    fn browsers_are_read_from_the_flag() {
        let args = |s: &str| s.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(browsers(&[]).unwrap(), ["chromium"]);
        assert_eq!(
            browsers(&args("--browsers all")).unwrap(),
            ["chromium", "firefox", "webkit"]
        );
        assert_eq!(
            browsers(&args("--browsers webkit,firefox,webkit")).unwrap(),
            ["chromium", "webkit", "firefox"]
        );
        let e = browsers(&args("--browsers safari")).unwrap_err();
        assert!(e.contains("\"safari\""), "{e}");
        assert!(browsers(&args("--browser all")).is_err());
    }

    #[test]
    fn cargo_result_lines_are_summed() {
        let out = "test result: ok. 12 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\
                   noise\n\
                   test result: FAILED. 3 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(count(out), (15, 2));
        assert_eq!(count("nothing"), (0, 0));
    }
}

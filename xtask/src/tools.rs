//! Installs the build and test tools this project needs, each only when it
//! is missing or at the wrong version: the wasm target, trunk, the
//! wasm-bindgen CLI matching Cargo.lock, wasm-opt (binaryen from npm) and,
//! for tests, Debian's Chromium and its driver (and, when asked, Firefox ESR
//! with geckodriver and WebKitGTK with its driver), and from PyPI
//! schemathesis and aiosmtpd.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cargo, sh, step, Res, BINARYEN_VERSION, TRUNK_VERSION, WASM_SPLIT_VERSION};

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    Command::new(cmd)
        .args(args)
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The version of `wasm-bindgen` that Cargo.lock resolves.
pub fn locked_wasm_bindgen(root: &Path) -> Result<String, String> {
    let lock =
        std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines
                .next()
                .and_then(|l| l.trim().strip_prefix("version = \""))
            {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    Err("Cargo.lock has no wasm-bindgen package".into())
}

/// The accessibility rules engine the end-to-end audit injects.
pub const AXE_VERSION: &str = "4.14.1";

/// Where axe-core is installed; `axe.min.js` is the script to inject.
pub fn axe_dir(root: &Path) -> PathBuf {
    tools_dir(root).join("npm/node_modules/axe-core")
}

/// Tools installed from npm and PyPI, and compiled locales: in the cache
/// beside the build directory, outside the checkout, so a fresh clone on
/// the same machine finds them.
fn tools_dir(_root: &Path) -> PathBuf {
    crate::cache_dir().join("tools")
}

pub fn chromedriver() -> &'static str {
    "/usr/bin/chromedriver"
}

pub fn chromium() -> &'static str {
    "/usr/bin/chromium"
}

/// geckodriver, Firefox's WebDriver, pinned; from crates.io.
pub const GECKODRIVER_VERSION: &str = "0.37.1";

pub fn firefox() -> &'static str {
    "/usr/bin/firefox-esr"
}

pub fn webkit_driver() -> &'static str {
    "/usr/bin/WebKitWebDriver"
}

/// WebKitGTK's MiniBrowser, which its WebDriver drives; the folder holds
/// the machine's architecture triple.
pub fn webkit_browser() -> Option<PathBuf> {
    let lib = std::fs::read_dir("/usr/lib").ok()?;
    lib.flatten()
        .map(|e| e.path().join("webkit2gtk-4.1/MiniBrowser"))
        .find(|p| p.exists())
}

pub fn geckodriver() -> PathBuf {
    cargo_bin_dir()
        .map(|d| d.join("geckodriver"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| PathBuf::from("geckodriver"))
}

fn cargo_bin_dir() -> Option<PathBuf> {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|p| p.join("bin"))
}

/// Where the locales WebKitGTK's browser runs in are compiled: it takes
/// its languages from the process locale, which must exist.
pub fn locale_dir(root: &Path) -> PathBuf {
    tools_dir(root).join("locale")
}

/// Compiles the en_US and zh_TW UTF-8 locales into `locale_dir` (Debian's
/// `locales` package has their sources), skipping those already there.
fn webkit_locales(root: &Path) -> Res {
    let dir = locale_dir(root);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    if output("sh", &["-c", "command -v localedef"]).is_none()
        || !Path::new("/usr/share/i18n/locales/zh_TW").exists()
    {
        apt_install(&["locales"])?;
    }
    for name in ["en_US", "zh_TW"] {
        let out = dir.join(format!("{name}.UTF-8"));
        if out.join("LC_CTYPE").exists() {
            continue;
        }
        sh(Command::new("localedef")
            .args(["-i", name, "-f", "UTF-8"])
            .arg(&out))?;
    }
    println!("  locales en_US.UTF-8, zh_TW.UTF-8 for WebKitGTK: present");
    Ok(())
}

/// The browsers besides Chromium that `--browsers` asks for: Firefox ESR
/// with geckodriver, WebKitGTK with its driver and a virtual display
/// (WebKitGTK has no headless mode).
pub fn extra_browsers(root: &Path, engines: &[&str]) -> Res {
    step("browsers");
    let mut apt = vec![];
    if engines.contains(&"firefox") && !Path::new(firefox()).exists() {
        apt.push("firefox-esr");
    }
    if engines.contains(&"webkit") {
        if !Path::new(webkit_driver()).exists() || webkit_browser().is_none() {
            apt.push("webkit2gtk-driver");
        }
        if output("sh", &["-c", "command -v Xvfb"]).is_none() {
            apt.push("xvfb");
        }
    }
    if apt.is_empty() {
        println!("  Debian packages for {}: present", engines.join(", "));
    } else {
        apt_install(&apt)?;
    }
    if engines.contains(&"webkit") {
        webkit_locales(root)?;
    }
    if engines.contains(&"firefox") {
        let have = output(
            geckodriver().to_str().unwrap_or("geckodriver"),
            &["--version"],
        )
        .unwrap_or_default();
        if have.contains(GECKODRIVER_VERSION) {
            println!("  geckodriver {GECKODRIVER_VERSION}: present");
        } else {
            sh(cargo().args([
                "install",
                "geckodriver",
                "--locked",
                "--version",
                GECKODRIVER_VERSION,
            ]))?;
        }
    }
    Ok(())
}

/// cargo-fuzz, pinned; from crates.io.
pub const CARGO_FUZZ_VERSION: &str = "0.13.2";

pub fn cargo_fuzz() -> Res {
    let have = output("cargo", &["fuzz", "--version"]).unwrap_or_default();
    if have.contains(CARGO_FUZZ_VERSION) {
        println!("  cargo-fuzz {CARGO_FUZZ_VERSION}: present");
        Ok(())
    } else {
        sh(cargo().args([
            "install",
            "cargo-fuzz",
            "--locked",
            "--version",
            CARGO_FUZZ_VERSION,
        ]))
    }
}

/// oha, the HTTP load generator (constant rate, latency correction), and
/// twiggy, the wasm size profiler; pinned, from crates.io.
pub const OHA_VERSION: &str = "1.16.0";
pub const TWIGGY_VERSION: &str = "0.8.0";

fn cargo_tool(name: &str, version: &str) -> Result<PathBuf, String> {
    let path = cargo_bin_dir()
        .map(|d| d.join(name))
        .unwrap_or_else(|| PathBuf::from(name));
    let have = output(path.to_str().unwrap_or(name), &["--version"]).unwrap_or_default();
    if have.contains(version) {
        println!("  {name} {version}: present");
    } else {
        sh(cargo().args(["install", name, "--locked", "--version", version]))?;
    }
    Ok(path)
}

pub fn oha() -> Result<PathBuf, String> {
    cargo_tool("oha", OHA_VERSION)
}

pub fn twiggy() -> Result<PathBuf, String> {
    cargo_tool("twiggy", TWIGGY_VERSION)
}

/// Lighthouse, for `cargo xtask bench`; pinned, from npm, into a prefix of
/// its own (an install into the tools' prefix would prune the others).
pub const LIGHTHOUSE_VERSION: &str = "12.8.2";

pub fn lighthouse(root: &Path) -> Result<PathBuf, String> {
    let prefix = tools_dir(root).join("lighthouse");
    let bin = prefix.join("node_modules/.bin/lighthouse");
    let have = std::fs::read_to_string(prefix.join("node_modules/lighthouse/package.json"))
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{LIGHTHOUSE_VERSION}\"")));
    if have && bin.exists() {
        println!("  lighthouse {LIGHTHOUSE_VERSION}: present");
    } else {
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        sh(Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefix",
            ])
            .arg(&prefix)
            .arg(format!("lighthouse@{LIGHTHOUSE_VERSION}")))?;
    }
    Ok(bin)
}

/// schemathesis, pinned, from PyPI, into the tools' virtual environment.
pub const SCHEMATHESIS_VERSION: &str = "4.32.5";

/// aiosmtpd, pinned, from PyPI, into the same virtual environment: the real
/// SMTP server of the several-servers test (`crates/server/tests/smtp_sink.py`).
pub const AIOSMTPD_VERSION: &str = "1.4.6";

/// The virtual environment of the Python tools (PyPI), made when missing.
fn venv(root: &Path) -> Result<PathBuf, String> {
    let venv = tools_dir(root).join("venv");
    let make = |venv: &Path| {
        Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !venv.join("bin/pip").exists() && !make(&venv) {
        // Debian's Python keeps venv and pip in packages of their own.
        apt_install(&["python3-venv", "python3-pip"])?;
        if !make(&venv) {
            return Err(format!("python3 -m venv {} failed", venv.display()));
        }
    }
    Ok(venv)
}

fn pip_install(venv: &Path, requirement: &str) -> Res {
    sh(Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .arg(requirement))
}

pub fn schemathesis(root: &Path) -> Result<PathBuf, String> {
    let bin = tools_dir(root).join("venv/bin/schemathesis");
    let have = output(bin.to_str().unwrap_or("schemathesis"), &["--version"]).unwrap_or_default();
    if have.contains(SCHEMATHESIS_VERSION) {
        println!("  schemathesis {SCHEMATHESIS_VERSION}: present");
        return Ok(bin);
    }
    pip_install(
        &venv(root)?,
        &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
    )?;
    Ok(bin)
}

/// The virtual environment's Python, with aiosmtpd installed.
pub fn aiosmtpd(root: &Path) -> Result<PathBuf, String> {
    let python = tools_dir(root).join("venv/bin/python");
    let have = output(
        python.to_str().unwrap_or("python3"),
        &["-c", "import aiosmtpd; print(aiosmtpd.__version__)"],
    )
    .unwrap_or_default();
    if have.trim() == AIOSMTPD_VERSION {
        println!("  aiosmtpd {AIOSMTPD_VERSION}: present");
        return Ok(python);
    }
    pip_install(&venv(root)?, &format!("aiosmtpd=={AIOSMTPD_VERSION}"))?;
    Ok(python)
}

pub fn is_root() -> bool {
    output("id", &["-u"]).is_some_and(|s| s.trim() == "0")
}

pub fn apt_install(packages: &[&str]) -> Res {
    let sudo = !is_root();
    let mut update = Command::new(if sudo { "sudo" } else { "apt-get" });
    if sudo {
        update.arg("apt-get");
    }
    update.args(["update", "-qq"]);
    sh(&mut update)?;
    let mut install = Command::new(if sudo { "sudo" } else { "apt-get" });
    if sudo {
        install.arg("apt-get");
    }
    install
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(packages)
        .env("DEBIAN_FRONTEND", "noninteractive");
    sh(&mut install)
}

/// Makes every tool available, and puts the project's tool folder on PATH
/// for this process and its children.
pub fn bootstrap(root: &Path) -> Res {
    step("tools");
    let npm_bin = tools_dir(root).join("npm/node_modules/.bin");
    let cargo_bin = cargo_bin_dir();
    let mut paths = vec![npm_bin.clone()];
    paths.extend(cargo_bin);
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let joined = std::env::join_paths(paths).map_err(|e| e.to_string())?;
    // xtask is single-threaded while it sets up its environment.
    std::env::set_var("PATH", &joined);

    // The wasm target.
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if targets
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("  wasm32-unknown-unknown target: present");
    } else {
        sh(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }

    // Debian packages: a browser and its driver for tests; npm if absent.
    let mut apt = vec![];
    if output("npm", &["--version"]).is_none() {
        apt.extend(["nodejs", "npm"]);
    }
    // Chromium renders the static pages of every build, and runs tests.
    if !Path::new(chromium()).exists() {
        apt.push("chromium");
    }
    if !Path::new(chromedriver()).exists() {
        apt.push("chromium-driver");
    }
    if apt.is_empty() {
        println!("  Debian packages: present");
    } else {
        apt_install(&apt)?;
    }

    // trunk, pinned: newer trunk needs a newer rustc than this machine has.
    let trunk = output("trunk", &["--version"]).unwrap_or_default();
    if trunk.contains(TRUNK_VERSION) {
        println!("  trunk {TRUNK_VERSION}: present");
    } else {
        sh(cargo().args(["install", "trunk", "--locked", "--version", TRUNK_VERSION]))?;
    }

    // wasm-split-cli, pinned: cuts the release build into route chunks
    // (xtask/src/split.rs) with the splitter leptos's `wasm_split` targets.
    let installed = output(&crate::cargo_exe(), &["install", "--list"]).unwrap_or_default();
    let split_pkg = format!("wasm_split_cli_support v{WASM_SPLIT_VERSION}:");
    if installed.lines().any(|l| l.trim() == split_pkg)
        && output("wasm-split-cli", &["--help"]).is_some()
    {
        println!("  wasm-split-cli {WASM_SPLIT_VERSION}: present");
    } else {
        sh(cargo().args([
            "install",
            "wasm_split_cli_support",
            "--locked",
            "--version",
            WASM_SPLIT_VERSION,
            "--features",
            "build-binary",
            "--bin",
            "wasm-split-cli",
        ]))?;
    }

    // wasm-bindgen CLI at exactly the library's version (trunk checks).
    // Not --locked: its lock file pins a crate release the registry lacks.
    let want = locked_wasm_bindgen(root)?;
    let have = output("wasm-bindgen", &["--version"]).unwrap_or_default();
    let runner = output("wasm-bindgen-test-runner", &["--version"]).unwrap_or_default();
    if have.split_whitespace().nth(1) == Some(want.as_str()) && runner.contains(&want) {
        println!("  wasm-bindgen-cli {want}: present");
    } else {
        sh(cargo().args(["install", "wasm-bindgen-cli", "--force", "--version", &want]))?;
    }

    // From npm, pinned, installed together (a second `npm install` into the
    // same prefix would prune the first): wasm-opt from binaryen (Debian's
    // 108 breaks the app) and, for the accessibility audit, axe-core.
    let wasm_opt = npm_bin.join("wasm-opt");
    let version =
        output(wasm_opt.to_str().unwrap_or("wasm-opt"), &["--version"]).unwrap_or_default();
    let major = BINARYEN_VERSION.split('.').next().unwrap_or("");
    let have_wasm_opt = version.contains(&format!("version {major}"));
    let have_axe = std::fs::read_to_string(axe_dir(root).join("package.json"))
        .is_ok_and(|p| p.contains(&format!("\"version\": \"{AXE_VERSION}\"")));
    if have_wasm_opt && have_axe {
        println!("  wasm-opt {major}, axe-core {AXE_VERSION}: present");
    } else {
        let prefix = tools_dir(root).join("npm");
        std::fs::create_dir_all(&prefix).map_err(|e| format!("{}: {e}", prefix.display()))?;
        sh(Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--no-save",
                "--prefix",
            ])
            .arg(&prefix)
            .arg(format!("binaryen@{BINARYEN_VERSION}"))
            .arg(format!("axe-core@{AXE_VERSION}")))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_locked_wasm_bindgen_version_is_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let v = locked_wasm_bindgen(root).unwrap();
        assert!(v.starts_with("0.2."), "{v}");
    }
}

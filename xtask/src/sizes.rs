//! Precompression of the built app and the size report of what `/enroll`
//! loads (raw, gzip, brotli).

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::SIZE_BUDGET_BROTLI;

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(data).expect("in-memory gzip");
    enc.finish().expect("in-memory gzip")
}

fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &data[..], &mut out, &params).expect("in-memory brotli");
    out
}

const COMPRESSIBLE: &[&str] = &["html", "js", "css", "wasm", "json", "svg", "txt", "map"];

/// Writes `name.br` and `name.gz` beside every compressible file of `dist`.
pub fn precompress(dist: &Path) -> Result<usize, String> {
    let mut n = 0;
    let entries = fs::read_dir(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            n += precompress(&path)?;
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        // Operators edit config.json in place; a stale .br beside it would win.
        let runtime_config = path.file_name().is_some_and(|n| n == "config.json");
        if !COMPRESSIBLE.contains(&ext) || runtime_config {
            continue;
        }
        let data = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let br = path.with_extension(format!("{ext}.br"));
        let gz = path.with_extension(format!("{ext}.gz"));
        fs::write(&br, brotli(&data)).map_err(|e| format!("{}: {e}", br.display()))?;
        fs::write(&gz, gzip(&data)).map_err(|e| format!("{}: {e}", gz.display()))?;
        n += 1;
    }
    Ok(n)
}

/// Whether a file name carries a content hash (`name-0123456789abcdef.ext`;
/// trunk drops leading zeros, so 12 or more hex digits).
pub fn is_hashed(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, h)| h.len() >= 12 && h.chars().all(|c| c.is_ascii_hexdigit()))
}

/// A `_headers` file (Netlify, Cloudflare Pages and others read it): hashed
/// files cached for a year, the page and the runtime config always
/// revalidated, and the security headers the app is built for.
pub fn headers_manifest(dist: &Path, public_url: &str) -> Result<String, String> {
    let mut out = format!(
        "{public_url}*\n  Access-Control-Allow-Origin: *\n  X-Content-Type-Options: nosniff\n  Referrer-Policy: strict-origin-when-cross-origin\n  \
         Permissions-Policy: camera=(), microphone=(), geolocation=(), payment=(), usb=()\n  \
         Content-Security-Policy: default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'\n\n"
    );
    for name in ["", "index.html", "config.json", crate::csp::EMBED_NAME] {
        out.push_str(&format!(
            "{public_url}{name}\n  Cache-Control: no-cache\n\n"
        ));
    }
    let mut names: Vec<String> = fs::read_dir(dist)
        .map_err(|e| format!("{}: {e}", dist.display()))?
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| is_hashed(n) && !n.ends_with(".br") && !n.ends_with(".gz"))
        .collect();
    names.sort();
    for n in names {
        out.push_str(&format!(
            "{public_url}{n}\n  Cache-Control: public, max-age=31536000, immutable\n\n"
        ));
    }
    Ok(out)
}

/// The files `index.html` makes the browser fetch at start (scripts, the
/// wasm, styles, icons), plus the page and the runtime configuration.
pub fn initial_assets(index: &str) -> Vec<String> {
    let mut out = vec!["index.html".to_owned(), "config.json".to_owned()];
    for attr in [
        "href=\"",
        "src=\"",
        "from '",
        "module_or_path: '",
        "module_or_path: fetch('",
        "<meta name=\"pc-chunk\" content=\"",
    ] {
        for (i, _) in index.match_indices(attr) {
            let rest = &index[i + attr.len()..];
            let end = rest.find(['"', '\'']).unwrap_or(rest.len());
            let url = rest[..end].trim_start_matches('/').to_owned();
            let is_asset = [".js", ".wasm", ".css", ".svg", ".png", ".ico"]
                .iter()
                .any(|e| url.ends_with(e));
            if is_asset && !url.contains("://") && !out.contains(&url) {
                out.push(url);
            }
        }
    }
    out
}

/// What a page of `dist` makes the browser fetch at start: what it names
/// itself, and what the scripts it names fetch (the start-up script names
/// the main module it fetches).
pub fn page_assets(dist: &Path, html: &str) -> Vec<String> {
    let mut out = initial_assets(html);
    let scripts: Vec<String> = out.iter().filter(|a| a.ends_with(".js")).cloned().collect();
    for js in scripts {
        let Ok(text) = fs::read_to_string(dist.join(&js)) else {
            continue;
        };
        for a in initial_assets(&text) {
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out
}

/// Prints the sizes of what `/enroll` loads; returns the brotli total.
pub fn report(dist: &Path) -> Result<u64, String> {
    let index =
        fs::read_to_string(dist.join("index.html")).map_err(|e| format!("dist/index.html: {e}"))?;
    let assets = page_assets(dist, &index);
    println!(
        "  {:<48} {:>10} {:>10} {:>10}",
        "asset", "raw", "gzip", "brotli"
    );
    let (mut raw_t, mut gz_t, mut br_t) = (0u64, 0u64, 0u64);
    for a in &assets {
        let path = dist.join(a);
        let Ok(data) = fs::read(&path) else {
            return Err(format!("index.html loads {a}, which is not in dist/"));
        };
        let (raw, gz, br) = (
            data.len() as u64,
            gzip(&data).len() as u64,
            brotli(&data).len() as u64,
        );
        raw_t += raw;
        gz_t += gz;
        br_t += br;
        println!("  {a:<48} {raw:>10} {gz:>10} {br:>10}");
    }
    println!("  {:<48} {raw_t:>10} {gz_t:>10} {br_t:>10}", "total");
    println!(
        "  budget: {} bytes brotli — {}",
        SIZE_BUDGET_BROTLI,
        if br_t <= SIZE_BUDGET_BROTLI {
            "within"
        } else {
            "OVER"
        }
    );
    Ok(br_t)
}

/// Budgets per route (brotli): what must arrive before the first paint
/// (the page and its styles), and everything fetched before the page is
/// usable.
pub const FIRST_PAINT_BUDGET: u64 = 15 * 1024;

/// One route's figures: the default locale's static page and what it loads.
pub struct RouteSize {
    pub url: &'static str,
    /// HTML + CSS, brotli: what must arrive before the first paint.
    pub first_paint: u64,
    /// Everything the page fetches before it is usable, brotli.
    pub total: u64,
}

/// The most a route may load until usable (brotli) before the test command
/// fails: what the split build measured (README › Performance) plus a few
/// KB, so that growth is a decision, not an accident.
pub fn route_ceiling(url: &str) -> Option<u64> {
    match url {
        "/enroll" => Some(crate::SIZE_BUDGET_BROTLI),
        "/enroll/account" => Some(260 * 1024),
        "/enroll/company" => Some(310 * 1024),
        "/dashboard" => Some(245 * 1024),
        _ => None,
    }
}

/// What a route should load until usable (brotli), where the issue sets a
/// goal: the React yardstick's figures or less.
pub fn route_goal(url: &str) -> Option<u64> {
    match url {
        "/enroll" => Some(90 * 1024),
        "/enroll/account" | "/enroll/company" => Some(125 * 1024),
        "/dashboard" => Some(160 * 1024),
        _ => None,
    }
}

/// Prints what every static page loads (before first paint and in all),
/// brotli, against the budgets; returns the figures.
pub fn route_report(dist: &Path) -> Result<Vec<RouteSize>, String> {
    let mut out = vec![];
    let mut cache = std::collections::HashMap::<String, u64>::new();
    let mut size = |name: &str| -> Result<u64, String> {
        if let Some(n) = cache.get(name) {
            return Ok(*n);
        }
        let data = fs::read(dist.join(name)).map_err(|e| format!("dist/{name}: {e}"))?;
        let n = brotli(&data).len() as u64;
        cache.insert(name.to_owned(), n);
        Ok(n)
    };
    println!(
        "  {:<34} {:>16} {:>22}",
        "route (static page)", "before paint", "until usable"
    );
    for page in crate::routes::STATIC_PAGES {
        let html = match fs::read_to_string(dist.join(page.file)) {
            Ok(h) => h,
            // A build without static pages: every route is the shell.
            Err(_) => fs::read_to_string(dist.join("index.html"))
                .map_err(|e| format!("dist/index.html: {e}"))?,
        };
        let assets = page_assets(dist, &html);
        let (mut first_paint, mut total) = (0, 0);
        for a in &assets {
            let n = if a == "index.html" {
                brotli(html.as_bytes()).len() as u64
            } else {
                size(a)?
            };
            total += n;
            if a == "index.html" || a.ends_with(".css") {
                first_paint += n;
            }
        }
        let budget = match (route_ceiling(page.url), route_goal(page.url)) {
            (Some(c), Some(g)) => format!(" (ceiling {} KB, goal {} KB)", c / 1024, g / 1024),
            _ => String::new(),
        };
        println!(
            "  {:<34} {:>8.1} KB{:<6} {:>8.1} KB{budget}",
            page.url,
            first_paint as f64 / 1024.0,
            if first_paint <= FIRST_PAINT_BUDGET {
                ""
            } else {
                " OVER"
            },
            total as f64 / 1024.0,
        );
        out.push(RouteSize {
            url: page.url,
            first_paint,
            total,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_assets_index_html_loads_are_found() {
        let index = r#"<base href="/" /><script type="module">
import init, * as bindings from '/app-0123.js';
const wasm = await init({ module_or_path: '/app-0123_bg.wasm' });
</script><link rel="stylesheet" href="/main-abcd.css" integrity="x"/>
<link rel="icon" href="/favicon-1.svg"/><link rel="modulepreload" href="/app-0123.js">
<meta name="pc-chunk" content="split_account-ab.wasm">"#;
        assert_eq!(
            initial_assets(index),
            [
                "index.html",
                "config.json",
                "main-abcd.css",
                "favicon-1.svg",
                "app-0123.js",
                "app-0123_bg.wasm",
                "split_account-ab.wasm"
            ]
        );
    }

    #[test]
    fn the_main_module_the_start_up_script_fetches_counts() {
        let dir = std::env::temp_dir().join(format!("pc-assets-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(
            dir.join("loader-1.js"),
            "import init from '/app-0123.js';\nawait init({ module_or_path: fetch('/app-0123_bg.wasm', { integrity: 'x' }) });",
        )
        .unwrap();
        let html = r#"<script type="module" src="/loader-1.js"></script>"#;
        let assets = page_assets(&dir, html);
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(
            assets,
            [
                "index.html",
                "config.json",
                "loader-1.js",
                "app-0123.js",
                "app-0123_bg.wasm"
            ]
        );
    }

    #[test]
    fn the_headers_manifest_caches_hashed_files_and_revalidates_the_rest() {
        let dir = std::env::temp_dir().join(format!("pc-headers-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for f in [
            "index.html",
            "config.json",
            "app-0123456789abcdef_bg.wasm",
            "app-0123456789abcdef_bg.wasm.br",
            "loader-0123456789abcdef.js",
        ] {
            fs::write(dir.join(f), "x").unwrap();
        }
        let m = headers_manifest(&dir, "/portal/partners/").unwrap();
        assert!(m.contains("/portal/partners/index.html\n  Cache-Control: no-cache"));
        assert!(m.contains("/portal/partners/config.json\n  Cache-Control: no-cache"));
        assert!(m.contains("/portal/partners/app-0123456789abcdef_bg.wasm\n  Cache-Control: public, max-age=31536000, immutable"));
        assert!(m.contains("/portal/partners/loader-0123456789abcdef.js\n  Cache-Control: public"));
        assert!(!m.contains(".wasm.br"));
        assert!(m.contains("base-uri 'none'") && !m.contains("unsafe-inline"));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn compression_round_trips_in_size_order() {
        let data = "partner center ".repeat(1000);
        let gz = gzip(data.as_bytes());
        let br = brotli(data.as_bytes());
        assert!(br.len() < data.len() && gz.len() < data.len());
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, data.as_bytes());
    }
}

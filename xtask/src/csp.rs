//! Makes the built `index.html` work under a strict Content-Security-Policy:
//! trunk's inline start-up script moves to a hashed file with an SRI
//! integrity attribute, and `<base href>` (which `base-uri 'none'` forbids)
//! becomes a `pc-base` meta tag the app reads. It also writes
//! `partner-center.js`, the entry point for host pages that embed the app
//! (`embed.js` with the build's hashed file names filled in).
//!
//! The start-up script fetches the main module itself, with the integrity
//! of trunk's `<link rel="preload">` for it, and that preload goes: WebKit
//! never hands an `as="fetch"` preload to `fetch()`, so it downloaded the
//! main module twice.

use std::fs;
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256, Sha384};

pub fn externalize(dist: &Path) -> Result<String, String> {
    let index_path = dist.join("index.html");
    let html = fs::read_to_string(&index_path).map_err(|e| format!("dist/index.html: {e}"))?;
    let out = rewrite(&html, |name, body| {
        fs::write(dist.join(name), body).map_err(|e| format!("dist/{name}: {e}"))
    })?;
    fs::write(&index_path, &out).map_err(|e| format!("dist/index.html: {e}"))?;
    Ok(out)
}

/// The rewritten page; `write(name, body)` stores the loader file.
pub fn rewrite(
    html: &str,
    mut write: impl FnMut(&str, &str) -> Result<(), String>,
) -> Result<String, String> {
    let open = "<script type=\"module\">";
    let inline = |html: &str| -> Result<(usize, usize), String> {
        let start = html
            .find(open)
            .ok_or("index.html has no inline module script to move (is it already external?)")?;
        let end = html[start..]
            .find("</script>")
            .map(|i| start + i)
            .ok_or("index.html: unterminated inline script")?;
        Ok((start, end))
    };
    let (start, end) = inline(html)?;
    let (html, script) = fetch_main_module(html, html[start + open.len()..end].trim())?;
    let html = html.as_str();
    let (start, end) = inline(html)?;
    // Where the app's files are: trunk's <base href>, if any.
    let base = html
        .find("<base href=\"")
        .map(|i| {
            let rest = &html[i + 12..];
            rest[..rest.find('"').unwrap_or(0)].to_owned()
        })
        .unwrap_or_else(|| "/".into());
    let hash: String = Sha256::digest(script.as_bytes())[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let name = format!("loader-{hash}.js");
    write(&name, &script)?;
    write(EMBED_NAME, &embed_entry(html, &script, &base)?)?;
    let sri = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(script.as_bytes()));
    let tag = format!("<script type=\"module\" src=\"{base}{name}\" integrity=\"sha384-{sri}\" crossorigin=\"anonymous\"></script>");
    let mut out = format!(
        "{}{}{}",
        &html[..start],
        tag,
        &html[end + "</script>".len()..]
    );
    if let Some(i) = out.find("<base href=\"") {
        let close = out[i..]
            .find("/>")
            .or_else(|| out[i..].find('>'))
            .ok_or("index.html: unterminated <base>")?;
        let len = if out.as_bytes()[i + close] == b'/' {
            close + 2
        } else {
            close + 1
        };
        out.replace_range(
            i..i + len,
            &format!("<meta name=\"pc-base\" content=\"{base}\" />"),
        );
    }
    Ok(out)
}

/// The page without trunk's preload of the main module, and the start-up
/// script fetching it instead, with the preload's integrity. A build
/// without that preload (or its integrity) is refused: the main module
/// would load unchecked.
fn fetch_main_module(html: &str, script: &str) -> Result<(String, String), String> {
    let wasm = between(script, "module_or_path: '", '\'')
        .ok_or("index.html: the start-up script names no main module")?;
    let href = format!("href=\"{wasm}\"");
    let (at, len) = html
        .match_indices("<link rel=\"preload\"")
        .find_map(|(i, _)| {
            let len = html[i..].find('>')? + 1;
            html[i..i + len].contains(&href).then_some((i, len))
        })
        .ok_or_else(|| format!("index.html has no preload of {wasm} to take its integrity from"))?;
    let integrity = between(&html[at..at + len], "integrity=\"", '"')
        .filter(|i| !i.is_empty())
        .ok_or_else(|| format!("index.html: the preload of {wasm} has no integrity"))?;
    let script = script.replace(
        &format!("module_or_path: '{wasm}'"),
        &format!("module_or_path: fetch('{wasm}', {{ integrity: '{integrity}' }})"),
    );
    let mut html = html.to_owned();
    html.replace_range(at..at + len, "");
    Ok((html, script))
}

/// The stable name host pages load.
pub const EMBED_NAME: &str = "partner-center.js";

/// The text between `open` and the next `close` after it.
fn between<'a>(text: &'a str, open: &str, close: char) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find(close)?;
    Some(&text[start..start + len])
}

/// `embed.js` for this build: file names relative to the entry itself, so
/// the build works from any path or CDN.
fn embed_entry(html: &str, script: &str, base: &str) -> Result<String, String> {
    let relative = |what: &str, path: Option<&str>| {
        path.map(|p| {
            p.strip_prefix(base)
                .unwrap_or(p)
                .trim_start_matches('/')
                .to_owned()
        })
        .filter(|p| !p.is_empty() && !p.contains(['"', '\\', '\n']))
        .ok_or_else(|| format!("index.html: cannot find the {what} for {EMBED_NAME}"))
    };
    let js = relative("app's JavaScript", between(script, "from '", '\''))?;
    let wasm = relative(
        "app's wasm",
        between(script, "module_or_path: '", '\'')
            .or_else(|| between(script, "module_or_path: fetch('", '\'')),
    )?;
    let css = relative(
        "stylesheet",
        between(html, "<link rel=\"stylesheet\" href=\"", '"'),
    )?;
    Ok(include_str!("embed.js")
        .replace("__JS__", &js)
        .replace("__WASM__", &wasm)
        .replace("__CSS__", &css))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inline_script_moves_out_and_base_becomes_meta() {
        let html = "<head><base href=\"/portal/\" />\n<script type=\"module\">\nimport init, * as bindings from '/portal/app-0123.js';\nawait init({ module_or_path: '/portal/app-0123_bg.wasm' });\n</script><link rel=\"stylesheet\" href=\"/portal/s-99.css\"/><link rel=\"preload\" href=\"/portal/app-0123_bg.wasm\" crossorigin=\"anonymous\" integrity=\"sha384-W\" as=\"fetch\" type=\"application/wasm\"></head>";
        let mut written = vec![];
        let out = rewrite(html, |n, b| {
            written.push((n.to_owned(), b.to_owned()));
            Ok(())
        })
        .unwrap();
        assert_eq!(written.len(), 2);
        assert!(written[0].0.starts_with("loader-") && written[0].1.contains("await init("));
        // The script fetches the main module, with the preload's integrity,
        // and the preload (which WebKit would not use) is gone.
        assert!(
            written[0].1.contains(
                "init({ module_or_path: fetch('/portal/app-0123_bg.wasm', { integrity: 'sha384-W' }) })"
            ),
            "{}",
            written[0].1
        );
        assert!(!out.contains("rel=\"preload\""), "{out}");
        // Without the preload's integrity the main module would load
        // unchecked: refused.
        let bare = html.replace(" integrity=\"sha384-W\"", "");
        assert!(rewrite(&bare, |_, _| Ok(()))
            .unwrap_err()
            .contains("no integrity"));
        let none = html.replace("rel=\"preload\"", "rel=\"prefetch\"");
        assert!(rewrite(&none, |_, _| Ok(()))
            .unwrap_err()
            .contains("no preload"));
        let (name, embed) = &written[1];
        assert_eq!(name, EMBED_NAME);
        assert!(embed.contains("from \"./app-0123.js\""), "{embed}");
        assert!(
            embed.contains("new URL(\"app-0123_bg.wasm\", here)"),
            "{embed}"
        );
        assert!(embed.contains("new URL(\"s-99.css\", here)"), "{embed}");
        assert!(
            !embed.contains("__"),
            "every placeholder is filled: {embed}"
        );
        assert!(!out.contains("<script type=\"module\">"));
        assert!(out.contains(&format!(
            "src=\"/portal/{}\" integrity=\"sha384-",
            written[0].0
        )));
        assert!(out.contains("<meta name=\"pc-base\" content=\"/portal/\" />"));
        assert!(!out.contains("<base"));
        assert!(
            rewrite(&out, |_, _| Ok(())).is_err(),
            "a second pass finds nothing to move"
        );
    }
}

//! Makes the built `index.html` work under a strict Content-Security-Policy:
//! trunk's inline start-up script moves to a hashed file with an SRI
//! integrity attribute, and `<base href>` (which `base-uri 'none'` forbids)
//! becomes a `pc-base` meta tag the app reads. It also writes
//! `partner-center.js`, the entry point for host pages that embed the app
//! (`embed.js` with the build's hashed file names filled in).

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
    let start = html
        .find(open)
        .ok_or("index.html has no inline module script to move (is it already external?)")?;
    let body_start = start + open.len();
    let end = html[body_start..]
        .find("</script>")
        .map(|i| body_start + i)
        .ok_or("index.html: unterminated inline script")?;
    let script = html[body_start..end].trim().to_owned();
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
    let wasm = relative("app's wasm", between(script, "module_or_path: '", '\''))?;
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
        let html = "<head><base href=\"/portal/\" />\n<script type=\"module\">\nimport init, * as bindings from '/portal/app-0123.js';\nawait init({ module_or_path: '/portal/app-0123_bg.wasm' });\n</script><link rel=\"stylesheet\" href=\"/portal/s-99.css\"/></head>";
        let mut written = vec![];
        let out = rewrite(html, |n, b| {
            written.push((n.to_owned(), b.to_owned()));
            Ok(())
        })
        .unwrap();
        assert_eq!(written.len(), 2);
        assert!(written[0].0.starts_with("loader-") && written[0].1.contains("await init("));
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

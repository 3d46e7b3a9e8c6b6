//! Route-level code splitting of the release build, run around trunk
//! (trunk 0.21 cannot split): trunk builds the app with the `split`
//! feature, then this step cuts the linked wasm (kept with
//! `--emit-relocs`) at the app's `#[wasm_split]` functions with
//! `wasm-split-cli`, runs wasm-bindgen (`--keep-lld-exports`, which the
//! chunks link against) and wasm-opt on the main module and every chunk,
//! names each file by its content hash, lets each chunk's fetch check its
//! integrity (SRI), and puts the result in place of trunk's unsplit files.
//!
//! A route's static page names its chunks in `<meta name="pc-chunk">`
//! tags; the loader starts those fetches as it is evaluated, before the
//! main module is instantiated, so a deep link has no waterfall. (Not
//! `<link rel="preload">`: WebKit never hands a preload to `fetch()`, and
//! Firefox not to one with `integrity`, so both fetched each chunk twice.)
//!
//! The chunk loader (`__wasm_split-<hash>.js`) and the main module import
//! each other, so one hash over everything the split produced names both.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use sha2::{Digest, Sha256, Sha384};

use crate::routes::Route;
use crate::{sh, step, Res};

/// The app's binary, as trunk builds it (`index.html`'s `data-bin`).
const BIN: &str = "partner-center";
/// The loader `wasm-split-cli` writes, as the main module imports it.
const LOADER: &str = "__wasm_split.js";

fn hex(data: &[u8]) -> String {
    Sha256::digest(data)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn sri(data: &[u8]) -> String {
    format!(
        "sha384-{}",
        base64::engine::general_purpose::STANDARD.encode(Sha384::digest(data))
    )
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, data: impl AsRef<[u8]>) -> Res {
    fs::write(path, data).map_err(|e| format!("{}: {e}", path.display()))
}

/// One chunk of the build: the file the loader fetches and its integrity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Chunk {
    pub file: String,
    pub integrity: String,
}

/// What each split (a name of `Route::chunk`) needs fetched: its own chunk
/// and the chunks it shares with other splits. Written beside the build
/// as `chunks.json` for the static pages and the size report.
pub type Manifest = BTreeMap<String, Vec<Chunk>>;

pub const MANIFEST: &str = "chunks.json";

pub fn run(dist: &Path, target: &Path) -> Res {
    step("route-level code splitting (wasm-split-cli, wasm-bindgen, wasm-opt)");
    let started = std::time::Instant::now();
    let raw = target.join(format!("wasm32-unknown-unknown/wasm-release/{BIN}.wasm"));
    let work = target.join("split-work");
    let _ = fs::remove_dir_all(&work);
    let bindgen = work.join("bindgen");
    fs::create_dir_all(&bindgen).map_err(|e| format!("{}: {e}", bindgen.display()))?;

    sh(Command::new("wasm-split-cli")
        .arg(&raw)
        .arg(&work)
        .args(["--out-name", BIN]))?;
    sh(Command::new("wasm-bindgen")
        .args([
            "--target",
            "web",
            "--keep-lld-exports",
            "--no-demangle",
            "--no-typescript",
            "--out-name",
            BIN,
            "--out-dir",
        ])
        .arg(&bindgen)
        .arg(work.join(format!("{BIN}.wasm"))))?;

    // The main module and every chunk, optimised as trunk would.
    let mut chunks = vec![];
    for entry in fs::read_dir(&work).map_err(|e| format!("{}: {e}", work.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".wasm") && name != format!("{BIN}.wasm") {
            chunks.push(name.to_owned());
        }
    }
    chunks.sort();
    // Quiet unless it fails: every chunk draws the same harmless warning
    // about the name section's newer subsections.
    let opt = |input: &Path| -> Res {
        let out = Command::new("wasm-opt")
            .arg(format!("--output={}", input.display()))
            .arg("-Oz")
            .arg(input)
            .output()
            .map_err(|e| format!("cannot start wasm-opt: {e}"))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "wasm-opt {} failed ({}): {}",
                input.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    };
    let main_wasm = bindgen.join(format!("{BIN}_bg.wasm"));
    // Two at a time: this wasm-opt starts slowly (node), the machine has
    // two cores.
    let mut inputs: Vec<PathBuf> = chunks.iter().map(|c| work.join(c)).collect();
    inputs.push(main_wasm.clone());
    let (a, b) = inputs.split_at(inputs.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| a.iter().try_for_each(|p| opt(p)));
        let mine = b.iter().try_for_each(|p| opt(p));
        other
            .join()
            .map_err(|_| "wasm-opt thread panicked".to_owned())?
            .and(mine)
    })?;

    // Chunks by content hash, fetched with their integrity.
    let mut loader = String::from_utf8(read(&work.join(LOADER))?)
        .map_err(|_| format!("{LOADER} is not UTF-8"))?;
    let mut renamed = BTreeMap::new();
    for c in &chunks {
        let data = read(&work.join(c))?;
        let stem = c.trim_end_matches(".wasm");
        let file = format!("{stem}-{}.wasm", hex(&data));
        let integrity = sri(&data);
        loader = fetch_through_early(&loader, c, &file)?;
        write(&dist.join(&file), &data)?;
        renamed.insert(stem.to_owned(), Chunk { file, integrity });
    }
    let manifest = manifest(&loader, &renamed)?;
    check_routes(&manifest)?;
    loader.push_str(&early_fetches(&renamed));

    // One hash for the pair that import each other.
    let js = String::from_utf8(read(&bindgen.join(format!("{BIN}.js")))?)
        .map_err(|_| format!("{BIN}.js is not UTF-8"))?;
    let wasm = read(&main_wasm)?;
    let mut all = Sha256::new();
    all.update(js.as_bytes());
    all.update(&wasm);
    all.update(loader.as_bytes());
    let h: String = all.finalize()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let js_name = format!("{BIN}-{h}.js");
    let wasm_name = format!("{BIN}-{h}_bg.wasm");
    let loader_name = format!("__wasm_split-{h}.js");
    // The import statements only: the wasm's import module keeps its name.
    let js = replace_all(
        &js,
        &format!("from \"./{LOADER}\""),
        &format!("from \"./{loader_name}\""),
    )?;
    let loader = replace_all(
        &loader,
        &format!("\"./{BIN}.js\""),
        &format!("\"./{js_name}\""),
    )?;

    // In place of trunk's unsplit files.
    let index_path = dist.join("index.html");
    let index = fs::read_to_string(&index_path).map_err(|e| format!("dist/index.html: {e}"))?;
    let old_js = trunk_file(&index, ".js")?;
    let old_wasm = trunk_file(&index, "_bg.wasm")?;
    let _ = fs::remove_file(dist.join(&old_js));
    let _ = fs::remove_file(dist.join(&old_wasm));
    write(&dist.join(&js_name), &js)?;
    write(&dist.join(&wasm_name), &wasm)?;
    write(&dist.join(&loader_name), &loader)?;
    let index = retarget(&index, &old_js, &js_name, &sri(js.as_bytes()))?;
    let index = retarget(&index, &old_wasm, &wasm_name, &sri(&wasm))?;
    let index = add_loader_preload(&index, &js_name, &loader_name, &sri(loader.as_bytes()))?;
    write(&index_path, index)?;
    write(
        &dist.join(MANIFEST),
        serde_json::to_string_pretty(&to_json(&manifest)).map_err(|e| e.to_string())?,
    )?;
    println!(
        "  main module {} KB, {} chunks for {} pages, in {:.1} s",
        wasm.len() / 1024,
        chunks.len(),
        manifest.len(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn replace_all(text: &str, old: &str, new: &str) -> Result<String, String> {
    if !text.contains(old) {
        return Err(format!("the split build has no {old:?} where expected"));
    }
    Ok(text.replace(old, new))
}

/// The loader fetches `file` (renamed from `old`) through `__pcFetch`
/// (`early_fetches`), which checks its integrity.
fn fetch_through_early(loader: &str, old: &str, file: &str) -> Result<String, String> {
    let from = format!("fetch(new URL(\"./{old}\", import.meta.url))");
    let to = format!("__pcFetch(\"./{file}\")");
    replace_all(loader, &from, &to)
}

/// Appended to the loader: every chunk's fetch, with its integrity (SRI);
/// the chunks the page names in `<meta name="pc-chunk">` start at once.
/// An early fetch serves one load: a load that failed fetches anew.
fn early_fetches(chunks: &BTreeMap<String, Chunk>) -> String {
    let table: serde_json::Map<String, serde_json::Value> = chunks
        .values()
        .map(|c| (format!("./{}", c.file), c.integrity.clone().into()))
        .collect();
    format!(
        r#"
/* Partner Center: each chunk is fetched with its integrity; those the page
   names in <meta name="pc-chunk"> start now, beside the main module. */
const __pcIntegrity = {};
const __pcEarly = new Map();
function __pcStart(file) {{
    const f = fetch(new URL(file, import.meta.url), {{ integrity: __pcIntegrity[file] }});
    f.catch(() => {{}});
    return f;
}}
function __pcFetch(file) {{
    const early = __pcEarly.get(file);
    __pcEarly.delete(file);
    return early || __pcStart(file);
}}
if (typeof document !== "undefined") {{
    for (const m of document.querySelectorAll('meta[name="pc-chunk"]')) {{
        const file = "./" + m.getAttribute("content");
        if (Object.prototype.hasOwnProperty.call(__pcIntegrity, file) && !__pcEarly.has(file)) {{
            __pcEarly.set(file, __pcStart(file));
        }}
    }}
}}
"#,
        serde_json::Value::Object(table)
    )
}

/// Reads from the loader which chunks each split needs: its loader
/// `export const __wasm_split_load_<name> = wrapAsyncCb(makeLoad(<fetch of
/// its own chunk>, [<shared chunks' variables>]))`, and each shared chunk's
/// `const __chunk_<n> = makeLoad(<fetch>, [])`.
pub fn manifest(loader: &str, chunks: &BTreeMap<String, Chunk>) -> Result<Manifest, String> {
    let file_in = |text: &str| -> Option<Chunk> {
        chunks
            .values()
            .find(|c| text.contains(&format!("\"./{}\"", c.file)))
            .cloned()
    };
    let mut shared = BTreeMap::new();
    for (i, _) in loader.match_indices("const __chunk_") {
        let rest = &loader[i + "const ".len()..];
        let var = &rest[..rest.find(' ').ok_or("unreadable chunk loader")?];
        let body = &rest[..rest.find("[]);").ok_or("unreadable chunk loader")?];
        let chunk = file_in(body).ok_or_else(|| format!("{var}: no chunk file"))?;
        shared.insert(var.to_owned(), chunk);
    }
    let mut out = Manifest::new();
    let prefix = "export const __wasm_split_load_";
    for (i, _) in loader.match_indices(prefix) {
        let rest = &loader[i + prefix.len()..];
        let name = &rest[..rest.find(' ').ok_or("unreadable split loader")?];
        let end = rest.find("]))").ok_or("unreadable split loader")?;
        let body = &rest[..end];
        let deps_at = body.rfind('[').ok_or("unreadable split loader")?;
        let mut needs: Vec<Chunk> = body[deps_at + 1..]
            .split(',')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(|v| {
                shared
                    .get(v)
                    .cloned()
                    .ok_or_else(|| format!("split {name} needs {v}, which the loader lacks"))
            })
            .collect::<Result<_, _>>()?;
        // An empty split (all its code shared) fetches no file of its own.
        if let Some(own) = file_in(&body[..deps_at]) {
            needs.push(own);
        }
        out.insert(name.to_owned(), needs);
    }
    if out.is_empty() {
        return Err(
            "the split build has no split point: was it built with `--features split`?".into(),
        );
    }
    Ok(out)
}

/// The routes' chunk names (`Route::chunk`) and the build's are the same.
fn check_routes(manifest: &Manifest) -> Res {
    let named: Vec<&str> = Route::ALL.iter().filter_map(|r| r.chunk()).collect();
    for n in &named {
        if !manifest.contains_key(*n) {
            return Err(format!(
                "Route::chunk names {n:?}, which the app has no #[wasm_split] for"
            ));
        }
    }
    for n in manifest.keys() {
        if !named.contains(&n.as_str()) {
            return Err(format!(
                "the app splits out {n:?}, which no Route::chunk names"
            ));
        }
    }
    Ok(())
}

/// Trunk's name for the app's file ending in `suffix`, from `index.html`.
fn trunk_file(index: &str, suffix: &str) -> Result<String, String> {
    let marker = format!("{BIN}-");
    index
        .match_indices(&marker)
        .map(|(i, _)| {
            let rest = &index[i..];
            &rest[..rest.find(['"', '\'']).unwrap_or(rest.len())]
        })
        .find(|name| {
            name.strip_suffix(suffix)
                .and_then(|s| s.strip_prefix(&marker))
                .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit()))
        })
        .map(str::to_owned)
        .ok_or_else(|| format!("index.html names no {marker}<hash>{suffix}"))
}

/// `index.html` with `old` renamed to `new`, and the integrity of the tag
/// that preloads it replaced.
fn retarget(index: &str, old: &str, new: &str, integrity: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = index;
    while let Some(i) = rest.find(old) {
        let (before, after) = rest.split_at(i);
        out.push_str(before);
        out.push_str(new);
        rest = &after[old.len()..];
    }
    out.push_str(rest);
    // The integrity attribute of each `<link …>` that names the new file.
    let mut fixed = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find("<link ") {
        let end = rest[i..].find('>').map(|e| i + e + 1).unwrap_or(rest.len());
        fixed.push_str(&rest[..i]);
        let tag = &rest[i..end];
        if tag.contains(new) {
            fixed.push_str(&set_integrity(tag, integrity));
        } else {
            fixed.push_str(tag);
        }
        rest = &rest[end..];
    }
    fixed.push_str(rest);
    if !fixed.contains(new) {
        return Err(format!("index.html does not name {old}"));
    }
    Ok(fixed)
}

fn set_integrity(tag: &str, integrity: &str) -> String {
    match tag.find("integrity=\"") {
        Some(i) => {
            let start = i + "integrity=\"".len();
            let len = tag[start..].find('"').unwrap_or(0);
            format!("{}{integrity}{}", &tag[..start], &tag[start + len..])
        }
        None => tag.to_owned(),
    }
}

/// The loader is fetched beside the main module, with its integrity.
fn add_loader_preload(
    index: &str,
    js: &str,
    loader: &str,
    integrity: &str,
) -> Result<String, String> {
    let i = index
        .find("<link rel=\"modulepreload\"")
        .filter(|&i| {
            index[i..]
                .find('>')
                .is_some_and(|e| index[i..i + e].contains(js))
        })
        .ok_or("index.html has no modulepreload of the app's module")?;
    let href = between_attr(&index[i..], "href=\"").ok_or("modulepreload without href")?;
    let base = href.strip_suffix(js).unwrap_or("/");
    let tag = format!(
        "<link rel=\"modulepreload\" href=\"{base}{loader}\" crossorigin=\"anonymous\" integrity=\"{integrity}\">"
    );
    let mut out = index.to_owned();
    out.insert_str(i, &tag);
    Ok(out)
}

fn between_attr<'a>(text: &'a str, open: &str) -> Option<&'a str> {
    let start = text.find(open)? + open.len();
    let len = text[start..].find('"')?;
    Some(&text[start..start + len])
}

fn to_json(manifest: &Manifest) -> serde_json::Value {
    manifest
        .iter()
        .map(|(name, needs)| {
            let needs: Vec<_> = needs
                .iter()
                .map(|c| serde_json::json!({ "file": c.file, "integrity": c.integrity }))
                .collect();
            (name.clone(), serde_json::Value::Array(needs))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
}

fn from_json(value: &serde_json::Value) -> Option<Manifest> {
    value
        .as_object()?
        .iter()
        .map(|(name, needs)| {
            let needs = needs
                .as_array()?
                .iter()
                .map(|c| {
                    Some(Chunk {
                        file: c.get("file")?.as_str()?.to_owned(),
                        integrity: c.get("integrity")?.as_str()?.to_owned(),
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some((name.clone(), needs))
        })
        .collect()
}

/// The manifest of a built `dist`, if it was split.
pub fn read_manifest(dist: &Path) -> Result<Option<Manifest>, String> {
    let path: PathBuf = dist.join(MANIFEST);
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(None);
    };
    serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .as_ref()
        .and_then(from_json)
        .map(Some)
        .ok_or_else(|| format!("{}: not a chunk manifest", path.display()))
}

/// The `<meta name="pc-chunk">` tags that name a route's chunks, which the
/// loader then starts beside the main module, so a deep link has no
/// waterfall.
pub fn chunk_tags(manifest: &Manifest, route: Option<Route>) -> String {
    let Some(needs) = route.and_then(Route::chunk).and_then(|n| manifest.get(n)) else {
        return String::new();
    };
    needs
        .iter()
        .map(|c| format!("<meta name=\"pc-chunk\" content=\"{}\">", c.file))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER_JS: &str = r#"import { initSync } from "./partner-center.js";
/* account, journey */
const __chunk_6 = makeLoad(() => {
    const src = fetch(new URL("./chunk_6.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
export const __wasm_split_load_journey = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_journey.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_6]));
export const __wasm_split_load_account = wrapAsyncCb(makeLoad(() => async (_imp) => ({}), [__chunk_6]));
"#;

    fn chunk(file: &str) -> Chunk {
        Chunk {
            file: file.into(),
            integrity: format!("sha384-{file}"),
        }
    }

    #[test]
    fn each_split_needs_its_own_chunk_and_the_shared_ones() {
        let mut js = LOADER_JS.to_owned();
        let mut renamed = BTreeMap::new();
        for (stem, file) in [
            ("chunk_6", "chunk_6-aa.wasm"),
            ("split_journey", "split_journey-bb.wasm"),
        ] {
            js = fetch_through_early(&js, &format!("{stem}.wasm"), file).unwrap();
            renamed.insert(stem.to_owned(), chunk(file));
        }
        assert!(js.contains(r#"const src = __pcFetch("./split_journey-bb.wasm");"#));
        assert!(!js.contains("\"./chunk_6.wasm\""));
        let m = manifest(&js, &renamed).unwrap();
        assert_eq!(
            m["journey"],
            [chunk("chunk_6-aa.wasm"), chunk("split_journey-bb.wasm")]
        );
        // A split whose code is all shared has no file of its own.
        assert_eq!(m["account"], [chunk("chunk_6-aa.wasm")]);
        assert_eq!(from_json(&to_json(&m)), Some(m.clone()));

        let early = early_fetches(&renamed);
        assert!(early.contains(r#""./split_journey-bb.wasm":"sha384-split_journey-bb.wasm""#));
        assert!(early.contains(r#"{ integrity: __pcIntegrity[file] }"#));

        assert_eq!(
            chunk_tags(&m, Some(Route::Company)),
            r#"<meta name="pc-chunk" content="chunk_6-aa.wasm"><meta name="pc-chunk" content="split_journey-bb.wasm">"#
        );
        assert_eq!(chunk_tags(&m, Some(Route::Welcome)), "");
        assert_eq!(chunk_tags(&m, None), "");
        assert!(fetch_through_early(&js, "missing.wasm", "x").is_err());
        assert!(
            manifest("import {}", &renamed).is_err(),
            "an unsplit build is refused"
        );
    }

    #[test]
    fn trunks_files_are_replaced_with_their_integrity_and_the_loader_is_preloaded() {
        let index = r#"<script type="module">import init from '/p/partner-center-0123456789abcdef.js';
await init({ module_or_path: '/p/partner-center-0123456789abcdef_bg.wasm' });</script>
<link rel="modulepreload" href="/p/partner-center-0123456789abcdef.js" crossorigin="anonymous" integrity="sha384-OLDJS"><link rel="preload" href="/p/partner-center-0123456789abcdef_bg.wasm" crossorigin="anonymous" integrity="sha384-OLDWASM" as="fetch" type="application/wasm"></head>"#;
        let js = trunk_file(index, ".js").unwrap();
        let wasm = trunk_file(index, "_bg.wasm").unwrap();
        assert_eq!(js, "partner-center-0123456789abcdef.js");
        assert_eq!(wasm, "partner-center-0123456789abcdef_bg.wasm");
        let out = retarget(index, &js, "partner-center-ffff.js", "sha384-NEWJS").unwrap();
        let out = retarget(&out, &wasm, "partner-center-ffff_bg.wasm", "sha384-NEWWASM").unwrap();
        let out = add_loader_preload(
            &out,
            "partner-center-ffff.js",
            "__wasm_split-ffff.js",
            "sha384-L",
        )
        .unwrap();
        assert!(
            !out.contains("0123456789abcdef") && !out.contains("OLD"),
            "{out}"
        );
        assert!(out.contains("from '/p/partner-center-ffff.js'"));
        assert!(out.contains("href=\"/p/partner-center-ffff.js\" crossorigin=\"anonymous\" integrity=\"sha384-NEWJS\""));
        assert!(out.contains("integrity=\"sha384-NEWWASM\""));
        assert!(out.contains("<link rel=\"modulepreload\" href=\"/p/__wasm_split-ffff.js\" crossorigin=\"anonymous\" integrity=\"sha384-L\">"));
        assert!(trunk_file("<html></html>", ".js").is_err());
    }

    #[test]
    fn every_chunk_a_route_names_must_exist_and_the_reverse() {
        let mut m: Manifest = ["account", "journey", "verify", "dashboard", "settings"]
            .into_iter()
            .map(|n| (n.to_owned(), vec![]))
            .collect();
        assert!(check_routes(&m).is_ok());
        m.insert("stray".into(), vec![]);
        assert!(check_routes(&m).unwrap_err().contains("stray"));
        m.remove("stray");
        m.remove("verify");
        assert!(check_routes(&m).unwrap_err().contains("verify"));
    }
}

//! Route-level code splitting in the release build: a page fetches only its
//! own chunks, a deep link starts them beside the main module, and a chunk
//! that cannot be fetched shows the retry banner until it can.

use std::path::Path;

use fantoccini::Client;
use serde_json::Value;

use crate::*;

/// The build's chunk manifest (`chunks.json`): split → files it needs.
fn manifest(dist: &Path) -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(dist.join("chunks.json"))
        .expect("the release build writes chunks.json: is it split by route?");
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .cloned()
        .unwrap()
}

fn files(m: &serde_json::Map<String, Value>, split: &str) -> Vec<String> {
    m[split]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["file"].as_str().unwrap().to_owned())
        .collect()
}

/// The split's own file (`split_<name>-<hash>.wasm`).
fn own_file(m: &serde_json::Map<String, Value>, split: &str) -> String {
    files(m, split)
        .into_iter()
        .find(|f| f.starts_with(&format!("split_{split}-")))
        .unwrap_or_else(|| panic!("split {split} has no file of its own"))
}

/// What the page has fetched: (file name, initiator, start, end) in ms.
async fn fetched(c: &Client) -> Vec<(String, String, f64, f64)> {
    let v = c
        .execute(
            "return performance.getEntriesByType('resource').map(e =>
               [e.name.split('/').pop(), e.initiatorType, e.startTime, e.responseEnd]);",
            vec![],
        )
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e[0].as_str().unwrap().to_owned(),
                e[1].as_str().unwrap_or("").to_owned(),
                e[2].as_f64().unwrap_or(0.0),
                e[3].as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_welcome_page_fetches_no_other_pages_code_and_the_next_step_fetches_its_own() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        let m = manifest(&env_path("PC_DIST"));
        c.goto(&format!("{url}/enroll")).await.unwrap();
        app_ready(&c).await;
        heading(&c, "Enroll in Partner Center").await;
        let names: Vec<String> = fetched(&c).await.into_iter().map(|f| f.0).collect();
        for split in ["account", "journey", "verify", "dashboard", "settings"] {
            let own = own_file(&m, split);
            assert!(
                !names.contains(&own),
                "/enroll fetched {own} ({split}): {names:?}"
            );
        }
        assert!(
            !names.iter().any(|n| n.starts_with("chunk_")),
            "/enroll fetched a shared chunk: {names:?}"
        );

        link(&c, "Next").await.click().await.unwrap();
        heading(&c, "Work account").await;
        let names: Vec<String> = fetched(&c).await.into_iter().map(|f| f.0).collect();
        for f in files(&m, "account") {
            assert!(
                names.contains(&f),
                "the account step did not fetch {f}: {names:?}"
            );
        }
        for split in ["journey", "dashboard", "settings"] {
            let own = own_file(&m, split);
            assert!(!names.contains(&own), "the account step fetched {own}");
        }
    })
    .await;
}

#[tokio::test]
async fn a_deep_link_starts_its_chunks_with_the_main_module() {
    e2e("en-US", |c, server| async move {
        let s = server.lock().await;
        let (session, _) = s.enrolled().await;
        let url = s.url();
        drop(s);
        use_session(&c, &url, &session).await;
        // A fresh page, as from a bookmark.
        c.goto("about:blank").await.unwrap();
        c.goto(&format!("{url}/dashboard/settings/users"))
            .await
            .unwrap();
        heading(&c, "User management").await;
        let all = fetched(&c).await;
        let main = all
            .iter()
            .find(|f| f.0.starts_with("partner-center-") && f.0.ends_with("_bg.wasm"))
            .unwrap_or_else(|| panic!("no main module among {all:?}"))
            .clone();
        // The app's first request once it runs: the configuration.
        let config = all
            .iter()
            .find(|f| f.0 == "config.json")
            .unwrap_or_else(|| panic!("no config.json among {all:?}"))
            .clone();
        let needs = files(&manifest(&env_path("PC_DIST")), "settings");
        for f in &needs {
            let entry = all
                .iter()
                .find(|e| &e.0 == f)
                .unwrap_or_else(|| panic!("{f} was not fetched: {all:?}"));
            // Started by the chunk loader as the page named it, not asked
            // for by the app once it ran: before the app's first request.
            // (Not before the main module has arrived: on one machine,
            // over HTTP/1.1's six connections, a chunk may wait for one.)
            assert_eq!(
                entry.1, "fetch",
                "{f} was fetched by {:?}, not by the chunk loader",
                entry.1
            );
            assert!(
                entry.2 <= config.2,
                "{f} started at {} ms, after the app ran (config.json at {} ms)",
                entry.2,
                config.2
            );
        }
        // Each file once, on every engine: the early fetch is the one the
        // chunk loader uses, and the start-up script's the one the main
        // module is instantiated from.
        let n = all.iter().filter(|e| e.0 == main.0).count();
        assert_eq!(n, 1, "the main module was fetched {n} times: {all:?}");
        for f in &needs {
            let n = all.iter().filter(|e| &e.0 == f).count();
            assert_eq!(n, 1, "{f} was fetched {n} times: {all:?}");
        }
        // Nor any chunk the route does not need.
        let every: Vec<String> = manifest(&env_path("PC_DIST"))
            .values()
            .flat_map(|v| v.as_array().unwrap().iter())
            .map(|c| c["file"].as_str().unwrap().to_owned())
            .collect();
        for e in &all {
            assert!(
                !every.contains(&e.0) || needs.contains(&e.0),
                "{} was fetched for /dashboard/settings/users",
                e.0
            );
        }
    })
    .await;
}

#[tokio::test]
async fn a_chunk_that_cannot_be_fetched_shows_the_retry_banner_until_it_can() {
    let dist = dist_with_config(
        &std::fs::read_to_string(env_path("PC_DIST").join("config.json")).unwrap(),
    );
    let journey = own_file(&manifest(dist.path()), "journey");
    let here = dist.path().join(&journey);
    let away = dist.path().join("held-back.wasm");
    for ext in ["", ".br", ".gz"] {
        let _ = std::fs::rename(
            format!("{}{ext}", here.display()),
            format!("{}{ext}", away.display()),
        );
    }
    let path = dist.path().to_path_buf();
    e2e_full("en-US", &[], path, move |c, server| async move {
        let s = server.lock().await;
        let session = s.create_account("contoso.com", "mei@contoso.com").await;
        let url = s.url();
        drop(s);
        use_session(&c, &url, &session).await;
        c.goto(&format!("{url}/enroll/account")).await.unwrap();
        link(&c, "Continue enrollment").await.click().await.unwrap();
        see(&c, "We couldn't reach Partner Center.").await;
        see(&c, "Nothing you typed has been lost.").await;
        // Back online: the same page, fetched again, without a reload.
        for ext in ["", ".br", ".gz"] {
            let _ = std::fs::rename(
                format!("{}{ext}", away.display()),
                format!("{}{ext}", here.display()),
            );
        }
        button(&c, "Try again").await.click().await.unwrap();
        heading(&c, "Legal business profile").await;
        assert!(!visible(&c, "//button[normalize-space(.)='Try again']").await);
        assert!(c
            .current_url()
            .await
            .unwrap()
            .path()
            .ends_with("/enroll/company"));
        drop(dist);
    })
    .await;
}

//! Timings in the browser, for `cargo xtask bench` (ignored by the test
//! run: they print figures and assert nothing about speed). Each prints a
//! `bench:` line that xtask collects into its table.

use fantoccini::Client;
use serde_json::json;

use crate::*;

/// Median and 95th percentile of `samples` (milliseconds).
fn median_p95(mut samples: Vec<f64>) -> (f64, f64) {
    samples.sort_by(f64::total_cmp);
    let at =
        |p: f64| samples[((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1];
    (at(0.5), at(0.95))
}

/// Runs `js` in the page: an async function body whose value is an array of
/// milliseconds.
async fn timings(c: &Client, js: &str) -> Vec<f64> {
    let out = c
        .execute_async(
            &format!(
                "const done = arguments[arguments.length - 1];
                 // A task boundary without timer clamping: every microtask
                 // (the app's reactive updates) has run by the time it fires.
                 const nextTask = () => new Promise(r => {{
                   const ch = new MessageChannel(); ch.port1.onmessage = () => r(); ch.port2.postMessage(0);
                 }});
                 (async () => {{ {js} }})().then(done, e => done(String(e)));"
            ),
            vec![],
        )
        .await
        .unwrap();
    match out.as_array() {
        Some(a) => a.iter().filter_map(|v| v.as_f64()).collect(),
        None => panic!("the page's timing script failed: {out}"),
    }
}

#[tokio::test]
#[ignore = "a benchmark: cargo xtask bench runs it"]
async fn bench_keystrokes_on_the_company_form() {
    e2e("en-US", |c, server| async move {
        let url = {
            let s = server.lock().await;
            s.create_account("contoso.com", "mei@contoso.com").await;
            s.url()
        };
        use_session(&c, &url, "").await;
        c.goto(&format!("{url}/enroll/company")).await.unwrap();
        heading(&c, "Legal business profile").await;
        field(&c, "Country or region").await.select_by_value("US").await.unwrap();
        find(&c, "//label[normalize-space(.)='Enter the details myself']/input")
            .await
            .click()
            .await
            .unwrap();
        // A failed Continue first: from then on every keystroke re-checks
        // the field and updates its error and the summary.
        button(&c, "Continue").await.click().await.unwrap();
        find(&c, "//*[contains(@class,'error-summary')]").await;
        let ms = timings(
            &c,
            "const input = document.querySelector('input[name=legal_name]');
             const text = 'Northwind Traders International Holdings, Inc. ';
             const out = [];
             for (let round = 0; round < 4; round++) {
               input.value = '';
               input.dispatchEvent(new Event('input', {bubbles: true}));
               await nextTask();
               for (const ch of text) {
                 const t0 = performance.now();
                 input.value += ch;
                 input.dispatchEvent(new Event('input', {bubbles: true}));
                 await nextTask();
                 out.push(performance.now() - t0);
               }
             }
             return out;",
        )
        .await;
        let n = ms.len();
        let (median, p95) = median_p95(ms);
        println!("bench: keystroke on the company form (validate + re-render) | {n} | {median:.3} | {p95:.3}");
    })
    .await;
}

#[tokio::test]
#[ignore = "a benchmark: cargo xtask bench runs it"]
async fn bench_filtering_ten_thousand_users() {
    e2e("en-US", |c, server| async move {
        let url = {
            let s = server.lock().await;
            let admin = s.create_account("contoso.com", "mei@contoso.com").await;
            let (_, me) = s.call("GET", "/session", &admin, None).await;
            let tenant = me["tenant"]["id"].as_str().unwrap().to_owned();
            s.sql(&format!(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9999) \
                 INSERT INTO users (id, tenant_id, email, first_name, last_name, password_hash, created_at) \
                 SELECT 'u' || i, '{tenant}', 'user' || i || '@contoso.com', 'First' || i, printf('Name%05d', i), 'x', 0 FROM n"
            ))
            .await;
            s.url()
        };
        use_session(&c, &url, "").await;
        c.goto(&format!("{url}/dashboard/settings/users")).await.unwrap();
        see(&c, "Showing 1–25 of 10,000 users").await;
        // Each search is submitted at once (no typing debounce): the time
        // runs from the submit until the list shows its result.
        let queries: Vec<(String, String)> = (0..30)
            .map(|i| {
                let q = format!("name0{:03}", 100 + i * 7);
                (q, "Showing 1–10 of 10 users".to_owned())
            })
            .collect();
        let mut ms = vec![];
        for (q, expected) in &queries {
            let took = c
                .execute_async(
                    "const done = arguments[arguments.length - 1];
                     const [q, expected] = [arguments[0], arguments[1]];
                     const input = document.getElementById('users-q');
                     const range = () => document.getElementById('users-range');
                     const t0 = performance.now();
                     input.value = q;
                     input.dispatchEvent(new Event('input', {bubbles: true}));
                     input.form.requestSubmit();
                     // Checked on every change of the page, as it happens.
                     const shown = () => range() && range().textContent === expected;
                     const seen = new MutationObserver(() => {
                       if (shown()) { seen.disconnect(); done(performance.now() - t0); }
                     });
                     seen.observe(document.body, {subtree: true, childList: true, characterData: true});",
                    vec![json!(q), json!(expected)],
                )
                .await
                .unwrap();
            ms.push(took.as_f64().unwrap());
            // Back to the whole list between searches.
            c.goto(&format!("{url}/dashboard/settings/users")).await.unwrap();
            see(&c, "Showing 1–25 of 10,000 users").await;
        }
        let n = ms.len();
        let (median, p95) = median_p95(ms);
        println!("bench: search 10,000 users (submit to result on screen) | {n} | {median:.3} | {p95:.3}");
    })
    .await;
}

//! Robustness under load and faults: many Enroll now at once, a database
//! that is locked, read-only or gone, and a server killed mid-request. Runs on SQLite and, under `cargo xtask test`, again on
//! PostgreSQL; a test that only applies to one backend says so and returns.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::*;
use pc_server::db::Backend;

async fn partner_accounts(t: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM partner_accounts")
        .fetch_one(&t.db)
        .await
        .unwrap()
}

/// `n` signed-in work accounts on distinct tenants.
async fn tenants(t: &TestApp, n: usize) -> Vec<String> {
    let mut cookies = Vec::with_capacity(n);
    for i in 0..n {
        cookies.push(
            t.signed_in(&format!("tenant{i}.com"), &format!("mei@tenant{i}.com"))
                .await,
        );
    }
    cookies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_tenants_enrolling_at_once_get_a_hundred_accounts() {
    let t = test_app_with(|c| c.create_account_burst = 1_000).await;
    let cookies = tenants(&t, 100).await;
    let calls: Vec<_> = cookies
        .iter()
        .enumerate()
        .map(|(i, cookie)| {
            let req = enroll_req(cookie, &format!("key-burst-{i:04}"), enroll_body());
            tokio::spawn(send_with(t.router.clone(), req))
        })
        .collect();
    let mut mpn_ids = HashSet::new();
    for call in calls {
        let a = call.await.unwrap();
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        mpn_ids.insert(a.body["mpn_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(mpn_ids.len(), 100, "every account has its own MPN ID");
    assert_eq!(partner_accounts(&t).await, 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_requests_with_one_idempotency_key_make_one_account() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let req = enroll_req(&cookie, "key-same-for-all", enroll_body());
            tokio::spawn(send_with(t.router.clone(), req))
        })
        .collect();
    let mut created = HashSet::new();
    let mut in_flight = 0;
    for call in calls {
        let a = call.await.unwrap();
        match a.status {
            StatusCode::CREATED => {
                created.insert(a.body["mpn_id"].as_str().unwrap().to_owned());
            }
            StatusCode::CONFLICT => {
                assert_eq!(a.body["code"], "request_in_flight", "{}", a.body);
                in_flight += 1;
            }
            s => panic!("{s}: {}", a.body),
        }
    }
    assert!(created.len() <= 1, "one account, replayed: {created:?}");
    // Whoever heard "in flight" retries and gets the one account.
    let retry = t.enroll(&cookie, "key-same-for-all", enroll_body()).await;
    assert_eq!(retry.status, StatusCode::CREATED, "{}", retry.body);
    created.insert(retry.body["mpn_id"].as_str().unwrap().to_owned());
    assert_eq!(created.len(), 1, "{created:?}");
    assert_eq!(partner_accounts(&t).await, 1);
    println!("100 at once: {in_flight} heard request_in_flight");
}

/// A database that refuses writes for a while: every write answers 503
/// with problem+json and changes nothing; reads go on; once it takes
/// writes again, the same requests succeed.
async fn writes_refused_then_restored(
    t: &TestApp,
    refuse: impl std::future::Future<Output = ()>,
    restore: impl std::future::Future<Output = ()>,
) {
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let draft = enroll_body();
    refuse.await;

    let a = t.enroll(&cookie, "key-fault-0001", enroll_body()).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert_eq!(
        a.headers["content-type"], "application/problem+json",
        "{:?}",
        a.headers
    );
    assert_eq!(a.body["code"], "unavailable", "{}", a.body);
    let a = t
        .call(
            "PUT",
            "/api/v1/enrollment/draft",
            Some(draft.clone()),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    // Reading still works.
    let a = t.call("GET", "/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);

    restore.await;
    assert_eq!(partner_accounts(t).await, 0, "no partial write");
    let a = t
        .call(
            "PUT",
            "/api/v1/enrollment/draft",
            Some(draft),
            Some(&cookie),
        )
        .await;
    assert!(a.status.is_success(), "{}: {}", a.status, a.body);
    // The key of the refused attempt was released: its retry completes.
    let a = t.enroll(&cookie, "key-fault-0001", enroll_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(partner_accounts(t).await, 1);
}

#[tokio::test]
async fn a_read_only_database_answers_503_and_recovers() {
    let t = test_app().await;
    match t.backend() {
        Backend::Postgres => {
            let name = t.database_url().rsplit('/').next().unwrap().to_owned();
            let admin = std::env::var(POSTGRES_ENV).unwrap();
            let set = |on: bool| {
                let (admin, name) = (admin.clone(), name.clone());
                async move {
                    use sqlx::Connection;
                    let mut c = sqlx::AnyConnection::connect(&admin).await.unwrap();
                    let sql = format!(
                        "ALTER DATABASE {name} SET default_transaction_read_only = {}",
                        if on { "on" } else { "off" }
                    );
                    sqlx::query(&sql).execute(&mut c).await.unwrap();
                    // Connections take the setting when they open.
                    sqlx::query(&format!(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
                    ))
                    .execute(&mut c)
                    .await
                    .unwrap();
                }
            };
            writes_refused_then_restored(&t, set(true), set(false)).await;
        }
        Backend::Sqlite => {
            // The same file opened read-only, as on a read-only volume.
            let ro = pc_server::db::connect(&format!("{}?mode=ro", t.database_url()))
                .await
                .unwrap();
            let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
            let read_only = common::TestApp::sharing(&t, ro);
            let a = read_only
                .enroll(&cookie, "key-fault-0002", enroll_body())
                .await;
            assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
            assert_eq!(a.body["code"], "unavailable", "{}", a.body);
            let a = read_only
                .call("GET", "/api/v1/session", None, Some(&cookie))
                .await;
            assert_eq!(a.status, StatusCode::OK, "reads go on: {}", a.body);
            assert_eq!(partner_accounts(&t).await, 0, "no partial write");
            let a = t.enroll(&cookie, "key-fault-0002", enroll_body()).await;
            assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        }
    }
}

#[tokio::test]
async fn a_locked_database_answers_503_and_recovers() {
    let t = test_app().await;
    if t.backend() != Backend::Sqlite {
        println!("SQLite only: PostgreSQL has no whole-database write lock");
        return;
    }
    // Another process (a backup, a migration) holds the write lock longer
    // than the server waits for it.
    use sqlx::Connection;
    let url = t.database_url();
    let holder = std::sync::Arc::new(tokio::sync::Mutex::new(
        sqlx::SqliteConnection::connect(&url).await.unwrap(),
    ));
    let lock = {
        let holder = holder.clone();
        async move {
            sqlx::query("BEGIN IMMEDIATE")
                .execute(&mut *holder.lock().await)
                .await
                .unwrap();
        }
    };
    let release = async move {
        sqlx::query("ROLLBACK")
            .execute(&mut *holder.lock().await)
            .await
            .unwrap();
    };
    writes_refused_then_restored(&t, lock, release).await;
}

/// Forwards TCP to `to` until cut: then it closes every connection and
/// refuses new ones, as a database host that went away.
struct Cuttable {
    port: u16,
    up: std::sync::Arc<std::sync::atomic::AtomicBool>,
    cut: tokio::sync::watch::Sender<u64>,
}

impl Cuttable {
    async fn start(to: std::net::SocketAddr) -> Cuttable {
        use std::sync::atomic::Ordering;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true));
        let (cut, cuts) = tokio::sync::watch::channel(0u64);
        let is_up = up.clone();
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if !is_up.load(Ordering::SeqCst) {
                    continue; // dropped: closed at once
                }
                let mut cuts = cuts.clone();
                // Only cuts from now on end this connection.
                cuts.borrow_and_update();
                tokio::spawn(async move {
                    let Ok(mut outbound) = tokio::net::TcpStream::connect(to).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cuts.changed() => {}
                    }
                });
            }
        });
        Cuttable { port, up, cut }
    }

    fn set(&self, up: bool) {
        self.up.store(up, std::sync::atomic::Ordering::SeqCst);
        if !up {
            self.cut.send_modify(|n| *n += 1);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_goes_away_answers_503_and_recovers() {
    let Ok(admin) = std::env::var(POSTGRES_ENV) else {
        println!("PostgreSQL only: an embedded SQLite database cannot go away");
        return;
    };
    // A database of its own, reached through a connection that can be cut.
    let direct = fresh_database(std::path::Path::new(".")).await;
    let (_, name) = direct.rsplit_once('/').unwrap();
    let host = admin
        .split('@')
        .nth(1)
        .and_then(|h| h.split('/').next())
        .unwrap();
    let proxy = Cuttable::start(host.parse().unwrap()).await;
    let user = admin
        .split("://")
        .nth(1)
        .unwrap()
        .split('@')
        .next()
        .unwrap();
    let url = format!("postgres://{user}@127.0.0.1:{}/{name}", proxy.port);
    let pool = pc_server::db::connect(&url).await.unwrap();
    let t = TestApp::on(pool, &url);
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;

    proxy.set(false);
    let started = Instant::now();
    for (method, path, body) in [
        ("GET", "/api/v1/session", None),
        ("POST", "/api/v1/enrollment", Some(enroll_body())),
        ("GET", "/api/v1/health", None),
    ] {
        let a = if method == "POST" {
            t.enroll(&cookie, "key-gone-0001", body.unwrap()).await
        } else {
            t.call(method, path, None, Some(&cookie)).await
        };
        assert_eq!(
            a.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{method} {path}: {}",
            a.body
        );
        assert_eq!(a.body["code"], "unavailable", "{}", a.body);
    }
    println!("3 answers with the database gone: {:?}", started.elapsed());

    proxy.set(true);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let a = t.call("GET", "/api/v1/health", None, None).await;
        if a.status == StatusCode::OK {
            break;
        }
        assert!(Instant::now() < deadline, "no recovery: {}", a.body);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let a = t.enroll(&cookie, "key-gone-0001", enroll_body()).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(partner_accounts(&t).await, 1);
}

// ---- The server killed during Enroll now --------------------------------

/// One HTTP/1.1 exchange over a fresh connection.
async fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
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
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

struct Server {
    child: tokio::process::Child,
    port: u16,
}

async fn start_server(url: &str) -> Server {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_partner-center-server"))
        .args([
            "--database-url",
            url,
            "--port",
            "0",
            "--cookie-secure",
            "never",
            "--app-url",
            "http://127.0.0.1/",
        ])
        // A crashed request's claim on its key lapses after 2 s, not 60.
        .args([
            "--in-flight-timeout-secs",
            "2",
            "--create-account-burst",
            "100000",
        ])
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        if let Some(addr) = line.strip_prefix("listening on http://") {
            let port = addr.trim_end_matches('/').rsplit(':').next().unwrap();
            return Server {
                child,
                port: port.parse().unwrap(),
            };
        }
    }
    panic!("the server ended before listening");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_during_enroll_now_leaves_zero_or_one_account_and_the_retry_completes() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let db = pc_server::db::connect(&url).await.unwrap();
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM partner_accounts")
            .fetch_one(&db)
            .await
            .unwrap()
    };
    let body = enroll_body().to_string();
    let kills_after_ms = [0u64, 2, 5, 10, 20];
    let mut server = start_server(&url).await;
    let mut left = vec![];
    for (i, ms) in kills_after_ms.into_iter().enumerate() {
        let account = account(&format!("killed{i}.com"), &format!("mei@killed{i}.com"));
        let (status, text) = http(
            server.port,
            "POST",
            "/api/v1/accounts",
            &[],
            &account.to_string(),
        )
        .await;
        assert_eq!(status, 201, "{text}");
        let cookie = text
            .lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        let key = format!("key-killed-{i:04}");
        let before = count().await;
        let headers = [
            ("cookie", cookie.as_str()),
            ("idempotency-key", key.as_str()),
        ];
        let port = server.port;
        let (b, h) = (body.clone(), headers.map(|(k, v)| (k, v.to_owned())));
        let call = tokio::spawn(async move {
            let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
            http(port, "POST", "/api/v1/enrollment", &h, &b).await
        });
        tokio::time::sleep(Duration::from_millis(ms)).await;
        server.child.start_kill().unwrap(); // SIGKILL: no graceful anything
        server.child.wait().await.unwrap();
        let _ = call.await;
        let after_kill = count().await - before;
        assert!(
            after_kill <= 1,
            "killed after {ms} ms: {after_kill} accounts"
        );
        left.push(after_kill);

        server = start_server(&url).await;
        // The client's retry, with the same key, completes the enrollment
        // (or replays it), possibly after the dead claim goes stale.
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let (status, text) =
                http(server.port, "POST", "/api/v1/enrollment", &headers, &body).await;
            if status == 201 {
                break;
            }
            assert!(
                status == 409 && text.contains("request_in_flight"),
                "killed after {ms} ms, retry: {text}"
            );
            assert!(
                Instant::now() < deadline,
                "killed after {ms} ms: the key stayed claimed"
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        assert_eq!(count().await - before, 1, "killed after {ms} ms");
    }
    println!("accounts right after each kill: {left:?}");
}

// ---- Memory -------------------------------------------------------------------

/// The process's high-water resident set, in MiB (Linux).
fn peak_rss_mib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib / 1024)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_stays_bounded_while_many_accounts_are_created() {
    let dir = tempfile::tempdir().unwrap();
    let url = fresh_database(dir.path()).await;
    let server = start_server(&url).await;
    let Some(at_start) = server.child.id().and_then(peak_rss_mib) else {
        println!("Linux only: no /proc here");
        return;
    };
    // Four clients at a time, 80 accounts: each one's password is hashed
    // with a 19 MiB Argon2id buffer.
    let port = server.port;
    let clients: Vec<_> = (0..4)
        .map(|c| {
            tokio::spawn(async move {
                for i in (c..80).step_by(4) {
                    let body =
                        account(&format!("mem{i}.com"), &format!("mei@mem{i}.com")).to_string();
                    let (status, text) = http(port, "POST", "/api/v1/accounts", &[], &body).await;
                    assert_eq!(status, 201, "{text}");
                }
            })
        })
        .collect();
    for c in clients {
        c.await.unwrap();
    }
    let peak = peak_rss_mib(server.child.id().unwrap()).unwrap();
    println!("peak RSS: {at_start} MiB at start, {peak} MiB after 80 sign-ups");
    // Without giving the buffers back, glibc kept them: 852 MiB after 300.
    assert!(peak < 250, "peak RSS {peak} MiB");
}

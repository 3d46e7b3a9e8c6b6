//! What outside testers broke, each pinned down: links that follow the
//! `Host` header, racing answers on one link, slow and idle connections,
//! unbounded password hashing, NUL on PostgreSQL, direction overrides in
//! company names, limits that hold across servers, and the operator's view
//! (request ids, no caching of personal data, liveness and readiness,
//! metrics).

mod common;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use common::*;
use pc_server::{db, Config};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn link_token(body: &str) -> String {
    let start = body.find("/verify-email/").unwrap() + "/verify-email/".len();
    body[start..].split_whitespace().next().unwrap().to_owned()
}

async fn newest_link(t: &TestApp) -> (String, String) {
    let mail = db::recent_mail(&t.db, 20).await.unwrap();
    let m = mail
        .iter()
        .find(|m| m.body.contains("/verify-email/"))
        .unwrap();
    let start = m.body.find("http").unwrap();
    let link = m.body[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    (link, link_token(&m.body))
}

// ---- 3. Links point at the app's own origin --------------------------------

#[test]
fn production_needs_the_app_url_and_development_only_on_loopback() {
    let base = || {
        let mut c = Config::for_tests("sqlite::memory:");
        c.app_url = None;
        c
    };
    let e = base().validate().unwrap_err();
    assert!(e.contains("--app-url is required"), "{e}");
    let mut dev = base();
    dev.dev = true;
    assert_eq!(dev.validate(), Ok(()));
    dev.listen = "0.0.0.0:8080".parse().unwrap();
    assert!(dev.validate().unwrap_err().contains("--app-url"));
    let mut bad = base();
    bad.app_url = Some("https:///path".into());
    assert!(bad.validate().unwrap_err().contains("must name a host"));
}

#[tokio::test]
async fn a_resent_link_never_points_at_the_host_a_request_names() {
    let t = test_app_with(|c| c.app_url = Some("https://partners.contoso.com/".into())).await;
    enrolled(&t).await;
    let (_, token) = newest_link(&t).await;
    let req = Request::post(format!("/api/v1/email-verification/{token}/resend"))
        .header("x-requested-with", "partner-center")
        .header(header::HOST, "attacker.example")
        .header(header::ORIGIN, "http://attacker.example")
        .header("x-forwarded-host", "attacker.example")
        .body(Body::empty())
        .unwrap();
    let a = t.send(req).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let (link, _) = newest_link(&t).await;
    assert!(
        link.starts_with("https://partners.contoso.com/verify-email/"),
        "{link}"
    );
}

#[tokio::test]
async fn in_development_a_foreign_host_gets_the_listen_address() {
    let t = test_app_with(|c| {
        c.app_url = None;
        c.dev = true;
        c.listen = "127.0.0.1:8123".parse().unwrap();
    })
    .await;
    enrolled(&t).await;
    let (_, token) = newest_link(&t).await;
    for (host, expected) in [
        ("attacker.example", "http://127.0.0.1:8123/verify-email/"),
        ("127.evil.example", "http://127.0.0.1:8123/verify-email/"),
        ("localhost:8123", "http://localhost:8123/verify-email/"),
    ] {
        // Each resend waits for none: the limit allows three a minute.
        let req = Request::post(format!("/api/v1/email-verification/{token}/resend"))
            .header("x-requested-with", "partner-center")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap();
        let a = t.send(req).await;
        assert_eq!(a.status, StatusCode::OK, "{host}: {}", a.body);
        let (link, _) = newest_link(&t).await;
        assert!(link.starts_with(expected), "{host}: {link}");
    }
}

// ---- 4. One winner when answers race -----------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn confirm_and_decline_sent_together_have_one_winner() {
    for round in 0..6 {
        let t = test_app().await;
        let (cookie, _) = enrolled(&t).await;
        let (_, token) = newest_link(&t).await;
        let mails_before = db::recent_mail(&t.db, 100).await.unwrap().len();
        let confirm = format!("/api/v1/email-verification/{token}/confirm");
        let decline = format!("/api/v1/email-verification/{token}/decline");
        let (a, b) = tokio::join!(
            t.call("POST", &confirm, None, None),
            t.call("POST", &decline, None, None),
        );
        let statuses = [a.status, b.status];
        assert!(
            statuses.contains(&StatusCode::OK) && statuses.contains(&StatusCode::CONFLICT),
            "round {round}: {statuses:?} {} {}",
            a.body,
            b.body
        );
        let confirmed = a.status == StatusCode::OK;
        let account = partner(&t, &cookie).await;
        let email = &account["checks"][0];
        assert_eq!(email["kind"], "email_ownership");
        assert_eq!(
            email["status"],
            if confirmed { "verified" } else { "rejected" },
            "round {round}"
        );
        let loser = if confirmed { &b.body } else { &a.body };
        assert_eq!(
            loser["code"],
            if confirmed {
                "link_confirmed"
            } else {
                "link_declined"
            }
        );
        // One answer, one email about it.
        let mails_after = db::recent_mail(&t.db, 100).await.unwrap().len();
        assert_eq!(mails_after, mails_before + 1, "round {round}");
    }
}

// ---- 5. The listener --------------------------------------------------------

type Listening = (
    SocketAddr,
    tokio::sync::oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
);

async fn listening(limits: pc_server::listener::Limits) -> Listening {
    listening_with(limits, |_| {}).await
}

async fn listening_with(
    limits: pc_server::listener::Limits,
    edit: impl FnOnce(&mut Config),
) -> Listening {
    let t = test_app_with(edit).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let router = t.router.clone();
    let task = tokio::spawn(async move {
        let _keep = t;
        pc_server::listener::serve(listener, router, limits, async {
            let _ = stopped.await;
        })
        .await;
    });
    (addr, stop, task)
}

fn limits(max_connections: usize, header_secs: u64, idle_secs: u64) -> pc_server::listener::Limits {
    pc_server::listener::Limits {
        max_connections,
        header_read_timeout: Duration::from_secs(header_secs),
        idle_timeout: Duration::from_secs(idle_secs),
        drain_timeout: Duration::from_secs(5),
    }
}

/// Reads until the peer closes; how long that took.
async fn closed_after(s: &mut tokio::net::TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(limit.saturating_sub(started.elapsed()), s.read(&mut buf)).await
        {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(started.elapsed()),
            Ok(Ok(_)) => continue,
            Err(_) => return None,
        }
    }
}

const HEALTH: &[u8] = b"GET /api/v1/health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

#[tokio::test]
async fn silent_slow_and_idle_connections_are_closed() {
    let (addr, _stop, _task) = listening(limits(64, 1, 2)).await;
    // Connects and says nothing.
    let mut silent = tokio::net::TcpStream::connect(addr).await.unwrap();
    // Sends half a header block and stalls (slowloris).
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    slow.write_all(b"GET /api/v1/health/live HTTP/1.1\r\nHost: 12")
        .await
        .unwrap();
    // Asks once, then keeps the connection open and idle.
    let mut idle = tokio::net::TcpStream::connect(addr).await.unwrap();
    idle.write_all(HEALTH).await.unwrap();
    for (name, s) in [
        ("silent", &mut silent),
        ("slow", &mut slow),
        ("idle", &mut idle),
    ] {
        let took = closed_after(s, Duration::from_secs(8)).await;
        assert!(took.is_some(), "the {name} connection stayed open");
    }
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_and_the_server_still_answers() {
    let (addr, _stop, _task) = listening(limits(2, 30, 30)).await;
    let mut held = vec![];
    for _ in 0..2 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(HEALTH).await.unwrap();
        let mut buf = [0u8; 1024];
        let n = s.read(&mut buf).await.unwrap();
        assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
        held.push(s);
    }
    // A third is not served while two are open…
    let mut third = tokio::net::TcpStream::connect(addr).await.unwrap();
    third.write_all(HEALTH).await.unwrap();
    let mut buf = [0u8; 1024];
    let early = tokio::time::timeout(Duration::from_millis(700), third.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "the third connection was served beyond the limit"
    );
    // …and is, as soon as one closes.
    drop(held.pop());
    let n = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buf))
        .await
        .expect("served once a slot was free")
        .unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));
}

#[tokio::test]
async fn shutdown_lets_the_request_in_flight_finish() {
    let (addr, stop, task) = listening(limits(64, 10, 10)).await;
    let body = account("contoso.com", "mei@contoso.com").to_string();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /api/v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         X-Requested-With: partner-center\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let (first, rest) = body.split_at(body.len() / 2);
    s.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    s.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = vec![];
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut buf))
            .await
            .unwrap()
            .unwrap();
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if String::from_utf8_lossy(&answer).contains("\"tenant\"") {
            break;
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 201"), "{text}");
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("the server stopped after draining")
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn a_body_that_never_finishes_is_answered_within_the_request_time_limit() {
    let (addr, _stop, _task) =
        listening_with(limits(64, 10, 30), |c| c.request_timeout_secs = 1).await;
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(
        b"POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
          X-Requested-With: partner-center\r\nContent-Length: 100\r\n\r\n{\"email\":",
    )
    .await
    .unwrap();
    let mut buf = [0u8; 4096];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf))
        .await
        .expect("answered within the time limit")
        .unwrap();
    let text = String::from_utf8_lossy(&buf[..n]);
    assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    assert!(text.contains("\"code\":\"timeout\""), "{text}");
}

// ---- 6. Password hashing is bounded ------------------------------------------

#[tokio::test]
async fn with_every_hash_slot_busy_a_sign_up_is_told_to_come_back() {
    let t = test_app().await;
    let state = pc_server::AppState::new(t.db.clone(), {
        let mut c = Config::for_tests(&t.database_url());
        c.max_concurrent_hashes = Some(1);
        c
    });
    let router = pc_server::app(state.clone());
    let held = state
        .passwords
        .slots()
        .clone()
        .acquire_owned()
        .await
        .unwrap();
    let started = Instant::now();
    let sign_up = || {
        Request::post("/api/v1/accounts")
            .header("x-requested-with", "partner-center")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(
                account("contoso.com", "mei@contoso.com").to_string(),
            ))
            .unwrap()
    };
    let a = send_with(router.clone(), sign_up()).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{}", a.body);
    assert_eq!(a.body["code"], "busy");
    assert_eq!(a.headers[header::RETRY_AFTER], "2");
    assert!(started.elapsed() >= pc_server::auth::HASH_QUEUE_WAIT);
    // Nothing was stored: the same sign-up succeeds once a slot is free.
    drop(held);
    assert_eq!(
        send_with(router, sign_up()).await.status,
        StatusCode::CREATED
    );
}

#[test]
fn the_default_hash_slots_follow_the_memory() {
    let c = Config::for_tests("sqlite::memory:");
    let slots = c.hash_slots();
    assert!((1..=64).contains(&slots), "{slots}");
}

// ---- 7. NUL is refused on every database -------------------------------------

#[tokio::test]
async fn nul_in_a_query_path_or_body_is_a_field_error() {
    let t = reviewer_app().await;
    let (cookie, mpn) = enrolled(&t).await;
    let a = t
        .call("GET", "/api/v1/users?q=a%00b", None, Some(&cookie))
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("q"), "unrepresentable_character");
    let a = t
        .call(
            "PUT",
            "/api/v1/users/ab%00cd/roles",
            Some(json!({"roles": ["global_admin"]})),
            Some(&cookie),
        )
        .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("path"), "unrepresentable_character");
    let a = decide(
        &t,
        &mpn,
        "business",
        json!({"decision": "reject", "reason": "bad\u{0}reason"}),
    )
    .await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("reason"), "unrepresentable_character");
    let mut body = enroll_body();
    body["profile"]["city"] = json!("Red\u{0}mond");
    let other = t.signed_in("fabrikam.com", "ana@fabrikam.com").await;
    let a = t.enroll(&other, "key-nul-0001", body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("profile.city"), "unrepresentable_character");
}

// ---- 8. Direction overrides and invisible characters --------------------------

#[tokio::test]
async fn a_company_name_with_a_direction_override_is_refused() {
    let t = reviewer_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let mut body = enroll_body();
    body["profile"]["legal_name"] = json!("Contoso \u{202E}LTD\u{202C} Bank");
    let a = t.enroll(&cookie, "key-bidi-0001", body).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.body);
    assert_eq!(a.field_code("profile.legal_name"), "invalid_chars");
    let mut body = enroll_body();
    body["profile"]["line1"] = json!("1 Contoso\u{200B} Way");
    let a = t.enroll(&cookie, "key-bidi-0002", body).await;
    assert_eq!(a.field_code("profile.line1"), "invalid_chars");
    // The same rule for a reviewer's reason, quoted in emails.
    let a = t.enroll(&cookie, "key-bidi-0003", enroll_body()).await;
    let mpn = a.body["mpn_id"].as_str().unwrap().to_owned();
    let a = decide(
        &t,
        &mpn,
        "business",
        json!({"decision": "reject", "reason": "See \u{2067}attached\u{2069}"}),
    )
    .await;
    assert_eq!(a.field_code("reason"), "invalid_chars");
}

// ---- 9. Limits that hold across servers -----------------------------------------

fn sign_in_from(addr: &str, email: &str, password: &str) -> Request<Body> {
    let mut req = Request::post("/api/v1/session")
        .header("x-requested-with", "partner-center")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({"email": email, "password": password}).to_string(),
        ))
        .unwrap();
    let addr: SocketAddr = format!("{addr}:40000").parse().unwrap();
    req.extensions_mut().insert(ConnectInfo(addr));
    req
}

#[tokio::test]
async fn three_servers_on_one_database_enforce_one_sign_in_limit() {
    let one = test_app_with(|c| c.sign_in_burst = 5).await;
    let url = one.database_url();
    one.signed_in("contoso.com", "mei@contoso.com").await;
    let mut servers = vec![one.router.clone()];
    for _ in 0..2 {
        let pool = db::connect(&url).await.unwrap();
        let mut c = Config::for_tests(&url);
        c.sign_in_burst = 5;
        servers.push(pc_server::app(pc_server::AppState::new(pool, c)));
    }
    let mut statuses = vec![];
    for i in 0..9 {
        let req = sign_in_from("198.51.100.7", "mei@contoso.com", "guess-guess-guess");
        statuses.push(send_with(servers[i % 3].clone(), req).await.status.as_u16());
    }
    assert_eq!(statuses, [401, 401, 401, 401, 401, 429, 429, 429, 429]);
}

#[tokio::test]
async fn somebody_else_guessing_slows_but_never_locks_out_the_real_user() {
    let t = test_app_with(|c| c.sign_in_burst = 3).await;
    t.signed_in("contoso.com", "mei@contoso.com").await;
    // An attacker guesses from two addresses until both are refused.
    for attacker in ["203.0.113.1", "203.0.113.2"] {
        let mut last = 0;
        for _ in 0..5 {
            let req = sign_in_from(attacker, "mei@contoso.com", "guess-guess-guess");
            last = t.send(req).await.status.as_u16();
        }
        assert_eq!(last, 429, "{attacker} is refused");
    }
    // The real user, from their own address, still gets in: delayed by the
    // six failures beyond the free three, not locked out.
    let started = Instant::now();
    let req = sign_in_from("192.0.2.10", "mei@contoso.com", "blue-kettle-71-orbit");
    let a = t.send(req).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert!(started.elapsed() >= Duration::from_millis(250));
}

// ---- Operations ------------------------------------------------------------------

#[tokio::test]
async fn personal_answers_are_not_cached_and_carry_a_request_id() {
    let t = test_app().await;
    let cookie = t.signed_in("contoso.com", "mei@contoso.com").await;
    let a = t.call("GET", "/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    let id = a.headers["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 36, "{id}");
    // A proxy's plain id is kept; anything else is replaced.
    let req = Request::get("/api/v1/health/live")
        .header("x-request-id", "lb-7f3a.12")
        .body(Body::empty())
        .unwrap();
    assert_eq!(t.send(req).await.headers["x-request-id"], "lb-7f3a.12");
    let req = Request::get("/api/v1/health/live")
        .header("x-request-id", "x\" injected=1")
        .body(Body::empty())
        .unwrap();
    assert_ne!(t.send(req).await.headers["x-request-id"], "x\" injected=1");
}

#[tokio::test]
async fn liveness_and_readiness_answer_apart() {
    let t = test_app().await;
    let a = t.call("GET", "/api/v1/health/live", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let a = t.call("GET", "/api/v1/health/ready", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.body["status"], "ok");
    // Readiness goes with the database; liveness does not.
    t.db.close().await;
    let a = t.call("GET", "/api/v1/health/ready", None, None).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    let a = t.call("GET", "/api/v1/health/live", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_outbox() {
    pc_server::metrics::install().unwrap();
    let t = test_app().await;
    enrolled(&t).await;
    let state = pc_server::AppState::new(t.db.clone(), Config::for_tests(&t.database_url()));
    let res = send_with_text(pc_server::metrics::router(state)).await;
    for expected in [
        "http_requests_total{route=\"/api/v1/enrollment\",method=\"POST\",status=\"201\"}",
        "http_request_duration_seconds_bucket{route=\"/api/v1/accounts\",method=\"POST\",le=",
        "outbox_pending 1",
        "outbox_oldest_age_seconds",
        "db_pool_connections{state=\"idle\"}",
    ] {
        assert!(res.contains(expected), "no {expected} in:\n{res}");
    }
}

async fn send_with_text(router: axum::Router) -> String {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let res = router
        .oneshot(Request::get("/metrics").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

//! The authorization matrix: every endpoint that acts for a signed-in user,
//! called by no one, by each kind of user of the owning tenant, and by the
//! Global admin of another tenant. Nobody reads or changes another tenant's
//! data, roles decide who may manage users and edit the profile, and the
//! admin API answers to the operator token only. The OpenAPI document is
//! checked against the list, so a new endpoint cannot be left out.

mod common;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::*;
use serde_json::{json, Value};

/// Who calls.
struct Caller {
    name: &'static str,
    cookie: Option<String>,
    /// Belongs to tenant A (the one whose data the calls name).
    own: bool,
    manages_users: bool,
    edits_profile: bool,
}

/// What an endpoint needs.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Rule {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user; acts on the caller's own tenant only.
    SignedIn,
    /// A Global admin or Admin agent of the tenant owning the target.
    ManageUsers,
    /// A profile role (Global, Account, Business profile, MPN partner admin).
    EditProfile,
    /// The operator token; sessions mean nothing.
    Operator,
    /// Only with the app's development mode; not an account resource.
    Dev,
}

struct Call {
    method: &'static str,
    /// OpenAPI path template, for the coverage check.
    template: &'static str,
    rule: Rule,
}

const fn call(method: &'static str, template: &'static str, rule: Rule) -> Call {
    Call {
        method,
        template,
        rule,
    }
}

const MATRIX: &[Call] = &[
    call("get", "/api/v1/health", Rule::Public),
    call("get", "/api/v1/health/live", Rule::Public),
    call("get", "/api/v1/health/ready", Rule::Public),
    call("get", "/api/v1/openapi.json", Rule::Public),
    call("post", "/api/v1/accounts", Rule::Public),
    call("get", "/api/v1/session", Rule::SignedIn),
    call("post", "/api/v1/session", Rule::Public),
    call("delete", "/api/v1/session", Rule::Public),
    call("put", "/api/v1/session/password", Rule::SignedIn),
    call("get", "/api/v1/countries/{iso2}", Rule::Public),
    call("get", "/api/v1/duns/{number}", Rule::SignedIn),
    call("get", "/api/v1/enrollment/draft", Rule::SignedIn),
    call("put", "/api/v1/enrollment/draft", Rule::SignedIn),
    call("post", "/api/v1/enrollment", Rule::SignedIn),
    call("get", "/api/v1/partner-account", Rule::SignedIn),
    call("put", "/api/v1/partner-account/profile", Rule::EditProfile),
    call(
        "post",
        "/api/v1/partner-account/checks/{check}/documents",
        Rule::EditProfile,
    ),
    call("get", "/api/v1/agreements/current", Rule::Public),
    call("post", "/api/v1/agreements/{id}/acceptance", Rule::SignedIn),
    call("get", "/api/v1/agreements/{id}/accepted", Rule::SignedIn),
    call(
        "get",
        "/api/v1/agreements/{id}/accepted.pdf",
        Rule::SignedIn,
    ),
    call("get", "/api/v1/email-verification/{token}", Rule::Public),
    call(
        "post",
        "/api/v1/email-verification/{token}/confirm",
        Rule::Public,
    ),
    call(
        "post",
        "/api/v1/email-verification/{token}/decline",
        Rule::Public,
    ),
    call(
        "post",
        "/api/v1/email-verification/{token}/undo",
        Rule::Public,
    ),
    call(
        "post",
        "/api/v1/email-verification/{token}/resend",
        Rule::Public,
    ),
    call("post", "/api/v1/email-verification/resend", Rule::SignedIn),
    call("get", "/api/v1/users", Rule::SignedIn),
    call("post", "/api/v1/users", Rule::ManageUsers),
    call("put", "/api/v1/users/{id}/roles", Rule::ManageUsers),
    call("delete", "/api/v1/users/{id}", Rule::ManageUsers),
    call("get", "/api/v1/admin/partners", Rule::Operator),
    call(
        "get",
        "/api/v1/admin/partners/{mpn_id}/documents/{id}",
        Rule::Operator,
    ),
    call(
        "post",
        "/api/v1/admin/partners/{mpn_id}/checks/{check}",
        Rule::Operator,
    ),
    call("get", "/api/v1/dev/mailbox", Rule::Dev),
    call("post", "/api/v1/csp-reports", Rule::Public),
    call("get", "/api/v1/dev/csp-reports", Rule::Dev),
];

#[tokio::test]
async fn the_matrix_names_every_endpoint_of_the_openapi_document() {
    let t = test_app().await;
    let doc = t.call("GET", "/api/v1/openapi.json", None, None).await.body;
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert(format!("{method} {path}"));
        }
    }
    let listed: BTreeSet<String> = MATRIX
        .iter()
        .map(|c| format!("{} {}", c.method, c.template))
        .collect();
    let missing: Vec<_> = documented.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&documented).collect();
    assert!(
        missing.is_empty(),
        "endpoints not in the matrix: {missing:?}"
    );
    assert!(stale.is_empty(), "matrix rows with no endpoint: {stale:?}");
}

fn is_denied(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    )
}

/// Tenant A (contoso.com) enrolled with its agreement accepted, its users of
/// each kind, and tenant B (fabrikam.com) enrolled too.
struct World {
    t: TestApp,
    callers: Vec<Caller>,
    a_admin: String,
    a_mpn: String,
    b_mpn: String,
}

async fn world() -> World {
    let t = reviewer_app().await;
    let (a_admin, a_mpn) = enrolled(&t).await;
    let version = t
        .call("GET", "/api/v1/agreements/current", None, None)
        .await
        .body["version"]
        .clone();
    let accepted = t
        .call(
            "POST",
            "/api/v1/agreements/mpn/acceptance",
            Some(json!({"version": version, "signer_first_name": "Mei", "signer_last_name": "Lin",
                        "signer_email": "mei@contoso.com", "signer_phone": "", "authority_confirmed": true})),
            Some(&a_admin),
        )
        .await;
    assert_eq!(accepted.status, StatusCode::CREATED, "{}", accepted.body);
    let b_admin = t.signed_in("fabrikam.com", "ana@fabrikam.com").await;
    let mut body = enroll_body();
    body["contact"]["email"] = json!("luis@fabrikam.com");
    body["profile"]["legal_name"] = json!("Fabrikam Inc.");
    let b = t.enroll(&b_admin, "key-matrix-b", body).await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.body);
    let b_mpn = b.body["mpn_id"].as_str().unwrap().to_owned();

    let mut callers = vec![
        Caller {
            name: "anonymous",
            cookie: None,
            own: false,
            manages_users: false,
            edits_profile: false,
        },
        Caller {
            name: "A global admin",
            cookie: Some(a_admin.clone()),
            own: true,
            manages_users: true,
            edits_profile: true,
        },
        Caller {
            name: "B global admin",
            cookie: Some(b_admin),
            own: false,
            manages_users: true,
            edits_profile: true,
        },
    ];
    for (name, email, roles, manages_users, edits_profile) in [
        (
            "A admin agent",
            "agent@contoso.com",
            json!(["admin_agent"]),
            true,
            false,
        ),
        (
            "A business profile admin",
            "profile@contoso.com",
            json!(["business_profile_admin"]),
            false,
            true,
        ),
        (
            "A user management admin",
            "uma@contoso.com",
            json!(["user_management_admin"]),
            false,
            false,
        ),
        (
            "A report viewer",
            "viewer@contoso.com",
            json!(["report_viewer"]),
            false,
            false,
        ),
        (
            "A user without roles",
            "plain@contoso.com",
            json!([]),
            false,
            false,
        ),
    ] {
        let (_, cookie) = member(&t, &a_admin, email, roles).await;
        callers.push(Caller {
            name,
            cookie: Some(cookie),
            own: true,
            manages_users,
            edits_profile,
        });
    }
    World {
        t,
        callers,
        a_admin,
        a_mpn,
        b_mpn,
    }
}

/// Tenant A's users, as A's admin sees them.
async fn a_users(w: &World) -> Value {
    w.t.call("GET", "/api/v1/users?per_page=100", None, Some(&w.a_admin))
        .await
        .body
}

#[tokio::test]
async fn no_caller_crosses_a_tenant_and_roles_decide_every_change() {
    let w = world().await;
    let t = &w.t;
    let a_before = partner(t, &w.a_admin).await;
    let mut checked = 0;
    for (i, caller) in w.callers.iter().enumerate() {
        let who = caller.name;
        let cookie = caller.cookie.as_deref();
        let signed_in = cookie.is_some();

        // Reads of the caller's "own" account never show tenant A's data
        // to anyone outside it.
        for path in [
            "/api/v1/partner-account",
            "/api/v1/enrollment/draft",
            "/api/v1/agreements/mpn/accepted",
            "/api/v1/agreements/mpn/accepted.pdf",
            "/api/v1/users",
            "/api/v1/duns/081466849",
        ] {
            let a = t.call("GET", path, None, cookie).await;
            checked += 1;
            if !signed_in {
                assert_eq!(a.status, StatusCode::UNAUTHORIZED, "{who} GET {path}");
                continue;
            }
            let text = a.body.to_string();
            if caller.own {
                assert!(a.status.is_success(), "{who} GET {path}: {}", a.body);
            } else {
                assert!(
                    !text.contains(&w.a_mpn),
                    "{who} GET {path} shows A's MPN ID"
                );
                assert!(
                    !text.contains("contoso.com"),
                    "{who} GET {path} shows A's people: {text}"
                );
            }
        }
        let own = partner(t, cookie.unwrap_or("none")).await;
        if caller.own {
            assert_eq!(own["mpn_id"], w.a_mpn.as_str(), "{who}");
        } else if signed_in {
            assert_eq!(own["mpn_id"], w.b_mpn.as_str(), "{who}");
        }

        // User management: add, change roles, remove a user of tenant A.
        let email = format!("target{i}@contoso.com");
        let (target, _) = member(t, &w.a_admin, &email, json!(["report_viewer"])).await;
        let add = t
            .call(
                "POST",
                "/api/v1/users",
                Some(json!({"first_name": "New", "last_name": "Person",
                            "email": format!("new{i}@contoso.com"), "roles": []})),
                cookie,
            )
            .await;
        let roles = t
            .call(
                "PUT",
                &format!("/api/v1/users/{target}/roles"),
                Some(json!({"roles": ["global_admin"]})),
                cookie,
            )
            .await;
        let remove = t
            .call("DELETE", &format!("/api/v1/users/{target}"), None, cookie)
            .await;
        checked += 3;
        let users = a_users(&w).await.to_string();
        if caller.own && caller.manages_users {
            assert_eq!(add.status, StatusCode::CREATED, "{who}: {}", add.body);
            assert_eq!(roles.status, StatusCode::OK, "{who}: {}", roles.body);
            assert_eq!(remove.status, StatusCode::NO_CONTENT, "{who}");
            assert!(!users.contains(&email), "{who} removed {email}");
        } else {
            for (what, a) in [("add", &add), ("roles", &roles), ("remove", &remove)] {
                if caller.own || !signed_in {
                    assert!(is_denied(a.status), "{who} {what}: {} {}", a.status, a.body);
                } else {
                    // Another tenant: its own domain rules refuse A's email,
                    // and A's users do not exist for it.
                    assert!(
                        is_denied(a.status) || a.status == StatusCode::UNPROCESSABLE_ENTITY,
                        "{who} {what}: {} {}",
                        a.status,
                        a.body
                    );
                }
            }
            assert!(users.contains(&email), "{who} could not remove {email}");
            assert!(
                !users.contains(&format!("new{i}@contoso.com")),
                "{who} added a user to A"
            );
            let target_roles = a_users(&w).await["users"]
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["email"] == email.as_str())
                .unwrap()["roles"]
                .clone();
            assert_eq!(
                target_roles,
                json!(["report_viewer"]),
                "{who} changed roles"
            );
        }

        // The profile: a harmless edit (the phone), by each caller.
        let mut body = json!({"profile": a_before["profile"], "contact": a_before["contact"]});
        body["contact"]["phone"] = json!(format!("+1 425 555 02{i:02}"));
        let edit = t
            .call("PUT", "/api/v1/partner-account/profile", Some(body), cookie)
            .await;
        checked += 1;
        let a_now = partner(t, &w.a_admin).await;
        let changed_a = a_now["contact"]["phone"] == json!(format!("+142555502{i:02}"));
        if caller.own && caller.edits_profile {
            assert_eq!(edit.status, StatusCode::OK, "{who}: {}", edit.body);
            assert!(changed_a, "{who}");
        } else if caller.own || !signed_in {
            assert!(
                is_denied(edit.status),
                "{who}: {} {}",
                edit.status,
                edit.body
            );
            assert!(!changed_a, "{who} edited A's profile");
        } else {
            // Another tenant's admin edits their own profile, never A's.
            assert!(!changed_a, "{who} edited A's profile");
            let theirs = partner(t, cookie.unwrap()).await;
            assert_eq!(theirs["mpn_id"], w.b_mpn.as_str());
        }

        // The admin API never answers to a session.
        let q = t.call("GET", "/api/v1/admin/partners", None, cookie).await;
        let d = t
            .call(
                "POST",
                &format!("/api/v1/admin/partners/{}/checks/business", w.a_mpn),
                Some(json!({"decision": "approve"})),
                cookie,
            )
            .await;
        checked += 2;
        assert_eq!(q.status, StatusCode::UNAUTHORIZED, "{who}");
        assert_eq!(d.status, StatusCode::UNAUTHORIZED, "{who}");
    }
    // A's statuses and agreements were touched by no one outside A.
    let a_after = partner(t, &w.a_admin).await;
    assert_eq!(a_after["mpn_id"], a_before["mpn_id"]);
    assert_eq!(a_after["agreements"], a_before["agreements"]);
    assert_eq!(a_after["profile"], a_before["profile"]);
    println!(
        "authorization matrix: {checked} calls by {} callers",
        w.callers.len()
    );
}

#[tokio::test]
async fn every_rule_of_the_matrix_is_enforced_for_anonymous_callers() {
    let t = reviewer_app().await;
    for c in MATRIX {
        let path = c
            .template
            .replace("{iso2}", "US")
            .replace("{number}", "081466849")
            .replace("{id}", "mpn")
            .replace("{token}", "unknown-token")
            .replace("{mpn_id}", "1234567")
            .replace("{check}", "business");
        let body = matches!(c.method, "post" | "put").then(|| json!({}));
        let a = t.call(&c.method.to_uppercase(), &path, body, None).await;
        match c.rule {
            Rule::SignedIn | Rule::ManageUsers | Rule::EditProfile | Rule::Operator => assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{} {path} without a session: {}",
                c.method,
                a.body
            ),
            Rule::Public | Rule::Dev => assert_ne!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{} {path} is public",
                c.method
            ),
        }
    }
}

//! User management in process: the list at scale, adding a user with a
//! temporary password and the first-sign-in change, roles, removal, and
//! who may do what.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::json;

#[tokio::test]
async fn an_added_user_must_choose_a_password_at_first_sign_in() {
    let t = test_app().await;
    let admin = t.signed_in("contoso.com", "mei@contoso.com").await;
    let a = add(
        &t,
        &admin,
        "Ana@Sales.Contoso.com",
        json!(["report_viewer"]),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["user"]["email"], "ana@sales.contoso.com");
    assert_eq!(a.body["user"]["roles"], json!(["report_viewer"]));
    let temp = a.body["temporary_password"].as_str().unwrap().to_owned();
    assert_eq!(temp.len(), 23, "{temp}");
    assert_ne!(
        temp,
        add(&t, &admin, "bo@contoso.com", json!([])).await.body["temporary_password"],
        "each temporary password is new"
    );

    let s = sign_in(&t, "ana@sales.contoso.com", &temp).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.body);
    assert_eq!(s.body["must_change_password"], true);
    let cookie = s.cookie().unwrap();
    // Nothing but the password change works yet.
    let blocked = t.call("GET", "/api/v1/users", None, Some(&cookie)).await;
    assert_eq!(blocked.status, StatusCode::FORBIDDEN);
    assert_eq!(blocked.body["code"], "password_change_required");
    let me = t.call("GET", "/api/v1/session", None, Some(&cookie)).await;
    assert_eq!(me.body["must_change_password"], true);

    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});
    let wrong = t
        .call(
            "PUT",
            "/api/v1/session/password",
            Some(change("nope", "copper-lantern-42-river")),
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.field_code("current_password"), "password_incorrect");
    let same = t
        .call(
            "PUT",
            "/api/v1/session/password",
            Some(change(&temp, &temp)),
            Some(&cookie),
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    let weak = t
        .call(
            "PUT",
            "/api/v1/session/password",
            Some(change(&temp, "password1234")),
            Some(&cookie),
        )
        .await;
    assert_eq!(weak.field_code("new_password"), "password_common");
    let ok = t
        .call(
            "PUT",
            "/api/v1/session/password",
            Some(change(&temp, "copper-lantern-42-river")),
            Some(&cookie),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(ok.body["must_change_password"], false);

    // Now the list opens, read-only for a Report viewer.
    let list = t.call("GET", "/api/v1/users", None, Some(&cookie)).await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(list.body["can_manage"], false);
    assert_eq!(
        sign_in(&t, "ana@sales.contoso.com", &temp).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&t, "ana@sales.contoso.com", "copper-lantern-42-river")
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn new_users_follow_the_rules() {
    let t = test_app().await;
    let admin = t.signed_in("contoso.com", "mei@contoso.com").await;
    let a = add(&t, &admin, "ana@fabrikam.com", json!([])).await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(a.field_code("email"), "email_domain_mismatch");
    let a = add(&t, &admin, "ana@gmail.com", json!([])).await;
    assert_eq!(a.field_code("email"), "email_consumer");
    let a = add(&t, &admin, "mei@contoso.com", json!([])).await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.field_code("email"), "email_taken");
    let a = add(&t, &admin, "ana@contoso.com", json!(["emperor"])).await;
    assert_eq!(
        a.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an unknown role: {}",
        a.body
    );
}

#[tokio::test]
async fn only_global_admins_and_admin_agents_manage_users() {
    let t = test_app().await;
    let admin = t.signed_in("contoso.com", "mei@contoso.com").await;
    let (viewer_id, viewer) = member(
        &t,
        &admin,
        "ana@contoso.com",
        json!(["user_management_admin"]),
    )
    .await;
    let a = add(&t, &viewer, "bo@contoso.com", json!([])).await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);
    assert_eq!(a.body["code"], "not_user_admin");
    let a = t
        .call(
            "PUT",
            &format!("/api/v1/users/{viewer_id}/roles"),
            Some(json!({"roles": ["global_admin"]})),
            Some(&viewer),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN, "no promoting oneself");
    let a = t
        .call(
            "DELETE",
            &format!("/api/v1/users/{viewer_id}"),
            None,
            Some(&viewer),
        )
        .await;
    assert_eq!(a.status, StatusCode::FORBIDDEN);

    // An Admin agent may.
    let a = t
        .call(
            "PUT",
            &format!("/api/v1/users/{viewer_id}/roles"),
            Some(json!({"roles": ["admin_agent", "admin_agent"]})),
            Some(&admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["roles"], json!(["admin_agent"]));
    let a = add(&t, &viewer, "bo@contoso.com", json!(["sales_agent"])).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);

    // Nobody reaches into another tenant.
    let other = t.signed_in("fabrikam.com", "ana@fabrikam.com").await;
    let a = t
        .call(
            "PUT",
            &format!("/api/v1/users/{viewer_id}/roles"),
            Some(json!({"roles": []})),
            Some(&other),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
    let a = t
        .call(
            "DELETE",
            &format!("/api/v1/users/{viewer_id}"),
            None,
            Some(&other),
        )
        .await;
    assert_eq!(a.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_last_global_admin_stays() {
    let t = test_app().await;
    let admin = t.signed_in("contoso.com", "mei@contoso.com").await;
    let me = t.call("GET", "/api/v1/session", None, Some(&admin)).await;
    let my_id = me.body["user"]["id"].as_str().unwrap().to_owned();
    let a = t
        .call(
            "PUT",
            &format!("/api/v1/users/{my_id}/roles"),
            Some(json!({"roles": ["report_viewer"]})),
            Some(&admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);
    assert_eq!(a.field_code("roles"), "last_global_admin");
    let a = t
        .call(
            "DELETE",
            &format!("/api/v1/users/{my_id}"),
            None,
            Some(&admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::CONFLICT);

    // With a second Global admin, the first may step down and be removed.
    let (_, second) = member(&t, &admin, "ana@contoso.com", json!(["global_admin"])).await;
    let a = t
        .call(
            "PUT",
            &format!("/api/v1/users/{my_id}/roles"),
            Some(json!({"roles": ["report_viewer"]})),
            Some(&second),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let a = t
        .call(
            "DELETE",
            &format!("/api/v1/users/{my_id}"),
            None,
            Some(&second),
        )
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    // Their session ended, they cannot sign in, and the address is free.
    assert_eq!(
        t.call("GET", "/api/v1/session", None, Some(&admin))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        sign_in(&t, "mei@contoso.com", "blue-kettle-71-orbit")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    let list = t.call("GET", "/api/v1/users", None, Some(&second)).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(
        add(&t, &second, "mei@contoso.com", json!([])).await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_list_searches_and_pages_through_ten_thousand_users() {
    let t = test_app().await;
    let admin = t.signed_in("contoso.com", "mei@contoso.com").await;
    let me = t.call("GET", "/api/v1/session", None, Some(&admin)).await;
    let tenant = me.body["tenant"]["id"].as_str().unwrap().to_owned();
    // 9,999 more users, straight into the database.
    let padded = match t.backend() {
        pc_server::db::Backend::Sqlite => "printf('Name%05d', i)",
        pc_server::db::Backend::Postgres => "'Name' || lpad(i::text, 5, '0')",
    };
    sqlx::query(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9999) \
         INSERT INTO users (id, tenant_id, email, first_name, last_name, password_hash, created_at) \
         SELECT 'u' || i, $1, 'user' || i || '@contoso.com', 'First' || i, {padded}, 'x', 0 FROM n"
    ))
    .bind(&tenant)
    .execute(&t.db)
    .await
    .unwrap();

    let page = |q: &str| format!("/api/v1/users?{q}");
    let started = std::time::Instant::now();
    let a = t
        .call("GET", &page("page=2&per_page=50"), None, Some(&admin))
        .await;
    let took = started.elapsed();
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["total"], 10_000);
    assert_eq!(a.body["users"].as_array().unwrap().len(), 50);
    assert_eq!(
        a.body["users"][0]["last_name"], "Name00051",
        "name order, second page"
    );
    println!("a page of 10,000 users: {took:?}");

    let a = t.call("GET", &page("q=name0999"), None, Some(&admin)).await;
    assert_eq!(
        a.body["total"], 10,
        "Name09990–Name09999: {}",
        a.body["total"]
    );
    let a = t
        .call("GET", &page("q=USER42%40"), None, Some(&admin))
        .await;
    assert_eq!(a.body["total"], 1, "email, any case");
    let a = t.call("GET", &page("q=%25"), None, Some(&admin)).await;
    assert_eq!(a.body["total"], 0, "% is searched for, not a wildcard");
    let a = t.call("GET", &page("q=陳"), None, Some(&admin)).await;
    assert_eq!(a.body["total"], 1);
    assert_eq!(a.body["users"][0]["roles"], json!(["global_admin"]));

    for bad in ["page=0", "per_page=0", "per_page=101"] {
        let a = t.call("GET", &page(bad), None, Some(&admin)).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let a = t.call("GET", &page("page=999"), None, Some(&admin)).await;
    assert_eq!(a.body["users"], json!([]), "past the end: an empty page");
}

#[tokio::test]
async fn a_bad_query_parameter_is_named_in_problem_json() {
    let t = test_app().await;
    let admin = t.signed_in("contoso.com", "mei@contoso.com").await;
    for (query, field) in [
        ("per_page=-1", "per_page"),
        ("page=abc", "page"),
        ("page=2000000", "page"),
        ("per_page=101", "per_page"),
    ] {
        let a = t
            .call("GET", &format!("/api/v1/users?{query}"), None, Some(&admin))
            .await;
        assert_eq!(
            a.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            a.body
        );
        assert_eq!(a.field_code(field), "invalid_type", "{query}: {}", a.body);
    }
}

#[tokio::test]
async fn a_page_past_the_end_is_empty_and_still_counts_the_users() {
    let t = test_app().await;
    let admin = t.signed_in("contoso.com", "mei@contoso.com").await;
    let a = t
        .call(
            "GET",
            "/api/v1/users?page=7&per_page=10",
            None,
            Some(&admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["users"].as_array().unwrap().len(), 0);
    assert_eq!(a.body["total"], 1);
    let a = t
        .call("GET", "/api/v1/users?q=nobody", None, Some(&admin))
        .await;
    assert_eq!(a.body["total"], 0, "{}", a.body);
}

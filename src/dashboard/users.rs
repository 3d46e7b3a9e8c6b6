//! `/dashboard/settings/users`: the tenant's users with search and paging;
//! select a user, tick roles, Update; add a user (temporary password shown
//! once); remove a user. Only a Global admin or an Admin agent may change
//! anything: everyone else sees the list read-only, and the server refuses
//! their changes whatever the page sends.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pc_api::routes::Route;
use pc_api::users::{NewUserRequest, UpdateRolesRequest, UserPage};
use pc_api::{Role, UserSummary};
use web_sys::SubmitEvent;

use super::{signed_out_on_401, LoadFailed, Loaded};
use crate::api::Api;
use crate::components::{ErrorSummary, RetryBanner, TextField};
use crate::form::ctl::FormCtl;
use crate::form::Shown;
use crate::i18n::{use_i18n, I18n};
use crate::intl::number;
use crate::page::PageTitle;
use crate::session::Auth;

const PER_PAGE: u32 = 25;

/// The roles of SPEC §5 in their three groups.
const GROUPS: [(&str, &[Role]); 3] = [
    (
        "roles-tenant",
        &[Role::GlobalAdmin, Role::UserManagementAdmin],
    ),
    (
        "roles-csp",
        &[
            Role::AdminAgent,
            Role::BillingAdmin,
            Role::SalesAgent,
            Role::HelpdeskAgent,
        ],
    ),
    (
        "roles-mpn",
        &[
            Role::MpnPartnerAdmin,
            Role::AccountAdmin,
            Role::ReferralsAdmin,
            Role::BusinessProfileAdmin,
            Role::IncentivesAdmin,
            Role::ReportViewer,
            Role::ExecutiveReportViewer,
        ],
    ),
];

fn role_name(i18n: I18n, r: Role) -> String {
    i18n.t(&format!("role-{}", r.as_str()))
}

fn roles_text(i18n: I18n, roles: &[Role]) -> String {
    if roles.is_empty() {
        return i18n.t("users-no-roles");
    }
    let sep = if i18n.locale.get().tag() == "zh-TW" {
        "、"
    } else {
        ", "
    };
    roles
        .iter()
        .map(|r| role_name(i18n, *r))
        .collect::<Vec<_>>()
        .join(sep)
}

fn problem_text(i18n: I18n, e: &crate::api::ApiError) -> String {
    let shown = Shown::from_api_error(e, &["roles"]);
    if let Some((_, err)) = shown.fields.first() {
        return i18n.error_text(&err.code, &err.message);
    }
    match shown.form {
        Some((code, fallback)) if !shown.transient => i18n.error_text(&code, &fallback),
        _ => i18n.t("err-network"),
    }
}

#[component]
pub fn UserManagement() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle key="users-title" />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("users-title")}</h1>
            <Users />
        </section>
    }
}

/// What the last change did, said in the live region.
#[derive(Clone)]
enum Said {
    Ok(String),
    Failed(String),
}

#[component]
fn Users() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let host = crate::host::use_host();
    let navigate = leptos_router::hooks::use_navigate();
    // The search and the page live in the URL: reloads, links and Back
    // keep the user's place.
    let query = use_query_map();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let page = Memo::new(move |_| {
        query.with(|m| {
            m.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .filter(|p| *p >= 1)
                .unwrap_or(1)
        })
    });
    let typed = RwSignal::new(q.get_untracked());
    let data: Loaded<UserPage> = RwSignal::new(None);
    let selected = RwSignal::new(None::<UserSummary>);
    let said = RwSignal::new(None::<Said>);
    let adding = RwSignal::new(false);
    // Answers can arrive out of order: only the latest request's is shown.
    let seq = StoredValue::new(0u64);
    let load = {
        let api = api.clone();
        Callback::new(move |_| {
            let api = api.clone();
            let n = seq.with_value(|s| s + 1);
            seq.set_value(n);
            let (text, p) = (q.get_untracked(), page.get_untracked());
            leptos::task::spawn_local(async move {
                let r = api.users(text.trim(), p, PER_PAGE).await;
                signed_out_on_401(auth, &r);
                if seq.get_value() == n {
                    data.set(Some(r));
                }
            });
        })
    };
    Effect::new(move |_| {
        q.track();
        page.track();
        load.run(());
    });
    let search = move |text: String| {
        let url = if text.trim().is_empty() {
            Route::Users.path().to_owned()
        } else {
            format!(
                "{}?q={}",
                Route::Users.path(),
                String::from(js_sys::encode_uri_component(text.trim()))
            )
        };
        navigate(
            &url,
            leptos_router::NavigateOptions {
                replace: true,
                ..host.go()
            },
        );
    };
    let timer = StoredValue::new(None::<TimeoutHandle>);
    let on_search = {
        let search = search.clone();
        move |ev: web_sys::Event| {
            typed.set(event_target_value(&ev));
            if let Some(t) = timer.get_value() {
                t.clear();
            }
            let search = search.clone();
            let handle = set_timeout_with_handle(
                move || search(typed.get_untracked()),
                std::time::Duration::from_millis(150),
            )
            .ok();
            timer.set_value(handle);
        }
    };
    let can_manage = Memo::new(move |_| {
        data.with(|d| match d {
            Some(Ok(p)) => p.can_manage,
            _ => auth.session.with(|s| {
                s.as_ref()
                    .is_some_and(|s| pc_api::users::can_manage_users(&s.user.roles))
            }),
        })
    });
    let page_href = move |to: u32| {
        let text = q.get_untracked();
        let mut url = format!("{}?page={to}", Route::Users.path());
        if !text.is_empty() {
            url.push_str("&q=");
            url.push_str(&String::from(js_sys::encode_uri_component(&text)));
        }
        host.href(&url)
    };
    let changed = Callback::new(move |msg: Said| {
        said.set(Some(msg));
        load.run(());
    });

    view! {
        <Show when=move || !can_manage.get() && data.with(|d| matches!(d, Some(Ok(_))))>
            <p class="notice notice--warning" id="users-read-only" role="status">
                {i18n.tr("users-read-only")}
            </p>
        </Show>
        <div role="status" aria-live="polite" class="users__said">
            {move || {
                said.get()
                    .map(|s| match s {
                        Said::Ok(t) => view! { <p class="notice notice--success">{t}</p> }.into_any(),
                        Said::Failed(t) => view! { <p class="notice notice--warning">{t}</p> }.into_any(),
                    })
            }}
        </div>
        <Show when=move || can_manage.get()>
            <div class="actions actions--start">
                <button
                    type="button"
                    class="button button--secondary"
                    aria-expanded=move || if adding.get() { "true" } else { "false" }
                    aria-controls="add-user"
                    on:click=move |_| adding.update(|a| *a = !*a)
                >
                    {i18n.tr("users-add")}
                </button>
            </div>
            <Show when=move || adding.get()>
                <AddUser on_added=changed on_close=Callback::new(move |_| adding.set(false)) />
            </Show>
        </Show>
        <form class="users__search" role="search" on:submit=move |ev: SubmitEvent| {
            ev.prevent_default();
            search(typed.get_untracked());
        }>
            <label class="field__label" for="users-q">{i18n.tr("users-search")}</label>
            <div class="field__control">
                <input
                    class="input"
                    id="users-q"
                    type="search"
                    autocomplete="off"
                    prop:value=move || typed.get()
                    on:input=on_search
                />
                <button type="submit" class="button button--secondary">{i18n.tr("users-search-button")}</button>
            </div>
        </form>
        // Outside the table, so it stays (and keeps focus) while pages load.
        <p class="users__range" id="users-range" tabindex="-1">
            {move || {
                data.with(|d| match d {
                    Some(Ok(p)) => range_text(i18n, p),
                    _ => String::new(),
                })
            }}
        </p>
        {move || match data.get() {
            None => view! { <p class="muted" role="status">{i18n.tr("loading")}</p> }.into_any(),
            Some(Err(e)) => view! { <LoadFailed error=e retry=load /> }.into_any(),
            Some(Ok(p)) => view! { <UserTable page=p selected=selected manage=can_manage.get() page_href=page_href /> }.into_any(),
        }}
        {move || {
            selected
                .get()
                .filter(|_| can_manage.get())
                .map(|u| {
                    view! {
                        <RoleEditor
                            user=u
                            on_changed=changed
                            on_close=Callback::new(move |_| {
                                selected.set(None);
                                // The editor is gone: focus goes back to the list.
                                host.focus("users-range");
                            })
                        />
                    }
                })
        }}
    }
}

/// "Showing 26–50 of 10,000 users", in the user's language.
fn range_text(i18n: I18n, page: &UserPage) -> String {
    let l = i18n.locale.get().tag();
    if page.total == 0 {
        return i18n.t("users-none");
    }
    let from = u64::from(page.page.saturating_sub(1)) * u64::from(page.per_page) + 1;
    let to = (from + page.users.len() as u64).saturating_sub(1);
    i18n.t_with(
        "users-range",
        &[
            ("from", &number(l, from)),
            ("to", &number(l, to)),
            ("total", &number(l, page.total)),
        ],
    )
}

#[component]
fn UserTable(
    page: UserPage,
    selected: RwSignal<Option<UserSummary>>,
    manage: bool,
    page_href: impl Fn(u32) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let total = page.total;
    let pages = total.div_ceil(u64::from(page.per_page)).max(1) as u32;
    let current = page.page;
    let rows = page
        .users
        .into_iter()
        .map(|u| {
            let name = format!("{} {}", u.first_name, u.last_name);
            let id = u.id.clone();
            let is_selected = move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == id));
            let roles = u.roles.clone();
            let email = u.email.clone();
            let cell = if manage {
                let u = u.clone();
                view! {
                    <button
                        type="button"
                        class="link-button"
                        aria-pressed=move || if is_selected() { "true" } else { "false" }
                        on:click=move |_| selected.set(Some(u.clone()))
                    >
                        {name}
                    </button>
                }
                .into_any()
            } else {
                view! { <span>{name}</span> }.into_any()
            };
            view! {
                <tr data-user=u.email.clone()>
                    <th scope="row">{cell}</th>
                    <td>{email}</td>
                    <td>{move || roles_text(i18n, &roles)}</td>
                </tr>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby="users-range">
            <table class="users">
                <thead>
                    <tr>
                        <th scope="col">{i18n.tr("users-name")}</th>
                        <th scope="col">{i18n.tr("contact-email")}</th>
                        <th scope="col">{i18n.tr("users-roles")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=i18n.tr("users-pages")>
            {(current > 1)
                .then(|| {
                    view! {
                        <a class="button button--secondary" rel="prev" href=page_href(current - 1)>
                            {i18n.tr("users-previous")}
                        </a>
                    }
                })}
            <span class="pager__where" aria-current="page">
                {move || {
                    let l = i18n.locale.get().tag();
                    i18n.t_with(
                        "users-page",
                        &[("page", &number(l, u64::from(current))), ("pages", &number(l, u64::from(pages)))],
                    )
                }}
            </span>
            {(current < pages)
                .then(|| {
                    view! {
                        <a class="button button--secondary" rel="next" href=page_href(current + 1)>
                            {i18n.tr("users-next")}
                        </a>
                    }
                })}
        </nav>
    }
}

/// The role checkboxes, in their groups.
#[component]
fn RolePicker(roles: RwSignal<Vec<Role>>, prefix: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    GROUPS
        .into_iter()
        .map(|(legend, group)| {
            view! {
                <fieldset class="fieldset roles">
                    <legend>{i18n.tr(legend)}</legend>
                    {group
                        .iter()
                        .map(|r| {
                            let r = *r;
                            let id = format!("{prefix}-{}", r.as_str());
                            view! {
                                <div class="checkbox">
                                    <input
                                        type="checkbox"
                                        id=id.clone()
                                        value=r.as_str()
                                        prop:checked=move || roles.with(|v| v.contains(&r))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            roles
                                                .update(|v| {
                                                    v.retain(|x| *x != r);
                                                    if on {
                                                        v.push(r);
                                                    }
                                                });
                                        }
                                    />
                                    <label for=id>{move || role_name(i18n, r)}</label>
                                </div>
                            }
                        })
                        .collect::<Vec<_>>()}
                </fieldset>
            }
        })
        .collect::<Vec<_>>()
}

#[component]
fn RoleEditor(
    user: UserSummary,
    on_changed: Callback<Said>,
    on_close: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let roles = RwSignal::new(user.roles.clone());
    let confirming = RwSignal::new(false);
    let name = format!("{} {}", user.first_name, user.last_name);
    let id = user.id.clone();
    let update = {
        let (api, id, name) = (api.clone(), id.clone(), name.clone());
        Action::new_local(move |_: &()| {
            let (api, id, name) = (api.clone(), id.clone(), name.clone());
            let req = UpdateRolesRequest {
                roles: roles.get_untracked(),
            };
            async move {
                match api.set_roles(&id, &req).await {
                    Ok(_) => {
                        on_changed.run(Said::Ok(i18n.t_with("users-updated", &[("name", &name)])));
                        on_close.run(());
                    }
                    Err(e) => on_changed.run(Said::Failed(problem_text(i18n, &e))),
                }
            }
        })
    };
    let remove = {
        let (id, name) = (id.clone(), name.clone());
        Action::new_local(move |_: &()| {
            let (api, id, name) = (api.clone(), id.clone(), name.clone());
            async move {
                match api.remove_user(&id).await {
                    Ok(()) => {
                        on_changed.run(Said::Ok(i18n.t_with("users-removed", &[("name", &name)])));
                        on_close.run(());
                    }
                    Err(e) => {
                        confirming.set(false);
                        on_changed.run(Said::Failed(problem_text(i18n, &e)));
                    }
                }
            }
        })
    };
    let busy = Signal::derive(move || update.pending().get() || remove.pending().get());
    let heading = {
        let name = name.clone();
        move || i18n.t_with("users-edit-title", &[("name", &name)])
    };
    // The editor opens below the list: take the user there.
    Effect::new(move |_| {
        crate::host::use_host().focus("role-editor-heading");
    });
    view! {
        <form
            class="panel"
            id="role-editor"
            aria-labelledby="role-editor-heading"
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                if !busy.get_untracked() {
                    update.dispatch(());
                }
            }
        >
            <h2 id="role-editor-heading" tabindex="-1">{heading}</h2>
            <p class="muted">{user.email.clone()}</p>
            <RolePicker roles=roles prefix="edit-role" />
            <div class="actions actions--start">
                <button type="submit" class="button button--primary" disabled=move || busy.get()>
                    {i18n.tr("users-update")}
                </button>
                <button type="button" class="button button--subtle" on:click=move |_| on_close.run(())>
                    {i18n.tr("users-cancel")}
                </button>
                <button
                    type="button"
                    class="button button--danger"
                    disabled=move || busy.get()
                    on:click=move |_| confirming.set(true)
                >
                    {i18n.tr("users-remove")}
                </button>
            </div>
            <Show when=move || confirming.get()>
                <div class="notice notice--warning" role="alertdialog" aria-labelledby="remove-question">
                    <p id="remove-question">{
                        let name = name.clone();
                        move || i18n.t_with("users-remove-confirm", &[("name", &name)])
                    }</p>
                    <div class="actions actions--start">
                        <button
                            type="button"
                            class="button button--danger"
                            disabled=move || busy.get()
                            on:click=move |_| {
                                remove.dispatch(());
                            }
                        >
                            {i18n.tr("users-remove-yes")}
                        </button>
                        <button type="button" class="button button--subtle" on:click=move |_| confirming.set(false)>
                            {i18n.tr("users-cancel")}
                        </button>
                    </div>
                </div>
            </Show>
        </form>
    }
}

const ADD_ORDER: &[&str] = &["first_name", "last_name", "email", "roles"];

#[component]
fn AddUser(on_added: Callback<Said>, on_close: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let ctl = FormCtl::new(ADD_ORDER);
    let first = RwSignal::new(String::new());
    let last = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let roles = RwSignal::new(Vec::<Role>::new());
    let created = RwSignal::new(None::<(String, String, String)>);
    let domain = move || auth.tenant_domain();
    let request = move || NewUserRequest {
        first_name: first.get_untracked(),
        last_name: last.get_untracked(),
        email: email.get_untracked(),
        roles: roles.get_untracked(),
    };
    let send = Action::new_local(move |req: &NewUserRequest| {
        let api = api.clone();
        let req = req.clone();
        async move {
            match api.add_user(&req).await {
                Ok(made) => {
                    let name = format!("{} {}", made.user.first_name, made.user.last_name);
                    created.set(Some((
                        name.clone(),
                        made.user.email,
                        made.temporary_password,
                    )));
                    on_added.run(Said::Ok(i18n.t_with("users-added", &[("name", &name)])));
                }
                Err(e) => ctl.show_api_error(&e),
            }
        }
    });
    let busy = send.pending();
    let submit = move || {
        let req = request();
        if ctl.check_before_send(req.check(&domain())) {
            send.dispatch(req);
        }
    };
    let on_edit = Callback::new(move |_| ctl.revalidate(request().check(&domain())));
    let again = move |_| {
        created.set(None);
        for s in [first, last, email] {
            s.set(String::new());
        }
        roles.set(vec![]);
    };
    view! {
        <div class="panel" id="add-user">
            {move || match created.get() {
                Some((name, mail, password)) => {
                    // The form that had focus is gone: take the user to
                    // what replaced it, not back to the top of the page.
                    Effect::new(move |_| {
                        crate::host::use_host().focus("temporary-password-heading");
                    });
                    view! {
                    <div class="notice notice--success" id="temporary-password">
                        <h2 id="temporary-password-heading" tabindex="-1">
                            {move || i18n.t_with("users-created-title", &[("name", &name)])}
                        </h2>
                        <p>{i18n.tr("users-created-lead")}</p>
                        <dl class="summary-list">
                            <div>
                                <dt>{i18n.tr("contact-email")}</dt>
                                <dd>{mail.clone()}</dd>
                            </div>
                            <div>
                                <dt>{i18n.tr("users-temporary-password")}</dt>
                                <dd><code class="secret">{password.clone()}</code></dd>
                            </div>
                        </dl>
                        <p>{i18n.tr("users-created-once")}</p>
                        <div class="actions actions--start">
                            <button type="button" class="button button--secondary" on:click=again>
                                {i18n.tr("users-add-another")}
                            </button>
                            <button type="button" class="button button--subtle" on:click=move |_| on_close.run(())>
                                {i18n.tr("users-done")}
                            </button>
                        </div>
                    </div>
                    }
                    .into_any()
                }
                None => view! {
                    <form
                        class="form"
                        novalidate
                        aria-labelledby="add-user-title"
                        on:submit=move |ev: SubmitEvent| {
                            ev.prevent_default();
                            if !busy.get_untracked() {
                                submit();
                            }
                        }
                    >
                        <h2 id="add-user-title">{i18n.tr("users-add-title")}</h2>
                        <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
                        <RetryBanner
                            visible=ctl.transient()
                            server_failed=ctl.server_failed()
                            busy=busy
                            on_retry=Callback::new(move |_| submit())
                        />
                        <div class="field-row">
                            <TextField
                                name="first_name"
                                label="create-first-name"
                                autocomplete="off"
                                value=first
                                error=ctl.error(i18n, "first_name")
                                on_edit=on_edit
                            />
                            <TextField
                                name="last_name"
                                label="create-last-name"
                                autocomplete="off"
                                value=last
                                error=ctl.error(i18n, "last_name")
                                on_edit=on_edit
                            />
                        </div>
                        <TextField
                            name="email"
                            label="create-email"
                            hint_text=Signal::derive(move || i18n.t_with("users-email-hint", &[("domain", &domain())]))
                            input_type="email"
                            autocomplete="off"
                            value=email
                            error=ctl.error(i18n, "email")
                            on_edit=on_edit
                        />
                        <RolePicker roles=roles prefix="new-role" />
                        <div class="actions actions--start">
                            <button type="submit" class="button button--primary" aria-disabled=move || busy.get().then_some("true")>
                                {Signal::derive(move || i18n.t(if busy.get() { "users-adding" } else { "users-add-submit" }))}
                            </button>
                            <button type="button" class="button button--subtle" on:click=move |_| on_close.run(())>
                                {i18n.tr("users-cancel")}
                            </button>
                        </div>
                    </form>
                }
                .into_any(),
            }}
        </div>
    }
}

//! `/enroll/account`: sign in with an existing work account, or create one
//! (a new tenant whose first user is its Global admin).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pc_api::routes::Route;
use pc_api::users::ChangePasswordRequest;
use pc_api::{CreateAccountRequest, Role, SignInRequest};
use web_sys::SubmitEvent;

use crate::api::Api;
use crate::components::{ErrorSummary, RetryBanner, TextField};
use crate::enroll::draft::Enrollment;
use crate::form::ctl::FormCtl;
use crate::form::retry_after_secs;
use crate::i18n::use_i18n;
use crate::page::PageTitle;
use crate::session::Auth;

#[component]
pub fn AccountStep() -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let auth = expect_context::<Auth>();
    let query = use_query_map();
    let creating = Memo::new(move |_| query.with(|q| q.get("mode").as_deref() == Some("create")));
    // Sent here from a dashboard page: once signed in (with a password of
    // their own), the user goes back to it.
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move |_| {
        let ready = auth
            .session
            .with(|s| s.as_ref().is_some_and(|s| !s.must_change_password));
        let next = query.with(|q| q.get("next"));
        if let Some(next) = next
            .as_deref()
            .and_then(crate::dashboard::safe_next)
            .filter(|_| ready)
        {
            navigate(next, host.redirect());
        }
    });

    view! {
        <PageTitle key="account-title" />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("account-title")}</h1>
            {move || {
                if !auth.checked.get() {
                    return view! {
                        <p class="muted" role="status" data-pc-wait>{i18n.tr("account-checking")}</p>
                    }
                        .into_any();
                }
                match auth.session.get() {
                    Some(s) if s.must_change_password => view! { <ChangePasswordForm /> }.into_any(),
                    Some(_) => view! { <SignedIn /> }.into_any(),
                    None => {
                        view! {
                            <p class="lead">{i18n.tr("account-lead")}</p>
                            <nav class="segmented" aria-label=i18n.tr("account-choice-label")>
                                <a
                                    href=host.href(Route::Account.path())
                                    class="segmented__item"
                                    aria-current=move || (!creating.get()).then_some("page")
                                >
                                    {i18n.tr("account-choice-sign-in")}
                                </a>
                                <a
                                    href=host.href(&format!("{}?mode=create", Route::Account.path()))
                                    class="segmented__item"
                                    aria-current=move || creating.get().then_some("page")
                                >
                                    {i18n.tr("account-choice-create")}
                                </a>
                            </nav>
                            {move || {
                                if creating.get() {
                                    view! { <CreateForm /> }.into_any()
                                } else {
                                    view! { <SignInForm /> }.into_any()
                                }
                            }}
                        }
                            .into_any()
                    }
                }
            }}
        </section>
    }
}

/// Shown once signed in: who, which tenant, which role.
#[component]
fn SignedIn() -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let auth = expect_context::<Auth>();
    let enrollment = expect_context::<Enrollment>();
    move || {
        let next_path = enrollment.progress(true).first_unfinished().path();
        auth.session.get().map(|s| {
            let name = format!("{} {}", s.user.first_name, s.user.last_name);
            let is_admin = s.user.roles.contains(&Role::GlobalAdmin);
            let email = s.user.email.clone();
            let domain = s.tenant.domain.clone();
            view! {
                <div class="notice notice--success" role="status">
                    <p class="notice__title">
                        {move || i18n.t_with("account-signed-in", &[("name", &name)])}
                    </p>
                    <dl class="summary-list">
                        <div>
                            <dt>{i18n.tr("account-email")}</dt>
                            <dd>{email.clone()}</dd>
                        </div>
                        <div>
                            <dt>{i18n.tr("account-domain")}</dt>
                            <dd>{domain.clone()}</dd>
                        </div>
                        <div>
                            <dt>{i18n.tr("account-role")}</dt>
                            <dd>
                                {move || {
                                    i18n.t(if is_admin { "role-global_admin" } else { "account-role-other" })
                                }}
                            </dd>
                        </div>
                    </dl>
                </div>
                <p>{i18n.tr("account-signed-in-next")}</p>
                <div class="actions">
                    <a href=host.href(next_path) class="button button--primary">
                        {i18n.tr("account-continue")}
                    </a>
                </div>
            }
        })
    }
}

const CHANGE_ORDER: &[&str] = &["current_password", "new_password"];

/// After signing in with a temporary password: the user chooses their own
/// before anything else opens.
#[component]
fn ChangePasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let ctl = FormCtl::new(CHANGE_ORDER);
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let email = move || auth.email();
    let request = move || ChangePasswordRequest {
        current_password: current.get_untracked(),
        new_password: new.get_untracked(),
    };
    let send = Action::new_local(move |req: &ChangePasswordRequest| {
        let api = api.clone();
        let req = req.clone();
        async move {
            match api.change_password(&req).await {
                Ok(session) => auth.session.set(Some(session)),
                Err(e) => ctl.show_api_error(&e),
            }
        }
    });
    let busy = send.pending();
    let submit = move || {
        let req = request();
        if ctl.check_before_send(req.check(&email())) {
            send.dispatch(req);
        }
    };
    let on_edit = Callback::new(move |_| ctl.revalidate(request().check(&email())));
    view! {
        <form
            class="form"
            novalidate
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                if !busy.get_untracked() {
                    submit();
                }
            }
        >
            <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
            <RetryBanner visible=ctl.transient() server_failed=ctl.server_failed() busy=busy on_retry=Callback::new(move |_| submit()) />
            <h2>{i18n.tr("password-change-title")}</h2>
            <p>{i18n.tr("password-change-lead")}</p>
            <TextField
                name="current_password"
                label="password-change-current"
                input_type="password"
                autocomplete="current-password"
                value=current
                error=ctl.error(i18n, "current_password")
                on_edit=on_edit
            />
            <TextField
                name="new_password"
                label="password-change-new"
                hint="create-password-hint"
                input_type="password"
                autocomplete="new-password"
                revealable=true
                value=new
                error=ctl.error(i18n, "new_password")
                on_edit=on_edit
            />
            <div class="actions">
                <button type="submit" class="button button--primary" aria-disabled=move || busy.get().then_some("true")>
                    {Signal::derive(move || i18n.t(if busy.get() { "password-change-submitting" } else { "password-change-submit" }))}
                </button>
            </div>
        </form>
    }
}

const TYPED_KEY: &str = "pc-account-typed";

/// The work-account answers typed so far (never the password), kept in
/// this browser so a reload or a crash loses nothing.
fn typed_load() -> Vec<String> {
    let text = window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(TYPED_KEY).ok().flatten())
        .unwrap_or_default();
    let mut v: Vec<String> = text.split('\n').map(str::to_owned).collect();
    v.resize(5, String::new());
    v
}

fn typed_store(values: &[String]) {
    if let Some(s) = window().local_storage().ok().flatten() {
        let text = values
            .iter()
            .map(|v| v.replace('\n', " "))
            .collect::<Vec<_>>()
            .join("\n");
        let _ = if values.iter().all(String::is_empty) {
            s.remove_item(TYPED_KEY)
        } else {
            s.set_item(TYPED_KEY, &text)
        };
    }
}

const CREATE_ORDER: &[&str] = &[
    "company_domain",
    "first_name",
    "last_name",
    "email",
    "password",
];
const SIGN_IN_ORDER: &[&str] = &["email", "password"];

#[component]
fn CreateForm() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let ctl = FormCtl::new(CREATE_ORDER);
    let typed = typed_load();
    let domain = RwSignal::new(typed[0].clone());
    let first = RwSignal::new(typed[1].clone());
    let last = RwSignal::new(typed[2].clone());
    let email = RwSignal::new(typed[3].clone());
    let password = RwSignal::new(String::new());
    let request = move || CreateAccountRequest {
        company_domain: domain.get_untracked(),
        first_name: first.get_untracked(),
        last_name: last.get_untracked(),
        email: email.get_untracked(),
        password: password.get_untracked(),
    };

    let send = Action::new_local(move |req: &CreateAccountRequest| {
        let api = api.clone();
        let req = req.clone();
        async move {
            match api.create_account(&req).await {
                Ok(session) => {
                    typed_store(&[]);
                    auth.session.set(Some(session));
                }
                Err(e) => ctl.show_api_error(&e),
            }
        }
    });
    let busy = send.pending();
    let submit = move || {
        let req = request();
        if ctl.check_before_send(req.check()) {
            send.dispatch(req);
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !busy.get_untracked() {
            submit();
        }
    };
    let on_edit = Callback::new(move |_| {
        let mut kept = typed_load();
        kept[..4].clone_from_slice(&[
            domain.get_untracked(),
            first.get_untracked(),
            last.get_untracked(),
            email.get_untracked(),
        ]);
        typed_store(&kept);
        ctl.revalidate(request().check());
    });

    view! {
        <form class="form" novalidate on:submit=on_submit>
            <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
            <RetryBanner visible=ctl.transient() server_failed=ctl.server_failed() busy=busy on_retry=Callback::new(move |_| submit()) />
            <h2>{i18n.tr("create-title")}</h2>
            <TextField
                name="company_domain"
                label="create-domain"
                hint="create-domain-hint"
                autocomplete="off"
                input_mode="url"
                value=domain
                error=ctl.error(i18n, "company_domain")
                on_edit=on_edit
            />
            <div class="field-row">
                <TextField
                    name="first_name"
                    label="create-first-name"
                    autocomplete="given-name"
                    value=first
                    error=ctl.error(i18n, "first_name")
                    on_edit=on_edit
                />
                <TextField
                    name="last_name"
                    label="create-last-name"
                    autocomplete="family-name"
                    value=last
                    error=ctl.error(i18n, "last_name")
                    on_edit=on_edit
                />
            </div>
            <TextField
                name="email"
                label="create-email"
                hint="create-email-hint"
                input_type="email"
                autocomplete="email"
                value=email
                error=ctl.error(i18n, "email")
                on_edit=on_edit
            />
            <TextField
                name="password"
                label="create-password"
                hint="create-password-hint"
                input_type="password"
                autocomplete="new-password"
                revealable=true
                value=password
                error=ctl.error(i18n, "password")
                on_edit=on_edit
            />
            <div class="actions">
                <button type="submit" class="button button--primary" aria-disabled=move || busy.get().then_some("true")>
                    {Signal::derive(move || i18n.t(if busy.get() { "create-submitting" } else { "create-submit" }))}
                </button>
            </div>
        </form>
    }
}

#[component]
fn SignInForm() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let ctl = FormCtl::new(SIGN_IN_ORDER);
    let email = RwSignal::new(typed_load()[4].clone());
    let password = RwSignal::new(String::new());
    let wait = RwSignal::new(None::<u64>);
    let request = move || SignInRequest {
        email: email.get_untracked(),
        password: password.get_untracked(),
    };

    let send = Action::new_local(move |req: &SignInRequest| {
        let api = api.clone();
        let req = req.clone();
        async move {
            match api.sign_in(&req).await {
                Ok(session) => {
                    typed_store(&[]);
                    auth.session.set(Some(session));
                }
                Err(e) => {
                    wait.set(retry_after_secs(&e));
                    ctl.show_api_error(&e);
                }
            }
        }
    });
    let busy = send.pending();
    let submit = move || {
        let req = request();
        if ctl.check_before_send(req.check()) {
            send.dispatch(req);
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if !busy.get_untracked() {
            submit();
        }
    };
    let on_edit = Callback::new(move |_| {
        let mut kept = typed_load();
        kept[4] = email.get_untracked();
        typed_store(&kept);
        ctl.revalidate(request().check());
    });

    view! {
        <form class="form" novalidate on:submit=on_submit>
            <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
            <RetryBanner visible=ctl.transient() server_failed=ctl.server_failed() busy=busy on_retry=Callback::new(move |_| submit()) />
            <Show when=move || wait.get().is_some()>
                <p class="muted">
                    {move || {
                        i18n.t_with(
                            "sign-in-wait",
                            &[("seconds", &wait.get().unwrap_or_default().to_string())],
                        )
                    }}
                </p>
            </Show>
            <h2>{i18n.tr("sign-in-title")}</h2>
            <TextField
                name="email"
                label="sign-in-email"
                input_type="email"
                autocomplete="username"
                value=email
                error=ctl.error(i18n, "email")
                on_edit=on_edit
            />
            <TextField
                name="password"
                label="sign-in-password"
                input_type="password"
                autocomplete="current-password"
                revealable=true
                value=password
                error=ctl.error(i18n, "password")
                on_edit=on_edit
            />
            <div class="actions">
                <button type="submit" class="button button--primary" aria-disabled=move || busy.get().then_some("true")>
                    {Signal::derive(move || i18n.t(if busy.get() { "sign-in-submitting" } else { "sign-in-submit" }))}
                </button>
            </div>
        </form>
    }
}

//! `/enroll/review`: every answer, grouped by step, each group with a
//! Change link; then *Enroll now*, safe to click twice or retry.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use pc_api::routes::Route;
use pc_api::{countries, EnrollRequest, PartnerAccount};

use super::draft::Enrollment;
use super::guard::StepGuard;
use super::steps::Step;
use crate::api::{Api, ApiError};
use crate::components::{ErrorSummary, RetryBanner};
use crate::form::ctl::FormCtl;
use crate::i18n::use_i18n;
use crate::intl::region_name;
use crate::page::PageTitle;
use crate::session::Auth;

const PENDING_KEY: &str = "pc-enroll-key";

/// The idempotency key for this exact request: reused across clicks,
/// retries and reloads; a changed request gets a new one.
fn idempotency_key(body: &str) -> String {
    let storage = window().local_storage().ok().flatten();
    let stored: Option<(String, String)> = storage
        .as_ref()
        .and_then(|s| s.get_item(PENDING_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok());
    if let Some((key, for_body)) = stored {
        if for_body == body {
            return key;
        }
    }
    let key = window()
        .crypto()
        .map(|c| c.random_uuid())
        .unwrap_or_else(|_| format!("k-{}", js_sys::Date::now()));
    if let (Some(s), Ok(text)) = (storage, serde_json::to_string(&(key.clone(), body))) {
        let _ = s.set_item(PENDING_KEY, &text);
    }
    key
}

fn forget_key() {
    if let Some(s) = window().local_storage().ok().flatten() {
        let _ = s.remove_item(PENDING_KEY);
    }
}

#[component]
pub fn ReviewStep() -> impl IntoView {
    view! {
        <PageTitle key="review-title" />
        <StepGuard step=Step::Review>
            <Review />
        </StepGuard>
    }
}

#[component]
fn Review() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let enrollment = expect_context::<Enrollment>();
    let navigate = use_navigate();
    let host = crate::host::use_host();
    let ctl = FormCtl::new(&[]);

    let send = Action::new_local(move |req: &EnrollRequest| {
        let api = api.clone();
        let req = req.clone();
        let navigate = navigate.clone();
        async move {
            let body = serde_json::to_string(&req).unwrap_or_default();
            let key = idempotency_key(&body);
            let result: Result<PartnerAccount, ApiError> = api.enroll(&req, &key).await;
            match result {
                Ok(account) => {
                    forget_key();
                    enrollment.account.set(Some(account));
                    navigate(Step::Agreement.path(), host.go());
                }
                Err(e) if e.code() == Some("already_enrolled") => {
                    forget_key();
                    if let Ok(Some(account)) = api.partner_account().await {
                        enrollment.account.set(Some(account));
                        navigate(Step::Agreement.path(), host.go());
                    } else {
                        ctl.show_api_error(&e);
                    }
                }
                Err(e) => ctl.show_api_error(&e),
            }
        }
    });
    let busy = send.pending();
    let submit = move || {
        if busy.get_untracked() {
            return;
        }
        let d = enrollment.draft.get_untracked();
        send.dispatch(EnrollRequest {
            profile: d.profile,
            contact: d.contact,
        });
    };

    let row = move |label: &'static str, value: String| {
        view! {
            <div>
                <dt>{move || i18n.t(label)}</dt>
                <dd>{value}</dd>
            </div>
        }
    };

    view! {
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("review-title")}</h1>
            <p class="lead">{i18n.tr("review-lead")}</p>
            <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
            <RetryBanner visible=ctl.transient() server_failed=ctl.server_failed() busy=busy on_retry=Callback::new(move |_| submit()) />
            {move || {
                let d = enrollment.draft.get();
                let s = auth.session.get();
                let p = d.profile;
                let c = d.contact;
                let tag = i18n.locale.get().tag();
                let country = region_name(tag, &p.country, countries::country_name(&p.country).unwrap_or(""));
                let state = countries::rules(&p.country)
                    .states
                    .iter()
                    .find(|(code, _)| *code == p.state)
                    .map(|(_, name)| (*name).to_owned())
                    .unwrap_or(p.state.clone());
                let none = i18n.t("review-none");
                let or_none = |v: &str| if v.is_empty() { none.clone() } else { v.to_owned() };
                view! {
                    <section class="review-group" aria-labelledby="review-account">
                        <div class="review-group__head">
                            <h2 id="review-account">{i18n.t("step-account")}</h2>
                        </div>
                        <dl class="summary-list">
                            {row("account-email", s.as_ref().map(|s| s.user.email.clone()).unwrap_or_default())}
                            {row("account-domain", s.as_ref().map(|s| s.tenant.domain.clone()).unwrap_or_default())}
                        </dl>
                    </section>
                    <section class="review-group" aria-labelledby="review-company">
                        <div class="review-group__head">
                            <h2 id="review-company">{i18n.t("step-company")}</h2>
                            <a href=host.href(&format!("{}?return=review", Route::Company.path())) class="review-group__change">
                                {i18n.t("review-change")}
                                <span class="visually-hidden">{format!(" {}", i18n.t("step-company"))}</span>
                            </a>
                        </div>
                        <dl class="summary-list">
                            {row("company-country", country)}
                            {row("company-duns", or_none(p.duns.as_deref().unwrap_or("")))}
                            {row("company-legal-name", p.legal_name.clone())}
                            {row("company-line1", p.line1.clone())}
                            {row("company-line2", or_none(&p.line2))}
                            {row("company-city", p.city.clone())}
                            {row("company-region", or_none(&state))}
                            {row("company-postal", or_none(&p.postal_code))}
                        </dl>
                    </section>
                    <section class="review-group" aria-labelledby="review-contact">
                        <div class="review-group__head">
                            <h2 id="review-contact">{i18n.t("step-contact")}</h2>
                            <a href=host.href(&format!("{}?return=review", Route::Contact.path())) class="review-group__change">
                                {i18n.t("review-change")}
                                <span class="visually-hidden">{format!(" {}", i18n.t("step-contact"))}</span>
                            </a>
                        </div>
                        <dl class="summary-list">
                            {row("review-contact-name", format!("{} {}", c.first_name, c.last_name))}
                            {row("contact-email", c.email.clone())}
                            {row("contact-phone", or_none(&c.phone))}
                        </dl>
                    </section>
                }
            }}
            <p>{i18n.tr("review-declaration")}</p>
            <div class="actions">
                <button
                    type="button"
                    class="button button--primary"
                    aria-disabled=move || busy.get().then_some("true")
                    on:click=move |_| submit()
                >
                    {Signal::derive(move || i18n.t(if busy.get() { "review-enrolling" } else { "review-enroll" }))}
                </button>
            </div>
        </section>
    }
}

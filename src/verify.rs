//! `/verify-email/:token`: the primary contact confirms, or says they did
//! not request this (and may undo it); an expired or used link says so and
//! offers a new one.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pc_api::{EmailVerification, LinkState};

use crate::api::{Api, ApiError};
use crate::components::RetryBanner;
use crate::form::{retry_after_secs, Shown};
use crate::i18n::use_i18n;
use crate::page::PageTitle;

#[component]
pub fn VerifyEmail() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let link = RwSignal::new(None::<EmailVerification>);
    let problem = RwSignal::new(None::<ApiError>);
    let resent_to = RwSignal::new(None::<String>);

    let load = Action::new_local({
        let api = api.clone();
        move |t: &String| {
            let api = api.clone();
            let t = t.clone();
            async move {
                match api.verification(&t).await {
                    Ok(v) => {
                        problem.set(None);
                        link.set(Some(v));
                    }
                    Err(e) => problem.set(Some(e)),
                }
            }
        }
    });
    // The build's static page shows the frame; the link is read live.
    if crate::prerender::prerendering().is_none() {
        load.dispatch(token());
    }

    let answer = Action::new_local({
        let api = api.clone();
        move |(t, action): &(String, &'static str)| {
            let api = api.clone();
            let (t, action) = (t.clone(), *action);
            async move {
                match api.answer_verification(&t, action).await {
                    Ok(v) => {
                        problem.set(None);
                        link.set(Some(v));
                    }
                    Err(e) => {
                        problem.set(Some(e));
                        // The link may have changed state meanwhile: show what it is now.
                        if let Ok(v) = api.verification(&t).await {
                            link.set(Some(v));
                        }
                    }
                }
            }
        }
    });
    let resend = Action::new_local(move |t: &String| {
        let api = api.clone();
        let t = t.clone();
        async move {
            match api.resend_verification(Some(&t)).await {
                Ok(email) => {
                    problem.set(None);
                    resent_to.set(Some(email));
                }
                Err(e) => problem.set(Some(e)),
            }
        }
    });
    let busy = Signal::derive(move || {
        load.pending().get() || answer.pending().get() || resend.pending().get()
    });
    let transient =
        Signal::derive(move || problem.with(|p| p.as_ref().is_some_and(ApiError::is_transient)));
    let problem_text = move || {
        problem.get().filter(|p| !p.is_transient()).map(|e| {
            if let Some(secs) = retry_after_secs(&e) {
                return i18n.t_with("sign-in-wait", &[("seconds", &secs.to_string())]);
            }
            let shown = Shown::from_api_error(&e, &[]);
            shown
                .form
                .map(|(code, fallback)| i18n.error_text(&code, &fallback))
                .unwrap_or_default()
        })
    };
    let act = move |action: &'static str| {
        answer.dispatch((token(), action));
    };

    view! {
        <PageTitle key="verify-title" />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("verify-title")}</h1>
            <RetryBanner visible=transient busy=busy on_retry=Callback::new(move |_| { load.dispatch(token()); }) />
            {move || problem_text().map(|t| view! { <p class="notice notice--warning" role="alert">{t}</p> })}
            {move || {
                resent_to
                    .get()
                    .map(|email| {
                        view! {
                            <p class="notice notice--success" role="status">
                                {i18n.t_with("verify-resent", &[("email", &email)])}
                            </p>
                        }
                    })
            }}
            {move || {
                (link.with(Option::is_none) && problem.with(Option::is_none))
                    .then(|| view! { <p class="muted" role="status">{i18n.t("verify-checking")}</p> })
            }}
            {move || {
                link.get()
                    .map(|v| {
                        let company = i18n.t_with("verify-company", &[("company", &v.legal_name), ("mpn", &v.mpn_id)]);
                        let email = v.email.clone();
                        let body = match v.state {
                            LinkState::Open => {
                                view! {
                                    <p>{i18n.t_with("verify-question", &[("email", &email)])}</p>
                                    <div class="actions">
                                        <button type="button" class="button button--primary" disabled=move || busy.get() on:click=move |_| act("confirm")>
                                            {i18n.t("verify-confirm")}
                                        </button>
                                        <button type="button" class="button button--secondary" disabled=move || busy.get() on:click=move |_| act("decline")>
                                            {i18n.t("verify-decline")}
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                            LinkState::Confirmed => {
                                view! { <p class="notice notice--success" role="status">{i18n.t("verify-confirmed")}</p> }.into_any()
                            }
                            LinkState::Declined => {
                                let can_undo = v.can_undo;
                                view! {
                                    <p class="notice notice--warning" role="status">{i18n.t("verify-declined")}</p>
                                    {can_undo
                                        .then(|| {
                                            view! {
                                                <div class="actions">
                                                    <button type="button" class="button button--secondary" disabled=move || busy.get() on:click=move |_| act("undo")>
                                                        {i18n.t("verify-undo")}
                                                    </button>
                                                </div>
                                            }
                                        })}
                                }
                                    .into_any()
                            }
                            LinkState::Expired | LinkState::Used => {
                                let key = if v.state == LinkState::Expired { "verify-expired" } else { "verify-used" };
                                view! {
                                    <p class="notice notice--warning" role="status">{i18n.t(key)}</p>
                                    <div class="actions">
                                        <button type="button" class="button button--primary" disabled=move || busy.get() on:click=move |_| { resend.dispatch(token()); }>
                                            {i18n.t("verify-resend")}
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                        };
                        view! {
                            <p class="lead">{company}</p>
                            {body}
                        }
                    })
            }}
        </section>
    }
}

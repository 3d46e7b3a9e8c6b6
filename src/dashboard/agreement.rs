//! `/dashboard/agreements/:id`: an agreement as the company accepted it,
//! with the acceptance record and a PDF download made by the server.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use pc_api::AcceptedAgreement;

use super::{signed_out_on_401, LoadFailed, Loaded};
use crate::api::{Api, ApiError};
use crate::i18n::use_i18n;
use crate::intl::date_time;
use crate::page::PageTitle;

#[component]
pub fn AgreementPage() -> impl IntoView {
    view! {
        <PageTitle key="agreement-view-title" />
        <AgreementBody />
    }
}

#[component]
fn AgreementBody() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<crate::session::Auth>();
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let data: Loaded<AcceptedAgreement> = RwSignal::new(None);
    let load = {
        let api = api.clone();
        Callback::new(move |_| {
            let api = api.clone();
            let id = id.get_untracked();
            data.set(None);
            leptos::task::spawn_local(async move {
                let r = api.accepted_agreement(&id).await;
                signed_out_on_401(auth, &r);
                data.set(Some(r));
            });
        })
    };
    Effect::new(move |_| {
        id.track();
        load.run(());
    });
    move || match data.get() {
        None => view! {
            <section class="card">
                <h1 class="page-heading" tabindex="-1">{i18n.tr("agreement-view-title")}</h1>
                <p class="muted" role="status">{i18n.tr("loading")}</p>
            </section>
        }
        .into_any(),
        Some(Err(ApiError::Problem(p))) if p.status == 404 => view! {
            <section class="card">
                <h1 class="page-heading" tabindex="-1">{i18n.tr("agreement-view-title")}</h1>
                <p class="notice notice--warning" role="status">{i18n.tr("agreement-view-none")}</p>
            </section>
        }
        .into_any(),
        Some(Err(e)) => view! {
            <section class="card">
                <h1 class="page-heading" tabindex="-1">{i18n.tr("agreement-view-title")}</h1>
                <LoadFailed error=e retry=load />
            </section>
        }
        .into_any(),
        Some(Ok(a)) => view! { <Accepted accepted=a /> }.into_any(),
    }
}

#[component]
fn Accepted(accepted: AcceptedAgreement) -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let AcceptedAgreement {
        agreement,
        acceptance: r,
    } = accepted;
    let at = r.accepted_at;
    let id = agreement.id.clone();
    let pdf = move || api.agreement_pdf_url(&id, i18n.locale.get().tag());
    let signer = format!("{} {}", r.signer_first_name, r.signer_last_name);
    let version = agreement.version.clone();
    view! {
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{agreement.title.clone()}</h1>
            <p class="muted">{move || i18n.t_with("agreement-version", &[("version", &version)])}</p>
            <h2>{i18n.tr("agreement-record")}</h2>
            <dl class="summary-list">
                <div>
                    <dt>{i18n.tr("agreement-signer")}</dt>
                    <dd>{signer}</dd>
                </div>
                <div>
                    <dt>{i18n.tr("contact-email")}</dt>
                    <dd>{r.signer_email.clone()}</dd>
                </div>
                {(!r.signer_phone.is_empty())
                    .then(|| {
                        view! {
                            <div>
                                <dt>{i18n.tr("contact-phone")}</dt>
                                <dd>{r.signer_phone.clone()}</dd>
                            </div>
                        }
                    })}
                <div>
                    <dt>{i18n.tr("agreement-accepted-at")}</dt>
                    <dd>
                        <time datetime=utc_iso(at)>{move || date_time(i18n.locale.get().tag(), at)}</time>
                    </dd>
                </div>
            </dl>
            <div class="actions">
                <a class="button button--primary" href=pdf download="">
                    {i18n.tr("agreement-download")}
                </a>
            </div>
            <h2>{i18n.tr("agreement-text")}</h2>
            <div class="agreement-text" tabindex="0" role="region" aria-label=agreement.title.clone()>
                {agreement
                    .text
                    .split("\n\n")
                    .map(|p| view! { <p>{p.to_owned()}</p> })
                    .collect::<Vec<_>>()}
            </div>
        </section>
    }
}

/// `2026-11-25T14:03:07Z`, for `<time datetime>`.
fn utc_iso(secs: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    String::from(d.to_iso_string())
}

//! `/enroll/agreement`: read the partner network agreement, confirm the
//! authority to sign, check the signer (prefilled from the signed-in admin)
//! and *Accept*.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use pc_api::{AcceptAgreementRequest, Agreement, ACCEPT_FIELDS};
use web_sys::SubmitEvent;

use super::draft::Enrollment;
use super::guard::StepGuard;
use super::steps::Step;
use crate::api::Api;
use crate::components::{described_by, ErrorSummary, FieldErrorText, RetryBanner, TextField};
use crate::form::ctl::FormCtl;
use crate::i18n::use_i18n;
use crate::page::PageTitle;
use crate::session::Auth;

#[component]
pub fn AgreementStep() -> impl IntoView {
    view! {
        <PageTitle key="agreement-title" />
        <StepGuard step=Step::Agreement>
            <AgreementForm />
        </StepGuard>
    }
}

#[component]
fn AgreementForm() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let enrollment = expect_context::<Enrollment>();
    let navigate = use_navigate();
    let host = crate::host::use_host();
    let ctl = FormCtl::new(ACCEPT_FIELDS);
    let agreement = RwSignal::new(None::<Agreement>);

    let user = auth.session.get_untracked().map(|s| s.user);
    let first = RwSignal::new(
        user.as_ref()
            .map(|u| u.first_name.clone())
            .unwrap_or_default(),
    );
    let last = RwSignal::new(
        user.as_ref()
            .map(|u| u.last_name.clone())
            .unwrap_or_default(),
    );
    let email = RwSignal::new(user.map(|u| u.email).unwrap_or_default());
    let phone = RwSignal::new(String::new());
    let authority = RwSignal::new(false);
    let country = enrollment
        .account
        .with_untracked(|a| a.as_ref().map(|a| a.profile.country.clone()))
        .unwrap_or_default();
    let company = enrollment
        .account
        .with_untracked(|a| a.as_ref().map(|a| a.profile.legal_name.clone()))
        .unwrap_or_default();

    let load = Action::new_local({
        let api = api.clone();
        move |_: &()| {
            let api = api.clone();
            async move {
                match api.current_agreement().await {
                    Ok(a) => agreement.set(Some(a)),
                    Err(e) => ctl.show_api_error(&e),
                }
            }
        }
    });
    load.dispatch(());

    let request = move || AcceptAgreementRequest {
        version: agreement
            .with_untracked(|a| a.as_ref().map(|a| a.version.clone()).unwrap_or_default()),
        signer_first_name: first.get_untracked(),
        signer_last_name: last.get_untracked(),
        signer_email: email.get_untracked(),
        signer_phone: phone.get_untracked(),
        authority_confirmed: authority.get_untracked(),
    };
    let accept = Action::new_local(move |req: &AcceptAgreementRequest| {
        let api = api.clone();
        let req = req.clone();
        let navigate = navigate.clone();
        async move {
            match api.accept_agreement(&req).await {
                Ok(_) => {
                    if let Ok(Some(account)) = api.partner_account().await {
                        enrollment.account.set(Some(account));
                    }
                    navigate(Step::Done.path(), host.go());
                }
                Err(e) => ctl.show_api_error(&e),
            }
        }
    });
    let busy = Signal::derive(move || accept.pending().get() || load.pending().get());
    let submit = {
        let country = country.clone();
        move || {
            if agreement.with_untracked(Option::is_none) {
                load.dispatch(());
                return;
            }
            let req = request();
            if ctl.check_before_send(req.check(&country)) && !busy.get_untracked() {
                accept.dispatch(req);
            }
        }
    };
    let on_edit = {
        let country = country.clone();
        Callback::new(move |_| ctl.revalidate(request().check(&country)))
    };
    let on_submit = {
        let submit = submit.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            submit();
        }
    };
    let authority_error = ctl.error(i18n, "authority_confirmed");

    view! {
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("agreement-title")}</h1>
            <p class="lead">{i18n.tr("agreement-lead")}</p>
            <form class="form form--wide" novalidate on:submit=on_submit>
                <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
                <RetryBanner visible=ctl.transient() server_failed=ctl.server_failed() busy=busy on_retry=Callback::new(move |_| submit()) />
                {move || {
                    agreement
                        .get()
                        .map(|a| {
                            let version = i18n.t_with("agreement-version", &[("version", &a.version)]);
                            view! {
                                <h2>{a.title.clone()}</h2>
                                <p class="muted">{version}</p>
                                <div class="agreement-text" tabindex="0" role="region" aria-label=a.title.clone()>
                                    {a.text.split("\n\n").map(|p| view! { <p>{p.to_owned()}</p> }).collect::<Vec<_>>()}
                                </div>
                            }
                        })
                }}
                <div class="field" class:field--invalid=move || authority_error.get().is_some()>
                    <FieldErrorText field="authority_confirmed" error=authority_error />
                    <label class="checkbox">
                        <input
                            type="checkbox"
                            id="field-authority_confirmed"
                            aria-describedby=described_by("authority_confirmed", false, authority_error)
                            prop:checked=move || authority.get()
                            on:change=move |ev| {
                                authority.set(event_target_checked(&ev));
                                on_edit.run(());
                            }
                        />
                        <span>{move || i18n.t_with("agreement-authority", &[("company", &company)])}</span>
                    </label>
                </div>
                <h2>{i18n.tr("agreement-signer")}</h2>
                <div class="field-row">
                    <TextField name="signer_first_name" label="contact-first-name" autocomplete="given-name" value=first error=ctl.error(i18n, "signer_first_name") on_edit=on_edit />
                    <TextField name="signer_last_name" label="contact-last-name" autocomplete="family-name" value=last error=ctl.error(i18n, "signer_last_name") on_edit=on_edit />
                </div>
                <TextField name="signer_email" label="contact-email" input_type="email" autocomplete="email" value=email error=ctl.error(i18n, "signer_email") on_edit=on_edit />
                <TextField name="signer_phone" label="contact-phone" input_type="tel" autocomplete="tel" optional=true value=phone error=ctl.error(i18n, "signer_phone") on_edit=on_edit />
                <div class="actions">
                    <button type="submit" class="button button--primary" aria-disabled=move || busy.get().then_some("true")>
                        {Signal::derive(move || i18n.t(if accept.pending().get() { "agreement-accepting" } else { "agreement-accept" }))}
                    </button>
                </div>
            </form>
        </section>
    }
}

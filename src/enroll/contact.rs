//! `/enroll/contact`: the primary contact who receives the verification
//! email. A work email on another domain than the company's is allowed,
//! with a warning.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use pc_api::countries;
use pc_api::{PrimaryContact, CONTACT_FIELDS};
use web_sys::SubmitEvent;

use super::draft::Enrollment;
use super::guard::StepGuard;
use super::steps::Step;
use crate::api::Api;
use crate::components::{ErrorSummary, TextField};
use crate::form::ctl::FormCtl;
use crate::i18n::use_i18n;
use crate::page::PageTitle;
use crate::session::Auth;

#[component]
pub fn ContactStep() -> impl IntoView {
    view! {
        <PageTitle key="contact-title" />
        <StepGuard step=Step::Contact>
            <ContactForm />
        </StepGuard>
    }
}

#[component]
fn ContactForm() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let enrollment = expect_context::<Enrollment>();
    let navigate = use_navigate();
    let host = crate::host::use_host();
    let query = use_query_map();
    let back_to_review =
        move || query.with_untracked(|q| q.get("return").as_deref() == Some("review"));
    let ctl = FormCtl::new(CONTACT_FIELDS);

    let draft = enrollment.draft.get_untracked();
    let country = draft.profile.country.clone();
    let start = draft.contact;
    let first = RwSignal::new(start.first_name);
    let last = RwSignal::new(start.last_name);
    let email = RwSignal::new(start.email);
    let phone = RwSignal::new(start.phone);
    let contact = move || PrimaryContact {
        first_name: first.get_untracked(),
        last_name: last.get_untracked(),
        email: email.get_untracked(),
        phone: phone.get_untracked(),
    };
    let tenant_domain = move || {
        auth.session.with(|s| {
            s.as_ref()
                .map(|s| s.tenant.domain.clone())
                .unwrap_or_default()
        })
    };
    let warning = RwSignal::new(contact().warnings(&tenant_domain()).first().copied());

    let on_edit = {
        let api = api.clone();
        let country = country.clone();
        Callback::new(move |_| {
            let c = contact();
            warning.set(c.warnings(&tenant_domain()).first().copied());
            ctl.revalidate(c.check(&country));
            enrollment.update(api.clone(), move |d| {
                d.contact = c;
                d.contact_done = false;
            });
        })
    };
    let phone_required = countries::rules(&country).phone_required;

    let on_submit = {
        let country = country.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let c = contact();
            if ctl.check_before_send(c.check(&country)) {
                let c = c.normalized(&country);
                enrollment.update_now(api.clone(), move |d| {
                    d.contact = c;
                    d.contact_done = true;
                });
                navigate(Step::Review.path(), host.go());
            }
        }
    };

    view! {
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("contact-title")}</h1>
            <p class="lead">{i18n.tr("contact-lead")}</p>
            <form class="form" novalidate on:submit=on_submit>
                <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
                <div class="field-row">
                    <TextField
                        name="first_name"
                        label="contact-first-name"
                        autocomplete="off"
                        value=first
                        error=ctl.error(i18n, "first_name")
                        on_edit=on_edit
                    />
                    <TextField
                        name="last_name"
                        label="contact-last-name"
                        autocomplete="off"
                        value=last
                        error=ctl.error(i18n, "last_name")
                        on_edit=on_edit
                    />
                </div>
                <TextField
                    name="email"
                    label="contact-email"
                    hint="contact-email-hint"
                    input_type="email"
                    autocomplete="off"
                    value=email
                    error=ctl.error(i18n, "email")
                    on_edit=on_edit
                />
                <div role="status" aria-live="polite">
                    {move || {
                        warning
                            .get()
                            .map(|_| {
                                view! {
                                    <p class="notice notice--warning">
                                        {i18n.t_with("contact-other-domain", &[("domain", &tenant_domain())])}
                                    </p>
                                }
                            })
                    }}
                </div>
                <TextField
                    name="phone"
                    label="contact-phone"
                    hint="contact-phone-hint"
                    input_type="tel"
                    autocomplete="off"
                    optional=!phone_required
                    value=phone
                    error=ctl.error(i18n, "phone")
                    on_edit=on_edit
                />
                <div class="actions">
                    <button type="submit" class="button button--primary">
                        {Signal::derive(move || i18n.t(if back_to_review() { "save-and-review" } else { "continue" }))}
                    </button>
                </div>
            </form>
        </section>
    }
}

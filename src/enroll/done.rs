//! `/enroll/done`: the MPN ID, who was emailed, what verification involves,
//! whether the signed-in user is an admin agent, and what to do next.

use leptos::prelude::*;
use pc_api::Role;

use super::draft::Enrollment;
use super::guard::StepGuard;
use super::steps::Step;
use crate::api::Api;
use crate::components::Stepper;
use crate::form::Shown;
use crate::i18n::use_i18n;
use crate::page::PageTitle;
use crate::session::Auth;

#[component]
pub fn DoneStep() -> impl IntoView {
    view! {
        <PageTitle key="done-title" />
        <Stepper current=Some(Step::Done) />
        <StepGuard step=Step::Done>
            <Done />
        </StepGuard>
    }
}

#[component]
fn Done() -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let auth = expect_context::<Auth>();
    let enrollment = expect_context::<Enrollment>();
    let api = expect_context::<Api>();
    let resent = RwSignal::new(None::<Result<String, String>>);
    let resend = Action::new_local(move |_: &()| {
        let api = api.clone();
        async move {
            let r = api.resend_verification(None).await.map_err(|e| {
                let shown = Shown::from_api_error(&e, &[]);
                match shown.form {
                    Some((code, fallback)) => i18n.error_text(&code, &fallback),
                    None => i18n.t("err-network"),
                }
            });
            resent.set(Some(r));
        }
    });
    let sending = resend.pending();
    move || {
        let account = enrollment.account.get()?;
        let is_agent = auth.session.with(|s| {
            s.as_ref()
                .is_some_and(|s| s.user.roles.contains(&Role::AdminAgent))
        });
        let mpn = account.mpn_id.clone();
        let email = account.contact.email.clone();
        Some(view! {
            <section class="card">
                <h1 class="page-heading" tabindex="-1">{i18n.tr("done-title")}</h1>
                <div class="notice notice--success" role="status">
                    <p class="notice__title">{i18n.tr("done-lead")}</p>
                    <p>
                        {i18n.tr("done-mpn-label")} " " <strong class="mpn-id">{mpn.clone()}</strong>
                    </p>
                </div>
                <p>{move || i18n.t_with("done-emailed", &[("email", &email)])}</p>
                <p>
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || sending.get()
                        on:click=move |_| {
                            resend.dispatch(());
                        }
                    >
                        {i18n.tr("done-resend")}
                    </button>
                </p>
                <div role="status" aria-live="polite">
                    {move || {
                        resent
                            .get()
                            .map(|r| match r {
                                Ok(to) => {
                                    view! { <p class="notice notice--success">{i18n.t_with("verify-resent", &[("email", &to)])}</p> }
                                        .into_any()
                                }
                                Err(msg) => view! { <p class="notice notice--warning">{msg}</p> }.into_any(),
                            })
                    }}
                </div>
                <h2>{i18n.tr("done-verification-title")}</h2>
                <ol class="checklist">
                    <li>{i18n.tr("done-verify-email")}</li>
                    <li>{i18n.tr("done-verify-employment")}</li>
                    <li>{i18n.tr("done-verify-business")}</li>
                </ol>
                <p>{i18n.tr("done-verification-time")}</p>
                <h2>{i18n.tr("done-agent-title")}</h2>
                {if is_agent {
                    view! { <p>{i18n.tr("done-agent-yes")}</p> }.into_any()
                } else {
                    view! {
                        <p class="notice notice--warning">
                            {i18n.tr("done-agent-no")} " "
                            <a href=host.href("/dashboard/settings/users")>{i18n.tr("done-agent-fix")}</a>
                        </p>
                    }
                        .into_any()
                }}
                <h2>{i18n.tr("done-next-title")}</h2>
                <ul class="checklist">
                    <li><a href=host.href("/dashboard")>{i18n.tr("done-next-dashboard")}</a></li>
                    <li>
                        <a href=host.href("/dashboard/settings/partner-profile")>{i18n.tr("done-next-profile")}</a>
                    </li>
                    <li><a href=host.href("/dashboard/settings/users")>{i18n.tr("done-next-users")}</a></li>
                </ul>
            </section>
        })
    }
}

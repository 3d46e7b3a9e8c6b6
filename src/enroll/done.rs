//! `/enroll/done`: the MPN ID, who was emailed, what verification involves,
//! whether the signed-in user is an admin agent, and what to do next.

use leptos::prelude::*;
use pc_api::Role;

use super::draft::Enrollment;
use super::guard::StepGuard;
use super::steps::Step;
use crate::components::Stepper;
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
    let auth = expect_context::<Auth>();
    let enrollment = expect_context::<Enrollment>();
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
                <h1 class="page-heading" tabindex="-1">{move || i18n.t("done-title")}</h1>
                <div class="notice notice--success" role="status">
                    <p class="notice__title">{move || i18n.t("done-lead")}</p>
                    <p>
                        {move || i18n.t("done-mpn-label")} " " <strong class="mpn-id">{mpn.clone()}</strong>
                    </p>
                </div>
                <p>{move || i18n.t_with("done-emailed", &[("email", &email)])}</p>
                <h2>{move || i18n.t("done-verification-title")}</h2>
                <ol class="checklist">
                    <li>{move || i18n.t("done-verify-email")}</li>
                    <li>{move || i18n.t("done-verify-employment")}</li>
                    <li>{move || i18n.t("done-verify-business")}</li>
                </ol>
                <p>{move || i18n.t("done-verification-time")}</p>
                <h2>{move || i18n.t("done-agent-title")}</h2>
                {if is_agent {
                    view! { <p>{move || i18n.t("done-agent-yes")}</p> }.into_any()
                } else {
                    view! {
                        <p class="notice notice--warning">
                            {move || i18n.t("done-agent-no")} " "
                            <a href="/dashboard/settings/users">{move || i18n.t("done-agent-fix")}</a>
                        </p>
                    }
                        .into_any()
                }}
                <h2>{move || i18n.t("done-next-title")}</h2>
                <ul class="checklist">
                    <li><a href="/dashboard">{move || i18n.t("done-next-dashboard")}</a></li>
                    <li>
                        <a href="/dashboard/settings/partner-profile">{move || i18n.t("done-next-profile")}</a>
                    </li>
                    <li><a href="/dashboard/settings/users">{move || i18n.t("done-next-users")}</a></li>
                </ul>
            </section>
        })
    }
}

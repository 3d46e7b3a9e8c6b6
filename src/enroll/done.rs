//! `/enroll/done`: the MPN ID, who was emailed, what verification involves,
//! whether the signed-in user is an admin agent, and what to do next.

use leptos::prelude::*;
use pc_api::routes::Route;
use pc_api::Role;

use super::draft::Enrollment;
use super::guard::StepGuard;
use super::steps::Step;
use crate::components::ResendEmail;
use crate::i18n::use_i18n;
use crate::page::PageTitle;
use crate::session::Auth;

#[component]
pub fn DoneStep() -> impl IntoView {
    view! {
        <PageTitle key="done-title" />
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
                <div class="resend">
                    <ResendEmail label="done-resend" />
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
                            <a href=host.href(Route::Users.path())>{i18n.tr("done-agent-fix")}</a>
                        </p>
                    }
                        .into_any()
                }}
                <h2>{i18n.tr("done-next-title")}</h2>
                <ul class="checklist">
                    <li><a href=host.href(Route::Dashboard.path())>{i18n.tr("done-next-dashboard")}</a></li>
                    <li>
                        <a href=host.href(Route::PartnerProfile.path())>{i18n.tr("done-next-profile")}</a>
                    </li>
                    <li><a href=host.href(Route::Users.path())>{i18n.tr("done-next-users")}</a></li>
                </ul>
            </section>
        })
    }
}

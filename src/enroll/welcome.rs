//! `/enroll`: what the applicant needs before starting, and what follows.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::Stepper;
use crate::i18n::use_i18n;
use crate::page::PageTitle;

#[component]
pub fn Welcome() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle key="welcome-title" />
        <Stepper current=None />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{move || i18n.t("welcome-title")}</h1>
            <p class="lead">{move || i18n.t("welcome-lead")}</p>
            <h2>{move || i18n.t("welcome-need-title")}</h2>
            <ul class="checklist">
                <li>{move || i18n.t("welcome-need-admin")}</li>
                <li>{move || i18n.t("welcome-need-business")}</li>
                <li>{move || i18n.t("welcome-need-authority")}</li>
                <li>{move || i18n.t("welcome-need-contact")}</li>
            </ul>
            <h2>{move || i18n.t("welcome-next-title")}</h2>
            <p>{move || i18n.t("welcome-next-body")}</p>
            <div class="actions">
                <A href="/enroll/account" attr:class="button button--primary">
                    {move || i18n.t("next")}
                </A>
            </div>
        </section>
    }
}

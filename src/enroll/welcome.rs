//! `/enroll`: what the applicant needs before starting, and what follows.

use leptos::prelude::*;
use pc_api::routes::Route;

use crate::i18n::use_i18n;
use crate::page::PageTitle;

#[component]
pub fn Welcome() -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    view! {
        <PageTitle key="welcome-title" />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("welcome-title")}</h1>
            <p class="lead">{i18n.tr("welcome-lead")}</p>
            <h2>{i18n.tr("welcome-need-title")}</h2>
            <ul class="checklist">
                <li>{i18n.tr("welcome-need-admin")}</li>
                <li>{i18n.tr("welcome-need-business")}</li>
                <li>{i18n.tr("welcome-need-authority")}</li>
                <li>{i18n.tr("welcome-need-contact")}</li>
            </ul>
            <h2>{i18n.tr("welcome-next-title")}</h2>
            <p>{i18n.tr("welcome-next-body")}</p>
            <div class="actions">
                <a href=host.href(Route::Account.path()) class="button button--primary">
                    {i18n.tr("next")}
                </a>
            </div>
        </section>
    }
}

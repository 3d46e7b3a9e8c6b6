//! Page-level pieces: the document title and the not-found page.

use leptos::prelude::*;
use pc_api::routes::Route;

use crate::i18n::use_i18n;

/// Keeps `document.title` as "<page> – Partner Center" in the current language.
#[component]
pub fn PageTitle(key: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    Effect::new(move |_| {
        let title = format!("{} – {}", i18n.t(key), i18n.t("product-name"));
        host.set_title(&title);
    });
}

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    view! {
        <PageTitle key="not-found-title" />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("not-found-title")}</h1>
            <p>{i18n.tr("not-found-body")}</p>
            <p>
                <a href=host.href(Route::Welcome.path())>{i18n.tr("not-found-link")}</a>
            </p>
        </section>
    }
}

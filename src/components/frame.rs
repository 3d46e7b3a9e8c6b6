//! The site frame: header (product, language, who is signed in, Sign out)
//! and footer.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use pc_api::routes::Route;

use crate::api::Api;
use crate::i18n::{use_i18n, Locale};
use crate::session::Auth;

#[component]
pub fn SiteHeader() -> impl IntoView {
    let i18n = use_i18n();
    let auth = expect_context::<Auth>();
    let api = expect_context::<Api>();
    let navigate = use_navigate();
    let host = crate::host::use_host();
    let signing_out = RwSignal::new(false);
    let sign_out_failed = RwSignal::new(false);

    let sign_out = move |_| {
        let api = api.clone();
        let navigate = navigate.clone();
        signing_out.set(true);
        sign_out_failed.set(false);
        leptos::task::spawn_local(async move {
            match api.sign_out().await {
                Ok(()) => {
                    auth.session.set(None);
                    navigate(Route::Account.path(), host.go());
                }
                Err(_) => sign_out_failed.set(true),
            }
            signing_out.set(false);
        });
    };

    view! {
        <header class="site-header">
            <a href=host.href(Route::Welcome.path()) class="site-header__brand">
                <span class="site-header__logo" aria-hidden="true"></span>
                <span>{i18n.tr("product-name")}</span>
            </a>
            <div class="site-header__tools">
                <label class="site-header__lang">
                    <span class="visually-hidden">{i18n.tr("language-label")}</span>
                    <select
                        id="pc-lang"
                        class="select"
                        on:change=move |ev| {
                            if let Some(l) = Locale::from_tag(&event_target_value(&ev)) {
                                i18n.locale.set(l);
                            }
                        }
                    >
                        {expect_context::<crate::config::Config>()
                            .allowed_locales
                            .into_iter()
                            .map(|l| {
                                view! {
                                    <option
                                        value=l.tag()
                                        lang=l.tag()
                                        selected=move || i18n.locale.get() == l
                                    >
                                        {l.native_name()}
                                    </option>
                                }
                            })
                            .collect::<Vec<_>>()}
                    </select>
                </label>
                {move || {
                    auth.session
                        .get()
                        .map(|s| {
                            let name = format!("{} {}", s.user.first_name, s.user.last_name);
                            view! {
                                <div class="site-header__user">
                                    <span class="site-header__who">
                                        <span class="visually-hidden">{i18n.t("signed-in-as")}</span>
                                        <span class="site-header__name">{name}</span>
                                        <span class="site-header__email">{s.user.email.clone()}</span>
                                    </span>
                                    <a class="button button--subtle" href=host.href(Route::Dashboard.path())>
                                        {i18n.t("nav-dashboard")}
                                    </a>
                                    <button
                                        type="button"
                                        class="button button--subtle"
                                        disabled=move || signing_out.get()
                                        on:click=sign_out.clone()
                                    >
                                        {i18n.tr("sign-out")}
                                    </button>
                                </div>
                            }
                        })
                }}
            </div>
        </header>
        <Show when=move || sign_out_failed.get()>
            <div class="banner banner--error" role="alert">
                <p class="banner__text">{i18n.tr("sign-out-failed")}</p>
            </div>
        </Show>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <p>{i18n.tr("footer-note")}</p>
        </footer>
    }
}

//! The banner for a call that got no usable answer: says what happened,
//! that nothing typed is lost, and offers to try again.

use leptos::prelude::*;

use crate::i18n::use_i18n;

#[component]
pub fn RetryBanner(
    #[prop(into)] visible: Signal<bool>,
    #[prop(into)] busy: Signal<bool>,
    on_retry: Callback<()>,
    /// The server answered with an error rather than not at all.
    #[prop(optional, into)]
    server_failed: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || visible.get()>
            <div class="banner banner--error" role="alert">
                <div class="banner__text">
                    <strong>{Signal::derive(move || i18n.t(if server_failed.get() { "server-error-title" } else { "network-title" }))}</strong>
                    <p>{i18n.tr("network-body")}</p>
                </div>
                <button
                    type="button"
                    class="button button--secondary"
                    disabled=move || busy.get()
                    on:click=move |_| on_retry.run(())
                >
                    {Signal::derive(move || i18n.t(if busy.get() { "network-retrying" } else { "network-retry" }))}
                </button>
            </div>
        </Show>
    }
}

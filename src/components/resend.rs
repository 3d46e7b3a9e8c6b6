//! "Send the email again": a new verification link for the primary
//! contact, with the outcome said in a live region. Used by the
//! confirmation page and the dashboard's tracker.

use leptos::prelude::*;

use crate::api::Api;
use crate::form::Shown;
use crate::i18n::use_i18n;

#[component]
pub fn ResendEmail(
    /// Translation key of the button's text.
    label: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
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
    view! {
        <button
            type="button"
            class="button button--secondary"
            disabled=move || sending.get()
            on:click=move |_| {
                resend.dispatch(());
            }
        >
            {i18n.tr(label)}
        </button>
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
    }
}

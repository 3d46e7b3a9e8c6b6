//! The box at the top of a form that lists what needs fixing; each entry
//! moves focus to its field. Focused after a failed submit.

use leptos::html::Div;
use leptos::prelude::*;

use super::field_dom_id;
use crate::form::Shown;
use crate::i18n::use_i18n;

#[component]
pub fn ErrorSummary(#[prop(into)] shown: Signal<Shown>, node_ref: NodeRef<Div>) -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let visible = move || shown.with(|s| !s.fields.is_empty() || s.form.is_some());
    view! {
        <div
            class="error-summary"
            node_ref=node_ref
            tabindex="-1"
            role="alert"
            aria-labelledby="error-summary-title"
            hidden=move || !visible()
        >
            <h2 class="error-summary__title" id="error-summary-title">
                {i18n.tr("error-summary-title")}
            </h2>
            <ul class="error-summary__list">
                {move || {
                    let s = shown.get();
                    let form = s.form.map(|(code, fallback)| {
                        let text = i18n.error_text(&code, &fallback);
                        view! { <li>{text}</li> }.into_any()
                    });
                    let fields = s
                        .fields
                        .into_iter()
                        .map(|(field, e)| {
                            let target = field_dom_id(&field);
                            let href = format!("#{target}");
                            let text = i18n.error_text(&e.code, &e.message);
                            view! {
                                <li>
                                    <a
                                        href=href
                                        on:click=move |ev| {
                                            ev.prevent_default();
                                            host.focus(&target);
                                        }
                                    >
                                        {text}
                                    </a>
                                </li>
                            }
                                .into_any()
                        })
                        .collect::<Vec<_>>();
                    (form, fields)
                }}
            </ul>
        </div>
    }
}

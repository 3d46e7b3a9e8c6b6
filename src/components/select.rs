//! A labelled `<select>` with its hint and error, like `TextField`.

use leptos::prelude::*;

use super::field_dom_id;
use crate::i18n::use_i18n;

#[component]
pub fn SelectField(
    name: &'static str,
    /// The label text, already translated (it may depend on the country).
    #[prop(into)]
    label: Signal<String>,
    #[prop(optional, into)] hint: Option<Signal<String>>,
    /// `(value, text)` pairs; an empty first choice is added.
    #[prop(into)]
    options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] on_edit: Option<Callback<()>>,
    #[prop(optional, into)] size: Option<Signal<usize>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = field_dom_id(name);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_hint = hint.is_some();
    let describedby = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = vec![];
            if has_hint {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=id.clone()>{move || label.get()}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{move || h.get()}</p> })}
            {move || {
                error
                    .get()
                    .map(|msg| {
                        view! {
                            <p class="field__error" id=error_id.clone()>
                                <span class="visually-hidden">{i18n.t("error-prefix")}</span>
                                {msg}
                            </p>
                        }
                    })
            }}
            <select
                class="select select--block"
                id=id.clone()
                name=name
                size=move || size.map(|s| s.get().to_string())
                aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                aria-describedby=describedby
                on:change=move |ev| {
                    value.set(event_target_value(&ev));
                    if let Some(cb) = on_edit {
                        cb.run(());
                    }
                }
            >
                <option value="" selected=move || value.with(String::is_empty)>
                    {i18n.tr("select-choose")}
                </option>
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(v, text)| {
                            let v2 = v.clone();
                            view! {
                                <option value=v selected=move || value.with(|cur| *cur == v2)>
                                    {text}
                                </option>
                            }
                        })
                        .collect::<Vec<_>>()
                }}
            </select>
        </div>
    }
}

//! A labelled `<select>` with its hint and error, like `TextField`.

use leptos::prelude::*;

use super::{described_by, field_dom_id, FieldErrorText};
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
) -> impl IntoView {
    let i18n = use_i18n();
    let id = field_dom_id(name);
    let hint_id = format!("{id}-hint");
    let has_hint = hint.is_some();
    let describedby = described_by(name, has_hint, error);
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=id.clone()>{move || label.get()}</label>
            {hint.map(|h| view! { <p class="field__hint" id=hint_id.clone()>{move || h.get()}</p> })}
            <FieldErrorText field=name error=error />
            <select
                class="select select--block"
                id=id.clone()
                name=name
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

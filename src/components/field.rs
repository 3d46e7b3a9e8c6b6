//! A labelled text input with its hint and its error, wired for screen
//! readers (`aria-describedby`, `aria-invalid`).

use leptos::prelude::*;

use super::{described_by, field_dom_id, FieldErrorText};
use crate::i18n::use_i18n;

#[component]
pub fn TextField(
    /// The field's name in the request body.
    name: &'static str,
    /// Translation key of the label.
    label: &'static str,
    /// Translation key of a hint under the label.
    #[prop(optional)]
    hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] input_mode: Option<&'static str>,
    /// A password field gets a Show/Hide button.
    #[prop(optional)]
    revealable: bool,
    /// The label says "(optional)".
    #[prop(optional, into)]
    optional: Signal<bool>,
    /// A label that depends on other answers; replaces `label` when set.
    #[prop(optional, into)]
    label_text: Option<Signal<String>>,
    /// A hint that depends on other answers; replaces `hint` when set.
    #[prop(optional, into)]
    hint_text: Option<Signal<String>>,
    value: RwSignal<String>,
    /// The translated error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Called after every keystroke, e.g. to re-validate.
    #[prop(optional, into)]
    on_edit: Option<Callback<()>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = field_dom_id(name);
    let hint_id = format!("{id}-hint");
    let shown = RwSignal::new(false);
    let has_hint = hint.is_some() || hint_text.is_some();
    let describedby = described_by(name, has_hint, error);
    let kind = move || {
        if revealable && shown.get() {
            "text"
        } else {
            input_type
        }
    };
    view! {
        <div class="field" class:field--invalid=move || error.get().is_some()>
            <label class="field__label" for=id.clone()>
                {move || label_text.map(|l| l.get()).unwrap_or_else(|| i18n.t(label))}
                {move || optional.get().then(|| format!(" {}", i18n.t("optional-suffix")))}
            </label>
            {has_hint
                .then(|| {
                    view! {
                        <p class="field__hint" id=hint_id.clone()>
                            {move || {
                                hint_text
                                    .map(|h| h.get())
                                    .or_else(|| hint.map(|k| i18n.t(k)))
                                    .unwrap_or_default()
                            }}
                        </p>
                    }
                })}
            <FieldErrorText field=name error=error />
            <div class="field__control">
                <input
                    class="input"
                    id=id.clone()
                    name=name
                    type=kind
                    autocomplete=autocomplete
                    inputmode=input_mode
                    spellcheck="false"
                    aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                    aria-describedby=describedby
                    prop:value=move || value.get()
                    on:input=move |ev| {
                        value.set(event_target_value(&ev));
                        if let Some(cb) = on_edit {
                            cb.run(());
                        }
                    }
                />
                {revealable
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                class="button button--subtle field__reveal"
                                aria-controls=id.clone()
                                aria-pressed=move || if shown.get() { "true" } else { "false" }
                                on:click=move |_| shown.update(|s| *s = !*s)
                            >
                                {Signal::derive(move || i18n.t(if shown.get() { "password-hide" } else { "password-show" }))}
                            </button>
                        }
                    })}
            </div>
        </div>
    }
}

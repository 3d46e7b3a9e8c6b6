//! The address part of a legal business profile: its labels, required
//! fields, state list and postal format follow the country's rules. Used by
//! the enrollment's company step and the partner profile page.

use leptos::prelude::*;
use pc_api::countries::{self, StateKind};

use super::{SelectField, TextField};
use crate::form::ctl::FormCtl;
use crate::i18n::use_i18n;

/// An example value for a postal template: `9` digits, `A` letters.
pub fn postal_example(template: &str) -> String {
    let mut digit = 0u8;
    let mut letter = 0u8;
    template
        .chars()
        .map(|c| match c {
            '9' => {
                digit = (digit + 1) % 10;
                (b'0' + digit) as char
            }
            'A' => {
                letter = (letter + 1) % 26;
                (b'A' + letter - 1) as char
            }
            other => other,
        })
        .collect()
}

#[component]
pub fn AddressFields(
    #[prop(into)] country: Signal<String>,
    line1: RwSignal<String>,
    line2: RwSignal<String>,
    city: RwSignal<String>,
    state: RwSignal<String>,
    postal: RwSignal<String>,
    ctl: FormCtl,
    on_edit: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rules = Memo::new(move |_| countries::info(&country.get()));
    let state_label = Signal::derive(move || {
        let kind = rules
            .get()
            .map(|r| r.state_kind)
            .unwrap_or(StateKind::Region);
        let key = match kind {
            StateKind::State => "company-state",
            StateKind::Province => "company-province",
            StateKind::Prefecture => "company-prefecture",
            StateKind::Region => "company-region",
        };
        i18n.t(key)
    });
    let state_options = Signal::derive(move || {
        rules
            .get()
            .map(|r| {
                r.states
                    .into_iter()
                    .map(|s| (s.code, s.name))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let state_optional = Signal::derive(move || !rules.get().is_some_and(|r| r.state_required));
    let postal_optional = Signal::derive(move || !rules.get().is_some_and(|r| r.postal_required));
    let postal_label = Signal::derive(move || {
        i18n.t(if country.get() == "US" {
            "company-zip"
        } else {
            "company-postal"
        })
    });
    let postal_hint = Signal::derive(move || {
        let examples: Vec<String> = rules
            .get()
            .map(|r| {
                r.postal_formats
                    .iter()
                    .take(2)
                    .map(|t| postal_example(t))
                    .collect()
            })
            .unwrap_or_default();
        if examples.is_empty() {
            String::new()
        } else {
            i18n.t_with("company-postal-hint", &[("example", &examples.join(" / "))])
        }
    });

    view! {
                    <TextField
                        name="line1"
                        label="company-line1"
                        autocomplete="address-line1"
                        value=line1
                        error=ctl.error(i18n, "line1")
                        on_edit=on_edit
                    />
                    <TextField
                        name="line2"
                        label="company-line2"
                        autocomplete="address-line2"
                        optional=true
                        value=line2
                        error=ctl.error(i18n, "line2")
                        on_edit=on_edit
                    />
                    <TextField
                        name="city"
                        label="company-city"
                        autocomplete="address-level2"
                        value=city
                        error=ctl.error(i18n, "city")
                        on_edit=on_edit
                    />
                    {move || {
                        if state_options.with(Vec::is_empty) {
                            view! {
                                <TextField
                                    name="state"
                                    label="company-region"
                                    label_text=state_label
                                    autocomplete="address-level1"
                                    optional=state_optional
                                    value=state
                                    error=ctl.error(i18n, "state")
                                    on_edit=on_edit
                                />
                            }
                                .into_any()
                        } else {
                            view! {
                                <SelectField
                                    name="state"
                                    label=state_label
                                    options=state_options
                                    value=state
                                    error=ctl.error(i18n, "state")
                                    on_edit=on_edit
                                />
                            }
                                .into_any()
                        }
                    }}
                    <TextField
                        name="postal_code"
                        label="company-postal"
                        label_text=postal_label
                        hint_text=postal_hint
                        autocomplete="postal-code"
                        optional=postal_optional
                        value=postal
                        error=ctl.error(i18n, "postal_code")
                        on_edit=on_edit
                    />
    }
}

#[cfg(test)]
mod tests {
    use super::postal_example;

    #[test]
    fn postal_examples_follow_the_template() {
        assert_eq!(postal_example("99999-9999"), "12345-6789");
        assert_eq!(postal_example("A9A 9A9"), "A1B 2C3");
        assert_eq!(postal_example("999-9999"), "123-4567");
    }
}

//! Building blocks shared by every page: fields, the error summary, the
//! retry banner, the stepper and the site frame.

mod address;
mod banner;
mod error_summary;
mod field;
mod frame;
mod resend;
mod select;
mod stepper;

pub use address::AddressFields;
pub use banner::RetryBanner;
pub use error_summary::ErrorSummary;
pub use field::TextField;
pub use frame::{SiteFooter, SiteHeader};
pub use resend::ResendEmail;
pub use select::SelectField;
pub use stepper::Stepper;

/// The DOM id of a form field's input.
pub fn field_dom_id(field: &str) -> String {
    format!("field-{field}")
}

/// `aria-describedby` of a field: its hint, if it has one, and its error
/// while one is shown.
pub fn described_by(
    field: &str,
    has_hint: bool,
    error: leptos::prelude::Signal<Option<String>>,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    use leptos::prelude::Get;
    let id = field_dom_id(field);
    move || {
        let mut ids = vec![];
        if has_hint {
            ids.push(format!("{id}-hint"));
        }
        if error.get().is_some() {
            ids.push(format!("{id}-error"));
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// A field's error text, tied to it by `{field id}-error`.
#[leptos::component]
pub fn FieldErrorText(
    field: &'static str,
    error: leptos::prelude::Signal<Option<String>>,
) -> impl leptos::IntoView {
    use leptos::prelude::*;
    let i18n = crate::i18n::use_i18n();
    let id = format!("{}-error", field_dom_id(field));
    move || {
        error.get().map(|msg| {
            view! {
                <p class="field__error" id=id.clone()>
                    <span class="visually-hidden">{i18n.t("error-prefix")}</span>
                    {msg}
                </p>
            }
        })
    }
}

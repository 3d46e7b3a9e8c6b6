//! Building blocks shared by every page: fields, the error summary, the
//! retry banner, the stepper and the site frame.

mod banner;
mod error_summary;
mod field;
mod frame;
mod select;
mod stepper;

pub use banner::RetryBanner;
pub use error_summary::ErrorSummary;
pub use field::TextField;
pub use frame::{SiteFooter, SiteHeader};
pub use select::SelectField;
pub use stepper::Stepper;

/// The DOM id of a form field's input.
pub fn field_dom_id(field: &str) -> String {
    format!("field-{field}")
}

/// Moves keyboard focus to the element with `id`, if it exists.
pub fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = leptos::prelude::document()
        .get_element_by_id(id)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

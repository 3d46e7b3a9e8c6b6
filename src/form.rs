//! Form logic that needs no browser: which errors to show, in which order,
//! and how a failed call turns into what the user sees.

use pc_api::{FieldError, FieldErrors};

use crate::api::ApiError;

/// What a form shows after a submit: one error per field, in the order the
/// fields appear, and at most one message about the form as a whole.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shown {
    pub fields: Vec<(String, FieldError)>,
    /// The code (and fallback text) of a problem no field owns.
    pub form: Option<(String, String)>,
    /// The call never got an answer, or the server failed: offer a retry.
    pub transient: bool,
    /// It was the server that failed (5xx), not the network.
    pub server_failed: bool,
}

impl Shown {
    pub fn from_field_errors(errors: &FieldErrors, order: &[&str]) -> Self {
        let mut fields: Vec<(String, FieldError)> = order
            .iter()
            .filter_map(|f| {
                errors
                    .get(*f)
                    .and_then(|v| v.first())
                    .map(|e| (f.to_string(), e.clone()))
            })
            .collect();
        // Fields the server named that this form does not show still get said.
        for (f, v) in errors {
            if !order.contains(&f.as_str()) {
                if let Some(e) = v.first() {
                    fields.push((f.clone(), e.clone()));
                }
            }
        }
        Shown {
            fields,
            ..Shown::default()
        }
    }

    pub fn from_api_error(e: &ApiError, order: &[&str]) -> Self {
        if let Some(errors) = e.field_errors() {
            return Shown::from_field_errors(errors, order);
        }
        if e.is_transient() {
            return Shown {
                transient: true,
                server_failed: !matches!(e, ApiError::Network(_)),
                ..Shown::default()
            };
        }
        let form = match e {
            ApiError::Problem(p) => {
                let code = p.code.clone().unwrap_or_else(|| "invalid".to_owned());
                let mut text = p.title.clone();
                if let Some(d) = &p.detail {
                    text = format!("{text}. {d}");
                }
                (code, text)
            }
            ApiError::Status(s) => ("status".to_owned(), format!("HTTP {s}")),
            ApiError::Network(m) => ("network".to_owned(), m.clone()),
        };
        Shown {
            form: Some(form),
            ..Shown::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.form.is_none() && !self.transient
    }

    /// The error for one field, if shown.
    pub fn for_field(&self, field: &str) -> Option<&FieldError> {
        self.fields.iter().find(|(f, _)| f == field).map(|(_, e)| e)
    }
}

/// The retry delay a 429 asked for, when it said.
/// `profile.city` → `city`: for a form that shows the parts of a request
/// (`profile`, `contact`) whose field names do not collide.
pub fn unprefix(errors: &FieldErrors) -> FieldErrors {
    errors
        .iter()
        .map(|(k, v)| {
            let k = k
                .strip_prefix("profile.")
                .or_else(|| k.strip_prefix("contact."))
                .unwrap_or(k);
            (k.to_owned(), v.clone())
        })
        .collect()
}

/// A failed call with its field errors unprefixed, as `unprefix`.
pub fn unprefix_error(e: &ApiError) -> ApiError {
    match e {
        ApiError::Problem(p) => {
            let mut p = p.clone();
            p.errors = unprefix(&p.errors);
            ApiError::Problem(p)
        }
        other => other.clone(),
    }
}

pub fn retry_after_secs(e: &ApiError) -> Option<u64> {
    match e {
        ApiError::Problem(p) if p.status == 429 => p
            .detail
            .as_deref()
            .and_then(|d| d.split_whitespace().find_map(|w| w.parse().ok())),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pc_api::validation::push;
    use pc_api::Problem;

    #[test]
    fn errors_follow_the_form_order_and_unknown_fields_come_last() {
        let mut e = FieldErrors::new();
        push(&mut e, "password", "password_common");
        push(&mut e, "email", "email_consumer");
        push(&mut e, "email", "email_invalid");
        push(&mut e, "legacy", "unknown_field");
        let s = Shown::from_field_errors(&e, &["email", "password"]);
        let names: Vec<_> = s
            .fields
            .iter()
            .map(|(f, e)| (f.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                ("email", "email_consumer"),
                ("password", "password_common"),
                ("legacy", "unknown_field")
            ]
        );
    }

    #[test]
    fn server_failures_become_field_form_or_retry_states() {
        let mut fe = FieldErrors::new();
        push(&mut fe, "email", "email_taken");
        let conflict = ApiError::Problem(Problem::new(409, "Conflict").with_errors(fe));
        assert_eq!(
            Shown::from_api_error(&conflict, &["email"]).fields[0]
                .1
                .code,
            "email_taken"
        );

        let creds = ApiError::Problem(Problem::new(401, "Wrong").with_code("invalid_credentials"));
        let s = Shown::from_api_error(&creds, &["email"]);
        assert_eq!(s.form.unwrap().0, "invalid_credentials");

        let down = Shown::from_api_error(&ApiError::Network("down".into()), &[]);
        assert!(down.transient && !down.server_failed);
        let bad_gateway = Shown::from_api_error(&ApiError::Status(502), &[]);
        assert!(bad_gateway.transient && bad_gateway.server_failed);
        let unavailable = ApiError::Problem(Problem::new(503, "Unavailable"));
        assert!(Shown::from_api_error(&unavailable, &[]).transient);
    }

    #[test]
    fn part_prefixes_come_off_field_names() {
        let mut e = FieldErrors::new();
        pc_api::validation::push(&mut e, "profile.city", "required");
        pc_api::validation::push(&mut e, "contact.email", "email_consumer");
        pc_api::validation::push(&mut e, "roles", "last_global_admin");
        let u = unprefix(&e);
        assert_eq!(
            u.keys().map(String::as_str).collect::<Vec<_>>(),
            ["city", "email", "roles"]
        );
        let shown = Shown::from_api_error(
            &unprefix_error(&ApiError::Problem(
                pc_api::Problem::new(422, "x").with_errors(e),
            )),
            &["city", "email"],
        );
        assert_eq!(shown.fields[0].0, "city");
    }

    #[test]
    fn retry_after_is_read_from_a_429() {
        let p = Problem::new(429, "Too many").with_detail("Try again in 27 seconds.");
        assert_eq!(retry_after_secs(&ApiError::Problem(p)), Some(27));
        assert_eq!(retry_after_secs(&ApiError::Status(429)), None);
    }
}

/// The reactive side of a form: what is shown, whether a submit was tried,
/// and the summary box to move focus to. Copy it into every handler.
pub mod ctl {
    use leptos::html::Div;
    use leptos::prelude::*;
    use pc_api::FieldErrors;

    use super::Shown;
    use crate::api::ApiError;
    use crate::i18n::I18n;

    #[derive(Clone, Copy)]
    pub struct FormCtl {
        pub shown: RwSignal<Shown>,
        pub attempted: RwSignal<bool>,
        pub summary: NodeRef<Div>,
        order: &'static [&'static str],
    }

    impl FormCtl {
        pub fn new(order: &'static [&'static str]) -> Self {
            FormCtl {
                shown: RwSignal::new(Shown::default()),
                attempted: RwSignal::new(false),
                summary: NodeRef::new(),
                order,
            }
        }

        /// The translated error of one field, for its `TextField`.
        pub fn error(self, i18n: I18n, field: &'static str) -> Signal<Option<String>> {
            Signal::derive(move || {
                self.shown.with(|s| {
                    s.for_field(field)
                        .map(|e| i18n.error_text(&e.code, &e.message))
                })
            })
        }

        /// After a failed submit, errors follow the user's edits as they type.
        pub fn revalidate(self, errors: FieldErrors) {
            if self.attempted.get_untracked() {
                self.shown
                    .set(Shown::from_field_errors(&errors, self.order));
            }
        }

        /// On submit: shows the client-side errors, if any, and says whether
        /// the form may be sent.
        pub fn check_before_send(self, errors: FieldErrors) -> bool {
            self.attempted.set(true);
            if errors.is_empty() {
                self.shown.set(Shown::default());
                return true;
            }
            self.shown
                .set(Shown::from_field_errors(&errors, self.order));
            self.focus_summary();
            false
        }

        pub fn show_api_error(self, e: &ApiError) {
            let shown = Shown::from_api_error(e, self.order);
            let transient = shown.transient;
            self.shown.set(shown);
            if !transient {
                self.focus_summary();
            }
        }

        pub fn transient(self) -> Signal<bool> {
            Signal::derive(move || self.shown.with(|s| s.transient))
        }

        pub fn server_failed(self) -> Signal<bool> {
            Signal::derive(move || self.shown.with(|s| s.server_failed))
        }

        fn focus_summary(self) {
            // The summary is un-hidden on the next render; focus it after
            // that, unless the person has moved on (say, into a field)
            // meanwhile: their typing must not land in the summary.
            let summary = self.summary;
            let active = || web_sys::window()?.document()?.active_element();
            let before = active();
            request_animation_frame(move || {
                if active() != before {
                    return;
                }
                if let Some(el) = summary.get_untracked() {
                    let _ = el.focus();
                    el.scroll_into_view();
                }
            });
        }
    }
}

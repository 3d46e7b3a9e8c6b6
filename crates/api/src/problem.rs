//! RFC 9457 problem details, with a map of field errors for 400/422 answers.
//! The browser maps `errors` back onto the form fields by name.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One failed rule on one field: a stable `code` the app translates, and an
/// English `message` for clients that do not know the code.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub code: String,
    pub message: String,
}

/// Field name (as in the request body) to the rules it broke, in order.
pub type FieldErrors = BTreeMap<String, Vec<FieldError>>;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI reference naming the kind of problem (`about:blank` when the
    /// status says it all).
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// A stable machine-readable code for the problem, e.g. `invalid_credentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub errors: FieldErrors,
}

/// Every `code` a problem from the server can carry. The app and the
/// server translate each; the server's tests check that its source sends no
/// other.
pub const CODES: &[&str] = &[
    "validation_failed",
    "malformed_json",
    "unreadable_body",
    "body_unreadable",
    "unsupported_media_type",
    "payload_too_large",
    "unauthenticated",
    "invalid_credentials",
    "password_change_required",
    "conflict",
    "rate_limited",
    "not_found",
    "unavailable",
    "internal",
    "csrf_refused",
    "country_unknown",
    "duns_not_found",
    "idempotency_key_required",
    "idempotency_key_reused",
    "request_in_flight",
    "already_enrolled",
    "not_enrolled",
    "link_unknown",
    "link_expired",
    "link_used",
    "link_confirmed",
    "link_declined",
    "link_open",
    "undo_unavailable",
    "agreement_version_unknown",
    "agreement_not_accepted",
    "not_profile_admin",
    "not_user_admin",
    "check_not_rejected",
    "check_not_reviewable",
    "admin_disabled",
    "operator_token_invalid",
    "busy",
    "timeout",
];

fn about_blank() -> String {
    "about:blank".to_owned()
}

impl Problem {
    pub fn new(status: u16, title: impl Into<String>) -> Self {
        Problem {
            kind: about_blank(),
            title: title.into(),
            status,
            detail: None,
            code: None,
            errors: BTreeMap::new(),
        }
    }

    pub fn with_code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    pub fn with_errors(mut self, errors: FieldErrors) -> Self {
        self.errors = errors;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_are_omitted_when_empty_and_kept_otherwise() {
        let plain = serde_json::to_value(Problem::new(404, "Not Found")).unwrap();
        assert_eq!(plain["type"], "about:blank");
        assert!(plain.get("errors").is_none());

        let mut errors = FieldErrors::new();
        errors.insert(
            "email".into(),
            vec![FieldError {
                code: "email_consumer".into(),
                message: "m".into(),
            }],
        );
        let p = Problem::new(422, "Unprocessable").with_errors(errors);
        let v = serde_json::to_value(&p).unwrap();
        assert_eq!(v["errors"]["email"][0]["code"], "email_consumer");
        let back: Problem = serde_json::from_value(v).unwrap();
        assert_eq!(back, p);
    }
}

//! Verification decisions (SPEC §4): how the overall statuses follow from
//! the three checks, and what a reviewer sends and sees.

use serde::{Deserialize, Serialize};

use crate::enrollment::{CheckKind, CheckStatus, ProgramStatus, VerificationCheck, VettingStatus};
use crate::validation::push;
use crate::FieldErrors;

/// The overall vetting and program statuses that follow from the checks:
/// any check rejected → Rejected; all three verified → Authorized;
/// otherwise Pending. The MPN program is Active once the account is
/// Authorized and the Microsoft Partner Network agreement is accepted.
pub fn derive_status(
    checks: &[VerificationCheck],
    agreement_accepted: bool,
) -> (VettingStatus, ProgramStatus) {
    let all = [
        CheckKind::EmailOwnership,
        CheckKind::Employment,
        CheckKind::Business,
    ];
    let status_of = |k: CheckKind| {
        checks
            .iter()
            .find(|c| c.kind == k)
            .map_or(CheckStatus::NotStarted, |c| c.status)
    };
    let vetting = if all.iter().any(|k| status_of(*k) == CheckStatus::Rejected) {
        VettingStatus::Rejected
    } else if all.iter().all(|k| status_of(*k) == CheckStatus::Verified) {
        VettingStatus::Authorized
    } else {
        VettingStatus::Pending
    };
    let program = if vetting == VettingStatus::Authorized && agreement_accepted {
        ProgramStatus::Active
    } else {
        ProgramStatus::PendingVerification
    };
    (vetting, program)
}

/// A reviewer's answer on one check.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Reject,
}

/// `POST /admin/partners/{mpn_id}/checks/{check}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub decision: Decision,
    /// Why, for the partner to act on: required when rejecting.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The longest reason a reviewer may give.
pub const REASON_MAX_CHARS: usize = 500;

impl ReviewRequest {
    /// The reason to store: trimmed, present exactly when rejecting.
    pub fn check(&self) -> Result<Option<String>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = self
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
        match (self.decision, reason) {
            (Decision::Reject, None) => push(&mut errors, "reason", "required"),
            (Decision::Reject, Some(r)) if r.chars().count() > REASON_MAX_CHARS => {
                push(&mut errors, "reason", "too_long")
            }
            // Lines are fine in a reason; direction overrides and invisible
            // characters are not (it is quoted in emails and on the page).
            (Decision::Reject, Some(r))
                if !r
                    .chars()
                    .all(|c| c == '\n' || crate::validation::free_text_char(c)) =>
            {
                push(&mut errors, "reason", "invalid_chars")
            }
            _ => {}
        }
        if errors.is_empty() {
            Ok(match self.decision {
                Decision::Approve => None,
                Decision::Reject => reason.map(str::to_owned),
            })
        } else {
            Err(errors)
        }
    }
}

/// Which checks a reviewer decides: employment and business. Email
/// ownership is decided by the primary contact's link.
pub fn reviewer_decides(kind: CheckKind) -> bool {
    matches!(kind, CheckKind::Employment | CheckKind::Business)
}

/// One partner account in the reviewer's queue.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewItem {
    pub mpn_id: String,
    pub legal_name: String,
    pub country: String,
    pub duns: Option<String>,
    pub address: String,
    pub contact_email: String,
    pub tenant_domain: String,
    pub vetting_status: VettingStatus,
    pub program_status: ProgramStatus,
    pub checks: Vec<VerificationCheck>,
    pub created_at: i64,
    /// Supporting documents uploaded with Fix now, oldest first.
    #[serde(default)]
    pub documents: Vec<DocumentSummary>,
    /// The latest verification email, refused for good by the mail server.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_bounce: Option<crate::EmailBounce>,
}

/// A supporting document as the reviewer's queue lists it; the file is at
/// `GET /admin/partners/{mpn_id}/documents/{id}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentSummary {
    pub id: String,
    pub check: CheckKind,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    pub uploaded_at: i64,
}

/// What a decision changed.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewOutcome {
    pub mpn_id: String,
    pub check: VerificationCheck,
    pub vetting_status: VettingStatus,
    pub program_status: ProgramStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checks(e: CheckStatus, m: CheckStatus, b: CheckStatus) -> Vec<VerificationCheck> {
        [
            (CheckKind::EmailOwnership, e),
            (CheckKind::Employment, m),
            (CheckKind::Business, b),
        ]
        .into_iter()
        .map(|(kind, status)| VerificationCheck {
            kind,
            status,
            reason: None,
        })
        .collect()
    }

    #[test]
    fn statuses_follow_the_checks() {
        use CheckStatus::*;
        assert_eq!(
            derive_status(&checks(Pending, Pending, Pending), false),
            (VettingStatus::Pending, ProgramStatus::PendingVerification)
        );
        assert_eq!(
            derive_status(&checks(Verified, Verified, Pending), true),
            (VettingStatus::Pending, ProgramStatus::PendingVerification)
        );
        assert_eq!(
            derive_status(&checks(Verified, Verified, Verified), false),
            (
                VettingStatus::Authorized,
                ProgramStatus::PendingVerification
            ),
            "authorized, but the agreement is not accepted yet"
        );
        assert_eq!(
            derive_status(&checks(Verified, Verified, Verified), true),
            (VettingStatus::Authorized, ProgramStatus::Active)
        );
        assert_eq!(
            derive_status(&checks(Verified, Rejected, Verified), true),
            (VettingStatus::Rejected, ProgramStatus::PendingVerification)
        );
        assert_eq!(
            derive_status(&checks(Rejected, Pending, NotStarted), false).0,
            VettingStatus::Rejected
        );
        assert_eq!(derive_status(&[], true).0, VettingStatus::Pending);
    }

    #[test]
    fn a_rejection_needs_a_reason_and_an_approval_keeps_none() {
        let approve = ReviewRequest {
            decision: Decision::Approve,
            reason: Some("looks fine".into()),
        };
        assert_eq!(approve.check(), Ok(None));
        let reject = |r: Option<&str>| ReviewRequest {
            decision: Decision::Reject,
            reason: r.map(str::to_owned),
        };
        assert_eq!(
            reject(Some("  Address does not match the registry ")).check(),
            Ok(Some("Address does not match the registry".into()))
        );
        for missing in [None, Some(""), Some("   ")] {
            let e = reject(missing).check().unwrap_err();
            assert_eq!(e["reason"][0].code, "required");
        }
        let long = "x".repeat(REASON_MAX_CHARS + 1);
        assert_eq!(
            reject(Some(&long)).check().unwrap_err()["reason"][0].code,
            "too_long"
        );
    }

    #[test]
    fn reviewers_decide_employment_and_business_only() {
        assert!(reviewer_decides(CheckKind::Employment));
        assert!(reviewer_decides(CheckKind::Business));
        assert!(!reviewer_decides(CheckKind::EmailOwnership));
    }
}

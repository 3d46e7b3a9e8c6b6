//! The reviewer's decisions on employment and business checks, shared by
//! the admin API and the `review` command of the server binary.

use pc_api::review::{reviewer_decides, Decision, ReviewRequest};
use pc_api::{CheckKind, CheckStatus, FieldErrors, VerificationCheck};

use crate::db::{self, Db, StatusNews};

#[derive(Debug, thiserror::Error)]
pub enum DecideError {
    #[error("no partner account has MPN ID {0}")]
    UnknownMpnId(String),
    #[error("{0:?} is decided by the primary contact's email link, not by a reviewer")]
    NotReviewerCheck(CheckKind),
    #[error("the decision is incomplete")]
    Invalid(FieldErrors),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
}

/// Records a reviewer's decision on one check of the account `mpn_id`,
/// updates the overall statuses, and emails the primary contact.
pub async fn decide(
    db: &Db,
    mpn_id: &str,
    kind: CheckKind,
    request: &ReviewRequest,
    now: i64,
) -> Result<(VerificationCheck, StatusNews), DecideError> {
    if !reviewer_decides(kind) {
        return Err(DecideError::NotReviewerCheck(kind));
    }
    let reason = request.check().map_err(DecideError::Invalid)?;
    let tenant = db::tenant_by_mpn_id(db, mpn_id)
        .await?
        .ok_or_else(|| DecideError::UnknownMpnId(mpn_id.to_owned()))?;
    let check = VerificationCheck {
        kind,
        status: match request.decision {
            Decision::Approve => CheckStatus::Verified,
            Decision::Reject => CheckStatus::Rejected,
        },
        reason,
    };
    let news = db::set_check(db, &tenant, &check, now, crate::mail::status_parts).await?;
    news.map(|n| (check, n))
        .ok_or_else(|| DecideError::UnknownMpnId(mpn_id.to_owned()))
}

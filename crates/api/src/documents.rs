//! Supporting documents for *Fix now* (SPEC §4): what may be uploaded for a
//! rejected check. The type is decided by the file's content, never by its
//! name or the browser's claim.

use serde::{Deserialize, Serialize};

use crate::enrollment::{CheckKind, CheckStatus, VerificationCheck};

/// The largest document accepted: 5 MiB.
pub const MAX_BYTES: usize = 5 * 1024 * 1024;
/// The longest file name kept.
pub const NAME_MAX: usize = 200;

/// The media type of a PDF, PNG or JPEG file, from its first bytes.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Why a document cannot be sent, as a field error code of `document`.
pub fn check(bytes: &[u8]) -> Result<&'static str, &'static str> {
    if bytes.is_empty() {
        return Err("document_empty");
    }
    if bytes.len() > MAX_BYTES {
        return Err("document_too_large");
    }
    sniff(bytes).ok_or("document_type")
}

/// A file name as kept: its last path part, control, direction and
/// invisible characters removed (`validation::free_text_char`),
/// at most `NAME_MAX` characters; "document" when nothing is left.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let kept: String = base
        .chars()
        .filter(|c| crate::validation::free_text_char(*c))
        .take(NAME_MAX)
        .collect();
    let kept = kept.trim();
    if kept.is_empty() {
        "document".to_owned()
    } else {
        kept.to_owned()
    }
}

/// A document may support a rejected employment or business check.
pub fn can_support(check: &VerificationCheck) -> bool {
    matches!(check.kind, CheckKind::Employment | CheckKind::Business)
        && check.status == CheckStatus::Rejected
}

/// The answer to an upload.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DocumentReceived {
    pub id: String,
    pub file_name: String,
    pub media_type: String,
    pub size: u64,
    /// The check, now Pending again.
    pub check: VerificationCheck,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_content() {
        assert_eq!(check(b"%PDF-1.7\n..."), Ok("application/pdf"));
        assert_eq!(check(b"\x89PNG\r\n\x1a\n...."), Ok("image/png"));
        assert_eq!(check(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 16]), Ok("image/jpeg"));
        assert_eq!(check(b"<html>%PDF-"), Err("document_type"));
        assert_eq!(check(b"GIF89a"), Err("document_type"));
        assert_eq!(check(b""), Err("document_empty"));
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_BYTES + 1, b' ');
        assert_eq!(check(&big), Err("document_too_large"));
        big.truncate(MAX_BYTES);
        assert_eq!(check(&big), Ok("application/pdf"));
    }

    #[test]
    fn names_keep_their_last_part_only() {
        assert_eq!(clean_name("C:\\Users\\mei\\registry.pdf"), "registry.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\nb.png"), "ab.png");
        assert_eq!(clean_name("  "), "document");
        assert_eq!(clean_name(&"x".repeat(300)).len(), NAME_MAX);
    }

    #[test]
    fn only_rejected_reviewer_checks_take_documents() {
        let c = |kind, status| VerificationCheck {
            kind,
            status,
            reason: None,
        };
        assert!(can_support(&c(CheckKind::Business, CheckStatus::Rejected)));
        assert!(can_support(&c(
            CheckKind::Employment,
            CheckStatus::Rejected
        )));
        assert!(!can_support(&c(CheckKind::Business, CheckStatus::Pending)));
        assert!(!can_support(&c(
            CheckKind::EmailOwnership,
            CheckStatus::Rejected
        )));
    }
}

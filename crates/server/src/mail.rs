//! The emails the server sends, in the recipient's language. Delivery is
//! the outbox table (logged, and readable on the development mailbox page).

/// The locale an email is written in: `zh-TW` or `en-US`.
pub fn locale_from_accept_language(header: Option<&str>) -> &'static str {
    let first = header
        .unwrap_or("")
        .split(',')
        .map(|p| {
            p.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .find(|t| !t.is_empty() && t != "*")
        .unwrap_or_default();
    if first.starts_with("zh") {
        "zh-TW"
    } else {
        "en-US"
    }
}

pub struct Message {
    pub subject: String,
    pub body: String,
}

/// The first email to the primary contact: confirm the address.
pub fn verify_email(locale: &str, account: &VerifyMailFacts<'_>) -> Message {
    let f = account;
    if locale == "zh-TW" {
        Message {
            subject: format!("請確認您的電子郵件：{} 的合作夥伴中心註冊", f.legal_name),
            body: format!(
                "{name} 您好：\n\n\
                 {admin} 已將您列為「{company}」在 Microsoft 合作夥伴網路的主要連絡人（MPN ID：{mpn}）。\n\n\
                 請開啟下列連結，確認是您本人註冊，且這個電子郵件地址屬於貴公司：\n{link}\n\n\
                 這個連結只能使用一次，將在 {hours} 小時後失效。如果這不是您申請的，請在同一頁面選擇「我沒有提出這項申請」。\n\n\
                 合作夥伴中心",
                name = f.contact_name,
                admin = f.admin_name,
                company = f.legal_name,
                mpn = f.mpn_id,
                link = f.link,
                hours = f.hours,
            ),
        }
    } else {
        Message {
            subject: format!("Confirm your email for {}'s Partner Center enrollment", f.legal_name),
            body: format!(
                "Hello {name},\n\n\
                 {admin} named you the primary contact of {company} in the Microsoft Partner Network (MPN ID {mpn}).\n\n\
                 Open this link to confirm that you signed up and that this email address belongs to your company:\n{link}\n\n\
                 The link works once and expires in {hours} hours. If you did not request this, choose \"I did not request this\" on the same page.\n\n\
                 Partner Center",
                name = f.contact_name,
                admin = f.admin_name,
                company = f.legal_name,
                mpn = f.mpn_id,
                link = f.link,
                hours = f.hours,
            ),
        }
    }
}

pub struct VerifyMailFacts<'a> {
    pub contact_name: &'a str,
    pub admin_name: &'a str,
    pub legal_name: &'a str,
    pub mpn_id: &'a str,
    pub link: &'a str,
    /// How long the link works.
    pub hours: i64,
}

/// Tells the primary contact that a check or the account's status changed.
pub fn status_update(news: &crate::db::StatusNews) -> Message {
    use pc_api::{CheckKind, CheckStatus, ProgramStatus, VettingStatus};
    let zh = news.contact_locale == "zh-TW";
    let program = match (news.program, zh) {
        (ProgramStatus::Active, false) => "active",
        (ProgramStatus::PendingVerification, false) => "pending verification",
        (ProgramStatus::Active, true) => "有效",
        (ProgramStatus::PendingVerification, true) => "等待驗證",
    };
    let Some(changed) = &news.check else {
        return program_update(news, program, zh);
    };
    let check = match (changed.kind, zh) {
        (CheckKind::EmailOwnership, false) => "Email ownership",
        (CheckKind::Employment, false) => "Employment verification",
        (CheckKind::Business, false) => "Business verification",
        (CheckKind::EmailOwnership, true) => "電子郵件擁有權",
        (CheckKind::Employment, true) => "僱用驗證",
        (CheckKind::Business, true) => "商務驗證",
    };
    let status = match (changed.status, zh) {
        (CheckStatus::NotStarted, false) => "not started",
        (CheckStatus::Pending, false) => "pending",
        (CheckStatus::Verified, false) => "verified",
        (CheckStatus::Rejected, false) => "rejected",
        (CheckStatus::NotStarted, true) => "尚未開始",
        (CheckStatus::Pending, true) => "審核中",
        (CheckStatus::Verified, true) => "已驗證",
        (CheckStatus::Rejected, true) => "已拒絕",
    };
    let vetting = match (news.vetting, zh) {
        (VettingStatus::None, false) => "not started",
        (VettingStatus::Pending, false) => "pending",
        (VettingStatus::Authorized, false) => "authorized",
        (VettingStatus::Rejected, false) => "rejected",
        (VettingStatus::None, true) => "尚未開始",
        (VettingStatus::Pending, true) => "審核中",
        (VettingStatus::Authorized, true) => "已授權",
        (VettingStatus::Rejected, true) => "已拒絕",
    };
    let reason = changed.reason.as_deref().filter(|r| !r.is_empty());
    let next = match (news.vetting, news.program, zh) {
        (VettingStatus::Rejected, _, false) => {
            "Sign in to Partner Center and choose Fix now on the overview to correct the details or add a supporting document; the check then starts again."
        }
        (VettingStatus::Rejected, _, true) => {
            "請登入合作夥伴中心，在概觀頁面選擇「立即修正」更正資料或上傳證明文件，該項驗證就會重新開始。"
        }
        (_, ProgramStatus::Active, false) => {
            "Your company is now an active member of the Microsoft Partner Network."
        }
        (_, ProgramStatus::Active, true) => "貴公司現已成為 Microsoft 合作夥伴網路的有效成員。",
        (VettingStatus::Authorized, _, false) => {
            "Accept the Microsoft Partner Network agreement in Partner Center to activate your membership."
        }
        (VettingStatus::Authorized, _, true) => {
            "請在合作夥伴中心接受 Microsoft 合作夥伴網路合約，以啟用您的會員資格。"
        }
        (_, _, false) => "We will email you again when the remaining checks are decided.",
        (_, _, true) => "其餘驗證有結果時，我們會再寄電子郵件通知您。",
    };
    if zh {
        Message {
            subject: format!("{}的合作夥伴中心帳戶：{}{}", news.legal_name, check, status),
            body: format!(
                "{name} 您好：\n\n\
                 「{company}」的合作夥伴中心帳戶（MPN ID：{mpn}）有了新的進度。\n\n\
                 {check}：{status}{reason}\n\
                 驗證狀態：{vetting}\n\
                 MPN 計畫狀態：{program}\n\n\
                 {next}\n\n\
                 合作夥伴中心",
                name = news.contact_name,
                company = news.legal_name,
                mpn = news.mpn_id,
                reason = reason.map(|r| format!("（原因：{r}）")).unwrap_or_default(),
            ),
        }
    } else {
        Message {
            subject: format!(
                "{}'s Partner Center account: {} {}",
                news.legal_name,
                check.to_lowercase(),
                status
            ),
            body: format!(
                "Hello {name},\n\n\
                 There is news about {company}'s Partner Center account (MPN ID {mpn}).\n\n\
                 {check}: {status}{reason}\n\
                 Verification status: {vetting}\n\
                 MPN program status: {program}\n\n\
                 {next}\n\n\
                 Partner Center",
                name = news.contact_name,
                company = news.legal_name,
                mpn = news.mpn_id,
                reason = reason
                    .map(|r| format!(" (reason: {r})"))
                    .unwrap_or_default(),
            ),
        }
    }
}

/// `status_update` as the subject and body the outbox stores.
pub fn status_parts(news: &crate::db::StatusNews) -> (String, String) {
    let m = status_update(news);
    (m.subject, m.body)
}

/// Only the program status changed (the agreement was accepted after the
/// account was authorized).
fn program_update(news: &crate::db::StatusNews, program: &str, zh: bool) -> Message {
    if zh {
        Message {
            subject: format!("{}的 MPN 計畫狀態：{}", news.legal_name, program),
            body: format!(
                "{name} 您好：\n\n「{company}」（MPN ID：{mpn}）的 MPN 計畫狀態現在是「{program}」。\n\n合作夥伴中心",
                name = news.contact_name,
                company = news.legal_name,
                mpn = news.mpn_id,
            ),
        }
    } else {
        Message {
            subject: format!("{}'s MPN program status: {}", news.legal_name, program),
            body: format!(
                "Hello {name},\n\nThe MPN program status of {company} (MPN ID {mpn}) is now {program}.\n\nPartner Center",
                name = news.contact_name,
                company = news.legal_name,
                mpn = news.mpn_id,
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_follows_accept_language() {
        assert_eq!(
            locale_from_accept_language(Some("zh-TW,zh;q=0.9,en;q=0.8")),
            "zh-TW"
        );
        assert_eq!(locale_from_accept_language(Some("en-US")), "en-US");
        assert_eq!(locale_from_accept_language(Some("fr-FR")), "en-US");
        assert_eq!(locale_from_accept_language(None), "en-US");
    }

    #[test]
    fn the_verification_email_carries_the_link_in_both_languages() {
        let facts = VerifyMailFacts {
            contact_name: "Wei Chen",
            admin_name: "Mei-Ling 陳",
            legal_name: "Contoso Ltd.",
            mpn_id: "1234567",
            link: "http://127.0.0.1:8080/verify-email/abc",
            hours: 72,
        };
        for locale in ["en-US", "zh-TW"] {
            let m = verify_email(locale, &facts);
            assert!(m.body.contains("http://127.0.0.1:8080/verify-email/abc"));
            assert!(m.body.contains("1234567"));
            assert!(m.subject.contains("Contoso Ltd."));
        }
        let zh = verify_email("zh-TW", &facts);
        assert!(zh.body.contains("主要連絡人"));
        for text in [&zh.subject, &zh.body] {
            assert_eq!(pc_api::text::half_width_punctuation(text), None, "{text}");
        }
    }
}

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
        assert!(verify_email("zh-TW", &facts).body.contains("主要連絡人"));
    }
}

//! The rules of SPEC §3, as plain functions. Each returns the code of the
//! first rule a value breaks; `collect` turns the derive's errors into the
//! `FieldErrors` both the app and the server speak.

use std::borrow::Cow;

use validator::{ValidationError, ValidationErrors};

use crate::lists;
use crate::problem::{FieldError, FieldErrors};

pub const NAME_MAX: usize = 50;
pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;
pub const EMAIL_MAX: usize = 254;
pub const DOMAIN_MAX: usize = 253;

/// Every code a rule can give; each has a translation in the app.
pub const CODES: &[&str] = &[
    "required",
    "too_long",
    "email_invalid",
    "email_too_long",
    "email_consumer",
    "email_sign_in_only",
    "email_domain_mismatch",
    "domain_invalid",
    "domain_consumer",
    "domain_sign_in_only",
    "name_too_long",
    "name_invalid_chars",
    "password_too_short",
    "password_too_long",
    "password_common",
    "password_contains_email",
    "password_unchanged",
    "password_incorrect",
    "last_global_admin",
    "not_user_admin",
    "not_profile_admin",
    "locked",
    "legal_name_locked",
    "document_empty",
    "document_too_large",
    "document_type",
    "domain_taken",
    "email_taken",
    "invalid_type",
    "unknown_field",
    "missing_field",
    "unrepresentable_character",
];

/// The English text for a code: what the server sends beside the code, and
/// what a client shows when it has no translation of its own.
pub fn default_message(code: &str) -> &'static str {
    match code {
        "required" => "Enter a value.",
        "too_long" => "This is too long.",
        "email_invalid" => "Enter an email address in the format name@company.com.",
        "email_too_long" => "An email address can be at most 254 characters.",
        "email_consumer" => "Use your work email, not a personal mailbox such as Gmail or Outlook.com.",
        "email_sign_in_only" => "Use an email on your company's own domain, not a sign-in-only domain such as onmicrosoft.com.",
        "email_domain_mismatch" => "Your work email must be on the company domain.",
        "domain_invalid" => "Enter a domain in the format company.com.",
        "domain_consumer" => "Enter your company's own domain, not a personal mailbox provider.",
        "domain_sign_in_only" => "Enter your company's own domain, not a sign-in-only domain such as onmicrosoft.com.",
        "name_too_long" => "A name can be at most 50 characters.",
        "name_invalid_chars" => "A name can contain letters, spaces, apostrophes, hyphens and periods.",
        "password_too_short" => "Use at least 12 characters.",
        "password_too_long" => "Use at most 128 characters.",
        "password_common" => "This password is too common. Choose one that is harder to guess.",
        "password_contains_email" => "The password must not contain your email name.",
        "password_unchanged" => "Choose a new password, not the one you have now.",
        "password_incorrect" => "Your current password is not correct.",
        "last_global_admin" => "Keep at least one Global admin: make someone else Global admin first.",
        "not_user_admin" => "Only a Global admin or an Admin agent can change users.",
        "not_profile_admin" => "Only a Global admin, Account admin, Business profile admin or MPN partner admin can change the partner profile.",
        "locked" => "This cannot be changed after enrollment.",
        "legal_name_locked" => "The legal name cannot be changed once the account is authorized.",
        "document_empty" => "Choose a file to upload.",
        "document_too_large" => "The file is too large: it can be at most 5 MB.",
        "document_type" => "Upload a PDF, PNG or JPEG file.",
        "domain_taken" => "This domain already has a work account. Sign in with it instead.",
        "email_taken" => "This email already has a work account. Sign in with it instead.",
        "invalid_type" => "This value has the wrong type.",
        "invalid_chars" => "Remove line breaks, direction marks and other invisible characters.",
        "unrepresentable_character" => "Remove the null character (U+0000): it cannot be stored.",
        "country_unknown" => "Choose a country from the list.",
        "state_unknown" => "Choose a state or province from the list.",
        "postal_invalid" => "Enter a postal code in the format used in this country.",
        "phone_invalid" => "Enter a phone number with its area code, for example +1 425 555 0100.",
        "duns_invalid" => "A DUNS number has exactly 9 digits.",
        "authority_required" => "Confirm that you have the authority to sign for your company.",
        "unknown_field" => "This field is not part of the request.",
        "missing_field" => "This field is missing from the request.",
        _ => "This value is not valid.",
    }
}

fn err(code: &'static str) -> ValidationError {
    let mut e = ValidationError::new(code);
    e.message = Some(Cow::Borrowed(default_message(code)));
    e
}

pub fn push(errors: &mut FieldErrors, field: &str, code: &str) {
    errors
        .entry(field.to_owned())
        .or_default()
        .push(FieldError {
            code: code.to_owned(),
            message: default_message(code).to_owned(),
        });
}

/// Flattens the derive's result into field → errors.
pub fn collect(result: Result<(), ValidationErrors>) -> FieldErrors {
    let mut out = FieldErrors::new();
    if let Err(errors) = result {
        for (field, errs) in errors.field_errors() {
            for e in errs {
                push(&mut out, field.as_ref(), e.code.as_ref());
            }
        }
    }
    out
}

/// ASCII case folding only: the same result in the browser and on the
/// server, without shipping Unicode case tables to the browser.
pub fn normalize_email(s: &str) -> String {
    s.trim().to_ascii_lowercase()
}

/// Trimmed, without the trailing dot of a fully qualified name (nor
/// spaces around it), ASCII lower case.
pub fn normalize_domain(s: &str) -> String {
    s.trim_start()
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace())
        .to_ascii_lowercase()
}

/// Whether `domain` is a syntactically valid host name of at least two labels.
/// Letters beyond ASCII are allowed (internationalised domains such as 公司.台灣).
pub fn is_domain(domain: &str) -> bool {
    if domain.is_empty() || domain.len() > DOMAIN_MAX {
        return false;
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    let tld = labels[labels.len() - 1];
    labels.iter().all(label_ok) && !tld.chars().all(|c| c.is_ascii_digit())
}

fn is_consumer_domain(domain: &str) -> bool {
    if lists::CONSUMER_DOMAINS.contains(&domain) {
        return true;
    }
    // Providers that run one mailbox domain per country (yahoo.co.jp, hotmail.fr …).
    let first = domain.split('.').next().unwrap_or("");
    lists::CONSUMER_BRANDS.contains(&first) && domain.split('.').skip(1).all(|l| l.len() <= 3)
}

fn is_sign_in_only_domain(domain: &str) -> bool {
    lists::SIGN_IN_ONLY_SUFFIXES
        .iter()
        .any(|s| domain == &s[1..] || domain.ends_with(s))
}

/// Syntax only: `local@domain`, as in RFC 5321 without quoted local parts.
pub fn email_syntax(value: &str) -> Result<(), ValidationError> {
    let v = normalize_email(value);
    if v.is_empty() {
        return Err(err("required"));
    }
    if v.len() > EMAIL_MAX {
        return Err(err("email_too_long"));
    }
    let Some((local, domain)) = v.rsplit_once('@') else {
        return Err(err("email_invalid"));
    };
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~-.".contains(c));
    if !local_ok || !is_domain(domain) {
        return Err(err("email_invalid"));
    }
    Ok(())
}

/// A work email: valid, not a consumer mailbox, not a sign-in-only domain.
pub fn work_email(value: &str) -> Result<(), ValidationError> {
    email_syntax(value)?;
    let v = normalize_email(value);
    let domain = v.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    if is_consumer_domain(domain) {
        return Err(err("email_consumer"));
    }
    if is_sign_in_only_domain(domain) {
        return Err(err("email_sign_in_only"));
    }
    Ok(())
}

/// The company's own domain, as a new tenant's.
pub fn company_domain(value: &str) -> Result<(), ValidationError> {
    let d = normalize_domain(value);
    if d.is_empty() {
        return Err(err("required"));
    }
    if !is_domain(&d) {
        return Err(err("domain_invalid"));
    }
    if is_consumer_domain(&d) {
        return Err(err("domain_consumer"));
    }
    if is_sign_in_only_domain(&d) {
        return Err(err("domain_sign_in_only"));
    }
    Ok(())
}

/// `None` when `email` is on `domain` or one of its subdomains.
pub fn email_matches_domain(email: &str, domain: &str) -> Option<&'static str> {
    let email = normalize_email(email);
    let domain = normalize_domain(domain);
    let email_domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    let ok = email_domain == domain || email_domain.ends_with(&format!(".{domain}"));
    (!ok).then_some("email_domain_mismatch")
}

/// First or last name: 1–50 characters once trimmed; letters of any script,
/// combining marks, spaces, apostrophes, hyphens and periods.
pub fn person_name(value: &str) -> Result<(), ValidationError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(err("required"));
    }
    if v.chars().count() > NAME_MAX {
        return Err(err("name_too_long"));
    }
    let allowed = |c: char| {
        c.is_alphabetic()
            || c == ' '
            || matches!(c, '\'' | '\u{2019}' | '-' | '.' | '\u{00B7}' | '\u{30FB}')
            || is_combining_mark(c)
    };
    if !v.chars().all(allowed) {
        return Err(err("name_invalid_chars"));
    }
    Ok(())
}

/// Whether `c` may stand in free text (a company name, an address, a
/// reviewer's reason): not a control character, line or paragraph
/// separator, not a bidirectional override, embedding, isolate or mark
/// (which can make "Contoso LTD Bank" read as another name in an email
/// subject), and not an invisible formatting character. Zero-width
/// (non-)joiners stay: scripts such as Persian and Devanagari need them.
pub fn free_text_char(c: char) -> bool {
    let u = c as u32;
    let refused = c.is_control()
        || matches!(u,
            0x061C                  // Arabic letter mark
            | 0x200B                // zero-width space
            | 0x200E | 0x200F       // left-to-right and right-to-left marks
            | 0x2028 | 0x2029       // line and paragraph separators
            | 0x202A..=0x202E       // embeddings and overrides
            | 0x2060..=0x2064       // word joiner, invisible operators
            | 0x2066..=0x2069       // isolates
            | 0x206A..=0x206F       // deprecated format characters
            | 0xFEFF                // zero-width no-break space (BOM)
            | 0xFFF9..=0xFFFB       // interlinear annotation
            | 0x180E                // Mongolian vowel separator
            | 0x00AD                // soft hyphen
            | 0x034F                // combining grapheme joiner
            | 0x115F | 0x1160 | 0x3164 | 0xFFA0 // Hangul fillers
            | 0xE0000..=0xE007F     // tag characters
        );
    !refused
}

/// `free_text_char` for every character of `value`.
pub fn free_text(value: &str) -> bool {
    value.chars().all(free_text_char)
}

fn is_combining_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// A new password: 12–128 characters and not a common one. Never trimmed.
pub fn new_password(value: &str) -> Result<(), ValidationError> {
    let len = value.chars().count();
    if len == 0 {
        return Err(err("required"));
    }
    if len < PASSWORD_MIN {
        return Err(err("password_too_short"));
    }
    if len > PASSWORD_MAX {
        return Err(err("password_too_long"));
    }
    if is_common_password(value) {
        return Err(err("password_common"));
    }
    Ok(())
}

/// A secret that only has to be present (the password when signing in).
pub fn required_secret(value: &str) -> Result<(), ValidationError> {
    if value.is_empty() {
        return Err(err("required"));
    }
    if value.chars().count() > PASSWORD_MAX {
        return Err(err("password_too_long"));
    }
    Ok(())
}

/// Common passwords: those on the list, a listed word padded with digits or
/// symbols ("Password123!"), one repeated character, or a keyboard/number run.
pub fn is_common_password(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    if lists::COMMON_PASSWORDS.contains(&lower.as_str()) {
        return true;
    }
    let core = lower.trim_matches(|c: char| !c.is_alphabetic());
    if !core.is_empty() && lists::COMMON_PASSWORD_WORDS.contains(&core) {
        return true;
    }
    let mut chars = lower.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return true;
    }
    lists::KEYBOARD_RUNS
        .iter()
        .any(|run| run.len() >= 6 && lower.len() <= run.len() + 4 && lower.contains(run))
}

/// `Some("password_contains_email")` when the password contains the local
/// part of the email (if that part is long enough to matter).
pub fn password_identity(password: &str, email: &str) -> Option<&'static str> {
    let email = normalize_email(email);
    let local = email.split('@').next().unwrap_or("");
    (local.chars().count() >= 4 && password.to_ascii_lowercase().contains(local))
        .then_some("password_contains_email")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_message() {
        let fallback = default_message("no such code");
        for code in CODES {
            assert_ne!(default_message(code), fallback, "{code}");
        }
    }

    fn code(r: Result<(), ValidationError>) -> String {
        r.err().map(|e| e.code.to_string()).unwrap_or_default()
    }

    #[test]
    fn email_syntax_accepts_ordinary_and_international_addresses() {
        for ok in [
            "a@b.co",
            "first.last+tag@contoso.com",
            "o'brien@contoso.ie",
            "chen@公司.台灣",
            "  Mixed@Case.COM ",
        ] {
            assert_eq!(code(email_syntax(ok)), "", "{ok}");
        }
    }

    #[test]
    fn email_syntax_refuses_malformed_addresses() {
        for bad in [
            "plain",
            "@contoso.com",
            "a@",
            "a@contoso",
            "a..b@contoso.com",
            ".a@contoso.com",
            "a@-contoso.com",
            "a@contoso..com",
            "a b@contoso.com",
            "a@contoso.123",
        ] {
            assert_eq!(code(email_syntax(bad)), "email_invalid", "{bad}");
        }
        assert_eq!(code(email_syntax("   ")), "required");
        let long = format!("{}@contoso.com", "a".repeat(250));
        assert_eq!(code(email_syntax(&long)), "email_too_long");
    }

    #[test]
    fn consumer_mailboxes_are_refused_including_country_variants() {
        for bad in [
            "x@gmail.com",
            "x@outlook.com",
            "x@hotmail.co.uk",
            "x@live.com",
            "x@yahoo.com.tw",
            "x@yahoo.co.jp",
            "x@icloud.com",
            "x@qq.com",
            "x@163.com",
        ] {
            assert_eq!(code(work_email(bad)), "email_consumer", "{bad}");
        }
        assert_eq!(code(work_email("x@contoso.com")), "");
        // A company whose name merely starts like a brand is fine.
        assert_eq!(code(work_email("x@livestream-systems.com")), "");
        assert_eq!(code(work_email("x@yahoo-partners.example.com")), "");
    }

    #[test]
    fn sign_in_only_domains_are_refused() {
        assert_eq!(
            code(work_email("x@contoso.onmicrosoft.com")),
            "email_sign_in_only"
        );
        assert_eq!(
            code(company_domain("contoso.onmicrosoft.com")),
            "domain_sign_in_only"
        );
        assert_eq!(code(company_domain("notonmicrosoft.com")), "");
    }

    #[test]
    fn company_domain_rules() {
        assert_eq!(code(company_domain("")), "required");
        assert_eq!(code(company_domain("contoso")), "domain_invalid");
        assert_eq!(
            code(company_domain("https://contoso.com")),
            "domain_invalid"
        );
        assert_eq!(code(company_domain("gmail.com")), "domain_consumer");
        assert_eq!(code(company_domain("Contoso.COM.")), "");
    }

    #[test]
    fn free_text_refuses_direction_overrides_and_invisible_characters() {
        assert!(free_text("台灣康拓股份有限公司"));
        assert!(free_text("Contoso Ltd. — Bank & Co."));
        assert!(free_text("می\u{200C}خواهم")); // ZWNJ stays
        for bad in [
            "Contoso \u{202E}LTD\u{202C} Bank",
            "Contoso\u{2066}x\u{2069}",
            "Con\u{200B}toso",
            "Contoso\u{200F}",
            "Contoso\u{FEFF}",
            "Contoso\u{2028}Ltd",
            "Contoso\u{E0041}",
            "a\u{0}b",
            "line\nbreak",
        ] {
            assert!(!free_text(bad), "{bad:?}");
        }
    }

    #[test]
    fn names_allow_any_script_and_refuse_digits_and_symbols() {
        for ok in [
            "陳",
            "Zoë",
            "O'Brien",
            "Jean-Luc",
            "St. John",
            "José",
            "Nguyễn",
            "山田・太郎",
        ] {
            assert_eq!(code(person_name(ok)), "", "{ok}");
        }
        assert_eq!(code(person_name("  ")), "required");
        assert_eq!(code(person_name("R2D2")), "name_invalid_chars");
        assert_eq!(code(person_name("<script>")), "name_invalid_chars");
        assert_eq!(code(person_name(&"é".repeat(50))), "");
        assert_eq!(code(person_name(&"é".repeat(51))), "name_too_long");
    }

    #[test]
    fn password_length_is_counted_in_characters() {
        assert_eq!(code(new_password("")), "required");
        assert_eq!(code(new_password("short pass!")), "password_too_short");
        assert_eq!(code(new_password("密碼很長而且不常見的句子")), "");
        assert_eq!(code(new_password(&"ab1!".repeat(32))), "");
        assert_eq!(code(new_password(&"ab1!".repeat(33))), "password_too_long");
    }

    #[test]
    fn common_passwords_are_refused() {
        for bad in [
            "password1234",
            "Password123!",
            "Welcome2026!!",
            "qwertyuiop12",
            "123456789012",
            "aaaaaaaaaaaa",
            "P@ssw0rd2026",
            "iloveyou1234",
        ] {
            assert_eq!(code(new_password(bad)), "password_common", "{bad}");
        }
        for ok in [
            "correct horse battery",
            "Tr0ub4dor&3-staple",
            "blue-kettle-71-orbit",
        ] {
            assert_eq!(code(new_password(ok)), "", "{ok}");
        }
    }
}

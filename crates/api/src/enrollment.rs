//! The enrollment's data (SPEC §3–§4): the legal business profile, the
//! primary contact, the draft kept while the applicant types, and the
//! partner account that *Enroll now* creates.

use serde::{Deserialize, Serialize};

use crate::countries;
use crate::validation::{self, push};
use crate::FieldErrors;

pub const LEGAL_NAME_MAX: usize = 200;
pub const LINE_MAX: usize = 200;
pub const CITY_MAX: usize = 100;

/// Digits of a DUNS number typed with any spaces or dashes; `None` unless
/// exactly nine digits remain.
pub fn normalize_duns(value: &str) -> Option<String> {
    let kept: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '\u{3000}'))
        .collect();
    (kept.len() == 9 && kept.chars().all(|c| c.is_ascii_digit())).then_some(kept)
}

/// The legal business profile, as the company is registered.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LegalBusinessProfile {
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Nine digits when the profile came from a DUNS look-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duns: Option<String>,
    pub legal_name: String,
    pub line1: String,
    #[serde(default)]
    pub line2: String,
    pub city: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub postal_code: String,
}

pub const PROFILE_FIELDS: &[&str] = &[
    "country",
    "duns",
    "legal_name",
    "line1",
    "line2",
    "city",
    "state",
    "postal_code",
];

fn length(errors: &mut FieldErrors, field: &str, value: &str, required: bool, max: usize) {
    let n = value.chars().count();
    if n == 0 && required {
        push(errors, field, "required");
    } else if n > max {
        push(errors, field, "too_long");
    } else if !crate::validation::free_text(value) {
        push(errors, field, "invalid_chars");
    }
}

impl LegalBusinessProfile {
    /// Trims every field, upper-cases codes, formats the postal code.
    pub fn normalized(&self) -> Self {
        let country = self.country.trim().to_ascii_uppercase();
        let postal_code = countries::normalize_postal(&self.postal_code);
        LegalBusinessProfile {
            duns: self.duns.as_deref().and_then(normalize_duns),
            legal_name: self
                .legal_name
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
            line1: self.line1.trim().to_owned(),
            line2: self.line2.trim().to_owned(),
            city: self.city.trim().to_owned(),
            state: self.state.trim().to_owned(),
            postal_code,
            country,
        }
    }

    pub fn check(&self) -> FieldErrors {
        let p = self.normalized();
        let mut e = FieldErrors::new();
        if p.country.is_empty() {
            push(&mut e, "country", "required");
        } else if !countries::is_country(&p.country) {
            push(&mut e, "country", "country_unknown");
        }
        if self.duns.as_deref().is_some_and(|d| !d.trim().is_empty()) && p.duns.is_none() {
            push(&mut e, "duns", "duns_invalid");
        }
        length(&mut e, "legal_name", &p.legal_name, true, LEGAL_NAME_MAX);
        length(&mut e, "line1", &p.line1, true, LINE_MAX);
        length(&mut e, "line2", &p.line2, false, LINE_MAX);
        length(&mut e, "city", &p.city, true, CITY_MAX);
        let rules = countries::rules(&p.country);
        if rules.states.is_empty() {
            length(&mut e, "state", &p.state, rules.state_required, 100);
        } else if p.state.is_empty() {
            if rules.state_required {
                push(&mut e, "state", "required");
            }
        } else if !rules.states.iter().any(|(code, _)| *code == p.state) {
            push(&mut e, "state", "state_unknown");
        }
        if p.postal_code.is_empty() {
            if rules.postal_required {
                push(&mut e, "postal_code", "required");
            }
        } else if !countries::postal_ok(&p.country, &p.postal_code) {
            push(&mut e, "postal_code", "postal_invalid");
        }
        e
    }
}

/// The person who receives the verification email.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PrimaryContact {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
}

pub const CONTACT_FIELDS: &[&str] = &["first_name", "last_name", "email", "phone"];

impl PrimaryContact {
    /// Trimmed, email lower-cased, phone in E.164 when it can be.
    pub fn normalized(&self, country: &str) -> Self {
        let phone = self.phone.trim();
        PrimaryContact {
            first_name: self.first_name.trim().to_owned(),
            last_name: self.last_name.trim().to_owned(),
            email: validation::normalize_email(&self.email),
            phone: if phone.is_empty() {
                String::new()
            } else {
                countries::normalize_phone(country, phone).unwrap_or_else(|| phone.to_owned())
            },
        }
    }

    /// Every rule; the phone's depend on the company's country.
    pub fn check(&self, country: &str) -> FieldErrors {
        let mut e = FieldErrors::new();
        for (field, value) in [
            ("first_name", &self.first_name),
            ("last_name", &self.last_name),
        ] {
            if let Err(err) = validation::person_name(value) {
                push(&mut e, field, &err.code);
            }
        }
        if let Err(err) = validation::work_email(&self.email) {
            push(&mut e, "email", &err.code);
        }
        let phone = self.phone.trim();
        if phone.is_empty() {
            if countries::rules(country).phone_required {
                push(&mut e, "phone", "required");
            }
        } else if countries::normalize_phone(country, phone).is_none() {
            push(&mut e, "phone", "phone_invalid");
        }
        e
    }

    /// Not errors: things the applicant should know before going on.
    pub fn warnings(&self, tenant_domain: &str) -> Vec<&'static str> {
        let mut w = vec![];
        if validation::work_email(&self.email).is_ok()
            && validation::email_matches_domain(&self.email, tenant_domain).is_some()
        {
            w.push("contact_other_domain");
        }
        w
    }
}

/// Answers as typed, complete or not: what the app keeps locally and on the
/// server so the applicant can resume anywhere. Never holds a password.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default, deny_unknown_fields)]
pub struct EnrollmentDraft {
    pub profile: LegalBusinessProfile,
    pub contact: PrimaryContact,
    /// The profile was confirmed on the company step.
    pub profile_done: bool,
    /// The contact was confirmed on the contact step.
    pub contact_done: bool,
    /// Seconds since the Unix epoch of the last change, set by the server.
    pub updated_at: i64,
}

/// The largest draft the server keeps, in bytes of JSON.
pub const DRAFT_MAX_BYTES: usize = 16 * 1024;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VettingStatus {
    None,
    Pending,
    Authorized,
    Rejected,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    NotStarted,
    Pending,
    Verified,
    Rejected,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    EmailOwnership,
    Employment,
    Business,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationCheck {
    pub kind: CheckKind,
    pub status: CheckStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProgramStatus {
    PendingVerification,
    Active,
}

/// *Enroll now*: the profile and contact, checked again by the server.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub profile: LegalBusinessProfile,
    pub contact: PrimaryContact,
}

impl EnrollRequest {
    /// Field errors keyed `profile.<field>` and `contact.<field>`.
    pub fn check(&self) -> FieldErrors {
        let mut out = FieldErrors::new();
        for (f, v) in self.profile.check() {
            out.insert(format!("profile.{f}"), v);
        }
        let country = self.profile.normalized().country;
        for (f, v) in self.contact.check(&country) {
            out.insert(format!("contact.{f}"), v);
        }
        out
    }
}

/// The partner account as its owner sees it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartnerAccount {
    /// Seven digits.
    pub mpn_id: String,
    pub profile: LegalBusinessProfile,
    pub contact: PrimaryContact,
    pub vetting_status: VettingStatus,
    pub checks: Vec<VerificationCheck>,
    pub program_status: ProgramStatus,
    pub created_at: i64,
    /// Agreements accepted for this account, oldest first.
    #[serde(default)]
    pub agreements: Vec<AgreementAcceptance>,
    /// The account has been authorized at least once, so its legal name
    /// can no longer change.
    #[serde(default)]
    pub legal_name_locked: bool,
    /// The mail server refused the latest verification email for good: the
    /// contact's address needs changing before the check can go on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_bounce: Option<EmailBounce>,
}

/// A verification email the mail server refused for good.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailBounce {
    /// The address it was sent to: the primary contact's.
    pub email: String,
    /// When it was refused (Unix seconds).
    pub failed_at: i64,
    /// The mail server's answer, e.g. `550 5.1.1 mailbox unavailable`.
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(e: &FieldErrors) -> Vec<(String, String)> {
        e.iter()
            .map(|(f, v)| (f.clone(), v[0].code.clone()))
            .collect()
    }

    fn us() -> LegalBusinessProfile {
        LegalBusinessProfile {
            country: "us".into(),
            duns: None,
            legal_name: "  Contoso   Ltd. ".into(),
            line1: "1 Microsoft Way".into(),
            line2: String::new(),
            city: "Redmond".into(),
            state: "WA".into(),
            postal_code: "98052".into(),
        }
    }

    #[test]
    fn duns_tolerates_spaces_and_dashes() {
        assert_eq!(normalize_duns("12-345-6789").as_deref(), Some("123456789"));
        assert_eq!(
            normalize_duns(" 123 456 789 ").as_deref(),
            Some("123456789")
        );
        assert_eq!(normalize_duns("12345678"), None);
        assert_eq!(normalize_duns("12345678X"), None);
    }

    #[test]
    fn a_us_profile_needs_a_listed_state_and_a_zip() {
        assert!(us().check().is_empty(), "{:?}", us().check());
        assert_eq!(us().normalized().legal_name, "Contoso Ltd.");
        let mut p = us();
        p.state = "Washington".into();
        p.postal_code = "980".into();
        assert_eq!(
            codes(&p.check()),
            [
                ("postal_code".into(), "postal_invalid".into()),
                ("state".into(), "state_unknown".into())
            ]
        );
        p.state = String::new();
        p.postal_code = String::new();
        assert_eq!(
            codes(&p.check()),
            [
                ("postal_code".into(), "required".into()),
                ("state".into(), "required".into())
            ]
        );
    }

    #[test]
    fn line2_is_truly_optional_and_lengths_are_enforced() {
        let mut p = us();
        p.line2 = "   ".into();
        assert!(p.check().is_empty());
        p.legal_name = "名".repeat(201);
        assert_eq!(
            codes(&p.check()),
            [("legal_name".into(), "too_long".into())]
        );
        p.legal_name = "台灣微軟股份有限公司".into();
        assert!(p.check().is_empty());
    }

    #[test]
    fn unlisted_countries_are_permissive_and_unknown_ones_refused() {
        let p = LegalBusinessProfile {
            country: "KE".into(),
            legal_name: "Safari Data Ltd".into(),
            line1: "Kenyatta Ave 1".into(),
            city: "Nairobi".into(),
            ..Default::default()
        };
        assert!(p.check().is_empty());
        let mut x = p.clone();
        x.country = "XX".into();
        assert_eq!(
            codes(&x.check()),
            [("country".into(), "country_unknown".into())]
        );
    }

    #[test]
    fn contact_phone_follows_the_country_and_other_domains_warn() {
        let c = PrimaryContact {
            first_name: "Wei".into(),
            last_name: "Chen".into(),
            email: "wei@fabrikam.com".into(),
            phone: String::new(),
        };
        assert!(c.check("US").is_empty());
        assert_eq!(codes(&c.check("CN")), [("phone".into(), "required".into())]);
        let mut c2 = c.clone();
        c2.phone = "12".into();
        assert_eq!(
            codes(&c2.check("US")),
            [("phone".into(), "phone_invalid".into())]
        );
        c2.phone = "(425) 555-0100".into();
        assert_eq!(c2.normalized("US").phone, "+14255550100");
        assert_eq!(c.warnings("contoso.com"), ["contact_other_domain"]);
        assert!(c.warnings("fabrikam.com").is_empty());
        let mut g = c.clone();
        g.email = "wei@gmail.com".into();
        assert_eq!(
            codes(&g.check("US")),
            [("email".into(), "email_consumer".into())]
        );
    }

    #[test]
    fn accepting_needs_authority_and_a_valid_signer() {
        let mut r = AcceptAgreementRequest {
            version: "1".into(),
            signer_first_name: "Mei-Ling".into(),
            signer_last_name: "陳".into(),
            signer_email: "mei@contoso.com".into(),
            signer_phone: String::new(),
            authority_confirmed: false,
        };
        assert_eq!(
            codes(&r.check("CN")),
            [("authority_confirmed".into(), "authority_required".into())]
        );
        r.authority_confirmed = true;
        assert!(
            r.check("CN").is_empty(),
            "phone stays optional for the signer"
        );
        r.signer_email = "mei@qq.com".into();
        assert_eq!(
            codes(&r.check("US")),
            [("signer_email".into(), "email_consumer".into())]
        );
    }

    #[test]
    fn enroll_request_prefixes_errors_by_part() {
        let r = EnrollRequest {
            profile: LegalBusinessProfile::default(),
            contact: PrimaryContact::default(),
        };
        let e = r.check();
        assert!(e.contains_key("profile.country"));
        assert!(e.contains_key("contact.email"));
    }
}

/// Where an email-verification link stands, as its page shows it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LinkState {
    /// Waiting for the contact's answer.
    Open,
    Confirmed,
    /// "I did not request this".
    Declined,
    Expired,
    /// A newer link replaced this one, or it was answered and closed.
    Used,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailVerification {
    pub state: LinkState,
    pub email: String,
    pub legal_name: String,
    pub mpn_id: String,
    /// "I did not request this" can still be taken back.
    pub can_undo: bool,
}

/// An agreement's text in one version, as served to be read and accepted.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Agreement {
    pub id: String,
    pub version: String,
    pub title: String,
    pub text: String,
}

/// *Accept*: who signs, confirming their authority, for which version.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AcceptAgreementRequest {
    pub version: String,
    pub signer_first_name: String,
    pub signer_last_name: String,
    pub signer_email: String,
    #[serde(default)]
    pub signer_phone: String,
    /// The signer confirms they may sign legal agreements for the company.
    pub authority_confirmed: bool,
}

pub const ACCEPT_FIELDS: &[&str] = &[
    "authority_confirmed",
    "signer_first_name",
    "signer_last_name",
    "signer_email",
    "signer_phone",
];

impl AcceptAgreementRequest {
    pub fn check(&self, country: &str) -> FieldErrors {
        let contact = PrimaryContact {
            first_name: self.signer_first_name.clone(),
            last_name: self.signer_last_name.clone(),
            email: self.signer_email.clone(),
            phone: self.signer_phone.clone(),
        };
        let mut e = FieldErrors::new();
        if !self.authority_confirmed {
            push(&mut e, "authority_confirmed", "authority_required");
        }
        for (f, v) in contact.check(country) {
            // The signer's phone stays optional whatever the country says.
            if f == "phone" && self.signer_phone.trim().is_empty() {
                continue;
            }
            e.insert(format!("signer_{f}"), v);
        }
        e
    }
}

/// The record of an acceptance: what, by whom, when (server clock, UTC).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementAcceptance {
    pub agreement_id: String,
    pub version: String,
    pub title: String,
    pub signer_first_name: String,
    pub signer_last_name: String,
    pub signer_email: String,
    pub signer_phone: String,
    pub user_id: String,
    /// Seconds since the Unix epoch, UTC.
    pub accepted_at: i64,
}

/// An agreement as the company accepted it: the text of that version and
/// the acceptance record.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptedAgreement {
    pub agreement: Agreement,
    pub acceptance: AgreementAcceptance,
}

/// Where a new verification link went.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkResent {
    pub email: String,
}

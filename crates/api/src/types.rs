//! Request and response bodies of the `/api/v1` HTTP interface.

use serde::{Deserialize, Serialize};
use validator::Validate;

use crate::validation;

/// Roles a user can hold (SPEC §5). Tenant roles, CSP roles, then MPN roles.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    GlobalAdmin,
    UserManagementAdmin,
    AdminAgent,
    BillingAdmin,
    SalesAgent,
    HelpdeskAgent,
    MpnPartnerAdmin,
    AccountAdmin,
    ReferralsAdmin,
    BusinessProfileAdmin,
    IncentivesAdmin,
    ReportViewer,
    ExecutiveReportViewer,
}

impl Role {
    pub const ALL: [Role; 13] = [
        Role::GlobalAdmin,
        Role::UserManagementAdmin,
        Role::AdminAgent,
        Role::BillingAdmin,
        Role::SalesAgent,
        Role::HelpdeskAgent,
        Role::MpnPartnerAdmin,
        Role::AccountAdmin,
        Role::ReferralsAdmin,
        Role::BusinessProfileAdmin,
        Role::IncentivesAdmin,
        Role::ReportViewer,
        Role::ExecutiveReportViewer,
    ];

    /// The stable name used in JSON and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::GlobalAdmin => "global_admin",
            Role::UserManagementAdmin => "user_management_admin",
            Role::AdminAgent => "admin_agent",
            Role::BillingAdmin => "billing_admin",
            Role::SalesAgent => "sales_agent",
            Role::HelpdeskAgent => "helpdesk_agent",
            Role::MpnPartnerAdmin => "mpn_partner_admin",
            Role::AccountAdmin => "account_admin",
            Role::ReferralsAdmin => "referrals_admin",
            Role::BusinessProfileAdmin => "business_profile_admin",
            Role::IncentivesAdmin => "incentives_admin",
            Role::ReportViewer => "report_viewer",
            Role::ExecutiveReportViewer => "executive_report_viewer",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == name)
    }
}

/// *Create one*: a new tenant for `company_domain` whose first user, the
/// applicant, becomes its Global admin.
#[derive(Serialize, Deserialize, Validate, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateAccountRequest {
    #[validate(custom(function = "validation::company_domain"))]
    pub company_domain: String,
    #[validate(custom(function = "validation::person_name"))]
    pub first_name: String,
    #[validate(custom(function = "validation::person_name"))]
    pub last_name: String,
    #[validate(custom(function = "validation::work_email"))]
    pub email: String,
    #[validate(custom(function = "validation::new_password"))]
    pub password: String,
}

impl CreateAccountRequest {
    /// Trims every field but the password and lower-cases the domain and
    /// email, as they are stored. Validation runs on the normalised form.
    pub fn normalized(&self) -> Self {
        CreateAccountRequest {
            company_domain: validation::normalize_domain(&self.company_domain),
            first_name: self.first_name.trim().to_owned(),
            last_name: self.last_name.trim().to_owned(),
            email: validation::normalize_email(&self.email),
            password: self.password.clone(),
        }
    }

    /// Every rule, including the cross-field ones, as field errors.
    pub fn check(&self) -> crate::FieldErrors {
        let n = self.normalized();
        let mut errors = validation::collect(n.validate());
        if !errors.contains_key("email") && !errors.contains_key("company_domain") {
            if let Some(code) = validation::email_matches_domain(&n.email, &n.company_domain) {
                validation::push(&mut errors, "email", code);
            }
        }
        if !errors.contains_key("password") {
            if let Some(code) = validation::password_identity(&n.password, &n.email) {
                validation::push(&mut errors, "password", code);
            }
        }
        errors
    }
}

/// *Sign in* with an existing work account.
#[derive(Serialize, Deserialize, Validate, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    #[validate(custom(function = "validation::email_syntax"))]
    pub email: String,
    #[validate(custom(function = "validation::required_secret"))]
    pub password: String,
}

impl SignInRequest {
    pub fn normalized(&self) -> Self {
        SignInRequest {
            email: validation::normalize_email(&self.email),
            password: self.password.clone(),
        }
    }

    pub fn check(&self) -> crate::FieldErrors {
        validation::collect(self.normalized().validate())
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub roles: Vec<Role>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TenantSummary {
    pub id: String,
    pub domain: String,
}

/// Who is signed in.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Session {
    pub user: UserSummary,
    pub tenant: TenantSummary,
    /// Signed in with a temporary password: nothing else works until the
    /// user chooses their own (`PUT /session/password`).
    #[serde(default)]
    pub must_change_password: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// `ok` when the server and its database answer.
    pub status: String,
    pub version: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> CreateAccountRequest {
        CreateAccountRequest {
            company_domain: "Contoso.com ".into(),
            first_name: " Zoë".into(),
            last_name: "O'Brien".into(),
            email: "Zoe.OBrien@contoso.com".into(),
            password: "correct horse battery".into(),
        }
    }

    fn codes(errors: &crate::FieldErrors, field: &str) -> Vec<String> {
        errors
            .get(field)
            .map(|v| v.iter().map(|e| e.code.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_valid_create_request_passes_after_normalisation() {
        let errors = valid().check();
        assert!(errors.is_empty(), "{errors:?}");
        let n = valid().normalized();
        assert_eq!(n.company_domain, "contoso.com");
        assert_eq!(n.email, "zoe.obrien@contoso.com");
        assert_eq!(n.first_name, "Zoë");
    }

    #[test]
    fn email_must_be_on_the_company_domain_or_a_subdomain() {
        let mut r = valid();
        r.email = "zoe@fabrikam.com".into();
        assert_eq!(codes(&r.check(), "email"), ["email_domain_mismatch"]);
        r.email = "zoe@eu.contoso.com".into();
        assert!(r.check().is_empty());
        r.email = "zoe@notcontoso.com".into();
        assert_eq!(codes(&r.check(), "email"), ["email_domain_mismatch"]);
    }

    #[test]
    fn consumer_and_sign_in_only_emails_are_refused() {
        let mut r = valid();
        r.company_domain = "gmail.com".into();
        r.email = "someone@gmail.com".into();
        let e = r.check();
        assert_eq!(codes(&e, "email"), ["email_consumer"]);
        assert_eq!(codes(&e, "company_domain"), ["domain_consumer"]);
        r.company_domain = "contoso.onmicrosoft.com".into();
        r.email = "admin@contoso.onmicrosoft.com".into();
        let e = r.check();
        assert_eq!(codes(&e, "email"), ["email_sign_in_only"]);
        assert_eq!(codes(&e, "company_domain"), ["domain_sign_in_only"]);
    }

    #[test]
    fn password_may_not_contain_the_email_name() {
        let mut r = valid();
        r.password = "zoe.obrien-2026!".into();
        assert_eq!(codes(&r.check(), "password"), ["password_contains_email"]);
    }

    #[test]
    fn sign_in_only_checks_syntax_and_presence() {
        let r = SignInRequest {
            email: "a@gmail.com".into(),
            password: "x".into(),
        };
        assert!(r.check().is_empty());
        let r = SignInRequest {
            email: "nope".into(),
            password: "".into(),
        };
        let e = r.check();
        assert_eq!(codes(&e, "email"), ["email_invalid"]);
        assert_eq!(codes(&e, "password"), ["required"]);
    }

    #[test]
    fn unknown_fields_and_wrong_types_are_refused() {
        let extra = r#"{"email":"a@b.co","password":"x","admin":true}"#;
        assert!(serde_json::from_str::<SignInRequest>(extra).is_err());
        let wrong = r#"{"email":1,"password":"x"}"#;
        assert!(serde_json::from_str::<SignInRequest>(wrong).is_err());
    }

    #[test]
    fn roles_round_trip_by_name() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            let json = serde_json::to_string(&r).unwrap();
            assert_eq!(json, format!("\"{}\"", r.as_str()));
        }
        assert_eq!(Role::parse("root"), None);
    }
}

/// One email as the development mailbox shows it.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailboxMessage {
    pub id: String,
    pub to: String,
    pub locale: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

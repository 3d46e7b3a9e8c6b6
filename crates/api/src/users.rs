//! User management (SPEC §5): who may manage users, adding a user, their
//! roles, the first-sign-in password change, and a page of the list.

use serde::{Deserialize, Serialize};

use crate::types::{Role, UserSummary};
use crate::validation::{self, push};
use crate::FieldErrors;

/// Only a Global admin or an Admin agent may manage users.
pub fn can_manage_users(roles: &[Role]) -> bool {
    roles
        .iter()
        .any(|r| matches!(r, Role::GlobalAdmin | Role::AdminAgent))
}

/// The most users one page of the list holds.
pub const PER_PAGE_MAX: u32 = 100;
/// The page size when the client names none.
pub const PER_PAGE_DEFAULT: u32 = 25;

/// `GET /users?q=&page=&per_page=`: a page of the tenant's users, sorted by
/// last name, first name and email.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserPage {
    pub users: Vec<UserSummary>,
    /// Users matching the search, over every page.
    pub total: u64,
    /// From 1.
    pub page: u32,
    pub per_page: u32,
    /// Whether the caller may change users (else the page is read-only).
    pub can_manage: bool,
}

/// *Add user*.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    pub first_name: String,
    pub last_name: String,
    /// A work email on the tenant's domain or one of its subdomains.
    pub email: String,
    #[serde(default)]
    pub roles: Vec<Role>,
}

impl NewUserRequest {
    pub fn normalized(&self) -> Self {
        NewUserRequest {
            first_name: self.first_name.trim().to_owned(),
            last_name: self.last_name.trim().to_owned(),
            email: validation::normalize_email(&self.email),
            roles: dedup(&self.roles),
        }
    }

    /// Every rule, for a tenant whose domain is `tenant_domain`.
    pub fn check(&self, tenant_domain: &str) -> FieldErrors {
        let n = self.normalized();
        let mut errors = FieldErrors::new();
        for (field, value) in [("first_name", &n.first_name), ("last_name", &n.last_name)] {
            if let Err(e) = validation::person_name(value) {
                push(&mut errors, field, &e.code);
            }
        }
        match validation::work_email(&n.email) {
            Err(e) => push(&mut errors, "email", &e.code),
            Ok(()) => {
                if let Some(code) = validation::email_matches_domain(&n.email, tenant_domain) {
                    push(&mut errors, "email", code);
                }
            }
        }
        errors
    }
}

/// *Update* the roles of a user.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateRolesRequest {
    pub roles: Vec<Role>,
}

/// A new user, with the temporary password shown to the admin once.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewUserCreated {
    pub user: UserSummary,
    /// Shown once; the user must change it at first sign-in.
    pub temporary_password: String,
}

/// The first-sign-in (or any) password change.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

impl ChangePasswordRequest {
    /// The new password's rules, for the user whose email is `email`.
    pub fn check(&self, email: &str) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.current_password.is_empty() {
            push(&mut errors, "current_password", "required");
        }
        if let Err(e) = validation::new_password(&self.new_password) {
            push(&mut errors, "new_password", &e.code);
        } else if let Some(code) = validation::password_identity(&self.new_password, email) {
            push(&mut errors, "new_password", code);
        } else if self.new_password == self.current_password {
            push(&mut errors, "new_password", "password_unchanged");
        }
        errors
    }
}

/// Roles in the canonical order of `Role::ALL`, each once.
pub fn dedup(roles: &[Role]) -> Vec<Role> {
    Role::ALL
        .into_iter()
        .filter(|r| roles.contains(r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_admins_and_admin_agents_manage_users() {
        assert!(can_manage_users(&[Role::GlobalAdmin]));
        assert!(can_manage_users(&[Role::ReportViewer, Role::AdminAgent]));
        assert!(!can_manage_users(&[Role::UserManagementAdmin]));
        assert!(!can_manage_users(&[]));
    }

    #[test]
    fn a_new_user_needs_names_and_an_email_on_the_tenant_domain() {
        let ok = NewUserRequest {
            first_name: " Ana ".into(),
            last_name: "Silva".into(),
            email: "Ana@Sales.Contoso.com".into(),
            roles: vec![Role::ReportViewer, Role::AdminAgent, Role::ReportViewer],
        };
        assert!(ok.check("contoso.com").is_empty());
        let n = ok.normalized();
        assert_eq!(n.email, "ana@sales.contoso.com");
        assert_eq!(n.first_name, "Ana");
        assert_eq!(n.roles, [Role::AdminAgent, Role::ReportViewer]);

        let other = NewUserRequest {
            email: "ana@fabrikam.com".into(),
            ..ok.clone()
        };
        assert_eq!(
            other.check("contoso.com")["email"][0].code,
            "email_domain_mismatch"
        );
        let consumer = NewUserRequest {
            email: "ana@gmail.com".into(),
            ..ok.clone()
        };
        assert_eq!(
            consumer.check("contoso.com")["email"][0].code,
            "email_consumer"
        );
        let blank = NewUserRequest::default();
        let e = blank.check("contoso.com");
        assert!(
            e.contains_key("first_name") && e.contains_key("last_name") && e.contains_key("email")
        );
    }

    #[test]
    fn a_new_password_follows_the_rules_and_differs_from_the_old() {
        let req = |cur: &str, new: &str| ChangePasswordRequest {
            current_password: cur.into(),
            new_password: new.into(),
        };
        assert!(req("Temp-0000-aaaa", "blue-kettle-71-orbit")
            .check("mei@contoso.com")
            .is_empty());
        assert_eq!(
            req("Temp-0000-aaaa", "short").check("mei@contoso.com")["new_password"][0].code,
            "password_too_short"
        );
        assert_eq!(
            req("blue-kettle-71-orbit", "blue-kettle-71-orbit").check("mei@contoso.com")
                ["new_password"][0]
                .code,
            "password_unchanged"
        );
        assert_eq!(
            req("", "blue-kettle-71-orbit").check("mei@contoso.com")["current_password"][0].code,
            "required"
        );
    }
}

//! Editing the partner profile after enrollment (SPEC §4–§5): who may, what
//! may change, and which verification checks a change sends back to Pending.

use serde::{Deserialize, Serialize};

use crate::enrollment::{EnrollRequest, LegalBusinessProfile, PartnerAccount, PrimaryContact};
use crate::types::Role;
use crate::validation::push;
use crate::FieldErrors;

/// Roles that may edit the legal business profile and primary contact.
pub fn can_edit_profile(roles: &[Role]) -> bool {
    roles.iter().any(|r| {
        matches!(
            r,
            Role::GlobalAdmin
                | Role::AccountAdmin
                | Role::BusinessProfileAdmin
                | Role::MpnPartnerAdmin
        )
    })
}

/// `PUT /partner-account/profile`: the whole profile and contact as they
/// should be. Field errors are keyed `profile.<field>` and `contact.<field>`.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    pub profile: LegalBusinessProfile,
    pub contact: PrimaryContact,
}

/// What an accepted update changes beyond the stored fields.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProfileEffects {
    /// Legal name or address changed: business verification runs again.
    pub business: bool,
    /// The contact's email changed: a new link goes to the new address.
    pub email: bool,
    /// The email moved to another domain: employment is checked again.
    pub employment: bool,
}

impl ProfileEffects {
    pub fn any(self) -> bool {
        self.business || self.email || self.employment
    }
}

impl ProfileUpdate {
    pub fn normalized(&self) -> Self {
        let profile = self.profile.normalized();
        let contact = self.contact.normalized(&profile.country);
        ProfileUpdate { profile, contact }
    }

    /// Every rule, against the account as stored: the field rules of
    /// enrollment, then what can no longer change. The country and DUNS
    /// number identify the registration and stay as enrolled; the legal
    /// name is locked once the account has been authorized.
    pub fn check(&self, current: &PartnerAccount) -> Result<ProfileEffects, FieldErrors> {
        let mut errors = EnrollRequest {
            profile: self.profile.clone(),
            contact: self.contact.clone(),
        }
        .check();
        let new = self.normalized();
        let old = &current.profile;
        if new.profile.country != old.country {
            push(&mut errors, "profile.country", "locked");
        }
        if new.profile.duns != old.duns {
            push(&mut errors, "profile.duns", "locked");
        }
        let name_changed = new.profile.legal_name != old.legal_name;
        if name_changed && current.legal_name_locked {
            errors
                .entry("profile.legal_name".into())
                .or_default()
                .clear();
            push(&mut errors, "profile.legal_name", "legal_name_locked");
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let p = &new.profile;
        let address_changed = (&p.line1, &p.line2, &p.city, &p.state, &p.postal_code)
            != (
                &old.line1,
                &old.line2,
                &old.city,
                &old.state,
                &old.postal_code,
            );
        let email = new.contact.email != current.contact.email;
        let domain = |e: &str| e.rsplit_once('@').map(|(_, d)| d.to_owned());
        Ok(ProfileEffects {
            business: name_changed || address_changed,
            email,
            employment: email && domain(&new.contact.email) != domain(&current.contact.email),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enrollment::{
        CheckKind, CheckStatus, ProgramStatus, VerificationCheck, VettingStatus,
    };

    fn account(locked: bool) -> PartnerAccount {
        PartnerAccount {
            mpn_id: "1234567".into(),
            profile: LegalBusinessProfile {
                country: "US".into(),
                duns: None,
                legal_name: "Contoso Ltd.".into(),
                line1: "1 Microsoft Way".into(),
                line2: String::new(),
                city: "Redmond".into(),
                state: "WA".into(),
                postal_code: "98052".into(),
            },
            contact: PrimaryContact {
                first_name: "Mei".into(),
                last_name: "Lin".into(),
                email: "mei@contoso.com".into(),
                phone: "+14255550100".into(),
            },
            vetting_status: if locked {
                VettingStatus::Authorized
            } else {
                VettingStatus::Pending
            },
            checks: vec![VerificationCheck {
                kind: CheckKind::Business,
                status: CheckStatus::Verified,
                reason: None,
            }],
            program_status: ProgramStatus::PendingVerification,
            created_at: 0,
            agreements: vec![],
            legal_name_locked: locked,
            email_bounce: None,
        }
    }

    fn update(a: &PartnerAccount) -> ProfileUpdate {
        ProfileUpdate {
            profile: a.profile.clone(),
            contact: a.contact.clone(),
        }
    }

    #[test]
    fn only_profile_roles_may_edit() {
        assert!(can_edit_profile(&[Role::GlobalAdmin]));
        assert!(can_edit_profile(&[
            Role::ReportViewer,
            Role::BusinessProfileAdmin
        ]));
        assert!(!can_edit_profile(&[Role::AdminAgent, Role::ReportViewer]));
        assert!(!can_edit_profile(&[]));
    }

    #[test]
    fn unchanged_or_cosmetic_edits_touch_no_check() {
        let a = account(true);
        assert_eq!(update(&a).check(&a), Ok(ProfileEffects::default()));
        let mut u = update(&a);
        u.contact.first_name = "May".into();
        u.contact.phone = "+1 425 555 0199".into();
        u.profile.line1 = " 1 Microsoft Way ".into();
        assert!(!u.check(&a).unwrap().any());
    }

    #[test]
    fn address_and_name_changes_rerun_business_verification() {
        let a = account(false);
        let mut u = update(&a);
        u.profile.postal_code = "98053".into();
        assert_eq!(
            u.check(&a),
            Ok(ProfileEffects {
                business: true,
                ..Default::default()
            })
        );
        let mut u = update(&a);
        u.profile.legal_name = "Contoso Pacific Ltd.".into();
        assert!(u.check(&a).unwrap().business);
    }

    #[test]
    fn legal_name_is_locked_once_authorized() {
        let a = account(true);
        let mut u = update(&a);
        u.profile.legal_name = "Fabrikam".into();
        let e = u.check(&a).unwrap_err();
        assert_eq!(e["profile.legal_name"][0].code, "legal_name_locked");
        // Even an invalid new name says why it cannot change at all.
        u.profile.legal_name = String::new();
        let e = u.check(&a).unwrap_err();
        assert_eq!(e["profile.legal_name"].len(), 1);
        assert_eq!(e["profile.legal_name"][0].code, "legal_name_locked");
    }

    #[test]
    fn country_and_duns_stay_as_enrolled() {
        let a = account(false);
        let mut u = update(&a);
        u.profile.country = "TW".into();
        u.profile.duns = Some("123456789".into());
        let e = u.check(&a).unwrap_err();
        assert_eq!(e["profile.country"][0].code, "locked");
        assert_eq!(e["profile.duns"][0].code, "locked");
    }

    #[test]
    fn contact_email_changes_send_a_new_link_and_a_new_domain_rechecks_employment() {
        let a = account(false);
        let mut u = update(&a);
        u.contact.email = "Lin.Mei@Contoso.com".into();
        assert_eq!(
            u.check(&a),
            Ok(ProfileEffects {
                email: true,
                ..Default::default()
            })
        );
        u.contact.email = "mei@fabrikam.com".into();
        assert_eq!(
            u.check(&a),
            Ok(ProfileEffects {
                email: true,
                employment: true,
                business: false
            })
        );
        u.contact.email = "mei@gmail.com".into();
        assert_eq!(
            u.check(&a).unwrap_err()["contact.email"][0].code,
            "email_consumer"
        );
    }
}

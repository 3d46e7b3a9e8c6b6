//! Properties of the shared rules over generated input (proptest): they
//! never panic, normalising is idempotent, what passes once passes again
//! after normalising (the server stores the normalised form and checks it
//! again later), and every error code they emit is a known one.
#![cfg(not(target_arch = "wasm32"))]

use pc_api::validation as v;
use pc_api::{countries, CreateAccountRequest, FieldErrors, LegalBusinessProfile, PrimaryContact};
use proptest::prelude::*;

/// Mostly the characters forms meet, now and then anything at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ a-zA-Z0-9@.+()_%\\-'/\\\\]{0,40}",
        2 => "[ \t\n\u{3000}\u{a0}\u{200b}\u{202e}a-z0-9@.陳美玲ßİıKΩﬁ\u{301}😀０-９Ａ-Ｚ]{0,30}",
        1 => any::<String>(),
        1 => "[a-z]{1,300}",
    ]
}

fn country() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec!["US", "CA", "GB", "DE", "JP", "TW", "CN", "IN", "BR", "HK", "AE"])
            .prop_map(str::to_owned),
        1 => "[a-zA-Z ]{0,3}",
    ]
}

/// Every field error's code has a message of its own (and so a text the
/// app shows), not the catch-all.
fn known_codes(errors: &FieldErrors) -> Result<(), TestCaseError> {
    let fallback = v::default_message("");
    for (field, list) in errors {
        for e in list {
            prop_assert!(
                v::default_message(&e.code) != fallback,
                "{field}: code {:?} has no message of its own",
                e.code
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2_000, ..ProptestConfig::default() })]

    #[test]
    fn no_rule_panics_on_any_input(s in text()) {
        let _ = pc_agreement::answers(&s);
    }

    #[test]
    fn normalising_is_idempotent(s in text(), c in country()) {
        let e = v::normalize_email(&s);
        prop_assert_eq!(v::normalize_email(&e), e.clone());
        let d = v::normalize_domain(&s);
        prop_assert_eq!(v::normalize_domain(&d), d.clone());
        let p = countries::normalize_postal(&s);
        prop_assert_eq!(countries::normalize_postal(&p), p.clone());
        if let Some(duns) = pc_api::normalize_duns(&s) {
            prop_assert_eq!(duns.len(), 9);
            prop_assert_eq!(pc_api::normalize_duns(&duns), Some(duns.clone()));
        }
        if let Some(phone) = countries::normalize_phone(&c, &s) {
            prop_assert!(phone.starts_with('+'));
            prop_assert_eq!(countries::normalize_phone(&c, &phone), Some(phone.clone()));
        }
    }

    #[test]
    fn a_valid_profile_stays_valid_once_normalised(
        c in country(), name in text(), line1 in text(), line2 in text(),
        city in text(), state in text(), postal in text(), duns in proptest::option::of(text()),
    ) {
        let p = LegalBusinessProfile {
            country: c, duns, legal_name: name, line1, line2, city, state, postal_code: postal,
        };
        let n = p.normalized();
        prop_assert_eq!(n.normalized(), n.clone());
        let errors = p.check();
        known_codes(&errors)?;
        if errors.is_empty() {
            prop_assert_eq!(n.check(), FieldErrors::new());
        }
    }

    #[test]
    fn a_valid_contact_stays_valid_once_normalised(
        c in country(), first in text(), last in text(), email in text(), phone in text(),
    ) {
        let contact = PrimaryContact { first_name: first, last_name: last, email, phone };
        let n = contact.normalized(&c);
        prop_assert_eq!(n.normalized(&c), n.clone());
        let errors = contact.check(&c);
        known_codes(&errors)?;
        if errors.is_empty() {
            prop_assert_eq!(n.check(&c), FieldErrors::new());
        }
    }

    #[test]
    fn a_valid_account_request_stays_valid_once_normalised(
        domain in text(), first in text(), last in text(), email in text(), password in text(),
    ) {
        let r = CreateAccountRequest {
            company_domain: domain, first_name: first, last_name: last, email, password,
        };
        let n = r.normalized();
        prop_assert_eq!(n.normalized(), n.clone());
        let errors = r.check();
        known_codes(&errors)?;
        if errors.is_empty() {
            prop_assert_eq!(n.check(), FieldErrors::new());
        }
    }

    /// A generated valid request, not just random text: mostly-valid input
    /// with one field disturbed reaches the rules past their first check.
    #[test]
    fn a_valid_account_with_one_field_changed_is_judged_by_that_field_alone(
        field in 0usize..5, s in text(),
    ) {
        let mut r = CreateAccountRequest {
            company_domain: "contoso.com".into(),
            first_name: "Mei".into(),
            last_name: "Chen".into(),
            email: "mei@contoso.com".into(),
            password: "blue-kettle-71-orbit".into(),
        };
        prop_assert_eq!(r.check(), FieldErrors::new());
        let name = ["company_domain", "first_name", "last_name", "email", "password"][field];
        *[&mut r.company_domain, &mut r.first_name, &mut r.last_name, &mut r.email, &mut r.password]
            .into_iter().nth(field).unwrap() = s;
        let errors = r.check();
        known_codes(&errors)?;
        // The domain and email are checked against each other, so a change
        // of one may flag the other; nothing else is touched.
        for key in errors.keys() {
            let related = matches!((name, key.as_str()), ("company_domain", "email") | ("email", "password"));
            prop_assert!(key == name || related, "{} changed, {} flagged: {:?}", name, key, errors);
        }
    }
}

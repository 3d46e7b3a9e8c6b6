//! The whole enrollment journey with the keyboard alone — Tab, Shift+Tab,
//! Space, Enter and the arrow keys, plus typing — from Welcome to Done:
//! focus is visible at every stop, lands on the error summary after a
//! failed submit and on the new heading after every step change, the
//! stepper marks the current step and the document title follows.

use fantoccini::Client;
use serde_json::json;

use crate::*;

const ARROW_DOWN: &str = "\u{E015}";

/// What has focus now: `tag`, `id`, text, and whether it sits in the
/// error summary.
async fn focused(c: &Client) -> (String, String, String, bool) {
    let v = c
        .execute(
            "const el = document.activeElement;
             return [el.tagName, el.id, el.textContent.trim(), !!el.closest('.error-summary')];",
            vec![],
        )
        .await
        .unwrap();
    (
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
        v[2].as_str().unwrap_or_default().to_owned(),
        v[3].as_bool().unwrap_or(false),
    )
}

/// A new step has loaded: its heading has focus, the stepper marks it as
/// the current step, and the title names it.
async fn arrived(c: &Client, title: &str, step: Option<&str>) {
    heading(c, title).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (tag, _, text, _) = focused(c).await;
        if tag == "H1" && text == title {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "after moving to {title:?} the focus is on <{tag}> {text:?}, not the heading"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let current = c
        .execute(
            "const li = document.querySelector('.stepper [aria-current=\"step\"] .stepper__name');
             return li ? li.textContent.trim() : null;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        current,
        json!(step),
        "the stepper's current step on {title:?}"
    );
    let doc_title = c.execute("return document.title", vec![]).await.unwrap();
    assert!(
        doc_title.as_str().unwrap_or_default().starts_with(title)
            || step.is_some_and(|s| doc_title.as_str().unwrap_or_default().contains(s)),
        "document.title {doc_title} does not announce {title:?}"
    );
}

/// Presses Enter on the focused submit button and expects the error
/// summary to take focus.
async fn submit_expecting_errors(c: &Client) {
    press(c, ENTER).await;
    find(
        c,
        "//*[contains(@class,'error-summary') and not(@hidden)]//a",
    )
    .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let (tag, id, text, in_summary) = focused(c).await;
        if in_summary {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "after a failed submit the focus is on <{tag} id={id:?}> {text:?}, not the error summary"
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn the_whole_journey_works_with_the_keyboard_alone() {
    e2e("en-US", |c, server| async move {
        let url = server.lock().await.url();
        c.goto(&format!("{url}/enroll")).await.unwrap();
        heading(&c, "Enroll in Partner Center").await;

        // The skip link comes first and takes the user to the content.
        press(&c, TAB).await;
        let (_, _, text, _) = focused(&c).await;
        assert_eq!(text, "Skip to main content", "the first Tab stop");

        tab_to(&c, "el.textContent.trim() === 'Next'").await;
        press(&c, ENTER).await;
        arrived(&c, "Work account", Some("Work account")).await;

        tab_to(&c, "el.textContent.trim() === 'Create one'").await;
        press(&c, ENTER).await;
        find(&c, "//h2[normalize-space(.)='Create a work account']").await;
        tab_to(&c, "el.type === 'submit'").await;
        submit_expecting_errors(&c).await;
        // The summary's links lead to the fields: Enter on the first one.
        tab_to(&c, "el.closest('.error-summary') && el.tagName === 'A'").await;
        press(&c, ENTER).await;
        let (_, id, _, _) = focused(&c).await;
        assert_eq!(
            id, "field-company_domain",
            "the summary link focuses its field"
        );
        let described = c
            .execute(
                "const el = document.activeElement;
                 return (el.getAttribute('aria-describedby') || '').split(' ')
                   .map(id => document.getElementById(id)).filter(Boolean)
                   .map(e => e.textContent.trim()).join(' | ');",
                vec![],
            )
            .await
            .unwrap();
        assert!(
            described.as_str().unwrap_or_default().contains("Error:"),
            "the field's error is tied to it with aria-describedby: {described}"
        );
        press(&c, "contoso.com").await;
        press(&c, TAB).await;
        press(&c, "Mei-Ling").await;
        press(&c, TAB).await;
        press(&c, "Chen").await;
        press(&c, TAB).await;
        press(&c, "mei@contoso.com").await;
        tab_to(&c, "el.id === 'field-password'").await;
        press(&c, PASSWORD).await;
        // Shift+Tab goes back to the email, which kept what was typed.
        press(&c, SHIFT_TAB).await;
        let (_, id, _, _) = focused(&c).await;
        assert!(
            id == "field-email" || id.is_empty(),
            "Shift+Tab went to {id:?}"
        );
        tab_to(&c, "el.type === 'submit'").await;
        press(&c, ENTER).await;
        see(&c, "You're signed in as Mei-Ling Chen.").await;
        tab_to(&c, "el.textContent.trim() === 'Continue enrollment'").await;
        press(&c, ENTER).await;

        // Company: filter the countries, pick with the arrow keys, choose
        // "by hand" with the arrow keys in the radio group.
        arrived(&c, "Legal business profile", Some("Legal business profile")).await;
        tab_to(&c, "el.id === 'country-filter'").await;
        press(&c, "Taiwan").await;
        press(&c, TAB).await;
        press(&c, ARROW_DOWN).await;
        let country = c
            .execute(
                "return document.getElementById('field-country').value",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            country,
            json!("TW"),
            "ArrowDown in the filtered list picks Taiwan"
        );
        tab_to(&c, "el.type === 'radio'").await;
        press(&c, ARROW_DOWN).await;
        let mode = c
            .execute(
                "return document.querySelector('input[name=mode]:checked').value",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(
            mode,
            json!("manual"),
            "ArrowDown moves to the next radio button"
        );
        tab_to(&c, "el.type === 'submit'").await;
        submit_expecting_errors(&c).await;
        tab_to(&c, "el.id === 'field-legal_name'").await;
        press(&c, "台灣康拓股份有限公司").await;
        tab_to(&c, "el.id === 'field-line1'").await;
        press(&c, "信義路五段7號").await;
        tab_to(&c, "el.id === 'field-city'").await;
        press(&c, "台北市").await;
        tab_to(&c, "el.id === 'field-postal_code'").await;
        press(&c, "110").await;
        tab_to(&c, "el.type === 'submit'").await;
        press(&c, ENTER).await;

        arrived(&c, "Primary contact", Some("Primary contact")).await;
        tab_to(&c, "el.id === 'field-first_name'").await;
        press(&c, "Wei").await;
        press(&c, TAB).await;
        press(&c, "Chen").await;
        press(&c, TAB).await;
        press(&c, "wei@contoso.com").await;
        tab_to(&c, "el.type === 'submit'").await;
        press(&c, ENTER).await;

        arrived(&c, "Check your answers", Some("Check your answers")).await;
        see(&c, "台灣康拓股份有限公司").await;
        tab_to(&c, "el.textContent.trim() === 'Enroll now'").await;
        press(&c, ENTER).await;

        arrived(&c, "Microsoft Partner Network agreement", Some("Agreement")).await;
        tab_to(&c, "el.type === 'submit'").await;
        submit_expecting_errors(&c).await;
        tab_to(&c, "el.type === 'checkbox'").await;
        press(&c, " ").await;
        let ticked = c
            .execute("return document.activeElement.checked", vec![])
            .await
            .unwrap();
        assert_eq!(ticked, json!(true), "Space ticks the checkbox");
        tab_to(&c, "el.type === 'submit'").await;
        press(&c, ENTER).await;

        arrived(&c, "You're enrolled", Some("Confirmation")).await;
        see(&c, "Your MPN ID:").await;
        let accounts = server.lock().await.mailbox().await;
        assert!(
            accounts.iter().any(|m| m["to"] == "wei@contoso.com"),
            "the contact was emailed"
        );
    })
    .await;
}

//! Component tests in a real headless browser (wasm-bindgen-test): each
//! mounts one piece of the app and checks what a user and a screen reader get.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use partner_center::components::{ErrorSummary, Stepper, TextField};
use partner_center::enroll::steps::Step;
use partner_center::form::Shown;
use partner_center::host::Host;
use partner_center::i18n::{I18n, Locale};
use pc_api::validation::push;
use pc_api::FieldErrors;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Lets leptos apply pending DOM updates.
async fn tick() {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 20)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
}

/// Mounts `f` into a fresh element of its own and returns that element.
fn mount<F, V>(f: F) -> web_sys::HtmlElement
where
    F: FnOnce(I18n) -> V + 'static,
    V: IntoView + 'static,
{
    let doc = document();
    let root: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&root).unwrap();
    mount_into(root.clone(), f);
    root
}

/// Mounts `f` into an element inside a fresh shadow root, as the
/// `<partner-center-app>` element does; returns that element.
fn mount_in_shadow<F, V>(f: F) -> (web_sys::HtmlElement, web_sys::ShadowRoot)
where
    F: FnOnce(I18n) -> V + 'static,
    V: IntoView + 'static,
{
    let doc = document();
    let host: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&host).unwrap();
    let shadow = host
        .attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))
        .unwrap();
    let root: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    shadow.append_child(&root).unwrap();
    mount_into(root.clone(), f);
    (root, shadow)
}

fn mount_into<F, V>(root: web_sys::HtmlElement, f: F)
where
    F: FnOnce(I18n) -> V + 'static,
    V: IntoView + 'static,
{
    let r = root.clone();
    leptos::mount::mount_to(root, move || {
        let i18n = I18n::new(Locale::EnUs);
        provide_context(i18n);
        provide_context(Host::new(r, false, String::new()));
        f(i18n)
    })
    .forget();
}

fn q(root: &web_sys::HtmlElement, selector: &str) -> web_sys::HtmlElement {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("no {selector}"))
        .unchecked_into()
}

#[wasm_bindgen_test]
async fn text_field_ties_label_hint_and_error_to_the_input() {
    let value = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let root = mount(move |_| {
        view! {
            <TextField name="email" label="create-email" hint="create-email-hint" value=value error=error />
        }
    });
    tick().await;
    let input = q(&root, "input");
    let label = q(&root, "label");
    assert_eq!(label.get_attribute("for").unwrap(), input.id());
    assert_eq!(label.text_content().unwrap(), "Work email");
    assert_eq!(
        input.get_attribute("aria-invalid").as_deref(),
        Some("false")
    );
    assert_eq!(
        input.get_attribute("aria-describedby").as_deref(),
        Some("field-email-hint")
    );

    error.set(Some("Use your work email.".into()));
    tick().await;
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    let described = input.get_attribute("aria-describedby").unwrap();
    assert!(described.contains("field-email-error"), "{described}");
    assert!(q(&root, "#field-email-error")
        .text_content()
        .unwrap()
        .contains("Use your work email."));

    let el: web_sys::HtmlInputElement = input.unchecked_into();
    el.set_value("mei@contoso.com");
    el.dispatch_event(&web_sys::Event::new("input").unwrap())
        .unwrap();
    assert_eq!(value.get_untracked(), "mei@contoso.com");
    root.remove();
}

#[wasm_bindgen_test]
async fn password_field_can_be_revealed_and_hidden() {
    let value = RwSignal::new("secret sentence".to_owned());
    let root = mount(move |_| {
        view! {
            <TextField name="password" label="create-password" input_type="password" revealable=true value=value error=Signal::derive(|| None::<String>) />
        }
    });
    tick().await;
    let input = q(&root, "input");
    let button = q(&root, "button");
    assert_eq!(input.get_attribute("type").as_deref(), Some("password"));
    button.click();
    tick().await;
    assert_eq!(input.get_attribute("type").as_deref(), Some("text"));
    assert_eq!(
        button.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    assert_eq!(button.text_content().unwrap(), "Hide");
    root.remove();
}

#[wasm_bindgen_test]
async fn error_summary_lists_errors_and_its_links_focus_the_fields() {
    let shown = RwSignal::new(Shown::default());
    let value = RwSignal::new(String::new());
    let root = mount(move |i18n| {
        let node = NodeRef::new();
        view! {
            <ErrorSummary shown=shown node_ref=node />
            <TextField name="company_domain" label="create-domain" value=value error=Signal::derive(move || {
                shown.with(|s| s.for_field("company_domain").map(|e| i18n.error_text(&e.code, &e.message)))
            }) />
        }
    });
    tick().await;
    let summary = q(&root, ".error-summary");
    assert!(summary.has_attribute("hidden"));

    let mut errors = FieldErrors::new();
    push(&mut errors, "company_domain", "domain_consumer");
    shown.set(Shown::from_field_errors(&errors, &["company_domain"]));
    tick().await;
    assert!(!summary.has_attribute("hidden"));
    assert_eq!(summary.get_attribute("role").as_deref(), Some("alert"));
    let link = q(&root, ".error-summary a");
    assert_eq!(
        link.get_attribute("href").as_deref(),
        Some("#field-company_domain")
    );
    assert_eq!(
        link.text_content().unwrap(),
        "Enter your company's own domain, not a personal mailbox provider."
    );
    link.click();
    let active = document().active_element().unwrap();
    assert_eq!(active.id(), "field-company_domain");
    root.remove();
}

#[wasm_bindgen_test]
async fn inside_a_shadow_root_summary_links_still_focus_their_fields() {
    let shown = RwSignal::new(Shown::default());
    let value = RwSignal::new(String::new());
    let (root, shadow) = mount_in_shadow(move |i18n| {
        let node = NodeRef::new();
        view! {
            <ErrorSummary shown=shown node_ref=node />
            <TextField name="company_domain" label="create-domain" value=value error=Signal::derive(move || {
                shown.with(|s| s.for_field("company_domain").map(|e| i18n.error_text(&e.code, &e.message)))
            }) />
        }
    });
    let mut errors = FieldErrors::new();
    push(&mut errors, "company_domain", "domain_consumer");
    shown.set(Shown::from_field_errors(&errors, &["company_domain"]));
    tick().await;
    // document.getElementById cannot see into the shadow root; the app
    // looks from its own root.
    assert!(document()
        .get_element_by_id("field-company_domain")
        .is_none());
    q(&root, ".error-summary a").click();
    let active = shadow
        .active_element()
        .expect("focus is inside the shadow root");
    assert_eq!(active.id(), "field-company_domain");
    root.remove();
}

#[wasm_bindgen_test]
async fn switching_the_locale_rerenders_the_text() {
    let locale = RwSignal::new(Locale::EnUs);
    let root = mount(move |i18n| {
        Effect::new(move |_| i18n.locale.set(locale.get()));
        view! { <h1>{move || i18n.t("account-title")}</h1> }
    });
    tick().await;
    assert_eq!(q(&root, "h1").text_content().unwrap(), "Work account");
    locale.set(Locale::ZhTw);
    tick().await;
    assert_eq!(q(&root, "h1").text_content().unwrap(), "公司帳戶");
    root.remove();
}

#[wasm_bindgen_test]
async fn stepper_marks_the_current_step_for_screen_readers() {
    let root = mount(|_| view! { <Stepper current=Some(Step::Contact) /> });
    tick().await;
    let current = q(&root, "[aria-current=step]");
    assert!(current.text_content().unwrap().contains("Primary contact"));
    assert_eq!(
        q(&root, ".stepper__compact").text_content().unwrap(),
        "Step 3 of 6"
    );
    let done = root
        .query_selector_all(".stepper__item--done")
        .unwrap()
        .length();
    assert_eq!(done, 2);
    assert_eq!(
        q(&root, "nav").get_attribute("aria-label").as_deref(),
        Some("Enrollment progress")
    );
    root.remove();
}

/// A host page that drops the handle `mount()` gave it keeps its app (the
/// garbage collector frees such a handle at any moment); `unmount()` alone
/// removes the app.
#[wasm_bindgen_test]
async fn an_embedded_app_outlives_its_handle_until_unmounted() {
    let doc = document();
    let options = r#"{"apiBaseUrl": "http://127.0.0.1:9", "basePath": "/embedded"}"#;
    let kept: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&kept).unwrap();
    // What the collector does to a dropped handle: it frees the Rust value
    // (here at once).
    let _ = partner_center::mount_app(kept.clone(), options);
    tick().await;
    assert!(
        kept.child_element_count() > 0,
        "the app went away with its handle"
    );

    let removed: web_sys::HtmlElement = doc.create_element("div").unwrap().unchecked_into();
    doc.body().unwrap().append_child(&removed).unwrap();
    let app = partner_center::mount_app(removed.clone(), options);
    tick().await;
    assert!(removed.child_element_count() > 0);
    app.unmount();
    tick().await;
    assert_eq!(removed.child_element_count(), 0, "unmount() left the app");
}

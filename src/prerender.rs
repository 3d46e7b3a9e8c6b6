//! The static first paint. The release build opens every page of the app
//! in headless Chromium with `#pc-prerender=<locale>` and saves what it
//! renders as that page's HTML (`cargo xtask`, see the README), so a
//! visitor sees the page before any script runs. When the app starts on
//! such a page, it renders itself off-screen, waits until it shows what
//! the static page shows, then swaps the two in one step — so nothing
//! moves — carrying over what the person typed, where their focus and
//! cursor were, and a form they submitted meanwhile (which `early.js`
//! held back).

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use crate::i18n::Locale;

const HASH_PREFIX: &str = "#pc-prerender=";

/// Marks what a page shows only while it waits for the first answer about
/// the session: the app does not take a static page over while any element
/// carries it.
pub const WAIT_ATTR: &str = "data-pc-wait";

/// The locale this run renders for the static build, if it is that run:
/// then the app calls no API, stores nothing and renders the visitor
/// without a session.
pub fn prerendering() -> Option<Locale> {
    let hash = window().location().hash().ok()?;
    Locale::from_tag(hash.strip_prefix(HASH_PREFIX)?)
}

/// Whether `body` is a static page of the build (rather than the shell).
pub fn is_static_page(body: &HtmlElement) -> bool {
    body.has_attribute("data-pc-static")
}

/// One form control's state on the static page.
struct Typed {
    id: String,
    /// Position among the page's form controls, for those without an id.
    index: usize,
    value: String,
    checked: bool,
}

fn controls(root: &Element) -> Vec<Element> {
    let Ok(list) = root.query_selector_all("input, select, textarea") else {
        return vec![];
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn value_of(el: &Element) -> (String, bool) {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        (i.value(), i.checked())
    } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        (s.value(), false)
    } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        (t.value(), false)
    } else {
        (String::new(), false)
    }
}

/// Whether the person changed `el` on the static page: only those values
/// carry over, so an empty static field never overwrites what the app
/// restored (a draft, a prefilled signer).
fn touched(el: &Element) -> bool {
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        let kind = i.type_();
        if kind == "checkbox" || kind == "radio" {
            return i.checked() != i.default_checked();
        }
        return i.value() != i.default_value();
    }
    if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        let options = s.options();
        let default = (0..options.length())
            .find(|&i| options.item(i).is_some_and(|o| o.has_attribute("selected")))
            .unwrap_or(0);
        return s.selected_index() != default as i32;
    }
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        return t.default_value().is_ok_and(|d| t.value() != d);
    }
    false
}

fn set_value(el: &Element, value: &str, checked: bool) -> bool {
    let (now, was_checked) = value_of(el);
    if let Some(i) = el.dyn_ref::<HtmlInputElement>() {
        let kind = i.type_();
        if kind == "checkbox" || kind == "radio" {
            if was_checked == checked {
                return false;
            }
            i.set_checked(checked);
            return true;
        }
        if now == value || kind == "file" {
            return false;
        }
        i.set_value(value);
    } else if let Some(s) = el.dyn_ref::<web_sys::HtmlSelectElement>() {
        if now == value {
            return false;
        }
        s.set_value(value);
    } else if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        if now == value {
            return false;
        }
        t.set_value(value);
    } else {
        return false;
    }
    true
}

fn fire(el: &Element, name: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    if let Ok(ev) = web_sys::Event::new_with_event_init_dict(name, &init) {
        let _ = el.dispatch_event(&ev);
    }
}

/// Renders the app into `holder` (outside the document) and, once it shows
/// its page, swaps it for the static page in `body`.
pub fn take_over(body: HtmlElement, holder: HtmlElement) {
    let started = js_sys::Date::now();
    fn ready(holder: &HtmlElement) -> bool {
        let has_heading = holder.query_selector("h1").ok().flatten().is_some();
        let waiting = holder
            .query_selector(&format!("[{WAIT_ATTR}]"))
            .ok()
            .flatten()
            .is_some();
        has_heading && !waiting
    }
    fn attempt(body: HtmlElement, holder: HtmlElement, started: f64) {
        // At most 3 s: past that, a changed page beats a stuck one.
        if ready(&holder) || js_sys::Date::now() - started > 3000.0 {
            swap(&body, &holder);
        } else {
            request_animation_frame(move || attempt(body, holder, started));
        }
    }
    attempt(body, holder, started);
}

fn swap(body: &HtmlElement, holder: &HtmlElement) {
    let html = document().document_element();
    // What the person did on the static page, read at the last moment.
    let typed: Vec<Typed> = controls(body)
        .iter()
        .enumerate()
        .filter(|(_, el)| touched(el))
        .map(|(index, el)| {
            let (value, checked) = value_of(el);
            Typed {
                id: el.id(),
                index,
                value,
                checked,
            }
        })
        .collect();
    let active = document().active_element();
    let focus_index = active
        .as_ref()
        .and_then(|a| controls(body).iter().position(|c| c == a));
    let focus_id = active.as_ref().map(Element::id).filter(|id| !id.is_empty());
    let selection = active
        .as_ref()
        .and_then(|a| a.dyn_ref::<HtmlInputElement>())
        .and_then(|i| {
            Some((
                i.selection_start().ok().flatten()?,
                i.selection_end().ok().flatten()?,
            ))
        });

    // One DOM operation, with no loop that a failed step could keep alive.
    let rendered = holder.child_nodes();
    let nodes = js_sys::Array::new();
    for i in 0..rendered.length() {
        if let Some(n) = rendered.item(i) {
            nodes.push(&n);
        }
    }
    body.replace_children_with_node(&nodes);
    let _ = body.remove_attribute("data-pc-static");
    if let Some(html) = &html {
        let _ = html.set_attribute("data-pc-live", "");
    }

    // The app's own controls, found by id or else by position.
    let now = controls(body);
    let find = |id: &str, index: usize| {
        if id.is_empty() {
            now.get(index).cloned()
        } else {
            document().get_element_by_id(id)
        }
    };
    for t in &typed {
        if let Some(el) = find(&t.id, t.index) {
            if set_value(&el, &t.value, t.checked) {
                fire(&el, "input");
                fire(&el, "change");
            }
        }
    }
    let target = match (&focus_id, focus_index) {
        (Some(id), _) => document().get_element_by_id(id),
        (None, Some(i)) => now.get(i).cloned(),
        _ => None,
    };
    if let Some(el) = target.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = el.focus();
        if let (Some((start, end)), Some(input)) = (selection, el.dyn_ref::<HtmlInputElement>()) {
            // Not every input type has a selection (email, number).
            let _ = input.set_selection_range(start, end);
        }
    }

    // A form submitted before the app was ready is submitted now.
    if let Some(html) = &html {
        if let Some(i) = html
            .get_attribute("data-pc-submit")
            .and_then(|v| v.parse::<u32>().ok())
        {
            let _ = html.remove_attribute("data-pc-submit");
            let form = document()
                .forms()
                .item(i)
                .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok());
            if let Some(form) = form {
                // After this frame, so the restored values are read first.
                request_animation_frame(move || {
                    let _ = form.request_submit();
                });
            }
        }
    }
}

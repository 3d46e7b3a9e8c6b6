//! Where the app runs: the whole page (standalone) or an element of a host
//! page (embedded). Everything that could reach outside the app goes
//! through here — links and navigation under the base path, focus within
//! the app's own root (which may be inside a shadow root), the `lang`
//! attribute, the document title and scrolling — so an embedded app leaves
//! the host's page alone.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy)]
pub struct Host {
    /// Mounted into a host page rather than owning the document.
    pub embedded: bool,
    root: StoredValue<web_sys::HtmlElement, LocalStorage>,
    /// The router's base path: "" or e.g. "/portal/partners".
    base: StoredValue<String>,
}

pub fn use_host() -> Host {
    expect_context::<Host>()
}

impl Host {
    pub fn new(root: web_sys::HtmlElement, embedded: bool, base: String) -> Self {
        if embedded {
            // The router scrolls the window to the top after a link is
            // followed unless the link says `data-noscroll`; inside a host
            // page every link of the app says so (this runs before the
            // router's listener on the window).
            let mark = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::Event)>::new(
                |ev: web_sys::Event| {
                    let link = ev
                        .target()
                        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                        .and_then(|t| t.closest("a[href]").ok().flatten());
                    if let Some(a) = link {
                        let _ = a.set_attribute("data-noscroll", "");
                    }
                },
            );
            let _ = root.add_event_listener_with_callback("click", mark.as_ref().unchecked_ref());
            mark.forget();
        }
        Host {
            embedded,
            root: StoredValue::new_local(root),
            base: StoredValue::new(base),
        }
    }

    /// The URL path of one of the app's routes, e.g. "/enroll" →
    /// "/portal/partners/enroll".
    pub fn href(&self, path: &str) -> String {
        self.base.with_value(|b| format!("{b}{path}"))
    }

    /// A URL path without the base, if it starts with it: the app's route.
    pub fn strip_base(&self, path: &str) -> String {
        self.base.with_value(|b| {
            path.strip_prefix(b.as_str())
                .filter(|rest| rest.is_empty() || rest.starts_with('/') || rest.starts_with('?'))
                .unwrap_or(path)
                .to_owned()
        })
    }

    /// Options for a step to another route: an embedded app does not
    /// scroll the host page to its top (the new page's heading takes focus,
    /// which brings the app into view).
    pub fn go(&self) -> NavigateOptions {
        NavigateOptions {
            scroll: !self.embedded,
            ..Default::default()
        }
    }

    /// The same, replacing the current history entry.
    pub fn redirect(&self) -> NavigateOptions {
        NavigateOptions {
            replace: true,
            ..self.go()
        }
    }

    fn find(&self, selector: &str) -> Option<web_sys::HtmlElement> {
        self.root.with_value(|r| {
            r.query_selector(selector)
                .ok()
                .flatten()
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        })
    }

    /// Moves keyboard focus to the app's element with `id`, if it exists.
    pub fn focus(&self, id: &str) {
        if let Some(el) = self.find(&format!("#{id}")) {
            let _ = el.focus();
        }
    }

    /// After a route change: focus the new page's heading, unless the
    /// person is already typing into a field. Pages that wait for data
    /// render their heading a little later, so this looks for a few frames.
    pub fn focus_heading_soon(self) {
        fn attempt(host: Host, frames_left: u8) {
            request_animation_frame(move || {
                if host.typing() {
                    return;
                }
                match host.find(".page-heading") {
                    Some(h) => {
                        let _ = h.focus();
                    }
                    None if frames_left > 0 => attempt(host, frames_left - 1),
                    None => {}
                }
            });
        }
        attempt(self, 30);
    }

    /// Whether focus is in a form control of the app.
    fn typing(&self) -> bool {
        let active = self.root.with_value(|r| {
            let node: &web_sys::Node = r.as_ref();
            match node.get_root_node().dyn_into::<web_sys::ShadowRoot>() {
                Ok(shadow) => shadow.active_element(),
                Err(_) => document().active_element(),
            }
        });
        active.is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"))
    }

    /// The language of the app's text: on its root, and on `<html>` when
    /// the app owns the page.
    pub fn set_lang(&self, tag: &str) {
        self.root.with_value(|r| {
            let _ = r.set_attribute("lang", tag);
        });
        if !self.embedded {
            if let Some(html) = document().document_element() {
                let _ = html.set_attribute("lang", tag);
            }
        }
    }

    /// The document title belongs to the host page when embedded.
    pub fn set_title(&self, title: &str) {
        if !self.embedded {
            document().set_title(title);
        }
    }
}

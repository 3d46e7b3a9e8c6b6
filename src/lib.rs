//! Partner Center enrollment: the single-page app. `App` holds the frame
//! and the route table; `start` reads the runtime configuration and mounts.

pub mod api;
pub mod components;
pub mod config;
pub mod dashboard;
pub mod enroll;
pub mod form;
pub mod host;
pub mod i18n;
pub mod intl;
pub mod page;
pub mod prerender;
pub mod session;
pub mod split;
pub mod verify;

use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::Api;
use crate::components::{RetryBanner, SiteFooter, SiteHeader};
use crate::config::Config;
use crate::dashboard::DashboardLayout;
use crate::enroll::draft::Enrollment;
use crate::enroll::layout::EnrollLayout;
use crate::enroll::welcome::Welcome;
use crate::host::Host;
use crate::i18n::{I18n, Locale};
use crate::page::NotFound;
use crate::session::Auth;

const LOCALE_KEY: &str = "pc-locale";

fn local_storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn browser_languages() -> Vec<String> {
    window()
        .navigator()
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

/// The app in `root`: the page's `<body>` (standalone) or an element of a
/// host page (`embedded`).
#[component]
pub fn App(config: Config, root: web_sys::HtmlElement, embedded: bool) -> impl IntoView {
    let prerendering = prerender::prerendering();
    let stored = local_storage().and_then(|s| s.get_item(LOCALE_KEY).ok().flatten());
    let chosen_before = stored.is_some();
    let locale = prerendering.unwrap_or_else(|| {
        i18n::choose(
            stored.as_deref(),
            &browser_languages(),
            config.default_locale,
            &config.allowed_locales,
        )
    });
    let i18n = I18n::new(locale);
    let api = Api::new(config.clone(), i18n.locale);
    let auth = Auth::new();
    provide_context(i18n);
    provide_context(api.clone());
    provide_context(auth);
    provide_context(config.clone());
    let host = Host::new(root, embedded, config.base_path.clone());
    provide_context(host);
    let enrollment = Enrollment::new();
    provide_context(enrollment);
    if prerendering.is_some() {
        // The build's static page: a visitor without a session. Pages that
        // need one show their frame, still waiting for it.
        let path = host.strip_base(&window().location().pathname().unwrap_or_default());
        if pc_api::routes::Route::find(&path).is_none_or(|r| r.public()) {
            auth.checked.set(true);
        }
    } else {
        auth.refresh(api.clone());
    }

    // A session brings its tenant's draft and partner account with it.
    {
        let api = api.clone();
        Effect::new(move |prev: Option<Option<String>>| {
            // Until a temporary password is replaced, nothing else loads.
            let tenant = auth.session.with(|s| {
                s.as_ref()
                    .filter(|s| !s.must_change_password)
                    .map(|s| s.tenant.id.clone())
            });
            if prev.as_ref() != Some(&tenant) {
                match &tenant {
                    Some(id) => enrollment.load(api.clone(), id.clone()),
                    None => enrollment.reset(),
                }
            }
            tenant
        });
    }

    // The page speaks the chosen language, and remembers it.
    let cookie_path = config.base_path.clone();
    Effect::new(move |prev: Option<Locale>| {
        let l = i18n.locale.get();
        host.set_lang(l.tag());
        if prev.is_some() && prerendering.is_none() {
            if let Some(s) = local_storage() {
                let _ = s.set_item(LOCALE_KEY, l.tag());
            }
        }
        // The server (and a static host's rule) picks the language of the
        // static pages by this cookie, so a choice made here holds from the
        // first paint of the next visit.
        if !embedded && prerendering.is_none() && (prev.is_some() || chosen_before) {
            set_locale_cookie(l.tag(), &cookie_path);
        }
        l
    });

    let retrying = RwSignal::new(false);
    let retry_session = Callback::new(move |_| {
        retrying.set(true);
        auth.refresh(api.clone());
    });
    Effect::new(move |_| {
        if auth.checked.get() {
            retrying.set(false);
        }
    });

    view! {
        <Router base=config.base_path.clone()>
            <a
                class="skip-link"
                href="#pc-main"
                on:click=move |ev| {
                    ev.prevent_default();
                    host.focus("pc-main");
                }
            >
                {i18n.tr("skip-to-main")}
            </a>
            <SiteHeader />
            <RetryBanner
                visible=Signal::derive(move || auth.unreachable.get())
                busy=retrying
                on_retry=retry_session
            />
            <RouteFocus />
            // Inside a host page the app is a labelled region of the
            // host's main content, not a second main landmark.
            <div
                id="pc-main"
                class="main"
                tabindex="-1"
                role=if embedded { "region" } else { "main" }
                aria-label=move || embedded.then(|| i18n.t("product-name"))
            >
                // The paths of `pc_api::routes::Route`, nested under the
                // journey's and the dashboard's layouts.
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=ToWelcome />
                    <ParentRoute path=path!("/enroll") view=EnrollLayout>
                        <Route path=path!("") view=Welcome />
                        <Route path=path!("account") view=split::Account />
                        <Route path=path!("company") view=split::Company />
                        <Route path=path!("contact") view=split::Contact />
                        <Route path=path!("review") view=split::Review />
                        <Route path=path!("agreement") view=split::Agreement />
                        <Route path=path!("done") view=split::Done />
                    </ParentRoute>
                    <Route path=path!("/verify-email/:token") view=split::Verify />
                    <ParentRoute path=path!("/dashboard") view=DashboardLayout>
                        <Route path=path!("") view=split::Overview />
                        <Route path=path!("settings/partner-profile") view=split::Profile />
                        <Route path=path!("settings/users") view=split::Users />
                        <Route path=path!("agreements/:id") view=split::AgreementView />
                    </ParentRoute>
                </Routes>
            </div>
            <SiteFooter />
        </Router>
    }
}

/// Remembers the language for the server's choice of static page.
fn set_locale_cookie(tag: &str, base: &str) {
    let path = if base.is_empty() { "/" } else { base };
    if let Ok(doc) = document().dyn_into::<web_sys::HtmlDocument>() {
        let _ = doc.set_cookie(&format!(
            "{}={tag}; Path={path}; Max-Age=31536000; SameSite=Lax",
            pc_api::routes::LOCALE_COOKIE
        ));
    }
}

/// "/" is the journey's start.
#[component]
fn ToWelcome() -> impl IntoView {
    let host = host::use_host();
    use_navigate()(pc_api::routes::Route::Welcome.path(), host.redirect());
}

/// Moves focus to the new page's heading after each route change.
#[component]
fn RouteFocus() -> impl IntoView {
    let host = host::use_host();
    let path = use_location().pathname;
    Effect::new(move |prev: Option<String>| {
        let p = path.get();
        if prev.is_some_and(|prev| prev != p) {
            split::navigated();
            host.focus_heading_soon();
        }
        p
    });
}

/// Why the app could not start.
#[derive(Clone, Debug)]
pub enum StartError {
    /// `config.json` (or the embedding options) cannot be used: the
    /// site's operator has to correct it.
    Config(String),
    /// `config.json` could not be fetched: the network or the site is
    /// down, and trying again may work.
    Unreachable(String),
}

/// Shown instead of the app when `config.json` could not be fetched: in
/// both languages, since which one to use is not known yet.
#[component]
pub fn UnreachablePage(detail: String) -> impl IntoView {
    view! {
        <main class="main" id="main">
            <section class="card" role="alert">
                <h1>"We couldn't reach Partner Center"</h1>
                <p lang="zh-TW">"無法連線到合作夥伴中心"</p>
                <p>"Check your connection, then try again."</p>
                <p lang="zh-TW">"請檢查網路連線，然後再試一次。"</p>
                <p class="muted">{detail}</p>
                <div class="actions">
                    <button
                        type="button"
                        class="button button--primary"
                        on:click=|_| {
                            let _ = window().location().reload();
                        }
                    >
                        "Try again"
                        <span lang="zh-TW">" · 再試一次"</span>
                    </button>
                </div>
            </section>
        </main>
    }
}

/// Shown instead of the app when its configuration cannot be used.
#[component]
pub fn ConfigErrorPage(message: String) -> impl IntoView {
    view! {
        <main class="main" id="main">
            <section class="card" role="alert">
                <h1>"Partner Center could not start"</h1>
                <p lang="zh-TW">"合作夥伴中心無法啟動"</p>
                <p>"The app's configuration file has a problem. Ask the site's operator to correct it:"</p>
                <pre class="config-error">{message}</pre>
            </section>
        </main>
    }
}

/// Where the app's files are, e.g. "/" or "/portal/partners/": the
/// `pc-base` meta tag of the release build (which has no `<base>`, so a
/// strict `base-uri 'none'` policy holds), else the document's base URL.
fn document_base_path() -> String {
    if let Ok(Some(meta)) = document().query_selector("meta[name=pc-base]") {
        if let Some(path) = meta.get_attribute("content").filter(|p| p.starts_with('/')) {
            return path;
        }
    }
    document()
        .base_uri()
        .ok()
        .flatten()
        .and_then(|u| web_sys::Url::new(&u).ok())
        .map(|u| u.pathname())
        .unwrap_or_else(|| "/".into())
}

/// Reads `config.json` (beside index.html) and mounts the app, or an error page.
pub async fn start() {
    let base = document_base_path();
    let config_url = format!(
        "{}config.json",
        if base.ends_with('/') {
            base.clone()
        } else {
            format!("{base}/")
        }
    );
    let text = match gloo_net::http::Request::get(&config_url)
        .header("Cache-Control", "no-cache")
        .send()
        .await
    {
        Ok(res) if res.ok() => match res.text().await {
            Ok(t) => Ok(Some(t)),
            Err(e) => Err(StartError::Unreachable(format!(
                "config.json could not be read: {e}"
            ))),
        },
        Ok(res) if res.status() == 404 => Ok(None),
        // The site is down or overloaded: a moment later it may answer.
        Ok(res) if res.status() >= 500 => Err(StartError::Unreachable(format!(
            "config.json answered HTTP {}",
            res.status()
        ))),
        Ok(res) => Err(StartError::Config(format!(
            "config.json answered HTTP {}",
            res.status()
        ))),
        Err(e) => Err(StartError::Unreachable(format!(
            "config.json could not be fetched: {e}"
        ))),
    };
    let config =
        text.and_then(|t| Config::parse(t.as_deref(), &base).map_err(|e| StartError::Config(e.0)));
    let body = document().body().expect("the page has a body");
    if prerender::is_static_page(&body) && prerender::prerendering().is_none() {
        // A page the build rendered: the app renders off-screen and takes
        // the page over once it shows the same.
        let holder: web_sys::HtmlElement = document()
            .create_element("div")
            .expect("a div")
            .unchecked_into();
        std::mem::forget(mount_into(holder.clone(), body.clone(), false, config));
        prerender::take_over(body, holder);
        return;
    }
    // Whatever the outcome, the static loading text goes.
    if let Some(el) = document().get_element_by_id("boot") {
        el.remove();
    }
    if let Some(html) = document().document_element() {
        let _ = html.set_attribute("data-pc-live", "");
    }
    std::mem::forget(mount(body, false, config));
}

/// Whether this page is the app's own `index.html` (rather than a host page
/// that embeds the app).
pub fn is_standalone() -> bool {
    document()
        .body()
        .is_some_and(|b| b.has_attribute("data-partner-center"))
}

/// Mounts the app into `root`, or the error page if `config` is unusable.
fn mount(
    root: web_sys::HtmlElement,
    embedded: bool,
    config: Result<Config, StartError>,
) -> leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState> {
    mount_into(root.clone(), root, embedded, config)
}

/// Renders the app (or the error page) into `parent`, for the app's root
/// element `root`: the same element, or the page's body when the app first
/// renders off-screen to take a static page over.
fn mount_into(
    parent: web_sys::HtmlElement,
    root: web_sys::HtmlElement,
    embedded: bool,
    config: Result<Config, StartError>,
) -> leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState> {
    if let Err(e) = &config {
        leptos::logging::error!("{e:?}");
    }
    let r = root;
    mount_to(parent, move || match config.clone() {
        Ok(config) => view! { <App config=config root=r.clone() embedded=embedded /> }.into_any(),
        Err(StartError::Config(message)) => {
            view! { <ConfigErrorPage message=message /> }.into_any()
        }
        Err(StartError::Unreachable(detail)) => {
            view! { <UnreachablePage detail=detail /> }.into_any()
        }
    })
}

type MountedView = leptos::mount::UnmountHandle<leptos::tachys::view::any_view::AnyViewState>;

thread_local! {
    /// The apps mounted into host pages, until their `unmount()`. Held here,
    /// not by the handle the host page gets: a host that drops the handle
    /// (`await mount(...)` and nothing more) must keep its app, however
    /// soon the garbage collector frees the handle.
    static MOUNTED: std::cell::RefCell<std::collections::HashMap<u32, MountedView>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    static NEXT_MOUNT: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// An app mounted into a host page; `unmount()` removes it.
#[wasm_bindgen]
pub struct Mounted {
    id: u32,
}

#[wasm_bindgen]
impl Mounted {
    /// Removes the app from its element and stops it.
    pub fn unmount(self) {
        let view = MOUNTED.with(|m| m.borrow_mut().remove(&self.id));
        drop(view);
    }
}

/// Embeds the app into `root`, an element of a host page (or of a shadow
/// root). `options` is JSON with the keys of `config.json`. Used by
/// `partner-center.js`, which wraps it as `mount()` and as the
/// `<partner-center-app>` custom element.
#[wasm_bindgen(js_name = mountApp)]
pub fn mount_app(root: web_sys::HtmlElement, options: &str) -> Mounted {
    let _ = root.class_list().add_1("pc-app");
    let config = Config::parse_from(Some(options), "/", "the embedding options")
        .map_err(|e| StartError::Config(e.0));
    let view = mount(root, true, config);
    let id = NEXT_MOUNT.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1));
        id
    });
    MOUNTED.with(|m| m.borrow_mut().insert(id, view));
    Mounted { id }
}

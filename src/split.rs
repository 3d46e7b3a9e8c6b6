//! Route-level code splitting. Every page but the journey's welcome (and
//! the layouts and the not-found page) lives in a split, with the pages
//! used together, fetched when a route first needs it: the release build (`cargo xtask`, feature
//! `split`) cuts the wasm at each `#[wasm_split]` function below with
//! `wasm-split-cli`, and each route's static page names the chunks it
//! needs, which the chunk loader starts beside the main module. Without the feature (`trunk serve`, the
//! component tests) the same pages are plain function calls.
//!
//! While a chunk is on its way, an empty placeholder holds the static
//! page's takeover (the layout around it stays); when it cannot be fetched (offline
//! mid-journey), the retry banner says so and fetching again is one click
//! away. Nothing typed is lost: answers live in the draft, not in the page.
//! The placeholder carries `prerender::WAIT_ATTR`, so a static page is
//! taken over only once its page is here.

use std::cell::Cell;
use std::future::Future;

use leptos::prelude::*;
use leptos::task::spawn_local_scoped;

use crate::components::RetryBanner;
use crate::host::use_host;

/// A chunk could not be fetched or instantiated (the browser's console has
/// the details).
#[derive(Debug)]
pub struct ChunkError;

#[cfg(feature = "split")]
impl From<leptos::wasm_split::SplitLoaderError> for ChunkError {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        ChunkError
    }
}

thread_local! {
    static NAVIGATED: Cell<bool> = const { Cell::new(false) };
}

/// Called when the route changes after the first page: a page that arrives
/// later then takes the focus to its heading, as a page that was already
/// here would have.
pub fn navigated() {
    NAVIGATED.with(|n| n.set(true));
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Loading,
    Failed,
    Ready,
}

/// The page `load` brings, once it is here.
fn lazily<F>(load: fn() -> F) -> impl IntoView
where
    F: Future<Output = Result<AnyView, ChunkError>> + 'static,
{
    let host = use_host();
    let state = RwSignal::new(State::Loading);
    let busy = RwSignal::new(false);
    let page = StoredValue::new_local(None::<AnyView>);
    // The page belongs to this route, whoever asks for it: a retry runs
    // from the banner's button, whose owner ends when the banner hides.
    // Held weakly, so that leaving the route still disposes of the page
    // (an owner lives as long as anything holds it).
    let owner = Owner::current().map(|o| o.downgrade());
    let fetch = move || {
        let Some(owner) = owner.as_ref().and_then(|o| o.upgrade()) else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        owner.with(|| {
            spawn_local_scoped(async move {
                let result = load().await;
                let ok = result.is_ok();
                if let Ok(view) = result {
                    if page.try_set_value(Some(view)).is_some() {
                        // The route was left meanwhile.
                        return;
                    }
                }
                let _ = busy.try_set(false);
                let _ = state.try_set(if ok { State::Ready } else { State::Failed });
                if ok && NAVIGATED.with(Cell::get) {
                    host.focus_heading_soon();
                }
            })
        });
    };
    fetch();
    view! {
        <RetryBanner
            visible=Signal::derive(move || state.get() == State::Failed)
            busy=busy
            on_retry=Callback::new(move |_| fetch())
        />
        {move || match state.get() {
            State::Ready => page
                .try_update_value(Option::take)
                .flatten()
                .unwrap_or_else(|| ().into_any()),
            State::Loading => {
                view! { <div class="page-pending" aria-busy="true" data-pc-wait=""></div> }
                    .into_any()
            }
            State::Failed => view! { <div class="page-pending"></div> }.into_any(),
        }}
    }
}

/// A route component whose page is `$func` of split `$chunk`: a split's
/// pages are fetched together (the journey's later steps, the dashboard's
/// overview and agreements, its settings), which keeps the build to a few
/// dozen files instead of one per combination of eleven pages.
macro_rules! split_page {
    ($(#[$doc:meta])* $name:ident => $chunk:ident::$func:ident, $page:path) => {
        $(#[$doc])*
        #[component]
        pub fn $name() -> impl IntoView {
            #[cfg(feature = "split")]
            #[leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
            fn $func() -> Result<AnyView, ChunkError> {
                Ok(untrack(|| $page().into_any()))
            }
            #[cfg(not(feature = "split"))]
            async fn $func() -> Result<AnyView, ChunkError> {
                Ok(untrack(|| $page().into_any()))
            }
            lazily($func)
        }
    };
}

split_page!(
    /// `/enroll/account`.
    Account => account::account, crate::enroll::account::AccountStep
);
split_page!(
    /// `/enroll/company`.
    Company => journey::company, crate::enroll::company::CompanyStep
);
split_page!(
    /// `/enroll/contact`.
    Contact => journey::contact, crate::enroll::contact::ContactStep
);
split_page!(
    /// `/enroll/review`.
    Review => journey::review, crate::enroll::review::ReviewStep
);
split_page!(
    /// `/enroll/agreement`.
    Agreement => journey::agreement, crate::enroll::agreement::AgreementStep
);
split_page!(
    /// `/enroll/done`.
    Done => journey::done, crate::enroll::done::DoneStep
);
split_page!(
    /// `/verify-email/:token`.
    Verify => verify::verify, crate::verify::VerifyEmail
);
split_page!(
    /// `/dashboard`.
    Overview => dashboard::overview, crate::dashboard::Overview
);
split_page!(
    /// `/dashboard/settings/partner-profile`.
    Profile => settings::profile, crate::dashboard::PartnerProfile
);
split_page!(
    /// `/dashboard/settings/users`.
    Users => settings::users, crate::dashboard::UserManagement
);
split_page!(
    /// `/dashboard/agreements/:id`.
    AgreementView => dashboard::agreement_view, crate::dashboard::AgreementPage
);

//! The layout of every `/enroll` route: one stepper for the whole journey,
//! which follows the route, above the step's page.

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::use_location;
use pc_api::routes::Route;

use super::steps::Step;
use crate::components::Stepper;

#[component]
pub fn EnrollLayout() -> impl IntoView {
    let host = crate::host::use_host();
    let path = use_location().pathname;
    let current =
        Signal::derive(move || Route::find(&host.strip_base(&path.get())).and_then(Step::of));
    view! {
        <Stepper current=current />
        <Outlet />
    }
}

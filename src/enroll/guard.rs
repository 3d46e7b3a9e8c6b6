//! Keeps the journey in order: a step opened early goes to the first
//! unfinished one; the page shows once the session and draft are known.

use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::draft::Enrollment;
use super::steps::Step;
use crate::i18n::use_i18n;
use crate::session::Auth;

#[component]
pub fn StepGuard(step: Step, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let auth = expect_context::<Auth>();
    let enrollment = expect_context::<Enrollment>();
    let navigate = use_navigate();
    let host = crate::host::use_host();
    let ready = move || {
        auth.checked.get() && (auth.session.with(Option::is_none) || enrollment.loaded.get())
    };
    let target = Memo::new(move |_| {
        ready()
            .then(|| {
                enrollment
                    .progress(auth.session.with(Option::is_some))
                    .redirect(step)
            })
            .flatten()
    });
    Effect::new(move |_| {
        if let Some(t) = target.get() {
            navigate(t.path(), host.redirect());
        }
    });
    view! {
        <Show
            when=move || ready() && target.get().is_none()
            fallback=move || view! { <p class="muted" role="status">{i18n.tr("loading")}</p> }
        >
            {children()}
        </Show>
    }
}

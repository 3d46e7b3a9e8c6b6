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
    // A temporary password must be replaced (on the account step) first.
    let must_change = move || {
        auth.session
            .with(|s| s.as_ref().is_some_and(|s| s.must_change_password))
    };
    let ready = move || {
        auth.checked.get()
            && (auth.session.with(Option::is_none) || must_change() || enrollment.loaded.get())
    };
    let target = Memo::new(move |_| {
        if !ready() {
            None
        } else if must_change() {
            (step != Step::Account).then_some(Step::Account)
        } else {
            enrollment
                .progress(auth.session.with(Option::is_some))
                .redirect(step)
        }
    });
    Effect::new(move |_| {
        if let Some(t) = target.get() {
            navigate(t.path(), host.redirect());
        }
    });
    view! {
        <Show
            when=move || ready() && target.get().is_none()
            // The page's frame and heading at once, its content when known.
            fallback=move || {
                view! {
                    <section class="card">
                        <h1 class="page-heading" tabindex="-1">{i18n.tr(step.route().title_key())}</h1>
                        <p class="muted" role="status">{i18n.tr("loading")}</p>
                    </section>
                }
            }
        >
            {children()}
        </Show>
    }
}

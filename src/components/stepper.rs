//! Where the applicant is in the journey. On narrow screens only
//! "Step n of m" shows; screen readers always get the current step.

use leptos::prelude::*;

use crate::enroll::steps::Step;
use crate::i18n::use_i18n;

/// `current` is the step on screen, `None` before the journey starts (the
/// welcome page); the journey's layout keeps one stepper across its steps.
#[component]
pub fn Stepper(#[prop(into)] current: Signal<Option<Step>>) -> impl IntoView {
    let i18n = use_i18n();
    let total = Step::ALL.len();
    let current_index = move || current.get().map(Step::index);
    let state_of = move |i: usize| match current_index() {
        Some(c) if i < c => "done",
        Some(c) if i == c => "current",
        _ => "todo",
    };
    view! {
        <nav class="stepper" aria-label=i18n.tr("stepper-label")>
            {move || {
                current_index()
                    .map(|i| {
                        view! {
                            <p class="stepper__compact" aria-hidden="true">
                                {move || {
                                    i18n.t_with(
                                        "stepper-compact",
                                        &[("current", &(i + 1).to_string()), ("total", &total.to_string())],
                                    )
                                }}
                            </p>
                        }
                    })
            }}
            <ol class="stepper__list">
                {Step::ALL
                    .into_iter()
                    .map(|step| {
                        let i = step.index();
                        view! {
                            <li
                                class=move || format!("stepper__item stepper__item--{}", state_of(i))
                                aria-current=move || (state_of(i) == "current").then_some("step")
                            >
                                <span class="stepper__number" aria-hidden="true">{i + 1}</span>
                                <span class="stepper__name">{move || i18n.t(step.title_key())}</span>
                                {move || {
                                    (state_of(i) == "done")
                                        .then(|| {
                                            view! {
                                                <span class="visually-hidden">
                                                    {i18n.tr("stepper-done")}
                                                </span>
                                            }
                                        })
                                }}
                            </li>
                        }
                    })
                    .collect::<Vec<_>>()}
            </ol>
        </nav>
    }
}

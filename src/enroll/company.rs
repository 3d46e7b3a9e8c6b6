//! `/enroll/company`: the legal business profile. Country first, then a
//! DUNS look-up that fills the profile in, or entry by hand; the country's
//! rules decide which fields are required and in what format.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use pc_api::countries;
use pc_api::{LegalBusinessProfile, PROFILE_FIELDS};
use web_sys::SubmitEvent;

use super::draft::Enrollment;
use super::guard::StepGuard;
use super::steps::Step;
use crate::api::{Api, ApiError};
use crate::components::{AddressFields, ErrorSummary, RetryBanner, SelectField, TextField};
use crate::form::ctl::FormCtl;
use crate::i18n::{use_i18n, I18n};
use crate::intl::region_name;
use crate::page::PageTitle;

/// Countries sorted by their name in the current language.
fn country_options(i18n: I18n, filter: &str) -> Vec<(String, String)> {
    let tag = i18n.locale.get().tag();
    let needle = filter.trim().to_ascii_lowercase();
    let mut out: Vec<(String, String)> = countries::COUNTRIES
        .iter()
        .map(|(code, en)| ((*code).to_owned(), region_name(tag, code, en)))
        .filter(|(code, name)| {
            needle.is_empty()
                || name.to_ascii_lowercase().contains(&needle)
                || code.to_ascii_lowercase() == needle
                || countries::country_name(code)
                    .is_some_and(|en| en.to_ascii_lowercase().contains(&needle))
        })
        .collect();
    out.sort_by(|a, b| a.1.cmp(&b.1));
    out
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Duns,
    Manual,
}

#[component]
pub fn CompanyStep() -> impl IntoView {
    view! {
        <PageTitle key="company-title" />
        <StepGuard step=Step::Company>
            <CompanyForm />
        </StepGuard>
    }
}

#[component]
fn CompanyForm() -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let enrollment = expect_context::<Enrollment>();
    let navigate = use_navigate();
    let host = crate::host::use_host();
    let query = use_query_map();
    let back_to_review =
        move || query.with_untracked(|q| q.get("return").as_deref() == Some("review"));
    let ctl = FormCtl::new(PROFILE_FIELDS);

    let start = enrollment.draft.get_untracked().profile;
    let country = RwSignal::new(start.country.clone());
    let filter = RwSignal::new(String::new());
    let duns = RwSignal::new(start.duns.clone().unwrap_or_default());
    let legal_name = RwSignal::new(start.legal_name.clone());
    let line1 = RwSignal::new(start.line1.clone());
    let line2 = RwSignal::new(start.line2.clone());
    let city = RwSignal::new(start.city.clone());
    let state = RwSignal::new(start.state.clone());
    let postal = RwSignal::new(start.postal_code.clone());
    let has_details = !start.legal_name.is_empty() || !start.line1.is_empty();
    let mode = RwSignal::new(if start.duns.is_none() && has_details {
        Mode::Manual
    } else {
        Mode::Duns
    });
    // In DUNS mode the fields appear once a look-up has filled them.
    let found = RwSignal::new(start.duns.is_some() && has_details);
    let lookup_problem = RwSignal::new(None::<String>);

    let profile = move || LegalBusinessProfile {
        country: country.get_untracked(),
        duns: (mode.get_untracked() == Mode::Duns && !duns.get_untracked().trim().is_empty())
            .then(|| duns.get_untracked()),
        legal_name: legal_name.get_untracked(),
        line1: line1.get_untracked(),
        line2: line2.get_untracked(),
        city: city.get_untracked(),
        state: state.get_untracked(),
        postal_code: postal.get_untracked(),
    };
    let keep = {
        let api = api.clone();
        move || {
            let p = profile();
            enrollment.update(api.clone(), move |d| {
                d.profile = p;
                d.profile_done = false;
            });
        }
    };
    let on_edit = {
        let keep = keep.clone();
        Callback::new(move |_| {
            keep();
            ctl.revalidate(profile().check());
        })
    };
    let on_country = {
        let keep = keep.clone();
        Callback::new(move |_| {
            let rules = countries::rules(&country.get_untracked());
            if !rules.states.is_empty()
                && !rules
                    .states
                    .iter()
                    .any(|(c, _)| *c == state.get_untracked())
            {
                state.set(String::new());
            }
            keep();
            ctl.revalidate(profile().check());
        })
    };

    let lookup = Action::new_local({
        let api = api.clone();
        let keep = keep.clone();
        move |number: &String| {
            let api = api.clone();
            let number = number.clone();
            let keep = keep.clone();
            async move {
                lookup_problem.set(None);
                match api.duns(&number).await {
                    Ok(p) => {
                        country.set(p.country);
                        duns.set(p.duns.unwrap_or(number));
                        legal_name.set(p.legal_name);
                        line1.set(p.line1);
                        line2.set(p.line2);
                        city.set(p.city);
                        state.set(p.state);
                        postal.set(p.postal_code);
                        found.set(true);
                        ctl.shown.set(Default::default());
                        keep();
                    }
                    Err(ApiError::Problem(p)) if p.code.as_deref() == Some("duns_not_found") => {
                        found.set(false);
                        lookup_problem.set(Some(i18n.t("company-duns-not-found")));
                    }
                    Err(e) => ctl.show_api_error(&e),
                }
            }
        }
    });
    let do_lookup = move || {
        let number = duns.get_untracked();
        if pc_api::normalize_duns(&number).is_none() {
            let mut errors = pc_api::FieldErrors::new();
            pc_api::validation::push(&mut errors, "duns", "duns_invalid");
            ctl.check_before_send(errors);
            return;
        }
        ctl.shown.set(Default::default());
        lookup.dispatch(number);
    };

    let on_submit = {
        let navigate = navigate.clone();
        let api = api.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let mut errors = profile().check();
            if mode.get_untracked() == Mode::Duns && !found.get_untracked() {
                errors.clear();
                pc_api::validation::push(&mut errors, "duns", "duns_lookup_required");
            }
            if ctl.check_before_send(errors) {
                let p = profile().normalized();
                enrollment.update_now(api.clone(), move |d| {
                    d.profile = p;
                    d.profile_done = true;
                });
                let next = if back_to_review() {
                    Step::Review
                } else {
                    Step::Contact
                };
                navigate(next.path(), host.go());
            }
        }
    };

    let show_fields = move || mode.get() == Mode::Manual || found.get();
    let looking = lookup.pending();

    view! {
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("company-title")}</h1>
            <p class="lead">{i18n.tr("company-lead")}</p>
            <form class="form" novalidate on:submit=on_submit>
                <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
                <RetryBanner visible=ctl.transient() server_failed=ctl.server_failed() busy=looking on_retry=Callback::new(move |_| do_lookup()) />
                <div class="field">
                    <label class="field__label" for="country-filter">{i18n.tr("company-country-search")}</label>
                    <input
                        class="input"
                        id="country-filter"
                        type="search"
                        autocomplete="off"
                        aria-controls="field-country"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                    />
                </div>
                <SelectField
                    name="country"
                    label=Signal::derive(move || i18n.t("company-country"))
                    options=Signal::derive(move || country_options(i18n, &filter.get()))
                    value=country
                    error=ctl.error(i18n, "country")
                    on_edit=on_country
                />
                <fieldset class="fieldset">
                    <legend class="field__label">{i18n.tr("company-mode-legend")}</legend>
                    <label class="radio">
                        <input
                            type="radio"
                            name="mode"
                            value="duns"
                            prop:checked=move || mode.get() == Mode::Duns
                            on:change=move |_| mode.set(Mode::Duns)
                        />
                        {i18n.tr("company-mode-duns")}
                    </label>
                    <label class="radio">
                        <input
                            type="radio"
                            name="mode"
                            value="manual"
                            prop:checked=move || mode.get() == Mode::Manual
                            on:change=move |_| {
                                mode.set(Mode::Manual);
                                lookup_problem.set(None);
                            }
                        />
                        {i18n.tr("company-mode-manual")}
                    </label>
                </fieldset>
                <Show when=move || mode.get() == Mode::Duns>
                    <div class="duns">
                        <TextField
                            name="duns"
                            label="company-duns"
                            hint="company-duns-hint"
                            input_mode="numeric"
                            autocomplete="off"
                            value=duns
                            error=ctl.error(i18n, "duns")
                        />
                        <button
                            type="button"
                            class="button button--secondary"
                            aria-disabled=move || looking.get().then_some("true")
                            on:click=move |_| {
                                if !looking.get_untracked() {
                                    do_lookup();
                                }
                            }
                        >
                            {Signal::derive(move || i18n.t(if looking.get() { "company-duns-looking" } else { "company-duns-lookup" }))}
                        </button>
                    </div>
                    <div role="status" aria-live="polite">
                        {move || {
                            found
                                .get()
                                .then(|| view! { <p class="notice notice--success">{i18n.t("company-duns-found")}</p> })
                        }}
                        {move || {
                            lookup_problem
                                .get()
                                .map(|msg| {
                                    view! {
                                        <div class="notice notice--warning">
                                            <p>{msg}</p>
                                            <button
                                                type="button"
                                                class="button button--secondary"
                                                on:click=move |_| {
                                                    mode.set(Mode::Manual);
                                                    lookup_problem.set(None);
                                                }
                                            >
                                                {i18n.t("company-mode-manual-button")}
                                            </button>
                                        </div>
                                    }
                                })
                        }}
                    </div>
                </Show>
                <Show when=show_fields>
                    <TextField
                        name="legal_name"
                        label="company-legal-name"
                        hint="company-legal-name-hint"
                        autocomplete="organization"
                        value=legal_name
                        error=ctl.error(i18n, "legal_name")
                        on_edit=on_edit
                    />
                    <AddressFields
                        country=country
                        line1=line1
                        line2=line2
                        city=city
                        state=state
                        postal=postal
                        ctl=ctl
                        on_edit=on_edit
                    />
                </Show>
                <div class="actions">
                    <button type="submit" class="button button--primary">
                        {Signal::derive(move || i18n.t(if back_to_review() { "save-and-review" } else { "continue" }))}
                    </button>
                </div>
            </form>
        </section>
    }
}

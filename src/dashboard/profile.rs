//! `/dashboard/settings/partner-profile`: the legal business profile and
//! primary contact, editable within the rules of `pc_api::profile`, and the
//! program info (MPN ID, MPN program status, accepted agreements).

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use pc_api::documents;
use pc_api::profile::{can_edit_profile, ProfileEffects, ProfileUpdate};
use pc_api::routes::Route;
use pc_api::{
    CheckKind, CheckStatus, LegalBusinessProfile, PartnerAccount, PrimaryContact, VerificationCheck,
};
use web_sys::SubmitEvent;

use super::{check_name, program_name, use_partner_account, LoadFailed, NotEnrolled};
use crate::api::Api;
use crate::components::{AddressFields, ErrorSummary, RetryBanner, TextField};
use crate::form::ctl::FormCtl;
use crate::i18n::use_i18n;
use crate::intl::{date_time, region_name};
use crate::page::PageTitle;
use crate::session::Auth;

const ORDER: &[&str] = &[
    "country",
    "duns",
    "legal_name",
    "line1",
    "line2",
    "city",
    "state",
    "postal_code",
    "first_name",
    "last_name",
    "email",
    "phone",
];

#[component]
pub fn PartnerProfile() -> impl IntoView {
    view! {
        <PageTitle key="profile-title" />
        <ProfileBody />
    }
}

#[component]
fn ProfileBody() -> impl IntoView {
    let i18n = use_i18n();
    let (account, reload) = use_partner_account();
    view! {
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("profile-title")}</h1>
            {move || match account.get() {
                None => view! { <p class="muted" role="status">{i18n.tr("loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <LoadFailed error=e retry=reload /> }.into_any(),
                Some(Ok(None)) => view! { <NotEnrolled /> }.into_any(),
                Some(Ok(Some(a))) => view! { <ProfileForm account=a /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn ProfileForm(account: PartnerAccount) -> impl IntoView {
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let query = use_query_map();
    let can_edit = auth
        .session
        .with_untracked(|s| s.as_ref().is_some_and(|s| can_edit_profile(&s.user.roles)));
    let ctl = FormCtl::new(ORDER);
    // The account as last saved: what edits are compared with.
    let current = RwSignal::new(account.clone());
    let p = &account.profile;
    let c = &account.contact;
    let country = p.country.clone();
    let legal_name = RwSignal::new(p.legal_name.clone());
    let line1 = RwSignal::new(p.line1.clone());
    let line2 = RwSignal::new(p.line2.clone());
    let city = RwSignal::new(p.city.clone());
    let state = RwSignal::new(p.state.clone());
    let postal = RwSignal::new(p.postal_code.clone());
    let first = RwSignal::new(c.first_name.clone());
    let last = RwSignal::new(c.last_name.clone());
    let email = RwSignal::new(c.email.clone());
    let phone = RwSignal::new(c.phone.clone());
    let saved = RwSignal::new(None::<ProfileEffects>);
    let request = {
        let country = country.clone();
        move || ProfileUpdate {
            profile: LegalBusinessProfile {
                country: country.clone(),
                duns: current.with_untracked(|a| a.profile.duns.clone()),
                legal_name: legal_name.get_untracked(),
                line1: line1.get_untracked(),
                line2: line2.get_untracked(),
                city: city.get_untracked(),
                state: state.get_untracked(),
                postal_code: postal.get_untracked(),
            },
            contact: PrimaryContact {
                first_name: first.get_untracked(),
                last_name: last.get_untracked(),
                email: email.get_untracked(),
                phone: phone.get_untracked(),
            },
        }
    };
    let errors_of = {
        let request = request.clone();
        move || {
            current
                .with_untracked(|a| request().check(a))
                .err()
                .map(|e| crate::form::unprefix(&e))
                .unwrap_or_default()
        }
    };
    let send = Action::new_local(move |(req, effects): &(ProfileUpdate, ProfileEffects)| {
        let api = api.clone();
        let req = req.clone();
        let effects = *effects;
        async move {
            match api.update_profile(&req).await {
                Ok(a) => {
                    saved.set(Some(effects));
                    current.set(a);
                }
                Err(e) => ctl.show_api_error(&crate::form::unprefix_error(&e)),
            }
        }
    });
    let busy = send.pending();
    let submit = {
        let request = request.clone();
        let errors_of = errors_of.clone();
        move || {
            saved.set(None);
            let req = request();
            if ctl.check_before_send(errors_of()) {
                let effects = current.with_untracked(|a| req.check(a)).unwrap_or_default();
                send.dispatch((req, effects));
            }
        }
    };
    let on_edit = {
        let errors_of = errors_of.clone();
        Callback::new(move |_| {
            saved.set(None);
            ctl.revalidate(errors_of());
        })
    };
    let fix = query.with_untracked(|q| q.get("fix"));
    let fix_kind = fix.as_deref().and_then(super::fix_kind);
    // A rejected check's reason, or the mail server's answer to a bounced
    // verification email (with the address it went to).
    let fix_reason = fix_kind.and_then(|k| {
        let rejected = account
            .checks
            .iter()
            .find(|c| c.kind == k && c.status == CheckStatus::Rejected)
            .map(|c| (k, c.reason.clone().unwrap_or_default(), None));
        let bounced = account
            .email_bounce
            .as_ref()
            .filter(|_| k == CheckKind::EmailOwnership)
            .map(|b| (k, b.reason.clone(), Some(b.email.clone())));
        rejected.or(bounced)
    });
    let locked = account.legal_name_locked;
    let country_name = {
        let country = country.clone();
        move || region_name(i18n.locale.get().tag(), &country, &country)
    };
    let retry = submit.clone();

    let editable = {
        let country_name = country_name.clone();
        move || {
            let submit = submit.clone();
            let country_name = country_name.clone();
            view! {
                <form
                    class="form form--wide"
                    novalidate
                    on:submit=move |ev: SubmitEvent| {
                        ev.prevent_default();
                        if !busy.get_untracked() {
                            submit();
                        }
                    }
                >
                    <ErrorSummary shown=ctl.shown node_ref=ctl.summary />
                    <RetryBanner
                        visible=ctl.transient()
                        server_failed=ctl.server_failed()
                        busy=busy
                        on_retry=Callback::new(move |_| retry())
                    />
                    <h2>{i18n.tr("profile-legal-title")}</h2>
                    <dl class="summary-list">
                        <div>
                            <dt>{i18n.tr("company-country")}</dt>
                            <dd>{country_name.clone()}</dd>
                        </div>
                    </dl>
                    {if locked {
                        view! {
                            <dl class="summary-list">
                                <div>
                                    <dt>{i18n.tr("company-legal-name")}</dt>
                                    <dd id="legal-name-locked">{move || legal_name.get()}</dd>
                                </div>
                            </dl>
                            <p class="field__hint">{i18n.tr("profile-name-locked")}</p>
                        }
                            .into_any()
                    } else {
                        view! {
                            <TextField
                                name="legal_name"
                                label="company-legal-name"
                                hint="company-legal-name-hint"
                                autocomplete="organization"
                                value=legal_name
                                error=ctl.error(i18n, "legal_name")
                                on_edit=on_edit
                            />
                        }
                            .into_any()
                    }}
                    <p class="field__hint">{i18n.tr("profile-address-rule")}</p>
                    <AddressFields
                        country=Signal::stored(country.clone())
                        line1=line1
                        line2=line2
                        city=city
                        state=state
                        postal=postal
                        ctl=ctl
                        on_edit=on_edit
                    />
                    <h2>{i18n.tr("profile-contact-title")}</h2>
                    <p class="field__hint">{i18n.tr("profile-email-rule")}</p>
                    <div class="field-row">
                        <TextField
                            name="first_name"
                            label="contact-first-name"
                            autocomplete="given-name"
                            value=first
                            error=ctl.error(i18n, "first_name")
                            on_edit=on_edit
                        />
                        <TextField
                            name="last_name"
                            label="contact-last-name"
                            autocomplete="family-name"
                            value=last
                            error=ctl.error(i18n, "last_name")
                            on_edit=on_edit
                        />
                    </div>
                    <TextField
                        name="email"
                        label="contact-email"
                        input_type="email"
                        autocomplete="email"
                        value=email
                        error=ctl.error(i18n, "email")
                        on_edit=on_edit
                    />
                    <TextField
                        name="phone"
                        label="contact-phone"
                        input_type="tel"
                        autocomplete="tel"
                        value=phone
                        error=ctl.error(i18n, "phone")
                        on_edit=on_edit
                    />
                    <div role="status" aria-live="polite">
                        {move || saved.get().map(|effects| view! { <SavedNotice effects=effects email=email.get_untracked() /> })}
                    </div>
                    <div class="actions">
                        <button type="submit" class="button button--primary" aria-disabled=move || busy.get().then_some("true")>
                            {Signal::derive(move || i18n.t(if busy.get() { "profile-saving" } else { "profile-save" }))}
                        </button>
                    </div>
                </form>
            }
        }
    };

    let read_only = {
        let country_name = country_name.clone();
        let p = account.profile.clone();
        let c = account.contact.clone();
        move || {
            let address = [&p.line1, &p.line2, &p.city, &p.state, &p.postal_code]
                .into_iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <p class="notice notice--warning" role="status">{i18n.tr("profile-read-only")}</p>
                <h2>{i18n.tr("profile-legal-title")}</h2>
                <dl class="summary-list">
                    <div>
                        <dt>{i18n.tr("company-legal-name")}</dt>
                        <dd>{p.legal_name.clone()}</dd>
                    </div>
                    <div>
                        <dt>{i18n.tr("company-country")}</dt>
                        <dd>{country_name.clone()}</dd>
                    </div>
                    <div>
                        <dt>{i18n.tr("profile-address")}</dt>
                        <dd>{address}</dd>
                    </div>
                </dl>
                <h2>{i18n.tr("profile-contact-title")}</h2>
                <dl class="summary-list">
                    <div>
                        <dt>{i18n.tr("review-contact-name")}</dt>
                        <dd>{format!("{} {}", c.first_name, c.last_name)}</dd>
                    </div>
                    <div>
                        <dt>{i18n.tr("contact-email")}</dt>
                        <dd>{c.email.clone()}</dd>
                    </div>
                    <div>
                        <dt>{i18n.tr("contact-phone")}</dt>
                        <dd>{c.phone.clone()}</dd>
                    </div>
                </dl>
            }
        }
    };

    view! {
        {fix_reason
            .map(|(kind, reason, bounced_to)| {
                view! {
                    <div class="notice notice--warning" role="status" id="fix-notice">
                        <p class="notice__title">
                            {move || match &bounced_to {
                                Some(email) => i18n.t_with("profile-bounce-title", &[("email", email)]),
                                None => i18n.t_with("profile-fix-title", &[("check", &check_name(i18n, kind))]),
                            }}
                        </p>
                        {(!reason.is_empty()).then(|| view! { <p>{reason.clone()}</p> })}
                        <p>
                            {i18n
                                .tr(
                                    if kind == CheckKind::Business {
                                        "profile-fix-business"
                                    } else {
                                        "profile-fix-email"
                                    },
                                )}
                        </p>
                        {(can_edit && kind != CheckKind::EmailOwnership)
                            .then(|| {
                                view! {
                                    <DocumentUpload
                                        kind=kind
                                        on_sent=Callback::new(move |check: VerificationCheck| {
                                            current
                                                .update(|a| {
                                                    for c in a.checks.iter_mut().filter(|c| c.kind == check.kind) {
                                                        *c = check.clone();
                                                    }
                                                });
                                        })
                                    />
                                }
                            })}
                    </div>
                }
            })}
        {if can_edit { editable().into_any() } else { read_only().into_any() }}
        {move || view! { <ProgramInfo account=current.get() /> }}
    }
}

#[component]
fn SavedNotice(effects: ProfileEffects, email: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice notice--success">
            <p class="notice__title">{i18n.tr("profile-saved")}</p>
            {effects.business.then(|| view! { <p>{i18n.tr("profile-saved-business")}</p> })}
            {effects
                .email
                .then(|| view! { <p>{move || i18n.t_with("profile-saved-email", &[("email", &email)])}</p> })}
            {effects.employment.then(|| view! { <p>{i18n.tr("profile-saved-employment")}</p> })}
        </div>
    }
}

/// MPN ID, the MPN program status field, and the accepted agreements.
#[component]
fn ProgramInfo(account: PartnerAccount) -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let program = account.program_status;
    let mut agreements = account.agreements.clone();
    // The partner network agreement first, then the others, newest first.
    agreements.sort_by_key(|a| (a.agreement_id != "mpn", -a.accepted_at));
    view! {
        <h2>{i18n.tr("profile-program-title")}</h2>
        <dl class="summary-list">
            <div>
                <dt>{i18n.tr("dash-mpn-id")}</dt>
                <dd class="mpn-id">{account.mpn_id.clone()}</dd>
            </div>
            <div>
                <dt>{i18n.tr("dash-program")}</dt>
                <dd data-status="program">{move || program_name(i18n, program)}</dd>
            </div>
        </dl>
        <h3>{i18n.tr("profile-agreements")}</h3>
        {if agreements.is_empty() {
            view! {
                <p>
                    {i18n.tr("profile-no-agreement")} " "
                    <a href=host.href(Route::Agreement.path())>{i18n.tr("dash-next-agreement")}</a>
                </p>
            }
                .into_any()
        } else {
            view! {
                <ul class="checklist agreements">
                    {agreements
                        .into_iter()
                        .map(|a| {
                            let at = a.accepted_at;
                            view! {
                                <li>
                                    <a href=host.href(&Route::AgreementView.with(&a.agreement_id))>
                                        {a.title.clone()}
                                    </a>
                                    " "
                                    <span class="muted">
                                        {move || {
                                            i18n.t_with(
                                                "profile-signed-on",
                                                &[("date", &date_time(i18n.locale.get().tag(), at))],
                                            )
                                        }}
                                    </span>
                                </li>
                            }
                        })
                        .collect::<Vec<_>>()}
                </ul>
            }
                .into_any()
        }}
    }
}

/// *Fix now* with a supporting document: a PDF, PNG or JPEG of at most
/// 5 MB, checked here by the same rule the server applies.
#[component]
fn DocumentUpload(kind: CheckKind, on_sent: Callback<VerificationCheck>) -> impl IntoView {
    use wasm_bindgen::JsCast;
    let i18n = use_i18n();
    let api = expect_context::<Api>();
    let input = NodeRef::<leptos::html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<String>);
    let check = if kind == CheckKind::Business {
        "business"
    } else {
        "employment"
    };
    let send = Action::new_local(move |_: &()| {
        let api = api.clone();
        async move {
            error.set(None);
            let file = input
                .get_untracked()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            let Some(file) = file else {
                error.set(Some(i18n.error_text("document_empty", "")));
                return;
            };
            if file.size() > documents::MAX_BYTES as f64 {
                error.set(Some(i18n.error_text("document_too_large", "")));
                return;
            }
            let buffer = match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(b) => b,
                Err(_) => {
                    error.set(Some(i18n.t("err-network")));
                    return;
                }
            };
            let bytes = js_sys::Uint8Array::new(buffer.unchecked_ref()).to_vec();
            if let Err(code) = documents::check(&bytes) {
                error.set(Some(i18n.error_text(code, "")));
                return;
            }
            match api.upload_document(check, &file.name(), &bytes).await {
                Ok(r) => {
                    sent.set(Some(r.file_name));
                    on_sent.run(r.check);
                }
                Err(e) => {
                    let shown = crate::form::Shown::from_api_error(&e, &["document"]);
                    let msg = match (shown.fields.first(), shown.form) {
                        (Some((_, f)), _) => i18n.error_text(&f.code, &f.message),
                        (None, Some((code, fallback))) if !shown.transient => {
                            i18n.error_text(&code, &fallback)
                        }
                        _ => i18n.t("err-network"),
                    };
                    error.set(Some(msg));
                }
            }
        }
    });
    let busy = send.pending();
    view! {
        {move || match sent.get() {
            Some(name) => view! {
                <p class="notice notice--success" id="document-sent">
                    {move || i18n.t_with("profile-document-sent", &[("file", &name)])}
                </p>
            }
            .into_any(),
            None => view! {
                <div class="field" class:field--invalid=move || error.get().is_some()>
                    <label class="field__label" for="field-document">{i18n.tr("profile-document")}</label>
                    <p class="field__hint" id="field-document-hint">{i18n.tr("profile-document-hint")}</p>
                    {move || {
                        error
                            .get()
                            .map(|msg| {
                                view! {
                                    <p class="field__error" id="field-document-error">
                                        <span class="visually-hidden">{i18n.t("error-prefix")}</span>
                                        {msg}
                                    </p>
                                }
                            })
                    }}
                    <input
                        type="file"
                        id="field-document"
                        class="input"
                        accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                        aria-describedby=move || {
                            if error.get().is_some() {
                                "field-document-hint field-document-error"
                            } else {
                                "field-document-hint"
                            }
                        }
                        aria-invalid=move || if error.get().is_some() { "true" } else { "false" }
                        node_ref=input
                    />
                </div>
                <div class="actions actions--start">
                    <button
                        type="button"
                        class="button button--secondary"
                        disabled=move || busy.get()
                        on:click=move |_| {
                            send.dispatch(());
                        }
                    >
                        {Signal::derive(move || i18n.t(if busy.get() { "profile-document-sending" } else { "profile-document-send" }))}
                    </button>
                </div>
            }
            .into_any(),
        }}
    }
}

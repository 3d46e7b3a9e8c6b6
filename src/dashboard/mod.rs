//! The signed-in dashboard (SPEC §5): overview, partner profile, accepted
//! agreements and user management, inside one frame with its navigation.

mod agreement;
mod overview;
mod profile;
mod users;

pub use agreement::AgreementPage;
pub use overview::Overview;
pub use profile::PartnerProfile;
pub use users::UserManagement;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate};
use pc_api::routes::Route;
use pc_api::{CheckKind, CheckStatus, PartnerAccount, ProgramStatus, VettingStatus};

use crate::api::{Api, ApiError};
use crate::form::Shown;
use crate::i18n::{use_i18n, I18n};
use crate::session::Auth;

/// Where a visitor who is not signed in (or must still replace a temporary
/// password) goes: sign-in, then back to `path`.
pub fn sign_in_then(path: &str) -> String {
    format!(
        "{}?next={}",
        Route::Account.path(),
        String::from(js_sys::encode_uri_component(path))
    )
}

/// A `next` parameter the sign-in page may follow: a dashboard path only.
pub fn safe_next(next: &str) -> Option<&str> {
    let home = Route::Dashboard.path();
    let ok = (next == home
        || next
            .strip_prefix(home)
            .is_some_and(|rest| rest.starts_with('/')))
        && !next.contains("//")
        && !next.contains('\\');
    ok.then_some(next)
}

/// The layout of every `/dashboard` route: signed-in users only, with the
/// dashboard's navigation beside the page, which stays while its pages
/// change.
#[component]
pub fn DashboardLayout() -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let auth = expect_context::<Auth>();
    let location = use_location();
    let navigate = use_navigate();
    let target = Memo::new(move |_| {
        if !auth.checked.get() {
            return None;
        }
        let blocked = auth
            .session
            .with(|s| s.as_ref().is_none_or(|s| s.must_change_password));
        // Where the visitor is now, read without tracking: once the
        // redirect has happened, this frame must not follow the sign-in page.
        let here = location.pathname.get_untracked() + &location.search.get_untracked();
        let here = host.strip_base(&here);
        (blocked && safe_next(&here).is_some()).then(|| sign_in_then(&here))
    });
    Effect::new(move |_| {
        if let Some(t) = target.get() {
            navigate(&t, host.redirect());
        }
    });
    let path = location.pathname;
    let link = move |to: &'static str, key: &'static str| {
        let href = host.href(to);
        let current = move || {
            let p = host.strip_base(&path.get());
            let on = if to == Route::Dashboard.path() {
                p == to
            } else {
                p.starts_with(to)
            };
            on.then_some("page")
        };
        view! {
            <li>
                <a class="dash-nav__link" href=href aria-current=current>
                    {i18n.tr(key)}
                </a>
            </li>
        }
    };
    view! {
        <div class="dash">
            <nav class="dash-nav" aria-label=i18n.tr("dash-nav-label")>
                <ul class="dash-nav__list">
                    {link(Route::Dashboard.path(), "dash-nav-overview")}
                    {link(Route::PartnerProfile.path(), "dash-nav-profile")}
                    {link(Route::Users.path(), "dash-nav-users")}
                </ul>
            </nav>
            <div class="dash-page">
                <Show
                    when=move || auth.checked.get() && target.get().is_none()
                    // The page's heading at once, its content when known.
                    fallback=move || {
                        let key = pc_api::routes::Route::find(&host.strip_base(&path.get()))
                            .map_or("loading", pc_api::routes::Route::title_key);
                        view! {
                            <section class="card">
                                <h1 class="page-heading" tabindex="-1">{i18n.tr(key)}</h1>
                                <p class="muted" role="status">{i18n.tr("loading")}</p>
                            </section>
                        }
                    }
                >
                    <Outlet />
                </Show>
            </div>
        </div>
    }
}

/// A loaded value, or why it could not be loaded.
pub type Loaded<T> = RwSignal<Option<Result<T, ApiError>>>;

/// Looks at an answer: a 401 means the session ended meanwhile (expired,
/// or signed out in another tab), so the user is signed out here too and
/// the frame sends them to sign-in and back.
pub fn signed_out_on_401<T>(auth: Auth, r: &Result<T, ApiError>) {
    if let Err(ApiError::Problem(p)) = r {
        if p.status == 401 {
            auth.session.set(None);
        }
    }
}

/// The signed-in user's partner account (`None` inside: not enrolled),
/// loaded now and again on `reload`.
pub fn use_partner_account() -> (Loaded<Option<PartnerAccount>>, Callback<()>) {
    let api = expect_context::<Api>();
    let auth = expect_context::<Auth>();
    let data: Loaded<Option<PartnerAccount>> = RwSignal::new(None);
    let reload = Callback::new(move |_| {
        let api = api.clone();
        leptos::task::spawn_local(async move {
            let r = api.partner_account().await;
            signed_out_on_401(auth, &r);
            data.set(Some(r));
        });
    });
    reload.run(());
    (data, reload)
}

/// What a failed load says, with a way to try again.
#[component]
pub fn LoadFailed(error: ApiError, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let shown = Shown::from_api_error(&error, &[]);
    let message = move || match &shown.form {
        Some((code, fallback)) if !shown.transient => i18n.error_text(code, fallback),
        _ => i18n.t("network-body"),
    };
    view! {
        <div class="notice notice--warning" role="alert">
            <p class="notice__title">{i18n.tr("dash-load-failed")}</p>
            <p>{message}</p>
            <button type="button" class="button button--secondary" on:click=move |_| retry.run(())>
                {i18n.tr("network-retry")}
            </button>
        </div>
    }
}

/// Shown on pages that need a partner account before there is one.
#[component]
pub fn NotEnrolled() -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    view! {
        <div class="notice notice--warning" role="status">
            <p class="notice__title">{i18n.tr("dash-not-enrolled")}</p>
            <p>
                <a href=host.href(Route::Welcome.path())>{i18n.tr("dash-enroll-link")}</a>
            </p>
        </div>
    }
}

pub fn check_name(i18n: I18n, kind: CheckKind) -> String {
    i18n.t(match kind {
        CheckKind::EmailOwnership => "check-email_ownership",
        CheckKind::Employment => "check-employment",
        CheckKind::Business => "check-business",
    })
}

pub fn check_status_name(i18n: I18n, status: CheckStatus) -> String {
    i18n.t(match status {
        CheckStatus::NotStarted => "check-status-not_started",
        CheckStatus::Pending => "check-status-pending",
        CheckStatus::Verified => "check-status-verified",
        CheckStatus::Rejected => "check-status-rejected",
    })
}

pub fn vetting_name(i18n: I18n, v: VettingStatus) -> String {
    i18n.t(match v {
        VettingStatus::None => "vetting-none",
        VettingStatus::Pending => "vetting-pending",
        VettingStatus::Authorized => "vetting-authorized",
        VettingStatus::Rejected => "vetting-rejected",
    })
}

pub fn program_name(i18n: I18n, p: ProgramStatus) -> String {
    i18n.t(match p {
        ProgramStatus::PendingVerification => "program-pending_verification",
        ProgramStatus::Active => "program-active",
    })
}

/// The badge modifier of a status: good, waiting or bad.
pub fn tone(status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Verified => "badge badge--good",
        CheckStatus::Rejected => "badge badge--bad",
        _ => "badge badge--wait",
    }
}

/// The `fix` parameter of the profile page for a rejected check
/// (`?fix=business`), and back.
pub fn fix_param(kind: CheckKind) -> &'static str {
    match kind {
        CheckKind::EmailOwnership => "email_ownership",
        CheckKind::Employment => "employment",
        CheckKind::Business => "business",
    }
}

pub fn fix_kind(param: &str) -> Option<CheckKind> {
    [
        CheckKind::EmailOwnership,
        CheckKind::Employment,
        CheckKind::Business,
    ]
    .into_iter()
    .find(|k| fix_param(*k) == param)
}

#[cfg(test)]
mod tests {
    use super::{fix_kind, fix_param, safe_next};
    use pc_api::CheckKind;

    #[test]
    fn fix_parameters_round_trip() {
        for k in [
            CheckKind::EmailOwnership,
            CheckKind::Employment,
            CheckKind::Business,
        ] {
            assert_eq!(fix_kind(fix_param(k)), Some(k));
        }
        assert_eq!(fix_kind("Business"), None);
        assert_eq!(fix_kind(""), None);
    }

    #[test]
    fn only_dashboard_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/dashboard"), Some("/dashboard"));
        assert_eq!(
            safe_next("/dashboard/settings/users?q=ann"),
            Some("/dashboard/settings/users?q=ann")
        );
        for bad in [
            "https://evil.example/dashboard",
            "//evil.example/dashboard",
            "/dashboard//evil",
            "/dashboardx",
            "/enroll",
            "/dashboard/\\evil",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
    }
}

//! `/dashboard`: the verification tracker (each check, its status, the
//! reason when rejected and the action that applies), the overall vetting
//! status, the MPN ID, the program status and what to do next.

use leptos::prelude::*;
use pc_api::routes::Route;
use pc_api::{
    CheckKind, CheckStatus, EmailBounce, PartnerAccount, ProgramStatus, VerificationCheck,
    VettingStatus,
};

use super::{
    check_name, check_status_name, program_name, tone, use_partner_account, vetting_name,
    LoadFailed, NotEnrolled,
};
use crate::components::ResendEmail;
use crate::i18n::use_i18n;
use crate::page::PageTitle;

#[component]
pub fn Overview() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageTitle key="dash-overview-title" />
        <section class="card">
            <h1 class="page-heading" tabindex="-1">{i18n.tr("dash-overview-title")}</h1>
            <OverviewBody />
        </section>
    }
}

#[component]
fn OverviewBody() -> impl IntoView {
    let (account, reload) = use_partner_account();
    let i18n = use_i18n();
    move || match account.get() {
        None => view! { <p class="muted" role="status">{i18n.tr("loading")}</p> }.into_any(),
        Some(Err(e)) => view! { <LoadFailed error=e retry=reload /> }.into_any(),
        Some(Ok(None)) => view! { <NotEnrolled /> }.into_any(),
        Some(Ok(Some(a))) => view! { <Status account=a /> }.into_any(),
    }
}

#[component]
fn Status(account: PartnerAccount) -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let vetting = account.vetting_status;
    let program = account.program_status;
    let accepted = account.agreements.iter().any(|a| a.agreement_id == "mpn");
    let email_pending = account
        .checks
        .iter()
        .any(|c| c.kind == CheckKind::EmailOwnership && c.status == CheckStatus::Pending);
    let rejected = account
        .checks
        .iter()
        .any(|c| c.status == CheckStatus::Rejected);
    let contact_email = account.contact.email.clone();
    let checks = account.checks.clone();
    let bounce = account.email_bounce.clone();
    view! {
        <dl class="summary-list">
            <div>
                <dt>{i18n.tr("dash-mpn-id")}</dt>
                <dd class="mpn-id">{account.mpn_id.clone()}</dd>
            </div>
            <div>
                <dt>{i18n.tr("dash-vetting")}</dt>
                <dd data-status="vetting">{move || vetting_name(i18n, vetting)}</dd>
            </div>
            <div>
                <dt>{i18n.tr("dash-program")}</dt>
                <dd data-status="program">{move || program_name(i18n, program)}</dd>
            </div>
        </dl>
        <h2 id="tracker-title">{i18n.tr("dash-tracker-title")}</h2>
        <ol class="tracker" aria-labelledby="tracker-title">
            {checks
                .into_iter()
                .map(|c| {
                    view! {
                        <CheckItem check=c contact_email=contact_email.clone() bounce=bounce.clone() />
                    }
                })
                .collect::<Vec<_>>()}
        </ol>
        <h2>{i18n.tr("dash-next-title")}</h2>
        <ul class="checklist">
            {email_pending.then(|| view! { <li>{i18n.tr("dash-next-email")}</li> })}
            {rejected.then(|| view! { <li>{i18n.tr("dash-next-fix")}</li> })}
            {(vetting == VettingStatus::Pending && !email_pending)
                .then(|| view! { <li>{i18n.tr("dash-next-review")}</li> })}
            {(!accepted)
                .then(|| {
                    view! {
                        <li>
                            <a href=host.href(Route::Agreement.path())>{i18n.tr("dash-next-agreement")}</a>
                        </li>
                    }
                })}
            {(program == ProgramStatus::Active).then(|| view! { <li>{i18n.tr("dash-next-active")}</li> })}
            <li>
                <a href=host.href(Route::Users.path())>{i18n.tr("done-next-users")}</a>
            </li>
        </ul>
    }
}

/// One check of the tracker: status, reason, and Resend or Fix now; for
/// an email the mail server refused, what it said and where to change the
/// address (resending to it would only bounce again).
#[component]
fn CheckItem(
    check: VerificationCheck,
    contact_email: String,
    bounce: Option<EmailBounce>,
) -> impl IntoView {
    let i18n = use_i18n();
    let host = crate::host::use_host();
    let kind = check.kind;
    let status = check.status;
    let id = match kind {
        CheckKind::EmailOwnership => "check-email_ownership",
        CheckKind::Employment => "check-employment",
        CheckKind::Business => "check-business",
    };
    let fix_href = host.href(&format!(
        "{}?fix={}",
        Route::PartnerProfile.path(),
        super::fix_param(kind)
    ));
    let action = match (kind, status, bounce) {
        (CheckKind::EmailOwnership, CheckStatus::Pending | CheckStatus::NotStarted, Some(b)) => view! {
            <div class="notice notice--warning tracker__action" id="email-bounce">
                <p class="notice__title">
                    {move || i18n.t_with("dash-email-bounced", &[("email", &b.email)])}
                </p>
                <p>{move || i18n.t_with("dash-email-bounce-answer", &[("reason", &b.reason)])}</p>
                <p>
                    <a class="button button--primary" href=fix_href.clone()>
                        {i18n.tr("dash-change-contact")}
                    </a>
                </p>
            </div>
        }
        .into_any(),
        (CheckKind::EmailOwnership, CheckStatus::Pending | CheckStatus::NotStarted, None) => view! {
            <div class="tracker__action">
                <p>{move || i18n.t_with("dash-email-sent-to", &[("email", &contact_email)])}</p>
                <ResendEmail label="dash-resend" />
            </div>
        }
        .into_any(),
        (_, CheckStatus::Rejected, _) => view! {
            <p class="tracker__action">
                <a class="button button--primary" href=fix_href>
                    {i18n.tr("dash-fix-now")}
                </a>
            </p>
        }
        .into_any(),
        _ => ().into_any(),
    };
    view! {
        <li class="tracker__item" id=id data-check-status=format!("{status:?}").to_lowercase()>
            <div class="tracker__head">
                <h3 class="tracker__name">{move || check_name(i18n, kind)}</h3>
                <span class=tone(status)>{move || check_status_name(i18n, status)}</span>
            </div>
            {check
                .reason
                .clone()
                .map(|r| {
                    view! {
                        <p class="tracker__reason">
                            <strong>{i18n.tr("dash-reason")}</strong>
                            " "
                            {r}
                        </p>
                    }
                })}
            {action}
        </li>
    }
}

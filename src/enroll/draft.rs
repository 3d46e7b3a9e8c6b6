//! The applicant's answers while they type: kept in this browser at every
//! keystroke and on the server shortly after (so another browser can
//! resume), plus the rule of which step comes first.

use leptos::prelude::*;
use pc_api::{EnrollmentDraft, PartnerAccount};

use super::steps::Step;
use crate::api::Api;

/// How far the applicant has come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub signed_in: bool,
    pub profile_done: bool,
    pub contact_done: bool,
    pub enrolled: bool,
    /// The partner network agreement is accepted.
    pub agreed: bool,
}

impl Progress {
    /// The first step not yet done: where an early visit is sent.
    pub fn first_unfinished(&self) -> Step {
        if !self.signed_in {
            Step::Account
        } else if self.enrolled && self.agreed {
            Step::Done
        } else if self.enrolled {
            Step::Agreement
        } else if !self.profile_done {
            Step::Company
        } else if !self.contact_done {
            Step::Contact
        } else {
            Step::Review
        }
    }

    /// Where to go instead of `step`, if it cannot be shown yet (or any
    /// more: answers cannot change once enrolled).
    pub fn redirect(&self, step: Step) -> Option<Step> {
        let first = self.first_unfinished();
        let early = step.index() > first.index();
        let closed = self.enrolled && matches!(step, Step::Company | Step::Contact | Step::Review);
        (early || closed).then_some(first)
    }
}

/// The newer of the draft in this browser and the one on the server. Both
/// count whole seconds, and the server stamps a save when it arrives, after
/// the keystrokes it carries: in the same second, what was typed here after
/// that save is newer still, so a tie goes to this browser.
pub fn pick(local: Option<EnrollmentDraft>, server: EnrollmentDraft) -> EnrollmentDraft {
    match local {
        Some(l) if l.updated_at >= server.updated_at => l,
        _ => server,
    }
}

fn storage_key(tenant_id: &str) -> String {
    format!("pc-draft:{tenant_id}")
}

fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// The enrollment state shared by the journey's pages.
#[derive(Clone, Copy)]
pub struct Enrollment {
    pub draft: RwSignal<EnrollmentDraft>,
    /// The draft and the partner account have been read for this session.
    pub loaded: RwSignal<bool>,
    pub account: RwSignal<Option<PartnerAccount>>,
    /// The last save to the server failed (the answers are still kept here).
    pub unsynced: RwSignal<bool>,
    tenant: RwSignal<Option<String>>,
    generation: RwSignal<u64>,
}

impl Enrollment {
    pub fn new() -> Self {
        Enrollment {
            draft: RwSignal::new(EnrollmentDraft::default()),
            loaded: RwSignal::new(false),
            account: RwSignal::new(None),
            unsynced: RwSignal::new(false),
            tenant: RwSignal::new(None),
            generation: RwSignal::new(0),
        }
    }

    pub fn progress(&self, signed_in: bool) -> Progress {
        let d = self.draft.get();
        Progress {
            signed_in,
            profile_done: d.profile_done,
            contact_done: d.contact_done,
            enrolled: self.account.with(Option::is_some),
            agreed: self
                .account
                .with(|a| a.as_ref().is_some_and(|a| !a.agreements.is_empty())),
        }
    }

    pub fn reset(self) {
        self.tenant.set(None);
        self.draft.set(EnrollmentDraft::default());
        self.account.set(None);
        self.loaded.set(false);
    }

    /// Reads this browser's draft, the server's and the partner account.
    pub fn load(self, api: Api, tenant_id: String) {
        self.tenant.set(Some(tenant_id.clone()));
        let local: Option<EnrollmentDraft> = storage()
            .and_then(|s| s.get_item(&storage_key(&tenant_id)).ok().flatten())
            .and_then(|text| serde_json::from_str(&text).ok());
        leptos::task::spawn_local(async move {
            let server = api.draft().await;
            let account = api.partner_account().await;
            let draft = match server {
                Ok(server) => pick(local.clone(), server),
                Err(_) => {
                    self.unsynced.set(true);
                    local.clone().unwrap_or_default()
                }
            };
            let local_newer = local
                .as_ref()
                .is_some_and(|l| l.updated_at == draft.updated_at && l == &draft);
            self.draft.set(draft);
            if let Ok(a) = account {
                self.account.set(a);
            }
            self.loaded.set(true);
            // This browser has answers the server has not seen yet: send them.
            if local_newer {
                self.schedule_save(api);
            }
        });
    }

    /// Changes the draft, keeps it here at once and on the server soon.
    pub fn update(self, api: Api, change: impl FnOnce(&mut EnrollmentDraft)) {
        self.draft.update(|d| {
            change(d);
            d.updated_at = now_secs();
        });
        if let (Some(tenant), Some(s)) = (self.tenant.get_untracked(), storage()) {
            if let Ok(text) = serde_json::to_string(&self.draft.get_untracked()) {
                let _ = s.set_item(&storage_key(&tenant), &text);
            }
        }
        self.schedule_save(api);
    }

    /// Like `update`, and sends the draft to the server right away: for the
    /// end of a step, when the applicant may close the tab next.
    pub fn update_now(self, api: Api, change: impl FnOnce(&mut EnrollmentDraft)) {
        self.update(api.clone(), change);
        self.generation.update(|g| *g += 1);
        self.save_now(api);
    }

    fn schedule_save(self, api: Api) {
        let generation = self.generation.get_untracked() + 1;
        self.generation.set(generation);
        set_timeout(
            move || {
                if self.generation.get_untracked() == generation {
                    self.save_now(api);
                }
            },
            std::time::Duration::from_millis(700),
        );
    }

    fn save_now(self, api: Api) {
        let draft = self.draft.get_untracked();
        leptos::task::spawn_local(async move {
            let ok = api.save_draft(&draft).await.is_ok();
            self.unsynced.set(!ok);
        });
    }
}

impl Default for Enrollment {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn later_steps_send_to_the_first_unfinished_one() {
        let anon = Progress::default();
        assert_eq!(anon.redirect(Step::Company), Some(Step::Account));
        assert_eq!(anon.redirect(Step::Account), None);
        let signed = Progress {
            signed_in: true,
            ..Default::default()
        };
        assert_eq!(signed.redirect(Step::Company), None);
        assert_eq!(signed.redirect(Step::Review), Some(Step::Company));
        let profile = Progress {
            profile_done: true,
            ..signed
        };
        assert_eq!(profile.redirect(Step::Contact), None);
        assert_eq!(profile.redirect(Step::Review), Some(Step::Contact));
        let both = Progress {
            contact_done: true,
            ..profile
        };
        assert_eq!(both.redirect(Step::Review), None);
        assert_eq!(both.redirect(Step::Done), Some(Step::Review));
        // Going back is always allowed before enrolling.
        assert_eq!(both.redirect(Step::Company), None);
    }

    #[test]
    fn once_enrolled_the_answers_are_closed() {
        let p = Progress {
            signed_in: true,
            profile_done: true,
            contact_done: true,
            enrolled: true,
            agreed: false,
        };
        assert_eq!(p.redirect(Step::Company), Some(Step::Agreement));
        assert_eq!(p.redirect(Step::Done), Some(Step::Agreement));
        assert_eq!(p.redirect(Step::Agreement), None);
        let p = Progress { agreed: true, ..p };
        assert_eq!(p.redirect(Step::Review), Some(Step::Done));
        assert_eq!(p.redirect(Step::Done), None);
        // The agreement can be read again after accepting it.
        assert_eq!(p.redirect(Step::Agreement), None);
    }

    #[test]
    fn the_newer_draft_wins() {
        let mut local = EnrollmentDraft::default();
        local.profile.legal_name = "local".into();
        local.updated_at = 20;
        let mut server = EnrollmentDraft::default();
        server.profile.legal_name = "server".into();
        server.updated_at = 10;
        assert_eq!(
            pick(Some(local.clone()), server.clone()).profile.legal_name,
            "local"
        );
        // Typed here in the second the server stamped its last save with:
        // the keystrokes came after that save.
        server.updated_at = 20;
        assert_eq!(
            pick(Some(local.clone()), server.clone()).profile.legal_name,
            "local"
        );
        server.updated_at = 30;
        assert_eq!(
            pick(Some(local), server.clone()).profile.legal_name,
            "server"
        );
        assert_eq!(pick(None, server).profile.legal_name, "server");
    }
}

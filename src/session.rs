//! Who is signed in, shared by every page.

use leptos::prelude::*;
use pc_api::Session;

use crate::api::Api;

#[derive(Clone, Copy)]
pub struct Auth {
    pub session: RwSignal<Option<Session>>,
    /// The first check with the server has finished (either way).
    pub checked: RwSignal<bool>,
    /// The last check could not reach the server.
    pub unreachable: RwSignal<bool>,
}

impl Auth {
    pub fn new() -> Self {
        Auth {
            session: RwSignal::new(None),
            checked: RwSignal::new(false),
            unreachable: RwSignal::new(false),
        }
    }

    /// The signed-in user's email, or "" (read without tracking).
    pub fn email(self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.user.email.clone()))
            .unwrap_or_default()
    }

    /// The signed-in user's tenant domain, or "" (read without tracking).
    pub fn tenant_domain(self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.tenant.domain.clone()))
            .unwrap_or_default()
    }

    /// Asks the server who is signed in (the session cookie survives reloads).
    pub fn refresh(self, api: Api) {
        leptos::task::spawn_local(async move {
            match api.current_session().await {
                Ok(s) => {
                    self.session.set(s);
                    self.unreachable.set(false);
                }
                Err(_) => self.unreachable.set(true),
            }
            self.checked.set(true);
        });
    }
}

impl Default for Auth {
    fn default() -> Self {
        Self::new()
    }
}

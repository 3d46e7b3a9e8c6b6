//! Passwords (argon2id), sessions (random ids in an HttpOnly cookie, stored
//! hashed), and the bounded pool that password hashes run in.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{COOKIE, HOST};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::config::{Config, CookieSecure};
use crate::error::ApiError;
use crate::{db, AppState};

pub const SESSION_COOKIE: &str = "pc_session";

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// argon2id with OWASP's recommended parameters (19 MiB, 2 passes, 1 lane).
pub struct Passwords {
    argon: Argon2<'static>,
    /// Verified against when the email is unknown, so that a wrong email and a
    /// wrong password take the same time.
    dummy_hash: String,
    /// Hashes computed at once: each holds 19 MiB, so this bounds the
    /// memory that a crowd of sign-ups can take.
    slots: Arc<Semaphore>,
    max_slots: usize,
}

impl Default for Passwords {
    fn default() -> Self {
        Self::new()
    }
}

/// How long a password check waits for a free slot before answering 503.
pub const HASH_QUEUE_WAIT: Duration = Duration::from_secs(2);

impl Passwords {
    pub fn new() -> Self {
        Self::with_slots(4)
    }

    /// How many hashes may run at once.
    pub fn slot_count(&self) -> usize {
        self.max_slots
    }

    /// The hash slots, for tests that fill them.
    pub fn slots(&self) -> &Arc<Semaphore> {
        &self.slots
    }

    /// Runs `work` (hashing or verifying) on the blocking pool once a slot
    /// is free; after `HASH_QUEUE_WAIT` without one, `ApiError::Busy`.
    pub async fn run<T: Send + 'static>(
        self: &Arc<Self>,
        work: impl FnOnce(&Passwords) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let busy = ApiError::Busy {
            retry_after_secs: HASH_QUEUE_WAIT.as_secs().max(1),
        };
        let permit =
            match tokio::time::timeout(HASH_QUEUE_WAIT, self.slots.clone().acquire_owned()).await {
                Ok(Ok(p)) => p,
                _ => {
                    crate::metrics::hash_refused();
                    return Err(busy);
                }
            };
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
            let _slot = permit;
            work(&me)
        })
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))
    }

    pub fn with_slots(slots: usize) -> Self {
        let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let salt = SaltString::encode_b64(&random_bytes::<16>()).expect("salt");
        let dummy_hash = argon
            .hash_password(b"not a real password, only for timing", &salt)
            .expect("hash")
            .to_string();
        Passwords {
            argon,
            dummy_hash,
            slots: Arc::new(Semaphore::new(slots.max(1))),
            max_slots: slots.max(1),
        }
    }

    pub fn hash(&self, password: &str) -> anyhow::Result<String> {
        let salt = SaltString::encode_b64(&random_bytes::<16>())
            .map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        self.argon
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hash: {e}"))
    }

    /// Whether `password` matches `hash`; with `None`, burns the same time and says no.
    pub fn verify(&self, password: &str, hash: Option<&str>) -> bool {
        let stored = hash.unwrap_or(&self.dummy_hash);
        let ok = PasswordHash::new(stored)
            .map(|h| self.argon.verify_password(password.as_bytes(), &h).is_ok())
            .unwrap_or(false);
        ok && hash.is_some()
    }
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    rand::rng().fill_bytes(&mut b);
    b
}

/// A new session id: 256 random bits, URL-safe.
pub fn new_session_id() -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

pub fn hash_session_id(id: &str) -> String {
    let digest = Sha256::digest(id.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn is_loopback_host(headers: &HeaderMap) -> bool {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    is_loopback_host_name(host)
}

/// Whether a `Host` value (name and optional port) names this machine's
/// loopback: `localhost`, `*.localhost`, `127.x.x.x` or `[::1]`, and nothing
/// but a port after it.
pub fn is_loopback_host_name(host: &str) -> bool {
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((n, p)) => (n, p),
            None => return false,
        }
    } else {
        host.split_at(host.find(':').unwrap_or(host.len()))
    };
    let port_ok = port.is_empty()
        || port
            .strip_prefix(':')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = name == "localhost"
        || name.ends_with(".localhost")
        || name
            .parse::<std::net::Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
        || name == "::1";
    port_ok && name_ok
}

fn secure_attr(config: &Config, headers: &HeaderMap) -> &'static str {
    let secure = match config.cookie_secure {
        CookieSecure::Always => true,
        CookieSecure::Never => false,
        CookieSecure::Auto => {
            let https = headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.eq_ignore_ascii_case("https"));
            https || !is_loopback_host(headers)
        }
    };
    if secure {
        "; Secure"
    } else {
        ""
    }
}

/// `Set-Cookie` for a new session. No `Max-Age`: the server ends sessions.
/// The request comes from a page on another origin that may call the API
/// (`--cors-origin`): the cookie must then travel in cross-site requests.
fn from_allowed_other_origin(config: &Config, headers: &HeaderMap) -> bool {
    let Some(origin) = headers
        .get(axum::http::header::ORIGIN)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let own = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        == Some(host);
    !own && config.cors_origins.iter().any(|o| o == origin)
}

/// The cookie's attributes after its value. When the app is served from
/// another site than the API, the cookie is `SameSite=None; Secure;
/// Partitioned` (a third-party cookie kept in the app's partition);
/// otherwise `SameSite=Lax`.
fn cookie_attrs(config: &Config, headers: &HeaderMap) -> String {
    if from_allowed_other_origin(config, headers) {
        "Path=/; HttpOnly; SameSite=None; Secure; Partitioned".to_owned()
    } else {
        format!(
            "Path=/; HttpOnly; SameSite=Lax{}",
            secure_attr(config, headers)
        )
    }
}

/// `Set-Cookie` for a new session. No `Max-Age`: the server ends sessions.
pub fn session_cookie(config: &Config, headers: &HeaderMap, id: &str) -> String {
    format!("{SESSION_COOKIE}={id}; {}", cookie_attrs(config, headers))
}

pub fn clear_cookie(config: &Config, headers: &HeaderMap) -> String {
    format!(
        "{SESSION_COOKIE}=; Max-Age=0; {}",
        cookie_attrs(config, headers)
    )
}

pub fn session_id_from(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// The signed-in user of a request; rejects with 401 when there is none or
/// the session has run past its idle or absolute limit.
pub struct CurrentUser {
    pub user_id: String,
    pub session_hash: String,
    /// The user's tenant, read with the session (no second query).
    pub tenant_id: String,
    pub tenant_domain: String,
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let id = session_id_from(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        let session_hash = hash_session_id(&id);
        let stored = db::find_session(&state.db, &session_hash)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let now = now();
        let idle = state.config.session_idle().as_secs() as i64;
        let max = state.config.session_max().as_secs() as i64;
        if now - stored.last_seen_at > idle || now - stored.created_at > max {
            db::delete_session(&state.db, &session_hash).await?;
            return Err(ApiError::Unauthenticated);
        }
        // Writing on every request would serialise readers behind the writer.
        if now - stored.last_seen_at >= 60 {
            db::touch_session(&state.db, &session_hash, now).await?;
        }
        // A temporary password opens only the way to choosing one's own.
        if stored.must_change_password {
            let path = parts.uri.path();
            let allowed = (parts.method == axum::http::Method::GET && path.ends_with("/session"))
                || path.ends_with("/session/password");
            if !allowed {
                return Err(ApiError::other(
                    pc_api::Problem::new(403, "Choose a new password first")
                        .with_code("password_change_required")
                        .with_detail("This account signed in with a temporary password."),
                ));
            }
        }
        Ok(CurrentUser {
            user_id: stored.user_id,
            session_hash,
            tenant_id: stored.tenant_id,
            tenant_domain: stored.tenant_domain,
        })
    }
}

/// The client's address, for rate limits.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string())
            .unwrap_or_else(|| "unknown".into());
        Ok(ClientAddr(addr))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_their_own_hash() {
        let p = Passwords::new();
        let h = p.hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(p.verify("correct horse battery", Some(&h)));
        assert!(!p.verify("correct horse batterY", Some(&h)));
        assert!(!p.verify("correct horse battery", None));
    }

    #[test]
    fn session_ids_are_long_random_and_stored_hashed() {
        let a = new_session_id();
        let b = new_session_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_session_id(&a).len(), 64);
        assert_ne!(hash_session_id(&a), a);
    }

    #[test]
    fn cookie_is_secure_except_on_plain_http_loopback() {
        let cfg = Config::for_tests("sqlite::memory:");
        let mut cfg = cfg;
        cfg.cookie_secure = CookieSecure::Auto;
        let mut h = HeaderMap::new();
        h.insert(HOST, "127.0.0.1:8080".parse().unwrap());
        let c = session_cookie(&cfg, &h, "abc");
        assert!(c.contains("HttpOnly") && !c.contains("Secure"), "{c}");
        h.insert(HOST, "partners.contoso.com".parse().unwrap());
        assert!(session_cookie(&cfg, &h, "abc").ends_with("; Secure"));
        h.insert(HOST, "localhost:8080".parse().unwrap());
        h.insert("x-forwarded-proto", "https".parse().unwrap());
        assert!(session_cookie(&cfg, &h, "abc").ends_with("; Secure"));
    }

    #[test]
    fn an_allowed_app_on_another_site_gets_a_partitioned_cross_site_cookie() {
        let mut cfg = Config::for_tests("sqlite::memory:");
        cfg.cors_origins = vec!["https://portal.contoso.com".into()];
        let mut h = HeaderMap::new();
        h.insert(HOST, "api.partners.example".parse().unwrap());
        h.insert(
            axum::http::header::ORIGIN,
            "https://portal.contoso.com".parse().unwrap(),
        );
        let c = session_cookie(&cfg, &h, "abc");
        assert!(
            c.ends_with("HttpOnly; SameSite=None; Secure; Partitioned"),
            "{c}"
        );
        assert!(clear_cookie(&cfg, &h).contains("Max-Age=0; Path=/; HttpOnly; SameSite=None"));
        // An origin not on the list, or the API's own origin, keeps Lax.
        h.insert(
            axum::http::header::ORIGIN,
            "https://evil.example".parse().unwrap(),
        );
        assert!(session_cookie(&cfg, &h, "abc").contains("SameSite=Lax"));
        h.insert(
            axum::http::header::ORIGIN,
            "https://api.partners.example".parse().unwrap(),
        );
        assert!(session_cookie(&cfg, &h, "abc").contains("SameSite=Lax"));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            "theme=dark; pc_session=xyz; other=1".parse().unwrap(),
        );
        assert_eq!(session_id_from(&h).as_deref(), Some("xyz"));
        h.insert(COOKIE, "pc_session=".parse().unwrap());
        assert_eq!(session_id_from(&h), None);
    }
}

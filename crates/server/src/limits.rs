//! Rate limits kept in the database, so that any number of servers on one
//! database enforce one limit: each key is one row holding the generic cell
//! rate algorithm's "theoretical arrival time", advanced by one conditional
//! upsert per request (no read-then-write race between servers).
//!
//! Sign-in follows OWASP's guidance against credential guessing without
//! handing an attacker a way to lock the real user out: guesses are limited
//! per client address and per email-and-address pair (an attacker's address
//! is refused, the real user's is not), and failures on one email from
//! anywhere slow every further attempt on it progressively, up to a few
//! seconds, instead of locking it.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::config::Config;
use crate::db::{self, Backend, Db};
use crate::error::ApiError;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// `burst` requests at once, then one every `every`.
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    pub burst: u32,
    pub every: Duration,
}

impl Quota {
    fn new(burst: u32, every_secs: u64) -> Self {
        Quota {
            burst: burst.max(1),
            every: Duration::from_secs(every_secs),
        }
    }
}

/// Takes one request from `key`'s allowance; `Err` with the seconds until
/// the next is allowed.
pub async fn take(db: &Db, key: &str, q: Quota, now: i64) -> Result<(), ApiError> {
    let t = q.every.as_millis() as i64;
    let window = t * i64::from(q.burst);
    let max = match db::backend_of(db) {
        Backend::Postgres => "GREATEST",
        Backend::Sqlite => "MAX",
    };
    let sql = format!(
        "INSERT INTO rate_limits (key, tat) VALUES ($1, $2 + $3) \
         ON CONFLICT (key) DO UPDATE SET tat = {max}(rate_limits.tat, $2) + $3 \
         WHERE {max}(rate_limits.tat, $2) + $3 - $2 <= $4 RETURNING tat"
    );
    let taken: Option<i64> = sqlx::query_scalar(&sql)
        .bind(key)
        .bind(now)
        .bind(t)
        .bind(window)
        .fetch_optional(db)
        .await?;
    if taken.is_some() {
        return Ok(());
    }
    let tat: i64 = sqlx::query_scalar("SELECT tat FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?
        .unwrap_or(now);
    let wait_ms = (tat.max(now) + t - now - window).max(1);
    Err(ApiError::RateLimited {
        retry_after_secs: ((wait_ms + 999) / 1000) as u64,
    })
}

/// How many units of `every` are still owed on `key` (0 when none).
async fn owed(db: &Db, key: &str, every: Duration, now: i64) -> Result<i64, ApiError> {
    let tat: Option<i64> = sqlx::query_scalar("SELECT tat FROM rate_limits WHERE key = $1")
        .bind(key)
        .fetch_optional(db)
        .await?;
    let t = (every.as_millis() as i64).max(1);
    Ok(tat.map(|tat| (tat - now + t - 1).max(0) / t).unwrap_or(0))
}

/// Forgets keys whose allowance is whole again.
pub async fn sweep(db: &Db) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM rate_limits WHERE tat < $1")
        .bind(now_ms())
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

/// A pause before checking a password, growing with the recent failures
/// on that email beyond `free` (whoever made them): 250 ms doubling, at
/// most 4 s. The real user is slowed, never locked out.
pub fn progressive_delay(failures: i64, free: u32) -> Duration {
    let beyond = failures - i64::from(free);
    if beyond <= 0 {
        return Duration::ZERO;
    }
    Duration::from_millis((250_u64 << (beyond - 1).min(4)).min(4000))
}

/// The server's limits, their bursts from configuration.
pub struct Limits {
    sign_in_by_addr: Quota,
    sign_in_by_pair: Quota,
    failures_by_email: Quota,
    create_by_addr: Quota,
    duns_by_user: Quota,
    resend_by_tenant: Quota,
}

impl Limits {
    pub fn new(config: &Config) -> Self {
        Limits {
            sign_in_by_addr: Quota::new(config.sign_in_burst.saturating_mul(4), 5),
            sign_in_by_pair: Quota::new(config.sign_in_burst, 30),
            // Counted, never refused: it only sets the delay.
            failures_by_email: Quota::new(u32::MAX / 2, 30),
            create_by_addr: Quota::new(config.create_account_burst, 60),
            duns_by_user: Quota::new(config.duns_burst, 6),
            resend_by_tenant: Quota::new(3, 60),
        }
    }

    /// Before a sign-in attempt: the client address's allowance and that of
    /// the address and email together; then waits out the email's
    /// progressive delay.
    pub async fn sign_in(&self, db: &Db, addr: &str, email: &str) -> Result<(), ApiError> {
        let now = now_ms();
        take(
            db,
            &format!("sign_in_addr:{addr}"),
            self.sign_in_by_addr,
            now,
        )
        .await?;
        take(
            db,
            &format!("sign_in:{email}|{addr}"),
            self.sign_in_by_pair,
            now,
        )
        .await?;
        let failures = owed(
            db,
            &format!("sign_in_failed:{email}"),
            self.failures_by_email.every,
            now,
        )
        .await?;
        let pause = progressive_delay(failures, self.sign_in_by_pair.burst);
        if !pause.is_zero() {
            tokio::time::sleep(pause).await;
        }
        Ok(())
    }

    /// After a failed sign-in on `email`, known or not.
    pub async fn sign_in_failed(&self, db: &Db, email: &str) -> Result<(), ApiError> {
        take(
            db,
            &format!("sign_in_failed:{email}"),
            self.failures_by_email,
            now_ms(),
        )
        .await
    }

    pub async fn create_account(&self, db: &Db, addr: &str) -> Result<(), ApiError> {
        take(db, &format!("create:{addr}"), self.create_by_addr, now_ms()).await
    }

    pub async fn resend_email(&self, db: &Db, tenant_id: &str) -> Result<(), ApiError> {
        take(
            db,
            &format!("resend:{tenant_id}"),
            self.resend_by_tenant,
            now_ms(),
        )
        .await
    }

    pub async fn duns_lookup(&self, db: &Db, user_id: &str) -> Result<(), ApiError> {
        take(db, &format!("duns:{user_id}"), self.duns_by_user, now_ms()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_delay_grows_past_the_free_failures_and_stays_bounded() {
        assert_eq!(progressive_delay(5, 5), Duration::ZERO);
        assert_eq!(progressive_delay(6, 5), Duration::from_millis(250));
        assert_eq!(progressive_delay(7, 5), Duration::from_millis(500));
        assert_eq!(progressive_delay(9, 5), Duration::from_millis(2000));
        assert_eq!(progressive_delay(10_000, 5), Duration::from_millis(4000));
    }
}

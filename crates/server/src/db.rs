//! All SQL of the server lives here, behind plain functions, so another
//! database (PostgreSQL) can slot in without touching the handlers.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use pc_api::{
    AgreementAcceptance, CheckKind, CheckStatus, LegalBusinessProfile, PartnerAccount,
    PrimaryContact, ProgramStatus, Role, Session, TenantSummary, UserSummary, VerificationCheck,
    VettingStatus,
};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::Row;

/// The schema's migrations, applied at start by the first server.
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A pool on SQLite or PostgreSQL, chosen by the URL's scheme at start.
pub type Db = sqlx::AnyPool;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> anyhow::Result<Backend> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Backend::Sqlite),
            "postgres" | "postgresql" => Ok(Backend::Postgres),
            _ => anyhow::bail!(
                "DATABASE_URL {} is neither sqlite://… nor postgres://…",
                redact(url)
            ),
        }
    }
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let user_info = &url[s + 3..at];
            match user_info.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// Opens (creating if needed) and migrates the database named by `url`:
/// `sqlite://path/file.db` or `postgres://user:password@host/name`.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    sqlx::any::install_default_drivers();
    let backend = Backend::of(url)?;
    let (url, shown, max) = match backend {
        Backend::Sqlite => {
            let opts = SqliteConnectOptions::from_str(url)
                .with_context(|| format!("DATABASE_URL {url:?} is not a valid sqlite:// URL"))?;
            let file = opts.get_filename().to_path_buf();
            if file.as_path() != Path::new(":memory:") {
                if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).with_context(|| {
                        format!("cannot create the database folder {}", dir.display())
                    })?;
                }
            }
            // Created on first start unless the URL names another mode.
            let url = if url.contains("mode=") {
                url.to_owned()
            } else if url.contains('?') {
                format!("{url}&mode=rwc")
            } else {
                format!("{url}?mode=rwc")
            };
            (url, file.display().to_string(), 8)
        }
        Backend::Postgres => (url.to_owned(), redact(url), 16),
    };
    let opts = AnyConnectOptions::from_str(&url)
        .with_context(|| format!("DATABASE_URL {shown:?} is not a valid database URL"))?;
    let pool = AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if backend == Backend::Sqlite {
                    // One writer at a time, readers beside it; a busy
                    // database waits up to 5 s before answering 503.
                    for pragma in [
                        "PRAGMA journal_mode = WAL",
                        "PRAGMA synchronous = NORMAL",
                        "PRAGMA foreign_keys = ON",
                        "PRAGMA busy_timeout = 5000",
                    ] {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                }
                Ok(())
            })
        })
        .connect_with(opts)
        .await
        .with_context(|| format!("cannot open the database {shown}"))?;
    MIGRATIONS
        .run(&pool)
        .await
        .context("cannot apply the database migrations")?;
    Ok(pool)
}

/// Whether a connection is to PostgreSQL.
fn is_postgres(c: &mut sqlx::AnyConnection) -> bool {
    c.backend_name() == "PostgreSQL"
}

/// The database a pool is on.
pub fn backend_of(db: &Db) -> Backend {
    if db.connect_options().database_url.scheme() == "sqlite" {
        Backend::Sqlite
    } else {
        Backend::Postgres
    }
}

/// A transaction that will write. On SQLite it takes the write lock at
/// once (`BEGIN IMMEDIATE`), waiting up to the busy timeout for it: a
/// transaction that read first and then wanted to write would fail at once
/// with "database is locked" when another writer got in between.
pub async fn begin_write(db: &Db) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    if backend_of(db) == Backend::Sqlite {
        db.begin_with("BEGIN IMMEDIATE").await
    } else {
        db.begin().await
    }
}

pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(db).await.map(|_| ())
}

/// How many of this build's migrations the database lacks (0 when ready).
pub async fn missing_migrations(db: &Db) -> Result<usize, sqlx::Error> {
    let applied: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_all(db)
            .await?;
    Ok(MIGRATIONS
        .iter()
        .filter(|m| !applied.contains(&m.version))
        .count())
}

#[derive(Debug, PartialEq, Eq)]
pub enum CreateConflict {
    DomainTaken,
    EmailTaken,
}

pub struct NewAccount<'a> {
    pub domain: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
}

/// Creates a tenant and its first user, a Global admin, in one transaction.
/// Returns the new user's id, or which unique value was already taken.
pub async fn create_tenant_with_admin(
    db: &Db,
    a: &NewAccount<'_>,
    now: i64,
) -> Result<Result<String, CreateConflict>, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM tenants WHERE domain = $1")
        .bind(a.domain)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Ok(Err(CreateConflict::DomainTaken));
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE email = $1")
        .bind(a.email)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Ok(Err(CreateConflict::EmailTaken));
    }
    let tenant_id = uuid::Uuid::new_v4().to_string();
    let user_id = uuid::Uuid::new_v4().to_string();
    let inserted = sqlx::query("INSERT INTO tenants (id, domain, created_at) VALUES ($1, $2, $3)")
        .bind(&tenant_id)
        .bind(a.domain)
        .bind(now)
        .execute(&mut *tx)
        .await;
    if is_unique_violation(&inserted) {
        return Ok(Err(CreateConflict::DomainTaken));
    }
    inserted?;
    let inserted = sqlx::query(
        "INSERT INTO users (id, tenant_id, email, first_name, last_name, password_hash, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&user_id)
    .bind(&tenant_id)
    .bind(a.email)
    .bind(a.first_name)
    .bind(a.last_name)
    .bind(a.password_hash)
    .bind(now)
    .execute(&mut *tx)
    .await;
    if is_unique_violation(&inserted) {
        return Ok(Err(CreateConflict::EmailTaken));
    }
    inserted?;
    sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
        .bind(&user_id)
        .bind(Role::GlobalAdmin.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Ok(user_id))
}

fn is_unique_violation<T>(r: &Result<T, sqlx::Error>) -> bool {
    matches!(r, Err(sqlx::Error::Database(d)) if d.is_unique_violation())
}

pub struct Credentials {
    pub user_id: String,
    pub password_hash: String,
}

pub async fn credentials_by_email(
    db: &Db,
    email: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| Credentials {
        user_id: r.get("id"),
        password_hash: r.get("password_hash"),
    }))
}

/// The signed-in view of a user: who, which tenant, which roles.
pub async fn session_view(db: &Db, user_id: &str) -> Result<Option<Session>, sqlx::Error> {
    // One query, the roles folded in: this runs on most requests.
    let Some(row) = sqlx::query(
        "SELECT u.id, u.email, u.first_name, u.last_name, u.must_change_password, t.id AS tenant_id, t.domain, \
         (SELECT string_agg(role, ',') FROM user_roles r WHERE r.user_id = u.id) AS roles \
         FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let roles = roles_from(row.get("roles"));
    Ok(Some(Session {
        user: UserSummary {
            id: row.get("id"),
            email: row.get("email"),
            first_name: row.get("first_name"),
            last_name: row.get("last_name"),
            roles,
        },
        tenant: TenantSummary {
            id: row.get("tenant_id"),
            domain: row.get("domain"),
        },
        must_change_password: row.get::<i64, _>("must_change_password") != 0,
    }))
}

pub async fn insert_session(
    db: &Db,
    id_hash: &str,
    user_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id_hash)
    .bind(user_id)
    .bind(now)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

pub struct StoredSession {
    pub user_id: String,
    pub tenant_id: String,
    pub tenant_domain: String,
    pub must_change_password: bool,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub async fn find_session(db: &Db, id_hash: &str) -> Result<Option<StoredSession>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT s.user_id, s.created_at, s.last_seen_at, u.must_change_password, u.tenant_id, t.domain \
         FROM sessions s JOIN users u ON u.id = s.user_id JOIN tenants t ON t.id = u.tenant_id \
         WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| StoredSession {
        user_id: r.get("user_id"),
        tenant_id: r.get("tenant_id"),
        tenant_domain: r.get("domain"),
        must_change_password: r.get::<i64, _>("must_change_password") != 0,
        created_at: r.get("created_at"),
        last_seen_at: r.get("last_seen_at"),
    }))
}

pub async fn touch_session(db: &Db, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash)
        .execute(db)
        .await
        .map(|_| ())
}

/// Drops sessions past either limit; run now and then.
pub async fn delete_expired_sessions(
    db: &Db,
    idle_before: i64,
    created_before: i64,
) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(created_before)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

// ---- Enrollment -----------------------------------------------------------

pub async fn registry_lookup(
    db: &Db,
    duns: &str,
) -> Result<Option<LegalBusinessProfile>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT duns, country, legal_name, line1, line2, city, state, postal_code \
         FROM company_registry WHERE duns = $1",
    )
    .bind(duns)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| LegalBusinessProfile {
        country: r.get("country"),
        duns: Some(r.get("duns")),
        legal_name: r.get("legal_name"),
        line1: r.get("line1"),
        line2: r.get("line2"),
        city: r.get("city"),
        state: r.get("state"),
        postal_code: r.get("postal_code"),
    }))
}

pub async fn load_draft(db: &Db, tenant_id: &str) -> Result<Option<(String, i64)>, sqlx::Error> {
    let row = sqlx::query("SELECT body, updated_at FROM enrollment_drafts WHERE tenant_id = $1")
        .bind(tenant_id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| (r.get("body"), r.get("updated_at"))))
}

pub async fn save_draft(db: &Db, tenant_id: &str, body: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO enrollment_drafts (tenant_id, body, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (tenant_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(tenant_id)
    .bind(body)
    .bind(now)
    .execute(db)
    .await
    .map(|_| ())
}

/// What an idempotency key already knows about its request.
pub enum KeyState {
    /// First use: the caller now owns the key and must finish or release it.
    Claimed,
    /// Used before with another body.
    Mismatch,
    /// Its first request is still running.
    InFlight,
    /// Finished: replay this status and body.
    Done(u16, String),
}

/// Claims `key` for `hash`, or says what the key already holds. A request
/// abandoned mid-flight (the server died) is taken over after `stale_secs`.
pub async fn claim_idempotency_key(
    db: &Db,
    user_id: &str,
    key: &str,
    hash: &str,
    now: i64,
    stale_secs: i64,
) -> Result<KeyState, sqlx::Error> {
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, idem_key, request_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (user_id, idem_key) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(hash)
    .bind(now)
    .execute(db)
    .await?;
    if inserted.rows_affected() == 1 {
        return Ok(KeyState::Claimed);
    }
    let row = sqlx::query(
        "SELECT request_hash, status, response, created_at FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2",
    )
    .bind(user_id)
    .bind(key)
    .fetch_one(db)
    .await?;
    let stored_hash: String = row.get("request_hash");
    if stored_hash != hash {
        return Ok(KeyState::Mismatch);
    }
    let status: Option<i64> = row.get("status");
    match status {
        Some(s) => Ok(KeyState::Done(
            s as u16,
            row.get::<Option<String>, _>("response").unwrap_or_default(),
        )),
        None => {
            let created: i64 = row.get("created_at");
            if now - created < stale_secs {
                return Ok(KeyState::InFlight);
            }
            let took = sqlx::query(
                "UPDATE idempotency_keys SET created_at = $1 WHERE user_id = $2 AND idem_key = $3 \
                 AND status IS NULL AND created_at = $4",
            )
            .bind(now)
            .bind(user_id)
            .bind(key)
            .bind(created)
            .execute(db)
            .await?;
            Ok(if took.rows_affected() == 1 {
                KeyState::Claimed
            } else {
                KeyState::InFlight
            })
        }
    }
}

pub async fn finish_idempotency_key(
    db: &Db,
    user_id: &str,
    key: &str,
    status: u16,
    body: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $1, response = $2 WHERE user_id = $3 AND idem_key = $4",
    )
    .bind(status as i64)
    .bind(body)
    .bind(user_id)
    .bind(key)
    .execute(db)
    .await
    .map(|_| ())
}

pub async fn release_idempotency_key(db: &Db, user_id: &str, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = $1 AND idem_key = $2 AND status IS NULL",
    )
    .bind(user_id)
    .bind(key)
    .execute(db)
    .await
    .map(|_| ())
}

fn check_kind_name(k: CheckKind) -> &'static str {
    match k {
        CheckKind::EmailOwnership => "email_ownership",
        CheckKind::Employment => "employment",
        CheckKind::Business => "business",
    }
}

fn check_status_name(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::NotStarted => "not_started",
        CheckStatus::Pending => "pending",
        CheckStatus::Verified => "verified",
        CheckStatus::Rejected => "rejected",
    }
}

fn parse_check_kind(s: &str) -> Option<CheckKind> {
    [
        CheckKind::EmailOwnership,
        CheckKind::Employment,
        CheckKind::Business,
    ]
    .into_iter()
    .find(|k| check_kind_name(*k) == s)
}

fn parse_check_status(s: &str) -> CheckStatus {
    [
        CheckStatus::NotStarted,
        CheckStatus::Pending,
        CheckStatus::Verified,
        CheckStatus::Rejected,
    ]
    .into_iter()
    .find(|k| check_status_name(*k) == s)
    .unwrap_or(CheckStatus::NotStarted)
}

fn parse_vetting(s: &str) -> VettingStatus {
    match s {
        "pending" => VettingStatus::Pending,
        "authorized" => VettingStatus::Authorized,
        "rejected" => VettingStatus::Rejected,
        _ => VettingStatus::None,
    }
}

pub struct NewPartner<'a> {
    pub tenant_id: &'a str,
    pub user_id: &'a str,
    pub profile: &'a LegalBusinessProfile,
    pub contact: &'a PrimaryContact,
    pub contact_locale: &'a str,
    /// Hash of the email-verification token sent in the first email.
    pub token_hash: &'a str,
    pub token_expires_at: i64,
    /// The Enroll now request's key, whose answer is recorded with the account.
    pub idempotency_key: &'a str,
}

pub enum CreatePartner {
    /// Created, and its answer recorded for the idempotency key.
    Created(Box<PartnerAccount>),
    /// The tenant has a partner account already.
    AlreadyEnrolled,
    /// The MPN ID drawn is someone else's: draw another.
    MpnIdTaken,
}

/// Creates the partner account with its three checks and its verification
/// token, and queues `mail`: all or nothing.
pub async fn create_partner_account(
    db: &Db,
    p: &NewPartner<'_>,
    mpn_id: &str,
    mail: &NewMail<'_>,
    now: i64,
) -> Result<CreatePartner, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let exists: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM partner_accounts WHERE tenant_id = $1")
            .bind(p.tenant_id)
            .fetch_optional(&mut *tx)
            .await?;
    if exists.is_some() {
        return Ok(CreatePartner::AlreadyEnrolled);
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM partner_accounts WHERE mpn_id = $1")
        .bind(mpn_id)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Ok(CreatePartner::MpnIdTaken);
    }
    let pr = p.profile;
    let c = p.contact;
    let inserted = sqlx::query(
        "INSERT INTO partner_accounts (tenant_id, mpn_id, country, duns, legal_name, line1, line2, city, state, \
         postal_code, contact_first_name, contact_last_name, contact_email, contact_phone, contact_locale, \
         vetting_status, program_status, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'pending', 'pending_verification', $16, $17)",
    )
    .bind(p.tenant_id)
    .bind(mpn_id)
    .bind(&pr.country)
    .bind(&pr.duns)
    .bind(&pr.legal_name)
    .bind(&pr.line1)
    .bind(&pr.line2)
    .bind(&pr.city)
    .bind(&pr.state)
    .bind(&pr.postal_code)
    .bind(&c.first_name)
    .bind(&c.last_name)
    .bind(&c.email)
    .bind(&c.phone)
    .bind(p.contact_locale)
    .bind(p.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await;
    if is_unique_violation(&inserted) {
        // A concurrent request won the race for this tenant (or the ID).
        return Ok(CreatePartner::AlreadyEnrolled);
    }
    inserted?;
    for (kind, status) in [
        (CheckKind::EmailOwnership, CheckStatus::Pending),
        (CheckKind::Employment, CheckStatus::Pending),
        (CheckKind::Business, CheckStatus::Pending),
    ] {
        sqlx::query("INSERT INTO verification_checks (tenant_id, kind, status, updated_at) VALUES ($1, $2, $3, $4)")
            .bind(p.tenant_id)
            .bind(check_kind_name(kind))
            .bind(check_status_name(status))
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, tenant_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(p.token_hash)
    .bind(p.tenant_id)
    .bind(&c.email)
    .bind(now)
    .bind(p.token_expires_at)
    .execute(&mut *tx)
    .await?;
    queue_mail_in(&mut tx, p.tenant_id, MailKind::Verify, mail, now).await?;
    // The answer is recorded with the account, in the same transaction: a
    // crash leaves either both or neither, and a retry with the same key
    // replays it or does the work.
    let account = partner_account_in(&mut tx, p.tenant_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let body = serde_json::to_string(&account).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query(
        "UPDATE idempotency_keys SET status = 201, response = $1 WHERE user_id = $2 AND idem_key = $3",
    )
    .bind(&body)
    .bind(p.user_id)
    .bind(p.idempotency_key)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CreatePartner::Created(Box::new(account)))
}

/// A tenant's checks, in the order email ownership, employment, business.
async fn checks_of<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    ex: E,
    tenant_id: &str,
) -> Result<Vec<VerificationCheck>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT kind, status, reason FROM verification_checks WHERE tenant_id = $1")
            .bind(tenant_id)
            .fetch_all(ex)
            .await?;
    let mut checks: Vec<VerificationCheck> = rows
        .iter()
        .filter_map(|c| {
            Some(VerificationCheck {
                kind: parse_check_kind(c.get("kind"))?,
                status: parse_check_status(c.get("status")),
                reason: c.get("reason"),
            })
        })
        .collect();
    checks.sort_by_key(|c| c.kind as u8);
    Ok(checks)
}

pub async fn partner_account(
    db: &Db,
    tenant_id: &str,
) -> Result<Option<PartnerAccount>, sqlx::Error> {
    partner_account_in(&mut *db.acquire().await?, tenant_id).await
}

async fn partner_account_in(
    c: &mut sqlx::AnyConnection,
    tenant_id: &str,
) -> Result<Option<PartnerAccount>, sqlx::Error> {
    let Some(r) = sqlx::query(&format!(
        "SELECT p.*, {BOUNCE_COLUMNS} FROM partner_accounts p WHERE p.tenant_id = $1"
    ))
    .bind(tenant_id)
    .fetch_optional(&mut *c)
    .await?
    else {
        return Ok(None);
    };
    let checks = checks_of(&mut *c, tenant_id).await?;
    let program: String = r.get("program_status");
    let email_bounce = bounce_of(&r);
    Ok(Some(PartnerAccount {
        mpn_id: r.get("mpn_id"),
        profile: LegalBusinessProfile {
            country: r.get("country"),
            duns: r.get("duns"),
            legal_name: r.get("legal_name"),
            line1: r.get("line1"),
            line2: r.get("line2"),
            city: r.get("city"),
            state: r.get("state"),
            postal_code: r.get("postal_code"),
        },
        contact: PrimaryContact {
            first_name: r.get("contact_first_name"),
            last_name: r.get("contact_last_name"),
            email: r.get("contact_email"),
            phone: r.get("contact_phone"),
        },
        vetting_status: parse_vetting(r.get("vetting_status")),
        checks,
        program_status: if program == "active" {
            ProgramStatus::Active
        } else {
            ProgramStatus::PendingVerification
        },
        created_at: r.get("created_at"),
        agreements: acceptances_in(&mut *c, tenant_id).await?,
        legal_name_locked: r.get::<Option<i64>, _>("authorized_at").is_some(),
        email_bounce,
    }))
}

// ---- Email outbox -----------------------------------------------------------

pub struct NewMail<'a> {
    pub to: &'a str,
    pub locale: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// What an email is: a verification link (whose bounce the applicant and the
/// reviewer see), or news about a check or status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MailKind {
    Verify,
    Status,
}

async fn queue_mail_in(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
    kind: MailKind,
    m: &NewMail<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    // Time-ordered ids (UUIDv7, monotonic within the process) keep mail of
    // the same second in the order it was queued, on every database.
    sqlx::query(
        "INSERT INTO outbox (id, to_address, locale, subject, body_text, created_at, tenant_id, kind, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $6)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(m.to)
    .bind(m.locale)
    .bind(m.subject)
    .bind(m.body)
    .bind(now)
    .bind(tenant_id)
    .bind(match kind {
        MailKind::Verify => "verify",
        MailKind::Status => "status",
    })
    .execute(tx)
    .await
    .map(|_| ())
}

#[derive(serde::Serialize, Clone, Debug)]
pub struct StoredMail {
    pub id: String,
    pub to: String,
    pub locale: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    /// Delivery attempts so far, this one included when just claimed.
    pub attempts: i64,
}

fn mail_row(r: &sqlx::any::AnyRow) -> StoredMail {
    StoredMail {
        id: r.get("id"),
        to: r.get("to_address"),
        locale: r.get("locale"),
        subject: r.get("subject"),
        body: r.get("body_text"),
        created_at: r.get("created_at"),
        attempts: r.get("attempts"),
    }
}

pub async fn recent_mail(db: &Db, limit: i64) -> Result<Vec<StoredMail>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, to_address, locale, subject, body_text, created_at, attempts FROM outbox ORDER BY created_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(mail_row).collect())
}

// ---- Email verification --------------------------------------------------------

pub struct StoredToken {
    pub tenant_id: String,
    pub email: String,
    pub expires_at: i64,
    pub used_at: Option<i64>,
    pub outcome: Option<String>,
    pub legal_name: String,
    pub mpn_id: String,
    pub vetting_status: String,
    pub contact_email: String,
    pub contact_locale: String,
    pub contact_name: String,
}

pub async fn find_token(db: &Db, token_hash: &str) -> Result<Option<StoredToken>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT t.tenant_id, t.email, t.expires_at, t.used_at, t.outcome, p.legal_name, p.mpn_id, \
         p.vetting_status, p.contact_email, p.contact_locale, p.contact_first_name, p.contact_last_name \
         FROM email_tokens t JOIN partner_accounts p ON p.tenant_id = t.tenant_id WHERE t.token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| StoredToken {
        tenant_id: r.get("tenant_id"),
        email: r.get("email"),
        expires_at: r.get("expires_at"),
        used_at: r.get("used_at"),
        outcome: r.get("outcome"),
        legal_name: r.get("legal_name"),
        mpn_id: r.get("mpn_id"),
        vetting_status: r.get("vetting_status"),
        contact_email: r.get("contact_email"),
        contact_locale: r.get("contact_locale"),
        contact_name: format!(
            "{} {}",
            r.get::<String, _>("contact_first_name"),
            r.get::<String, _>("contact_last_name")
        ),
    }))
}

/// What a link must still be for an answer to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenExpect {
    /// Unused, unanswered and unexpired at `now`: confirm or decline.
    Open,
    /// Declined, on an account not yet authorized: undo.
    Declined,
}

/// Records the contact's answer on the token and the email check, derives
/// the overall statuses again and queues the email `compose` writes about
/// the change: together, and only if the link is still as `expect` says
/// (one conditional write, so of two racing answers exactly one applies).
/// `false` when it no longer was.
#[allow(clippy::too_many_arguments)]
pub async fn answer_token(
    db: &Db,
    token_hash: &str,
    tenant_id: &str,
    expect: TokenExpect,
    outcome: Option<&str>,
    check: CheckStatus,
    reason: Option<&str>,
    now: i64,
    compose: impl FnOnce(&StatusNews) -> (String, String),
) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let condition = match expect {
        TokenExpect::Open => "used_at IS NULL AND outcome IS NULL AND expires_at >= $2",
        TokenExpect::Declined => {
            "outcome = 'declined' AND NOT EXISTS (SELECT 1 FROM partner_accounts p \
             WHERE p.tenant_id = email_tokens.tenant_id AND p.vetting_status = 'authorized')"
        }
    };
    let updated = sqlx::query(&format!(
        "UPDATE email_tokens SET outcome = $1, used_at = CASE WHEN $1 IS NULL THEN NULL ELSE $2 END \
         WHERE token_hash = $3 AND {condition}"
    ))
    .bind(outcome)
    .bind(now)
    .bind(token_hash)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let check = VerificationCheck {
        kind: CheckKind::EmailOwnership,
        status: check,
        reason: reason.map(str::to_owned),
    };
    set_check_in(&mut tx, tenant_id, &check, now, compose).await?;
    tx.commit().await?;
    Ok(true)
}

/// Replaces every open link of the tenant with a new one and queues its email.
pub async fn replace_token(
    db: &Db,
    tenant_id: &str,
    email: &str,
    token_hash: &str,
    expires_at: i64,
    mail: &NewMail<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(db).await?;
    sqlx::query("UPDATE email_tokens SET used_at = $1 WHERE tenant_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO email_tokens (token_hash, tenant_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(tenant_id)
    .bind(email)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE verification_checks SET status = 'pending', reason = NULL, updated_at = $1 \
         WHERE tenant_id = $2 AND kind = 'email_ownership' AND status != 'verified'",
    )
    .bind(now)
    .bind(tenant_id)
    .execute(&mut *tx)
    .await?;
    queue_mail_in(&mut tx, tenant_id, MailKind::Verify, mail, now).await?;
    tx.commit().await
}

/// The primary contact and company of a tenant's partner account, for emails.
pub async fn contact_of(
    db: &Db,
    tenant_id: &str,
) -> Result<Option<(String, String, String, String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT contact_email, contact_locale, contact_first_name || ' ' || contact_last_name AS name, legal_name, mpn_id \
         FROM partner_accounts WHERE tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| {
        (
            r.get("contact_email"),
            r.get("contact_locale"),
            r.get("name"),
            r.get("legal_name"),
            r.get("mpn_id"),
        )
    }))
}

/// Claims up to `limit` messages that are due and held by no other server,
/// for `lease_secs`: each is counted as an attempt. On PostgreSQL the rows
/// are locked and skipped by a concurrent claim (`FOR UPDATE SKIP LOCKED`);
/// on SQLite the one statement runs under its single writer.
pub async fn claim_mail(
    db: &Db,
    worker: &str,
    now: i64,
    lease_secs: i64,
    limit: i64,
) -> Result<Vec<StoredMail>, sqlx::Error> {
    let lock = match backend_of(db) {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let sql = format!(
        "UPDATE outbox SET leased_by = $1, leased_until = $2, attempts = attempts + 1 \
         WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL \
         AND next_attempt_at <= $3 AND (leased_until IS NULL OR leased_until < $3) \
         ORDER BY created_at, id LIMIT $4{lock}) \
         RETURNING id, to_address, locale, subject, body_text, created_at, attempts"
    );
    let rows = sqlx::query(&sql)
        .bind(worker)
        .bind(now + lease_secs)
        .bind(now)
        .bind(limit)
        .fetch_all(db)
        .await?;
    let mut claimed: Vec<StoredMail> = rows.iter().map(mail_row).collect();
    claimed.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    Ok(claimed)
}

/// The messages nobody has sent yet (due or not), oldest first.
pub async fn unsent_mail(db: &Db, limit: i64) -> Result<Vec<StoredMail>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, to_address, locale, subject, body_text, created_at, attempts FROM outbox \
         WHERE sent_at IS NULL AND failed_at IS NULL ORDER BY created_at, id LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db)
    .await?;
    Ok(rows.iter().map(mail_row).collect())
}

pub async fn mark_mail_sent(db: &Db, id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET sent_at = $1, leased_until = NULL, last_error = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// A message to try again at `next_attempt_at`. `counted: false` gives the
/// attempt back (the mail server was not reached, so the message was not
/// at fault).
pub async fn retry_mail(
    db: &Db,
    id: &str,
    next_attempt_at: i64,
    error: &str,
    counted: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET next_attempt_at = $1, last_error = $2, leased_until = NULL, leased_by = NULL, \
         attempts = attempts - $3 WHERE id = $4 AND sent_at IS NULL",
    )
    .bind(next_attempt_at)
    .bind(error)
    .bind(if counted { 0_i64 } else { 1 })
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// A message that cannot be delivered (the mail server refused it for good,
/// or every attempt failed): kept, marked failed, never tried again.
pub async fn fail_mail(db: &Db, id: &str, now: i64, error: &str) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE outbox SET failed_at = $1, last_error = $2, leased_until = NULL WHERE id = $3 AND sent_at IS NULL",
    )
    .bind(now)
    .bind(error)
    .bind(id)
    .execute(db)
    .await
    .map(|_| ())
}

/// How many messages wait to be sent, and the age in seconds of the oldest.
pub async fn outbox_depth(db: &Db, now: i64) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL",
    )
    .fetch_one(db)
    .await?;
    let oldest: Option<i64> = r.get("oldest");
    Ok((r.get("n"), oldest.map(|o| (now - o).max(0)).unwrap_or(0)))
}

/// Columns for a query over `partner_accounts p`: when the newest
/// verification email to the current contact address was refused for good,
/// when and why (`bounce_at`, `bounce_reason`); read with the account, in
/// the same round trip.
const BOUNCE_COLUMNS: &str = "(SELECT o.failed_at FROM outbox o WHERE o.tenant_id = p.tenant_id \
     AND o.kind = 'verify' AND o.to_address = p.contact_email ORDER BY o.created_at DESC, o.id DESC LIMIT 1) AS bounce_at, \
     (SELECT o.last_error FROM outbox o WHERE o.tenant_id = p.tenant_id \
     AND o.kind = 'verify' AND o.to_address = p.contact_email ORDER BY o.created_at DESC, o.id DESC LIMIT 1) AS bounce_reason";

fn bounce_of(r: &sqlx::any::AnyRow) -> Option<pc_api::EmailBounce> {
    Some(pc_api::EmailBounce {
        failed_at: r.get::<Option<i64>, _>("bounce_at")?,
        email: r.get("contact_email"),
        reason: r
            .get::<Option<String>, _>("bounce_reason")
            .unwrap_or_default(),
    })
}

// ---- Agreements ---------------------------------------------------------------

pub struct NewAcceptance<'a> {
    pub tenant_id: &'a str,
    pub agreement_id: &'a str,
    pub version: &'a str,
    pub title: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub phone: &'a str,
    pub user_id: &'a str,
}

/// Records an acceptance; `false` when this version was accepted before
/// (the first record stands). An account already Authorized becomes Active
/// with it, and `compose` writes the email that says so.
pub async fn insert_acceptance(
    db: &Db,
    a: &NewAcceptance<'_>,
    now: i64,
    compose: impl FnOnce(&StatusNews) -> (String, String),
) -> Result<bool, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let r = sqlx::query(
        "INSERT INTO agreement_acceptances (tenant_id, agreement_id, version, title, signer_first_name, \
         signer_last_name, signer_email, signer_phone, user_id, accepted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (tenant_id, agreement_id, version) DO NOTHING",
    )
    .bind(a.tenant_id)
    .bind(a.agreement_id)
    .bind(a.version)
    .bind(a.title)
    .bind(a.first_name)
    .bind(a.last_name)
    .bind(a.email)
    .bind(a.phone)
    .bind(a.user_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let created = r.rows_affected() == 1;
    if created {
        let before: String =
            sqlx::query_scalar("SELECT program_status FROM partner_accounts WHERE tenant_id = $1")
                .bind(a.tenant_id)
                .fetch_one(&mut *tx)
                .await?;
        let statuses = rederive_in(&mut tx, a.tenant_id, now).await?;
        if program_name(statuses.1) != before {
            tell_contact_in(&mut tx, a.tenant_id, None, statuses, now, compose).await?;
        }
    }
    tx.commit().await?;
    Ok(created)
}

pub async fn acceptances(
    db: &Db,
    tenant_id: &str,
) -> Result<Vec<AgreementAcceptance>, sqlx::Error> {
    acceptances_in(&mut *db.acquire().await?, tenant_id).await
}

async fn acceptances_in(
    c: &mut sqlx::AnyConnection,
    tenant_id: &str,
) -> Result<Vec<AgreementAcceptance>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT * FROM agreement_acceptances WHERE tenant_id = $1 ORDER BY accepted_at, agreement_id, version",
    )
    .bind(tenant_id)
    .fetch_all(c)
    .await?;
    Ok(rows
        .iter()
        .map(|r| AgreementAcceptance {
            agreement_id: r.get("agreement_id"),
            version: r.get("version"),
            title: r.get("title"),
            signer_first_name: r.get("signer_first_name"),
            signer_last_name: r.get("signer_last_name"),
            signer_email: r.get("signer_email"),
            signer_phone: r.get("signer_phone"),
            user_id: r.get("user_id"),
            accepted_at: r.get("accepted_at"),
        })
        .collect())
}

// ---- Verification decisions ---------------------------------------------------

/// What changed on a partner account, for the email to its primary contact.
#[derive(Clone, Debug)]
pub struct StatusNews {
    pub contact_email: String,
    pub contact_locale: String,
    pub contact_name: String,
    pub legal_name: String,
    pub mpn_id: String,
    /// The check that changed, with its new status and reason; `None` when
    /// only the program status changed (the agreement was accepted).
    pub check: Option<VerificationCheck>,
    pub vetting: VettingStatus,
    pub program: ProgramStatus,
}

fn vetting_name(v: VettingStatus) -> &'static str {
    match v {
        VettingStatus::None => "none",
        VettingStatus::Pending => "pending",
        VettingStatus::Authorized => "authorized",
        VettingStatus::Rejected => "rejected",
    }
}

fn program_name(p: ProgramStatus) -> &'static str {
    match p {
        ProgramStatus::Active => "active",
        ProgramStatus::PendingVerification => "pending_verification",
    }
}

/// Sets one check of the tenant's account, derives the overall statuses
/// again, and queues the email `compose` writes about it: one transaction.
/// `None` when the tenant has no partner account.
pub async fn set_check(
    db: &Db,
    tenant_id: &str,
    check: &VerificationCheck,
    now: i64,
    compose: impl FnOnce(&StatusNews) -> (String, String),
) -> Result<Option<StatusNews>, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let news = set_check_in(&mut tx, tenant_id, check, now, compose).await?;
    tx.commit().await?;
    Ok(news)
}

/// Builds the news about `tenant_id`'s account and queues the email
/// `compose` writes about it, inside `tx`.
async fn tell_contact_in(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
    check: Option<VerificationCheck>,
    (vetting, program): (VettingStatus, ProgramStatus),
    now: i64,
    compose: impl FnOnce(&StatusNews) -> (String, String),
) -> Result<StatusNews, sqlx::Error> {
    let r = sqlx::query(
        "SELECT contact_email, contact_locale, contact_first_name || ' ' || contact_last_name AS name, \
         legal_name, mpn_id FROM partner_accounts WHERE tenant_id = $1",
    )
    .bind(tenant_id)
    .fetch_one(&mut *tx)
    .await?;
    let news = StatusNews {
        contact_email: r.get("contact_email"),
        contact_locale: r.get("contact_locale"),
        contact_name: r.get("name"),
        legal_name: r.get("legal_name"),
        mpn_id: r.get("mpn_id"),
        check,
        vetting,
        program,
    };
    let (subject, body) = compose(&news);
    queue_mail_in(
        tx,
        tenant_id,
        MailKind::Status,
        &NewMail {
            to: &news.contact_email,
            locale: &news.contact_locale,
            subject: &subject,
            body: &body,
        },
        now,
    )
    .await?;
    Ok(news)
}

async fn set_check_in(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
    check: &VerificationCheck,
    now: i64,
    compose: impl FnOnce(&StatusNews) -> (String, String),
) -> Result<Option<StatusNews>, sqlx::Error> {
    let updated = sqlx::query(
        "UPDATE verification_checks SET status = $1, reason = $2, updated_at = $3 WHERE tenant_id = $4 AND kind = $5",
    )
    .bind(check_status_name(check.status))
    .bind(check.reason.as_deref())
    .bind(now)
    .bind(tenant_id)
    .bind(check_kind_name(check.kind))
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(None);
    }
    let statuses = rederive_in(tx, tenant_id, now).await?;
    tell_contact_in(tx, tenant_id, Some(check.clone()), statuses, now, compose)
        .await
        .map(Some)
}

/// Stores the statuses that follow from the tenant's checks and accepted
/// agreements (`pc_api::review::derive_status`), and returns them.
async fn rederive_in(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
    now: i64,
) -> Result<(VettingStatus, ProgramStatus), sqlx::Error> {
    // Writers of one account take turns from here, so each derives from
    // the checks as the one before it left them (SQLite's single writer
    // does this already; PostgreSQL needs the row lock).
    if is_postgres(&mut *tx) {
        sqlx::query("SELECT 1 FROM partner_accounts WHERE tenant_id = $1 FOR UPDATE")
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
    }
    let checks = checks_of(&mut *tx, tenant_id).await?;
    let accepted: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM agreement_acceptances WHERE tenant_id = $1 AND agreement_id = 'mpn' LIMIT 1",
    )
    .bind(tenant_id)
    .fetch_optional(&mut *tx)
    .await?;
    let (vetting, program) = pc_api::review::derive_status(&checks, accepted.is_some());
    sqlx::query(
        "UPDATE partner_accounts SET vetting_status = $1, program_status = $2, \
         authorized_at = CASE WHEN $1 = 'authorized' THEN COALESCE(authorized_at, $3) ELSE authorized_at END \
         WHERE tenant_id = $4",
    )
    .bind(vetting_name(vetting))
    .bind(program_name(program))
    .bind(now)
    .bind(tenant_id)
    .execute(&mut *tx)
    .await?;
    Ok((vetting, program))
}

/// A new verification link for a changed contact email.
pub struct NewLink<'a> {
    pub token_hash: &'a str,
    pub expires_at: i64,
    pub mail: NewMail<'a>,
}

/// Outcome of `update_profile`.
#[derive(Debug, PartialEq, Eq)]
pub enum ProfileUpdated {
    Updated,
    /// The account was authorized (locking the legal name) meanwhile.
    NameLocked,
    NotEnrolled,
}

/// Stores an edited profile and contact, sends the checks `effects` names
/// back to Pending, replaces the verification link when the email changed,
/// derives the statuses again and emails the contact: one transaction.
#[allow(clippy::too_many_arguments)]
pub async fn update_profile(
    db: &Db,
    tenant_id: &str,
    profile: &LegalBusinessProfile,
    contact: &PrimaryContact,
    effects: pc_api::profile::ProfileEffects,
    link: Option<NewLink<'_>>,
    now: i64,
    compose: impl FnOnce(&StatusNews) -> (String, String),
) -> Result<ProfileUpdated, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let updated = sqlx::query(
        "UPDATE partner_accounts SET legal_name = $1, line1 = $2, line2 = $3, city = $4, state = $5, \
         postal_code = $6, contact_first_name = $7, contact_last_name = $8, contact_email = $9, \
         contact_phone = $10 WHERE tenant_id = $11 AND (authorized_at IS NULL OR legal_name = $1)",
    )
    .bind(&profile.legal_name)
    .bind(&profile.line1)
    .bind(&profile.line2)
    .bind(&profile.city)
    .bind(&profile.state)
    .bind(&profile.postal_code)
    .bind(&contact.first_name)
    .bind(&contact.last_name)
    .bind(&contact.email)
    .bind(&contact.phone)
    .bind(tenant_id)
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        let exists: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM partner_accounts WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_optional(&mut *tx)
                .await?;
        return Ok(if exists.is_some() {
            ProfileUpdated::NameLocked
        } else {
            ProfileUpdated::NotEnrolled
        });
    }
    let mut first_reset = None;
    for (on, kind) in [
        (effects.business, CheckKind::Business),
        (effects.employment, CheckKind::Employment),
        (effects.email, CheckKind::EmailOwnership),
    ] {
        if !on {
            continue;
        }
        sqlx::query(
            "UPDATE verification_checks SET status = 'pending', reason = NULL, updated_at = $1 \
             WHERE tenant_id = $2 AND kind = $3",
        )
        .bind(now)
        .bind(tenant_id)
        .bind(check_kind_name(kind))
        .execute(&mut *tx)
        .await?;
        first_reset.get_or_insert(VerificationCheck {
            kind,
            status: CheckStatus::Pending,
            reason: None,
        });
    }
    if let Some(link) = &link {
        sqlx::query(
            "UPDATE email_tokens SET used_at = $1 WHERE tenant_id = $2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO email_tokens (token_hash, tenant_id, email, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(link.token_hash)
        .bind(tenant_id)
        .bind(&contact.email)
        .bind(now)
        .bind(link.expires_at)
        .execute(&mut *tx)
        .await?;
        queue_mail_in(&mut tx, tenant_id, MailKind::Verify, &link.mail, now).await?;
    }
    if first_reset.is_some() {
        let statuses = rederive_in(&mut tx, tenant_id, now).await?;
        tell_contact_in(&mut tx, tenant_id, first_reset, statuses, now, compose).await?;
    }
    tx.commit().await?;
    Ok(ProfileUpdated::Updated)
}

/// A supporting document to store.
pub struct NewDocument<'a> {
    pub id: &'a str,
    pub tenant_id: &'a str,
    pub kind: CheckKind,
    pub file_name: &'a str,
    pub media_type: &'a str,
    pub sha256: &'a str,
    pub body: &'a [u8],
    pub uploaded_by: &'a str,
}

/// Stores a supporting document for a rejected check and sends the check
/// back to Pending (statuses derived again, the contact emailed): one
/// transaction. `None` when the check is not Rejected (any more).
pub async fn add_document(
    db: &Db,
    d: &NewDocument<'_>,
    now: i64,
    compose: impl FnOnce(&StatusNews) -> (String, String),
) -> Result<Option<VerificationCheck>, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let rejected: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM verification_checks WHERE tenant_id = $1 AND kind = $2 AND status = 'rejected'",
    )
    .bind(d.tenant_id)
    .bind(check_kind_name(d.kind))
    .fetch_optional(&mut *tx)
    .await?;
    if rejected.is_none() {
        return Ok(None);
    }
    sqlx::query(
        "INSERT INTO check_documents (id, tenant_id, kind, file_name, media_type, size, sha256, body, \
         uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(d.id)
    .bind(d.tenant_id)
    .bind(check_kind_name(d.kind))
    .bind(d.file_name)
    .bind(d.media_type)
    .bind(d.body.len() as i64)
    .bind(d.sha256)
    .bind(d.body)
    .bind(d.uploaded_by)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let check = VerificationCheck {
        kind: d.kind,
        status: CheckStatus::Pending,
        reason: None,
    };
    set_check_in(&mut tx, d.tenant_id, &check, now, compose).await?;
    tx.commit().await?;
    Ok(Some(check))
}

/// A stored document: (file name, media type, content), found by its id
/// within the tenant whose MPN ID is given.
pub async fn document(
    db: &Db,
    mpn_id: &str,
    id: &str,
) -> Result<Option<(String, String, Vec<u8>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT d.file_name, d.media_type, d.body FROM check_documents d \
         JOIN partner_accounts p ON p.tenant_id = d.tenant_id WHERE p.mpn_id = $1 AND d.id = $2",
    )
    .bind(mpn_id)
    .bind(id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.get("file_name"), r.get("media_type"), r.get("body"))))
}

/// The tenant whose partner account has this MPN ID.
pub async fn tenant_by_mpn_id(db: &Db, mpn_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT tenant_id FROM partner_accounts WHERE mpn_id = $1")
        .bind(mpn_id)
        .fetch_optional(db)
        .await
}

/// Partner accounts for review, oldest first; `vetting` filters by status.
pub async fn review_queue(
    db: &Db,
    vetting: Option<VettingStatus>,
) -> Result<Vec<pc_api::review::ReviewItem>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT p.*, t.domain, {BOUNCE_COLUMNS} FROM partner_accounts p JOIN tenants t ON t.id = p.tenant_id \
         WHERE ($1 IS NULL OR p.vetting_status = $2) ORDER BY p.created_at, p.mpn_id"
    ))
    .bind(vetting.map(vetting_name))
    .bind(vetting.map(vetting_name))
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let tenant_id: String = r.get("tenant_id");
        let checks = checks_of(db, &tenant_id).await?;
        let parts: Vec<String> = ["line1", "line2", "city", "state", "postal_code", "country"]
            .iter()
            .map(|c| r.get::<String, _>(*c))
            .filter(|v| !v.is_empty())
            .collect();
        let program: String = r.get("program_status");
        let email_bounce = bounce_of(&r);
        out.push(pc_api::review::ReviewItem {
            mpn_id: r.get("mpn_id"),
            legal_name: r.get("legal_name"),
            country: r.get("country"),
            duns: r.get("duns"),
            address: parts.join(", "),
            contact_email: r.get("contact_email"),
            tenant_domain: r.get("domain"),
            vetting_status: parse_vetting(r.get("vetting_status")),
            program_status: if program == "active" {
                ProgramStatus::Active
            } else {
                ProgramStatus::PendingVerification
            },
            checks,
            created_at: r.get("created_at"),
            documents: documents_of(db, &tenant_id).await?,
            email_bounce,
        });
    }
    Ok(out)
}

async fn documents_of(
    db: &Db,
    tenant_id: &str,
) -> Result<Vec<pc_api::review::DocumentSummary>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, kind, file_name, media_type, size, uploaded_at FROM check_documents \
         WHERE tenant_id = $1 ORDER BY uploaded_at, id",
    )
    .bind(tenant_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .iter()
        .filter_map(|r| {
            Some(pc_api::review::DocumentSummary {
                id: r.get("id"),
                check: parse_check_kind(r.get("kind"))?,
                file_name: r.get("file_name"),
                media_type: r.get("media_type"),
                size: r.get::<i64, _>("size") as u64,
                uploaded_at: r.get("uploaded_at"),
            })
        })
        .collect())
}

// ---- User management ----------------------------------------------------------

fn roles_from(list: Option<String>) -> Vec<Role> {
    let mut roles: Vec<Role> = list
        .unwrap_or_default()
        .split(',')
        .filter_map(Role::parse)
        .collect();
    roles.sort();
    roles
}

fn user_row(r: &sqlx::any::AnyRow) -> UserSummary {
    UserSummary {
        id: r.get("id"),
        email: r.get("email"),
        first_name: r.get("first_name"),
        last_name: r.get("last_name"),
        roles: roles_from(r.get("roles")),
    }
}

/// `%…%` for LIKE with the search's own `%`, `_` and `\` taken literally,
/// in lower case: it is matched against `lower(…)` of the columns, since
/// LIKE ignores case on SQLite and does not on PostgreSQL.
fn like_pattern(q: &str) -> String {
    let mut p = String::from("%");
    for c in q.to_ascii_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// One page of a tenant's users in name order, and how many match `q`
/// (a part of the name or email, case-insensitive for ASCII).
pub async fn user_page(
    db: &Db,
    tenant_id: &str,
    q: &str,
    page: u32,
    per_page: u32,
) -> Result<(Vec<UserSummary>, u64), sqlx::Error> {
    let q = q.trim();
    let pattern = like_pattern(q);
    const FILTER: &str =
        "u.tenant_id = $1 AND u.removed_at IS NULL AND ($2 = '' OR lower(u.email) LIKE $3 ESCAPE '\\' \
        OR lower(u.first_name || ' ' || u.last_name) LIKE $4 ESCAPE '\\' \
        OR lower(u.last_name || ' ' || u.first_name) LIKE $5 ESCAPE '\\')";
    // The total comes with the page (a window count): one query, unless
    // the page is past the end and so has no row to carry it.
    let rows = sqlx::query(&format!(
        "SELECT u.id, u.email, u.first_name, u.last_name, \
         (SELECT string_agg(role, ',') FROM user_roles r WHERE r.user_id = u.id) AS roles, \
         count(*) OVER () AS total \
         FROM users u WHERE {FILTER} ORDER BY u.last_name, u.first_name, u.email LIMIT $6 OFFSET $7"
    ))
    .bind(tenant_id)
    .bind(q)
    .bind(&pattern)
    .bind(&pattern)
    .bind(&pattern)
    .bind(i64::from(per_page))
    .bind(i64::from(page.saturating_sub(1)) * i64::from(per_page))
    .fetch_all(db)
    .await?;
    let total: i64 = match rows.first() {
        Some(r) => r.get("total"),
        None if page <= 1 => 0,
        None => {
            sqlx::query_scalar(&format!("SELECT count(*) FROM users u WHERE {FILTER}"))
                .bind(tenant_id)
                .bind(q)
                .bind(&pattern)
                .bind(&pattern)
                .bind(&pattern)
                .fetch_one(db)
                .await?
        }
    };
    Ok((rows.iter().map(user_row).collect(), total as u64))
}

/// A user of the tenant, with roles.
pub async fn tenant_user(
    db: &Db,
    tenant_id: &str,
    user_id: &str,
) -> Result<Option<UserSummary>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT u.id, u.email, u.first_name, u.last_name, \
         (SELECT string_agg(role, ',') FROM user_roles r WHERE r.user_id = u.id) AS roles \
         FROM users u WHERE u.tenant_id = $1 AND u.id = $2 AND u.removed_at IS NULL",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_optional(db)
    .await?;
    Ok(row.as_ref().map(user_row))
}

pub struct NewUser<'a> {
    pub tenant_id: &'a str,
    pub first_name: &'a str,
    pub last_name: &'a str,
    pub email: &'a str,
    pub roles: &'a [Role],
    /// Of the temporary password, which must be changed at first sign-in.
    pub password_hash: &'a str,
}

/// Adds a user to a tenant; `None` when the email has an account already.
pub async fn create_user(
    db: &Db,
    u: &NewUser<'_>,
    now: i64,
) -> Result<Option<UserSummary>, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let inserted = sqlx::query(
        "INSERT INTO users (id, tenant_id, email, first_name, last_name, password_hash, created_at, must_change_password) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
    )
    .bind(&id)
    .bind(u.tenant_id)
    .bind(u.email)
    .bind(u.first_name)
    .bind(u.last_name)
    .bind(u.password_hash)
    .bind(now)
    .execute(&mut *tx)
    .await;
    if is_unique_violation(&inserted) {
        return Ok(None);
    }
    inserted?;
    for r in u.roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(&id)
            .bind(r.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(Some(UserSummary {
        id,
        email: u.email.to_owned(),
        first_name: u.first_name.to_owned(),
        last_name: u.last_name.to_owned(),
        roles: u.roles.to_vec(),
    }))
}

/// Why a change to a user was not made.
#[derive(Debug, PartialEq, Eq)]
pub enum UserChange {
    Done,
    NoSuchUser,
    /// The change would leave the tenant without a Global admin.
    LastGlobalAdmin,
}

/// Whether taking Global admin away from `user_id` would leave the tenant
/// with none; run inside the transaction that makes the change.
async fn is_last_global_admin(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let others: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM user_roles r JOIN users u ON u.id = r.user_id \
         WHERE u.tenant_id = $1 AND r.role = 'global_admin' AND u.id != $2",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    let is_admin: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM user_roles WHERE user_id = $1 AND role = 'global_admin'")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(is_admin.is_some() && others == 0)
}

async fn user_exists_in(
    tx: &mut sqlx::AnyConnection,
    tenant_id: &str,
    user_id: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM users WHERE tenant_id = $1 AND id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(found.is_some())
}

/// Replaces a user's roles, keeping at least one Global admin in the tenant.
pub async fn set_roles(
    db: &Db,
    tenant_id: &str,
    user_id: &str,
    roles: &[Role],
) -> Result<UserChange, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    if !user_exists_in(&mut tx, tenant_id, user_id).await? {
        return Ok(UserChange::NoSuchUser);
    }
    if !roles.contains(&Role::GlobalAdmin)
        && is_last_global_admin(&mut tx, tenant_id, user_id).await?
    {
        return Ok(UserChange::LastGlobalAdmin);
    }
    sqlx::query("DELETE FROM user_roles WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    for r in roles {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(r.as_str())
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(UserChange::Done)
}

/// Removes a user (their sessions go with them), keeping at least one
/// Global admin in the tenant.
pub async fn delete_user(
    db: &Db,
    tenant_id: &str,
    user_id: &str,
    now: i64,
) -> Result<UserChange, sqlx::Error> {
    let mut tx = begin_write(db).await?;
    if !user_exists_in(&mut tx, tenant_id, user_id).await? {
        return Ok(UserChange::NoSuchUser);
    }
    if is_last_global_admin(&mut tx, tenant_id, user_id).await? {
        return Ok(UserChange::LastGlobalAdmin);
    }
    // The row stays for the records that name it (who enrolled, who
    // signed); the address is freed and nothing can sign in with it.
    sqlx::query(
        "UPDATE users SET email = 'removed:' || id, password_hash = '', must_change_password = 0, \
         removed_at = $1 WHERE id = $2",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    for table in ["user_roles", "sessions"] {
        sqlx::query(&format!("DELETE FROM {table} WHERE user_id = $1"))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(UserChange::Done)
}

/// Sets a user's own password and lifts the first-sign-in requirement.
pub async fn set_password(db: &Db, user_id: &str, password_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = $1, must_change_password = 0 WHERE id = $2")
        .bind(password_hash)
        .bind(user_id)
        .execute(db)
        .await
        .map(|_| ())
}

/// The password hash of a user, to check their current password.
pub async fn password_hash_of(db: &Db, user_id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

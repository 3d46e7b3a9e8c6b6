//! All SQL of the server lives here, behind plain functions, so another
//! database (PostgreSQL) can slot in without touching the handlers.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use pc_api::{Role, Session, TenantSummary, UserSummary};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Row, SqlitePool};

pub type Db = SqlitePool;

/// Opens (creating if needed) and migrates the database named by `url`.
pub async fn connect(url: &str) -> anyhow::Result<Db> {
    let opts = SqliteConnectOptions::from_str(url)
        .with_context(|| format!("DATABASE_URL {url:?} is not a valid sqlite:// URL"))?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5));
    let file = opts.get_filename().to_path_buf();
    if file.as_path() != Path::new(":memory:") {
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the database folder {}", dir.display()))?;
        }
    }
    let pool = SqlitePoolOptions::new()
        .max_connections(8)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(opts)
        .await
        .with_context(|| format!("cannot open the database {}", file.display()))?;
    sqlx::migrate!("./migrations")
        .run(&pool)
        .await
        .context("cannot apply the database migrations")?;
    Ok(pool)
}

pub async fn ping(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT 1").execute(db).await.map(|_| ())
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
    let mut tx = db.begin().await?;
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM tenants WHERE domain = ?")
        .bind(a.domain)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Ok(Err(CreateConflict::DomainTaken));
    }
    let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM users WHERE email = ?")
        .bind(a.email)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Ok(Err(CreateConflict::EmailTaken));
    }
    let tenant_id = uuid::Uuid::new_v4().to_string();
    let user_id = uuid::Uuid::new_v4().to_string();
    let inserted = sqlx::query("INSERT INTO tenants (id, domain, created_at) VALUES (?, ?, ?)")
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
         VALUES (?, ?, ?, ?, ?, ?, ?)",
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
    sqlx::query("INSERT INTO user_roles (user_id, role) VALUES (?, ?)")
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
    let row = sqlx::query("SELECT id, password_hash FROM users WHERE email = ?")
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
    let Some(row) = sqlx::query(
        "SELECT u.id, u.email, u.first_name, u.last_name, t.id AS tenant_id, t.domain \
         FROM users u JOIN tenants t ON t.id = u.tenant_id WHERE u.id = ?",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let names: Vec<String> = sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = ?")
        .bind(user_id)
        .fetch_all(db)
        .await?;
    let mut roles: Vec<Role> = names.iter().filter_map(|n| Role::parse(n)).collect();
    roles.sort();
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
    }))
}

pub async fn insert_session(
    db: &Db,
    id_hash: &str,
    user_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
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
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub async fn find_session(db: &Db, id_hash: &str) -> Result<Option<StoredSession>, sqlx::Error> {
    let row =
        sqlx::query("SELECT user_id, created_at, last_seen_at FROM sessions WHERE id_hash = ?")
            .bind(id_hash)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|r| StoredSession {
        user_id: r.get("user_id"),
        created_at: r.get("created_at"),
        last_seen_at: r.get("last_seen_at"),
    }))
}

pub async fn touch_session(db: &Db, id_hash: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?")
        .bind(now)
        .bind(id_hash)
        .execute(db)
        .await
        .map(|_| ())
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
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
    sqlx::query("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?")
        .bind(idle_before)
        .bind(created_before)
        .execute(db)
        .await
        .map(|r| r.rows_affected())
}

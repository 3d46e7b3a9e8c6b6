//! Server configuration: command-line flags, each with an environment
//! variable, validated before anything starts.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CookieSecure {
    /// `Secure` unless the request came to a loopback host over plain HTTP.
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// What the binary does instead of serving.
#[derive(Subcommand, Clone, Debug)]
pub enum Command {
    /// Decide partner accounts' employment and business checks, working on
    /// the database named by --database-url (the server may be running).
    Review {
        #[command(subcommand)]
        action: ReviewAction,
    },
}

#[derive(Subcommand, Clone, Debug)]
pub enum ReviewAction {
    /// Accounts awaiting decisions (every account with --all).
    List {
        #[arg(long)]
        all: bool,
    },
    /// Mark a check verified.
    Approve { mpn_id: String, check: ReviewCheck },
    /// Mark a check rejected, with the reason the partner will read.
    Reject {
        mpn_id: String,
        check: ReviewCheck,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReviewCheck {
    Employment,
    Business,
}

/// Partner Center reference server.
#[derive(Parser, Clone, Debug)]
#[command(name = "partner-center-server", version, about)]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    /// Port to listen on; overrides the port of --listen.
    #[arg(long, env = "PORT")]
    pub port: Option<u16>,

    /// Folder with the built app (trunk's dist) to serve beside the API.
    /// Without it only the API is served.
    #[arg(long, env = "DIST_DIR")]
    pub dist: Option<PathBuf>,

    /// Database: `sqlite://path/file.db` (created on first start) or
    /// `postgres://user:password@host:5432/name` (an existing database).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/partner-center.db"
    )]
    pub database_url: String,

    /// When the session cookie carries `Secure`.
    #[arg(long, env = "COOKIE_SECURE", value_enum, default_value = "auto")]
    pub cookie_secure: CookieSecure,

    /// A session ends after this many minutes without a request…
    #[arg(long, env = "SESSION_IDLE_MINUTES", default_value_t = 120)]
    pub session_idle_minutes: u64,

    /// …and after this many hours in any case.
    #[arg(long, env = "SESSION_MAX_HOURS", default_value_t = 12)]
    pub session_max_hours: u64,

    /// Sign-in attempts allowed per email address in a burst (then one per 30 s).
    #[arg(long, env = "SIGN_IN_BURST", default_value_t = 5)]
    pub sign_in_burst: u32,

    /// Work accounts one client address may create in a burst (then one per minute).
    #[arg(long, env = "CREATE_ACCOUNT_BURST", default_value_t = 10)]
    pub create_account_burst: u32,

    /// DUNS look-ups one user may make in a burst (then one per 6 s).
    #[arg(long, env = "DUNS_BURST", default_value_t = 10)]
    pub duns_burst: u32,

    /// How long an unfinished Enroll now holds its idempotency key, in
    /// seconds: a retry after a crash waits at most this long.
    #[arg(long, env = "IN_FLIGHT_TIMEOUT_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(i64).range(1..=3600))]
    pub in_flight_timeout_secs: i64,

    /// The app's public URL, for links in emails (e.g. https://partners.contoso.com/).
    /// Required, except with --dev on a loopback address: links never take
    /// their host from a request.
    #[arg(long, env = "APP_URL")]
    pub app_url: Option<String>,

    /// How long an email-verification link works, in minutes.
    #[arg(long, env = "LINK_LIFETIME_MINUTES", default_value_t = 72 * 60)]
    pub link_lifetime_minutes: i64,

    /// Origins (scheme://host[:port]) of pages that may call the API from
    /// another site, with credentials. Repeat the flag, or separate with
    /// commas in CORS_ORIGINS.
    #[arg(long = "cors-origin", env = "CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,

    /// Who may frame the app: the CSP `frame-ancestors` sources, e.g.
    /// "'self' https://portal.contoso.com".
    #[arg(long, env = "FRAME_ANCESTORS", default_value = "'none'")]
    pub frame_ancestors: String,

    /// Agreement text files (repeat the flag, or separate with commas in
    /// AGREEMENT_FILES); the last version of each id is current. Without it,
    /// the sample agreement in the repository is served.
    #[arg(long = "agreement", env = "AGREEMENT_FILES", value_delimiter = ',')]
    pub agreements: Vec<PathBuf>,

    /// SMTP server for outgoing email, e.g. smtp://user:pass@mail.contoso.com:587?tls=required
    /// or smtps://…:465. Without it, emails stay in the outbox (logged; readable in --dev mode).
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,

    /// Sender of outgoing email.
    #[arg(
        long,
        env = "MAIL_FROM",
        default_value = "Partner Center <no-reply@partner-center.invalid>"
    )]
    pub mail_from: String,

    /// How often each server looks for emails to send, in milliseconds.
    #[arg(long, env = "OUTBOX_POLL_MS", default_value_t = 3000,
          value_parser = clap::value_parser!(u64).range(50..=60_000))]
    pub outbox_poll_ms: u64,

    /// How long a server's claim on an email holds, in seconds: a server
    /// that dies mid-send leaves its emails to the others after this.
    #[arg(long, env = "OUTBOX_LEASE_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(i64).range(1..=3600))]
    pub outbox_lease_secs: i64,

    /// Password hashes (Argon2id, 19 MiB each) computed at once; beyond
    /// them a sign-in or sign-up waits up to 2 s, then answers 503 with
    /// Retry-After. Default: twice the cores, and no more than an eighth of
    /// the memory available at start allows (1 to 64).
    #[arg(long, env = "MAX_CONCURRENT_HASHES",
          value_parser = clap::value_parser!(u32).range(1..=1024))]
    pub max_concurrent_hashes: Option<u32>,

    /// Open connections at most; beyond them new ones wait to be accepted.
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 1024,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub max_connections: u32,

    /// A connection must send a request's headers within this many seconds.
    #[arg(long, env = "HEADER_READ_TIMEOUT_SECS", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub header_read_timeout_secs: u64,

    /// A request (body included) must be answered within this many seconds,
    /// else 408 (reading) or 503 (working).
    #[arg(long, env = "REQUEST_TIMEOUT_SECS", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_timeout_secs: u64,

    /// A kept-alive connection without a request for this many seconds is closed.
    #[arg(long, env = "IDLE_TIMEOUT_SECS", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub idle_timeout_secs: u64,

    /// Address of a second listener that serves only Prometheus metrics at
    /// /metrics (e.g. 127.0.0.1:9464). Without it there are no metrics.
    #[arg(long, env = "METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Development mode: emails can be read at /dev/mailbox. Never in production.
    #[arg(long, env = "DEV_MODE")]
    pub dev: bool,

    /// Bearer token of the reviewer's admin API (/api/v1/admin/…), at least
    /// 32 characters. Without it the admin API answers 403.
    #[arg(long, env = "OPERATOR_TOKEN", hide_env_values = true)]
    pub operator_token: Option<String>,

    #[command(subcommand)]
    pub command: Option<Command>,

    /// Log format.
    #[arg(long, env = "LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

impl Config {
    pub fn listen_addr(&self) -> SocketAddr {
        let mut addr = self.listen;
        if let Some(port) = self.port {
            addr.set_port(port);
        }
        addr
    }

    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_minutes * 60)
    }

    pub fn session_max(&self) -> Duration {
        Duration::from_secs(self.session_max_hours * 3600)
    }

    /// Checks what clap cannot: a clear sentence for each mistake.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(t) = &self.operator_token {
            if t.chars().count() < 32 {
                return Err(
                    "--operator-token must be at least 32 characters (e.g. `openssl rand -hex 32`)"
                        .into(),
                );
            }
        }
        if let Some(dist) = &self.dist {
            if !dist.join("index.html").is_file() {
                return Err(format!(
                    "--dist {}: no index.html there; build the app first (cargo xtask run does)",
                    dist.display()
                ));
            }
        }
        if self.session_idle_minutes == 0 || self.session_max_hours == 0 {
            return Err("session lifetimes must be at least 1".into());
        }
        if self.mail_from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(format!(
                "--mail-from {:?} is not an email address such as \"Name <name@host>\"",
                self.mail_from
            ));
        }
        if let Some(url) = &self.smtp_url {
            crate::smtp::mailer(url)?;
        }
        crate::agreements::Agreements::load(&self.agreements)?;
        for o in &self.cors_origins {
            let ok = (o.starts_with("https://") || o.starts_with("http://"))
                && !o.ends_with('/')
                && o.parse::<axum::http::HeaderValue>().is_ok()
                && o.matches('/').count() == 2;
            if !ok {
                return Err(format!("--cors-origin {o:?} must be an origin such as https://portal.contoso.com (no path, no trailing slash)"));
            }
        }
        if self.link_lifetime_minutes < 0 {
            return Err("--link-lifetime-minutes cannot be negative".into());
        }
        if let Some(url) = &self.app_url {
            let host = url
                .strip_prefix("http://")
                .or_else(|| url.strip_prefix("https://"))
                .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or(""));
            match host {
                None => {
                    return Err(format!(
                        "--app-url {url:?} must start with http:// or https://"
                    ))
                }
                Some(h) if h.is_empty() || h.contains(['@', ' ']) => {
                    return Err(format!(
                        "--app-url {url:?} must name a host, e.g. https://partners.contoso.com/"
                    ))
                }
                Some(_) => {}
            }
        } else if self.command.is_none() && !(self.dev && self.listen_addr().ip().is_loopback()) {
            return Err("--app-url is required (e.g. https://partners.contoso.com/): links in emails point there, never at whatever host a request names. Only --dev on a loopback address may go without it".into());
        }
        if self.sign_in_burst == 0 || self.create_account_burst == 0 || self.duns_burst == 0 {
            return Err("rate-limit bursts must be at least 1".into());
        }
        Ok(())
    }

    /// A configuration for tests: in-memory defaults, no app folder.
    pub fn for_tests(database_url: &str) -> Self {
        Config::parse_from([
            "partner-center-server",
            "--database-url",
            database_url,
            "--cookie-secure",
            "never",
            "--app-url",
            "http://127.0.0.1:8080/",
        ])
    }

    /// How many password hashes may run at once (`--max-concurrent-hashes`,
    /// else from the memory available now).
    pub fn hash_slots(&self) -> usize {
        if let Some(n) = self.max_concurrent_hashes {
            return n as usize;
        }
        // A hash keeps a core busy, so more at once than twice the cores
        // only queue while holding their 19 MiB; and at most an eighth of
        // the memory goes to them.
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
        let available = available_memory_bytes().unwrap_or(1 << 30);
        let by_memory = (available / 8) / (19 << 20);
        (2 * cores).min(by_memory).clamp(1, 64) as usize
    }
}

/// `MemAvailable` of /proc/meminfo, where there is one.
fn available_memory_bytes() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

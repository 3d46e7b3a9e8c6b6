//! `partner-center-server`: runs the API and serves the built app.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use pc_server::config::{LogFormat, ReviewAction, ReviewCheck};
use pc_server::{app, auth, db, AppState, Config};
use tracing_subscriber::EnvFilter;

fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

/// Each Argon2id hash takes a 19 MiB buffer. glibc's malloc raises its mmap
/// threshold after the first such buffer is freed, and from then on serves
/// them from its heaps, which keep the memory: measured, creating 300
/// accounts left the server at 852 MiB resident. A fixed 1 MiB threshold
/// gives every buffer back when its hash is done (93 MiB after the same 300).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_big_buffers_to_the_system() {
    // SAFETY: mallopt only changes allocator tuning; it is called once,
    // before the runtime starts any other thread.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_big_buffers_to_the_system() {}

fn main() -> ExitCode {
    return_big_buffers_to_the_system();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("the async runtime starts")
        .block_on(serve())
}

async fn serve() -> ExitCode {
    let config = Config::parse();
    init_logging(config.log_format);
    if let Err(msg) = config.validate() {
        eprintln!("partner-center-server: {msg}");
        return ExitCode::from(2);
    }
    if let Some(pc_server::config::Command::Review { action }) = config.command.clone() {
        return match review(&config, action).await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("partner-center-server review: {e:#}");
                ExitCode::FAILURE
            }
        };
    }
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("partner-center-server: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `partner-center-server review …`: the reviewer's command line.
async fn review(config: &Config, action: ReviewAction) -> anyhow::Result<()> {
    use pc_api::review::{Decision, ReviewRequest};
    use pc_api::{CheckKind, CheckStatus, VettingStatus};
    let pool = db::connect(&config.database_url).await?;
    let (mpn_id, check, request) = match action {
        ReviewAction::List { all } => {
            let filter = (!all).then_some(VettingStatus::Pending);
            let items = db::review_queue(&pool, filter).await?;
            if items.is_empty() {
                println!(
                    "{}",
                    if all {
                        "No partner accounts."
                    } else {
                        "No partner accounts await a decision."
                    }
                );
            }
            let status = |s: CheckStatus| match s {
                CheckStatus::NotStarted => "not started",
                CheckStatus::Pending => "pending",
                CheckStatus::Verified => "verified",
                CheckStatus::Rejected => "rejected",
            };
            for i in items {
                println!(
                    "{}  {}  ({}, {})",
                    i.mpn_id, i.legal_name, i.country, i.tenant_domain
                );
                println!("    address: {}", i.address);
                println!("    contact: {}", i.contact_email);
                if let Some(b) = &i.email_bounce {
                    println!(
                        "    the verification email to {} bounced: {}",
                        b.email, b.reason
                    );
                }
                for c in &i.checks {
                    let kind = match c.kind {
                        CheckKind::EmailOwnership => "email ownership",
                        CheckKind::Employment => "employment",
                        CheckKind::Business => "business",
                    };
                    let reason = c
                        .reason
                        .as_deref()
                        .map(|r| format!(" — {r}"))
                        .unwrap_or_default();
                    println!("    {kind:<16} {}{reason}", status(c.status));
                }
                for d in &i.documents {
                    println!(
                        "    document {} ({:?}, {}, {} bytes): GET /api/v1/admin/partners/{}/documents/{}",
                        d.file_name, d.check, d.media_type, d.size, i.mpn_id, d.id
                    );
                }
                println!(
                    "    vetting: {:?}, program: {:?}",
                    i.vetting_status, i.program_status
                );
            }
            return Ok(());
        }
        ReviewAction::Approve { mpn_id, check } => (
            mpn_id,
            check,
            ReviewRequest {
                decision: Decision::Approve,
                reason: None,
            },
        ),
        ReviewAction::Reject {
            mpn_id,
            check,
            reason,
        } => (
            mpn_id,
            check,
            ReviewRequest {
                decision: Decision::Reject,
                reason: Some(reason),
            },
        ),
    };
    let kind = match check {
        ReviewCheck::Employment => CheckKind::Employment,
        ReviewCheck::Business => CheckKind::Business,
    };
    match pc_server::review::decide(&pool, &mpn_id, kind, &request, auth::now()).await {
        Ok((check, news)) => {
            println!(
                "{}: {:?} is now {:?}; vetting {:?}, program {:?}; {} was emailed.",
                news.mpn_id,
                check.kind,
                check.status,
                news.vetting,
                news.program,
                news.contact_email
            );
            Ok(())
        }
        Err(pc_server::review::DecideError::Invalid(_)) => {
            anyhow::bail!("a rejection needs a reason the partner can act on (--reason \"…\", at most 500 characters)")
        }
        Err(e) => Err(e.into()),
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let pool = db::connect(&config.database_url).await?;
    let addr = config.listen_addr();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr()?;
    let state = AppState::new(pool.clone(), config);
    spawn_sweeper(state.clone());
    if let Some(addr) = state.config.metrics_listen {
        pc_server::metrics::install().map_err(|e| anyhow::anyhow!(e))?;
        let metrics = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| anyhow::anyhow!("cannot listen for metrics on {addr}: {e}"))?;
        let router = pc_server::metrics::router(state.clone());
        tracing::info!(url = %format!("http://{}/metrics", metrics.local_addr()?), "metrics");
        tokio::spawn(async move {
            if let Err(e) = axum::serve(metrics, router).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    match &state.config.smtp_url {
        Some(url) => {
            let mailer = pc_server::smtp::mailer(url).map_err(|e| anyhow::anyhow!(e))?;
            let from = state
                .config
                .mail_from
                .parse()
                .map_err(|e| anyhow::anyhow!("--mail-from: {e}"))?;
            pc_server::smtp::spawn_delivery(state.clone(), mailer, from);
            tracing::info!("emails are delivered over SMTP");
        }
        None => tracing::info!(
            dev_mailbox = state.config.dev,
            "no SMTP configured: emails stay in the outbox (logged; at /dev/mailbox in development mode)"
        ),
    }
    tracing::info!(
        url = %format!("http://{local}/"),
        app = state.config.dist.is_some(),
        hash_slots = state.passwords.slot_count(),
        "Partner Center server listening"
    );
    // Machine-readable line for whoever started us with port 0.
    println!("listening on http://{local}/");
    let limits = pc_server::listener::Limits::from_config(&state.config);
    pc_server::listener::serve(listener, app(state), limits, shutdown_signal()).await;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Forgets expired sessions and spent rate-limit keys every ten minutes.
/// Each is one idempotent delete, so every server may run it.
fn spawn_sweeper(state: AppState) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            let now = auth::now();
            let idle = now - state.config.session_idle().as_secs() as i64;
            let max = now - state.config.session_max().as_secs() as i64;
            if let Err(e) = db::delete_expired_sessions(&state.db, idle, max).await {
                tracing::warn!(error = %e, "could not sweep expired sessions");
                pc_server::metrics::job_failed("session_sweep");
            }
            if let Err(e) = pc_server::limits::sweep(&state.db).await {
                tracing::warn!(error = %e, "could not sweep rate limits");
                pc_server::metrics::job_failed("rate_limit_sweep");
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

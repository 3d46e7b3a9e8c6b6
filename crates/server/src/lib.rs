//! The Partner Center reference server: the `/api/v1` JSON interface, the
//! built single-page app with an SPA fallback, and the storage behind them.

pub mod agreements;
pub mod auth;
pub mod config;
pub mod csrf;
pub mod db;
pub mod error;
pub mod extract;
pub mod http;
pub mod i18n;
pub mod limits;
pub mod listener;
pub mod mail;
pub mod metrics;
pub mod pdf;
pub mod review;
pub mod smtp;
pub mod static_files;

use std::sync::Arc;

use axum::http::{header, HeaderName, HeaderValue};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;

/// Everything a request handler may need, cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: db::Db,
    pub config: Arc<Config>,
    pub limits: Arc<limits::Limits>,
    pub passwords: Arc<auth::Passwords>,
    pub agreements: Arc<agreements::Agreements>,
    /// Content-Security-Policy violations reported by browsers since start.
    pub csp_reports: Arc<std::sync::atomic::AtomicU64>,
}

impl AppState {
    /// Panics if the configured agreements cannot be loaded: `Config::validate`
    /// checks them first with a readable message.
    pub fn new(db: db::Db, config: Config) -> Self {
        let limits = Arc::new(limits::Limits::new(&config));
        let passwords = Arc::new(auth::Passwords::with_slots(config.hash_slots()));
        let agreements = agreements::Agreements::load(&config.agreements).expect("agreements load");
        AppState {
            db,
            config: Arc::new(config),
            limits,
            passwords,
            agreements: Arc::new(agreements),
            csp_reports: Arc::new(std::sync::atomic::AtomicU64::new(0)),
        }
    }
}

/// The whole server as one router: API, OpenAPI document and the app.
pub fn app(state: AppState) -> Router {
    let (api, _) = http::split();
    let dist = state.config.dist.clone();
    let api = if state.config.dev {
        api.route("/dev/mailbox", axum::routing::get(http::dev::mailbox_page))
    } else {
        api
    };
    let cors = csrf::cors(&state.config.cors_origins);
    let csp = HeaderValue::from_str(&http::security::content_security_policy(&state.config))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    api.route_layer(axum::middleware::from_fn(metrics::track))
        .layer(axum::middleware::from_fn(http::guards::no_store))
        .layer(axum::middleware::from_fn(
            http::guards::refuse_unrepresentable,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            csrf::guard,
        ))
        .layer(cors)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::guards::time_limit,
        ))
        .with_state(state)
        .layer(axum::extract::DefaultBodyLimit::max(
            extract::MAX_JSON_BYTES,
        ))
        .fallback_service(static_files::service(dist))
        .layer(axum::middleware::from_fn(i18n::localize_problems))
        .layer(TraceLayer::new_for_http())
        .layer(axum::middleware::from_fn(http::guards::request_id))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static(
                "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
            ),
        ))
        .layer(axum::middleware::from_fn(http::security::hsts))
}

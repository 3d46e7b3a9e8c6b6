//! Serves the built app: precompressed files (brotli, gzip) with the right
//! types, long caching for hashed names, and for every route of the app
//! its static page in the visitor's language (deep links work, and paint
//! before any script runs); unknown paths get the not-found page with 404,
//! unknown `/api/` paths problem+json.

use std::path::{Path, PathBuf};

use pc_api::routes;

use axum::body::Body;
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use crate::error::ApiError;

/// Whether a file name carries a content hash (`name-0123456789abcdef.ext`;
/// trunk drops leading zeros, so 12 or more hex digits).
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() >= 12 && hash.chars().all(|c| c.is_ascii_hexdigit()))
}

fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

/// A service for every request no API route took.
pub fn service(dist: Option<PathBuf>) -> Router {
    Router::new().fallback(get(move |req: Request<Body>| serve(dist.clone(), req)))
}

async fn serve(dist: Option<PathBuf>, req: Request<Body>) -> Response {
    let path = req.uri().path().to_owned();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    let Some(dist) = dist else {
        return ApiError::NotFound.into_response();
    };
    let last = path.rsplit('/').next().unwrap_or("");
    if !last.contains('.') {
        return serve_page(&dist, req).await;
    }
    let res = ServeDir::new(&dist)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await;
    let mut res = match res {
        Ok(r) => r.into_response(),
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control(&path)),
    );
    // Public files: host pages on other origins may load the embed entry
    // (a module script, which needs CORS) and what it imports.
    res.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    res
}

/// A route of the app: its static page in the best locale the build has
/// (the `pc-locale` cookie, then `Accept-Language`, then the build's
/// default at the page's own path), the not-found page with 404 for
/// unknown paths, or the shell (`index.html`) for a build without static
/// pages, where the app decides everything.
async fn serve_page(dist: &Path, req: Request<Body>) -> Response {
    let page = routes::static_page(req.uri().path(), req.uri().query().unwrap_or(""));
    // (A block, so no borrow of the request, whose body is not `Sync`,
    // lives across the awaits below.)
    let preferred = {
        let header = |name: header::HeaderName| {
            req.headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect::<Vec<_>>()
                .join(",")
        };
        let cookies = header(header::COOKIE);
        let chosen = cookies.split(';').find_map(|c| {
            let (k, v) = c.split_once('=')?;
            (k.trim() == routes::LOCALE_COOKIE).then(|| v.trim().to_owned())
        });
        routes::preferred_locales(chosen.as_deref(), &header(header::ACCEPT_LANGUAGE))
    };
    let found = preferred
        .iter()
        .map(|l| (Some(*l), dist.join(l).join(page.file)))
        .chain([(None, dist.join(page.file))])
        .find(|(_, f)| f.is_file());
    let (locale, file, status) = match found {
        Some((l, f)) => (
            l,
            f,
            if page.route.is_some() {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            },
        ),
        None => (None, dist.join("index.html"), StatusCode::OK),
    };
    let res = ServeFile::new(&file)
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(req)
        .await;
    let mut res = match res {
        Ok(r) => r.into_response(),
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    if res.status() == StatusCode::OK {
        *res.status_mut() = status;
    }
    let h = res.headers_mut();
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Caches keep one copy per language choice.
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Accept-Language, Cookie"),
    );
    if let Some(l) = locale {
        h.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(l));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("/partner-center-4f1c2b9a8d7e6f50_bg.wasm"));
        assert!(is_hashed("/sub/partner-center-4f1c2b9a8d7e6f50.js"));
        assert!(is_hashed("/style-0123456789abcdef.css"));
        assert!(
            is_hashed("/partner-center-46cb432185be220.js"),
            "trunk drops leading zeros"
        );
        assert!(!is_hashed("/partner-center.js"));
        assert!(!is_hashed("/index.html"));
        assert!(!is_hashed("/config.json"));
        assert!(!is_hashed("/favicon-light.svg"));
    }
}

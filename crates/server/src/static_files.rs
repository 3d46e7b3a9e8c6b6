//! Serves the built app: precompressed files (brotli, gzip) with the right
//! types, long caching for hashed names, and `index.html` for any route of
//! the app so deep links work. Unknown `/api/` paths stay problem+json.

use std::path::PathBuf;

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
    let looks_like_file = last.contains('.');
    let index = dist.join("index.html");
    let res = if looks_like_file {
        ServeDir::new(&dist)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(req)
            .await
            .map(IntoResponse::into_response)
    } else {
        // Any route of the app: the app decides, including its own not-found page.
        ServeFile::new(&index)
            .precompressed_br()
            .precompressed_gzip()
            .oneshot(req)
            .await
            .map(IntoResponse::into_response)
    };
    let mut res = match res {
        Ok(r) => r,
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    }
    let cc = if looks_like_file {
        cache_control(&path)
    } else {
        "no-cache"
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cc));
    if looks_like_file {
        // Public files: host pages on other origins may load the embed
        // entry (a module script, which needs CORS) and what it imports.
        res.headers_mut().insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
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

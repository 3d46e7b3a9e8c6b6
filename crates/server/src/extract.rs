//! `ApiJson<T>`: reads a JSON body and reports exactly what is wrong with it,
//! field by field, as problem+json (never a bare-text 400 or a 500).

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// The largest JSON body any endpoint takes.
pub const MAX_JSON_BYTES: usize = 64 * 1024;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let essence = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                essence == "application/json" || essence.ends_with("+json")
            })
            .unwrap_or(false);
        if !is_json {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::BadRequest {
                    code: "unreadable_body",
                    detail: e.body_text(),
                }
            }
        })?;
        parse(&bytes).map(ApiJson)
    }
}

/// Deserialises `bytes`, turning serde's error into a field-level answer.
/// A string holding NUL (`\u0000`), which no database stores as text, is
/// refused with a field error naming where it is.
pub fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(br"\u0000")) {
        if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
            if let Some(field) = nul_at(&v, String::new()) {
                let field = if field.is_empty() {
                    "body".into()
                } else {
                    field
                };
                return Err(ApiError::Validation(ApiError::field(
                    &field,
                    "unrepresentable_character",
                )));
            }
        }
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            if inner.is_syntax() || inner.is_eof() || inner.is_io() {
                return Err(ApiError::BadRequest {
                    code: "malformed_json",
                    detail: inner.to_string(),
                });
            }
            let msg = inner.to_string();
            let named = backticked(&msg);
            let (field, code) = if msg.starts_with("unknown field") {
                (join(&path, named), "unknown_field")
            } else if msg.starts_with("missing field") {
                (join(&path, named), "missing_field")
            } else {
                let top_level = path == "." || path.starts_with('[');
                (
                    if top_level { "body".to_owned() } else { path },
                    "invalid_type",
                )
            };
            Err(ApiError::Validation(ApiError::field(&field, code)))
        }
    }
}

/// The dotted path of the first string (or key) in `v` holding NUL.
fn nul_at(v: &serde_json::Value, path: String) -> Option<String> {
    use serde_json::Value;
    let join = |p: &str, k: &str| {
        if p.is_empty() {
            k.to_owned()
        } else {
            format!("{p}.{k}")
        }
    };
    match v {
        Value::String(s) if s.contains('\0') => Some(path),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| nul_at(item, format!("{path}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            if k.contains('\0') {
                Some(join(&path, &k.replace('\0', "")))
            } else {
                nul_at(item, join(&path, k))
            }
        }),
        _ => None,
    }
}

fn backticked(msg: &str) -> Option<&str> {
    let start = msg.find('`')? + 1;
    let len = msg[start..].find('`')?;
    Some(&msg[start..start + len])
}

/// The dotted path of a named field; serde_path_to_error already ends the
/// path with it for some errors (unknown field) and not for others (missing).
fn join(path: &str, name: Option<&str>) -> String {
    if let Some(n) = name {
        if path == n || path.ends_with(&format!(".{n}")) {
            return path.to_owned();
        }
    }
    match (path, name) {
        (".", Some(n)) | ("", Some(n)) => n.to_owned(),
        (p, Some(n)) => format!("{p}.{n}"),
        (p, None) => p.to_owned(),
    }
}

/// `ApiQuery<T>`: reads the query string like `axum::extract::Query`, but a
/// value of the wrong type is a field error in problem+json (422), naming
/// the parameter, not a bare-text 400.
pub struct ApiQuery<T>(pub T);

impl<S, T> axum::extract::FromRequestParts<S> for ApiQuery<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize::<_, T>(de)
            .map(ApiQuery)
            .map_err(|e| {
                let path = e.path().to_string();
                let field = if path == "." {
                    "query".to_owned()
                } else {
                    path
                };
                ApiError::Validation(ApiError::field(&field, "invalid_type"))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pc_api::SignInRequest;

    fn field_code(e: ApiError) -> (String, String) {
        match e {
            ApiError::Validation(errors) => {
                let (f, v) = errors.into_iter().next().unwrap();
                (f, v[0].code.clone())
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn unknown_missing_and_mistyped_fields_are_named() {
        let e = parse::<SignInRequest>(br#"{"email":"a@b.co","password":"x","role":"admin"}"#)
            .err()
            .unwrap();
        assert_eq!(field_code(e), ("role".into(), "unknown_field".into()));
        let e = parse::<SignInRequest>(br#"{"email":"a@b.co"}"#)
            .err()
            .unwrap();
        assert_eq!(field_code(e), ("password".into(), "missing_field".into()));
        let e = parse::<SignInRequest>(br#"{"email":["a"],"password":"x"}"#)
            .err()
            .unwrap();
        assert_eq!(field_code(e), ("email".into(), "invalid_type".into()));
        let e = parse::<SignInRequest>(br#"[1,2]"#).err().unwrap();
        assert_eq!(field_code(e), ("body".into(), "invalid_type".into()));
    }

    #[test]
    fn nul_is_refused_where_it_is() {
        let e = parse::<SignInRequest>(br#"{"email":"a\u0000@b.co","password":"x"}"#)
            .err()
            .unwrap();
        assert_eq!(
            field_code(e),
            ("email".into(), "unrepresentable_character".into())
        );
        let e = parse::<serde_json::Value>(br#"{"profile":{"lines":["ok","b\u0000"]}}"#)
            .err()
            .unwrap();
        assert_eq!(field_code(e).0, "profile.lines[1]");
        // An escaped backslash before u0000 is text, not NUL.
        assert!(parse::<serde_json::Value>(br#"{"a":"\\u0000"}"#).is_ok());
    }

    #[test]
    fn broken_json_is_a_400() {
        assert!(matches!(
            parse::<SignInRequest>(br#"{"email": "#),
            Err(ApiError::BadRequest {
                code: "malformed_json",
                ..
            })
        ));
    }
}

//! Problem answers in the caller's language. English is the language the
//! handlers write in; for a caller whose `Accept-Language` prefers Chinese,
//! one middleware rewrites every problem+json answer into Traditional
//! Chinese: the title and each field message from the app's own catalog
//! (`locales/zh-TW.ftl`, keys `err-<code>`, the words the app shows), the
//! detail from the server's (`crates/server/locales/zh-TW.ftl`).

use std::collections::HashMap;
use std::sync::LazyLock;

use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER};
use axum::middleware::Next;
use axum::response::Response;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, PatternElement};
use pc_api::Problem;

use crate::mail::locale_from_accept_language;

const APP_ZH: &str = include_str!("../../../locales/zh-TW.ftl");
const SERVER_ZH: &str = include_str!("../locales/zh-TW.ftl");

#[derive(Debug)]
enum Part {
    Text(String),
    Var(String),
}

type Catalog = HashMap<String, Vec<Part>>;

/// Messages of a Fluent file made of plain text and `{ $variables }`.
fn parse(name: &str, src: &str) -> Catalog {
    let res = fluent_syntax::parser::parse(src)
        .unwrap_or_else(|(_, errs)| panic!("{name}: Fluent syntax errors: {errs:?}"));
    let mut out = Catalog::new();
    for entry in res.body {
        let Entry::Message(m) = entry else { continue };
        let Some(value) = m.value else { continue };
        let parts = value
            .elements
            .into_iter()
            .map(|el| match el {
                PatternElement::TextElement { value } => Part::Text(value.to_owned()),
                PatternElement::Placeable {
                    expression: Expression::Inline(InlineExpression::VariableReference { id }),
                } => Part::Var(id.name.to_owned()),
                PatternElement::Placeable {
                    expression: Expression::Inline(InlineExpression::StringLiteral { value }),
                } => Part::Text(value.to_owned()),
                _ => panic!("{name}: {}: only text and {{ $variables }}", m.id.name),
            })
            .collect();
        out.insert(m.id.name.to_owned(), parts);
    }
    out
}

static ZH: LazyLock<Catalog> = LazyLock::new(|| {
    let mut c = parse("locales/zh-TW.ftl", APP_ZH);
    c.extend(parse("crates/server/locales/zh-TW.ftl", SERVER_ZH));
    c
});

/// The Traditional Chinese text for `key`, with `args` filled in; `None`
/// when the catalog has no such key or an argument is missing.
pub fn zh(key: &str, args: &[(&str, &str)]) -> Option<String> {
    let parts = ZH.get(key)?;
    let mut out = String::new();
    for p in parts {
        match p {
            Part::Text(t) => out.push_str(t),
            Part::Var(v) => out.push_str(args.iter().find(|(k, _)| k == v)?.1),
        }
    }
    Some(out)
}

/// Rewrites `p` into Traditional Chinese. `retry_after` is the answer's
/// `Retry-After` (the seconds a rate-limit detail names).
pub fn localize_zh(p: &mut Problem, retry_after: Option<&str>) {
    if let Some(code) = p.code.clone() {
        if let Some(title) = zh(&format!("err-{code}"), &[]) {
            p.title = title;
        }
        let original = p.detail.take().unwrap_or_default();
        let seconds = retry_after.unwrap_or_default();
        p.detail = zh(
            &format!("detail-{code}"),
            &[("detail", &original), ("seconds", seconds)],
        )
        .filter(|_| !original.is_empty() || code == "rate_limited");
    }
    for errors in p.errors.values_mut() {
        for e in errors {
            if let Some(m) = zh(&format!("err-{}", e.code), &[]) {
                e.message = m;
            }
        }
    }
}

/// Problem answers are at most a few KiB; anything larger is passed on.
const MAX_PROBLEM_BYTES: usize = 256 * 1024;

/// Middleware: answers problem+json in Traditional Chinese to callers whose
/// `Accept-Language` prefers Chinese; everything else passes untouched.
pub async fn localize_problems(req: Request, next: Next) -> Response {
    let locale = locale_from_accept_language(
        req.headers()
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok()),
    );
    let res = next.run(req).await;
    let is_problem = res
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|ct| ct.as_bytes().starts_with(b"application/problem+json"));
    if locale != "zh-TW" || !is_problem {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PROBLEM_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let Ok(mut problem) = serde_json::from_slice::<Problem>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let retry_after = parts
        .headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    localize_zh(&mut problem, retry_after.as_deref());
    let body = serde_json::to_vec(&problem).unwrap_or_else(|_| bytes.to_vec());
    parts.headers.remove(CONTENT_LENGTH);
    parts.headers.insert(
        axum::http::header::CONTENT_LANGUAGE,
        axum::http::HeaderValue::from_static("zh-TW"),
    );
    Response::from_parts(parts, Body::from(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pc_api::validation::push;
    use pc_api::FieldErrors;

    fn has_han(s: &str) -> bool {
        s.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch))
    }

    #[test]
    fn every_problem_and_field_code_has_a_chinese_text() {
        for code in pc_api::problem::CODES
            .iter()
            .chain(pc_api::validation::CODES)
        {
            let t = zh(&format!("err-{code}"), &[]).unwrap_or_else(|| panic!("no err-{code}"));
            assert!(has_han(&t), "err-{code} is not Chinese: {t}");
        }
    }

    #[test]
    fn every_detail_belongs_to_a_known_code_and_reads_as_chinese() {
        for (key, _) in ZH.iter().filter(|(k, _)| k.starts_with("detail-")) {
            let code = &key["detail-".len()..];
            assert!(
                pc_api::problem::CODES.contains(&code),
                "{key} is for no problem code"
            );
            let t = zh(key, &[("detail", "x"), ("seconds", "30")]).unwrap();
            assert!(has_han(&t), "{key}: {t}");
            assert_eq!(pc_api::text::half_width_punctuation(&t), None, "{key}: {t}");
        }
    }

    /// The problem codes the server's source sends, found by reading it:
    /// `with_code("…")` and `code: "…"`.
    fn codes_in_source() -> Vec<String> {
        fn walk(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let src = std::fs::read_to_string(&path).unwrap();
                    for marker in ["with_code(\"", "code: \""] {
                        for piece in src.split(marker).skip(1) {
                            let code: String = piece
                                .chars()
                                .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                                .collect();
                            if piece[code.len()..].starts_with('"') && !code.is_empty() {
                                out.push(code);
                            }
                        }
                    }
                }
            }
        }
        let mut out = vec![];
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut out,
        );
        out.sort();
        out.dedup();
        out
    }

    #[test]
    fn the_server_sends_only_listed_codes() {
        let found = codes_in_source();
        assert!(found.len() > 20, "the scan found too little: {found:?}");
        let unlisted: Vec<_> = found
            .iter()
            .filter(|c| {
                !pc_api::problem::CODES.contains(&c.as_str())
                    && !pc_api::validation::CODES.contains(&c.as_str())
            })
            .collect();
        assert!(
            unlisted.is_empty(),
            "codes sent but missing from pc_api::problem::CODES: {unlisted:?}"
        );
    }

    #[test]
    fn a_problem_is_rewritten_with_its_field_messages() {
        let mut errors = FieldErrors::new();
        push(&mut errors, "email", "email_consumer");
        let mut p = Problem::new(422, "Some answers need your attention")
            .with_code("validation_failed")
            .with_errors(errors);
        localize_zh(&mut p, None);
        assert_eq!(p.title, "有些答案需要您留意。");
        assert!(p.detail.is_none());
        assert!(p.errors["email"][0].message.contains("公司電子郵件"));
        assert_eq!(p.errors["email"][0].code, "email_consumer");

        let mut p = Problem::new(429, "Too many attempts")
            .with_code("rate_limited")
            .with_detail("Try again in 30 seconds.");
        localize_zh(&mut p, Some("30"));
        assert_eq!(p.detail.as_deref(), Some("請於 30 秒後再試一次。"));

        // An English detail without a Chinese one is dropped, not mixed in.
        let mut p = Problem::new(410, "This link has expired").with_code("link_expired");
        localize_zh(&mut p, None);
        assert!(has_han(&p.title) && p.detail.is_none());
    }
}

//! The one translation layer: Fluent catalogs for en-US and zh-TW, the
//! current locale as a signal, chosen from storage, the browser or config.

use std::collections::HashMap;

use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};
use leptos::prelude::*;

pub const EN_US_FTL: &str = include_str!("../locales/en-US.ftl");
pub const ZH_TW_FTL: &str = include_str!("../locales/zh-TW.ftl");

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Locale {
    EnUs,
    ZhTw,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::EnUs, Locale::ZhTw];

    pub fn tag(self) -> &'static str {
        match self {
            Locale::EnUs => "en-US",
            Locale::ZhTw => "zh-TW",
        }
    }

    /// The language's own name, as shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::EnUs => "English (United States)",
            Locale::ZhTw => "中文（台灣）",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        let t = tag.trim().to_ascii_lowercase();
        match t.as_str() {
            "en-us" => Some(Locale::EnUs),
            "zh-tw" => Some(Locale::ZhTw),
            _ => None,
        }
    }

    /// The closest locale we have for a browser language tag: any English
    /// gets en-US, any Chinese gets the Traditional Chinese we ship.
    pub fn best_match(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some(Locale::EnUs),
            "zh" => Some(Locale::ZhTw),
            _ => None,
        }
    }

    fn source(self) -> &'static str {
        match self {
            Locale::EnUs => EN_US_FTL,
            Locale::ZhTw => ZH_TW_FTL,
        }
    }
}

/// Picks the locale: the user's earlier choice, then the browser's
/// preferences in order, then the configured default.
pub fn choose(stored: Option<&str>, browser: &[String], default: Locale) -> Locale {
    stored
        .and_then(Locale::from_tag)
        .or_else(|| browser.iter().find_map(|t| Locale::best_match(t)))
        .unwrap_or(default)
}

pub struct Catalogs {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
}

impl Catalogs {
    pub fn load() -> Self {
        let mut bundles = HashMap::new();
        for locale in Locale::ALL {
            let lang = locale.tag().parse().expect("valid language tag");
            let mut bundle = FluentBundle::new(vec![lang]);
            // The app sets `lang` and direction itself; isolation marks would
            // only end up in copied text.
            bundle.set_use_isolating(false);
            let res =
                FluentResource::try_new(locale.source().to_owned()).unwrap_or_else(|(res, _)| res);
            let _ = bundle.add_resource(res);
            bundles.insert(locale, bundle);
        }
        Catalogs { bundles }
    }

    /// The message for `key`, or the key itself (logged) when a catalog lacks it.
    pub fn format(&self, locale: Locale, key: &str, args: Option<&FluentArgs>) -> String {
        let bundle = &self.bundles[&locale];
        match bundle.get_message(key).and_then(|m| m.value()) {
            Some(pattern) => {
                let mut errors = vec![];
                bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned()
            }
            None => {
                leptos::logging::warn!("missing translation {key} in {}", locale.tag());
                key.to_owned()
            }
        }
    }

    pub fn has(&self, locale: Locale, key: &str) -> bool {
        self.bundles[&locale].has_message(key)
    }
}

/// The app's translator: copy it anywhere; reading it tracks the locale.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
    catalogs: StoredValue<Catalogs, LocalStorage>,
}

impl I18n {
    pub fn new(locale: Locale) -> Self {
        I18n {
            locale: RwSignal::new(locale),
            catalogs: StoredValue::new_local(Catalogs::load()),
        }
    }

    pub fn t(&self, key: &str) -> String {
        let locale = self.locale.get();
        self.catalogs.with_value(|c| c.format(locale, key, None))
    }

    /// A message with named arguments, e.g. `("email", "a@b.co")`.
    pub fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        let locale = self.locale.get();
        let mut fa = FluentArgs::new();
        for (k, v) in args {
            fa.set(*k, FluentValue::from(v.to_string()));
        }
        self.catalogs
            .with_value(|c| c.format(locale, key, Some(&fa)))
    }

    /// The translated text for a validation or problem code, falling back to
    /// the server's own message for a code this build does not know yet.
    pub fn error_text(&self, code: &str, fallback: &str) -> String {
        let key = format!("err-{code}");
        let locale = self.locale.get();
        let known = self.catalogs.with_value(|c| c.has(locale, &key));
        if known {
            self.t(&key)
        } else if !fallback.is_empty() {
            fallback.to_owned()
        } else {
            self.t("err-invalid")
        }
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

// Reads the catalogs and the source tree from disk: host only.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use fluent_syntax::ast::Entry;
    use std::collections::BTreeSet;

    fn ids(src: &str) -> BTreeSet<String> {
        let res = fluent_syntax::parser::parse(src).expect("catalog parses without errors");
        res.body
            .iter()
            .filter_map(|e| match e {
                Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    /// Every `t("…")`, `t_with("…"` and `key="…"` literal in the app's source.
    fn keys_used_in_source() -> BTreeSet<String> {
        fn walk(dir: &std::path::Path, out: &mut BTreeSet<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("i18n.rs")
                {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for marker in [".t(\"", ".t_with(\"", "key=\"", "label=\"", "hint=\""] {
                        for (i, _) in text.match_indices(marker) {
                            let rest = &text[i + marker.len()..];
                            let end = rest.find('"').unwrap();
                            let key = &rest[..end];
                            if !key.is_empty() && !key.contains(' ') {
                                out.insert(key.to_owned());
                            }
                        }
                    }
                }
            }
        }
        let mut out = BTreeSet::new();
        walk(
            std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")),
            &mut out,
        );
        out
    }

    #[test]
    fn both_locales_have_exactly_the_same_keys() {
        let en = ids(EN_US_FTL);
        let zh = ids(ZH_TW_FTL);
        let only_en: Vec<_> = en.difference(&zh).collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in zh-TW: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en-US: {only_zh:?}");
        assert!(en.len() > 50, "catalogs look truncated: {} keys", en.len());
    }

    #[test]
    fn every_key_the_source_uses_exists() {
        let en = ids(EN_US_FTL);
        let missing: Vec<_> = keys_used_in_source()
            .into_iter()
            .filter(|k| !en.contains(k))
            .collect();
        assert!(
            missing.is_empty(),
            "keys used but not translated: {missing:?}"
        );
    }

    #[test]
    fn every_validation_and_problem_code_is_translated() {
        let en = ids(EN_US_FTL);
        for code in pc_api::validation::CODES {
            assert!(en.contains(&format!("err-{code}")), "no err-{code}");
        }
    }

    #[test]
    fn translations_differ_where_they_should() {
        let c = Catalogs::load();
        let en = c.format(Locale::EnUs, "account-title", None);
        let zh = c.format(Locale::ZhTw, "account-title", None);
        assert_ne!(en, zh);
        assert!(
            zh.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
            "{zh}"
        );
    }

    #[test]
    fn locale_is_chosen_from_storage_then_browser_then_default() {
        let browser = vec!["fr-FR".to_owned(), "zh-Hant-TW".to_owned(), "en".to_owned()];
        assert_eq!(choose(Some("en-US"), &browser, Locale::EnUs), Locale::EnUs);
        assert_eq!(choose(None, &browser, Locale::EnUs), Locale::ZhTw);
        assert_eq!(
            choose(Some("garbage"), &["de".into()], Locale::ZhTw),
            Locale::ZhTw
        );
        assert_eq!(choose(None, &["en-GB".into()], Locale::ZhTw), Locale::EnUs);
    }
}

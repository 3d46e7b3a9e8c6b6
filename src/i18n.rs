//! The one translation layer: the Fluent catalogs in `locales/` for en-US
//! and zh-TW, compiled into static tables by `build.rs` (which also checks
//! that both have every key), the current locale as a signal, chosen from
//! storage, the browser or config.

use leptos::prelude::*;

/// The compiled catalogs: `EN_US`, `ZH_TW` and their `Part`s.
pub mod catalog {
    include!(concat!(env!("OUT_DIR"), "/catalog.rs"));
}
use catalog::Part;

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

    fn messages(self) -> &'static [(&'static str, &'static [Part])] {
        match self {
            Locale::EnUs => catalog::EN_US,
            Locale::ZhTw => catalog::ZH_TW,
        }
    }
}

/// Picks the locale among `allowed`: the user's earlier choice, then the
/// browser's preferences in order, then the configured default.
pub fn choose(
    stored: Option<&str>,
    browser: &[String],
    default: Locale,
    allowed: &[Locale],
) -> Locale {
    let ok = |l: &Locale| allowed.contains(l);
    stored
        .and_then(Locale::from_tag)
        .filter(ok)
        .or_else(|| {
            browser
                .iter()
                .filter_map(|t| Locale::best_match(t))
                .find(ok)
        })
        .unwrap_or(default)
}

/// The message `key` in `locale`, if the catalog has it.
fn lookup(locale: Locale, key: &str) -> Option<&'static [Part]> {
    let messages = locale.messages();
    messages
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| messages[i].1)
}

/// Formats `key` with named `args`; the key itself (logged) when missing.
pub fn format(locale: Locale, key: &str, args: &[(&str, &str)]) -> String {
    let Some(parts) = lookup(locale, key) else {
        leptos::logging::warn!("missing translation {key} in {}", locale.tag());
        return key.to_owned();
    };
    let mut out = String::new();
    for part in parts {
        match part {
            Part::Text(t) => out.push_str(t),
            Part::Var(name) => match args.iter().find(|(k, _)| k == name) {
                Some((_, v)) => out.push_str(v),
                None => {
                    out.push('{');
                    out.push_str(name);
                    out.push('}');
                }
            },
        }
    }
    out
}

/// The app's translator: copy it anywhere; reading it tracks the locale.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    pub fn new(locale: Locale) -> Self {
        I18n {
            locale: RwSignal::new(locale),
        }
    }

    pub fn t(&self, key: &str) -> String {
        format(self.locale.get(), key, &[])
    }

    /// The message as a signal: every translated text in the views shares
    /// this one type, which keeps the browser build small.
    pub fn tr(&self, key: &'static str) -> Signal<String> {
        let me = *self;
        Signal::derive(move || me.t(key))
    }

    /// A message with named arguments, e.g. `("email", "a@b.co")`.
    pub fn t_with(&self, key: &str, args: &[(&str, &str)]) -> String {
        format(self.locale.get(), key, args)
    }

    /// The translated text for a validation or problem code, falling back to
    /// the server's own message for a code this build does not know yet.
    pub fn error_text(&self, code: &str, fallback: &str) -> String {
        let key = format!("err-{code}");
        if lookup(self.locale.get(), &key).is_some() {
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
    use std::collections::BTreeSet;

    fn ids(locale: Locale) -> BTreeSet<String> {
        locale
            .messages()
            .iter()
            .map(|(k, _)| (*k).to_owned())
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
                    for marker in [
                        ".t(\"",
                        ".tr(\"",
                        ".t_with(\"",
                        "key=\"",
                        "label=\"",
                        "hint=\"",
                    ] {
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
        let en = ids(Locale::EnUs);
        let zh = ids(Locale::ZhTw);
        let only_en: Vec<_> = en.difference(&zh).collect();
        let only_zh: Vec<_> = zh.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in zh-TW: {only_en:?}");
        assert!(only_zh.is_empty(), "missing in en-US: {only_zh:?}");
        assert!(en.len() > 50, "catalogs look truncated: {} keys", en.len());
    }

    #[test]
    fn every_key_the_source_uses_exists() {
        let en = ids(Locale::EnUs);
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
        let en = ids(Locale::EnUs);
        for code in pc_api::validation::CODES
            .iter()
            .chain(pc_api::problem::CODES)
        {
            assert!(en.contains(&format!("err-{code}")), "no err-{code}");
        }
    }

    #[test]
    fn traditional_chinese_uses_full_width_punctuation() {
        let bad: Vec<String> = ids(Locale::ZhTw)
            .iter()
            .filter_map(|k| {
                pc_api::text::half_width_punctuation(&format(Locale::ZhTw, k, &[]))
                    .map(|p| format!("{k}: {p:?}"))
            })
            .collect();
        assert!(bad.is_empty(), "half-width punctuation in zh-TW: {bad:?}");
    }

    #[test]
    fn translations_differ_where_they_should() {
        let en = format(Locale::EnUs, "account-title", &[]);
        let zh = format(Locale::ZhTw, "account-title", &[]);
        assert_ne!(en, zh);
        assert!(
            zh.chars().any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
            "{zh}"
        );
    }

    #[test]
    fn arguments_are_filled_in_and_tables_are_sorted() {
        assert_eq!(
            format(
                Locale::EnUs,
                "stepper-compact",
                &[("current", "3"), ("total", "6")]
            ),
            "Step 3 of 6"
        );
        assert_eq!(
            format(
                Locale::ZhTw,
                "stepper-compact",
                &[("current", "3"), ("total", "6")]
            ),
            "第 3 步，共 6 步"
        );
        assert_eq!(format(Locale::EnUs, "no-such-key", &[]), "no-such-key");
        for l in Locale::ALL {
            assert!(l.messages().windows(2).all(|w| w[0].0 < w[1].0));
        }
    }

    #[test]
    fn locale_is_chosen_from_storage_then_browser_then_default() {
        let browser = vec!["fr-FR".to_owned(), "zh-Hant-TW".to_owned(), "en".to_owned()];
        let all = Locale::ALL;
        assert_eq!(
            choose(Some("en-US"), &browser, Locale::EnUs, &all),
            Locale::EnUs
        );
        assert_eq!(choose(None, &browser, Locale::EnUs, &all), Locale::ZhTw);
        assert_eq!(
            choose(Some("garbage"), &["de".into()], Locale::ZhTw, &all),
            Locale::ZhTw
        );
        assert_eq!(
            choose(None, &["en-GB".into()], Locale::ZhTw, &all),
            Locale::EnUs
        );
        // Only what the deployment allows.
        let zh = [Locale::ZhTw];
        assert_eq!(
            choose(Some("en-US"), &["en".into()], Locale::ZhTw, &zh),
            Locale::ZhTw
        );
    }
}

//! Runtime configuration, read at start from `config.json` beside
//! `index.html`, so one build serves any host without rebuilding.

use serde::Deserialize;

use crate::i18n::Locale;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Origin (and optional path) of the API; empty means the app's own origin.
    pub api_base_url: String,
    /// Path the app's routes live under, without a trailing slash ("" for the root).
    pub base_path: String,
    pub default_locale: Locale,
    /// The languages offered, in the switcher's order (never empty).
    pub allowed_locales: Vec<Locale>,
}

/// The file as written by an operator; every key optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RawConfig {
    api_base_url: Option<String>,
    base_path: Option<String>,
    default_locale: Option<String>,
    allowed_locales: Option<Vec<String>>,
}

/// Why a configuration could not be used, in words an operator can act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

fn trim_slashes(path: &str) -> String {
    let p = path.trim().trim_end_matches('/');
    if p.is_empty() {
        String::new()
    } else if p.starts_with('/') {
        p.to_owned()
    } else {
        format!("/{p}")
    }
}

impl Config {
    /// Defaults that work when the bundled server serves the app: the API on
    /// the same origin, routes under the path the page was loaded from.
    pub fn defaults(document_base_path: &str) -> Self {
        Config {
            api_base_url: String::new(),
            base_path: trim_slashes(document_base_path),
            default_locale: Locale::EnUs,
            allowed_locales: Locale::ALL.to_vec(),
        }
    }

    /// Parses `config.json`; `None` (no file) gives the defaults.
    pub fn parse(text: Option<&str>, document_base_path: &str) -> Result<Self, ConfigError> {
        Self::parse_from(text, document_base_path, "config.json")
    }

    /// Parses configuration JSON from `source` (named in error messages):
    /// `config.json`, or the options of an embedded app.
    pub fn parse_from(
        text: Option<&str>,
        document_base_path: &str,
        source: &str,
    ) -> Result<Self, ConfigError> {
        let mut cfg = Config::defaults(document_base_path);
        let Some(text) = text else { return Ok(cfg) };
        let raw: RawConfig = serde_json::from_str(text)
            .map_err(|e| ConfigError(format!("{source} is not valid: {e}")))?;
        if let Some(url) = raw.api_base_url {
            let url = url.trim().trim_end_matches('/').to_owned();
            let ok = url.is_empty()
                || url.starts_with("https://")
                || url.starts_with("http://")
                || url.starts_with('/');
            if !ok {
                return Err(ConfigError(format!(
                    "{source}: apiBaseUrl {url:?} must be empty, an absolute http(s) URL or a path starting with /"
                )));
            }
            cfg.api_base_url = url;
        }
        if let Some(base) = raw.base_path {
            cfg.base_path = trim_slashes(&base);
        }
        if let Some(tag) = raw.default_locale {
            cfg.default_locale = Locale::from_tag(&tag).ok_or_else(|| {
                ConfigError(format!(
                    "{source}: defaultLocale {tag:?} is not one of {}",
                    Locale::ALL.map(|l| l.tag()).join(", ")
                ))
            })?;
        }
        if let Some(tags) = raw.allowed_locales {
            let mut allowed = vec![];
            for tag in &tags {
                let l = Locale::from_tag(tag).ok_or_else(|| {
                    ConfigError(format!(
                        "{source}: allowedLocales has {tag:?}, which is not one of {}",
                        Locale::ALL.map(|l| l.tag()).join(", ")
                    ))
                })?;
                if !allowed.contains(&l) {
                    allowed.push(l);
                }
            }
            if allowed.is_empty() {
                return Err(ConfigError("{source}: allowedLocales is empty".into()));
            }
            cfg.allowed_locales = allowed;
        }
        if !cfg.allowed_locales.contains(&cfg.default_locale) {
            return Err(ConfigError(format!(
                "{source}: defaultLocale {} is not in allowedLocales",
                cfg.default_locale.tag()
            )));
        }
        Ok(cfg)
    }

    /// The full URL of an API path such as `/session`.
    pub fn api_url(&self, path: &str) -> String {
        format!("{}/api/v1{}", self.api_base_url, path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_file_means_same_origin_and_the_page_path() {
        let c = Config::parse(None, "/").unwrap();
        assert_eq!(c.api_base_url, "");
        assert_eq!(c.base_path, "");
        assert_eq!(c.api_url("/session"), "/api/v1/session");
        assert_eq!(
            Config::parse(None, "/portal/partners/").unwrap().base_path,
            "/portal/partners"
        );
    }

    #[test]
    fn every_key_is_read_and_normalised() {
        let c = Config::parse(
            Some(r#"{"apiBaseUrl":"https://api.contoso.com/","basePath":"portal/partners/","defaultLocale":"zh-TW"}"#),
            "/",
        )
        .unwrap();
        assert_eq!(
            c.api_url("/health"),
            "https://api.contoso.com/api/v1/health"
        );
        assert_eq!(c.base_path, "/portal/partners");
        assert_eq!(c.default_locale, Locale::ZhTw);
    }

    #[test]
    fn allowed_locales_are_read_and_checked() {
        let c = Config::parse(
            Some(r#"{"allowedLocales":["zh-TW"],"defaultLocale":"zh-TW"}"#),
            "/",
        )
        .unwrap();
        assert_eq!(c.allowed_locales, [Locale::ZhTw]);
        assert_eq!(
            Config::parse(None, "/").unwrap().allowed_locales,
            Locale::ALL
        );
        let e = Config::parse(Some(r#"{"allowedLocales":["zh-TW"]}"#), "/").unwrap_err();
        assert!(e.0.contains("not in allowedLocales"), "{e:?}");
        let e = Config::parse(Some(r#"{"allowedLocales":["de-DE"]}"#), "/").unwrap_err();
        assert!(e.0.contains("de-DE"), "{e:?}");
        assert!(Config::parse(Some(r#"{"allowedLocales":[]}"#), "/").is_err());
    }

    #[test]
    fn mistakes_are_named() {
        let e = Config::parse(Some("{not json"), "/").unwrap_err();
        assert!(e.0.contains("config.json is not valid"), "{e:?}");
        let e = Config::parse(Some(r#"{"defaultLocale":"fr-FR"}"#), "/").unwrap_err();
        assert!(e.0.contains("fr-FR") && e.0.contains("zh-TW"), "{e:?}");
        let e = Config::parse(Some(r#"{"apiBaseUrl":"ftp://x"}"#), "/").unwrap_err();
        assert!(e.0.contains("apiBaseUrl"), "{e:?}");
        let e = Config::parse(Some(r#"{"apiBase":"/x"}"#), "/").unwrap_err();
        assert!(e.0.contains("apiBase"), "{e:?}");
    }

    #[test]
    fn embedding_options_are_named_as_such() {
        let e = Config::parse_from(
            Some(r#"{"basePath":"/p","locale":"x"}"#),
            "/",
            "the embedding options",
        )
        .unwrap_err();
        assert!(e.0.starts_with("the embedding options"), "{e:?}");
        assert!(e.0.contains("locale"), "{e:?}");
    }
}

//! The app's routes, as one typed list: the app links and routes with it,
//! the release build writes a static page for each (`cargo xtask`), and the
//! server picks the page file that answers a URL with it.

/// The cookie that keeps the language a person chose, so the server (or a
/// static host's rule) answers with the static page in that language.
pub const LOCALE_COOKIE: &str = "pc-locale";

/// A page of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Welcome,
    Account,
    Company,
    Contact,
    Review,
    Agreement,
    Done,
    VerifyEmail,
    Dashboard,
    PartnerProfile,
    Users,
    AgreementView,
}

impl Route {
    pub const ALL: [Route; 12] = [
        Route::Welcome,
        Route::Account,
        Route::Company,
        Route::Contact,
        Route::Review,
        Route::Agreement,
        Route::Done,
        Route::VerifyEmail,
        Route::Dashboard,
        Route::PartnerProfile,
        Route::Users,
        Route::AgreementView,
    ];

    /// The route's path; a `:name` segment stands for any one segment.
    pub fn pattern(self) -> &'static str {
        match self {
            Route::Welcome => "/enroll",
            Route::Account => "/enroll/account",
            Route::Company => "/enroll/company",
            Route::Contact => "/enroll/contact",
            Route::Review => "/enroll/review",
            Route::Agreement => "/enroll/agreement",
            Route::Done => "/enroll/done",
            Route::VerifyEmail => "/verify-email/:token",
            Route::Dashboard => "/dashboard",
            Route::PartnerProfile => "/dashboard/settings/partner-profile",
            Route::Users => "/dashboard/settings/users",
            Route::AgreementView => "/dashboard/agreements/:id",
        }
    }

    /// The path of a route without parameters (a parameter's segment is
    /// left as `:name`; use [`Route::with`] for those).
    pub fn path(self) -> &'static str {
        self.pattern()
    }

    /// The path with its one parameter filled in, e.g.
    /// `AgreementView.with("mpn")` → `/dashboard/agreements/mpn`.
    pub fn with(self, value: &str) -> String {
        let p = self.pattern();
        match p.rfind("/:") {
            Some(i) => format!("{}/{value}", &p[..i]),
            None => p.to_owned(),
        }
    }

    /// Whether a visitor without a session can open it. Public pages are
    /// painted complete from their static HTML; the others paint their
    /// frame and heading, and fill in what the session brings.
    pub fn public(self) -> bool {
        matches!(self, Route::Welcome | Route::Account | Route::VerifyEmail)
    }

    /// The message key of the page's heading (and document title).
    pub fn title_key(self) -> &'static str {
        match self {
            Route::Welcome => "welcome-title",
            Route::Account => "account-title",
            Route::Company => "company-title",
            Route::Contact => "contact-title",
            Route::Review => "review-title",
            Route::Agreement => "agreement-title",
            Route::Done => "done-title",
            Route::VerifyEmail => "verify-title",
            Route::Dashboard => "dash-overview-title",
            Route::PartnerProfile => "profile-title",
            Route::Users => "users-title",
            Route::AgreementView => "agreement-view-title",
        }
    }

    /// The code-split chunk the page's code is in (`src/split.rs` of the
    /// app, one `#[wasm_split]` module per name; pages that are used together
    /// share one); `None` for a page of the
    /// main module. The release build's static page for the route names
    /// it, so that it starts with the main module, and the build checks
    /// that the names here and the build's agree.
    pub fn chunk(self) -> Option<&'static str> {
        match self {
            Route::Welcome => None,
            Route::Account => Some("account"),
            Route::Company => Some("journey"),
            Route::Contact => Some("journey"),
            Route::Review => Some("journey"),
            Route::Agreement => Some("journey"),
            Route::Done => Some("journey"),
            Route::VerifyEmail => Some("verify"),
            Route::Dashboard => Some("dashboard"),
            Route::PartnerProfile => Some("settings"),
            Route::Users => Some("settings"),
            Route::AgreementView => Some("dashboard"),
        }
    }

    /// In the dashboard's frame (its navigation beside the page).
    pub fn in_dashboard(self) -> bool {
        self.pattern().starts_with("/dashboard")
    }

    /// The route a URL path (without the base path, query or fragment)
    /// opens, if any. A trailing slash is allowed.
    pub fn find(path: &str) -> Option<Route> {
        let path = path
            .strip_suffix('/')
            .filter(|p| !p.is_empty())
            .unwrap_or(path);
        Route::ALL.into_iter().find(|r| matches(r.pattern(), path))
    }
}

fn matches(pattern: &str, path: &str) -> bool {
    let mut want = pattern.split('/');
    let mut have = path.split('/');
    loop {
        match (want.next(), have.next()) {
            (None, None) => return true,
            (Some(w), Some(h)) if w.starts_with(':') => {
                if h.is_empty() {
                    return false;
                }
            }
            (Some(w), Some(h)) if w == h => {}
            _ => return false,
        }
    }
}

/// A page of the static build: which URL the build renders, and the file
/// (relative to the build's folder, the same under a locale's folder) that
/// answers it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaticPage {
    /// `None` for the not-found page.
    pub route: Option<Route>,
    /// Path and query the build renders (parameters get a sample value;
    /// the page shows only its frame until the app reads the real one).
    pub url: &'static str,
    pub file: &'static str,
}

/// The not-found page's file; hosts answer unknown paths with it (404).
pub const NOT_FOUND_FILE: &str = "404.html";

/// Every page the release build writes as static HTML, in each locale.
pub const STATIC_PAGES: &[StaticPage] = &[
    page(Route::Welcome, "/enroll", "enroll/index.html"),
    page(
        Route::Account,
        "/enroll/account",
        "enroll/account/index.html",
    ),
    page(
        Route::Account,
        "/enroll/account?mode=create",
        "enroll/account/create.html",
    ),
    page(
        Route::Company,
        "/enroll/company",
        "enroll/company/index.html",
    ),
    page(
        Route::Contact,
        "/enroll/contact",
        "enroll/contact/index.html",
    ),
    page(Route::Review, "/enroll/review", "enroll/review/index.html"),
    page(
        Route::Agreement,
        "/enroll/agreement",
        "enroll/agreement/index.html",
    ),
    page(Route::Done, "/enroll/done", "enroll/done/index.html"),
    page(
        Route::VerifyEmail,
        "/verify-email/link",
        "verify-email/index.html",
    ),
    page(Route::Dashboard, "/dashboard", "dashboard/index.html"),
    page(
        Route::PartnerProfile,
        "/dashboard/settings/partner-profile",
        "dashboard/settings/partner-profile/index.html",
    ),
    page(
        Route::Users,
        "/dashboard/settings/users",
        "dashboard/settings/users/index.html",
    ),
    page(
        Route::AgreementView,
        "/dashboard/agreements/mpn",
        "dashboard/agreements/index.html",
    ),
    StaticPage {
        route: None,
        url: "/not-found",
        file: NOT_FOUND_FILE,
    },
];

const fn page(route: Route, url: &'static str, file: &'static str) -> StaticPage {
    StaticPage {
        route: Some(route),
        url,
        file,
    }
}

/// The static page that answers `path` (without the base path) with
/// `query` (without `?`): the route's page, or the not-found page.
pub fn static_page(path: &str, query: &str) -> &'static StaticPage {
    let route = if path == "/" || path.is_empty() {
        // "/" is the journey's start; the app moves the address to /enroll.
        Some(Route::Welcome)
    } else {
        Route::find(path)
    };
    let create = query.split('&').any(|p| p == "mode=create");
    STATIC_PAGES
        .iter()
        .filter(|p| p.route == route)
        .find(|p| p.url.contains("mode=create") == create)
        .or_else(|| STATIC_PAGES.iter().find(|p| p.route == route))
        .expect("every route and the not-found page have a static page")
}

/// The locales the app ships, by tag.
pub const LOCALES: [&str; 2] = ["en-US", "zh-TW"];

/// Our locale for a language tag: any English gets en-US, any Chinese the
/// Traditional Chinese we ship.
pub fn locale_for(tag: &str) -> Option<&'static str> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    match primary.as_str() {
        "en" => Some(LOCALES[0]),
        "zh" => Some(LOCALES[1]),
        _ => None,
    }
}

/// The locales to answer in, best first: the person's own choice (the
/// [`LOCALE_COOKIE`]), then their browser's languages by `q` weight.
pub fn preferred_locales(cookie: Option<&str>, accept_language: &str) -> Vec<&'static str> {
    let mut weighted: Vec<(f32, &'static str)> = accept_language
        .split(',')
        .filter_map(|part| {
            let mut bits = part.split(';');
            let locale = locale_for(bits.next()?)?;
            let q = bits
                .find_map(|b| b.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (q > 0.0).then_some((q, locale))
        })
        .collect();
    // Stable: equal weights keep the browser's order.
    weighted.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<&'static str> = vec![];
    let chosen = cookie.and_then(|c| {
        LOCALES
            .into_iter()
            .find(|l| l.eq_ignore_ascii_case(c.trim()))
    });
    for l in chosen.into_iter().chain(weighted.into_iter().map(|w| w.1)) {
        if !out.contains(&l) {
            out.push(l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_are_preferred_by_choice_then_weight() {
        assert_eq!(preferred_locales(None, ""), Vec::<&str>::new());
        assert_eq!(
            preferred_locales(None, "zh-TW,zh;q=0.9,en;q=0.8"),
            ["zh-TW", "en-US"]
        );
        assert_eq!(
            preferred_locales(None, "en;q=0.5, zh-Hant-TW"),
            ["zh-TW", "en-US"]
        );
        assert_eq!(
            preferred_locales(None, "fr-FR, de;q=0.9"),
            Vec::<&str>::new()
        );
        assert_eq!(preferred_locales(None, "zh;q=0, en"), ["en-US"]);
        assert_eq!(preferred_locales(None, "zh;q=abc, en"), ["en-US"]);
        assert_eq!(
            preferred_locales(Some("zh-TW"), "en-US"),
            ["zh-TW", "en-US"]
        );
        assert_eq!(preferred_locales(Some("xx"), "en-US"), ["en-US"]);
        assert_eq!(
            preferred_locales(Some("en-us"), "zh-TW"),
            ["en-US", "zh-TW"]
        );
    }

    #[test]
    fn paths_find_their_routes() {
        for r in Route::ALL {
            assert_eq!(Route::find(&r.with("x1")), Some(r), "{r:?}");
        }
        assert_eq!(Route::find("/enroll/"), Some(Route::Welcome));
        assert_eq!(Route::find("/verify-email/"), None);
        assert_eq!(Route::find("/verify-email/a/b"), None);
        assert_eq!(Route::find("/enrollx"), None);
        assert_eq!(Route::find("/"), None);
        assert_eq!(
            Route::AgreementView.with("mpn"),
            "/dashboard/agreements/mpn"
        );
        assert_eq!(Route::Dashboard.with("ignored"), "/dashboard");
    }

    #[test]
    fn every_route_has_a_static_page_and_urls_find_them() {
        for r in Route::ALL {
            assert!(STATIC_PAGES.iter().any(|p| p.route == Some(r)), "{r:?}");
        }
        for p in STATIC_PAGES {
            let (path, query) = p.url.split_once('?').unwrap_or((p.url, ""));
            assert_eq!(static_page(path, query), p, "{}", p.url);
            assert!(!p.file.starts_with('/') && p.file.ends_with(".html"));
        }
        let mut files: Vec<_> = STATIC_PAGES.iter().map(|p| p.file).collect();
        files.sort();
        files.dedup();
        assert_eq!(files.len(), STATIC_PAGES.len(), "one file per page");
        assert_eq!(static_page("/", "").file, "enroll/index.html");
        assert_eq!(
            static_page("/enroll/account", "next=%2Fdashboard&mode=create").file,
            "enroll/account/create.html"
        );
        assert_eq!(
            static_page("/enroll/account", "next=%2Fdashboard").file,
            "enroll/account/index.html"
        );
        assert_eq!(
            static_page("/verify-email/abc123", "").file,
            "verify-email/index.html"
        );
        assert_eq!(static_page("/nope", "").file, NOT_FOUND_FILE);
        assert_eq!(static_page("/enroll/nope", "").file, NOT_FOUND_FILE);
    }

    #[test]
    fn public_routes_are_the_ones_without_a_session() {
        let public: Vec<_> = Route::ALL.into_iter().filter(|r| r.public()).collect();
        assert_eq!(public, [Route::Welcome, Route::Account, Route::VerifyEmail]);
        assert!(Route::Users.in_dashboard() && !Route::Done.in_dashboard());
    }
}

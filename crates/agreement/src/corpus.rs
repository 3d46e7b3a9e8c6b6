//! A fixed corpus of awkward inputs and every shared rule's answer to each.
//! Used by `build.rs` (native) and by the crate (any target), so it depends
//! on nothing but `pc_api` and `std`.

use pc_api::validation as v;
use pc_api::{countries, CreateAccountRequest, LegalBusinessProfile, PrimaryContact};

/// Pieces the generated inputs are made of: what people type and paste,
/// and what breaks naive code (case mappings that change length, combining
/// marks, full-width forms, controls, bidi overrides, astral characters).
const PIECES: &[&str] = &[
    "a",
    "Z",
    "0",
    "9",
    "42",
    " ",
    "  ",
    "-",
    ".",
    "@",
    "+",
    "(",
    ")",
    "/",
    "_",
    "%",
    "\\",
    "'",
    "\t",
    "\n",
    "\r",
    "\0",
    "\u{7f}",
    "\u{a0}",
    "\u{3000}",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "contoso",
    "com",
    ".com",
    "mei",
    "@contoso.com",
    "@outlook.com",
    "xn--",
    "localhost",
    "98052",
    "M5V 3G5",
    "WC1N 3AX",
    "100-0001",
    "110",
    "+1 425 555 0100",
    "(425) 555-0100",
    "02-2345-6789",
    "０９１２",
    "１２３",
    "ＡＢＣ",
    "陳",
    "美玲",
    "台北市",
    "株式会社",
    "ß",
    "İ",
    "ı",
    "K",
    "Ω",
    "ﬁ",
    "e\u{301}",
    "\u{301}",
    "😀",
    "👩‍💻",
    "Ⅻ",
    "٣",
    "۴",
    "߀",
    "𝟘",
    "Straße",
    "Ǆ",
    "ǅ",
    "ΐ",
    "İstanbul",
    "Łódź",
    "O'Brien",
    "Anne-Marie",
    "password",
    "Password1!",
    "blue-kettle-71-orbit",
    "081466849",
    "08-146-6849",
    "1234567890",
];

const COUNTRIES: &[&str] = &[
    "US", "CA", "GB", "DE", "JP", "TW", "CN", "IN", "BR", "HK", "zz",
];

/// SplitMix64: the same numbers on every target.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every piece alone, then 2,000 strings of up to 24 pieces, and a few
/// long ones at and past the length limits.
pub fn inputs() -> Vec<String> {
    let mut out: Vec<String> = PIECES.iter().map(|p| p.to_string()).collect();
    out.push(String::new());
    let mut rng = Rng(0x05EE_D0FA_92EE);
    for _ in 0..2_000 {
        let n = rng.below(25);
        out.push((0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect());
    }
    for n in [63, 64, 65, 100, 101, 200, 201, 254, 255, 256, 1_000] {
        out.push("a".repeat(n));
        out.push("陳".repeat(n));
        out.push(format!("{}@contoso.com", "m".repeat(n)));
    }
    out
}

fn code<T: std::fmt::Debug>(r: Result<T, validator::ValidationError>) -> String {
    match r {
        Ok(v) => format!("ok {v:?}"),
        Err(e) => format!("err {}", e.code),
    }
}

/// Every rule's answer to `s`, as one line (Debug output escapes newlines).
pub fn answers(s: &str) -> String {
    let mut a: Vec<String> = vec![
        format!("{:?}", pc_api::normalize_duns(s)),
        code(v::email_syntax(s)),
        code(v::work_email(s)),
        code(v::company_domain(s)),
        code(v::person_name(s)),
        code(v::new_password(s)),
        code(v::required_secret(s)),
        format!("{:?}", v::is_common_password(s)),
        format!("{:?}", v::normalize_email(s)),
        format!("{:?}", v::normalize_domain(s)),
        format!("{:?}", v::is_domain(s)),
        format!("{:?}", v::email_matches_domain(s, "contoso.com")),
        format!("{:?}", v::password_identity(s, "mei@contoso.com")),
        format!("{:?}", pc_api::text::half_width_punctuation(s)),
        format!("{:?}", pc_api::documents::clean_name(s)),
        format!("{:?}", countries::normalize_postal(s)),
        format!("{:?}", countries::is_country(s)),
    ];
    for c in COUNTRIES {
        a.push(format!(
            "{c} {:?} {:?}",
            countries::postal_ok(c, s),
            countries::normalize_phone(c, s)
        ));
    }
    // `s` in each field of otherwise valid forms.
    let profile = LegalBusinessProfile {
        country: "US".into(),
        duns: None,
        legal_name: "Contoso Ltd.".into(),
        line1: "1 Contoso Way".into(),
        line2: String::new(),
        city: "Redmond".into(),
        state: "WA".into(),
        postal_code: "98052".into(),
    };
    for field in 0..8 {
        let mut p = profile.clone();
        let slot = match field {
            0 => &mut p.country,
            1 => p.duns.get_or_insert_with(String::new),
            2 => &mut p.legal_name,
            3 => &mut p.line1,
            4 => &mut p.line2,
            5 => &mut p.city,
            6 => &mut p.state,
            _ => &mut p.postal_code,
        };
        *slot = s.to_owned();
        a.push(format!("{:?} {:?}", p.check(), p.normalized()));
    }
    let contact = PrimaryContact {
        first_name: "Wei".into(),
        last_name: "Chen".into(),
        email: "wei@contoso.com".into(),
        phone: String::new(),
    };
    for field in 0..4 {
        let mut c = contact.clone();
        *[
            &mut c.first_name,
            &mut c.last_name,
            &mut c.email,
            &mut c.phone,
        ]
        .into_iter()
        .nth(field)
        .expect("four fields") = s.to_owned();
        for country in ["US", "TW"] {
            a.push(format!(
                "{:?} {:?}",
                c.check(country),
                c.normalized(country)
            ));
        }
        a.push(format!("{:?}", c.warnings("contoso.com")));
    }
    let account = CreateAccountRequest {
        company_domain: "contoso.com".into(),
        first_name: "Mei".into(),
        last_name: "Chen".into(),
        email: "mei@contoso.com".into(),
        password: "blue-kettle-71-orbit".into(),
    };
    for field in 0..5 {
        let mut r = account.clone();
        *[
            &mut r.company_domain,
            &mut r.first_name,
            &mut r.last_name,
            &mut r.email,
            &mut r.password,
        ]
        .into_iter()
        .nth(field)
        .expect("five fields") = s.to_owned();
        a.push(format!("{:?}", r.check()));
    }
    a.join(" | ")
}

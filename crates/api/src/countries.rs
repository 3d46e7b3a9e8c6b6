//! Per-country address and phone rules (SPEC §3): whether a state is
//! required and from which list, whether a postal code is required and its
//! formats, whether a phone is required and its calling code. Countries not
//! in the table get permissive defaults. No regex engine: postal formats are
//! small templates (`9` a digit, `A` a letter, anything else literal), so the
//! same check is cheap in the browser and on the server.

use serde::{Deserialize, Serialize};

pub use crate::countries_data::COUNTRIES;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StateKind {
    State,
    Province,
    Prefecture,
    Region,
}

pub struct Rules {
    pub code: &'static str,
    pub state_kind: StateKind,
    pub state_required: bool,
    pub states: &'static [(&'static str, &'static str)],
    pub postal_required: bool,
    /// Accepted formats; empty means any text up to 20 characters.
    pub postal_formats: &'static [&'static str],
    pub phone_required: bool,
    pub calling_code: &'static str,
    /// Digits of the national significant number, inclusive.
    pub phone_digits: (usize, usize),
}

/// What the API serves at `GET /api/v1/countries/{iso2}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryInfo {
    pub code: String,
    pub name: String,
    pub state_kind: StateKind,
    pub state_required: bool,
    pub states: Vec<StateOption>,
    pub postal_required: bool,
    /// Templates: `9` a digit, `A` a letter, other characters literal.
    pub postal_formats: Vec<String>,
    pub phone_required: bool,
    pub calling_code: String,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StateOption {
    pub code: String,
    pub name: String,
}

const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("AS", "American Samoa"),
    ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"),
    ("PR", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands"),
];

const CA_PROVINCES: &[(&str, &str)] = &[
    ("AB", "Alberta"),
    ("BC", "British Columbia"),
    ("MB", "Manitoba"),
    ("NB", "New Brunswick"),
    ("NL", "Newfoundland and Labrador"),
    ("NS", "Nova Scotia"),
    ("NT", "Northwest Territories"),
    ("NU", "Nunavut"),
    ("ON", "Ontario"),
    ("PE", "Prince Edward Island"),
    ("QC", "Quebec"),
    ("SK", "Saskatchewan"),
    ("YT", "Yukon"),
];

const AU_STATES: &[(&str, &str)] = &[
    ("ACT", "Australian Capital Territory"),
    ("NSW", "New South Wales"),
    ("NT", "Northern Territory"),
    ("QLD", "Queensland"),
    ("SA", "South Australia"),
    ("TAS", "Tasmania"),
    ("VIC", "Victoria"),
    ("WA", "Western Australia"),
];

const BR_STATES: &[(&str, &str)] = &[
    ("AC", "Acre"),
    ("AL", "Alagoas"),
    ("AP", "Amapá"),
    ("AM", "Amazonas"),
    ("BA", "Bahia"),
    ("CE", "Ceará"),
    ("DF", "Distrito Federal"),
    ("ES", "Espírito Santo"),
    ("GO", "Goiás"),
    ("MA", "Maranhão"),
    ("MT", "Mato Grosso"),
    ("MS", "Mato Grosso do Sul"),
    ("MG", "Minas Gerais"),
    ("PA", "Pará"),
    ("PB", "Paraíba"),
    ("PR", "Paraná"),
    ("PE", "Pernambuco"),
    ("PI", "Piauí"),
    ("RJ", "Rio de Janeiro"),
    ("RN", "Rio Grande do Norte"),
    ("RS", "Rio Grande do Sul"),
    ("RO", "Rondônia"),
    ("RR", "Roraima"),
    ("SC", "Santa Catarina"),
    ("SP", "São Paulo"),
    ("SE", "Sergipe"),
    ("TO", "Tocantins"),
];

const IN_STATES: &[(&str, &str)] = &[
    ("AN", "Andaman and Nicobar Islands"),
    ("AP", "Andhra Pradesh"),
    ("AR", "Arunachal Pradesh"),
    ("AS", "Assam"),
    ("BR", "Bihar"),
    ("CH", "Chandigarh"),
    ("CT", "Chhattisgarh"),
    ("DH", "Dadra and Nagar Haveli and Daman and Diu"),
    ("DL", "Delhi"),
    ("GA", "Goa"),
    ("GJ", "Gujarat"),
    ("HR", "Haryana"),
    ("HP", "Himachal Pradesh"),
    ("JK", "Jammu and Kashmir"),
    ("JH", "Jharkhand"),
    ("KA", "Karnataka"),
    ("KL", "Kerala"),
    ("LA", "Ladakh"),
    ("LD", "Lakshadweep"),
    ("MP", "Madhya Pradesh"),
    ("MH", "Maharashtra"),
    ("MN", "Manipur"),
    ("ML", "Meghalaya"),
    ("MZ", "Mizoram"),
    ("NL", "Nagaland"),
    ("OR", "Odisha"),
    ("PY", "Puducherry"),
    ("PB", "Punjab"),
    ("RJ", "Rajasthan"),
    ("SK", "Sikkim"),
    ("TN", "Tamil Nadu"),
    ("TG", "Telangana"),
    ("TR", "Tripura"),
    ("UP", "Uttar Pradesh"),
    ("UT", "Uttarakhand"),
    ("WB", "West Bengal"),
];

const CN_PROVINCES: &[(&str, &str)] = &[
    ("AH", "Anhui 安徽"),
    ("BJ", "Beijing 北京"),
    ("CQ", "Chongqing 重庆"),
    ("FJ", "Fujian 福建"),
    ("GS", "Gansu 甘肃"),
    ("GD", "Guangdong 广东"),
    ("GX", "Guangxi 广西"),
    ("GZ", "Guizhou 贵州"),
    ("HI", "Hainan 海南"),
    ("HE", "Hebei 河北"),
    ("HL", "Heilongjiang 黑龙江"),
    ("HA", "Henan 河南"),
    ("HB", "Hubei 湖北"),
    ("HN", "Hunan 湖南"),
    ("JS", "Jiangsu 江苏"),
    ("JX", "Jiangxi 江西"),
    ("JL", "Jilin 吉林"),
    ("LN", "Liaoning 辽宁"),
    ("NM", "Inner Mongolia 内蒙古"),
    ("NX", "Ningxia 宁夏"),
    ("QH", "Qinghai 青海"),
    ("SN", "Shaanxi 陕西"),
    ("SD", "Shandong 山东"),
    ("SH", "Shanghai 上海"),
    ("SX", "Shanxi 山西"),
    ("SC", "Sichuan 四川"),
    ("TJ", "Tianjin 天津"),
    ("XZ", "Tibet 西藏"),
    ("XJ", "Xinjiang 新疆"),
    ("YN", "Yunnan 云南"),
    ("ZJ", "Zhejiang 浙江"),
];

const JP_PREFECTURES: &[(&str, &str)] = &[
    ("01", "Hokkaido 北海道"),
    ("02", "Aomori 青森県"),
    ("03", "Iwate 岩手県"),
    ("04", "Miyagi 宮城県"),
    ("05", "Akita 秋田県"),
    ("06", "Yamagata 山形県"),
    ("07", "Fukushima 福島県"),
    ("08", "Ibaraki 茨城県"),
    ("09", "Tochigi 栃木県"),
    ("10", "Gunma 群馬県"),
    ("11", "Saitama 埼玉県"),
    ("12", "Chiba 千葉県"),
    ("13", "Tokyo 東京都"),
    ("14", "Kanagawa 神奈川県"),
    ("15", "Niigata 新潟県"),
    ("16", "Toyama 富山県"),
    ("17", "Ishikawa 石川県"),
    ("18", "Fukui 福井県"),
    ("19", "Yamanashi 山梨県"),
    ("20", "Nagano 長野県"),
    ("21", "Gifu 岐阜県"),
    ("22", "Shizuoka 静岡県"),
    ("23", "Aichi 愛知県"),
    ("24", "Mie 三重県"),
    ("25", "Shiga 滋賀県"),
    ("26", "Kyoto 京都府"),
    ("27", "Osaka 大阪府"),
    ("28", "Hyogo 兵庫県"),
    ("29", "Nara 奈良県"),
    ("30", "Wakayama 和歌山県"),
    ("31", "Tottori 鳥取県"),
    ("32", "Shimane 島根県"),
    ("33", "Okayama 岡山県"),
    ("34", "Hiroshima 広島県"),
    ("35", "Yamaguchi 山口県"),
    ("36", "Tokushima 徳島県"),
    ("37", "Kagawa 香川県"),
    ("38", "Ehime 愛媛県"),
    ("39", "Kochi 高知県"),
    ("40", "Fukuoka 福岡県"),
    ("41", "Saga 佐賀県"),
    ("42", "Nagasaki 長崎県"),
    ("43", "Kumamoto 熊本県"),
    ("44", "Oita 大分県"),
    ("45", "Miyazaki 宮崎県"),
    ("46", "Kagoshima 鹿児島県"),
    ("47", "Okinawa 沖縄県"),
];

const NONE: &[(&str, &str)] = &[];

macro_rules! rules {
    ($code:literal, $kind:ident, $sreq:literal, $states:expr, $preq:literal, $formats:expr, $phreq:literal, $cc:literal, $min:literal, $max:literal) => {
        Rules {
            code: $code,
            state_kind: StateKind::$kind,
            state_required: $sreq,
            states: $states,
            postal_required: $preq,
            postal_formats: $formats,
            phone_required: $phreq,
            calling_code: $cc,
            phone_digits: ($min, $max),
        }
    };
}

/// The countries with specific rules.
pub const RULES: &[Rules] = &[
    rules!(
        "AU",
        State,
        true,
        AU_STATES,
        true,
        &["9999"],
        false,
        "61",
        9,
        9
    ),
    rules!(
        "BR",
        State,
        true,
        BR_STATES,
        true,
        &["99999-999", "99999999"],
        true,
        "55",
        10,
        11
    ),
    rules!(
        "CA",
        Province,
        true,
        CA_PROVINCES,
        true,
        &["A9A 9A9", "A9A9A9"],
        false,
        "1",
        10,
        10
    ),
    rules!(
        "CN",
        Province,
        true,
        CN_PROVINCES,
        true,
        &["999999"],
        true,
        "86",
        10,
        11
    ),
    rules!(
        "DE",
        State,
        false,
        NONE,
        true,
        &["99999"],
        false,
        "49",
        6,
        13
    ),
    rules!(
        "FR",
        Region,
        false,
        NONE,
        true,
        &["99999"],
        false,
        "33",
        9,
        9
    ),
    rules!(
        "GB",
        Region,
        false,
        NONE,
        true,
        &[
            "A9 9AA", "A99 9AA", "AA9 9AA", "AA99 9AA", "A9A 9AA", "AA9A 9AA", "A99AA", "A999AA",
            "AA99AA", "AA999AA", "A9A9AA", "AA9A9AA"
        ],
        false,
        "44",
        9,
        10
    ),
    rules!("HK", Region, false, NONE, false, &[], true, "852", 8, 8),
    rules!(
        "IN",
        State,
        true,
        IN_STATES,
        true,
        &["999999", "999 999"],
        true,
        "91",
        10,
        10
    ),
    rules!(
        "JP",
        Prefecture,
        true,
        JP_PREFECTURES,
        true,
        &["999-9999", "9999999"],
        true,
        "81",
        9,
        10
    ),
    rules!(
        "NL",
        Province,
        false,
        NONE,
        true,
        &["9999 AA", "9999AA"],
        false,
        "31",
        9,
        9
    ),
    rules!(
        "SG",
        Region,
        false,
        NONE,
        true,
        &["999999"],
        true,
        "65",
        8,
        8
    ),
    rules!(
        "TW",
        Region,
        false,
        NONE,
        true,
        &["999", "99999", "999999"],
        false,
        "886",
        8,
        9
    ),
    rules!(
        "US",
        State,
        true,
        US_STATES,
        true,
        &["99999", "99999-9999"],
        false,
        "1",
        10,
        10
    ),
];

/// Permissive defaults for countries without a row.
const DEFAULT: Rules = rules!("", Region, false, NONE, false, &[], false, "", 4, 14);

pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES
        .binary_search_by(|(c, _)| (*c).cmp(code))
        .ok()
        .map(|i| COUNTRIES[i].1)
}

pub fn is_country(code: &str) -> bool {
    country_name(code).is_some()
}

/// The rules for an ISO 3166-1 alpha-2 code (upper case).
pub fn rules(code: &str) -> &'static Rules {
    RULES.iter().find(|r| r.code == code).unwrap_or(&DEFAULT)
}

pub fn info(code: &str) -> Option<CountryInfo> {
    let code = code.trim().to_ascii_uppercase();
    let name = country_name(&code)?;
    let r = rules(&code);
    Some(CountryInfo {
        code: code.clone(),
        name: name.to_owned(),
        state_kind: r.state_kind,
        state_required: r.state_required,
        states: r
            .states
            .iter()
            .map(|(c, n)| StateOption {
                code: (*c).to_owned(),
                name: (*n).to_owned(),
            })
            .collect(),
        postal_required: r.postal_required,
        postal_formats: r.postal_formats.iter().map(|s| (*s).to_owned()).collect(),
        phone_required: r.phone_required,
        calling_code: r.calling_code.to_owned(),
    })
}

fn matches_template(value: &str, template: &str) -> bool {
    value.chars().count() == template.chars().count()
        && value.chars().zip(template.chars()).all(|(v, t)| match t {
            '9' => v.is_ascii_digit(),
            'A' => v.is_ascii_alphabetic(),
            other => v == other,
        })
}

pub fn normalize_postal(value: &str) -> String {
    value
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_uppercase()
}

/// Whether a (normalised) postal code fits the country's formats.
pub fn postal_ok(country: &str, value: &str) -> bool {
    let r = rules(country);
    if r.postal_formats.is_empty() {
        return value.chars().count() <= 20;
    }
    r.postal_formats.iter().any(|t| matches_template(value, t))
}

/// E.164 form of a phone number typed for `country`, or `None` when it
/// cannot be one. Spaces, dashes, dots and brackets are ignored; a national
/// number may keep its leading trunk `0`.
pub fn normalize_phone(country: &str, value: &str) -> Option<String> {
    let v = value.trim();
    let plus = v.starts_with('+') || v.starts_with("00");
    let cleaned: String = v
        .trim_start_matches('+')
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{3000}'))
        .collect();
    if cleaned.is_empty() || !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let r = rules(country);
    let digits = if plus {
        cleaned.strip_prefix("00").unwrap_or(&cleaned).to_owned()
    } else if r.calling_code.is_empty() {
        return None;
    } else {
        let national = cleaned.strip_prefix('0').unwrap_or(&cleaned);
        format!("{}{national}", r.calling_code)
    };
    if !(8..=15).contains(&digits.len()) {
        return None;
    }
    // A number in the country's own plan must have its national length.
    if !r.calling_code.is_empty() {
        if let Some(national) = digits.strip_prefix(r.calling_code) {
            let (min, max) = r.phone_digits;
            if !(min..=max).contains(&national.len()) {
                return None;
            }
        }
    }
    Some(format!("+{digits}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_country_list_is_sorted_complete_and_every_rule_has_a_country() {
        assert_eq!(COUNTRIES.len(), 249);
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        for r in RULES {
            assert!(is_country(r.code), "{}", r.code);
            if r.state_required {
                assert!(
                    !r.states.is_empty(),
                    "{} requires a state but lists none",
                    r.code
                );
            }
        }
        let named = [
            "US", "CA", "GB", "DE", "FR", "NL", "IN", "JP", "CN", "TW", "HK", "SG", "AU", "BR",
        ];
        for c in named {
            assert!(RULES.iter().any(|r| r.code == c), "{c} has no rules");
        }
    }

    #[test]
    fn postal_codes_follow_the_country() {
        assert!(postal_ok("US", "98052"));
        assert!(postal_ok("US", "98052-6399"));
        assert!(!postal_ok("US", "9805"));
        assert!(postal_ok("CA", &normalize_postal("k1a 0b1")));
        assert!(!postal_ok("CA", "12345"));
        assert!(postal_ok("GB", &normalize_postal("sw1a 1aa")));
        assert!(postal_ok("GB", "EC1A 1BB"));
        assert!(!postal_ok("GB", "12345"));
        assert!(postal_ok("DE", "10115"));
        assert!(!postal_ok("DE", "1011"));
        assert!(postal_ok("TW", "110"));
        assert!(postal_ok("TW", "11049"));
        assert!(postal_ok("TW", "110208"));
        assert!(!postal_ok("TW", "1100"));
        assert!(postal_ok("JP", "100-0005"));
        assert!(postal_ok("NL", "1012 AB"));
        assert!(postal_ok("BR", "01310-100"));
        assert!(postal_ok("HK", ""));
        // Unlisted countries take anything short.
        assert!(postal_ok("KE", "00100"));
        assert!(postal_ok("KE", "anything"));
    }

    #[test]
    fn phones_normalise_to_e164() {
        assert_eq!(
            normalize_phone("US", "(425) 555-0100").as_deref(),
            Some("+14255550100")
        );
        assert_eq!(
            normalize_phone("TW", "02 2345 6789").as_deref(),
            Some("+886223456789")
        );
        assert_eq!(
            normalize_phone("TW", "0912-345-678").as_deref(),
            Some("+886912345678")
        );
        assert_eq!(
            normalize_phone("GB", "+44 20 7946 0958").as_deref(),
            Some("+442079460958")
        );
        assert_eq!(
            normalize_phone("DE", "0049 30 1234567").as_deref(),
            Some("+49301234567")
        );
        assert_eq!(normalize_phone("US", "555-0100"), None);
        assert_eq!(normalize_phone("US", "call me"), None);
        assert_eq!(
            normalize_phone("KE", "+254 20 1234567").as_deref(),
            Some("+254201234567")
        );
        // Without a calling code the number must be international.
        assert_eq!(normalize_phone("KE", "020 1234567"), None);
    }

    #[test]
    fn info_is_served_for_any_country_case_insensitively() {
        let us = info("us").unwrap();
        assert!(us.state_required && us.states.iter().any(|s| s.code == "WA"));
        assert_eq!(us.calling_code, "1");
        let ke = info("KE").unwrap();
        assert!(!ke.state_required && !ke.postal_required && ke.postal_formats.is_empty());
        assert!(info("XX").is_none());
    }
}

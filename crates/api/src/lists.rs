//! Reference lists behind the rules: consumer mailbox providers, sign-in-only
//! domains and common passwords. Lower case throughout.

/// Mailbox domains offered to the public, not to one company.
pub const CONSUMER_DOMAINS: &[&str] = &[
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com",
    "passport.com", "yahoo.com", "ymail.com", "rocketmail.com", "icloud.com", "me.com",
    "mac.com", "aol.com", "aim.com", "protonmail.com", "proton.me", "pm.me", "tutanota.com",
    "tuta.io", "gmx.com", "gmx.net", "gmx.de", "web.de", "t-online.de", "mail.com",
    "email.com", "yandex.com", "yandex.ru", "mail.ru", "inbox.ru", "bk.ru", "list.ru",
    "zoho.com", "zohomail.com", "fastmail.com", "hushmail.com", "qq.com", "foxmail.com",
    "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "aliyun.com",
    "139.com", "189.cn", "msa.hinet.net", "seed.net.tw", "pchome.com.tw", "naver.com",
    "daum.net", "hanmail.net", "rediffmail.com", "laposte.net", "orange.fr", "free.fr",
    "wanadoo.fr", "sfr.fr", "libero.it", "virgilio.it", "btinternet.com", "sky.com",
    "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bigpond.com", "optusnet.com.au",
    "uol.com.br", "bol.com.br", "terra.com.br", "docomo.ne.jp", "ezweb.ne.jp",
    "softbank.ne.jp", "nifty.com", "netvigator.com", "singnet.com.sg",
];

/// Providers with one consumer domain per country: `brand.tld` or
/// `brand.co.tld` (hotmail.fr, yahoo.com.tw, outlook.jp …).
pub const CONSUMER_BRANDS: &[&str] = &[
    "gmail", "hotmail", "outlook", "live", "yahoo", "ymail", "gmx", "yandex", "aol",
];

/// Domains that can sign in but are not a company's own, written with the
/// leading dot: `contoso.onmicrosoft.com` and `onmicrosoft.com` both match.
pub const SIGN_IN_ONLY_SUFFIXES: &[&str] = &[
    ".onmicrosoft.com",
    ".onmicrosoft.de",
    ".onmicrosoft.us",
    ".onmschina.cn",
    ".partner.onmschina.cn",
];

/// Whole passwords seen most often in breach corpora, kept to those of the
/// minimum length or longer (shorter ones fail the length rule anyway).
pub const COMMON_PASSWORDS: &[&str] = &[
    "123456789012", "1234567890123", "12345678901234", "123456123456", "111111111111",
    "000000000000", "123123123123", "121212121212", "112233445566", "987654321098",
    "qwertyuiop12", "qwertyuiop123", "qwerty123456", "qwerty1234567", "1q2w3e4r5t6y",
    "1qaz2wsx3edc", "zaq12wsxcde3", "qazwsxedcrfv", "asdfghjkl123", "zxcvbnm12345",
    "password1234", "password12345", "passwordpassword", "iloveyou1234", "abcd1234abcd",
    "abc123abc123", "abcdefghijkl", "letmein12345", "welcome12345", "changeme1234",
    "administrator", "administrator1", "adminadmin123", "football1234", "baseball1234",
    "superman1234", "princess1234", "sunshine1234", "trustno1trustno1", "starwars1234",
    "whatever1234", "monkey123456", "dragon123456", "michael12345", "jennifer1234",
    "computer1234", "internet1234", "corvette1234", "mercedes1234", "liverpool123",
    "chelsea12345", "arsenal12345", "pokemon12345", "samsung12345", "microsoft123",
    "microsoft1234", "partnercenter", "partnercenter1", "office365office", "windows12345",
    "tinkle123456", "wo123456789", "woaini1314520", "woaini123456", "aa123456789a",
    "a123456789012", "zhang123456", "asd123456789", "qwe123456789", "1234qwer1234",
];

/// Words that, padded with digits or symbols only, make a common password.
pub const COMMON_PASSWORD_WORDS: &[&str] = &[
    "password", "passw", "passwd", "pass", "p@ssword", "p@ssw0rd", "passw0rd", "pa$$word",
    "qwerty", "qwertyuiop", "asdfgh", "zxcvbnm", "letmein", "welcome", "admin", "administrator",
    "iloveyou", "monkey", "dragon", "sunshine", "football", "baseball", "soccer", "princess",
    "starwars", "whatever", "trustno", "superman", "batman", "michael", "shadow", "master",
    "abc", "abcd", "abcdef", "changeme", "default", "microsoft", "partner", "partnercenter",
    "summer", "winter", "spring", "autumn", "company", "secret", "login", "hello", "freedom",
    "computer", "internet", "office", "windows", "google", "apple", "azure", "test", "guest",
    "user", "root", "love", "god", "jesus", "charlie", "jordan", "hunter", "ranger", "buster",
    "thomas", "robert", "daniel", "andrew", "jessica", "ashley", "nicole", "killer", "cheese",
    "pokemon", "naruto", "liverpool", "chelsea", "arsenal", "taiwan", "taipei", "china",
    "woaini", "qazwsx", "zaq", "asd", "qwe", "aaa", "xxx",
];

/// Keyboard and number runs; a password that is mostly one of them is common.
pub const KEYBOARD_RUNS: &[&str] = &[
    "1234567890", "0987654321", "qwertyuiop", "asdfghjkl", "zxcvbnm", "1q2w3e4r5t",
    "abcdefghij", "qazwsxedc",
];

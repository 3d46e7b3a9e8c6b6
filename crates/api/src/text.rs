//! Conventions of the texts themselves, checked by both catalogs' tests.

fn is_han(ch: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&ch) || ('\u{3400}'..='\u{4dbf}').contains(&ch)
}

/// Traditional Chinese for Taiwan takes full-width punctuation: the first
/// half-width `, . : ; ? ! ( )` written against a Han character in `s`,
/// with that neighbour, or `None`.
pub fn half_width_punctuation(s: &str) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    chars.windows(2).find_map(|w| {
        let bad = |c: char| ",.:;?!()".contains(c);
        ((is_han(w[0]) && bad(w[1])) || (bad(w[0]) && is_han(w[1]))).then(|| w.iter().collect())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_punctuation_beside_chinese_is_found() {
        assert_eq!(half_width_punctuation("請再試一次。"), None);
        assert_eq!(half_width_punctuation("例如 +886 2 2345 6789。"), None);
        assert_eq!(half_width_punctuation("請再試一次."), Some("次.".into()));
        assert_eq!(half_width_punctuation("(選填)"), Some("(選".into()));
        assert_eq!(half_width_punctuation("Try again, later."), None);
    }
}

//! Masking: what every output shows of a personal value unless the user asks for more.
//!
//! Each function takes the value as the validator normalized it (or the raw input when
//! it could not be normalized) and reveals only a bounded number of characters, fewer
//! for short values, so that a mistyped or partial value is not shown either.

/// The character that stands for a hidden one.
pub const MASK: char = '*';

/// A personal value kept by a check result: usable like a `String`, but `{:?}` shows only
/// its length, so logging a result with `{:?}` cannot leak it.
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct Sensitive(pub String);

impl std::ops::Deref for Sensitive {
    type Target = String;

    fn deref(&self) -> &String {
        &self.0
    }
}

impl From<String> for Sensitive {
    fn from(s: String) -> Sensitive {
        Sensitive(s)
    }
}

impl std::fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "<{} characters hidden>", self.0.chars().count())
    }
}

fn mask_chars(chars: &[char], head: usize, tail: usize) -> String {
    let n = chars.len();
    let head = head.min(n);
    let tail = tail.min(n - head);
    let mut out = String::with_capacity(n);
    out.extend(&chars[..head]);
    out.extend(std::iter::repeat_n(MASK, n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// A card number: at most the first 6 and the last 4 digits, and always at least 6
/// characters hidden (`6222021234567890128` → `622202*********0128`).
pub fn card(number: &str) -> String {
    let chars: Vec<char> = number.chars().filter(|c| !c.is_whitespace()).collect();
    let budget = chars.len().saturating_sub(6).min(10);
    let tail = budget.min(4);
    mask_chars(&chars, budget - tail, tail)
}

/// A phone number's digits: the first 3 and last 4 of an 11-digit number
/// (`13800138000` → `138****8000`), at least 4 hidden. A leading `+` and country code,
/// when given separately, stay visible: see [`e164`].
pub fn phone(national: &str) -> String {
    let mut out = String::with_capacity(national.len());
    push_phone(&mut out, national);
    out
}

/// [`phone`], written at the end of `out` (no copy of the characters first: this runs for
/// every phone number of every output).
fn push_phone(out: &mut String, national: &str) {
    let ascii = national.is_ascii();
    let n = if ascii {
        national.len()
    } else {
        national.chars().count()
    };
    let hidden = 4.max(n.saturating_sub(7));
    let budget = n.saturating_sub(hidden);
    let tail = budget.div_ceil(2).min(4);
    let head = budget - tail;
    if ascii {
        // Characters are bytes: the shown ends are copied whole (a number's digits always
        // are ASCII by now; this runs for every phone number of every output).
        out.push_str(&national[..head]);
        out.extend(std::iter::repeat_n(MASK, n - tail - head));
        out.push_str(&national[n - tail..]);
    } else {
        out.extend(
            national
                .chars()
                .enumerate()
                .map(|(i, c)| if i < head || i >= n - tail { c } else { MASK }),
        );
    }
}

/// An E.164 number with its country code visible: `+8613800138000` → `+86138****8000`.
pub fn e164(country_code: u16, national: &str) -> String {
    let mut out = String::with_capacity(6 + national.len());
    out.push('+');
    push_decimal(&mut out, country_code);
    push_phone(&mut out, national);
    out
}

/// `n` in decimal at the end of `out`, without the formatting machinery (a country code is
/// written into every phone number shown).
pub(crate) fn push_decimal(out: &mut String, n: u16) {
    let mut digits = [0u8; 5];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// An email address: the first character of the local part when it is longer than two,
/// then `***`, then the domain when it is a plausible host name (`zhang@qq.com` →
/// `z***@qq.com`), else `***` for it too (`a@6222021234567890128` → `***@***`): see
/// [`domain`]. Without an `@`, everything is hidden.
pub fn email(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, host)) => {
            let host = domain(host);
            let mut out = String::with_capacity(4 + 4 + host.len());
            // The first character, when the local part has more than two.
            let mut chars = local.chars();
            if let (Some(first), Some(_)) = (chars.next(), local.chars().nth(2)) {
                out.push(first);
            }
            out.push_str("***@");
            out.push_str(&host);
            out
        }
        None => "***".to_owned(),
    }
}

/// The longest run of digits a shown domain may have, counting digits with only
/// punctuation or spaces between them (dots included) as one run: `163.com` and `139.com`
/// stay, a card or phone number typed as a domain does not.
const MAX_DOMAIN_DIGIT_RUN: usize = 4;

/// Whether `domain` looks like a host name that is safe to show: not an IP literal, its
/// last label has a letter, and it has no run of five or more digits (digits with only
/// punctuation or spaces between them count as one run). Anything else may be a number
/// typed into the wrong field.
pub fn is_plausible_host(domain: &str) -> bool {
    if domain.is_empty() {
        return true;
    }
    if domain.starts_with('[') || !host_shaped(domain) {
        return false;
    }
    // A punycode label can spell digits of other scripts: judge its Unicode form too.
    let punycode = domain
        .split('.')
        .any(|l| l.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("xn--")));
    !punycode || host_shaped(&idna::domain_to_unicode(domain).0)
}

/// The last label has a letter, and no run of digits is longer than
/// [`MAX_DOMAIN_DIGIT_RUN`] (letters end a run, anything else does not).
fn host_shaped(domain: &str) -> bool {
    let tld = domain.rsplit('.').next().unwrap_or_default();
    if !tld.chars().any(char::is_alphabetic) {
        return false;
    }
    let mut run = 0;
    for c in domain.chars() {
        if c.is_numeric() {
            run += 1;
            if run > MAX_DOMAIN_DIGIT_RUN {
                return false;
            }
        } else if c.is_alphanumeric() {
            run = 0;
        }
    }
    true
}

/// An email domain as outputs show it: in full when it is a plausible host name (see
/// [`is_plausible_host`]), else `***`.
pub fn domain(domain: &str) -> std::borrow::Cow<'_, str> {
    if is_plausible_host(domain) {
        domain.into()
    } else {
        MASK.to_string().repeat(3).into()
    }
}

/// A resident ID number: the first 3 and last 4 of 18 (`110105199001011234` →
/// `110***********1234`), at least 8 hidden.
pub fn id_number(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let budget = chars.len().saturating_sub(8).min(7);
    let tail = budget.min(4);
    mask_chars(&chars, budget - tail, tail)
}

/// A person's name: the first character, the rest hidden (`张三丰` → `张**`,
/// `Li Lei` → `L*****`).
pub fn name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    mask_chars(&chars, usize::from(chars.len() > 1), 0)
}

/// A card security code: never shown, only its length.
pub fn cvv(code: &str) -> String {
    MASK.to_string().repeat(code.chars().count().clamp(1, 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`phone`] by its definition: every character counted, the first and last kept.
    fn phone_by_definition(national: &str) -> String {
        let chars: Vec<char> = national.chars().collect();
        let n = chars.len();
        let hidden = 4.max(n.saturating_sub(7));
        let budget = n.saturating_sub(hidden);
        let tail = budget.div_ceil(2).min(4);
        mask_chars(&chars, budget - tail, tail)
    }

    /// [`email`] by its definition, as it was first written.
    fn email_by_definition(address: &str) -> String {
        match address.rsplit_once('@') {
            Some((local, host)) => {
                let first = match (local.chars().next(), local.chars().count()) {
                    (Some(c), n) if n > 2 => c.to_string(),
                    _ => String::new(),
                };
                format!("{first}***@{}", domain(host))
            }
            None => "***".to_owned(),
        }
    }

    proptest::proptest! {
        /// Emails are masked as by the definition: local parts of every length and script,
        /// domains plausible or not.
        #[test]
        fn emails_are_masked_as_defined(address in "\\PC{0,6}@?[a-z0-9.\u{4e00}-\u{4e10}-]{0,12}|\\PC{0,20}") {
            proptest::prop_assert_eq!(email(&address), email_by_definition(&address));
        }

        /// Phones (and an E.164 number's national part) are masked as by the definition,
        /// whatever their characters: digits, separators, other scripts.
        #[test]
        fn phones_are_masked_as_defined(national in "[0-9 ()+-]{0,24}|\\PC{0,24}", cc in 0u16..=u16::MAX) {
            proptest::prop_assert_eq!(phone(&national), phone_by_definition(&national));
            proptest::prop_assert_eq!(e164(cc, &national), format!("+{cc}{}", phone_by_definition(&national)));
        }
    }

    #[test]
    fn debug_output_hides_sensitive_values() {
        let s = Sensitive("6222021234567890128".to_owned());
        assert_eq!(format!("{s:?}"), "<19 characters hidden>");
        assert_eq!(s.len(), 19);
    }

    #[test]
    fn card_shows_at_most_six_and_four() {
        assert_eq!(card("6222021234567890128"), "622202*********0128");
        assert_eq!(card("4111111111111111"), "411111******1111");
        assert_eq!(card("378282246310005"), "37828******0005");
        assert_eq!(card("4111"), "****");
        assert_eq!(card(""), "");
    }

    #[test]
    fn phone_shows_three_and_four() {
        assert_eq!(phone("13800138000"), "138****8000");
        assert_eq!(e164(86, "13800138000"), "+86138****8000");
        assert_eq!(phone("51234567"), "51****67");
        assert_eq!(phone("1234"), "****");
    }

    #[test]
    fn email_keeps_the_domain() {
        assert_eq!(email("zhang@qq.com"), "z***@qq.com");
        assert_eq!(email("ab@qq.com"), "***@qq.com");
        assert_eq!(email("no-at-sign"), "***");
    }

    #[test]
    fn email_hides_a_domain_that_is_no_host_name() {
        assert_eq!(email("a@6222021234567890128"), "***@***");
        assert_eq!(email("zhang@13800138000.com"), "z***@***");
        assert_eq!(email("zhang@1380.0138.000.com"), "z***@***");
        assert_eq!(email("zhang@qq.12345"), "z***@***");
        assert_eq!(email("zhang@192.168.1.1"), "z***@***");
        assert_eq!(email("zhang@[192.0.2.1]"), "z***@***");
        assert_eq!(email("zhang@mail.１２３４５６７.cn"), "z***@***");
        assert_eq!(email("zhang@163.com"), "z***@163.com");
        assert_eq!(email("zhang@vip.163.com"), "z***@vip.163.com");
        assert_eq!(email("zhang@a1b2c3d4e5f6.com"), "z***@a1b2c3d4e5f6.com");
        assert_eq!(email("zhang@例子.中国"), "z***@例子.中国");
        assert_eq!(email("zhang@"), "z***@");
        // Arabic-Indic digits, in Unicode and in punycode.
        let arabic = "\u{0645}\u{062B}\u{0627}\u{0644}\u{0666}\u{0662}\u{0662}\u{0662}\u{0660}\u{0662}\u{0661}";
        let ascii = idna::domain_to_ascii(&format!("{arabic}.com")).unwrap();
        assert!(ascii.starts_with("xn--"), "{ascii}");
        assert_eq!(email(&format!("zhang@{ascii}")), "z***@***");
        assert_eq!(email(&format!("zhang@{arabic}.com")), "z***@***");
    }

    #[test]
    fn id_and_name() {
        assert_eq!(id_number("11010519491231002X"), "110***********002X");
        assert_eq!(id_number("1234567"), "*******");
        assert_eq!(name("张三丰"), "张**");
        assert_eq!(name("张"), "*");
        assert_eq!(cvv("123"), "***");
    }
}

//! Email addresses that must receive a verification email: RFC syntax (crate
//! `email_address`) plus a practical policy, and typo suggestions for common providers.
//!
//! The syntax crate alone accepts single-label domains, numeric top-level domains, `_` in
//! domains, zero-width characters and addresses over 254 characters; the checks here
//! reject those.

use email_address::EmailAddress;
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};
use serde::Serialize;

use super::finding::{Field, Finding};
use super::{idna2008, mask, text, Code};

/// What an email policy allows. The default is strict: dot-atom local parts and domain
/// names only.
#[derive(Clone, Debug, Default)]
pub struct EmailPolicy {
    /// Accept `"quoted local parts"@example.org`.
    pub allow_quoted_local: bool,
    /// Accept `user@[192.0.2.1]` domain literals.
    pub allow_ip_literal: bool,
}

/// The result of checking an email address.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct EmailCheck {
    pub valid: bool,
    /// The domain in ASCII (punycode) form, lowercased, when it could be normalized.
    pub domain_ascii: Option<String>,
    /// The domain in Unicode form, when it could be normalized.
    pub domain_unicode: Option<String>,
    /// A likely intended domain, when this one looks like a typo of a common provider.
    pub suggestion: Option<String>,
    #[serde(skip)]
    normalized: mask::Sensitive,
    pub findings: Vec<Finding>,
}

impl EmailCheck {
    /// What outputs show: `z***@qq.com`.
    pub fn masked(&self) -> String {
        mask::email(&self.normalized)
    }

    /// The normalized address (ASCII domain when known), unmasked: only for `--unmasked`.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// Mail providers people most often mistype, in the order ties are broken.
const PROVIDERS: [&str; 40] = [
    "qq.com",
    "163.com",
    "126.com",
    "gmail.com",
    "hotmail.com",
    "outlook.com",
    "yahoo.com",
    "foxmail.com",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "aliyun.com",
    "139.com",
    "189.cn",
    "yeah.net",
    "188.com",
    "vip.qq.com",
    "vip.163.com",
    "vip.sina.com",
    "tom.com",
    "wo.cn",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "mail.com",
    "gmx.com",
    "yandex.com",
    "mail.ru",
    "naver.com",
    "hanmail.net",
    "yahoo.co.jp",
    "hotmail.co.uk",
    "outlook.jp",
    "googlemail.com",
    "live.cn",
    "hotmail.fr",
];

/// Misspelt top-level domains with their likely intent.
const TLD_TYPOS: [(&str, &str); 12] = [
    ("con", "com"),
    ("cmo", "com"),
    ("comm", "com"),
    ("cpm", "com"),
    ("vom", "com"),
    ("xom", "com"),
    ("ocm", "com"),
    ("cim", "com"),
    ("coom", "com"),
    ("nte", "net"),
    ("nett", "net"),
    ("ent", "net"),
];

/// Top-level names reserved for special use (RFC 6761, RFC 7686, RFC 6762, RFC 8375),
/// which never receive mail from the internet.
const SPECIAL_TLDS: [&str; 7] = ["localhost", "local", "test", "invalid", "onion", "arpa", "example"];
/// Second-level names reserved for documentation (RFC 2606), which publish a null MX.
const SPECIAL_DOMAINS: [&str; 3] = ["example.com", "example.net", "example.org"];

/// Checks an email address under `policy`.
pub fn validate_email(input: &str, policy: &EmailPolicy) -> EmailCheck {
    let mut check = EmailCheck {
        valid: false,
        domain_ascii: None,
        domain_unicode: None,
        suggestion: None,
        normalized: mask::Sensitive::default(),
        findings: Vec::new(),
    };
    // Full-width letters, digits, ＠ and the ideographic full stops become ASCII.
    let folded: std::borrow::Cow<'_, str> = if input.is_ascii() {
        input.into()
    } else {
        input.chars().map(text::fold_width).collect::<String>().into()
    };
    let s = folded.trim_matches(text::is_space);
    check.normalized = s.to_owned().into();
    let (local, domain) = match split_address(s) {
        Ok(parts) => parts,
        Err(code) => {
            check.findings.push(finding(code));
            return check;
        }
    };
    if let Some(code) = local_part_code(local, policy) {
        check.findings.push(finding(code));
    }
    check_domain(&mut check, local, domain, policy);
    if check.findings.is_empty() && check.normalized.len() > 254 {
        check.findings.push(finding(Code::EmailTooLong));
    }
    check.valid = !check.findings.iter().any(|f| f.severity == super::Severity::Error);
    check
}

/// An email finding with `code`.
fn finding(code: Code) -> Finding {
    Finding::new(Field::Email, code)
}

/// The local part and the domain of an address shaped like one, or the code that says why
/// it is not: empty, invisible or control characters, a display name, spaces, no `@`, or
/// an empty side.
fn split_address(s: &str) -> Result<(&str, &str), Code> {
    if s.is_empty() {
        return Err(Code::EmailEmpty);
    }
    if s.chars().any(|c| text::is_invisible(c) || c.is_control()) {
        return Err(Code::EmailInvisibleCharacter);
    }
    if s.contains(['<', '>']) {
        return Err(Code::EmailDisplayName);
    }
    if s.chars().any(text::is_space) {
        return Err(Code::EmailWhitespace);
    }
    let Some((local, domain)) = s.rsplit_once('@') else {
        return Err(Code::EmailMissingAt);
    };
    if local.is_empty() {
        return Err(Code::EmailLocalEmpty);
    }
    if domain.is_empty() {
        return Err(Code::EmailDomainEmpty);
    }
    Ok((local, domain))
}

/// What is wrong with the local part, if anything: quoted where the policy does not allow
/// it, over 64 characters, or not valid RFC syntax.
fn local_part_code(local: &str, policy: &EmailPolicy) -> Option<Code> {
    let quoted = local.len() >= 2 && local.starts_with('"') && local.ends_with('"');
    if quoted && !policy.allow_quoted_local {
        Some(Code::EmailQuotedLocal)
    } else if local.len() > 64 {
        Some(Code::EmailLocalTooLong)
    } else if !EmailAddress::is_valid_local_part(local) {
        Some(Code::EmailLocalInvalid)
    } else {
        None
    }
}

/// Checks the domain: an IP literal against the policy, or a name normalized, checked
/// against the special-use names and for a typo of a common provider. Records the ASCII and
/// Unicode forms, the suggestion and the normalized address in `check`.
fn check_domain(check: &mut EmailCheck, local: &str, domain: &str, policy: &EmailPolicy) {
    if domain.starts_with('[') {
        if !policy.allow_ip_literal {
            check.findings.push(finding(Code::EmailIpLiteral));
        } else if !EmailAddress::is_valid_domain(domain) {
            check
                .findings
                .push(finding(Code::EmailDomainInvalid).with_detail("[…]"));
        } else {
            check.domain_ascii = Some(domain.to_owned());
            check.domain_unicode = Some(domain.to_owned());
        }
        return;
    }
    match normalize_domain(domain) {
        Ok((ascii, unicode)) => {
            if let Some(f) = domain_policy(&ascii) {
                check.findings.push(f);
            } else if let Some(suggestion) = suggest(&ascii) {
                check
                    .findings
                    .push(finding(Code::EmailTypo).with_detail(suggestion.clone()));
                check.suggestion = Some(suggestion);
            }
            check.normalized = format!("{local}@{ascii}").into();
            check.domain_ascii = Some(ascii);
            check.domain_unicode = Some(unicode);
        }
        Err(f) => check.findings.push(f),
    }
}

/// Lowercases and converts the domain to ASCII (punycode) and Unicode forms, checking it
/// is a host name under IDNA2008: labels of 1-63 octets, 253 in all, of letters, digits and
/// hyphens (any script's letters and digits, [`idna2008`]), no hyphen first or last, and
/// none in both the third and fourth place but in an `xn--` label that decodes validly.
fn normalize_domain(domain: &str) -> Result<(String, String), Finding> {
    let lower = if domain.is_ascii() {
        domain.to_ascii_lowercase()
    } else {
        domain.to_lowercase()
    };
    labels_and_characters(&lower)?;
    // Plain ASCII names without punycode labels are their own ASCII and Unicode forms; only
    // the others need the (much slower) IDNA processing, and none longer than a domain can be.
    let plain = lower.is_ascii() && !lower.split('.').any(|l| l.starts_with("xn--"));
    let unicode = if plain {
        lower
    } else if lower.chars().count() > 253 {
        return Err(finding(Code::EmailDomainTooLong));
    } else {
        // UTS #46: case, width and compatibility mapping, NFC, punycode decoded, the
        // bidirectional and joiner rules. Characters it maps to ASCII (U+037E to `;`) are
        // judged again, as typed ones were.
        let (mapped, result) = Uts46::new().to_unicode(lower.as_bytes(), AsciiDenyList::EMPTY, Hyphens::Allow);
        result.map_err(|_| finding(Code::EmailIdnInvalid))?;
        labels_and_characters(&mapped)?;
        mapped.into_owned()
    };
    for label in unicode.split('.') {
        let reserved = label.get(2..4) == Some("--");
        if label.starts_with('-') || label.ends_with('-') || reserved {
            return Err(finding(Code::EmailDomainHyphen));
        }
        // ASCII labels are letters, digits and hyphens already.
        if let Some(bad) = (!label.is_ascii()).then(|| idna2008::disallowed(label)).flatten() {
            return Err(invalid_character(bad));
        }
    }
    let ascii = if plain {
        unicode.clone()
    } else {
        Uts46::new()
            .to_ascii(
                unicode.as_bytes(),
                AsciiDenyList::STD3,
                Hyphens::Check,
                DnsLength::Ignore,
            )
            .map_err(|_| finding(Code::EmailIdnInvalid))?
            .into_owned()
    };
    if ascii.len() > 253 {
        return Err(finding(Code::EmailDomainTooLong));
    }
    if ascii.split('.').any(|label| label.len() > 63) {
        return Err(finding(Code::EmailDomainLabelTooLong));
    }
    Ok((ascii, unicode))
}

/// Checks that `domain` has no empty label and no ASCII character a host name cannot have
/// (anything but letters, digits, hyphens and dots), naming the first.
fn labels_and_characters(domain: &str) -> Result<(), Finding> {
    if domain.split('.').any(str::is_empty) {
        return Err(finding(Code::EmailDomainLabelEmpty));
    }
    match domain
        .chars()
        .find(|c| c.is_ascii() && !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'))
    {
        Some(bad) => Err(invalid_character(bad)),
        None => Ok(()),
    }
}

/// `email.domain_invalid`, naming the character `bad` (escaped if it is not printable).
fn invalid_character(bad: char) -> Finding {
    finding(Code::EmailDomainInvalid).with_detail(format!("“{}”", bad.escape_debug()))
}

/// Rules for a domain that must receive mail from the internet: not a special-use name, at
/// least two labels, and a top-level domain that is one: two or more letters, or an `xn--`
/// label (which [`normalize_domain`] has decoded).
fn domain_policy(ascii: &str) -> Option<Finding> {
    let tld = ascii.rsplit('.').next().unwrap_or_default();
    let single_label = !ascii.contains('.');
    if SPECIAL_TLDS.contains(&tld) {
        return Some(finding(Code::EmailSpecialUseDomain).with_detail(format!(".{tld}")));
    }
    let under = |d: &str| {
        ascii
            .strip_suffix(d)
            .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
    };
    if let Some(d) = SPECIAL_DOMAINS.iter().find(|d| under(d)) {
        return Some(finding(Code::EmailSpecialUseDomain).with_detail(*d));
    }
    if single_label {
        return Some(finding(Code::EmailDomainSingleLabel));
    }
    if tld.bytes().all(|b| b.is_ascii_digit()) {
        return Some(finding(Code::EmailTldNumeric));
    }
    let letters = tld.len() >= 2 && tld.bytes().all(|b| b.is_ascii_lowercase());
    if !(letters || tld.starts_with("xn--")) {
        return Some(finding(Code::EmailTldInvalid));
    }
    None
}

/// A cheap lower bound of the edit distance (with or without adjacent swaps): the larger of
/// the surplus characters on either side. Each edit changes it by at most one, and a swap not
/// at all, so a bound above the limit rules a provider out without the full computation.
fn bag_distance(a: &str, b: &str) -> usize {
    let mut counts = [0i32; 128];
    for c in a.bytes() {
        counts[usize::from(c & 0x7f)] += 1;
    }
    for c in b.bytes() {
        counts[usize::from(c & 0x7f)] -= 1;
    }
    let surplus: i32 = counts.iter().filter(|c| **c > 0).sum();
    let deficit: i32 = -counts.iter().filter(|c| **c < 0).sum::<i32>();
    surplus.max(deficit) as usize
}

/// A common provider's domain that `domain` is probably a typo of, or `domain` with its
/// top-level domain corrected (`mycompany.con` → `mycompany.com`). The second only for a
/// plausible host name ([`mask::is_plausible_host`]): a suggestion is shown even in masked
/// output, so it must not repeat a number typed as a domain.
pub fn suggest(domain: &str) -> Option<String> {
    if PROVIDERS.contains(&domain) {
        return None;
    }
    let limit = if domain.len() <= 6 { 1 } else { 2 };
    let best = PROVIDERS
        .iter()
        // Each edit changes the length by at most one: most providers are out of reach
        // without computing the distance.
        .filter(|p| p.len().abs_diff(domain.len()) <= limit && bag_distance(domain, p) <= limit)
        .map(|p| (strsim::osa_distance(domain, p), *p))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d);
    if let Some((_, p)) = best {
        return Some(p.to_owned());
    }
    let (rest, tld) = domain.rsplit_once('.')?;
    if !mask::is_plausible_host(domain) {
        return None;
    }
    TLD_TYPOS
        .iter()
        .find(|(typo, _)| *typo == tld)
        .map(|(_, fix)| format!("{rest}.{fix}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::Lang;

    fn codes(input: &str) -> Vec<&'static str> {
        validate_email(input, &EmailPolicy::default())
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect()
    }

    #[test]
    fn ordinary_addresses_are_valid() {
        for good in [
            "zhang.san@qq.com",
            "user+tag@gmail.com",
            "a_b-c@sub.domain.cn",
            "ZHANG@QQ.COM",
            "１２３４５＠ｑｑ．ｃｏｍ",
            "li@例子.中国",
            "li@xn--fsqu00a.xn--fiqs8s",
            "  zhang@163.com ",
        ] {
            let c = validate_email(good, &EmailPolicy::default());
            assert!(c.valid && c.findings.is_empty(), "{good}: {:?}", c.findings);
        }
        let c = validate_email("ZHANG@QQ。COM", &EmailPolicy::default());
        assert_eq!(c.normalized(), "ZHANG@qq.com");
        assert_eq!(c.masked(), "Z***@qq.com");
        let c = validate_email("li@例子.中国", &EmailPolicy::default());
        assert_eq!(c.domain_ascii.as_deref(), Some("xn--fsqu00a.xn--fiqs8s"));
        assert_eq!(c.domain_unicode.as_deref(), Some("例子.中国"));
    }

    #[test]
    fn what_the_syntax_crate_alone_accepts_is_rejected() {
        assert_eq!(codes("user@localhost"), ["email.special_use_domain"]);
        assert_eq!(codes("user@mailhost"), ["email.domain_single_label"]);
        assert_eq!(codes("user@example.123"), ["email.tld_numeric"]);
        assert_eq!(codes("user@my_host.com"), ["email.domain_invalid"]);
        assert_eq!(codes("us\u{200B}er@qq.com"), ["email.invisible_character"]);
        let long = format!(
            "{}@{}.com",
            "a".repeat(64),
            ["b", "c", "d", "e"].map(|l| l.repeat(60)).join(".")
        );
        assert_eq!(codes(&long), ["email.too_long"]);
    }

    #[test]
    fn practical_policy() {
        assert_eq!(codes(""), ["email.empty"]);
        assert_eq!(codes("zhang.qq.com"), ["email.missing_at"]);
        assert_eq!(codes("@qq.com"), ["email.local_empty"]);
        assert_eq!(codes("zhang@"), ["email.domain_empty"]);
        assert_eq!(codes("zhang @qq.com"), ["email.whitespace"]);
        assert_eq!(codes("Zhang <zhang@qq.com>"), ["email.display_name"]);
        assert_eq!(codes("<zhang@qq.com>"), ["email.display_name"]);
        assert_eq!(codes("\"zhang san\"@qq.com"), ["email.whitespace"]);
        assert_eq!(codes("\"zhang\"@qq.com"), ["email.quoted_local"]);
        assert_eq!(codes("zhang@[127.0.0.1]"), ["email.ip_literal"]);
        assert_eq!(codes(".zhang@qq.com"), ["email.local_invalid"]);
        assert_eq!(codes("zh..ang@qq.com"), ["email.local_invalid"]);
        assert_eq!(codes(&format!("{}@qq.com", "a".repeat(65))), ["email.local_too_long"]);
        assert_eq!(codes("zhang@qq..com"), ["email.domain_label_empty"]);
        assert_eq!(codes("zhang@qq.com."), ["email.domain_label_empty"]);
        assert_eq!(codes("zhang@-qq.com"), ["email.domain_hyphen"]);
        assert_eq!(
            codes(&format!("zhang@{}.com", "a".repeat(64))),
            ["email.domain_label_too_long"]
        );
        for special in [
            "a@b.local",
            "a@b.test",
            "a@b.invalid",
            "a@b.onion",
            "a@b.arpa",
            "a@example.com",
        ] {
            assert_eq!(codes(special), ["email.special_use_domain"], "{special}");
        }
    }

    /// The code and the detail of the only finding of `input` under the default policy.
    fn only(input: &str) -> (&'static str, Option<String>) {
        let c = validate_email(input, &EmailPolicy::default());
        assert_eq!(c.findings.len(), 1, "{input}: {:?}", c.findings);
        let f = &c.findings[0];
        (f.code.as_str(), f.detail.as_ref().map(|d| d.get(Lang::En).to_owned()))
    }

    #[test]
    fn symbols_and_emoji_are_no_domain_names() {
        // UTS #46 maps these to punycode (xn--n3h, xn--e28h, xn--com-1ea); IDNA2008 disallows
        // them, and so do registries.
        for (input, bad) in [
            ("user@☃.net", "“☃”"),
            ("user@😀.com", "“😀”"),
            ("username@domain.com©", "“©”"),
            ("user@a·b.com", "“·”"),
        ] {
            assert_eq!(only(input), ("email.domain_invalid", Some(bad.to_owned())), "{input}");
        }
        // In punycode too: xn--ls8h is 💩.
        assert_eq!(
            only("user@xn--ls8h.com"),
            ("email.domain_invalid", Some("“💩”".to_owned()))
        );
        // What IDNA2008 allows stays valid: any script's letters and digits, ß, the Catalan
        // l·l, a Unicode or punycode top-level domain.
        for good in [
            "user@straße.de",
            "user@l·l.cat",
            "user@x.中国",
            "user@x.xn--fiqs8s",
            "jeff@臺網中心.tw",
        ] {
            assert!(codes(good).is_empty(), "{good}: {:?}", codes(good));
        }
        let c = validate_email("user@straße.de", &EmailPolicy::default());
        assert_eq!(c.domain_ascii.as_deref(), Some("xn--strae-oqa.de"));
    }

    #[test]
    fn hyphens_stand_only_where_host_names_allow() {
        for bad in [
            "me@yy--0.tld",
            "me@-qq.com",
            "me@qq-.com",
            "me@a.-b.com",
            "me@ab--c.qq.com",
        ] {
            assert_eq!(codes(bad), ["email.domain_hyphen"], "{bad}");
        }
        // Two hyphens elsewhere than third and fourth are fine, and so is an xn-- label that
        // decodes to a valid name; one that does not decode is not a name.
        assert!(codes("me@g--a.com").is_empty());
        assert!(codes("me@a-b--c.com").is_empty());
        assert!(codes("li@xn--fsqu00a.xn--fiqs8s").is_empty());
        assert_eq!(codes("me@xn--0.tld"), ["email.idn_invalid"]);
        // A full-width hyphen is a hyphen.
        assert_eq!(codes("me@yy－－0.tld"), ["email.domain_hyphen"]);
    }

    #[test]
    fn a_top_level_domain_is_two_or_more_letters() {
        for bad in ["me@bad.tld-2", "me@co.c", "me@e.email8", "me@example.co1m"] {
            assert_eq!(codes(bad), ["email.tld_invalid"], "{bad}");
        }
        assert_eq!(codes("me@example.123"), ["email.tld_numeric"]);
        assert!(codes("me@zhang.io").is_empty());
    }

    #[test]
    fn policy_can_allow_quoted_and_literal() {
        let policy = EmailPolicy {
            allow_quoted_local: true,
            allow_ip_literal: true,
        };
        assert!(validate_email("\"zhang\"@qq.com", &policy).valid);
        assert!(validate_email("zhang@[192.0.2.1]", &policy).valid);
    }

    #[test]
    fn bag_distance_never_exceeds_the_edit_distance() {
        for (a, b) in [
            ("gmial.com", "gmail.com"),
            ("qq.con", "qq.com"),
            ("hotmail.com", "outlook.com"),
            ("", "abc"),
            ("163.cm", "163.com"),
        ] {
            assert!(bag_distance(a, b) <= strsim::osa_distance(a, b), "{a} {b}");
        }
        assert_eq!(bag_distance("gmial.com", "gmail.com"), 0);
    }

    #[test]
    fn typos_of_common_providers_are_suggested() {
        for (typo, want) in [
            ("qq.con", "qq.com"),
            ("gmial.com", "gmail.com"),
            ("163.cm", "163.com"),
            ("hotmial.com", "hotmail.com"),
            ("outlok.com", "outlook.com"),
            ("yaho.com", "yahoo.com"),
            ("126.con", "126.com"),
            ("gmail.co", "gmail.com"),
            ("mycompany.con", "mycompany.com"),
        ] {
            let c = validate_email(&format!("zhang@{typo}"), &EmailPolicy::default());
            assert!(c.valid, "a typo is a warning only");
            assert_eq!(c.suggestion.as_deref(), Some(want), "{typo}");
            assert_eq!(c.findings[0].code, Code::EmailTypo);
        }
        assert_eq!(suggest("qq.com"), None);
        // A number typed as a domain is not repeated back, even corrected.
        assert_eq!(suggest("13800138000.con"), None);
        let c = validate_email("zhang@13800138000.con", &EmailPolicy::default());
        assert!(c.findings.is_empty() && c.suggestion.is_none(), "{:?}", c.findings);
        assert_eq!(c.masked(), "z***@***");
        assert_eq!(suggest("mycompany.com"), None);
    }
}

//! Email addresses that must receive a verification email: RFC syntax (crate
//! `email_address`) plus a practical policy, and typo suggestions for common providers.
//!
//! The syntax crate alone accepts single-label domains, numeric top-level domains, `_` in
//! domains, zero-width characters and addresses over 254 characters, and UTS #46 alone (crate
//! `idna`) accepts symbols and emoji in domains; the checks here reject those, judge domains
//! by IDNA2008 (src/validate/idna2008.rs) and local parts in NFC. docs/guide.md ("Email
//! addresses") has the rules, and how they differ from Python's email-validator.

use std::borrow::Cow;

use email_address::EmailAddress;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::props::GeneralCategory;
use icu_properties::CodePointMapData;
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
    let typed = input.trim_matches(text::is_space);
    let s = fold_address(typed);
    let (local, domain) = match split_address(&s) {
        Ok(parts) => parts,
        Err(code) => {
            check.findings.push(finding(code));
            check.normalized = s.into_owned().into();
            return check;
        }
    };
    // The fold is one character for one, so the typed local part is as many characters long
    // (and the same when nothing was folded).
    let folded = matches!(s, Cow::Owned(_)) && typed.chars().zip(local.chars()).any(|(t, l)| t != l);
    // RFC 6532 section 3.1: the local part is compared in NFC; its length counts as typed
    // and in NFC, whichever is longer, as a server may receive either.
    let typed_octets = local.len();
    // ASCII is its own NFC: only other local parts need the normalizer.
    let local = if local.is_ascii() {
        Cow::Borrowed(local)
    } else {
        ComposingNormalizerBorrowed::new_nfc().normalize(local)
    };
    let local_octets = typed_octets.max(local.len());
    let local_code = local_part_code(&local, local_octets, policy);
    if let Some(code) = local_code {
        check.findings.push(finding(code));
    }
    check_domain(&mut check, &local, domain, policy);
    // A domain that could not be normalized leaves the address as folded. (Set here, not
    // up front, so that the common case builds the normalized address once.)
    if check.normalized.is_empty() {
        check.normalized = s.into_owned().into();
    }
    let error = |c: &EmailCheck| c.findings.iter().any(|f| f.severity == super::Severity::Error);
    if !error(&check) && too_long(local_octets, &check) {
        check.findings.push(finding(Code::EmailTooLong));
    }
    if folded && local_code.is_none() {
        check
            .findings
            .push(finding(Code::EmailFolded).with_detail(check.masked()));
    }
    check.valid = !error(&check);
    check
}

/// An email finding with `code`.
fn finding(code: Code) -> Finding {
    Finding::new(Field::Email, code)
}

/// The characters people type that look like `@`: the at sign, the full-width at sign of
/// Chinese and Japanese input methods, and the small commercial at.
const AT_SIGNS: [char; 3] = ['@', '＠', '﹫'];

/// `s` with full-width letters, digits and punctuation and the ideographic full stops as
/// ASCII ([`text::fold_width`]). A full-width `＠` becomes `@` only when no `@` is typed:
/// then it is the separator, while beside an `@` it is a second at sign, and is kept as
/// typed so that no output shows an `@@` that was never typed.
fn fold_address(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return s.into();
    }
    let keep_full_width_at = s.contains('@');
    s.chars()
        .map(|c| {
            if keep_full_width_at && c == '＠' {
                c
            } else {
                text::fold_width(c)
            }
        })
        .collect::<String>()
        .into()
}

/// Whether `local` is a quoted string, `"…"`.
fn is_quoted(local: &str) -> bool {
    local.len() >= 2 && local.starts_with('"') && local.ends_with('"')
}

/// The quoted string `s` starts with, up to the last `"@`, or nothing: the part of the
/// address where RFC 5321 lets a space stand.
fn quoted_prefix(s: &str) -> &str {
    if !s.starts_with('"') {
        return "";
    }
    match s.rfind("\"@") {
        Some(end) if end > 0 => &s[..=end],
        _ => "",
    }
}

/// Whether `s` holds one of the [`AT_SIGNS`].
fn has_at_sign(s: &str) -> bool {
    // Byte by byte for the ASCII one: a UTF-8 byte that is `@` is the character.
    s.bytes().any(|b| b == b'@') || (!s.is_ascii() && s.contains(AT_SIGNS))
}

/// Whether `c` is invisible (zero-width, bidirectional and other format characters) or a
/// control character.
fn is_invisible_or_control(c: char) -> bool {
    if c.is_ascii() {
        return c.is_control();
    }
    text::is_invisible(c) || c.is_control() || category(c) == GeneralCategory::Format
}

/// The Unicode general category of `c`.
fn category(c: char) -> GeneralCategory {
    CodePointMapData::<GeneralCategory>::new().get(c)
}

/// The local part and the domain of an address shaped like one, or the code that says why
/// it is not: empty, invisible or control characters, a display name, spaces (outside a
/// quoted local part, where only the plain space may stand), no `@` or more than one, or an
/// empty side.
fn split_address(s: &str) -> Result<(&str, &str), Code> {
    if s.is_empty() {
        return Err(Code::EmailEmpty);
    }
    if s.chars().any(is_invisible_or_control) {
        return Err(Code::EmailInvisibleCharacter);
    }
    if s.bytes().any(|b| b == b'<' || b == b'>') {
        return Err(Code::EmailDisplayName);
    }
    let quoted = quoted_prefix(s);
    if quoted.chars().any(|c| text::is_space(c) && c != ' ') || s[quoted.len()..].chars().any(text::is_space) {
        return Err(Code::EmailWhitespace);
    }
    let Some((local, domain)) = rsplit_once_ascii(s, b'@') else {
        return Err(Code::EmailMissingAt);
    };
    if (!is_quoted(local) && has_at_sign(local)) || has_at_sign(domain) {
        return Err(Code::EmailMultipleAt);
    }
    if local.is_empty() {
        return Err(Code::EmailLocalEmpty);
    }
    if domain.is_empty() {
        return Err(Code::EmailDomainEmpty);
    }
    Ok((local, domain))
}

/// What is wrong with the local part, if anything: quoted where the policy does not allow
/// it, over 64 octets (`octets`: as typed or in NFC, whichever is longer), not valid RFC
/// syntax, or holding a code point that no one can type or read back: unassigned,
/// private-use, or a combining mark at its start. `local` is in NFC.
fn local_part_code(local: &str, octets: usize, policy: &EmailPolicy) -> Option<Code> {
    let unsafe_char = local.chars().any(|c| {
        !c.is_ascii()
            && matches!(
                category(c),
                GeneralCategory::Unassigned | GeneralCategory::PrivateUse | GeneralCategory::Surrogate
            )
    });
    let leading_mark = local.chars().next().is_some_and(|c| {
        !c.is_ascii()
            && matches!(
                category(c),
                GeneralCategory::NonspacingMark | GeneralCategory::SpacingMark | GeneralCategory::EnclosingMark
            )
    });
    let syntax = if is_quoted(local) {
        is_quoted_content(&local[1..local.len() - 1])
    } else {
        EmailAddress::is_valid_local_part(local)
    };
    if is_quoted(local) && !policy.allow_quoted_local {
        Some(Code::EmailQuotedLocal)
    } else if octets > 64 {
        Some(Code::EmailLocalTooLong)
    } else if !syntax || unsafe_char || leading_mark {
        Some(Code::EmailLocalInvalid)
    } else {
        None
    }
}

/// Whether `content`, between the quotes, is a quoted string of RFC 5321 section 4.1.2 with
/// the UTF-8 of RFC 6531 section 3.3: not empty, of printable ASCII and the space but `"` and
/// `\`, and non-ASCII characters, or of a `\` before printable ASCII or the space. (The
/// `email_address` crate refuses a quoted space, `"a\ b"`, which both RFCs allow.)
fn is_quoted_content(content: &str) -> bool {
    let mut chars = content.chars();
    let mut valid = !content.is_empty();
    while let Some(c) = chars.next() {
        valid &= match c {
            '\\' => chars.next().is_some_and(|quoted| (' '..='~').contains(&quoted)),
            '"' => false,
            c => (' '..='~').contains(&c) || !c.is_ascii(),
        };
    }
    valid
}

/// Whether the address is over 254 octets: its local part as typed or in NFC (`local_octets`,
/// the longer), its domain in ASCII (punycode) or in Unicode (which SMTPUTF8 sends), the
/// longer.
fn too_long(local_octets: usize, check: &EmailCheck) -> bool {
    let domain_octets = check
        .domain_ascii
        .iter()
        .chain(&check.domain_unicode)
        .map(String::len)
        .max()
        .unwrap_or_default();
    local_octets + 1 + domain_octets > 254
}

/// Checks the domain: an IP literal against the policy, or a name normalized, checked
/// against the special-use names and for a typo of a common provider. Records the ASCII and
/// Unicode forms, the suggestion and the normalized address in `check`.
fn check_domain(check: &mut EmailCheck, local: &str, domain: &str, policy: &EmailPolicy) {
    if domain.starts_with('[') {
        if !policy.allow_ip_literal {
            check.findings.push(finding(Code::EmailIpLiteral));
        } else if let Some(literal) = ip_literal(domain) {
            check.normalized = join_address(local, &literal).into();
            check.domain_ascii = Some(literal.clone());
            check.domain_unicode = Some(literal);
        } else {
            check
                .findings
                .push(finding(Code::EmailDomainInvalid).with_detail("[…]"));
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
            check.normalized = join_address(local, &ascii).into();
            check.domain_ascii = Some(ascii);
            check.domain_unicode = Some(unicode);
        }
        Err(f) => check.findings.push(f),
    }
}

/// `local@domain`, allocated once (`format!` goes through the formatting machinery, a
/// measurable part of an address's cost).
fn join_address(local: &str, domain: &str) -> String {
    let mut out = String::with_capacity(local.len() + 1 + domain.len());
    out.push_str(local);
    out.push('@');
    out.push_str(domain);
    out
}

/// A domain literal in its normal form: `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321
/// section 4.1.3; the tag in any case, the address compressed), or `None` for anything
/// else: a general literal with another tag, an address out of range, a zone index.
fn ip_literal(domain: &str) -> Option<String> {
    let inner = domain.strip_prefix('[')?.strip_suffix(']')?;
    match inner.get(..5) {
        Some(tag) if tag.eq_ignore_ascii_case("ipv6:") => {
            let address: std::net::Ipv6Addr = inner[5..].parse().ok()?;
            Some(format!("[IPv6:{address}]"))
        }
        _ => {
            let address: std::net::Ipv4Addr = inner.parse().ok()?;
            Some(format!("[{address}]"))
        }
    }
}

/// The labels of `domain`, as `domain.split('.')` yields them, found byte by byte (which is
/// quicker on names this short than the searcher `split` sets up).
fn labels(domain: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(domain);
    std::iter::from_fn(move || {
        let s = rest?;
        match s.bytes().position(|b| b == b'.') {
            Some(dot) => {
                rest = Some(&s[dot + 1..]);
                Some(&s[..dot])
            }
            None => {
                rest = None;
                Some(s)
            }
        }
    })
}

/// `s.rsplit_once(sep)` for an ASCII `sep`, found byte by byte as in [`labels`].
fn rsplit_once_ascii(s: &str, sep: u8) -> Option<(&str, &str)> {
    debug_assert!(sep.is_ascii());
    let at = s.bytes().rposition(|b| b == sep)?;
    Some((&s[..at], &s[at + 1..]))
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
    let plain = lower.is_ascii() && !labels(&lower).any(|l| l.starts_with("xn--"));
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
    for label in labels(&unicode) {
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
    if labels(&ascii).any(|label| label.len() > 63) {
        return Err(finding(Code::EmailDomainLabelTooLong));
    }
    Ok((ascii, unicode))
}

/// Checks that `domain` has no empty label and no ASCII character a host name cannot have
/// (anything but letters, digits, hyphens and dots), naming the first.
fn labels_and_characters(domain: &str) -> Result<(), Finding> {
    if labels(domain).any(str::is_empty) {
        return Err(finding(Code::EmailDomainLabelEmpty));
    }
    // Byte by byte: the bytes of other characters are not ASCII.
    match domain
        .bytes()
        .find(|b| b.is_ascii() && !(b.is_ascii_alphanumeric() || *b == b'-' || *b == b'.'))
    {
        Some(bad) => Err(invalid_character(char::from(bad))),
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
    let tld = rsplit_once_ascii(ascii, b'.').map_or(ascii, |(_, tld)| tld);
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

/// The length of the longest provider's domain.
const LONGEST_PROVIDER: usize = {
    let mut longest = 0;
    let mut i = 0;
    while i < PROVIDERS.len() {
        if PROVIDERS[i].len() > longest {
            longest = PROVIDERS[i].len();
        }
        i += 1;
    }
    longest
};

/// A string's bytes counted (each folded to 7 bits), for a cheap lower bound of its edit
/// distance to others (with or without adjacent swaps): the bag distance, the larger of the
/// surplus bytes on either side. Each edit of an ASCII character changes it by at most one,
/// and a swap not at all, so a bound above the limit rules a provider out without the full
/// computation.
struct Bag {
    counts: [u8; 128],
    len: usize,
}

impl Bag {
    /// The bag of `s`, if it is at most 255 bytes long (the counts are bytes).
    fn new(s: &str) -> Option<Bag> {
        u8::try_from(s.len()).ok()?;
        let mut counts = [0u8; 128];
        for b in s.bytes() {
            counts[usize::from(b & 0x7f)] += 1;
        }
        Some(Bag { counts, len: s.len() })
    }

    /// The bag distance to `other`: the surplus on this side is `len - common`, on the other
    /// `other.len() - common`, where `common` counts the bytes both have (as often as both do).
    fn distance(&self, other: &str) -> usize {
        let mut left = self.counts;
        let mut common = 0;
        for b in other.bytes() {
            let n = &mut left[usize::from(b & 0x7f)];
            if *n > 0 {
                *n -= 1;
                common += 1;
            }
        }
        self.len.max(other.len()) - common
    }
}

/// A common provider's domain that `domain` is probably a typo of, or `domain` with its
/// top-level domain corrected (`mycompany.con` → `mycompany.com`). The second only for a
/// plausible host name ([`mask::is_plausible_host`]): a suggestion is shown even in masked
/// output, so it must not repeat a number typed as a domain.
pub fn suggest(domain: &str) -> Option<String> {
    if PROVIDERS.contains(&domain) {
        return None;
    }
    if let Some(p) = nearest_provider(domain) {
        return Some(p.to_owned());
    }
    let (rest, tld) = rsplit_once_ascii(domain, b'.')?;
    // The cheap test first: judging the host can decode punycode.
    let (_, fix) = TLD_TYPOS.iter().find(|(typo, _)| *typo == tld)?;
    mask::is_plausible_host(domain).then(|| format!("{rest}.{fix}"))
}

/// The provider nearest `domain` by edit distance (`strsim::osa_distance`), within one edit
/// for up to 6 characters and two for longer ones; of equally near ones, the first in
/// [`PROVIDERS`]. The length difference and the bag distance bound the edit distance from
/// below, so a provider they put as far as the best so far is skipped uncomputed.
fn nearest_provider(domain: &str) -> Option<&'static str> {
    let limit = if domain.len() <= 6 { 1 } else { 2 };
    if domain.len() > LONGEST_PROVIDER + limit {
        return None;
    }
    let bag = Bag::new(domain)?;
    // The bounds count bytes, and a character of several bytes is one edit: for a domain
    // with one, they only rule out what is beyond the limit (as ever), not what is merely
    // no nearer than the best so far.
    let ascii = domain.is_ascii();
    let mut best: Option<(usize, &'static str)> = None;
    for p in PROVIDERS {
        // How near a provider must be to be the best: within the limit, then nearer than
        // the best so far.
        let beat = best.map_or(limit + 1, |(d, _)| d);
        let prune = if ascii { beat } else { limit + 1 };
        if p.len().abs_diff(domain.len()) >= prune || bag.distance(p) >= prune {
            continue;
        }
        let d = strsim::osa_distance(domain, p);
        if d < beat {
            best = Some((d, p));
        }
    }
    best.map(|(_, p)| p)
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
            "zhang＠ｑｑ．ｃｏｍ",
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
        assert_eq!(codes("\"zhang san\"@qq.com"), ["email.quoted_local"]);
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
    fn a_local_part_is_judged_in_nfc() {
        // U+037E GREEK QUESTION MARK is `;` in NFC, which a dot-atom cannot hold.
        assert_eq!(codes("me.\u{037e}@qq.com"), ["email.local_invalid"]);
        // s with two combining marks composes to ṩ, one character.
        let c = validate_email("s\u{0323}\u{0307}@qq.com", &EmailPolicy::default());
        assert!(c.valid && c.findings.is_empty(), "{:?}", c.findings);
        assert_eq!(c.normalized(), "\u{1E69}@qq.com");
        // Length as typed or in NFC, whichever is longer: 13 times s with two marks (5 octets)
        // are 65 octets typed, 39 in NFC (ṩ, 3 octets); a server may receive either.
        assert_eq!(
            codes(&format!("{}@qq.com", "s\u{0323}\u{0307}".repeat(13))),
            ["email.local_too_long"]
        );
        assert!(codes(&format!("{}@qq.com", "s\u{0323}\u{0307}".repeat(12))).is_empty());
        // A combining mark cannot start it, private-use and unassigned code points cannot stand
        // in it, nor format characters (which are invisible).
        assert_eq!(codes("\u{0301}zhang@qq.com"), ["email.local_invalid"]);
        assert_eq!(codes("zh\u{E000}ang@qq.com"), ["email.local_invalid"]);
        assert_eq!(codes("zh\u{0378}ang@qq.com"), ["email.local_invalid"]);
        assert_eq!(codes("zh\u{2061}ang@qq.com"), ["email.invisible_character"]);
    }

    #[test]
    fn a_full_width_local_part_is_folded_with_a_warning() {
        let c = validate_email("ｚｈａｎｇ@qq.com", &EmailPolicy::default());
        assert!(c.valid, "a warning only");
        assert_eq!(c.normalized(), "zhang@qq.com");
        assert_eq!(
            only("ｚｈａｎｇ@qq.com"),
            ("email.folded", Some("z***@qq.com".to_owned()))
        );
        assert_eq!(
            only("１２３４５＠ｑｑ．ｃｏｍ"),
            ("email.folded", Some("1***@qq.com".to_owned()))
        );
        // The detail is masked like every output: never the name.
        let message = c.findings[0].message(Lang::ZhCn);
        assert!(
            message.contains("z***@qq.com") && !message.contains("zhang"),
            "{message}"
        );
        // A full-width domain, ＠ or full stop is no change to the mailbox: no warning.
        assert!(codes("zhang＠ｑｑ。ｃｏｍ").is_empty());
        // A folded name that is invalid gets its error alone.
        assert_eq!(codes("ｚｈ．．ａｎｇ@qq.com"), ["email.local_invalid"]);
    }

    #[test]
    fn quoted_local_parts_are_named_as_such() {
        assert_eq!(codes("\"a b\"@x.com"), ["email.quoted_local"]);
        assert_eq!(codes("\"a\"@x.com"), ["email.quoted_local"]);
        // Outside the quotes a space is still a space, and inside them only the plain one.
        assert_eq!(codes("\"a b\" @x.com"), ["email.whitespace"]);
        assert_eq!(codes("\"a\u{00A0}b\"@x.com"), ["email.whitespace"]);
        let policy = EmailPolicy {
            allow_quoted_local: true,
            ..EmailPolicy::default()
        };
        // RFC 5321: spaces, at signs, dots anywhere, and a backslash before printable ASCII or
        // the space.
        for good in [
            "\"a b\"@x.com",
            "\"a@b\"@x.com",
            "\"a..b\"@x.com",
            "\"a\\ b\"@x.com",
            "\"a\\\"b\"@x.com",
        ] {
            let c = validate_email(good, &policy);
            assert!(c.valid, "{good}: {:?}", c.findings);
        }
        for bad in ["\"a\"b\"@x.com", "\"\"@x.com", "\"a\\©\"@x.com", "\"a\\\"@x.com"] {
            assert_eq!(
                validate_email(bad, &policy).findings[0].code,
                Code::EmailLocalInvalid,
                "{bad}"
            );
        }
    }

    #[test]
    fn a_second_at_sign_is_named_and_never_shown_as_typed_otherwise() {
        // A full-width ＠ beside an @ is a second at sign, kept as typed: no output shows an
        // `@@` that was never typed, and the mask hides the name as always.
        let c = validate_email("＠@qq.com", &EmailPolicy::default());
        assert_eq!(only("＠@qq.com").0, "email.multiple_at");
        assert_eq!(c.normalized(), "＠@qq.com");
        assert_eq!(c.masked(), "***@qq.com");
        let c = validate_email("zhang＠li@qq.com", &EmailPolicy::default());
        assert_eq!(c.masked(), "z***@qq.com");
        for bad in ["a@b@qq.com", "a＠b＠qq.com", "zhang@qq＠com", "zhang﹫li@qq.com"] {
            assert_eq!(codes(bad), ["email.multiple_at"], "{bad}");
        }
        // Alone, the full-width ＠ is the separator.
        assert!(codes("zhang＠qq.com").is_empty());
    }

    #[test]
    fn domain_literals_are_ip_addresses() {
        let policy = EmailPolicy {
            allow_ip_literal: true,
            ..EmailPolicy::default()
        };
        for (good, normal) in [
            ("zhang@[192.0.2.1]", "[192.0.2.1]"),
            ("zhang@[IPv6:2001:db8::1]", "[IPv6:2001:db8::1]"),
            ("zhang@[ipv6:2001:0db8:0:0:0:0:0:1]", "[IPv6:2001:db8::1]"),
        ] {
            let c = validate_email(good, &policy);
            assert!(c.valid, "{good}: {:?}", c.findings);
            assert_eq!(c.domain_ascii.as_deref(), Some(normal));
        }
        for bad in [
            "zhang@[192.0.2.256]",
            "zhang@[2001:db8::1]",
            "zhang@[IPv6:fe80::1%eth0]",
            "zhang@[tag:text]",
        ] {
            let c = validate_email(bad, &policy);
            assert_eq!(c.findings[0].code, Code::EmailDomainInvalid, "{bad}");
        }
    }

    #[test]
    fn length_counts_the_longer_of_the_ascii_and_unicode_forms() {
        // Within 254 octets with the punycode domain, over with the Unicode one (3 octets a
        // character), which SMTPUTF8 sends.
        let label = "例".repeat(40);
        let input = format!("{}@{label}.{label}.{}.com", "a".repeat(64), "b".repeat(60));
        let c = validate_email(&input, &EmailPolicy::default());
        assert!(
            c.domain_ascii.as_ref().unwrap().len() + 65 <= 254,
            "{:?}",
            c.domain_ascii
        );
        assert_eq!(codes(&input), ["email.too_long"]);
        // A warning does not hide the length.
        let long = format!(
            "{}@{}.qq.con",
            "a".repeat(64),
            ["b", "c", "d", "e"].map(|l| l.repeat(60)).join(".")
        );
        assert!(codes(&long).contains(&"email.too_long"), "{:?}", codes(&long));
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

    fn bag_distance(a: &str, b: &str) -> usize {
        Bag::new(a).expect("short").distance(b)
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
        assert_eq!(bag_distance("hotmail.com", "outlook.com"), 4);
        assert!(Bag::new(&"a".repeat(256)).is_none());
    }

    /// The bag distance by its definition: the larger surplus of bytes (folded to 7 bits) on
    /// either side.
    fn bag_by_definition(a: &str, b: &str) -> usize {
        let mut counts = [0i32; 128];
        a.bytes().for_each(|c| counts[usize::from(c & 0x7f)] += 1);
        b.bytes().for_each(|c| counts[usize::from(c & 0x7f)] -= 1);
        let surplus: i32 = counts.iter().filter(|c| **c > 0).sum();
        let deficit: i32 = -counts.iter().filter(|c| **c < 0).sum::<i32>();
        surplus.max(deficit) as usize
    }

    /// The provider search as it was before the bounds against the best so far: every
    /// provider within the limit by length and bag distance, the nearest by edit distance,
    /// the first of equals.
    fn nearest_as_before(domain: &str) -> Option<&'static str> {
        let limit = if domain.len() <= 6 { 1 } else { 2 };
        PROVIDERS
            .iter()
            .filter(|p| p.len().abs_diff(domain.len()) <= limit && bag_by_definition(domain, p) <= limit)
            .map(|p| (strsim::osa_distance(domain, p), *p))
            .filter(|(d, _)| *d <= limit)
            .min_by_key(|(d, _)| *d)
            .map(|(_, p)| p)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// The bag distance is the larger surplus of bytes on either side (folded to 7
        /// bits), and for ASCII never more than the edit distance.
        #[test]
        fn bag_distance_is_the_larger_surplus(a in "[a-z0-9.\u{80}-\u{3000}]{0,20}", b in "[a-z0-9.\u{80}-\u{3000}]{0,20}") {
            proptest::prop_assert_eq!(bag_distance(&a, &b), bag_by_definition(&a, &b));
            if a.is_ascii() && b.is_ascii() {
                proptest::prop_assert!(bag_distance(&a, &b) <= strsim::osa_distance(&a, &b));
            }
        }

        /// The pruned search finds what the search before it found, for providers with a few
        /// keystrokes changed (some of them non-ASCII).
        #[test]
        fn the_nearest_provider_is_found_as_by_definition(
            p in proptest::sample::select(PROVIDERS.to_vec()),
            edits in proptest::collection::vec((0usize..4, 0usize..16, "[a-z0-9.-]|[\u{80}-\u{3000}]"), 0..4),
        ) {
            let mut domain: Vec<char> = p.chars().collect();
            for (kind, at, c) in edits {
                let at = at.min(domain.len());
                let c = c.chars().next().unwrap_or('a');
                match kind {
                    0 => domain.insert(at, c),
                    1 if at < domain.len() => { domain.remove(at); }
                    2 if at < domain.len() => domain[at] = c,
                    _ if at + 1 < domain.len() => domain.swap(at, at + 1),
                    _ => {}
                }
            }
            let domain: String = domain.into_iter().collect();
            proptest::prop_assert_eq!(nearest_provider(&domain), nearest_as_before(&domain), "{}", domain);
        }
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

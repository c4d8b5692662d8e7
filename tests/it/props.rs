//! Property tests of the validators: no panic on any input, masking never reveals more than
//! allowed, and a normalized valid value validates again to itself.
//!
//! Every property here can fail: those about valid values generate values that are valid by
//! construction and assert so before anything else, instead of checking only the inputs that
//! happen to pass. The card round trip is in src/validate/card/mod.rs: it needs a prefix for
//! every brand, and only the crate that defines the `#[non_exhaustive]` `Brand` can match
//! every variant without a wildcard, so that a new brand without a prefix does not compile.

use bindcheck::validate::{
    mask, validate_card, validate_cvv, validate_email, validate_expiry, validate_id_number, validate_name,
    validate_phone, BinTable, CardPolicy, Date, EmailPolicy, Lang, NumberType, PhoneOptions, Severity,
};
use proptest::prelude::*;

fn today() -> Date {
    Date::new(2026, 11, 26).unwrap()
}

/// Strings that look like what people type: digits (ASCII and full-width), separators,
/// plus signs, letters, CJK, invisible characters, and arbitrary Unicode.
fn typed() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9 +()\\-.]{0,25}",
        "[+]?[0-9０-９ \u{3000}\u{00A0}\u{200B}-]{0,24}",
        "[a-zA-Z0-9._%+\\-\"@\\[\\]。．＠\u{200B} ]{0,40}",
        "(手机|电话|Tel)[：:]?[0-9 ]{0,15}(转|ext|x|#)?[0-9]{0,6}",
    ]
}

fn count_revealed(masked: &str) -> usize {
    masked.chars().filter(|c| *c != mask::MASK).count()
}

/// What `masked` shows of `value` (which has no mask character): the visible head and tail,
/// when it is `value` with one run of characters in the middle replaced by the mask, one
/// for one; `None` when it shows anything else (a character from the middle, a character
/// moved, a length changed).
fn shown_ends(value: &str, masked: &str) -> Option<(usize, usize)> {
    let (v, m): (Vec<char>, Vec<char>) = (value.chars().collect(), masked.chars().collect());
    if v.len() != m.len() {
        return None;
    }
    let head = m.iter().take_while(|c| **c != mask::MASK).count();
    if head == m.len() {
        // Nothing hidden: fine only for nothing at all.
        return (head == 0).then_some((0, 0));
    }
    let tail = m.iter().rev().take_while(|c| **c != mask::MASK).count();
    let middle_hidden = m[head..m.len() - tail].iter().all(|c| *c == mask::MASK);
    let ends_kept = m[..head] == v[..head] && m[m.len() - tail..] == v[v.len() - tail..];
    (middle_hidden && ends_kept).then_some((head, tail))
}

/// A mobile number pattern of a region, from libphonenumber's metadata: after `prefix`,
/// any `free` digits make a number of the region's `kind` (for the US, fixed line and mobile
/// numbers share their ranges).
#[derive(Clone, Debug)]
struct Mobile {
    region: &'static str,
    code: u16,
    prefix: &'static str,
    free: usize,
    kind: NumberType,
}

const fn mobile(region: &'static str, code: u16, prefix: &'static str, free: usize) -> Mobile {
    let kind = if code == 1 {
        NumberType::FixedLineOrMobile
    } else {
        NumberType::Mobile
    };
    Mobile {
        region,
        code,
        prefix,
        free,
        kind,
    }
}

/// Mainland China's mobile families (`1740[0-5]\d{6}|1(?:[38]\d|4[57]|[59][0-35-9]|6[25-7]|
/// 7[0-35-8])\d{8}`, every one of them), and a few families elsewhere, each checked against
/// the pattern of its region: the US (`212`, `415`, `650`, `312` and an exchange `[2-9]xx`),
/// Great Britain (`07[1-3]`, `077[1-7]`), Hong Kong (`9[467]`), Singapore (`8[1-9]`,
/// `9[0-8]`) and Japan (`[6-9]0[1-9]`).
const MOBILES: &[Mobile] = &[
    mobile("CN", 86, "13", 9),
    mobile("CN", 86, "145", 8),
    mobile("CN", 86, "147", 8),
    mobile("CN", 86, "150", 8),
    mobile("CN", 86, "151", 8),
    mobile("CN", 86, "152", 8),
    mobile("CN", 86, "153", 8),
    mobile("CN", 86, "155", 8),
    mobile("CN", 86, "156", 8),
    mobile("CN", 86, "157", 8),
    mobile("CN", 86, "158", 8),
    mobile("CN", 86, "159", 8),
    mobile("CN", 86, "162", 8),
    mobile("CN", 86, "165", 8),
    mobile("CN", 86, "166", 8),
    mobile("CN", 86, "167", 8),
    mobile("CN", 86, "170", 8),
    mobile("CN", 86, "171", 8),
    mobile("CN", 86, "172", 8),
    mobile("CN", 86, "173", 8),
    mobile("CN", 86, "17400", 6),
    mobile("CN", 86, "17405", 6),
    mobile("CN", 86, "175", 8),
    mobile("CN", 86, "176", 8),
    mobile("CN", 86, "177", 8),
    mobile("CN", 86, "178", 8),
    mobile("CN", 86, "18", 9),
    mobile("CN", 86, "190", 8),
    mobile("CN", 86, "191", 8),
    mobile("CN", 86, "192", 8),
    mobile("CN", 86, "193", 8),
    mobile("CN", 86, "195", 8),
    mobile("CN", 86, "196", 8),
    mobile("CN", 86, "197", 8),
    mobile("CN", 86, "198", 8),
    mobile("CN", 86, "199", 8),
    mobile("US", 1, "2125", 6),
    mobile("US", 1, "4159", 6),
    mobile("US", 1, "6502", 6),
    mobile("US", 1, "3128", 6),
    mobile("GB", 44, "71", 8),
    mobile("GB", 44, "73", 8),
    mobile("GB", 44, "775", 7),
    mobile("HK", 852, "94", 6),
    mobile("HK", 852, "97", 6),
    mobile("SG", 65, "81", 6),
    mobile("SG", 65, "98", 6),
    mobile("JP", 81, "903", 7),
    mobile("JP", 81, "805", 7),
];

/// `digits` with a space after the first three and then after every four, as numbers are
/// read out (`138 0013 8000`).
fn spaced(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i == 3 || (i > 3 && (i - 3) % 4 == 0) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

fn full_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '0'..='9' | '+' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
            ' ' => '\u{3000}',
            c => c,
        })
        .collect()
}

/// The ways a person may type a number with calling code `code` and national number
/// `national` into a form whose default region is mainland China: international with `+` or
/// the `00` prefix, grouped, dashed, full-width, behind a label; and for a mainland number
/// also the national forms and the calling code without `+`.
fn typed_forms(code: u16, national: &str, mainland: bool) -> Vec<String> {
    let mut forms = vec![
        format!("+{code}{national}"),
        format!("+{code} {}", spaced(national)),
        format!("00{code}-{}", spaced(national).replace(' ', "-")),
        full_width(&format!("+{code} {}", spaced(national))),
        format!("手机：+{code} {}", spaced(national)),
    ];
    if mainland {
        forms.extend([
            national.to_owned(),
            spaced(national),
            spaced(national).replace(' ', "-"),
            full_width(&spaced(national)),
            format!("手机号：{national}"),
            format!("{code}{national}"),
            format!("{}\u{200B}{}", &national[..3], &national[3..]),
        ]);
    }
    forms
}

/// Addresses of the shapes the email validator tells apart, with the name typed before the
/// at sign: names plain, full-width, quoted or with characters NFC changes; one at sign, a
/// full-width one, or two; domains with symbols, emoji, misplaced hyphens, bad top-level
/// domains, punycode, literals, or anything at all. Every name starts with `x` and has at
/// least four characters more, so that a detail showing them could not do so by chance.
fn address() -> impl Strategy<Value = (String, String)> {
    let name = prop_oneof![
        "x[a-z0-9._+-]{4,12}",
        "ｘ[ａ-ｚ０-９．]{4,8}",
        "x[a-zé\u{0301}\u{037e}λ例]{4,8}",
        "\"x[a-z @.]{4,8}\"",
    ];
    let at = prop::sample::select(vec!["@", "＠", "@@", "＠@", "@＠", " @"]);
    let domain = prop_oneof![
        "[a-z]{1,8}[.。](com|con|cn|c|email8|tld-2|xn--fiqs8s|中国|ｃｏｍ)",
        "(☃|😀|例子|l·l|a·b|yy--0|xn--ls8h|xn--0|-a|a-|g--a|straße)\\.(net|com)",
        "\\[(IPv6:)?[0-9a-f.:]{1,20}\\]",
        any::<String>(),
    ];
    (name, at, domain).prop_map(|(name, at, domain)| {
        let input = format!("{name}{at}{domain}");
        (name, input)
    })
}

/// A full-width name folded to ASCII, as the validator folds it.
fn half_width(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    /// No validator panics on anything typed; each says valid exactly when it has no error
    /// finding, and every finding has a message and a hint in each language, detail filled in.
    #[test]
    fn validators_never_panic_and_findings_read_well(s in typed()) {
        let phone = validate_phone(&s, &PhoneOptions::default());
        let phone_none = validate_phone(&s, &PhoneOptions { default_region: None, ..PhoneOptions::default() });
        let email = validate_email(&s, &EmailPolicy::default());
        let card = validate_card(&s, &CardPolicy::default());
        let expiry = validate_expiry(&s, today());
        let cvv = validate_cvv(&s, card.brand);
        let id = validate_id_number(&s, today());
        let name = validate_name(&s);
        let _ = BinTable::parse(&s);
        let all = [
            (phone.valid, &phone.findings), (phone_none.valid, &phone_none.findings), (email.valid, &email.findings),
            (card.valid, &card.findings), (expiry.valid, &expiry.findings), (cvv.valid, &cvv.findings),
            (id.valid, &id.findings), (name.valid, &name.findings),
        ];
        for (valid, findings) in all {
            prop_assert_eq!(valid, !findings.iter().any(|f| f.severity == Severity::Error));
            for f in findings {
                for lang in [Lang::En, Lang::ZhCn] {
                    prop_assert!(!f.message(lang).is_empty() && !f.hint(lang).is_empty());
                    let unfilled = f.message(lang).contains("{detail}");
                    prop_assert!(!unfilled);
                }
            }
        }
    }

    /// Whatever address is typed, under either policy, the email validator does not panic, is
    /// valid exactly when it has no error, and no finding's detail (the only part of a message
    /// made from the input) shows an address: an at sign in a detail follows a mask, and the
    /// name typed before the at sign appears in none, as typed or folded, beyond its first
    /// character.
    #[test]
    fn email_details_never_show_an_address((name, input) in address()) {
        let liberal = EmailPolicy { allow_quoted_local: true, allow_ip_literal: true };
        for policy in [EmailPolicy::default(), liberal] {
            let c = validate_email(&input, &policy);
            prop_assert_eq!(c.valid, !c.findings.iter().any(|f| f.severity == Severity::Error));
            let tails = [name.chars().skip(1).collect::<String>(), half_width(&name).chars().skip(1).collect()];
            for f in &c.findings {
                for lang in [Lang::En, Lang::ZhCn] {
                    let Some(detail) = f.detail.as_ref().map(|d| d.get(lang)) else { continue };
                    for (i, _) in detail.match_indices('@') {
                        prop_assert!(detail[..i].ends_with("***"), "{:?}: unmasked address in {:?}", f.code, detail);
                    }
                    for tail in &tails {
                        prop_assert!(!detail.contains(tail.as_str()), "{:?}: the name in {:?}", f.code, detail);
                    }
                }
            }
        }
    }

    /// A card number's mask keeps its length, hides one run in the middle, shows at most the
    /// first 6 and the last 4 digits (those digits, in place) and hides at least 6; a number
    /// of 16 digits or more shows exactly the first 6 and the last 4, so that it can still be
    /// recognised.
    #[test]
    fn card_masks_show_at_most_six_and_four(digits in "[0-9]{0,25}") {
        let m = mask::card(&digits);
        let shown = shown_ends(&digits, &m);
        prop_assert!(shown.is_some(), "{digits} masked as {m}");
        let (head, tail) = shown.unwrap();
        prop_assert!(head <= 6 && tail <= 4, "{digits} masked as {m}");
        prop_assert!(digits.len() < 6 || count_revealed(&m) <= digits.len() - 6, "at least 6 hidden");
        if digits.len() >= 16 {
            prop_assert_eq!((head, tail), (6, 4), "{} masked as {}", digits, m);
        }
        let check = validate_card(&digits, &CardPolicy::default());
        prop_assert_eq!(check.masked(), m);
    }

    /// Phone and ID masks keep the length and show only a head of at most 3 and a tail of at
    /// most 4 characters, in place; a phone mask hides at least 4, an ID mask at least 8; a
    /// security code is never shown.
    #[test]
    fn other_masks_are_bounded(s in "[0-9X]{0,24}") {
        let phone = mask::phone(&s);
        let shown = shown_ends(&s, &phone);
        prop_assert!(shown.is_some_and(|(head, tail)| head <= 3 && tail <= 4), "{s} masked as {phone}");
        prop_assert!(s.len() < 4 || count_revealed(&phone) <= s.len() - 4, "at least 4 hidden");
        let id = mask::id_number(&s);
        let shown = shown_ends(&s, &id);
        prop_assert!(shown.is_some_and(|(head, tail)| head <= 3 && tail <= 4), "{s} masked as {id}");
        prop_assert!(s.len() < 8 || count_revealed(&id) <= s.len() - 8, "at least 8 hidden");
        prop_assert_eq!(count_revealed(&mask::cvv(&s)), 0);
    }

    /// An email mask shows the first character of the name when the name is longer than two,
    /// nothing of a shorter one, and the whole domain when it is a host name (numbers typed
    /// as a domain: tests/it/privacy.rs).
    #[test]
    fn email_masks_keep_only_the_first_character_of_the_name(local in "[a-z0-9._]{1,30}", domain in "[a-z]{1,10}\\.com") {
        let m = mask::email(&format!("{local}@{domain}"));
        let want = if local.len() > 2 { &local[..1] } else { "" };
        prop_assert_eq!(m, format!("{want}***@{domain}"));
    }

    /// A mobile number built from a region's pattern is valid however it is typed, normalizes
    /// to the E.164 form it was built from, in the region it was built for, and that E.164
    /// form validates again, with no default region, to itself.
    #[test]
    fn valid_phones_revalidate_to_themselves(
        m in prop::sample::select(MOBILES),
        free in "[0-9]{9}",
    ) {
        let national = format!("{}{}", m.prefix, &free[..m.free]);
        let e164 = format!("+{}{national}", m.code);
        for typed in typed_forms(m.code, &national, m.region == "CN") {
            let first = validate_phone(&typed, &PhoneOptions::default());
            prop_assert!(first.valid, "{typed}: {:?}", first.findings);
            prop_assert_eq!(first.e164.as_ref().map(ToString::to_string), Some(e164.clone()), "{}", typed);
            prop_assert_eq!(first.region, Some(m.region), "{}", typed);
            prop_assert_eq!(first.number_type, Some(m.kind), "{}", typed);
            prop_assert_eq!(first.masked(&typed), mask::e164(m.code, &national));
            let again = validate_phone(&e164, &PhoneOptions { default_region: None, ..PhoneOptions::default() });
            prop_assert!(again.valid, "{e164}: {:?}", again.findings);
            prop_assert_eq!(again.e164.map(|e| e.to_string()), Some(e164.clone()));
        }
    }

    /// An address of a usual shape at a common domain (full-width, internationalized, in
    /// capitals) is valid, and its normalized form validates again to itself.
    #[test]
    fn valid_emails_revalidate_to_themselves(
        local in "[a-z][a-z0-9]{0,10}([._+-][a-z0-9]{1,5})?",
        domain in prop::sample::select(vec!["qq.com", "163.com", "ＱＱ．ＣＯＭ", "例子.中国", "Mail.Example.cn"]),
    ) {
        let first = validate_email(&format!("{local}@{domain}"), &EmailPolicy::default());
        prop_assert!(first.valid, "{:?}", first.findings);
        let again = validate_email(first.normalized(), &EmailPolicy::default());
        prop_assert!(again.valid);
        prop_assert_eq!(again.normalized(), first.normalized());
    }
}

#[test]
fn debug_output_of_results_never_shows_a_value() {
    use bindcheck::validate::{validate, Inputs, Policy};
    let inputs = Inputs {
        phone: Some("13724681357".into()),
        email: Some("zhang.wei@qq.com".into()),
        card: Some("6222021234567890128".into()),
        expiry: Some("12/29".into()),
        cvv: Some("739".into()),
        id_number: Some("440305198507123015".into()),
        name: Some("张伟".into()),
    };
    let result = validate(&inputs, &Policy::default(), today());
    let debug = format!("{result:?} {inputs:?}");
    for value in [
        "13724681357",
        "zhang.wei@",
        "6222021234567890128",
        "440305198507123015",
        "张伟",
    ] {
        assert!(!debug.contains(value), "{value} in {debug}");
    }
}

//! Property tests of the validators: no panic on any input, masking never reveals more than
//! allowed, and a normalized valid value validates again to itself.

use bindcheck::validate::{
    mask, validate_card, validate_cvv, validate_email, validate_expiry, validate_id_number, validate_name,
    validate_phone, BinTable, Brand, CardPolicy, Date, EmailPolicy, Lang, PhoneOptions, Severity,
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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

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

    #[test]
    fn card_masks_show_at_most_six_and_four(digits in "[0-9]{0,25}") {
        let m = mask::card(&digits);
        prop_assert_eq!(m.chars().count(), digits.len());
        let revealed = count_revealed(&m);
        prop_assert!(revealed <= 10);
        prop_assert!(digits.len() < 6 || revealed <= digits.len() - 6, "at least 6 hidden");
        // What is shown is a prefix of at most 6 and a suffix of at most 4.
        let head: String = m.chars().take_while(|c| *c != mask::MASK).collect();
        let tail: String = m.chars().rev().take_while(|c| *c != mask::MASK).collect();
        prop_assert!(revealed == 0 || (head.len() <= 6 && tail.len() <= 4));
        prop_assert!(digits.starts_with(&head));
        let check = validate_card(&digits, &CardPolicy::default());
        prop_assert_eq!(check.masked(), m);
    }

    #[test]
    fn other_masks_are_bounded(s in "[0-9X]{0,24}") {
        let phone = mask::phone(&s);
        prop_assert!(count_revealed(&phone) <= 7);
        prop_assert!(s.len() < 4 || count_revealed(&phone) <= s.len() - 4, "at least 4 hidden");
        let id = mask::id_number(&s);
        prop_assert!(count_revealed(&id) <= 7);
        prop_assert!(s.len() < 8 || count_revealed(&id) <= s.len() - 8);
        prop_assert_eq!(mask::cvv(&s).chars().filter(|c| *c != mask::MASK).count(), 0);
    }

    #[test]
    fn email_masks_keep_only_the_first_character_of_the_name(local in "[a-z0-9._]{1,30}", domain in "[a-z]{1,10}\\.com") {
        let m = mask::email(&format!("{local}@{domain}"));
        let shown = m.split('@').next().unwrap().trim_end_matches('*');
        prop_assert!(shown.chars().count() <= 1);
        prop_assert!(local.len() <= 2 || local.starts_with(shown));
        let suffix = format!("@{domain}");
        prop_assert!(m.ends_with(&suffix));
    }

    #[test]
    fn valid_phones_revalidate_to_themselves(
        prefix in prop::sample::select(vec!["130", "133", "135", "138", "150", "166", "177", "186", "199"]),
        rest in "[0-9]{8}",
        style in 0usize..4,
    ) {
        let typed = match style {
            0 => format!("{prefix}{rest}"),
            1 => format!("+86 {prefix} {} {}", &rest[..4], &rest[4..]),
            2 => format!("0086-{prefix}-{rest}"),
            _ => format!("{prefix}{rest}").chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap()).collect(),
        };
        let first = validate_phone(&typed, &PhoneOptions::default());
        if first.valid {
            let e164 = first.e164.clone().unwrap().to_string();
            let again = validate_phone(&e164, &PhoneOptions { default_region: None, ..PhoneOptions::default() });
            prop_assert!(again.valid);
            prop_assert_eq!(again.e164.unwrap().to_string(), e164);
        }
    }

    #[test]
    fn valid_cards_revalidate_to_themselves(
        brand in prop::sample::select(Brand::all().collect::<Vec<_>>()),
        body in "[0-9]{19}",
        sep in prop::sample::select(vec!["", " ", "-", "\u{3000}"]),
    ) {
        // Build a number of the brand: a real prefix, the brand's first length, a Luhn digit.
        let prefix = match brand.as_str() {
            // Prefixes no other brand shares: "4" alone can start an Elo or a Naranja card.
            "visa" => "4111", "mastercard" => "51", "american-express" => "34", "diners-club" => "36",
            "discover" => "6011", "jcb" => "3530", "unionpay" => "622202", "maestro" => "6759",
            "mir" => "2200", "elo" => "509000", "hiper" => "637095", "hipercard" => "606282",
            "troy" => "9792", "naranja" => "589562", _ => "507900",
        };
        let len = brand.lengths()[0];
        let mut digits = format!("{prefix}{}", &body[..len - prefix.len() - 1]);
        let check = (0..10).find(|d| luhn_ok(&format!("{digits}{d}"))).unwrap();
        digits.push_str(&check.to_string());
        let typed: String = digits.chars().enumerate()
            .flat_map(|(i, c)| if i > 0 && i % 4 == 0 { vec![sep.to_owned(), c.to_string()] } else { vec![c.to_string()] })
            .collect();
        let first = validate_card(&typed, &CardPolicy::default());
        prop_assert!(first.valid, "{typed}: {:?}", first.findings);
        prop_assert_eq!(first.brand, Some(brand));
        let again = validate_card(first.digits(), &CardPolicy::default());
        prop_assert!(again.valid);
        prop_assert_eq!(again.digits(), first.digits());
    }

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

fn luhn_ok(s: &str) -> bool {
    let sum: u32 = s
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
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

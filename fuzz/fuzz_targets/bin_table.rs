#![no_main]

mod common;

use bindcheck::validate::{validate_card, BinTable, Brand, CardKind, CardPolicy, Code, Field, UnionpayLuhn};
use libfuzzer_sys::fuzz_target;

/// The last is UnionPay's, failing the check digit.
const CARDS: [&str; 5] = [
    "6222021234567890128",
    "4111111111111111",
    "6200000000000005",
    "378282246310005",
    "6212345678901266",
];

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match BinTable::parse(text) {
        Ok(table) => {
            assert_eq!(table.is_empty(), table.len() == 0);
            assert!(table.len() <= text.lines().count());
            let digits = common::digits_of(text);
            if let Some(e) = table.lookup(&digits) {
                assert!(digits.starts_with(&e.prefix));
                assert!(!e.prefix.is_empty() && e.prefix.len() <= 11);
                if let Some(country) = &e.country {
                    assert!(country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()));
                }
                for (i, b) in e.brands.iter().enumerate() {
                    assert!(!e.brands[..i].contains(b), "brand {b} listed twice");
                }
                assert!(e.issuer_zh.as_ref().is_none_or(|zh| !zh.is_empty()));
            }
            assert!(table.version().is_none_or(|v| !v.is_empty() && v.trim() == v));
            let policy = CardPolicy {
                allowed_brands: Some(vec![Brand::Visa]),
                bin_table: Some(table),
                allowed_kinds: Some(vec![CardKind::Debit]),
                unionpay_luhn: UnionpayLuhn::Error,
            };
            for card in CARDS {
                let c = validate_card(card, &policy);
                common::check_findings(&c.findings, Field::Card);
                common::check_valid(c.valid, &c.findings, "card with BIN table");
                if let Some(issuer) = &c.issuer {
                    assert!(card.starts_with(&issuer.prefix));
                }
                assert!(
                    !c.brand.is_some_and(|b| c.co_brands.contains(&b)),
                    "the primary brand is no co-brand"
                );
                // A Visa-only wallet refuses exactly the cards with no Visa among their brands.
                if c.brand.is_some() {
                    let visa = c.brand == Some(Brand::Visa) || c.co_brands.contains(&Brand::Visa);
                    let refused = c.findings.iter().any(|f| f.code == Code::CardBrandNotAllowed);
                    assert_eq!(refused, !visa, "{card}: {:?}", c.findings);
                }
                // With unionpay_luhn = error, a failed check digit is never valid.
                assert!(c.luhn || !c.valid, "{card}: valid without its check digit");
            }
        }
        Err(e) => {
            assert!(
                e.line >= 1 && e.line <= text.lines().count(),
                "error line {} out of range",
                e.line
            );
            assert!(!e.problem.to_string().is_empty());
            assert!(e.to_string().starts_with("line "));
            // The error never repeats the line: no run of 7 digits from the input in it.
            let shown = e.to_string();
            for run in shown.as_bytes().windows(7).filter(|w| w.iter().all(u8::is_ascii_digit)) {
                assert!(!text.contains(std::str::from_utf8(run).unwrap_or_default()), "{shown}");
            }
        }
    }
});

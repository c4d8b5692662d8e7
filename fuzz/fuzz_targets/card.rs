#![no_main]

mod common;

use bindcheck::validate::{validate_card, validate_cvv, validate_expiry, Brand, CardPolicy, Field};
use libfuzzer_sys::fuzz_target;

fn check_card(input: &str, policy: &CardPolicy) -> Option<Brand> {
    let c = validate_card(input, policy);
    common::check_findings(&c.findings, Field::Card);
    common::check_valid(c.valid, &c.findings, "card");
    let masked = c.masked();
    common::check_masked(input, &masked, "card");
    let digits = c.digits();
    if digits.len() >= 10 {
        assert!(!masked.contains(digits), "card masked {masked:?} shows the whole number");
    }
    let grouped = c.grouped();
    assert_eq!(grouped.replace(' ', ""), digits);
    if let Some(n) = c.number() {
        assert_eq!(n.digits(), digits);
        assert_eq!(n.masked(), masked);
        let _ = format!("{n:?}");
    }
    if c.valid {
        assert!(c.number().is_some(), "valid card without a number");
    }
    c.brand
}

fn check_expiry(input: &str) {
    let c = validate_expiry(input, common::today());
    common::check_findings(&c.findings, Field::Expiry);
    common::check_valid(c.valid, &c.findings, "expiry");
    if c.valid {
        assert!(c.expiry.is_some());
    }
    if let Some(e) = c.expiry {
        assert!((1..=12).contains(&e.month));
        let _ = e.to_string();
    }
}

fn check_cvv(input: &str, brand: Option<Brand>) {
    let c = validate_cvv(input, brand);
    common::check_findings(&c.findings, Field::Cvv);
    common::check_valid(c.valid, &c.findings, "cvv");
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    // The whole input into each validator, then `card|expiry|cvv` when it is split so.
    let brand = check_card(input, &CardPolicy::default());
    check_expiry(input);
    check_cvv(input, brand);
    check_cvv(input, None);
    let mut parts = input.splitn(3, '|');
    if let (Some(card), Some(expiry), Some(cvv)) = (parts.next(), parts.next(), parts.next()) {
        let brand = check_card(card, &CardPolicy::default());
        check_expiry(expiry);
        check_cvv(cvv, brand);
        for b in Brand::all() {
            check_cvv(cvv, Some(b));
        }
    }
});

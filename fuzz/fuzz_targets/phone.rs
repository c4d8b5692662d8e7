#![no_main]

mod common;

use bindcheck::validate::{validate_phone, Field, PhoneCheck, PhoneOptions, PhoneRanges, SegmentPolicy};
use std::sync::Arc;
use libfuzzer_sys::fuzz_target;

fn check(input: &str, options: &PhoneOptions) {
    let c: PhoneCheck = validate_phone(input, options);
    common::check_findings(&c.findings, Field::Phone);
    common::check_valid(c.valid, &c.findings, "phone");
    if c.valid {
        assert!(c.e164.is_some(), "valid phone without an E.164 form");
    }
    let masked = c.masked(input);
    common::check_masked(input, &masked, "phone");
    if let Some(e) = &c.e164 {
        let full = e.to_string();
        let m = e.masked();
        assert_eq!(m, masked);
        assert!(full.starts_with('+'));
        if e.national().len() >= 8 {
            assert_ne!(m, full, "masked E.164 equals the unmasked number");
        }
        assert!(!m.contains(e.national()) || e.national().len() < 4, "masked {m:?} shows the national number");
        let _ = format!("{e:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    check(input, &PhoneOptions::default());
    check(
        input,
        &PhoneOptions {
            default_region: None,
            allowed_regions: None,
            require_mobile: false,
            virtual_operator: SegmentPolicy::Reject,
            ranges: None,
        },
    );
    check(
        input,
        &PhoneOptions {
            default_region: Some("US".parse().unwrap()),
            allowed_regions: Some(vec!["CN".parse().unwrap(), "HK".parse().unwrap()]),
            require_mobile: true,
            ..PhoneOptions::default()
        },
    );
    // The same bytes as a profile's phone ranges file: it parses or names a line, and any
    // table it makes judges numbers without a panic.
    match PhoneRanges::parse(input) {
        Ok(table) => {
            assert!(table.len() <= input.lines().count());
            let options = PhoneOptions {
                ranges: Some(Arc::new(table)),
                ..PhoneOptions::default()
            };
            for number in ["14912345678", "+86 165 1234 5678", "+44 7400 123456", "+881 612345678"] {
                check(number, &options);
            }
        }
        Err(e) => assert!(e.line >= 1 && e.line <= input.lines().count(), "error line {}", e.line),
    }
});

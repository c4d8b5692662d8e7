#![no_main]

mod common;

use bindcheck::validate::{validate_email, EmailPolicy, Field};
use libfuzzer_sys::fuzz_target;

fn check(input: &str, policy: &EmailPolicy) {
    let c = validate_email(input, policy);
    common::check_findings(&c.findings, Field::Email);
    common::check_valid(c.valid, &c.findings, "email");
    let masked = c.masked();
    // The domain is shown by design; the local part must be masked to at most one char.
    match (c.normalized().rsplit_once('@'), masked.rsplit_once('@')) {
        (Some((local, _)), Some((masked_local, _))) => {
            assert!(masked_local.ends_with("***"), "masked local part {masked_local:?}");
            assert!(masked_local.chars().count() <= 4, "masked local part {masked_local:?}");
            common::check_masked(local, masked_local, "email local part");
        }
        (None, _) => assert_eq!(masked, "***"),
        (Some(_), None) => panic!("masked {masked:?} lost the @"),
    }
    if c.valid {
        assert!(c.domain_ascii.is_some(), "valid email without a domain");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    check(input, &EmailPolicy::default());
    check(
        input,
        &EmailPolicy {
            allow_quoted_local: true,
            allow_ip_literal: true,
        },
    );
});

#![no_main]

mod common;

use bindcheck::validate::{mask, validate_email, EmailPolicy, Field, Lang};
use libfuzzer_sys::fuzz_target;

fn check(input: &str, policy: &EmailPolicy) {
    let c = validate_email(input, policy);
    common::check_findings(&c.findings, Field::Email);
    common::check_valid(c.valid, &c.findings, "email");
    // No detail shows an address: an at sign in one follows a mask (`email.folded`).
    for f in &c.findings {
        if let Some(detail) = f.detail.as_ref().map(|d| d.get(Lang::En)) {
            for (i, _) in detail.match_indices('@') {
                assert!(detail[..i].ends_with("***"), "{:?}: unmasked address in {detail:?}", f.code);
            }
        }
    }
    let masked = c.masked();
    // The local part is masked to at most one character; the domain is shown only when it
    // is a plausible host name, which has no run of five digits, else hidden as `***`.
    match (c.normalized().rsplit_once('@'), masked.rsplit_once('@')) {
        (Some((local, domain)), Some((masked_local, masked_domain))) => {
            assert!(masked_local.ends_with("***"), "masked local part {masked_local:?}");
            assert!(masked_local.chars().count() <= 4, "masked local part {masked_local:?}");
            common::check_masked(local, masked_local, "email local part");
            if masked_domain != domain {
                assert_eq!(masked_domain, "***", "a domain is shown whole or not at all");
            } else {
                let digits: String = domain.chars().map(|c| if c.is_numeric() { '0' } else { ' ' }).collect();
                assert!(
                    !digits.contains("00000"),
                    "shown domain {domain:?} has five digits in a row"
                );
            }
            if let Some(s) = &c.suggestion {
                assert!(mask::is_plausible_host(s), "suggestion {s:?} repeats a number");
            }
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

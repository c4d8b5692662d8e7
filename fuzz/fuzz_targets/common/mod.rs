//! Invariants shared by every fuzz target.
#![allow(dead_code)]

use bindcheck::validate::{Date, Field, Finding, Lang, Severity};

/// The fixed "today" every date-dependent check is run against.
pub fn today() -> Date {
    Date::new(2026, 11, 26).unwrap()
}

/// The ASCII digits of `input`, with full-width digits folded (as the validators do).
pub fn digits_of(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(char::is_ascii_digit)
        .collect()
}

/// Every finding concerns `field` and has a non-empty, fully filled message and hint in
/// both languages.
pub fn check_findings(findings: &[Finding], field: Field) {
    for f in findings {
        assert_eq!(f.field, field, "finding {:?} has the wrong field", f.code);
        for lang in [Lang::En, Lang::ZhCn] {
            let message = f.message(lang);
            let hint = f.hint(lang);
            assert!(!message.trim().is_empty(), "empty message for {:?} in {lang:?}", f.code);
            assert!(!hint.trim().is_empty(), "empty hint for {:?} in {lang:?}", f.code);
            // A detail may hold the text `{detail}` itself (an email's domain, as typed).
            let echoed = f.detail.as_ref().is_some_and(|d| d.get(lang).contains("{detail}"));
            assert!(echoed || !message.contains("{detail}"), "unfilled message for {:?}", f.code);
            assert!(echoed || !hint.contains("{detail}"), "unfilled hint for {:?}", f.code);
        }
    }
}

/// `valid` implies no finding of severity Error.
pub fn check_valid(valid: bool, findings: &[Finding], what: &str) {
    if valid {
        assert!(
            !findings.iter().any(|f| f.severity == Severity::Error),
            "{what}: valid but has an error finding: {findings:?}"
        );
    }
}

/// When the input has 10 or more digits, `masked` must not contain all of them in a row.
pub fn check_masked(input: &str, masked: &str, what: &str) {
    let digits = digits_of(input);
    if digits.len() >= 10 {
        assert!(
            !digits_of(masked).contains(&digits),
            "{what}: masked output {masked:?} reveals every digit of the input"
        );
    }
}

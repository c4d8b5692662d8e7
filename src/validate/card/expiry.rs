//! Card expiry dates: `MM/YY`, `MM/YYYY`, `MMYY`, `MMYYYY`, `MM-YY`, `MM YY`.

use serde::Serialize;

use crate::validate::date::Date;
use crate::validate::finding::{Field, Finding};
use crate::validate::{text, Code};

/// How many years ahead an expiry date may be before it is taken for a typo. Cards are
/// issued for at most about 10 years; card-validator allows 19.
pub const MAX_YEARS_AHEAD: i32 = 20;

/// A month and year: the card is valid through the last day of that month.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Expiry {
    pub year: i32,
    pub month: u8,
}

impl std::fmt::Display for Expiry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}/{:02}", self.month, self.year.rem_euclid(100))
    }
}

/// The result of checking an expiry date.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct ExpiryCheck {
    pub valid: bool,
    pub expiry: Option<Expiry>,
    pub findings: Vec<Finding>,
}

/// Checks an expiry date against `today`.
pub fn validate_expiry(input: &str, today: Date) -> ExpiryCheck {
    let folded: String = input.chars().map(text::fold_width).collect();
    let s = folded.trim();
    let mut findings = Vec::new();
    let mut expiry = None;
    if s.is_empty() {
        findings.push(Finding::new(Field::Expiry, Code::ExpiryEmpty));
    } else {
        match parse(s) {
            None => findings.push(Finding::new(Field::Expiry, Code::ExpiryFormat)),
            Some((month, _)) if !(1..=12).contains(&month) => {
                findings.push(Finding::new(Field::Expiry, Code::ExpiryMonth))
            }
            Some((month, year)) => {
                let e = Expiry {
                    year,
                    month: month as u8,
                };
                expiry = Some(e);
                if (year, month as u8) < (today.year(), today.month()) {
                    findings.push(Finding::new(Field::Expiry, Code::ExpiryExpired).with_detail(e.to_string()));
                } else if year > today.year() + MAX_YEARS_AHEAD {
                    findings.push(Finding::new(Field::Expiry, Code::ExpiryTooFar).with_detail(e.to_string()));
                }
            }
        }
    }
    ExpiryCheck {
        valid: findings.is_empty(),
        expiry,
        findings,
    }
}

/// (month, four-digit year) from the accepted forms; `None` when the form is wrong.
fn parse(s: &str) -> Option<(u32, i32)> {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    let split = s.split_once(['/', '-']).or_else(|| s.split_once(' '));
    let (m, y) = match split {
        Some((m, y)) => (m.trim(), y.trim()),
        None if digits(s) && (s.len() == 4 || s.len() == 6) => (&s[..2], &s[2..]),
        None => return None,
    };
    if !digits(m) || !digits(y) || m.len() > 2 {
        return None;
    }
    let month: u32 = m.parse().ok()?;
    let year: i32 = match y.len() {
        2 => 2000 + y.parse::<i32>().ok()?,
        4 => y.parse().ok()?,
        _ => return None,
    };
    Some((month, year))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 26).unwrap()
    }

    fn code(input: &str) -> Option<&'static str> {
        validate_expiry(input, today())
            .findings
            .first()
            .map(|f| f.code.as_str())
    }

    #[test]
    fn accepted_forms() {
        for input in [
            "12/29",
            "12/2029",
            "1229",
            "122029",
            "12-29",
            "12 / 29",
            "１２／２９",
            "11/26",
            "1/27",
        ] {
            let c = validate_expiry(input, today());
            assert!(c.valid, "{input}: {:?}", c.findings);
        }
        assert_eq!(
            validate_expiry("12/29", today()).expiry,
            Some(Expiry { year: 2029, month: 12 })
        );
    }

    #[test]
    fn the_card_is_valid_through_its_month() {
        assert_eq!(code("11/26"), None);
        assert_eq!(code("10/26"), Some("expiry.expired"));
        assert_eq!(code("12/2025"), Some("expiry.expired"));
        assert!(validate_expiry("10/26", today()).findings[0]
            .message(crate::validate::Lang::En)
            .contains("10/26"));
    }

    #[test]
    fn wrong_forms_and_values() {
        assert_eq!(code(""), Some("expiry.empty"));
        assert_eq!(code("13/29"), Some("expiry.month"));
        assert_eq!(code("00/29"), Some("expiry.month"));
        assert_eq!(code("12/299"), Some("expiry.format"));
        assert_eq!(code("ab/cd"), Some("expiry.format"));
        assert_eq!(code("12292"), Some("expiry.format"));
        assert_eq!(code("12/2099"), Some("expiry.too_far"));
        assert_eq!(code("12/46"), None);
        assert_eq!(code("12/47"), Some("expiry.too_far"));
    }
}

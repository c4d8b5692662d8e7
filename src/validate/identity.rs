//! Real-name verification inputs: the mainland China resident identity number
//! (GB 11643-1999) and the cardholder's name.

use serde::Serialize;

use super::date::Date;
use super::finding::{Field, Finding};
use super::{mask, text, Code};

/// Province-level codes that open a resident ID number (GB/T 2260), plus 71 (Taiwan),
/// 81 (Hong Kong), 82 (Macao) and 83 (residence permits for Taiwan residents).
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82, 83,
];

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

/// The ISO 7064 MOD 11-2 check character for the first 17 digits.
pub fn id_check_char(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 || !first17.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    Some(CHECK[(sum % 11) as usize] as char)
}

/// A resident ID number that is 17 digits and a digit or `X`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

impl IdNumber {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask::id_number(&self.0)
    }
}

impl std::fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IdNumber({})", self.masked())
    }
}

/// The result of checking a resident ID number.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct IdCheck {
    pub valid: bool,
    /// The province-level region code (first two digits), when plausible.
    pub province: Option<u8>,
    #[serde(skip)]
    number: Option<IdNumber>,
    #[serde(skip)]
    normalized: mask::Sensitive,
    pub findings: Vec<Finding>,
}

impl IdCheck {
    /// The number in canonical form (upper-case `X`), when it has the right shape.
    pub fn number(&self) -> Option<&IdNumber> {
        self.number.as_ref()
    }

    /// What outputs show: first 3 and last 4 characters at most.
    pub fn masked(&self) -> String {
        mask::id_number(&self.normalized)
    }

    /// The normalized input, unmasked: only for `--unmasked`.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// Checks an 18-character resident ID number: shape, region prefix, birth date (a real
/// date, not after `today`), and the check character.
pub fn validate_id_number(input: &str, today: Date) -> IdCheck {
    let normalized: String = input
        .chars()
        .map(text::fold_width)
        .filter(|c| !text::is_space(*c) && !text::is_invisible(*c))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let mut findings = Vec::new();
    let mut province = None;
    let mut number = None;
    let b = normalized.as_bytes();
    let shape_ok = b.len() == 18 && b[..17].iter().all(u8::is_ascii_digit) && (b[17].is_ascii_digit() || b[17] == b'X');
    if normalized.is_empty() {
        findings.push(Finding::new(Field::IdNumber, Code::IdEmpty));
    } else if b.len() == 15 && b.iter().all(u8::is_ascii_digit) {
        findings.push(Finding::new(Field::IdNumber, Code::IdLegacy));
    } else if !shape_ok {
        findings.push(Finding::new(Field::IdNumber, Code::IdFormat));
    } else {
        let p = (b[0] - b'0') * 10 + (b[1] - b'0');
        if PROVINCES.contains(&p) {
            province = Some(p);
        } else {
            findings.push(Finding::new(Field::IdNumber, Code::IdRegion));
        }
        let num = |r: std::ops::Range<usize>| normalized[r].parse::<u32>().unwrap_or(0);
        match Date::new(num(6..10) as i32, num(10..12) as u8, num(12..14) as u8) {
            Some(birth) if birth.year() < 1900 => findings.push(Finding::new(Field::IdNumber, Code::IdBirthDate)),
            Some(birth) if birth > today => findings.push(Finding::new(Field::IdNumber, Code::IdBirthFuture)),
            Some(_) => {}
            None => findings.push(Finding::new(Field::IdNumber, Code::IdBirthDate)),
        }
        if id_check_char(&b[..17]) != Some(b[17] as char) {
            findings.push(Finding::new(Field::IdNumber, Code::IdChecksum));
        }
        number = Some(IdNumber(normalized.clone()));
    }
    IdCheck {
        valid: findings.is_empty(),
        province,
        number,
        normalized: normalized.into(),
        findings,
    }
}

/// The script a name is written in.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Script {
    /// Chinese characters (and Japanese kana with them).
    Han,
    Latin,
    Cyrillic,
    Arabic,
    Other,
}

fn script_of(c: char) -> Script {
    match c as u32 {
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F => Script::Han,
        0x41..=0x5A | 0x61..=0x7A | 0xC0..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x400..=0x52F => Script::Cyrillic,
        0x600..=0x6FF | 0x750..=0x77F => Script::Arabic,
        _ => Script::Other,
    }
}

/// Separators that names legitimately contain: space, the middle dots used in
/// transliterated and minority names (`·`, `•`, `・`), hyphen, apostrophe and period.
fn is_name_separator(c: char) -> bool {
    matches!(c, ' ' | '·' | '•' | '・' | '-' | '\'' | '’' | '.')
}

/// The result of checking a cardholder name.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct NameCheck {
    pub valid: bool,
    pub script: Option<Script>,
    #[serde(skip)]
    normalized: mask::Sensitive,
    pub findings: Vec<Finding>,
}

impl NameCheck {
    /// What outputs show: the first character, the rest hidden.
    pub fn masked(&self) -> String {
        mask::name(&self.normalized)
    }

    /// The name with spaces collapsed, unmasked: only for `--unmasked`.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// Checks a cardholder name: not empty, no digits or symbols, one script, a plausible
/// length (2-30 characters for Chinese, 2-70 for other scripts).
pub fn validate_name(input: &str) -> NameCheck {
    let folded: String = input
        .chars()
        .map(text::fold_width)
        .filter(|c| !text::is_invisible(*c))
        .collect();
    let normalized = folded
        .split(text::is_space)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let mut findings = Vec::new();
    let mut script = None;
    if normalized.is_empty() {
        findings.push(Finding::new(Field::Name, Code::NameEmpty));
    } else if normalized.chars().any(|c| c.is_numeric()) {
        findings.push(Finding::new(Field::Name, Code::NameDigits));
    } else if let Some(bad) = normalized
        .chars()
        .find(|&c| !c.is_alphabetic() && !is_name_separator(c) && !is_mark(c))
    {
        findings.push(
            Finding::new(Field::Name, Code::NameInvalidCharacter).with_detail(format!("“{}”", bad.escape_debug())),
        );
    } else {
        let mut scripts = normalized.chars().filter(|c| c.is_alphabetic()).map(script_of);
        let first = scripts.next();
        if let Some(first) = first {
            if scripts.any(|s| s != first) {
                findings.push(Finding::new(Field::Name, Code::NameMixedScript));
            } else {
                script = Some(first);
            }
        }
        let letters = normalized.chars().filter(|c| c.is_alphabetic()).count();
        let total = normalized.chars().count();
        let max = if script == Some(Script::Han) { 30 } else { 70 };
        if letters < 2 {
            findings.push(Finding::new(Field::Name, Code::NameTooShort));
        } else if total > max {
            findings.push(Finding::new(Field::Name, Code::NameTooLong));
        }
    }
    NameCheck {
        valid: findings.is_empty(),
        script,
        normalized: normalized.into(),
        findings,
    }
}

/// Combining marks (accents typed as separate code points) belong to the letter before.
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x300..=0x36F)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 26).unwrap()
    }

    fn id_codes(input: &str) -> Vec<&'static str> {
        validate_id_number(input, today())
            .findings
            .iter()
            .map(|f| f.code.as_str())
            .collect()
    }

    #[test]
    fn good_id_numbers() {
        // The GB 11643-1999 example, and others built with its check digit.
        let built = format!("44052419800101001{}", id_check_char(b"44052419800101001").unwrap());
        for id in ["11010519491231002X", "11010519491231002x", built.as_str()] {
            let c = validate_id_number(id, today());
            assert!(c.valid, "{id}: {:?}", c.findings);
        }
        assert_eq!(validate_id_number("11010519491231002X", today()).province, Some(11));
        assert_eq!(
            validate_id_number("11010519491231002x", today()).masked(),
            "110***********002X"
        );
    }

    #[test]
    fn bad_id_numbers() {
        assert_eq!(id_codes("110105194912310021"), ["id.checksum"]);
        assert_eq!(id_codes(""), ["id.empty"]);
        assert_eq!(id_codes("110105491231002"), ["id.legacy"]);
        assert_eq!(id_codes("11010519491231002"), ["id.format"]);
        assert_eq!(id_codes("1101051949123100ZX"), ["id.format"]);
        // 1990-02-30 does not exist.
        let mut bad_date = *b"11010519900230001";
        let check = id_check_char(&bad_date).unwrap();
        let s = format!("{}{check}", std::str::from_utf8(&bad_date).unwrap());
        assert_eq!(id_codes(&s), ["id.birth_date"]);
        // Born tomorrow.
        bad_date.copy_from_slice(b"11010520261127001");
        let s = format!(
            "{}{}",
            std::str::from_utf8(&bad_date).unwrap(),
            id_check_char(&bad_date).unwrap()
        );
        assert_eq!(id_codes(&s), ["id.birth_future"]);
        // No province 99.
        let first = b"99010519491231002";
        let s = format!(
            "{}{}",
            std::str::from_utf8(first).unwrap(),
            id_check_char(first).unwrap()
        );
        assert_eq!(id_codes(&s), ["id.region"]);
    }

    fn name_codes(input: &str) -> Vec<&'static str> {
        validate_name(input).findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn names() {
        for good in [
            "张三",
            "欧阳娜娜",
            "阿卜杜勒·买买提",
            "Li Lei",
            "José  García",
            "O'Brien-Smith",
            "Анна Иванова",
            "山田 はなこ",
        ] {
            assert!(validate_name(good).valid, "{good}: {:?}", validate_name(good).findings);
        }
        assert_eq!(validate_name("  Li   Lei ").normalized(), "Li Lei");
        assert_eq!(name_codes(""), ["name.empty"]);
        assert_eq!(name_codes("张3"), ["name.digits"]);
        assert_eq!(name_codes("张三@"), ["name.invalid_character"]);
        assert_eq!(name_codes("张San"), ["name.mixed_script"]);
        assert_eq!(name_codes("张"), ["name.too_short"]);
        assert_eq!(name_codes(&"张".repeat(31)), ["name.too_long"]);
    }
}

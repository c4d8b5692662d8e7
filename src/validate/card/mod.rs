//! Bank cards: the number (characters, brand, length, Luhn), the expiry date, the security
//! code, and the wallet's policy on brands and issuing banks.

mod bin;
mod brand;
mod expiry;

pub use bin::{BinEntry, BinTable, BinTableError, BinTableProblem, CardKind};
pub use brand::{candidates, Brand, UnknownBrand, BRAND_DATA_VERSION};
pub use expiry::{validate_expiry, Expiry, ExpiryCheck};

use serde::Serialize;

use super::finding::{Field, Finding, Lang, Severity};
use super::{mask, text, Code};

/// The shortest and longest card numbers any brand issues.
pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 19;
/// `MIN_LEN–MAX_LEN`, as a finding's detail says it.
const ANY_LENGTH: &str = "12–19";

/// A card number that is digits only and 12 to 19 digits long.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CardNumber(String);

impl CardNumber {
    /// The digits, unmasked.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// The number with at most the first 6 and last 4 digits shown.
    pub fn masked(&self) -> String {
        mask::card(&self.0)
    }
}

impl std::fmt::Debug for CardNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CardNumber({})", self.masked())
    }
}

/// What a card policy allows. The default allows every brand and bank.
#[derive(Clone, Debug, Default)]
pub struct CardPolicy {
    /// Brands the wallet accepts; `None` accepts all. A co-badged card (its BIN table entry
    /// lists several brands) is accepted when any of its brands is.
    pub allowed_brands: Option<Vec<Brand>>,
    /// The banks (by BIN prefix) the wallet accepts; `None` accepts all.
    pub bin_table: Option<BinTable>,
    /// Card kinds the wallet accepts (with a BIN table that says the kind); `None`: all.
    pub allowed_kinds: Option<Vec<CardKind>>,
    /// What a UnionPay card failing the Luhn check is: a warning (the default) or an error.
    pub unionpay_luhn: UnionpayLuhn,
}

/// How a UnionPay card number that fails the Luhn check is judged. UnionPay issues a few
/// real cards that fail it, but some processors refuse them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum UnionpayLuhn {
    /// A warning: the card may be real (the default).
    #[default]
    Warn,
    /// An error, as for every other brand.
    Error,
}

impl UnionpayLuhn {
    /// Parses `warn` or `error`.
    pub fn parse(s: &str) -> Option<UnionpayLuhn> {
        match s.trim().to_ascii_lowercase().as_str() {
            "warn" => Some(UnionpayLuhn::Warn),
            "error" => Some(UnionpayLuhn::Error),
            _ => None,
        }
    }

    /// `warn` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            UnionpayLuhn::Warn => "warn",
            UnionpayLuhn::Error => "error",
        }
    }

    /// Whether a failed check digit is only a warning for a card of `brand`.
    fn forgives(self, brand: Option<Brand>) -> bool {
        brand == Some(Brand::Unionpay) && self == UnionpayLuhn::Warn
    }
}

/// The result of checking a card number.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct CardCheck {
    /// The number can be used for a bind (no error-severity finding).
    pub valid: bool,
    /// The digits typed so far could still become a valid number (for as-you-type forms).
    pub potentially_valid: bool,
    /// Whether the digits pass the Luhn check (false when there are no digits).
    pub luhn: bool,
    /// The brand, once the digits determine one: the primary network, from the number.
    pub brand: Option<Brand>,
    /// The other networks a co-badged card carries, from its BIN table entry's `brands`
    /// (`unionpay+visa`): every brand listed there but `brand`. Empty for most cards.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub co_brands: Vec<Brand>,
    /// Every brand the digits so far may belong to.
    pub candidates: Vec<Brand>,
    /// The issuing bank and card kind from the policy's BIN table, when it has the prefix.
    pub issuer: Option<BinEntry>,
    #[serde(skip)]
    typed: Typed,
    pub findings: Vec<Finding>,
}

/// The digits typed (separators removed), kept once: as the [`CardNumber`] when they make
/// one, else as they are.
#[derive(Clone, Debug)]
enum Typed {
    Number(CardNumber),
    Digits(mask::Sensitive),
}

impl Typed {
    /// `digits`, as the number when there is no bad character and the length is 12-19.
    fn new(digits: String, bad: Option<char>) -> Typed {
        if bad.is_none() && (MIN_LEN..=MAX_LEN).contains(&digits.len()) {
            Typed::Number(CardNumber(digits))
        } else {
            Typed::Digits(digits.into())
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Typed::Number(number) => number.digits(),
            Typed::Digits(digits) => digits,
        }
    }
}

impl CardCheck {
    /// The validated number, when the input had only digits and separators and 12-19 digits.
    pub fn number(&self) -> Option<&CardNumber> {
        match &self.typed {
            Typed::Number(number) => Some(number),
            Typed::Digits(_) => None,
        }
    }

    /// What outputs show: the digits typed, masked (at most first 6 and last 4).
    pub fn masked(&self) -> String {
        mask::card(self.digits())
    }

    /// The digits typed (separators removed), unmasked: only for `--unmasked`.
    pub fn digits(&self) -> &str {
        self.typed.as_str()
    }

    /// The digits grouped as printed on the card, e.g. `4111 1111 1111 1111`.
    pub fn grouped(&self) -> String {
        group(self.digits(), self.brand.map_or(&[4, 8, 12][..], Brand::gaps))
    }
}

/// Groups `digits` with a space at each gap position.
pub fn group(digits: &str, gaps: &[usize]) -> String {
    let mut out = String::with_capacity(digits.len() + gaps.len());
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && gaps.contains(&i) {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// A failed check digit. UnionPay issues a few real cards that fail it, so for UnionPay it
/// is a warning and the hint says why, unless the policy makes it an error (then the hint
/// says why that is); for every other brand it is an error, and no caveat appears.
fn luhn_failed(brand: Option<Brand>, rule: UnionpayLuhn) -> Finding {
    let f = Finding::new(Field::Card, Code::CardLuhn);
    if rule.forgives(brand) {
        f.with_severity(Severity::Warning).with_localized_detail(
            " A few real UnionPay cards fail this check, so this is only a warning: if every digit matches, go ahead.",
            "少数真实银联卡不满足此校验，因此仅作警告：如果每一位都与卡面一致，可以继续绑定。",
        )
    } else if brand == Some(Brand::Unionpay) {
        f.with_localized_detail(
            " A few real UnionPay cards fail this check, but some card processors refuse them, and so does this wallet: if every digit matches, use another card.",
            "少数真实银联卡不满足此校验，但部分收单机构会拒绝此类卡，此钱包也不接受：如果每一位都与卡面一致，请换一张卡。",
        )
    } else {
        f.with_localized_detail("", "")
    }
}

/// Checks a card number as a person typed it.
///
/// Spaces (including full-width and no-break spaces) and dashes are separators; full-width
/// digits are folded; anything else is a `card.invalid_character` finding (the Luhn check
/// alone would skip it and pass `4111111111111111x`).
pub fn validate_card(input: &str, policy: &CardPolicy) -> CardCheck {
    let (digits, bad) = scan(input);
    let mut check = CardCheck {
        valid: false,
        potentially_valid: false,
        luhn: !digits.is_empty() && luhn::valid(&digits),
        brand: None,
        co_brands: Vec::new(),
        candidates: Vec::new(),
        issuer: None,
        typed: Typed::Digits(mask::Sensitive::default()),
        findings: Vec::new(),
    };
    validate_digits(&mut check, &digits, bad, policy);
    // Moved in at the end, not copied: the checks above borrow them.
    check.typed = Typed::new(digits, bad);
    check
}

/// The body of [`validate_card`] on the scanned `digits` (borrowed here, moved into
/// `check` only at the end) and the first bad character.
fn validate_digits(check: &mut CardCheck, digits: &str, bad: Option<char>, policy: &CardPolicy) {
    if let Some(c) = bad {
        check
            .findings
            .push(Finding::new(Field::Card, Code::CardInvalidCharacter).with_detail(format!("“{}”", c.escape_debug())));
        return;
    }
    if digits.is_empty() {
        check.findings.push(Finding::new(Field::Card, Code::CardEmpty));
        check.potentially_valid = true;
        check.candidates = candidates("");
        return;
    }
    check.candidates = candidates(digits);
    let len = digits.len();
    let mut findings = Vec::new();
    match check.candidates.as_slice() {
        [] => unknown_brand_findings(len, check.luhn, policy.unionpay_luhn, &mut findings),
        [brand] => {
            let brand = *brand;
            check.brand = Some(brand);
            brand_findings(check, brand, len, policy.unionpay_luhn, &mut findings);
            apply_policy(check, digits, policy, brand, &mut findings);
        }
        _ => {
            check.potentially_valid = true;
            findings.push(Finding::new(Field::Card, Code::CardTooShort).with_detail(ANY_LENGTH));
        }
    }
    check.valid = !findings.iter().any(|f| f.severity == Severity::Error);
    check.findings = findings;
}

/// The digits typed (full-width ones folded, separators dropped) and the first character
/// that is neither a digit nor a separator.
fn scan(input: &str) -> (String, Option<char>) {
    // The most common case, ASCII digits alone: a copy.
    if input.bytes().all(|b| b.is_ascii_digit()) {
        return (input.to_owned(), None);
    }
    let mut digits = String::with_capacity(input.len());
    // Then ASCII digits and the two ASCII separators, byte by byte.
    if input.bytes().all(|b| b.is_ascii_digit() || b == b' ' || b == b'-') {
        digits.extend(input.bytes().filter(u8::is_ascii_digit).map(char::from));
        return (digits, None);
    }
    let mut bad: Option<char> = None;
    for c in input.chars().map(text::fold_width) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else if text::is_space(c) || text::is_invisible(c) || c == '-' {
            continue;
        } else if bad.is_none() {
            bad = Some(c);
        }
    }
    (digits, bad)
}

/// The findings for `len` digits that no brand issues: the unknown brand, and the length or
/// check digit when that is wrong too.
fn unknown_brand_findings(len: usize, luhn: bool, rule: UnionpayLuhn, findings: &mut Vec<Finding>) {
    findings.push(Finding::new(Field::Card, Code::CardUnknownBrand));
    if len < MIN_LEN {
        findings.push(Finding::new(Field::Card, Code::CardTooShort).with_detail(ANY_LENGTH));
    } else if len > MAX_LEN {
        findings.push(Finding::new(Field::Card, Code::CardTooLong).with_detail(ANY_LENGTH));
    } else if !luhn {
        findings.push(luhn_failed(None, rule));
    }
}

/// The length and check-digit findings for `len` digits of `brand`, and whether the digits
/// could still become a valid number.
fn brand_findings(check: &mut CardCheck, brand: Brand, len: usize, rule: UnionpayLuhn, findings: &mut Vec<Finding>) {
    let lengths = brand.lengths();
    let max = lengths.last().copied().unwrap_or(MAX_LEN);
    let luhn_ok = check.luhn || rule.forgives(Some(brand));
    if lengths.contains(&len) {
        check.potentially_valid = len < max || luhn_ok;
        if !check.luhn {
            findings.push(luhn_failed(Some(brand), rule));
        }
    } else {
        check.potentially_valid = len < max;
        let code = if len < lengths[0] {
            Code::CardTooShort
        } else if len > max {
            Code::CardTooLong
        } else {
            Code::CardInvalidLength
        };
        findings.push(Finding::new(Field::Card, code).with_detail(brand.lengths_text()));
    }
}

/// The policy's findings for a card of `brand`: the brand allowed (any of a co-badged
/// card's, as its BIN table entry lists them, recorded as `co_brands`) and, once the number
/// is long enough to carry its BIN, the bank and card kind (recording the issuer).
fn apply_policy(check: &mut CardCheck, digits: &str, policy: &CardPolicy, brand: Brand, findings: &mut Vec<Finding>) {
    let entry = policy.bin_table.as_ref().map(|table| table.lookup(digits));
    if let Some(Some(e)) = entry {
        check.co_brands = e.brands.iter().copied().filter(|b| *b != brand).collect();
    }
    if let Some(allowed) = &policy.allowed_brands {
        let brands: Vec<Brand> = std::iter::once(brand).chain(check.co_brands.iter().copied()).collect();
        if !brands.iter().any(|b| allowed.contains(b)) {
            let names = |lang| brands.iter().map(|b| b.name(lang)).collect::<Vec<&str>>().join(" / ");
            findings.push(
                Finding::new(Field::Card, Code::CardBrandNotAllowed)
                    .with_localized_detail(names(Lang::En), names(Lang::ZhCn)),
            );
        }
    }
    if let Some(entry) = entry {
        // Only judge the bank once the number is complete enough to carry its BIN.
        if digits.len() >= MIN_LEN {
            match entry {
                Some(entry) => {
                    if let (Some(kinds), Some(kind)) = (&policy.allowed_kinds, entry.kind) {
                        if !kinds.contains(&kind) {
                            findings.push(
                                Finding::new(Field::Card, Code::CardKindNotAllowed)
                                    .with_localized_detail(kind.label(), kind.name_zh()),
                            );
                        }
                    }
                    check.issuer = Some(entry.clone());
                }
                None => findings.push(Finding::new(Field::Card, Code::CardBinNotSupported)),
            }
        }
    }
}

/// The result of checking a card security code.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct CvvCheck {
    pub valid: bool,
    /// The number of digits expected (3, or 4 for American Express), when the brand is known.
    pub expected_len: Option<usize>,
    pub findings: Vec<Finding>,
}

/// Checks a security code (CVV, CVC, CID, CVN) against the card's brand when known:
/// 4 digits for American Express, 3 for the others, 3 or 4 when the brand is unknown.
pub fn validate_cvv(input: &str, brand: Option<Brand>) -> CvvCheck {
    let code: String = input
        .chars()
        .map(text::fold_width)
        .filter(|c| !text::is_space(*c))
        .collect();
    let expected_len = brand.map(Brand::code_size);
    let mut findings = Vec::new();
    if code.is_empty() {
        findings.push(Finding::new(Field::Cvv, Code::CvvEmpty));
    } else if !code.chars().all(|c| c.is_ascii_digit()) {
        findings.push(Finding::new(Field::Cvv, Code::CvvFormat));
    } else {
        let len = code.len();
        match expected_len {
            Some(want) if len != want => {
                findings.push(Finding::new(Field::Cvv, Code::CvvLength).with_detail(want.to_string()));
            }
            None if !(3..=4).contains(&len) => {
                findings.push(Finding::new(Field::Cvv, Code::CvvLength).with_detail("3/4"));
            }
            _ => {}
        }
    }
    CvvCheck {
        valid: findings.is_empty(),
        expected_len,
        findings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn codes(c: &CardCheck) -> Vec<&'static str> {
        c.findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn public_test_numbers_of_every_brand_are_valid() {
        let cases = [
            ("4111 1111 1111 1111", Brand::Visa),
            ("4012888888881881", Brand::Visa),
            ("5555-5555-5555-4444", Brand::Mastercard),
            ("2223003122003222", Brand::Mastercard),
            ("378282246310005", Brand::AmericanExpress),
            ("371449635398431", Brand::AmericanExpress),
            ("6011111111111117", Brand::Discover),
            ("3530111333300000", Brand::Jcb),
            ("30569309025904", Brand::DinersClub),
            ("6200000000000005", Brand::Unionpay),
            ("6222021234567890128", Brand::Unionpay),
            ("6759649826438453", Brand::Maestro),
            ("2200000000000004", Brand::Mir),
            ("6062826786276634", Brand::Hipercard),
            ("6370950000000005", Brand::Hiper),
            ("5066991111111118", Brand::Elo),
        ];
        for (input, brand) in cases {
            let c = validate_card(input, &CardPolicy::default());
            assert_eq!(c.brand, Some(brand), "{input}");
            assert!(c.valid, "{input}: {:?}", c.findings);
            assert!(c.potentially_valid);
            assert!(c.number().is_some());
        }
    }

    #[test]
    fn full_width_and_no_break_spaces_are_separators() {
        let c = validate_card("４１１１\u{3000}１１１１\u{00A0}1111 1111", &CardPolicy::default());
        assert!(c.valid, "{:?}", c.findings);
        assert_eq!(c.grouped(), "4111 1111 1111 1111");
    }

    #[test]
    fn a_stray_letter_is_not_skipped() {
        let c = validate_card("4111111111111111x", &CardPolicy::default());
        assert!(!c.valid);
        assert_eq!(codes(&c), ["card.invalid_character"]);
        assert!(c.findings[0].message(crate::validate::Lang::En).contains('x'));
    }

    #[test]
    fn luhn_and_length_errors() {
        assert_eq!(ANY_LENGTH, format!("{MIN_LEN}–{MAX_LEN}"));
        let c = validate_card("4111111111111112", &CardPolicy::default());
        assert_eq!(codes(&c), ["card.luhn"]);
        assert!(!c.valid && c.potentially_valid, "16 digits could still become 19");
        let c = validate_card("411111111111111", &CardPolicy::default());
        assert_eq!(codes(&c), ["card.too_short"]);
        assert!(c.potentially_valid);
        let c = validate_card("37828224631000512", &CardPolicy::default());
        assert_eq!(codes(&c), ["card.too_long"]);
        let c = validate_card("41111111111111111", &CardPolicy::default());
        assert_eq!(codes(&c), ["card.invalid_length"]);
    }

    #[test]
    fn unionpay_luhn_failure_is_only_a_warning() {
        let c = validate_card("6212345678901266", &CardPolicy::default());
        assert_eq!(c.brand, Some(Brand::Unionpay));
        assert!(!c.luhn);
        assert!(c.valid);
        assert_eq!(c.findings[0].code, Code::CardLuhn);
        assert_eq!(c.findings[0].severity, Severity::Warning);
    }

    #[test]
    fn partial_input_is_potentially_valid_with_candidates() {
        let c = validate_card("4", &CardPolicy::default());
        assert!(c.potentially_valid && !c.valid);
        assert!(c.candidates.contains(&Brand::Visa));
        let c = validate_card("6222 02", &CardPolicy::default());
        assert_eq!(c.brand, Some(Brand::Unionpay));
        assert!(c.potentially_valid);
        let c = validate_card("1234", &CardPolicy::default());
        assert!(!c.potentially_valid);
        assert_eq!(codes(&c), ["card.unknown_brand", "card.too_short"]);
    }

    #[test]
    fn policy_rejects_brands_and_banks() {
        let policy = CardPolicy {
            allowed_brands: Some(vec![Brand::Unionpay]),
            ..CardPolicy::default()
        };
        let c = validate_card("4111111111111111", &policy);
        assert_eq!(codes(&c), ["card.brand_not_allowed"]);
        assert!(c.findings[0].message(crate::validate::Lang::En).contains("Visa"));

        let table = BinTable::parse("prefix,issuer,kind\n622202,ICBC,debit\n622848,ABC,credit\n").unwrap();
        let policy = CardPolicy {
            bin_table: Some(table),
            allowed_kinds: Some(vec![CardKind::Debit]),
            ..CardPolicy::default()
        };
        let c = validate_card("6222021234567890128", &policy);
        assert!(c.valid, "{:?}", c.findings);
        assert_eq!(c.issuer.as_ref().unwrap().issuer, "ICBC");
        let c = validate_card("6228481234567890", &policy);
        assert_eq!(codes(&c), ["card.luhn", "card.kind_not_allowed"]);
        let c = validate_card("6200000000000005", &policy);
        assert_eq!(codes(&c), ["card.bin_not_supported"]);
    }

    /// A co-badged UnionPay and Visa BIN (the 8-digit entry beats the 6-digit one).
    fn co_badged() -> BinTable {
        BinTable::parse(
            "prefix,issuer,issuer_zh,kind,country,brands\n\
             622202,ICBC,中国工商银行,debit,CN,unionpay\n\
             62220299,\"ICBC, Asia\",工银亚洲,credit,HK,unionpay+visa\n",
        )
        .unwrap()
    }

    #[test]
    fn a_co_badged_card_is_accepted_where_either_brand_is() {
        let number = "6222029912345678";
        let with = |brands: Vec<Brand>| CardPolicy {
            allowed_brands: Some(brands),
            bin_table: Some(co_badged()),
            ..CardPolicy::default()
        };
        let c = validate_card(number, &with(vec![Brand::Visa]));
        assert!(!c.luhn, "UnionPay's warning only: the check is about the brands");
        assert_eq!(codes(&c), ["card.luhn"]);
        assert!(c.valid);
        assert_eq!(
            (c.brand, c.co_brands.as_slice()),
            (Some(Brand::Unionpay), &[Brand::Visa][..])
        );
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["brand"], "unionpay");
        assert_eq!(json["co_brands"], serde_json::json!(["visa"]));
        assert_eq!(json["issuer"]["brands"], serde_json::json!(["unionpay", "visa"]));
        assert_eq!(json["issuer"]["country"], "HK");

        let c = validate_card(number, &with(vec![Brand::Mastercard]));
        assert_eq!(codes(&c), ["card.luhn", "card.brand_not_allowed"]);
        assert!(!c.valid);
        let f = &c.findings[1];
        assert_eq!(
            f.message(crate::validate::Lang::En),
            "UnionPay / Visa cards are not supported by this wallet."
        );

        // While it is typed, once the digits reach the co-badged BIN.
        let c = validate_card("6222 0299", &with(vec![Brand::Visa]));
        assert!(c.potentially_valid && c.co_brands == [Brand::Visa], "{:?}", c.findings);
        assert!(!codes(&c).contains(&"card.brand_not_allowed"));

        // The 6-digit BIN lists UnionPay alone: a Visa-only wallet refuses it.
        let c = validate_card("6222021234567890128", &with(vec![Brand::Visa]));
        assert!(c.co_brands.is_empty());
        assert_eq!(codes(&c), ["card.brand_not_allowed"]);
        assert!(serde_json::to_value(&c).unwrap().get("co_brands").is_none());
        assert_eq!(
            c.findings[0].message(crate::validate::Lang::En),
            "UnionPay cards are not supported by this wallet."
        );
    }

    #[test]
    fn unionpay_luhn_can_be_an_error() {
        use crate::validate::Lang;
        let error = CardPolicy {
            unionpay_luhn: UnionpayLuhn::Error,
            ..CardPolicy::default()
        };
        // 16 digits could still become 19; 19 digits cannot.
        let c = validate_card("6212345678901266", &error);
        assert_eq!(codes(&c), ["card.luhn"]);
        assert_eq!(c.findings[0].severity, Severity::Error);
        assert!(!c.valid && c.potentially_valid);
        let c = validate_card("6222 0212 3456 7890 127", &error);
        assert!(!c.valid && !c.potentially_valid);
        let f = &c.findings[0];
        assert_eq!((f.code, f.severity), (Code::CardLuhn, Severity::Error));
        assert!(
            f.hint(Lang::En).contains("some card processors refuse them"),
            "{}",
            f.hint(Lang::En)
        );
        assert!(
            f.hint(Lang::ZhCn).contains("部分收单机构会拒绝"),
            "{}",
            f.hint(Lang::ZhCn)
        );
        assert!(!f.hint(Lang::En).contains("only a warning"));
        // The default is the warning, and other brands are unchanged either way.
        let c = validate_card("6222 0212 3456 7890 127", &CardPolicy::default());
        assert!(c.valid && c.potentially_valid);
        assert_eq!(c.findings[0].severity, Severity::Warning);
        let visa = validate_card("4111111111111112", &error);
        assert_eq!(visa.findings[0].hint(Lang::En), "Compare each digit with the card.");
        assert_eq!(UnionpayLuhn::parse(" Error "), Some(UnionpayLuhn::Error));
        assert_eq!(UnionpayLuhn::parse("warning"), None);
        assert_eq!(UnionpayLuhn::default().as_str(), "warn");
    }

    #[test]
    fn cvv_length_follows_the_brand() {
        assert!(validate_cvv("1234", Some(Brand::AmericanExpress)).valid);
        assert!(!validate_cvv("123", Some(Brand::AmericanExpress)).valid);
        assert!(validate_cvv("１２３", Some(Brand::Visa)).valid);
        assert_eq!(validate_cvv("12a", None).findings[0].code, Code::CvvFormat);
        assert_eq!(validate_cvv("", None).findings[0].code, Code::CvvEmpty);
        assert!(validate_cvv("1234", None).valid);
        assert_eq!(validate_cvv("12", None).findings[0].code, Code::CvvLength);
    }

    #[test]
    fn the_unionpay_caveat_appears_only_for_unionpay() {
        use crate::validate::Lang;
        let visa = validate_card("4111 1111 1111 1112", &CardPolicy::default());
        let f = &visa.findings[0];
        assert_eq!((f.code, f.severity), (Code::CardLuhn, Severity::Error));
        for lang in [Lang::En, Lang::ZhCn] {
            assert!(
                !f.hint(lang).contains("UnionPay") && !f.hint(lang).contains("银联"),
                "{}",
                f.hint(lang)
            );
            assert!(!f.hint(lang).contains("{detail}"));
        }
        let unionpay = validate_card("6222 0212 3456 7890 127", &CardPolicy::default());
        let f = unionpay.findings.iter().find(|f| f.code == Code::CardLuhn).unwrap();
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.hint(Lang::En).contains("UnionPay"), "{}", f.hint(Lang::En));
        assert!(f.hint(Lang::ZhCn).contains("银联"), "{}", f.hint(Lang::ZhCn));
    }

    /// A prefix of each brand's own that no other brand shares (`4` alone can also start an
    /// Elo or a Naranja card). No wildcard: a new brand does not compile until it has one.
    fn own_prefix(brand: Brand) -> &'static str {
        match brand {
            Brand::Visa => "4111",
            Brand::Mastercard => "51",
            Brand::AmericanExpress => "34",
            Brand::DinersClub => "36",
            Brand::Discover => "6011",
            Brand::Jcb => "3530",
            Brand::Unionpay => "622202",
            Brand::Maestro => "6759",
            Brand::Mir => "2200",
            Brand::Elo => "509000",
            Brand::Hiper => "637095",
            Brand::Hipercard => "606282",
            Brand::Troy => "9792",
            Brand::Naranja => "589562",
            // Inside Maestro's 506779-508999 too; Verve is tried first.
            Brand::Verve => "507900",
        }
    }

    /// The Luhn check digit that completes `payload`, computed here rather than by the
    /// `luhn` crate the validator uses: from the right, every other digit is doubled.
    fn luhn_digit(payload: &str) -> char {
        let sum: u32 = payload
            .bytes()
            .rev()
            .enumerate()
            .map(|(i, b)| {
                let d = u32::from(b - b'0');
                if i % 2 == 0 {
                    (d * 2) / 10 + (d * 2) % 10
                } else {
                    d
                }
            })
            .sum();
        char::from_digit((10 - sum % 10) % 10, 10).unwrap()
    }

    #[test]
    fn every_brand_has_a_prefix_of_its_own() {
        for brand in Brand::all() {
            assert_eq!(candidates(own_prefix(brand)), [brand], "{brand}");
        }
        assert_eq!(luhn_digit("411111111111111"), '1');
        assert_eq!(luhn_digit("622202123456789012"), '8');
        assert_eq!(luhn_digit("37828224631000"), '5');
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(600))]

        /// A number made of a brand's own prefix, random digits to one of the brand's lengths
        /// and its Luhn digit is valid and of that brand however it is spaced, and validates
        /// again, from its digits, to the same digits.
        #[test]
        fn valid_cards_revalidate_to_themselves(
            brand in prop::sample::select(Brand::all().collect::<Vec<_>>()),
            length in any::<prop::sample::Index>(),
            body in "[0-9]{18}",
            sep in prop::sample::select(vec!["", " ", "-", "\u{3000}", "\u{00A0}"]),
        ) {
            let prefix = own_prefix(brand);
            let len = *length.get(brand.lengths());
            let mut digits = format!("{prefix}{}", &body[..len - prefix.len() - 1]);
            digits.push(luhn_digit(&digits));
            let typed = group(&digits, brand.gaps()).replace(' ', sep);
            let first = validate_card(&typed, &CardPolicy::default());
            prop_assert!(first.valid, "{typed}: {:?}", first.findings);
            prop_assert!(first.luhn && first.potentially_valid, "{typed}");
            prop_assert_eq!(first.brand, Some(brand), "{}", typed);
            prop_assert_eq!(first.digits(), digits.as_str());
            prop_assert_eq!(first.number().map(CardNumber::digits), Some(digits.as_str()));
            let again = validate_card(first.digits(), &CardPolicy::default());
            prop_assert!(again.valid);
            prop_assert_eq!(again.brand, Some(brand));
            prop_assert_eq!(again.digits(), first.digits());
        }
    }
}

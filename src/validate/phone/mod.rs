//! Phone numbers as people type them, judged by libphonenumber's rules.
//!
//! Input may be national or international, with spaces, dashes, dots, parentheses, a
//! leading `+` or international (IDD) prefix such as `00`, full-width digits and spaces
//! from Chinese input methods, and a label such as `手机：`. Metadata comes from the
//! `phonenumber` crate; parsing into country code and national significant number, and the
//! validity rules, follow libphonenumber (Google's reference) step by step in [`meta`],
//! because the crate's own versions accept wrong-length numbers and mis-strip some
//! international prefixes (see docs/phone.md).

mod as_you_type;
mod automaton;
mod carrier;
mod meta;
mod ranges;

pub use as_you_type::{format_as_you_type, AsYouType};
pub use carrier::{data_version as carrier_data_version, Carrier, Segment};

pub use meta::known_regions;
pub use ranges::{PhoneRange, PhoneRanges, PhoneRangesError, PhoneRangesProblem};

use regex_lite::Regex;
use serde::{Serialize, Serializer};
use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, LazyLock};

use super::finding::{Field, Finding, Severity};
use super::{mask, text, Code};
use meta::{Length, Region as RegionMeta};
use std::str::FromStr;

/// libphonenumber's number types, in snake_case.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberType {
    FixedLine,
    Mobile,
    FixedLineOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
    Unknown,
}

impl NumberType {
    /// The snake_case name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            NumberType::FixedLine => "fixed_line",
            NumberType::Mobile => "mobile",
            NumberType::FixedLineOrMobile => "fixed_line_or_mobile",
            NumberType::TollFree => "toll_free",
            NumberType::PremiumRate => "premium_rate",
            NumberType::SharedCost => "shared_cost",
            NumberType::Voip => "voip",
            NumberType::PersonalNumber => "personal_number",
            NumberType::Pager => "pager",
            NumberType::Uan => "uan",
            NumberType::Voicemail => "voicemail",
            NumberType::Unknown => "unknown",
        }
    }

    /// The type as a reader calls it, for the facts text formats show beside a number:
    /// "mobile", "fixed-line", "手机", "固定电话".
    pub fn name(self, lang: super::Lang) -> &'static str {
        use super::Lang::{En, ZhCn};
        match (lang, self) {
            (En, NumberType::Mobile) => "mobile",
            (En, NumberType::FixedLineOrMobile) => "fixed-line or mobile",
            (En, NumberType::Unknown) => "type unknown",
            (ZhCn, NumberType::Mobile) => "手机",
            (ZhCn, NumberType::FixedLineOrMobile) => "固话或手机",
            (ZhCn, NumberType::Unknown) => "类型未知",
            _ => self.describe(lang),
        }
    }

    /// A short description for messages ("fixed-line", "固定电话").
    fn describe(self, lang: super::Lang) -> &'static str {
        use super::Lang::{En, ZhCn};
        match (lang, self) {
            (En, NumberType::FixedLine) => "fixed-line",
            (En, NumberType::TollFree) => "toll-free",
            (En, NumberType::PremiumRate) => "premium-rate",
            (En, NumberType::SharedCost) => "shared-cost",
            (En, NumberType::Voip) => "VoIP",
            (En, NumberType::PersonalNumber) => "personal (forwarding)",
            (En, NumberType::Pager) => "pager",
            (En, NumberType::Uan) => "company (UAN)",
            (En, NumberType::Voicemail) => "voicemail",
            (En, _) => "non-mobile",
            (ZhCn, NumberType::FixedLine) => "固定电话",
            (ZhCn, NumberType::TollFree) => "免费电话",
            (ZhCn, NumberType::PremiumRate) => "付费增值",
            (ZhCn, NumberType::SharedCost) => "分摊付费",
            (ZhCn, NumberType::Voip) => "网络电话",
            (ZhCn, NumberType::PersonalNumber) => "个人转接",
            (ZhCn, NumberType::Pager) => "寻呼",
            (ZhCn, NumberType::Uan) => "企业统一",
            (ZhCn, NumberType::Voicemail) => "语音信箱",
            (ZhCn, _) => "非手机",
        }
    }
}

/// A phone number in E.164 form: country calling code and national significant number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct E164 {
    country_code: u16,
    national: String,
}

impl E164 {
    pub fn country_code(&self) -> u16 {
        self.country_code
    }

    /// The national significant number (digits after the country code).
    pub fn national(&self) -> &str {
        &self.national
    }

    /// `+86138****8000`: the country code and at most the first 3 and last 4 digits.
    pub fn masked(&self) -> String {
        mask::e164(self.country_code, &self.national)
    }
}

impl fmt::Display for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}{}", self.country_code, self.national)
    }
}

impl fmt::Debug for E164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "E164({})", self.masked())
    }
}

impl Serialize for E164 {
    /// Serializes masked: a full number must never reach an output by accident.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

/// What a phone check accepts.
#[derive(Clone, Debug)]
pub struct PhoneOptions {
    /// The region national-form numbers belong to (`CN` by default); `None` requires the
    /// international form.
    pub default_region: Option<Region>,
    /// Regions whose numbers are accepted; `None` accepts all.
    pub allowed_regions: Option<Vec<Region>>,
    /// The number must be able to receive SMS codes: fixed lines and other non-mobile types
    /// are errors, numbers that may be either are warnings.
    pub require_mobile: bool,
    /// What a virtual operator's number (`phone.virtual_operator`) is: accepted, a warning
    /// (the default) or an error.
    pub virtual_operator: SegmentPolicy,
    /// The profile's own ranges, over the bundled metadata and carrier data.
    pub ranges: Option<Arc<PhoneRanges>>,
}

impl Default for PhoneOptions {
    fn default() -> Self {
        PhoneOptions {
            default_region: Some(Region::CN),
            allowed_regions: None,
            require_mobile: true,
            virtual_operator: SegmentPolicy::Warn,
            ranges: None,
        }
    }
}

/// What a kind of number is to the wallet: accepted, a warning, or refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum SegmentPolicy {
    Allow,
    #[default]
    Warn,
    Reject,
}

impl SegmentPolicy {
    /// Parses `allow`, `warn` or `reject`.
    pub fn parse(s: &str) -> Option<SegmentPolicy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "allow" => Some(SegmentPolicy::Allow),
            "warn" => Some(SegmentPolicy::Warn),
            "reject" => Some(SegmentPolicy::Reject),
            _ => None,
        }
    }
}

/// The result of checking a phone number.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct PhoneCheck {
    /// A number in use (libphonenumber's `isValidNumber`) that passes the options.
    pub valid: bool,
    /// The length fits the region (libphonenumber's `isPossibleNumber`).
    pub possible: bool,
    /// The number's country calling code and national number; masked when serialized.
    #[serde(rename = "normalized")]
    pub e164: Option<E164>,
    /// The CLDR region (`CN`, `HK`, `001` for non-geographic numbers).
    pub region: Option<&'static str>,
    pub number_type: Option<NumberType>,
    /// The operator of the number's range and what the range is for, for mobile numbers
    /// the data knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
    /// An extension was typed (it is dropped from the E.164 form).
    pub has_extension: bool,
    pub findings: Vec<Finding>,
}

impl PhoneCheck {
    /// What outputs show: the masked E.164 form, or the masked digits when the number
    /// could not be split into country code and national number.
    pub fn masked(&self, input: &str) -> String {
        match &self.e164 {
            Some(e) => e.masked(),
            None => mask::phone(&digits_of(input)),
        }
    }

    /// Whether libphonenumber would call the number valid, whatever the options say.
    pub fn is_valid_number(&self) -> bool {
        self.number_type.is_some_and(|t| t != NumberType::Unknown) && self.region.is_some()
    }
}

fn digits_of(input: &str) -> String {
    input
        .chars()
        .map(text::fold_digit)
        .filter(char::is_ascii_digit)
        .collect()
}

/// An extension after the number: `ext. 123`, `x123`, `#123`, `转123`, `分机123`, `;ext=123`.
///
/// regex-lite's classes are ASCII, so what Unicode would add is written out: every digit is
/// ASCII by now ([`text::fold_digit`]), `\s` is spelled as Unicode's White_Space, and the one
/// letter of `extension` that folds to something beyond ASCII (`ſ`, a long s) is listed.
/// The unit test `extensions_as_the_unicode_pattern_reads_them` holds it to the pattern with
/// Unicode classes.
static EXTENSION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&extension_pattern(
        r"[\t\n\x0B\x0C\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]",
        "[sſ]",
    ))
    .expect("extension pattern")
});

/// The extension pattern, with `space` for `\s` and `s` for the letter s.
fn extension_pattern(space: &str, s: &str) -> String {
    format!(
        r"(?i)^(.*?\d[{sp}\-.)]*)(?:;ext=|,|{space}*(?:ext(?:en{s}ion)?\.?|x|#|转|分机){space}*[:.]?{space}*)(\d{{1,7}})#?$",
        sp = space.trim_start_matches('[').trim_end_matches(']')
    )
}

/// The shortest and longest national significant numbers libphonenumber parses.
const MIN_NSN: usize = 2;
const MAX_NSN: usize = 17;

/// Checks a phone number as a person typed it.
pub fn validate_phone(input: &str, options: &PhoneOptions) -> PhoneCheck {
    let mut check = PhoneCheck {
        valid: false,
        possible: false,
        e164: None,
        region: None,
        number_type: None,
        carrier: None,
        has_extension: false,
        findings: Vec::new(),
    };
    let Some((plus, digits)) = clean(input, &mut check) else {
        return check;
    };
    let default = options.default_region.and_then(|r| meta::region(r.as_str()));
    let Some((code, national)) = split_country_code(plus, &digits, default, &mut check) else {
        return check;
    };
    let national = without_national_prefix(code, national, default);
    let length_region = meta::main_region(code);
    if let Some(out_of_bounds) = nsn_bounds(national.len()) {
        check.findings.push(at_place(out_of_bounds, place(code, length_region)));
        return check;
    }
    let (mut number_type, mut length, mut region) = classify(&mut check, code, national, length_region);
    let national = check.e164.as_ref().map_or("", E164::national);
    let range = options.ranges.as_deref().and_then(|r| r.lookup(code, national));
    if let Some((t, main)) = range.and_then(|r| r.number_type).zip(length_region) {
        // The profile knows this range: a number in it of a length its type has is of its type.
        length = main.test_type_length(t, national);
        if length == Length::Possible {
            number_type = t;
            region = Some(main);
            check.number_type = Some(t);
            check.region = Some(main.id());
        } else {
            number_type = NumberType::Unknown;
            check.number_type = Some(number_type);
        }
    }
    if matches!(
        number_type,
        NumberType::Mobile | NumberType::FixedLineOrMobile | NumberType::Pager
    ) {
        let bundled = carrier::lookup(code, national);
        check.carrier = match range {
            Some(r) => r.carrier(bundled),
            None => bundled,
        };
    }
    if number_type == NumberType::Unknown {
        check
            .findings
            .push(unknown_type(length, place(code, region.or(length_region))));
    } else {
        policy_findings(&mut check, number_type, options);
        segment_findings(&mut check, options);
    }
    if check.has_extension {
        check.findings.push(finding(Code::PhoneExtension));
    }
    check.valid = !check.findings.iter().any(|f| f.severity == Severity::Error);
    check
}

/// A phone finding with `code`.
fn finding(code: Code) -> Finding {
    Finding::new(Field::Phone, code)
}

/// Where a number belongs, for a finding's detail: `CN (+86)`, or `+86` without a region.
/// Where a number's rules come from, in English and Chinese: `CN (+86)`, `中国大陆（+86）`, or
/// the calling code alone.
fn place(code: u16, region: Option<&RegionMeta>) -> (String, String) {
    // Put together piece by piece: a quarter of a mixed batch's numbers name their place,
    // and two `format!`s cost more than the rest of their finding.
    let place = |name: &str, open: &str, close: &str| {
        let mut out = String::with_capacity(name.len() + open.len() + close.len() + 4);
        out.push_str(name);
        out.push_str(open);
        out.push('+');
        mask::push_decimal(&mut out, code);
        out.push_str(close);
        out
    };
    match region {
        None => {
            let text = place("", "", "");
            (text.clone(), text)
        }
        Some(r) => (place(r.id(), " (", ")"), place(region_zh(r.id()), "（", "）")),
    }
}

/// Cleans what was typed, as libphonenumber's `extractPossibleNumber` does and a little
/// more: folds full-width characters and the digits of every script (`١٧١`, `۰۹۱`, `९८७`),
/// drops invisible characters, a label such as `手机：` and whatever comes before the first
/// digit or plus sign (`☎️`, `📞`, `Tel`, the bracket of `(+86)`) or after the last digit,
/// letter or `#` (`📱`, a full stop), takes off an extension (noting it in `check`), and
/// reads `++` as `+`. Returns whether the number starts with `+` and its digits, or pushes
/// `phone.empty` or `phone.not_a_number` and returns `None`. Invisible characters alone
/// (bidirectional marks pasted from a chat) are something typed, just not a number:
/// `phone.not_a_number`, not `phone.empty`. Letters inside the number stay an error: a vanity
/// number such as `1-800-FLOWERS` cannot receive an SMS code.
fn clean(input: &str, check: &mut PhoneCheck) -> Option<(bool, String)> {
    // Folding and the invisible characters are all outside ASCII: an ASCII input is its
    // own folded form, without a copy made a character at a time.
    let folded: Cow<'_, str> = if input.is_ascii() {
        Cow::Borrowed(input)
    } else {
        Cow::Owned(
            input
                .chars()
                .map(text::fold_digit)
                .filter(|c| !text::is_invisible(*c))
                .collect(),
        )
    };
    let s = text::strip_label(&folded);
    if s.is_empty() {
        let only_invisible = folded.chars().all(text::is_space) && input.chars().any(text::is_invisible);
        let code = if only_invisible {
            Code::PhoneNotANumber
        } else {
            Code::PhoneEmpty
        };
        check.findings.push(finding(code));
        return None;
    }
    let Some(start) = s.find(|c: char| c.is_ascii_digit() || c == '+') else {
        check.findings.push(finding(Code::PhoneNotANumber));
        return None;
    };
    let s = s[start..].trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '#'));
    // Every extension the pattern knows has one of these characters (case folding gives `x`
    // no partner but `X`), so a plain number never compiles it: a cold start's phone check
    // compiles no regex at all.
    let marked = s.contains([';', ',', 'x', 'X', '#', '转', '分']);
    let extension = if marked { EXTENSION.captures(s) } else { None };
    let main = match extension {
        Some(caps) => {
            check.has_extension = true;
            caps.get(1).map_or(s, |m| m.as_str())
        }
        None => s,
    };
    let trimmed = main.trim_matches(text::is_space);
    let body = trimmed.trim_start_matches('+');
    let plus = body.len() < trimmed.len();
    let allowed = |c: char| c.is_ascii_digit() || is_separator(c);
    // Byte by byte: an ASCII digit is never part of another character in UTF-8, and
    // collecting `chars()` grew the string a character at a time.
    let mut digits = String::with_capacity(body.len());
    for b in body.bytes().filter(u8::is_ascii_digit) {
        digits.push(char::from(b));
    }
    if !body.chars().all(allowed) || digits.is_empty() {
        check.findings.push(finding(Code::PhoneNotANumber));
        return None;
    }
    Some((plus, digits))
}

/// What people put between the digits of a phone number: spaces, dashes, dots, brackets,
/// slashes, the minus sign and the Japanese long vowel mark (after [`text::fold_digit`]).
fn is_separator(c: char) -> bool {
    text::is_space(c) || matches!(c, '-' | '.' | '(' | ')' | '[' | ']' | '/' | '‐'..='―' | '−' | 'ー')
}

/// The country calling code and the national number that follows it: after a `+` or the
/// default region's international prefix, else the default region's own code (see
/// [`default_country_code`]); without a default region, only after `00`. Pushes
/// `phone.no_region` or `phone.invalid_country_code` and returns `None` when there is no
/// calling code.
fn split_country_code(
    plus: bool,
    digits: &str,
    default: Option<&RegionMeta>,
    check: &mut PhoneCheck,
) -> Option<(u16, String)> {
    let split = if plus {
        extract_country_code(digits)
    } else if let Some(region) = default {
        match region.idd_len(digits) {
            Some(n) => extract_country_code(&digits[n..]),
            None => Ok(default_country_code(region, digits)),
        }
    } else if let Some(rest) = digits
        .strip_prefix("00")
        .filter(|r| !r.is_empty() && !r.starts_with('0'))
    {
        extract_country_code(rest)
    } else {
        check.findings.push(finding(Code::PhoneNoRegion));
        return None;
    };
    match split {
        Ok(v) => Some(v),
        Err(()) => {
            check.findings.push(finding(Code::PhoneInvalidCountryCode));
            None
        }
    }
}

/// The national number without the national (trunk) prefix of the calling code's main
/// region (the default region when it has that code), unless taking it off leaves a number
/// too short or of an invalid length.
fn without_national_prefix(code: u16, national: String, default: Option<&RegionMeta>) -> String {
    let main_region = match default.filter(|r| r.country_code() == code) {
        Some(r) => Some(r),
        None => meta::main_region(code),
    };
    if let Some(region) = main_region {
        if let Some(stripped) = region.strip_national_prefix(&national) {
            if !matches!(
                region.test_length(&stripped),
                Length::TooShort | Length::LocalOnly | Length::Invalid
            ) {
                return stripped;
            }
        }
    }
    national
}

/// `phone.too_short` or `phone.too_long` for a national number outside the lengths
/// libphonenumber parses at all.
fn nsn_bounds(len: usize) -> Option<Code> {
    if len < MIN_NSN {
        Some(Code::PhoneTooShort)
    } else if len > MAX_NSN {
        Some(Code::PhoneTooLong)
    } else {
        None
    }
}

/// Judges the number by its metadata and records in `check` whether its length is
/// possible, its region, its type and its E.164 form. Returns the type, the length verdict
/// and the region, for the findings.
fn classify(
    check: &mut PhoneCheck,
    code: u16,
    national: String,
    length_region: Option<&'static RegionMeta>,
) -> (NumberType, Length, Option<&'static RegionMeta>) {
    let region = meta::region_for_number(code, &national);
    let length = length_region.map_or(Length::Invalid, |r| r.test_length(&national));
    check.possible = matches!(length, Length::Possible | Length::LocalOnly);
    check.region = region.map(RegionMeta::id);
    let number_type = region.map_or(NumberType::Unknown, |r| r.number_type(&national));
    check.number_type = Some(number_type);
    check.e164 = Some(E164 {
        country_code: code,
        national,
    });
    (number_type, length, region)
}

/// The finding for a number that is not in use: its length says why when it is wrong, at
/// `place`.
fn unknown_type(length: Length, place: (String, String)) -> Finding {
    let code = match length {
        Length::TooShort | Length::LocalOnly => Code::PhoneTooShort,
        Length::TooLong => Code::PhoneTooLong,
        Length::Invalid => Code::PhoneInvalidLength,
        Length::Possible => Code::PhoneInvalid,
    };
    at_place(code, place)
}

/// The finding `code` with a [`place`] for its detail.
fn at_place(code: Code, (en, zh): (String, String)) -> Finding {
    finding(code).with_localized_detail(en, zh)
}

/// A region's Chinese name, for a finding's detail; the code where it has none.
fn region_zh(code: &'static str) -> &'static str {
    super::region_name(code, super::Lang::ZhCn).unwrap_or(code)
}

/// The options' checks on a number in use: its region allowed, and a mobile number (or
/// one that may be) when SMS codes must reach it.
fn policy_findings(check: &mut PhoneCheck, number_type: NumberType, options: &PhoneOptions) {
    if let (Some(allowed), Some(id)) = (&options.allowed_regions, check.region) {
        if !allowed.iter().any(|a| a.as_str() == id) {
            check
                .findings
                .push(finding(Code::PhoneRegionNotAllowed).with_localized_detail(id, region_zh(id)));
        }
    }
    if options.require_mobile {
        match number_type {
            NumberType::Mobile => {}
            NumberType::FixedLineOrMobile => check.findings.push(finding(Code::PhoneMaybeNotMobile)),
            other => check.findings.push(
                finding(Code::PhoneNotMobile)
                    .with_localized_detail(other.describe(super::Lang::En), other.describe(super::Lang::ZhCn)),
            ),
        }
    }
}

/// What the number's segment means for an SMS code: a virtual operator's number (as the
/// options say), a data card or IoT line, a satellite phone.
fn segment_findings(check: &mut PhoneCheck, options: &PhoneOptions) {
    let Some(carrier) = &check.carrier else { return };
    let code = match carrier.segment {
        Segment::Standard => return,
        Segment::VirtualOperator => match options.virtual_operator {
            SegmentPolicy::Allow => return,
            SegmentPolicy::Warn => Code::PhoneVirtualOperator,
            SegmentPolicy::Reject => Code::PhoneVirtualOperatorRefused,
        },
        Segment::DataOnly => Code::PhoneDataOnly,
        Segment::Satellite => Code::PhoneSatellite,
    };
    let f = if carrier.name.is_empty() {
        finding(code).with_localized_detail("operator not named", "运营商未注明")
    } else {
        let zh = carrier.name_zh.clone().unwrap_or_else(|| carrier.name.clone());
        finding(code).with_localized_detail(carrier.name.clone(), zh)
    };
    check.findings.push(f);
}

/// libphonenumber's `extractCountryCode`: the first 1-3 digits that form a calling code.
fn extract_country_code(digits: &str) -> Result<(u16, String), ()> {
    if digits.starts_with('0') {
        return Err(());
    }
    for len in 1..=3.min(digits.len()) {
        let code: u16 = digits[..len].parse().map_err(|_| ())?;
        if meta::is_country_code(code) {
            return Ok((code, digits[len..].to_owned()));
        }
    }
    Err(())
}

/// libphonenumber's `maybeExtractCountryCode` for a number without `+` or IDD: it is
/// national, unless it starts with the region's own calling code and reads better without
/// it (`8613800138000` typed with the default region CN).
fn default_country_code(region: &RegionMeta, digits: &str) -> (u16, String) {
    let code = region.country_code();
    let prefix = code.to_string();
    if let Some(rest) = digits.strip_prefix(prefix.as_str()) {
        let stripped = region.strip_national_prefix(rest).unwrap_or_else(|| rest.to_owned());
        if (!region.matches_general(digits) && region.matches_general(&stripped))
            || region.test_length(digits) == Length::TooLong
        {
            return (code, rest.to_owned());
        }
    }
    (code, digits.to_owned())
}

/// The version of libphonenumber's metadata bindcheck judges numbers by
/// (`libphonenumber 9.0.33`, from the `phonenumber` crate's version).
pub fn metadata_version() -> &'static str {
    env!("BINDCHECK_PHONE_METADATA")
}

/// Whether `id` is a region code bindcheck has metadata for (`CN`, `US`, ...).
pub fn is_known_region(id: &str) -> bool {
    id.parse::<Region>().is_ok()
}

/// A region bindcheck has phone metadata for: a CLDR code such as `CN`, `HK` or `US`, in
/// upper case. Parsing ignores case and surrounding spaces; the non-geographic `001` is not
/// a region.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region(&'static str);

/// A string that is not a known region. It does not keep the string: what was typed where a
/// region belongs may be anything, a card number included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("not a known region code")]
pub struct UnknownRegion;

impl Region {
    /// Mainland China, the default region of national-form numbers.
    pub const CN: Region = Region("CN");

    /// The upper-case code.
    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// A region, or none for an empty string or `none` (any case): how flags, profiles,
    /// batch columns and the HTTP API say "international form only".
    pub fn parse_optional(s: &str) -> Result<Option<Region>, UnknownRegion> {
        let s = s.trim();
        if s.is_empty() || s.eq_ignore_ascii_case("none") {
            Ok(None)
        } else {
            s.parse().map(Some)
        }
    }
}

impl FromStr for Region {
    type Err = UnknownRegion;

    fn from_str(s: &str) -> Result<Region, UnknownRegion> {
        meta::region_id(s.trim()).map(Region).ok_or(UnknownRegion)
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Region {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for E164 {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "E164".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "description": "An E.164 number, masked: +86138****8000" })
    }
}

#[cfg(test)]
mod tests;

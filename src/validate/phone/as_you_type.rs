//! Phone numbers formatted as they are typed, as libphonenumber's `AsYouTypeFormatter`
//! formats them: `138` `138 0` ... `138 0013 8000`, `+44 20 7031 3000`, `011 44 20 ...`.
//!
//! The algorithm is libphonenumber's, step by step (its Python port, `phonenumbers` 9.0.33,
//! is the reference: tests/it/reference.rs replays every intermediate output of its
//! formatter). Until three digits of the national number are in, the digits are shown as
//! typed; then the formats whose leading digits fit are kept, a template is made from the
//! first (for `$1 $2 $3` over `(\d{3})(\d{4})(\d{4})`, eleven places in groups of 3, 4
//! and 4), and each digit fills the next place. A `+` or the region's international prefix
//! starts an international number, whose calling code switches the region; a national
//! prefix (`0`, or `1` in the NANP) is set apart. When no format fits, or a character other
//! than a digit is typed, the input is returned as it was typed.
//!
//! [`format_as_you_type`] re-formats what a form field holds and says where the caret goes.

use super::meta::{self, NumberFormat, Region as RegionMeta};
use super::{extract_country_code, is_separator, text, Region};
use std::fmt;

/// Formatting starts once this many digits of the national number are in; the first
/// leading-digits pattern of a format matches that many.
const MIN_LEADING_DIGITS: usize = 3;

/// A place in a template that a digit has not filled yet (the punctuation space).
const PLACEHOLDER: char = '\u{2008}';

/// What separates an international prefix, a calling code or a long national prefix from
/// what follows.
const SEPARATOR: char = ' ';

/// The number a template is made from: nines, as long as any number can be.
const LONGEST_NUMBER: &str = "999999999999999";

/// Formats a phone number digit by digit, as it is typed: libphonenumber's
/// `AsYouTypeFormatter`.
///
/// ```
/// use bindcheck::validate::{AsYouType, Region};
///
/// let mut f = AsYouType::new(Region::CN);
/// let shown: Vec<String> = "13800138000".chars().map(|c| f.input_digit(c).to_owned()).collect();
/// assert_eq!(shown[3], "138 0");
/// // Eight digits are a whole local number (a fixed line without its area code).
/// assert_eq!(shown[7], "1380 0138");
/// assert_eq!(shown[10], "138 0013 8000");
///
/// let mut f = AsYouType::new("US".parse::<Region>().ok());
/// for c in "+44207031300".chars() {
///     f.input_digit(c);
/// }
/// assert_eq!(f.input_digit('0'), "+44 20 7031 3000");
/// ```
///
/// Its `Debug` shows the region and how many characters were typed, never the number.
pub struct AsYouType {
    region: Option<Region>,
    /// The metadata of the calling code typed, else of the region's calling code (its main
    /// region); none without a region, when only numbers starting with `+` are formatted.
    current: Option<&'static RegionMeta>,
    output: String,
    /// Everything typed, as typed.
    typed: String,
    typed_chars: usize,
    /// The digits typed (ASCII) and a leading `+`.
    digits: String,
    template: Vec<char>,
    last_match: usize,
    /// The pattern of the format the template was made from.
    pattern: Option<&'static str>,
    /// The international prefix or `+`, the calling code and a national prefix, formatted.
    prefix: String,
    space_after_national_prefix: bool,
    national_prefix: String,
    national: String,
    able_to_format: bool,
    /// Something other than a digit was typed: the input is shown as typed from then on.
    input_has_formatting: bool,
    /// The remembered digit's position in `digits`, and in `typed`.
    position_to_remember: usize,
    original_position: usize,
    /// An international or national prefix was typed: formats for local numbers are out.
    complete: bool,
    expecting_country_code: bool,
    possible: Vec<&'static NumberFormat>,
}

impl AsYouType {
    /// A formatter for numbers typed in `region` (a [`Region`], or `None` to format only
    /// numbers that start with `+`).
    pub fn new(region: impl Into<Option<Region>>) -> AsYouType {
        let region = region.into();
        AsYouType {
            region,
            current: region
                .and_then(|r| meta::region(r.as_str()))
                .and_then(|r| meta::main_region(r.country_code())),
            output: String::new(),
            typed: String::new(),
            typed_chars: 0,
            digits: String::new(),
            template: Vec::new(),
            last_match: 0,
            pattern: None,
            prefix: String::new(),
            space_after_national_prefix: false,
            national_prefix: String::new(),
            national: String::new(),
            able_to_format: true,
            input_has_formatting: false,
            position_to_remember: 0,
            original_position: 0,
            complete: false,
            expecting_country_code: false,
            possible: Vec::new(),
        }
    }

    /// Forgets what was typed, to format another number in the same region.
    pub fn clear(&mut self) {
        *self = AsYouType::new(self.region);
    }

    /// Adds the next character typed and returns the number formatted so far. Digits of any
    /// script count as digits, and a `+` as the first character; anything else (a space, a
    /// dash) stops the formatting: the input is returned as typed from then on.
    pub fn input_digit(&mut self, c: char) -> &str {
        self.input(c, false);
        &self.output
    }

    /// As [`input_digit`](Self::input_digit), and remembers where this character is, for
    /// [`remembered_position`](Self::remembered_position).
    pub fn input_digit_and_remember_position(&mut self, c: char) -> &str {
        self.input(c, true);
        &self.output
    }

    /// The number formatted so far (what the last `input_digit` returned).
    pub fn output(&self) -> &str {
        &self.output
    }

    /// Where, in characters from the start of [`output`](Self::output), the character last
    /// given to [`input_digit_and_remember_position`](Self::input_digit_and_remember_position)
    /// is now: the position just after it, kept up to date as formatting moves it.
    pub fn remembered_position(&self) -> usize {
        if !self.able_to_format {
            return self.original_position;
        }
        let digits = self.digits.as_bytes();
        let mut matched = 0;
        let mut position = 0;
        for c in self.output.chars() {
            if matched >= self.position_to_remember {
                break;
            }
            if digits.get(matched).is_some_and(|&d| char::from(d) == c) {
                matched += 1;
            }
            position += 1;
        }
        position
    }

    fn input(&mut self, c: char, remember: bool) {
        self.typed.push(c);
        self.typed_chars += 1;
        if remember {
            self.original_position = self.typed_chars;
        }
        let c = text::fold_digit(c);
        if c.is_ascii_digit() || (c == '+' && self.typed_chars == 1) {
            self.digits.push(c);
            if c != '+' {
                self.national.push(c);
            }
            if remember {
                self.position_to_remember = self.digits.len();
            }
        } else {
            self.able_to_format = false;
            self.input_has_formatting = true;
        }
        self.output = self.next_output(c);
    }

    fn next_output(&mut self, c: char) -> String {
        if !self.able_to_format {
            return self.retry_after_prefix();
        }
        // Formatting starts at three digits (a `+` counts as one).
        match self.digits.len() {
            0..=2 => return self.typed.clone(),
            3 => {
                if self.extract_international_prefix() {
                    self.expecting_country_code = true;
                } else {
                    self.national_prefix = self.remove_national_prefix();
                    return self.choose_format();
                }
            }
            _ => {}
        }
        if self.expecting_country_code {
            if self.extract_country_code() {
                self.expecting_country_code = false;
            }
            return format!("{}{}", self.prefix, self.national);
        }
        if self.possible.is_empty() {
            return self.choose_format();
        }
        let filled = self.fill_next_place(c);
        // Digits that a format matches exactly are formatted by it rather than by the template.
        let exact = self.format_exactly();
        if !exact.is_empty() {
            return exact;
        }
        self.narrow_down();
        if self.make_new_template() {
            return self.fill_template();
        }
        if self.able_to_format {
            self.with_prefix(&filled)
        } else {
            self.typed.clone()
        }
    }

    /// When formatting stopped for a reason other than punctuation typed, a long
    /// international or national prefix may be what stopped it: takes it off and tries
    /// again.
    fn retry_after_prefix(&mut self) -> String {
        if self.input_has_formatting {
            return self.typed.clone();
        }
        if self.extract_international_prefix() {
            if self.extract_country_code() {
                return self.choose_format_after_prefix();
            }
        } else if self.extract_longer_national_prefix() {
            // A space after a long national prefix, for readability; not from the rule, so
            // that a later template does not change it.
            self.prefix.push(SEPARATOR);
            return self.choose_format_after_prefix();
        }
        self.typed.clone()
    }

    fn choose_format_after_prefix(&mut self) -> String {
        self.able_to_format = true;
        self.expecting_country_code = false;
        self.possible.clear();
        self.last_match = 0;
        self.template.clear();
        self.pattern = None;
        self.choose_format()
    }

    /// Picks the formats for the national number typed so far and formats it, once three
    /// digits are in.
    fn choose_format(&mut self) -> String {
        if self.national.len() < MIN_LEADING_DIGITS {
            return self.with_prefix(&self.national);
        }
        self.available_formats();
        let exact = self.format_exactly();
        if !exact.is_empty() {
            return exact;
        }
        if self.make_new_template() {
            self.fill_template()
        } else {
            self.typed.clone()
        }
    }

    /// The region's formats that fit how the number was typed (with or without a national
    /// prefix, national or international) and that the formatter can use.
    fn available_formats(&mut self) {
        let international = self.complete && self.national_prefix.is_empty();
        let formats = self.current.map_or(&[][..], |r| r.formats(international));
        for f in formats {
            if !self.national_prefix.is_empty() {
                // A national prefix was typed: formats written without one are out, unless
                // the prefix may be a carrier code.
                if f.first_group_only() && !f.national_prefix_optional() && !f.has_carrier_rule() {
                    continue;
                }
            } else if !self.complete && !f.first_group_only() && !f.national_prefix_optional() {
                // No national prefix typed, and the format needs one.
                continue;
            }
            if f.is_eligible() {
                self.possible.push(f);
            }
        }
        self.narrow_down();
    }

    /// Keeps the formats whose leading-digits pattern for as many digits as the national
    /// number has matches it.
    fn narrow_down(&mut self) {
        let leading = &self.national;
        // Python's negative indexes count from the end; they do not happen in practice.
        let index = leading.len() as isize - MIN_LEADING_DIGITS as isize;
        self.possible.retain(|f| {
            let count = f.leading_digits_count();
            if count == 0 {
                return true;
            }
            let last = index.min(count as isize - 1);
            let last = if last < 0 { count as isize + last } else { last };
            usize::try_from(last).is_ok_and(|i| f.leading_digits_match(i, leading))
        });
    }

    /// Makes a template from the first possible format that can hold the number, dropping
    /// those that cannot. False when the current template stays, or when none fits (then
    /// formatting stops).
    fn make_new_template(&mut self) -> bool {
        while let Some(&f) = self.possible.first() {
            if self.pattern == Some(f.pattern()) {
                return false;
            }
            if let Some(template) = self.template_for(f) {
                self.template = template;
                self.pattern = Some(f.pattern());
                self.space_after_national_prefix = space_after_national_prefix(f);
                self.last_match = 0;
                return true;
            }
            self.possible.remove(0);
        }
        self.able_to_format = false;
        false
    }

    /// The format applied to the longest number its pattern matches, each digit a place to
    /// fill; none when the number typed is already longer.
    fn template_for(&self, f: &NumberFormat) -> Option<Vec<char>> {
        let longest = f.find(LONGEST_NUMBER)?;
        if longest.len() < self.national.len() {
            return None;
        }
        let template: Vec<char> = f
            .apply(longest)
            .chars()
            .map(|c| if c == '9' { PLACEHOLDER } else { c })
            .collect();
        (!template.is_empty()).then_some(template)
    }

    /// Fills the template with every digit of the national number.
    fn fill_template(&mut self) -> String {
        if self.national.is_empty() {
            return self.prefix.clone();
        }
        let mut filled = String::new();
        for c in self.national.clone().chars() {
            filled = self.fill_next_place(c);
        }
        if self.able_to_format {
            self.with_prefix(&filled)
        } else {
            self.typed.clone()
        }
    }

    /// Puts `c` in the template's next free place and returns the template up to it; the
    /// input as typed when the template is full.
    fn fill_next_place(&mut self, c: char) -> String {
        let free = self
            .template
            .get(self.last_match..)
            .is_some_and(|rest| rest.contains(&PLACEHOLDER));
        match self.template.iter().position(|&t| t == PLACEHOLDER).filter(|_| free) {
            Some(place) => {
                self.template[place] = c;
                self.last_match = place;
                self.template[..=place].iter().collect()
            }
            None => {
                if self.possible.len() == 1 {
                    // More digits than the only format holds.
                    self.able_to_format = false;
                }
                self.pattern = None;
                self.typed.clone()
            }
        }
    }

    /// The number formatted by the first possible format whose pattern matches it whole,
    /// if that keeps every digit; else empty.
    fn format_exactly(&mut self) -> String {
        for f in self.possible.clone() {
            if !f.matches_whole(&self.national) {
                continue;
            }
            self.space_after_national_prefix = space_after_national_prefix(f);
            let full = self.with_prefix(&f.apply(&self.national));
            // A format may drop a digit (Mexico's mobile token): then it is not used.
            if diallable(&full) == self.digits {
                return full;
            }
        }
        String::new()
    }

    /// The prefix and the national number, a space between them when the format's national
    /// prefix rule has one and the prefix does not end with one already.
    fn with_prefix(&self, national: &str) -> String {
        if self.space_after_national_prefix && !self.prefix.is_empty() && !self.prefix.ends_with(SEPARATOR) {
            format!("{}{SEPARATOR}{national}", self.prefix)
        } else {
            format!("{}{national}", self.prefix)
        }
    }

    /// Takes a `+` or the region's international prefix off the start of the digits: the
    /// number is international, and the rest starts with its calling code.
    fn extract_international_prefix(&mut self) -> bool {
        let end = match self.current {
            Some(region) => region.international_prefix_len(&self.digits),
            None => self.digits.starts_with('+').then_some(1),
        };
        let Some(end) = end.filter(|&e| e <= self.digits.len()) else {
            return false;
        };
        self.complete = true;
        self.national = self.digits[end..].to_owned();
        self.prefix = self.digits[..end].to_owned();
        if !self.digits.starts_with('+') {
            self.prefix.push(SEPARATOR);
        }
        true
    }

    /// Takes the calling code off the national number, and switches to its region.
    fn extract_country_code(&mut self) -> bool {
        if self.national.is_empty() {
            return false;
        }
        let Ok((code, rest)) = extract_country_code(&self.national) else {
            return false;
        };
        self.national = rest;
        self.current = meta::main_region(code);
        self.prefix.push_str(&code.to_string());
        self.prefix.push(SEPARATOR);
        // A national prefix taken off before no longer counts.
        self.national_prefix.clear();
        true
    }

    /// Takes the national prefix (or carrier code) off the national number, adds it to the
    /// prefix, and returns it: `1` before a NANP number, else what the region's
    /// `national_prefix_for_parsing` matches.
    fn remove_national_prefix(&mut self) -> String {
        let mut start = 0;
        if self.is_nanp_with_national_prefix() {
            start = 1;
            self.prefix.push('1');
            self.prefix.push(SEPARATOR);
            self.complete = true;
        } else if let Some(end) = self
            .current
            .and_then(|r| r.national_prefix_len(&self.national))
            .filter(|&e| e > 0 && e <= self.national.len())
        {
            // With a national prefix, the number is complete: formats for numbers dialled
            // without an area code are out.
            self.complete = true;
            start = end;
            self.prefix.push_str(&self.national[..end]);
        }
        let rest = self.national.split_off(start);
        std::mem::replace(&mut self.national, rest)
    }

    /// A NANP number starting `1[2-9]`: the `1` is the national prefix (national numbers
    /// start with 2-9; `10` and `11` begin short numbers).
    fn is_nanp_with_national_prefix(&self) -> bool {
        let n = self.national.as_bytes();
        self.current.is_some_and(|r| r.country_code() == 1)
            && n.first() == Some(&b'1')
            && n.get(1).is_some_and(|&d| d != b'0' && d != b'1')
    }

    /// Some national prefixes begin others: puts the one taken off back, and tries for a
    /// longer one. True when what comes off now differs from before.
    fn extract_longer_national_prefix(&mut self) -> bool {
        if !self.national_prefix.is_empty() {
            self.national.insert_str(0, &self.national_prefix);
            // Not simply cleared: people type a national prefix after the calling code,
            // `+44 (0)20 ...`.
            match self.prefix.rfind(self.national_prefix.as_str()) {
                Some(i) => self.prefix.truncate(i),
                None => {
                    self.prefix.pop();
                }
            }
        }
        // As libphonenumber does, the prefix taken off now is compared, not kept.
        let previous = self.national_prefix.clone();
        previous != self.remove_national_prefix()
    }
}

/// A space goes between the national prefix and the number when the format's rule has a
/// space or a dash.
fn space_after_national_prefix(f: &NumberFormat) -> bool {
    f.national_prefix_rule().is_some_and(|r| r.contains(['-', ' ']))
}

/// The characters of `s` that are dialled: digits, `+`, `*` and `#`.
fn diallable(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#'))
        .collect()
}

impl fmt::Debug for AsYouType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsYouType")
            .field("region", &self.region)
            .field("typed", &self.typed_chars)
            .finish_non_exhaustive()
    }
}

/// Re-formats a phone field's text as [`AsYouType`] would have formatted it typed digit by
/// digit, and moves the caret with it: `caret` is a position in `text` counted in
/// characters (clamped to its length), and the position returned is in the result, just
/// after the same digit (or `+`) it followed.
///
/// Spaces, dashes, dots, brackets and slashes are the formatting's own and are dropped
/// first; digits of any script become ASCII. A field with anything else in it (letters, an
/// extension, a `+` after the first digit) is returned as it is, with the caret where it
/// was: what people type themselves is not reformatted away.
///
/// ```
/// use bindcheck::validate::{format_as_you_type, Region};
///
/// let cn = Some(Region::CN);
/// assert_eq!(format_as_you_type("13800138000", 11, cn), ("138 0013 8000".to_owned(), 13));
/// // A 9 typed after `138 00`, in `138 0013 800`: the caret stays after it.
/// assert_eq!(format_as_you_type("138 00913 800", 7, cn), ("138 0091 3800".to_owned(), 7));
/// ```
pub fn format_as_you_type(text: &str, caret: usize, region: Option<Region>) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let caret = caret.min(chars.len());
    let mut keys = Vec::with_capacity(chars.len());
    let mut remembered = None;
    for (i, &c) in chars.iter().enumerate() {
        let c = text::fold_digit(c);
        let key = c.is_ascii_digit() || (c == '+' && keys.is_empty());
        if key {
            if i < caret {
                remembered = Some(keys.len());
            }
            keys.push(c);
        } else if !is_separator(c) && !text::is_invisible(c) {
            return (text.to_owned(), caret);
        }
    }
    let mut formatter = AsYouType::new(region);
    for (i, &c) in keys.iter().enumerate() {
        if remembered == Some(i) {
            formatter.input_digit_and_remember_position(c);
        } else {
            formatter.input_digit(c);
        }
    }
    let caret = match remembered {
        Some(_) => formatter.remembered_position().min(formatter.output.chars().count()),
        None => 0,
    };
    (formatter.output, caret)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn typed(region: &str, number: &str) -> Vec<String> {
        let mut f = AsYouType::new(region.parse::<Region>().ok());
        number.chars().map(|c| f.input_digit(c).to_owned()).collect()
    }

    #[test]
    fn a_mainland_mobile_is_grouped_3_4_4() {
        assert_eq!(
            typed("CN", "13800138000"),
            [
                "1",
                "13",
                "138",
                "138 0",
                "138 00",
                "138 001",
                "138 0013",
                // Eight digits are a whole local number (a fixed line without its area code).
                "1380 0138",
                "138 0013 80",
                "138 0013 800",
                "138 0013 8000"
            ]
        );
    }

    #[test]
    fn national_prefixes_and_international_forms() {
        assert_eq!(typed("CN", "01065529988").last().unwrap(), "010 6552 9988");
        assert_eq!(typed("US", "6502530000").last().unwrap(), "(650) 253-0000");
        assert_eq!(typed("US", "16502530000").last().unwrap(), "1 (650) 253-0000");
        assert_eq!(typed("CN", "+8613800138000").last().unwrap(), "+86 138 0013 8000");
        assert_eq!(typed("CN", "00442070313000").last().unwrap(), "00 44 20 7031 3000");
        assert_eq!(typed("US", "011442070313000").last().unwrap(), "011 44 20 7031 3000");
        assert_eq!(typed("GB", "02070313000").last().unwrap(), "020 7031 3000");
        // Without a default region, only `+` numbers are formatted.
        assert_eq!(typed("", "13800138000").last().unwrap(), "13800138000");
        assert_eq!(typed("", "+85251234567").last().unwrap(), "+852 5123 4567");
    }

    #[test]
    fn too_many_digits_or_punctuation_typed_show_the_input() {
        // Twelve digits fit no mobile format; libphonenumber finds another one.
        assert_eq!(typed("CN", "138001380001").last().unwrap(), "13 800 138 0001");
        assert_eq!(typed("CN", "1380013800012").last().unwrap(), "1380013800012");
        assert_eq!(typed("CN", "138-0").last().unwrap(), "138-0");
        assert_eq!(typed("CN", "１３８００").last().unwrap(), "138 00");
    }

    #[test]
    fn the_remembered_position_follows_its_digit() {
        let mut f = AsYouType::new(Region::CN);
        for c in "1380".chars() {
            f.input_digit(c);
        }
        f.input_digit_and_remember_position('0');
        assert_eq!(f.output(), "138 00");
        assert_eq!(f.remembered_position(), 6);
        for c in "138000".chars() {
            f.input_digit(c);
        }
        assert_eq!(f.output(), "138 0013 8000");
        assert_eq!(f.remembered_position(), 6);
        f.clear();
        assert_eq!(f.input_digit('1'), "1");
        assert_eq!(format!("{f:?}"), "AsYouType { region: Some(CN), typed: 1, .. }");
    }

    #[test]
    fn a_field_is_reformatted_around_its_caret() {
        let cn = Some(Region::CN);
        assert_eq!(format_as_you_type("", 0, cn), (String::new(), 0));
        assert_eq!(
            format_as_you_type("138 0013 8000", 99, cn),
            ("138 0013 8000".into(), 13)
        );
        // The caret after a separator sits after the digit before it.
        assert_eq!(format_as_you_type("138 0013 8000", 4, cn), ("138 0013 8000".into(), 3));
        assert_eq!(format_as_you_type("138 0013 8000", 0, cn), ("138 0013 8000".into(), 0));
        assert_eq!(format_as_you_type("+86138", 1, cn), ("+86 138".into(), 1));
        assert_eq!(format_as_you_type("１３８００", 5, cn), ("138 00".into(), 6));
        // Letters, an extension or a second plus: left alone.
        assert_eq!(
            format_as_you_type("138 0013 8000 转 1", 3, cn),
            ("138 0013 8000 转 1".into(), 3)
        );
        assert_eq!(format_as_you_type("138+0", 9, cn), ("138+0".into(), 5));
        assert_eq!(
            format_as_you_type("6502530000", 10, "US".parse().ok()),
            ("(650) 253-0000".into(), 14)
        );
    }

    #[test]
    fn every_format_pattern_compiles() {
        for id in meta::known_regions() {
            let region = meta::region(id).unwrap();
            for international in [false, true] {
                for f in region.formats(international) {
                    assert!(f.compiles(), "{id}: {}", f.pattern());
                }
            }
        }
    }

    /// Strings as a phone field holds them while people type: digits of several scripts,
    /// separators and plus signs, and anything else.
    fn field() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[+＋]?[0-9 ()\\-.]{0,20}",
            "[+]?[0-9０-９١-٩ \u{3000}\u{200B}-]{0,20}",
            "(00|011|\\+)(86|1|44|852|81|800|882)[0-9]{0,14}",
        ]
    }

    fn region() -> impl Strategy<Value = Option<Region>> {
        let mut regions: Vec<Option<Region>> = meta::known_regions().iter().map(|r| r.parse().ok()).collect();
        regions.push(None);
        prop::sample::select(regions)
    }

    /// The digits and a leading `+` in the first `n` characters of `s`, folded to ASCII.
    fn keys(s: &str, n: usize) -> String {
        let mut keys = String::new();
        for c in s.chars().take(n).map(text::fold_digit) {
            if c.is_ascii_digit() || (c == '+' && keys.is_empty()) {
                keys.push(c);
            }
        }
        keys
    }

    proptest! {
        #[test]
        fn a_field_keeps_its_digits_and_its_caret_follows_them(
            s in field(),
            caret in 0usize..30,
            region in region(),
        ) {
            let (out, at) = format_as_you_type(&s, caret, region);
            let len = s.chars().count();
            prop_assert!(at <= out.chars().count());
            prop_assert_eq!(keys(&out, usize::MAX), keys(&s, usize::MAX));
            prop_assert_eq!(keys(&out, at), keys(&s, caret.min(len)));
            // What the formatting writes can be formatted again once the next digit is typed.
            prop_assert!(out == s || out.chars().all(|c| c.is_ascii_digit() || c == '+' || is_separator(c)), "{out:?}");
            // Formatting what was formatted changes nothing.
            prop_assert_eq!(format_as_you_type(&out, at, region), (out.clone(), at));
        }

        #[test]
        fn any_characters_typed_never_panic(s in any::<String>(), remember in 0usize..20, region in region()) {
            let mut f = AsYouType::new(region);
            for (i, c) in s.chars().enumerate() {
                let out = if i == remember {
                    f.input_digit_and_remember_position(c).to_owned()
                } else {
                    f.input_digit(c).to_owned()
                };
                prop_assert_eq!(out.as_str(), f.output());
                let _ = f.remembered_position();
            }
        }
    }
}

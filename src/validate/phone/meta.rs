//! libphonenumber's validity rules over the `phonenumber` crate's metadata.
//!
//! src/build.rs writes the crate's metadata into a static table ([`RegionData`]), so nothing is
//! loaded at start-up (the crate deserializes its whole database, about 50 ms, on first
//! use). The crate's own validator matches national-number patterns only at the start of
//! the number (so `+86 10 0050 843 77` passes), leaves the general possible lengths empty,
//! and shares one 100-entry regex cache between all regions, which thrashes when numbers span
//! many regions. Here every pattern validation needs is a table automaton build.rs made
//! ([`Dfa`], see automaton.rs), matched against the whole number (libphonenumber's
//! `matchesEntirely`) or its start: nothing is compiled at run time, and a region's first
//! number costs what its millionth does. Only a national prefix transform rule (`$1`, for
//! Argentina, Brazil, the NANP islands, ...) needs capture groups: that pattern is compiled
//! with `regex-lite`, once per region, and only when a national prefix is actually there to
//! strip (microseconds, even for Argentina's 566 characters).
//!
//! A region's number formats (for [`super::AsYouType`]) are kept apart from its validity
//! patterns, and each of their patterns is compiled only when the formatter first asks for
//! it: checking numbers never pays for them, and formatting only for the formats in play.
//!
//! `regex-lite` has the `regex` crate's syntax with ASCII classes only, which is what these
//! patterns mean here: every input is ASCII digits by then. The test
//! `run_time_patterns_match_as_the_regex_crate_does` holds the two crates to the same answers
//! on every such pattern of the metadata.

use regex_lite::{Regex, RegexBuilder};
use std::sync::{LazyLock, OnceLock};

use super::automaton::Dfa;
use super::NumberType;

/// One region's metadata as the `phonenumber` crate has it (patterns as written in
/// libphonenumber's XML, possible lengths per type).
pub(super) struct RegionData {
    id: &'static str,
    code: u16,
    /// The main region of a calling code shared by several (US for +1).
    main: bool,
    general: Dfa,
    general_lengths: &'static [u16],
    general_local_lengths: &'static [u16],
    /// (type, pattern, possible lengths, local-only lengths), in libphonenumber's test order.
    types: &'static [(NumberType, Dfa, &'static [u16], &'static [u16])],
    /// The fixed-line and mobile patterns are written the same.
    same_fixed_and_mobile: bool,
    leading_digits: Option<Dfa>,
    /// The national prefix for parsing (the national prefix itself when the region has no
    /// pattern for it), leftmost-first, and as written, for its capture groups.
    national_prefix_for_parsing: Option<(Dfa, &'static str)>,
    transform_rule: Option<&'static str>,
    /// The national prefix pattern's last group matches only something non-empty, so an
    /// empty match leaves the transform rule nothing to do (build.rs, `last_group_nonempty`).
    last_group_nonempty: bool,
    /// Leftmost-first.
    international_prefix: Option<Dfa>,
    formats: &'static [FormatData],
    /// The international formats when some differ from the national ones, else empty.
    intl_formats: &'static [FormatData],
}

/// One number format as libphonenumber's metadata has it.
pub(super) struct FormatData {
    /// Matches the national significant number, a group for each part (`(\d{3})(\d{4})`).
    pattern: &'static str,
    /// The parts joined (`$1 $2`).
    format: &'static str,
    /// Which numbers the format is for: the first pattern matches up to three leading
    /// digits, the next four, and so on.
    leading_digits: &'static [&'static str],
    /// How the national prefix goes with the first group (`0$1`, `($1)`); none: not at all.
    national_prefix_rule: Option<&'static str>,
    national_prefix_optional: bool,
    /// The format has a carrier-code rule (the prefix typed may be a carrier code).
    carrier_rule: bool,
}

include!(concat!(env!("OUT_DIR"), "/phone_metadata.rs"));

/// One number type's descriptor: its full-match pattern and possible lengths.
struct Desc {
    pattern: Dfa,
    lengths: Vec<usize>,
}

/// A region's metadata, its possible lengths gathered.
pub(crate) struct Region {
    data: &'static RegionData,
    /// Possible lengths of any number in the region (union over the types), ascending.
    general_lengths: Vec<usize>,
    /// Lengths only dialable locally (without an area code).
    local_lengths: Vec<usize>,
    /// The types in the order libphonenumber tests them; fixed line and mobile last.
    types: Vec<(NumberType, Desc)>,
    /// The national prefix for parsing with its groups, compiled the first time a transform
    /// rule needs them.
    national_prefix_groups: OnceLock<Option<Regex>>,
    transform_rule: Option<String>,
    /// The national and the international number formats, listed on first use.
    formats: OnceLock<(Vec<NumberFormat>, Vec<NumberFormat>)>,
}

fn compile(pattern: &str, whole: bool) -> Option<Regex> {
    let anchored = if whole {
        format!("^(?:{pattern})$")
    } else {
        format!("^(?:{pattern})")
    };
    RegexBuilder::new(&anchored).ignore_whitespace(true).build().ok()
}

fn usizes(lengths: &[u16]) -> impl Iterator<Item = usize> + '_ {
    lengths.iter().map(|&l| usize::from(l))
}

impl Region {
    fn build(data: &'static RegionData) -> Region {
        // libphonenumber's metadata build sets the general description's possible lengths
        // to the union of the types'; the XML the crate loads leaves them out.
        let mut general_lengths: Vec<usize> = data
            .types
            .iter()
            .flat_map(|(_, _, l, _)| usizes(l))
            .chain(usizes(data.general_lengths))
            .collect();
        general_lengths.sort_unstable();
        general_lengths.dedup();
        let mut local_lengths: Vec<usize> = data
            .types
            .iter()
            .flat_map(|(_, _, _, l)| usizes(l))
            .chain(usizes(data.general_local_lengths))
            .collect();
        local_lengths.sort_unstable();
        local_lengths.dedup();
        // As in the metadata build, a length that is also a full national length is not
        // "local only".
        local_lengths.retain(|l| !general_lengths.contains(l));
        let types = data
            .types
            .iter()
            .map(|&(t, pattern, lengths, _)| {
                let own: Vec<usize> = usizes(lengths).collect();
                let lengths = if own.is_empty() { general_lengths.clone() } else { own };
                (t, Desc { pattern, lengths })
            })
            .collect();
        Region {
            data,
            general_lengths,
            local_lengths,
            types,
            national_prefix_groups: OnceLock::new(),
            // Java's `$1` group references, written as `${1}` for regex-lite.
            transform_rule: data.transform_rule.map(group_references),
            formats: OnceLock::new(),
        }
    }

    pub fn id(&self) -> &'static str {
        self.data.id
    }

    pub fn country_code(&self) -> u16 {
        self.data.code
    }

    /// libphonenumber's `isNumberMatchingDesc` for the general description: the pattern
    /// matches the whole number (possible lengths are checked per type).
    pub fn matches_general(&self, nsn: &str) -> bool {
        self.data.general.matches_whole(nsn)
    }

    fn matches(desc: &Desc, nsn: &str) -> bool {
        (desc.lengths.is_empty() || desc.lengths.contains(&nsn.len())) && desc.pattern.matches_whole(nsn)
    }

    /// libphonenumber's `getNumberTypeHelper`.
    pub fn number_type(&self, nsn: &str) -> NumberType {
        let general_ok =
            (self.general_lengths.is_empty() || self.general_lengths.contains(&nsn.len())) && self.matches_general(nsn);
        if !general_ok {
            return NumberType::Unknown;
        }
        let find = |t: NumberType| self.types.iter().find(|(k, _)| *k == t).map(|(_, d)| d);
        for (t, desc) in &self.types {
            if matches!(t, NumberType::FixedLine | NumberType::Mobile) {
                continue;
            }
            if Self::matches(desc, nsn) {
                return *t;
            }
        }
        let mobile = find(NumberType::Mobile).is_some_and(|d| Self::matches(d, nsn));
        if find(NumberType::FixedLine).is_some_and(|d| Self::matches(d, nsn)) {
            return if self.data.same_fixed_and_mobile || mobile {
                NumberType::FixedLineOrMobile
            } else {
                NumberType::FixedLine
            };
        }
        if !self.data.same_fixed_and_mobile && mobile {
            return NumberType::Mobile;
        }
        NumberType::Unknown
    }

    /// libphonenumber's `testNumberLength` for any number type.
    pub fn test_length(&self, nsn: &str) -> Length {
        let possible = &self.general_lengths;
        let Some(&min) = possible.first() else {
            return Length::Invalid;
        };
        let n = nsn.len();
        if self.local_lengths.contains(&n) {
            Length::LocalOnly
        } else if n == min {
            Length::Possible
        } else if n < min {
            Length::TooShort
        } else if possible.last().is_some_and(|&max| n > max) {
            Length::TooLong
        } else if possible.contains(&n) {
            Length::Possible
        } else {
            Length::Invalid
        }
    }

    /// The length verdict for a number of type `t` (its descriptor's possible lengths, or
    /// the region's when the type has none here): for a range a profile adds.
    pub fn test_type_length(&self, t: NumberType, nsn: &str) -> Length {
        let own = self.types.iter().find(|(k, _)| *k == t).map(|(_, d)| &d.lengths);
        let lengths = own.filter(|l| !l.is_empty()).unwrap_or(&self.general_lengths);
        let n = nsn.len();
        match (lengths.first(), lengths.last()) {
            _ if lengths.contains(&n) => Length::Possible,
            (Some(&min), _) if n < min => Length::TooShort,
            (_, Some(&max)) if n > max => Length::TooLong,
            _ => Length::Invalid,
        }
    }

    /// The length of this region's international (IDD) prefix at the start of `digits`,
    /// when the digit after it is not 0 (libphonenumber's `parsePrefixAsIdd`).
    pub fn idd_len(&self, digits: &str) -> Option<usize> {
        let end = self.data.international_prefix?.match_end(digits)?;
        let rest = digits.get(end..)?;
        (end > 0 && !rest.is_empty() && !rest.starts_with('0')).then_some(end)
    }

    /// libphonenumber's `maybeStripNationalPrefixAndCarrierCode`: the number without its
    /// national (trunk) prefix and carrier code, or `None` when nothing should be stripped.
    pub fn strip_national_prefix(&self, number: &str) -> Option<String> {
        let (dfa, pattern) = self.data.national_prefix_for_parsing?;
        let end = dfa.match_end(number)?;
        let viable = self.matches_general(number);
        let groups_can_take_part = end > 0 || !self.data.last_group_nonempty;
        if let Some(rule) = self.transform_rule.as_ref().filter(|_| groups_can_take_part) {
            // The rule needs the groups: the one case that compiles a pattern, once per region.
            let re = self.national_prefix_groups.get_or_init(|| compile(pattern, false));
            let caps = re.as_ref()?.captures(number)?;
            let whole = caps.get(0)?;
            let last_group = caps.len().checked_sub(1).filter(|&i| i > 0).and_then(|i| caps.get(i));
            if last_group.is_some() {
                let mut transformed = String::new();
                caps.expand(rule, &mut transformed);
                transformed.push_str(&number[whole.end()..]);
                return (!viable || self.matches_general(&transformed)).then_some(transformed);
            }
        }
        let rest = number.get(end..)?;
        (!viable || self.matches_general(rest)).then(|| rest.to_owned())
    }

    /// The number formats for numbers dialled within the region, or, with `international`,
    /// from abroad (the national ones when the region has no international ones of its own).
    pub fn formats(&self, international: bool) -> &[NumberFormat] {
        let (national, intl) = self.formats.get_or_init(|| {
            let build = |list: &'static [FormatData]| list.iter().map(NumberFormat::build).collect();
            (build(self.data.formats), build(self.data.intl_formats))
        });
        if international && !intl.is_empty() {
            intl
        } else {
            national
        }
    }

    /// The length of what libphonenumber's as-you-type formatter takes for an international
    /// prefix at the start of `digits`: a `+`, or a match of the region's pattern (a region
    /// without one, a non-geographic entity, matches the empty string there).
    pub fn international_prefix_len(&self, digits: &str) -> Option<usize> {
        if digits.starts_with('+') {
            return Some(1);
        }
        match self.data.international_prefix {
            None => Some(0),
            Some(dfa) => dfa.match_end(digits),
        }
    }

    /// The length of the national prefix (or carrier code) at the start of `digits`, as
    /// `national_prefix_for_parsing` matches it.
    pub fn national_prefix_len(&self, digits: &str) -> Option<usize> {
        self.data.national_prefix_for_parsing?.0.match_end(digits)
    }

    fn matches_leading_digits(&self, nsn: &str) -> Option<bool> {
        self.data.leading_digits.map(|dfa| dfa.matches_prefix(nsn))
    }
}

/// A number format for the as-you-type formatter, each pattern compiled the first time it
/// is needed: most formats of a region are ruled out by their first leading-digits pattern.
pub(crate) struct NumberFormat {
    data: &'static FormatData,
    /// The pattern as libphonenumber applies it: searched for, every match replaced.
    pattern: OnceLock<Option<Regex>>,
    whole: OnceLock<Option<Regex>>,
    /// The format with `${1}` group references, as regex-lite writes them.
    replacement: String,
    leading_digits: Vec<OnceLock<Option<Regex>>>,
    first_group_only: bool,
    eligible: bool,
}

/// Punctuation libphonenumber accepts in a number (its `VALID_PUNCTUATION`).
fn is_punctuation(c: char) -> bool {
    matches!(
        c,
        '-' | 'x' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{30FC}' | '\u{FF0D}'..='\u{FF0F}' | ' ' | '\u{00A0}'
            | '\u{00AD}' | '\u{200B}' | '\u{2060}' | '\u{3000}' | '(' | ')' | '\u{FF08}' | '\u{FF09}' | '\u{FF3B}'
            | '\u{FF3D}' | '.' | '[' | ']' | '/' | '~' | '\u{2053}' | '\u{223C}' | '\u{FF5E}'
    )
}

/// A format the as-you-type formatter can use: group references and punctuation only, the
/// first group first (the formatter's `ELIGIBLE_FORMAT_PATTERN`, `[P]*\$1[P]*(\$\d[P]*)*`),
/// so that no digit is lost or added.
fn is_eligible(format: &str) -> bool {
    let rest = format.trim_start_matches(is_punctuation);
    let Some(mut rest) = rest.strip_prefix("$1") else {
        return false;
    };
    loop {
        rest = rest.trim_start_matches(is_punctuation);
        let mut chars = rest.chars();
        match (chars.next(), chars.next()) {
            (None, _) => return true,
            (Some('$'), Some(d)) if d.is_ascii_digit() => rest = chars.as_str(),
            _ => return false,
        }
    }
}

/// A national prefix rule that puts no prefix before the first group: `$1`, `($1)` (the
/// formatter's `FIRST_GROUP_ONLY_PREFIX_PATTERN`, `\(?\$1\)?`).
fn is_first_group_only(rule: &str) -> bool {
    let rule = rule.strip_prefix('(').unwrap_or(rule);
    let rule = rule.strip_suffix(')').unwrap_or(rule);
    rule == "$1"
}

impl NumberFormat {
    fn build(data: &'static FormatData) -> NumberFormat {
        NumberFormat {
            data,
            pattern: OnceLock::new(),
            whole: OnceLock::new(),
            replacement: group_references(data.format),
            leading_digits: data.leading_digits.iter().map(|_| OnceLock::new()).collect(),
            first_group_only: data.national_prefix_rule.is_none_or(is_first_group_only),
            eligible: is_eligible(data.format),
        }
    }

    /// The pattern's text, which identifies the format's template.
    pub fn pattern(&self) -> &'static str {
        self.data.pattern
    }

    /// The national prefix formatting rule (`0$1`), if the format has one.
    pub fn national_prefix_rule(&self) -> Option<&'static str> {
        self.data.national_prefix_rule
    }

    /// The rule puts nothing before the first group (or there is no rule).
    pub fn first_group_only(&self) -> bool {
        self.first_group_only
    }

    pub fn national_prefix_optional(&self) -> bool {
        self.data.national_prefix_optional
    }

    pub fn has_carrier_rule(&self) -> bool {
        self.data.carrier_rule
    }

    /// The format consists of groups and punctuation, starting with the first group.
    pub fn is_eligible(&self) -> bool {
        self.eligible
    }

    /// How many leading-digits patterns the format has.
    pub fn leading_digits_count(&self) -> usize {
        self.leading_digits.len()
    }

    /// Whether leading-digits pattern `index` matches the start of `digits` (a pattern that
    /// does not compile matches nothing).
    pub fn leading_digits_match(&self, index: usize, digits: &str) -> bool {
        let (Some(slot), Some(source)) = (self.leading_digits.get(index), self.data.leading_digits.get(index)) else {
            return false;
        };
        slot.get_or_init(|| compile(source, false))
            .as_ref()
            .is_some_and(|re| re.is_match(digits))
    }

    /// Whether every pattern of the format compiles (they all should).
    #[cfg(test)]
    pub fn compiles(&self) -> bool {
        self.search_regex().is_some()
            && self.whole_regex().is_some()
            && (0..self.leading_digits.len()).all(|i| {
                self.leading_digits_match(i, "");
                self.leading_digits[i].get().is_some_and(Option::is_some)
            })
    }

    fn search_regex(&self) -> Option<&Regex> {
        self.pattern.get_or_init(|| Regex::new(self.data.pattern).ok()).as_ref()
    }

    fn whole_regex(&self) -> Option<&Regex> {
        self.whole.get_or_init(|| compile(self.data.pattern, true)).as_ref()
    }

    /// The pattern matches the whole of `digits`.
    pub fn matches_whole(&self, digits: &str) -> bool {
        self.whole_regex().is_some_and(|re| re.is_match(digits))
    }

    /// The first match of the pattern in `digits`.
    pub fn find<'a>(&self, digits: &'a str) -> Option<&'a str> {
        Some(self.search_regex()?.find(digits)?.as_str())
    }

    /// `digits` with every match of the pattern replaced by the format (Java's `replaceAll`).
    pub fn apply(&self, digits: &str) -> String {
        match self.search_regex() {
            Some(re) => re.replace_all(digits, self.replacement.as_str()).into_owned(),
            None => digits.to_owned(),
        }
    }
}

/// Java's `$1` group references written as `${1}` for regex-lite, every other `$` literal.
fn group_references(template: &str) -> String {
    let mut out = String::with_capacity(template.len() + 8);
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('$', Some(d)) if d.is_ascii_digit() => {
                out.push_str("${");
                out.push(*d);
                out.push('}');
                chars.next();
            }
            ('$', _) => out.push_str("$$"),
            _ => out.push(c),
        }
    }
    out
}

/// The result of libphonenumber's `testNumberLength`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Length {
    Possible,
    LocalOnly,
    TooShort,
    TooLong,
    Invalid,
}

/// Every region's slot, compiled on first use; [`REGIONS`] is ordered by calling code.
static COMPILED: LazyLock<Vec<OnceLock<Region>>> = LazyLock::new(|| REGIONS.iter().map(|_| OnceLock::new()).collect());

/// The indexes in [`REGIONS`] of each country calling code's regions, indexed by the code
/// (at most 3 digits): a phone check looks its code up several times, and an array index costs a few
/// instructions where a hash of the code cost about a hundred.
static BY_CODE: LazyLock<Vec<Vec<usize>>> = LazyLock::new(|| {
    let mut by_code: Vec<Vec<usize>> = Vec::new();
    for (i, r) in REGIONS.iter().enumerate() {
        let code = usize::from(r.code);
        if by_code.len() <= code {
            by_code.resize_with(code + 1, Vec::new);
        }
        by_code[code].push(i);
    }
    by_code
});

fn compiled(index: usize) -> &'static Region {
    COMPILED[index].get_or_init(|| Region::build(&REGIONS[index]))
}

fn regions_of(code: u16) -> &'static [usize] {
    BY_CODE.get(usize::from(code)).map_or(&[], Vec::as_slice)
}

/// The CLDR codes (upper case, not the non-geographic `001`) with the index of their first
/// region in [`REGIONS`], by the code's two letters (`AA` first, `ZZ` last; empty where no
/// region has the code): a batch row names its region and every phone check looks its
/// default region up, and a search of some 250 codes cost more than validating the number.
static BY_ID: LazyLock<Vec<Option<(&'static str, usize)>>> = LazyLock::new(|| {
    let mut ids = vec![None; 26 * 26];
    for (i, r) in REGIONS.iter().enumerate() {
        if let Some(slot) = letters(r.id) {
            // The first region of a code stays first, as a search in order finds it.
            ids[slot].get_or_insert((r.id, i));
        }
    }
    ids
});

/// Where a two-letter code, in any case, is in [`BY_ID`].
fn letters(id: &str) -> Option<usize> {
    match id.as_bytes() {
        &[a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            let at = |c: u8| usize::from(c.to_ascii_uppercase() - b'A');
            Some(at(a) * 26 + at(b))
        }
        _ => None,
    }
}

/// The entry of [`BY_ID`] of the code `id` names in any case.
fn by_id(id: &str) -> Option<&'static (&'static str, usize)> {
    BY_ID[letters(id)?].as_ref()
}

/// The region for a CLDR code such as `CN` (not the non-geographic `001`).
pub(crate) fn region(id: &str) -> Option<&'static Region> {
    by_id(id).filter(|(r, _)| *r == id).map(|(_, i)| compiled(*i))
}

/// The CLDR code metadata exists for, matching `id` in any case, without compiling its
/// patterns.
pub(crate) fn region_id(id: &str) -> Option<&'static str> {
    by_id(id).map(|(r, _)| *r)
}

/// Whether `code` is a country calling code in use.
pub(crate) fn is_country_code(code: u16) -> bool {
    !regions_of(code).is_empty()
}

/// The main region for a country calling code (the first listed; `001` entities too).
pub(crate) fn main_region(code: u16) -> Option<&'static Region> {
    let indexes = regions_of(code);
    let main = indexes.iter().find(|&&i| REGIONS[i].main).or(indexes.first())?;
    Some(compiled(*main))
}

/// libphonenumber's `getRegionCodeForNumber`: which region sharing `code` a national
/// significant number belongs to.
pub(crate) fn region_for_number(code: u16, nsn: &str) -> Option<&'static Region> {
    let indexes = regions_of(code);
    if let [only] = indexes {
        return Some(compiled(*only));
    }
    for &i in indexes {
        let region = compiled(i);
        match region.matches_leading_digits(nsn) {
            Some(true) => return Some(region),
            Some(false) => continue,
            None if region.number_type(nsn) != NumberType::Unknown => return Some(region),
            None => {}
        }
    }
    None
}

/// Every known CLDR region code, sorted (for `--region` errors and docs).
pub fn known_regions() -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = REGIONS.iter().map(|r| r.id).filter(|id| *id != "001").collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_found_as_a_linear_search_finds_them() {
        for (i, r) in REGIONS.iter().enumerate() {
            let first = REGIONS.iter().position(|o| o.id == r.id).unwrap();
            let lower = r.id.to_ascii_lowercase();
            if r.id == "001" {
                assert!(region("001").is_none() && region_id("001").is_none());
                continue;
            }
            assert!(std::ptr::eq(region(r.id).unwrap(), compiled(first)), "{} at {i}", r.id);
            assert_eq!((region_id(r.id), region_id(&lower)), (Some(r.id), Some(r.id)));
            assert!(region(&lower).is_none(), "{lower}: `region` takes the upper-case code");
        }
        for unknown in ["", "C", "ZZ", "CNN", "c\u{0}"] {
            assert_eq!(region_id(unknown), None, "{unknown:?}");
        }
    }

    /// A fixed-seed xorshift generator: the same strings on every run.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn digits(&mut self, len: usize) -> String {
            (0..len).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
        }
    }

    /// The strings an automaton is checked on: every prefix of the region's example numbers,
    /// each example with a digit more, random digit strings, random walks that stay inside the
    /// automaton (so that long matches are reached, not only early deaths), and some of those
    /// with a character that is not a digit.
    fn inputs(examples: &[&str], dfa: Dfa, rng: &mut Rng) -> Vec<String> {
        let mut out = Vec::new();
        for e in examples {
            out.extend((0..=e.len()).map(|i| e[..i].to_owned()));
            out.extend((0..10).map(|d| format!("{e}{d}")));
        }
        for _ in 0..40 {
            let len = rng.below(18);
            out.push(rng.digits(len));
        }
        for _ in 0..40 {
            let (mut walk, mut state) = (String::new(), dfa);
            while walk.len() < 20 {
                let live: Vec<u8> = (0..10).filter(|&d| state.next(d) != Dfa(0)).collect();
                if live.is_empty() {
                    break;
                }
                let d = live[rng.below(live.len())];
                walk.push(char::from(b'0' + d));
                state = state.next(d);
                if rng.below(6) == 0 {
                    break;
                }
            }
            if rng.below(4) == 0 {
                let len = rng.below(4);
                walk.push_str(&rng.digits(len));
            }
            if rng.below(8) == 0 {
                let at = rng.below(walk.len() + 1);
                walk.insert(at, ['+', ' ', '-', 'a', '٣'][rng.below(5)]);
            }
            out.push(walk);
        }
        out
    }

    /// A pattern as the `regex` crate compiles it, anchored as [`compile`] anchors it: the
    /// reference both the automata and regex-lite are held to.
    fn reference(pattern: &str, whole: bool) -> regex::Regex {
        let anchored = if whole {
            format!("^(?:{pattern})$")
        } else {
            format!("^(?:{pattern})")
        };
        regex::RegexBuilder::new(&anchored)
            .ignore_whitespace(true)
            .unicode(false)
            .build()
            .unwrap_or_else(|e| panic!("{pattern:?} compiles: {e}"))
    }

    /// Random digit strings, and the region's example numbers with each prefix and a digit
    /// more: the strings a run-time pattern is checked on.
    fn digit_strings(region: &str, rng: &mut Rng) -> Vec<String> {
        let mut out: Vec<String> = (0..60)
            .map(|_| {
                let len = rng.below(19);
                rng.digits(len)
            })
            .collect();
        for (_, list) in EXAMPLES.iter().filter(|(id, _)| *id == region) {
            for e in list.iter() {
                out.extend((0..=e.len()).map(|i| e[..i].to_owned()));
                out.extend((0..10).map(|d| format!("{e}{d}")));
                out.push(format!("0{e}"));
                out.push(format!("1{e}"));
            }
        }
        out
    }

    /// The patterns still matched at run time (a national prefix with its groups and the
    /// transform rule, the as-you-type formats and their leading digits) give the same
    /// answers under regex-lite as under the `regex` crate: every region, every pattern.
    #[test]
    fn run_time_patterns_match_as_the_regex_crate_does() {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let (mut rules, mut formats) = (0, 0);
        for (index, data) in REGIONS.iter().enumerate() {
            let region = compiled(index);
            let inputs = digit_strings(data.id, &mut rng);
            if let (Some((_, pattern)), Some(rule)) = (data.national_prefix_for_parsing, &region.transform_rule) {
                let lite = compile(pattern, false).unwrap_or_else(|| panic!("{pattern:?} compiles in regex-lite"));
                let full = reference(pattern, false);
                for input in &inputs {
                    let (a, b) = (lite.captures(input), full.captures(input));
                    let spans =
                        |n: usize, get: &dyn Fn(usize) -> Option<(usize, usize)>| (0..n).map(get).collect::<Vec<_>>();
                    let lite_spans = a
                        .as_ref()
                        .map(|c| spans(c.len(), &|i| c.get(i).map(|m| (m.start(), m.end()))));
                    let full_spans = b
                        .as_ref()
                        .map(|c| spans(c.len(), &|i| c.get(i).map(|m| (m.start(), m.end()))));
                    assert_eq!(lite_spans, full_spans, "{} {pattern:?} on {input:?}", data.id);
                    // What build.rs found lets an empty match skip the groups: it must be so.
                    if let Some(c) = b.as_ref().filter(|c| data.last_group_nonempty && c[0].is_empty()) {
                        assert!(c.get(c.len() - 1).is_none(), "{} {pattern:?} on {input:?}", data.id);
                    }
                    if let (Some(a), Some(b)) = (a, b) {
                        let (mut x, mut y) = (String::new(), String::new());
                        a.expand(rule, &mut x);
                        b.expand(rule, &mut y);
                        assert_eq!(x, y, "{} {rule:?} on {input:?}", data.id);
                    }
                }
                rules += 1;
            }
            for format in region.formats(false).iter().chain(region.formats(true)) {
                let search = regex::RegexBuilder::new(format.pattern())
                    .unicode(false)
                    .build()
                    .expect("compiles");
                let whole = reference(format.pattern(), true);
                let leading: Vec<regex::Regex> = format
                    .data
                    .leading_digits
                    .iter()
                    .map(|source| reference(source, false))
                    .collect();
                for input in &inputs {
                    let at = || format!("{} {:?} on {input:?}", data.id, format.pattern());
                    assert_eq!(format.find(input), search.find(input).map(|m| m.as_str()), "{}", at());
                    assert_eq!(format.matches_whole(input), whole.is_match(input), "{}", at());
                    let want = search.replace_all(input, format.replacement.as_str());
                    assert_eq!(format.apply(input), want, "{}", at());
                    for (i, want) in leading.iter().enumerate() {
                        assert_eq!(
                            format.leading_digits_match(i, input),
                            want.is_match(input),
                            "{} {want:?}",
                            at()
                        );
                    }
                }
                formats += 1;
            }
        }
        assert!(rules >= 30, "{rules} transform rules");
        let skipping = REGIONS
            .iter()
            .filter(|r| r.transform_rule.is_some() && r.last_group_nonempty)
            .count();
        assert!(skipping >= 25, "{skipping} rules skip their groups on an empty match");
        assert!(formats > 1000, "{formats} formats");
    }

    /// For every region and every pattern validation uses, the table automaton answers as the
    /// `regex` crate did: whole matches, prefix matches, and where `find` ends.
    #[test]
    fn automata_agree_with_the_regex_crate() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut seen = HashSet::new();
        let mut checked = 0;
        let mut compiled = std::collections::HashMap::new();
        for &(region, pattern, first, dfa) in SOURCES {
            if !seen.insert((region, pattern, first)) {
                continue;
            }
            let examples: Vec<&str> = EXAMPLES
                .iter()
                .filter(|(id, _)| *id == region)
                .flat_map(|(_, e)| e.iter().copied())
                .collect();
            // Regions share many patterns: each is compiled once.
            let (start, whole) = compiled
                .entry(pattern)
                .or_insert_with(|| (reference(pattern, false), reference(pattern, true)));
            for input in inputs(&examples, dfa, &mut rng) {
                let at = || format!("{region} {pattern:?} on {input:?}");
                if first {
                    assert_eq!(dfa.match_end(&input), start.find(&input).map(|m| m.end()), "{}", at());
                } else {
                    assert_eq!(dfa.matches_whole(&input), whole.is_match(&input), "{}", at());
                    assert_eq!(dfa.matches_prefix(&input), start.is_match(&input), "{}", at());
                }
                checked += 1;
            }
        }
        // Every region's general pattern and more: the table covers the whole metadata.
        assert!(seen.len() > 2 * REGIONS.len(), "{} patterns", seen.len());
        assert!(checked > 100 * seen.len(), "{checked} strings");
    }

    #[test]
    fn formats_the_as_you_type_formatter_can_use() {
        for format in ["$1", "$1 $2", "($1) $2-$3", "$1-$2 $3", "$1/$2", " $1 ", "$1　$2"] {
            assert!(is_eligible(format), "{format}");
        }
        // A star (Israel's star numbers), a digit of its own, the first group later, none.
        for format in ["*$1", "$1 0 $2", "$2 $1", "$1$", "", "$$1", "$1 $x"] {
            assert!(!is_eligible(format), "{format}");
        }
    }

    #[test]
    fn rules_without_a_national_prefix() {
        for rule in ["$1", "($1)", "($1", "$1)"] {
            assert!(is_first_group_only(rule), "{rule}");
        }
        for rule in ["0$1", "(0$1)", "8 ($1)", "(($1)", ""] {
            assert!(!is_first_group_only(rule), "{rule}");
        }
    }
}

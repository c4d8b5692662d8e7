//! libphonenumber's validity rules over the `phonenumber` crate's metadata.
//!
//! src/build.rs writes the crate's metadata into a static table ([`RegionData`]), so nothing is
//! loaded at start-up (the crate deserializes its whole database, about 50 ms, on first
//! use). The crate's own validator matches national-number patterns only at the start of
//! the number (so `+86 10 0050 843 77` passes), leaves the general possible lengths empty,
//! and shares one 100-entry regex cache between all regions, which thrashes when numbers span
//! many regions. Here every pattern is compiled once per region, anchored at both ends
//! (libphonenumber's `matchesEntirely`), and kept: a region's patterns are built on first
//! use, so a run that sees only Chinese numbers compiles only China's.

use regex::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use super::NumberType;

/// One region's metadata as the `phonenumber` crate has it (patterns as written in
/// libphonenumber's XML, possible lengths per type).
pub(super) struct RegionData {
    id: &'static str,
    code: u16,
    /// The main region of a calling code shared by several (US for +1).
    main: bool,
    general: &'static str,
    general_lengths: &'static [u16],
    general_local_lengths: &'static [u16],
    /// (type, pattern, possible lengths, local-only lengths), in libphonenumber's test order.
    types: &'static [(NumberType, &'static str, &'static [u16], &'static [u16])],
    leading_digits: Option<&'static str>,
    national_prefix: Option<&'static str>,
    national_prefix_for_parsing: Option<&'static str>,
    transform_rule: Option<&'static str>,
    international_prefix: Option<&'static str>,
}

include!(concat!(env!("OUT_DIR"), "/phone_metadata.rs"));

/// One number type's descriptor: its full-match pattern and possible lengths.
struct Desc {
    pattern: Regex,
    lengths: Vec<usize>,
}

/// A region's metadata with its patterns compiled for whole-number matching.
pub(crate) struct Region {
    data: &'static RegionData,
    general: Option<Regex>,
    /// Possible lengths of any number in the region (union over the types), ascending.
    general_lengths: Vec<usize>,
    /// Lengths only dialable locally (without an area code).
    local_lengths: Vec<usize>,
    /// The types in the order libphonenumber tests them; fixed line and mobile last.
    types: Vec<(NumberType, Desc)>,
    same_fixed_and_mobile: bool,
    leading_digits: Option<Regex>,
    national_prefix_for_parsing: Option<Regex>,
    transform_rule: Option<String>,
    international_prefix: Option<Regex>,
}

fn compile(pattern: &str, whole: bool) -> Option<Regex> {
    let anchored = if whole {
        format!("^(?:{pattern})$")
    } else {
        format!("^(?:{pattern})")
    };
    // Inputs are ASCII digits by now, so ASCII `\d` means the same as Unicode `\d` and compiles
    // several times faster (China's fixed-line pattern dominates a cold start).
    RegexBuilder::new(&anchored)
        .ignore_whitespace(true)
        .unicode(false)
        .build()
        .ok()
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
            .filter_map(|(t, pattern, lengths, _)| {
                let own: Vec<usize> = usizes(lengths).collect();
                Some((
                    *t,
                    Desc {
                        pattern: compile(pattern, true)?,
                        lengths: if own.is_empty() { general_lengths.clone() } else { own },
                    },
                ))
            })
            .collect();
        let pattern_of = |kind: NumberType| data.types.iter().find(|(t, ..)| *t == kind).map(|(_, p, ..)| *p);
        let same_fixed_and_mobile = matches!(
            (pattern_of(NumberType::FixedLine), pattern_of(NumberType::Mobile)),
            (Some(f), Some(m)) if f == m
        );
        let npp = match (data.national_prefix_for_parsing, data.national_prefix) {
            (Some(re), _) => compile(re, false),
            (None, Some(prefix)) => compile(&regex::escape(prefix), false),
            (None, None) => None,
        };
        Region {
            data,
            general: compile(data.general, true),
            general_lengths,
            local_lengths,
            types,
            same_fixed_and_mobile,
            leading_digits: data.leading_digits.and_then(|re| compile(re, false)),
            national_prefix_for_parsing: npp,
            // Java's `$1` group references, written as `${1}` for the regex crate.
            transform_rule: data.transform_rule.map(|rule| {
                Regex::new(r"\$(\d)").map_or(rule.to_owned(), |re| re.replace_all(rule, "$${$1}").into_owned())
            }),
            international_prefix: data.international_prefix.and_then(|re| compile(re, false)),
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
        self.general.as_ref().is_some_and(|re| re.is_match(nsn))
    }

    fn matches(desc: &Desc, nsn: &str) -> bool {
        (desc.lengths.is_empty() || desc.lengths.contains(&nsn.len())) && desc.pattern.is_match(nsn)
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
            return if self.same_fixed_and_mobile || mobile {
                NumberType::FixedLineOrMobile
            } else {
                NumberType::FixedLine
            };
        }
        if !self.same_fixed_and_mobile && mobile {
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
        let m = self.international_prefix.as_ref()?.find(digits)?;
        let rest = &digits[m.end()..];
        (m.end() > 0 && !rest.is_empty() && !rest.starts_with('0')).then_some(m.end())
    }

    /// libphonenumber's `maybeStripNationalPrefixAndCarrierCode`: the number without its
    /// national (trunk) prefix and carrier code, or `None` when nothing should be stripped.
    pub fn strip_national_prefix(&self, number: &str) -> Option<String> {
        let re = self.national_prefix_for_parsing.as_ref()?;
        let caps = re.captures(number)?;
        let whole = caps.get(0)?;
        let viable = self.matches_general(number);
        let last_group = caps.len().checked_sub(1).filter(|&i| i > 0).and_then(|i| caps.get(i));
        match (&self.transform_rule, last_group) {
            (Some(rule), Some(_)) => {
                let mut transformed = String::new();
                caps.expand(rule, &mut transformed);
                transformed.push_str(&number[whole.end()..]);
                (!viable || self.matches_general(&transformed)).then_some(transformed)
            }
            _ => {
                let rest = &number[whole.end()..];
                (!viable || self.matches_general(rest)).then(|| rest.to_owned())
            }
        }
    }

    fn matches_leading_digits(&self, nsn: &str) -> Option<bool> {
        self.leading_digits.as_ref().map(|re| re.is_match(nsn))
    }
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

/// Calling code to the indexes of its regions in [`REGIONS`].
static BY_CODE: LazyLock<HashMap<u16, Vec<usize>>> = LazyLock::new(|| {
    let mut map: HashMap<u16, Vec<usize>> = HashMap::new();
    for (i, r) in REGIONS.iter().enumerate() {
        map.entry(r.code).or_default().push(i);
    }
    map
});

fn compiled(index: usize) -> &'static Region {
    COMPILED[index].get_or_init(|| Region::build(&REGIONS[index]))
}

fn regions_of(code: u16) -> &'static [usize] {
    BY_CODE.get(&code).map_or(&[], Vec::as_slice)
}

/// The region for a CLDR code such as `CN` (not the non-geographic `001`).
pub(crate) fn region(id: &str) -> Option<&'static Region> {
    (id != "001")
        .then(|| REGIONS.iter().position(|r| r.id == id))
        .flatten()
        .map(compiled)
}

/// The CLDR code metadata exists for, matching `id` in any case, without compiling its
/// patterns.
pub(crate) fn region_id(id: &str) -> Option<&'static str> {
    REGIONS
        .iter()
        .map(|r| r.id)
        .find(|r| *r != "001" && r.eq_ignore_ascii_case(id))
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

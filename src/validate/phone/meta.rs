//! libphonenumber's validity rules over the `phonenumber` crate's metadata.
//!
//! The crate's own validator matches national-number patterns only at the start of the
//! number (so `+86 10 0050 843 77` passes), leaves the general possible lengths empty, and
//! shares one 100-entry regex cache between all regions, which thrashes when numbers span
//! many regions. Here every pattern is compiled once per region, anchored at both ends
//! (libphonenumber's `matchesEntirely`), and kept: a region's patterns are built on first
//! use, so a run that sees only Chinese numbers compiles only China's.

use phonenumber::metadata::{Descriptor, DATABASE};
use phonenumber::Metadata;
use regex::{Regex, RegexBuilder};
use std::collections::HashMap;
use std::sync::{LazyLock, OnceLock};

use super::NumberType;

/// One number type's descriptor: its full-match pattern and possible lengths.
struct Desc {
    pattern: Regex,
    lengths: Vec<usize>,
}

/// A region's metadata with its patterns compiled for whole-number matching.
pub(crate) struct Region {
    pub meta: &'static Metadata,
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
    RegexBuilder::new(&anchored).ignore_whitespace(true).build().ok()
}

fn lengths(d: &Descriptor) -> Vec<usize> {
    d.possible_length().iter().map(|&l| usize::from(l)).collect()
}

impl Region {
    fn build(meta: &'static Metadata) -> Region {
        let d = meta.descriptors();
        let typed: [(NumberType, Option<&Descriptor>); 10] = [
            (NumberType::PremiumRate, d.premium_rate()),
            (NumberType::TollFree, d.toll_free()),
            (NumberType::SharedCost, d.shared_cost()),
            (NumberType::Voip, d.voip()),
            (NumberType::PersonalNumber, d.personal_number()),
            (NumberType::Pager, d.pager()),
            (NumberType::Uan, d.uan()),
            (NumberType::Voicemail, d.voicemail()),
            (NumberType::FixedLine, d.fixed_line()),
            (NumberType::Mobile, d.mobile()),
        ];
        // libphonenumber's metadata build sets the general description's possible lengths
        // to the union of the types'; the XML the crate loads leaves them out.
        let mut general_lengths: Vec<usize> = typed.iter().filter_map(|(_, d)| *d).flat_map(lengths).collect();
        general_lengths.extend(lengths(d.general()));
        general_lengths.sort_unstable();
        general_lengths.dedup();
        let mut local_lengths: Vec<usize> = typed
            .iter()
            .filter_map(|(_, d)| *d)
            .chain(std::iter::once(d.general()))
            .flat_map(|d| d.possible_local_length().iter().map(|&l| usize::from(l)))
            .collect();
        local_lengths.sort_unstable();
        local_lengths.dedup();
        // As in the metadata build, a length that is also a full national length is not
        // "local only".
        local_lengths.retain(|l| !general_lengths.contains(l));
        let types = typed
            .iter()
            .filter_map(|(t, desc)| {
                let desc = (*desc)?;
                let own = lengths(desc);
                Some((
                    *t,
                    Desc {
                        pattern: compile(desc.national_number().as_str(), true)?,
                        lengths: if own.is_empty() { general_lengths.clone() } else { own },
                    },
                ))
            })
            .collect();
        let same_fixed_and_mobile = matches!(
            (d.fixed_line(), d.mobile()),
            (Some(f), Some(m)) if f.national_number().as_str() == m.national_number().as_str()
        );
        let npp = match (meta.national_prefix_for_parsing(), meta.national_prefix()) {
            (Some(re), _) => compile(re.as_str(), false),
            (None, Some(prefix)) => compile(&regex::escape(prefix), false),
            (None, None) => None,
        };
        Region {
            meta,
            general: compile(d.general().national_number().as_str(), true),
            general_lengths,
            local_lengths,
            types,
            same_fixed_and_mobile,
            leading_digits: meta.leading_digits().and_then(|re| compile(re.as_str(), false)),
            national_prefix_for_parsing: npp,
            // Java's `$1` group references, written as `${1}` for the regex crate.
            transform_rule: meta.national_prefix_transform_rule().map(|rule| {
                Regex::new(r"\$(\d)").map_or(rule.to_owned(), |re| re.replace_all(rule, "$${$1}").into_owned())
            }),
            international_prefix: meta.international_prefix().and_then(|re| compile(re.as_str(), false)),
        }
    }

    pub fn id(&self) -> &'static str {
        self.meta.id()
    }

    pub fn country_code(&self) -> u16 {
        self.meta.country_code()
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

/// Every (country code, region id) pair, each with a slot compiled on first use.
/// (The database's by-id index keeps one `001` entity only, so walk the calling codes.)
static REGIONS: LazyLock<HashMap<(u16, &'static str), OnceLock<Region>>> = LazyLock::new(|| {
    (1..=999u16)
        .filter_map(|code| DATABASE.by_code(&code))
        .flatten()
        .map(|m| ((m.country_code(), m.id()), OnceLock::new()))
        .collect()
});

fn region_with(meta: &'static Metadata) -> Option<&'static Region> {
    REGIONS
        .get(&(meta.country_code(), meta.id()))
        .map(|slot| slot.get_or_init(|| Region::build(meta)))
}

/// The region for a CLDR code such as `CN` (not the non-geographic `001`).
pub(crate) fn region(id: &str) -> Option<&'static Region> {
    region_with(DATABASE.by_id(id)?)
}

/// Whether `code` is a country calling code in use.
pub(crate) fn is_country_code(code: u16) -> bool {
    DATABASE.by_code(&code).is_some_and(|v| !v.is_empty())
}

/// The main region for a country calling code (the first listed; `001` entities too).
pub(crate) fn main_region(code: u16) -> Option<&'static Region> {
    let metas = DATABASE.by_code(&code)?;
    let main = metas.iter().find(|m| m.is_main_country_for_code()).or(metas.first())?;
    region_with(main)
}

/// libphonenumber's `getRegionCodeForNumber`: which region sharing `code` a national
/// significant number belongs to.
pub(crate) fn region_for_number(code: u16, nsn: &str) -> Option<&'static Region> {
    let metas = DATABASE.by_code(&code)?;
    if metas.len() == 1 {
        return region_with(metas[0]);
    }
    for meta in metas {
        let region = region_with(meta)?;
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
    let mut ids: Vec<&'static str> = DATABASE.iter().map(|m| m.id()).filter(|id| *id != "001").collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}

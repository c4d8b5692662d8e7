//! Card brands by issuer identification number (IIN) ranges.
//!
//! The table and the matching rules follow braintree's credit-card-type 10.3.0 (the data
//! is in fixtures/card/credit-card-type.json): a number matches a prefix when they agree
//! on their common leading digits, a range when the number's leading digits fall inside
//! the range cut to the same length; each brand contributes its first matching pattern,
//! and the longest pattern wins once the number is at least that long.

/// The card brand data the table follows, as reports and `--version` name it.
pub const BRAND_DATA_VERSION: &str = "credit-card-type 10.3.0";

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

/// A card brand, named as in braintree's credit-card-type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Brand {
    Visa,
    Mastercard,
    AmericanExpress,
    DinersClub,
    Discover,
    Jcb,
    Unionpay,
    Maestro,
    Mir,
    Elo,
    Hiper,
    Hipercard,
    Troy,
    Naranja,
    Verve,
}

enum Pat {
    P(u32),
    R(u32, u32),
}
use Pat::{P, R};

struct Spec {
    brand: Brand,
    name: &'static str,
    nice: &'static str,
    patterns: &'static [Pat],
    lengths: &'static [usize],
    gaps: &'static [usize],
    code_size: usize,
}

/// In credit-card-type's test order: on equal match strength the earlier brand wins.
/// How many brands there are.
const BRANDS: usize = 15;

static SPECS: [Spec; BRANDS] = [
    Spec {
        brand: Brand::Visa,
        name: "visa",
        nice: "Visa",
        patterns: &[P(4)],
        lengths: &[16, 18, 19],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Mastercard,
        name: "mastercard",
        nice: "Mastercard",
        patterns: &[R(51, 55), R(2221, 2229), R(223, 229), R(23, 26), R(270, 271), P(2720)],
        lengths: &[16],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::AmericanExpress,
        name: "american-express",
        nice: "American Express",
        patterns: &[P(34), P(37)],
        lengths: &[15],
        gaps: &[4, 10],
        code_size: 4,
    },
    Spec {
        brand: Brand::DinersClub,
        name: "diners-club",
        nice: "Diners Club",
        patterns: &[R(300, 305), P(36), P(38), P(39)],
        lengths: &[14, 16, 19],
        gaps: &[4, 10],
        code_size: 3,
    },
    Spec {
        brand: Brand::Discover,
        name: "discover",
        nice: "Discover",
        patterns: &[P(6011), R(644, 649), P(65)],
        lengths: &[16, 19],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Troy,
        name: "troy",
        nice: "Troy",
        patterns: &[
            P(9792),
            P(650052),
            R(650082, 650083),
            P(650092),
            P(650161),
            P(650170),
            P(650173),
            P(650175),
            P(650268),
            P(650271),
            R(650273, 650274),
            R(650456, 650457),
            P(650836),
            R(650846, 650850),
            P(650923),
            P(650987),
            P(650990),
            P(654997),
            P(657366),
            P(657998),
            P(658758),
            R(658767, 658768),
            R(65083700, 65083704),
            R(65085800, 65085804),
            R(65085900, 65085901),
            P(65086000),
            R(65086100, 65086105),
            R(65086200, 65086203),
            R(65875000, 65875003),
            P(65875009),
            R(65875101, 65875104),
            P(65875200),
            P(65875501),
            P(65875601),
            P(65875900),
            R(65876000, 65876002),
            R(65876100, 65876103),
            P(65876110),
            R(65876115, 65876116),
            R(65876200, 65876201),
            P(65876500),
            R(65876504, 65876505),
            R(65876600, 65876602),
            R(65877100, 65877101),
            R(65877600, 65877602),
            P(65877700),
            R(65877801, 65877802),
            R(65878200, 65878202),
            R(65878300, 65878311),
            R(65878400, 65878405),
            R(65878500, 65878505),
            R(65878600, 65878601),
            P(65879800),
            P(65880800),
            P(65880900),
        ],
        lengths: &[16],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Jcb,
        name: "jcb",
        nice: "JCB",
        patterns: &[P(2131), P(1800), R(3528, 3589)],
        lengths: &[16, 17, 18, 19],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Unionpay,
        name: "unionpay",
        nice: "UnionPay",
        patterns: &[
            P(620),
            R(62100, 62182),
            R(62184, 62187),
            R(62185, 62197),
            R(62200, 62205),
            R(622010, 622999),
            P(622018),
            R(62207, 62209),
            R(623, 626),
            P(6270),
            P(6272),
            P(6276),
            R(627700, 627779),
            R(627781, 627799),
            R(6282, 6289),
            P(6291),
            P(6292),
            P(810),
            R(8110, 8131),
            R(8132, 8151),
            R(8152, 8163),
            R(8164, 8171),
        ],
        lengths: &[14, 15, 16, 17, 18, 19],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Naranja,
        name: "naranja",
        nice: "Naranja",
        patterns: &[P(589562), P(402918), P(527572)],
        lengths: &[16],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Verve,
        name: "verve",
        nice: "Verve",
        patterns: &[
            R(506099, 506127),
            P(506129),
            R(506133, 506150),
            R(506158, 506163),
            P(506166),
            P(506168),
            P(506170),
            P(506173),
            R(506176, 506180),
            P(506184),
            R(506187, 506188),
            P(506191),
            P(506195),
            P(506197),
            P(507865),
            P(507866),
            R(507868, 507877),
            R(507880, 507888),
            P(507900),
            P(507941),
        ],
        lengths: &[16, 18, 19],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Maestro,
        name: "maestro",
        nice: "Maestro",
        patterns: &[
            P(493698),
            R(500000, 504174),
            R(504176, 506698),
            R(506779, 508999),
            R(56, 59),
            P(63),
            P(67),
            P(6),
        ],
        lengths: &[12, 13, 14, 15, 16, 17, 18, 19],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Elo,
        name: "elo",
        nice: "Elo",
        patterns: &[
            P(401178),
            P(401179),
            P(438935),
            P(457631),
            P(457632),
            P(431274),
            P(451416),
            P(457393),
            P(504175),
            R(506699, 506778),
            R(509000, 509999),
            P(627780),
            P(636297),
            P(636368),
            R(650031, 650033),
            R(650035, 650051),
            R(650405, 650439),
            R(650485, 650538),
            R(650541, 650598),
            R(650700, 650718),
            R(650720, 650727),
            R(650901, 650978),
            R(651652, 651679),
            R(655000, 655019),
            R(655021, 655058),
        ],
        lengths: &[16],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Mir,
        name: "mir",
        nice: "Mir",
        patterns: &[R(2200, 2204)],
        lengths: &[16, 17, 18, 19],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Hiper,
        name: "hiper",
        nice: "Hiper",
        patterns: &[
            P(637095),
            P(63737423),
            P(63743358),
            P(637568),
            P(637599),
            P(637609),
            P(637612),
        ],
        lengths: &[16],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
    Spec {
        brand: Brand::Hipercard,
        name: "hipercard",
        nice: "Hipercard",
        patterns: &[P(606282)],
        lengths: &[16],
        gaps: &[4, 8, 12],
        code_size: 3,
    },
];

impl Brand {
    /// Every brand, in matching order.
    pub fn all() -> impl Iterator<Item = Brand> {
        SPECS.iter().map(|s| s.brand)
    }

    /// The brand's place in `SPECS`.
    fn index(self) -> usize {
        SPECS.iter().position(|s| s.brand == self).unwrap_or(0)
    }

    fn spec(self) -> &'static Spec {
        &SPECS[self.index()]
    }

    /// The kebab-case name, e.g. `american-express`.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// The name people know, e.g. `American Express`.
    pub fn nice_name(self) -> &'static str {
        self.spec().nice
    }

    /// The name readers of `lang` know the brand by: in Chinese 银联, 万事达卡, 美国运通,
    /// 大来卡 and 发现卡, as the networks call themselves in China; the others keep their Latin
    /// names (Visa, JCB, Mir...), as Chinese banks print them.
    pub fn name(self, lang: crate::validate::Lang) -> &'static str {
        match (lang, self) {
            (crate::validate::Lang::ZhCn, Brand::Unionpay) => "银联",
            (crate::validate::Lang::ZhCn, Brand::Mastercard) => "万事达卡",
            (crate::validate::Lang::ZhCn, Brand::AmericanExpress) => "美国运通",
            (crate::validate::Lang::ZhCn, Brand::DinersClub) => "大来卡",
            (crate::validate::Lang::ZhCn, Brand::Discover) => "发现卡",
            _ => self.nice_name(),
        }
    }

    /// The card number lengths this brand issues, ascending.
    pub fn lengths(self) -> &'static [usize] {
        self.spec().lengths
    }

    /// The lengths as a finding's detail says them: `16/18/19`.
    pub(crate) fn lengths_text(self) -> &'static str {
        &LENGTHS_TEXT[self.index()]
    }

    /// Where a card of this brand is printed with a space (after 4, 8, 12 digits...).
    pub fn gaps(self) -> &'static [usize] {
        self.spec().gaps
    }

    /// The length of the security code (CVV, CVC, CID, CVN...).
    pub fn code_size(self) -> usize {
        self.spec().code_size
    }
}

/// Each brand's [`Brand::lengths_text`], in `SPECS` order: made once, not per finding.
static LENGTHS_TEXT: LazyLock<Vec<String>> = LazyLock::new(|| {
    SPECS
        .iter()
        .map(|s| s.lengths.iter().map(usize::to_string).collect::<Vec<_>>().join("/"))
        .collect()
});

impl fmt::Display for Brand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Brand {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl FromStr for Brand {
    type Err = UnknownBrand;

    fn from_str(s: &str) -> Result<Brand, UnknownBrand> {
        let want = s.trim().to_ascii_lowercase().replace(['_', ' '], "-");
        let want = match want.as_str() {
            "amex" => "american-express",
            "diners" => "diners-club",
            "master-card" | "mc" => "mastercard",
            "union-pay" | "cup" => "unionpay",
            other => other,
        };
        SPECS
            .iter()
            .find(|s| s.name == want)
            .map(|s| s.brand)
            .ok_or_else(|| UnknownBrand(s.to_owned()))
    }
}

/// A brand name bindcheck does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownBrand(pub String);

impl fmt::Display for UnknownBrand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown card brand `{}`", self.0)
    }
}

impl std::error::Error for UnknownBrand {}

fn digit_len(v: u32) -> usize {
    v.checked_ilog10().map_or(1, |l| l as usize + 1)
}

const POW10: [u64; 10] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
];

/// A pattern ready for matching: a prefix is a range from itself to itself.
#[derive(Clone, Copy)]
struct Compiled {
    min: u64,
    min_len: usize,
    max: u64,
    max_len: usize,
}

impl Compiled {
    fn new(p: &Pat) -> Compiled {
        let (min, max) = match p {
            P(v) => (*v, *v),
            R(min, max) => (*min, *max),
        };
        Compiled {
            min: u64::from(min),
            min_len: digit_len(min),
            max: u64::from(max),
            max_len: digit_len(max),
        }
    }

    /// The pattern's length: how long a number must be for the match to count fully.
    fn len(&self) -> usize {
        self.min_len
    }

    /// credit-card-type's `matches`: a prefix matches when it and the number agree on their
    /// common leading digits; a range when the number's leading digits, as many as the lower
    /// bound has, fall inside the range cut to that many digits. `heads[k]` is the number's
    /// first `k` digits as an integer; `n` its length.
    fn matches(&self, heads: &[u64; 9], n: usize) -> bool {
        let k = n.min(self.min_len);
        let cut = |v: u64, len: usize| v / POW10[len - k.min(len)];
        k > 0 && heads[k] >= cut(self.min, self.min_len) && heads[k] <= cut(self.max, self.max_len)
    }
}

/// One pattern in [`INDEX`]: the brand it belongs to and, precomputed for a number at least
/// as long as the pattern (the common case), the bounds its first `len` digits must fall in,
/// so matching a full number costs two comparisons instead of two 64-bit divisions.
#[derive(Clone, Copy)]
struct Indexed {
    brand: u8,
    pattern: Compiled,
    lo: u64,
    hi: u64,
}

/// The patterns that can match a number, brand by brand in `SPECS` order and each brand's
/// in its order, in one flat list: for a one-digit number, per that digit (`0..10`); for a
/// longer one, per its first two digits (`10 + 0..100`). A number is tried against a
/// handful of patterns instead of all 160. A list may hold a pattern that cannot match
/// (the filter only has to keep every one that can); the exact test runs on each.
static INDEX: LazyLock<Vec<Vec<Indexed>>> = LazyLock::new(|| {
    let patterns: Vec<Indexed> = SPECS
        .iter()
        .enumerate()
        .flat_map(|(i, spec)| {
            let brand = u8::try_from(i).expect("fewer than 256 brands");
            spec.patterns.iter().map(move |p| {
                let c = Compiled::new(p);
                let hi = c.max / POW10[c.max_len - c.min_len.min(c.max_len)];
                Indexed {
                    brand,
                    pattern: c,
                    lo: c.min,
                    hi,
                }
            })
        })
        .collect();
    let first = |v: u64, len: usize| v / POW10[len - 1];
    // The range of first-two-digit values a number matching `c` can have (see `matches`:
    // integer division keeps the order, so cutting both sides to two digits keeps a match).
    let two = |c: &Compiled| {
        let lo = if c.min_len >= 2 {
            c.min / POW10[c.min_len - 2]
        } else {
            c.min * 10
        };
        let hi = if c.min_len >= 2 && c.max_len >= 2 {
            c.max / POW10[c.max_len - 2]
        } else {
            first(c.max, c.max_len) * 10 + 9
        };
        lo..=hi
    };
    let one_digit = (0..10u64).map(|d| {
        let keep = |e: &&Indexed| {
            (first(e.pattern.min, e.pattern.min_len)..=first(e.pattern.max, e.pattern.max_len)).contains(&d)
        };
        patterns.iter().filter(keep).copied().collect()
    });
    let two_digits = (0..100u64).map(|xy| {
        patterns
            .iter()
            .filter(|e| two(&e.pattern).contains(&xy))
            .copied()
            .collect()
    });
    one_digit.chain(two_digits).collect()
});

/// The brands a (possibly partial) digit string may belong to.
///
/// One brand when it is determined; several when the digits so far fit more than one
/// (as for `4` or `62`); none when no brand starts this way. `digits` must be ASCII
/// digits only. An empty string may be any brand.
pub fn candidates(digits: &str) -> Vec<Brand> {
    match digits.as_bytes().get(..FULL_HEAD) {
        Some(head) if head.iter().all(u8::is_ascii_digit) => {
            let head = head.iter().fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
            let segment = FULL.partition_point(|(start, _)| *start <= head) - 1;
            FULL[segment].1.into_iter().collect()
        }
        _ => candidates_by_pattern(digits),
    }
}

/// How many leading digits decide the brand of a number at least this long: the longest
/// pattern's.
const FULL_HEAD: usize = 8;

/// The brand of every number of [`FULL_HEAD`] digits or more, by its first `FULL_HEAD`
/// digits: sorted starts of segments, each with the brand of the numbers whose head lies
/// from its start to the next one's. A pattern of `len` digits matches such a number when
/// the head divided by `10^(FULL_HEAD - len)` lies within its bounds, that is, when the head
/// lies in an interval: between the ends of the intervals of all patterns, every head
/// matches the same patterns and has the same brand, which is therefore computed once per
/// segment, by [`candidates_by_pattern`] on its first head (so the two cannot disagree),
/// and looked up with a binary search instead of trying each pattern of the first two digits.
static FULL: LazyLock<Vec<(u64, Option<Brand>)>> = LazyLock::new(|| {
    let mut starts = vec![0];
    for e in INDEX[10..].iter().flatten() {
        let scale = POW10[FULL_HEAD - e.pattern.len()];
        starts.extend([e.lo * scale, (e.hi + 1) * scale]);
    }
    starts.sort_unstable();
    starts.dedup();
    starts.retain(|s| *s < POW10[FULL_HEAD]);
    starts
        .into_iter()
        .map(|start| {
            let brands = candidates_by_pattern(&format!("{start:0width$}", width = FULL_HEAD));
            debug_assert!(brands.len() <= 1, "a full number has one brand or none");
            (start, brands.first().copied())
        })
        .collect()
});

/// [`candidates`], pattern by pattern.
fn candidates_by_pattern(digits: &str) -> Vec<Brand> {
    let Some(first) = digits.bytes().next() else {
        return Brand::all().collect();
    };
    // The number's first 0..=8 digits as integers: no pattern is longer than 8 digits.
    let mut heads = [0u64; 9];
    for (k, b) in digits.bytes().take(8).enumerate() {
        heads[k + 1] = heads[k] * 10 + u64::from(b.wrapping_sub(b'0'));
    }
    let n = digits.len();
    // (brand, strength): strength is the pattern length once the number is that long. On
    // the stack: at most one entry per brand.
    let mut found = [(Brand::Visa, None::<usize>); BRANDS];
    let mut count = 0;
    let mut last = None;
    let list = if n == 1 {
        usize::from(first.wrapping_sub(b'0')).min(9)
    } else {
        10 + usize::try_from(heads[2]).unwrap_or(0).min(99)
    };
    for e in &INDEX[list] {
        // A brand's first matching pattern is the one that counts.
        if last == Some(e.brand) {
            continue;
        }
        let len = e.pattern.len();
        let hit = if n >= len {
            (e.lo..=e.hi).contains(&heads[len])
        } else {
            e.pattern.matches(&heads, n)
        };
        if hit {
            last = Some(e.brand);
            found[count] = (SPECS[usize::from(e.brand)].brand, (n >= len).then_some(len));
            count += 1;
        }
    }
    let found = &found[..count];
    let determined = !found.is_empty() && found.iter().all(|(_, s)| s.is_some());
    if determined {
        let mut best = found[0];
        for f in &found[1..] {
            if f.1 > best.1 {
                best = *f;
            }
        }
        return vec![best.0];
    }
    found.iter().map(|(b, _)| *b).collect()
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Brand {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Brand".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Brand::all().map(Brand::as_str).collect();
        schemars::json_schema!({ "type": "string", "enum": names })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_prefixes() {
        assert_eq!(candidates("4111111111111111"), [Brand::Visa]);
        assert_eq!(candidates("2221000000000009"), [Brand::Mastercard]);
        assert_eq!(candidates("2720990000000007"), [Brand::Mastercard]);
        assert_eq!(candidates("378282246310005"), [Brand::AmericanExpress]);
        assert_eq!(candidates("6222021234567890128"), [Brand::Unionpay]);
        assert_eq!(candidates("8171999927660000"), [Brand::Unionpay]);
        assert_eq!(candidates("3530111333300000"), [Brand::Jcb]);
        assert_eq!(candidates("2200000000000004"), [Brand::Mir]);
        assert_eq!(candidates("6011111111111117"), [Brand::Discover]);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// The segment table gives every number of 8 digits or more the brand its patterns
        /// give it: numbers at random, and numbers at and around every pattern's bounds.
        #[test]
        fn full_numbers_have_the_brand_of_their_patterns(
            head in 0u64..100_000_000,
            bound in proptest::sample::select(FULL.iter().map(|(start, _)| *start).collect::<Vec<_>>()),
            delta in 0u64..3,
            at_bound in proptest::bool::ANY,
            tail in "[0-9]{0,11}",
        ) {
            let head = if at_bound { (bound + delta).saturating_sub(1).min(99_999_999) } else { head };
            let digits = format!("{head:08}{tail}");
            proptest::prop_assert_eq!(candidates(&digits), candidates_by_pattern(&digits), "{}", digits);
        }
    }

    #[test]
    fn partial_prefixes_keep_every_candidate() {
        let four = candidates("4");
        assert!(four.contains(&Brand::Visa) && four.len() > 1, "{four:?}");
        let six = candidates("62");
        assert!(six.contains(&Brand::Unionpay) && six.contains(&Brand::Maestro));
        assert!(candidates("7").is_empty());
        assert!(candidates("99").is_empty());
        assert_eq!(candidates("").len(), 15);
    }

    #[test]
    fn names_round_trip() {
        for b in Brand::all() {
            assert_eq!(b.as_str().parse::<Brand>().unwrap(), b);
        }
        assert_eq!("amex".parse::<Brand>().unwrap(), Brand::AmericanExpress);
        assert_eq!("UnionPay".parse::<Brand>().unwrap(), Brand::Unionpay);
        assert_eq!(Brand::AmericanExpress.code_size(), 4);
        assert_eq!(Brand::Visa.lengths_text(), "16/18/19");
        assert_eq!(Brand::AmericanExpress.lengths_text(), "15");
        assert_eq!(Brand::Unionpay.lengths_text(), "14/15/16/17/18/19");
    }
}

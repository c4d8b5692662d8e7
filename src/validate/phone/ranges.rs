//! A profile's own phone ranges (`[policy] phone_ranges`): number ranges that the bundled
//! metadata does not have yet (a new mobile segment), or whose carrier or segment it has
//! wrong. Parsed from CSV text; reading the file is the caller's job.

use std::borrow::Cow;

use super::carrier::{Carrier, Segment};
use super::NumberType;

/// One range: the country code and leading national digits, what numbers in it are, and
/// who operates them. Every part but the prefix may be left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneRange {
    /// The country calling code followed by the leading digits of the national number.
    pub prefix: String,
    /// The type numbers of this range have; `None` keeps the metadata's verdict.
    pub number_type: Option<NumberType>,
    /// The operator's name in English.
    pub carrier: Option<String>,
    /// The operator's name in Simplified Chinese.
    pub carrier_zh: Option<String>,
    /// What the range is for; `None` keeps the bundled data's segment.
    pub segment: Option<Segment>,
}

/// A profile's ranges, matched longest prefix first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhoneRanges {
    ranges: Vec<PhoneRange>,
    version: Option<String>,
}

/// A ranges line that cannot be read: which line, and what is wrong with it. Nothing from
/// the line is repeated: a full phone number put there by mistake would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct PhoneRangesError {
    /// 1-based line number.
    pub line: usize,
    pub problem: PhoneRangesProblem,
}

impl PhoneRangesError {
    /// What to do, for an error message's hint.
    pub fn hint(&self) -> &'static str {
        "each line is prefix,type,carrier,carrier_zh,segment, for example +86 149,mobile,China Telecom,中国电信,data_only (docs/profile.md, \"Phone ranges\")"
    }

    /// [`PhoneRangesError::hint`] in Simplified Chinese.
    pub fn hint_zh(&self) -> &'static str {
        "每行写 `prefix,type,carrier,carrier_zh,segment`，例如 `+86 149,mobile,China Telecom,中国电信,data_only`（见 docs/profile.md 的 `Phone ranges` 一节）"
    }
}

/// What is wrong with a ranges line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PhoneRangesProblem {
    #[error("expected 1 to 5 columns (prefix,type,carrier,carrier_zh,segment), found {0}")]
    Columns(usize),
    #[error("the prefix must be a country code and leading digits, 2 to 12 digits in all, such as +86 149")]
    Prefix,
    #[error("the country code of the prefix is not one in use")]
    CountryCode,
    #[error("the type must be one of mobile, fixed_line, fixed_line_or_mobile, voip, pager, personal_number, toll_free, premium_rate, shared_cost, uan, voicemail")]
    Type,
    #[error("the segment must be standard, virtual_operator, data_only or satellite")]
    Segment,
    #[error("a carrier name must be at most 64 characters")]
    CarrierName,
}

impl PhoneRangesProblem {
    /// What is wrong, in Simplified Chinese.
    pub fn zh(&self) -> String {
        match self {
            PhoneRangesProblem::Columns(n) => {
                format!("应有 1 到 5 列（`prefix,type,carrier,carrier_zh,segment`），实际有 {n} 列")
            }
            PhoneRangesProblem::Prefix => "前缀必须是国家代码加开头的数字，共 2 到 12 位，例如 +86 149".into(),
            PhoneRangesProblem::CountryCode => "前缀的国家代码不是正在使用的代码".into(),
            PhoneRangesProblem::Type => "类型必须是 `mobile`、`fixed_line`、`fixed_line_or_mobile`、`voip`、`pager`、`personal_number`、`toll_free`、`premium_rate`、`shared_cost`、`uan`、`voicemail` 之一".into(),
            PhoneRangesProblem::Segment => "号段类别必须是 `standard`、`virtual_operator`、`data_only` 或 `satellite`".into(),
            PhoneRangesProblem::CarrierName => "运营商名称最多 64 个字符".into(),
        }
    }
}

/// The longest prefix a range may have, in digits (country code included).
const MAX_PREFIX: usize = 12;
const MAX_NAME: usize = 64;

fn number_type(s: &str) -> Option<NumberType> {
    use NumberType::*;
    Some(match s.trim().to_ascii_lowercase().as_str() {
        "mobile" => Mobile,
        "fixed_line" => FixedLine,
        "fixed_line_or_mobile" => FixedLineOrMobile,
        "voip" => Voip,
        "pager" => Pager,
        "personal_number" => PersonalNumber,
        "toll_free" => TollFree,
        "premium_rate" => PremiumRate,
        "shared_cost" => SharedCost,
        "uan" => Uan,
        "voicemail" => Voicemail,
        _ => return None,
    })
}

fn name(s: &str) -> Result<Option<String>, PhoneRangesProblem> {
    let s = s.trim();
    if s.chars().count() > MAX_NAME {
        return Err(PhoneRangesProblem::CarrierName);
    }
    Ok((!s.is_empty()).then(|| s.to_owned()))
}

impl PhoneRanges {
    /// Parses CSV with the columns `prefix,type,carrier,carrier_zh,segment`. A header line
    /// (the first line that is not a comment) is optional, `#` starts a comment line, and the
    /// first comment `# version: <text>` names the file's version. The prefix is written with
    /// its country code (`+86 149`, `86149`);
    /// spaces, dashes and the plus sign are ignored. Names cannot hold a comma.
    pub fn parse(text: &str) -> Result<PhoneRanges, PhoneRangesError> {
        let mut out = PhoneRanges::default();
        let mut first_row = true;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let row = raw.trim();
            if let Some(comment) = row.strip_prefix('#') {
                if let Some(v) = comment
                    .trim()
                    .strip_prefix("version:")
                    .filter(|_| out.version.is_none())
                {
                    out.version = Some(v.trim().chars().take(MAX_NAME).collect());
                }
                continue;
            }
            if row.is_empty() {
                continue;
            }
            let cols: Vec<&str> = row.split(',').map(str::trim).collect();
            if std::mem::take(&mut first_row) && cols[0].eq_ignore_ascii_case("prefix") {
                continue;
            }
            let err = |problem| PhoneRangesError { line, problem };
            if cols.len() > 5 {
                return Err(err(PhoneRangesProblem::Columns(cols.len())));
            }
            let col = |n: usize| cols.get(n).copied().unwrap_or("");
            let prefix = prefix(col(0)).map_err(err)?;
            let number_type = match col(1) {
                "" => None,
                t => Some(number_type(t).ok_or_else(|| err(PhoneRangesProblem::Type))?),
            };
            let segment = match col(4) {
                "" => None,
                s => Some(Segment::parse(s).ok_or_else(|| err(PhoneRangesProblem::Segment))?),
            };
            out.ranges.push(PhoneRange {
                prefix,
                number_type,
                carrier: name(col(2)).map_err(err)?,
                carrier_zh: name(col(3)).map_err(err)?,
                segment,
            });
        }
        out.ranges.sort_by_key(|r| std::cmp::Reverse(r.prefix.len()));
        Ok(out)
    }

    /// The range with the longest prefix of the number (country code and national number).
    pub fn lookup(&self, country_code: u16, national: &str) -> Option<&PhoneRange> {
        let code = country_code.to_string();
        self.ranges.iter().find(|r| {
            r.prefix
                .strip_prefix(code.as_str())
                .is_some_and(|rest| national.starts_with(rest))
        })
    }

    /// The version the file names in its first `# version:` comment.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }
}

impl PhoneRange {
    /// The carrier this range says, over the bundled one (`bundled`): its names when it
    /// gives any, its segment when it gives one.
    pub fn carrier(&self, bundled: Option<Carrier>) -> Option<Carrier> {
        let mut carrier = match (&self.carrier, bundled) {
            (Some(en), _) => Carrier {
                name: Cow::Owned(en.clone()),
                name_zh: self.carrier_zh.clone().map(Cow::Owned),
                segment: Segment::Standard,
            },
            (None, Some(b)) => b,
            (None, None) => Carrier {
                name: Cow::Borrowed(""),
                name_zh: None,
                segment: self.segment?,
            },
        };
        if let Some(segment) = self.segment {
            carrier.segment = segment;
        }
        Some(carrier)
    }
}

/// The digits of a prefix column: a country code in use and at most [`MAX_PREFIX`] digits.
fn prefix(s: &str) -> Result<String, PhoneRangesProblem> {
    let kept = |c: char| c == '+' || c == '-' || c == ' ';
    if !s.chars().all(|c| c.is_ascii_digit() || kept(c)) {
        return Err(PhoneRangesProblem::Prefix);
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if digits.len() < 2 || digits.len() > MAX_PREFIX {
        return Err(PhoneRangesProblem::Prefix);
    }
    let has_code = !digits.starts_with('0')
        && (1..=3).any(|n| digits.len() > n && digits[..n].parse().is_ok_and(super::meta::is_country_code));
    if !has_code {
        return Err(PhoneRangesProblem::CountryCode);
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longest_prefix_wins_and_columns_may_be_left_out() {
        let t = PhoneRanges::parse(
            "prefix,type,carrier,carrier_zh,segment\n# version: 2026-12 ops\n+86 149,mobile,China Telecom,中国电信,data_only\n+86 1490,,,,standard\n86 199\n",
        )
        .unwrap();
        assert_eq!(t.version(), Some("2026-12 ops"));
        assert_eq!(t.len(), 3);
        let r = t.lookup(86, "14912345678").unwrap();
        assert_eq!((r.prefix.as_str(), r.number_type), ("86149", Some(NumberType::Mobile)));
        assert_eq!(t.lookup(86, "14901234567").unwrap().segment, Some(Segment::Standard));
        assert_eq!(t.lookup(86, "19912345678").unwrap().number_type, None);
        assert!(t.lookup(86, "13800138000").is_none());
        // The country code is part of the prefix: +1 49... is not +86 149.
        assert!(t.lookup(1, "4912345678").is_none());
    }

    #[test]
    fn errors_name_the_line_and_never_repeat_it() {
        let e = PhoneRanges::parse("+86 149,mobile\n+86 13800138000123,mobile\n").unwrap_err();
        assert_eq!((e.line, &e.problem), (2, &PhoneRangesProblem::Prefix));
        assert!(!e.to_string().contains("13800138000"), "{e}");
        let e = PhoneRanges::parse("+86 149,cellular\n").unwrap_err();
        assert_eq!(e.problem, PhoneRangesProblem::Type);
        let e = PhoneRanges::parse("+86 149,mobile,,,mvno2\n").unwrap_err();
        assert_eq!(e.problem, PhoneRangesProblem::Segment);
        let e = PhoneRanges::parse("+999 1,mobile\n").unwrap_err();
        assert_eq!(e.problem, PhoneRangesProblem::CountryCode);
        let e = PhoneRanges::parse("+86 149,mobile,a,b,c,d\n").unwrap_err();
        assert_eq!(e.problem, PhoneRangesProblem::Columns(6));
        assert!(PhoneRanges::parse("+86 14x,mobile\n").is_err());
    }

    #[test]
    fn a_range_overrides_the_bundled_carrier() {
        let t = PhoneRanges::parse("+86 165,,,,standard\n+86 166,,New Op,新运营商\n").unwrap();
        let bundled = super::super::carrier::lookup(86, "16512345678");
        let c = t.lookup(86, "16512345678").unwrap().carrier(bundled).unwrap();
        assert_eq!((c.name.as_ref(), c.segment), ("China Mobile", Segment::Standard));
        let c = t.lookup(86, "16612345678").unwrap().carrier(None).unwrap();
        assert_eq!((c.name.as_ref(), c.name_zh.as_deref()), ("New Op", Some("新运营商")));
    }
}

//! Who operates a mobile number's range, and what the range is for: an ordinary
//! subscription, a virtual operator (MVNO), a data card or IoT line, or a satellite phone.
//! All three decide whether a bind's SMS code will arrive, and many banks and wallets in
//! mainland China refuse virtual operators' numbers for binding.
//!
//! The bundled data is libphonenumber's carrier data with mainland China's segment
//! allocation (src/validate/phone/carriers.tsv, made by fixtures/gen/phone_carriers.py and
//! compiled by build.rs). A profile's `phone_ranges` file ([`super::PhoneRanges`]) can add
//! or override ranges without a release.

use serde::Serialize;
use std::borrow::Cow;

use super::super::Lang;

mod data {
    include!(concat!(env!("OUT_DIR"), "/phone_carriers.rs"));
}

/// The version of the bundled carrier data, as reports name it.
pub fn data_version() -> &'static str {
    data::VERSION
}

/// What a mobile range is for.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// An ordinary subscription of the network's operator.
    #[default]
    Standard,
    /// A virtual operator (MVNO) on another operator's network (China's 170x, 171, 162,
    /// 165, 167).
    VirtualOperator,
    /// A data card or IoT line, which may not receive SMS (China's 145-149).
    DataOnly,
    /// A satellite phone (+870, +881, China's 1349 and 17400-17405).
    Satellite,
}

impl Segment {
    /// The snake_case name, as in JSON and in `phone_ranges` files.
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Standard => "standard",
            Segment::VirtualOperator => "virtual_operator",
            Segment::DataOnly => "data_only",
            Segment::Satellite => "satellite",
        }
    }

    /// Parses the snake_case name (`mvno`, `data` and `iot` too).
    pub fn parse(s: &str) -> Option<Segment> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "standard" => Some(Segment::Standard),
            "virtual_operator" | "mvno" => Some(Segment::VirtualOperator),
            "data_only" | "data" | "iot" => Some(Segment::DataOnly),
            "satellite" => Some(Segment::Satellite),
            _ => None,
        }
    }

    /// The segment of a value in the compiled table (its top two bits).
    fn from_bits(bits: u16) -> Segment {
        match bits {
            1 => Segment::VirtualOperator,
            2 => Segment::DataOnly,
            3 => Segment::Satellite,
            _ => Segment::Standard,
        }
    }
}

/// The operator of a number's range.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Carrier {
    /// The operator's name in English (`China Mobile`).
    pub name: Cow<'static, str>,
    /// The operator's name in Simplified Chinese (`中国移动`), when the data has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name_zh: Option<Cow<'static, str>>,
    pub segment: Segment,
}

impl Carrier {
    /// The name for a reader of `lang`: the Chinese name for zh-CN when there is one.
    pub fn name_in(&self, lang: Lang) -> &str {
        match (lang, &self.name_zh) {
            (Lang::ZhCn, Some(zh)) => zh,
            _ => &self.name,
        }
    }
}

/// The bundled carrier of a number, given as its country code and national number.
pub fn lookup(country_code: u16, national: &str) -> Option<Carrier> {
    // The keys of the number's first 1 to 9 digits: `1` and then the digits.
    let mut keys = [0u32; 9];
    let mut key = 1u32;
    // The calling code's digits without a string: this runs for every mobile number.
    let width = match country_code {
        0..=9 => 1,
        10..=99 => 2,
        _ => 3,
    };
    let code = (0..width)
        .rev()
        .map(|i| b'0' + (country_code / 10u16.pow(i) % 10) as u8);
    let digits = code.chain(national.bytes());
    let mut n = 0;
    for d in digits.take(keys.len()) {
        key = key * 10 + u32::from(d.wrapping_sub(b'0') % 10);
        keys[n] = key;
        n += 1;
    }
    let found = keys[..n].iter().rev().find_map(|k| data::KEYS.binary_search(k).ok())?;
    let value = data::VALUES[found];
    let (en, zh) = data::NAMES[usize::from(value & 0x3FFF)];
    Some(Carrier {
        name: Cow::Borrowed(en),
        name_zh: (!zh.is_empty()).then_some(Cow::Borrowed(zh)),
        segment: Segment::from_bits(value >> 14),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(cc: u16, national: &str) -> Option<(String, Option<String>, Segment)> {
        lookup(cc, national).map(|c| (c.name.into_owned(), c.name_zh.map(Cow::into_owned), c.segment))
    }

    #[test]
    fn mainland_carriers_and_segments() {
        let mobile = |s| Some(("China Mobile".to_owned(), Some("中国移动".to_owned()), s));
        assert_eq!(of(86, "13800138000"), mobile(Segment::Standard));
        assert_eq!(of(86, "16512345678"), mobile(Segment::VirtualOperator));
        assert_eq!(of(86, "17031234567"), mobile(Segment::VirtualOperator));
        assert_eq!(of(86, "14712345678"), mobile(Segment::DataOnly));
        let (name, zh, segment) = of(86, "17112345678").unwrap();
        assert_eq!(
            (name.as_str(), zh.as_deref(), segment),
            ("China Unicom", Some("中国联通"), Segment::VirtualOperator)
        );
        assert_eq!(of(86, "16212345678").unwrap().2, Segment::VirtualOperator);
        assert_eq!(of(86, "19212345678").unwrap().0, "China Broadnet");
        // 174 is China Telecom; only 17400-17405 are Tiantong satellite numbers.
        assert_eq!(of(86, "17400123456").unwrap().2, Segment::Satellite);
        assert_eq!(of(86, "17412345678").map(|c| c.2), Some(Segment::Standard));
        assert_eq!(of(86, "13491234567").unwrap().2, Segment::Satellite);
    }

    #[test]
    fn elsewhere_from_libphonenumber() {
        assert!(
            of(44, "7400123456").is_some_and(|c| c.0 == "Three"),
            "{:?}",
            of(44, "7400123456")
        );
        assert_eq!(of(881, "612345678").map(|c| c.2), Some(Segment::Satellite));
        assert_eq!(of(870, "773111632").map(|c| c.2), Some(Segment::Satellite));
        // A fixed-line range has no carrier.
        assert_eq!(of(86, "1065529988"), None);
        assert_eq!(of(999, "1"), None);
        assert!(!data_version().is_empty());
    }

    #[test]
    fn names_by_language() {
        let c = lookup(86, "13800138000").unwrap();
        assert_eq!(c.name_in(Lang::ZhCn), "中国移动");
        assert_eq!(c.name_in(Lang::En), "China Mobile");
        let three = lookup(44, "7400123456").unwrap();
        assert_eq!(three.name_in(Lang::ZhCn), three.name.as_ref());
    }
}

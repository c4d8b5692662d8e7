//! The validators: pure, synchronous checks of what a person types into a bind form.
//!
//! Nothing here does I/O, reads the clock or the environment, or needs an async runtime,
//! so this layer builds with `--no-default-features` and for `wasm32-unknown-unknown`.
//! Invalid input is a [`Finding`], never a panic and never an `Err`.

mod card;
mod catalog;
mod date;
mod email;
mod finding;
mod identity;
mod idna2008;
pub mod mask;
pub mod options;
mod phone;
mod record;
mod region_names;
mod row;
mod text;

pub use card::{
    candidates as card_candidates, group as group_card_digits, validate_card, validate_cvv, validate_expiry, BinEntry,
    BinTable, BinTableError, BinTableProblem, Brand, CardCheck, CardKind, CardNumber, CardPolicy, CvvCheck, Expiry,
    ExpiryCheck, UnionpayLuhn, UnknownBrand,
};
pub use catalog::{Code, UnknownCode};
pub use date::Date;
pub use email::{suggest as suggest_email_domain, validate_email, EmailCheck, EmailPolicy};
pub use finding::{worst, Detail, Field, Finding, Lang, LocalizedFinding, Severity, UnknownLang};
pub use identity::{id_check_char, validate_id_number, validate_name, IdCheck, IdNumber, NameCheck, Script};
pub use phone::{
    carrier_data_version, format_as_you_type, is_known_region, known_regions,
    metadata_version as phone_metadata_version, validate_phone, AsYouType, Carrier, NumberType, PhoneCheck,
    PhoneOptions, PhoneRange, PhoneRanges, PhoneRangesError, PhoneRangesProblem, Region, Segment, SegmentPolicy,
    UnknownRegion, E164,
};
pub use record::{
    validate, validate_in_region, DataVersions, FieldView, FieldViewRef, FieldViews, FieldViewsRef, Inputs, Policy,
    Validation,
};
pub use row::{inputs_from_json, json_problem, Column, Record, Row, RowError};

/// The name a reader of `lang` knows a region by, from its ISO 3166-1 code (`CN`, `jp`): in
/// Chinese, `中国大陆`, `日本` (src/validate/region_names.rs); in English the code itself, as
/// English outputs show it. `None` for a code with no name.
pub fn region_name(code: &str, lang: Lang) -> Option<&str> {
    let upper = code.bytes().map(|b| b.to_ascii_uppercase());
    let i = region_names::NAMES
        .binary_search_by(|(c, _)| c.bytes().cmp(upper.clone()))
        .ok()?;
    let (code, zh) = region_names::NAMES[i];
    Some(lang.pick(code, zh))
}

#[cfg(test)]
mod tests {
    use super::{region_name, Lang};

    #[test]
    fn regions_are_named_in_chinese_and_coded_in_english() {
        assert_eq!(region_name("CN", Lang::ZhCn), Some("中国大陆"));
        assert_eq!(region_name("hk", Lang::ZhCn), Some("中国香港"));
        assert_eq!(region_name("Jp", Lang::En), Some("JP"));
        assert_eq!(region_name("AC", Lang::ZhCn), Some("阿森松岛"));
        for unknown in ["ZZ", "001", "", "CHN"] {
            assert_eq!(region_name(unknown, Lang::ZhCn), None, "{unknown}");
        }
    }
}

//! The options of the validators' bindings (JavaScript in `src/wasm.rs`, Python in
//! `src/python/`), parsed once and checked as the command line checks its flags, and the
//! answers those bindings give: one field's [`FieldView`], or a whole form's [`FormView`].
//!
//! Options that make no sense (an unknown region, brand or language, a malformed date or
//! BIN table, an unknown key) are an `Err` with a message that never repeats a submitted
//! value; invalid input is a finding, as everywhere else. Nothing here reads the clock: the
//! caller says what today is.

use serde::de::{Deserialize, Deserializer};
use std::sync::Arc;

use super::{
    validate_card, validate_cvv, validate_email, validate_expiry, validate_id_number, validate_in_region,
    validate_name, validate_phone, BinTable, BinTableError, Brand, CardKind, CardPolicy, Date, EmailPolicy, Field,
    FieldView, FieldViewRef, FieldViews, Inputs, Lang, PhoneOptions, PhoneRanges, PhoneRangesError, Policy, Region,
    SegmentPolicy, UnionpayLuhn, UnknownBrand, Validation,
};

/// An option whose value makes no sense, by the names the bindings give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OptionName {
    DefaultRegion,
    AllowedRegions,
    VirtualOperator,
    PhoneRanges,
    AllowedBrands,
    BinTable,
    AllowedKinds,
    UnionpayLuhn,
    Brand,
    Today,
    Lang,
}

impl OptionName {
    /// As JavaScript spells it (the key of the options object).
    pub fn js(self) -> &'static str {
        match self {
            OptionName::DefaultRegion => "defaultRegion",
            OptionName::AllowedRegions => "allowedRegions",
            OptionName::VirtualOperator => "virtualOperator",
            OptionName::PhoneRanges => "phoneRanges",
            OptionName::AllowedBrands => "allowedBrands",
            OptionName::BinTable => "binTable",
            OptionName::AllowedKinds => "allowedKinds",
            OptionName::UnionpayLuhn => "unionpayLuhn",
            OptionName::Brand => "brand",
            OptionName::Today => "today",
            OptionName::Lang => "lang",
        }
    }

    /// As Python spells it (the keyword argument).
    pub fn python(self) -> &'static str {
        match self {
            OptionName::DefaultRegion => "region",
            OptionName::AllowedRegions => "allowed_regions",
            OptionName::VirtualOperator => "virtual_operator",
            OptionName::PhoneRanges => "phone_ranges",
            OptionName::AllowedBrands => "allowed_brands",
            OptionName::BinTable => "bin_table",
            OptionName::AllowedKinds => "allowed_kinds",
            OptionName::UnionpayLuhn => "unionpay_luhn",
            OptionName::Brand => "brand",
            OptionName::Today => "today",
            OptionName::Lang => "lang",
        }
    }
}

/// Options that make no sense. No message repeats a value given (an option could hold a
/// person's value by mistake); the BIN table's and the ranges' errors name a line and what
/// is wrong with it, and stay reachable as the [`std::error::Error::source`].
///
/// `Display` names the options as JavaScript does; [`OptionError::python_message`] as Python
/// does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OptionError {
    /// The options object is not one (JSON of the wrong shape, an unknown key): serde's text
    /// when it names a key (`unknown field `defaultregion``), else only the kind of problem.
    Json(String),
    Lang,
    /// `defaultRegion` or one of `allowedRegions`.
    Region(OptionName),
    VirtualOperator,
    PhoneRanges(#[source] PhoneRangesError),
    /// `brand` or one of `allowedBrands`.
    Brand(OptionName),
    BinTable(#[source] BinTableError),
    CardKind,
    UnionpayLuhn,
    Today,
}

impl OptionError {
    /// The option the error is about; `None` for an options object that is not one.
    pub fn option(&self) -> Option<OptionName> {
        match self {
            OptionError::Json(_) => None,
            OptionError::Lang => Some(OptionName::Lang),
            OptionError::Region(name) | OptionError::Brand(name) => Some(*name),
            OptionError::VirtualOperator => Some(OptionName::VirtualOperator),
            OptionError::PhoneRanges(_) => Some(OptionName::PhoneRanges),
            OptionError::BinTable(_) => Some(OptionName::BinTable),
            OptionError::CardKind => Some(OptionName::AllowedKinds),
            OptionError::UnionpayLuhn => Some(OptionName::UnionpayLuhn),
            OptionError::Today => Some(OptionName::Today),
        }
    }

    /// The message with the options named as Python's keyword arguments are.
    pub fn python_message(&self) -> String {
        self.message(OptionName::python)
    }

    /// The message, naming each option by `name`; the source's text (a BIN table's line and
    /// what is wrong with it) is part of it, as the bindings show no cause chain.
    fn message(&self, name: fn(OptionName) -> &'static str) -> String {
        match self {
            OptionError::Json(problem) => format!("bad options: {problem}"),
            OptionError::Lang => "unknown language: use \"en\" or \"zh-CN\"".to_owned(),
            OptionError::Region(_) => "unknown region: use a CLDR region code such as CN, HK, US".to_owned(),
            OptionError::VirtualOperator => format!(
                "unknown {}: use \"allow\", \"warn\" or \"reject\"",
                name(OptionName::VirtualOperator)
            ),
            OptionError::PhoneRanges(e) => format!("bad {}: {e}", name(OptionName::PhoneRanges)),
            OptionError::Brand(_) => {
                "unknown card brand: use a name such as visa, mastercard, unionpay, american-express".to_owned()
            }
            OptionError::BinTable(e) => format!("bad {}: {e}", name(OptionName::BinTable)),
            OptionError::CardKind => "unknown card kind: use debit, credit or prepaid".to_owned(),
            OptionError::UnionpayLuhn => format!("bad {}: use \"warn\" or \"error\"", name(OptionName::UnionpayLuhn)),
            OptionError::Today => format!("bad {}: use YYYY-MM-DD, a date that exists", name(OptionName::Today)),
        }
    }
}

impl std::fmt::Display for OptionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(OptionName::js))
    }
}

/// The options every function accepts; each uses those that concern its field. Keys are
/// camelCase, as JavaScript spells them; an unknown key is an error, so a typo never goes
/// unnoticed.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default, rename_all = "camelCase", deny_unknown_fields)]
pub struct Options {
    /// Phone: the region of national-form numbers; absent means `CN`, `null` (or `""`,
    /// `"none"`) requires the international form (and formats only numbers after a `+`).
    #[serde(deserialize_with = "present")]
    pub default_region: Option<Option<String>>,
    /// Phone: accept numbers of these regions only.
    pub allowed_regions: Option<Vec<String>>,
    /// Phone: the number must receive SMS (default `true`).
    pub require_mobile: Option<bool>,
    /// Phone: a virtual operator's number is `"allow"`ed, a `"warn"`ing (default) or a
    /// `"reject"`ion.
    pub virtual_operator: Option<String>,
    /// Phone: ranges over the bundled data, as CSV text `prefix,type,carrier,carrier_zh,segment`.
    pub phone_ranges: Option<String>,
    /// Email: accept `"quoted"@local.parts`.
    pub allow_quoted_local: bool,
    /// Email: accept `user@[192.0.2.1]`.
    pub allow_ip_literal: bool,
    /// Card: accept these brands only (`visa`, `unionpay`, ...).
    pub allowed_brands: Option<Vec<String>>,
    /// Card: a BIN table as CSV text, `prefix,issuer,kind` or the columns its header names
    /// (docs/profile.md, "BIN tables").
    pub bin_table: Option<String>,
    /// Card: accept these kinds only (`debit`, `credit`, `prepaid`), with a BIN table.
    pub allowed_kinds: Option<Vec<String>>,
    /// Card: what a UnionPay card failing the check digit is, `"warn"` (the default) or
    /// `"error"`.
    pub unionpay_luhn: Option<String>,
    /// Security code: the card's brand, which sets the code's length.
    pub brand: Option<String>,
    /// Expiry and ID number: today's date as `YYYY-MM-DD`; absent means today (UTC).
    pub today: Option<String>,
    /// `en` (default) or `zh-CN`.
    pub lang: Option<String>,
    /// Show personal values in full in `normalized`.
    pub unmasked: bool,
}

/// What is wrong with an options object, without repeating a value given in it: serde's
/// text when it names a key (`unknown field `defaultregion``, which helps a typo), else
/// only the kind of problem (serde's `invalid type: string "6222…"` would repeat a card
/// number given by mistake).
fn options_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let names_a_key = ["unknown field", "missing field", "duplicate field"]
        .iter()
        .any(|p| text.starts_with(p));
    if names_a_key {
        text
    } else {
        super::json_problem(e).to_owned()
    }
}

/// `Some(None)` for an explicit `null`, `None` (by `default`) for an absent key.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

impl Options {
    /// Parses the JSON text of an options object; `None` or `null` means all defaults.
    pub fn from_json(json: Option<&str>) -> Result<Options, OptionError> {
        match json.map(str::trim) {
            None | Some("") | Some("null") => Ok(Options::default()),
            Some(text) => serde_json::from_str(text).map_err(|e| OptionError::Json(options_problem(&e))),
        }
    }

    /// The language of messages and hints.
    pub fn lang(&self) -> Result<Lang, OptionError> {
        match &self.lang {
            None => Ok(Lang::En),
            Some(l) => l.parse().map_err(|_| OptionError::Lang),
        }
    }

    /// The region of national-form numbers, checked as the CLI checks `--region`.
    pub fn default_region(&self) -> Result<Option<Region>, OptionError> {
        match &self.default_region {
            None => Ok(PhoneOptions::default().default_region),
            Some(None) => Ok(None),
            Some(Some(r)) => Region::parse_optional(r).map_err(|_| OptionError::Region(OptionName::DefaultRegion)),
        }
    }

    /// The phone options, regions checked as the CLI checks `--region` and `--allow-region`.
    pub fn phone(&self) -> Result<PhoneOptions, OptionError> {
        let default_region = self.default_region()?;
        let allowed_regions = match &self.allowed_regions {
            None => None,
            Some(rs) => Some(
                rs.iter()
                    .map(|r| {
                        r.parse::<Region>()
                            .map_err(|_| OptionError::Region(OptionName::AllowedRegions))
                    })
                    .collect::<Result<_, _>>()?,
            ),
        };
        let virtual_operator = match &self.virtual_operator {
            None => SegmentPolicy::default(),
            Some(p) => SegmentPolicy::parse(p).ok_or(OptionError::VirtualOperator)?,
        };
        let ranges = match &self.phone_ranges {
            None => None,
            Some(csv) => Some(Arc::new(PhoneRanges::parse(csv).map_err(OptionError::PhoneRanges)?)),
        };
        Ok(PhoneOptions {
            default_region,
            allowed_regions,
            require_mobile: self.require_mobile.unwrap_or(true),
            virtual_operator,
            ranges,
        })
    }

    /// The email policy.
    pub fn email(&self) -> EmailPolicy {
        EmailPolicy {
            allow_quoted_local: self.allow_quoted_local,
            allow_ip_literal: self.allow_ip_literal,
        }
    }

    /// The card policy.
    pub fn card(&self) -> Result<CardPolicy, OptionError> {
        let allowed_brands = match &self.allowed_brands {
            None => None,
            Some(bs) => Some(
                bs.iter()
                    .map(|b| brand(b, OptionName::AllowedBrands))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let bin_table = match &self.bin_table {
            None => None,
            Some(csv) => Some(BinTable::parse(csv).map_err(OptionError::BinTable)?),
        };
        let allowed_kinds = match &self.allowed_kinds {
            None => None,
            Some(ks) => Some(
                ks.iter()
                    .map(|k| CardKind::parse(k).ok_or(OptionError::CardKind))
                    .collect::<Result<_, _>>()?,
            ),
        };
        let unionpay_luhn = match &self.unionpay_luhn {
            None => UnionpayLuhn::default(),
            Some(r) => UnionpayLuhn::parse(r).ok_or(OptionError::UnionpayLuhn)?,
        };
        Ok(CardPolicy {
            allowed_brands,
            bin_table,
            allowed_kinds,
            unionpay_luhn,
        })
    }

    /// The brand the security code belongs to.
    pub fn brand(&self) -> Result<Option<Brand>, OptionError> {
        self.brand.as_deref().map(|b| brand(b, OptionName::Brand)).transpose()
    }

    /// `today` if given, else what `now` says.
    pub fn today(&self, now: impl FnOnce() -> Date) -> Result<Date, OptionError> {
        match &self.today {
            None => Ok(now()),
            Some(s) => parse_date(s).ok_or(OptionError::Today),
        }
    }

    /// The policy for every field, as `validate` uses it.
    pub fn policy(&self) -> Result<Policy, OptionError> {
        Ok(Policy {
            phone: self.phone()?,
            email: self.email(),
            card: self.card()?,
        })
    }

    /// Every option checked and parsed once, for many answers. With `Some(field)`, only the
    /// options that concern that field are checked (the others keep their defaults), as the
    /// JavaScript API does for one field; with `None`, every option but `brand` (a whole
    /// form judges the security code by the card's brand). The language and `today` are
    /// always checked; `now` is called only when `today` is absent.
    pub fn resolve(&self, field: Option<Field>, now: impl FnOnce() -> Date) -> Result<Resolved, OptionError> {
        let concerns = |f: Field| field.is_none_or(|only| only == f);
        let lang = self.lang()?;
        let today = self.today(now)?;
        let policy = Policy {
            phone: if concerns(Field::Phone) {
                self.phone()?
            } else {
                PhoneOptions::default()
            },
            email: self.email(),
            card: if concerns(Field::Card) {
                self.card()?
            } else {
                CardPolicy::default()
            },
        };
        let brand = if field == Some(Field::Cvv) { self.brand()? } else { None };
        Ok(Resolved {
            policy,
            brand,
            today,
            lang,
            unmasked: self.unmasked,
        })
    }
}

/// [`Options`] parsed: what every answer of a binding is computed with.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub policy: Policy,
    /// The brand a security code checked on its own belongs to.
    pub brand: Option<Brand>,
    pub today: Date,
    pub lang: Lang,
    /// Show personal values in full in `normalized`.
    pub unmasked: bool,
}

impl Resolved {
    /// One field checked on its own: the same view as that field of the command line's JSON
    /// output. A security code is judged against [`Resolved::brand`].
    pub fn field(&self, field: Field, input: &str) -> FieldView {
        self.field_with(field, input, |view, lang| view.into_owned(lang))
    }

    /// [`field`](Resolved::field)'s view handed to `show` borrowed from the check, with the
    /// language its findings are shown in, rather than copied into a [`FieldView`] first:
    /// the Python bindings make their dict from it.
    pub fn field_with<R>(&self, field: Field, input: &str, show: impl FnOnce(FieldViewRef<'_>, Lang) -> R) -> R {
        let mut v = Validation::default();
        match field {
            Field::Phone => v.phone = Some(validate_phone(input, &self.policy.phone)),
            Field::Email => v.email = Some(validate_email(input, &self.policy.email)),
            Field::Card => v.card = Some(validate_card(input, &self.policy.card)),
            Field::Expiry => v.expiry = Some(validate_expiry(input, self.today)),
            Field::Cvv => v.cvv = Some(validate_cvv(input, self.brand)),
            Field::IdNumber => v.id_number = Some(validate_id_number(input, self.today)),
            Field::Name => v.name = Some(validate_name(input)),
        }
        let view = v
            .view_ref(field, input, self.unmasked)
            .unwrap_or_else(|| FieldViewRef::new(false, &[]));
        show(view, self.lang)
    }

    /// A whole form checked as [`form`](Resolved::form) checks it, before its views are made,
    /// with a national-form phone number read in `region` when given (`Some(None)`: the
    /// international form only) instead of the options' region: a table's row that names its
    /// region, as a batch row's `region` column does.
    pub fn check(&self, inputs: &Inputs, region: Option<Option<Region>>) -> Validation {
        let region = region.unwrap_or(self.policy.phone.default_region);
        validate_in_region(inputs, &self.policy, region, self.today)
    }

    /// A whole form checked as `bindcheck validate --format json` checks it.
    pub fn form(&self, inputs: &Inputs) -> FormView {
        let v = self.check(inputs, None);
        FormView {
            ok: v.ok(),
            fields: v.views(inputs, self.lang, self.unmasked),
        }
    }
}

/// A whole form's answer: `{"ok": .., "fields": {..}}`, as `bindcheck validate --format
/// json` writes it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FormView {
    /// No field has an error.
    pub ok: bool,
    pub fields: FieldViews,
}

fn brand(b: &str, option: OptionName) -> Result<Brand, OptionError> {
    // UnknownBrand's message repeats the name: an option could hold a card number by mistake.
    b.parse().map_err(|_: UnknownBrand| OptionError::Brand(option))
}

/// `YYYY-MM-DD`, a date that exists.
fn parse_date(s: &str) -> Option<Date> {
    let mut parts = s.trim().splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = parts.next()?.parse().ok()?;
    let day = parts.next()?.parse().ok()?;
    Date::new(year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::new(2026, 11, 26).unwrap()
    }

    fn opts(json: &str) -> Options {
        Options::from_json(Some(json)).unwrap()
    }

    #[test]
    fn bad_options_say_what_is_wrong_without_the_value() {
        let e = Options::from_json(Some(
            r#"{"brand": "6222021234567890128", "allowQuotedLocal": "6222021234567890128"}"#,
        ))
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("bad options: "), "{e}");
        assert!(!e.contains("6222021234567890128"), "{e}");
        let e = opts(r#"{"brand": "6222021234567890128"}"#).brand().unwrap_err();
        assert_eq!(e, OptionError::Brand(OptionName::Brand));
        assert!(!e.to_string().contains("6222021234567890128"), "{e}");
    }

    #[test]
    fn absent_null_and_none_default_regions_differ() {
        assert_eq!(
            opts("{}").phone().unwrap().default_region.map(Region::as_str),
            Some("CN")
        );
        assert_eq!(opts(r#"{"defaultRegion": null}"#).phone().unwrap().default_region, None);
        assert_eq!(
            opts(r#"{"defaultRegion": "none"}"#).phone().unwrap().default_region,
            None
        );
        assert_eq!(
            opts(r#"{"defaultRegion": "us"}"#)
                .phone()
                .unwrap()
                .default_region
                .map(Region::as_str),
            Some("US")
        );
        assert_eq!(
            opts(r#"{"defaultRegion": "XX"}"#).phone().unwrap_err(),
            OptionError::Region(OptionName::DefaultRegion)
        );
        assert_eq!(
            opts(r#"{"allowedRegions": ["CN", "ZZ"]}"#).phone().unwrap_err(),
            OptionError::Region(OptionName::AllowedRegions)
        );
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let e = Options::from_json(Some(r#"{"defaultregion": "CN"}"#)).unwrap_err();
        assert!(e.to_string().contains("unknown field `defaultregion`"), "{e}");
        assert_eq!(e.option(), None);
        let e = opts(r#"{"lang": "fr"}"#).lang().unwrap_err();
        assert_eq!(e.to_string(), "unknown language: use \"en\" or \"zh-CN\"");
        assert_eq!(e.option(), Some(OptionName::Lang));
        assert!(opts(r#"{"brand": "visa card"}"#).brand().is_err());
        assert_eq!(
            opts(r#"{"today": "2026-02-30"}"#).today(today).unwrap_err().to_string(),
            "bad today: use YYYY-MM-DD, a date that exists"
        );
        assert_eq!(
            opts(r#"{"allowedKinds": ["gift"]}"#).card().unwrap_err(),
            OptionError::CardKind
        );
        assert_eq!(
            opts(r#"{"unionpayLuhn": "strict"}"#).card().unwrap_err().to_string(),
            "bad unionpayLuhn: use \"warn\" or \"error\""
        );
        assert_eq!(opts(r#"{"lang": "zh_CN"}"#).lang(), Ok(Lang::ZhCn));
        assert_eq!(Options::from_json(None).unwrap().lang(), Ok(Lang::En));
    }

    #[test]
    fn a_tables_error_keeps_its_line_as_the_source() {
        use std::error::Error as _;
        let e = opts(r#"{"binTable": "622202,ICBC,debit\n622203,ICBC,gift"}"#)
            .card()
            .unwrap_err();
        let OptionError::BinTable(source) = &e else {
            panic!("not a BIN table error: {e:?}");
        };
        assert_eq!(source.line, 2);
        assert_eq!(e.to_string(), format!("bad binTable: {source}"));
        assert_eq!(e.source().map(ToString::to_string), Some(source.to_string()));
        let e = opts(r#"{"phoneRanges": "+86 149,satellite"}"#).phone().unwrap_err();
        assert!(matches!(&e, OptionError::PhoneRanges(s) if s.line == 1), "{e:?}");
        assert!(e.to_string().starts_with("bad phoneRanges: line 1: "), "{e}");
    }

    #[test]
    fn python_messages_name_the_keyword_arguments() {
        let e = opts(r#"{"virtualOperator": "block"}"#).phone().unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown virtualOperator: use \"allow\", \"warn\" or \"reject\""
        );
        assert_eq!(
            e.python_message(),
            "unknown virtual_operator: use \"allow\", \"warn\" or \"reject\""
        );
        let e = opts(r#"{"binTable": "622202,ICBC,gift"}"#).card().unwrap_err();
        assert!(
            e.python_message().starts_with("bad bin_table: line 1: "),
            "{}",
            e.python_message()
        );
        let e = opts(r#"{"unionpayLuhn": "strict"}"#).card().unwrap_err();
        assert_eq!(e.python_message(), "bad unionpay_luhn: use \"warn\" or \"error\"");
    }

    #[test]
    fn today_comes_from_the_option_or_the_caller() {
        assert_eq!(
            opts(r#"{"today": "2030-01-31"}"#).today(today),
            Ok(Date::new(2030, 1, 31).unwrap())
        );
        assert_eq!(opts("{}").today(today), Ok(today()));
    }

    #[test]
    fn one_field_checks_only_its_own_options_and_a_form_all_but_the_brand() {
        let bad_table = opts(r#"{"binTable": "622202,ICBC,gift"}"#);
        assert!(bad_table.resolve(Some(Field::Phone), today).is_ok());
        assert!(bad_table.resolve(Some(Field::Card), today).is_err());
        assert!(bad_table.resolve(None, today).is_err());
        let bad_brand = opts(r#"{"brand": "visa card"}"#);
        assert!(bad_brand.resolve(None, today).is_ok());
        assert!(bad_brand.resolve(Some(Field::Cvv), today).is_err());
        assert!(opts(r#"{"lang": "fr"}"#).resolve(Some(Field::Name), today).is_err());
    }

    #[test]
    fn resolved_options_give_the_views_of_the_json_output() {
        let r = opts(r#"{"brand": "amex", "today": "2030-01-31"}"#)
            .resolve(Some(Field::Cvv), today)
            .unwrap();
        assert_eq!(r.today, Date::new(2030, 1, 31).unwrap());
        assert_eq!(r.field(Field::Cvv, "123").findings[0].code.as_str(), "cvv.length");
        let mut inputs = Inputs::default();
        inputs.set(Field::Phone, Some("138 0013 8000".into()));
        let form = opts("{}").resolve(None, today).unwrap().form(&inputs);
        assert!(form.ok);
        assert_eq!(form.fields.0[0].1.normalized.as_deref(), Some("+86138****8000"));
    }
}

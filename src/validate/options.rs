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
    validate, validate_card, validate_cvv, validate_email, validate_expiry, validate_id_number, validate_name,
    validate_phone, BinTable, Brand, CardKind, CardPolicy, Date, EmailPolicy, Field, FieldView, FieldViews, Inputs,
    Lang, PhoneOptions, PhoneRanges, Policy, Region, SegmentPolicy, UnionpayLuhn, UnknownBrand, Validation,
};

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
    pub fn from_json(json: Option<&str>) -> Result<Options, String> {
        match json.map(str::trim) {
            None | Some("") | Some("null") => Ok(Options::default()),
            Some(text) => serde_json::from_str(text).map_err(|e| format!("bad options: {}", options_problem(&e))),
        }
    }

    /// The language of messages and hints.
    pub fn lang(&self) -> Result<Lang, String> {
        match &self.lang {
            None => Ok(Lang::En),
            Some(l) => l
                .parse()
                .map_err(|_| "unknown language: use \"en\" or \"zh-CN\"".to_owned()),
        }
    }

    /// The region of national-form numbers, checked as the CLI checks `--region`.
    pub fn default_region(&self) -> Result<Option<Region>, String> {
        match &self.default_region {
            None => Ok(PhoneOptions::default().default_region),
            Some(None) => Ok(None),
            Some(Some(r)) => Region::parse_optional(r).map_err(|_| unknown_region()),
        }
    }

    /// The phone options, regions checked as the CLI checks `--region` and `--allow-region`.
    pub fn phone(&self) -> Result<PhoneOptions, String> {
        let default_region = self.default_region()?;
        let allowed_regions = match &self.allowed_regions {
            None => None,
            Some(rs) => Some(rs.iter().map(|r| region(r)).collect::<Result<_, _>>()?),
        };
        let virtual_operator = match &self.virtual_operator {
            None => SegmentPolicy::default(),
            Some(p) => SegmentPolicy::parse(p)
                .ok_or_else(|| "unknown virtualOperator: use \"allow\", \"warn\" or \"reject\"".to_owned())?,
        };
        let ranges = match &self.phone_ranges {
            None => None,
            Some(csv) => Some(Arc::new(
                PhoneRanges::parse(csv).map_err(|e| format!("bad phoneRanges: {e}"))?,
            )),
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
    pub fn card(&self) -> Result<CardPolicy, String> {
        let allowed_brands = match &self.allowed_brands {
            None => None,
            Some(bs) => Some(bs.iter().map(|b| brand(b)).collect::<Result<_, _>>()?),
        };
        let bin_table = match &self.bin_table {
            None => None,
            Some(csv) => Some(BinTable::parse(csv).map_err(|e| format!("bad binTable: {e}"))?),
        };
        let allowed_kinds = match &self.allowed_kinds {
            None => None,
            Some(ks) => Some(
                ks.iter()
                    .map(|k| {
                        CardKind::parse(k).ok_or_else(|| "unknown card kind: use debit, credit or prepaid".to_owned())
                    })
                    .collect::<Result<_, _>>()?,
            ),
        };
        let unionpay_luhn = match &self.unionpay_luhn {
            None => UnionpayLuhn::default(),
            Some(r) => UnionpayLuhn::parse(r).ok_or("bad unionpayLuhn: use \"warn\" or \"error\"")?,
        };
        Ok(CardPolicy {
            allowed_brands,
            bin_table,
            allowed_kinds,
            unionpay_luhn,
        })
    }

    /// The brand the security code belongs to.
    pub fn brand(&self) -> Result<Option<Brand>, String> {
        self.brand.as_deref().map(brand).transpose()
    }

    /// `today` if given, else what `now` says.
    pub fn today(&self, now: impl FnOnce() -> Date) -> Result<Date, String> {
        match &self.today {
            None => Ok(now()),
            Some(s) => parse_date(s).ok_or_else(|| "bad today: use YYYY-MM-DD, a date that exists".to_owned()),
        }
    }

    /// The policy for every field, as `validate` uses it.
    pub fn policy(&self) -> Result<Policy, String> {
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
    pub fn resolve(&self, field: Option<Field>, now: impl FnOnce() -> Date) -> Result<Resolved, String> {
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
        let mut inputs = Inputs::default();
        inputs.set(field, Some(input.to_owned()));
        v.view(field, &inputs, self.lang, self.unmasked).unwrap_or_default()
    }

    /// A whole form checked as `bindcheck validate --format json` checks it.
    pub fn form(&self, inputs: &Inputs) -> FormView {
        let v = validate(inputs, &self.policy, self.today);
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

fn region(r: &str) -> Result<Region, String> {
    r.parse::<Region>().map_err(|_| unknown_region())
}

/// The error for a region that is not one; like every message here, it never repeats what
/// was given (an option could hold a person's value by mistake).
fn unknown_region() -> String {
    "unknown region: use a CLDR region code such as CN, HK, US".to_owned()
}

fn brand(b: &str) -> Result<Brand, String> {
    // UnknownBrand's message repeats the name: an option could hold a card number by mistake.
    b.parse().map_err(|_: UnknownBrand| {
        "unknown card brand: use a name such as visa, mastercard, unionpay, american-express".to_owned()
    })
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
        .unwrap_err();
        assert!(e.starts_with("bad options: "), "{e}");
        assert!(!e.contains("6222021234567890128"), "{e}");
        let e = Options::from_json(Some(r#"{"defaultregion": "CN"}"#)).unwrap_err();
        assert!(e.contains("unknown field `defaultregion`"), "{e}");
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
        assert!(opts(r#"{"defaultRegion": "XX"}"#).phone().is_err());
        assert!(opts(r#"{"allowedRegions": ["CN", "ZZ"]}"#).phone().is_err());
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let e = Options::from_json(Some(r#"{"defaultregion": "CN"}"#)).unwrap_err();
        assert!(e.contains("unknown field `defaultregion`"), "{e}");
        assert!(opts(r#"{"lang": "fr"}"#).lang().unwrap_err().contains("zh-CN"));
        assert!(opts(r#"{"brand": "visa card"}"#).brand().is_err());
        assert!(opts(r#"{"today": "2026-02-30"}"#).today(today).is_err());
        assert!(opts(r#"{"allowedKinds": ["gift"]}"#).card().is_err());
        assert!(opts(r#"{"binTable": "622202,ICBC,gift"}"#).card().is_err());
        assert!(opts(r#"{"unionpayLuhn": "strict"}"#)
            .card()
            .unwrap_err()
            .contains("\"warn\" or \"error\""));
        assert_eq!(opts(r#"{"lang": "zh_CN"}"#).lang(), Ok(Lang::ZhCn));
        assert_eq!(Options::from_json(None).unwrap().lang(), Ok(Lang::En));
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

//! One person's inputs checked together, and the per-field view every output shares.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::card::{validate_card, validate_cvv, validate_expiry, Brand, CardCheck, CardPolicy, CvvCheck, ExpiryCheck};
use super::date::Date;
use super::email::{validate_email, EmailCheck, EmailPolicy};
use super::finding::{Field, Finding, Lang, LocalizedFinding, Severity};
use super::identity::{validate_id_number, validate_name, IdCheck, NameCheck};
use super::phone::{validate_phone, Carrier, NumberType, PhoneCheck, PhoneOptions, Region};
use super::{mask, BinEntry};

/// The values a bind form collects; any may be absent.
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    pub phone: Option<String>,
    pub email: Option<String>,
    pub card: Option<String>,
    pub expiry: Option<String>,
    pub cvv: Option<String>,
    pub id_number: Option<String>,
    pub name: Option<String>,
}

impl std::fmt::Debug for Inputs {
    /// Shows which fields are present, never their values.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let present: Vec<&str> = Field::ALL
            .iter()
            .filter(|fl| self.get(**fl).is_some())
            .map(|fl| fl.as_str())
            .collect();
        write!(f, "Inputs {{ present: {present:?} }}")
    }
}

impl Inputs {
    /// The raw value of `field`, if given.
    pub fn get(&self, field: Field) -> Option<&str> {
        match field {
            Field::Phone => self.phone.as_deref(),
            Field::Email => self.email.as_deref(),
            Field::Card => self.card.as_deref(),
            Field::Expiry => self.expiry.as_deref(),
            Field::Cvv => self.cvv.as_deref(),
            Field::IdNumber => self.id_number.as_deref(),
            Field::Name => self.name.as_deref(),
        }
    }

    /// Sets the raw value of `field`.
    pub fn set(&mut self, field: Field, value: Option<String>) {
        let slot = match field {
            Field::Phone => &mut self.phone,
            Field::Email => &mut self.email,
            Field::Card => &mut self.card,
            Field::Expiry => &mut self.expiry,
            Field::Cvv => &mut self.cvv,
            Field::IdNumber => &mut self.id_number,
            Field::Name => &mut self.name,
        };
        *slot = value;
    }

    /// Whether no field is given.
    pub fn is_empty(&self) -> bool {
        Field::ALL.iter().all(|f| self.get(*f).is_none())
    }
}

/// A wallet's rules for every field.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    pub phone: PhoneOptions,
    pub email: EmailPolicy,
    pub card: CardPolicy,
}

/// The versions of the data a check's answers rest on, as every report names them: the
/// bundled data, and the profile's own files when it names them.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct DataVersions {
    /// libphonenumber's metadata: `libphonenumber 9.0.33`.
    pub phone_metadata: &'static str,
    /// The bundled carrier and segment data.
    pub carriers: &'static str,
    /// The card brand ranges: `credit-card-type 10.3.0`.
    pub card_brands: &'static str,
    /// The profile's phone ranges file: the version its `# version:` line names, or
    /// `unversioned`; absent without such a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_ranges: Option<String>,
    /// The profile's BIN table: the version its `# version:` line names, or `unversioned`;
    /// absent without a table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bin_table: Option<String>,
}

impl DataVersions {
    /// One line for a report: `libphonenumber 9.0.33 · carriers: … · credit-card-type
    /// 10.3.0`, then the profile's files.
    pub fn line(&self, lang: Lang) -> String {
        let (carriers, ranges, bins) = match lang {
            Lang::En => ("carriers", "phone ranges", "BIN table"),
            Lang::ZhCn => ("运营商数据", "号段文件", "卡 BIN 表"),
        };
        let colon = match lang {
            Lang::En => ": ",
            Lang::ZhCn => "：",
        };
        let mut line = format!(
            "{} · {carriers}{colon}{} · {}",
            self.phone_metadata, self.carriers, self.card_brands
        );
        if let Some(v) = &self.phone_ranges {
            line.push_str(&format!(" · {ranges}{colon}{v}"));
        }
        if let Some(v) = &self.bin_table {
            line.push_str(&format!(" · {bins}{colon}{v}"));
        }
        line
    }
}

impl Policy {
    /// The versions of the data checks under this policy use.
    pub fn data_versions(&self) -> DataVersions {
        let named = |v: Option<&str>| v.unwrap_or("unversioned").to_owned();
        DataVersions {
            phone_metadata: super::phone::metadata_version(),
            carriers: super::phone::carrier_data_version(),
            card_brands: super::card::BRAND_DATA_VERSION,
            phone_ranges: self.phone.ranges.as_deref().map(|r| named(r.version())),
            bin_table: self.card.bin_table.as_ref().map(|t| named(t.version())),
        }
    }
}

/// The checks of one set of inputs.
#[derive(Clone, Debug, Default)]
pub struct Validation {
    pub phone: Option<PhoneCheck>,
    pub email: Option<EmailCheck>,
    pub card: Option<CardCheck>,
    pub expiry: Option<ExpiryCheck>,
    pub cvv: Option<CvvCheck>,
    pub id_number: Option<IdCheck>,
    pub name: Option<NameCheck>,
}

/// Checks every given field; `today` is the date the card expiry and birth dates are judged
/// against (the validators never read the clock).
pub fn validate(inputs: &Inputs, policy: &Policy, today: Date) -> Validation {
    validate_in_region(inputs, policy, policy.phone.default_region, today)
}

/// [`validate`], with national-form phone numbers in `region` (`None`: international form
/// only) rather than the policy's default region, as a batch row's `region` asks; the rest
/// of the policy is used as it is, not copied.
pub fn validate_in_region(inputs: &Inputs, policy: &Policy, region: Option<Region>, today: Date) -> Validation {
    let phone = |p: &str| {
        if region == policy.phone.default_region {
            validate_phone(p, &policy.phone)
        } else {
            let options = PhoneOptions {
                default_region: region,
                ..policy.phone.clone()
            };
            validate_phone(p, &options)
        }
    };
    let card = inputs.card.as_deref().map(|c| validate_card(c, &policy.card));
    let brand: Option<Brand> = card.as_ref().and_then(|c| c.brand);
    Validation {
        phone: inputs.phone.as_deref().map(phone),
        email: inputs.email.as_deref().map(|e| validate_email(e, &policy.email)),
        expiry: inputs.expiry.as_deref().map(|e| validate_expiry(e, today)),
        cvv: inputs.cvv.as_deref().map(|c| validate_cvv(c, brand)),
        id_number: inputs.id_number.as_deref().map(|i| validate_id_number(i, today)),
        name: inputs.name.as_deref().map(validate_name),
        card,
    }
}

impl Validation {
    /// Every finding, field by field.
    pub fn findings(&self) -> Vec<&Finding> {
        let mut all: Vec<&Finding> = Vec::new();
        macro_rules! take {
            ($($f:ident),*) => { $( if let Some(c) = &self.$f { all.extend(&c.findings); } )* };
        }
        take!(phone, email, card, expiry, cvv, id_number, name);
        all
    }

    /// No finding of error severity.
    pub fn ok(&self) -> bool {
        Field::ALL
            .iter()
            .filter_map(|&f| self.outcome(f))
            .all(|(_, findings)| findings.iter().all(|f| f.severity != Severity::Error))
    }

    /// Whether `field` is valid, and its findings, if it was checked: what its view says of
    /// it, without making the view.
    pub fn outcome(&self, field: Field) -> Option<(bool, &[Finding])> {
        macro_rules! of {
            ($check:expr) => {
                $check.as_ref().map(|c| (c.valid, c.findings.as_slice()))
            };
        }
        match field {
            Field::Phone => of!(self.phone),
            Field::Email => of!(self.email),
            Field::Card => of!(self.card),
            Field::Expiry => of!(self.expiry),
            Field::Cvv => of!(self.cvv),
            Field::IdNumber => of!(self.id_number),
            Field::Name => of!(self.name),
        }
    }

    /// The views of every checked field, in form order.
    pub fn views(&self, inputs: &Inputs, lang: Lang, unmasked: bool) -> FieldViews {
        FieldViews(
            Field::ALL
                .iter()
                .filter_map(|&f| self.view(f, inputs, lang, unmasked).map(|v| (f, v)))
                .collect(),
        )
    }

    /// The per-field view of `field`, if it was checked. `inputs` supplies what is shown
    /// for values that could not be normalized; `unmasked` shows values in full.
    pub fn view(&self, field: Field, inputs: &Inputs, lang: Lang, unmasked: bool) -> Option<FieldView> {
        let raw = inputs.get(field).unwrap_or_default();
        Some(self.view_ref(field, raw, unmasked)?.into_owned(lang))
    }
}

/// The findings in `lang`.
fn localized(findings: &[Finding], lang: Lang) -> Vec<LocalizedFinding> {
    findings.iter().map(|f| f.localized(lang)).collect()
}

/// Each checked field's view, in form order; serialized as a JSON object keyed by the field
/// names (`phone`, `email`, ..., `id_number`, `name`), as every JSON output writes `fields`.
#[derive(Clone, Debug, Default)]
pub struct FieldViews(pub Vec<(Field, FieldView)>);

impl Serialize for FieldViews {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (field, view) in &self.0 {
            map.serialize_entry(field.as_str(), view)?;
        }
        map.end()
    }
}

/// One field's result as every output format carries it (masked unless asked otherwise).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, Serialize)]
pub struct FieldView {
    pub valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub possible: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub potentially_valid: Option<bool>,
    pub normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_type: Option<NumberType>,
    /// Phone: the operator of the number's range and what the range is for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<Carrier>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub luhn: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub brand: Option<Brand>,
    /// Card: the other networks of a co-badged card, from the BIN table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub co_brands: Vec<Brand>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Brand>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer: Option<BinEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub domain_unicode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggestion: Option<String>,
    pub findings: Vec<LocalizedFinding>,
}

impl FieldView {
    /// What text outputs show in brackets after the value, in `lang`: the phone's region (its
    /// code in English, its name in Chinese: [`region_name`](super::region_name)), number type
    /// and carrier; the card's brand (co-badged: `UnionPay + Visa`), its issuer
    /// (the Chinese name in `zh-CN`, when the BIN table has one) and the issuer's country. Types,
    /// brands and carriers by the names readers of `lang` know them by.
    pub fn facts(&self, lang: Lang) -> Vec<String> {
        let mut facts = Vec::new();
        let region = |code: &str| super::region_name(code, lang).unwrap_or(code).to_owned();
        facts.extend(self.region.as_deref().map(region));
        facts.extend(self.number_type.map(|t| t.name(lang).to_owned()));
        if let Some(brand) = self.brand {
            let brands: Vec<&str> = std::iter::once(brand)
                .chain(self.co_brands.iter().copied())
                .map(|b| b.name(lang))
                .collect();
            facts.push(brands.join(" + "));
        }
        if let Some(c) = self.carrier.as_ref().filter(|c| !c.name.is_empty()) {
            facts.push(c.name_in(lang).to_owned());
        }
        if let Some(issuer) = &self.issuer {
            facts.push(issuer.issuer_name(lang).to_owned());
            facts.extend(issuer.country.as_deref().map(region));
        }
        facts
    }
}

/// [`Validation::views`] borrowed from the checks, for a writer that writes each row once
/// and drops it: `bindcheck::batch::write_record` writes the JSON of [`FieldViews`] from it,
/// byte for byte, with no owned copy of each value, region, carrier and finding first
/// (`bindcheck validate --input` writes millions of rows). Each field's view is made as it
/// is written.
#[derive(Clone, Copy)]
pub struct FieldViewsRef<'a> {
    validation: &'a Validation,
    inputs: &'a Inputs,
    lang: Lang,
    unmasked: bool,
}

impl Validation {
    /// The views of every checked field, in form order, as [`views`](Validation::views)
    /// serializes them, borrowed.
    pub fn views_ref<'a>(&'a self, inputs: &'a Inputs, lang: Lang, unmasked: bool) -> FieldViewsRef<'a> {
        FieldViewsRef {
            validation: self,
            inputs,
            lang,
            unmasked,
        }
    }

    /// [`view`](Validation::view), borrowed, for `raw`, the input of `field` that was checked
    /// (the security code and a phone number that cannot be read are shown from it), with
    /// the findings' texts left to be made in the language the caller shows them in. `None`
    /// when `field` was not checked.
    pub fn view_ref<'a>(&'a self, field: Field, raw: &'a str, unmasked: bool) -> Option<FieldViewRef<'a>> {
        // The full value borrowed when unmasked, else the masked one (made only then).
        let shown = |masked: &dyn Fn() -> String, full: &'a str| -> Option<Cow<'a, str>> {
            Some(if unmasked {
                Cow::Borrowed(full)
            } else {
                Cow::Owned(masked())
            })
        };
        let v = match field {
            Field::Phone => {
                let c = self.phone.as_ref()?;
                let normalized = match &c.e164 {
                    Some(e) => Some(Cow::Owned(if unmasked { e.to_string() } else { e.masked() })),
                    None => shown(&|| c.masked(raw), raw.trim()),
                };
                FieldViewRef {
                    possible: Some(c.possible),
                    normalized,
                    region: c.region,
                    number_type: c.number_type,
                    carrier: c.carrier.as_ref(),
                    ..FieldViewRef::new(c.valid, &c.findings)
                }
            }
            Field::Email => {
                let c = self.email.as_ref()?;
                FieldViewRef {
                    normalized: shown(&|| c.masked(), c.normalized()),
                    domain_unicode: c
                        .domain_unicode
                        .as_deref()
                        .filter(|u| Some(*u) != c.domain_ascii.as_deref() && (unmasked || mask::is_plausible_host(u))),
                    suggestion: c.suggestion.as_deref(),
                    ..FieldViewRef::new(c.valid, &c.findings)
                }
            }
            Field::Card => {
                let c = self.card.as_ref()?;
                FieldViewRef {
                    potentially_valid: Some(c.potentially_valid),
                    luhn: Some(c.luhn),
                    brand: c.brand,
                    co_brands: &c.co_brands,
                    candidates: if c.brand.is_none() {
                        c.candidates.as_slice()
                    } else {
                        &[]
                    },
                    issuer: c.issuer.as_ref(),
                    normalized: if c.digits().is_empty() {
                        None
                    } else {
                        shown(&|| c.masked(), c.digits())
                    },
                    ..FieldViewRef::new(c.valid, &c.findings)
                }
            }
            Field::Expiry => {
                let c = self.expiry.as_ref()?;
                FieldViewRef {
                    normalized: c.expiry.map(|e| Cow::Owned(e.to_string())),
                    ..FieldViewRef::new(c.valid, &c.findings)
                }
            }
            Field::Cvv => {
                let c = self.cvv.as_ref()?;
                FieldViewRef {
                    normalized: shown(&|| mask::cvv(raw.trim()), raw.trim()),
                    ..FieldViewRef::new(c.valid, &c.findings)
                }
            }
            Field::IdNumber => {
                let c = self.id_number.as_ref()?;
                FieldViewRef {
                    normalized: shown(&|| c.masked(), c.normalized()),
                    ..FieldViewRef::new(c.valid, &c.findings)
                }
            }
            Field::Name => {
                let c = self.name.as_ref()?;
                FieldViewRef {
                    normalized: shown(&|| c.masked(), c.normalized()),
                    ..FieldViewRef::new(c.valid, &c.findings)
                }
            }
        };
        Some(v)
    }
}

impl<'a> FieldViewsRef<'a> {
    /// The view of each checked field, in form order, made as it is asked for.
    pub fn views(&self) -> impl Iterator<Item = (Field, FieldViewRef<'a>)> + '_ {
        Field::ALL.iter().filter_map(|&f| {
            let raw = self.inputs.get(f).unwrap_or_default();
            self.validation.view_ref(f, raw, self.unmasked).map(|v| (f, v))
        })
    }

    /// The language of the findings' texts.
    pub fn lang(&self) -> Lang {
        self.lang
    }
}

/// [`FieldView`] borrowed from a check: the same fields, in the same order, each as its
/// JSON shows it (`co_brands` and `candidates` empty when absent, the findings in the
/// language of the [`FieldViewsRef`] they come from). No `Debug`: `normalized` may be a
/// value in full.
#[non_exhaustive]
pub struct FieldViewRef<'a> {
    pub valid: bool,
    pub possible: Option<bool>,
    pub potentially_valid: Option<bool>,
    pub normalized: Option<Cow<'a, str>>,
    pub region: Option<&'static str>,
    pub number_type: Option<NumberType>,
    pub carrier: Option<&'a Carrier>,
    pub luhn: Option<bool>,
    pub brand: Option<Brand>,
    pub co_brands: &'a [Brand],
    pub candidates: &'a [Brand],
    pub issuer: Option<&'a BinEntry>,
    pub domain_unicode: Option<&'a str>,
    pub suggestion: Option<&'a str>,
    pub findings: &'a [Finding],
}

impl<'a> FieldViewRef<'a> {
    /// The view owned, with the findings' texts in `lang`: what [`Validation::view`] gives.
    pub fn into_owned(self, lang: Lang) -> FieldView {
        FieldView {
            valid: self.valid,
            possible: self.possible,
            potentially_valid: self.potentially_valid,
            normalized: self.normalized.map(Cow::into_owned),
            region: self.region.map(str::to_owned),
            number_type: self.number_type,
            carrier: self.carrier.cloned(),
            luhn: self.luhn,
            brand: self.brand,
            co_brands: self.co_brands.to_vec(),
            candidates: self.candidates.to_vec(),
            issuer: self.issuer.cloned(),
            domain_unicode: self.domain_unicode.map(str::to_owned),
            suggestion: self.suggestion.map(str::to_owned),
            findings: localized(self.findings, lang),
        }
    }

    /// A view with nothing but whether the value is valid and its findings.
    pub(crate) fn new(valid: bool, findings: &'a [Finding]) -> FieldViewRef<'a> {
        FieldViewRef {
            valid,
            possible: None,
            potentially_valid: None,
            normalized: None,
            region: None,
            number_type: None,
            carrier: None,
            luhn: None,
            brand: None,
            co_brands: &[],
            candidates: &[],
            issuer: None,
            domain_unicode: None,
            suggestion: None,
            findings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{BinTable, PhoneRanges};
    use std::sync::Arc;

    #[test]
    fn a_fields_outcome_is_what_its_view_says_and_ok_is_no_error() {
        let today = Date::from_unix_days(20_000);
        for inputs in [
            Inputs {
                phone: Some("13800138000".into()),
                email: Some("li@gmial.com".into()),
                card: Some("4111 1111 1111 1112".into()),
                expiry: Some("12/20".into()),
                cvv: Some("12".into()),
                id_number: Some("11010519491231002X".into()),
                name: Some("欧阳娜娜".into()),
            },
            Inputs {
                phone: Some("+852 2123 4567".into()),
                email: Some("zhang@qq.com".into()),
                ..Inputs::default()
            },
            Inputs::default(),
        ] {
            let v = validate(&inputs, &Policy::default(), today);
            for field in Field::ALL {
                let seen = v.view(field, &inputs, Lang::En, false);
                let outcome = v
                    .outcome(field)
                    .map(|(valid, fs)| (valid, fs.iter().map(|f| f.code).collect::<Vec<_>>()));
                let view = seen.map(|view| (view.valid, view.findings.iter().map(|f| f.code).collect::<Vec<_>>()));
                assert_eq!(outcome, view, "{field:?}");
            }
            let no_error = !v.findings().iter().any(|f| f.severity == Severity::Error);
            assert_eq!(v.ok(), no_error);
        }
    }

    fn card_facts(input: &str, policy: &CardPolicy, lang: Lang) -> Vec<String> {
        let validation = Validation {
            card: Some(validate_card(input, policy)),
            ..Validation::default()
        };
        let inputs = Inputs::default();
        validation.view(Field::Card, &inputs, lang, false).unwrap().facts(lang)
    }

    #[test]
    fn a_card_shows_its_brands_issuer_and_country_in_the_reader_s_language() {
        let table = "prefix,issuer,issuer_zh,kind,country,brands\n\
                     622202,ICBC,中国工商银行,debit,CN,unionpay\n\
                     62220299,\"ICBC, Asia\",,debit,HK,unionpay+visa\n";
        let policy = CardPolicy {
            bin_table: Some(BinTable::parse(table).unwrap()),
            ..CardPolicy::default()
        };
        assert_eq!(
            card_facts("6222021234567890128", &policy, Lang::ZhCn),
            ["银联", "中国工商银行", "中国大陆"]
        );
        assert_eq!(
            card_facts("6222021234567890128", &policy, Lang::En),
            ["UnionPay", "ICBC", "CN"]
        );
        assert_eq!(
            card_facts("6222029912345678", &policy, Lang::ZhCn),
            ["银联 + Visa", "ICBC, Asia", "中国香港"],
            "no Chinese name in the table: the issuer as written"
        );
        let classic = CardPolicy {
            bin_table: Some(BinTable::parse("622202,ICBC,debit\n").unwrap()),
            ..CardPolicy::default()
        };
        assert_eq!(
            card_facts("6222021234567890128", &classic, Lang::ZhCn),
            ["银联", "ICBC"]
        );
    }

    #[test]
    fn data_versions_name_the_profiles_files_too() {
        let bundled = Policy::default().data_versions();
        assert_eq!(bundled.phone_ranges, None);
        assert!(bundled.phone_metadata.starts_with("libphonenumber "), "{bundled:?}");
        let mut policy = Policy::default();
        policy.phone.ranges = Some(Arc::new(
            PhoneRanges::parse("# version: ops-7\n+86 149,mobile\n").unwrap(),
        ));
        let line = policy.data_versions().line(Lang::ZhCn);
        assert!(line.ends_with(" · 号段文件：ops-7"), "{line}");
        policy.phone.ranges = Some(Arc::new(PhoneRanges::parse("+86 149,mobile\n").unwrap()));
        assert_eq!(policy.data_versions().phone_ranges.as_deref(), Some("unversioned"));
        policy.card.bin_table = Some(BinTable::parse("# version: bins-9\n622202,ICBC,debit\n").unwrap());
        let line = policy.data_versions().line(Lang::En);
        assert!(
            line.ends_with(" · phone ranges: unversioned · BIN table: bins-9"),
            "{line}"
        );
    }
}

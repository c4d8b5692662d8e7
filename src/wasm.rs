//! The validators for JavaScript (feature `wasm`), built with `.ci/wasm-build` into
//! `target/wasm-pkg/`.
//!
//! Every function takes what the person typed and an optional options object, and returns a
//! plain object of the same shape as one field of the command line's JSON output
//! ([`FieldView`](crate::validate::FieldView)): the same finding codes, messages and hints, masked values unless
//! `unmasked` is set. Invalid input is a finding, never an exception; options that make no
//! sense (an unknown region, brand or language, a malformed date or BIN table, an unknown
//! key) throw an `Error`, as they are a usage error of the caller.
//!
//! The work is done by plain Rust functions on JSON text ([`check_json`], [`validate_json`]),
//! which the exported functions wrap: the answer is built by serde exactly as the CLI builds
//! its JSON, then handed to `JSON.parse`, so a key the CLI omits is absent here too and a
//! `null` stays `null`. The validators themselves know nothing of this module.

use wasm_bindgen::prelude::*;

pub use crate::validate::options::Options;
use crate::validate::{
    self, format_as_you_type, mask, options::FormView, validate_card, Brand, CardPolicy, Date, Field, Inputs,
};

/// Checks one field on its own and returns its view as JSON text. A security code is
/// judged against `options.brand`.
pub fn check_json(field: Field, input: &str, options: &Options, today: Date) -> Result<String, String> {
    let view = options
        .resolve(Some(field), || today)
        .map_err(|e| e.to_string())?
        .field(field, input);
    serde_json::to_string(&view).map_err(|e| e.to_string())
}

/// Checks a whole form as `bindcheck validate --format json` does, and returns
/// `{"ok": .., "fields": {..}}` as JSON text. `inputs_json` has the keys `phone`, `email`,
/// `card`, `expiry`, `cvv`, `id_number`, `name`, any of them absent or `null`.
pub fn validate_json(inputs_json: &str, options: &Options, today: Date) -> Result<String, String> {
    // serde's message could quote a value (a card number given as a number): say where only.
    let inputs: Inputs = serde_json::from_str(inputs_json).map_err(|e| {
        format!(
            "bad inputs ({} at column {}): give phone, email, card, expiry, cvv, id_number, name as strings or null",
            validate::json_problem(&e),
            e.column()
        )
    })?;
    let form: FormView = options
        .resolve(None, || today)
        .map_err(|e| e.to_string())?
        .form(&inputs);
    serde_json::to_string(&form).map_err(|e| e.to_string())
}

/// A phone field's text formatted as it is typed, and where its caret goes. Positions are
/// in UTF-16 code units, as JavaScript's `selectionStart` counts them: `caret` (clamped to
/// the text; `None` for its end) is where the caret is in `text`, and the position returned
/// is in the formatted text, just after the same digit. See [`format_as_you_type`].
pub fn phone_as_you_type(
    text: &str,
    caret: Option<f64>,
    options: &Options,
) -> Result<PhoneAsYouType, crate::validate::options::OptionError> {
    let region = options.default_region()?;
    let caret = match caret {
        None => text.chars().count(),
        // NaN and negative positions are the start; fractions round down.
        Some(units) => char_index(text, if units >= 0.0 { units as usize } else { 0 }),
    };
    let (formatted, caret) = format_as_you_type(text, caret, region);
    let caret = formatted.chars().take(caret).map(char::len_utf16).sum();
    Ok(PhoneAsYouType { formatted, caret })
}

/// The index of the character at or after `units` UTF-16 code units into `text` (a
/// position inside a surrogate pair moves after it).
fn char_index(text: &str, units: usize) -> usize {
    let mut seen = 0;
    text.chars()
        .take_while(|c| {
            let before = seen;
            seen += c.len_utf16();
            before < units
        })
        .count()
}

/// What `formatPhoneAsYouType` returns.
#[derive(Debug, PartialEq, Eq, serde::Serialize)]
pub struct PhoneAsYouType {
    pub formatted: String,
    /// In UTF-16 code units.
    pub caret: usize,
}

/// What one brand looks like, for a form: its names, lengths, where the spaces go, and the
/// length of its security code.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct BrandInfo {
    brand: Brand,
    nice_name: &'static str,
    lengths: &'static [usize],
    gaps: &'static [usize],
    code_size: usize,
}

// ---- the JavaScript API -------------------------------------------------------------

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** A card brand, as braintree's credit-card-type names it. */
export type Brand =
  | "visa" | "mastercard" | "american-express" | "diners-club" | "discover" | "jcb"
  | "unionpay" | "maestro" | "mir" | "elo" | "hiper" | "hipercard" | "troy" | "naranja" | "verve";

/** The language of messages and hints. */
export type Lang = "en" | "zh-CN";

/** Options every function accepts. */
export interface CommonOptions {
  /** Messages and hints in English (default) or Simplified Chinese. */
  lang?: Lang;
  /** Show the value in full in `normalized` (default: masked). */
  unmasked?: boolean;
}

export interface PhoneOptions extends CommonOptions {
  /** Region of national-form numbers (default "CN"); null requires "+" or "00". */
  defaultRegion?: string | null;
  /** Accept numbers of these regions only. */
  allowedRegions?: string[];
  /** The number must receive SMS codes (default true). */
  requireMobile?: boolean;
  /** A virtual operator's number: accepted, a warning (default) or an error. */
  virtualOperator?: "allow" | "warn" | "reject";
  /** Ranges over the bundled data, as CSV text: prefix,type,carrier,carrier_zh,segment. */
  phoneRanges?: string;
}

export interface EmailOptions extends CommonOptions {
  allowQuotedLocal?: boolean;
  allowIpLiteral?: boolean;
}

export interface CardOptions extends CommonOptions {
  /** Accept these brands only ("amex" and "cup" are aliases). */
  allowedBrands?: string[];
  /** Supported banks: CSV text "prefix,issuer,kind", or with a header naming
   *  "prefix,issuer,issuer_zh,kind,country,brands" (docs/profile.md, "BIN tables"). */
  binTable?: string;
  /** Accept these kinds only (with a BIN table that says the kind). */
  allowedKinds?: ("debit" | "credit" | "prepaid")[];
  /** A UnionPay card failing the check digit: a warning (default), or an error. */
  unionpayLuhn?: "warn" | "error";
}

export interface DateOptions extends CommonOptions {
  /** The date to judge against, "YYYY-MM-DD" (default: today, UTC). */
  today?: string;
}

export interface CvvOptions extends CommonOptions {
  /** The card's brand: 4 digits for American Express, 3 otherwise; any of 3-4 when null. */
  brand?: Brand | string | null;
}

export type ValidateOptions = PhoneOptions & EmailOptions & CardOptions & DateOptions;

export type Severity = "error" | "warning" | "info";
export type FieldName = "phone" | "email" | "card" | "expiry" | "cvv" | "id_number" | "name";

export interface Finding {
  /** Stable code, e.g. "card.luhn" (docs/codes.md). */
  code: string;
  severity: Severity;
  field: FieldName;
  message: string;
  hint: string;
}

export type NumberType =
  | "mobile" | "fixed_line" | "fixed_line_or_mobile" | "toll_free" | "premium_rate"
  | "shared_cost" | "voip" | "personal_number" | "pager" | "uan" | "voicemail" | "unknown";

/** One field's result: the same object as in `bindcheck validate --format json`. */
export interface FieldView {
  /** Usable for a bind: no finding of error severity. */
  valid: boolean;
  /** Phone: the length fits the region. */
  possible?: boolean;
  /** Card: the digits so far could still become a valid number. */
  potentially_valid?: boolean;
  /** Canonical form, masked unless `unmasked`. */
  normalized: string | null;
  region?: string;
  number_type?: NumberType;
  /** Phone: the operator of the number's range, and what the range is for. */
  carrier?: {
    name: string;
    name_zh?: string;
    segment: "standard" | "virtual_operator" | "data_only" | "satellite";
  };
  luhn?: boolean;
  /** Card: the brand (the primary network), once the digits determine one. */
  brand?: Brand;
  /** Card: the other networks of a co-badged card, from the BIN table's `brands`. */
  co_brands?: Brand[];
  /** Card: brands the digits may belong to, while no single one is determined. */
  candidates?: Brand[];
  /** Card: the BIN table's entry for the number; `issuer_zh`, `country` and `brands` when the table has them. */
  issuer?: {
    prefix: string;
    issuer: string;
    issuer_zh?: string;
    kind: "debit" | "credit" | "prepaid" | null;
    country?: string;
    brands?: Brand[];
  };
  domain_unicode?: string;
  suggestion?: string;
  findings: Finding[];
}

export interface Inputs {
  phone?: string | null;
  email?: string | null;
  card?: string | null;
  expiry?: string | null;
  cvv?: string | null;
  id_number?: string | null;
  name?: string | null;
}

/** A whole form's result, as `bindcheck validate --format json` writes it. */
export interface Validation {
  /** No field has a finding of error severity. */
  ok: boolean;
  fields: { [K in FieldName]?: FieldView };
}

/** A phone field's text formatted as it is typed, and where its caret goes. */
export interface PhoneAsYouType {
  /** The text formatted, e.g. "138 0013 8000"; unchanged when it holds more than digits, separators and a leading "+". */
  formatted: string;
  /** The caret's position in `formatted` (UTF-16 code units, as `selectionStart`): after the same digit as before. */
  caret: number;
}

export interface BrandInfo {
  brand: Brand;
  /** The name people know, e.g. "American Express". */
  niceName: string;
  /** Card number lengths the brand issues. */
  lengths: number[];
  /** Positions of the spaces when printed, e.g. [4, 8, 12]. */
  gaps: number[];
  /** Length of the security code. */
  codeSize: number;
}
"#;

fn js_error(message: impl std::fmt::Display) -> JsError {
    JsError::new(&message.to_string())
}

/// The JSON text of an options object, `None` when it is absent.
fn options_of(options: &JsValue) -> Result<Options, JsError> {
    if options.is_undefined() || options.is_null() {
        return Ok(Options::default());
    }
    let text = js_sys::JSON::stringify(options)
        .map_err(|_| JsError::new("bad options: not serializable"))?
        .as_string();
    Options::from_json(text.as_deref()).map_err(js_error)
}

/// Today in UTC, from the JavaScript clock: the validators never read it themselves.
fn js_today() -> Date {
    Date::from_unix_days((js_sys::Date::now() / 86_400_000.0).floor() as i64)
}

fn to_js(json: Result<String, String>) -> Result<JsValue, JsError> {
    let text = json.map_err(js_error)?;
    js_sys::JSON::parse(&text).map_err(|_| JsError::new("internal error: unparsable JSON"))
}

fn check(field: Field, input: &str, options: &JsValue) -> Result<JsValue, JsError> {
    let options = options_of(options)?;
    let today = options.today(js_today).map_err(js_error)?;
    to_js(check_json(field, input, &options, today))
}

/// Runs once, when the module is instantiated (inside `init()`): each validator answers a
/// fixed sample (never a person's data), and a mainland number is formatted as it is typed.
/// Browsers compile WebAssembly lazily, function by function on its first call, and the
/// validators fill their tables on first use: warmed here, the page load pays for it, and a
/// person's first keystroke is answered as fast as the later ones (docs/performance.md).
#[wasm_bindgen(start, private)]
fn warm() {
    for (field, sample) in [
        (Field::Phone, "138 0013 8000"),
        (Field::Email, "zhang.wei@qq.com"),
        (Field::Card, "6222 0212 3456 7890 128"),
    ] {
        let _ = check(field, sample, &JsValue::UNDEFINED);
    }
    let _ = phone_as_you_type("138 0013 8000", None, &Options::default());
}

/// Checks a phone number.
#[wasm_bindgen(js_name = validatePhone, unchecked_return_type = "FieldView")]
pub fn js_validate_phone(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "PhoneOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    check(Field::Phone, input, &options)
}

/// Checks an email address.
#[wasm_bindgen(js_name = validateEmail, unchecked_return_type = "FieldView")]
pub fn js_validate_email(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "EmailOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    check(Field::Email, input, &options)
}

/// Checks a card number, also while it is typed: `potentially_valid`, `brand` once the
/// digits determine one, else `candidates`.
#[wasm_bindgen(js_name = validateCard, unchecked_return_type = "FieldView")]
pub fn js_validate_card(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "CardOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    check(Field::Card, input, &options)
}

/// Checks a card expiry date (`MM/YY`, `MM/YYYY`, `MMYY`...) against `options.today` or
/// today's date (UTC).
#[wasm_bindgen(js_name = validateExpiry, unchecked_return_type = "FieldView")]
pub fn js_validate_expiry(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "DateOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    check(Field::Expiry, input, &options)
}

/// Checks a card security code, for `options.brand` when given.
#[wasm_bindgen(js_name = validateCvv, unchecked_return_type = "FieldView")]
pub fn js_validate_cvv(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "CvvOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    check(Field::Cvv, input, &options)
}

/// Checks a mainland China resident ID number (birth dates against `options.today`).
#[wasm_bindgen(js_name = validateIdNumber, unchecked_return_type = "FieldView")]
pub fn js_validate_id_number(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "DateOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    check(Field::IdNumber, input, &options)
}

/// Checks a cardholder name.
#[wasm_bindgen(js_name = validateName, unchecked_return_type = "FieldView")]
pub fn js_validate_name(
    input: &str,
    #[wasm_bindgen(unchecked_optional_param_type = "CommonOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    check(Field::Name, input, &options)
}

/// Checks a whole form; the security code is judged against the card's brand.
#[wasm_bindgen(js_name = validate, unchecked_return_type = "Validation")]
pub fn js_validate(
    #[wasm_bindgen(unchecked_param_type = "Inputs")] inputs: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "ValidateOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    let options = options_of(&options)?;
    let today = options.today(js_today).map_err(js_error)?;
    let text = js_sys::JSON::stringify(&inputs)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| JsError::new("bad inputs: expected an object"))?;
    to_js(validate_json(&text, &options, today))
}

/// Formats a phone field's text as libphonenumber formats a number typed digit by digit,
/// for `options.defaultRegion` (absent: CN), and moves the caret (`selectionStart`; absent
/// or `null`: the end) to stay after the same digit.
#[wasm_bindgen(js_name = formatPhoneAsYouType, unchecked_return_type = "PhoneAsYouType")]
pub fn js_format_phone_as_you_type(
    text: &str,
    caret: Option<f64>,
    #[wasm_bindgen(unchecked_optional_param_type = "PhoneOptions")] options: JsValue,
) -> Result<JsValue, JsError> {
    let options = options_of(&options)?;
    let answer = phone_as_you_type(text, caret, &options).map_err(js_error)?;
    to_js(serde_json::to_string(&answer).map_err(|e| e.to_string()))
}

/// The digits of a card number grouped as printed on the card for its brand
/// (`4111 1111 1111 1111`, `3782 822463 10005`); other characters are dropped.
#[wasm_bindgen(js_name = formatCard)]
pub fn js_format_card(input: &str) -> String {
    validate_card(input, &CardPolicy::default()).grouped()
}

/// A brand's names, lengths, gaps and security-code length; `undefined` for an unknown name.
#[wasm_bindgen(js_name = brandInfo, unchecked_return_type = "BrandInfo | undefined")]
pub fn js_brand_info(name: &str) -> Result<JsValue, JsError> {
    let Ok(b) = name.parse::<Brand>() else {
        return Ok(JsValue::UNDEFINED);
    };
    let info = BrandInfo {
        brand: b,
        nice_name: b.nice_name(),
        lengths: b.lengths(),
        gaps: b.gaps(),
        code_size: b.code_size(),
    };
    to_js(serde_json::to_string(&info).map_err(|e| e.to_string()))
}

/// A card number masked: at most the first 6 and last 4 digits.
#[wasm_bindgen(js_name = maskCard)]
pub fn js_mask_card(number: &str) -> String {
    mask::card(number)
}

/// A phone number's national digits masked: `138****8000`.
#[wasm_bindgen(js_name = maskPhone)]
pub fn js_mask_phone(national: &str) -> String {
    mask::phone(national)
}

/// An E.164 number masked with its country code visible: `+86138****8000`.
#[wasm_bindgen(js_name = maskE164)]
pub fn js_mask_e164(country_code: u16, national: &str) -> String {
    mask::e164(country_code, national)
}

/// An email address masked: `z***@qq.com`.
#[wasm_bindgen(js_name = maskEmail)]
pub fn js_mask_email(address: &str) -> String {
    mask::email(address)
}

/// A resident ID number masked: the first 3 and last 4 of 18.
#[wasm_bindgen(js_name = maskIdNumber)]
pub fn js_mask_id_number(id: &str) -> String {
    mask::id_number(id)
}

/// A name masked: the first character.
#[wasm_bindgen(js_name = maskName)]
pub fn js_mask_name(name: &str) -> String {
    mask::name(name)
}

/// A security code masked: only its length shows.
#[wasm_bindgen(js_name = maskCvv)]
pub fn js_mask_cvv(code: &str) -> String {
    mask::cvv(code)
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
    fn a_field_view_is_the_cli_json_of_that_field() {
        let json = check_json(Field::Card, "4111 1111 1111 1112", &opts("{}"), today()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["valid"], false);
        assert_eq!(v["potentially_valid"], true);
        assert_eq!(v["brand"], "visa");
        assert_eq!(v["normalized"], "411111******1112");
        assert_eq!(v["findings"][0]["code"], "card.luhn");
        assert!(v.get("candidates").is_none());

        let json = check_json(Field::Card, "4", &opts(r#"{"lang": "zh-CN"}"#), today()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert!(v["candidates"].as_array().unwrap().len() > 1);
        assert!(v["findings"][0]["message"]
            .as_str()
            .unwrap()
            .chars()
            .any(|c| c > '\u{4e00}'));

        let json = check_json(Field::Cvv, "123", &opts(r#"{"brand": "amex"}"#), today()).unwrap();
        assert!(json.contains("cvv.length"), "{json}");
        let json = check_json(Field::Expiry, "", &opts("{}"), today()).unwrap();
        assert!(json.contains(r#""normalized":null"#), "{json}");
    }

    #[test]
    fn unionpay_luhn_is_a_warning_unless_the_option_says_error() {
        let card = |options: &str| {
            let json = check_json(Field::Card, "6212345678901266", &opts(options), today()).unwrap();
            serde_json::from_str::<serde_json::Value>(&json).unwrap()
        };
        for options in ["{}", r#"{"unionpayLuhn": "warn"}"#] {
            let v = card(options);
            assert_eq!(
                (v["valid"].as_bool(), &v["findings"][0]["severity"]),
                (Some(true), &"warning".into())
            );
        }
        let v = card(r#"{"unionpayLuhn": "error"}"#);
        assert_eq!(v["valid"], false);
        assert_eq!(v["findings"][0]["code"], "card.luhn");
        assert_eq!(v["findings"][0]["severity"], "error");
    }

    #[test]
    fn as_you_type_positions_are_utf16_units() {
        let at = |text: &str, caret: Option<f64>, o: &str| phone_as_you_type(text, caret, &opts(o)).unwrap();
        let cn = |formatted: &str, caret| PhoneAsYouType {
            formatted: formatted.to_owned(),
            caret,
        };
        assert_eq!(at("13800138000", None, "{}"), cn("138 0013 8000", 13));
        assert_eq!(at("13800138000", Some(3.0), "{}"), cn("138 0013 8000", 3));
        assert_eq!(at("13800138000", Some(-1.0), "{}"), cn("138 0013 8000", 0));
        assert_eq!(at("13800138000", Some(f64::NAN), "{}"), cn("138 0013 8000", 0));
        assert_eq!(at("13800138000", Some(1e9), "{}"), cn("138 0013 8000", 13));
        // Mathematical digits are two UTF-16 units each; the result is ASCII.
        assert_eq!(
            at("\u{1D7CF}\u{1D7D1}\u{1D7D6}\u{1D7CE}", Some(6.0), "{}"),
            cn("138 0", 3)
        );
        assert_eq!(
            at("\u{1D7CF}\u{1D7D1}\u{1D7D6}\u{1D7CE}", Some(5.0), "{}"),
            cn("138 0", 3)
        );
        // Left alone, the caret stays where it was, in units.
        assert_eq!(at("📞 138", Some(3.0), "{}"), cn("📞 138", 3));
        assert_eq!(
            at("6502530000", None, r#"{"defaultRegion": "US"}"#),
            cn("(650) 253-0000", 14)
        );
        assert_eq!(
            at("6502530000", None, r#"{"defaultRegion": null}"#),
            cn("6502530000", 10)
        );
        assert!(phone_as_you_type("1", None, &opts(r#"{"defaultRegion": "XX"}"#)).is_err());
    }

    #[test]
    fn a_whole_form_judges_the_cvv_by_the_card() {
        let inputs = r#"{"card": "378282246310005", "cvv": "123", "phone": "13800138000"}"#;
        let json = validate_json(inputs, &opts("{}"), today()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["ok"], false);
        assert_eq!(v["fields"]["cvv"]["findings"][0]["code"], "cvv.length");
        assert_eq!(v["fields"]["phone"]["valid"], true);
        assert!(json.find(r#""phone""#) < json.find(r#""card""#), "form order: {json}");
        assert!(validate_json(r#"{"phone": 1}"#, &opts("{}"), today()).is_err());
    }
}

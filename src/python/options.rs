//! Keyword options, as Python spells them, into the bindings' [`Options`]. Each option is
//! checked for its type here (a `TypeError` names the option and the type it needs, never
//! the value) and for its meaning by [`Options::resolve`].

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyString};

use crate::validate::options::Options;
use crate::validate::Field;

/// Every option, by its Python name.
const NAMES: &[&str] = &[
    "region",
    "allowed_regions",
    "require_mobile",
    "virtual_operator",
    "phone_ranges",
    "allow_quoted_local",
    "allow_ip_literal",
    "allowed_brands",
    "bin_table",
    "allowed_kinds",
    "unionpay_luhn",
    "brand",
    "today",
    "lang",
    "unmasked",
];

/// How an error names a key the caller gave (an option's or a column's name): as given when
/// it looks like a name in code, else not at all, as a mistaken key could be a value (a
/// mapping of phone numbers to users passed as rows).
pub fn shown_name(key: &str) -> String {
    let looks_like_a_name = key.len() <= 32
        && key.starts_with(|c: char| c.is_ascii_alphabetic())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && key.chars().filter(char::is_ascii_digit).count() <= 2;
    if looks_like_a_name {
        format!("'{key}'")
    } else {
        "a key that is not a name (not shown)".to_owned()
    }
}

/// The options given as keywords to `func`, which checks `field` (`None`: a whole form, whose
/// security code is judged by the card's brand, so `brand` is not one of its options).
pub fn from_kwargs(func: &str, field: Option<Field>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
    let mut o = Options::default();
    let Some(kwargs) = kwargs else {
        return Ok(o);
    };
    for (key, value) in kwargs.iter() {
        let key: String = key.extract()?;
        let key = key.as_str();
        if !NAMES.contains(&key) || (key == "brand" && field.is_none()) {
            let known: Vec<&str> = NAMES
                .iter()
                .copied()
                .filter(|py| field.is_some() || *py != "brand")
                .collect();
            return Err(PyTypeError::new_err(format!(
                "{func}() got an unexpected keyword argument {}; its options are {}",
                shown_name(key),
                known.join(", ")
            )));
        }
        let value = value.as_borrowed();
        match key {
            // None: national numbers are not accepted, only the international form.
            "region" => o.default_region = Some(optional_str(key, &value)?),
            "allowed_regions" => o.allowed_regions = strings(key, &value)?,
            "require_mobile" => o.require_mobile = optional_bool(key, &value)?,
            "virtual_operator" => o.virtual_operator = optional_str(key, &value)?,
            "phone_ranges" => o.phone_ranges = optional_str(key, &value)?,
            "allow_quoted_local" => o.allow_quoted_local = flag(key, &value)?,
            "allow_ip_literal" => o.allow_ip_literal = flag(key, &value)?,
            "allowed_brands" => o.allowed_brands = strings(key, &value)?,
            "bin_table" => o.bin_table = optional_str(key, &value)?,
            "allowed_kinds" => o.allowed_kinds = strings(key, &value)?,
            "unionpay_luhn" => o.unionpay_luhn = optional_str(key, &value)?,
            "brand" => o.brand = optional_str(key, &value)?,
            "today" => o.today = date(&value)?,
            "lang" => o.lang = optional_str(key, &value)?,
            "unmasked" => o.unmasked = flag(key, &value)?,
            _ => unreachable!("every name of NAMES has a case"),
        }
    }
    Ok(o)
}

fn wrong_type(key: &str, wants: &str, value: &Borrowed<'_, '_, PyAny>) -> PyErr {
    let got = value
        .get_type()
        .name()
        .map_or_else(|_| "another type".to_owned(), |n| n.to_string());
    PyTypeError::new_err(format!("option `{key}` must be {wants}, not {got}"))
}

fn optional_str(key: &str, value: &Borrowed<'_, '_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    match value.cast::<PyString>() {
        Ok(s) => Ok(Some(s.to_str()?.to_owned())),
        Err(_) => Err(wrong_type(key, "a str or None", value)),
    }
}

fn optional_bool(key: &str, value: &Borrowed<'_, '_, PyAny>) -> PyResult<Option<bool>> {
    if value.is_none() {
        return Ok(None);
    }
    match value.cast::<PyBool>() {
        Ok(b) => Ok(Some(b.is_true())),
        Err(_) => Err(wrong_type(key, "a bool", value)),
    }
}

fn flag(key: &str, value: &Borrowed<'_, '_, PyAny>) -> PyResult<bool> {
    Ok(optional_bool(key, value)?.unwrap_or(false))
}

/// A sequence of strings (a list, a tuple, a set...), never a string itself: `"CN"` would
/// otherwise be the regions `C` and `N`.
fn strings(key: &str, value: &Borrowed<'_, '_, PyAny>) -> PyResult<Option<Vec<String>>> {
    if value.is_none() {
        return Ok(None);
    }
    let wants = "a list of str";
    if value.is_instance_of::<PyString>() {
        return Err(wrong_type(key, wants, value));
    }
    let items = value.try_iter().map_err(|_| wrong_type(key, wants, value))?;
    let mut out = Vec::new();
    for item in items {
        let item = item?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(s.to_str()?.to_owned()),
            Err(_) => return Err(wrong_type(key, wants, &item.as_borrowed())),
        }
    }
    Ok(Some(out))
}

/// `today`: a `datetime.date` (or anything with `year`, `month` and `day`), or
/// `"YYYY-MM-DD"`.
fn date(value: &Borrowed<'_, '_, PyAny>) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Some(s.to_str()?.to_owned()));
    }
    let part = |name: &str| -> Option<i64> { value.getattr(name).ok()?.extract().ok() };
    match (part("year"), part("month"), part("day")) {
        (Some(y), Some(m), Some(d)) => Ok(Some(format!("{y:04}-{m:02}-{d:02}"))),
        _ => Err(wrong_type("today", "a datetime.date or a \"YYYY-MM-DD\" str", value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_keys_that_look_like_names_and_hide_the_others() {
        assert_eq!(shown_name("phnoe"), "'phnoe'");
        assert_eq!(shown_name("id_number"), "'id_number'");
        for value in [
            "13800138000",
            "zhang@qq.com",
            "4111 1111 1111 1111",
            "a1234567",
            "张三",
            "",
        ] {
            assert!(!shown_name(value).contains(value) || value.is_empty(), "{value}");
        }
    }
}

//! Keyword options, as Python spells them, into the bindings' [`Options`]. Each option is
//! checked for its type here (a `TypeError` names the option and the type it needs, never
//! the value) and for its meaning by [`Options::resolve`].
//!
//! Every function takes the options as keyword-only parameters ([`Keywords`]), so that
//! PyO3 puts each in its place instead of copying the call's keywords into a dict of their
//! own; an unknown keyword is collected apart and refused here, with a message that names
//! it only when it looks like a name.
//!
//! A program calls a validator with the same options over and over, so the last few sets
//! resolved are kept ([`cached`]): an option resolved is looked up by the keywords' values
//! instead of being parsed again (a BIN table or phone ranges are CSV text).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyTuple};
use std::cell::RefCell;
use std::sync::Arc;

use crate::validate::options::{Options, Resolved};
use crate::validate::{Date, Field};

/// Every option, by its Python name, in the order of [`Keywords::given`] and of every
/// function's keyword-only parameters (the `with_options` macro of mod.rs;
/// python/tests/test_cases.py holds each parameter to its name here).
const NAMES: [&str; 15] = [
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

/// Where `brand` is in [`NAMES`]: a whole form's security code is judged by the card's
/// brand, so `validate` and `validate_many` do not take it.
const BRAND: usize = 11;

/// A keyword-only parameter: given (`None` included, which is not the same as leaving an
/// option out: `region=None` means the international form only), or not.
pub enum Kw<'py> {
    Absent,
    Given(Bound<'py, PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Kw<'py> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Kw::Given(obj.to_owned()))
    }
}

/// The options of one call, as its keyword-only parameters took them.
pub struct Keywords<'py> {
    /// By the index of the option's name in [`NAMES`].
    pub given: [Kw<'py>; 15],
    /// The keywords that are not options (PyO3's `**rest`), refused by [`Keywords::check`].
    pub rest: Option<Bound<'py, PyDict>>,
}

impl Keywords<'_> {
    /// An error for a keyword `func` does not take, if one was given.
    fn check(&self, func: &str, field: Option<Field>) -> PyResult<()> {
        let brand_on_a_form = field.is_none() && matches!(self.given[BRAND], Kw::Given(_));
        let unknown = match &self.rest {
            Some(rest) => rest.keys().iter().next(),
            None => None,
        };
        if unknown.is_none() && !brand_on_a_form {
            return Ok(());
        }
        let key = match &unknown {
            Some(key) => key
                .cast::<PyString>()
                .ok()
                .and_then(|k| k.to_str().ok().map(shown_name)),
            None => Some(shown_name("brand")),
        };
        let known: Vec<&str> = NAMES
            .iter()
            .copied()
            .filter(|py| field.is_some() || *py != "brand")
            .collect();
        Err(PyTypeError::new_err(format!(
            "{func}() got an unexpected keyword argument {}; its options are {}",
            key.unwrap_or_else(|| "that is not a str".to_owned()),
            known.join(", ")
        )))
    }

    /// The options given, by name, in [`NAMES`]' order.
    fn iter(&self) -> impl Iterator<Item = (usize, &Bound<'_, PyAny>)> {
        self.given.iter().enumerate().filter_map(|(i, kw)| match kw {
            Kw::Given(value) => Some((i, value)),
            Kw::Absent => None,
        })
    }
}

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

/// The options given, as the bindings' [`Options`], each checked for its type.
fn options(keywords: &Keywords<'_>) -> PyResult<Options> {
    let mut o = Options::default();
    for (i, value) in keywords.iter() {
        let key = NAMES[i];
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

/// A keyword's value as the cache of [`cached`] compares it: those of the types the options
/// take as they are (a `str`, `None`, a `bool`, a list or tuple of `str`). No `Debug`: an
/// option could hold a person's value by mistake, and nothing should print it.
enum Given {
    None,
    Bool(bool),
    Str(String),
    Strs(Vec<String>),
}

impl Given {
    /// `value` as a key, or `None` for a value of another type (a `datetime.date`, a set,
    /// a wrong type that [`options`] rejects): such options are resolved every time.
    fn of(value: &Bound<'_, PyAny>) -> Option<Given> {
        if value.is_none() {
            return Some(Given::None);
        }
        if let Ok(b) = value.cast::<PyBool>() {
            return Some(Given::Bool(b.is_true()));
        }
        if let Ok(s) = value.cast::<PyString>() {
            return s.to_str().ok().map(|s| Given::Str(s.to_owned()));
        }
        if value.is_exact_instance_of::<PyList>() || value.is_exact_instance_of::<PyTuple>() {
            let mut out = Vec::new();
            for item in value.try_iter().ok()? {
                out.push(item.ok()?.cast::<PyString>().ok()?.to_str().ok()?.to_owned());
            }
            return Some(Given::Strs(out));
        }
        None
    }

    fn is(&self, value: &Bound<'_, PyAny>) -> bool {
        match self {
            Given::None => value.is_none(),
            Given::Bool(b) => value.cast::<PyBool>().is_ok_and(|v| v.is_true() == *b),
            Given::Str(s) => value.cast::<PyString>().is_ok_and(|v| v.to_str().is_ok_and(|v| v == s)),
            Given::Strs(strs) => {
                let items = if let Ok(l) = value.cast_exact::<PyList>() {
                    l.as_sequence().clone()
                } else if let Ok(t) = value.cast_exact::<PyTuple>() {
                    t.as_sequence().clone()
                } else {
                    return false;
                };
                items.len().is_ok_and(|n| n == strs.len())
                    && strs.iter().enumerate().all(|(i, s)| {
                        items
                            .get_item(i)
                            .is_ok_and(|v| v.cast::<PyString>().is_ok_and(|v| v.to_str().is_ok_and(|v| v == s)))
                    })
            }
        }
    }
}

/// One set of options resolved, with what it was resolved from.
struct Entry {
    field: Option<Field>,
    /// The clock's date when it was resolved: `today`, when not given, is that date.
    clock: Date,
    /// The options given, by their index in [`NAMES`], in that order.
    given: Vec<(usize, Given)>,
    resolved: Arc<Resolved>,
}

impl Entry {
    fn matches(&self, field: Option<Field>, clock: Date, keywords: &Keywords<'_>) -> bool {
        if self.field != field || self.clock != clock {
            return false;
        }
        let mut given = keywords.iter();
        self.given
            .iter()
            .all(|(name, kept)| given.next().is_some_and(|(i, value)| i == *name && kept.is(value)))
            && given.next().is_none()
    }
}

/// How many sets of options each thread keeps: a program has a few call sites, a
/// benchmark over mixed regions one set per region.
const RECENT: usize = 16;

thread_local! {
    /// The last sets of options resolved on this thread, the most recently used first.
    static CACHE: RefCell<Vec<Entry>> = RefCell::default();
}

/// The options of `keywords`, checked for `func`, which checks `field` (`None`: a whole
/// form): one of the last few sets resolved when the same, else resolved by `resolve` and
/// kept for next time. `clock` is the clock's date, on which an answer without `today`
/// depends.
pub fn cached(
    func: &str,
    field: Option<Field>,
    clock: Date,
    keywords: &Keywords<'_>,
    resolve: impl FnOnce(Options) -> PyResult<Resolved>,
) -> PyResult<Arc<Resolved>> {
    keywords.check(func, field)?;
    let hit = CACHE.with(|c| {
        let mut recent = c.borrow_mut();
        let at = recent.iter().position(|e| e.matches(field, clock, keywords))?;
        recent[..=at].rotate_right(1);
        Some(Arc::clone(&recent[0].resolved))
    });
    if let Some(resolved) = hit {
        return Ok(resolved);
    }
    let resolved = Arc::new(resolve(options(keywords)?)?);
    let given: Option<Vec<(usize, Given)>> = keywords.iter().map(|(i, v)| Some((i, Given::of(v)?))).collect();
    if let Some(given) = given {
        let entry = Entry {
            field,
            clock,
            given,
            resolved: Arc::clone(&resolved),
        };
        CACHE.with(|c| {
            let mut recent = c.borrow_mut();
            recent.insert(0, entry);
            recent.truncate(RECENT);
        });
    }
    Ok(resolved)
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

    #[test]
    fn brand_is_where_its_index_says() {
        assert_eq!(NAMES[BRAND], "brand");
    }
}

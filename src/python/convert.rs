//! The answers as Python dicts and lists: the JSON output's shape, key for key.
//!
//! Written out here rather than serialized by pythonize, which makes every key a new Python
//! string on every answer: with the keys interned (`intern!`, made once) a phone call costs
//! about 15% less (2.0 -> 1.7 us on benches/compare's phones), and building answers is the part of
//! `validate_many` that cannot leave the GIL. The rare nested parts (a BIN table's issuer)
//! still go through pythonize. python/tests/test_cases.py holds every key and value to the
//! native JSON on the WebAssembly cases file, so this cannot drift from serde's output
//! unnoticed.
//!
//! The values that are the crate's own `&'static str`s (codes, severities, field names,
//! number types, brands, carrier names, and the messages and hints without a detail) are
//! made into Python strings once each and shared ([`static_str`]), as the keys are.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::validate::{Carrier, FieldViewRef, FieldViewsRef, Finding, Lang};

/// Hashes a `&'static str`'s address: the keys of [`static_str`]'s cache are the crate's
/// own string constants, so their address is their identity, and SipHash's protection
/// against chosen keys buys nothing here.
#[derive(Default)]
struct AddressHasher(u64);

impl Hasher for AddressHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3);
        }
    }

    fn write_usize(&mut self, n: usize) {
        self.0 = (self.0 ^ n as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29);
    }
}

/// Python strings by a constant's address and length.
type StaticStrings = HashMap<(usize, usize), Py<PyString>, BuildHasherDefault<AddressHasher>>;

thread_local! {
    /// One Python string per constant of the crate, by address and length. Bounded: the
    /// crate has a fixed set of string constants, and values typed by a person never come
    /// here (they are `String`s or `Cow::Owned`).
    static STATIC_STRINGS: RefCell<StaticStrings> = RefCell::default();
}

/// `s`, one of the crate's constants, as a Python string made once (per thread).
pub fn static_str<'py>(py: Python<'py>, s: &'static str) -> Bound<'py, PyString> {
    let key = (s.as_ptr() as usize, s.len());
    STATIC_STRINGS.with(|cache| {
        if let Some(cached) = cache.borrow().get(&key) {
            return cached.bind(py).clone();
        }
        let made = PyString::new(py, s);
        cache.borrow_mut().insert(key, made.clone().unbind());
        made
    })
}

/// A text of the catalog: shared when it is a constant, made anew when a detail was filled in.
#[allow(clippy::ptr_arg)] // which variant it is matters: a `&str` would not say
fn text<'py>(py: Python<'py>, s: &Cow<'static, str>) -> Bound<'py, PyString> {
    match s {
        Cow::Borrowed(s) => static_str(py, s),
        Cow::Owned(s) => PyString::new(py, s),
    }
}

/// A field's value for each of its keys, by [`field_key`]'s index, `None` where the dict
/// leaves it out.
type Values<'py> = [Option<Bound<'py, PyAny>>; 15];

thread_local! {
    /// A dict of each set of more than [`GROWN`] keys seen (by the bits of [`field_key`]'s indexes),
    /// in order, its values `None`: such a field's dict is a copy of one with its values put
    /// in. A new dict grown key by key is resized once it has six, as a phone's has; a copy
    /// is made at its size.
    /// Bounded: 2^15 sets at most, a few dozen in practice.
    static SHAPES: RefCell<HashMap<u16, Py<PyDict>>> = RefCell::default();
}

/// The most keys a new dict takes without being resized (CPython's smallest table, 8 slots,
/// holds 5).
const GROWN: u32 = 5;

/// A new dict with the keys of `values` that are `Some`, in [`field_key`]'s order.
fn dict_of<'py>(py: Python<'py>, values: Values<'py>) -> PyResult<Bound<'py, PyDict>> {
    let shape = values
        .iter()
        .enumerate()
        .filter(|(_, v)| v.is_some())
        .fold(0u16, |bits, (i, _)| bits | 1 << i);
    if shape.count_ones() <= GROWN {
        // Small enough never to be resized: put together key by key.
        let d = PyDict::new(py);
        for (i, value) in values.into_iter().enumerate() {
            if let Some(value) = value {
                d.set_item(field_key(py, i), value)?;
            }
        }
        return Ok(d);
    }
    let template = SHAPES.with(|shapes| shapes.borrow().get(&shape).map(|t| t.bind(py).clone()));
    let template = match template {
        Some(t) => t,
        None => {
            let t = PyDict::new(py);
            for (i, value) in values.iter().enumerate() {
                if value.is_some() {
                    t.set_item(field_key(py, i), py.None())?;
                }
            }
            SHAPES.with(|shapes| shapes.borrow_mut().insert(shape, t.clone().unbind()));
            t
        }
    };
    let d = template.copy()?;
    for (i, value) in values.into_iter().enumerate() {
        if let Some(value) = value {
            d.set_item(field_key(py, i), value)?;
        }
    }
    Ok(d)
}

/// The key `i` of a field's dict, in the order serde writes them ([`FieldView`]'s fields),
/// interned once: the template dicts' own key objects, so that each value is put in by
/// identity.
///
/// [`FieldView`]: crate::validate::FieldView
fn field_key(py: Python<'_>, i: usize) -> &Bound<'_, PyString> {
    match i {
        0 => intern!(py, "valid"),
        1 => intern!(py, "possible"),
        2 => intern!(py, "potentially_valid"),
        3 => intern!(py, "normalized"),
        4 => intern!(py, "region"),
        5 => intern!(py, "number_type"),
        6 => intern!(py, "carrier"),
        7 => intern!(py, "luhn"),
        8 => intern!(py, "brand"),
        9 => intern!(py, "co_brands"),
        10 => intern!(py, "candidates"),
        11 => intern!(py, "issuer"),
        12 => intern!(py, "domain_unicode"),
        13 => intern!(py, "suggestion"),
        _ => intern!(py, "findings"),
    }
}

/// One field's view, as serde writes it: `Option`s that are `None` and empty lists left out
/// but for `normalized`, which is `None` when absent; the findings' texts in `lang`.
pub fn field<'py>(py: Python<'py>, v: &FieldViewRef<'_>, lang: Lang) -> PyResult<Bound<'py, PyDict>> {
    let any = |b: Bound<'py, PyString>| Some(b.into_any());
    let flag = |b: bool| Some(PyBool::new(py, b).to_owned().into_any());
    let names = |brands: &[crate::validate::Brand]| -> PyResult<Option<Bound<'py, PyAny>>> {
        if brands.is_empty() {
            return Ok(None);
        }
        Ok(Some(
            PyList::new(py, brands.iter().map(|b| static_str(py, b.as_str())))?.into_any(),
        ))
    };
    let findings = v
        .findings
        .iter()
        .map(|f| finding(py, f, lang))
        .collect::<PyResult<Vec<_>>>()?;
    let values: Values<'py> = [
        flag(v.valid),
        v.possible.and_then(flag),
        v.potentially_valid.and_then(flag),
        Some(match v.normalized.as_deref() {
            Some(shown) => PyString::new(py, shown).into_any(),
            None => py.None().into_bound(py),
        }),
        v.region.and_then(|r| any(static_str(py, r))),
        v.number_type.and_then(|t| any(static_str(py, t.as_str()))),
        v.carrier.map(|c| carrier(py, c)).transpose()?.map(Bound::into_any),
        v.luhn.and_then(flag),
        v.brand.and_then(|b| any(static_str(py, b.as_str()))),
        names(v.co_brands)?,
        names(v.candidates)?,
        v.issuer.map(|i| pythonize::pythonize(py, i)).transpose()?,
        v.domain_unicode.and_then(|d| any(PyString::new(py, d))),
        v.suggestion.and_then(|s| any(PyString::new(py, s))),
        Some(PyList::new(py, findings)?.into_any()),
    ];
    dict_of(py, values)
}

fn carrier<'py>(py: Python<'py>, c: &Carrier) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "name"), text(py, &c.name))?;
    if let Some(zh) = &c.name_zh {
        d.set_item(intern!(py, "name_zh"), text(py, zh))?;
    }
    d.set_item(intern!(py, "segment"), static_str(py, c.segment.as_str()))?;
    Ok(d)
}

fn finding<'py>(py: Python<'py>, f: &Finding, lang: Lang) -> PyResult<Bound<'py, PyDict>> {
    let f = f.localized(lang);
    let d = PyDict::new(py);
    d.set_item(intern!(py, "code"), static_str(py, f.code.as_str()))?;
    d.set_item(intern!(py, "severity"), static_str(py, f.severity.as_str()))?;
    d.set_item(intern!(py, "field"), static_str(py, f.field.as_str()))?;
    d.set_item(intern!(py, "message"), text(py, &f.message))?;
    d.set_item(intern!(py, "hint"), text(py, &f.hint))?;
    Ok(d)
}

/// A whole form's answer: `{"ok": .., "fields": {name: view}}`, fields in form order.
pub fn form<'py>(py: Python<'py>, ok: bool, views: &FieldViewsRef<'_>) -> PyResult<Bound<'py, PyDict>> {
    let fields = PyDict::new(py);
    for (name, view) in views.views() {
        fields.set_item(static_str(py, name.as_str()), field(py, &view, views.lang())?)?;
    }
    let d = PyDict::new(py);
    d.set_item(intern!(py, "ok"), ok)?;
    d.set_item(intern!(py, "fields"), fields)?;
    Ok(d)
}

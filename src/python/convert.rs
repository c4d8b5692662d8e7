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
use pyo3::types::{PyDict, PyList, PyString};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::validate::options::FormView;
use crate::validate::{Carrier, FieldView, LocalizedFinding};

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

/// One field's view, as serde writes it: `Option`s that are `None` and empty lists left out
/// but for `normalized`, which is `None` when absent.
pub fn field<'py>(py: Python<'py>, v: &FieldView) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "valid"), v.valid)?;
    if let Some(possible) = v.possible {
        d.set_item(intern!(py, "possible"), possible)?;
    }
    if let Some(potentially_valid) = v.potentially_valid {
        d.set_item(intern!(py, "potentially_valid"), potentially_valid)?;
    }
    d.set_item(intern!(py, "normalized"), v.normalized.as_deref())?;
    if let Some(region) = &v.region {
        d.set_item(intern!(py, "region"), region)?;
    }
    if let Some(t) = v.number_type {
        d.set_item(intern!(py, "number_type"), static_str(py, t.as_str()))?;
    }
    if let Some(c) = &v.carrier {
        d.set_item(intern!(py, "carrier"), carrier(py, c)?)?;
    }
    if let Some(luhn) = v.luhn {
        d.set_item(intern!(py, "luhn"), luhn)?;
    }
    if let Some(brand) = v.brand {
        d.set_item(intern!(py, "brand"), static_str(py, brand.as_str()))?;
    }
    if !v.co_brands.is_empty() {
        let names = PyList::new(py, v.co_brands.iter().map(|b| static_str(py, b.as_str())))?;
        d.set_item(intern!(py, "co_brands"), names)?;
    }
    if !v.candidates.is_empty() {
        let names = PyList::new(py, v.candidates.iter().map(|b| static_str(py, b.as_str())))?;
        d.set_item(intern!(py, "candidates"), names)?;
    }
    if let Some(issuer) = &v.issuer {
        d.set_item(intern!(py, "issuer"), pythonize::pythonize(py, issuer)?)?;
    }
    if let Some(domain) = &v.domain_unicode {
        d.set_item(intern!(py, "domain_unicode"), domain)?;
    }
    if let Some(suggestion) = &v.suggestion {
        d.set_item(intern!(py, "suggestion"), suggestion)?;
    }
    let findings = v
        .findings
        .iter()
        .map(|f| finding(py, f))
        .collect::<PyResult<Vec<_>>>()?;
    d.set_item(intern!(py, "findings"), PyList::new(py, findings)?)?;
    Ok(d)
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

fn finding<'py>(py: Python<'py>, f: &LocalizedFinding) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "code"), static_str(py, f.code.as_str()))?;
    d.set_item(intern!(py, "severity"), static_str(py, f.severity.as_str()))?;
    d.set_item(intern!(py, "field"), static_str(py, f.field.as_str()))?;
    d.set_item(intern!(py, "message"), text(py, &f.message))?;
    d.set_item(intern!(py, "hint"), text(py, &f.hint))?;
    Ok(d)
}

/// A whole form's answer: `{"ok": .., "fields": {name: view}}`, fields in form order.
pub fn form<'py>(py: Python<'py>, form: &FormView) -> PyResult<Bound<'py, PyDict>> {
    let fields = PyDict::new(py);
    for (name, view) in &form.fields.0 {
        fields.set_item(static_str(py, name.as_str()), field(py, view)?)?;
    }
    let d = PyDict::new(py);
    d.set_item(intern!(py, "ok"), form.ok)?;
    d.set_item(intern!(py, "fields"), fields)?;
    Ok(d)
}

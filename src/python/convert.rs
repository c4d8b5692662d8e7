//! The answers as Python dicts and lists: the JSON output's shape, key for key.
//!
//! Written out here rather than serialized by pythonize, which makes every key a new Python
//! string on every answer: with the keys interned (`intern!`, made once) a phone call costs
//! about 15% less (2.0 -> 1.7 us on benches/compare's phones), and building answers is the part of
//! `validate_many` that cannot leave the GIL. The rare nested parts (a BIN table's issuer)
//! still go through pythonize. python/tests/test_cases.py holds every key and value to the
//! native JSON on the WebAssembly cases file, so this cannot drift from serde's output
//! unnoticed.

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::validate::options::FormView;
use crate::validate::{Carrier, FieldView, LocalizedFinding};

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
        d.set_item(intern!(py, "number_type"), t.as_str())?;
    }
    if let Some(c) = &v.carrier {
        d.set_item(intern!(py, "carrier"), carrier(py, c)?)?;
    }
    if let Some(luhn) = v.luhn {
        d.set_item(intern!(py, "luhn"), luhn)?;
    }
    if let Some(brand) = v.brand {
        d.set_item(intern!(py, "brand"), brand.as_str())?;
    }
    if !v.co_brands.is_empty() {
        let names: Vec<&str> = v.co_brands.iter().map(|b| b.as_str()).collect();
        d.set_item(intern!(py, "co_brands"), names)?;
    }
    if !v.candidates.is_empty() {
        let names: Vec<&str> = v.candidates.iter().map(|b| b.as_str()).collect();
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
    let findings = PyList::empty(py);
    for f in &v.findings {
        findings.append(finding(py, f)?)?;
    }
    d.set_item(intern!(py, "findings"), findings)?;
    Ok(d)
}

fn carrier<'py>(py: Python<'py>, c: &Carrier) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "name"), c.name.as_ref())?;
    if let Some(zh) = &c.name_zh {
        d.set_item(intern!(py, "name_zh"), zh.as_ref())?;
    }
    d.set_item(intern!(py, "segment"), c.segment.as_str())?;
    Ok(d)
}

fn finding<'py>(py: Python<'py>, f: &LocalizedFinding) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item(intern!(py, "code"), f.code.as_str())?;
    d.set_item(intern!(py, "severity"), f.severity.as_str())?;
    d.set_item(intern!(py, "field"), f.field.as_str())?;
    d.set_item(intern!(py, "message"), &f.message)?;
    d.set_item(intern!(py, "hint"), &f.hint)?;
    Ok(d)
}

/// A whole form's answer: `{"ok": .., "fields": {name: view}}`, fields in form order.
pub fn form<'py>(py: Python<'py>, form: &FormView) -> PyResult<Bound<'py, PyDict>> {
    let fields = PyDict::new(py);
    for (name, view) in &form.fields.0 {
        fields.set_item(name.as_str(), field(py, view)?)?;
    }
    let d = PyDict::new(py);
    d.set_item(intern!(py, "ok"), form.ok)?;
    d.set_item(intern!(py, "fields"), fields)?;
    Ok(d)
}

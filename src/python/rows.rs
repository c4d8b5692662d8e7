//! The rows of `validate_many`: a list of dicts, or columns (a dict of sequences, a pandas
//! DataFrame, an Arrow table). Read while the GIL is held, into owned [`Inputs`].
//!
//! Columns are read through duck typing, so that neither pandas nor pyarrow is a dependency:
//! an Arrow table's `to_pydict()`, a DataFrame's `columns`, and for each column an Arrow
//! array's `to_pylist()`, a Series' or a NumPy array's `tolist()`, else iteration. Missing
//! values (`None`, `NaN`, `pandas.NA`) are absent fields.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyList, PyMapping, PyString};

use super::options::shown_name;
use crate::validate::{Field, Inputs};

/// The field a row's key or a column's name stands for.
fn field(key: &Bound<'_, PyAny>) -> PyResult<Field> {
    let name = key.cast::<PyString>().ok().and_then(|s| s.to_str().ok());
    if let Some(f) = name.and_then(|n| Field::ALL.into_iter().find(|f| f.as_str() == n)) {
        return Ok(f);
    }
    let named = name.map_or_else(|| "a key that is not a str".to_owned(), shown_name);
    let fields: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
    Err(PyValueError::new_err(format!(
        "validate_many: {named} is not a field; use {} (select those columns first)",
        fields.join(", ")
    )))
}

/// One cell: a str, or missing.
fn cell(value: &Bound<'_, PyAny>, field: Field, row: usize) -> PyResult<Option<String>> {
    if value.is_none() {
        return Ok(None);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Some(s.to_str()?.to_owned()));
    }
    if value.cast::<PyFloat>().is_ok_and(|f| f.value().is_nan()) {
        return Ok(None);
    }
    let kind = value.get_type().name().map(|n| n.to_string()).unwrap_or_default();
    if kind == "NAType" {
        return Ok(None);
    }
    Err(PyTypeError::new_err(format!(
        "validate_many: row {row}, `{}`: expected a str or None, not {kind}",
        field.as_str()
    )))
}

/// A column's values as a Python list.
fn column<'py>(values: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyList>> {
    for method in ["to_pylist", "tolist"] {
        if values.hasattr(method)? {
            if let Ok(list) = values.call_method0(method)?.cast_into::<PyList>() {
                return Ok(list);
            }
        }
    }
    if values.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "validate_many: a column must be a sequence, not a str",
        ));
    }
    let items: PyResult<Vec<Bound<'py, PyAny>>> = values.try_iter()?.collect();
    PyList::new(values.py(), items?)
}

fn columns<'py>(named: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>) -> PyResult<Vec<Inputs>> {
    let mut read: Vec<(Field, Bound<'py, PyList>)> = Vec::new();
    for (name, values) in named {
        read.push((field(&name)?, column(&values)?));
    }
    let rows = read.first().map_or(0, |(_, c)| c.len());
    if let Some((f, c)) = read.iter().find(|(_, c)| c.len() != rows) {
        return Err(PyValueError::new_err(format!(
            "validate_many: the columns differ in length: `{}` has {rows} rows, `{}` {}",
            read[0].0.as_str(),
            f.as_str(),
            c.len()
        )));
    }
    let mut inputs = vec![Inputs::default(); rows];
    for (field, values) in &read {
        for (row, (value, input)) in values.iter().zip(inputs.iter_mut()).enumerate() {
            input.set(*field, cell(&value, *field, row)?);
        }
    }
    Ok(inputs)
}

fn row(item: &Bound<'_, PyAny>, row: usize) -> PyResult<Inputs> {
    let mut inputs = Inputs::default();
    let mut put = |key: Bound<'_, PyAny>, value: Bound<'_, PyAny>| -> PyResult<()> {
        let f = field(&key)?;
        inputs.set(f, cell(&value, f, row)?);
        Ok(())
    };
    // A dict is read in place (most rows are dicts); another mapping through its items.
    if let Ok(d) = item.cast::<PyDict>() {
        d.iter().try_for_each(|(key, value)| put(key, value))?;
    } else if let Ok(m) = item.cast::<PyMapping>() {
        for kv in m.items()?.iter() {
            let (key, value) = kv.extract()?;
            put(key, value)?;
        }
    } else {
        let kind = item.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        return Err(PyTypeError::new_err(format!(
            "validate_many: row {row} must be a dict, not {kind}"
        )));
    }
    Ok(inputs)
}

/// Every row of `rows`, in order.
pub fn read(rows: &Bound<'_, PyAny>) -> PyResult<Vec<Inputs>> {
    if let Ok(d) = rows.cast::<PyDict>() {
        return columns(d.iter().collect());
    }
    if rows.hasattr("to_pydict")? {
        let d = rows.call_method0("to_pydict")?;
        return columns(d.cast::<PyDict>()?.iter().collect());
    }
    if rows.hasattr("columns")? && rows.hasattr("iloc")? {
        // A pandas DataFrame.
        let mut named = Vec::new();
        for name in rows.getattr("columns")?.try_iter()? {
            let name = name?;
            let values = rows.get_item(&name)?;
            named.push((name, values));
        }
        return columns(named);
    }
    if rows.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(
            "validate_many: rows must be a list of dicts or columns, not a str",
        ));
    }
    let mut inputs = Vec::new();
    for (i, item) in rows.try_iter()?.enumerate() {
        inputs.push(row(&item?, i)?);
    }
    Ok(inputs)
}

//! The rows of `validate_many`: a list of dicts, or columns (a dict of sequences, a pandas
//! DataFrame, an Arrow table). Read while the GIL is held, into owned [`Inputs`] and the
//! row's `region`, as a batch file's rows have them (`bindcheck validate --input`).
//!
//! Columns are read through duck typing, so that neither pandas nor pyarrow is a dependency:
//! an Arrow table's `to_pydict()`, a DataFrame's `columns`, and for each column an Arrow
//! array's `to_pylist()`, a Series' or a NumPy array's `tolist()`, else iteration. Missing
//! values (`None`, `NaN`, `pandas.NA`) are absent fields.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyFloat, PyIterator, PyList, PyMapping, PyString};

use super::options::shown_name;
use super::OptionError;
use crate::validate::{Field, Inputs, Region};

/// One row read: its inputs, and the region of its national-form phone number when it
/// names one (`Some(None)`: the international form only; `None`: the call's `region`).
pub struct Row {
    pub inputs: Inputs,
    pub region: Option<Option<Region>>,
}

/// What a row's key or a column's name stands for.
#[derive(Clone, Copy)]
pub enum Key {
    Field(Field),
    Region,
}

impl Key {
    fn name(self) -> &'static str {
        match self {
            Key::Field(f) => f.as_str(),
            Key::Region => "region",
        }
    }
}

fn key(key: &Bound<'_, PyAny>) -> PyResult<Key> {
    let name = key.cast::<PyString>().ok().and_then(|s| s.to_str().ok());
    if name == Some("region") {
        return Ok(Key::Region);
    }
    if let Some(f) = name.and_then(|n| Field::ALL.into_iter().find(|f| f.as_str() == n)) {
        return Ok(Key::Field(f));
    }
    let named = name.map_or_else(|| "a key that is not a str".to_owned(), shown_name);
    let fields: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
    Err(PyValueError::new_err(format!(
        "validate_many: {named} is not a field; use {} or region (select those columns first)",
        fields.join(", ")
    )))
}

impl Row {
    fn new() -> Row {
        Row {
            inputs: Inputs::default(),
            region: None,
        }
    }

    /// Puts a cell in its place.
    fn set(&mut self, key: Key, value: &Bound<'_, PyAny>, row: usize) -> PyResult<()> {
        let value = cell(value, key, row)?;
        match key {
            Key::Field(f) => self.inputs.set(f, value.map(str::to_owned)),
            Key::Region => {
                // Read as a batch file's `region` column is: empty or `none` for the
                // international form only. The message never repeats the cell: a phone
                // number could stand in the wrong column.
                self.region = value
                    .map(|r| {
                        Region::parse_optional(r).map_err(|_| {
                            OptionError::new_err(format!(
                                "validate_many: row {row}, `region`: not a region; use a region code such as CN, or none for the international form only"
                            ))
                        })
                    })
                    .transpose()?;
            }
        }
        Ok(())
    }
}

/// One cell: a str, or missing.
fn cell<'a>(value: &'a Bound<'_, PyAny>, key: Key, row: usize) -> PyResult<Option<&'a str>> {
    if value.is_none() {
        return Ok(None);
    }
    if let Ok(s) = value.cast::<PyString>() {
        return Ok(Some(s.to_str()?));
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
        key.name()
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

/// Columns of the same length, checked for their names and lengths.
fn columns<'py>(named: Vec<(Bound<'py, PyAny>, Bound<'py, PyAny>)>) -> PyResult<Source<'py>> {
    let mut read: Vec<(Key, Bound<'py, PyList>)> = Vec::new();
    for (name, values) in named {
        read.push((key(&name)?, column(&values)?));
    }
    let rows = read.first().map_or(0, |(_, c)| c.len());
    if let Some((k, c)) = read.iter().find(|(_, c)| c.len() != rows) {
        return Err(PyValueError::new_err(format!(
            "validate_many: the columns differ in length: `{}` has {rows} rows, `{}` {}",
            read[0].0.name(),
            k.name(),
            c.len()
        )));
    }
    Ok(Source::Columns {
        columns: read,
        len: rows,
        next: 0,
    })
}

fn row(item: &Bound<'_, PyAny>, i: usize) -> PyResult<Row> {
    let mut row = Row::new();
    // A dict is read in place (most rows are dicts); another mapping through its items.
    if let Ok(d) = item.cast::<PyDict>() {
        d.iter().try_for_each(|(k, value)| row.set(key(&k)?, &value, i))?;
    } else if let Ok(m) = item.cast::<PyMapping>() {
        for kv in m.items()?.iter() {
            let (k, value): (Bound<'_, PyAny>, Bound<'_, PyAny>) = kv.extract()?;
            row.set(key(&k)?, &value, i)?;
        }
    } else {
        let kind = item.get_type().name().map(|n| n.to_string()).unwrap_or_default();
        return Err(PyTypeError::new_err(format!(
            "validate_many: row {i} must be a dict, not {kind}"
        )));
    }
    Ok(row)
}

/// The rows of `validate_many`, read a chunk at a time (while the chunks before are checked).
pub enum Source<'py> {
    /// Dicts (or other mappings), as the sequence gives them.
    Dicts { items: Bound<'py, PyIterator>, next: usize },
    /// Columns, row by row.
    Columns {
        columns: Vec<(Key, Bound<'py, PyList>)>,
        len: usize,
        next: usize,
    },
}

impl<'py> Source<'py> {
    /// The rows of `rows`: a list (or other iterable) of dicts, or columns.
    pub fn new(rows: &Bound<'py, PyAny>) -> PyResult<Source<'py>> {
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
        Ok(Source::Dicts {
            items: rows.try_iter()?,
            next: 0,
        })
    }

    /// The next rows, `n` of them unless fewer are left (none at the end), in order.
    pub fn chunk(&mut self, n: usize) -> PyResult<Vec<Row>> {
        let mut out = Vec::with_capacity(n);
        match self {
            Source::Dicts { items, next } => {
                while out.len() < n {
                    let Some(item) = items.next() else { break };
                    out.push(row(&item?, *next)?);
                    *next += 1;
                }
            }
            Source::Columns { columns, len, next } => {
                let end = (*next + n).min(*len);
                for i in *next..end {
                    let mut row = Row::new();
                    for (key, values) in columns.iter() {
                        row.set(*key, &values.get_item(i)?, i)?;
                    }
                    out.push(row);
                }
                *next = end;
            }
        }
        Ok(out)
    }
}

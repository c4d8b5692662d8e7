//! The validators for Python (feature `python`): the extension module `bindcheck._bindcheck`
//! that python/pyproject.toml builds into an abi3 wheel with maturin (docs/python.md).
//!
//! Every function returns what one field (or one form) of the command line's JSON output
//! holds, as dicts and lists (`convert.rs`): the same keys, finding codes,
//! messages and hints, masked values unless `unmasked=True`. The options are those of the
//! JavaScript API ([`Options`]) spelled in snake case (`options.rs`); they are checked as the
//! command line checks its flags. Invalid input is a finding, never an exception; options
//! that make no sense raise `bindcheck.OptionError` (a `ValueError`), arguments of the wrong
//! type a `TypeError`, and neither message ever repeats a value.
//!
//! `validate_many` reads its rows while it holds the GIL, checks them on every core with
//! the GIL released (rayon), and returns them as a [`Results`] (`results.rs`): a sequence
//! whose dicts are made when read, with columns (`ok`, `valid`, `normalized`, `codes`)
//! made without them.

mod convert;
mod options;
mod results;
mod rows;

pub use results::Results;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::validate::options::{Options, Resolved};
use crate::validate::{Date, Field, Inputs};

pyo3::create_exception!(
    bindcheck,
    OptionError,
    PyValueError,
    "An option that makes no sense (an unknown region, brand or language, a malformed date or BIN table). Its message never repeats a submitted value."
);

/// Today in UTC, from the system clock: the validators never read it themselves.
fn today() -> Date {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64)
}

/// The keyword options parsed and checked for `field` (`None`: a whole form), or as they
/// were the last time they were given (`options::cached`).
fn resolve(func: &str, field: Option<Field>, kwargs: Option<&Bound<'_, PyDict>>) -> PyResult<Arc<Resolved>> {
    let clock = today();
    options::cached(field, clock, kwargs, || {
        let options: Options = options::from_kwargs(func, field, kwargs)?;
        options
            .resolve(field, || clock)
            .map_err(|e| OptionError::new_err(e.python_message()))
    })
}

fn one<'py>(
    py: Python<'py>,
    func: &str,
    field: Field,
    value: &str,
    kwargs: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let view = resolve(func, Some(field), kwargs)?.field(field, value);
    Ok(convert::field(py, &view)?.into_any())
}

/// Checks a phone number: `region` of national-form numbers (default `"CN"`, `None` for the
/// international form only), `allowed_regions`, `require_mobile`, `virtual_operator`,
/// `phone_ranges`, `lang`, `unmasked`.
#[pyfunction]
#[pyo3(signature = (value, /, **options))]
fn validate_phone<'py>(
    py: Python<'py>,
    value: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    one(py, "validate_phone", Field::Phone, value, options)
}

/// Checks an email address: `allow_quoted_local`, `allow_ip_literal`, `lang`, `unmasked`.
#[pyfunction]
#[pyo3(signature = (value, /, **options))]
fn validate_email<'py>(
    py: Python<'py>,
    value: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    one(py, "validate_email", Field::Email, value, options)
}

/// Checks a card number, also while it is typed: `allowed_brands`, `bin_table`,
/// `allowed_kinds`, `unionpay_luhn`, `lang`, `unmasked`.
#[pyfunction]
#[pyo3(signature = (value, /, **options))]
fn validate_card<'py>(
    py: Python<'py>,
    value: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    one(py, "validate_card", Field::Card, value, options)
}

/// Checks a card expiry date against `today` (a `datetime.date` or `"YYYY-MM-DD"`; default:
/// today in UTC).
#[pyfunction]
#[pyo3(signature = (value, /, **options))]
fn validate_expiry<'py>(
    py: Python<'py>,
    value: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    one(py, "validate_expiry", Field::Expiry, value, options)
}

/// Checks a card security code, for `brand` when given.
#[pyfunction]
#[pyo3(signature = (value, /, **options))]
fn validate_cvv<'py>(
    py: Python<'py>,
    value: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    one(py, "validate_cvv", Field::Cvv, value, options)
}

/// Checks a mainland China resident ID number (birth dates against `today`).
#[pyfunction]
#[pyo3(signature = (value, /, **options))]
fn validate_id_number<'py>(
    py: Python<'py>,
    value: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    one(py, "validate_id_number", Field::IdNumber, value, options)
}

/// Checks a cardholder name.
#[pyfunction]
#[pyo3(signature = (value, /, **options))]
fn validate_name<'py>(
    py: Python<'py>,
    value: &str,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    one(py, "validate_name", Field::Name, value, options)
}

/// Checks a whole form as `bindcheck validate --format json` does: `{"ok": .., "fields":
/// {..}}` with the fields given (the security code judged by the card's brand).
#[pyfunction]
#[pyo3(signature = (*, phone=None, email=None, card=None, expiry=None, cvv=None, id_number=None, name=None, **options))]
#[allow(clippy::too_many_arguments)] // the form's fields, as keyword arguments
fn validate<'py>(
    py: Python<'py>,
    phone: Option<String>,
    email: Option<String>,
    card: Option<String>,
    expiry: Option<String>,
    cvv: Option<String>,
    id_number: Option<String>,
    name: Option<String>,
    options: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyAny>> {
    let resolved = resolve("validate", None, options)?;
    let inputs = Inputs {
        phone,
        email,
        card,
        expiry,
        cvv,
        id_number,
        name,
    };
    Ok(convert::form(py, &resolved.form(&inputs))?.into_any())
}

/// Below this many rows `validate_many` checks them on the calling thread (the GIL
/// released all the same).
const FEW_ROWS: usize = 64;

/// Checks many forms at once, on every core: `rows` is a list of dicts (keys `phone`,
/// `email`, `card`, `expiry`, `cvv`, `id_number`, `name`), or columns: a dict of sequences
/// (lists, pandas Series, Arrow arrays), a pandas DataFrame or an Arrow table. Returns a
/// [`Results`]: one `{"ok": .., "fields": {..}}` per row, in order, as `validate` answers it,
/// made when read, and the columns `ok`, `valid(field)`, `normalized(field)`, `codes()`.
#[pyfunction]
#[pyo3(signature = (rows, /, **options))]
fn validate_many(py: Python<'_>, rows: &Bound<'_, PyAny>, options: Option<&Bound<'_, PyDict>>) -> PyResult<Results> {
    let resolved = resolve("validate_many", None, options)?;
    let inputs = rows::read(rows)?;
    // The inputs are dropped on the workers too, rather than under the GIL. A few rows are
    // checked on this thread: waking the pool's threads costs more than they take.
    let forms = py.detach(move || {
        if inputs.len() < FEW_ROWS {
            inputs.into_iter().map(|i| resolved.form(&i)).collect::<Vec<_>>()
        } else {
            inputs.into_par_iter().map(|i| resolved.form(&i)).collect()
        }
    });
    Ok(Results::new(forms))
}

/// The extension module; the package `bindcheck` (python/bindcheck/__init__.py) re-exports it.
#[pymodule]
#[pyo3(name = "_bindcheck")]
fn bindcheck_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(validate_phone, m)?)?;
    m.add_function(wrap_pyfunction!(validate_email, m)?)?;
    m.add_function(wrap_pyfunction!(validate_card, m)?)?;
    m.add_function(wrap_pyfunction!(validate_expiry, m)?)?;
    m.add_function(wrap_pyfunction!(validate_cvv, m)?)?;
    m.add_function(wrap_pyfunction!(validate_id_number, m)?)?;
    m.add_function(wrap_pyfunction!(validate_name, m)?)?;
    m.add_function(wrap_pyfunction!(validate, m)?)?;
    m.add_function(wrap_pyfunction!(validate_many, m)?)?;
    m.add_class::<Results>()?;
    m.add("OptionError", m.py().get_type::<OptionError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

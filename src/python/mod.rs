//! The validators for Python (feature `python`): the extension module `bindcheck._bindcheck`
//! that python/pyproject.toml builds into an abi3 wheel with maturin (docs/python.md).
//!
//! Every function returns what one field (or one form) of the command line's JSON output
//! holds, as dicts and lists (`convert.rs`, made from the checks' borrowed views): the same
//! keys in the same order, finding codes, messages and hints, masked values unless
//! `unmasked=True`. The options are those of the JavaScript API
//! ([`Options`](crate::validate::options::Options)) spelled in snake case, keyword-only
//! parameters of every function (`options.rs`); they are checked as the command line checks
//! its flags. Invalid input is a finding, never an exception; options that make no sense
//! raise `bindcheck.OptionError` (a `ValueError`), arguments of the wrong type a
//! `TypeError`, and neither message ever repeats a value.
//!
//! `validate_many` reads its rows a chunk at a time while it holds the GIL (`rows.rs`; a
//! row may name its phone number's `region`, as a batch file's row does), checks each chunk
//! on every core without the GIL (rayon) while it reads the next, and returns the checks as
//! a [`Results`] (`results.rs`): a sequence whose views and dicts are made when read, with
//! columns (`ok`, `valid`, `normalized`, `codes`) made without them.

mod convert;
mod options;
mod results;
mod rows;

pub use results::Results;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use rayon::prelude::*;
use std::sync::{mpsc, Arc};
use std::time::{SystemTime, UNIX_EPOCH};

use options::{Keywords, Kw};
use pyo3::IntoPyObjectExt;

use crate::validate::options::Resolved;
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

/// The options of `keywords`, checked for `func`, which checks `field` (`None`: a whole
/// form), or as they were the last time they were given (`options::cached`).
fn resolve(func: &str, field: Option<Field>, keywords: &Keywords<'_>) -> PyResult<Arc<Resolved>> {
    // Only an expiry date and an ID number's birth date are judged against today (and a
    // form, which may have either): the others do not read the clock at all, and their
    // options stay cached across midnight.
    let clock = match field {
        Some(Field::Expiry | Field::IdNumber) | None => today(),
        Some(Field::Phone | Field::Email | Field::Card | Field::Cvv | Field::Name) => Date::from_unix_days(0),
    };
    options::cached(func, field, clock, keywords, |options| {
        options
            .resolve(field, || clock)
            .map_err(|e| OptionError::new_err(e.python_message()))
    })
}

/// A function of the module whose options are keyword-only parameters, one for each name of
/// `options::NAMES` in its order, and `**rest` for the keywords that are not options (which
/// `options::cached` refuses). Written once here: PyO3 puts each keyword in its parameter,
/// where `**options` alone made it copy the call's keywords into a dict of their own.
macro_rules! with_options {
    (
        $(#[doc = $doc:literal])*
        fn $name:ident($($signature:tt)*)($py:ident $(, $arg:ident: $ty:ty)*) |$keywords:ident| $body:expr
    ) => {
        $(#[doc = $doc])*
        #[pyfunction]
        #[pyo3(signature = ($($signature)* region = Kw::Absent, allowed_regions = Kw::Absent, require_mobile = Kw::Absent, virtual_operator = Kw::Absent, phone_ranges = Kw::Absent, allow_quoted_local = Kw::Absent, allow_ip_literal = Kw::Absent, allowed_brands = Kw::Absent, bin_table = Kw::Absent, allowed_kinds = Kw::Absent, unionpay_luhn = Kw::Absent, brand = Kw::Absent, today = Kw::Absent, lang = Kw::Absent, unmasked = Kw::Absent, **rest))]
        #[allow(clippy::too_many_arguments)] // the options, as keyword arguments
        fn $name<'py>(
            $py: Python<'py>,
            $($arg: $ty,)*
            region: Kw<'py>,
            allowed_regions: Kw<'py>,
            require_mobile: Kw<'py>,
            virtual_operator: Kw<'py>,
            phone_ranges: Kw<'py>,
            allow_quoted_local: Kw<'py>,
            allow_ip_literal: Kw<'py>,
            allowed_brands: Kw<'py>,
            bin_table: Kw<'py>,
            allowed_kinds: Kw<'py>,
            unionpay_luhn: Kw<'py>,
            brand: Kw<'py>,
            today: Kw<'py>,
            lang: Kw<'py>,
            unmasked: Kw<'py>,
            rest: Option<Bound<'py, PyDict>>,
        ) -> PyResult<Bound<'py, PyAny>> {
            let $keywords = Keywords {
                given: [region, allowed_regions, require_mobile, virtual_operator, phone_ranges, allow_quoted_local, allow_ip_literal, allowed_brands, bin_table, allowed_kinds, unionpay_luhn, brand, today, lang, unmasked],
                rest,
            };
            $body
        }
    };
}

/// One field checked on its own, as a dict made from the check's borrowed view.
fn one<'py>(
    py: Python<'py>,
    func: &str,
    field: Field,
    value: &str,
    keywords: &Keywords<'py>,
) -> PyResult<Bound<'py, PyAny>> {
    let resolved = resolve(func, Some(field), keywords)?;
    let dict = resolved.field_with(field, value, |view, lang| convert::field(py, &view, lang))?;
    Ok(dict.into_any())
}

with_options! {
    /// Checks a phone number: `region` of national-form numbers (default `"CN"`, `None` for the
    /// international form only), `allowed_regions`, `require_mobile`, `virtual_operator`,
    /// `phone_ranges`, `lang`, `unmasked`.
    fn validate_phone(value, /, *,)(py, value: &str) |keywords| one(py, "validate_phone", Field::Phone, value, &keywords)
}

with_options! {
    /// Checks an email address: `allow_quoted_local`, `allow_ip_literal`, `lang`, `unmasked`.
    fn validate_email(value, /, *,)(py, value: &str) |keywords| one(py, "validate_email", Field::Email, value, &keywords)
}

with_options! {
    /// Checks a card number, also while it is typed: `allowed_brands`, `bin_table`,
    /// `allowed_kinds`, `unionpay_luhn`, `lang`, `unmasked`.
    fn validate_card(value, /, *,)(py, value: &str) |keywords| one(py, "validate_card", Field::Card, value, &keywords)
}

with_options! {
    /// Checks a card expiry date against `today` (a `datetime.date` or `"YYYY-MM-DD"`; default:
    /// today in UTC).
    fn validate_expiry(value, /, *,)(py, value: &str) |keywords| one(py, "validate_expiry", Field::Expiry, value, &keywords)
}

with_options! {
    /// Checks a card security code, for `brand` when given.
    fn validate_cvv(value, /, *,)(py, value: &str) |keywords| one(py, "validate_cvv", Field::Cvv, value, &keywords)
}

with_options! {
    /// Checks a mainland China resident ID number (birth dates against `today`).
    fn validate_id_number(value, /, *,)(py, value: &str) |keywords| one(py, "validate_id_number", Field::IdNumber, value, &keywords)
}

with_options! {
    /// Checks a cardholder name.
    fn validate_name(value, /, *,)(py, value: &str) |keywords| one(py, "validate_name", Field::Name, value, &keywords)
}

with_options! {
    /// Checks a whole form as `bindcheck validate --format json` does: `{"ok": .., "fields":
    /// {..}}` with the fields given (the security code judged by the card's brand).
    fn validate(*, phone = None, email = None, card = None, expiry = None, cvv = None, id_number = None, name = None,)(
        py,
        phone: Option<String>,
        email: Option<String>,
        card: Option<String>,
        expiry: Option<String>,
        cvv: Option<String>,
        id_number: Option<String>,
        name: Option<String>
    ) |keywords| {
        let resolved = resolve("validate", None, &keywords)?;
        let inputs = Inputs {
            phone,
            email,
            card,
            expiry,
            cvv,
            id_number,
            name,
        };
        let checked = resolved.check(&inputs, None);
        let views = checked.views_ref(&inputs, resolved.lang, resolved.unmasked);
        Ok(convert::form(py, checked.ok(), &views)?.into_any())
    }
}

/// Below this many rows `validate_many` checks them on the calling thread (the GIL
/// released all the same).
const FEW_ROWS: usize = 64;

with_options! {
    /// Checks many forms at once, on every core: `rows` is a list of dicts (keys `phone`,
    /// `email`, `card`, `expiry`, `cvv`, `id_number`, `name`, and `region`, the region of that
    /// row's national-form phone number), or columns: a dict of sequences (lists, pandas
    /// Series, Arrow arrays), a pandas DataFrame or an Arrow table. Returns a [`Results`]: one
    /// `{"ok": .., "fields": {..}}` per row, in order, as `validate` answers it, made when
    /// read, and the columns `ok`, `valid(field)`, `normalized(field)`, `codes()`.
    fn validate_many(rows, /, *,)(py, rows: Bound<'py, PyAny>) |keywords| {
        let resolved = resolve("validate_many", None, &keywords)?;
        let mut source = rows::Source::new(&rows)?;
        let resolved: &Resolved = &resolved;
        let one = |row: &rows::Row| resolved.check(&row.inputs, row.region);
        let check = move |rows: Vec<rows::Row>| {
            let checks = rows.par_iter().map(one).collect();
            results::Chunk { rows, checks }
        };
        let first = source.chunk(Results::CHUNK)?;
        if first.len() < FEW_ROWS {
            // All there is: checked on this thread, as waking the pool's threads costs
            // more than a few rows take.
            let checks = py.detach(|| first.iter().map(one).collect());
            let chunk = results::Chunk { rows: first, checks };
            return Results::new(vec![chunk], resolved.lang, resolved.unmasked).into_bound_py_any(py);
        }
        // Each chunk is checked on the pool while this thread reads the next one (which
        // needs the GIL); then it waits for the last ones without the GIL.
        let chunks = rayon::in_place_scope(|scope| -> PyResult<Vec<results::Chunk>> {
            let (done, checked) = mpsc::channel();
            let mut chunk = first;
            let mut count = 0;
            while !chunk.is_empty() {
                let (done, at) = (done.clone(), count);
                scope.spawn(move |_| {
                    // The receiver is gone only when reading failed: nothing waits for it.
                    let _ = done.send((at, check(chunk)));
                });
                count += 1;
                chunk = source.chunk(Results::CHUNK)?;
            }
            drop(done);
            let mut chunks: Vec<(usize, results::Chunk)> = py.detach(move || checked.into_iter().collect());
            chunks.sort_unstable_by_key(|(at, _)| *at);
            Ok(chunks.into_iter().map(|(_, c)| c).collect())
        })?;
        Results::new(chunks, resolved.lang, resolved.unmasked).into_bound_py_any(py)
    }
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

//! What `validate_many` returns: [`Results`], a read-only sequence over the checks held in
//! Rust, made on every core with the GIL released. A row's view is made, and made into
//! today's dict (`convert::form`), only when it is read (`results[i]`, iteration,
//! `list(results)`), and the columns a table needs (`ok`, a field's `valid`, `normalized`,
//! the finding codes) are made straight from the checks, without a dict per row: building
//! every row's dicts under the GIL, on one core, cost several times the check itself, and
//! making every row's views (masked values, texts) before a column asks for them cost as
//! much again.

use pyo3::exceptions::{PyIndexError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyInt, PyList, PySlice, PyString, PyTuple};
use pyo3::IntoPyObjectExt;
use std::sync::Arc;

use super::convert::{self, static_str};
use super::options::shown_name;
use super::rows::Row;
use crate::validate::{Field, Lang, Validation};

/// Rows as read, kept where they were read (a row's check shows some of its input), and
/// their checks: `checks[i]` is `rows[i]`'s.
pub struct Chunk {
    pub rows: Vec<Row>,
    pub checks: Vec<Validation>,
}

/// Every row's inputs and checks, and how they are shown.
struct Answers {
    /// The rows in order: every chunk but the last has [`Results::CHUNK`] rows.
    chunks: Vec<Chunk>,
    rows: usize,
    lang: Lang,
    unmasked: bool,
}

/// The answers of `validate_many`, in the order of the rows: a sequence of
/// `{"ok": .., "fields": {..}}` dicts, each made when read, and columns made without them.
#[pyclass(module = "bindcheck", name = "Results", frozen, sequence)]
pub struct Results {
    answers: Arc<Answers>,
    /// The rows this sequence shows (a slice shares the answers): `start`, `start + step`,
    /// ... `len` of them.
    start: usize,
    step: isize,
    len: usize,
}

impl Results {
    /// How many rows each chunk of the answers has, but the last.
    pub const CHUNK: usize = 1024;

    /// The answers of `chunks`, every one of [`Results::CHUNK`] rows but the last.
    pub fn new(chunks: Vec<Chunk>, lang: Lang, unmasked: bool) -> Results {
        let len = chunks.iter().map(|c| c.rows.len().min(c.checks.len())).sum();
        Results {
            answers: Arc::new(Answers {
                chunks,
                rows: len,
                lang,
                unmasked,
            }),
            start: 0,
            step: 1,
            len,
        }
    }

    /// This sequence's `i`th row's checks, and what it is shown from: `i < len`.
    fn form(&self, i: usize) -> (&Validation, &Row) {
        // In range: a slice's indices come from `PySlice::indices`, which clamps them.
        let at = (self.start as isize + i as isize * self.step) as usize;
        let chunk = &self.answers.chunks[at / Results::CHUNK];
        let at = at % Results::CHUNK;
        (&chunk.checks[at], &chunk.rows[at])
    }

    fn rows(&self) -> impl ExactSizeIterator<Item = &Validation> {
        (0..self.len).map(|i| self.form(i).0)
    }

    /// The dict of row `i` (`i < len`).
    fn item<'py>(&self, py: Python<'py>, i: usize) -> PyResult<Bound<'py, PyDict>> {
        let (checks, row) = self.form(i);
        let views = checks.views_ref(&row.inputs, self.answers.lang, self.answers.unmasked);
        convert::form(py, checks.ok(), &views)
    }

    /// The same rows, `start`, `start + step`, ... (`len` of them), sharing the answers.
    fn sharing(&self, start: usize, step: isize, len: usize) -> Results {
        Results {
            answers: Arc::clone(&self.answers),
            start,
            step,
            len,
        }
    }

    /// `index` (negative from the end) as a row, or an `IndexError`, as a list has it.
    fn row(&self, index: isize) -> PyResult<usize> {
        let i = if index < 0 { index + self.len as isize } else { index };
        if (0..self.len as isize).contains(&i) {
            Ok(i as usize)
        } else {
            Err(PyIndexError::new_err("Results index out of range"))
        }
    }

    /// Every row equal to `other`'s, a list or another `Results`, row by row as dicts;
    /// `None` for another type.
    fn equals(&self, other: &Bound<'_, PyAny>) -> PyResult<Option<bool>> {
        let py = other.py();
        type Item<'a, 'py> = Box<dyn Fn(usize) -> PyResult<Bound<'py, PyAny>> + 'a>;
        let (len, theirs): (usize, Item<'_, '_>) = if let Ok(list) = other.cast::<PyList>() {
            (list.len(), Box::new(move |i| list.get_item(i)))
        } else if let Ok(results) = other.cast::<Results>() {
            let results = results.get();
            (results.len, Box::new(move |i| Ok(results.item(py, i)?.into_any())))
        } else {
            return Ok(None);
        };
        if len != self.len {
            return Ok(Some(false));
        }
        for i in 0..self.len {
            if !self.item(py, i)?.eq(theirs(i)?)? {
                return Ok(Some(false));
            }
        }
        Ok(Some(true))
    }
}

impl Drop for Results {
    /// A large table's answers are freed on a rayon thread, not by the thread that holds
    /// the GIL.
    fn drop(&mut self) {
        if self.answers.rows >= 10_000 && Arc::strong_count(&self.answers) == 1 {
            let empty = Arc::new(Answers {
                chunks: Vec::new(),
                rows: 0,
                lang: self.answers.lang,
                unmasked: self.answers.unmasked,
            });
            let answers = std::mem::replace(&mut self.answers, empty);
            rayon::spawn(move || drop(answers));
        }
    }
}

/// The field a column is asked for by name.
fn field_named(method: &str, name: &str) -> PyResult<Field> {
    Field::ALL.into_iter().find(|f| f.as_str() == name).ok_or_else(|| {
        let fields: Vec<&str> = Field::ALL.iter().map(|f| f.as_str()).collect();
        PyValueError::new_err(format!(
            "Results.{method}: {} is not a field; use {}",
            shown_name(name),
            fields.join(", ")
        ))
    })
}

#[pymethods]
impl Results {
    fn __len__(&self) -> usize {
        self.len
    }

    /// A row's dict (`results[-1]` is the last), or a slice as another `Results`.
    fn __getitem__<'py>(&self, index: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = index.py();
        if let Ok(slice) = index.cast::<PySlice>() {
            let s = slice.indices(self.len as isize)?;
            let start = if s.slicelength == 0 {
                self.start
            } else {
                (self.start as isize + s.start * self.step) as usize
            };
            return self
                .sharing(start, self.step * s.step, s.slicelength)
                .into_bound_py_any(py);
        }
        let Ok(i) = index.extract::<isize>() else {
            if index.is_instance_of::<PyInt>() {
                return Err(PyIndexError::new_err("Results index out of range"));
            }
            let kind = index.get_type().name().map(|n| n.to_string()).unwrap_or_default();
            return Err(PyTypeError::new_err(format!(
                "Results indices must be integers or slices, not {kind}"
            )));
        };
        Ok(self.item(py, self.row(i)?)?.into_any())
    }

    fn __iter__(slf: Bound<'_, Self>) -> ResultsIter {
        ResultsIter {
            results: slf.unbind(),
            next: 0,
        }
    }

    /// An iterator from the last row to the first, as `reversed(a_list)` gives.
    fn __reversed__(&self, py: Python<'_>) -> PyResult<ResultsIter> {
        let last = if self.len == 0 {
            self.start
        } else {
            (self.start as isize + (self.len as isize - 1) * self.step) as usize
        };
        Ok(ResultsIter {
            results: Py::new(py, self.sharing(last, -self.step, self.len))?,
            next: 0,
        })
    }

    /// Equal to a list (or another `Results`) of the same dicts, as `list(self)` would be;
    /// anything else is not equal (a list is never equal to a tuple either).
    fn __eq__<'py>(&self, other: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
        let py = other.py();
        match self.equals(other)? {
            Some(eq) => eq.into_bound_py_any(py),
            None => Ok(py.NotImplemented().into_bound(py)),
        }
    }

    /// Counts the rows equal to `value`, as `list.count` does.
    fn count(&self, value: &Bound<'_, PyAny>) -> PyResult<usize> {
        let mut n = 0;
        for i in 0..self.len {
            n += usize::from(self.item(value.py(), i)?.eq(value)?);
        }
        Ok(n)
    }

    /// The first row equal to `value`, as `list.index` finds it (`ValueError` if none is).
    fn index(&self, value: &Bound<'_, PyAny>) -> PyResult<usize> {
        for i in 0..self.len {
            if self.item(value.py(), i)?.eq(value)? {
                return Ok(i);
            }
        }
        Err(PyValueError::new_err("the value is not in the Results"))
    }

    /// Pickled as the list of dicts (what `validate_many` returned before it returned a
    /// `Results`), so that answers can cross processes (multiprocessing, Dask).
    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        let items = (0..self.len).map(|i| self.item(py, i)).collect::<PyResult<Vec<_>>>()?;
        let list_type = py.get_type::<PyList>();
        PyTuple::new(
            py,
            [
                list_type.into_any(),
                PyTuple::new(py, [PyList::new(py, items)?])?.into_any(),
            ],
        )
    }

    /// The number of rows and how many are ok; never a value (`list(results)` shows the
    /// answers, masked unless `unmasked=True`).
    fn __repr__(&self) -> String {
        let ok = self.rows().filter(|checks| checks.ok()).count();
        format!("<bindcheck.Results: {} rows, {ok} ok>", self.len)
    }

    /// Column: each row's `ok` (no field has an error), a list of `bool`.
    #[getter]
    fn ok<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        PyList::new(py, self.rows().map(Validation::ok))
    }

    /// Column: each row's `["fields"][field]["valid"]`, or `None` where the row has no such
    /// field.
    fn valid<'py>(&self, py: Python<'py>, field: &str) -> PyResult<Bound<'py, PyList>> {
        let field = field_named("valid", field)?;
        PyList::new(
            py,
            self.rows().map(|checks| checks.outcome(field).map(|(valid, _)| valid)),
        )
    }

    /// Column: each row's `["fields"][field]["normalized"]` (masked unless `unmasked=True`),
    /// or `None` where the row has no such field or nothing could be read.
    fn normalized<'py>(&self, py: Python<'py>, field: &str) -> PyResult<Bound<'py, PyList>> {
        let field = field_named("normalized", field)?;
        let unmasked = self.answers.unmasked;
        let values = (0..self.len).map(|i| {
            let (checks, row) = self.form(i);
            let raw = row.inputs.get(field).unwrap_or_default();
            let view = checks.view_ref(field, raw, unmasked);
            Ok(match view.and_then(|v| v.normalized) {
                Some(shown) => PyString::new(py, &shown).into_any(),
                None => py.None().into_bound(py),
            })
        });
        PyList::new(py, values.collect::<PyResult<Vec<_>>>()?)
    }

    /// Column: each row's finding codes (a list of `str`, in the order of the answer's
    /// fields and findings), of `field` only when given.
    #[pyo3(signature = (field=None))]
    fn codes<'py>(&self, py: Python<'py>, field: Option<&str>) -> PyResult<Bound<'py, PyList>> {
        let only = field.map(|f| field_named("codes", f)).transpose()?;
        let rows = self.rows().map(|checks| {
            let codes: Vec<Bound<'py, PyString>> = Field::ALL
                .into_iter()
                .filter(|f| only.is_none_or(|o| o == *f))
                .filter_map(|f| checks.outcome(f))
                .flat_map(|(_, findings)| findings.iter().map(|x| static_str(py, x.code.as_str())))
                .collect();
            PyList::new(py, codes)
        });
        let rows = rows.collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, rows)
    }
}

/// An iterator over a [`Results`], making each row's dict as it comes.
#[pyclass(module = "bindcheck")]
pub struct ResultsIter {
    results: Py<Results>,
    next: usize,
}

#[pymethods]
impl ResultsIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__<'py>(mut slf: PyRefMut<'py, Self>, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let i = slf.next;
        let results = slf.results.get();
        if i >= results.len {
            return Ok(None);
        }
        let item = results.item(py, i)?;
        slf.next = i + 1;
        Ok(Some(item))
    }
}

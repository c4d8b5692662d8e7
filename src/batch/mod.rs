//! Batch input: rows of form inputs from CSV (a header row naming the columns) or JSON Lines
//! (one object a line), as `bindcheck validate --input` reads them.
//!
//! Every row is bounded: a row longer than [`Limits::row_bytes`] is skipped to its end
//! without being kept in memory and reported as malformed, a value longer than
//! [`Limits::field_bytes`] likewise; the rows after it are read as usual. So memory stays
//! flat whatever the input: a file of one 100 MB line, `/dev/zero`, an unclosed quote.
//!
//! A key or column that is not an input (`phone`, `email`, `card`, `expiry`, `cvv`,
//! `id_number`, `name`) or `region` is refused, never ignored: a misspelt name would
//! otherwise leave a field silently unchecked. In CSV the header is refused
//! ([`HeaderError::UnknownColumns`]); in JSON Lines the row ([`Malformed::UnknownKey`]), as
//! `bindcheck serve` refuses such a request.
//!
//! Messages name the line, the column or key and the limit, never a value: a card number
//! may stand where a column name belongs.
//!
//! ```
//! use bindcheck::batch::{Format, Malformed, Rows};
//!
//! let input = "phone,card\n138 0013 8000,6222021234567890128\n\"13800138000,\n";
//! let mut rows = Rows::new(input.as_bytes(), Format::Csv).unwrap();
//! let first = rows.next().unwrap().unwrap();
//! assert_eq!(first.line, 2);
//! let (inputs, _region) = first.row.unwrap();
//! assert_eq!(inputs.phone.as_deref(), Some("138 0013 8000"));
//! let second = rows.next().unwrap().unwrap();
//! assert_eq!((second.line, second.row.unwrap_err()), (3, Malformed::UnclosedQuote));
//! assert!(rows.next().is_none());
//! ```

mod csv;
mod jsonl;
mod line;

use std::fmt;
use std::io::{self, BufRead};
use std::path::Path;

use crate::validate::{Field, Row, RowError};

pub use line::write_record;

/// The longest row read: 64 KiB. A longer row is malformed.
pub const MAX_ROW_BYTES: usize = 64 * 1024;
/// The longest line skipped to its end: a "line" longer than this is not a row that went
/// wrong but a file that is not rows (`--input /dev/zero`), and reading stops with an error.
pub const MAX_SKIPPED_LINE_BYTES: u64 = 64 << 20;
/// The longest value read: 4 KiB. A row with a longer value is malformed.
pub const MAX_FIELD_BYTES: usize = 4 * 1024;

/// How long a row and a value may be, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// A row: a CSV record without its line end (quoted line breaks included), or a JSON line.
    pub row_bytes: usize,
    /// A value: one field or `region`, as read (after CSV unquoting or JSON unescaping).
    pub field_bytes: usize,
}

impl Default for Limits {
    /// [`MAX_ROW_BYTES`] and [`MAX_FIELD_BYTES`].
    fn default() -> Limits {
        Limits {
            row_bytes: MAX_ROW_BYTES,
            field_bytes: MAX_FIELD_BYTES,
        }
    }
}

/// The formats of a batch file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// One JSON object per line; blank lines are skipped.
    Jsonl,
}

impl Format {
    /// The format a file's name suggests: JSON Lines for `.jsonl`, `.ndjson` and `.json`,
    /// CSV otherwise.
    pub fn of_path(path: &Path) -> Format {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if ["jsonl", "ndjson", "json"].iter().any(|j| ext.eq_ignore_ascii_case(j)) {
            Format::Jsonl
        } else {
            Format::Csv
        }
    }
}

/// One row as read: the line it starts on (1-based, the CSV header is line 1), and its
/// inputs and `region`, or why they cannot be read.
#[derive(Debug)]
pub struct Parsed {
    pub line: u64,
    pub row: Result<Row, Malformed>,
}

/// Why a row cannot be read as inputs. The row is skipped; the ones after it are read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Malformed {
    #[error("the row is longer than {limit} bytes")]
    TooLong { limit: usize },
    #[error("`{field}` is longer than {limit} bytes")]
    FieldTooLong {
        /// `region` or an input field's name, never a name taken from the input.
        field: &'static str,
        limit: usize,
    },
    #[error("the row is not valid UTF-8")]
    NotUtf8,
    /// serde_json's syntax errors give a position, never the text around it.
    #[error("not valid JSON ({problem} at column {column})")]
    Json {
        /// What is wrong, in words ([`crate::validate::json_problem`]).
        problem: &'static str,
        column: usize,
    },
    #[error("expected {expected} columns, found {found}")]
    Columns { expected: usize, found: usize },
    /// A quote opened in this row is still open at the end of the input, which the row
    /// would otherwise have swallowed as one value.
    #[error("a quoted value is not closed by the end of the input")]
    UnclosedQuote,
    #[error("unknown key: use phone, email, card, expiry, cvv, id_number, name, region")]
    UnknownKey,
    /// Not an object, or a value that is not a string, a number or null.
    #[error(transparent)]
    Row(RowError),
}

impl From<RowError> for Malformed {
    fn from(e: RowError) -> Malformed {
        match e {
            RowError::UnknownKey => Malformed::UnknownKey,
            e => Malformed::Row(e),
        }
    }
}

/// A CSV header that cannot be used: the whole input is refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    #[error("cannot read the CSV header")]
    Read(#[source] io::Error),
    #[error("the CSV header is longer than {limit} bytes")]
    TooLong { limit: usize },
    #[error("the CSV header is not valid UTF-8")]
    NotUtf8,
    #[error("a quoted name in the CSV header is not closed by the end of the input")]
    UnclosedQuote,
    #[error("the CSV header names none of the input columns")]
    NoInputColumns,
    /// Columns that are not inputs, by position (1-based), never by name.
    #[error("{}", UnknownColumns(columns))]
    UnknownColumns { columns: Vec<usize> },
}

impl HeaderError {
    /// What is wrong, in Simplified Chinese.
    pub fn zh(&self) -> String {
        match self {
            HeaderError::Read(_) => "无法读取 CSV 表头".into(),
            HeaderError::TooLong { limit } => format!("CSV 表头超过 {limit} 字节"),
            HeaderError::NotUtf8 => "CSV 表头不是有效的 UTF-8".into(),
            HeaderError::UnclosedQuote => "CSV 表头中有一个带引号的列名直到输入结束都没有闭合".into(),
            HeaderError::NoInputColumns => "CSV 表头没有列出任何输入列".into(),
            HeaderError::UnknownColumns { columns } => {
                let list: Vec<String> = columns.iter().map(usize::to_string).collect();
                format!("CSV 第 {} 列（从 1 数起）不是输入列", list.join("、"))
            }
        }
    }
}

struct UnknownColumns<'a>(&'a [usize]);

impl fmt::Display for UnknownColumns<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list: Vec<String> = self.0.iter().map(usize::to_string).collect();
        match self.0 {
            [_] => write!(f, "CSV column {} (counting from 1) is not an input", list[0]),
            _ => write!(f, "CSV columns {} (counting from 1) are not inputs", list.join(", ")),
        }
    }
}

/// The rows of a batch input, in order.
///
/// Each item is a row, readable or [`Malformed`]; an `Err` is the input itself failing to
/// be read, after which there are no more items.
pub struct Rows<R> {
    reader: Reader<R>,
    failed: bool,
}

enum Reader<R> {
    Csv(csv::CsvRows<R>),
    Jsonl(jsonl::JsonlRows<R>),
}

impl<R: BufRead> Rows<R> {
    /// The rows of `input` within the default [`Limits`]. For CSV, the header is read and
    /// checked here.
    pub fn new(input: R, format: Format) -> Result<Rows<R>, HeaderError> {
        Rows::with_limits(input, format, Limits::default())
    }

    /// The rows of `input` within `limits`.
    pub fn with_limits(input: R, format: Format, limits: Limits) -> Result<Rows<R>, HeaderError> {
        let reader = match format {
            Format::Csv => Reader::Csv(csv::CsvRows::new(input, limits)?),
            Format::Jsonl => Reader::Jsonl(jsonl::JsonlRows::new(input, limits)),
        };
        Ok(Rows { reader, failed: false })
    }
}

impl<R: BufRead> Iterator for Rows<R> {
    type Item = io::Result<Parsed>;

    fn next(&mut self) -> Option<io::Result<Parsed>> {
        if self.failed {
            return None;
        }
        let next = match &mut self.reader {
            Reader::Csv(r) => r.next_row(),
            Reader::Jsonl(r) => r.next_row(),
        }
        .transpose();
        self.failed = matches!(next, Some(Err(_)));
        next
    }
}

/// The next bytes of `reader`, retrying interrupted reads; empty at the end of the input.
fn fill(reader: &mut impl BufRead) -> io::Result<&[u8]> {
    loop {
        match reader.fill_buf() {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            // Two calls, because a borrow returned from a loop cannot be reborrowed.
            Ok(_) => return reader.fill_buf(),
            Err(e) => return Err(e),
        }
    }
}

/// Skips a UTF-8 byte-order mark at the start of the input.
fn skip_bom(reader: &mut impl BufRead) -> io::Result<()> {
    if fill(reader)?.starts_with(b"\xEF\xBB\xBF") {
        reader.consume(3);
    }
    Ok(())
}

/// A row whose every value fits `limit`.
fn check_lengths(row: Row, limit: usize) -> Result<Row, Malformed> {
    let (inputs, region) = &row;
    let long = |v: Option<&str>| v.is_some_and(|v| v.len() > limit);
    if let Some(f) = Field::ALL.iter().find(|f| long(inputs.get(**f))) {
        return Err(Malformed::FieldTooLong {
            field: f.as_str(),
            limit,
        });
    }
    if long(region.as_deref()) {
        return Err(Malformed::FieldTooLong { field: "region", limit });
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::of_path(Path::new("a/people.JSONL")), Format::Jsonl);
        assert_eq!(Format::of_path(Path::new("people.ndjson")), Format::Jsonl);
        assert_eq!(Format::of_path(Path::new("people.json")), Format::Jsonl);
        assert_eq!(Format::of_path(Path::new("people.csv")), Format::Csv);
        assert_eq!(Format::of_path(Path::new("-")), Format::Csv);
    }

    #[test]
    fn unknown_columns_are_named_by_position() {
        let e = HeaderError::UnknownColumns { columns: vec![3] };
        assert_eq!(e.to_string(), "CSV column 3 (counting from 1) is not an input");
        let e = HeaderError::UnknownColumns { columns: vec![1, 4] };
        assert_eq!(e.to_string(), "CSV columns 1, 4 (counting from 1) are not inputs");
    }

    mod failing {
        include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/testing/failing.rs"));
    }
    use failing::Failing;

    #[test]
    fn a_failing_input_ends_the_rows_after_one_error() {
        for (format, text) in [(Format::Csv, "phone\n1\n"), (Format::Jsonl, "{\"phone\": \"1\"}\n")] {
            let reader = io::BufReader::new(Failing(text.as_bytes()));
            let mut rows = Rows::new(reader, format).unwrap();
            assert!(rows.next().unwrap().unwrap().row.is_ok(), "{format:?}");
            assert!(rows.next().unwrap().is_err(), "{format:?}");
            assert!(rows.next().is_none(), "{format:?}");
        }
    }
}

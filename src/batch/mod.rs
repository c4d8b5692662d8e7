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

impl<R: BufRead> Rows<R> {
    /// Appends the next rows to `chunk`, until it holds `rows` rows or at least `bytes`
    /// bytes of their text, or the input ends (then nothing more is added). The rows are
    /// the iterator's, in order; a JSON line is kept as its text and read (parsed) only by
    /// [`Chunk::for_each`], so that a batch can read its rows on every core while one
    /// thread only cuts the input into lines. The rows read before an `Err` stay in
    /// `chunk`; after one, nothing more is added.
    pub fn read_chunk(&mut self, chunk: &mut Chunk, rows: usize, bytes: usize) -> io::Result<()> {
        if self.failed {
            return Ok(());
        }
        let read = self.fill_chunk(chunk, rows, bytes);
        self.failed = read.is_err();
        read
    }

    fn fill_chunk(&mut self, chunk: &mut Chunk, rows: usize, bytes: usize) -> io::Result<()> {
        while chunk.rows.len() < rows && chunk.bytes < bytes {
            match &mut self.reader {
                Reader::Jsonl(r) => {
                    let Some(text) = r.next_text()? else {
                        return Ok(());
                    };
                    let (line, row) = (r.line, text.map(|()| r.buf.as_slice()));
                    chunk.limits = r.limits;
                    chunk.push(line, row);
                }
                Reader::Csv(r) => {
                    let Some(parsed) = r.next_row()? else {
                        return Ok(());
                    };
                    chunk.bytes += size(&parsed);
                    chunk.rows.push(Pending::Parsed(parsed));
                }
            }
        }
        Ok(())
    }
}

/// The bytes of a row's values.
fn size(row: &Parsed) -> usize {
    row.row.as_ref().map_or(0, |(inputs, region)| {
        let fields: usize = Field::ALL.iter().filter_map(|f| inputs.get(*f)).map(str::len).sum();
        fields + region.as_ref().map_or(0, String::len)
    })
}

/// Rows as [`Rows::read_chunk`] reads them: JSON lines as their text, all in one buffer,
/// read on demand by [`Chunk::for_each`]; CSV rows as they were read. Emptied with
/// [`Chunk::clear`], it keeps its buffers for the next rows.
#[derive(Default)]
pub struct Chunk {
    /// The text of the JSON lines, one after another.
    text: Vec<u8>,
    rows: Vec<Pending>,
    /// The bytes of the rows' text (CSV: of their values).
    bytes: usize,
    /// The limits of the rows' values, for reading the JSON lines.
    limits: Limits,
}

/// A row of a [`Chunk`].
enum Pending {
    /// A JSON line that is not blank, `text[start..end]`, starting on `line`.
    Line { line: u64, start: usize, end: usize },
    /// A CSV row, or a JSON line already known to be malformed.
    Parsed(Parsed),
}

impl Chunk {
    /// The rows in the chunk.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether the chunk has no rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Removes every row, keeping the buffers' room.
    pub fn clear(&mut self) {
        self.text.clear();
        self.rows.clear();
        self.bytes = 0;
    }

    /// Calls `f` with each row of `range` (indices into the chunk), in order, read as
    /// [`Rows`] reads it.
    ///
    /// # Panics
    ///
    /// If `range` is not within `0..self.len()`, as slicing does.
    pub fn for_each(&self, range: std::ops::Range<usize>, mut f: impl FnMut(&Parsed)) {
        for pending in &self.rows[range] {
            match pending {
                Pending::Parsed(parsed) => f(parsed),
                &Pending::Line { line, start, end } => f(&Parsed {
                    line,
                    row: jsonl::row(&self.text[start..end], &self.limits),
                }),
            }
        }
    }

    /// Adds a JSON line: its text, or why it is malformed.
    fn push(&mut self, line: u64, row: Result<&[u8], Malformed>) {
        let pending = match row {
            Ok(text) => {
                let start = self.text.len();
                self.text.extend_from_slice(text);
                self.bytes += text.len();
                Pending::Line {
                    line,
                    start,
                    end: self.text.len(),
                }
            }
            Err(e) => Pending::Parsed(Parsed { line, row: Err(e) }),
        };
        self.rows.push(pending);
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

    type Read = Vec<(u64, Result<Row, Malformed>)>;

    /// The rows of `text` as the iterator reads them, and as chunks of at most `rows`
    /// rows and about `bytes` bytes read them.
    fn both_ways(
        text: &[u8],
        format: Format,
        limits: Limits,
        capacity: usize,
        rows: usize,
        bytes: usize,
    ) -> (Read, Read) {
        let open = || Rows::with_limits(io::BufReader::with_capacity(capacity, text), format, limits);
        let Ok(one_by_one) = open() else {
            return (Vec::new(), Vec::new());
        };
        let one_by_one = one_by_one.map(|p| p.map(|p| (p.line, p.row)).unwrap()).collect();
        let mut chunked = Vec::new();
        let mut reader = open().unwrap();
        let mut chunk = Chunk::default();
        loop {
            chunk.clear();
            reader.read_chunk(&mut chunk, rows, bytes).unwrap();
            if chunk.is_empty() {
                break;
            }
            assert!(chunk.len() <= rows);
            chunk.for_each(0..chunk.len(), |p| chunked.push((p.line, p.row.clone())));
        }
        (one_by_one, chunked)
    }

    /// Pieces of batch files: rows, blank lines (of Unicode spaces too), broken UTF-8,
    /// line ends, a byte-order mark.
    fn pieces() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            Just(&b"{\"phone\": \"138 0013 8000\", \"region\": \"CN\"}"[..]),
            Just(&b"{\"card\": 4111111111111111}"[..]),
            Just(&b"{\"x\": \"1\"}"[..]),
            Just(&b"{\"phone\": \"123456789\"}"[..]),
            Just(&b"phone,region"[..]),
            Just(&b"\"1,2\",\"CN"[..]),
            Just(&b"13800138000,CN"[..]),
            Just(&b"\xEF\xBB\xBF"[..]),
            Just(&b"\n"[..]),
            Just(&b"\r\n"[..]),
            Just(&b" \t\x0B\x0C"[..]),
            Just("\u{3000}\u{85}".as_bytes()),
            Just("\u{e9}".as_bytes()),
            Just(&b"\xFF"[..]),
            Just(&b"\xE3\x80"[..]),
            Just(&b"not json"[..]),
        ];
        proptest::collection::vec(piece, 0..16).prop_map(|p| p.concat())
    }

    proptest::proptest! {
        /// Rows read a chunk at a time are the iterator's rows, whatever the chunks' size.
        #[test]
        fn chunks_hold_the_rows_the_iterator_reads(
            text in pieces(),
            csv in proptest::bool::ANY,
            limit in 4usize..40,
            capacity in 1usize..16,
            rows in 1usize..5,
            bytes in 1usize..60,
        ) {
            let format = if csv { Format::Csv } else { Format::Jsonl };
            let limits = Limits { row_bytes: limit, field_bytes: limit / 2 };
            let (one_by_one, chunked) = both_ways(&text, format, limits, capacity, rows, bytes);
            proptest::prop_assert_eq!(one_by_one, chunked);
        }
    }

    #[test]
    fn chunks_of_json_lines_read_as_the_iterator_does() {
        let text = "\u{FEFF}{\"phone\": \"138 0013 8000\", \"region\": \"CN\"}\r\n\u{3000}\n\n{\"x\": 1}\n\u{e9}\n{\"cvv\": \"123456789012345678901\"}\n{\"phone\": \"123456789012345678901234567890\"}";
        let limits = Limits {
            row_bytes: 42,
            field_bytes: 20,
        };
        let (one_by_one, chunked) = both_ways(text.as_bytes(), Format::Jsonl, limits, 8, 2, 1000);
        assert_eq!(chunked, one_by_one);
        let lines: Vec<u64> = chunked.iter().map(|r| r.0).collect();
        assert_eq!(lines, [1, 4, 5, 6, 7], "blank lines skipped, every line counted");
        assert!(chunked[0].1.is_ok());
        assert_eq!(chunked[1].1, Err(Malformed::UnknownKey));
        assert!(matches!(chunked[2].1, Err(Malformed::Json { .. })));
        assert_eq!(
            chunked[3].1,
            Err(Malformed::FieldTooLong {
                field: "cvv",
                limit: 20
            })
        );
        assert_eq!(chunked[4].1, Err(Malformed::TooLong { limit: 42 }));
    }

    #[test]
    fn a_failing_input_keeps_the_rows_read_before_in_the_chunk() {
        for (format, text) in [
            (Format::Csv, "phone\n1\n2\n"),
            (Format::Jsonl, "{\"phone\": \"1\"}\n{\"phone\": \"2\"}\n"),
        ] {
            let mut rows = Rows::new(io::BufReader::new(Failing(text.as_bytes())), format).unwrap();
            let mut chunk = Chunk::default();
            assert!(rows.read_chunk(&mut chunk, 100, 1 << 20).is_err(), "{format:?}");
            assert_eq!(chunk.len(), 2, "{format:?}");
            chunk.clear();
            rows.read_chunk(&mut chunk, 100, 1 << 20).unwrap();
            assert!(chunk.is_empty(), "nothing is read after a failure: {format:?}");
        }
    }

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

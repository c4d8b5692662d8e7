//! CSV rows: RFC 4180 as the csv crate reads it (quotes, `""` inside quotes, line breaks in
//! quoted values, `\n`, `\r\n` or `\r` line ends, blank lines skipped, a byte-order mark),
//! read a byte at a time so that a record is never kept past its limit.
//!
//! The csv crate is not used for this: its reader keeps a whole record in memory, however
//! long, and reads an unclosed quote as a value that runs to the end of the input.

use std::io::{self, BufRead};

use super::{check_lengths, fill, skip_bom, HeaderError, Limits, Malformed, Parsed, MAX_SKIPPED_LINE_BYTES};
use crate::validate::{Column, Inputs, Row};

/// Where the reader is within a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Between records (blank lines are skipped here).
    RecordStart,
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted value: the value's end, or the first of `""`.
    QuoteInQuoted,
}

/// How a record ended.
#[derive(Debug, PartialEq, Eq)]
enum End {
    /// A line end, or the end of the input after a complete record.
    Record,
    /// The end of the input inside a quoted value.
    UnclosedQuote,
    /// The end of the input between records.
    Input,
    /// Past the row limit, and asked not to read to the record's end.
    GaveUp,
}

/// One record's values as read, up to the row limit.
#[derive(Default)]
struct Record {
    /// The line the record starts on.
    line: u64,
    /// Its length so far, counted until the end even when it is no longer kept.
    bytes: usize,
    /// The values so far, counted likewise.
    fields: usize,
    /// The values' bytes, one after the other, and where each ends (while the record fits).
    data: Vec<u8>,
    ends: Vec<usize>,
}

impl Record {
    fn fits(&self, limits: &Limits) -> bool {
        self.bytes <= limits.row_bytes
    }

    /// The values, or `None` for one that is not UTF-8.
    fn values(&self) -> Option<Vec<&str>> {
        let mut start = 0;
        self.ends
            .iter()
            .map(|&end| {
                let value = std::str::from_utf8(&self.data[start..end]).ok();
                start = end;
                value
            })
            .collect()
    }
}

/// Reads CSV records one at a time.
struct Records<R> {
    reader: R,
    parser: Parser,
}

impl<R: BufRead> Records<R> {
    fn new(reader: R, limits: Limits) -> Records<R> {
        let parser = Parser {
            limits,
            state: State::RecordStart,
            lines: 0,
            record: Record::default(),
        };
        Records { reader, parser }
    }

    /// Reads the next record into `self.parser.record`. A record past the row limit is
    /// read to its end, unless `give_up` (the header: `/dev/zero` has no end).
    fn next_record(&mut self, give_up: bool) -> io::Result<End> {
        self.parser.start();
        let first_line = self.parser.lines + 1;
        let mut read = 0u64;
        loop {
            let buf = fill(&mut self.reader)?;
            if buf.is_empty() {
                return Ok(self.parser.end_of_input());
            }
            let end = self.parser.feed(buf);
            let used = end.unwrap_or(buf.len());
            self.reader.consume(used);
            if end.is_some() {
                return Ok(End::Record);
            }
            if give_up && !self.parser.record.fits(&self.parser.limits) {
                return Ok(End::GaveUp);
            }
            read += used as u64;
            if read > MAX_SKIPPED_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "the record from line {first_line} runs on past {} MiB: this is not a CSV file of inputs",
                        MAX_SKIPPED_LINE_BYTES >> 20
                    ),
                ));
            }
        }
    }
}

/// The state of the reader between bytes.
struct Parser {
    limits: Limits,
    state: State,
    /// Line ends read so far.
    lines: u64,
    record: Record,
}

impl Parser {
    fn start(&mut self) {
        self.record.bytes = 0;
        self.record.fields = 0;
        self.record.data.clear();
        self.record.ends.clear();
    }

    /// Takes the bytes of `buf` up to the end of the record: how many it took when the
    /// record ended, `None` when it needs more.
    fn feed(&mut self, buf: &[u8]) -> Option<usize> {
        let mut i = 0;
        while i < buf.len() {
            // Within a value, the bytes up to the next one that matters are taken at once
            // (most of a file). Line ends in quotes go through `step`, which counts them.
            let rest = &buf[i..];
            let run = match self.state {
                State::Unquoted => rest.iter().position(|b| matches!(b, b',' | b'\n' | b'\r')),
                State::Quoted => rest.iter().position(|b| matches!(b, b'"' | b'\n')),
                _ => Some(0),
            }
            .unwrap_or(rest.len());
            if run > 0 {
                if self.count(run) {
                    self.record.data.extend_from_slice(&rest[..run]);
                }
                i += run;
                continue;
            }
            i += 1;
            if self.step(buf[i - 1]) {
                return Some(i);
            }
        }
        None
    }

    /// Counts `n` more bytes of the record: whether the record still fits, and so whether
    /// to keep them. Past the limit, what was kept is of no use and is let go.
    fn count(&mut self, n: usize) -> bool {
        self.record.bytes += n;
        let fits = self.record.fits(&self.limits);
        if !fits {
            // (Dropping a vector that holds nothing costs nothing.)
            self.record.data = Vec::new();
            self.record.ends = Vec::new();
        }
        fits
    }

    /// Takes one byte; true when it ends the record.
    fn step(&mut self, b: u8) -> bool {
        let terminator = b == b'\n' || b == b'\r';
        self.lines += u64::from(b == b'\n');
        if self.state == State::RecordStart {
            if terminator {
                return false;
            }
            // `lines` counts the line ends before this byte.
            self.record.line = self.lines + 1;
            self.state = State::FieldStart;
        }
        if terminator && self.state != State::Quoted {
            self.end_field();
            self.state = State::RecordStart;
            return true;
        }
        let keep = self.count(1);
        let push = |r: &mut Record, b| {
            if keep {
                r.data.push(b);
            }
        };
        self.state = match (self.state, b) {
            (State::FieldStart, b'"') => State::Quoted,
            (State::FieldStart | State::Unquoted | State::QuoteInQuoted, b',') => {
                self.end_field();
                State::FieldStart
            }
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::QuoteInQuoted, b'"') => {
                push(&mut self.record, b'"');
                State::Quoted
            }
            (State::Quoted, _) => {
                push(&mut self.record, b);
                State::Quoted
            }
            // After a closing quote, the csv crate keeps what follows in the same value.
            (_, _) => {
                push(&mut self.record, b);
                State::Unquoted
            }
        };
        false
    }

    fn end_field(&mut self) {
        self.record.fields += 1;
        if self.record.fits(&self.limits) {
            self.record.ends.push(self.record.data.len());
        }
    }

    fn end_of_input(&mut self) -> End {
        let state = std::mem::replace(&mut self.state, State::RecordStart);
        match state {
            State::RecordStart => End::Input,
            State::Quoted => End::UnclosedQuote,
            _ => {
                self.end_field();
                End::Record
            }
        }
    }
}

/// The rows of a CSV input: its header's columns, then one row per record.
pub(super) struct CsvRows<R> {
    records: Records<R>,
    columns: Vec<Column>,
}

impl<R: BufRead> CsvRows<R> {
    /// Reads and checks the header: every column an input or `region`, at least one input.
    pub(super) fn new(mut reader: R, limits: Limits) -> Result<CsvRows<R>, HeaderError> {
        skip_bom(&mut reader).map_err(HeaderError::Read)?;
        let mut records = Records::new(reader, limits);
        let columns: Vec<Column> = match records.next_record(true).map_err(HeaderError::Read)? {
            End::Input => Vec::new(),
            End::UnclosedQuote => return Err(HeaderError::UnclosedQuote),
            End::GaveUp => {
                return Err(HeaderError::TooLong {
                    limit: limits.row_bytes,
                })
            }
            End::Record if !records.parser.record.fits(&limits) => {
                return Err(HeaderError::TooLong {
                    limit: limits.row_bytes,
                })
            }
            End::Record => {
                let names = records.parser.record.values().ok_or(HeaderError::NotUtf8)?;
                names.into_iter().map(Column::of).collect()
            }
        };
        if !columns.iter().any(|c| matches!(c, Column::Field(_))) {
            return Err(HeaderError::NoInputColumns);
        }
        let unknown: Vec<usize> = (1..)
            .zip(&columns)
            .filter(|(_, c)| **c == Column::Unknown)
            .map(|(i, _)| i)
            .collect();
        if !unknown.is_empty() {
            return Err(HeaderError::UnknownColumns { columns: unknown });
        }
        Ok(CsvRows { records, columns })
    }

    /// The next row, `None` at the end of the input.
    pub(super) fn next_row(&mut self) -> io::Result<Option<Parsed>> {
        let end = self.records.next_record(false)?;
        let line = self.records.parser.record.line;
        let row = match end {
            // (`GaveUp` comes only from the header.)
            End::Input | End::GaveUp => return Ok(None),
            End::UnclosedQuote => Err(Malformed::UnclosedQuote),
            End::Record => self.row(),
        };
        Ok(Some(Parsed { line, row }))
    }

    fn row(&self) -> Result<Row, Malformed> {
        let limits = &self.records.parser.limits;
        let record = &self.records.parser.record;
        if !record.fits(limits) {
            return Err(Malformed::TooLong {
                limit: limits.row_bytes,
            });
        }
        if record.fields != self.columns.len() {
            return Err(Malformed::Columns {
                expected: self.columns.len(),
                found: record.fields,
            });
        }
        let values = record.values().ok_or(Malformed::NotUtf8)?;
        let mut inputs = Inputs::default();
        let mut region = None;
        for (value, column) in values.into_iter().zip(&self.columns) {
            match column {
                Column::Field(f) if !value.is_empty() => inputs.set(*f, Some(value.to_owned())),
                Column::Region => region = Some(value.to_owned()),
                _ => {}
            }
        }
        check_lengths((inputs, region), limits.field_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Rows};
    use super::*;
    use std::io::Read;

    fn rows(text: impl AsRef<[u8]>, limits: Limits) -> Vec<(u64, Result<Row, Malformed>)> {
        Rows::with_limits(text.as_ref(), Format::Csv, limits)
            .unwrap()
            .map(|p| p.map(|p| (p.line, p.row)).unwrap())
            .collect()
    }

    fn phones(text: &str) -> Vec<(u64, Result<Option<String>, Malformed>)> {
        rows(text, Limits::default())
            .into_iter()
            .map(|(line, r)| (line, r.map(|(inputs, _)| inputs.phone)))
            .collect()
    }

    fn header_error(text: impl AsRef<[u8]>) -> HeaderError {
        match Rows::new(text.as_ref(), Format::Csv) {
            Err(e) => e,
            Ok(_) => panic!("the header was accepted"),
        }
    }

    #[test]
    fn quotes_line_ends_and_blank_lines_read_as_the_csv_crate_reads_them() {
        let text = "\u{FEFF}phone,name,region\r\n\
                    \"138 0013 8000\",\"Li \"\"Lei\"\"\",CN\r\n\
                    \r\n\
                    13800138000,\"two\nlines\",\n\
                    \"ab\"cd,x,HK\r\
                    last,row,none";
        let mut want = Vec::new();
        let mut reader = ::csv::ReaderBuilder::new().from_reader(text.as_bytes());
        for record in reader.records() {
            let record = record.unwrap();
            let region = record[2].to_owned();
            want.push((Some(record[0].to_owned()), Some(record[1].to_owned()), Some(region)));
        }
        let got: Vec<_> = rows(text, Limits::default())
            .into_iter()
            .map(|(_, r)| {
                let (inputs, region) = r.unwrap();
                (inputs.phone, inputs.name, region)
            })
            .collect();
        assert_eq!(got, want);
        assert_eq!(got[1].1.as_deref(), Some("two\nlines"));
        // Each row's line is where it starts: the blank line and the quoted line end count.
        let lines: Vec<u64> = rows(text, Limits::default()).iter().map(|r| r.0).collect();
        assert_eq!(lines, [2, 4, 6, 6]);
    }

    /// Every record of `input` as the reader reads it, or `None` when it ends in a quote.
    fn records(input: &[u8], limits: Limits) -> Option<Vec<Vec<Vec<u8>>>> {
        let mut records = Records::new(input, limits);
        let mut all = Vec::new();
        loop {
            match records.next_record(false).unwrap() {
                End::Input => return Some(all),
                End::UnclosedQuote => return None,
                End::GaveUp => unreachable!("only the header gives up"),
                End::Record => {
                    let r = &records.parser.record;
                    let mut start = 0;
                    all.push(
                        r.ends
                            .iter()
                            .map(|&end| {
                                let value = r.data[start..end].to_vec();
                                start = end;
                                value
                            })
                            .collect(),
                    );
                }
            }
        }
    }

    /// Every record of `input` as the csv crate reads it.
    fn csv_crate(input: &[u8]) -> Vec<Vec<Vec<u8>>> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(input)
            .byte_records()
            .map(|r| r.unwrap().iter().map(<[u8]>::to_vec).collect())
            .collect()
    }

    #[test]
    fn cases_the_properties_found() {
        // Quotes inside an unquoted value are text: the last quote opens a value left open.
        assert_eq!(records(b"\"\"\"\"a\",\"", Limits::default()), None);
        assert_eq!(
            records(b"\"\"\"\"a\",\"\"", Limits::default()),
            Some(vec![vec![b"\"a\"".to_vec(), Vec::new()]])
        );
        // A record past its limit keeps no value's end either.
        let mut r = Records::new(
            &b",a"[..],
            Limits {
                row_bytes: 1,
                field_bytes: 1,
            },
        );
        assert_eq!(r.next_record(false).unwrap(), End::Record);
        assert_eq!((r.parser.record.fields, r.parser.record.ends.len()), (2, 0));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        /// Any text of the characters that matter reads as the csv crate reads it, except
        /// that a quote still open at the end is an error, not a value.
        #[test]
        fn any_text_reads_as_the_csv_crate_reads_it(text in "[a\",\n\r]{0,40}") {
            match records(text.as_bytes(), Limits::default()) {
                Some(ours) => proptest::prop_assert_eq!(ours, csv_crate(text.as_bytes())),
                // The input ends inside a quoted value (which the csv crate reads to the
                // end): with a quote to close it, it reads as the csv crate reads it.
                None => {
                    let closed = format!("{text}\"");
                    let ours = records(closed.as_bytes(), Limits::default());
                    proptest::prop_assert_eq!(ours, Some(csv_crate(closed.as_bytes())));
                }
            }
        }

        /// Within the limit, a record's values are kept whatever the buffer's size; past it,
        /// none are, but the record is still read to its end.
        #[test]
        fn records_past_the_limit_keep_nothing(text in "[ab\",\n]{0,60}", limit in 0usize..20) {
            let limits = Limits { row_bytes: limit, field_bytes: limit };
            let mut small = Records::new(io::BufReader::with_capacity(3, text.as_bytes()), limits);
            let mut whole = Records::new(text.as_bytes(), Limits::default());
            loop {
                let (a, b) = (small.next_record(false).unwrap(), whole.next_record(false).unwrap());
                proptest::prop_assert_eq!(&a, &b);
                if a != End::Record {
                    break;
                }
                let (s, w) = (&small.parser.record, &whole.parser.record);
                proptest::prop_assert_eq!((s.line, s.bytes, s.fields), (w.line, w.bytes, w.fields));
                if w.bytes <= limit {
                    proptest::prop_assert_eq!((&s.data, &s.ends), (&w.data, &w.ends));
                } else {
                    proptest::prop_assert!(s.data.is_empty() && s.ends.is_empty());
                }
            }
        }
    }

    #[test]
    fn a_row_past_the_limit_is_skipped_and_the_next_is_read() {
        let limits = Limits {
            row_bytes: 16,
            field_bytes: 8,
        };
        let text = "phone\n12345678\n\"1234567890123456789,\n2,\n3\"\n123456789\n1\n";
        let got = rows(text, limits);
        assert_eq!(got[0].1.as_ref().unwrap().0.phone.as_deref(), Some("12345678"));
        assert_eq!(got[1], (3, Err(Malformed::TooLong { limit: 16 })));
        assert_eq!(
            got[2],
            (
                6,
                Err(Malformed::FieldTooLong {
                    field: "phone",
                    limit: 8
                })
            )
        );
        assert_eq!(got[3].0, 7);
        assert_eq!(got.len(), 4);
    }

    #[test]
    fn a_row_that_is_too_long_is_not_kept() {
        let limits = Limits {
            row_bytes: 100,
            field_bytes: 100,
        };
        let reader = io::BufReader::with_capacity(64, io::repeat(b'7').take(1 << 20));
        let mut records = Records::new(reader, limits);
        assert_eq!(records.next_record(false).unwrap(), End::Record);
        let record = &records.parser.record;
        assert_eq!(record.bytes, 1 << 20);
        assert_eq!(record.fields, 1);
        assert_eq!(record.data.capacity(), 0, "nothing is kept past the limit");
    }

    #[test]
    fn an_unclosed_quote_is_a_malformed_row_at_its_line() {
        let got = phones("phone\n1\n\"2\n3\n4\n");
        assert_eq!(got, [(2, Ok(Some("1".into()))), (3, Err(Malformed::UnclosedQuote))]);
        // A closed quote at the very end is a value.
        assert_eq!(phones("phone\n\"2\"")[0], (2, Ok(Some("2".into()))));
    }

    #[test]
    fn rows_with_the_wrong_number_of_values_or_bad_text_are_malformed() {
        let got = rows(b"phone,card\n1\n1,2,3\n\xFFx,1\n,\n", Limits::default());
        assert_eq!(got[0].1, Err(Malformed::Columns { expected: 2, found: 1 }));
        assert_eq!(got[1].1, Err(Malformed::Columns { expected: 2, found: 3 }));
        assert_eq!(got[2].1, Err(Malformed::NotUtf8));
        // Empty cells are not given.
        assert_eq!(got[3].1.as_ref().unwrap().0, Inputs::default());
    }

    #[test]
    fn a_header_must_name_inputs_and_nothing_else() {
        assert!(matches!(header_error(""), HeaderError::NoInputColumns));
        assert!(matches!(header_error("foo,bar\n1,2\n"), HeaderError::NoInputColumns));
        let e = header_error("phone,6222021234567890128,Card,notes\n");
        assert!(
            matches!(&e, HeaderError::UnknownColumns { columns } if columns == &[2, 4]),
            "{e:?}"
        );
        assert!(!e.to_string().contains("6222"), "{e}");
        assert!(matches!(
            header_error("phone,\"card\n1,2\n"),
            HeaderError::UnclosedQuote
        ));
        assert!(matches!(header_error(b"phone,\xFF\n"), HeaderError::NotUtf8));
        let long = format!("phone,{}\n", "x".repeat(super::super::MAX_ROW_BYTES));
        assert!(matches!(header_error(&long), HeaderError::TooLong { .. }));
        // A header with no end is refused once past the limit, not read forever.
        let endless = io::BufReader::new(io::repeat(b'x'));
        assert!(matches!(
            Rows::new(endless, Format::Csv).err(),
            Some(HeaderError::TooLong { .. })
        ));
        // Case, spaces and `-` do not matter.
        assert!(Rows::new(" Phone ,ID-Number,region\n".as_bytes(), Format::Csv).is_ok());
    }
}

//! JSON Lines rows: one object a line, read a line at a time with the line bounded, so a
//! line past the limit is skipped to its end without being kept.

use std::io::{self, BufRead, Read};

use super::{check_lengths, skip_bom, Limits, Malformed, Parsed, MAX_SKIPPED_LINE_BYTES};
use crate::validate::{inputs_from_json, Column, Row};

pub(super) struct JsonlRows<R> {
    reader: R,
    pub(super) limits: Limits,
    /// Lines read so far.
    pub(super) line: u64,
    /// The current line, while it fits the limit.
    pub(super) buf: Vec<u8>,
    /// Whether the byte-order mark has been looked for.
    started: bool,
}

impl<R: BufRead> JsonlRows<R> {
    pub(super) fn new(reader: R, limits: Limits) -> JsonlRows<R> {
        JsonlRows {
            reader,
            limits,
            line: 0,
            buf: Vec::new(),
            started: false,
        }
    }

    /// The next row, `None` at the end of the input. Blank lines are skipped.
    pub(super) fn next_row(&mut self) -> io::Result<Option<Parsed>> {
        let Some(text) = self.next_text()? else {
            return Ok(None);
        };
        let row = text.and_then(|()| row(&self.buf, &self.limits));
        Ok(Some(Parsed { line: self.line, row }))
    }

    /// The next line that is not blank, `None` at the end of the input: `Ok` with its text
    /// left in `buf` to be read by [`row`] (here or, for [`super::Chunk`], on another
    /// thread), or too long to be kept.
    pub(super) fn next_text(&mut self) -> io::Result<Option<Result<(), Malformed>>> {
        if !self.started {
            skip_bom(&mut self.reader)?;
            self.started = true;
        }
        loop {
            let Some(fits) = self.next_line()? else {
                return Ok(None);
            };
            if !fits {
                return Ok(Some(Err(Malformed::TooLong {
                    limit: self.limits.row_bytes,
                })));
            }
            if !is_blank(&self.buf) {
                return Ok(Some(Ok(())));
            }
        }
    }

    /// Reads the next line into `buf` without its line end, keeping at most the row limit
    /// (and skipping the rest of a longer line unread): whether it fits, `None` at the end
    /// of the input.
    fn next_line(&mut self) -> io::Result<Option<bool>> {
        self.buf.clear();
        // The limit, a `\r` and the `\n`.
        let keep = self.limits.row_bytes.saturating_add(2);
        let n = (&mut self.reader).take(keep as u64).read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        self.line += 1;
        if self.buf.last() == Some(&b'\n') {
            self.buf.pop();
            if self.buf.last() == Some(&b'\r') {
                self.buf.pop();
            }
        } else if n == keep {
            // No line end within reach: the rest of the line goes unread, up to a bound.
            self.buf = Vec::new();
            let skipped = (&mut self.reader).take(MAX_SKIPPED_LINE_BYTES).skip_until(b'\n')?;
            if skipped as u64 == MAX_SKIPPED_LINE_BYTES {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "line {} runs on past {} MiB without a line end: this is not a JSON Lines file",
                        self.line,
                        MAX_SKIPPED_LINE_BYTES >> 20
                    ),
                ));
            }
            return Ok(Some(false));
        }
        Ok(Some(self.buf.len() <= self.limits.row_bytes))
    }
}

/// Whether a line is blank: valid UTF-8 that is all whitespace (Unicode's, as `str::trim`
/// has it). A line whose first byte past the ASCII whitespace is another ASCII byte is not
/// (it is a row, or not UTF-8), which decides nearly every line without reading it all.
fn is_blank(line: &[u8]) -> bool {
    match line
        .iter()
        .find(|b| !matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' '))
    {
        None => true,
        Some(b) if b.is_ascii() => false,
        Some(_) => std::str::from_utf8(line).is_ok_and(|text| text.trim().is_empty()),
    }
}

/// The inputs of one line that is not blank: UTF-8, a JSON object with input keys only,
/// every value within its limit.
pub(super) fn row(line: &[u8], limits: &Limits) -> Result<Row, Malformed> {
    let text = std::str::from_utf8(line).map_err(|_| Malformed::NotUtf8)?;
    let row = match plain_row(text) {
        Some(row) => row,
        None => serde_row(text)?,
    };
    check_lengths(row, limits.field_bytes)
}

/// The inputs of a line through a generic [`serde_json::Value`]: any JSON, and the error
/// that says what is wrong with it.
fn serde_row(text: &str) -> Result<Row, Malformed> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Malformed::Json {
        problem: crate::validate::json_problem(&e),
        column: e.column(),
    })?;
    Ok(inputs_from_json(value)?)
}

/// The inputs of a line that is a plain object, `{"phone": "138 0013 8000", "region":
/// "CN"}`: known keys, each once, with string values without escapes. That is nearly every
/// line of a real batch file, and reading it here costs a fraction of building a
/// `serde_json::Value` (a map, a String for every key). Anything else, `None`: the line
/// goes the serde way, which reads it exactly as before, or says what is wrong. Hand-rolled
/// because what it must answer is "is this the simple case", which no JSON crate offers;
/// the property test below holds it to the serde path's answers.
fn plain_row(text: &str) -> Option<Row> {
    let mut rest = text.trim_start_matches(is_json_space).strip_prefix('{')?;
    let mut row: Row = Default::default();
    let mut seen = 0u8;
    loop {
        rest = rest.trim_start_matches(is_json_space);
        let (key, after) = plain_string(rest)?;
        let after = after.trim_start_matches(is_json_space).strip_prefix(':')?;
        let (value, after) = plain_string(after.trim_start_matches(is_json_space))?;
        let column = Column::of(key);
        let bit = match column {
            Column::Field(f) => 1u8 << f as u8,
            Column::Region => 1 << 7,
            Column::Unknown => return None,
        };
        // A key twice (`phone` and `Phone` too): serde keeps the last; leave it to serde.
        if seen & bit != 0 {
            return None;
        }
        seen |= bit;
        match column {
            Column::Field(f) => row.0.set(f, Some(value.to_owned())),
            _ => row.1 = Some(value.to_owned()),
        }
        let after = after.trim_start_matches(is_json_space);
        if let Some(after) = after.strip_prefix(',') {
            rest = after;
        } else {
            let end = after.strip_prefix('}')?;
            return end.trim_start_matches(is_json_space).is_empty().then_some(row);
        }
    }
}

/// A JSON string at the start of `text` with no escape and no control character, and what
/// follows it.
fn plain_string(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_prefix('"')?;
    let end = body.find(|c: char| c == '"' || c == '\\' || c < ' ')?;
    (body.as_bytes()[end] == b'"').then(|| (&body[..end], &body[end + 1..]))
}

/// JSON's whitespace, which is not Rust's: no form feed, no Unicode spaces.
fn is_json_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Rows};
    use super::*;
    use crate::validate::RowError;

    fn rows(text: impl AsRef<[u8]>, limits: Limits) -> Vec<(u64, Result<Row, Malformed>)> {
        Rows::with_limits(text.as_ref(), Format::Jsonl, limits)
            .unwrap()
            .map(|p| p.map(|p| (p.line, p.row)).unwrap())
            .collect()
    }

    #[test]
    fn lines_are_rows_and_blank_lines_are_skipped() {
        let text = "\u{FEFF}{\"phone\": \"138 0013 8000\", \"region\": \"none\"}\r\n\n  \n{\"card\": 4111111111111111}";
        let got = rows(text, Limits::default());
        assert_eq!(got.len(), 2);
        let (inputs, region) = got[0].1.clone().unwrap();
        assert_eq!(
            (got[0].0, inputs.phone.as_deref(), region.as_deref()),
            (1, Some("138 0013 8000"), Some("none"))
        );
        assert_eq!(got[1].0, 4);
        assert_eq!(got[1].1.as_ref().unwrap().0.card.as_deref(), Some("4111111111111111"));
    }

    #[test]
    fn what_is_not_an_object_of_inputs_is_malformed_without_its_values() {
        let text = b"not json 6222021234567890128\n[1]\n{\"phone\": {}}\n{\"phone_number\": \"13800138000\"}\n{\"lang\": \"en\"}\n\xFF\n";
        let got: Vec<Malformed> = rows(text, Limits::default())
            .into_iter()
            .map(|r| r.1.unwrap_err())
            .collect();
        assert!(matches!(got[0], Malformed::Json { .. }), "{:?}", got[0]);
        assert_eq!(got[1], Malformed::Row(RowError::NotAnObject));
        assert_eq!(got[2], Malformed::Row(RowError::NotAString { key: "phone" }));
        assert_eq!(got[3], Malformed::UnknownKey);
        assert_eq!(got[4], Malformed::UnknownKey, "`lang` is serve's, not a row's");
        assert_eq!(got[5], Malformed::NotUtf8);
        for e in &got {
            assert!(!e.to_string().contains("6222"), "{e}");
        }
        assert_eq!(
            got[3].to_string(),
            "unknown key: use phone, email, card, expiry, cvv, id_number, name, region"
        );
    }

    #[test]
    fn a_line_past_the_limit_is_skipped_and_the_next_is_read() {
        let limits = Limits {
            row_bytes: 20,
            field_bytes: 6,
        };
        let text = "{\"phone\": \"1234\"}\r\n{\"phone\": \"12345678901234567890\"}\n{\"cvv\": \"1234567\"}\n{\"cvv\": \"123\"}";
        let got = rows(text, limits);
        assert!(
            got[0].1.is_ok(),
            "a \\r before the line end does not count: {:?}",
            got[0]
        );
        assert_eq!(got[1], (2, Err(Malformed::TooLong { limit: 20 })));
        assert_eq!(got[2], (3, Err(Malformed::FieldTooLong { field: "cvv", limit: 6 })));
        assert_eq!(got[3].1.as_ref().unwrap().0.cvv.as_deref(), Some("123"));
    }

    proptest::proptest! {
        /// Lines are `BufRead::lines`' lines, whatever the buffer's size, each kept when it
        /// fits the limit.
        #[test]
        fn lines_are_the_standard_lines_within_the_limit(text in "[ab\r\n]{0,40}", limit in 0usize..12, capacity in 1usize..8) {
            let limits = Limits { row_bytes: limit, field_bytes: limit };
            let mut rows = JsonlRows::new(io::BufReader::with_capacity(capacity, text.as_bytes()), limits);
            let mut ours = Vec::new();
            while let Some(fits) = rows.next_line().unwrap() {
                ours.push(fits.then(|| String::from_utf8(rows.buf.clone()).unwrap()));
            }
            let theirs: Vec<Option<String>> = text
                .as_bytes()
                .lines()
                .map(|l| Some(l.unwrap()).filter(|l| l.len() <= limit))
                .collect();
            proptest::prop_assert_eq!(ours, theirs);
            proptest::prop_assert_eq!(rows.line, text.as_bytes().lines().count() as u64);
        }
    }

    proptest::proptest! {
        /// A line the plain path reads, serde reads to the same row.
        #[test]
        fn plain_lines_read_as_serde_reads_them(
            text in r#"[ \t]?\{( ?"(phone|Phone|region|card|cvv|lang|x)" ?: ?"[a1 \\"\t\u{e9}]{0,4}" ?,?){0,4}\}[ \r]?"#,
        ) {
            if let Some(plain) = plain_row(&text) {
                proptest::prop_assert_eq!(Ok(plain), serde_row(&text));
            }
        }
    }

    #[test]
    fn plain_lines_are_the_simple_objects_only() {
        let plain = plain_row(r#" {"phone" : "138 0013 8000", "region":"CN"} "#).unwrap();
        assert_eq!(
            (plain.0.phone.as_deref(), plain.1.as_deref()),
            (Some("138 0013 8000"), Some("CN"))
        );
        for other in [
            r#"{"phone": "1\u0033"}"#,
            r#"{"phone": "1", "phone": "2"}"#,
            r#"{"phone": 138}"#,
            r#"{"x": "1"}"#,
            r#"{}"#,
            r#"{"phone": "1",}"#,
            r#"{"phone": "1"} x"#,
        ] {
            assert!(plain_row(other).is_none(), "{other}");
        }
    }

    #[test]
    fn a_line_that_is_too_long_is_not_kept() {
        let limits = Limits {
            row_bytes: 100,
            field_bytes: 100,
        };
        let reader = io::BufReader::with_capacity(64, io::repeat(b'7').take(1 << 20));
        let mut rows = JsonlRows::new(reader, limits);
        let row = rows.next_row().unwrap().unwrap();
        assert_eq!(row.row.unwrap_err(), Malformed::TooLong { limit: 100 });
        assert_eq!(rows.buf.capacity(), 0);
        assert!(rows.next_row().unwrap().is_none());
    }
}

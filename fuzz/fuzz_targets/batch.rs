#![no_main]

//! The batch readers: any bytes as CSV and as JSON Lines, with the documented limits and
//! with small ones taken from the input, so that the paths for rows and values past their
//! limits are reached with short inputs.

use bindcheck::batch::{Format, Limits, Rows};
use bindcheck::validate::Field;
use libfuzzer_sys::fuzz_target;

/// No message repeats 7 or more digits in a row of the input (a card, phone or ID number
/// may be anywhere in it, even where a column name belongs).
fn check_message(message: &str, input: &[u8]) {
    let digits: Vec<&[u8]> = message
        .as_bytes()
        .split(|b| !b.is_ascii_digit())
        .filter(|run| run.len() >= 7)
        .collect();
    for run in digits {
        for window in run.windows(7) {
            assert!(
                !input.windows(7).any(|w| w == window),
                "the message {message:?} repeats digits of the input"
            );
        }
    }
}

fn check(input: &[u8], format: Format, limits: Limits) {
    let rows = match Rows::with_limits(input, format, limits) {
        Ok(rows) => rows,
        Err(e) => {
            assert_eq!(format, Format::Csv, "only CSV has a header");
            return check_message(&e.to_string(), input);
        }
    };
    let lines = input.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let mut last = 0;
    for parsed in rows {
        let parsed = parsed.expect("reading from memory cannot fail");
        assert!(parsed.line >= 1 && parsed.line <= lines, "line {} of {lines}", parsed.line);
        assert!(parsed.line >= last, "line {} after line {last}", parsed.line);
        if format == Format::Jsonl {
            assert!(parsed.line > last, "two JSON rows on line {last}");
        }
        last = parsed.line;
        match parsed.row {
            Ok((inputs, region)) => {
                for f in Field::ALL {
                    assert!(inputs.get(f).is_none_or(|v| v.len() <= limits.field_bytes), "{f:?} over its limit");
                }
                assert!(region.is_none_or(|r| r.len() <= limits.field_bytes));
            }
            Err(e) => check_message(&e.to_string(), input),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    for format in [Format::Csv, Format::Jsonl] {
        check(data, format, Limits::default());
        if let [row, field, rest @ ..] = data {
            let limits = Limits {
                row_bytes: usize::from(*row) * 4,
                field_bytes: usize::from(*field),
            };
            check(rest, format, limits);
        }
    }
});

//! Batch mode: stream rows from CSV or JSONL, validate them on every core, write JSONL in
//! input order. Rows are read and checked a chunk at a time, so memory stays flat however
//! long the input is.

use anyhow::Context;
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::{Outcome, UsageError};
use bindcheck::validate::{
    inputs_from_json, json_problem, validate, Column, Date, Inputs, Lang, Policy, Record, Region,
};

/// Input formats of a batch file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// Rows checked in parallel at a time: large enough to keep both cores busy, small enough
/// that a chunk of even long rows stays a few megabytes.
const CHUNK: usize = 4096;

/// One row as read: the inputs and an optional `region` override, or why it is malformed.
type RawRow = Result<(Inputs, Option<String>), String>;

/// A checked row as the writer gets it: valid or not (`None`: malformed) and its JSON line.
type Line = (Option<bool>, String);

#[derive(Serialize)]
struct RowError<'a> {
    row: u64,
    ok: bool,
    error: &'a str,
}

#[derive(Default)]
struct Tally {
    rows: u64,
    valid: u64,
    invalid: u64,
    malformed: u64,
}

/// Checks every row of `input` and writes one JSON line per row to standard output, in input
/// order, then the counts to standard error.
pub fn run(
    input: &str,
    format: Option<InputFormat>,
    policy: &Policy,
    lang: Lang,
    unmasked: bool,
    today: Date,
) -> anyhow::Result<Outcome> {
    let rows = open_rows(input, format)?;
    let progress = progress_bar();
    let tally = pipeline(rows, &progress, policy, lang, unmasked, today).context("cannot write the results")?;
    progress.finish_and_clear();
    Ok(summarize(&tally, lang))
}

/// The format of `input`, from its extension when not given: JSON Lines for `.jsonl`,
/// `.ndjson` and `.json`, CSV otherwise.
fn input_format(input: &str, format: Option<InputFormat>) -> InputFormat {
    format.unwrap_or_else(|| {
        let ext = Path::new(input).extension().and_then(|e| e.to_str()).unwrap_or("");
        if ext.eq_ignore_ascii_case("jsonl") || ext.eq_ignore_ascii_case("ndjson") || ext.eq_ignore_ascii_case("json") {
            InputFormat::Jsonl
        } else {
            InputFormat::Csv
        }
    })
}

/// Opens `input` (`-`: standard input) and returns its rows as they are read.
fn open_rows(input: &str, format: Option<InputFormat>) -> anyhow::Result<Box<dyn Iterator<Item = RawRow> + Send>> {
    let format = input_format(input, format);
    let reader: Box<dyn Read + Send> = if input == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(input).map_err(|e| {
            UsageError::new(
                format!("cannot open the input file {input}: {e}"),
                "check the path given to --input",
            )
        })?)
    };
    Ok(match format {
        InputFormat::Csv => csv_rows(reader)?,
        InputFormat::Jsonl => Box::new(jsonl_rows(BufReader::new(reader))),
    })
}

/// A spinner with the row count and rate on a terminal; hidden otherwise.
fn progress_bar() -> ProgressBar {
    if io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        bar.set_style(ProgressStyle::with_template("{spinner} {pos} rows ({per_sec}) {elapsed}").expect("template"));
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    }
}

/// Reads, checks and writes every row, and counts them.
///
/// Three stages overlap: a reader thread parses the next chunk while the rows of this one
/// are checked on every core and a writer thread writes the previous one. Bounded channels
/// keep at most a few chunks in memory.
fn pipeline(
    rows: Box<dyn Iterator<Item = RawRow> + Send>,
    progress: &ProgressBar,
    policy: &Policy,
    lang: Lang,
    unmasked: bool,
    today: Date,
) -> io::Result<Tally> {
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Vec<RawRow>>(1);
    let (line_tx, line_rx) = mpsc::sync_channel::<Vec<Line>>(1);
    std::thread::scope(|scope| {
        scope.spawn(move || read_chunks(rows, chunk_tx));
        let bar = progress.clone();
        let writer = scope.spawn(move || write_lines(line_rx, bar));
        check_chunks(chunk_rx, line_tx, policy, lang, unmasked, today);
        writer
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the writer thread failed")))
    })
}

/// The reader stage: sends the rows a chunk at a time until they run out or the checking
/// stage stops.
fn read_chunks(mut rows: Box<dyn Iterator<Item = RawRow> + Send>, chunk_tx: mpsc::SyncSender<Vec<RawRow>>) {
    loop {
        let chunk: Vec<RawRow> = rows.by_ref().take(CHUNK).collect();
        if chunk.is_empty() || chunk_tx.send(chunk).is_err() {
            break;
        }
    }
}

/// The checking stage: checks each chunk's rows on every core, numbering them from 1, and
/// passes their lines on in input order. Returning drops `line_tx`, which ends the writer.
fn check_chunks(
    chunk_rx: mpsc::Receiver<Vec<RawRow>>,
    line_tx: mpsc::SyncSender<Vec<Line>>,
    policy: &Policy,
    lang: Lang,
    unmasked: bool,
    today: Date,
) {
    let mut first = 1u64;
    for chunk in chunk_rx {
        let n = chunk.len() as u64;
        let lines: Vec<Line> = chunk
            .into_par_iter()
            .enumerate()
            .map(|(i, row)| check_row(first + i as u64, row, policy, lang, unmasked, today))
            .collect();
        first += n;
        // The writer stopped (a closed pipe): stop reading too.
        if line_tx.send(lines).is_err() {
            break;
        }
    }
}

/// The writer stage: writes every line to standard output, counting the rows and moving the
/// progress bar a chunk at a time.
fn write_lines(line_rx: mpsc::Receiver<Vec<Line>>, bar: ProgressBar) -> io::Result<Tally> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut tally = Tally::default();
    for lines in line_rx {
        for (ok, line) in &lines {
            tally.rows += 1;
            match ok {
                Some(true) => tally.valid += 1,
                Some(false) => tally.invalid += 1,
                None => tally.malformed += 1,
            }
            out.write_all(line.as_bytes())?;
            out.write_all(b"\n")?;
        }
        bar.set_position(tally.rows);
    }
    out.flush()?;
    Ok(tally)
}

/// Writes the counts to standard error and returns the outcome: valid only when every row
/// was.
fn summarize(tally: &Tally, lang: Lang) -> Outcome {
    let summary = match lang {
        Lang::En => format!(
            "bindcheck: {} rows: {} valid, {} with errors, {} malformed",
            tally.rows, tally.valid, tally.invalid, tally.malformed
        ),
        Lang::ZhCn => format!(
            "bindcheck：共 {} 行：{} 行有效，{} 行有错误，{} 行格式有误",
            tally.rows, tally.valid, tally.invalid, tally.malformed
        ),
    };
    let _ = writeln!(io::stderr(), "{summary}");
    if tally.invalid == 0 && tally.malformed == 0 {
        Outcome::Valid
    } else {
        Outcome::Invalid
    }
}

/// Checks one row; returns whether it is valid (`None`: malformed) and its JSON line.
fn check_row(row: u64, raw: RawRow, policy: &Policy, lang: Lang, unmasked: bool, today: Date) -> Line {
    let error_line = |error: &str| serde_json::to_string(&RowError { row, ok: false, error }).expect("plain JSON");
    let (inputs, region) = match raw {
        Ok(v) => v,
        Err(e) => return (None, error_line(&e)),
    };
    let v = match region {
        None => validate(&inputs, policy, today),
        Some(region) => match Region::parse_optional(&region) {
            Ok(default_region) => {
                let mut p = policy.clone();
                p.phone.default_region = default_region;
                validate(&inputs, &p, today)
            }
            Err(_) => return (None, error_line("unknown region")),
        },
    };
    let views = v.views(&inputs, lang, unmasked);
    let record = Record {
        row: Some(row),
        ok: v.ok(),
        fields: &views,
    };
    (Some(v.ok()), serde_json::to_string(&record).expect("plain JSON"))
}

fn csv_rows(reader: Box<dyn Read + Send>) -> anyhow::Result<Box<dyn Iterator<Item = RawRow> + Send>> {
    let mut csv = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
    let headers = csv.headers().map_err(|e| {
        UsageError::new(
            format!("cannot read the CSV header: {e}"),
            "the first line must name the columns",
        )
    })?;
    let columns: Vec<Column> = headers.iter().map(Column::of).collect();
    if !columns.iter().any(|c| matches!(c, Column::Field(_))) {
        return Err(UsageError::new(
            "the CSV header names none of the input columns",
            "name columns phone, email, card, expiry, cvv, id_number, name (and optionally region)",
        )
        .into());
    }
    let ignored: Vec<&str> = headers
        .iter()
        .zip(&columns)
        .filter(|(_, c)| matches!(c, Column::Ignored))
        .map(|(h, _)| h)
        .collect();
    if !ignored.is_empty() {
        let _ = writeln!(io::stderr(), "bindcheck: ignoring CSV columns: {}", ignored.join(", "));
    }
    Ok(Box::new(csv.into_records().map(move |record| {
        let record = record.map_err(|e| match e.kind() {
            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                format!("expected {expected_len} columns, found {len}")
            }
            csv::ErrorKind::Utf8 { .. } => "the row is not valid UTF-8".to_owned(),
            _ => "the row could not be read as CSV".to_owned(),
        })?;
        let mut inputs = Inputs::default();
        let mut region = None;
        for (value, col) in record.iter().zip(&columns) {
            match col {
                Column::Field(f) if !value.is_empty() => inputs.set(*f, Some(value.to_owned())),
                Column::Region => region = Some(value.to_owned()),
                _ => {}
            }
        }
        Ok((inputs, region))
    })))
}

fn jsonl_rows(reader: impl BufRead) -> impl Iterator<Item = RawRow> {
    reader
        .lines()
        .filter(|line| !matches!(line, Ok(l) if l.trim().is_empty()))
        .map(|line| {
            let line = line.map_err(|e| match e.kind() {
                io::ErrorKind::InvalidData => "the line is not valid UTF-8".to_owned(),
                _ => format!("the line could not be read: {}", e.kind()),
            })?;
            // serde_json's syntax errors give a position, never the text around it.
            let value: serde_json::Value = serde_json::from_str(&line)
                .map_err(|e| format!("not valid JSON ({} at column {})", json_problem(&e), e.column()))?;
            inputs_from_json(value, false).map_err(|e| e.to_string())
        })
}

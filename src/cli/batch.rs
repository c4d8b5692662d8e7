//! Batch mode: stream rows from CSV or JSONL (read by `bindcheck::batch`, every row
//! bounded), validate them on every core, write JSONL in input order. Rows are read and
//! checked a chunk at a time, so memory stays flat however long the input is.

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::fs::File;
use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::{ErrorKind, Outcome, UsageError};
use bindcheck::batch::{self, Chunk, Format, HeaderError, Parsed, Rows};
use bindcheck::validate::{validate_in_region, Date, Lang, Policy, Region};

/// Input formats of a batch file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Comma-separated values with a header row naming the columns.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl From<InputFormat> for Format {
    fn from(f: InputFormat) -> Format {
        match f {
            InputFormat::Csv => Format::Csv,
            InputFormat::Jsonl => Format::Jsonl,
        }
    }
}

/// Rows checked in parallel at a time: large enough to keep both cores busy...
const CHUNK: usize = 4096;
/// ... and the bytes of their text at most (CSV: of their values), so that a chunk of long
/// rows (each up to `batch::MAX_ROW_BYTES`) stays a few megabytes too.
const CHUNK_BYTES: usize = 4 << 20;

/// Rows checked as one task, into one buffer: small enough for both cores to share a chunk
/// evenly, large enough that a task's overhead is gone.
const TASK: usize = 256;

/// The rows of the input, as the reader thread takes them.
type Input = Rows<Box<dyn BufRead + Send>>;

/// The checked rows of one task as the writer gets them: their JSON lines, each ended by a
/// line feed, and how many were valid, had errors or were malformed.
#[derive(Default)]
struct Lines {
    text: Vec<u8>,
    tally: Tally,
}

/// A row that could not be checked: its position, the line it starts on, and why.
#[derive(Serialize)]
struct RowError<'a> {
    row: u64,
    line: u64,
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

impl Tally {
    /// Counts a row: valid or not, `None` when malformed.
    fn count(&mut self, ok: Option<bool>) {
        self.rows += 1;
        match ok {
            Some(true) => self.valid += 1,
            Some(false) => self.invalid += 1,
            None => self.malformed += 1,
        }
    }

    fn add(&mut self, other: &Tally) {
        self.rows += other.rows;
        self.valid += other.valid;
        self.invalid += other.invalid;
        self.malformed += other.malformed;
    }
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
    let (read, written) = pipeline(rows, &progress, policy, lang, unmasked, today);
    progress.finish_and_clear();
    let tally = written.map_err(super::write_failed(("cannot write the results", "无法写出结果")))?;
    read.map_err(|e| {
        UsageError::new(
            format!("cannot read the input after {} rows", tally.rows),
            "the rows before were checked and written; check the file or the command writing to bindcheck",
        )
        .zh(
            format!("读取 {} 行之后无法继续读取输入", tally.rows),
            "之前的行已检查并写出；请检查文件，或向 bindcheck 写入数据的命令",
        )
        .kind(ErrorKind::Data)
        .caused_by(e)
    })?;
    Ok(summarize(&tally, lang))
}

/// Opens `input` (`-`: standard input) and reads the CSV header; the format is `format`,
/// else the one the extension suggests.
fn open_rows(input: &str, format: Option<InputFormat>) -> anyhow::Result<Input> {
    let format = format.map_or_else(|| Format::of_path(Path::new(input)), Format::from);
    // Rows of up to 64 KiB are read through a buffer of that size.
    let reader: Box<dyn BufRead + Send> = if input == "-" {
        Box::new(BufReader::with_capacity(1 << 16, io::stdin()))
    } else {
        Box::new(BufReader::with_capacity(
            1 << 16,
            File::open(input).map_err(|e| {
                UsageError::new(
                    format!("cannot open the input file {input}: {e}"),
                    "check the path given to --input",
                )
                .zh(
                    format!("无法打开输入文件 {input}：{}", bindcheck::file::io_zh(&e)),
                    "请检查 --input 给出的路径",
                )
                .kind(ErrorKind::Data)
            })?,
        ))
    };
    Rows::new(reader, format).map_err(|e| header_error(e).into())
}

/// A CSV header that cannot be used, with what to do.
fn header_error(e: HeaderError) -> UsageError {
    let hint = match &e {
        HeaderError::UnknownColumns { .. } => "name only the columns phone, email, card, expiry, cvv, id_number, name \
             and region; remove the others (a misspelt column would leave its field unchecked)"
            .to_owned(),
        HeaderError::TooLong { .. } => format!(
            "the first line must name the columns; a row is at most {} KiB",
            batch::MAX_ROW_BYTES >> 10
        ),
        HeaderError::NoInputColumns => {
            "name columns phone, email, card, expiry, cvv, id_number, name (and optionally region)".to_owned()
        }
        _ => "the first line must name the columns".to_owned(),
    };
    let hint_zh = match &e {
        HeaderError::UnknownColumns { .. } => {
            "只写 `phone`、`email`、`card`、`expiry`、`cvv`、`id_number`、`name` 和 `region` 这些列，\
             删去其他列（拼错的列名会让那一项不被检查）"
                .to_owned()
        }
        HeaderError::TooLong { .. } => format!("第一行必须是列名；每行最多 {} KiB", batch::MAX_ROW_BYTES >> 10),
        HeaderError::NoInputColumns => {
            "请写出 `phone`、`email`、`card`、`expiry`、`cvv`、`id_number`、`name` 这些列（`region` 可选）".to_owned()
        }
        _ => "第一行必须是列名".to_owned(),
    };
    let usage = UsageError::new(e.to_string(), hint)
        .zh(e.zh(), hint_zh)
        .kind(ErrorKind::Data);
    match e {
        HeaderError::Read(io) => usage.caused_by(io),
        _ => usage,
    }
}

/// Rows per second as people read a rate: whole rows, thousands grouped (`59,473 rows/s`).
fn rate(per_sec: f64) -> String {
    let whole = if per_sec.is_finite() && per_sec > 0.0 {
        per_sec.round() as u64
    } else {
        0
    };
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} rows/s")
}

/// A spinner with the row count and rate on a terminal; hidden otherwise.
fn progress_bar() -> ProgressBar {
    if io::stderr().is_terminal() {
        let bar = ProgressBar::new_spinner();
        // indicatif's own {per_sec} prints every digit it has ("59,473.1742/s").
        let style = ProgressStyle::with_template("{spinner} {pos} rows ({rate}) {elapsed}")
            .expect("template")
            .with_key("rate", |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&rate(state.per_sec()));
            });
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        bar
    } else {
        ProgressBar::hidden()
    }
}

/// Reads, checks and writes every row, and counts them.
///
/// Three stages overlap: a reader thread cuts the next chunk out of the input while the rows
/// of this one are read (JSON lines: parsed) and checked on every core, and a writer thread
/// writes the previous one. Bounded channels keep at most a few chunks in memory, and pass
/// the emptied ones back to be filled again ([`Spares`]). Returns how reading ended and
/// what was written.
fn pipeline(
    rows: Input,
    progress: &ProgressBar,
    policy: &Policy,
    lang: Lang,
    unmasked: bool,
    today: Date,
) -> (io::Result<()>, io::Result<Tally>) {
    let (chunk_tx, chunk_rx) = mpsc::sync_channel::<Chunk>(1);
    let (line_tx, line_rx) = mpsc::sync_channel::<Checked>(1);
    let (chunks, spare_chunks) = Spares::new();
    let (lines, spare_lines) = Spares::new();
    let checker = Checker {
        policy,
        lang,
        unmasked,
        today,
    };
    std::thread::scope(|scope| {
        let reader = scope.spawn(move || read_chunks(rows, chunk_tx, &spare_chunks));
        let bar = progress.clone();
        let writer = scope.spawn(move || write_lines(line_rx, bar, &lines));
        checker.check_chunks(chunk_rx, line_tx, &chunks, &spare_lines);
        let failed = |what: &str| io::Error::other(format!("the {what} thread failed"));
        (
            reader.join().unwrap_or_else(|_| Err(failed("reader"))),
            writer.join().unwrap_or_else(|_| Err(failed("writer"))),
        )
    })
}

/// Emptied buffers on their way back to the stage that fills them: a chunk's rows to the
/// reader, a chunk's lines to the checking stage. A stage takes a spare when there is one
/// and makes a new buffer when there is none, and a buffer with no room left among the
/// spares is dropped; so none waits on another, and a steady batch allocates no buffer
/// per chunk (before, growing them from empty and freeing them was much of the
/// allocator's time: `realloc`, `memmove`, `malloc_consolidate`).
struct Spares<B>(mpsc::Receiver<B>);

/// The sending end of [`Spares`].
struct Returns<B>(mpsc::SyncSender<B>);

impl<B> Spares<B> {
    /// Room for two spares: with one chunk being filled, one in a channel and one being
    /// emptied, that is enough for the next two.
    fn new() -> (Returns<B>, Spares<B>) {
        let (tx, rx) = mpsc::sync_channel(2);
        (Returns(tx), Spares(rx))
    }

    /// A spare buffer, or a new one made by `new`.
    fn take(&self, new: impl FnOnce() -> B) -> B {
        self.0.try_recv().unwrap_or_else(|_| new())
    }
}

impl<B> Returns<B> {
    /// Passes `buffer` back, unless the spares are full.
    fn give(&self, buffer: B) {
        let _ = self.0.try_send(buffer);
    }
}

/// The reader stage: sends the rows a chunk at a time (at most `CHUNK` rows, and not much
/// more than `CHUNK_BYTES` of text) until they run out, the input fails, or the checking
/// stage stops. JSON lines are only cut here, and read in the checking stage.
fn read_chunks(mut rows: Input, chunk_tx: mpsc::SyncSender<Chunk>, spares: &Spares<Chunk>) -> io::Result<()> {
    loop {
        let mut chunk = spares.take(Chunk::default);
        chunk.clear();
        let read = rows.read_chunk(&mut chunk, CHUNK, CHUNK_BYTES);
        // The rows read before a failure are still checked and written.
        let stopped = chunk.is_empty() || chunk_tx.send(chunk).is_err();
        read?;
        if stopped {
            return Ok(());
        }
    }
}

/// The room a task's buffer starts with: a phone row's line is about 300 bytes.
const TASK_BYTES: usize = TASK * 384;

/// A task's buffer kept for the next chunk only up to this size, so that the spares hold
/// at most 2 x 16 x 256 KiB = 8 MiB: a task of long rows (up to `batch::MAX_ROW_BYTES`
/// each) does not keep its megabytes.
const SPARE_TASK_BYTES: usize = 256 << 10;

/// How every row of a batch is checked and shown.
#[derive(Clone, Copy)]
struct Checker<'a> {
    policy: &'a Policy,
    lang: Lang,
    unmasked: bool,
    today: Date,
}

impl Checker<'_> {
    /// The checking stage: checks each chunk's rows on every core, a task of `TASK` rows at
    /// a time, numbering them from 1, and passes their lines on in input order. A chunk's
    /// tasks are started as soon as the writer is waiting for the chunk before, so a core
    /// that is done with one chunk's tasks takes the next one's instead of waiting for the
    /// other core's last task (a pause at every chunk, before). Returning drops `line_tx`,
    /// which ends the writer.
    fn check_chunks(
        &self,
        chunk_rx: mpsc::Receiver<Chunk>,
        line_tx: mpsc::SyncSender<Checked>,
        chunks: &Returns<Chunk>,
        spare_lines: &Spares<Vec<Lines>>,
    ) {
        let mut first = 1u64;
        rayon::in_place_scope(|scope| {
            for chunk in chunk_rx {
                let n = chunk.len();
                let mut lines = spare_lines.take(|| Vec::with_capacity(CHUNK.div_ceil(TASK)));
                lines.resize_with(n.div_ceil(TASK), || Lines {
                    text: Vec::with_capacity(TASK_BYTES),
                    tally: Tally::default(),
                });
                let (checked_tx, checked) = mpsc::sync_channel(1);
                // Waits while the writer has a chunk still to come before this one's: at
                // most two chunks are checked at a time. The writer stopped (a closed
                // pipe): stop reading too.
                if line_tx.send(checked).is_err() {
                    break;
                }
                scope.spawn(move |_| {
                    lines.par_iter_mut().enumerate().for_each(|(t, lines)| {
                        lines.text.clear();
                        lines.tally = Tally::default();
                        let start = t * TASK;
                        let mut number = first + start as u64;
                        chunk.for_each(start..n.min(start + TASK), |row| {
                            self.check_row(number, row, lines);
                            number += 1;
                        });
                    });
                    // Emptied by the reader, so that no checking task frees a CSV chunk's
                    // values.
                    chunks.give(chunk);
                    let _ = checked_tx.send(lines);
                });
                first += n as u64;
            }
        });
    }
}

/// A chunk's lines as the writer waits for them: from the tasks that check it.
type Checked = mpsc::Receiver<Vec<Lines>>;

/// The writer stage: writes every line to standard output, counting the rows and moving the
/// progress bar a chunk at a time.
fn write_lines(line_rx: mpsc::Receiver<Checked>, bar: ProgressBar, spares: &Returns<Vec<Lines>>) -> io::Result<Tally> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut tally = Tally::default();
    for checked in line_rx {
        // No lines: a checking task panicked, which the checking stage reports.
        let Ok(mut chunk) = checked.recv() else {
            break;
        };
        for lines in &chunk {
            tally.add(&lines.tally);
            out.write_all(&lines.text)?;
        }
        bar.set_position(tally.rows);
        chunk.retain(|lines| lines.text.capacity() <= SPARE_TASK_BYTES);
        spares.give(chunk);
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

impl Checker<'_> {
    /// Checks one row and appends its JSON line to `lines`, counting it.
    fn check_row(&self, row: u64, parsed: &Parsed, lines: &mut Lines) {
        let line = parsed.line;
        let mut error_line = |error: &str| {
            let e = RowError {
                row,
                line,
                ok: false,
                error,
            };
            lines.tally.count(None);
            serde_json::to_writer(&mut lines.text, &e).expect("plain JSON");
            lines.text.push(b'\n');
        };
        let (inputs, region) = match &parsed.row {
            Ok(v) => v,
            Err(e) => return error_line(&e.to_string()),
        };
        let region = match region.as_deref().map(Region::parse_optional) {
            None => self.policy.phone.default_region,
            Some(Ok(region)) => region,
            Some(Err(_)) => return error_line("unknown region"),
        };
        let v = validate_in_region(inputs, self.policy, region, self.today);
        let ok = v.ok();
        lines.tally.count(Some(ok));
        batch::write_record(&mut lines.text, row, ok, &v.views_ref(inputs, self.lang, self.unmasked));
        lines.text.push(b'\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_whole_rows_with_grouped_thousands() {
        assert_eq!(rate(59_473.174_2), "59,473 rows/s");
        assert_eq!(rate(999.6), "1,000 rows/s");
        assert_eq!(rate(12.0), "12 rows/s");
        assert_eq!(rate(1_234_567.0), "1,234,567 rows/s");
        assert_eq!(rate(f64::NAN), "0 rows/s");
        assert_eq!(rate(-3.0), "0 rows/s");
    }

    mod failing {
        include!(concat!(env!("CARGO_MANIFEST_DIR"), "/src/testing/failing.rs"));
    }
    use failing::Failing;

    #[test]
    fn the_rows_before_a_read_failure_are_passed_on() {
        let reader: Box<dyn BufRead + Send> = Box::new(BufReader::new(Failing(b"phone\n1\n2\n3\n")));
        let rows = Rows::new(reader, Format::Csv).unwrap();
        let (tx, rx) = mpsc::sync_channel(4);
        let e = read_chunks(rows, tx, &Spares::new().1).unwrap_err();
        assert_eq!(e.to_string(), "the disk went away");
        let mut lines = Vec::new();
        for chunk in rx.iter() {
            chunk.for_each(0..chunk.len(), |p| lines.push(p.line));
        }
        assert_eq!(lines, [2, 3, 4]);
    }
}

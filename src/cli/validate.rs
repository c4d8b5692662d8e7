//! `bindcheck validate`: check one set of form inputs, or a batch file of them.

use clap::{Args, ValueEnum};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::args::{InputArgs, ValueError};
use super::batch::{self, InputFormat};
use super::{render, resolve_lang, secret, ErrorKind, Outcome, UsageError};
use bindcheck::file;
use bindcheck::profile::MAX_BIN_TABLE_BYTES;
use bindcheck::report::today_utc as today;
use bindcheck::validate::{
    validate, BinTable, Brand, CardPolicy, EmailPolicy, Field, Inputs, Lang, PhoneOptions, PhoneRanges, Policy, Region,
    SegmentPolicy, UnionpayLuhn,
};

/// Output formats of `validate`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A readable report (the default for one set of inputs).
    Text,
    /// One JSON document (JSONL, one object per row, in batch mode).
    Json,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck validate --phone '138 0013 8000' --email zhang@qq.con\n  \
BINDCHECK_CARD=6222021234567890128 bindcheck validate --expiry 12/29 --lang zh-CN   (card from the environment)\n  \
bindcheck validate --card - --cvv -          (prompts for both without echoing them)\n  \
bindcheck validate --input people.csv > results.jsonl\n\n\
Every value can be `-` (read a line from standard input, or a hidden prompt on a terminal),\n\
or come from BINDCHECK_PHONE, BINDCHECK_EMAIL, BINDCHECK_CARD, BINDCHECK_EXPIRY, BINDCHECK_CVV,\n\
BINDCHECK_ID_NUMBER or BINDCHECK_NAME when its flag is absent.\n\n\
Exit codes: 0 every value is valid (warnings allowed), 2 a value is invalid or a batch row\n\
malformed, 64 usage error, 65 unreadable input, 74 unwritable output, 78 unreadable BIN table\n\
or phone ranges (one table for every command: docs/guide.md).")]
pub struct ValidateArgs {
    #[command(flatten)]
    fields: InputArgs,

    /// Region for phone numbers written without a country code; `none` requires + or 00.
    #[arg(long, value_name = "CN|none", default_value = "CN", value_parser = parse_region)]
    region: DefaultRegion,
    /// Accept phone numbers from these regions only (repeat or comma-separate).
    #[arg(long = "allow-region", value_name = "REGION", value_delimiter = ',', value_parser = parse_allowed_region)]
    allow_regions: Vec<Region>,
    /// Accept these card brands only, e.g. unionpay,visa (repeat or comma-separate).
    #[arg(long = "allow-brand", value_name = "BRAND", value_delimiter = ',')]
    allow_brands: Vec<Brand>,
    /// CSV of supported card prefixes: prefix,issuer,kind (kind: debit, credit, prepaid), or
    /// the columns a header line names: prefix,issuer,issuer_zh,kind,country,brands.
    #[arg(long, value_name = "FILE")]
    bin_table: Option<PathBuf>,
    /// CSV of phone ranges over the bundled data: prefix,type,carrier,carrier_zh,segment.
    #[arg(long, value_name = "FILE")]
    phone_ranges: Option<PathBuf>,
    /// A virtual operator's number (170x, 171, 162, 165, 167): allow, warn or reject.
    #[arg(long, value_name = "POLICY", default_value = "warn", value_parser = parse_segment_policy)]
    virtual_operator: SegmentPolicy,
    /// A UnionPay card failing the check digit: a warning (a few real cards do), or an
    /// error (some processors refuse them).
    #[arg(long, value_name = "warn|error", default_value = "warn", value_parser = parse_unionpay_luhn)]
    unionpay_luhn: UnionpayLuhn,

    /// Language of messages: en or zh-CN (default: from LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<Lang>,
    /// Output format (default: text; JSONL in batch mode).
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Show personal values in full instead of masked. Never paste such output anywhere.
    #[arg(long)]
    unmasked: bool,

    /// Batch mode: a CSV or JSONL file of inputs, or `-` for standard input.
    #[arg(long, value_name = "FILE|-")]
    input: Option<String>,
    /// Format of --input (default: from the file extension, else csv).
    #[arg(long, value_enum, requires = "input")]
    input_format: Option<InputFormat>,
}

impl ValidateArgs {
    fn inputs(&self) -> Inputs {
        self.fields.inputs()
    }

    fn policy(&self) -> Result<Policy, UsageError> {
        let bin_table = match &self.bin_table {
            None => None,
            Some(path) => Some(data_file(path, "--bin-table", ("BIN table", "BIN 表"), |text| {
                BinTable::parse(text).map_err(|e| DataError {
                    line: e.line,
                    problem: (e.problem.to_string(), e.problem.zh()),
                    hint: (e.hint(), e.hint_zh()),
                })
            })?),
        };
        let ranges = match &self.phone_ranges {
            None => None,
            Some(path) => Some(Arc::new(data_file(
                path,
                "--phone-ranges",
                ("phone ranges file", "号段文件"),
                |text| {
                    PhoneRanges::parse(text).map_err(|e| DataError {
                        line: e.line,
                        problem: (e.problem.to_string(), e.problem.zh()),
                        hint: (e.hint(), e.hint_zh()),
                    })
                },
            )?)),
        };
        Ok(Policy {
            phone: PhoneOptions {
                default_region: self.region.0,
                allowed_regions: (!self.allow_regions.is_empty()).then(|| self.allow_regions.clone()),
                require_mobile: true,
                virtual_operator: self.virtual_operator,
                ranges,
            },
            email: EmailPolicy::default(),
            card: CardPolicy {
                allowed_brands: (!self.allow_brands.is_empty()).then(|| self.allow_brands.clone()),
                bin_table,
                allowed_kinds: None,
                unionpay_luhn: self.unionpay_luhn,
            },
        })
    }
}

fn parse_segment_policy(value: &str) -> Result<SegmentPolicy, ValueError> {
    SegmentPolicy::parse(value).ok_or_else(|| {
        ValueError::new(
            ("not a policy", "不是可用的策略"),
            ("use `allow`, `warn` or `reject`", "请用 `allow`、`warn` 或 `reject`"),
        )
    })
}

/// A data file a flag names (`--bin-table`, `--phone-ranges`): read (a regular file of at
/// most [`MAX_BIN_TABLE_BYTES`]) and parsed by `parse`, whose error is the line, what is wrong
/// there and what to do. `what` names the file in the error, and as the subject of the hint.
/// A data file's line that cannot be read: which, what is wrong and what to do, each in
/// English and Chinese.
struct DataError {
    line: usize,
    problem: (String, String),
    hint: (&'static str, &'static str),
}

/// A CSV data file given by `flag`: read (at most [`MAX_BIN_TABLE_BYTES`]) and parsed. `what`
/// names it in English and Chinese.
fn data_file<T>(
    path: &Path,
    flag: &str,
    what: (&str, &str),
    parse: impl FnOnce(&str) -> Result<T, DataError>,
) -> Result<T, UsageError> {
    let mib = MAX_BIN_TABLE_BYTES >> 20;
    let text = file::read_text(path, MAX_BIN_TABLE_BYTES).map_err(|e| {
        UsageError::new(
            format!("cannot read the {}", what.0),
            format!("check the path given to {flag}: it is a CSV file of at most {mib} MiB"),
        )
        .zh(
            format!("无法读取{}", what.1),
            format!("请检查 {flag} 给出的路径：它是不超过 {mib} MiB 的 CSV 文件"),
        )
        .kind(ErrorKind::Config)
        .caused_by(e)
    })?;
    parse(&text).map_err(|DataError { line, problem, hint }| {
        let shown = path.display();
        UsageError::new(format!("{shown}:{line}: {}", problem.0), hint.0)
            .zh(format!("{shown} 第 {line} 行：{}", problem.1), hint.1)
            .kind(ErrorKind::Config)
    })
}

/// A `--region` value: a known region code, or `none` (and empty) for no default region.
#[derive(Debug, Clone, Copy)]
struct DefaultRegion(Option<Region>);

fn parse_region(value: &str) -> Result<DefaultRegion, ValueError> {
    Region::parse_optional(value)
        .map(DefaultRegion)
        .map_err(|_| unknown_region())
}

/// An `--allow-region` value.
fn parse_allowed_region(value: &str) -> Result<Region, ValueError> {
    value.parse().map_err(|_| unknown_region())
}

/// A `--unionpay-luhn` value.
fn parse_unionpay_luhn(value: &str) -> Result<UnionpayLuhn, ValueError> {
    UnionpayLuhn::parse(value).ok_or_else(|| {
        ValueError::new(
            (
                "not a severity for a UnionPay card whose check digit fails",
                "不是银联卡校验位不符时可用的级别",
            ),
            ("use `warn` or `error`", "请用 `warn` 或 `error`"),
        )
    })
}

/// Not repeating the value: a card number pasted into the wrong flag must not reach a log.
fn unknown_region() -> ValueError {
    ValueError::new(
        ("unknown region", "未知的地区代码"),
        (
            "use a two-letter region code such as CN, HK, MO, TW or US, or `none`",
            "请写两位地区代码，例如 CN、HK、MO、TW 或 US，或者 `none`",
        ),
    )
}

pub fn run(args: ValidateArgs) -> anyhow::Result<Outcome> {
    let lang = resolve_lang(args.lang);
    let policy = args.policy()?;
    let today = today();
    if let Some(input) = &args.input {
        let given: Vec<String> = Field::ALL
            .iter()
            .filter(|f| args.inputs().get(**f).is_some())
            .map(|f| secret::flag(*f))
            .collect();
        if !given.is_empty() {
            return Err(UsageError::new(
                format!("--input cannot be combined with {}", given.join(", ")),
                "put every value in the batch file, or drop --input to check one set",
            )
            .into());
        }
        if args.format == Some(Format::Text) {
            return Err(UsageError::new(
                "batch mode writes JSONL only",
                "drop --format text, or use --format json",
            )
            .into());
        }
        return batch::run(input, args.input_format, &policy, lang, args.unmasked, today);
    }

    let mut inputs = args.inputs();
    secret::resolve(&mut inputs, lang).map_err(|e| e.kind(ErrorKind::Data))?;
    if inputs.is_empty() {
        return Err(UsageError::new(
            "nothing to check",
            "give at least one of --phone, --email, --card, --expiry, --cvv, --id-number, --name, or --input FILE",
        )
        .into());
    }
    let v = validate(&inputs, &policy, today);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format.unwrap_or(Format::Text) {
        Format::Text => render::text(
            &mut out,
            &v,
            &inputs,
            lang,
            args.unmasked,
            super::term::paint_for(&io::stdout()),
        ),
        Format::Json => render::json(&mut out, &v, &inputs, lang, args.unmasked),
    }
    .and_then(|()| out.flush())
    .map_err(super::write_failed(("cannot write the report", "无法写出报告")))?;
    Ok(if v.ok() { Outcome::Valid } else { Outcome::Invalid })
}

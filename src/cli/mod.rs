//! The command line: clap arguments, one file per subcommand, and the mapping of outcomes
//! to exit codes. Only this layer prints, reads the environment or the clock.

mod args;
mod batch;
mod check;
mod explain;
mod generate;
mod help_zh;
mod init;
mod probe;
mod render;
mod secret;
mod serve;
mod term;
mod trace;
mod validate;

use clap::{Parser, Subcommand};
use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use bindcheck::validate::Lang;

/// `bindcheck --version`: the version, and the versions of the data its answers rest on.
static LONG_VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let data = bindcheck::validate::Policy::default().data_versions();
    format!(
        "{}\nphone metadata: {}\ncarrier data: {}\ncard brands: {}",
        env!("CARGO_PKG_VERSION"),
        data.phone_metadata,
        data.carriers,
        data.card_brands
    )
});

/// Finds why a digital-wallet bind will fail, before you try it.
///
/// bindcheck checks what people type into a bind form (phone, email, bank card, expiry,
/// security code, ID number, name) and the network path to the wallet's servers, says whether
/// a bind will work, and what to do if not, in English or Simplified Chinese. Personal data is
/// masked in every output unless you pass --unmasked.
#[derive(Debug, Parser)]
#[command(name = "bindcheck", version, long_version = LONG_VERSION.as_str(), about, long_about, propagate_version = true)]
#[command(after_help = "Start with: bindcheck check --phone '138 0013 8000' --card -\n\
Exit codes, the same for every command: 0 nothing wrong, 1 warnings with --fail-on warning,\n\
2 what was checked fails, 64 usage, 65 input, 74 output, 78 configuration (docs/guide.md).\n\
Docs: docs/guide.md (usage), docs/codes.md (every finding code).")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Will a bind work? Check the inputs and the wallet's endpoints; a verdict, and what to do.
    Check(Box<check::CheckArgs>),
    /// Check form inputs: phone, email, card, expiry, CVV, ID number, name (one set, or a batch file).
    Validate(validate::ValidateArgs),
    /// Probe wallet endpoints: DNS, TCP, TLS, HTTP timings, loss and jitter, clock skew.
    Probe(probe::ProbeArgs),
    /// Explain a finding code or a wallet's error prompt (绑定失败, "System busy"...).
    Explain(explain::ExplainArgs),
    /// Trace the path to an endpoint hop by hop: where packets are lost (Linux, unprivileged).
    Trace(trace::TraceArgs),
    /// Serve the validators over HTTP and probe endpoints for Prometheus (like blackbox_exporter).
    Serve(serve::ServeArgs),
    /// Write a commented starter profile to edit.
    Init(init::InitArgs),
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions(generate::CompletionsArgs),
    /// Write the man pages (roff): `bindcheck man --dir /usr/local/share/man/man1`.
    Man(generate::ManArgs),
}

/// What a run ended with, mapped to the exit code. One scheme for every command
/// (docs/guide.md, "Exit codes"): 0 nothing wrong, 1 only warnings that `--fail-on warning`
/// fails on, 2 what was checked fails, and sysexits.h's codes for errors ([`ErrorKind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing checked fails (warnings allowed): 0.
    Valid,
    /// Only warnings, and the user asked to fail on them: 1.
    Warnings,
    /// What was checked fails: an invalid value, a blocked check, a failing endpoint or
    /// path, nothing found to explain: 2.
    Invalid,
}

impl Outcome {
    fn code(self) -> u8 {
        match self {
            Outcome::Valid => 0,
            Outcome::Warnings => 1,
            Outcome::Invalid => 2,
        }
    }
}

/// What kind of problem stopped a run, each with its sysexits.h code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad arguments: 64, EX_USAGE.
    Usage,
    /// Unreadable input data (an input file, standard input): 65, EX_DATAERR.
    Data,
    /// An output that cannot be written: 74, EX_IOERR.
    Io,
    /// A bad profile or configuration (CA file, BIN table, phone ranges, listen address): 78,
    /// EX_CONFIG.
    Config,
}

impl ErrorKind {
    fn code(self) -> u8 {
        match self {
            ErrorKind::Usage => 64,
            ErrorKind::Data => 65,
            ErrorKind::Io => 74,
            ErrorKind::Config => 78,
        }
    }
}

/// A problem with how bindcheck was called or with its input: printed as `error:`, the
/// causes, and a `hint:` line.
#[derive(Debug)]
pub struct UsageError {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: String,
    /// The message and hint for Chinese readers ([`UsageError::zh`]).
    pub zh: Option<(String, String)>,
    /// What went wrong underneath, printed as `caused by:` lines.
    pub source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl UsageError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> UsageError {
        UsageError {
            kind: ErrorKind::Usage,
            message: message.into(),
            hint: hint.into(),
            zh: None,
            source: None,
        }
    }

    /// The same error, with its message and hint in Chinese for `--lang zh-CN`.
    pub fn zh(mut self, message: impl Into<String>, hint: impl Into<String>) -> UsageError {
        self.zh = Some((message.into(), hint.into()));
        self
    }

    /// The error as printed for a reader of `lang`: `error: ...`, the causes, `hint: ...`.
    fn render(&self, lang: Lang) -> String {
        format!("{}{}", labels(lang).error, self.body(lang))
    }

    /// The message, the causes and the hint, in `lang` (English without a translation).
    fn body(&self, lang: Lang) -> String {
        let (message, hint) = match (&self.zh, lang) {
            (Some((m, h)), Lang::ZhCn) => (m.as_str(), h.as_str()),
            _ => (self.message.as_str(), self.hint.as_str()),
        };
        let w = labels(lang);
        let mut out = message.to_owned();
        for cause in self.causes() {
            out.push_str(&format!("\n  {}{}", w.caused_by, cause_in(cause, lang)));
        }
        out.push_str(&format!("\n{}{hint}", w.hint));
        out
    }

    /// The same error, of another kind.
    pub fn kind(mut self, kind: ErrorKind) -> UsageError {
        self.kind = kind;
        self
    }

    /// The same error, with what caused it.
    pub fn caused_by(mut self, source: impl std::error::Error + Send + Sync + 'static) -> UsageError {
        self.source = Some(Box::new(source));
        self
    }

    /// The causes, outermost first.
    fn causes(&self) -> impl Iterator<Item = &(dyn std::error::Error + 'static)> {
        let first = self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static));
        std::iter::successors(first, |e| e.source())
    }
}

/// A cause of an error for a reader of `lang`. In Chinese, bindcheck's own errors and the
/// operating system's say it in Chinese; another library's English words are marked as
/// quoted from it (`原文：`), so a reader knows they are not bindcheck's.
/// The zone times are shown in: `TZ`, or /etc/localtime, or UTC, as jiff's
/// `TimeZone::system` reads them. Without `TZ`, /etc/localtime is read here, bounded: jiff
/// would name the zone from the file's link and then list the whole zoneinfo tree to look the
/// name up (44 directory reads, about a tenth of a loopback `check`; docs/performance.md),
/// where the file is already the zone. The name is taken from the link as jiff takes it.
pub(crate) fn local_zone() -> bindcheck::report::time::TimeZone {
    use bindcheck::report::time::TimeZone;
    use std::io::Read;
    const LOCALTIME: &str = "/etc/localtime";
    if std::env::var_os("TZ").is_none() {
        let mut data = Vec::new();
        let read = std::fs::File::open(LOCALTIME).and_then(|f| f.take(1 << 20).read_to_end(&mut data));
        if read.is_ok() {
            let link = std::fs::read_link(LOCALTIME).ok();
            let name = link
                .as_deref()
                .and_then(|p| p.to_str())
                .and_then(|p| p.split_once("zoneinfo/"))
                .map_or("Local", |(_, name)| name);
            if let Ok(tz) = TimeZone::tzif(name, &data) {
                return tz;
            }
        }
    }
    TimeZone::system()
}

fn cause_in(cause: &(dyn std::error::Error + 'static), lang: Lang) -> String {
    if lang == Lang::En {
        return cause.to_string();
    }
    if let Some(e) = cause.downcast_ref::<bindcheck::file::FileError>() {
        return e.zh();
    }
    if let Some(e) = cause.downcast_ref::<io::Error>() {
        return bindcheck::file::io_zh(e);
    }
    if let Some(e) = cause.downcast_ref::<bindcheck::check::PlanError>() {
        return e.zh();
    }
    if let Some(e) = cause.downcast_ref::<bindcheck::probe::BuildError>() {
        return e.zh();
    }
    if let Some(e) = cause.downcast_ref::<bindcheck::probe::TlsSetupError>() {
        return e.zh();
    }
    if let Some(e) = cause.downcast_ref::<bindcheck::probe::AppError>() {
        return e.zh();
    }
    if let Some(e) = cause.downcast_ref::<bindcheck::batch::HeaderError>() {
        return e.zh();
    }
    if let Some(e) = cause.downcast_ref::<UsageError>() {
        return e.body(lang);
    }
    format!("原文：{cause}")
}

/// An output that cannot be written (exit code 74): `what` in English and Chinese, such as
/// ("cannot write the report", "无法写出报告").
pub(crate) fn write_failed(what: (&'static str, &'static str)) -> impl FnOnce(io::Error) -> UsageError {
    move |e| {
        UsageError::new(
            what.0,
            "check that the output can be written: the disk, the file, the pipe or the terminal",
        )
        .zh(what.1, "请检查输出能否写入：磁盘、文件、管道或终端")
        .kind(ErrorKind::Io)
        .caused_by(e)
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.body(Lang::En))
    }
}

impl std::error::Error for UsageError {}

/// The words around an error: `error: `, `caused by: `, `hint: `.
struct Labels {
    error: &'static str,
    caused_by: &'static str,
    hint: &'static str,
    more: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::En => Labels {
            error: "error: ",
            caused_by: "caused by: ",
            hint: "hint: ",
            more: "For more information, try '--help'.",
        },
        Lang::ZhCn => Labels {
            error: "错误：",
            caused_by: "原因：",
            hint: "建议：",
            more: "更多信息请运行 --help。",
        },
    }
}

/// The language errors are printed in, read before the command line is parsed (a bad
/// command line has no parsed `--lang`): `--lang X` or `--lang=X` anywhere, else the locale.
fn language_of_args(args: &[String]) -> Lang {
    let flag = args
        .iter()
        .enumerate()
        .find_map(|(i, a)| match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1).cloned(),
            Some(rest) => rest.strip_prefix('=').map(str::to_owned),
            None => None,
        });
    // A value bindcheck has no messages for (`--lang fr`) is the error being reported; it is
    // reported in the locale's language.
    resolve_lang(flag.and_then(|f| f.parse().ok()))
}

/// clap's message for a bad command line, without the values given: clap repeats a value it
/// refuses, or an argument it does not know, and a card number pasted into the wrong place
/// must not reach a terminal log. `None` for help and version, which are printed as they are.
fn without_values(e: &clap::Error, lang: Lang) -> Option<String> {
    use clap::error::{ContextKind, ContextValue, ErrorKind as Clap};
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    if matches!(
        e.kind(),
        Clap::DisplayHelp | Clap::DisplayVersion | Clap::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        return None;
    }
    if lang == Lang::ZhCn {
        return Some(clap_error_zh(e));
    }
    let message = match e.kind() {
        Clap::InvalidValue | Clap::ValueValidation => {
            let arg = context(ContextKind::InvalidArg).unwrap_or_else(|| "an argument".to_owned());
            let (why, hint) = match value_error(e) {
                Some(v) => (format!(": {}", v.problem(lang)), Some(v.hint(lang).to_owned())),
                // Not one of ours (clap's own range checks): its words, with digits masked.
                None => (
                    std::error::Error::source(e)
                        .map(|s| format!(": {}", mask_digits_and_emails(&s.to_string())))
                        .unwrap_or_default(),
                    context(ContextKind::ValidValue).map(|v| format!("use one of {v}")),
                ),
            };
            let hint = hint.map(|h| format!("\nhint: {h}")).unwrap_or_default();
            format!("error: the value given for '{arg}' is not valid{why}{hint}")
        }
        Clap::UnknownArgument => {
            let hint = context(ContextKind::SuggestedArg)
                .map(|s| format!("\nhint: did you mean '{s}'?"))
                .unwrap_or_default();
            format!("error: an argument that bindcheck does not know was given{hint}")
        }
        _ => return Some(mask_digits_and_emails(&e.render().to_string())),
    };
    Some(format!("{message}\n\n{}", labels(Lang::En).more))
}

/// clap's error in Chinese, without the values given (as [`without_values`]): the argument
/// by its flag, what is wrong with it, and a hint.
fn clap_error_zh(e: &clap::Error) -> String {
    use clap::error::{ContextKind, ContextValue, ErrorKind as Clap};
    let context = |kind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join("、")),
        _ => None,
    };
    let invalid = context(ContextKind::InvalidArg).unwrap_or_else(|| "参数".to_owned());
    // `--deadline <DUR>`: the flag, without its value's name.
    let arg = invalid.split(" <").next().unwrap_or_default().to_owned();
    let (message, hint) = match e.kind() {
        Clap::InvalidValue | Clap::ValueValidation => match value_error(e) {
            Some(v) => (format!("{arg} 的值无效：{}", v.problem(Lang::ZhCn)), v.hint(Lang::ZhCn).to_owned()),
            None => (
                format!("{arg} 的值无效"),
                match context(ContextKind::ValidValue) {
                    Some(valid) => format!("可用的值：{valid}"),
                    None => value_hint_zh(&invalid),
                },
            ),
        },
        Clap::UnknownArgument => (
            "给出了 bindcheck 不认识的参数".to_owned(),
            match context(ContextKind::SuggestedArg) {
                Some(s) => format!("是不是 {s}？"),
                None => "运行 --help 查看可用的参数".to_owned(),
            },
        ),
        Clap::InvalidSubcommand => (
            "没有这个子命令".to_owned(),
            match context(ContextKind::SuggestedSubcommand) {
                Some(s) => format!("是不是 `{s}`？"),
                None => {
                    "可用的子命令：`check`、`validate`、`probe`、`explain`、`trace`、`serve`、`init`、`completions`、`man`".to_owned()
                }
            },
        ),
        Clap::MissingRequiredArgument => (format!("缺少必需的参数：{arg}"), "请补上这个参数".to_owned()),
        Clap::MissingSubcommand => (
            "缺少子命令".to_owned(),
            "例如：`bindcheck check --phone '138 0013 8000'`".to_owned(),
        ),
        Clap::ArgumentConflict => (
            format!("{arg} 不能与其他给出的参数同时使用"),
            "请只保留其中一个".to_owned(),
        ),
        Clap::NoEquals => (format!("{arg} 的值要用 = 连接"), format!("例如：{arg}=值")),
        Clap::TooManyValues | Clap::TooFewValues | Clap::WrongNumberOfValues => (
            format!("{arg} 的值个数不对"),
            "运行 --help 查看这个参数的写法".to_owned(),
        ),
        _ => ("命令行参数有误".to_owned(), "运行 --help 查看用法".to_owned()),
    };
    let w = labels(Lang::ZhCn);
    format!("{}{message}\n{}{hint}\n\n{}", w.error, w.hint, w.more)
}

/// The error of one of bindcheck's own value parsers, when it is one.
fn value_error(e: &clap::Error) -> Option<&args::ValueError> {
    std::error::Error::source(e).and_then(|s| s.downcast_ref::<args::ValueError>())
}

/// What a value of `arg` (clap's `--flag <NAME>`) looks like, in Chinese, for the values
/// clap checks itself (bindcheck's own parsers say it with a [`args::ValueError`]).
fn value_hint_zh(arg: &str) -> String {
    let name = arg.rsplit('<').next().unwrap_or_default().trim_end_matches('>');
    match name {
        "N" => "请写一个在允许范围内的整数".to_owned(),
        "LANG" => "可用的语言：en、zh-CN".to_owned(),
        _ => "运行 --help 查看这个参数的写法".to_owned(),
    }
}

/// `text` with every run of seven or more digits (spaces and dashes between them allowed)
/// and every word with an `@` in it as `***`.
fn mask_digits_and_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_inclusive(char::is_whitespace) {
        let core = word.trim_end();
        if core.contains('@') {
            out.push_str("***");
            out.push_str(&word[core.len()..]);
        } else {
            out.push_str(word);
        }
    }
    let chars: Vec<char> = out.chars().collect();
    let mut masked = String::with_capacity(out.len());
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_digit() {
            let mut j = i;
            let mut digits = 0;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || (matches!(chars[j], ' ' | '-') && chars.get(j + 1).is_some_and(char::is_ascii_digit)))
            {
                digits += usize::from(chars[j].is_ascii_digit());
                j += 1;
            }
            if digits >= 7 {
                masked.push_str("***");
            } else {
                masked.extend(&chars[i..j]);
            }
            i = j;
        } else {
            masked.push(chars[i]);
            i += 1;
        }
    }
    masked
}

/// The command line read, with its help in `lang`; `Ok(None)` when the Chinese `help`
/// command has printed the help asked for.
fn parse(args: &[String], lang: Lang) -> Result<Option<Cli>, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    if lang == Lang::En {
        return Cli::try_parse_from(args).map(Some);
    }
    let mut cmd = help_zh::localize(Cli::command());
    let matches = cmd.try_get_matches_from_mut(args)?;
    if let Some(("help", help)) = matches.subcommand() {
        let mut shown = &mut cmd;
        for name in help.get_many::<String>("command").into_iter().flatten() {
            if shown.find_subcommand(name).is_none() {
                return Err(shown.error(clap::error::ErrorKind::InvalidSubcommand, "不认识的命令"));
            }
            shown = shown.find_subcommand_mut(name).expect("found above");
        }
        let _ = write!(io::stdout(), "{}", shown.render_long_help());
        return Ok(None);
    }
    Cli::from_arg_matches(&matches).map(Some)
}

/// Parses the command line, runs it, and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os().map(|a| a.to_string_lossy().into_owned()).collect();
    let lang = language_of_args(&args);
    let cli = match parse(&args, lang) {
        Ok(Some(cli)) => cli,
        Ok(None) => return ExitCode::SUCCESS,
        Err(e) => {
            match without_values(&e, lang) {
                Some(message) => {
                    let _ = writeln!(io::stderr(), "{message}");
                }
                None => {
                    let _ = e.print();
                }
            }
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => ExitCode::SUCCESS,
                _ => ExitCode::from(ErrorKind::Usage.code()),
            };
        }
    };
    match run(cli) {
        Ok(outcome) => ExitCode::from(outcome.code()),
        Err(err) => {
            // A closed pipe (`bindcheck ... | head`) is not an error.
            if err.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = io::stderr().lock();
            let w = labels(lang);
            let kind = match err.downcast_ref::<UsageError>() {
                Some(usage) => {
                    let _ = writeln!(stderr, "{}", usage.render(lang));
                    usage.kind
                }
                None => {
                    let mut chain = err.chain();
                    if let Some(first) = chain.next() {
                        let _ = writeln!(stderr, "{}{}", w.error, cause_in(first, lang));
                    }
                    for cause in chain {
                        let _ = writeln!(stderr, "  {}{}", w.caused_by, cause_in(cause, lang));
                    }
                    ErrorKind::Data
                }
            };
            ExitCode::from(kind.code())
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Check(args) => check::run(*args),
        Command::Validate(args) => validate::run(args),
        Command::Probe(args) => probe::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Trace(args) => trace::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Init(args) => init::run(args),
        Command::Completions(args) => generate::completions(args),
        Command::Man(args) => generate::man(args),
    }
}

/// The language from `--lang`, else from the locale variables (`LC_ALL`, `LC_MESSAGES`,
/// `LANG`), else English.
fn resolve_lang(flag: Option<Lang>) -> Lang {
    flag.unwrap_or_else(|| {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|v| std::env::var(v).ok())
            .find(|v| !v.is_empty())
            .map_or(Lang::En, |v| Lang::from_locale(&v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading /etc/localtime directly gives the zone, and the name, jiff's own reading gives
    /// (with `TZ` set, jiff reads it: the same call).
    #[test]
    fn the_local_zone_is_the_systems() {
        let ours = local_zone();
        let jiffs = bindcheck::report::time::TimeZone::system();
        assert_eq!(ours.iana_name(), jiffs.iana_name());
        let now = jiff::Timestamp::now();
        for days in [0, 100, 200, 300] {
            let at = now + jiff::SignedDuration::from_hours(24 * days);
            assert_eq!(ours.to_offset(at), jiffs.to_offset(at), "{at}");
        }
    }
}

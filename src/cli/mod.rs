//! The command line: clap arguments, one file per subcommand, and the mapping of outcomes
//! to exit codes. Only this layer prints, reads the environment or the clock.

mod batch;
pub mod docs;
mod probe;
mod render;
mod secret;
mod validate;

use clap::{Parser, Subcommand};
use std::fmt;
use std::io::{self, Write};
use std::process::ExitCode;

use crate::validate::{Date, Lang};

/// Finds why a digital-wallet bind will fail, before you try it.
///
/// bindcheck checks what people type into a bind form (phone, email, bank card, expiry,
/// security code, ID number, name) and says what is wrong and what to do about it, in
/// English or Simplified Chinese. Personal data is masked in every output unless you pass
/// --unmasked.
#[derive(Debug, Parser)]
#[command(name = "bindcheck", version, about, long_about, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 all valid, 1 a finding of error severity, 2 usage error or unreadable input.\n\
Docs: docs/guide.md (usage), docs/codes.md (every finding code)."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check form inputs: phone, email, card, expiry, CVV, ID number, name (one set, or a batch file).
    Validate(validate::ValidateArgs),
    /// Probe wallet endpoints: DNS, TCP, TLS, HTTP timings, loss and jitter, clock skew.
    Probe(probe::ProbeArgs),
}

/// What a run ended with, mapped to the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything checked is valid (warnings allowed).
    Valid,
    /// At least one finding of error severity.
    Invalid,
}

/// A problem with how bindcheck was called or with its input: printed as `error:` and
/// `hint:` lines, exit code 2.
#[derive(Debug)]
pub struct UsageError {
    pub message: String,
    pub hint: String,
}

impl UsageError {
    pub fn new(message: impl Into<String>, hint: impl Into<String>) -> UsageError {
        UsageError {
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}\nhint: {}", self.message, self.hint)
    }
}

impl std::error::Error for UsageError {}

/// Exit code for usage errors and unreadable input.
pub const EXIT_USAGE: u8 = 2;

/// Parses the command line, runs it, and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(Outcome::Valid) => ExitCode::SUCCESS,
        Ok(Outcome::Invalid) => ExitCode::from(1),
        Err(err) => {
            // A closed pipe (`bindcheck ... | head`) is not an error.
            if err.chain().any(|c| {
                c.downcast_ref::<io::Error>()
                    .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let mut stderr = io::stderr().lock();
            match err.downcast_ref::<UsageError>() {
                Some(usage) => {
                    let _ = writeln!(stderr, "error: {usage}");
                }
                None => {
                    let _ = writeln!(stderr, "error: {err}");
                    for cause in err.chain().skip(1) {
                        let _ = writeln!(stderr, "  caused by: {cause}");
                    }
                }
            }
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Validate(args) => validate::run(args),
        Command::Probe(args) => probe::run(args),
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

/// Today's date (UTC) from the system clock.
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    Date::from_unix_days((secs / 86_400) as i64)
}

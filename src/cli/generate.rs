//! `bindcheck completions SHELL` and `bindcheck man`: generated from the clap definitions, so
//! they never drift from the real flags.

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::{self, Write};
use std::path::PathBuf;

use super::{Cli, ErrorKind, Outcome, UsageError};

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    shell: Shell,
}

pub fn completions(args: CompletionsArgs) -> anyhow::Result<Outcome> {
    let mut cmd = Cli::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(args.shell, &mut cmd, "bindcheck", &mut out);
    out.flush()?;
    Ok(Outcome::Valid)
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write one page per command into DIR (bindcheck.1, bindcheck-check.1, ...), the pages
    /// bindcheck.1 refers to; without it, every page goes to standard output in turn.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

/// Writes the man pages (roff) of bindcheck and its subcommands: into `--dir`, one file
/// each, or to standard output.
pub fn man(args: ManArgs) -> anyhow::Result<Outcome> {
    let cmd = Cli::command();
    if let Some(dir) = args.dir {
        clap_mangen::generate_to(cmd, &dir).map_err(|e| {
            UsageError::new(
                format!("cannot write the man pages into {}", dir.display()),
                "give a folder that exists and is writable",
            )
            .zh(
                format!("无法把手册页写入 {}", dir.display()),
                "请给出一个存在且可写的文件夹",
            )
            .kind(ErrorKind::Io)
            .caused_by(e)
        })?;
        return Ok(Outcome::Valid);
    }
    let mut out = io::stdout().lock();
    clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("bindcheck-{}", sub.get_name());
        let sub = sub.clone().name(name.clone()).bin_name(name);
        clap_mangen::Man::new(sub).render(&mut out)?;
    }
    out.flush()?;
    Ok(Outcome::Valid)
}

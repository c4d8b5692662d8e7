//! `bindcheck completions SHELL` and `bindcheck man`: generated from the clap definitions, so
//! they never drift from the real flags.

use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::{self, Write};

use super::{Cli, Outcome};

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

/// Writes the man page (roff) of bindcheck and its subcommands to standard output.
pub fn man() -> anyhow::Result<Outcome> {
    let cmd = Cli::command();
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

//! `bindcheck init`: write a commented starter profile.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;

use super::{ErrorKind, Outcome, UsageError};
use bindcheck::profile::STARTER_PROFILE;

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the profile (`-` for standard output).
    #[arg(default_value = "bindcheck.toml", value_name = "FILE")]
    path: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    force: bool,
}

pub fn run(args: InitArgs) -> anyhow::Result<Outcome> {
    if args.path.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(STARTER_PROFILE.as_bytes())
            .and_then(|()| out.flush())
            .map_err(super::write_failed(("cannot write the profile", "无法写出配置文件")))?;
        return Ok(Outcome::Valid);
    }
    if args.path.exists() && !args.force {
        return Err(UsageError::new(
            format!("{} already exists", args.path.display()),
            "choose another file name, or pass --force to overwrite it",
        )
        .zh(
            format!("{} 已经存在", args.path.display()),
            "请换一个文件名，或加 --force 覆盖它",
        )
        .into());
    }
    std::fs::write(&args.path, STARTER_PROFILE).map_err(|e| {
        UsageError::new(
            format!("cannot write {}: {e}", args.path.display()),
            "check that the folder exists and is writable",
        )
        .zh(
            format!("无法写入 {}：{e}", args.path.display()),
            "请检查文件夹是否存在、是否可写",
        )
        .kind(ErrorKind::Io)
    })?;
    let _ = writeln!(
        std::io::stderr(),
        "wrote {}: edit the endpoints and policy, then run: bindcheck check --profile {}",
        args.path.display(),
        args.path.display()
    );
    Ok(Outcome::Valid)
}

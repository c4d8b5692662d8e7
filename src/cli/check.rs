//! `bindcheck check`: validate the inputs and probe the wallet's endpoints together, then say
//! whether a bind will work (ready, degraded, blocked), why, and what to do first.

use clap::{Args, ValueEnum};
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use super::args::{
    load_profile, parse_endpoint_url, plan_error, probe_config, EndpointArgs, InputArgs, NetArgs, DEFAULT_DEADLINE,
};
use super::term::{color, delayed_progress};
use super::{resolve_lang, secret, ErrorKind, Outcome, UsageError};
use bindcheck::check::{Plan, PlanBuilder, TracePolicy};
use bindcheck::profile::{Endpoint, Profile, Role};
use bindcheck::report::render::{self, Format, Options};
use bindcheck::report::{Report, Verdict};
use bindcheck::validate::Lang;

/// When to trace the path to the endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceMode {
    /// When an endpoint loses packets or cannot be reached.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// When a verdict fails the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Only `blocked` fails (exit 2); `degraded` exits 0.
    Error,
    /// `degraded` fails too (exit 1).
    Warning,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck check --phone '138 0013 8000' --card - --expiry 12/29\n  \
bindcheck check --profile staging.toml --format text --format junit=report.xml --format json=report.json\n  \
bindcheck check --endpoint https://api.wallet.example/health --app-version 10.2.0 --lang zh-CN\n\n\
Exit codes: 0 ready (or degraded without --fail-on warning), 1 degraded with --fail-on warning,\n\
2 blocked, 64 usage error, 65 unreadable input, 74 unwritable output, 78 bad profile or configuration\n(one table for every command: docs/guide.md).")]
pub struct CheckArgs {
    /// A profile file (TOML), or `default` for the embedded one (major public wallets).
    #[arg(long, value_name = "FILE|NAME")]
    profile: Option<String>,
    /// An endpoint URL to probe (repeatable). Without --profile, only these are probed.
    #[arg(long = "endpoint", value_name = "URL")]
    endpoints: Vec<String>,

    #[command(flatten)]
    fields: InputArgs,

    /// The app's version, checked against the profile's min_app_version.
    #[arg(long, value_name = "X.Y.Z")]
    app_version: Option<String>,

    /// Output format, to standard output or `=FILE` (repeatable): text (or txt), json, junit,
    /// markdown (or md), prometheus (or prom).
    #[arg(long = "format", value_name = "F[=FILE]")]
    formats: Vec<String>,
    /// Language of messages: en or zh-CN (default: from LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<Lang>,
    /// Which findings fail the run.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Show personal values in full. Never share such a report.
    #[arg(long)]
    unmasked: bool,

    #[command(flatten)]
    net: NetArgs,
    #[command(flatten)]
    probes: EndpointArgs,
    /// Trace the path hop by hop: auto (when an endpoint loses packets or is unreachable),
    /// always, never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    trace: TraceMode,
    /// Leave out the local environment section (proxies, route, memory, disk).
    #[arg(long)]
    no_environment: bool,
    /// A captive-portal check: a plain http:// URL that answers 204 on the open internet
    /// (repeatable; replaces the profile's [network] connectivity_checks), or `none`.
    #[arg(long = "connectivity-check", value_name = "URL|none")]
    connectivity_checks: Vec<String>,
}

/// `text`, `json=report.json`...
fn parse_formats(specs: &[String]) -> Result<Vec<(Format, Option<PathBuf>)>, UsageError> {
    let mut out = Vec::new();
    for spec in specs {
        let (name, file) = match spec.split_once('=') {
            Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
            Some((n, _)) => (n, None),
            None => (spec.as_str(), None),
        };
        let format = Format::parse(name).ok_or_else(|| {
            UsageError::new(
                "unknown format in --format",
                "use text, json, junit (for JUnit XML), markdown or prometheus, optionally =FILE",
            )
            .zh(
                "--format 中有未知的格式",
                "可用的格式：text、json、junit（JUnit XML）、markdown、prometheus，可写成 格式=文件",
            )
        })?;
        out.push((format, file));
    }
    if out.is_empty() {
        out.push((Format::Text, None));
    }
    if out.iter().filter(|(_, f)| f.is_none()).count() > 1 {
        return Err(UsageError::new(
            "more than one format writes to standard output",
            "send all but one to files: --format text --format json=report.json",
        )
        .zh(
            "不止一种格式要写到标准输出",
            "除一种外都写到文件：--format text --format json=report.json",
        ));
    }
    Ok(out)
}

/// Checks the inputs and probes the endpoints, writes the report in every format asked for,
/// and returns the exit code the verdict calls for.
pub fn run(args: CheckArgs) -> anyhow::Result<Outcome> {
    let lang = resolve_lang(args.lang);
    let formats = parse_formats(&args.formats)?;
    let mut profile = match (&args.profile, args.endpoints.is_empty()) {
        // Only --endpoint: the report is not labelled with the default wallets' name.
        (None, false) => bindcheck::profile::Profile::command_line(),
        (path, _) => load_profile(path.as_deref())?,
    };
    if !args.endpoints.is_empty() {
        add_endpoints(&mut profile, &args.endpoints, args.profile.is_none())?;
    }
    if !args.connectivity_checks.is_empty() {
        profile.connectivity_checks = connectivity_checks(&args.connectivity_checks)?;
    }
    let plan = plan_builder(&args, profile, lang)?;
    let report = run_plan(plan)?;
    write_reports(&formats, &report, args.fail_on == FailOn::Warning)?;
    Ok(match (report.verdict, args.fail_on) {
        (Verdict::Blocked, _) => Outcome::Invalid,
        (Verdict::Degraded, FailOn::Warning) => Outcome::Warnings,
        _ => Outcome::Valid,
    })
}

/// The `--connectivity-check` values: plain `http://` URLs with a host, or `none` alone.
fn connectivity_checks(given: &[String]) -> Result<Vec<url::Url>, UsageError> {
    if given.iter().any(|g| g.eq_ignore_ascii_case("none")) {
        return match given.len() {
            1 => Ok(Vec::new()),
            _ => Err(UsageError::new(
                "--connectivity-check none cannot be given with URLs",
                "give `none` alone to run no check, or only URLs",
            )
            .zh(
                "--connectivity-check none 不能与网址同时给出",
                "只给 none 表示不做检查，或只给网址",
            )),
        };
    }
    given
        .iter()
        .map(|g| {
            bindcheck::probe::portal::check_url(g).ok_or_else(|| {
                UsageError::new(
                    "a --connectivity-check value is not a plain http:// URL with a host",
                    "use a URL that answers 204, e.g. http://connectivitycheck.gstatic.com/generate_204, or `none`",
                )
                .zh(
                    "--connectivity-check 的值不是带主机名的 http:// 网址",
                    "请用返回 204 的网址，例如 http://connectivitycheck.platform.hicloud.com/generate_204，或 none",
                )
            })
        })
        .collect()
}

/// Adds the `--endpoint` URLs to the profile's endpoints as API endpoints named by their
/// host; without `--profile` (`replace`) they are the only ones.
fn add_endpoints(profile: &mut Profile, endpoints: &[String], replace: bool) -> Result<(), UsageError> {
    let mut extra = Vec::new();
    for raw in endpoints {
        let url = parse_endpoint_url(raw)?;
        extra.push(Endpoint {
            name: url.host_str().unwrap_or_default().to_owned(),
            url,
            role: Role::Api,
            method: bindcheck::probe::Method::Get,
            expect: Vec::new(),
            redirect_hosts: Vec::new(),
        });
    }
    if replace {
        profile.endpoints.clear();
    }
    profile.endpoints.extend(extra);
    Ok(())
}

/// The plan the flags describe: the inputs (secrets read), the probe settings, tracing,
/// the environment section, language, masking and the app version.
fn plan_builder(args: &CheckArgs, profile: Profile, lang: Lang) -> anyhow::Result<PlanBuilder> {
    let mut inputs = args.fields.inputs();
    secret::resolve(&mut inputs, lang).map_err(|e| e.kind(ErrorKind::Data))?;
    let probe = probe_config(&args.net, &args.probes, DEFAULT_DEADLINE).map_err(|e| e.kind(ErrorKind::Config))?;
    let mut plan = Plan::builder(profile)
        .inputs(inputs)
        .probe(probe)
        .trace(match args.trace {
            TraceMode::Auto => TracePolicy::Auto,
            TraceMode::Always => TracePolicy::Always,
            TraceMode::Never => TracePolicy::Never,
        })
        .environment(!args.no_environment)
        .lang(lang)
        .unmasked(args.unmasked)
        // TZ or /etc/localtime; UTC when neither names a zone the system knows.
        .time_zone(super::local_zone());
    if let Some(version) = &args.app_version {
        plan = plan.app_version(version);
    }
    Ok(plan)
}

/// Builds the plan and runs it on a runtime of its own, with a progress bar while it runs.
fn run_plan(plan: PlanBuilder) -> anyhow::Result<Report> {
    let runtime = super::args::runtime()?;
    let report = runtime.block_on(async {
        let plan = plan.build().map_err(plan_error)?;
        let progress = delayed_progress(plan.profile().endpoints.len());
        let report = plan.run().await;
        progress.finish_and_clear();
        Ok::<_, UsageError>(report)
    })?;
    runtime.shutdown_timeout(Duration::from_millis(100));
    Ok(report)
}

/// Renders the report in each format, to standard output (in colour on a terminal) or to
/// its file.
fn write_reports(formats: &[(Format, Option<PathBuf>)], report: &Report, warnings_fail: bool) -> anyhow::Result<()> {
    let color = color(&io::stdout());
    for (format, file) in formats {
        let options = Options {
            color: color && file.is_none(),
            warnings_fail,
        };
        match file {
            None => {
                let stdout = io::stdout();
                let mut out = io::BufWriter::new(stdout.lock());
                render::render(*format, report, &mut out, options)
                    .and_then(|()| out.flush())
                    .map_err(super::write_failed(("cannot write the report", "无法写出报告")))?;
            }
            Some(path) => {
                let mut buf = Vec::new();
                render::render(*format, report, &mut buf, options)?;
                std::fs::write(path, buf).map_err(|e| {
                    UsageError::new(
                        format!("cannot write {}: {e}", path.display()),
                        "check that the folder exists and is writable",
                    )
                    .zh(
                        format!("无法写入 {}：{e}", path.display()),
                        "请检查文件夹是否存在、是否可写",
                    )
                    .kind(ErrorKind::Io)
                })?;
            }
        }
    }
    Ok(())
}

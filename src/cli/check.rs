//! `bindcheck check`: validate the inputs and probe the wallet's endpoints together, then say
//! whether a bind will work (ready, degraded, blocked), why, and what to do first.

use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use url::Url;

use super::args::{load_profile, parse_duration, parse_endpoint_url, parse_resolver, read_ca_file};
use super::validate::InputArgs;
use super::{probe::delayed_progress, resolve_lang, secret, today, ErrorKind, Outcome, UsageError};
use crate::probe::trace::TraceConfig;
use crate::probe::{env, ProbeConfig, Prober, ResolverChoice};
use crate::profile::{Endpoint, Role};
use crate::report::render::{self, Format, Options};
use crate::report::rules::{self, Evidence};
use crate::report::Verdict;
use crate::validate::{validate, Lang};

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
2 blocked, 64 usage error, 65 unreadable input data, 78 bad profile or configuration.")]
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

    /// Output format, to standard output or `=FILE` (repeatable): text, json, junit, markdown,
    /// prometheus.
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

    /// Connect probes per address for loss, latency and jitter (0 to skip).
    #[arg(long, default_value_t = 20, value_name = "N")]
    count: u32,
    /// Pause between two connect probes to the same address, e.g. 100ms (at least 10ms).
    #[arg(long, default_value = "100ms", value_parser = parse_duration, value_name = "DUR")]
    interval: Duration,
    /// Time limit of the whole check, e.g. 30s or 2m.
    #[arg(long, default_value = "30s", value_parser = parse_duration, value_name = "DUR")]
    deadline: Duration,
    /// Time limit of each network phase.
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DUR")]
    timeout: Duration,
    /// DNS server to ask instead of the system's: IP or IP:port.
    #[arg(long, value_name = "IP[:PORT]", value_parser = parse_resolver)]
    resolver: Option<SocketAddr>,
    /// A private CA certificate (PEM) to trust besides the system's.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<PathBuf>,
    /// Report certificate problems but carry on (the report says so).
    #[arg(long)]
    insecure: bool,
    /// Trace the path hop by hop: auto (when an endpoint loses packets or is unreachable),
    /// always, never.
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    trace: TraceMode,
    /// Leave out the local environment section (proxies, route, memory, disk).
    #[arg(long)]
    no_environment: bool,
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
                format!("unknown format `{name}`"),
                "use text, json, junit, markdown or prometheus, optionally =FILE",
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
        ));
    }
    Ok(out)
}

pub fn run(args: CheckArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let lang = resolve_lang(args.lang);
    let formats = parse_formats(&args.formats)?;
    let mut profile = load_profile(args.profile.as_deref())?;
    if !args.endpoints.is_empty() {
        let mut extra = Vec::new();
        for raw in &args.endpoints {
            let url = parse_endpoint_url(raw)?;
            extra.push(Endpoint {
                name: url.host_str().unwrap_or_default().to_owned(),
                url,
                role: Role::Api,
                method: crate::probe::Method::Get,
                expect: Vec::new(),
            });
        }
        if args.profile.is_none() {
            profile.endpoints.clear();
        }
        profile.endpoints.extend(extra);
    }
    let mut inputs = args.fields.inputs();
    secret::resolve(&mut inputs, lang).map_err(|e| e.kind(ErrorKind::Data))?;
    let ca_pem = read_ca_file(args.ca_file.as_deref())?;
    let config = ProbeConfig {
        count: args.count,
        interval: args.interval,
        resolver: args.resolver.map_or(ResolverChoice::System, ResolverChoice::Server),
        compare_resolvers: profile.compare_resolvers.clone(),
        ca_pem,
        insecure: args.insecure,
        timeouts: crate::probe::Timeouts::scaled(args.timeout),
        deadline: args.deadline,
        ..ProbeConfig::default()
    };

    let runtime = super::args::runtime()?;
    let policy = profile.policy.clone();
    let today = today();
    let no_environment = args.no_environment;
    let trace_mode = args.trace;
    let trace_resolver = args.resolver.map_or(ResolverChoice::System, ResolverChoice::Server);
    let trace_budget = args.deadline.min(Duration::from_secs(10));
    let (validation, endpoints, mail, environment) = runtime.block_on(async {
        // Validation and the environment start first, on other threads: they overlap with
        // loading the trust store and with the probes.
        let validate_inputs = inputs.clone();
        let validation = tokio::task::spawn_blocking(move || validate(&validate_inputs, &policy, today));
        let environment = tokio::task::spawn_blocking(move || {
            (!no_environment).then(|| env::gather(&std::env::current_dir().unwrap_or_else(|_| ".".into())))
        });
        let prober = Prober::builder(config).build().map_err(|e| {
            UsageError::new(e.to_string(), "check --resolver, --ca-file and the profile's resolvers")
                .kind(ErrorKind::Config)
        })?;
        let prober = Arc::new(prober);
        let progress = delayed_progress(profile.endpoints.len());
        let targets: Vec<(Url, crate::probe::Method)> =
            profile.endpoints.iter().map(|e| (e.url.clone(), e.method)).collect();
        let probes = prober.probe_targets(&targets);
        let mail = async {
            let validation = validation
                .await
                .map_err(|_| UsageError::new("validation failed to run", "report this as a bug"))?;
            let domain = validation
                .email
                .as_ref()
                .filter(|e| e.valid)
                .and_then(|e| e.domain_ascii.clone());
            let mail = match domain {
                Some(d) => Some(prober.mail(&d).await),
                None => None,
            };
            Ok::<_, UsageError>((validation, mail))
        };
        let (mut endpoints, validated) = tokio::join!(probes, mail);
        // Where the path is in doubt, trace it: which segment loses the packets.
        let loss_warn = profile.thresholds.loss_pct.warn;
        let wanted: Vec<(usize, std::net::IpAddr)> = endpoints
            .iter()
            .enumerate()
            .filter(|(_, e)| match trace_mode {
                TraceMode::Never => false,
                TraceMode::Always => true,
                TraceMode::Auto => {
                    let lossy = e.loss.iter().any(|l| l.summary.loss_pct >= loss_warn);
                    let unreachable = !e.tcp.is_empty() && !e.tcp.iter().any(|t| t.status == crate::probe::Status::Ok);
                    lossy || unreachable
                }
            })
            .filter_map(|(i, e)| e.dns.addresses().first().map(|ip| (i, *ip)))
            .collect();
        let traces = futures_util::future::join_all(wanted.iter().map(|(_, ip)| {
            crate::probe::trace::trace(*ip, TraceConfig::default(), tokio::time::Instant::now() + trace_budget)
        }))
        .await;
        let namer = crate::probe::dns::resolver(&trace_resolver, Duration::from_millis(300)).ok();
        for ((i, _), mut t) in wanted.into_iter().zip(traces) {
            if let Some(r) = &namer {
                crate::probe::dns::name_hops(r, &mut t, Duration::from_millis(300)).await;
            }
            endpoints[i].trace = Some(t);
        }
        progress.finish_and_clear();
        let (validation, mail) = validated?;
        let environment = environment.await.unwrap_or(None);
        Ok::<_, UsageError>((validation, endpoints, mail, environment))
    })?;
    runtime.shutdown_timeout(Duration::from_millis(100));

    let report = rules::build(
        Evidence {
            profile: &profile,
            inputs: &inputs,
            validation: &validation,
            endpoints,
            mail,
            app_version: args.app_version.as_deref(),
            environment,
            insecure: args.insecure,
            unmasked: args.unmasked,
            generated_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            duration_ms: (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0,
        },
        lang,
    );

    let color = io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    for (format, file) in &formats {
        let options = Options {
            color: color && file.is_none(),
            warnings_fail: args.fail_on == FailOn::Warning,
        };
        match file {
            None => {
                let stdout = io::stdout();
                let mut out = io::BufWriter::new(stdout.lock());
                render::render(*format, &report, &mut out, options)
                    .and_then(|()| out.flush())
                    .context("cannot write the report")?;
            }
            Some(path) => {
                let mut buf = Vec::new();
                render::render(*format, &report, &mut buf, options)?;
                std::fs::write(path, buf).map_err(|e| {
                    UsageError::new(
                        format!("cannot write {}: {e}", path.display()),
                        "check that the folder exists and is writable",
                    )
                })?;
            }
        }
    }
    Ok(Outcome::Exit(match (report.verdict, args.fail_on) {
        (Verdict::Blocked, _) => 2,
        (Verdict::Degraded, FailOn::Warning) => 1,
        _ => 0,
    }))
}

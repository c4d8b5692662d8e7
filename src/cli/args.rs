//! Argument parsing and loading shared by several subcommands: the network flags of
//! check, probe, serve and trace, durations, resolvers, the CA file, profiles.

use clap::Args;
use std::borrow::Cow;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::Duration;
use url::Url;

use super::{ErrorKind, UsageError};
use bindcheck::file;
use bindcheck::probe::{ProbeConfig, ResolverChoice, Timeouts};
use bindcheck::profile::Profile;
use bindcheck::validate::{Inputs, Lang};

/// The form fields, as flags (shared by `validate` and `check`).
#[derive(Debug, Clone, Args)]
pub struct InputArgs {
    /// Phone number, as typed (national or international).
    #[arg(long, value_name = "PHONE")]
    phone: Option<String>,
    /// Email address that must receive the verification email.
    #[arg(long, value_name = "EMAIL")]
    email: Option<String>,
    /// Bank card number (spaces and dashes are fine).
    #[arg(long, value_name = "NUMBER")]
    card: Option<String>,
    /// Card expiry date: MM/YY, MM/YYYY or MMYY.
    #[arg(long, value_name = "MM/YY")]
    expiry: Option<String>,
    /// Card security code (CVV/CVC/CVN).
    #[arg(long, value_name = "CODE")]
    cvv: Option<String>,
    /// Mainland China resident ID number (18 characters).
    #[arg(long, value_name = "ID")]
    id_number: Option<String>,
    /// Cardholder name.
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
}

impl InputArgs {
    pub fn inputs(&self) -> Inputs {
        Inputs {
            phone: self.phone.clone(),
            email: self.email.clone(),
            card: self.card.clone(),
            expiry: self.expiry.clone(),
            cvv: self.cvv.clone(),
            id_number: self.id_number.clone(),
            name: self.name.clone(),
        }
    }
}

/// The network flags every network command takes (check, probe, serve, trace).
#[derive(Debug, Args)]
pub struct NetArgs {
    /// Time limit of the whole run, e.g. 30s or 2m; what is not measured by then is reported
    /// so (default 30s; serve: 10s for a scrape that does not send its own timeout).
    #[arg(long, value_parser = parse_duration, value_name = "DUR")]
    pub deadline: Option<Duration>,
    /// Time limit of each phase (DNS, connect, TLS; twice this for the response and the body).
    #[arg(long, default_value = "5s", value_parser = parse_duration, value_name = "DUR")]
    pub timeout: Duration,
    /// DNS server to ask instead of the system's: IP or IP:port.
    #[arg(long, value_name = "IP[:PORT]", value_parser = parse_resolver)]
    pub resolver: Option<SocketAddr>,
}

impl NetArgs {
    /// `--deadline`, or the command's default.
    pub fn deadline_or(&self, default: Duration) -> Duration {
        self.deadline.unwrap_or(default)
    }

    /// Where DNS lookups go.
    pub fn resolver(&self) -> ResolverChoice {
        self.resolver.map_or(ResolverChoice::System, ResolverChoice::Server)
    }
}

/// How endpoints are probed (check, probe, serve): loss probes and trust.
#[derive(Debug, Args)]
pub struct EndpointArgs {
    /// Connect probes per address for loss, latency and jitter (0 to skip, at most 1000).
    #[arg(long, default_value_t = 20, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=1000))]
    pub count: u32,
    /// Pause between two connect probes to the same address, e.g. 100ms (at least 10ms).
    #[arg(long, default_value = "100ms", value_parser = parse_interval, value_name = "DUR")]
    pub interval: Duration,
    /// A private CA certificate (PEM) to trust besides the system's, e.g. for staging.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Report certificate problems but carry on with the request (the report says so).
    #[arg(long)]
    pub insecure: bool,
}

/// The one probe configuration the network flags describe.
pub fn probe_config(
    net: &NetArgs,
    endpoints: &EndpointArgs,
    default_deadline: Duration,
) -> Result<ProbeConfig, UsageError> {
    Ok(ProbeConfig {
        count: endpoints.count,
        interval: endpoints.interval,
        resolver: net.resolver(),
        ca_pem: read_ca_file(endpoints.ca_file.as_deref())?,
        insecure: endpoints.insecure,
        timeouts: Timeouts::scaled(net.timeout),
        deadline: net.deadline_or(default_deadline),
        // The system's proxy settings, as an app's HTTP stack reads them; a profile's
        // `[network] proxy` replaces them (check::PlanBuilder).
        proxy: bindcheck::probe::proxy::ProxySettings::from_env(),
        ..ProbeConfig::default()
    })
}

/// The default `--deadline` of check, probe and trace.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

/// A flag's value that cannot be used: what is wrong and what to write instead, in English
/// and Simplified Chinese. It never repeats the value: a card number pasted into the wrong
/// flag must not reach a terminal log.
#[derive(Debug, thiserror::Error)]
#[error("{problem}")]
pub struct ValueError {
    problem: Cow<'static, str>,
    problem_zh: Cow<'static, str>,
    hint: Cow<'static, str>,
    hint_zh: Cow<'static, str>,
}

impl ValueError {
    /// What is wrong and what to do, each as (English, Chinese).
    pub fn new(
        problem: (impl Into<Cow<'static, str>>, impl Into<Cow<'static, str>>),
        hint: (impl Into<Cow<'static, str>>, impl Into<Cow<'static, str>>),
    ) -> ValueError {
        ValueError {
            problem: problem.0.into(),
            problem_zh: problem.1.into(),
            hint: hint.0.into(),
            hint_zh: hint.1.into(),
        }
    }

    /// What is wrong, for a reader of `lang`.
    pub fn problem(&self, lang: Lang) -> &str {
        lang.pick(&self.problem, &self.problem_zh)
    }

    /// What to write instead, for a reader of `lang`.
    pub fn hint(&self, lang: Lang) -> &str {
        lang.pick(&self.hint, &self.hint_zh)
    }
}

/// A pause between probes: at least 10 ms, so that probes never flood a network.
pub fn parse_interval(s: &str) -> Result<Duration, ValueError> {
    let d = parse_duration(s)?;
    if d < Duration::from_millis(10) {
        return Err(ValueError::new(
            ("the interval is shorter than 10ms", "间隔短于 10ms"),
            (
                "probes are at least 10ms apart, so that they never flood a network: write 10ms or more",
                "探测之间至少间隔 10ms，以免冲击网络：请写 10ms 或更长",
            ),
        ));
    }
    Ok(d)
}

/// `500ms`, `5s`, `2m`.
pub fn parse_duration(s: &str) -> Result<Duration, ValueError> {
    use humantime::DurationError as E;
    // Our own words: humantime's repeat the number given ("for example 6222…sec"), and a
    // card number pasted into the wrong flag must not reach a terminal log.
    humantime::parse_duration(s).map_err(|e| {
        let problem = match e {
            E::InvalidCharacter(_) => (
                "the duration has a character that is neither a number nor a unit",
                "时长中有既不是数字也不是单位的字符",
            ),
            E::NumberExpected(_) => ("a number is missing in the duration", "时长中缺少数字"),
            E::UnknownUnit { unit, .. } if unit.is_empty() => ("the duration has no unit", "时长没有单位"),
            E::UnknownUnit { .. } => ("the duration's unit is not one bindcheck knows", "时长的单位无法识别"),
            E::NumberOverflow => (
                "the duration is too long, or finer than a nanosecond",
                "时长太长，或比一纳秒还短",
            ),
            E::Empty => ("the duration is empty", "时长是空的"),
        };
        ValueError::new(
            problem,
            ("write durations like 500ms, 5s or 2m", "时长的写法如 500ms、5s 或 2m"),
        )
    })
}

/// A DNS server: `IP` (port 53) or `IP:port`.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, ValueError> {
    s.parse::<SocketAddr>()
        .or_else(|_| s.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
        .map_err(|_| {
            ValueError::new(
                ("not an IP address", "不是 IP 地址"),
                (
                    "write an IP address, optionally with :port (e.g. 223.5.5.5 or 127.0.0.1:5353)",
                    "请写 IP 地址，可带端口，例如 223.5.5.5 或 127.0.0.1:5353",
                ),
            )
        })
}

/// The largest `--ca-file` read: 1 MiB of PEM, hundreds of certificates.
pub const MAX_CA_FILE_BYTES: u64 = 1 << 20;

/// The PEM of `--ca-file`, if given: a regular file of at most [`MAX_CA_FILE_BYTES`].
pub fn read_ca_file(path: Option<&Path>) -> Result<Option<Vec<u8>>, UsageError> {
    path.map(|p| {
        file::read_bytes(p, MAX_CA_FILE_BYTES).map_err(|e| {
            UsageError::new(
                "cannot read the CA file",
                format!(
                    "check the path given to --ca-file: a CA file is PEM text of at most {} MiB",
                    MAX_CA_FILE_BYTES >> 20
                ),
            )
            .zh(
                "无法读取 CA 文件",
                format!(
                    "请检查 --ca-file 给出的路径：CA 文件是不超过 {} MiB 的 PEM 文本",
                    MAX_CA_FILE_BYTES >> 20
                ),
            )
            .kind(ErrorKind::Config)
            .caused_by(e)
        })
    })
    .transpose()
}

/// `--profile FILE`, or the embedded profile for none or `default`.
pub fn load_profile(spec: Option<&str>) -> Result<Profile, UsageError> {
    match spec {
        None | Some("default") => Ok(Profile::default_profile()),
        Some(path) => Profile::load(Path::new(path)).map_err(|mut e| {
            let place = |e: &bindcheck::profile::ProfileError| match e.position() {
                Some((line, column)) => format!("{}:{line}:{column}", e.source),
                None => e.source.clone(),
            };
            let mut usage = if e.more.is_empty() {
                UsageError::new(format!("{}: {}", place(&e), e.message), e.hint.clone()).zh(
                    format!("{}：{}", place(&e), e.message_in(Lang::ZhCn)),
                    e.hint_in(Lang::ZhCn).to_owned(),
                )
            } else {
                // Every problem with its place and hint, so that one pass fixes the file.
                let list = |lang: Lang, hint: &str| {
                    let all = std::iter::once(&e).chain(&e.more);
                    let colon = lang.pick(": ", "：");
                    all.map(|p| {
                        let (message, said) = (p.message_in(lang), p.hint_in(lang));
                        format!("  {}{colon}{message}\n    {hint}{said}", place(p))
                    })
                    .collect::<Vec<String>>()
                    .join("\n")
                };
                let count = e.more.len() + 1;
                let capped = count == bindcheck::profile::MAX_PROFILE_ERRORS;
                UsageError::new(
                    format!(
                        "{} has {count} problems{}:\n{}",
                        e.source,
                        if capped { " (the first ones)" } else { "" },
                        list(Lang::En, "hint: ")
                    ),
                    "fix them from the top, then run again; docs/profile.md describes every key",
                )
                .zh(
                    format!(
                        "{} 有 {count} 处问题{}：\n{}",
                        e.source,
                        if capped { "（只列出前面这些）" } else { "" },
                        list(Lang::ZhCn, "建议：")
                    ),
                    "请从上往下逐一改正，然后再运行；docs/profile.md 说明了每个键",
                )
            }
            .kind(ErrorKind::Config);
            if let Some(cause) = e.take_cause() {
                usage = usage.caused_by(cause);
            }
            usage
        }),
    }
}

/// A plan that cannot be set up: a configuration error, with its causes.
pub fn plan_error(e: bindcheck::check::PlanError) -> UsageError {
    UsageError::new(
        "cannot set up the check",
        "check --resolver, --ca-file and the profile's resolvers",
    )
    .zh("无法准备检查", "请检查 --resolver、--ca-file 和配置文件中的 DNS 服务器")
    .kind(ErrorKind::Config)
    .caused_by(e)
}

/// The async runtime the network commands run on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// An endpoint URL given on the command line: http or https, with a host.
pub fn parse_endpoint_url(raw: &str) -> Result<Url, UsageError> {
    Url::parse(raw)
        .ok()
        .filter(|u| bindcheck::probe::host_port(u).is_some())
        .ok_or_else(|| {
            UsageError::new(
                // Not repeated: a URL may hold credentials or a token.
                "an --endpoint value is not an http or https URL with a host",
                "write the full URL, e.g. https://api.wallet.example/v1/health",
            )
            .zh(
                "--endpoint 的值不是带主机名的 http 或 https 网址",
                "请写完整的网址，例如 https://api.wallet.example/v1/health",
            )
        })
}

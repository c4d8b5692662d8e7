//! Network probes: whether the path to each wallet endpoint works, and how well.
//!
//! Per endpoint: DNS (A and AAAA with TTLs), a TCP connect to every address, TLS (version,
//! ALPN, chain, expiry, trust), HTTP on a connection bindcheck opens itself with per-phase
//! timings, clock skew from the `Date` header, and paced connect probes for loss, latency
//! and jitter. Endpoints run concurrently under `concurrency`; every await has a timeout and
//! the whole run one deadline, after which what was measured is reported and the rest is
//! `not_measured`. Results are data: a failed probe is a [`Status`], never an `Err`.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use bindcheck::probe::{ProbeConfig, Prober};
//! use std::sync::Arc;
//!
//! let prober = Arc::new(Prober::builder(ProbeConfig::default()).build()?);
//! let reports = prober.probe(&["https://api.wallet.example/v1/health".parse()?]).await;
//! println!("{}", reports[0].http.as_ref().map_or(0, |h| h.status_code.unwrap_or(0)));
//! # Ok(()) }
//! ```

pub mod app;
pub mod dns;
pub mod env;
pub mod http;
pub mod icmp;
pub mod portal;
pub mod proxy;
pub mod redirect;
pub mod stats;
pub mod tcp;
pub mod tls;
pub mod trace;

#[cfg(feature = "probe")]
use futures_util::future::join_all;
use serde::Serialize;
use std::net::IpAddr;
#[cfg(feature = "probe")]
use std::net::SocketAddr;
#[cfg(feature = "probe")]
use std::sync::Arc;
#[cfg(feature = "probe")]
use std::time::Duration;
#[cfg(feature = "probe")]
use tokio::sync::Semaphore;
#[cfg(feature = "probe")]
use tokio::time::Instant;
use url::Url;

#[cfg(feature = "probe")]
pub use app::{AppClient, AppError, AppSetup};
pub use app::{AppPathResult, AppStage};
pub use dns::{MailResult, MailVerdict, ResolverChoice};
pub use http::{HttpResult, Method};
pub use icmp::IcmpResult;
pub use proxy::{ProxyRoute, ProxySettings, ProxySource, TunnelResult, TunnelStatus};
pub use stats::Summary;
pub use tcp::{ConnectResult, Family, LossResult};
pub use tls::TlsResult;
#[cfg(feature = "probe")]
pub use tls::{TlsSetup, TlsSetupError};

/// How a probe step ended.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    Ok,
    /// The step did not finish within its own time limit.
    Timeout,
    /// The run's deadline came before the step could finish (or start).
    NotMeasured,
    /// An earlier step failed, so this one could not run.
    Skipped,
    // DNS
    Nxdomain,
    Servfail,
    NoRecords,
    // TCP
    Refused,
    Reset,
    Unreachable,
    // TLS
    Expired,
    NotYetValid,
    Untrusted,
    NameMismatch,
    CertInvalid,
    HandshakeFailed,
    // HTTP
    Maintenance,
    RateLimited,
    HttpError,
    RedirectLoop,
    TooManyRedirects,
    /// A redirect to an address or host bindcheck does not follow ([`redirect`]).
    RedirectRefused,
    ProtocolError,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Timeout => "timeout",
            Status::NotMeasured => "not_measured",
            Status::Skipped => "skipped",
            Status::Nxdomain => "nxdomain",
            Status::Servfail => "servfail",
            Status::NoRecords => "no_records",
            Status::Refused => "refused",
            Status::Reset => "reset",
            Status::Unreachable => "unreachable",
            Status::Expired => "expired",
            Status::NotYetValid => "not_yet_valid",
            Status::Untrusted => "untrusted",
            Status::NameMismatch => "name_mismatch",
            Status::CertInvalid => "cert_invalid",
            Status::HandshakeFailed => "handshake_failed",
            Status::Maintenance => "maintenance",
            Status::RateLimited => "rate_limited",
            Status::HttpError => "http_error",
            Status::RedirectLoop => "redirect_loop",
            Status::TooManyRedirects => "too_many_redirects",
            Status::RedirectRefused => "redirect_refused",
            Status::ProtocolError => "protocol_error",
            Status::Error => "error",
        }
    }
}

impl Status {
    /// The status in a reader's words, for the text formats: "connection refused", "拒绝连接".
    pub fn label(self, lang: crate::validate::Lang) -> &'static str {
        let (en, zh) = match self {
            Status::Ok => ("ok", "正常"),
            Status::Timeout => ("timed out", "超时"),
            Status::NotMeasured => ("not measured", "未测量"),
            Status::Skipped => ("skipped", "已跳过"),
            Status::Nxdomain => ("no such domain", "域名不存在"),
            Status::Servfail => ("DNS server failure", "DNS 服务器故障"),
            Status::NoRecords => ("no DNS records", "没有 DNS 记录"),
            Status::Refused => ("connection refused", "拒绝连接"),
            Status::Reset => ("connection reset", "连接被重置"),
            Status::Unreachable => ("unreachable", "无法访问"),
            Status::Expired => ("certificate expired", "证书已过期"),
            Status::NotYetValid => ("certificate not yet valid", "证书尚未生效"),
            Status::Untrusted => ("certificate not trusted", "证书不受信任"),
            Status::NameMismatch => ("certificate for another name", "证书与域名不符"),
            Status::CertInvalid => ("certificate invalid", "证书无效"),
            Status::HandshakeFailed => ("TLS handshake failed", "TLS 握手失败"),
            Status::Maintenance => ("in maintenance", "维护中"),
            Status::RateLimited => ("rate limited", "限流中"),
            Status::HttpError => ("HTTP error", "HTTP 错误"),
            Status::RedirectLoop => ("redirect loop", "重定向循环"),
            Status::TooManyRedirects => ("too many redirects", "重定向次数过多"),
            Status::RedirectRefused => ("redirect not followed", "未跟随重定向"),
            Status::ProtocolError => ("protocol error", "协议错误"),
            Status::Error => ("error", "出错"),
        };
        lang.pick(en, zh)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A phase of an endpoint's probe, in path order.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Dns,
    Tcp,
    Tls,
    Http,
    Loss,
}

impl Phase {
    /// Every phase, in path order.
    pub const ALL: [Phase; 5] = [Phase::Dns, Phase::Tcp, Phase::Tls, Phase::Http, Phase::Loss];

    /// The name, as in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Dns => "dns",
            Phase::Tcp => "tcp",
            Phase::Tls => "tls",
            Phase::Http => "http",
            Phase::Loss => "loss",
        }
    }
}

/// Milliseconds rounded to the microsecond, as every report gives them.
pub fn round_ms(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1000.0
}

/// The point `d` from now, or one a century away where `d` is too long to represent: a
/// deadline from a flag or a header never overflows.
#[cfg(feature = "probe")]
pub fn deadline_in(d: Duration) -> Instant {
    later(Instant::now(), d)
}

/// `start + d`, saturating a century away: no duration from a flag, a profile or a header
/// can overflow the clock.
#[cfg(feature = "probe")]
pub fn later(start: Instant, d: Duration) -> Instant {
    const FAR: Duration = Duration::from_secs(100 * 365 * 86_400);
    start.checked_add(d.min(FAR)).unwrap_or(start)
}

#[cfg(feature = "probe")]
pub(crate) fn ms_since(start: Instant) -> f64 {
    round_ms(start.elapsed().as_secs_f64() * 1000.0)
}

#[cfg(feature = "probe")]
/// Time limits of each phase. Every one is also bounded by the run's deadline.
#[derive(Clone, Copy, Debug)]
pub struct Timeouts {
    pub dns: Duration,
    pub connect: Duration,
    pub tls: Duration,
    /// From the request to the response head.
    pub ttfb: Duration,
    /// Reading the (capped) body.
    pub body: Duration,
}

#[cfg(feature = "probe")]
impl Timeouts {
    /// `phase` for DNS, connect and TLS, twice that for the response head and for the body
    /// (the command line's `--timeout`).
    pub fn scaled(phase: Duration) -> Timeouts {
        Timeouts {
            dns: phase,
            connect: phase,
            tls: phase,
            ttfb: phase.saturating_mul(2),
            body: phase.saturating_mul(2),
        }
    }
}

#[cfg(feature = "probe")]
impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            dns: Duration::from_secs(5),
            connect: Duration::from_secs(5),
            tls: Duration::from_secs(5),
            ttfb: Duration::from_secs(10),
            body: Duration::from_secs(10),
        }
    }
}

#[cfg(feature = "probe")]
/// What to probe with.
#[derive(Clone, Debug)]
pub struct ProbeConfig {
    /// Connect probes per address for loss and latency (0: none).
    pub count: u32,
    /// Pause between two connect probes to the same address (at least 10 ms).
    pub interval: Duration,
    pub resolver: ResolverChoice,
    /// More DNS servers to ask the same names; answers that differ from the main resolver's
    /// are flagged (a sign of DNS hijacking or pollution, common on public Wi-Fi).
    pub compare_resolvers: Vec<SocketAddr>,
    /// A private CA to trust besides the system's, PEM.
    pub ca_pem: Option<Vec<u8>>,
    /// Report certificate problems but go on with the request.
    pub insecure: bool,
    pub timeouts: Timeouts,
    pub method: Method,
    pub body_cap: usize,
    pub max_redirects: usize,
    /// Follow redirects to other hosts than the endpoint's (subject to [`redirect::judge`]
    /// always). Off in `bindcheck serve`, where only a target's `redirect_hosts` are.
    pub cross_host_redirects: bool,
    /// Show URLs' query values in reports (`--unmasked`). Userinfo is masked always.
    pub show_query_values: bool,
    /// Endpoints probed at once.
    pub concurrency: usize,
    /// A cap on connections open at once, shared with every prober given a clone of it
    /// (none: no cap beyond `concurrency`).
    pub connection_limit: Option<tcp::ConnectionLimit>,
    /// The whole run's time limit.
    pub deadline: Duration,
    /// Also make the application-path request ([`app`]) to every endpoint, through
    /// `proxy`, beside the phase-by-phase probe.
    pub app_path: bool,
    /// The proxies the application path goes through (none: direct). For an https endpoint
    /// with a proxy, bindcheck also opens its own tunnel ([`proxy::tunnel`]).
    pub proxy: proxy::ProxySettings,
}

#[cfg(feature = "probe")]
impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            count: 20,
            interval: Duration::from_millis(100),
            resolver: ResolverChoice::System,
            compare_resolvers: Vec::new(),
            ca_pem: None,
            insecure: false,
            timeouts: Timeouts::default(),
            method: Method::Get,
            body_cap: 64 * 1024,
            max_redirects: 5,
            cross_host_redirects: true,
            show_query_values: false,
            concurrency: 16,
            connection_limit: None,
            deadline: Duration::from_secs(30),
            app_path: true,
            proxy: proxy::ProxySettings::none(),
        }
    }
}

/// One endpoint to probe.
#[derive(Clone, Debug)]
pub struct Target {
    pub url: Url,
    pub method: Method,
    /// Hosts besides the endpoint's own that its redirects may lead to when
    /// [`ProbeConfig::cross_host_redirects`] is off: names, `*.suffix` patterns, or `*`.
    pub redirect_hosts: Vec<String>,
}

impl Target {
    pub fn new(url: Url, method: Method) -> Target {
        Target {
            url,
            method,
            redirect_hosts: Vec::new(),
        }
    }
}

/// A URL as reports show it: userinfo as `***`, always; each query and fragment value as
/// `***` unless `show_query_values` (a token or a card number may have been put there).
pub fn shown_url(url: &str, show_query_values: bool) -> String {
    // Nothing to mask: no userinfo, query or fragment (the common case, and cheap).
    if !url.contains(['@', '?', '#']) {
        return url.to_owned();
    }
    let masked = env::mask_credentials(url);
    let Ok(mut u) = Url::parse(&masked) else {
        return masked;
    };
    if !show_query_values {
        let mask = |text: &str| {
            text.split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, value)) if !value.is_empty() => format!("{key}=***"),
                    Some(_) => pair.to_owned(),
                    None if pair.is_empty() => String::new(),
                    None => "***".to_owned(),
                })
                .collect::<Vec<_>>()
                .join("&")
        };
        if let Some(q) = u.query().map(mask) {
            u.set_query(Some(&q));
        }
        if let Some(f) = u.fragment().map(mask) {
            u.set_fragment(Some(&f));
        }
    }
    u.to_string()
}

/// The most connect probes per address a run may ask for.
pub const MAX_COUNT: u32 = 1000;

#[cfg(feature = "probe")]
/// Builds a [`Prober`], checking the configuration.
pub struct ProberBuilder {
    config: ProbeConfig,
}

#[cfg(feature = "probe")]
impl BuildError {
    /// What is wrong, in Simplified Chinese.
    pub fn zh(&self) -> String {
        match self {
            BuildError::Resolver { resolver, .. } => match resolver {
                ResolverChoice::System => "无法使用系统的 DNS 设置".into(),
                ResolverChoice::Server(a) => format!("无法通过 {a} 进行 DNS 解析"),
            },
            BuildError::Tls(_) => "无法准备 TLS".into(),
            BuildError::NoConcurrency => "并发数至少为 1".into(),
            BuildError::IntervalTooShort => "探测间隔至少为 10 ms".into(),
            BuildError::TooManyProbes { max } => format!("每个地址最多探测 {max} 次"),
            BuildError::App(_) => "无法准备应用路径的请求".into(),
        }
    }
}

#[cfg(feature = "probe")]
/// A configuration that cannot work.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The resolver configuration could not be read or built.
    #[error("cannot set up DNS resolution through {resolver}")]
    Resolver {
        resolver: ResolverChoice,
        #[source]
        source: hickory_resolver::net::NetError,
    },
    /// The trust store or CA file is unusable.
    #[error("cannot set up TLS")]
    Tls(#[from] TlsSetupError),
    #[error("concurrency must be at least 1")]
    NoConcurrency,
    #[error("the probe interval must be at least 10 ms")]
    IntervalTooShort,
    #[error("at most {max} probes per address")]
    TooManyProbes { max: u32 },
    /// The application path's HTTP client could not be built.
    #[error("cannot set up the application-path request")]
    App(#[from] app::AppError),
}

#[cfg(feature = "probe")]
impl ProberBuilder {
    pub fn build(self) -> Result<Prober, BuildError> {
        let c = self.config;
        if c.concurrency == 0 {
            return Err(BuildError::NoConcurrency);
        }
        if c.interval < Duration::from_millis(10) {
            return Err(BuildError::IntervalTooShort);
        }
        if c.count > MAX_COUNT {
            return Err(BuildError::TooManyProbes { max: MAX_COUNT });
        }
        let resolver = dns::resolver(&c.resolver, c.timeouts.dns).map_err(|source| BuildError::Resolver {
            resolver: c.resolver.clone(),
            source,
        })?;
        let compare = c
            .compare_resolvers
            .iter()
            .map(|a| {
                let choice = ResolverChoice::Server(*a);
                match dns::resolver(&choice, c.timeouts.dns) {
                    Ok(r) => Ok((choice, r)),
                    Err(source) => Err(BuildError::Resolver {
                        resolver: choice,
                        source,
                    }),
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        let tls = TlsSetup::new(c.ca_pem.as_deref(), c.insecure)?;
        let app = match c.app_path {
            true => {
                let proxy = (!c.proxy.is_empty()).then(|| c.proxy.clone());
                let mut setup = app::AppSetup::from_config(&c, tls.clone(), proxy);
                if let ResolverChoice::Server(_) = c.resolver {
                    setup.resolver = Some(resolver.clone());
                }
                Some(Arc::new(app::AppClient::new(&setup)?))
            }
            false => None,
        };
        Ok(Prober {
            config: c,
            resolver,
            compare,
            tls,
            app,
        })
    }
}

#[cfg(feature = "probe")]
/// Probes endpoints; cheap to share across tasks.
pub struct Prober {
    config: ProbeConfig,
    resolver: hickory_resolver::TokioResolver,
    compare: Vec<(ResolverChoice, hickory_resolver::TokioResolver)>,
    tls: TlsSetup,
    app: Option<Arc<app::AppClient>>,
}

/// Everything measured about one endpoint.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct EndpointReport {
    pub url: String,
    pub host: String,
    pub port: u16,
    /// The worst status over the steps that ran: `ok` when everything worked.
    pub status: Status,
    pub dns: dns::DnsResult,
    /// The same lookup through each `compare_resolvers` server.
    pub dns_compare: Vec<dns::DnsResult>,
    /// Some resolver's answers differ from the main resolver's (no address in common).
    pub dns_divergent: bool,
    pub tcp: Vec<ConnectResult>,
    /// The family a happy-eyeballs client would use.
    pub preferred_family: Option<Family>,
    /// An IPv6 address exists but no IPv6 connect worked while IPv4 did: hidden by fallback,
    /// but slow and flaky for clients that try IPv6 first.
    pub ipv6_broken: bool,
    pub tls: Option<TlsResult>,
    pub http: Option<HttpResult>,
    pub loss: Vec<LossResult>,
    /// ICMP echo to each address, where the system allows unprivileged ping sockets.
    pub icmp: Vec<IcmpResult>,
    /// The hop-by-hop path, when traced (`check --trace`, or automatically on loss).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<trace::TraceResult>,
    /// Phases the deadline kept from starting.
    pub not_measured: Vec<Phase>,
    /// The request an app's HTTP stack would make (reqwest, through the proxy in effect),
    /// when the run made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<app::AppPathResult>,
    /// bindcheck's own tunnel through the proxy an https endpoint's traffic takes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<proxy::ProxyPath>,
}

#[cfg(feature = "probe")]
impl Prober {
    pub fn builder(config: ProbeConfig) -> ProberBuilder {
        ProberBuilder { config }
    }

    pub fn config(&self) -> &ProbeConfig {
        &self.config
    }

    /// Probes every URL with the configured method, `concurrency` at a time, within the
    /// configured deadline. Reports come back in the order of `urls`.
    pub async fn probe(self: &Arc<Self>, urls: &[Url]) -> Vec<EndpointReport> {
        let targets: Vec<(Url, Method)> = urls.iter().map(|u| (u.clone(), self.config.method)).collect();
        self.probe_targets(&targets).await
    }

    /// Like [`Prober::probe`], with a method per URL.
    pub async fn probe_targets(self: &Arc<Self>, targets: &[(Url, Method)]) -> Vec<EndpointReport> {
        let targets: Vec<Target> = targets.iter().map(|(u, m)| Target::new(u.clone(), *m)).collect();
        self.probe_until(&targets, deadline_in(self.config.deadline)).await
    }

    /// Like [`Prober::probe_targets`], with each target's redirect hosts and the run's
    /// deadline given (a scrape's timeout).
    pub async fn probe_until(self: &Arc<Self>, targets: &[Target], deadline: Instant) -> Vec<EndpointReport> {
        let permits = Arc::new(Semaphore::new(self.config.concurrency));
        let mut tasks = Vec::with_capacity(targets.len());
        for target in targets {
            let (me, target, permits) = (Arc::clone(self), target.clone(), Arc::clone(&permits));
            tasks.push(tokio::spawn(async move {
                // Waiting for a turn ends at the deadline: what never started is reported
                // as not measured at once, however many endpoints are waiting.
                let _permit = tokio::time::timeout_at(deadline, permits.acquire_owned()).await;
                me.probe_target(&target, deadline).await
            }));
        }
        let mut reports = Vec::with_capacity(tasks.len());
        for (task, target) in tasks.into_iter().zip(targets) {
            let report = task.await.unwrap_or_else(|_| {
                let mut failed = EndpointReport::failed(&target.url, "the probe task failed");
                failed.mask_urls(self.config.show_query_values);
                failed
            });
            reports.push(report);
        }
        reports
    }

    /// Looks up where `domain` receives mail (never contacting the mail server).
    pub async fn mail(&self, domain: &str) -> MailResult {
        self.mail_until(domain, deadline_in(self.config.deadline)).await
    }

    /// Like [`Prober::mail`], with the run's deadline given.
    pub async fn mail_until(&self, domain: &str, deadline: Instant) -> MailResult {
        dns::mail(&self.resolver, &self.config.resolver, domain, deadline).await
    }

    /// Probes one endpoint before `deadline`: DNS, a connect to every address, then HTTP
    /// (with TLS) beside the loss probes. A phase the deadline cut is a timeout of that
    /// phase; only phases that never started are `not_measured`.
    pub async fn probe_one(&self, url: &Url, method: Method, deadline: Instant) -> EndpointReport {
        self.probe_target(&Target::new(url.clone(), method), deadline).await
    }

    /// Like [`Prober::probe_one`], with the target's redirect hosts.
    pub async fn probe_target(&self, target: &Target, deadline: Instant) -> EndpointReport {
        let (mut report, app, proxy) = tokio::join!(
            self.probe_unmasked(target, deadline),
            self.app_path(target, deadline),
            self.proxy_path(&target.url, deadline),
        );
        report.app = app;
        report.proxy = proxy;
        report.mask_urls(self.config.show_query_values);
        report
    }

    /// The application-path request, when the configuration asks for it: on a task of its
    /// own, so that its TLS handshake runs on another core beside the direct path's.
    async fn app_path(&self, target: &Target, deadline: Instant) -> Option<app::AppPathResult> {
        let client = Arc::clone(self.app.as_ref()?);
        let (url, method, hosts) = (target.url.clone(), target.method, target.redirect_hosts.clone());
        match tokio::spawn(async move { client.request_to(&url, method, &hosts, deadline).await }).await {
            Ok(result) => Some(result),
            // The request is bounded by the deadline and does not panic on any answer; should
            // it ever, the panic is re-raised rather than reported as a result.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => None,
        }
    }

    /// bindcheck's own tunnel through the proxy an https URL's traffic takes, and the TLS
    /// handshake through it; none for a direct or plain-http URL.
    async fn proxy_path(&self, url: &Url, deadline: Instant) -> Option<proxy::ProxyPath> {
        let c = &self.config;
        if !c.app_path || url.scheme() != "https" {
            return None;
        }
        let route = c.proxy.for_url(url)?;
        let (host, port) = host_port(url)?;
        let (tunnel, open) =
            proxy::tunnel(&route, &host, port, &c.timeouts, c.connection_limit.as_ref(), deadline).await;
        let tls = match open {
            Some(t) => {
                let (result, _stream) = tls::handshake(
                    &self.tls,
                    t.stream,
                    &host,
                    &[b"h2", b"http/1.1"],
                    c.timeouts.tls,
                    deadline,
                )
                .await;
                Some(result)
            }
            None => None,
        };
        Some(proxy::ProxyPath { tunnel, tls })
    }

    async fn probe_unmasked(&self, target: &Target, deadline: Instant) -> EndpointReport {
        let url = &target.url;
        let Some((host, port)) = host_port(url) else {
            return EndpointReport::failed(url, "the URL has no host, or its scheme is not http or https");
        };
        let mut report = EndpointReport::new(url, &host, port, &self.config.resolver);
        if Instant::now() >= deadline {
            report.not_measured = Phase::ALL.to_vec();
            report.status = Status::NotMeasured;
            return report;
        }
        self.resolve(&mut report, deadline).await;
        if report.dns.status == Status::Ok {
            if let Some(addr) = self.connect_all(&mut report, deadline).await {
                self.request_and_measure(&mut report, target, addr, deadline).await;
            }
        }
        report.finish();
        report
    }

    /// The DNS phase: the main resolver and every comparison resolver at once.
    async fn resolve(&self, report: &mut EndpointReport, deadline: Instant) {
        let c = &self.config;
        let host = report.host.clone();
        let dns_deadline = deadline.min(deadline_in(c.timeouts.dns));
        let (main, compared) = tokio::join!(
            dns::resolve(&self.resolver, &c.resolver, &host, dns_deadline),
            join_all(
                self.compare
                    .iter()
                    .map(|(choice, r)| dns::resolve(r, choice, &host, dns_deadline))
            )
        );
        report.dns = main;
        report.dns_divergent = compared.iter().any(|other| dns::diverges(&report.dns, other));
        report.dns_compare = compared;
    }

    /// The connect phase: every address at once. Returns the address a happy-eyeballs client
    /// would use, if any connected.
    async fn connect_all(&self, report: &mut EndpointReport, deadline: Instant) -> Option<SocketAddr> {
        let addrs: Vec<SocketAddr> = report
            .dns
            .addresses()
            .into_iter()
            .map(|ip| SocketAddr::new(ip, report.port))
            .collect();
        let connects = join_all(addrs.iter().map(|a| {
            tcp::connect(
                *a,
                self.config.timeouts.connect,
                deadline,
                self.config.connection_limit.as_ref(),
            )
        }))
        .await;
        // The streams close here: HTTP opens its own connection, timed from the start.
        report.tcp = connects.into_iter().map(|(r, _)| r).collect();
        report.preferred_family = tcp::preferred_family(&report.tcp);
        let ok = |f: Family| report.tcp.iter().any(|r| r.family == f && r.status == Status::Ok);
        let v6_exists = report.tcp.iter().any(|r| r.family == Family::Ipv6);
        report.ipv6_broken = v6_exists && !ok(Family::Ipv6) && ok(Family::Ipv4);
        let target = report
            .tcp
            .iter()
            .filter(|r| r.status == Status::Ok && Some(r.family) == report.preferred_family)
            .min_by(|a, b| a.time_ms.unwrap_or(f64::MAX).total_cmp(&b.time_ms.unwrap_or(f64::MAX)))
            .map(|r| r.addr);
        if target.is_none() && report.tcp.iter().all(|r| r.status == Status::NotMeasured) {
            report.not_measured = Phase::ALL[1..].to_vec();
        }
        target
    }

    /// HTTP (with its TLS handshake) and the loss probes, side by side.
    async fn request_and_measure(
        &self,
        report: &mut EndpointReport,
        target: &Target,
        addr: SocketAddr,
        deadline: Instant,
    ) {
        let c = &self.config;
        let reachable: Vec<SocketAddr> = report
            .tcp
            .iter()
            .filter(|r| r.status == Status::Ok && c.count > 0)
            .map(|r| r.addr)
            .collect();
        let connect_timeout = c.timeouts.connect.min(Duration::from_millis(3500));
        let loss = join_all(reachable.iter().map(|a| {
            tcp::loss(
                *a,
                c.count,
                c.interval,
                connect_timeout,
                deadline,
                c.connection_limit.as_ref(),
            )
        }));
        let icmp_timeout = c.timeouts.connect.min(Duration::from_secs(2));
        let pinged: Vec<IpAddr> = report.dns.addresses().into_iter().filter(|_| c.count > 0).collect();
        let pings = join_all(
            pinged
                .iter()
                .map(|ip| icmp::ping(*ip, c.count, c.interval, icmp_timeout, deadline)),
        );
        let http = self.http_chain(target, addr, report.dns.time_ms, deadline);
        let (loss, pings, (tls, http)) = tokio::join!(loss, pings, http);
        report.loss = loss;
        report.icmp = pings;
        if report.loss.iter().any(|l| l.not_sent > 0) || report.icmp.iter().any(|p| p.not_sent > 0) {
            report.not_measured.push(Phase::Loss);
        }
        if tls.as_ref().is_some_and(|t| t.status == Status::NotMeasured) {
            report.not_measured.push(Phase::Tls);
        }
        if http.status == Status::NotMeasured {
            report.not_measured.push(Phase::Http);
        }
        report.not_measured.sort_unstable();
        report.tls = tls;
        report.http = Some(http);
    }

    /// Requests the target's URL and follows redirects where [`redirect`] allows, each hop
    /// on a fresh connection. Returns the TLS result of the first hop (the endpoint's own
    /// certificate) and the HTTP result.
    async fn http_chain(
        &self,
        target: &Target,
        first: SocketAddr,
        first_dns_ms: Option<f64>,
        deadline: Instant,
    ) -> (Option<TlsResult>, HttpResult) {
        let c = &self.config;
        let (url, method) = (&target.url, target.method);
        let mut result = HttpResult::new(method, url);
        let mut endpoint_tls = None;
        let mut current = url.clone();
        let mut seen = vec![current.clone()];
        for hop in 0..=c.max_redirects {
            let start = if hop == 0 {
                HopStart::Connected(first, first_dns_ms)
            } else {
                HopStart::Resolve { endpoint: first.ip() }
            };
            let outcome = self.hop(&current, method, start, deadline).await;
            if hop == 0 {
                endpoint_tls = outcome.tls;
            }
            if let Some(h) = outcome.hop {
                result.hops.push(h);
            }
            let ex = match outcome.exchange {
                Err(failure) => {
                    result.status = failure.status;
                    result.error = failure.error;
                    result.body_bytes = failure.received;
                    result.redirect_refused = failure.refused.map(|(reason, address)| http::RefusedRedirect {
                        url: current.to_string(),
                        address,
                        reason,
                    });
                    // A later hop the deadline kept from starting is part of a phase that
                    // started: the chain timed out.
                    if hop > 0 && result.status == Status::NotMeasured {
                        result.status = Status::Timeout;
                    }
                    break;
                }
                Ok(ex) => ex,
            };
            let phases = result.hops.last().map_or_else(http::Phases::default, |h| h.phases);
            result.status_code = Some(ex.status_code);
            result.version = result.hops.last().and_then(|h| h.version);
            result.phases = phases;
            result.ttfb_ms = Some(phases.ttfb_ms());
            result.body_bytes = ex.body_bytes;
            result.body_truncated = ex.body_truncated;
            result.clock_skew_s = http::clock_skew(&ex.headers, ex.received_at).or(result.clock_skew_s);
            result.retry_after = http::retry_after(&ex.headers, ex.received_at);
            result.final_url = current.to_string();
            let Some(next) = http::redirect_target(ex.status_code, &ex.headers, &current) else {
                result.status = http::classify_status(ex.status_code);
                break;
            };
            if seen.contains(&next) {
                result.status = Status::RedirectLoop;
                break;
            }
            if !c.cross_host_redirects
                && !redirect::host_allowed(
                    next.host_str().unwrap_or_default(),
                    url.host_str().unwrap_or_default(),
                    &target.redirect_hosts,
                )
            {
                result.status = Status::RedirectRefused;
                result.error = Some(format!("a redirect to {}", redirect::Refusal::OtherHost.reason()));
                result.redirect_refused = Some(http::RefusedRedirect {
                    url: next.to_string(),
                    address: None,
                    reason: redirect::Refusal::OtherHost,
                });
                break;
            }
            if hop == c.max_redirects {
                result.status = Status::TooManyRedirects;
                break;
            }
            seen.push(next.clone());
            current = next;
        }
        let total: f64 = result.hops.iter().map(|h| h.total_ms).sum();
        let last = result.hops.last().map_or(0.0, |h| h.total_ms);
        result.total_ms = (!result.hops.is_empty()).then_some(round_ms(total));
        result.redirect_ms = round_ms(total - last);
        (endpoint_tls, result)
    }

    /// One request of a redirect chain on a fresh connection: resolve (after a redirect),
    /// connect, TLS, the exchange. The hop record is built once, from the phases that ran.
    async fn hop(&self, url: &Url, method: Method, start: HopStart, deadline: Instant) -> HopOutcome {
        let mut phases = http::Phases::default();
        let mut outcome = HopOutcome {
            hop: None,
            tls: None,
            exchange: Err(HopFailure::new(Status::Error, None)),
        };
        let Some((host, port)) = host_port(url) else {
            outcome.exchange = Err(HopFailure::new(
                Status::Error,
                Some("a redirect points to a URL bindcheck cannot follow".into()),
            ));
            return outcome;
        };
        if Instant::now() >= deadline {
            outcome.exchange = Err(HopFailure::new(Status::NotMeasured, None));
            return outcome;
        }
        let addr = match self.hop_address(start, &host, port, &mut phases, deadline).await {
            Ok(addr) => addr,
            Err(failure) => {
                outcome.exchange = Err(failure);
                return outcome;
            }
        };
        let io = match self
            .open_stream(url, &host, addr, &mut phases, &mut outcome.tls, deadline)
            .await
        {
            Ok(io) => io,
            Err(failure) => {
                outcome.exchange = Err(failure);
                return outcome;
            }
        };
        // HTTP/2 where the server chose it through ALPN; plain HTTP is HTTP/1.1.
        let version = http::HttpVersion::from_alpn(outcome.tls.as_ref().and_then(|t| t.alpn.as_deref()));
        let (hop, exchange) = self.ask(io, version, url, method, phases, deadline).await;
        outcome.hop = Some(hop);
        outcome.exchange = exchange;
        outcome
    }

    /// Where the hop connects: the endpoint's address, or a redirect target's, resolved now.
    async fn hop_address(
        &self,
        start: HopStart,
        host: &str,
        port: u16,
        phases: &mut http::Phases,
        deadline: Instant,
    ) -> Result<SocketAddr, HopFailure> {
        let c = &self.config;
        match start {
            HopStart::Connected(addr, dns_ms) => {
                phases.dns_ms = dns_ms;
                Ok(addr)
            }
            HopStart::Lookup | HopStart::Resolve { .. } => {
                let until = deadline.min(deadline_in(c.timeouts.dns));
                let d = dns::resolve(&self.resolver, &c.resolver, host, until).await;
                phases.dns_ms = d.time_ms;
                let addresses = d.addresses();
                let HopStart::Resolve { endpoint } = start else {
                    return match addresses.first() {
                        Some(ip) => Ok(SocketAddr::new(*ip, port)),
                        // An answer with no address is a failed lookup all the same.
                        None if d.status == Status::Ok => Err(HopFailure::new(Status::Error, None)),
                        None => Err(HopFailure::new(d.status, None)),
                    };
                };
                // A redirect target: every address the name has is judged, as one that may
                // not be reached makes the whole name suspect (a resolver mixing in internal
                // addresses).
                if let Some((ip, why)) = addresses
                    .iter()
                    .find_map(|ip| redirect::judge(endpoint, *ip).err().map(|why| (*ip, why)))
                {
                    let mut failure = HopFailure::new(
                        Status::RedirectRefused,
                        Some(format!("a redirect to {ip}: {}", why.reason())),
                    );
                    failure.refused = Some((why, Some(ip)));
                    return Err(failure);
                }
                match addresses.first() {
                    Some(ip) => Ok(SocketAddr::new(*ip, port)),
                    None => {
                        let why = format!("the redirect target {host} does not resolve");
                        Err(HopFailure::new(d.status, Some(why)))
                    }
                }
            }
        }
    }

    /// A fresh connection to `addr`, with TLS for https; the handshake's result goes to
    /// `tls`.
    async fn open_stream(
        &self,
        url: &Url,
        host: &str,
        addr: SocketAddr,
        phases: &mut http::Phases,
        tls: &mut Option<TlsResult>,
        deadline: Instant,
    ) -> Result<Box<dyn http::Io>, HopFailure> {
        let c = &self.config;
        let (connect, stream) = tcp::connect(addr, c.timeouts.connect, deadline, c.connection_limit.as_ref()).await;
        phases.connect_ms = connect.time_ms;
        let Some((stream, room)) = stream else {
            return Err(HopFailure::new(connect.status, None));
        };
        if url.scheme() != "https" {
            return Ok(Box::new(tcp::Held::new(stream, room)));
        }
        let (result, tls_stream) =
            tls::handshake(&self.tls, stream, host, &[b"h2", b"http/1.1"], c.timeouts.tls, deadline).await;
        phases.tls_ms = result.time_ms;
        let status = result.status;
        *tls = Some(result);
        match tls_stream {
            Some(s) => Ok(Box::new(tcp::Held::new(s, room))),
            // The handshake's own result says why; the request never went out.
            None if status == Status::NotMeasured => Err(HopFailure::new(Status::NotMeasured, None)),
            None => Err(HopFailure::new(Status::Skipped, None)),
        }
    }

    /// The request and its answer on `io`, and the hop's record.
    async fn ask(
        &self,
        io: Box<dyn http::Io>,
        version: http::HttpVersion,
        url: &Url,
        method: Method,
        mut phases: http::Phases,
        deadline: Instant,
    ) -> (http::Hop, Result<http::Exchange, HopFailure>) {
        let c = &self.config;
        let limits = http::Limits {
            ttfb: c.timeouts.ttfb,
            body: c.timeouts.body,
            body_cap: c.body_cap,
        };
        let asked = Instant::now();
        let exchanged = http::exchange(io, version, method, url, limits, deadline).await;
        let status_code = match &exchanged {
            Ok(ex) => {
                phases.server_ms = Some(ex.server_ms);
                phases.transfer_ms = Some(ex.transfer_ms);
                Some(ex.status_code)
            }
            // The time waited for an answer that did not come.
            Err(_) => {
                phases.server_ms = Some(ms_since(asked));
                None
            }
        };
        let hop = http::Hop {
            url: url.to_string(),
            status_code,
            version: Some(version),
            phases,
            total_ms: phases.total_ms(),
        };
        let exchange = exchanged.map_err(|e| HopFailure {
            status: e.status(),
            received: e.received(),
            error: Some(http::error_chain(&e)),
            refused: None,
        });
        (hop, exchange)
    }
}

/// Where a hop starts: on an address already resolved and connected to once (the endpoint
/// itself), or with a lookup (a redirect target).
#[cfg(feature = "probe")]
enum HopStart {
    Connected(SocketAddr, Option<f64>),
    /// A redirect target, judged against the endpoint's address.
    Resolve {
        endpoint: IpAddr,
    },
    /// A URL of its own (a connectivity check), resolved now; its first address is used.
    Lookup,
}

/// What one hop produced.
#[cfg(feature = "probe")]
struct HopOutcome {
    /// The hop's record, when the request went out.
    hop: Option<http::Hop>,
    /// The TLS handshake, on https.
    tls: Option<TlsResult>,
    exchange: Result<http::Exchange, HopFailure>,
}

/// Why a hop gave no response.
#[cfg(feature = "probe")]
struct HopFailure {
    status: Status,
    error: Option<String>,
    received: u64,
    /// A redirect not followed, and the address judged.
    refused: Option<(redirect::Refusal, Option<IpAddr>)>,
}

#[cfg(feature = "probe")]
impl HopFailure {
    fn new(status: Status, error: Option<String>) -> HopFailure {
        HopFailure {
            status,
            error,
            received: 0,
            refused: None,
        }
    }
}

#[cfg(feature = "probe")]
impl EndpointReport {
    fn new(url: &Url, host: &str, port: u16, resolver: &ResolverChoice) -> EndpointReport {
        EndpointReport {
            url: url.to_string(),
            host: host.to_owned(),
            port,
            status: Status::Ok,
            dns: dns::DnsResult {
                status: Status::NotMeasured,
                resolver: resolver.to_string(),
                time_ms: None,
                a: Vec::new(),
                aaaa: Vec::new(),
                error: None,
            },
            dns_compare: Vec::new(),
            dns_divergent: false,
            tcp: Vec::new(),
            preferred_family: None,
            ipv6_broken: false,
            tls: None,
            http: None,
            loss: Vec::new(),
            icmp: Vec::new(),
            trace: None,
            app: None,
            proxy: None,
            not_measured: Vec::new(),
        }
    }

    /// Masks every URL in the report ([`shown_url`]).
    fn mask_urls(&mut self, show_query_values: bool) {
        self.url = shown_url(&self.url, show_query_values);
        if let Some(h) = &mut self.http {
            h.final_url = shown_url(&h.final_url, show_query_values);
            for hop in &mut h.hops {
                hop.url = shown_url(&hop.url, show_query_values);
            }
            if let Some(r) = &mut h.redirect_refused {
                r.url = shown_url(&r.url, show_query_values);
            }
        }
    }

    fn failed(url: &Url, why: &str) -> EndpointReport {
        let mut r = EndpointReport::new(
            url,
            url.host_str().unwrap_or(""),
            url.port_or_known_default().unwrap_or(0),
            &ResolverChoice::System,
        );
        r.status = Status::Error;
        r.dns.status = Status::Skipped;
        r.dns.error = Some(why.to_owned());
        r
    }

    /// Sets the overall status: the first failing step, in path order.
    fn finish(&mut self) {
        let tcp = if self.tcp.is_empty() || self.tcp.iter().any(|t| t.status == Status::Ok) {
            Status::Ok
        } else {
            self.tcp
                .iter()
                .map(|t| t.status)
                .find(|s| *s != Status::Ok)
                .unwrap_or(Status::Error)
        };
        let tls = self.tls.as_ref().map_or(Status::Ok, |t| t.status);
        let http = self.http.as_ref().map_or(Status::Ok, |h| h.status);
        self.status = [self.dns.status, tcp, tls, http]
            .into_iter()
            .find(|s| !matches!(s, Status::Ok | Status::Skipped))
            .unwrap_or(Status::Ok);
    }
}

/// The host and port of an http or https URL.
pub fn host_port(url: &Url) -> Option<(String, u16)> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let host = match url.host()? {
        url::Host::Domain(d) => d.to_owned(),
        url::Host::Ipv4(ip) => IpAddr::V4(ip).to_string(),
        url::Host::Ipv6(ip) => IpAddr::V6(ip).to_string(),
    };
    Some((host, url.port_or_known_default()?))
}

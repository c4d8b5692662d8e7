//! The whole readiness check as one call: a [`Plan`] in, a [`Report`] out.
//!
//! `bindcheck check`, `bindcheck serve`'s `/probe` and library users all run this pipeline:
//! validate the inputs, probe the profile's endpoints, look up the email domain's mail
//! hosts, trace the path where it is in doubt, look at the local environment, then let
//! [`rules`](crate::report::rules::build) turn the evidence into findings, a verdict and remedies.
//!
//! A plan without endpoints or an email touches no network:
//!
//! ```
//! use bindcheck::check::Plan;
//! use bindcheck::profile::Profile;
//! use bindcheck::report::Verdict;
//! use bindcheck::validate::Inputs;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut profile = Profile::default_profile();
//! profile.endpoints.clear();
//! // A fixed-line number cannot receive the SMS code a bind sends.
//! let inputs = Inputs { phone: Some("010-6552 9988".into()), ..Inputs::default() };
//! let plan = Plan::builder(profile).inputs(inputs).environment(false).build()?;
//! let report = tokio::runtime::Runtime::new()?.block_on(plan.run());
//! assert_eq!(report.verdict, Verdict::Blocked);
//! assert_eq!(report.findings[0].code.as_str(), "phone.not_mobile");
//! # Ok(()) }
//! ```
//!
//! With endpoints, the same call probes them (here a server the example starts itself):
//!
//! ```
//! # use bindcheck::check::Plan;
//! # use bindcheck::profile::Profile;
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let runtime = tokio::runtime::Runtime::new()?;
//! # runtime.block_on(async {
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! let url = format!("http://{}/health", listener.local_addr()?);
//! tokio::spawn(async move {
//!     while let Ok((mut socket, _)) = listener.accept().await {
//!         let mut request = [0; 1024];
//!         let _ = socket.read(&mut request).await;
//!         let _ = socket.write_all(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n").await;
//!     }
//! });
//! let profile = Profile::parse(
//!     &format!("name = \"Example Pay\"\n[[endpoint]]\nurl = \"{url}\"\n"),
//!     "example.toml",
//!     None,
//! )?;
//! let plan = Plan::builder(profile).count(0).environment(false).build()?;
//! let report = plan.run().await;
//! assert_eq!(report.verdict.as_str(), "ready");
//! assert_eq!(report.endpoints[0].http.as_ref().and_then(|h| h.status_code), Some(204));
//! # Ok::<_, Box<dyn std::error::Error>>(()) })?;
//! # Ok(()) }
//! ```

use futures_util::future::join_all;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::probe::trace::{Protocol, TraceConfig};
use crate::probe::{
    deadline_in, dns, env, trace, BuildError, EndpointReport, ProbeConfig, Prober, ResolverChoice, Status, Target,
    Timeouts,
};
use crate::profile::{EndpointId, Profile};
use crate::report::rules::{self, Evidence};
use crate::report::time::TimeZone;
use crate::report::{now_rfc3339, today_utc, Report};
use crate::validate::{validate, Inputs, Lang, Validation};

/// When to trace the path to the endpoints hop by hop.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TracePolicy {
    /// When an endpoint loses packets or cannot be reached.
    #[default]
    Auto,
    Always,
    Never,
}

/// The longest a trace may take within a check (the default trace takes at most 21 s; the
/// run's deadline bounds it too).
const TRACE_BUDGET: Duration = Duration::from_secs(25);
/// Reverse lookups of trace hops, each.
const HOP_NAME_TIMEOUT: Duration = Duration::from_millis(300);

/// A plan that cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The probe settings are out of range, or the resolver or trust store cannot be set up.
    #[error("cannot set up the probes")]
    Prober(#[from] BuildError),
    /// The run's deadline is zero.
    #[error("the deadline must be longer than zero")]
    ZeroDeadline,
}

impl PlanError {
    /// What is wrong, in Simplified Chinese.
    pub fn zh(&self) -> String {
        match self {
            PlanError::Prober(_) => "无法准备各项探测".into(),
            PlanError::ZeroDeadline => "总时限必须大于零".into(),
        }
    }
}

/// What a check looks at and how: the profile, the inputs, the probe settings, whether to
/// trace and to look at the environment. Built and checked by [`PlanBuilder`]; run with
/// [`Plan::run`] as often as you like (the resolvers and trust store are set up once).
pub struct Plan {
    profile: Arc<Profile>,
    inputs: Inputs,
    app_version: Option<String>,
    prober: Arc<Prober>,
    trace: TracePolicy,
    environment: bool,
    lang: Lang,
    unmasked: bool,
    time_zone: TimeZone,
}

impl std::fmt::Debug for Plan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plan")
            .field("profile", &self.profile.name)
            .field("inputs", &self.inputs)
            .field("probe", self.prober.config())
            .field("trace", &self.trace)
            .field("environment", &self.environment)
            .field("lang", &self.lang)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Plan`]; every setting has the command line's default.
#[derive(Debug)]
#[must_use]
pub struct PlanBuilder {
    profile: Arc<Profile>,
    inputs: Inputs,
    app_version: Option<String>,
    probe: ProbeConfig,
    trace: TracePolicy,
    environment: bool,
    lang: Lang,
    unmasked: bool,
    time_zone: TimeZone,
}

impl PlanBuilder {
    /// The form inputs to validate (default: none).
    pub fn inputs(mut self, inputs: Inputs) -> Self {
        self.inputs = inputs;
        self
    }

    /// The app's version, checked against the profile's `min_app_version`.
    pub fn app_version(mut self, version: impl Into<String>) -> Self {
        self.app_version = Some(version.into());
        self
    }

    /// Every probe setting at once, for fine control (per-phase time limits, body cap,
    /// redirects, concurrency). The profile's `compare_resolvers` are added when building.
    pub fn probe(mut self, config: ProbeConfig) -> Self {
        self.probe = config;
        self
    }

    /// The time limit of the whole run (default 30 s).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.probe.deadline = deadline;
        self
    }

    /// The time limit of each network phase; the response head and the body get twice
    /// this (default 5 s).
    pub fn timeout(mut self, phase: Duration) -> Self {
        self.probe.timeouts = Timeouts::scaled(phase);
        self
    }

    /// Connect probes per address for loss, latency and jitter (default 20; 0 for none).
    pub fn count(mut self, count: u32) -> Self {
        self.probe.count = count;
        self
    }

    /// The pause between two connect probes to one address (default 100 ms, at least 10 ms).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.probe.interval = interval;
        self
    }

    /// Where DNS lookups go (default: the system's resolver).
    pub fn resolver(mut self, resolver: ResolverChoice) -> Self {
        self.probe.resolver = resolver;
        self
    }

    /// A private CA to trust besides the system's, PEM.
    pub fn extra_ca(mut self, pem: Vec<u8>) -> Self {
        self.probe.ca_pem = Some(pem);
        self
    }

    /// Report certificate problems but go on with the request (the report says so).
    pub fn insecure(mut self, insecure: bool) -> Self {
        self.probe.insecure = insecure;
        self
    }

    /// When to trace the path (default [`TracePolicy::Auto`]).
    pub fn trace(mut self, policy: TracePolicy) -> Self {
        self.trace = policy;
        self
    }

    /// Whether to look at the local environment: proxies, route, memory, disk (default on).
    pub fn environment(mut self, on: bool) -> Self {
        self.environment = on;
        self
    }

    /// The language of the report's texts (default English).
    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// Show personal values in full. Such a report is not safe to share.
    pub fn unmasked(mut self, unmasked: bool) -> Self {
        self.unmasked = unmasked;
        self
    }

    /// The reader's time zone, for the times the report's sentences give (default UTC; the
    /// command line gives the system's). Machine fields stay UTC.
    pub fn time_zone(mut self, tz: TimeZone) -> Self {
        self.time_zone = tz;
        self
    }

    /// Checks the settings and sets up the resolvers and the trust store.
    pub fn build(self) -> Result<Plan, PlanError> {
        if self.probe.deadline.is_zero() {
            return Err(PlanError::ZeroDeadline);
        }
        let mut probe = ProbeConfig {
            compare_resolvers: self.profile.compare_resolvers.clone(),
            show_query_values: self.unmasked || self.probe.show_query_values,
            ..self.probe
        };
        if let Some(url) = &self.profile.proxy {
            probe.proxy = crate::probe::proxy::ProxySettings::explicit(url.clone());
        }
        let prober = Prober::builder(probe).build()?;
        Ok(Plan {
            profile: self.profile,
            inputs: self.inputs,
            app_version: self.app_version,
            prober: Arc::new(prober),
            trace: self.trace,
            environment: self.environment,
            lang: self.lang,
            unmasked: self.unmasked,
            time_zone: self.time_zone,
        })
    }
}

/// Which part of a plan one run covers.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    /// Only these endpoints; `None` for all of the profile's.
    pub endpoints: Option<Vec<EndpointId>>,
    /// This run's deadline instead of the plan's (a scrape's timeout).
    pub deadline: Option<Duration>,
}

impl Plan {
    /// A builder for a plan over `profile`.
    pub fn builder(profile: Profile) -> PlanBuilder {
        PlanBuilder::shared(Arc::new(profile))
    }

    /// The profile the plan checks against.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// Runs the whole plan.
    pub async fn run(&self) -> Report {
        self.run_scoped(&Scope::default()).await
    }

    /// Runs part of the plan.
    pub async fn run_scoped(&self, scope: &Scope) -> Report {
        let started = Instant::now();
        let started_at = now_rfc3339();
        let deadline = deadline_in(scope.deadline.unwrap_or(self.prober.config().deadline));
        let ids: Vec<EndpointId> = scope
            .endpoints
            .clone()
            .unwrap_or_else(|| self.profile.endpoint_ids().collect());

        // Validation and the environment start first, on other threads: they overlap with
        // the probes.
        let validation = self.validate();
        let environment = self.environment.then(|| {
            tokio::task::spawn_blocking(|| env::gather(&std::env::current_dir().unwrap_or_else(|_| ".".into())))
        });
        let targets: Vec<_> = ids
            .iter()
            .map(|id| {
                let e = self.profile.endpoint(*id);
                Target {
                    redirect_hosts: e.redirect_hosts.clone(),
                    ..Target::new(e.url.clone(), e.method)
                }
            })
            .collect();
        let probes = self.prober.probe_until(&targets, deadline);
        let mail = async {
            let validation = validation.await;
            let domain = validation
                .email
                .as_ref()
                .filter(|e| e.valid)
                .and_then(|e| e.domain_ascii.clone());
            let mail = match domain {
                Some(d) => Some(self.prober.mail_until(&d, deadline).await),
                None => None,
            };
            (validation, mail)
        };
        // The connectivity checks say whether this network lets the device out at all: a
        // question for a whole run on a device, not for one scrape of one target.
        let connectivity = async {
            match scope.endpoints {
                Some(_) => Vec::new(),
                None => {
                    join_all(
                        self.profile
                            .connectivity_checks
                            .iter()
                            .map(|url| self.prober.connectivity(url, deadline)),
                    )
                    .await
                }
            }
        };
        let (mut endpoints, (validation, mail), connectivity) = tokio::join!(probes, mail, connectivity);
        self.trace_where_needed(&mut endpoints, deadline).await;
        let environment = match environment {
            Some(task) => task.await.ok(),
            None => None,
        };
        let mut report = rules::build(
            Evidence {
                profile: &self.profile,
                inputs: &self.inputs,
                validation: &validation,
                endpoints: ids.into_iter().zip(endpoints).collect(),
                connectivity,
                mail,
                app_version: self.app_version.as_deref(),
                environment,
                insecure: self.prober.config().insecure,
                unmasked: self.unmasked,
                generated_at: now_rfc3339(),
                time_zone: self.time_zone.clone(),
                duration_ms: crate::probe::round_ms(started.elapsed().as_secs_f64() * 1000.0),
            },
            self.lang,
        );
        report.started_at = Some(started_at);
        // A hostname can name the machine's owner: it is not even asked for a masked report.
        report.hostname = if self.unmasked { env::hostname() } else { None };
        report
    }

    /// Validates the inputs on a blocking thread (the first number of a region compiles
    /// its patterns).
    async fn validate(&self) -> Validation {
        if self.inputs.is_empty() {
            return Validation::default();
        }
        let (inputs, policy) = (self.inputs.clone(), self.profile.policy.clone());
        let today = today_utc();
        match tokio::task::spawn_blocking(move || validate(&inputs, &policy, today)).await {
            Ok(v) => v,
            // The validators do not panic on any input (property-tested and fuzzed); should
            // one ever, it is re-raised here rather than reported as valid.
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Validation::default(),
        }
    }

    /// Traces the endpoints the policy asks for, within the trace budget and the deadline.
    async fn trace_where_needed(&self, endpoints: &mut [EndpointReport], deadline: tokio::time::Instant) {
        let loss_warn = self.profile.thresholds.loss_pct.warn;
        let wanted: Vec<(usize, IpAddr)> = endpoints
            .iter()
            .enumerate()
            .filter(|(_, e)| match self.trace {
                TracePolicy::Never => false,
                TracePolicy::Always => true,
                TracePolicy::Auto => {
                    let lossy = e.loss.iter().any(|l| l.summary.loss_pct >= loss_warn);
                    let unreachable = !e.tcp.is_empty() && !e.tcp.iter().any(|t| t.status == Status::Ok);
                    lossy || unreachable
                }
            })
            .filter_map(|(i, e)| e.dns.addresses().first().map(|ip| (i, *ip)))
            .collect();
        if wanted.is_empty() {
            return;
        }
        let until = deadline.min(deadline_in(TRACE_BUDGET));
        // TCP to the endpoint's own port: the path the app's traffic takes.
        let traces = join_all(wanted.iter().map(|(i, ip)| {
            let config = TraceConfig {
                protocol: Protocol::Tcp(endpoints[*i].port),
                ..TraceConfig::default()
            };
            trace::trace(*ip, config, until)
        }))
        .await;
        let namer = dns::resolver(&self.prober.config().resolver, HOP_NAME_TIMEOUT).ok();
        for ((i, _), mut t) in wanted.into_iter().zip(traces) {
            if let Some(r) = &namer {
                dns::name_hops(r, &mut t, HOP_NAME_TIMEOUT).await;
            }
            // The connect probes measured the end-to-end loss, which no ICMP rate limit
            // touches; the hops only say where it starts.
            let end_to_end = endpoints[i]
                .loss
                .iter()
                .filter(|l| l.summary.sent > 0)
                .map(|l| &l.summary)
                .max_by(|a, b| a.loss_pct.total_cmp(&b.loss_pct));
            if let Some(summary) = end_to_end {
                t.analysis = trace::analyze_with(&t.hops, summary);
            }
            endpoints[i].trace = Some(t);
        }
    }
}

impl PlanBuilder {
    /// A builder over a profile shared with other plans (`serve` keeps one per module).
    pub fn shared(profile: Arc<Profile>) -> PlanBuilder {
        PlanBuilder {
            profile,
            inputs: Inputs::default(),
            app_version: None,
            probe: ProbeConfig::default(),
            trace: TracePolicy::Auto,
            environment: true,
            lang: Lang::En,
            unmasked: false,
            time_zone: TimeZone::UTC,
        }
    }
}

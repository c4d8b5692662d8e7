//! The application path: one request made the way a wallet app's HTTP stack makes it
//! (reqwest over hyper and rustls), through the proxy in effect, with connection reuse off,
//! ALPN offering HTTP/2, compressed bodies decoded and redirects followed. Where
//! bindcheck's own probes ([`super::http`]) time every phase on a connection they open
//! themselves, this path answers a different question: does the request an app would send
//! get through, and what did it meet on the way?
//!
//! The proxy decision is bindcheck's ([`super::proxy::ProxySettings`]), handed to reqwest,
//! which never reads the environment itself; the trust roots are `TlsSetup`'s. When a
//! request fails, where it stopped ([`AppStage`]) is read from reqwest's error chain; a
//! proxy's exact answer is the CONNECT probe's to give (`proxy::tunnel`).
//!
//! Redirects are judged as the direct probe judges them ([`super::redirect`]): a target
//! given as an address by the redirect policy, a target given as a name once it is resolved,
//! by bindcheck's own resolver for reqwest (`Judged`). Both learn which request they serve
//! from a task-local `Scope` the request runs in (one client serves every endpoint): the
//! endpoint's own name and addresses, the redirect being followed, and the refusal, when
//! there is one. Through a proxy, the proxy resolves the names; only address targets are
//! judged there.

use serde::Serialize;

use super::Status;

#[cfg(feature = "probe")]
use {
    super::http::{Method, RefusedRedirect},
    super::portal::ConnectivityCheck,
    super::proxy::ProxySettings,
    super::redirect::{self, Refusal},
    super::tls::{TlsSetup, TlsSetupError},
    super::{later, ms_since, shown_url, tcp, ProbeConfig},
    std::error::Error as StdError,
    std::net::{IpAddr, SocketAddr},
    std::sync::{Arc, Mutex},
    std::time::Duration,
    tokio::time::{timeout_at, Instant},
    url::Url,
};

/// Where an application-path request stopped.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum AppStage {
    /// Reaching the proxy or opening a tunnel through it.
    Proxy,
    /// Looking up the endpoint's name (direct requests only: through a proxy, the proxy
    /// looks it up).
    Dns,
    /// The TCP connection to the endpoint.
    Connect,
    /// The TLS handshake with the endpoint.
    Tls,
    /// Sending the request or waiting for the response head.
    Request,
    /// Reading (or decoding) the body.
    Body,
    /// A redirect not followed: refused, a loop, or one too many.
    Redirect,
}

impl AppStage {
    /// Where the request stopped, in a reader's words: "at connect", "在建立连接时".
    pub fn label(self, lang: crate::validate::Lang) -> &'static str {
        let (en, zh) = match self {
            AppStage::Proxy => ("at the proxy", "在代理处"),
            AppStage::Dns => ("at the DNS lookup", "在域名解析时"),
            AppStage::Connect => ("at connect", "在建立连接时"),
            AppStage::Tls => ("at the TLS handshake", "在 TLS 握手时"),
            AppStage::Request => ("waiting for the answer", "在等待响应时"),
            AppStage::Body => ("reading the body", "在读取响应内容时"),
            AppStage::Redirect => ("at a redirect", "在重定向时"),
        };
        lang.pick(en, zh)
    }

    /// What happened here, in a reader's words: "connection reset waiting for the answer",
    /// "在等待响应时连接被重置".
    pub fn failure(self, status: Status, lang: crate::validate::Lang) -> String {
        match lang {
            crate::validate::Lang::En => format!("{} {}", status.label(lang), self.label(lang)),
            crate::validate::Lang::ZhCn => format!("{}{}", self.label(lang), status.label(lang)),
        }
    }

    /// The stage as the JSON names it: `proxy`, `dns`, `connect`, `tls`, `request`, `body`,
    /// `redirect`.
    pub fn as_str(self) -> &'static str {
        match self {
            AppStage::Proxy => "proxy",
            AppStage::Dns => "dns",
            AppStage::Connect => "connect",
            AppStage::Tls => "tls",
            AppStage::Request => "request",
            AppStage::Body => "body",
            AppStage::Redirect => "redirect",
        }
    }
}

/// What the application-path request found.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct AppPathResult {
    pub status: Status,
    /// The proxy the request went through (credentials masked); none: direct.
    pub via: Option<String>,
    /// The protocol of the final response: `HTTP/1.1`, `HTTP/2`.
    pub version: Option<String>,
    pub status_code: Option<u16>,
    /// The whole request, redirects and body included.
    pub total_ms: Option<f64>,
    /// Where the request stopped, when it got no (complete) response.
    pub failed_at: Option<AppStage>,
    /// Body bytes after decoding (what the app gets), up to the cap.
    pub body_bytes: u64,
    /// The body was longer than the cap; the rest was not read.
    pub body_truncated: bool,
    /// The URL of the final response (masked as every URL in a report).
    pub final_url: String,
    /// A redirect not followed, and why: as `http.redirect_refused`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_refused: Option<super::http::RefusedRedirect>,
    /// Why the request failed, in words; never credentials, never query values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[cfg(feature = "probe")]
/// What the application path is built with.
#[derive(Clone, Debug)]
pub struct AppSetup {
    /// The proxies in effect (none: always direct).
    pub proxy: Option<ProxySettings>,
    /// The trust roots, extra CA and `insecure`, as for bindcheck's own handshakes.
    pub tls: TlsSetup,
    /// Reaching the endpoint (or the proxy), its tunnel and the TLS handshake.
    pub connect_timeout: Duration,
    /// The whole request, redirects and body included (the run's deadline bounds it too).
    pub total_timeout: Duration,
    pub max_redirects: usize,
    /// Follow redirects to other hosts than the endpoint's; when off, only to the hosts of
    /// `redirect_hosts`.
    pub cross_host_redirects: bool,
    /// Hosts besides the endpoint's that redirects may lead to when `cross_host_redirects`
    /// is off: names, `*.suffix` patterns or `*` ([`redirect::host_allowed`]), for every
    /// request of the client; [`AppClient::request_to`] adds a request's own.
    pub redirect_hosts: Vec<String>,
    /// The most body bytes read (after decoding).
    pub body_cap: usize,
    /// Show the final URL's query values (`--unmasked`).
    pub show_query_values: bool,
    /// A cap on connections open at once, shared with the other probes: each request holds
    /// one room while it runs.
    pub connection_limit: Option<tcp::ConnectionLimit>,
    /// The DNS server names are resolved through when the run names one (`--resolver`);
    /// `None` is the system's resolver (getaddrinfo), as the app's own stack uses.
    pub resolver: Option<hickory_resolver::TokioResolver>,
}

#[cfg(feature = "probe")]
impl AppSetup {
    /// The setup a run with `config` uses: its redirect rules and body cap, the connect
    /// timeout for connecting, and every phase's timeout added up for the whole request.
    pub fn from_config(config: &ProbeConfig, tls: TlsSetup, proxy: Option<ProxySettings>) -> AppSetup {
        let t = config.timeouts;
        AppSetup {
            proxy,
            tls,
            connect_timeout: t.connect.saturating_add(t.tls),
            total_timeout: t
                .dns
                .saturating_add(t.connect)
                .saturating_add(t.tls)
                .saturating_add(t.ttfb)
                .saturating_add(t.body),
            max_redirects: config.max_redirects,
            cross_host_redirects: config.cross_host_redirects,
            redirect_hosts: Vec::new(),
            body_cap: config.body_cap,
            show_query_values: config.show_query_values,
            connection_limit: config.connection_limit.clone(),
            resolver: None,
        }
    }
}

#[cfg(feature = "probe")]
/// What one request's redirect policy and resolver share (see the module's docs).
struct Scope {
    /// The endpoint's host, as [`norm`] writes names.
    endpoint_host: String,
    /// Names that are no redirect target: the proxies' (reqwest resolves a proxy's name to
    /// reach it).
    proxy_hosts: Arc<[String]>,
    /// The request's own hosts redirects may lead to, besides the client's.
    redirect_hosts: Vec<String>,
    state: Mutex<ScopeState>,
}

#[cfg(feature = "probe")]
#[derive(Default)]
struct ScopeState {
    /// The endpoint's addresses: its literal, or what its name resolved to.
    endpoint: Vec<IpAddr>,
    /// The redirect target being followed, when one is.
    next: Option<Url>,
    /// The redirect refused, and why.
    refused: Option<RefusedRedirect>,
}

#[cfg(feature = "probe")]
tokio::task_local! {
    static SCOPE: Arc<Scope>;
}

#[cfg(feature = "probe")]
/// A name as names are compared: lower case, no trailing dot.
fn norm(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

#[cfg(feature = "probe")]
impl Scope {
    fn new(url: &Url, proxy_hosts: Arc<[String]>, redirect_hosts: &[String]) -> Scope {
        Scope {
            endpoint_host: norm(url.host_str().unwrap_or("")),
            proxy_hosts,
            redirect_hosts: redirect_hosts.to_vec(),
            state: Mutex::new(ScopeState {
                endpoint: literal(url).into_iter().collect(),
                ..ScopeState::default()
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, ScopeState> {
        // A panic while the lock is held leaves nothing half-written that matters here.
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Judges what `name` resolved to: the endpoint's own name (whose addresses are kept
    /// as the endpoint's) and a proxy's are not redirect targets; any other name is one, and
    /// every address it has is judged, as one that may not be reached makes the whole name
    /// suspect (as in the direct probe).
    fn judge_resolved(&self, name: &str, addrs: &[IpAddr]) -> Result<(), RedirectStop> {
        let name = norm(name);
        let mut state = self.state();
        if name == self.endpoint_host {
            if state.endpoint.is_empty() {
                state.endpoint = addrs.to_vec();
            }
            return Ok(());
        }
        if self.proxy_hosts.contains(&name) {
            return Ok(());
        }
        let refused = addrs
            .iter()
            .find_map(|ip| judge_address(&state.endpoint, *ip).err().map(|why| (*ip, why)));
        let Some((ip, reason)) = refused else {
            return Ok(());
        };
        let url = state
            .next
            .as_ref()
            .filter(|u| u.host_str().is_some_and(|h| norm(h) == name))
            .map_or_else(|| format!("//{name}"), |u| u.to_string());
        state.refused = Some(RefusedRedirect {
            url,
            address: Some(ip),
            reason,
        });
        Err(RedirectStop::Refused {
            reason,
            address: Some(ip),
        })
    }
}

#[cfg(feature = "probe")]
/// Whether a redirect from an endpoint at one of `endpoint` may lead to `target`: when
/// [`redirect::judge`] allows it from one of them (the first refusal otherwise). With no
/// endpoint address known (through a proxy, the proxy resolves the endpoint's name), only
/// the never-followed ranges are refused.
fn judge_address(endpoint: &[IpAddr], target: IpAddr) -> Result<(), Refusal> {
    if endpoint.is_empty() {
        // Nothing to compare with: the never-followed ranges still count.
        return redirect::judge(target, target);
    }
    let mut first = Ok(());
    for e in endpoint {
        match redirect::judge(*e, target) {
            Ok(()) => return Ok(()),
            Err(why) if first.is_ok() => first = Err(why),
            Err(_) => {}
        }
    }
    first
}

#[cfg(feature = "probe")]
/// reqwest's resolver: names looked up through bindcheck's resolver (`--resolver`) or the
/// system's (getaddrinfo, as reqwest's own), then judged by the request's [`Scope`].
struct Judged(Option<hickory_resolver::TokioResolver>);

#[cfg(feature = "probe")]
impl reqwest::dns::Resolve for Judged {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let resolver = self.0.clone();
        let scope = SCOPE.try_with(Arc::clone).ok();
        Box::pin(async move {
            let name = name.as_str();
            let addrs: Vec<IpAddr> = match resolver {
                Some(r) => r.lookup_ip(name).await?.iter().collect(),
                None => tokio::net::lookup_host((name, 0)).await?.map(|a| a.ip()).collect(),
            };
            if let Some(scope) = scope {
                scope.judge_resolved(name, &addrs)?;
            }
            let addrs: Vec<SocketAddr> = addrs.into_iter().map(|ip| SocketAddr::new(ip, 0)).collect();
            Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

#[cfg(feature = "probe")]
/// The application path could not be set up.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    #[error("cannot set up TLS for the application path")]
    Tls(#[from] TlsSetupError),
    #[error("cannot build the application path's HTTP client")]
    Client(#[source] reqwest::Error),
}

#[cfg(feature = "probe")]
impl AppError {
    /// What is wrong, in Simplified Chinese.
    pub fn zh(&self) -> String {
        match self {
            AppError::Tls(_) => "无法为应用路径准备 TLS".into(),
            AppError::Client(_) => "无法建立应用路径的 HTTP 客户端".into(),
        }
    }
}

#[cfg(feature = "probe")]
/// The application path's HTTP client, built once per run; cheap to share.
pub struct AppClient {
    client: reqwest::Client,
    /// The same client without redirects, for connectivity checks through a proxy (none
    /// when no proxy is set).
    checks: Option<reqwest::Client>,
    proxy: ProxySettings,
    /// The proxies' names, which reqwest resolves to reach them.
    proxy_hosts: Arc<[String]>,
    total_timeout: Duration,
    body_cap: usize,
    show_query_values: bool,
    connection_limit: Option<tcp::ConnectionLimit>,
}

#[cfg(feature = "probe")]
/// Why a redirect was not followed (carried through reqwest's error to [`classify`]).
#[derive(Debug, thiserror::Error)]
enum RedirectStop {
    #[error("more than {0} redirects")]
    TooMany(usize),
    #[error("a redirect back to a URL already visited")]
    Loop,
    #[error("a redirect bindcheck does not follow: {}{}", .address.map(|a| format!("to {a}, ")).unwrap_or_default(), .reason.reason())]
    Refused { reason: Refusal, address: Option<IpAddr> },
}

#[cfg(feature = "probe")]
impl RedirectStop {
    fn status(&self) -> Status {
        match self {
            RedirectStop::TooMany(_) => Status::TooManyRedirects,
            RedirectStop::Loop => Status::RedirectLoop,
            RedirectStop::Refused { .. } => Status::RedirectRefused,
        }
    }
}

#[cfg(feature = "probe")]
/// The address a URL's host is, when it is one.
fn literal(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        url::Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        url::Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        url::Host::Domain(_) => None,
    }
}

#[cfg(feature = "probe")]
/// Whether a redirect from the chain `previous` (the endpoint first) to `next` is followed:
/// at most `max`, never back to a URL already visited, to hosts the setup allows, and, for
/// a target given as an address, to addresses [`judge_address`] allows from `endpoint` (the
/// endpoint's addresses, when known). A target given as a name is judged once resolved
/// ([`Scope::judge_resolved`]).
fn judge_redirect(
    previous: &[Url],
    next: &Url,
    endpoint: &[IpAddr],
    max: usize,
    cross_host: bool,
    allowed: &[String],
) -> Result<(), RedirectStop> {
    if previous.len() > max {
        return Err(RedirectStop::TooMany(max));
    }
    if previous.contains(next) {
        return Err(RedirectStop::Loop);
    }
    let Some(first) = previous.first() else {
        return Ok(());
    };
    if !cross_host && !redirect::host_allowed(next.host_str().unwrap_or(""), first.host_str().unwrap_or(""), allowed) {
        return Err(RedirectStop::Refused {
            reason: Refusal::OtherHost,
            address: None,
        });
    }
    if let Some(target) = literal(next) {
        judge_address(endpoint, target).map_err(|reason| RedirectStop::Refused {
            reason,
            address: Some(target),
        })?;
    }
    Ok(())
}

#[cfg(feature = "probe")]
/// The redirect policy, in the request's [`Scope`]: the next URL is kept there, and a
/// refusal with it.
fn policy(
    attempt: reqwest::redirect::Attempt<'_>,
    max: usize,
    cross_host: bool,
    allowed: &[String],
) -> reqwest::redirect::Action {
    let scope = SCOPE.try_with(Arc::clone).ok();
    let endpoint = scope.as_ref().map(|s| s.state().endpoint.clone()).unwrap_or_default();
    let own = scope.as_ref().map_or(&[][..], |s| s.redirect_hosts.as_slice());
    let allowed: Vec<String> = allowed.iter().chain(own).cloned().collect();
    let verdict = judge_redirect(attempt.previous(), attempt.url(), &endpoint, max, cross_host, &allowed);
    if let Some(scope) = &scope {
        let mut state = scope.state();
        state.next = Some(attempt.url().clone());
        if let Err(RedirectStop::Refused { reason, address }) = &verdict {
            state.refused = Some(RefusedRedirect {
                url: attempt.url().to_string(),
                address: *address,
                reason: *reason,
            });
        }
    }
    match verdict {
        Ok(()) => attempt.follow(),
        Err(stop) => attempt.error(stop),
    }
}

#[cfg(feature = "probe")]
/// `version` as reports name it.
fn version_name(version: reqwest::Version) -> String {
    match version {
        reqwest::Version::HTTP_09 => "HTTP/0.9",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_11 => "HTTP/1.1",
        reqwest::Version::HTTP_2 => "HTTP/2",
        reqwest::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/?",
    }
    .to_owned()
}

#[cfg(feature = "probe")]
impl AppClient {
    /// Builds the client: the setup's TLS configuration offering h2 and http/1.1, the proxy
    /// decision of `setup.proxy` (reqwest's own reading of the environment off), the redirect
    /// rules of `judge_redirect`, names resolved through the setup's resolver when it has one
    /// (the system's otherwise) and judged when they are a redirect's (`Judged`), no idle
    /// connections kept (every request connects anew, so none hides a slow connect behind an
    /// earlier one), and `bindcheck/<version>` as the user agent. With a proxy set, a second
    /// client without redirects serves the connectivity checks.
    pub fn new(setup: &AppSetup) -> Result<AppClient, AppError> {
        let tls = setup.tls.client_config(&[b"h2", b"http/1.1"])?;
        let (max, cross_host, allowed) = (
            setup.max_redirects,
            setup.cross_host_redirects,
            setup.redirect_hosts.clone(),
        );
        let policy = reqwest::redirect::Policy::custom(move |attempt| policy(attempt, max, cross_host, &allowed));
        let proxy = setup.proxy.clone().unwrap_or_default();
        let builder = |redirect| {
            let mut builder = reqwest::Client::builder()
                .tls_backend_preconfigured(tls.clone())
                .user_agent(concat!("bindcheck/", env!("CARGO_PKG_VERSION")))
                .connect_timeout(setup.connect_timeout)
                .pool_max_idle_per_host(0)
                .redirect(redirect)
                .dns_resolver(Judged(setup.resolver.clone()))
                .no_proxy();
            if !proxy.is_empty() {
                let decide = proxy.clone();
                builder = builder.proxy(reqwest::Proxy::custom(move |url| {
                    decide.for_url(url).map(|route| route.proxy)
                }));
            }
            builder.build().map_err(AppError::Client)
        };
        let checks = match proxy.is_empty() {
            true => None,
            false => Some(builder(reqwest::redirect::Policy::none())?),
        };
        Ok(AppClient {
            client: builder(policy)?,
            checks,
            proxy_hosts: proxy.hosts().into(),
            proxy,
            total_timeout: setup.total_timeout,
            body_cap: setup.body_cap,
            show_query_values: setup.show_query_values,
            connection_limit: setup.connection_limit.clone(),
        })
    }

    /// Sends one request to `url` with `method` and reads the body up to the cap, all within
    /// the total timeout and by `deadline`. A failure is data, in the result.
    pub async fn request(&self, url: &Url, method: Method, deadline: Instant) -> AppPathResult {
        self.request_to(url, method, &[], deadline).await
    }

    /// [`AppClient::request`], with hosts besides the setup's `redirect_hosts` that this
    /// request's redirects may lead to when cross-host redirects are off (a `serve` target's
    /// own list).
    pub async fn request_to(
        &self,
        url: &Url,
        method: Method,
        redirect_hosts: &[String],
        deadline: Instant,
    ) -> AppPathResult {
        let route = self.proxy.for_url(url);
        let mut result = AppPathResult {
            status: Status::NotMeasured,
            via: route.as_ref().map(|r| r.shown()),
            version: None,
            status_code: None,
            total_ms: None,
            failed_at: None,
            body_bytes: 0,
            body_truncated: false,
            final_url: shown_url(url.as_str(), self.show_query_values),
            redirect_refused: None,
            error: None,
        };
        let started = Instant::now();
        if let Some(r) = route.as_ref().filter(|r| !r.speaks(true)) {
            result.status = Status::Error;
            result.failed_at = Some(AppStage::Proxy);
            result.error = Some(format!(
                "bindcheck does not speak to {}:// proxies (only http:// and https://)",
                r.proxy.scheme()
            ));
            return result;
        }
        let limit = deadline.min(later(started, self.total_timeout));
        let Some(_room) = tcp::Room::under(self.connection_limit.as_ref(), limit).await else {
            return result;
        };
        if Instant::now() >= limit {
            return result;
        }
        let secrets = route.map(|r| secrets(&r.proxy)).unwrap_or_default();
        let scope = Arc::new(Scope::new(url, Arc::clone(&self.proxy_hosts), redirect_hosts));
        let exchange = SCOPE.scope(Arc::clone(&scope), self.exchange(url, method, &mut result));
        let outcome = timeout_at(limit, exchange).await;
        result.total_ms = Some(ms_since(started));
        match outcome {
            Ok(Ok(())) => {}
            Ok(Err(failure)) => {
                let (status, stage) = classify(&failure, result.via.is_some(), result.status_code.is_some());
                result.status = status;
                result.failed_at = Some(stage);
                result.error = Some(scrub(&failure_text(&failure.without_url(), status, stage), &secrets));
                if status == Status::RedirectRefused {
                    result.redirect_refused = scope.state().refused.take().map(|mut r| {
                        r.url = shown_url(&r.url, self.show_query_values);
                        r
                    });
                }
            }
            Err(_) => {
                result.status = Status::Timeout;
                let (stage, what) = if result.status_code.is_some() {
                    (AppStage::Body, "the body did not arrive")
                } else {
                    (AppStage::Request, "no response came")
                };
                result.failed_at = Some(stage);
                result.error = Some(format!(
                    "{what} within {}",
                    humantime::format_duration(limit.saturating_duration_since(started))
                ));
            }
        }
        result
    }

    /// One connectivity check ([`super::portal`]) through the proxy in effect for `url`, the
    /// way the app's stack sends it: one GET, no redirect followed, the body read up to the
    /// cap, within the total timeout and by `deadline`. `None` when `url` goes direct: the
    /// prober makes that check on a connection of its own.
    pub async fn connectivity(&self, url: &Url, deadline: Instant) -> Option<ConnectivityCheck> {
        let route = self.proxy.for_url(url)?;
        let client = self.checks.as_ref()?;
        let mut check = ConnectivityCheck::new(shown_url(url.as_str(), self.show_query_values), Some(route.shown()));
        if !route.speaks(true) {
            check.status = Status::Error;
            return Some(check);
        }
        let started = Instant::now();
        let limit = deadline.min(later(started, self.total_timeout));
        let Some(_room) = tcp::Room::under(self.connection_limit.as_ref(), limit).await else {
            return Some(check);
        };
        let cap = self.body_cap as u64;
        let answer = async {
            let mut response = client.get(url.clone()).send().await?;
            let (code, headers) = (response.status().as_u16(), response.headers().clone());
            let mut body_bytes = 0;
            while let Some(chunk) = response.chunk().await? {
                body_bytes += chunk.len() as u64;
                if body_bytes >= cap {
                    break;
                }
            }
            Ok::<_, reqwest::Error>((code, headers, body_bytes))
        };
        let outcome = timeout_at(limit, answer).await;
        check.time_ms = Some(ms_since(started));
        match outcome {
            Err(_) => check.status = Status::Timeout,
            Ok(Err(e)) => check.status = classify(&e, true, false).0,
            Ok(Ok((code, headers, body_bytes))) => {
                check.answered(url, code, &headers, body_bytes, self.show_query_values);
            }
        }
        Some(check)
    }

    /// The request and its body, recorded into `result` as they arrive (so that a timeout
    /// keeps what was seen).
    async fn exchange(&self, url: &Url, method: Method, result: &mut AppPathResult) -> Result<(), reqwest::Error> {
        let method = match method {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
        };
        let mut response = self.client.request(method.clone(), url.clone()).send().await?;
        let code = response.status().as_u16();
        result.status_code = Some(code);
        result.version = Some(version_name(response.version()));
        result.final_url = shown_url(response.url().as_str(), self.show_query_values);
        if method == reqwest::Method::GET {
            while let Some(chunk) = response.chunk().await? {
                result.body_bytes += chunk.len() as u64;
                if result.body_bytes >= self.body_cap as u64 {
                    result.body_truncated = true;
                    break;
                }
            }
        }
        result.status = super::http::classify_status(code);
        Ok(())
    }
}

#[cfg(feature = "probe")]
/// The proxy's credentials as they could appear in an error: as written and decoded.
fn secrets(proxy: &Url) -> Vec<String> {
    let mut out = Vec::new();
    for raw in [proxy.username(), proxy.password().unwrap_or("")] {
        if raw.is_empty() {
            continue;
        }
        out.push(raw.to_owned());
        out.push(
            percent_encoding::percent_decode_str(raw)
                .decode_utf8_lossy()
                .into_owned(),
        );
    }
    out
}

#[cfg(feature = "probe")]
/// `text` with every secret as `***`.
fn scrub(text: &str, secrets: &[String]) -> String {
    let mut text = text.to_owned();
    for s in secrets.iter().filter(|s| !s.is_empty()) {
        text = text.replace(s.as_str(), "***");
    }
    text
}

#[cfg(feature = "probe")]
/// The causes of `e`, outermost first.
fn causes<'a>(e: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(e), |c: &&'a (dyn StdError + 'static)| (*c).source())
}

#[cfg(feature = "probe")]
/// Why the request failed, in bindcheck's words: a redirect bindcheck refused or a TLS
/// failure as bindcheck describes them; otherwise what happened where,
/// with the HTTP stack's own text after it, quoted, as a detail ([`AppStage::failure`]).
fn failure_text(e: &reqwest::Error, status: Status, stage: AppStage) -> String {
    for cause in causes(e) {
        if let Some(stop) = cause.downcast_ref::<RedirectStop>() {
            return stop.to_string();
        }
        if let Some(tls) = super::tls::rustls_in(cause) {
            return format!("the TLS handshake failed: {}", super::tls::describe(tls));
        }
    }
    let words = stage.failure(status, crate::validate::Lang::En);
    match super::http::error_chain(e) {
        raw if raw.is_empty() => words,
        raw => format!("{words}; the HTTP stack says \"{raw}\""),
    }
}

#[cfg(feature = "probe")]
/// What a failed request means and where it stopped, read from reqwest's error chain:
/// bindcheck's redirect rules, rustls's verdict, hyper-util's tunnel and DNS errors (known by
/// their words, as their types are private), the I/O error's kind.
fn classify(e: &reqwest::Error, via_proxy: bool, got_response: bool) -> (Status, AppStage) {
    let mut io_status = None;
    let mut tunnel = None;
    let mut dns = None;
    let mut hyper_status = None;
    for cause in causes(e) {
        if let Some(stop) = cause.downcast_ref::<RedirectStop>() {
            return (stop.status(), AppStage::Redirect);
        }
        if let Some(tls) = super::tls::rustls_in(cause) {
            return (super::tls::classify(tls), AppStage::Tls);
        }
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            io_status.get_or_insert(super::tcp::classify(io));
        }
        if let Some(h) = cause.downcast_ref::<hyper::Error>() {
            hyper_status.get_or_insert(if h.is_timeout() {
                Status::Timeout
            } else if h.is_incomplete_message() || h.is_closed() || h.is_canceled() {
                Status::Reset
            } else {
                Status::ProtocolError
            });
        }
        let text = cause.to_string();
        if let Some(why) = text.strip_prefix("tunnel error: ") {
            tunnel.get_or_insert(why.to_owned());
        }
        if text.starts_with("dns error") {
            dns.get_or_insert(text);
        }
    }
    let io_or = |fallback: Status| io_status.filter(|s| *s != Status::Error).unwrap_or(fallback);
    if let Some(why) = tunnel {
        let status = match why.as_str() {
            "proxy authorization required" | "unsuccessful" => Status::Refused,
            "unexpected end of file" => Status::Reset,
            "proxy response headers too long" => Status::ProtocolError,
            _ => io_or(Status::Error),
        };
        return (status, AppStage::Proxy);
    }
    if e.is_redirect() {
        return (Status::TooManyRedirects, AppStage::Redirect);
    }
    if let Some(text) = dns {
        let stage = if via_proxy { AppStage::Proxy } else { AppStage::Dns };
        let missing = ["not known", "No address associated", "nodename nor servname"]
            .iter()
            .any(|w| text.contains(w));
        return (if missing { Status::Nxdomain } else { Status::Servfail }, stage);
    }
    if e.is_connect() {
        let stage = if via_proxy { AppStage::Proxy } else { AppStage::Connect };
        let status = if e.is_timeout() {
            Status::Timeout
        } else {
            io_or(Status::Error)
        };
        return (status, stage);
    }
    let stage = if got_response || e.is_body() || e.is_decode() {
        AppStage::Body
    } else {
        AppStage::Request
    };
    let status = if e.is_timeout() {
        Status::Timeout
    } else {
        hyper_status.unwrap_or_else(|| io_or(Status::ProtocolError))
    };
    (status, stage)
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn judge(chain: &[&str], next: &str, cross_host: bool, allowed: &[&str]) -> Result<(), Status> {
        let previous: Vec<Url> = chain.iter().map(|u| url(u)).collect();
        let allowed: Vec<String> = allowed.iter().map(|s| s.to_string()).collect();
        let endpoint: Vec<IpAddr> = literal(&previous[0]).into_iter().collect();
        judge_redirect(&previous, &url(next), &endpoint, 3, cross_host, &allowed).map_err(|s| s.status())
    }

    #[test]
    fn redirects_follow_the_crates_rules() {
        let start = ["https://api.wallet.test/v1"];
        assert_eq!(judge(&start, "https://api.wallet.test/v2", false, &[]), Ok(()));
        assert_eq!(
            judge(&start, "https://other.test/", false, &[]),
            Err(Status::RedirectRefused)
        );
        assert_eq!(judge(&start, "https://login.cdn.test/", false, &["*.cdn.test"]), Ok(()));
        assert_eq!(judge(&start, "https://other.test/", true, &[]), Ok(()));
        assert_eq!(
            judge(&start, "http://169.254.169.254/latest/meta-data", true, &[]),
            Err(Status::RedirectRefused)
        );
        assert_eq!(
            judge(&["https://203.0.113.7/"], "https://127.0.0.1/", true, &[]),
            Err(Status::RedirectRefused)
        );
        assert_eq!(
            judge(&["https://127.0.0.1:1/"], "https://127.0.0.1:2/", true, &[]),
            Ok(())
        );
        assert_eq!(
            judge(&["https://a.test/1", "https://a.test/2"], "https://a.test/1", true, &[]),
            Err(Status::RedirectLoop)
        );
        let four = [
            "https://a.test/1",
            "https://a.test/2",
            "https://a.test/3",
            "https://a.test/4",
        ];
        assert_eq!(
            judge(&four, "https://a.test/5", true, &[]),
            Err(Status::TooManyRedirects)
        );
    }

    #[test]
    fn secrets_are_scrubbed_as_written_and_decoded() {
        let s = secrets(&url("http://alice:p%40ss@proxy.test:3128"));
        let text = scrub("auth for alice with p@ss or p%40ss failed", &s);
        assert_eq!(text, "auth for *** with *** or *** failed");
        assert!(secrets(&url("http://proxy.test:3128")).is_empty());
    }

    #[test]
    fn stages_read_as_the_json_names_them() {
        for stage in [
            AppStage::Proxy,
            AppStage::Dns,
            AppStage::Connect,
            AppStage::Tls,
            AppStage::Request,
            AppStage::Body,
            AppStage::Redirect,
        ] {
            assert_eq!(serde_json::to_value(stage).unwrap(), stage.as_str());
        }
    }

    #[test]
    fn failures_read_as_what_happened_where() {
        use crate::validate::Lang;
        assert_eq!(
            AppStage::Request.failure(Status::Reset, Lang::En),
            "connection reset waiting for the answer"
        );
        assert_eq!(
            AppStage::Request.failure(Status::Reset, Lang::ZhCn),
            "在等待响应时连接被重置"
        );
        assert_eq!(
            AppStage::Connect.failure(Status::Refused, Lang::En),
            "connection refused at connect"
        );
    }

    #[test]
    fn versions_read_as_reports_name_them() {
        assert_eq!(version_name(reqwest::Version::HTTP_11), "HTTP/1.1");
        assert_eq!(version_name(reqwest::Version::HTTP_2), "HTTP/2");
    }
}

//! Proxies: which one a request goes through, and what that proxy does with a CONNECT.
//!
//! [`ProxySettings`] reads the proxy variables (or a profile's `proxy`) once and decides per
//! URL ([`ProxySettings::for_url`]). The application path ([`super::app`]) hands reqwest that
//! same decision instead of letting it read the environment itself, so the CONNECT probe and
//! the app's request can never disagree about whether a proxy is in the way.
//!
//! [`tunnel`] is bindcheck's own CONNECT, phase by phase (the proxy's name, the connection to
//! it, its answer), so a report can say exactly what the proxy did: not found, not
//! answering, asking for credentials (407), refusing the destination (403). An HTTP stack
//! only says "tunnel failed".
//!
//! How `NO_PROXY` is read follows reqwest (hyper-util's `client::proxy::matcher`), the stack
//! the application path uses: comma-separated entries, whitespace trimmed, case ignored;
//! `*` alone bypasses the proxy for every host; a name (`example.com` or `.example.com`)
//! matches itself and every name under it; an IP address or CIDR block (`10.0.0.0/8`,
//! `::1`) matches URLs whose host is that literal address. Names are never resolved to be
//! compared with addresses. Two differences, both documented where they apply: an entry may
//! carry a port (`example.com:8443`, `[::1]:8080`), matching that port only (curl reads it
//! so; hyper-util would read the entry as a name that matches nothing), and lower-case
//! variables win over upper-case ones, as in curl. Loopback is *not* exempt unless
//! `NO_PROXY` says so: reqwest and curl send `localhost` through the proxy too, while Go's
//! net/http never proxies loopback; an app built on the latter would behave differently.

use serde::Serialize;
use std::net::{IpAddr, SocketAddr};
use url::Url;

use super::Status;

#[cfg(feature = "probe")]
use {
    super::{later, ms_since, tcp, Timeouts},
    std::io,
    tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt},
    tokio::net::TcpStream,
    tokio::time::{timeout_at, Instant},
};

/// Where a proxy setting came from.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxySource {
    /// An environment variable (`https_proxy`, `ALL_PROXY`, ...).
    Env { var: String },
    /// The profile's `proxy` setting.
    Profile,
}

/// The proxy one URL goes through.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyRoute {
    /// The proxy, credentials included: never put it in a report, use [`ProxyRoute::shown`].
    pub proxy: Url,
    pub source: ProxySource,
}

impl ProxyRoute {
    /// The proxy as reports show it: credentials as `***`.
    pub fn shown(&self) -> String {
        super::shown_url(self.proxy.as_str(), false)
    }

    /// Whether bindcheck can speak to this proxy: `http://` for the CONNECT probe, `http://`
    /// or `https://` for the application path. SOCKS is not built in.
    pub fn speaks(&self, https_proxy_ok: bool) -> bool {
        match self.proxy.scheme() {
            "http" => true,
            "https" => https_proxy_ok,
            _ => false,
        }
    }
}

impl std::fmt::Debug for ProxyRoute {
    /// Masked as in reports: a `{:?}` in a log never shows a proxy password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyRoute")
            .field("proxy", &self.shown())
            .field("source", &self.source)
            .finish()
    }
}

/// A proxy URL bindcheck cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyUrlError {
    /// Not a URL, even with `http://` put in front. The text is not kept: it may hold a
    /// password.
    #[error("not a proxy URL")]
    Invalid(#[source] url::ParseError),
    #[error("the proxy URL names no host")]
    NoHost,
}

/// Reads a proxy setting as HTTP stacks do: a value without a scheme (`proxy:3128`) is an
/// `http://` proxy; the path is ignored.
pub fn parse_proxy_url(text: &str) -> Result<Url, ProxyUrlError> {
    let text = text.trim();
    let url = if text.contains("://") {
        Url::parse(text)
    } else {
        Url::parse(&format!("http://{text}"))
    }
    .map_err(ProxyUrlError::Invalid)?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ProxyUrlError::NoHost);
    }
    Ok(url)
}

/// One proxy variable's value, read.
#[derive(Clone, PartialEq, Eq)]
struct Setting {
    url: Url,
    var: &'static str,
}

/// The proxies in effect and the hosts that bypass them. Built once per run; its `Debug`
/// masks credentials.
#[derive(Clone, Default, PartialEq)]
pub struct ProxySettings {
    https: Option<Setting>,
    http: Option<Setting>,
    all: Option<Setting>,
    /// A profile's proxy: every http and https URL goes through it.
    profile: Option<Url>,
    no_proxy: NoProxy,
    unusable: Vec<&'static str>,
}

impl std::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |s: &Option<Setting>| s.as_ref().map(|s| (s.var, super::shown_url(s.url.as_str(), false)));
        f.debug_struct("ProxySettings")
            .field("https", &shown(&self.https))
            .field("http", &shown(&self.http))
            .field("all", &shown(&self.all))
            .field(
                "profile",
                &self.profile.as_ref().map(|u| super::shown_url(u.as_str(), false)),
            )
            .field("no_proxy", &self.no_proxy)
            .field("unusable", &self.unusable)
            .finish()
    }
}

/// The proxy variables, each as (lower case, upper case): the lower-case one wins when both
/// are set, as in curl (reqwest reads the upper-case one first; bindcheck decides for it).
const VARS: [(&str, &str); 4] = [
    ("https_proxy", "HTTPS_PROXY"),
    ("http_proxy", "HTTP_PROXY"),
    ("all_proxy", "ALL_PROXY"),
    ("no_proxy", "NO_PROXY"),
];

impl ProxySettings {
    /// No proxy: every request goes direct.
    pub fn none() -> ProxySettings {
        ProxySettings::default()
    }

    #[cfg(feature = "probe")]
    /// The proxy variables of this process ([`ProxySettings::from_lookup`]).
    pub fn from_env() -> ProxySettings {
        ProxySettings::from_lookup(|name| std::env::var(name).ok())
    }

    /// The proxy variables as `lookup` gives them: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`
    /// and `NO_PROXY`, each in lower or upper case (lower case wins; an empty value counts
    /// as unset). A value that is no URL is ignored, as reqwest ignores it, and its variable
    /// listed in [`ProxySettings::unusable`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ProxySettings {
        let value = |(lower, upper): (&'static str, &'static str)| {
            [lower, upper].into_iter().find_map(|var| {
                let v = lookup(var)?;
                let v = v.trim();
                (!v.is_empty()).then(|| (var, v.to_owned()))
            })
        };
        let mut settings = ProxySettings::default();
        let mut read = |pair| {
            let (var, text) = value(pair)?;
            match parse_proxy_url(&text) {
                Ok(url) => Some(Setting { url, var }),
                Err(_) => {
                    settings.unusable.push(var);
                    None
                }
            }
        };
        let https = read(VARS[0]);
        let http = read(VARS[1]);
        let all = read(VARS[2]);
        settings.https = https;
        settings.http = http;
        settings.all = all;
        if let Some((_, list)) = value(VARS[3]) {
            settings.no_proxy = NoProxy::parse(&list);
        }
        settings
    }

    /// A profile's `proxy`: every http and https URL goes through `url`, whatever the
    /// environment says. The environment is ignored entirely, `NO_PROXY` included, so that a
    /// profile behaves the same on every machine; [`ProxySettings::with_no_proxy`] gives an
    /// explicit proxy its own exceptions.
    pub fn explicit(url: Url) -> ProxySettings {
        ProxySettings {
            profile: Some(url),
            ..ProxySettings::default()
        }
    }

    /// The same settings with `list` (`NO_PROXY` syntax) as the hosts that go direct.
    pub fn with_no_proxy(mut self, list: &str) -> ProxySettings {
        self.no_proxy = NoProxy::parse(list);
        self
    }

    /// Variables set to something that is no proxy URL (ignored).
    pub fn unusable(&self) -> &[&'static str] {
        &self.unusable
    }

    /// The names of the proxies set (lower case, no trailing dot), addresses left out.
    pub fn hosts(&self) -> Vec<String> {
        let urls = [&self.https, &self.http, &self.all]
            .into_iter()
            .flatten()
            .map(|s| &s.url)
            .chain(self.profile.as_ref());
        let mut hosts: Vec<String> = urls
            .filter_map(|u| match u.host()? {
                url::Host::Domain(d) => Some(d.trim_end_matches('.').to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        hosts.sort();
        hosts.dedup();
        hosts
    }

    /// Whether any proxy is set at all.
    pub fn is_empty(&self) -> bool {
        self.profile.is_none() && self.https.is_none() && self.http.is_none() && self.all.is_none()
    }

    /// The proxy `url` goes through, if any: for https, `HTTPS_PROXY` else `ALL_PROXY`; for
    /// http, `HTTP_PROXY` else `ALL_PROXY`; a profile's proxy for both; none for other
    /// schemes or when `NO_PROXY` matches the URL's host (and port).
    pub fn for_url(&self, url: &Url) -> Option<ProxyRoute> {
        let (proxy, source) = match (&self.profile, url.scheme()) {
            (_, s) if s != "http" && s != "https" => return None,
            (Some(p), _) => (p, ProxySource::Profile),
            (None, scheme) => {
                let first = if scheme == "https" { &self.https } else { &self.http };
                let s = first.as_ref().or(self.all.as_ref())?;
                (&s.url, ProxySource::Env { var: s.var.to_owned() })
            }
        };
        if self.no_proxy.matches(url) {
            return None;
        }
        Some(ProxyRoute {
            proxy: proxy.clone(),
            source,
        })
    }
}

/// A host part of a `NO_PROXY` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Bypass {
    /// Lower case, without a leading or trailing dot.
    Name(String),
    /// An address block: the address and its prefix length.
    Block(IpAddr, u8),
}

/// Hosts that go direct, from a `NO_PROXY` list (the module's docs give the rules).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    everything: bool,
    entries: Vec<(Bypass, Option<u16>)>,
}

impl NoProxy {
    /// Reads a `NO_PROXY` list. Entries that mean nothing (`10.0.0.0/33`, `:80`) are
    /// dropped; nothing here fails.
    pub fn parse(list: &str) -> NoProxy {
        let mut no = NoProxy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                no.everything = true;
            } else if let Some(rule) = entry_rule(entry) {
                no.entries.push(rule);
            }
        }
        no
    }

    /// Whether `url` goes direct.
    pub fn matches(&self, url: &Url) -> bool {
        if self.everything {
            return true;
        }
        let port = url.port_or_known_default();
        let host = match url.host() {
            Some(url::Host::Domain(d)) => Bypass::Name(d.trim_end_matches('.').to_ascii_lowercase()),
            Some(url::Host::Ipv4(ip)) => Bypass::Block(IpAddr::V4(ip), 32),
            Some(url::Host::Ipv6(ip)) => Bypass::Block(IpAddr::V6(ip), 128),
            None => return false,
        };
        self.entries.iter().any(|(bypass, p)| {
            p.is_none_or(|p| Some(p) == port)
                && match (bypass, &host) {
                    (Bypass::Name(n), Bypass::Name(h)) => {
                        h == n
                            || (h.len() > n.len() && h.ends_with(n.as_str()) && h[..h.len() - n.len()].ends_with('.'))
                    }
                    (Bypass::Block(net, prefix), Bypass::Block(ip, _)) => in_block(*ip, *net, *prefix),
                    _ => false,
                }
        })
    }
}

/// One `NO_PROXY` entry (not `*`, not empty) as a rule.
fn entry_rule(entry: &str) -> Option<(Bypass, Option<u16>)> {
    if let Some(block) = block(entry) {
        return Some((block, None));
    }
    // `[v6]` or `[v6]:port`
    if let Some(rest) = entry.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse().ok()?),
        };
        return Some((block(inside)?, port));
    }
    let (host, port) = match entry.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse::<u16>().ok()?)),
        None => (entry, None),
    };
    if let Some(block) = block(host) {
        return Some((block, port));
    }
    let name = host.trim_start_matches('.').trim_end_matches('.');
    if name.is_empty() || name.contains(['/', ':', '[', ']', '@']) {
        return None;
    }
    // The URL parser's form (lower case, punycode), as URL hosts are compared in it.
    let name = match url::Host::parse(name) {
        Ok(url::Host::Domain(d)) => d,
        _ => name.to_ascii_lowercase(),
    };
    Some((Bypass::Name(name), port))
}

/// An address (`10.1.2.3`, `::1`) or a block (`10.0.0.0/8`, `fc00::/7`).
fn block(text: &str) -> Option<Bypass> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
    };
    Some(Bypass::Block(ip, prefix))
}

fn in_block(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

/// How a CONNECT through the proxy ended.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TunnelStatus {
    /// The proxy opened the tunnel (2xx).
    Ok,
    /// The proxy's name does not resolve, or nothing accepts connections at its address.
    Unreachable,
    /// The connection to the proxy, or its answer to the CONNECT, did not come in time.
    Timeout,
    /// 407 (or 401, as some proxies answer wrong credentials): the proxy wants
    /// credentials, or other ones.
    AuthRequired,
    /// Any other answer than 2xx, 401 or 407 (`status_code` says which): a deny rule (403), a
    /// port the proxy does not tunnel to, an upstream failure (502).
    Refused,
    /// The proxy's answer is not HTTP, too long, or it closed the connection instead.
    BadAnswer,
    /// A proxy bindcheck does not speak to (SOCKS, or TLS to the proxy itself).
    Unsupported,
    /// The run's deadline came before the probe could start.
    NotMeasured,
}

impl TunnelStatus {
    /// The closest endpoint [`Status`], for a report's overall status.
    pub fn status(self) -> Status {
        match self {
            TunnelStatus::Ok => Status::Ok,
            TunnelStatus::Unreachable => Status::Unreachable,
            TunnelStatus::Timeout => Status::Timeout,
            TunnelStatus::AuthRequired | TunnelStatus::Refused => Status::Refused,
            TunnelStatus::BadAnswer => Status::ProtocolError,
            TunnelStatus::Unsupported => Status::Error,
            TunnelStatus::NotMeasured => Status::NotMeasured,
        }
    }
}

/// What bindcheck's own CONNECT through a proxy found.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct TunnelResult {
    pub status: TunnelStatus,
    /// The proxy, credentials masked.
    pub proxy: String,
    /// Where the tunnel was asked to lead (`host:port`).
    pub target: String,
    /// The proxy's address that was connected to (or tried last).
    pub proxy_addr: Option<SocketAddr>,
    /// Looking up the proxy's name (none when the proxy is given as an address).
    pub resolve_ms: Option<f64>,
    /// The TCP connect to the proxy.
    pub connect_ms: Option<f64>,
    /// From sending the CONNECT to the end of the proxy's answer head.
    pub connect_answer_ms: Option<f64>,
    /// The proxy's answer to the CONNECT.
    pub status_code: Option<u16>,
    /// On a 407 or 401, the authentication schemes the proxy offers (`Basic`, `Negotiate`, `NTLM`):
    /// an app that only does Basic cannot pass a proxy that wants Negotiate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_schemes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The path through the proxy an https endpoint's traffic takes: bindcheck's own CONNECT,
/// and the TLS handshake with the endpoint through the tunnel when it opened (the chain seen
/// there tells a proxy that re-signs connections).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct ProxyPath {
    pub tunnel: TunnelResult,
    /// The handshake through the tunnel.
    pub tls: Option<super::TlsResult>,
}

/// The longest answer head bindcheck reads from a proxy.
pub const MAX_ANSWER_HEAD: usize = 16 * 1024;

#[cfg(feature = "probe")]
/// The most headers an answer head may have.
const MAX_HEADERS: usize = 64;

#[cfg(feature = "probe")]
/// The most authentication schemes kept from a 407.
const MAX_AUTH_SCHEMES: usize = 4;

#[cfg(feature = "probe")]
/// A proxy's answer head, read.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    code: u16,
    auth_schemes: Vec<String>,
}

#[cfg(feature = "probe")]
/// Why a proxy's answer is not usable.
#[derive(Debug, thiserror::Error)]
enum AnswerError {
    #[error("the proxy's answer is not HTTP")]
    NotHttp,
    #[error("the proxy's answer head is longer than {MAX_ANSWER_HEAD} bytes")]
    TooLong,
    #[error("the proxy closed the connection after {received} bytes of its answer")]
    Closed { received: usize },
    #[error("the proxy's answer is malformed")]
    Malformed(#[source] httparse::Error),
    #[error("reading the proxy's answer failed")]
    Io(#[source] std::io::Error),
}

#[cfg(feature = "probe")]
/// Whether `head` (what arrived so far) can still become an HTTP/1.x status line.
fn may_be_http(head: &[u8]) -> bool {
    const START: &[u8] = b"HTTP/1.";
    let n = head.len().min(START.len());
    head[..n] == START[..n]
}

#[cfg(feature = "probe")]
/// Whether `head` ends with the empty line that ends a head (CRLF, or a bare LF as
/// httparse accepts).
fn head_complete(head: &[u8]) -> bool {
    head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n")
}

#[cfg(feature = "probe")]
/// Parses a complete answer head.
fn parse_answer(head: &[u8]) -> Result<Answer, AnswerError> {
    if !may_be_http(head) {
        return Err(AnswerError::NotHttp);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(AnswerError::Closed { received: head.len() }),
        Err(e) => return Err(AnswerError::Malformed(e)),
    }
    let code = response.code.ok_or(AnswerError::NotHttp)?;
    let mut auth_schemes: Vec<String> = Vec::new();
    for h in response.headers.iter() {
        if !h.name.eq_ignore_ascii_case("proxy-authenticate") && !h.name.eq_ignore_ascii_case("www-authenticate") {
            continue;
        }
        // The scheme is the first token; what follows (realm, parameters) is not kept.
        let scheme: String = h
            .value
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .take(32)
            .map(|b| char::from(*b))
            .collect();
        if !scheme.is_empty()
            && auth_schemes.len() < MAX_AUTH_SCHEMES
            && !auth_schemes.iter().any(|s| s.eq_ignore_ascii_case(&scheme))
        {
            auth_schemes.push(scheme);
        }
    }
    Ok(Answer { code, auth_schemes })
}

#[cfg(feature = "probe")]
/// Reads an answer head one byte at a time, so that nothing after it (the tunnel's first
/// TLS bytes) is taken from the stream; at most [`MAX_ANSWER_HEAD`] bytes.
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Vec<u8>, AnswerError> {
    let mut head = Vec::with_capacity(256);
    loop {
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).await.map_err(AnswerError::Io)? == 0 {
            return Err(AnswerError::Closed { received: head.len() });
        }
        head.push(byte[0]);
        if !may_be_http(&head) {
            return Err(AnswerError::NotHttp);
        }
        if head_complete(&head) {
            return Ok(head);
        }
        if head.len() >= MAX_ANSWER_HEAD {
            return Err(AnswerError::TooLong);
        }
    }
}

#[cfg(feature = "probe")]
/// An open tunnel: the connection to the proxy, past its answer, and its room under the
/// connection limit (keep it as long as the stream).
pub struct Tunnel {
    pub stream: TcpStream,
    pub room: tcp::Room,
}

#[cfg(feature = "probe")]
/// Why a tunnel did not open, in words for the report.
#[derive(Debug, thiserror::Error)]
enum TunnelFailure {
    #[error("bindcheck's CONNECT probe speaks to http:// proxies only, not {0}://")]
    Scheme(String),
    #[error("{0:?} is not a host name a CONNECT can carry")]
    Target(String),
    #[error("no answer in time looking up the proxy's name {0}")]
    ResolveTimeout(String),
    #[error("the proxy's name {host} could not be looked up")]
    Resolve {
        host: String,
        #[source]
        source: io::Error,
    },
    #[error("the proxy's name {0} has no address")]
    NoAddress(String),
    #[error("cannot connect to the proxy at {addr} ({status})")]
    Connect { addr: SocketAddr, status: Status },
    #[error("sending the CONNECT failed")]
    Send(#[source] io::Error),
    #[error("no answer to the CONNECT in time")]
    AnswerTimeout,
    #[error(transparent)]
    Answer(AnswerError),
    #[error("the proxy wants credentials, or other ones (status {0})")]
    AuthRequired(u16),
    #[error("the proxy refused the tunnel (status {0})")]
    Refused(u16),
}

#[cfg(feature = "probe")]
impl TunnelFailure {
    fn status(&self) -> TunnelStatus {
        match self {
            TunnelFailure::Scheme(_) | TunnelFailure::Target(_) => TunnelStatus::Unsupported,
            TunnelFailure::ResolveTimeout(_) | TunnelFailure::AnswerTimeout => TunnelStatus::Timeout,
            TunnelFailure::Connect {
                status: Status::Timeout,
                ..
            } => TunnelStatus::Timeout,
            TunnelFailure::Connect {
                status: Status::NotMeasured,
                ..
            } => TunnelStatus::NotMeasured,
            TunnelFailure::Resolve { .. } | TunnelFailure::NoAddress(_) | TunnelFailure::Connect { .. } => {
                TunnelStatus::Unreachable
            }
            TunnelFailure::Send(_) | TunnelFailure::Answer(_) => TunnelStatus::BadAnswer,
            TunnelFailure::AuthRequired(_) => TunnelStatus::AuthRequired,
            TunnelFailure::Refused(_) => TunnelStatus::Refused,
        }
    }
}

#[cfg(feature = "probe")]
/// `host:port` as a CONNECT names it (an IPv6 address in brackets), or `None` when `host`
/// holds characters that would change the request (spaces, line breaks, `/`, `@`).
fn authority(host: &str, port: u16) -> Option<String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'%'));
    ok.then(|| {
        if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    })
}

#[cfg(feature = "probe")]
/// The CONNECT request for `target`, with `Proxy-Authorization: Basic` when the proxy URL
/// carries credentials (percent-decoded, as curl and reqwest send them).
fn connect_request(target: &str, proxy: &Url) -> Vec<u8> {
    use base64::Engine as _;
    let mut request = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: bindcheck/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if !proxy.username().is_empty() || proxy.password().is_some() {
        let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
        let mut pair = decode(proxy.username());
        pair.push(b':');
        pair.extend(decode(proxy.password().unwrap_or("")));
        let token = base64::engine::general_purpose::STANDARD.encode(pair);
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    request.into_bytes()
}

#[cfg(feature = "probe")]
/// Opens a tunnel to `host:port` through the proxy of `route`, phase by phase: the proxy's
/// name (the system resolver, as an app's HTTP stack uses, within the DNS timeout), a TCP
/// connect to each of its addresses in turn until one answers (the connect timeout each,
/// room under `limit`), the CONNECT, and the answer head (within the ttfb timeout, at most
/// [`MAX_ANSWER_HEAD`] bytes). Everything is bounded by `deadline` too. A proxy URL without
/// a port means port 80, as in reqwest (curl would say 1080).
///
/// The tunnel comes back open when the proxy said 2xx: run [`super::tls::handshake`] on
/// its stream.
pub async fn tunnel(
    route: &ProxyRoute,
    host: &str,
    port: u16,
    timeouts: &Timeouts,
    limit: Option<&tcp::ConnectionLimit>,
    deadline: Instant,
) -> (TunnelResult, Option<Tunnel>) {
    let target = authority(host, port);
    let mut result = TunnelResult {
        status: TunnelStatus::NotMeasured,
        proxy: route.shown(),
        target: target.clone().unwrap_or_else(|| format!("{host}:{port}")),
        proxy_addr: None,
        resolve_ms: None,
        connect_ms: None,
        connect_answer_ms: None,
        status_code: None,
        auth_schemes: Vec::new(),
        error: None,
    };
    if Instant::now() >= deadline {
        return (result, None);
    }
    let outcome = match target {
        None => Err(TunnelFailure::Target(host.to_owned())),
        Some(_) if !route.speaks(false) => Err(TunnelFailure::Scheme(route.proxy.scheme().to_owned())),
        Some(target) => open(route, &target, timeouts, limit, deadline, &mut result).await,
    };
    match outcome {
        Ok(tunnel) => {
            result.status = TunnelStatus::Ok;
            (result, Some(tunnel))
        }
        Err(failure) => {
            result.status = failure.status();
            if result.status != TunnelStatus::NotMeasured {
                result.error = Some(super::http::error_chain(&failure));
            }
            (result, None)
        }
    }
}

#[cfg(feature = "probe")]
/// The phases of [`tunnel`], recording into `result` as they go.
async fn open(
    route: &ProxyRoute,
    target: &str,
    timeouts: &Timeouts,
    limit: Option<&tcp::ConnectionLimit>,
    deadline: Instant,
    result: &mut TunnelResult,
) -> Result<Tunnel, TunnelFailure> {
    let addrs = proxy_addrs(&route.proxy, timeouts, deadline, result).await?;
    let (mut stream, room) = connect_any(&addrs, timeouts, limit, deadline, result).await?;
    let started = Instant::now();
    let answer_limit = deadline.min(later(started, timeouts.ttfb));
    let request = connect_request(target, &route.proxy);
    let exchange = async {
        stream.write_all(&request).await.map_err(TunnelFailure::Send)?;
        read_head(&mut stream).await.map_err(TunnelFailure::Answer)
    };
    let head = timeout_at(answer_limit, exchange).await;
    result.connect_answer_ms = Some(ms_since(started));
    let answer = parse_answer(&head.map_err(|_| TunnelFailure::AnswerTimeout)??).map_err(TunnelFailure::Answer)?;
    result.status_code = Some(answer.code);
    result.auth_schemes = answer.auth_schemes;
    match answer.code {
        200..=299 => Ok(Tunnel { stream, room }),
        // 401 to a CONNECT can only be the proxy's (no server has been reached): tinyproxy
        // answers wrong credentials so.
        401 | 407 => Err(TunnelFailure::AuthRequired(answer.code)),
        code => Err(TunnelFailure::Refused(code)),
    }
}

#[cfg(feature = "probe")]
/// The most proxy addresses tried.
const MAX_PROXY_ADDRS: usize = 8;

#[cfg(feature = "probe")]
/// The proxy's addresses: its literal address, or its name looked up.
async fn proxy_addrs(
    proxy: &Url,
    timeouts: &Timeouts,
    deadline: Instant,
    result: &mut TunnelResult,
) -> Result<Vec<SocketAddr>, TunnelFailure> {
    let port = proxy.port_or_known_default().unwrap_or(80);
    let name = match proxy.host() {
        Some(url::Host::Ipv4(ip)) => return Ok(vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(url::Host::Ipv6(ip)) => return Ok(vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(url::Host::Domain(d)) => d.to_owned(),
        None => return Err(TunnelFailure::NoAddress(String::new())),
    };
    let started = Instant::now();
    let limit = deadline.min(later(started, timeouts.dns));
    let looked_up = timeout_at(limit, tokio::net::lookup_host(format!("{name}:{port}"))).await;
    result.resolve_ms = Some(ms_since(started));
    let addrs: Vec<SocketAddr> = match looked_up {
        Err(_) => return Err(TunnelFailure::ResolveTimeout(name)),
        Ok(Err(source)) => return Err(TunnelFailure::Resolve { host: name, source }),
        Ok(Ok(addrs)) => addrs.take(MAX_PROXY_ADDRS).collect(),
    };
    if addrs.is_empty() {
        return Err(TunnelFailure::NoAddress(name));
    }
    Ok(addrs)
}

#[cfg(feature = "probe")]
/// Connects to the first of `addrs` that accepts.
async fn connect_any(
    addrs: &[SocketAddr],
    timeouts: &Timeouts,
    limit: Option<&tcp::ConnectionLimit>,
    deadline: Instant,
    result: &mut TunnelResult,
) -> Result<(TcpStream, tcp::Room), TunnelFailure> {
    let mut last = None;
    for &addr in addrs {
        let (attempt, stream) = tcp::connect(addr, timeouts.connect, deadline, limit).await;
        result.proxy_addr = Some(addr);
        result.connect_ms = attempt.time_ms;
        if let Some(pair) = stream {
            return Ok(pair);
        }
        last = Some(TunnelFailure::Connect {
            addr,
            status: attempt.status,
        });
        if matches!(attempt.status, Status::NotMeasured) || Instant::now() >= deadline {
            break;
        }
    }
    Err(last.unwrap_or(TunnelFailure::NoAddress(String::new())))
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> ProxySettings {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ProxySettings::from_lookup(move |name| map.get(name).cloned())
    }

    fn bypass(list: &str, u: &str) -> bool {
        NoProxy::parse(list).matches(&url(u))
    }

    #[test]
    fn no_proxy_names_match_themselves_and_names_under_them() {
        for list in [
            "example.com",
            ".example.com",
            " EXAMPLE.com ",
            "example.com.",
            "other.test,example.com",
        ] {
            assert!(bypass(list, "https://example.com/"), "{list}");
            assert!(bypass(list, "https://a.b.example.com/"), "{list}");
            assert!(bypass(list, "https://EXAMPLE.COM./"), "{list}");
            assert!(!bypass(list, "https://notexample.com/"), "{list}");
            assert!(!bypass(list, "https://example.com.evil.test/"), "{list}");
            assert!(!bypass(list, "https://com/"), "{list}");
        }
        // Internationalised names compare in punycode, as URL hosts are.
        assert!(bypass("bücher.example", "https://xn--bcher-kva.example/"));
        // `*.name` is no pattern for reqwest, nor here: it matches nothing.
        assert!(!bypass("*.example.com", "https://a.example.com/"));
    }

    #[test]
    fn no_proxy_star_alone_matches_everything() {
        assert!(bypass("*", "https://anything.test/"));
        assert!(bypass("a.test, * ,b.test", "http://10.0.0.1:8080/"));
        assert!(!bypass("*a.test", "https://b.test/"));
        assert!(!bypass("", "https://b.test/"));
        assert!(!bypass(" , ,", "https://b.test/"));
    }

    #[test]
    fn no_proxy_addresses_and_blocks_match_literal_hosts_only() {
        assert!(bypass("10.0.0.0/8", "https://10.200.3.4/"));
        assert!(!bypass("10.0.0.0/8", "https://11.0.0.1/"));
        assert!(bypass("192.168.1.0/24", "http://192.168.1.255:81/"));
        assert!(!bypass("192.168.1.0/24", "http://192.168.2.1/"));
        assert!(bypass("0.0.0.0/0", "http://8.8.8.8/"));
        assert!(bypass("127.0.0.1", "http://127.0.0.1:9000/"));
        assert!(!bypass("127.0.0.1", "http://127.0.0.2/"));
        assert!(bypass("::1", "https://[::1]:8443/"));
        assert!(bypass("[::1]", "https://[::1]/"));
        assert!(bypass("fc00::/7", "https://[fd12::1]/"));
        assert!(!bypass("fc00::/7", "https://[2001:db8::1]/"));
        // A name is never resolved to be compared with an address, nor the other way round.
        assert!(!bypass("127.0.0.1", "http://localhost/"));
        assert!(!bypass("localhost", "http://127.0.0.1/"));
        // A block of one family never matches the other.
        assert!(!bypass("::/0", "http://10.0.0.1/"));
        // Nonsense is dropped, not read as something broader.
        assert!(!bypass("10.0.0.0/33", "http://10.0.0.1/"));
        assert!(!bypass("10.0.0.0/x", "http://10.0.0.1/"));
    }

    #[test]
    fn no_proxy_ports_narrow_an_entry() {
        assert!(bypass("example.com:8443", "https://api.example.com:8443/"));
        assert!(!bypass("example.com:8443", "https://api.example.com/"));
        assert!(bypass("example.com:443", "https://api.example.com/"));
        assert!(bypass("10.1.1.1:80", "http://10.1.1.1/"));
        assert!(!bypass("10.1.1.1:80", "https://10.1.1.1/"));
        assert!(bypass("[::1]:8080", "http://[::1]:8080/"));
        assert!(!bypass("[::1]:8080", "http://[::1]:8081/"));
        assert!(!bypass("example.com:notaport", "https://example.com/"));
        assert!(!bypass(":80", "http://example.com/"));
    }

    #[test]
    fn loopback_goes_through_the_proxy_unless_no_proxy_says_otherwise() {
        let s = env(&[("HTTPS_PROXY", "http://proxy.test:3128")]);
        assert!(s.for_url(&url("https://localhost/")).is_some());
        assert!(s.for_url(&url("https://127.0.0.1/")).is_some());
        let s = env(&[
            ("HTTPS_PROXY", "http://proxy.test:3128"),
            ("NO_PROXY", "localhost,127.0.0.0/8"),
        ]);
        assert!(s.for_url(&url("https://localhost/")).is_none());
        assert!(s.for_url(&url("https://127.0.0.1/")).is_none());
    }

    #[test]
    fn each_scheme_has_its_variable_then_all_proxy() {
        let s = env(&[
            ("HTTPS_PROXY", "http://secure.test:1"),
            ("HTTP_PROXY", "http://plain.test:2"),
            ("ALL_PROXY", "http://all.test:3"),
        ]);
        let via = |u: &str| {
            s.for_url(&url(u))
                .map(|r| (r.proxy.host_str().unwrap().to_owned(), r.source))
        };
        assert_eq!(
            via("https://a.test/"),
            Some((
                "secure.test".into(),
                ProxySource::Env {
                    var: "HTTPS_PROXY".into()
                }
            ))
        );
        assert_eq!(via("http://a.test/").unwrap().0, "plain.test");
        assert_eq!(via("ftp://a.test/"), None);
        let s = env(&[("all_proxy", "http://all.test:3")]);
        assert_eq!(
            s.for_url(&url("https://a.test/")).unwrap().source,
            ProxySource::Env {
                var: "all_proxy".into()
            }
        );
        assert_eq!(s.for_url(&url("http://a.test/")).unwrap().proxy.port(), Some(3));
        assert!(env(&[]).for_url(&url("https://a.test/")).is_none());
        assert!(env(&[]).is_empty());
    }

    #[test]
    fn lower_case_wins_and_empty_values_are_unset() {
        let s = env(&[
            ("HTTPS_PROXY", "http://upper.test"),
            ("https_proxy", "http://lower.test"),
        ]);
        assert_eq!(
            s.for_url(&url("https://a.test/")).unwrap().proxy.host_str(),
            Some("lower.test")
        );
        let s = env(&[("HTTPS_PROXY", "http://upper.test"), ("https_proxy", "  ")]);
        let route = s.for_url(&url("https://a.test/")).unwrap();
        assert_eq!(route.proxy.host_str(), Some("upper.test"));
        assert_eq!(
            route.source,
            ProxySource::Env {
                var: "HTTPS_PROXY".into()
            }
        );
        let s = env(&[
            ("HTTPS_PROXY", "http://p.test"),
            ("NO_PROXY", "a.test"),
            ("no_proxy", "b.test"),
        ]);
        assert!(s.for_url(&url("https://a.test/")).is_some());
        assert!(s.for_url(&url("https://b.test/")).is_none());
    }

    #[test]
    fn proxy_values_without_a_scheme_are_http_and_nonsense_is_ignored() {
        let s = env(&[("HTTPS_PROXY", "proxy.corp:3128")]);
        let r = s.for_url(&url("https://a.test/")).unwrap();
        assert_eq!(r.proxy.as_str(), "http://proxy.corp:3128/");
        let s = env(&[("HTTPS_PROXY", "user:pw@proxy.corp:3128")]);
        assert_eq!(
            s.for_url(&url("https://a.test/")).unwrap().shown(),
            "http://***@proxy.corp:3128/"
        );
        let s = env(&[("HTTPS_PROXY", "http://[::1"), ("ALL_PROXY", "socks5://127.0.0.1:1080")]);
        assert_eq!(s.unusable(), ["HTTPS_PROXY"]);
        let r = s.for_url(&url("https://a.test/")).unwrap();
        assert!(!r.speaks(true), "socks is reported, never spoken");
        assert_eq!(
            parse_proxy_url("http://"),
            Err(ProxyUrlError::Invalid(url::ParseError::EmptyHost))
        );
    }

    #[test]
    fn an_explicit_proxy_ignores_the_environment() {
        let s = ProxySettings::explicit(url("http://u:secret@profile.test:8080"));
        let r = s.for_url(&url("https://a.test/")).unwrap();
        assert_eq!(r.source, ProxySource::Profile);
        assert!(s.for_url(&url("http://a.test/")).is_some());
        let s = s.with_no_proxy("a.test");
        assert!(s.for_url(&url("https://a.test/")).is_none());
        assert!(s.for_url(&url("https://b.test/")).is_some());
    }

    #[test]
    fn credentials_never_show() {
        let s = env(&[("HTTPS_PROXY", "http://alice:s%40cret@proxy.test:3128")]);
        let r = s.for_url(&url("https://a.test/")).unwrap();
        for text in [r.shown(), format!("{r:?}"), format!("{s:?}")] {
            assert!(!text.contains("s%40cret") && !text.contains("alice"), "{text}");
        }
        assert!(r.shown().contains("***@proxy.test:3128"));
    }

    #[test]
    fn answers_parse_with_their_code_and_auth_schemes() {
        let a = parse_answer(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
        assert_eq!(a.code, 200);
        let a = parse_answer(
            b"HTTP/1.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\
              proxy-authenticate: Negotiate\r\nProxy-Authenticate: basic realm=\"x\"\r\n\r\n",
        )
        .unwrap();
        assert_eq!(a.code, 407);
        assert_eq!(a.auth_schemes, ["Basic", "Negotiate"]);
        let a = parse_answer(b"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n\r\n").unwrap();
        assert_eq!((a.code, a.auth_schemes), (401, vec!["NTLM".to_owned()]));
        assert_eq!(parse_answer(b"HTTP/1.1 403 Filtered\n\n").unwrap().code, 403);
        assert!(matches!(
            parse_answer(b"SSH-2.0-OpenSSH\r\n\r\n"),
            Err(AnswerError::NotHttp)
        ));
        assert!(matches!(
            parse_answer(b"HTTP/1.1 2x0 Odd\r\n\r\n"),
            Err(AnswerError::Malformed(_))
        ));
        let many = format!("HTTP/1.1 200 OK\r\n{}\r\n", "a: b\r\n".repeat(MAX_HEADERS + 1));
        assert!(parse_answer(many.as_bytes()).is_err());
    }

    #[test]
    fn only_http_can_start_an_answer() {
        assert!(may_be_http(b""));
        assert!(may_be_http(b"HT"));
        assert!(may_be_http(b"HTTP/1.1 200"));
        assert!(!may_be_http(b"\x16\x03"));
        assert!(!may_be_http(b"HTTP/2 200"));
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn the_head_is_read_to_its_end_and_not_a_byte_further() {
        let bytes = b"HTTP/1.1 200 OK\r\nVia: x\r\n\r\n\x16\x03\x01TLS";
        let mut rest: &[u8] = bytes;
        let head = run(read_head(&mut rest)).unwrap();
        assert_eq!(head, b"HTTP/1.1 200 OK\r\nVia: x\r\n\r\n");
        assert_eq!(rest, b"\x16\x03\x01TLS");
    }

    #[test]
    fn an_endless_head_stops_at_the_cap() {
        let mut long = b"HTTP/1.1 200 OK\r\n".to_vec();
        long.extend(std::iter::repeat_n(b'a', 64 * 1024));
        let mut rest: &[u8] = &long;
        assert!(matches!(run(read_head(&mut rest)), Err(AnswerError::TooLong)));
        assert_eq!(rest.len(), long.len() - MAX_ANSWER_HEAD);
        let mut closed: &[u8] = b"HTTP/1.1 200";
        assert!(matches!(
            run(read_head(&mut closed)),
            Err(AnswerError::Closed { received: 12 })
        ));
    }

    #[test]
    fn connect_requests_carry_the_target_and_decoded_basic_credentials() {
        assert_eq!(authority("::1", 443).as_deref(), Some("[::1]:443"));
        assert_eq!(authority("[::1]", 443).as_deref(), Some("[::1]:443"));
        assert_eq!(
            authority("api.wallet.test", 8443).as_deref(),
            Some("api.wallet.test:8443")
        );
        for evil in ["a b", "a\r\nX: y", "a/b", "u@h", ""] {
            assert_eq!(authority(evil, 1), None, "{evil:?}");
        }
        let req = connect_request("a.test:443", &url("http://alice:s%40cret@p.test:3128"));
        let text = String::from_utf8(req).unwrap();
        assert!(
            text.starts_with("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n"),
            "{text}"
        );
        // base64("alice:s@cret")
        assert!(
            text.contains("Proxy-Authorization: Basic YWxpY2U6c0BjcmV0\r\n"),
            "{text}"
        );
        assert!(text.ends_with("\r\n\r\n"));
        let text = String::from_utf8(connect_request("a.test:443", &url("http://p.test:3128"))).unwrap();
        assert!(!text.contains("Proxy-Authorization"));
    }

    proptest::proptest! {
        #[test]
        fn hostile_answers_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse_answer(&bytes);
            let mut rest: &[u8] = &bytes;
            if let Ok(head) = run(read_head(&mut rest)) {
                proptest::prop_assert!(head_complete(&head));
                proptest::prop_assert!(head.len() <= MAX_ANSWER_HEAD);
                proptest::prop_assert_eq!(head.len() + rest.len(), bytes.len());
            }
        }

        #[test]
        fn answers_that_look_like_http_never_panic(
            code in 0u16..1000,
            junk in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
        ) {
            let mut bytes = format!("HTTP/1.1 {code} X\r\n").into_bytes();
            bytes.extend(junk);
            bytes.extend(b"\r\n\r\n");
            let _ = parse_answer(&bytes);
        }

        #[test]
        fn no_proxy_lists_never_panic(list in ".{0,64}", host in "[a-z0-9.:\\[\\]-]{1,24}") {
            let no = NoProxy::parse(&list);
            if let Ok(u) = Url::parse(&format!("http://{host}/")) {
                let _ = no.matches(&u);
            }
        }
    }
}

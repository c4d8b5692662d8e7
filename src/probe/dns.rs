//! DNS: A and AAAA lookups with TTLs and a failure class, and MX deliverability of email
//! domains (RFC 5321 fallback to A/AAAA, RFC 7505 null MX), with hickory-resolver.

#[cfg(feature = "probe")]
use hickory_resolver::config::{NameServerConfig, ResolverConfig, ResolverOpts};
#[cfg(feature = "probe")]
use hickory_resolver::net::runtime::TokioRuntimeProvider;
#[cfg(feature = "probe")]
use hickory_resolver::net::{DnsError, NetError};
#[cfg(feature = "probe")]
use hickory_resolver::proto::op::ResponseCode;
#[cfg(feature = "probe")]
use hickory_resolver::proto::rr::{RData, RecordType};
#[cfg(feature = "probe")]
use hickory_resolver::TokioResolver;
use serde::Serialize;
use std::net::{IpAddr, SocketAddr};
#[cfg(feature = "probe")]
use std::time::Duration;
#[cfg(feature = "probe")]
use tokio::time::{timeout_at, Instant};

#[cfg(feature = "probe")]
use super::ms_since;
use super::Status;

/// Where lookups go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolverChoice {
    /// The system configuration (`/etc/resolv.conf`).
    System,
    /// One server, as `--resolver IP[:port]` gives it.
    Server(SocketAddr),
}

impl std::fmt::Display for ResolverChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResolverChoice::System => f.write_str("system"),
            ResolverChoice::Server(a) => write!(f, "{a}"),
        }
    }
}

#[cfg(feature = "probe")]
/// Builds a resolver. Caching is off, so every lookup is measured, and hickory's own retry
/// is bounded by `timeout` (bindcheck adds its own deadline on top).
pub fn resolver(choice: &ResolverChoice, timeout: Duration) -> Result<TokioResolver, NetError> {
    let mut builder = match choice {
        ResolverChoice::System => TokioResolver::builder_tokio()?,
        ResolverChoice::Server(addr) => {
            let mut server = NameServerConfig::udp_and_tcp(addr.ip());
            for c in &mut server.connections {
                c.port = addr.port();
            }
            let config = ResolverConfig::from_parts(None, vec![], vec![server]);
            TokioResolver::builder_with_config(config, TokioRuntimeProvider::default())
        }
    };
    let opts: &mut ResolverOpts = builder.options_mut();
    opts.timeout = timeout;
    opts.attempts = 1;
    opts.cache_size = 0;
    opts.try_tcp_on_error = true;
    builder.build()
}

/// One address answer.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Answer {
    pub addr: IpAddr,
    pub ttl_s: u32,
}

/// The result of resolving an endpoint's host name.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct DnsResult {
    pub status: Status,
    /// Which resolver answered: `system` or `IP:port`.
    pub resolver: String,
    pub time_ms: Option<f64>,
    pub a: Vec<Answer>,
    pub aaaa: Vec<Answer>,
    /// The failure, in words, when `status` is not `ok`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl DnsResult {
    /// Every address, IPv6 first (the order a happy-eyeballs client tries them in).
    pub fn addresses(&self) -> Vec<IpAddr> {
        self.aaaa.iter().chain(&self.a).map(|a| a.addr).collect()
    }
}

#[cfg(feature = "probe")]
/// Classifies a resolver error.
pub fn classify(err: &NetError) -> Status {
    match err {
        NetError::Timeout => Status::Timeout,
        NetError::Dns(DnsError::NoRecordsFound(nr)) if nr.response_code == ResponseCode::NXDomain => Status::Nxdomain,
        NetError::Dns(DnsError::NoRecordsFound(_)) => Status::NoRecords,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::ServFail)) => Status::Servfail,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::Refused)) => Status::Refused,
        NetError::Dns(DnsError::ResponseCode(ResponseCode::NXDomain)) => Status::Nxdomain,
        NetError::Io(_) | NetError::NoConnections => Status::Unreachable,
        _ => Status::Error,
    }
}

#[cfg(feature = "probe")]
/// A lookup that failed: its class, and the resolver's words for it.
#[derive(Debug)]
struct Failure {
    status: Status,
    error: String,
}

#[cfg(feature = "probe")]
impl Failure {
    fn of(err: &NetError) -> Failure {
        Failure {
            status: classify(err),
            error: describe(err),
        }
    }

    /// How telling the failure is about the name, most first: the resolver's own answers
    /// (NXDOMAIN, SERVFAIL, REFUSED), then a broken answer, then "no records" (a broken
    /// answer about the name says more than the other family having none), then the rest.
    fn rank(&self) -> u8 {
        match self.status {
            Status::Nxdomain => 0,
            Status::Servfail => 1,
            Status::Refused => 2,
            Status::Error => 3,
            Status::NoRecords => 4,
            _ => 5,
        }
    }
}

#[cfg(feature = "probe")]
/// A resolver error in words: hickory's message, without the wrapper's prefix where the
/// cause says it all.
pub fn describe(err: &NetError) -> String {
    match err {
        NetError::Timeout => "the resolver did not answer in time".to_owned(),
        NetError::Truncated => {
            "the answer was too large for UDP (truncated) and could not be fetched over TCP".to_owned()
        }
        NetError::NoConnections => "no connection to the resolver could be made".to_owned(),
        NetError::Proto(e) => format!("the resolver's answer is malformed: {e}"),
        NetError::Dns(DnsError::NoRecordsFound(nr)) => {
            let (name, kind) = (nr.query.name(), nr.query.query_type());
            if nr.response_code == ResponseCode::NXDomain {
                format!("{name} does not exist (NXDOMAIN)")
            } else {
                format!("{name} has no {kind} records")
            }
        }
        NetError::Dns(DnsError::ResponseCode(code)) => {
            // The names dig prints (RFC 1035 and 6895), not hickory's prose ("Server Failure").
            let name = match code {
                ResponseCode::FormErr => "FORMERR".to_owned(),
                ResponseCode::ServFail => "SERVFAIL".to_owned(),
                ResponseCode::NXDomain => "NXDOMAIN".to_owned(),
                ResponseCode::NotImp => "NOTIMP".to_owned(),
                ResponseCode::Refused => "REFUSED".to_owned(),
                other => other.to_string(),
            };
            format!("the resolver answered {name} ({})", u16::from(*code))
        }
        NetError::Io(e) => format!("cannot reach the resolver: {e}"),
        other => other.to_string(),
    }
}

#[cfg(feature = "probe")]
async fn lookup_addrs(
    resolver: &TokioResolver,
    name: &str,
    kind: RecordType,
    deadline: Instant,
) -> Result<Vec<Answer>, Failure> {
    let fqdn = if name.ends_with('.') {
        name.to_owned()
    } else {
        format!("{name}.")
    };
    match timeout_at(deadline, resolver.lookup(fqdn.as_str(), kind)).await {
        Err(_) => Err(Failure {
            status: Status::Timeout,
            error: "no answer before the deadline".to_owned(),
        }),
        Ok(Err(e)) => Err(Failure::of(&e)),
        Ok(Ok(lookup)) => Ok(lookup
            .answers()
            .iter()
            .filter_map(|r| match &r.data {
                RData::A(a) => Some(Answer {
                    addr: IpAddr::V4(a.0),
                    ttl_s: r.ttl,
                }),
                RData::AAAA(a) => Some(Answer {
                    addr: IpAddr::V6(a.0),
                    ttl_s: r.ttl,
                }),
                _ => None,
            })
            .collect()),
    }
}

#[cfg(feature = "probe")]
/// Resolves `host` (A and AAAA at once). An IP literal resolves to itself without a lookup.
pub async fn resolve(resolver: &TokioResolver, choice: &ResolverChoice, host: &str, deadline: Instant) -> DnsResult {
    let started = Instant::now();
    let mut result = DnsResult {
        status: Status::Ok,
        resolver: choice.to_string(),
        time_ms: None,
        a: Vec::new(),
        aaaa: Vec::new(),
        error: None,
    };
    if let Ok(ip) = host.trim_start_matches('[').trim_end_matches(']').parse::<IpAddr>() {
        let answer = Answer { addr: ip, ttl_s: 0 };
        match ip {
            IpAddr::V4(_) => result.a.push(answer),
            IpAddr::V6(_) => result.aaaa.push(answer),
        }
        result.time_ms = Some(0.0);
        return result;
    }
    let (a, aaaa) = tokio::join!(
        lookup_addrs(resolver, host, RecordType::A, deadline),
        lookup_addrs(resolver, host, RecordType::AAAA, deadline)
    );
    result.time_ms = Some(ms_since(started));
    let is_no_records = |f: &Failure| f.status == Status::NoRecords;
    match (a, aaaa) {
        (Ok(a), Ok(aaaa)) => {
            result.a = a;
            result.aaaa = aaaa;
        }
        // One family answering is enough; the other having no records is normal.
        (Ok(a), Err(f)) if !a.is_empty() && is_no_records(&f) => result.a = a,
        (Err(f), Ok(aaaa)) if !aaaa.is_empty() && is_no_records(&f) => result.aaaa = aaaa,
        (Ok(a), Err(f)) if !a.is_empty() => {
            result.a = a;
            result.error = Some(format!("AAAA lookup: {}", f.error));
        }
        (Err(f), Ok(aaaa)) if !aaaa.is_empty() => {
            result.aaaa = aaaa;
            result.error = Some(format!("A lookup: {}", f.error));
        }
        (a, aaaa) => {
            // Report the more telling failure, with its words.
            let failures = [("A", a.err()), ("AAAA", aaaa.err())];
            let worst = failures
                .iter()
                .filter_map(|(family, f)| Some((*family, f.as_ref()?)))
                .min_by_key(|(_, f)| f.rank());
            if let Some((family, f)) = worst {
                result.status = f.status;
                result.error = Some(format!("{family} lookup: {}", f.error));
            }
        }
    }
    if result.status == Status::Ok && result.a.is_empty() && result.aaaa.is_empty() {
        result.status = Status::NoRecords;
    }
    result
}

#[cfg(feature = "probe")]
/// The name of `ip` (PTR), if one comes back within `timeout`.
pub async fn reverse(resolver: &TokioResolver, ip: IpAddr, timeout: Duration) -> Option<String> {
    let name = hickory_resolver::proto::rr::Name::from(ip);
    let lookup = tokio::time::timeout(timeout, resolver.lookup(name, RecordType::PTR))
        .await
        .ok()?
        .ok()?;
    lookup.answers().iter().find_map(|r| match &r.data {
        RData::PTR(ptr) => Some(ptr.0.to_ascii().trim_end_matches('.').to_owned()),
        _ => None,
    })
}

#[cfg(feature = "probe")]
/// Names the hops of a trace, each lookup bounded by `timeout`, all at once.
pub async fn name_hops(resolver: &TokioResolver, trace: &mut super::trace::TraceResult, timeout: Duration) {
    let names = futures_util::future::join_all(trace.hops.iter().map(|h| async move {
        match h.addr {
            // Loopback needs no name, and asking a DNS server for one would leave the machine.
            Some(ip) if !ip.is_loopback() => reverse(resolver, ip, timeout).await,
            _ => None,
        }
    }))
    .await;
    for (hop, name) in trace.hops.iter_mut().zip(names) {
        hop.name = name;
    }
}

/// Whether two resolvers disagree about a name: both answered with addresses and have none
/// in common, or one found the name and the other says it does not exist. (CDNs hand out
/// different addresses from one pool, so overlapping answers are not a divergence.)
pub fn diverges(a: &DnsResult, b: &DnsResult) -> bool {
    match (a.status, b.status) {
        (Status::Ok, Status::Ok) => {
            let theirs = b.addresses();
            !a.addresses().iter().any(|ip| theirs.contains(ip))
        }
        (Status::Ok, Status::Nxdomain) | (Status::Nxdomain, Status::Ok) => true,
        _ => false,
    }
}

/// Whether an email domain can receive mail.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailVerdict {
    /// MX records name at least one mail server.
    Mx,
    /// No MX, but the domain has an address (RFC 5321 section 5.1 implicit MX).
    ImplicitMx,
    /// A null MX (RFC 7505): the domain says it accepts no mail.
    NullMx,
    /// The domain does not exist.
    NoDomain,
    /// Neither MX nor address records.
    NoMailHost,
    /// The lookup failed (timeout, SERVFAIL...): unknown.
    Unknown,
}

impl MailVerdict {
    /// What the domain's DNS says about mail, in a reader's words.
    pub fn label(self, lang: crate::validate::Lang) -> &'static str {
        let (en, zh) = match self {
            MailVerdict::Mx => ("receives mail (MX)", "可以收信（MX）"),
            MailVerdict::ImplicitMx => ("receives mail (no MX, an address)", "可以收信（无 MX，有地址记录）"),
            MailVerdict::NullMx => ("accepts no mail (null MX)", "不接收邮件（空 MX）"),
            MailVerdict::NoDomain => ("no such domain", "域名不存在"),
            MailVerdict::NoMailHost => ("no mail server", "没有邮件服务器"),
            MailVerdict::Unknown => ("not known (the lookup failed)", "未知（查询失败）"),
        };
        lang.pick(en, zh)
    }
}

/// The result of checking an email domain. Only the domain is looked up: bindcheck never
/// connects to the mail server and never sends the address anywhere.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct MailResult {
    pub domain: String,
    pub verdict: MailVerdict,
    pub status: Status,
    pub time_ms: Option<f64>,
    /// (preference, exchange) pairs, lowest preference first.
    pub mx: Vec<(u16, String)>,
    /// Why the lookup failed, when it did and the verdict is `unknown`: the resolver's
    /// answer in words (`the resolver answered SERVFAIL (2)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[cfg(feature = "probe")]
/// Looks up the mail exchangers of `domain`, falling back to its addresses.
pub async fn mail(resolver: &TokioResolver, choice: &ResolverChoice, domain: &str, deadline: Instant) -> MailResult {
    let started = Instant::now();
    let fqdn = if domain.ends_with('.') {
        domain.to_owned()
    } else {
        format!("{domain}.")
    };
    let mut result = MailResult {
        domain: domain.to_owned(),
        verdict: MailVerdict::Unknown,
        status: Status::Ok,
        time_ms: None,
        mx: Vec::new(),
        error: None,
    };
    match timeout_at(deadline, resolver.lookup(fqdn.as_str(), RecordType::MX)).await {
        Err(_) => {
            result.status = Status::Timeout;
            result.error = Some("no answer before the deadline".to_owned());
        }
        Ok(Ok(lookup)) => {
            let mut mx: Vec<(u16, String)> = lookup
                .answers()
                .iter()
                .filter_map(|r| match &r.data {
                    RData::MX(mx) => Some((mx.preference, mx.exchange.to_ascii())),
                    _ => None,
                })
                .collect();
            mx.sort();
            let null = mx.len() == 1 && mx[0].1 == ".";
            result.verdict = if null {
                MailVerdict::NullMx
            } else if mx.is_empty() {
                MailVerdict::NoMailHost
            } else {
                MailVerdict::Mx
            };
            result.mx = mx;
        }
        Ok(Err(e)) => match classify(&e) {
            Status::Nxdomain => {
                result.status = Status::Nxdomain;
                result.verdict = MailVerdict::NoDomain;
            }
            Status::NoRecords => {
                let addrs = resolve(resolver, choice, domain, deadline).await;
                result.verdict = match addrs.status {
                    Status::Ok => MailVerdict::ImplicitMx,
                    Status::NoRecords => MailVerdict::NoMailHost,
                    Status::Nxdomain => MailVerdict::NoDomain,
                    other => {
                        result.status = other;
                        result.error = addrs.error;
                        MailVerdict::Unknown
                    }
                };
            }
            other => {
                result.status = other;
                result.error = Some(describe(&e));
            }
        },
    }
    result.time_ms = Some(ms_since(started));
    result
}

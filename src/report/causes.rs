//! Root causes: when many findings share one cause, the report leads with the cause and
//! groups the rest under it. Twenty "cannot resolve" findings are one broken DNS; every
//! endpoint refused is one firewall; an email domain that could not be looked up on a
//! broken network is unknown, not missing.
//!
//! A cause is only named when the evidence tells it apart: two or more different servers
//! failing the same way (one failing server is that server's problem as far as anyone can
//! tell), or the environment showing that no route leaves this device. A proxy is one
//! machine whatever the servers behind it: two or more endpoints, and every endpoint that
//! goes through it, failing there the same way name it once.

use std::net::IpAddr;

use super::{ReportFinding, Severity, Subject};
use crate::probe::env::Environment;
use crate::probe::portal::PortalReading;
use crate::probe::{EndpointReport, MailResult, MailVerdict, Status};
use crate::validate::{Code, Detail};

/// A cause shared by several findings.
#[derive(Clone, Debug, PartialEq)]
pub enum Cause {
    /// The connectivity checks were answered by the network itself: a sign-in page.
    CaptivePortal { location: Option<String> },
    /// No default route, or nothing at all can be reached.
    Offline { no_route: bool },
    /// Every name looked up fails the same way.
    DnsBroken { names: Vec<String> },
    /// Every server refuses connections.
    AllRefused { servers: Vec<String> },
    /// Every secure connection fails with the same certificate problem, from the same
    /// source: untrusted and issued by the same authority, or for the same other name.
    TlsIntercepted {
        status: Status,
        /// The issuer (untrusted) or the name (mismatched) every certificate shares.
        source: String,
        servers: Vec<String>,
    },
    /// Every certificate looks expired, or not valid yet: the device's clock.
    ClockWrong { status: Status },
    /// Every secure connection fails the same way, for another reason.
    TlsAllFailing { status: Status, servers: Vec<String> },
    /// Every endpoint that goes through a proxy fails there the same way (two or more).
    ProxyFailing {
        failure: ProxyFailure,
        /// The endpoints' URLs, as their findings' subjects name them.
        urls: Vec<String>,
    },
    /// The servers' clocks disagree with this device's: the certificate errors follow.
    ClockSkew,
    /// A path trace located where an endpoint's packets are lost: the loss follows.
    PathLocated { code: Code, url: String },
}

/// The most servers a cause's detail names; the rest are counted in the grouped findings.
const NAMED: usize = 3;

fn names_detail(names: &[String]) -> Detail {
    let mut shown: Vec<&str> = names.iter().take(NAMED).map(String::as_str).collect();
    if names.len() > NAMED {
        shown.push("…");
    }
    Detail::Text(shown.join(", "))
}

impl Cause {
    /// The finding that names the cause.
    pub fn code(&self) -> Code {
        match self {
            Cause::CaptivePortal { .. } => Code::NetCaptivePortal,
            Cause::Offline { .. } => Code::NetOffline,
            Cause::DnsBroken { .. } => Code::NetDnsBroken,
            Cause::AllRefused { .. } => Code::NetAllRefused,
            Cause::TlsIntercepted { .. } => Code::NetTlsIntercepted,
            Cause::ClockWrong { .. } => Code::NetClockWrong,
            Cause::TlsAllFailing { .. } => Code::NetTlsAllFailing,
            Cause::ProxyFailing { failure, .. } => failure.code,
            Cause::ClockSkew => Code::NetClockSkew,
            Cause::PathLocated { code, .. } => *code,
        }
    }

    /// Whether the cause is a finding the rules made already (it then leads only where it
    /// explains something), rather than a finding of its own.
    pub fn is_existing(&self, f: &ReportFinding) -> bool {
        match self {
            Cause::ClockSkew => f.code == Code::NetClockSkew,
            Cause::PathLocated { code, url } => f.code == *code && f.subject == Subject::Endpoint(url.clone()),
            _ => false,
        }
    }

    /// What fills the cause's `{detail}`.
    pub fn detail(&self) -> Option<Detail> {
        Some(match self {
            Cause::CaptivePortal { location: Some(at) } => Detail::Text(at.clone()),
            Cause::CaptivePortal { location: None } => Detail::localized(
                "its own page, not the internet's answer",
                "返回的是它自己的页面，而不是外网的应答",
            ),
            Cause::Offline { no_route: true } => Detail::localized("no default route", "没有默认路由"),
            Cause::Offline { no_route: false } => Detail::localized("no server could be reached", "无法访问任何服务器"),
            Cause::DnsBroken { names } => names_detail(names),
            Cause::AllRefused { servers } | Cause::TlsAllFailing { servers, .. } => names_detail(servers),
            Cause::TlsIntercepted { source, servers, .. } => Detail::Text(format!(
                "{source} — {}",
                names_detail(servers).get(crate::validate::Lang::En)
            )),
            Cause::ClockWrong {
                status: Status::NotYetValid,
            } => Detail::localized("not valid yet", "尚未生效"),
            Cause::ClockWrong { .. } => Detail::localized("expired", "已过期"),
            Cause::ProxyFailing { failure, .. } => Detail::Text(failure.at()),
            Cause::ClockSkew | Cause::PathLocated { .. } => return None,
        })
    }

    /// The severity of the finding that names the cause, given whether it explains any
    /// other finding: its code's, except that a portal that lets every endpoint through
    /// does not block the bind (a warning).
    pub fn severity(&self, explains_any: bool) -> Severity {
        match self {
            Cause::CaptivePortal { .. } if !explains_any => Severity::Warning,
            _ => self.code().severity(),
        }
    }

    /// Whether `f` is one of the symptoms this cause explains.
    pub fn explains(&self, f: &ReportFinding) -> bool {
        let endpoint = matches!(f.subject, Subject::Endpoint(_));
        let tls_code = |status: &Status| tls_code(*status) == Some(f.code);
        match self {
            Cause::CaptivePortal { .. } | Cause::Offline { .. } => endpoint || matches!(f.subject, Subject::Mail(_)),
            Cause::DnsBroken { .. } => {
                (endpoint
                    && matches!(
                        f.code,
                        Code::NetDnsNxdomain | Code::NetDnsServfail | Code::NetDnsTimeout | Code::NetDnsFailed
                    ))
                    || matches!(f.subject, Subject::Mail(_))
            }
            Cause::AllRefused { .. } => endpoint && f.code == Code::NetConnectRefused,
            Cause::TlsIntercepted { status, .. }
            | Cause::ClockWrong { status }
            | Cause::TlsAllFailing { status, .. } => endpoint && tls_code(status),
            // What the direct path met is its own; beside a failing proxy, that it works.
            Cause::ProxyFailing { urls, .. } => {
                f.code == Code::NetDirectPathWorks
                    && matches!(&f.subject, Subject::Endpoint(url) if urls.binary_search(url).is_ok())
            }
            Cause::ClockSkew => endpoint && matches!(f.code, Code::NetTlsExpired | Code::NetTlsNotYetValid),
            Cause::PathLocated { url, .. } => {
                f.subject == Subject::Endpoint(url.clone())
                    && matches!(
                        f.code,
                        // On a path losing packets, a request that timed out or broke was
                        // lost on the way, not kept waiting by a busy server.
                        Code::NetLossHigh
                            | Code::NetJitterHigh
                            | Code::NetConnectTimeout
                            | Code::NetTlsTimeout
                            | Code::NetHttpTimeout
                            | Code::NetHttpFailed
                    )
            }
        }
    }
}

/// The finding code of a failed TLS handshake's status, as the rules give it.
fn tls_code(status: Status) -> Option<Code> {
    Some(match status {
        Status::Ok | Status::Skipped | Status::NotMeasured => return None,
        Status::Expired => Code::NetTlsExpired,
        Status::NotYetValid => Code::NetTlsNotYetValid,
        Status::Untrusted => Code::NetTlsUntrusted,
        Status::NameMismatch => Code::NetTlsNameMismatch,
        Status::Timeout => Code::NetTlsTimeout,
        _ => Code::NetTlsFailed,
    })
}

/// The one status every entry shares, when there are at least two distinct names and it is
/// a failure.
fn shared_failure(entries: &[(String, Status)]) -> Option<Status> {
    let mut names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let first = entries.first()?.1;
    (names.len() >= 2 && entries.iter().all(|(_, s)| *s == first) && !matches!(first, Status::Ok)).then_some(first)
}

fn distinct(entries: &[(String, Status)]) -> Vec<String> {
    let mut names: Vec<String> = entries.iter().map(|(n, _)| n.clone()).collect();
    names.sort();
    names.dedup();
    names
}

/// Whether the endpoint failed before any HTTP exchange: its name, or every connect.
fn failed_before_http(e: &EndpointReport) -> bool {
    e.dns.status != Status::Ok || (!e.tcp.is_empty() && !e.tcp.iter().any(|t| t.status == Status::Ok))
}

/// Whether the endpoint's failure says "no route": the lookup or every connect unreachable.
fn unreachable(e: &EndpointReport) -> bool {
    e.dns.status == Status::Unreachable || (!e.tcp.is_empty() && e.tcp.iter().all(|t| t.status == Status::Unreachable))
}

fn offline(endpoints: &[&EndpointReport], env: Option<&Environment>) -> Option<Cause> {
    let all_failed = !endpoints.is_empty() && endpoints.iter().all(|e| failed_before_http(e));
    let no_route = env.and_then(|e| e.default_route) == Some(false);
    (all_failed && (no_route || endpoints.iter().all(|e| unreachable(e)))).then_some(Cause::Offline { no_route })
}

fn dns_broken(endpoints: &[&EndpointReport], mail: Option<&MailResult>) -> Option<Cause> {
    let mut names: Vec<(String, Status)> = endpoints
        .iter()
        .filter(|e| e.host.trim_matches(['[', ']']).parse::<IpAddr>().is_err())
        .map(|e| (e.host.clone(), e.dns.status))
        .collect();
    if let Some(m) = mail {
        names.push((m.domain.clone(), m.status));
    }
    let status = shared_failure(&names)?;
    (status != Status::NotMeasured).then(|| Cause::DnsBroken {
        names: distinct(&names),
    })
}

fn all_refused(endpoints: &[&EndpointReport]) -> Option<Cause> {
    let servers: Vec<(String, Status)> = endpoints
        .iter()
        .filter(|e| !e.tcp.is_empty())
        .map(|e| {
            let refused = e.tcp.iter().all(|t| t.status == Status::Refused);
            (e.host.clone(), if refused { Status::Refused } else { Status::Ok })
        })
        .collect();
    (shared_failure(&servers) == Some(Status::Refused)).then(|| Cause::AllRefused {
        servers: distinct(&servers),
    })
}

fn tls_all(endpoints: &[&EndpointReport]) -> Option<Cause> {
    let tls: Vec<(&str, &crate::probe::TlsResult)> = endpoints
        .iter()
        .filter_map(|e| e.tls.as_ref().map(|t| (e.host.as_str(), t)))
        .filter(|(_, t)| !matches!(t.status, Status::Skipped | Status::NotMeasured))
        .collect();
    let servers: Vec<(String, Status)> = tls.iter().map(|(h, t)| ((*h).to_owned(), t.status)).collect();
    let status = shared_failure(&servers)?;
    let servers = distinct(&servers);
    let shared_source = || {
        let sources: Vec<Option<&str>> = tls.iter().map(|(_, t)| certificate_source(t)).collect();
        let first = sources.first().copied().flatten()?;
        sources.iter().all(|s| *s == Some(first)).then(|| first.to_owned())
    };
    Some(match status {
        // One source for every server is an inspecting network; different sources are each
        // server's own trouble, failing the same way.
        Status::Untrusted | Status::NameMismatch => match shared_source() {
            Some(source) => Cause::TlsIntercepted {
                status,
                source,
                servers,
            },
            None => Cause::TlsAllFailing { status, servers },
        },
        Status::Expired | Status::NotYetValid => Cause::ClockWrong { status },
        _ => Cause::TlsAllFailing { status, servers },
    })
}

/// Where a failing certificate comes from: for an untrusted chain, the authority at its top
/// (the issuer of the last certificate presented); for a name mismatch, the name the leaf is
/// for.
fn certificate_source(t: &crate::probe::TlsResult) -> Option<&str> {
    match t.status {
        Status::Untrusted => t.chain.last().map(|c| c.issuer.as_str()),
        Status::NameMismatch => t.chain.first().map(|c| c.subject.as_str()),
        _ => None,
    }
}

/// How one endpoint's traffic failed at its proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyFailure {
    /// `net.proxy_unreachable`, `_auth_required`, `_refused`, `_timeout` or `_intercepts`.
    pub code: Code,
    /// The proxy, credentials masked.
    pub proxy: String,
    /// The proxy's answer (407, 403), when it gave one.
    pub status_code: Option<u16>,
}

impl ProxyFailure {
    /// The proxy and its answer, as the finding's detail: `http://***@proxy:3128/ (407)`.
    pub fn at(&self) -> String {
        match self.status_code {
            Some(code) => format!("{} ({code})", self.proxy),
            None => self.proxy.clone(),
        }
    }
}

/// What the path through the proxy met, when it failed there: bindcheck's own tunnel says
/// exactly what the proxy answered (https); for plain http, the application-path request's
/// answer does. A proxy that re-signs the endpoint's certificate fails it too, when the
/// direct handshake verifies.
pub fn proxy_failure(e: &EndpointReport) -> Option<ProxyFailure> {
    use crate::probe::app::AppStage;
    use crate::probe::proxy::TunnelStatus;
    let app = e.app.as_ref()?;
    let (code, proxy, status_code) = match (&e.proxy, &app.via) {
        (Some(p), _) => {
            let t = &p.tunnel;
            let code = match t.status {
                TunnelStatus::Ok => {
                    let through = p.tls.as_ref().map(|t| t.status);
                    let direct = e.tls.as_ref().map(|t| t.status);
                    if through == Some(Status::Untrusted) && direct != Some(Status::Untrusted) {
                        Code::NetProxyIntercepts
                    } else {
                        return None;
                    }
                }
                TunnelStatus::Unreachable => Code::NetProxyUnreachable,
                TunnelStatus::Timeout => Code::NetProxyTimeout,
                TunnelStatus::AuthRequired => Code::NetProxyAuthRequired,
                TunnelStatus::Refused | TunnelStatus::BadAnswer => Code::NetProxyRefused,
                TunnelStatus::Unsupported | TunnelStatus::NotMeasured => return None,
            };
            (code, &t.proxy, t.status_code)
        }
        (None, Some(via)) => match (app.status_code, app.failed_at) {
            (Some(407), _) => (Code::NetProxyAuthRequired, via, Some(407)),
            (_, Some(AppStage::Proxy)) if app.status == Status::Timeout => (Code::NetProxyTimeout, via, None),
            (_, Some(AppStage::Proxy)) => (Code::NetProxyUnreachable, via, None),
            _ => return None,
        },
        (None, None) => return None,
    };
    Some(ProxyFailure {
        code,
        proxy: proxy.clone(),
        status_code,
    })
}

/// Whether the endpoint's traffic goes through a proxy (on the app's path, or the tunnel's).
fn goes_through_proxy(e: &EndpointReport) -> bool {
    e.proxy.is_some() || e.app.as_ref().is_some_and(|a| a.via.is_some())
}

/// The proxy named once: when two or more endpoints go through a proxy and every one of
/// them fails at the same proxy with the same finding. Their answers' codes are kept when
/// they agree (403 for all), dropped when not (403 and 405 both refuse). Takes every
/// endpoint, those the proxy lets through included: one that gets through is evidence that
/// the proxy does not fail everything.
fn proxy_failing(endpoints: &[&EndpointReport]) -> Option<Cause> {
    let mut proxied = endpoints.iter().filter(|e| goes_through_proxy(e));
    let first = proxy_failure(proxied.next()?)?;
    let mut failure = first.clone();
    let mut urls = vec![];
    for e in endpoints.iter().filter(|e| goes_through_proxy(e)) {
        let f = proxy_failure(e).filter(|f| f.code == first.code && f.proxy == first.proxy)?;
        if f.status_code != first.status_code {
            failure.status_code = None;
        }
        urls.push(e.url.clone());
    }
    urls.sort();
    urls.dedup();
    (urls.len() >= 2).then_some(Cause::ProxyFailing { failure, urls })
}

/// The endpoints whose path trace located their loss, locally or beyond.
pub fn located(findings: &[ReportFinding]) -> Vec<Cause> {
    findings
        .iter()
        .filter(|f| matches!(f.code, Code::NetPathLocal | Code::NetPathBeyond))
        .filter_map(|f| match &f.subject {
            Subject::Endpoint(url) => Some(Cause::PathLocated {
                code: f.code,
                url: url.clone(),
            }),
            _ => None,
        })
        .collect()
}

/// The causes the evidence shows, most basic first. Behind a captive portal, or where the
/// device is offline, nothing else is named: every other failure follows from it. A failing
/// proxy comes next: it is what the app meets first. `all` is every endpoint; `endpoints`
/// those that count as evidence about the network (not the ones the app reaches through its
/// proxy).
pub fn infer(
    all: &[&EndpointReport],
    endpoints: &[&EndpointReport],
    mail: Option<&MailResult>,
    env: Option<&Environment>,
    portal: &PortalReading,
) -> Vec<Cause> {
    if let PortalReading::Portal { location } = portal {
        return vec![Cause::CaptivePortal {
            location: location.clone(),
        }];
    }
    if let Some(cause) = offline(endpoints, env) {
        return vec![cause];
    }
    [
        proxy_failing(all),
        dns_broken(endpoints, mail),
        all_refused(endpoints),
        tls_all(endpoints),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// A mail domain looked up over a network whose DNS is broken is not known to be missing:
/// its verdict becomes `unknown`.
pub fn correct_mail(mail: &mut MailResult, causes: &[Cause]) {
    let dns_gone = causes
        .iter()
        .any(|c| matches!(c, Cause::Offline { .. } | Cause::DnsBroken { .. }));
    if dns_gone && matches!(mail.verdict, MailVerdict::NoDomain | MailVerdict::NoMailHost) {
        mail.verdict = MailVerdict::Unknown;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(entries: &[(&str, Status)]) -> Vec<(String, Status)> {
        entries.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect()
    }

    #[test]
    fn one_failing_name_is_not_a_shared_cause() {
        assert_eq!(shared_failure(&names(&[("a.test", Status::Nxdomain)])), None);
        assert_eq!(
            shared_failure(&names(&[("a.test", Status::Nxdomain), ("a.test", Status::Nxdomain)])),
            None,
            "the same name twice is one name"
        );
        assert_eq!(
            shared_failure(&names(&[("a.test", Status::Nxdomain), ("b.test", Status::Ok)])),
            None
        );
        assert_eq!(
            shared_failure(&names(&[("a.test", Status::Nxdomain), ("b.test", Status::Servfail)])),
            None,
            "different failures are not one cause"
        );
        assert_eq!(
            shared_failure(&names(&[("a.test", Status::Nxdomain), ("b.test", Status::Nxdomain)])),
            Some(Status::Nxdomain)
        );
    }

    #[test]
    fn located_loss_explains_its_own_endpoints_timeouts_only() {
        let on = |url: &str, code| {
            ReportFinding::new(
                code,
                code.severity(),
                Subject::Endpoint(url.into()),
                None,
                crate::validate::Lang::En,
            )
        };
        let cause = Cause::PathLocated {
            code: Code::NetPathBeyond,
            url: "http://a.test/".into(),
        };
        for code in [
            Code::NetLossHigh,
            Code::NetConnectTimeout,
            Code::NetHttpTimeout,
            Code::NetHttpFailed,
        ] {
            assert!(cause.explains(&on("http://a.test/", code)), "{code:?}");
        }
        assert!(
            !cause.explains(&on("http://b.test/", Code::NetHttpTimeout)),
            "another endpoint"
        );
        assert!(
            !cause.explains(&on("http://a.test/", Code::NetHttpMaintenance)),
            "a 503 is the server's"
        );
    }

    #[test]
    fn the_cause_detail_names_at_most_three_servers() {
        let many: Vec<String> = (1..=5).map(|i| format!("s{i}.test")).collect();
        let d = Cause::AllRefused { servers: many }.detail().unwrap();
        assert_eq!(d.get(crate::validate::Lang::En), "s1.test, s2.test, s3.test, …");
    }
}

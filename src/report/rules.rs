//! The rules that turn measurements and validation results into findings, a verdict and
//! remedies. Pure: everything they need is passed in.

use crate::probe::env::Environment;
use crate::probe::http::RefusedRedirect;
use crate::probe::portal::ConnectivityCheck;
use crate::probe::redirect::Refusal;
use crate::probe::{http, EndpointReport, HttpResult, MailResult, MailVerdict, Status, TlsResult};
use crate::profile::{AppVersion, Endpoint, EndpointId, Profile, Threshold, Thresholds};
use crate::validate::{mask, Code, Detail, Finding, Inputs, Lang, Severity, Validation};

use super::causes::{self, Cause};
use super::{remedy, AppCheck, ProfileRef, Report, ReportFinding, Subject, Verdict, SCHEMA_VERSION};

/// Everything a report is made from.
pub struct Evidence<'a> {
    pub profile: &'a Profile,
    pub inputs: &'a Inputs,
    pub validation: &'a Validation,
    /// Each endpoint's results, with the profile endpoint they belong to.
    pub endpoints: Vec<(EndpointId, EndpointReport)>,
    /// The connectivity checks (captive portals), when the run asked them.
    pub connectivity: Vec<ConnectivityCheck>,
    pub mail: Option<MailResult>,
    pub app_version: Option<&'a str>,
    pub environment: Option<Environment>,
    /// `--insecure` was in effect.
    pub insecure: bool,
    pub unmasked: bool,
    pub generated_at: String,
    pub duration_ms: f64,
    /// The reader's time zone, for the times in the human text.
    pub time_zone: super::time::TimeZone,
}

/// Free disk space below this is a warning.
pub const LOW_DISK_BYTES: u64 = 500 * 1024 * 1024;
/// Free memory below this is a warning.
pub const LOW_MEMORY_BYTES: u64 = 200 * 1024 * 1024;

/// The severity a measurement reaches: at or above `fail` an error, at or above `warn` a
/// warning. With `below`, smaller values are worse (days left on a certificate).
pub fn level(value: f64, t: Threshold, below: bool) -> Option<Severity> {
    let worse = |limit: f64| if below { value < limit } else { value >= limit };
    if worse(t.fail) {
        Some(Severity::Error)
    } else if worse(t.warn) {
        Some(Severity::Warning)
    } else {
        None
    }
}

struct Collector {
    lang: Lang,
    findings: Vec<ReportFinding>,
}

impl Collector {
    fn push(&mut self, code: Code, severity: Severity, subject: Subject, detail: Option<Detail>) {
        self.findings
            .push(ReportFinding::new(code, severity, subject, detail, self.lang));
    }

    fn text(&mut self, code: Code, subject: Subject, detail: impl Into<String>) {
        self.push(code, code.severity(), subject, Some(Detail::Text(detail.into())));
    }
}

fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.1} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

/// The input findings, converted.
fn input_findings(c: &mut Collector, validation: &Validation) {
    for f in validation.findings() {
        let Finding {
            code,
            severity,
            field,
            detail,
        } = f.clone();
        c.push(code, severity, Subject::Field(field), detail);
    }
}

/// The findings about one endpoint, phase by phase in path order.
fn endpoint_findings(c: &mut Collector, e: &EndpointReport, spec: &Endpoint, t: &Thresholds, proxy_grouped: bool) {
    let first = c.findings.len();
    dns_findings(c, e, t);
    connect_findings(c, e, t);
    if let Some(tls) = &e.tls {
        tls_findings(c, e, tls, t);
    }
    if let Some(h) = &e.http {
        http_findings(c, e, h, spec, t);
    }
    loss_findings(c, e, t);
    trace_findings(c, e);
    proxy_findings(c, e, first, t, proxy_grouped);
    // This endpoint's findings only: a scan of all of them would be quadratic.
    let already = c.findings[first..]
        .iter()
        .any(|f| f.code == Code::NetNotMeasured && f.subject == subject(e));
    if !e.not_measured.is_empty() && !already {
        c.text(Code::NetNotMeasured, subject(e), &e.url);
    }
}

/// The app's path through a proxy works where the direct path does not.
fn reached_through_proxy(e: &EndpointReport) -> bool {
    e.status != Status::Ok
        && e.app
            .as_ref()
            .is_some_and(|a| a.via.is_some() && a.status == Status::Ok)
}

/// What the path through the proxy met ([`causes::proxy_failure`]). When the two paths
/// disagree the report says so: the direct path working beside a failing proxy, or a
/// network that lets traffic out only through its proxy, where the direct path's failures
/// are not what the app meets (they become notes, grouped under that finding). `grouped`:
/// the proxy fails every endpoint the same way, and the cause says so once, for all of them
/// (the endpoint's own finding would repeat it).
fn proxy_findings(c: &mut Collector, e: &EndpointReport, first: usize, t: &Thresholds, grouped: bool) {
    let Some(app) = &e.app else { return };
    let direct_ok = e.status == Status::Ok;
    let before = c.findings.len();
    let failure = causes::proxy_failure(e);
    match &failure {
        Some(f) if !grouped => c.text(f.code, subject(e), f.at()),
        Some(_) => {}
        None => app_path_findings(c, e, app, t),
    }
    if failure.is_some() && direct_ok {
        c.push(Code::NetDirectPathWorks, Severity::Info, subject(e), None);
    }
    if let Some(via) = app
        .via
        .as_ref()
        .filter(|_| failure.is_none() && reached_through_proxy(e))
    {
        // The app's path works; what failed is a path the app does not take.
        for f in &mut c.findings[first..before] {
            if f.severity > Severity::Info {
                f.severity = Severity::Info;
                f.caused_by = Some(Code::NetProxyOnly);
            }
        }
        // It leads this endpoint's findings: it says why the rest do not count.
        c.text(Code::NetProxyOnly, subject(e), via);
        if let Some(f) = c.findings.pop() {
            c.findings.insert(first, f);
        }
    }
}

/// Direct both ways: the app's stack fails where bindcheck's own request got through (what
/// differs is what the stack does: HTTP/2, compression, its redirect rules), at a stage the
/// service answers for. Not named: a time-out or the deadline (nothing tells them from a
/// slow moment), nor a lookup or a connect (the app's stack resolves with the system's
/// resolver, which `--resolver` does not change), nor on a path losing packets (one request
/// failing and another not is the loss's doing).
fn app_path_findings(c: &mut Collector, e: &EndpointReport, app: &crate::probe::AppPathResult, t: &Thresholds) {
    use crate::probe::app::AppStage;
    let lossy = e.loss.iter().any(|l| l.summary.loss_pct >= t.loss_pct.warn);
    let named = e.proxy.is_none()
        && app.via.is_none()
        && e.status == Status::Ok
        && !lossy
        && !matches!(app.status, Status::Ok | Status::Timeout | Status::NotMeasured)
        && matches!(
            app.failed_at,
            Some(AppStage::Tls | AppStage::Request | AppStage::Body | AppStage::Redirect)
        );
    if !named {
        return;
    }
    // A redirect the app's path judged after resolving its name, where the direct path was
    // not sent there: the same finding as the direct path's refusal.
    if let Some(r) = app
        .redirect_refused
        .as_ref()
        .filter(|_| app.status == Status::RedirectRefused)
    {
        return redirect_finding(c, e, Some(r));
    }
    // The error is bindcheck's sentence with the HTTP stack's English quoted after it:
    // Chinese readers get where it stopped and how, the JSON keeps the error whole.
    let words = |lang| match app.failed_at {
        Some(stage) => stage.failure(app.status, lang),
        None => app.status.label(lang).to_owned(),
    };
    let en = app.error.clone().unwrap_or_else(|| words(Lang::En));
    let zh = words(Lang::ZhCn);
    let code = Code::NetAppPathFails;
    c.push(code, code.severity(), subject(e), Some(Detail::localized(en, zh)));
}

fn subject(e: &EndpointReport) -> Subject {
    Subject::Endpoint(e.url.clone())
}

fn dns_findings(c: &mut Collector, e: &EndpointReport, t: &Thresholds) {
    let host = &e.host;
    match e.dns.status {
        Status::Ok => {}
        Status::Nxdomain => c.text(Code::NetDnsNxdomain, subject(e), host),
        Status::Servfail => c.text(Code::NetDnsServfail, subject(e), host),
        Status::Timeout => c.text(Code::NetDnsTimeout, subject(e), host),
        Status::NotMeasured => c.text(Code::NetNotMeasured, subject(e), &e.url),
        _ => c.text(Code::NetDnsFailed, subject(e), host),
    }
    if e.dns_divergent {
        c.text(Code::NetDnsDivergent, subject(e), host);
    }
    if let Some(v) = e.dns.time_ms.filter(|_| e.dns.status == Status::Ok) {
        if let Some(sev) = level(v, t.dns_ms, false) {
            c.push(Code::NetSlowDns, sev, subject(e), Some(Detail::Text(ms(v))));
        }
    }
}

fn connect_findings(c: &mut Collector, e: &EndpointReport, t: &Thresholds) {
    let connected = e.tcp.iter().any(|r| r.status == Status::Ok);
    if !e.tcp.is_empty() && !connected {
        let target = format!("{}:{}", e.host, e.port);
        match e.tcp.iter().map(|r| r.status).find(|s| *s != Status::Ok) {
            Some(Status::Refused) => c.text(Code::NetConnectRefused, subject(e), target),
            Some(Status::Timeout) => c.text(Code::NetConnectTimeout, subject(e), target),
            Some(Status::NotMeasured) => c.text(Code::NetNotMeasured, subject(e), &e.url),
            _ => c.text(Code::NetUnreachable, subject(e), target),
        }
    }
    if e.ipv6_broken {
        c.text(Code::NetIpv6Broken, subject(e), &e.host);
    }
    let best_connect = e
        .tcp
        .iter()
        .filter(|r| r.status == Status::Ok)
        .filter_map(|r| r.time_ms)
        .min_by(f64::total_cmp);
    if let Some(v) = best_connect {
        if let Some(sev) = level(v, t.connect_ms, false) {
            c.push(Code::NetSlowConnect, sev, subject(e), Some(Detail::Text(ms(v))));
        }
    }
}

fn tls_findings(c: &mut Collector, e: &EndpointReport, tls: &TlsResult, t: &Thresholds) {
    let host = &e.host;
    let code = match tls.status {
        Status::Ok => None,
        Status::Expired => Some(Code::NetTlsExpired),
        Status::NotYetValid => Some(Code::NetTlsNotYetValid),
        Status::Untrusted => Some(Code::NetTlsUntrusted),
        Status::NameMismatch => Some(Code::NetTlsNameMismatch),
        Status::Timeout => Some(Code::NetTlsTimeout),
        Status::NotMeasured => Some(Code::NetNotMeasured),
        _ => Some(Code::NetTlsFailed),
    };
    if let Some(code) = code {
        let detail = if code == Code::NetNotMeasured { &e.url } else { host };
        // An insecure run still reports a certificate problem, but the handshake went on:
        // not blocking. Other failures stopped the handshake, insecure or not.
        let certificate = matches!(
            tls.status,
            Status::Expired | Status::NotYetValid | Status::Untrusted | Status::NameMismatch | Status::CertInvalid
        );
        let severity = match code.severity() {
            Severity::Error if tls.insecure && certificate => Severity::Warning,
            other => other,
        };
        c.push(code, severity, subject(e), Some(Detail::Text(detail.clone())));
    }
    if tls.status != Status::Expired {
        if let Some(days) = tls.expires_in_days {
            if let Some(sev) = level(days, t.cert_days, true) {
                let detail = Detail::localized(
                    format!("{host} ({days:.0} days left)"),
                    format!("{host}（剩余 {days:.0} 天）"),
                );
                c.push(Code::NetTlsExpiring, sev, subject(e), Some(detail));
            }
        }
    }
    if let Some(v) = tls.time_ms.filter(|_| tls.status == Status::Ok) {
        if let Some(sev) = level(v, t.tls_ms, false) {
            c.push(Code::NetSlowTls, sev, subject(e), Some(Detail::Text(ms(v))));
        }
    }
}

fn http_findings(c: &mut Collector, e: &EndpointReport, h: &HttpResult, spec: &Endpoint, t: &Thresholds) {
    let expect = spec.expect.as_slice();
    let accepted = h.status_code.is_some_and(|code| expect.contains(&code));
    let status = match (h.status_code, accepted) {
        (Some(_), true) => Status::Ok,
        (Some(code), false) if !expect.is_empty() && http::classify_status(code) == Status::Ok => Status::HttpError,
        _ => h.status,
    };
    match status {
        Status::Ok | Status::Skipped => {}
        Status::Maintenance => c.text(Code::NetHttpMaintenance, subject(e), &e.url),
        Status::RateLimited => c.text(Code::NetHttpRateLimited, subject(e), &e.url),
        Status::HttpError => c.text(
            Code::NetHttpStatus,
            subject(e),
            h.status_code
                .map_or_else(|| "?".to_owned(), |code| format!("HTTP {code}")),
        ),
        Status::Timeout => {
            // How long bindcheck waited for the answer that did not come.
            let waited = h.hops.last().and_then(|hop| hop.phases.server_ms);
            let detail = match waited {
                Some(w) => format!("{} ({})", e.url, ms(w)),
                None => e.url.clone(),
            };
            c.text(Code::NetHttpTimeout, subject(e), detail)
        }
        Status::NotMeasured => c.text(Code::NetNotMeasured, subject(e), &e.url),
        Status::Refused => c.text(Code::NetConnectRefused, subject(e), format!("{}:{}", e.host, e.port)),
        Status::RedirectRefused => redirect_finding(c, e, h.redirect_refused.as_ref()),
        _ => c.text(Code::NetHttpFailed, subject(e), &e.url),
    }
    let asked_to_wait = matches!(status, Status::Maintenance | Status::RateLimited);
    if asked_to_wait && h.retry_after == Some(http::RetryAfter::Unrepresentable) {
        c.text(Code::NetHttpRetryAfterUnrepresentable, subject(e), &e.url);
    }
    if let Some(v) = h.ttfb_ms.filter(|_| h.status_code.is_some()) {
        if let Some(sev) = level(v, t.ttfb_ms, false) {
            c.push(Code::NetSlowServer, sev, subject(e), Some(Detail::Text(ms(v))));
        }
    }
    if let Some(skew) = h.clock_skew_s {
        if let Some(sev) = level(skew.abs(), t.clock_skew_s, false) {
            c.push(
                Code::NetClockSkew,
                sev,
                subject(e),
                Some(Detail::Text(format!("{skew:+.0} s"))),
            );
        }
    }
}

/// A redirect not followed: to an internal address (the address named), or, in `serve`, to
/// a host the profile does not allow.
fn redirect_finding(c: &mut Collector, e: &EndpointReport, refused: Option<&RefusedRedirect>) {
    let Some(r) = refused else {
        return c.text(Code::NetHttpFailed, subject(e), &e.url);
    };
    match (r.reason, r.address) {
        (Refusal::OtherHost, _) => c.text(Code::NetRedirectOtherHost, subject(e), &r.url),
        (_, Some(ip)) => c.text(Code::NetRedirectRefused, subject(e), format!("{} → {ip}", r.url)),
        (_, None) => c.text(Code::NetRedirectRefused, subject(e), &r.url),
    }
}

/// The worst of a list of measurements, if any.
fn worst(values: impl Iterator<Item = f64>) -> Option<f64> {
    values.fold(None, |m, v| Some(m.map_or(v, |m: f64| m.max(v))))
}

fn loss_findings(c: &mut Collector, e: &EndpointReport, t: &Thresholds) {
    let summaries = || {
        e.loss
            .iter()
            .map(|l| &l.summary)
            .chain(e.icmp.iter().filter(|p| p.note.is_none()).map(|p| &p.summary))
    };
    if let Some(v) = worst(summaries().filter(|s| s.sent > 0).map(|s| s.loss_pct)) {
        if let Some(sev) = level(v, t.loss_pct, false) {
            c.push(
                Code::NetLossHigh,
                sev,
                subject(e),
                Some(Detail::Text(format!("{v:.1}%"))),
            );
        }
    }
    if let Some(v) = worst(summaries().filter_map(|s| s.jitter_ms)) {
        if let Some(sev) = level(v, t.jitter_ms, false) {
            c.push(
                Code::NetJitterHigh,
                sev,
                subject(e),
                Some(Detail::Text(format!("jitter {}", ms(v)))),
            );
        }
    }
}

fn trace_findings(c: &mut Collector, e: &EndpointReport) {
    use crate::probe::trace::LossSegment;
    let Some(t) = e.trace.as_ref().filter(|t| t.status == Status::Ok) else {
        return;
    };
    let a = &t.analysis;
    match (a.reached, a.segment) {
        (true, LossSegment::Local) => {
            let first = t
                .hops
                .first()
                .and_then(|h| h.addr)
                .map_or_else(|| "hop 1".to_owned(), |a| a.to_string());
            c.text(Code::NetPathLocal, subject(e), first);
        }
        (true, LossSegment::Beyond) => c.text(
            Code::NetPathBeyond,
            subject(e),
            a.loss_from_ttl.unwrap_or(0).to_string(),
        ),
        (false, _) => {
            let last = t
                .hops
                .iter()
                .rev()
                .find_map(|h| h.addr.map(|a| format!("{a} (hop {})", h.ttl)));
            c.text(Code::NetPathEnds, subject(e), last.unwrap_or_else(|| "none".to_owned()));
        }
        // The loss is real but has no place: `net.loss_high` says so without guessing one.
        (true, LossSegment::None | LossSegment::Unknown) => {}
    }
}

fn mail_findings(c: &mut Collector, m: &MailResult) {
    let subject = Subject::Mail(m.domain.clone());
    match m.verdict {
        MailVerdict::Mx | MailVerdict::ImplicitMx => {}
        MailVerdict::NullMx => c.text(Code::MailNullMx, subject, &m.domain),
        MailVerdict::NoDomain => c.text(Code::MailNoDomain, subject, &m.domain),
        MailVerdict::NoMailHost => c.text(Code::MailNoHost, subject, &m.domain),
        MailVerdict::Unknown => c.text(Code::MailUnknown, subject, &m.domain),
    }
}

fn env_findings(c: &mut Collector, env: &Environment) {
    let gib = |b: u64| format!("{:.1} GiB", b as f64 / (1024.0 * 1024.0 * 1024.0));
    let mib = |b: u64| format!("{} MiB", b / (1024 * 1024));
    for p in env.proxies.iter().filter(|p| !p.var.eq_ignore_ascii_case("no_proxy")) {
        c.text(Code::EnvProxy, Subject::Environment, format!("{}={}", p.var, p.value));
    }
    if let (Some(iface), Some(true)) = (&env.default_interface, env.wireless) {
        c.text(Code::EnvWireless, Subject::Environment, iface);
    }
    if let Some(b) = env.disk_available_bytes.filter(|b| *b < LOW_DISK_BYTES) {
        c.text(
            Code::EnvLowDisk,
            Subject::Environment,
            if b > 1 << 30 { gib(b) } else { mib(b) },
        );
    }
    if let Some(b) = env.memory_available_bytes.filter(|b| *b < LOW_MEMORY_BYTES) {
        c.text(Code::EnvLowMemory, Subject::Environment, mib(b));
    }
}

/// Leads with the root causes and marks the findings they explain; then the rest, errors
/// before warnings before notes, each in the order found.
fn group(mut findings: Vec<ReportFinding>, causes: &[Cause], lang: Lang) -> Vec<ReportFinding> {
    let mut leading = Vec::new();
    for cause in causes {
        let code = cause.code();
        let explained = |f: &ReportFinding| f.caused_by.is_none() && f.code != code && cause.explains(f);
        let head = match findings.iter().position(|f| cause.is_existing(f)) {
            // A cause that is a finding already leads only where it explains something.
            Some(i) if findings.iter().any(explained) => findings.remove(i),
            Some(_) => continue,
            None => {
                let severity = cause.severity(findings.iter().any(explained));
                ReportFinding::new(code, severity, Subject::Environment, cause.detail(), lang)
            }
        };
        for f in findings.iter_mut().filter(|f| explained(f)) {
            f.caused_by = Some(code);
        }
        leading.push(head);
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.severity));
    leading.extend(findings);
    leading
}

/// The latest time a service asked to be retried at, for the wait remedy; none when one
/// asked for a time bindcheck cannot represent (no time shown beats a wrong one).
fn latest_retry(endpoints: &[(EndpointId, EndpointReport)]) -> Option<String> {
    let asked: Vec<&http::RetryAfter> = endpoints
        .iter()
        .filter_map(|(_, e)| e.http.as_ref()?.retry_after.as_ref())
        .collect();
    if asked.contains(&&http::RetryAfter::Unrepresentable) {
        return None;
    }
    asked
        .into_iter()
        .filter_map(|r| Some((r.seconds()?, r.at()?)))
        .max_by_key(|(seconds, _)| *seconds)
        .map(|(_, at)| at.to_owned())
}

/// Builds the report: findings from every source, the verdict, the remedies.
pub fn build(ev: Evidence<'_>, lang: Lang) -> Report {
    let mut c = Collector {
        lang,
        findings: Vec::new(),
    };
    // An endpoint the app reaches through its proxy is no evidence of a broken network,
    // however its direct path fared.
    let all: Vec<&EndpointReport> = ev.endpoints.iter().map(|(_, e)| e).collect();
    let reports: Vec<&EndpointReport> = all.iter().copied().filter(|e| !reached_through_proxy(e)).collect();
    let portal = crate::probe::portal::read(&ev.connectivity);
    let mut causes = causes::infer(&all, &reports, ev.mail.as_ref(), ev.environment.as_ref(), &portal);
    // The endpoints whose proxy finding the cause makes once for all (sorted).
    let proxy_grouped: Vec<String> = causes
        .iter()
        .find_map(|c| match c {
            Cause::ProxyFailing { urls, .. } => Some(urls.clone()),
            _ => None,
        })
        .unwrap_or_default();
    let mut mail = ev.mail;
    input_findings(&mut c, ev.validation);
    if let Some(m) = &mut mail {
        causes::correct_mail(m, &causes);
        // The domain is part of the address: shown as the email's mask shows it.
        if !ev.unmasked {
            m.domain = mask::domain(&m.domain).into_owned();
        }
        mail_findings(&mut c, m);
    }
    let app = ev.app_version.map(|given| {
        let min = ev.profile.min_app_version.clone();
        let ok = match (AppVersion::parse(given), &min) {
            (None, _) => {
                c.push(Code::AppVersionInvalid, Severity::Error, Subject::App, None);
                false
            }
            (Some(v), Some(min)) if v < *min => {
                c.push(
                    Code::AppOutdated,
                    Severity::Error,
                    Subject::App,
                    Some(Detail::localized(
                        format!("{v} (minimum {min})"),
                        format!("{v}（最低 {min}）"),
                    )),
                );
                false
            }
            _ => true,
        };
        AppCheck {
            version: given.to_owned(),
            min_version: min.map(|m| m.to_string()),
            ok,
        }
    });
    for (id, e) in &ev.endpoints {
        let grouped = proxy_grouped.binary_search(&e.url).is_ok();
        endpoint_findings(&mut c, e, ev.profile.endpoint(*id), &ev.profile.thresholds, grouped);
    }
    if ev.insecure {
        c.push(Code::NetTlsInsecure, Severity::Warning, Subject::Environment, None);
    }
    if let Some(env) = &ev.environment {
        env_findings(&mut c, env);
    }
    if c.findings.iter().any(|f| f.code == Code::NetClockSkew) {
        causes.push(Cause::ClockSkew);
    }
    causes.extend(causes::located(&c.findings));
    let findings = group(c.findings, &causes, lang);
    let verdict = Verdict::from_findings(&findings);
    let until = latest_retry(&ev.endpoints);
    let until_local = until.as_deref().map(|t| super::time::local(t, &ev.time_zone, lang));
    let remedies = remedy::remedies(
        &findings,
        until.as_deref().zip(until_local.as_deref()),
        verdict == Verdict::Blocked,
        lang,
    );
    let inputs = ev.validation.views(ev.inputs, lang, ev.unmasked);
    Report {
        schema_version: SCHEMA_VERSION,
        bindcheck_version: env!("CARGO_PKG_VERSION"),
        generated_at: ev.generated_at,
        started_at: None,
        lang,
        profile: ProfileRef {
            name: ev.profile.name.clone(),
            name_zh: ev.profile.name_zh.clone(),
            source: ev.profile.source.clone(),
        },
        verdict,
        remedies,
        findings,
        inputs,
        data: ev.profile.policy.data_versions(),
        mail,
        app,
        endpoints: ev.endpoints.into_iter().map(|(_, e)| e).collect(),
        connectivity: ev.connectivity,
        environment: ev.environment,
        unmasked: ev.unmasked,
        hostname: None,
        duration_ms: ev.duration_ms,
        time_zone: ev.time_zone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_trip_at_their_levels() {
        let t = Threshold {
            warn: 100.0,
            fail: 1000.0,
        };
        assert_eq!(level(99.0, t, false), None);
        assert_eq!(level(100.0, t, false), Some(Severity::Warning));
        assert_eq!(level(1000.0, t, false), Some(Severity::Error));
        let days = Threshold { warn: 14.0, fail: 0.0 };
        assert_eq!(level(30.0, days, true), None);
        assert_eq!(level(13.5, days, true), Some(Severity::Warning));
        assert_eq!(level(-1.0, days, true), Some(Severity::Error));
    }
}

//! Prometheus text exposition (format 0.0.4), for `--format prometheus` and `serve`'s
//! `/probe` alike.
//!
//! Where a metric has blackbox_exporter's name it has blackbox_exporter's meaning (0.23,
//! `prober/http.go`, `prober/tls.go`, `prober/utils.go`): phases summed over redirects, and
//! a series even when the probe failed (0 for what it did not reach). docs/serve.md lists
//! each shared metric, what blackbox_exporter does and what bindcheck does. bindcheck adds
//! what blackbox_exporter lacks: the verdict, one series per finding (why a target fails),
//! loss, jitter, percentiles and clock skew. Every endpoint series carries an `endpoint`
//! label (the endpoint's URL, masked as in every report).
//!
//! Numbers are written as the Go client writes them (`strconv.FormatFloat(v, 'g', -1, 64)`:
//! `0.001136`, `1e-05`, `1.7e+09`, `+Inf`, `NaN`, see [`go_float`]). prometheus-client,
//! which `serve`'s own `/metrics` uses, writes OpenMetrics with `dtoa` (`1.0`, `1e-5`,
//! `inf`) and fixed label sets, so this exposition has its own small writer.

use std::collections::HashSet;
use std::io;

use crate::probe::{EndpointReport, Family as IpFamily, Status};
use crate::report::{Report, Subject, Verdict};

/// A sample value as the Prometheus Go client writes it (`expfmt`: `0`, `1`, `-1`, `NaN`,
/// `+Inf`, `-Inf`, else `strconv.FormatFloat(v, 'g', -1, 64)`): the shortest digits that
/// read back as `v`, in exponent form (`1e-05`, `1.7e+09`, at least two exponent digits)
/// when the exponent is below -4 or at least 6 (Go's choice for the shortest form).
pub fn go_float(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "+Inf" } else { "-Inf" }.to_owned();
    }
    if v == 0.0 {
        return "0".to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, as Go's shortest formatting does.
    let sci = format!("{:e}", v.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let mut out = String::with_capacity(digits.len() + 8);
    if v < 0.0 {
        out.push('-');
    }
    let digit = |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .map_or('0', |d| char::from(*d))
    };
    let nd = digits.len() as i32;
    if !(-4..6).contains(&exp) {
        out.push(digit(0));
        if nd > 1 {
            out.push('.');
            (1..nd).for_each(|i| out.push(digit(i)));
        }
        out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs()));
    } else {
        // The decimal point after `dp` digits.
        let dp = exp + 1;
        if dp > 0 {
            (0..dp).for_each(|i| out.push(digit(i)));
        } else {
            out.push('0');
        }
        if nd > dp {
            out.push('.');
            (dp..nd).for_each(|i| out.push(digit(i)));
        }
    }
    out
}

/// A label value as the text format escapes it: `\`, `"` and line feeds.
fn label_value(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Seconds from milliseconds rounded to the microsecond, as the reports keep them: 1.136 ms
/// is `0.001136`, never `0.0011359999999999999`.
fn secs(ms: f64) -> f64 {
    (ms * 1000.0).round() / 1e6
}

/// Unix seconds of an RFC 3339 time.
fn unix(rfc3339: &str) -> Option<f64> {
    let t = humantime::parse_rfc3339(rfc3339).ok()?;
    let since = t.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(since.as_secs() as f64)
}

/// 1 or 0.
fn flag(b: bool) -> f64 {
    f64::from(u8::from(b))
}

/// The exposition being written: one gauge family after another, each with its samples.
struct Exposition {
    text: String,
}

impl Exposition {
    /// Starts a gauge family: its `HELP` and `TYPE` (written even when it gets no sample).
    fn gauge(&mut self, name: &'static str, help: &str) -> Family<'_> {
        let help = help.replace('\\', "\\\\").replace('\n', "\\n");
        self.text
            .push_str(&format!("# HELP {name} {help}\n# TYPE {name} gauge\n"));
        Family {
            text: &mut self.text,
            name,
            seen: HashSet::new(),
        }
    }

    /// A family with a sample per endpoint, written by `each`.
    fn per_endpoint(
        &mut self,
        eps: &[EndpointReport],
        name: &'static str,
        help: &str,
        mut each: impl FnMut(&mut Family<'_>, &EndpointReport),
    ) {
        let mut family = self.gauge(name, help);
        for e in eps {
            each(&mut family, e);
        }
    }
}

/// The samples of one family. A label set already written is not written again (two
/// endpoints of a profile with one URL), so that Prometheus never sees a duplicate series.
struct Family<'a> {
    text: &'a mut String,
    name: &'static str,
    seen: HashSet<String>,
}

impl Family<'_> {
    fn sample(&mut self, labels: &[(&str, &str)], value: f64) {
        let labels: Vec<String> = labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{}\"", label_value(v)))
            .collect();
        let labels = labels.join(",");
        if !self.seen.insert(labels.clone()) {
            return;
        }
        let value = go_float(value);
        let name = self.name;
        if labels.is_empty() {
            self.text.push_str(&format!("{name} {value}\n"));
        } else {
            self.text.push_str(&format!("{name}{{{labels}}} {value}\n"));
        }
    }

    /// A sample labelled with the endpoint and `labels`.
    fn at(&mut self, e: &EndpointReport, labels: &[(&str, &str)], value: f64) {
        let mut all = vec![("endpoint", e.url.as_str())];
        all.extend_from_slice(labels);
        self.sample(&all, value);
    }
}

pub fn render(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut o = Exposition { text: String::new() };
    report_metrics(r, &mut o);
    finding_metrics(r, &mut o);
    let eps = &r.endpoints;
    reachability_metrics(eps, &mut o);
    http_metrics(eps, &mut o);
    tls_metrics(eps, &mut o);
    app_metrics(eps, &mut o);
    loss_metrics(eps, &mut o);
    trace_metrics(eps, &mut o);
    out.write_all(o.text.as_bytes())
}

/// The whole report: the verdict as one-hot, findings by severity, the data versions, and
/// the check's duration.
fn report_metrics(r: &Report, o: &mut Exposition) {
    let mut f = o.gauge(
        "bindcheck_verdict",
        "1 for the report's verdict (ready, degraded, blocked), 0 for the others.",
    );
    for v in [Verdict::Ready, Verdict::Degraded, Verdict::Blocked] {
        f.sample(&[("verdict", v.as_str())], flag(r.verdict == v));
    }
    let (errors, warnings, infos) = r.counts();
    let mut f = o.gauge("bindcheck_findings", "Findings by severity.");
    for (sev, n) in [("error", errors), ("warning", warnings), ("info", infos)] {
        f.sample(&[("severity", sev)], n as f64);
    }
    let d = &r.data;
    let mut labels = vec![
        ("phone_metadata", d.phone_metadata),
        ("carriers", d.carriers),
        ("card_brands", d.card_brands),
    ];
    if let Some(v) = &d.phone_ranges {
        labels.push(("phone_ranges", v));
    }
    if let Some(v) = &d.bin_table {
        labels.push(("bin_table", v));
    }
    o.gauge(
        "bindcheck_data_info",
        "The versions of the data inputs are judged by, as labels (always 1).",
    )
    .sample(&labels, 1.0);
    o.gauge(
        "probe_duration_seconds",
        "Returns how long the probe took to complete in seconds (the whole check).",
    )
    .sample(&[], secs(r.duration_ms));
}

/// One series per finding of the report, so that an alert can say why a target fails:
/// `endpoint` (an endpoint's finding) or `subject` (`environment`, `app`, a field, a mail
/// domain), `code`, `severity`, and `caused_by` when a root cause explains it. The value is
/// how many findings have those labels (1 but for a code found twice for one subject).
fn finding_metrics(r: &Report, o: &mut Exposition) {
    let mut counted: Vec<(Vec<(&str, String)>, usize)> = Vec::new();
    for finding in &r.findings {
        let mut labels = match &finding.subject {
            Subject::Endpoint(url) => vec![("endpoint", url.clone())],
            other => vec![("subject", other.name())],
        };
        labels.push(("code", finding.code.as_str().to_owned()));
        labels.push(("severity", finding.severity.as_str().to_owned()));
        if let Some(cause) = finding.caused_by {
            labels.push(("caused_by", cause.as_str().to_owned()));
        }
        match counted.iter_mut().find(|(l, _)| *l == labels) {
            Some((_, n)) => *n += 1,
            None => counted.push((labels, 1)),
        }
    }
    let mut f = o.gauge(
        "bindcheck_finding",
        "A finding of the check, by endpoint (or subject), code and severity: why a target fails (docs/codes.md).",
    );
    for (labels, n) in &counted {
        let labels: Vec<(&str, &str)> = labels.iter().map(|(k, v)| (*k, v.as_str())).collect();
        f.sample(&labels, *n as f64);
    }
}

/// Per endpoint: whether it works, the address family it was reached on, and its DNS lookup
/// time (0 when no lookup finished).
fn reachability_metrics(eps: &[EndpointReport], o: &mut Exposition) {
    o.per_endpoint(
        eps,
        "probe_success",
        "Displays whether or not the probe was a success.",
        |f, e| f.at(e, &[], flag(e.status == Status::Ok)),
    );
    o.per_endpoint(
        eps,
        "probe_ip_protocol",
        "Specifies whether probe ip protocol is IP4 or IP6 (0: no address).",
        |f, e| {
            // The family the request went on; else that of the first address resolved.
            let family = e
                .preferred_family
                .or_else(|| e.dns.addresses().first().copied().map(IpFamily::of));
            let v = match family {
                Some(IpFamily::Ipv4) => 4.0,
                Some(IpFamily::Ipv6) => 6.0,
                None => 0.0,
            };
            f.at(e, &[], v);
        },
    );
    o.per_endpoint(
        eps,
        "probe_dns_lookup_time_seconds",
        "Returns the time taken for probe dns lookup in seconds.",
        |f, e| f.at(e, &[], e.dns.time_ms.map_or(0.0, secs)),
    );
}

/// Per endpoint, the HTTP request and its redirects: the phases summed over the chain, the
/// final status code and version, redirects followed, and whether the final response came
/// over TLS. Every series is there when the request failed, 0 for what it did not reach.
fn http_metrics(eps: &[EndpointReport], o: &mut Exposition) {
    o.per_endpoint(
        eps,
        "probe_http_duration_seconds",
        "Duration of http request by phase, summed over all redirects.",
        |f, e| {
            let chain = e.http.as_ref().map(|h| h.chain_phases());
            let resolve = chain.map_or(e.dns.time_ms, |p| p.dns_ms);
            f.at(e, &[("phase", "resolve")], resolve.map_or(0.0, secs));
            // As blackbox_exporter: the other phases once the name resolved.
            if e.dns.status != Status::Ok {
                return;
            }
            let p = chain.unwrap_or_default();
            for (phase, v) in [
                ("connect", p.connect_ms),
                ("tls", p.tls_ms),
                ("processing", p.server_ms),
                ("transfer", p.transfer_ms),
            ] {
                f.at(e, &[("phase", phase)], v.map_or(0.0, secs));
            }
        },
    );
    fn answered(e: &EndpointReport) -> Option<&crate::probe::HttpResult> {
        e.http.as_ref().filter(|h| h.status_code.is_some())
    }
    o.per_endpoint(
        eps,
        "probe_http_status_code",
        "Response HTTP status code (0: no response).",
        |f, e| {
            let code = answered(e).and_then(|h| h.status_code).unwrap_or(0);
            f.at(e, &[], f64::from(code));
        },
    );
    o.per_endpoint(
        eps,
        "probe_http_version",
        "Returns the version of HTTP of the probe response: 1.1 or 2 (0: no response).",
        |f, e| {
            let v = answered(e).and_then(|h| h.version).map_or(0.0, |v| v.number());
            f.at(e, &[], v);
        },
    );
    o.per_endpoint(eps, "probe_http_redirects", "The number of redirects.", |f, e| {
        let n = e.http.as_ref().map_or(0, |h| h.hops.len().saturating_sub(1));
        f.at(e, &[], n as f64);
    });
    o.per_endpoint(
        eps,
        "probe_http_ssl",
        "Indicates if SSL was used for the final redirect.",
        |f, e| {
            let tls = answered(e).is_some_and(|h| h.final_url.starts_with("https:"));
            f.at(e, &[], flag(tls));
        },
    );
}

/// The version blackbox_exporter's `probe_tls_version_info` names: `TLS 1.3`, `TLS 1.2`,
/// or `unknown`.
fn tls_version_label(version: &str) -> &'static str {
    match version {
        "TLSv1_3" => "TLS 1.3",
        "TLSv1_2" => "TLS 1.2",
        "TLSv1_1" => "TLS 1.1",
        "TLSv1_0" => "TLS 1.0",
        _ => "unknown",
    }
}

/// Per endpoint, the certificate: the earliest expiry in the presented chain (also when the
/// handshake failed on it, so that an expired certificate still has its date), the earliest
/// on the path that verified, and, for a handshake that succeeded, the leaf and the version.
fn tls_metrics(eps: &[EndpointReport], o: &mut Exposition) {
    o.per_endpoint(
        eps,
        "probe_ssl_earliest_cert_expiry",
        "Returns earliest SSL cert expiry in unixtime (of the certificates the server presented).",
        |f, e| {
            if let Some(at) = e.tls.as_ref().and_then(|t| t.earliest_expiry.as_deref()).and_then(unix) {
                f.at(e, &[], at);
            }
        },
    );
    o.per_endpoint(
        eps,
        "probe_ssl_last_chain_expiry_timestamp_seconds",
        "Returns last SSL chain expiry in timestamp (the earliest expiry on the verified path to a root).",
        |f, e| {
            if let Some(at) = e
                .tls
                .as_ref()
                .and_then(|t| t.last_chain_expiry.as_deref())
                .and_then(unix)
            {
                f.at(e, &[], at);
            }
        },
    );
    fn completed(e: &EndpointReport) -> Option<&crate::probe::TlsResult> {
        e.tls.as_ref().filter(|t| t.version.is_some())
    }
    o.per_endpoint(
        eps,
        "probe_ssl_last_chain_info",
        "Contains SSL leaf certificate information.",
        |f, e| {
            let Some(leaf) = completed(e).and_then(|t| t.chain.first()) else {
                return;
            };
            let names = leaf.dns_names.join(",");
            let labels = [
                ("fingerprint_sha256", leaf.fingerprint_sha256.as_deref().unwrap_or("")),
                ("subject", leaf.subject_dn.as_deref().unwrap_or(&leaf.subject)),
                ("issuer", leaf.issuer_dn.as_deref().unwrap_or(&leaf.issuer)),
                ("subjectalternative", &names),
            ];
            f.at(e, &labels, 1.0);
        },
    );
    o.per_endpoint(
        eps,
        "probe_tls_version_info",
        "Returns the TLS version used, as the version label.",
        |f, e| {
            if let Some(v) = completed(e).and_then(|t| t.version.as_deref()) {
                f.at(e, &[("version", tls_version_label(v))], 1.0);
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_clock_skew_seconds",
        "Server Date minus the local clock.",
        |f, e| {
            if let Some(s) = e.http.as_ref().and_then(|h| h.clock_skew_s) {
                f.at(e, &[], s);
            }
        },
    );
}

/// Per endpoint, the request an app's HTTP stack would make, when the run made it.
fn app_metrics(eps: &[EndpointReport], o: &mut Exposition) {
    o.per_endpoint(
        eps,
        "bindcheck_app_path_success",
        "Whether the request an app's HTTP stack would make (through the proxy in effect) works (1) or not (0).",
        |f, e| {
            if let Some(a) = &e.app {
                f.at(e, &[], flag(a.status == Status::Ok));
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_app_path_duration_seconds",
        "The application-path request, redirects and body included.",
        |f, e| {
            if let Some(t) = e.app.as_ref().and_then(|a| a.total_ms) {
                f.at(e, &[], secs(t));
            }
        },
    );
}

/// Per endpoint and address, the repeated connect probes: loss, round-trip times and jitter.
fn loss_metrics(eps: &[EndpointReport], o: &mut Exposition) {
    o.per_endpoint(
        eps,
        "bindcheck_loss_ratio",
        "Share of connect probes lost (0-1), per address.",
        |f, e| {
            for l in &e.loss {
                let addr = l.addr.to_string();
                f.at(e, &[("address", &addr)], l.summary.loss_pct / 100.0);
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_rtt_seconds",
        "Connect round-trip time statistics per address.",
        |f, e| {
            for l in &e.loss {
                let addr = l.addr.to_string();
                let s = &l.summary;
                for (stat, v) in [
                    ("min", s.min_ms),
                    ("median", s.median_ms),
                    ("p95", s.p95_ms),
                    ("max", s.max_ms),
                    ("stddev", s.stddev_ms),
                ] {
                    if let Some(v) = v {
                        f.at(e, &[("address", &addr), ("stat", stat)], secs(v));
                    }
                }
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_jitter_seconds",
        "RFC 3550 jitter of the connect times per address.",
        |f, e| {
            for l in &e.loss {
                if let Some(j) = l.summary.jitter_ms {
                    let addr = l.addr.to_string();
                    f.at(e, &[("address", &addr)], secs(j));
                }
            }
        },
    );
}

/// Per endpoint and hop of the traced path, the share of probes lost there.
fn trace_metrics(eps: &[EndpointReport], o: &mut Exposition) {
    o.per_endpoint(
        eps,
        "bindcheck_hop_loss_ratio",
        "Share of trace probes lost at each hop of the path (0-1).",
        |f, e| {
            for h in e.trace.iter().flat_map(|t| &t.hops) {
                let hop = h.ttl.to_string();
                let addr = h.addr.map_or_else(|| "*".to_owned(), |a| a.to_string());
                f.at(e, &[("hop", &hop), ("address", &addr)], h.summary.loss_pct / 100.0);
            }
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_the_go_client_writes_them() {
        for (v, go) in [
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (2.0, "2"),
            (1.1, "1.1"),
            (200.0, "200"),
            (503.0, "503"),
            (0.001136, "0.001136"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000_012_34, "1.234e-05"),
            (100_000.0, "100000"),
            (999_999.0, "999999"),
            (1_000_000.0, "1e+06"),
            (1_234_567.0, "1.234567e+06"),
            (1_700_000_000.0, "1.7e+09"),
            (1_798_675_200.0, "1.7986752e+09"),
            (-0.25, "-0.25"),
            (123.456, "123.456"),
            (1e21, "1e+21"),
            (1.5e-300, "1.5e-300"),
            (f64::MAX, "1.7976931348623157e+308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::NAN, "NaN"),
        ] {
            assert_eq!(go_float(v), go, "{v:e}");
        }
        // What every value written must do: read back as itself.
        for v in [0.001136, 1e-5, 1.7986752e9, 0.1 + 0.2, 1.0 / 3.0, 6.02214076e23] {
            assert_eq!(go_float(v).parse::<f64>().unwrap(), v);
        }
    }

    #[test]
    fn milliseconds_become_seconds_without_float_noise() {
        // 1.136 / 1000 is 0.0011359999999999999 in binary floating point.
        assert_eq!(go_float(secs(1.136)), "0.001136");
        assert_eq!(go_float(secs(7.7)), "0.0077");
        assert_eq!(go_float(secs(1024.0)), "1.024");
        assert_eq!(go_float(secs(0.001)), "1e-06");
    }

    #[test]
    fn labels_and_help_are_escaped_and_a_label_set_is_written_once() {
        let mut o = Exposition { text: String::new() };
        let mut f = o.gauge("x_info", "a \\ b\nc");
        f.sample(&[("v", "a\"b\\c\nd")], 1.0);
        f.sample(&[("v", "a\"b\\c\nd")], 2.0);
        f.sample(&[], 0.5);
        assert_eq!(
            o.text,
            "# HELP x_info a \\\\ b\\nc\n# TYPE x_info gauge\nx_info{v=\"a\\\"b\\\\c\\nd\"} 1\nx_info 0.5\n"
        );
    }
}

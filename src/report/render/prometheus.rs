//! Prometheus text exposition. Where a metric overlaps blackbox_exporter's, it has the same
//! name (`probe_success`, `probe_dns_lookup_time_seconds`, `probe_http_duration_seconds`,
//! `probe_ssl_earliest_cert_expiry`, `probe_http_status_code`); bindcheck adds what
//! blackbox_exporter lacks: loss ratio, jitter, percentiles, clock skew and the verdict.
//! Every endpoint series carries an `endpoint` label.

use std::fmt::Write as _;
use std::io;

use crate::probe::{EndpointReport, Status};
use crate::report::{Report, Verdict};

fn label(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

fn secs(ms: f64) -> f64 {
    ms / 1000.0
}

struct Out {
    text: String,
}

impl Out {
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.text, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        let labels: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{}\"", label(v))).collect();
        let value = if value.is_finite() {
            format!("{value}")
        } else {
            "NaN".to_owned()
        };
        let _ = if labels.is_empty() {
            writeln!(self.text, "{name} {value}")
        } else {
            writeln!(self.text, "{name}{{{}}} {value}", labels.join(","))
        };
    }

    /// A gauge family over the endpoints: its header (written even with no endpoints), then
    /// whatever samples `each` writes for each endpoint in turn.
    fn per_endpoint(
        &mut self,
        eps: &[EndpointReport],
        name: &str,
        help: &str,
        mut each: impl FnMut(&mut Out, &EndpointReport),
    ) {
        self.family(name, "gauge", help);
        for e in eps {
            each(self, e);
        }
    }
}

pub fn render(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let mut o = Out { text: String::new() };
    report_metrics(r, &mut o);
    let eps = &r.endpoints;
    reachability_metrics(eps, &mut o);
    http_metrics(eps, &mut o);
    time_metrics(eps, &mut o);
    loss_metrics(eps, &mut o);
    trace_metrics(eps, &mut o);
    out.write_all(o.text.as_bytes())
}

/// The whole report: the verdict as one-hot, findings by severity, and the check's duration.
fn report_metrics(r: &Report, o: &mut Out) {
    o.family(
        "bindcheck_verdict",
        "gauge",
        "1 for the report's verdict (ready, degraded, blocked), 0 for the others.",
    );
    for v in [Verdict::Ready, Verdict::Degraded, Verdict::Blocked] {
        o.sample(
            "bindcheck_verdict",
            &[("verdict", v.as_str())],
            f64::from(u8::from(r.verdict == v)),
        );
    }
    let (errors, warnings, infos) = r.counts();
    o.family("bindcheck_findings", "gauge", "Findings by severity.");
    for (sev, n) in [("error", errors), ("warning", warnings), ("info", infos)] {
        o.sample("bindcheck_findings", &[("severity", sev)], n as f64);
    }
    o.family(
        "bindcheck_data_info",
        "gauge",
        "The versions of the data inputs are judged by, as labels (always 1).",
    );
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
    o.sample("bindcheck_data_info", &labels, 1.0);
    o.family("probe_duration_seconds", "gauge", "How long the whole check took.");
    o.sample("probe_duration_seconds", &[], secs(r.duration_ms));
}

/// Per endpoint: whether it works, and its DNS lookup time.
fn reachability_metrics(eps: &[EndpointReport], o: &mut Out) {
    o.per_endpoint(
        eps,
        "probe_success",
        "Whether the endpoint works (1) or not (0).",
        |o, e| {
            o.sample(
                "probe_success",
                &[("endpoint", &e.url)],
                f64::from(u8::from(e.status == Status::Ok)),
            );
        },
    );
    o.per_endpoint(eps, "probe_dns_lookup_time_seconds", "DNS lookup time.", |o, e| {
        if let Some(t) = e.dns.time_ms {
            o.sample("probe_dns_lookup_time_seconds", &[("endpoint", &e.url)], secs(t));
        }
    });
}

/// Per endpoint, the final HTTP request: its phases, status code, and redirects followed.
fn http_metrics(eps: &[EndpointReport], o: &mut Out) {
    o.per_endpoint(
        eps,
        "probe_http_duration_seconds",
        "Duration of each phase of the final HTTP request.",
        |o, e| {
            if let Some(h) = e.http.as_ref().filter(|h| h.status_code.is_some()) {
                let p = h.phases;
                for (phase, v) in [
                    ("resolve", p.dns_ms),
                    ("connect", p.connect_ms),
                    ("tls", p.tls_ms),
                    ("processing", p.server_ms),
                    ("transfer", p.transfer_ms),
                ] {
                    // A phase that did not run has no series, rather than a zero.
                    let Some(v) = v else { continue };
                    o.sample(
                        "probe_http_duration_seconds",
                        &[("endpoint", &e.url), ("phase", phase)],
                        secs(v),
                    );
                }
            }
        },
    );
    o.per_endpoint(
        eps,
        "probe_http_status_code",
        "Status code of the final HTTP response (0: none).",
        |o, e| {
            let code = e.http.as_ref().and_then(|h| h.status_code).unwrap_or(0);
            o.sample("probe_http_status_code", &[("endpoint", &e.url)], f64::from(code));
        },
    );
    o.per_endpoint(
        eps,
        "probe_http_version",
        "HTTP version of the final response: 1.1 or 2 (as blackbox_exporter's).",
        |o, e| {
            if let Some(v) = e
                .http
                .as_ref()
                .and_then(|h| h.version.filter(|_| h.status_code.is_some()))
            {
                o.sample("probe_http_version", &[("endpoint", &e.url)], v.number());
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_app_path_success",
        "Whether the request an app's HTTP stack would make (through the proxy in effect) works (1) or not (0).",
        |o, e| {
            if let Some(a) = &e.app {
                let ok = f64::from(u8::from(a.status == Status::Ok));
                o.sample("bindcheck_app_path_success", &[("endpoint", &e.url)], ok);
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_app_path_duration_seconds",
        "The application-path request, redirects and body included.",
        |o, e| {
            if let Some(t) = e.app.as_ref().and_then(|a| a.total_ms) {
                o.sample("bindcheck_app_path_duration_seconds", &[("endpoint", &e.url)], secs(t));
            }
        },
    );
    o.per_endpoint(eps, "probe_http_redirects", "Redirects followed.", |o, e| {
        let n = e.http.as_ref().map_or(0, |h| h.hops.len().saturating_sub(1));
        o.sample("probe_http_redirects", &[("endpoint", &e.url)], n as f64);
    });
}

/// Per endpoint, the two clocks that break a bind: certificate expiry and the server's skew.
fn time_metrics(eps: &[EndpointReport], o: &mut Out) {
    o.per_endpoint(
        eps,
        "probe_ssl_earliest_cert_expiry",
        "Earliest certificate expiry, Unix seconds.",
        |o, e| {
            if let Some(at) = e.tls.as_ref().and_then(|t| t.earliest_expiry.as_deref()) {
                if let Ok(t) = humantime::parse_rfc3339(at) {
                    let unix = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
                    o.sample("probe_ssl_earliest_cert_expiry", &[("endpoint", &e.url)], unix as f64);
                }
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_clock_skew_seconds",
        "Server Date minus the local clock.",
        |o, e| {
            if let Some(s) = e.http.as_ref().and_then(|h| h.clock_skew_s) {
                o.sample("bindcheck_clock_skew_seconds", &[("endpoint", &e.url)], s);
            }
        },
    );
}

/// Per endpoint and address, the repeated connect probes: loss, round-trip times and jitter.
fn loss_metrics(eps: &[EndpointReport], o: &mut Out) {
    o.per_endpoint(
        eps,
        "bindcheck_loss_ratio",
        "Share of connect probes lost (0-1), per address.",
        |o, e| {
            for l in &e.loss {
                let addr = l.addr.to_string();
                o.sample(
                    "bindcheck_loss_ratio",
                    &[("endpoint", &e.url), ("address", &addr)],
                    l.summary.loss_pct / 100.0,
                );
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_rtt_seconds",
        "Connect round-trip time statistics per address.",
        |o, e| {
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
                        o.sample(
                            "bindcheck_rtt_seconds",
                            &[("endpoint", &e.url), ("address", &addr), ("stat", stat)],
                            secs(v),
                        );
                    }
                }
            }
        },
    );
    o.per_endpoint(
        eps,
        "bindcheck_jitter_seconds",
        "RFC 3550 jitter of the connect times per address.",
        |o, e| {
            for l in &e.loss {
                if let Some(j) = l.summary.jitter_ms {
                    let addr = l.addr.to_string();
                    o.sample(
                        "bindcheck_jitter_seconds",
                        &[("endpoint", &e.url), ("address", &addr)],
                        secs(j),
                    );
                }
            }
        },
    );
}

/// Per endpoint and hop of the traced path, the share of probes lost there.
fn trace_metrics(eps: &[EndpointReport], o: &mut Out) {
    o.per_endpoint(
        eps,
        "bindcheck_hop_loss_ratio",
        "Share of trace probes lost at each hop of the path (0-1).",
        |o, e| {
            for h in e.trace.iter().flat_map(|t| &t.hops) {
                let hop = h.ttl.to_string();
                let addr = h.addr.map_or_else(|| "*".to_owned(), |a| a.to_string());
                o.sample(
                    "bindcheck_hop_loss_ratio",
                    &[("endpoint", &e.url), ("hop", &hop), ("address", &addr)],
                    h.summary.loss_pct / 100.0,
                );
            }
        },
    );
}

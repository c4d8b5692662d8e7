//! Every output format of three fixed reports (ready, degraded, blocked), as insta snapshots,
//! plus the JUnit and Prometheus outputs parsed back by real parsers.

use bindcheck::probe::app::AppPathResult;
use bindcheck::probe::dns::{Answer, DnsResult};
use bindcheck::probe::env::{Environment, Proxy};
use bindcheck::probe::http::{Hop, HttpResult, HttpVersion, Method, Phases, RetryAfter};
use bindcheck::probe::tls::{CertInfo, TlsResult};
use bindcheck::probe::trace::{analyze, Hop as PathHop, TraceResult};
use bindcheck::probe::{ConnectResult, EndpointReport, Family, LossResult, Status, Summary};
use bindcheck::profile::Profile;
use bindcheck::report::render::{render, Format, Options};
use bindcheck::report::rules::{build, Evidence};
use bindcheck::report::Report;
use bindcheck::validate::{validate, Date, Inputs, Lang};

fn endpoint(url: &str, ttfb_ms: f64, code: u16, status: Status, loss_pct: f64) -> EndpointReport {
    let addr = "127.0.0.1:8443".parse().unwrap();
    let phases = Phases {
        dns_ms: Some(1.5),
        connect_ms: Some(0.4),
        tls_ms: Some(3.2),
        server_ms: Some(ttfb_ms - 5.1),
        transfer_ms: Some(0.3),
    };
    let lost = (loss_pct / 5.0) as usize;
    let samples: Vec<Option<f64>> = (0..20u32)
        .map(|i| {
            if (i as usize) < lost {
                None
            } else {
                Some(0.2 + f64::from(i) * 0.01)
            }
        })
        .collect();
    EndpointReport {
        url: url.to_owned(),
        host: "api.wallet.test".to_owned(),
        port: 8443,
        status,
        dns: DnsResult {
            status: Status::Ok,
            resolver: "127.0.0.1:5353".to_owned(),
            time_ms: Some(1.5),
            a: vec![Answer {
                addr: "127.0.0.1".parse().unwrap(),
                ttl_s: 300,
            }],
            aaaa: vec![],
            error: None,
        },
        dns_compare: vec![],
        dns_divergent: false,
        tcp: vec![ConnectResult {
            addr,
            family: Family::Ipv4,
            status: Status::Ok,
            time_ms: Some(0.4),
        }],
        preferred_family: Some(Family::Ipv4),
        ipv6_broken: false,
        tls: Some(TlsResult {
            status: Status::Ok,
            time_ms: Some(3.2),
            version: Some("TLSv1_3".to_owned()),
            alpn: Some("h2".to_owned()),
            earliest_expiry: Some("2027-02-14T00:00:00Z".to_owned()),
            expires_in_days: Some(if ttfb_ms > 1000.0 { 9.0 } else { 80.0 }),
            last_chain_expiry: Some("2027-02-14T00:00:00Z".to_owned()),
            chain: vec![CertInfo {
                subject: "CN=api.wallet.test".to_owned(),
                issuer: "CN=bindcheck test CA".to_owned(),
                not_before: "2026-11-16T00:00:00Z".to_owned(),
                not_after: "2027-02-14T00:00:00Z".to_owned(),
                expires_in_days: 80.0,
                fingerprint_sha256: Some("5d1c2a86f1a3e4b7c8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5".to_owned()),
                subject_dn: Some("CN=api.wallet.test".to_owned()),
                issuer_dn: Some("CN=bindcheck test CA".to_owned()),
                dns_names: vec!["api.wallet.test".to_owned()],
            }],
            insecure: false,
            error: None,
        }),
        http: Some(HttpResult {
            status: if code == 503 { Status::Maintenance } else { Status::Ok },
            method: Method::Get,
            status_code: Some(code),
            version: Some(HttpVersion::Http2),
            phases,
            ttfb_ms: Some(phases.ttfb_ms()),
            total_ms: Some(phases.total_ms()),
            redirect_ms: 0.0,
            body_bytes: 2,
            body_truncated: false,
            hops: vec![Hop {
                url: url.to_owned(),
                status_code: Some(code),
                version: Some(HttpVersion::Http2),
                phases,
                total_ms: phases.total_ms(),
            }],
            retry_after: (code == 503).then(|| RetryAfter::Wait {
                seconds: 1800,
                at: "2026-11-26T10:30:00Z".to_owned(),
            }),
            clock_skew_s: Some(0.0),
            final_url: url.to_owned(),
            redirect_refused: None,
            error: None,
        }),
        loss: vec![LossResult {
            addr,
            family: Family::Ipv4,
            retransmitted: lost as u32,
            not_sent: 0,
            summary: Summary::of(&samples),
        }],
        icmp: vec![],
        // The degraded case traced its lossy path: loss from hop 3 to the destination.
        trace: (loss_pct > 0.0).then(|| {
            let hops: Vec<PathHop> = [(0.0, "192.168.1.1"), (0.0, "100.64.0.1"), (loss_pct, "127.0.0.1")]
                .iter()
                .enumerate()
                .map(|(i, (loss, addr))| {
                    let lost = (*loss / 10.0) as usize;
                    let samples: Vec<Option<f64>> = (0..10).map(|k| (k >= lost).then_some(1.0 + i as f64)).collect();
                    PathHop {
                        ttl: i as u8 + 1,
                        addr: Some(addr.parse().unwrap()),
                        name: None,
                        destination: i == 2,
                        summary: Summary::of(&samples),
                    }
                })
                .collect();
            TraceResult {
                target: "127.0.0.1".parse().unwrap(),
                status: Status::Ok,
                note: None,
                analysis: analyze(&hops),
                hops,
            }
        }),
        not_measured: vec![],
        // The app's path, through a proxy whose credentials are masked.
        app: Some(AppPathResult {
            status: if code == 503 { Status::HttpError } else { Status::Ok },
            via: Some("http://***@proxy.corp.test:3128/".to_owned()),
            version: Some("HTTP/2".to_owned()),
            status_code: Some(code),
            total_ms: Some(48.5),
            failed_at: None,
            body_bytes: 2,
            body_truncated: false,
            final_url: url.to_owned(),
            redirect_refused: None,
            error: None,
        }),
        proxy: None,
    }
}

const PROFILE: &str = r#"
name = "Example Pay (snapshot)"
name_zh = "示例支付（快照）"
[policy]
card_brands = ["unionpay", "visa"]
min_app_version = "10.0"
[thresholds]
ttfb_ms = { warn = 1000, fail = 10000 }
loss_pct = { warn = 2, fail = 30 }
[[endpoint]]
url = "https://api.wallet.test:8443/v1/health"
expect = [200]
"#;

pub(crate) fn report(kind: &str, lang: Lang) -> Report {
    let profile = Profile::parse(PROFILE, "snapshot.toml", None).unwrap();
    let url = "https://api.wallet.test:8443/v1/health";
    let (inputs, endpoints, app) = match kind {
        "ready" => (
            Inputs {
                phone: Some("137 2468 1357".into()),
                card: Some("6222 0212 3456 7890 128".into()),
                ..Inputs::default()
            },
            vec![endpoint(url, 42.0, 200, Status::Ok, 0.0)],
            Some("10.2.1"),
        ),
        "degraded" => (
            Inputs {
                phone: Some("+1 650 253 0000".into()),
                email: Some("li.lei@gmial.com".into()),
                ..Inputs::default()
            },
            vec![endpoint(url, 1800.0, 200, Status::Ok, 10.0)],
            None,
        ),
        _ => (
            Inputs {
                phone: Some("010-6552 9988".into()),
                card: Some("3782 822463 10005".into()),
                expiry: Some("10/26".into()),
                id_number: Some("110105194912310021".into()),
                ..Inputs::default()
            },
            vec![endpoint(url, 42.0, 503, Status::Maintenance, 0.0)],
            Some("9.8"),
        ),
    };
    let validation = validate(&inputs, &profile.policy, Date::new(2026, 11, 26).unwrap());
    build(
        Evidence {
            profile: &profile,
            inputs: &inputs,
            validation: &validation,
            endpoints: profile.endpoint_ids().zip(endpoints).collect(),
            connectivity: Vec::new(),
            mail: None,
            app_version: app,
            environment: Some(Environment {
                os: "linux",
                proxies: vec![Proxy {
                    var: "HTTPS_PROXY".into(),
                    value: "http://***@proxy.corp:3128".into(),
                }],
                default_interface: Some("wlan0".into()),
                default_route: Some(true),
                wireless: Some(true),
                memory_available_bytes: Some(8 << 30),
                // Short of space only in the blocked case.
                disk_available_bytes: Some(if kind == "blocked" { 200 << 20 } else { 80 << 30 }),
            }),
            insecure: false,
            unmasked: false,
            generated_at: "2026-11-26T10:00:00Z".into(),
            time_zone: bindcheck::report::time::TimeZone::UTC,
            duration_ms: 2345.0,
        },
        lang,
    )
}

pub(crate) fn rendered(format: Format, report: &Report) -> String {
    let mut out = Vec::new();
    render(format, report, &mut out, Options::default()).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn every_format_of_every_verdict() {
    for kind in ["ready", "degraded", "blocked"] {
        let r = report(kind, Lang::En);
        assert_eq!(r.verdict.as_str(), kind, "{:#?}", r.findings);
        for format in Format::ALL {
            let ext = match format {
                Format::Text => "txt",
                Format::Json => "json",
                Format::Junit => "xml",
                Format::Markdown => "md",
                Format::Prometheus => "prom",
            };
            insta::assert_snapshot!(format!("{kind}.{ext}"), rendered(format, &r));
        }
        insta::assert_snapshot!(
            format!("{kind}.zh.txt"),
            rendered(Format::Text, &report(kind, Lang::ZhCn))
        );
    }
}

#[test]
fn the_blocked_report_leads_with_the_right_remedies() {
    let r = report("blocked", Lang::En);
    let kinds: Vec<String> = r
        .remedies
        .iter()
        .map(|x| serde_json::to_value(x.kind).unwrap().as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        kinds,
        [
            "fix_field",
            "fix_field",
            "fix_field",
            "use_supported_card",
            "update_app",
            "wait",
            "free_resources",
            "contact_support"
        ]
    );
    let fields: Vec<&str> = r.remedies.iter().filter_map(|x| x.field).map(|f| f.as_str()).collect();
    assert_eq!(
        fields,
        ["phone", "expiry", "id_number"],
        "one fix per field, in form order"
    );
    assert_eq!(r.remedies[5].until.as_deref(), Some("2026-11-26T10:30:00Z"));
}

#[test]
fn junit_parses_back_with_one_case_per_check() {
    for (kind, warnings_fail, failures) in [
        ("ready", false, 0),
        ("degraded", false, 0),
        ("degraded", true, 6),
        ("blocked", false, 6),
    ] {
        let r = report(kind, Lang::En);
        let mut out = Vec::new();
        render(
            Format::Junit,
            &r,
            &mut out,
            Options {
                color: false,
                warnings_fail,
            },
        )
        .unwrap();
        let xml = String::from_utf8(out).unwrap();
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        let suites: Vec<&str> = doc
            .descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|n| n.attribute("name").unwrap())
            .collect();
        assert_eq!(suites, ["inputs", "endpoints", "environment"], "{kind}");
        let cases: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
        let endpoint_cases: Vec<&str> = cases
            .iter()
            .filter(|c| c.attribute("classname") == Some("bindcheck.endpoints"))
            .filter_map(|c| {
                c.attribute("name")
                    .unwrap()
                    .strip_suffix(" https://api.wallet.test:8443/v1/health")
            })
            .collect();
        let mut want = vec!["dns", "tcp", "tls", "http", "loss"];
        if kind == "degraded" {
            want.push("path");
        }
        want.push("app");
        assert_eq!(endpoint_cases, want);
        for c in &cases {
            let time: f64 = c.attribute("time").map_or(0.0, |t| t.parse().unwrap());
            assert!(time < 10.0, "time is in seconds");
        }
        let failed = cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
            .count();
        assert_eq!(failed, failures, "{kind} warnings_fail={warnings_fail}\n{xml}");
        let suite_failures: usize = doc
            .descendants()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|n| n.attribute("failures").unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(suite_failures, failures);
        if kind == "degraded" && !warnings_fail {
            let out: Vec<&str> = doc
                .descendants()
                .filter(|n| n.has_tag_name("system-out"))
                .filter_map(|n| n.text())
                .collect();
            assert!(
                out.iter()
                    .any(|t| t.lines().any(|l| l.starts_with("warning net.slow_server"))),
                "warnings go to system-out"
            );
        }
    }
}

#[test]
fn prometheus_parses_with_blackbox_names() {
    let r = report("blocked", Lang::En);
    let text = rendered(Format::Prometheus, &r);
    let lines = text.lines().map(|l| Ok(l.to_owned()));
    let scrape = prometheus_parse::Scrape::parse(lines).expect("valid exposition format");
    let value = |name: &str, label: Option<(&str, &str)>| -> f64 {
        let s = scrape
            .samples
            .iter()
            .find(|s| s.metric == name && label.is_none_or(|(k, v)| s.labels.get(k) == Some(v)))
            .unwrap_or_else(|| panic!("{name} missing"));
        match s.value {
            prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
            _ => panic!("{name} is not a gauge"),
        }
    };
    assert_eq!(value("probe_success", None), 0.0);
    assert_eq!(value("probe_http_status_code", None), 503.0);
    assert_eq!(value("probe_http_version", None), 2.0);
    assert_eq!(value("bindcheck_verdict", Some(("verdict", "blocked"))), 1.0);
    assert_eq!(value("bindcheck_verdict", Some(("verdict", "ready"))), 0.0);
    assert!((value("probe_http_duration_seconds", Some(("phase", "tls"))) - 0.0032).abs() < 1e-9);
    assert!(value("probe_ssl_earliest_cert_expiry", None) > 1.7e9);
    assert_eq!(value("bindcheck_loss_ratio", None), 0.0);
    assert!(scrape.docs.contains_key("bindcheck_jitter_seconds"));
}

#[test]
fn no_format_shows_a_raw_input_value() {
    let raw = [
        "137 2468 1357",
        "13724681357",
        "6222 0212 3456 7890 128",
        "6222021234567890128",
        "+1 650 253 0000",
        "6502530000",
        "li.lei@gmial.com",
        "li.lei@",
        "010-6552 9988",
        "1065529988",
        "3782 822463 10005",
        "378282246310005",
        "110105194912310021",
    ];
    for kind in ["ready", "degraded", "blocked"] {
        for lang in [Lang::En, Lang::ZhCn] {
            let r = report(kind, lang);
            for format in Format::ALL {
                let out = rendered(format, &r);
                for value in raw {
                    assert!(!out.contains(value), "{kind} {format:?} shows {value}");
                }
            }
        }
    }
}

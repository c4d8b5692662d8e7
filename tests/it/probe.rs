//! Network probes against servers the tests start on loopback: each fault must be classified
//! right, within the deadline.

use bindcheck::probe::http::{HttpVersion, RetryAfter};
use bindcheck::probe::{
    EndpointReport, MailVerdict, Method, Phase, ProbeConfig, Prober, ResolverChoice, Status, Timeouts,
};
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::servers::{self, BadAnswer, Behavior, Pki, Zone};

const LOOP: Ipv4Addr = Ipv4Addr::LOCALHOST;

fn config(dns: &servers::Server, pki: Option<&Pki>) -> ProbeConfig {
    ProbeConfig {
        count: 3,
        interval: Duration::from_millis(10),
        resolver: ResolverChoice::Server(dns.addr),
        ca_pem: pki.map(|p| p.ca_pem.as_bytes().to_vec()),
        timeouts: Timeouts {
            dns: Duration::from_secs(2),
            connect: Duration::from_secs(2),
            tls: Duration::from_secs(2),
            ttfb: Duration::from_secs(2),
            body: Duration::from_secs(2),
        },
        deadline: Duration::from_secs(8),
        ..ProbeConfig::default()
    }
}

/// A DNS server that knows the test names.
async fn test_dns() -> servers::Server {
    servers::dns(|name| match name {
        "api.wallet.test" | "other.wallet.test" => vec![Zone::A(vec![LOOP])],
        "dual.wallet.test" => vec![Zone::A(vec![LOOP]), Zone::Aaaa(vec!["::1".parse().unwrap()])],
        "mail.wallet.test" => vec![Zone::Mx(vec![(10, "mx1.wallet.test."), (20, "mx2.wallet.test.")])],
        "nullmx.wallet.test" => vec![Zone::Mx(vec![(0, ".")])],
        "plain.wallet.test" => vec![Zone::A(vec![LOOP])],
        "fail.wallet.test" => vec![Zone::ServFail],
        "slow.wallet.test" => vec![Zone::Slow(Duration::from_secs(30))],
        _ => vec![Zone::NxDomain],
    })
    .await
}

async fn probe(config: ProbeConfig, url: &str) -> (EndpointReport, Duration) {
    let prober = Arc::new(Prober::builder(config).build().expect("prober"));
    let started = Instant::now();
    let mut reports = prober.probe(&[url.parse().unwrap()]).await;
    (reports.remove(0), started.elapsed())
}

#[tokio::test]
async fn healthy_http_endpoint_has_phases_that_add_up() {
    let dns = test_dns().await;
    let server = servers::http(|_| Behavior::ok("{\"status\":\"up\"}")).await;
    let url = format!("http://api.wallet.test:{}/v1/health", server.addr.port());
    let (r, _) = probe(config(&dns, None), &url).await;
    assert_eq!(r.status, Status::Ok, "{r:#?}");
    assert_eq!(r.dns.status, Status::Ok);
    assert_eq!(r.dns.a[0].addr, std::net::IpAddr::V4(LOOP));
    assert_eq!(r.dns.a[0].ttl_s, 300);
    assert_eq!(r.dns.resolver, dns.addr.to_string());
    let h = r.http.as_ref().unwrap();
    assert_eq!(h.status_code, Some(200));
    assert_eq!(h.body_bytes, 15);
    let p = h.phases;
    let sum: f64 = [p.dns_ms, p.connect_ms, p.tls_ms, p.server_ms, p.transfer_ms]
        .into_iter()
        .flatten()
        .sum();
    assert_eq!(p.tls_ms, None, "plain HTTP has no TLS phase");
    assert!(
        (sum - h.total_ms.unwrap()).abs() < 0.01,
        "phases add up: {p:?} vs {:?}",
        h.total_ms
    );
    assert!(h.ttfb_ms.unwrap() <= h.total_ms.unwrap());
    assert_eq!(h.clock_skew_s, Some(0.0));
    assert_eq!(r.loss.len(), 1);
    assert_eq!(r.loss[0].summary.sent, 3);
    assert_eq!(r.loss[0].summary.loss_pct, 0.0);
    assert!(r.loss[0].summary.too_few_samples);
    assert!(r.not_measured.is_empty());
}

#[tokio::test]
async fn dns_failures_are_classified() {
    let dns = test_dns().await;
    for (host, want) in [
        ("missing.wallet.test", Status::Nxdomain),
        ("fail.wallet.test", Status::Servfail),
        ("mail.wallet.test", Status::NoRecords),
    ] {
        let (r, _) = probe(config(&dns, None), &format!("http://{host}/")).await;
        assert_eq!(r.dns.status, want, "{host}: {:?}", r.dns);
        let error = r.dns.error.as_deref().unwrap_or_default();
        assert!(error.contains(host) || error.contains("SERVFAIL"), "{host}: {error}");
        assert!(!error.contains("Query {"), "{host}: Debug text in {error}");
        assert_eq!(r.status, want);
        assert!(r.http.is_none() && r.tcp.is_empty());
    }
    let mut c = config(&dns, None);
    c.timeouts.dns = Duration::from_millis(500);
    let (r, took) = probe(c, "http://slow.wallet.test/").await;
    assert_eq!(r.dns.status, Status::Timeout);
    assert!(took < Duration::from_secs(3), "took {took:?}");
}

/// A resolver's malformed or cut answers are an error with the resolver's words, never
/// "no records": the name may well exist, the answer about it was broken.
#[tokio::test]
async fn broken_dns_answers_are_errors_with_their_cause() {
    for (answer, says) in [
        (BadAnswer::Garbage, "malformed"),
        (BadAnswer::Cut, "malformed"),
        (BadAnswer::BadRdata, "malformed"),
        (BadAnswer::Truncated, "truncat"),
    ] {
        let dns = servers::bad_dns(answer).await;
        let mut c = config(&dns, None);
        c.timeouts.dns = Duration::from_millis(800);
        let (r, _) = probe(c, "http://api.wallet.test/").await;
        assert_eq!(r.dns.status, Status::Error, "{answer:?}: {:?}", r.dns);
        let error = r.dns.error.as_deref().unwrap_or_default();
        assert!(error.contains(says), "{answer:?}: {error}");
        assert!(
            !error.contains("Kind") && !error.contains("{ "),
            "{answer:?}: Debug text in {error}"
        );
    }
}

#[tokio::test]
async fn tls_certificates_are_classified() {
    let dns = test_dns().await;
    let pki = Pki::new("bindcheck test CA");
    let stranger = Pki::new("somebody else's CA");
    let cases = [
        (pki.server(&["api.wallet.test"], -10, 80), Status::Ok, ""),
        (
            pki.server(&["api.wallet.test"], -100, -2),
            Status::Expired,
            "the certificate has expired (it was valid until 20",
        ),
        (
            pki.server(&["api.wallet.test"], 5, 100),
            Status::NotYetValid,
            "the certificate is not valid yet (it is valid from 20",
        ),
        (
            pki.server(&["www.elsewhere.test"], -10, 80),
            Status::NameMismatch,
            "the certificate is not valid for api.wallet.test: it is for www.elsewhere.test",
        ),
        (
            stranger.server(&["api.wallet.test"], -10, 80),
            Status::Untrusted,
            "the certificate is not signed by a trusted authority",
        ),
    ];
    for (tls, want, says) in cases {
        let server = servers::https(tls, |_| Behavior::ok("ok")).await;
        let url = format!("https://api.wallet.test:{}/health", server.addr.port());
        let (r, _) = probe(config(&dns, Some(&pki)), &url).await;
        let t = r.tls.as_ref().expect("a TLS result");
        assert_eq!(t.status, want, "{t:#?}");
        // In words, not rustls's Debug names (`invalid peer certificate: UnknownIssuer`).
        assert!(
            t.error.as_deref().unwrap_or_default().starts_with(says),
            "{:?}",
            t.error
        );
        assert_eq!(t.error.is_none(), says.is_empty(), "{:?}", t.error);
        assert!(
            !t.chain.is_empty(),
            "the chain is reported even when verification fails"
        );
        if want == Status::Ok {
            assert_eq!(r.status, Status::Ok);
            assert_eq!(t.version.as_deref(), Some("TLSv1_3"));
            assert_eq!(t.alpn, None, "the test server does not negotiate ALPN");
            assert_eq!(r.http.as_ref().unwrap().version, Some(HttpVersion::Http11));
            let days = t.expires_in_days.unwrap();
            assert!((79.0..=80.0).contains(&days), "{days}");
            assert!(r.http.as_ref().unwrap().phases.tls_ms.is_some_and(|t| t > 0.0));
        } else {
            assert_eq!(r.status, want);
            assert_eq!(r.http.as_ref().unwrap().status, Status::Skipped);
        }
        if want == Status::Expired {
            assert!(t.expires_in_days.unwrap() < 0.0);
        }
    }
}

#[tokio::test]
async fn a_server_that_offers_http2_is_probed_in_http2() {
    let pki = Pki::new("bindcheck test CA");
    let Some(nginx) = crate::daemons::nginx(&pki, &["api.wallet.test"]).await else {
        return;
    };
    let dns = test_dns().await;
    let url = format!("https://api.wallet.test:{}/v1/health", nginx.port);
    let (r, _) = probe(config(&dns, Some(&pki)), &url).await;
    let t = r.tls.as_ref().expect("a TLS result");
    assert_eq!(t.alpn.as_deref(), Some("h2"), "{t:#?}");
    let h = r.http.as_ref().unwrap();
    assert_eq!(
        (r.status, h.status_code, h.version),
        (Status::Ok, Some(200), Some(HttpVersion::Http2)),
        "{h:#?}"
    );
    assert_eq!(h.body_bytes, crate::daemons::BODY.len() as u64);
    assert_eq!(h.hops[0].version, Some(HttpVersion::Http2));
    assert!(h.phases.server_ms.is_some() && h.phases.transfer_ms.is_some());
    // The answers that decide a bind read the same over HTTP/2.
    let url = format!("https://api.wallet.test:{}/busy", nginx.port);
    let (r, _) = probe(config(&dns, Some(&pki)), &url).await;
    let h = r.http.unwrap();
    assert_eq!((r.status, h.version), (Status::Maintenance, Some(HttpVersion::Http2)));
    assert_eq!(h.retry_after.and_then(|w| w.seconds()), Some(120));
}

#[tokio::test]
async fn insecure_reports_the_problem_and_goes_on() {
    let dns = test_dns().await;
    let pki = Pki::new("bindcheck test CA");
    let server = servers::https(pki.server(&["api.wallet.test"], -100, -2), |_| Behavior::ok("ok")).await;
    let url = format!("https://api.wallet.test:{}/", server.addr.port());
    let mut c = config(&dns, Some(&pki));
    c.insecure = true;
    let (r, _) = probe(c, &url).await;
    let t = r.tls.unwrap();
    assert!(t.insecure);
    assert_eq!(t.status, Status::Expired);
    assert_eq!(r.http.unwrap().status_code, Some(200));
}

#[tokio::test]
async fn maintenance_rate_limits_and_clock_skew() {
    let dns = test_dns().await;
    let server = servers::http(|path| match path {
        "/maintenance" => Behavior::status(503, &[("retry-after", "1800")]),
        "/busy" => Behavior::status(429, &[("retry-after", "30")]),
        "/forever" => Behavior::status(503, &[("retry-after", "99999999999999999999")]),
        "/broken" => Behavior::status(500, &[]),
        _ => Behavior::Respond {
            status: 200,
            headers: vec![],
            body: b"ok".to_vec(),
            clock_offset_s: -3600,
        },
    })
    .await;
    let base = format!("http://api.wallet.test:{}", server.addr.port());
    let (r, _) = probe(config(&dns, None), &format!("{base}/maintenance")).await;
    let h = r.http.as_ref().unwrap();
    assert_eq!((r.status, h.status_code), (Status::Maintenance, Some(503)));
    let ra = h.retry_after.as_ref().unwrap();
    assert_eq!(ra.seconds(), Some(1800));
    let at = humantime::parse_rfc3339(ra.at().unwrap()).unwrap();
    let from_now = at.duration_since(std::time::SystemTime::now()).unwrap().as_secs();
    assert!((1790..=1800).contains(&from_now), "{from_now}");
    let (r, _) = probe(config(&dns, None), &format!("{base}/busy")).await;
    assert_eq!(r.status, Status::RateLimited);
    assert_eq!(r.http.unwrap().retry_after.unwrap().seconds(), Some(30));
    let (r, _) = probe(config(&dns, None), &format!("{base}/forever")).await;
    assert_eq!(r.http.unwrap().retry_after, Some(RetryAfter::Unrepresentable));
    let (r, _) = probe(config(&dns, None), &format!("{base}/broken")).await;
    assert_eq!(r.status, Status::HttpError);
    let (r, _) = probe(config(&dns, None), &format!("{base}/skewed")).await;
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.http.unwrap().clock_skew_s, Some(-3600.0));
}

#[tokio::test]
async fn redirects_are_followed_timed_and_bounded() {
    let dns = test_dns().await;
    let port = Arc::new(std::sync::OnceLock::<u16>::new());
    let p = port.clone();
    let server = servers::http(move |path| {
        let port = *p.get().unwrap();
        match path {
            "/start" => Behavior::status(302, &[("location", "/middle")]),
            "/middle" => Behavior::status(301, &[("location", &format!("http://other.wallet.test:{port}/end"))]),
            "/loop-a" => Behavior::status(302, &[("location", "/loop-b")]),
            "/loop-b" => Behavior::status(302, &[("location", "/loop-a")]),
            p if p.starts_with("/chain/") => {
                let n: u32 = p[7..].parse().unwrap();
                Behavior::status(302, &[("location", &format!("/chain/{}", n + 1))])
            }
            _ => Behavior::ok("done"),
        }
    })
    .await;
    port.set(server.addr.port()).unwrap();
    let base = format!("http://api.wallet.test:{}", server.addr.port());
    let (r, _) = probe(config(&dns, None), &format!("{base}/start")).await;
    let h = r.http.as_ref().unwrap();
    assert_eq!(r.status, Status::Ok);
    assert_eq!(h.hops.len(), 3);
    assert_eq!(
        h.hops.iter().map(|x| x.status_code).collect::<Vec<_>>(),
        [Some(302), Some(301), Some(200)]
    );
    assert!(h.final_url.starts_with("http://other.wallet.test"));
    assert!(
        h.hops[2].phases.dns_ms.is_some_and(|d| d > 0.0),
        "a new host is resolved again"
    );
    let total: f64 = h.hops.iter().map(|x| x.total_ms).sum();
    assert!((total - h.total_ms.unwrap()).abs() < 0.01);
    assert!((h.redirect_ms + h.hops[2].total_ms - h.total_ms.unwrap()).abs() < 0.01);

    let (r, _) = probe(config(&dns, None), &format!("{base}/loop-a")).await;
    assert_eq!(r.status, Status::RedirectLoop);
    let (r, _) = probe(config(&dns, None), &format!("{base}/chain/0")).await;
    assert_eq!(r.status, Status::TooManyRedirects);
    assert_eq!(r.http.unwrap().hops.len(), 6, "the first request and 5 redirects");
}

#[tokio::test]
async fn hostile_servers_cannot_hang_or_flood_the_probe() {
    let dns = test_dns().await;
    let server = servers::http(|path| match path {
        "/hang" => Behavior::Hang,
        "/reset" => Behavior::Reset,
        "/dribble" => Behavior::Dribble {
            every: Duration::from_millis(200),
        },
        _ => Behavior::Endless,
    })
    .await;
    let base = format!("http://api.wallet.test:{}", server.addr.port());
    let mut c = config(&dns, None);
    c.timeouts.dns = Duration::from_secs(1);
    c.timeouts.connect = Duration::from_secs(1);
    c.timeouts.tls = Duration::from_secs(1);
    c.timeouts.ttfb = Duration::from_millis(800);
    c.timeouts.body = Duration::from_millis(800);
    // The application path runs beside the direct one with the phases' sum as its budget
    // (docs/probe.md): the probe ends within that.
    let t = c.timeouts;
    let budget = t.dns + t.connect + t.tls + t.ttfb + t.body + Duration::from_secs(1);
    for (path, want) in [
        ("/hang", Status::Timeout),
        ("/reset", Status::Reset),
        ("/dribble", Status::Timeout),
    ] {
        let (r, took) = probe(c.clone(), &format!("{base}{path}")).await;
        let http = r.http.as_ref().unwrap();
        assert_eq!(http.status, want, "{path}: {:?}", r.http);
        assert!(took < budget, "{path} took {took:?}");
    }
    let (r, took) = probe(c, &format!("{base}/endless")).await;
    let h = r.http.unwrap();
    assert_eq!(h.status, Status::Ok);
    assert!(h.body_truncated);
    assert!(
        h.body_bytes >= 64 * 1024 && h.body_bytes < 64 * 1024 + 32 * 1024,
        "{}",
        h.body_bytes
    );
    assert!(took < Duration::from_secs(4));

    // A TLS endpoint that accepts and never speaks.
    let silent = servers::silent().await;
    let mut c = config(&dns, None);
    c.timeouts.tls = Duration::from_millis(500);
    let (r, took) = probe(c, &format!("https://api.wallet.test:{}/", silent.addr.port())).await;
    assert_eq!(r.tls.unwrap().status, Status::Timeout);
    assert!(took < Duration::from_secs(3));
}

#[tokio::test]
async fn refused_ports_and_broken_ipv6_are_reported() {
    let dns = test_dns().await;
    // A port nobody listens on: bind one, then free it.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (r, _) = probe(config(&dns, None), &format!("http://api.wallet.test:{port}/")).await;
    assert_eq!(r.status, Status::Refused);
    assert!(r.http.is_none());

    // IPv4 works, IPv6 (::1, nobody listening there) does not.
    let server = servers::http(|_| Behavior::ok("ok")).await;
    let (r, _) = probe(
        config(&dns, None),
        &format!("http://dual.wallet.test:{}/", server.addr.port()),
    )
    .await;
    assert_eq!(r.status, Status::Ok);
    assert_eq!(r.tcp.len(), 2);
    assert!(r.ipv6_broken, "{:?}", r.tcp);
    assert_eq!(r.preferred_family, Some(bindcheck::probe::Family::Ipv4));
}

#[tokio::test]
async fn the_deadline_reports_what_was_measured() {
    let dns = test_dns().await;
    let server = servers::http(|_| Behavior::Hang).await;
    let mut c = config(&dns, None);
    c.count = 50;
    c.interval = Duration::from_millis(100);
    c.deadline = Duration::from_millis(1500);
    c.timeouts.ttfb = Duration::from_secs(10);
    let (r, took) = probe(c, &format!("http://api.wallet.test:{}/", server.addr.port())).await;
    assert!(took < Duration::from_millis(2500), "took {took:?}");
    assert_eq!(r.dns.status, Status::Ok, "DNS was measured");
    assert_eq!(r.tcp[0].status, Status::Ok, "TCP was measured");
    // A server that accepts and never answers timed out, whatever cut the wait: the run's
    // deadline here, long before the response's own 10 s limit.
    let http = r.http.as_ref().unwrap();
    assert_eq!(http.status, Status::Timeout);
    let waited = http.hops[0].phases.server_ms.unwrap();
    assert!((1000.0..2500.0).contains(&waited), "waited {waited} ms");
    assert_eq!(http.status_code, None);
    // Only the loss probes never sent are not measured.
    assert_eq!(r.not_measured, [Phase::Loss], "{:?}", r.not_measured);
    let loss = &r.loss[0];
    assert!(loss.not_sent > 0 && loss.summary.sent > 5, "{loss:?}");
    assert_eq!(loss.summary.loss_pct, 0.0, "probes cut by the deadline are not lost");
}

#[tokio::test]
async fn many_endpoints_run_concurrently_in_order() {
    let dns = test_dns().await;
    let server = servers::http(|_| Behavior::ok("ok")).await;
    let urls: Vec<url::Url> = (0..20)
        .map(|i| {
            format!("http://api.wallet.test:{}/{i}", server.addr.port())
                .parse()
                .unwrap()
        })
        .collect();
    let mut c = config(&dns, None);
    c.count = 0;
    c.concurrency = 4;
    c.method = Method::Head;
    let prober = Arc::new(Prober::builder(c).build().unwrap());
    let reports = prober.probe(&urls).await;
    assert_eq!(reports.len(), 20);
    for (i, r) in reports.iter().enumerate() {
        assert_eq!(r.url, urls[i].as_str());
        assert_eq!(r.status, Status::Ok);
        assert!(r.loss.is_empty());
        assert_eq!(r.http.as_ref().unwrap().body_bytes, 0, "HEAD reads no body");
    }
}

#[tokio::test]
async fn email_domains_by_mx() {
    let dns = test_dns().await;
    let prober = Prober::builder(config(&dns, None)).build().unwrap();
    let m = prober.mail("mail.wallet.test").await;
    assert_eq!(m.verdict, MailVerdict::Mx);
    assert_eq!(
        m.mx,
        [(10, "mx1.wallet.test.".to_owned()), (20, "mx2.wallet.test.".to_owned())]
    );
    assert_eq!(prober.mail("nullmx.wallet.test").await.verdict, MailVerdict::NullMx);
    assert_eq!(prober.mail("plain.wallet.test").await.verdict, MailVerdict::ImplicitMx);
    assert_eq!(prober.mail("missing.wallet.test").await.verdict, MailVerdict::NoDomain);
    let m = prober.mail("fail.wallet.test").await;
    assert_eq!((m.verdict, m.status), (MailVerdict::Unknown, Status::Servfail));
    // The resolver's answer is kept, in words.
    assert_eq!(m.error.as_deref(), Some("the resolver answered SERVFAIL (2)"));
    let m = prober.mail("slow.wallet.test").await;
    assert_eq!((m.verdict, m.status), (MailVerdict::Unknown, Status::Timeout));
    assert!(m.error.is_some(), "{m:?}");
    assert_eq!(prober.mail("mail.wallet.test").await.error, None);
}

#[tokio::test]
async fn icmp_is_skipped_with_a_note_where_ping_sockets_are_not_allowed() {
    // Whether this machine allows ping sockets for our group decides what to expect.
    let range = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range").unwrap_or_default();
    let bounds: Vec<u64> = range.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    let gid = std::process::Command::new("id")
        .arg("-g")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse::<u64>().ok());
    let allowed = matches!((bounds.as_slice(), gid), ([lo, hi], Some(g)) if *lo <= g && g <= *hi);
    let r = bindcheck::probe::icmp::ping(
        std::net::IpAddr::V4(LOOP),
        3,
        Duration::from_millis(10),
        Duration::from_secs(1),
        tokio::time::Instant::now() + Duration::from_secs(5),
    )
    .await;
    if allowed {
        assert_eq!(r.status, Status::Ok);
        assert_eq!(r.summary.received, 3);
    } else {
        assert_eq!(r.status, Status::Skipped);
        assert!(r.note.as_deref().unwrap().contains("ping_group_range"), "{:?}", r.note);
        assert_eq!(r.summary.sent, 0);
    }
}

#[tokio::test]
async fn divergent_resolvers_are_flagged() {
    let dns = test_dns().await;
    let honest = servers::dns(|name| match name {
        "api.wallet.test" => vec![Zone::A(vec![LOOP])],
        _ => vec![Zone::NxDomain],
    })
    .await;
    let hijacker = servers::dns(|_| vec![Zone::A(vec![Ipv4Addr::new(127, 9, 9, 9)])]).await;
    let server = servers::http(|_| Behavior::ok("ok")).await;
    let url = format!("http://api.wallet.test:{}/", server.addr.port());

    let mut c = config(&dns, None);
    c.compare_resolvers = vec![honest.addr];
    let (r, _) = probe(c, &url).await;
    assert_eq!(r.dns_compare.len(), 1);
    assert_eq!(r.dns_compare[0].resolver, honest.addr.to_string());
    assert!(!r.dns_divergent);

    let mut c = config(&dns, None);
    c.compare_resolvers = vec![honest.addr, hijacker.addr];
    let (r, _) = probe(c, &url).await;
    assert!(r.dns_divergent, "{:?}", r.dns_compare);
    assert_eq!(
        r.status,
        Status::Ok,
        "divergence is a warning: the main resolver's answer works"
    );

    // A name one resolver knows and the other denies.
    let mut c = config(&dns, None);
    c.compare_resolvers = vec![honest.addr];
    let (r, _) = probe(c, "http://other.wallet.test:1/").await;
    assert!(r.dns_divergent);
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn trace_reaches_loopback_over_ipv4_and_ipv6() {
    use bindcheck::probe::trace::{trace, LossSegment, Protocol, TraceConfig};
    let udp = TraceConfig {
        max_hops: 5,
        count: 5,
        interval: Duration::from_millis(10),
        timeout: Duration::from_secs(1),
        protocol: Protocol::Udp,
    };
    // TCP connects to a port that listens (SYN-ACK) and to one that does not (RST): both
    // reach the destination.
    let listener = std::net::TcpListener::bind("[::]:0").unwrap();
    let open = listener.local_addr().unwrap().port();
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let runs = [
        ("127.0.0.1", udp),
        ("::1", udp),
        (
            "127.0.0.1",
            TraceConfig {
                protocol: Protocol::Tcp(open),
                ..udp
            },
        ),
        (
            "::1",
            TraceConfig {
                protocol: Protocol::Tcp(open),
                ..udp
            },
        ),
        (
            "127.0.0.1",
            TraceConfig {
                protocol: Protocol::Tcp(closed),
                ..udp
            },
        ),
    ];
    for (target, config) in runs {
        let started = Instant::now();
        let r = trace(
            target.parse().unwrap(),
            config,
            tokio::time::Instant::now() + Duration::from_secs(5),
        )
        .await;
        assert_eq!(r.status, Status::Ok, "{:?} {:?}", config.protocol, r.note);
        assert_eq!(
            r.hops.len(),
            1,
            "loopback is one hop ({:?}): {:?}",
            config.protocol,
            r.hops
        );
        let hop = &r.hops[0];
        assert!(hop.destination);
        assert_eq!(hop.addr, Some(target.parse().unwrap()));
        assert_eq!((hop.summary.sent, hop.summary.received), (5, 5));
        assert!(r.analysis.reached);
        assert_eq!(r.analysis.segment, LossSegment::None);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}

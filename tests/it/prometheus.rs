//! The Prometheus exposition as Prometheus itself reads it: `--format prometheus` through
//! `promtool check metrics` and the prometheus-parse crate, with the phases of a redirect chain
//! summed as blackbox_exporter sums them; and Debian's Prometheus scraping `bindcheck serve`
//! with the configuration and rules of docs/prometheus/ (as docs/serve.md shows them),
//! ingesting a healthy and a refused target, firing the refused one's alert with its finding
//! code, and writing back, through its Go client, every number exactly as bindcheck wrote it.
//!
//! Prometheus and promtool come from Debian's `prometheus` package. Without them these tests
//! print why and pass, unless `BINDCHECK_REQUIRE_PROMETHEUS=1` (as `.ci/run` sets).

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bindcheck::report::render::prometheus::go_float;
use serde_json::Value;

use crate::check::{args, bindcheck, profile, text};
use crate::daemons::{free_port, tool};
use crate::servers::{self, Behavior, Pki, Zone};

const REQUIRE: &str = "BINDCHECK_REQUIRE_PROMETHEUS";

/// The repository's copy of a file.
fn repo_file(path: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Runs `promtool args...` with `stdin`, and returns whether it succeeded and what it said.
async fn promtool(program: &Path, args: &[&str], stdin: &str) -> (bool, String) {
    let (program, args, stdin) = (
        program.to_owned(),
        args.iter().map(|a| a.to_string()).collect::<Vec<_>>(),
        stdin.to_owned(),
    );
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = Command::new(program)
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run promtool");
        child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success(), said)
    })
    .await
    .unwrap()
}

/// Every sample of `text`, as prometheus-parse reads it.
fn samples(text: &str) -> Vec<prometheus_parse::Sample> {
    let scrape = prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("exposition format");
    scrape.samples
}

/// The value of the one sample named `name` whose labels include `labels`.
fn value(samples: &[prometheus_parse::Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<&prometheus_parse::Sample> = samples
        .iter()
        .filter(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .collect();
    let named: Vec<&prometheus_parse::Sample> = samples.iter().filter(|s| s.metric == name).collect();
    assert_eq!(found.len(), 1, "one {name}{labels:?}, found {found:?} among {named:?}");
    match found[0].value {
        prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
        ref other => panic!("{name} is not a gauge: {other:?}"),
    }
}

fn has(samples: &[prometheus_parse::Sample], name: &str, labels: &[(&str, &str)]) -> bool {
    samples
        .iter()
        .any(|s| s.metric == name && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
}

/// Milliseconds of a report (rounded to the microsecond) as whole microseconds.
fn us(v: &Value) -> i64 {
    v.as_f64().map_or(0, |ms| (ms * 1000.0).round() as i64)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exposition_passes_promtool_and_sums_the_phases_of_a_redirect_chain() {
    let dns = servers::dns(|name| match name {
        "api.wallet.test" => vec![Zone::A(vec![Ipv4Addr::LOCALHOST])],
        _ => vec![Zone::NxDomain],
    })
    .await;
    let pki = Pki::new("bindcheck test CA");
    let tls = pki.server(&["api.wallet.test"], -1, 30);
    let chain = servers::https(tls, |path| match path {
        "/start" => Behavior::status(302, &[("location", "/middle")]),
        "/middle" => Behavior::status(301, &[("location", "/end")]),
        _ => Behavior::ok("{\"status\":\"up\"}"),
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    let (start, refused, missing) = (
        format!("https://api.wallet.test:{}/start", chain.addr.port()),
        format!("http://127.0.0.1:{}/v1/ping", free_port()),
        "http://missing.wallet.test/v1/ping".to_owned(),
    );
    let p = profile(dir.path(), "", &[start.clone(), refused.clone(), missing.clone()]);
    let json_file = dir.path().join("report.json");
    let resolver = dns.addr.to_string();
    let more = [
        "--resolver",
        &resolver,
        "--ca-file",
        ca.to_str().unwrap(),
        "--trace",
        "never",
        "--connectivity-check",
        "none",
        "--format",
        "prometheus",
        "--format",
        &format!("json={}", json_file.display()),
    ];
    let o = bindcheck(args(&p, &more), vec![]).await;
    assert_eq!(
        o.status.code(),
        Some(2),
        "blocked by the refused endpoint: {}",
        text(&o)
    );
    let exposition = String::from_utf8(o.stdout).unwrap();

    if let Some(promtool_bin) = tool("promtool", REQUIRE) {
        let (ok, said) = promtool(&promtool_bin, &["check", "metrics"], &exposition).await;
        assert!(
            ok && said.trim().is_empty(),
            "promtool check metrics: {said}\n{exposition}"
        );
    }
    let s = samples(&exposition);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    let endpoint = |url: &str| {
        report["endpoints"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["url"] == url)
            .unwrap_or_else(|| panic!("{url} in the report"))
            .clone()
    };

    // The chain: three requests, each phase summed over them as blackbox_exporter sums it
    // (processing over the answered ones, transfer the final one's), to the microsecond.
    let e = endpoint(&start);
    let hops = e["http"]["hops"].as_array().unwrap();
    assert_eq!(hops.len(), 3, "{e}");
    let sum = |phase: &str| hops.iter().map(|h| us(&h["phases"][phase])).sum::<i64>();
    let final_transfer = us(&hops[2]["phases"]["transfer_ms"]);
    for (phase, expected) in [
        ("resolve", sum("dns_ms")),
        ("connect", sum("connect_ms")),
        ("tls", sum("tls_ms")),
        ("processing", sum("server_ms")),
        ("transfer", final_transfer),
    ] {
        let got = value(
            &s,
            "probe_http_duration_seconds",
            &[("endpoint", &start), ("phase", phase)],
        );
        assert_eq!(got, expected as f64 / 1e6, "{phase}");
    }
    // Three handshakes, not the last one alone.
    let last_tls = us(&hops[2]["phases"]["tls_ms"]);
    assert!(sum("tls_ms") > last_tls && last_tls > 0, "{e}");
    let at = [("endpoint", start.as_str())];
    assert_eq!(value(&s, "probe_success", &at), 1.0);
    assert_eq!(value(&s, "probe_http_status_code", &at), 200.0);
    assert_eq!(value(&s, "probe_http_redirects", &at), 2.0);
    assert_eq!(value(&s, "probe_http_version", &at), 1.1);
    assert_eq!(value(&s, "probe_http_ssl", &at), 1.0);
    assert_eq!(value(&s, "probe_ip_protocol", &at), 4.0);
    assert_eq!(
        value(
            &s,
            "probe_tls_version_info",
            &[("endpoint", &start), ("version", "TLS 1.3")]
        ),
        1.0
    );
    let leaf = &e["tls"]["chain"][0];
    let fingerprint = leaf["fingerprint_sha256"].as_str().unwrap();
    assert_eq!(fingerprint.len(), 64);
    // Read from the text: prometheus-parse splits labels at every `,` and `=`, so it drops
    // the names (`CN=...`) it cannot split (promtool read the whole line above).
    let info = format!(
        "probe_ssl_last_chain_info{{endpoint=\"{start}\",fingerprint_sha256=\"{fingerprint}\",\
         subject=\"CN=api.wallet.test\",issuer=\"CN=bindcheck test CA\",subjectalternative=\"api.wallet.test\"}} 1\n"
    );
    assert!(exposition.contains(&info), "{info}\n{exposition}");
    // The leaf expires first (the CA lasts for centuries), on the path as in the chain.
    let not_after = humantime::parse_rfc3339(leaf["not_after"].as_str().unwrap()).unwrap();
    let not_after = not_after.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as f64;
    assert_eq!(value(&s, "probe_ssl_earliest_cert_expiry", &at), not_after);
    assert_eq!(
        value(&s, "probe_ssl_last_chain_expiry_timestamp_seconds", &at),
        not_after
    );

    // The refused endpoint: every series blackbox_exporter has for it, at 0, and the reason.
    let at = [("endpoint", refused.as_str())];
    for name in [
        "probe_success",
        "probe_http_status_code",
        "probe_http_version",
        "probe_http_redirects",
        "probe_http_ssl",
    ] {
        assert_eq!(value(&s, name, &at), 0.0, "{name}");
    }
    for phase in ["resolve", "connect", "tls", "processing", "transfer"] {
        let got = value(
            &s,
            "probe_http_duration_seconds",
            &[("endpoint", &refused), ("phase", phase)],
        );
        assert_eq!(got, 0.0, "{phase}");
    }
    assert_eq!(value(&s, "probe_ip_protocol", &at), 4.0);
    let reason = [
        ("endpoint", refused.as_str()),
        ("code", "net.connect_refused"),
        ("severity", "error"),
    ];
    assert_eq!(value(&s, "bindcheck_finding", &reason), 1.0);
    assert!(!has(&s, "probe_tls_version_info", &at) && !has(&s, "probe_ssl_last_chain_info", &at));

    // A name that does not resolve: the lookup's phase alone, as blackbox_exporter has it.
    let at = [("endpoint", missing.as_str())];
    assert_eq!(value(&s, "probe_ip_protocol", &at), 0.0);
    let phases: Vec<&str> = s
        .iter()
        .filter(|x| x.metric == "probe_http_duration_seconds" && x.labels.get("endpoint") == Some(&missing))
        .filter_map(|x| x.labels.get("phase"))
        .collect();
    assert_eq!(phases, ["resolve"]);
    assert!(has(
        &s,
        "bindcheck_finding",
        &[("endpoint", &missing), ("code", "net.dns_nxdomain")]
    ));
    assert_eq!(value(&s, "bindcheck_verdict", &[("verdict", "blocked")]), 1.0);
}

/// Prometheus on a loopback port with its files in a directory of its own; killed when
/// dropped.
struct Prometheus {
    base: String,
    child: Child,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prometheus {
    /// Starts `program` with `dir/prometheus.yml` and storage in `dir/data`, on a free port
    /// (another, should one be taken first), and waits until it is ready (at most `until`).
    async fn start(program: &Path, dir: &Path, until: Instant) -> Prometheus {
        let http = crate::serve::client();
        for _ in 0..5 {
            let port = free_port();
            let log = std::fs::File::create(dir.join("stderr")).unwrap();
            let child = Command::new(program)
                .arg(format!("--config.file={}", dir.join("prometheus.yml").display()))
                .arg(format!("--storage.tsdb.path={}", dir.join("data").display()))
                .arg(format!("--web.listen-address=127.0.0.1:{port}"))
                .arg("--log.level=warn")
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .unwrap();
            let mut p = Prometheus {
                base: format!("http://127.0.0.1:{port}"),
                child,
            };
            while Instant::now() < until && matches!(p.child.try_wait(), Ok(None)) {
                let ready = http.get(format!("{}/-/ready", p.base)).send().await;
                if ready.is_ok_and(|r| r.status() == 200) {
                    return p;
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if Instant::now() >= until {
                break;
            }
        }
        let stderr = std::fs::read_to_string(dir.join("stderr")).unwrap_or_default();
        panic!("prometheus did not become ready:\n{stderr}");
    }

    /// `path` with the query `params`.
    fn url(&self, path: &str, params: &[(&str, &str)]) -> url::Url {
        url::Url::parse_with_params(&format!("{}{path}", self.base), params).unwrap()
    }

    /// An instant query's result: each series' labels and value.
    async fn query(&self, http: &reqwest::Client, query: &str) -> Vec<(HashMap<String, String>, String)> {
        let r = http
            .get(self.url("/api/v1/query", &[("query", query)]))
            .send()
            .await
            .unwrap();
        let v: Value = r.json().await.unwrap();
        assert_eq!(v["status"], "success", "{query}: {v}");
        v["data"]["result"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let labels = serde_json::from_value(x["metric"].clone()).unwrap();
                (labels, x["value"][1].as_str().unwrap().to_owned())
            })
            .collect()
    }

    /// Each target's job, instance, health and last error, for a failure's message.
    async fn targets(&self, http: &reqwest::Client) -> String {
        let Ok(r) = http.get(format!("{}/api/v1/targets", self.base)).send().await else {
            return "(unavailable)".to_owned();
        };
        let v: Value = r.json().await.unwrap_or_default();
        let active = v["data"]["activeTargets"].as_array().cloned().unwrap_or_default();
        let each: Vec<String> = active
            .iter()
            .map(|t| {
                format!(
                    "{}/{}: {} {}",
                    t["labels"]["job"], t["labels"]["instance"], t["health"], t["lastError"]
                )
            })
            .collect();
        each.join("; ")
    }

    /// The value of the series of `query` whose `instance` is `instance`.
    async fn at(&self, http: &reqwest::Client, query: &str, instance: &str) -> Option<String> {
        self.query(http, query)
            .await
            .into_iter()
            .find(|(l, _)| l.get("instance").map(String::as_str) == Some(instance))
            .map(|(_, v)| v)
    }
}

/// `text` with each `(from, to)` replaced, every `from` required to be there.
fn edited(text: &str, edits: &[(&str, &str)]) -> String {
    let mut out = text.to_owned();
    for (from, to) in edits {
        assert!(out.contains(from), "the docs' file no longer has {from:?}");
        out = out.replace(from, to);
    }
    out
}

/// Values for Prometheus to read from bindcheck's writing and write back with its Go client.
const NUMBERS: [f64; 17] = [
    0.001136,
    1e-5,
    1.234e-5,
    0.0001,
    1.798_675_2e9,
    1_234_567.0,
    100_000.0,
    1.1,
    200.0,
    1e21,
    1.5e-300,
    0.30000000000000004,
    -0.25,
    0.333_333_333_333_333_3,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_ingests_the_probes_and_the_alert_names_the_finding() {
    let Some(program) = tool("prometheus", REQUIRE) else {
        return;
    };
    let promtool_bin = tool("promtool", REQUIRE).expect("promtool comes with prometheus");
    let until = Instant::now() + Duration::from_secs(60);

    // The documentation's files, as they are, and as docs/serve.md shows them.
    let config = repo_file("docs/prometheus/prometheus.yml");
    let rules = repo_file("docs/prometheus/bindcheck-rules.yml");
    let serve_md = repo_file("docs/serve.md");
    for (name, text) in [("prometheus.yml", &config), ("bindcheck-rules.yml", &rules)] {
        assert!(
            serve_md.contains(&format!("```yaml\n{text}```")),
            "docs/serve.md does not show docs/prometheus/{name} as it is"
        );
    }
    let docs = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/prometheus");
    let docs_config = docs.join("prometheus.yml").display().to_string();
    let (ok, said) = promtool(&promtool_bin, &["check", "config", &docs_config], "").await;
    assert!(ok, "promtool check config {docs_config}: {said}");
    assert!(said.contains("3 rules found"), "{said}");
    let docs_rules = docs.join("bindcheck-rules.yml").display().to_string();
    let (ok, said) = promtool(&promtool_bin, &["check", "rules", &docs_rules], "").await;
    assert!(ok, "promtool check rules: {said}");

    // bindcheck serve with the docs' three targets: two healthy, one refused.
    let up = servers::http(|_| Behavior::ok("{\"status\":\"up\"}")).await;
    let port = up.addr.port();
    let s = crate::serve::start(&[
        ("api", format!("http://127.0.0.1:{port}/v1/health")),
        ("sms", format!("http://127.0.0.1:{}/v1/ping", free_port())),
        ("static", format!("http://127.0.0.1:{port}/static/ok.txt")),
    ])
    .await;
    let mut page = "# TYPE bindcheck_test_number gauge\n".to_owned();
    for (i, v) in NUMBERS.iter().enumerate() {
        page.push_str(&format!("bindcheck_test_number{{i=\"{i}\"}} {}\n", go_float(*v)));
    }
    let numbers = servers::http(move |_| Behavior::Respond {
        status: 200,
        headers: vec![("content-type".into(), "text/plain; version=0.0.4".into())],
        body: page.clone().into_bytes(),
        clock_offset_s: 0,
    })
    .await;

    // Prometheus with the docs' files: this server's address, scrapes every 2 s (a scrape
    // may take 1.5 s: room for a loaded machine), rules every second, no waiting before an
    // alert fires; and a job for the numbers.
    let dir = tempfile::tempdir().unwrap();
    let mut test_config = edited(
        &config,
        &[
            ("bindcheck.monitoring.svc:9477", &s.addr()),
            ("evaluation_interval: 30s", "evaluation_interval: 1s"),
            ("scrape_interval: 30s", "scrape_interval: 2s"),
            ("scrape_timeout: 10s", "scrape_timeout: 2s"),
            ("scrape_interval: 2m", "scrape_interval: 2s"),
            ("scrape_timeout: 20s", "scrape_timeout: 2s"),
        ],
    );
    test_config.push_str(&format!(
        "\n  - job_name: numbers\n    scrape_interval: 2s\n    static_configs:\n      - targets: ['{}']\n",
        numbers.addr
    ));
    let test_rules = edited(
        &rules,
        &[("for: 5m", "for: 0s"), ("for: 1h", "for: 0s"), ("for: 10m", "for: 0s")],
    );
    std::fs::write(dir.path().join("prometheus.yml"), &test_config).unwrap();
    std::fs::write(dir.path().join("bindcheck-rules.yml"), &test_rules).unwrap();
    let test_config_path = dir.path().join("prometheus.yml").display().to_string();
    let (ok, said) = promtool(&promtool_bin, &["check", "config", &test_config_path], "").await;
    assert!(ok, "the test's configuration: {said}\n{test_config}");

    let prom = Prometheus::start(&program, dir.path(), until).await;
    let http = crate::serve::client();
    let mut last = String::new();
    let all_in = loop {
        if Instant::now() >= until {
            panic!(
                "not everything was ingested within 60 s: {last}\nthe targets: {}\n{}",
                prom.targets(&http).await,
                std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default()
            );
        }
        let probe = "probe_success{job=\"wallet-readiness\"}";
        let firing = alerts(&prom, &http).await;
        let state = (
            prom.at(&http, probe, "api").await,
            prom.at(&http, probe, "sms").await,
            prom.at(&http, probe, "static").await,
            prom.query(&http, "bindcheck_loss_ratio{job=\"wallet-readiness-loss\"}")
                .await
                .len(),
            prom.query(&http, "bindcheck_http_requests_total{job=\"bindcheck\"}")
                .await
                .len(),
            prom.query(&http, "bindcheck_test_number").await.len(),
            firing.clone(),
        );
        last = format!("{state:?}");
        let ready = state.0.is_some()
            && state.1.is_some()
            && state.2.is_some()
            && state.3 > 0
            && state.4 > 0
            && state.5 == NUMBERS.len()
            && !firing.is_empty();
        if ready {
            break state;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    assert_eq!(all_in.0.as_deref(), Some("1"), "api works");
    assert_eq!(all_in.1.as_deref(), Some("0"), "sms is refused");
    assert_eq!(all_in.2.as_deref(), Some("1"), "static works");
    let code = "probe_http_status_code{job=\"wallet-readiness\"}";
    assert_eq!(prom.at(&http, code, "api").await.as_deref(), Some("200"));
    assert_eq!(prom.at(&http, code, "sms").await.as_deref(), Some("0"));
    let connect = "probe_http_duration_seconds{job=\"wallet-readiness\",phase=\"connect\"}";
    assert_eq!(prom.at(&http, connect, "sms").await.as_deref(), Some("0"));
    let finding = "bindcheck_finding{job=\"wallet-readiness\",code=\"net.connect_refused\",severity=\"error\"}";
    assert_eq!(prom.at(&http, finding, "sms").await.as_deref(), Some("1"));

    // The alert: the refused target, named by its finding code; none for the healthy ones.
    let firing = all_in.6;
    assert!(
        firing
            .iter()
            .any(|a| a.get("alertname").map(String::as_str) == Some("WalletBindBlocked")
                && a.get("instance").map(String::as_str) == Some("sms")
                && a.get("code").map(String::as_str) == Some("net.connect_refused")
                && a.get("severity").map(String::as_str) == Some("page")),
        "{firing:?}"
    );
    assert!(
        !firing
            .iter()
            .any(|a| matches!(a.get("instance").map(String::as_str), Some("api" | "static"))),
        "{firing:?}"
    );

    // Every number reads back, written by Prometheus's Go client, exactly as bindcheck wrote it.
    let federated = http
        .get(prom.url("/federate", &[("match[]", "{job=\"numbers\"}")]))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut seen = 0;
    for line in federated.lines().filter(|l| l.starts_with("bindcheck_test_number{")) {
        let i: usize = line
            .split("i=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .and_then(|i| i.parse().ok())
            .unwrap_or_else(|| panic!("{line}"));
        let mut fields = line.rsplitn(3, ' ');
        let (_timestamp, written) = (fields.next(), fields.next().unwrap());
        assert_eq!(written, go_float(NUMBERS[i]), "{line}");
        seen += 1;
    }
    assert_eq!(seen, NUMBERS.len(), "{federated}");
    drop(prom);
    let _ = s.stop.map(|stop| stop.send(()));
}

/// The labels of every firing alert.
async fn alerts(prom: &Prometheus, http: &reqwest::Client) -> Vec<HashMap<String, String>> {
    let v: Value = http
        .get(format!("{}/api/v1/alerts", prom.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["data"]["alerts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|a| a["state"] == "firing")
        .map(|a| serde_json::from_value(a["labels"].clone()).unwrap())
        .collect()
}

//! `bindcheck serve` over real HTTP on loopback: the validation API, probes of configured
//! targets only, its own metrics, and a graceful shutdown that finishes requests in flight.

use bindcheck::probe::{ProbeConfig, ResolverChoice, Timeouts};
use bindcheck::profile::Profile;
use bindcheck::serve::{serve, Limits, ServeState, BODY_LIMIT};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::oneshot;

use crate::servers::{self, Behavior};

pub struct Running {
    pub base: String,
    pub state: Arc<ServeState>,
    pub stop: Option<oneshot::Sender<()>>,
    pub task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Running {
    /// The host:port it listens on.
    pub fn addr(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }
}

/// Starts `bindcheck serve` in this process on 127.0.0.1:0 with a profile whose endpoints
/// are `endpoints` (name, url).
pub async fn start(endpoints: &[(&str, String)]) -> Running {
    start_with(endpoints, Limits::default()).await
}

/// [`start`] under `limits`.
pub async fn start_with(endpoints: &[(&str, String)], limits: Limits) -> Running {
    let mut text = "name = \"serve test\"\n".to_owned();
    for (name, url) in endpoints {
        text.push_str(&format!("[[endpoint]]\nname = \"{name}\"\nurl = \"{url}\"\n"));
    }
    start_profile(&text, limits).await
}

/// [`start`] with the profile `text`.
pub async fn start_profile(text: &str, limits: Limits) -> Running {
    let profile = Profile::parse(text, "serve.toml", None).unwrap();
    let base = ProbeConfig {
        count: 3,
        interval: Duration::from_millis(10),
        // Nothing here resolves names: the endpoints are IP literals.
        resolver: ResolverChoice::Server("127.0.0.1:9".parse().unwrap()),
        timeouts: Timeouts {
            dns: Duration::from_secs(1),
            connect: Duration::from_secs(1),
            tls: Duration::from_secs(1),
            ttfb: Duration::from_secs(10),
            body: Duration::from_secs(1),
        },
        ..ProbeConfig::default()
    };
    let state = Arc::new(
        ServeState::new(profile, base, Duration::from_secs(5))
            .unwrap()
            .with_limits(limits),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, Arc::clone(&state), async {
        let _ = rx.await;
    }));
    Running {
        base,
        state,
        stop: Some(tx),
        task,
    }
}

pub fn client() -> reqwest::Client {
    // bindcheck builds reqwest with rustls but no crypto provider of reqwest's choosing (it
    // hands its own configuration over): a plain client needs the process default set.
    let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn validate_answers_like_the_cli_and_rejects_bad_bodies_with_400() {
    let s = start(&[]).await;
    let c = client();
    let post = |body: String| c.post(format!("{}/v1/validate", s.base)).body(body).send();

    let r = post(r#"{"phone": "138 0013 8000", "card": "4111 1111 1111 1112", "lang": "zh-CN"}"#.into())
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["ok"], false);
    assert_eq!(v["fields"]["phone"]["normalized"], "+86138****8000");
    assert_eq!(v["fields"]["card"]["findings"][0]["code"], "card.luhn");
    assert!(v["fields"]["card"]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("校验位"));
    let text = v.to_string();
    assert!(!text.contains("13800138000") && !text.contains("4111111111111112"));

    // The language can also come from Accept-Language.
    let r = c
        .post(format!("{}/v1/validate", s.base))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .body(r#"{"email": "li@qq.con"}"#)
        .send()
        .await
        .unwrap();
    let v: serde_json::Value = r.json().await.unwrap();
    assert_eq!(v["ok"], true);
    assert!(v["fields"]["email"]["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("qq.com"));

    for (body, status, says) in [
        ("{not json".to_owned(), 400, "not valid JSON"),
        (r#"["phone"]"#.to_owned(), 400, "expected a JSON object"),
        (r#"{"phone": {"n": 1}}"#.to_owned(), 400, "`phone` must be a string"),
        (r#"{"6222021234567890128": "x"}"#.to_owned(), 400, "unknown key"),
        (r#"{}"#.to_owned(), 400, "nothing to check"),
        (r#"{"phone": "1", "lang": "fr"}"#.to_owned(), 400, "unknown language"),
        (r#"{"phone": "1", "region": "XX"}"#.to_owned(), 400, "unknown region"),
        (format!(r#"{{"name": "{}"}}"#, "x".repeat(BODY_LIMIT)), 413, ""),
    ] {
        let r = post(body.clone()).await.unwrap();
        assert_eq!(r.status(), status, "{}", &body[..body.len().min(60)]);
        let text = r.text().await.unwrap();
        assert!(text.contains(says), "{text}");
        assert!(!text.contains("6222021234567890128"), "an error repeated the body");
    }
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profiles_phone_policy_and_ranges_decide_validate() {
    let profile = "name = \"x\"\n[policy]\nvirtual_operator = \"reject\"\n\
                   phone_ranges = \"fixtures/profiles/phone-ranges.csv\"\n";
    let s = start_profile(profile, Limits::default()).await;
    let c = client();
    let post = |body: &'static str| {
        let request = c.post(format!("{}/v1/validate", s.base)).body(body).send();
        async move { request.await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let v = post(r#"{"phone": "171 1234 5678", "lang": "zh-CN"}"#).await;
    let phone = &v["fields"]["phone"];
    assert_eq!(v["ok"], false, "{v}");
    assert_eq!(phone["findings"][0]["code"], "phone.virtual_operator_refused");
    assert_eq!(phone["carrier"]["name_zh"], "中国联通");
    assert!(phone["findings"][0]["message"]
        .as_str()
        .unwrap()
        .contains("使用中国联通网络"));
    // 149 is in the profile's ranges, not in the bundled metadata.
    let v = post(r#"{"phone": "149 1234 5678"}"#).await;
    let phone = &v["fields"]["phone"];
    assert_eq!(phone["valid"], true, "{v}");
    assert_eq!(phone["carrier"]["segment"], "data_only");
    assert_eq!(phone["findings"][0]["code"], "phone.data_only");
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probes_configured_targets_only_and_speaks_prometheus() {
    let fault = servers::http(|path| match path {
        "/down" => Behavior::status(503, &[("retry-after", "120")]),
        _ => Behavior::ok("ok"),
    })
    .await;
    let port = fault.addr.port();
    let s = start(&[
        ("api", format!("http://127.0.0.1:{port}/up")),
        ("status", format!("http://127.0.0.1:{port}/down")),
    ])
    .await;
    let c = client();
    let metric = |text: &str, name: &str| -> f64 {
        let scrape =
            prometheus_parse::Scrape::parse(text.lines().map(|l| Ok(l.to_owned()))).expect("exposition format");
        let sample = scrape
            .samples
            .iter()
            .find(|x| x.metric == name)
            .unwrap_or_else(|| panic!("{name} in {text}"));
        match sample.value {
            prometheus_parse::Value::Gauge(v) | prometheus_parse::Value::Untyped(v) => v,
            _ => panic!("{name}"),
        }
    };

    let r = c.get(format!("{}/probe?target=api", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let text = r.text().await.unwrap();
    assert_eq!(metric(&text, "probe_success"), 1.0);
    assert_eq!(metric(&text, "probe_http_status_code"), 200.0);
    assert!(
        !text.contains("bindcheck_loss_ratio{"),
        "the http module sends no loss probes"
    );

    let r = c
        .get(format!("{}/probe?target=status&module=full", s.base))
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert_eq!(metric(&text, "probe_success"), 0.0);
    assert_eq!(metric(&text, "probe_http_status_code"), 503.0);
    assert!(text.contains("bindcheck_loss_ratio{"), "the full module measures loss");

    // No arbitrary URLs, no unknown names: not an open proxy.
    for q in [
        "target=evil",
        "target=http://127.0.0.1:1/",
        "target=api&module=icmp",
        "",
    ] {
        let r = c.get(format!("{}/probe?{q}", s.base)).send().await.unwrap();
        assert!(r.status() == 404 || r.status() == 400, "{q}: {}", r.status());
    }

    let r = c.get(format!("{}/healthz", s.base)).send().await.unwrap();
    assert_eq!(r.text().await.unwrap(), "ok\n");
    let own = c
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        own.contains("bindcheck_http_requests_total{route=\"/probe\",status=\"200\"} 2"),
        "{own}"
    );
    assert!(
        own.contains("bindcheck_probe_runs_total{target=\"status\",module=\"full\",verdict=\"blocked\"} 1"),
        "{own}"
    );
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scrape_timeout_bounds_the_probe() {
    let hang = servers::http(|_| Behavior::Hang).await;
    let s = start(&[("slow", format!("http://127.0.0.1:{}/", hang.addr.port()))]).await;
    let started = Instant::now();
    let r = client()
        .get(format!("{}/probe?target=slow", s.base))
        .header("X-Prometheus-Scrape-Timeout-Seconds", "2")
        .send()
        .await
        .unwrap();
    let took = started.elapsed();
    assert_eq!(r.status(), 200);
    assert!(
        took >= Duration::from_millis(1200) && took < Duration::from_millis(2000),
        "took {took:?}"
    );
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("probe_success{endpoint=\"http://127.0.0.1:"));
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_finishes_the_request_in_flight() {
    let hang = servers::http(|_| Behavior::Hang).await;
    let mut s = start(&[("slow", format!("http://127.0.0.1:{}/", hang.addr.port()))]).await;
    let url = format!("{}/probe?target=slow", s.base);
    let in_flight = tokio::spawn(async move {
        client()
            .get(url)
            .header("X-Prometheus-Scrape-Timeout-Seconds", "2")
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = s.stop.take().unwrap().send(());
    let r = in_flight.await.unwrap().expect("the request in flight is answered");
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("probe_success"));
    tokio::time::timeout(Duration::from_secs(5), s.task)
        .await
        .expect("the server stops")
        .unwrap()
        .unwrap();
    // And it no longer accepts connections.
    assert!(client().get(format!("{}/healthz", s.base)).send().await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_target_is_a_failed_probe_under_a_short_scrape_timeout() {
    let hang = servers::http(|_| Behavior::Hang).await;
    let s = start(&[("slow", format!("http://127.0.0.1:{}/", hang.addr.port()))]).await;
    let body = client()
        .get(format!("{}/probe?target=slow", s.base))
        .header("X-Prometheus-Scrape-Timeout-Seconds", "1.5")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The scrape's budget cut the wait: still a timeout, blocked, never "not measured".
    assert!(body.contains("bindcheck_verdict{verdict=\"blocked\"} 1"), "{body}");
    assert!(body.contains("probe_success{"), "{body}");
    assert!(body.contains("} 0\n"), "{body}");
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_scrape_timeouts_neither_panic_nor_hang() {
    let ok = servers::http(|_| Behavior::ok("ok")).await;
    let s = start(&[("api", format!("http://127.0.0.1:{}/", ok.addr.port()))]).await;
    for header in ["1e300", "1e19", "-5", "NaN", "inf", "0", "abc", "18446744073709551616"] {
        let started = Instant::now();
        let r = client()
            .get(format!("{}/probe?target=api", s.base))
            .header("X-Prometheus-Scrape-Timeout-Seconds", header)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{header}: the connection dropped: {e}"));
        assert_eq!(r.status(), 200, "{header}");
        assert!(started.elapsed() < Duration::from_secs(8), "{header}");
    }
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_body_over_the_limit_is_refused_before_it_is_sent() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = start(&[]).await;
    let addr = s.base.trim_start_matches("http://").to_owned();
    let mut conn = tokio::net::TcpStream::connect(&addr).await.unwrap();
    // Headers only: 100 MB announced, not a byte of it sent.
    conn.write_all(
        b"POST /v1/validate HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100000000\r\n\r\n",
    )
    .await
    .unwrap();
    let mut head = vec![0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(3), conn.read(&mut head))
        .await
        .expect("answered without waiting for the body")
        .unwrap();
    let head = String::from_utf8_lossy(&head[..n]);
    assert!(head.starts_with("HTTP/1.1 413"), "{head}");
    let _ = s.stop.unwrap().send(());
}

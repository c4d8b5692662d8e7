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
        let english = r.text().await.unwrap();
        assert!(
            english.is_ascii() && !english.contains("evil") && !english.contains("127.0.0.1:1"),
            "{q}: {english}"
        );
        // A person at a browser that asks for Chinese reads Chinese; Prometheus asks for nothing.
        let r = c
            .get(format!("{}/probe?{q}", s.base))
            .header("accept-language", "zh-CN,zh;q=0.9")
            .send()
            .await
            .unwrap();
        let zh = r.text().await.unwrap();
        crate::zh::assert_chinese(&format!("/probe?{q}"), &zh);
        assert!(!zh.contains("evil") && !zh.contains("127.0.0.1:1"), "{q}: {zh}");
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

/// Whether `text` is written in Chinese: a CJK character, and the full stop Chinese ends a
/// sentence with.
fn chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) && text.ends_with('。')
}

/// The `{"error", "hint"}` of an answer, checked to be that and nothing else.
async fn api_error(r: reqwest::Response) -> (String, String) {
    assert_eq!(r.headers()["content-type"], "application/json");
    let v: serde_json::Value = r.json().await.unwrap();
    crate::schemas::assert_matches("serve-error.schema.json", &v);
    (
        v["error"].as_str().unwrap().to_owned(),
        v["hint"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_speak_the_callers_language_and_never_repeat_the_body() {
    let s = start(&[]).await;
    let c = client();
    let card = "6222021234567890128";
    let big = format!(r#"{{"name": "{}"}}"#, "x".repeat(BODY_LIMIT));
    // Each refused body, by the body's `lang` when it gets that far, else Accept-Language.
    let bodies: Vec<(String, u16)> = vec![
        ("{not json".into(), 400),
        (r#"["6222021234567890128"]"#.into(), 400),
        (format!(r#"{{"{card}": "x"}}"#), 400),
        (format!(r#"{{"card": ["{card}"]}}"#), 400),
        ("{}".into(), 400),
        (format!(r#"{{"phone": "1", "lang": "{card}"}}"#), 400),
        (r#"{"phone": "1", "lang": 5}"#.into(), 400),
        (format!(r#"{{"phone": "1", "region": "{card}"}}"#), 400),
        (big.clone(), 413),
    ];
    for (body, status) in &bodies {
        let head = &body[..body.len().min(40)];
        for lang in ["zh-CN,zh;q=0.9", "en-US", ""] {
            let mut request = c.post(format!("{}/v1/validate", s.base)).body(body.clone());
            if !lang.is_empty() {
                request = request.header("accept-language", lang);
            }
            let r = request.send().await.unwrap();
            assert_eq!(r.status(), *status, "{head}");
            assert!(r.headers().contains_key("x-request-id"), "{head}");
            let (error, hint) = api_error(r).await;
            if lang.starts_with("zh") {
                assert!(chinese(&error) && chinese(&hint), "{head}: {error} / {hint}");
            } else {
                assert!(error.is_ascii() && hint.is_ascii(), "{head}: {error} / {hint}");
            }
            assert!(!error.contains(card) && !hint.contains(card), "{head}: {error} {hint}");
        }
    }
    // The body's own language comes first, once it is read.
    for (body, zh) in [
        (r#"{"phone": "1", "region": "XX", "lang": "zh-CN"}"#, true),
        (r#"{"lang": "zh"}"#, true),
        (r#"{"phone": "1", "region": "XX", "lang": "en"}"#, false),
    ] {
        let r = c
            .post(format!("{}/v1/validate", s.base))
            .header("accept-language", if zh { "en" } else { "zh-CN" })
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 400);
        let (error, _) = api_error(r).await;
        assert_eq!(chinese(&error), zh, "{body}: {error}");
    }
    let r = c
        .post(format!("{}/v1/validate", s.base))
        .header("accept-language", "zh-CN")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(
        api_error(r).await.0,
        "请求体不是有效的 JSON：第 1 行第 2 列有语法错误。"
    );
    // Unknown paths and methods are errors of the API too.
    for (method, path, status, allow) in [
        (reqwest::Method::GET, format!("/nowhere/{card}"), 404, None),
        (reqwest::Method::GET, "/v1/validate".to_owned(), 405, Some("POST")),
        (reqwest::Method::DELETE, "/healthz".to_owned(), 405, Some("GET,HEAD")),
    ] {
        for lang in ["zh-CN", "en"] {
            let r = c
                .request(method.clone(), format!("{}{path}", s.base))
                .header("accept-language", lang)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), status, "{method} {path}");
            assert_eq!(r.headers().get("allow").map(|v| v.to_str().unwrap()), allow);
            let (error, hint) = api_error(r).await;
            assert_eq!(chinese(&error), lang == "zh-CN", "{error}");
            assert!(!error.contains(card) && !hint.contains(card));
        }
    }
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_too_slow_is_408_and_a_full_server_503_as_api_errors() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let hang = servers::http(|_| Behavior::Hang).await;
    let mut limits = Limits::default();
    limits.request_timeout = Duration::from_millis(400);
    limits.max_in_flight = 1;
    let s = start_with(&[("slow", format!("http://127.0.0.1:{}/", hang.addr.port()))], limits).await;
    // Half a body, then nothing: 408 once the request timeout is over.
    let mut conn = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    conn.write_all(
        b"POST /v1/validate HTTP/1.1\r\nhost: x\r\naccept-language: zh-CN\r\nx-request-id: slow-body-1\r\n\
          content-type: application/json\r\ncontent-length: 40\r\n\r\n{\"phone\": ",
    )
    .await
    .unwrap();
    let mut answer = vec![0u8; 2048];
    let n = tokio::time::timeout(Duration::from_secs(5), conn.read(&mut answer))
        .await
        .expect("answered within the request timeout")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("x-request-id: slow-body-1\r\n"), "{answer}");
    let body = answer.split("\r\n\r\n").nth(1).unwrap_or_default();
    let v: serde_json::Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"));
    crate::schemas::assert_matches("serve-error.schema.json", &v);
    assert_eq!(v["error"], "请求未能在 0.4 秒内发送完毕并得到应答。");

    // The one request in flight a scrape that hangs: the next request is refused, in JSON.
    let c = client();
    let url = format!("{}/probe?target=slow", s.base);
    let scrape = tokio::spawn(async move {
        client()
            .get(url)
            .header("X-Prometheus-Scrape-Timeout-Seconds", "2")
            .send()
            .await
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = c
        .post(format!("{}/v1/validate", s.base))
        .header("accept-language", "zh-CN")
        .body(r#"{"phone": "13800138000"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "1");
    assert!(r.headers().contains_key("x-request-id"));
    let (error, hint) = api_error(r).await;
    assert!(chinese(&error) && hint.contains("Retry-After"), "{error} / {hint}");
    assert_eq!(scrape.await.unwrap().unwrap().status(), 200);
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_refused_at_the_cap_gets_an_api_error_with_a_request_id() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let hang = servers::http(|_| Behavior::Hang).await;
    let mut limits = Limits::default();
    limits.max_connections = 1;
    let s = start_with(&[("slow", format!("http://127.0.0.1:{}/", hang.addr.port()))], limits).await;
    // The one connection there is room for, busy with a scrape that hangs.
    let mut busy = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    busy.write_all(b"GET /probe?target=slow HTTP/1.1\r\nhost: x\r\nx-prometheus-scrape-timeout-seconds: 2\r\n\r\n")
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut conn = tokio::net::TcpStream::connect(s.addr()).await.unwrap();
    let _ = conn.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n").await;
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(3), conn.read_to_end(&mut answer))
        .await
        .expect("answered and closed")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.contains("\r\ncontent-type: application/json\r\n"), "{head}");
    assert!(head.contains("\r\nretry-after: 1\r\n"), "{head}");
    let id = head
        .lines()
        .find_map(|l| l.strip_prefix("x-request-id: "))
        .unwrap_or_else(|| panic!("no request id: {head}"));
    assert_eq!(id.len(), 36, "{id}");
    crate::schemas::assert_matches("serve-error.schema.json", &serde_json::from_str(body).unwrap());
    drop(busy);
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_answer_carries_a_request_id_the_callers_when_usable() {
    let s = start(&[]).await;
    let c = client();
    let id_of = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let uuid = |id: &str| {
        id.len() == 36
            && id.chars().enumerate().all(|(i, ch)| {
                if matches!(i, 8 | 13 | 18 | 23) {
                    ch == '-'
                } else {
                    ch.is_ascii_hexdigit()
                }
            })
    };
    // None given: a new one, different each time.
    let a = id_of(&c.get(format!("{}/healthz", s.base)).send().await.unwrap());
    let b = id_of(&c.get(format!("{}/healthz", s.base)).send().await.unwrap());
    assert!(uuid(&a) && uuid(&b) && a != b, "{a} {b}");
    // A usable one is kept, on successes and on errors alike.
    for (method, path, body, status) in [
        ("GET", "/healthz", "", 200),
        ("POST", "/v1/validate", r#"{"phone": "13800138000"}"#, 200),
        ("POST", "/v1/validate", "{not json", 400),
        ("GET", "/nowhere", "", 404),
        ("GET", "/openapi.json", "", 200),
    ] {
        let r = c
            .request(method.parse().unwrap(), format!("{}{path}", s.base))
            .header("x-request-id", "req-42.Abc_x:9")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status, "{method} {path}");
        assert_eq!(id_of(&r), "req-42.Abc_x:9", "{method} {path}");
    }
    // A 413 refused before the body is read carries it too.
    let r = c
        .post(format!("{}/v1/validate", s.base))
        .header("x-request-id", "big-1")
        .body("x".repeat(BODY_LIMIT + 1))
        .send()
        .await
        .unwrap();
    assert_eq!((r.status().as_u16(), id_of(&r).as_str()), (413, "big-1"));
    // Too long, not visible ASCII, or like a value that must not be logged: replaced.
    for bad in [
        "x".repeat(129),
        "has space".to_owned(),
        "6222021234567890128".to_owned(),
        "138-0013-8000x13800138000".to_owned(),
        "li@example.com".to_owned(),
    ] {
        let r = c
            .get(format!("{}/healthz", s.base))
            .header("x-request-id", bad.as_str())
            .send()
            .await
            .unwrap();
        assert!(uuid(&id_of(&r)), "{bad} was kept: {}", id_of(&r));
    }
    let r = c
        .get(format!("{}/healthz", s.base))
        .header(
            "x-request-id",
            reqwest::header::HeaderValue::from_bytes("ид".as_bytes()).unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(uuid(&id_of(&r)));
    // Two ids: neither is chosen.
    let r = c
        .get(format!("{}/healthz", s.base))
        .header("x-request-id", "one")
        .header("x-request-id", "two")
        .send()
        .await
        .unwrap();
    assert!(uuid(&id_of(&r)));
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_is_a_500_in_the_callers_language_with_its_request_id() {
    let s = start(&[]).await;
    let routes = axum::Router::new().route(
        "/boom",
        axum::routing::get(|| async {
            let nothing: Option<String> = std::hint::black_box(None);
            nothing.expect("a handler that fails")
        }),
    );
    let app = bindcheck::serve::harden(routes, Arc::clone(&s.state));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });
    let c = client();
    for (lang, zh) in [("zh-CN", true), ("en", false)] {
        let r = c
            .get(format!("http://{addr}/boom"))
            .header("accept-language", lang)
            .header("x-request-id", "boom-1")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 500);
        assert_eq!(r.headers()["x-request-id"], "boom-1");
        let (error, _) = api_error(r).await;
        assert_eq!(chinese(&error), zh, "{error}");
    }
    server.abort();
    let _ = s.stop.unwrap().send(());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_lets_listed_origins_only_and_is_off_by_default() {
    let profile = "name = \"cors\"\n[serve]\ncors_origins = [\"https://Shop.Example\"]\n";
    let on = start_profile(profile, Limits::default()).await;
    let off = start(&[]).await;
    let c = client();
    let preflight = |base: &str, origin: &str| {
        c.request(reqwest::Method::OPTIONS, format!("{base}/v1/validate"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "content-type")
            .send()
    };
    let post = |base: &str, origin: &str, body: &'static str| {
        c.post(format!("{base}/v1/validate"))
            .header("origin", origin)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let header = |r: &reqwest::Response, name: &str| r.headers().get(name).map(|v| v.to_str().unwrap().to_owned());

    // The listed origin: the preflight allows POST with Content-Type, and the answers (an
    // error too) let the page read them and their request id. Never with credentials.
    let r = preflight(&on.base, "https://shop.example").await.unwrap();
    assert!(r.status().is_success(), "{}", r.status());
    assert_eq!(
        header(&r, "access-control-allow-origin").as_deref(),
        Some("https://shop.example")
    );
    assert!(header(&r, "access-control-allow-methods").unwrap().contains("POST"));
    assert!(header(&r, "access-control-allow-headers")
        .unwrap()
        .to_lowercase()
        .contains("content-type"));
    assert_eq!(header(&r, "access-control-allow-credentials"), None);
    assert!(r.headers().contains_key("x-request-id"));
    for (body, status) in [(r#"{"phone": "13800138000"}"#, 200), ("{not json", 400)] {
        let r = post(&on.base, "https://shop.example", body).await.unwrap();
        assert_eq!(r.status(), status);
        assert_eq!(
            header(&r, "access-control-allow-origin").as_deref(),
            Some("https://shop.example")
        );
        assert!(header(&r, "access-control-expose-headers")
            .unwrap()
            .contains("x-request-id"));
        assert_eq!(header(&r, "access-control-allow-credentials"), None);
        assert!(header(&r, "vary").is_some_and(|v| v.contains("origin")));
    }
    // Another origin, and a look-alike: no CORS headers, so the browser keeps the answer from
    // the page (the server still answers: the API is stateless).
    for origin in ["https://evil.example", "https://shop.example.evil.example", "null"] {
        let r = preflight(&on.base, origin).await.unwrap();
        assert_eq!(header(&r, "access-control-allow-origin"), None, "{origin}");
        let r = post(&on.base, origin, r#"{"phone": "13800138000"}"#).await.unwrap();
        assert_eq!(header(&r, "access-control-allow-origin"), None, "{origin}");
    }
    // Off by default: no preflight, no headers.
    let r = preflight(&off.base, "https://shop.example").await.unwrap();
    assert_eq!(r.status(), 405);
    assert_eq!(header(&r, "access-control-allow-origin"), None);
    let r = post(&off.base, "https://shop.example", r#"{"phone": "13800138000"}"#)
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(header(&r, "access-control-allow-origin"), None);
    let _ = on.stop.unwrap().send(());
    let _ = off.stop.unwrap().send(());
}

#[test]
fn a_cors_origin_flag_that_is_no_origin_is_refused_without_repeating_it() {
    for value in [
        "*",
        "https://user:hunter2@shop.example",
        "https://shop.example/pay",
        "shop.example",
    ] {
        let o = crate::cli::bindcheck(&["serve", "--cors-origin", value, "--listen", "127.0.0.1:0"], &[], "");
        let err = crate::cli::stderr(&o);
        assert_eq!(crate::cli::code(&o), 64, "{value}: {err}");
        assert!(err.contains("--cors-origin") && err.contains("hint:"), "{err}");
        assert!(!err.contains("hunter2") && !err.contains("/pay"), "{err}");
    }
}

/// The served document is docs/openapi.json.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openapi_json_is_served() {
    let s = start(&[]).await;
    let r = client().get(format!("{}/openapi.json", s.base)).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    let served: serde_json::Value = r.json().await.unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/openapi.json");
    let kept: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    assert_eq!(served, kept);
    let _ = s.stop.unwrap().send(());
}

/// The venv's Python when it has `modules`; else a note and `None`, or a failure when
/// `BINDCHECK_REQUIRE_PYTHON=1` (.ci/run sets it).
fn python_with(modules: &str) -> Option<std::path::PathBuf> {
    let venv = std::env::var_os("BINDCHECK_PY_VENV")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py-venv"));
    let python = venv.join("bin/python");
    let usable = std::process::Command::new(&python)
        .args(["-c", &format!("import {modules}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if usable {
        return Some(python);
    }
    let note = format!(
        "{} cannot import {modules}: make the venv with `python3 -m venv target/py-venv && \
         target/py-venv/bin/pip install -r tests/openapi/requirements.txt`",
        python.display()
    );
    assert!(
        std::env::var("BINDCHECK_REQUIRE_PYTHON").as_deref() != Ok("1"),
        "{note}"
    );
    eprintln!("note: skipped: {note}");
    None
}

/// openapi-spec-validator finds docs/openapi.json valid OpenAPI 3.1, and openapi-core finds
/// the running server's answers (status, media type, body, headers) as it says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_is_valid_and_real_answers_match_it() {
    let Some(python) = python_with("openapi_core, openapi_spec_validator") else {
        return;
    };
    let up = servers::http(|_| Behavior::ok("ok")).await;
    let s = start(&[("api", format!("http://127.0.0.1:{}/", up.addr.port()))]).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (base, doc, script) = (
        s.base.clone(),
        root.join("docs/openapi.json"),
        root.join("tests/openapi/check.py"),
    );
    let o = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .arg(doc)
            .arg(base)
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let out = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{out}");
    assert!(
        out.contains("is valid OpenAPI 3.1.0") && out.matches("ok: ").count() > 10,
        "{out}"
    );
    let _ = s.stop.unwrap().send(());
}

/// Every log line of a request names its id, the caller's or the one made for it, and only
/// an id that is usable: the real binary's log.
#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_lines_name_the_request_id() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("p.toml");
    std::fs::write(&profile, "name = \"log\"\n").unwrap();
    let server = crate::attack::serve_process(1024, &profile, "info");
    let c = client();
    let base = format!("http://{}", server.addr);
    let r = c
        .get(format!("{base}/healthz"))
        .header("x-request-id", "log-check-7a")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "log-check-7a");
    let r = c
        .post(format!("{base}/v1/validate"))
        .header("x-request-id", "6222021234567890128")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let made = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert_ne!(made, "6222021234567890128");
    let log = async {
        loop {
            let log = server.log.lock().unwrap().clone();
            if log.contains(&made) {
                return log;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let log = tokio::time::timeout(Duration::from_secs(5), log)
        .await
        .unwrap_or_else(|_| panic!("no log line names {made}: {}", server.log.lock().unwrap()));
    let line = |id: &str| {
        log.lines()
            .find(|l| l.contains(&format!("id={id}")))
            .unwrap_or_else(|| panic!("no line with id={id}:\n{log}"))
            .to_owned()
    };
    assert!(line("log-check-7a").contains("path=/healthz"), "{log}");
    assert!(line(&made).contains("status=400"), "{log}");
    assert!(!log.contains("6222021234567890128"), "{log}");
}

/// `[serve] app_path = true` adds the application-path request to a scrape, with the
/// `bindcheck_app_path_*` metrics, and its redirects follow the target's own
/// `redirect_hosts` as the direct path's do; without the setting a scrape has neither.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_can_add_the_app_path_to_scrapes() {
    let next_door = servers::http_at("127.0.0.2:0", |_| Behavior::ok("ok")).await;
    let to = format!("http://127.0.0.2:{}/up", next_door.addr.port());
    let server = servers::http(move |_| Behavior::status(302, &[("location", to.as_str())])).await;
    let endpoints = format!(
        "[[endpoint]]\nname = \"api\"\nurl = \"http://127.0.0.1:{}/start\"\nredirect_hosts = [\"127.0.0.2\"]\n",
        server.addr.port()
    );
    let c = client();
    let scrape = |s: &Running| {
        let (c, url) = (c.clone(), format!("{}/probe?target=api", s.base));
        async move {
            let r = c.get(url).send().await.unwrap();
            assert_eq!(r.status(), 200);
            r.text().await.unwrap()
        }
    };
    let off_server = start_profile(&format!("name = \"serve test\"\n{endpoints}"), Limits::default()).await;
    let off = scrape(&off_server).await;
    assert!(!off.contains("bindcheck_app_path_success{"), "{off}");
    let on_server = start_profile(
        &format!("name = \"serve test\"\n[serve]\napp_path = true\n{endpoints}"),
        Limits::default(),
    )
    .await;
    let on = scrape(&on_server).await;
    let success = on.lines().find(|l| l.starts_with("probe_success")).unwrap_or_default();
    assert!(success.ends_with(" 1"), "the direct path follows the redirect: {on}");
    let app = on
        .lines()
        .find(|l| l.starts_with("bindcheck_app_path_success{"))
        .unwrap_or_else(|| panic!("no app path metric: {on}"));
    assert!(app.ends_with(" 1"), "the app path follows it too: {app}");
    assert!(on.contains("bindcheck_app_path_duration_seconds{"), "{on}");
}

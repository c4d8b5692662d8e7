//! Secrets in URLs (credentials, tokens, a card number in a query) and personal values sent
//! to `serve` never reach a report, a metric label or a log, in any format or language.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::serve_process;
use crate::check::{args, bindcheck, text};
use crate::serve::client;
use crate::servers::{self, Behavior};

const CANARIES: &[&str] = &[
    "hunter2CANARY",
    "alice",
    "TOKCANARY",
    "6222021234567890128",
    "bob",
    "pw0rdCANARY",
    "SIGCANARY",
    "FRAGCANARY",
];

/// An endpoint with credentials and secrets in its URL that redirects to a URL with more.
async fn secret_endpoint() -> (servers::Server, servers::Server, String) {
    let next = servers::http(|_| Behavior::ok("{}")).await;
    let location = format!(
        "http://bob:pw0rdCANARY@127.0.0.1:{}/next?sig=SIGCANARY#access_token=FRAGCANARY",
        next.addr.port()
    );
    let first = servers::http(move |_| Behavior::status(302, &[("location", &location)])).await;
    let url = format!(
        "http://alice:hunter2CANARY@127.0.0.1:{}/bind?token=TOKCANARY&card=6222021234567890128",
        first.addr.port()
    );
    (first, next, url)
}

fn write_profile(dir: &std::path::Path, url: &str) -> std::path::PathBuf {
    let p = dir.join("profile.toml");
    std::fs::write(
        &p,
        format!("name = \"secrets\"\n[[endpoint]]\nname = \"api\"\nurl = \"{url}\"\n"),
    )
    .unwrap();
    p
}

fn leaks<'a>(text: &str, canaries: &[&'a str]) -> Vec<&'a str> {
    canaries.iter().copied().filter(|c| text.contains(c)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_secrets_reach_no_format_in_either_language() {
    let (_first, _next, url) = secret_endpoint().await;
    let dir = tempfile::tempdir().unwrap();
    let p = write_profile(dir.path(), &url);
    for lang in ["en", "zh-CN"] {
        let mut more = vec!["--lang".to_owned(), lang.to_owned()];
        let formats = ["text", "json", "junit", "markdown", "prometheus"];
        for f in formats {
            more.push("--format".into());
            more.push(format!("{f}={}", dir.path().join(format!("{lang}.{f}")).display()));
        }
        let more: Vec<&str> = more.iter().map(String::as_str).collect();
        let o = bindcheck(args(&p, &more), vec![]).await;
        let out = text(&o);
        assert_eq!(o.status.code(), Some(0), "{out}");
        assert!(
            leaks(&out, CANARIES).is_empty(),
            "{lang} terminal: {:?}\n{out}",
            leaks(&out, CANARIES)
        );
        for f in formats {
            let written = std::fs::read_to_string(dir.path().join(format!("{lang}.{f}"))).unwrap();
            let found = leaks(&written, CANARIES);
            assert!(found.is_empty(), "{lang} {f}: {found:?}\n{written}");
        }
        let json = std::fs::read_to_string(dir.path().join(format!("{lang}.json"))).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let e = &v["endpoints"][0];
        assert!(e["url"].as_str().unwrap().contains("***@127.0.0.1"), "{}", e["url"]);
        assert!(
            e["url"].as_str().unwrap().contains("token=***&card=***"),
            "{}",
            e["url"]
        );
        assert!(
            e["http"]["final_url"].as_str().unwrap().contains("sig=***"),
            "{}",
            e["http"]
        );
    }

    // --unmasked shows query values, never credentials.
    let o = bindcheck(args(&p, &["--format", "json", "--unmasked"]), vec![]).await;
    let out = text(&o);
    assert!(out.contains("TOKCANARY") && out.contains("SIGCANARY"), "{out}");
    assert!(
        leaks(&out, &["hunter2CANARY", "alice", "pw0rdCANARY", "bob"]).is_empty(),
        "{out}"
    );
}

/// Everything an attacker might send `serve`, each carrying the canaries.
async fn attack(addr: &str) {
    let c = client();
    let base = format!("http://{addr}");
    let body = r#"{"card": "6222021234567890128", "phone": "+8613812345678", "email": "zhangsanCANARY@example.com", "id_number": "11010519491231002X"}"#;
    let _ = c.post(format!("{base}/v1/validate")).body(body).send().await;
    let _ = c
        .post(format!("{base}/v1/validate?card=6222021234567890128&token=TOKCANARY"))
        .header("authorization", "Bearer TOKCANARY")
        .header("x-card", "6222021234567890128")
        .header("cookie", "session=SIGCANARY")
        .body(body)
        .send()
        .await;
    for bad in [
        r#"{"card": "6222021234567890128", "region": "6222021234567890128"}"#,
        r#"{"card": "6222021234567890128", "lang": "6222021234567890128"}"#,
        r#"{"6222021234567890128": "x"}"#,
        r#"{"card": 6222021234567890128}"#,
        r#"{"card": "6222021234567890128""#,
        "6222021234567890128",
    ] {
        let _ = c.post(format!("{base}/v1/validate")).body(bad).send().await;
    }
    let big = format!(r#"{{"card": "6222021234567890128", "pad": "{}"}}"#, "x".repeat(20_000));
    let _ = c.post(format!("{base}/v1/validate")).body(big).send().await;
    let _ = c
        .get(format!(
            "{base}/probe?target=api&token=TOKCANARY&card=6222021234567890128"
        ))
        .send()
        .await;
    let _ = c.get(format!("{base}/probe?target=6222021234567890128")).send().await;
    let _ = c
        .get(format!("{base}/nowhere/6222021234567890128?x=TOKCANARY"))
        .send()
        .await;
    // Raw: a header that never ends, a request line that is not HTTP.
    for raw in [
        "GET /healthz HTTP/1.1\r\nhost: x\r\nx-card: 6222021234567890128\r\n".to_owned(),
        "6222021234567890128 TOKCANARY\r\n\r\n".to_owned(),
        format!(
            "GET /v1/validate?card=6222021234567890128 HTTP/1.1\r\nhost: x\r\nx-pad: {}\r\n\r\n",
            "y".repeat(20_000)
        ),
    ] {
        if let Ok(mut conn) = TcpStream::connect(addr).await {
            let _ = conn.write_all(raw.as_bytes()).await;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_at_trace_level_logs_no_canary_under_attack_and_labels_are_masked() {
    let (_first, _next, url) = secret_endpoint().await;
    let dir = tempfile::tempdir().unwrap();
    let p = write_profile(dir.path(), &url);
    let server = serve_process(1024, &p, "trace");
    attack(&server.addr).await;
    let metrics = client()
        .get(format!("http://{}/probe?target=api", server.addr))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("probe_success{endpoint=\"http://***@127.0.0.1:"),
        "{metrics}"
    );
    let found = leaks(&metrics, CANARIES);
    assert!(found.is_empty(), "/probe: {found:?}\n{metrics}");
    // Let the last lines reach the log.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let log = server.log.lock().unwrap().clone();
    assert!(log.contains("/v1/validate"), "request lines are logged: {log}");
    let mut canaries = CANARIES.to_vec();
    canaries.extend(["zhangsanCANARY", "13812345678", "11010519491231002X", "1234567890"]);
    let found = leaks(&log, &canaries);
    assert!(found.is_empty(), "the log holds {found:?}:\n{log}");
}

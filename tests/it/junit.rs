//! JUnit as CI servers read it: `bindcheck check --format junit` against loopback servers
//! started here, read back by roxmltree, by junitparser (PyPI, the reader CI scripts and
//! GitHub actions use) through tests/py/junit_read.py, and validated by xmlschema against the
//! Jenkins xUnit plugin's junit-10.xsd (fixtures/junit/).
//!
//! The Python side runs in the virtual environment .ci/run makes (target/py-venv, from
//! tests/py/requirements.txt; `BINDCHECK_PYTHON` names another interpreter). Without it those
//! checks print why and pass, unless `BINDCHECK_REQUIRE_PYTHON=1`, as in CI: then they fail.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

use crate::check::{bindcheck, profile, text};
use crate::servers::{self, Behavior};

const CLASSNAMES: [&str; 3] = ["bindcheck.inputs", "bindcheck.endpoints", "bindcheck.environment"];
const SECRETS: [&str; 2] = ["hunter2", "s3cr3t-t0ken"];

/// One run of `bindcheck check` writing JUnit and JSON, and when it ran.
struct Run {
    xml: String,
    json: serde_json::Value,
    file: PathBuf,
    started: SystemTime,
    ended: SystemTime,
    _dir: tempfile::TempDir,
}

/// A check of two endpoints on loopback (one answering 503, its URL with credentials and a
/// token), the email's MX from a loopback DNS server, a phone number, a card number that fails
/// its check digit and an app older than the profile's minimum, with the environment.
async fn run(more: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let server = servers::http(|path| {
        if path.starts_with("/down") {
            Behavior::status(503, &[("retry-after", "60")])
        } else {
            Behavior::ok("ok")
        }
    })
    .await;
    let dns = servers::dns(|name| match name {
        "qq.com" => vec![servers::Zone::Mx(vec![(10, "mx1.qq.com.")])],
        _ => vec![servers::Zone::NxDomain],
    })
    .await;
    let port = server.addr.port();
    let p = profile(
        dir.path(),
        "[policy]\nmin_app_version = \"10.0\"\n",
        &[
            format!("http://127.0.0.1:{port}/up"),
            format!("http://ops:hunter2@127.0.0.1:{port}/down?token=s3cr3t-t0ken"),
        ],
    );
    let file = dir.path().join("r.xml");
    let json_file = dir.path().join("r.json");
    let resolver = dns.addr.to_string();
    let mut args: Vec<String> = [
        "check",
        "--profile",
        p.to_str().unwrap(),
        "--count",
        "3",
        "--deadline",
        "10s",
        "--timeout",
        "2s",
        "--resolver",
        &resolver,
        "--phone",
        "137 2468 1357",
        "--card",
        "4111 1111 1111 1112",
        "--email",
        "zhang@qq.com",
        "--app-version",
        "9.8",
        "--format",
        &format!("junit={}", file.display()),
        "--format",
        &format!("json={}", json_file.display()),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(more.iter().map(|s| s.to_string()));
    let started = SystemTime::now();
    let o = bindcheck(args, vec![]).await;
    let ended = SystemTime::now();
    assert_eq!(o.status.code(), Some(2), "blocked: {}", text(&o));
    let xml = std::fs::read_to_string(&file).unwrap();
    let json = serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    Run {
        xml,
        json,
        file,
        started,
        ended,
        _dir: dir,
    }
}

/// A JUnit time: seconds with three decimals, as every CI server parses it.
fn time_of(node: roxmltree::Node) -> f64 {
    let t = node
        .attribute("time")
        .unwrap_or_else(|| panic!("<{}> has no time", node.tag_name().name()));
    let (whole, frac) = t.split_once('.').unwrap_or_else(|| panic!("time {t}"));
    assert!(
        !whole.is_empty() && whole.bytes().all(|b| b.is_ascii_digit()) && frac.len() == 3,
        "time {t} is not seconds with three decimals"
    );
    t.parse().unwrap()
}

/// Milliseconds as the report has them, in JUnit's seconds with three decimals.
fn secs(ms: &serde_json::Value) -> f64 {
    format!("{:.3}", ms.as_f64().unwrap() / 1000.0).parse().unwrap()
}

/// The run's start as JUnit schemas want a timestamp: the report's `started_at` without its zone.
fn expected_timestamp(json: &serde_json::Value) -> String {
    let at = json["started_at"]
        .as_str()
        .expect("a check's report says when it started");
    humantime::parse_rfc3339(at).expect("RFC 3339");
    at.strip_suffix('Z').expect("UTC").to_owned()
}

fn cases<'a>(doc: &'a roxmltree::Document) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants().filter(|n| n.has_tag_name("testcase")).collect()
}

fn suites<'a>(doc: &'a roxmltree::Document) -> Vec<roxmltree::Node<'a, 'a>> {
    doc.descendants().filter(|n| n.has_tag_name("testsuite")).collect()
}

fn case<'a>(doc: &'a roxmltree::Document, name: &str) -> roxmltree::Node<'a, 'a> {
    cases(doc)
        .into_iter()
        .find(|c| c.attribute("name") == Some(name))
        .unwrap_or_else(|| panic!("no test case {name}"))
}

fn failure_type(case: roxmltree::Node) -> Option<String> {
    case.children()
        .find(|n| n.has_tag_name("failure"))
        .map(|f| f.attribute("type").unwrap().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn classnames_names_and_times_as_ci_servers_read_them() {
    let r = run(&[]).await;
    let doc = roxmltree::Document::parse(&r.xml).unwrap_or_else(|e| panic!("{e}\n{}", r.xml));
    let json = &r.json;

    // One dotted classname per area, never a URL (Jenkins splits classnames at their dots).
    let by_class: BTreeMap<&str, Vec<&str>> = cases(&doc).iter().fold(BTreeMap::new(), |mut m, c| {
        m.entry(c.attribute("classname").unwrap())
            .or_default()
            .push(c.attribute("name").unwrap());
        m
    });
    assert_eq!(by_class.keys().copied().collect::<Vec<_>>(), {
        let mut v = CLASSNAMES.to_vec();
        v.sort();
        v
    });
    let mail = json["mail"]["domain"].as_str().unwrap();
    assert_eq!(
        by_class["bindcheck.inputs"],
        [
            "validate phone".to_owned(),
            "validate email".to_owned(),
            "validate card".to_owned(),
            format!("mx {mail}"),
            "min_version app".to_owned(),
        ]
    );
    // The URLs in the names as every format shows them: the credentials and the token masked.
    let urls: Vec<&str> = json["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["url"].as_str().unwrap())
        .collect();
    let port = urls[0].rsplit(':').next().unwrap().trim_end_matches("/up");
    assert_eq!(
        urls,
        [
            format!("http://127.0.0.1:{port}/up"),
            format!("http://***@127.0.0.1:{port}/down?token=***"),
        ]
    );
    let want: Vec<String> = urls
        .iter()
        .flat_map(|u| ["dns", "tcp", "http", "loss", "app"].map(|check| format!("{check} {u}")))
        .collect();
    assert_eq!(by_class["bindcheck.endpoints"], want);
    assert_eq!(by_class["bindcheck.environment"], ["local environment"]);
    for secret in SECRETS {
        assert!(!r.xml.contains(secret), "the JUnit report shows {secret}");
    }

    // Failures where the report has errors, typed by the finding's code.
    assert_eq!(failure_type(case(&doc, "validate card")).as_deref(), Some("card.luhn"));
    assert_eq!(failure_type(case(&doc, "validate phone")), None);
    assert_eq!(
        failure_type(case(&doc, "min_version app")).as_deref(),
        Some("app.outdated")
    );
    let down = case(&doc, &format!("http {}", urls[1]));
    assert!(
        failure_type(down).is_some_and(|t| t.starts_with("net.http")),
        "{}",
        r.xml
    );
    assert_eq!(failure_type(case(&doc, &format!("http {}", urls[0]))), None);
    assert!(
        down.children()
            .find(|n| n.has_tag_name("system-out"))
            .and_then(|n| n.text())
            .is_some_and(|t| t.starts_with("status_code=503 http_version=HTTP/1.1")),
        "the HTTP answer in system-out"
    );

    // Times on every case and suite, in seconds: the measured ones as the JSON report has
    // them, zero for the checks bindcheck does not time.
    for (i, url) in urls.iter().enumerate() {
        let e = &json["endpoints"][i];
        assert_eq!(time_of(case(&doc, &format!("dns {url}"))), secs(&e["dns"]["time_ms"]));
        assert_eq!(
            time_of(case(&doc, &format!("http {url}"))),
            secs(&e["http"]["total_ms"])
        );
        assert_eq!(time_of(case(&doc, &format!("loss {url}"))), 0.0);
        // The request as the app's HTTP stack makes it, timed apart.
        assert_eq!(time_of(case(&doc, &format!("app {url}"))), secs(&e["app"]["total_ms"]));
    }
    assert_eq!(
        time_of(case(&doc, &format!("mx {mail}"))),
        secs(&json["mail"]["time_ms"])
    );
    assert_eq!(time_of(case(&doc, "validate card")), 0.0);
    let root = doc.root_element();
    assert_eq!(time_of(root), secs(&json["duration_ms"]));
    assert_eq!(
        root.attribute("skipped"),
        None,
        "junit-10.xsd has no skipped on testsuites"
    );
    let stamp = expected_timestamp(json);
    let (started, ended) = (
        humantime::format_rfc3339_seconds(r.started).to_string(),
        humantime::format_rfc3339_seconds(r.ended).to_string(),
    );
    for s in suites(&doc) {
        let sum: f64 = s.children().filter(|n| n.has_tag_name("testcase")).map(time_of).sum();
        let n = s.children().filter(|n| n.has_tag_name("testcase")).count() as f64;
        assert!(
            (time_of(s) - sum).abs() <= 0.0005 * n + 1e-9,
            "a suite's time is its cases' sum"
        );
        // The run's start, UTC, to the second, without a zone (the XSDs' pattern).
        let at = s.attribute("timestamp").expect("a suite has a timestamp");
        assert_eq!(at, stamp);
        assert!(
            at.len() == 19 && at.as_bytes()[10] == b'T' && !at.contains(['Z', '+', '.']),
            "{at}"
        );
        assert!(
            started.trim_end_matches('Z') <= at && at <= ended.trim_end_matches('Z'),
            "{started} <= {at} <= {ended}"
        );
        assert_eq!(s.attribute("hostname"), None, "no hostname in a masked report");
    }
    assert!(json.get("hostname").is_none(), "nor in its JSON");
}

/// This machine's name as `uname -n` (coreutils) prints it.
fn uname_n() -> String {
    let o = Command::new("uname").arg("-n").output().expect("uname");
    String::from_utf8(o.stdout).unwrap().trim().to_owned()
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hostname_only_in_an_unmasked_report() {
    let r = run(&["--unmasked"]).await;
    let doc = roxmltree::Document::parse(&r.xml).unwrap();
    let host = uname_n();
    assert!(!host.is_empty());
    for s in suites(&doc) {
        assert_eq!(s.attribute("hostname"), Some(host.as_str()));
    }
    assert_eq!(r.json["hostname"], host.as_str());
    // Unmasked shows the token (the credentials stay masked: no format shows them).
    assert!(r.xml.contains("token=s3cr3t-t0ken") && !r.xml.contains("hunter2"));
}

/// The interpreter of the virtual environment with junitparser and xmlschema, or `None` (with
/// a note) when there is none and `BINDCHECK_REQUIRE_PYTHON` is not 1.
fn python() -> Option<PathBuf> {
    let python = std::env::var_os("BINDCHECK_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/py-venv/bin/python3"));
    let ready = Command::new(&python)
        .args(["-c", "import junitparser, xmlschema"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ready {
        assert!(
            std::env::var("BINDCHECK_REQUIRE_PYTHON").as_deref() != Ok("1"),
            "{} cannot import junitparser and xmlschema, and BINDCHECK_REQUIRE_PYTHON=1 requires them\n\
             hint: python3 -m venv target/py-venv && target/py-venv/bin/pip install -r tests/py/requirements.txt",
            python.display()
        );
        eprintln!(
            "skipping: no Python with junitparser and xmlschema at {} (set BINDCHECK_REQUIRE_PYTHON=1 to make this a failure)",
            python.display()
        );
        return None;
    }
    Some(python)
}

/// What tests/py/junit_read.py says of each file: junitparser's reading and xmlschema's errors.
fn read_back(python: &Path, files: &[&Path]) -> Vec<serde_json::Value> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = Command::new(python)
        .arg(root.join("tests/py/junit_read.py"))
        .arg(root.join("fixtures/junit/junit-10.xsd"))
        .args(files)
        .output()
        .expect("run junit_read.py");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn junitparser_reads_it_back_and_junit_10_xsd_accepts_it() {
    let Some(python) = python() else { return };
    let runs = [run(&[]).await, run(&["--unmasked"]).await];
    let files: Vec<&Path> = runs.iter().map(|r| r.file.as_path()).collect();
    let read = read_back(&python, &files);
    assert_eq!(read.len(), runs.len());
    for (r, got) in runs.iter().zip(&read) {
        assert_eq!(got["schema_errors"], serde_json::json!([]), "{}", r.xml);
        let doc = roxmltree::Document::parse(&r.xml).unwrap();
        // What junitparser sees is what was written: every suite, case, failure and time.
        assert_eq!(got["name"], "bindcheck: Loopback Pay (test)");
        let suite_names: Vec<&str> = got["suites"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["name"].as_str().unwrap())
            .collect();
        assert_eq!(suite_names, ["inputs", "endpoints", "environment"]);
        let written = cases(&doc);
        let seen: Vec<&serde_json::Value> = got["suites"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| s["cases"].as_array().unwrap())
            .collect();
        assert_eq!(seen.len(), written.len());
        assert_eq!(got["tests"].as_u64(), Some(written.len() as u64));
        for (w, s) in written.iter().zip(&seen) {
            assert_eq!(s["classname"].as_str(), w.attribute("classname"));
            assert_eq!(s["name"].as_str(), w.attribute("name"));
            assert_eq!(s["time"].as_f64(), Some(time_of(*w)), "{}", s["name"]);
            let kinds: Vec<&str> = s["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x["kind"].as_str().unwrap())
                .collect();
            match failure_type(*w) {
                Some(t) => {
                    assert_eq!(kinds, ["failure"], "{}", s["name"]);
                    assert_eq!(s["results"][0]["type"].as_str(), Some(t.as_str()));
                }
                None => assert_eq!(kinds, Vec::<&str>::new(), "{}", s["name"]),
            }
        }
        let failed = written.iter().filter(|c| failure_type(**c).is_some()).count() as u64;
        assert_eq!(got["failures"].as_u64(), Some(failed));
        for (suite, node) in got["suites"].as_array().unwrap().iter().zip(suites(&doc)) {
            assert_eq!(suite["time"].as_f64(), Some(time_of(node)));
            assert_eq!(suite["timestamp"].as_str(), node.attribute("timestamp"));
            assert_eq!(suite["hostname"].as_str(), node.attribute("hostname"));
            assert_eq!(suite["errors"], 0);
        }
        assert_eq!(got["time"].as_f64(), Some(time_of(doc.root_element())));
    }
    assert_eq!(read[0]["suites"][0]["hostname"], serde_json::Value::Null);
    #[cfg(target_os = "linux")]
    assert_eq!(read[1]["suites"][0]["hostname"].as_str(), Some(uname_n().as_str()));
}

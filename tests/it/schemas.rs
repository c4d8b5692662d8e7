//! Every JSON output against its schema in docs/: the real commands (`validate` single and
//! batch from CSV and JSON Lines, `probe` against loopback servers, `trace` to 127.0.0.1) and
//! the real server's answers (`/v1/validate`'s results and errors in both languages).

use std::path::Path;

use crate::servers::{self, Behavior};

/// The schema docs/`file` holds.
fn schema(file: &str) -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Fails with every error when `value` does not match docs/`file`.
pub fn assert_matches(file: &str, value: &serde_json::Value) {
    let validator = schema(file);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "does not match docs/{file}: {errors:#?}\n{value:#}");
}

fn json(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn validate_json_matches_its_schema_valid_or_not_in_both_languages() {
    let cases: &[&[&str]] = &[
        &["--phone", "138 0013 8000", "--email", "li@qq.con"],
        &["--card", "4111 1111 1111 1112", "--expiry", "01/20", "--cvv", "12"],
        &["--card", "6222", "--id-number", "11010519491231002X", "--name", "张三"],
        &[
            "--phone",
            "0351-38272781",
            "--email",
            "张三@例子.中国",
            "--lang",
            "zh-CN",
        ],
        &["--phone", "171 1234 5678", "--unmasked"],
    ];
    for args in cases {
        let mut all = vec!["validate", "--format", "json"];
        all.extend_from_slice(args);
        let o = crate::cli::bindcheck(&all, &[], "");
        assert!(matches!(crate::cli::code(&o), 0 | 2), "{}", crate::cli::stderr(&o));
        let v = json(&crate::cli::stdout(&o));
        assert!(v["fields"].as_object().is_some_and(|f| !f.is_empty()), "{v}");
        assert_matches("validate.schema.json", &v);
    }
    // The schema can fail: a field without its findings fails it, and so does a field that
    // is not one.
    let v = json(&crate::cli::stdout(&crate::cli::bindcheck(
        &["validate", "--format", "json", "--phone", "13800138000"],
        &[],
        "",
    )));
    let mut wrong = v.clone();
    wrong["fields"]["phone"].as_object_mut().unwrap().remove("findings");
    assert!(
        !schema("validate.schema.json").is_valid(&wrong),
        "a field without findings passes"
    );
    let mut wrong = v;
    wrong["fields"]["mobile"] = wrong["fields"]["phone"].clone();
    assert!(
        !schema("validate.schema.json").is_valid(&wrong),
        "an unknown field passes"
    );
}

#[test]
fn batch_lines_from_csv_and_json_lines_match_the_row_schema() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("people.csv");
    std::fs::write(
        &csv,
        "phone,email,card,region\n\
         138 0013 8000,li@qq.com,6222021234567890128,\n\
         2025550143,x@example.com,,US\n\
         1,not an email,4111111111111112,XX\n\
         \"unclosed,a@b.c,,\n",
    )
    .unwrap();
    let jsonl = dir.path().join("people.jsonl");
    std::fs::write(
        &jsonl,
        "{\"phone\": \"138 0013 8000\", \"lang\": \"zh-CN\"}\n\
         {\"card\": 6222021234567890128, \"expiry\": null}\n\
         {\"phne\": \"13800138000\"}\n\
         not json\n\
         [1, 2]\n\
         {\"phone\": {\"n\": 1}}\n",
    )
    .unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for file in [&csv, &jsonl] {
        let o = crate::cli::bindcheck(&["validate", "--input", file.to_str().unwrap()], &[], "");
        assert_eq!(crate::cli::code(&o), 2, "{}", crate::cli::stderr(&o));
        let out = crate::cli::stdout(&o);
        assert!(out.lines().count() >= 4, "{out}");
        for line in out.lines() {
            let v = json(line);
            assert!(v["row"].as_u64().is_some(), "{line}");
            kinds.insert(if v.get("error").is_some() { "failed" } else { "checked" });
            assert_matches("validate-row.schema.json", &v);
        }
    }
    assert_eq!(kinds.len(), 2, "both kinds of line were checked: {kinds:?}");
    // A checked row without its number is not a batch line.
    let single = json(&crate::cli::stdout(&crate::cli::bindcheck(
        &["validate", "--format", "json", "--phone", "13800138000"],
        &[],
        "",
    )));
    assert!(!schema("validate-row.schema.json").is_valid(&single));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_json_matches_its_schema() {
    let ok = servers::http(|path| match path {
        "/busy" => Behavior::status(503, &[("retry-after", "120")]),
        "/moved" => Behavior::status(302, &[("location", "/ok")]),
        _ => Behavior::ok("ok"),
    })
    .await;
    let pki = servers::Pki::new("Schema Test CA");
    let tls = servers::https(pki.server(&["localhost"], -1, 30), |_| Behavior::ok("ok")).await;
    let silent = servers::silent().await;
    let urls = [
        format!("http://127.0.0.1:{}/ok", ok.addr.port()),
        format!("http://127.0.0.1:{}/busy", ok.addr.port()),
        format!("http://127.0.0.1:{}/moved", ok.addr.port()),
        format!("https://127.0.0.1:{}/", tls.addr.port()),
        format!("http://127.0.0.1:{}/", silent.addr.port()),
        // Nothing listens on port 9 of 127.0.0.1 in a test: refused.
        "http://127.0.0.1:9/".to_owned(),
    ];
    let mut args: Vec<String> = vec!["probe".into(), "--format".into(), "json".into()];
    args.extend(urls.iter().cloned());
    for a in [
        "--count",
        "3",
        "--interval",
        "10ms",
        "--timeout",
        "1s",
        "--deadline",
        "8s",
        "--insecure",
    ] {
        args.push(a.into());
    }
    let o = crate::check::bindcheck(args, vec![]).await;
    assert_eq!(o.status.code(), Some(2), "{}", crate::check::text(&o));
    let v = json(&String::from_utf8_lossy(&o.stdout));
    assert_eq!(v["endpoints"].as_array().map(Vec::len), Some(urls.len()), "{v}");
    assert!(v["endpoints"][3]["tls"].is_object(), "{v}");
    assert_matches("probe.schema.json", &v);
    let mut wrong = v.clone();
    wrong["schema_version"] = 2.into();
    assert!(!schema("probe.schema.json").is_valid(&wrong), "another version passes");
}

#[test]
fn trace_json_matches_its_schema() {
    for protocol in ["udp", "tcp"] {
        let o = crate::cli::bindcheck(
            &[
                "trace",
                "127.0.0.1",
                "--format",
                "json",
                "--count",
                "2",
                "--max-hops",
                "3",
                "--interval",
                "10ms",
                "--protocol",
                protocol,
                "--port",
                "9",
            ],
            &[],
            "",
        );
        let out = crate::cli::stdout(&o);
        assert!(matches!(crate::cli::code(&o), 0 | 1), "{out}{}", crate::cli::stderr(&o));
        let v = json(&out);
        assert_eq!(v["traces"][0]["target"], "127.0.0.1", "{v}");
        assert_matches("trace.schema.json", &v);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_answers_match_their_schemas_in_both_languages() {
    let s = crate::serve::start(&[]).await;
    let c = crate::serve::client();
    let post = |body: &'static str, lang: &'static str| {
        c.post(format!("{}/v1/validate", s.base))
            .header("accept-language", lang)
            .body(body)
            .send()
    };
    for lang in ["en", "zh-CN"] {
        for body in [
            r#"{"phone": "138 0013 8000", "card": "4111 1111 1111 1112", "email": "li@qq.con"}"#,
            r#"{"id_number": "11010519491231002X", "name": "张三", "expiry": "12/99", "cvv": "123"}"#,
        ] {
            let r = post(body, lang).await.unwrap();
            assert_eq!(r.status(), 200);
            assert_matches("validate.schema.json", &r.json().await.unwrap());
        }
        for body in [
            "{not json",
            "[1]",
            r#"{"6222021234567890128": "x"}"#,
            r#"{"phone": []}"#,
            "{}",
            r#"{"phone": "1", "lang": 5}"#,
            r#"{"phone": "1", "region": "XX"}"#,
        ] {
            let r = post(body, lang).await.unwrap();
            assert_eq!(r.status(), 400, "{body}");
            assert_matches("serve-error.schema.json", &r.json().await.unwrap());
        }
    }
    for (method, path, status) in [("GET", "/nowhere", 404), ("GET", "/v1/validate", 405)] {
        let r = c
            .request(method.parse().unwrap(), format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), status);
        assert_matches("serve-error.schema.json", &r.json().await.unwrap());
    }
    let _ = s.stop.unwrap().send(());
}

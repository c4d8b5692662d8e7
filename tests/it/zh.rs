//! Simplified Chinese output holds no English words. Every human format of every command is
//! run with `--lang zh-CN` against loopback servers that make it say as much as it can
//! (maintenance with a time to come back, rate limiting, a refused port, a healthy server,
//! bad and good inputs), and every ASCII word left after the allowed ones (codes, URLs,
//! flags, units, the names of data sets, brands that stay Latin) fails the test.

use std::collections::BTreeSet;

use crate::check::{args, bindcheck, profile, text};
use crate::servers::{self, Behavior};

/// Words that stay Latin in Chinese text: acronyms readers know, units, data sets and
/// brands as Chinese banks print them.
const ALLOWED: &[&str] = &[
    // acronyms and protocols
    "DNS",
    "TLS",
    "HTTP",
    "HTTPS",
    "http",
    "https",
    "IP",
    "IPv4",
    "IPv6",
    "MX",
    "TCP",
    "ICMP",
    "SMS",
    "CVV",
    "ID",
    "JSON",
    "UTC",
    "Wi",
    "Fi",
    "BIN",
    "CA",
    "PEM",
    "TOML",
    "CSV",
    "JSONL",
    "CN",
    "HK",
    "URL",
    "API",
    "CORS",
    "IANA",
    "UDP",
    "NO",
    "PROXY",
    "VoIP",
    "UAN",
    "SHA",
    "CONNECT",
    "GET",
    "HEAD",
    "NFC",
    "IDN",
    "ASCII",
    // units
    "ms",
    "GiB",
    "MiB",
    "KiB",
    "KB",
    "MB",
    "GB",
    // data sets and products
    "bindcheck",
    "localhost",
    "libphonenumber",
    "braintree",
    "Linux",
    "Prometheus",
    "Kubernetes",
    "MIIT",
    "credit",
    "card",
    "type",
    "Unicode",
    // brands that stay Latin
    "Visa",
    "JCB",
    "Mir",
    "Elo",
    "Hiper",
    "Hipercard",
    "Troy",
    "Naranja",
    "Verve",
    "Maestro",
    "Alipay",
    "WeChat",
    "PayPal",
    "Stripe",
    // values typed literally
    "none",
    "text",
    "json",
    "junit",
    "markdown",
    "prometheus",
    "JUnit",
    "TTL",
    "SYN",
    "XML",
    "en",
    "zh",
];

/// The English words in `text`, beside what is allowed: each with the line it is on.
pub(crate) fn english_words(text: &str) -> Vec<(String, String)> {
    let allowed: BTreeSet<&str> = ALLOWED.iter().copied().collect();
    let mut found = Vec::new();
    for line in text.lines() {
        for word in words_outside_literals(line) {
            // Region codes (CN, US) are codes.
            let region = word.len() == 2 && word.chars().all(|c| c.is_ascii_uppercase());
            if !allowed.contains(word.as_str()) && !region {
                found.push((word, line.to_owned()));
            }
        }
    }
    found
}

/// The ASCII words of a line once literals are taken out: URLs, `code.names` and host names,
/// `--flags`, `VARIABLE=value`, `Area/Zone` names, backticked text, masked values, and
/// identifiers with digits (eth0, p95).
fn words_outside_literals(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let unquoted: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
    for token in unquoted.split(|c: char| c.is_whitespace() || !c.is_ascii() || "`,;()[]<>'\"|".contains(c)) {
        if token.is_empty()
            || token.contains("://")
            || token.starts_with("--")
            || token.contains('=')
            || token.contains('/')
            || token.contains('*')
            || token.contains('@')
            || token.trim_end_matches(['.', ':', '?', '!']).contains('.')
        {
            continue;
        }
        for w in token.split(|c: char| !c.is_ascii_alphanumeric()) {
            let has_letters = w.chars().filter(char::is_ascii_alphabetic).count() >= 2;
            if has_letters && !w.chars().any(|c| c.is_ascii_digit()) {
                words.push(w.to_owned());
            }
        }
    }
    words
}

#[test]
fn the_checker_finds_english_and_spares_literals() {
    let found: Vec<String> = english_words(
        "无法绑定：retry after 2026-12-01（Asia/Shanghai，UTC+08:00）\n  错误 phone.not_mobile  [https://a.example/x?y=1]  eth0 p95 3.0 ms --lang zh-CN `none`",
    )
    .into_iter()
    .map(|(w, _)| w)
    .collect();
    assert_eq!(found, ["retry", "after"]);
}

pub(crate) fn assert_chinese(what: &str, out: &str) {
    let english = english_words(out);
    assert!(
        english.is_empty(),
        "{what}: English in Chinese output:\n{}\n--- output:\n{out}",
        english
            .iter()
            .map(|(w, line)| format!("  {w:?} in: {line}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The reports the snapshot tests build hold every part a report can have: a proxy, TLS,
/// loss, a time to come back, every input field, the environment.
#[test]
fn every_verdict_s_report_in_chinese_is_all_chinese() {
    use bindcheck::report::render::Format;
    use bindcheck::validate::Lang;
    for kind in ["ready", "degraded", "blocked"] {
        let report = crate::snapshots::report(kind, Lang::ZhCn);
        for format in [Format::Text, Format::Markdown] {
            let out = crate::snapshots::rendered(format, &report);
            assert_chinese(&format!("{kind} as {}", format.as_str()), &out);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_in_chinese_is_all_chinese_in_text_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let healthy = servers::http(|_| Behavior::ok("{}")).await;
    let busy = servers::http(|_| Behavior::status(503, &[("retry-after", "900")])).await;
    let limited = servers::http(|_| Behavior::status(429, &[("retry-after", "60")])).await;
    // The mail domain's lookup goes to a loopback DNS server: the domain does not exist.
    let dns = servers::dns(|_| vec![servers::Zone::NxDomain]).await;
    let resolver = dns.addr.to_string();
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused_port = refused.local_addr().unwrap().port();
    drop(refused);
    let p = profile(
        dir.path(),
        "name_zh = \"测试钱包\"\n[policy]\nmin_app_version = \"10.3.0\"",
        &[
            format!("http://127.0.0.1:{}/health", healthy.addr.port()),
            format!("http://127.0.0.1:{}/pay", busy.addr.port()),
            format!("http://127.0.0.1:{}/bind", limited.addr.port()),
            format!("http://127.0.0.1:{refused_port}/"),
        ],
    );
    let inputs = [
        "--phone",
        "010 6552 9988",
        "--email",
        "zhang@gmial.com",
        "--card",
        "6222021234567890128",
        "--expiry",
        "01/20",
        "--cvv",
        "12",
        "--app-version",
        "10.2.0",
    ];
    for format in ["text", "markdown"] {
        let mut more = vec![
            "--lang",
            "zh-CN",
            "--format",
            format,
            "--connectivity-check",
            "none",
            "--resolver",
            &resolver,
        ];
        more.extend(inputs);
        let o = bindcheck(args(&p, &more), vec![("TZ", "Asia/Shanghai".into())]).await;
        let out = text(&o);
        assert_eq!(o.status.code(), Some(2), "{out}");
        assert!(out.contains("测试钱包"), "the profile's Chinese name: {out}");
        assert!(out.contains("mail.no_domain"), "{out}");
        if format == "text" {
            assert!(out.contains("银联"), "the brand as Chinese readers know it: {out}");
        }
        assert_chinese(&format!("check --format {format}"), &out);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_to_come_back_is_the_reader_s_local_time_and_json_keeps_utc() {
    let dir = tempfile::tempdir().unwrap();
    let busy = servers::http(|_| Behavior::status(503, &[("retry-after", "900")])).await;
    let p = profile(dir.path(), "", &[format!("http://127.0.0.1:{}/", busy.addr.port())]);
    let report = dir.path().join("report.json");
    let json_format = format!("json={}", report.display());
    let o = bindcheck(
        args(&p, &["--lang", "zh-CN", "--format", "text", "--format", &json_format]),
        vec![("TZ", "Asia/Shanghai".into())],
    )
    .await;
    let out = text(&o);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    let until = json["remedies"][0]["until"].as_str().unwrap();
    assert!(until.ends_with('Z'), "machine fields stay RFC 3339 UTC: {until}");
    let utc: jiff::Timestamp = until.parse().unwrap();
    let local = utc
        .in_tz("Asia/Shanghai")
        .unwrap()
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string();
    let expected = format!("请等到 {local}（Asia/Shanghai，UTC+08:00）之后");
    assert!(out.contains(&expected), "want {expected:?} in:\n{out}");
    assert!(!out.contains(until), "the UTC form is not shown to the person: {out}");
    let text_remedy = json["remedies"][0]["text"].as_str().unwrap();
    assert!(
        text_remedy.contains(&local),
        "the JSON's sentence is the person's: {text_remedy}"
    );
}

#[test]
fn validate_explain_and_usage_errors_in_chinese_are_all_chinese() {
    use crate::cli::bindcheck as run;
    let zh = [("LANG", "zh_CN.UTF-8")];
    let cases: Vec<(&str, Vec<&str>)> = vec![
        (
            "validate, bad inputs",
            vec![
                "validate",
                "--phone",
                "010 6552 9988",
                "--email",
                "zhang@gmial.com",
                "--card",
                "4111111111111112",
                "--expiry",
                "13/99",
                "--cvv",
                "1",
                "--id-number",
                "110105194912310021",
                "--name",
                "张",
            ],
        ),
        (
            "validate, good inputs",
            vec![
                "validate",
                "--phone",
                "13800138000",
                "--card",
                "6222021234567890128",
                "--email",
                "zhang@qq.com",
            ],
        ),
        ("explain a code", vec!["explain", "net.connect_refused"]),
        ("explain a code with a detail", vec!["explain", "card.too_short"]),
        ("explain a prompt", vec!["explain", "系统繁忙"]),
        ("explain nothing", vec!["explain", "zzzz-nothing"]),
        ("unknown argument", vec!["check", "--phnoe", "13800138000"]),
        ("bad duration", vec!["check", "--deadline", "5x"]),
        ("bad language value", vec!["validate", "--phone", "1", "--lang", "fr"]),
        (
            "unknown format",
            vec!["check", "--format", "yaml", "--endpoint", "http://127.0.0.1:9/"],
        ),
        ("bad endpoint", vec!["check", "--endpoint", "ftp://x"]),
        ("unknown subcommand", vec!["chekc"]),
        ("interval too short", vec!["check", "--interval", "1ms"]),
        ("bad resolver", vec!["check", "--resolver", "dns.example"]),
        (
            "bad UnionPay Luhn value",
            vec!["validate", "--card", "1", "--unionpay-luhn", "maybe"],
        ),
        (
            "bad virtual-operator policy",
            vec!["validate", "--phone", "1", "--virtual-operator", "maybe"],
        ),
        (
            "bad CORS origin",
            vec!["serve", "--cors-origin", "https://shop.example/path"],
        ),
    ];
    for (what, argv) in cases {
        let o = run(&argv, &zh, "");
        let out = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(!out.trim().is_empty(), "{what}: no output");
        assert_chinese(what, &out);
    }
}

/// A flag's value that bindcheck refuses is explained in Chinese: what is wrong with it and
/// what to write, not only which flag it was.
#[test]
fn value_errors_in_chinese_say_what_is_wrong() {
    use crate::cli::bindcheck as run;
    let zh = [("LANG", "zh_CN.UTF-8")];
    for (argv, problem, hint) in [
        (
            &["check", "--interval", "1ms"][..],
            "--interval 的值无效：间隔短于 10ms",
            "请写 10ms 或更长",
        ),
        (
            &["check", "--deadline", "5"],
            "--deadline 的值无效：时长没有单位",
            "时长的写法如 500ms",
        ),
        (
            &["check", "--timeout", "9999999999999999999999s"],
            "--timeout 的值无效：时长太长",
            "时长的写法如",
        ),
        (
            &["check", "--resolver", "dns.example"],
            "--resolver 的值无效：不是 IP 地址",
            "127.0.0.1:5353",
        ),
        (
            &["validate", "--phone", "1", "--region", "XX"],
            "--region 的值无效：未知的地区代码",
            "请写两位地区代码",
        ),
        (
            &["validate", "--card", "1", "--unionpay-luhn", "maybe"],
            "--unionpay-luhn 的值无效：",
            "请用 `warn` 或 `error`",
        ),
        (
            &["validate", "--phone", "1", "--virtual-operator", "maybe"],
            "--virtual-operator 的值无效：不是可用的策略",
            "`reject`",
        ),
        (
            &["serve", "--cors-origin", "*"],
            "--cors-origin 的值无效：`*` 不是来源",
            "请逐个列出",
        ),
    ] {
        let o = run(argv, &zh, "");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(64), "{argv:?}: {err}");
        assert!(err.contains(problem), "{argv:?}: {err}");
        assert!(
            err.lines().any(|l| l.starts_with("建议：") && l.contains(hint)),
            "{argv:?}: {err}"
        );
    }
}

/// Every command's help, short and long, and the `help` command: all Chinese in a Chinese
/// locale, placeholders (`<FILE>`) aside, and clap's English headings gone.
#[test]
fn help_in_chinese_is_all_chinese() {
    use crate::cli::bindcheck as run;
    let zh = [("LANG", "zh_CN.UTF-8")];
    let mut argvs: Vec<Vec<&str>> = vec![vec!["--help"], vec!["-h"], vec!["help"], vec!["help", "help"]];
    for cmd in [
        "check",
        "validate",
        "probe",
        "explain",
        "trace",
        "serve",
        "init",
        "completions",
        "man",
    ] {
        argvs.push(vec![cmd, "--help"]);
        argvs.push(vec![cmd, "-h"]);
        argvs.push(vec!["help", cmd]);
    }
    // `<FILE>`, and an optional argument's `[CODE|TEXT]`: placeholders, named as clap names them.
    let placeholder = |line: &str| {
        let mut out = String::new();
        let mut depth = 0;
        for c in line.chars() {
            match c {
                '<' => depth += 1,
                '>' if depth > 0 => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out.split(' ')
            .filter(|w| {
                let inner = w.trim_end_matches("...").trim_start_matches('[').trim_end_matches(']');
                !(w.starts_with('[') && inner.chars().all(|c| c.is_ascii_uppercase() || "|_-".contains(c)))
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    for argv in argvs {
        let o = run(&argv, &zh, "");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(
            o.status.code(),
            Some(0),
            "{argv:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(out.contains("用法："), "{argv:?}: {out}");
        for heading in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Commands:",
            "Print help",
            "[default:",
            "[possible values:",
        ] {
            assert!(!out.contains(heading), "{argv:?}: {heading} in {out}");
        }
        // A command's name opens its line in the list of commands; an example, and the usage
        // line, are command lines, typed as they are.
        let name = |line: &str| match line.strip_prefix("  ") {
            _ if line.starts_with("用法：") => String::new(),
            Some(example)
                if ["bindcheck ", "curl ", "BINDCHECK_"]
                    .iter()
                    .any(|p| example.starts_with(p)) =>
            {
                String::new()
            }
            Some(rest) if rest.starts_with(|c: char| c.is_ascii_lowercase()) => {
                rest.split_once(' ').map_or(String::new(), |(_, help)| help.to_owned())
            }
            _ => line.to_owned(),
        };
        let text: String = out
            .lines()
            .map(|l| name(&placeholder(l)))
            .collect::<Vec<_>>()
            .join("\n");
        assert_chinese(&format!("{argv:?}"), &text);
    }
    // English stays as clap writes it.
    let en = run(&["check", "--help"], &[("LANG", "C")], "");
    assert!(String::from_utf8_lossy(&en.stdout).contains("Usage: bindcheck check [OPTIONS]"));
}

/// A profile with a mistake in every section, a missing one, a TOML slip, bad data files and
/// a bad batch header: each error is all Chinese, file, line and column included, and lists
/// every problem.
#[test]
fn file_errors_in_chinese_are_all_chinese() {
    use crate::cli::bindcheck as run;
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_owned()
    };
    let many = write(
        "many.toml",
        r#"name = ""
[policy]
card_brands = ["visa", "foo"]
[[endpoint]]
url = "ftp://x"
[[endpoint]]
url = "https://a.example/"
name = "a b"
[[endpoint]]
url = "https://b.example/"
method = "PUT"
[[endpoint]]
url = "https://c.example/"
expect = [700]
[thresholds]
dns_ms = { warn = 5, fail = 1 }
cert_days = { warn = -1, fail = 0 }
[resolvers]
compare = ["x"]
[network]
proxy = "ftp://p"
connectivity_checks = ["https://a.example/"]
[serve]
cors_origins = ["*"]
"#,
    );
    let unknown_key = write("key.toml", "name = \"x\"\nfoo = 1\n");
    let syntax = write("syntax.toml", "name = \"x\n");
    let missing_bin = write("bin.toml", "name = \"x\"\n[policy]\nbin_table = \"none.csv\"\n");
    let bad_bin = write("bad.csv", "622202,ICBC,sometimes\n");
    let bad_ranges = write("ranges.csv", "+86 149,watch\n");
    let bad_header = write("rows.csv", "phone,colour\n13800138000,red\n");
    let missing = dir.path().join("absent.toml");
    let cases: Vec<(&str, Vec<&str>, usize)> = vec![
        ("a profile with many problems", vec!["check", "--profile", &many], 11),
        (
            "a missing profile",
            vec!["check", "--profile", missing.to_str().unwrap()],
            1,
        ),
        ("an unknown key", vec!["check", "--profile", &unknown_key], 1),
        ("a TOML slip", vec!["check", "--profile", &syntax], 1),
        ("a missing BIN table", vec!["check", "--profile", &missing_bin], 1),
        (
            "a bad BIN table",
            vec!["validate", "--card", "6222021234567890128", "--bin-table", &bad_bin],
            1,
        ),
        (
            "bad phone ranges",
            vec!["validate", "--phone", "14912345678", "--phone-ranges", &bad_ranges],
            1,
        ),
        ("a bad batch header", vec!["validate", "--input", &bad_header], 1),
    ];
    for (what, mut argv, problems) in cases {
        argv.extend(["--lang", "zh-CN"]);
        let o = run(&argv, &[], "");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.starts_with("错误："), "{what}: {err}");
        assert_eq!(
            err.matches("建议：").count(),
            problems + usize::from(problems > 1),
            "{what}: one hint per problem, and one for the whole: {err}"
        );
        assert_chinese(what, &err);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_and_trace_in_chinese_are_all_chinese() {
    let healthy = servers::http(|_| Behavior::ok("{}")).await;
    let busy = servers::http(|_| Behavior::status(503, &[("retry-after", "900")])).await;
    let redirect = servers::http(|path| {
        if path == "/old" {
            Behavior::status(302, &[("location", "/new")])
        } else {
            Behavior::ok("{}")
        }
    })
    .await;
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let refused_port = refused.local_addr().unwrap().port();
    drop(refused);
    let probe = vec![
        "probe".to_owned(),
        format!("http://127.0.0.1:{}/", healthy.addr.port()),
        format!("http://127.0.0.1:{}/", busy.addr.port()),
        format!("http://127.0.0.1:{}/old", redirect.addr.port()),
        format!("http://127.0.0.1:{refused_port}/"),
        "--count".into(),
        "3".into(),
        "--timeout".into(),
        "2s".into(),
        "--lang".into(),
        "zh-CN".into(),
    ];
    let o = bindcheck(probe.clone(), vec![("TZ", "Asia/Shanghai".into())]).await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("[拒绝连接]") && out.contains("[维护中]"), "{out}");
    assert!(out.contains("次重定向"), "{out}");
    assert!(out.contains("（Asia/Shanghai，UTC+08:00）之后重试"), "{out}");
    assert_chinese("probe", &out);
    // The English text shows the time to come back in the reader's zone too.
    let mut english = probe.clone();
    *english.last_mut().unwrap() = "en".into();
    let o = bindcheck(english, vec![("TZ", "Asia/Shanghai".into())]).await;
    let out = text(&o);
    assert!(out.contains(" Asia/Shanghai (UTC+08:00)"), "{out}");
    assert!(out.contains("retry after 20"), "{out}");
    let trace: Vec<String> = [
        "trace",
        "127.0.0.1",
        "--count",
        "2",
        "--interval",
        "100ms",
        "--lang",
        "zh-CN",
    ]
    .map(str::to_owned)
    .to_vec();
    let o = bindcheck(trace, vec![]).await;
    let out = text(&o);
    assert!(out.contains("路径正常"), "{out}");
    assert_chinese("trace", &out);
}

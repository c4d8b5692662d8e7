//! The `bindcheck` binary as users run it: exit codes, secret input, batch mode, and a
//! privacy test that scans every output format for the raw values it was given.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub(crate) fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(path)
}

/// Runs bindcheck with a clean environment (no BINDCHECK_* or locale leaking in from the
/// developer's shell), the given extra variables and standard input.
pub(crate) fn bindcheck(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bindcheck"));
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("run bindcheck");
    // A command that refuses its arguments may exit before reading its input: a broken pipe
    // here is that, not a failure (the exit code and output say what happened).
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing bindcheck's input: {e}"
        );
    }
    child.wait_with_output().expect("bindcheck output")
}

pub(crate) fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 stdout")
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("UTF-8 stderr")
}

#[test]
fn exit_codes_follow_the_documented_contract() {
    let ok = bindcheck(
        &["validate", "--phone", "13800138000", "--card", "6222021234567890128"],
        &[],
        "",
    );
    assert_eq!(code(&ok), 0, "{}", stderr(&ok));
    assert!(stdout(&ok).contains("All inputs look valid"));

    let warn = bindcheck(&["validate", "--email", "zhang@qq.con"], &[], "");
    assert_eq!(code(&warn), 0, "a warning alone still exits 0");
    assert!(stdout(&warn).contains("did you mean qq.com"));

    let bad = bindcheck(&["validate", "--card", "4111111111111112"], &[], "");
    assert_eq!(code(&bad), 2);
    assert!(stdout(&bad).contains("card.luhn"));

    let usage = bindcheck(&["validate"], &[], "");
    assert_eq!(code(&usage), 64);
    assert!(stderr(&usage).contains("error: nothing to check"));
    assert!(stderr(&usage).contains("hint: "));

    let region = bindcheck(&["validate", "--region", "XX", "--phone", "1"], &[], "");
    assert_eq!(code(&region), 64);
    assert!(stderr(&region).contains("unknown region"), "{}", stderr(&region));
    // No error repeats a value given: a card number in the wrong flag, or as an argument.
    for args in [
        &["validate", "--region", "6222021234567890128", "--phone", "1"][..],
        &["validate", "--lang", "6222021234567890128", "--phone", "1"],
        &["validate", "--format", "6222021234567890128", "--phone", "1"],
        &["validate", "--unionpay-luhn", "6222021234567890128", "--phone", "1"],
        &["validate", "6222021234567890128"],
        &["check", "--format", "6222021234567890128"],
        &["check", "--endpoint", "http://alice:hunter2CANARY@[bad"],
        &["validate", "--phone", "1", "--region", "zhangsanCANARY@example.com"],
        // A duration without a unit: humantime's words would repeat the number.
        &["check", "--deadline", "6222021234567890128"],
        &["check", "--timeout", "6222021234567890128x"],
        &[
            "probe",
            "--compare-resolver",
            "6222021234567890128",
            "--endpoint",
            "http://127.0.0.1:9/",
        ],
    ] {
        let o = bindcheck(args, &[], "");
        let err = stderr(&o);
        // Usage errors follow sysexits.h in every command (docs/guide.md).
        assert_eq!(code(&o), 64, "{args:?}: {err}");
        assert!(err.contains("error:"), "{args:?}: {err}");
        for leak in ["6222021234567890128", "2021234567", "hunter2CANARY", "zhangsanCANARY"] {
            assert!(!err.contains(leak), "{args:?} repeats {leak}: {err}");
        }
    }

    let flag = bindcheck(&["validate", "--no-such-flag"], &[], "");
    assert_eq!(code(&flag), 64);

    let version = bindcheck(&["--version"], &[], "");
    assert_eq!(code(&version), 0);
    assert!(stdout(&version).starts_with("bindcheck "));
}

/// A full disk behind standard output (/dev/full) is an output that cannot be written: 74,
/// with the reason, in every command that writes a report, and in Chinese in a Chinese locale.
#[test]
fn a_report_that_cannot_be_written_exits_74() {
    let full = Path::new("/dev/full");
    if !full.exists() {
        eprintln!("skipped: no /dev/full here");
        return;
    }
    for (args, lang) in [
        (&["validate", "--phone", "13800138000"][..], "en"),
        (&["validate", "--phone", "13800138000", "--format", "json"], "zh-CN"),
        (&["explain", "card.luhn"], "en"),
        (&["init", "-"], "zh-CN"),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_bindcheck"))
            .args(args)
            .env_clear()
            .env("LANG", if lang == "en" { "C" } else { "zh_CN.UTF-8" })
            .stdout(std::fs::OpenOptions::new().write(true).open(full).unwrap())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = stderr(&o);
        if lang == "en" {
            assert!(err.contains("error: cannot write"), "{args:?}: {err}");
            assert!(err.contains("caused by: No space left on device"), "{args:?}: {err}");
        } else {
            assert!(err.contains("错误：无法写出"), "{args:?}: {err}");
            assert!(err.contains("原因：磁盘已满（系统错误码 28）"), "{args:?}: {err}");
        }
        assert_eq!(code(&o), 74, "{args:?}: {err}");
    }
}

#[test]
fn validate_takes_the_virtual_operator_policy_and_phone_ranges() {
    let ranges = fixture("profiles/phone-ranges.csv");
    let ranges = ranges.to_str().unwrap();
    let warn = bindcheck(&["validate", "--phone", "170 3123 4567"], &[], "");
    assert_eq!(code(&warn), 0, "a virtual operator is a warning by default");
    assert!(stdout(&warn).contains("phone.virtual_operator"), "{}", stdout(&warn));
    assert!(stdout(&warn).contains("China Mobile"), "{}", stdout(&warn));
    let reject = bindcheck(
        &[
            "validate",
            "--phone",
            "170 3123 4567",
            "--virtual-operator",
            "reject",
            "--lang",
            "zh-CN",
        ],
        &[],
        "",
    );
    assert_eq!(code(&reject), 2);
    assert!(stdout(&reject).contains("phone.virtual_operator_refused"));
    assert!(stdout(&reject).contains("中国移动"), "{}", stdout(&reject));
    let new_range = bindcheck(
        &[
            "validate",
            "--phone",
            "149 1234 5678",
            "--phone-ranges",
            ranges,
            "--format",
            "json",
        ],
        &[],
        "",
    );
    assert_eq!(code(&new_range), 0, "{}", stdout(&new_range));
    assert!(
        stdout(&new_range).contains("\"segment\": \"data_only\""),
        "{}",
        stdout(&new_range)
    );
    let usage = bindcheck(&["validate", "--phone", "1", "--virtual-operator", "deny"], &[], "");
    assert_eq!(code(&usage), 64);
    assert!(
        stderr(&usage).contains("use `allow`, `warn` or `reject`"),
        "{}",
        stderr(&usage)
    );
}

#[test]
fn version_names_the_data_versions() {
    let o = bindcheck(&["--version"], &[], "");
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for line in [
        "phone metadata: libphonenumber 9.0.33",
        "carrier data: libphonenumber 9.0.33 + MIIT 2026-11",
        "card brands: credit-card-type 10.3.0",
    ] {
        assert!(out.contains(line), "{out}");
    }
}

#[test]
fn secrets_come_from_stdin_and_the_environment() {
    let o = bindcheck(
        &["validate", "--card", "-", "--cvv", "-", "--format", "json"],
        &[],
        "6222 0212 3456 7890 128\n739\n",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["fields"]["card"]["brand"], "unionpay");
    assert_eq!(v["fields"]["card"]["normalized"], "622202*********0128");
    assert_eq!(v["fields"]["cvv"]["valid"], true);

    let o = bindcheck(
        &["validate", "--format", "json"],
        &[
            ("BINDCHECK_CARD", "4111111111111111"),
            ("BINDCHECK_PHONE", "13800138000"),
        ],
        "",
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["fields"]["card"]["brand"], "visa");
    assert_eq!(v["fields"]["phone"]["normalized"], "+86138****8000");

    let o = bindcheck(&["validate", "--card", "-", "--cvv", "-"], &[], "4111111111111111\n");
    assert_eq!(code(&o), 65);
    assert!(stderr(&o).contains("--cvv is `-`, but standard input ended"));
}

#[test]
fn a_co_badged_card_passes_where_either_brand_is_allowed() {
    let bins = fixture("profiles/bins.csv");
    let bins = bins.to_str().unwrap();
    // 6222 0299: the fixture's co-badged UnionPay and Visa BIN, issued in Hong Kong.
    let card = "6222029912345673";
    let run = |brand: &str, extra: &[&str]| {
        let mut args = vec!["validate", "--card", "-", "--bin-table", bins, "--allow-brand", brand];
        args.extend_from_slice(extra);
        bindcheck(&args, &[], &format!("{card}\n"))
    };
    let o = run("visa", &["--format", "json"]);
    assert_eq!(code(&o), 0, "{}{}", stdout(&o), stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = &v["fields"]["card"];
    assert_eq!(c["brand"], "unionpay");
    assert_eq!(c["co_brands"], serde_json::json!(["visa"]));
    assert_eq!(c["issuer"]["brands"], serde_json::json!(["unionpay", "visa"]));
    assert_eq!(c["issuer"]["country"], "HK");
    assert_eq!(c["issuer"]["issuer_zh"], "中国工商银行（亚洲）");

    let o = run("mastercard", &["--format", "json"]);
    assert_eq!(code(&o), 2);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["fields"]["card"]["findings"][0]["code"], "card.brand_not_allowed");
    assert_eq!(
        v["fields"]["card"]["findings"][0]["message"],
        "UnionPay / Visa cards are not supported by this wallet."
    );

    // The text names the issuer in the reader's language, with its country.
    let o = run("unionpay", &["--lang", "zh-CN"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(
        stdout(&o).contains("（银联 + Visa，中国工商银行（亚洲），中国香港）"),
        "{}",
        stdout(&o)
    );
    let o = run("unionpay", &["--lang", "en"]);
    assert!(
        stdout(&o).contains("(UnionPay + Visa, Industrial and Commercial Bank of China (Asia), HK)"),
        "{}",
        stdout(&o)
    );
    assert!(!stdout(&o).contains(card), "masked: {}", stdout(&o));
}

#[test]
fn unionpay_luhn_error_refuses_a_unionpay_card_that_fails_the_check_digit() {
    // 19 digits, UnionPay, failing the check digit.
    let card = "6222021234567890127\n";
    let o = bindcheck(&["validate", "--card", "-", "--format", "json"], &[], card);
    assert_eq!(code(&o), 0, "a warning by default: {}", stdout(&o));
    let o = bindcheck(
        &[
            "validate",
            "--card",
            "-",
            "--format",
            "json",
            "--unionpay-luhn",
            "error",
        ],
        &[],
        card,
    );
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let c = &v["fields"]["card"];
    assert_eq!(
        (c["valid"].as_bool(), c["potentially_valid"].as_bool()),
        (Some(false), Some(false))
    );
    assert_eq!(c["findings"][0]["severity"], "error");
    assert!(c["findings"][0]["hint"]
        .as_str()
        .unwrap()
        .contains("some card processors refuse them"));
    let o = bindcheck(
        &["validate", "--card", "-", "--unionpay-luhn", "6222021234567890127"],
        &[],
        card,
    );
    assert_eq!(code(&o), 64);
    assert!(stderr(&o).contains("use `warn` or `error`"), "{}", stderr(&o));
    assert!(!stderr(&o).contains("2021234567"), "{}", stderr(&o));
}

#[test]
fn language_comes_from_the_flag_or_the_locale() {
    let o = bindcheck(&["validate", "--phone", "010-65529988"], &[("LANG", "zh_CN.UTF-8")], "");
    assert_eq!(code(&o), 2);
    assert!(stdout(&o).contains("无法接收短信验证码"), "{}", stdout(&o));
    let o = bindcheck(
        &["validate", "--phone", "010-65529988", "--lang", "en"],
        &[("LANG", "zh_CN.UTF-8")],
        "",
    );
    assert!(stdout(&o).contains("cannot receive SMS"));
    let o = bindcheck(&["validate", "--phone", "1", "--lang", "fr"], &[], "");
    assert_eq!(code(&o), 64);
}

pub(crate) fn jsonl(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

#[test]
fn batch_csv_keeps_input_order_and_reports_each_row() {
    let file = fixture("inputs/people.csv");
    let o = bindcheck(&["validate", "--input", file.to_str().unwrap()], &[], "");
    assert_eq!(code(&o), 2, "some rows have errors");
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 8);
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["row"], i as u64 + 1);
    }
    assert_eq!(rows[0]["ok"], true, "{}", rows[0]);
    assert_eq!(rows[0]["fields"]["phone"]["normalized"], "+86137****1357");
    assert_eq!(rows[0]["fields"]["card"]["brand"], "unionpay");
    assert_eq!(rows[1]["fields"]["email"]["suggestion"], "163.com");
    // Row 5 has region `none` and an international number: still valid.
    assert_eq!(rows[4]["fields"]["phone"]["region"], "HK");
    // Row 6 is wrong everywhere.
    assert_eq!(rows[5]["ok"], false);
    let codes: Vec<&str> = rows[5]["fields"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|f| f["findings"].as_array().unwrap())
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    for want in [
        "phone.invalid",
        "email.whitespace",
        "card.luhn",
        "expiry.month",
        "cvv.length",
        "id.format",
        "name.digits",
    ] {
        assert!(codes.contains(&want), "{want} missing from {codes:?}");
    }
    // Empty cells are not checked.
    assert!(rows[6]["fields"].get("id_number").is_none());
    assert!(
        stderr(&o).contains("8 rows: 4 valid, 4 with errors, 0 malformed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn batch_jsonl_survives_malformed_rows() {
    let file = fixture("inputs/people.jsonl");
    let o = bindcheck(
        &["validate", "--input", file.to_str().unwrap(), "--lang", "en"],
        &[],
        "",
    );
    assert_eq!(code(&o), 2);
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 7, "the blank line is not a row");
    assert_eq!(rows[0]["ok"], true);
    assert_eq!(rows[2]["fields"]["phone"]["findings"][0]["code"], "phone.no_region");
    let error = rows[3]["error"].as_str().unwrap();
    assert!(
        error.starts_with("not valid JSON (a syntax error at column "),
        "{error}"
    );
    assert_eq!(rows[4]["error"], "expected a JSON object");
    assert_eq!(rows[5]["error"], "`phone` must be a string");
    assert_eq!(
        rows[6]["fields"]["phone"]["valid"], true,
        "numbers are accepted as strings"
    );
    assert!(stderr(&o).contains("3 malformed"));

    // The same from standard input, with the format named.
    let text = std::fs::read_to_string(&file).unwrap();
    let o = bindcheck(&["validate", "--input", "-", "--input-format", "jsonl"], &[], &text);
    assert_eq!(jsonl(&o).len(), 7);
}

#[test]
fn batch_rejects_what_it_cannot_read() {
    let o = bindcheck(&["validate", "--input", "/nonexistent/people.csv"], &[], "");
    assert_eq!(code(&o), 65);
    assert!(stderr(&o).contains("cannot open the input file"));
    let o = bindcheck(&["validate", "--input", "-"], &[], "foo,bar\n1,2\n");
    assert_eq!(code(&o), 65);
    assert!(stderr(&o).contains("names none of the input columns"));
    let o = bindcheck(&["validate", "--input", "-", "--phone", "138"], &[], "phone\n1\n");
    assert_eq!(code(&o), 64);
    let o = bindcheck(&["validate", "--input", "-"], &[], "phone,card\n13800138000\n");
    assert_eq!(code(&o), 2);
    assert_eq!(jsonl(&o)[0]["error"], "expected 2 columns, found 1");
}

/// The personal values in the fixtures, in the forms a leak could take: as typed, and as
/// bare digits or canonical text.
fn secrets() -> Vec<String> {
    let mut out = Vec::new();
    let mut reader = csv::Reader::from_path(fixture("inputs/people.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    for record in reader.records() {
        let record = record.unwrap();
        for (h, value) in headers.iter().zip(record.iter()) {
            if value.is_empty() || matches!(h, "expiry" | "region") {
                continue;
            }
            out.push(value.to_owned());
            let digits: String = value
                .chars()
                .map(|c| char::from_u32(c as u32 - if ('０'..='９').contains(&c) { 0xFEE0 } else { 0 }).unwrap())
                .filter(char::is_ascii_digit)
                .collect();
            match h {
                "card" | "id_number" if digits.len() >= 12 => out.push(digits),
                // The national number, with and without its trunk 0.
                "phone" if digits.len() >= 8 => {
                    out.push(digits.trim_start_matches('0').to_owned());
                    out.push(digits.trim_start_matches("86").to_owned());
                }
                "email" => {
                    let local = value.split('@').next().unwrap();
                    out.push(format!("{local}@"));
                }
                _ => {}
            }
        }
    }
    // Shorter strings (a 2-digit CVV) occur in ordinary text such as `+86`.
    out.retain(|s| s.chars().count() >= 3);
    out.sort();
    out.dedup();
    out
}

fn leaks(output: &Output, secrets: &[String]) -> Vec<String> {
    let all = format!("{}{}", stdout(output), stderr(output));
    secrets.iter().filter(|s| all.contains(s.as_str())).cloned().collect()
}

#[test]
fn no_output_format_leaks_a_personal_value() {
    let secrets = secrets();
    assert!(secrets.len() > 40, "the leak test needs values to look for");
    let csv = fixture("inputs/people.csv");
    let jsonl = fixture("inputs/people.jsonl");
    let mut runs: Vec<Output> = Vec::new();
    for lang in ["en", "zh-CN"] {
        runs.push(bindcheck(
            &["validate", "--input", csv.to_str().unwrap(), "--lang", lang],
            &[],
            "",
        ));
        runs.push(bindcheck(
            &["validate", "--input", jsonl.to_str().unwrap(), "--lang", lang],
            &[],
            "",
        ));
        let mut reader = csv::Reader::from_path(&csv).unwrap();
        let headers = reader.headers().unwrap().clone();
        for record in reader.records() {
            let record = record.unwrap();
            for format in ["text", "json"] {
                let mut args = vec!["validate", "--format", format, "--lang", lang];
                let mut env = Vec::new();
                let mut stdin = String::new();
                for (i, (h, v)) in headers.iter().zip(record.iter()).enumerate() {
                    if v.is_empty() || h == "region" {
                        continue;
                    }
                    let flag = match h {
                        "id_number" => "--id-number",
                        "phone" => "--phone",
                        "email" => "--email",
                        "card" => "--card",
                        "expiry" => "--expiry",
                        "cvv" => "--cvv",
                        _ => "--name",
                    };
                    // Alternate the three ways a value can arrive.
                    match i % 3 {
                        0 => args.extend([flag, v]),
                        1 => {
                            args.extend([flag, "-"]);
                        }
                        _ => env.push((format!("BINDCHECK_{}", h.to_ascii_uppercase()), v.to_owned())),
                    }
                }
                // Values read from stdin go in field order.
                for (i, (h, v)) in headers.iter().zip(record.iter()).enumerate() {
                    if !v.is_empty() && h != "region" && i % 3 == 1 {
                        stdin.push_str(v);
                        stdin.push('\n');
                    }
                }
                let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
                runs.push(bindcheck(&args, &env, &stdin));
            }
        }
    }
    assert!(runs.len() > 30);
    for run in &runs {
        assert!(matches!(code(run), 0 | 2), "{}", stderr(run));
        let found = leaks(run, &secrets);
        assert!(found.is_empty(), "leaked {found:?} in:\n{}{}", stdout(run), stderr(run));
    }

    // The test can fail: with --unmasked the same values do appear.
    let unmasked = bindcheck(&["validate", "--input", csv.to_str().unwrap(), "--unmasked"], &[], "");
    assert!(
        leaks(&unmasked, &secrets).len() > 10,
        "--unmasked should show the values"
    );
}

/// `cmd` run on a pseudo-terminal (util-linux `script`), with `env`: its output as the
/// terminal showed it. `None` where `script` is missing.
fn on_a_terminal(cmd: &str, env: &[(&str, &str)]) -> Option<String> {
    let out = Command::new("script")
        .args(["-qec", cmd, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("TERM", "xterm")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn validate_and_probe_colour_a_terminal_unless_no_color_and_never_a_pipe() {
    let bin = env!("CARGO_BIN_EXE_bindcheck");
    let refused = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = refused.local_addr().unwrap().port();
    drop(refused);
    let commands = [
        format!("{bin} validate --phone 1"),
        format!("{bin} probe http://127.0.0.1:{port}/ --count 1 --timeout 1s"),
    ];
    for cmd in &commands {
        let Some(shown) = on_a_terminal(cmd, &[]) else {
            eprintln!("note: no `script` here; the terminal colour test is skipped");
            return;
        };
        assert!(
            shown.contains("\x1b[1;31m["),
            "{cmd}: no colour on a terminal: {shown:?}"
        );
        let plain = on_a_terminal(cmd, &[("NO_COLOR", "1")]).unwrap();
        assert!(!plain.contains('\x1b'), "{cmd}: colour despite NO_COLOR: {plain:?}");
        assert!(
            plain.contains("[error]") || plain.contains("[refused]"),
            "{cmd}: {plain}"
        );
    }
    let piped = bindcheck(&["validate", "--phone", "1"], &[], "");
    assert!(
        !stdout(&piped).contains('\x1b'),
        "colour into a pipe: {}",
        stdout(&piped)
    );
}

#[test]
fn man_writes_every_page_the_main_page_refers_to() {
    let dir = tempfile::tempdir().unwrap();
    let o = bindcheck(&["man", "--dir", dir.path().to_str().unwrap()], &[], "");
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let main = std::fs::read_to_string(dir.path().join("bindcheck.1")).unwrap();
    let referred: Vec<String> = main
        .split("bindcheck\\-")
        .skip(1)
        .filter_map(|rest| rest.split_once("(1)").map(|(name, _)| name.to_owned()))
        .filter(|name| name.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert!(
        referred.len() >= 8,
        "the main page names the subcommands' pages: {referred:?}"
    );
    for name in referred {
        let page = std::fs::read_to_string(dir.path().join(format!("bindcheck-{name}.1")))
            .unwrap_or_else(|e| panic!("bindcheck-{name}.1 is referred to but missing: {e}"));
        assert!(
            page.starts_with(".ie") || page.contains(".TH"),
            "bindcheck-{name}.1 is not roff"
        );
    }
    let missing = bindcheck(&["man", "--dir", "/nonexistent/man1"], &[], "");
    assert_eq!(code(&missing), 74, "{}", stderr(&missing));
    assert!(stderr(&missing).contains("hint: "), "{}", stderr(&missing));
}

#[test]
fn the_undocumented_xml_format_name_is_refused_with_the_right_name() {
    let o = bindcheck(
        &["check", "--format", "xml", "--endpoint", "http://127.0.0.1:9/"],
        &[],
        "",
    );
    assert_eq!(code(&o), 64, "{}", stderr(&o));
    assert!(stderr(&o).contains("junit (for JUnit XML)"), "{}", stderr(&o));
}

/// A trace paces its probes and takes seconds: a terminal sees that it is under way.
#[cfg(target_os = "linux")]
#[test]
fn trace_shows_its_progress_on_a_terminal_and_not_in_a_pipe() {
    let bin = env!("CARGO_BIN_EXE_bindcheck");
    let cmd = format!("{bin} trace 127.0.0.1 --count 3 --interval 1s");
    let Some(shown) = on_a_terminal(&cmd, &[]) else {
        eprintln!("note: no `script` here; the terminal progress test is skipped");
        return;
    };
    assert!(shown.contains("tracing the path to 127.0.0.1"), "{shown:?}");
    assert!(shown.contains("the path is fine"), "{shown:?}");
    let piped = bindcheck(&["trace", "127.0.0.1", "--count", "3", "--interval", "1s"], &[], "");
    assert!(
        !stderr(&piped).contains("tracing"),
        "progress in a pipe: {}",
        stderr(&piped)
    );
}

#[test]
fn a_profile_with_several_mistakes_lists_them_all_with_their_hints() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("staging.toml");
    std::fs::write(
        &path,
        "name = \"Staging\"\n[policy]\ndefault_region = \"XX\"\n[[endpoint]]\nurl = \"ftp://x\"\n\
         [thresholds]\nttfb_ms = { warn = -1, fail = 2 }\n",
    )
    .unwrap();
    let o = bindcheck(&["check", "--profile", path.to_str().unwrap()], &[], "");
    assert_eq!(code(&o), 78, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("staging.toml has 3 problems:"), "{err}");
    for place in [
        "staging.toml:3:18: unknown region",
        "staging.toml:5:7:",
        "staging.toml:7:",
    ] {
        assert!(err.contains(place), "{place} in {err}");
    }
    assert_eq!(err.matches("    hint: ").count(), 3, "each problem has its hint: {err}");
}

//! Masking as users meet it, property-tested: generated phone, card, ID and email values, typed
//! the ways people type them (and into the wrong field), through every output `bindcheck
//! validate` writes (the binary: text and JSON, one set and batch, English and Chinese) and
//! every report format `check` writes (the library's renderers: text, JSON, JUnit, Markdown,
//! Prometheus, both languages). No output shows a run of seven digits that was typed, nor the
//! name part of an email address; with `--unmasked` the same checks do find them, so they can
//! fail.

use std::io::Write;
use std::process::{Command, Stdio};

use bindcheck::probe::{MailResult, MailVerdict, Status};
use bindcheck::profile::Profile;
use bindcheck::report::render::{render, Format, Options};
use bindcheck::report::rules::{build, Evidence};
use bindcheck::validate::{validate, Date, Inputs, Lang};
use proptest::prelude::*;

/// How many digits in a row count as a leak.
const RUN: usize = 7;

/// One generated set of inputs, and the marker that is the email's name part.
#[derive(Clone, Debug)]
struct Case {
    phone: String,
    card: String,
    id_number: String,
    email: String,
    /// Alphabetic, 3 characters or more, and a string no output has of its own (`qz...`).
    marker: String,
}

impl Case {
    fn inputs(&self) -> Inputs {
        Inputs {
            phone: Some(self.phone.clone()),
            email: Some(self.email.clone()),
            card: Some(self.card.clone()),
            id_number: Some(self.id_number.clone()),
            ..Inputs::default()
        }
    }

    fn values(&self) -> [&str; 4] {
        [&self.phone, &self.card, &self.id_number, &self.email]
    }
}

/// Full-width digits as ASCII; everything else unchanged.
fn fold(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// The seven-digit windows of `output` (full-width digits folded) that also occur in the
/// digits of one of `values`, separators between them dropped.
fn leaked_digits(output: &str, values: &[&str]) -> Vec<String> {
    let typed: Vec<String> = values
        .iter()
        .map(|v| v.chars().map(fold).filter(char::is_ascii_digit).collect())
        .collect();
    let folded: Vec<char> = output.chars().map(fold).collect();
    let mut leaks = Vec::new();
    for run in folded.split(|c| !c.is_ascii_digit()).filter(|r| r.len() >= RUN) {
        for window in run.windows(RUN) {
            let w: String = window.iter().collect();
            if typed.iter().any(|t| t.contains(&w)) {
                leaks.push(w);
            }
        }
    }
    leaks
}

/// What `output` shows that it must not: typed digit runs, and the email's name part.
fn leaks(output: &str, case: &Case) -> Vec<String> {
    let mut found = leaked_digits(output, &case.values());
    if output.to_lowercase().contains(&case.marker) {
        found.push(case.marker.clone());
    }
    found
}

/// `digits` as typed: bare, grouped by spaces or dashes, full-width, behind a label, with `+`.
fn typed(digits: &str, form: u8) -> String {
    let grouped = |sep: char| {
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && i % 4 == 0 {
                out.push(sep);
            }
            out.push(c);
        }
        out
    };
    match form % 7 {
        0 => digits.to_owned(),
        1 => grouped(' '),
        2 => grouped('-'),
        3 => digits
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect(),
        4 => format!("手机：{digits}"),
        5 => format!("+{digits}"),
        _ => format!("00{}", grouped(' ')),
    }
}

fn number(len: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = String> {
    (prop::collection::vec(0u8..10, len), any::<u8>()).prop_map(|(d, form)| {
        let digits: String = d.iter().map(|d| char::from(b'0' + d)).collect();
        typed(&digits, form)
    })
}

/// Domains that are host names, and numbers typed where the domain goes.
fn domain() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["qq.com", "163.com", "vip.163.com", "gmail.com", "例子.中国"])
            .prop_map(str::to_owned),
        "[0-9]{5,19}",
        "[0-9]{7,12}\\.(com|con|cn)",
        "mail\\.[0-9]{7,11}\\.cn",
        "[a-p]{2,6}\\.[0-9]{7,10}",
        "[0-9]{3,4}\\.[0-9]{4}\\.[0-9]{4}\\.com",
        "\\[[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}\\]",
        "[0-9]{4,6} [0-9]{4,6}\\.com",
        "[0-9]{7,9}_[0-9]{2}\\.com",
        "[０-９]{7,11}．ｃｏｍ",
    ]
}

fn case() -> impl Strategy<Value = Case> {
    let local = ("qz[a-z]{1,8}", "[0-9]{7,12}", 0u8..4);
    (
        number(7..=20),
        number(12..=22),
        "[0-9]{15,17}[0-9X]?",
        local,
        domain(),
        0u8..5,
    )
        .prop_map(|(phone, card, id_number, (marker, digits, shape), domain, wrap)| {
            let local = match shape {
                0 => marker.clone(),
                1 => format!("{marker}.{digits}"),
                2 => format!("{digits}{marker}"),
                _ => format!("{marker}_{digits}"),
            };
            let email = match wrap {
                0 => format!("{local}{domain}"),
                1 => format!("Zhang <{local}@{domain}>"),
                2 => format!("{local} @{domain}"),
                _ => format!("{local}@{domain}"),
            };
            Case {
                phone,
                card,
                id_number,
                email,
                marker,
            }
        })
}

fn today() -> Date {
    Date::new(2026, 11, 26).unwrap()
}

/// Every report format in `lang`, masked or not, from the case's inputs and a failed mail
/// lookup of its domain (so the domain appears in a finding, as `check` reports it).
fn reports(case: &Case, lang: Lang, unmasked: bool) -> Vec<(Format, String)> {
    let profile = Profile::parse("name = \"Privacy\"\n", "privacy.toml", None).unwrap();
    let inputs = case.inputs();
    let validation = validate(&inputs, &profile.policy, today());
    let mail = case.email.rsplit_once('@').map(|(_, domain)| MailResult {
        domain: domain.to_owned(),
        verdict: MailVerdict::NoDomain,
        status: Status::Nxdomain,
        time_ms: Some(1.0),
        mx: Vec::new(),
        error: None,
    });
    let report = build(
        Evidence {
            profile: &profile,
            inputs: &inputs,
            validation: &validation,
            endpoints: Vec::new(),
            connectivity: Vec::new(),
            mail,
            app_version: None,
            environment: None,
            insecure: false,
            unmasked,
            generated_at: "2026-11-26T10:00:00Z".into(),
            time_zone: bindcheck::report::time::TimeZone::UTC,
            duration_ms: 12.0,
        },
        lang,
    );
    Format::ALL
        .into_iter()
        .map(|format| {
            let mut out = Vec::new();
            render(format, &report, &mut out, Options::default()).unwrap();
            (format, String::from_utf8(out).unwrap())
        })
        .collect()
}

/// `bindcheck validate` with `args`, standard input `stdin` and a clean environment: its
/// standard output and error together.
fn bindcheck(args: &[String], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_bindcheck"))
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bindcheck");
    // A refused command may exit before reading its input (a broken pipe, not a failure).
    if let Err(e) = child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing bindcheck's input: {e}"
        );
    }
    let out = child.wait_with_output().expect("bindcheck output");
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    format!(
        "{}{}",
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap()
    )
}

/// Every output of the binary for `case`: each language, text and JSON for the one set,
/// and the batch JSONL.
fn validate_outputs(case: &Case, extra: &[&str]) -> Vec<(String, String)> {
    let mut outs = Vec::new();
    for lang in ["en", "zh-CN"] {
        for format in ["text", "json"] {
            let mut args: Vec<String> = ["validate", "--format", format, "--lang", lang]
                .iter()
                .chain(extra)
                .map(|s| s.to_string())
                .collect();
            for (flag, value) in ["--phone", "--card", "--id-number", "--email"]
                .iter()
                .zip(case.values())
            {
                args.push(format!("{flag}={value}"));
            }
            outs.push((format!("{lang} {format}"), bindcheck(&args, "")));
        }
        let row = serde_json::json!({
            "phone": case.phone, "card": case.card, "id_number": case.id_number, "email": case.email,
        });
        let args: Vec<String> = ["validate", "--input", "-", "--input-format", "jsonl", "--lang", lang]
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .collect();
        outs.push((format!("{lang} batch"), bindcheck(&args, &format!("{row}\n"))));
    }
    outs
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    /// No report format in either language shows a typed run of seven digits or an email's
    /// name; unmasked, the JSON report shows both.
    #[test]
    fn report_formats_show_no_typed_digits_or_email_name(case in case()) {
        for lang in [Lang::En, Lang::ZhCn] {
            for (format, out) in reports(&case, lang, false) {
                let found = leaks(&out, &case);
                prop_assert!(found.is_empty(), "{:?} {:?} shows {:?} of {:?}:\n{}", lang, format, found, case, out);
            }
        }
        let (_, json) = reports(&case, Lang::En, true).into_iter().find(|(f, _)| *f == Format::Json).unwrap();
        let found = leaks(&json, &case);
        prop_assert!(found.contains(&case.marker), "unmasked JSON should show the name: {}", json);
        prop_assert!(found.len() > 1, "unmasked JSON should show the card's digits: {}", json);
    }

    /// Nor does any output of the `bindcheck validate` binary.
    #[test]
    fn validate_outputs_show_no_typed_digits_or_email_name(case in case()) {
        for (what, out) in validate_outputs(&case, &[]) {
            let found = leaks(&out, &case);
            prop_assert!(found.is_empty(), "{} shows {:?} of {:?}:\n{}", what, found, case, out);
        }
    }
}

/// The binary with `--unmasked` shows what the masked runs hide, so the property above can
/// fail; and the example is masked.
#[test]
fn unmasked_validate_output_shows_the_values() {
    let case = Case {
        phone: "13800138000".into(),
        card: "6222021234567890128".into(),
        id_number: "11010519491231002X".into(),
        email: "qzhang@6222021234567890128".into(),
        marker: "qzhang".into(),
    };
    for (what, out) in validate_outputs(&case, &[]) {
        assert!(leaks(&out, &case).is_empty(), "{what}:\n{out}");
        if what.ends_with("text") {
            assert!(out.contains("q***@***"), "{what}:\n{out}");
        }
    }
    for (what, out) in validate_outputs(&case, &["--unmasked"]) {
        let found = leaks(&out, &case);
        assert!(found.contains(&case.marker), "{what}:\n{out}");
        assert!(
            found.iter().any(|w| "6222021234567890128".contains(w.as_str())),
            "{what}:\n{out}"
        );
    }
}

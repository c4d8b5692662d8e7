//! Bounded reads as users meet them: a profile, BIN table or CA file that is not a small
//! regular file is refused by name and reason; batch rows past their limits, and an unclosed
//! quote, are malformed rows that name their line and none of their digits; an unknown key
//! is refused alike by CSV, JSON Lines and `serve`.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::cli::{bindcheck, code, jsonl, stderr, stdout};

/// Runs bindcheck on no input, failing the test if it takes more than 20 s (opening a FIFO
/// waits for a writer) or more than 4 GiB of address space (reading `/dev/zero` whole
/// would take all the memory there is).
fn run_bounded(args: &[&str]) -> Output {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 4194304 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_bindcheck"))
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run bindcheck");
    let start = Instant::now();
    while child.try_wait().expect("wait for bindcheck").is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("bindcheck {args:?} still runs after 20 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("bindcheck output")
}

/// A file in `dir` with `text`.
fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

/// Runs of 7 or more digits of `haystack` that also occur in `input`.
fn digits_from(input: &str, haystack: &str) -> Vec<String> {
    haystack
        .split(|c: char| !c.is_ascii_digit())
        .filter(|run| run.len() >= 7)
        .flat_map(|run| {
            (0..=run.len() - 7)
                .map(|i| &run[i..i + 7])
                .filter(|w| input.contains(*w))
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Asserts a configuration error: exit code 78 (`check`), an `error:`, a cause naming
/// `path` and saying `reason`, and a hint.
fn assert_refused(o: &Output, path: &str, reason: &str) {
    let err = stderr(o);
    assert_eq!(code(o), 78, "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(&format!("caused by: {path} {reason}")), "{err}");
    assert!(err.lines().any(|l| l.starts_with("hint: ")), "{err}");
}

#[test]
fn a_profile_that_is_not_a_small_regular_file_is_refused_by_name_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let o = run_bounded(&["check", "--profile", "/dev/zero"]);
    assert_refused(&o, "/dev/zero", "is a character device, not a regular file");
    assert!(
        stderr(&o).starts_with("error: /dev/zero: cannot read the profile\n"),
        "{}",
        stderr(&o)
    );

    let d = dir.path().to_str().unwrap();
    let o = run_bounded(&["check", "--profile", d]);
    assert_refused(&o, d, "is a directory, not a regular file");

    let fifo = dir.path().join("profile.toml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo = fifo.to_str().unwrap();
    let o = run_bounded(&["check", "--profile", fifo]);
    assert_refused(&o, fifo, "is a named pipe (FIFO), not a regular file");

    // Valid TOML, just over 16 MiB.
    let mut text = String::from("name = \"big\"\n");
    while text.len() <= 16 << 20 {
        text.push_str("# a comment that takes the profile over its limit of one mebibyte\n");
    }
    let big = write(dir.path(), "big.toml", &text);
    let o = run_bounded(&["check", "--profile", &big]);
    assert_refused(&o, &big, "is larger than 16777216 bytes");
    assert!(stderr(&o).contains("at most 16 MiB"), "{}", stderr(&o));
    // Under the limit, the same file is a profile.
    let small = write(dir.path(), "small.toml", &text[..1 << 19]);
    let o = run_bounded(&["check", "--profile", &small, "--format", "json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("\"name\": \"big\""), "{}", stdout(&o));
}

#[test]
fn a_bin_table_or_ca_file_that_is_a_device_is_refused_by_name_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let profile = write(
        dir.path(),
        "p.toml",
        "name = \"x\"\n[policy]\nbin_table = \"/dev/zero\"\n",
    );
    let o = run_bounded(&["check", "--profile", &profile]);
    assert_refused(&o, "/dev/zero", "is a character device, not a regular file");
    assert!(
        stderr(&o).starts_with(&format!("error: {profile}:3:13: cannot read the BIN table /dev/zero")),
        "{}",
        stderr(&o)
    );

    let o = run_bounded(&["validate", "--bin-table", "/dev/zero", "--card", "4111111111111111"]);
    assert_eq!(code(&o), 78, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("caused by: /dev/zero is a character device"),
        "{}",
        stderr(&o)
    );

    let empty = write(dir.path(), "empty.toml", "name = \"no endpoints\"\n");
    let o = run_bounded(&["check", "--profile", &empty, "--ca-file", "/dev/zero"]);
    assert_refused(&o, "/dev/zero", "is a character device, not a regular file");
    assert!(stderr(&o).contains("--ca-file"), "{}", stderr(&o));
}

/// A batch file: the `first` lines, a `long` one, the `last` lines.
fn with_a_long_row(first: &str, long: &str, last: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    writeln!(f, "{first}\n{long}\n{last}").unwrap();
    f
}

#[test]
fn a_jsonl_row_past_its_limit_is_malformed_and_the_batch_goes_on() {
    let card = "6222021234567890128".repeat(55_000);
    let f = with_a_long_row(
        r#"{"phone": "13800138000"}"#,
        &format!(r#"{{"card": "{card}"}}"#),
        &format!(
            "{{\"card\": \"{}\"}}\n{{\"card\": \"4111111111111111\"}}",
            &card[..5000]
        ),
    );
    let path = f.path().to_str().unwrap();
    let o = bindcheck(&["validate", "--input", path, "--input-format", "jsonl"], &[], "");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 4, "{}", stdout(&o));
    assert_eq!(rows[0]["ok"], true);
    assert_eq!((rows[1]["row"].as_u64(), rows[1]["line"].as_u64()), (Some(2), Some(2)));
    assert_eq!(rows[1]["ok"], false);
    assert_eq!(rows[1]["error"], "the row is longer than 65536 bytes");
    assert_eq!(rows[2]["line"], 3);
    assert_eq!(rows[2]["error"], "`card` is longer than 4096 bytes");
    assert_eq!(rows[3]["fields"]["card"]["brand"], "visa", "the rows after are checked");
    assert!(
        stderr(&o).contains("4 rows: 2 valid, 0 with errors, 2 malformed"),
        "{}",
        stderr(&o)
    );
    let leaked = digits_from(&card, &format!("{}{}", stdout(&o), stderr(&o)));
    assert!(leaked.is_empty(), "digits of the rows in the output: {leaked:?}");
}

#[test]
fn a_csv_row_past_its_limit_is_malformed_and_the_batch_goes_on() {
    let card = "6222021234567890128".repeat(55_000);
    let f = with_a_long_row(
        "phone,card\n13800138000,4111111111111111",
        &format!("13900139000,\"{card}\""),
        "13700137000,378282246310005",
    );
    let path = f.path().to_str().unwrap();
    let o = bindcheck(&["validate", "--input", path], &[], "");
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 3, "{}", stdout(&o));
    assert_eq!(rows[0]["ok"], true);
    assert_eq!((rows[1]["row"].as_u64(), rows[1]["line"].as_u64()), (Some(2), Some(3)));
    assert_eq!(rows[1]["error"], "the row is longer than 65536 bytes");
    assert_eq!(rows[2]["fields"]["card"]["brand"], "american-express");
    let leaked = digits_from(&card, &format!("{}{}", stdout(&o), stderr(&o)));
    assert!(leaked.is_empty(), "digits of the rows in the output: {leaked:?}");
}

#[test]
fn an_unclosed_csv_quote_is_a_malformed_row_that_names_its_line() {
    let text = "phone,card\n13800138000,4111111111111111\n13900139000,\"6222021234567890128\n\
                13700137000,378282246310005\n";
    let o = bindcheck(&["validate", "--input", "-"], &[], text);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    let rows = jsonl(&o);
    assert_eq!(rows.len(), 2, "the quote swallowed the rest: {}", stdout(&o));
    assert_eq!(rows[1]["line"], 3);
    assert_eq!(rows[1]["ok"], false);
    assert_eq!(rows[1]["error"], "a quoted value is not closed by the end of the input");
    assert!(
        stderr(&o).contains("2 rows: 1 valid, 0 with errors, 1 malformed"),
        "{}",
        stderr(&o)
    );
    let leaked = digits_from(text, &stdout(&o));
    assert!(
        leaked.iter().all(|d| "4111111111111111".contains(d.as_str())),
        "{leaked:?}"
    );
    assert!(!stdout(&o).contains("6222"), "{}", stdout(&o));
}

#[test]
fn a_csv_header_with_no_end_is_refused_at_once() {
    let o = run_bounded(&["validate", "--input", "/dev/zero"]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: the CSV header is longer than 65536 bytes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn an_input_that_cannot_be_read_stops_the_run_with_its_cause() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let o = run_bounded(&["validate", "--input", d, "--input-format", "jsonl"]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no row was invented: {}", stdout(&o));
    assert!(
        stderr(&o).starts_with("error: cannot read the input after 0 rows\n  caused by: "),
        "{}",
        stderr(&o)
    );
    let o = run_bounded(&["validate", "--input", d]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        stderr(&o).starts_with("error: cannot read the CSV header\n  caused by: "),
        "{}",
        stderr(&o)
    );
}

/// A key that is not an input is refused wherever rows come from: a JSON Lines row is
/// malformed, a CSV header refused, a request to `serve` answered 400. None repeats it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_key_is_refused_alike_by_jsonl_csv_and_serve() {
    let key = "6222021234567890128";
    let jsonl_text = format!("{{\"phone\": \"13800138000\", \"{key}\": \"x\"}}\n{{\"phone\": \"13800138000\"}}\n");
    let o = bindcheck(
        &["validate", "--input", "-", "--input-format", "jsonl"],
        &[],
        &jsonl_text,
    );
    let mut outputs = vec![stdout(&o), stderr(&o)];
    assert_eq!(code(&o), 2);
    let rows = jsonl(&o);
    assert_eq!(rows[0]["ok"], false);
    assert_eq!(rows[0]["line"], 1);
    assert!(
        rows[0]["error"].as_str().unwrap().starts_with("unknown key"),
        "{}",
        rows[0]
    );
    assert_eq!(rows[1]["ok"], true, "the row after is checked");
    // A misspelt key too: its field would otherwise go unchecked and the row look valid.
    let o = bindcheck(
        &["validate", "--input", "-", "--input-format", "jsonl"],
        &[],
        "{\"phone\": \"13800138000\", \"crad\": \"4111111111111112\"}\n",
    );
    assert_eq!(jsonl(&o)[0]["ok"], false);

    let csv_text = format!("phone,{key},card\n13800138000,x,4111111111111111\n");
    let o = bindcheck(&["validate", "--input", "-"], &[], &csv_text);
    outputs.extend([stdout(&o), stderr(&o)]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(stdout(&o).is_empty(), "no row is checked: {}", stdout(&o));
    assert!(
        stderr(&o).starts_with("error: CSV column 2 (counting from 1) is not an input\nhint: "),
        "{}",
        stderr(&o)
    );

    let s = super::serve::start(&[]).await;
    let r = super::serve::client()
        .post(format!("{}/v1/validate", s.base))
        .body(format!("{{\"phone\": \"13800138000\", \"{key}\": \"x\"}}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let body = r.text().await.unwrap();
    assert!(body.contains("unknown key"), "{body}");
    let _ = s.stop.unwrap().send(());

    outputs.push(body);
    for out in outputs {
        assert!(!out.contains(key), "the key was repeated: {out}");
    }
}

/// An input with no line end in sight (`/dev/zero` as JSON Lines, or a CSV header and then
/// zeros) stops with an error once a "line" passes 64 MiB, instead of skipping it forever.
#[test]
fn an_input_with_no_line_ends_stops_instead_of_reading_forever() {
    let o = run_bounded(&["validate", "--input", "/dev/zero", "--input-format", "jsonl"]);
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("caused by: line 1 runs on past 64 MiB without a line end: this is not a JSON Lines file"),
        "{}",
        stderr(&o)
    );
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("{ echo phone; head -c 80000000 /dev/zero; } | exec \"$0\" validate --input - --input-format csv")
        .arg(env!("CARGO_BIN_EXE_bindcheck"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the CSV batch still runs after 30 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 65, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("the record from line 2 runs on past 64 MiB"),
        "{}",
        stderr(&o)
    );
}

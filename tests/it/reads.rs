//! Bounded reads as users meet them: a profile, BIN table or CA file that is not a small
//! regular file is refused by name and reason.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use super::cli::{code, stderr, stdout};

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

    // Valid TOML, just over 1 MiB.
    let mut text = String::from("name = \"big\"\n");
    while text.len() <= 1 << 20 {
        text.push_str("# a comment that takes the profile over its limit of one mebibyte\n");
    }
    let big = write(dir.path(), "big.toml", &text);
    let o = run_bounded(&["check", "--profile", &big]);
    assert_refused(&o, &big, "is larger than 1048576 bytes");
    assert!(stderr(&o).contains("at most 1 MiB"), "{}", stderr(&o));
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
    assert_eq!(code(&o), 2, "{}", stderr(&o));
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

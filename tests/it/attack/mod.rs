//! An attacker's test suite (issue #13): slow and greedy clients against `serve`
//! (`clients`), endpoints whose redirects point inward (`redirects`), and secrets in URLs
//! (`secrets`). Every server is on loopback and every client is bounded.

mod clients;
mod redirects;
mod secrets;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// A `bindcheck serve` child process, killed when dropped.
pub struct ServeProcess {
    child: Child,
    pub addr: String,
    /// Everything it logged so far.
    pub log: Arc<Mutex<String>>,
}

impl ServeProcess {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the real binary with `ulimit -n` at `fd_limit` and `RUST_LOG` at `log`, and waits
/// for its ready line.
pub fn serve_process(fd_limit: u32, profile: &std::path::Path, log: &str) -> ServeProcess {
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "ulimit -n {fd_limit} && exec \"$0\" serve --profile \"$1\" --listen 127.0.0.1:0"
        ))
        .arg(env!("CARGO_BIN_EXE_bindcheck"))
        .arg(profile)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", log)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let log = Arc::new(Mutex::new(String::new()));
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve exits before it is ready").unwrap();
        log.lock().unwrap().push_str(&format!("{line}\n"));
        if let Some(at) = line.split_whitespace().find_map(|w| w.strip_prefix("listen=")) {
            break at.to_owned();
        }
    };
    // Keep reading the log so the pipe never fills.
    let kept = Arc::clone(&log);
    std::thread::spawn(move || {
        for line in lines.map_while(Result::ok) {
            kept.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    ServeProcess { child, addr, log }
}

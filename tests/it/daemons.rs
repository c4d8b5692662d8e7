//! Real programs from Debian's packages that the tests start as users meet them: tinyproxy
//! (a forward proxy) and nginx (HTTPS with HTTP/2), each on 127.0.0.1 and a free port, with
//! its files in a directory of its own, stopped when dropped.
//!
//! They are looked for on `PATH` and in /usr/sbin and /usr/bin. When one is missing its tests
//! print why and pass, unless `BINDCHECK_REQUIRE_PROXY=1` (tinyproxy) or
//! `BINDCHECK_REQUIRE_NGINX=1` (nginx) is set, as `.ci/run` does: then they fail.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::servers::Pki;

/// What the test servers answer.
pub(crate) const BODY: &str = "{\"status\":\"up\"}";

/// A program the tests need, or `None` (with a note) when it is missing and not required.
pub(crate) fn tool(name: &str, require_var: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if found.is_none() {
        assert!(
            std::env::var(require_var).as_deref() != Ok("1"),
            "{name} is not installed, and {require_var}=1 requires it\nhint: apt-get install -y {name}"
        );
        eprintln!("skipping: {name} is not installed (set {require_var}=1 to make this a failure)");
    }
    found
}

/// A loopback port free a moment ago (tinyproxy and nginx cannot be given port 0).
pub(crate) fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Waits until `port` accepts connections, or `child` exits, or 10 s pass.
async fn accepting(port: u16, child: &mut Child) -> bool {
    let until = Instant::now() + Duration::from_secs(10);
    while Instant::now() < until {
        if matches!(child.try_wait(), Ok(Some(_))) {
            return false;
        }
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// A program running in the foreground with its files in a temporary directory; killed
/// when dropped.
pub(crate) struct Daemon {
    pub(crate) port: u16,
    child: Child,
    pub(crate) dir: tempfile::TempDir,
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Daemon {
    /// Starts `program` with the arguments `args(dir, conf)` after writing
    /// `config(dir, port)` to `dir/conf`, on a free port, retrying when another process
    /// took the port first.
    async fn start(
        program: &Path,
        config: impl Fn(&Path, u16) -> String,
        args: impl Fn(&Path, &Path) -> Vec<String>,
    ) -> Daemon {
        let dir = tempfile::tempdir().unwrap();
        for _ in 0..5 {
            let port = free_port();
            let conf = dir.path().join("conf");
            std::fs::write(&conf, config(dir.path(), port)).unwrap();
            let log = std::fs::File::create(dir.path().join("stderr")).unwrap();
            let mut child = Command::new(program)
                .args(args(dir.path(), &conf))
                .stdin(Stdio::null())
                .stdout(log.try_clone().unwrap())
                .stderr(log)
                .spawn()
                .unwrap();
            if accepting(port, &mut child).await {
                return Daemon { port, child, dir };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let stderr = std::fs::read_to_string(dir.path().join("stderr")).unwrap_or_default();
        panic!("{} did not start:\n{stderr}", program.display());
    }
}

/// What tinyproxy does with a CONNECT.
pub(crate) enum Rules {
    Open,
    /// `BasicAuth user password`.
    Auth(&'static str, &'static str),
    /// A filter rule that denies 127.0.0.1 (403).
    DenyLoopback,
}

/// tinyproxy on 127.0.0.1 with `rules`, or `None` when it is not installed (and not
/// required). Without `ConnectPort` lines it tunnels to any port.
pub(crate) async fn tinyproxy(rules: Rules) -> Option<Daemon> {
    let program = tool("tinyproxy", "BINDCHECK_REQUIRE_PROXY")?;
    let config = move |dir: &Path, port: u16| {
        let mut c = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 32\nLogLevel Info\n\
             LogFile \"{d}/tinyproxy.log\"\nPidFile \"{d}/tinyproxy.pid\"\n",
            d = dir.display()
        );
        match rules {
            Rules::Open => {}
            Rules::Auth(user, password) => c.push_str(&format!("BasicAuth {user} {password}\n")),
            Rules::DenyLoopback => {
                std::fs::write(dir.join("filter"), "^127\\.0\\.0\\.1$\n").unwrap();
                c.push_str(&format!("Filter \"{}/filter\"\n", dir.display()));
            }
        }
        c
    };
    let args = |_: &Path, conf: &Path| vec!["-d".to_owned(), "-c".to_owned(), conf.display().to_string()];
    Some(Daemon::start(&program, config, args).await)
}

/// nginx serving HTTPS with HTTP/2 on 127.0.0.1 with a certificate of `pki` for `names`, or
/// `None` when it is not installed (and not required). Every path answers 200 with `BODY`
/// but `/busy`, which answers 503 with `Retry-After: 120`.
pub(crate) async fn nginx(pki: &Pki, names: &[&str]) -> Option<Daemon> {
    let program = tool("nginx", "BINDCHECK_REQUIRE_NGINX")?;
    let (chain, key) = pki.leaf_pem(names);
    let config = move |dir: &Path, port: u16| {
        std::fs::write(dir.join("cert.pem"), &chain).unwrap();
        std::fs::write(dir.join("key.pem"), &key).unwrap();
        let d = dir.display();
        // `listen ... ssl http2` works from 1.9.5 on (newer versions only warn that
        // `http2 on;` is the new spelling).
        format!(
            "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\n\
             error_log {d}/error.log info;\nevents {{ worker_connections 64; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
             server {{\n    listen 127.0.0.1:{port} ssl http2;\n    ssl_certificate {d}/cert.pem;\n\
             ssl_certificate_key {d}/key.pem;\n\
             location /busy {{ add_header Retry-After 120 always; return 503; }}\n\
             location / {{ default_type application/json; return 200 '{BODY}'; }}\n  }}\n}}\n"
        )
    };
    let args = |dir: &Path, conf: &Path| {
        vec![
            "-p".to_owned(),
            dir.display().to_string(),
            "-e".to_owned(),
            dir.join("error.log").display().to_string(),
            "-c".to_owned(),
            conf.display().to_string(),
        ]
    };
    Some(Daemon::start(&program, config, args).await)
}

//! nginx from Debian's package, started by the tests as users meet it: HTTPS with HTTP/2
//! offered through ALPN, on 127.0.0.1 and a free port, in a directory of its own.
//!
//! Where nginx is not installed, [`Nginx::start`] returns `None` and the test skips, unless
//! `BINDCHECK_REQUIRE_NGINX=1` (set by `.ci/run`, which installs it): then it fails.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::servers::Pki;

/// A running nginx; stopped when dropped.
pub struct Nginx {
    pub addr: SocketAddr,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn binary() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// The configuration: one server for `names`, HTTP/2 on, every path answering 200 `ok` but
/// `/busy`, which answers 503 with `Retry-After: 120`.
fn conf(dir: &Path, port: u16) -> String {
    let d = dir.display();
    format!(
        "daemon off;\nmaster_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n\
         fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n\
         server {{\n    listen 127.0.0.1:{port} ssl http2;\n    ssl_certificate {d}/cert.pem;\n\
         ssl_certificate_key {d}/key.pem;\n    location /busy {{ add_header Retry-After 120 always; return 503; }}\n\
         location / {{ default_type text/plain; return 200 ok; }}\n  }}\n}}\n"
    )
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

impl Nginx {
    /// nginx serving HTTPS for `names` with a leaf from `pki`.
    pub fn start(pki: &Pki, names: &[&str]) -> Option<Nginx> {
        let Some(bin) = binary() else {
            assert!(
                std::env::var_os("BINDCHECK_REQUIRE_NGINX").is_none(),
                "nginx is required (BINDCHECK_REQUIRE_NGINX) but not installed: apt-get install nginx-light"
            );
            eprintln!("skipped: nginx is not installed");
            return None;
        };
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = pki.server_pem(names);
        std::fs::write(dir.path().join("cert.pem"), cert).unwrap();
        std::fs::write(dir.path().join("key.pem"), key).unwrap();
        // A port picked free can be taken before nginx binds it: try a few.
        for _ in 0..5 {
            let port = free_port();
            std::fs::write(dir.path().join("nginx.conf"), conf(dir.path(), port)).unwrap();
            let mut child = Command::new(&bin)
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(dir.path().join("nginx.conf"))
                .arg("-e")
                .arg(dir.path().join("error.log"))
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start nginx");
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let until = Instant::now() + Duration::from_secs(10);
            while Instant::now() < until {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                    return Some(Nginx { addr, child, _dir: dir });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        let log = std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
        panic!("nginx did not start: {log}");
    }
}

//! The proxy probes and the application path against real parts started on loopback: a
//! forward proxy (Debian's tinyproxy), an HTTP/2 server (nginx), and the test servers of
//! `servers`. Nothing leaves the machine.
//!
//! tinyproxy and nginx are looked for on `PATH` and in /usr/sbin and /usr/bin. When one is
//! missing its tests print why and pass, unless `BINDCHECK_REQUIRE_PROXY=1` (tinyproxy) or
//! `BINDCHECK_REQUIRE_NGINX=1` (nginx) is set, as CI does: then they fail.

use bindcheck::probe::app::{AppClient, AppPathResult, AppSetup, AppStage};
use bindcheck::probe::proxy::{self, ProxyRoute, ProxySettings, TunnelResult, TunnelStatus};
use bindcheck::probe::tls::{self, TlsSetup};
use bindcheck::probe::{deadline_in, Method, ProbeConfig, Status, Timeouts};
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use url::Url;

use crate::servers::{self, Behavior, Pki};

const BODY: &str = "{\"status\":\"up\"}";

fn timeouts() -> Timeouts {
    Timeouts {
        dns: Duration::from_secs(2),
        connect: Duration::from_secs(2),
        tls: Duration::from_secs(2),
        ttfb: Duration::from_secs(2),
        body: Duration::from_secs(2),
    }
}

/// A program the tests need, or `None` (with a note) when it is missing and not required.
fn tool(name: &str, require_var: &str) -> Option<PathBuf> {
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
fn free_port() -> u16 {
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
struct Daemon {
    port: u16,
    child: Child,
    dir: tempfile::TempDir,
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
enum Rules {
    Open,
    /// `BasicAuth user password`.
    Auth(&'static str, &'static str),
    /// A filter rule that denies 127.0.0.1 (403).
    DenyLoopback,
}

/// tinyproxy on 127.0.0.1 with `rules`, or `None` when it is not installed (and not
/// required). Without `ConnectPort` lines it tunnels to any port.
async fn tinyproxy(rules: Rules) -> Option<Daemon> {
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

/// nginx serving HTTPS with HTTP/2 on 127.0.0.1 (a certificate of `pki` for 127.0.0.1), or
/// `None` when it is not installed (and not required).
async fn nginx(pki: &Pki) -> Option<Daemon> {
    let program = tool("nginx", "BINDCHECK_REQUIRE_NGINX")?;
    let (chain, key) = pki.leaf_pem(&["127.0.0.1"]);
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

/// An HTTPS test server for 127.0.0.1 answering `BODY`, and its CA.
async fn https_server() -> (servers::Server, Pki) {
    let pki = Pki::new("bindcheck proxy test CA");
    let server = servers::https(pki.server(&["127.0.0.1"], -1, 30), |_| Behavior::ok(BODY)).await;
    (server, pki)
}

fn tls_setup(pki: &Pki) -> TlsSetup {
    TlsSetup::new(Some(pki.ca_pem.as_bytes()), false).unwrap()
}

/// Settings as the environment would give them: `HTTPS_PROXY` (and `NO_PROXY`).
fn env_proxy(https_proxy: &str, no_proxy: Option<&str>) -> ProxySettings {
    let (https_proxy, no_proxy) = (https_proxy.to_owned(), no_proxy.map(str::to_owned));
    ProxySettings::from_lookup(move |name| match name {
        "HTTPS_PROXY" => Some(https_proxy.clone()),
        "NO_PROXY" => no_proxy.clone(),
        _ => None,
    })
}

fn app(pki: &Pki, proxy: Option<ProxySettings>) -> AppClient {
    let config = ProbeConfig {
        timeouts: timeouts(),
        ..ProbeConfig::default()
    };
    AppClient::new(&AppSetup::from_config(&config, tls_setup(pki), proxy)).unwrap()
}

async fn app_get(client: &AppClient, url: &Url) -> AppPathResult {
    client
        .request(url, Method::Get, deadline_in(Duration::from_secs(10)))
        .await
}

fn route(proxy: &str, target: &Url) -> ProxyRoute {
    env_proxy(proxy, None).for_url(target).expect("a proxy for the target")
}

async fn connect_through(route: &ProxyRoute, target: SocketAddr) -> (TunnelResult, Option<proxy::Tunnel>) {
    let deadline = deadline_in(Duration::from_secs(10));
    proxy::tunnel(
        route,
        &target.ip().to_string(),
        target.port(),
        &timeouts(),
        None,
        deadline,
    )
    .await
}

fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap()
}

#[tokio::test]
async fn an_https_endpoint_through_a_working_proxy() {
    let Some(proxy) = tinyproxy(Rules::Open).await else {
        return;
    };
    let (server, pki) = https_server().await;
    let target: Url = format!("https://127.0.0.1:{}/v1/health", server.addr.port())
        .parse()
        .unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);

    let (t, tunnel) = connect_through(&route(&proxy_url, &target), server.addr).await;
    assert_eq!(t.status, TunnelStatus::Ok, "{t:?}");
    assert_eq!(t.status_code, Some(200));
    assert_eq!(t.proxy_addr, Some(SocketAddr::from(([127, 0, 0, 1], proxy.port))));
    assert!(t.connect_ms.is_some() && t.connect_answer_ms.is_some(), "{t:?}");
    assert_eq!(t.error, None);
    // The tunnel is handed over untouched: a TLS handshake through it works.
    let tunnel = tunnel.expect("an open tunnel");
    let deadline = deadline_in(Duration::from_secs(5));
    let (hs, _) = tls::handshake(
        &tls_setup(&pki),
        tunnel.stream,
        "127.0.0.1",
        &[b"http/1.1"],
        Duration::from_secs(2),
        deadline,
    )
    .await;
    assert_eq!(hs.status, Status::Ok, "{hs:?}");

    let r = app_get(&app(&pki, Some(env_proxy(&proxy_url, None))), &target).await;
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert_eq!(r.via.as_deref(), Some(format!("{proxy_url}/").as_str()));
    assert_eq!(r.version.as_deref(), Some("HTTP/1.1"));
    assert_eq!(r.status_code, Some(200));
    assert_eq!(r.body_bytes, BODY.len() as u64);
    assert_eq!(r.failed_at, None);
    assert!(r.total_ms.is_some());
    // The proxy really carried it: tinyproxy logged the CONNECT.
    let log = std::fs::read_to_string(proxy.dir.path().join("tinyproxy.log")).unwrap_or_default();
    assert!(log.contains("CONNECT"), "tinyproxy's log has no CONNECT:\n{log}");
}

#[tokio::test]
async fn a_proxy_that_wants_credentials_and_gets_them() {
    const USER: &str = "walletuser";
    const PASSWORD: &str = "s3cr3tpw";
    let Some(proxy) = tinyproxy(Rules::Auth(USER, PASSWORD)).await else {
        return;
    };
    let (server, pki) = https_server().await;
    let target: Url = format!("https://127.0.0.1:{}/", server.addr.port()).parse().unwrap();

    let bare = format!("http://127.0.0.1:{}", proxy.port);
    let (t, tunnel) = connect_through(&route(&bare, &target), server.addr).await;
    assert_eq!(t.status, TunnelStatus::AuthRequired, "{t:?}");
    assert_eq!(t.status_code, Some(407));
    assert_eq!(t.auth_schemes, ["Basic"]);
    assert!(tunnel.is_none());
    let r = app_get(&app(&pki, Some(env_proxy(&bare, None))), &target).await;
    assert_eq!(
        (r.status, r.failed_at),
        (Status::Refused, Some(AppStage::Proxy)),
        "{r:?}"
    );

    let wrong = format!("http://{USER}:not-{PASSWORD}@127.0.0.1:{}", proxy.port);
    let (t, _) = connect_through(&route(&wrong, &target), server.addr).await;
    // tinyproxy answers wrong credentials with 401, others with 407: both mean the proxy's.
    assert_eq!(t.status, TunnelStatus::AuthRequired, "{t:?}");
    assert!(matches!(t.status_code, Some(401 | 407)), "{t:?}");
    let r = app_get(&app(&pki, Some(env_proxy(&wrong, None))), &target).await;
    assert_eq!(r.failed_at, Some(AppStage::Proxy), "{r:?}");
    for text in [json(&t), json(&r)] {
        assert!(
            !text.contains(PASSWORD) && !text.contains(USER),
            "a credential shows: {text}"
        );
    }

    let good = format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port);
    let (t, tunnel) = connect_through(&route(&good, &target), server.addr).await;
    assert_eq!(t.status, TunnelStatus::Ok, "{t:?}");
    assert!(tunnel.is_some());
    let r = app_get(&app(&pki, Some(env_proxy(&good, None))), &target).await;
    assert_eq!((r.status, r.status_code), (Status::Ok, Some(200)), "{r:?}");
    assert_eq!(
        r.via.as_deref(),
        Some(format!("http://***@127.0.0.1:{}/", proxy.port).as_str())
    );
    for text in [json(&t), json(&r), t.proxy.clone()] {
        assert!(
            !text.contains(PASSWORD) && !text.contains(USER),
            "a credential shows: {text}"
        );
    }
}

#[tokio::test]
async fn a_proxy_rule_that_denies_the_destination() {
    let Some(proxy) = tinyproxy(Rules::DenyLoopback).await else {
        return;
    };
    let (server, pki) = https_server().await;
    let target: Url = format!("https://127.0.0.1:{}/", server.addr.port()).parse().unwrap();
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let (t, tunnel) = connect_through(&route(&proxy_url, &target), server.addr).await;
    assert_eq!((t.status, t.status_code), (TunnelStatus::Refused, Some(403)), "{t:?}");
    assert!(t.error.as_deref().is_some_and(|e| e.contains("403")), "{t:?}");
    assert!(tunnel.is_none());
    let r = app_get(&app(&pki, Some(env_proxy(&proxy_url, None))), &target).await;
    assert_eq!(
        (r.status, r.failed_at),
        (Status::Refused, Some(AppStage::Proxy)),
        "{r:?}"
    );
    assert_eq!(r.status_code, None);
}

#[tokio::test]
async fn a_proxy_nobody_listens_on_is_unreachable() {
    let (server, pki) = https_server().await;
    let target: Url = format!("https://127.0.0.1:{}/", server.addr.port()).parse().unwrap();
    let dead = format!("http://127.0.0.1:{}", free_port());
    let (t, tunnel) = connect_through(&route(&dead, &target), server.addr).await;
    assert_eq!(t.status, TunnelStatus::Unreachable, "{t:?}");
    assert!(
        t.error
            .as_deref()
            .is_some_and(|e| e.contains("cannot connect to the proxy")),
        "{t:?}"
    );
    assert!(tunnel.is_none());
    let r = app_get(&app(&pki, Some(env_proxy(&dead, None))), &target).await;
    assert_eq!(
        (r.status, r.failed_at),
        (Status::Refused, Some(AppStage::Proxy)),
        "{r:?}"
    );
}

#[tokio::test]
async fn a_proxy_that_never_answers_times_out_within_the_limit() {
    let (server, pki) = https_server().await;
    let silent = servers::silent().await;
    let target: Url = format!("https://127.0.0.1:{}/", server.addr.port()).parse().unwrap();
    let proxy_url = format!("http://{}", silent.addr);
    let mut limits = timeouts();
    limits.ttfb = Duration::from_millis(300);
    let started = Instant::now();
    let deadline = deadline_in(Duration::from_secs(10));
    let (t, _) = proxy::tunnel(
        &route(&proxy_url, &target),
        "127.0.0.1",
        server.addr.port(),
        &limits,
        None,
        deadline,
    )
    .await;
    assert_eq!(t.status, TunnelStatus::Timeout, "{t:?}");
    assert_eq!(t.status_code, None);
    assert!(t.connect_ms.is_some(), "the connect worked: {t:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());

    let config = ProbeConfig::default();
    let mut setup = AppSetup::from_config(&config, tls_setup(&pki), Some(env_proxy(&proxy_url, None)));
    setup.connect_timeout = Duration::from_millis(300);
    let started = Instant::now();
    let r = app_get(&AppClient::new(&setup).unwrap(), &target).await;
    assert_eq!(
        (r.status, r.failed_at),
        (Status::Timeout, Some(AppStage::Proxy)),
        "{r:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn socks_proxies_are_reported_not_spoken_to() {
    let (server, pki) = https_server().await;
    let target: Url = format!("https://127.0.0.1:{}/", server.addr.port()).parse().unwrap();
    let socks = "socks5://127.0.0.1:1080";
    let (t, tunnel) = connect_through(&route(socks, &target), server.addr).await;
    assert_eq!(t.status, TunnelStatus::Unsupported, "{t:?}");
    assert!(t.error.as_deref().is_some_and(|e| e.contains("socks5")), "{t:?}");
    assert!(tunnel.is_none());
    let r = app_get(&app(&pki, Some(env_proxy(socks, None))), &target).await;
    assert_eq!((r.status, r.failed_at), (Status::Error, Some(AppStage::Proxy)), "{r:?}");
}

#[tokio::test]
async fn the_deadline_keeps_a_tunnel_from_starting() {
    let target: Url = "https://127.0.0.1:1/".parse().unwrap();
    let past = tokio::time::Instant::now();
    let (t, _) = proxy::tunnel(
        &route("http://127.0.0.1:9", &target),
        "127.0.0.1",
        1,
        &timeouts(),
        None,
        past,
    )
    .await;
    assert_eq!(t.status, TunnelStatus::NotMeasured);
    assert_eq!(t.error, None);
}

#[tokio::test]
async fn http2_is_reported_when_the_server_offers_it() {
    let pki = Pki::new("bindcheck h2 test CA");
    let Some(nginx) = nginx(&pki).await else { return };
    let target: Url = format!("https://127.0.0.1:{}/v1/health", nginx.port).parse().unwrap();
    let r = app_get(&app(&pki, None), &target).await;
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert_eq!(r.version.as_deref(), Some("HTTP/2"));
    assert_eq!(r.via, None);
    assert_eq!(r.body_bytes, BODY.len() as u64);
    // And through a proxy: ALPN is negotiated end to end, inside the tunnel.
    let Some(proxy) = tinyproxy(Rules::Open).await else {
        return;
    };
    let proxy_url = format!("http://127.0.0.1:{}", proxy.port);
    let r = app_get(&app(&pki, Some(env_proxy(&proxy_url, None))), &target).await;
    assert_eq!((r.status, r.version.as_deref()), (Status::Ok, Some("HTTP/2")), "{r:?}");
    assert!(r.via.is_some());
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[tokio::test]
async fn gzip_bodies_are_decoded_and_counted_decoded_up_to_the_cap() {
    let pki = Pki::new("bindcheck gzip test CA");
    let small = gzip(&[b'a'; 10_000]);
    let bomb = gzip(&vec![b'a'; 4 * 1024 * 1024]);
    let compressed_len = small.len();
    let server = servers::https(pki.server(&["127.0.0.1"], -1, 30), move |path| Behavior::Respond {
        status: 200,
        headers: vec![("content-encoding".into(), "gzip".into())],
        body: if path == "/bomb" { bomb.clone() } else { small.clone() },
        clock_offset_s: 0,
    })
    .await;
    let client = app(&pki, None);
    let url: Url = format!("https://127.0.0.1:{}/small", server.addr.port())
        .parse()
        .unwrap();
    let r = app_get(&client, &url).await;
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert!(compressed_len < 1000);
    assert_eq!(r.body_bytes, 10_000, "decoded bytes, not the {compressed_len} sent");
    assert!(!r.body_truncated);

    // 4 MiB from a few KiB: the read stops at the cap.
    let url: Url = format!("https://127.0.0.1:{}/bomb", server.addr.port())
        .parse()
        .unwrap();
    let r = app_get(&client, &url).await;
    assert_eq!(r.status, Status::Ok, "{r:?}");
    assert!(r.body_truncated, "{r:?}");
    let cap = ProbeConfig::default().body_cap as u64;
    assert!(r.body_bytes >= cap && r.body_bytes < cap + 256 * 1024, "{r:?}");
}

#[tokio::test]
async fn an_endpoint_in_no_proxy_goes_direct() {
    let (server, pki) = https_server().await;
    let target: Url = format!("https://127.0.0.1:{}/", server.addr.port()).parse().unwrap();
    // Nothing listens at the proxy's port: a request that used it would fail.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let settings = env_proxy(&dead, Some("example.test, 127.0.0.0/8"));
    assert!(settings.for_url(&target).is_none());
    let r = app_get(&app(&pki, Some(settings)), &target).await;
    assert_eq!((r.status, r.via.as_deref()), (Status::Ok, None), "{r:?}");
    // The same endpoint without the exception goes to the proxy, and fails there.
    let r = app_get(&app(&pki, Some(env_proxy(&dead, Some("example.test")))), &target).await;
    assert_eq!(r.failed_at, Some(AppStage::Proxy), "{r:?}");
}

#[tokio::test]
async fn a_direct_request_to_an_untrusted_server_fails_at_tls() {
    let (server, _) = https_server().await;
    let stranger = Pki::new("another CA");
    let target: Url = format!("https://127.0.0.1:{}/?token=abc123", server.addr.port())
        .parse()
        .unwrap();
    let r = app_get(&app(&stranger, None), &target).await;
    assert_eq!(
        (r.status, r.failed_at),
        (Status::Untrusted, Some(AppStage::Tls)),
        "{r:?}"
    );
    assert!(
        r.error
            .as_deref()
            .is_some_and(|e| e.contains("not signed by a trusted authority")),
        "{r:?}"
    );
    assert!(!json(&r).contains("abc123"), "a query value shows: {}", json(&r));
}

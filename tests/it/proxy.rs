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
use std::time::{Duration, Instant};
use url::Url;

use crate::daemons::{free_port, nginx, tinyproxy, Rules, BODY};
use crate::servers::{self, Behavior, Pki};

fn timeouts() -> Timeouts {
    Timeouts {
        dns: Duration::from_secs(2),
        connect: Duration::from_secs(2),
        tls: Duration::from_secs(2),
        ttfb: Duration::from_secs(2),
        body: Duration::from_secs(2),
    }
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
    let Some(nginx) = nginx(&pki, &["127.0.0.1"]).await else {
        return;
    };
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

/// The application path, with names resolved by a DNS server of the test's own that knows
/// `api.wallet.test` (loopback) and `metadata.test` (the cloud metadata address).
fn app_resolving(pki: &Pki, dns: SocketAddr) -> AppClient {
    use bindcheck::probe::dns::{resolver, ResolverChoice};
    let config = ProbeConfig {
        timeouts: timeouts(),
        cross_host_redirects: true,
        ..ProbeConfig::default()
    };
    let mut setup = AppSetup::from_config(&config, tls_setup(pki), None);
    setup.resolver = Some(resolver(&ResolverChoice::Server(dns), Duration::from_secs(2)).unwrap());
    AppClient::new(&setup).unwrap()
}

async fn wallet_dns() -> servers::Server {
    servers::dns(|name| match name {
        "api.wallet.test" => vec![servers::Zone::A(vec![std::net::Ipv4Addr::LOCALHOST])],
        "metadata.test" => vec![servers::Zone::A(vec![std::net::Ipv4Addr::new(169, 254, 169, 254)])],
        "inside.test" => vec![servers::Zone::A(vec![std::net::Ipv4Addr::new(10, 1, 2, 3)])],
        _ => vec![servers::Zone::NxDomain],
    })
    .await
}

/// A redirect to a name is judged by the address the name resolves to, as the direct probe
/// judges it: the metadata address is never followed, and no connection is tried.
#[tokio::test]
async fn the_app_path_refuses_a_redirect_to_a_name_of_the_metadata_address() {
    let dns = wallet_dns().await;
    let server =
        servers::http(|_| Behavior::status(302, &[("location", "http://metadata.test/latest/meta-data/?token=abc")]))
            .await;
    let pki = Pki::new("bindcheck redirect test CA");
    let url: Url = format!("http://api.wallet.test:{}/health", server.addr.port())
        .parse()
        .unwrap();
    let r = app_get(&app_resolving(&pki, dns.addr), &url).await;
    assert_eq!(r.status, Status::RedirectRefused, "{r:?}");
    assert_eq!(r.failed_at, Some(AppStage::Redirect), "{r:?}");
    let refused = r.redirect_refused.as_ref().expect("the refused redirect");
    assert_eq!(refused.reason, bindcheck::probe::redirect::Refusal::Metadata);
    assert_eq!(refused.address, Some("169.254.169.254".parse().unwrap()));
    assert_eq!(
        refused.url, "http://metadata.test/latest/meta-data/?token=***",
        "masked: {refused:?}"
    );
    assert!(r.error.as_deref().unwrap_or("").contains("cloud metadata"), "{r:?}");
}

/// A private address behind a name is refused from an endpoint on loopback (another range),
/// and a redirect that stays on the endpoint's own name is followed.
#[tokio::test]
async fn the_app_path_judges_private_targets_by_the_endpoints_own_range() {
    let dns = wallet_dns().await;
    let pki = Pki::new("bindcheck redirect test CA");
    let server = servers::http(|path| {
        if path.starts_with("/moved") {
            Behavior::ok(BODY)
        } else if path.starts_with("/inside") {
            Behavior::status(302, &[("location", "http://inside.test/admin")])
        } else {
            Behavior::status(302, &[("location", "/moved")])
        }
    })
    .await;
    let client = app_resolving(&pki, dns.addr);
    let base = format!("http://api.wallet.test:{}", server.addr.port());
    let r = app_get(&client, &format!("{base}/inside").parse().unwrap()).await;
    assert_eq!(r.status, Status::RedirectRefused, "{r:?}");
    let refused = r.redirect_refused.as_ref().expect("the refused redirect");
    assert_eq!(refused.reason, bindcheck::probe::redirect::Refusal::Internal);
    assert_eq!(refused.address, Some("10.1.2.3".parse().unwrap()));
    let r = app_get(&client, &format!("{base}/start").parse().unwrap()).await;
    assert_eq!((r.status, r.status_code), (Status::Ok, Some(200)), "{r:?}");
    assert!(r.redirect_refused.is_none());
}

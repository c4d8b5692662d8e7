//! Endpoints whose redirects point inward: at cloud metadata, link-local, unspecified and
//! private addresses, in every spelling, and by a name that resolves there. None is
//! followed; each is a finding that says why. `serve` also keeps to the endpoint's host.

use std::net::Ipv4Addr;

use bindcheck::serve::Limits;

use crate::check::{args, bindcheck, profile, text};
use crate::serve::{client, start_profile};
use crate::servers::{self, Behavior, Zone};

fn redirect(location: &str) -> Behavior {
    Behavior::status(302, &[("location", location)])
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_inward_are_refused_in_every_spelling_with_the_reason() {
    // A name that resolves to the metadata address, from a DNS server of the test's own.
    let dns = servers::dns(|name| match name {
        "meta.test" => vec![Zone::A(vec![Ipv4Addr::new(169, 254, 169, 254)])],
        "mixed.test" => vec![Zone::A(vec![Ipv4Addr::new(203, 0, 113, 9), Ipv4Addr::new(10, 0, 0, 7)])],
        _ => vec![Zone::NxDomain],
    })
    .await;
    let resolver = dns.addr.to_string();
    for (location, reason) in [
        ("http://169.254.169.254/latest/meta-data/", "metadata"),
        ("http://2852039166/", "metadata"),
        ("http://0251.0376.0251.0376/", "metadata"),
        ("http://0xa9fea9fe/", "metadata"),
        ("http://[::ffff:169.254.169.254]/", "metadata"),
        ("http://meta.test/latest/", "metadata"),
        ("http://169.254.10.1/", "link_local"),
        ("http://[fe80::1]/", "link_local"),
        ("http://0.0.0.0:22/", "unspecified"),
        ("http://10.255.255.1/admin", "internal"),
        ("http://192.168.1.1/", "internal"),
        ("http://mixed.test/", "internal"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let loc = location.to_owned();
        let server = servers::http(move |_| redirect(&loc)).await;
        let p = profile(
            dir.path(),
            "",
            &[format!("http://127.0.0.1:{}/bind", server.addr.port())],
        );
        let o = bindcheck(args(&p, &["--format", "json", "--resolver", &resolver]), vec![]).await;
        let v = json(&o);
        let http = &v["endpoints"][0]["http"];
        assert_eq!(http["status"], "redirect_refused", "{location}: {http}");
        assert_eq!(http["redirect_refused"]["reason"], reason, "{location}: {http}");
        assert_eq!(
            http["hops"].as_array().unwrap().len(),
            1,
            "{location}: nothing past the redirect was asked"
        );
        assert_eq!(v["verdict"], "blocked", "{location}");
        assert_eq!(
            v["findings"][0]["code"], "net.redirect_refused",
            "{location}: {}",
            v["findings"]
        );
        assert_eq!(
            v["remedies"][0]["kind"], "switch_network",
            "{location}: {}",
            v["remedies"]
        );
        assert_eq!(o.status.code(), Some(2), "{location}");
    }

    // In Chinese, with the address it would have reached.
    let server = servers::http(|_| redirect("http://2852039166/")).await;
    let dir = tempfile::tempdir().unwrap();
    let p = profile(
        dir.path(),
        "",
        &[format!("http://127.0.0.1:{}/bind", server.addr.port())],
    );
    let o = bindcheck(args(&p, &["--lang", "zh-CN"]), vec![]).await;
    let out = text(&o);
    assert!(out.contains("服务重定向到内部地址"), "{out}");
    assert!(out.contains("169.254.169.254"), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_within_the_endpoints_own_range_is_followed() {
    let target = servers::http(|_| Behavior::ok("{}")).await;
    let location = format!("http://127.0.0.1:{}/next", target.addr.port());
    let server = servers::http(move |_| redirect(&location)).await;
    let dir = tempfile::tempdir().unwrap();
    let p = profile(
        dir.path(),
        "",
        &[format!("http://127.0.0.1:{}/bind", server.addr.port())],
    );
    let o = bindcheck(args(&p, &["--format", "json"]), vec![]).await;
    let v = json(&o);
    let http = &v["endpoints"][0]["http"];
    assert_eq!(http["status"], "ok", "{http}");
    assert_eq!(http["status_code"], 200);
    assert_eq!(http["hops"].as_array().unwrap().len(), 2);
    assert_eq!(v["verdict"], "ready");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_follows_redirects_to_other_hosts_only_where_the_profile_allows() {
    // The same loopback range, another host: 127.0.0.2.
    let other = servers::http_at("127.0.0.2:0", |_| Behavior::ok("{}")).await;
    let location = format!("http://127.0.0.2:{}/next", other.addr.port());
    let server = servers::http(move |_| redirect(&location)).await;
    let url = format!("http://127.0.0.1:{}/bind", server.addr.port());
    let scrape = |allow: &'static str| {
        let url = url.clone();
        async move {
            let text = format!("name = \"redirects\"\n[[endpoint]]\nname = \"api\"\nurl = \"{url}\"\n{allow}\n");
            let s = start_profile(&text, Limits::default()).await;
            client()
                .get(format!("{}/probe?target=api", s.base))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap()
        }
    };
    let refused = scrape("").await;
    assert!(
        refused.contains("bindcheck_verdict{verdict=\"blocked\"} 1"),
        "{refused}"
    );
    assert!(refused.contains("probe_http_status_code{endpoint=\""), "{refused}");
    assert!(
        refused.contains("} 302\n"),
        "the last answer was the redirect: {refused}"
    );
    let allowed = scrape("redirect_hosts = [\"127.0.0.2\"]").await;
    assert!(allowed.contains("bindcheck_verdict{verdict=\"ready\"} 1"), "{allowed}");
    assert!(allowed.contains("} 200\n"), "{allowed}");

    // `check` follows a redirect to another host of the same range without being told.
    let dir = tempfile::tempdir().unwrap();
    let p = profile(dir.path(), "", std::slice::from_ref(&url));
    let o = bindcheck(args(&p, &["--format", "json"]), vec![]).await;
    assert_eq!(json(&o)["verdict"], "ready", "{}", text(&o));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_profile_refuses_a_redirect_host_that_is_not_a_host_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("profile.toml");
    std::fs::write(
        &p,
        "name = \"x\"\n[[endpoint]]\nurl = \"http://127.0.0.1:9/\"\nredirect_hosts = [\"ok.example\", \"http://evil.example/path\"]\n",
    )
    .unwrap();
    let o = bindcheck(args(&p, &[]), vec![]).await;
    let out = text(&o);
    assert_eq!(o.status.code(), Some(78), "{out}");
    assert!(out.contains("profile.toml:4:"), "{out}");
    assert!(out.contains("redirect_hosts"), "{out}");
    assert!(out.contains("hint:"), "{out}");
}

//! The hosts that go direct, from a `NO_PROXY` list.
//!
//! How `NO_PROXY` is read follows reqwest (hyper-util's `client::proxy::matcher`), the stack
//! the application path uses: comma-separated entries, whitespace trimmed, case ignored;
//! `*` alone bypasses the proxy for every host; a name (`example.com` or `.example.com`)
//! matches itself and every name under it; an IP address or CIDR block (`10.0.0.0/8`,
//! `::1`) matches URLs whose host is that literal address. Names are never resolved to be
//! compared with addresses. Two differences, both documented where they apply: an entry may
//! carry a port (`example.com:8443`, `[::1]:8080`), matching that port only (curl reads it
//! so; hyper-util would read the entry as a name that matches nothing), and lower-case
//! variables win over upper-case ones, as in curl. Loopback is *not* exempt unless
//! `NO_PROXY` says so: reqwest and curl send `localhost` through the proxy too, while Go's
//! net/http never proxies loopback; an app built on the latter would behave differently.

use std::net::IpAddr;
use url::Url;

/// A host part of a `NO_PROXY` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Bypass {
    /// Lower case, without a leading or trailing dot.
    Name(String),
    /// An address block: the address and its prefix length.
    Block(IpAddr, u8),
}

/// Hosts that go direct, from a `NO_PROXY` list (the module's docs give the rules).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    everything: bool,
    entries: Vec<(Bypass, Option<u16>)>,
}

impl NoProxy {
    /// Reads a `NO_PROXY` list. Entries that mean nothing (`10.0.0.0/33`, `:80`) are
    /// dropped; nothing here fails.
    pub fn parse(list: &str) -> NoProxy {
        let mut no = NoProxy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                no.everything = true;
            } else if let Some(rule) = entry_rule(entry) {
                no.entries.push(rule);
            }
        }
        no
    }

    /// Whether `url` goes direct.
    pub fn matches(&self, url: &Url) -> bool {
        if self.everything {
            return true;
        }
        let port = url.port_or_known_default();
        let host = match url.host() {
            Some(url::Host::Domain(d)) => Bypass::Name(d.trim_end_matches('.').to_ascii_lowercase()),
            Some(url::Host::Ipv4(ip)) => Bypass::Block(IpAddr::V4(ip), 32),
            Some(url::Host::Ipv6(ip)) => Bypass::Block(IpAddr::V6(ip), 128),
            None => return false,
        };
        self.entries.iter().any(|(bypass, p)| {
            p.is_none_or(|p| Some(p) == port)
                && match (bypass, &host) {
                    (Bypass::Name(n), Bypass::Name(h)) => {
                        h == n
                            || (h.len() > n.len() && h.ends_with(n.as_str()) && h[..h.len() - n.len()].ends_with('.'))
                    }
                    (Bypass::Block(net, prefix), Bypass::Block(ip, _)) => in_block(*ip, *net, *prefix),
                    _ => false,
                }
        })
    }
}

/// One `NO_PROXY` entry (not `*`, not empty) as a rule.
fn entry_rule(entry: &str) -> Option<(Bypass, Option<u16>)> {
    if let Some(block) = block(entry) {
        return Some((block, None));
    }
    // `[v6]` or `[v6]:port`
    if let Some(rest) = entry.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?.parse().ok()?),
        };
        return Some((block(inside)?, port));
    }
    let (host, port) = match entry.rsplit_once(':') {
        Some((h, p)) => (h, Some(p.parse::<u16>().ok()?)),
        None => (entry, None),
    };
    if let Some(block) = block(host) {
        return Some((block, port));
    }
    let name = host.trim_start_matches('.').trim_end_matches('.');
    if name.is_empty() || name.contains(['/', ':', '[', ']', '@']) {
        return None;
    }
    // The URL parser's form (lower case, punycode), as URL hosts are compared in it.
    let name = match url::Host::parse(name) {
        Ok(url::Host::Domain(d)) => d,
        _ => name.to_ascii_lowercase(),
    };
    Some((Bypass::Name(name), port))
}

/// An address (`10.1.2.3`, `::1`) or a block (`10.0.0.0/8`, `fc00::/7`).
fn block(text: &str) -> Option<Bypass> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let prefix = match prefix {
        None => max,
        Some(p) => p.parse::<u8>().ok().filter(|p| *p <= max)?,
    };
    Some(Bypass::Block(ip, prefix))
}

fn in_block(ip: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn bypass(list: &str, u: &str) -> bool {
        NoProxy::parse(list).matches(&url(u))
    }

    #[test]
    fn no_proxy_names_match_themselves_and_names_under_them() {
        for list in [
            "example.com",
            ".example.com",
            " EXAMPLE.com ",
            "example.com.",
            "other.test,example.com",
        ] {
            assert!(bypass(list, "https://example.com/"), "{list}");
            assert!(bypass(list, "https://a.b.example.com/"), "{list}");
            assert!(bypass(list, "https://EXAMPLE.COM./"), "{list}");
            assert!(!bypass(list, "https://notexample.com/"), "{list}");
            assert!(!bypass(list, "https://example.com.evil.test/"), "{list}");
            assert!(!bypass(list, "https://com/"), "{list}");
        }
        // Internationalised names compare in punycode, as URL hosts are.
        assert!(bypass("bücher.example", "https://xn--bcher-kva.example/"));
        // `*.name` is no pattern for reqwest, nor here: it matches nothing.
        assert!(!bypass("*.example.com", "https://a.example.com/"));
    }

    #[test]
    fn no_proxy_star_alone_matches_everything() {
        assert!(bypass("*", "https://anything.test/"));
        assert!(bypass("a.test, * ,b.test", "http://10.0.0.1:8080/"));
        assert!(!bypass("*a.test", "https://b.test/"));
        assert!(!bypass("", "https://b.test/"));
        assert!(!bypass(" , ,", "https://b.test/"));
    }

    #[test]
    fn no_proxy_addresses_and_blocks_match_literal_hosts_only() {
        assert!(bypass("10.0.0.0/8", "https://10.200.3.4/"));
        assert!(!bypass("10.0.0.0/8", "https://11.0.0.1/"));
        assert!(bypass("192.168.1.0/24", "http://192.168.1.255:81/"));
        assert!(!bypass("192.168.1.0/24", "http://192.168.2.1/"));
        assert!(bypass("0.0.0.0/0", "http://8.8.8.8/"));
        assert!(bypass("127.0.0.1", "http://127.0.0.1:9000/"));
        assert!(!bypass("127.0.0.1", "http://127.0.0.2/"));
        assert!(bypass("::1", "https://[::1]:8443/"));
        assert!(bypass("[::1]", "https://[::1]/"));
        assert!(bypass("fc00::/7", "https://[fd12::1]/"));
        assert!(!bypass("fc00::/7", "https://[2001:db8::1]/"));
        // A name is never resolved to be compared with an address, nor the other way round.
        assert!(!bypass("127.0.0.1", "http://localhost/"));
        assert!(!bypass("localhost", "http://127.0.0.1/"));
        // A block of one family never matches the other.
        assert!(!bypass("::/0", "http://10.0.0.1/"));
        // Nonsense is dropped, not read as something broader.
        assert!(!bypass("10.0.0.0/33", "http://10.0.0.1/"));
        assert!(!bypass("10.0.0.0/x", "http://10.0.0.1/"));
    }

    #[test]
    fn no_proxy_ports_narrow_an_entry() {
        assert!(bypass("example.com:8443", "https://api.example.com:8443/"));
        assert!(!bypass("example.com:8443", "https://api.example.com/"));
        assert!(bypass("example.com:443", "https://api.example.com/"));
        assert!(bypass("10.1.1.1:80", "http://10.1.1.1/"));
        assert!(!bypass("10.1.1.1:80", "https://10.1.1.1/"));
        assert!(bypass("[::1]:8080", "http://[::1]:8080/"));
        assert!(!bypass("[::1]:8080", "http://[::1]:8081/"));
        assert!(!bypass("example.com:notaport", "https://example.com/"));
        assert!(!bypass(":80", "http://example.com/"));
    }

    proptest::proptest! {
        #[test]
        fn no_proxy_lists_never_panic(list in ".{0,64}", host in "[a-z0-9.:\\[\\]-]{1,24}") {
            let no = NoProxy::parse(&list);
            if let Ok(u) = Url::parse(&format!("http://{host}/")) {
                let _ = no.matches(&u);
            }
        }
    }
}

//! Where a redirect may lead (docs/probe.md, "Redirects"). A probe follows an endpoint's
//! redirects, so an endpoint, or whoever answers for it (a captive portal, a hijacking
//! resolver), could otherwise point bindcheck at the machine's own network: a cloud
//! metadata service, a router's admin page, a database on loopback. Every address is judged
//! after its name is resolved, in its canonical form (an IPv4-mapped or NAT64 IPv6 address
//! is judged as the IPv4 address inside it; decimal and octal host forms are read by the URL
//! parser as the address they mean).
//!
//! - Never followed: unspecified, link-local (169.254.0.0/16, fe80::/10, where cloud
//!   metadata lives), known cloud metadata addresses, multicast, broadcast and reserved.
//! - Followed only when the endpoint itself is in the same range: loopback, the private
//!   ranges of RFC 1918, shared address space (100.64.0.0/10), benchmarking
//!   (198.18.0.0/15) and unique local IPv6 (fc00::/7).
//! - Everything else (public addresses) is followed.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::Serialize;

/// Why a redirect was not followed.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// A cloud metadata service (169.254.169.254, fd00:ec2::254, 100.100.100.200).
    Metadata,
    /// Link-local: 169.254.0.0/16 or fe80::/10.
    LinkLocal,
    /// 0.0.0.0/8 or `::`.
    Unspecified,
    /// Multicast, broadcast or a reserved range: no web server lives there.
    NotUnicast,
    /// Loopback, private, shared or unique-local, while the endpoint is not in that range.
    Internal,
    /// Another host than the endpoint's, which the profile does not allow (`serve` only).
    OtherHost,
}

impl Refusal {
    /// Why, in a sentence (for the JSON `error` and logs; findings have their own words).
    pub fn reason(self) -> &'static str {
        match self {
            Refusal::Metadata => "a cloud metadata address, never followed",
            Refusal::LinkLocal => "a link-local address, never followed",
            Refusal::Unspecified => "an unspecified address, never followed",
            Refusal::NotUnicast => "a multicast, broadcast or reserved address, never followed",
            Refusal::Internal => "a loopback or private address outside the endpoint's own range, not followed",
            Refusal::OtherHost => "another host, which the profile's redirect_hosts does not allow",
        }
    }
}

/// The IPv4 address an IPv6 address stands for, if it embeds one: IPv4-mapped
/// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated) or NAT64 (`64:ff9b::/96`).
pub fn canonical(ip: IpAddr) -> IpAddr {
    let IpAddr::V6(v6) = ip else {
        return ip;
    };
    if let Some(v4) = v6.to_ipv4_mapped() {
        return IpAddr::V4(v4);
    }
    let s = v6.segments();
    let low = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    let compatible = s[..6] == [0; 6] && u32::from(low) > 1;
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    if compatible || nat64 {
        IpAddr::V4(low)
    } else {
        ip
    }
}

/// The ranges a redirect is judged by: the never-followed ones, and the internal ones,
/// named so that the endpoint's range can be compared with the target's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Range {
    Never(Refusal),
    Internal(&'static str),
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: Ipv6Addr, net: Ipv6Addr, prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(net) & mask
}

fn range_v4(ip: Ipv4Addr) -> Option<Range> {
    const TABLE: &[([u8; 4], u32, Range)] = &[
        ([169, 254, 169, 254], 32, Range::Never(Refusal::Metadata)),
        ([100, 100, 100, 200], 32, Range::Never(Refusal::Metadata)),
        ([0, 0, 0, 0], 8, Range::Never(Refusal::Unspecified)),
        ([169, 254, 0, 0], 16, Range::Never(Refusal::LinkLocal)),
        ([224, 0, 0, 0], 4, Range::Never(Refusal::NotUnicast)),
        ([240, 0, 0, 0], 4, Range::Never(Refusal::NotUnicast)),
        ([127, 0, 0, 0], 8, Range::Internal("127.0.0.0/8")),
        ([10, 0, 0, 0], 8, Range::Internal("10.0.0.0/8")),
        ([172, 16, 0, 0], 12, Range::Internal("172.16.0.0/12")),
        ([192, 168, 0, 0], 16, Range::Internal("192.168.0.0/16")),
        ([100, 64, 0, 0], 10, Range::Internal("100.64.0.0/10")),
        ([198, 18, 0, 0], 15, Range::Internal("198.18.0.0/15")),
    ];
    TABLE
        .iter()
        .find(|(net, prefix, _)| in_v4(ip, *net, *prefix))
        .map(|(_, _, range)| *range)
}

fn range_v6(ip: Ipv6Addr) -> Option<Range> {
    const METADATA: Ipv6Addr = Ipv6Addr::new(0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254);
    let table: [(Ipv6Addr, u32, Range); 6] = [
        (METADATA, 128, Range::Never(Refusal::Metadata)),
        (Ipv6Addr::UNSPECIFIED, 128, Range::Never(Refusal::Unspecified)),
        (Ipv6Addr::LOCALHOST, 128, Range::Internal("::1")),
        (
            Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0),
            10,
            Range::Never(Refusal::LinkLocal),
        ),
        (
            Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0),
            8,
            Range::Never(Refusal::NotUnicast),
        ),
        (
            Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0),
            7,
            Range::Internal("fc00::/7"),
        ),
    ];
    table
        .iter()
        .find(|(net, prefix, _)| in_v6(ip, *net, *prefix))
        .map(|(_, _, range)| *range)
}

fn range(ip: IpAddr) -> Option<Range> {
    match canonical(ip) {
        IpAddr::V4(v4) => range_v4(v4),
        IpAddr::V6(v6) => range_v6(v6),
    }
}

/// Whether a redirect from an endpoint at `endpoint` may connect to `target`.
pub fn judge(endpoint: IpAddr, target: IpAddr) -> Result<(), Refusal> {
    match range(target) {
        None => Ok(()),
        Some(Range::Never(why)) => Err(why),
        Some(internal) if range(endpoint) == Some(internal) => Ok(()),
        Some(Range::Internal(_)) => Err(Refusal::Internal),
    }
}

/// Whether `host` (of a redirect's target) is one `allowed` names: the endpoint's own host,
/// a name in the list, a `*.suffix` pattern that matches, or `*` (any host). Names are
/// compared without case and without a trailing dot.
pub fn host_allowed(host: &str, own: &str, allowed: &[String]) -> bool {
    let norm = |h: &str| h.trim_end_matches('.').to_ascii_lowercase();
    let host = norm(host);
    host == norm(own)
        || allowed.iter().any(|a| {
            let a = norm(a);
            a == "*"
                || a == host
                || a.strip_prefix("*.")
                    .is_some_and(|suffix| host.len() > suffix.len() + 1 && host.ends_with(&format!(".{suffix}")))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn metadata_link_local_and_unspecified_are_never_followed_even_from_next_door() {
        for (target, why) in [
            ("169.254.169.254", Refusal::Metadata),
            ("100.100.100.200", Refusal::Metadata),
            ("fd00:ec2::254", Refusal::Metadata),
            ("169.254.1.1", Refusal::LinkLocal),
            ("fe80::1", Refusal::LinkLocal),
            ("0.0.0.0", Refusal::Unspecified),
            ("::", Refusal::Unspecified),
            ("224.0.0.1", Refusal::NotUnicast),
            ("255.255.255.255", Refusal::NotUnicast),
            ("ff02::1", Refusal::NotUnicast),
            ("::ffff:169.254.169.254", Refusal::Metadata),
            ("64:ff9b::a9fe:a9fe", Refusal::Metadata),
        ] {
            for endpoint in ["169.254.1.2", "203.0.113.7", "127.0.0.1", "fe80::2"] {
                assert_eq!(judge(ip(endpoint), ip(target)), Err(why), "{endpoint} -> {target}");
            }
        }
    }

    #[test]
    fn internal_ranges_only_from_an_endpoint_in_the_same_range() {
        for target in [
            "127.0.0.1",
            "10.1.2.3",
            "172.20.0.1",
            "192.168.1.1",
            "100.64.0.1",
            "::1",
            "fd12::1",
        ] {
            assert_eq!(judge(ip("203.0.113.7"), ip(target)), Err(Refusal::Internal), "{target}");
        }
        assert_eq!(judge(ip("127.0.0.1"), ip("127.0.0.2")), Ok(()));
        assert_eq!(judge(ip("10.0.0.1"), ip("10.9.9.9")), Ok(()));
        assert_eq!(judge(ip("::ffff:10.0.0.1"), ip("10.9.9.9")), Ok(()));
        // Next door is not the same range.
        assert_eq!(judge(ip("10.0.0.1"), ip("192.168.0.1")), Err(Refusal::Internal));
        assert_eq!(judge(ip("127.0.0.1"), ip("10.0.0.1")), Err(Refusal::Internal));
        assert_eq!(judge(ip("::1"), ip("127.0.0.1")), Err(Refusal::Internal));
        // IPv4 loopback hiding in IPv6 forms.
        for hidden in ["::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1"] {
            assert_eq!(judge(ip("203.0.113.7"), ip(hidden)), Err(Refusal::Internal), "{hidden}");
        }
    }

    #[test]
    fn public_addresses_are_followed() {
        for target in [
            "203.0.113.9",
            "8.8.8.8",
            "2001:db8::1",
            "172.32.0.1",
            "100.128.0.1",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(judge(ip("127.0.0.1"), ip(target)), Ok(()), "{target}");
        }
    }

    #[test]
    fn decimal_and_octal_hosts_are_the_addresses_they_mean() {
        for url in [
            "http://2852039166/",
            "http://0251.0376.0251.0376/",
            "http://0xa9.0xfe.0xa9.0xfe/",
            "http://[::ffff:a9fe:a9fe]/",
        ] {
            let u = url::Url::parse(url).unwrap();
            let host: IpAddr = match u.host().unwrap() {
                url::Host::Ipv4(v4) => IpAddr::V4(v4),
                url::Host::Ipv6(v6) => IpAddr::V6(v6),
                url::Host::Domain(d) => panic!("{url} read as the name {d}"),
            };
            assert_eq!(judge(ip("203.0.113.7"), host), Err(Refusal::Metadata), "{url}");
        }
    }

    #[test]
    fn allowed_hosts_by_name_pattern_or_any() {
        let allowed = vec!["login.wallet.example".to_owned(), "*.cdn.example".to_owned()];
        assert!(host_allowed("API.wallet.example.", "api.wallet.example", &[]));
        assert!(host_allowed("login.wallet.example", "api.wallet.example", &allowed));
        assert!(host_allowed("a.cdn.example", "api.wallet.example", &allowed));
        assert!(!host_allowed("cdn.example", "api.wallet.example", &allowed));
        assert!(!host_allowed("evilcdn.example", "api.wallet.example", &allowed));
        assert!(!host_allowed("other.example", "api.wallet.example", &allowed));
        assert!(host_allowed("other.example", "api.wallet.example", &["*".to_owned()]));
    }
}

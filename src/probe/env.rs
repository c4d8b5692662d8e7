//! The local environment, as far as it matters for a bind: proxies in effect, the interface
//! of the default route and whether it is wireless (Linux), free memory and disk.

use serde::Serialize;
#[cfg(feature = "probe")]
use std::path::Path;

/// A proxy variable in effect; credentials in its value are masked.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Proxy {
    pub var: String,
    pub value: String,
}

/// What was found about this machine. Fields are `None` where the OS does not tell.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Default, Serialize)]
pub struct Environment {
    pub os: &'static str,
    pub proxies: Vec<Proxy>,
    pub default_interface: Option<String>,
    /// Whether any default route exists, IPv4 or IPv6 (Linux; `None` where the OS does not
    /// tell). Without one, nothing beyond the local network can be reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_route: Option<bool>,
    pub wireless: Option<bool>,
    pub memory_available_bytes: Option<u64>,
    pub disk_available_bytes: Option<u64>,
}

#[cfg(feature = "probe")]
const PROXY_VARS: [&str; 8] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// `http://user:secret@proxy:3128` → `http://***@proxy:3128`: the one masker of URL
/// credentials, for proxy settings (which may have no scheme) and every URL a report shows
/// ([`super::shown_url`]). The authority ends at the first `/`, `?` or `#`.
pub fn mask_credentials(value: &str) -> String {
    let (scheme, rest) = match value.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), value),
    };
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..host_end].rfind('@') {
        Some(at) => format!("{scheme}***{}", &rest[at..]),
        None => value.to_owned(),
    }
}

#[cfg(feature = "probe")]
/// The interface of the default IPv4 route, from `/proc/net/route`.
fn default_interface(route_table: &str) -> Option<String> {
    route_table.lines().skip(1).find_map(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        (cols.len() > 2 && cols[1] == "00000000").then(|| cols[0].to_owned())
    })
}

#[cfg(feature = "probe")]
/// Whether `/proc/net/ipv6_route` holds a default route (`::/0`) other than the kernel's
/// unreachable placeholder on the loopback interface.
fn has_ipv6_default(route_table: &str) -> bool {
    route_table.lines().any(|line| {
        let cols: Vec<&str> = line.split_whitespace().collect();
        cols.len() >= 10 && cols[0].bytes().all(|b| b == b'0') && cols[1] == "00" && cols[9] != "lo"
    })
}

#[cfg(feature = "probe")]
/// `MemAvailable` from `/proc/meminfo`, in bytes.
fn mem_available(meminfo: &str) -> Option<u64> {
    meminfo.lines().find_map(|l| {
        let rest = l.strip_prefix("MemAvailable:")?;
        rest.trim()
            .trim_end_matches("kB")
            .trim()
            .parse::<u64>()
            .ok()
            .map(|kb| kb * 1024)
    })
}

#[cfg(feature = "probe")]
/// This machine's name, from gethostname(2) (Linux; `None` elsewhere, or when it is empty or
/// holds a control character, which no report format could show). Never from the network.
pub fn hostname() -> Option<String> {
    #[cfg(target_os = "linux")]
    let name = nix::unistd::gethostname().ok().and_then(|n| n.into_string().ok());
    #[cfg(not(target_os = "linux"))]
    let name: Option<String> = None;
    name.filter(|n| !n.is_empty() && !n.chars().any(char::is_control))
}

#[cfg(feature = "probe")]
/// Looks at the environment variables, `/proc` and `/sys`, and the disk holding `dir`.
pub fn gather(dir: &Path) -> Environment {
    let proxies = PROXY_VARS
        .iter()
        .filter_map(|var| {
            let value = std::env::var(var).ok().filter(|v| !v.is_empty())?;
            Some(Proxy {
                var: (*var).to_owned(),
                value: mask_credentials(&value),
            })
        })
        .collect();
    let route_v4 = std::fs::read_to_string("/proc/net/route").ok();
    let route_v6 = std::fs::read_to_string("/proc/net/ipv6_route").ok();
    let default_interface = route_v4.as_deref().and_then(default_interface);
    let default_route = match (&route_v4, &route_v6) {
        (None, None) => None,
        _ => Some(default_interface.is_some() || route_v6.as_deref().is_some_and(has_ipv6_default)),
    };
    let wireless = default_interface.as_ref().map(|iface| {
        let sys = Path::new("/sys/class/net").join(iface);
        sys.join("wireless").exists() || sys.join("phy80211").exists()
    });
    Environment {
        os: std::env::consts::OS,
        proxies,
        default_interface,
        default_route,
        wireless,
        memory_available_bytes: std::fs::read_to_string("/proc/meminfo")
            .ok()
            .as_deref()
            .and_then(mem_available),
        disk_available_bytes: fs4::available_space(dir).ok(),
    }
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;

    #[test]
    fn proxy_credentials_are_masked() {
        assert_eq!(
            mask_credentials("http://user:secret@proxy:3128"),
            "http://***@proxy:3128"
        );
        assert_eq!(mask_credentials("proxy.corp:8080"), "proxy.corp:8080");
        // An @ in the query is not userinfo.
        assert_eq!(mask_credentials("http://host/?to=a@b"), "http://host/?to=a@b");
        assert_eq!(mask_credentials("http://host?to=a@b"), "http://host?to=a@b");
        assert_eq!(mask_credentials("user:pw@host:1"), "***@host:1");
        assert_eq!(
            mask_credentials("socks5://a@b@host:1080/x@y"),
            "socks5://***@host:1080/x@y"
        );
    }

    #[test]
    fn proc_files_are_read() {
        let route =
            "Iface\tDestination\tGateway\tFlags\nwlan0\t0000A8C0\t00000000\t0001\nwlan0\t00000000\t0100A8C0\t0003\n";
        assert_eq!(default_interface(route).as_deref(), Some("wlan0"));
        assert_eq!(default_interface("Iface\tDestination\n"), None);
        assert_eq!(
            mem_available("MemTotal: 100 kB\nMemAvailable:    2048 kB\n"),
            Some(2048 * 1024)
        );
    }

    #[test]
    fn this_machine_can_be_described() {
        let env = gather(Path::new("."));
        assert!(!env.os.is_empty());
        if cfg!(target_os = "linux") {
            assert!(env.memory_available_bytes.unwrap_or(0) > 0);
        }
        assert!(env.disk_available_bytes.is_some());
    }
}

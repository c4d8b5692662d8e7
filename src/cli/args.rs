//! Argument parsing and loading shared by several subcommands.

use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;
use url::Url;

use super::{ErrorKind, UsageError};
use crate::profile::Profile;

/// `500ms`, `5s`, `2m`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    humantime::parse_duration(s).map_err(|e| format!("{e} (write durations like 500ms, 5s or 2m)"))
}

/// A DNS server: `IP` (port 53) or `IP:port`.
pub fn parse_resolver(s: &str) -> Result<SocketAddr, String> {
    s.parse::<SocketAddr>()
        .or_else(|_| s.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
        .map_err(|_| "expected an IP address, optionally with :port (e.g. 223.5.5.5 or 127.0.0.1:5353)".to_owned())
}

/// The PEM of `--ca-file`, if given.
pub fn read_ca_file(path: Option<&Path>) -> Result<Option<Vec<u8>>, UsageError> {
    path.map(|p| {
        std::fs::read(p).map_err(|e| {
            UsageError::new(
                format!("cannot read the CA file {}: {e}", p.display()),
                "check the path given to --ca-file",
            )
            .kind(ErrorKind::Config)
        })
    })
    .transpose()
}

/// `--profile FILE`, or the embedded profile for none or `default`.
pub fn load_profile(spec: Option<&str>) -> Result<Profile, UsageError> {
    match spec {
        None | Some("default") => Ok(Profile::default_profile()),
        Some(path) => Profile::load(Path::new(path)).map_err(|e| {
            UsageError::new(format!("{}:{}:{}: {}", e.source, e.line, e.column, e.message), e.hint)
                .kind(ErrorKind::Config)
        }),
    }
}

/// The async runtime the network commands run on.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// An endpoint URL given on the command line: http or https, with a host.
pub fn parse_endpoint_url(raw: &str) -> Result<Url, UsageError> {
    Url::parse(raw)
        .ok()
        .filter(|u| crate::probe::host_port(u).is_some())
        .ok_or_else(|| {
            UsageError::new(
                format!("`{raw}` is not an http or https URL"),
                "write the full URL, e.g. https://api.wallet.example/v1/health",
            )
        })
}

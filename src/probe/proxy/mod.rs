//! Proxies: which one a request goes through, and what that proxy does with a CONNECT.
//!
//! [`ProxySettings`] (`settings`) reads the proxy variables (or a profile's `proxy`) once
//! and decides per URL ([`ProxySettings::for_url`]), with the hosts that bypass the proxy
//! read from `NO_PROXY` ([`NoProxy`], `no_proxy`). The application path
//! ([`super::app`]) hands reqwest that same decision instead of letting it read the
//! environment itself, so the CONNECT probe and the app's request can never disagree about
//! whether a proxy is in the way.
//!
//! [`tunnel`] (`connect`) is bindcheck's own CONNECT, phase by phase (the proxy's name,
//! the connection to it, its answer), so a report can say exactly what the proxy did: not
//! found, not answering, asking for credentials (407), refusing the destination (403). An
//! HTTP stack only says "tunnel failed".

mod connect;
mod no_proxy;
mod settings;

#[cfg(feature = "probe")]
pub use connect::{tunnel, Tunnel};
pub use connect::{ProxyPath, TunnelResult, TunnelStatus, MAX_ANSWER_HEAD};
pub use no_proxy::NoProxy;
pub use settings::{parse_proxy_url, ProxyRoute, ProxySettings, ProxySource, ProxyUrlError};

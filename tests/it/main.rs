//! bindcheck's integration tests: one binary, one module per area.
#![allow(clippy::print_stderr, clippy::print_stdout)]

#[cfg(all(feature = "cli", target_os = "linux"))]
mod attack;
#[cfg(feature = "cli")]
mod check;
#[cfg(feature = "cli")]
mod cli;
#[cfg(feature = "probe")]
mod daemons;
#[cfg(feature = "cli")]
mod docs;
#[cfg(feature = "cli")]
mod junit;
#[cfg(all(feature = "cli", target_os = "linux"))]
mod netns;
#[cfg(feature = "cli")]
mod privacy;
#[cfg(feature = "probe")]
mod probe;
#[cfg(feature = "cli")]
mod prometheus;
mod props;
#[cfg(feature = "probe")]
mod proxy;
#[cfg(all(feature = "cli", unix))]
mod reads;
mod reference;
#[cfg(all(feature = "cli", target_os = "linux"))]
mod scenarios;
#[cfg(feature = "cli")]
mod schemas;
#[cfg(feature = "cli")]
mod serve;
#[cfg(feature = "probe")]
mod servers;
#[cfg(feature = "cli")]
mod snapshots;
mod wasm_cases;
#[cfg(feature = "cli")]
mod zh;

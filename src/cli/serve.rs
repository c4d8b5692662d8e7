//! `bindcheck serve`: the command-line front of the library's HTTP API (`bindcheck::serve`):
//! flags, logging, signals.

use clap::Args;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::args::{load_profile, plan_error, probe_config, EndpointArgs, NetArgs, ValueError};
use super::{ErrorKind, Outcome, UsageError};
use bindcheck::profile::CorsOrigin;
use bindcheck::serve::{serve, Limits, ServeState};

/// How long a scrape without a timeout header may take.
const DEFAULT_SCRAPE_DEADLINE: Duration = Duration::from_secs(10);

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck serve --profile staging.toml\n  \
curl -s localhost:9477/v1/validate -d '{\"phone\": \"138 0013 8000\", \"lang\": \"zh-CN\"}'\n  \
curl -s 'localhost:9477/probe?target=api&module=http'\n  \
bindcheck serve --cors-origin https://shop.example   (pages there may call /v1/validate)\n\n\
See docs/serve.md for a Prometheus scrape configuration, an alerting rule and a Kubernetes manifest.")]
pub struct ServeArgs {
    /// The profile whose endpoints may be probed and whose policy validates inputs.
    #[arg(long, value_name = "FILE|default")]
    profile: Option<String>,
    /// Address to listen on (loopback only unless you say otherwise).
    #[arg(long, default_value = "127.0.0.1:9477", value_name = "ADDR")]
    listen: SocketAddr,
    /// Network flags: --deadline is for scrapes that do not send
    /// X-Prometheus-Scrape-Timeout-Seconds.
    #[command(flatten)]
    net: NetArgs,
    /// Probe flags: --count is for the `full` module.
    #[command(flatten)]
    probes: EndpointArgs,
    /// Client connections open at once [default: 1024, or fewer to fit `ulimit -n`]. At the
    /// cap a new connection replaces the oldest idle one; when all are busy it gets a 503.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    max_connections: Option<u32>,
    /// Let pages on this origin call the API from a browser (CORS), e.g.
    /// https://shop.example; repeatable, besides the profile's `[serve] cors_origins`.
    /// Off unless an origin is given.
    #[arg(long = "cors-origin", value_name = "ORIGIN", value_parser = parse_cors_origin)]
    cors_origins: Vec<CorsOrigin>,
}

/// A `--cors-origin` value; the error does not repeat it (it may hold a password).
fn parse_cors_origin(value: &str) -> Result<CorsOrigin, ValueError> {
    CorsOrigin::parse(value).map_err(|e| ValueError::new((e.to_string(), e.zh()), (e.hint(), e.hint_zh())))
}

async fn termination() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}

/// A handler that panics is answered 500 and counted (`bindcheck_http_panics_total`); the
/// log gets one line with where it happened, never the panic's message or a backtrace
/// (either could hold a value from the request).
fn quiet_panics() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map_or_else(String::new, |l| format!("{}:{}", l.file(), l.line()));
        tracing::error!(
            at,
            "a request handler panicked; the request was answered 500 (please report this bug)"
        );
    }));
}

/// Connections the kernel queues for `accept`: Linux's default `somaxconn`. Under a flood
/// of new connections a short queue drops SYNs, and a client that retries waits a second.
const ACCEPT_QUEUE: u32 = 4096;

fn listen_on(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(ACCEPT_QUEUE)
}

pub fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let profile = load_profile(args.profile.as_deref())?;
    let mut base =
        probe_config(&args.net, &args.probes, DEFAULT_SCRAPE_DEADLINE).map_err(|e| e.kind(ErrorKind::Config))?;
    // Scrapes measure the direct path only: the application path's client keeps one list of
    // redirect hosts, where serve follows each target's own (docs/serve.md).
    base.app_path = false;
    let deadline = base.deadline;
    let ansi = super::term::color(&std::io::stderr());
    // RUST_LOG as tracing's EnvFilter reads it (`warn` turns the request lines off);
    // `info` without it.
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
    let runtime = super::args::runtime()?;
    runtime.block_on(async {
        let mut limits = Limits::default();
        if let Some(n) = args.max_connections {
            limits.max_connections = n as usize;
        }
        let state = ServeState::new(profile, base, deadline)
            .map_err(plan_error)?
            .with_limits(limits)
            .with_cors_origins(args.cors_origins);
        quiet_panics();
        let listener = listen_on(args.listen).map_err(|e| {
            UsageError::new(
                format!("cannot listen on {}: {e}", args.listen),
                "choose another --listen address or port",
            )
            .zh(format!("无法监听 {}：{e}", args.listen), "请换一个 --listen 地址或端口")
            .kind(ErrorKind::Config)
        })?;
        let listen = listener.local_addr().unwrap_or(args.listen);
        let limits = state.limits();
        let cors: Vec<&str> = state.cors_origins().iter().map(CorsOrigin::as_str).collect();
        tracing::info!(
            %listen,
            profile = %state.profile().name,
            max_connections = limits.max_connections,
            cors_origins = %if cors.is_empty() { "none".to_owned() } else { cors.join(",") },
            "bindcheck serve is ready"
        );
        serve(listener, Arc::new(state), termination())
            .await
            .map_err(anyhow::Error::from)
    })?;
    Ok(Outcome::Valid)
}

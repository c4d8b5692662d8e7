//! `bindcheck serve`: a validation API for form back ends and a Prometheus exporter, in the
//! manner of blackbox_exporter: Prometheus schedules the probes, bindcheck runs them.
//!
//! - `POST /v1/validate`: the inputs as JSON; the same per-field results as
//!   `bindcheck validate --format json`, masked.
//! - `GET /probe?target=NAME&module=http|full`: the profile's checks for one configured
//!   endpoint, as Prometheus text. Only endpoints named in the profile can be probed.
//! - `GET /metrics`: bindcheck's own metrics. `GET /healthz`.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, MatchedPath, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use clap::Args;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use serde::Deserialize;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

use super::args::{load_profile, parse_duration, read_ca_file};
use super::batch::inputs_from_json;
use super::render::Record;
use super::validate::parse_region;
use super::{today, Outcome, UsageError};
use crate::probe::{Method, ProbeConfig, Prober, ResolverChoice, Timeouts};
use crate::profile::Profile;
use crate::report::render::prometheus;
use crate::report::rules::{self, Evidence};
use crate::report::Verdict;
use crate::validate::{validate, Inputs, Lang};

/// Largest request body `/v1/validate` accepts.
pub const BODY_LIMIT: usize = 16 * 1024;

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck serve --profile staging.toml\n  \
curl -s localhost:9477/v1/validate -d '{\"phone\": \"138 0013 8000\", \"lang\": \"zh-CN\"}'\n  \
curl -s 'localhost:9477/probe?target=api&module=http'\n\n\
See docs/serve.md for a Prometheus scrape configuration, an alerting rule and a Kubernetes manifest.")]
pub struct ServeArgs {
    /// The profile whose endpoints may be probed and whose policy validates inputs.
    #[arg(long, value_name = "FILE|default")]
    profile: Option<String>,
    /// Address to listen on (loopback only unless you say otherwise).
    #[arg(long, default_value = "127.0.0.1:9477", value_name = "ADDR")]
    listen: SocketAddr,
    /// Connect probes per address for the `full` module.
    #[arg(long, default_value_t = 20, value_name = "N")]
    count: u32,
    /// Probe deadline when a scrape does not send X-Prometheus-Scrape-Timeout-Seconds.
    #[arg(long, default_value = "10s", value_parser = parse_duration, value_name = "DUR")]
    deadline: Duration,
    /// A private CA certificate (PEM) to trust besides the system's.
    #[arg(long, value_name = "FILE")]
    ca_file: Option<std::path::PathBuf>,
    /// DNS server to ask instead of the system's: IP:port.
    #[arg(long, value_name = "IP:PORT")]
    resolver: Option<SocketAddr>,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteOnly {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ProbeLabels {
    target: String,
    module: String,
    verdict: String,
}

/// bindcheck's own metrics.
struct Metrics {
    registry: Registry,
    requests: Family<RouteLabels, Counter>,
    durations: Family<RouteOnly, Histogram>,
    probes: Family<ProbeLabels, Counter>,
}

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::with_prefix("bindcheck");
        let requests = Family::<RouteLabels, Counter>::default();
        let durations = Family::<RouteOnly, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 4.0, 9))
        });
        let probes = Family::<ProbeLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests served, by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer a request, by route",
            durations.clone(),
        );
        registry.register(
            "probe_runs",
            "Probes run for scrapes, by target, module and verdict",
            probes.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            probes,
        }
    }
}

/// What the server shares between requests.
pub struct ServeState {
    profile: Profile,
    /// For the `http` module (no loss probes) and the `full` module.
    http: Arc<Prober>,
    full: Arc<Prober>,
    default_deadline: Duration,
    metrics: Metrics,
}

impl ServeState {
    /// Builds the probers for `profile`.
    pub fn new(profile: Profile, base: ProbeConfig, default_deadline: Duration) -> Result<ServeState, String> {
        let build = |count| {
            Prober::builder(ProbeConfig {
                count,
                compare_resolvers: profile.compare_resolvers.clone(),
                ..base.clone()
            })
            .build()
            .map(Arc::new)
            .map_err(|e| e.to_string())
        };
        Ok(ServeState {
            http: build(0)?,
            full: build(base.count)?,
            profile,
            default_deadline,
            metrics: Metrics::new(),
        })
    }
}

fn error(status: StatusCode, message: &str, hint: &str) -> Response {
    let body = serde_json::json!({ "error": message, "hint": hint });
    (status, [(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

fn lang_of(value: Option<&serde_json::Value>, headers: &HeaderMap) -> Result<Lang, String> {
    match value {
        Some(serde_json::Value::String(s)) => s.parse::<Lang>().map_err(|e| e.to_string()),
        Some(serde_json::Value::Null) | None => Ok(headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map_or(Lang::En, Lang::from_locale)),
        Some(_) => Err("`lang` must be a string".to_owned()),
    }
}

async fn validate_handler(State(state): State<Arc<ServeState>>, headers: HeaderMap, body: Bytes) -> Response {
    // serde_json's syntax errors give a position, never the text around it.
    let mut value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "the body is not valid JSON ({:?} error at line {} column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                ),
                "send a JSON object such as {\"phone\": \"138 0013 8000\"}",
            )
        }
    };
    let lang = match lang_of(value.get("lang"), &headers) {
        Ok(l) => l,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e, "use \"en\" or \"zh-CN\""),
    };
    if let Some(map) = value.as_object_mut() {
        map.remove("lang");
    }
    let (inputs, region): (Inputs, Option<String>) = match inputs_from_json(value, true) {
        Ok(v) => v,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e, "see docs/serve.md for the request format"),
    };
    if inputs.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "nothing to check",
            "give at least one of phone, email, card, expiry, cvv, id_number, name",
        );
    }
    let mut policy = state.profile.policy.clone();
    if let Some(region) = region {
        match parse_region(&region) {
            Ok(r) => policy.phone.default_region = r,
            Err(e) => return error(StatusCode::BAD_REQUEST, &e.message, &e.hint),
        }
    }
    let result = validate(&inputs, &policy, today());
    let fields = result.views(&inputs, lang, false);
    let record = Record {
        row: None,
        ok: result.ok(),
        fields: &fields,
    };
    match serde_json::to_string(&record) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "cannot encode the answer",
            "report this as a bug",
        ),
    }
}

#[derive(Deserialize)]
struct ProbeQuery {
    target: Option<String>,
    module: Option<String>,
}

async fn probe_handler(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    Query(q): Query<ProbeQuery>,
) -> Response {
    let started = Instant::now();
    let names: Vec<&str> = state.profile.endpoints.iter().map(|e| e.name.as_str()).collect();
    let Some(target) = q.target.as_deref() else {
        return (
            StatusCode::BAD_REQUEST,
            format!("missing `target`: one of {}\n", names.join(", ")),
        )
            .into_response();
    };
    // Only endpoints the profile names: bindcheck is not an open proxy.
    let Some(endpoint) = state.profile.endpoints.iter().find(|e| e.name == target) else {
        return (
            StatusCode::NOT_FOUND,
            format!(
                "unknown target `{target}`: this server probes only its profile's endpoints ({})\n",
                names.join(", ")
            ),
        )
            .into_response();
    };
    let module = q.module.as_deref().unwrap_or("http");
    let prober = match module {
        "http" => &state.http,
        "full" => &state.full,
        other => {
            return (
                StatusCode::BAD_REQUEST,
                format!("unknown module `{other}`: use http or full\n"),
            )
                .into_response()
        }
    };
    // Finish before Prometheus gives up on the scrape.
    let budget = headers
        .get("x-prometheus-scrape-timeout-seconds")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .map_or(state.default_deadline, |s| Duration::from_secs_f64((s - 0.5).max(0.5)));
    let deadline = tokio::time::Instant::now() + budget;
    let reports = prober
        .probe_until(&[(endpoint.url.clone(), endpoint.method)], deadline)
        .await;
    let mut profile = state.profile.clone();
    profile.endpoints.retain(|e| e.name == target);
    let inputs = Inputs::default();
    let report = rules::build(
        Evidence {
            profile: &profile,
            inputs: &inputs,
            validation: &Default::default(),
            endpoints: reports,
            mail: None,
            app_version: None,
            environment: None,
            insecure: false,
            unmasked: false,
            generated_at: humantime::format_rfc3339_seconds(SystemTime::now()).to_string(),
            duration_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1000.0,
        },
        Lang::En,
    );
    let verdict = match report.verdict {
        Verdict::Ready => "ready",
        Verdict::Degraded => "degraded",
        Verdict::Blocked => "blocked",
    };
    state
        .metrics
        .probes
        .get_or_create(&ProbeLabels {
            target: target.to_owned(),
            module: module.to_owned(),
            verdict: verdict.to_owned(),
        })
        .inc();
    let mut out = Vec::new();
    if prometheus::render(&report, &mut out).is_err() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot encode the metrics\n").into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    )
        .into_response()
}

async fn metrics_handler(State(state): State<Arc<ServeState>>) -> Response {
    let mut text = String::new();
    if prometheus_client::encoding::text::encode(&mut text, &state.metrics.registry).is_err() {
        return (StatusCode::INTERNAL_SERVER_ERROR, "cannot encode the metrics\n").into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        text,
    )
        .into_response()
}

async fn record(State(state): State<Arc<ServeState>>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let m = &state.metrics;
    m.requests
        .get_or_create(&RouteLabels {
            route: route.clone(),
            status: response.status().as_u16(),
        })
        .inc();
    m.durations
        .get_or_create(&RouteOnly { route })
        .observe(started.elapsed().as_secs_f64());
    response
}

/// The application: routes, body limit, metrics and request logs (method, path, status and
/// latency only: request bodies, where inputs are, are never logged).
pub fn router(state: Arc<ServeState>) -> Router {
    Router::new()
        .route("/v1/validate", post(validate_handler))
        .route("/probe", get(probe_handler))
        .route("/metrics", get(metrics_handler))
        .route("/healthz", get(|| async { "ok\n" }))
        .layer(middleware::from_fn_with_state(state.clone(), record))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// Serves on `listener` until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServeState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
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

pub fn run(args: ServeArgs) -> anyhow::Result<Outcome> {
    let profile = load_profile(args.profile.as_deref())?;
    let ca_pem = read_ca_file(args.ca_file.as_deref())?;
    let base = ProbeConfig {
        count: args.count,
        resolver: args.resolver.map_or(ResolverChoice::System, ResolverChoice::Server),
        ca_pem,
        timeouts: Timeouts::default(),
        method: Method::Get,
        ..ProbeConfig::default()
    };
    use std::io::IsTerminal;
    let ansi = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    tracing_subscriber::fmt()
        .with_target(false)
        .with_ansi(ansi)
        .with_writer(std::io::stderr)
        .init();
    let runtime = super::args::runtime()?;
    runtime.block_on(async {
        let state = ServeState::new(profile, base, args.deadline)
            .map_err(|e| UsageError::new(e, "check the profile's resolvers and --ca-file"))?;
        let listener = tokio::net::TcpListener::bind(args.listen).await.map_err(|e| {
            UsageError::new(
                format!("cannot listen on {}: {e}", args.listen),
                "choose another --listen address or port",
            )
        })?;
        tracing::info!(listen = %args.listen, profile = %state.profile.name, "bindcheck serve is ready");
        serve(listener, Arc::new(state), termination())
            .await
            .map_err(anyhow::Error::from)
    })?;
    Ok(Outcome::Valid)
}

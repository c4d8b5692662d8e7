//! The HTTP API of `bindcheck serve`, as a library: a validation API for form back ends and
//! a Prometheus exporter in the manner of blackbox_exporter (Prometheus schedules the
//! probes, bindcheck runs them). Mount [`router`] in an axum application of your own, or run
//! [`serve`] on a listener.
//!
//! - `POST /v1/validate`: the inputs as JSON; the same per-field results as
//!   `bindcheck validate --format json`, masked.
//! - `GET /probe?target=NAME&module=http|full`: the profile's checks for one configured
//!   endpoint, as Prometheus text. Only endpoints named in the profile can be probed.
//! - `GET /metrics`: bindcheck's own metrics. `GET /healthz`.
//! - `GET /openapi.json`: the OpenAPI 3.1 document of all of this ([`openapi::document`]).
//!
//! Every answer carries an `X-Request-Id` (the request's own when it is usable, else a new
//! one) that every log line of the request names. Errors are `{"error", "hint"}`
//! ([`ApiError`]) in the caller's language. Browsers on the origins the profile's
//! `[serve] cors_origins` lists (and [`ServeState::with_cors_origins`]) may call the API.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, MatchedPath, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use futures_util::future::{BoxFuture, FutureExt, Shared};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use serde::Deserialize;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::check::{Plan, PlanBuilder, PlanError, Scope, TracePolicy};
use crate::probe::tcp::ConnectionLimit;
use crate::probe::ProbeConfig;
use crate::profile::{CorsOrigin, EndpointId, Profile};
use crate::report::render::prometheus;
use crate::report::{today_utc, Report};
use crate::validate::{inputs_from_json, validate, Inputs, Lang, Record, Region};

mod listen;
pub mod openapi;
mod problem;
pub use listen::Limits;
pub use problem::ApiError;
use problem::{header_lang, Problem};

/// Largest request body `/v1/validate` accepts.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Connections all of the server's probes may hold open at once, unless the probe
/// configuration given to [`ServeState::new`] has a limit of its own.
pub const OUTBOUND_CONNECTIONS: usize = 64;

/// The longest a scrape may take, whatever its `X-Prometheus-Scrape-Timeout-Seconds` says.
pub const MAX_SCRAPE_BUDGET: Duration = Duration::from_secs(300);

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
    /// Scrapes that were answered from a run another scrape had started.
    probes_shared: Counter,
    panics: Counter,
    connections_open: Gauge,
    connections_replaced: Counter,
    connections_refused: Counter,
    connections_shed: Counter,
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
        let counter = |registry: &mut Registry, name: &str, help: &str| {
            let c = Counter::default();
            registry.register(name, help, c.clone());
            c
        };
        let probes_shared = counter(
            &mut registry,
            "probe_runs_shared",
            "Scrapes answered with the result of a run of the same target and module already under way",
        );
        let panics = counter(
            &mut registry,
            "http_panics",
            "Requests whose handler panicked (answered 500); none is expected",
        );
        let connections_replaced = counter(
            &mut registry,
            "connections_replaced",
            "Idle or slow connections closed at the connection cap to make room for a new one",
        );
        let connections_refused = counter(
            &mut registry,
            "connections_refused",
            "Connections answered 503 because every open connection was busy",
        );
        let connections_shed = counter(
            &mut registry,
            "connections_shed",
            "New connections closed at the connection cap because their request had not arrived and no open connection was old enough to give way",
        );
        let connections_open = Gauge::default();
        registry.register(
            "connections_open",
            "Client connections open now",
            connections_open.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            probes,
            probes_shared,
            panics,
            connections_open,
            connections_replaced,
            connections_refused,
            connections_shed,
        }
    }
}

/// A probe run under way, which scrapes of the same target and module wait for.
type Flight = Shared<BoxFuture<'static, Option<Arc<Report>>>>;

/// What the server shares between requests: the profile, once, and a plan per module.
pub struct ServeState {
    /// The `http` module: DNS, connect, TLS and HTTP, no loss probes.
    http: Plan,
    /// The `full` module: the `http` module and the loss probes.
    full: Plan,
    default_deadline: Duration,
    metrics: Metrics,
    limits: Limits,
    /// Room for requests to the routes that do work.
    in_flight: Arc<Semaphore>,
    /// Runs under way, at most one per target and module.
    flights: Mutex<HashMap<(EndpointId, Module), Flight>>,
    /// The origins whose pages may call the API from a browser (CORS).
    cors_origins: Vec<CorsOrigin>,
}

impl ServeState {
    /// Plans for `profile`'s endpoints with the probe settings of `base`; a scrape that does
    /// not say how long it may take gets `default_deadline`. All scrapes share one cap on
    /// outbound connections: `base`'s, or [`OUTBOUND_CONNECTIONS`]. The server's limits are
    /// [`Limits::default`] until [`ServeState::with_limits`].
    pub fn new(profile: Profile, mut base: ProbeConfig, default_deadline: Duration) -> Result<ServeState, PlanError> {
        let cors_origins = profile.cors_origins.clone();
        let profile = Arc::new(profile);
        if base.connection_limit.is_none() {
            base.connection_limit = Some(ConnectionLimit::new(OUTBOUND_CONNECTIONS));
        }
        // A scrape's redirects stay on the endpoint's host unless the profile says where
        // else they may go: /probe must not become a way to reach other hosts.
        base.cross_host_redirects = false;
        // Scrapes measure the direct path only unless the profile asks for the app's too
        // (`[serve] app_path`, docs/serve.md); its redirects follow each target's own
        // `redirect_hosts`, as the direct path's do.
        base.app_path = profile.serve_app_path;
        let limits = Limits::default();
        let plan = |count| {
            PlanBuilder::shared(Arc::clone(&profile))
                .probe(ProbeConfig { count, ..base.clone() })
                .deadline(default_deadline)
                .trace(TracePolicy::Never)
                .environment(false)
                .build()
        };
        Ok(ServeState {
            http: plan(0)?,
            full: plan(base.count)?,
            default_deadline,
            metrics: Metrics::new(),
            in_flight: Arc::new(Semaphore::new(limits.max_in_flight.max(1))),
            limits,
            flights: Mutex::new(HashMap::new()),
            cors_origins,
        })
    }

    /// The same state, letting pages on `origins` call the API from a browser too, besides
    /// the profile's `[serve] cors_origins` (docs/serve.md, "CORS").
    #[must_use]
    pub fn with_cors_origins(mut self, origins: impl IntoIterator<Item = CorsOrigin>) -> ServeState {
        for origin in origins {
            if !self.cors_origins.contains(&origin) {
                self.cors_origins.push(origin);
            }
        }
        self
    }

    /// The origins whose pages may call the API from a browser; none: CORS is off.
    pub fn cors_origins(&self) -> &[CorsOrigin] {
        &self.cors_origins
    }

    /// The same state under other limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> ServeState {
        self.in_flight = Arc::new(Semaphore::new(limits.max_in_flight.max(1)));
        self.limits = limits;
        self
    }

    /// The limits the server runs under.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    fn plan(&self, module: Module) -> &Plan {
        match module {
            Module::Http => &self.http,
            Module::Full => &self.full,
        }
    }

    /// The run for `id` and `module`: the one under way, or a new one within `budget`.
    /// The run goes on if its scrapes give up, and leaves the table when it ends.
    fn flight(self: &Arc<Self>, id: EndpointId, module: Module, budget: Duration) -> (Flight, bool) {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(flight) = flights.get(&(id, module)) {
            return (flight.clone(), true);
        }
        let state = Arc::clone(self);
        let run = tokio::spawn(async move {
            let scope = Scope {
                endpoints: Some(vec![id]),
                deadline: Some(budget),
            };
            let report = Arc::new(state.plan(module).run_scoped(&scope).await);
            let mut flights = state.flights.lock().unwrap_or_else(PoisonError::into_inner);
            flights.remove(&(id, module));
            report
        });
        let flight = async move { run.await.ok() }.boxed().shared();
        flights.insert((id, module), flight.clone());
        (flight, false)
    }

    /// The profile the server validates and probes with.
    pub fn profile(&self) -> &Profile {
        self.http.profile()
    }
}

/// The answer's language: the body's `lang`, else `Accept-Language`, else English. A `lang`
/// that is not a language is refused with a message that does not repeat it.
fn lang_of(value: Option<&serde_json::Value>, headers: &HeaderMap) -> Result<Lang, Problem> {
    match value {
        Some(serde_json::Value::String(s)) => s.parse::<Lang>().map_err(|_| Problem::UnknownLang),
        Some(serde_json::Value::Null) | None => Ok(header_lang(headers)),
        Some(_) => Err(Problem::LangNotAString),
    }
}

/// `POST /v1/validate`. An error made before the body's `lang` is read is in the language
/// of `Accept-Language` (`Problem::answer(None)`); after, in the body's.
async fn validate_handler(
    State(state): State<Arc<ServeState>>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Problem::TooLarge(BODY_LIMIT).answer(None),
        Err(_) => return Problem::BodyUnreadable.answer(None),
    };
    // serde_json's syntax errors give a position, never the text around it.
    let mut value: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return Problem::of_json(&e).answer(None),
    };
    let lang = match lang_of(value.get("lang"), &headers) {
        Ok(l) => l,
        Err(problem) => return problem.answer(None),
    };
    if let Some(map) = value.as_object_mut() {
        map.remove("lang");
    }
    let (inputs, region): (Inputs, Option<String>) = match inputs_from_json(value) {
        Ok(v) => v,
        Err(e) => return Problem::of_row(&e).answer(Some(lang)),
    };
    if inputs.is_empty() {
        return Problem::NothingToCheck.answer(Some(lang));
    }
    let mut policy = state.profile().policy.clone();
    if let Some(region) = region {
        match Region::parse_optional(&region) {
            Ok(r) => policy.phone.default_region = r,
            Err(_) => return Problem::UnknownRegion.answer(Some(lang)),
        }
    }
    let result = validate(&inputs, &policy, today_utc());
    let fields = result.views(&inputs, lang, false);
    let record = Record {
        row: None,
        ok: result.ok(),
        fields: &fields,
    };
    match serde_json::to_vec(&record) {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(_) => Problem::Unencodable.answer(Some(lang)),
    }
}

/// What a `/probe` scrape measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Module {
    /// DNS, connect, TLS and HTTP.
    Http,
    /// The same, and the loss probes.
    Full,
}

impl Module {
    fn as_str(self) -> &'static str {
        match self {
            Module::Http => "http",
            Module::Full => "full",
        }
    }
}

impl std::str::FromStr for Module {
    type Err = ();

    fn from_str(s: &str) -> Result<Module, ()> {
        [Module::Http, Module::Full]
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or(())
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
    let profile = state.profile();
    // Plain text, read by Prometheus (English) or by a person at a browser, whose
    // `Accept-Language` may ask for Chinese.
    let lang = problem::header_lang(&headers);
    let names = || {
        let names: Vec<&str> = profile.endpoints.iter().map(|e| e.name.as_str()).collect();
        match lang {
            Lang::En => names.join(", "),
            Lang::ZhCn => format!("`{}`", names.join("`、`")),
        }
    };
    let Some(target) = q.target.as_deref() else {
        let said = match lang {
            Lang::En => format!("missing `target`: one of {}\n", names()),
            Lang::ZhCn => format!("缺少 `target`：应为 {} 之一\n", names()),
        };
        return (StatusCode::BAD_REQUEST, said).into_response();
    };
    // Only endpoints the profile names: bindcheck is not an open proxy.
    let Some(id) = profile.endpoint_named(target) else {
        let said = match lang {
            Lang::En => format!(
                "unknown target: this server probes only its profile's endpoints ({})\n",
                names()
            ),
            Lang::ZhCn => format!("未知的 `target`：本服务只探测其配置文件中的端点（{}）\n", names()),
        };
        return (StatusCode::NOT_FOUND, said).into_response();
    };
    let module = match q.module.as_deref().map_or(Ok(Module::Http), str::parse) {
        Ok(m) => m,
        Err(()) => {
            let said = lang.pick(
                "unknown module: use http or full\n",
                "未知的 `module`：请用 `http` 或 `full`\n",
            );
            return (StatusCode::BAD_REQUEST, said).into_response();
        }
    };
    let budget = scrape_budget(&headers).unwrap_or(state.default_deadline);
    let (flight, shared) = state.flight(id, module, budget);
    if shared {
        state.metrics.probes_shared.inc();
    }
    // A run another scrape started may have longer to go than this scrape may wait. The
    // run ends at its deadline; rendering it takes a moment more, within the half second
    // `scrape_budget` keeps in hand.
    let wait = budget.saturating_add(Duration::from_millis(400));
    let Ok(Some(report)) = tokio::time::timeout(wait, flight).await else {
        return busy(lang.pick(
            "a probe of this target and module is still running; it will be shared when it ends\n",
            "对这个目标和模块的探测仍在进行；结束后会共享给各个请求\n",
        ));
    };
    state
        .metrics
        .probes
        .get_or_create(&ProbeLabels {
            target: target.to_owned(),
            module: module.as_str().to_owned(),
            verdict: report.verdict.as_str().to_owned(),
        })
        .inc();
    let mut out = Vec::new();
    if prometheus::render(&report, &mut out).is_err() {
        let said = lang.pick("cannot encode the metrics\n", "无法编码指标\n");
        return (StatusCode::INTERNAL_SERVER_ERROR, said).into_response();
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        out,
    )
        .into_response()
}

/// How long a scrape may take: Prometheus's `X-Prometheus-Scrape-Timeout-Seconds` less half
/// a second, so the answer arrives before Prometheus gives up (at least half a second, at
/// most [`MAX_SCRAPE_BUDGET`]). A value that is not a positive number of seconds is ignored.
fn scrape_budget(headers: &HeaderMap) -> Option<Duration> {
    let seconds = headers
        .get("x-prometheus-scrape-timeout-seconds")?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s > 0.0)?;
    let seconds = (seconds - 0.5).clamp(0.5, MAX_SCRAPE_BUDGET.as_secs_f64());
    Some(Duration::from_secs_f64(seconds))
}

/// A 503 with `Retry-After`: the server is at one of its limits.
fn busy(message: &'static str) -> Response {
    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "1")], message).into_response()
}

/// Lets a request to a route that does work in when there is room for it.
async fn admit(State(state): State<Arc<ServeState>>, request: Request, next: Next) -> Response {
    let Ok(_room) = Arc::clone(&state.in_flight).try_acquire_owned() else {
        return Problem::Busy.answer(None);
    };
    next.run(request).await
}

/// Answers 408 when the request is not sent and answered within the request timeout.
async fn within_request_timeout(State(state): State<Arc<ServeState>>, request: Request, next: Next) -> Response {
    let limit = state.limits.request_timeout;
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => Problem::Timeout(limit).answer(None),
    }
}

/// Answers 413 to a request whose `Content-Length` is over [`BODY_LIMIT`], before any of the
/// body is read. (A body that grows past it unannounced is cut by the body limit layers.)
async fn refuse_declared_large_bodies(request: Request, next: Next) -> Response {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        return Problem::TooLarge(BODY_LIMIT).answer(None);
    }
    next.run(request).await
}

async fn not_found() -> Response {
    Problem::NotFound.answer(None)
}

async fn method_not_allowed() -> Response {
    Problem::MethodNotAllowed.answer(None)
}

/// `GET /openapi.json`: the document, made once.
async fn openapi_handler() -> Response {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let text = DOCUMENT.get_or_init(|| openapi::document().to_string());
    ([(header::CONTENT_TYPE, "application/json")], text.as_str()).into_response()
}

/// The answer to a handler that panicked: a 500, counted. The panic's message is not
/// repeated (it may hold a value from the request).
#[derive(Clone)]
struct PanicAnswer(Counter);

impl tower_http::catch_panic::ResponseForPanic for PanicAnswer {
    type ResponseBody = axum::body::Body;

    fn response_for_panic(
        &mut self,
        _: Box<dyn std::any::Any + Send + 'static>,
    ) -> axum::http::Response<Self::ResponseBody> {
        self.0.inc();
        Problem::Panicked.answer(None)
    }
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

/// The application: the routes under [`harden`]'s layers. `/v1/validate` and `/probe`
/// share the cap on requests in flight; `/v1/validate` must be sent and answered within
/// the request timeout. Unknown paths and methods are answered with an [`ApiError`].
pub fn router(state: Arc<ServeState>) -> Router {
    let validate_route = post(validate_handler).layer(middleware::from_fn_with_state(
        Arc::clone(&state),
        within_request_timeout,
    ));
    let routes = Router::new()
        .route("/v1/validate", validate_route)
        .route("/probe", get(probe_handler))
        .route_layer(middleware::from_fn_with_state(Arc::clone(&state), admit))
        .route("/metrics", get(metrics_handler))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/openapi.json", get(openapi_handler))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed);
    harden(routes, state)
}

/// The header that carries a request's id.
pub const X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The longest `X-Request-Id` taken from a request.
pub const MAX_REQUEST_ID_BYTES: usize = 128;

/// `routes` with the server's layers, outermost first:
///
/// - a request id: the request's `X-Request-Id` when it is usable ([`usable_request_id`]),
///   else a new UUID; every answer carries it, and every log line of the request names it;
/// - a log line per request: method, path, status and latency only (never a body, a query
///   string or a header value but the request id);
/// - CORS for the state's origins, when there are any;
/// - errors in the language of `Accept-Language` ([`ApiError`]);
/// - bodies over [`BODY_LIMIT`] answered 413 (before any is read when declared);
/// - every request counted; a panic becomes a counted 500.
pub fn harden(routes: Router<Arc<ServeState>>, state: Arc<ServeState>) -> Router {
    let app = routes
        .layer(CatchPanicLayer::custom(PanicAnswer(state.metrics.panics.clone())))
        .layer(middleware::from_fn_with_state(Arc::clone(&state), record))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(middleware::from_fn(refuse_declared_large_bodies))
        .layer(middleware::from_fn(problem::localize));
    let app = match cors_layer(&state.cors_origins) {
        Some(cors) => app.layer(cors),
        None => app,
    };
    app.layer(
        TraceLayer::new_for_http()
            .make_span_with(request_span)
            .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
    )
    .layer(PropagateRequestIdLayer::new(X_REQUEST_ID))
    .layer(SetRequestIdLayer::new(X_REQUEST_ID, MakeRequestUuid))
    .layer(middleware::map_request(drop_unusable_request_id))
    .with_state(state)
}

/// CORS for pages on `origins`: those exact origins only, never `*` and never with
/// credentials (the API has no cookies or sessions). A preflight may ask for GET or POST
/// with `Content-Type`, `Accept-Language` and `X-Request-Id`; pages may read
/// `X-Request-Id` and `Retry-After`. Browsers may keep a preflight's answer 10 minutes.
fn cors_layer(origins: &[CorsOrigin]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.as_str()).ok())
        .collect();
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT_LANGUAGE, X_REQUEST_ID])
            .expose_headers([X_REQUEST_ID, header::RETRY_AFTER])
            .max_age(Duration::from_secs(600)),
    )
}

/// Whether a request's own id can be kept, and so logged: 1 to [`MAX_REQUEST_ID_BYTES`]
/// visible ASCII characters, with no `@` and no seven digits in a row (it could be an email
/// address, or a phone, card or ID number, which must never reach a log).
pub fn usable_request_id(id: &[u8]) -> bool {
    let mut digits = 0;
    !id.is_empty()
        && id.len() <= MAX_REQUEST_ID_BYTES
        && id.iter().all(|&b| {
            digits = if b.is_ascii_digit() { digits + 1 } else { 0 };
            b.is_ascii_graphic() && b != b'@' && digits < 7
        })
}

/// Takes away an `X-Request-Id` that cannot be kept (or more than one), so that a new id
/// takes its place.
async fn drop_unusable_request_id(mut request: Request) -> Request {
    let mut ids = request.headers().get_all(X_REQUEST_ID).iter();
    let usable = match (ids.next(), ids.next()) {
        (None, _) => true,
        (Some(id), None) => usable_request_id(id.as_bytes()),
        (Some(_), Some(_)) => false,
    };
    if !usable {
        request.headers_mut().remove(X_REQUEST_ID);
    }
    request
}

/// A request's log span: its id, the method and the path, never the query string (where a
/// card number may have been put) or another header's value. Path segments that could be a
/// value rather than a name are logged as `*` ([`logged_path`]).
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let id = request
        .headers()
        .get(X_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        id = %id,
        method = %request.method(),
        path = %logged_path(request.uri().path())
    )
}

/// `path` with every segment that is not plainly a name (a letter, then at most 31 letters,
/// digits, `-`, `_` or `.`, with at most two digits) as `*`: `/nowhere/6222021234567890128`
/// is logged as `/nowhere/*`.
fn logged_path(path: &str) -> String {
    let plain = |seg: &str| {
        seg.len() <= 32
            && seg.starts_with(|c: char| c.is_ascii_alphabetic())
            && seg
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && seg.chars().filter(char::is_ascii_digit).count() <= 2
    };
    path.split('/')
        .map(|seg| if seg.is_empty() || plain(seg) { seg } else { "*" })
        .collect::<Vec<_>>()
        .join("/")
}

/// Serves [`router`] on `listener` under the state's [`Limits`] until `shutdown`
/// completes, then lets the requests in flight finish within the shutdown grace.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<ServeState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(Arc::clone(&state));
    listen::run(listener, app, state, shutdown).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_kept_unless_they_could_be_a_value() {
        for kept in [
            "a",
            "5f0c2b1e-93a4-4c8e-9d1f-2b7a6c0e8d41",
            "req-42.Abc_x:9",
            "012345x6",
            &"x".repeat(MAX_REQUEST_ID_BYTES),
        ] {
            assert!(usable_request_id(kept.as_bytes()), "{kept}");
        }
        for replaced in [
            "",
            "has space",
            "tab\there",
            "1234567",
            "6222021234567890128",
            "li@example.com",
            "é",
            &"x".repeat(MAX_REQUEST_ID_BYTES + 1),
        ] {
            assert!(!usable_request_id(replaced.as_bytes()), "{replaced}");
        }
    }

    #[test]
    fn logged_paths_keep_names_and_hide_values() {
        assert_eq!(logged_path("/v1/validate"), "/v1/validate");
        assert_eq!(logged_path("/probe"), "/probe");
        assert_eq!(logged_path("/nowhere/6222021234567890128"), "/nowhere/*");
        assert_eq!(logged_path("/u/zhangsan@example.com/x"), "/u/*/x");
        assert_eq!(logged_path("/a1b2c3/ok"), "/*/ok");
        assert_eq!(logged_path("/%E5%BC%A0"), "/*");
        assert_eq!(logged_path("/"), "/");
    }
}

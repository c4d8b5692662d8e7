//! HTTP over a connection bindcheck opens itself (hickory → tokio TcpStream → tokio-rustls →
//! hyper), so every phase is timed on every request and no pooled connection hides one:
//! dns, connect, tls, server (request sent to first response byte) and transfer, which add
//! up to the total as curl's `-w` figures do. Redirects are followed up to a bound, each hop
//! timed; the body read is capped; 503 with `Retry-After` and 429 are recognised; the `Date`
//! header gives the clock skew.

#[cfg(feature = "probe")]
use http_body_util::BodyExt;
#[cfg(feature = "probe")]
use hyper::body::Incoming;
#[cfg(feature = "probe")]
use hyper::header::{HeaderMap, HeaderValue, DATE, HOST, LOCATION, RETRY_AFTER, USER_AGENT};
#[cfg(feature = "probe")]
use hyper::{Request, Response};
#[cfg(feature = "probe")]
use hyper_util::rt::TokioIo;
use serde::Serialize;
#[cfg(feature = "probe")]
use std::time::{Duration, SystemTime};
#[cfg(feature = "probe")]
use tokio::io::{AsyncRead, AsyncWrite};
#[cfg(feature = "probe")]
use tokio::time::{timeout_at, Instant};
use url::Url;

#[cfg(feature = "probe")]
use super::ms_since;
use super::{round_ms, Status};

/// The request method (from the profile): GET, or HEAD to skip the body.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    #[default]
    Get,
    Head,
}

/// A method bindcheck does not send. It does not keep the text given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("unsupported method: use GET or HEAD")]
pub struct UnknownMethod;

impl std::str::FromStr for Method {
    type Err = UnknownMethod;

    /// `GET` or `HEAD`, in any case.
    fn from_str(s: &str) -> Result<Method, UnknownMethod> {
        match s.trim() {
            m if m.eq_ignore_ascii_case("get") => Ok(Method::Get),
            m if m.eq_ignore_ascii_case("head") => Ok(Method::Head),
            _ => Err(UnknownMethod),
        }
    }
}

/// The HTTP version a response came in: HTTP/1.1, or HTTP/2 where the server chose it
/// through ALPN on TLS.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum HttpVersion {
    #[default]
    #[serde(rename = "HTTP/1.1")]
    Http11,
    #[serde(rename = "HTTP/2")]
    Http2,
}

impl HttpVersion {
    /// `HTTP/1.1` or `HTTP/2`.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpVersion::Http11 => "HTTP/1.1",
            HttpVersion::Http2 => "HTTP/2",
        }
    }

    /// The number blackbox_exporter's `probe_http_version` gives: 1.1 or 2.
    pub fn number(self) -> f64 {
        match self {
            HttpVersion::Http11 => 1.1,
            HttpVersion::Http2 => 2.0,
        }
    }

    /// The version an ALPN protocol id names: `h2` is HTTP/2; anything else, or none, is
    /// HTTP/1.1.
    pub fn from_alpn(alpn: Option<&str>) -> HttpVersion {
        match alpn {
            Some("h2") => HttpVersion::Http2,
            _ => HttpVersion::Http11,
        }
    }
}

impl std::fmt::Display for HttpVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Per-phase durations of one request, in milliseconds; they add up to `total_ms`. A phase
/// that did not run (TLS on plain HTTP, the transfer of an answer that never came) is
/// `None`, shown as null, never as zero.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Phases {
    pub dns_ms: Option<f64>,
    pub connect_ms: Option<f64>,
    pub tls_ms: Option<f64>,
    /// From the request to the response head; for an answer that never came, the time
    /// waited.
    pub server_ms: Option<f64>,
    pub transfer_ms: Option<f64>,
}

impl Phases {
    /// The phases that ran, added up.
    pub fn total_ms(&self) -> f64 {
        round_ms(self.ttfb_ms() + self.transfer_ms.unwrap_or(0.0))
    }

    /// Time to first byte: everything up to the response head (curl's `time_starttransfer`).
    pub fn ttfb_ms(&self) -> f64 {
        let ran = [self.dns_ms, self.connect_ms, self.tls_ms, self.server_ms];
        round_ms(ran.into_iter().flatten().sum())
    }
}

/// One request of a redirect chain.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct Hop {
    pub url: String,
    pub status_code: Option<u16>,
    /// The version the request went out in (null when no connection was made).
    pub version: Option<HttpVersion>,
    pub phases: Phases,
    pub total_ms: f64,
}

/// The longest `Retry-After` bindcheck represents: ten years. A server asking for longer is
/// reported as asking for a wait bindcheck cannot represent, not given a made-up date.
pub const MAX_RETRY_AFTER_S: u64 = 10 * 365 * 86_400;

/// When the server asked the client to come back (`kind`: `wait` or `unrepresentable`).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RetryAfter {
    /// A wait of `seconds` from the response, until `at`.
    Wait {
        seconds: u64,
        /// The absolute time, RFC 3339 in UTC.
        at: String,
    },
    /// A wait bindcheck cannot represent: more than ten years, more seconds than 64 bits
    /// hold, or a date past the year 9999.
    Unrepresentable,
}

impl RetryAfter {
    /// The wait in seconds, when it can be represented.
    pub fn seconds(&self) -> Option<u64> {
        match self {
            RetryAfter::Wait { seconds, .. } => Some(*seconds),
            RetryAfter::Unrepresentable => None,
        }
    }

    /// The time to come back, RFC 3339 in UTC, when it can be represented.
    pub fn at(&self) -> Option<&str> {
        match self {
            RetryAfter::Wait { at, .. } => Some(at),
            RetryAfter::Unrepresentable => None,
        }
    }
}

impl std::fmt::Display for RetryAfter {
    /// `120 s, at 2027-01-15T08:02:00Z`, or that bindcheck cannot represent it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RetryAfter::Wait { seconds, at } => write!(f, "{seconds} s, at {at}"),
            RetryAfter::Unrepresentable => f.write_str("a Retry-After bindcheck cannot represent"),
        }
    }
}

/// The result of the HTTP check of an endpoint.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct HttpResult {
    pub status: Status,
    pub method: Method,
    /// The final response's status code.
    pub status_code: Option<u16>,
    /// The final request's HTTP version: `HTTP/2` where the server chose it through ALPN.
    pub version: Option<HttpVersion>,
    /// The final request's phases.
    pub phases: Phases,
    pub ttfb_ms: Option<f64>,
    /// The whole chain, redirects included.
    pub total_ms: Option<f64>,
    /// Time spent on redirects before the final request (curl's `time_redirect`).
    pub redirect_ms: f64,
    pub body_bytes: u64,
    /// The body was longer than the read cap; the rest was not read.
    pub body_truncated: bool,
    pub hops: Vec<Hop>,
    pub retry_after: Option<RetryAfter>,
    /// The server's `Date` minus the local clock, in seconds (positive: the local clock is behind).
    pub clock_skew_s: Option<f64>,
    pub final_url: String,
    /// A redirect bindcheck did not follow, and why (docs/probe.md, "Redirects").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_refused: Option<RefusedRedirect>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// A redirect not followed.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RefusedRedirect {
    /// Where it pointed (masked as every URL in a report).
    pub url: String,
    /// The address its name resolved to, when the address was the reason.
    pub address: Option<std::net::IpAddr>,
    pub reason: super::redirect::Refusal,
}

impl HttpResult {
    /// The chain's phases as blackbox_exporter's `probe_http_duration_seconds` sums them
    /// (`prober/http.go`): `dns`, `connect` and `tls` over every hop that made its request;
    /// `server` (blackbox's `processing`) over every hop that got a response head; `transfer`
    /// of the final response only, whose body is the one read to its end. Each sum is taken
    /// in whole microseconds, so `0.001136` s stays that. A phase no hop reached is 0.
    pub fn chain_phases(&self) -> Phases {
        let us = |ms: Option<f64>| ms.map_or(0, |v| (v * 1000.0).round() as i64);
        let (mut dns, mut connect, mut tls, mut server) = (0, 0, 0, 0);
        for hop in &self.hops {
            let p = &hop.phases;
            dns += us(p.dns_ms);
            connect += us(p.connect_ms);
            tls += us(p.tls_ms);
            if hop.status_code.is_some() {
                server += us(p.server_ms);
            }
        }
        let transfer = match self.hops.last() {
            Some(last) if last.status_code.is_some() && self.status_code.is_some() => us(last.phases.transfer_ms),
            _ => 0,
        };
        let ms = |us: i64| Some(us as f64 / 1000.0);
        Phases {
            dns_ms: ms(dns),
            connect_ms: ms(connect),
            tls_ms: ms(tls),
            server_ms: ms(server),
            transfer_ms: ms(transfer),
        }
    }

    pub fn new(method: Method, url: &Url) -> HttpResult {
        HttpResult {
            status: Status::NotMeasured,
            method,
            status_code: None,
            version: None,
            phases: Phases::default(),
            ttfb_ms: None,
            total_ms: None,
            redirect_ms: 0.0,
            body_bytes: 0,
            body_truncated: false,
            hops: Vec::new(),
            retry_after: None,
            clock_skew_s: None,
            final_url: url.to_string(),
            redirect_refused: None,
            error: None,
        }
    }
}

#[cfg(feature = "probe")]
/// A stream bindcheck can speak HTTP over: plain TCP or TLS.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
#[cfg(feature = "probe")]
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

#[cfg(feature = "probe")]
/// What one exchange on a fresh connection produced.
pub struct Exchange {
    pub status_code: u16,
    pub server_ms: f64,
    pub transfer_ms: f64,
    pub body_bytes: u64,
    pub body_truncated: bool,
    pub headers: HeaderMap,
    /// The local clock when the response head arrived.
    pub received_at: SystemTime,
}

#[cfg(feature = "probe")]
/// Limits of one exchange.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub ttfb: Duration,
    pub body: Duration,
    pub body_cap: usize,
}

#[cfg(feature = "probe")]
fn classify_hyper(err: &hyper::Error) -> Status {
    if err.is_timeout() {
        return Status::Timeout;
    }
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return super::tcp::classify(io);
        }
        source = s.source();
    }
    if err.is_incomplete_message() || err.is_closed() || err.is_canceled() {
        Status::Reset
    } else {
        Status::ProtocolError
    }
}

#[cfg(feature = "probe")]
/// Why one exchange produced no usable response, and the status that means.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExchangeError {
    /// No response head before the time limit (or the run's deadline).
    #[error("no response before the time limit")]
    NoResponse { status: Status },
    /// The body stopped arriving before the time limit.
    #[error("the body stalled after {received} bytes")]
    BodyStalled { status: Status, received: u64 },
    /// The connection or the protocol failed.
    #[error("the HTTP exchange failed")]
    Http {
        status: Status,
        #[source]
        source: hyper::Error,
        /// Body bytes received before the failure.
        received: u64,
    },
    /// The request could not be built from the URL.
    #[error("cannot build the request")]
    Request(#[source] hyper::http::Error),
}

#[cfg(feature = "probe")]
impl ExchangeError {
    /// What the failure means for the endpoint.
    pub fn status(&self) -> Status {
        match self {
            ExchangeError::NoResponse { status }
            | ExchangeError::BodyStalled { status, .. }
            | ExchangeError::Http { status, .. } => *status,
            ExchangeError::Request(_) => Status::Error,
        }
    }

    /// Body bytes that arrived before the failure.
    pub fn received(&self) -> u64 {
        match self {
            ExchangeError::BodyStalled { received, .. } | ExchangeError::Http { received, .. } => *received,
            _ => 0,
        }
    }
}

/// An error and its causes, in one line: `outer: inner: innermost`. A TLS failure in the
/// chain (a `rustls::Error`, or the I/O error hyper and tokio-rustls wrap one in) is said in
/// bindcheck's words ([`super::tls::describe`]) and ends the line: rustls's own messages
/// carry `Debug` names (`received fatal alert: HandshakeFailure`).
pub fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(e);
    while let Some(s) = next {
        let (words, last) = match tls_words(s) {
            Some(words) => (words, true),
            None => (s.to_string(), false),
        };
        if text.is_empty() {
            text = words;
        } else if !text.ends_with(&words) {
            text.push_str(": ");
            text.push_str(&words);
        }
        if last {
            break;
        }
        next = s.source();
    }
    text
}

/// A TLS failure's words, when `e` is one ([`super::tls::rustls_in`]).
fn tls_words(e: &(dyn std::error::Error + 'static)) -> Option<String> {
    #[cfg(feature = "probe")]
    {
        super::tls::rustls_in(e).map(super::tls::describe)
    }
    #[cfg(not(feature = "probe"))]
    {
        let _ = e;
        None
    }
}

#[cfg(feature = "probe")]
/// Sends one request over `io` in `version` (HTTP/2 where ALPN chose it) and reads the
/// response, the body up to the cap.
pub async fn exchange(
    io: Box<dyn Io>,
    version: HttpVersion,
    method: Method,
    url: &Url,
    limits: Limits,
    deadline: Instant,
) -> Result<Exchange, ExchangeError> {
    let started = Instant::now();
    // Cut by its own limit or by the run's deadline, a phase that started timed out.
    if started >= deadline {
        return Err(ExchangeError::NoResponse {
            status: Status::NotMeasured,
        });
    }
    let ttfb_limit = deadline.min(super::later(started, limits.ttfb));
    // The connection task ends when this function returns (aborted with the guard).
    let (mut sender, _guard) = handshake(io, version, ttfb_limit).await?;
    let response = response_head(&mut sender, request(version, method, url)?, ttfb_limit).await?;
    let received_at = SystemTime::now();
    let server_ms = ms_since(started);
    let status_code = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = response.into_body();
    let body_started = Instant::now();
    let body_limit = deadline.min(super::later(body_started, limits.body));
    let (body_bytes, body_truncated) = if method == Method::Get {
        read_body(&mut body, body_limit, limits.body_cap).await?
    } else {
        (0, false)
    };
    Ok(Exchange {
        status_code,
        server_ms,
        transfer_ms: ms_since(body_started),
        body_bytes,
        body_truncated,
        headers,
        received_at,
    })
}

#[cfg(feature = "probe")]
/// The request body bindcheck sends: none.
type NoBody = http_body_util::Empty<hyper::body::Bytes>;

#[cfg(feature = "probe")]
/// The client side of one connection, in the version negotiated.
enum Sender {
    Http1(hyper::client::conn::http1::SendRequest<NoBody>),
    Http2(hyper::client::conn::http2::SendRequest<NoBody>),
}

#[cfg(feature = "probe")]
impl Sender {
    async fn send(&mut self, request: Request<NoBody>) -> Result<Response<Incoming>, hyper::Error> {
        match self {
            Sender::Http1(s) => s.send_request(request).await,
            Sender::Http2(s) => s.send_request(request).await,
        }
    }
}

#[cfg(feature = "probe")]
/// The HTTP handshake over `io` by `limit` (for HTTP/2, the preface and settings), and the
/// connection task it starts, which runs until the guard is dropped.
async fn handshake(
    io: Box<dyn Io>,
    version: HttpVersion,
    limit: Instant,
) -> Result<(Sender, AbortOnDrop), ExchangeError> {
    let io = TokioIo::new(io);
    let started = match version {
        HttpVersion::Http11 => timeout_at(limit, hyper::client::conn::http1::handshake(io))
            .await
            .map(|r| r.map(|(s, conn)| (Sender::Http1(s), tokio::spawn(conn)))),
        HttpVersion::Http2 => {
            let exec = hyper_util::rt::TokioExecutor::new();
            timeout_at(limit, hyper::client::conn::http2::handshake(exec, io))
                .await
                .map(|r| r.map(|(s, conn)| (Sender::Http2(s), tokio::spawn(conn))))
        }
    };
    match started {
        Err(_) => Err(ExchangeError::NoResponse {
            status: Status::Timeout,
        }),
        Ok(Err(e)) => Err(http_error(e, 0)),
        Ok(Ok((sender, driver))) => Ok((sender, AbortOnDrop(driver))),
    }
}

#[cfg(feature = "probe")]
/// The request for `url`. In HTTP/1.1: its path and query, `Host` with the port when the
/// URL gives one, and a connection that closes after the response. In HTTP/2: the whole URL
/// (scheme and authority become the pseudo-headers; HTTP/2 has no `Host` or `Connection`).
fn request(version: HttpVersion, method: Method, url: &Url) -> Result<Request<NoBody>, ExchangeError> {
    let host = match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        (None, _) => String::new(),
    };
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let builder = Request::builder().method(match method {
        Method::Get => hyper::Method::GET,
        Method::Head => hyper::Method::HEAD,
    });
    let builder = match version {
        HttpVersion::Http11 => builder
            .uri(path)
            .header(
                HOST,
                HeaderValue::from_str(&host).unwrap_or(HeaderValue::from_static("")),
            )
            .header("connection", "close"),
        HttpVersion::Http2 => builder
            .version(hyper::Version::HTTP_2)
            .uri(format!("{}://{host}{path}", url.scheme())),
    };
    builder
        .header(USER_AGENT, concat!("bindcheck/", env!("CARGO_PKG_VERSION")))
        .header("accept", "*/*")
        .body(NoBody::new())
        .map_err(ExchangeError::Request)
}

#[cfg(feature = "probe")]
/// Sends `request` and waits by `limit` for the response head.
async fn response_head(
    sender: &mut Sender,
    request: Request<NoBody>,
    limit: Instant,
) -> Result<Response<Incoming>, ExchangeError> {
    match timeout_at(limit, sender.send(request)).await {
        Err(_) => Err(ExchangeError::NoResponse {
            status: Status::Timeout,
        }),
        Ok(Err(e)) => Err(http_error(e, 0)),
        Ok(Ok(r)) => Ok(r),
    }
}

#[cfg(feature = "probe")]
/// Reads `body` until it ends or `cap` bytes have arrived, each frame by `limit`; returns
/// the bytes read and whether the cap cut the body short. A stall or a failure is an error
/// that carries the bytes received.
async fn read_body(body: &mut Incoming, limit: Instant, cap: usize) -> Result<(u64, bool), ExchangeError> {
    let mut received: u64 = 0;
    loop {
        match timeout_at(limit, body.frame()).await {
            Err(_) => {
                return Err(ExchangeError::BodyStalled {
                    status: Status::Timeout,
                    received,
                })
            }
            Ok(None) => return Ok((received, false)),
            Ok(Some(Err(e))) => return Err(http_error(e, received)),
            Ok(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    received += data.len() as u64;
                    if received >= cap as u64 {
                        return Ok((received, true));
                    }
                }
            }
        }
    }
}

#[cfg(feature = "probe")]
fn http_error(source: hyper::Error, received: u64) -> ExchangeError {
    ExchangeError::Http {
        status: classify_hyper(&source),
        source,
        received,
    }
}

#[cfg(feature = "probe")]
struct AbortOnDrop(tokio::task::JoinHandle<Result<(), hyper::Error>>);

#[cfg(feature = "probe")]
impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The status a final response means for a bind attempt.
pub fn classify_status(code: u16) -> Status {
    match code {
        503 => Status::Maintenance,
        429 => Status::RateLimited,
        100..=399 => Status::Ok,
        _ => Status::HttpError,
    }
}

#[cfg(feature = "probe")]
/// The response's `Retry-After` as a wait from `now` (see [`parse_retry_after`]).
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<RetryAfter> {
    parse_retry_after(headers.get(RETRY_AFTER)?.to_str().ok()?, now)
}

#[cfg(feature = "probe")]
/// `Retry-After` text as a wait from `now`: delta-seconds or an HTTP date (RFC 9110 10.2.3),
/// a date in the past being a wait of 0. A wait over ten years, delta-seconds beyond 64 bits,
/// or a date past 9999 is [`RetryAfter::Unrepresentable`]; text that is neither form is `None`.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<RetryAfter> {
    let value = value.trim();
    let seconds = if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        value.parse::<u64>().ok()
    } else if let Ok(date) = httpdate::parse_http_date(value) {
        Some(date.duration_since(now).map_or(0, |d| d.as_secs()))
    } else if past_year_9999(value) {
        None
    } else {
        return None;
    };
    let wait = seconds.filter(|s| *s <= MAX_RETRY_AFTER_S).and_then(|seconds| {
        let at = now.checked_add(Duration::from_secs(seconds))?;
        Some(RetryAfter::Wait {
            seconds,
            at: rfc3339(at)?,
        })
    });
    Some(wait.unwrap_or(RetryAfter::Unrepresentable))
}

#[cfg(feature = "probe")]
/// `t` in RFC 3339, when it is between 1970 and the end of 9999 (humantime's range).
fn rfc3339(t: SystemTime) -> Option<String> {
    const YEAR_10000: u64 = 253_402_300_800;
    let since = t.duration_since(SystemTime::UNIX_EPOCH).ok()?;
    (since.as_secs() < YEAR_10000).then(|| humantime::format_rfc3339_seconds(t).to_string())
}

#[cfg(feature = "probe")]
/// Whether `value` is an HTTP date but for a year after 9999, which `httpdate` rejects as
/// it rejects garbage: with the year written as 9999 (and the day of the week that date
/// has) it parses.
fn past_year_9999(value: &str) -> bool {
    const DAYS: [&str; 7] = [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ];
    let Some((at, len)) = digit_runs(value).find(|(_, len)| *len > 4) else {
        return false;
    };
    if value[at..at + len].trim_start_matches('0').len() <= 4 {
        return false;
    }
    let as_9999 = format!("{}9999{}", &value[..at], &value[at + len..]);
    let day_len = as_9999.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = &as_9999[day_len..];
    DAYS.iter().any(|day| {
        let day = if day_len == 3 { &day[..3] } else { day };
        httpdate::parse_http_date(&format!("{day}{rest}")).is_ok()
    })
}

#[cfg(feature = "probe")]
/// The start and length of each run of ASCII digits in `s`.
fn digit_runs(s: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = s.as_bytes();
    (0..bytes.len())
        .filter(move |&i| bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_digit()))
        .map(move |i| (i, bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count()))
}

#[cfg(feature = "probe")]
/// The server's `Date` minus the local clock when the response arrived, in seconds (see
/// [`parse_clock_skew`]).
pub fn clock_skew(headers: &HeaderMap, received_at: SystemTime) -> Option<f64> {
    parse_clock_skew(headers.get(DATE)?.to_str().ok()?, received_at)
}

#[cfg(feature = "probe")]
/// `Date` text minus `received_at`, in whole seconds (positive: the server's clock is
/// ahead); `None` when it is no HTTP date.
pub fn parse_clock_skew(value: &str, received_at: SystemTime) -> Option<f64> {
    // The header has whole seconds, truncated: the server's clock read, on average, half a
    // second later than the header says.
    let date = httpdate::parse_http_date(value).ok()? + Duration::from_millis(500);
    let skew = match date.duration_since(received_at) {
        Ok(ahead) => ahead.as_secs_f64(),
        Err(behind) => -behind.duration().as_secs_f64(),
    };
    Some(skew.round() + 0.0)
}

#[cfg(feature = "probe")]
/// The next URL of a redirect, if the response is one.
pub fn redirect_target(code: u16, headers: &HeaderMap, base: &Url) -> Option<Url> {
    if !matches!(code, 301 | 302 | 303 | 307 | 308) {
        return None;
    }
    let location = headers.get(LOCATION)?.to_str().ok()?;
    base.join(location).ok()
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;

    /// An error with a cause, as hyper's and the proxy tunnel's are.
    #[derive(Debug, thiserror::Error)]
    #[error("the connection failed")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn tls_failures_in_a_chain_are_said_in_bindcheck_s_words() {
        let alert = rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure);
        let e = Outer(std::io::Error::new(std::io::ErrorKind::InvalidData, alert));
        assert_eq!(
            error_chain(&e),
            "the connection failed: the server refused the handshake (alert: handshake failure)"
        );
        let unknown = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let text = error_chain(&Outer(std::io::Error::other(unknown)));
        assert!(!text.contains("UnknownIssuer"), "{text}");
        assert!(text.starts_with("the connection failed: "), "{text}");
        // Other chains are as before: each cause once.
        let plain = Outer(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "reset by peer",
        ));
        assert_eq!(error_chain(&plain), "the connection failed: reset by peer");
    }

    #[test]
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("120"));
        let r = retry_after(&h, now).unwrap();
        assert_eq!(r.seconds(), Some(120));
        assert_eq!(r.at(), Some("2027-01-15T08:02:00Z"));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(3600));
        h.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&h, now).unwrap().seconds(), Some(3600));
        h.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&h, now), None);
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(60));
        assert_eq!(parse_retry_after(&earlier, now).unwrap().seconds(), Some(0));
        for junk in ["", "-5", "+120", "1.5", "Fri, 31 Dec 99999", "12 34"] {
            assert_eq!(parse_retry_after(junk, now), None, "{junk}");
        }
    }

    #[test]
    fn a_retry_after_beyond_ten_years_or_9999_is_unrepresentable() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let ten_years = MAX_RETRY_AFTER_S.to_string();
        let r = parse_retry_after(&ten_years, now).unwrap();
        assert_eq!(r.at(), Some("2037-01-12T08:00:00Z"));
        let past = httpdate::fmt_http_date(now + Duration::from_secs(MAX_RETRY_AFTER_S + 1));
        for value in [
            (MAX_RETRY_AFTER_S + 1).to_string().as_str(),
            "18446744073709551615",
            "99999999999999999999999999",
            past.as_str(),
            "Fri, 31 Dec 10000 23:59:59 GMT",
            "Sun Nov  6 08:49:37 12345",
        ] {
            let r = parse_retry_after(value, now);
            assert_eq!(r, Some(RetryAfter::Unrepresentable), "{value}");
            assert_eq!(r.unwrap().to_string(), "a Retry-After bindcheck cannot represent");
        }
        // Near the end of 9999 even a short wait has no date bindcheck can write.
        let end = SystemTime::UNIX_EPOCH + Duration::from_secs(253_402_300_799);
        assert_eq!(parse_retry_after("1", end), Some(RetryAfter::Unrepresentable));
        assert_eq!(parse_retry_after("0", end).unwrap().at(), Some("9999-12-31T23:59:59Z"));
        assert_eq!(
            parse_retry_after("1", SystemTime::UNIX_EPOCH - Duration::from_secs(10)),
            Some(RetryAfter::Unrepresentable)
        );
    }

    #[test]
    fn skew_is_whole_seconds() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let mut h = HeaderMap::new();
        h.insert(
            DATE,
            HeaderValue::from_str(&httpdate::fmt_http_date(now - Duration::from_secs(3600))).unwrap(),
        );
        assert_eq!(clock_skew(&h, now), Some(-3600.0));
        h.insert(DATE, HeaderValue::from_str(&httpdate::fmt_http_date(now)).unwrap());
        assert_eq!(clock_skew(&h, now + Duration::from_millis(400)), Some(0.0));
        assert_eq!(clock_skew(&h, now + Duration::from_millis(900)), Some(0.0));
        assert_eq!(clock_skew(&h, now + Duration::from_millis(1900)), Some(-1.0));
        assert_eq!(parse_clock_skew("yesterday", now), None);
        assert_eq!(
            parse_clock_skew("Fri, 31 Dec 9999 23:59:59 GMT", SystemTime::UNIX_EPOCH),
            Some(253_402_300_800.0)
        );
    }

    #[test]
    fn status_classes() {
        assert_eq!(classify_status(200), Status::Ok);
        assert_eq!(classify_status(503), Status::Maintenance);
        assert_eq!(classify_status(429), Status::RateLimited);
        assert_eq!(classify_status(500), Status::HttpError);
        assert_eq!(classify_status(404), Status::HttpError);
    }
}

#[cfg(test)]
mod chain_tests {
    use super::*;

    fn hop(code: Option<u16>, p: [Option<f64>; 5]) -> Hop {
        let phases = Phases {
            dns_ms: p[0],
            connect_ms: p[1],
            tls_ms: p[2],
            server_ms: p[3],
            transfer_ms: p[4],
        };
        Hop {
            url: "https://api.wallet.test/".to_owned(),
            status_code: code,
            version: Some(HttpVersion::Http11),
            phases,
            total_ms: phases.total_ms(),
        }
    }

    #[test]
    fn chain_phases_sum_every_hop_as_blackbox_does_but_transfer_is_the_final_one() {
        let mut h = HttpResult::new(Method::Get, &"https://api.wallet.test/".parse().unwrap());
        h.hops = vec![
            hop(Some(302), [Some(1.5), Some(0.4), Some(3.2), Some(2.0), Some(0.3)]),
            hop(Some(301), [Some(0.0), Some(0.5), Some(2.9), Some(1.1), Some(0.2)]),
            hop(Some(200), [Some(2.25), Some(0.6), None, Some(1.136), Some(0.7)]),
        ];
        h.status_code = Some(200);
        let p = h.chain_phases();
        assert_eq!(p.dns_ms, Some(3.75));
        assert_eq!(p.connect_ms, Some(1.5));
        assert_eq!(p.tls_ms, Some(6.1));
        assert_eq!(p.server_ms, Some(4.236));
        assert_eq!(p.transfer_ms, Some(0.7), "the redirects' bodies are not part of it");

        // The final hop's answer never came: its wait is no processing time, and there is
        // no transfer.
        h.hops[2] = hop(None, [Some(2.25), Some(0.6), None, Some(5000.0), None]);
        h.status_code = None;
        let p = h.chain_phases();
        assert_eq!(p.server_ms, Some(3.1));
        assert_eq!(p.transfer_ms, Some(0.0));
        assert_eq!(p.connect_ms, Some(1.5));

        // No hop at all (the connection failed): every phase is 0.
        h.hops.clear();
        assert_eq!(h.chain_phases().connect_ms, Some(0.0));
    }
}

//! bindcheck's own CONNECT through a proxy, phase by phase, and what the proxy answered.

use serde::Serialize;
use std::net::SocketAddr;

use crate::probe::Status;

#[cfg(feature = "probe")]
use {
    super::ProxyRoute,
    crate::probe::{later, ms_since, tcp, Timeouts},
    std::io,
    std::net::IpAddr,
    tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt},
    tokio::net::TcpStream,
    tokio::time::{timeout_at, Instant},
    url::Url,
};

/// How a CONNECT through the proxy ended.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TunnelStatus {
    /// The proxy opened the tunnel (2xx).
    Ok,
    /// The proxy's name does not resolve, or nothing accepts connections at its address.
    Unreachable,
    /// The connection to the proxy, or its answer to the CONNECT, did not come in time.
    Timeout,
    /// 407 (or 401, as some proxies answer wrong credentials): the proxy wants
    /// credentials, or other ones.
    AuthRequired,
    /// Any other answer than 2xx, 401 or 407 (`status_code` says which): a deny rule (403), a
    /// port the proxy does not tunnel to, an upstream failure (502).
    Refused,
    /// The proxy's answer is not HTTP, too long, or it closed the connection instead.
    BadAnswer,
    /// A proxy bindcheck does not speak to (SOCKS, or TLS to the proxy itself).
    Unsupported,
    /// The run's deadline came before the probe could start.
    NotMeasured,
}

impl TunnelStatus {
    /// The closest endpoint [`Status`], for a report's overall status.
    pub fn status(self) -> Status {
        match self {
            TunnelStatus::Ok => Status::Ok,
            TunnelStatus::Unreachable => Status::Unreachable,
            TunnelStatus::Timeout => Status::Timeout,
            TunnelStatus::AuthRequired | TunnelStatus::Refused => Status::Refused,
            TunnelStatus::BadAnswer => Status::ProtocolError,
            TunnelStatus::Unsupported => Status::Error,
            TunnelStatus::NotMeasured => Status::NotMeasured,
        }
    }
}

/// What bindcheck's own CONNECT through a proxy found.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct TunnelResult {
    pub status: TunnelStatus,
    /// The proxy, credentials masked.
    pub proxy: String,
    /// Where the tunnel was asked to lead (`host:port`).
    pub target: String,
    /// The proxy's address that was connected to (or tried last).
    pub proxy_addr: Option<SocketAddr>,
    /// Looking up the proxy's name (none when the proxy is given as an address).
    pub resolve_ms: Option<f64>,
    /// The TCP connect to the proxy.
    pub connect_ms: Option<f64>,
    /// From sending the CONNECT to the end of the proxy's answer head.
    pub connect_answer_ms: Option<f64>,
    /// The proxy's answer to the CONNECT.
    pub status_code: Option<u16>,
    /// On a 407 or 401, the authentication schemes the proxy offers (`Basic`, `Negotiate`, `NTLM`):
    /// an app that only does Basic cannot pass a proxy that wants Negotiate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub auth_schemes: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The path through the proxy an https endpoint's traffic takes: bindcheck's own CONNECT,
/// and the TLS handshake with the endpoint through the tunnel when it opened (the chain seen
/// there tells a proxy that re-signs connections).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct ProxyPath {
    pub tunnel: TunnelResult,
    /// The handshake through the tunnel.
    pub tls: Option<crate::probe::TlsResult>,
}

/// The longest answer head bindcheck reads from a proxy.
pub const MAX_ANSWER_HEAD: usize = 16 * 1024;

#[cfg(feature = "probe")]
/// The most headers an answer head may have.
const MAX_HEADERS: usize = 64;

#[cfg(feature = "probe")]
/// The most authentication schemes kept from a 407.
const MAX_AUTH_SCHEMES: usize = 4;

#[cfg(feature = "probe")]
/// A proxy's answer head, read.
#[derive(Debug, PartialEq, Eq)]
struct Answer {
    code: u16,
    auth_schemes: Vec<String>,
}

#[cfg(feature = "probe")]
/// Why a proxy's answer is not usable.
#[derive(Debug, thiserror::Error)]
enum AnswerError {
    #[error("the proxy's answer is not HTTP")]
    NotHttp,
    #[error("the proxy's answer head is longer than {MAX_ANSWER_HEAD} bytes")]
    TooLong,
    #[error("the proxy closed the connection after {received} bytes of its answer")]
    Closed { received: usize },
    #[error("the proxy's answer is malformed")]
    Malformed(#[source] httparse::Error),
    #[error("reading the proxy's answer failed")]
    Io(#[source] std::io::Error),
}

#[cfg(feature = "probe")]
/// Whether `head` (what arrived so far) can still become an HTTP/1.x status line.
fn may_be_http(head: &[u8]) -> bool {
    const START: &[u8] = b"HTTP/1.";
    let n = head.len().min(START.len());
    head[..n] == START[..n]
}

#[cfg(feature = "probe")]
/// Whether `head` ends with the empty line that ends a head (CRLF, or a bare LF as
/// httparse accepts).
fn head_complete(head: &[u8]) -> bool {
    head.ends_with(b"\r\n\r\n") || head.ends_with(b"\n\n")
}

#[cfg(feature = "probe")]
/// Parses a complete answer head.
fn parse_answer(head: &[u8]) -> Result<Answer, AnswerError> {
    if !may_be_http(head) {
        return Err(AnswerError::NotHttp);
    }
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut headers);
    match response.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Ok(httparse::Status::Partial) => return Err(AnswerError::Closed { received: head.len() }),
        Err(e) => return Err(AnswerError::Malformed(e)),
    }
    let code = response.code.ok_or(AnswerError::NotHttp)?;
    let mut auth_schemes: Vec<String> = Vec::new();
    for h in response.headers.iter() {
        if !h.name.eq_ignore_ascii_case("proxy-authenticate") && !h.name.eq_ignore_ascii_case("www-authenticate") {
            continue;
        }
        // The scheme is the first token; what follows (realm, parameters) is not kept.
        let scheme: String = h
            .value
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            .take(32)
            .map(|b| char::from(*b))
            .collect();
        if !scheme.is_empty()
            && auth_schemes.len() < MAX_AUTH_SCHEMES
            && !auth_schemes.iter().any(|s| s.eq_ignore_ascii_case(&scheme))
        {
            auth_schemes.push(scheme);
        }
    }
    Ok(Answer { code, auth_schemes })
}

#[cfg(feature = "probe")]
/// Reads an answer head one byte at a time, so that nothing after it (the tunnel's first
/// TLS bytes) is taken from the stream; at most [`MAX_ANSWER_HEAD`] bytes.
async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Result<Vec<u8>, AnswerError> {
    let mut head = Vec::with_capacity(256);
    loop {
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).await.map_err(AnswerError::Io)? == 0 {
            return Err(AnswerError::Closed { received: head.len() });
        }
        head.push(byte[0]);
        if !may_be_http(&head) {
            return Err(AnswerError::NotHttp);
        }
        if head_complete(&head) {
            return Ok(head);
        }
        if head.len() >= MAX_ANSWER_HEAD {
            return Err(AnswerError::TooLong);
        }
    }
}

#[cfg(feature = "probe")]
/// An open tunnel: the connection to the proxy, past its answer, and its room under the
/// connection limit (keep it as long as the stream).
pub struct Tunnel {
    pub stream: TcpStream,
    pub room: tcp::Room,
}

#[cfg(feature = "probe")]
/// Why a tunnel did not open, in words for the report.
#[derive(Debug, thiserror::Error)]
enum TunnelFailure {
    #[error("bindcheck's CONNECT probe speaks to http:// proxies only, not {0}://")]
    Scheme(String),
    #[error("{0:?} is not a host name a CONNECT can carry")]
    Target(String),
    #[error("no answer in time looking up the proxy's name {0}")]
    ResolveTimeout(String),
    #[error("the proxy's name {host} could not be looked up")]
    Resolve {
        host: String,
        #[source]
        source: io::Error,
    },
    #[error("the proxy's name {0} has no address")]
    NoAddress(String),
    #[error("cannot connect to the proxy at {addr} ({status})")]
    Connect { addr: SocketAddr, status: Status },
    #[error("sending the CONNECT failed")]
    Send(#[source] io::Error),
    #[error("no answer to the CONNECT in time")]
    AnswerTimeout,
    #[error(transparent)]
    Answer(AnswerError),
    #[error("the proxy wants credentials, or other ones (status {0})")]
    AuthRequired(u16),
    #[error("the proxy refused the tunnel (status {0})")]
    Refused(u16),
}

#[cfg(feature = "probe")]
impl TunnelFailure {
    fn status(&self) -> TunnelStatus {
        match self {
            TunnelFailure::Scheme(_) | TunnelFailure::Target(_) => TunnelStatus::Unsupported,
            TunnelFailure::ResolveTimeout(_) | TunnelFailure::AnswerTimeout => TunnelStatus::Timeout,
            TunnelFailure::Connect {
                status: Status::Timeout,
                ..
            } => TunnelStatus::Timeout,
            TunnelFailure::Connect {
                status: Status::NotMeasured,
                ..
            } => TunnelStatus::NotMeasured,
            TunnelFailure::Resolve { .. } | TunnelFailure::NoAddress(_) | TunnelFailure::Connect { .. } => {
                TunnelStatus::Unreachable
            }
            TunnelFailure::Send(_) | TunnelFailure::Answer(_) => TunnelStatus::BadAnswer,
            TunnelFailure::AuthRequired(_) => TunnelStatus::AuthRequired,
            TunnelFailure::Refused(_) => TunnelStatus::Refused,
        }
    }
}

#[cfg(feature = "probe")]
/// `host:port` as a CONNECT names it (an IPv6 address in brackets), or `None` when `host`
/// holds characters that would change the request (spaces, line breaks, `/`, `@`).
fn authority(host: &str, port: u16) -> Option<String> {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'%'));
    ok.then(|| {
        if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        }
    })
}

#[cfg(feature = "probe")]
/// The CONNECT request for `target`, with `Proxy-Authorization: Basic` when the proxy URL
/// carries credentials (percent-decoded, as curl and reqwest send them).
fn connect_request(target: &str, proxy: &Url) -> Vec<u8> {
    use base64::Engine as _;
    let mut request = format!(
        "CONNECT {target} HTTP/1.1\r\nHost: {target}\r\nUser-Agent: bindcheck/{}\r\n",
        env!("CARGO_PKG_VERSION")
    );
    if !proxy.username().is_empty() || proxy.password().is_some() {
        let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
        let mut pair = decode(proxy.username());
        pair.push(b':');
        pair.extend(decode(proxy.password().unwrap_or("")));
        let token = base64::engine::general_purpose::STANDARD.encode(pair);
        request.push_str(&format!("Proxy-Authorization: Basic {token}\r\n"));
    }
    request.push_str("\r\n");
    request.into_bytes()
}

#[cfg(feature = "probe")]
/// Opens a tunnel to `host:port` through the proxy of `route`, phase by phase: the proxy's
/// name (the system resolver, as an app's HTTP stack uses, within the DNS timeout), a TCP
/// connect to each of its addresses in turn until one answers (the connect timeout each,
/// room under `limit`), the CONNECT, and the answer head (within the ttfb timeout, at most
/// [`MAX_ANSWER_HEAD`] bytes). Everything is bounded by `deadline` too. A proxy URL without
/// a port means port 80, as in reqwest (curl would say 1080).
///
/// The tunnel comes back open when the proxy said 2xx: run [`crate::probe::tls::handshake`] on
/// its stream.
pub async fn tunnel(
    route: &ProxyRoute,
    host: &str,
    port: u16,
    timeouts: &Timeouts,
    limit: Option<&tcp::ConnectionLimit>,
    deadline: Instant,
) -> (TunnelResult, Option<Tunnel>) {
    let target = authority(host, port);
    let mut result = TunnelResult {
        status: TunnelStatus::NotMeasured,
        proxy: route.shown(),
        target: target.clone().unwrap_or_else(|| format!("{host}:{port}")),
        proxy_addr: None,
        resolve_ms: None,
        connect_ms: None,
        connect_answer_ms: None,
        status_code: None,
        auth_schemes: Vec::new(),
        error: None,
    };
    if Instant::now() >= deadline {
        return (result, None);
    }
    let outcome = match target {
        None => Err(TunnelFailure::Target(host.to_owned())),
        Some(_) if !route.speaks(false) => Err(TunnelFailure::Scheme(route.proxy.scheme().to_owned())),
        Some(target) => open(route, &target, timeouts, limit, deadline, &mut result).await,
    };
    match outcome {
        Ok(tunnel) => {
            result.status = TunnelStatus::Ok;
            (result, Some(tunnel))
        }
        Err(failure) => {
            result.status = failure.status();
            if result.status != TunnelStatus::NotMeasured {
                result.error = Some(crate::probe::http::error_chain(&failure));
            }
            (result, None)
        }
    }
}

#[cfg(feature = "probe")]
/// The phases of [`tunnel`], recording into `result` as they go.
async fn open(
    route: &ProxyRoute,
    target: &str,
    timeouts: &Timeouts,
    limit: Option<&tcp::ConnectionLimit>,
    deadline: Instant,
    result: &mut TunnelResult,
) -> Result<Tunnel, TunnelFailure> {
    let addrs = proxy_addrs(&route.proxy, timeouts, deadline, result).await?;
    let (mut stream, room) = connect_any(&addrs, timeouts, limit, deadline, result).await?;
    let started = Instant::now();
    let answer_limit = deadline.min(later(started, timeouts.ttfb));
    let request = connect_request(target, &route.proxy);
    let exchange = async {
        stream.write_all(&request).await.map_err(TunnelFailure::Send)?;
        read_head(&mut stream).await.map_err(TunnelFailure::Answer)
    };
    let head = timeout_at(answer_limit, exchange).await;
    result.connect_answer_ms = Some(ms_since(started));
    let answer = parse_answer(&head.map_err(|_| TunnelFailure::AnswerTimeout)??).map_err(TunnelFailure::Answer)?;
    result.status_code = Some(answer.code);
    result.auth_schemes = answer.auth_schemes;
    match answer.code {
        200..=299 => Ok(Tunnel { stream, room }),
        // 401 to a CONNECT can only be the proxy's (no server has been reached): tinyproxy
        // answers wrong credentials so.
        401 | 407 => Err(TunnelFailure::AuthRequired(answer.code)),
        code => Err(TunnelFailure::Refused(code)),
    }
}

#[cfg(feature = "probe")]
/// The most proxy addresses tried.
const MAX_PROXY_ADDRS: usize = 8;

#[cfg(feature = "probe")]
/// The proxy's addresses: its literal address, or its name looked up.
async fn proxy_addrs(
    proxy: &Url,
    timeouts: &Timeouts,
    deadline: Instant,
    result: &mut TunnelResult,
) -> Result<Vec<SocketAddr>, TunnelFailure> {
    let port = proxy.port_or_known_default().unwrap_or(80);
    let name = match proxy.host() {
        Some(url::Host::Ipv4(ip)) => return Ok(vec![SocketAddr::new(IpAddr::V4(ip), port)]),
        Some(url::Host::Ipv6(ip)) => return Ok(vec![SocketAddr::new(IpAddr::V6(ip), port)]),
        Some(url::Host::Domain(d)) => d.to_owned(),
        None => return Err(TunnelFailure::NoAddress(String::new())),
    };
    let started = Instant::now();
    let limit = deadline.min(later(started, timeouts.dns));
    let looked_up = timeout_at(limit, tokio::net::lookup_host(format!("{name}:{port}"))).await;
    result.resolve_ms = Some(ms_since(started));
    let addrs: Vec<SocketAddr> = match looked_up {
        Err(_) => return Err(TunnelFailure::ResolveTimeout(name)),
        Ok(Err(source)) => return Err(TunnelFailure::Resolve { host: name, source }),
        Ok(Ok(addrs)) => addrs.take(MAX_PROXY_ADDRS).collect(),
    };
    if addrs.is_empty() {
        return Err(TunnelFailure::NoAddress(name));
    }
    Ok(addrs)
}

#[cfg(feature = "probe")]
/// Connects to the first of `addrs` that accepts.
async fn connect_any(
    addrs: &[SocketAddr],
    timeouts: &Timeouts,
    limit: Option<&tcp::ConnectionLimit>,
    deadline: Instant,
    result: &mut TunnelResult,
) -> Result<(TcpStream, tcp::Room), TunnelFailure> {
    let mut last = None;
    for &addr in addrs {
        let (attempt, stream) = tcp::connect(addr, timeouts.connect, deadline, limit).await;
        result.proxy_addr = Some(addr);
        result.connect_ms = attempt.time_ms;
        if let Some(pair) = stream {
            return Ok(pair);
        }
        last = Some(TunnelFailure::Connect {
            addr,
            status: attempt.status,
        });
        if matches!(attempt.status, Status::NotMeasured) || Instant::now() >= deadline {
            break;
        }
    }
    Err(last.unwrap_or(TunnelFailure::NoAddress(String::new())))
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn answers_parse_with_their_code_and_auth_schemes() {
        let a = parse_answer(b"HTTP/1.1 200 Connection established\r\n\r\n").unwrap();
        assert_eq!(a.code, 200);
        let a = parse_answer(
            b"HTTP/1.0 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"corp\"\r\n\
              proxy-authenticate: Negotiate\r\nProxy-Authenticate: basic realm=\"x\"\r\n\r\n",
        )
        .unwrap();
        assert_eq!(a.code, 407);
        assert_eq!(a.auth_schemes, ["Basic", "Negotiate"]);
        let a = parse_answer(b"HTTP/1.0 401 Unauthorized\r\nWWW-Authenticate: NTLM\r\n\r\n").unwrap();
        assert_eq!((a.code, a.auth_schemes), (401, vec!["NTLM".to_owned()]));
        assert_eq!(parse_answer(b"HTTP/1.1 403 Filtered\n\n").unwrap().code, 403);
        assert!(matches!(
            parse_answer(b"SSH-2.0-OpenSSH\r\n\r\n"),
            Err(AnswerError::NotHttp)
        ));
        assert!(matches!(
            parse_answer(b"HTTP/1.1 2x0 Odd\r\n\r\n"),
            Err(AnswerError::Malformed(_))
        ));
        let many = format!("HTTP/1.1 200 OK\r\n{}\r\n", "a: b\r\n".repeat(MAX_HEADERS + 1));
        assert!(parse_answer(many.as_bytes()).is_err());
    }

    #[test]
    fn only_http_can_start_an_answer() {
        assert!(may_be_http(b""));
        assert!(may_be_http(b"HT"));
        assert!(may_be_http(b"HTTP/1.1 200"));
        assert!(!may_be_http(b"\x16\x03"));
        assert!(!may_be_http(b"HTTP/2 200"));
    }

    fn run<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f)
    }

    #[test]
    fn the_head_is_read_to_its_end_and_not_a_byte_further() {
        let bytes = b"HTTP/1.1 200 OK\r\nVia: x\r\n\r\n\x16\x03\x01TLS";
        let mut rest: &[u8] = bytes;
        let head = run(read_head(&mut rest)).unwrap();
        assert_eq!(head, b"HTTP/1.1 200 OK\r\nVia: x\r\n\r\n");
        assert_eq!(rest, b"\x16\x03\x01TLS");
    }

    #[test]
    fn an_endless_head_stops_at_the_cap() {
        let mut long = b"HTTP/1.1 200 OK\r\n".to_vec();
        long.extend(std::iter::repeat_n(b'a', 64 * 1024));
        let mut rest: &[u8] = &long;
        assert!(matches!(run(read_head(&mut rest)), Err(AnswerError::TooLong)));
        assert_eq!(rest.len(), long.len() - MAX_ANSWER_HEAD);
        let mut closed: &[u8] = b"HTTP/1.1 200";
        assert!(matches!(
            run(read_head(&mut closed)),
            Err(AnswerError::Closed { received: 12 })
        ));
    }

    #[test]
    fn connect_requests_carry_the_target_and_decoded_basic_credentials() {
        assert_eq!(authority("::1", 443).as_deref(), Some("[::1]:443"));
        assert_eq!(authority("[::1]", 443).as_deref(), Some("[::1]:443"));
        assert_eq!(
            authority("api.wallet.test", 8443).as_deref(),
            Some("api.wallet.test:8443")
        );
        for evil in ["a b", "a\r\nX: y", "a/b", "u@h", ""] {
            assert_eq!(authority(evil, 1), None, "{evil:?}");
        }
        let req = connect_request("a.test:443", &url("http://alice:s%40cret@p.test:3128"));
        let text = String::from_utf8(req).unwrap();
        assert!(
            text.starts_with("CONNECT a.test:443 HTTP/1.1\r\nHost: a.test:443\r\n"),
            "{text}"
        );
        // base64("alice:s@cret")
        assert!(
            text.contains("Proxy-Authorization: Basic YWxpY2U6c0BjcmV0\r\n"),
            "{text}"
        );
        assert!(text.ends_with("\r\n\r\n"));
        let text = String::from_utf8(connect_request("a.test:443", &url("http://p.test:3128"))).unwrap();
        assert!(!text.contains("Proxy-Authorization"));
    }

    proptest::proptest! {
        #[test]
        fn hostile_answers_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = parse_answer(&bytes);
            let mut rest: &[u8] = &bytes;
            if let Ok(head) = run(read_head(&mut rest)) {
                proptest::prop_assert!(head_complete(&head));
                proptest::prop_assert!(head.len() <= MAX_ANSWER_HEAD);
                proptest::prop_assert_eq!(head.len() + rest.len(), bytes.len());
            }
        }

        #[test]
        fn answers_that_look_like_http_never_panic(
            code in 0u16..1000,
            junk in proptest::collection::vec(proptest::num::u8::ANY, 0..256),
        ) {
            let mut bytes = format!("HTTP/1.1 {code} X\r\n").into_bytes();
            bytes.extend(junk);
            bytes.extend(b"\r\n\r\n");
            let _ = parse_answer(&bytes);
        }
    }
}

//! Servers the probe tests start on loopback: an HTTP/1.1 responder with fault injection,
//! the same behind TLS with certificates generated here (rcgen), and a DNS server.
//! Every one binds port 0 on 127.0.0.1 and stops when dropped.

use hickory_proto::op::{Message, MessageType, ResponseCode};
use hickory_proto::rr::rdata::{A, AAAA, MX};
use hickory_proto::rr::{Name, RData, Record, RecordType};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::task::JoinHandle;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::TlsAcceptor;

/// What the HTTP server does with a request.
#[derive(Clone, Debug)]
pub enum Behavior {
    /// Answer with a status, extra headers and a body (a `Date` header is always sent,
    /// shifted by `clock_offset`).
    Respond {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        clock_offset_s: i64,
    },
    /// Read the request, then never answer.
    Hang,
    /// Read the request, then reset the connection.
    Reset,
    /// Send the response one byte at a time, `every` apart.
    Dribble { every: Duration },
    /// Send a body that never ends.
    Endless,
}

impl Behavior {
    pub fn ok(body: &str) -> Behavior {
        Behavior::Respond {
            status: 200,
            headers: vec![],
            body: body.as_bytes().to_vec(),
            clock_offset_s: 0,
        }
    }

    pub fn status(status: u16, headers: &[(&str, &str)]) -> Behavior {
        Behavior::Respond {
            status,
            headers: headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            body: b"{}".to_vec(),
            clock_offset_s: 0,
        }
    }
}

/// A running server; aborted when dropped.
pub struct Server {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

type Route = Arc<dyn Fn(&str) -> Behavior + Send + Sync>;

async fn read_head<S: AsyncRead + Unpin>(stream: &mut S) -> Option<String> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut byte).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&byte[..n]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    head.split_whitespace().nth(1).map(str::to_owned)
}

fn response_bytes(status: u16, headers: &[(String, String)], body: &[u8], clock_offset_s: i64) -> Vec<u8> {
    let now = SystemTime::now();
    let date = if clock_offset_s >= 0 {
        now + Duration::from_secs(clock_offset_s as u64)
    } else {
        now - Duration::from_secs(clock_offset_s.unsigned_abs())
    };
    let mut out = format!(
        "HTTP/1.1 {status} X\r\ndate: {}\r\ncontent-length: {}\r\n",
        httpdate::fmt_http_date(date),
        body.len()
    );
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("connection: close\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// How a connection ended: still open on purpose (hang), to be reset, or done.
enum End<S> {
    Hold(S),
    Reset(S),
    Done,
}

async fn serve_one<S: AsyncRead + AsyncWrite + Unpin>(mut stream: S, route: Route) -> End<S> {
    match serve_inner(&mut stream, route).await {
        Some(Behavior::Hang) => End::Hold(stream),
        Some(Behavior::Reset) => End::Reset(stream),
        _ => End::Done,
    }
}

async fn serve_inner<S: AsyncRead + AsyncWrite + Unpin>(stream: &mut S, route: Route) -> Option<Behavior> {
    let path = read_head(stream).await?;
    match route(&path) {
        Behavior::Respond {
            status,
            headers,
            body,
            clock_offset_s,
        } => {
            stream
                .write_all(&response_bytes(status, &headers, &body, clock_offset_s))
                .await
                .ok()?;
            stream.flush().await.ok()?;
            let _ = stream.shutdown().await;
            None
        }
        b @ (Behavior::Hang | Behavior::Reset) => Some(b),
        Behavior::Dribble { every } => {
            for b in response_bytes(200, &[], b"slow", 0) {
                stream.write_all(&[b]).await.ok()?;
                stream.flush().await.ok()?;
                tokio::time::sleep(every).await;
            }
            None
        }
        Behavior::Endless => {
            stream
                .write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n",
                )
                .await
                .ok()?;
            let chunk = [b'x'; 16 * 1024];
            loop {
                stream
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await
                    .ok()?;
                stream.write_all(&chunk).await.ok()?;
                stream.write_all(b"\r\n").await.ok()?;
            }
        }
    }
}

/// Keeps hung connections open until the server is dropped; resets the others on request.
async fn finish<S: Send + 'static>(end: End<S>, tcp: impl Fn(&S) -> &TcpStream) {
    match end {
        End::Hold(s) => {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            drop(s);
        }
        End::Reset(s) => {
            // Closing with a zero linger sends RST instead of FIN (and does not block).
            #[allow(deprecated)]
            let _ = tcp(&s).set_linger(Some(Duration::ZERO));
            drop(s);
        }
        End::Done => {}
    }
}

/// A server on `bind` that hands each accepted connection to `handle`, on a task of its own.
async fn accept_each<F, Fut>(bind: &str, handle: F) -> Server
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind(bind).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        loop {
            if let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(handle(stream));
            }
        }
    });
    Server { addr, task }
}

/// A forward proxy's answer to a CONNECT it takes.
const ESTABLISHED: &[u8] = b"HTTP/1.1 200 Connection established\r\n\r\n";

/// A plain HTTP/1.1 server answering by path.
pub async fn http(route: impl Fn(&str) -> Behavior + Send + Sync + 'static) -> Server {
    http_at("127.0.0.1:0", route).await
}

/// [`http`] on another loopback address (`127.0.0.2:0`, `[::1]:0`).
pub async fn http_at(bind: &str, route: impl Fn(&str) -> Behavior + Send + Sync + 'static) -> Server {
    let route: Route = Arc::new(route);
    accept_each(bind, move |stream| {
        let route = route.clone();
        async move { finish(serve_one(stream, route).await, |s| s).await }
    })
    .await
}

/// The same server behind TLS.
pub async fn https(tls: Arc<ServerConfig>, route: impl Fn(&str) -> Behavior + Send + Sync + 'static) -> Server {
    let route: Route = Arc::new(route);
    let acceptor = TlsAcceptor::from(tls);
    accept_each("127.0.0.1:0", move |stream| {
        let (route, acceptor) = (route.clone(), acceptor.clone());
        async move {
            if let Ok(tls) = acceptor.accept(stream).await {
                finish(serve_one(tls, route).await, |s| s.get_ref().0).await;
            }
        }
    })
    .await
}

/// A forward proxy that inspects secure connections, as company networks' do: it answers
/// every CONNECT with 200, then ends the TLS itself with `tls` (its own certificate, from
/// its own CA) and answers the request `route`'s way, never reaching the real server.
// Used by the scenario rows, which need the command line.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub async fn intercepting_proxy(
    tls: Arc<ServerConfig>,
    route: impl Fn(&str) -> Behavior + Send + Sync + 'static,
) -> Server {
    let route: Route = Arc::new(route);
    let acceptor = TlsAcceptor::from(tls);
    accept_each("127.0.0.1:0", move |mut stream| {
        let (route, acceptor) = (route.clone(), acceptor.clone());
        async move {
            // The client sends nothing after its CONNECT until the answer: reading the head
            // cannot take the TLS hello with it.
            if read_head(&mut stream).await.is_none() || stream.write_all(ESTABLISHED).await.is_err() {
                return;
            }
            if let Ok(tls) = acceptor.accept(stream).await {
                finish(serve_one(tls, route).await, |s| s.get_ref().0).await;
            }
        }
    })
    .await
}

/// A forward proxy with its own view of the network, as a company's is: every CONNECT is
/// answered with 200 and spliced to `upstream`, whatever name it asked for.
// Used by the scenario rows, which need the command line.
#[cfg_attr(not(feature = "cli"), allow(dead_code))]
pub async fn splicing_proxy(upstream: SocketAddr) -> Server {
    accept_each("127.0.0.1:0", move |mut stream| async move {
        if read_head(&mut stream).await.is_none() {
            return;
        }
        let Ok(mut up) = TcpStream::connect(upstream).await else {
            return;
        };
        if stream.write_all(ESTABLISHED).await.is_ok() {
            let _ = tokio::io::copy_bidirectional(&mut stream, &mut up).await;
        }
    })
    .await
}

/// A server that accepts connections and never reads or writes (a TLS handshake hangs).
pub async fn silent() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held: Vec<TcpStream> = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    Server { addr, task }
}

/// A test certificate authority.
pub struct Pki {
    ca_params: CertificateParams,
    ca_key: KeyPair,
    pub ca_pem: String,
}

impl Pki {
    pub fn new(name: &str) -> Pki {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.distinguished_name.push(DnType::CommonName, name);
        let ca_key = KeyPair::generate().unwrap();
        let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
        Pki {
            ca_params,
            ca_key,
            ca_pem,
        }
    }

    /// A server configuration with a leaf for `names`, valid from `not_before` to `not_after`
    /// days relative to today.
    pub fn server(&self, names: &[&str], not_before_days: i64, not_after_days: i64) -> Arc<ServerConfig> {
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        let today = time_now();
        params.not_before = today + time::Duration::days(not_before_days);
        params.not_after = today + time::Duration::days(not_after_days);
        let key = KeyPair::generate().unwrap();
        let issuer = Issuer::from_params(&self.ca_params, &self.ca_key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        let ca = CertificateDer::from(self.ca_params.self_signed(&self.ca_key).unwrap().der().to_vec());
        let chain = vec![cert.der().clone(), ca];
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
        let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
        let config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .unwrap();
        Arc::new(config)
    }
}

impl Pki {
    /// A leaf for `names`, valid from yesterday for 30 days, as PEM for a server that reads
    /// files (nginx): the chain (leaf, then the CA) and the private key.
    pub fn leaf_pem(&self, names: &[&str]) -> (String, String) {
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        let today = time_now();
        params.not_before = today - time::Duration::days(1);
        params.not_after = today + time::Duration::days(30);
        let key = KeyPair::generate().unwrap();
        let issuer = Issuer::from_params(&self.ca_params, &self.ca_key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        (format!("{}{}", cert.pem(), self.ca_pem), key.serialize_pem())
    }
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// What the DNS server answers for a name.
#[derive(Clone, Debug)]
pub enum Zone {
    A(Vec<std::net::Ipv4Addr>),
    Aaaa(Vec<std::net::Ipv6Addr>),
    Mx(Vec<(u16, &'static str)>),
    NxDomain,
    ServFail,
    /// Answer after this long.
    Slow(Duration),
}

/// A UDP DNS server on loopback answering from `zone(name)` (names without the final dot).
pub async fn dns(zone: impl Fn(&str) -> Vec<Zone> + Send + Sync + 'static) -> Server {
    let socket = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let addr = socket.local_addr().unwrap();
    let zone = Arc::new(zone);
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        loop {
            let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
                continue;
            };
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let (socket, zone) = (socket.clone(), zone.clone());
            tokio::spawn(async move {
                let Some(q) = query.queries.first().cloned() else {
                    return;
                };
                let name = q.name().to_ascii();
                let name = name.trim_end_matches('.').to_owned();
                let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
                reply.metadata.message_type = MessageType::Response;
                reply.metadata.recursion_desired = query.metadata.recursion_desired;
                reply.metadata.recursion_available = true;
                reply.add_query(q.clone());
                let owner = Name::from_ascii(format!("{name}.")).unwrap();
                let entries = zone(&name);
                if entries.is_empty() {
                    reply.metadata.response_code = ResponseCode::NXDomain;
                }
                for entry in entries {
                    match entry {
                        Zone::NxDomain => reply.metadata.response_code = ResponseCode::NXDomain,
                        Zone::ServFail => reply.metadata.response_code = ResponseCode::ServFail,
                        Zone::Slow(d) => tokio::time::sleep(d).await,
                        Zone::A(ips) if q.query_type() == RecordType::A => {
                            for ip in ips {
                                reply.add_answer(Record::from_rdata(owner.clone(), 300, RData::A(A(ip))));
                            }
                        }
                        Zone::Aaaa(ips) if q.query_type() == RecordType::AAAA => {
                            for ip in ips {
                                reply.add_answer(Record::from_rdata(owner.clone(), 300, RData::AAAA(AAAA(ip))));
                            }
                        }
                        Zone::Mx(list) if q.query_type() == RecordType::MX => {
                            for (pref, exchange) in list {
                                let ex = Name::from_ascii(exchange).unwrap();
                                reply.add_answer(Record::from_rdata(owner.clone(), 300, RData::MX(MX::new(pref, ex))));
                            }
                        }
                        _ => {}
                    }
                }
                if let Ok(bytes) = reply.to_vec() {
                    let _ = socket.send_to(&bytes, peer).await;
                }
            });
        }
    });
    Server { addr, task }
}

/// What a broken DNS server sends back for a query (its bytes).
#[derive(Clone, Copy, Debug)]
pub enum BadAnswer {
    /// The query's id, then bytes that are no DNS message.
    Garbage,
    /// A well-formed answer with one A record, cut off in the middle of that record.
    Cut,
    /// An A record whose data is 5 bytes long instead of 4.
    BadRdata,
    /// The truncation bit set and no answer, with no TCP server to retry on: an answer too
    /// large for UDP that bindcheck never gets.
    Truncated,
}

/// A UDP DNS server on loopback that answers every query with `answer`.
pub async fn bad_dns(answer: BadAnswer) -> Server {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        loop {
            let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
                continue;
            };
            let Ok(query) = Message::from_vec(&buf[..n]) else {
                continue;
            };
            let id = query.metadata.id.to_be_bytes();
            let bytes = match answer {
                BadAnswer::Garbage => [&id[..], &[0x81, 0x80, 0xff, 0xff, 0xff, 0xff, 0x13, 0x37, 0xde, 0xad]].concat(),
                BadAnswer::Cut | BadAnswer::BadRdata | BadAnswer::Truncated => {
                    let Some(q) = query.queries.first().cloned() else {
                        continue;
                    };
                    let mut reply = Message::response(query.metadata.id, query.metadata.op_code);
                    reply.metadata.message_type = MessageType::Response;
                    reply.metadata.recursion_desired = query.metadata.recursion_desired;
                    reply.metadata.recursion_available = true;
                    reply.add_query(q.clone());
                    if matches!(answer, BadAnswer::Truncated) {
                        reply.metadata.truncation = true;
                        reply.to_vec().unwrap()
                    } else {
                        let ip = std::net::Ipv4Addr::LOCALHOST;
                        reply.add_answer(Record::from_rdata(q.name().clone(), 300, RData::A(A(ip))));
                        let mut bytes = reply.to_vec().unwrap();
                        if matches!(answer, BadAnswer::Cut) {
                            bytes.truncate(bytes.len() - 3);
                        } else {
                            // The record ends with RDLENGTH (2 bytes) and the 4 address bytes.
                            let at = bytes.len() - 6;
                            bytes[at..at + 2].copy_from_slice(&5u16.to_be_bytes());
                            bytes.push(0);
                        }
                        bytes
                    }
                }
            };
            let _ = socket.send_to(&bytes, peer).await;
        }
    });
    Server { addr, task }
}

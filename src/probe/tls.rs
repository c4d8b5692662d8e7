//! TLS with rustls (no OpenSSL): handshake time, protocol version, ALPN, the presented chain
//! (earliest expiry, subjects), and the failure class. A recording verifier keeps the chain
//! even when verification fails, so an expired certificate's date is still reported.

#[cfg(feature = "probe")]
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
#[cfg(feature = "probe")]
use rustls::client::WebPkiServerVerifier;
#[cfg(feature = "probe")]
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
#[cfg(feature = "probe")]
use rustls::{CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use serde::Serialize;
#[cfg(feature = "probe")]
use std::sync::{Arc, Mutex};
#[cfg(feature = "probe")]
use std::time::{Duration, SystemTime, UNIX_EPOCH};
#[cfg(feature = "probe")]
use tokio::net::TcpStream;
#[cfg(feature = "probe")]
use tokio::time::{timeout_at, Instant};
#[cfg(feature = "probe")]
use tokio_rustls::client::TlsStream;
#[cfg(feature = "probe")]
use tokio_rustls::TlsConnector;

#[cfg(feature = "probe")]
use super::ms_since;
use super::Status;

#[cfg(feature = "probe")]
/// What the TLS layer trusts.
#[derive(Clone)]
pub struct TlsSetup {
    provider: Arc<rustls::crypto::CryptoProvider>,
    verifier: Arc<WebPkiServerVerifier>,
    insecure: bool,
}

#[cfg(feature = "probe")]
/// The trust configuration could not be built.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TlsSetupError {
    #[error("the CA file is not valid PEM")]
    Pem(#[source] std::io::Error),
    #[error("the CA file holds no certificate")]
    NoCertificate,
    #[error("the CA file holds an unusable certificate")]
    Certificate(#[source] rustls::Error),
    #[error("cannot build the certificate verifier")]
    Verifier(#[source] rustls::client::VerifierBuilderError),
}

#[cfg(feature = "probe")]
impl TlsSetup {
    /// Trusts the system's roots (Mozilla's when the system has none) plus `extra_ca_pem`
    /// (a private staging CA). With `insecure`, verification failures are reported but the
    /// handshake goes on.
    pub fn new(extra_ca_pem: Option<&[u8]>, insecure: bool) -> Result<TlsSetup, TlsSetupError> {
        let mut roots = RootCertStore::empty();
        let native = rustls_native_certs::load_native_certs();
        let (added, _) = roots.add_parsable_certificates(native.certs);
        if added == 0 {
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        }
        if let Some(pem) = extra_ca_pem {
            let mut reader = pem;
            let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut reader)
                .collect::<Result<_, _>>()
                .map_err(TlsSetupError::Pem)?;
            if certs.is_empty() {
                return Err(TlsSetupError::NoCertificate);
            }
            for cert in certs {
                roots.add(cert).map_err(TlsSetupError::Certificate)?;
            }
        }
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(TlsSetupError::Verifier)?;
        Ok(TlsSetup {
            provider,
            verifier,
            insecure,
        })
    }
}

#[cfg(feature = "probe")]
type Seen = Arc<Mutex<(Vec<CertificateDer<'static>>, Option<rustls::Error>)>>;

#[cfg(feature = "probe")]
/// Verifies with webpki, remembers the chain and the verdict, and in insecure mode accepts.
#[derive(Debug)]
struct Recording {
    inner: Arc<WebPkiServerVerifier>,
    seen: Seen,
    insecure: bool,
}

#[cfg(feature = "probe")]
impl ServerCertVerifier for Recording {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        if let Ok(mut seen) = self.seen.lock() {
            seen.0 = std::iter::once(end_entity)
                .chain(intermediates)
                .map(|c| c.clone().into_owned())
                .collect();
            seen.1 = verdict.as_ref().err().cloned();
        }
        if self.insecure {
            Ok(ServerCertVerified::assertion())
        } else {
            verdict
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// One certificate of the presented chain.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    /// Days until `not_after` (negative: expired).
    pub expires_in_days: f64,
}

/// The result of a TLS handshake.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct TlsResult {
    pub status: Status,
    pub time_ms: Option<f64>,
    /// `TLSv1_3` or `TLSv1_2`.
    pub version: Option<String>,
    pub alpn: Option<String>,
    /// The earliest `not_after` in the chain, and how many days away it is.
    pub earliest_expiry: Option<String>,
    pub expires_in_days: Option<f64>,
    pub chain: Vec<CertInfo>,
    /// `--insecure` was in effect: verification failures were reported, not enforced.
    pub insecure: bool,
    /// What verification said, in words, when it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[cfg(feature = "probe")]
/// Classifies a certificate verification failure.
pub fn classify(err: &rustls::Error) -> Status {
    match err {
        rustls::Error::InvalidCertificate(e) => match e {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Status::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => Status::NotYetValid,
            CertificateError::UnknownIssuer => Status::Untrusted,
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => Status::NameMismatch,
            _ => Status::CertInvalid,
        },
        _ => Status::HandshakeFailed,
    }
}

#[cfg(feature = "probe")]
fn rfc3339(unix: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

#[cfg(feature = "probe")]
fn chain_info(chain: &[CertificateDer<'static>]) -> Vec<CertInfo> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chain
        .iter()
        .filter_map(|der| x509_parser::parse_x509_certificate(der).ok())
        .map(|(_, cert)| {
            let not_after = cert.validity().not_after.timestamp();
            CertInfo {
                subject: cert.subject().to_string(),
                issuer: cert.issuer().to_string(),
                not_before: rfc3339(cert.validity().not_before.timestamp()),
                not_after: rfc3339(not_after),
                expires_in_days: ((not_after - now) as f64 / 86_400.0 * 10.0).round() / 10.0,
            }
        })
        .collect()
}

#[cfg(feature = "probe")]
/// Runs a TLS handshake over `stream` for `host`, offering `alpn`.
pub async fn handshake(
    setup: &TlsSetup,
    stream: TcpStream,
    host: &str,
    alpn: &[&[u8]],
    timeout: Duration,
    deadline: Instant,
) -> (TlsResult, Option<TlsStream<TcpStream>>) {
    let seen: Seen = Arc::new(Mutex::new((Vec::new(), None)));
    let mut result = TlsResult {
        status: Status::Ok,
        time_ms: None,
        version: None,
        alpn: None,
        earliest_expiry: None,
        expires_in_days: None,
        chain: Vec::new(),
        insecure: setup.insecure,
        error: None,
    };
    let prepared = client_config(setup, &seen, alpn).and_then(|config| server_name(host).map(|name| (config, name)));
    let (config, name) = match prepared {
        Ok(v) => v,
        Err(e) => {
            result.status = Status::Error;
            result.error = Some(super::http::error_chain(&e));
            return (result, None);
        }
    };
    let started = Instant::now();
    if started >= deadline {
        result.status = Status::NotMeasured;
        return (result, None);
    }
    let limit = deadline.min(super::later(started, timeout));
    let outcome = timeout_at(limit, TlsConnector::from(Arc::new(config)).connect(name, stream)).await;
    let (chain, verdict) = seen.lock().map(|s| s.clone()).unwrap_or_default();
    record_chain(&mut result, &chain, verdict.as_ref());
    let stream = finish(&mut result, outcome, verdict.as_ref(), started);
    (result, stream)
}

#[cfg(feature = "probe")]
/// The client configuration: the setup's provider and safe protocol versions, a verifier
/// that records into `seen`, and `alpn`. The error is in words.
fn client_config(setup: &TlsSetup, seen: &Seen, alpn: &[&[u8]]) -> Result<ClientConfig, HandshakeSetupError> {
    let config = ClientConfig::builder_with_provider(setup.provider.clone())
        .with_safe_default_protocol_versions()
        .map(|b| {
            b.dangerous()
                .with_custom_certificate_verifier(Arc::new(Recording {
                    inner: setup.verifier.clone(),
                    seen: seen.clone(),
                    insecure: setup.insecure,
                }))
                .with_no_client_auth()
        });
    let mut config = config.map_err(HandshakeSetupError::Config)?;
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

#[cfg(feature = "probe")]
/// `host` (an IPv6 literal without its brackets) as the name to verify, or why it cannot be.
fn server_name(host: &str) -> Result<ServerName<'static>, HandshakeSetupError> {
    ServerName::try_from(host.trim_start_matches('[').trim_end_matches(']').to_owned())
        .map_err(HandshakeSetupError::ServerName)
}

#[cfg(feature = "probe")]
/// Why a handshake could not even start.
#[derive(Debug, thiserror::Error)]
enum HandshakeSetupError {
    #[error("cannot configure TLS")]
    Config(#[source] rustls::Error),
    #[error("not a valid TLS server name")]
    ServerName(#[source] rustls::pki_types::InvalidDnsNameError),
}

#[cfg(feature = "probe")]
/// Records the presented chain, its earliest expiry, and what verification said when it
/// failed.
fn record_chain(result: &mut TlsResult, chain: &[CertificateDer<'static>], verdict: Option<&rustls::Error>) {
    result.chain = chain_info(chain);
    if let Some(first) = result
        .chain
        .iter()
        .min_by(|a, b| a.expires_in_days.total_cmp(&b.expires_in_days))
    {
        result.earliest_expiry = Some(first.not_after.clone());
        result.expires_in_days = Some(first.expires_in_days);
    }
    if let Some(err) = verdict {
        result.error = Some(err.to_string());
    }
}

#[cfg(feature = "probe")]
/// Records how the handshake that began at `started` ended: its time, and its status from
/// the timeout, the verifier's verdict or the error; on success, the version and ALPN.
/// Returns the stream when the handshake succeeded.
fn finish(
    result: &mut TlsResult,
    outcome: Result<std::io::Result<TlsStream<TcpStream>>, tokio::time::error::Elapsed>,
    verdict: Option<&rustls::Error>,
    started: Instant,
) -> Option<TlsStream<TcpStream>> {
    match outcome {
        // Cut by its own limit or by the run's deadline, a handshake that started timed out.
        Err(_) => {
            result.status = Status::Timeout;
            result.time_ms = Some(ms_since(started));
            None
        }
        Ok(Err(e)) => {
            result.time_ms = Some(ms_since(started));
            result.status = match (
                verdict,
                e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()),
            ) {
                (Some(v), _) => classify(v),
                (None, Some(tls)) => classify(tls),
                (None, None) => super::tcp::classify(&e),
            };
            if result.error.is_none() {
                result.error = Some(e.to_string());
            }
            None
        }
        Ok(Ok(tls)) => {
            result.time_ms = Some(ms_since(started));
            let (_, conn) = tls.get_ref();
            result.version = conn.protocol_version().map(|v| format!("{v:?}"));
            result.alpn = conn.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned());
            // In insecure mode the handshake succeeds, but the report still says what was wrong.
            if let Some(v) = verdict {
                result.status = classify(v);
            }
            Some(tls)
        }
    }
}

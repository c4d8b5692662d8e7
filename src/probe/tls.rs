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
use std::collections::HashMap;
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
    /// The trusted roots, for the path a verified chain takes ([`TlsResult::last_chain_expiry`]).
    anchors: Arc<Anchors>,
    insecure: bool,
}

#[cfg(feature = "probe")]
/// The trusted roots by subject (the contents of the DER `Name`, as webpki compares them),
/// each with its certificates where bindcheck has them: the system's roots and a
/// `--ca-file`'s do; the built-in Mozilla roots come as trust anchors only (no certificate).
/// A certificate is parsed for its `notAfter` only when a verified chain ends at its
/// subject: parsing every system root at start-up cost more than the rest of a loopback
/// `check` (docs/performance.md, "The application path").
type Anchors = HashMap<Vec<u8>, Vec<CertificateDer<'static>>>;

#[cfg(feature = "probe")]
impl std::fmt::Debug for TlsSetup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsSetup")
            .field("insecure", &self.insecure)
            .finish_non_exhaustive()
    }
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
    #[error("the CA file holds an unusable certificate: {}", describe(.0))]
    Certificate(rustls::Error),
    #[error("cannot build the certificate verifier")]
    Verifier(#[source] rustls::client::VerifierBuilderError),
    #[error("cannot configure TLS: {}", describe(.0))]
    Config(rustls::Error),
}

#[cfg(feature = "probe")]
impl TlsSetupError {
    /// What is wrong, in Simplified Chinese (rustls's own words are left out).
    pub fn zh(&self) -> String {
        match self {
            TlsSetupError::Pem(_) => "CA 文件不是有效的 PEM".into(),
            TlsSetupError::NoCertificate => "CA 文件中没有证书".into(),
            TlsSetupError::Certificate(_) => "CA 文件中有无法使用的证书".into(),
            TlsSetupError::Verifier(_) => "无法建立证书验证器".into(),
            TlsSetupError::Config(_) => "无法配置 TLS".into(),
        }
    }
}

#[cfg(feature = "probe")]
impl TlsSetup {
    /// Trusts the system's roots (Mozilla's when the system has none) plus `extra_ca_pem`
    /// (a private staging CA). With `insecure`, verification failures are reported but the
    /// handshake goes on.
    pub fn new(extra_ca_pem: Option<&[u8]>, insecure: bool) -> Result<TlsSetup, TlsSetupError> {
        let mut roots = RootCertStore::empty();
        let mut anchors = Anchors::new();
        let native = rustls_native_certs::load_native_certs();
        // What `RootCertStore::add_parsable_certificates` does, keeping each certificate by
        // its subject.
        for der in native.certs {
            if let Ok(anchor) = webpki::anchor_from_trusted_cert(&der).map(|a| a.to_owned()) {
                anchors.entry(anchor.subject.as_ref().to_vec()).or_default().push(der);
                roots.extend([anchor]);
            }
        }
        if roots.is_empty() {
            anchors.clear();
            roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
            for root in webpki_roots::TLS_SERVER_ROOTS {
                anchors.entry(root.subject.as_ref().to_vec()).or_default();
            }
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
                note_anchor(&mut anchors, &cert);
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
            anchors: Arc::new(anchors),
            insecure,
        })
    }

    /// A client configuration for an HTTP stack that makes its own handshakes (the
    /// application path): the same roots, extra CA and `insecure` as bindcheck's own
    /// handshakes, offering `alpn`.
    pub fn client_config(&self, alpn: &[&[u8]]) -> Result<ClientConfig, TlsSetupError> {
        let seen: Seen = Arc::new(Mutex::new((Vec::new(), None)));
        client_config(self, &seen, alpn).map_err(TlsSetupError::Config)
    }

    /// Whether certificate failures are reported but not enforced.
    pub fn insecure(&self) -> bool {
        self.insecure
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
    /// SHA-256 of the certificate (its DER), in lowercase hex: blackbox_exporter's
    /// `fingerprint_sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint_sha256: Option<String>,
    /// The subject as Go's `crypto/x509` writes it, most specific first
    /// (`CN=api.wallet.test,O=Example Pay,C=CN`): blackbox_exporter's `subject`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_dn: Option<String>,
    /// The issuer, written as `subject_dn` is: blackbox_exporter's `issuer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_dn: Option<String>,
    /// The DNS names among its subject alternative names, in the certificate's order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dns_names: Vec<String>,
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
    /// The earliest `not_after` on the path that verified the certificate: from it through
    /// the presented certificates that lead to a trusted root, the root included when
    /// bindcheck has its certificate (blackbox_exporter's
    /// `probe_ssl_last_chain_expiry_timestamp_seconds`). A certificate the server sends but
    /// the path does not need (an expired cross-signature) does not count here, as it does
    /// in `earliest_expiry`. None when verification failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_chain_expiry: Option<String>,
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
/// A rustls error in `e` itself, or inside it as the payload of an `io::Error` (which
/// `source` skips over), however deep: hyper-rustls wraps tokio-rustls's `io::Error` in
/// another.
pub fn rustls_in<'a>(e: &'a (dyn std::error::Error + 'static)) -> Option<&'a rustls::Error> {
    let mut current: &(dyn std::error::Error + 'static) = e;
    for _ in 0..8 {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        current = current.downcast_ref::<std::io::Error>()?.get_ref()?;
    }
    None
}

#[cfg(feature = "probe")]
/// A TLS failure in words for people: what rustls's own messages say with `Debug` names
/// (`invalid peer certificate: UnknownIssuer`, `received fatal alert: HandshakeFailure`)
/// written out. Errors without a mapping of their own fall back to their `Display`.
pub fn describe(err: &rustls::Error) -> String {
    use rustls::Error as E;
    match err {
        E::InvalidCertificate(e) => describe_certificate(e),
        E::AlertReceived(alert) => format!("the server refused the handshake (alert: {})", alert_name(*alert)),
        E::NoCertificatesPresented => "the server presented no certificate".to_owned(),
        E::InappropriateMessage { .. } | E::InappropriateHandshakeMessage { .. } => {
            "the server sent a message the handshake did not expect at that point".to_owned()
        }
        E::InvalidMessage(_) => "the server sent a malformed TLS message".to_owned(),
        E::PeerIncompatible(_) => {
            "the server supports none of the protocol versions, cipher suites or key exchanges bindcheck offers"
                .to_owned()
        }
        E::PeerMisbehaved(_) => "the server broke the TLS protocol during the handshake".to_owned(),
        E::DecryptError => "a message from the server could not be decrypted".to_owned(),
        E::PeerSentOversizedRecord => "the server sent a TLS record larger than allowed".to_owned(),
        E::NoApplicationProtocol => "the server supports none of the application protocols offered (ALPN)".to_owned(),
        E::UnsupportedNameType => "the server name is of a type TLS cannot send".to_owned(),
        E::HandshakeNotComplete => "the handshake did not complete".to_owned(),
        E::FailedToGetCurrentTime => "the local clock could not be read".to_owned(),
        E::InvalidCertRevocationList(_) => "a certificate revocation list is invalid".to_owned(),
        E::InvalidEncryptedClientHello(_) => "the encrypted client hello failed".to_owned(),
        E::InconsistentKeys(_) => "the certificate and its private key do not match".to_owned(),
        other => other.to_string(),
    }
}

#[cfg(feature = "probe")]
/// A certificate verification failure in words.
fn describe_certificate(err: &CertificateError) -> String {
    use CertificateError as C;
    let when = |t: &UnixTime| rfc3339(i64::try_from(t.as_secs()).unwrap_or(i64::MAX));
    match err {
        C::Expired => "the certificate has expired".to_owned(),
        C::ExpiredContext { not_after, .. } => {
            format!("the certificate has expired (it was valid until {})", when(not_after))
        }
        C::NotValidYet => "the certificate is not valid yet".to_owned(),
        C::NotValidYetContext { not_before, .. } => {
            format!(
                "the certificate is not valid yet (it is valid from {})",
                when(not_before)
            )
        }
        C::UnknownIssuer => "the certificate is not signed by a trusted authority".to_owned(),
        C::NotValidForName => "the certificate is not valid for this server's name".to_owned(),
        C::NotValidForNameContext { expected, presented } => {
            let expected = expected.to_str();
            let names: Vec<String> = presented.iter().filter_map(|n| presented_name(n)).collect();
            if names.is_empty() {
                format!("the certificate is not valid for {expected}: it names no server")
            } else {
                format!(
                    "the certificate is not valid for {expected}: it is for {}",
                    list_names(&names)
                )
            }
        }
        C::BadEncoding => "the certificate is not correctly encoded".to_owned(),
        C::Revoked => "the certificate has been revoked".to_owned(),
        C::UnknownRevocationStatus | C::ExpiredRevocationList | C::ExpiredRevocationListContext { .. } => {
            "whether the certificate was revoked could not be determined".to_owned()
        }
        C::BadSignature => "the certificate's signature does not match its issuer".to_owned(),
        C::UnsupportedSignatureAlgorithmContext { .. } | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            "the certificate is signed with an algorithm bindcheck does not support".to_owned()
        }
        C::UnhandledCriticalExtension => {
            "the certificate has a critical extension bindcheck does not understand".to_owned()
        }
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => {
            "the certificate is not meant for identifying a server".to_owned()
        }
        C::InvalidOcspResponse => "the server's certificate status (OCSP) response is invalid".to_owned(),
        C::ApplicationVerificationFailure => "the certificate was rejected".to_owned(),
        // Other (a webpki error, whose Display is its Debug) and variants added later.
        _ => "the certificate chain is not valid".to_owned(),
    }
}

#[cfg(feature = "probe")]
/// A name a certificate presents, as webpki lists it (`DnsName("a.test")`,
/// `IpAddress(192.0.2.1)`, the `Debug` of its subject-alternative-name entries) without the
/// wrapper; `None` for entries that are no server name (a directory name, an unknown kind).
fn presented_name(entry: &str) -> Option<String> {
    for (open, close) in [
        ("DnsName(\"", "\")"),
        ("IpAddress(", ")"),
        ("UniformResourceIdentifier(\"", "\")"),
    ] {
        if let Some(name) = entry.strip_prefix(open).and_then(|rest| rest.strip_suffix(close)) {
            return Some(name.to_owned());
        }
    }
    (!entry.contains(['(', ')', '"']) && entry != "DirectoryName").then(|| entry.to_owned())
}

#[cfg(feature = "probe")]
/// Up to four names, `a, b or c`, then how many more.
fn list_names(names: &[String]) -> String {
    const SHOWN: usize = 4;
    let shown = &names[..names.len().min(SHOWN)];
    let mut out = match shown {
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => String::new(),
    };
    if names.len() > SHOWN {
        out.push_str(&format!(" (and {} more)", names.len() - SHOWN));
    }
    out
}

#[cfg(feature = "probe")]
/// An alert's name in lowercase words as the RFCs write them (`handshake failure`,
/// `unknown CA`), or its number when rustls does not know it.
fn alert_name(alert: rustls::AlertDescription) -> String {
    let Some(name) = alert.as_str() else {
        return format!("number {}", u8::from(alert));
    };
    // CamelCase into words; a run of capitals (CA, PSK) stays one word, in capitals.
    let chars: Vec<char> = name.chars().collect();
    let mut words: Vec<String> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        let prev_lower = i > 0 && chars[i - 1].is_lowercase();
        if i == 0 || (c.is_uppercase() && (prev_lower || next_lower)) {
            words.push(String::new());
        }
        words.last_mut().expect("a word was started").push(c);
    }
    words
        .iter()
        .map(|w| {
            if w.len() > 1 && w.chars().all(|c| c.is_uppercase()) {
                w.clone()
            } else {
                w.to_lowercase()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(feature = "probe")]
/// A handshake that ended in an I/O error, in words: rustls's error when it carries one.
fn describe_io(e: &std::io::Error) -> String {
    if let Some(tls) = e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        return describe(tls);
    }
    match e.kind() {
        std::io::ErrorKind::UnexpectedEof => "the server closed the connection during the handshake".to_owned(),
        std::io::ErrorKind::ConnectionReset => "the server reset the connection during the handshake".to_owned(),
        _ => e.to_string(),
    }
}

#[cfg(feature = "probe")]
/// `version` as the report names it: `TLSv1_3`, `TLSv1_2`.
fn version_name(version: rustls::ProtocolVersion) -> String {
    match version.as_str() {
        Some(name) => name.to_owned(),
        None => format!("0x{:04x}", u16::from(version)),
    }
}

#[cfg(feature = "probe")]
fn rfc3339(unix: i64) -> String {
    let t = UNIX_EPOCH + Duration::from_secs(unix.max(0) as u64);
    humantime::format_rfc3339_seconds(t).to_string()
}

#[cfg(feature = "probe")]
/// A presented certificate: what the report shows, and what the path to a root is found by.
struct Presented {
    info: CertInfo,
    /// The contents of the subject's and the issuer's DER `Name`.
    subject: Vec<u8>,
    issuer: Vec<u8>,
    not_after: i64,
}

#[cfg(feature = "probe")]
/// The contents of a DER SEQUENCE (its header dropped), or the bytes as they are when they
/// are no SEQUENCE: how webpki keys a trust anchor's subject.
fn der_contents(der: &[u8]) -> &[u8] {
    let (Some(0x30), Some(&len)) = (der.first(), der.get(1)) else {
        return der;
    };
    let header = if len < 0x80 { 2 } else { 2 + usize::from(len & 0x7f) };
    der.get(header..).unwrap_or(der)
}

#[cfg(feature = "probe")]
/// Records a trusted root certificate's subject and expiry (of two roots with one name, the
/// one valid longer).
fn note_anchor(anchors: &mut Anchors, der: &CertificateDer<'_>) {
    if let Ok(anchor) = webpki::anchor_from_trusted_cert(der) {
        let certs = anchors.entry(anchor.subject.as_ref().to_vec()).or_default();
        certs.push(der.clone().into_owned());
    }
}

#[cfg(feature = "probe")]
/// The latest `notAfter` (Unix seconds) of the certificates of a root, `None` when bindcheck
/// has none (a built-in trust anchor).
fn root_expiry(certs: &[CertificateDer<'static>]) -> Option<i64> {
    certs
        .iter()
        .filter_map(|der| x509_parser::parse_x509_certificate(der).ok())
        .map(|(_, cert)| cert.validity().not_after.timestamp())
        .max()
}

#[cfg(feature = "probe")]
/// SHA-256 of `data`, in lowercase hex, with the hash of rustls's own provider.
fn sha256_hex(data: &[u8]) -> Option<String> {
    let suite = rustls::crypto::ring::cipher_suite::TLS13_AES_128_GCM_SHA256.tls13()?;
    Some(hex(suite.common.hash_provider.hash(data).as_ref()))
}

#[cfg(feature = "probe")]
/// Bytes in lowercase hex.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(feature = "probe")]
/// A name as Go's `crypto/x509` writes it (`pkix.Name.String`), which blackbox_exporter's
/// labels carry: the attributes Go knows in its own order, written last first (`SERIALNUMBER`,
/// `CN` (the last one given), `OU`, `O`, `POSTALCODE`, `STREET`, `L`, `ST`, `C`; several
/// values of one kind joined by `+`), then any other attribute as `OID=#` and the hex of its
/// value re-encoded as Go's `asn1.Marshal` encodes a string, RFC 4514's escapes applied.
fn go_name(name: &x509_parser::x509::X509Name<'_>) -> String {
    const NAMED: [(&str, &str); 9] = [
        ("2.5.4.6", "C"),
        ("2.5.4.8", "ST"),
        ("2.5.4.7", "L"),
        ("2.5.4.9", "STREET"),
        ("2.5.4.17", "POSTALCODE"),
        ("2.5.4.10", "O"),
        ("2.5.4.11", "OU"),
        ("2.5.4.3", "CN"),
        ("2.5.4.5", "SERIALNUMBER"),
    ];
    let mut named: [Vec<&str>; 9] = Default::default();
    let mut others = Vec::new();
    for atv in name.iter_attributes() {
        let oid = atv.attr_type().to_id_string();
        match NAMED.iter().position(|(o, _)| *o == oid) {
            // Go keeps one common name and one serial number: the last.
            Some(i @ (7 | 8)) => named[i] = atv.as_str().into_iter().filter(|v| !v.is_empty()).collect(),
            Some(i) => named[i].extend(atv.as_str()),
            None => others.push(format!("{oid}=#{}", go_der_hex(atv))),
        }
    }
    let mut parts: Vec<String> = named
        .iter()
        .zip(NAMED)
        .rev()
        .filter(|(values, _)| !values.is_empty())
        .map(|(values, (_, short))| {
            let each: Vec<String> = values.iter().map(|v| format!("{short}={}", go_escape(v))).collect();
            each.join("+")
        })
        .collect();
    parts.extend(others.into_iter().rev());
    parts.join(",")
}

#[cfg(feature = "probe")]
/// A value escaped as Go's `RDNSequence.String` escapes it (RFC 4514): `,+"\<>;` always, a
/// space first or last, `#` first.
fn go_escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.char_indices() {
        let escape = match c {
            ',' | '+' | '"' | '\\' | '<' | '>' | ';' => true,
            ' ' => i == 0 || i == value.len() - 1,
            '#' => i == 0,
            _ => false,
        };
        if escape {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(feature = "probe")]
/// The hex of an attribute's value as Go's `asn1.Marshal` encodes the value Go parsed: a
/// string as a PrintableString when its characters allow, else a UTF8String; anything else
/// as it came.
fn go_der_hex(atv: &x509_parser::x509::AttributeTypeAndValue<'_>) -> String {
    use x509_parser::asn1_rs::ToDer;
    let der = match atv.as_str() {
        Ok(s) => {
            let printable = s
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b" '()+,-./:=?".contains(&b));
            let mut der = vec![if printable { 0x13 } else { 0x0c }];
            match s.len() {
                n @ 0..=0x7f => der.push(n as u8),
                n => {
                    let bytes: Vec<u8> = n.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
                    der.push(0x80 | bytes.len() as u8);
                    der.extend(bytes);
                }
            }
            der.extend_from_slice(s.as_bytes());
            der
        }
        Err(_) => atv.attr_value().to_der_vec().unwrap_or_default(),
    };
    hex(&der)
}

#[cfg(feature = "probe")]
fn chain_info(chain: &[CertificateDer<'static>]) -> Vec<Presented> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    chain
        .iter()
        .filter_map(|der| Some((der, x509_parser::parse_x509_certificate(der).ok()?.1)))
        .map(|(der, cert)| {
            let not_after = cert.validity().not_after.timestamp();
            let dns_names = match cert.subject_alternative_name() {
                Ok(Some(san)) => san
                    .value
                    .general_names
                    .iter()
                    .filter_map(|n| match n {
                        x509_parser::extensions::GeneralName::DNSName(d) => Some((*d).to_owned()),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            Presented {
                info: CertInfo {
                    subject: cert.subject().to_string(),
                    issuer: cert.issuer().to_string(),
                    not_before: rfc3339(cert.validity().not_before.timestamp()),
                    not_after: rfc3339(not_after),
                    expires_in_days: ((not_after - now) as f64 / 86_400.0 * 10.0).round() / 10.0,
                    fingerprint_sha256: sha256_hex(der),
                    subject_dn: Some(go_name(cert.subject())),
                    issuer_dn: Some(go_name(cert.issuer())),
                    dns_names,
                },
                subject: der_contents(cert.subject().as_raw()).to_vec(),
                issuer: der_contents(cert.issuer().as_raw()).to_vec(),
                not_after,
            }
        })
        .collect()
}

#[cfg(feature = "probe")]
/// The earliest `notAfter` on the path from the leaf (the first certificate) to a trusted
/// root: each step to a presented certificate whose subject is the issuer (the one valid
/// longest, where the server sent several), until the issuer is a root (whose expiry counts
/// when known) or no presented certificate issued it. Go keeps every chain it verified and
/// blackbox_exporter reports the latest of their earliest expiries; this is the one path a
/// server's chain gives, which is the same for a chain sent as it should be.
fn path_expiry(chain: &[Presented], anchors: &Anchors) -> Option<i64> {
    let mut at = chain.first()?;
    let mut earliest = at.not_after;
    let mut used = vec![0];
    loop {
        if let Some(certs) = anchors.get(&at.issuer) {
            return Some(root_expiry(certs).map_or(earliest, |r| earliest.min(r)));
        }
        let next = chain
            .iter()
            .enumerate()
            .filter(|(i, c)| !used.contains(i) && c.subject == at.issuer)
            .max_by_key(|(_, c)| c.not_after);
        let Some((i, c)) = next else {
            return Some(earliest);
        };
        used.push(i);
        earliest = earliest.min(c.not_after);
        at = c;
    }
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
        last_chain_expiry: None,
        chain: Vec::new(),
        insecure: setup.insecure,
        error: None,
    };
    let prepared = client_config(setup, &seen, alpn)
        .map_err(HandshakeSetupError::Config)
        .and_then(|config| server_name(host).map(|name| (config, name)));
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
    record_chain(&mut result, &chain, verdict.as_ref(), &setup.anchors);
    let stream = finish(&mut result, outcome, verdict.as_ref(), started);
    (result, stream)
}

#[cfg(feature = "probe")]
/// The client configuration: the setup's provider and safe protocol versions, a verifier
/// that records into `seen`, and `alpn`.
fn client_config(setup: &TlsSetup, seen: &Seen, alpn: &[&[u8]]) -> Result<ClientConfig, rustls::Error> {
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
    let mut config = config?;
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
    #[error("cannot configure TLS: {}", describe(.0))]
    Config(rustls::Error),
    #[error("not a valid TLS server name")]
    ServerName(#[source] rustls::pki_types::InvalidDnsNameError),
}

#[cfg(feature = "probe")]
/// Records the presented chain, its earliest expiry, the earliest on the path to a root when
/// the chain verified, and what verification said when it failed.
fn record_chain(
    result: &mut TlsResult,
    chain: &[CertificateDer<'static>],
    verdict: Option<&rustls::Error>,
    anchors: &Anchors,
) {
    let presented = chain_info(chain);
    if verdict.is_none() {
        result.last_chain_expiry = path_expiry(&presented, anchors).map(rfc3339);
    }
    result.chain = presented.into_iter().map(|p| p.info).collect();
    if let Some(first) = result
        .chain
        .iter()
        .min_by(|a, b| a.expires_in_days.total_cmp(&b.expires_in_days))
    {
        result.earliest_expiry = Some(first.not_after.clone());
        result.expires_in_days = Some(first.expires_in_days);
    }
    if let Some(err) = verdict {
        result.error = Some(describe(err));
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
                result.error = Some(describe_io(&e));
            }
            None
        }
        Ok(Ok(tls)) => {
            result.time_ms = Some(ms_since(started));
            let (_, conn) = tls.get_ref();
            result.version = conn.protocol_version().map(version_name);
            result.alpn = conn.alpn_protocol().map(|p| String::from_utf8_lossy(p).into_owned());
            // In insecure mode the handshake succeeds, but the report still says what was wrong.
            if let Some(v) = verdict {
                result.status = classify(v);
            }
            Some(tls)
        }
    }
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
    use rustls::{AlertDescription, Error};

    /// A certificate for `dn` valid until `year`, signed by `issuer` (self-signed without one).
    fn cert(
        dn: &[(DnType, &str)],
        names: &[&str],
        year: i32,
        ca: bool,
        issuer: Option<&(CertificateParams, KeyPair)>,
    ) -> ((CertificateParams, KeyPair), CertificateDer<'static>) {
        let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
        for (t, v) in dn {
            params.distinguished_name.push(t.clone(), *v);
        }
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(year, 1, 1);
        if ca {
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        }
        let key = KeyPair::generate().unwrap();
        let der = match issuer {
            Some((p, k)) => params
                .signed_by(&key, &Issuer::from_params(p, k))
                .unwrap()
                .der()
                .clone(),
            None => params.self_signed(&key).unwrap().der().clone(),
        };
        ((params, key), der)
    }

    fn unix(year: i32) -> i64 {
        rcgen::date_time_ymd(year, 1, 1).unix_timestamp()
    }

    #[test]
    fn names_read_as_go_writes_them_and_the_leaf_has_its_fingerprint_and_dns_names() {
        let email = DnType::CustomDnType(vec![1, 2, 840, 113_549, 1, 9, 1]);
        let (_, der) = cert(
            &[
                (DnType::CountryName, "CN"),
                (DnType::OrganizationName, "Example, Pay"),
                (DnType::OrganizationalUnitName, "#1 Payments"),
                (DnType::CommonName, "api.wallet.test"),
                (email, "ops@wallet.test"),
            ],
            &["api.wallet.test", "*.api.wallet.test"],
            2030,
            false,
            None,
        );
        let presented = chain_info(std::slice::from_ref(&der));
        let leaf = &presented[0].info;
        assert_eq!(
            leaf.subject_dn.as_deref(),
            Some("CN=api.wallet.test,OU=\\#1 Payments,O=Example\\, Pay,C=CN,1.2.840.113549.1.9.1=#0c0f6f70734077616c6c65742e74657374")
        );
        assert_eq!(leaf.issuer_dn, leaf.subject_dn, "self-signed");
        assert_eq!(leaf.dns_names, ["api.wallet.test", "*.api.wallet.test"]);
        let fingerprint = leaf.fingerprint_sha256.as_deref().unwrap();
        assert_eq!(fingerprint.len(), 64);
        assert!(fingerprint
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        // SHA-256 of "abc" (FIPS 180-2's example).
        assert_eq!(
            sha256_hex(b"abc").unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(go_escape(" a#b "), "\\ a#b\\ ");
        assert_eq!(go_escape("a<b>;\"\\"), "a\\<b\\>\\;\\\"\\\\");
    }

    #[test]
    fn the_last_chain_is_the_path_to_a_root_not_every_certificate_presented() {
        let (root, root_der) = cert(&[(DnType::CommonName, "Root")], &[], 2040, true, None);
        let (inter, inter_der) = cert(&[(DnType::CommonName, "Intermediate")], &[], 2031, true, Some(&root));
        let (_, leaf_der) = cert(
            &[(DnType::CommonName, "api")],
            &["api.wallet.test"],
            2035,
            false,
            Some(&inter),
        );
        // A certificate the server sends that no path needs, expired long ago.
        let (_, stray_der) = cert(&[(DnType::CommonName, "Old cross-sign")], &[], 2021, true, Some(&root));
        let chain = chain_info(&[leaf_der, stray_der, inter_der]);
        let mut anchors = Anchors::new();
        note_anchor(&mut anchors, &root_der);
        assert_eq!(path_expiry(&chain, &anchors), Some(unix(2031)));
        // The root's own expiry counts when it comes first.
        let (old_root, old_root_der) = cert(&[(DnType::CommonName, "Old root")], &[], 2029, true, None);
        let (_, leaf2) = cert(&[(DnType::CommonName, "api")], &[], 2035, false, Some(&old_root));
        let mut anchors = Anchors::new();
        note_anchor(&mut anchors, &old_root_der);
        assert_eq!(
            path_expiry(&chain_info(std::slice::from_ref(&leaf2)), &anchors),
            Some(unix(2029))
        );
        // A root known only as a trust anchor (no certificate): the presented path alone.
        let subject = anchors.keys().next().unwrap().clone();
        anchors.insert(subject, Vec::new());
        assert_eq!(path_expiry(&chain_info(&[leaf2]), &anchors), Some(unix(2035)));
        assert_eq!(path_expiry(&[], &anchors), None);
        assert_eq!(der_contents(&[0x30, 0x02, 0xaa, 0xbb]), [0xaa, 0xbb]);
        assert_eq!(der_contents(&[0x30, 0x81, 0x01, 0xaa]), [0xaa]);
        assert_eq!(der_contents(&[0x30]), [0x30]);
    }

    #[test]
    fn rustls_errors_read_as_words_not_debug_names() {
        let cert = |e| describe(&Error::InvalidCertificate(e));
        assert_eq!(cert(CertificateError::Expired), "the certificate has expired");
        assert_eq!(
            cert(CertificateError::ExpiredContext {
                time: UnixTime::since_unix_epoch(Duration::from_secs(1_800_000_000)),
                not_after: UnixTime::since_unix_epoch(Duration::from_secs(1_700_000_000)),
            }),
            "the certificate has expired (it was valid until 2023-11-14T22:13:20Z)"
        );
        assert_eq!(
            cert(CertificateError::UnknownIssuer),
            "the certificate is not signed by a trusted authority"
        );
        assert_eq!(cert(CertificateError::NotValidYet), "the certificate is not valid yet");
        let name = ServerName::try_from("api.wallet.test").unwrap();
        assert_eq!(
            cert(CertificateError::NotValidForNameContext {
                expected: name.clone(),
                presented: vec![
                    "DnsName(\"www.elsewhere.test\")".into(),
                    "IpAddress(192.0.2.1)".into(),
                    "DirectoryName".into(),
                    "*.elsewhere.test".into(),
                ],
            }),
            "the certificate is not valid for api.wallet.test: it is for www.elsewhere.test, 192.0.2.1 or *.elsewhere.test"
        );
        let many: Vec<String> = (0..6).map(|i| format!("n{i}.test")).collect();
        assert_eq!(
            cert(CertificateError::NotValidForNameContext {
                expected: name,
                presented: many,
            }),
            "the certificate is not valid for api.wallet.test: it is for n0.test, n1.test, n2.test or n3.test (and 2 more)"
        );
        assert_eq!(
            describe(&Error::AlertReceived(AlertDescription::HandshakeFailure)),
            "the server refused the handshake (alert: handshake failure)"
        );
        assert_eq!(
            describe(&Error::AlertReceived(AlertDescription::UnknownCA)),
            "the server refused the handshake (alert: unknown CA)"
        );
        assert_eq!(
            describe(&Error::AlertReceived(AlertDescription::UnknownPSKIdentity)),
            "the server refused the handshake (alert: unknown PSK identity)"
        );
        assert_eq!(
            describe(&Error::AlertReceived(AlertDescription::Unknown(200))),
            "the server refused the handshake (alert: number 200)"
        );
        assert_eq!(
            describe(&Error::General("something odd".into())),
            "unexpected error: something odd"
        );
        let other = std::sync::Arc::new(std::io::Error::other("CaUsedAsEndEntity"));
        assert_eq!(
            cert(CertificateError::Other(rustls::OtherError(other))),
            "the certificate chain is not valid"
        );
        for e in [
            Error::InvalidCertificate(CertificateError::BadSignature),
            Error::InvalidCertificate(CertificateError::Revoked),
            Error::PeerIncompatible(rustls::PeerIncompatible::NoCipherSuitesInCommon),
            Error::PeerMisbehaved(rustls::PeerMisbehaved::IncorrectBinder),
            Error::InvalidMessage(rustls::InvalidMessage::MissingData("x")),
            Error::NoCertificatesPresented,
        ] {
            let words = describe(&e);
            assert!(words.chars().next().is_some_and(char::is_lowercase), "{words}");
            let camel = words
                .as_bytes()
                .windows(2)
                .any(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase());
            assert!(!camel, "a Debug name in {words}");
        }
    }

    #[test]
    fn io_errors_carry_rustls_words() {
        let wrapped = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        assert_eq!(
            describe_io(&wrapped),
            "the certificate is not signed by a trusted authority"
        );
        let eof = std::io::Error::from(std::io::ErrorKind::UnexpectedEof);
        assert_eq!(
            describe_io(&eof),
            "the server closed the connection during the handshake"
        );
        assert_eq!(version_name(rustls::ProtocolVersion::TLSv1_3), "TLSv1_3");
        assert_eq!(version_name(rustls::ProtocolVersion::Unknown(0x7f1c)), "0x7f1c");
    }
}

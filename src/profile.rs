//! Profiles (TOML): one wallet's endpoints, input policy, thresholds and resolvers to compare.
//!
//! A bad profile is an error with the file, line and column, what is wrong, and a hint. The
//! embedded default profile covers the public API gateways of major wallets, so that
//! `bindcheck check --phone … --card …` works with no file. Every key is documented in
//! docs/profile.md.

use serde::Deserialize;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use url::Url;

use crate::probe::Method;
use crate::validate::{BinTable, Brand, CardKind, CardPolicy, EmailPolicy, PhoneOptions, Policy, Region};

/// The default profile, compiled in.
pub const DEFAULT_PROFILE: &str = include_str!("profile/default.toml");
/// The commented starter profile `bindcheck init` writes.
pub const STARTER_PROFILE: &str = include_str!("profile/starter.toml");

/// What an endpoint is for (reports group and explain by it).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The API the bind request goes to.
    Api,
    /// The service that sends SMS verification codes.
    Sms,
    /// Static content (pages, images, the app's own resources).
    Static,
    /// A status page.
    Status,
    Other,
}

/// One endpoint of a wallet.
#[derive(Clone, Debug)]
pub struct Endpoint {
    /// A short name (`bindcheck serve` probes targets by it); defaults to the URL's host.
    pub name: String,
    pub url: Url,
    pub role: Role,
    pub method: Method,
    /// Status codes that mean the endpoint works (default: any 2xx or 3xx).
    pub expect: Vec<u16>,
}

/// Which endpoint of its profile a result belongs to: the rules find an endpoint's
/// settings by it, never by comparing URLs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EndpointId(usize);

/// A warn and a fail level; a measurement at or above a level trips it.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    pub warn: f64,
    pub fail: f64,
}

/// Measurements that make an endpoint degraded (warn) or blocked (fail).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Thresholds {
    pub dns_ms: Threshold,
    pub connect_ms: Threshold,
    pub tls_ms: Threshold,
    /// Time to first byte of the endpoint's request.
    pub ttfb_ms: Threshold,
    pub loss_pct: Threshold,
    pub jitter_ms: Threshold,
    /// Days until the earliest certificate expiry: *below* a level trips it.
    pub cert_days: Threshold,
    /// Absolute clock skew in seconds.
    pub clock_skew_s: Threshold,
}

impl Default for Thresholds {
    fn default() -> Self {
        let t = |warn, fail| Threshold { warn, fail };
        Thresholds {
            dns_ms: t(500.0, 5000.0),
            connect_ms: t(500.0, 5000.0),
            tls_ms: t(800.0, 5000.0),
            ttfb_ms: t(1500.0, 10000.0),
            loss_pct: t(2.0, 30.0),
            jitter_ms: t(50.0, 300.0),
            cert_days: t(14.0, 0.0),
            clock_skew_s: t(30.0, 300.0),
        }
    }
}

/// An app version: dotted numbers, compared component by component (`10.5` < `10.5.1`).
/// Mobile apps use two to four components (`8.0`, `10.5.0.1234`), which SemVer does not
/// allow, hence this small type instead of the `semver` crate.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AppVersion(Vec<u32>);

impl AppVersion {
    pub fn parse(s: &str) -> Option<AppVersion> {
        let s = s.trim().trim_start_matches(['v', 'V']);
        let parts: Option<Vec<u32>> = s.split('.').map(|p| p.parse().ok()).collect();
        let mut parts = parts.filter(|p| !p.is_empty() && p.len() <= 4)?;
        while parts.len() > 1 && parts.last() == Some(&0) {
            parts.pop();
        }
        Some(AppVersion(parts))
    }
}

impl fmt::Display for AppVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.0.iter().map(u32::to_string).collect();
        f.write_str(&parts.join("."))
    }
}

/// A loaded, checked profile.
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    /// Where it came from: a path, or `default (embedded)`.
    pub source: String,
    pub endpoints: Vec<Endpoint>,
    pub policy: Policy,
    pub min_app_version: Option<AppVersion>,
    pub thresholds: Thresholds,
    pub compare_resolvers: Vec<SocketAddr>,
}

/// A profile that cannot be used: where, what, and what to do.
#[derive(Debug)]
#[non_exhaustive]
pub struct ProfileError {
    /// The file, or the name given to [`Profile::parse`].
    pub source: String,
    /// 1-based line and column of the problem; 0 when the file could not be read at all.
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub hint: String,
    /// The I/O error behind a profile or BIN table that could not be read.
    io: Option<std::io::Error>,
}

impl ProfileError {
    /// Where in the file the problem is, when it is in the file.
    pub fn position(&self) -> Option<(usize, usize)> {
        (self.line > 0).then_some((self.line, self.column))
    }

    /// The I/O error behind the problem, taken out (to chain it elsewhere).
    pub fn take_io(&mut self) -> Option<std::io::Error> {
        self.io.take()
    }

    fn with_io(mut self, e: std::io::Error) -> ProfileError {
        self.io = Some(e);
        self
    }
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position() {
            Some((line, column)) => write!(f, "{}:{line}:{column}: {}", self.source, self.message)?,
            None => write!(f, "{}: {}", self.source, self.message)?,
        }
        write!(f, "\nhint: {}", self.hint)
    }
}

impl std::error::Error for ProfileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.io.as_ref().map(|e| e as _)
    }
}

// ---- the file format ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    thresholds: Thresholds,
    #[serde(default)]
    resolvers: RawResolvers,
    #[serde(default, rename = "endpoint")]
    endpoints: Vec<RawEndpoint>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    default_region: Option<Spanned<String>>,
    phone_regions: Option<Vec<Spanned<String>>>,
    mobile_required: Option<bool>,
    card_brands: Option<Vec<Spanned<String>>>,
    card_kinds: Option<Vec<Spanned<String>>>,
    bin_table: Option<Spanned<String>>,
    email_allow_quoted: Option<bool>,
    email_allow_ip_literal: Option<bool>,
    min_app_version: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawResolvers {
    #[serde(default)]
    compare: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEndpoint {
    #[serde(default)]
    name: Option<Spanned<String>>,
    url: Spanned<String>,
    #[serde(default = "default_role")]
    role: Role,
    #[serde(default)]
    method: Option<Spanned<String>>,
    #[serde(default)]
    expect: Vec<Spanned<u16>>,
}

fn default_role() -> Role {
    Role::Api
}

/// Line and column (1-based, in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct Ctx<'a> {
    text: &'a str,
    source: &'a str,
}

impl Ctx<'_> {
    fn error(&self, span: Option<Range<usize>>, message: impl Into<String>, hint: impl Into<String>) -> ProfileError {
        let (line, column) = span.map_or((1, 1), |s| line_col(self.text, s.start));
        ProfileError {
            source: self.source.to_owned(),
            line,
            column,
            message: message.into(),
            hint: hint.into(),
            io: None,
        }
    }
}

impl Profile {
    /// The ids of the endpoints, in the profile's order.
    pub fn endpoint_ids(&self) -> impl Iterator<Item = EndpointId> + '_ {
        (0..self.endpoints.len()).map(EndpointId)
    }

    /// The endpoint `id` names. Ids come from this profile: one from another profile with
    /// fewer endpoints panics.
    pub fn endpoint(&self, id: EndpointId) -> &Endpoint {
        &self.endpoints[id.0]
    }

    /// The endpoint named `name` (`bindcheck serve`'s targets).
    pub fn endpoint_named(&self, name: &str) -> Option<EndpointId> {
        self.endpoints.iter().position(|e| e.name == name).map(EndpointId)
    }

    /// The embedded default profile.
    pub fn default_profile() -> Profile {
        Profile::parse(DEFAULT_PROFILE, "default (embedded)", None).expect("the embedded profile is valid")
    }

    /// Reads and checks a profile file; a BIN table path in it is relative to the file.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ProfileError {
                source: source.clone(),
                line: 0,
                column: 0,
                message: "cannot read the profile".into(),
                hint: "check the path given to --profile".into(),
                io: None,
            }
            .with_io(e)
        })?;
        Profile::parse(&text, &source, path.parent())
    }

    /// Parses and checks profile text. `base` is the folder relative paths start from.
    pub fn parse(text: &str, source: &str, base: Option<&Path>) -> Result<Profile, ProfileError> {
        let ctx = Ctx { text, source };
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_owned();
            let hint = if message.contains("unknown field") {
                "check the spelling of the key; docs/profile.md lists every key".to_owned()
            } else if message.contains("missing field") {
                "add the key; docs/profile.md says what it means".to_owned()
            } else {
                "check the TOML syntax near this place (strings in quotes, [tables], [[endpoint]] entries)".to_owned()
            };
            ctx.error(e.span(), message, hint)
        })?;
        let _ = raw.description;
        if raw.name.trim().is_empty() {
            return Err(ctx.error(
                None,
                "the profile's `name` is empty",
                "name the wallet, e.g. name = \"Example Pay\"",
            ));
        }

        let region = |s: &Spanned<String>| -> Result<Region, ProfileError> {
            if let Ok(r) = s.get_ref().parse::<Region>() {
                Ok(r)
            } else {
                Err(ctx.error(
                    Some(s.span()),
                    format!("unknown region `{}`", s.get_ref()),
                    "use two-letter region codes such as CN, HK, MO, TW, US",
                ))
            }
        };
        let p = &raw.policy;
        let default_region = match &p.default_region {
            None => Some(Region::CN),
            Some(s) if s.get_ref().eq_ignore_ascii_case("none") => None,
            Some(s) => Some(region(s)?),
        };
        let allowed_regions = match &p.phone_regions {
            None => None,
            Some(list) => Some(list.iter().map(region).collect::<Result<Vec<_>, _>>()?),
        };
        let allowed_brands = match &p.card_brands {
            None => None,
            Some(list) => Some(
                list.iter()
                    .map(|b| {
                        b.get_ref().parse::<Brand>().map_err(|_| {
                            ctx.error(
                                Some(b.span()),
                                format!("unknown card brand `{}`", b.get_ref()),
                                "use braintree's names: unionpay, visa, mastercard, american-express, jcb, discover, diners-club, maestro, mir, elo, hiper, hipercard, troy, naranja, verve",
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let allowed_kinds = match &p.card_kinds {
            None => None,
            Some(list) => Some(
                list.iter()
                    .map(|k| {
                        CardKind::parse(k.get_ref()).ok_or_else(|| {
                            ctx.error(
                                Some(k.span()),
                                format!("unknown card kind `{}`", k.get_ref()),
                                "use debit, credit or prepaid",
                            )
                        })
                    })
                    .collect::<Result<Vec<_>, _>>()?,
            ),
        };
        let bin_table = match &p.bin_table {
            None => None,
            Some(file) => {
                let path: PathBuf = base.map_or_else(|| PathBuf::from(file.get_ref()), |b| b.join(file.get_ref()));
                let csv = std::fs::read_to_string(&path).map_err(|e| {
                    ctx.error(
                        Some(file.span()),
                        format!("cannot read the BIN table {}", path.display()),
                        "the path is relative to the profile file",
                    )
                    .with_io(e)
                })?;
                Some(BinTable::parse(&csv).map_err(|e| {
                    ctx.error(
                        Some(file.span()),
                        format!(
                            "the BIN table {} is invalid at its line {}: {}",
                            path.display(),
                            e.line,
                            e.problem
                        ),
                        "each line is prefix,issuer,kind with kind one of debit, credit, prepaid (or empty)",
                    )
                })?)
            }
        };
        let min_app_version = match &p.min_app_version {
            None => None,
            Some(v) => Some(AppVersion::parse(v.get_ref()).ok_or_else(|| {
                ctx.error(
                    Some(v.span()),
                    format!("`{}` is not a version", v.get_ref()),
                    "write it as dotted numbers, e.g. \"10.5.0\"",
                )
            })?),
        };

        let mut endpoints = Vec::with_capacity(raw.endpoints.len());
        for e in &raw.endpoints {
            let url = Url::parse(e.url.get_ref())
                .ok()
                .filter(|u| crate::probe::host_port(u).is_some())
                .ok_or_else(|| {
                    ctx.error(
                        Some(e.url.span()),
                        format!("`{}` is not an http or https URL", e.url.get_ref()),
                        "write the full URL, e.g. \"https://api.wallet.example/v1/health\"",
                    )
                })?;
            let method = match &e.method {
                None => Method::Get,
                Some(m) => m.get_ref().parse().map_err(|_| {
                    ctx.error(
                        Some(m.span()),
                        format!("unsupported method `{}`", m.get_ref()),
                        "use GET or HEAD",
                    )
                })?,
            };
            let mut expect = Vec::with_capacity(e.expect.len());
            for code in &e.expect {
                if !(100..=599).contains(code.get_ref()) {
                    return Err(ctx.error(
                        Some(code.span()),
                        format!("{} is not an HTTP status code", code.get_ref()),
                        "status codes are 100 to 599",
                    ));
                }
                expect.push(*code.get_ref());
            }
            let name = match &e.name {
                Some(n) if n.get_ref().trim().is_empty() || n.get_ref().contains(char::is_whitespace) => {
                    return Err(ctx.error(
                        Some(n.span()),
                        format!("endpoint name `{}` is empty or has spaces", n.get_ref()),
                        "use a short name such as \"api\" or \"sms\"",
                    ));
                }
                Some(n) => n.get_ref().clone(),
                // The host, or host:port, or the URL: the first not taken.
                None => {
                    let host = url.host_str().unwrap_or_default().to_owned();
                    let host_port = format!("{host}:{}", url.port_or_known_default().unwrap_or(0));
                    [host, host_port, url.to_string()]
                        .into_iter()
                        .find(|n| {
                            !endpoints.iter().any(|x: &Endpoint| &x.name == n)
                                && !raw
                                    .endpoints
                                    .iter()
                                    .any(|r| r.name.as_ref().is_some_and(|m| m.get_ref() == n))
                        })
                        .unwrap_or_else(|| url.to_string())
                }
            };
            if endpoints.iter().any(|x: &Endpoint| x.name == name) && e.name.is_some() {
                return Err(ctx.error(
                    e.name.as_ref().map(|n| n.span()),
                    format!("two endpoints are named `{name}`"),
                    "give each endpoint its own name",
                ));
            }
            endpoints.push(Endpoint {
                name,
                url,
                role: e.role,
                method,
                expect,
            });
        }

        let mut compare_resolvers = Vec::new();
        for r in &raw.resolvers.compare {
            let s = r.get_ref();
            let addr = s
                .parse::<SocketAddr>()
                .or_else(|_| s.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
                .map_err(|_| {
                    ctx.error(
                        Some(r.span()),
                        format!("`{s}` is not an IP address"),
                        "write resolvers as \"223.5.5.5\" or \"127.0.0.1:5353\"",
                    )
                })?;
            compare_resolvers.push(addr);
        }

        let t = &raw.thresholds;
        for (key, th, inverted) in [
            ("dns_ms", t.dns_ms, false),
            ("connect_ms", t.connect_ms, false),
            ("tls_ms", t.tls_ms, false),
            ("ttfb_ms", t.ttfb_ms, false),
            ("loss_pct", t.loss_pct, false),
            ("jitter_ms", t.jitter_ms, false),
            ("cert_days", t.cert_days, true),
            ("clock_skew_s", t.clock_skew_s, false),
        ] {
            let ordered = if inverted {
                th.warn >= th.fail
            } else {
                th.warn <= th.fail
            };
            if !ordered || th.warn < 0.0 && !inverted {
                let span = find_key(text, key);
                return Err(ctx.error(
                    span,
                    format!(
                        "thresholds.{key}: warn {} and fail {} are the wrong way round",
                        th.warn, th.fail
                    ),
                    if inverted {
                        "for cert_days, warn is the larger number of days (warn = 14, fail = 0)"
                    } else {
                        "warn is the smaller level (e.g. warn = 500, fail = 5000)"
                    },
                ));
            }
        }

        Ok(Profile {
            name: raw.name,
            source: source.to_owned(),
            endpoints,
            policy: Policy {
                phone: PhoneOptions {
                    default_region,
                    allowed_regions,
                    require_mobile: p.mobile_required.unwrap_or(true),
                },
                email: EmailPolicy {
                    allow_quoted_local: p.email_allow_quoted.unwrap_or(false),
                    allow_ip_literal: p.email_allow_ip_literal.unwrap_or(false),
                },
                card: CardPolicy {
                    allowed_brands,
                    bin_table,
                    allowed_kinds,
                },
            },
            min_app_version,
            thresholds: raw.thresholds,
            compare_resolvers,
        })
    }
}

/// The span of the first `key =` in the text, for errors about values that are fine alone.
fn find_key(text: &str, key: &str) -> Option<Range<usize>> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with(key) && trimmed[key.len()..].trim_start().starts_with('=') {
            let start = offset + (line.len() - trimmed.len());
            return Some(start..start + key.len());
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ProfileError {
        Profile::parse(text, "p.toml", None).unwrap_err()
    }

    #[test]
    fn the_embedded_profiles_are_valid() {
        let p = Profile::default_profile();
        assert!(p.endpoints.len() >= 5);
        assert_eq!(p.policy.phone.default_region, Some(Region::CN));
        let starter = Profile::parse(STARTER_PROFILE, "starter", None).unwrap();
        assert!(!starter.endpoints.is_empty());
    }

    #[test]
    fn the_fixture_profiles_are_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                let p = Profile::load(&path).unwrap_or_else(|e| panic!("{e}"));
                assert!(!p.endpoints.is_empty(), "{}", path.display());
                n += 1;
            }
        }
        assert!(n >= 3);
        let staging =
            Profile::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles/staging-local.toml")).unwrap();
        assert_eq!(staging.policy.card.bin_table.as_ref().map(|t| t.len()), Some(5));
    }

    #[test]
    fn errors_have_line_and_column() {
        let e = err("name = \"x\"\n\n[policy]\nphone_regions = [\"CN\", \"XX\"]\n");
        assert_eq!((e.line, e.column), (4, 24), "{e}");
        assert!(e.message.contains("XX"));
        let e = err("name = \"x\"\n[[endpoint]]\nurl = \"ftp://a\"\n");
        assert_eq!((e.line, e.column), (3, 7));
        let e = err("name = \"x\"\n[policy]\ncard_brand = [\"visa\"]\n");
        assert_eq!(e.line, 3);
        assert!(e.hint.contains("spelling"), "{e}");
        let e = err("name = \"x\"\n[thresholds]\nloss_pct = { warn = 10, fail = 5 }\n");
        assert_eq!((e.line, e.column), (3, 1));
        let e = err("name = \"x\n");
        assert_eq!(e.line, 1);
        let e = err("[policy]\n");
        assert!(e.message.contains("name"), "{e}");
    }

    #[test]
    fn versions_compare_by_component() {
        let v = |s| AppVersion::parse(s).unwrap();
        assert!(v("10.5") < v("10.5.1"));
        assert!(v("10.10") > v("10.9.9"));
        assert_eq!(v("10.5.0"), v("10.5"));
        assert_eq!(v("v8.0.1").to_string(), "8.0.1");
        assert!(AppVersion::parse("ten").is_none());
        assert!(AppVersion::parse("1.2.3.4.5").is_none());
    }
}

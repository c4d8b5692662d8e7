//! Profiles (TOML): one wallet's endpoints, input policy, thresholds and resolvers to compare.
//!
//! A bad profile is an error with the file, line and column, what is wrong, and a hint. The
//! embedded default profile covers the public API gateways of major wallets, so that
//! `bindcheck check --phone … --card …` works with no file. Every key is documented in
//! docs/profile.md.

use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use url::Url;

use crate::file::{self, FileError};
use crate::probe::Method;
use crate::validate::{
    BinTable, Brand, CardKind, CardPolicy, EmailPolicy, Lang, PhoneOptions, PhoneRanges, Policy, Region, SegmentPolicy,
    UnionpayLuhn,
};
use std::sync::Arc;

/// The default profile, compiled in.
pub const DEFAULT_PROFILE: &str = include_str!("profile/default.toml");
/// The commented starter profile `bindcheck init` writes.
pub const STARTER_PROFILE: &str = include_str!("profile/starter.toml");

/// The largest profile file [`Profile::load`] reads: 16 MiB (a profile is a few kilobytes;
/// a monitoring profile with 20,000 endpoints is about 1.5 MB).
pub const MAX_PROFILE_BYTES: u64 = 16 << 20;
/// The largest BIN table file a profile's `bin_table` (and `validate --bin-table`) may name:
/// 16 MiB, several times a table of every issuer's prefixes.
pub const MAX_BIN_TABLE_BYTES: u64 = 16 << 20;

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
    /// Hosts besides its own that `bindcheck serve` follows this endpoint's redirects to:
    /// names, `*.suffix` patterns, or `*` for any (docs/profile.md). Other commands follow
    /// redirects to any host; redirects to internal addresses are judged apart.
    pub redirect_hosts: Vec<String>,
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

/// [`Profile::source`] of the embedded default profile.
pub const EMBEDDED_SOURCE: &str = "default (embedded)";
/// [`Profile::source`] of [`Profile::command_line`].
pub const COMMAND_LINE_SOURCE: &str = "command line";

/// A loaded, checked profile.
#[derive(Clone, Debug)]
pub struct Profile {
    pub name: String,
    /// `name_zh`: the name Chinese reports show, when the profile gives one.
    pub name_zh: Option<String>,
    /// Where it came from: a path, [`EMBEDDED_SOURCE`] or [`COMMAND_LINE_SOURCE`].
    pub source: String,
    pub endpoints: Vec<Endpoint>,
    pub policy: Policy,
    pub min_app_version: Option<AppVersion>,
    pub thresholds: Thresholds,
    pub compare_resolvers: Vec<SocketAddr>,
    /// `[network] connectivity_checks`: plain-HTTP URLs that answer 204 on the open
    /// internet, asked to find a captive portal (none when the profile lists none).
    pub connectivity_checks: Vec<Url>,
    /// `[network] proxy`: the proxy every endpoint's application-path request goes through,
    /// in place of the system's settings.
    pub proxy: Option<Url>,
    /// `[serve] cors_origins`: the origins whose pages may call `bindcheck serve`'s API from
    /// a browser (none: CORS is off).
    pub cors_origins: Vec<CorsOrigin>,
    /// `[serve] app_path`: `/probe` scrapes make the application-path request too (off:
    /// the direct path only).
    pub serve_app_path: bool,
}

/// A web origin a browser sends in `Origin`: `https://shop.example` or
/// `http://127.0.0.1:8080`, as browsers write it (the scheme and host in lower case, the
/// default port left out, IDNs in punycode), so that it compares exactly.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CorsOrigin(String);

/// Why a text is not an origin. The message never repeats the text: it may hold a password.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OriginError {
    #[error("`*` is not an origin: bindcheck allows listed origins only")]
    Wildcard,
    #[error("an origin is an http:// or https:// URL with a host and nothing else")]
    NotAnOrigin,
    #[error("an origin has no path, query or user name: only the scheme, the host and the port")]
    HasMore,
}

impl OriginError {
    /// What to do.
    pub fn hint(&self) -> &'static str {
        match self {
            OriginError::Wildcard => "list each origin whose pages call the API, e.g. \"https://shop.example\"",
            _ => "write the origin as the browser's address bar shows it, without the path: \"https://shop.example\" or \"http://127.0.0.1:8080\"",
        }
    }

    /// What is wrong, in Simplified Chinese.
    pub fn zh(&self) -> &'static str {
        match self {
            OriginError::Wildcard => "`*` 不是来源：bindcheck 只允许列出的来源",
            OriginError::NotAnOrigin => "来源是只带主机名的 http:// 或 https:// 网址，不含别的",
            OriginError::HasMore => "来源不含路径、查询参数或用户名，只有协议、主机名和端口",
        }
    }

    /// [`OriginError::hint`] in Simplified Chinese.
    pub fn hint_zh(&self) -> &'static str {
        match self {
            OriginError::Wildcard => "请逐个列出其页面会调用 API 的来源，例如 \"https://shop.example\"",
            _ => "请照浏览器地址栏显示的样子写来源，不带路径：\"https://shop.example\" 或 \"http://127.0.0.1:8080\"",
        }
    }
}

impl CorsOrigin {
    /// An origin as written in a profile or on the command line: `https://Shop.Example:443/`
    /// is `https://shop.example`.
    pub fn parse(text: &str) -> Result<CorsOrigin, OriginError> {
        let text = text.trim();
        if text == "*" {
            return Err(OriginError::Wildcard);
        }
        let url = Url::parse(text).map_err(|_| OriginError::NotAnOrigin)?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(OriginError::NotAnOrigin);
        }
        if url.path() != "/"
            || url.query().is_some()
            || url.fragment().is_some()
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(OriginError::HasMore);
        }
        Ok(CorsOrigin(url.origin().ascii_serialization()))
    }

    /// The origin as browsers send it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CorsOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for CorsOrigin {
    type Err = OriginError;

    fn from_str(s: &str) -> Result<CorsOrigin, OriginError> {
        CorsOrigin::parse(s)
    }
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
    /// The Chinese words and the cause (boxed: errors stay small).
    beside: Box<Beside>,
    /// The file's other problems, in file order after this one, at most
    /// [`MAX_PROFILE_ERRORS`] in all: a profile is fixed in one pass, not one run per mistake.
    pub more: Vec<ProfileError>,
}

/// What a [`ProfileError`] keeps out of line.
#[derive(Debug)]
struct Beside {
    /// The message and the hint in Simplified Chinese ([`ProfileError::message_in`]).
    zh: (String, String),
    /// Why a profile or BIN table file could not be read.
    cause: Option<FileError>,
}

/// The most problems one profile reports (the first and up to this many minus one in
/// [`ProfileError::more`]).
pub const MAX_PROFILE_ERRORS: usize = 20;

impl ProfileError {
    /// What is wrong, for a reader of `lang`.
    pub fn message_in(&self, lang: Lang) -> &str {
        lang.pick(&self.message, &self.beside.zh.0)
    }

    /// What to do, for a reader of `lang`.
    pub fn hint_in(&self, lang: Lang) -> &str {
        lang.pick(&self.hint, &self.beside.zh.1)
    }

    /// Where in the file the problem is, when it is in the file.
    pub fn position(&self) -> Option<(usize, usize)> {
        (self.line > 0).then_some((self.line, self.column))
    }

    /// Why the file could not be read (not found, not a regular file, too large...), taken
    /// out to chain it elsewhere.
    pub fn take_cause(&mut self) -> Option<FileError> {
        self.beside.cause.take()
    }

    fn caused_by(mut self, e: FileError) -> ProfileError {
        self.beside.cause = Some(e);
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
        self.beside.cause.as_ref().map(|e| e as _)
    }
}

// ---- the file format ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: String,
    #[serde(default)]
    name_zh: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    policy: RawPolicy,
    #[serde(default)]
    thresholds: RawThresholds,
    #[serde(default)]
    resolvers: RawResolvers,
    #[serde(default)]
    network: RawNetwork,
    #[serde(default)]
    serve: RawServe,
    #[serde(default, rename = "endpoint")]
    endpoints: Vec<RawEndpoint>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    default_region: Option<Spanned<String>>,
    phone_regions: Option<Vec<Spanned<String>>>,
    mobile_required: Option<bool>,
    virtual_operator: Option<Spanned<String>>,
    phone_ranges: Option<Spanned<String>>,
    card_brands: Option<Vec<Spanned<String>>>,
    card_kinds: Option<Vec<Spanned<String>>>,
    bin_table: Option<Spanned<String>>,
    unionpay_luhn: Option<Spanned<String>>,
    email_allow_quoted: Option<bool>,
    email_allow_ip_literal: Option<bool>,
    min_app_version: Option<Spanned<String>>,
}

/// `[thresholds]` as written: the keys given, with where their values are (a key left out
/// takes its level from [`Thresholds::default`]). The keys and their order are
/// [`Thresholds`]'s, and it expects what that does, so that serde's messages read the same.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, expecting = "struct Thresholds")]
struct RawThresholds {
    dns_ms: Option<Spanned<Threshold>>,
    connect_ms: Option<Spanned<Threshold>>,
    tls_ms: Option<Spanned<Threshold>>,
    ttfb_ms: Option<Spanned<Threshold>>,
    loss_pct: Option<Spanned<Threshold>>,
    jitter_ms: Option<Spanned<Threshold>>,
    cert_days: Option<Spanned<Threshold>>,
    clock_skew_s: Option<Spanned<Threshold>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawResolvers {
    #[serde(default)]
    compare: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawNetwork {
    #[serde(default)]
    connectivity_checks: Vec<Spanned<String>>,
    #[serde(default)]
    proxy: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawServe {
    #[serde(default)]
    cors_origins: Vec<Spanned<String>>,
    #[serde(default)]
    app_path: bool,
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
    #[serde(default)]
    redirect_hosts: Vec<Spanned<String>>,
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

/// The profile being parsed: its text (to turn spans into lines and columns) and its name.
struct Ctx<'a> {
    text: &'a str,
    source: &'a str,
}

/// A text in English and in Simplified Chinese: `(en, zh)`.
type Said<A, B> = (A, B);

impl Ctx<'_> {
    /// An error at `span` (at the start of the file without one): what is wrong and what to
    /// do, each in both languages.
    fn error(
        &self,
        span: Option<Range<usize>>,
        message: Said<impl Into<String>, impl Into<String>>,
        hint: Said<impl Into<String>, impl Into<String>>,
    ) -> ProfileError {
        let (line, column) = span.map_or((1, 1), |s| line_col(self.text, s.start));
        ProfileError {
            source: self.source.to_owned(),
            line,
            column,
            message: message.0.into(),
            hint: hint.0.into(),
            beside: Box::new(Beside {
                zh: (message.1.into(), hint.1.into()),
                cause: None,
            }),
            more: Vec::new(),
        }
    }

    /// An error at a value of the file.
    fn error_at<T>(
        &self,
        at: &Spanned<T>,
        message: Said<impl Into<String>, impl Into<String>>,
        hint: Said<impl Into<String>, impl Into<String>>,
    ) -> ProfileError {
        self.error(Some(at.span()), message, hint)
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
        Profile::parse(DEFAULT_PROFILE, EMBEDDED_SOURCE, None).expect("the embedded profile is valid")
    }

    /// The profile of a run given only endpoints on the command line: the default profile's
    /// policy and checks, none of its endpoints, and a name that says so rather than the
    /// default wallets' name.
    pub fn command_line() -> Profile {
        Profile {
            name: "endpoints given on the command line".into(),
            name_zh: Some("命令行指定的服务端点".into()),
            source: COMMAND_LINE_SOURCE.into(),
            endpoints: Vec::new(),
            ..Profile::default_profile()
        }
    }

    /// The name for a reader of `lang`.
    pub fn name_in(&self, lang: crate::validate::Lang) -> &str {
        match (lang, &self.name_zh) {
            (crate::validate::Lang::ZhCn, Some(zh)) => zh,
            _ => &self.name,
        }
    }

    /// Reads and checks a profile file; a BIN table path in it is relative to the file.
    /// The file must be a regular file of at most [`MAX_PROFILE_BYTES`].
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let source = path.display().to_string();
        let text = file::read_text(path, MAX_PROFILE_BYTES).map_err(|e| {
            ProfileError {
                source: source.clone(),
                line: 0,
                column: 0,
                message: "cannot read the profile".into(),
                hint: format!(
                    "check the path given to --profile: a profile is a TOML file of at most {} MiB",
                    MAX_PROFILE_BYTES >> 20
                ),
                beside: Box::new(Beside {
                    zh: (
                        "无法读取配置文件".into(),
                        format!(
                            "请检查 --profile 给出的路径：配置文件是不超过 {} MiB 的 TOML 文件",
                            MAX_PROFILE_BYTES >> 20
                        ),
                    ),
                    cause: None,
                }),
                more: Vec::new(),
            }
            .caused_by(e)
        })?;
        Profile::parse(&text, &source, path.parent())
    }

    /// Parses and checks profile text. `base` is the folder relative paths start from.
    ///
    /// A file that is not TOML (or has keys of the wrong type) stops at its first problem.
    /// Otherwise every section is checked (the name, policy, endpoints one by one,
    /// resolvers, thresholds, network), each in the order of its keys and stopping at its
    /// first problem, and the error is the first problem in the file with the others in
    /// [`ProfileError::more`], in file order, at most [`MAX_PROFILE_ERRORS`] in all.
    pub fn parse(text: &str, source: &str, base: Option<&Path>) -> Result<Profile, ProfileError> {
        let ctx = Ctx { text, source };
        let raw: RawProfile = toml::from_str(text).map_err(|e| toml_error(&ctx, &e))?;
        let _ = raw.description;
        let mut problems = Vec::new();
        if raw.name.trim().is_empty() {
            problems.push(ctx.error(
                None,
                ("the profile's `name` is empty", "配置文件的 `name` 为空"),
                (
                    "name the wallet, e.g. name = \"Example Pay\"",
                    "请写上钱包的名称，例如 `name = \"Example Pay\"`",
                ),
            ));
        }
        let policy = kept(&mut problems, policy(&ctx, &raw.policy, base));
        let endpoints = endpoints(&ctx, &raw.endpoints, &mut problems);
        let compare_resolvers = kept(&mut problems, resolvers(&ctx, &raw.resolvers));
        let thresholds = kept(&mut problems, thresholds(&ctx, &raw.thresholds));
        let connectivity_checks = kept(&mut problems, connectivity_checks(&ctx, &raw.network));
        let proxy = kept(
            &mut problems,
            raw.network.proxy.as_ref().map(|p| proxy(&ctx, p)).transpose(),
        );
        let cors_origins = kept(&mut problems, cors_origins(&ctx, &raw.serve));
        if let Some(first) = first_of(problems) {
            return Err(first);
        }
        let (
            Some((policy, min_app_version)),
            Some(compare_resolvers),
            Some(thresholds),
            Some(connectivity_checks),
            Some(proxy),
            Some(cors_origins),
        ) = (
            policy,
            compare_resolvers,
            thresholds,
            connectivity_checks,
            proxy,
            cors_origins,
        )
        else {
            unreachable!("a section without its value recorded a problem")
        };
        Ok(Profile {
            name: raw.name,
            name_zh: raw.name_zh.filter(|n| !n.trim().is_empty()),
            source: source.to_owned(),
            endpoints,
            policy,
            min_app_version,
            thresholds,
            compare_resolvers,
            connectivity_checks,
            proxy,
            cors_origins,
            serve_app_path: raw.serve.app_path,
        })
    }
}

/// A section's value, or `None` with its problem recorded in `problems`.
fn kept<T>(problems: &mut Vec<ProfileError>, section: Result<T, ProfileError>) -> Option<T> {
    match section {
        Ok(v) => Some(v),
        Err(e) => {
            problems.push(e);
            None
        }
    }
}

/// The first problem in file order, carrying the next ones (at most [`MAX_PROFILE_ERRORS`]
/// in all) in [`ProfileError::more`]; `None` for none.
fn first_of(mut problems: Vec<ProfileError>) -> Option<ProfileError> {
    problems.sort_by_key(|p| (p.line, p.column));
    problems.truncate(MAX_PROFILE_ERRORS);
    let mut rest = problems.into_iter();
    let mut first = rest.next()?;
    first.more = rest.collect();
    Some(first)
}

/// A file that is not TOML, or not a profile's keys and types: the parser's message, with a
/// hint by its kind.
///
/// The Chinese message is said by the kind alone, with the key the parser names in
/// backquotes: the parser's own words are English.
fn toml_error(ctx: &Ctx, e: &toml::de::Error) -> ProfileError {
    let message = e.message().trim().to_owned();
    let key = message.split('`').nth(1).filter(|k| !k.is_empty() && k.len() <= 64);
    let named = |what: &str| key.map_or_else(|| what.to_owned(), |k| format!("{what} `{k}`"));
    let (message_zh, hint) = if message.contains("unknown field") {
        (
            named("未知的键"),
            (
                "check the spelling of the key; docs/profile.md lists every key",
                "请检查键的拼写；docs/profile.md 列出了所有的键",
            ),
        )
    } else if message.contains("missing field") {
        (
            named("缺少键"),
            (
                "add the key; docs/profile.md says what it means",
                "请加上这个键；docs/profile.md 说明了它的含义",
            ),
        )
    } else {
        let said = if message.contains("invalid type") {
            "值的类型不对"
        } else if message.contains("duplicate key") {
            "键重复了"
        } else {
            "TOML 语法有误"
        };
        (
            said.to_owned(),
            (
                "check the TOML syntax near this place (strings in quotes, [tables], [[endpoint]] entries)",
                "请检查这里附近的 TOML 语法（字符串要加引号，还有 `[表]` 和 `[[endpoint]]` 条目）",
            ),
        )
    };
    ctx.error(e.span(), (message, message_zh), hint)
}

// ---- [policy] ----

/// `[policy]`: what input the wallet accepts, and the oldest app version that can bind.
fn policy(ctx: &Ctx, raw: &RawPolicy, base: Option<&Path>) -> Result<(Policy, Option<AppVersion>), ProfileError> {
    let default_region = match &raw.default_region {
        None => Some(Region::CN),
        Some(s) if s.get_ref().eq_ignore_ascii_case("none") => None,
        Some(s) => Some(region(ctx, s)?),
    };
    let allowed_regions = each(&raw.phone_regions, |s| region(ctx, s))?;
    let allowed_brands = each(&raw.card_brands, |b| card_brand(ctx, b))?;
    let allowed_kinds = each(&raw.card_kinds, |k| card_kind(ctx, k))?;
    let bin_table = raw
        .bin_table
        .as_ref()
        .map(|file| bin_table(ctx, file, base))
        .transpose()?;
    let unionpay_luhn = raw
        .unionpay_luhn
        .as_ref()
        .map(|r| unionpay_luhn(ctx, r))
        .transpose()?
        .unwrap_or_default();
    let min_app_version = raw.min_app_version.as_ref().map(|v| app_version(ctx, v)).transpose()?;
    let virtual_operator = match &raw.virtual_operator {
        None => SegmentPolicy::default(),
        Some(p) => SegmentPolicy::parse(p.get_ref()).ok_or_else(|| {
            ctx.error_at(
                p,
                ("unknown virtual_operator policy", "未知的 `virtual_operator` 策略"),
                ("use allow, warn or reject", "请用 `allow`、`warn` 或 `reject`"),
            )
        })?,
    };
    let ranges = raw
        .phone_ranges
        .as_ref()
        .map(|file| phone_ranges(ctx, file, base).map(Arc::new))
        .transpose()?;
    let policy = Policy {
        phone: PhoneOptions {
            default_region,
            allowed_regions,
            require_mobile: raw.mobile_required.unwrap_or(true),
            virtual_operator,
            ranges,
        },
        email: EmailPolicy {
            allow_quoted_local: raw.email_allow_quoted.unwrap_or(false),
            allow_ip_literal: raw.email_allow_ip_literal.unwrap_or(false),
        },
        card: CardPolicy {
            allowed_brands,
            bin_table,
            allowed_kinds,
            unionpay_luhn,
        },
    };
    Ok((policy, min_app_version))
}

/// Each item of a list that may be left out, through `parse`; the first error stops it.
fn each<T>(
    list: &Option<Vec<Spanned<String>>>,
    parse: impl FnMut(&Spanned<String>) -> Result<T, ProfileError>,
) -> Result<Option<Vec<T>>, ProfileError> {
    list.as_ref().map(|l| l.iter().map(parse).collect()).transpose()
}

/// A region code (`default_region`, `phone_regions`).
fn region(ctx: &Ctx, s: &Spanned<String>) -> Result<Region, ProfileError> {
    s.get_ref().parse::<Region>().map_err(|_| {
        ctx.error_at(
            s,
            // The position is given; the value is not repeated.
            ("unknown region", "未知的地区代码"),
            (
                "use two-letter region codes such as CN, HK, MO, TW, US",
                "请用两个字母的地区代码，例如 CN、HK、MO、TW、US",
            ),
        )
    })
}

/// The card brand names a profile may use (braintree's credit-card-type names).
const BRAND_NAMES: &str = "unionpay, visa, mastercard, american-express, jcb, discover, diners-club, maestro, mir, elo, hiper, hipercard, troy, naranja, verve";

/// A card brand of `card_brands`.
fn card_brand(ctx: &Ctx, b: &Spanned<String>) -> Result<Brand, ProfileError> {
    b.get_ref().parse::<Brand>().map_err(|_| {
        ctx.error_at(
            b,
            (
                format!("unknown card brand `{}`", b.get_ref()),
                format!("未知的卡组织 `{}`", b.get_ref()),
            ),
            (
                format!("use braintree's names: {BRAND_NAMES}"),
                format!("请用 braintree 的名称：`{}`", BRAND_NAMES.replace(", ", "`、`")),
            ),
        )
    })
}

/// A card kind of `card_kinds`.
fn card_kind(ctx: &Ctx, k: &Spanned<String>) -> Result<CardKind, ProfileError> {
    CardKind::parse(k.get_ref()).ok_or_else(|| {
        ctx.error_at(
            k,
            (
                format!("unknown card kind `{}`", k.get_ref()),
                format!("未知的卡种 `{}`", k.get_ref()),
            ),
            (
                "use debit, credit or prepaid",
                "请用 `debit`（借记卡）、`credit`（信用卡）或 `prepaid`（预付卡）",
            ),
        )
    })
}

/// `unionpay_luhn`: `warn` or `error`.
fn unionpay_luhn(ctx: &Ctx, r: &Spanned<String>) -> Result<UnionpayLuhn, ProfileError> {
    UnionpayLuhn::parse(r.get_ref()).ok_or_else(|| {
        ctx.error_at(
            r,
            (
                "`unionpay_luhn` must be \"warn\" or \"error\"",
                "`unionpay_luhn` 只能是 `\"warn\"` 或 `\"error\"`",
            ),
            (
                "\"warn\" (the default) lets a UnionPay card that fails the check digit through with a warning; \"error\" refuses it",
                "`\"warn\"`（默认）让校验位不符的银联卡带警告通过；`\"error\"` 则拒绝它",
            ),
        )
    })
}

/// `bin_table`: the CSV file, read and parsed ([`data_file`]).
fn bin_table(ctx: &Ctx, name: &Spanned<String>, base: Option<&Path>) -> Result<BinTable, ProfileError> {
    let what = Named {
        en: ("BIN table", "a BIN table"),
        zh: "BIN 表",
    };
    data_file(ctx, name, base, what, |text| {
        BinTable::parse(text).map_err(|e| {
            let said = (e.problem.to_string(), e.problem.zh());
            (e.line, said, (e.hint(), e.hint_zh()))
        })
    })
}

/// `phone_ranges`: the CSV file, read and parsed ([`data_file`]).
fn phone_ranges(ctx: &Ctx, name: &Spanned<String>, base: Option<&Path>) -> Result<PhoneRanges, ProfileError> {
    let what = Named {
        en: ("phone ranges", "a phone ranges file"),
        zh: "号段文件",
    };
    data_file(ctx, name, base, what, |text| {
        PhoneRanges::parse(text).map_err(|e| {
            let said = (e.problem.to_string(), e.problem.zh());
            (e.line, said, (e.hint(), e.hint_zh()))
        })
    })
}

/// What a data file is called: in English (`BIN table`, and with its article for the start
/// of a hint) and in Chinese.
struct Named {
    en: (&'static str, &'static str),
    zh: &'static str,
}

/// A data file's error: its line, what is wrong there and what to do, each in English and
/// Chinese.
type DataError = (usize, Said<String, String>, Said<&'static str, &'static str>);

/// A data file the profile names (`bin_table`, `phone_ranges`): read, relative to `base`, as a
/// regular file of at most [`MAX_BIN_TABLE_BYTES`], and parsed by `parse`. An error is at the
/// key's value; `what` names the file in it, and as the subject of the hint.
fn data_file<T>(
    ctx: &Ctx,
    name: &Spanned<String>,
    base: Option<&Path>,
    what: Named,
    parse: impl FnOnce(&str) -> Result<T, DataError>,
) -> Result<T, ProfileError> {
    let path: PathBuf = base.map_or_else(|| PathBuf::from(name.get_ref()), |b| b.join(name.get_ref()));
    let shown = path.display();
    let mib = MAX_BIN_TABLE_BYTES >> 20;
    let text = file::read_text(&path, MAX_BIN_TABLE_BYTES).map_err(|e| {
        ctx.error_at(
            name,
            (
                format!("cannot read the {} {shown}", what.en.0),
                format!("无法读取{} {shown}", what.zh),
            ),
            (
                format!(
                    "the path is relative to the profile file; {} is a CSV file of at most {mib} MiB",
                    what.en.1
                ),
                format!(
                    "路径相对于配置文件所在的文件夹；{}是不超过 {mib} MiB 的 CSV 文件",
                    what.zh
                ),
            ),
        )
        .caused_by(e)
    })?;
    parse(&text).map_err(|(line, (problem, problem_zh), hint)| {
        ctx.error_at(
            name,
            (
                format!("the {} {shown} is invalid at its line {line}: {problem}", what.en.0),
                format!("{} {shown} 的第 {line} 行有误：{problem_zh}", what.zh),
            ),
            hint,
        )
    })
}

/// `min_app_version`.
fn app_version(ctx: &Ctx, v: &Spanned<String>) -> Result<AppVersion, ProfileError> {
    AppVersion::parse(v.get_ref()).ok_or_else(|| {
        ctx.error_at(
            v,
            (
                format!("`{}` is not a version", v.get_ref()),
                format!("`{}` 不是版本号", v.get_ref()),
            ),
            (
                "write it as dotted numbers, e.g. \"10.5.0\"",
                "请写成以点分隔的数字，例如 \"10.5.0\"",
            ),
        )
    })
}

// ---- [[endpoint]] ----

/// The names endpoints have: the ones given in the profile, and the ones taken so far.
struct Names<'a> {
    given: HashSet<&'a str>,
    taken: HashSet<String>,
}

/// The `[[endpoint]]` entries, in order; each name is unique.
/// The endpoints, each checked whatever the others' problems, which go into `problems`.
fn endpoints(ctx: &Ctx, raw: &[RawEndpoint], problems: &mut Vec<ProfileError>) -> Vec<Endpoint> {
    let mut names = Names {
        given: raw
            .iter()
            .filter_map(|r| r.name.as_ref())
            .map(|n| n.get_ref().as_str())
            .collect(),
        taken: HashSet::with_capacity(raw.len()),
    };
    let mut endpoints = Vec::with_capacity(raw.len());
    for e in raw {
        if let Some(endpoint) = kept(problems, endpoint(ctx, e, &names)) {
            names.taken.insert(endpoint.name.clone());
            endpoints.push(endpoint);
        }
    }
    endpoints
}

/// One `[[endpoint]]`. A name left out must not take a name given to another endpoint or
/// taken by one above.
fn endpoint(ctx: &Ctx, e: &RawEndpoint, names: &Names) -> Result<Endpoint, ProfileError> {
    let url = Url::parse(e.url.get_ref())
        .ok()
        .filter(|u| crate::probe::host_port(u).is_some())
        .ok_or_else(|| {
            ctx.error_at(
                &e.url,
                // Not repeated: a URL may hold credentials or a token; the position is given.
                (
                    "`url` is not an http or https URL with a host",
                    "`url` 不是带主机名的 http 或 https 网址",
                ),
                (
                    "write the full URL, e.g. \"https://api.wallet.example/v1/health\"",
                    "请写完整的网址，例如 \"https://api.wallet.example/v1/health\"",
                ),
            )
        })?;
    let method = match &e.method {
        None => Method::Get,
        Some(m) => m.get_ref().parse().map_err(|_| {
            ctx.error_at(
                m,
                (
                    format!("unsupported method `{}`", m.get_ref()),
                    format!("不支持的请求方法 `{}`", m.get_ref()),
                ),
                ("use GET or HEAD", "请用 GET 或 HEAD"),
            )
        })?,
    };
    let expect = e
        .expect
        .iter()
        .map(|code| {
            let c = *code.get_ref();
            if (100..=599).contains(&c) {
                Ok(c)
            } else {
                Err(ctx.error_at(
                    code,
                    (
                        format!("{c} is not an HTTP status code"),
                        format!("{c} 不是 HTTP 状态码"),
                    ),
                    ("status codes are 100 to 599", "状态码在 100 到 599 之间"),
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let redirect_hosts = e
        .redirect_hosts
        .iter()
        .map(|h| {
            let host = h.get_ref();
            let name = host.strip_prefix("*.").unwrap_or(host);
            let plausible = host == "*"
                || (!name.is_empty() && url::Host::parse(name).is_ok() && !name.contains(['/', ':', '@', '*']));
            if plausible {
                Ok(host.clone())
            } else {
                Err(ctx.error_at(
                    h,
                    (
                        "`redirect_hosts` holds something that is not a host name",
                        "`redirect_hosts` 里有一项不是主机名",
                    ),
                    (
                        "write host names such as \"login.wallet.example\", patterns such as \"*.wallet.example\", or \"*\" for any host",
                        "请写主机名（如 \"login.wallet.example\"）、通配（如 \"*.wallet.example\"），或用 \"*\" 表示任何主机",
                    ),
                ))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let name = endpoint_name(ctx, e, &url, names)?;
    Ok(Endpoint {
        name,
        url,
        role: e.role,
        method,
        expect,
        redirect_hosts,
    })
}

/// An endpoint's name: the one given (without spaces, not taken by an endpoint above), or
/// else the host, or host:port, or the URL, or the host with `-2`, `-3`...: the first no
/// endpoint has or names, so that names stay unique however often a URL is repeated.
fn endpoint_name(ctx: &Ctx, e: &RawEndpoint, url: &Url, names: &Names) -> Result<String, ProfileError> {
    let taken = |n: &str| names.taken.contains(n);
    let Some(given) = &e.name else {
        let host = url.host_str().unwrap_or_default().to_owned();
        let host_port = format!("{host}:{}", url.port_or_known_default().unwrap_or(0));
        // The URL as reports show it: a name is published (metric labels, /probe).
        let shown = crate::probe::shown_url(url.as_str(), false);
        let numbered = (2..).map(|n| format!("{host}-{n}"));
        let name = [host.clone(), host_port, shown]
            .into_iter()
            .chain(numbered)
            .find(|n| !taken(n) && !names.given.contains(n.as_str()))
            .expect("only finitely many names are taken");
        return Ok(name);
    };
    let name = given.get_ref();
    if name.trim().is_empty() || name.contains(char::is_whitespace) {
        return Err(ctx.error_at(
            given,
            (
                format!("endpoint name `{name}` is empty or has spaces"),
                format!("端点名称 `{name}` 为空或含有空格"),
            ),
            (
                "use a short name such as \"api\" or \"sms\"",
                "请用简短的名称，例如 `\"api\"` 或 `\"sms\"`",
            ),
        ));
    }
    if taken(name) {
        return Err(ctx.error_at(
            given,
            (
                format!("two endpoints are named `{name}`"),
                format!("有两个端点都叫 `{name}`"),
            ),
            ("give each endpoint its own name", "请给每个端点起不同的名称"),
        ));
    }
    Ok(name.clone())
}

// ---- [resolvers] ----

/// `[resolvers]`: the DNS servers to compare answers with (port 53 unless given).
fn resolvers(ctx: &Ctx, raw: &RawResolvers) -> Result<Vec<SocketAddr>, ProfileError> {
    raw.compare
        .iter()
        .map(|r| {
            let s = r.get_ref();
            s.parse::<SocketAddr>()
                .or_else(|_| s.parse::<IpAddr>().map(|ip| SocketAddr::new(ip, 53)))
                .map_err(|_| {
                    ctx.error_at(
                        r,
                        (format!("`{s}` is not an IP address"), format!("`{s}` 不是 IP 地址")),
                        (
                            "write resolvers as \"223.5.5.5\" or \"127.0.0.1:5353\"",
                            "DNS 服务器请写成 \"223.5.5.5\" 或 \"127.0.0.1:5353\"",
                        ),
                    )
                })
        })
        .collect()
}

// ---- [network] ----

/// The most connectivity checks a profile may list: each is a request in every run.
const MAX_CONNECTIVITY_CHECKS: usize = 8;

/// `[network] connectivity_checks`: plain `http://` URLs (a portal cannot answer for an
/// `https://` one without a certificate error, which is another finding), at most
/// [`MAX_CONNECTIVITY_CHECKS`].
fn connectivity_checks(ctx: &Ctx, raw: &RawNetwork) -> Result<Vec<Url>, ProfileError> {
    if let Some(extra) = raw.connectivity_checks.get(MAX_CONNECTIVITY_CHECKS) {
        return Err(ctx.error_at(
            extra,
            (
                format!("more than {MAX_CONNECTIVITY_CHECKS} connectivity checks"),
                format!("联网检测地址超过 {MAX_CONNECTIVITY_CHECKS} 个"),
            ),
            (
                "two or three checks run by different companies are enough (docs/profile.md)",
                "两三个由不同公司提供的检测地址就够了（见 docs/profile.md）",
            ),
        ));
    }
    raw.connectivity_checks
        .iter()
        .map(|c| match crate::probe::portal::check_url(c.get_ref()) {
            Some(url) => Ok(url),
            None => Err(ctx.error_at(
                c,
                (
                    "a connectivity check must be a plain http:// URL with a host",
                    "联网检测地址必须是带主机名的普通 http:// 网址",
                ),
                (
                    "write it as \"http://connectivitycheck.gstatic.com/generate_204\" (docs/profile.md)",
                    "请写成 \"http://connectivitycheck.gstatic.com/generate_204\" 这样（见 docs/profile.md）",
                ),
            )),
        })
        .collect()
}

/// `[network] proxy`: an `http://` or `https://` proxy URL, read as the environment's are
/// (`proxy:3128` is `http://proxy:3128`), credentials allowed. The error never repeats the value: it may hold a password.
fn proxy(ctx: &Ctx, raw: &Spanned<String>) -> Result<Url, ProfileError> {
    match crate::probe::proxy::parse_proxy_url(raw.get_ref()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(ctx.error_at(
            raw,
            (
                "the proxy is not an http:// or https:// URL with a host",
                "代理不是带主机名的 http:// 或 https:// 网址",
            ),
            (
                "write it as \"http://proxy.example:3128\", with \"user:password@\" before the host if it wants a login",
                "请写成 \"http://proxy.example:3128\"；代理需要登录时，在主机名前加 \"user:password@\"",
            ),
        )),
    }
}

// ---- [serve] ----

/// The most origins `[serve] cors_origins` may list.
const MAX_CORS_ORIGINS: usize = 64;

/// `[serve] cors_origins`: origins ([`CorsOrigin::parse`]), each once, at most
/// [`MAX_CORS_ORIGINS`].
fn cors_origins(ctx: &Ctx, raw: &RawServe) -> Result<Vec<CorsOrigin>, ProfileError> {
    if let Some(extra) = raw.cors_origins.get(MAX_CORS_ORIGINS) {
        return Err(ctx.error_at(
            extra,
            (
                format!("more than {MAX_CORS_ORIGINS} CORS origins"),
                format!("CORS 来源超过 {MAX_CORS_ORIGINS} 个"),
            ),
            (
                "list the origins of the pages that call the API; a page on another origin can go through its own back end",
                "只列出调用 API 的页面来源；其他来源的页面可以经由自己的后端调用",
            ),
        ));
    }
    let mut origins: Vec<CorsOrigin> = Vec::new();
    for raw in &raw.cors_origins {
        let origin = CorsOrigin::parse(raw.get_ref())
            .map_err(|e| ctx.error_at(raw, (e.to_string(), e.zh()), (e.hint(), e.hint_zh())))?;
        if origins.contains(&origin) {
            return Err(ctx.error_at(
                raw,
                (
                    format!("the origin {origin} is listed twice"),
                    format!("来源 {origin} 列了两次"),
                ),
                ("remove one of them", "请删去其中一个"),
            ));
        }
        origins.push(origin);
    }
    Ok(origins)
}

// ---- [thresholds] ----

/// `[thresholds]`: the levels given, checked, over the defaults.
fn thresholds(ctx: &Ctx, raw: &RawThresholds) -> Result<Thresholds, ProfileError> {
    let d = Thresholds::default();
    let t = |key, raw, default| threshold(ctx, key, raw, default);
    Ok(Thresholds {
        dns_ms: t("dns_ms", &raw.dns_ms, d.dns_ms)?,
        connect_ms: t("connect_ms", &raw.connect_ms, d.connect_ms)?,
        tls_ms: t("tls_ms", &raw.tls_ms, d.tls_ms)?,
        ttfb_ms: t("ttfb_ms", &raw.ttfb_ms, d.ttfb_ms)?,
        loss_pct: t("loss_pct", &raw.loss_pct, d.loss_pct)?,
        jitter_ms: t("jitter_ms", &raw.jitter_ms, d.jitter_ms)?,
        cert_days: t("cert_days", &raw.cert_days, d.cert_days)?,
        clock_skew_s: t("clock_skew_s", &raw.clock_skew_s, d.clock_skew_s)?,
    })
}

/// One threshold, `default` when left out. Both levels are numbers of zero or more (TOML
/// also has `nan` and `-inf`), and warn comes before fail: smaller, or for `cert_days`
/// (fewer days left is worse) larger. An error is at the key's value.
fn threshold(
    ctx: &Ctx,
    key: &str,
    raw: &Option<Spanned<Threshold>>,
    default: Threshold,
) -> Result<Threshold, ProfileError> {
    let Some(spanned) = raw else {
        return Ok(default);
    };
    let th = *spanned.get_ref();
    for (level, value) in [("warn", th.warn), ("fail", th.fail)] {
        if value.is_nan() || value < 0.0 {
            return Err(ctx.error_at(
                spanned,
                (
                    format!("thresholds.{key}: {level} {value} must be a number of zero or more"),
                    format!("`thresholds.{key}`：`{level}` 的值 {value} 必须是不小于零的数"),
                ),
                (
                    "levels are times, percentages or days, e.g. warn = 500, fail = 5000",
                    "阈值是时间、百分比或天数，例如 `warn = 500, fail = 5000`",
                ),
            ));
        }
    }
    let inverted = key == "cert_days";
    let ordered = if inverted {
        th.warn >= th.fail
    } else {
        th.warn <= th.fail
    };
    if !ordered {
        return Err(ctx.error_at(
            spanned,
            (
                format!(
                    "thresholds.{key}: warn {} and fail {} are the wrong way round",
                    th.warn, th.fail
                ),
                format!(
                    "`thresholds.{key}`：`warn = {}` 与 `fail = {}` 的大小颠倒了",
                    th.warn, th.fail
                ),
            ),
            if inverted {
                (
                    "for cert_days, warn is the larger number of days (warn = 14, fail = 0)",
                    "对 `cert_days` 来说，`warn` 是较大的天数（`warn = 14, fail = 0`）",
                )
            } else {
                (
                    "warn is the smaller level (e.g. warn = 500, fail = 5000)",
                    "`warn` 是较小的阈值（例如 `warn = 500, fail = 5000`）",
                )
            },
        ));
    }
    Ok(th)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> ProfileError {
        Profile::parse(text, "p.toml", None).unwrap_err()
    }

    #[test]
    fn every_problem_of_a_profile_is_listed_in_file_order_up_to_a_limit() {
        let e = err(
            "name = \"\"\n[policy]\ndefault_region = \"XX\"\n[[endpoint]]\nurl = \"ftp://x\"\n\
                     [[endpoint]]\nurl = \"https://ok.example/\"\nmethod = \"PUT\"\n\
                     [thresholds]\nttfb_ms = { warn = -1, fail = 2 }\n",
        );
        let all: Vec<(usize, &str)> = std::iter::once(&e)
            .chain(&e.more)
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(all.len(), 5, "{all:?}");
        assert_eq!(all[0], (1, "the profile's `name` is empty"));
        assert!(all.windows(2).all(|w| w[0].0 < w[1].0), "in file order: {all:?}");
        assert!(all[3].1.contains("unsupported method"), "{all:?}");

        let many: String = (0..30).map(|_| "[[endpoint]]\nurl = \"ftp://x\"\n").collect();
        let e = err(&format!("name = \"Many\"\n{many}"));
        assert_eq!(e.more.len() + 1, MAX_PROFILE_ERRORS, "capped");
        let good = Profile::parse(
            "name = \"Good\"\n[[endpoint]]\nurl = \"https://a.example/\"\n",
            "p",
            None,
        );
        assert!(good.is_ok());
    }

    #[test]
    fn cors_origins_are_exact_origins_written_as_browsers_send_them() {
        let p = Profile::parse(
            "name = \"x\"\n[serve]\ncors_origins = [\"https://Shop.Example:443/\", \"http://127.0.0.1:8080\"]\n",
            "t.toml",
            None,
        )
        .unwrap();
        let origins: Vec<&str> = p.cors_origins.iter().map(CorsOrigin::as_str).collect();
        assert_eq!(origins, ["https://shop.example", "http://127.0.0.1:8080"]);
        assert!(
            Profile::default_profile().cors_origins.is_empty(),
            "CORS is off by default"
        );
        for value in [
            "*",
            "https://shop.example/pay",
            "https://user:secret@shop.example",
            "ftp://shop.example",
            "shop.example",
        ] {
            let e = err(&format!(
                "name = \"x\"\n[serve]\ncors_origins = [\"https://a.example\", \"{value}\"]\n"
            ));
            // At the second value.
            assert_eq!((e.line, e.column), (3, 38), "{value}: {e}");
            assert!(!e.to_string().contains("secret"), "{e}");
        }
        let e = err("name = \"x\"\n[serve]\ncors_origins = [\"https://a.example\", \"https://A.example/\"]\n");
        assert!(e.message.contains("twice"), "{e}");
        let e = err("name = \"x\"\n[serve]\ncors_origin = [\"https://a.example\"]\n");
        assert!(e.hint.contains("spelling"), "{e}");
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
        let bins = staging.policy.card.bin_table.as_ref().unwrap();
        assert_eq!(bins.len(), 6);
        assert_eq!(bins.version(), Some("example-2026-05"));
        let co_badged = bins.lookup("6222029912345678").unwrap();
        assert_eq!(co_badged.brands, [Brand::Unionpay, Brand::Visa]);
        assert_eq!(co_badged.country.as_deref(), Some("HK"));
        let cmb = bins.lookup("6259651234567890").unwrap();
        assert_eq!(cmb.issuer, "China Merchants Bank, Credit Card Centre");
        let ranges = staging.policy.phone.ranges.as_deref().unwrap();
        assert_eq!((ranges.len(), ranges.version()), (1, Some("example-2026-12")));
        assert_eq!(staging.policy.phone.virtual_operator, SegmentPolicy::Reject);
    }

    #[test]
    fn errors_have_line_and_column() {
        let e = err("name = \"x\"\n\n[policy]\nphone_regions = [\"CN\", \"XX\"]\n");
        assert_eq!((e.line, e.column), (4, 24), "{e}");
        assert_eq!(
            e.message, "unknown region",
            "the position names it; the value is not repeated"
        );
        let e = err("name = \"x\"\n[[endpoint]]\nurl = \"ftp://a\"\n");
        assert_eq!((e.line, e.column), (3, 7));
        let e = err("name = \"x\"\n[policy]\ncard_brand = [\"visa\"]\n");
        assert_eq!(e.line, 3);
        assert!(e.hint.contains("spelling"), "{e}");
        // At the value, `{ warn = 10, fail = 5 }`.
        let e = err("name = \"x\"\n[thresholds]\nloss_pct = { warn = 10, fail = 5 }\n");
        assert_eq!((e.line, e.column), (3, 12), "{e}");
        let e = err("name = \"x\n");
        assert_eq!(e.line, 1);
        let e = err("[policy]\n");
        assert!(e.message.contains("name"), "{e}");
    }

    /// Found by fuzzing (fuzz/fuzz_targets/profile.rs): the fourth unnamed endpoint with the
    /// same URL took the URL as its name a second time.
    #[test]
    fn names_stay_unique_however_often_a_url_repeats() {
        let text = format!(
            "name = \"x\"\n{}",
            "[[endpoint]]\nurl = \"https://a.test/\"\n".repeat(6)
        );
        let p = Profile::parse(&text, "p.toml", None).unwrap();
        let names: Vec<&str> = p.endpoints.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "a.test",
                "a.test:443",
                "https://a.test/",
                "a.test-2",
                "a.test-3",
                "a.test-4"
            ]
        );
        for id in p.endpoint_ids() {
            assert_eq!(p.endpoint_named(&p.endpoint(id).name), Some(id));
        }
        // A name given further down is kept free.
        let text = "name = \"x\"\n[[endpoint]]\nurl = \"https://a.test/\"\n[[endpoint]]\nurl = \"https://a.test/\"\n[[endpoint]]\nurl = \"https://a.test/\"\n[[endpoint]]\nurl = \"https://a.test/\"\n[[endpoint]]\nurl = \"https://a.test/\"\nname = \"a.test-2\"\n";
        let names: Vec<String> = Profile::parse(text, "p.toml", None)
            .unwrap()
            .endpoints
            .into_iter()
            .map(|e| e.name)
            .collect();
        assert_eq!(
            names,
            ["a.test", "a.test:443", "https://a.test/", "a.test-3", "a.test-2"]
        );
    }

    #[test]
    fn thresholds_are_numbers_of_zero_or_more() {
        let e = err("name = \"x\"\n[thresholds]\ndns_ms = { warn = nan, fail = 5000 }\n");
        assert_eq!((e.line, e.column), (3, 10), "{e}");
        assert_eq!(
            e.message,
            "thresholds.dns_ms: warn NaN must be a number of zero or more"
        );
        let e = err("name = \"x\"\n[thresholds]\nloss_pct = { warn = -1, fail = 5 }\n");
        assert_eq!((e.line, e.column), (3, 12), "{e}");
        assert_eq!(
            e.message,
            "thresholds.loss_pct: warn -1 must be a number of zero or more"
        );
        let e = err("name = \"x\"\n[thresholds]\ncert_days = { warn = 14, fail = -inf }\n");
        assert_eq!(
            e.message,
            "thresholds.cert_days: fail -inf must be a number of zero or more"
        );
        let e = err("name = \"x\"\n[thresholds]\nttfb_ms = { warn = 10, fail = nan }\n");
        assert_eq!(
            e.message,
            "thresholds.ttfb_ms: fail NaN must be a number of zero or more"
        );
        // A threshold written as a table is at its header (a text scan for `key =` missed it).
        let e = err("name = \"x\"\n[thresholds.loss_pct]\nwarn = 10\nfail = 5\n");
        assert_eq!((e.line, e.column), (2, 1), "{e}");
        assert!(e.message.contains("wrong way round"), "{e}");
        // Zero and infinity are levels.
        let text = "name = \"x\"\n[thresholds]\nloss_pct = { warn = 0, fail = inf }\n";
        let p = Profile::parse(text, "p.toml", None).unwrap();
        assert_eq!(
            p.thresholds.loss_pct,
            Threshold {
                warn: 0.0,
                fail: f64::INFINITY
            }
        );
        assert_eq!(p.thresholds.dns_ms, Thresholds::default().dns_ms);
    }

    #[cfg(unix)]
    #[test]
    fn profiles_and_bin_tables_are_small_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.toml");
        let mut text = String::from("name = \"x\"\n");
        while text.len() as u64 <= MAX_PROFILE_BYTES {
            text.push_str("# a comment line to make the profile larger than its limit\n");
        }
        std::fs::write(&big, &text).unwrap();
        let mut e = Profile::load(&big).unwrap_err();
        assert_eq!(e.position(), None);
        assert_eq!(e.message, "cannot read the profile");
        assert!(e.hint.contains("at most 16 MiB"), "{e}");
        assert!(matches!(e.take_cause(), Some(FileError::TooLarge { .. })));

        let e = Profile::load(dir.path()).unwrap_err();
        let cause = std::error::Error::source(&e).unwrap().to_string();
        assert!(cause.ends_with("is a directory, not a regular file"), "{cause}");

        // Phone ranges: the same limits, and a bad line named without repeating it.
        let text = "name = \"x\"\n[policy]\nphone_ranges = \"/dev/zero\"\n";
        let e = Profile::parse(text, "p.toml", None).unwrap_err();
        assert_eq!(e.message, "cannot read the phone ranges /dev/zero");
        let ranges = dir.path().join("r.csv");
        std::fs::write(&ranges, "+86 149,mobile\n+86 13800138000999,mobile\n").unwrap();
        let text = "name = \"x\"\n[policy]\nphone_ranges = \"r.csv\"\n";
        let e = Profile::parse(text, "p.toml", Some(dir.path())).unwrap_err();
        assert!(e.message.ends_with("is invalid at its line 2: the prefix must be a country code and leading digits, 2 to 12 digits in all, such as +86 149"), "{e}");
        assert!(!e.to_string().contains("13800138000"), "{e}");
        let e = err("name = \"x\"\n[policy]\nvirtual_operator = \"deny\"\n");
        assert_eq!(
            (e.message.as_str(), e.position()),
            ("unknown virtual_operator policy", Some((3, 20)))
        );

        // A BIN table that is a device: an error at the `bin_table` value, caused by the kind.
        let text = "name = \"x\"\n[policy]\nbin_table = \"/dev/zero\"\n";
        let mut e = Profile::parse(text, "p.toml", None).unwrap_err();
        assert_eq!(e.position(), Some((3, 13)), "{e}");
        assert_eq!(e.message, "cannot read the BIN table /dev/zero");
        assert!(e.hint.contains("at most 16 MiB"), "{e}");
        let cause = e.take_cause().unwrap();
        assert!(
            matches!(
                cause,
                FileError::NotRegular {
                    kind: file::FileKind::CharDevice,
                    ..
                }
            ),
            "{cause:?}"
        );
    }

    #[test]
    fn unionpay_luhn_is_warn_or_error() {
        let policy = |value: &str| {
            let text = format!("name = \"x\"\n[policy]\n{value}\n");
            Profile::parse(&text, "p.toml", None).map(|p| p.policy.card)
        };
        let failing = "6212345678901266";
        let warn = policy("").unwrap();
        assert_eq!(warn.unionpay_luhn, UnionpayLuhn::Warn);
        assert!(crate::validate::validate_card(failing, &warn).valid);
        let warn = policy("unionpay_luhn = \"warn\"").unwrap();
        assert!(crate::validate::validate_card(failing, &warn).valid);
        let error = policy("unionpay_luhn = \"error\"").unwrap();
        let c = crate::validate::validate_card(failing, &error);
        assert!(!c.valid);
        assert_eq!(c.findings[0].severity, crate::validate::Severity::Error);
        let e = policy("unionpay_luhn = \"strict\"").unwrap_err();
        assert_eq!(e.position(), Some((3, 17)), "{e}");
        assert_eq!(e.message, "`unionpay_luhn` must be \"warn\" or \"error\"");
    }

    #[test]
    fn a_bin_table_error_names_its_line_and_both_layouts() {
        let dir = tempfile::tempdir().unwrap();
        let bins = "# version: 3\nprefix,issuer,country\n622202,ICBC,China\n";
        std::fs::write(dir.path().join("bins.csv"), bins).unwrap();
        let text = "name = \"x\"\n[policy]\nbin_table = \"bins.csv\"\n";
        let e = Profile::parse(text, "p.toml", Some(dir.path())).unwrap_err();
        assert_eq!(e.position(), Some((3, 13)), "{e}");
        assert!(
            e.message
                .ends_with("is invalid at its line 3: the country must be two letters, an ISO 3166 code such as CN"),
            "{e}"
        );
        assert!(
            e.hint.contains("prefix,issuer,kind") && e.hint.contains("issuer_zh"),
            "{e}"
        );
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

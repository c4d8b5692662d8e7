//! Which proxy a URL goes through: the profile's `proxy`, or the proxy variables of the
//! environment as HTTP stacks read them (lower-case names win over upper-case ones, as in
//! curl), with `NO_PROXY`'s exceptions ([`super::NoProxy`]).

use serde::Serialize;
use url::Url;

use super::NoProxy;

/// Where a proxy setting came from.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProxySource {
    /// An environment variable (`https_proxy`, `ALL_PROXY`, ...).
    Env { var: String },
    /// The profile's `proxy` setting.
    Profile,
}

/// The proxy one URL goes through.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyRoute {
    /// The proxy, credentials included: never put it in a report, use [`ProxyRoute::shown`].
    pub proxy: Url,
    pub source: ProxySource,
}

impl ProxyRoute {
    /// The proxy as reports show it: credentials as `***`.
    pub fn shown(&self) -> String {
        crate::probe::shown_url(self.proxy.as_str(), false)
    }

    /// Whether bindcheck can speak to this proxy: `http://` for the CONNECT probe, `http://`
    /// or `https://` for the application path. SOCKS is not built in.
    pub fn speaks(&self, https_proxy_ok: bool) -> bool {
        match self.proxy.scheme() {
            "http" => true,
            "https" => https_proxy_ok,
            _ => false,
        }
    }
}

impl std::fmt::Debug for ProxyRoute {
    /// Masked as in reports: a `{:?}` in a log never shows a proxy password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProxyRoute")
            .field("proxy", &self.shown())
            .field("source", &self.source)
            .finish()
    }
}

/// A proxy URL bindcheck cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProxyUrlError {
    /// Not a URL, even with `http://` put in front. The text is not kept: it may hold a
    /// password.
    #[error("not a proxy URL")]
    Invalid(#[source] url::ParseError),
    #[error("the proxy URL names no host")]
    NoHost,
}

/// Reads a proxy setting as HTTP stacks do: a value without a scheme (`proxy:3128`) is an
/// `http://` proxy; the path is ignored.
pub fn parse_proxy_url(text: &str) -> Result<Url, ProxyUrlError> {
    let text = text.trim();
    let url = if text.contains("://") {
        Url::parse(text)
    } else {
        Url::parse(&format!("http://{text}"))
    }
    .map_err(ProxyUrlError::Invalid)?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(ProxyUrlError::NoHost);
    }
    Ok(url)
}

/// One proxy variable's value, read.
#[derive(Clone, PartialEq, Eq)]
struct Setting {
    url: Url,
    var: &'static str,
}

/// The proxies in effect and the hosts that bypass them. Built once per run; its `Debug`
/// masks credentials.
#[derive(Clone, Default, PartialEq)]
pub struct ProxySettings {
    https: Option<Setting>,
    http: Option<Setting>,
    all: Option<Setting>,
    /// A profile's proxy: every http and https URL goes through it.
    profile: Option<Url>,
    no_proxy: NoProxy,
    unusable: Vec<&'static str>,
}

impl std::fmt::Debug for ProxySettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = |s: &Option<Setting>| {
            s.as_ref()
                .map(|s| (s.var, crate::probe::shown_url(s.url.as_str(), false)))
        };
        f.debug_struct("ProxySettings")
            .field("https", &shown(&self.https))
            .field("http", &shown(&self.http))
            .field("all", &shown(&self.all))
            .field(
                "profile",
                &self
                    .profile
                    .as_ref()
                    .map(|u| crate::probe::shown_url(u.as_str(), false)),
            )
            .field("no_proxy", &self.no_proxy)
            .field("unusable", &self.unusable)
            .finish()
    }
}

/// The proxy variables, each as (lower case, upper case): the lower-case one wins when both
/// are set, as in curl (reqwest reads the upper-case one first; bindcheck decides for it).
const VARS: [(&str, &str); 4] = [
    ("https_proxy", "HTTPS_PROXY"),
    ("http_proxy", "HTTP_PROXY"),
    ("all_proxy", "ALL_PROXY"),
    ("no_proxy", "NO_PROXY"),
];

impl ProxySettings {
    /// No proxy: every request goes direct.
    pub fn none() -> ProxySettings {
        ProxySettings::default()
    }

    #[cfg(feature = "probe")]
    /// The proxy variables of this process ([`ProxySettings::from_lookup`]).
    pub fn from_env() -> ProxySettings {
        ProxySettings::from_lookup(|name| std::env::var(name).ok())
    }

    /// The proxy variables as `lookup` gives them: `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`
    /// and `NO_PROXY`, each in lower or upper case (lower case wins; an empty value counts
    /// as unset). A value that is no URL is ignored, as reqwest ignores it, and its variable
    /// listed in [`ProxySettings::unusable`].
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> ProxySettings {
        let value = |(lower, upper): (&'static str, &'static str)| {
            [lower, upper].into_iter().find_map(|var| {
                let v = lookup(var)?;
                let v = v.trim();
                (!v.is_empty()).then(|| (var, v.to_owned()))
            })
        };
        let mut settings = ProxySettings::default();
        let mut read = |pair| {
            let (var, text) = value(pair)?;
            match parse_proxy_url(&text) {
                Ok(url) => Some(Setting { url, var }),
                Err(_) => {
                    settings.unusable.push(var);
                    None
                }
            }
        };
        let https = read(VARS[0]);
        let http = read(VARS[1]);
        let all = read(VARS[2]);
        settings.https = https;
        settings.http = http;
        settings.all = all;
        if let Some((_, list)) = value(VARS[3]) {
            settings.no_proxy = NoProxy::parse(&list);
        }
        settings
    }

    /// A profile's `proxy`: every http and https URL goes through `url`, whatever the
    /// environment says. The environment is ignored entirely, `NO_PROXY` included, so that a
    /// profile behaves the same on every machine; [`ProxySettings::with_no_proxy`] gives an
    /// explicit proxy its own exceptions.
    pub fn explicit(url: Url) -> ProxySettings {
        ProxySettings {
            profile: Some(url),
            ..ProxySettings::default()
        }
    }

    /// The same settings with `list` (`NO_PROXY` syntax) as the hosts that go direct.
    pub fn with_no_proxy(mut self, list: &str) -> ProxySettings {
        self.no_proxy = NoProxy::parse(list);
        self
    }

    /// Variables set to something that is no proxy URL (ignored).
    pub fn unusable(&self) -> &[&'static str] {
        &self.unusable
    }

    /// The names of the proxies set (lower case, no trailing dot), addresses left out.
    pub fn hosts(&self) -> Vec<String> {
        let urls = [&self.https, &self.http, &self.all]
            .into_iter()
            .flatten()
            .map(|s| &s.url)
            .chain(self.profile.as_ref());
        let mut hosts: Vec<String> = urls
            .filter_map(|u| match u.host()? {
                url::Host::Domain(d) => Some(d.trim_end_matches('.').to_ascii_lowercase()),
                _ => None,
            })
            .collect();
        hosts.sort();
        hosts.dedup();
        hosts
    }

    /// Whether any proxy is set at all.
    pub fn is_empty(&self) -> bool {
        self.profile.is_none() && self.https.is_none() && self.http.is_none() && self.all.is_none()
    }

    /// The proxy `url` goes through, if any: for https, `HTTPS_PROXY` else `ALL_PROXY`; for
    /// http, `HTTP_PROXY` else `ALL_PROXY`; a profile's proxy for both; none for other
    /// schemes or when `NO_PROXY` matches the URL's host (and port).
    pub fn for_url(&self, url: &Url) -> Option<ProxyRoute> {
        let (proxy, source) = match (&self.profile, url.scheme()) {
            (_, s) if s != "http" && s != "https" => return None,
            (Some(p), _) => (p, ProxySource::Profile),
            (None, scheme) => {
                let first = if scheme == "https" { &self.https } else { &self.http };
                let s = first.as_ref().or(self.all.as_ref())?;
                (&s.url, ProxySource::Env { var: s.var.to_owned() })
            }
        };
        if self.no_proxy.matches(url) {
            return None;
        }
        Some(ProxyRoute {
            proxy: proxy.clone(),
            source,
        })
    }
}

#[cfg(all(test, feature = "probe"))]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn env(pairs: &[(&str, &str)]) -> ProxySettings {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ProxySettings::from_lookup(move |name| map.get(name).cloned())
    }

    #[test]
    fn loopback_goes_through_the_proxy_unless_no_proxy_says_otherwise() {
        let s = env(&[("HTTPS_PROXY", "http://proxy.test:3128")]);
        assert!(s.for_url(&url("https://localhost/")).is_some());
        assert!(s.for_url(&url("https://127.0.0.1/")).is_some());
        let s = env(&[
            ("HTTPS_PROXY", "http://proxy.test:3128"),
            ("NO_PROXY", "localhost,127.0.0.0/8"),
        ]);
        assert!(s.for_url(&url("https://localhost/")).is_none());
        assert!(s.for_url(&url("https://127.0.0.1/")).is_none());
    }

    #[test]
    fn each_scheme_has_its_variable_then_all_proxy() {
        let s = env(&[
            ("HTTPS_PROXY", "http://secure.test:1"),
            ("HTTP_PROXY", "http://plain.test:2"),
            ("ALL_PROXY", "http://all.test:3"),
        ]);
        let via = |u: &str| {
            s.for_url(&url(u))
                .map(|r| (r.proxy.host_str().unwrap().to_owned(), r.source))
        };
        assert_eq!(
            via("https://a.test/"),
            Some((
                "secure.test".into(),
                ProxySource::Env {
                    var: "HTTPS_PROXY".into()
                }
            ))
        );
        assert_eq!(via("http://a.test/").unwrap().0, "plain.test");
        assert_eq!(via("ftp://a.test/"), None);
        let s = env(&[("all_proxy", "http://all.test:3")]);
        assert_eq!(
            s.for_url(&url("https://a.test/")).unwrap().source,
            ProxySource::Env {
                var: "all_proxy".into()
            }
        );
        assert_eq!(s.for_url(&url("http://a.test/")).unwrap().proxy.port(), Some(3));
        assert!(env(&[]).for_url(&url("https://a.test/")).is_none());
        assert!(env(&[]).is_empty());
    }

    #[test]
    fn lower_case_wins_and_empty_values_are_unset() {
        let s = env(&[
            ("HTTPS_PROXY", "http://upper.test"),
            ("https_proxy", "http://lower.test"),
        ]);
        assert_eq!(
            s.for_url(&url("https://a.test/")).unwrap().proxy.host_str(),
            Some("lower.test")
        );
        let s = env(&[("HTTPS_PROXY", "http://upper.test"), ("https_proxy", "  ")]);
        let route = s.for_url(&url("https://a.test/")).unwrap();
        assert_eq!(route.proxy.host_str(), Some("upper.test"));
        assert_eq!(
            route.source,
            ProxySource::Env {
                var: "HTTPS_PROXY".into()
            }
        );
        let s = env(&[
            ("HTTPS_PROXY", "http://p.test"),
            ("NO_PROXY", "a.test"),
            ("no_proxy", "b.test"),
        ]);
        assert!(s.for_url(&url("https://a.test/")).is_some());
        assert!(s.for_url(&url("https://b.test/")).is_none());
    }

    #[test]
    fn proxy_values_without_a_scheme_are_http_and_nonsense_is_ignored() {
        let s = env(&[("HTTPS_PROXY", "proxy.corp:3128")]);
        let r = s.for_url(&url("https://a.test/")).unwrap();
        assert_eq!(r.proxy.as_str(), "http://proxy.corp:3128/");
        let s = env(&[("HTTPS_PROXY", "user:pw@proxy.corp:3128")]);
        assert_eq!(
            s.for_url(&url("https://a.test/")).unwrap().shown(),
            "http://***@proxy.corp:3128/"
        );
        let s = env(&[("HTTPS_PROXY", "http://[::1"), ("ALL_PROXY", "socks5://127.0.0.1:1080")]);
        assert_eq!(s.unusable(), ["HTTPS_PROXY"]);
        let r = s.for_url(&url("https://a.test/")).unwrap();
        assert!(!r.speaks(true), "socks is reported, never spoken");
        assert_eq!(
            parse_proxy_url("http://"),
            Err(ProxyUrlError::Invalid(url::ParseError::EmptyHost))
        );
    }

    #[test]
    fn an_explicit_proxy_ignores_the_environment() {
        let s = ProxySettings::explicit(url("http://u:secret@profile.test:8080"));
        let r = s.for_url(&url("https://a.test/")).unwrap();
        assert_eq!(r.source, ProxySource::Profile);
        assert!(s.for_url(&url("http://a.test/")).is_some());
        let s = s.with_no_proxy("a.test");
        assert!(s.for_url(&url("https://a.test/")).is_none());
        assert!(s.for_url(&url("https://b.test/")).is_some());
    }

    #[test]
    fn credentials_never_show() {
        let s = env(&[("HTTPS_PROXY", "http://alice:s%40cret@proxy.test:3128")]);
        let r = s.for_url(&url("https://a.test/")).unwrap();
        for text in [r.shown(), format!("{r:?}"), format!("{s:?}")] {
            assert!(!text.contains("s%40cret") && !text.contains("alice"), "{text}");
        }
        assert!(r.shown().contains("***@proxy.test:3128"));
    }
}

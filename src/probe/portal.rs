//! Connectivity checks, the way phones find captive portals: an `http://` URL that answers
//! `204 No Content` on the open internet. A hotel or café network that wants a sign-in first
//! answers it itself, with a redirect to its login page or with the page (an HTML 200).
//!
//! Each check is one plain-HTTP request on a connection of its own, with no redirect
//! followed: the redirect is the evidence. When a proxy is in effect for the check's URL (the
//! same choice as the application path's: the profile's `proxy`, or the environment with
//! `NO_PROXY`), the check goes through it, as a phone's check does
//! ([`super::app::AppClient::connectivity`]). Android reads the answers the same way
//! (NetworkMonitor): 204 is the open internet, and so is a 200 with an empty body; a
//! redirect or a 200 with a body is a portal.

use serde::Serialize;
#[cfg(feature = "probe")]
use tokio::time::Instant;
#[cfg(feature = "probe")]
use url::Url;

use super::Status;

/// What a connectivity check's answer says about the network.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// `204`, or a `200` with an empty body: the open internet.
    Open,
    /// A redirect, or a `200` with a body: something on this network answered for the
    /// internet, usually a sign-in page.
    Portal,
    /// Another answer (a 404, a 5xx): the check's server is failing, which says nothing
    /// about this network.
    Unexpected,
    /// No answer: the name did not resolve, or no connection, or none in time.
    NoAnswer,
}

/// One connectivity check.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, Serialize)]
pub struct ConnectivityCheck {
    /// The check's URL (masked as every URL in a report).
    pub url: String,
    pub status: Status,
    pub verdict: Connectivity,
    pub status_code: Option<u16>,
    /// Where a redirect pointed (masked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The answer's `Content-Type`, when it had a body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    pub body_bytes: u64,
    pub time_ms: Option<f64>,
    /// The proxy the check went through (credentials masked); none: direct.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
}

impl ConnectivityCheck {
    /// A check of `url` (shown as reports show URLs) that has no answer yet.
    pub fn new(url: String, via: Option<String>) -> ConnectivityCheck {
        ConnectivityCheck {
            url,
            status: Status::NotMeasured,
            verdict: Connectivity::NoAnswer,
            status_code: None,
            location: None,
            content_type: None,
            body_bytes: 0,
            time_ms: None,
            via,
        }
    }

    #[cfg(feature = "probe")]
    /// Records an answer to the check of `url`: its code, headers and body length; where a
    /// redirect pointed, made absolute and shown as reports show URLs (`show`: query values).
    pub fn answered(&mut self, url: &Url, code: u16, headers: &hyper::HeaderMap, body_bytes: u64, show: bool) {
        self.status = Status::Ok;
        self.status_code = Some(code);
        self.body_bytes = body_bytes;
        self.verdict = classify(code, body_bytes);
        let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
        self.location = header(hyper::header::LOCATION).map(|l| {
            let absolute = url.join(l).map_or_else(|_| l.to_owned(), |u| u.to_string());
            super::shown_url(&absolute, show)
        });
        self.content_type = header(hyper::header::CONTENT_TYPE)
            .filter(|_| body_bytes > 0)
            .map(|t| t.chars().take(100).collect());
    }
}

/// A connectivity check's URL, when `text` is one: plain `http://` with a host (a portal
/// cannot answer for an `https://` one without a certificate error, which is another
/// finding).
pub fn check_url(text: &str) -> Option<url::Url> {
    url::Url::parse(text)
        .ok()
        .filter(|u| u.scheme() == "http" && u.host_str().is_some_and(|h| !h.is_empty()))
}

/// How the answers of every check read together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortalReading {
    /// A check answered as on the open internet: there is no portal in the way.
    None,
    /// At least one check was answered by the network itself and none as on the open
    /// internet: a captive portal. `location` is where it sent the check, when it did.
    Portal { location: Option<String> },
    /// No check gave an answer that says either way.
    Unknown,
}

/// Reads the checks together. One open answer outweighs portal answers: a portal answers
/// every plain-HTTP request, so a real 204 means the way out is open (a check's own server
/// may redirect, or fail, on its own).
pub fn read(checks: &[ConnectivityCheck]) -> PortalReading {
    if checks.iter().any(|c| c.verdict == Connectivity::Open) {
        return PortalReading::None;
    }
    match checks.iter().find(|c| c.verdict == Connectivity::Portal) {
        Some(c) => PortalReading::Portal {
            location: c.location.clone(),
        },
        None => PortalReading::Unknown,
    }
}

/// The verdict of one answer: its status code, and how many body bytes came.
pub fn classify(status_code: u16, body_bytes: u64) -> Connectivity {
    match status_code {
        204 => Connectivity::Open,
        200 if body_bytes == 0 => Connectivity::Open,
        // Any other success (a page), and every redirect.
        200..=399 => Connectivity::Portal,
        _ => Connectivity::Unexpected,
    }
}

#[cfg(feature = "probe")]
impl super::Prober {
    /// Runs one connectivity check by `deadline`: resolve, connect, one GET, no redirect
    /// followed, the body read up to the probe's cap; through the proxy in effect for `url`,
    /// when there is one.
    pub async fn connectivity(&self, url: &Url, deadline: Instant) -> ConnectivityCheck {
        if let Some(app) = &self.app {
            if let Some(check) = app.connectivity(url, deadline).await {
                return check;
            }
        }
        let show = self.config().show_query_values;
        let mut check = ConnectivityCheck::new(super::shown_url(url.as_str(), show), None);
        let outcome = self
            .hop(url, super::Method::Get, super::HopStart::Lookup, deadline)
            .await;
        check.time_ms = outcome.hop.as_ref().map(|h| h.total_ms);
        match outcome.exchange {
            Err(failure) => check.status = failure.status,
            Ok(ex) => check.answered(url, ex.status_code, &ex.headers, ex.body_bytes, show),
        }
        check
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(verdict: Connectivity, location: Option<&str>) -> ConnectivityCheck {
        ConnectivityCheck {
            status: Status::Ok,
            verdict,
            location: location.map(str::to_owned),
            ..ConnectivityCheck::new("http://check.test/generate_204".into(), None)
        }
    }

    #[test]
    fn answers_read_as_android_reads_them() {
        assert_eq!(classify(204, 0), Connectivity::Open);
        assert_eq!(classify(200, 0), Connectivity::Open);
        assert_eq!(classify(200, 512), Connectivity::Portal);
        assert_eq!(classify(302, 0), Connectivity::Portal);
        assert_eq!(classify(307, 0), Connectivity::Portal);
        assert_eq!(classify(404, 10), Connectivity::Unexpected);
        assert_eq!(classify(503, 0), Connectivity::Unexpected);
    }

    #[test]
    fn one_open_answer_outweighs_a_portal_answer() {
        use Connectivity::*;
        assert_eq!(read(&[]), PortalReading::Unknown);
        assert_eq!(
            read(&[check(NoAnswer, None), check(Unexpected, None)]),
            PortalReading::Unknown
        );
        assert_eq!(
            read(&[check(NoAnswer, None), check(Portal, Some("http://login.portal.test/"))]),
            PortalReading::Portal {
                location: Some("http://login.portal.test/".into())
            }
        );
        assert_eq!(read(&[check(Portal, None), check(Open, None)]), PortalReading::None);
    }
}

#![no_main]

//! `http::redirect_target`: a `Location` header (any bytes) resolved against a base URL for
//! a status code (input: the code on the first line, the base URL on the second, the
//! header's bytes after). No panic; only redirect codes redirect; the target is the base
//! joined with the header's text; an http(s) target has a host and reads back as itself.

use bindcheck::probe::http::redirect_target;
use http::{header::LOCATION, HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;
use url::Url;

const REDIRECTS: [u16; 5] = [301, 302, 303, 307, 308];

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == b'\n');
    let (Some(code), Some(base), Some(location)) = (parts.next(), parts.next(), parts.next()) else {
        return;
    };
    let code = std::str::from_utf8(code)
        .ok()
        .and_then(|c| c.trim().parse::<u16>().ok())
        .unwrap_or(302);
    let Some(base) = std::str::from_utf8(base).ok().and_then(|b| Url::parse(b).ok()) else {
        return;
    };
    let mut headers = HeaderMap::new();
    if let Ok(value) = HeaderValue::from_bytes(location) {
        headers.insert(LOCATION, value);
    }
    let target = redirect_target(code, &headers, &base);
    if !REDIRECTS.contains(&code) {
        assert_eq!(target, None, "{code} is no redirect");
        return;
    }
    let text = headers.get(LOCATION).and_then(|v| v.to_str().ok());
    assert_eq!(
        target,
        text.and_then(|t| base.join(t).ok()),
        "the target is the base joined with {text:?}"
    );
    if let Some(url) = target {
        if matches!(url.scheme(), "http" | "https") {
            assert!(url.host_str().is_some_and(|h| !h.is_empty()), "{url} has no host");
            assert_eq!(
                Url::parse(url.as_str()).as_ref(),
                Ok(&url),
                "{url} does not read back as itself"
            );
        }
    }
});

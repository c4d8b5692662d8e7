#![no_main]

//! The `Retry-After` and `Date` parsers on any header text and reference time (input: a
//! first line with the reference time in seconds since 1970, `-` before it for times before
//! 1970; then the header text). No panic; a wait is at most ten years and has an RFC 3339
//! date; delta-seconds give exactly that wait or say they cannot be represented; the clock
//! skew is whole seconds within the range of HTTP dates.

use std::time::{Duration, SystemTime};

use bindcheck::probe::http::{parse_clock_skew, parse_retry_after, retry_after, RetryAfter, MAX_RETRY_AFTER_S};
use http::{header::RETRY_AFTER, HeaderMap, HeaderValue};
use libfuzzer_sys::fuzz_target;

/// The end of the year 9999, the last second HTTP dates and RFC 3339 here can name.
const YEAR_10000: u64 = 253_402_300_800;

fn reference_time(line: &str) -> SystemTime {
    let (before_1970, digits) = match line.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, line),
    };
    // Up to a little past 9999, so that the end of the representable range is reached.
    let secs = digits.trim().parse::<u64>().unwrap_or(1_800_000_000) % (YEAR_10000 + 400 * 86_400);
    let d = Duration::from_secs(secs);
    if before_1970 {
        SystemTime::UNIX_EPOCH.checked_sub(d).unwrap_or(SystemTime::UNIX_EPOCH)
    } else {
        SystemTime::UNIX_EPOCH + d
    }
}

fn check_retry_after(value: &str, now: SystemTime) {
    let parsed = parse_retry_after(value, now);
    let trimmed = value.trim();
    let delta = !trimmed.is_empty() && trimmed.bytes().all(|b| b.is_ascii_digit());
    if delta {
        assert!(parsed.is_some(), "delta-seconds {trimmed:?} ignored");
    }
    match &parsed {
        Some(RetryAfter::Wait { seconds, at }) => {
            assert!(*seconds <= MAX_RETRY_AFTER_S, "{seconds} s is over ten years");
            let b = at.as_bytes();
            assert!(
                b.len() == 20 && b[4] == b'-' && b[10] == b'T' && b[19] == b'Z',
                "{at} is not RFC 3339 seconds in UTC"
            );
            if delta {
                assert_eq!(trimmed.trim_start_matches('0').parse::<u64>().unwrap_or(0), *seconds);
            }
        }
        Some(RetryAfter::Unrepresentable) => {
            if delta {
                let small = trimmed.parse::<u64>().is_ok_and(|s| s <= MAX_RETRY_AFTER_S);
                let in_range = now
                    .duration_since(SystemTime::UNIX_EPOCH)
                    .is_ok_and(|d| d.as_secs() + MAX_RETRY_AFTER_S < YEAR_10000);
                assert!(!(small && in_range), "{trimmed} s from {now:?} is representable");
            }
        }
        None => {}
    }
    if let Some(r) = &parsed {
        assert!(!r.to_string().is_empty());
    }
    // The header path gives the same answer for what a header can carry.
    if let Ok(header) = HeaderValue::from_str(value) {
        if header.to_str().is_ok() {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, header);
            assert_eq!(retry_after(&headers, now), parsed);
        }
    }
}

fn check_clock_skew(value: &str, now: SystemTime) {
    if let Some(skew) = parse_clock_skew(value, now) {
        assert!(skew.is_finite() && skew.fract() == 0.0, "{skew}");
        assert!(skew.abs() <= 2.0 * YEAR_10000 as f64, "{skew}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (first, value) = text.split_once('\n').unwrap_or(("", text));
    let now = reference_time(first);
    check_retry_after(value, now);
    check_clock_skew(value, now);
});

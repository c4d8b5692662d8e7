//! Times as a person reads them: in their own time zone, with the zone named. The machine
//! formats (JSON fields, JUnit, Prometheus) keep RFC 3339 UTC; only the human text (the text
//! and Markdown reports, remedies' and findings' sentences) is local.
//!
//! The report layer does no I/O: it formats in the [`TimeZone`] it is given. The command line
//! gives the system's (`TZ`, `/etc/localtime`); a library user or `serve` that gives none
//! gets UTC, named as such.

pub use jiff::tz::TimeZone;

use crate::validate::Lang;

/// `rfc3339` (as the probes record it) in `tz`, for a reader of `lang`:
/// `2026-12-01 22:39:40 Asia/Shanghai (UTC+08:00)`, `2026-12-01 22:39:40（Asia/Shanghai，UTC+08:00）`,
/// or `2026-12-01 14:39:40 UTC` when the zone is UTC. Text that is not an RFC 3339 time is
/// returned as it is.
pub fn local(rfc3339: &str, tz: &TimeZone, lang: Lang) -> String {
    let Ok(ts) = rfc3339.parse::<jiff::Timestamp>() else {
        return rfc3339.to_owned();
    };
    let zoned = ts.to_zoned_datetime(tz.clone());
    let when = zoned.strftime("%Y-%m-%d %H:%M:%S").to_string();
    let offset = zoned.offset();
    if offset.seconds() == 0 && tz.iana_name().is_none_or(|n| n == "UTC" || n == "Etc/UTC") {
        return format!("{when} UTC");
    }
    let offset = format!("UTC{}", zoned.strftime("%:z"));
    match (tz.iana_name(), lang) {
        (Some(name), Lang::En) => format!("{when} {name} ({offset})"),
        (Some(name), Lang::ZhCn) => format!("{when}（{name}，{offset}）"),
        (None, Lang::En) => format!("{when} {offset}"),
        (None, Lang::ZhCn) => format!("{when}（{offset}）"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(hours: i8) -> TimeZone {
        TimeZone::fixed(jiff::tz::Offset::constant(hours))
    }

    #[test]
    fn a_time_is_shown_in_the_reader_s_zone_with_the_zone_named() {
        let t = "2026-12-01T14:39:40Z";
        assert_eq!(local(t, &TimeZone::UTC, Lang::En), "2026-12-01 14:39:40 UTC");
        assert_eq!(local(t, &TimeZone::UTC, Lang::ZhCn), "2026-12-01 14:39:40 UTC");
        assert_eq!(local(t, &fixed(8), Lang::En), "2026-12-01 22:39:40 UTC+08:00");
        assert_eq!(local(t, &fixed(8), Lang::ZhCn), "2026-12-01 22:39:40（UTC+08:00）");
        assert_eq!(
            local("2026-12-01T20:00:00Z", &fixed(-5), Lang::En),
            "2026-12-01 15:00:00 UTC-05:00"
        );
        assert_eq!(
            local("2026-12-01T20:00:00Z", &fixed(8), Lang::ZhCn),
            "2026-12-02 04:00:00（UTC+08:00）",
            "the date changes with the zone"
        );
    }

    #[test]
    fn text_that_is_not_a_time_is_kept() {
        assert_eq!(local("soon", &fixed(8), Lang::En), "soon");
        assert_eq!(local("", &TimeZone::UTC, Lang::ZhCn), "");
    }
}

//! JUnit XML (quick-junit) as CI servers read it: Jenkins, GitLab and GitHub's test-report
//! actions, valid against the Jenkins xUnit plugin's junit-10.xsd.
//!
//! A test suite per area (`inputs`, `endpoints`, `environment`), a test case per check. The
//! `classname` is one dotted name per area ([`CLASS_INPUTS`], [`CLASS_ENDPOINTS`],
//! [`CLASS_ENVIRONMENT`]), which Jenkins splits at its last dot into package and class; the
//! `name` is the check and what it checked (`dns https://pay.example/v1`, the URL as every
//! format shows it, credentials and secret query values masked). Every case and suite has a
//! `time` in seconds (`0.000` for a check bindcheck does not time); every suite has the run's
//! start as `timestamp` and, in an unmasked report only, the machine's `hostname`. Errors are
//! failures; warnings are failures only with `--fail-on warning`, otherwise they go to the
//! test case's system-out.

use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite, XmlString};
use std::io;
use std::time::{Duration, SystemTime};

use super::Options;
use crate::report::{Report, ReportFinding, Subject};
use crate::validate::Severity;

/// The classname of the inputs' test cases: each field, the email domain's MX, the app version.
pub const CLASS_INPUTS: &str = "bindcheck.inputs";
/// The classname of the endpoints' test cases: one per check of each endpoint.
pub const CLASS_ENDPOINTS: &str = "bindcheck.endpoints";
/// The classname of the local environment's test case.
pub const CLASS_ENVIRONMENT: &str = "bindcheck.environment";

/// The check of an endpoint a finding code belongs to.
fn endpoint_check(code: &str) -> &'static str {
    let name = code.trim_start_matches("net.");
    if name.starts_with("dns") || name == "slow_dns" {
        "dns"
    } else if name.starts_with("connect") || name == "unreachable" || name == "ipv6_broken" || name == "slow_connect" {
        "tcp"
    } else if name.starts_with("tls") || name == "slow_tls" {
        "tls"
    } else if name.starts_with("loss") || name.starts_with("jitter") {
        "loss"
    } else if name.starts_with("path") {
        "path"
    } else if name.starts_with("proxy") || name == "direct_path_works" || name == "app_path_fails" {
        "app"
    } else if name == "not_measured" {
        "deadline"
    } else {
        "http"
    }
}

/// One check: its findings, how long it took (milliseconds, `None` when not timed) and what
/// else its system-out says first.
struct Check<'a> {
    classname: &'static str,
    name: String,
    ms: Option<f64>,
    findings: Vec<&'a ReportFinding>,
    note: Option<String>,
}

impl Check<'_> {
    fn into_case(self, options: Options) -> TestCase {
        let line = |f: &ReportFinding| format!("{} {}: {}\nhint: {}", f.severity, f.code, f.message, f.hint);
        let fails = |f: &ReportFinding| {
            f.severity == Severity::Error || (options.warnings_fail && f.severity == Severity::Warning)
        };
        let (failing, others): (Vec<&ReportFinding>, Vec<&ReportFinding>) =
            self.findings.iter().copied().partition(|f| fails(f));
        let status = match failing.first() {
            None => TestCaseStatus::success(),
            Some(first) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(format!("{}: {}", first.code, first.message));
                s.set_type(first.code.as_str());
                s.set_description(failing.iter().map(|f| line(f)).collect::<Vec<_>>().join("\n"));
                s
            }
        };
        let mut tc = TestCase::new(self.name, status);
        tc.set_classname(self.classname);
        tc.set_time(seconds(self.ms));
        let out: Vec<String> = self.note.into_iter().chain(others.iter().map(|f| line(f))).collect();
        if !out.is_empty() {
            tc.set_system_out(out.join("\n"));
        }
        tc
    }
}

/// Milliseconds as a JUnit time: zero when not measured (or not a duration).
fn seconds(ms: Option<f64>) -> Duration {
    ms.and_then(|ms| Duration::try_from_secs_f64(ms / 1000.0).ok())
        .unwrap_or_default()
}

/// When the run started, as the JUnit schemas want a timestamp: `YYYY-MM-DDTHH:MM:SS`, UTC,
/// no zone. A report made by [`crate::check::Plan`] says when it started; one built otherwise
/// only when it was made (`generated_at`) and how long the run took: then the start is the
/// one less the other (up to a second early, `generated_at` having whole seconds).
fn started(r: &Report) -> Option<String> {
    let start: SystemTime = match &r.started_at {
        Some(at) => humantime::parse_rfc3339(at).ok()?,
        None => humantime::parse_rfc3339(&r.generated_at)
            .ok()?
            .checked_sub(seconds(Some(r.duration_ms)))?,
    };
    let text = humantime::format_rfc3339_seconds(start).to_string();
    Some(text.trim_end_matches('Z').to_owned())
}

/// A suite of `checks`, with the run's timestamp and hostname; its time is the sum of its
/// cases' times (the endpoints are probed at once, so the endpoints' sum can exceed the run).
fn suite(name: &str, checks: Vec<Check<'_>>, r: &Report, options: Options) -> TestSuite {
    let mut suite = TestSuite::new(name);
    // quick-junit's own timestamp is written with milliseconds and a zone, which the Ant
    // JUnit schema's pattern does not allow; the attribute goes in as quick-junit's other
    // attributes do. The hostname has no field of its own either.
    if let Some(at) = started(r) {
        suite.extra.insert(XmlString::new("timestamp"), XmlString::new(at));
    }
    if let Some(host) = &r.hostname {
        suite.extra.insert(XmlString::new("hostname"), XmlString::new(host));
    }
    let cases: Vec<TestCase> = checks.into_iter().map(|c| c.into_case(options)).collect();
    suite.set_time(
        cases
            .iter()
            .filter_map(|c| c.time)
            .fold(Duration::ZERO, Duration::saturating_add),
    );
    suite.add_test_cases(cases);
    suite
}

fn about<'a>(r: &'a Report, subject: &Subject) -> Vec<&'a ReportFinding> {
    r.findings.iter().filter(|f| f.subject == *subject).collect()
}

fn input_checks(r: &Report) -> Vec<Check<'_>> {
    let mut checks: Vec<Check> = r
        .inputs
        .0
        .iter()
        .map(|(field, _)| Check {
            classname: CLASS_INPUTS,
            name: format!("validate {}", field.as_str()),
            ms: None,
            findings: about(r, &Subject::Field(*field)),
            note: None,
        })
        .collect();
    if let Some(m) = &r.mail {
        checks.push(Check {
            classname: CLASS_INPUTS,
            name: format!("mx {}", m.domain),
            ms: m.time_ms,
            findings: about(r, &Subject::Mail(m.domain.clone())),
            // Why the lookup failed, in the resolver's words.
            note: m.error.as_ref().map(|e| format!("error={e}")),
        });
    }
    if r.app.is_some() {
        checks.push(Check {
            classname: CLASS_INPUTS,
            name: "min_version app".to_owned(),
            ms: None,
            findings: about(r, &Subject::App),
            note: None,
        });
    }
    checks
}

fn endpoint_checks(r: &Report) -> Vec<Check<'_>> {
    let mut checks = Vec::new();
    for e in &r.endpoints {
        let mine = about(r, &Subject::Endpoint(e.url.clone()));
        let connect = e.tcp.iter().filter_map(|t| t.time_ms).min_by(f64::total_cmp);
        let mut timed: Vec<(&str, Option<f64>)> = vec![("dns", e.dns.time_ms), ("tcp", connect)];
        if let Some(t) = &e.tls {
            timed.push(("tls", t.time_ms));
        }
        if let Some(h) = &e.http {
            timed.push(("http", h.total_ms));
        }
        if !e.loss.is_empty() {
            timed.push(("loss", None));
        }
        if e.trace.is_some() {
            timed.push(("path", None));
        }
        if let Some(a) = &e.app {
            timed.push(("app", a.total_ms));
        }
        if mine.iter().any(|f| endpoint_check(f.code.as_str()) == "deadline") {
            timed.push(("deadline", None));
        }
        for (check, ms) in timed {
            // The HTTP answer, for a reader of a passing case too (junit-10.xsd has no
            // properties on test cases).
            let note = e.http.as_ref().filter(|_| check == "http").and_then(|h| {
                let parts: Vec<String> = h
                    .status_code
                    .map(|c| format!("status_code={c}"))
                    .into_iter()
                    .chain(h.version.map(|v| format!("http_version={}", v.as_str())))
                    .collect();
                (!parts.is_empty()).then(|| parts.join(" "))
            });
            checks.push(Check {
                classname: CLASS_ENDPOINTS,
                name: format!("{check} {}", e.url),
                ms,
                findings: mine
                    .iter()
                    .copied()
                    .filter(|f| endpoint_check(f.code.as_str()) == check)
                    .collect(),
                note,
            });
        }
    }
    checks
}

pub fn render(r: &Report, out: &mut dyn io::Write, options: Options) -> io::Result<()> {
    let mut report = JReport::new(format!("bindcheck: {}", r.profile.name));

    let inputs = input_checks(r);
    if !inputs.is_empty() {
        let mut suite = suite("inputs", inputs, r, options);
        let d = &r.data;
        suite.add_property(("phone_metadata", d.phone_metadata));
        suite.add_property(("carriers", d.carriers));
        suite.add_property(("card_brands", d.card_brands));
        if let Some(v) = &d.phone_ranges {
            suite.add_property(("phone_ranges", v.as_str()));
        }
        if let Some(v) = &d.bin_table {
            suite.add_property(("bin_table", v.as_str()));
        }
        report.add_test_suite(suite);
    }

    let endpoints = endpoint_checks(r);
    if !endpoints.is_empty() {
        report.add_test_suite(suite("endpoints", endpoints, r, options));
    }

    let env = about(r, &Subject::Environment);
    if r.environment.is_some() || !env.is_empty() {
        let local = Check {
            classname: CLASS_ENVIRONMENT,
            name: "local environment".to_owned(),
            ms: None,
            findings: env,
            note: None,
        };
        report.add_test_suite(suite("environment", vec![local], r, options));
    }
    report.set_time(seconds(Some(r.duration_ms)));

    let mut xml = Vec::new();
    report.serialize(&mut xml).map_err(io::Error::other)?;
    out.write_all(&without_root_skipped(xml))?;
    writeln!(out)
}

/// quick-junit always writes `skipped` on `<testsuites>`, an attribute junit-10.xsd (the
/// schema the Jenkins xUnit plugin validates reports against) does not allow there, so that
/// plugin would refuse the whole report. bindcheck never skips a check: the attribute is
/// always `skipped="0"`. It is looked for in the root's tag only, where no attribute value can
/// hold it (quotes in values are escaped).
fn without_root_skipped(mut xml: Vec<u8>) -> Vec<u8> {
    const ROOT: &[u8] = b"<testsuites ";
    const ATTR: &[u8] = b" skipped=\"0\"";
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    let Some(root) = find(&xml, ROOT) else {
        return xml;
    };
    let end = xml[root..]
        .iter()
        .position(|&b| b == b'>')
        .map_or(xml.len(), |i| root + i);
    if let Some(at) = find(&xml[root..end], ATTR).map(|i| root + i) {
        xml.drain(at..at + ATTR.len());
    }
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_roots_skipped_attribute_goes() {
        let xml = br#"<?xml version="1.0"?>
<testsuites name="bindcheck: a &quot; skipped=&quot;0&quot;" tests="1" skipped="0" failures="0" errors="0">
    <testsuite name="inputs" tests="1" skipped="0" errors="0" failures="0"/>
</testsuites>"#;
        let out = String::from_utf8(without_root_skipped(xml.to_vec())).unwrap();
        assert!(
            out.contains(r#"<testsuites name="bindcheck: a &quot; skipped=&quot;0&quot;" tests="1" failures="0""#),
            "{out}"
        );
        assert!(
            out.contains(r#"<testsuite name="inputs" tests="1" skipped="0""#),
            "{out}"
        );
    }

    #[test]
    fn times_are_never_negative_or_nan() {
        assert_eq!(seconds(None), Duration::ZERO);
        assert_eq!(seconds(Some(f64::NAN)), Duration::ZERO);
        assert_eq!(seconds(Some(-3.0)), Duration::ZERO);
        assert_eq!(seconds(Some(1500.0)), Duration::from_millis(1500));
    }
}

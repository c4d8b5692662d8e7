//! JUnit XML (quick-junit) as GitLab, Jenkins and GitHub test-report actions read it: a test
//! suite per area, a test case per check (`classname` the endpoint or field, `name` the check,
//! time in seconds). Errors are failures; warnings are failures only with `--fail-on warning`,
//! otherwise they go to the test case's system-out.

use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
use std::io;
use std::time::Duration;

use super::Options;
use crate::report::{Report, ReportFinding, Subject};
use crate::validate::Severity;

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

fn case(classname: &str, name: &str, seconds: Option<f64>, findings: &[&ReportFinding], options: Options) -> TestCase {
    let failing: Vec<&&ReportFinding> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error || (options.warnings_fail && f.severity == Severity::Warning))
        .collect();
    let status = match failing.first() {
        None => TestCaseStatus::success(),
        Some(first) => {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("{}: {}", first.code, first.message));
            s.set_type(first.code.as_str());
            let description: Vec<String> = failing
                .iter()
                .map(|f| format!("{} {}: {}\nhint: {}", f.severity, f.code, f.message, f.hint))
                .collect();
            s.set_description(description.join("\n"));
            s
        }
    };
    let mut tc = TestCase::new(name, status);
    tc.set_classname(classname);
    if let Some(s) = seconds.filter(|s| s.is_finite() && *s >= 0.0) {
        tc.set_time(Duration::from_secs_f64(s));
    }
    let others: Vec<String> = findings
        .iter()
        .filter(|f| !failing.iter().any(|x| std::ptr::eq(**x, **f)))
        .map(|f| format!("{} {}: {}\nhint: {}", f.severity, f.code, f.message, f.hint))
        .collect();
    if !others.is_empty() {
        tc.set_system_out(others.join("\n"));
    }
    tc
}

pub fn render(r: &Report, out: &mut dyn io::Write, options: Options) -> io::Result<()> {
    let mut report = JReport::new(format!("bindcheck: {}", r.profile.name));
    let secs = |ms: Option<f64>| ms.map(|m| m / 1000.0);

    let mut inputs = TestSuite::new("inputs");
    for (field, _) in &r.inputs.0 {
        let fs: Vec<&ReportFinding> = r
            .findings
            .iter()
            .filter(|f| f.subject == Subject::Field(*field))
            .collect();
        inputs.add_test_case(case(field.as_str(), "validate", None, &fs, options));
    }
    if let Some(m) = &r.mail {
        let subject = Subject::Mail(m.domain.clone());
        let fs: Vec<&ReportFinding> = r.findings.iter().filter(|f| f.subject == subject).collect();
        inputs.add_test_case(case(&subject.name(), "mx", secs(m.time_ms), &fs, options));
    }
    if r.app.is_some() {
        let fs: Vec<&ReportFinding> = r.findings.iter().filter(|f| f.subject == Subject::App).collect();
        inputs.add_test_case(case("app", "min_version", None, &fs, options));
    }
    if !inputs.test_cases.is_empty() {
        let d = &r.data;
        inputs.add_property(("phone_metadata", d.phone_metadata));
        inputs.add_property(("carriers", d.carriers));
        inputs.add_property(("card_brands", d.card_brands));
        if let Some(v) = &d.phone_ranges {
            inputs.add_property(("phone_ranges", v.as_str()));
        }
        if let Some(v) = &d.bin_table {
            inputs.add_property(("bin_table", v.as_str()));
        }
        report.add_test_suite(inputs);
    }

    let mut endpoints = TestSuite::new("endpoints");
    for e in &r.endpoints {
        let subject = Subject::Endpoint(e.url.clone());
        let mine: Vec<&ReportFinding> = r.findings.iter().filter(|f| f.subject == subject).collect();
        let of = |check: &str| -> Vec<&ReportFinding> {
            mine.iter()
                .copied()
                .filter(|f| endpoint_check(f.code.as_str()) == check)
                .collect()
        };
        let connect = e.tcp.iter().filter_map(|t| t.time_ms).min_by(f64::total_cmp);
        let mut checks: Vec<(&str, Option<f64>)> = vec![("dns", e.dns.time_ms), ("tcp", connect)];
        if let Some(t) = &e.tls {
            checks.push(("tls", t.time_ms));
        }
        if let Some(h) = &e.http {
            checks.push(("http", h.total_ms));
        }
        if !e.loss.is_empty() {
            checks.push(("loss", None));
        }
        if e.trace.is_some() {
            checks.push(("path", None));
        }
        if let Some(a) = &e.app {
            checks.push(("app", a.total_ms));
        }
        if mine.iter().any(|f| endpoint_check(f.code.as_str()) == "deadline") {
            checks.push(("deadline", None));
        }
        for (check, ms) in checks {
            let mut tc = case(&e.url, check, secs(ms), &of(check), options);
            if let Some(h) = e.http.as_ref().filter(|_| check == "http") {
                if let Some(code) = h.status_code {
                    tc.add_property(("status_code".to_owned(), code.to_string()));
                }
                if let Some(v) = h.version {
                    tc.add_property(("http_version".to_owned(), v.as_str().to_owned()));
                }
            }
            endpoints.add_test_case(tc);
        }
    }
    if !endpoints.test_cases.is_empty() {
        report.add_test_suite(endpoints);
    }

    let env: Vec<&ReportFinding> = r
        .findings
        .iter()
        .filter(|f| f.subject == Subject::Environment)
        .collect();
    if r.environment.is_some() || !env.is_empty() {
        let mut suite = TestSuite::new("environment");
        suite.add_test_case(case("environment", "local", None, &env, options));
        report.add_test_suite(suite);
    }
    report.set_time(Duration::from_secs_f64(r.duration_ms.max(0.0) / 1000.0));
    report.serialize(&mut *out).map_err(io::Error::other)?;
    writeln!(out)
}

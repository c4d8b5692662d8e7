//! Markdown for CI job summaries and pull-request comments: the verdict, what to do, and a
//! table of checks. Kept well under GitHub's 1 MiB summary limit: long lists are cut with a
//! note.

use std::io;

use crate::probe::EndpointReport;
use crate::report::{Report, Verdict};
use crate::validate::Severity;

/// Findings listed at most; the rest are counted.
const MAX_ROWS: usize = 500;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

pub fn render(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    header(r, out)?;
    remedies(r, out)?;
    endpoints(r, out)?;
    paths(r, out)?;
    findings(r, out)?;
    inputs(r, out)
}

/// The verdict as a heading, the counts and version, and the `--unmasked` warning.
fn header(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let (icon, word) = match r.verdict {
        Verdict::Ready => ("✅", "ready"),
        Verdict::Degraded => ("⚠️", "degraded"),
        Verdict::Blocked => ("❌", "blocked"),
    };
    let (errors, warnings, _) = r.counts();
    writeln!(out, "## bindcheck: {icon} **{word}**\n")?;
    writeln!(
        out,
        "Wallet: {} · {errors} error(s), {warnings} warning(s) · bindcheck {}\n",
        cell(&r.profile.name),
        r.bindcheck_version
    )?;
    writeln!(out, "Data: {}\n", cell(&r.data.line(crate::validate::Lang::En)))?;
    if r.unmasked {
        writeln!(
            out,
            "> **Warning:** generated with `--unmasked`: personal data is shown in full.\n"
        )?;
    }
    Ok(())
}

/// What to do, as a numbered list.
fn remedies(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if r.remedies.is_empty() {
        return Ok(());
    }
    writeln!(out, "### What to do\n")?;
    for (i, remedy) in r.remedies.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, cell(&remedy.text))?;
    }
    writeln!(out)
}

/// A table of the endpoints, one row each, cut at [`MAX_ROWS`].
fn endpoints(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if r.endpoints.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Endpoints\n")?;
    writeln!(
        out,
        "| endpoint | status | HTTP | dns ms | connect ms | tls ms | ttfb ms | loss % | cert days |"
    )?;
    writeln!(out, "|---|---|---|---|---|---|---|---|---|")?;
    for e in r.endpoints.iter().take(MAX_ROWS) {
        endpoint_row(e, out)?;
    }
    if r.endpoints.len() > MAX_ROWS {
        writeln!(out, "\n_{} more endpoints not shown._", r.endpoints.len() - MAX_ROWS)?;
    }
    writeln!(out)
}

/// One endpoint's row: the fastest connect, and the worst loss over its addresses.
fn endpoint_row(e: &EndpointReport, out: &mut dyn io::Write) -> io::Result<()> {
    let connect = e.tcp.iter().filter_map(|t| t.time_ms).min_by(f64::total_cmp);
    let http = e.http.as_ref();
    let loss = e
        .loss
        .iter()
        .map(|l| l.summary.loss_pct)
        .fold(None::<f64>, |m, v| Some(m.map_or(v, |m| m.max(v))));
    writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
        cell(&e.url),
        e.status,
        http.and_then(|h| h.status_code.map(|c| (c, h.version))).map_or_else(
            || "–".to_owned(),
            |(c, v)| v.map_or_else(|| c.to_string(), |v| format!("{v} {c}"))
        ),
        ms(e.dns.time_ms),
        ms(connect),
        ms(e.tls.as_ref().and_then(|t| t.time_ms)),
        ms(http.and_then(|h| h.ttfb_ms)),
        loss.map_or_else(|| "–".to_owned(), |l| format!("{l:.1}")),
        e.tls
            .as_ref()
            .and_then(|t| t.expires_in_days)
            .map_or_else(|| "–".to_owned(), |d| format!("{d:.0}")),
    )
}

/// A table of hops for each endpoint with a traced path (at most 64 hops each).
fn paths(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for e in r
        .endpoints
        .iter()
        .filter(|e| e.trace.as_ref().is_some_and(|t| !t.hops.is_empty()))
    {
        let t = e.trace.as_ref().expect("filtered");
        writeln!(out, "### Path to {}\n", cell(&e.url))?;
        writeln!(out, "| hop | address | loss % | median ms |")?;
        writeln!(out, "|---|---|---|---|")?;
        for h in t.hops.iter().take(64) {
            let addr = h.addr.map_or_else(|| "*".to_owned(), |a| a.to_string());
            writeln!(
                out,
                "| {} | {addr} | {:.1} | {} |",
                h.ttl,
                h.summary.loss_pct,
                ms(h.summary.median_ms)
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// A table of the findings, cut at [`MAX_ROWS`] with a pointer to the JSON report.
fn findings(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if r.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Findings\n")?;
    writeln!(out, "| severity | code | subject | message | hint |")?;
    writeln!(out, "|---|---|---|---|---|")?;
    for f in r.findings.iter().take(MAX_ROWS) {
        let sev = match f.severity {
            Severity::Error => "❌ error",
            Severity::Warning => "⚠️ warning",
            Severity::Info => "ℹ️ info",
        };
        writeln!(
            out,
            "| {sev} | `{}` | {} | {} | {} |",
            f.code,
            cell(&f.subject.name()),
            cell(&f.message),
            cell(&f.hint)
        )?;
    }
    if r.findings.len() > MAX_ROWS {
        writeln!(
            out,
            "\n_{} more findings not shown; see the JSON report._",
            r.findings.len() - MAX_ROWS
        )?;
    }
    writeln!(out)
}

/// A table of the fields: valid or not, and the value as shown (masked unless `--unmasked`).
fn inputs(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    if r.inputs.0.is_empty() {
        return Ok(());
    }
    writeln!(out, "### Inputs\n")?;
    writeln!(out, "| field | valid | value (masked) |")?;
    writeln!(out, "|---|---|---|")?;
    for (field, view) in &r.inputs.0 {
        writeln!(
            out,
            "| {} | {} | `{}` |",
            field.as_str(),
            if view.valid { "yes" } else { "no" },
            cell(view.normalized.as_deref().unwrap_or("–"))
        )?;
    }
    Ok(())
}

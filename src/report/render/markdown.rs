//! Markdown for CI job summaries and pull-request comments: the verdict, what to do, and a
//! table of checks. Kept well under GitHub's 1 MiB summary limit: long lists are cut with a
//! note.

use std::io;

use super::words::{severity_index, verdict_index, words, Words};
use crate::probe::EndpointReport;
use crate::report::{Report, Verdict};
use crate::validate::{Lang, Severity};

/// Findings listed at most; the rest are counted.
const MAX_ROWS: usize = 500;

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

pub fn render(r: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let w = words(r.lang);
    header(r, w, out)?;
    remedies(r, w, out)?;
    endpoints(r, w, out)?;
    paths(r, w, out)?;
    findings(r, w, out)?;
    inputs(r, w, out)
}

/// A table's header row and its rule.
fn table_head(out: &mut dyn io::Write, columns: &[&str]) -> io::Result<()> {
    writeln!(out, "| {} |", columns.join(" | "))?;
    writeln!(out, "|{}", "---|".repeat(columns.len()))
}

/// The verdict as a heading, the counts and version, and the `--unmasked` warning.
fn header(r: &Report, w: &Words, out: &mut dyn io::Write) -> io::Result<()> {
    let icon = match r.verdict {
        Verdict::Ready => "✅",
        Verdict::Degraded => "⚠️",
        Verdict::Blocked => "❌",
    };
    let word = w.verdict[verdict_index(r.verdict)];
    let word = match r.lang {
        Lang::En => word.to_lowercase(),
        Lang::ZhCn => word.to_owned(),
    };
    let (errors, warnings, _) = r.counts();
    let c = w.colon;
    writeln!(out, "## bindcheck{c}{icon} **{word}**\n")?;
    let counts = w
        .counts
        .replace("{errors}", &errors.to_string())
        .replace("{warnings}", &warnings.to_string());
    writeln!(
        out,
        "{}{c}{} · {counts} · bindcheck {}\n",
        w.wallet,
        cell(r.profile.name_in(r.lang)),
        r.bindcheck_version
    )?;
    writeln!(out, "{}{c}{}\n", w.data, cell(&r.data.line(r.lang)))?;
    if r.unmasked {
        writeln!(out, "{}\n", w.unmasked_md)?;
    }
    Ok(())
}

/// What to do, as a numbered list.
fn remedies(r: &Report, w: &Words, out: &mut dyn io::Write) -> io::Result<()> {
    if r.remedies.is_empty() {
        return Ok(());
    }
    writeln!(out, "### {}\n", w.todo)?;
    for (i, remedy) in r.remedies.iter().enumerate() {
        writeln!(out, "{}. {}", i + 1, cell(&remedy.text))?;
    }
    writeln!(out)
}

/// A table of the endpoints, one row each, cut at [`MAX_ROWS`].
fn endpoints(r: &Report, w: &Words, out: &mut dyn io::Write) -> io::Result<()> {
    if r.endpoints.is_empty() {
        return Ok(());
    }
    writeln!(out, "### {}\n", w.endpoints)?;
    table_head(out, &w.endpoint_columns)?;
    for e in r.endpoints.iter().take(MAX_ROWS) {
        endpoint_row(e, r.lang, out)?;
    }
    if r.endpoints.len() > MAX_ROWS {
        let more = w
            .more_endpoints
            .replace("{n}", &(r.endpoints.len() - MAX_ROWS).to_string());
        writeln!(out, "\n_{more}_")?;
    }
    writeln!(out)
}

/// One endpoint's row: the fastest connect, and the worst loss over its addresses.
fn endpoint_row(e: &EndpointReport, lang: Lang, out: &mut dyn io::Write) -> io::Result<()> {
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
        e.status.label(lang),
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
fn paths(r: &Report, w: &Words, out: &mut dyn io::Write) -> io::Result<()> {
    for e in r
        .endpoints
        .iter()
        .filter(|e| e.trace.as_ref().is_some_and(|t| !t.hops.is_empty()))
    {
        let t = e.trace.as_ref().expect("filtered");
        writeln!(out, "### {}{}\n", w.path_to, cell(&e.url))?;
        table_head(out, &w.hop_columns)?;
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
fn findings(r: &Report, w: &Words, out: &mut dyn io::Write) -> io::Result<()> {
    if r.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "### {}\n", w.findings)?;
    table_head(out, &w.finding_columns)?;
    for f in r.findings.iter().take(MAX_ROWS) {
        let icon = match f.severity {
            Severity::Error => "❌",
            Severity::Warning => "⚠️",
            Severity::Info => "ℹ️",
        };
        writeln!(
            out,
            "| {icon} {} | `{}` | {} | {} | {} |",
            w.severity[severity_index(f.severity)],
            f.code,
            cell(&f.subject.label(r.lang)),
            cell(&f.message),
            cell(&f.hint)
        )?;
    }
    if r.findings.len() > MAX_ROWS {
        let more = w
            .more_findings
            .replace("{n}", &(r.findings.len() - MAX_ROWS).to_string());
        writeln!(out, "\n_{more}_")?;
    }
    writeln!(out)
}

/// A table of the fields: valid or not, and the value as shown (masked unless `--unmasked`).
fn inputs(r: &Report, w: &Words, out: &mut dyn io::Write) -> io::Result<()> {
    if r.inputs.0.is_empty() {
        return Ok(());
    }
    writeln!(out, "### {}\n", w.inputs)?;
    table_head(out, &w.input_columns)?;
    for (field, view) in &r.inputs.0 {
        writeln!(
            out,
            "| {} | {} | `{}` |",
            field.label(r.lang),
            if view.valid { w.yes } else { w.no },
            cell(view.normalized.as_deref().unwrap_or("–"))
        )?;
    }
    Ok(())
}

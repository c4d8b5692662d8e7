//! `bindcheck probe`: the network probes alone, for one or more endpoint URLs.

use anyhow::Context;
use clap::{Args, ValueEnum};
use std::io::{self, Write};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use super::args::{parse_endpoint_url, parse_resolver, probe_config, EndpointArgs, NetArgs, DEFAULT_DEADLINE};
use super::term::{delayed_progress, Paint};
use super::{Outcome, UsageError};
use bindcheck::probe::http::UnknownMethod;
use bindcheck::probe::{EndpointReport, HttpResult, Method, ProbeConfig, Prober, Status, TlsResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProbeFormat {
    /// A readable report.
    Text,
    /// One JSON document: `{"schema_version": 1, "endpoints": [...]}`.
    Json,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck probe https://api.wallet.example/v1/health\n  \
bindcheck probe https://staging.wallet.test/health --resolver 10.0.0.53 --ca-file staging-ca.pem --format json\n\n\
Exit codes: 0 every endpoint works, 2 at least one does not, 64 usage error, 65 unreadable input, 74 unwritable output, 78 bad profile or configuration\n(one table for every command: docs/guide.md).")]
pub struct ProbeArgs {
    /// Endpoint URLs (http or https).
    #[arg(value_name = "URL", required = true)]
    urls: Vec<String>,
    #[command(flatten)]
    net: NetArgs,
    #[command(flatten)]
    probes: EndpointArgs,
    /// Also ask this DNS server (repeatable) and flag answers that differ: a sign of DNS
    /// hijacking or pollution.
    #[arg(long = "compare-resolver", value_name = "IP[:PORT]", value_parser = parse_resolver)]
    compare_resolvers: Vec<SocketAddr>,
    /// Request method: GET or HEAD.
    #[arg(long, default_value = "get", value_name = "METHOD", value_parser = parse_method)]
    method: Method,
    /// Endpoints probed at once (1 to 1024).
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=1024))]
    concurrency: u16,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    format: ProbeFormat,
}

fn parse_method(s: &str) -> Result<Method, UnknownMethod> {
    s.parse()
}

/// The version of the `bindcheck probe --format json` document (docs/probe.md).
pub const PROBE_SCHEMA_VERSION: u32 = 1;

#[derive(serde::Serialize)]
struct ProbeDocument<'a> {
    schema_version: u32,
    endpoints: &'a [EndpointReport],
}

pub fn run(args: ProbeArgs) -> anyhow::Result<Outcome> {
    let mut urls = Vec::with_capacity(args.urls.len());
    for raw in &args.urls {
        let url = parse_endpoint_url(raw)?;
        urls.push(url);
    }
    let config = ProbeConfig {
        compare_resolvers: args.compare_resolvers.clone(),
        method: args.method,
        concurrency: usize::from(args.concurrency),
        ..probe_config(&args.net, &args.probes, DEFAULT_DEADLINE)?
    };
    let runtime = super::args::runtime()?;
    let reports = runtime.block_on(async {
        let prober = Prober::builder(config).build().map_err(|e| {
            UsageError::new(
                "cannot set up the probes",
                "check --resolver, --ca-file and the numbers given",
            )
            .zh("无法准备探测", "请检查 --resolver、--ca-file 和给出的数值")
            .caused_by(e)
        })?;
        let prober = Arc::new(prober);
        let progress = delayed_progress(urls.len());
        let reports = prober.probe(&urls).await;
        progress.finish_and_clear();
        Ok::<_, UsageError>(reports)
    })?;
    runtime.shutdown_timeout(Duration::from_millis(100));

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        ProbeFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &ProbeDocument {
                    schema_version: PROBE_SCHEMA_VERSION,
                    endpoints: &reports,
                },
            )?;
            writeln!(out)?;
        }
        ProbeFormat::Text => text(&mut out, &reports, Paint::for_stream(&io::stdout()))?,
    }
    out.flush().context("cannot write the report")?;
    Ok(if reports.iter().all(|r| r.status == Status::Ok) {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// `5.0% of 20 lost  min … / median … / p95 … / max …  jitter …`
fn summary(s: &bindcheck::probe::Summary) -> String {
    format!(
        "{:.1}% of {} lost  min {} / median {} / p95 {} / max {}  jitter {}",
        s.loss_pct,
        s.sent,
        ms(s.min_ms),
        ms(s.median_ms),
        ms(s.p95_ms),
        ms(s.max_ms),
        ms(s.jitter_ms)
    )
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1} ms"))
}

/// The human report: per endpoint, one line per step with its status in words.
pub fn text(out: &mut impl Write, reports: &[EndpointReport], p: Paint) -> io::Result<()> {
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}  {}", p.bold(&r.url), p.status(r.status))?;
        dns_text(out, r, p)?;
        tcp_text(out, r, p)?;
        if let Some(t) = &r.tls {
            tls_text(out, t, p)?;
        }
        if let Some(h) = &r.http {
            http_text(out, h, p)?;
        }
        loss_text(out, r, p)?;
        if !r.not_measured.is_empty() {
            let phases: Vec<&str> = r.not_measured.iter().map(|p| p.as_str()).collect();
            writeln!(out, "  not measured before the deadline: {}", phases.join(", "))?;
        }
    }
    Ok(())
}

/// The `dns` lines: the resolver's answers with their TTLs or its error, each comparison
/// resolver's answers, and a warning when they disagree.
fn dns_text(out: &mut impl Write, r: &EndpointReport, p: Paint) -> io::Result<()> {
    let answers: Vec<String> = r
        .dns
        .a
        .iter()
        .chain(&r.dns.aaaa)
        .map(|a| format!("{} (ttl {} s)", a.addr, a.ttl_s))
        .collect();
    writeln!(
        out,
        "  dns    {}  {}  via {}  {}",
        p.status(r.dns.status),
        ms(r.dns.time_ms),
        r.dns.resolver,
        answers.join(", ")
    )?;
    if let Some(e) = &r.dns.error {
        writeln!(out, "         {e}")?;
    }
    for d in &r.dns_compare {
        let answers: Vec<String> = d.addresses().iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "  dns    {}  {}  via {}  {}",
            p.status(d.status),
            ms(d.time_ms),
            d.resolver,
            answers.join(", ")
        )?;
    }
    if r.dns_divergent {
        writeln!(
            out,
            "         warning: resolvers disagree about this name (DNS hijacking or pollution?)"
        )?;
    }
    Ok(())
}

/// The `tcp` lines, one per address, and a warning when IPv6 exists but never connects.
fn tcp_text(out: &mut impl Write, r: &EndpointReport, p: Paint) -> io::Result<()> {
    for t in &r.tcp {
        writeln!(out, "  tcp    {}  {}  {}", p.status(t.status), ms(t.time_ms), t.addr)?;
    }
    if r.ipv6_broken {
        writeln!(
            out,
            "         warning: IPv6 addresses exist but none connects; clients that try IPv6 first will be slow"
        )?;
    }
    Ok(())
}

/// The `tls` line (version, earliest certificate expiry), with `--insecure` and the
/// verification error below it.
fn tls_text(out: &mut impl Write, t: &TlsResult, p: Paint) -> io::Result<()> {
    write!(out, "  tls    {}  {}", p.status(t.status), ms(t.time_ms))?;
    if let Some(v) = &t.version {
        write!(out, "  {v}")?;
    }
    if let (Some(at), Some(days)) = (&t.earliest_expiry, t.expires_in_days) {
        write!(out, "  certificate expires {at} ({days:.1} days)")?;
    }
    writeln!(out)?;
    if t.insecure {
        writeln!(
            out,
            "         --insecure: certificate problems were reported but not enforced"
        )?;
    }
    if let Some(e) = &t.error {
        writeln!(out, "         {e}")?;
    }
    Ok(())
}

/// The `http` line (status code, timings and their phases), then redirects, `Retry-After`,
/// clock skew, a truncated body and the error, each when there is one.
fn http_text(out: &mut impl Write, h: &HttpResult, p: Paint) -> io::Result<()> {
    let code = h.status_code.map_or_else(|| "-".to_owned(), |c| c.to_string());
    writeln!(
        out,
        "  http   {}  {code}  ttfb {}  total {}  (dns {} + connect {} + tls {} + server {} + transfer {})",
        p.status(h.status),
        ms(h.ttfb_ms),
        ms(h.total_ms),
        ms(h.phases.dns_ms),
        ms(h.phases.connect_ms),
        ms(h.phases.tls_ms),
        ms(h.phases.server_ms),
        ms(h.phases.transfer_ms)
    )?;
    if h.hops.len() > 1 {
        writeln!(
            out,
            "         {} redirect(s), {:.1} ms, ending at {}",
            h.hops.len() - 1,
            h.redirect_ms,
            h.final_url
        )?;
    }
    if let Some(ra) = &h.retry_after {
        writeln!(out, "         retry after: {ra}")?;
    }
    if let Some(skew) = h.clock_skew_s {
        writeln!(out, "         clock skew {skew:+.0} s (server Date minus local clock)")?;
    }
    if h.body_truncated {
        writeln!(
            out,
            "         body longer than the read cap; read {} bytes",
            h.body_bytes
        )?;
    }
    if let Some(e) = &h.error {
        writeln!(out, "         {e}")?;
    }
    Ok(())
}

/// The `loss` lines (TCP connect samples) and the `icmp` lines (ping samples, or why they
/// were skipped), one per address.
fn loss_text(out: &mut impl Write, r: &EndpointReport, p: Paint) -> io::Result<()> {
    for l in &r.loss {
        let line = summary(&l.summary);
        let line = if l.summary.loss_pct > 0.0 {
            p.severity(bindcheck::validate::Severity::Warning, &line)
        } else {
            line
        };
        write!(out, "  loss   {}  {line}", l.addr)?;
        if l.retransmitted > 0 {
            write!(out, "  ({} SYN retransmission(s))", l.retransmitted)?;
        }
        if l.summary.too_few_samples {
            write!(out, "  (too few samples for percentiles)")?;
        }
        writeln!(out)?;
    }
    for icmp in &r.icmp {
        match &icmp.note {
            Some(note) => writeln!(out, "  icmp   {}  skipped: {note}", icmp.addr)?,
            None => writeln!(out, "  icmp   {}  {}", icmp.addr, summary(&icmp.summary))?,
        }
    }
    Ok(())
}

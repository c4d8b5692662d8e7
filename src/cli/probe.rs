//! `bindcheck probe`: the network probes alone, for one or more endpoint URLs.

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
use bindcheck::report::render::words::ms;
use bindcheck::report::time::TimeZone;
use bindcheck::validate::Lang;

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
    /// Language of the text output: en or zh-CN (default: from LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<Lang>,
}

fn parse_method(s: &str) -> Result<Method, UnknownMethod> {
    s.parse()
}

// The version of the `bindcheck probe --format json` document (docs/probe.md) is the one its
// JSON Schema (docs/probe.schema.json) fixes.
use bindcheck::report::docs::PROBE_SCHEMA_VERSION;

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
        ProbeFormat::Text => text(
            &mut out,
            &reports,
            super::term::paint_for(&io::stdout()),
            super::resolve_lang(args.lang),
        )?,
    }
    out.flush()
        .map_err(super::write_failed(("cannot write the report", "无法写出报告")))?;
    Ok(if reports.iter().all(|r| r.status == Status::Ok) {
        Outcome::Valid
    } else {
        Outcome::Invalid
    })
}

/// `5.0% of 20 lost  min … / median … / p95 … / max …  jitter …`
fn summary(s: &bindcheck::probe::Summary, lang: Lang) -> String {
    let (lost, min, median, max, jitter) = match lang {
        Lang::En => (
            format!("{:.1}% of {} lost", s.loss_pct, s.sent),
            "min",
            "median",
            "max",
            "jitter",
        ),
        Lang::ZhCn => (
            format!("{} 个中丢失 {:.1}%", s.sent, s.loss_pct),
            "最小",
            "中位数",
            "最大",
            "抖动",
        ),
    };
    format!(
        "{lost}  {min} {} / {median} {} / p95 {} / {max} {}  {jitter} {}",
        ms(s.min_ms),
        ms(s.median_ms),
        ms(s.p95_ms),
        ms(s.max_ms),
        ms(s.jitter_ms)
    )
}

/// A resolver as the text names it: its address, or the system's.
fn resolver_name(resolver: &str, lang: Lang) -> &str {
    match (resolver, lang) {
        ("system", Lang::ZhCn) => "系统的 DNS 设置",
        (other, _) => other,
    }
}

/// A detail line in the library's words (a resolver's or TLS stack's error, a skipped
/// ping's reason): English only, so Chinese readers get the status line's words instead, and
/// the detail stays in the JSON output (`error`) for a support desk.
fn detail(out: &mut impl Write, lang: Lang, text: &str) -> io::Result<()> {
    match lang {
        Lang::En => writeln!(out, "         {text}"),
        Lang::ZhCn => Ok(()),
    }
}

/// The human report: per endpoint, one line per step with its status in words.
pub fn text(out: &mut impl Write, reports: &[EndpointReport], p: Paint, lang: Lang) -> io::Result<()> {
    // Read once for the run: the zone retry times are shown in.
    let tz = super::local_zone();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}  {}", p.bold(&r.url), p.status(r.status, lang))?;
        dns_text(out, r, p, lang)?;
        tcp_text(out, r, p, lang)?;
        if let Some(t) = &r.tls {
            tls_text(out, t, p, lang)?;
        }
        if let Some(h) = &r.http {
            http_text(out, h, p, lang, &tz)?;
        }
        loss_text(out, r, p, lang)?;
        if !r.not_measured.is_empty() {
            let phases: Vec<&str> = r.not_measured.iter().map(|p| p.as_str()).collect();
            match lang {
                Lang::En => writeln!(out, "  not measured before the deadline: {}", phases.join(", "))?,
                Lang::ZhCn => {
                    let upper: Vec<String> = phases.iter().map(|p| p.to_uppercase()).collect();
                    writeln!(out, "  截止时间前未测量：{}", upper.join("、"))?
                }
            }
        }
    }
    Ok(())
}

/// The `dns` lines: the resolver's answers with their TTLs or its error, each comparison
/// resolver's answers, and a warning when they disagree.
fn dns_text(out: &mut impl Write, r: &EndpointReport, p: Paint, lang: Lang) -> io::Result<()> {
    let answers: Vec<String> = r
        .dns
        .a
        .iter()
        .chain(&r.dns.aaaa)
        .map(|a| match lang {
            Lang::En => format!("{} (ttl {} s)", a.addr, a.ttl_s),
            Lang::ZhCn => format!("{}（TTL {} s）", a.addr, a.ttl_s),
        })
        .collect();
    let (via, sep) = (lang.pick("via", "经"), lang.pick(", ", "，"));
    writeln!(
        out,
        "  {}    {}  {}  {via} {}  {}",
        lang.pick("dns", "DNS"),
        p.status(r.dns.status, lang),
        ms(r.dns.time_ms),
        resolver_name(&r.dns.resolver, lang),
        answers.join(sep)
    )?;
    if let Some(e) = &r.dns.error {
        detail(out, lang, e)?;
    }
    for d in &r.dns_compare {
        let answers: Vec<String> = d.addresses().iter().map(ToString::to_string).collect();
        writeln!(
            out,
            "  {}    {}  {}  {via} {}  {}",
            lang.pick("dns", "DNS"),
            p.status(d.status, lang),
            ms(d.time_ms),
            resolver_name(&d.resolver, lang),
            answers.join(sep)
        )?;
    }
    if r.dns_divergent {
        writeln!(
            out,
            "         {}",
            lang.pick(
                "warning: resolvers disagree about this name (DNS hijacking or pollution?)",
                "警告：各 DNS 服务器对这个域名的解析结果不一致（DNS 劫持或污染？）"
            )
        )?;
    }
    Ok(())
}

/// The `tcp` lines, one per address, and a warning when IPv6 exists but never connects.
fn tcp_text(out: &mut impl Write, r: &EndpointReport, p: Paint, lang: Lang) -> io::Result<()> {
    for t in &r.tcp {
        let tcp = lang.pick("tcp", "TCP");
        writeln!(
            out,
            "  {tcp}    {}  {}  {}",
            p.status(t.status, lang),
            ms(t.time_ms),
            t.addr
        )?;
    }
    if r.ipv6_broken {
        writeln!(
            out,
            "         {}",
            lang.pick(
                "warning: IPv6 addresses exist but none connects; clients that try IPv6 first will be slow",
                "警告：有 IPv6 地址但都连不上；优先使用 IPv6 的客户端会变慢"
            )
        )?;
    }
    Ok(())
}

/// The `tls` line (version, earliest certificate expiry), with `--insecure` and the
/// verification error below it.
fn tls_text(out: &mut impl Write, t: &TlsResult, p: Paint, lang: Lang) -> io::Result<()> {
    let tls = lang.pick("tls", "TLS");
    write!(out, "  {tls}    {}  {}", p.status(t.status, lang), ms(t.time_ms))?;
    if let Some(v) = &t.version {
        write!(out, "  {v}")?;
    }
    if let (Some(at), Some(days)) = (&t.earliest_expiry, t.expires_in_days) {
        match lang {
            Lang::En => write!(out, "  certificate expires {at} ({days:.1} days)")?,
            Lang::ZhCn => write!(out, "  证书到期：{at}（剩余 {days:.1} 天）")?,
        }
    }
    writeln!(out)?;
    if t.insecure {
        writeln!(
            out,
            "         {}",
            lang.pick(
                "--insecure: certificate problems were reported but not enforced",
                "--insecure：证书问题已报告，但没有据此中止"
            )
        )?;
    }
    if let Some(e) = &t.error {
        detail(out, lang, e)?;
    }
    Ok(())
}

/// The `http` line (status code, timings and their phases), then redirects, `Retry-After`,
/// clock skew, a truncated body and the error, each when there is one.
fn http_text(out: &mut impl Write, h: &HttpResult, p: Paint, lang: Lang, tz: &TimeZone) -> io::Result<()> {
    let code = h.status_code.map_or_else(|| "-".to_owned(), |c| c.to_string());
    let line = lang.pick(
        "  http   {status}  {code}  ttfb {}  total {}  (dns {} + connect {} + tls {} + server {} + transfer {})",
        "  HTTP   {status}  {code}  首字节 {}  总计 {}（DNS {} + 连接 {} + TLS {} + 服务器 {} + 传输 {}）",
    );
    let filled = [
        h.ttfb_ms,
        h.total_ms,
        h.phases.dns_ms,
        h.phases.connect_ms,
        h.phases.tls_ms,
        h.phases.server_ms,
        h.phases.transfer_ms,
    ]
    .iter()
    .fold(
        line.replace("{status}", &p.status(h.status, lang))
            .replace("{code}", &code),
        |l, v| l.replacen("{}", &ms(*v), 1),
    );
    writeln!(out, "{filled}")?;
    http_details(out, h, lang, tz)
}

/// Redirects, `Retry-After`, clock skew, a truncated body and the error, each when there is
/// one.
fn http_details(out: &mut impl Write, h: &HttpResult, lang: Lang, tz: &TimeZone) -> io::Result<()> {
    let mut lines = Vec::new();
    if h.hops.len() > 1 {
        let (redirects, at) = (h.hops.len() - 1, format!("{:.1} ms", h.redirect_ms));
        lines.push(match lang {
            Lang::En => format!("{redirects} redirect(s), {at}, ending at {}", h.final_url),
            Lang::ZhCn => format!("{redirects} 次重定向，{at}，最终到达 {}", h.final_url),
        });
    }
    if let Some(ra) = &h.retry_after {
        lines.push(bindcheck::report::render::words::retry_after(ra, tz, lang));
    }
    if let Some(skew) = h.clock_skew_s {
        lines.push(match lang {
            Lang::En => format!("clock skew {skew:+.0} s (server Date minus local clock)"),
            Lang::ZhCn => format!("时钟偏差 {skew:+.0} s（服务器时间减本机时间）"),
        });
    }
    if h.body_truncated {
        lines.push(match lang {
            Lang::En => format!("body longer than the read cap; read {} bytes", h.body_bytes),
            Lang::ZhCn => format!("响应内容超过读取上限；已读取 {} 字节", h.body_bytes),
        });
    }
    for line in lines {
        writeln!(out, "         {line}")?;
    }
    if let Some(e) = &h.error {
        detail(out, lang, e)?;
    }
    Ok(())
}

/// The `loss` lines (TCP connect samples) and the `icmp` lines (ping samples, or why they
/// were skipped), one per address.
fn loss_text(out: &mut impl Write, r: &EndpointReport, p: Paint, lang: Lang) -> io::Result<()> {
    for l in &r.loss {
        let line = summary(&l.summary, lang);
        let line = if l.summary.loss_pct > 0.0 {
            p.severity(bindcheck::validate::Severity::Warning, &line)
        } else {
            line
        };
        write!(out, "  {}   {}  {line}", lang.pick("loss", "丢包"), l.addr)?;
        if l.retransmitted > 0 {
            match lang {
                Lang::En => write!(out, "  ({} SYN retransmission(s))", l.retransmitted)?,
                Lang::ZhCn => write!(out, "（SYN 重传 {} 次）", l.retransmitted)?,
            }
        }
        if l.summary.too_few_samples {
            write!(
                out,
                "{}",
                lang.pick("  (too few samples for percentiles)", "（样本太少，无法计算百分位数）")
            )?;
        }
        writeln!(out)?;
    }
    let icmp_label = lang.pick("icmp", "ICMP");
    for icmp in &r.icmp {
        match (&icmp.note, lang) {
            (Some(note), Lang::En) => writeln!(out, "  icmp   {}  skipped: {note}", icmp.addr)?,
            (Some(_), Lang::ZhCn) => writeln!(out, "  ICMP   {}  已跳过", icmp.addr)?,
            (None, _) => writeln!(out, "  {icmp_label}   {}  {}", icmp.addr, summary(&icmp.summary, lang))?,
        }
    }
    Ok(())
}

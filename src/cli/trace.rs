//! `bindcheck trace URL|HOST`: hop by hop, where on the way to the wallet packets are lost.

use clap::{Args, ValueEnum};
use std::io::{self, Write};
use std::net::IpAddr;
use std::time::Duration;
use url::Url;

use super::args::{parse_interval, NetArgs, DEFAULT_DEADLINE};
use super::{Outcome, UsageError};
use bindcheck::probe::deadline_in;
use bindcheck::probe::dns;
use bindcheck::probe::trace::{trace, LossSegment, Protocol, TraceConfig, TraceResult};
use bindcheck::probe::Status;
use bindcheck::validate::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TraceFormat {
    Text,
    Json,
}

/// The probes a trace sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProtocolArg {
    Udp,
    Tcp,
}

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck trace https://api.wallet.example/v1/health\n  \
bindcheck trace 203.0.113.10 --count 20 --format json\n  \
bindcheck trace https://api.wallet.example/v1/health --protocol tcp\n\n\
Unprivileged, Linux: UDP datagrams or TCP connects with increasing TTL, answers read from the\n\
sockets' error queues. 20 probes per hop take about 20 s: routers limit how fast they answer.\n\
Exit codes: 0 the path is fine, 2 persisting loss or the destination not reached,\n64 usage error, 65 unreadable input, 74 unwritable output, 78 bad profile or configuration\n(one table for every command: docs/guide.md).")]
pub struct TraceArgs {
    /// A URL (its host is traced) or a host name or IP address.
    #[arg(value_name = "URL|HOST")]
    target: String,
    /// The most hops to try.
    #[arg(long, default_value_t = 30, value_name = "N")]
    max_hops: u8,
    /// Probes per hop.
    #[arg(long, default_value_t = 20, value_name = "N")]
    count: u32,
    /// Pause between rounds of probes (one probe per hop per round). Routers answer about
    /// one probe a second after a short burst: a shorter pause reads their rate limit as loss.
    #[arg(long, default_value = "1s", value_parser = parse_interval, value_name = "DUR")]
    interval: Duration,
    /// The probes: UDP datagrams (as tracepath sends), or TCP connects to the target's port,
    /// the path an app's own traffic takes.
    #[arg(long, value_enum, default_value = "udp")]
    protocol: ProtocolArg,
    /// The TCP port (default: the URL's port, else 443).
    #[arg(long, value_name = "PORT", requires = "protocol")]
    port: Option<u16>,
    /// Network flags: --timeout bounds the lookup of the target's name.
    #[command(flatten)]
    net: NetArgs,
    #[arg(long, value_enum, default_value = "text")]
    format: TraceFormat,
    /// Language of the text output: en or zh-CN (default: from LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<Lang>,
}

/// How long a hop's reverse name may take: names are a convenience, not worth waiting for.
const REVERSE_TIMEOUT: Duration = Duration::from_millis(300);

fn host_of(target: &str) -> String {
    match Url::parse(target) {
        Ok(u) if u.host_str().is_some() => u.host_str().unwrap_or_default().trim_matches(['[', ']']).to_owned(),
        _ => target.trim_matches(['[', ']']).to_owned(),
    }
}

/// The port of a URL target, else 443.
fn port_of(target: &str) -> u16 {
    Url::parse(target)
        .ok()
        .and_then(|u| u.port_or_known_default())
        .unwrap_or(443)
}

pub fn run(args: TraceArgs) -> anyhow::Result<Outcome> {
    if args.count == 0 || args.count > 100 || args.max_hops == 0 {
        return Err(UsageError::new(
            "--count must be 1 to 100 and --max-hops at least 1",
            "e.g. --count 10 --max-hops 30",
        )
        .zh(
            "--count 须为 1 到 100，--max-hops 至少为 1",
            "例如 --count 10 --max-hops 30",
        )
        .into());
    }
    let host = host_of(&args.target);
    let runtime = super::args::runtime()?;
    let results: Vec<TraceResult> = runtime.block_on(async {
        let deadline = deadline_in(args.net.deadline_or(DEFAULT_DEADLINE));
        let targets: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => {
                let choice = args.net.resolver();
                let resolver = dns::resolver(&choice, args.net.timeout).map_err(|e| {
                    UsageError::new("cannot set up DNS resolution", "check --resolver")
                        .zh("无法准备域名解析", "请检查 --resolver")
                        .caused_by(e)
                })?;
                let found = dns::resolve(&resolver, &choice, &host, deadline).await;
                if found.status != Status::Ok {
                    return Err(UsageError::new(
                        format!("cannot resolve {host}: {}", found.status),
                        "check the name, or pass an IP address",
                    )
                    .zh(
                        format!(
                            "无法解析 {host}：{}",
                            found.status.label(bindcheck::validate::Lang::ZhCn)
                        ),
                        "请检查域名，或直接给出 IP 地址",
                    ));
                }
                // One address of each family.
                let mut picked: Vec<IpAddr> = Vec::new();
                for ip in found.addresses() {
                    if !picked.iter().any(|p| p.is_ipv4() == ip.is_ipv4()) {
                        picked.push(ip);
                    }
                }
                picked
            }
        };
        let protocol = match args.protocol {
            ProtocolArg::Udp => Protocol::Udp,
            ProtocolArg::Tcp => Protocol::Tcp(args.port.unwrap_or(port_of(&args.target))),
        };
        let config = TraceConfig {
            max_hops: args.max_hops,
            count: args.count,
            interval: args.interval,
            protocol,
            ..TraceConfig::default()
        };
        let namer = dns::resolver(&args.net.resolver(), REVERSE_TIMEOUT).ok();
        let mut results = Vec::new();
        for ip in targets {
            // A trace paces its probes to the routers' rate limits: 20 per hop take seconds.
            let progress = super::term::delayed_spinner(match super::resolve_lang(args.lang) {
                Lang::En => format!(
                    "tracing the path to {ip}: up to {} hops, {} probes each",
                    config.max_hops, config.count
                ),
                Lang::ZhCn => format!(
                    "正在追踪到 {ip} 的路径：最多 {} 跳，每跳 {} 个探测包",
                    config.max_hops, config.count
                ),
            });
            let mut result = trace(ip, config, deadline).await;
            if let Some(r) = &namer {
                dns::name_hops(r, &mut result, REVERSE_TIMEOUT).await;
            }
            progress.finish_and_clear();
            results.push(result);
        }
        Ok(results)
    })?;
    runtime.shutdown_timeout(Duration::from_millis(100));
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        TraceFormat::Json => {
            serde_json::to_writer_pretty(
                &mut out,
                &serde_json::json!({
                    "schema_version": bindcheck::report::docs::TRACE_SCHEMA_VERSION,
                    "traces": results
                }),
            )?;
            writeln!(out)?;
        }
        TraceFormat::Text => text(&mut out, &results, super::resolve_lang(args.lang))?,
    }
    out.flush()
        .map_err(super::write_failed(("cannot write the trace", "无法写出路径追踪结果")))?;
    let fine = results
        .iter()
        .all(|r| r.status == Status::Ok && r.analysis.reached && r.analysis.segment == LossSegment::None);
    Ok(if fine { Outcome::Valid } else { Outcome::Invalid })
}

/// The words of the trace's text, in each language.
struct TraceWords {
    title: &'static str,
    impossible: &'static str,
    header: &'static str,
    destination: &'static str,
    not_reached: &'static str,
    fine: &'static str,
    local: &'static str,
    /// `{hop}` is filled in.
    beyond: &'static str,
    unknown: &'static str,
    /// `{hops}` is filled in.
    rate_limited: &'static str,
}

const EN: TraceWords = TraceWords {
    title: "trace to ",
    impossible: "not possible here: ",
    header: "  hop  address                                  loss%   min  median   p95 (ms)",
    destination: "  (destination)",
    not_reached: "the destination did not answer: the path ends before it",
    fine: "the path is fine",
    local: "loss starts at the first hop and persists: the local network (move closer to the router, or switch to mobile data)",
    beyond: "loss starts at hop {hop} and persists: beyond the local network, at the provider or the wallet (try another network; contact support with this report)",
    unknown: "packets are lost on the way, but the hops do not tell where the loss starts",
    rate_limited: "loss only at hop(s) {hops} does not carry on: ICMP rate limiting, not a problem",
};

const ZH: TraceWords = TraceWords {
    title: "追踪路径：",
    impossible: "此处无法追踪路径",
    header: "   跳  地址                                     丢包%  最小  中位数   p95（毫秒）",
    destination: "（目的地）",
    not_reached: "目的地没有应答：路径在到达它之前就断了",
    fine: "路径正常",
    local: "丢包从第一跳开始并一直持续：问题在本地网络（请靠近路由器，或切换到移动数据）",
    beyond:
        "丢包从第 {hop} 跳开始并一直持续：问题在本地网络之外，在运营商或钱包一侧（请换一个网络；或附上本报告联系客服）",
    unknown: "途中有丢包，但各跳的数据无法说明丢包从哪里开始",
    rate_limited: "只有第 {hops} 跳丢包且没有延续下去：这是路由器对 ICMP 限速，不是问题",
};

fn text(out: &mut impl Write, results: &[TraceResult], lang: Lang) -> io::Result<()> {
    let w = match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    };
    let ms = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1}"));
    for r in results {
        writeln!(out, "{}{}", w.title, r.target)?;
        if let Some(note) = &r.note {
            // The reason is the system's, in English: Chinese readers get the sentence.
            match lang {
                Lang::En => writeln!(out, "  {}{note}", w.impossible)?,
                Lang::ZhCn => writeln!(out, "  {}", w.impossible)?,
            }
            continue;
        }
        writeln!(out, "{}", w.header)?;
        for h in &r.hops {
            let addr = match (h.addr, &h.name) {
                (Some(a), Some(n)) => format!("{n} ({a})"),
                (Some(a), None) => a.to_string(),
                (None, _) => "*".to_owned(),
            };
            let mark = if h.destination { w.destination } else { "" };
            writeln!(
                out,
                "  {:>3}  {:<40} {:>5.1} {:>5} {:>7} {:>5}{mark}",
                h.ttl,
                addr,
                h.summary.loss_pct,
                ms(h.summary.min_ms),
                ms(h.summary.median_ms),
                ms(h.summary.p95_ms)
            )?;
        }
        let a = &r.analysis;
        let verdict = match (a.reached, a.segment) {
            (false, _) => w.not_reached.to_owned(),
            (true, LossSegment::None) => w.fine.to_owned(),
            (true, LossSegment::Local) => w.local.to_owned(),
            (true, LossSegment::Beyond) => w.beyond.replace("{hop}", &a.loss_from_ttl.unwrap_or(0).to_string()),
            (true, LossSegment::Unknown) => w.unknown.to_owned(),
        };
        writeln!(out, "  {verdict}")?;
        if !a.rate_limited_ttls.is_empty() {
            let hops: Vec<String> = a.rate_limited_ttls.iter().map(u8::to_string).collect();
            let sep = if lang == Lang::ZhCn { "、" } else { ", " };
            writeln!(out, "  {}", w.rate_limited.replace("{hops}", &hops.join(sep)))?;
        }
    }
    Ok(())
}

//! The human report: the verdict first, then what to do, then inputs, endpoints and the
//! environment. Colour only when asked (a terminal without NO_COLOR); the meaning is always
//! in words too.

use std::io;

use super::Options;
use crate::probe::{http, EndpointReport};
use crate::report::{Report, Verdict};
use crate::validate::{Lang, Severity};

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }

    fn severity(&self, sev: Severity, s: &str) -> String {
        match sev {
            Severity::Error => self.wrap("1;31", s),
            Severity::Warning => self.wrap("1;33", s),
            Severity::Info => self.wrap("36", s),
        }
    }

    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
}

struct Words {
    verdict: [&'static str; 3],
    verdict_line: [&'static str; 3],
    wallet: &'static str,
    profile: &'static str,
    data: &'static str,
    todo: &'static str,
    inputs: &'static str,
    endpoints: &'static str,
    findings: &'static str,
    environment: &'static str,
    hint: &'static str,
    severity: [&'static str; 3],
    unmasked: &'static str,
    nothing: &'static str,
}

const EN: Words = Words {
    verdict: ["READY", "DEGRADED", "BLOCKED"],
    verdict_line: [
        "nothing found that would stop the bind.",
        "the bind will probably work, but something is off.",
        "the bind will fail until the problems below are fixed.",
    ],
    wallet: "Wallet",
    profile: "profile",
    data: "Data",
    todo: "What to do",
    inputs: "Inputs",
    endpoints: "Endpoints",
    findings: "Findings",
    environment: "Environment",
    hint: "hint",
    severity: ["info", "warning", "error"],
    unmasked: "WARNING: --unmasked: this report shows personal data in full. Do not share it.",
    nothing: "Nothing to do.",
};

const ZH: Words = Words {
    verdict: ["可以绑定", "可能受影响", "无法绑定"],
    verdict_line: [
        "未发现会阻止绑定的问题。",
        "绑定大概率可以成功，但存在一些问题。",
        "在解决下列问题之前，绑定会失败。",
    ],
    wallet: "钱包",
    profile: "配置",
    data: "数据",
    todo: "处理建议",
    inputs: "填写的信息",
    endpoints: "服务端点",
    findings: "发现的问题",
    environment: "本机环境",
    hint: "建议",
    severity: ["提示", "警告", "错误"],
    unmasked: "警告：使用了 --unmasked，本报告含完整的个人信息，请勿分享。",
    nothing: "无需处理。",
};

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1} ms"))
}

fn sev_index(s: Severity) -> usize {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

pub fn render(r: &Report, out: &mut dyn io::Write, options: Options) -> io::Result<()> {
    let w = if r.lang == Lang::ZhCn { &ZH } else { &EN };
    let p = Paint { on: options.color };
    header(r, w, &p, out)?;
    remedies(r, w, &p, out)?;
    findings(r, w, &p, out)?;
    inputs(r, w, &p, out)?;
    endpoints(r, w, &p, out)?;
    environment(r, w, &p, out)
}

/// The verdict in a word and a sentence, the wallet and profile, and the `--unmasked` warning.
fn header(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    let v = match r.verdict {
        Verdict::Ready => 0,
        Verdict::Degraded => 1,
        Verdict::Blocked => 2,
    };
    let verdict_sev = [Severity::Info, Severity::Warning, Severity::Error][v];
    writeln!(out, "{} {}", p.severity(verdict_sev, w.verdict[v]), w.verdict_line[v])?;
    writeln!(
        out,
        "{}: {} · {}: {}",
        w.wallet, r.profile.name, w.profile, r.profile.source
    )?;
    writeln!(out, "{}: {}", w.data, r.data.line(r.lang))?;
    if r.unmasked {
        writeln!(out, "{}", p.severity(Severity::Error, w.unmasked))?;
    }
    Ok(())
}

/// What to do, numbered; always printed, with "nothing to do" when there is nothing.
fn remedies(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "\n{}", p.bold(w.todo))?;
    if r.remedies.is_empty() {
        writeln!(out, "  {}", w.nothing)?;
    }
    for (i, remedy) in r.remedies.iter().enumerate() {
        writeln!(out, "  {}. {}", i + 1, remedy.text)?;
    }
    Ok(())
}

/// Each finding with its severity, code and subject, and its hint underneath.
fn findings(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    if r.findings.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", p.bold(w.findings))?;
    for f in &r.findings {
        let tag = w.severity[sev_index(f.severity)];
        writeln!(
            out,
            "  {} {}  [{}]  {}",
            p.severity(f.severity, tag),
            f.code,
            f.subject.name(),
            f.message
        )?;
        writeln!(out, "      {}: {}", w.hint, f.hint)?;
    }
    Ok(())
}

/// The fields as read (masked unless `--unmasked`), then the mail domain's MX and the app version.
fn inputs(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    if r.inputs.0.is_empty() && r.app.is_none() {
        return Ok(());
    }
    writeln!(out, "\n{}", p.bold(w.inputs))?;
    for (field, view) in &r.inputs.0 {
        let status = if !view.valid {
            w.severity[2]
        } else if view.findings.iter().any(|f| f.severity == Severity::Warning) {
            w.severity[1]
        } else {
            "ok"
        };
        let facts = view.facts(r.lang);
        let facts = if facts.is_empty() {
            String::new()
        } else {
            format!("  ({})", facts.join(", "))
        };
        writeln!(
            out,
            "  {}: [{status}] {}{facts}",
            field.label(r.lang),
            view.normalized.as_deref().unwrap_or("-")
        )?;
    }
    if let Some(m) = &r.mail {
        let verdict = serde_json::to_value(m.verdict)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        writeln!(out, "  MX {}: {verdict}", m.domain)?;
    }
    if let Some(app) = &r.app {
        let min = app.min_version.as_deref().unwrap_or("-");
        writeln!(
            out,
            "  app: {} (min {min}) [{}]",
            app.version,
            if app.ok { "ok" } else { w.severity[2] }
        )?;
    }
    Ok(())
}

/// Each endpoint's URL and status, its timings on one line, and the traced path if there is one.
fn endpoints(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    if r.endpoints.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}", p.bold(w.endpoints))?;
    for e in &r.endpoints {
        writeln!(out, "  {}  [{}]", e.url, e.status)?;
        writeln!(out, "      {}", timings(e).join(" · "))?;
        if let Some(a) = &e.app {
            writeln!(out, "      app path: {}", app_path(a))?;
        }
        if let Some(t) = e.trace.as_ref().filter(|t| !t.hops.is_empty()) {
            let hops: Vec<String> = t
                .hops
                .iter()
                .map(|h| {
                    let addr = h.addr.map_or_else(|| "*".to_owned(), |a| a.to_string());
                    format!("{} {addr} {:.0}%", h.ttl, h.summary.loss_pct)
                })
                .collect();
            writeln!(out, "      path: {}", hops.join(" → "))?;
        }
    }
    Ok(())
}

/// The application-path request in one line: `HTTP/2 200 · 42.0 ms · via http://***@proxy:3128`,
/// or where it stopped.
fn app_path(a: &crate::probe::app::AppPathResult) -> String {
    let mut parts = Vec::new();
    match (a.status_code, &a.version) {
        (Some(code), Some(v)) => parts.push(format!("{v} {code}")),
        (Some(code), None) => parts.push(format!("HTTP {code}")),
        (None, _) => {}
    }
    if a.status != crate::probe::Status::Ok {
        parts.push(match a.failed_at.map(crate::probe::app::AppStage::as_str) {
            Some(at) => format!("{} at {at}", a.status),
            None => a.status.to_string(),
        });
    }
    parts.push(ms(a.total_ms));
    parts.push(match &a.via {
        Some(proxy) => format!("via {proxy}"),
        None => "direct".to_owned(),
    });
    parts.join(" · ")
}

/// One endpoint's measurements in probe order: DNS, connect, TLS, HTTP, loss per address.
fn timings(e: &EndpointReport) -> Vec<String> {
    let mut parts = vec![format!("dns {}", ms(e.dns.time_ms))];
    if let Some(t) = e.tcp.iter().filter_map(|t| t.time_ms).min_by(f64::total_cmp) {
        parts.push(format!("connect {t:.1} ms"));
    }
    if let Some(t) = &e.tls {
        parts.push(format!("tls {}", ms(t.time_ms)));
        if let Some(days) = t.expires_in_days {
            parts.push(format!("cert {days:.0} d"));
        }
    }
    if let Some(h) = &e.http {
        if let Some(code) = h.status_code {
            // `HTTP/2 200`, as curl shows a status line.
            parts.push(match h.version {
                Some(v) => format!("{v} {code}"),
                None => format!("HTTP {code}"),
            });
        }
        parts.push(format!("ttfb {}", ms(h.ttfb_ms)));
        if let Some(skew) = h.clock_skew_s {
            parts.push(format!("skew {skew:+.0} s"));
        }
        match &h.retry_after {
            Some(http::RetryAfter::Wait { at, .. }) => parts.push(format!("retry after {at}")),
            Some(unrepresentable) => parts.push(unrepresentable.to_string()),
            None => {}
        }
    }
    for l in &e.loss {
        parts.push(format!(
            "loss {:.1}% p95 {} jitter {}",
            l.summary.loss_pct,
            ms(l.summary.p95_ms),
            ms(l.summary.jitter_ms)
        ));
    }
    parts
}

/// Proxies, the default route and its kind, free memory and disk, on one line.
fn environment(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    let Some(env) = &r.environment else {
        return Ok(());
    };
    writeln!(out, "\n{}", p.bold(w.environment))?;
    let gib = |b: u64| format!("{:.1} GiB", b as f64 / 1073741824.0);
    let proxies: Vec<String> = env.proxies.iter().map(|p| format!("{}={}", p.var, p.value)).collect();
    let mut parts = vec![format!(
        "proxy: {}",
        if proxies.is_empty() {
            "-".to_owned()
        } else {
            proxies.join(", ")
        }
    )];
    if let Some(iface) = &env.default_interface {
        let kind = match env.wireless {
            Some(true) => "wireless",
            Some(false) => "wired",
            None => "?",
        };
        parts.push(format!("route: {iface} ({kind})"));
    }
    if let Some(b) = env.memory_available_bytes {
        parts.push(format!("memory free: {}", gib(b)));
    }
    if let Some(b) = env.disk_available_bytes {
        parts.push(format!("disk free: {}", gib(b)));
    }
    writeln!(out, "  {}", parts.join(" · "))
}

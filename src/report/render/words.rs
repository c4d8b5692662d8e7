//! The words the human formats (text and Markdown) are made of, in each language, and the
//! phrases built from measurements. Codes, URLs, units and the names of data sets stay as
//! they are; everything else a reader meets is in their language, with its punctuation.

use crate::probe::{http, EndpointReport};
use crate::report::Verdict;
use crate::validate::{Lang, Severity};

pub struct Words {
    pub verdict: [&'static str; 3],
    pub verdict_line: [&'static str; 3],
    /// `": "` or `"："`.
    pub colon: &'static str,
    pub wallet: &'static str,
    pub profile: &'static str,
    pub data: &'static str,
    pub todo: &'static str,
    pub inputs: &'static str,
    pub endpoints: &'static str,
    pub findings: &'static str,
    pub environment: &'static str,
    pub path_to: &'static str,
    pub hint: &'static str,
    /// info, warning, error.
    pub severity: [&'static str; 3],
    pub ok: &'static str,
    pub unmasked: &'static str,
    pub nothing: &'static str,
    pub app: &'static str,
    pub minimum: &'static str,
    pub app_path: &'static str,
    pub path: &'static str,
    pub direct: &'static str,
    pub via: &'static str,
    pub connect: &'static str,
    pub cert_days: &'static str,
    pub ttfb: &'static str,
    pub skew: &'static str,
    pub loss: &'static str,
    pub jitter: &'static str,
    pub proxy: &'static str,
    pub none: &'static str,
    pub route: &'static str,
    pub wireless: &'static str,
    pub wired: &'static str,
    pub unknown: &'static str,
    pub memory_free: &'static str,
    pub disk_free: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    /// Markdown: the counts line, `{errors}` and `{warnings}` filled in.
    pub counts: &'static str,
    pub endpoint_columns: [&'static str; 9],
    pub hop_columns: [&'static str; 4],
    pub finding_columns: [&'static str; 5],
    pub input_columns: [&'static str; 3],
    pub more_endpoints: &'static str,
    pub more_findings: &'static str,
    pub unmasked_md: &'static str,
}

pub const EN: Words = Words {
    verdict: ["READY", "DEGRADED", "BLOCKED"],
    verdict_line: [
        "nothing found that would stop the bind.",
        "the bind will probably work, but something is off.",
        "the bind will fail until the problems below are fixed.",
    ],
    colon: ": ",
    wallet: "Wallet",
    profile: "profile",
    data: "Data",
    todo: "What to do",
    inputs: "Inputs",
    endpoints: "Endpoints",
    findings: "Findings",
    environment: "Environment",
    path_to: "Path to ",
    hint: "hint",
    severity: ["info", "warning", "error"],
    ok: "ok",
    unmasked: "WARNING: --unmasked: this report shows personal data in full. Do not share it.",
    nothing: "Nothing to do.",
    app: "app version",
    minimum: "minimum",
    app_path: "app path",
    path: "path",
    direct: "direct",
    via: "via",
    connect: "connect",
    cert_days: "cert {days} days left",
    ttfb: "first byte",
    skew: "clock skew",
    loss: "loss",
    jitter: "jitter",
    proxy: "proxy",
    none: "none",
    route: "route",
    wireless: "wireless",
    wired: "wired",
    unknown: "unknown",
    memory_free: "memory free",
    disk_free: "disk free",
    yes: "yes",
    no: "no",
    counts: "{errors} error(s), {warnings} warning(s)",
    endpoint_columns: [
        "endpoint",
        "status",
        "HTTP",
        "DNS ms",
        "connect ms",
        "TLS ms",
        "first byte ms",
        "loss %",
        "cert days",
    ],
    hop_columns: ["hop", "address", "loss %", "median ms"],
    finding_columns: ["severity", "code", "subject", "message", "hint"],
    input_columns: ["field", "valid", "value (masked)"],
    more_endpoints: "{n} more endpoints not shown.",
    more_findings: "{n} more findings not shown; see the JSON report.",
    unmasked_md: "> **Warning:** generated with `--unmasked`: personal data is shown in full.",
};

pub const ZH: Words = Words {
    verdict: ["可以绑定", "可能受影响", "无法绑定"],
    verdict_line: [
        "未发现会阻止绑定的问题。",
        "绑定大概率可以成功，但存在一些问题。",
        "在解决下列问题之前，绑定会失败。",
    ],
    colon: "：",
    wallet: "钱包",
    profile: "配置",
    data: "数据",
    todo: "处理建议",
    inputs: "填写的信息",
    endpoints: "服务端点",
    findings: "发现的问题",
    environment: "本机环境",
    path_to: "网络路径：",
    hint: "建议",
    severity: ["提示", "警告", "错误"],
    ok: "正常",
    unmasked: "警告：使用了 --unmasked，本报告含完整的个人信息，请勿分享。",
    nothing: "无需处理。",
    app: "应用版本",
    minimum: "最低",
    app_path: "应用路径",
    path: "网络路径",
    direct: "直连",
    via: "经代理",
    connect: "连接",
    cert_days: "证书剩余 {days} 天",
    ttfb: "首字节",
    skew: "时钟偏差",
    loss: "丢包",
    jitter: "抖动",
    proxy: "代理",
    none: "无",
    route: "默认路由",
    wireless: "无线",
    wired: "有线",
    unknown: "未知",
    memory_free: "可用内存",
    disk_free: "可用磁盘",
    yes: "是",
    no: "否",
    counts: "{errors} 个错误，{warnings} 个警告",
    endpoint_columns: [
        "服务端点",
        "状态",
        "HTTP",
        "DNS（毫秒）",
        "连接（毫秒）",
        "TLS（毫秒）",
        "首字节（毫秒）",
        "丢包（%）",
        "证书剩余（天）",
    ],
    hop_columns: ["跳", "地址", "丢包（%）", "中位数（毫秒）"],
    finding_columns: ["级别", "错误码", "对象", "说明", "建议"],
    input_columns: ["字段", "有效", "值（已脱敏）"],
    more_endpoints: "另有 {n} 个服务端点未列出。",
    more_findings: "另有 {n} 个问题未列出，请查看 JSON 报告。",
    unmasked_md: "> **警告：** 使用了 `--unmasked` 生成，个人信息完整显示。",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::En => &EN,
        Lang::ZhCn => &ZH,
    }
}

pub fn verdict_index(v: Verdict) -> usize {
    match v {
        Verdict::Ready => 0,
        Verdict::Degraded => 1,
        Verdict::Blocked => 2,
    }
}

pub fn severity_index(s: Severity) -> usize {
    match s {
        Severity::Info => 0,
        Severity::Warning => 1,
        Severity::Error => 2,
    }
}

/// `(a, b)` in the reader's punctuation: ` (a, b)` or `（a，b）`; empty for no items.
pub fn bracketed(items: &[String], lang: Lang) -> String {
    if items.is_empty() {
        return String::new();
    }
    match lang {
        Lang::En => format!(" ({})", items.join(", ")),
        Lang::ZhCn => format!("（{}）", items.join("，")),
    }
}

pub fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "-".to_owned(), |v| format!("{v:.1} ms"))
}

/// A `Retry-After` as the reader's sentence: the time in their zone.
pub fn retry_after(r: &http::RetryAfter, tz: &crate::report::time::TimeZone, lang: Lang) -> String {
    match (r, lang) {
        (http::RetryAfter::Wait { at, .. }, Lang::En) => {
            format!("retry after {}", crate::report::time::local(at, tz, lang))
        }
        (http::RetryAfter::Wait { at, .. }, Lang::ZhCn) => {
            // No space after a closing full-width bracket: `…（UTC+08:00）之后重试`.
            let when = crate::report::time::local(at, tz, lang);
            let gap = if when.ends_with('）') { "" } else { " " };
            format!("请在 {when}{gap}之后重试")
        }
        (http::RetryAfter::Unrepresentable, Lang::En) => "a Retry-After bindcheck cannot represent".into(),
        (http::RetryAfter::Unrepresentable, Lang::ZhCn) => "服务要求的重试时间无法表示".into(),
    }
}

/// One endpoint's measurements in probe order: DNS, connect, TLS, HTTP, loss per address.
pub fn timings(e: &EndpointReport, tz: &crate::report::time::TimeZone, lang: Lang) -> Vec<String> {
    let w = words(lang);
    let mut parts = vec![format!("DNS {}", ms(e.dns.time_ms))];
    if let Some(t) = e.tcp.iter().filter_map(|t| t.time_ms).min_by(f64::total_cmp) {
        parts.push(format!("{} {t:.1} ms", w.connect));
    }
    if let Some(t) = &e.tls {
        parts.push(format!("TLS {}", ms(t.time_ms)));
        if let Some(days) = t.expires_in_days {
            parts.push(w.cert_days.replace("{days}", &format!("{days:.0}")));
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
        parts.push(format!("{} {}", w.ttfb, ms(h.ttfb_ms)));
        if let Some(skew) = h.clock_skew_s {
            parts.push(format!("{} {skew:+.0} s", w.skew));
        }
        if let Some(r) = &h.retry_after {
            parts.push(retry_after(r, tz, lang));
        }
    }
    let sep = match lang {
        Lang::En => ", ",
        Lang::ZhCn => "，",
    };
    for l in &e.loss {
        parts.push(format!(
            "{} {:.1}%{sep}p95 {}{sep}{} {}",
            w.loss,
            l.summary.loss_pct,
            ms(l.summary.p95_ms),
            w.jitter,
            ms(l.summary.jitter_ms)
        ));
    }
    parts
}

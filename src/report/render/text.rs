//! The human report: the verdict first, then what to do, then inputs, endpoints and the
//! environment. Colour only when asked (a terminal without NO_COLOR); the meaning is always
//! in words too.

use std::io;

use super::paint::Paint;
use super::words::{bracketed, ms, severity_index, timings, verdict_index, words, Words};
use super::Options;
use crate::report::Report;
use crate::validate::{Lang, Severity};

pub fn render(r: &Report, out: &mut dyn io::Write, options: Options) -> io::Result<()> {
    let w = words(r.lang);
    let p = Paint::new(options.color);
    header(r, w, &p, out)?;
    remedies(r, w, &p, out)?;
    findings(r, w, &p, out)?;
    inputs(r, w, &p, out)?;
    endpoints(r, w, &p, out)?;
    environment(r, w, &p, out)
}

/// The verdict in a word and a sentence, the wallet and profile, and the `--unmasked` warning.
fn header(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    let v = verdict_index(r.verdict);
    let verdict_sev = [Severity::Info, Severity::Warning, Severity::Error][v];
    let c = w.colon;
    writeln!(out, "{}{c}{}", p.severity(verdict_sev, w.verdict[v]), w.verdict_line[v])?;
    writeln!(
        out,
        "{}{c}{} · {}{c}{}",
        w.wallet,
        r.profile.name_in(r.lang),
        w.profile,
        r.profile.source_in(r.lang)
    )?;
    writeln!(out, "{}{c}{}", w.data, r.data.line(r.lang))?;
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
        let tag = w.severity[severity_index(f.severity)];
        writeln!(
            out,
            "  {} {}  [{}]  {}",
            p.severity(f.severity, tag),
            f.code,
            f.subject.label(r.lang),
            f.message
        )?;
        writeln!(out, "      {}{}{}", w.hint, w.colon, f.hint)?;
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
            w.ok
        };
        writeln!(
            out,
            "  {}{}[{status}] {}{}",
            field.label(r.lang),
            w.colon,
            view.normalized.as_deref().unwrap_or("-"),
            bracketed(&view.facts(r.lang), r.lang)
        )?;
    }
    if let Some(m) = &r.mail {
        writeln!(
            out,
            "  {}{}{}",
            crate::report::Subject::Mail(m.domain.clone()).label(r.lang),
            w.colon,
            m.verdict.label(r.lang)
        )?;
        // The resolver's words are English: a Chinese reader has the verdict's, and the
        // JSON keeps them (`mail.error`).
        if let (Some(e), Lang::En) = (&m.error, r.lang) {
            writeln!(out, "      {e}")?;
        }
    }
    if let Some(app) = &r.app {
        let min = app.min_version.as_deref().unwrap_or("-");
        writeln!(
            out,
            "  {}{}[{}] {}{}",
            w.app,
            w.colon,
            if app.ok { w.ok } else { w.severity[2] },
            app.version,
            bracketed(&[format!("{} {min}", w.minimum)], r.lang)
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
        writeln!(out, "  {}  [{}]", e.url, e.status.label(r.lang))?;
        writeln!(out, "      {}", timings(e, &r.time_zone, r.lang).join(" · "))?;
        if let Some(a) = &e.app {
            writeln!(out, "      {}{}{}", w.app_path, w.colon, app_path(a, w, r.lang))?;
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
            writeln!(out, "      {}{}{}", w.path, w.colon, hops.join(" → "))?;
        }
    }
    Ok(())
}

/// The application-path request in one line: `HTTP/2 200 · 42.0 ms · via http://***@proxy:3128`,
/// or where it stopped.
fn app_path(a: &crate::probe::app::AppPathResult, w: &Words, lang: Lang) -> String {
    let mut parts = Vec::new();
    match (a.status_code, &a.version) {
        (Some(code), Some(v)) => parts.push(format!("{v} {code}")),
        (Some(code), None) => parts.push(format!("HTTP {code}")),
        (None, _) => {}
    }
    if a.status != crate::probe::Status::Ok {
        let status = a.status.label(lang);
        parts.push(match a.failed_at {
            Some(at) => format!("{status}{}", bracketed(&[at.label(lang).to_owned()], lang)),
            None => status.to_owned(),
        });
    }
    parts.push(ms(a.total_ms));
    parts.push(match &a.via {
        Some(proxy) => format!("{} {proxy}", w.via),
        None => w.direct.to_owned(),
    });
    parts.join(" · ")
}

/// Proxies, the default route and its kind, free memory and disk, on one line.
fn environment(r: &Report, w: &Words, p: &Paint, out: &mut dyn io::Write) -> io::Result<()> {
    let Some(env) = &r.environment else {
        return Ok(());
    };
    writeln!(out, "\n{}", p.bold(w.environment))?;
    let gib = |b: u64| format!("{:.1} GiB", b as f64 / 1073741824.0);
    let c = w.colon;
    let proxies: Vec<String> = env.proxies.iter().map(|p| format!("{}={}", p.var, p.value)).collect();
    let mut parts = vec![format!(
        "{}{c}{}",
        w.proxy,
        if proxies.is_empty() {
            w.none.to_owned()
        } else {
            proxies.join(", ")
        }
    )];
    if let Some(iface) = &env.default_interface {
        let kind = match env.wireless {
            Some(true) => w.wireless,
            Some(false) => w.wired,
            None => w.unknown,
        };
        parts.push(format!(
            "{}{c}{iface}{}",
            w.route,
            bracketed(&[kind.to_owned()], r.lang)
        ));
    }
    if let Some(b) = env.memory_available_bytes {
        parts.push(format!("{}{c}{}", w.memory_free, gib(b)));
    }
    if let Some(b) = env.disk_available_bytes {
        parts.push(format!("{}{c}{}", w.disk_free, gib(b)));
    }
    writeln!(out, "  {}", parts.join(" · "))
}

//! Rendering one set of validated inputs as text or JSON.

use std::io::{self, Write};

use super::term::Paint;
use bindcheck::report::render::words::{bracketed, words};
use bindcheck::validate::{Inputs, Lang, Record, Severity, Validation};

/// Writes the JSON document for one input set.
pub fn json(out: &mut impl Write, v: &Validation, inputs: &Inputs, lang: Lang, unmasked: bool) -> io::Result<()> {
    let views = v.views(inputs, lang, unmasked);
    let record = Record {
        row: None,
        ok: v.ok(),
        fields: &views,
    };
    serde_json::to_writer_pretty(&mut *out, &record)?;
    writeln!(out)
}

fn tag(severity: Severity, lang: Lang) -> &'static str {
    match (lang, severity) {
        (Lang::En, Severity::Error) => "error",
        (Lang::En, Severity::Warning) => "warning",
        (Lang::En, Severity::Info) => "info",
        (Lang::ZhCn, Severity::Error) => "错误",
        (Lang::ZhCn, Severity::Warning) => "警告",
        (Lang::ZhCn, Severity::Info) => "提示",
    }
}

/// Writes the human report: a verdict line, then each field with its findings and hints.
/// Meaning never depends on colour: every line says `ok`, `error` or `warning` in words.
pub fn text(
    out: &mut impl Write,
    v: &Validation,
    inputs: &Inputs,
    lang: Lang,
    unmasked: bool,
    paint: Paint,
) -> io::Result<()> {
    let views = v.views(inputs, lang, unmasked).0;
    let findings = v.findings();
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.iter().filter(|f| f.severity == Severity::Warning).count();
    let headline = match (lang, errors, warnings) {
        (Lang::En, 0, 0) => "All inputs look valid.".to_owned(),
        (Lang::En, 0, 1) => "All inputs are usable, with 1 warning.".to_owned(),
        (Lang::En, 0, w) => format!("All inputs are usable, with {w} warnings."),
        (Lang::En, e, w) => format!(
            "{e} {} to fix before binding, {w} {}.",
            if e == 1 { "problem" } else { "problems" },
            if w == 1 { "warning" } else { "warnings" }
        ),
        (Lang::ZhCn, 0, 0) => "所有信息看起来都有效。".to_owned(),
        (Lang::ZhCn, 0, w) => format!("所有信息均可使用，有 {w} 条警告。"),
        (Lang::ZhCn, e, w) => format!("绑定前需要修正 {e} 个问题，另有 {w} 条警告。"),
    };
    writeln!(out, "{headline}")?;
    writeln!(out)?;
    let width = views
        .iter()
        .map(|(f, _)| display_width(f.label(lang)))
        .max()
        .unwrap_or(0);
    for (field, view) in &views {
        let (status, severity) = if !view.valid {
            (tag(Severity::Error, lang), Some(Severity::Error))
        } else if view.findings.iter().any(|f| f.severity == Severity::Warning) {
            (tag(Severity::Warning, lang), Some(Severity::Warning))
        } else {
            (words(lang).ok, None)
        };
        let label = field.label(lang);
        let pad = " ".repeat(width - display_width(label));
        let status = format!("[{status}]");
        let status_pad = " ".repeat(10usize.saturating_sub(display_width(&status)));
        let status = match severity {
            Some(s) => paint.severity(s, &status),
            None => paint.ok(&status),
        };
        let mut line = format!(
            "  {label}{pad}  {status}{status_pad}{}",
            view.normalized.as_deref().unwrap_or("-")
        );
        line.push_str(&bracketed(&view.facts(lang), lang));
        writeln!(out, "{line}")?;
        let w = words(lang);
        for f in &view.findings {
            writeln!(
                out,
                "      {} {}{}{}",
                paint.severity(f.severity, tag(f.severity, lang)),
                f.code,
                w.colon,
                f.message
            )?;
            writeln!(out, "      {}{}{}", w.hint, w.colon, f.hint)?;
        }
    }
    Ok(())
}

fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

//! `bindcheck explain CODE|TEXT`: what a finding code or a wallet's error prompt means, and
//! what to do.

use clap::Args;
use std::io::{self, Write};

use super::{resolve_lang, Outcome};
use bindcheck::report::explain::{find, Match, PROMPTS};
use bindcheck::report::remedy::{describe, kind_for};
use bindcheck::report::render::words::{bracketed, severity_index, words};
use bindcheck::validate::{Code, Lang};

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck explain card.luhn\n  \
bindcheck explain 系统繁忙\n  \
bindcheck explain \"card not supported\" --lang zh-CN\n  \
bindcheck explain                (lists every code and prompt)\n\n\
Exit codes: 0 found, 2 nothing matched, 64 usage error, 65 unreadable input, 74 unwritable output, 78 bad profile or configuration\n(one table for every command: docs/guide.md).")]
pub struct ExplainArgs {
    /// A finding code (card.luhn) or the text a wallet showed (绑定失败, "System busy").
    #[arg(value_name = "CODE|TEXT", num_args = 0..)]
    query: Vec<String>,
    /// Language: en or zh-CN (default: from LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<Lang>,
}

/// A message or hint as a template: a bracketed detail (the address, the time) is left out,
/// and a detail inside the sentence is named in words.
fn template(text: &str, lang: Lang) -> String {
    let named = match lang {
        Lang::En => "‹detail›",
        Lang::ZhCn => "‹具体内容›",
    };
    text.replace(" ({detail})", "")
        .replace("（{detail}）", "")
        .replace("{detail}", named)
}

fn code(out: &mut impl Write, code: Code, lang: Lang) -> io::Result<()> {
    let w = words(lang);
    let severity = w.severity[severity_index(code.severity())];
    writeln!(out, "{code}{}", bracketed(&[severity.to_owned()], lang))?;
    writeln!(out, "  {}", template(code.message(lang), lang))?;
    let (hint, first) = match lang {
        Lang::ZhCn => ("建议", "报告中的处理步骤"),
        Lang::En => ("what to do", "the report's step"),
    };
    writeln!(out, "  {hint}{}{}", w.colon, template(code.hint(lang), lang))?;
    if let Some(kind) = kind_for(code, code.severity()) {
        writeln!(out, "  {first}{}{}", w.colon, describe(kind, lang))?;
    }
    Ok(())
}

pub fn run(args: ExplainArgs) -> anyhow::Result<Outcome> {
    let lang = resolve_lang(args.lang);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let outcome = explain(&mut out, &args.query, lang)
        .and_then(|outcome| out.flush().map(|()| outcome))
        .map_err(super::write_failed(("cannot write the explanation", "无法写出说明")))?;
    Ok(outcome)
}

/// Writes what `query` (nothing: everything) matches.
fn explain(out: &mut impl Write, query: &[String], lang: Lang) -> io::Result<Outcome> {
    if query.is_empty() {
        for p in PROMPTS {
            writeln!(out, "{}", p.all_texts().collect::<Vec<_>>().join(" / "))?;
        }
        writeln!(out)?;
        for &c in Code::ALL {
            writeln!(out, "{c}")?;
        }
        return Ok(Outcome::Valid);
    }
    let query = query.join(" ");
    let matches = find(&query);
    if matches.is_empty() {
        let (msg, hint) = match lang {
            Lang::ZhCn => (
                "没有找到匹配的错误码或提示。",
                "不带参数运行 `bindcheck explain` 可列出全部。",
            ),
            Lang::En => (
                "Nothing matches.",
                "run `bindcheck explain` with no argument to list everything.",
            ),
        };
        writeln!(out, "{msg}\n{}{}{hint}", words(lang).hint, words(lang).colon)?;
        return Ok(Outcome::Invalid);
    }
    for (i, m) in matches.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        match m {
            Match::Code(c) => code(out, *c, lang)?,
            Match::Prompt(p) => {
                let (causes, steps, codes) = match lang {
                    Lang::ZhCn => ("常见原因", "处理方法", "bindcheck 可提前发现"),
                    Lang::En => ("Likely causes", "What to do", "bindcheck finds it as"),
                };
                let c = words(lang).colon;
                writeln!(out, "{}", p.texts(lang).join(" / "))?;
                writeln!(out, "  {causes}{c}{}", p.causes(lang))?;
                writeln!(out, "  {steps}{c}{}", p.steps(lang))?;
                let list: Vec<&str> = p.codes.iter().map(|c| c.as_str()).collect();
                writeln!(out, "  {codes}{c}{}", list.join(", "))?;
            }
        }
    }
    Ok(Outcome::Valid)
}

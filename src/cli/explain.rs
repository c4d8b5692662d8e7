//! `bindcheck explain CODE|TEXT`: what a finding code or a wallet's error prompt means, and
//! what to do.

use clap::Args;
use std::io::{self, Write};

use super::{resolve_lang, Outcome};
use bindcheck::report::explain::{find, Match, PROMPTS};
use bindcheck::report::remedy::kind_for;
use bindcheck::validate::{Code, Lang};

#[derive(Debug, Args)]
#[command(after_long_help = "Examples:\n  \
bindcheck explain card.luhn\n  \
bindcheck explain 系统繁忙\n  \
bindcheck explain \"card not supported\" --lang zh-CN\n  \
bindcheck explain                (lists every code and prompt)\n\n\
Exit codes: 0 found, 1 nothing matched.")]
pub struct ExplainArgs {
    /// A finding code (card.luhn) or the text a wallet showed (绑定失败, "System busy").
    #[arg(value_name = "CODE|TEXT", num_args = 0..)]
    query: Vec<String>,
    /// Language: en or zh-CN (default: from LANG).
    #[arg(long, value_name = "LANG")]
    lang: Option<Lang>,
}

fn code(out: &mut impl Write, code: Code, lang: Lang) -> io::Result<()> {
    writeln!(out, "{code} ({})", code.severity())?;
    writeln!(out, "  {}", code.message(lang).replace("{detail}", "…"))?;
    let hint = if lang == Lang::ZhCn { "建议" } else { "what to do" };
    writeln!(out, "  {hint}: {}", code.hint(lang).replace("{detail}", "…"))?;
    if let Some(kind) = kind_for(code, code.severity()) {
        let kind = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        writeln!(out, "  remedy: {kind}")?;
    }
    Ok(())
}

pub fn run(args: ExplainArgs) -> anyhow::Result<Outcome> {
    let lang = resolve_lang(args.lang);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    if args.query.is_empty() {
        for p in PROMPTS {
            writeln!(out, "{}", p.texts.join(" / "))?;
        }
        writeln!(out)?;
        for &c in Code::ALL {
            writeln!(out, "{c}")?;
        }
        out.flush()?;
        return Ok(Outcome::Valid);
    }
    let query = args.query.join(" ");
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
        writeln!(out, "{msg}\nhint: {hint}")?;
        out.flush()?;
        return Ok(Outcome::Invalid);
    }
    for (i, m) in matches.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        match m {
            Match::Code(c) => code(&mut out, *c, lang)?,
            Match::Prompt(p) => {
                let (causes, steps, codes) = match lang {
                    Lang::ZhCn => ("常见原因", "处理方法", "bindcheck 可提前发现"),
                    Lang::En => ("Likely causes", "What to do", "bindcheck finds it as"),
                };
                writeln!(out, "{}", p.texts.join(" / "))?;
                writeln!(out, "  {causes}: {}", p.causes(lang))?;
                writeln!(out, "  {steps}: {}", p.steps(lang))?;
                let list: Vec<&str> = p.codes.iter().map(|c| c.as_str()).collect();
                writeln!(out, "  {codes}: {}", list.join(", "))?;
            }
        }
    }
    out.flush()?;
    Ok(Outcome::Valid)
}

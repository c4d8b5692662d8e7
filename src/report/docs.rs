//! Documentation generated from the code, so that it cannot drift: docs/codes.md is this
//! module's output, and a test fails when the committed file differs.

use std::fmt::Write;

use crate::validate::{Code, Lang};

/// The finding-code catalog as Markdown, English and Chinese.
pub fn codes_markdown() -> String {
    let mut out = String::new();
    out.push_str("# Finding codes\n\n");
    out.push_str(
        "Every finding bindcheck reports has one of these stable codes. Codes are a public interface:\n\
         new ones may be added, but a code is never renamed or removed without a major version and a\n\
         CHANGELOG entry. `{detail}` stands for a value filled in at run time (a brand, a region, a\n\
         suggested domain, the expected length), never for personal data.\n\n\
         This file is generated from `src/validate/catalog.rs`; run\n\
         `BINDCHECK_BLESS=1 cargo test --test it docs` after changing the catalog.\n",
    );
    let mut area = "";
    for &code in Code::ALL {
        let this_area = code.as_str().split('.').next().unwrap_or_default();
        if this_area != area {
            area = this_area;
            let title = match area {
                "phone" => "Phone",
                "email" => "Email",
                "card" => "Bank card",
                "expiry" => "Card expiry date",
                "cvv" => "Card security code",
                "id" => "Resident ID number",
                "name" => "Cardholder name",
                "app" => "App version",
                "mail" => "Email deliverability",
                "net" => "Network and service",
                "env" => "Local environment",
                other => other,
            };
            let _ = write!(
                out,
                "\n## {title}\n\n| code | severity | message | what to do |\n|---|---|---|---|\n"
            );
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {}<br>{} | {}<br>{} |",
            code,
            code.severity(),
            cell(code.message(Lang::En)),
            cell(code.message(Lang::ZhCn)),
            cell(code.hint(Lang::En)),
            cell(code.hint(Lang::ZhCn)),
        );
    }
    out.push_str(
        "\n## Wallet error prompts\n\nWhat the messages wallets show usually mean, and the codes that find the cause \
         before a bind attempt (`bindcheck explain TEXT` matches them loosely).\n\n\
         | prompt | likely causes | what to do | codes |\n|---|---|---|---|\n",
    );
    for p in crate::report::explain::PROMPTS {
        let codes: Vec<String> = p.codes.iter().map(|c| format!("`{c}`")).collect();
        let _ = writeln!(
            out,
            "| {} | {}<br>{} | {}<br>{} | {} |",
            cell(&p.texts.join(" / ")),
            cell(p.causes(Lang::En)),
            cell(p.causes(Lang::ZhCn)),
            cell(p.steps(Lang::En)),
            cell(p.steps(Lang::ZhCn)),
            codes.join(" ")
        );
    }
    out
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|")
}

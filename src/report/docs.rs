//! Documentation generated from the code, so that it cannot drift: docs/codes.md and the
//! JSON Schemas of every JSON output (docs/*.schema.json) are this module's output, and a
//! test fails when a committed file differs.

use std::fmt::Write;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};

use crate::probe::trace::TraceResult;
use crate::probe::EndpointReport;
use crate::validate::{Code, Lang, Record};

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
            cell(&p.all_texts().collect::<Vec<_>>().join(" / ")),
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

/// Where the schemas' `$id`s live: `https://bindcheck.dev/schema/NAME-vVERSION.json`.
pub const SCHEMA_BASE: &str = "https://bindcheck.dev/schema/";

/// One JSON output and its schema, as docs/ keeps it.
#[derive(Clone, Debug)]
pub struct OutputSchema {
    /// The file under docs/: `validate.schema.json`.
    pub file: &'static str,
    /// The output it describes, as docs/report.md's table names it.
    pub output: &'static str,
    /// The JSON Schema (2020-12), with its `$id` and title.
    pub schema: serde_json::Value,
}

/// How every schema is generated: JSON Schema 2020-12, describing what bindcheck writes
/// (serde's serialize side: a field always written is required, one skipped when empty is
/// not).
pub fn schema_settings() -> SchemaSettings {
    SchemaSettings::draft2020_12().for_serialize()
}

/// The schema of `T` as a document of its own, with an `$id`
/// (`https://bindcheck.dev/schema/NAME-vVERSION.json`) and a title that names the version.
pub fn output_schema<T: JsonSchema>(name: &str, title: &str, version: u32) -> serde_json::Value {
    let mut schema = SchemaGenerator::new(schema_settings())
        .into_root_schema_for::<T>()
        .to_value();
    if let Some(obj) = schema.as_object_mut() {
        obj.insert("$id".into(), format!("{SCHEMA_BASE}{name}-v{version}.json").into());
        obj.insert("title".into(), title.into());
    }
    schema
}

/// The schemas of the JSON outputs of `validate`, `probe`, `trace` and `check` (the HTTP
/// API's own are `crate::serve::openapi`'s), in the order docs/report.md lists them.
pub fn output_schemas() -> Vec<OutputSchema> {
    vec![
        OutputSchema {
            file: "validate.schema.json",
            output: "`bindcheck validate --format json` (one set of inputs), and `serve`'s `POST /v1/validate` answer",
            schema: output_schema::<Record>(
                "validate",
                "bindcheck validate: the result of one set of inputs",
                VALIDATE_VERSION,
            ),
        },
        OutputSchema {
            file: "validate-row.schema.json",
            output: "one line of `bindcheck validate --input FILE` (JSON Lines): a checked row, or a row that could not be checked",
            schema: output_schema::<BatchLine>(
                "validate-row",
                "bindcheck validate --input: one line of the JSON Lines output",
                VALIDATE_VERSION,
            ),
        },
        OutputSchema {
            file: "probe.schema.json",
            output: "`bindcheck probe --format json`",
            schema: output_schema::<ProbeDocument>(
                "probe",
                &format!("bindcheck probe, schema_version {PROBE_SCHEMA_VERSION}"),
                PROBE_SCHEMA_VERSION,
            ),
        },
        OutputSchema {
            file: "trace.schema.json",
            output: "`bindcheck trace --format json`",
            schema: output_schema::<TraceDocument>(
                "trace",
                &format!("bindcheck trace, schema_version {TRACE_SCHEMA_VERSION}"),
                TRACE_SCHEMA_VERSION,
            ),
        },
        OutputSchema {
            file: "report.schema.json",
            output: "`bindcheck check --format json`",
            schema: super::Report::json_schema(),
        },
    ]
}

/// The version of the `validate` record. The record has no `schema_version` of its own (it
/// is written once per row of a batch, where the field would be noise): its version is the
/// one in its schema's `$id`, and a record that changes incompatibly will carry
/// `schema_version: 2`.
pub const VALIDATE_VERSION: u32 = 1;

/// The version of the `bindcheck probe --format json` document (docs/probe.md).
pub const PROBE_SCHEMA_VERSION: u32 = 1;

/// The version of the `bindcheck trace --format json` document (docs/trace.md).
pub const TRACE_SCHEMA_VERSION: u32 = 1;

/// One line of `bindcheck validate --input` output: a checked row (the record of
/// `bindcheck validate --format json`, with `row`), or a row that could not be checked.
struct BatchLine;

impl JsonSchema for BatchLine {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "BatchLine".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> schemars::Schema {
        let record = generator.subschema_for::<Record>().to_value();
        let failed = generator.subschema_for::<FailedRow>();
        let mut checked = record;
        if let Some(obj) = checked.as_object_mut() {
            obj.insert("required".into(), serde_json::json!(["row"]));
        }
        schemars::json_schema!({
            "description": "A checked row (the record of `bindcheck validate --format json`, with `row`), or a row that could not be checked.",
            "oneOf": [checked, failed]
        })
    }
}

/// A row that could not be checked (written by src/cli/batch.rs): its position, where it
/// starts, and why, in words that never repeat a value.
#[derive(JsonSchema)]
#[allow(dead_code)] // the schema only
struct FailedRow {
    /// The row's number, from 1 (the CSV header is not a row).
    row: u64,
    /// The line of the file the row starts on, from 1.
    line: u64,
    /// Always `false`.
    #[schemars(extend("const" = false))]
    ok: bool,
    /// What is wrong with the row: a malformed row, an unknown key or region.
    error: String,
}

/// `bindcheck probe --format json`.
#[derive(JsonSchema)]
#[allow(dead_code)] // the schema only: the document is written by the command line
struct ProbeDocument {
    #[schemars(extend("const" = PROBE_SCHEMA_VERSION))]
    schema_version: u32,
    /// One report per URL, in the order given.
    endpoints: Vec<EndpointReport>,
}

/// `bindcheck trace --format json`.
#[derive(JsonSchema)]
#[allow(dead_code)] // the schema only: the document is written by the command line
struct TraceDocument {
    #[schemars(extend("const" = TRACE_SCHEMA_VERSION))]
    schema_version: u32,
    /// One trace per address traced: one address of each family the name has.
    traces: Vec<TraceResult>,
}

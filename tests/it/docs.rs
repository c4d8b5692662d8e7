//! Generated documentation stays in sync with the code.

use std::path::Path;

#[test]
fn codes_md_lists_every_finding_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md");
    let want = bindcheck::report::docs::codes_markdown();
    if std::env::var_os("BINDCHECK_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/codes.md is out of date: run `BINDCHECK_BLESS=1 cargo test --test it docs`"
    );
    for code in bindcheck::validate::Code::ALL {
        assert!(have.contains(&format!("`{code}`")));
    }
}

#[test]
fn report_schema_is_generated_from_the_types() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.schema.json");
    let want = serde_json::to_string_pretty(&bindcheck::report::Report::json_schema()).unwrap() + "\n";
    if std::env::var_os("BINDCHECK_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/report.schema.json is out of date: run `BINDCHECK_BLESS=1 cargo test --test it docs`"
    );
    // It is a valid JSON Schema.
    let schema: serde_json::Value = serde_json::from_str(&have).unwrap();
    jsonschema::validator_for(&schema).expect("a valid schema");
}

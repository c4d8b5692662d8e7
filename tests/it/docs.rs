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

/// Writes `want` to docs/`file` under `BINDCHECK_BLESS`, and fails when the committed file
/// differs; returns the committed text.
fn generated(file: &str, want: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join(file);
    if std::env::var_os("BINDCHECK_BLESS").is_some() {
        std::fs::write(&path, want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "docs/{file} is out of date: run `BINDCHECK_BLESS=1 cargo test --all-features --test it docs`"
    );
    have
}

/// Every JSON output's schema, and the HTTP API's.
pub fn all_schemas() -> Vec<bindcheck::report::docs::OutputSchema> {
    let mut all = bindcheck::report::docs::output_schemas();
    all.extend(bindcheck::serve::openapi::output_schemas());
    all
}

#[test]
fn every_json_output_has_a_schema_generated_from_the_types() {
    let schemas = all_schemas();
    let table = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.md")).unwrap();
    let mut ids = std::collections::HashSet::new();
    for s in &schemas {
        let want = serde_json::to_string_pretty(&s.schema).unwrap() + "\n";
        let have = generated(s.file, &want);
        // A valid JSON Schema, with an id of its own and a title.
        let schema: serde_json::Value = serde_json::from_str(&have).unwrap();
        jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("{}: {e}", s.file));
        let id = schema["$id"].as_str().unwrap();
        assert!(
            id.starts_with("https://bindcheck.dev/schema/") && ids.insert(id.to_owned()),
            "{id}"
        );
        assert!(schema["title"].as_str().is_some_and(|t| !t.is_empty()), "{}", s.file);
        // A versioned document says which version it is.
        if let Some(version) = schema["properties"].get("schema_version") {
            let title = schema["title"].as_str().unwrap();
            assert!(
                title.ends_with(&format!("schema_version {}", version["const"])),
                "{title}"
            );
        }
        // docs/report.md lists it.
        assert!(
            table.contains(&format!("]({})", s.file)),
            "docs/report.md's table of schemas does not link {}",
            s.file
        );
    }
}

#[test]
fn the_openapi_document_is_generated_from_the_types() {
    let want = serde_json::to_string_pretty(&bindcheck::serve::openapi::document()).unwrap() + "\n";
    let have = generated("openapi.json", &want);
    let doc: serde_json::Value = serde_json::from_str(&have).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    // The answers' schemas are the same as the outputs' own.
    let record = &doc["components"]["schemas"]["Record"];
    let validate = bindcheck::report::docs::output_schemas()
        .into_iter()
        .find(|s| s.file == "validate.schema.json")
        .unwrap()
        .schema;
    let as_component = validate["properties"]
        .to_string()
        .replace("#/$defs/", "#/components/schemas/");
    assert_eq!(record["properties"].to_string(), as_component);
    assert_eq!(
        doc["paths"]["/v1/validate"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Record"
    );
}

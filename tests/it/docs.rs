//! Generated documentation stays in sync with the code.

use std::path::Path;

#[test]
fn codes_md_lists_every_finding_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/codes.md");
    let want = bindcheck::cli::docs::codes_markdown();
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

#![no_main]

mod common;

use bindcheck::validate::{validate_id_number, validate_name, Field};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };

    let id = validate_id_number(input, common::today());
    common::check_findings(&id.findings, Field::IdNumber);
    common::check_valid(id.valid, &id.findings, "id_number");
    let masked = id.masked();
    common::check_masked(input, &masked, "id_number");
    if let Some(n) = id.number() {
        assert_eq!(n.as_str().len(), 18);
        assert_eq!(n.masked(), masked);
        assert_ne!(n.masked(), n.as_str(), "masked ID equals the ID");
        let _ = format!("{n:?}");
    }
    if id.valid {
        assert!(id.number().is_some() && id.province.is_some());
    }

    let name = validate_name(input);
    common::check_findings(&name.findings, Field::Name);
    common::check_valid(name.valid, &name.findings, "name");
    let masked = name.masked();
    assert_eq!(masked.chars().count(), name.normalized().chars().count());
    common::check_masked(input, &masked, "name");
});

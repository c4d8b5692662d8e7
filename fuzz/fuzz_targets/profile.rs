#![no_main]

//! `Profile::parse` on any text: no panic; an error points inside the text and says what to
//! do; a profile that parses has a name, endpoints its ids reach, and a policy the
//! validators can apply.

mod common;

use bindcheck::profile::Profile;
use bindcheck::validate::{validate, Inputs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // A `bin_table` is a file the parser reads; a fuzzed path could name /dev/zero. The same
    // TOML parser decides whether the key is there, escapes and all.
    if let Ok(table) = toml::from_str::<toml::Table>(text) {
        if table.get("policy").and_then(|p| p.get("bin_table")).is_some() {
            return;
        }
    }
    match Profile::parse(text, "fuzz.toml", None) {
        Ok(profile) => {
            assert!(!profile.name.trim().is_empty(), "a profile without a name");
            assert_eq!(profile.endpoint_ids().count(), profile.endpoints.len());
            for id in profile.endpoint_ids() {
                let endpoint = profile.endpoint(id);
                assert_eq!(profile.endpoint_named(&endpoint.name), Some(id), "names are unique");
            }
            let inputs = Inputs {
                phone: Some("138 0013 8000".into()),
                email: Some("zhang@qq.com".into()),
                card: Some("6222021234567890128".into()),
                ..Inputs::default()
            };
            let _ = validate(&inputs, &profile.policy, common::today());
        }
        Err(e) => {
            let (line, column) = e.position().expect("a parse error is in the text");
            assert!(line >= 1 && column >= 1, "{line}:{column}");
            assert!(line <= text.split('\n').count(), "line {line} past the end");
            assert!(!e.message.trim().is_empty() && !e.hint.trim().is_empty());
            let shown = e.to_string();
            assert!(shown.starts_with("fuzz.toml:"), "{shown}");
            assert!(shown.contains("\nhint: "), "{shown}");
        }
    }
});

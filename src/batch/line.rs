//! The JSON line of a checked row, written straight into a buffer from the borrowed views:
//! byte for byte what serde_json writes for a [`Record`](crate::validate::Record) of the
//! row's [`FieldViews`](crate::validate::FieldViews) (the property test below holds it to
//! that).
//!
//! Hand-written because of how serde_json writes a string: a byte at a time through its
//! escape table, which was the largest single cost of a phone row (14% of its
//! instructions, callgrind, a message and a hint per finding). Here a string without a
//! character JSON escapes, which is nearly every one (the catalog's texts, codes, masked
//! values), is found so by one pass the compiler vectorizes and copied whole; any other
//! string, and every value with a structure of its own (a carrier, an issuer, brands), is
//! serde_json's own. A finding, the same in every row that has it, is written once per
//! thread and copied after.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::validate::{Code, Field, FieldViewRef, FieldViewsRef, Finding, Lang, Severity};

/// Appends the JSON of a checked row, `{"row":..,"ok":..,"fields":{..}}`, to `out`, as
/// serde_json writes a [`Record`](crate::validate::Record) with `row`; no line end.
pub fn write_record(out: &mut Vec<u8>, row: u64, ok: bool, fields: &FieldViewsRef<'_>) {
    out.extend_from_slice(b"{\"row\":");
    serde(out, &row);
    out.extend_from_slice(if ok {
        b",\"ok\":true,\"fields\":{"
    } else {
        b",\"ok\":false,\"fields\":{"
    });
    for (i, (field, view)) in fields.views().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        string(out, field.as_str());
        out.push(b':');
        write_view(out, &view, fields.lang());
    }
    out.extend_from_slice(b"}}");
}

/// A [`FieldView`](crate::validate::FieldView)'s JSON: its fields in order, the optional
/// ones left out when absent, as its `skip_serializing_if`s say.
fn write_view(out: &mut Vec<u8>, v: &FieldViewRef<'_>, lang: Lang) {
    out.extend_from_slice(b"{\"valid\":");
    boolean(out, v.valid);
    if let Some(possible) = v.possible {
        key(out, "possible");
        boolean(out, possible);
    }
    if let Some(potentially_valid) = v.potentially_valid {
        key(out, "potentially_valid");
        boolean(out, potentially_valid);
    }
    key(out, "normalized");
    match &v.normalized {
        Some(normalized) => string(out, normalized),
        None => out.extend_from_slice(b"null"),
    }
    if let Some(region) = v.region {
        key(out, "region");
        string(out, region);
    }
    if let Some(number_type) = v.number_type {
        key(out, "number_type");
        string(out, number_type.as_str());
    }
    if let Some(carrier) = v.carrier {
        key(out, "carrier");
        serde(out, carrier);
    }
    if let Some(luhn) = v.luhn {
        key(out, "luhn");
        boolean(out, luhn);
    }
    if let Some(brand) = &v.brand {
        key(out, "brand");
        serde(out, brand);
    }
    if !v.co_brands.is_empty() {
        key(out, "co_brands");
        serde(out, v.co_brands);
    }
    if !v.candidates.is_empty() {
        key(out, "candidates");
        serde(out, v.candidates);
    }
    if let Some(issuer) = v.issuer {
        key(out, "issuer");
        serde(out, issuer);
    }
    if let Some(domain) = v.domain_unicode {
        key(out, "domain_unicode");
        string(out, domain);
    }
    if let Some(suggestion) = v.suggestion {
        key(out, "suggestion");
        string(out, suggestion);
    }
    key(out, "findings");
    out.push(b'[');
    for (i, finding) in v.findings.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        FINDINGS.with_borrow_mut(|written| written.write(out, finding, lang));
    }
    out.extend_from_slice(b"]}");
}

thread_local! {
    static FINDINGS: RefCell<Written> = RefCell::new(Written::default());
}

/// The JSON of the findings written so far on this thread, by what it is made of: the same
/// for every row that has the finding, and filling its texts (a search for `{detail}` in the
/// message and in the hint, a copy with the detail) cost more than the rest of the row's
/// line. Bounded: the catalog's codes, three severities, seven fields and two languages,
/// and at most `MAX_WRITTEN` details (a region, a length, a suggested domain).
#[derive(Default)]
struct Written {
    /// By what the finding is made of but its detail; then by the detail in that language
    /// (empty without one).
    json: HashMap<Kind, HashMap<Box<str>, Box<[u8]>>>,
    details: usize,
}

/// A finding's code, severity, field, language, and whether it has a detail.
type Kind = (Code, Severity, Field, Lang, bool);

const MAX_WRITTEN: usize = 4096;

impl Written {
    fn write(&mut self, out: &mut Vec<u8>, finding: &Finding, lang: Lang) {
        let detail = finding.detail.as_ref().map(|d| d.get(lang));
        let key = (finding.code, finding.severity, finding.field, lang, detail.is_some());
        let by_detail = self.json.entry(key).or_default();
        let detail = detail.unwrap_or_default();
        if let Some(json) = by_detail.get(detail) {
            out.extend_from_slice(json);
        } else {
            let start = out.len();
            write_finding(out, finding, lang);
            if self.details < MAX_WRITTEN {
                self.details += 1;
                by_detail.insert(detail.into(), out[start..].into());
            }
        }
    }
}

/// A [`LocalizedFinding`](crate::validate::LocalizedFinding)'s JSON: its fields in order.
fn write_finding(out: &mut Vec<u8>, finding: &Finding, lang: Lang) {
    let f = finding.localized(lang);
    out.extend_from_slice(b"{\"code\":");
    string(out, f.code.as_str());
    out.extend_from_slice(b",\"severity\":");
    string(out, f.severity.as_str());
    out.extend_from_slice(b",\"field\":");
    string(out, f.field.as_str());
    out.extend_from_slice(b",\"message\":");
    string(out, &f.message);
    out.extend_from_slice(b",\"hint\":");
    string(out, &f.hint);
    out.push(b'}');
}

/// `,"name":` before a field after the first; `name` is one of ours, nothing to escape.
fn key(out: &mut Vec<u8>, name: &'static str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"\":");
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

/// A JSON string: copied whole between quotes when no byte of it needs an escape (a control
/// character, `"` or `\`: serde_json's escape table), else as serde_json writes it.
fn string(out: &mut Vec<u8>, value: &str) {
    // No early exit, so that the loop is vectorized: strings are short, and nearly all plain.
    let plain = value
        .bytes()
        .fold(true, |plain, b| plain & (b >= 0x20) & (b != b'"') & (b != b'\\'));
    if plain {
        out.reserve(value.len() + 2);
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        serde(out, value);
    }
}

/// `value` as serde_json writes it.
fn serde(out: &mut Vec<u8>, value: &(impl serde::Serialize + ?Sized)) {
    // Writing to a Vec cannot fail, nor can these values (no map with non-string keys).
    serde_json::to_writer(out, value).expect("plain JSON");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::validate::{validate, BinTable, Date, Inputs, Policy, Record};
    use proptest::prelude::*;

    fn typed() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            "[+]?[0-9 \\-]{0,16}",
            "(13800138000|\\+86 138 0013 8000|\\+852 5123 4567|021-6552 9988|\\+1 650 253 0000|17012345678)",
            "[a-z.\"\\\\]{0,6}@(qq\\.com|gmial\\.com|163\\.cm|例子\\.中国|xn--fsqu00a\\.xn--fiqs8s|6222021234567890)",
            "(6222 0212 3456 7890 128|4111111111111111|62220299123456780|3782822463100|6212345678901266)[0-9]?",
            "(12/29|01/20|13/30|0[1-9]/[0-9]{2,4})",
            "[0-9]{0,5}",
            "(440305198507123015|51010719780615882X|1101051990010100[0-9]{2})",
            "(张伟|Zhang Wei|李|[a-zA-Z \"\\\\\t]{0,8})",
            any::<String>(),
        ])
    }

    /// The line serde_json writes for the row through the owned views.
    fn serde_line(row: u64, inputs: &Inputs, policy: &Policy, lang: Lang, unmasked: bool) -> String {
        let v = validate(inputs, policy, Date::new(2026, 12, 3).unwrap());
        let views = v.views(inputs, lang, unmasked);
        let record = Record {
            row: Some(row),
            ok: v.ok(),
            fields: &views,
        };
        serde_json::to_string(&record).unwrap()
    }

    fn our_line(row: u64, inputs: &Inputs, policy: &Policy, lang: Lang, unmasked: bool) -> String {
        let v = validate(inputs, policy, Date::new(2026, 12, 3).unwrap());
        let mut out = Vec::new();
        write_record(&mut out, row, v.ok(), &v.views_ref(inputs, lang, unmasked));
        String::from_utf8(out).unwrap()
    }

    fn with_bins() -> Policy {
        let table = "prefix,issuer,issuer_zh,kind,country,brands\n\
                     622202,ICBC,中国工商银行,debit,CN,unionpay\n\
                     62220299,\"ICBC, \"\"Asia\"\"\",,debit,HK,unionpay+visa\n";
        let mut policy = Policy::default();
        policy.card.bin_table = Some(BinTable::parse(table).unwrap());
        policy
    }

    proptest! {
        /// Any row's line is serde_json's, byte for byte, masked or not, in either language.
        #[test]
        fn lines_are_serde_json_s(
            fields in proptest::collection::vec(typed(), 7),
            row in any::<u64>(),
            zh in any::<bool>(),
            unmasked in any::<bool>(),
            bins in any::<bool>(),
        ) {
            let mut inputs = Inputs::default();
            for (field, value) in Field::ALL.iter().zip(fields) {
                inputs.set(*field, value);
            }
            let policy = if bins { with_bins() } else { Policy::default() };
            let lang = if zh { Lang::ZhCn } else { Lang::En };
            prop_assert_eq!(
                our_line(row, &inputs, &policy, lang, unmasked),
                serde_line(row, &inputs, &policy, lang, unmasked)
            );
        }
    }

    #[test]
    fn a_whole_form_is_written_as_serde_json_writes_it() {
        let inputs = Inputs {
            phone: Some("+86 138 0013 8000".into()),
            email: Some("zhang.wei@gmial.com".into()),
            card: Some("6222 0299 1234 5678".into()),
            expiry: Some("12/29".into()),
            cvv: Some("73\"9".into()),
            id_number: Some("440305198507123015".into()),
            name: Some("张伟".into()),
        };
        for lang in [Lang::En, Lang::ZhCn] {
            for unmasked in [false, true] {
                let ours = our_line(7, &inputs, &with_bins(), lang, unmasked);
                assert_eq!(ours, serde_line(7, &inputs, &with_bins(), lang, unmasked));
                assert!(
                    ours.contains("\"issuer\":{") && ours.contains("\"carrier\":{"),
                    "{ours}"
                );
            }
        }
        assert_eq!(
            our_line(1, &Inputs::default(), &Policy::default(), Lang::En, false),
            r#"{"row":1,"ok":true,"fields":{}}"#
        );
    }

    #[test]
    fn strings_with_escapes_are_serde_json_s() {
        for s in [
            "",
            "plain",
            "中国香港",
            "a\"b",
            "back\\slash",
            "tab\there",
            "\u{7f}",
            "\u{1}",
        ] {
            let mut out = Vec::new();
            string(&mut out, s);
            assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(s).unwrap());
        }
    }
}

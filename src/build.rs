//! Compiles libphonenumber's metadata, as the `phonenumber` crate ships it, into a static
//! table (`$OUT_DIR/phone_metadata.rs`) that bindcheck reads without any start-up cost.
//!
//! The crate deserializes its whole database (about 50 ms) on first use; bindcheck needs a
//! region's patterns only when it sees a number from that region, and compiles them then
//! (src/validate/phone/meta.rs). Generating the table here keeps the crate the single source
//! of metadata: upgrading `phonenumber` upgrades the data, with nothing generated committed.
//!
//! It also compiles src/validate/phone/carriers.tsv (who operates each mobile range, and
//! what the range is for; made by fixtures/gen/phone_carriers.py) into sorted arrays
//! (`$OUT_DIR/phone_carriers.rs`), 6 bytes a range, that a lookup binary-searches.

use phonenumber::metadata::{Descriptor, Format, Metadata, DATABASE};
use std::fmt::Write;

fn lengths(values: &[u16]) -> String {
    let items: Vec<String> = values.iter().map(u16::to_string).collect();
    format!("&[{}]", items.join(", "))
}

fn opt(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".to_owned(),
    }
}

fn descriptor(kind: &str, d: Option<&Descriptor>, out: &mut String) {
    if let Some(d) = d {
        let _ = write!(
            out,
            "(NumberType::{kind}, {:?}, {}, {}), ",
            d.national_number().as_str(),
            lengths(d.possible_length()),
            lengths(d.possible_local_length())
        );
    }
}

/// A pattern without the whitespace libphonenumber's XML wraps long patterns with (its
/// metadata build strips it too).
fn compact(pattern: &str) -> String {
    pattern.split_whitespace().collect()
}

/// One number format as libphonenumber's metadata build leaves it: the national prefix
/// formatting rule with `$NP` and `$FG` filled in (`0$1`), and only whether a carrier-code
/// rule exists (the as-you-type formatter asks nothing more).
fn format(f: &Format, national_prefix: &str, national: bool, out: &mut String) {
    let leading: Vec<String> = f
        .leading_digits()
        .iter()
        .map(|r| format!("{:?}", compact(r.as_str())))
        .collect();
    // An international format of its own carries the pattern, the leading digits and the
    // format only (libphonenumber's loadInternationalFormat).
    let rule = f
        .national_prefix()
        .filter(|_| national)
        .map(|r| r.replacen("$NP", national_prefix, 1).replacen("$FG", "$1", 1));
    let _ = write!(
        out,
        "FormatData {{ pattern: {:?}, format: {:?}, leading_digits: &[{}], national_prefix_rule: {}, \
         national_prefix_optional: {}, carrier_rule: {} }}, ",
        compact(f.pattern().as_str()),
        f.format(),
        leading.join(", "),
        opt(rule.as_deref()),
        national && f.is_national_prefix_optional(),
        national && f.domestic_carrier().is_some(),
    );
}

/// A region's national formats, and its international ones when they differ: the crate
/// copies every national format that has no `<intlFormat>`, libphonenumber keeps the list
/// only when some format has one of its own (and uses the national list when it is empty).
fn formats(m: &Metadata) -> (String, String) {
    let np = m.national_prefix().unwrap_or("");
    let mut national = String::new();
    for f in m.formats() {
        format(f, np, true, &mut national);
    }
    let (n, i) = (m.formats(), m.international_formats());
    let same = n.len() == i.len() && n.iter().zip(i).all(|(a, b)| a.format() == b.format());
    let mut international = String::new();
    if !same {
        for f in i {
            format(f, np, false, &mut international);
        }
    }
    (national, international)
}

/// The segment codes of `carriers.tsv`, in the order of `carrier::Segment`'s variants.
const SEGMENTS: [&str; 4] = ["standard", "virtual_operator", "data_only", "satellite"];

/// `carriers.tsv` as three arrays: the version, the names (English, Chinese or empty), and
/// the ranges, each a key (`1` followed by the range's digits, so that a key holds the
/// length) and a value (the name's index, with the segment in the top two bits).
fn carriers() {
    let path = "src/validate/phone/carriers.tsv";
    println!("cargo::rerun-if-changed={path}");
    let text = std::fs::read_to_string(path).expect("read carriers.tsv");
    let mut version = None;
    let mut names = Vec::new();
    let mut ranges: Vec<(u32, u16)> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split('\t').collect();
        let bad = || -> ! { panic!("{path}:{}: not a record: {line:?}", i + 1) };
        match cols.as_slice() {
            ["version", v] => version = Some(v.to_string()),
            ["N", index, en, zh] => {
                assert_eq!(
                    index.parse::<usize>().ok(),
                    Some(names.len()),
                    "{path}:{}: names in order",
                    i + 1
                );
                names.push((en.to_string(), zh.to_string()));
            }
            ["P", digits, index, rest @ ..] => {
                let segment = match rest {
                    [] => 0,
                    [s] => SEGMENTS.iter().position(|k| k == s).unwrap_or_else(|| bad()) as u16,
                    _ => bad(),
                };
                let index: u16 = index.parse().unwrap_or_else(|_| bad());
                assert!(
                    usize::from(index) < names.len() && index < 1 << 14,
                    "{path}:{}: name index",
                    i + 1
                );
                assert!(
                    digits.len() <= 9 && digits.bytes().all(|b| b.is_ascii_digit()),
                    "{path}:{}",
                    i + 1
                );
                let key: u32 = format!("1{digits}").parse().unwrap_or_else(|_| bad());
                ranges.push((key, index | segment << 14));
            }
            _ => bad(),
        }
    }
    ranges.sort_unstable();
    ranges.dedup_by_key(|r| r.0);
    let mut out = String::from("// Generated by build.rs from src/validate/phone/carriers.tsv. Do not edit.\n");
    let version = version.expect("a version line");
    println!("cargo::rustc-env=BINDCHECK_CARRIER_DATA={version}");
    let _ = writeln!(out, "pub(super) static VERSION: &str = {version:?};");
    let _ = writeln!(out, "pub(super) static NAMES: [(&str, &str); {}] = [", names.len());
    for (en, zh) in &names {
        let _ = writeln!(out, "    ({en:?}, {zh:?}),");
    }
    let _ = writeln!(out, "];\npub(super) static KEYS: [u32; {}] = [", ranges.len());
    for chunk in ranges.chunks(16) {
        let items: Vec<String> = chunk.iter().map(|r| r.0.to_string()).collect();
        let _ = writeln!(out, "    {},", items.join(", "));
    }
    let _ = writeln!(out, "];\npub(super) static VALUES: [u16; {}] = [", ranges.len());
    for chunk in ranges.chunks(24) {
        let items: Vec<String> = chunk.iter().map(|r| r.1.to_string()).collect();
        let _ = writeln!(out, "    {},", items.join(", "));
    }
    out.push_str("];\n");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("phone_carriers.rs");
    std::fs::write(path, out).expect("write phone_carriers.rs");
}

/// The metadata version of the `phonenumber` crate in Cargo.lock (`0.3.10+9.0.33` is
/// libphonenumber 9.0.33), for `--version` and reports: `BINDCHECK_PHONE_METADATA`.
fn phone_metadata_version() {
    println!("cargo::rerun-if-changed=Cargo.lock");
    let lock = std::fs::read_to_string("Cargo.lock").unwrap_or_default();
    let version = lock
        .split("[[package]]")
        .find(|p| p.contains("name = \"phonenumber\""))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = \"")))
        .map(|v| v.trim_end_matches('"'))
        .and_then(|v| v.split_once('+'))
        .map_or_else(
            || "unknown".to_owned(),
            |(_, metadata)| format!("libphonenumber {metadata}"),
        );
    println!("cargo::rustc-env=BINDCHECK_PHONE_METADATA={version}");
}

fn main() {
    println!("cargo::rerun-if-changed=src/build.rs");
    phone_metadata_version();
    carriers();
    let mut out = String::from(
        "// Generated by build.rs from the phonenumber crate's metadata. Do not edit.\n\
         pub(super) static REGIONS: &[RegionData] = &[\n",
    );
    // The database's by-id index keeps one `001` entity only, so walk the calling codes.
    for code in 1..=999u16 {
        let Some(metas) = DATABASE.by_code(&code) else { continue };
        for m in metas {
            let d = m.descriptors();
            let mut types = String::new();
            descriptor("PremiumRate", d.premium_rate(), &mut types);
            descriptor("TollFree", d.toll_free(), &mut types);
            descriptor("SharedCost", d.shared_cost(), &mut types);
            descriptor("Voip", d.voip(), &mut types);
            descriptor("PersonalNumber", d.personal_number(), &mut types);
            descriptor("Pager", d.pager(), &mut types);
            descriptor("Uan", d.uan(), &mut types);
            descriptor("Voicemail", d.voicemail(), &mut types);
            descriptor("FixedLine", d.fixed_line(), &mut types);
            descriptor("Mobile", d.mobile(), &mut types);
            let (formats, intl_formats) = formats(m);
            let _ = writeln!(
                out,
                "    RegionData {{ id: {:?}, code: {code}, main: {}, general: {:?}, general_lengths: {}, \
                 general_local_lengths: {}, types: &[{types}], leading_digits: {}, national_prefix: {}, \
                 national_prefix_for_parsing: {}, transform_rule: {}, international_prefix: {}, \
                 formats: &[{formats}], intl_formats: &[{intl_formats}] }},",
                m.id(),
                m.is_main_country_for_code(),
                d.general().national_number().as_str(),
                lengths(d.general().possible_length()),
                lengths(d.general().possible_local_length()),
                opt(m.leading_digits().map(|r| r.as_str())),
                opt(m.national_prefix()),
                opt(m.national_prefix_for_parsing().map(|r| r.as_str())),
                opt(m.national_prefix_transform_rule()),
                opt(m.international_prefix().map(|r| r.as_str())),
            );
        }
    }
    out.push_str("];\n");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("phone_metadata.rs");
    std::fs::write(path, out).expect("write phone_metadata.rs");
}

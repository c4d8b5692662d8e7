//! Compiles libphonenumber's metadata, as the `phonenumber` crate ships it, into a static
//! table (`$OUT_DIR/phone_metadata.rs`) that bindcheck reads without any start-up cost.
//!
//! The crate deserializes its whole database (about 50 ms) on first use; bindcheck needs a
//! region's patterns only when it sees a number from that region, and compiles them then
//! (src/validate/phone/meta.rs). Generating the table here keeps the crate the single source
//! of metadata: upgrading `phonenumber` upgrades the data, with nothing generated committed.
//!
//! Every pattern validation matches (the general and per-type national-number patterns, the
//! leading digits that tell regions apart, the national prefix for parsing and the
//! international prefix) becomes a deterministic automaton over the ten digits here, so that a
//! region's first number costs a table walk instead of regex compilation (about 1–1.5 ms a
//! region with the `regex` crate). [`Automata`] has the details; the run-time half is
//! src/validate/phone/automaton.rs.
//!
//! It also compiles src/validate/phone/carriers.tsv (who operates each mobile range, and
//! what the range is for; made by fixtures/gen/phone_carriers.py) into sorted arrays
//! (`$OUT_DIR/phone_carriers.rs`), 6 bytes a range, that a lookup binary-searches.

use phonenumber::metadata::{Descriptor, Format, Metadata, DATABASE};
use regex_automata::dfa::{dense, Automaton, StartKind};
use regex_automata::util::{start, syntax};
use regex_automata::{Anchored, MatchKind};
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use std::collections::HashMap;
use std::fmt::Write;

/// How run time asks about a pattern, which decides how its automaton is built.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// Whether the pattern matches all of a number, or some prefix of it: every match counts
    /// (regex-automata's `MatchKind::All`).
    Set,
    /// Where the match the `regex` crate's `find` would report ends: leftmost-first, the
    /// first alternative that matches wins, as in a backtracking engine.
    First,
}

/// All the automata of the metadata, as one table.
///
/// Each pattern is parsed with `regex-syntax` (the parser of the `regex` crate that matched
/// these patterns before, with the same options: ASCII `\d`, whitespace ignored), checked to
/// match nothing but ASCII digits, and determinized, anchored at the start, by
/// `regex-automata`. Its states reachable over the digits `0`–`9` become rows of ten
/// transitions; a state *accepts* when a match ends at the position reached, with two answers:
/// if the input ends there, and if more follows (they differ for a national prefix pattern
/// with `$`; regex-automata reports matches one byte late, so they are whether the state's
/// end-of-input transition, and a digit's, lead to a match state). Then the union of every pattern's states is minimized (Moore's partition
/// refinement), which merges the many patterns and tails regions share (`\d{7}` and friends)
/// and makes every state that can no longer accept the one dead state, 0, so a walk stops as
/// soon as the answer is known.
///
/// A string with any other character than a digit is outside every pattern's alphabet, which
/// is why patterns must be digits only: a walk treats a non-digit as the dead state.
struct Automata {
    rows: Vec<[u32; 10]>,
    /// Whether a match ends here when the input ends here, and when more input follows
    /// (they differ only for a pattern with `$`).
    accept: Vec<[bool; 2]>,
    /// Pattern and kind to its start state (dedup: many regions share patterns).
    starts: HashMap<(String, Kind), u32>,
}

/// The pattern matches ASCII digits only, with no look-around but, if `end`, `$` (some
/// national prefixes for parsing have it): the automaton is anchored at the start, and
/// whole-number matching checks the end itself.
fn digits_only(hir: &Hir, end: bool) -> bool {
    match hir.kind() {
        HirKind::Empty => true,
        HirKind::Literal(l) => l.0.iter().all(u8::is_ascii_digit),
        HirKind::Class(Class::Bytes(c)) => c.ranges().iter().all(|r| r.start() >= b'0' && r.end() <= b'9'),
        HirKind::Class(Class::Unicode(c)) => c.ranges().iter().all(|r| r.start() >= '0' && r.end() <= '9'),
        HirKind::Look(look) => end && *look == Look::End,
        HirKind::Repetition(r) => digits_only(&r.sub, end),
        HirKind::Capture(c) => digits_only(&c.sub, end),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().all(|h| digits_only(h, end)),
    }
}

impl Automata {
    fn new() -> Automata {
        Automata {
            rows: vec![[0; 10]],
            accept: vec![[false; 2]],
            starts: HashMap::new(),
        }
    }

    /// The start state of `pattern`'s automaton; 0 (matches nothing) for a pattern the
    /// `regex` crate would not have compiled either.
    fn add(&mut self, pattern: &str, kind: Kind) -> u32 {
        let key = (pattern.to_owned(), kind);
        if let Some(&s) = self.starts.get(&key) {
            return s;
        }
        let start = self.build(pattern, kind).unwrap_or_else(|| {
            println!("cargo::warning=phone metadata pattern does not compile, matching nothing: {pattern:?}");
            0
        });
        self.starts.insert(key, start);
        start
    }

    fn build(&mut self, pattern: &str, kind: Kind) -> Option<u32> {
        let hir = regex_syntax::ParserBuilder::new()
            .unicode(false)
            .utf8(false)
            .ignore_whitespace(true)
            .build()
            .parse(pattern)
            .ok()?;
        assert!(
            digits_only(&hir, kind == Kind::First),
            "phone metadata pattern {pattern:?} matches more than ASCII digits"
        );
        let match_kind = match kind {
            Kind::Set => MatchKind::All,
            Kind::First => MatchKind::LeftmostFirst,
        };
        let dfa = dense::Builder::new()
            .configure(
                dense::Config::new()
                    .match_kind(match_kind)
                    .start_kind(StartKind::Anchored),
            )
            .syntax(syntax::Config::new().unicode(false).utf8(false).ignore_whitespace(true))
            .build(pattern)
            .ok()?;
        let start = dfa.start_state(&start::Config::new().anchored(Anchored::Yes)).ok()?;
        // regex-automata's state to ours; its dead state is our 0. Its matches show one byte
        // late: after the end of input, or after any byte (`0` will do: no pattern looks at
        // what follows a match but `$`).
        let accept = |s| {
            [
                dfa.is_match_state(dfa.next_eoi_state(s)),
                dfa.is_match_state(dfa.next_state(s, b'0')),
            ]
        };
        let mut ids = HashMap::new();
        let mut queue = vec![start];
        let first = self.rows.len() as u32;
        ids.insert(start, first);
        self.rows.push([0; 10]);
        self.accept.push(accept(start));
        while let Some(s) = queue.pop() {
            let mut row = [0u32; 10];
            for (d, slot) in row.iter_mut().enumerate() {
                let next = dfa.next_state(s, b'0' + d as u8);
                assert!(!dfa.is_quit_state(next), "{pattern:?}: quit state");
                if dfa.is_dead_state(next) {
                    continue;
                }
                *slot = *ids.entry(next).or_insert_with(|| {
                    queue.push(next);
                    self.rows.push([0; 10]);
                    self.accept.push(accept(next));
                    (self.rows.len() - 1) as u32
                });
            }
            self.rows[ids[&s] as usize] = row;
        }
        Some(first)
    }

    /// Merges equivalent states across all the automata; the dead state stays 0.
    fn minimize(&mut self) {
        let n = self.rows.len();
        let mut class: Vec<u32> = self
            .accept
            .iter()
            .map(|&[a, b]| u32::from(a) | u32::from(b) << 1)
            .collect();
        let mut count = 0;
        loop {
            let mut ids: HashMap<(u32, [u32; 10]), u32> = HashMap::new();
            // The dead state's block first, so that it is block 0.
            let order = std::iter::once(0).chain(1..n);
            let mut next = vec![0u32; n];
            for i in order {
                let sig = (class[i], self.rows[i].map(|t| class[t as usize]));
                let len = ids.len() as u32;
                next[i] = *ids.entry(sig).or_insert(len);
            }
            let blocks = ids.len();
            class = next;
            if blocks == count {
                break;
            }
            count = blocks;
        }
        let mut rows = vec![[0u32; 10]; count];
        let mut accept = vec![[false; 2]; count];
        for i in 0..n {
            let c = class[i] as usize;
            rows[c] = self.rows[i].map(|t| class[t as usize]);
            accept[c] = self.accept[i];
        }
        self.rows = rows;
        self.accept = accept;
        for s in self.starts.values_mut() {
            *s = class[*s as usize];
        }
    }

    /// `$OUT_DIR/phone_automata.rs`: the transitions and the accepting states (a bit each,
    /// at the end of input and with more to follow).
    fn write(&self) {
        assert!(
            self.rows.len() <= usize::from(u16::MAX),
            "more automaton states than u16 holds"
        );
        let mut out = String::from("// Generated by build.rs from the phonenumber crate's metadata. Do not edit.\n");
        let _ = writeln!(out, "pub(super) static STATES: [[u16; 10]; {}] = [", self.rows.len());
        for row in &self.rows {
            let items: Vec<String> = row.iter().map(u32::to_string).collect();
            let _ = writeln!(out, "[{}],", items.join(","));
        }
        out.push_str("];\n");
        for (name, which) in [("ACCEPT", 0), ("ACCEPT_INSIDE", 1)] {
            let bytes: Vec<String> = self
                .accept
                .chunks(8)
                .map(|c| {
                    c.iter()
                        .enumerate()
                        .fold(0u8, |b, (i, a)| b | u8::from(a[which]) << i)
                        .to_string()
                })
                .collect();
            let _ = writeln!(
                out,
                "pub(super) static {name}: [u8; {}] = [{}];",
                bytes.len(),
                bytes.join(",")
            );
        }
        let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("phone_automata.rs");
        std::fs::write(path, out).expect("write phone_automata.rs");
    }
}

fn lengths(values: &[u16]) -> String {
    let items: Vec<String> = values.iter().map(u16::to_string).collect();
    format!("&[{}]", items.join(", "))
}

/// Whether the last capture group of `pattern` (the one a transform rule's `$N` with the
/// highest N reads) can only match something non-empty. Then an empty match of the whole
/// pattern means the group took no part, and the rule has nothing to transform: the run-time
/// code skips compiling the pattern for its groups (every international-form number of
/// Argentina, whose national prefix pattern matches the empty string).
fn last_group_nonempty(pattern: &str) -> bool {
    fn last_capture(hir: &Hir, best: &mut Option<(u32, Option<usize>)>) {
        match hir.kind() {
            HirKind::Capture(c) => {
                if best.is_none_or(|(index, _)| c.index > index) {
                    *best = Some((c.index, c.sub.properties().minimum_len()));
                }
                last_capture(&c.sub, best);
            }
            HirKind::Concat(subs) | HirKind::Alternation(subs) => subs.iter().for_each(|h| last_capture(h, best)),
            HirKind::Repetition(r) => last_capture(&r.sub, best),
            HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => {}
        }
    }
    let Ok(hir) = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .ignore_whitespace(true)
        .build()
        .parse(pattern)
    else {
        return false;
    };
    let mut best = None;
    last_capture(&hir, &mut best);
    matches!(best, Some((_, Some(min)))  if min > 0)
}

fn opt(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("Some({v:?})"),
        None => "None".to_owned(),
    }
}

fn descriptor(kind: &str, d: Option<&Descriptor>, automata: &mut Automata, out: &mut String) {
    if let Some(d) = d {
        let _ = write!(
            out,
            "(NumberType::{kind}, Dfa({}), {}, {}), ",
            automata.add(d.national_number().as_str(), Kind::Set),
            lengths(d.possible_length()),
            lengths(d.possible_local_length())
        );
    }
}

fn opt_dfa(pattern: Option<&str>, kind: Kind, automata: &mut Automata) -> String {
    match pattern {
        Some(p) => format!("Some(Dfa({}))", automata.add(p, kind)),
        None => "None".to_owned(),
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

/// `REGIONS`, and for tests `SOURCES` (each region's patterns as written, with their
/// automata) and `EXAMPLES` (each region's example numbers).
fn regions(automata: &mut Automata) -> String {
    let mut out = String::from(
        "// Generated by build.rs from the phonenumber crate's metadata. Do not edit.\n\
         pub(super) static REGIONS: &[RegionData] = &[\n",
    );
    let mut sources = String::from("#[cfg(test)]\npub(super) static SOURCES: &[(&str, &str, bool, Dfa)] = &[\n");
    let mut examples = String::from("#[cfg(test)]\npub(super) static EXAMPLES: &[(&str, &[&str])] = &[\n");
    // The database's by-id index keeps one `001` entity only, so walk the calling codes.
    for code in 1..=999u16 {
        let Some(metas) = DATABASE.by_code(&code) else { continue };
        for m in metas {
            let d = m.descriptors();
            let mut types = String::new();
            descriptor("PremiumRate", d.premium_rate(), automata, &mut types);
            descriptor("TollFree", d.toll_free(), automata, &mut types);
            descriptor("SharedCost", d.shared_cost(), automata, &mut types);
            descriptor("Voip", d.voip(), automata, &mut types);
            descriptor("PersonalNumber", d.personal_number(), automata, &mut types);
            descriptor("Pager", d.pager(), automata, &mut types);
            descriptor("Uan", d.uan(), automata, &mut types);
            descriptor("Voicemail", d.voicemail(), automata, &mut types);
            descriptor("FixedLine", d.fixed_line(), automata, &mut types);
            descriptor("Mobile", d.mobile(), automata, &mut types);
            let same_fixed_and_mobile = match (d.fixed_line(), d.mobile()) {
                (Some(f), Some(m)) => f.national_number().as_str() == m.national_number().as_str(),
                _ => false,
            };
            // Without a pattern of its own, the national prefix is stripped as it is written.
            let npp = m
                .national_prefix_for_parsing()
                .map(|r| r.as_str().to_owned())
                .or_else(|| m.national_prefix().map(regex_syntax::escape));
            let (formats, intl_formats) = formats(m);
            let _ = writeln!(
                out,
                "    RegionData {{ id: {:?}, code: {code}, main: {}, general: Dfa({}), general_lengths: {}, \
                 general_local_lengths: {}, types: &[{types}], same_fixed_and_mobile: {same_fixed_and_mobile}, \
                 leading_digits: {}, national_prefix_for_parsing: {}, transform_rule: {}, \
                 last_group_nonempty: {}, international_prefix: {}, formats: &[{formats}], \
                 intl_formats: &[{intl_formats}] }},",
                m.id(),
                m.is_main_country_for_code(),
                automata.add(d.general().national_number().as_str(), Kind::Set),
                lengths(d.general().possible_length()),
                lengths(d.general().possible_local_length()),
                opt_dfa(m.leading_digits().map(|r| r.as_str()), Kind::Set, automata),
                match &npp {
                    Some(p) => format!("Some((Dfa({}), {p:?}))", automata.add(p, Kind::First)),
                    None => "None".to_owned(),
                },
                opt(m.national_prefix_transform_rule()),
                npp.as_deref().is_some_and(last_group_nonempty),
                opt_dfa(m.international_prefix().map(|r| r.as_str()), Kind::First, automata),
            );
            let mut patterns: Vec<(&str, Kind)> = vec![(d.general().national_number().as_str(), Kind::Set)];
            let all = [
                d.premium_rate(),
                d.toll_free(),
                d.shared_cost(),
                d.voip(),
                d.personal_number(),
                d.pager(),
                d.uan(),
                d.voicemail(),
                d.fixed_line(),
                d.mobile(),
            ];
            patterns.extend(all.iter().flatten().map(|t| (t.national_number().as_str(), Kind::Set)));
            patterns.extend(m.leading_digits().map(|r| (r.as_str(), Kind::Set)));
            patterns.extend(npp.as_deref().map(|p| (p, Kind::First)));
            patterns.extend(m.international_prefix().map(|r| (r.as_str(), Kind::First)));
            for (p, kind) in patterns {
                let first = kind == Kind::First;
                let _ = writeln!(
                    sources,
                    "    ({:?}, {p:?}, {first}, Dfa({})),",
                    m.id(),
                    automata.add(p, kind)
                );
            }
            let numbers: Vec<String> = all
                .iter()
                .flatten()
                .chain([d.general()].iter())
                .filter_map(|t| t.example())
                .map(|e| format!("{e:?}"))
                .collect();
            let _ = writeln!(examples, "    ({:?}, &[{}]),", m.id(), numbers.join(", "));
        }
    }
    out.push_str("];\n");
    sources.push_str("];\n");
    examples.push_str("];\n");
    out + &sources + &examples
}

fn main() {
    println!("cargo::rerun-if-changed=src/build.rs");
    phone_metadata_version();
    carriers();
    let mut automata = Automata::new();
    // Once to collect every pattern, then, with the states minimized, to write the table.
    regions(&mut automata);
    automata.minimize();
    let out = regions(&mut automata);
    automata.write();
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("phone_metadata.rs");
    std::fs::write(path, out).expect("write phone_metadata.rs");
}

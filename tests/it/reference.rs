//! Agreement with the reference implementations, on fixtures generated from them
//! (fixtures/gen/: libphonenumber via Python `phonenumbers` 9.0.33, braintree's
//! card-validator 10.0.4, Python `email-validator` 2.4.0). Each test reports its agreement.
//! The card test fails below 99%, the phone test below 99.5%; the phone and email tests hold
//! every disagreement to a list of deliberate differences with their reasons
//! (fixtures/phone/differences.csv, fixtures/email/differences.csv), exactly: an unlisted
//! disagreement fails, and so does a listed one that is gone. The as-you-type formatter must
//! agree at every step, its output and where a remembered digit is.

use bindcheck::validate::{
    mask, validate_card, validate_email, validate_phone, AsYouType, CardPolicy, EmailPolicy, PhoneOptions, Region,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn rows(path: &str) -> Vec<csv::StringRecord> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    let mut reader = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    reader.records().map(|r| r.expect("fixture row")).collect()
}

fn report(what: &str, agree: usize, total: usize, disagreements: &[String], floor: f64) {
    let pct = 100.0 * agree as f64 / total as f64;
    eprintln!("{what}: {agree}/{total} agree ({pct:.2}%)");
    for d in disagreements.iter().take(40) {
        eprintln!("  {d}");
    }
    assert!(total > 1000, "{what}: the fixture is too small to mean anything");
    assert!(pct >= floor, "{what}: agreement {pct:.2}% is below {floor}%");
}

#[test]
fn phone_agrees_with_libphonenumber() {
    let listed: BTreeMap<(String, String), String> = rows("fixtures/phone/differences.csv")
        .iter()
        .map(|r| ((r[0].to_owned(), r[1].to_owned()), r[2].to_owned()))
        .collect();
    for reason in listed.values() {
        assert!(
            reason.starts_with("deliberate: ") && reason.len() > 20,
            "each difference says why: {reason:?}"
        );
    }
    let mut agree = 0;
    let mut bad = Vec::new();
    let mut unlisted = Vec::new();
    let mut differing = BTreeSet::new();
    let rows = rows("fixtures/phone/reference.csv");
    for r in &rows {
        let (input, region) = (&r[0], &r[1]);
        let options = PhoneOptions {
            default_region: (!region.is_empty()).then(|| region.parse().unwrap()),
            allowed_regions: None,
            require_mobile: false,
            ..PhoneOptions::default()
        };
        let c = validate_phone(input, &options);
        let parsed = c.e164.is_some();
        let ours = if parsed {
            format!(
                "true,{},{},{},{},{}",
                c.is_valid_number(),
                c.possible,
                c.e164.as_ref().unwrap(),
                c.region.unwrap_or(""),
                c.number_type.map_or("", |t| t.as_str())
            )
        } else {
            "false,,,,,".to_owned()
        };
        let want = [&r[2], &r[3], &r[4], &r[5], &r[6], &r[7]].join(",");
        if ours == want {
            agree += 1;
            continue;
        }
        let line = format!("{input:?} [{region}]: ours {ours} / reference {want}");
        let key = (input.to_owned(), region.to_owned());
        if !listed.contains_key(&key) {
            unlisted.push(line.clone());
        }
        differing.insert(key);
        bad.push(line);
    }
    report("phone", agree, rows.len(), &bad, 99.5);
    assert!(
        unlisted.is_empty(),
        "disagreements without a reason in differences.csv: {unlisted:#?}"
    );
    let gone: Vec<_> = listed.keys().filter(|k| !differing.contains(*k)).collect();
    assert!(gone.is_empty(), "listed in differences.csv but now agreeing: {gone:?}");
}

#[test]
fn card_agrees_with_card_validator() {
    let rows = rows("fixtures/card/reference.csv");
    let mut agree = 0;
    let mut bad = Vec::new();
    for r in &rows {
        let c = validate_card(&r[0], &CardPolicy::default());
        // card-validator's isValid ignores the empty and partial cases bindcheck reports as
        // findings; both agree on "usable for a bind".
        let ours = format!(
            "{},{},{}",
            c.valid,
            c.potentially_valid,
            c.brand.map_or("", |b| b.as_str())
        );
        let want = format!("{},{},{}", &r[1], &r[2], &r[3]);
        if ours == want {
            agree += 1;
        } else {
            bad.push(format!("{}: ours {ours} / reference {want}", &r[0]));
        }
    }
    report("card", agree, rows.len(), &bad, 99.0);
}

/// The email policy that matches email-validator's options in fixtures/email/reference.csv.
fn email_policy(options: &str) -> EmailPolicy {
    match options {
        "default" => EmailPolicy::default(),
        "quoted_and_literal" => EmailPolicy {
            allow_quoted_local: true,
            allow_ip_literal: true,
        },
        other => panic!("unknown options {other:?} in the email fixture"),
    }
}

/// fixtures/email/differences.csv: (input, options) -> reason, for every case where
/// bindcheck deliberately disagrees with email-validator.
fn email_differences() -> BTreeMap<(String, String), String> {
    let mut listed = BTreeMap::new();
    for r in rows("fixtures/email/differences.csv") {
        let (input, options, reason) = (r[0].to_owned(), r[1].to_owned(), r[2].to_owned());
        email_policy(&options);
        assert!(
            reason.starts_with("deliberate: "),
            "{}: a reason says `deliberate: why`",
            mask::email(&input)
        );
        let masked = mask::email(&input);
        assert!(
            listed.insert((input, options), reason).is_none(),
            "{masked} is listed twice"
        );
    }
    listed
}

/// bindcheck's email validator against email-validator's answers on its own test suite, under
/// the two option sets (fixtures/gen/email_reference.py). A case disagrees when the validity
/// differs, or when both accept it and the ASCII domains differ. Every disagreement must be in
/// fixtures/email/differences.csv, and every listed one must still disagree, so that the list
/// (and docs/guide.md, "Differences from python email-validator") stays exact. Addresses are
/// shown masked, with their row in the fixture.
#[test]
fn email_agrees_with_email_validator() {
    let rows = rows("fixtures/email/reference.csv");
    let listed = email_differences();
    let mut agree = 0;
    let mut unlisted = Vec::new();
    let mut disagreeing = Vec::new();
    // Columns: source, options, input, valid, normalized_or_error, ascii_domain.
    for (n, r) in rows.iter().enumerate() {
        let (source, options, input) = (&r[0], &r[1], &r[2]);
        let c = validate_email(input, &email_policy(options));
        let valid = &r[3] == "true";
        let same = c.valid == valid && (!valid || c.domain_ascii.as_deref() == Some(&r[5]));
        if same {
            agree += 1;
            continue;
        }
        let key = (input.to_owned(), options.to_owned());
        if !listed.contains_key(&key) {
            let codes: Vec<&str> = c.findings.iter().map(|f| f.code.as_str()).collect();
            unlisted.push(format!(
                "row {} ({options}, {source}) {}: bindcheck valid={} {codes:?} {:?} / email-validator valid={valid}: {}",
                n + 1,
                c.masked(),
                c.valid,
                c.domain_ascii,
                &r[4]
            ));
        }
        disagreeing.push(key);
    }
    let stale: Vec<String> = listed
        .keys()
        .filter(|k| !disagreeing.contains(k))
        .map(|(input, options)| format!("{} ({options})", mask::email(input)))
        .collect();
    eprintln!(
        "email: {agree}/{} cases agree with email-validator 2.4.0, {} listed differences",
        rows.len(),
        listed.len()
    );
    assert!(rows.len() > 600, "the email fixture is too small to mean anything");
    assert!(
        unlisted.is_empty(),
        "{} disagreements not in fixtures/email/differences.csv:\n{}",
        unlisted.len(),
        unlisted.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed in fixtures/email/differences.csv but no longer different (remove them, and from docs/guide.md):\n{}",
        stale.join("\n")
    );
}

/// The formatter for a fixture's region column (empty: no region).
fn formatter(region: &str) -> AsYouType {
    AsYouType::new((!region.is_empty()).then(|| region.parse::<Region>().unwrap()))
}

#[test]
fn as_you_type_agrees_with_libphonenumber() {
    let rows = rows("fixtures/phone/as_you_type.csv");
    let (mut steps, mut agree) = (0, 0);
    let mut bad = Vec::new();
    for r in &rows {
        let (region, typed) = (&r[0], &r[1]);
        let want: Vec<&str> = r[2].split('|').collect();
        assert_eq!(
            want.len(),
            typed.chars().count(),
            "{typed}: an output for every character"
        );
        let mut f = formatter(region);
        for (i, (c, want)) in typed.chars().zip(want).enumerate() {
            steps += 1;
            let got = f.input_digit(c);
            if got == want {
                agree += 1;
            } else {
                bad.push(format!(
                    "{typed} [{region}] after {}: ours {got:?} / reference {want:?}",
                    i + 1
                ));
            }
        }
    }
    report("as-you-type steps", agree, steps, &bad, 100.0);
}

#[test]
fn as_you_type_remembers_positions_as_libphonenumber_does() {
    let rows = rows("fixtures/phone/as_you_type_caret.csv");
    let (mut steps, mut agree) = (0, 0);
    let mut bad = Vec::new();
    for r in &rows {
        let (region, typed) = (&r[0], &r[1]);
        let remember: usize = r[2].parse().unwrap();
        let want: Vec<usize> = r[3].split(' ').map(|p| p.parse().unwrap()).collect();
        assert_eq!(
            want.len(),
            typed.chars().count() - remember,
            "{typed}: a position for every later character"
        );
        let mut f = formatter(region);
        let mut got = Vec::new();
        for (i, c) in typed.chars().enumerate() {
            if i == remember {
                f.input_digit_and_remember_position(c);
            } else {
                f.input_digit(c);
            }
            if i >= remember {
                got.push(f.remembered_position());
            }
        }
        steps += want.len();
        agree += got.iter().zip(&want).filter(|(g, w)| g == w).count();
        if got != want {
            bad.push(format!(
                "{typed} [{region}] remembering {remember}: ours {got:?} / reference {want:?}"
            ));
        }
    }
    report("as-you-type remembered positions", agree, steps, &bad, 100.0);
}

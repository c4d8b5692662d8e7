//! Real-world phone cases. Expected answers come from libphonenumber (Python
//! `phonenumbers` 9.0.33); the bulk agreement test is in tests/it/reference.rs.

use super::*;

fn cn() -> PhoneOptions {
    PhoneOptions::default()
}

fn check(input: &str) -> PhoneCheck {
    validate_phone(input, &cn())
}

fn codes(c: &PhoneCheck) -> Vec<&'static str> {
    c.findings.iter().map(|f| f.code.as_str()).collect()
}

fn e164(c: &PhoneCheck) -> String {
    c.e164.as_ref().map(ToString::to_string).unwrap_or_default()
}

#[test]
fn mainland_mobile_prefix_families() {
    // One number from each family 13x-19x that is assigned...
    for prefix in [
        "130", "133", "138", "145", "147", "150", "159", "166", "170", "173", "177", "180", "189", "191", "199",
    ] {
        let input = format!("{prefix}12345678");
        let c = check(&input);
        assert!(c.valid, "{input}: {:?}", c.findings);
        assert_eq!(c.number_type, Some(NumberType::Mobile), "{input}");
        assert_eq!(c.region, Some("CN"));
    }
    // ...and the unassigned ones, which are possible (right length) but not valid.
    for prefix in ["149", "154"] {
        let c = check(&format!("{prefix}12345678"));
        assert!(!c.valid && c.possible, "{prefix}");
        assert_eq!(codes(&c), ["phone.invalid"], "{prefix}");
    }
}

#[test]
fn wrong_lengths_that_the_phonenumber_crate_accepts() {
    // The crate matches patterns at the start only and calls both of these valid.
    let c = check("+86 10 0050 843 77");
    assert!(!c.valid && c.possible);
    assert_eq!(codes(&c), ["phone.invalid"]);
    let c = check("0351-38272781");
    assert!(!c.valid);
    assert_eq!(e164(&c), "+8635138272781");
    // Taiyuan numbers have 7 subscriber digits.
    let c = validate_phone(
        "0351-3827278",
        &PhoneOptions {
            require_mobile: false,
            ..cn()
        },
    );
    assert!(c.valid);
    assert_eq!(c.number_type, Some(NumberType::FixedLine));
    assert_eq!(codes(&check("1380013800")), ["phone.invalid"]);
    assert_eq!(codes(&check("138001380001")), ["phone.invalid"]);
}

#[test]
fn international_prefixes_are_stripped_as_dialled_from_the_default_region() {
    let us = PhoneOptions {
        default_region: Some("US".parse().unwrap()),
        require_mobile: false,
        ..cn()
    };
    let c = validate_phone("011 44 121 234 5678", &us);
    assert_eq!(e164(&c), "+441212345678");
    assert_eq!(c.region, Some("GB"));
    assert!(c.valid);
    let c = validate_phone(
        "00 44 121 234 5678",
        &PhoneOptions {
            require_mobile: false,
            ..cn()
        },
    );
    assert_eq!(e164(&c), "+441212345678");
    // The country code typed without + is recognised too.
    assert_eq!(e164(&check("8613800138000")), "+8613800138000");
    // And the trunk 0 after a country code is dropped.
    let c = validate_phone(
        "+86 010 6552 9988",
        &PhoneOptions {
            require_mobile: false,
            ..cn()
        },
    );
    assert_eq!(e164(&c), "+861065529988");
}

#[test]
fn fixed_lines_and_service_numbers_cannot_receive_sms() {
    for (input, t) in [
        ("010-65529988", NumberType::FixedLine),
        ("(010) 6552 9988", NumberType::FixedLine),
        ("0755-86013388", NumberType::FixedLine),
        ("400-810-8888", NumberType::SharedCost),
        ("800-810-8888", NumberType::TollFree),
    ] {
        let c = check(input);
        assert_eq!(c.number_type, Some(t), "{input}");
        assert!(!c.valid, "{input}");
        assert_eq!(codes(&c), ["phone.not_mobile"], "{input}");
        let msg = c.findings[0].message(super::super::Lang::ZhCn);
        assert!(msg.contains("短信"), "{msg}");
        // Without the mobile requirement the same number is fine.
        let relaxed = validate_phone(
            input,
            &PhoneOptions {
                require_mobile: false,
                ..cn()
            },
        );
        assert!(relaxed.valid, "{input}");
    }
    // A number that may be either is a warning only.
    let c = check("+1 650 253 0000");
    assert_eq!(c.number_type, Some(NumberType::FixedLineOrMobile));
    assert!(c.valid);
    assert_eq!(codes(&c), ["phone.maybe_not_mobile"]);
}

#[test]
fn hong_kong_macao_taiwan_with_a_cn_default_region() {
    for (input, region) in [
        ("+852 5123 4567", "HK"),
        ("+853 6612 3456", "MO"),
        ("+886 912 345 678", "TW"),
        ("00852 5123 4567", "HK"),
    ] {
        let c = check(input);
        assert!(c.valid, "{input}: {:?}", c.findings);
        assert_eq!(c.region, Some(region));
    }
    let c = check("+886 2 2345 6789");
    assert_eq!(c.region, Some("TW"));
    assert_eq!(c.number_type, Some(NumberType::FixedLine));
}

#[test]
fn typed_the_way_people_type() {
    for input in [
        "１３８ ００１３ ８０００",
        "１３８\u{3000}００１３\u{3000}８０００",
        "手机：138-0013-8000",
        "Tel: +86 138.0013.8000",
        "+86 (138) 0013 8000",
        "0086 138 0013 8000",
        "＋８６１３８００１３８０００",
        "138\u{200B}00138000",
        // As libphonenumber reads them (issue #15): the country code in brackets, a symbol or
        // word before the number, a doubled plus sign, and digits of other scripts.
        "(+86) 138 0013 8000",
        "(+86)13800138000",
        "(86) 138 0013 8000",
        "☎️ 138 0013 8000",
        "📞13800138000",
        "☎ +86 138 0013 8000",
        "call 138 0013 8000",
        "++86 138 0013 8000",
        "+ 86 138 0013 8000",
        "00 86 138 0013 8000",
        "＋86 138 0013 8000",
        "138 0013 8000 📱",
        "138 0013 8000.",
        "+86 [138] 0013−8000",
        "+86 138ー0013ー8000",
        "١٣٨٠٠١٣٨٠٠٠",
        "+۸۶ ۱۳۸ ۰۰۱۳ ۸۰۰۰",
        "१३८००१३८०००",
    ] {
        let c = check(input);
        assert!(c.valid, "{input}: {:?}", c.findings);
        assert_eq!(e164(&c), "+8613800138000", "{input}");
    }
    // A national prefix in brackets after the country code, as Britons and Germans write it.
    let c = validate_phone(
        "+44 (0)121 234 5678",
        &PhoneOptions {
            require_mobile: false,
            ..cn()
        },
    );
    assert!(c.valid, "{:?}", c.findings);
    assert_eq!(e164(&c), "+441212345678");
}

#[test]
fn what_is_not_a_number() {
    assert_eq!(codes(&check("")), ["phone.empty"]);
    assert_eq!(codes(&check("   ")), ["phone.empty"]);
    assert_eq!(codes(&check("手机：")), ["phone.empty"]);
    // Bidirectional marks alone were typed (pasted): not a number, rather than nothing.
    for bidi in [
        "\u{200E}",
        "\u{200F}",
        "\u{202A}\u{202C}",
        "\u{202B}",
        "\u{202D}\u{202E}",
        "\u{2066}\u{2069}",
        "\u{2067}\u{2068}",
        " \u{200E}\u{200F} ",
    ] {
        assert_eq!(codes(&check(bidi)), ["phone.not_a_number"], "{}", bidi.escape_unicode());
    }
    assert_eq!(codes(&check("abc")), ["phone.not_a_number"]);
    assert_eq!(codes(&check("138-0013-800O")), ["phone.not_a_number"]);
    assert_eq!(codes(&check("138+00138000")), ["phone.not_a_number"]);
    // Symbols alone, and a vanity number: its letters cannot receive an SMS code.
    assert_eq!(codes(&check("☎️📞")), ["phone.not_a_number"]);
    assert_eq!(codes(&check("1-800-FLOWERS")), ["phone.not_a_number"]);
    assert_eq!(codes(&check("+999 1234")), ["phone.invalid_country_code"]);
    assert_eq!(codes(&check("+0 1234")), ["phone.invalid_country_code"]);
    assert_eq!(codes(&check("+86 1")), ["phone.too_short"]);
    assert_eq!(codes(&check("+86 123456789012345678")), ["phone.too_long"]);
    let none = PhoneOptions {
        default_region: None,
        ..cn()
    };
    assert_eq!(codes(&validate_phone("13800138000", &none)), ["phone.no_region"]);
    assert!(validate_phone("+86 13800138000", &none).valid);
    assert!(validate_phone("0086 13800138000", &none).valid);
}

#[test]
fn extensions_and_allowed_regions() {
    let c = validate_phone(
        "010-65529988 转 123",
        &PhoneOptions {
            require_mobile: false,
            ..cn()
        },
    );
    assert!(c.has_extension);
    assert_eq!(e164(&c), "+861065529988");
    assert_eq!(codes(&c), ["phone.extension"]);
    let c = validate_phone(
        "+1 650 253 0000 ext. 12",
        &PhoneOptions {
            require_mobile: false,
            ..cn()
        },
    );
    assert!(c.has_extension);
    assert_eq!(e164(&c), "+16502530000");

    let mainland_only = PhoneOptions {
        allowed_regions: Some(vec![Region::CN]),
        ..cn()
    };
    let c = validate_phone("+852 5123 4567", &mainland_only);
    assert_eq!(codes(&c), ["phone.region_not_allowed"]);
    assert!(c.findings[0].message(super::super::Lang::En).contains("HK"));
    assert!(validate_phone("13800138000", &mainland_only).valid);
}

#[test]
fn masked_output_hides_the_middle() {
    let c = check("13800138000");
    assert_eq!(c.e164.as_ref().unwrap().masked(), "+86138****8000");
    assert_eq!(c.masked("13800138000"), "+86138****8000");
    let bad = check("abc 138 0013 8000 x");
    assert_eq!(bad.masked("abc 138 0013 8000 x"), "138****8000");
}

#[test]
fn known_regions_include_the_usual_ones() {
    assert!(is_known_region("CN") && is_known_region("hk") && is_known_region("US"));
    assert!(!is_known_region("XX") && !is_known_region("001"));
    assert!(known_regions().len() > 200);
}

#[test]
fn the_carrier_and_what_its_segment_means_for_sms() {
    let c = check("138 0013 8000");
    let carrier = c.carrier.as_ref().unwrap();
    assert_eq!(
        (carrier.name.as_ref(), carrier.segment),
        ("China Mobile", Segment::Standard)
    );
    assert!(c.findings.is_empty());
    // A virtual operator: a warning by default, nothing when allowed, an error when refused.
    assert_eq!(codes(&check("170 3123 4567")), ["phone.virtual_operator"]);
    assert!(check("170 3123 4567").valid);
    let f = &check("165 1234 5678").findings[0];
    assert_eq!(
        f.message(crate::validate::Lang::ZhCn),
        "这是虚拟运营商号码（使用中国移动网络），许多银行和钱包不接受用它绑定。"
    );
    let allow = PhoneOptions {
        virtual_operator: SegmentPolicy::Allow,
        ..cn()
    };
    assert!(validate_phone("171 1234 5678", &allow).findings.is_empty());
    let reject = PhoneOptions {
        virtual_operator: SegmentPolicy::Reject,
        ..cn()
    };
    let c = validate_phone("171 1234 5678", &reject);
    assert!(!c.valid);
    assert_eq!(codes(&c), ["phone.virtual_operator_refused"]);
    // Data cards and satellite phones may not receive the code.
    assert_eq!(codes(&check("145 1234 5678")), ["phone.data_only"]);
    assert_eq!(codes(&check("+86 174 0012 3456")), ["phone.satellite"]);
    assert_eq!(codes(&check("+881 6 1234 5678")), ["phone.satellite"]);
    // A fixed line has no carrier, and its own finding.
    let c = validate_phone(
        "010 6552 9988",
        &PhoneOptions {
            require_mobile: false,
            ..cn()
        },
    );
    assert!(c.carrier.is_none() && c.findings.is_empty());
}

#[test]
fn a_profiles_ranges_add_a_segment_the_metadata_lacks() {
    // 149 is China Telecom's data-card segment, which libphonenumber 9.0.33 does not have.
    assert_eq!(codes(&check("149 1234 5678")), ["phone.invalid"]);
    let ranges = PhoneRanges::parse("+86 149,mobile,China Telecom,中国电信,standard\n+86 165,,,,standard\n").unwrap();
    let options = PhoneOptions {
        ranges: Some(Arc::new(ranges)),
        ..cn()
    };
    let c = validate_phone("149 1234 5678", &options);
    assert!(c.valid, "{:?}", c.findings);
    assert_eq!((c.number_type, c.region), (Some(NumberType::Mobile), Some("CN")));
    assert_eq!(c.carrier.as_ref().map(|c| c.name.as_ref()), Some("China Telecom"));
    // A wrong length stays wrong; an override of the segment only keeps the bundled name.
    assert_eq!(codes(&validate_phone("149 1234 567", &options)), ["phone.too_short"]);
    let c = validate_phone("165 1234 5678", &options);
    assert!(c.findings.is_empty());
    assert_eq!(c.carrier.as_ref().map(|c| c.name.as_ref()), Some("China Mobile"));
}

/// The extension pattern, with its Unicode classes written out for regex-lite, captures what
/// the same pattern with the `regex` crate's Unicode `\s` and case folding captured, on inputs
/// made of every piece an extension can have: each Unicode space, both cases, the long s,
/// digits of other scripts (folded first, as [`clean`] folds them before the pattern).
#[test]
fn extensions_as_the_unicode_pattern_reads_them() {
    let unicode = regex::Regex::new(&extension_pattern(r"\s", "s")).expect("compiles");
    let numbers = ["138 0013 8000", "+1 650-253-0000", "010-1234)", "5", ""];
    let marks = [
        ";ext=",
        ",",
        "ext",
        "EXT.",
        "Extension",
        "extenſion",
        "EXTENSION:",
        "x",
        "X",
        "#",
        "转",
        "分机",
        "ext:",
        "x.",
        "ｘ",
        "e xt",
        "extn",
    ];
    let spaces = [
        "", " ", "\u{3000}", "\u{A0}", "\t", "\u{2009}", "\u{200B}", "\u{85}", "  ",
    ];
    let tails = ["123", "1234567", "12345678", "12#", "", "١٢", "x9"];
    let mut checked = 0;
    for number in numbers {
        for mark in marks {
            for space in spaces {
                for tail in tails {
                    let typed = format!("{number}{space}{mark}{space}{tail}");
                    let input: String = typed.chars().map(text::fold_digit).collect();
                    let spans = |c: Option<regex::Captures>| {
                        c.map(|c| (c.get(1).map(|m| m.range()), c.get(2).map(|m| m.range())))
                    };
                    let lite = EXTENSION
                        .captures(&input)
                        .map(|c| (c.get(1).map(|m| m.range()), c.get(2).map(|m| m.range())));
                    assert_eq!(lite, spans(unicode.captures(&input)), "{input:?}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 5000);
}

//! IDNA2008 (RFC 5891, RFC 5892): the code points a domain label may hold.
//!
//! UTS #46, which the `idna` crate implements, maps a domain (case, width, compatibility
//! forms) and checks it, but lets through what IDNA2008 disallows: symbols, emoji and
//! punctuation such as `☃`, `😀` or `©`. Registries and mail systems follow IDNA2008, so an
//! address at such a name cannot be registered or cannot receive mail. The derived property of
//! RFC 5892 section 3 is computed here from the Unicode character properties (crate
//! `icu_properties`, whose data `idna` already builds on), and the contextual rules of its
//! appendix A are applied to the code points that need them. The joiners (CONTEXTJ) are left
//! to UTS #46, whose _CheckJoiners_ applies the same rules.

use icu_properties::props::{
    DefaultIgnorableCodePoint, GeneralCategory, HangulSyllableType, NoncharacterCodePoint, Script, WhiteSpace,
};
use icu_properties::{CodePointMapData, CodePointSetData};

/// What RFC 5892 lets a code point be in a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Property {
    /// Protocol-valid anywhere.
    Pvalid,
    /// Valid only where its rule in appendix A.3 to A.9 holds.
    ContextO,
    /// A joiner (U+200C, U+200D): valid where appendix A.1 or A.2 holds.
    ContextJ,
    /// Never valid (and unassigned code points, which are not valid either).
    Disallowed,
}

/// The first code point of `label` that IDNA2008 does not allow where it stands, if any.
///
/// `label` is one label as UTS #46 mapped it: lowercase, NFC, with compatibility forms
/// replaced. Each of its code points is therefore stable under that mapping, which is how
/// RFC 5892 defines its "Unstable" category, so that category is not computed again here.
pub(crate) fn disallowed(label: &str) -> Option<char> {
    let chars: Vec<char> = label.chars().collect();
    (0..chars.len())
        .find(|&i| match property(chars[i]) {
            Property::Pvalid | Property::ContextJ => false,
            Property::ContextO => !context_holds(&chars, i),
            Property::Disallowed => true,
        })
        .map(|i| chars[i])
}

/// The derived property of `c` (RFC 5892 section 3), with the exceptions of section 2.6.
fn property(c: char) -> Property {
    match c {
        // Exceptions (section 2.6).
        '\u{00DF}' | '\u{03C2}' | '\u{06FD}' | '\u{06FE}' | '\u{0F0B}' | '\u{3007}' => return Property::Pvalid,
        '\u{00B7}' | '\u{0375}' | '\u{05F3}' | '\u{05F4}' | '\u{30FB}' => return Property::ContextO,
        '\u{0660}'..='\u{0669}' | '\u{06F0}'..='\u{06F9}' => return Property::ContextO,
        '\u{0640}' | '\u{07FA}' | '\u{302E}' | '\u{302F}' | '\u{3031}'..='\u{3035}' | '\u{303B}' => {
            return Property::Disallowed
        }
        // LDH (section 2.4) and JoinControl (section 2.8).
        'a'..='z' | '0'..='9' | '-' => return Property::Pvalid,
        '\u{200C}' | '\u{200D}' => return Property::ContextJ,
        _ => {}
    }
    let category = CodePointMapData::<GeneralCategory>::new().get(c);
    // Unassigned (section 2.10).
    if category == GeneralCategory::Unassigned {
        return Property::Disallowed;
    }
    // IgnorableProperties (section 2.3), IgnorableBlocks (2.4: Combining Diacritical Marks
    // for Symbols, Musical Symbols, Ancient Greek Musical Notation), OldHangulJamo (2.9).
    let ignorable = CodePointSetData::new::<DefaultIgnorableCodePoint>().contains(c)
        || CodePointSetData::new::<WhiteSpace>().contains(c)
        || CodePointSetData::new::<NoncharacterCodePoint>().contains(c);
    let ignorable_block = matches!(c, '\u{20D0}'..='\u{20FF}' | '\u{1D100}'..='\u{1D24F}');
    let jamo = CodePointMapData::<HangulSyllableType>::new().get(c);
    let old_jamo = matches!(
        jamo,
        HangulSyllableType::LeadingJamo | HangulSyllableType::VowelJamo | HangulSyllableType::TrailingJamo
    );
    if ignorable || ignorable_block || old_jamo {
        return Property::Disallowed;
    }
    // LetterDigits (section 2.1).
    match category {
        GeneralCategory::LowercaseLetter
        | GeneralCategory::UppercaseLetter
        | GeneralCategory::OtherLetter
        | GeneralCategory::DecimalNumber
        | GeneralCategory::ModifierLetter
        | GeneralCategory::NonspacingMark
        | GeneralCategory::SpacingMark => Property::Pvalid,
        _ => Property::Disallowed,
    }
}

/// Whether the contextual rule of the CONTEXTO code point at `label[i]` holds (RFC 5892
/// appendix A.3 to A.9).
fn context_holds(label: &[char], i: usize) -> bool {
    let script = |c: char| CodePointMapData::<Script>::new().get(c);
    let before = i.checked_sub(1).map(|j| label[j]);
    let after = label.get(i + 1).copied();
    let any = |range: std::ops::RangeInclusive<char>| label.iter().any(|c| range.contains(c));
    match label[i] {
        // MIDDLE DOT: between two l (Catalan ela geminada).
        '\u{00B7}' => before == Some('l') && after == Some('l'),
        // GREEK LOWER NUMERAL SIGN (KERAIA): before a Greek letter.
        '\u{0375}' => after.is_some_and(|c| script(c) == Script::Greek),
        // HEBREW PUNCTUATION GERESH and GERSHAYIM: after a Hebrew letter.
        '\u{05F3}' | '\u{05F4}' => before.is_some_and(|c| script(c) == Script::Hebrew),
        // KATAKANA MIDDLE DOT: in a label with Hiragana, Katakana or Han.
        '\u{30FB}' => label
            .iter()
            .any(|&c| matches!(script(c), Script::Hiragana | Script::Katakana | Script::Han)),
        // ARABIC-INDIC DIGITS and EXTENDED ARABIC-INDIC DIGITS: never mixed.
        '\u{0660}'..='\u{0669}' => !any('\u{06F0}'..='\u{06F9}'),
        '\u{06F0}'..='\u{06F9}' => !any('\u{0660}'..='\u{0669}'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_digits_and_marks_of_every_script_are_valid() {
        for label in [
            "zhang",
            "例子",
            "中国",
            "臺網中心",
            "ñoñó",
            "екзампл",
            "εχαμπλε",
            "मोहन",
            "ß",
            "ς",
            "l·l",
        ] {
            assert_eq!(disallowed(label), None, "{label}");
        }
    }

    #[test]
    fn symbols_emoji_and_punctuation_are_not() {
        for (label, bad) in [
            ("☃", '☃'),
            ("😀", '😀'),
            ("com©", '©'),
            ("a·b", '·'),
            ("a\u{0640}b", '\u{0640}'),
            ("x\u{20D0}", '\u{20D0}'),
            ("\u{1100}", '\u{1100}'),
            ("a\u{E000}", '\u{E000}'),
            ("a\u{0378}", '\u{0378}'),
        ] {
            assert_eq!(disallowed(label), Some(bad), "{label}");
        }
    }

    #[test]
    fn contextual_rules() {
        assert_eq!(disallowed("\u{0375}α"), None);
        assert_eq!(disallowed("\u{0375}a"), Some('\u{0375}'));
        assert_eq!(disallowed("א\u{05F3}"), None);
        assert_eq!(disallowed("\u{05F3}"), Some('\u{05F3}'));
        assert_eq!(disallowed("カ\u{30FB}カ"), None);
        assert_eq!(disallowed("a\u{30FB}b"), Some('\u{30FB}'));
        assert_eq!(disallowed("\u{0661}\u{0662}"), None);
        assert_eq!(disallowed("\u{0661}\u{06F2}"), Some('\u{0661}'));
    }
}

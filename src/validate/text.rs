//! Small text normalizations shared by the validators: what Chinese input methods and
//! copy-and-paste do to digits, spaces and punctuation.

/// Folds a full-width ASCII variant (U+FF01..=U+FF5E) and the ideographic space to ASCII,
/// and the ideographic full stop `。` to `.`. Other characters are returned unchanged.
pub fn fold_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{3002}' | '\u{FF61}' => '.',
        _ => c,
    }
}

/// Whether `c` is a space of any kind people paste: ASCII space and tab, no-break space,
/// the ideographic space, and the other Unicode space separators.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{00A0}' || c == '\u{202F}' || c == '\u{2007}'
}

/// Whether `c` is invisible: zero-width characters, the byte-order mark, bidirectional
/// controls and other format characters that come along when text is pasted.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{00AD}'
            | '\u{180E}'
    )
}

/// Removes a leading label such as `手机：`, `电话:`, `Tel:` or `Mobile` that people paste
/// together with the value. The label is everything before a colon when it has no digits,
/// or one of a few known words.
pub fn strip_label(s: &str) -> &str {
    let s = s.trim_matches(|c| is_space(c) || is_invisible(c));
    if let Some((head, tail)) = s.split_once([':', '：']) {
        if !head.is_empty()
            && !head
                .chars()
                .any(|c| c.is_ascii_digit() || fold_width(c).is_ascii_digit())
        {
            return tail.trim_matches(|c| is_space(c) || is_invisible(c));
        }
    }
    const LABELS: [&str; 9] = [
        "手机号码",
        "手机号",
        "手机",
        "电话",
        "tel",
        "phone",
        "mobile",
        "mob",
        "cell",
    ];
    for label in LABELS {
        if let Some(head) = s.get(..label.len()) {
            if head.eq_ignore_ascii_case(label) {
                let rest = &s[label.len()..];
                if rest.starts_with(|c: char| {
                    c == '+' || c.is_ascii_digit() || is_space(c) || fold_width(c).is_ascii_digit()
                }) {
                    return rest.trim_start_matches(is_space);
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_digits_and_spaces_fold() {
        let s: String = "１３８　００１３＋（）－".chars().map(fold_width).collect();
        assert_eq!(s, "138 0013+()-");
        assert_eq!(fold_width('。'), '.');
        assert_eq!(fold_width('．'), '.');
        assert_eq!(fold_width('＠'), '@');
        assert_eq!(fold_width('张'), '张');
    }

    #[test]
    fn labels_are_stripped() {
        assert_eq!(strip_label("手机：138 0013 8000"), "138 0013 8000");
        assert_eq!(strip_label("Tel: +86 10 1234"), "+86 10 1234");
        assert_eq!(strip_label("手机号13800138000"), "13800138000");
        assert_eq!(strip_label("mobile +44 7400"), "+44 7400");
        // A colon after digits is not a label.
        assert_eq!(strip_label("10:30"), "10:30");
        assert_eq!(strip_label("  13800138000 "), "13800138000");
    }
}

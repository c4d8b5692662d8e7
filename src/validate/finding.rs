//! The finding model: what a check found, how bad it is, and what to do about it.

use serde::Serialize;
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use super::catalog::Code;

/// How much a finding matters for a bind attempt.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing to fix.
    Info,
    /// The bind will probably work, but something is off.
    Warning,
    /// The bind will fail unless this is fixed.
    Error,
}

impl Severity {
    /// The stable lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The input field a finding concerns.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Phone,
    Email,
    Card,
    Expiry,
    Cvv,
    IdNumber,
    Name,
}

impl Field {
    /// Every field, in the order reports list them.
    pub const ALL: [Field; 7] = [
        Field::Phone,
        Field::Email,
        Field::Card,
        Field::Expiry,
        Field::Cvv,
        Field::IdNumber,
        Field::Name,
    ];

    /// The stable snake_case name, as in JSON keys and CSV headers.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Phone => "phone",
            Field::Email => "email",
            Field::Card => "card",
            Field::Expiry => "expiry",
            Field::Cvv => "cvv",
            Field::IdNumber => "id_number",
            Field::Name => "name",
        }
    }

    /// A human label for the field.
    pub fn label(self, lang: Lang) -> &'static str {
        match (lang, self) {
            (Lang::En, Field::Phone) => "Phone",
            (Lang::En, Field::Email) => "Email",
            (Lang::En, Field::Card) => "Card number",
            (Lang::En, Field::Expiry) => "Expiry date",
            (Lang::En, Field::Cvv) => "Security code",
            (Lang::En, Field::IdNumber) => "ID number",
            (Lang::En, Field::Name) => "Cardholder name",
            (Lang::ZhCn, Field::Phone) => "手机号码",
            (Lang::ZhCn, Field::Email) => "电子邮箱",
            (Lang::ZhCn, Field::Card) => "银行卡号",
            (Lang::ZhCn, Field::Expiry) => "有效期",
            (Lang::ZhCn, Field::Cvv) => "安全码",
            (Lang::ZhCn, Field::IdNumber) => "身份证号",
            (Lang::ZhCn, Field::Name) => "持卡人姓名",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The language of messages and hints.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub enum Lang {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Lang {
    /// The BCP 47 tag: `en` or `zh-CN`.
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// Of a text and its translation, the one in this language: `lang.pick("ok", "正常")`.
    pub fn pick<T>(self, en: T, zh: T) -> T {
        match self {
            Lang::En => en,
            Lang::ZhCn => zh,
        }
    }

    /// The language a POSIX locale value such as `zh_CN.UTF-8` asks for; English when
    /// the value names no language bindcheck speaks.
    pub fn from_locale(value: &str) -> Lang {
        let lower = value.trim().to_ascii_lowercase();
        if lower.starts_with("zh") {
            Lang::ZhCn
        } else {
            Lang::En
        }
    }
}

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            "zh" | "zh-cn" | "zh-hans" | "zh-hans-cn" | "cn" | "chinese" => Ok(Lang::ZhCn),
            _ => Err(UnknownLang(s.to_owned())),
        }
    }
}

/// A language tag bindcheck has no messages for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownLang(pub String);

impl fmt::Display for UnknownLang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The tag is kept, not shown: an error never repeats a submitted value.
        f.write_str("unknown language: use `en` or `zh-CN`")
    }
}

impl std::error::Error for UnknownLang {}

/// One thing a check found.
///
/// `detail` fills the `{detail}` placeholder of the code's message; it never holds the
/// user's input (only things such as a brand, a region, a suggested domain or a length).
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub field: Field,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<Detail>,
}

/// What fills a message's `{detail}`: the same text in every language (a brand, a region,
/// a suggested domain, a length), or a word that has a translation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Detail {
    Text(String),
    Localized {
        en: Cow<'static, str>,
        zh: Cow<'static, str>,
    },
}

impl Detail {
    /// A word and its translation: `("expired", "已过期")`, or a carrier's two names.
    pub fn localized(en: impl Into<Cow<'static, str>>, zh: impl Into<Cow<'static, str>>) -> Detail {
        Detail::Localized {
            en: en.into(),
            zh: zh.into(),
        }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match (self, lang) {
            (Detail::Text(s), _) => s,
            (Detail::Localized { en, .. }, Lang::En) => en,
            (Detail::Localized { zh, .. }, Lang::ZhCn) => zh,
        }
    }
}

impl Serialize for Detail {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.get(Lang::En))
    }
}

impl Finding {
    /// A finding with the code's default severity.
    pub fn new(field: Field, code: Code) -> Finding {
        Finding {
            code,
            severity: code.severity(),
            field,
            detail: None,
        }
    }

    /// The same finding with `detail` filled in.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Finding {
        self.detail = Some(Detail::Text(detail.into()));
        self
    }

    /// The same finding with a `detail` that has a translation.
    pub fn with_localized_detail(
        mut self,
        en: impl Into<Cow<'static, str>>,
        zh: impl Into<Cow<'static, str>>,
    ) -> Finding {
        self.detail = Some(Detail::localized(en, zh));
        self
    }

    /// The same finding with another severity.
    pub fn with_severity(mut self, severity: Severity) -> Finding {
        self.severity = severity;
        self
    }

    /// What is wrong, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        self.message_text(lang).into_owned()
    }

    /// What to do about it, in `lang`.
    pub fn hint(&self, lang: Lang) -> String {
        self.hint_text(lang).into_owned()
    }

    /// The message, borrowed from the catalog when it has no `{detail}`.
    fn message_text(&self, lang: Lang) -> Cow<'static, str> {
        fill(self.code.message(lang), self.detail.as_ref().map(|d| d.get(lang)))
    }

    /// The hint, borrowed from the catalog when it has no `{detail}`.
    fn hint_text(&self, lang: Lang) -> Cow<'static, str> {
        fill(self.code.hint(lang), self.detail.as_ref().map(|d| d.get(lang)))
    }

    /// The finding with its texts resolved, as every output format carries it. Texts
    /// without a `{detail}` are the catalog's own, not copies: a batch writes millions.
    pub fn localized(&self, lang: Lang) -> LocalizedFinding {
        LocalizedFinding {
            code: self.code,
            severity: self.severity,
            field: self.field,
            message: self.message_text(lang),
            hint: self.hint_text(lang),
        }
    }
}

/// A finding with its message and hint in one language.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LocalizedFinding {
    pub code: Code,
    pub severity: Severity,
    pub field: Field,
    pub message: Cow<'static, str>,
    pub hint: Cow<'static, str>,
}

/// The text around the first `{detail}` of `template`, if it has one. Searched for its `{`
/// (a byte search) rather than by `str::split_once("{detail}")`, whose substring searcher
/// cost about 300 instructions to set up for every finding shown.
fn split_detail(template: &str) -> Option<(&str, &str)> {
    const PLACE: &str = "{detail}";
    let mut from = 0;
    while let Some(at) = template[from..].find('{') {
        let at = from + at;
        if template[at..].starts_with(PLACE) {
            return Some((&template[..at], &template[at + PLACE.len()..]));
        }
        from = at + 1;
    }
    None
}

/// `template` with its `{detail}` filled. A Chinese template spaces a Latin detail off from
/// the characters around it (`不接受 HK 的号码`); a detail that begins or ends in Chinese
/// (`中国香港`) takes the space on that side away.
fn fill(template: &'static str, detail: Option<&str>) -> Cow<'static, str> {
    match filled(template, detail.unwrap_or("?")) {
        Some(text) => Cow::Owned(text),
        None => Cow::Borrowed(template),
    }
}

/// The text before and after a detail, without the spaces that part a Latin detail from
/// Chinese text on a side where the detail itself is Chinese.
fn spaced<'a>(before: &'a str, detail: &str, after: &'a str) -> (&'a str, &'a str) {
    let wide = |c: Option<char>| c.is_some_and(|c| c >= '\u{2e80}');
    let before = if wide(detail.chars().next()) && wide(before.trim_end_matches(' ').chars().last()) {
        before.trim_end_matches(' ')
    } else {
        before
    };
    let after = if wide(detail.chars().last()) && wide(after.trim_start_matches(' ').chars().next()) {
        after.trim_start_matches(' ')
    } else {
        after
    };
    (before, after)
}

/// [`fill`]'s text when `template` has a `{detail}`.
fn filled(template: &str, detail: &str) -> Option<String> {
    let (before, after) = split_detail(template)?;
    let (before, after) = spaced(before, detail, after);
    let mut text = String::with_capacity(before.len() + detail.len() + after.len());
    text.push_str(before);
    text.push_str(detail);
    // A later `{detail}` is filled too, without the spacing rule.
    let mut rest = after;
    while let Some((head, tail)) = split_detail(rest) {
        text.push_str(head);
        text.push_str(detail);
        rest = tail;
    }
    text.push_str(rest);
    Some(text)
}

/// The most severe finding in `findings`, if any.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

#[cfg(feature = "schemars")]
impl schemars::JsonSchema for Detail {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Detail".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lang_parses_common_spellings() {
        assert_eq!("zh_CN".parse::<Lang>().unwrap(), Lang::ZhCn);
        assert_eq!("zh-Hans".parse::<Lang>().unwrap(), Lang::ZhCn);
        assert_eq!("EN".parse::<Lang>().unwrap(), Lang::En);
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Lang::ZhCn);
        assert_eq!(Lang::from_locale("C.UTF-8"), Lang::En);
    }

    #[test]
    fn detail_fills_the_message_in_both_languages() {
        let f = Finding::new(Field::Email, Code::EmailTypo).with_detail("qq.com");
        assert!(f.message(Lang::En).contains("qq.com"));
        assert!(f.message(Lang::ZhCn).contains("qq.com"));
        assert_eq!(f.severity, Severity::Warning);
    }

    #[test]
    fn worst_picks_the_highest_severity() {
        let fs = [
            Finding::new(Field::Phone, Code::PhoneMaybeNotMobile),
            Finding::new(Field::Card, Code::CardLuhn),
        ];
        assert_eq!(worst(&fs), Some(Severity::Error));
        assert_eq!(worst(&[]), None);
    }

    /// What [`filled`] was written as: the substring searches it does without.
    fn filled_by_definition(template: &str, detail: &str) -> Option<String> {
        let (before, after) = template.split_once("{detail}")?;
        let (before, after) = spaced(before, detail, after);
        Some(format!("{before}{detail}{}", after.replace("{detail}", detail)))
    }

    #[test]
    fn a_chinese_template_spaces_a_latin_detail_only() {
        assert_eq!(
            filled("不接受 {detail} 的号码", "HK").as_deref(),
            Some("不接受 HK 的号码")
        );
        assert_eq!(
            filled("不接受 {detail} 的号码", "中国香港").as_deref(),
            Some("不接受中国香港的号码")
        );
        assert_eq!(filled("no detail here {", "x"), None);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        #[test]
        fn filling_is_the_substring_definition(
            template in "([a-z {}]|\\{detail\\}|\\{det|不|号| ){0,12}",
            detail in "[a-zA-Z0-9 {}]{0,4}|中国香港|香港 X",
        ) {
            proptest::prop_assert_eq!(filled(&template, &detail), filled_by_definition(&template, &detail));
        }
    }
}

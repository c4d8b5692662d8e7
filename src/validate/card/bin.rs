//! A wallet's BIN table: which card-number prefixes (issuing banks) it supports, who issues
//! each, of which kind, in which country and on which networks. Parsed from CSV text;
//! reading the file is the caller's job.
//!
//! Two layouts (docs/profile.md, "BIN tables"): the classic `prefix,issuer[,kind]`, and the
//! one a header line names when it names a column the classic layout lacks
//! (`prefix,issuer,issuer_zh,kind,country,brands`, any order after `prefix`).

use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashMap;

use super::brand::Brand;
use crate::validate::finding::Lang;

/// What kind of card a BIN issues.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CardKind {
    Debit,
    Credit,
    Prepaid,
}

impl CardKind {
    /// Parses `debit`, `credit` or `prepaid` (also 借记卡 / 信用卡 / 预付卡).
    pub fn parse(s: &str) -> Option<CardKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "debit" | "借记卡" | "储蓄卡" => Some(CardKind::Debit),
            "credit" | "信用卡" => Some(CardKind::Credit),
            "prepaid" | "预付卡" => Some(CardKind::Prepaid),
            _ => None,
        }
    }

    /// The kebab-case name.
    pub fn label(self) -> &'static str {
        match self {
            CardKind::Debit => "debit",
            CardKind::Credit => "credit",
            CardKind::Prepaid => "prepaid",
        }
    }

    /// The kind as Chinese banks name it: 借记卡, 信用卡, 预付卡.
    pub fn name_zh(self) -> &'static str {
        match self {
            CardKind::Debit => "借记卡",
            CardKind::Credit => "信用卡",
            CardKind::Prepaid => "预付卡",
        }
    }
}

/// One row of a BIN table.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BinEntry {
    /// The leading digits (usually 6 or 8).
    pub prefix: String,
    /// The issuing bank's name (in English, or as the table writes it).
    pub issuer: String,
    /// The issuing bank's name in Chinese, when the table gives one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issuer_zh: Option<String>,
    /// The card kind, when the table says.
    pub kind: Option<CardKind>,
    /// The issuer's country, ISO 3166-1 alpha-2 in capitals (`CN`), when the table says.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// The networks cards of this prefix carry, when the table says: more than one for a
    /// co-badged card (`unionpay+visa`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub brands: Vec<Brand>,
}

impl BinEntry {
    /// The issuer's name in `lang`: the Chinese one for `zh-CN` when the table has it.
    pub fn issuer_name(&self, lang: Lang) -> &str {
        match (lang, &self.issuer_zh) {
            (Lang::ZhCn, Some(zh)) => zh,
            _ => &self.issuer,
        }
    }
}

/// Prefixes a wallet supports, matched longest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BinTable {
    /// In the file's order.
    entries: Vec<BinEntry>,
    /// Each prefix's first entry.
    by_prefix: HashMap<String, usize>,
    /// The prefix lengths in the table, longest first.
    lengths: Vec<usize>,
    version: Option<String>,
}

/// A BIN table line that cannot be read: which line, and what is wrong with it. Nothing
/// from the line is repeated: a full card number put there by mistake would be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct BinTableError {
    /// 1-based line number.
    pub line: usize,
    pub problem: BinTableProblem,
}

impl BinTableError {
    /// What to do about it, for a message that names the file.
    pub fn hint(&self) -> &'static str {
        "each line is prefix,issuer,kind (kind debit, credit, prepaid or empty), or has the columns a header line names: prefix,issuer,issuer_zh,kind,country,brands (docs/profile.md, \"BIN tables\")"
    }

    /// [`BinTableError::hint`] in Simplified Chinese.
    pub fn hint_zh(&self) -> &'static str {
        "每行写 `prefix,issuer,kind`（卡种 `kind` 为 `debit`、`credit`、`prepaid` 或留空），或者写表头一行所列的各列：`prefix,issuer,issuer_zh,kind,country,brands`（见 docs/profile.md 的 `BIN tables` 一节）"
    }
}

/// What is wrong with a BIN table line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BinTableProblem {
    #[error("expected 2 or 3 columns (prefix,issuer,kind), found {0}")]
    Columns(usize),
    #[error("the prefix must be 1 to 11 digits (it has {0} characters)")]
    Prefix(usize),
    #[error("the kind must be debit, credit or prepaid")]
    Kind,
    #[error("a quoted value is not closed on its line, or something other than a comma follows its closing quote")]
    Quote,
    #[error("the header names {named} columns, this line has {found}")]
    Values { found: usize, named: usize },
    #[error("column {0} of the header is not one of prefix, issuer, issuer_zh, kind, country, brands")]
    UnknownColumn(usize),
    #[error("column {0} of the header names a column named before it")]
    RepeatedColumn(usize),
    #[error("the header names no issuer column")]
    NoIssuer,
    #[error("the country must be two letters, an ISO 3166 code such as CN")]
    Country,
    #[error("the brands must be card brand names joined by + (such as unionpay+visa), as braintree's credit-card-type names them")]
    Brands,
}

impl BinTableProblem {
    /// What is wrong, in Simplified Chinese.
    pub fn zh(&self) -> String {
        match self {
            BinTableProblem::Columns(n) => format!("应有 2 或 3 列（`prefix,issuer,kind`），实际有 {n} 列"),
            BinTableProblem::Prefix(n) => format!("前缀必须是 1 到 11 位数字（它有 {n} 个字符）"),
            BinTableProblem::Kind => "卡种只能是 `debit`、`credit` 或 `prepaid`".into(),
            BinTableProblem::Quote => "引号在本行内没有闭合，或闭合的引号后面跟的不是逗号".into(),
            BinTableProblem::Values { found, named } => format!("表头列出了 {named} 列，这一行有 {found} 列"),
            BinTableProblem::UnknownColumn(n) => {
                format!("表头第 {n} 列不是 `prefix`、`issuer`、`issuer_zh`、`kind`、`country`、`brands` 之一")
            }
            BinTableProblem::RepeatedColumn(n) => format!("表头第 {n} 列与前面的某一列同名"),
            BinTableProblem::NoIssuer => "表头里没有 `issuer` 列".into(),
            BinTableProblem::Country => "国家必须是两个字母的 ISO 3166 代码，例如 CN".into(),
            BinTableProblem::Brands => {
                "卡组织必须是用 + 连接的卡组织名称（例如 unionpay+visa），名称与 braintree 的 credit-card-type 相同"
                    .into()
            }
        }
    }
}

/// A column of the layout a header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Prefix,
    Issuer,
    IssuerZh,
    Kind,
    Country,
    Brands,
}

impl Column {
    fn parse(name: &str) -> Option<Column> {
        match name.to_ascii_lowercase().as_str() {
            "prefix" => Some(Column::Prefix),
            "issuer" => Some(Column::Issuer),
            "issuer_zh" => Some(Column::IssuerZh),
            "kind" => Some(Column::Kind),
            "country" => Some(Column::Country),
            "brands" => Some(Column::Brands),
            _ => None,
        }
    }

    /// Whether the classic layout lacks this column: a header naming one selects the
    /// layout it names.
    fn is_extended(self) -> bool {
        matches!(self, Column::IssuerZh | Column::Country | Column::Brands)
    }
}

/// How the lines of a table are read.
enum Layout {
    /// `prefix,issuer` and an optional `kind`, whatever a header says.
    Classic,
    /// The columns a header names, each line having all of them.
    Named(Vec<Column>),
}

impl Layout {
    /// The layout a header line (its first value is `prefix`) selects.
    fn of_header(names: &[Cow<'_, str>]) -> Result<Layout, BinTableProblem> {
        let columns: Vec<Option<Column>> = names.iter().map(|n| Column::parse(n)).collect();
        if !columns.iter().flatten().any(|c| c.is_extended()) {
            return Ok(Layout::Classic);
        }
        let mut named = Vec::with_capacity(columns.len());
        for (i, column) in columns.into_iter().enumerate() {
            let column = column.ok_or(BinTableProblem::UnknownColumn(i + 1))?;
            if named.contains(&column) {
                return Err(BinTableProblem::RepeatedColumn(i + 1));
            }
            named.push(column);
        }
        if !named.contains(&Column::Issuer) {
            return Err(BinTableProblem::NoIssuer);
        }
        Ok(Layout::Named(named))
    }

    /// The entry a data line's values make.
    fn entry(&self, values: &[Cow<'_, str>]) -> Result<BinEntry, BinTableProblem> {
        match self {
            Layout::Classic => {
                if values.len() < 2 || values.len() > 3 {
                    return Err(BinTableProblem::Columns(values.len()));
                }
                Ok(BinEntry {
                    prefix: prefix(&values[0])?,
                    issuer: values[1].clone().into_owned(),
                    issuer_zh: None,
                    kind: values.get(2).map_or(Ok(None), |k| kind(k))?,
                    country: None,
                    brands: Vec::new(),
                })
            }
            Layout::Named(columns) => {
                if values.len() != columns.len() {
                    return Err(BinTableProblem::Values {
                        found: values.len(),
                        named: columns.len(),
                    });
                }
                let mut entry = BinEntry {
                    prefix: String::new(),
                    issuer: String::new(),
                    issuer_zh: None,
                    kind: None,
                    country: None,
                    brands: Vec::new(),
                };
                for (column, value) in columns.iter().zip(values) {
                    match column {
                        Column::Prefix => entry.prefix = prefix(value)?,
                        Column::Issuer => entry.issuer = value.clone().into_owned(),
                        Column::IssuerZh => entry.issuer_zh = (!value.is_empty()).then(|| value.clone().into_owned()),
                        Column::Kind => entry.kind = kind(value)?,
                        Column::Country => entry.country = country(value)?,
                        Column::Brands => entry.brands = brands(value)?,
                    }
                }
                Ok(entry)
            }
        }
    }
}

/// 1 to 11 digits.
fn prefix(value: &str) -> Result<String, BinTableProblem> {
    if value.is_empty() || value.len() > 11 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(BinTableProblem::Prefix(value.chars().count()));
    }
    Ok(value.to_owned())
}

/// A card kind, or none when empty.
fn kind(value: &str) -> Result<Option<CardKind>, BinTableProblem> {
    if value.is_empty() {
        return Ok(None);
    }
    CardKind::parse(value).map(Some).ok_or(BinTableProblem::Kind)
}

/// Two letters, in capitals; none when empty.
fn country(value: &str) -> Result<Option<String>, BinTableProblem> {
    if value.is_empty() {
        return Ok(None);
    }
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(BinTableProblem::Country);
    }
    Ok(Some(value.to_ascii_uppercase()))
}

/// Brand names joined by `+`, each once, in the table's order; none when empty.
fn brands(value: &str) -> Result<Vec<Brand>, BinTableProblem> {
    let mut brands = Vec::new();
    if value.is_empty() {
        return Ok(brands);
    }
    for name in value.split('+') {
        let brand: Brand = name.parse().map_err(|_| BinTableProblem::Brands)?;
        if !brands.contains(&brand) {
            brands.push(brand);
        }
    }
    Ok(brands)
}

/// The values of one line, each trimmed: split at commas, except that a value whose first
/// character (after spaces) is `"` is quoted: it runs to the next lone `"`, `""` inside it
/// stands for one `"`, and only spaces may come between its closing quote and the next
/// comma. A `"` anywhere else is text. `None` for a quote not closed on the line, or text
/// after a closing quote.
fn values(row: &str) -> Option<Vec<Cow<'_, str>>> {
    let mut values = Vec::new();
    let mut rest = row;
    loop {
        let Some(mut inner) = rest.trim_start().strip_prefix('"') else {
            match rest.split_once(',') {
                Some((value, next)) => {
                    values.push(Cow::Borrowed(value.trim()));
                    rest = next;
                    continue;
                }
                None => {
                    values.push(Cow::Borrowed(rest.trim()));
                    return Some(values);
                }
            }
        };
        let mut value = String::new();
        let after = loop {
            let end = inner.find('"')?;
            value.push_str(&inner[..end]);
            let tail = &inner[end + 1..];
            match tail.strip_prefix('"') {
                Some(more) => {
                    value.push('"');
                    inner = more;
                }
                None => break tail.trim_start(),
            }
        };
        values.push(Cow::Owned(value.trim().to_owned()));
        if after.is_empty() {
            return Some(values);
        }
        rest = after.strip_prefix(',')?;
    }
}

/// The text of a `# version: TEXT` comment (after its `#`), when it is one.
fn version_of(comment: &str) -> Option<String> {
    let rest = comment.trim_start();
    let key = rest.get(..7).filter(|k| k.eq_ignore_ascii_case("version"))?;
    let text = rest[key.len()..].trim_start().strip_prefix(':')?.trim();
    (!text.is_empty()).then(|| text.to_owned())
}

impl BinTable {
    /// Parses the CSV text of a BIN table (docs/profile.md, "BIN tables").
    ///
    /// Blank lines are skipped, and so are comment lines (`#` first); the first comment of
    /// the form `# version: TEXT` names the table's version. The first other line is a
    /// header when its first value is `prefix`. A header that names `issuer_zh`, `country`
    /// or `brands` selects its columns, in its order, and every line must then have them
    /// all; any other header, or none, means the classic `prefix,issuer[,kind]`. Values are
    /// trimmed and may be quoted, as in CSV, but may not span lines. A byte-order mark at
    /// the start is ignored.
    pub fn parse(text: &str) -> Result<BinTable, BinTableError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut table = BinTable::default();
        let mut layout = None;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |problem| BinTableError { line, problem };
            let row = raw.trim();
            if row.is_empty() {
                continue;
            }
            if let Some(comment) = row.strip_prefix('#') {
                if table.version.is_none() {
                    table.version = version_of(comment);
                }
                continue;
            }
            let values = values(row).ok_or_else(|| err(BinTableProblem::Quote))?;
            let layout = match &mut layout {
                Some(layout) => layout,
                None if values[0].eq_ignore_ascii_case("prefix") => {
                    layout = Some(Layout::of_header(&values).map_err(err)?);
                    continue;
                }
                None => layout.insert(Layout::Classic),
            };
            table.entries.push(layout.entry(&values).map_err(err)?);
        }
        table.index();
        Ok(table)
    }

    /// Indexes the entries by prefix (the first of equal prefixes wins).
    fn index(&mut self) {
        for (i, e) in self.entries.iter().enumerate() {
            self.by_prefix.entry(e.prefix.clone()).or_insert(i);
            if !self.lengths.contains(&e.prefix.len()) {
                self.lengths.push(e.prefix.len());
            }
        }
        self.lengths.sort_unstable_by(|a, b| b.cmp(a));
    }

    /// The entry with the longest prefix of `digits`.
    pub fn lookup(&self, digits: &str) -> Option<&BinEntry> {
        self.lengths
            .iter()
            .find_map(|&n| digits.get(..n).and_then(|head| self.by_prefix.get(head)))
            .map(|&i| &self.entries[i])
    }

    /// The table's version, from its `# version: TEXT` line.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const EXTENDED: &str = "\
# version: 2026-05 (bank list v7)
prefix,issuer,issuer_zh,kind,country,brands
622202,Industrial and Commercial Bank of China,中国工商银行,debit,CN,unionpay
62258801,\"China Merchants Bank, Credit Card Centre\",招商银行信用卡中心,credit,cn,unionpay+visa
625888,China Merchants Bank,,,,
";

    #[test]
    fn longest_prefix_wins() {
        let t = BinTable::parse("62,Any UnionPay,\n622202,ICBC,debit\n# comment\n").unwrap();
        assert_eq!(t.lookup("6222021234").unwrap().issuer, "ICBC");
        assert_eq!(t.lookup("6212").unwrap().issuer, "Any UnionPay");
        assert!(t.lookup("4111").is_none());
        assert_eq!(t.len(), 2);
        assert_eq!(t.version(), None);
    }

    #[test]
    fn an_eight_digit_bin_beats_the_six_digit_one_it_starts_with() {
        let t = BinTable::parse("62258801,CMB Credit,credit\n622588,CMB,debit\n622588,Later,debit\n").unwrap();
        assert_eq!(t.lookup("6225880112345678").unwrap().issuer, "CMB Credit");
        assert_eq!(t.lookup("6225880212345678").unwrap().issuer, "CMB");
        assert_eq!(t.lookup("62258").map(|e| &e.issuer), None);
        // Not digits (the library may be called with anything): no match, no panic.
        assert_eq!(t.lookup("6225８8011"), None);
    }

    #[test]
    fn classic_files_read_as_before() {
        let classic = "prefix,issuer,kind\n622202,ICBC,debit\n622848 , Agricultural Bank of China ,\n621700,CCB\n";
        let t = BinTable::parse(classic).unwrap();
        let abc = t.lookup("6228481234567890").unwrap();
        assert_eq!(
            abc,
            &BinEntry {
                prefix: "622848".into(),
                issuer: "Agricultural Bank of China".into(),
                issuer_zh: None,
                kind: None,
                country: None,
                brands: Vec::new(),
            }
        );
        assert_eq!(t.lookup("621700").unwrap().kind, None);
        // A header that names no new column, whatever its names, is skipped as before: the
        // lines are prefix,issuer,kind.
        let t = BinTable::parse("prefix,bank,type\n622202,ICBC,debit\n").unwrap();
        assert_eq!(t.lookup("622202").unwrap().kind, Some(CardKind::Debit));
        // The JSON of a classic entry has the keys it had.
        let json = serde_json::to_string(t.lookup("622202").unwrap()).unwrap();
        assert_eq!(json, r#"{"prefix":"622202","issuer":"ICBC","kind":"debit"}"#);
    }

    #[test]
    fn a_header_naming_new_columns_selects_them() {
        let t = BinTable::parse(EXTENDED).unwrap();
        assert_eq!(t.version(), Some("2026-05 (bank list v7)"));
        assert_eq!(t.len(), 3);
        let cmb = t.lookup("6225880112345678").unwrap();
        assert_eq!(cmb.issuer, "China Merchants Bank, Credit Card Centre");
        assert_eq!(cmb.issuer_name(Lang::ZhCn), "招商银行信用卡中心");
        assert_eq!(cmb.issuer_name(Lang::En), "China Merchants Bank, Credit Card Centre");
        assert_eq!(cmb.kind, Some(CardKind::Credit));
        assert_eq!(cmb.country.as_deref(), Some("CN"));
        assert_eq!(cmb.brands, [Brand::Unionpay, Brand::Visa]);
        let plain = t.lookup("6258881234567890").unwrap();
        assert_eq!(
            plain.issuer_name(Lang::ZhCn),
            "China Merchants Bank",
            "no Chinese name: the issuer"
        );
        assert_eq!((plain.kind, &plain.country, plain.brands.len()), (None, &None, 0));
        // Any order after prefix; brand aliases as the profile takes them.
        let t = BinTable::parse("prefix,brands,country,issuer\n356999,jcb+CUP,JP,Some Bank\n").unwrap();
        let e = t.lookup("3569990000000000").unwrap();
        assert_eq!(e.brands, [Brand::Jcb, Brand::Unionpay]);
        assert_eq!((e.issuer.as_str(), e.country.as_deref()), ("Some Bank", Some("JP")));
        // A header after comments and blank lines, and a byte-order mark.
        let t = BinTable::parse("\u{feff}# list\n\nprefix,issuer,country\n622202,ICBC,CN\n").unwrap();
        assert_eq!(t.lookup("622202").unwrap().country.as_deref(), Some("CN"));
    }

    #[test]
    fn values_may_be_quoted() {
        let v = |row| values(row).map(|v| v.into_iter().map(Cow::into_owned).collect::<Vec<_>>());
        assert_eq!(v("a,\"b, c\",d").unwrap(), ["a", "b, c", "d"]);
        assert_eq!(v("\"say \"\"hi\"\"\"").unwrap(), ["say \"hi\""]);
        assert_eq!(v("a, \"b\" ,\"\"").unwrap(), ["a", "b", ""]);
        assert_eq!(
            v("a,O\"Neil Bank").unwrap(),
            ["a", "O\"Neil Bank"],
            "a quote inside is text"
        );
        assert_eq!(v("a,").unwrap(), ["a", ""]);
        assert_eq!(v("a,\"b"), None);
        assert_eq!(v("a,\"b\"c"), None);
        let t = BinTable::parse("622202,\"Bank, Ltd\",debit\n").unwrap();
        assert_eq!(t.lookup("622202").unwrap().issuer, "Bank, Ltd");
        let e = BinTable::parse("622202,ICBC,debit\n622203,\"Bank, Ltd,debit\n").unwrap_err();
        assert_eq!((e.line, e.problem), (2, BinTableProblem::Quote));
    }

    #[test]
    fn the_first_version_line_names_the_version() {
        let t = BinTable::parse("# Version:   7 \n# version: 8\n622202,ICBC\n").unwrap();
        assert_eq!(t.version(), Some("7"));
        let t = BinTable::parse("# version:\n# versions: 3\n#version 4\n622202,ICBC\n# version: 9\n").unwrap();
        assert_eq!(t.version(), Some("9"));
        assert_eq!(BinTable::parse("# 版本\n").unwrap().version(), None);
    }

    #[test]
    fn errors_name_the_line() {
        let e = BinTable::parse("prefix,issuer,kind\n62a,X,debit\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = BinTable::parse("6222021234567890128,ICBC,debit\n").unwrap_err();
        assert_eq!(e.problem, BinTableProblem::Prefix(19));
        assert!(!e.to_string().contains("6222021234567890128"), "{e}");
        let e = BinTable::parse("622202,ICBC,gold\n").unwrap_err();
        assert_eq!(e.problem, BinTableProblem::Kind);
        assert!(e.to_string().contains("debit, credit or prepaid"), "{e}");
        let e = BinTable::parse("622202\n").unwrap_err();
        assert_eq!(e.line, 1);
    }

    #[test]
    fn errors_in_the_extended_layout_name_the_line_and_never_repeat_it() {
        let header = "prefix,issuer,issuer_zh,kind,country,brands\n";
        let number = "6222021234567890128";
        let cases = [
            (
                format!("{header}622202,ICBC,,debit,CHN,unionpay\n"),
                2,
                BinTableProblem::Country,
            ),
            (
                format!("{header}622202,ICBC,,debit,C1,unionpay\n"),
                2,
                BinTableProblem::Country,
            ),
            (
                format!("{header}622202,ICBC,,debit,CN,unionpay+{number}\n"),
                2,
                BinTableProblem::Brands,
            ),
            (
                format!("{header}622202,ICBC,,debit,CN,unionpay+\n"),
                2,
                BinTableProblem::Brands,
            ),
            (format!("{header}622202,ICBC,,{number},CN,\n"), 2, BinTableProblem::Kind),
            (
                format!("{header}\n{number},ICBC,,debit,CN,\n"),
                3,
                BinTableProblem::Prefix(19),
            ),
            (
                format!("{header}622202,{number},debit\n"),
                2,
                BinTableProblem::Values { found: 3, named: 6 },
            ),
            (
                format!("# {number}\n{header}622202,\"{number}\n"),
                3,
                BinTableProblem::Quote,
            ),
            (
                format!("prefix,issuer,{number},country\n"),
                1,
                BinTableProblem::UnknownColumn(3),
            ),
            (
                "prefix,issuer,country,Country\n".to_owned(),
                1,
                BinTableProblem::RepeatedColumn(4),
            ),
            (
                "prefix,issuer_zh,kind,country\n".to_owned(),
                1,
                BinTableProblem::NoIssuer,
            ),
            (format!("{header}{header}"), 2, BinTableProblem::Prefix(6)),
        ];
        for (text, line, problem) in cases {
            let e = BinTable::parse(&text).unwrap_err();
            assert_eq!((e.line, &e.problem), (line, &problem), "{text}");
            let shown = format!("{e} {}", e.hint());
            assert!(!shown.contains(number) && !shown.contains("622202"), "{shown}");
        }
    }

    /// The csv crate's reading of one line, each value trimmed.
    fn csv_crate(row: &str) -> Vec<String> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(row.as_bytes());
        reader
            .records()
            .next()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// No text makes the parser panic; an error is at a line of the text and never
        /// repeats a run of 7 digits from it; a table's entries are found by their prefixes.
        #[test]
        fn parse_never_panics(text in "(prefix|issuer_zh|country|brands|unionpay\\+visa|# version: |622202|6|[0-9]{1,20}|\"|,|\n|\r| |a|é|中|\u{feff})*") {
            match BinTable::parse(&text) {
                Ok(t) => {
                    prop_assert!(t.len() <= text.lines().count());
                    for e in &t.entries {
                        let found = t.lookup(&e.prefix);
                        prop_assert!(found.is_some_and(|f| f.prefix == e.prefix));
                    }
                }
                Err(e) => {
                    prop_assert!(e.line >= 1 && e.line <= text.lines().count());
                    let shown = format!("{e}");
                    for run in shown.as_bytes().windows(7) {
                        prop_assert!(!run.iter().all(u8::is_ascii_digit), "{}", shown);
                    }
                }
            }
        }

        #[test]
        fn parse_never_panics_on_any_text(text in any::<String>()) {
            let _ = BinTable::parse(&text);
        }

        /// Where the splitter accepts a line of quotes, commas and text, it reads it as the
        /// csv crate does (values trimmed).
        #[test]
        fn quoted_values_read_as_the_csv_crate_reads_them(row in "[ab\",]{1,24}") {
            if let Some(ours) = values(&row) {
                let ours: Vec<String> = ours.into_iter().map(Cow::into_owned).collect();
                prop_assert_eq!(ours, csv_crate(&row));
            }
        }
    }
}

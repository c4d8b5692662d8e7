//! A wallet's BIN table: which card-number prefixes (issuing banks) it supports, and of
//! which kind each card is. Parsed from CSV text; reading the file is the caller's job.

use serde::Serialize;

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
}

/// One row of a BIN table.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BinEntry {
    /// The leading digits (usually 6 or 8).
    pub prefix: String,
    /// The issuing bank's name.
    pub issuer: String,
    /// The card kind, when the table says.
    pub kind: Option<CardKind>,
}

/// Prefixes a wallet supports, matched longest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BinTable {
    entries: Vec<BinEntry>,
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
}

impl BinTable {
    /// Parses CSV with the columns `prefix,issuer,kind` (a header line is optional, `kind`
    /// may be empty, `#` starts a comment line). Quoting is not needed for these columns and
    /// is not supported: an issuer name holding a comma is an error.
    pub fn parse(text: &str) -> Result<BinTable, BinTableError> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let row = raw.trim();
            if row.is_empty() || row.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = row.split(',').map(str::trim).collect();
            if line == 1 && cols.first().is_some_and(|c| c.eq_ignore_ascii_case("prefix")) {
                continue;
            }
            let err = |problem| BinTableError { line, problem };
            if cols.len() < 2 || cols.len() > 3 {
                return Err(err(BinTableProblem::Columns(cols.len())));
            }
            let prefix = cols[0];
            if prefix.is_empty() || prefix.len() > 11 || !prefix.bytes().all(|b| b.is_ascii_digit()) {
                return Err(err(BinTableProblem::Prefix(prefix.chars().count())));
            }
            let kind = match cols.get(2).copied().filter(|k| !k.is_empty()) {
                None => None,
                Some(k) => Some(CardKind::parse(k).ok_or_else(|| err(BinTableProblem::Kind))?),
            };
            entries.push(BinEntry {
                prefix: prefix.to_owned(),
                issuer: cols[1].to_owned(),
                kind,
            });
        }
        entries.sort_by_key(|e| std::cmp::Reverse(e.prefix.len()));
        Ok(BinTable { entries })
    }

    /// The entry with the longest prefix of `digits`.
    pub fn lookup(&self, digits: &str) -> Option<&BinEntry> {
        self.entries.iter().find(|e| digits.starts_with(&e.prefix))
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

    #[test]
    fn longest_prefix_wins() {
        let t = BinTable::parse("62,Any UnionPay,\n622202,ICBC,debit\n# comment\n").unwrap();
        assert_eq!(t.lookup("6222021234").unwrap().issuer, "ICBC");
        assert_eq!(t.lookup("6212").unwrap().issuer, "Any UnionPay");
        assert!(t.lookup("4111").is_none());
        assert_eq!(t.len(), 2);
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
}

//! One row of inputs as batch files and the HTTP API carry them: column names, JSON objects,
//! and the JSON record written for each checked row. Shared by `bindcheck validate --input`,
//! `bindcheck serve`'s `/v1/validate` and library users, so all three read rows the same way.

use serde::Serialize;

use super::finding::Field;
use super::record::{FieldViews, Inputs};

/// What a column (CSV header) or key (JSON) means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// One of the input fields.
    Field(Field),
    /// The phone region for this row (`region`).
    Region,
    /// Anything else: bindcheck's batch readers and `serve` refuse it.
    Unknown,
}

impl Column {
    /// The meaning of a column name: case, surrounding spaces, a byte-order mark and `-`
    /// for `_` do not matter (`ID-Number` is `id_number`).
    pub fn of(name: &str) -> Column {
        // The names as written, as nearly every row writes them, without a lowercase copy.
        if let Some(f) = Field::ALL.iter().find(|f| f.as_str() == name) {
            return Column::Field(*f);
        }
        if name == "region" {
            return Column::Region;
        }
        let name = name
            .trim()
            .trim_start_matches('\u{FEFF}')
            .to_ascii_lowercase()
            .replace('-', "_");
        if name == "region" {
            return Column::Region;
        }
        Field::ALL
            .iter()
            .find(|f| f.as_str() == name)
            .map_or(Column::Unknown, |f| Column::Field(*f))
    }
}

/// A row that is not a set of inputs. Messages name keys, never values: someone may have
/// put a card number where a key belongs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RowError {
    #[error("expected a JSON object")]
    NotAnObject,
    #[error("unknown key: use phone, email, card, expiry, cvv, id_number, name, region, lang")]
    UnknownKey,
    #[error("`{key}` must be a string")]
    NotAString {
        /// The key, always one of the known names.
        key: &'static str,
    },
}

/// The inputs of a row and its `region` override, if any.
pub type Row = (Inputs, Option<String>);

/// The inputs in a JSON object (values strings, numbers or null), and its `region`. A key
/// that is not an input field or `region` is an error ([`RowError::UnknownKey`]), in `serve`
/// and in JSON Lines batches alike: a misspelt key must not leave its field unchecked. (CSV
/// names its columns once, in the header, and `bindcheck validate` refuses the unknown ones
/// there: docs/guide.md.)
pub fn inputs_from_json(value: serde_json::Value) -> Result<Row, RowError> {
    let serde_json::Value::Object(map) = value else {
        return Err(RowError::NotAnObject);
    };
    let mut inputs = Inputs::default();
    let mut region = None;
    for (key, value) in map {
        let col = Column::of(&key);
        let name = match col {
            Column::Unknown => return Err(RowError::UnknownKey),
            Column::Region => "region",
            Column::Field(f) => f.as_str(),
        };
        let text = match value {
            serde_json::Value::String(s) => Some(s),
            serde_json::Value::Number(n) => Some(n.to_string()),
            serde_json::Value::Null => None,
            _ => return Err(RowError::NotAString { key: name }),
        };
        match col {
            Column::Field(f) => inputs.set(f, text),
            Column::Region => region = Some(text.unwrap_or_default()),
            Column::Unknown => {}
        }
    }
    Ok((inputs, region))
}

/// What is wrong with JSON that did not parse, in words for a message that also gives the
/// position: serde_json's own message can quote the input, and the `Debug` of its category
/// (`Syntax`, `Eof`) is no sentence.
pub fn json_problem(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Syntax => "a syntax error",
        serde_json::error::Category::Eof => "an unexpected end",
        serde_json::error::Category::Data => "a value of the wrong type",
        serde_json::error::Category::Io => "a read error",
    }
}

/// The JSON object written for one checked input set: `{"ok": .., "fields": {..}}`, plus
/// `row` in batch mode.
#[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
#[derive(Serialize)]
pub struct Record<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u64>,
    pub ok: bool,
    pub fields: &'a FieldViews,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names_are_forgiving() {
        assert_eq!(Column::of(" ID-Number "), Column::Field(Field::IdNumber));
        assert_eq!(Column::of("\u{FEFF}phone"), Column::Field(Field::Phone));
        assert_eq!(Column::of("Region"), Column::Region);
        assert_eq!(Column::of("6222021234567890128"), Column::Unknown);
    }

    #[test]
    fn json_rows_never_echo_values() {
        let (inputs, region) = inputs_from_json(serde_json::json!({"phone": "13800138000", "region": "CN"})).unwrap();
        assert_eq!(inputs.phone.as_deref(), Some("13800138000"));
        assert_eq!(region.as_deref(), Some("CN"));
        let v = serde_json::json!({"phone": "13800138000", "region": "CN", "extra": "6222021234567890128"});
        let e = inputs_from_json(v).unwrap_err();
        assert_eq!(e, RowError::UnknownKey);
        assert!(!e.to_string().contains("6222"), "{e}");
        let e = inputs_from_json(serde_json::json!({"card": ["6222021234567890128"]})).unwrap_err();
        assert_eq!(e, RowError::NotAString { key: "card" });
        assert!(!e.to_string().contains("6222"));
        assert_eq!(inputs_from_json(serde_json::json!([1])), Err(RowError::NotAnObject));
    }

    #[test]
    fn json_problems_are_words() {
        let problem = |text: &str| json_problem(&serde_json::from_str::<Inputs>(text).unwrap_err());
        assert_eq!(problem("{not json"), "a syntax error");
        assert_eq!(problem("{\"phone\": \"1"), "an unexpected end");
        assert_eq!(problem("{\"card\": 6222021234567890128}"), "a value of the wrong type");
    }
}

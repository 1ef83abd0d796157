//! The scheme's `[columns]` table: company-specific header aliases per
//! column (SPEC 2). Other tables of the scheme file are ignored here.
//!
//! ```toml
//! [columns]
//! customer_id = ["客户代码", "客户ID"]        # every kind with this column
//! "payments.amount_due" = "本期应收"          # one kind only
//! ```

use std::path::Path;

use crate::input::aliases::ColumnAliases;
use crate::input::columns::Kind;
use crate::text::header_key;

/// A scheme file that cannot be used, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeError {
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for SchemeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for SchemeError {}

/// Read the `[columns]` table of a scheme file.
pub fn load_aliases(path: &Path) -> Result<ColumnAliases, SchemeError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| SchemeError {
        file: file.clone(),
        message: format!("无法读取方案文件 / cannot read the scheme file: {e}"),
    })?;
    parse_aliases(&text).map_err(|message| SchemeError { file, message })
}

/// Parse the `[columns]` table from scheme text.
pub fn parse_aliases(text: &str) -> Result<ColumnAliases, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| super::raw::toml_error(text, &e))?;
    let mut out = ColumnAliases::default();
    let Some(columns) = table.get("columns") else {
        return Ok(out);
    };
    let columns = columns
        .as_table()
        .ok_or("[columns] 必须是表 / [columns] must be a table")?;
    for (name, value) in columns {
        let (kind, key) = match name.split_once('.') {
                Some((k, key)) => (Some(Kind::from_key(k).ok_or_else(|| format!("[columns] {name}: 未知的台账类型 {k} / unknown ledger kind {k} (roster, targets, customers, followups, payments, scores, adjustments, calendar)"))?), key),
                None => (None, name.as_str()),
            };
        let known = match kind {
            Some(k) => k.column(key).is_some(),
            None => Kind::ALL.iter().any(|k| k.column(key).is_some()),
        };
        if !known {
            return Err(format!(
                "[columns] {name}: 未知的列 {key} / unknown column key {key}"
            ));
        }
        let headers: Vec<String> = match value {
            toml::Value::String(s) => vec![s.clone()],
            toml::Value::Array(a) => a
                .iter()
                .map(|v| {
                    v.as_str().map(str::to_string).ok_or_else(|| {
                        format!("[columns] {name}: 别名必须是文本 / aliases must be strings")
                    })
                })
                .collect::<Result<_, _>>()?,
            _ => {
                return Err(format!(
                    "[columns] {name}: 应为文本或文本列表 / expected a string or a list of strings"
                ))
            }
        };
        out.add(kind, key, headers.iter().map(|h| header_key(h).0));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_by_kind_and_for_all() {
        let a = parse_aliases("[columns]\ncustomer_id = [\"客户代码\", \"客户 ID\"]\n\"payments.amount_due\" = \"本期应收（元）\"\n[grades]\nS = 90\n").unwrap();
        let v: Vec<&str> = a.for_column(Kind::Payments, "customer_id").collect();
        assert_eq!(v, ["客户代码", "客户 id"]);
        let v: Vec<&str> = a.for_column(Kind::Payments, "amount_due").collect();
        assert_eq!(v, ["本期应收"]);
        assert_eq!(a.for_column(Kind::Customers, "amount_due").count(), 0);
    }

    #[test]
    fn mistakes_are_named() {
        assert!(parse_aliases("[columns]\nfoo = \"x\"")
            .unwrap_err()
            .contains("foo"));
        assert!(parse_aliases("[columns]\n\"ledger.customer_id\" = \"x\"")
            .unwrap_err()
            .contains("ledger"));
        assert!(parse_aliases("[columns]\ncustomer_id = 3")
            .unwrap_err()
            .contains("customer_id"));
        assert!(parse_aliases("[columns").unwrap_err().contains("TOML"));
    }
}

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
use toml::de::{DeTable, DeValue};

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

impl SchemeError {
    /// The error in one language: the file, then each mistake on a line of
    /// its own (a mistake is written `中文 / English`).
    pub fn message_in(&self, lang: crate::Lang) -> String {
        let lines: Vec<&str> = self.message.lines().map(|l| lang.pick_in(l)).collect();
        format!("{}: {}", self.file, lines.join("\n"))
    }
}

/// Read a scheme file's text: UTF-8 (with or without BOM), UTF-16 with a
/// BOM, or GBK/GB18030, which Chinese Windows editors save by default.
pub fn read_scheme_text(path: &Path) -> Result<String, SchemeError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| SchemeError {
        file: file.clone(),
        message: format!("无法读取方案文件 / cannot read the scheme file: {e}"),
    })?;
    decode_scheme(&bytes).map_err(|message| SchemeError { file, message })
}

/// The text of a scheme file's bytes (see [`read_scheme_text`]); a file
/// in none of those encodings is refused with what to do.
pub fn decode_scheme(bytes: &[u8]) -> Result<String, String> {
    let refuse = || {
        "方案文件的编码无法识别（不是 UTF-8 或 GBK）；请把方案另存为 UTF-8 / the scheme file's encoding is not recognised (neither UTF-8 nor GBK); save the scheme as UTF-8".to_string()
    };
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding
            .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
            .map(|t| t.into_owned())
            .ok_or_else(refuse);
    }
    if let Ok(t) = std::str::from_utf8(bytes) {
        return Ok(t.to_string());
    }
    encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|t| t.into_owned())
        .ok_or_else(refuse)
}

/// Read the `[columns]` table of a scheme file.
pub fn load_aliases(path: &Path) -> Result<ColumnAliases, SchemeError> {
    let file = path.display().to_string();
    let text = read_scheme_text(path)?;
    parse_aliases(&text).map_err(|message| SchemeError { file, message })
}

/// Every key the `[columns]` table accepts, per ledger kind: the column
/// keys (`customer_id`, for every kind that has it) and `kind.key`.
fn valid_keys(kind: Option<Kind>) -> String {
    let kinds: Vec<Kind> = match kind {
        Some(k) => vec![k],
        None => Kind::ALL.to_vec(),
    };
    kinds
        .iter()
        .map(|k| {
            let keys: Vec<&str> = k.columns().iter().map(|c| c.key).collect();
            format!("{}: {}", k.key(), keys.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The column key nearest a misspelt one, written as it would be in the
/// table (`contract_amount` or `payments.contract_amount`).
fn nearest_key(kind: Option<Kind>, key: &str) -> Option<String> {
    let kinds: Vec<Kind> = match kind {
        Some(k) => vec![k],
        None => Kind::ALL.to_vec(),
    };
    let keys = kinds.iter().flat_map(|k| k.columns().iter().map(|c| c.key));
    let near = super::suggest::nearest(key, keys)?;
    Some(match kind {
        Some(k) => format!("\"{}.{near}\"", k.key()),
        None => near.to_string(),
    })
}

/// Parse the `[columns]` table from scheme text. Every mistake is
/// reported, one per line (with its line in the file), bilingual.
pub fn parse_aliases(text: &str) -> Result<ColumnAliases, String> {
    let doc = DeTable::parse(text).map_err(|e| super::raw::toml_error(text, &e))?;
    let mut out = ColumnAliases::default();
    let Some(columns) = doc.get_ref().get("columns") else {
        return Ok(out);
    };
    let DeValue::Table(columns) = columns.get_ref() else {
        return Err("[columns] 必须是表 / [columns] must be a table".to_string());
    };
    let mut errs: Vec<(usize, String)> = Vec::new();
    // (kind, key, value, where) of every entry; `[columns.payments]` and
    // unquoted dotted keys (`payments.amount_due = …`) make a table per kind.
    let mut entries = Vec::new();
    for (name, value) in columns.iter() {
        let name_str: &str = name.get_ref();
        match (value.get_ref(), Kind::from_key(name_str)) {
            (DeValue::Table(t), Some(kind)) => {
                for (key, value) in t.iter() {
                    entries.push((
                        Some(kind),
                        format!("{name_str}.{}", key.get_ref()),
                        key.get_ref().to_string(),
                        value,
                        key.span().start,
                    ));
                }
            }
            _ => match name_str.split_once('.') {
                Some((k, key)) => match Kind::from_key(k) {
                    Some(kind) => entries.push((
                        Some(kind),
                        name_str.to_string(),
                        key.to_string(),
                        value,
                        name.span().start,
                    )),
                    None => {
                        let (line, _) = super::raw::line_col(text, name.span().start);
                        let near = super::suggest::nearest(k, Kind::ALL.iter().map(|k| k.key()))
                            .map(|n| {
                                (
                                    format!("（是否应为 {n}？）"),
                                    format!(" (did you mean {n}?)"),
                                )
                            })
                            .unwrap_or_default();
                        let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.key()).collect();
                        errs.push((
                            name.span().start,
                            format!(
                                "第 {line} 行：[columns] {name_str}：未知的台账类型 {k}{}；可用：{} / line {line}: [columns] {name_str}: unknown ledger kind {k}{}; known: {}",
                                near.0,
                                kinds.join("、"),
                                near.1,
                                kinds.join(", ")
                            ),
                        ));
                    }
                },
                None => entries.push((
                    None,
                    name_str.to_string(),
                    name_str.to_string(),
                    value,
                    name.span().start,
                )),
            },
        }
    }
    for (kind, name, key, value, at) in entries {
        let (line, _) = super::raw::line_col(text, at);
        let known = match kind {
            Some(k) => k.column(&key).is_some(),
            None => Kind::ALL.iter().any(|k| k.column(&key).is_some()),
        };
        if !known {
            let near = nearest_key(kind, &key)
                .map(|n| {
                    (
                        format!("（是否应为 {n}？）"),
                        format!(" (did you mean {n}?)"),
                    )
                })
                .unwrap_or_default();
            let keys = valid_keys(kind);
            errs.push((
                at,
                format!(
                    "第 {line} 行：[columns] {name}：未知的列 {key}{}；可用的列（见 docs/ledgers.md）：{keys} / line {line}: [columns] {name}: unknown column key {key}{}; valid keys (see docs/ledgers.md): {keys}",
                    near.0, near.1
                ),
            ));
            continue;
        }
        let headers: Option<Vec<String>> = match value.get_ref() {
            DeValue::String(s) => Some(vec![s.to_string()]),
            DeValue::Array(a) => a
                .iter()
                .map(|v| v.get_ref().as_str().map(str::to_string))
                .collect(),
            _ => None,
        };
        match headers {
            Some(headers) => out.add(kind, &key, headers.iter().map(|h| header_key(h).0)),
            None => errs.push((
                at,
                format!(
                    "第 {line} 行：[columns] {name}：应为文本或文本列表 / line {line}: [columns] {name}: expected a string or a list of strings"
                ),
            )),
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        errs.sort_by_key(|e| e.0);
        Err(errs.into_iter().map(|e| e.1).collect::<Vec<_>>().join("\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of the `[columns]` table, per ledger kind, as the Markdown
    /// table of docs/ledgers.md ("Header aliases").
    fn alias_key_table() -> String {
        let mut out =
            String::from("| kind (`kind.` prefix) | column keys (required in bold) |\n|---|---|\n");
        for k in Kind::ALL {
            let keys: Vec<String> = k
                .columns()
                .iter()
                .map(|c| {
                    if c.required {
                        format!("**`{}`** {}", c.key, c.zh)
                    } else {
                        format!("`{}` {}", c.key, c.zh)
                    }
                })
                .collect();
            out.push_str(&format!(
                "| {} {} (`{}`) | {} |\n",
                k.zh(),
                k.en(),
                k.key(),
                keys.join(", ")
            ));
        }
        out
    }

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

    /// Every wrong key at once, each with its line, the nearest key and
    /// the valid keys (of its kind, or of every kind).
    #[test]
    fn wrong_keys_list_the_valid_ones() {
        let e = parse_aliases(
            "name = \"x\"\n[columns]\n\"payments.contract_amout\" = \"合同总额\"\ncustmer_id = \"客户代码\"\n\"payment.amount_due\" = \"x\"\n",
        )
        .unwrap_err();
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 3, "{e}");
        assert!(lines[0].contains("line 3: [columns] payments.contract_amout: unknown column key contract_amout (did you mean \"payments.contract_amount\"?); valid keys (see docs/ledgers.md): payments: contract_id, installment, customer_id,"), "{e}");
        assert!(!lines[0].contains("roster:"), "{e}");
        assert!(
            lines[1].contains(
                "第 4 行：[columns] custmer_id：未知的列 custmer_id（是否应为 customer_id？）"
            ),
            "{e}"
        );
        assert!(
            lines[1].contains("roster: rep_id, name,") && lines[1].contains("calendar: date, kind"),
            "{e}"
        );
        assert!(
            lines[2].contains("unknown ledger kind payment (did you mean payments?)"),
            "{e}"
        );
        // A table per kind works like the dotted keys.
        let a = parse_aliases("[columns.payments]\ncontract_amount = \"合同总额\"\n").unwrap();
        let v: Vec<&str> = a.for_column(Kind::Payments, "contract_amount").collect();
        assert_eq!(v, ["合同总额"]);
    }

    #[test]
    fn docs_ledgers_md_lists_the_alias_keys() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/ledgers.md");
        let docs = std::fs::read_to_string(path).unwrap();
        let table = alias_key_table();
        assert!(
            docs.contains(&table),
            "docs/ledgers.md: the alias keys table should be:\n{table}"
        );
    }
}

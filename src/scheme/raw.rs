//! The scheme file as written: serde structures mirroring the TOML, with
//! `deny_unknown_fields` everywhere so that a misspelt key is an error
//! instead of a silently ignored option. [`super::build`] checks them into a
//! [`super::Scheme`]. The format is documented in `docs/scheme.md`:
//!
//! ```toml
//! name = "示例公司销售考核方案"
//! version = "2026.1"                 # label shown in workbooks
//! effective_from = "2026-01-01"      # of the top-level profiles (optional)
//!
//! [defaults]                         # every key optional
//! grace_days = 30
//! intent_stages = ["意向", "方案", "报价", "谈判"]
//! approval_days = { regular = 3, special = 5 }
//! na = "renormalise"                 # or "score" (with na_score)
//!
//! [[grades]]                         # optional; default S/A/B/C/D
//! name = "S"
//! min = 90
//! coefficient = 1.5
//!
//! [columns]                          # header aliases (see ColumnAliases)
//!
//! [[profiles]]
//! name = "商务专员-B2B"
//! roles = ["商务专员-B2B"]
//!   [[profiles.indicators]]
//!   code = "sales_achievement"
//!   weight = 30
//!   pass = 0.8
//!   excellent = 1.2
//!   [profiles.probation]             # optional variant: a full list
//!   indicators = [ { code = "sales_achievement", weight = 100, pass = 0.6, excellent = 1.0 } ]
//!
//! [[versions]]                       # optional quarterly re-weighting
//! effective_from = "2026-07-01"
//!   [[versions.profiles]]            # the complete profile list of that version
//!
//! [mail]                             # optional: kaohe mail's sender and template
//! from = "人力资源部 <hr@example.com>"
//! subject = "{period} 绩效考核表 - {name}"
//! body = "{name}，您好：……"
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A number written as a TOML integer, float or string, kept exact: a float
/// goes through its shortest decimal text, so `0.8` is exactly 0.8.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub Decimal);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number (数字)")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Num, E> {
                Ok(Num(Decimal::from(v)))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Num, E> {
                if !v.is_finite() {
                    return Err(E::custom("not a finite number (不是有限数字)"));
                }
                self.visit_str(&v.to_string())
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Num, E> {
                Decimal::from_str(v.trim())
                    .map(Num)
                    .map_err(|_| E::custom(format!("not a number (不是数字): {v}")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A text label that may also be written as a bare number (`version = 2026.1`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Label {
    Text(String),
    Int(i64),
    Float(f64),
}

impl Label {
    pub fn text(&self) -> String {
        match self {
            Label::Text(s) => s.trim().to_string(),
            Label::Int(i) => i.to_string(),
            Label::Float(f) => f.to_string(),
        }
    }
}

/// A date written as a TOML date (`2026-01-01`) or a string.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum RawDate {
    Toml(toml::value::Datetime),
    Text(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScheme {
    pub name: String,
    pub version: Option<Label>,
    pub effective_from: Option<RawDate>,
    #[serde(default)]
    pub defaults: RawDefaults,
    pub grades: Option<Vec<RawGrade>>,
    /// Read separately by [`super::parse_aliases`].
    pub columns: Option<toml::Table>,
    #[serde(default)]
    pub profiles: Vec<RawProfile>,
    #[serde(default)]
    pub versions: Vec<RawVersion>,
    /// Mail settings for `kaohe mail` (see [`super::mail`]).
    pub mail: Option<RawMail>,
}

/// The `[mail]` table: sender and message template, every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMail {
    pub from: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDefaults {
    pub grace_days: Option<i64>,
    pub old_customer_months: Option<u32>,
    pub silence_months: Option<u32>,
    pub intent_stages: Option<Vec<String>>,
    pub referral_sources: Option<Vec<String>>,
    pub approval_days: Option<RawApprovalDays>,
    pub completeness_columns: Option<RawCompleteness>,
    pub na: Option<String>,
    pub na_score: Option<Num>,
    pub max_bonus: Option<Num>,
    pub sales_basis: Option<String>,
    pub probation_months: Option<u32>,
    pub senior_months: Option<u32>,
    pub min_employed_share: Option<Num>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApprovalDays {
    pub regular: Option<i64>,
    pub special: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCompleteness {
    pub customers: Option<Vec<String>>,
    pub followups: Option<Vec<String>>,
    pub payments: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGrade {
    pub name: String,
    pub min: Num,
    pub coefficient: Num,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVersion {
    pub effective_from: RawDate,
    #[serde(default)]
    pub profiles: Vec<RawProfile>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProfile {
    pub name: String,
    #[serde(default)]
    pub roles: Vec<String>,
    #[serde(default)]
    pub indicators: Vec<RawIndicator>,
    pub probation: Option<RawVariant>,
    pub senior: Option<RawVariant>,
}

/// A variant of a profile: its complete indicator list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    #[serde(default)]
    pub indicators: Vec<RawIndicator>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    pub code: String,
    pub target: Option<String>,
    pub dimension: Option<String>,
    pub weight: Option<Num>,
    pub pass: Option<Num>,
    pub excellent: Option<Num>,
    pub method: Option<String>,
    pub cap: Option<Num>,
    pub steps: Option<Vec<[Num; 2]>>,
    pub gate: Option<bool>,
    pub penalty: Option<Num>,
    pub scale_with_period: Option<bool>,
    pub basis: Option<String>,
    pub methods: Option<Vec<String>>,
    pub require_first_payment: Option<bool>,
    pub raters: Option<BTreeMap<String, Num>>,
    pub scale: Option<Num>,
}

/// A TOML error in one line: where it is (line and column, 1-based) and
/// what is wrong, with toml's own explanation (for an unknown key, the keys
/// allowed there).
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let what = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            format!(
                "第 {line} 行第 {col} 列：TOML 格式有误或含未知的键：{what} / line {line}, column {col}: invalid TOML or an unknown key: {what}"
            )
        }
        None => {
            format!("TOML 格式有误或含未知的键：{what} / invalid TOML or an unknown key: {what}")
        }
    }
}

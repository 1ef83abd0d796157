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
//!   [profiles.year]                  # optional period layer (also month, quarter;
//!   indicators = [ … ]               # and [profiles.senior.year] …): a full list
//!
//! [[versions]]                       # optional quarterly re-weighting
//! effective_from = "2026-07-01"
//!   [[versions.profiles]]            # the complete profile list of that version
//!
//! [form]                             # optional: the printed forms
//! signoffs = ["被考核人", "直属领导", "部门负责人", "人力资源部"]
//! appeal = "如对考核结果有异议，请于 7 个工作日内向人力资源部提出申诉。"
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
use toml::de::{DeTable, DeValue};
use toml::Spanned;

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
    /// Reading settings: `[input] passwords = { "PATTERN" = "ENV_NAME" }`.
    pub input: Option<RawInput>,
    /// Applying results: the improvement-plan rule (see [`super::apply`]).
    pub apply: Option<RawApply>,
    /// Distribution caps: grade name → the largest share of graded reps.
    pub distribution: Option<BTreeMap<String, Num>>,
    /// The printed forms: sign-off chain, appeal note, the summary's
    /// sign-off lines, bonus amounts on the ranking (see [`super::Form`]).
    pub form: Option<RawForm>,
}

/// The `[apply]` table, every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawApply {
    /// Months in a row below the line that put a rep on the 改进计划 list.
    pub improvement_after: Option<u32>,
    /// The line: a grade below this one counts (default: the pass grade).
    pub improvement_below: Option<String>,
    /// The grades that count as excellent (default: the two highest).
    pub excellent_grades: Option<Vec<String>>,
}

/// The `[form]` table, every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawForm {
    /// Who signs the 考核表, in order (`["被考核人", "直属领导", …]`).
    pub signoffs: Option<Vec<String>>,
    /// The appeal note under the signatures (`""`: none).
    pub appeal: Option<String>,
    /// The sign-off lines of the team summary (`["制表", "审核", "审批"]`).
    pub summary_signoffs: Option<Vec<String>>,
    /// Whether the summary's ranking shows bonus bases and amounts.
    pub ranking_bonus: Option<bool>,
}

/// The `[input]` table.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInput {
    /// File pattern (path in the ledger folder, `*` and `?`) → the name of
    /// the environment variable holding that file's open password.
    pub passwords: Option<std::collections::BTreeMap<String, String>>,
}

/// The `[mail]` table: sender and message template, every key optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMail {
    pub from: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    /// Encrypt every attachment (as `kaohe mail --encrypt`).
    pub encrypt: Option<bool>,
    /// Where a rep's file password comes from: `"文件密码"` (the roster
    /// column), or `{ column = "身份证号", last = 6 }`.
    pub password: Option<RawPassword>,
    /// How the password is formed, said in the message body.
    pub password_hint: Option<String>,
}

/// `[mail] password`: a roster column, or the last characters of one.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RawPassword {
    Column(String),
    Last { column: String, last: usize },
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
    /// Period layers (SPEC 5): the list for months, quarters, years.
    pub month: Option<RawSection>,
    pub quarter: Option<RawSection>,
    pub year: Option<RawSection>,
}

/// A variant of a profile: its complete indicator list, and optionally its
/// own period layers (then the list itself may be left out).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    #[serde(default)]
    pub indicators: Vec<RawIndicator>,
    pub month: Option<RawSection>,
    pub quarter: Option<RawSection>,
    pub year: Option<RawSection>,
}

/// A period layer: a complete indicator list for one kind of period.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    #[serde(default)]
    pub indicators: Vec<RawIndicator>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawIndicator {
    /// The code with its place in the file (for the line number in errors).
    pub code: Spanned<String>,
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
    /// intent_followup_coverage: follow-ups needed in each full week.
    pub times_per_week: Option<u32>,
    /// renewal_rate: the renewal window in days before or after the end date.
    pub renewal_window_days: Option<u32>,
    /// new_customers, new_customer_revenue_share: customer tiers counted.
    pub tiers: Option<Vec<String>>,
    /// new_customers, new_customer_revenue_share: customer channels counted.
    pub channels: Option<Vec<String>>,
    /// `"personal"` (default) or `"team"`: pooled over the rep's team.
    pub scope: Option<String>,
    pub raters: Option<BTreeMap<String, Num>>,
    pub scale: Option<Num>,
}

/// Line and column (1-based, in characters) of a byte offset in `text`.
pub(crate) fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut at = offset.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

/// A TOML error in one line: where it is (line and column, 1-based) and
/// what is wrong, with toml's own explanation.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let what = e
        .message()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    // A key every table of its kind needs (`name`, a grade's `min` …).
    let missing = what
        .strip_prefix("missing field `")
        .and_then(|k| k.strip_suffix('`'));
    let (zh, en) = match missing {
        Some(key) => (
            format!("缺少必填的键 {key}"),
            format!("the required key {key} is missing"),
        ),
        None => (
            format!("TOML 格式或取值有误：{what}"),
            format!("invalid TOML or value: {what}"),
        ),
    };
    match e.span() {
        Some(span) => {
            let (line, col) = line_col(text, span.start);
            format!("第 {line} 行第 {col} 列：{zh} / line {line}, column {col}: {en}")
        }
        None => format!("{zh} / {en}"),
    }
}

/// The keys a table of the scheme file accepts: the field names serde's
/// derive gives the raw structure (so the list cannot drift from it).
fn fields_of<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    struct Probe<'a>(&'a mut &'static [&'static str]);
    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("probe"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            *self.0 = fields;
            Err(de::Error::custom("probe"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(Probe(&mut fields));
    fields
}

/// The tables of the scheme file, for the key check.
#[derive(Clone, Copy)]
enum Shape {
    Scheme,
    Defaults,
    ApprovalDays,
    Completeness,
    Grade,
    Version,
    Profile,
    Variant,
    Section,
    Indicator,
    Mail,
}

impl Shape {
    fn fields(self) -> &'static [&'static str] {
        match self {
            Shape::Scheme => fields_of::<RawScheme>(),
            Shape::Defaults => fields_of::<RawDefaults>(),
            Shape::ApprovalDays => fields_of::<RawApprovalDays>(),
            Shape::Completeness => fields_of::<RawCompleteness>(),
            Shape::Grade => fields_of::<RawGrade>(),
            Shape::Version => fields_of::<RawVersion>(),
            Shape::Profile => fields_of::<RawProfile>(),
            Shape::Variant => fields_of::<RawVariant>(),
            Shape::Section => fields_of::<RawSection>(),
            Shape::Indicator => fields_of::<RawIndicator>(),
            Shape::Mail => fields_of::<RawMail>(),
        }
    }

    /// The table (`false`) or list of tables (`true`) under a key. Free
    /// tables (`[columns]`, checked by `parse_aliases`; `raters`) are not
    /// listed.
    fn sub(self, key: &str) -> Option<(bool, Shape)> {
        Some(match (self, key) {
            (Shape::Scheme, "defaults") => (false, Shape::Defaults),
            (Shape::Scheme, "grades") => (true, Shape::Grade),
            (Shape::Scheme | Shape::Version, "profiles") => (true, Shape::Profile),
            (Shape::Scheme, "versions") => (true, Shape::Version),
            (Shape::Scheme, "mail") => (false, Shape::Mail),
            (Shape::Defaults, "approval_days") => (false, Shape::ApprovalDays),
            (Shape::Defaults, "completeness_columns") => (false, Shape::Completeness),
            (Shape::Profile | Shape::Variant | Shape::Section, "indicators") => {
                (true, Shape::Indicator)
            }
            (Shape::Profile, "probation" | "senior") => (false, Shape::Variant),
            (Shape::Profile | Shape::Variant, "month" | "quarter" | "year") => {
                (false, Shape::Section)
            }
            _ => return None,
        })
    }
}

/// Every unknown key of the scheme file, removed from `doc` and reported
/// (with its line and column, the table it is in, the nearest known key
/// and the keys allowed there), in the order of the file, so that every
/// misspelt key shows at once and the rest of the file can still be
/// checked.
pub(crate) fn unknown_keys(doc: &mut DeTable<'_>, text: &str) -> Vec<String> {
    let mut found: Vec<(usize, String)> = Vec::new();
    walk(doc, Shape::Scheme, "", text, &mut found);
    found.sort_by_key(|f| f.0);
    found.into_iter().map(|f| f.1).collect()
}

fn walk(
    t: &mut DeTable<'_>,
    shape: Shape,
    path: &str,
    text: &str,
    found: &mut Vec<(usize, String)>,
) {
    let allowed = shape.fields();
    let mut unknown: Vec<String> = t
        .keys()
        .map(|k| k.get_ref().to_string())
        .filter(|k| !allowed.contains(&k.as_str()))
        .collect();
    unknown.sort();
    for key in &unknown {
        let Some((k, _)) = t.get_key_value(key.as_str()) else {
            continue;
        };
        let offset = k.span().start;
        let (line, col) = line_col(text, offset);
        let (place_zh, place_en) = if path.is_empty() {
            ("方案顶层".to_string(), "the top level".to_string())
        } else {
            (path.to_string(), path.to_string())
        };
        let near = super::suggest::nearest(key, allowed.iter().copied());
        let list = allowed
            .iter()
            .map(|f| format!("`{f}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let zh_near = near
            .map(|n| format!("（是否应为 {n}？）"))
            .unwrap_or_default();
        let en_near = near
            .map(|n| format!(" (did you mean `{n}`?)"))
            .unwrap_or_default();
        found.push((
            offset,
            format!(
                "第 {line} 行第 {col} 列：{place_zh} 中有未知的键 {key}{zh_near}；可用的键：{list} / line {line}, column {col}: unknown field `{key}` in {place_en}{en_near}, expected one of {list}"
            ),
        ));
        t.remove(key.as_str());
    }
    for (k, v) in t.iter_mut() {
        let Some((many, sub)) = shape.sub(k.get_ref()) else {
            continue;
        };
        let name = if path.is_empty() {
            k.get_ref().to_string()
        } else {
            format!("{}.{}", path.trim_matches(['[', ']']), k.get_ref())
        };
        match (many, v.get_mut()) {
            (false, DeValue::Table(t)) => walk(t, sub, &format!("[{name}]"), text, found),
            (true, DeValue::Array(a)) => {
                for e in a.iter_mut() {
                    if let DeValue::Table(t) = e.get_mut() {
                        walk(t, sub, &format!("[[{name}]]"), text, found);
                    }
                }
            }
            _ => {}
        }
    }
}

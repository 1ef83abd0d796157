//! Checking a [`RawScheme`] into a [`Scheme`] (SPEC 4): every mistake is
//! collected (not only the first) and named by file, version, profile,
//! variant and indicator, bilingual `中文 / English`.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use toml::de::DeTable;

use super::mail::{check_from, MailSettings, MailTemplate};
use super::raw::{
    line_col, toml_error, unknown_keys, Num, RawDate, RawDefaults, RawGrade, RawIndicator, RawMail,
    RawProfile, RawScheme,
};
use super::{
    default_grades, ColumnAliases, Defaults, Grade, IndicatorSpec, Layer, Method, NaPolicy,
    PeriodKind, Profile, SalesBasis, Scheme, SchemeError, Variant, Version,
};
use crate::input::columns::{Kind, WordList};
use crate::input::parse::words;
use crate::scheme::catalogue::{Direction, Scaling};
use crate::text::fold;

/// Columns of the targets ledger an indicator may be scored against.
pub const TARGET_COLUMNS: [&str; 4] = [
    "sales_target",
    "new_customer_target",
    "followup_target",
    "area_target",
];

/// The scales a manual rating may be given on.
const SCALES: [i64; 3] = [5, 10, 100];

/// The largest number a line, cap, threshold, penalty, coefficient or
/// rater weight may have: far above any real money total, and small enough
/// that scoring arithmetic cannot overflow.
fn too_big(v: Decimal) -> bool {
    v.abs() > Decimal::from(1_000_000_000_000_i64)
}

/// Where in the file a mistake is: `zh` and `en` prefixes.
#[derive(Clone, Default)]
pub(super) struct At {
    zh: String,
    en: String,
}

impl At {
    pub(super) fn push(&self, zh: &str, en: &str) -> At {
        At {
            zh: format!(
                "{}{}{zh}",
                self.zh,
                if self.zh.is_empty() { "" } else { "，" }
            ),
            en: format!(
                "{}{}{en}",
                self.en,
                if self.en.is_empty() { "" } else { ", " }
            ),
        }
    }
}

#[derive(Default)]
pub(super) struct Errors(pub(super) Vec<String>);

impl Errors {
    /// Add a message already written `中文 / English`.
    fn add_both(&mut self, at: &At, bilingual: &str) {
        let (zh, en) = bilingual
            .split_once(" / ")
            .unwrap_or((bilingual, bilingual));
        self.add(at, zh, en);
    }

    pub(super) fn add(&mut self, at: &At, zh: impl AsRef<str>, en: impl AsRef<str>) {
        let (zh, en) = (zh.as_ref(), en.as_ref());
        self.0.push(if at.zh.is_empty() {
            format!("{zh} / {en}")
        } else {
            format!("{}：{zh} / {}: {en}", at.zh, at.en)
        });
    }
}

/// Parse and check scheme text; `file` names the file in errors.
pub fn parse(text: &str, file: &str) -> Result<Scheme, SchemeError> {
    let fail = |message: String| SchemeError {
        file: file.to_string(),
        message,
    };
    // TOML syntax: every mistake the parser recovers from.
    let (mut doc, syntax) = DeTable::parse_recoverable(text);
    if !syntax.is_empty() {
        // A broken table header puts its keys in the table above, where
        // they may repeat keys already there: not mistakes of their own.
        let mut broken_header = false;
        let lines: Vec<String> = syntax
            .iter()
            .filter(|e| {
                let follow_on = broken_header && e.message().starts_with("duplicate key");
                broken_header |= e.message().contains("table");
                !follow_on
            })
            .map(|e| toml_error(text, e))
            .collect();
        return Err(fail(lines.join("\n")));
    }
    // Unknown keys: all of them, then the rest is checked without them.
    let mut errs = Errors(unknown_keys(doc.get_mut(), text));
    let raw = RawScheme::deserialize(toml::de::Deserializer::from(doc));
    if let Err(e) = &raw {
        errs.0.push(toml_error(text, e));
    }
    let columns = match super::columns::parse_aliases(text) {
        Ok(c) => c,
        Err(e) => {
            errs.0.extend(e.lines().map(str::to_string));
            ColumnAliases::default()
        }
    };
    // A value of the wrong type leaves nothing to check further.
    let Ok(raw) = raw else {
        return Err(fail(errs.0.join("\n")));
    };
    let scheme = build(raw, columns, text, file, &mut errs);
    if errs.0.is_empty() {
        Ok(scheme)
    } else {
        Err(fail(errs.0.join("\n")))
    }
}

fn build(
    raw: RawScheme,
    columns: ColumnAliases,
    text: &str,
    file: &str,
    errs: &mut Errors,
) -> Scheme {
    let top = At::default();
    let name = raw.name.trim().to_string();
    if name.is_empty() {
        errs.add(&top, "方案名称 name 不能为空", "the scheme's name is empty");
    }
    let defaults = defaults(&raw.defaults, errs);
    let grades = match &raw.grades {
        Some(g) => grades(g, errs),
        None => default_grades(),
    };

    let mut versions = Vec::new();
    let first_from = match &raw.effective_from {
        Some(d) => date(d, &top.push("effective_from", "effective_from"), errs),
        None => NaiveDate::MIN,
    };
    let many = !raw.versions.is_empty();
    if !raw.profiles.is_empty() || !many {
        let at = if many {
            top.push(
                &format!("版本 {}", show_from(first_from)),
                &format!("version from {}", show_from(first_from)),
            )
        } else {
            top.clone()
        };
        versions.push(Version {
            effective_from: first_from,
            profiles: profiles(&raw.profiles, &at, text, errs),
        });
    }
    for v in &raw.versions {
        let from = date(
            &v.effective_from,
            &top.push("[[versions]] effective_from", "[[versions]] effective_from"),
            errs,
        );
        let at = top.push(
            &format!("版本 {}", show_from(from)),
            &format!("version from {}", show_from(from)),
        );
        versions.push(Version {
            effective_from: from,
            profiles: profiles(&v.profiles, &at, text, errs),
        });
    }
    versions.sort_by_key(|v| v.effective_from);
    for w in versions.windows(2) {
        if w[0].effective_from == w[1].effective_from {
            let d = show_from(w[0].effective_from);
            errs.add(
                &top,
                format!("两个版本的生效日期相同：{d}；请给每个版本不同的 effective_from"),
                format!("two versions take effect on the same day: {d}; give each version its own effective_from"),
            );
        }
    }

    let (apply, distribution) =
        super::apply::build(raw.apply.as_ref(), raw.distribution.as_ref(), &grades, errs);
    Scheme {
        apply,
        distribution,
        name,
        label: raw.version.as_ref().map(|l| l.text()).unwrap_or_default(),
        file: file.to_string(),
        defaults,
        grades,
        versions,
        columns,
        mail: raw.mail.as_ref().map(|m| mail(m, errs)).unwrap_or_default(),
        form: raw.form.as_ref().map(|f| form(f, errs)).unwrap_or_default(),
        ledger_password_env: raw
            .input
            .as_ref()
            .and_then(|i| i.passwords.clone())
            .map(|m| m.into_iter().collect())
            .unwrap_or_default(),
    }
}

/// The `[form]` table: names of the sign-off lines are not blank.
fn form(raw: &super::raw::RawForm, errs: &mut Errors) -> super::Form {
    let at = At::default().push("[form]", "[form]");
    let mut names = |key: &str, list: &Option<Vec<String>>| -> Option<Vec<String>> {
        let list = list.as_ref()?;
        if list.iter().any(|n| n.trim().is_empty()) {
            errs.add(
                &at.push(key, key),
                "签字栏名称不能为空",
                "a sign-off line needs a name",
            );
        }
        Some(list.iter().map(|n| n.trim().to_string()).collect())
    };
    super::Form {
        signoffs: names("signoffs", &raw.signoffs),
        summary_signoffs: names("summary_signoffs", &raw.summary_signoffs),
        appeal: raw.appeal.as_ref().map(|a| a.trim().to_string()),
        ranking_bonus: raw.ranking_bonus.unwrap_or(true),
    }
}

/// The `[mail]` table: a valid sender; subject and body both or neither.
fn mail(raw: &RawMail, errs: &mut Errors) -> MailSettings {
    let at = At::default().push("[mail]", "[mail]");
    let mut out = MailSettings {
        encrypt: raw.encrypt.unwrap_or(false),
        password_hint: raw.password_hint.clone(),
        ..MailSettings::default()
    };
    match &raw.password {
        None => {}
        Some(super::raw::RawPassword::Column(c))
            if matches!(c.trim(), "文件密码" | "file_password" | "File password") => {}
        Some(super::raw::RawPassword::Last { column, last })
            if matches!(column.trim(), "身份证号" | "id_number" | "ID number") && *last > 0 =>
        {
            out.password = super::mail::PasswordRule::IdNumberLast(*last)
        }
        Some(_) => errs.add(
            &at.push("password", "password"),
            "应为 \"文件密码\"（人员表的文件密码列），或 { column = \"身份证号\", last = 6 }（身份证号的后几位）",
            "expected \"文件密码\" (the roster's file password column) or { column = \"身份证号\", last = 6 } (the last characters of the ID number)",
        ),
    }
    if let Some(from) = &raw.from {
        match check_from(from) {
            Ok(()) => out.from = Some(from.trim().to_string()),
            Err(e) => errs.add_both(&at.push("from", "from"), &e),
        }
    }
    match (&raw.subject, &raw.body) {
        (Some(s), Some(b)) => match MailTemplate::new(s, b) {
            Ok(t) => out.template = Some(t),
            Err(e) => errs.add_both(&at, &e),
        },
        (None, None) => {}
        _ => errs.add(
            &at,
            "subject 和 body 须同时给出",
            "give both subject and body, or neither",
        ),
    }
    out
}

fn show_from(d: NaiveDate) -> String {
    if d == NaiveDate::MIN {
        "起始".to_string()
    } else {
        d.to_string()
    }
}

fn date(d: &RawDate, at: &At, errs: &mut Errors) -> NaiveDate {
    let parsed = match d {
        RawDate::Toml(dt) => match (dt.date, dt.time) {
            (Some(d), None) => {
                NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
            }
            _ => None,
        },
        RawDate::Text(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok(),
    };
    parsed.unwrap_or_else(|| {
        errs.add(
            at,
            "日期应写成 2026-01-01",
            "a date must be written 2026-01-01",
        );
        NaiveDate::MIN
    })
}

fn defaults(raw: &RawDefaults, errs: &mut Errors) -> Defaults {
    let at = At::default().push("[defaults]", "[defaults]");
    let mut d = Defaults::default();
    let nonneg_i = |v: i64, key: &str, errs: &mut Errors| {
        if v < 0 {
            errs.add(
                &at,
                format!("{key} 不能为负数"),
                format!("{key} must not be negative"),
            );
        }
        v
    };
    if let Some(v) = raw.grace_days {
        d.grace_days = nonneg_i(v, "grace_days", errs);
    }
    if let Some(v) = raw.old_customer_months {
        d.old_customer_months = v;
    }
    if let Some(v) = raw.silence_months {
        d.silence_months = v;
    }
    if let Some(v) = raw.probation_months {
        d.probation_months = v;
    }
    if let Some(v) = raw.senior_months {
        d.senior_months = v;
    }
    if let Some(a) = &raw.approval_days {
        if let Some(v) = a.regular {
            d.approval_days_regular = nonneg_i(v, "approval_days.regular", errs);
        }
        if let Some(v) = a.special {
            d.approval_days_special = nonneg_i(v, "approval_days.special", errs);
        }
    }
    if let Some(stages) = &raw.intent_stages {
        d.intent_stages = Vec::new();
        for s in stages {
            match words::lookup(WordList::Stage, &fold(s)) {
                Some(w) if !d.intent_stages.contains(&w.code) => d.intent_stages.push(w.code),
                Some(_) => {}
                None => errs.add(
                    &at,
                    format!(
                        "intent_stages：未知的跟进阶段 {s}（可用：{}）",
                        zh_words(words::STAGES)
                    ),
                    format!(
                        "intent_stages: unknown stage {s} (known: {})",
                        codes(words::STAGES)
                    ),
                ),
            }
        }
    }
    if let Some(sources) = &raw.referral_sources {
        d.referral_sources = sources
            .iter()
            .map(|s| fold(s).to_lowercase())
            .filter(|s| !s.is_empty())
            .collect();
    }
    if let Some(c) = &raw.completeness_columns {
        for (kind, cols) in [
            (Kind::Customers, &c.customers),
            (Kind::Followups, &c.followups),
            (Kind::Payments, &c.payments),
        ] {
            let Some(cols) = cols else { continue };
            let mut keys = Vec::new();
            for key in cols {
                match kind.column(key.trim()) {
                    Some(col) if !keys.contains(&col.key) => keys.push(col.key),
                    Some(_) => {}
                    None => errs.add(
                        &at,
                        format!(
                            "completeness_columns.{}：{} 中没有列 {key}",
                            kind.key(),
                            kind.zh()
                        ),
                        format!(
                            "completeness_columns.{}: {} has no column {key}",
                            kind.key(),
                            kind.en()
                        ),
                    ),
                }
            }
            d.completeness.insert(kind, keys);
        }
    }
    if let Some(na) = &raw.na {
        match na.trim() {
            "renormalise" | "renormalize" => d.na = NaPolicy::Renormalise,
            "score" => d.na = NaPolicy::Score,
            other => errs.add(
                &at,
                format!("na 应为 \"renormalise\" 或 \"score\"，而不是 \"{other}\""),
                format!("na must be \"renormalise\" or \"score\", not \"{other}\""),
            ),
        }
    }
    if let Some(Num(v)) = raw.na_score {
        if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
            errs.add(
                &at,
                "na_score 应在 0–100 之间",
                "na_score must be within 0–100",
            );
        }
        d.na_score = v;
    }
    if let Some(Num(v)) = raw.max_bonus {
        if too_big(v) {
            errs.add(&at, "max_bonus 过大", "max_bonus is too large");
        }
        if v < Decimal::ZERO {
            errs.add(
                &at,
                "max_bonus 不能为负数",
                "max_bonus must not be negative",
            );
        }
        d.max_bonus = v;
    }
    if let Some(b) = &raw.sales_basis {
        match basis(b) {
            Some(b) => d.sales_basis = b,
            None => errs.add(
                &at,
                format!("sales_basis 应为 \"signed\" 或 \"collected\"，而不是 \"{b}\""),
                format!("sales_basis must be \"signed\" or \"collected\", not \"{b}\""),
            ),
        }
    }
    if let Some(Num(v)) = raw.min_employed_share {
        if v <= Decimal::ZERO || v > Decimal::ONE {
            errs.add(
                &at,
                "min_employed_share 应大于 0 且不超过 1",
                "min_employed_share must be above 0 and at most 1",
            );
        }
        d.min_employed_share = v;
    }
    d
}

fn basis(s: &str) -> Option<SalesBasis> {
    match s.trim() {
        "signed" | "签约" => Some(SalesBasis::Signed),
        "collected" | "回款" => Some(SalesBasis::Collected),
        _ => None,
    }
}

fn zh_words(list: &[words::Word]) -> String {
    list.iter().map(|w| w.zh).collect::<Vec<_>>().join("、")
}

fn codes(list: &[words::Word]) -> String {
    list.iter().map(|w| w.code).collect::<Vec<_>>().join(", ")
}

fn grades(raw: &[RawGrade], errs: &mut Errors) -> Vec<Grade> {
    let at = At::default().push("[[grades]]", "[[grades]]");
    if raw.is_empty() {
        errs.add(&at, "至少需要一个等级", "at least one grade is needed");
        return default_grades();
    }
    let mut out: Vec<Grade> = Vec::new();
    for g in raw {
        let name = g.name.trim().to_string();
        let at = at.push(&format!("等级 {name}"), &format!("grade {name}"));
        if name.is_empty() {
            errs.add(&at, "等级名称不能为空", "a grade's name is empty");
        }
        if out.iter().any(|o| o.name == name) {
            errs.add(&at, "等级名称重复", "the grade's name is used twice");
        }
        if out.iter().any(|o| o.min == g.min.0) {
            errs.add(&at, "两个等级的最低分相同", "two grades have the same min");
        }
        if g.min.0 < Decimal::ZERO || g.min.0 > Decimal::from(120) {
            errs.add(&at, "min 应在 0–120 之间", "min must be within 0–120");
        }
        if too_big(g.coefficient.0) {
            errs.add(&at, "系数过大", "the coefficient is too large");
        }
        if g.coefficient.0 < Decimal::ZERO {
            errs.add(
                &at,
                "系数不能为负数",
                "the coefficient must not be negative",
            );
        }
        out.push(Grade {
            name,
            min: g.min.0,
            coefficient: g.coefficient.0,
        });
    }
    out.sort_by_key(|g| std::cmp::Reverse(g.min));
    out
}

fn profiles(raw: &[RawProfile], at: &At, text: &str, errs: &mut Errors) -> Vec<Profile> {
    if raw.is_empty() {
        errs.add(
            at,
            "没有任何考核档案 [[profiles]]",
            "no profiles ([[profiles]])",
        );
    }
    let mut out: Vec<Profile> = Vec::new();
    let mut roles_seen: Vec<(String, String)> = Vec::new();
    for p in raw {
        let name = p.name.trim().to_string();
        let pat = at.push(&format!("档案「{name}」"), &format!("profile \"{name}\""));
        if name.is_empty() {
            errs.add(&pat, "档案名称不能为空", "the profile's name is empty");
        }
        if out.iter().any(|o| o.name == name) {
            errs.add(&pat, "档案名称重复", "two profiles have this name");
        }
        if p.roles.is_empty() {
            errs.add(
                &pat,
                "roles 为空：档案必须对应至少一个岗位",
                "roles is empty: a profile must cover at least one roster role",
            );
        }
        let mut roles = Vec::new();
        for r in &p.roles {
            let role = fold(r);
            if role.is_empty() {
                errs.add(&pat, "岗位名称不能为空", "a role is empty");
                continue;
            }
            if let Some((_, other)) = roles_seen.iter().find(|(r, _)| *r == role) {
                errs.add(
                    &pat,
                    format!("岗位「{role}」同时属于档案「{other}」；一个岗位只能列在一个档案的 roles 中"),
                    format!("role \"{role}\" is also covered by profile \"{other}\"; list a role in one profile's roles only"),
                );
            } else {
                roles_seen.push((role.clone(), name.clone()));
            }
            roles.push(role);
        }
        let indicators = indicator_list(&p.indicators, &pat, text, errs);
        let mut layers = Vec::new();
        let mut sections = |sec: [&Option<super::raw::RawSection>; 3],
                            variant: Variant,
                            at: &At,
                            errs: &mut Errors| {
            for (kind, raw) in PeriodKind::ALL.into_iter().zip(sec) {
                let Some(raw) = raw else { continue };
                let (zh, en) = (
                    format!("{}方案 [{}]", kind.label(crate::Lang::Zh), kind.key()),
                    format!("{} section [{}]", kind.label(crate::Lang::En), kind.key()),
                );
                layers.push(Layer {
                    variant,
                    kind,
                    indicators: indicator_list(&raw.indicators, &at.push(&zh, &en), text, errs),
                });
            }
        };
        sections(
            [&p.month, &p.quarter, &p.year],
            Variant::Regular,
            &pat,
            errs,
        );
        let mut variant = |raw: &Option<super::raw::RawVariant>,
                           v: Variant,
                           zh: &str,
                           en: &str,
                           errs: &mut Errors| {
            let raw = raw.as_ref()?;
            let at = pat.push(zh, en);
            let layered = raw.month.is_some() || raw.quarter.is_some() || raw.year.is_some();
            sections([&raw.month, &raw.quarter, &raw.year], v, &at, errs);
            // A variant with layers may leave its own list out.
            (!(layered && raw.indicators.is_empty()))
                .then(|| indicator_list(&raw.indicators, &at, text, errs))
        };
        let probation = variant(
            &p.probation,
            Variant::Probation,
            "试用期方案",
            "probation variant",
            errs,
        );
        let senior = variant(
            &p.senior,
            Variant::Senior,
            "资深方案",
            "senior variant",
            errs,
        );
        out.push(Profile {
            name,
            roles,
            indicators,
            probation,
            senior,
            layers,
        });
    }
    out
}

fn indicator_list(
    raw: &[RawIndicator],
    at: &At,
    text: &str,
    errs: &mut Errors,
) -> Vec<IndicatorSpec> {
    let mut out: Vec<IndicatorSpec> = Vec::new();
    let mut seen = HashSet::new();
    for r in raw {
        let code = r.code.get_ref().trim();
        let (line, _) = line_col(text, r.code.span().start);
        let iat = at.push(
            &format!("指标 {code}（第 {line} 行）"),
            &format!("indicator {code} (line {line})"),
        );
        if !seen.insert(code.to_string()) {
            errs.add(
                &iat,
                "同一指标在列表中出现两次",
                "the indicator is listed twice",
            );
        }
        if let Some(spec) = indicator(r, &iat, errs) {
            out.push(spec);
        }
    }
    let sum: Decimal = out.iter().filter(|s| !s.gate).map(|s| s.weight).sum();
    if sum != Decimal::ONE_HUNDRED && out.len() == raw.len() {
        errs.add(
            at,
            format!("非达标项指标的权重合计为 {sum}，应为 100；请调整 weight 使其合计为 100"),
            format!("the weights of the weighted (non-gate) indicators sum to {sum}, not 100; change the weights so that they add up to 100"),
        );
    }
    out
}

/// Check one indicator entry; `None` when its code is unknown.
fn indicator(r: &RawIndicator, at: &At, errs: &mut Errors) -> Option<IndicatorSpec> {
    let code = r.code.get_ref().trim();
    let Some(mut s) = IndicatorSpec::new(code).filter(|_| code != "rating:") else {
        let (zh, en) = match code_suggestion(code) {
            Some((zh, en)) => (format!("；{zh}"), format!("; {en}")),
            None => Default::default(),
        };
        errs.add(
            at,
            format!("未知的指标代码（见 kaohe explain 或 docs/indicators.md；人工评分写作 rating:名称）{zh}"),
            format!("unknown indicator code (see kaohe explain or docs/indicators.md; manual ratings are written rating:NAME){en}"),
        );
        return None;
    };
    let rating = s.rating_name().is_some();
    if rating {
        s.name = fold(&s.name);
        s.code = format!("rating:{}", s.name);
    }
    let monthly = s.def.scaling == Scaling::Monthly;

    // Achievement against a target.
    match (&r.target, code) {
        (None, "sales_achievement") => s.target = Some("sales_target".into()),
        (Some(t), "sales_achievement") if t.trim() != "sales_target" => doesnt_apply(
            errs,
            at,
            "target",
            "销售额达成率只能以 sales_target 为目标",
            "sales_achievement is always against sales_target",
        ),
        (Some(t), _) if code == "sales_achievement" || monthly => {
            let t = t.trim();
            if TARGET_COLUMNS.contains(&t) {
                s.target = Some(t.to_string());
            } else {
                errs.add(
                    at,
                    format!("目标表中没有列 {t}（可用：{}）", TARGET_COLUMNS.join("、")),
                    format!(
                        "unknown target column {t} (the targets ledger has {})",
                        TARGET_COLUMNS.join(", ")
                    ),
                );
            }
        }
        (Some(_), _) => doesnt_apply(
            errs,
            at,
            "target",
            "只有数量和金额合计类指标可按目标计达成率",
            "only counts and money totals can be scored against a target",
        ),
        (None, _) => {}
    }
    let direction = s.direction();

    if let Some(d) = &r.dimension {
        let d = fold(d);
        if d.is_empty() {
            errs.add(at, "dimension 不能为空", "dimension is empty");
        } else {
            s.dimension = d;
        }
    }

    s.gate = r.gate.unwrap_or(false);
    if s.gate {
        if r.weight.is_some() {
            errs.add(
                at,
                "达标项（gate = true）不设权重，请删除 weight",
                "a gate (gate = true) has no weight: remove weight",
            );
        }
        if let Some(Num(p)) = r.penalty {
            if p < Decimal::ZERO {
                errs.add(at, "penalty 不能为负数", "penalty must not be negative");
            }
            s.penalty = p;
        }
        for (key, present) in [
            ("method", r.method.is_some()),
            ("cap", r.cap.is_some()),
            ("steps", r.steps.is_some()),
            ("excellent", r.excellent.is_some()),
        ] {
            if present {
                doesnt_apply(
                    errs,
                    at,
                    key,
                    "达标项只看达标线",
                    "a gate only has a pass line",
                );
            }
        }
    } else {
        match r.weight {
            None => errs.add(
                at,
                "缺少权重 weight（达标项请写 gate = true）",
                "weight is missing (write gate = true for a gate)",
            ),
            Some(Num(w)) if w <= Decimal::ZERO || w > Decimal::ONE_HUNDRED => errs.add(
                at,
                format!("权重 {w} 应大于 0 且不超过 100"),
                format!("weight {w} must be above 0 and at most 100"),
            ),
            Some(Num(w)) => s.weight = w,
        }
        if r.penalty.is_some() {
            doesnt_apply(
                errs,
                at,
                "penalty",
                "只有达标项扣分",
                "only gates have a penalty",
            );
        }
    }

    // Lines.
    for (key, v) in [("pass", r.pass), ("excellent", r.excellent)] {
        if let Some(Num(v)) = v {
            if v < Decimal::ZERO {
                errs.add(
                    at,
                    format!("{key} 不能为负数"),
                    format!("{key} must not be negative"),
                );
            }
        }
    }
    let numbers = [r.pass, r.excellent, r.cap, r.penalty]
        .into_iter()
        .flatten()
        .chain(r.steps.iter().flatten().flatten().copied())
        .chain(r.raters.iter().flat_map(|m| m.values().copied()));
    if numbers.into_iter().any(|Num(v)| too_big(v)) {
        errs.add(
            at,
            "数值过大（不能超过 1 万亿）",
            "a number is too large (at most 10¹²)",
        );
    }
    s.pass = r.pass.map(|n| n.0);
    s.excellent = r.excellent.map(|n| n.0);
    if let (Some(p), Some(e)) = (s.pass, s.excellent) {
        match direction {
            Direction::Up if e <= p => errs.add(
                at,
                format!("越高越好（↑）的指标优秀线应高于达标线（达标 {p}，优秀 {e}）"),
                format!(
                    "higher is better (↑): excellent must be above pass (pass {p}, excellent {e})"
                ),
            ),
            Direction::Down if e >= p => errs.add(
                at,
                format!("越低越好（↓）的指标优秀线应低于达标线（达标 {p}，优秀 {e}）"),
                format!(
                    "lower is better (↓): excellent must be below pass (pass {p}, excellent {e})"
                ),
            ),
            _ => {}
        }
    }

    // Method.
    let method = r.method.as_deref().map(str::trim).unwrap_or("linear");
    let no_lines = s.pass.is_none() && s.excellent.is_none();
    if r.cap.is_some() && method != "ratio" {
        doesnt_apply(
            errs,
            at,
            "cap",
            "仅用于 method = \"ratio\"",
            "only for method = \"ratio\"",
        );
    }
    if r.steps.is_some() && method != "steps" {
        doesnt_apply(
            errs,
            at,
            "steps",
            "仅用于 method = \"steps\"",
            "only for method = \"steps\"",
        );
    }
    if s.gate {
        if s.pass.is_none() {
            errs.add(at, "达标项缺少达标线 pass", "the gate has no pass line");
        }
    } else {
        match method {
            "linear" | "线性" => {
                s.method = Method::Linear;
                let ok = (s.pass.is_some() && s.excellent.is_some()) || (rating && no_lines);
                if !ok {
                    errs.add(
                        at,
                        "线性计分需要达标线 pass 和优秀线 excellent",
                        "linear scoring needs a pass and an excellent line",
                    );
                }
            }
            "ratio" | "比例" => {
                let cap = r.cap.map_or(Decimal::new(12, 1), |c| c.0);
                if cap <= Decimal::ZERO {
                    errs.add(at, "cap 应大于 0", "cap must be above 0");
                }
                s.method = Method::Ratio { cap };
                if direction == Direction::Down {
                    errs.add(
                        at,
                        "比例计分只适用于越高越好（↑）的指标",
                        "ratio scoring only suits higher-is-better (↑) indicators",
                    );
                }
                match s.pass {
                    None => errs.add(
                        at,
                        "比例计分需要达标线 pass",
                        "ratio scoring needs a pass line",
                    ),
                    Some(p) if p.is_zero() => errs.add(
                        at,
                        "比例计分的达标线应大于 0",
                        "ratio scoring needs a pass line above 0",
                    ),
                    _ => {}
                }
            }
            "direct" | "直接" => s.method = Method::Direct,
            "steps" | "阶梯" => match &r.steps {
                None => errs.add(
                    at,
                    "阶梯计分需要 steps = [[阈值, 分数], …]",
                    "steps scoring needs steps = [[threshold, score], …]",
                ),
                Some(steps) => {
                    let steps: Vec<(Decimal, Decimal)> =
                        steps.iter().map(|[t, sc]| (t.0, sc.0)).collect();
                    if steps.is_empty() {
                        errs.add(at, "steps 为空", "steps is empty");
                    }
                    if steps.windows(2).any(|w| w[1].0 <= w[0].0) {
                        errs.add(
                            at,
                            "steps 的阈值必须严格递增",
                            "the thresholds of steps must be strictly increasing",
                        );
                    }
                    if steps
                        .iter()
                        .any(|(_, sc)| *sc < Decimal::ZERO || *sc > Decimal::ONE_HUNDRED)
                    {
                        errs.add(
                            at,
                            "steps 的分数应在 0–100 之间",
                            "the scores of steps must be within 0–100",
                        );
                    }
                    s.method = Method::Steps(steps);
                }
            },
            other => errs.add(
                at,
                format!("未知的计分方法 {other}（linear、ratio、direct、steps）"),
                format!("unknown method {other} (linear, ratio, direct, steps)"),
            ),
        }
    }

    // Options of particular indicators.
    if let Some(v) = r.scale_with_period {
        if monthly && s.target.is_none() {
            s.scale_with_period = v;
        } else {
            doesnt_apply(
                errs,
                at,
                "scale_with_period",
                "只有按绝对数计分的数量和金额合计类指标的线按月份数放大",
                "only the lines of counts and money totals scored absolutely scale with the period",
            );
        }
    }
    if let Some(b) = &r.basis {
        if code == "collection_rate" {
            match b.trim() {
                "due_in_period" | "应收当期" => {
                    s.collection_basis = super::CollectionBasis::DueInPeriod
                }
                "outstanding" | "应收总额" => {
                    s.collection_basis = super::CollectionBasis::Outstanding
                }
                other => errs.add(
                    at,
                    format!("回款率的 basis 应为 \"due_in_period\" 或 \"outstanding\"，而不是 \"{other}\""),
                    format!("the basis of collection_rate must be \"due_in_period\" or \"outstanding\", not \"{other}\""),
                ),
            }
        } else if code == "sales" || code == "sales_achievement" {
            match basis(b) {
                Some(b) => s.basis = Some(b),
                None => errs.add(
                    at,
                    format!("basis 应为 \"signed\" 或 \"collected\"，而不是 \"{b}\""),
                    format!("basis must be \"signed\" or \"collected\", not \"{b}\""),
                ),
            }
        } else {
            doesnt_apply(
                errs,
                at,
                "basis",
                "仅用于销售额类指标和回款率",
                "only for sales indicators and collection_rate",
            );
        }
    }
    if let Some(methods) = &r.methods {
        if code == "followups" {
            for m in methods {
                match words::lookup(WordList::Method, &fold(m)) {
                    Some(w) if !s.methods.contains(&w.code) => s.methods.push(w.code),
                    Some(_) => {}
                    None => errs.add(
                        at,
                        format!("未知的跟进方式 {m}（可用：{}）", zh_words(words::METHODS)),
                        format!(
                            "unknown follow-up method {m} (known: {})",
                            codes(words::METHODS)
                        ),
                    ),
                }
            }
        } else {
            doesnt_apply(
                errs,
                at,
                "methods",
                "仅用于跟进量 followups",
                "only for followups",
            );
        }
    }
    if let Some(v) = r.require_first_payment {
        if code == "new_customers" {
            s.require_first_payment = v;
        } else {
            doesnt_apply(
                errs,
                at,
                "require_first_payment",
                "仅用于新客户开发数量 new_customers",
                "only for new_customers",
            );
        }
    }
    if let Some(n) = r.times_per_week {
        if code == "intent_followup_coverage" {
            if n == 0 {
                errs.add(
                    at,
                    "times_per_week 应至少为 1",
                    "times_per_week must be at least 1",
                );
            }
            s.times_per_week = n;
        } else {
            doesnt_apply(
                errs,
                at,
                "times_per_week",
                "仅用于意向客户跟进达标率 intent_followup_coverage",
                "only for intent_followup_coverage",
            );
        }
    }
    if let Some(n) = r.renewal_window_days {
        if code == "renewal_rate" {
            if n > 3660 {
                errs.add(
                    at,
                    "renewal_window_days 不能超过 3660 天（十年）",
                    "renewal_window_days must be at most 3660 days (ten years)",
                );
            }
            s.renewal_window_days = i64::from(n);
        } else {
            doesnt_apply(
                errs,
                at,
                "renewal_window_days",
                "仅用于续约率 renewal_rate",
                "only for renewal_rate",
            );
        }
    }
    for (key, list, out) in [
        ("tiers", &r.tiers, &mut s.tiers),
        ("channels", &r.channels, &mut s.channels),
    ] {
        let Some(list) = list else { continue };
        if code == "new_customers" || code == "new_customer_revenue_share" {
            *out = list
                .iter()
                .map(|t| fold(t).to_lowercase())
                .filter(|t| !t.is_empty())
                .collect();
            if out.is_empty() {
                errs.add(
                    at,
                    format!("{key} 为空：请列出要计入的值，或删除该选项"),
                    format!("{key} is empty: list the values to count, or remove the option"),
                );
            }
        } else {
            doesnt_apply(
                errs,
                at,
                key,
                "仅用于新客户开发数量和新客户营收占比",
                "only for new_customers and new_customer_revenue_share",
            );
        }
    }
    if let Some(scope) = &r.scope {
        use super::catalogue::Unit;
        // Counts, money totals and rates pool (SPEC 5, "Team scope"; area
        // is a total, follow-ups per week a rate); scores and day averages
        // do not.
        let poolable = matches!(
            s.def.unit,
            Unit::Count | Unit::Money | Unit::Percent | Unit::Number
        );
        match scope.trim() {
            "personal" | "个人" => s.team = false,
            "team" | "团队" if poolable && !rating => s.team = true,
            "team" | "团队" => doesnt_apply(
                errs,
                at,
                "scope",
                "只有数量、金额和比率类指标可按团队合计（评分、天数不可）",
                "only counts, money and rates pool over a team (not scores or days)",
            ),
            other => errs.add(
                at,
                format!("scope 应为 \"personal\" 或 \"team\"，而不是 \"{other}\""),
                format!("scope must be \"personal\" or \"team\", not \"{other}\""),
            ),
        }
    }
    if let Some(raters) = &r.raters {
        if rating {
            let mut out: BTreeMap<usize, (&'static str, Decimal)> = BTreeMap::new();
            for (name, Num(w)) in raters {
                let Some(pos) = words::lookup(WordList::Rater, &fold(name))
                    .and_then(|w| words::RATERS.iter().position(|r| r.code == w.code))
                else {
                    errs.add(
                        at,
                        format!("未知的评分来源 {name}（可用：{}）", zh_words(words::RATERS)),
                        format!("unknown rater {name} (known: {})", codes(words::RATERS)),
                    );
                    continue;
                };
                if *w <= Decimal::ZERO {
                    errs.add(
                        at,
                        format!("评分来源 {name} 的权重应大于 0"),
                        format!("the weight of rater {name} must be above 0"),
                    );
                }
                if out.insert(pos, (words::RATERS[pos].code, *w)).is_some() {
                    errs.add(
                        at,
                        format!("评分来源 {name} 写了两次"),
                        format!("rater {name} is given twice"),
                    );
                }
            }
            s.raters = out.into_values().collect();
        } else {
            doesnt_apply(
                errs,
                at,
                "raters",
                "仅用于人工评分 rating:",
                "only for manual ratings (rating:)",
            );
        }
    }
    if let Some(Num(scale)) = r.scale {
        if rating {
            if !SCALES.iter().any(|&k| Decimal::from(k) == scale) {
                errs.add(
                    at,
                    format!("scale 应为 5、10 或 100，而不是 {scale}"),
                    format!("scale must be 5, 10 or 100, not {scale}"),
                );
            }
            s.scale = Some(scale);
        } else {
            doesnt_apply(
                errs,
                at,
                "scale",
                "仅用于人工评分 rating:",
                "only for manual ratings (rating:)",
            );
        }
    }
    if rating && no_lines && s.scale.is_none() && !matches!(s.method, Method::Steps(_)) {
        errs.add(
            at,
            "人工评分未设达标线和优秀线时需要 scale（5、10 或 100）以换算为百分制",
            "a manual rating without lines needs scale (5, 10 or 100) to convert it to 0–100",
        );
    }
    Some(s)
}

/// "Did you mean …" for an unknown indicator code: a catalogue name
/// written as the code (`客户流失率` → churn_rate), the nearest catalogue
/// code (`folowups` → followups), or a manual rating written without its
/// `rating:` prefix.
fn code_suggestion(code: &str) -> Option<(String, String)> {
    use super::catalogue::{lookup, INDICATORS};
    let hit = lookup(code).or_else(|| {
        let near = super::suggest::nearest(code, INDICATORS.iter().map(|d| d.code))?;
        super::catalogue::find(near)
    });
    if let Some(d) = hit {
        return Some((
            format!("是否应为 {}（{}）？", d.code, d.zh),
            format!("did you mean {} ({})?", d.code, d.en),
        ));
    }
    let name = match code.strip_prefix("rating") {
        Some(rest) => rest.trim_start_matches([':', '：', ' ']),
        None if !code.is_ascii() => code,
        None => return None,
    };
    (!name.is_empty()).then(|| {
        (
            format!("人工评分请写作 rating:{name}"),
            format!("write a manual rating as rating:{name}"),
        )
    })
}

fn doesnt_apply(errs: &mut Errors, at: &At, key: &str, zh: &str, en: &str) {
    errs.add(
        at,
        format!("选项 {key} 不适用于此指标（{zh}）"),
        format!("option {key} does not apply to this indicator ({en})"),
    );
}

#[cfg(test)]
mod tests;

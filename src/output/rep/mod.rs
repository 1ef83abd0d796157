//! The per-rep assessment workbook (考核表, SPEC 8): the scorecard with live
//! formulas whose results are cached (so viewers that do not recalculate
//! show the right numbers, and an edited manual score recalculates), and
//! evidence sheets (佐证材料) with the rows behind the numbers. Only this
//! rep's rows are written; team figures appear only as averages.
//!
//! `scorecard.rs` lays out the 考核表 sheet; `evidence.rs` builds the
//! evidence rows (also for the period's content digest) and lays them out.
//! This file holds what both share: formats, number formats, team averages.

mod evidence;
mod scorecard;

use evidence::evidence;
pub use evidence::{evidence_digest, Evidence, IssueRows};
use scorecard::scorecard;

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Chart, ChartType, ConditionalFormatCell, ConditionalFormatCellRule, ConditionalFormatFormula,
    ExcelDateTime, Format, FormatAlign, FormatBorder, Formula, Workbook, Worksheet, XlsxError,
};

use crate::compute::assess::{Assessed, RepResult};
use crate::compute::performance::{counted_amount, new_customer_set};
use crate::compute::process::{followups_in_period, leads_in_period, within};
use crate::compute::score::{GateOutcome, LineStatus};
use crate::compute::Ctx;
use crate::input::model::{AdjustmentKind, RepIdx};
use crate::output::manifest::{
    EditableCell, FixedCell, Layout, Shown, COMMENT, INTERVIEW, INTERVIEW_FIELDS, PLAN, PLAN_FIELDS,
};
use crate::output::xlsx::{
    display_width, fit_width, needs_quote_prefix, new_output_workbook, write_text,
};
use crate::period::Period;
use crate::scheme::catalogue::Unit;
use crate::scheme::{Scheme, Variant};
use crate::Lang;

/// Mean dimension score rate (subtotal ÷ renormalised weight × 100) over the
/// period's assessed reps, per dimension: the only team figures a rep sees.
pub fn team_averages<'a>(
    results: impl IntoIterator<Item = &'a RepResult>,
) -> BTreeMap<String, Decimal> {
    let mut acc: BTreeMap<String, (Decimal, u32)> = BTreeMap::new();
    for a in results.into_iter().filter_map(|r| r.outcome.as_ref().ok()) {
        for d in &a.assessment.dimensions {
            if let Some(rate) = dimension_rate(d.subtotal, d.renormalised_weight) {
                let e = acc.entry(d.name.clone()).or_default();
                e.0 += rate;
                e.1 += 1;
            }
        }
    }
    acc.into_iter()
        .map(|(k, (s, n))| (k, crate::compute::score::round2(s / Decimal::from(n))))
        .collect()
}

fn dimension_rate(subtotal: Decimal, weight: Option<Decimal>) -> Option<Decimal> {
    weight
        .filter(|w| !w.is_zero())
        .map(|w| crate::compute::score::round2(subtotal * Decimal::from(100) / w))
}

/// `2026年10月`, `2026年第4季度`, `2026年度` (English: the period code).
pub fn period_title(p: Period, lang: Lang) -> String {
    match (p, lang) {
        (Period::Month(m), Lang::Zh) => format!("{}年{}月", m.year, m.month),
        (Period::Quarter { year, quarter }, Lang::Zh) => format!("{year}年第{quarter}季度"),
        (Period::Year(y), Lang::Zh) => format!("{y}年度"),
        (p, Lang::En) => p.to_string(),
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn num_format(unit: Unit, ratio: bool) -> &'static str {
    if ratio {
        return "0.0%";
    }
    match unit {
        Unit::Percent => "0.0%",
        Unit::Money => "#,##0.00",
        Unit::Count => "0",
        Unit::Number | Unit::Days | Unit::WorkingDays | Unit::Score => "0.00",
    }
}

struct Formats {
    title: Format,
    label: Format,
    head: Format,
    text: Format,
    wrap: Format,
    num2: Format,
    money: Format,
    bold2: Format,
    total: Format,
    unlocked2: Format,
    sub: Format,
    sub2: Format,
    /// A label that sits right against its value (form number, date).
    label_right: Format,
    /// A value written on a line (考核人).
    line: Format,
    /// A small wrapped explanation.
    note: Format,
    center: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = |f: Format| {
            f.set_border(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter)
        };
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            label: Format::new().set_bold().set_font_color("#404040"),
            head: border(
                Format::new()
                    .set_bold()
                    .set_background_color("#DDEBF7")
                    .set_text_wrap()
                    .set_align(FormatAlign::Center)
                    .set_align(FormatAlign::VerticalCenter),
            ),
            text: border(Format::new()),
            wrap: border(
                Format::new()
                    .set_text_wrap()
                    .set_align(FormatAlign::VerticalCenter),
            ),
            num2: border(Format::new().set_num_format("0.00")),
            money: border(Format::new().set_num_format("#,##0.00")),
            bold2: border(Format::new().set_bold().set_num_format("0.00")),
            total: border(
                Format::new()
                    .set_bold()
                    .set_font_size(12)
                    .set_num_format("0.00")
                    .set_background_color("#FFF2CC"),
            ),
            unlocked2: border(
                Format::new()
                    .set_num_format("0.00")
                    .set_unlocked()
                    .set_background_color("#FFFFE0"),
            ),
            sub: border(Format::new().set_bold().set_background_color("#F2F2F2")),
            sub2: border(
                Format::new()
                    .set_bold()
                    .set_num_format("0.00")
                    .set_background_color("#F2F2F2"),
            ),
            label_right: Format::new()
                .set_bold()
                .set_font_color("#404040")
                .set_align(FormatAlign::Right),
            line: Format::new().set_border_bottom(FormatBorder::Thin),
            note: Format::new()
                .set_text_wrap()
                .set_font_size(9)
                .set_font_color("#404040")
                .set_align(FormatAlign::VerticalCenter),
            center: border(Format::new().set_align(FormatAlign::Center)),
        }
    }
    fn unit(&self, unit: Unit, ratio: bool) -> Format {
        Format::new()
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
            .set_num_format(num_format(unit, ratio))
    }
}

/// Columns of the scorecard: 权重 is the rep's effective weight (N/A lines
/// left out, adding up to 100), 方案权重 the scheme's, which the formulas use.
const HEAD_ZH: [&str; 13] = [
    "维度",
    "指标",
    "权重",
    "方案权重",
    "达标线",
    "优秀线",
    "目标",
    "实际值",
    "考核值",
    "得分",
    "加权得分",
    "评分标准",
    "说明",
];
const HEAD_EN: [&str; 13] = [
    "Dimension",
    "Indicator",
    "Weight",
    "Scheme weight",
    "Pass",
    "Excellent",
    "Target",
    "Actual",
    "Value",
    "Score",
    "Weighted points",
    "Scoring rule",
    "Note",
];
const COL_EFFECTIVE: u16 = 2;
const COL_WEIGHT: u16 = 3;
const COL_PASS: u16 = 4;
const COL_EXCELLENT: u16 = 5;
const COL_TARGET: u16 = 6;
const COL_ACTUAL: u16 = 7;
const COL_VALUE: u16 = 8;
const COL_SCORE: u16 = 9;
const COL_POINTS: u16 = 10;
const COL_RULE: u16 = 11;
const COL_NOTE: u16 = 12;
/// The last column.
const LAST: u16 = COL_NOTE;

fn cell(r: u32, c: u16) -> String {
    format!("{}{}", crate::input::columns::col_letter(c as u32), r + 1)
}

/// What the form's header says beyond the assessment: the date it is filled
/// in (the ledgers' as-of date, so a rerun gives the same bytes) and the
/// assessor (the rep's 直属领导 by name, when the roster has one).
#[derive(Debug, Clone, Default)]
pub struct FormFacts {
    pub date: Option<chrono::NaiveDate>,
    pub assessor: Option<String>,
    /// A rep the improvement-plan rule lists: what the 改进计划 rows start
    /// from (the streak and the indicators most often below pass).
    pub plan: Option<String>,
}

/// 考核人: the rep's 直属领导 by name (the roster's row when the cell names
/// a rep by id or unique name, else the cell as written); `None` without one.
pub fn assessor(
    ds: &crate::input::dataset::Dataset,
    roster: &crate::input::dataset::RepIndex,
    rep: RepIdx,
) -> Option<String> {
    let s = ds.reps[rep as usize].supervisor.as_deref()?.trim();
    if s.is_empty() {
        return None;
    }
    Some(match roster.resolve(s) {
        Ok(i) => ds.reps[i as usize].name.clone(),
        Err(_) => s.to_string(),
    })
}

/// Build one rep's workbook for one period; `replaces` is a note that it
/// replaces an earlier version.
#[allow(clippy::too_many_arguments)]
pub fn rep_workbook(
    cx: &Ctx,
    scheme: &Scheme,
    rep: RepIdx,
    a: &Assessed,
    team: &BTreeMap<String, Decimal>,
    trend: &[(Period, Option<Decimal>)],
    replaces: Option<&str>,
    issue_rows: &IssueRows,
    form: &FormFacts,
    lang: Lang,
    on_evidence: &mut dyn FnMut(&Evidence),
) -> Result<(Workbook, Layout), XlsxError> {
    let mut wb = new_output_workbook();
    let fm = Formats::new();
    let layout = scorecard(
        &mut wb, &fm, cx, scheme, rep, a, team, trend, replaces, form, lang,
    )?;
    let ev = Evidence::build(cx, rep, issue_rows, lang);
    on_evidence(&ev);
    evidence(&mut wb, &fm, ev.into_sheets())?;
    Ok((wb, layout))
}

//! The per-rep assessment workbook (考核表, SPEC 8): the scorecard with live
//! formulas whose results are cached (so viewers that do not recalculate
//! show the right numbers, and an edited manual score recalculates), and
//! evidence sheets (佐证材料) with the rows behind the numbers. Only this
//! rep's rows are written; team figures appear only as averages.

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
        Unit::Number | Unit::Days | Unit::Score => "0.00",
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
}

impl Formats {
    fn new() -> Formats {
        let border = |f: Format| f.set_border(FormatBorder::Thin);
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
        }
    }
    fn unit(&self, unit: Unit, ratio: bool) -> Format {
        Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format(num_format(unit, ratio))
    }
}

/// Columns of the scorecard.
const HEAD_ZH: [&str; 11] = [
    "维度",
    "指标",
    "权重",
    "达标线",
    "优秀线",
    "目标",
    "实际值",
    "考核值",
    "得分",
    "加权得分",
    "说明",
];
const HEAD_EN: [&str; 11] = [
    "Dimension",
    "Indicator",
    "Weight",
    "Pass",
    "Excellent",
    "Target",
    "Actual",
    "Value",
    "Score",
    "Weighted points",
    "Note",
];
const COL_WEIGHT: u16 = 2;
const COL_SCORE: u16 = 8;
const COL_POINTS: u16 = 9;

fn cell(r: u32, c: u16) -> String {
    format!("{}{}", crate::input::columns::col_letter(c as u32), r + 1)
}

/// The ledger rows that the data set's issues name, built once per data
/// set and shared by every rep's workbook: a rep's evidence lists the
/// issues on its own rows, and most reps have none.
pub struct IssueRows {
    /// Per sheet (index into `ds.sheets`), a bit per row: the rows some
    /// issue names; empty when no issue names the sheet.
    rows: Vec<Vec<u64>>,
    /// Whether any issue names a row.
    any: bool,
    /// Per issue (as in `ds.issues`): its group of sheets in `sheets`.
    named: Vec<u32>,
    /// Groups of sheets (indexes into `ds.sheets`): an issue names its sheet
    /// by file and sheet name, which may be several of the data set's sheets.
    sheets: Vec<Vec<u32>>,
    /// Per issue: whether it bears on the period (the others are not shown).
    keep: Vec<bool>,
}

impl IssueRows {
    /// The rows named by the issues for which `keep` (by index into
    /// `ds.issues`) is true: those bearing on the period written.
    pub fn new(ds: &crate::input::dataset::Dataset, keep: &[bool]) -> IssueRows {
        let mut out = IssueRows {
            rows: Vec::new(),
            any: false,
            named: Vec::with_capacity(ds.issues.len()),
            sheets: Vec::new(),
            keep: (0..ds.issues.len())
                .map(|i| keep.get(i).copied().unwrap_or(true))
                .collect(),
        };
        // The sheets of a name, looked up again only when the issue's sheet
        // changes (issues are sorted by position).
        let mut last: Option<(Arc<str>, Arc<str>)> = None;
        for issue in &ds.issues {
            let pos = &issue.pos;
            let same = last.as_ref().is_some_and(|(file, sheet)| {
                Arc::ptr_eq(file, &pos.file) && Arc::ptr_eq(sheet, &pos.sheet)
            });
            if !same {
                let sheets = ds
                    .sheets
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| {
                        *s.name == *pos.sheet && *ds.files[s.file as usize].rel == *pos.file
                    })
                    .map(|(i, _)| i as u32)
                    .collect();
                out.sheets.push(sheets);
                last = Some((pos.file.clone(), pos.sheet.clone()));
            }
            let g = out.sheets.len() - 1;
            out.named.push(g as u32);
            if !out.keep[out.named.len() - 1] {
                continue;
            }
            for &sh in &out.sheets[g] {
                let (sh, row) = (sh as usize, pos.row as usize);
                if out.rows.len() <= sh {
                    out.rows.resize(sh + 1, Vec::new());
                }
                let bits = &mut out.rows[sh];
                if bits.len() <= row / 64 {
                    bits.resize(row / 64 + 1, 0);
                }
                bits[row / 64] |= 1 << (row % 64);
                out.any = true;
            }
        }
        out
    }

    /// Whether some issue names this row of this sheet.
    fn named(&self, sheet: u32, row: u32) -> bool {
        let (sheet, row) = (sheet as usize, row as usize);
        self.rows
            .get(sheet)
            .and_then(|bits| bits.get(row / 64))
            .is_some_and(|w| w >> (row % 64) & 1 == 1)
    }
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
    lang: Lang,
) -> Result<Workbook, XlsxError> {
    let mut wb = new_output_workbook();
    let fm = Formats::new();
    scorecard(
        &mut wb, &fm, cx, scheme, rep, a, team, trend, replaces, lang,
    )?;
    evidence(&mut wb, &fm, evidence_sheets(cx, rep, issue_rows, lang))?;
    Ok(wb)
}

#[allow(clippy::too_many_arguments)]
fn scorecard(
    wb: &mut Workbook,
    fm: &Formats,
    cx: &Ctx,
    scheme: &Scheme,
    rep: RepIdx,
    a: &Assessed,
    team: &BTreeMap<String, Decimal>,
    trend: &[(Period, Option<Decimal>)],
    replaces: Option<&str>,
    lang: Lang,
) -> Result<(), XlsxError> {
    let ds = cx.ds;
    let r = &ds.reps[rep as usize];
    let s = &a.assessment;
    let p = cx.period();
    let zh = lang == Lang::Zh;
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("考核表", "Scorecard"))?;
    // A formula whose result is blank (an N/A line's points, an ungraded
    // total) caches an empty text, not 0.
    ws.set_formula_result_default("");
    let mut widths: Vec<Vec<String>> = (0..11).map(|_| Vec::new()).collect();
    let probation = if a.on_probation {
        lang.pick("（试用期）", " (probation)")
    } else if a.variant == Variant::Senior {
        lang.pick("（资深）", " (senior)")
    } else {
        ""
    };
    let title = if zh {
        format!("{} {}绩效考核表", period_title(p, lang), a.profile)
    } else {
        format!("{} performance assessment — {}", p, a.profile)
    };
    ws.merge_range(0, 0, 0, 10, &title, &fm.title)?;
    ws.set_row_height(0, 30)?;
    let info: [(&str, String); 4] = [
        (lang.pick("工号", "Rep ID"), r.rep_id.clone()),
        (lang.pick("姓名", "Name"), r.name.clone()),
        (
            lang.pick("团队", "Team"),
            r.team.clone().unwrap_or_default(),
        ),
        (
            lang.pick("岗位/方案", "Role/profile"),
            format!("{} / {}{probation}", r.role, a.profile),
        ),
    ];
    for (i, (k, v)) in info.iter().enumerate() {
        let c = (i * 2) as u16;
        ws.write_string_with_format(1, c, *k, &fm.label)?;
        write_text(ws, 1, c + 1, v, &Format::new())?;
    }
    ws.write_string_with_format(2, 0, lang.pick("考核期间", "Period"), &fm.label)?;
    ws.write_string(2, 1, format!("{p}（{} — {}）", p.first_day(), p.last_day()))?;
    ws.write_string_with_format(2, 4, lang.pick("考核方案", "Scheme"), &fm.label)?;
    ws.write_string(
        2,
        5,
        format!(
            "{} {}（{} {}）",
            scheme.name,
            scheme.label,
            lang.pick("版本生效", "effective"),
            a.version
        ),
    )?;

    if let Some(note) = replaces {
        let f = Format::new().set_italic().set_font_color("#C00000");
        ws.merge_range(3, 0, 3, 10, note, &f)?;
    }
    let head_row = 4u32;
    let heads = if zh { HEAD_ZH } else { HEAD_EN };
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(head_row, c as u16, *h, &fm.head)?;
        widths[c].push(h.to_string());
    }
    let mut row = head_row + 1;
    let first_line_row = row;
    let w_cell = |last: u32| cell(last, COL_WEIGHT);
    // Weighted lines grouped by dimension, each followed by its subtotal.
    let mut subtotal_cells = Vec::new();
    let mut manual_rows = Vec::new();
    // The W cell sits below the lines; its address is known once they are laid out.
    let weighted: Vec<usize> = (0..s.lines.len())
        .filter(|&i| !s.lines[i].is_gate)
        .collect();
    let n_rows = weighted.len() + s.dimensions.len();
    let w_row = first_line_row + n_rows as u32;
    let w_ref = format!(
        "${}${}",
        crate::input::columns::col_letter(COL_WEIGHT as u32),
        w_row + 1
    );
    for d in &s.dimensions {
        let start = row;
        for &i in weighted.iter().filter(|&&i| s.lines[i].dimension == d.name) {
            let (line, l) = (&a.lines[i], &s.lines[i]);
            let ratio = line.spec.target.is_some();
            let unit = line.spec.def.unit;
            // The actual and target of an achievement line are in the
            // measured quantity's unit (sales in 元 for 销售额达成率).
            let base = if line.spec.code == "sales_achievement" {
                Unit::Money
            } else {
                unit
            };
            write_text(ws, row, 0, &d.name, &fm.text)?;
            // Catalogue indicators in the chosen language; ratings keep the
            // company's own name.
            let shown = if lang == Lang::En && line.spec.rating_name().is_none() {
                line.spec.def.en.to_string()
            } else {
                l.name.clone()
            };
            write_text(ws, row, 1, &shown, &fm.text)?;
            ws.write_number_with_format(row, COL_WEIGHT, f(l.weight), &fm.num2)?;
            let line_fmt = fm.unit(unit, ratio);
            for (c, v) in [(3u16, l.pass), (4, l.excellent)] {
                match v {
                    Some(v) => ws.write_number_with_format(row, c, f(v), &line_fmt)?,
                    None => ws.write_blank(row, c, &fm.text)?,
                };
            }
            match &line.eval.target {
                Some(t) => {
                    ws.write_number_with_format(row, 5, f(t.value), &fm.unit(base, false))?
                }
                None => ws.write_blank(row, 5, &fm.text)?,
            };
            match &line.eval.actual {
                Ok(v) => ws.write_number_with_format(row, 6, f(*v), &fm.unit(base, false))?,
                Err(_) => ws.write_blank(row, 6, &fm.text)?,
            };
            match l.value {
                Some(v) => ws.write_number_with_format(row, 7, f(v), &line_fmt)?,
                None => ws.write_blank(row, 7, &fm.text)?,
            };
            let manual = line.spec.rating_name().is_some();
            let score_fmt = if manual { &fm.unlocked2 } else { &fm.num2 };
            match l.score {
                Some(v) => ws.write_number_with_format(row, COL_SCORE, f(v), score_fmt)?,
                None => ws.write_blank(row, COL_SCORE, score_fmt)?,
            };
            if manual {
                manual_rows.push(row);
            }
            let sc = cell(row, COL_SCORE);
            let formula = format!(
                "=IF({sc}=\"\",\"\",ROUND({}*{sc}/{w_ref},2))",
                cell(row, COL_WEIGHT)
            );
            let cached = l
                .points
                .map(|v| v.normalize().to_string())
                .unwrap_or_default();
            ws.write_formula_with_format(
                row,
                COL_POINTS,
                Formula::new(formula).set_result(cached),
                &fm.num2,
            )?;
            let mut note = match &l.status {
                LineStatus::Scored => String::new(),
                LineStatus::Na(na) => {
                    format!("{}{}", lang.pick("不适用：", "N/A: "), na.reason(lang))
                }
                LineStatus::NaScored(na) => format!(
                    "{}{}",
                    lang.pick("不适用，按规定分值计：", "N/A, scored: "),
                    na.reason(lang)
                ),
                LineStatus::Excluded { reason, approver } => format!(
                    "{}{reason}{}",
                    lang.pick("剔除：", "excluded: "),
                    approver
                        .as_ref()
                        .map(|a| format!("（{a}）"))
                        .unwrap_or_default()
                ),
            };
            if let Some(t) = &line.eval.target {
                let src = format!(
                    "{}{}",
                    lang.pick("目标来源：", "target: "),
                    t.source.describe(lang)
                );
                note = if note.is_empty() {
                    src
                } else {
                    format!("{note}；{src}")
                };
            }
            if manual {
                let m = lang.pick("人工评分，可修改得分", "manual score: editable");
                note = if note.is_empty() {
                    m.to_string()
                } else {
                    format!("{note}；{m}")
                };
            }
            write_text(ws, row, 10, &note, &fm.wrap)?;
            widths[0].push(d.name.clone());
            widths[1].push(shown);
            widths[10].push(note);
            row += 1;
        }
        write_text(ws, row, 0, &d.name, &fm.sub)?;
        ws.write_string_with_format(row, 1, lang.pick("小计", "Subtotal"), &fm.sub)?;
        for c in 2..COL_POINTS {
            ws.write_blank(row, c, &fm.sub)?;
        }
        let formula = format!(
            "=SUM({}:{})",
            cell(start, COL_POINTS),
            cell(row - 1, COL_POINTS)
        );
        ws.write_formula_with_format(
            row,
            COL_POINTS,
            Formula::new(formula).set_result(d.subtotal.normalize().to_string()),
            &fm.bold2,
        )?;
        let nw = d
            .renormalised_weight
            .map(|w| {
                format!(
                    "{} {}",
                    lang.pick("归一权重", "renormalised weight"),
                    w.normalize()
                )
            })
            .unwrap_or_default();
        write_text(ws, row, 10, &nw, &fm.sub)?;
        subtotal_cells.push(cell(row, COL_POINTS));
        row += 1;
    }
    debug_assert_eq!(row, w_row);
    // W: the weights of the lines that have a score.
    ws.write_string_with_format(
        row,
        1,
        lang.pick("有效权重合计 W", "Applicable weight W"),
        &fm.label,
    )?;
    let wf = format!(
        "=SUMIFS({}:{},{}:{},\"<>\")",
        cell(first_line_row, COL_WEIGHT),
        cell(row - 1, COL_WEIGHT),
        cell(first_line_row, COL_SCORE),
        cell(row - 1, COL_SCORE)
    );
    ws.write_formula_with_format(
        row,
        COL_WEIGHT,
        Formula::new(wf).set_result(s.applicable_weight.normalize().to_string()),
        &fm.num2,
    )?;
    let _ = w_cell;
    row += 2;

    // Gates.
    let gates: Vec<usize> = (0..s.lines.len()).filter(|&i| s.lines[i].is_gate).collect();
    let mut penalty_cells = Vec::new();
    if !gates.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            10,
            lang.pick("达标项（未达标扣分）", "Gates (a miss costs points)"),
            &fm.head,
        )?;
        row += 1;
        for i in gates {
            let (line, l) = (&a.lines[i], &s.lines[i]);
            write_text(ws, row, 0, &l.dimension, &fm.text)?;
            write_text(ws, row, 1, &l.name, &fm.text)?;
            let fmt = fm.unit(line.spec.def.unit, false);
            match l.pass {
                Some(v) => ws.write_number_with_format(row, 3, f(v), &fmt)?,
                None => ws.write_blank(row, 3, &fm.text)?,
            };
            match l.value {
                Some(v) => ws.write_number_with_format(row, 7, f(v), &fmt)?,
                None => ws.write_blank(row, 7, &fm.text)?,
            };
            let (result, pen) = match l.gate {
                Some(GateOutcome::Met) => (lang.pick("达标", "met"), Decimal::ZERO),
                Some(GateOutcome::Missed) => (lang.pick("未达标", "missed"), l.penalty),
                _ => (lang.pick("不适用", "N/A"), Decimal::ZERO),
            };
            write_text(ws, row, 8, result, &fm.text)?;
            ws.write_number_with_format(row, COL_POINTS, f(pen), &fm.num2)?;
            let why = match &l.status {
                LineStatus::Na(na) | LineStatus::NaScored(na) => na.reason(lang).to_string(),
                LineStatus::Excluded { reason, .. } => reason.clone(),
                LineStatus::Scored => format!(
                    "{} {}",
                    lang.pick("未达标扣", "penalty if missed"),
                    l.penalty.normalize()
                ),
            };
            write_text(ws, row, 10, &why, &fm.wrap)?;
            penalty_cells.push(cell(row, COL_POINTS));
            row += 1;
        }
        row += 1;
    }

    // Adjustments of this period.
    let mut bonus_cells = Vec::new();
    let mut deduction_cells = Vec::new();
    let mut veto = false;
    if !a.adjustments.is_empty() {
        ws.merge_range(
            row,
            0,
            row,
            10,
            lang.pick(
                "调整（加分、扣分、剔除、目标调整、一票否决）",
                "Adjustments",
            ),
            &fm.head,
        )?;
        row += 1;
        for &i in &a.adjustments {
            let adj = &ds.adjustments[i as usize];
            let kind = match adj.kind {
                AdjustmentKind::Target => lang.pick("目标调整", "target"),
                AdjustmentKind::Exclude => lang.pick("剔除", "exclude"),
                AdjustmentKind::Bonus => lang.pick("加分", "bonus"),
                AdjustmentKind::Deduction => lang.pick("扣分", "deduction"),
                AdjustmentKind::Veto => lang.pick("一票否决", "veto"),
            };
            write_text(ws, row, 0, kind, &fm.text)?;
            write_text(ws, row, 1, adj.indicator.as_deref().unwrap_or(""), &fm.text)?;
            if let Some(v) = adj.value {
                ws.write_number_with_format(row, COL_WEIGHT, f(v), &fm.num2)?;
            }
            let points = match adj.kind {
                AdjustmentKind::Bonus | AdjustmentKind::Deduction => {
                    Some(adj.value.unwrap_or_default().abs())
                }
                _ => None,
            };
            if let Some(pts) = points {
                ws.write_number_with_format(row, COL_POINTS, f(pts), &fm.num2)?;
                if adj.kind == AdjustmentKind::Bonus {
                    bonus_cells.push(cell(row, COL_POINTS));
                } else {
                    deduction_cells.push(cell(row, COL_POINTS));
                }
            }
            veto |= adj.kind == AdjustmentKind::Veto;
            let src = ds.position(adj.meta.src).address();
            let text = format!(
                "{}{}{}  [{src}]",
                adj.reason,
                lang.pick("；审批人：", "; approved by: "),
                adj.approver.as_deref().unwrap_or("-")
            );
            write_text(ws, row, 10, &text, &fm.wrap)?;
            widths[10].push(text);
            row += 1;
        }
        row += 1;
    }

    // Totals.
    let sum_of = |cells: &[String]| {
        if cells.is_empty() {
            "0".to_string()
        } else {
            cells.join("+")
        }
    };
    let show = |v: Option<Decimal>| v.map(|v| v.normalize().to_string()).unwrap_or_default();
    // A labelled total line: the formula in the points column, its result cached.
    let put = |ws: &mut Worksheet,
               row: u32,
               label: &str,
               formula: String,
               cached: String,
               format: &Format|
     -> Result<(), XlsxError> {
        ws.write_string_with_format(row, 7, label, &fm.label)?;
        ws.write_formula_with_format(
            row,
            COL_POINTS,
            Formula::new(formula).set_result(cached),
            format,
        )?;
        Ok(())
    };
    let max_bonus = scheme.defaults.max_bonus.normalize();
    let ws_row = row;
    put(
        ws,
        row,
        lang.pick("加权得分", "Weighted score"),
        format!("={}", sum_of(&subtotal_cells)),
        show(s.weighted_score),
        &fm.bold2,
    )?;
    let bonus_row = row + 1;
    put(
        ws,
        bonus_row,
        &format!("{}{max_bonus}）", lang.pick("加分（上限 ", "Bonus (max ")),
        format!("=MIN({},{max_bonus})", sum_of(&bonus_cells)),
        show(Some(s.bonus)),
        &fm.num2,
    )?;
    let ded_row = row + 2;
    put(
        ws,
        ded_row,
        lang.pick("扣分", "Deductions"),
        format!("={}", sum_of(&deduction_cells)),
        show(Some(s.deductions)),
        &fm.num2,
    )?;
    let pen_row = row + 3;
    put(
        ws,
        pen_row,
        lang.pick("达标项扣分", "Gate penalties"),
        format!("={}", sum_of(&penalty_cells)),
        show(Some(s.gate_penalties)),
        &fm.num2,
    )?;
    let veto_row = row + 4;
    ws.write_string_with_format(veto_row, 7, lang.pick("一票否决", "Veto"), &fm.label)?;
    ws.write_string_with_format(
        veto_row,
        COL_POINTS,
        if veto {
            lang.pick("是", "yes")
        } else {
            lang.pick("否", "no")
        },
        &fm.text,
    )?;
    let total_row = row + 5;
    let total_f = format!(
        "=IF({v}=\"{yes}\",0,IF({w}=0,\"\",MAX(0,MIN(120,{ws}+{b}-{d}-{p}))))",
        yes = lang.pick("是", "yes"),
        v = cell(veto_row, COL_POINTS),
        w = w_ref,
        ws = cell(ws_row, COL_POINTS),
        b = cell(bonus_row, COL_POINTS),
        d = cell(ded_row, COL_POINTS),
        p = cell(pen_row, COL_POINTS)
    );
    put(
        ws,
        total_row,
        lang.pick("总分", "Total"),
        total_f,
        show(s.total),
        &fm.total,
    )?;
    // Grade and coefficient: nested IFs over the scheme's bands, highest first.
    let t = cell(total_row, COL_POINTS);
    let mut grades = scheme.grades.clone();
    grades.sort_by_key(|g| std::cmp::Reverse(g.min));
    let nested = |pick: &dyn Fn(&crate::scheme::Grade) -> String| -> String {
        let mut expr = pick(grades.last().expect("grades"));
        for g in grades.iter().rev().skip(1) {
            expr = format!("IF({t}>={},{},{expr})", g.min.normalize(), pick(g));
        }
        format!("=IF({t}=\"\",\"\",{expr})")
    };
    put(
        ws,
        row + 6,
        lang.pick("等级", "Grade"),
        nested(&|g| format!("\"{}\"", g.name)),
        s.grade.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
        &fm.total,
    )?;
    let coef_row = row + 7;
    put(
        ws,
        coef_row,
        lang.pick("系数", "Coefficient"),
        nested(&|g| g.coefficient.normalize().to_string()),
        show(s.grade.as_ref().map(|g| g.coefficient)),
        &fm.num2,
    )?;
    let base_row = row + 8;
    ws.write_string_with_format(
        base_row,
        7,
        lang.pick("绩效奖金基数", "Bonus base"),
        &fm.label,
    )?;
    match r.bonus_base {
        Some(b) => ws.write_number_with_format(base_row, COL_POINTS, f(b), &fm.money)?,
        None => ws.write_blank(base_row, COL_POINTS, &fm.money)?,
    };
    let bonus_f = format!(
        "=IF(OR({b}=\"\",{c}=\"\"),\"\",ROUND({b}*{c},2))",
        b = cell(base_row, COL_POINTS),
        c = cell(coef_row, COL_POINTS)
    );
    put(
        ws,
        row + 9,
        lang.pick("绩效奖金", "Bonus amount"),
        bonus_f,
        show(s.bonus_amount),
        &fm.money,
    )?;
    row += 11;

    // Dimension rates against the team average, and a chart of them.
    let chart_row = row;
    ws.write_string_with_format(row, 0, lang.pick("维度", "Dimension"), &fm.head)?;
    ws.write_string_with_format(row, 1, lang.pick("本人得分率", "Own rate"), &fm.head)?;
    ws.write_string_with_format(row, 2, lang.pick("团队平均", "Team average"), &fm.head)?;
    row += 1;
    let first_dim = row;
    for d in &s.dimensions {
        write_text(ws, row, 0, &d.name, &fm.text)?;
        match dimension_rate(d.subtotal, d.renormalised_weight) {
            Some(v) => ws.write_number_with_format(row, 1, f(v), &fm.num2)?,
            None => ws.write_blank(row, 1, &fm.text)?,
        };
        match team.get(&d.name) {
            Some(v) => ws.write_number_with_format(row, 2, f(*v), &fm.num2)?,
            None => ws.write_blank(row, 2, &fm.text)?,
        };
        row += 1;
    }
    if !s.dimensions.is_empty() {
        let sheet = lang.pick("考核表", "Scorecard");
        let mut chart = Chart::new(ChartType::Column);
        chart
            .title()
            .set_name(lang.pick("维度得分率与团队平均", "Dimension scores vs team average"));
        for (col, name) in [
            (1u16, lang.pick("本人", "Own")),
            (2, lang.pick("团队平均", "Team average")),
        ] {
            chart
                .add_series()
                .set_name(name)
                .set_categories((sheet, first_dim, 0, row - 1, 0))
                .set_values((sheet, first_dim, col, row - 1, col))
                .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value());
        }
        chart
            .y_axis()
            .set_name(lang.pick("得分率", "score rate"))
            .set_min(0)
            .set_max(120);
        ws.insert_chart(chart_row, 4, &chart)?;
    }
    row = row.max(chart_row + 16) + 1;

    // A year's workbook: the month-by-month total, with a line chart.
    if !trend.is_empty() {
        let trend_row = row;
        ws.write_string_with_format(row, 0, lang.pick("月份", "Month"), &fm.head)?;
        ws.write_string_with_format(row, 1, lang.pick("月度总分", "Monthly total"), &fm.head)?;
        row += 1;
        let first = row;
        for (p, total) in trend {
            ws.write_string_with_format(row, 0, p.to_string(), &fm.text)?;
            match total {
                Some(t) => ws.write_number_with_format(row, 1, f(*t), &fm.num2)?,
                None => ws.write_blank(row, 1, &fm.text)?,
            };
            row += 1;
        }
        let sheet = lang.pick("考核表", "Scorecard");
        let mut chart = Chart::new(ChartType::Line);
        chart
            .title()
            .set_name(lang.pick("月度总分趋势", "Monthly total trend"));
        chart
            .add_series()
            .set_name(lang.pick("月度总分", "Monthly total"))
            .set_categories((sheet, first, 0, row - 1, 0))
            .set_values((sheet, first, 1, row - 1, 1))
            .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value());
        chart
            .y_axis()
            .set_name(lang.pick("总分", "total"))
            .set_min(0)
            .set_max(120);
        chart.legend().set_hidden();
        ws.insert_chart(trend_row, 4, &chart)?;
        row = row.max(trend_row + 16) + 1;
    }

    // Comment box and signatures.
    ws.merge_range(row, 0, row, 10, lang.pick("评语", "Comments"), &fm.head)?;
    ws.merge_range(row + 1, 0, row + 4, 10, "", &fm.wrap.clone().set_unlocked())?;
    row += 6;
    ws.write_string(
        row,
        0,
        lang.pick(
            "被考核人签字：______________    日期：__________",
            "Rep signature: ______________    Date: __________",
        ),
    )?;
    ws.write_string(
        row + 2,
        0,
        lang.pick(
            "直属领导签字：______________    日期：__________",
            "Supervisor signature: ______________    Date: __________",
        ),
    )?;

    // Conditional formats on the scores: below pass red, excellent green.
    let last_line = w_row - 1;
    let red = Format::new()
        .set_font_color("#9C0006")
        .set_background_color("#FFC7CE");
    let green = Format::new()
        .set_font_color("#006100")
        .set_background_color("#C6EFCE");
    let first_score = cell(first_line_row, COL_SCORE).replace(char::is_alphabetic, "");
    let col = crate::input::columns::col_letter(COL_SCORE as u32);
    let below = format!("=AND(${col}{first_score}<>\"\",${col}{first_score}<60)");
    ws.add_conditional_format(
        first_line_row,
        COL_SCORE,
        last_line,
        COL_SCORE,
        &ConditionalFormatFormula::new()
            .set_rule(below.as_str())
            .set_format(red),
    )?;
    ws.add_conditional_format(
        first_line_row,
        COL_SCORE,
        last_line,
        COL_SCORE,
        &ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::GreaterThanOrEqualTo(100))
            .set_format(green),
    )?;

    // Layout: widths from display width, frozen header, A4 one page wide.
    let (mins, maxs) = (
        [10.0, 14.0, 7.0, 9.0, 9.0, 12.0, 13.0, 10.0, 8.0, 10.0, 24.0],
        [
            16.0, 22.0, 8.0, 10.0, 10.0, 14.0, 14.0, 10.0, 9.0, 11.0, 40.0,
        ],
    );
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(
            c as u16,
            fit_width(w.iter().map(String::as_str), mins[c], maxs[c]),
        )?;
    }
    ws.set_freeze_panes(head_row + 1, 2)?;
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(head_row, head_row)?;
    // An accidental-edit guard: only manual scores and the comment box are editable.
    ws.protect();
    let _ = manual_rows;
    Ok(())
}

/// A cell of an evidence table.
enum V<'a> {
    /// Text built for the table.
    T(String),
    /// Text borrowed from the data set or a fixed label.
    S(&'a str),
    N(f64, &'static str),
    D(chrono::NaiveDate),
    E,
}

/// What a cell holds, for its format: a column of one kind gets one format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Text,
    Num(&'static str),
    Date,
}

impl V<'_> {
    fn kind(&self) -> Option<CellKind> {
        match self {
            V::T(_) | V::S(_) => Some(CellKind::Text),
            V::N(_, f) => Some(CellKind::Num(f)),
            V::D(_) => Some(CellKind::Date),
            V::E => None,
        }
    }
}

/// The cell format of a kind of evidence cell: thin borders, and the
/// number or date format.
fn kind_format(fm: &Formats, kind: CellKind) -> Format {
    match kind {
        CellKind::Text => fm.text.clone(),
        CellKind::Num(f) => Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format(f),
        CellKind::Date => Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format("yyyy-mm-dd"),
    }
}

/// The source address of a ledger row (`file!sheet!row`, as
/// [`crate::input::issues::Position::address`] writes it), with the `file!sheet!`
/// part built once per sheet rather than once per row.
struct SrcAddr<'a> {
    ds: &'a crate::input::dataset::Dataset,
    prefixes: std::cell::RefCell<Vec<Option<Arc<str>>>>,
}

impl<'a> SrcAddr<'a> {
    fn new(ds: &'a crate::input::dataset::Dataset) -> SrcAddr<'a> {
        SrcAddr {
            ds,
            prefixes: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn address(&self, s: crate::input::model::RowRef) -> String {
        let i = s.sheet as usize;
        let mut prefixes = self.prefixes.borrow_mut();
        if prefixes.len() <= i {
            prefixes.resize(i + 1, None);
        }
        let prefix = prefixes[i].get_or_insert_with(|| {
            let mut pos = self.ds.position(s);
            pos.row = 0;
            pos.col = None;
            // `file!sheet!0` without its row number.
            let mut a = pos.address();
            a.pop();
            Arc::from(a)
        });
        let mut out = String::with_capacity(prefix.len() + 10);
        out.push_str(prefix);
        use std::fmt::Write as _;
        let _ = write!(out, "{}", s.row);
        out
    }
}

/// Column widths of a sheet holding several tables: the widest of all.
#[derive(Default)]
struct Widths(Vec<f64>);

impl Widths {
    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in self.0.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        Ok(())
    }
}

/// An evidence table at `start`: a title row, a header row, then the rows
/// (「（无）」 when there are none). Returns the row after the blank row that
/// follows it.
///
/// rust_xlsxwriter looks a cell's format up by hashing the whole format on
/// every formatted write, so a column whose cells are of one kind (blank
/// cells aside) is written without formats and then formatted as a range,
/// with one look-up; its blank cells get the column's borders that way too.
fn table(
    ws: &mut Worksheet,
    fm: &Formats,
    widths_acc: &mut Widths,
    start: u32,
    title: &str,
    heads: &[&str],
    rows: Vec<Vec<V>>,
) -> Result<u32, XlsxError> {
    let ncols = heads.len();
    let mut widths: Vec<usize> = heads.iter().map(|h| display_width(h)).collect();
    ws.merge_range(start, 0, start, ncols as u16 - 1, title, &fm.head)?;
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(start + 1, c as u16, *h, &fm.head)?;
    }
    // Per column: the kind of its cells when they agree (`None` inside: they
    // do not), `None` for a column of blanks only.
    let mut kinds: Vec<Option<Option<CellKind>>> = vec![None; ncols];
    for row in &rows {
        for (c, v) in row.iter().enumerate() {
            if let Some(k) = v.kind() {
                kinds[c] = match kinds[c] {
                    None => Some(Some(k)),
                    Some(Some(old)) if old == k => Some(Some(k)),
                    _ => Some(None),
                };
            }
        }
    }
    // The format of a column formatted as a range.
    let column: Vec<Option<Format>> = kinds
        .iter()
        .map(|k| match k {
            Some(Some(k)) => Some(kind_format(fm, *k)),
            None => Some(fm.text.clone()),
            Some(None) => None,
        })
        .collect();
    // Formats of the cells of mixed columns, built once per table.
    let mut mixed: Vec<(CellKind, Format)> = Vec::new();
    // Text that starts like a formula: written with its quote prefix once
    // the column is formatted.
    let mut quoted: Vec<(u32, u16, String)> = Vec::new();
    // Per column, per row: whether the cell is blank (formatted as text).
    let mut blank: Vec<Vec<bool>> = vec![Vec::with_capacity(rows.len()); ncols];
    let first = start + 2;
    let mut r = first;
    let empty = rows.is_empty();
    for row in rows {
        for (c, v) in row.into_iter().enumerate() {
            let c16 = c as u16;
            blank[c].push(match &v {
                V::T(t) => t.is_empty(),
                V::S(s) => s.is_empty(),
                V::E => true,
                _ => false,
            });
            // The cell's own format: none in a column formatted as a range.
            let fmt = match (&column[c], v.kind()) {
                (Some(_), _) => None,
                (None, Some(k)) => {
                    let i = match mixed.iter().position(|(m, _)| *m == k) {
                        Some(i) => i,
                        None => {
                            mixed.push((k, kind_format(fm, k)));
                            mixed.len() - 1
                        }
                    };
                    Some(&mixed[i].1)
                }
                (None, None) => Some(&fm.text),
            };
            let text = match v {
                V::T(t) => t,
                V::S(s) => s.to_string(),
                V::N(n, _) => {
                    match fmt {
                        None => ws.write_number(r, c16, n)?,
                        Some(f) => ws.write_number_with_format(r, c16, n, f)?,
                    };
                    continue;
                }
                V::D(d) => {
                    let dt = ExcelDateTime::from_ymd(
                        d.year_ce().1 as u16,
                        chrono::Datelike::month(&d) as u8,
                        chrono::Datelike::day(&d) as u8,
                    )?;
                    match fmt {
                        None => ws.write_datetime(r, c16, dt)?,
                        Some(f) => ws.write_datetime_with_format(r, c16, dt, f)?,
                    };
                    widths[c] = widths[c].max(DATE_WIDTH);
                    continue;
                }
                V::E => {
                    // A blank of a range-formatted column is made by the range.
                    if let Some(f) = fmt {
                        ws.write_blank(r, c16, f)?;
                    }
                    continue;
                }
            };
            widths[c] = widths[c].max(display_width(&text));
            match fmt {
                Some(f) => {
                    write_text(ws, r, c16, &text, f)?;
                }
                None if needs_quote_prefix(&text) => quoted.push((r, c16, text)),
                // An empty text is a blank cell: made by the range.
                None if text.is_empty() => {}
                None => {
                    ws.write_string(r, c16, text)?;
                }
            }
        }
        r += 1;
    }
    if !empty {
        for (c, f) in column.iter().enumerate() {
            let Some(f) = f else { continue };
            let c16 = c as u16;
            if kinds[c] == Some(Some(CellKind::Text)) || kinds[c].is_none() {
                ws.set_range_format(first, c16, r - 1, c16, f)?;
                continue;
            }
            // Blank cells have the text format (borders only): a range per
            // run of blank or non-blank cells.
            let mut i = 0;
            while i < blank[c].len() {
                let b = blank[c][i];
                let n = blank[c][i..].iter().take_while(|&&x| x == b).count();
                let (from, to) = (first + i as u32, first + (i + n) as u32 - 1);
                ws.set_range_format(from, c16, to, c16, if b { &fm.text } else { f })?;
                i += n;
            }
        }
        for (qr, qc, t) in quoted {
            let f = column[qc as usize].as_ref().unwrap_or(&fm.text);
            write_text(ws, qr, qc, &t, f)?;
        }
    }
    if empty {
        ws.write_string(r, 0, "（无）")?;
        r += 1;
    }
    for (c, w) in widths.iter().enumerate() {
        let cw = (*w as f64 + 2.0).clamp(8.0, 36.0);
        if widths_acc.0.len() <= c {
            widths_acc.0.resize(c + 1, 0.0);
        }
        widths_acc.0[c] = widths_acc.0[c].max(cw);
    }
    Ok(r + 1)
}

/// The display width of a date cell (`2026-01-01`).
const DATE_WIDTH: usize = 10;

use chrono::Datelike;

/// The evidence sheets: this rep's rows behind the numbers, each with its
/// source (file!sheet!row).
fn evidence_sheets<'a>(
    cx: &Ctx<'a>,
    rep: RepIdx,
    issue_rows: &IssueRows,
    lang: Lang,
) -> Vec<EvidenceSheet<'a>> {
    let ds = cx.ds;
    let mut sheets: Vec<EvidenceSheet<'a>> = Vec::with_capacity(3);
    let p = cx.period();
    let addr = SrcAddr::new(ds);
    let src = |s: crate::input::model::RowRef| V::T(addr.address(s));
    let (yes, no) = (lang.pick("是", "yes"), lang.pick("否", "no"));
    let yes_no = |b: bool| V::S(if b { yes } else { no });

    // Contracts and installments.
    let mut tables = Vec::with_capacity(2);
    // The index lists are sorted by date: a period's part is a slice.
    let contracts: Vec<Vec<V>> = within(cx, &cx.ix.contracts_by_rep[rep as usize], |i| {
        ds.contracts[i as usize].sign_date
    })
    .iter()
    .map(|&i| &ds.contracts[i as usize])
    .map(|c| {
        let first = &ds.installments[c.installments[0] as usize];
        let is_new = cx
            .ix
            .first_contract(&c.customer_id)
            .map(|i| &ds.contracts[i as usize].contract_id)
            == Some(&c.contract_id);
        vec![
            V::S(&c.contract_id),
            V::S(&c.customer_id),
            V::S(
                cx.customer(&c.customer_id)
                    .map_or("", |x| &*x.facts().customer_name),
            ),
            V::D(c.sign_date),
            V::N(f(c.amount), "#,##0.00"),
            c.gross_profit.map_or(V::E, |g| V::N(f(g), "#,##0.00")),
            c.area.map_or(V::E, |a| V::N(f(a), "0.00")),
            yes_no(c.key_project == Some(true)),
            yes_no(is_new),
            src(first.meta.src),
        ]
    })
    .collect();
    let heads_c = if lang == Lang::Zh {
        vec![
            "合同编号",
            "客户编号",
            "客户名称",
            "签约日期",
            "合同金额",
            "毛利",
            "签约面积",
            "重点项目",
            "新客户首单",
            "来源",
        ]
    } else {
        vec![
            "Contract",
            "Customer",
            "Customer name",
            "Signed",
            "Amount",
            "Gross profit",
            "Area",
            "Key project",
            "New customer",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: lang
            .pick("本期签约合同", "Contracts signed in the period")
            .to_string(),
        heads: heads_c,
        rows: contracts,
    });
    let grace = cx.defaults.grace_days;
    let installments: Vec<Vec<V>> = within(cx, &cx.ix.installments_by_rep[rep as usize], |i| {
        ds.installments[i as usize].due_date
    })
    .iter()
    .map(|&i| &ds.installments[i as usize])
    .map(|r| {
        let counted = counted_amount(cx, r);
        let why = match (r.amount_paid, r.paid_date) {
            (None, _) | (_, None) => V::S(lang.pick("未回款", "unpaid")),
            (Some(_), Some(d)) if d > r.due_date + chrono::Duration::days(grace) => V::T(format!(
                "{}{}{}",
                lang.pick("超过宽限期 ", "late beyond grace by "),
                (d - r.due_date).num_days() - grace,
                lang.pick(" 天，不计入", " days: not counted")
            )),
            (Some(paid), Some(_)) if paid < r.amount_due => {
                V::S(lang.pick("部分回款", "partly paid"))
            }
            _ => V::S(lang.pick("按期足额", "paid in time")),
        };
        vec![
            V::S(&r.contract_id),
            V::N(r.installment as f64, "0"),
            V::S(match r.payment_kind {
                crate::input::model::PaymentKind::First => lang.pick("首付", "first"),
                crate::input::model::PaymentKind::Final => lang.pick("尾款", "final"),
            }),
            V::D(r.due_date),
            V::N(f(r.amount_due), "#,##0.00"),
            r.paid_date.map_or(V::E, V::D),
            r.amount_paid.map_or(V::E, |a| V::N(f(a), "#,##0.00")),
            V::N(f(counted), "#,##0.00"),
            why,
            src(r.meta.src),
        ]
    })
    .collect();
    let heads_i = if lang == Lang::Zh {
        vec![
            "合同编号",
            "期次",
            "款项类型",
            "应回款日期",
            "应回款金额",
            "实际回款日期",
            "实际回款金额",
            "计入金额",
            "说明",
            "来源",
        ]
    } else {
        vec![
            "Contract",
            "Installment",
            "Kind",
            "Due",
            "Amount due",
            "Paid on",
            "Amount paid",
            "Counted",
            "Why",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: format!(
            "{}{grace}{}",
            lang.pick(
                "本期应回款（宽限 ",
                "Installments due in the period (grace "
            ),
            lang.pick(" 天）", " days)")
        ),
        heads: heads_i,
        rows: installments,
    });
    sheets.push(EvidenceSheet {
        name: lang.pick("佐证-合同回款", "Evidence-contracts"),
        tables,
    });

    // Customers: new customers and leads with their first follow-up delay.
    let mut tables = Vec::with_capacity(4);
    let new: Vec<Vec<V>> = new_customer_set(cx, rep)
        .into_iter()
        .map(|(id, ci)| {
            let c = &ds.contracts[ci as usize];
            let cust = cx.customer(id);
            let lead = cust.map(|x| x.facts().lead_time.date());
            vec![
                V::S(id),
                V::S(cust.map_or("", |x| &*x.facts().customer_name)),
                lead.map_or(V::E, V::D),
                V::D(c.sign_date),
                lead.map_or(V::E, |l| V::N((c.sign_date - l).num_days() as f64, "0")),
                V::S(&c.contract_id),
                V::S(cust.and_then(|x| x.facts().source.as_deref()).unwrap_or("")),
                cust.map_or(V::E, |x| src(x.facts_source())),
            ]
        })
        .collect();
    let heads_n = if lang == Lang::Zh {
        vec![
            "客户编号",
            "客户名称",
            "线索日期",
            "首次签约",
            "成交天数",
            "首单合同",
            "客户来源",
            "来源",
        ]
    } else {
        vec![
            "Customer",
            "Name",
            "Lead",
            "First deal",
            "Days",
            "Contract",
            "Source",
            "Row",
        ]
    };
    tables.push(EvidenceTable {
        title: lang.pick("本期新客户", "New customers").to_string(),
        heads: heads_n,
        rows: new,
    });
    let leads: Vec<Vec<V>> = leads_in_period(cx, rep)
        .iter()
        .map(|&i| &ds.customers[i as usize])
        .map(|c| {
            let lead = c.facts().lead_time;
            let first = cx
                .ix
                .followups_by_customer
                .get(&c.customer_id)
                .and_then(|v| {
                    v.iter().map(|&i| ds.followups[i as usize].time).find(|t| {
                        t.date() >= lead.date()
                            && (t.is_date_only()
                                || lead.is_date_only()
                                || t.datetime() >= lead.datetime())
                    })
                });
            let hours = first.map(|t| (t.datetime() - lead.datetime()).num_minutes() as f64 / 60.0);
            let timely = first.is_some_and(|t| {
                if t.is_date_only() || lead.is_date_only() {
                    t.date() <= lead.date() + chrono::Duration::days(1)
                } else {
                    t.datetime() <= lead.datetime() + chrono::Duration::hours(24)
                }
            });
            vec![
                V::S(&c.customer_id),
                V::T(lead.to_string()),
                V::T(first.map(|t| t.to_string()).unwrap_or_default()),
                hours.map_or(V::E, |h| V::N(h, "0.0")),
                yes_no(timely),
                src(c.facts_source()),
            ]
        })
        .collect();
    let heads_l = if lang == Lang::Zh {
        vec![
            "客户编号",
            "线索时间",
            "首次跟进时间",
            "间隔(小时)",
            "24小时内",
            "来源",
        ]
    } else {
        vec![
            "Customer",
            "Lead time",
            "First follow-up",
            "Hours",
            "Within 24 h",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: lang
            .pick("本期新线索的首次跟进", "First follow-up of new leads")
            .to_string(),
        heads: heads_l,
        rows: leads,
    });

    // Old customers on P.start, with their repurchase and churn flags.
    let first_day = p.first_day();
    let old: Vec<Vec<V>> = crate::compute::customers::old_customers(cx, rep)
        .into_iter()
        .map(|i| {
            let c = &ds.customers[i as usize];
            let last = crate::compute::customers::last_sign_before(cx, c, first_day);
            let silent = last.map(|l| crate::compute::add_months(l, cx.defaults.silence_months));
            let churned = crate::compute::customers::churned(cx, c);
            let why = if c.terminated_from.is_some_and(|t| p.contains(t)) {
                V::T(format!(
                    "{}{}",
                    lang.pick("终止于 ", "terminated on "),
                    c.terminated_from.map(|t| t.to_string()).unwrap_or_default()
                ))
            } else if churned {
                V::S(lang.pick("沉默期满未再签约", "silent period ended without a contract"))
            } else {
                V::S("")
            };
            vec![
                V::S(&c.customer_id),
                V::S(&c.facts().customer_name),
                cx.first_sign(&c.customer_id).map_or(V::E, V::D),
                last.map_or(V::E, V::D),
                silent.map_or(V::E, V::D),
                yes_no(crate::compute::customers::repurchased(cx, c)),
                yes_no(churned),
                why,
                src(c.state_on(first_day).meta.src),
            ]
        })
        .collect();
    let heads_o = if lang == Lang::Zh {
        vec![
            "客户编号",
            "客户名称",
            "首次签约",
            "期初前最后签约",
            "沉默期满日",
            "本期复购",
            "本期流失",
            "流失原因",
            "来源",
        ]
    } else {
        vec![
            "Customer",
            "Name",
            "First deal",
            "Last deal before",
            "Silent from",
            "Repurchased",
            "Churned",
            "Why",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: lang
            .pick(
                "期初老客户（复购与流失）",
                "Old customers on the period's first day",
            )
            .to_string(),
        heads: heads_o,
        rows: old,
    });

    // Follow-up counts by method and stage.
    let methods = crate::input::parse::words::METHODS;
    let stages = crate::input::parse::words::STAGES;
    // Per method (a row) and stage (a column), the unknown last in each.
    let width = stages.len() + 1;
    let mut counts = vec![0u32; (methods.len() + 1) * width];
    for &i in followups_in_period(cx, rep) {
        let fu = &ds.followups[i as usize];
        let m = fu
            .method
            .and_then(|c| methods.iter().position(|w| w.code == c))
            .unwrap_or(methods.len());
        let s = fu
            .stage
            .and_then(|c| stages.iter().position(|w| w.code == c))
            .unwrap_or(stages.len());
        counts[m * width + s] += 1;
    }
    let none = lang.pick("(未填)", "(blank)");
    let mut heads_f: Vec<&str> = vec![lang.pick("跟进方式 \\ 阶段", "Method \\ stage")];
    heads_f.extend(stages.iter().map(|w| lang.pick(w.zh, w.en)));
    heads_f.push(none);
    heads_f.push(lang.pick("合计", "Total"));
    let rows: Vec<Vec<V>> = (0..=methods.len())
        .map(|m| {
            let name = methods.get(m).map_or(none, |w| lang.pick(w.zh, w.en));
            let mut row = vec![V::S(name)];
            let mut total = 0;
            for s in 0..=stages.len() {
                let n = counts[m * width + s];
                total += n;
                row.push(V::N(n as f64, "0"));
            }
            row.push(V::N(total as f64, "0"));
            row
        })
        .collect();
    tables.push(EvidenceTable {
        title: lang
            .pick(
                "本期跟进次数（按方式和阶段）",
                "Follow-ups by method and stage",
            )
            .to_string(),
        heads: heads_f,
        rows,
    });
    sheets.push(EvidenceSheet {
        name: lang.pick("佐证-客户跟进", "Evidence-customers"),
        tables,
    });

    // This rep's data issues that bear on the period.
    // This rep's rows that some data issue names, as (sheet, row).
    let mut mine: Vec<(u32, u32)> = Vec::new();
    if issue_rows.any {
        let mut add = |s: crate::input::model::RowRef| {
            if issue_rows.named(s.sheet, s.row) {
                mine.push((s.sheet, s.row));
            }
        };
        let r = rep as usize;
        cx.ix.contracts_by_rep[r]
            .iter()
            .flat_map(|&i| ds.contracts[i as usize].installments.iter())
            .for_each(|&i| add(ds.installments[i as usize].meta.src));
        cx.ix.installments_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.installments[i as usize].meta.src));
        cx.ix.followups_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.followups[i as usize].meta.src));
        cx.ix.scores_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.scores[i as usize].meta.src));
        cx.ix.adjustments_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.adjustments[i as usize].meta.src));
        cx.ix.targets_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.targets[i as usize].meta.src));
        cx.ix.rejected_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.rejected[i as usize].src));
        add(ds.reps[r].meta.src);
        cx.ix.customer_rows_by_owner[r].iter().for_each(|&s| add(s));
        mine.sort_unstable();
        mine.dedup();
    }
    let issues: Vec<Vec<V>> = if mine.is_empty() {
        Vec::new()
    } else {
        ds.issues
            .iter()
            .zip(&issue_rows.named)
            .zip(&issue_rows.keep)
            .filter(|(_, &keep)| keep)
            .map(|(x, _)| x)
            .filter(|(i, &g)| {
                issue_rows.sheets[g as usize]
                    .iter()
                    .any(|&sh| mine.binary_search(&(sh, i.pos.row)).is_ok())
            })
            .map(|(i, _)| {
                vec![
                    V::S(i.level.label(lang)),
                    V::T(i.pos.address()),
                    V::S(&i.header),
                    V::S(&i.raw),
                    V::T(i.reason.message(lang)),
                ]
            })
            .collect()
    };
    let heads_d = if lang == Lang::Zh {
        vec!["级别", "位置", "列名", "原始值", "问题说明"]
    } else {
        vec!["Level", "Address", "Header", "Raw value", "Reason"]
    };
    sheets.push(EvidenceSheet {
        name: lang.pick("佐证-数据问题", "Evidence-data issues"),
        tables: vec![EvidenceTable {
            title: lang
                .pick("本人台账的数据问题", "Data issues in this rep's rows")
                .to_string(),
            heads: heads_d,
            rows: issues,
        }],
    });
    sheets
}

/// One evidence table: title, header row, rows.
struct EvidenceTable<'a> {
    title: String,
    heads: Vec<&'static str>,
    rows: Vec<Vec<V<'a>>>,
}

/// One evidence sheet: its name and its tables, top to bottom.
struct EvidenceSheet<'a> {
    name: &'static str,
    tables: Vec<EvidenceTable<'a>>,
}

/// Write the evidence sheets into the workbook.
fn evidence(wb: &mut Workbook, fm: &Formats, sheets: Vec<EvidenceSheet>) -> Result<(), XlsxError> {
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name)?;
        let mut wd = Widths::default();
        let mut next = 0;
        for t in sheet.tables {
            next = table(ws, fm, &mut wd, next, &t.title, &t.heads, t.rows)?;
        }
        wd.apply(ws)?;
    }
    for ws in wb.worksheets_mut().iter_mut().skip(1) {
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
    }
    Ok(())
}

/// Feed a rep's evidence sheets, cell by cell, into `h`: what the period's
/// content digest compares (see [`crate::output::digest`]).
pub fn evidence_digest(
    cx: &Ctx,
    rep: RepIdx,
    issue_rows: &IssueRows,
    lang: Lang,
    h: &mut impl std::io::Write,
) -> std::io::Result<()> {
    for sheet in evidence_sheets(cx, rep, issue_rows, lang) {
        writeln!(h, "#{}", sheet.name)?;
        for t in sheet.tables {
            writeln!(h, "##{}|{}", t.title, t.heads.join("|"))?;
            for row in t.rows {
                for v in row {
                    match v {
                        V::T(t) => write!(h, "T{t}\u{1f}")?,
                        V::S(s) => write!(h, "T{s}\u{1f}")?,
                        V::N(n, f) => write!(h, "N{n:?}{f}\u{1f}")?,
                        V::D(d) => write!(h, "D{d}\u{1f}")?,
                        V::E => write!(h, "E\u{1f}")?,
                    }
                }
                writeln!(h)?;
            }
        }
    }
    Ok(())
}

//! The team summary workbook `团队汇总_<period>.xlsx` (SPEC 8): ranking,
//! team averages, indicator statistics, grade distribution with a chart,
//! warnings (below the pass line, overdue receivables), data issues,
//! adjustments log and the method sheet.
//!
//! It is for HR and the director, so it shows every rep of the period; the
//! per-rep workbooks are the ones mailed. Every sheet is a plain table
//! (header row frozen, filterable, CJK-aware widths, A4 one page wide with
//! the header repeated). The output depends only on its inputs: rows are
//! sorted, nothing holds the time of the run.

pub mod apply;
pub mod compare;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{Chart, ChartDataLabel, Format, Workbook, Worksheet, XlsxError};

use crate::compute::apply::passes;
use crate::compute::assess::{Assessed, Line as RunLine, RepResult};
use crate::compute::score::{effective_lines, line_factor, Line};
use crate::input::dataset::Dataset;
use crate::input::model::{AdjustmentKind, Installment, RepIdx};
use crate::output::xlsx::{
    display_width, header_format, needs_quote_prefix, new_output_workbook, print_setup, write_text,
};
use crate::period::Period;
use crate::scheme::catalogue::Unit;
use crate::scheme::{Defaults, IndicatorSpec, Scheme, Variant};
use crate::Lang;

/// Number formats of the summary's cells.
struct Formats {
    head: Format,
    text: Format,
    bold: Format,
    /// Points and plain numbers: `0.00`.
    num: Format,
    /// Money: `#,##0.00`.
    money: Format,
    /// Ratios: `0.00%`.
    pct: Format,
    int: Format,
    date: Format,
    /// A note under a table.
    note: Format,
    /// Rank and grade: centred.
    center: Format,
    /// What an empty table says.
    none: &'static str,
}

impl Formats {
    fn new(lang: Lang) -> Formats {
        Formats {
            head: header_format(),
            text: Format::new(),
            bold: Format::new().set_bold(),
            num: Format::new().set_num_format("0.00"),
            money: Format::new().set_num_format("#,##0.00"),
            pct: Format::new().set_num_format("0.00%"),
            int: Format::new().set_num_format("0"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            note: Format::new().set_italic().set_font_color("#595959"),
            center: Format::new().set_align(rust_xlsxwriter::FormatAlign::Center),
            none: lang.pick("（无）", "(none)"),
        }
    }
}

/// How a number shows in a cell, for the column width.
#[cfg(test)]
fn shown(v: f64, fmt: Kind) -> String {
    match fmt {
        Kind::Pct => format!("{:.2}%", v * 100.0),
        Kind::Money => {
            let s = format!("{:.2}", v.abs());
            let (int, frac) = s.split_once('.').unwrap_or((&s, "00"));
            let mut grouped = String::new();
            for (i, ch) in int.chars().enumerate() {
                if i > 0 && (int.len() - i) % 3 == 0 {
                    grouped.push(',');
                }
                grouped.push(ch);
            }
            format!("{}{grouped}.{frac}", if v < 0.0 { "-" } else { "" })
        }
        Kind::Int => format!("{v:.0}"),
        Kind::Num => format!("{v:.2}"),
    }
}

/// The display width of a number as [`shown`] writes it (ASCII, so its
/// length), formatted into `buf` rather than a new string per cell.
fn shown_width(v: f64, fmt: Kind, buf: &mut String) -> usize {
    use std::fmt::Write as _;
    buf.clear();
    let _ = match fmt {
        Kind::Pct => write!(buf, "{:.2}%", v * 100.0),
        Kind::Money => write!(buf, "{:.2}", v.abs()),
        Kind::Int => write!(buf, "{v:.0}"),
        Kind::Num => write!(buf, "{v:.2}"),
    };
    match fmt {
        Kind::Money => {
            // Thousands separators in the integer part, and the sign.
            let int = buf.find('.').unwrap_or(buf.len());
            buf.len() + int.saturating_sub(1) / 3 + usize::from(v < 0.0)
        }
        _ => buf.len(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Num,
    Money,
    Pct,
    Int,
}

fn kind_of(unit: Unit) -> Kind {
    match unit {
        Unit::Money => Kind::Money,
        Unit::Percent => Kind::Pct,
        _ => Kind::Num,
    }
}

fn f(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// A table being written on a sheet: tracks the widest text per column.
struct Table<'a> {
    ws: &'a mut Worksheet,
    fm: &'a Formats,
    widths: Vec<usize>,
    /// The row being written.
    row: u32,
    /// The first row after the last header row.
    body: u32,
    /// Per column: the number kind its column format carries, if set.
    column_kinds: Vec<Option<ColumnKind>>,
    /// Per column and kind, the widest numbers written (see [`Widest`]).
    widest: Vec<Widest>,
    /// The sheet keeps only its current row in memory (a low-memory
    /// worksheet): column formats are given per cell, since a range can no
    /// longer be formatted once its rows are flushed.
    streamed: bool,
}

/// The numbers of one column and kind that show widest: the shown width of
/// a number grows with its magnitude, plus one for a sign, so the widest of
/// a column is that of its largest non-negative and its largest negative
/// number (measured once, when the table is finished).
struct Widest {
    col: u16,
    kind: Kind,
    non_negative: Option<f64>,
    negative: Option<f64>,
}

impl Widest {
    fn add(&mut self, x: f64) {
        let slot = if x.is_sign_negative() {
            &mut self.negative
        } else {
            &mut self.non_negative
        };
        if slot.is_none_or(|w| x.abs() > w.abs()) {
            *slot = Some(x);
        }
    }
}

/// What a column's format is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Number(Kind),
    Date,
}

impl<'a> Table<'a> {
    /// Start a table with its header row at `row`.
    fn new(
        ws: &'a mut Worksheet,
        fm: &'a Formats,
        row: u32,
        headers: &[&str],
    ) -> Result<Table<'a>, XlsxError> {
        let mut t = Table {
            ws,
            fm,
            widths: Vec::new(),
            row,
            body: row,
            column_kinds: Vec::new(),
            widest: Vec::new(),
            streamed: false,
        };
        t.header(headers)?;
        Ok(t)
    }

    /// A header row at the current row; the next row follows.
    fn header(&mut self, headers: &[&str]) -> Result<(), XlsxError> {
        for (c, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(self.row, c as u16, *h, &self.fm.head)?;
            self.widen(c as u16, h);
        }
        self.row += 1;
        self.body = self.row;
        Ok(())
    }

    /// Columns whose cells are all of one number or date kind: they are
    /// written without a format and formatted as a range when the table is
    /// finished, one format look-up per column instead of per cell (a long
    /// table's cost). The cells come out the same.
    fn column_formats(&mut self, columns: &[(u16, ColumnKind)]) {
        for &(col, kind) in columns {
            let c = col as usize;
            if self.column_kinds.len() <= c {
                self.column_kinds.resize(c + 1, None);
            }
            self.column_kinds[c] = Some(kind);
        }
    }

    fn column_kind(&self, col: u16) -> Option<ColumnKind> {
        self.column_kinds.get(col as usize).copied().flatten()
    }

    fn number_format(&self, kind: Kind) -> &'a Format {
        match kind {
            Kind::Num => &self.fm.num,
            Kind::Money => &self.fm.money,
            Kind::Pct => &self.fm.pct,
            Kind::Int => &self.fm.int,
        }
    }

    fn widen(&mut self, col: u16, text: &str) {
        self.widen_to(col, display_width(text));
    }

    fn widen_to(&mut self, col: u16, width: usize) {
        let c = col as usize;
        if self.widths.len() <= c {
            self.widths.resize(c + 1, 0);
        }
        self.widths[c] = self.widths[c].max(width);
    }

    /// Text, always as text (ledger text never becomes a formula), in the
    /// default format (so written without one unless it needs a quote prefix).
    fn text(&mut self, col: u16, s: &str) -> Result<(), XlsxError> {
        debug_assert!(self.column_kind(col).is_none(), "text in a number column");
        if !s.is_empty() && !needs_quote_prefix(s) {
            self.ws.write_string(self.row, col, s)?;
            self.widen(col, s);
            return Ok(());
        }
        let fm = self.fm;
        self.text_with(col, s, &fm.text)
    }

    fn text_with(&mut self, col: u16, s: &str, fmt: &Format) -> Result<(), XlsxError> {
        if !s.is_empty() {
            write_text(self.ws, self.row, col, s, fmt)?;
        }
        self.widen(col, s);
        Ok(())
    }

    fn number(&mut self, col: u16, v: Option<Decimal>, kind: Kind) -> Result<(), XlsxError> {
        match v {
            Some(v) => self.number_f64(col, f(v), kind),
            None => Ok(()),
        }
    }

    fn number_f64(&mut self, col: u16, x: f64, kind: Kind) -> Result<(), XlsxError> {
        let column = self.column_kind(col);
        debug_assert!(column.is_none_or(|k| k == ColumnKind::Number(kind)));
        if column.is_some() && !self.streamed {
            self.ws.write_number(self.row, col, x)?;
        } else {
            let fmt = self.number_format(kind);
            self.ws.write_number_with_format(self.row, col, x, fmt)?;
        }
        match self
            .widest
            .iter_mut()
            .find(|w| w.col == col && w.kind == kind)
        {
            Some(w) => w.add(x),
            None => {
                let mut w = Widest {
                    col,
                    kind,
                    non_negative: None,
                    negative: None,
                };
                w.add(x);
                self.widest.push(w);
            }
        }
        Ok(())
    }

    fn count(&mut self, col: u16, n: usize) -> Result<(), XlsxError> {
        // A count is a whole number far below 2^53: exact as an f64.
        self.number_f64(col, n as f64, Kind::Int)
    }

    fn date(&mut self, col: u16, d: NaiveDate) -> Result<(), XlsxError> {
        let column = self.column_kind(col);
        debug_assert!(column.is_none_or(|k| k == ColumnKind::Date));
        if column.is_some() && !self.streamed {
            self.ws.write_datetime(self.row, col, d)?;
        } else {
            self.ws
                .write_datetime_with_format(self.row, col, d, &self.fm.date)?;
        }
        self.widen(col, "2026-01-01");
        Ok(())
    }

    fn next(&mut self) {
        self.row += 1;
    }

    /// Column widths (clamped to 6–`max`), and for a sheet holding one
    /// table from row 0: frozen header (and `freeze_cols` columns), filter
    /// and print setup.
    fn finish(mut self, freeze_cols: u16, filter: bool, max: f64) -> Result<(), XlsxError> {
        if self.row > self.body && !self.streamed {
            for (c, kind) in self.column_kinds.iter().enumerate() {
                let format = match kind {
                    Some(ColumnKind::Number(k)) => self.number_format(*k),
                    Some(ColumnKind::Date) => &self.fm.date,
                    None => continue,
                };
                self.ws
                    .set_range_format(self.body, c as u16, self.row - 1, c as u16, format)?;
            }
        }
        if self.row == self.body {
            let fm = self.fm;
            self.text_with(0, fm.none, &fm.note)?;
            self.next();
        }
        let mut buf = String::new();
        let widest = std::mem::take(&mut self.widest);
        for w in &widest {
            for x in [w.non_negative, w.negative].into_iter().flatten() {
                let width = shown_width(x, w.kind, &mut buf);
                self.widen_to(w.col, width);
            }
        }
        let cols = self.widths.len() as u16;
        for (c, w) in self.widths.iter().enumerate() {
            let w = (*w as f64 + 2.0).clamp(6.0, max);
            self.ws.set_column_width(c as u16, w)?;
        }
        self.ws.set_freeze_panes(1, freeze_cols)?;
        if filter && cols > 0 {
            self.ws
                .autofilter(0, 0, self.row.saturating_sub(1).max(1), cols - 1)?;
        }
        print_setup(self.ws)?;
        Ok(())
    }
}

/// `商务专员-B2B（试用期）`: the profile, with the variant when not regular.
fn profile_label(a: &Assessed, lang: Lang) -> String {
    let variant = match (a.variant, a.on_probation) {
        (Variant::Probation, _) | (Variant::Regular, true) => {
            Some(lang.pick("试用期", "probation"))
        }
        (Variant::Senior, _) => Some(lang.pick("资深", "senior")),
        (Variant::Regular, false) => None,
    };
    // A period layer: `商务专员-B2B（资深·年度方案）`.
    let layer = a.layer.map(|k| match lang {
        Lang::Zh => format!("{}方案", k.label(lang)),
        Lang::En => format!("{} section", k.label(lang)),
    });
    let parts: Vec<String> = variant
        .map(str::to_string)
        .into_iter()
        .chain(layer)
        .collect();
    if parts.is_empty() {
        return a.profile.clone();
    }
    match lang {
        Lang::Zh => format!("{}（{}）", a.profile, parts.join("·")),
        Lang::En => format!("{} ({})", a.profile, parts.join(", ")),
    }
}

fn team_of(ds: &Dataset, rep: RepIdx, lang: Lang) -> String {
    ds.reps[rep as usize]
        .team
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| lang.pick("(未分组)", "(no team)").to_string())
}

/// The dimensions of the profiles in force for the period (regular,
/// probation and senior indicators), in first-seen order, then any other
/// dimension an assessment has.
fn dimension_columns(scheme: &Scheme, period: Period, results: &[RepResult]) -> Vec<String> {
    let mut dims: Vec<String> = Vec::new();
    let mut add = |d: &str| {
        if !dims.iter().any(|x| x == d) {
            dims.push(d.to_string());
        }
    };
    let version = scheme.version_for(period.first_day());
    let kind = crate::scheme::PeriodKind::of(period);
    for p in &version.profiles {
        for v in [Variant::Regular, Variant::Probation, Variant::Senior] {
            for s in p.section(v, kind).indicators.iter().filter(|s| !s.gate) {
                add(&s.dimension);
            }
        }
    }
    for r in results {
        if let Ok(a) = &r.outcome {
            for d in &a.assessment.dimensions {
                add(&d.name);
            }
        }
    }
    dims
}

fn lines(a: &Assessed) -> impl Iterator<Item = (&RunLine, &Line)> {
    a.lines.iter().zip(&a.assessment.lines)
}

/// The dates a period's summary is taken at, and what depends on them.
#[derive(Debug, Clone)]
pub struct AsOf<'a> {
    /// The ledgers' as-of date (SPEC 4: data as it stands at run time).
    pub ledgers: NaiveDate,
    /// The day overdue receivables are taken at: the ledgers' as-of date
    /// or the period's last day, whichever is earlier.
    pub overdue: NaiveDate,
    /// Installments due in the period, not yet counted in full, whose grace
    /// window is still open at the ledgers' as-of date.
    pub open_grace: usize,
    /// Per issue of `ds.issues`: whether it bears on the period (`None`:
    /// every issue).
    pub issues: Option<&'a [bool]>,
    /// Last period's totals and grades (上期), computed from the same
    /// ledgers (`None`: the ledgers do not hold the period before).
    pub previous: Option<&'a Previous>,
}

/// The results of the period before (上期) by rep id: total and grade.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    pub period: Period,
    /// rep id → (total, grade); reps not assessed or not graded have none.
    pub reps: BTreeMap<String, (Option<Decimal>, Option<String>)>,
}

impl Previous {
    /// From that period's results (others in `results` are ignored).
    pub fn from_results(ds: &Dataset, period: Period, results: &[RepResult]) -> Previous {
        Previous {
            period,
            reps: results
                .iter()
                .filter(|r| r.period == period)
                .filter_map(|r| {
                    let a = &r.outcome.as_ref().ok()?.assessment;
                    Some((
                        ds.reps[r.rep as usize].rep_id.clone(),
                        (a.total, a.grade.as_ref().map(|g| g.name.clone())),
                    ))
                })
                .collect(),
        }
    }
}

impl AsOf<'_> {
    /// Ledgers and overdue receivables both taken at `day`, every issue
    /// shown, no open grace window.
    pub fn at(day: NaiveDate) -> AsOf<'static> {
        AsOf {
            ledgers: day,
            overdue: day,
            open_grace: 0,
            issues: None,
            previous: None,
        }
    }

    /// The warning that a period's results may still change, if they may.
    pub fn open_grace_note(&self, lang: Lang) -> Option<String> {
        (self.open_grace > 0).then(|| match lang {
            Lang::Zh => format!(
                "{} 笔回款仍在宽限期内，结果可能随下月台账变化",
                self.open_grace
            ),
            Lang::En => format!(
                "{} installment(s) still within their grace days: the results may change with next month's ledgers",
                self.open_grace
            ),
        })
    }
}

/// Build the team summary workbook of one period.
///
/// `results` are this period's, in rep order; `as_of` is the day overdue
/// receivables are counted on (the period's last day or the run's day,
/// whichever is earlier).
///
/// # Errors
/// Only those rust_xlsxwriter reports for an impossible layout (a sheet
/// name or a range out of bounds).
#[allow(clippy::too_many_arguments)]
pub fn team_summary(
    ds: &Dataset,
    scheme: &Scheme,
    period: Period,
    results: &[RepResult],
    at: &AsOf,
    changes: Option<(
        &crate::output::changes::Changes,
        &crate::output::manifest::Manifest,
    )>,
    applied: &apply::Applied,
    lang: Lang,
) -> Result<Workbook, XlsxError> {
    let mut wb = new_output_workbook();
    let fm = Formats::new(lang);
    let dims = dimension_columns(scheme, period, results);
    ranking(
        wb.add_worksheet(),
        &fm,
        ds,
        scheme,
        results,
        &dims,
        at,
        lang,
    )?;
    team_averages(wb.add_worksheet(), &fm, ds, scheme, results, &dims, lang)?;
    indicator_stats(wb.add_worksheet(), &fm, &scheme.defaults, results, lang)?;
    grade_distribution(wb.add_worksheet(), &fm, scheme, period, results, lang)?;
    if !scheme.distribution.is_empty() {
        apply::distribution(wb.add_worksheet(), &fm, ds, scheme, results, lang)?;
    }
    // One row per rep and indicator below its pass line (about 10,000 rows
    // in a large month): written row by row, as 逾期回款 below.
    below_pass(
        wb.add_worksheet_with_constant_memory()?,
        &fm,
        ds,
        results,
        lang,
    )?;
    apply::improvement(wb.add_worksheet(), &fm, ds, scheme, applied, lang)?;
    if let Period::Year(year) = period {
        apply::excellent(
            wb.add_worksheet(),
            &fm,
            ds,
            scheme,
            year,
            results,
            applied,
            lang,
        )?;
    }
    apply::payout(wb.add_worksheet(), &fm, ds, applied.payout, lang)?;
    if let Period::Year(year) = period {
        apply::monthly(wb.add_worksheet(), &fm, ds, applied.payout, lang)?;
        apply::team_trend(wb.add_worksheet(), &fm, ds, scheme, year, applied, lang)?;
    }
    // The company's every overdue installment (93,000 rows in a large
    // month): written row by row, only the current row kept in memory, its
    // texts inline (in the workbook's shared strings, its customer names
    // and contract ids took 30–40 MB while the summary was saved).
    overdue(
        wb.add_worksheet_with_constant_memory()?,
        &fm,
        ds,
        results,
        at,
        lang,
    )?;
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("数据问题", "Data issues"))?;
    let issues: Vec<crate::input::issues::DataIssue> = match at.issues {
        Some(keep) => ds
            .issues
            .iter()
            .zip(keep)
            .filter(|(_, k)| **k)
            .map(|(i, _)| i.clone())
            .collect(),
        None => ds.issues.clone(),
    };
    crate::output::issue_sheet::write_issue_sheet(ws, &issues, lang)?;
    drop(issues);
    adjustments_log(wb.add_worksheet(), &fm, ds, period, results, lang)?;
    method(wb.add_worksheet(), &fm, ds, scheme, period, at, lang)?;
    if let Some((changes, old)) = changes {
        crate::output::changes::write_sheet(wb.add_worksheet(), changes, old, lang)?;
    }
    Ok(wb)
}

/// 排名: assessed and graded reps by total (highest first, ties share a
/// rank), then those not graded, then those not assessed with the reason.
/// Beside the company rank, the rank within the rep's team; the dimension
/// columns are weighted points (加权分, what the subtotals add up to), not
/// the score rates of the rep's chart; 上期 total and grade beside this
/// period's; bonus base and amount unless the scheme's `[form]
/// ranking_bonus = false` leaves them to the 奖金发放 sheet; the 制表 /
/// 审核 / 审批 lines below.
#[allow(clippy::too_many_arguments)]
fn ranking(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    scheme: &Scheme,
    results: &[RepResult],
    dims: &[String],
    at: &AsOf,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("排名", "Ranking"))?;
    let bonus_cols = scheme.form.ranking_bonus;
    let mut headers: Vec<String> = [
        lang.pick("名次", "Rank"),
        lang.pick("团队名次", "Team rank"),
        lang.pick("工号", "Rep ID"),
        lang.pick("姓名", "Name"),
        lang.pick("团队", "Team"),
        lang.pick("岗位", "Role"),
        lang.pick("考核方案", "Profile"),
    ]
    .map(String::from)
    .to_vec();
    headers.extend(dims.iter().map(|d| {
        format!(
            "{}{}",
            crate::scheme::catalogue::dimension_label(d, lang),
            lang.pick("（加权分）", " (weighted points)")
        )
    }));
    let prev = at
        .previous
        .map(|p| {
            format!(
                "{}{}{}",
                lang.pick("（", " ("),
                p.period,
                lang.pick("）", ")")
            )
        })
        .unwrap_or_default();
    headers.extend([
        lang.pick("加权得分", "Weighted score").to_string(),
        lang.pick("加分", "Bonus").to_string(),
        lang.pick("扣分", "Deductions").to_string(),
        lang.pick("达标项扣分", "Gate penalties").to_string(),
        lang.pick("总分", "Total").to_string(),
        lang.pick("等级", "Grade").to_string(),
        format!("{}{prev}", lang.pick("上期总分", "Last total")),
        format!("{}{prev}", lang.pick("上期等级", "Last grade")),
        lang.pick("系数", "Coefficient").to_string(),
    ]);
    if bonus_cols {
        headers.push(lang.pick("绩效奖金基数", "Bonus base").to_string());
        headers.push(lang.pick("绩效奖金", "Bonus amount").to_string());
    }
    headers.push(lang.pick("备注", "Note").to_string());
    let heads: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut order: Vec<&RepResult> = results.iter().collect();
    // Graded by total (highest first), then not graded, then not assessed;
    // rep id within each (results come in rep-id order and the sort is stable).
    order.sort_by(|a, b| {
        let key = |r: &RepResult| match &r.outcome {
            Ok(x) => match x.assessment.total {
                Some(t) => (0, -t),
                None => (1, Decimal::ZERO),
            },
            Err(_) => (2, Decimal::ZERO),
        };
        key(a).cmp(&key(b))
    });
    // Ranks within each team, in the same order: ties share a rank.
    let mut team_ranks: BTreeMap<String, (usize, usize, Option<Decimal>)> = BTreeMap::new();
    let first_total_col = 7 + dims.len() as u16;
    let note_col = first_total_col + 9 + if bonus_cols { 2 } else { 0 };
    let mut t = Table::new(ws, fm, 0, &heads)?;
    let mut rank = 0usize;
    let mut last_total: Option<Decimal> = None;
    for (i, r) in order.iter().enumerate() {
        let rep = &ds.reps[r.rep as usize];
        t.text(2, &rep.rep_id)?;
        t.text(3, &rep.name)?;
        t.text(4, rep.team.as_deref().unwrap_or(""))?;
        t.text(5, &rep.role)?;
        let a = match &r.outcome {
            Ok(a) => a,
            Err(why) => {
                t.text(note_col, why.reason(lang))?;
                t.next();
                continue;
            }
        };
        let s = &a.assessment;
        if let Some(total) = s.total {
            if last_total != Some(total) {
                rank = i + 1;
                last_total = Some(total);
            }
            t.ws.write_number_with_format(t.row, 0, rank as f64, &fm.center)?;
            let team = team_of(ds, r.rep, lang);
            let e = team_ranks.entry(team).or_insert((0, 0, None));
            e.0 += 1;
            if e.2 != Some(total) {
                e.1 = e.0;
                e.2 = Some(total);
            }
            t.ws.write_number_with_format(t.row, 1, e.1 as f64, &fm.center)?;
        }
        t.text(6, &profile_label(a, lang))?;
        if !s.not_graded() {
            for (c, d) in dims.iter().enumerate() {
                let sub = s.dimensions.iter().find(|x| &x.name == d);
                t.number(7 + c as u16, sub.map(|x| x.subtotal), Kind::Num)?;
            }
        }
        let c = first_total_col;
        t.number(c, s.weighted_score, Kind::Num)?;
        t.number(c + 1, Some(s.bonus), Kind::Num)?;
        t.number(c + 2, Some(s.deductions), Kind::Num)?;
        t.number(c + 3, Some(s.gate_penalties), Kind::Num)?;
        t.number(c + 4, s.total, Kind::Num)?;
        if let Some(g) = &s.grade {
            t.text_with(c + 5, &g.name, &fm.center)?;
        }
        if let Some((total, grade)) = at.previous.and_then(|p| p.reps.get(&rep.rep_id)) {
            t.number(c + 6, *total, Kind::Num)?;
            if let Some(g) = grade {
                t.text_with(c + 7, g, &fm.center)?;
            }
        }
        if let Some(g) = &s.grade {
            t.number(c + 8, Some(g.coefficient), Kind::Num)?;
        }
        if bonus_cols {
            t.number(c + 9, rep.bonus_base, Kind::Money)?;
            t.number(c + 10, s.bonus_amount, Kind::Money)?;
        }
        let note = match (&s.veto, s.not_graded()) {
            (Some(v), _) => format!("{}{}", lang.pick("一票否决：", "veto: "), v.reason),
            (None, true) => lang
                .pick(
                    "全部加权指标不适用，不评级",
                    "every weighted indicator N/A: not graded",
                )
                .to_string(),
            (None, false) => String::new(),
        };
        t.text(note_col, &note)?;
        t.next();
    }
    let end = t.row;
    t.finish(4, true, 40.0)?;
    signoff_lines(ws, end + 1, &scheme.form.summary_signoffs(lang), lang)
}

/// The sign-off lines under a table (制表 / 审核 / 审批), each with a date.
fn signoff_lines(
    ws: &mut Worksheet,
    row: u32,
    names: &[String],
    lang: Lang,
) -> Result<(), XlsxError> {
    for (i, name) in names.iter().enumerate() {
        let line = format!(
            "{name}{}______________    {}__________",
            lang.pick("：", ": "),
            lang.pick("日期：", "Date: ")
        );
        write_text(ws, row + 2 * i as u32, 2, &line, &Format::new())?;
    }
    Ok(())
}

/// Σ / n to 2 places; `None` for no values.
fn mean(values: &[Decimal]) -> Option<Decimal> {
    if values.is_empty() {
        return None;
    }
    let sum: Decimal = values.iter().sum();
    Some(crate::compute::score::round2(
        sum / Decimal::from(values.len()),
    ))
}

fn median(values: &[Decimal]) -> Option<Decimal> {
    let mut v = values.to_vec();
    v.sort();
    let n = v.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(v[n / 2]),
        _ => Some((v[n / 2 - 1] + v[n / 2]) / Decimal::TWO),
    }
}

/// 团队平均: per team (and all reps): reps assessed, graded, mean total,
/// mean per dimension (over graded reps), grade counts.
fn team_averages(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    scheme: &Scheme,
    results: &[RepResult],
    dims: &[String],
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("团队平均", "Team averages"))?;
    let mut headers: Vec<String> = if lang == Lang::Zh {
        ["团队", "考核人数", "评级人数", "平均总分"]
    } else {
        ["Team", "Assessed", "Graded", "Mean total"]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    headers.extend(dims.iter().map(|d| {
        format!(
            "{}{}",
            lang.pick("平均", "mean "),
            crate::scheme::catalogue::dimension_label(d, lang)
        )
    }));
    headers.extend(scheme.grades.iter().map(|g| g.name.clone()));
    headers.push(lang.pick("不评级", "Not graded").to_string());
    let headers: Vec<&str> = headers.iter().map(String::as_str).collect();

    let mut teams: BTreeMap<String, Vec<&Assessed>> = BTreeMap::new();
    for r in results {
        if let Ok(a) = &r.outcome {
            teams.entry(team_of(ds, r.rep, lang)).or_default().push(a);
        }
    }
    let all: Vec<&Assessed> = teams.values().flatten().copied().collect();
    let mut t = Table::new(ws, fm, 0, &headers)?;
    let all_label = lang.pick("全部", "All").to_string();
    for (name, reps) in teams.iter().chain(std::iter::once((&all_label, &all))) {
        let graded: Vec<&Assessed> = reps
            .iter()
            .copied()
            .filter(|a| !a.assessment.not_graded())
            .collect();
        if name == &all_label {
            t.text_with(0, name, &fm.bold)?;
        } else {
            t.text(0, name)?;
        }
        t.count(1, reps.len())?;
        t.count(2, graded.len())?;
        let totals: Vec<Decimal> = graded.iter().filter_map(|a| a.assessment.total).collect();
        t.number(3, mean(&totals), Kind::Num)?;
        for (c, d) in dims.iter().enumerate() {
            let subs: Vec<Decimal> = graded
                .iter()
                .filter_map(|a| a.assessment.dimensions.iter().find(|x| &x.name == d))
                .map(|x| x.subtotal)
                .collect();
            t.number(4 + c as u16, mean(&subs), Kind::Num)?;
        }
        let base = 4 + dims.len() as u16;
        for (c, g) in scheme.grades.iter().enumerate() {
            let n = graded
                .iter()
                .filter(|a| {
                    a.assessment
                        .grade
                        .as_ref()
                        .is_some_and(|x| x.name == g.name)
                })
                .count();
            t.count(base + c as u16, n)?;
        }
        t.count(base + scheme.grades.len() as u16, reps.len() - graded.len())?;
        t.next();
    }
    t.finish(1, true, 30.0)
}

/// One indicator's figures across the period's assessed reps.
#[derive(Default)]
struct Stat<'a> {
    name: String,
    dimension: String,
    unit: Option<Unit>,
    gate: bool,
    lines: usize,
    na: usize,
    passed: usize,
    values: Vec<Decimal>,
    scores: Vec<Decimal>,
    spec: Option<&'a IndicatorSpec>,
}

/// What a line's value is, for 指标统计: the same code measured another way
/// (a count against a target is a ratio, a count of visits only is not the
/// count of every follow-up, a rating on another scale) is a row of its
/// own. Empty for the catalogue's plain definition.
fn basis_of(spec: &IndicatorSpec, defaults: &Defaults, lang: Lang) -> String {
    spec.measure_text(defaults, lang)
        .join(lang.pick("；", "; "))
}

/// 指标统计: per indicator code and scoring basis (a gate or weighted, and
/// [`basis_of`]), catalogue indicators first, then manual ratings, in
/// first-seen order with the rows of one code together.
fn indicator_stats(
    ws: &mut Worksheet,
    fm: &Formats,
    defaults: &Defaults,
    results: &[RepResult],
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("指标统计", "Indicator statistics"))?;
    type Key = (String, bool, String);
    let mut order: Vec<Key> = Vec::new();
    let mut stats: BTreeMap<Key, Stat> = BTreeMap::new();
    for a in results.iter().filter_map(|r| r.outcome.as_ref().ok()) {
        for (rl, l) in lines(a) {
            let key = (
                l.code.clone(),
                l.is_gate,
                basis_of(&rl.spec, defaults, lang),
            );
            let s = stats.entry(key.clone()).or_insert_with(|| {
                order.push(key);
                Stat {
                    name: l.name.clone(),
                    dimension: l.dimension.clone(),
                    unit: Some(rl.spec.value_unit()),
                    gate: l.is_gate,
                    spec: Some(&rl.spec),
                    ..Stat::default()
                }
            });
            s.lines += 1;
            match passes(&rl.spec, l) {
                Some(p) => {
                    s.passed += usize::from(p);
                    if let Some(v) = l.value {
                        s.values.push(v);
                    }
                    if let Some(sc) = l.score {
                        s.scores.push(sc);
                    }
                }
                None => s.na += 1,
            }
        }
    }
    let first: BTreeMap<&str, usize> = order
        .iter()
        .enumerate()
        .rev()
        .map(|(i, k)| (k.0.as_str(), i))
        .collect();
    let mut order: Vec<&Key> = order.iter().collect();
    order.sort_by_key(|k| (k.0.starts_with("rating:"), first[k.0.as_str()]));
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "指标代码",
            "指标",
            "维度",
            "单位",
            "类型",
            "口径",
            "人数",
            "有值人数",
            "不适用",
            "达标人数",
            "达标率",
            "均值",
            "中位数",
            "最小值",
            "最大值",
            "平均得分",
            "得分中位数",
            "最低得分",
            "最高得分",
        ]
    } else {
        &[
            "Code",
            "Indicator",
            "Dimension",
            "Unit",
            "Type",
            "Basis",
            "Reps",
            "With a value",
            "N/A",
            "Passed",
            "Pass rate",
            "Mean",
            "Median",
            "Min",
            "Max",
            "Mean score",
            "Median score",
            "Min score",
            "Max score",
        ]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    for key in order {
        let s = &stats[key];
        let unit = s.unit.unwrap_or(Unit::Number);
        let k = kind_of(unit);
        t.text(0, &key.0)?;
        t.text(1, &s.name)?;
        t.text(2, &s.dimension)?;
        t.text(3, unit.label(lang))?;
        let kind = if s.gate {
            lang.pick("达标项", "gate")
        } else if s.spec.is_some_and(|x| x.rating_name().is_some()) {
            lang.pick("人工评分", "rating")
        } else {
            lang.pick("计权", "weighted")
        };
        t.text(4, kind)?;
        let basis = if key.2.is_empty() {
            lang.pick("按实际值", "as measured")
        } else {
            key.2.as_str()
        };
        t.text(5, basis)?;
        let with_value = s.lines - s.na;
        t.count(6, s.lines)?;
        t.count(7, with_value)?;
        t.count(8, s.na)?;
        t.count(9, s.passed)?;
        if with_value > 0 {
            t.number(
                10,
                Some(Decimal::from(s.passed) / Decimal::from(with_value)),
                Kind::Pct,
            )?;
        }
        let v = &s.values;
        t.number(11, mean(v).map(|_| mean4(v)), k)?;
        t.number(12, median(v), k)?;
        t.number(13, v.iter().min().copied(), k)?;
        t.number(14, v.iter().max().copied(), k)?;
        let sc = &s.scores;
        t.number(15, mean(sc), Kind::Num)?;
        t.number(16, median(sc), Kind::Num)?;
        t.number(17, sc.iter().min().copied(), Kind::Num)?;
        t.number(18, sc.iter().max().copied(), Kind::Num)?;
        t.next();
    }
    let note_row = t.row + 1;
    let note = lang.pick(
        "达标：考核值达到本期达标线（↑ 不低于、↓ 不高于）；无达标线的指标按得分 ≥ 60 计。不适用和已剔除的不计入。同一指标按不同口径考核（如对目标计达成率与按实际数量、只计拜访与全部跟进）时分行统计。",
        "Passed: the value meets the period's pass line (↑ at least, ↓ at most); without a pass line, a score of 60 or more. N/A and excluded lines are left out. An indicator measured in different ways (achievement against a target or an absolute count, visits only or every follow-up) has a row per way.",
    );
    t.ws.write_string_with_format(note_row, 0, note, &fm.note)?;
    t.finish(2, true, 30.0)
}

/// The mean without rounding to 2 places (values can be ratios).
fn mean4(values: &[Decimal]) -> Decimal {
    let sum: Decimal = values.iter().sum();
    (sum / Decimal::from(values.len().max(1))).round_dp(6)
}

/// 等级分布: per scheme grade (zeros included) and not graded, with a
/// column chart.
fn grade_distribution(
    ws: &mut Worksheet,
    fm: &Formats,
    scheme: &Scheme,
    period: Period,
    results: &[RepResult],
    lang: Lang,
) -> Result<(), XlsxError> {
    let name = lang.pick("等级分布", "Grade distribution");
    ws.set_name(name)?;
    let assessed: Vec<&Assessed> = results
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    let headers: &[&str] = if lang == Lang::Zh {
        &["等级", "最低总分", "系数", "人数", "占比"]
    } else {
        &["Grade", "Minimum total", "Coefficient", "Reps", "Share"]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    let share =
        |n: usize| (!assessed.is_empty()).then(|| Decimal::from(n) / Decimal::from(assessed.len()));
    for g in &scheme.grades {
        let n = assessed
            .iter()
            .filter(|a| {
                a.assessment
                    .grade
                    .as_ref()
                    .is_some_and(|x| x.name == g.name)
            })
            .count();
        t.text(0, &g.name)?;
        t.number(1, Some(g.min), Kind::Num)?;
        t.number(2, Some(g.coefficient), Kind::Num)?;
        t.count(3, n)?;
        t.number(4, share(n).map(|s| s.round_dp(4)), Kind::Pct)?;
        t.next();
    }
    let ungraded = assessed
        .iter()
        .filter(|a| a.assessment.not_graded())
        .count();
    t.text(0, lang.pick("不评级", "Not graded"))?;
    t.count(3, ungraded)?;
    t.number(4, share(ungraded).map(|s| s.round_dp(4)), Kind::Pct)?;
    t.next();
    t.text_with(0, lang.pick("合计", "Total"), &fm.bold)?;
    t.count(3, assessed.len())?;
    t.next();
    let last = scheme.grades.len() as u32 + 1;
    t.finish(0, false, 20.0)?;

    let mut chart = Chart::new_column();
    chart.title().set_name(&format!(
        "{} {period}",
        lang.pick("等级分布", "Grade distribution")
    ));
    chart
        .add_series()
        .set_name(lang.pick("人数", "Reps"))
        .set_categories((name, 1, 0, last, 0))
        .set_values((name, 1, 3, last, 3))
        .set_data_label(ChartDataLabel::new().show_value());
    chart.x_axis().set_name(lang.pick("等级", "Grade"));
    chart.y_axis().set_name(lang.pick("人数", "Reps"));
    chart.legend().set_hidden();
    chart.set_width(480).set_height(288);
    ws.insert_chart(last + 3, 0, &chart)?;
    ws.set_portrait();
    Ok(())
}

/// 未达标预警: one row per (rep, weighted indicator) whose value misses
/// its pass line.
fn below_pass(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    results: &[RepResult],
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("未达标预警", "Below pass"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "工号",
            "姓名",
            "团队",
            "维度",
            "指标代码",
            "指标",
            "权重",
            "考核值",
            "达标线",
            "优秀线",
            "得分",
        ]
    } else {
        &[
            "Rep ID",
            "Name",
            "Team",
            "Dimension",
            "Code",
            "Indicator",
            "Weight",
            "Value",
            "Pass",
            "Excellent",
            "Score",
        ]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    // A constant-memory sheet: every cell carries its own format.
    t.streamed = true;
    for r in results {
        let Ok(a) = &r.outcome else { continue };
        let rep = &ds.reps[r.rep as usize];
        for (rl, l) in lines(a).filter(|(_, l)| !l.is_gate) {
            if passes(&rl.spec, l) != Some(false) {
                continue;
            }
            let k = kind_of(rl.spec.value_unit());
            t.text(0, &rep.rep_id)?;
            t.text(1, &rep.name)?;
            t.text(2, rep.team.as_deref().unwrap_or(""))?;
            t.text(3, &l.dimension)?;
            t.text(4, &l.code)?;
            t.text(5, &l.name)?;
            t.number(6, Some(l.weight), Kind::Num)?;
            t.number(7, l.value, k)?;
            t.number(8, l.pass, k)?;
            t.number(9, l.excellent, k)?;
            t.number(10, l.score, Kind::Num)?;
            t.next();
        }
    }
    t.finish(2, true, 30.0)
}

/// What had been paid of an installment by `as_of`: the amount paid when
/// its paid date is on or before `as_of` (a payment without a date counts
/// as unpaid, as everywhere else).
fn paid_by(i: &Installment, as_of: NaiveDate) -> Decimal {
    match (i.amount_paid, i.paid_date) {
        (Some(p), Some(d)) if d <= as_of => p.max(Decimal::ZERO),
        _ => Decimal::ZERO,
    }
}

/// The installments of the period's assessed reps that fell due on or
/// before `as_of` and were not paid in full by then, by rep id, due date,
/// contract and installment.
pub fn overdue_installments<'a>(
    ds: &'a Dataset,
    results: &[RepResult],
    as_of: NaiveDate,
) -> Vec<&'a Installment> {
    let assessed: std::collections::BTreeSet<RepIdx> = results
        .iter()
        .filter(|r| r.outcome.is_ok())
        .map(|r| r.rep)
        .collect();
    let mut rows: Vec<&Installment> = ds
        .installments
        .iter()
        .filter(|i| assessed.contains(&i.rep) && i.due_date <= as_of)
        .filter(|i| paid_by(i, as_of) < i.amount_due)
        .collect();
    rows.sort_by(|a, b| {
        (a.rep, a.due_date, &a.contract_id, a.installment).cmp(&(
            b.rep,
            b.due_date,
            &b.contract_id,
            b.installment,
        ))
    });
    rows
}

/// 逾期回款: overdue receivables as of `as_of`, grouped by rep.
fn overdue(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    results: &[RepResult],
    at: &AsOf,
    lang: Lang,
) -> Result<(), XlsxError> {
    let as_of = at.overdue;
    ws.set_name(lang.pick("逾期回款", "Overdue receivables"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "工号",
            "姓名",
            "团队",
            "合同编号",
            "期次",
            "客户编号",
            "客户名称",
            "应回款日期",
            "应回款金额",
            "已回款",
            "未回款",
            "逾期天数",
        ]
    } else {
        &[
            "Rep ID",
            "Name",
            "Team",
            "Contract",
            "Installment",
            "Customer ID",
            "Customer",
            "Due date",
            "Amount due",
            "Paid",
            "Outstanding",
            "Days overdue",
        ]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    // A low-memory sheet (see `team_summary`): each cell carries its
    // column's format.
    t.streamed = true;
    t.column_formats(&[
        (4, ColumnKind::Number(Kind::Int)),
        (7, ColumnKind::Date),
        (8, ColumnKind::Number(Kind::Money)),
        (9, ColumnKind::Number(Kind::Money)),
        (10, ColumnKind::Number(Kind::Money)),
        (11, ColumnKind::Number(Kind::Int)),
    ]);
    for i in overdue_installments(ds, results, as_of) {
        let rep = &ds.reps[i.rep as usize];
        let customer = ds
            .customers
            .binary_search_by(|c| (*c.customer_id).cmp(&*i.customer_id))
            .ok()
            .map(|c| &*ds.customers[c].facts().customer_name)
            .unwrap_or("");
        let paid = paid_by(i, as_of);
        t.text(0, &rep.rep_id)?;
        t.text(1, &rep.name)?;
        t.text(2, rep.team.as_deref().unwrap_or(""))?;
        t.text(3, &i.contract_id)?;
        t.count(4, i.installment as usize)?;
        t.text(5, &i.customer_id)?;
        t.text(6, customer)?;
        t.date(7, i.due_date)?;
        t.number(8, Some(i.amount_due), Kind::Money)?;
        t.number(9, Some(paid), Kind::Money)?;
        t.number(10, Some(i.amount_due - paid), Kind::Money)?;
        t.count(11, (as_of - i.due_date).num_days().max(0) as usize)?;
        t.next();
    }
    let note = match lang {
        Lang::Zh => format!("截至 {as_of}：应回款日期不晚于该日、且到该日未足额回款的分期（仅本期参加考核的人员）。"),
        Lang::En => format!("As of {as_of}: installments due on or before that day and not paid in full by then (reps assessed in the period only)."),
    };
    t.ws.write_string_with_format(t.row + 1, 0, &note, &fm.note)?;
    if let Some(open) = at.open_grace_note(lang) {
        t.ws.write_string_with_format(t.row + 2, 0, &open, &fm.note)?;
    }
    t.finish(2, true, 36.0)
}

fn kind_label(k: AdjustmentKind, lang: Lang) -> &'static str {
    match k {
        AdjustmentKind::Target => lang.pick("目标调整", "target"),
        AdjustmentKind::Exclude => lang.pick("剔除", "exclude"),
        AdjustmentKind::Bonus => lang.pick("加分", "bonus"),
        AdjustmentKind::Deduction => lang.pick("扣分", "deduction"),
        AdjustmentKind::Veto => lang.pick("一票否决", "veto"),
    }
}

/// 调整记录: every adjustment of the period, applied (the rep is
/// assessed) or not, by rep id then source position.
fn adjustments_log(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    period: Period,
    results: &[RepResult],
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("调整记录", "Adjustments"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "工号",
            "姓名",
            "类型",
            "指标",
            "数值",
            "原因",
            "审批人",
            "状态",
            "来源位置",
        ]
    } else {
        &[
            "Rep ID",
            "Name",
            "Kind",
            "Indicator",
            "Value",
            "Reason",
            "Approver",
            "Status",
            "Source",
        ]
    };
    let applied: std::collections::BTreeSet<u32> = results
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .flat_map(|a| a.adjustments.iter().copied())
        .collect();
    let mut rows: Vec<(u32, &crate::input::model::Adjustment)> = ds
        .adjustments
        .iter()
        .enumerate()
        .filter(|(i, a)| a.period == period || applied.contains(&(*i as u32)))
        .map(|(i, a)| (i as u32, a))
        .collect();
    rows.sort_by_key(|(i, a)| {
        (
            ds.reps.get(a.rep as usize).map(|r| r.rep_id.clone()),
            ds.position(a.meta.src),
            *i,
        )
    });
    let mut t = Table::new(ws, fm, 0, headers)?;
    for (i, a) in rows {
        if let Some(rep) = ds.reps.get(a.rep as usize) {
            t.text(0, &rep.rep_id)?;
            t.text(1, &rep.name)?;
        }
        t.text(2, kind_label(a.kind, lang))?;
        t.text(3, a.indicator.as_deref().unwrap_or(""))?;
        t.number(4, a.value, Kind::Num)?;
        t.text(5, &a.reason)?;
        t.text(6, a.approver.as_deref().unwrap_or(""))?;
        t.text(
            7,
            if applied.contains(&i) {
                lang.pick("已应用", "applied")
            } else {
                lang.pick("未应用（本期未考核）", "not applied (not assessed)")
            },
        )?;
        t.text(8, &ds.position(a.meta.src).address())?;
        t.next();
    }
    // HR's edits in the workbooks (the period's review record).
    let hr = lang.pick("HR 审阅修改", "HR review");
    for r in results {
        let Ok(a) = &r.outcome else { continue };
        let rep = &ds.reps[r.rep as usize];
        for l in a.assessment.lines.iter().filter(|l| l.reviewed) {
            let own = l
                .own_score
                .map(|v| v.normalize().to_string())
                .unwrap_or_else(|| "-".into());
            let new = l
                .score
                .map(|v| v.normalize().to_string())
                .unwrap_or_default();
            t.text(0, &rep.rep_id)?;
            t.text(1, &rep.name)?;
            t.text(2, hr)?;
            t.text(3, &l.name)?;
            t.number(4, l.score, Kind::Num)?;
            t.text(
                5,
                &if lang == Lang::Zh {
                    format!("得分 {own} → {new}（考核表中修改）")
                } else {
                    format!("score {own} → {new} (edited in the workbook)")
                },
            )?;
            t.text(6, "")?;
            t.text(7, lang.pick("已应用", "applied"))?;
            t.text(8, crate::output::changes::REVIEW_RECORD)?;
            t.next();
        }
        // 自评 / 上级评分 typed on the 考核表.
        for (code, typed) in &a.typed {
            let name = a
                .lines
                .iter()
                .find(|l| &l.spec.code == code)
                .map_or(code.as_str(), |l| l.spec.name.as_str());
            for (rater, v) in typed {
                let label = if *rater == "self" {
                    lang.pick("自评", "self")
                } else {
                    lang.pick("上级评分", "supervisor")
                };
                t.text(0, &rep.rep_id)?;
                t.text(1, &rep.name)?;
                t.text(2, hr)?;
                t.text(3, &format!("{name} {label}"))?;
                t.number(4, Some(*v), Kind::Num)?;
                t.text(
                    5,
                    &if lang == Lang::Zh {
                        format!(
                            "{label} {}（考核表中填写，代替该来源的评分行）",
                            v.normalize()
                        )
                    } else {
                        format!(
                            "{label} {} (typed in the workbook, replacing that rater's rows)",
                            v.normalize()
                        )
                    },
                )?;
                t.text(7, lang.pick("已应用", "applied"))?;
                t.text(8, crate::output::changes::REVIEW_RECORD)?;
                t.next();
            }
        }
        if let Some(c) = a.comment.as_deref().filter(|c| !c.is_empty()) {
            t.text(0, &rep.rep_id)?;
            t.text(1, &rep.name)?;
            t.text(2, hr)?;
            t.text(3, lang.pick("评语", "Comments"))?;
            t.text(5, c)?;
            t.text(7, lang.pick("已应用", "applied"))?;
            t.text(8, crate::output::changes::REVIEW_RECORD)?;
            t.next();
        }
    }
    t.finish(2, true, 50.0)
}

/// 方法说明: the scheme and version, the profiles' indicators as scored
/// this period, the input files with their SHA-256, the tool version and
/// the as-of day.
fn method(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    scheme: &Scheme,
    period: Period,
    at: &AsOf,
    lang: Lang,
) -> Result<(), XlsxError> {
    let as_of = at.overdue;
    ws.set_name(lang.pick("方法说明", "Method"))?;
    let zh = lang == Lang::Zh;
    let version = scheme.version_for(period.first_day());
    let n = period.months();
    let mut t = Table::new(
        ws,
        fm,
        0,
        &[lang.pick("项目", "Item"), lang.pick("内容", "Value")],
    )?;
    let na = match scheme.defaults.na {
        crate::scheme::NaPolicy::Renormalise => lang
            .pick(
                "剔除，其余权重按比例放大",
                "dropped; the other weights renormalised",
            )
            .to_string(),
        crate::scheme::NaPolicy::Score => format!(
            "{} {}",
            lang.pick("按固定分值计分", "scored"),
            scheme.defaults.na_score.normalize()
        ),
    };
    let facts: Vec<(&str, String)> = vec![
        (lang.pick("考核期间", "Period"), period.to_string()),
        (lang.pick("考核方案", "Scheme"), scheme.name.clone()),
        (
            lang.pick("方案版本", "Scheme version"),
            scheme.label.clone(),
        ),
        (lang.pick("方案文件", "Scheme file"), scheme.file.clone()),
        (
            lang.pick("本期适用版本生效日期", "Version in force from"),
            crate::scheme::effective_label(version.effective_from, lang),
        ),
        (
            lang.pick("台账截至日期", "Ledgers as of"),
            at.ledgers.to_string(),
        ),
        (
            lang.pick("数据口径", "Data basis"),
            lang.pick(
                "按运行时台账（全部文件）计算：行按自身日期计入期间，后来的更正会影响此前的期间",
                "the ledgers as they stand at run time (every file): rows count for a period by their own dates, and a later correction reaches earlier periods",
            )
            .to_string(),
        ),
        (
            lang.pick("逾期回款截至日期", "Overdue receivables as of"),
            as_of.to_string(),
        ),
        (
            lang.pick("宽限期内未结回款", "Installments still within grace"),
            at.open_grace_note(lang)
                .unwrap_or_else(|| lang.pick("无", "none").to_string()),
        ),
        (lang.pick("不适用指标", "N/A indicators"), na),
        (
            lang.pick("加分上限", "Bonus cap"),
            scheme.defaults.max_bonus.normalize().to_string(),
        ),
        (
            lang.pick("回款宽限天数", "Grace days"),
            scheme.defaults.grace_days.to_string(),
        ),
        (
            lang.pick("kaohe 版本", "kaohe version"),
            env!("CARGO_PKG_VERSION").to_string(),
        ),
    ];
    for (k, v) in &facts {
        t.text(0, k)?;
        t.text(1, v)?;
        t.next();
    }

    // The indicators of each profile as scored in this period.
    t.next();
    t.text_with(
        0,
        lang.pick(
            "各考核方案的指标（本期口径）",
            "Indicators per profile (this period)",
        ),
        &fm.bold,
    )?;
    t.next();
    let headers: &[&str] = if zh {
        &[
            "考核方案",
            "类别",
            "维度",
            "指标代码",
            "指标",
            "权重",
            "达标线",
            "优秀线",
            "计分方法",
            "口径与选项",
        ]
    } else {
        &[
            "Profile",
            "Variant",
            "Dimension",
            "Code",
            "Indicator",
            "Weight",
            "Pass",
            "Excellent",
            "Method",
            "Basis and options",
        ]
    };
    t.header(headers)?;
    for p in &version.profiles {
        for section in p.sections() {
            let label = crate::scheme::section_label(&section, lang);
            let label = label.as_str();
            for s in section.indicators {
                let (pass, excellent) = effective_lines(s, n);
                let k = kind_of(s.value_unit());
                t.text(0, &p.name)?;
                t.text(1, label)?;
                t.text(2, &s.dimension)?;
                t.text(3, &s.code)?;
                t.text(4, &s.name)?;
                if s.gate {
                    t.text(
                        5,
                        &format!(
                            "{} {}",
                            lang.pick("达标项，未达扣", "gate, penalty"),
                            s.penalty.normalize()
                        ),
                    )?;
                } else {
                    t.number(5, Some(s.weight), Kind::Num)?;
                }
                t.number(6, pass, k)?;
                t.number(7, excellent, k)?;
                // 达标项, 人工评分 or the method, with the steps of this
                // period and the other scoring details.
                // (比例, 直接 and 阶梯 name themselves in their details.)
                let details = if s.gate {
                    Vec::new()
                } else {
                    s.scoring_text(line_factor(s, n), lang)
                };
                let named = s.rating_name().is_none()
                    && !s.gate
                    && !matches!(s.method, crate::scheme::Method::Linear);
                let mut scoring = Vec::new();
                if !named {
                    scoring.push(s.scoring_label(lang).to_string());
                }
                scoring.extend(details);
                t.text(8, &scoring.join(lang.pick("；", "; ")))?;
                t.text(9, &basis_of(s, &scheme.defaults, lang))?;
                t.next();
            }
        }
    }

    // The input files and their content hashes.
    t.next();
    t.text_with(0, lang.pick("输入文件", "Input files"), &fm.bold)?;
    t.next();
    t.header(if zh {
        &["文件", "SHA-256", "月份", "格式", "状态"]
    } else {
        &["File", "SHA-256", "As of", "Format", "Status"]
    })?;
    let mut files: Vec<&crate::input::dataset::FileInfo> = ds.files.iter().collect();
    files.sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    for fi in files {
        t.text(0, &fi.rel)?;
        t.text(1, fi.sha256.as_deref().unwrap_or(""))?;
        t.text(2, &fi.as_of.map(|m| m.to_string()).unwrap_or_default())?;
        t.text(3, fi.format.map(|x| x.label()).unwrap_or(""))?;
        t.text(
            4,
            fi.error_reason(lang)
                .unwrap_or_else(|| lang.pick("已读取", "read")),
        )?;
        t.next();
    }
    // The hashes (column B) are 64 characters: keep them whole.
    t.finish(0, false, 68.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn number_widths_are_those_of_the_shown_text() {
        let values = [
            0.0,
            -0.0,
            0.001,
            -0.001,
            0.004,
            0.005,
            0.125,
            9.994,
            9.995,
            9.999,
            99.995,
            999.999,
            999_999.995,
            1234.5,
            -1234.5,
            -999.995,
            1e15,
            -1e15,
            12_345_678.9,
        ];
        let mut buf = String::new();
        for kind in [Kind::Num, Kind::Money, Kind::Pct, Kind::Int] {
            let mut widest = Widest {
                col: 0,
                kind,
                non_negative: None,
                negative: None,
            };
            let mut max = 0;
            for v in values {
                assert_eq!(
                    shown_width(v, kind, &mut buf),
                    display_width(&shown(v, kind)),
                    "{v}"
                );
                widest.add(v);
                max = max.max(display_width(&shown(v, kind)));
            }
            let measured = [widest.non_negative, widest.negative]
                .into_iter()
                .flatten()
                .map(|x| shown_width(x, kind, &mut buf))
                .max();
            assert_eq!(measured, Some(max));
        }
    }

    #[test]
    fn adjustments_are_logged_applied_or_not() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2020-01-01");
        let b = l.rep("S002", "李四", "商务专员-B2B", "2027-01-01");
        l.adjustment(
            a,
            "2026-03",
            AdjustmentKind::Bonus,
            None,
            Some("3"),
            "+=立功",
        );
        l.adjustment(
            b,
            "2026-03",
            AdjustmentKind::Deduction,
            None,
            Some("2"),
            "迟到",
        );
        l.adjustment(a, "2026-04", AdjustmentKind::Bonus, None, Some("1"), "下月");
        let ds = l.build();
        let scheme = Scheme::parse(
            "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"p\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ code = \"satisfaction\", weight = 100, pass = 7, excellent = 8.5 }]\n",
            "s.toml",
        )
        .unwrap();
        let p = period("2026-03");
        let results = crate::compute::assess::compute(&ds, &scheme, &[p]);
        let bytes = team_summary(
            &ds,
            &scheme,
            p,
            &results,
            &AsOf::at(p.last_day()),
            None,
            &apply::Applied::none(),
            Lang::Zh,
        )
        .unwrap()
        .save_to_buffer()
        .unwrap();
        let mut wb = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let r = wb.worksheet_range("调整记录").unwrap();
        let rows: Vec<Vec<String>> = r
            .rows()
            .skip(1)
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert_eq!(
            &rows[0][..8],
            ["S001", "张三", "加分", "", "3", "+=立功", "王总", "已应用"]
        );
        assert_eq!(rows[1][0], "S002");
        assert_eq!(rows[1][7], "未应用（本期未考核）");
        // An empty table says so.
        let r = wb.worksheet_range("未达标预警").unwrap();
        assert_eq!(
            r.get((1, 0)).map(|c| c.to_string()).as_deref(),
            Some("（无）")
        );
    }
}

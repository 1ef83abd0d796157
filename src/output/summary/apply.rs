//! The summary's sheets for applying results (SPEC 8, "Applying results"):
//! 奖金发放 (payout, with team and overall totals as live formulas), a
//! year's 月度奖金 (twelve monthly amounts side by side), 改进计划 (reps
//! below the scheme's line for N months in a row), a year's 优秀人员,
//! 分布检查 (distribution caps, a warning only) and a year's 团队趋势
//! (each team's month-by-month average total and the grade counts per
//! month, with charts).

use rust_decimal::Decimal;
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{Chart, ChartType, Formula, Worksheet, XlsxError};

use super::{f, Formats, Kind, Table};
use crate::compute::apply::{caps_of, excellent_list, improvement_list, CapExceeded, History};
use crate::compute::assess::RepResult;
use crate::input::dataset::Dataset;
use crate::output::payout::{month_header, PayoutRow, HEADERS_EN, HEADERS_ZH};
use crate::period::{Period, YearMonth};
use crate::scheme::Scheme;
use crate::Lang;
use std::collections::HashMap;

/// What the summary's apply sheets are built from, beside the period's
/// results.
pub struct Applied<'a> {
    /// The month-by-month record (the months the lists need).
    pub history: &'a History,
    /// The month the improvement list is taken at: the period's latest
    /// month with data.
    pub last: Option<YearMonth>,
    /// The period's payout rows ([`crate::output::payout::rows`]).
    pub payout: &'a [PayoutRow],
}

static NO_HISTORY: History = History::new();

impl Applied<'static> {
    /// No month-by-month record and no payout rows (a summary built on its
    /// own, as in tests).
    pub fn none() -> Applied<'static> {
        Applied {
            history: &NO_HISTORY,
            last: None,
            payout: &[],
        }
    }
}

impl Applied<'_> {
    /// The improvement list at the period's latest month with data.
    pub fn improvement(&self, scheme: &Scheme) -> Vec<crate::compute::apply::Streak> {
        self.last
            .map(|m| improvement_list(self.history, scheme, m))
            .unwrap_or_default()
    }

    /// By rep id: the note each listed rep's own workbook carries.
    pub fn streaks(&self, ds: &Dataset, scheme: &Scheme, lang: Lang) -> HashMap<String, String> {
        self.improvement(scheme)
            .iter()
            .map(|s| {
                (
                    ds.reps[s.rep as usize].rep_id.clone(),
                    streak_note(scheme, &s.months, lang),
                )
            })
            .collect()
    }

    /// By rep id: where a listed rep's 改进计划 rows start from — the streak
    /// and the weighted indicators most often below their pass line.
    pub fn plans(&self, ds: &Dataset, scheme: &Scheme, lang: Lang) -> HashMap<String, String> {
        self.improvement(scheme)
            .iter()
            .map(|s| {
                let frequent = frequent_text(&s.frequent, lang);
                let start = match lang {
                    Lang::Zh => format!(
                        "{}常见未达标指标（月数）：{}",
                        streak_note(scheme, &s.months, lang),
                        if frequent.is_empty() {
                            "无".to_string()
                        } else {
                            frequent
                        }
                    ),
                    Lang::En => format!(
                        "{} Indicators most often below pass (months): {}",
                        streak_note(scheme, &s.months, lang),
                        if frequent.is_empty() {
                            "none".to_string()
                        } else {
                            frequent
                        }
                    ),
                };
                (ds.reps[s.rep as usize].rep_id.clone(), start)
            })
            .collect()
    }

    /// What the apply sheets show beyond the period's results, as text for
    /// the period's content digest.
    pub fn digest_text(&self, scheme: &Scheme, period: Period) -> String {
        let mut s = format!("{:?}|{:?}", self.payout, self.improvement(scheme));
        if let Period::Year(year) = period {
            for month in 1..=12 {
                s.push_str(&format!(
                    "|{:?}",
                    self.history.month(YearMonth { year, month })
                ));
            }
        }
        s
    }
}

fn money_text(d: Decimal) -> String {
    format!("{:.2}", d.round_dp(2))
}

/// 奖金发放: one row per rep (sortable, filterable), the amount a formula
/// over base and coefficient; below the table, each team's total
/// (`SUMIF` over the team column, so it stays right after sorting) and the
/// overall total.
pub(super) fn payout(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    rows: &[PayoutRow],
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("奖金发放", "Bonus payout"))?;
    // The payroll CSV's columns, without its 期间.
    let headers: &[&str] = if lang == Lang::Zh {
        &HEADERS_ZH[1..]
    } else {
        &HEADERS_EN[1..]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    for r in rows {
        let rep = &ds.reps[r.rep as usize];
        t.text(0, &rep.rep_id)?;
        t.text(1, &rep.name)?;
        t.text(2, &r.team)?;
        t.number(3, r.base, Kind::Money)?;
        if let Some(g) = &r.grade {
            t.text_with(4, g, &fm.center)?;
        }
        t.number(5, r.coefficient, Kind::Num)?;
        if let Some(amount) = r.amount {
            let row = t.row;
            let formula = format!(
                "=ROUND({}*{},2)",
                row_col_to_cell(row, 3),
                row_col_to_cell(row, 5)
            );
            t.ws.write_formula_with_format(
                row,
                6,
                Formula::new(formula).set_result(money_text(amount)),
                &fm.money,
            )?;
            t.widen(6, &money_text(amount));
        }
        t.text(7, &r.moved)?;
        t.text(8, &r.note)?;
        t.next();
    }
    let (first, last) = (1u32, t.row.max(2) - 1);
    let end = t.row;
    t.widen_to(9, 8);
    t.finish(2, true, 40.0)?;

    // Totals below the table: per team, then overall.
    let mut row = end + 1;
    ws.write_string_with_format(row, 0, lang.pick("团队合计", "Team totals"), &fm.head)?;
    ws.write_string_with_format(row, 1, lang.pick("人数", "Reps"), &fm.head)?;
    ws.write_string_with_format(row, 2, lang.pick("团队", "Team"), &fm.head)?;
    ws.write_string_with_format(row, 6, lang.pick("奖金合计", "Total amount"), &fm.head)?;
    row += 1;
    let range = |col: u16| {
        format!(
            "{}:{}",
            rust_xlsxwriter::utility::row_col_to_cell_absolute(first, col),
            rust_xlsxwriter::utility::row_col_to_cell_absolute(last, col)
        )
    };
    let mut overall = Decimal::ZERO;
    for (team, total, n) in crate::output::payout::team_totals(rows) {
        ws.write_number(row, 1, n as f64)?;
        super::write_text(ws, row, 2, &team, &fm.text)?;
        let formula = format!(
            "=SUMIF({},{},{})",
            range(2),
            row_col_to_cell(row, 2),
            range(6)
        );
        ws.write_formula_with_format(
            row,
            6,
            Formula::new(formula).set_result(money_text(total)),
            &fm.money,
        )?;
        overall += total;
        row += 1;
    }
    ws.write_string_with_format(row, 0, lang.pick("总计", "Overall"), &fm.bold)?;
    ws.write_number(row, 1, rows.len() as f64)?;
    ws.write_formula_with_format(
        row,
        6,
        Formula::new(format!("=SUM({})", range(6))).set_result(money_text(overall)),
        &fm.money,
    )?;
    Ok(())
}

/// A year's 月度奖金: each rep's twelve monthly amounts (as the months'
/// payouts gave them), their sum as a formula, and the year's own amount.
pub(super) fn monthly(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    rows: &[PayoutRow],
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("月度奖金", "Monthly bonus"))?;
    let months: Vec<String> = (1..=12).map(|m| month_header(m, lang)).collect();
    let mut headers: Vec<&str> = if lang == Lang::Zh {
        vec!["工号", "姓名", "团队"]
    } else {
        vec!["Rep ID", "Name", "Team"]
    };
    headers.extend(months.iter().map(String::as_str));
    headers.push(lang.pick("月度合计", "Months total"));
    headers.push(lang.pick("年度考核奖金", "Year's own amount"));
    let mut t = Table::new(ws, fm, 0, &headers)?;
    let mut column_sums = [Decimal::ZERO; 14];
    for r in rows {
        let rep = &ds.reps[r.rep as usize];
        t.text(0, &rep.rep_id)?;
        t.text(1, &rep.name)?;
        t.text(2, &r.team)?;
        let mut sum = Decimal::ZERO;
        for (i, m) in r.months.iter().enumerate() {
            t.number(3 + i as u16, *m, Kind::Money)?;
            sum += m.unwrap_or_default();
            column_sums[i] += m.unwrap_or_default();
        }
        column_sums[12] += sum;
        column_sums[13] += r.amount.unwrap_or_default();
        let row = t.row;
        t.ws.write_formula_with_format(
            row,
            15,
            Formula::new(format!(
                "=SUM({}:{})",
                row_col_to_cell(row, 3),
                row_col_to_cell(row, 14)
            ))
            .set_result(money_text(sum)),
            &fm.money,
        )?;
        t.widen(15, &money_text(sum));
        t.number(16, r.amount, Kind::Money)?;
        t.next();
    }
    let (first, last, end) = (1u32, t.row.max(2) - 1, t.row);
    t.finish(2, true, 30.0)?;
    let row = end + 1;
    ws.write_string_with_format(row, 0, lang.pick("合计", "Total"), &fm.bold)?;
    for (i, s) in column_sums.iter().enumerate() {
        let col = 3 + i as u16;
        ws.write_formula_with_format(
            row,
            col,
            Formula::new(format!(
                "=SUM({}:{})",
                row_col_to_cell(first, col),
                row_col_to_cell(last, col)
            ))
            .set_result(money_text(*s)),
            &fm.money,
        )?;
    }
    Ok(())
}

/// `跟进量（3）、回款率（1）`.
fn frequent_text(frequent: &[(String, usize)], lang: Lang) -> String {
    frequent
        .iter()
        .map(|(n, c)| match lang {
            Lang::Zh => format!("{n}（{c}）"),
            Lang::En => format!("{n} ({c})"),
        })
        .collect::<Vec<_>>()
        .join(lang.pick("、", ", "))
}

/// `2026-04 53.00 D；2026-05 54.00 D`.
fn months_text(months: &[(YearMonth, Option<Decimal>, String)], lang: Lang) -> String {
    months
        .iter()
        .map(|(m, t, g)| {
            let t = t.map(|t| format!("{:.2}", t)).unwrap_or_else(|| "-".into());
            format!("{}-{:02} {t} {g}", m.year, m.month)
        })
        .collect::<Vec<_>>()
        .join(lang.pick("；", "; "))
}

/// The streak note of a rep's own workbook: `连续 3 个月等级低于 C（2026-04
/// 至 2026-06），列入改进计划名单。`
pub fn streak_note(
    scheme: &Scheme,
    months: &[(YearMonth, Option<Decimal>, String)],
    lang: Lang,
) -> String {
    let (Some(a), Some(b)) = (months.first(), months.last()) else {
        return String::new();
    };
    let n = months.len();
    let line = &scheme.apply.below;
    let (a, b) = (
        format!("{}-{:02}", a.0.year, a.0.month),
        format!("{}-{:02}", b.0.year, b.0.month),
    );
    match lang {
        Lang::Zh => format!("连续 {n} 个月等级低于 {line}（{a} 至 {b}），列入改进计划名单。"),
        Lang::En => format!(
            "Graded below {line} for {n} months in a row ({a} to {b}): on the improvement-plan list."
        ),
    }
}

/// 改进计划: the reps below the scheme's line for `improvement_after`
/// months in a row up to the period's latest month with data, with each
/// month's total and grade and the weighted indicators most often below
/// their pass line; blank columns for the plan itself.
pub(super) fn improvement(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    scheme: &Scheme,
    applied: &Applied,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("改进计划", "Improvement plans"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "工号",
            "姓名",
            "团队",
            "连续月数",
            "各月总分与等级",
            "常见未达标指标（月数）",
            "改进措施",
            "负责人",
            "完成时间",
        ]
    } else {
        &[
            "Rep ID",
            "Name",
            "Team",
            "Months in a row",
            "Each month's total and grade",
            "Indicators most often below pass (months)",
            "Measures",
            "Owner",
            "Due",
        ]
    };
    let list = applied
        .last
        .map(|m| improvement_list(applied.history, scheme, m))
        .unwrap_or_default();
    let mut t = Table::new(ws, fm, 0, headers)?;
    for s in &list {
        let rep = &ds.reps[s.rep as usize];
        t.text(0, &rep.rep_id)?;
        t.text(1, &rep.name)?;
        t.text(2, rep.team.as_deref().unwrap_or(""))?;
        t.count(3, s.months.len())?;
        t.text(4, &months_text(&s.months, lang))?;
        let frequent = frequent_text(&s.frequent, lang);
        t.text(5, &frequent)?;
        t.next();
    }
    let end = t.row;
    for c in 6..9 {
        t.widen_to(c, 12);
    }
    t.finish(2, true, 60.0)?;
    let rule = match (scheme.apply.improvement_after, applied.last, lang) {
        (None, _, Lang::Zh) => "方案未设置 [apply] improvement_after（连续几个月低于合格等级列入名单），本表不列人员。".to_string(),
        (None, _, Lang::En) => "The scheme sets no [apply] improvement_after (how many months in a row below the pass grade), so no one is listed.".to_string(),
        (Some(n), Some(m), Lang::Zh) => format!(
            "规则：截至 {}-{:02}，连续 {n} 个月及以上等级低于 {}。",
            m.year, m.month, scheme.apply.below
        ),
        (Some(n), Some(m), Lang::En) => format!(
            "Rule: graded below {} for {n} or more months in a row, up to {}-{:02}.",
            scheme.apply.below, m.year, m.month
        ),
        (Some(_), None, _) => lang
            .pick("本期间没有数据月份。", "The period has no month with data.")
            .to_string(),
    };
    ws.write_string_with_format(end + 2, 0, rule, &fm.note)?;
    Ok(())
}

/// A year's 优秀人员: reps graded excellent in more than half of their
/// graded months (promotion and training candidates).
#[allow(clippy::too_many_arguments)]
pub(super) fn excellent(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    scheme: &Scheme,
    year: i32,
    results: &[RepResult],
    applied: &Applied,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("优秀人员", "Excellent"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "工号",
            "姓名",
            "团队",
            "优秀月数",
            "评级月数",
            "各月等级",
            "年度总分",
            "年度等级",
        ]
    } else {
        &[
            "Rep ID",
            "Name",
            "Team",
            "Excellent months",
            "Graded months",
            "Each month's grade",
            "Year total",
            "Year grade",
        ]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    for e in excellent_list(applied.history, scheme, year) {
        let rep = &ds.reps[e.rep as usize];
        t.text(0, &rep.rep_id)?;
        t.text(1, &rep.name)?;
        t.text(2, rep.team.as_deref().unwrap_or(""))?;
        t.count(3, e.excellent_months)?;
        t.count(4, e.graded_months)?;
        let grades = e
            .grades
            .iter()
            .map(|(m, g)| format!("{}{g}", month_header(m.month, lang)))
            .collect::<Vec<_>>()
            .join(" ");
        t.text(5, &grades)?;
        let own = results
            .iter()
            .find(|r| r.rep == e.rep)
            .and_then(|r| r.outcome.as_ref().ok());
        t.number(6, own.and_then(|a| a.assessment.total), Kind::Num)?;
        if let Some(g) = own.and_then(|a| a.assessment.grade.as_ref()) {
            t.text_with(7, &g.name, &fm.center)?;
        }
        t.next();
    }
    let end = t.row;
    t.finish(2, true, 40.0)?;
    let grades = scheme.apply.excellent.join("/");
    let note = match lang {
        Lang::Zh => format!("规则：全年评级月份中过半为 {grades}（晋升、培训候选）。"),
        Lang::En => format!(
            "Rule: graded {grades} in more than half of the year's graded months (promotion and training candidates)."
        ),
    };
    ws.write_string_with_format(end + 2, 0, note, &fm.note)?;
    Ok(())
}

/// The reps at a cap's boundary: `S014 赵亮（81.39）；S010 马婷（81.65）`.
pub(super) fn boundary_text(ds: &Dataset, o: &CapExceeded, lang: Lang) -> String {
    o.boundary
        .iter()
        .map(|(r, total)| {
            let rep = &ds.reps[*r as usize];
            match lang {
                Lang::Zh => format!("{} {}（{:.2}）", rep.rep_id, rep.name, total),
                Lang::En => format!("{} {} ({:.2})", rep.rep_id, rep.name, total),
            }
        })
        .collect::<Vec<_>>()
        .join(lang.pick("；", "; "))
}

/// 分布检查: each cap of `[distribution]`, whether the period's grades
/// exceed it, and the reps at the boundary. Never a regrade.
pub(super) fn distribution(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    scheme: &Scheme,
    results: &[RepResult],
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("分布检查", "Distribution"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "等级",
            "上限比例",
            "评级人数",
            "允许人数",
            "实际人数",
            "结果",
            "处于边界的人员（总分）",
        ]
    } else {
        &[
            "Grade",
            "Cap",
            "Graded reps",
            "Allowed",
            "Holding it",
            "Result",
            "Reps at the boundary (total)",
        ]
    };
    let over = caps_of(scheme, results);
    let graded = results
        .iter()
        .filter(|r| {
            r.outcome
                .as_ref()
                .is_ok_and(|a| a.assessment.grade.is_some())
        })
        .count();
    let mut t = Table::new(ws, fm, 0, headers)?;
    for (grade, cap) in &scheme.distribution {
        t.text_with(0, grade, &fm.center)?;
        t.number(1, Some(*cap), Kind::Pct)?;
        t.count(2, graded)?;
        let allowed = crate::compute::apply::allowed(*cap, graded);
        t.count(3, allowed)?;
        match over.iter().find(|o| &o.grade == grade) {
            Some(o) => {
                t.count(4, o.count)?;
                t.text(5, lang.pick("超出上限", "over the cap"))?;
                t.text(6, &boundary_text(ds, o, lang))?;
            }
            None => {
                let n = results
                    .iter()
                    .filter(|r| {
                        r.outcome.as_ref().is_ok_and(|a| {
                            a.assessment
                                .grade
                                .as_ref()
                                .is_some_and(|g| &g.name == grade)
                        })
                    })
                    .count();
                t.count(4, n)?;
                t.text(5, lang.pick("未超出", "within"))?;
            }
        }
        t.next();
    }
    let end = t.row;
    t.finish(1, false, 60.0)?;
    ws.write_string_with_format(
        end + 1,
        0,
        lang.pick(
            "强制分布仅作提示：允许人数 = 上限比例 × 评级人数，向下取整；超出时列出该等级总分最低、超出名额的人员（同分者一并列出），等级不会自动调整。",
            "Caps are a warning only: allowed = cap × graded reps, rounded down; when over, the lowest totals of the grade, as many as are over (ties included), are listed. No grade is changed.",
        ),
        &fm.note,
    )?;
    Ok(())
}

/// A year's 团队趋势: each team's average total per month (graded reps of
/// the team, by the roster's team) with a line chart, and the grade counts
/// per month with a stacked column chart.
pub(super) fn team_trend(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    scheme: &Scheme,
    year: i32,
    applied: &Applied,
    lang: Lang,
) -> Result<(), XlsxError> {
    let name = lang.pick("团队趋势", "Team trend");
    ws.set_name(name)?;
    let no_team = lang.pick("（未分组）", "(no team)");
    let team_of = |rep: u32| {
        ds.reps[rep as usize]
            .team
            .clone()
            .filter(|t| !t.trim().is_empty())
            .unwrap_or_else(|| no_team.to_string())
    };
    let mut teams: Vec<String> = ds
        .reps
        .iter()
        .enumerate()
        .map(|(i, _)| team_of(i as u32))
        .collect();
    teams.sort();
    teams.dedup();
    let mut headers: Vec<&str> = vec![lang.pick("月份", "Month")];
    headers.extend(teams.iter().map(String::as_str));
    let mut t = Table::new(ws, fm, 0, &headers)?;
    for month in 1..=12 {
        let m = YearMonth { year, month };
        t.text(0, &format!("{year}-{month:02}"))?;
        if let Some(rows) = applied.history.month(m) {
            for (c, team) in teams.iter().enumerate() {
                let totals: Vec<Decimal> = rows
                    .iter()
                    .filter(|r| &team_of(r.rep) == team && r.grade.is_some())
                    .filter_map(|r| r.total)
                    .collect();
                t.number(1 + c as u16, super::mean(&totals), Kind::Num)?;
            }
        }
        t.next();
    }
    t.finish(1, false, 20.0)?;
    let mut chart = Chart::new(ChartType::Line);
    chart.title().set_name(&format!(
        "{year} {}",
        lang.pick("各团队月度平均总分", "team average total by month")
    ));
    for c in 0..teams.len() {
        chart
            .add_series()
            .set_name((name, 0, 1 + c as u16))
            .set_categories((name, 1, 0, 12, 0))
            .set_values((name, 1, 1 + c as u16, 12, 1 + c as u16));
    }
    chart.set_width(560).set_height(300);
    ws.insert_chart(1, teams.len() as u16 + 2, &chart)?;

    // Grade counts per month, below.
    let top = 16u32;
    let mut headers: Vec<&str> = vec![lang.pick("月份", "Month")];
    headers.extend(scheme.grades.iter().map(|g| g.name.as_str()));
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &fm.head)?;
    }
    for month in 1..=12u32 {
        let row = top + month;
        ws.write_string(row, 0, format!("{year}-{month:02}"))?;
        let rows = applied.history.month(YearMonth { year, month });
        for (c, g) in scheme.grades.iter().enumerate() {
            if let Some(rows) = rows {
                let n = rows
                    .iter()
                    .filter(|r| r.grade.as_deref() == Some(g.name.as_str()))
                    .count();
                ws.write_number(row, 1 + c as u16, f(Decimal::from(n)))?;
            }
        }
    }
    let mut chart = Chart::new(ChartType::ColumnStacked);
    chart.title().set_name(&format!(
        "{year} {}",
        lang.pick("各月等级人数", "grade counts by month")
    ));
    for c in 0..scheme.grades.len() as u16 {
        chart
            .add_series()
            .set_name((name, top, 1 + c))
            .set_categories((name, top + 1, 0, top + 12, 0))
            .set_values((name, top + 1, 1 + c, top + 12, 1 + c));
    }
    chart.set_width(560).set_height(300);
    ws.insert_chart(top, scheme.grades.len() as u16 + 2, &chart)?;
    Ok(())
}

//! The scheme comparison workbook `方案对比_<period>.xlsx` (`kaohe
//! compare`, SPEC 8 "Applying results"): two schemes computed on the same
//! ledgers, side by side. Sheets: 总分对比 (per rep and period: total and
//! grade under each, the difference as a formula, bonus under each),
//! 等级分布 (grade counts under each with a chart, bonus totals),
//! 指标变化 (the indicators whose weight, lines or method differ, and how
//! much each moved the totals), 分布检查 (each scheme's caps) and 方案
//! (which file is A and which B). It is written beside the period folders
//! and touches none of them.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use rust_xlsxwriter::utility::row_col_to_cell;
use rust_xlsxwriter::{Chart, ChartType, Formula, Workbook, Worksheet, XlsxError};

use super::{Formats, Kind, Table};
use crate::compute::apply::caps_of;
use crate::compute::assess::RepResult;
use crate::input::dataset::Dataset;
use crate::input::model::RepIdx;
use crate::period::Period;
use crate::scheme::{IndicatorSpec, Scheme, Variant};
use crate::Lang;

/// One side of the comparison.
pub struct Side<'a> {
    pub scheme: &'a Scheme,
    /// The scheme file as the user named it (its file name is shown).
    pub file: &'a str,
    pub results: &'a [RepResult],
}

/// `方案对比_<label>.xlsx` (English `scheme-comparison_<label>.xlsx`).
pub fn file_name(label: &str, lang: Lang) -> String {
    format!(
        "{}_{label}.xlsx",
        lang.pick("方案对比", "scheme-comparison")
    )
}

/// How much one indicator moved the totals: Σ over the reps assessed under
/// both schemes of (weighted points under B − under A), an indicator a
/// side does not have counting 0 there.
#[derive(Debug, Clone, PartialEq)]
pub struct Move {
    pub code: String,
    pub name: String,
    /// Σ (points B − points A).
    pub sum: Decimal,
    /// Reps assessed under both.
    pub reps: usize,
}

fn points(r: &RepResult) -> BTreeMap<&str, Decimal> {
    let mut m = BTreeMap::new();
    if let Ok(a) = &r.outcome {
        for l in &a.assessment.lines {
            if let Some(p) = l.points {
                m.insert(l.code.as_str(), p);
            }
        }
    }
    m
}

/// The moves of every indicator of either side in `period`, in the order
/// the indicators first appear (A's profiles, then B's).
pub fn moves(a: &[RepResult], b: &[RepResult], period: Period) -> Vec<Move> {
    fn by_rep(rs: &[RepResult], period: Period) -> BTreeMap<RepIdx, &RepResult> {
        rs.iter()
            .filter(|r| r.period == period && r.outcome.is_ok())
            .map(|r| (r.rep, r))
            .collect()
    }
    let (ma, mb) = (by_rep(a, period), by_rep(b, period));
    let mut out: Vec<Move> = Vec::new();
    let names = |rs: &BTreeMap<RepIdx, &RepResult>, out: &mut Vec<Move>| {
        for r in rs.values() {
            if let Ok(x) = &r.outcome {
                for l in &x.assessment.lines {
                    if !l.is_gate && !out.iter().any(|m| m.code == l.code) {
                        out.push(Move {
                            code: l.code.clone(),
                            name: l.name.clone(),
                            sum: Decimal::ZERO,
                            reps: 0,
                        });
                    }
                }
            }
        }
    };
    names(&ma, &mut out);
    names(&mb, &mut out);
    for (rep, ra) in &ma {
        let Some(rb) = mb.get(rep) else { continue };
        let (pa, pb) = (points(ra), points(rb));
        let has = |r: &RepResult, code: &str| {
            r.outcome
                .as_ref()
                .is_ok_and(|x| x.assessment.lines.iter().any(|l| l.code == code))
        };
        for m in out.iter_mut() {
            if !has(ra, &m.code) && !has(rb, &m.code) {
                continue;
            }
            let d = pb.get(m.code.as_str()).copied().unwrap_or_default()
                - pa.get(m.code.as_str()).copied().unwrap_or_default();
            m.sum += d;
            m.reps += 1;
        }
    }
    out
}

/// A line of a profile that differs between the two schemes.
struct Changed<'a> {
    profile: String,
    variant: &'static str,
    a: Option<&'a IndicatorSpec>,
    b: Option<&'a IndicatorSpec>,
}

fn same_line(x: &IndicatorSpec, y: &IndicatorSpec) -> bool {
    x.weight == y.weight
        && x.gate == y.gate
        && x.pass == y.pass
        && x.excellent == y.excellent
        && x.method == y.method
        && x.penalty == y.penalty
        && x.target == y.target
}

/// The lines whose weight, lines or method differ, per profile and
/// variant, in the versions in force for `period` and the sections its
/// kind uses (period layers, SPEC 5).
fn changed_lines<'a>(a: &'a Scheme, b: &'a Scheme, period: Period, lang: Lang) -> Vec<Changed<'a>> {
    let (va, vb) = (
        a.version_for(period.first_day()),
        b.version_for(period.first_day()),
    );
    let mut out = Vec::new();
    let mut profiles: Vec<&str> = va.profiles.iter().map(|p| p.name.as_str()).collect();
    for p in &vb.profiles {
        if !profiles.contains(&p.name.as_str()) {
            profiles.push(&p.name);
        }
    }
    for name in profiles {
        let pa = va.profiles.iter().find(|p| p.name == name);
        let pb = vb.profiles.iter().find(|p| p.name == name);
        // The list each variant uses for the period's kind (its layer,
        // the variant's own list, the profile's layer or own list).
        let kind = crate::scheme::PeriodKind::of(period);
        let variants = [
            (lang.pick("常规", "regular"), Variant::Regular),
            (lang.pick("试用期", "probation"), Variant::Probation),
            (lang.pick("资深", "senior"), Variant::Senior),
        ];
        for (variant, v) in variants {
            // A variant without a list of its own uses the regular one:
            // shown once, as 常规.
            let own = |p: Option<&crate::scheme::Profile>| {
                p.is_some_and(|p| p.section(v, kind).variant == v)
            };
            if v != Variant::Regular && !own(pa) && !own(pb) {
                continue;
            }
            let la = pa
                .map(|p| p.section(v, kind).indicators)
                .unwrap_or_default();
            let lb = pb
                .map(|p| p.section(v, kind).indicators)
                .unwrap_or_default();
            let mut codes: Vec<&str> = la.iter().map(|s| s.code.as_str()).collect();
            for s in lb {
                if !codes.contains(&s.code.as_str()) {
                    codes.push(&s.code);
                }
            }
            for code in codes {
                let x = la.iter().find(|s| s.code == code);
                let y = lb.iter().find(|s| s.code == code);
                let differs = match (x, y) {
                    (Some(x), Some(y)) => !same_line(x, y),
                    _ => true,
                };
                if differs {
                    out.push(Changed {
                        profile: name.to_string(),
                        variant,
                        a: x,
                        b: y,
                    });
                }
            }
        }
    }
    out
}

fn file_label(file: &str) -> String {
    std::path::Path::new(file)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string())
}

/// Build the comparison of `periods` (the last one is the main period: the
/// distribution chart and the indicator moves are of it).
pub fn workbook(
    ds: &Dataset,
    periods: &[Period],
    a: &Side,
    b: &Side,
    lang: Lang,
) -> Result<Workbook, XlsxError> {
    let mut wb = super::new_output_workbook();
    let fm = Formats::new(lang);
    totals(wb.add_worksheet(), &fm, ds, periods, a, b, lang)?;
    distribution(wb.add_worksheet(), &fm, periods, a, b, lang)?;
    indicators(wb.add_worksheet(), &fm, periods, a, b, lang)?;
    caps(wb.add_worksheet(), &fm, ds, periods, a, b, lang)?;
    sides(wb.add_worksheet(), &fm, a, b, lang)?;
    Ok(wb)
}

fn outcome(rs: &[RepResult], period: Period, rep: RepIdx) -> Option<&RepResult> {
    rs.iter().find(|r| r.period == period && r.rep == rep)
}

/// 总分对比: one row per period and rep.
fn totals(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    periods: &[Period],
    a: &Side,
    b: &Side,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("总分对比", "Totals"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "期间",
            "工号",
            "姓名",
            "团队",
            "A 总分",
            "A 等级",
            "B 总分",
            "B 等级",
            "差异（B−A）",
            "等级变化",
            "A 奖金",
            "B 奖金",
            "说明",
        ]
    } else {
        &[
            "Period",
            "Rep ID",
            "Name",
            "Team",
            "A total",
            "A grade",
            "B total",
            "B grade",
            "Difference (B−A)",
            "Grade change",
            "A bonus",
            "B bonus",
            "Note",
        ]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    for &p in periods {
        for (i, rep) in ds.reps.iter().enumerate() {
            let i = i as RepIdx;
            let (ra, rb) = (outcome(a.results, p, i), outcome(b.results, p, i));
            if ra.is_none() && rb.is_none() {
                continue;
            }
            fn get(r: Option<&RepResult>) -> Option<&crate::compute::score::Assessment> {
                r.and_then(|r| r.outcome.as_ref().ok())
                    .map(|x| &x.assessment)
            }
            let (sa, sb) = (get(ra), get(rb));
            t.text(0, &p.to_string())?;
            t.text(1, &rep.rep_id)?;
            t.text(2, &rep.name)?;
            t.text(3, rep.team.as_deref().unwrap_or(""))?;
            let (ta, tb) = (sa.and_then(|s| s.total), sb.and_then(|s| s.total));
            t.number(4, ta, Kind::Num)?;
            let (ga, gb) = (
                sa.and_then(|s| s.grade.as_ref()).map(|g| g.name.clone()),
                sb.and_then(|s| s.grade.as_ref()).map(|g| g.name.clone()),
            );
            if let Some(g) = &ga {
                t.text_with(5, g, &fm.center)?;
            }
            t.number(6, tb, Kind::Num)?;
            if let Some(g) = &gb {
                t.text_with(7, g, &fm.center)?;
            }
            if let (Some(x), Some(y)) = (ta, tb) {
                let row = t.row;
                let d = y - x;
                t.ws.write_formula_with_format(
                    row,
                    8,
                    Formula::new(format!(
                        "=ROUND({}-{},2)",
                        row_col_to_cell(row, 6),
                        row_col_to_cell(row, 4)
                    ))
                    .set_result(d.normalize().to_string()),
                    &fm.num,
                )?;
                t.widen(8, &format!("{d:.2}"));
            }
            if ga != gb {
                let show = |g: &Option<String>| g.clone().unwrap_or_else(|| "-".into());
                t.text(9, &format!("{}→{}", show(&ga), show(&gb)))?;
            }
            t.number(10, sa.and_then(|s| s.bonus_amount), Kind::Money)?;
            t.number(11, sb.and_then(|s| s.bonus_amount), Kind::Money)?;
            let why = [ra, rb]
                .iter()
                .zip(["A", "B"])
                .filter_map(|(r, side)| match r.map(|r| &r.outcome) {
                    Some(Err(e)) => Some(format!("{side}: {}", e.reason(lang))),
                    _ => None,
                })
                .collect::<Vec<_>>()
                .join(lang.pick("；", "; "));
            t.text(12, &why)?;
            t.next();
        }
    }
    t.finish(3, true, 40.0)
}

/// 等级分布: per period and grade, the count under each scheme (grades of
/// both schemes, A's order first), a chart of the main period, and the
/// bonus totals per period.
fn distribution(
    ws: &mut Worksheet,
    fm: &Formats,
    periods: &[Period],
    a: &Side,
    b: &Side,
    lang: Lang,
) -> Result<(), XlsxError> {
    let name = lang.pick("等级分布", "Grades");
    ws.set_name(name)?;
    let mut grades: Vec<&str> = a.scheme.grades.iter().map(|g| g.name.as_str()).collect();
    for g in &b.scheme.grades {
        if !grades.contains(&g.name.as_str()) {
            grades.push(&g.name);
        }
    }
    let headers: &[&str] = if lang == Lang::Zh {
        &["期间", "等级", "A 人数", "B 人数", "A 占比", "B 占比"]
    } else {
        &["Period", "Grade", "A reps", "B reps", "A share", "B share"]
    };
    let count = |rs: &[RepResult], p: Period, g: Option<&str>| {
        rs.iter()
            .filter(|r| r.period == p)
            .filter_map(|r| r.outcome.as_ref().ok())
            .filter(|x| match g {
                Some(g) => x.assessment.grade.as_ref().is_some_and(|y| y.name == g),
                None => x.assessment.grade.is_some(),
            })
            .count()
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    let mut main_rows = (0u32, 0u32);
    let main = *periods.last().expect("a comparison has a period");
    for &p in periods {
        let first = t.row;
        let (na, nb) = (count(a.results, p, None), count(b.results, p, None));
        for g in &grades {
            let (x, y) = (count(a.results, p, Some(g)), count(b.results, p, Some(g)));
            t.text(0, &p.to_string())?;
            t.text_with(1, g, &fm.center)?;
            t.count(2, x)?;
            t.count(3, y)?;
            let share = |n: usize, of: usize| {
                (of > 0).then(|| (Decimal::from(n) / Decimal::from(of)).round_dp(4))
            };
            t.number(4, share(x, na), Kind::Pct)?;
            t.number(5, share(y, nb), Kind::Pct)?;
            t.next();
        }
        if p == main {
            main_rows = (first, t.row - 1);
        }
    }
    let end = t.row;
    t.finish(2, false, 20.0)?;

    let mut chart = Chart::new(ChartType::Column);
    chart.title().set_name(&format!(
        "{main} {}",
        lang.pick("等级分布对比", "grade distribution")
    ));
    for (col, side) in [(2u16, "A"), (3u16, "B")] {
        chart
            .add_series()
            .set_name(side)
            .set_categories((name, main_rows.0, 1, main_rows.1, 1))
            .set_values((name, main_rows.0, col, main_rows.1, col));
    }
    chart.set_width(480).set_height(288);
    ws.insert_chart(1, 7, &chart)?;

    // Bonus totals per period.
    let top = end + 2;
    let heads: &[&str] = if lang == Lang::Zh {
        &["期间", "A 奖金合计", "B 奖金合计", "差额（B−A）"]
    } else {
        &[
            "Period",
            "A bonus total",
            "B bonus total",
            "Difference (B−A)",
        ]
    };
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &fm.head)?;
    }
    let sum = |rs: &[RepResult], p: Period| -> Decimal {
        rs.iter()
            .filter(|r| r.period == p)
            .filter_map(|r| r.outcome.as_ref().ok())
            .filter_map(|x| x.assessment.bonus_amount)
            .sum()
    };
    for (i, &p) in periods.iter().enumerate() {
        let row = top + 1 + i as u32;
        let (x, y) = (sum(a.results, p), sum(b.results, p));
        ws.write_string(row, 0, p.to_string())?;
        ws.write_number_with_format(row, 1, super::f(x), &fm.money)?;
        ws.write_number_with_format(row, 2, super::f(y), &fm.money)?;
        ws.write_formula_with_format(
            row,
            3,
            Formula::new(format!(
                "=ROUND({}-{},2)",
                row_col_to_cell(row, 2),
                row_col_to_cell(row, 1)
            ))
            .set_result(format!("{:.2}", y - x)),
            &fm.money,
        )?;
    }
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 14)?;
    ws.set_column_width(3, 14)?;
    Ok(())
}

fn lines_text(s: Option<&IndicatorSpec>) -> String {
    let Some(s) = s else {
        return "-".into();
    };
    let show = |d: Option<Decimal>| {
        d.map(|d| d.normalize().to_string())
            .unwrap_or_else(|| "-".into())
    };
    format!("{} / {}", show(s.pass), show(s.excellent))
}

/// 指标变化: every line whose weight, lines or method differ (per profile
/// and variant), then how much each indicator moved the totals in the
/// main period.
fn indicators(
    ws: &mut Worksheet,
    fm: &Formats,
    periods: &[Period],
    a: &Side,
    b: &Side,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("指标变化", "Indicators"))?;
    let main = *periods.last().expect("a comparison has a period");
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "考核档案",
            "适用",
            "指标代码",
            "指标",
            "A 权重",
            "B 权重",
            "A 达标/优秀线",
            "B 达标/优秀线",
            "A 计分方法",
            "B 计分方法",
        ]
    } else {
        &[
            "Profile",
            "Variant",
            "Code",
            "Indicator",
            "A weight",
            "B weight",
            "A pass / excellent",
            "B pass / excellent",
            "A method",
            "B method",
        ]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    let changed = changed_lines(a.scheme, b.scheme, main, lang);
    for c in &changed {
        let spec = c.a.or(c.b).expect("a changed line is on one side at least");
        t.text(0, &c.profile)?;
        t.text(1, c.variant)?;
        t.text(2, &spec.code)?;
        t.text(3, &spec.name)?;
        let weight =
            |s: Option<&IndicatorSpec>| s.map(|s| if s.gate { Decimal::ZERO } else { s.weight });
        t.number(4, weight(c.a), Kind::Num)?;
        t.number(5, weight(c.b), Kind::Num)?;
        t.text(6, &lines_text(c.a))?;
        t.text(7, &lines_text(c.b))?;
        let method = |s: Option<&IndicatorSpec>| {
            s.map(|s| {
                if s.gate {
                    lang.pick("达标项", "gate").to_string()
                } else {
                    s.method.describe(lang)
                }
            })
            .unwrap_or_else(|| "-".into())
        };
        t.text(8, &method(c.a))?;
        t.text(9, &method(c.b))?;
        t.next();
    }
    let end = t.row;
    t.finish(4, false, 40.0)?;

    let top = end + 2;
    let heads: &[&str] = if lang == Lang::Zh {
        &[
            "指标代码",
            "指标",
            "加权得分变化合计（B−A）",
            "人数",
            "人均变化",
        ]
    } else {
        &[
            "Code",
            "Indicator",
            "Weighted points moved (B−A)",
            "Reps",
            "Per rep",
        ]
    };
    ws.write_string_with_format(
        top - 1,
        0,
        format!(
            "{main} {}",
            lang.pick(
                "各指标对总分的影响（两个方案都考核的人员）",
                "how much each indicator moved the totals (reps assessed under both)"
            )
        ),
        &fm.bold,
    )?;
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *h, &fm.head)?;
    }
    // The changed indicators, and any other whose points moved (through
    // renormalisation around an N/A indicator).
    let shown: Vec<Move> = moves(a.results, b.results, main)
        .into_iter()
        .filter(|m| {
            !m.sum.is_zero()
                || changed
                    .iter()
                    .any(|c| c.a.or(c.b).is_some_and(|s| s.code == m.code))
        })
        .collect();
    if shown.is_empty() {
        ws.write_string_with_format(top + 1, 0, fm.none, &fm.note)?;
    }
    for (i, m) in shown.iter().enumerate() {
        let row = top + 1 + i as u32;
        ws.write_string(row, 0, &m.code)?;
        super::write_text(ws, row, 1, &m.name, &fm.text)?;
        ws.write_number_with_format(row, 2, super::f(m.sum), &fm.num)?;
        ws.write_number(row, 3, m.reps as f64)?;
        if m.reps > 0 {
            let per = (m.sum / Decimal::from(m.reps)).round_dp(2);
            ws.write_number_with_format(row, 4, super::f(per), &fm.num)?;
        }
    }
    Ok(())
}

/// 分布检查: each scheme's caps against its own grades, per period.
#[allow(clippy::too_many_arguments)]
fn caps(
    ws: &mut Worksheet,
    fm: &Formats,
    ds: &Dataset,
    periods: &[Period],
    a: &Side,
    b: &Side,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("分布检查", "Distribution"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &[
            "方案",
            "期间",
            "等级",
            "上限比例",
            "允许人数",
            "实际人数",
            "处于边界的人员（总分）",
        ]
    } else {
        &[
            "Scheme",
            "Period",
            "Grade",
            "Cap",
            "Allowed",
            "Holding it",
            "Reps at the boundary (total)",
        ]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    for (side, label) in [(a, "A"), (b, "B")] {
        for &p in periods {
            let of: Vec<RepResult> = side
                .results
                .iter()
                .filter(|r| r.period == p)
                .cloned()
                .collect();
            for o in caps_of(side.scheme, &of) {
                t.text(0, label)?;
                t.text(1, &p.to_string())?;
                t.text_with(2, &o.grade, &fm.center)?;
                t.number(3, Some(o.cap), Kind::Pct)?;
                t.count(4, o.allowed)?;
                t.count(5, o.count)?;
                t.text(6, &super::apply::boundary_text(ds, &o, lang))?;
                t.next();
            }
        }
    }
    let end = t.row;
    t.finish(0, false, 60.0)?;
    let note = if a.scheme.distribution.is_empty() && b.scheme.distribution.is_empty() {
        lang.pick(
            "两个方案都没有 [distribution] 上限。",
            "Neither scheme sets [distribution] caps.",
        )
    } else {
        lang.pick(
            "只列出超出上限的等级；强制分布仅作提示，等级不会自动调整。",
            "Only grades over their cap are listed; caps are a warning, no grade is changed.",
        )
    };
    ws.write_string_with_format(end + 1, 0, note, &fm.note)?;
    Ok(())
}

/// 方案: which file is A and which is B.
fn sides(
    ws: &mut Worksheet,
    fm: &Formats,
    a: &Side,
    b: &Side,
    lang: Lang,
) -> Result<(), XlsxError> {
    ws.set_name(lang.pick("方案", "Schemes"))?;
    let headers: &[&str] = if lang == Lang::Zh {
        &["", "文件", "方案名称", "版本"]
    } else {
        &["", "File", "Scheme", "Version"]
    };
    let mut t = Table::new(ws, fm, 0, headers)?;
    for (side, label) in [(a, "A"), (b, "B")] {
        t.text(0, label)?;
        t.text(1, &file_label(side.file))?;
        t.text(2, &side.scheme.name)?;
        t.text(3, &side.scheme.label)?;
        t.next();
    }
    t.finish(0, false, 50.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_period() {
        assert_eq!(file_name("2026-03", Lang::Zh), "方案对比_2026-03.xlsx");
        assert_eq!(file_name("2026", Lang::En), "scheme-comparison_2026.xlsx");
        assert_eq!(file_label("/a/b/考核方案.toml"), "考核方案.toml");
    }
}

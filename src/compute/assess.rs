//! The `kaohe run` job: which periods, which reps in each, which profile
//! and variant applies, every indicator evaluated and scored (SPEC 4–7).
//! Pure over the dataset and the scheme; parallel over periods × reps with
//! rayon, results sorted so output never depends on thread timing.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::compute::eval::{evaluate, Evaluated};
use crate::compute::score::{assess, Assessment, LineInput};
use crate::compute::{Ctx, Index, PeriodIx};
use crate::input::dataset::Dataset;
use crate::input::model::{Adjustment, AdjustmentKind, Rep, RepIdx};
use crate::period::add_months;
use crate::period::{Period, YearMonth};
use crate::scheme::{IndicatorSpec, Scheme, Variant};
use crate::text::fold;
use crate::Lang;

/// Which periods a run computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Every month that has data: the as-of months of the ledger files (the
    /// months whose exports were dropped in); when no file is dated, the
    /// months with follow-ups or payments falling due. Plus every quarter
    /// and year all of whose months have data.
    MonthsWithData,
    /// One period.
    One(Period),
    /// 12 months, 4 quarters and the year.
    Year(i32),
}

/// The periods of a selection, months first, then quarters, then the year.
pub fn periods(ds: &Dataset, sel: Selection) -> Vec<Period> {
    match sel {
        Selection::One(p) => vec![p],
        Selection::Year(y) => (1..=12)
            .map(|m| Period::Month(YearMonth { year: y, month: m }))
            .chain((1..=4).map(|q| Period::Quarter {
                year: y,
                quarter: q,
            }))
            .chain([Period::Year(y)])
            .collect(),
        Selection::MonthsWithData => {
            // Months of the exports dropped in, that have activity (a month
            // folder holding only a roster computes nothing).
            let mut months = months_with_data(ds);
            if months.is_empty() && ds.files.iter().all(|f| f.as_of.is_none()) {
                let dates = ds
                    .followups
                    .iter()
                    .map(|f| f.time.date())
                    .chain(ds.installments.iter().map(|i| i.due_date));
                months = dates.map(YearMonth::of).collect();
            }
            let has = |y: i32, m: std::ops::RangeInclusive<u32>| {
                m.into_iter()
                    .all(|m| months.contains(&YearMonth { year: y, month: m }))
            };
            let years: BTreeSet<i32> = months.iter().map(|m| m.year).collect();
            let quarters: Vec<Period> = years
                .iter()
                .flat_map(|&y| (1..=4u32).map(move |q| (y, q)))
                .filter(|&(y, q)| has(y, q * 3 - 2..=q * 3))
                .map(|(year, quarter)| Period::Quarter { year, quarter })
                .collect();
            let full_years: Vec<Period> = years
                .iter()
                .filter(|&&y| has(y, 1..=12))
                .map(|&y| Period::Year(y))
                .collect();
            months
                .iter()
                .map(|&m| Period::Month(m))
                .chain(quarters)
                .chain(full_years)
                .collect()
        }
    }
}

/// The months with activity in the ledgers: a follow-up, a lead, a
/// signing or a payment (something that happened, not a due date planned
/// ahead), also in rows left out with an error.
pub fn activity_months(ds: &Dataset) -> BTreeSet<YearMonth> {
    let mut out = BTreeSet::new();
    for f in &ds.followups {
        out.insert(YearMonth::of(f.time.date()));
    }
    for c in &ds.customers {
        out.insert(YearMonth::of(c.facts().lead_time.date()));
    }
    for i in &ds.installments {
        for d in [Some(i.sign_date), i.paid_date].into_iter().flatten() {
            out.insert(YearMonth::of(d));
        }
    }
    for r in &ds.rejected {
        out.extend(r.dates.iter().map(|d| YearMonth::of(*d)));
    }
    out
}

/// The months that have data: those with activity ([`activity_months`])
/// that are, when any file is dated, the as-of month of a file (a month's
/// exports were dropped in). A folder of undated files: the months with
/// activity.
pub fn months_with_data(ds: &Dataset) -> BTreeSet<YearMonth> {
    let active = activity_months(ds);
    let dated: BTreeSet<YearMonth> = ds
        .files
        .iter()
        .filter(|f| f.error.is_none())
        .filter_map(|f| f.as_of)
        .collect();
    if dated.is_empty() {
        // Undated ledgers: the months with follow-ups or payments falling
        // due (a lead or signing years back makes no period of its own).
        ds.followups
            .iter()
            .map(|f| YearMonth::of(f.time.date()))
            .chain(ds.installments.iter().map(|i| YearMonth::of(i.due_date)))
            .collect()
    } else {
        dated.intersection(&active).copied().collect()
    }
}

/// The months of a period without data (see [`months_with_data`]).
pub fn missing_months(ds: &Dataset, p: Period) -> Vec<YearMonth> {
    let have = months_with_data(ds);
    let mut m = YearMonth::of(p.first_day());
    let last = YearMonth::of(p.last_day());
    let mut out = Vec::new();
    while m <= last {
        if !have.contains(&m) {
            out.push(m);
        }
        m = YearMonth::of(m.last_day() + chrono::Duration::days(1));
    }
    out
}

/// Why a rep is not assessed in a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAssessed {
    pub zh: String,
    pub en: String,
}

impl NotAssessed {
    pub fn reason(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// A rep is assessed for a period only when employed (hire date to leave
/// date, both included) on at least one day and on at least
/// `min_employed_share` of its days (exactly half is enough).
pub fn employment(rep: &Rep, p: Period, min_share: Decimal) -> Result<(), NotAssessed> {
    let from = rep.hire_date.max(p.first_day());
    let to = rep.leave_date.map_or(p.last_day(), |l| l.min(p.last_day()));
    let employed = if to >= from {
        (to - from).num_days() + 1
    } else {
        0
    };
    if employed == 0 {
        let (zh, en) = if rep.hire_date > p.last_day() {
            ("本期尚未入职", "not yet hired in the period")
        } else {
            ("本期开始前已离职", "left before the period began")
        };
        return Err(NotAssessed {
            zh: zh.into(),
            en: en.into(),
        });
    }
    let total = p.days();
    if Decimal::from(employed) < min_share * Decimal::from(total) {
        return Err(NotAssessed {
            zh: format!(
                "本期在职 {employed} 天，不足 {total} 天的 {}",
                min_share.normalize()
            ),
            en: format!(
                "employed {employed} of {total} days, less than {}",
                min_share.normalize()
            ),
        });
    }
    Ok(())
}

/// Probation when the period's last day is before hire_date +
/// probation_months; senior when it is on or after hire_date +
/// senior_months (the status at the period's end).
pub fn variant(rep: &Rep, p: Period, probation_months: u32, senior_months: u32) -> Variant {
    let end = p.last_day();
    if end < add_months(rep.hire_date, probation_months) {
        Variant::Probation
    } else if end >= add_months(rep.hire_date, senior_months) {
        Variant::Senior
    } else {
        Variant::Regular
    }
}

/// One indicator line of a rep's assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub spec: IndicatorSpec,
    pub eval: Evaluated,
    /// A 剔除 adjustment naming the indicator (index into
    /// `ds.adjustments`): it is N/A whatever else.
    pub excluded: Option<u32>,
}

/// A rep's assessment for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessed {
    pub profile: String,
    /// The variant actually used (Regular when the profile has no variant).
    pub variant: Variant,
    /// The period layer used (`[profiles.year]` …), if any.
    pub layer: Option<crate::scheme::PeriodKind>,
    /// On probation by dates, whether or not the profile has a variant.
    pub on_probation: bool,
    pub version: NaiveDate,
    pub lines: Vec<Line>,
    /// Indexes into `ds.adjustments` applied in this period.
    pub adjustments: Vec<u32>,
    pub assessment: Assessment,
    /// HR's 评语 from the period's review record, written back into the
    /// workbook's comment box.
    pub comment: Option<String>,
    /// The 自评 / 上级评分 HR typed for manual indicators (by code, then
    /// rater), written back into their cells.
    pub typed:
        std::collections::BTreeMap<String, std::collections::BTreeMap<&'static str, Decimal>>,
    /// The 绩效面谈记录 fields HR filled in, by field key.
    pub interview: std::collections::BTreeMap<String, String>,
    /// The 改进计划 fields HR filled in, by field key.
    pub plan: std::collections::BTreeMap<String, String>,
}

/// The outcome for one rep in one period.
#[derive(Debug, Clone, PartialEq)]
pub struct RepResult {
    pub period: Period,
    pub rep: RepIdx,
    pub outcome: Result<Assessed, NotAssessed>,
}

/// HR's edits of one rep's workbook for one period, harvested into the
/// period's review record (审阅记录.csv): manual scores by indicator code,
/// and the 评语.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Review {
    pub scores: std::collections::BTreeMap<String, Decimal>,
    pub comment: Option<String>,
    /// Ratings typed in the 自评 / 上级评分 cells of a manual indicator
    /// (code → rater code → rating on the indicator's scale): each
    /// replaces that rater's score rows ([`crate::compute::manual::combine`]).
    pub raters:
        std::collections::BTreeMap<String, std::collections::BTreeMap<&'static str, Decimal>>,
    /// The 绩效面谈记录 fields (面谈日期, 面谈人, 主要问题, 改进措施,
    /// 完成时间) by field key.
    pub interview: std::collections::BTreeMap<String, String>,
    /// The 改进计划 fields (改进目标, 改进措施, 辅导人, 完成时间) of a rep
    /// the improvement-plan rule lists, by field key.
    pub plan: std::collections::BTreeMap<String, String>,
}

/// Reviews by period and rep id.
pub type Reviews = std::collections::HashMap<(Period, String), Review>;

/// Compute every rep in every period. Results are ordered by the periods
/// as given, then by rep id.
pub fn compute(ds: &Dataset, scheme: &Scheme, periods: &[Period]) -> Vec<RepResult> {
    compute_with(ds, &Index::new(ds), scheme, periods)
}

/// [`compute`] with the run's index built once by the caller.
pub fn compute_with(
    ds: &Dataset,
    ix: &Index,
    scheme: &Scheme,
    periods: &[Period],
) -> Vec<RepResult> {
    compute_reviewed(ds, ix, scheme, periods, &Reviews::new())
}

/// [`compute_with`], with HR's reviewed scores and comments applied.
pub fn compute_reviewed(
    ds: &Dataset,
    ix: &Index,
    scheme: &Scheme,
    periods: &[Period],
    reviews: &Reviews,
) -> Vec<RepResult> {
    periods
        .par_iter()
        .flat_map_iter(|&p| {
            let px = PeriodIx::new(ds, p);
            let cx = Ctx {
                ds,
                ix,
                px: &px,
                defaults: &scheme.defaults,
            };
            let reps: Vec<RepResult> = (0..ds.reps.len() as RepIdx)
                .into_par_iter()
                .map(|r| RepResult {
                    period: p,
                    rep: r,
                    outcome: assess_rep(
                        &cx,
                        scheme,
                        r,
                        reviews.get(&(p, ds.reps[r as usize].rep_id.clone())),
                    ),
                })
                .collect();
            reps
        })
        .collect()
}

/// One period's results for some reps only (in rep order), HR's review
/// applied: what the improvement list's walk back through earlier months
/// needs (only the reps still below the line).
pub fn compute_some(
    ds: &Dataset,
    ix: &Index,
    scheme: &Scheme,
    period: Period,
    reviews: &Reviews,
    reps: &std::collections::BTreeSet<RepIdx>,
) -> Vec<RepResult> {
    let px = PeriodIx::new(ds, period);
    let cx = Ctx {
        ds,
        ix,
        px: &px,
        defaults: &scheme.defaults,
    };
    let reps: Vec<RepIdx> = reps.iter().copied().collect();
    reps.par_iter()
        .map(|&r| RepResult {
            period,
            rep: r,
            outcome: assess_rep(
                &cx,
                scheme,
                r,
                reviews.get(&(period, ds.reps[r as usize].rep_id.clone())),
            ),
        })
        .collect()
}

fn assess_rep(
    cx: &Ctx,
    scheme: &Scheme,
    r: RepIdx,
    review: Option<&Review>,
) -> Result<Assessed, NotAssessed> {
    let ds = cx.ds;
    let rep = &ds.reps[r as usize];
    let p = cx.period();
    employment(rep, p, scheme.defaults.min_employed_share)?;
    let version = scheme.version_for(p.first_day());
    let role = fold(&rep.role);
    let profile = version
        .profiles
        .iter()
        .find(|pr| pr.roles.iter().any(|x| fold(x) == role))
        .ok_or_else(|| NotAssessed {
            zh: format!("岗位“{}”在考核方案中没有对应的方案", rep.role),
            en: format!("the role '{}' has no profile in the scheme", rep.role),
        })?;
    let wanted = variant(
        rep,
        p,
        scheme.defaults.probation_months,
        scheme.defaults.senior_months,
    );
    let section = profile.section(wanted, crate::scheme::PeriodKind::of(p));
    let (specs, used) = (section.indicators, section.variant);
    let adjustments: Vec<u32> = cx.ix.adjustments_by_rep[r as usize]
        .iter()
        .copied()
        .filter(|&i| ds.adjustments[i as usize].period == p)
        .collect();
    let adj = |i: &u32| &ds.adjustments[*i as usize];
    let lines: Vec<Line> = specs
        .iter()
        .map(|spec| {
            let excluded = adjustments
                .iter()
                .copied()
                .rfind(|i| adj(i).kind == AdjustmentKind::Exclude && names_indicator(adj(i), spec));
            let mut eval = evaluate(cx, r, spec);
            // 自评 / 上级评分 typed on the 考核表 replace those raters' rows.
            if let Some(typed) = review
                .and_then(|rv| rv.raters.get(&spec.code))
                .filter(|t| !t.is_empty() && spec.rating_name().is_some())
            {
                let means = crate::compute::manual::rater_means(cx, r, spec);
                let name = spec.rating_name().unwrap_or(&spec.code);
                let v = crate::compute::manual::combine(spec, &means, typed).ok_or_else(|| {
                    crate::compute::Na::new(
                        format!("本期没有“{name}”的评分"),
                        format!("no scores for '{name}' in the period"),
                    )
                });
                eval.actual = v.clone();
                eval.value = v;
            }
            Line {
                spec: spec.clone(),
                eval,
                excluded,
            }
        })
        .collect();
    let applied: Vec<&Adjustment> = adjustments.iter().map(adj).collect();
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            spec: &l.spec,
            value: l.eval.value.clone(),
            exclusion: l.excluded.map(|i| adj(&i)),
            // Only manual indicators are edited in the workbook.
            review: review
                .filter(|_| l.spec.rating_name().is_some())
                .and_then(|rv| rv.scores.get(&l.spec.code).copied()),
        })
        .collect();
    let assessment = assess(
        &inputs,
        &applied,
        &scheme.defaults,
        &scheme.grades,
        p.months(),
        rep.bonus_base,
    );
    Ok(Assessed {
        profile: profile.name.clone(),
        variant: used,
        layer: section.kind,
        on_probation: wanted == Variant::Probation,
        version: version.effective_from,
        lines,
        adjustments,
        assessment,
        comment: review.and_then(|rv| rv.comment.clone()),
        typed: review.map(|rv| rv.raters.clone()).unwrap_or_default(),
        interview: review.map(|rv| rv.interview.clone()).unwrap_or_default(),
        plan: review.map(|rv| rv.plan.clone()).unwrap_or_default(),
    })
}

/// Check score rows against the scheme (SPEC 2.6): a score outside its
/// indicator's scale (0–10 for satisfaction, the rating's `scale`) is an
/// error and the row is left out; a row naming no indicator of the scheme
/// is a warning (the row is kept but nothing uses it). Row accounting stays
/// exact: a removed row moves from used to errors.
pub fn check_scores(ds: &mut Dataset, scheme: &Scheme) {
    use crate::input::issues::{DataIssue, Level, Reason};
    let specs: Vec<&IndicatorSpec> = scheme
        .versions
        .iter()
        .flat_map(|v| &v.profiles)
        .flat_map(|p| p.all_specs())
        .filter(|s| s.code == "satisfaction" || s.rating_name().is_some())
        .collect();
    let max_of = |indicator: &str| -> Option<Option<Decimal>> {
        let n = fold(indicator).to_lowercase();
        let spec = specs.iter().find(|s| {
            [
                s.code.as_str(),
                s.name.as_str(),
                s.rating_name().unwrap_or(""),
            ]
            .iter()
            .any(|x| !x.is_empty() && fold(x).to_lowercase() == n)
        })?;
        Some(if spec.code == "satisfaction" {
            Some(Decimal::from(10))
        } else {
            spec.scale
        })
    };
    let mut keep = Vec::with_capacity(ds.scores.len());
    let mut issues = Vec::new();
    for s in std::mem::take(&mut ds.scores) {
        let mut pos = ds.position(s.meta.src);
        let sheet = &ds.sheets[s.meta.src.sheet as usize];
        let column = |key: &str| sheet.column(key).map(|(c, h)| (c, h.to_string()));
        match max_of(&s.indicator) {
            None => {
                let (col, header) = column("indicator").unzip();
                pos.col = col;
                issues.push(DataIssue {
                    level: Level::Warning,
                    kind: crate::input::columns::Kind::Scores,
                    pos,
                    header: header.unwrap_or_default(),
                    raw: s.indicator.clone(),
                    reason: Reason::UnknownIndicator,
                });
                keep.push(s);
            }
            Some(Some(max)) if s.score < Decimal::ZERO || s.score > max => {
                let (col, header) = column("score").unzip();
                pos.col = col;
                issues.push(DataIssue {
                    level: Level::Error,
                    kind: crate::input::columns::Kind::Scores,
                    pos,
                    header: header.unwrap_or_default(),
                    raw: s.score.normalize().to_string(),
                    reason: Reason::OutOfScale {
                        max: max.normalize().to_string(),
                    },
                });
                let st = &mut ds.sheets[s.meta.src.sheet as usize].stats;
                st.used -= 1;
                st.errors += 1;
            }
            Some(_) => keep.push(s),
        }
    }
    ds.scores = keep;
    ds.issues.extend(issues);
}

/// Whether an adjustment's 指标 names this indicator: its code, its name,
/// or (for a rating) the rating's own name.
pub fn names_indicator(a: &Adjustment, spec: &IndicatorSpec) -> bool {
    let Some(n) = a.indicator.as_deref() else {
        return false;
    };
    let n = fold(n).to_lowercase();
    [
        spec.code.as_str(),
        spec.name.as_str(),
        spec.def.zh,
        spec.def.en,
    ]
    .iter()
    .any(|x| fold(x).to_lowercase() == n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;

    #[test]
    fn scores_outside_the_scale_are_left_out() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2020-01-01");
        l.score(a, "2026-03", "客户满意度", Some("customer"), "11");
        l.score(a, "2026-03", "客户满意度", Some("customer"), "9");
        l.score(a, "2026-03", "协作响应速度", Some("supervisor"), "6");
        l.score(a, "2026-03", "协作响应速度", Some("supervisor"), "5");
        l.score(a, "2026-03", "打字速度", Some("supervisor"), "5");
        let mut ds = l.build();
        ds.sheets[5].stats.used = 5;
        ds.sheets[5].stats.data_rows = 5;
        let scheme = Scheme::parse(
            "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"p\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ code = \"satisfaction\", weight = 50, pass = 7, excellent = 8.5 }, { code = \"rating:协作响应速度\", weight = 50, scale = 5 }]\n",
            "s.toml",
        )
        .unwrap();
        check_scores(&mut ds, &scheme);
        // 11 > 10 and 6 > 5 are left out; 打字速度 is kept with a warning.
        let kept: Vec<String> = ds.scores.iter().map(|s| s.score.to_string()).collect();
        assert_eq!(kept, ["9", "5", "5"]);
        let reasons: Vec<String> = ds
            .issues
            .iter()
            .map(|i| i.reason.message(Lang::Zh))
            .collect();
        assert_eq!(
            reasons,
            [
                "分值超出该指标的量程 0–10，此行未参与计算",
                "分值超出该指标的量程 0–5，此行未参与计算",
                "考核方案中没有这个指标，此评分未使用"
            ]
        );
        let st = ds.sheets[5].stats;
        assert_eq!((st.used, st.errors, st.accounted()), (3, 2, 5));
    }

    #[test]
    fn months_with_data_are_the_dropped_months() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "x", "2020-01-01");
        // A lead from 2023 and a follow-up in March: undated ledger, so the
        // months with follow-ups or payments due: March only.
        l.customer("KH1", a, "2023-05-01", None);
        l.followup(a, "KH1", "2026-03-02", None);
        l.contract("HT1", "KH1", a, "2024-01-05", "1");
        let mut ds = l.build();
        assert_eq!(
            periods(&ds, Selection::MonthsWithData),
            vec![period("2026-03"), period("2024-01")]
                .into_iter()
                .rev()
                .collect::<Vec<_>>()
        );
        // Dated files: their as-of months that have activity (a follow-up,
        // lead, signing or payment): 2026-04 holds none, so nothing; with a
        // follow-up in April, April.
        ds.files[0].as_of = YearMonth::new(2026, 4);
        assert_eq!(periods(&ds, Selection::MonthsWithData), vec![]);
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "x", "2020-01-01");
        l.customer("KH1", a, "2023-05-01", None);
        for m in 1..=12 {
            l.followup(a, "KH1", &format!("2026-{m:02}-02"), None);
        }
        let mut ds = l.build();
        ds.files[0].as_of = YearMonth::new(2026, 4);
        assert_eq!(
            periods(&ds, Selection::MonthsWithData),
            vec![period("2026-04")]
        );
        // A quarter (and a year) once all its months have data.
        let mut more = ds.files[0].clone();
        for m in [5, 6] {
            more.as_of = YearMonth::new(2026, m);
            ds.files.push(more.clone());
        }
        assert_eq!(
            periods(&ds, Selection::MonthsWithData),
            ["2026-04", "2026-05", "2026-06", "2026-Q2"].map(period)
        );
        for m in (1..=3).chain(7..=12) {
            more.as_of = YearMonth::new(2026, m);
            ds.files.push(more.clone());
        }
        let all = periods(&ds, Selection::MonthsWithData);
        assert_eq!(all.len(), 12 + 4 + 1);
        assert_eq!(all.last(), Some(&period("2026")));
    }

    #[test]
    fn employment_share_and_variants() {
        let mut l = Ledger::new();
        l.rep("S001", "张三", "x", "2026-03-16");
        let mut ds = l.build();
        let half = Decimal::new(5, 1);
        let rep = &ds.reps[0];
        // March has 31 days; employed 16..31 = 16 days ≥ 15.5: assessed.
        assert!(employment(rep, period("2026-03"), half).is_ok());
        assert!(
            employment(rep, period("2026-02"), half).is_err(),
            "not yet hired"
        );
        // Q1 has 90 days; employed 16 < 45: not assessed.
        assert!(employment(rep, period("2026-Q1"), half).is_err());
        ds.reps[0].hire_date = day("2026-03-17");
        // Employed 17..31 = 15 days < 15.5.
        assert!(employment(&ds.reps[0], period("2026-03"), half).is_err());
        // April (30 days) with a leaver on 04-15: 15 days = exactly half, assessed.
        ds.reps[0].hire_date = day("2025-01-01");
        ds.reps[0].leave_date = Some(day("2026-04-15"));
        assert!(employment(&ds.reps[0], period("2026-04"), half).is_ok());
        assert!(
            employment(&ds.reps[0], period("2026-05"), half).is_err(),
            "left before the period"
        );

        // Hired 2026-03-10: probation until 06-10 (3 months).
        let mut rep = ds.reps[0].clone();
        rep.hire_date = day("2026-03-10");
        assert_eq!(variant(&rep, period("2026-05"), 3, 12), Variant::Probation);
        assert_eq!(
            variant(&rep, period("2026-Q1"), 3, 12),
            Variant::Probation,
            "a March hire is on probation in Q1"
        );
        assert_eq!(
            variant(&rep, period("2026-06"), 3, 12),
            Variant::Regular,
            "06-30 ≥ 06-10"
        );
        assert_eq!(
            variant(&rep, period("2026"), 3, 12),
            Variant::Regular,
            "not for the year"
        );
        assert_eq!(
            variant(&rep, period("2027-03"), 3, 12),
            Variant::Senior,
            "2027-03-31 ≥ 2027-03-10"
        );
        // Aug 31 hire: probation ends Nov 30 (month-end clamp).
        rep.hire_date = day("2026-08-31");
        assert_eq!(
            variant(&rep, period("2026-11"), 3, 12),
            Variant::Regular,
            "11-30 is not before 11-30"
        );
        assert_eq!(variant(&rep, period("2026-10"), 3, 12), Variant::Probation);
    }
}

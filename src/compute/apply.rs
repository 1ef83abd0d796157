//! Applying results (SPEC 8, "Applying results"): what HR decides from the
//! grades. Pure functions over computed results:
//!
//! - which adjustments moved a rep's grade (the payout sheet names them);
//! - the month-by-month record of each rep ([`History`]): total, grade,
//!   bonus amount and the weighted indicators below their pass line;
//! - the improvement-plan list (改进计划): reps whose grade stayed below the
//!   scheme's line for `improvement_after` months in a row, up to the
//!   period's last month with data;
//! - the excellent list of a year: reps graded excellent in most of their
//!   graded months;
//! - distribution caps (强制分布): a grade held by more than its share of
//!   the graded reps, with the reps at the boundary. A warning only: no
//!   grade is ever changed.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::compute::assess::RepResult;
use crate::compute::score::{max_total, round2, Assessment, Line, LineStatus};
use crate::input::model::{Adjustment, AdjustmentKind, RepIdx};
use crate::period::{Period, YearMonth};
use crate::scheme::catalogue::Direction;
use crate::scheme::{IndicatorSpec, Scheme};

/// Whether a scored value meets its pass line (direction-aware; equal
/// meets it). Without a pass line: a score of at least 60 (the pass score).
/// `None` for a line without a value (N/A, excluded).
pub fn passes(spec: &IndicatorSpec, line: &Line) -> Option<bool> {
    let v = match (&line.status, line.value) {
        (LineStatus::Scored, Some(v)) => v,
        _ => return None,
    };
    Some(match line.pass {
        Some(p) => match spec.direction() {
            Direction::Up => v >= p,
            Direction::Down => v <= p,
        },
        None => line.score.is_none_or(|s| s >= Decimal::from(60)),
    })
}

/// The adjustments that moved the grade: the rep's bonus, deduction and
/// veto rows, when the grade of the total without them (weighted score
/// less gate penalties, clamped to 0–120) differs from the grade given.
/// Empty when the grade is the one the indicators alone earn, or when
/// the rep is not graded.
pub fn grade_moved_by<'a>(a: &'a Assessment, scheme: &Scheme) -> Vec<&'a Adjustment> {
    let Some(grade) = &a.grade else {
        return Vec::new();
    };
    let without = a
        .weighted_score
        .map(|s| round2(s - a.gate_penalties).clamp(Decimal::ZERO, max_total()))
        .map(|t| scheme.grade(t).name.as_str());
    if without == Some(grade.name.as_str()) {
        return Vec::new();
    }
    a.adjustments
        .iter()
        .filter(|x| {
            matches!(
                x.kind,
                AdjustmentKind::Bonus | AdjustmentKind::Deduction | AdjustmentKind::Veto
            )
        })
        .collect()
}

/// One rep's result in one month, as the month-by-month lists need it.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthRow {
    pub rep: RepIdx,
    pub total: Option<Decimal>,
    /// `None`: not assessed or not graded.
    pub grade: Option<String>,
    pub bonus_amount: Option<Decimal>,
    /// The weighted indicators whose value missed the pass line.
    pub below: Vec<String>,
}

impl MonthRow {
    /// The rows of one month's results (reps not assessed have no grade).
    pub fn of(results: &[RepResult]) -> Vec<MonthRow> {
        results
            .iter()
            .map(|r| match &r.outcome {
                Ok(a) => MonthRow {
                    rep: r.rep,
                    total: a.assessment.total,
                    grade: a.assessment.grade.as_ref().map(|g| g.name.clone()),
                    bonus_amount: a.assessment.bonus_amount,
                    below: a
                        .lines
                        .iter()
                        .zip(&a.assessment.lines)
                        .filter(|(_, l)| !l.is_gate)
                        .filter(|(rl, l)| passes(&rl.spec, l) == Some(false))
                        .map(|(_, l)| l.name.clone())
                        .collect(),
                },
                Err(_) => MonthRow {
                    rep: r.rep,
                    total: None,
                    grade: None,
                    bonus_amount: None,
                    below: Vec::new(),
                },
            })
            .collect()
    }
}

/// Computes a month's rows (`None`: the month has no data), for these reps
/// only or (`None`) for every rep.
pub type MonthComputer<'a> =
    dyn FnMut(YearMonth, Option<&BTreeSet<RepIdx>>) -> Option<Vec<MonthRow>> + 'a;

/// The month-by-month record of a run: the months computed so far, each
/// for every rep, or (a month the improvement list's walk reached) for
/// some reps only.
#[derive(Debug, Clone, Default)]
pub struct History {
    months: BTreeMap<YearMonth, Vec<MonthRow>>,
    /// Months computed for some reps only, with those reps.
    partial: BTreeMap<YearMonth, BTreeSet<RepIdx>>,
}

impl History {
    pub const fn new() -> History {
        History {
            months: BTreeMap::new(),
            partial: BTreeMap::new(),
        }
    }

    /// A month's rows for every rep.
    pub fn insert(&mut self, m: YearMonth, rows: Vec<MonthRow>) {
        self.partial.remove(&m);
        self.months.insert(m, rows);
    }

    /// Whether `m` is recorded for every rep.
    pub fn has(&self, m: YearMonth) -> bool {
        self.months.contains_key(&m) && !self.partial.contains_key(&m)
    }

    /// A month recorded for every rep (`None` for a month recorded for some
    /// reps only, or not at all).
    pub fn month(&self, m: YearMonth) -> Option<&[MonthRow]> {
        if self.partial.contains_key(&m) {
            return None;
        }
        self.months.get(&m).map(Vec::as_slice)
    }

    /// A rep's row of a month, if recorded (for every rep or for some).
    pub fn row(&self, m: YearMonth, rep: RepIdx) -> Option<&MonthRow> {
        self.months.get(&m)?.iter().find(|r| r.rep == rep)
    }

    /// Whether `m` is recorded for every rep of `reps` (`None`: every rep).
    fn covers(&self, m: YearMonth, reps: Option<&BTreeSet<RepIdx>>) -> bool {
        match (self.months.contains_key(&m), self.partial.get(&m), reps) {
            (false, _, _) => false,
            (true, None, _) => true,
            (true, Some(have), Some(want)) => want.is_subset(have),
            (true, Some(_), None) => false,
        }
    }

    /// Make sure the months a period's lists need are recorded, computing
    /// the missing ones with `month` (`None`: the month has no data; the
    /// second argument: only these reps are needed, `None`: every rep).
    /// For a year: its twelve months, every rep. For the improvement
    /// list: from `last` back, month by month, while some rep is still
    /// below the line in every month so far — each earlier month for those
    /// reps only.
    pub fn fill(
        &mut self,
        period: Period,
        last: Option<YearMonth>,
        scheme: &Scheme,
        month: &mut MonthComputer,
    ) {
        let mut get = |h: &mut History, m: YearMonth, reps: Option<&BTreeSet<RepIdx>>| -> bool {
            if h.covers(m, reps) {
                return true;
            }
            match month(m, reps) {
                Some(rows) => {
                    match reps {
                        None => h.insert(m, rows),
                        Some(reps) => {
                            // Kept beside what the month already had.
                            let have = h.months.entry(m).or_default();
                            have.retain(|r| !reps.contains(&r.rep));
                            have.extend(rows);
                            have.sort_by_key(|r| r.rep);
                            h.partial.entry(m).or_default().extend(reps);
                        }
                    }
                    true
                }
                None => false,
            }
        };
        if let Period::Year(year) = period {
            for m in 1..=12 {
                get(self, YearMonth { year, month: m }, None);
            }
        }
        let (Some(last), Some(_)) = (last, scheme.apply.improvement_after) else {
            return;
        };
        let mut still: Option<BTreeSet<RepIdx>> = None;
        let mut m = last;
        while get(self, m, still.as_ref()) {
            let below: BTreeSet<RepIdx> = self.months[&m]
                .iter()
                .filter(|r| is_below(scheme, r))
                .map(|r| r.rep)
                .collect();
            let now: BTreeSet<RepIdx> = match still {
                None => below,
                Some(s) => s.intersection(&below).copied().collect(),
            };
            if now.is_empty() {
                break;
            }
            still = Some(now);
            m = previous(m);
        }
    }
}

fn is_below(scheme: &Scheme, r: &MonthRow) -> bool {
    r.grade
        .as_deref()
        .is_some_and(|g| scheme.apply.is_below(&scheme.grades, g))
}

/// The month before.
pub fn previous(m: YearMonth) -> YearMonth {
    if m.month == 1 {
        YearMonth {
            year: m.year - 1,
            month: 12,
        }
    } else {
        YearMonth {
            year: m.year,
            month: m.month - 1,
        }
    }
}

/// The month a period's improvement list is taken at: its latest month
/// with activity (a month period: itself when it has activity).
pub fn last_month(period: Period, activity: &BTreeSet<YearMonth>) -> Option<YearMonth> {
    activity
        .range(YearMonth::of(period.first_day())..=YearMonth::of(period.last_day()))
        .next_back()
        .copied()
}

/// A rep on the improvement-plan list.
#[derive(Debug, Clone, PartialEq)]
pub struct Streak {
    pub rep: RepIdx,
    /// The months in a row below the line, oldest first: month, total,
    /// grade.
    pub months: Vec<(YearMonth, Option<Decimal>, String)>,
    /// The weighted indicators below their pass line in those months, most
    /// often first (ties: the order they first appear), with the count.
    pub frequent: Vec<(String, usize)>,
}

/// The months in a row, ending at `last`, in which the rep's grade was
/// below the line (0 when `last` is not below).
pub fn streak_len(h: &History, scheme: &Scheme, rep: RepIdx, last: YearMonth) -> usize {
    let mut n = 0;
    let mut m = last;
    while h.row(m, rep).is_some_and(|r| is_below(scheme, r)) {
        n += 1;
        m = previous(m);
    }
    n
}

/// The reps whose streak at `last` is at least the scheme's
/// `improvement_after`, longest streak first, then by rep.
pub fn improvement_list(h: &History, scheme: &Scheme, last: YearMonth) -> Vec<Streak> {
    let Some(after) = scheme.apply.improvement_after else {
        return Vec::new();
    };
    let Some(rows) = h.month(last) else {
        return Vec::new();
    };
    let mut out: Vec<Streak> = rows
        .iter()
        .filter_map(|r| {
            let n = streak_len(h, scheme, r.rep, last);
            (n >= after as usize && n > 0).then(|| {
                let mut months = Vec::with_capacity(n);
                let mut m = last;
                for _ in 0..n {
                    months.push(m);
                    m = previous(m);
                }
                months.reverse();
                let mut frequent: Vec<(String, usize)> = Vec::new();
                let months = months
                    .into_iter()
                    .map(|m| {
                        let row = h.row(m, r.rep).expect("a month of the streak has the rep");
                        for name in &row.below {
                            match frequent.iter_mut().find(|(n, _)| n == name) {
                                Some(x) => x.1 += 1,
                                None => frequent.push((name.clone(), 1)),
                            }
                        }
                        (m, row.total, row.grade.clone().unwrap_or_default())
                    })
                    .collect();
                // Stable: ties keep the order of first appearance.
                frequent.sort_by_key(|(_, c)| std::cmp::Reverse(*c));
                Streak {
                    rep: r.rep,
                    months,
                    frequent,
                }
            })
        })
        .collect();
    out.sort_by_key(|s| (std::cmp::Reverse(s.months.len()), s.rep));
    out
}

/// A rep graded excellent in most of a year's graded months.
#[derive(Debug, Clone, PartialEq)]
pub struct Excellent {
    pub rep: RepIdx,
    pub excellent_months: usize,
    pub graded_months: usize,
    /// Month → grade, for every graded month of the year.
    pub grades: Vec<(YearMonth, String)>,
}

/// The reps graded excellent (the scheme's excellent grades) in more than
/// half of their graded months of `year`; most excellent months first,
/// then by rep.
pub fn excellent_list(h: &History, scheme: &Scheme, year: i32) -> Vec<Excellent> {
    let mut by_rep: BTreeMap<RepIdx, Vec<(YearMonth, String)>> = BTreeMap::new();
    for (m, rows) in h
        .months
        .range(YearMonth { year, month: 1 }..=YearMonth { year, month: 12 })
    {
        for r in rows {
            if let Some(g) = &r.grade {
                by_rep.entry(r.rep).or_default().push((*m, g.clone()));
            }
        }
    }
    let mut out: Vec<Excellent> = by_rep
        .into_iter()
        .filter_map(|(rep, grades)| {
            let excellent = grades
                .iter()
                .filter(|(_, g)| scheme.apply.is_excellent(g))
                .count();
            (excellent * 2 > grades.len()).then_some(Excellent {
                rep,
                excellent_months: excellent,
                graded_months: grades.len(),
                grades,
            })
        })
        .collect();
    out.sort_by_key(|e| (std::cmp::Reverse(e.excellent_months), e.rep));
    out
}

/// A grade held by more reps than its cap allows.
#[derive(Debug, Clone, PartialEq)]
pub struct CapExceeded {
    pub grade: String,
    /// The largest share (0.10).
    pub cap: Decimal,
    /// Graded reps of the period.
    pub graded: usize,
    /// How many may hold the grade: ⌊cap × graded⌋.
    pub allowed: usize,
    /// How many hold it.
    pub count: usize,
    /// The reps at the boundary: the lowest totals of the grade, as many as
    /// are over the cap (reps tied with the last of them included), lowest
    /// first.
    pub boundary: Vec<(RepIdx, Decimal)>,
}

/// How many of `graded` reps a cap lets hold its grade: ⌊cap × graded⌋.
pub fn allowed(cap: Decimal, graded: usize) -> usize {
    (cap * Decimal::from(graded))
        .floor()
        .try_into()
        .unwrap_or(usize::MAX)
}

/// Check the scheme's caps against graded (rep, total, grade) triples.
pub fn check_caps(scheme: &Scheme, graded: &[(RepIdx, Decimal, &str)]) -> Vec<CapExceeded> {
    let n = graded.len();
    let mut out = Vec::new();
    for (grade, cap) in &scheme.distribution {
        let mut holders: Vec<(RepIdx, Decimal)> = graded
            .iter()
            .filter(|(_, _, g)| g == grade)
            .map(|&(r, t, _)| (r, t))
            .collect();
        let allowed = allowed(*cap, n);
        if holders.len() <= allowed {
            continue;
        }
        holders.sort_by_key(|&(r, t)| (t, r));
        let over = holders.len() - allowed;
        let edge = holders[over - 1].1;
        let boundary = holders
            .iter()
            .filter(|(_, t)| *t <= edge)
            .copied()
            .collect();
        out.push(CapExceeded {
            grade: grade.clone(),
            cap: *cap,
            graded: n,
            allowed,
            count: holders.len(),
            boundary,
        });
    }
    out
}

/// [`check_caps`] over a period's results.
pub fn caps_of(scheme: &Scheme, results: &[RepResult]) -> Vec<CapExceeded> {
    let graded: Vec<(RepIdx, Decimal, &str)> = results
        .iter()
        .filter_map(|r| {
            let a = r.outcome.as_ref().ok()?;
            Some((
                r.rep,
                a.assessment.total?,
                a.assessment.grade.as_ref()?.name.as_str(),
            ))
        })
        .collect();
    check_caps(scheme, &graded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme(extra: &str) -> Scheme {
        Scheme::parse(
            &format!(
                "name = \"t\"\n{extra}\n[[profiles]]\nname = \"P\"\nroles = [\"销售\"]\nindicators = [ {{ code = \"followups\", weight = 100, pass = 10, excellent = 20 }} ]\n"
            ),
            "t.toml",
        )
        .unwrap()
    }

    fn ym(month: u32) -> YearMonth {
        YearMonth { year: 2026, month }
    }

    fn row(rep: RepIdx, total: i64, grade: &str, below: &[&str]) -> MonthRow {
        MonthRow {
            rep,
            total: Some(Decimal::from(total)),
            grade: Some(grade.to_string()),
            bonus_amount: None,
            below: below.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Rep 0's grades Jan–Jun: D D B D D D (below C: D). The streak starts
    /// in January (2 at February), breaks in March (B), restarts in April:
    /// 1 at April, 2 at May, 3 at June. Rep 1 is C throughout (C is the
    /// line itself, not below it).
    fn history() -> History {
        let grades = ["D", "D", "B", "D", "D", "D"];
        let mut h = History::default();
        for (i, g) in grades.iter().enumerate() {
            let below: &[&str] = if *g == "D" {
                if i % 2 == 0 {
                    &["回款率", "跟进量"]
                } else {
                    &["跟进量"]
                }
            } else {
                &[]
            };
            h.insert(
                ym(i as u32 + 1),
                vec![row(0, 50 + i as i64, g, below), row(1, 65, "C", &[])],
            );
        }
        h
    }

    #[test]
    fn a_streak_starts_breaks_and_restarts() {
        let s = scheme("[apply]\nimprovement_after = 2\n");
        let h = history();
        let lens: Vec<usize> = (1..=6).map(|m| streak_len(&h, &s, 0, ym(m))).collect();
        assert_eq!(lens, vec![1, 2, 0, 1, 2, 3]);
        assert_eq!(streak_len(&h, &s, 1, ym(6)), 0);
        // Listed at February (2 months), not at March or April, again at May.
        assert_eq!(improvement_list(&h, &s, ym(2)).len(), 1);
        assert!(improvement_list(&h, &s, ym(3)).is_empty());
        assert!(improvement_list(&h, &s, ym(4)).is_empty());
        let june = improvement_list(&h, &s, ym(6));
        assert_eq!(june.len(), 1);
        let st = &june[0];
        assert_eq!(
            st.months,
            vec![
                (ym(4), Some(Decimal::from(53)), "D".to_string()),
                (ym(5), Some(Decimal::from(54)), "D".to_string()),
                (ym(6), Some(Decimal::from(55)), "D".to_string()),
            ]
        );
        // April (i=3): 跟进量; May (i=4): 回款率, 跟进量; June (i=5): 跟进量.
        assert_eq!(
            st.frequent,
            vec![("跟进量".to_string(), 3), ("回款率".to_string(), 1)]
        );
    }

    #[test]
    fn a_named_line_and_no_rule() {
        // Below B: C and D count, so rep 1 (C every month) has 6 at June
        // and rep 0 (D D B D D D) 3.
        let s = scheme("[apply]\nimprovement_after = 4\nimprovement_below = \"B\"\n");
        let h = history();
        let list = improvement_list(&h, &s, ym(6));
        assert_eq!(list.len(), 1);
        assert_eq!((list[0].rep, list[0].months.len()), (1, 6));
        assert!(improvement_list(&h, &scheme(""), ym(6)).is_empty());
    }

    #[test]
    fn fill_computes_back_only_while_a_streak_lasts() {
        let s = scheme("[apply]\nimprovement_after = 2\n");
        let full = history();
        let mut h = History::default();
        let mut asked = Vec::new();
        h.fill(Period::Month(ym(6)), Some(ym(6)), &s, &mut |m, reps| {
            asked.push((m.month, reps.map(|r| r.iter().copied().collect::<Vec<_>>())));
            full.month(m).map(|rows| {
                rows.iter()
                    .filter(|r| reps.is_none_or(|x| x.contains(&r.rep)))
                    .cloned()
                    .collect()
            })
        });
        // June for every rep; then only rep 0 (the one below C): May and
        // April below; March is B: the walk stops there.
        assert_eq!(
            asked,
            vec![
                (6, None),
                (5, Some(vec![0])),
                (4, Some(vec![0])),
                (3, Some(vec![0]))
            ]
        );
        // The months walked through hold rep 0 only: not a month's record.
        assert!(h.month(ym(5)).is_none());
        assert_eq!(streak_len(&h, &s, 0, ym(6)), 3);
        let mut h = History::default();
        let mut asked = Vec::new();
        h.fill(Period::Year(2026), Some(ym(6)), &s, &mut |m, reps| {
            assert!(reps.is_none());
            asked.push(m.month);
            full.month(m).map(<[MonthRow]>::to_vec)
        });
        // A year: its twelve months once each (July on has no data).
        assert_eq!(asked, (1..=12).collect::<Vec<_>>());
    }

    #[test]
    fn excellent_in_most_graded_months() {
        let s = scheme("");
        let mut h = History::default();
        // Rep 0: S A B (2 of 3 excellent) → listed. Rep 1: A B (1 of 2, not
        // more than half) → not listed. Rep 2: A, not graded, not graded →
        // 1 of 1 graded → listed.
        let ungraded = |rep| MonthRow {
            rep,
            total: None,
            grade: None,
            bonus_amount: None,
            below: vec![],
        };
        h.insert(
            ym(1),
            vec![
                row(0, 95, "S", &[]),
                row(1, 85, "A", &[]),
                row(2, 85, "A", &[]),
            ],
        );
        h.insert(
            ym(2),
            vec![row(0, 85, "A", &[]), row(1, 75, "B", &[]), ungraded(2)],
        );
        h.insert(ym(3), vec![row(0, 75, "B", &[]), ungraded(2)]);
        let list = excellent_list(&h, &s, 2026);
        assert_eq!(
            list.iter()
                .map(|e| (e.rep, e.excellent_months, e.graded_months))
                .collect::<Vec<_>>(),
            vec![(0, 2, 3), (2, 1, 1)]
        );
    }

    #[test]
    fn caps_exceeded_and_not() {
        let s = scheme("[distribution]\nS = 0.10\nA = 0.25\n");
        // 10 graded reps: S may be held by ⌊0.1 × 10⌋ = 1, A by ⌊2.5⌋ = 2.
        let mut graded: Vec<(RepIdx, Decimal, &str)> = vec![
            (0, Decimal::from(95), "S"),
            (1, Decimal::from(88), "A"),
            (2, Decimal::from(84), "A"),
        ];
        for r in 3..10 {
            graded.push((r, Decimal::from(70), "B"));
        }
        assert!(check_caps(&s, &graded).is_empty());
        // A second S (91) and a third A (81): each one over its cap.
        graded[3] = (3, Decimal::from(91), "S");
        graded[4] = (4, Decimal::from(81), "A");
        let over = check_caps(&s, &graded);
        assert_eq!(over.len(), 2);
        assert_eq!(
            (over[0].grade.as_str(), over[0].allowed, over[0].count),
            ("S", 1, 2)
        );
        // The lowest S (91) is at the boundary.
        assert_eq!(over[0].boundary, vec![(3, Decimal::from(91))]);
        assert_eq!((over[1].allowed, over[1].count), (2, 3));
        assert_eq!(over[1].boundary, vec![(4, Decimal::from(81))]);
    }
}

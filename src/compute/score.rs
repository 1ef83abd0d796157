//! Scoring (SPEC 6 and 7): indicator values → 0–100 scores → weighted
//! points → total, grade, coefficient and bonus amount. Pure functions over
//! `Decimal`, no I/O.
//!
//! Rounding (SPEC 6.5): an indicator score is rounded half away from zero to
//! 2 places; weighted points are `round2(weight × score ÷ W)` of the printed
//! score; subtotals, the weighted score and the total are exact sums of
//! printed numbers, so a workbook's `=ROUND(weight*score/W, 2)` and `=SUM(…)`
//! reproduce every printed figure.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::compute::{Na, Value};
use crate::input::model::{Adjustment, AdjustmentKind};
use crate::scheme::catalogue::Direction;
use crate::scheme::{Defaults, Grade, IndicatorSpec, Method, NaPolicy};

/// Round half away from zero to 2 places.
pub fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

fn sixty() -> Decimal {
    Decimal::from(60)
}

fn forty() -> Decimal {
    Decimal::from(40)
}

/// The most a total can be (SPEC 6.3).
pub fn max_total() -> Decimal {
    Decimal::from(120)
}

/// `a ÷ b`; `None` for a zero divisor or an overflow.
fn div(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_div(b)
}

/// The factor the lines of an indicator are multiplied by in a period of
/// `months` months: `months` for monthly counts and money totals scored
/// absolutely ([`IndicatorSpec::lines_scale`]), otherwise 1 (SPEC 4).
pub fn line_factor(spec: &IndicatorSpec, months: u32) -> Decimal {
    if spec.lines_scale() {
        Decimal::from(months.max(1))
    } else {
        Decimal::ONE
    }
}

/// The pass and excellent lines in force for a period of `months` months.
pub fn effective_lines(spec: &IndicatorSpec, months: u32) -> (Option<Decimal>, Option<Decimal>) {
    let f = line_factor(spec, months);
    (
        spec.pass.map(|p| p.saturating_mul(f)),
        spec.excellent.map(|e| e.saturating_mul(f)),
    )
}

/// Whether a value meets a gate's (scaled) pass line: ↑ value ≥ pass,
/// ↓ value ≤ pass; a value equal to the line meets it (SPEC 6.2). A gate
/// without a pass line is always met.
pub fn gate_met(spec: &IndicatorSpec, value: Decimal, months: u32) -> bool {
    match effective_lines(spec, months).0 {
        None => true,
        Some(p) => match spec.direction() {
            Direction::Up => value >= p,
            Direction::Down => value <= p,
        },
    }
}

/// The 0–100 score of an indicator value (SPEC 6.1), rounded half away from
/// zero to 2 places. Only the `ratio` method can exceed 100 (up to cap × 100).
///
/// - lines (and `steps` thresholds) of monthly counts and money totals are
///   multiplied by `months` (see [`line_factor`]);
/// - a manual rating (`rating:`) without lines, scored `linear` (the
///   default) or `direct`, is converted to 0–100 by its `scale`
///   (v ÷ scale × 100), then scored `direct`;
/// - a spec without the lines its method needs (not possible for a checked
///   scheme) is scored `direct`.
pub fn indicator_score(spec: &IndicatorSpec, value: Decimal, months: u32) -> Decimal {
    let (pass, excellent) = effective_lines(spec, months);
    let direction = spec.direction();
    let v = match (spec.scale, pass, excellent) {
        (Some(scale), None, None)
            if spec.rating_name().is_some()
                && !scale.is_zero()
                && matches!(spec.method, Method::Linear | Method::Direct) =>
        {
            div(value, scale).map_or(value, |r| r * HUNDRED)
        }
        _ => value,
    };
    let direct = || v.clamp(Decimal::ZERO, HUNDRED);
    let score = match &spec.method {
        Method::Linear => match (pass, excellent) {
            (Some(p), Some(e)) => match direction {
                Direction::Up => linear_up(v, p, e),
                Direction::Down => linear_down(v, p, e),
            },
            _ => direct(),
        },
        Method::Ratio { cap } => match pass {
            Some(p) if p > Decimal::ZERO => {
                let r = div(v, p).unwrap_or(*cap);
                r.min(*cap).max(Decimal::ZERO) * HUNDRED
            }
            _ => Decimal::ZERO,
        },
        Method::Direct => direct(),
        Method::Steps(steps) => {
            let f = line_factor(spec, months);
            let scaled = steps.iter().map(|&(t, s)| (t.saturating_mul(f), s));
            let hit = match direction {
                Direction::Up => scaled.filter(|&(t, _)| t <= v).max_by_key(|&(t, _)| t),
                Direction::Down => scaled.filter(|&(t, _)| t >= v).min_by_key(|&(t, _)| t),
            };
            hit.map_or(Decimal::ZERO, |(_, s)| s)
        }
    };
    round2(score)
}

/// ↑ with e > p: 100 from e; 60 + 40·(v − p)/(e − p) from p; 60·v/p below
/// (0 when p = 0 or v ≤ 0).
fn linear_up(v: Decimal, p: Decimal, e: Decimal) -> Decimal {
    if v >= e {
        HUNDRED
    } else if v >= p {
        div(v - p, e - p).map_or(HUNDRED, |r| sixty() + forty() * r)
    } else if p <= Decimal::ZERO || v <= Decimal::ZERO {
        Decimal::ZERO
    } else {
        div(v, p).map_or(Decimal::ZERO, |r| sixty() * r)
    }
}

/// ↓ with e < p: 100 up to e; 60 + 40·(p − v)/(p − e) up to p;
/// max(0, 60·(1 − (v − p)/p)) above (0 when p = 0).
fn linear_down(v: Decimal, p: Decimal, e: Decimal) -> Decimal {
    if v <= e {
        HUNDRED
    } else if v <= p {
        div(p - v, p - e).map_or(HUNDRED, |r| sixty() + forty() * r)
    } else if p <= Decimal::ZERO {
        Decimal::ZERO
    } else {
        div(v - p, p).map_or(Decimal::ZERO, |r| {
            (sixty() * (Decimal::ONE - r.min(Decimal::ONE))).max(Decimal::ZERO)
        })
    }
}

/// One indicator of the profile, as the caller hands it to [`assess`].
#[derive(Debug, Clone)]
pub struct LineInput<'a> {
    pub spec: &'a IndicatorSpec,
    /// The value for the rep and period, or why there is none. Achievement
    /// indicators carry actual ÷ target already.
    pub value: Value,
    /// A 剔除 adjustment of this rep and period naming this indicator: the
    /// indicator drops out whatever the N/A option.
    pub exclusion: Option<&'a Adjustment>,
    /// The score HR typed into the rep's workbook for this line (a manual
    /// indicator), harvested into the period's review record: it replaces
    /// the line's own score (not for a gate or an excluded line).
    pub review: Option<Decimal>,
}

/// How a line took part in the assessment.
#[derive(Debug, Clone, PartialEq)]
pub enum LineStatus {
    /// Had a value and was scored (weighted) or checked (gate).
    Scored,
    /// No value: dropped out, its weight renormalised away (`na =
    /// "renormalise"`), or for a gate, no penalty.
    Na(Na),
    /// No value, scored `na_score` and kept in W (`na = "score"`).
    NaScored(Na),
    /// Dropped out by a 剔除 adjustment, with its reason and approver.
    Excluded {
        reason: String,
        approver: Option<String>,
    },
}

/// The result of a gate (达标项).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateOutcome {
    /// Value meets the pass line: nothing deducted.
    Met,
    /// Value misses the pass line: the penalty is deducted.
    Missed,
    /// N/A or excluded: nothing deducted.
    NotApplicable,
}

/// One indicator line of an assessment, in profile order.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Indicator code (`sales_achievement`, `rating:协作响应速度`).
    pub code: String,
    /// Name shown in workbooks (the catalogue's, or the rating's name).
    pub name: String,
    pub dimension: String,
    /// The scheme's weight (0 for a gate).
    pub weight: Decimal,
    /// A gate: no weight; see `gate` and `penalty`.
    pub is_gate: bool,
    /// The value scored (`None` when N/A or excluded and unknown).
    pub value: Option<Decimal>,
    /// Pass line in force for the period (after monthly scaling).
    pub pass: Option<Decimal>,
    /// Excellent line in force for the period (after monthly scaling).
    pub excellent: Option<Decimal>,
    pub status: LineStatus,
    /// The 0–100 score (2 places): for weighted lines that are scored or
    /// scored as N/A; `None` for gates and lines that dropped out.
    pub score: Option<Decimal>,
    /// Weighted points `round2(weight × score ÷ W)`; `None` when the line
    /// is not part of W (a gate, dropped out).
    pub points: Option<Decimal>,
    /// For a gate: met, missed or not applicable; `None` for weighted lines.
    pub gate: Option<GateOutcome>,
    /// Points deducted by this gate (its penalty when missed, else 0).
    pub penalty: Decimal,
    /// The score kaohe computed itself, before HR's review replaced it
    /// (equal to `score` when HR did not change it).
    pub own_score: Option<Decimal>,
    /// HR's reviewed score replaced the line's own (see [`LineInput::review`]).
    pub reviewed: bool,
}

impl Line {
    /// Whether the line counts in W (applicable weighted indicator).
    pub fn in_weight(&self) -> bool {
        self.points.is_some()
    }
}

/// A dimension (业绩产出, …) of the assessment, in order of first
/// appearance among the weighted indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct Dimension {
    pub name: String,
    /// Σ scheme weights of the dimension's weighted indicators.
    pub weight: Decimal,
    /// Σ weights of its applicable indicators × 100 ÷ W, 2 places: the
    /// share it has after N/A renormalisation (`None` when W = 0).
    pub renormalised_weight: Option<Decimal>,
    /// Σ weighted points of its indicators (out of `renormalised_weight`).
    pub subtotal: Decimal,
}

/// The grade a total falls in.
#[derive(Debug, Clone, PartialEq)]
pub struct GradeResult {
    pub name: String,
    pub coefficient: Decimal,
}

/// One rep's assessment for one period: everything the workbook lays out.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// One per indicator of the profile, in profile order.
    pub lines: Vec<Line>,
    pub dimensions: Vec<Dimension>,
    /// W: Σ weights of the applicable weighted indicators.
    pub applicable_weight: Decimal,
    /// Σ weighted points (`None` when not graded: no weighted indicator
    /// has a value).
    pub weighted_score: Option<Decimal>,
    /// Σ of the 加分 adjustments, as requested.
    pub bonus_requested: Decimal,
    /// Bonus points counted: min(requested, max_bonus).
    pub bonus: Decimal,
    /// Σ of the 扣分 adjustments (a positive number, subtracted).
    pub deductions: Decimal,
    /// Σ penalties of missed gates (a positive number, subtracted).
    pub gate_penalties: Decimal,
    /// weighted score + bonus − deductions − gate penalties, before the
    /// clamp (`None` when not graded).
    pub raw_total: Option<Decimal>,
    /// The total, clamped to [0, 120]; 0 on a veto; `None` when not graded.
    pub total: Option<Decimal>,
    /// The grade of the total (the lowest on a veto); `None` when not graded.
    pub grade: Option<GradeResult>,
    /// round2(bonus base × coefficient); `None` without a bonus base or
    /// when not graded.
    pub bonus_amount: Option<Decimal>,
    /// The first 一票否决 adjustment, when there is one.
    pub veto: Option<Adjustment>,
    /// Every adjustment of the rep for this period, as given (for display):
    /// targets, exclusions, bonuses, deductions and vetoes.
    pub adjustments: Vec<Adjustment>,
}

impl Assessment {
    /// Every weighted indicator N/A or excluded and no veto: listed, not
    /// graded (SPEC 6.4).
    pub fn not_graded(&self) -> bool {
        self.total.is_none()
    }
}

/// Assess one rep for one period (SPEC 6.2–6.4 and 7).
///
/// - `lines`: the profile's indicators (variant already chosen) in order,
///   each with its value and optional exclusion;
/// - `adjustments`: the rep's adjustments for exactly this period; bonus,
///   deduction and veto act here (their `value`, taken as a positive
///   number; a missing value counts 0), target adjustments were applied by
///   the caller, exclusions act through [`LineInput::exclusion`]; all are
///   carried into the result;
/// - `grades`: the scheme's bands (any order); `months`: the period's months
///   (1, 3, 12); `bonus_base`: the rep's 奖金基数.
pub fn assess(
    lines: &[LineInput<'_>],
    adjustments: &[&Adjustment],
    defaults: &Defaults,
    grades: &[Grade],
    months: u32,
    bonus_base: Option<Decimal>,
) -> Assessment {
    // 1. Score each line (W not known yet).
    let mut out: Vec<Line> = lines
        .iter()
        .map(|l| score_line(l, defaults, months))
        .collect();

    // 2. W and weighted points.
    let w: Decimal = out
        .iter()
        .filter(|l| l.score.is_some() && !l.is_gate)
        .map(|l| l.weight)
        .sum();
    for l in out.iter_mut().filter(|l| !l.is_gate) {
        l.points = match l.score {
            Some(s) if !w.is_zero() => Some(round2(l.weight * s / w)),
            _ => None,
        };
    }

    // 3. Dimensions.
    let mut dimensions: Vec<Dimension> = Vec::new();
    for l in out.iter().filter(|l| !l.is_gate) {
        let at = match dimensions.iter().position(|d| d.name == l.dimension) {
            Some(i) => i,
            None => {
                dimensions.push(Dimension {
                    name: l.dimension.clone(),
                    weight: Decimal::ZERO,
                    renormalised_weight: None,
                    subtotal: Decimal::ZERO,
                });
                dimensions.len() - 1
            }
        };
        let d = &mut dimensions[at];
        d.weight += l.weight;
        if let Some(p) = l.points {
            d.subtotal += p;
            let share = d.renormalised_weight.unwrap_or_default();
            d.renormalised_weight = Some(share + l.weight);
        }
    }
    for d in &mut dimensions {
        d.renormalised_weight = match d.renormalised_weight {
            Some(sum) if !w.is_zero() => Some(round2(sum * HUNDRED / w)),
            _ if !w.is_zero() => Some(Decimal::ZERO),
            _ => None,
        };
    }

    // 4. Adjustments and gates.
    let points_of = |kind: AdjustmentKind| -> Decimal {
        adjustments
            .iter()
            .filter(|a| a.kind == kind)
            .map(|a| a.value.unwrap_or_default().abs())
            .sum()
    };
    let bonus_requested = points_of(AdjustmentKind::Bonus);
    let bonus = bonus_requested.min(defaults.max_bonus.max(Decimal::ZERO));
    let deductions = points_of(AdjustmentKind::Deduction);
    let gate_penalties: Decimal = out.iter().map(|l| l.penalty).sum();
    let veto = adjustments
        .iter()
        .find(|a| a.kind == AdjustmentKind::Veto)
        .map(|a| (*a).clone());

    // 5. Total and grade: graded only when some weighted indicator has a
    // value (SPEC 6.4), whatever the N/A option.
    let graded = !w.is_zero()
        && out
            .iter()
            .any(|l| !l.is_gate && l.status == LineStatus::Scored);
    let weighted_score = graded.then(|| out.iter().filter_map(|l| l.points).sum());
    let raw_total: Option<Decimal> =
        weighted_score.map(|s: Decimal| round2(s + bonus - deductions - gate_penalties));
    let (total, grade) = if veto.is_some() {
        (Some(Decimal::ZERO), lowest(grades))
    } else {
        match raw_total {
            Some(t) => {
                let t = t.clamp(Decimal::ZERO, max_total());
                (Some(t), grade_of(grades, t))
            }
            None => (None, None),
        }
    };
    let grade = grade.map(|g| GradeResult {
        name: g.name.clone(),
        coefficient: g.coefficient,
    });
    let bonus_amount = match (&grade, bonus_base) {
        (Some(g), Some(base)) => Some(round2(base * g.coefficient)),
        _ => None,
    };

    Assessment {
        lines: out,
        dimensions,
        applicable_weight: w,
        weighted_score,
        bonus_requested,
        bonus,
        deductions,
        gate_penalties,
        raw_total,
        total,
        grade,
        bonus_amount,
        veto,
        adjustments: adjustments.iter().map(|a| (*a).clone()).collect(),
    }
}

/// The effective weights of a rep's weighted lines (考核表 权重): each line
/// in W as `weight × 100 ÷ W` to 2 places, the hundredths shared out by
/// largest remainder (ties to the earlier line) so that they add up to
/// exactly 100; `None` for gates and lines that dropped out. All `None`
/// when W is 0. The weighted points stay `round2(weight × score ÷ W)`
/// (SPEC 6.3): these weights are what a rep reads, not what is multiplied.
pub fn effective_weights(lines: &[Line]) -> Vec<Option<Decimal>> {
    let w: Decimal = lines
        .iter()
        .filter(|l| l.in_weight())
        .map(|l| l.weight)
        .sum();
    if w <= Decimal::ZERO {
        return vec![None; lines.len()];
    }
    let cent = Decimal::new(1, 2);
    // (index, floor to hundredths, remainder)
    let mut parts: Vec<(usize, Decimal, Decimal)> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.in_weight())
        .map(|(i, l)| {
            let exact = l.weight * HUNDRED / w;
            let floor = exact.round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity);
            (i, floor, exact - floor)
        })
        .collect();
    let short = HUNDRED - parts.iter().map(|p| p.1).sum::<Decimal>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| parts[b].2.cmp(&parts[a].2).then(a.cmp(&b)));
    let mut left = (short / cent)
        .round()
        .to_string()
        .parse::<usize>()
        .unwrap_or(0);
    for &k in order.iter().cycle().take(parts.len() * 2) {
        if left == 0 {
            break;
        }
        parts[k].1 += cent;
        left -= 1;
    }
    let mut out = vec![None; lines.len()];
    for (i, v, _) in parts {
        out[i] = Some(v.normalize());
    }
    out
}

/// A line before W is known: score (weighted) or gate outcome.
fn score_line(l: &LineInput<'_>, defaults: &Defaults, months: u32) -> Line {
    let spec = l.spec;
    let (pass, excellent) = effective_lines(spec, months);
    let status = match (&l.exclusion, &l.value) {
        (Some(a), _) => LineStatus::Excluded {
            reason: a.reason.clone(),
            approver: a.approver.clone(),
        },
        (None, Ok(_)) => LineStatus::Scored,
        (None, Err(na)) if !spec.gate && defaults.na == NaPolicy::Score => {
            LineStatus::NaScored(na.clone())
        }
        (None, Err(na)) => LineStatus::Na(na.clone()),
    };
    let value = l.value.as_ref().ok().copied();
    let mut line = Line {
        code: spec.code.clone(),
        name: spec.name.clone(),
        dimension: spec.dimension.clone(),
        weight: if spec.gate {
            Decimal::ZERO
        } else {
            spec.weight
        },
        is_gate: spec.gate,
        value,
        pass,
        excellent,
        status,
        score: None,
        points: None,
        gate: None,
        penalty: Decimal::ZERO,
        own_score: None,
        reviewed: false,
    };
    if spec.gate {
        let outcome = match (&line.status, value) {
            (LineStatus::Scored, Some(v)) if gate_met(spec, v, months) => GateOutcome::Met,
            (LineStatus::Scored, Some(_)) => GateOutcome::Missed,
            _ => GateOutcome::NotApplicable,
        };
        if outcome == GateOutcome::Missed {
            line.penalty = spec.penalty;
        }
        line.gate = Some(outcome);
    } else {
        line.score = match (&line.status, value) {
            (LineStatus::Scored, Some(v)) => Some(indicator_score(spec, v, months)),
            (LineStatus::NaScored(_), _) => Some(round2(defaults.na_score)),
            _ => None,
        };
        line.own_score = line.score;
        let excluded = matches!(line.status, LineStatus::Excluded { .. });
        if let (Some(s), false) = (l.review, excluded) {
            line.score = Some(round2(s));
            line.status = LineStatus::Scored;
            line.reviewed = true;
        }
    }
    line
}

/// The band of a total: the highest `min` ≤ total, else the lowest band.
fn grade_of(grades: &[Grade], total: Decimal) -> Option<&Grade> {
    grades
        .iter()
        .filter(|g| total >= g.min)
        .max_by_key(|g| g.min)
        .or_else(|| lowest(grades))
}

fn lowest(grades: &[Grade]) -> Option<&Grade> {
    grades.iter().min_by_key(|g| g.min)
}

#[cfg(test)]
mod tests;

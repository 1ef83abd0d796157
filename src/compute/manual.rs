//! Indicators from the score sheet (评分表): 客户满意度 satisfaction and the
//! manual / 360° `rating:NAME` indicators (SPEC 5).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{ratio, Ctx, Na, Value};
use crate::input::model::{RepIdx, Score};
use crate::scheme::IndicatorSpec;
use crate::text::fold;

/// The rep's score rows for an indicator (by code or any of `names`) whose
/// own period lies inside P (a month's rows count for its quarter and year).
fn rows<'a>(cx: &Ctx<'a>, rep: RepIdx, names: &[&str]) -> Vec<&'a Score> {
    let p = cx.period();
    let names: Vec<String> = names.iter().map(|n| fold(n).to_lowercase()).collect();
    cx.ix.scores_by_rep[rep as usize]
        .iter()
        .map(|&i| &cx.ds.scores[i as usize])
        .filter(|s| p.covers(s.period) && names.contains(&fold(&s.indicator).to_lowercase()))
        .collect()
}

fn mean(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    let (n, sum) = values
        .into_iter()
        .fold((0u32, Decimal::ZERO), |(n, s), v| (n + 1, s + v));
    ratio(sum, Decimal::from(n))
}

/// 客户满意度 satisfaction: mean of all score rows for indicator
/// `satisfaction` (or 客户满意度) for r whose own period lies inside P.
pub fn satisfaction(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    mean(
        rows(cx, rep, &["satisfaction", "客户满意度"])
            .iter()
            .map(|s| s.score),
    )
    .ok_or_else(|| {
        Na::new(
            "本期没有客户满意度评分",
            "no satisfaction scores for the period",
        )
    })
}

/// The raters a 考核表 lets HR type a rating for (自评, 上级评分), in
/// column order.
pub const FORM_RATERS: [&str; 2] = ["self", "supervisor"];

/// A rating's score rows for the period, per rater (`None`: rows without
/// a rater): the sum and the number of rows, in rater order.
pub type RaterMeans = Vec<(Option<&'static str>, Decimal, u32)>;

/// The mean of one rater's entry of [`RaterMeans`].
pub fn rater_mean(sum: Decimal, n: u32) -> Option<Decimal> {
    ratio(sum, Decimal::from(n))
}

/// The rep's rows of a `rating:` indicator for the period, per rater.
pub fn rater_means(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> RaterMeans {
    let name = spec.rating_name().unwrap_or(&spec.code);
    let mut per: BTreeMap<Option<&'static str>, Vec<Decimal>> = BTreeMap::new();
    for s in rows(cx, rep, &[name, &spec.code]) {
        per.entry(s.rater).or_default().push(s.score);
    }
    per.into_iter()
        .map(|(r, v)| (r, v.iter().copied().sum(), v.len() as u32))
        .collect()
}

/// A rating's value from its raters' means, with the ratings HR typed on
/// the 考核表 (`typed`: rater code → rating) each replacing that rater's
/// rows. With `raters` weights: Σ weight × mean ÷ Σ weight over the
/// weighted raters present (raters without a weight are ignored). Without:
/// the mean of every row, a typed rating counting for as many rows as it
/// replaces (one when the rater had none). `None` when nothing is left.
pub fn combine(
    spec: &IndicatorSpec,
    means: &RaterMeans,
    typed: &BTreeMap<&'static str, Decimal>,
) -> Option<Decimal> {
    let mut present: Vec<(Option<&'static str>, Decimal, u32)> = means
        .iter()
        .filter(|(r, _, _)| !r.is_some_and(|r| typed.contains_key(r)))
        .copied()
        .collect();
    // A typed rating stands for as many rows as the rater had (one when
    // none), so a scheme without weights averages it like those rows.
    present.extend(typed.iter().map(|(r, v)| {
        let n = means
            .iter()
            .find(|(x, _, _)| *x == Some(*r))
            .map_or(1, |(_, _, n)| (*n).max(1));
        (Some(*r), v * Decimal::from(n), n)
    }));
    if spec.raters.is_empty() {
        let (sum, n) = present
            .iter()
            .fold((Decimal::ZERO, 0u32), |(s, n), (_, sum, c)| {
                (s + sum, n + c)
            });
        return ratio(sum, Decimal::from(n));
    }
    let (mut weighted, mut weights) = (Decimal::ZERO, Decimal::ZERO);
    for (rater, weight) in &spec.raters {
        let found = present.iter().find(|(r, _, _)| *r == Some(*rater));
        if let Some(m) = found.and_then(|(_, sum, n)| rater_mean(*sum, *n)) {
            weighted += m * weight;
            weights += weight;
        }
    }
    ratio(weighted, weights)
}

/// `rating:NAME`: from the score rows of indicator NAME whose own period lies
/// inside P. With `raters` weights: mean per rater, then weighted over the
/// raters present (weights renormalised; rows of raters without a weight,
/// and rows without a rater, are ignored). Without: mean of all rows. The
/// value stays on the indicator's scale; scoring converts it to 0–100.
pub fn rating(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    let name = spec.rating_name().unwrap_or(&spec.code);
    combine(spec, &rater_means(cx, rep, spec), &BTreeMap::new()).ok_or_else(|| {
        Na::new(
            format!("本期没有“{name}”的评分"),
            format!("no scores for '{name}' in the period"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;

    fn value(
        ds: &crate::input::dataset::Dataset,
        p: &str,
        rep: RepIdx,
        spec: &IndicatorSpec,
        f: fn(&Ctx, RepIdx, &IndicatorSpec) -> Value,
    ) -> Value {
        with_ctx(ds, p, |cx| f(cx, rep, spec))
    }

    #[test]
    fn satisfaction_is_the_mean_of_the_periods_rows() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        l.score(a, "2026-01", "客户满意度", Some("customer"), "8");
        l.score(a, "2026-02", "satisfaction", Some("customer"), "9");
        l.score(a, "2026-02", "客户满意度", Some("customer"), "7");
        l.score(a, "2026-04", "客户满意度", Some("customer"), "10");
        l.score(a, "2026-Q1", "协作响应速度", Some("supervisor"), "4");
        let ds = l.build();
        let spec = IndicatorSpec::new("satisfaction").unwrap();
        // February: (9 + 7) / 2 = 8.
        assert_eq!(value(&ds, "2026-02", a, &spec, satisfaction), Ok(dec("8")));
        // Q1: (8 + 9 + 7) / 3 = 8; April's row is not in Q1.
        assert_eq!(value(&ds, "2026-Q1", a, &spec, satisfaction), Ok(dec("8")));
        // Year: (8 + 9 + 7 + 10) / 4 = 8.5.
        assert_eq!(value(&ds, "2026", a, &spec, satisfaction), Ok(dec("8.5")));
        assert!(value(&ds, "2026-03", a, &spec, satisfaction).is_err());
    }

    /// Raters 上级 0.5, 客户 0.3, 协作部门 0.1, 自评 0.1. March rows:
    /// 上级 4 and 5 (mean 4.5), 客户 3, 同级 1 (no weight: ignored), no
    /// 协作部门 or 自评 rows. Weighted over the raters present:
    /// (4.5 × 0.5 + 3 × 0.3) / (0.5 + 0.3) = (2.25 + 0.9) / 0.8 = 3.9375.
    /// Without raters: (4 + 5 + 3 + 1) / 4 = 3.25.
    #[test]
    fn ratings_weighted_by_rater() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        for (rater, v) in [
            ("supervisor", "4"),
            ("supervisor", "5"),
            ("customer", "3"),
            ("peer", "1"),
        ] {
            l.score(a, "2026-03", "协作响应速度", Some(rater), v);
        }
        l.score(a, "2026-03", "谈判能力", Some("supervisor"), "2");
        let ds = l.build();
        let mut spec = IndicatorSpec::new("rating:协作响应速度").unwrap();
        assert_eq!(value(&ds, "2026-03", a, &spec, rating), Ok(dec("3.25")));
        spec.raters = vec![
            ("supervisor", dec("0.5")),
            ("customer", dec("0.3")),
            ("partner_dept", dec("0.1")),
            ("self", dec("0.1")),
        ];
        assert_eq!(value(&ds, "2026-03", a, &spec, rating), Ok(dec("3.9375")));
        assert!(value(&ds, "2026-04", a, &spec, rating).is_err());
        // Only unweighted raters present: N/A.
        spec.raters = vec![("self", dec("1"))];
        assert!(value(&ds, "2026-03", a, &spec, rating).is_err());
    }

    /// HR's 自评 and 上级评分 typed on the 考核表 replace those raters'
    /// rows. Raters 上级 0.5, 客户 0.3, 自评 0.2; March rows 上级 4, 客户 3,
    /// 自评 5: (4 × 0.5 + 3 × 0.3 + 5 × 0.2) ÷ 1 = 2 + 0.9 + 1 = 3.9.
    /// Typed 自评 4.5 and 上级 3: (3 × 0.5 + 3 × 0.3 + 4.5 × 0.2) ÷ 1 =
    /// 1.5 + 0.9 + 0.9 = 3.3. Only 上级 typed as 2 and no 客户 rows left
    /// (the rows are other raters'): weights renormalised over 上级 and
    /// 自评. Without raters weights, plain means: rows 4, 3, 5 → 4; 自评
    /// typed 2 → (4 + 3 + 2) ÷ 3 = 3; with two 自评 rows 5 and 1 (and 上级
    /// 4, 客户 3): (6 + 4 + 3) ÷ 4 = 3.25, 自评 typed 2 stands for both:
    /// (2 × 2 + 4 + 3) ÷ 4 = 2.75.
    #[test]
    fn typed_self_and_supervisor_ratings_combine_by_rater_weights() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        for (rater, v) in [("supervisor", "4"), ("customer", "3"), ("self", "5")] {
            l.score(a, "2026-03", "协作响应速度", Some(rater), v);
        }
        let ds = l.build();
        let mut spec = IndicatorSpec::new("rating:协作响应速度").unwrap();
        spec.raters = vec![
            ("supervisor", dec("0.5")),
            ("customer", dec("0.3")),
            ("self", dec("0.2")),
        ];
        let means = with_ctx(&ds, "2026-03", |cx| rater_means(cx, a, &spec));
        assert_eq!(
            means,
            [
                (Some("customer"), dec("3"), 1),
                (Some("self"), dec("5"), 1),
                (Some("supervisor"), dec("4"), 1)
            ]
        );
        let none = BTreeMap::new();
        assert_eq!(combine(&spec, &means, &none), Some(dec("3.9")));
        let typed: BTreeMap<&str, Decimal> =
            [("self", dec("4.5")), ("supervisor", dec("3"))].into();
        assert_eq!(combine(&spec, &means, &typed), Some(dec("3.3")));
        // 上级 2 with the customer rows gone: (2 × 0.5 + 5 × 0.2) ÷ 0.7 =
        // 2 ÷ 0.7 = 2.857142857142857… → 2.8571428571 (10 places).
        let only: RaterMeans = means
            .iter()
            .filter(|m| m.0 != Some("customer"))
            .copied()
            .collect();
        let sup: BTreeMap<&str, Decimal> = [("supervisor", dec("2"))].into();
        assert_eq!(combine(&spec, &only, &sup), Some(dec("2.8571428571")));
        // Without weights: the mean of the rows, a typed rating one row.
        spec.raters.clear();
        assert_eq!(combine(&spec, &means, &none), Some(dec("4")));
        let me: BTreeMap<&str, Decimal> = [("self", dec("2"))].into();
        assert_eq!(combine(&spec, &means, &me), Some(dec("3")));
        assert_eq!(combine(&spec, &Vec::new(), &none), None);
        let two: RaterMeans = vec![
            (Some("customer"), dec("3"), 1),
            (Some("self"), dec("6"), 2),
            (Some("supervisor"), dec("4"), 1),
        ];
        assert_eq!(combine(&spec, &two, &none), Some(dec("3.25")));
        assert_eq!(combine(&spec, &two, &me), Some(dec("2.75")));
    }
}

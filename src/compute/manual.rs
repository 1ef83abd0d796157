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

/// `rating:NAME`: from the score rows of indicator NAME whose own period lies
/// inside P. With `raters` weights: mean per rater, then weighted over the
/// raters present (weights renormalised; rows of raters without a weight,
/// and rows without a rater, are ignored). Without: mean of all rows. The
/// value stays on the indicator's scale; scoring converts it to 0–100.
pub fn rating(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    let name = spec.rating_name().unwrap_or(&spec.code);
    let rows = rows(cx, rep, &[name, &spec.code]);
    let none = || {
        Na::new(
            format!("本期没有“{name}”的评分"),
            format!("no scores for '{name}' in the period"),
        )
    };
    if spec.raters.is_empty() {
        return mean(rows.iter().map(|s| s.score)).ok_or_else(none);
    }
    let mut per_rater: BTreeMap<&str, Vec<Decimal>> = BTreeMap::new();
    for s in &rows {
        if let Some(r) = s.rater.filter(|r| spec.raters.iter().any(|(w, _)| w == r)) {
            per_rater.entry(r).or_default().push(s.score);
        }
    }
    let (mut weighted, mut weights) = (Decimal::ZERO, Decimal::ZERO);
    for (rater, weight) in &spec.raters {
        if let Some(m) = per_rater.get(rater).and_then(|v| mean(v.iter().copied())) {
            weighted += m * weight;
            weights += weight;
        }
    }
    ratio(weighted, weights).ok_or_else(none)
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
}

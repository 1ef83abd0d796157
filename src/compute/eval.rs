//! Which function computes which indicator, and the value that is scored:
//! the indicator's own value, or actual ÷ target for an indicator scored as
//! achievement against a target column (SPEC 5, "Achievement against a
//! target").

use rust_decimal::Decimal;

use super::targets::{target, TargetSource, TargetValue};
use super::{customers, manual, performance, process, ratio, Ctx, Na, Parts, Value};
use crate::input::model::RepIdx;
use crate::scheme::IndicatorSpec;

/// An indicator function.
pub type IndicatorFn = fn(&Ctx, RepIdx, &IndicatorSpec) -> Value;

/// The function of an indicator code (`rating:` codes share one).
pub fn function(code: &str) -> Option<IndicatorFn> {
    if code.starts_with("rating:") {
        return Some(manual::rating);
    }
    Some(match code {
        "sales" | "sales_achievement" => performance::sales,
        "new_customers" => performance::new_customers,
        "new_customer_revenue_share" => performance::new_customer_revenue_share,
        "collection_rate" => performance::collection_rate,
        "first_payment_rate" => performance::first_payment_rate,
        "final_payment_rate" => performance::final_payment_rate,
        "new_contract_sales" => performance::new_contract_sales,
        "renewal_sales" => performance::renewal_sales,
        "avg_deal_size" => performance::avg_deal_size,
        "gross_margin" => performance::gross_margin,
        "signed_area" => performance::signed_area,
        "key_project_signings" => performance::key_project_signings,
        "sales_cycle_days" => performance::sales_cycle_days,
        "repurchase_rate" => customers::repurchase_rate,
        "churn_rate" => customers::churn_rate,
        "referrals" => customers::referrals,
        "referral_rate" => customers::referral_rate,
        "renewal_rate" => customers::renewal_rate,
        "satisfaction" => manual::satisfaction,
        "customer_coverage" => customers::customer_coverage,
        "first_followup_24h" => process::first_followup_24h,
        "intent_followups_per_week" => process::intent_followups_per_week,
        "intent_followup_coverage" => process::intent_followup_coverage,
        "followups" => process::followups,
        "conversion_rate" => process::conversion_rate,
        "approval_on_time_rate" => process::approval_on_time_rate,
        "approval_avg_days" => process::approval_avg_days,
        "ledger_completeness" => process::ledger_completeness,
        "ledger_accuracy" => process::ledger_accuracy,
        _ => return None,
    })
}

/// A ratio indicator's parts function (for pooling over a team).
pub type PartsFn = fn(&Ctx, RepIdx, &IndicatorSpec) -> Parts;

/// The parts function of a ratio indicator; `None` for totals (which a
/// team adds up) and for scores and day averages (which never pool).
pub fn parts_function(code: &str) -> Option<PartsFn> {
    Some(match code {
        "new_customer_revenue_share" => performance::new_customer_revenue_share_parts,
        "collection_rate" => performance::collection_rate_parts,
        "first_payment_rate" => performance::first_payment_rate_parts,
        "final_payment_rate" => performance::final_payment_rate_parts,
        "avg_deal_size" => performance::avg_deal_size_parts,
        "gross_margin" => performance::gross_margin_parts,
        "repurchase_rate" => customers::repurchase_rate_parts,
        "churn_rate" => customers::churn_rate_parts,
        "customer_coverage" => customers::customer_coverage_parts,
        "referral_rate" => customers::referral_rate_parts,
        "renewal_rate" => customers::renewal_rate_parts,
        "first_followup_24h" => process::first_followup_24h_parts,
        "intent_followups_per_week" => process::intent_followups_per_week_parts,
        "intent_followup_coverage" => process::intent_followup_coverage_parts,
        "conversion_rate" => process::conversion_rate_parts,
        "approval_on_time_rate" => process::approval_on_time_rate_parts,
        "ledger_completeness" => process::ledger_completeness_parts,
        "ledger_accuracy" => process::ledger_accuracy_parts,
        _ => return None,
    })
}

/// The members of a rep's team on P.end (SPEC 5, "Team scope"): the reps
/// whose roster 团队 is the rep's, employed on P.end (hired on or before
/// it, not left before it), and the rep himself whatever his dates; by
/// roster order. `None` when the rep has no team in the roster.
pub fn team_members(cx: &Ctx, rep: RepIdx) -> Option<Vec<RepIdx>> {
    let me = &cx.ds.reps[rep as usize];
    let team = me.team.as_deref().filter(|t| !t.trim().is_empty())?;
    let end = cx.end();
    Some(
        cx.ds
            .reps
            .iter()
            .enumerate()
            .filter(|&(i, r)| {
                i as RepIdx == rep
                    || (r.team.as_deref() == Some(team)
                        && r.hire_date <= end
                        && r.leave_date.is_none_or(|l| l >= end))
            })
            .map(|(i, _)| i as RepIdx)
            .collect(),
    )
}

/// A team indicator's actual value: rates as Σ numerators ÷ Σ denominators
/// (N/A, for the rep's own reason, when the team's denominator is zero),
/// counts and money as Σ of the members' values.
fn team_actual(cx: &Ctx, members: &[RepIdx], rep: RepIdx, spec: &IndicatorSpec) -> Value {
    if let Some(parts) = parts_function(&spec.code) {
        let (mut num, mut den) = (Decimal::ZERO, Decimal::ZERO);
        for &m in members {
            let p = parts(cx, m, spec);
            num += p.num;
            den += p.den;
        }
        return ratio(num, den).ok_or_else(|| parts(cx, rep, spec).na);
    }
    let f = function(&spec.code).expect("the scheme only holds known indicator codes");
    members.iter().map(|&m| f(cx, m, spec)).sum()
}

/// A team indicator's target: Σ of the members' targets for the period,
/// over the members that have one (N/A when none has).
fn team_target(cx: &Ctx, members: &[RepIdx], team: &str, column: &str) -> Option<TargetValue> {
    let found: Vec<TargetValue> = members
        .iter()
        .filter_map(|&m| target(cx, m, cx.period(), column))
        .collect();
    (!found.is_empty()).then(|| TargetValue {
        value: found.iter().map(|t| t.value).sum(),
        source: TargetSource::Team {
            team: team.to_string(),
            members: members.len() as u32,
            with_target: found.len() as u32,
        },
    })
}

/// What one indicator comes to for a rep and period.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluated {
    /// The indicator's own value (sales in 元 for sales_achievement).
    pub actual: Value,
    /// The target, when the indicator is scored against one.
    pub target: Option<TargetValue>,
    /// The value that is scored: `actual`, or actual ÷ target.
    pub value: Value,
}

/// Compute one indicator for a rep in the context's period.
///
/// A team indicator (`scope = "team"`) is computed over
/// [`team_members`]; a rep without a team has no team value (N/A). The
/// team's value is the same for every member, and only the aggregate is
/// kept: nothing of another member's rows reaches the rep's results.
pub fn evaluate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Evaluated {
    let members = spec.team.then(|| team_members(cx, rep));
    if let Some(None) = members {
        let na = Err(Na::new(
            "团队指标：人员表中没有填写本人的团队",
            "team indicator: the roster gives no team for the rep",
        ));
        return Evaluated {
            actual: na.clone(),
            target: None,
            value: na,
        };
    }
    let members = members.flatten();
    let actual = match &members {
        Some(m) => team_actual(cx, m, rep, spec),
        None => {
            let f = function(&spec.code).expect("the scheme only holds known indicator codes");
            f(cx, rep, spec)
        }
    };
    let Some(column) = spec.target.as_deref() else {
        return Evaluated {
            value: actual.clone(),
            actual,
            target: None,
        };
    };
    let target = match &members {
        Some(m) => {
            let team = cx.ds.reps[rep as usize].team.as_deref().unwrap_or_default();
            team_target(cx, m, team, column)
        }
        None => target(cx, rep, cx.period(), column),
    };
    let value = match (&actual, &target) {
        (Err(na), _) => Err(na.clone()),
        (Ok(_), None) => Err(Na::new("没有本期目标", "no target for the period")),
        (Ok(_), Some(t)) if t.value <= Decimal::ZERO => {
            Err(Na::new("本期目标为 0", "the period's target is zero"))
        }
        (Ok(a), Some(t)) => {
            ratio(*a, t.value).ok_or_else(|| Na::new("本期目标为 0", "the period's target is zero"))
        }
    };
    Evaluated {
        actual,
        target,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;
    use crate::compute::{Index, PeriodIx};
    use crate::scheme::catalogue::INDICATORS;
    use crate::scheme::Defaults;

    #[test]
    fn every_catalogue_indicator_has_a_function() {
        for d in INDICATORS {
            assert!(function(d.code).is_some(), "{}", d.code);
        }
        assert!(function("rating:谈判能力").is_some());
        assert!(function("nope").is_none());
        // Every rate has parts to pool; totals, scores and days have none
        // (sales_achievement pools as Σ sales ÷ Σ targets).
        for d in INDICATORS {
            let expected = (d.unit == crate::scheme::catalogue::Unit::Percent
                && d.code != "sales_achievement")
                || matches!(d.code, "avg_deal_size" | "intent_followups_per_week");
            assert_eq!(parts_function(d.code).is_some(), expected, "{}", d.code);
        }
    }

    /// A ratio's parts give the same value as the indicator itself, for
    /// every rep of a small ledger.
    #[test]
    fn parts_and_values_agree() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        let b = l.rep("S002", "李四", "商务专员-B2B", "2025-01-01");
        l.customer("KH1", a, "2026-03-02 09:00", None);
        l.customer("KH2", b, "2025-01-01", None);
        l.contract("HT0", "KH2", b, "2025-06-01", "500");
        l.contract("HT1", "KH1", a, "2026-03-05", "1000")
            .gross_profit = Some(dec("300"));
        l.contract("HT2", "KH2", b, "2026-03-06", "2000");
        l.followup(a, "KH1", "2026-03-02 10:00", Some("intent"));
        l.followup(b, "KH2", "2026-03-03 10:00", Some("quote"));
        let ds = l.build();
        with_ctx(&ds, "2026-03", |cx| {
            for d in INDICATORS {
                let Some(parts) = parts_function(d.code) else {
                    continue;
                };
                let spec = IndicatorSpec::new(d.code).unwrap();
                for r in [a, b] {
                    let f = function(d.code).unwrap();
                    assert_eq!(parts(cx, r, &spec).value(), f(cx, r, &spec), "{}", d.code);
                }
            }
        });
    }

    /// Sales 150 000 against a March target of 120 000 → 1.25; no April
    /// target → N/A; a zero May target → N/A.
    #[test]
    fn achievement_divides_by_the_target() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        l.customer("KH1", a, "2026-01-01", None);
        l.contract("HT1", "KH1", a, "2026-03-05", "150000");
        l.contract("HT2", "KH1", a, "2026-05-05", "1");
        l.target(a, "2026-03").sales_target = Some(dec("120000"));
        l.target(a, "2026-05").sales_target = Some(dec("0"));
        let ds = l.build();
        let ix = Index::new(&ds);
        let d = Defaults::default();
        let mut spec = IndicatorSpec::new("sales_achievement").unwrap();
        spec.target = Some("sales_target".into());
        let eval = |p: &str| {
            let px = PeriodIx::new(&ds, period(p));
            evaluate(
                &Ctx {
                    ds: &ds,
                    ix: &ix,
                    px: &px,
                    defaults: &d,
                },
                a,
                &spec,
            )
        };
        let march = eval("2026-03");
        assert_eq!(
            (march.actual, march.value),
            (Ok(dec("150000")), Ok(dec("1.25")))
        );
        assert_eq!(march.target.map(|t| t.value), Some(dec("120000")));
        assert!(eval("2026-04").value.is_err());
        assert!(eval("2026-05").value.is_err());
    }

    /// Team scope, March 2026. Team 一部: S001, S002, S003 (left 03-20, so
    /// not a member on P.end 03-31) and S006 (hired 04-01: not yet); team
    /// 二部: S004 alone; S005 has no team.
    /// | rep  | contract signed in March | installment due in March            |
    /// | S001 | HT1 100 000 (03-05)      | 10 000 due 03-10, paid 10 000 03-10  |
    /// | S002 | HT2 50 000 (03-06)       | 30 000 due 03-15, paid 15 000 03-20  |
    /// | S003 | HT3 30 000 (03-07)       | 5 000 due 03-12, unpaid              |
    /// | S004 | HT4 70 000 (03-08)       | (due in April)                       |
    /// Team 一部 for S001 and S002 = {S001, S002}: sales 150 000; collection
    /// pooled (10 000 + 15 000) ÷ (10 000 + 30 000) = 0.625 (not the mean of
    /// 1 and 0.5). For S003 the team is {S001, S002} and himself: 180 000 and
    /// 25 000 ÷ 45 000 = 0.5555555556. S004: a team of one (70 000; nothing
    /// due: N/A, his own reason). S005: N/A (no team). Achievement: S001's
    /// sales target 120 000, S002 has none → 150 000 ÷ 120 000 = 1.25.
    #[test]
    fn team_scope_pools_the_team_on_the_period_end() {
        let mut l = Ledger::new();
        let rep = |l: &mut Ledger, id: &str, team: Option<&str>, hire: &str| {
            let r = l.rep(id, id, "商务专员-B2B", hire);
            l.last_rep().team = team.map(str::to_string);
            r
        };
        let a = rep(&mut l, "S001", Some("一部"), "2025-01-01");
        let b = rep(&mut l, "S002", Some("一部"), "2025-01-01");
        let c = rep(&mut l, "S003", Some("一部"), "2025-01-01");
        l.last_rep().leave_date = Some(day("2026-03-20"));
        let d = rep(&mut l, "S004", Some("二部"), "2025-01-01");
        let e = rep(&mut l, "S005", None, "2025-01-01");
        let f = rep(&mut l, "S006", Some("一部"), "2026-04-01");
        l.customer("KH1", a, "2026-01-01", None);
        let row = |l: &mut Ledger, id, r, sign, amount, due_amount, due| {
            l.installment(id, 1, "KH1", r, sign, amount, due_amount, due);
        };
        row(
            &mut l,
            "HT1",
            a,
            "2026-03-05",
            "100000",
            "10000",
            "2026-03-10",
        );
        l.installments_mut_last().amount_paid = Some(dec("10000"));
        l.installments_mut_last().paid_date = Some(day("2026-03-10"));
        row(
            &mut l,
            "HT2",
            b,
            "2026-03-06",
            "50000",
            "30000",
            "2026-03-15",
        );
        l.installments_mut_last().amount_paid = Some(dec("15000"));
        l.installments_mut_last().paid_date = Some(day("2026-03-20"));
        row(
            &mut l,
            "HT3",
            c,
            "2026-03-07",
            "30000",
            "5000",
            "2026-03-12",
        );
        row(
            &mut l,
            "HT4",
            d,
            "2026-03-08",
            "70000",
            "70000",
            "2026-04-08",
        );
        row(
            &mut l,
            "HT5",
            f,
            "2026-04-02",
            "99000",
            "99000",
            "2026-04-02",
        );
        l.target(a, "2026-03").sales_target = Some(dec("120000"));
        let ds = l.build();
        let ix = Index::new(&ds);
        let px = PeriodIx::new(&ds, period("2026-03"));
        let defaults = Defaults::default();
        let cx = Ctx {
            ds: &ds,
            ix: &ix,
            px: &px,
            defaults: &defaults,
        };
        assert_eq!(team_members(&cx, a), Some(vec![a, b]));
        assert_eq!(team_members(&cx, c), Some(vec![a, b, c]));
        assert_eq!(team_members(&cx, e), None);
        let team = |code: &str| {
            let mut s = IndicatorSpec::new(code).unwrap();
            s.team = true;
            s
        };
        let value = |r, s: &IndicatorSpec| evaluate(&cx, r, s).value;
        let sales = team("sales");
        assert_eq!(value(a, &sales), Ok(dec("150000")));
        assert_eq!(value(b, &sales), Ok(dec("150000")));
        assert_eq!(value(c, &sales), Ok(dec("180000")));
        assert_eq!(value(d, &sales), Ok(dec("70000")));
        assert!(value(e, &sales).is_err());
        let collection = team("collection_rate");
        assert_eq!(value(a, &collection), Ok(dec("0.625")));
        assert_eq!(value(b, &collection), Ok(dec("0.625")));
        assert_eq!(value(c, &collection), Ok(dec("0.5555555556")));
        assert_eq!(
            value(d, &collection).unwrap_err().en,
            "nothing fell due in the period"
        );
        // The personal value is untouched.
        let personal = IndicatorSpec::new("collection_rate").unwrap();
        assert_eq!(value(a, &personal), Ok(dec("1")));
        let mut achievement = team("sales_achievement");
        achievement.target = Some("sales_target".into());
        let got = evaluate(&cx, b, &achievement);
        assert_eq!(got.value, Ok(dec("1.25")));
        let t = got.target.unwrap();
        assert_eq!(t.value, dec("120000"));
        assert_eq!(
            t.source.describe(crate::Lang::Zh),
            "团队「一部」2 人中 1 人的目标之和"
        );
    }
}

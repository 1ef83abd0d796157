//! Which function computes which indicator, and the value that is scored:
//! the indicator's own value, or actual ÷ target for an indicator scored as
//! achievement against a target column (SPEC 5, "Achievement against a
//! target").

use rust_decimal::Decimal;

use super::targets::{target, TargetValue};
use super::{customers, manual, performance, process, ratio, Ctx, Na, Value};
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
pub fn evaluate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Evaluated {
    let f = function(&spec.code).expect("the scheme only holds known indicator codes");
    let actual = f(cx, rep, spec);
    let Some(column) = spec.target.as_deref() else {
        return Evaluated {
            value: actual.clone(),
            actual,
            target: None,
        };
    };
    let target = target(cx, rep, cx.period(), column);
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
}

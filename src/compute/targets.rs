//! Targets of a rep for a period (SPEC 4 and 7): a month's own target row;
//! for a quarter or year its own row column by column, else the sum of its
//! months' targets over the months that have one. A 目标调整 adjustment
//! replaces the target of the period it names; a month's adjustment also
//! flows into quarter and year sums.

use rust_decimal::Decimal;

use super::Ctx;
use crate::input::model::{Adjustment, AdjustmentKind, RepIdx, Target};
use crate::period::{Period, YearMonth};
use crate::text::fold;
use crate::Lang;

/// Where a target came from, for the workbook's note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSource {
    /// The period's own target row.
    Own,
    /// The sum of this many months' targets.
    SumOfMonths { months: u32 },
    /// A 目标调整 adjustment for the period (with its reason).
    Adjusted { reason: String },
    /// A team indicator's target: the sum of the targets of the team
    /// members that have one.
    Team {
        team: String,
        members: u32,
        with_target: u32,
    },
}

impl TargetSource {
    pub fn describe(&self, lang: Lang) -> String {
        match (self, lang) {
            (TargetSource::Own, _) => lang.pick("目标表", "target sheet").to_string(),
            (TargetSource::SumOfMonths { months }, Lang::Zh) => format!("{months} 个月目标之和"),
            (TargetSource::SumOfMonths { months }, Lang::En) => {
                format!("sum of {months} months' targets")
            }
            (TargetSource::Adjusted { reason }, Lang::Zh) => format!("目标调整：{reason}"),
            (TargetSource::Adjusted { reason }, Lang::En) => format!("target adjusted: {reason}"),
            (
                TargetSource::Team {
                    team,
                    members,
                    with_target,
                },
                Lang::Zh,
            ) => format!("团队「{team}」{members} 人中 {with_target} 人的目标之和"),
            (
                TargetSource::Team {
                    team,
                    members,
                    with_target,
                },
                Lang::En,
            ) => format!(
                "sum of the targets of {with_target} of the {members} members of team {team}"
            ),
        }
    }
}

/// A target value with its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetValue {
    pub value: Decimal,
    pub source: TargetSource,
}

/// The target columns and the names that point at them in an adjustment's
/// 指标 cell: the column key or header, or an indicator scored against it.
const TARGET_NAMES: &[(&str, &[&str])] = &[
    (
        "sales_target",
        &[
            "sales_target",
            "销售额目标",
            "sales_achievement",
            "销售额达成率",
            "sales",
            "销售额",
        ],
    ),
    (
        "new_customer_target",
        &[
            "new_customer_target",
            "新客户目标",
            "new_customers",
            "新客户开发数量",
        ],
    ),
    (
        "followup_target",
        &["followup_target", "跟进量目标", "followups", "跟进量"],
    ),
    (
        "area_target",
        &["area_target", "签约面积目标", "signed_area", "签约面积"],
    ),
];

/// Whether an adjustment's 指标 names this target column.
pub fn names_column(indicator: &str, column: &str) -> bool {
    let t = fold(indicator).to_lowercase();
    TARGET_NAMES
        .iter()
        .any(|(c, names)| *c == column && names.contains(&t.as_str()))
}

/// Whether a column key is a target column.
pub fn is_target_column(column: &str) -> bool {
    TARGET_NAMES.iter().any(|(c, _)| *c == column)
}

fn column_value(t: &Target, column: &str) -> Option<Decimal> {
    match column {
        "sales_target" => t.sales_target,
        "new_customer_target" => t.new_customer_target,
        "followup_target" => t.followup_target,
        "area_target" => t.area_target,
        _ => None,
    }
}

/// The rep's target for `column` in `period`, or `None` when there is none.
pub fn target(cx: &Ctx, rep: RepIdx, period: Period, column: &str) -> Option<TargetValue> {
    if let Some(adj) = adjustment(cx, rep, period, column) {
        return adj.value.map(|value| TargetValue {
            value,
            source: TargetSource::Adjusted {
                reason: adj.reason.clone(),
            },
        });
    }
    let own = cx.ix.targets_by_rep[rep as usize]
        .iter()
        .map(|&i| &cx.ds.targets[i as usize])
        .find(|t| t.period == period)
        .and_then(|t| column_value(t, column));
    if let Some(value) = own {
        return Some(TargetValue {
            value,
            source: TargetSource::Own,
        });
    }
    let months: Vec<YearMonth> = match period {
        Period::Month(_) => return None,
        Period::Quarter { year, quarter } => (quarter * 3 - 2..=quarter * 3)
            .map(|m| YearMonth { year, month: m })
            .collect(),
        Period::Year(year) => (1..=12).map(|m| YearMonth { year, month: m }).collect(),
    };
    let found: Vec<Decimal> = months
        .into_iter()
        .filter_map(|m| target(cx, rep, Period::Month(m), column).map(|t| t.value))
        .collect();
    (!found.is_empty()).then(|| TargetValue {
        value: found.iter().sum(),
        source: TargetSource::SumOfMonths {
            months: found.len() as u32,
        },
    })
}

/// The last 目标调整 of the rep for exactly this period naming the column.
fn adjustment<'a>(
    cx: &Ctx<'a>,
    rep: RepIdx,
    period: Period,
    column: &str,
) -> Option<&'a Adjustment> {
    cx.ix.adjustments_by_rep[rep as usize]
        .iter()
        .map(|&i| &cx.ds.adjustments[i as usize])
        .rfind(|a| {
            a.kind == AdjustmentKind::Target
                && a.period == period
                && a.indicator
                    .as_deref()
                    .is_some_and(|n| names_column(n, column))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;
    use crate::compute::{Index, PeriodIx};
    use crate::scheme::Defaults;

    #[test]
    fn own_rows_sums_of_months_and_adjustments() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        l.target(a, "2026-01").sales_target = Some(dec("100"));
        l.target(a, "2026-02").sales_target = Some(dec("200"));
        // March has a row but no sales target; its follow-up target only.
        l.target(a, "2026-03").followup_target = Some(dec("40"));
        l.target(a, "2026-04").sales_target = Some(dec("400"));
        l.target(a, "2026-Q2").new_customer_target = Some(dec("9"));
        // February's target adjusted to 150 (product supply stopped).
        l.adjustment(
            a,
            "2026-02",
            AdjustmentKind::Target,
            Some("销售额达成率"),
            Some("150"),
            "产品断供",
        );
        let ds = l.build();
        let (ix, px, d) = (
            Index::new(&ds),
            PeriodIx::new(&ds, period("2026")),
            Defaults::default(),
        );
        let cx = Ctx {
            ds: &ds,
            ix: &ix,
            px: &px,
            defaults: &d,
        };
        let t = |p: &str, col: &str| target(&cx, a, period(p), col);
        assert_eq!(
            t("2026-01", "sales_target"),
            Some(TargetValue {
                value: dec("100"),
                source: TargetSource::Own
            })
        );
        assert_eq!(
            t("2026-02", "sales_target"),
            Some(TargetValue {
                value: dec("150"),
                source: TargetSource::Adjusted {
                    reason: "产品断供".into()
                }
            })
        );
        assert_eq!(t("2026-03", "sales_target"), None);
        // Q1 = 100 + 150 (adjusted) over the 2 months that have one.
        assert_eq!(
            t("2026-Q1", "sales_target"),
            Some(TargetValue {
                value: dec("250"),
                source: TargetSource::SumOfMonths { months: 2 }
            })
        );
        // Q2's own row has no sales target: the sum of its months (April only).
        assert_eq!(
            t("2026-Q2", "sales_target"),
            Some(TargetValue {
                value: dec("400"),
                source: TargetSource::SumOfMonths { months: 1 }
            })
        );
        assert_eq!(
            t("2026-Q2", "new_customer_target"),
            Some(TargetValue {
                value: dec("9"),
                source: TargetSource::Own
            })
        );
        // Year: 100 + 150 + 400.
        assert_eq!(t("2026", "sales_target").map(|t| t.value), Some(dec("650")));
        assert_eq!(t("2026-Q3", "sales_target"), None);
        assert!(
            names_column("销售额目标", "sales_target") && !names_column("跟进量", "sales_target")
        );
    }
}

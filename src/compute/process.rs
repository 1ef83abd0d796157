//! 流程执行 process-execution indicators (SPEC 5): lead response, intent
//! follow-up frequency, follow-up count, conversion, contract approval and
//! the two ledger-quality indicators.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use crate::columns::Kind;
use crate::model::{ContractType, RepIdx, RowMeta};
use crate::scheme::IndicatorSpec;

use super::{ratio, Ctx, Na, Value};

/// The part of a date-sorted index list whose dates lie in P.
fn within<'a>(cx: &Ctx, list: &'a [u32], date: impl Fn(u32) -> NaiveDate + Copy) -> &'a [u32] {
    let from = list.partition_point(|&i| date(i) < cx.start());
    let to = list.partition_point(|&i| date(i) <= cx.end());
    &list[from..to.max(from)]
}

/// r's follow-ups dated in P (indexes into `ds.followups`, by time).
pub(crate) fn followups_in_period<'a>(cx: &Ctx<'a>, rep: RepIdx) -> &'a [u32] {
    let ds = cx.ds;
    within(cx, &cx.ix.followups_by_rep[rep as usize], |i| {
        ds.followups[i as usize].time.date()
    })
}

/// Customers owned by r on their lead date whose lead date lies in P
/// (indexes into `ds.customers`, by lead time).
fn leads_in_period<'a>(cx: &Ctx<'a>, rep: RepIdx) -> &'a [u32] {
    let ds = cx.ds;
    within(cx, &cx.ix.leads_by_owner[rep as usize], |i| {
        ds.customers[i as usize].facts().lead_time.date()
    })
}

fn is_intent(cx: &Ctx, stage: Option<&str>) -> bool {
    stage.is_some_and(|s| cx.defaults.intent_stages.contains(&s))
}

/// 新线索24小时跟进率 first_followup_24h (SPEC 5): "leads = customers with
/// owner r and lead(c)∈P; timely when the earliest follow-up on c (by
/// anyone) at or after lead(c) is ≤ lead(c) + 24 h; when lead(c) or that
/// follow-up is date-only: its date ≤ date(lead(c)) + 1 day. A lead with no
/// follow-up is not timely."
///
/// - leads: `leads_by_owner[r]` (owner on the lead's date, SPEC 5 credit)
///   whose lead date lies in P;
/// - "at or after": both date-times compare as date-times; when either is
///   date-only they compare as dates, so a date-only follow-up on the
///   lead's day counts, and so does a timed follow-up on a date-only
///   lead's day. Follow-ups before the lead are ignored;
/// - the earliest is the first such follow-up in time order (a date-only
///   stamp sorts at 00:00 of its day);
/// - exactly lead + 24 h is timely, one minute more is not.
///
/// N/A when r has no leads in P.
pub fn first_followup_24h(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let leads = leads_in_period(cx, rep);
    let timely = leads
        .iter()
        .filter(|&&i| {
            let c = &cx.ds.customers[i as usize];
            let lead = c.facts().lead_time;
            let Some(fs) = cx.ix.followups_by_customer.get(&c.customer_id) else {
                return false;
            };
            let coarse = |t: crate::parse::date::Stamp| t.is_date_only() || lead.is_date_only();
            let first = fs
                .iter()
                .map(|&fi| cx.ds.followups[fi as usize].time)
                .find(|&t| {
                    if coarse(t) {
                        t.date() >= lead.date()
                    } else {
                        t.datetime() >= lead.datetime()
                    }
                });
            first.is_some_and(|t| {
                if coarse(t) {
                    t.date() <= lead.date() + Duration::days(1)
                } else {
                    t.datetime() <= lead.datetime() + Duration::hours(24)
                }
            })
        })
        .count();
    ratio(Decimal::from(timely), Decimal::from(leads.len()))
        .ok_or_else(|| Na::new("本期没有新线索", "no new leads in the period"))
}

/// 意向客户周跟进频次 intent_followups_per_week (SPEC 5): "IC = customers
/// with a follow-up by r in P at an intent stage; value = (r's follow-ups in
/// P on customers in IC) ÷ (|IC| × days(P) ÷ 7)".
///
/// Intent stages are the scheme's `intent_stages` (default 意向, 方案, 报价,
/// 谈判; 签约 is not one). Every follow-up by r in P on a customer of IC
/// counts, whatever its stage. Computed exactly as (count × 7) ÷ (|IC| ×
/// days(P)) and rounded half away from zero to 10 places, like a ratio.
/// N/A when IC is empty.
pub fn intent_followups_per_week(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let fs = followups_in_period(cx, rep);
    let ic: HashSet<&str> = fs
        .iter()
        .map(|&i| &cx.ds.followups[i as usize])
        .filter(|f| is_intent(cx, f.stage))
        .map(|f| f.customer_id.as_str())
        .collect();
    let n = fs
        .iter()
        .filter(|&&i| ic.contains(cx.ds.followups[i as usize].customer_id.as_str()))
        .count();
    let den = Decimal::from(ic.len()) * Decimal::from(super::days(cx.period()));
    ratio(Decimal::from(n) * Decimal::from(7), den).ok_or_else(|| {
        Na::new(
            "本期没有意向阶段的跟进客户",
            "no customers followed up at an intent stage in the period",
        )
    })
}

/// 跟进量 followups (SPEC 5): "r's follow-ups in P (option `methods`
/// filters, e.g. only 拜访)".
///
/// With `methods` set, only follow-ups whose method is one of them count (a
/// follow-up without a method then does not). A count: 0 when there is
/// none, never N/A.
pub fn followups(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    let fs = followups_in_period(cx, rep);
    let n = if spec.methods.is_empty() {
        fs.len()
    } else {
        fs.iter()
            .filter(|&&i| {
                cx.ds.followups[i as usize]
                    .method
                    .is_some_and(|m| spec.methods.contains(&m))
            })
            .count()
    };
    Ok(Decimal::from(n))
}

/// 客户转化率 conversion_rate (SPEC 5): "E = prospects (customers with no
/// contract before P.start) that have a follow-up by r in P at an intent
/// stage or 签约; share of E whose first contract F(c) falls in P and is
/// credited to r (as for new_customers)".
///
/// - prospect: no contract of any rep signed before P.start (F(c) absent or
///   ≥ P.start);
/// - E: such customers with a follow-up by r dated in P whose stage is one
///   of `intent_stages` or `signed`;
/// - converted: F(c) ∈ P and the customer's earliest contract (tie: lowest
///   contract id) has rep r. A first deal signed by another rep is not r's
///   conversion.
///
/// N/A when E is empty.
pub fn conversion_rate(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let start = cx.start();
    let p = cx.period();
    let mut e: HashSet<&str> = HashSet::new();
    for &i in followups_in_period(cx, rep) {
        let f = &cx.ds.followups[i as usize];
        if !(is_intent(cx, f.stage) || f.stage == Some("signed")) {
            continue;
        }
        if cx.first_sign(&f.customer_id).is_none_or(|s| s >= start) {
            e.insert(f.customer_id.as_str());
        }
    }
    let converted = e
        .iter()
        .filter(|id| {
            cx.ix.first_contract(id).is_some_and(|ci| {
                let c = &cx.ds.contracts[ci as usize];
                p.contains(c.sign_date) && c.rep == rep
            })
        })
        .count();
    ratio(Decimal::from(converted), Decimal::from(e.len())).ok_or_else(|| {
        Na::new(
            "本期没有处于意向或签约阶段的潜在客户",
            "no prospects followed up at an intent or signing stage in the period",
        )
    })
}

/// 合同审批及时率 approval_on_time_rate (SPEC 5): "over r's contracts with
/// approved_date∈P and a submitted_date: share with working days in
/// (submitted, approved] ≤ 3 (regular) or ≤ 5 (special); limits are
/// options".
///
/// Contracts are r's own (r(C) = r). Working days come from the run's
/// calendar: built-in holidays and 调休 workdays, overridden by the company
/// calendar sheet. A special (特殊/定制) contract uses
/// `approval_days_special`; a regular one or one without a type uses
/// `approval_days_regular`. An approval dated before its submission counts
/// as 0 working days (on time). N/A when no such contract.
pub fn approval_on_time_rate(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let p = cx.period();
    let d = cx.defaults;
    let mut all = 0u32;
    let mut on_time = 0u32;
    for &ci in &cx.ix.contracts_by_rep[rep as usize] {
        let c = &cx.ds.contracts[ci as usize];
        let (Some(submitted), Some(approved)) = (c.submitted_date, c.approved_date) else {
            continue;
        };
        if !p.contains(approved) {
            continue;
        }
        all += 1;
        let limit = match c.contract_type {
            Some(ContractType::Special) => d.approval_days_special,
            _ => d.approval_days_regular,
        };
        if cx.ds.calendar.working_days_between(submitted, approved) <= limit {
            on_time += 1;
        }
    }
    ratio(Decimal::from(on_time), Decimal::from(all)).ok_or_else(|| {
        Na::new(
            "本期没有已完成审批且填有提交日期的合同",
            "no contracts approved in the period with a submission date",
        )
    })
}

/// The rows of r's ledgers for the period (SPEC 5, ledger_completeness):
/// the customer rows of r's leads dated in P, each as it stands on P's
/// last day (`state_on(P.end)`); r's follow-ups in P; r's payment rows with
/// sign or due date in P.
fn period_rows<'a>(cx: &Ctx<'a>, rep: RepIdx) -> Vec<(Kind, &'a RowMeta)> {
    let ds = cx.ds;
    let p = cx.period();
    let mut rows = Vec::new();
    for &i in leads_in_period(cx, rep) {
        rows.push((
            Kind::Customers,
            &ds.customers[i as usize].state_on(cx.end()).meta,
        ));
    }
    for &i in followups_in_period(cx, rep) {
        rows.push((Kind::Followups, &ds.followups[i as usize].meta));
    }
    for &i in &cx.ix.installments_by_rep[rep as usize] {
        let r = &ds.installments[i as usize];
        if p.contains(r.sign_date) || p.contains(r.due_date) {
            rows.push((Kind::Payments, &r.meta));
        }
    }
    rows
}

/// 台账填写完整率 ledger_completeness (SPEC 5): "over r's rows of the period
/// (customers owned by r on their lead date with lead(c)∈P, each row as it
/// stands on P's last day; r's follow-ups in P; r's payment rows with
/// sign_date or due_date in P): filled ÷ expected cells, where expected =
/// the ledger's completeness columns (scheme option; default all listed
/// optional columns except amount_paid, paid_date, end_date, referrer) that
/// exist in that sheet; a cell with a warning counts as filled (it makes the
/// row inaccurate instead)".
///
/// Per row: expected = the kind's completeness columns present in the
/// row's own sheet (a column missing from a sheet is expected of none of
/// its rows); filled = those whose bit is set in the row's `filled` mask
/// (a warned cell has its bit set). N/A when no expected cells (no rows, or
/// no completeness column in their sheets).
pub fn ledger_completeness(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let mut expected = 0u64;
    let mut filled = 0u64;
    for (kind, meta) in period_rows(cx, rep) {
        let Some(keys) = cx.defaults.completeness.get(&kind) else {
            continue;
        };
        let Some(sheet) = cx.ds.sheets.get(meta.src.sheet as usize) else {
            continue;
        };
        let cols = kind.columns();
        for key in keys {
            if !sheet.has_column(key) {
                continue;
            }
            let Some(bit) = cols.iter().position(|c| c.key == *key) else {
                continue;
            };
            expected += 1;
            if meta.filled & (1u32 << bit) != 0 {
                filled += 1;
            }
        }
    }
    ratio(Decimal::from(filled), Decimal::from(expected)).ok_or_else(|| {
        Na::new(
            "本期没有需要填写的台账单元格",
            "no ledger cells to fill in the period",
        )
    })
}

/// 台账准确率 ledger_accuracy (SPEC 5): "the rows of ledger_completeness plus
/// the customer, follow-up and payment rows left out with an error whose
/// rep resolves to r and one of whose readable dates (lead time, follow-up
/// time, sign or due date) lies in P: rows with no error or warning ÷ all of
/// them. Rows whose rep cannot be resolved count for nobody".
///
/// Accurate rows: those of ledger_completeness without a warning. Rejected
/// rows (`ds.rejected` of kind customers, follow-ups or payments resolved to
/// r, with any readable date in P) are never accurate. N/A when no rows.
pub fn ledger_accuracy(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let p = cx.period();
    let rows = period_rows(cx, rep);
    let accurate = rows.iter().filter(|(_, m)| !m.warned).count();
    let rejected = cx.ix.rejected_by_rep[rep as usize]
        .iter()
        .map(|&i| &cx.ds.rejected[i as usize])
        .filter(|r| {
            matches!(r.kind, Kind::Customers | Kind::Followups | Kind::Payments)
                && r.dates.iter().any(|&d| p.contains(d))
        })
        .count();
    ratio(
        Decimal::from(accurate),
        Decimal::from(rows.len() + rejected),
    )
    .ok_or_else(|| Na::new("本期没有台账行", "no ledger rows in the period"))
}

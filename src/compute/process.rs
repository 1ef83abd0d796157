//! 流程执行 process-execution indicators (SPEC 5): lead response, intent
//! follow-up frequency, follow-up count, conversion, contract approval and
//! the two ledger-quality indicators.

use std::collections::HashSet;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use crate::input::columns::Kind;
use crate::input::model::{Code, ContractType, RepIdx, RowMeta};
use crate::input::parse::date::Stamp;
use crate::scheme::IndicatorSpec;

use super::{ratio, Ctx, Na, Parts, Value};

/// The part of a date-sorted index list whose dates lie in P.
pub(crate) fn within<'a>(cx: &Ctx, list: &'a [u32], date: impl Fn(u32) -> NaiveDate) -> &'a [u32] {
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
pub(crate) fn leads_in_period<'a>(cx: &Ctx<'a>, rep: RepIdx) -> &'a [u32] {
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
pub fn first_followup_24h_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let leads = leads_in_period(cx, rep);
    let timely = leads
        .iter()
        .filter(|&&i| {
            let c = &cx.ds.customers[i as usize];
            let lead = c.facts().lead_time;
            let Some(fs) = cx.ix.followups_by_customer.get(&c.customer_id) else {
                return false;
            };
            let coarse = |t: Stamp| t.is_date_only() || lead.is_date_only();
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
    Parts::new(
        Decimal::from(timely),
        Decimal::from(leads.len()),
        Na::new("本期没有新线索", "no new leads in the period"),
    )
}

/// [`first_followup_24h_parts`] as a value.
pub fn first_followup_24h(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    first_followup_24h_parts(cx, rep, spec).value()
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
pub fn intent_followups_per_week_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let fs = followups_in_period(cx, rep);
    let ic: HashSet<&str> = fs
        .iter()
        .map(|&i| &cx.ds.followups[i as usize])
        .filter(|f| is_intent(cx, f.stage.map(Code::as_str)))
        .map(|f| f.customer_id.as_ref())
        .collect();
    let n = fs
        .iter()
        .filter(|&&i| ic.contains(cx.ds.followups[i as usize].customer_id.as_ref()))
        .count();
    let den = Decimal::from(ic.len()) * Decimal::from(cx.period().days());
    Parts::new(
        Decimal::from(n) * Decimal::from(7),
        den,
        Na::new(
            "本期没有意向阶段的跟进客户",
            "no customers followed up at an intent stage in the period",
        ),
    )
}

/// [`intent_followups_per_week_parts`] as a value.
pub fn intent_followups_per_week(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    intent_followups_per_week_parts(cx, rep, spec).value()
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
                    .is_some_and(|m| spec.methods.contains(&m.as_str()))
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
pub fn conversion_rate_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let start = cx.start();
    let p = cx.period();
    let mut e: HashSet<&str> = HashSet::new();
    for &i in followups_in_period(cx, rep) {
        let f = &cx.ds.followups[i as usize];
        let stage = f.stage.map(Code::as_str);
        if !(is_intent(cx, stage) || stage == Some("signed")) {
            continue;
        }
        if cx.first_sign(&f.customer_id).is_none_or(|s| s >= start) {
            e.insert(f.customer_id.as_ref());
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
    Parts::new(
        Decimal::from(converted),
        Decimal::from(e.len()),
        Na::new(
            "本期没有处于意向或签约阶段的潜在客户",
            "no prospects followed up at an intent or signing stage in the period",
        ),
    )
}

/// [`conversion_rate_parts`] as a value.
pub fn conversion_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    conversion_rate_parts(cx, rep, spec).value()
}

/// 意向客户跟进达标率 intent_followup_coverage (SPEC 5, second round):
/// "over IC (as intent_followups_per_week): share of customers with ≥
/// `times_per_week` (default 2) follow-ups by r in every full calendar week
/// (Mon–Sun) of P from their first intent follow-up in P on; a customer
/// with no full week left is not counted".
///
/// - IC and t₀: the customers with a follow-up by r in P at an intent
///   stage; t₀ the date of the first such follow-up;
/// - the customer's weeks: every Monday–Sunday week lying wholly in P
///   whose Monday is on or after t₀ (a week that starts before t₀ is not
///   "from t₀ on"; a week running past P.end is not full in P);
/// - every follow-up by r on the customer dated in a week counts, whatever
///   its stage (as for intent_followups_per_week);
/// - covered: each of its weeks has ≥ `times_per_week` of them.
///
/// N/A when no customer of IC has a week.
pub fn intent_followup_coverage_parts(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Parts {
    use chrono::Datelike;
    let fs = followups_in_period(cx, rep);
    // Per customer: the date of r's first intent follow-up in P (fs is by
    // time), and the dates of all of r's follow-ups on it in P.
    let mut by_customer: std::collections::HashMap<&str, (Option<NaiveDate>, Vec<NaiveDate>)> =
        Default::default();
    for &i in fs {
        let f = &cx.ds.followups[i as usize];
        let e = by_customer.entry(&f.customer_id).or_default();
        if e.0.is_none() && is_intent(cx, f.stage.map(Code::as_str)) {
            e.0 = Some(f.time.date());
        }
        e.1.push(f.time.date());
    }
    let end = cx.end();
    let need = spec.times_per_week as usize;
    let (mut counted, mut covered) = (0u32, 0u32);
    for (t0, dates) in by_customer.values() {
        let Some(t0) = *t0 else { continue };
        let monday = t0 + Duration::days((7 - i64::from(t0.weekday().num_days_from_monday())) % 7);
        if monday + Duration::days(6) > end {
            continue;
        }
        counted += 1;
        let every_week = (0..)
            .map(|k| monday + Duration::days(7 * k))
            .take_while(|m| *m + Duration::days(6) <= end)
            .all(|m| {
                dates
                    .iter()
                    .filter(|&&d| d >= m && d <= m + Duration::days(6))
                    .count()
                    >= need
            });
        if every_week {
            covered += 1;
        }
    }
    Parts::new(
        Decimal::from(covered),
        Decimal::from(counted),
        Na::new(
            "本期没有可计完整周的意向客户",
            "no intent customer with a full week left in the period",
        ),
    )
}

/// [`intent_followup_coverage_parts`] as a value.
pub fn intent_followup_coverage(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    intent_followup_coverage_parts(cx, rep, spec).value()
}

/// r's contracts with approved_date ∈ P and a submitted_date, each with its
/// working days in (submitted, approved] and whether it is special.
fn approvals(cx: &Ctx, rep: RepIdx) -> Vec<(i64, bool)> {
    let p = cx.period();
    cx.ix.contracts_by_rep[rep as usize]
        .iter()
        .map(|&ci| &cx.ds.contracts[ci as usize])
        .filter_map(|c| match (c.submitted_date, c.approved_date) {
            (Some(s), Some(a)) if p.contains(a) => Some((
                cx.ds.calendar.working_days_between(s, a),
                c.contract_type == Some(ContractType::Special),
            )),
            _ => None,
        })
        .collect()
}

fn no_approvals() -> Na {
    Na::new(
        "本期没有已完成审批且填有提交日期的合同",
        "no contracts approved in the period with a submission date",
    )
}

/// 合同审批平均时长 approval_avg_days (SPEC 5, second round): "over the
/// contracts of approval_on_time_rate: mean of working days in (submitted,
/// approved]". Working days as for approval_on_time_rate (the calendar;
/// an approval dated before its submission counts 0). Lower is better.
/// N/A when no such contract.
pub fn approval_avg_days(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let list = approvals(cx, rep);
    let total: i64 = list.iter().map(|(d, _)| (*d).max(0)).sum();
    ratio(Decimal::from(total), Decimal::from(list.len())).ok_or_else(no_approvals)
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
pub fn approval_on_time_rate_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let d = cx.defaults;
    let list = approvals(cx, rep);
    let on_time = list
        .iter()
        .filter(|&&(days, special)| {
            days <= if special {
                d.approval_days_special
            } else {
                d.approval_days_regular
            }
        })
        .count();
    Parts::new(
        Decimal::from(on_time),
        Decimal::from(list.len()),
        no_approvals(),
    )
}

/// [`approval_on_time_rate_parts`] as a value.
pub fn approval_on_time_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    approval_on_time_rate_parts(cx, rep, spec).value()
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
pub fn ledger_completeness_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
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
    Parts::new(
        Decimal::from(filled),
        Decimal::from(expected),
        Na::new(
            "本期没有需要填写的台账单元格",
            "no ledger cells to fill in the period",
        ),
    )
}

/// [`ledger_completeness_parts`] as a value.
pub fn ledger_completeness(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    ledger_completeness_parts(cx, rep, spec).value()
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
pub fn ledger_accuracy_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
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
    Parts::new(
        Decimal::from(accurate),
        Decimal::from(rows.len() + rejected),
        Na::new("本期没有台账行", "no ledger rows in the period"),
    )
}

/// [`ledger_accuracy_parts`] as a value.
pub fn ledger_accuracy(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    ledger_accuracy_parts(cx, rep, spec).value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;
    use crate::input::dataset::Dataset;

    type Indicator = fn(&Ctx, RepIdx, &IndicatorSpec) -> Value;

    fn run_spec(ds: &Dataset, p: &str, rep: RepIdx, spec: &IndicatorSpec, f: Indicator) -> Value {
        with_ctx(ds, p, |cx| f(cx, rep, spec))
    }

    fn run(ds: &Dataset, p: &str, rep: RepIdx, code: &str, f: Indicator) -> Value {
        run_spec(
            ds,
            p,
            rep,
            &IndicatorSpec::new(code).expect("known code"),
            f,
        )
    }

    fn reps(l: &mut Ledger) -> (RepIdx, RepIdx, RepIdx) {
        (
            l.rep("A01", "张三", "商务专员", "2024-01-01"),
            l.rep("B01", "李四", "商务专员", "2024-01-01"),
            l.rep("C01", "王五", "商务专员", "2024-01-01"),
        )
    }

    /// P = 2026-03, rep A's leads (owner on the lead's date):
    /// - l01 lead 03-02 09:00, B follows up 03-03 09:00: exactly 24 h → timely;
    /// - l02 lead 03-02 09:00, follow-up 03-03 09:01: 24 h + 1 min → not;
    /// - l03 lead 03-04 10:00, follow-ups 03-04 08:00 (before the lead,
    ///   ignored) and 03-06 10:00 → not;
    /// - l04 lead date-only 03-05, follow-up 03-06 23:59 → date 03-06 ≤
    ///   03-05 + 1 → timely;
    /// - l05 lead date-only 03-05, follow-up date-only 03-07 → not;
    /// - l06 lead 03-09 17:00, date-only follow-up 03-09 (same day counts as
    ///   at or after) → 03-09 ≤ 03-10 → timely;
    /// - l07 lead 03-10 11:00, no follow-up → not;
    /// - l08 lead 2026-02-28 20:00 → not in P;
    /// - l09 lead 03-12 09:00, owner B in the 2026-03 snapshot (A only from
    ///   2026-04) → B's lead;
    /// - l10 lead 03-31 23:00, follow-up 04-01 22:00 (after P, within 24 h)
    ///   → timely.
    ///
    /// leads(A) = l01–l07, l10 = 8; timely = l01, l04, l06, l10 = 4 → 0.5.
    /// leads(B) = l09 = 1, followed up 03-12 09:30 → 1.
    #[test]
    fn first_followup_24h_worked_example() {
        let mut l = Ledger::new();
        let (a, b, c) = reps(&mut l);
        let lead = |l: &mut Ledger, id: &str, at: &str| {
            l.customer(id, a, at, None);
        };
        lead(&mut l, "l01", "2026-03-02 09:00");
        lead(&mut l, "l02", "2026-03-02 09:00");
        lead(&mut l, "l03", "2026-03-04 10:00");
        lead(&mut l, "l04", "2026-03-05");
        lead(&mut l, "l05", "2026-03-05");
        lead(&mut l, "l06", "2026-03-09 17:00");
        lead(&mut l, "l07", "2026-03-10 11:00");
        lead(&mut l, "l08", "2026-02-28 20:00");
        l.customer("l09", b, "2026-03-12 09:00", Some("2026-03"));
        l.customer("l09", a, "2026-03-12 09:00", Some("2026-04"));
        lead(&mut l, "l10", "2026-03-31 23:00");
        l.followup(b, "l01", "2026-03-03 09:00", None);
        l.followup(a, "l02", "2026-03-03 09:01", None);
        l.followup(a, "l03", "2026-03-04 08:00", None);
        l.followup(a, "l03", "2026-03-06 10:00", None);
        l.followup(a, "l04", "2026-03-06 23:59", None);
        l.followup(a, "l05", "2026-03-07", None);
        l.followup(a, "l06", "2026-03-09", None);
        l.followup(a, "l08", "2026-03-01 08:00", None);
        l.followup(b, "l09", "2026-03-12 09:30", None);
        l.followup(a, "l10", "2026-04-01 22:00", None);
        let ds = l.build();
        let f = first_followup_24h;
        assert_eq!(
            run(&ds, "2026-03", a, "first_followup_24h", f),
            Ok(dec("0.5"))
        );
        assert_eq!(
            run(&ds, "2026-03", b, "first_followup_24h", f),
            Ok(dec("1"))
        );
        assert_eq!(
            run(&ds, "2026-03", c, "first_followup_24h", f),
            Err(Na::new("本期没有新线索", "no new leads in the period"))
        );
    }

    /// Follow-ups by A (stage in brackets):
    /// - i1: 03-02 [intent], 03-09 [–], 03-16 [signed] → in IC, 3 follow-ups;
    /// - i2: 03-05 [quote], 04-02 [quote] (outside P) → in IC, 1;
    /// - i3: 03-05 [lead], 03-06 [signed] → not in IC (签约 is no intent stage);
    /// - i4: A 03-07 [lead]; B 03-08 [intent] → not in A's IC (B's intent);
    /// - i5: 02-27 [intent], 03-03 [–] → not in IC for March.
    ///
    /// March (31 days): IC = {i1, i2}, 4 follow-ups:
    /// 4 ÷ (2 × 31 ÷ 7) = 28 ÷ 62 = 0.451612903225… → 0.4516129032.
    /// 2026-Q1 (90 days): IC = {i1, i2, i5}, follow-ups 3 + 1 + 2 = 6:
    /// 6 ÷ (3 × 90 ÷ 7) = 42 ÷ 270 = 0.155555… → 0.1555555556.
    /// B in March: IC = {i4}, 1 follow-up: 7 ÷ 31 = 0.225806451612… → 0.2258064516.
    #[test]
    fn intent_followups_per_week_worked_example() {
        let mut l = Ledger::new();
        let (a, b, c) = reps(&mut l);
        l.followup(a, "i1", "2026-03-02 10:00", Some("intent"));
        l.followup(a, "i1", "2026-03-09", None);
        l.followup(a, "i1", "2026-03-16", Some("signed"));
        l.followup(a, "i2", "2026-03-05", Some("quote"));
        l.followup(a, "i2", "2026-04-02", Some("quote"));
        l.followup(a, "i3", "2026-03-05", Some("lead"));
        l.followup(a, "i3", "2026-03-06", Some("signed"));
        l.followup(a, "i4", "2026-03-07", Some("lead"));
        l.followup(b, "i4", "2026-03-08", Some("intent"));
        l.followup(a, "i5", "2026-02-27", Some("intent"));
        l.followup(a, "i5", "2026-03-03", None);
        let ds = l.build();
        let f = intent_followups_per_week;
        let code = "intent_followups_per_week";
        assert_eq!(run(&ds, "2026-03", a, code, f), Ok(dec("0.4516129032")));
        assert_eq!(run(&ds, "2026-Q1", a, code, f), Ok(dec("0.1555555556")));
        assert_eq!(run(&ds, "2026-03", b, code, f), Ok(dec("0.2258064516")));
        assert!(run(&ds, "2026-03", c, code, f).is_err());
        // A's follow-ups in May: none at all.
        assert!(run(&ds, "2026-05", a, code, f).is_err());
    }

    /// A in March: 03-01 visit, 03-10 no method, 03-15 call, 03-31 23:59
    /// visit = 4 (02-28 and 04-01 are outside; B's visit is B's).
    /// Only visits: 2. Visits and calls: 3.
    #[test]
    fn followups_counts_and_methods() {
        let mut l = Ledger::new();
        let (a, b, c) = reps(&mut l);
        l.followup(a, "x", "2026-02-28 23:59", None).method = Some(Code::of("visit"));
        l.followup(a, "x", "2026-03-01", None).method = Some(Code::of("visit"));
        l.followup(a, "y", "2026-03-10", None);
        l.followup(a, "x", "2026-03-15 10:00", None).method = Some(Code::of("call"));
        l.followup(a, "z", "2026-03-31 23:59", None).method = Some(Code::of("visit"));
        l.followup(a, "x", "2026-04-01", None).method = Some(Code::of("visit"));
        l.followup(b, "x", "2026-03-10", None).method = Some(Code::of("visit"));
        let ds = l.build();
        assert_eq!(
            run(&ds, "2026-03", a, "followups", followups),
            Ok(Decimal::from(4))
        );
        let mut spec = IndicatorSpec::new("followups").unwrap();
        spec.methods = vec!["visit"];
        assert_eq!(
            run_spec(&ds, "2026-03", a, &spec, followups),
            Ok(Decimal::from(2))
        );
        spec.methods = vec!["visit", "call"];
        assert_eq!(
            run_spec(&ds, "2026-03", a, &spec, followups),
            Ok(Decimal::from(3))
        );
        // A count over no rows is 0, not N/A.
        assert_eq!(
            run(&ds, "2026-03", c, "followups", followups),
            Ok(Decimal::ZERO)
        );
    }

    /// P = 2026-03, rep A:
    /// - v01 A [intent] 03-03; first deal 03-20 by A → E, converted;
    /// - v02 A [negotiation] 03-04; first deal 03-21 by B → E, not converted;
    /// - v03 A [signed] 03-05; HT-10 (A) and HT-9 (B) both 03-22: byte order
    ///   puts HT-10 first → E, converted by A;
    /// - v04 A [proposal] 03-06; no contract → E, not converted;
    /// - v05 A [intent] 03-07; first deal 2026-04-02 → E, not converted;
    /// - v06 A [intent] 03-08; a contract 2025-12-01 → not a prospect;
    /// - v07 A [lead] 03-09; deal 03-25 by A → not in E (stage);
    /// - v08 B [intent] 03-10; deal 03-26 by A → not in A's E;
    /// - v09 A [intent] 2026-02-20 only; deal 03-05 by A → not in E;
    /// - v10 A [intent] 03-11; deal on P.start 03-01 by A → nothing before
    ///   P.start, so a prospect → E, converted.
    ///
    /// E = {v01, v02, v03, v04, v05, v10} = 6; converted = {v01, v03, v10}
    /// = 3 → 0.5.
    #[test]
    fn conversion_rate_worked_example() {
        let mut l = Ledger::new();
        let (a, b, c) = reps(&mut l);
        l.followup(a, "v01", "2026-03-03", Some("intent"));
        l.followup(a, "v02", "2026-03-04", Some("negotiation"));
        l.followup(a, "v03", "2026-03-05", Some("signed"));
        l.followup(a, "v04", "2026-03-06", Some("proposal"));
        l.followup(a, "v05", "2026-03-07", Some("intent"));
        l.followup(a, "v06", "2026-03-08", Some("intent"));
        l.followup(a, "v07", "2026-03-09", Some("lead"));
        l.followup(b, "v08", "2026-03-10", Some("intent"));
        l.followup(a, "v09", "2026-02-20", Some("intent"));
        l.followup(a, "v10", "2026-03-11", Some("intent"));
        l.contract("HT-01", "v01", a, "2026-03-20", "100");
        l.contract("HT-02", "v02", b, "2026-03-21", "100");
        l.contract("HT-10", "v03", a, "2026-03-22", "100");
        l.contract("HT-9", "v03", b, "2026-03-22", "100");
        l.contract("HT-05", "v05", a, "2026-04-02", "100");
        l.contract("HT-06", "v06", a, "2025-12-01", "100");
        l.contract("HT-07", "v07", a, "2026-03-25", "100");
        l.contract("HT-08", "v08", a, "2026-03-26", "100");
        l.contract("HT-09", "v09", a, "2026-03-05", "100");
        l.contract("HT-11", "v10", a, "2026-03-01", "100");
        let ds = l.build();
        let f = conversion_rate;
        assert_eq!(run(&ds, "2026-03", a, "conversion_rate", f), Ok(dec("0.5")));
        // B: E = {v08}; its first deal is A's → 0.
        assert_eq!(run(&ds, "2026-03", b, "conversion_rate", f), Ok(dec("0")));
        assert!(run(&ds, "2026-03", c, "conversion_rate", f).is_err());
    }

    /// P = 2026-02, rep A (built-in calendar: Sat 02-14 is a 调休 workday,
    /// 02-15 to 02-23 are Spring Festival holidays):
    /// - k1 regular, Fri 02-13 → Mon 02-23: (13, 23] holds only Sat 14 = 1 ≤ 3
    ///   → on time;
    /// - k2 regular, Wed 02-11 → Tue 02-24: Thu 12, Fri 13, Sat 14, Tue 24 =
    ///   4 > 3 → late (plain Mon–Fri would say 3);
    /// - k3 special, Mon 02-02 → Mon 02-09: Tue–Fri + Mon = 5 ≤ 5 → on time;
    /// - k4 regular, same dates: 5 > 3 → late;
    /// - k5 special, 02-02 → Tue 02-10: 6 > 5 → late;
    /// - k6 approved 03-02 → not in P; k7 no submitted date → left out;
    ///   k8 is B's;
    /// - k9 no type (regular), Wed 02-25 → Fri 02-27: 2 → on time.
    ///
    /// counted = k1–k5, k9 = 6; on time = k1, k3, k9 = 3 → 0.5.
    #[test]
    fn approval_on_time_rate_worked_example() {
        let mut l = Ledger::new();
        let (a, b, c) = reps(&mut l);
        let mut k = |id: &str, rep, ty, sub: Option<&str>, appr: &str| {
            let row = l.contract(id, "cust", rep, "2026-02-01", "100");
            row.contract_type = ty;
            row.submitted_date = sub.map(day);
            row.approved_date = Some(day(appr));
        };
        let (reg, spe) = (Some(ContractType::Regular), Some(ContractType::Special));
        k("k1", a, reg, Some("2026-02-13"), "2026-02-23");
        k("k2", a, reg, Some("2026-02-11"), "2026-02-24");
        k("k3", a, spe, Some("2026-02-02"), "2026-02-09");
        k("k4", a, reg, Some("2026-02-02"), "2026-02-09");
        k("k5", a, spe, Some("2026-02-02"), "2026-02-10");
        k("k6", a, reg, Some("2026-02-26"), "2026-03-02");
        k("k7", a, reg, None, "2026-02-10");
        k("k8", b, reg, Some("2026-02-02"), "2026-02-20");
        k("k9", a, None, Some("2026-02-25"), "2026-02-27");
        let ds = l.build();
        let cal = &ds.calendar;
        assert_eq!(
            cal.working_days_between(day("2026-02-13"), day("2026-02-23")),
            1
        );
        assert_eq!(
            cal.working_days_between(day("2026-02-11"), day("2026-02-24")),
            4
        );
        assert_eq!(
            cal.working_days_between(day("2026-02-02"), day("2026-02-09")),
            5
        );
        let f = approval_on_time_rate;
        let code = "approval_on_time_rate";
        assert_eq!(run(&ds, "2026-02", a, code, f), Ok(dec("0.5")));
        // B: k8, 02-02 → 02-20 = 10 working days (3–6, 9–13, Sat 14) > 3 → 0.
        assert_eq!(run(&ds, "2026-02", b, code, f), Ok(dec("0")));
        assert!(run(&ds, "2026-02", c, code, f).is_err());
        // A in January: nothing approved.
        assert!(run(&ds, "2026-01", a, code, f).is_err());
    }

    fn bit(kind: Kind, key: &str) -> u32 {
        1 << kind
            .columns()
            .iter()
            .position(|c| c.key == key)
            .expect("a column of the kind")
    }

    fn sheet_of(kind: Kind) -> usize {
        Kind::ALL.iter().position(|k| *k == kind).expect("kind")
    }

    /// P = 2026-03, rep A. Default completeness columns: customers tier,
    /// channel, source, status (4); follow-ups method, stage, notes,
    /// next_time (4); payments installment, contract_type, submitted_date,
    /// approved_date, payment_kind, gross_profit, area, key_project (8) —
    /// but the payments sheet has no 签约面积 (area) column, so 7.
    ///
    /// | row                                   | expected | filled |
    /// |---------------------------------------|----------|--------|
    /// | customer x1 (lead 03-03), tier empty  | 4 | 3 |
    /// | customer x2 (lead 03-04): the 2026-03 snapshot (channel empty) is the row on 03-31; the full 2026-04 one is not | 4 | 3 |
    /// | customer x3 (lead 02-10)              | – | – |
    /// | follow-up f1, notes and next_time empty | 4 | 2 |
    /// | follow-up f2, all filled (a warning on it still counts as filled) | 4 | 4 |
    /// | B's follow-up                          | – | – |
    /// | HT-1 #1, signed 03-10, full           | 7 | 7 |
    /// | HT-0 #1, signed and due 01-05         | – | – |
    /// | HT-0 #2, due 03-15, gross_profit empty | 7 | 6 |
    ///
    /// expected = 8 + 8 + 14 = 30, filled = 6 + 6 + 13 = 25 → 25/30 =
    /// 0.8333333333.
    ///
    /// Accuracy adds rejected rows of A with a date in P: a follow-up dated
    /// 03-20 and a payment row dated 01-05 and 03-15 (2 rows). Left out: a
    /// customer row dated 02-01, a follow-up whose rep did not resolve, a
    /// score row, B's follow-up. Rows = 6 + 2 = 8; accurate = the 6 kept
    /// rows less f2 (warned) = 5 → 5/8 = 0.625.
    fn ledger_rows() -> (Dataset, RepIdx, RepIdx, RepIdx) {
        let mut l = Ledger::new();
        let (a, b, c) = reps(&mut l);
        let cu = Kind::Customers;
        l.customer("x1", a, "2026-03-03 10:00", None).meta.filled &= !bit(cu, "tier");
        l.customer("x2", a, "2026-03-04", Some("2026-03"))
            .meta
            .filled &= !bit(cu, "channel");
        l.customer("x2", a, "2026-03-04", Some("2026-04"));
        l.customer("x3", a, "2026-02-10", None).meta.filled = 0;
        let fo = Kind::Followups;
        l.followup(a, "x1", "2026-03-05", None).meta.filled &=
            !(bit(fo, "notes") | bit(fo, "next_time"));
        l.followup(a, "x2", "2026-03-06", None).meta.warned = true;
        l.followup(b, "x2", "2026-03-07", None).meta.filled = 0;
        l.contract("HT-1", "x1", a, "2026-03-10", "100");
        l.installment("HT-0", 1, "x3", a, "2026-01-05", "100", "50", "2026-01-05")
            .meta
            .filled = 0;
        l.installment("HT-0", 2, "x3", a, "2026-01-05", "100", "50", "2026-03-15")
            .meta
            .filled &= !bit(Kind::Payments, "gross_profit");
        l.rejected(Kind::Followups, Some(a), &["2026-03-20"]);
        l.rejected(Kind::Payments, Some(a), &["2026-01-05", "2026-03-15"]);
        l.rejected(Kind::Customers, Some(a), &["2026-02-01"]);
        l.rejected(Kind::Followups, None, &["2026-03-10"]);
        l.rejected(Kind::Scores, Some(a), &["2026-03-10"]);
        l.rejected(Kind::Followups, Some(b), &["2026-03-10"]);
        let mut ds = l.build();
        let area = Kind::Payments
            .columns()
            .iter()
            .position(|c| c.key == "area")
            .unwrap();
        ds.sheets[sheet_of(Kind::Payments)].columns[area] = None;
        (ds, a, b, c)
    }

    #[test]
    fn default_completeness_columns() {
        let d = crate::scheme::Defaults::default();
        assert_eq!(
            d.completeness[&Kind::Customers],
            ["tier", "channel", "source", "status"]
        );
        assert_eq!(
            d.completeness[&Kind::Followups],
            ["method", "stage", "notes", "next_time"]
        );
        assert_eq!(
            d.completeness[&Kind::Payments],
            [
                "installment",
                "contract_type",
                "submitted_date",
                "approved_date",
                "payment_kind",
                "gross_profit",
                "area",
                "key_project"
            ]
        );
    }

    #[test]
    fn ledger_completeness_worked_example() {
        let (ds, a, b, c) = ledger_rows();
        let f = ledger_completeness;
        let code = "ledger_completeness";
        assert_eq!(run(&ds, "2026-03", a, code, f), Ok(dec("0.8333333333")));
        // B: one follow-up with nothing filled: 0/4.
        assert_eq!(run(&ds, "2026-03", b, code, f), Ok(dec("0")));
        assert_eq!(
            run(&ds, "2026-03", c, code, f),
            Err(Na::new(
                "本期没有需要填写的台账单元格",
                "no ledger cells to fill in the period"
            ))
        );
    }

    #[test]
    fn ledger_completeness_with_no_expected_column_is_na() {
        // The follow-ups sheet lacks all four completeness columns: B's only
        // row expects nothing.
        let (mut ds, _, b, _) = ledger_rows();
        let sheet = &mut ds.sheets[sheet_of(Kind::Followups)];
        for key in ["method", "stage", "notes", "next_time"] {
            let i = Kind::Followups
                .columns()
                .iter()
                .position(|c| c.key == key)
                .unwrap();
            sheet.columns[i] = None;
        }
        let v = run(
            &ds,
            "2026-03",
            b,
            "ledger_completeness",
            ledger_completeness,
        );
        assert!(v.is_err());
    }

    #[test]
    fn ledger_accuracy_worked_example() {
        let (ds, a, b, c) = ledger_rows();
        let f = ledger_accuracy;
        let code = "ledger_accuracy";
        assert_eq!(run(&ds, "2026-03", a, code, f), Ok(dec("0.625")));
        // B: its kept follow-up (accurate) and its rejected one: 1/2.
        assert_eq!(run(&ds, "2026-03", b, code, f), Ok(dec("0.5")));
        assert_eq!(
            run(&ds, "2026-03", c, code, f),
            Err(Na::new("本期没有台账行", "no ledger rows in the period"))
        );
        // February: A's rows are x3 (lead 02-10) and the rejected customer
        // row dated 02-01 → 1/2.
        assert_eq!(run(&ds, "2026-02", a, code, f), Ok(dec("0.5")));
    }

    /// March 2026 has no public holiday; the company calendar makes
    /// Wed 03-04 a day off (休). A's contracts (regular, limit 3):
    /// | contract | submitted  | approved    | working days in (submitted, approved] |
    /// | HT1 | Mon 03-02 | Thu 03-05        | 03-03, 03-05 (03-04 off) = 2 |
    /// | HT2 | Fri 03-06 | Mon 03-09        | 03-09 = 1 (the weekend does not count) |
    /// | HT3 | Wed 03-25 | Tue 03-31 (end)  | 03-26, 03-27, 03-30, 03-31 = 4 |
    /// | HT4 | Fri 03-20 | Wed 03-18        | approved before submitted: 0 |
    /// | HT5 | 03-27     | Wed 04-01        | approved in April: not March |
    /// | HT6 | —         | 03-10            | no submission date: left out |
    /// approval_avg_days = (2 + 1 + 4 + 0) ÷ 4 = 1.75; on time (≤ 3):
    /// HT1, HT2, HT4 → 3 ÷ 4 = 0.75. B has no approved contract: N/A.
    #[test]
    fn approval_average_in_working_days() {
        let mut l = Ledger::new();
        let (a, b, _) = reps(&mut l);
        l.customer("KH1", a, "2026-01-01", None);
        l.calendar_day("2026-03-04", true);
        for (id, submitted, approved) in [
            ("HT1", Some("2026-03-02"), "2026-03-05"),
            ("HT2", Some("2026-03-06"), "2026-03-09"),
            ("HT3", Some("2026-03-25"), "2026-03-31"),
            ("HT4", Some("2026-03-20"), "2026-03-18"),
            ("HT5", Some("2026-03-27"), "2026-04-01"),
            ("HT6", None, "2026-03-10"),
        ] {
            let r = l.contract(id, "KH1", a, "2026-03-01", "1000");
            r.submitted_date = submitted.map(day);
            r.approved_date = Some(day(approved));
        }
        let ds = l.build();
        assert_eq!(
            run(&ds, "2026-03", a, "approval_avg_days", approval_avg_days),
            Ok(dec("1.75"))
        );
        assert_eq!(
            run(
                &ds,
                "2026-03",
                a,
                "approval_on_time_rate",
                approval_on_time_rate
            ),
            Ok(dec("0.75"))
        );
        // April: HT5 only, 03-30, 03-31, 04-01 = 3 working days.
        assert_eq!(
            run(&ds, "2026-04", a, "approval_avg_days", approval_avg_days),
            Ok(dec("3"))
        );
        assert!(run(&ds, "2026-03", b, "approval_avg_days", approval_avg_days).is_err());
        // Lower is better: with pass 3 and excellent 2, 1.75 scores 100
        // and 3 (on the pass line) scores 60.
        let mut spec = IndicatorSpec::new("approval_avg_days").unwrap();
        spec.pass = Some(dec("3"));
        spec.excellent = Some(dec("2"));
        let score = |v: &str| crate::compute::score::indicator_score(&spec, dec(v), 1);
        assert_eq!(score("1.75"), dec("100"));
        assert_eq!(score("3"), dec("60"));
    }

    /// March 2026: Sun 03-01, so the full weeks are 03-02–08, 09–15,
    /// 16–22, 23–29 (03-30–04-05 runs past the month). A's follow-ups
    /// (i = intent stage, l = lead stage):
    /// | customer | first intent | A's follow-ups             | weeks from it on | per week | ≥ 2 each week? |
    /// | KH1 | Mon 03-02 | 03-02i 05 09 13 16 20 23 29(Sun) | 4 | 2 2 2 2 | yes |
    /// | KH2 | Wed 03-04 | 03-04i 10 11 12 17 18 19 25      | 3 (from 03-09) | 3 3 1 | no (a mean of 7 ÷ 3 would pass) |
    /// | KH3 | Tue 03-24 | 03-24i 26 27                     | 0 (03-30 week not full) | — | not counted |
    /// | KH4 | —         | 03-05l 06l (no intent stage)     | not in IC | — | not counted |
    /// | KH5 | Mon 03-16 | 03-16i 22l(Sun) 23 29            | 2 | 2 2 | yes (a lead-stage follow-up counts) |
    /// B also follows KH5 up on 03-25 (not A's). Coverage = 2 ÷ 3 =
    /// 0.6666666667; with times_per_week = 1, KH2 passes too: 3 ÷ 3 = 1.
    /// B: IC empty → N/A; C: its only intent customer starts 03-26 → N/A.
    #[test]
    fn intent_followup_coverage_every_full_week() {
        let mut l = Ledger::new();
        let (a, b, c) = reps(&mut l);
        for k in ["KH1", "KH2", "KH3", "KH4", "KH5", "KH6"] {
            l.customer(k, a, "2026-01-01", None);
        }
        let fu = |l: &mut Ledger, rep, k: &str, days: &[&str], intent_first: bool| {
            for (n, d) in days.iter().enumerate() {
                let stage = if n == 0 && intent_first {
                    Some("intent")
                } else {
                    None
                };
                l.followup(rep, k, &format!("2026-03-{d} 10:00"), stage);
            }
        };
        fu(
            &mut l,
            a,
            "KH1",
            &["02", "05", "09", "13", "16", "20", "23", "29"],
            true,
        );
        fu(
            &mut l,
            a,
            "KH2",
            &["04", "10", "11", "12", "17", "18", "19", "25"],
            true,
        );
        fu(&mut l, a, "KH3", &["24", "26", "27"], true);
        l.followup(a, "KH4", "2026-03-05", Some("lead"));
        l.followup(a, "KH4", "2026-03-06", Some("lead"));
        fu(&mut l, a, "KH5", &["16", "23", "29"], true);
        l.followup(a, "KH5", "2026-03-22", Some("lead"));
        l.followup(b, "KH5", "2026-03-25", None);
        fu(&mut l, c, "KH6", &["26", "27", "28"], true);
        let ds = l.build();
        let code = "intent_followup_coverage";
        assert_eq!(
            run(&ds, "2026-03", a, code, intent_followup_coverage),
            Ok(dec("0.6666666667"))
        );
        let mut once = IndicatorSpec::new(code).unwrap();
        once.times_per_week = 1;
        assert_eq!(
            run_spec(&ds, "2026-03", a, &once, intent_followup_coverage),
            Ok(dec("1"))
        );
        assert!(run(&ds, "2026-03", b, code, intent_followup_coverage).is_err());
        assert!(run(&ds, "2026-03", c, code, intent_followup_coverage).is_err());
    }
}

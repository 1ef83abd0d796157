//! 客户运营 customer-operations indicators (SPEC 5): repurchase, churn,
//! referrals and coverage. `satisfaction` comes from score rows and lives
//! with the manual indicators.
//!
//! Customer-based indicators credit the owner on P.start (SPEC 5, credit;
//! SPEC 3 item 8): the customers are taken from `cx.px.owned_at_start`.
//! Repurchase and churn look at the customer's contracts by any rep.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::input::model::{Customer, RepIdx};
use crate::scheme::IndicatorSpec;
use crate::text::fold;

use super::performance::{is_renewal, new_customer_set};
use super::{Ctx, Na, Parts, Value};
use crate::period::add_months;

/// The customer's contracts (any rep), by sign date then contract id.
fn contracts_of<'a>(cx: &Ctx<'a>, c: &Customer) -> &'a [u32] {
    cx.ix
        .contracts_by_customer
        .get(&c.customer_id)
        .map_or(&[], Vec::as_slice)
}

/// L: the customer's last sign date (any rep) strictly before `d`.
pub fn last_sign_before(cx: &Ctx, c: &Customer, d: NaiveDate) -> Option<NaiveDate> {
    let cs = contracts_of(cx, c);
    let n = cs.partition_point(|&ci| cx.ds.contracts[ci as usize].sign_date < d);
    n.checked_sub(1)
        .map(|i| cx.ds.contracts[cs[i] as usize].sign_date)
}

/// The first sign date (any rep) of the customer's contracts on or after
/// `d`.
fn first_sign_from(cx: &Ctx, c: &Customer, d: NaiveDate) -> Option<NaiveDate> {
    let cs = contracts_of(cx, c);
    let n = cs.partition_point(|&ci| cx.ds.contracts[ci as usize].sign_date < d);
    cs.get(n).map(|&ci| cx.ds.contracts[ci as usize].sign_date)
}

/// Old customers O(r,P) (SPEC 5, 客户运营): "customers with owner r,
/// F(c) + 6 months ≤ P.start, not terminated before P.start (end_date <
/// P.start), and L + 6 months ≥ P.start where L = last sign date before
/// P.start (not yet silent for six months)."
///
/// - owner: the owner on P.start (`cx.px.owned_at_start`);
/// - F(c) over every contract of the customer, any rep; a customer without
///   a contract is never old; `old_customer_months` replaces the 6 of the
///   first condition and `silence_months` the 6 of the last, both in
///   calendar months clamped to the month's end (F = Aug 31 makes the
///   customer old from Feb 28/29);
/// - terminated before P.start: `terminated_from < P.start` (a customer
///   terminated on P.start itself is still old, and churns in P);
/// - L = the last sign date (any rep) strictly before P.start; silence
///   ending exactly on P.start (L + 6 months = P.start) still counts as old.
///
/// Returns indexes into `ds.customers`, in the order of `owned_at_start`.
pub fn old_customers(cx: &Ctx, rep: RepIdx) -> Vec<u32> {
    let start = cx.start();
    let d = cx.defaults;
    cx.px.owned_at_start[rep as usize]
        .iter()
        .copied()
        .filter(|&i| {
            let c = &cx.ds.customers[i as usize];
            let Some(first) = cx.first_sign(&c.customer_id) else {
                return false;
            };
            if add_months(first, d.old_customer_months) > start || cx.terminated_before(c, start) {
                return false;
            }
            last_sign_before(cx, c, start)
                .is_some_and(|last| add_months(last, d.silence_months) >= start)
        })
        .collect()
}

fn no_old_customers() -> Na {
    Na::new("本期没有老客户", "no old customers in the period")
}

/// 老客户复购率 repurchase_rate (SPEC 5): "share of O(r,P) with at least one
/// contract signed in P". Any rep's contract counts (the customer
/// repurchased, whoever signed it). N/A without old customers.
pub fn repurchase_rate_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let old = old_customers(cx, rep);
    let bought = old
        .iter()
        .filter(|&&i| repurchased(cx, &cx.ds.customers[i as usize]))
        .count();
    Parts::new(
        Decimal::from(bought),
        Decimal::from(old.len()),
        no_old_customers(),
    )
}

/// [`repurchase_rate_parts`] as a value.
pub fn repurchase_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    repurchase_rate_parts(cx, rep, spec).value()
}

/// Whether a customer signed a contract (any rep's) in P.
pub fn repurchased(cx: &Ctx, c: &Customer) -> bool {
    first_sign_from(cx, c, cx.start()).is_some_and(|s| cx.period().contains(s))
}

/// 客户流失率 churn_rate (SPEC 5): "share of O(r,P) that, during P, were
/// terminated (end_date∈P) or reached L + 6 months ∈ P with no contract
/// signed from P.start up to that day".
///
/// - terminated in P: `terminated_from ∈ P` (the end date, or for 已终止
///   without one the first day of the as-of month that first shows it);
/// - silence: D = L + `silence_months` (L as for O(r,P), the last sign date
///   before P.start) lies in P and no contract of any rep is signed in
///   [P.start, D], both ends included. A contract signed on D itself keeps
///   the customer. When D = P.start (the customer is still old on P.start)
///   only a contract signed on P.start keeps it.
///
/// N/A without old customers.
pub fn churn_rate_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let old = old_customers(cx, rep);
    let lost = old
        .iter()
        .filter(|&&i| churned(cx, &cx.ds.customers[i as usize]))
        .count();
    Parts::new(
        Decimal::from(lost),
        Decimal::from(old.len()),
        no_old_customers(),
    )
}

/// [`churn_rate_parts`] as a value.
pub fn churn_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    churn_rate_parts(cx, rep, spec).value()
}

/// Whether an old customer churned during P (see [`churn_rate`]).
pub fn churned(cx: &Ctx, c: &Customer) -> bool {
    let (p, start) = (cx.period(), cx.start());
    if c.terminated_from.is_some_and(|t| p.contains(t)) {
        return true;
    }
    let Some(last) = last_sign_before(cx, c, start) else {
        return false;
    };
    let silent = add_months(last, cx.defaults.silence_months);
    p.contains(silent) && first_sign_from(cx, c, start).is_none_or(|s| s > silent)
}

/// Whether a customer source marks a referral: folded and lower-cased, it
/// equals one of the scheme's referral sources.
fn is_referral_source(cx: &Ctx, source: &str) -> bool {
    let s = fold(source).to_lowercase();
    cx.defaults
        .referral_sources
        .iter()
        .any(|r| fold(r).to_lowercase() == s)
}

/// 客户转介绍数量 referrals (SPEC 5): "customers in N(r,P) whose source is a
/// referral source (default 转介绍, 老客户介绍, referral) or that have a
/// referrer".
///
/// N(r,P) as for new_customers (first deal in P, credited to the rep of the
/// earliest contract, tie: lowest contract id). Source and referrer are the
/// customer's dated facts (its latest snapshot); a source matches after
/// folding (full-width forms, spaces) and lower-casing; a non-blank
/// referrer is enough. A customer missing from the customer ledger has
/// neither. A count: 0 when there is none, never N/A.
pub fn referrals(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    Ok(referral_count(cx, rep))
}

/// The count of [`referrals`].
fn referral_count(cx: &Ctx, rep: RepIdx) -> Decimal {
    let n = new_customer_set(cx, rep)
        .into_iter()
        .filter(|(id, _)| {
            cx.customer(id).is_some_and(|c| {
                let f = c.facts();
                f.attrs
                    .source
                    .as_deref()
                    .is_some_and(|s| is_referral_source(cx, s))
                    || f.attrs
                        .referrer
                        .as_deref()
                        .is_some_and(|r| !r.trim().is_empty())
            })
        })
        .count();
    Decimal::from(n)
}

/// 客户回访覆盖率 customer_coverage (SPEC 5): "share of r's active customers
/// (owner r, F(c) ≤ P.end, not terminated before P.start) with at least one
/// follow-up by r in P".
///
/// Active: owner on P.start is r, F(c) (any rep) exists and is ≤ P.end (a
/// customer without any contract has no F and is a prospect, not active),
/// and `terminated_from` is not before P.start. Covered: a follow-up by r
/// whose date lies in P (a follow-up by another rep does not cover). N/A
/// without active customers.
pub fn customer_coverage_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let p = cx.period();
    let start = cx.start();
    let mut active = 0u32;
    let mut covered = 0u32;
    for &i in &cx.px.owned_at_start[rep as usize] {
        let c = &cx.ds.customers[i as usize];
        let is_active = cx.first_sign(&c.customer_id).is_some_and(|f| f <= cx.end())
            && !cx.terminated_before(c, start);
        if !is_active {
            continue;
        }
        active += 1;
        let touched = cx
            .ix
            .followups_by_customer
            .get(&c.customer_id)
            .is_some_and(|fs| {
                fs.iter().any(|&fi| {
                    let f = &cx.ds.followups[fi as usize];
                    f.rep == rep && p.contains(f.time.date())
                })
            });
        if touched {
            covered += 1;
        }
    }
    Parts::new(
        Decimal::from(covered),
        Decimal::from(active),
        Na::new("本期没有在管客户", "no active customers in the period"),
    )
}

/// [`customer_coverage_parts`] as a value.
pub fn customer_coverage(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    customer_coverage_parts(cx, rep, spec).value()
}

/// 客户推荐率 referral_rate (SPEC 5, second round): "referrals(r,P) ÷
/// customers owned by r on P.end (推荐新客户数 ÷ 总客户数)".
///
/// - numerator: [`referrals`] (referral customers among N(r,P));
/// - denominator: customers whose owner on P.end is r (SPEC 3 item 8),
///   that exist by then (lead date ≤ P.end) and were not terminated
///   before P.start (as for customer_coverage). Prospects count: the
///   method's 总客户数 is the rep's whole customer list.
///
/// N/A when r owns no customer on P.end.
pub fn referral_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    referral_rate_parts(cx, rep, spec).value()
}

/// [`referral_rate`]'s parts.
pub fn referral_rate_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let n = referral_count(cx, rep);
    let (start, end) = (cx.start(), cx.end());
    let owned = cx.px.owned_at_end(cx.ds)[rep as usize]
        .iter()
        .filter(|&&i| {
            let c = &cx.ds.customers[i as usize];
            c.facts().lead_time.date() <= end && !cx.terminated_before(c, start)
        })
        .count();
    Parts::new(
        n,
        Decimal::from(owned),
        Na::new(
            "期末没有负责的客户",
            "no customers owned at the period's end",
        ),
    )
}

/// 续约率 renewal_rate (SPEC 5, second round): "over contracts whose
/// optional 合同到期日 lies in P and whose customer is owned by r on that
/// date: share followed by a renewal contract of the same customer signed
/// within `renewal_window_days` (default 90) before or after the end date".
///
/// - the contracts: any rep's, with 合同到期日 E ∈ P, whose customer's
///   owner on E is r (`ix.ending_by_owner`); a customer missing from the
///   customer ledger has no owner and counts for nobody;
/// - renewed: another contract of the same customer (any rep), signed
///   after the contract itself, that is a renewal ([`is_renewal`]: 续签,
///   or blank with an earlier contract), with |sign date − E| ≤ the window
///   (both ends included);
/// - the ledgers as they stand: a contract ending late in P may still be
///   renewed after the run, and a later run then counts it.
///
/// N/A when no such contract ends in P.
pub fn renewal_rate_parts(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Parts {
    let ds = cx.ds;
    let ending = crate::compute::process::within(cx, &cx.ix.ending_by_owner[rep as usize], |i| {
        ds.contracts[i as usize]
            .contract_end
            .expect("indexed contracts have an end date")
    });
    let window = chrono::Duration::days(spec.renewal_window_days);
    let renewed = ending
        .iter()
        .filter(|&&ci| {
            let c = &ds.contracts[ci as usize];
            let end = c.contract_end.expect("indexed contracts have an end date");
            cx.ix
                .contracts_by_customer
                .get(&c.customer_id)
                .is_some_and(|all| {
                    all.iter().any(|&oi| {
                        let o = &ds.contracts[oi as usize];
                        let from = end.checked_sub_signed(window).unwrap_or(NaiveDate::MIN);
                        let to = end.checked_add_signed(window).unwrap_or(NaiveDate::MAX);
                        oi != ci
                            && o.sign_date > c.sign_date
                            && (from..=to).contains(&o.sign_date)
                            && is_renewal(cx, o)
                    })
                })
        })
        .count();
    Parts::new(
        Decimal::from(renewed),
        Decimal::from(ending.len()),
        Na::new(
            "本期没有到期的合同",
            "no contract of the rep's customers ended in the period",
        ),
    )
}

/// [`renewal_rate_parts`] as a value.
pub fn renewal_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    renewal_rate_parts(cx, rep, spec).value()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;
    use crate::input::dataset::Dataset;
    use crate::input::model::Status;

    type Indicator = fn(&Ctx, RepIdx, &IndicatorSpec) -> Value;

    fn with_cx<T>(ds: &Dataset, p: &str, f: impl FnOnce(&Ctx) -> T) -> T {
        with_ctx(ds, p, f)
    }

    fn run(ds: &Dataset, p: &str, rep: RepIdx, code: &str, f: Indicator) -> Value {
        let spec = IndicatorSpec::new(code).expect("known code");
        with_cx(ds, p, |cx| f(cx, rep, &spec))
    }

    fn ids(ds: &Dataset, p: &str, rep: RepIdx) -> Vec<String> {
        with_cx(ds, p, |cx| {
            old_customers(cx, rep)
                .into_iter()
                .map(|i| ds.customers[i as usize].customer_id.to_string())
                .collect()
        })
    }

    fn terminate(row: &mut crate::input::model::CustomerRow, end: &str) {
        row.status = Some(Status::Terminated);
        row.end_date = Some(day(end));
    }

    /// P = 2026-03 (P.start 2026-03-01). Old = F + 6 months ≤ 03-01,
    /// L + 6 months ≥ 03-01, not terminated before 03-01, owner A on 03-01.
    ///
    /// | c   | contracts (sign, rep)            | old? why                          | bought in P | churned |
    /// |-----|----------------------------------|-----------------------------------|-------------|---------|
    /// | c01 | 2025-09-01 A; 2026-03-01 B       | F+6 = 03-01 exactly, L+6 = 03-01  | yes (03-01) | no: signed on D = 03-01 |
    /// | c02 | 2025-06-10 A; 2025-09-15 A       | L+6 = 03-15                       | no          | yes: D = 03-15, nothing signed |
    /// | c03 | 2025-01-05 A; 2025-09-20 A; 2026-03-18 A | L = 09-20, D = 03-20     | yes (03-18) | no: signed 03-18 ≤ D |
    /// | c04 | 2025-08-31 A                     | no: L+6 = 2026-02-28 (clamped) < 03-01 | –      | –       |
    /// | c05 | 2025-01-10 A; 2026-01-10 A, ended 2026-02-20 | no: terminated before P | –       | –       |
    /// | c06 | 2025-01-10 A; 2026-02-01 A, ended 2026-03-05 | yes                   | no          | yes: terminated in P |
    /// | c07 | 2025-10-01 A                     | no: F+6 = 2026-04-01 > 03-01      | –           | –       |
    /// | c08 | 2025-01-01 B; 2026-01-01 B (owner B) | no: B's                       | –           | –       |
    /// | c09 | none (owner A)                   | no: no F                          | –           | –       |
    /// | c10 | 2025-05-05 B; 2025-12-01 B; owner B in 2025-12, A from 2026-03 | yes: owner on 03-01 is A, D = 06-01 | no | no |
    /// | c11 | 2025-09-01 A                     | yes: F+6 = L+6 = 03-01            | no          | yes: D = 03-01, nothing signed that day |
    ///
    /// O(A) = {c01, c02, c03, c06, c10, c11} = 6.
    /// repurchase = {c01, c03} = 2/6 = 0.3333333333.
    /// churn = {c02, c06, c11} = 3/6 = 0.5.
    fn old_ledger() -> (Dataset, RepIdx, RepIdx, RepIdx) {
        let mut l = Ledger::new();
        let a = l.rep("A01", "张三", "商务专员", "2024-01-01");
        let b = l.rep("B01", "李四", "商务专员", "2024-01-01");
        let c = l.rep("C01", "王五", "商务专员", "2024-01-01");
        for id in [
            "c01", "c02", "c03", "c04", "c05", "c06", "c07", "c09", "c11",
        ] {
            l.customer(id, a, "2024-12-01", None);
        }
        terminate(l.customer("c05", a, "2024-12-01", None), "2026-02-20");
        terminate(l.customer("c06", a, "2024-12-01", None), "2026-03-05");
        l.customer("c08", b, "2024-12-01", None);
        l.customer("c10", b, "2024-12-01", Some("2025-12"));
        l.customer("c10", a, "2024-12-01", Some("2026-03"));
        l.contract("HT-0101", "c01", a, "2025-09-01", "100");
        l.contract("HT-0102", "c01", b, "2026-03-01", "100");
        l.contract("HT-0201", "c02", a, "2025-06-10", "100");
        l.contract("HT-0202", "c02", a, "2025-09-15", "100");
        l.contract("HT-0301", "c03", a, "2025-01-05", "100");
        l.contract("HT-0302", "c03", a, "2025-09-20", "100");
        l.contract("HT-0303", "c03", a, "2026-03-18", "100");
        l.contract("HT-0401", "c04", a, "2025-08-31", "100");
        l.contract("HT-0501", "c05", a, "2025-01-10", "100");
        l.contract("HT-0502", "c05", a, "2026-01-10", "100");
        l.contract("HT-0601", "c06", a, "2025-01-10", "100");
        l.contract("HT-0602", "c06", a, "2026-02-01", "100");
        l.contract("HT-0701", "c07", a, "2025-10-01", "100");
        l.contract("HT-0801", "c08", b, "2025-01-01", "100");
        l.contract("HT-0802", "c08", b, "2026-01-01", "100");
        l.contract("HT-1001", "c10", b, "2025-05-05", "100");
        l.contract("HT-1002", "c10", b, "2025-12-01", "100");
        l.contract("HT-1101", "c11", a, "2025-09-01", "100");
        (l.build(), a, b, c)
    }

    #[test]
    fn old_customers_by_the_rules() {
        let (ds, a, b, _) = old_ledger();
        assert_eq!(
            ids(&ds, "2026-03", a),
            ["c01", "c02", "c03", "c06", "c10", "c11"]
        );
        // c08 is B's; c10 was B's until its 2026-03 snapshot.
        assert_eq!(ids(&ds, "2026-03", b), ["c08"]);
        assert_eq!(ids(&ds, "2026-02", b), ["c08", "c10"]);
    }

    #[test]
    fn old_from_the_clamped_month_end() {
        // First deal Aug 31 → old from Feb 28 (Feb 29 in a leap year): not
        // yet old on Feb 1, old on Mar 1 (a later deal keeps it from silence).
        let mut l = Ledger::new();
        let a = l.rep("A01", "张三", "商务专员", "2024-01-01");
        l.customer("c1", a, "2025-08-01", None);
        l.contract("HT-1", "c1", a, "2025-08-31", "100");
        l.contract("HT-2", "c1", a, "2026-01-10", "100");
        l.customer("c2", a, "2027-08-01", None);
        l.contract("HT-3", "c2", a, "2027-08-31", "100");
        l.contract("HT-4", "c2", a, "2028-01-10", "100");
        let ds = l.build();
        assert!(ids(&ds, "2026-02", a).is_empty());
        assert_eq!(ids(&ds, "2026-03", a), ["c1"]);
        assert!(ids(&ds, "2028-02", a).is_empty());
        assert_eq!(ids(&ds, "2028-03", a), ["c2"]);
        // A quarter starting after the 6 months holds it too.
        assert_eq!(ids(&ds, "2026-Q2", a), ["c1"]);
    }

    #[test]
    fn repurchase_rate_worked_example() {
        let (ds, a, b, c) = old_ledger();
        let v = run(&ds, "2026-03", a, "repurchase_rate", repurchase_rate);
        assert_eq!(v, Ok(dec("0.3333333333")));
        // B's only old customer c08 buys nothing in March: 0/1.
        let v = run(&ds, "2026-03", b, "repurchase_rate", repurchase_rate);
        assert_eq!(v, Ok(dec("0")));
        // C has no old customers.
        let v = run(&ds, "2026-03", c, "repurchase_rate", repurchase_rate);
        assert_eq!(v, Err(no_old_customers()));
    }

    #[test]
    fn churn_rate_worked_example() {
        let (ds, a, _, c) = old_ledger();
        let v = run(&ds, "2026-03", a, "churn_rate", churn_rate);
        assert_eq!(v, Ok(dec("0.5")));
        let v = run(&ds, "2026-03", c, "churn_rate", churn_rate);
        assert!(v.is_err());
    }

    #[test]
    fn churn_and_repurchase_by_another_rep() {
        // c1 is A's old customer (F = L = 2025-10-01; D = 2026-04-01 ∈ Q2).
        // B signs with it on 2026-05-10, after D: A's customer repurchased
        // (any rep counts) but had churned on 04-01 first. c2: F 2025-09-20,
        // L 2025-10-15, D = 2026-04-15, and B signs on D itself: kept.
        // Q2: O(A) = {c1, c2};
        // repurchase 2/2 = 1, churn 1/2 = 0.5.
        let mut l = Ledger::new();
        let a = l.rep("A01", "张三", "商务专员", "2024-01-01");
        let b = l.rep("B01", "李四", "商务专员", "2024-01-01");
        l.customer("c1", a, "2025-01-01", None);
        l.customer("c2", a, "2025-01-01", None);
        l.contract("HT-1", "c1", a, "2025-10-01", "100");
        l.contract("HT-2", "c1", b, "2026-05-10", "100");
        l.contract("HT-0", "c2", a, "2025-09-20", "100");
        l.contract("HT-3", "c2", a, "2025-10-15", "100");
        l.contract("HT-4", "c2", b, "2026-04-15", "100");
        let ds = l.build();
        let v = run(&ds, "2026-Q2", a, "repurchase_rate", repurchase_rate);
        assert_eq!(v, Ok(dec("1")));
        let v = run(&ds, "2026-Q2", a, "churn_rate", churn_rate);
        assert_eq!(v, Ok(dec("0.5")));
    }

    /// P = 2026-03, rep A. N(A,P) and their facts:
    /// - n1: first deal 03-05 by A, source 转介绍 → referral;
    /// - n2: first deal 03-06 by A, source full-width `ＲＥＦＥＲＲＡＬ` → folds
    ///   to `referral` → referral;
    /// - n3: first deal 03-07 by A, source 展会, referrer n1 → referral;
    /// - n4: first deal 03-08 by A, source 展会, no referrer → not;
    /// - n5: two contracts on 03-09, HT-10 by A and HT-9 by B: byte order puts
    ///   HT-10 first, so A has the first deal; source 转介绍 → referral;
    /// - n6: source 转介绍, first deal by B → B's, not A's;
    /// - n7: source 转介绍, first deal 2026-02-10 → not new in March.
    ///
    /// referrals(A) = {n1, n2, n3, n5} = 4; referrals(B) = {n6} = 1.
    #[test]
    fn referrals_worked_example() {
        let mut l = Ledger::new();
        let a = l.rep("A01", "张三", "商务专员", "2024-01-01");
        let b = l.rep("B01", "李四", "商务专员", "2024-01-01");
        let src = |l: &mut Ledger, id: &str, s: &str| {
            l.customer(id, a, "2026-01-05", None).attrs_mut().source = Some(s.into());
        };
        src(&mut l, "n1", "转介绍");
        src(&mut l, "n2", "ＲＥＦＥＲＲＡＬ");
        src(&mut l, "n3", "展会");
        l.customer("n3", a, "2026-01-05", Some("2026-03"))
            .attrs_mut()
            .referrer = Some("n1".into());
        src(&mut l, "n4", "展会");
        src(&mut l, "n5", "转介绍");
        src(&mut l, "n6", "转介绍");
        src(&mut l, "n7", "转介绍");
        l.contract("HT-1", "n1", a, "2026-03-05", "100");
        l.contract("HT-2", "n2", a, "2026-03-06", "100");
        l.contract("HT-3", "n3", a, "2026-03-07", "100");
        l.contract("HT-4", "n4", a, "2026-03-08", "100");
        l.contract("HT-10", "n5", a, "2026-03-09", "100");
        l.contract("HT-9", "n5", b, "2026-03-09", "100");
        l.contract("HT-6", "n6", b, "2026-03-10", "100");
        l.contract("HT-7", "n7", a, "2026-02-10", "100");
        l.contract("HT-8", "n7", a, "2026-03-11", "100");
        let ds = l.build();
        assert_eq!(
            run(&ds, "2026-03", a, "referrals", referrals),
            Ok(Decimal::from(4))
        );
        assert_eq!(
            run(&ds, "2026-03", b, "referrals", referrals),
            Ok(Decimal::from(1))
        );
        // A count over no rows is 0, not N/A.
        assert_eq!(
            run(&ds, "2026-05", a, "referrals", referrals),
            Ok(Decimal::ZERO)
        );
    }

    /// P = 2026-03, rep A:
    /// - a1: F 2025-05-01, A follows up 03-10 → active, covered;
    /// - a2: F 2026-03-20 (≤ P.end), A follows up 2026-03-31 18:00 → covered;
    /// - a3: F 2025-01-01, only B follows up in P → active, not covered;
    /// - a4: F 2025-01-01, A follows up 02-28 and 04-01 → active, not covered;
    /// - a5: no contract, A follows up in P → not active (no F);
    /// - a6: F 2026-04-02 > P.end → not active;
    /// - a7: terminated 2026-02-15 → not active;
    /// - a8: terminated 2026-03-10 (in P), A follows up 03-05 → active, covered;
    /// - a9: owner B → not A's.
    ///
    /// active = {a1, a2, a3, a4, a8} = 5, covered = {a1, a2, a8} = 3 → 0.6.
    #[test]
    fn customer_coverage_worked_example() {
        let mut l = Ledger::new();
        let a = l.rep("A01", "张三", "商务专员", "2024-01-01");
        let b = l.rep("B01", "李四", "商务专员", "2024-01-01");
        let c = l.rep("C01", "王五", "商务专员", "2024-01-01");
        for id in ["a1", "a2", "a3", "a4", "a5", "a6"] {
            l.customer(id, a, "2024-12-01", None);
        }
        terminate(l.customer("a7", a, "2024-12-01", None), "2026-02-15");
        terminate(l.customer("a8", a, "2024-12-01", None), "2026-03-10");
        l.customer("a9", b, "2024-12-01", None);
        l.contract("HT-1", "a1", a, "2025-05-01", "100");
        l.contract("HT-2", "a2", a, "2026-03-20", "100");
        l.contract("HT-3", "a3", a, "2025-01-01", "100");
        l.contract("HT-4", "a4", a, "2025-01-01", "100");
        l.contract("HT-6", "a6", a, "2026-04-02", "100");
        l.contract("HT-7", "a7", a, "2025-01-01", "100");
        l.contract("HT-8", "a8", a, "2025-01-01", "100");
        l.contract("HT-9", "a9", b, "2025-01-01", "100");
        l.followup(a, "a1", "2026-03-10", None);
        l.followup(a, "a2", "2026-03-31 18:00", None);
        l.followup(b, "a3", "2026-03-11", None);
        l.followup(a, "a4", "2026-02-28", None);
        l.followup(a, "a4", "2026-04-01", None);
        l.followup(a, "a5", "2026-03-12", None);
        l.followup(a, "a8", "2026-03-05", None);
        let ds = l.build();
        let v = run(&ds, "2026-03", a, "customer_coverage", customer_coverage);
        assert_eq!(v, Ok(dec("0.6")));
        // B's a9 is active and B never followed it up: 0/1.
        let v = run(&ds, "2026-03", b, "customer_coverage", customer_coverage);
        assert_eq!(v, Ok(dec("0")));
        let v = run(&ds, "2026-03", c, "customer_coverage", customer_coverage);
        assert_eq!(
            v,
            Err(Na::new(
                "本期没有在管客户",
                "no active customers in the period"
            ))
        );
    }

    /// 客户推荐率, March 2026. A's customers (owner on 03-31):
    /// | customer | lead       | owner / state                         | first deal (A) | on A's list | referral |
    /// | KH1  | 2026-01-05 | A, source 转介绍                       | 03-10 | yes | yes |
    /// | KH2  | 2026-02-01 | A, referrer KH1                        | 03-31 | yes | yes |
    /// | KH3  | 2026-02-01 | A                                      | 03-15 | yes | no  |
    /// | KH4  | 2025-05-01 | A                                      | 2025-06-01 | yes | no (old) |
    /// | KH5  | 2026-03-20 | A, prospect                            | —     | yes | no  |
    /// | KH6  | 2026-04-02 | A                                      | —     | no: not a customer yet on 03-31 | — |
    /// | KH7  | 2025-01-01 | A, terminated 02-15                    | —     | no: terminated before P | — |
    /// | KH8  | 2025-01-01 | A, terminated 03-10                    | —     | yes (terminated during P) | no |
    /// | KH9  | 2025-10-01 | B in the 2026-01 snapshot, A from 2026-03 | — | yes | no |
    /// | KH10 | 2025-10-01 | A in the 2026-01 snapshot, B from 2026-03 | — | no: B's | — |
    /// A: 2 referrals ÷ 7 customers = 0.285714… → 0.2857142857.
    /// B: 0 ÷ 1 (KH10) = 0. C owns nothing: N/A.
    #[test]
    fn referral_rate_over_the_customers_owned_at_the_end() {
        let mut l = Ledger::new();
        let a = l.rep("A01", "张三", "商务专员", "2024-01-01");
        let b = l.rep("B01", "李四", "商务专员", "2024-01-01");
        let c = l.rep("C01", "王五", "商务专员", "2024-01-01");
        l.customer("KH1", a, "2026-01-05", None).attrs_mut().source = Some("转介绍".into());
        l.customer("KH2", a, "2026-02-01", None)
            .attrs_mut()
            .referrer = Some("KH1".into());
        l.customer("KH3", a, "2026-02-01", None);
        l.customer("KH4", a, "2025-05-01", None);
        l.customer("KH5", a, "2026-03-20", None);
        l.customer("KH6", a, "2026-04-02", None);
        terminate(l.customer("KH7", a, "2025-01-01", None), "2026-02-15");
        terminate(l.customer("KH8", a, "2025-01-01", None), "2026-03-10");
        l.customer("KH9", b, "2025-10-01", Some("2026-01"));
        l.customer("KH9", a, "2025-10-01", Some("2026-03"));
        l.customer("KH10", a, "2025-10-01", Some("2026-01"));
        l.customer("KH10", b, "2025-10-01", Some("2026-03"));
        l.contract("HT1", "KH1", a, "2026-03-10", "1000");
        l.contract("HT2", "KH2", a, "2026-03-31", "1000");
        l.contract("HT3", "KH3", a, "2026-03-15", "1000");
        l.contract("HT4", "KH4", a, "2025-06-01", "1000");
        let ds = l.build();
        assert_eq!(run(&ds, "2026-03", a, "referrals", referrals), Ok(dec("2")));
        assert_eq!(
            run(&ds, "2026-03", a, "referral_rate", referral_rate),
            Ok(dec("0.2857142857"))
        );
        assert_eq!(
            run(&ds, "2026-03", b, "referral_rate", referral_rate),
            Ok(dec("0"))
        );
        assert!(run(&ds, "2026-03", c, "referral_rate", referral_rate).is_err());
    }

    /// 续约率, March 2026, window 90 days. Contracts with a 合同到期日 E:
    /// | contract | customer (owner on E) | E | the customer's next contract | renewed? |
    /// | HT1 | KH1 (A) | 03-01 (month start) | HT1R 2026-02-20, blank type, after HT1 | yes (9 days before E) |
    /// | HT2 | KH2 (A) | 03-31 (month end)   | HT2R 06-29 = E + 90       | yes (edge included) |
    /// | HT3 | KH3 (A) | 03-15               | HT3R 06-14 = E + 91       | no |
    /// | HT4 | KH4 (A) | 03-20               | HT4N 04-01, 签约类型 新签 | no: not a renewal |
    /// | HT5 | KH5 (B) | 03-10               | HT5R 03-10, signed by A   | yes, for B (any rep renews) |
    /// | HT6 | KH1 (A) | 04-30               | —                         | April, not March |
    /// | HT7 | KH6 (A in January, B from the 2026-03 snapshot) | 03-25 | — | B's; no |
    /// A: HT1, HT2 of 4 → 0.5; with a 91-day window HT3 too → 0.75.
    /// B: HT5 of HT5, HT7 → 0.5. C: no contract ends → N/A.
    #[test]
    fn renewal_rate_within_the_window() {
        let mut l = Ledger::new();
        let a = l.rep("A01", "张三", "客户经理", "2024-01-01");
        let b = l.rep("B01", "李四", "客户经理", "2024-01-01");
        let c = l.rep("C01", "王五", "客户经理", "2024-01-01");
        for k in ["KH1", "KH2", "KH3", "KH4"] {
            l.customer(k, a, "2024-06-01", None);
        }
        l.customer("KH5", b, "2024-06-01", None);
        l.customer("KH6", a, "2024-06-01", Some("2026-01"));
        l.customer("KH6", b, "2024-06-01", Some("2026-03"));
        let ending = [
            ("HT1", "KH1", a, "2025-03-01", "2026-03-01"),
            ("HT2", "KH2", a, "2025-04-01", "2026-03-31"),
            ("HT3", "KH3", a, "2025-03-15", "2026-03-15"),
            ("HT4", "KH4", a, "2025-03-20", "2026-03-20"),
            ("HT5", "KH5", b, "2025-03-10", "2026-03-10"),
            ("HT6", "KH1", a, "2025-05-01", "2026-04-30"),
            ("HT7", "KH6", a, "2025-03-25", "2026-03-25"),
        ];
        for (id, k, rep, sign, end) in ending {
            l.contract(id, k, rep, sign, "1000").contract_end = Some(day(end));
        }
        l.contract("HT1R", "KH1", a, "2026-02-20", "1000");
        l.contract("HT2R", "KH2", a, "2026-06-29", "1000");
        l.contract("HT3R", "KH3", a, "2026-06-14", "1000");
        l.contract("HT4N", "KH4", a, "2026-04-01", "1000").deal_type =
            Some(crate::input::model::DealType::New);
        l.contract("HT5R", "KH5", a, "2026-03-10", "1000");
        let ds = l.build();
        assert_eq!(
            run(&ds, "2026-03", a, "renewal_rate", renewal_rate),
            Ok(dec("0.5"))
        );
        let mut wider = IndicatorSpec::new("renewal_rate").unwrap();
        wider.renewal_window_days = 91;
        assert_eq!(
            with_cx(&ds, "2026-03", |cx| renewal_rate(cx, a, &wider)),
            Ok(dec("0.75"))
        );
        assert_eq!(
            run(&ds, "2026-03", b, "renewal_rate", renewal_rate),
            Ok(dec("0.5"))
        );
        assert!(run(&ds, "2026-03", c, "renewal_rate", renewal_rate).is_err());
        // April: HT6 (KH1) ends 04-30. HT1R (2026-02-20) was signed after
        // HT6 (2025-05-01) and 69 days before its end: one renewal contract
        // may renew every contract of the customer it falls near → 1 ÷ 1.
        assert_eq!(
            run(&ds, "2026-04", a, "renewal_rate", renewal_rate),
            Ok(dec("1"))
        );
    }
}

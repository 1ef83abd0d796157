//! 业绩产出 performance-output indicators (SPEC 5). Each function returns the
//! indicator's value for one rep and period, or why it has none; indicators
//! scored as achievement against a target are divided by the target by the
//! caller ([`super::targets`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ratio, Ctx, Na, Parts, Value};
use crate::input::model::{Contract, DealType, Installment, PaymentKind, RepIdx};
use crate::scheme::{CollectionBasis, IndicatorSpec, SalesBasis};
use crate::text::fold;

/// N(r,P) = customers with F(c)∈P credited to the rep of their earliest
/// contract (tie: lowest contract id). Returns (customer id, index of that
/// first contract in `ds.contracts`), in sign-date order.
pub fn new_customer_set<'a>(cx: &Ctx<'a>, rep: RepIdx) -> Vec<(&'a str, u32)> {
    let p = cx.period();
    cx.ix.contracts_by_rep[rep as usize]
        .iter()
        .filter_map(|&ci| {
            let c = &cx.ds.contracts[ci as usize];
            (p.contains(c.sign_date) && cx.ix.first_contract(&c.customer_id) == Some(ci))
                .then_some((c.customer_id.as_ref(), ci))
        })
        .collect()
}

/// r's contracts signed in P.
fn signed_in_period<'a>(cx: &Ctx<'a>, rep: RepIdx) -> impl Iterator<Item = &'a Contract> + 'a {
    let (ds, p) = (cx.ds, cx.period());
    cx.ix.contracts_by_rep[rep as usize]
        .iter()
        .map(move |&i| &ds.contracts[i as usize])
        .filter(move |c| p.contains(c.sign_date))
}

/// r's installment rows with due_date ∈ P.
fn due_in_period<'a>(cx: &Ctx<'a>, rep: RepIdx) -> impl Iterator<Item = &'a Installment> + 'a {
    let (ds, p) = (cx.ds, cx.period());
    cx.ix.installments_by_rep[rep as usize]
        .iter()
        .map(move |&i| &ds.installments[i as usize])
        .filter(move |r| p.contains(r.due_date))
}

/// 销售额 sales. Basis `signed` (default): Σ a(C) for r(C)=r, s(C)∈P. Basis
/// `collected`: Σ amount_paid of r's installment rows with paid_date∈P. The
/// scheme's `sales_basis` sets it; an indicator entry may override it with
/// `basis`. Also the actual of 销售额达成率 sales_achievement.
pub fn sales(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    Ok(match spec.basis.unwrap_or(cx.defaults.sales_basis) {
        SalesBasis::Signed => signed_sales(cx, rep),
        SalesBasis::Collected => {
            let p = cx.period();
            cx.ix.installments_by_rep[rep as usize]
                .iter()
                .map(|&i| &cx.ds.installments[i as usize])
                .filter(|r| r.paid_date.is_some_and(|d| p.contains(d)))
                .filter_map(|r| r.amount_paid)
                .sum()
        }
    })
}

fn signed_sales(cx: &Ctx, rep: RepIdx) -> Decimal {
    signed_in_period(cx, rep).map(|c| c.amount).sum()
}

/// 新客户开发数量 new_customers: |N(r,P)|. Option `require_first_payment`:
/// count only those whose first contract's installment 1 was paid in full
/// with paid_date ≤ due_date + grace_days. Options `tiers` / `channels`:
/// only customers whose tier / channel on their lead date is listed
/// ([`matches_filters`]).
pub fn new_customers(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    let n = new_customer_set(cx, rep)
        .iter()
        .filter(|(id, _)| matches_filters(cx, spec, id))
        .filter(|(_, ci)| {
            !spec.require_first_payment
                || first_installment_paid_in_time(cx, &cx.ds.contracts[*ci as usize])
        })
        .count();
    Ok(Decimal::from(n))
}

/// The `tiers` / `channels` filters (SPEC 5, options on new_customers and
/// new_customer_revenue_share): the customer's tier and channel as the
/// customer ledger gives them on its lead date (its state on that day,
/// SPEC 3 item 8), compared folded and lower-cased. Without filters every
/// customer matches; with one, a customer missing from the customer ledger
/// or with a blank cell does not.
pub fn matches_filters(cx: &Ctx, spec: &IndicatorSpec, customer_id: &str) -> bool {
    if spec.tiers.is_empty() && spec.channels.is_empty() {
        return true;
    }
    let Some(c) = cx.customer(customer_id) else {
        return false;
    };
    let state = c.state_on(c.facts().lead_time.date());
    let listed = |list: &[String], v: Option<&str>| {
        list.is_empty() || v.is_some_and(|v| list.contains(&fold(v).to_lowercase()))
    };
    listed(&spec.tiers, state.attrs.tier.as_deref())
        && listed(&spec.channels, state.attrs.channel.as_deref())
}

fn first_installment_paid_in_time(cx: &Ctx, c: &Contract) -> bool {
    c.installments.iter().map(|&i| &cx.ds.installments[i as usize]).find(|r| r.installment == 1).is_some_and(|r| {
        matches!((r.amount_paid, r.paid_date), (Some(paid), Some(d)) if paid >= r.amount_due && d <= grace_end(cx, r.due_date))
    })
}

fn grace_end(cx: &Ctx, due: NaiveDate) -> NaiveDate {
    due + chrono::Duration::days(cx.defaults.grace_days)
}

/// 新客户营收占比 new_customer_revenue_share: Σ a(C) over r's contracts
/// signed in P whose customer has F(c)∈P ÷ signed sales of r in P. With
/// `tiers` / `channels`, the numerator counts only the new customers that
/// match ([`matches_filters`]); the denominator stays all of r's signed
/// sales (the share of the rep's sales won from, say, new 高端 customers).
pub fn new_customer_revenue_share_parts(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Parts {
    let p = cx.period();
    let (mut new, mut all) = (Decimal::ZERO, Decimal::ZERO);
    for c in signed_in_period(cx, rep) {
        all += c.amount;
        if cx.first_sign(&c.customer_id).is_some_and(|f| p.contains(f))
            && matches_filters(cx, spec, &c.customer_id)
        {
            new += c.amount;
        }
    }
    Parts::new(
        new,
        all,
        Na::new("本期没有签约销售额", "no signed sales in the period"),
    )
}

/// [`new_customer_revenue_share_parts`] as a value.
pub fn new_customer_revenue_share(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    new_customer_revenue_share_parts(cx, rep, spec).value()
}

/// 回款率 collection_rate: over r's installment rows with due_date∈P:
/// Σ counted ÷ Σ amount_due, where counted = min(amount_paid, amount_due)
/// if paid_date ≤ due_date + grace_days (default 30) else 0. With
/// `basis = "outstanding"`, [`collection_outstanding`].
pub fn collection_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    collection_rate_parts(cx, rep, spec).value()
}

/// [`collection_rate`]'s parts (counted or collected, due or owed).
pub fn collection_rate_parts(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Parts {
    match spec.collection_basis {
        CollectionBasis::DueInPeriod => collection(cx, rep, None),
        CollectionBasis::Outstanding => collection_outstanding(cx, rep),
    }
}

/// 回款率（应收总额口径）collection_rate with `basis = "outstanding"` (SPEC
/// 5, second round): "Σ paid in P (capped by what each row still owed) ÷
/// (Σ amount_due of rows due in P + Σ unpaid at P.start of rows due before
/// P.start), over r's rows".
///
/// A row holds one payment (amount_paid on paid_date). Over r's rows with
/// due_date ≤ P.end:
/// - due in P: owed = amount_due; collected = min(paid, owed) when paid on
///   or before P.end. A payment made before P.start (paid in advance)
///   counts as collected too: nothing of the row is left to chase;
/// - due before P.start: owed = amount_due − what was paid before P.start
///   (0 or more; a row settled before P.start drops out); collected =
///   min(paid, owed) when paid in P.
///
/// No grace days: a payment after P.end belongs to a later period. N/A
/// when nothing is owed.
pub fn collection_outstanding(cx: &Ctx, rep: RepIdx) -> Parts {
    let (start, end) = (cx.start(), cx.end());
    let rows = &cx.ix.installments_by_rep[rep as usize];
    let to = rows.partition_point(|&i| cx.ds.installments[i as usize].due_date <= end);
    let (mut collected, mut owed) = (Decimal::ZERO, Decimal::ZERO);
    for &i in &rows[..to] {
        let r = &cx.ds.installments[i as usize];
        let due = r.amount_due.max(Decimal::ZERO);
        let payment = match (r.amount_paid, r.paid_date) {
            (Some(a), Some(d)) if d <= end => Some((a.max(Decimal::ZERO), d)),
            _ => None,
        };
        if r.due_date >= start {
            owed += due;
            if let Some((a, _)) = payment {
                collected += a.min(due);
            }
        } else {
            let before = payment
                .filter(|&(_, d)| d < start)
                .map_or(Decimal::ZERO, |(a, _)| a);
            let still = (due - before).max(Decimal::ZERO);
            owed += still;
            if let Some((a, _)) = payment.filter(|&(_, d)| d >= start) {
                collected += a.min(still);
            }
        }
    }
    Parts::new(
        collected,
        owed,
        Na::new(
            "本期没有应收款（本期到期或期初仍欠）",
            "nothing was due in the period or still owed at its start",
        ),
    )
}

/// 首单回款率 first_payment_rate: collection_rate over rows whose payment
/// kind is first.
pub fn first_payment_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    first_payment_rate_parts(cx, rep, spec).value()
}

/// [`first_payment_rate`]'s parts.
pub fn first_payment_rate_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    collection(cx, rep, Some(PaymentKind::First))
}

/// 尾款回款率 final_payment_rate: collection_rate over rows whose payment
/// kind is final.
pub fn final_payment_rate(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    final_payment_rate_parts(cx, rep, spec).value()
}

/// [`final_payment_rate`]'s parts.
pub fn final_payment_rate_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    collection(cx, rep, Some(PaymentKind::Final))
}

fn collection(cx: &Ctx, rep: RepIdx, kind: Option<PaymentKind>) -> Parts {
    let (mut counted, mut due) = (Decimal::ZERO, Decimal::ZERO);
    for r in due_in_period(cx, rep).filter(|r| kind.is_none_or(|k| r.payment_kind == k)) {
        due += r.amount_due;
        counted += counted_amount(cx, r);
    }
    Parts::new(
        counted,
        due,
        Na::new("本期没有应回款", "nothing fell due in the period"),
    )
}

/// The part of an installment that counts as collected: min(paid, due) when
/// paid within the grace days after the due date, else 0.
pub fn counted_amount(cx: &Ctx, r: &Installment) -> Decimal {
    match (r.amount_paid, r.paid_date) {
        (Some(paid), Some(d)) if d <= grace_end(cx, r.due_date) => {
            paid.min(r.amount_due).max(Decimal::ZERO)
        }
        _ => Decimal::ZERO,
    }
}

/// Whether a contract is a renewal (续签) rather than a new deal (新签)
/// (SPEC 5, second round): the payment ledger's 签约类型 when written;
/// otherwise a renewal when its customer has a contract (any rep) signed
/// strictly before it. Contracts signed on the same day are not before
/// each other, so a new customer's first-day contracts are all new deals.
pub fn is_renewal(cx: &Ctx, c: &Contract) -> bool {
    match c.deal_type {
        Some(DealType::Renewal) => true,
        Some(DealType::New) => false,
        None => cx
            .ix
            .contracts_by_customer
            .get(&c.customer_id)
            .and_then(|v| v.first())
            .is_some_and(|&f| cx.ds.contracts[f as usize].sign_date < c.sign_date),
    }
}

/// 新签合同额 new_contract_sales: Σ a(C) over r's contracts signed in P
/// that are new deals ([`is_renewal`] false). A money total: 0 without
/// any, never N/A.
pub fn new_contract_sales(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    Ok(signed_in_period(cx, rep)
        .filter(|c| !is_renewal(cx, c))
        .map(|c| c.amount)
        .sum())
}

/// 续签合同额 renewal_sales: Σ a(C) over r's contracts signed in P that
/// are renewals ([`is_renewal`]). 0 without any, never N/A.
pub fn renewal_sales(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    Ok(signed_in_period(cx, rep)
        .filter(|c| is_renewal(cx, c))
        .map(|c| c.amount)
        .sum())
}

/// 客单价 avg_deal_size: signed sales ÷ number of r's contracts signed in P.
pub fn avg_deal_size_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let (n, sum) =
        signed_in_period(cx, rep).fold((0u32, Decimal::ZERO), |(n, s), c| (n + 1, s + c.amount));
    Parts::new(
        sum,
        Decimal::from(n),
        Na::new("本期没有签约合同", "no contract signed in the period"),
    )
}

/// [`avg_deal_size_parts`] as a value.
pub fn avg_deal_size(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    avg_deal_size_parts(cx, rep, spec).value()
}

/// 毛利率 gross_margin: Σ gross_profit ÷ Σ a(C) over r's contracts signed in
/// P that have gross_profit.
pub fn gross_margin_parts(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Parts {
    let (gp, amount) = signed_in_period(cx, rep)
        .filter_map(|c| c.gross_profit.map(|g| (g, c.amount)))
        .fold((Decimal::ZERO, Decimal::ZERO), |(a, b), (g, m)| {
            (a + g, b + m)
        });
    Parts::new(
        gp,
        amount,
        Na::new(
            "本期签约合同都没有填毛利",
            "no contract signed in the period has a gross profit",
        ),
    )
}

/// [`gross_margin_parts`] as a value.
pub fn gross_margin(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    gross_margin_parts(cx, rep, spec).value()
}

/// 签约面积 signed_area: Σ area over r's contracts signed in P.
pub fn signed_area(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    Ok(signed_in_period(cx, rep).filter_map(|c| c.area).sum())
}

/// 重点项目签约数 key_project_signings: r's contracts signed in P marked key
/// project.
pub fn key_project_signings(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    Ok(Decimal::from(
        signed_in_period(cx, rep)
            .filter(|c| c.key_project == Some(true))
            .count(),
    ))
}

/// 平均成交周期 sales_cycle_days: mean over N(r,P) of F(c) − date(lead(c))
/// in days. Customers of N(r,P) missing from the customer ledger have no
/// lead date and are left out of the mean.
pub fn sales_cycle_days(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let (mut n, mut total) = (0i64, 0i64);
    for (id, ci) in new_customer_set(cx, rep) {
        if let Some(c) = cx.customer(id) {
            total +=
                (cx.ds.contracts[ci as usize].sign_date - c.facts().lead_time.date()).num_days();
            n += 1;
        }
    }
    ratio(Decimal::from(total), Decimal::from(n))
        .ok_or_else(|| Na::new("本期没有新成交客户", "no new customer won in the period"))
}

/// Installments due in `p`, not yet counted in full, whose grace window is
/// still open at the ledgers' as-of date: a payment recorded in a later
/// export could still count for the period.
pub fn open_grace(
    ds: &crate::input::dataset::Dataset,
    p: crate::period::Period,
    grace_days: i64,
    as_of: Option<chrono::NaiveDate>,
) -> usize {
    let Some(as_of) = as_of else { return 0 };
    let grace = chrono::Duration::days(grace_days);
    ds.installments
        .iter()
        .filter(|i| p.contains(i.due_date) && i.due_date + grace > as_of)
        .filter(|i| {
            let counted = match (i.amount_paid, i.paid_date) {
                (Some(paid), Some(d)) if d <= i.due_date + grace => paid.min(i.amount_due),
                _ => rust_decimal::Decimal::ZERO,
            };
            counted < i.amount_due
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compute::testkit::*;
    use crate::input::dataset::Dataset;

    fn value(
        ds: &Dataset,
        p: &str,
        rep: RepIdx,
        code: &str,
        f: fn(&Ctx, RepIdx, &IndicatorSpec) -> Value,
        edit: impl Fn(&mut IndicatorSpec),
    ) -> Value {
        let mut spec = IndicatorSpec::new(code).unwrap();
        edit(&mut spec);
        with_ctx(ds, p, |cx| f(cx, rep, &spec))
    }

    /// Two reps. March 2026:
    /// - HT1 S001 KH1 signed 03-01 100 000 (KH1's first deal, lead 02-10)
    /// - HT2 S001 KH2 signed 03-31 50 000 (month end; KH2's first deal, lead 03-01, gp 10 000, key project)
    /// - HT3 S001 KH3 signed 03-15 30 000 (KH3 first signed 2025-12-20 by S002: an old customer)
    /// - HT4 S002 KH4 signed 04-01 20 000 (April: outside March)
    fn march() -> (Dataset, RepIdx, RepIdx) {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        let b = l.rep("S002", "李四", "商务专员-B2B", "2025-01-01");
        l.customer("KH1", a, "2026-02-10", None);
        l.customer("KH2", a, "2026-03-01 09:00", None);
        l.customer("KH3", b, "2025-11-01", None);
        l.customer("KH4", b, "2026-03-20", None);
        l.contract("HT1", "KH1", a, "2026-03-01", "100000");
        l.contract("HT2", "KH2", a, "2026-03-31", "50000")
            .gross_profit = Some(dec("10000"));
        l.installments_mut_last().key_project = Some(true);
        l.contract("HT0", "KH3", b, "2025-12-20", "8000");
        l.contract("HT3", "KH3", a, "2026-03-15", "30000");
        l.contract("HT4", "KH4", b, "2026-04-01", "20000");
        (l.build(), a, b)
    }

    #[test]
    fn sales_and_deals() {
        let (ds, a, b) = march();
        // 100 000 + 50 000 (signed on the month's last day) + 30 000.
        assert_eq!(
            value(&ds, "2026-03", a, "sales", sales, |_| {}),
            Ok(dec("180000"))
        );
        assert_eq!(
            value(&ds, "2026-03", b, "sales", sales, |_| {}),
            Ok(dec("0")),
            "a sum over no rows is 0"
        );
        assert_eq!(
            value(&ds, "2026-Q2", b, "sales", sales, |_| {}),
            Ok(dec("20000"))
        );
        // 180 000 / 3 contracts.
        assert_eq!(
            value(&ds, "2026-03", a, "avg_deal_size", avg_deal_size, |_| {}),
            Ok(dec("60000"))
        );
        assert!(value(&ds, "2026-03", b, "avg_deal_size", avg_deal_size, |_| {}).is_err());
        // Only HT2 has a gross profit: 10 000 / 50 000.
        assert_eq!(
            value(&ds, "2026-03", a, "gross_margin", gross_margin, |_| {}),
            Ok(dec("0.2"))
        );
        assert_eq!(
            value(
                &ds,
                "2026-03",
                a,
                "key_project_signings",
                key_project_signings,
                |_| {}
            ),
            Ok(dec("1"))
        );
        // New customers: KH1 and KH2 (first deals in March); KH3's first deal was 2025.
        assert_eq!(
            value(&ds, "2026-03", a, "new_customers", new_customers, |_| {}),
            Ok(dec("2"))
        );
        // Share: (100 000 + 50 000) / 180 000 = 0.8333333333 (10 places).
        assert_eq!(
            value(
                &ds,
                "2026-03",
                a,
                "new_customer_revenue_share",
                new_customer_revenue_share,
                |_| {}
            ),
            Ok(dec("0.8333333333"))
        );
        // Cycle: KH1 03-01 − 02-10 = 19 days; KH2 03-31 − 03-01 = 30 days; mean 24.5.
        assert_eq!(
            value(
                &ds,
                "2026-03",
                a,
                "sales_cycle_days",
                sales_cycle_days,
                |_| {}
            ),
            Ok(dec("24.5"))
        );
        assert!(value(
            &ds,
            "2026-03",
            b,
            "sales_cycle_days",
            sales_cycle_days,
            |_| {}
        )
        .is_err());
        // The year: everything.
        assert_eq!(
            value(&ds, "2026", a, "new_customers", new_customers, |_| {}),
            Ok(dec("2"))
        );
    }

    #[test]
    fn earliest_contract_tie_goes_to_the_lowest_id() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        let b = l.rep("S002", "李四", "商务专员-B2B", "2025-01-01");
        l.customer("KH1", a, "2026-03-01", None);
        // Same day: HT-B (S001) and HT-A (S002); "HT-A" < "HT-B", so S002 is credited.
        l.contract("HT-B", "KH1", a, "2026-03-05", "10");
        l.contract("HT-A", "KH1", b, "2026-03-05", "10");
        let ds = l.build();
        assert_eq!(
            value(&ds, "2026-03", a, "new_customers", new_customers, |_| {}),
            Ok(dec("0"))
        );
        assert_eq!(
            value(&ds, "2026-03", b, "new_customers", new_customers, |_| {}),
            Ok(dec("1"))
        );
    }

    /// Installments of S001 due in March 2026, grace 30 days:
    /// | row | kind  | due   | amount due | paid            | counted |
    /// | 1   | first | 03-10 | 1 000      | 1 000 on 04-09 (30 days late: within grace) | 1 000 |
    /// | 2   | final | 03-10 | 2 000      | 2 000 on 04-10 (31 days late)               | 0     |
    /// | 3   | final | 03-31 | 3 000      | 1 200 on 03-31 (partial)                     | 1 200 |
    /// | 4   | first | 03-20 | 4 000      | 5 000 on 03-20 (over-payment, capped)        | 4 000 |
    /// | 5   | final | 04-01 | 9 000      | unpaid, due in April: not in March           | —     |
    /// collection = (1 000 + 0 + 1 200 + 4 000) / (1 000 + 2 000 + 3 000 + 4 000) = 6 200 / 10 000 = 0.62
    /// first = (1 000 + 4 000) / (1 000 + 4 000) = 1; final = (0 + 1 200) / (2 000 + 3 000) = 0.24
    #[test]
    fn collection_with_grace_partial_and_over_payment() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        l.customer("KH1", a, "2026-01-01", None);
        let pay = |r: &mut Installment, amount: &str, d: &str| {
            r.amount_paid = Some(dec(amount));
            r.paid_date = Some(day(d));
        };
        pay(
            l.installment(
                "HT1",
                1,
                "KH1",
                a,
                "2026-02-01",
                "3000",
                "1000",
                "2026-03-10",
            ),
            "1000",
            "2026-04-09",
        );
        pay(
            l.installment(
                "HT1",
                2,
                "KH1",
                a,
                "2026-02-01",
                "3000",
                "2000",
                "2026-03-10",
            ),
            "2000",
            "2026-04-10",
        );
        pay(
            l.installment(
                "HT2",
                2,
                "KH1",
                a,
                "2026-02-05",
                "3000",
                "3000",
                "2026-03-31",
            ),
            "1200",
            "2026-03-31",
        );
        pay(
            l.installment(
                "HT3",
                1,
                "KH1",
                a,
                "2026-02-06",
                "4000",
                "4000",
                "2026-03-20",
            ),
            "5000",
            "2026-03-20",
        );
        l.installment(
            "HT4",
            2,
            "KH1",
            a,
            "2026-02-07",
            "9000",
            "9000",
            "2026-04-01",
        );
        let ds = l.build();
        assert_eq!(
            value(
                &ds,
                "2026-03",
                a,
                "collection_rate",
                collection_rate,
                |_| {}
            ),
            Ok(dec("0.62"))
        );
        assert_eq!(
            value(
                &ds,
                "2026-03",
                a,
                "first_payment_rate",
                first_payment_rate,
                |_| {}
            ),
            Ok(dec("1"))
        );
        assert_eq!(
            value(
                &ds,
                "2026-03",
                a,
                "final_payment_rate",
                final_payment_rate,
                |_| {}
            ),
            Ok(dec("0.24"))
        );
        // Nothing due in May: N/A, not 0.
        assert!(value(
            &ds,
            "2026-05",
            a,
            "collection_rate",
            collection_rate,
            |_| {}
        )
        .is_err());
        // Collected basis: paid in March: 1 200 + 5 000 = 6 200; paid in April: 1 000 + 2 000.
        let collected = |s: &mut IndicatorSpec| s.basis = Some(SalesBasis::Collected);
        assert_eq!(
            value(&ds, "2026-03", a, "sales", sales, collected),
            Ok(dec("6200"))
        );
        assert_eq!(
            value(&ds, "2026-04", a, "sales", sales, collected),
            Ok(dec("3000"))
        );
    }

    /// require_first_payment: KH1's first contract's installment 1 paid in
    /// full 10 days after due (counts); KH2's paid 31 days after due (does
    /// not); KH3's paid in part (does not).
    #[test]
    fn new_customers_requiring_the_first_payment() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        for (c, paid, date) in [
            ("KH1", "500", "2026-03-20"),
            ("KH2", "500", "2026-04-10"),
            ("KH3", "499.99", "2026-03-12"),
        ] {
            l.customer(c, a, "2026-03-01", None);
            let r = l.installment(
                &format!("HT-{c}"),
                1,
                c,
                a,
                "2026-03-10",
                "1000",
                "500",
                "2026-03-10",
            );
            r.amount_paid = Some(dec(paid));
            r.paid_date = Some(day(date));
        }
        let ds = l.build();
        assert_eq!(
            value(&ds, "2026-03", a, "new_customers", new_customers, |_| {}),
            Ok(dec("3"))
        );
        assert_eq!(
            value(&ds, "2026-03", a, "new_customers", new_customers, |s| s
                .require_first_payment =
                true),
            Ok(dec("1"))
        );
    }

    #[test]
    fn signed_area_sums_the_period() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "招商专员", "2025-01-01");
        l.customer("KH1", a, "2026-01-01", None);
        l.contract("HT1", "KH1", a, "2026-03-01", "10").area = Some(dec("120.5"));
        l.contract("HT2", "KH1", a, "2026-03-31", "10").area = Some(dec("80"));
        l.contract("HT3", "KH1", a, "2026-04-01", "10").area = Some(dec("1000"));
        let ds = l.build();
        assert_eq!(
            value(&ds, "2026-03", a, "signed_area", signed_area, |_| {}),
            Ok(dec("200.5"))
        );
        assert_eq!(
            value(&ds, "2026-Q1", a, "signed_area", signed_area, |_| {}),
            Ok(dec("200.5"))
        );
    }

    /// 新签 / 续签 of S001's contracts (S002 signs one earlier deal):
    /// | contract | customer | signed      | amount  | 签约类型 | earlier contract?        | kind    |
    /// | HT1      | KH1      | 01-10       | 100 000 | blank    | none                     | new     |
    /// | HT2      | KH1      | 03-05       | 40 000  | blank    | HT1                      | renewal |
    /// | HT3, HT4 | KH2      | 03-10 both  | 30 000, 20 000 | blank | none before 03-10  | new     |
    /// | HT5      | KH3      | 03-31 (end) | 15 000  | 新签     | HT0 (S002, 2025-06-01)   | new: the column wins |
    /// | HT6      | KH4      | 03-20       | 5 000   | 续签     | none                     | renewal: the column wins |
    /// | HT7      | KH1      | 04-01       | 99 000  | blank    | HT1, HT2                 | renewal (April) |
    /// March: new 30 000 + 20 000 + 15 000 = 65 000; renewal 40 000 + 5 000 = 45 000
    /// (together the month's sales, 110 000). Q1: new 65 000 + 100 000 = 165 000.
    #[test]
    fn new_and_renewal_sales() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "客户经理", "2025-01-01");
        let b = l.rep("S002", "李四", "客户经理", "2025-01-01");
        for c in ["KH1", "KH2", "KH3", "KH4"] {
            l.customer(c, a, "2025-01-01", None);
        }
        l.contract("HT0", "KH3", b, "2025-06-01", "8000");
        l.contract("HT1", "KH1", a, "2026-01-10", "100000");
        l.contract("HT2", "KH1", a, "2026-03-05", "40000");
        l.contract("HT3", "KH2", a, "2026-03-10", "30000");
        l.contract("HT4", "KH2", a, "2026-03-10", "20000");
        l.contract("HT5", "KH3", a, "2026-03-31", "15000").deal_type = Some(DealType::New);
        l.contract("HT6", "KH4", a, "2026-03-20", "5000").deal_type = Some(DealType::Renewal);
        l.contract("HT7", "KH1", a, "2026-04-01", "99000");
        let ds = l.build();
        let new = |p, r| value(&ds, p, r, "new_contract_sales", new_contract_sales, |_| {});
        let renewal = |p, r| value(&ds, p, r, "renewal_sales", renewal_sales, |_| {});
        assert_eq!(new("2026-03", a), Ok(dec("65000")));
        assert_eq!(renewal("2026-03", a), Ok(dec("45000")));
        assert_eq!(
            value(&ds, "2026-03", a, "sales", sales, |_| {}),
            Ok(dec("110000"))
        );
        assert_eq!(new("2026-Q1", a), Ok(dec("165000")));
        assert_eq!(renewal("2026-Q1", a), Ok(dec("45000")));
        assert_eq!(renewal("2026-04", a), Ok(dec("99000")));
        assert_eq!(new("2026-04", a), Ok(dec("0")));
        // A money total over no contracts is 0, not N/A.
        assert_eq!(new("2026-03", b), Ok(dec("0")));
        assert_eq!(renewal("2026-03", b), Ok(dec("0")));
    }

    /// 回款率 with basis = "outstanding", S001, March 2026 (P.start 03-01):
    /// | row | due   | amount due | paid                     | owed in P | collected in P |
    /// | r1  | 02-10 | 1 000 | unpaid                            | 1 000 | 0 |
    /// | r2  | 02-15 | 2 000 | 500 on 02-20 (before P)           | 1 500 | 0 |
    /// | r3  | 01-31 | 3 000 | 3 000 on 03-31 (month end)        | 3 000 | 3 000 |
    /// | r4  | 01-20 | 4 000 | 4 000 on 02-01 (settled before P) | 0     | 0 |
    /// | r5  | 03-10 | 5 000 | 6 000 on 03-12 (over-paid, capped)| 5 000 | 5 000 |
    /// | r6  | 03-20 | 2 000 | 2 000 on 02-25 (in advance)       | 2 000 | 2 000 |
    /// | r7  | 03-31 | 1 000 | 1 000 on 04-01 (after P)          | 1 000 | 0 |
    /// | r8  | 04-05 | 9 000 | 9 000 on 03-15 (due after P)      | —     | — |
    /// | r9  | 02-28 | 2 500 | 1 000 on 03-05 (part)             | 2 500 | 1 000 |
    /// March: 11 000 ÷ 16 000 = 0.6875. The default basis over the same
    /// month takes only r5–r7 (due in March, paid within 30 days):
    /// (5 000 + 2 000 + 1 000) ÷ 8 000 = 1.
    /// April (P.start 04-01): r1 1 000 (unpaid), r2 1 500, r7 1 000 (paid
    /// 04-01: collected), r9 2 500 − 1 000 = 1 500, r8 9 000 (paid in
    /// advance: collected); r3, r4, r5, r6 settled. 10 000 ÷ 14 000 =
    /// 0.714285714285… → 0.7142857143.
    #[test]
    fn collection_on_the_outstanding_basis() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "招商专员", "2025-01-01");
        let b = l.rep("S002", "李四", "招商专员", "2025-01-01");
        l.customer("KH1", a, "2025-01-01", None);
        type Row<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>);
        let rows: [Row; 9] = [
            ("2026-02-10", "1000", None),
            ("2026-02-15", "2000", Some(("500", "2026-02-20"))),
            ("2026-01-31", "3000", Some(("3000", "2026-03-31"))),
            ("2026-01-20", "4000", Some(("4000", "2026-02-01"))),
            ("2026-03-10", "5000", Some(("6000", "2026-03-12"))),
            ("2026-03-20", "2000", Some(("2000", "2026-02-25"))),
            ("2026-03-31", "1000", Some(("1000", "2026-04-01"))),
            ("2026-04-05", "9000", Some(("9000", "2026-03-15"))),
            ("2026-02-28", "2500", Some(("1000", "2026-03-05"))),
        ];
        for (n, (due, amount, paid)) in rows.into_iter().enumerate() {
            let r = l.installment(
                &format!("HT-r{}", n + 1),
                2,
                "KH1",
                a,
                "2025-12-01",
                amount,
                amount,
                due,
            );
            if let Some((p, d)) = paid {
                r.amount_paid = Some(dec(p));
                r.paid_date = Some(day(d));
            }
        }
        let ds = l.build();
        let outstanding = |s: &mut IndicatorSpec| s.collection_basis = CollectionBasis::Outstanding;
        let rate = |p, r| value(&ds, p, r, "collection_rate", collection_rate, outstanding);
        assert_eq!(rate("2026-03", a), Ok(dec("0.6875")));
        assert_eq!(rate("2026-04", a), Ok(dec("0.7142857143")));
        assert_eq!(
            value(
                &ds,
                "2026-03",
                a,
                "collection_rate",
                collection_rate,
                |_| {}
            ),
            Ok(dec("1"))
        );
        // Nothing owed: N/A, not 0.
        assert!(rate("2026-03", b).is_err());
    }

    /// Filters on the customer ledger's tier and channel on the lead date,
    /// S001, March 2026 (sales 100 + 50 + 30 + 20 + 40 = 240 thousand):
    /// | customer | tier on lead date | channel | first deal (S001)  | new in March |
    /// | KH1 | 高端 | 线下 | HT1 03-05 100 000 | yes |
    /// | KH2 | 中端 | 线上 | HT2 03-10 50 000  | yes |
    /// | KH3 | 中端 (January snapshot; 高端 from March) | — | HT3 03-20 30 000 | yes |
    /// | KH4 | —    | 线上 | HT4 03-25 20 000  | yes |
    /// | KH5 | 高端 | 线下 | 2025-06-01 (HT5 03-31 40 000 is a repurchase) | no |
    #[test]
    fn new_customers_filtered_by_tier_and_channel() {
        let mut l = Ledger::new();
        let a = l.rep("S001", "张三", "商务专员-B2B", "2025-01-01");
        let set = |r: &mut crate::input::model::CustomerRow,
                   tier: Option<&str>,
                   channel: Option<&str>| {
            r.attrs_mut().tier = tier.map(Into::into);
            r.attrs_mut().channel = channel.map(Into::into);
        };
        set(
            l.customer("KH1", a, "2026-02-01", None),
            Some("高端"),
            Some("线下"),
        );
        set(
            l.customer("KH2", a, "2026-02-01", None),
            Some("中端"),
            Some("线上"),
        );
        set(
            l.customer("KH3", a, "2026-01-15", Some("2026-01")),
            Some("中端"),
            None,
        );
        set(
            l.customer("KH3", a, "2026-01-15", Some("2026-03")),
            Some("高端"),
            None,
        );
        set(l.customer("KH4", a, "2026-02-01", None), None, Some("线上"));
        set(
            l.customer("KH5", a, "2025-05-01", None),
            Some("高端"),
            Some("线下"),
        );
        l.contract("HT1", "KH1", a, "2026-03-05", "100000");
        l.contract("HT2", "KH2", a, "2026-03-10", "50000");
        l.contract("HT3", "KH3", a, "2026-03-20", "30000");
        l.contract("HT4", "KH4", a, "2026-03-25", "20000");
        l.contract("HT0", "KH5", a, "2025-06-01", "10000");
        l.contract("HT5", "KH5", a, "2026-03-31", "40000");
        let ds = l.build();
        let filtered = |tiers: &[&str], channels: &[&str]| {
            let (t, c): (Vec<String>, Vec<String>) = (
                tiers.iter().map(|s| s.to_string()).collect(),
                channels.iter().map(|s| s.to_string()).collect(),
            );
            let n = value(&ds, "2026-03", a, "new_customers", new_customers, |s| {
                s.tiers = t.clone();
                s.channels = c.clone();
            });
            let share = value(
                &ds,
                "2026-03",
                a,
                "new_customer_revenue_share",
                new_customer_revenue_share,
                |s| {
                    s.tiers = t.clone();
                    s.channels = c.clone();
                },
            );
            (n.unwrap(), share.unwrap())
        };
        // No filter: KH1–KH4; (100 + 50 + 30 + 20) ÷ 240 = 0.8333333333.
        assert_eq!(filtered(&[], &[]), (dec("4"), dec("0.8333333333")));
        // 高端: KH1 only (KH3 was 中端 on its lead date); 100 ÷ 240 = 0.4166666667.
        assert_eq!(filtered(&["高端"], &[]), (dec("1"), dec("0.4166666667")));
        // 高端 or 中端: KH1, KH2, KH3; 180 ÷ 240 = 0.75.
        assert_eq!(filtered(&["高端", "中端"], &[]), (dec("3"), dec("0.75")));
        // 线上: KH2, KH4; 70 ÷ 240 = 0.2916666667.
        assert_eq!(filtered(&[], &["线上"]), (dec("2"), dec("0.2916666667")));
        // 中端 and 线上: KH2 (KH3 has no channel); 50 ÷ 240 = 0.2083333333.
        assert_eq!(
            filtered(&["中端"], &["线上"]),
            (dec("1"), dec("0.2083333333"))
        );
        // A tier nobody has: 0 and a share of 0 (the denominator stays 240 000).
        assert_eq!(filtered(&["普通"], &[]), (dec("0"), dec("0")));
    }
}

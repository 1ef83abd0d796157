//! 业绩产出 performance-output indicators (SPEC 5). Each function returns the
//! indicator's value for one rep and period, or why it has none; indicators
//! scored as achievement against a target are divided by the target by the
//! caller ([`super::targets`]).

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{ratio, Ctx, Na, Value};
use crate::input::model::{Contract, Installment, PaymentKind, RepIdx};
use crate::scheme::{IndicatorSpec, SalesBasis};

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
/// with paid_date ≤ due_date + grace_days.
pub fn new_customers(cx: &Ctx, rep: RepIdx, spec: &IndicatorSpec) -> Value {
    let set = new_customer_set(cx, rep);
    let n = if spec.require_first_payment {
        set.iter()
            .filter(|(_, ci)| first_installment_paid_in_time(cx, &cx.ds.contracts[*ci as usize]))
            .count()
    } else {
        set.len()
    };
    Ok(Decimal::from(n))
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
/// signed in P whose customer has F(c)∈P ÷ signed sales of r in P.
pub fn new_customer_revenue_share(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let p = cx.period();
    let (mut new, mut all) = (Decimal::ZERO, Decimal::ZERO);
    for c in signed_in_period(cx, rep) {
        all += c.amount;
        if cx.first_sign(&c.customer_id).is_some_and(|f| p.contains(f)) {
            new += c.amount;
        }
    }
    ratio(new, all).ok_or_else(|| Na::new("本期没有签约销售额", "no signed sales in the period"))
}

/// 回款率 collection_rate: over r's installment rows with due_date∈P:
/// Σ counted ÷ Σ amount_due, where counted = min(amount_paid, amount_due)
/// if paid_date ≤ due_date + grace_days (default 30) else 0.
pub fn collection_rate(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    collection(cx, rep, None)
}

/// 首单回款率 first_payment_rate: collection_rate over rows whose payment
/// kind is first.
pub fn first_payment_rate(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    collection(cx, rep, Some(PaymentKind::First))
}

/// 尾款回款率 final_payment_rate: collection_rate over rows whose payment
/// kind is final.
pub fn final_payment_rate(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    collection(cx, rep, Some(PaymentKind::Final))
}

fn collection(cx: &Ctx, rep: RepIdx, kind: Option<PaymentKind>) -> Value {
    let (mut counted, mut due) = (Decimal::ZERO, Decimal::ZERO);
    for r in due_in_period(cx, rep).filter(|r| kind.is_none_or(|k| r.payment_kind == k)) {
        due += r.amount_due;
        counted += counted_amount(cx, r);
    }
    ratio(counted, due).ok_or_else(|| Na::new("本期没有应回款", "nothing fell due in the period"))
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

/// 客单价 avg_deal_size: signed sales ÷ number of r's contracts signed in P.
pub fn avg_deal_size(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let (n, sum) =
        signed_in_period(cx, rep).fold((0u32, Decimal::ZERO), |(n, s), c| (n + 1, s + c.amount));
    ratio(sum, Decimal::from(n))
        .ok_or_else(|| Na::new("本期没有签约合同", "no contract signed in the period"))
}

/// 毛利率 gross_margin: Σ gross_profit ÷ Σ a(C) over r's contracts signed in
/// P that have gross_profit.
pub fn gross_margin(cx: &Ctx, rep: RepIdx, _spec: &IndicatorSpec) -> Value {
    let (gp, amount) = signed_in_period(cx, rep)
        .filter_map(|c| c.gross_profit.map(|g| (g, c.amount)))
        .fold((Decimal::ZERO, Decimal::ZERO), |(a, b), (g, m)| {
            (a + g, b + m)
        });
    ratio(gp, amount).ok_or_else(|| {
        Na::new(
            "本期签约合同都没有填毛利",
            "no contract signed in the period has a gross profit",
        )
    })
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
}

//! Indicators (SPEC 5): pure functions over the validated dataset, no I/O.
//!
//! The dataset is indexed once per run ([`Index`]: rows by rep and by
//! customer, each customer's first deal, lead owners), and once per period
//! for what depends on the period's first day ([`PeriodIx`]: owners on
//! P.start). Each indicator is then a pass over one rep's own rows.

pub mod apply;
pub mod assess;
pub mod customers;
pub mod eval;
pub mod manual;
pub mod performance;
pub mod process;
pub mod score;
pub mod targets;
/// Small hand-written ledgers for the indicator tests (unit tests, and the
/// integration tests through the `testkit` feature they turn on).
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::input::dataset::Dataset;
use crate::input::model::{Customer, RepIdx, Text};
use crate::period::Period;
use crate::scheme::Defaults;
use crate::Lang;
use rustc_hash::FxHashMap;

/// Why an indicator has no value for a rep and period (SPEC 5: a zero
/// denominator, missing data, a missing or zero target, no scores).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Na {
    pub zh: String,
    pub en: String,
}

impl Na {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Na {
        Na {
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn reason(&self, lang: Lang) -> &str {
        lang.pick(&self.zh, &self.en)
    }
}

/// An indicator's value for one rep and period, or why it has none.
pub type Value = Result<Decimal, Na>;

/// Ratios are computed in decimal and rounded half away from zero to 10
/// places before scoring (SPEC 5, conventions). `None` for a zero
/// denominator.
pub fn ratio(num: Decimal, den: Decimal) -> Option<Decimal> {
    if den.is_zero() {
        return None;
    }
    num.checked_div(den)
        .map(|r| r.round_dp_with_strategy(10, RoundingStrategy::MidpointAwayFromZero))
}

/// A ratio indicator's numerator and denominator, and why it is N/A when
/// the denominator is zero: its value is `num ÷ den` ([`ratio`]); a team
/// indicator adds the parts of every member first (SPEC 5, "Team scope":
/// rates as Σ numerators ÷ Σ denominators).
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    pub num: Decimal,
    pub den: Decimal,
    pub na: Na,
}

impl Parts {
    pub fn new(num: Decimal, den: Decimal, na: Na) -> Parts {
        Parts { num, den, na }
    }

    /// num ÷ den, or N/A for a zero denominator.
    pub fn value(self) -> Value {
        ratio(self.num, self.den).ok_or(self.na)
    }
}

/// The run-wide index of the dataset. All lists are sorted as documented,
/// so indicators never scan the whole ledger.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// Per rep: indexes into `ds.contracts`, by sign date then contract id.
    pub contracts_by_rep: Vec<Vec<u32>>,
    /// Per rep: indexes into `ds.installments`, by due date.
    pub installments_by_rep: Vec<Vec<u32>>,
    /// Per rep: indexes into `ds.followups`, by time.
    pub followups_by_rep: Vec<Vec<u32>>,
    /// Per rep: indexes into `ds.scores`.
    pub scores_by_rep: Vec<Vec<u32>>,
    /// Per rep: indexes into `ds.adjustments`.
    pub adjustments_by_rep: Vec<Vec<u32>>,
    /// Per rep: indexes into `ds.targets`.
    pub targets_by_rep: Vec<Vec<u32>>,
    /// Per rep: indexes into `ds.rejected` whose rep resolved to this rep.
    pub rejected_by_rep: Vec<Vec<u32>>,
    /// Per rep: customers (indexes into `ds.customers`) owned by the rep on
    /// their lead date, by lead time.
    pub leads_by_owner: Vec<Vec<u32>>,
    /// Per rep: the customer-ledger rows (snapshots) naming the rep as owner.
    pub customer_rows_by_owner: Vec<Vec<crate::input::model::RowRef>>,
    /// Per rep: contracts (indexes into `ds.contracts`) with a 合同到期日
    /// whose customer's owner on that date is the rep, by end date then
    /// index (renewal_rate).
    pub ending_by_owner: Vec<Vec<u32>>,
    /// Customer id → index into `ds.customers`.
    pub customer: FxHashMap<Text, u32>,
    /// Customer id → its contracts (indexes into `ds.contracts`), by sign
    /// date then contract id (so the first is its first deal).
    pub contracts_by_customer: FxHashMap<Text, Vec<u32>>,
    /// Customer id → its follow-ups by anyone (indexes into `ds.followups`),
    /// by time.
    pub followups_by_customer: FxHashMap<Text, Vec<u32>>,
}

impl Index {
    /// Built in parallel parts (contracts, installments, follow-ups,
    /// customers and the small kinds are independent).
    pub fn new(ds: &Dataset) -> Index {
        let n = ds.reps.len();
        let per_rep = |ids: &mut dyn Iterator<Item = RepIdx>| {
            let mut v: Vec<Vec<u32>> = vec![Vec::new(); n];
            for (i, r) in ids.enumerate() {
                v[r as usize].push(i as u32);
            }
            v
        };
        // Rows grouped by customer id, without a reference count per row.
        fn by_customer<'a>(ids: impl Iterator<Item = &'a Text>) -> FxHashMap<Text, Vec<u32>> {
            let mut m: FxHashMap<Text, Vec<u32>> = FxHashMap::default();
            for (i, id) in ids.enumerate() {
                match m.get_mut(&**id) {
                    Some(v) => v.push(i as u32),
                    None => {
                        m.insert(id.clone(), vec![i as u32]);
                    }
                }
            }
            m
        }
        let contracts = || {
            let mut by_rep = per_rep(&mut ds.contracts.iter().map(|c| c.rep));
            let mut by_customer = by_customer(ds.contracts.iter().map(|c| &c.customer_id));
            let by_sign = |v: &mut Vec<u32>| {
                v.sort_by(|&a, &b| {
                    let (x, y) = (&ds.contracts[a as usize], &ds.contracts[b as usize]);
                    (x.sign_date, &x.contract_id).cmp(&(y.sign_date, &y.contract_id))
                })
            };
            by_rep.iter_mut().for_each(by_sign);
            by_customer.values_mut().for_each(by_sign);
            (by_rep, by_customer)
        };
        let installments = || {
            let mut by_rep = per_rep(&mut ds.installments.iter().map(|p| p.rep));
            by_rep
                .iter_mut()
                .for_each(|v| v.sort_by_key(|&i| (ds.installments[i as usize].due_date, i)));
            by_rep
        };
        let followups = || {
            let by_time = |v: &mut Vec<u32>| {
                v.sort_by_key(|&i| (ds.followups[i as usize].time.datetime(), i))
            };
            rayon::join(
                || {
                    let mut by_rep = per_rep(&mut ds.followups.iter().map(|f| f.rep));
                    by_rep.iter_mut().for_each(by_time);
                    by_rep
                },
                || {
                    let mut by_customer = by_customer(ds.followups.iter().map(|f| &f.customer_id));
                    by_customer.values_mut().for_each(by_time);
                    by_customer
                },
            )
        };
        let customers = || {
            let mut customer: FxHashMap<Text, u32> = FxHashMap::default();
            customer.reserve(ds.customers.len());
            let mut rows_by_owner: Vec<Vec<crate::input::model::RowRef>> = vec![Vec::new(); n];
            let mut leads_by_owner: Vec<Vec<u32>> = vec![Vec::new(); n];
            for (i, c) in ds.customers.iter().enumerate() {
                customer.insert(c.customer_id.clone(), i as u32);
                for s in &c.snapshots {
                    rows_by_owner[s.owner as usize].push(s.meta.src);
                }
                let lead = c.facts().lead_time;
                let owner = c.state_on(lead.date()).owner;
                leads_by_owner[owner as usize].push(i as u32);
            }
            leads_by_owner.iter_mut().for_each(|v| {
                v.sort_by_key(|&i| (ds.customers[i as usize].facts().lead_time.datetime(), i))
            });
            (customer, rows_by_owner, leads_by_owner)
        };
        let small = || {
            (
                per_rep(&mut ds.scores.iter().map(|s| s.rep)),
                per_rep(&mut ds.adjustments.iter().map(|a| a.rep)),
                per_rep(&mut ds.targets.iter().map(|t| t.rep)),
            )
        };
        let (
            ((contracts_by_rep, contracts_by_customer), installments_by_rep),
            (
                (followups_by_rep, followups_by_customer),
                (
                    (customer, customer_rows_by_owner, leads_by_owner),
                    (scores, adjustments, targets),
                ),
            ),
        ) = rayon::join(
            || rayon::join(contracts, installments),
            || rayon::join(followups, || rayon::join(customers, small)),
        );
        let mut ending_by_owner: Vec<Vec<u32>> = vec![Vec::new(); n];
        for (i, c) in ds.contracts.iter().enumerate() {
            let Some(end) = c.contract_end else { continue };
            if let Some(&ci) = customer.get(&*c.customer_id) {
                let owner = ds.customers[ci as usize].state_on(end).owner;
                ending_by_owner[owner as usize].push(i as u32);
            }
        }
        for v in &mut ending_by_owner {
            v.sort_by_key(|&i| (ds.contracts[i as usize].contract_end, i));
        }
        let mut rejected_by_rep = vec![Vec::new(); n];
        for (i, r) in ds.rejected.iter().enumerate() {
            if let Some(rep) = r.rep {
                rejected_by_rep[rep as usize].push(i as u32);
            }
        }
        Index {
            contracts_by_rep,
            installments_by_rep,
            followups_by_rep,
            scores_by_rep: scores,
            adjustments_by_rep: adjustments,
            targets_by_rep: targets,
            rejected_by_rep,
            ending_by_owner,
            leads_by_owner,
            customer_rows_by_owner,
            customer,
            contracts_by_customer,
            followups_by_customer,
        }
    }

    /// The customer's first deal: its earliest contract (tie: lowest
    /// contract id), as an index into `ds.contracts`.
    pub fn first_contract(&self, customer_id: &str) -> Option<u32> {
        self.contracts_by_customer
            .get(customer_id)
            .and_then(|v| v.first().copied())
    }
}

/// What depends on a period's first day: each rep's customers on P.start.
#[derive(Debug, Clone)]
pub struct PeriodIx {
    pub period: Period,
    /// Per rep: customers (indexes into `ds.customers`) whose owner on
    /// P.start is the rep.
    pub owned_at_start: Vec<Vec<u32>>,
    /// The same on P.end, built when an indicator first asks
    /// ([`PeriodIx::owned_at_end`]).
    owned_at_end: std::sync::OnceLock<Vec<Vec<u32>>>,
}

impl PeriodIx {
    pub fn new(ds: &Dataset, period: Period) -> PeriodIx {
        PeriodIx {
            period,
            owned_at_start: owners_on(ds, period.first_day()),
            owned_at_end: std::sync::OnceLock::new(),
        }
    }

    /// Per rep: customers (indexes into `ds.customers`) whose owner on
    /// P.end is the rep.
    pub fn owned_at_end(&self, ds: &Dataset) -> &[Vec<u32>] {
        self.owned_at_end
            .get_or_init(|| owners_on(ds, self.period.last_day()))
    }
}

/// Per rep: the customers whose owner on `d` is the rep.
fn owners_on(ds: &Dataset, d: NaiveDate) -> Vec<Vec<u32>> {
    let mut owned = vec![Vec::new(); ds.reps.len()];
    for (i, c) in ds.customers.iter().enumerate() {
        owned[c.state_on(d).owner as usize].push(i as u32);
    }
    owned
}

/// Everything an indicator function reads.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    pub ds: &'a Dataset,
    pub ix: &'a Index,
    pub px: &'a PeriodIx,
    pub defaults: &'a Defaults,
}

impl<'a> Ctx<'a> {
    pub fn period(&self) -> Period {
        self.px.period
    }
    pub fn start(&self) -> NaiveDate {
        self.px.period.first_day()
    }
    pub fn end(&self) -> NaiveDate {
        self.px.period.last_day()
    }
    pub fn customer(&self, id: &str) -> Option<&'a Customer> {
        self.ix
            .customer
            .get(id)
            .map(|&i| &self.ds.customers[i as usize])
    }
    /// F(c): the customer's first sign date over all contracts.
    pub fn first_sign(&self, customer_id: &str) -> Option<NaiveDate> {
        self.ix
            .first_contract(customer_id)
            .map(|i| self.ds.contracts[i as usize].sign_date)
    }
    /// Whether the customer counts as terminated before `d`.
    pub fn terminated_before(&self, c: &Customer, d: NaiveDate) -> bool {
        c.terminated_from.is_some_and(|t| t < d)
    }
}

/// Convenience for tests and callers: the index of a rep by id.
pub fn rep_index(ds: &Dataset, rep_id: &str) -> Option<RepIdx> {
    ds.reps
        .iter()
        .position(|r| r.rep_id == rep_id)
        .map(|i| i as RepIdx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_arithmetic_clamps_to_month_end() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(crate::period::add_months(d(2026, 8, 31), 6), d(2027, 2, 28));
        assert_eq!(crate::period::add_months(d(2027, 8, 31), 6), d(2028, 2, 29));
        assert_eq!(crate::period::add_months(d(2026, 1, 31), 1), d(2026, 2, 28));
        assert_eq!(crate::period::add_months(d(2026, 3, 15), 6), d(2026, 9, 15));
    }

    #[test]
    fn ratios_round_to_ten_places() {
        assert_eq!(
            ratio(Decimal::ONE, Decimal::from(3)),
            Some(Decimal::new(3_333_333_333, 10))
        );
        assert_eq!(
            ratio(Decimal::from(2), Decimal::from(3)),
            Some(Decimal::new(6_666_666_667, 10))
        );
        assert_eq!(ratio(Decimal::ONE, Decimal::ZERO), None);
    }
}

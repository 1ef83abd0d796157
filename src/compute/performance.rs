//! 业绩产出 performance-output indicators (SPEC 5).

use crate::model::RepIdx;

use super::Ctx;

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
                .then_some((c.customer_id.as_str(), ci))
        })
        .collect()
}

//! Tiny ledgers written in code, for indicator and scoring tests: a few
//! readable lines per rep, customer, contract and follow-up, turned into a
//! real [`Dataset`] (contracts consolidated by the same code as a run).
//!
//! Dates are written `2026-03-05`, date-times `2026-03-05 09:30`; money as
//! decimal text `"1200.50"`.

use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::input::columns::Kind;
use crate::input::dataset::{consolidate_contracts, Dataset, FileInfo, SheetInfo};
use crate::input::model::*;
use crate::input::parse::date::{parse_text, Stamp};
use crate::input::validate::{SheetStats, SheetStatus};
use crate::period::{Period, YearMonth};

/// Parse `2026-03-05`.
pub fn day(s: &str) -> NaiveDate {
    parse_text(s)
        .unwrap_or_else(|| panic!("bad date {s}"))
        .date()
}

/// Parse `2026-03-05` or `2026-03-05 09:30`.
pub fn stamp(s: &str) -> Stamp {
    parse_text(s).unwrap_or_else(|| panic!("bad date {s}"))
}

/// Parse decimal text.
pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|_| panic!("bad decimal {s}"))
}

/// Parse a period (`2026-03`, `2026-Q1`, `2026`).
pub fn period(s: &str) -> Period {
    Period::parse(s).unwrap_or_else(|| panic!("bad period {s}"))
}

/// Run `f` with the context a run has for period `p` (SPEC default options).
pub fn with_ctx<T>(ds: &Dataset, p: &str, f: impl FnOnce(&crate::compute::Ctx) -> T) -> T {
    let ix = crate::compute::Index::new(ds);
    let px = crate::compute::PeriodIx::new(ds, period(p));
    let defaults = crate::scheme::Defaults::default();
    f(&crate::compute::Ctx {
        ds,
        ix: &ix,
        px: &px,
        defaults: &defaults,
    })
}

/// A ledger under construction.
pub struct Ledger {
    ds: Dataset,
}

impl Default for Ledger {
    fn default() -> Self {
        Ledger::new()
    }
}

fn meta(kind: Kind, row: u32) -> RowMeta {
    let all = (1u32 << kind.columns().len()) - 1;
    RowMeta {
        src: RowRef {
            sheet: Kind::ALL.iter().position(|k| *k == kind).expect("kind") as u32,
            row,
        },
        filled: all,
        warned: false,
    }
}

impl Ledger {
    /// An empty ledger: one sheet per kind with every column present.
    pub fn new() -> Ledger {
        let mut ds = Dataset {
            files: vec![FileInfo {
                rel: Arc::from("测试.xlsx"),
                as_of: None,
                format: None,
                error: None,
                sha256: None,
            }],
            ..Dataset::default()
        };
        for kind in Kind::ALL {
            ds.sheets.push(SheetInfo {
                file: 0,
                name: Arc::from(kind.zh()),
                hidden: false,
                status: SheetStatus::Recognised {
                    kind,
                    header_row: 1,
                },
                columns: kind
                    .columns()
                    .iter()
                    .enumerate()
                    .map(|(i, c)| Some((i as u32, Arc::from(c.zh))))
                    .collect(),
                stats: SheetStats::default(),
            });
        }
        Ledger { ds }
    }

    fn next_row(&self, kind: Kind) -> u32 {
        let n = match kind {
            Kind::Roster => self.ds.reps.len(),
            Kind::Targets => self.ds.targets.len(),
            Kind::Customers => self.ds.customers.iter().map(|c| c.snapshots.len()).sum(),
            Kind::Followups => self.ds.followups.len(),
            Kind::Payments => self.ds.installments.len(),
            Kind::Scores => self.ds.scores.len(),
            Kind::Adjustments => self.ds.adjustments.len(),
            Kind::Calendar => self.ds.calendar_days.len(),
        };
        n as u32 + 2
    }

    /// A rep; returns its index.
    pub fn rep(&mut self, rep_id: &str, name: &str, role: &str, hire: &str) -> RepIdx {
        let m = meta(Kind::Roster, self.next_row(Kind::Roster));
        self.ds.reps.push(Rep {
            rep_id: rep_id.into(),
            name: name.into(),
            team: None,
            role: role.into(),
            hire_date: day(hire),
            email: None,
            supervisor: None,
            bonus_base: None,
            leave_date: None,
            file_password: None,
            id_number: None,
            meta: m,
        });
        (self.ds.reps.len() - 1) as RepIdx
    }

    /// The last rep added, to set optional fields.
    pub fn last_rep(&mut self) -> &mut Rep {
        self.ds.reps.last_mut().expect("a rep")
    }

    /// A customer snapshot; `as_of` `None` is undated. Returns the row to
    /// set optional fields (source, status, end date …).
    pub fn customer(
        &mut self,
        id: &str,
        owner: RepIdx,
        lead: &str,
        as_of: Option<&str>,
    ) -> &mut CustomerRow {
        let m = meta(Kind::Customers, self.next_row(Kind::Customers));
        let row = CustomerRow {
            customer_id: id.into(),
            customer_name: format!("{id} 公司").into(),
            owner,
            lead_time: stamp(lead),
            attrs: Default::default(),
            status: None,
            end_date: None,
            as_of: as_of.map(|m| match period(m) {
                Period::Month(ym) => ym,
                _ => panic!("as-of must be a month"),
            }),
            meta: m,
        };
        let at = match self.ds.customers.iter().position(|c| *c.customer_id == *id) {
            Some(i) => i,
            None => {
                self.ds.customers.push(Customer {
                    customer_id: id.into(),
                    snapshots: Default::default(),
                    terminated_from: None,
                });
                self.ds.customers.len() - 1
            }
        };
        let c = &mut self.ds.customers[at];
        c.snapshots.push(row);
        c.snapshots.sort_by_key(|s| s.as_of);
        let i = c
            .snapshots
            .iter()
            .position(|s| s.meta.src == m.src)
            .expect("pushed");
        &mut c.snapshots[i]
    }

    /// A contract with one installment due on the sign date for the whole
    /// amount, unpaid. Add installments with [`Ledger::installment`] instead
    /// when the contract has several.
    pub fn contract(
        &mut self,
        id: &str,
        customer: &str,
        rep: RepIdx,
        sign: &str,
        amount: &str,
    ) -> &mut Installment {
        self.installment(id, 1, customer, rep, sign, amount, amount, sign)
    }

    /// One installment row (contract-level fields repeated, as in a ledger).
    #[allow(clippy::too_many_arguments)]
    pub fn installment(
        &mut self,
        contract: &str,
        n: u32,
        customer: &str,
        rep: RepIdx,
        sign: &str,
        amount: &str,
        due_amount: &str,
        due: &str,
    ) -> &mut Installment {
        let m = meta(Kind::Payments, self.next_row(Kind::Payments));
        self.ds.installments.push(Installment {
            contract_id: contract.into(),
            installment: n,
            customer_id: customer.into(),
            rep,
            sign_date: day(sign),
            contract_amount: dec(amount),
            contract_type: None,
            submitted_date: None,
            approved_date: None,
            payment_kind: if n == 1 {
                PaymentKind::First
            } else {
                PaymentKind::Final
            },
            amount_due: dec(due_amount),
            due_date: day(due),
            amount_paid: None,
            paid_date: None,
            gross_profit: None,
            area: None,
            key_project: None,
            deal_type: None,
            contract_end: None,
            meta: m,
        });
        self.ds.installments.last_mut().expect("pushed")
    }

    /// The last installment row added, to set optional fields.
    pub fn installments_mut_last(&mut self) -> &mut Installment {
        self.ds.installments.last_mut().expect("an installment")
    }

    /// A follow-up; `stage` is a stage code (`intent`, `signed`, …).
    pub fn followup(
        &mut self,
        rep: RepIdx,
        customer: &str,
        time: &str,
        stage: Option<&'static str>,
    ) -> &mut Followup {
        let m = meta(Kind::Followups, self.next_row(Kind::Followups));
        self.ds.followups.push(Followup {
            time: stamp(time),
            rep,
            customer_id: customer.into(),
            method: None,
            stage: stage.map(Code::of),
            notes: None,
            next_time: None,
            meta: m,
        });
        self.ds.followups.last_mut().expect("pushed")
    }

    pub fn target(&mut self, rep: RepIdx, p: &str) -> &mut Target {
        let m = meta(Kind::Targets, self.next_row(Kind::Targets));
        self.ds.targets.push(Target {
            rep,
            period: period(p),
            sales_target: None,
            new_customer_target: None,
            followup_target: None,
            area_target: None,
            meta: m,
        });
        self.ds.targets.last_mut().expect("pushed")
    }

    pub fn score(
        &mut self,
        rep: RepIdx,
        p: &str,
        indicator: &str,
        rater: Option<&'static str>,
        score: &str,
    ) {
        let m = meta(Kind::Scores, self.next_row(Kind::Scores));
        self.ds.scores.push(Score {
            rep,
            period: period(p),
            indicator: indicator.into(),
            rater,
            score: dec(score),
            meta: m,
        });
    }

    pub fn adjustment(
        &mut self,
        rep: RepIdx,
        p: &str,
        kind: AdjustmentKind,
        indicator: Option<&str>,
        value: Option<&str>,
        reason: &str,
    ) {
        let m = meta(Kind::Adjustments, self.next_row(Kind::Adjustments));
        self.ds.adjustments.push(Adjustment {
            rep,
            period: period(p),
            kind,
            indicator: indicator.map(str::to_string),
            value: value.map(dec),
            reason: reason.into(),
            approver: Some("王总".into()),
            meta: m,
        });
    }

    /// A row left out with an error, for ledger accuracy.
    pub fn rejected(&mut self, kind: Kind, rep: Option<RepIdx>, dates: &[&str]) {
        let row = 1000 + self.ds.rejected.len() as u32;
        let sheet = Kind::ALL.iter().position(|k| *k == kind).expect("kind") as u32;
        self.ds.rejected.push(RejectedRow {
            kind,
            src: RowRef { sheet, row },
            rep,
            dates: dates.iter().map(|d| day(d)).collect(),
        });
    }

    /// A company calendar day (`holiday` true: 休; false: 班).
    pub fn calendar_day(&mut self, date: &str, holiday: bool) {
        let m = meta(Kind::Calendar, self.next_row(Kind::Calendar));
        self.ds.calendar_days.push(CalendarDay {
            date: day(date),
            kind: if holiday {
                DayKind::Holiday
            } else {
                DayKind::Workday
            },
            meta: m,
        });
    }

    /// The dataset: contracts consolidated, customers sorted by id, a
    /// terminated customer terminated from its end date (or the first day
    /// of the first snapshot's as-of month that shows it terminated).
    pub fn build(mut self) -> Dataset {
        self.ds
            .customers
            .sort_by(|a, b| a.customer_id.cmp(&b.customer_id));
        for c in &mut self.ds.customers {
            let facts = c.snapshots.last().expect("a snapshot");
            c.terminated_from = match (facts.status, facts.end_date) {
                (Some(Status::Terminated), Some(end)) => Some(end),
                (Some(Status::Terminated), None) => c
                    .snapshots
                    .iter()
                    .find(|s| s.status == Some(Status::Terminated))
                    .and_then(|s| s.as_of)
                    .map(YearMonth::first_day),
                _ => None,
            };
        }
        self.ds.calendar = crate::input::calendar::Calendar::with_company(&self.ds.calendar_days);
        consolidate_contracts(&mut self.ds);
        self.ds
    }
}

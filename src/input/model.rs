//! The typed, validated ledgers: one struct per ledger kind, money as
//! `Decimal`, dates as `chrono` values, every row with its source position
//! and which of its cells were filled (for ledger completeness).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::input::parse::date::Stamp;
use crate::period::{Period, YearMonth};

/// Shared, immutable text of a ledger row (ids, names, notes): cloned by
/// reference count, so the datasets of several period cutoffs share it.
pub type Text = Arc<str>;

/// Index of a rep in [`crate::input::dataset::Dataset::reps`].
pub type RepIdx = u32;

/// Placeholder before rep resolution.
pub const NO_REP: RepIdx = u32::MAX;

/// Where a record came from: a sheet of [`crate::input::dataset::Dataset::sheets`]
/// and its 1-based Excel row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct RowRef {
    pub sheet: u32,
    pub row: u32,
}

/// Per-row facts kept for evidence and for ledger completeness/accuracy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowMeta {
    pub src: RowRef,
    /// Bit i set: column i of the kind's catalogue (`Kind::columns()`) has a
    /// value in this row (a cell with a warning counts as filled).
    pub filled: u32,
    /// The row has at least one warning.
    pub warned: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rep {
    pub rep_id: String,
    pub name: String,
    pub team: Option<String>,
    pub role: String,
    pub hire_date: NaiveDate,
    pub email: Option<String>,
    /// The supervisor as written (rep id or name).
    pub supervisor: Option<String>,
    pub bonus_base: Option<Decimal>,
    pub leave_date: Option<NaiveDate>,
    /// The rep's file password (encrypted mail only).
    pub file_password: Option<Secret>,
    /// The rep's ID number (a password rule may take its last characters).
    pub id_number: Option<Secret>,
    pub meta: RowMeta,
}

/// A value that must never reach an output or a log: a password, an ID
/// number. Its `Debug` says nothing; its `Display` is a fingerprint keyed
/// by a random key of this process, so that two rows can be compared
/// (repeats, corrections) without showing either value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The value itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use sha2::{Digest, Sha256};
        static KEY: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
        let key = KEY.get_or_init(rand::random);
        let mut h = Sha256::new();
        h.update(key);
        h.update(self.0.as_bytes());
        let d = h.finalize();
        write!(
            f,
            "（保密 {:02x}{:02x}{:02x}{:02x}）",
            d[0], d[1], d[2], d[3]
        )
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub rep: RepIdx,
    pub period: Period,
    pub sales_target: Option<Decimal>,
    pub new_customer_target: Option<Decimal>,
    pub followup_target: Option<Decimal>,
    pub area_target: Option<Decimal>,
    pub meta: RowMeta,
}

/// Cooperation status of a customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Terminated,
}

/// One customer row of one customer-ledger file: a snapshot as of that
/// file's month.
#[derive(Clone, PartialEq)]
pub struct CustomerRow {
    pub customer_id: Text,
    pub customer_name: Text,
    pub owner: RepIdx,
    pub lead_time: Stamp,
    /// 客户层级, 渠道, 客户来源, 转介绍人: one shared copy of each combination
    /// (see [`CustomerAttrs`]); read as `row.attrs.tier`, changed through
    /// `Arc::make_mut`.
    pub attrs: Arc<CustomerAttrs>,
    pub status: Option<Status>,
    pub end_date: Option<NaiveDate>,
    /// The file's as-of month (`None`: undated, older than every dated one).
    pub as_of: Option<YearMonth>,
    pub meta: RowMeta,
}

impl CustomerRow {
    /// The row's attributes, to change (a copy of its own first, if
    /// shared).
    pub fn attrs_mut(&mut self) -> &mut CustomerAttrs {
        Arc::make_mut(&mut self.attrs)
    }
}

/// A customer row's descriptive texts. A company's customers take a
/// handful of tiers, channels and sources, and each customer keeps its
/// referrer from month to month: the run keeps one copy of each
/// combination, so a row holds one pointer instead of four texts (a large
/// company's 1.8 million snapshot rows, 56 bytes each).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CustomerAttrs {
    pub tier: Option<Text>,
    pub channel: Option<Text>,
    pub source: Option<Text>,
    pub referrer: Option<Text>,
}

/// As the fields were written before they were grouped (the same text as
/// with the four fields in the row itself).
impl std::fmt::Debug for CustomerRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CustomerRow")
            .field("customer_id", &self.customer_id)
            .field("customer_name", &self.customer_name)
            .field("owner", &self.owner)
            .field("lead_time", &self.lead_time)
            .field("tier", &self.attrs.tier)
            .field("channel", &self.attrs.channel)
            .field("source", &self.attrs.source)
            .field("referrer", &self.attrs.referrer)
            .field("status", &self.status)
            .field("end_date", &self.end_date)
            .field("as_of", &self.as_of)
            .field("meta", &self.meta)
            .finish()
    }
}

/// A customer's snapshots: a run of rows of one table that all the
/// dataset's customers share (sorted by customer, then as-of month), so
/// grouping a ledger's rows per customer moves none of them (a large
/// company's 1.8 million snapshot rows were held twice while grouped).
/// Reads as a slice; changed only through a table of its own (tests).
#[derive(Clone, Default)]
pub struct Snapshots {
    table: Arc<Vec<CustomerRow>>,
    start: u32,
    end: u32,
}

impl Snapshots {
    /// The customers' runs of one sorted table: `runs` are their lengths,
    /// in table order.
    pub fn split(table: Vec<CustomerRow>, runs: &[usize]) -> Vec<Snapshots> {
        let table = Arc::new(table);
        let mut start = 0u32;
        runs.iter()
            .map(|&n| {
                let end = start + n as u32;
                let s = Snapshots {
                    table: table.clone(),
                    start,
                    end,
                };
                start = end;
                s
            })
            .collect()
    }

    /// Add a snapshot at the end (on a table of its own: a copy of the
    /// shared one is made first, as for any change).
    pub fn push(&mut self, row: CustomerRow) {
        let whole = self.start == 0 && self.end as usize == self.table.len();
        if !whole || Arc::get_mut(&mut self.table).is_none() {
            *self = Snapshots::from(self.to_vec());
        }
        let t = Arc::get_mut(&mut self.table).expect("a table of its own");
        t.push(row);
        self.end += 1;
    }
}

impl From<Vec<CustomerRow>> for Snapshots {
    fn from(rows: Vec<CustomerRow>) -> Snapshots {
        let end = rows.len() as u32;
        Snapshots {
            table: Arc::new(rows),
            start: 0,
            end,
        }
    }
}

impl std::ops::Deref for Snapshots {
    type Target = [CustomerRow];
    fn deref(&self) -> &[CustomerRow] {
        &self.table[self.start as usize..self.end as usize]
    }
}

impl std::ops::DerefMut for Snapshots {
    fn deref_mut(&mut self) -> &mut [CustomerRow] {
        if Arc::get_mut(&mut self.table).is_none() {
            *self = Snapshots::from(self.to_vec());
        }
        let (start, end) = (self.start as usize, self.end as usize);
        &mut Arc::get_mut(&mut self.table).expect("a table of its own")[start..end]
    }
}

impl<'a> IntoIterator for &'a Snapshots {
    type Item = &'a CustomerRow;
    type IntoIter = std::slice::Iter<'a, CustomerRow>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl std::fmt::Debug for Snapshots {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Snapshots {
    fn eq(&self, other: &Snapshots) -> bool {
        **self == **other
    }
}

/// A customer with its history of snapshots (SPEC 3 item 8).
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub customer_id: Text,
    /// Snapshots in as-of order (undated first); at most one per as-of month.
    pub snapshots: Snapshots,
    /// When the customer counts as terminated: the end date, or for 已终止
    /// without one, the first day of the as-of month of the first snapshot
    /// that shows it terminated.
    pub terminated_from: Option<NaiveDate>,
}

impl Customer {
    /// The snapshot giving the customer's state (owner, tier, channel) on
    /// `d`: the latest whose as-of month is not after d's month, else the
    /// earliest.
    pub fn state_on(&self, d: NaiveDate) -> &CustomerRow {
        let m = Some(YearMonth::of(d));
        self.snapshots
            .iter()
            .rev()
            .find(|s| s.as_of <= m)
            .unwrap_or(&self.snapshots[0])
    }

    /// The snapshot giving the customer's dated facts (name, lead time,
    /// source, referrer, status, end date): the latest of all.
    pub fn facts(&self) -> &CustomerRow {
        self.snapshots
            .last()
            .expect("a customer has at least one snapshot")
    }

    /// Where the customer's current facts were first recorded: the earliest
    /// of the latest snapshots that all give the same facts. Evidence cites
    /// it, so a monthly export that repeats a customer unchanged does not
    /// move the source of earlier periods' evidence.
    pub fn facts_source(&self) -> RowRef {
        let last = self.facts();
        let same = |s: &CustomerRow| {
            s.customer_name == last.customer_name
                && s.lead_time == last.lead_time
                && s.attrs.source == last.attrs.source
                && s.attrs.referrer == last.attrs.referrer
                && s.status == last.status
                && s.end_date == last.end_date
        };
        self.snapshots
            .iter()
            .rev()
            .take_while(|s| same(s))
            .last()
            .unwrap_or(last)
            .meta
            .src
    }
}

/// The code of a word of the follow-up vocabularies (`visit`, `intent`;
/// `parse::words::METHODS` and `STAGES`), kept in one byte: a follow-up row
/// holds two, and a large company has millions of rows (two `&'static str`
/// took 32 bytes a row).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Code(std::num::NonZeroU8);

impl Code {
    /// The code of a method or stage word.
    ///
    /// # Panics
    /// When `code` is not one (a programming error: codes come from the
    /// vocabularies).
    pub fn of(code: &str) -> Code {
        Code::try_of(code).unwrap_or_else(|| panic!("{code} is not a method or stage code"))
    }

    /// The code of a method or stage word; `None` for any other text.
    pub fn try_of(code: &str) -> Option<Code> {
        use crate::input::parse::words::{METHODS, STAGES};
        let i = METHODS.iter().chain(STAGES).position(|w| w.code == code)?;
        Some(Code(
            std::num::NonZeroU8::new(i as u8 + 1).expect("one past an index"),
        ))
    }

    pub fn as_str(self) -> &'static str {
        use crate::input::parse::words::{METHODS, STAGES};
        let i = self.0.get() as usize - 1;
        match METHODS.get(i) {
            Some(w) => w.code,
            None => STAGES[i - METHODS.len()].code,
        }
    }
}

impl std::fmt::Debug for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Followup {
    pub time: Stamp,
    pub rep: RepIdx,
    pub customer_id: Text,
    /// Method code (`visit`, `call`, …; see `parse::words::METHODS`).
    pub method: Option<Code>,
    /// Stage code (`lead`, `intent`, …; see `parse::words::STAGES`).
    pub stage: Option<Code>,
    pub notes: Option<Text>,
    pub next_time: Option<NaiveDate>,
    pub meta: RowMeta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractType {
    Regular,
    Special,
}

/// 签约类型: a new deal (新签) or a renewal (续签) (SPEC 5, second round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DealType {
    New,
    Renewal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    First,
    Final,
}

/// One payment row: a contract installment (合同 × 期次).
#[derive(Debug, Clone, PartialEq)]
pub struct Installment {
    pub contract_id: Text,
    pub installment: u32,
    pub customer_id: Text,
    pub rep: RepIdx,
    pub sign_date: NaiveDate,
    pub contract_amount: Decimal,
    pub contract_type: Option<ContractType>,
    pub submitted_date: Option<NaiveDate>,
    pub approved_date: Option<NaiveDate>,
    /// As written, or the default: installment 1 first, others final.
    pub payment_kind: PaymentKind,
    pub amount_due: Decimal,
    pub due_date: NaiveDate,
    pub amount_paid: Option<Decimal>,
    pub paid_date: Option<NaiveDate>,
    pub gross_profit: Option<Decimal>,
    pub area: Option<Decimal>,
    pub key_project: Option<bool>,
    /// 签约类型 as written (blank: inferred from the customer's contracts).
    pub deal_type: Option<DealType>,
    /// 合同到期日.
    pub contract_end: Option<NaiveDate>,
    pub meta: RowMeta,
}

/// A contract, consolidated from its installment rows: contract-level fields
/// come from installment 1 (or the lowest installment present); a blank
/// there is filled from the next installment that has the value.
#[derive(Debug, Clone, PartialEq)]
pub struct Contract {
    pub contract_id: Text,
    pub customer_id: Text,
    pub rep: RepIdx,
    pub sign_date: NaiveDate,
    pub amount: Decimal,
    pub contract_type: Option<ContractType>,
    pub submitted_date: Option<NaiveDate>,
    pub approved_date: Option<NaiveDate>,
    pub gross_profit: Option<Decimal>,
    pub area: Option<Decimal>,
    pub key_project: Option<bool>,
    /// 签约类型 as written (blank: inferred, see `compute::performance`).
    pub deal_type: Option<DealType>,
    /// 合同到期日.
    pub contract_end: Option<NaiveDate>,
    /// Indexes into [`crate::input::dataset::Dataset::installments`], by installment.
    pub installments: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub rep: RepIdx,
    pub period: Period,
    /// Indicator code or Chinese name, as written (matched against the scheme).
    pub indicator: String,
    /// Rater code (`supervisor`, `peer`, …; see `parse::words::RATERS`).
    pub rater: Option<&'static str>,
    pub score: Decimal,
    pub meta: RowMeta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdjustmentKind {
    Target,
    Exclude,
    Bonus,
    Deduction,
    Veto,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub rep: RepIdx,
    pub period: Period,
    pub kind: AdjustmentKind,
    pub indicator: Option<String>,
    pub value: Option<Decimal>,
    pub reason: String,
    pub approver: Option<String>,
    pub meta: RowMeta,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// 休: a weekday off.
    Holiday,
    /// 班: a weekend day worked (调休).
    Workday,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CalendarDay {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub meta: RowMeta,
}

/// A row left out with an error, kept for ledger accuracy (SPEC 5): the rep
/// it names, if that resolves, and its readable activity dates.
#[derive(Debug, Clone, PartialEq)]
pub struct RejectedRow {
    pub kind: crate::input::columns::Kind,
    pub src: RowRef,
    pub rep: Option<RepIdx>,
    pub dates: Vec<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, month: u32) -> CustomerRow {
        CustomerRow {
            customer_id: Text::from(id),
            customer_name: Text::from("甲公司"),
            owner: 0,
            lead_time: crate::input::parse::date::parse_text("2026-01-05").expect("a date"),
            attrs: Default::default(),
            status: None,
            end_date: None,
            as_of: Some(YearMonth { year: 2026, month }),
            meta: RowMeta::default(),
        }
    }

    #[test]
    fn a_code_is_one_byte_and_reads_and_prints_as_its_word() {
        use crate::input::parse::words::{METHODS, STAGES};
        assert_eq!(std::mem::size_of::<Option<Code>>(), 1);
        for w in METHODS.iter().chain(STAGES) {
            let c = Code::of(w.code);
            assert_eq!(c.as_str(), w.code);
            // Debug as the text's: the period digest prints rows with it.
            assert_eq!(format!("{:?}", Some(c)), format!("{:?}", Some(w.code)));
            assert_eq!(c.to_string(), w.code);
        }
        assert_ne!(Code::of("visit"), Code::of("call"));
        assert_eq!(Code::of("intent").as_str(), "intent");
    }

    #[test]
    fn snapshots_are_runs_of_one_table_and_a_change_copies_only_its_own() {
        // Sorted table: KH1 × 2 months, KH2 × 1, KH3 × 3.
        let table = vec![
            row("KH1", 1),
            row("KH1", 2),
            row("KH2", 1),
            row("KH3", 1),
            row("KH3", 2),
            row("KH3", 3),
        ];
        let mut runs = Snapshots::split(table, &[2, 1, 3]);
        let months = |s: &Snapshots| s.iter().map(|r| r.as_of.unwrap().month).collect::<Vec<_>>();
        assert_eq!(runs.len(), 3);
        assert_eq!(months(&runs[0]), [1, 2]);
        assert_eq!(&*runs[1][0].customer_id, "KH2");
        assert_eq!(months(&runs[2]), [1, 2, 3]);
        // A change to KH3's second snapshot: KH3 gets a table of its own,
        // the others still read the shared one, unchanged.
        runs[2][1].owner = 7;
        assert_eq!(runs[2][1].owner, 7);
        assert_eq!(months(&runs[2]), [1, 2, 3]);
        assert!(runs[..2]
            .iter()
            .flat_map(|s| s.iter())
            .all(|r| r.owner == 0));
        assert_eq!(Arc::strong_count(&runs[0].table), 2);
        // A push adds at the end of the run's own table.
        runs[1].push(row("KH2", 2));
        assert_eq!(months(&runs[1]), [1, 2]);
        assert_eq!(months(&runs[0]), [1, 2]);
    }
}

//! Which data issues bear on a period (SPEC 3.6, SPEC 4).
//!
//! Every period of a run is computed from one dataset of every file, so a
//! period's team summary and rep workbooks list only the issues of the rows
//! that bear on it, and a new month's own bad cells do not change earlier
//! periods. An issue bears on a period when its row is:
//! - a follow-up, payment or rejected row: one of its readable activity
//!   dates (follow-up time; sign, due, paid, submitted or approved date;
//!   lead time) lies in the period;
//! - a customer row (a snapshot): its lead date, or its file's as-of month,
//!   lies in the period;
//! - a target, score or adjustment row: its own period lies inside the
//!   period;
//! - a calendar row: its date lies in the period;
//! - a roster row: every period (a rep's row serves all of them);
//! - anything else (a header, a whole file, a repeat merged into or replaced
//!   by another row, a row without a readable date): the periods holding
//!   its file's as-of month, or every period for an undated file.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::input::dataset::Dataset;
use crate::input::model::RowRef;
use crate::period::Period;

/// How one issue's row relates to periods.
#[derive(Debug, Clone, PartialEq)]
enum Bearing {
    /// Every period.
    All,
    /// The periods holding one of these days.
    Dates(Vec<NaiveDate>),
    /// The periods holding this whole period.
    Within(Period),
}

impl Bearing {
    fn on(&self, p: Period) -> bool {
        match self {
            Bearing::All => true,
            Bearing::Dates(ds) => ds.iter().any(|&d| p.contains(d)),
            Bearing::Within(q) => p.contains(q.first_day()) && p.contains(q.last_day()),
        }
    }
}

/// For each issue of a dataset, which periods it bears on.
#[derive(Debug, Clone)]
pub struct IssueBearing {
    per_issue: Vec<Bearing>,
}

impl IssueBearing {
    /// Work out every issue's bearing once for the dataset.
    pub fn new(ds: &Dataset) -> IssueBearing {
        // (file, sheet name) → the dataset's sheets of that name.
        let mut sheets: HashMap<(&str, &str), Vec<u32>> = HashMap::new();
        for (i, s) in ds.sheets.iter().enumerate() {
            sheets
                .entry((&*ds.files[s.file as usize].rel, &*s.name))
                .or_default()
                .push(i as u32);
        }
        // The rows some issue names, each with its bearing once found.
        let candidates = |pos: &crate::input::issues::Position| -> Vec<RowRef> {
            sheets
                .get(&(&*pos.file, &*pos.sheet))
                .into_iter()
                .flatten()
                .map(|&sheet| RowRef {
                    sheet,
                    row: pos.row,
                })
                .collect()
        };
        let mut rows: HashMap<RowRef, Option<Bearing>> = ds
            .issues
            .iter()
            .flat_map(|i| candidates(&i.pos))
            .map(|r| (r, None))
            .collect();
        let mut put = |src: RowRef, b: &dyn Fn() -> Bearing| {
            if let Some(slot) = rows.get_mut(&src) {
                *slot = Some(b());
            }
        };
        for r in &ds.reps {
            put(r.meta.src, &|| Bearing::All);
        }
        for f in &ds.followups {
            put(f.meta.src, &|| Bearing::Dates(vec![f.time.date()]));
        }
        for i in &ds.installments {
            put(i.meta.src, &|| {
                let dates = [
                    Some(i.sign_date),
                    Some(i.due_date),
                    i.paid_date,
                    i.submitted_date,
                    i.approved_date,
                ];
                Bearing::Dates(dates.into_iter().flatten().collect())
            });
        }
        for c in &ds.customers {
            for s in &c.snapshots {
                put(s.meta.src, &|| {
                    let mut dates = vec![s.lead_time.date()];
                    dates.extend(s.as_of.map(|m| m.first_day()));
                    Bearing::Dates(dates)
                });
            }
        }
        for t in &ds.targets {
            put(t.meta.src, &|| Bearing::Within(t.period));
        }
        for s in &ds.scores {
            put(s.meta.src, &|| Bearing::Within(s.period));
        }
        for a in &ds.adjustments {
            put(a.meta.src, &|| Bearing::Within(a.period));
        }
        for d in &ds.calendar_days {
            put(d.meta.src, &|| Bearing::Dates(vec![d.date]));
        }
        for r in &ds.rejected {
            if !r.dates.is_empty() {
                put(r.src, &|| Bearing::Dates(r.dates.clone()));
            }
        }
        let as_of: HashMap<&str, Option<NaiveDate>> = ds
            .files
            .iter()
            .map(|f| (&*f.rel, f.as_of.map(|m| m.first_day())))
            .collect();
        let by_file = |file: &Arc<str>| match as_of.get(&**file).copied().flatten() {
            Some(d) => Bearing::Dates(vec![d]),
            None => Bearing::All,
        };
        let per_issue = ds
            .issues
            .iter()
            .map(|i| {
                candidates(&i.pos)
                    .iter()
                    .find_map(|r| rows.get(r).cloned().flatten())
                    .unwrap_or_else(|| by_file(&i.pos.file))
            })
            .collect();
        IssueBearing { per_issue }
    }

    /// Per issue (as in `ds.issues`): whether it bears on `p`.
    pub fn mask(&self, p: Period) -> Vec<bool> {
        self.per_issue.iter().map(|b| b.on(p)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::period::YearMonth;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dates_and_periods() {
        let jan = Period::Month(YearMonth {
            year: 2026,
            month: 1,
        });
        let q1 = Period::Quarter {
            year: 2026,
            quarter: 1,
        };
        let b = Bearing::Dates(vec![d("2026-01-31"), d("2026-02-03")]);
        assert!(b.on(jan));
        assert!(b.on(q1));
        assert!(!Bearing::Dates(vec![d("2026-02-01")]).on(jan));
        // A month's score row bears on its quarter, a quarter's not on a month.
        assert!(Bearing::Within(jan).on(q1));
        assert!(!Bearing::Within(q1).on(jan));
        assert!(Bearing::All.on(jan));
    }
}

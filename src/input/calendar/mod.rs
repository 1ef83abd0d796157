//! Working-day calendar (SPEC 2.8): mainland China's official holidays and
//! adjusted working days (调休), built in for the years whose State Council
//! notice is published, overridden and extended day by day by a company's
//! calendar sheet. A year neither covers is plain Monday–Friday, and that is
//! said in a warning (see [`Calendar::uncovered_years`]).

mod cn_data;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};

use crate::input::model::{CalendarDay, DayKind};

/// The calendar in force for a run.
#[derive(Debug, Clone)]
pub struct Calendar {
    days: BTreeMap<NaiveDate, DayKind>,
    years: BTreeSet<i32>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar::builtin()
    }
}

impl Calendar {
    /// The built-in mainland China calendar.
    pub fn builtin() -> Calendar {
        let mut days = BTreeMap::new();
        for &(y, m, d, off, _) in cn_data::DAYS {
            let date =
                NaiveDate::from_ymd_opt(y, m, d).expect("generated calendar dates are valid");
            days.insert(
                date,
                if off {
                    DayKind::Holiday
                } else {
                    DayKind::Workday
                },
            );
        }
        Calendar {
            days,
            years: cn_data::YEARS.iter().map(|(y, _)| *y).collect(),
        }
    }

    /// The built-in calendar overridden and extended by a company's days.
    /// A year with any company day counts as covered.
    pub fn with_company(company: &[CalendarDay]) -> Calendar {
        let mut cal = Calendar::builtin();
        for d in company {
            cal.days.insert(d.date, d.kind);
            cal.years.insert(d.date.year());
        }
        cal
    }

    /// The State Council notices behind the built-in years.
    pub fn sources() -> impl Iterator<Item = (i32, &'static [&'static str])> {
        cn_data::YEARS.iter().copied()
    }

    pub fn covers_year(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The years from `from` to `to` (inclusive) that the calendar does not
    /// cover: those are computed as plain Monday–Friday.
    pub fn uncovered_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        (from.year()..=to.year())
            .filter(|y| !self.covers_year(*y))
            .collect()
    }

    pub fn is_workday(&self, d: NaiveDate) -> bool {
        match self.days.get(&d) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(d.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Working days in `(from, to]`: after `from`, up to and including `to`
    /// (0 when `to <= from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_workday(*d))
            .count() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::model::RowMeta;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn builtin_facts_from_the_notices() {
        let cal = Calendar::builtin();
        // 2026 Spring Festival: Feb 15–23 off, Sat Feb 14 and Sat Feb 28 worked.
        assert!(!cal.is_workday(d(2026, 2, 16)), "Mon in Spring Festival");
        assert!(cal.is_workday(d(2026, 2, 14)), "Sat worked (调休)");
        assert!(cal.is_workday(d(2026, 2, 28)), "Sat worked (调休)");
        // National Day 2026: Oct 1–7 off.
        assert!(!cal.is_workday(d(2026, 10, 1)));
        assert!(!cal.is_workday(d(2026, 10, 7)));
        // An ordinary Monday and Sunday.
        assert!(cal.is_workday(d(2026, 3, 2)));
        assert!(!cal.is_workday(d(2026, 3, 1)));
        assert!(cal.covers_year(2023) && cal.covers_year(2026));
        assert!(!cal.covers_year(2027));
        let years: Vec<i32> = Calendar::sources()
            .map(|(y, notices)| {
                assert!(
                    notices.iter().all(|n| n.contains("gov.cn")),
                    "{y}: {notices:?}"
                );
                y
            })
            .collect();
        assert_eq!(years, [2023, 2024, 2025, 2026]);
        assert_eq!(
            cal.uncovered_years(d(2026, 12, 1), d(2027, 1, 31)),
            vec![2027]
        );
    }

    #[test]
    fn working_days_count_adjusted_weekends() {
        let cal = Calendar::builtin();
        // Submitted Fri 2026-02-13, approved Mon 2026-02-16:
        // Sat 14 is a working day (调休), Sun 15 and Mon 16 are holidays.
        assert_eq!(cal.working_days_between(d(2026, 2, 13), d(2026, 2, 16)), 1);
        // Mon 2026-03-02 → Fri 2026-03-06: Tue..Fri = 4.
        assert_eq!(cal.working_days_between(d(2026, 3, 2), d(2026, 3, 6)), 4);
        // Fri 2026-03-06 → Mon 2026-03-09: only Monday.
        assert_eq!(cal.working_days_between(d(2026, 3, 6), d(2026, 3, 9)), 1);
        assert_eq!(cal.working_days_between(d(2026, 3, 6), d(2026, 3, 6)), 0);
        assert_eq!(cal.working_days_between(d(2026, 3, 9), d(2026, 3, 6)), 0);
    }

    #[test]
    fn company_days_override_and_extend() {
        let day = |date, kind| CalendarDay {
            date,
            kind,
            meta: RowMeta::default(),
        };
        let cal = Calendar::with_company(&[
            day(d(2026, 3, 2), DayKind::Holiday),
            day(d(2027, 1, 1), DayKind::Holiday),
        ]);
        assert!(!cal.is_workday(d(2026, 3, 2)), "company day off");
        assert!(
            cal.is_workday(d(2026, 3, 3)),
            "other days keep their meaning"
        );
        assert!(!cal.is_workday(d(2026, 10, 1)), "built-in holiday kept");
        assert!(cal.covers_year(2027));
    }
}

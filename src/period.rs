//! Assessment periods: a month `2026-10`, a quarter `2026-Q4` or a year
//! `2026` (SPEC 4), and the as-of month of a ledger file (SPEC 3 item 8).

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::text::fold;

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn new(year: i32, month: u32) -> Option<YearMonth> {
        ((1..=12).contains(&month) && (1900..=2199).contains(&year))
            .then_some(YearMonth { year, month })
    }
    pub fn of(d: NaiveDate) -> YearMonth {
        YearMonth {
            year: d.year(),
            month: d.month(),
        }
    }
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("valid month")
    }
    pub fn last_day(self) -> NaiveDate {
        let next = if self.month == 12 {
            YearMonth {
                year: self.year + 1,
                month: 1,
            }
        } else {
            YearMonth {
                year: self.year,
                month: self.month + 1,
            }
        };
        next.first_day().pred_opt().expect("valid date")
    }

    /// Find a `YYYY-MM` (also `YYYY_MM`, `YYYYMM`, `YYYY.MM`) or `YYYY年M月`
    /// in a file or folder name; the last one wins.
    pub fn find_in(name: &str) -> Option<YearMonth> {
        let t = fold(name);
        let b: Vec<char> = t.chars().collect();
        let mut found = None;
        let mut i = 0;
        while i + 4 <= b.len() {
            let is_year = b[i..i + 4].iter().all(|c| c.is_ascii_digit())
                && (i == 0 || !b[i - 1].is_ascii_digit());
            if is_year {
                let year: i32 = b[i..i + 4].iter().collect::<String>().parse().unwrap_or(0);
                let mut j = i + 4;
                let sep = b.get(j).copied();
                if matches!(sep, Some('-' | '_' | '.' | '年')) {
                    j += 1;
                }
                let start = j;
                while j < b.len() && b[j].is_ascii_digit() && j - start < 2 {
                    j += 1;
                }
                let digits = j - start;
                let month: u32 = b[start..j].iter().collect::<String>().parse().unwrap_or(0);
                let ends_ok = b.get(j).is_none_or(|c| !c.is_ascii_digit());
                let ok = match sep {
                    Some('年') => digits >= 1 && b.get(j) == Some(&'月'),
                    Some('-' | '_' | '.') => digits >= 1 && ends_ok,
                    _ => digits == 2 && ends_ok,
                };
                if ok {
                    if let Some(ym) = YearMonth::new(year, month) {
                        found = Some(ym);
                    }
                }
            }
            i += 1;
        }
        found
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// An assessment period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Period {
    Month(YearMonth),
    Quarter { year: i32, quarter: u32 },
    Year(i32),
}

impl Period {
    pub fn first_day(self) -> NaiveDate {
        match self {
            Period::Month(m) => m.first_day(),
            Period::Quarter { year, quarter } => {
                NaiveDate::from_ymd_opt(year, quarter * 3 - 2, 1).expect("valid quarter")
            }
            Period::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).expect("valid year"),
        }
    }
    pub fn last_day(self) -> NaiveDate {
        match self {
            Period::Month(m) => m.last_day(),
            Period::Quarter { year, quarter } => YearMonth {
                year,
                month: quarter * 3,
            }
            .last_day(),
            Period::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31).expect("valid year"),
        }
    }
    pub fn contains(self, d: NaiveDate) -> bool {
        self.first_day() <= d && d <= self.last_day()
    }
    /// Whether `other` lies entirely inside this period.
    pub fn covers(self, other: Period) -> bool {
        self.first_day() <= other.first_day() && other.last_day() <= self.last_day()
    }

    /// Parse `2026-10`, `2026-Q4`, `2026`, `2026年10月`, `2026年第4季度`,
    /// `2026年` (also `2026/10`, `2026.10`, `2026Q4`, `2026年4季度`, `2026年度`).
    pub fn parse(s: &str) -> Option<Period> {
        let t: String = fold(s)
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase();
        let t = t.as_str();
        let year_of = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse().ok())
                .flatten()
                .filter(|y| (1900..=2199).contains(y))
        };
        let small = |m: &str| -> Option<u32> {
            (!m.is_empty() && m.len() <= 2 && m.bytes().all(|b| b.is_ascii_digit()))
                .then(|| m.parse().ok())
                .flatten()
        };
        if let Some(y) = year_of(t)
            .or_else(|| t.strip_suffix("年度").and_then(year_of))
            .or_else(|| t.strip_suffix('年').and_then(year_of))
        {
            return Some(Period::Year(y));
        }
        if let Some((y, rest)) = t.split_once('年') {
            let y = year_of(y)?;
            if let Some(m) = rest.strip_suffix('月') {
                return YearMonth::new(y, small(m)?).map(Period::Month);
            }
            let q = rest.strip_prefix('第').unwrap_or(rest);
            let q = q
                .strip_suffix("季度")
                .or_else(|| q.strip_suffix('季'))
                .or_else(|| q.starts_with('Q').then_some(q))?;
            let q = match q {
                "一" => 1,
                "二" => 2,
                "三" => 3,
                "四" => 4,
                other => small(other.strip_prefix('Q').unwrap_or(other))?,
            };
            return (1..=4).contains(&q).then_some(Period::Quarter {
                year: y,
                quarter: q,
            });
        }
        let (y, rest) = (t.get(..4)?, t.get(4..)?);
        let y = year_of(y)?;
        let rest = rest.strip_prefix(['-', '/', '.', '_']).unwrap_or(rest);
        if let Some(q) = rest.strip_prefix('Q') {
            let q = small(q)?;
            return (1..=4).contains(&q).then_some(Period::Quarter {
                year: y,
                quarter: q,
            });
        }
        YearMonth::new(y, small(rest)?).map(Period::Month)
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Period::Month(m) => write!(f, "{m}"),
            Period::Quarter { year, quarter } => write!(f, "{year}-Q{quarter}"),
            Period::Year(y) => write!(f, "{y}"),
        }
    }
}

/// `d + m months`, clamped to the month's end (Aug 31 + 6 months = Feb 28/29).
pub fn add_months(d: NaiveDate, m: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(m))
        .expect("date within chrono's range")
}

impl Period {
    /// Number of months in the period (1, 3, 12).
    pub fn months(self) -> u32 {
        match self {
            Period::Month(_) => 1,
            Period::Quarter { .. } => 3,
            Period::Year(_) => 12,
        }
    }

    /// Days in the period, both ends included.
    pub fn days(self) -> i64 {
        (self.last_day() - self.first_day()).num_days() + 1
    }

    /// The period of the same kind just before (上期): the month before, the
    /// quarter before, the year before.
    pub fn previous(self) -> Period {
        match self {
            Period::Month(m) if m.month == 1 => Period::Month(YearMonth {
                year: m.year - 1,
                month: 12,
            }),
            Period::Month(m) => Period::Month(YearMonth {
                year: m.year,
                month: m.month - 1,
            }),
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Year(y) => Period::Year(y - 1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(y: i32, mo: u32) -> Option<Period> {
        Some(Period::Month(YearMonth { year: y, month: mo }))
    }
    fn q(y: i32, q: u32) -> Option<Period> {
        Some(Period::Quarter {
            year: y,
            quarter: q,
        })
    }

    #[test]
    fn the_period_before() {
        for (p, want) in [
            ("2026-03", "2026-02"),
            ("2026-01", "2025-12"),
            ("2026-Q2", "2026-Q1"),
            ("2026-Q1", "2025-Q4"),
            ("2026", "2025"),
        ] {
            assert_eq!(
                Period::parse(p).unwrap().previous().to_string(),
                want,
                "{p}"
            );
        }
    }

    #[test]
    fn periods() {
        let cases = vec![
            ("2026-10", m(2026, 10)),
            ("2026-1", m(2026, 1)),
            ("2026/10", m(2026, 10)),
            ("2026.03", m(2026, 3)),
            ("202610", m(2026, 10)),
            ("2026年10月", m(2026, 10)),
            ("2026年3月", m(2026, 3)),
            ("2026-Q4", q(2026, 4)),
            ("2026q1", q(2026, 1)),
            ("2026Q2", q(2026, 2)),
            ("2026年第4季度", q(2026, 4)),
            ("2026年4季度", q(2026, 4)),
            ("2026年第四季度", q(2026, 4)),
            ("2026年Q3", q(2026, 3)),
            ("2026", Some(Period::Year(2026))),
            ("2026年", Some(Period::Year(2026))),
            ("2026年度", Some(Period::Year(2026))),
            ("２０２６－１０", m(2026, 10)),
            ("2026-13", None),
            ("2026-Q5", None),
            ("2026-Q0", None),
            ("26-10", None),
            ("十月", None),
            ("", None),
            ("2026-10-01", None),
        ];
        for (input, want) in cases {
            assert_eq!(Period::parse(input), want, "{input:?}");
        }
    }

    #[test]
    fn bounds_and_display() {
        let p = Period::parse("2024-02").unwrap();
        assert_eq!(p.last_day(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
        let p = Period::parse("2026-Q4").unwrap();
        assert_eq!(
            (p.first_day().to_string(), p.last_day().to_string()),
            ("2026-10-01".into(), "2026-12-31".into())
        );
        assert_eq!(p.to_string(), "2026-Q4");
        assert!(Period::Year(2026).covers(p));
        assert!(!p.covers(Period::Year(2026)));
    }

    #[test]
    fn as_of_months_in_names() {
        let cases = vec![
            ("2026-03", YearMonth::new(2026, 3)),
            ("客户台账_2026-03.xlsx", YearMonth::new(2026, 3)),
            ("客户台账2026年3月.xlsx", YearMonth::new(2026, 3)),
            ("客户台账202603.xlsx", YearMonth::new(2026, 3)),
            ("ledger_2026_11.xls", YearMonth::new(2026, 11)),
            ("客户台账.xlsx", None),
            ("2026.xlsx", None),
            ("20260305.xlsx", None),
            ("2026-13.xlsx", None),
        ];
        for (input, want) in cases {
            assert_eq!(YearMonth::find_in(input), want, "{input:?}");
        }
    }
}

//! Dates and date-times (SPEC 3 item 3).
//!
//! Accepted: Excel date cells and serial numbers in the 1900 and 1904 date
//! systems; text `2026-03-05`, `2026/3/5`, `2026.3.5`, `2026年3月5日`,
//! `20260305`, each optionally followed by a time `9:05` or `09:05:30`
//! (or ISO `T09:05:30`). A date-time at exactly 00:00:00 is date-only.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use crate::text::fold;

/// A point in time read from a ledger: a date, or a date with a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stamp {
    Date(NaiveDate),
    /// Never exactly midnight: that is [`Stamp::Date`].
    DateTime(NaiveDateTime),
}

impl Stamp {
    /// Build from a date-time; midnight counts as date-only.
    pub fn from_datetime(dt: NaiveDateTime) -> Stamp {
        if dt.time() == NaiveTime::MIN {
            Stamp::Date(dt.date())
        } else {
            Stamp::DateTime(dt)
        }
    }

    pub fn date(self) -> NaiveDate {
        match self {
            Stamp::Date(d) => d,
            Stamp::DateTime(dt) => dt.date(),
        }
    }

    pub fn is_date_only(self) -> bool {
        matches!(self, Stamp::Date(_))
    }

    /// As a date-time (a date-only stamp at 00:00).
    pub fn datetime(self) -> NaiveDateTime {
        match self {
            Stamp::Date(d) => d.and_time(NaiveTime::MIN),
            Stamp::DateTime(dt) => dt,
        }
    }
}

impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stamp::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Stamp::DateTime(dt) if dt.second() == 0 => write!(f, "{}", dt.format("%Y-%m-%d %H:%M")),
            Stamp::DateTime(dt) => write!(f, "{}", dt.format("%Y-%m-%d %H:%M:%S")),
        }
    }
}

/// Earliest and latest year accepted in a ledger date.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 2199;

/// Serial numbers read as dates when a date column holds a plain number
/// (calamine hands Excel's Chinese date formats over as numbers): 1950-01-01
/// to 2099-12-31 in the 1900 system. Anything else in a date column is not a
/// date.
pub const PLAUSIBLE_SERIALS: std::ops::RangeInclusive<f64> = 18_264.0..=73_050.999_999;

/// Convert an Excel serial number to a stamp in the given date system.
/// Fractions are rounded to the nearest second. `None` outside Excel's range.
pub fn from_serial(serial: f64, is_1904: bool) -> Option<Stamp> {
    if !serial.is_finite() || !(0.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let mut days = serial.floor() as i64;
    let mut secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
    if secs >= 86_400 {
        days += 1;
        secs -= 86_400;
    }
    let epoch = if is_1904 {
        NaiveDate::from_ymd_opt(1904, 1, 1)?
    } else if days >= 61 {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    } else {
        // Serials 1..=59 count from 1900-01-01 (day 1); 60 is Excel's
        // fictitious 1900-02-29, read as 1900-02-28.
        if days == 0 {
            return None;
        }
        days = days.min(59);
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    };
    let date = epoch.checked_add_signed(Duration::days(days))?;
    let dt = date.and_time(NaiveTime::MIN) + Duration::seconds(secs);
    Some(Stamp::from_datetime(dt))
}

/// Parse a date, optionally with a time, from text.
pub fn parse_text(s: &str) -> Option<Stamp> {
    let t = fold(s);
    let t = t.trim();
    if t.is_empty() {
        return None;
    }
    // Split into a date part and an optional time part.
    let (date_part, time_part) = match t.find([' ', 'T', 't']) {
        Some(i) => (&t[..i], Some(t[i + 1..].trim())),
        None => (t, None),
    };
    let date = parse_date_part(date_part)?;
    let dt = match time_part {
        None | Some("") => date.and_time(NaiveTime::MIN),
        Some(tp) => date.and_time(parse_time_part(tp)?),
    };
    Some(Stamp::from_datetime(dt))
}

fn parse_date_part(s: &str) -> Option<NaiveDate> {
    let (y, m, d) = if let Some(rest) = s
        .strip_suffix('日')
        .or(Some(s))
        .filter(|r| r.contains('年'))
    {
        let (y, rest) = rest.split_once('年')?;
        let (m, d) = rest.split_once('月')?;
        (y, m, d)
    } else if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (&s[..4], &s[4..6], &s[6..])
    } else {
        let sep = ['-', '/', '.'].into_iter().find(|c| s.contains(*c))?;
        let mut it = s.split(sep);
        let (y, m, d) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() {
            return None;
        }
        (y, m, d)
    };
    let num = |p: &str, max_len: usize| -> Option<u32> {
        let p = p.trim();
        if p.is_empty() || p.len() > max_len || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        p.parse().ok()
    };
    if y.trim().len() != 4 {
        return None;
    }
    let year = num(y, 4)? as i32;
    if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, num(m, 2)?, num(d, 2)?)
}

fn parse_time_part(s: &str) -> Option<NaiveTime> {
    let mut it = s.split(':');
    let h = it.next()?;
    let m = it.next()?;
    let sec = it.next();
    if it.next().is_some() {
        return None;
    }
    let part = |p: &str, len: std::ops::RangeInclusive<usize>| -> Option<u32> {
        (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())).then(|| p.parse().ok())?
    };
    let h = part(h, 1..=2)?;
    let m = part(m, 2..=2)?;
    let sec = match sec {
        None => 0,
        // Fractions of a second (`09:05:30.000`) are dropped.
        Some(s) => part(s.split('.').next()?, 2..=2)?,
    };
    NaiveTime::from_hms_opt(h, m, sec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Stamp {
        Stamp::Date(NaiveDate::from_ymd_opt(y, m, day).unwrap())
    }
    fn dt(y: i32, m: u32, day: u32, h: u32, mi: u32, s: u32) -> Stamp {
        Stamp::DateTime(
            NaiveDate::from_ymd_opt(y, m, day)
                .unwrap()
                .and_hms_opt(h, mi, s)
                .unwrap(),
        )
    }

    #[test]
    fn text_forms() {
        let cases: Vec<(&str, Option<Stamp>)> = vec![
            ("2026-03-05", Some(d(2026, 3, 5))),
            ("2026/3/5", Some(d(2026, 3, 5))),
            ("2026.3.5", Some(d(2026, 3, 5))),
            ("2026年3月5日", Some(d(2026, 3, 5))),
            ("2026年03月05日", Some(d(2026, 3, 5))),
            ("2026年3月5", Some(d(2026, 3, 5))),
            ("20260305", Some(d(2026, 3, 5))),
            ("２０２６－０３－０５", None), // full-width hyphen folds to U+FF0D? no: see below
            ("２０２６/０３/０５", Some(d(2026, 3, 5))),
            (" 2026-03-05 ", Some(d(2026, 3, 5))),
            ("2026-03-05 9:05", Some(dt(2026, 3, 5, 9, 5, 0))),
            ("2026-03-05 09:05:30", Some(dt(2026, 3, 5, 9, 5, 30))),
            ("2026/3/5 09:05:30.000", Some(dt(2026, 3, 5, 9, 5, 30))),
            ("2026-03-05T09:05:30", Some(dt(2026, 3, 5, 9, 5, 30))),
            ("2026年3月5日 9:05", Some(dt(2026, 3, 5, 9, 5, 0))),
            ("20260305 23:59", Some(dt(2026, 3, 5, 23, 59, 0))),
            ("2026-03-05 00:00", Some(d(2026, 3, 5))),
            ("2026-03-05 00:00:00", Some(d(2026, 3, 5))),
            ("2024-02-29", Some(d(2024, 2, 29))),
            // Rejections.
            ("2026-02-29", None),
            ("2026-13-01", None),
            ("2026-04-31", None),
            ("2026-03-05 24:00", None),
            ("2026-03-05 9:5", None),
            ("2026-03-05 9:05:61", None),
            ("26-3-5", None),
            ("3/5/2026", None),
            ("2026-03", None),
            ("2026-3-5-1", None),
            ("待定", None),
            ("", None),
            ("1899-12-31", None),
            ("2026年3月", None),
            ("202603051", None),
        ];
        for (input, want) in cases {
            if input == "２０２６－０３－０５" {
                // U+FF0D FULLWIDTH HYPHEN-MINUS folds to '-' under NFKC.
                assert_eq!(parse_text(input), Some(d(2026, 3, 5)));
                continue;
            }
            assert_eq!(parse_text(input), want, "{input:?}");
        }
    }

    #[test]
    fn serials_in_both_systems() {
        let cases: Vec<(f64, bool, Option<Stamp>)> = vec![
            (46086.0, false, Some(d(2026, 3, 5))),
            (46086.5, false, Some(dt(2026, 3, 5, 12, 0, 0))),
            (46_086.378_472_222, false, Some(dt(2026, 3, 5, 9, 5, 0))),
            (46_086.999_999_99, false, Some(d(2026, 3, 6))),
            (44624.0, true, Some(d(2026, 3, 5))),
            (1.0, false, Some(d(1900, 1, 1))),
            (59.0, false, Some(d(1900, 2, 28))),
            (61.0, false, Some(d(1900, 3, 1))),
            (0.0, true, Some(d(1904, 1, 1))),
            (0.0, false, None),
            (-1.0, false, None),
            (f64::NAN, false, None),
            (3_000_000.0, false, None),
        ];
        for (serial, is_1904, want) in cases {
            assert_eq!(
                from_serial(serial, is_1904),
                want,
                "{serial} 1904={is_1904}"
            );
        }
    }

    #[test]
    fn display() {
        assert_eq!(d(2026, 3, 5).to_string(), "2026-03-05");
        assert_eq!(dt(2026, 3, 5, 9, 5, 0).to_string(), "2026-03-05 09:05");
        assert_eq!(dt(2026, 3, 5, 9, 5, 7).to_string(), "2026-03-05 09:05:07");
    }
}

//! From one spreadsheet cell (calamine's [`Data`]) to one typed value.
//!
//! Strict about what a value is, lenient about how it is written: every
//! function returns `Ok(None)` for an empty cell, `Ok(Some(v))` for a value,
//! and `Err(Bad)` with the reason when the cell holds something that is not
//! a value of that type. The caller decides the level (error for a required
//! column, warning for an optional one).

use std::borrow::Cow;

use calamine::Data;
use chrono::{NaiveDate, NaiveDateTime, Timelike};
use rust_decimal::Decimal;

use super::date::{self, Stamp};
use super::money::{self, round2};
use super::words::{self, Word};
use crate::input::columns::WordList;
use crate::period::{Period, YearMonth};
use crate::text::{fold, fold_cow, is_totals_label};
use crate::Lang;

/// Why a cell could not be read as the column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bad {
    NotADate,
    /// Written as a date, but the day does not exist (`2026年2月30日`).
    NoSuchDate,
    NotAMoney,
    NotANumber,
    NotAnInstallment,
    NotAPeriod,
    NotYesNo,
    /// An Excel error value such as `#N/A` or `#DIV/0!`.
    ErrorValue,
    /// A duration (`[h]:mm`) where a date was expected.
    Duration,
    /// A number in a date column outside the plausible serial range.
    ImplausibleSerial,
    UnknownWord(WordList),
}

impl Bad {
    pub fn message(self, lang: Lang) -> String {
        let (zh, en): (&str, &str) = match self {
            Bad::NotADate => (
                "不是可识别的日期（可写 2026-03-05、2026/3/5、2026年3月5日 或 20260305）",
                "not a date (write 2026-03-05, 2026/3/5, 2026年3月5日 or 20260305)",
            ),
            Bad::NoSuchDate => (
                "该日期不存在（请核对月份和日）",
                "no such date (check the month and the day)",
            ),
            Bad::NotAMoney => (
                "不是可识别的金额（可写 1,200.50、¥1200、1.2万 或 (1,200)）",
                "not an amount of money (write 1,200.50, ¥1200, 1.2万 or (1,200))",
            ),
            Bad::NotANumber => ("不是数字", "not a number"),
            Bad::NotAnInstallment => (
                "期次应为 1 及以上的整数",
                "the installment must be a whole number from 1",
            ),
            Bad::NotAPeriod => (
                "不是可识别的期间（可写 2026-10、2026-Q4、2026、2026年10月、2026年第4季度）",
                "not a period (write 2026-10, 2026-Q4, 2026, 2026年10月 or 2026年第4季度)",
            ),
            Bad::NotYesNo => ("应为 是 或 否", "should be yes or no (是/否)"),
            Bad::ErrorValue => (
                "单元格是 Excel 错误值",
                "the cell holds an Excel error value",
            ),
            Bad::Duration => (
                "单元格是时长而不是日期",
                "the cell holds a duration, not a date",
            ),
            Bad::ImplausibleSerial => (
                "数字不在合理的日期范围内（1950–2099）",
                "the number is not a plausible date (1950–2099)",
            ),
            Bad::UnknownWord(list) => {
                let allowed: Vec<&str> = words::list(list)
                    .iter()
                    .map(|w| lang.pick(w.zh, w.en))
                    .collect();
                return match lang {
                    Lang::Zh => format!("不是可选值之一（{}）", allowed.join("、")),
                    Lang::En => format!("not one of the known values ({})", allowed.join(", ")),
                };
            }
        };
        lang.pick(zh, en).to_string()
    }
}

pub type CellResult<T> = Result<Option<T>, Bad>;

/// Whether a cell counts as empty: no value, or only white space.
pub fn is_empty(d: &Data) -> bool {
    match d {
        Data::Empty => true,
        Data::String(s) => s
            .chars()
            .all(|c| c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}'),
        _ => false,
    }
}

/// The cell's value as the user sees it, for data-issue reports.
pub fn raw_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) => match datetime_of(dt) {
            Some(v) if dt.is_datetime() => Stamp::from_datetime(round_to_second(v)).to_string(),
            _ => number_text(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// The date-time of a date cell, `None` when its serial lies outside the
/// dates Excel can show (before 1900, after 9999, not finite): calamine's
/// conversion panics on serials far out of range (found by fuzzing).
fn datetime_of(dt: &calamine::ExcelDateTime) -> Option<NaiveDateTime> {
    const LAST_EXCEL_DAY: f64 = 2_958_466.0; // 9999-12-31, plus one
    let f = dt.as_f64();
    if !f.is_finite() || !(-1462.0..=LAST_EXCEL_DAY).contains(&f) {
        return None;
    }
    dt.as_datetime()
}

/// A number as the shortest text that reads back to it (`1001`, `0.1`).
fn number_text(f: f64) -> String {
    match money::from_f64(f) {
        Some(d) => d.normalize().to_string(),
        None => f.to_string(),
    }
}

fn round_to_second(dt: NaiveDateTime) -> NaiveDateTime {
    let nanos = dt.nanosecond();
    let base = dt.with_nanosecond(0).expect("zero nanoseconds is valid");
    if nanos >= 500_000_000 {
        base + chrono::Duration::seconds(1)
    } else {
        base
    }
}

/// Free text, folded (NFKC, trimmed, spaces collapsed).
pub fn text(d: &Data) -> Option<String> {
    text_cow(d).map(Cow::into_owned)
}

/// [`text`], borrowing the cell's text when folding leaves it as it is.
pub fn text_cow(d: &Data) -> Option<Cow<'_, str>> {
    if is_empty(d) {
        return None;
    }
    let t = match d {
        Data::String(s) => fold_cow(s),
        other => Cow::Owned(fold(&raw_text(other))),
    };
    (!t.is_empty()).then_some(t)
}

/// Whether a row whose first non-empty cell is `d` is a totals row: whether
/// its [`text`] is a totals label. A number or date shows only digits and
/// `-.: +`, never a label, so it is not written out to be asked.
pub fn is_totals_cell(d: &Data) -> bool {
    match d {
        Data::Int(_) | Data::Float(_) | Data::DateTime(_) => false,
        _ => text_cow(d).is_some_and(|t| is_totals_label(&t)),
    }
}

/// An identifier: text, with a numeric cell `1001` read as `"1001"`.
pub fn id(d: &Data) -> CellResult<String> {
    id_cow(d).map(|o| o.map(Cow::into_owned))
}

/// [`id`], borrowing the cell's text when folding leaves it as it is.
pub fn id_cow(d: &Data) -> CellResult<Cow<'_, str>> {
    match d {
        Data::Error(_) => Err(Bad::ErrorValue),
        _ => Ok(text_cow(d)),
    }
}

/// A date or date-time.
/// Text shaped as a date — a four-digit year, a month 1–12 and a day 1–31
/// (`2026年2月30日`, `2026-02-30`) — whose day does not exist.
fn no_such_day(s: &str) -> bool {
    let parts: Vec<&str> = s
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = parts[..] else {
        return false;
    };
    let (Ok(y), Ok(m), Ok(d)) = (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) else {
        return false;
    };
    (1900..=9999).contains(&y)
        && (1..=12).contains(&m)
        && (1..=31).contains(&d)
        && chrono::NaiveDate::from_ymd_opt(y, m, d).is_none()
}

pub fn stamp(d: &Data, is_1904: bool) -> CellResult<Stamp> {
    match d {
        _ if is_empty(d) => Ok(None),
        Data::DateTime(dt) if dt.is_duration() => Err(Bad::Duration),
        Data::DateTime(dt) => datetime_of(dt)
            .map(|v| Some(Stamp::from_datetime(round_to_second(v))))
            .ok_or(Bad::NotADate),
        Data::DateTimeIso(s) | Data::String(s) => {
            date::parse_text(s).map(Some).ok_or(if no_such_day(s) {
                Bad::NoSuchDate
            } else {
                Bad::NotADate
            })
        }
        Data::DurationIso(_) => Err(Bad::Duration),
        Data::Float(_) | Data::Int(_) => {
            let f = match d {
                Data::Float(f) => *f,
                Data::Int(i) => *i as f64,
                _ => unreachable!("matched numeric"),
            };
            // `20260305` typed as a number.
            if f.fract() == 0.0 && (19_000_101.0..=21_991_231.0).contains(&f) {
                return date::parse_text(&format!("{}", f as i64))
                    .map(Some)
                    .ok_or(Bad::NotADate);
            }
            let serial = if is_1904 { f + 1462.0 } else { f };
            if !date::PLAUSIBLE_SERIALS.contains(&serial) {
                return Err(Bad::ImplausibleSerial);
            }
            date::from_serial(f, is_1904).map(Some).ok_or(Bad::NotADate)
        }
        Data::Error(_) => Err(Bad::ErrorValue),
        Data::Bool(_) => Err(Bad::NotADate),
        Data::Empty => Ok(None),
    }
}

/// A date; a time of day, if any, is dropped.
pub fn date(d: &Data, is_1904: bool) -> CellResult<NaiveDate> {
    stamp(d, is_1904).map(|s| s.map(Stamp::date))
}

/// The largest amount or number a cell may hold (a thousand trillion):
/// far above any real ledger value, and small enough that totals of any
/// number of rows cannot overflow a decimal in the computations.
const MAX_VALUE: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0); // 1e15

/// Parse a number cell or number text into a decimal; `scale` multiplies a
/// value that names no unit of its own. A value beyond ±[`MAX_VALUE`] is
/// unreadable.
fn decimal(d: &Data, scale: Decimal, bad: Bad) -> CellResult<Decimal> {
    match decimal_unbounded(d, scale, bad)? {
        Some(v) if v.abs() > MAX_VALUE => Err(bad),
        v => Ok(v),
    }
}

fn decimal_unbounded(d: &Data, scale: Decimal, bad: Bad) -> CellResult<Decimal> {
    match d {
        _ if is_empty(d) => Ok(None),
        // A value too large for a decimal once scaled (`(万元)` × 1e28) is
        // unreadable, not a panic (found by fuzzing).
        Data::Int(i) => Decimal::from(*i).checked_mul(scale).map(Some).ok_or(bad),
        Data::Float(f) => money::from_f64(*f)
            .and_then(|v| v.checked_mul(scale))
            .map(Some)
            .ok_or(bad),
        Data::String(s) => {
            let p = money::parse_text(s).ok_or(bad)?;
            if p.has_unit {
                Ok(Some(p.value))
            } else {
                p.value.checked_mul(scale).map(Some).ok_or(bad)
            }
        }
        Data::Error(_) => Err(Bad::ErrorValue),
        _ => Err(bad),
    }
}

/// Money, kept to 2 places. `scale` comes from a `(万元)` header.
pub fn money(d: &Data, scale: Decimal) -> CellResult<Decimal> {
    decimal(d, scale, Bad::NotAMoney).map(|v| v.map(round2))
}

/// A plain number (counts, area, scores). Units such as `㎡` are dropped.
pub fn number(d: &Data) -> CellResult<Decimal> {
    if let Data::String(s) = d {
        let t = fold(s);
        let t = ["平方米", "平米", "m2", "个", "次", "家", "分"]
            .iter()
            .fold(t.as_str(), |t, u| t.strip_suffix(u).unwrap_or(t))
            .to_string();
        return decimal(&Data::String(t), Decimal::ONE, Bad::NotANumber);
    }
    decimal(d, Decimal::ONE, Bad::NotANumber)
}

/// A whole number ≥ 1; `第2期` reads as 2.
pub fn installment(d: &Data) -> CellResult<u32> {
    let v = match d {
        Data::String(s) => {
            let t = fold(s);
            let t = t.strip_prefix('第').unwrap_or(&t);
            let t = t.strip_suffix('期').unwrap_or(t);
            number(&Data::String(t.to_string()))
        }
        _ => number(d),
    }
    .map_err(|_| Bad::NotAnInstallment)?;
    match v {
        None => Ok(None),
        Some(v) if v.fract().is_zero() && v >= Decimal::ONE && v <= Decimal::from(1000) => Ok(
            Some(v.to_string().parse().map_err(|_| Bad::NotAnInstallment)?),
        ),
        Some(_) => Err(Bad::NotAnInstallment),
    }
}

/// A period. A date cell on the first of a month reads as that month (Excel
/// turns a typed `2026-10` into the date 2026-10-01); a whole number
/// 1900–2199 is a year.
pub fn period(d: &Data, is_1904: bool) -> CellResult<Period> {
    match d {
        _ if is_empty(d) => Ok(None),
        Data::String(s) => Period::parse(s).map(Some).ok_or(Bad::NotAPeriod),
        Data::Int(_) | Data::Float(_) => {
            let f = match d {
                Data::Int(i) => *i as f64,
                Data::Float(f) => *f,
                _ => unreachable!("matched numeric"),
            };
            if f.fract() == 0.0 && (1900.0..=2199.0).contains(&f) {
                return Ok(Some(Period::Year(f as i32)));
            }
            if f.fract() == 0.0 && (190_001.0..=219_912.0).contains(&f) {
                return Period::parse(&format!("{}", f as i64))
                    .map(Some)
                    .ok_or(Bad::NotAPeriod);
            }
            Err(Bad::NotAPeriod)
        }
        Data::DateTime(_) | Data::DateTimeIso(_) => match stamp(d, is_1904) {
            Ok(Some(s)) if s.is_date_only() && chrono::Datelike::day(&s.date()) == 1 => {
                Ok(Some(Period::Month(YearMonth::of(s.date()))))
            }
            _ => Err(Bad::NotAPeriod),
        },
        Data::Error(_) => Err(Bad::ErrorValue),
        _ => Err(Bad::NotAPeriod),
    }
}

/// Yes/no: 是/否, Y/N, yes/no, true/false, 1/0, √/×.
pub fn yes_no(d: &Data) -> CellResult<bool> {
    match d {
        _ if is_empty(d) => Ok(None),
        Data::Bool(b) => Ok(Some(*b)),
        Data::Int(1) => Ok(Some(true)),
        Data::Int(0) => Ok(Some(false)),
        Data::Float(f) if *f == 1.0 => Ok(Some(true)),
        Data::Float(f) if *f == 0.0 => Ok(Some(false)),
        Data::String(s) => match fold(s).to_lowercase().as_str() {
            "是" | "y" | "yes" | "true" | "1" | "√" | "✓" | "✔" | "重点" => Ok(Some(true)),
            "否" | "n" | "no" | "false" | "0" | "×" | "✗" | "✘" | "非重点" => {
                Ok(Some(false))
            }
            _ => Err(Bad::NotYesNo),
        },
        Data::Error(_) => Err(Bad::ErrorValue),
        _ => Err(Bad::NotYesNo),
    }
}

/// One of a vocabulary's words.
pub fn word(d: &Data, list: WordList) -> CellResult<&'static Word> {
    match d {
        Data::Error(_) => Err(Bad::ErrorValue),
        _ => match text_cow(d) {
            None => Ok(None),
            Some(t) => words::lookup(list, &t)
                .map(Some)
                .ok_or(Bad::UnknownWord(list)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
    use std::str::FromStr;

    fn s(x: &str) -> Data {
        Data::String(x.to_string())
    }
    fn dec(x: &str) -> Decimal {
        Decimal::from_str(x).unwrap()
    }
    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn totals_cells_as_their_text_says() {
        let dt = |v: f64, ty| Data::DateTime(ExcelDateTime::new(v, ty, false));
        let cells = [
            Data::Int(1),
            Data::Int(-7),
            Data::Float(12.5),
            Data::Float(f64::NAN),
            Data::Float(f64::INFINITY),
            Data::Float(-1e300),
            dt(46086.0, ExcelDateTimeType::DateTime),
            dt(46086.51, ExcelDateTimeType::DateTime),
            dt(1e12, ExcelDateTimeType::DateTime),
            dt(-1e12, ExcelDateTimeType::DateTime),
            dt(1.5, ExcelDateTimeType::TimeDelta),
            Data::Bool(true),
            s("合计"),
            s(" Total "),
            s("TOTAL"),
            s("张三"),
        ];
        for d in &cells {
            let want = text(d).is_some_and(|t| is_totals_label(&t));
            assert_eq!(is_totals_cell(d), want, "{d:?}");
        }
    }

    #[test]
    fn date_cells() {
        let dt = |v: f64, is_1904: bool| {
            Data::DateTime(ExcelDateTime::new(v, ExcelDateTimeType::DateTime, is_1904))
        };
        let cases: Vec<(Data, bool, CellResult<Stamp>)> = vec![
            (
                dt(46086.0, false),
                false,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (
                dt(44624.0, true),
                true,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (
                dt(46086.25, false),
                false,
                Ok(Some(Stamp::DateTime(
                    ymd(2026, 3, 5).and_hms_opt(6, 0, 0).unwrap(),
                ))),
            ),
            // A Chinese date format calamine does not recognise: a plain number.
            (
                Data::Float(46086.0),
                false,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (
                Data::Int(46086),
                false,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (
                Data::Float(44624.0),
                true,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (
                Data::Int(20260305),
                false,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (
                s("2026年3月5日"),
                false,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (
                Data::DateTimeIso("2026-03-05T09:05:00".into()),
                false,
                Ok(Some(Stamp::DateTime(
                    ymd(2026, 3, 5).and_hms_opt(9, 5, 0).unwrap(),
                ))),
            ),
            (
                Data::DateTimeIso("2026-03-05".into()),
                false,
                Ok(Some(Stamp::Date(ymd(2026, 3, 5)))),
            ),
            (s("   "), false, Ok(None)),
            (Data::Empty, false, Ok(None)),
            (s("待定"), false, Err(Bad::NotADate)),
            (s("2026年2月30日"), false, Err(Bad::NoSuchDate)),
            (s("2026-04-31"), false, Err(Bad::NoSuchDate)),
            (Data::Float(12.0), false, Err(Bad::ImplausibleSerial)),
            (Data::Int(20261399), false, Err(Bad::NotADate)),
            (Data::Error(CellErrorType::NA), false, Err(Bad::ErrorValue)),
            (Data::Bool(true), false, Err(Bad::NotADate)),
            (
                Data::DateTime(ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false)),
                false,
                Err(Bad::Duration),
            ),
        ];
        for (cell, is_1904, want) in cases {
            assert_eq!(stamp(&cell, is_1904), want, "{cell:?}");
        }
    }

    #[test]
    fn money_cells() {
        let ten_k = Decimal::from(10_000);
        let cases: Vec<(Data, Decimal, CellResult<Decimal>)> = vec![
            (Data::Float(0.1), Decimal::ONE, Ok(Some(dec("0.10")))),
            (
                Data::Float(1200.456),
                Decimal::ONE,
                Ok(Some(dec("1200.46"))),
            ),
            (Data::Int(5), Decimal::ONE, Ok(Some(dec("5")))),
            (s("￥1,000"), Decimal::ONE, Ok(Some(dec("1000")))),
            (s("1.2万"), Decimal::ONE, Ok(Some(dec("12000")))),
            (Data::Float(1.5), ten_k, Ok(Some(dec("15000")))),
            (s("1.5"), ten_k, Ok(Some(dec("15000")))),
            (s("800元"), ten_k, Ok(Some(dec("800")))),
            (s("2万"), ten_k, Ok(Some(dec("20000")))),
            (Data::Float(0.123456), ten_k, Ok(Some(dec("1234.56")))),
            (s(""), Decimal::ONE, Ok(None)),
            (s("约一万"), Decimal::ONE, Err(Bad::NotAMoney)),
            (
                Data::Error(CellErrorType::Div0),
                Decimal::ONE,
                Err(Bad::ErrorValue),
            ),
            (Data::Bool(true), Decimal::ONE, Err(Bad::NotAMoney)),
        ];
        for (cell, scale, want) in cases {
            assert_eq!(money(&cell, scale), want, "{cell:?} ×{scale}");
        }
    }

    #[test]
    fn other_cells() {
        assert_eq!(id(&Data::Float(1001.0)), Ok(Some("1001".into())));
        assert_eq!(id(&s(" ＫＨ001 ")), Ok(Some("KH001".into())));
        assert_eq!(number(&s("1,200.5㎡")), Ok(Some(dec("1200.5"))));
        assert_eq!(number(&s("12个")), Ok(Some(dec("12"))));
        assert_eq!(installment(&Data::Float(2.0)), Ok(Some(2)));
        assert_eq!(installment(&s("第3期")), Ok(Some(3)));
        assert_eq!(installment(&Data::Float(1.5)), Err(Bad::NotAnInstallment));
        assert_eq!(installment(&Data::Int(0)), Err(Bad::NotAnInstallment));
        assert_eq!(installment(&s("首期")), Err(Bad::NotAnInstallment));
        assert_eq!(
            period(&s("2026年10月"), false),
            Ok(Period::parse("2026-10"))
        );
        assert_eq!(
            period(&Data::Int(2026), false),
            Ok(Some(Period::Year(2026)))
        );
        assert_eq!(
            period(&Data::Int(202610), false),
            Ok(Period::parse("2026-10"))
        );
        let oct1 = Data::DateTime(ExcelDateTime::new(
            46296.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(period(&oct1, false), Ok(Period::parse("2026-10")));
        let oct2 = Data::DateTime(ExcelDateTime::new(
            46297.0,
            ExcelDateTimeType::DateTime,
            false,
        ));
        assert_eq!(period(&oct2, false), Err(Bad::NotAPeriod));
        assert_eq!(yes_no(&s("是")), Ok(Some(true)));
        assert_eq!(yes_no(&s("N")), Ok(Some(false)));
        assert_eq!(yes_no(&s("也许")), Err(Bad::NotYesNo));
        assert_eq!(
            word(&s("微信"), WordList::Method).map(|w| w.map(|w| w.code)),
            Ok(Some("wechat"))
        );
        assert_eq!(
            word(&s("飞鸽"), WordList::Method),
            Err(Bad::UnknownWord(WordList::Method))
        );
        assert_eq!(raw_text(&Data::Float(0.1)), "0.1");
        assert_eq!(raw_text(&Data::Float(1001.0)), "1001");
        assert_eq!(raw_text(&Data::Error(CellErrorType::NA)), "#N/A");
        // Regression (fuzzing): a huge amount in a (万元) column overflowed.
        let wan = Decimal::from(10_000);
        for d in [
            Data::Float(7e28),
            Data::Float(1e25),
            Data::String("79228162514264337593543950335".into()),
        ] {
            assert_eq!(money(&d, wan), Err(Bad::NotAMoney), "{d:?}");
        }
        assert_eq!(MAX_VALUE, Decimal::from(1_000_000_000_000_000_i64));
        assert_eq!(money(&Data::Int(i64::MAX), wan), Err(Bad::NotAMoney));
        assert_eq!(
            money(&Data::Float(1e11), wan),
            Ok(Some(Decimal::from(1_000_000_000_000_000_i64)))
        );
        assert_eq!(number(&Data::Float(-2e15)), Err(Bad::NotANumber));
        // Regression (fuzzing, tests/fixtures/fuzz-regressions): a date
        // cell with a serial far out of range made calamine's conversion
        // panic; it is an unreadable date.
        for serial in [1e300, -1e300, f64::NAN, f64::INFINITY, 3e6, -5000.0] {
            let d = Data::DateTime(calamine::ExcelDateTime::new(
                serial,
                calamine::ExcelDateTimeType::DateTime,
                false,
            ));
            assert_eq!(stamp(&d, false), Err(Bad::NotADate), "{serial}");
            let _ = raw_text(&d);
        }
    }
}

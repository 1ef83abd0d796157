//! Money and numbers (SPEC 3 item 4).
//!
//! Money is exact decimal from cell to output. A numeric cell is converted
//! through its shortest round-trip decimal text (`Decimal::from_f64`, so 0.1
//! stays 0.1, never `from_f64_retain`), then kept to 2 places, rounding half
//! away from zero. Text may carry `¥`, `￥`, `RMB`, `CNY`, `人民币`, `元`,
//! thousands separators `,` or `，`, full-width digits, the suffix `万`
//! (×10 000) or `亿` (×100 000 000), and negatives as `-1,200` or `(1,200)`.

use rust_decimal::prelude::FromPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::text::fold;

/// Round to 2 places, half away from zero, and always show 2 places
/// (`15000` → `15000.00`).
pub fn round2(d: Decimal) -> Decimal {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

/// The decimal value of a numeric cell: its shortest round-trip text.
pub fn from_f64(f: f64) -> Option<Decimal> {
    if !f.is_finite() {
        return None;
    }
    Decimal::from_f64(f)
}

/// A unit that scales a money column, from the header's bracketed unit
/// (`合同金额(万元)` → 10 000).
pub fn header_scale(unit: Option<&str>) -> Decimal {
    match unit.map(|u| u.trim()) {
        Some("万元") | Some("万") => Decimal::from(10_000),
        Some("亿元") | Some("亿") => Decimal::from(100_000_000),
        _ => Decimal::ONE,
    }
}

/// What a text number carried besides its digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    pub value: Decimal,
    /// The text named its own unit (`元`, `万`, `亿`), so a column scale from
    /// the header does not apply.
    pub has_unit: bool,
}

/// Parse money or a number written as text. `None` when it is not a number.
pub fn parse_text(s: &str) -> Option<Parsed> {
    let t: String = fold(s).chars().filter(|c| !c.is_whitespace()).collect();
    let mut t = t.as_str();
    if t.is_empty() {
        return None;
    }
    let mut negative = false;
    let mut signed = false;
    if let Some(inner) = t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        t = inner;
    }
    if let Some(rest) = t.strip_prefix(['-', '−']) {
        negative = !negative;
        signed = true;
        t = rest;
    } else if let Some(rest) = t.strip_prefix('+') {
        signed = true;
        t = rest;
    }
    let mut has_unit = false;
    for prefix in ["¥", "RMB", "rmb", "CNY", "cny", "人民币"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest;
            break;
        }
    }
    // A sign may also follow the currency symbol: `¥-1,200`.
    if let Some(rest) = t.strip_prefix(['-', '−']).filter(|_| !signed) {
        negative = !negative;
        t = rest;
    }
    if let Some(rest) = t.strip_suffix("元") {
        t = rest;
        has_unit = true;
    }
    for suffix in ["RMB", "rmb", "CNY", "cny"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest;
        }
    }
    let mut scale = Decimal::ONE;
    if let Some(rest) = t.strip_suffix('万') {
        t = rest;
        scale = Decimal::from(10_000);
        has_unit = true;
    } else if let Some(rest) = t.strip_suffix('亿') {
        t = rest;
        scale = Decimal::from(100_000_000);
        has_unit = true;
    }
    if t.is_empty()
        || !t
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
    {
        return None;
    }
    let digits: String = t.chars().filter(|&c| c != ',').collect();
    if digits.is_empty()
        || !digits.bytes().all(|b| {
            b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'+' || b == b'-'
        })
    {
        return None;
    }
    let value = if digits.contains(['e', 'E']) {
        Decimal::from_scientific(&digits).ok()?
    } else {
        if digits.matches('.').count() > 1 || digits.contains(['+', '-']) {
            return None;
        }
        digits.parse::<Decimal>().ok()?
    };
    let value = value.checked_mul(scale)?;
    Some(Parsed {
        value: if negative { -value } else { value },
        has_unit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn text_money() {
        let cases: Vec<(&str, Option<&str>)> = vec![
            ("1000", Some("1000")),
            ("1,000", Some("1000")),
            ("1，000", Some("1000")),
            ("1,234,567.89", Some("1234567.89")),
            ("¥1,200", Some("1200")),
            ("￥1,200.50", Some("1200.50")),
            ("RMB 1200", Some("1200")),
            ("1200元", Some("1200")),
            ("人民币1200元", Some("1200")),
            ("１２００", Some("1200")),
            ("１，２００．５", Some("1200.5")),
            ("1.2万", Some("12000")),
            ("1.2万元", Some("12000")),
            ("3亿", Some("300000000")),
            ("-1,200", Some("-1200")),
            ("(1,200)", Some("-1200")),
            ("（1,200）", Some("-1200")),
            ("¥-50", Some("-50")),
            ("+5", Some("5")),
            ("0.1", Some("0.1")),
            (".5", Some("0.5")),
            ("1.2E+05", Some("120000")),
            ("  88  ", Some("88")),
            // Rejections.
            ("", None),
            ("待定", None),
            ("1.2.3", None),
            ("12a", None),
            ("万", None),
            ("¥", None),
            ("--5", None),
            ("1-2", None),
            ("#N/A", None),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_text(input).map(|p| p.value),
                want.map(dec),
                "{input:?}"
            );
        }
    }

    #[test]
    fn units_are_noticed() {
        assert!(!parse_text("1200").unwrap().has_unit);
        assert!(parse_text("1200元").unwrap().has_unit);
        assert!(parse_text("12万").unwrap().has_unit);
    }

    #[test]
    fn numeric_cells_are_exact() {
        let cases: Vec<(f64, &str)> = vec![
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30"),
            (1200.5, "1200.50"),
            (1234567.891, "1234567.89"),
            (2.675, "2.68"),
            (-2.675, "-2.68"),
            (0.005, "0.01"),
            (1e-10, "0.00"),
        ];
        for (f, want) in cases {
            assert_eq!(round2(from_f64(f).unwrap()), dec(want), "{f}");
        }
        assert_eq!(from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(from_f64(f64::NAN), None);
    }

    #[test]
    fn header_scales() {
        assert_eq!(header_scale(Some("万元")), dec("10000"));
        assert_eq!(header_scale(Some("元")), Decimal::ONE);
        assert_eq!(header_scale(None), Decimal::ONE);
    }
}

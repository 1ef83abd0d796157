//! Helpers to write small ledger workbooks inside a test, cell by cell.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// One cell of a test sheet.
#[derive(Clone, Copy)]
pub enum C<'a> {
    /// Text.
    S(&'a str),
    /// A number.
    N(f64),
    /// An Excel date cell (`yyyy-mm-dd`).
    D(&'a str),
    /// An Excel date-time cell (`yyyy-mm-dd hh:mm:ss`).
    T(&'a str),
    /// A serial number with Excel's Chinese date format, which calamine
    /// does not recognise as a date.
    CnDate(f64),
    /// Nothing.
    E,
}

pub use C::*;

/// A sheet: name, rows, and merged ranges (first row, first col, last row, last col; 0-based).
pub struct Sheet<'a> {
    pub name: &'a str,
    pub rows: Vec<Vec<C<'a>>>,
    pub merges: Vec<(u32, u16, u32, u16)>,
}

pub fn sheet<'a>(name: &'a str, rows: Vec<Vec<C<'a>>>) -> Sheet<'a> {
    Sheet {
        name,
        rows,
        merges: vec![],
    }
}

/// Write a workbook with the given sheets to `path` (folders created).
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let cn = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name).unwrap();
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if s.merges
                    .iter()
                    .any(|m| m.0 <= r && r <= m.2 && m.1 <= c && c <= m.3 && (m.0, m.1) != (r, c))
                {
                    continue;
                }
                match *cell {
                    S(t) => ws.write_string(r, c, t).map(|_| ()),
                    N(n) => ws.write_number(r, c, n).map(|_| ()),
                    D(d) => ws
                        .write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::parse_from_str(d).unwrap(),
                            &date,
                        )
                        .map(|_| ()),
                    T(d) => ws
                        .write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::parse_from_str(d).unwrap(),
                            &datetime,
                        )
                        .map(|_| ()),
                    CnDate(n) => ws.write_number_with_format(r, c, n, &cn).map(|_| ()),
                    E => Ok(()),
                }
                .unwrap();
            }
        }
        for &(r0, c0, r1, c1) in &s.merges {
            let first = &s.rows[r0 as usize][c0 as usize];
            let text = match first {
                S(t) => t.to_string(),
                _ => String::new(),
            };
            ws.merge_range(r0, c0, r1, c1, &text, &Format::new())
                .unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// Every file below `dir` with its bytes, keyed by the path relative to
/// `dir`, in byte order.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

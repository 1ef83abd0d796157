//! The team summary workbook on the committed samples: written, read back
//! with calamine, and checked against the results it was built from.

use std::io::Read as _;
use std::path::Path;

use calamine::{open_workbook, Data, DataType, Range, Reader, Xlsx};
use chrono::NaiveDate;
use rust_decimal::prelude::ToPrimitive;

use kaohe::compute::assess::{compute, RepResult};
use kaohe::input::dataset::Dataset;
use kaohe::output::summary::team_summary;
use kaohe::period::Period;
use kaohe::scheme::Scheme;
use kaohe::Lang;

fn load() -> (Dataset, Scheme) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let scheme = Scheme::load(&root.join("考核方案.toml")).unwrap();
    let mut ds = kaohe::input::dataset::load(&root.join("ledgers"), &scheme.columns).unwrap();
    kaohe::compute::assess::check_scores(&mut ds, &scheme);
    (ds, scheme)
}

fn bytes(ds: &Dataset, scheme: &Scheme, p: Period, results: &[RepResult]) -> Vec<u8> {
    let at = kaohe::output::summary::AsOf::at(p.last_day());
    team_summary(
        ds,
        scheme,
        p,
        results,
        &at,
        None,
        &kaohe::output::summary::apply::Applied::none(),
        Lang::Zh,
    )
    .unwrap()
    .save_to_buffer()
    .unwrap()
}

fn sheet(path: &Path, name: &str) -> Range<Data> {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap();
    wb.worksheet_range(name).unwrap()
}

fn text(r: &Range<Data>, row: usize, col: usize) -> String {
    r.get((row, col)).map(|c| c.to_string()).unwrap_or_default()
}

fn column(r: &Range<Data>, header: &str) -> usize {
    (0..r.width())
        .find(|&c| text(r, 0, c) == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

fn check_period(period: &str) {
    let (ds, scheme) = load();
    let p = Period::parse(period).unwrap();
    let results = compute(&ds, &scheme, &[p]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.xlsx");
    let first = bytes(&ds, &scheme, p, &results);
    std::fs::write(&path, &first).unwrap();
    assert_eq!(
        first,
        bytes(&ds, &scheme, p, &results),
        "{period}: not byte-identical"
    );

    // Ranking: totals are the results' totals, sorted highest first.
    let r = sheet(&path, "排名");
    let (id_col, total_col) = (column(&r, "工号"), column(&r, "总分"));
    let mut shown = Vec::new();
    // The table's rows run to the first without a rep id (the 制表 / 审核 /
    // 审批 lines follow).
    let table_rows = (1..r.height())
        .take_while(|&row| !text(&r, row, id_col).is_empty())
        .count();
    for row in 1..=table_rows {
        let id = text(&r, row, id_col);
        let rep = results
            .iter()
            .find(|x| ds.reps[x.rep as usize].rep_id == id)
            .unwrap_or_else(|| panic!("{id} is not a rep of the period"));
        let want = rep
            .outcome
            .as_ref()
            .ok()
            .and_then(|a| a.assessment.total)
            .map(|t| t.to_f64().unwrap());
        let got = r.get((row, total_col)).and_then(|c| c.get_float());
        assert_eq!(got, want, "{period} {id}");
        if let Some(t) = got {
            shown.push(t);
        }
    }
    assert_eq!(table_rows, results.len(), "{period}: one row per rep");
    let below: Vec<String> = (table_rows + 1..r.height())
        .map(|row| text(&r, row, id_col))
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(
        below,
        [
            "制表：______________    日期：__________",
            "审核：______________    日期：__________",
            "审批：______________    日期：__________"
        ]
    );
    assert!(
        shown.windows(2).all(|w| w[0] >= w[1]),
        "{period}: {shown:?}"
    );

    // Grade counts (with 不评级) add up to the reps assessed.
    let assessed = results.iter().filter(|x| x.outcome.is_ok()).count();
    let g = sheet(&path, "等级分布");
    let n: f64 = (1..=scheme.grades.len() + 1)
        .map(|row| g.get((row, 3)).and_then(|c| c.get_float()).unwrap())
        .sum();
    assert_eq!(n as usize, assessed, "{period}");
    assert_eq!(text(&g, scheme.grades.len() + 1, 0), "不评级");

    // Overdue receivables: outstanding > 0, due on or before the as-of day.
    let o = sheet(&path, "逾期回款");
    let (due, left) = (column(&o, "应回款日期"), column(&o, "未回款"));
    let mut rows = 0;
    for row in 1..o.height() {
        if text(&o, row, 1).is_empty() {
            continue; // the note under the table
        }
        rows += 1;
        let d = o.get((row, due)).and_then(|c| c.as_date()).unwrap();
        assert!(d <= p.last_day(), "{period}: due {d}");
        let out = o.get((row, left)).and_then(|c| c.get_float()).unwrap();
        assert!(out > 0.0, "{period} row {row}: {out}");
    }
    assert!(rows > 0, "{period}: the samples have overdue installments");

    // One row per data issue.
    let i = sheet(&path, "数据问题");
    assert_eq!(i.height(), ds.issues.len() + 1, "{period}");
}

#[test]
fn summary_of_a_month_matches_its_results() {
    check_period("2026-03");
}

#[test]
fn summary_of_a_quarter_matches_its_results() {
    check_period("2026-Q2");
}

#[test]
fn a_formula_like_rep_name_stays_text() {
    let (mut ds, scheme) = load();
    let name = r#"=HYPERLINK("http://x","y")"#;
    ds.reps[0].name = name.into();
    let p = Period::parse("2026-03").unwrap();
    let results = compute(&ds, &scheme, &[p]);
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.xlsx");
    std::fs::write(&path, bytes(&ds, &scheme, p, &results)).unwrap();
    let r = sheet(&path, "排名");
    let cells: Vec<&Data> = r.used_cells().map(|(_, _, c)| c).collect();
    assert!(
        cells
            .iter()
            .any(|c| matches!(c, Data::String(s) if s == name)),
        "the name is read back as a string"
    );
    // No formula holds the name (the payout's totals are the workbook's
    // only formulas).
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        if f.name().starts_with("xl/worksheets/") {
            let mut xml = String::new();
            f.read_to_string(&mut xml).unwrap();
            for formula in xml.split("<f>").skip(1) {
                let formula = formula.split("</f>").next().unwrap_or_default();
                assert!(!formula.contains("HYPERLINK"), "{}: {formula}", f.name());
            }
        }
    }
}

#[test]
fn overdue_rows_are_due_and_unpaid_as_of() {
    let (ds, scheme) = load();
    let p = Period::parse("2026-03").unwrap();
    let results = compute(&ds, &scheme, &[p]);
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 15).unwrap();
    let rows = kaohe::output::summary::overdue_installments(&ds, &results, as_of);
    assert!(!rows.is_empty());
    for i in &rows {
        assert!(i.due_date <= as_of);
        let paid = match (i.amount_paid, i.paid_date) {
            (Some(a), Some(d)) if d <= as_of => a,
            _ => rust_decimal::Decimal::ZERO,
        };
        assert!(paid < i.amount_due, "{} {}", i.contract_id, i.installment);
    }
    let reps: Vec<&str> = rows
        .iter()
        .map(|i| ds.reps[i.rep as usize].rep_id.as_str())
        .collect();
    assert!(reps.windows(2).all(|w| w[0] <= w[1]), "grouped by rep");
}

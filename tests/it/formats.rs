//! The same ledgers in every format kaohe reads: .xlsx written here, .xls
//! and .ods converted by LibreOffice (committed under tests/fixtures, see
//! tests/fixtures/README.md), a 1904-date-system workbook, CSV in UTF-8 and
//! GBK, and files that must be refused with one clear line.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDate;
use kaohe::input::aliases::ColumnAliases;
use kaohe::input::dataset::{self, Dataset, Problem};
use kaohe::input::parse::date::Stamp;
use rust_decimal::Decimal;

use crate::common::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(dir: &Path) -> Dataset {
    dataset::load(dir, &ColumnAliases::default()).unwrap()
}

/// The small company every format fixture holds (see `write_format_source`).
fn sheets() -> Vec<Sheet<'static>> {
    let mut customers = sheet(
        "客户",
        vec![
            vec![S("2026年3月 客户信息台账"), E, E, E],
            vec![S("客户编号"), S("客户名称"), S("商务专员"), S("创建时间")],
            vec![S("KH001"), S("甲公司"), S("S001"), T("2026-03-02 09:05:00")],
            vec![S("KH002"), S("乙公司"), S("李四"), CnDate(46086.0)],
            vec![S("合计"), E, E, E],
        ],
    );
    customers.merges.push((0, 0, 0, 3));
    vec![
        sheet(
            "人员",
            vec![
                vec![S("工号"), S("姓名"), S("岗位"), S("入职日期")],
                vec![S("S001"), S("张三"), S("商务专员-B2B"), D("2025-01-10")],
                vec![S("S002"), S("李四"), S("商务专员-B2C"), S("2025年6月1日")],
            ],
        ),
        customers,
        sheet(
            "跟进",
            vec![
                vec![S("跟进时间"), S("商务专员"), S("客户编号"), S("跟进方式")],
                vec![T("2026-03-02 10:30:00"), S("S001"), S("KH001"), S("电话")],
                vec![S("2026/3/6"), S("S002"), S("KH002"), S("微信")],
            ],
        ),
        sheet(
            "回款",
            vec![
                vec![
                    S("合同编号"),
                    S("期次"),
                    S("客户编号"),
                    S("商务专员"),
                    S("签约日期"),
                    S("合同金额"),
                    S("应回款金额"),
                    S("应回款日期"),
                    S("实际回款金额"),
                    S("实际回款日期"),
                ],
                vec![
                    S("HT001"),
                    N(1.0),
                    S("KH001"),
                    S("S001"),
                    D("2026-03-10"),
                    N(100000.1),
                    N(50000.05),
                    D("2026-03-15"),
                    S("￥50,000.05"),
                    D("2026-03-14"),
                ],
                vec![
                    S("HT001"),
                    N(2.0),
                    S("KH001"),
                    S("S001"),
                    D("2026-03-10"),
                    N(100000.1),
                    N(50000.05),
                    D("2026-04-15"),
                    E,
                    E,
                ],
            ],
        ),
    ]
}

/// What every format must read from those sheets.
fn assert_company(ds: &Dataset, what: &str) {
    assert!(ds.problems.is_empty(), "{what}: {:?}", ds.problems);
    assert!(ds.issues.is_empty(), "{what}: {:?}", ds.issues);
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let reps: Vec<(&str, NaiveDate)> = ds
        .reps
        .iter()
        .map(|r| (r.rep_id.as_str(), r.hire_date))
        .collect();
    assert_eq!(
        reps,
        [("S001", day(2025, 1, 10)), ("S002", day(2025, 6, 1))],
        "{what}"
    );
    let leads: Vec<Stamp> = ds.customers.iter().map(|c| c.facts().lead_time).collect();
    assert_eq!(
        leads,
        [
            Stamp::DateTime(day(2026, 3, 2).and_hms_opt(9, 5, 0).unwrap()),
            Stamp::Date(day(2026, 3, 5))
        ],
        "{what}"
    );
    assert_eq!(ds.customers[1].facts().owner, 1, "{what}: rep by name");
    let times: Vec<Stamp> = ds.followups.iter().map(|f| f.time).collect();
    assert_eq!(
        times,
        [
            Stamp::DateTime(day(2026, 3, 2).and_hms_opt(10, 30, 0).unwrap()),
            Stamp::Date(day(2026, 3, 6))
        ],
        "{what}"
    );
    assert_eq!(ds.contracts.len(), 1, "{what}");
    assert_eq!(
        ds.contracts[0].amount,
        Decimal::from_str("100000.10").unwrap(),
        "{what}: exact money"
    );
    let paid: Vec<Option<Decimal>> = ds.installments.iter().map(|i| i.amount_paid).collect();
    assert_eq!(
        paid,
        [Some(Decimal::from_str("50000.05").unwrap()), None],
        "{what}"
    );
    let customers = ds.sheets.iter().find(|s| &*s.name == "客户").unwrap();
    assert_eq!(
        (
            customers.stats.data_rows,
            customers.stats.used,
            customers.stats.totals
        ),
        (3, 2, 1),
        "{what}"
    );
}

/// Regenerates the xlsx the committed .xls/.ods fixtures were converted from.
#[test]
#[ignore = "writes tests/fixtures/format-source.xlsx; see tests/fixtures/README.md"]
fn write_format_source() {
    write_xlsx(&fixtures().join("format-source.xlsx"), &sheets());
}

#[test]
fn xlsx_written_here() {
    let tmp = tempfile::tempdir().unwrap();
    write_xlsx(&tmp.path().join("台账.xlsx"), &sheets());
    assert_company(&load(tmp.path()), "xlsx");
}

#[test]
fn xls_and_ods_from_libreoffice() {
    for name in ["format-source.xls", "format-source.ods"] {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::copy(fixtures().join(name), tmp.path().join(name)).unwrap();
        assert_company(&load(tmp.path()), name);
    }
}

#[test]
fn content_decides_not_the_extension() {
    // An .xls that is really an xlsx, and an .xlsx that is really an xls.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::copy(
        fixtures().join("format-source.xls"),
        tmp.path().join("really-xls.xlsx"),
    )
    .unwrap();
    assert_company(&load(tmp.path()), "xls named .xlsx");
}

#[test]
fn workbook_in_the_1904_date_system() {
    // rust_xlsxwriter writes the 1900 system; switch the workbook to 1904
    // and write the serials of that system (2026-03-05 = 44624).
    let tmp = tempfile::tempdir().unwrap();
    let plain = tmp.path().join("plain.xlsx");
    let rows = vec![
        vec![
            S("工号"),
            S("姓名"),
            S("岗位"),
            S("入职日期"),
            S("离职日期"),
        ],
        vec![
            S("S001"),
            S("张三"),
            S("商务专员-B2B"),
            CnDate(44624.0),
            N(44625.0),
        ],
    ];
    write_xlsx(&plain, &[sheet("人员", rows)]);
    let bytes = set_1904(&std::fs::read(&plain).unwrap());
    std::fs::remove_file(&plain).unwrap();
    std::fs::write(tmp.path().join("1904.xlsx"), bytes).unwrap();
    let ds = load(tmp.path());
    assert!(ds.issues.is_empty(), "{:?}", ds.issues);
    assert_eq!(
        ds.reps[0].hire_date,
        NaiveDate::from_ymd_opt(2026, 3, 5).unwrap()
    );
    assert_eq!(ds.reps[0].leave_date, NaiveDate::from_ymd_opt(2026, 3, 6));
}

fn set_1904(xlsx: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap();
            assert!(text.contains("<workbookPr"), "{text}");
            data = text
                .replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1)
                .into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn csv_in_utf8_and_gbk() {
    let roster = "工号,姓名,岗位,入职日期\nS001,张三,商务专员-B2B,2025-01-10\nS002,\"李四\",商务专员-B2C,2025/6/1\n";
    let customers =
        "客户编号,客户名称,商务专员,创建时间\nKH001,\"甲公司,北京\",S001,2026-03-02 09:05\n";
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("人员.csv"), format!("\u{feff}{roster}")).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(customers);
    assert!(!unmappable);
    std::fs::write(tmp.path().join("客户.csv"), &gbk).unwrap();
    let ds = load(tmp.path());
    assert!(ds.issues.is_empty(), "{:?}", ds.issues);
    assert_eq!(
        ds.reps.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["张三", "李四"]
    );
    assert_eq!(&*ds.customers[0].facts().customer_name, "甲公司,北京");
    assert_eq!(ds.customers[0].facts().owner, 0);
}

#[test]
fn refused_files_are_one_line_each_and_the_rest_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    write_xlsx(&tmp.path().join("a-good.xlsx"), &sheets());
    let good = std::fs::read(tmp.path().join("a-good.xlsx")).unwrap();
    std::fs::write(
        tmp.path().join("b-truncated.xlsx"),
        &good[..good.len() - 200],
    )
    .unwrap();
    std::fs::write(tmp.path().join("c-text.xlsx"), "工号,姓名\n").unwrap();
    std::fs::write(
        tmp.path().join("d-web.xls"),
        "<html><body><table><tr><td>工号</td></tr></table></body></html>",
    )
    .unwrap();
    std::fs::write(tmp.path().join("e-empty.xlsx"), "").unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "not a ledger").unwrap();
    std::fs::write(tmp.path().join("~$a-good.xlsx"), "excel lock file").unwrap();
    let ds = load(tmp.path());
    let refused: Vec<(String, String)> = ds
        .problems
        .iter()
        .map(|p| match p {
            Problem::Unreadable(e) => (e.file.to_string(), e.message.clone()),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    let files: Vec<&str> = refused.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        [
            "b-truncated.xlsx",
            "c-text.xlsx",
            "d-web.xls",
            "e-empty.xlsx"
        ]
    );
    for (file, msg) in &refused {
        assert!(!msg.contains('\n'), "{file}: {msg}");
    }
    assert!(refused[0].1.contains("损坏"), "{}", refused[0].1);
    assert!(refused[1].1.contains("不是电子表格"), "{}", refused[1].1);
    assert!(refused[2].1.contains("HTML"), "{}", refused[2].1);
    assert!(refused[3].1.contains("空"), "{}", refused[3].1);
    assert_eq!(
        ds.ignored.iter().map(|s| &**s).collect::<Vec<_>>(),
        // Excel's owner file is listed, so that the run warns of it.
        ["notes.txt", "~$a-good.xlsx"]
    );
    assert_company(
        &Dataset {
            problems: vec![],
            ..ds
        },
        "good file beside broken ones",
    );
}

//! Files from real producers (LibreOffice, openpyxl, pandas, an encrypting
//! tool; see tests/fixtures/README.md) and broken or hostile files: each
//! hostile one is one line naming the file and the reason, within bounded
//! memory and time, and the rest of the batch is read.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveDate;
use kaohe::input::aliases::ColumnAliases;
use kaohe::input::dataset::{self, Dataset, Problem};
use kaohe::input::issues::Level;
use kaohe::input::parse::date::Stamp;
use kaohe::input::read::Limits;
use rust_decimal::Decimal;

use crate::common::*;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn load(dir: &Path) -> Dataset {
    dataset::load(dir, &ColumnAliases::default()).unwrap()
}

fn load_limited(dir: &Path, limits: &Limits) -> Dataset {
    dataset::load_with(dir, &ColumnAliases::default(), limits).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// The refusals of a dataset: (file, message), checked to be one line each.
fn refused(ds: &Dataset) -> Vec<(String, String)> {
    ds.problems
        .iter()
        .filter_map(|p| match p {
            Problem::Unreadable(e) => {
                assert!(!e.message.contains('\n'), "{}: {}", e.file, e.message);
                assert_eq!(
                    e.message.matches(" / ").count(),
                    1,
                    "bilingual: {}",
                    e.message
                );
                Some((e.file.to_string(), e.message.clone()))
            }
            _ => None,
        })
        .collect()
}

fn copy(from: &Path, to_dir: &Path, name: &str) {
    std::fs::create_dir_all(to_dir).unwrap();
    std::fs::copy(from, to_dir.join(name)).unwrap();
}

/// The typed records of a dataset (with the rows they came from).
fn records(ds: &Dataset) -> String {
    format!(
        "{:#?}\n{:#?}\n{:#?}\n{:#?}",
        ds.reps, ds.targets, ds.installments, ds.calendar_days
    )
}

#[test]
fn libreoffice_copies_of_the_samples_read_the_same_as_the_originals() {
    let names = ["人员与目标_2026-01", "回款台账_2026-01", "工作日历_2026"];
    let orig = tempfile::tempdir().unwrap();
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ledgers/2026-01");
    for n in names {
        copy(
            &samples.join(format!("{n}.xlsx")),
            orig.path(),
            &format!("{n}.xlsx"),
        );
    }
    let want = load(orig.path());
    assert!(want.installments.len() > 20 && want.reps.len() > 10);
    assert!(!want.calendar_days.is_empty());
    for ext in ["xls", "ods", "xlsx"] {
        let tmp = tempfile::tempdir().unwrap();
        for n in names {
            let file = format!("{n}.{ext}");
            copy(
                &fixtures().join("libreoffice/samples").join(ext).join(&file),
                tmp.path(),
                &file,
            );
        }
        let got = load(tmp.path());
        assert_eq!(records(&got), records(&want), "LibreOffice {ext}");
        let issues = |ds: &Dataset| -> Vec<String> {
            ds.issues
                .iter()
                .map(|i| format!("{:?} {} {:?} {:?}", i.level, i.pos.row, i.pos.col, i.reason))
                .collect()
        };
        assert_eq!(issues(&got), issues(&want), "LibreOffice {ext}");
    }
}

#[test]
fn libreoffice_copies_of_the_templates_are_recognised_with_no_data_rows() {
    for ext in ["xls", "ods"] {
        let ds = load(&fixtures().join("libreoffice/templates").join(ext));
        assert!(ds.problems.is_empty(), "{ext}: {:?}", ds.problems);
        assert!(ds.issues.is_empty(), "{ext}: {:?}", ds.issues);
        let mut kinds: Vec<_> = ds
            .sheets
            .iter()
            .map(|s| {
                s.kind()
                    .unwrap_or_else(|| panic!("{ext}/{}: {:?}", s.name, s.status))
            })
            .collect();
        kinds.sort();
        assert_eq!(kinds, kaohe::input::columns::Kind::ALL, "{ext}");
        for s in &ds.sheets {
            assert_eq!(s.stats.data_rows, 0, "{ext}/{}", s.name);
        }
    }
}

#[test]
fn openpyxl_hidden_sheet_hidden_rows_merged_header_error_cells_formatted_tail() {
    let tmp = tempfile::tempdir().unwrap();
    copy(
        &fixtures().join("producers/openpyxl-ledgers.xlsx"),
        tmp.path(),
        "openpyxl-ledgers.xlsx",
    );
    let ds = load(tmp.path());
    // The roster is on a hidden sheet: read, and marked hidden.
    let roster = ds.sheets.iter().find(|s| &*s.name == "人员").unwrap();
    assert!(roster.hidden);
    let reps: Vec<(&str, NaiveDate)> = ds
        .reps
        .iter()
        .map(|r| (r.rep_id.as_str(), r.hire_date))
        .collect();
    assert_eq!(
        reps,
        [("S001", day(2025, 1, 10)), ("S002", day(2025, 6, 1))]
    );
    assert_eq!(ds.reps[0].bonus_base, Some(dec("8000")));
    assert_eq!(ds.reps[1].bonus_base, None, "#N/A counts as empty");
    // Customers: the title merged across the header is passed over, the
    // header cell merged over B:C names column B; KH002 sits on a hidden row
    // and is read; KH003's 创建时间 is #DIV/0!: left out with an error.
    let ids: Vec<&str> = ds
        .customers
        .iter()
        .map(|c| c.customer_id.as_ref())
        .collect();
    assert_eq!(ids, ["KH001", "KH002", "KH004"]);
    assert_eq!(&*ds.customers[1].facts().customer_name, "乙公司");
    assert_eq!(
        ds.customers[0].facts().lead_time,
        Stamp::DateTime(day(2026, 3, 2).and_hms_opt(9, 5, 0).unwrap())
    );
    let cust = ds.sheets.iter().find(|s| &*s.name == "客户").unwrap();
    // Five thousand formatted but empty rows at the end are not data.
    assert_eq!(
        (cust.stats.data_rows, cust.stats.used, cust.stats.errors),
        (4, 3, 1)
    );
    let by_raw = |raw: &str| -> Vec<(Level, u32, String)> {
        ds.issues
            .iter()
            .filter(|i| i.raw == raw)
            .map(|i| (i.level, i.pos.row, i.header.clone()))
            .collect()
    };
    assert_eq!(
        by_raw("#DIV/0!"),
        [(Level::Error, 5, "创建时间".to_string())]
    );
    assert_eq!(
        by_raw("#N/A"),
        [
            (Level::Warning, 3, "绩效奖金基数".to_string()),
            (Level::Warning, 4, "客户层级".to_string())
        ]
    );
}

#[test]
fn openpyxl_workbook_in_the_1904_date_system() {
    let tmp = tempfile::tempdir().unwrap();
    copy(
        &fixtures().join("producers/openpyxl-1904.xlsx"),
        tmp.path(),
        "1904.xlsx",
    );
    let ds = load(tmp.path());
    assert!(ds.issues.is_empty(), "{:?}", ds.issues);
    assert_eq!(ds.reps[0].hire_date, day(2026, 3, 5));
    assert_eq!(ds.reps[0].leave_date, Some(day(2026, 3, 6)));
}

#[test]
fn pandas_excel_and_csv_exports_in_utf8_and_gbk_read_alike() {
    let mut seen = Vec::new();
    for file in [
        "pandas-followups.xlsx",
        "pandas-followups-utf8.csv",
        "pandas-followups-gbk.csv",
    ] {
        let tmp = tempfile::tempdir().unwrap();
        Ledgers::new()
            .rep("S001", "张三", "商务专员-B2B", "2025-01-10")
            .rep("S002", "李四", "商务专员-B2C", "2025-06-01")
            .write(&tmp.path().join("a-人员.xlsx"));
        copy(
            &fixtures().join("producers").join(file),
            tmp.path(),
            &format!("b-{file}"),
        );
        let ds = load(tmp.path());
        assert!(
            ds.problems
                .iter()
                .all(|p| matches!(p, Problem::MissingKind(_))),
            "{file}: {:?}",
            ds.problems
        );
        let rows: Vec<String> = ds
            .followups
            .iter()
            .map(|f| {
                format!(
                    "{} {} {} {:?} {:?}",
                    f.time, f.rep, f.customer_id, f.method, f.notes
                )
            })
            .collect();
        // The third row has no 跟进时间 (pandas writes NaT as empty).
        let errors: Vec<(u32, String)> = ds
            .issues
            .iter()
            .filter(|i| i.level == Level::Error)
            .map(|i| (i.pos.row, i.header.clone()))
            .collect();
        assert_eq!(errors, [(4, "跟进时间".to_string())], "{file}");
        seen.push((file, rows));
    }
    assert_eq!(seen[0].1.len(), 2, "{:?}", seen[0]);
    assert!(seen[0].1[1].contains("再看看"), "{:?}", seen[0]);
    for (file, rows) in &seen[1..] {
        assert_eq!(rows, &seen[0].1, "{file} reads as the xlsx does");
    }
}

#[test]
fn shared_formulas_read_their_cached_results() {
    let tmp = tempfile::tempdir().unwrap();
    one_rep(&tmp.path().join("a-人员.xlsx"));
    copy(
        &fixtures().join("producers/shared-formulas.xlsx"),
        tmp.path(),
        "b-回款.xlsx",
    );
    let ds = load(tmp.path());
    let due: Vec<Decimal> = ds.installments.iter().map(|i| i.amount_due).collect();
    assert_eq!(due, [dec("50000.05"), dec("40000"), dec("30000")]);
    // A formula whose cached result is #DIV/0! in an optional column: a
    // warning, the row kept.
    let warn: Vec<(Level, u32, &str)> = ds
        .issues
        .iter()
        .filter(|i| i.raw == "#DIV/0!")
        .map(|i| (i.level, i.pos.row, i.header.as_str()))
        .collect();
    assert_eq!(warn, [(Level::Warning, 4, "实际回款金额")]);
}

/// A small valid workbook's bytes with one part replaced (or added).
fn with_part(xlsx: &[u8], part: &str, content: &[u8], method: zip::CompressionMethod) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default().compression_method(method);
    let mut replaced = false;
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part {
            data = content.to_vec();
            replaced = true;
        }
        out.start_file(name, opts).unwrap();
        out.write_all(&data).unwrap();
    }
    if !replaced {
        out.start_file(part, opts).unwrap();
        out.write_all(content).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A roster workbook of one rep, S001 张三, at `path`.
fn one_rep(path: &Path) {
    Ledgers::new()
        .rep("S001", "张三", "商务专员-B2B", "2025-01-10")
        .write(path);
}

fn roster_xlsx(dir: &Path) -> Vec<u8> {
    let p = dir.join("roster-source.xlsx");
    one_rep(&p);
    let b = std::fs::read(&p).unwrap();
    std::fs::remove_file(p).unwrap();
    b
}

const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

fn sheet_xml(rows: &str) -> Vec<u8> {
    format!("{SHEET_HEAD}{rows}{SHEET_TAIL}").into_bytes()
}

/// Patch the uncompressed-size fields of every entry's local and central
/// headers to claim `size` bytes: the zip lies about what it holds.
fn lie_about_sizes(zip: &mut [u8], size: u32) {
    let mut i = 0;
    while i + 46 <= zip.len() {
        match &zip[i..i + 4] {
            b"PK\x03\x04" => {
                zip[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                i += 30;
            }
            b"PK\x01\x02" => {
                zip[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                i += 46;
            }
            _ => i += 1,
        }
    }
}

#[test]
fn decompression_bomb_is_refused_even_when_its_headers_lie() {
    let tmp = tempfile::tempdir().unwrap();
    let good = roster_xlsx(tmp.path());
    // 8 MB of white space inside the worksheet compresses to a few KB.
    let mut rows =
        String::from(r#"<row r="1"><c r="A1" t="inlineStr"><is><t>工号</t></is></c></row>"#);
    rows.push_str(&" ".repeat(8 << 20));
    let bomb = with_part(
        &good,
        "xl/worksheets/sheet1.xml",
        &sheet_xml(&rows),
        zip::CompressionMethod::Deflated,
    );
    assert!(bomb.len() < 100_000, "{}", bomb.len());
    let mut lying = bomb.clone();
    lie_about_sizes(&mut lying, 100);
    std::fs::write(tmp.path().join("a-bomb.xlsx"), &bomb).unwrap();
    std::fs::write(tmp.path().join("b-lying-bomb.xlsx"), &lying).unwrap();
    std::fs::write(tmp.path().join("c-good.xlsx"), &good).unwrap();
    let limits = Limits {
        unpacked_bytes: 4 << 20,
        ..Limits::default()
    };
    let ds = load_limited(tmp.path(), &limits);
    let r = refused(&ds);
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0].0, "a-bomb.xlsx");
    assert!(r[0].1.contains("more than 4 MB"), "{}", r[0].1);
    assert!(r[0].1.contains("--limit unpacked-mb=8"), "{}", r[0].1);
    assert_eq!(r[1].0, "b-lying-bomb.xlsx");
    // The rest of the batch is read.
    assert_eq!(ds.reps.len(), 1);
    // Raised, the honest one reads.
    let raised = Limits {
        unpacked_bytes: 64 << 20,
        ..Limits::default()
    };
    let ds = load_limited(tmp.path(), &raised);
    let r = refused(&ds);
    assert!(r.iter().all(|(f, _)| f != "a-bomb.xlsx"), "{r:?}");
}

#[test]
fn sheets_spanning_huge_ranges_are_refused_before_calamine_lays_them_out() {
    let tmp = tempfile::tempdir().unwrap();
    let good = roster_xlsx(tmp.path());
    let cell = |r: &str, v: &str| format!(r#"<c r="{r}" t="inlineStr"><is><t>{v}</t></is></c>"#);
    // Two cells at opposite corners of Excel's grid: 17 billion cells.
    let corners = sheet_xml(&format!(
        r#"<row r="1">{}</row><row r="1048576">{}</row>"#,
        cell("A1", "工号"),
        cell("XFD1048576", "x")
    ));
    // The same, rows stored bottom row first: not streamed but laid out
    // whole, so its part is inspected first.
    let unordered = sheet_xml(&format!(
        r#"<row r="1048576">{}</row><row r="1">{}</row>"#,
        cell("XFD1048576", "x"),
        cell("A1", "工号")
    ));
    // A column beyond Excel's last (XFD).
    let beyond = sheet_xml(&format!(
        r#"<row r="2">{}{}</row>"#,
        cell("A2", "工号"),
        cell("ZZZZ2", "x")
    ));
    // Only a claimed dimension, with two real cells: read normally.
    let claim = format!(
        r#"{}<dimension ref="A1:XFD1048576"/><sheetData><row r="1">{}{}{}{}</row><row r="2">{}{}{}{}</row></sheetData></worksheet>"#,
        SHEET_HEAD.trim_end_matches("<sheetData>"),
        cell("A1", "工号"),
        cell("B1", "姓名"),
        cell("C1", "岗位"),
        cell("D1", "入职日期"),
        cell("A2", "S009"),
        cell("B2", "王五"),
        cell("C2", "商务专员-B2B"),
        cell("D2", "2025-01-10"),
    );
    for (name, xml) in [
        ("a-corners.xlsx", corners),
        ("b-beyond.xlsx", beyond),
        ("c-claim.xlsx", claim.into_bytes()),
        ("d-unordered.xlsx", unordered),
    ] {
        let bytes = with_part(
            &good,
            "xl/worksheets/sheet1.xml",
            &xml,
            zip::CompressionMethod::Deflated,
        );
        std::fs::write(tmp.path().join(name), bytes).unwrap();
    }
    let started = std::time::Instant::now();
    let ds = load(tmp.path());
    assert!(started.elapsed().as_secs() < 20);
    let r = refused(&ds);
    let files: Vec<&str> = r.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        files,
        ["a-corners.xlsx", "b-beyond.xlsx", "d-unordered.xlsx"]
    );
    for i in [0, 2] {
        assert!(r[i].1.contains("1048576 rows"), "{}", r[i].1);
        assert!(r[i].1.contains("--limit cells="), "{}", r[i].1);
    }
    assert!(r[1].1.contains("beyond Excel's grid"), "{}", r[1].1);
    assert_eq!(
        ds.reps
            .iter()
            .map(|r| r.rep_id.as_str())
            .collect::<Vec<_>>(),
        ["S009"]
    );
}

#[test]
fn rows_and_cell_length_limits_name_the_sheet_and_how_to_raise_them() {
    let tmp = tempfile::tempdir().unwrap();
    let ids: Vec<String> = (1..=6).map(|i| format!("S{i:03}")).collect();
    let mut roster = Ledgers::new();
    for id in &ids {
        roster.rep(id, "张三", "商务专员-B2B", "2025-01-10");
    }
    roster.write(&tmp.path().join("a-人员.xlsx"));
    // Longer than Excel allows in a cell (32 767): only a CSV can hold it.
    let long = "长".repeat(40_000);
    std::fs::write(
        tmp.path().join("b-客户.csv"),
        format!("客户编号,客户名称,商务专员,创建时间\nKH001,{long},S001,2026-03-02\n"),
    )
    .unwrap();
    let ds = load(tmp.path());
    let r = refused(&ds);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].0, "b-客户.csv");
    assert!(
        r[0].1
            .contains("cell B2 holds 40000 characters, more than the limit 32767"),
        "{}",
        r[0].1
    );
    assert!(r[0].1.contains("--limit cell-chars=65534"), "{}", r[0].1);
    assert_eq!(ds.reps.len(), 6);

    let limits = Limits::from_settings(&["rows=5", "cell-chars=50000"]).unwrap();
    let ds = load_limited(tmp.path(), &limits);
    let r = refused(&ds);
    assert_eq!(r.len(), 1, "{r:?}");
    assert_eq!(r[0].0, "a-人员.xlsx");
    assert!(
        r[0].1
            .contains("sheet '人员' has 7 rows, more than the limit 5"),
        "{}",
        r[0].1
    );
    assert!(r[0].1.contains("工作表“人员”有 7 行"), "{}", r[0].1);
    assert_eq!(
        ds.customers.len(),
        0,
        "no roster: the customer's rep is unknown"
    );
    assert_eq!(ds.sheets.iter().filter(|s| s.kind().is_some()).count(), 1);

    let limits = Limits {
        file_bytes: 1000,
        ..Limits::default()
    };
    let ds = load_limited(tmp.path(), &limits);
    let r = refused(&ds);
    assert_eq!(r.len(), 2, "{r:?}");
    for (_, m) in &r {
        assert!(m.contains("the file is too large"), "{m}");
        assert!(
            m.contains("limit 0 MB); to read it anyway use --limit file-mb=1"),
            "{m}"
        );
    }
}

#[test]
fn deeply_nested_and_enormous_shared_strings() {
    let tmp = tempfile::tempdir().unwrap();
    let good = roster_xlsx(tmp.path());
    let sst_of = |items: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{items}</sst>"#
        )
        .into_bytes()
    };
    let deep = format!(
        "<si>{}<t>工号</t>{}</si>",
        "<r>".repeat(200_000),
        "</r>".repeat(200_000)
    );
    let huge = format!("<si><t>{}</t></si>", "x".repeat(5 << 20));
    std::fs::write(
        tmp.path().join("a-deep.xlsx"),
        with_part(
            &good,
            "xl/sharedStrings.xml",
            &sst_of(&deep),
            zip::CompressionMethod::Deflated,
        ),
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("b-huge.xlsx"),
        with_part(
            &good,
            "xl/sharedStrings.xml",
            &sst_of(&huge),
            zip::CompressionMethod::Deflated,
        ),
    )
    .unwrap();
    // Every outcome is fine except a panic, a crash or a multi-line message.
    let ds = load(tmp.path());
    let _ = refused(&ds);
    assert_eq!(ds.files.len(), 2);
    // Where the strings are used in a sheet, the cell-length limit holds.
    let sheet = sheet_xml(r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let both = with_part(
        &with_part(
            &good,
            "xl/sharedStrings.xml",
            &sst_of(&huge),
            zip::CompressionMethod::Deflated,
        ),
        "xl/worksheets/sheet1.xml",
        &sheet,
        zip::CompressionMethod::Deflated,
    );
    let dir = tmp.path().join("used");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("c.xlsx"), both).unwrap();
    let r = refused(&load(&dir));
    assert_eq!(r.len(), 1, "{r:?}");
    assert!(
        r[0].1.contains("cell A1 holds 5242880 characters"),
        "{}",
        r[0].1
    );
}

#[test]
fn encrypted_workbook_from_a_real_tool_is_refused_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    copy(
        &fixtures().join("producers/encrypted.xlsx"),
        tmp.path(),
        "encrypted.xlsx",
    );
    let r = refused(&load(tmp.path()));
    assert_eq!(r.len(), 1);
    assert!(r[0].1.contains("password-protected"), "{}", r[0].1);
}

#[test]
fn a_file_that_disappears_before_it_is_read() {
    let tmp = tempfile::tempdir().unwrap();
    one_rep(&tmp.path().join("a-人员.xlsx"));
    // Listed (a link), gone by the time it is opened.
    #[cfg(unix)]
    std::os::unix::fs::symlink(tmp.path().join("gone.xlsx"), tmp.path().join("b-gone.xlsx"))
        .unwrap();
    #[cfg(unix)]
    {
        let ds = load(tmp.path());
        let r = refused(&ds);
        assert_eq!(r.len(), 1, "{r:?}");
        assert_eq!(r[0].0, "b-gone.xlsx");
        assert!(r[0].1.contains("disappeared"), "{}", r[0].1);
        assert_eq!(ds.reps.len(), 1);
    }
}

/// SPEC 9 with an unreadable file in the batch: `run` reports it in one
/// line, computes from the other files and exits 3; under `--strict` it
/// stops before computing; `check` lists it and exits 3.
#[test]
fn an_unreadable_file_is_one_line_and_the_run_goes_on_then_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    crate::cli::clean_ledgers(&ledgers);
    std::fs::write(ledgers.join("2026-03/坏.xlsx"), b"PK\x03\x04garbage").unwrap();
    let scheme = tmp.path().join("s.toml");
    std::fs::write(&scheme, "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"B2B\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ code = \"followups\", weight = 100, pass = 1, excellent = 3 }]\n").unwrap();
    let (l, s) = (ledgers.to_str().unwrap(), scheme.to_str().unwrap());
    let out = tmp.path().join("out");
    let o = kaohe(&["run", l, "--scheme", s, "--out", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(3), "{err}");
    let lines: Vec<&str> = err.lines().filter(|l| l.contains("坏.xlsx")).collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(
        lines[0].contains("无法读取") && lines[0].contains("压缩包结构损坏"),
        "{err}"
    );
    assert!(!lines[0].contains(" / "), "one language: {err}");
    assert!(err.contains("1 个文件无法读取"), "{err}");
    assert!(
        out.join("2026-03/results.csv").is_file(),
        "computed from the rest"
    );
    assert!(!err.contains("panicked"));

    let strict = tmp.path().join("strict");
    let o = kaohe(&[
        "run",
        l,
        "--scheme",
        s,
        "--out",
        strict.to_str().unwrap(),
        "--strict",
        "--lang",
        "en",
    ]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stdout).contains("坏.xlsx: the file is damaged"));
    assert!(!strict.exists(), "--strict stops before computing");

    let issues = tmp.path().join("i.xlsx");
    let o = kaohe(&["check", l, "--out", issues.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(issues.is_file());
}

#[test]
fn limits_on_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    crate::cli::clean_ledgers(&ledgers);
    let l = ledgers.to_str().unwrap();
    let issues = tmp.path().join("i.xlsx");
    let i = issues.to_str().unwrap();
    assert_eq!(kaohe(&["check", l, "--out", i]).status.code(), Some(0));
    // The roster sheet has 2 rows: refused at rows=1, read when raised.
    let o = kaohe(&["check", l, "--out", i, "--limit", "rows=1"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(3), "{stdout}");
    assert!(
        stdout
            .contains("台账.xlsx: 工作表“人员”有 2 行，超过上限 1；如确需读取请用 --limit rows=2"),
        "{stdout}"
    );
    let o = kaohe(&[
        "check",
        l,
        "--out",
        i,
        "--limit",
        "rows=1",
        "--limit",
        "rows=2,cells=1000",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    for bad in ["rows=abc", "lines=5", "rows"] {
        let o = kaohe(&["check", l, "--out", i, "--limit", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--limit"),
            "{bad}"
        );
    }
}

/// Every input the fuzz targets found crashing (tests/fixtures/
/// fuzz-regressions/<target>/, named after the fuzzer's artifact), run as
/// the target runs it but through the production path: a value or one
/// line, never a panic or a crash. The first byte picks the file name (or
/// the date system), as in fuzz/fuzz_targets/.
#[test]
fn fuzz_regressions_read_without_panic() {
    let dir = fixtures().join("fuzz-regressions");
    let matcher = kaohe::input::validate::HeaderMatcher::new(&ColumnAliases::default());
    let inputs = |target: &str| -> Vec<(PathBuf, Vec<u8>)> {
        std::fs::read_dir(dir.join(target))
            .unwrap()
            .map(|e| {
                let p = e.unwrap().path();
                let b = std::fs::read(&p).unwrap();
                (p, b)
            })
            .collect()
    };
    let ledger = inputs("ledger");
    for (path, data) in &ledger {
        let Some((&pick, bytes)) = data.split_first() else {
            continue;
        };
        let name = if pick & 1 == 1 { "f.csv" } else { "f.xlsx" };
        let rel: std::sync::Arc<str> = name.into();
        let mut sheets = Vec::new();
        let r = kaohe::input::read::read_bytes_guarded(
            bytes.to_vec(),
            &rel,
            Path::new(name),
            &Limits::default(),
            &mut |raw| {
                sheets.push(kaohe::input::validate::read_sheet(
                    raw, &rel, None, &matcher,
                ))
            },
        );
        if let Err(e) = r {
            assert!(
                !e.message.contains('\n'),
                "{}: {}",
                path.display(),
                e.message
            );
            assert_eq!(
                e.message.matches(" / ").count(),
                1,
                "{}: {}",
                path.display(),
                e.message
            );
        }
    }
    let cells = inputs("cells");
    for (_, data) in &cells {
        let Some((&pick, rest)) = data.split_first() else {
            continue;
        };
        let is_1904 = pick & 1 == 1;
        let text = String::from_utf8_lossy(rest).to_string();
        let mut values = vec![calamine::Data::String(text)];
        if rest.len() >= 8 {
            let f = f64::from_le_bytes(rest[..8].try_into().unwrap());
            values.push(calamine::Data::Float(f));
            values.push(calamine::Data::DateTime(calamine::ExcelDateTime::new(
                f,
                calamine::ExcelDateTimeType::DateTime,
                is_1904,
            )));
        }
        for d in &values {
            let _ = kaohe::input::parse::cell::stamp(d, is_1904);
            let _ = kaohe::input::parse::cell::raw_text(d);
            let _ = kaohe::input::parse::cell::money(d, Decimal::ONE);
            let _ = kaohe::input::parse::cell::money(d, Decimal::from(10_000));
            let _ = kaohe::input::parse::cell::period(d, is_1904);
        }
    }
    assert!(!ledger.is_empty() && !cells.is_empty());
}

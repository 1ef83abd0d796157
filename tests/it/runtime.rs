//! Every period from the ledgers as they stand at run time (SPEC 3.8,
//! SPEC 4): one dataset of every file; rows count for a period by their own
//! dates; a later snapshot's customer facts reach earlier periods, a
//! customer's state is taken by as-of month; incremental runs rewrite only
//! periods whose results changed.
//!
//! Every number is worked out by hand in the comments. The scheme scores
//! three indicators, each linear with pass 0.8 and excellent 1 (a value of
//! 1 scores 100, 0 scores 0), grace 7 days:
//! collection_rate 40, first_followup_24h 30, customer_coverage 30.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Reader};
use kaohe::cli::run::{run_batch, Fate, Options};
use kaohe::compute::assess::Selection;
use kaohe::period::{Period, YearMonth};
use kaohe::Lang;

use crate::common::*;

const SCHEME: &str = r#"
name = "测试方案"
version = "t1"

[defaults]
grace_days = 7

[[profiles]]
name = "商务专员"
roles = ["商务专员-B2B"]
indicators = [
  { code = "collection_rate", weight = 40, pass = 0.8, excellent = 1 },
  { code = "first_followup_24h", weight = 30, pass = 0.8, excellent = 1 },
  { code = "customer_coverage", weight = 30, pass = 0.8, excellent = 1 },
]
"#;

/// A ledger folder with the roster (undated, at the top) and the scheme.
fn folder() -> Folder {
    let f = Folder::new(SCHEME);
    Ledgers::new()
        .rep("S001", "张三", "商务专员-B2B", "2025-01-01")
        .rep("S002", "李四", "商务专员-B2B", "2025-01-01")
        .write(&f.ledgers.join("人员表.xlsx"));
    f
}

/// A customer row: id, owner, lead time.
type Cust<'a> = (&'a str, &'a str, &'a str);
/// A follow-up row: time, rep, customer.
type Fu<'a> = (&'a str, &'a str, &'a str);
/// A payment row: contract, rep, sign date, amount due, due date, paid
/// amount and date (`None`: unpaid).
type Pay<'a> = (
    &'a str,
    &'a str,
    &'a str,
    f64,
    &'a str,
    Option<(f64, &'a str)>,
);

/// One month's workbook `YYYY-MM/台账_YYYY-MM.xlsx`: a customer snapshot,
/// follow-ups and payment rows (every contract of customer KH1, one
/// installment each, contract amount = amount due).
fn month(dir: &Path, ym: &str, customers: &[Cust], followups: &[Fu], payments: &[Pay]) {
    let mut book = Ledgers::new();
    book.keep("客户", &[])
        .keep("跟进", &[])
        .keep("回款", &["实际回款金额", "实际回款日期"]);
    for &(id, owner, lead) in customers {
        book.customer(id, "某公司", owner, lead);
    }
    for &(time, rep, c) in followups {
        book.followup(time, rep, c, "");
    }
    for &(id, rep, signed, due_amount, due, paid) in payments {
        book.payment(id, "KH1", rep, signed, due_amount, due);
        if let Some((amount, date)) = paid {
            book.paid(amount, date);
        }
    }
    book.write(&dir.join(format!("{ym}/台账_{ym}.xlsx")));
}

fn month_of(ym: &str) -> Period {
    let (y, m) = ym.split_once('-').unwrap();
    Period::Month(YearMonth {
        year: y.parse().unwrap(),
        month: m.parse().unwrap(),
    })
}

/// From a period's results.csv: column `col` of an indicator's row for a
/// rep.
fn field(out: &Path, period: &str, rep: &str, code: &str, col: usize) -> String {
    let text = std::fs::read_to_string(out.join(period).join("results.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    for row in rdr.records() {
        let row = row.unwrap();
        if &row[1] == rep && &row[8] == code {
            return row[col].to_string();
        }
    }
    panic!("no {code} for {rep} in {period}:\n{text}");
}

/// The 实际值 (value) of an indicator for a rep (empty when N/A).
fn value(out: &Path, period: &str, rep: &str, code: &str) -> String {
    field(out, period, rep, code, 15)
}

/// The N/A reason of an indicator for a rep.
fn na_reason(out: &Path, period: &str, rep: &str, code: &str) -> String {
    field(out, period, rep, code, 17)
}

/// Installment HT1 of S001: signed 2026-01-05, 10 000 due 2026-01-30,
/// unpaid in January's export; February's export shows it paid on `paid`.
/// January's collection_rate = counted ÷ due, counted when paid on or
/// before 2026-01-30 + 7 days = 2026-02-06.
fn grace_case(paid: &str) -> (Folder, String) {
    let f = folder();
    let kh1 = [("KH1", "S001", "2025-12-01")];
    month(
        &f.ledgers,
        "2026-01",
        &kh1,
        &[],
        &[("HT1", "S001", "2026-01-05", 10000.0, "2026-01-30", None)],
    );
    month(
        &f.ledgers,
        "2026-02",
        &kh1,
        &[],
        &[(
            "HT1",
            "S001",
            "2026-01-05",
            10000.0,
            "2026-01-30",
            Some((10000.0, paid)),
        )],
    );
    let fates = run(&f.options(Selection::One(month_of("2026-01"))));
    assert_eq!(fates["2026-01"], Fate::New);
    let v = value(&f.out, "2026-01", "S001", "collection_rate");
    (f, v)
}

#[test]
fn a_payment_in_next_months_export_within_grace_counts_for_its_due_month() {
    // Paid 2026-02-03 ≤ 2026-02-06: counted 10 000 ÷ 10 000 = 1.
    let (_f, v) = grace_case("2026-02-03");
    assert_eq!(v, "1");
}

#[test]
fn a_payment_after_the_grace_days_does_not_count() {
    // Paid 2026-02-10 > 2026-02-06: counted 0 ÷ 10 000 = 0.
    let (_f, v) = grace_case("2026-02-10");
    assert_eq!(v, "0");
}

#[test]
fn a_lead_time_corrected_in_a_later_snapshot_reaches_january() {
    let f = folder();
    // KH2 (S001): lead 2026-01-10 09:00 in January's snapshot; S001 first
    // follows it up 2026-01-12 10:00, 49 h later: not timely → 0 ÷ 1 = 0.
    let fu = [("2026-01-12 10:00:00", "S001", "KH2")];
    month(
        &f.ledgers,
        "2026-01",
        &[("KH2", "S001", "2026-01-10 09:00:00")],
        &fu,
        &[],
    );
    let o = f.options(Selection::MonthsWithData);
    run(&o);
    assert_eq!(value(&f.out, "2026-01", "S001", "first_followup_24h"), "0");
    // March's snapshot corrects the lead to 2026-01-11 11:00: the same
    // follow-up is 23 h later, timely → 1 ÷ 1 = 1 (SPEC 3.8: facts come from
    // the latest snapshot). January is recomputed.
    month(
        &f.ledgers,
        "2026-03",
        &[("KH2", "S001", "2026-01-11 11:00:00")],
        &[],
        &[],
    );
    let fates = run(&o);
    assert_eq!(
        fates["2026-01"],
        Fate::Recomputed { reps: 1, grades: 1 },
        "{fates:?}"
    );
    assert_eq!(value(&f.out, "2026-01", "S001", "first_followup_24h"), "1");
}

#[test]
fn a_customer_reassigned_in_march_stays_with_its_old_owner_before() {
    let f = folder();
    // KH1 has a contract from 2025 (so it is an active customer); S001 owns
    // it in January's and February's snapshots, S002 from March's on.
    // customer_coverage uses the owner on the period's first day.
    let old = (
        "HT0",
        "S001",
        "2025-06-01",
        5000.0,
        "2025-06-30",
        Some((5000.0, "2025-06-30")),
    );
    // Each month, the owner follows KH1 up on the 20th.
    for (ym, owner, followed) in [
        ("2026-01", "S001", "2026-01-20"),
        ("2026-02", "S001", "2026-02-20"),
        ("2026-03", "S002", "2026-03-20"),
    ] {
        let kh1 = [("KH1", owner, "2025-05-01")];
        month(&f.ledgers, ym, &kh1, &[(followed, owner, "KH1")], &[old]);
    }
    run(&f.options(Selection::MonthsWithData));
    // January and February: S001 owns KH1 and followed it up → 1 ÷ 1 = 1;
    // S002 has no active customer → N/A.
    for ym in ["2026-01", "2026-02"] {
        assert_eq!(value(&f.out, ym, "S001", "customer_coverage"), "1", "{ym}");
        assert_eq!(value(&f.out, ym, "S002", "customer_coverage"), "", "{ym}");
        assert!(!na_reason(&f.out, ym, "S002", "customer_coverage").is_empty());
    }
    // March: S002 owns it and followed it up → 1; S001 has none → N/A.
    assert_eq!(value(&f.out, "2026-03", "S002", "customer_coverage"), "1");
    assert_eq!(value(&f.out, "2026-03", "S001", "customer_coverage"), "");
}

/// Every file below `dir` with its bytes and modification time.
fn stamped(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    files(dir)
        .into_iter()
        .map(|(p, b)| {
            let t = std::fs::metadata(dir.join(&p)).unwrap().modified().unwrap();
            (p, (b, t))
        })
        .collect()
}

/// The 结果变化 rows of a summary's 变更 sheet: `工号|姓名|指标|项目|原值|新值`.
fn change_rows(summary: &Path) -> Vec<String> {
    let mut wb = open_workbook_auto(summary).unwrap();
    let range = wb.worksheet_range("变更").unwrap();
    let rows: Vec<String> = range
        .rows()
        .map(|r| {
            r.iter()
                .take(6)
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    let head = rows
        .iter()
        .position(|r| r.starts_with("工号|姓名|指标"))
        .unwrap();
    rows[head + 1..]
        .iter()
        .filter(|r| !r.is_empty() && !r.starts_with("没有结果变化") && *r != "|||||")
        .take_while(|r| !r.starts_with("文件|"))
        .cloned()
        .collect()
}

#[test]
fn incremental_runs_rewrite_only_the_periods_whose_results_changed() {
    let f = folder();
    let kh1 = [("KH1", "S001", "2025-12-01")];
    // October: HT10 (S001) 10 000 due 2026-10-20, paid 2026-10-20.
    // November: HT11 (S001) 10 000 due 2026-11-28, unpaid at November's end.
    let ht10 = (
        "HT10",
        "S001",
        "2026-10-01",
        10000.0,
        "2026-10-20",
        Some((10000.0, "2026-10-20")),
    );
    let ht11 = ("HT11", "S001", "2026-11-01", 10000.0, "2026-11-28", None);
    month(&f.ledgers, "2026-10", &kh1, &[], &[ht10]);
    month(&f.ledgers, "2026-11", &kh1, &[], &[ht10, ht11]);
    let o = f.options(Selection::MonthsWithData);
    // Into an empty folder: each period's digest is taken as its workbooks
    // are built. The later runs take it before deciding, and find it equal
    // (the Skipped below).
    let first = run_batch(&o).unwrap();
    assert_eq!(first.periods.len(), 2);
    // November's grace window (2026-11-28 + 7 = 2026-12-05) is open at the
    // ledgers' as-of date 2026-11-30: the run says so.
    assert_eq!(first.open_grace, [(month_of("2026-11"), 1)]);
    // November: 0 ÷ 10 000 = 0.
    assert_eq!(value(&f.out, "2026-11", "S001", "collection_rate"), "0");
    let before = stamped(&f.out);
    std::thread::sleep(std::time::Duration::from_millis(20));

    // A December export that touches nothing earlier (the same rows again,
    // HT11 still unpaid, and a December contract): no earlier file is
    // rewritten, not even touched.
    let ht12 = ("HT12", "S001", "2026-12-01", 10000.0, "2026-12-15", None);
    month(&f.ledgers, "2026-12", &kh1, &[], &[ht10, ht11, ht12]);
    let fates = run(&o);
    assert_eq!(fates["2026-10"], Fate::Skipped);
    assert_eq!(fates["2026-11"], Fate::Skipped);
    assert_eq!(fates["2026-12"], Fate::New);
    let after = stamped(&f.out);
    for (p, v) in &before {
        if p.starts_with("2026-10") || p.starts_with("2026-11") {
            assert_eq!(after.get(p), Some(v), "{} was rewritten", p.display());
        }
    }

    // December's export now shows HT11 paid on 2026-12-03 ≤ 2026-12-05.
    // November, S001: collection_rate 0 → 1 (score 0 → 100);
    // first_followup_24h N/A (no lead in November); customer_coverage: KH1
    // (first contract 2026-10-01, owner S001) not followed up → 0 ÷ 1 = 0,
    // score 0. W = 40 + 30 = 70: total 0 → round2(40·100/70) = 57.14, D
    // both times. November is rewritten; its 变更 sheet names the rep and
    // the file that brought the change.
    let paid11 = (
        "HT11",
        "S001",
        "2026-11-01",
        10000.0,
        "2026-11-28",
        Some((10000.0, "2026-12-03")),
    );
    month(&f.ledgers, "2026-12", &kh1, &[], &[ht10, paid11, ht12]);
    let fates = run(&o);
    assert_eq!(fates["2026-10"], Fate::Skipped);
    assert_eq!(fates["2026-11"], Fate::Recomputed { reps: 1, grades: 0 });
    assert_eq!(value(&f.out, "2026-11", "S001", "collection_rate"), "1");
    let summary = f.out.join("2026-11/团队汇总_2026-11.xlsx");
    assert_eq!(
        change_rows(&summary),
        [
            "S001|张三|回款率|实际值|0%|100%",
            "S001|张三|回款率|得分|0|100",
            "S001|张三||总分|0|57.14",
        ]
    );
    let mut wb = open_workbook_auto(&summary).unwrap();
    let changes = wb.worksheet_range("变更").unwrap();
    let text: Vec<String> = changes.rows().map(|r| r[0].to_string()).collect();
    assert!(
        text.iter().any(|t| t == "2026-12/台账_2026-12.xlsx"),
        "{text:?}"
    );

    // November is issued (mailed); December's export changes again (HT11
    // paid 2026-12-10, after the grace days): the issued files stay, the
    // recomputation goes to 2026-11/draft/.
    let nov = f.out.join("2026-11");
    kaohe_ok(&["issue", nov.to_str().unwrap()]);
    let issued = files(&nov);
    let late11 = (
        "HT11",
        "S001",
        "2026-11-01",
        10000.0,
        "2026-11-28",
        Some((10000.0, "2026-12-10")),
    );
    month(&f.ledgers, "2026-12", &kh1, &[], &[ht10, late11, ht12]);
    let fates = run(&o);
    assert_eq!(fates["2026-10"], Fate::Skipped);
    assert!(
        fates["2026-11"] == Fate::Draft { reps: 1, grades: 0 },
        "{fates:?}"
    );
    let untouched: BTreeMap<_, _> = files(&nov)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("draft"))
        .collect();
    assert_eq!(untouched, issued, "issued files never change silently");
    // Against the issued result: 100% → 0%, score 100 → 0, total 57.14 → 0.
    assert_eq!(
        change_rows(&nov.join("draft/团队汇总_2026-11.xlsx")),
        [
            "S001|张三|回款率|实际值|100%|0%",
            "S001|张三|回款率|得分|100|0",
            "S001|张三||总分|57.14|0",
        ]
    );
}

#[test]
fn folder_order_warnings_name_the_files() {
    let f = folder();
    let kh1 = [("KH1", "S001", "2025-12-01")];
    month(&f.ledgers, "2026-01", &kh1, &[], &[]);
    // February's folder holds January's roster copy (its name says 2026-01).
    let roster = std::fs::read(f.ledgers.join("人员表.xlsx")).unwrap();
    std::fs::create_dir_all(f.ledgers.join("2026-02")).unwrap();
    std::fs::write(f.ledgers.join("2026-02/人员表_2026-01.xlsx"), &roster).unwrap();
    let ds = kaohe::input::dataset::load(&f.ledgers, &Default::default()).unwrap();
    let warnings = kaohe::input::dataset::folder_warnings(&ds, Lang::Zh);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].starts_with(
            "2026-02/人员表_2026-01.xlsx：文件名中的月份 2026-01 与所在文件夹的月份 2026-02 不一致"
        ),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with("以下文件内容完全相同：2026-02/人员表_2026-01.xlsx、人员表.xlsx。"),
        "{warnings:?}"
    );
    // `kaohe run` and `kaohe check` print both.
    let (l, s, o) = (
        f.ledgers.to_str().unwrap(),
        f.scheme.to_str().unwrap(),
        f.out.to_str().unwrap(),
    );
    for cmd in [
        &["run", l, "--scheme", s, "--out", o][..],
        &["check", l][..],
    ] {
        let out = kaohe(cmd);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            text.contains("与所在文件夹的月份 2026-02 不一致"),
            "{cmd:?}: {text}"
        );
        assert!(text.contains("以下文件内容完全相同"), "{cmd:?}: {text}");
    }
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

#[test]
fn the_samples_monthly_sales_add_up_to_the_year() {
    // Signed sales count by sign date from one dataset, so the twelve
    // months partition the year: Σ over reps and months = the year's Σ.
    let scheme = kaohe::scheme::Scheme::load(&samples().join("考核方案.toml")).unwrap();
    let ds = kaohe::input::dataset::load(&samples().join("ledgers"), &scheme.columns).unwrap();
    let ix = kaohe::compute::Index::new(&ds);
    let spec = scheme
        .versions
        .iter()
        .flat_map(|v| &v.profiles)
        .flat_map(|p| p.indicators(kaohe::scheme::Variant::Regular).0)
        // sales_achievement's actual value is the rep's sales in 元.
        .find(|s| s.code == "sales_achievement")
        .expect("the sample scheme scores sales")
        .clone();
    let sales = |p: Period| -> rust_decimal::Decimal {
        let px = kaohe::compute::PeriodIx::new(&ds, p);
        let cx = kaohe::compute::Ctx {
            ds: &ds,
            ix: &ix,
            px: &px,
            defaults: &scheme.defaults,
        };
        (0..ds.reps.len() as u32)
            .map(|r| {
                kaohe::compute::eval::evaluate(&cx, r, &spec)
                    .actual
                    .unwrap_or_default()
            })
            .sum()
    };
    let months: rust_decimal::Decimal = (1..=12)
        .map(|m| {
            sales(Period::Month(YearMonth {
                year: 2026,
                month: m,
            }))
        })
        .sum();
    let year = sales(Period::Year(2026));
    assert!(year > rust_decimal::Decimal::ZERO);
    assert_eq!(months, year);
}

#[test]
fn a_year_runs_months_equal_single_period_runs_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let o = |sel, out: &str| {
        batch_options(
            &samples().join("ledgers"),
            &samples().join("考核方案.toml"),
            &tmp.path().join(out),
            sel,
        )
    };
    run(&o(Selection::Year(2026), "year"));
    for ym in ["2026-01", "2026-06", "2026-11"] {
        run(&o(Selection::One(month_of(ym)), ym));
        let single = files(&tmp.path().join(ym).join(ym));
        let in_year = files(&tmp.path().join("year").join(ym));
        assert!(single.len() > 20, "{ym}: {} files", single.len());
        assert_eq!(
            single.keys().collect::<Vec<_>>(),
            in_year.keys().collect::<Vec<_>>()
        );
        for (p, b) in &single {
            assert!(in_year[p] == *b, "{ym}/{} differs", p.display());
        }
    }
}

/// The files named on a summary's 数据问题 sheet (column C), one per issue.
fn issue_files(summary: &Path) -> Vec<String> {
    let mut wb = open_workbook_auto(summary).unwrap();
    let range = wb.worksheet_range("数据问题").unwrap();
    range
        .rows()
        .skip(1)
        .map(|r| r[2].to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

#[test]
fn a_new_months_bad_cells_stay_in_that_month() {
    let f = folder();
    let kh1 = [("KH1", "S001", "2025-12-01")];
    month(
        &f.ledgers,
        "2026-01",
        &kh1,
        &[("2026-01-10", "S001", "KH1")],
        &[],
    );
    let o = f.options(Selection::MonthsWithData);
    run(&o);
    // February's export holds a follow-up whose rep is unknown (an error:
    // the row is left out) dated in February, and a customer row whose lead
    // time cannot be read (an error on a row with no readable date: it
    // bears on the file's month, February).
    month(
        &f.ledgers,
        "2026-02",
        &[("KH1", "S001", "2025-12-01"), ("KH9", "S001", "待定")],
        &[("2026-02-10", "S999", "KH1"), ("2026-02-12", "S001", "KH1")],
        &[],
    );
    let fates = run(&o);
    assert_eq!(fates["2026-01"], Fate::Skipped, "{fates:?}");
    assert_eq!(fates["2026-02"], Fate::New);
    let feb = issue_files(&f.out.join("2026-02/团队汇总_2026-02.xlsx"));
    assert_eq!(
        feb,
        ["2026-02/台账_2026-02.xlsx", "2026-02/台账_2026-02.xlsx"],
        "{feb:?}"
    );
    assert!(issue_files(&f.out.join("2026-01/团队汇总_2026-01.xlsx")).is_empty());
    // A one-period run counts that period's issues only.
    let one = |ym: &str| Options {
        force: true,
        ..f.options(Selection::One(month_of(ym)))
    };
    assert_eq!(run_batch(&one("2026-01")).unwrap().issues, (0, 0, 0));
    assert_eq!(run_batch(&one("2026-02")).unwrap().issues, (2, 0, 0));
}

/// Nothing changed → near instant: a rerun on the same ledgers, scheme,
/// version and language hashes the files and parses none of them (no
/// "读取台账" progress line), says every period is unchanged and touches
/// no output. A changed file sends the next run down the full path again.
#[test]
fn an_unchanged_rerun_parses_no_ledger() {
    let f = folder();
    let kh1 = [("KH1", "S001", "2025-12-01")];
    let ht10 = ("HT10", "S001", "2026-10-01", 10000.0, "2026-10-20", None);
    month(&f.ledgers, "2026-10", &kh1, &[], &[ht10]);
    let args = |f: &Folder| {
        vec![
            "run".to_string(),
            f.ledgers.display().to_string(),
            "--scheme".to_string(),
            f.scheme.display().to_string(),
            "--out".to_string(),
            f.out.display().to_string(),
        ]
    };
    let go = |f: &Folder| {
        let a = args(f);
        let out = kaohe_ok(&a.iter().map(String::as_str).collect::<Vec<_>>());
        (
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (said, progress) = go(&f);
    assert!(said.contains("2026-10: 已计算"), "{said}");
    assert!(progress.contains("读取台账"), "{progress}");
    // The outputs (not the lock file, which each run takes anew).
    let outputs = |f: &Folder| {
        let mut m = stamped(&f.out);
        m.retain(|p, _| !p.to_string_lossy().starts_with('.'));
        m
    };
    let before = outputs(&f);

    let (said, progress) = go(&f);
    assert!(said.contains("2026-10: 未变化，跳过"), "{said}");
    assert!(!progress.contains("读取台账"), "{progress}");
    // No grade counts of zero, as if every rep had lost their grade.
    assert!(
        said.contains("考核：各期间结果均未变化，已写出的考核表不变"),
        "{said}"
    );
    assert!(!said.contains("等级："), "{said}");
    assert_eq!(outputs(&f), before);

    // A changed ledger: read and computed again (the result is new).
    let paid = (
        "HT10",
        "S001",
        "2026-10-01",
        10000.0,
        "2026-10-20",
        Some((10000.0, "2026-10-20")),
    );
    month(&f.ledgers, "2026-10", &kh1, &[], &[paid]);
    let (said, progress) = go(&f);
    assert!(progress.contains("读取台账"), "{progress}");
    assert!(said.contains("2026-10: 已重新计算"), "{said}");
    // The roster is read again, October's changed workbook too: nothing
    // was read back, so nothing is said about it.
    assert!(!said.contains("沿用上次的读取结果"), "{said}");

    // A second month dropped in: October's workbook is read back, and the
    // summary says so.
    let ht11 = ("HT11", "S001", "2026-11-01", 10000.0, "2026-11-28", None);
    month(&f.ledgers, "2026-11", &kh1, &[], &[paid, ht11]);
    let (said, _) = go(&f);
    assert!(
        said.contains("台账：3 个文件，其中 1 个与上次相同，直接沿用上次的读取结果（加 --force 则全部重新读取）"),
        "{said}"
    );
}

/// The kept parses of an output folder: entry file names.
fn kept_entries(out: &Path) -> Vec<PathBuf> {
    let dir = out.join(".kaohe-cache");
    if !dir.is_dir() {
        return Vec::new();
    }
    walk(&dir)
}

#[test]
fn unchanged_ledger_files_are_read_back_not_parsed_with_the_same_results() {
    let f = Folder::new(SCHEME);
    // The roster with a file password: a roster is never kept.
    Ledgers::new()
        .rep("S001", "张三", "商务专员-B2B", "2025-01-01")
        .with("文件密码", C::S("pw-Roster-7731"))
        .write(&f.ledgers.join("人员表.xlsx"));
    // Each run is made twice: into f.out, which keeps its parses, and into
    // `plain`, whose kept parses are removed before each run (so it parses
    // every file). Every output must be the same.
    let plain = f.tmp.path().join("plain");
    let outputs = |out: &Path| {
        let mut m = files(out);
        m.retain(|p, _| !p.to_string_lossy().starts_with('.'));
        m
    };
    let both = |o: &Options| {
        let _ = std::fs::remove_dir_all(plain.join(".kaohe-cache"));
        let p = run_batch(&Options {
            out: plain.clone(),
            ..o.clone()
        })
        .unwrap();
        assert_eq!(p.files_reused, 0);
        let r = run_batch(o).unwrap();
        assert_eq!(r.exit, 0);
        assert_eq!(r.periods, p.periods);
        let (ours, theirs) = (outputs(&f.out), outputs(&plain));
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>()
        );
        for (p, bytes) in &ours {
            assert!(theirs[p] == *bytes, "{} differs", p.display());
        }
        r
    };
    let kh1 = [("KH1", "S001", "2025-12-01")];
    let ht10 = ("HT10", "S001", "2026-10-01", 10000.0, "2026-10-20", None);
    let ht11 = ("HT11", "S001", "2026-11-01", 10000.0, "2026-11-28", None);
    month(&f.ledgers, "2026-10", &kh1, &[], &[ht10]);
    month(&f.ledgers, "2026-11", &kh1, &[], &[ht10, ht11]);
    let o = f.options(Selection::MonthsWithData);
    assert_eq!(both(&o).files_reused, 0);
    // The two month workbooks are kept, the roster is not: no entry holds
    // its password.
    let kept = kept_entries(&f.out);
    assert_eq!(kept.len(), 2, "{kept:?}");
    for e in &kept {
        let bytes = std::fs::read(e).unwrap();
        assert!(!bytes.windows(14).any(|w| w == b"pw-Roster-7731"));
    }

    // December dropped in: October's and November's workbooks are read
    // back, December's parsed; the roster is parsed every time.
    let ht12 = ("HT12", "S001", "2026-12-01", 10000.0, "2026-12-15", None);
    month(&f.ledgers, "2026-12", &kh1, &[], &[ht10, ht11, ht12]);
    let r = both(&o);
    assert_eq!(r.files_reused, 2);
    let fates = fates(&r);
    assert_eq!(fates["2026-10"], Fate::Skipped);
    assert_eq!(fates["2026-11"], Fate::Skipped);
    assert_eq!(fates["2026-12"], Fate::New);
    assert_eq!(kept_entries(&f.out).len(), 3);

    // December's export changed (HT11 paid 2026-12-03, within November's
    // grace to 2026-12-05): November's collection rate 0 → 1, from the two
    // unchanged workbooks read back and the changed one parsed.
    let paid11 = (
        "HT11",
        "S001",
        "2026-11-01",
        10000.0,
        "2026-11-28",
        Some((10000.0, "2026-12-03")),
    );
    month(&f.ledgers, "2026-12", &kh1, &[], &[ht10, paid11, ht12]);
    let r = both(&o);
    assert_eq!(r.files_reused, 2);
    assert_eq!(value(&f.out, "2026-11", "S001", "collection_rate"), "1");
    // December's old entry is gone with the bytes it was parsed from.
    assert_eq!(kept_entries(&f.out).len(), 3);

    // A damaged entry is parsed again and kept anew. (November's file is
    // written again, so the run reads.)
    let entries = kept_entries(&f.out);
    for e in &entries {
        std::fs::write(e, b"not an entry").unwrap();
    }
    month(&f.ledgers, "2026-11", &kh1, &[], &[ht10, ht11]);
    let r = both(&o);
    assert_eq!(r.files_reused, 0);
    for e in kept_entries(&f.out) {
        assert_ne!(
            std::fs::read(&e).unwrap(),
            b"not an entry",
            "{}",
            e.display()
        );
    }

    // --force parses every file (and keeps them).
    std::fs::write(f.ledgers.join("2026-12/备注.csv"), "无关\n").unwrap();
    let forced = both(&Options {
        force: true,
        ..o.clone()
    });
    assert_eq!(forced.files_reused, 0);
    // The three month workbooks and the note (a sheet of no ledger kind).
    assert_eq!(kept_entries(&f.out).len(), 4);
}

//! The fictional-company generator: determinism, headers, consistency of the
//! generated ledgers, and splitting of long tables over several sheets.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use kaohe::demo::{generate, DemoOptions, DemoSummary, Scale};
use kaohe::input::columns::{Kind, WordList};
use kaohe::input::parse::words;

fn tiny(reps: usize, months: u32) -> DemoOptions {
    DemoOptions {
        reps,
        months,
        seed: 7,
        ..DemoOptions::new(Scale::Sample)
    }
}

/// Every file under `dir`, as paths relative to it, in byte order.
fn files(dir: &Path) -> Vec<PathBuf> {
    crate::common::files(dir).into_keys().collect()
}

/// A sheet as read back: its name and its rows of cells.
struct Sheet {
    file: PathBuf,
    name: String,
    rows: Vec<Vec<Data>>,
}

fn read_all(dir: &Path) -> Vec<Sheet> {
    let mut out = Vec::new();
    for rel in files(dir) {
        let path = dir.join(&rel);
        let mut wb = open_workbook_auto(&path).unwrap();
        for name in wb.sheet_names().to_vec() {
            let range = wb.worksheet_range(&name).unwrap();
            assert_eq!(range.start(), Some((0, 0)), "{rel:?} {name}");
            let rows = range.rows().map(|r| r.to_vec()).collect();
            out.push(Sheet {
                file: rel.clone(),
                name,
                rows,
            });
        }
    }
    out
}

/// The kind of a sheet, from its name (`跟进记录`, `跟进记录2` …).
fn kind_of(sheet: &str) -> Kind {
    Kind::ALL
        .into_iter()
        .find(|k| sheet.starts_with(k.zh()))
        .unwrap_or_else(|| panic!("unexpected sheet {sheet}"))
}

/// Header row index and the data rows as maps header → cell.
fn table(sheet: &Sheet) -> Vec<BTreeMap<&'static str, Data>> {
    let kind = kind_of(&sheet.name);
    let expected: Vec<&str> = kind.columns().iter().map(|c| c.zh).collect();
    let h = if kind == Kind::Customers { 1 } else { 0 };
    let header: Vec<String> = sheet.rows[h].iter().map(|c| c.to_string()).collect();
    assert_eq!(header, expected, "{:?} {}", sheet.file, sheet.name);
    if kind == Kind::Customers {
        let title = sheet.rows[0][0].to_string();
        assert!(title.ends_with("客户信息台账"), "{title}");
    }
    sheet.rows[h + 1..]
        .iter()
        .map(|r| {
            kind.columns()
                .iter()
                .zip(r.iter())
                .map(|(c, v)| (c.zh, v.clone()))
                .collect()
        })
        .collect()
}

fn text(row: &BTreeMap<&str, Data>, col: &str) -> String {
    match &row[col] {
        Data::String(s) => s.clone(),
        Data::Empty => String::new(),
        other => panic!("{col}: expected text, got {other:?}"),
    }
}

fn datetime(row: &BTreeMap<&str, Data>, col: &str) -> Option<NaiveDateTime> {
    match &row[col] {
        Data::DateTime(d) => Some(d.as_datetime().expect("valid date")),
        Data::Empty => None,
        other => panic!("{col}: expected a date cell, got {other:?}"),
    }
}

fn date(row: &BTreeMap<&str, Data>, col: &str) -> Option<NaiveDate> {
    datetime(row, col).map(|t| {
        assert_eq!(t.time(), chrono::NaiveTime::MIN, "{col} is date-only");
        t.date()
    })
}

/// Money as cents; the cell must hold an exact 2-decimal value.
fn cents(row: &BTreeMap<&str, Data>, col: &str) -> Option<i64> {
    match &row[col] {
        Data::Float(x) => {
            let c = (x * 100.0).round();
            assert_eq!(
                format!("{}", c / 100.0),
                format!("{x}"),
                "{col} keeps 2 decimals"
            );
            Some(c as i64)
        }
        Data::Empty => None,
        other => panic!("{col}: expected money, got {other:?}"),
    }
}

fn number(row: &BTreeMap<&str, Data>, col: &str) -> Option<f64> {
    match &row[col] {
        Data::Float(x) => Some(*x),
        Data::Int(x) => Some(*x as f64),
        Data::Empty => None,
        other => panic!("{col}: expected a number, got {other:?}"),
    }
}

fn word(list: WordList, row: &BTreeMap<&str, Data>, col: &str) {
    let t = text(row, col);
    assert!(words::lookup(list, &t).is_some(), "{col} = {t}");
}

/// The month of a `YYYY-MM` folder.
fn folder_month(file: &Path) -> (i32, u32) {
    let folder = file
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy()
        .into_owned();
    (folder[..4].parse().unwrap(), folder[5..7].parse().unwrap())
}

#[test]
fn two_runs_give_identical_files() {
    let opts = tiny(6, 2);
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let sa = generate(a.path(), &opts).unwrap();
    // A single worker thread must not change a byte either.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let sb = pool.install(|| generate(b.path(), &opts)).unwrap();
    assert_eq!(
        sa,
        DemoSummary {
            folders: sa.folders.clone(),
            ..sb.clone()
        }
    );
    let fa = files(a.path());
    assert_eq!(fa, files(b.path()));
    assert_eq!(fa.len(), sa.files);
    assert!(fa.contains(&PathBuf::from("2026-01/工作日历_2026.xlsx")));
    for f in &fa {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f:?} differs between runs");
    }
    // Another seed gives another company.
    let c = tempfile::tempdir().unwrap();
    generate(c.path(), &DemoOptions { seed: 8, ..opts }).unwrap();
    let f = "2026-01/跟进记录_2026-01.xlsx";
    assert_ne!(
        std::fs::read(a.path().join(f)).unwrap(),
        std::fs::read(c.path().join(f)).unwrap()
    );
}

#[test]
fn generated_ledgers_are_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let opts = tiny(8, 8);
    let summary = generate(dir.path(), &opts).unwrap();
    let sheets = read_all(dir.path());
    let window_end = NaiveDate::from_ymd_opt(2026, 8, 31).unwrap();

    // Folder layout: one folder per month, the expected files in each.
    for m in 1..=8 {
        let ym = format!("2026-{m:02}");
        for stem in ["人员与目标", "客户台账", "跟进记录", "回款台账", "评分表"]
        {
            assert!(
                dir.path()
                    .join(&ym)
                    .join(format!("{stem}_{ym}.xlsx"))
                    .is_file(),
                "{stem} {ym}"
            );
        }
    }

    // Roster of the last month: ids unique, names resolvable.
    let mut roster = BTreeMap::new();
    let mut name_count: BTreeMap<String, usize> = BTreeMap::new();
    let mut rows_by_kind: BTreeMap<Kind, u64> = BTreeMap::new();
    let mut roster_sizes = Vec::new();
    for s in &sheets {
        let t = table(s);
        *rows_by_kind.entry(kind_of(&s.name)).or_default() += t.len() as u64;
        if kind_of(&s.name) == Kind::Roster {
            roster_sizes.push(t.len());
            if s.file.starts_with("2026-08") {
                for r in &t {
                    assert!(
                        roster.insert(text(r, "工号"), r.clone()).is_none(),
                        "unique 工号"
                    );
                    *name_count.entry(text(r, "姓名")).or_default() += 1;
                }
            }
        }
    }
    for k in Kind::ALL {
        assert_eq!(
            rows_by_kind.get(&k).copied().unwrap_or(0),
            summary.rows(k),
            "{k:?}"
        );
    }
    assert_eq!(roster.len(), summary.reps);
    assert!(
        roster_sizes.windows(2).all(|w| w[0] <= w[1]),
        "the roster only grows: {roster_sizes:?}"
    );
    let hires: Vec<_> = roster
        .values()
        .filter(|r| date(r, "入职日期").unwrap().year() == 2026)
        .collect();
    let leavers: Vec<_> = roster
        .values()
        .filter(|r| date(r, "离职日期").is_some())
        .collect();
    assert!(!hires.is_empty() && !leavers.is_empty());
    let leads: BTreeSet<String> = roster
        .values()
        .filter(|r| text(r, "岗位") == "商务总监")
        .map(|r| text(r, "工号"))
        .collect();
    for r in roster.values() {
        assert!(text(r, "邮箱").ends_with("@example.com"));
        let sup = text(r, "直属领导");
        assert!(sup.is_empty() || leads.contains(&sup), "supervisor {sup}");
        assert!(cents(r, "绩效奖金基数").unwrap() > 0);
    }
    let resolves = |rep: &str| roster.contains_key(rep) || name_count.get(rep) == Some(&1);

    let mut customers_by_month: BTreeMap<(i32, u32), BTreeSet<String>> = BTreeMap::new();
    let mut contracts: BTreeMap<String, Vec<BTreeMap<&str, Data>>> = BTreeMap::new();
    let mut followups = 0usize;
    for s in &sheets {
        let (y, m) = folder_month(&s.file);
        let start = NaiveDate::from_ymd_opt(y, m, 1).unwrap();
        let end = start
            .checked_add_months(chrono::Months::new(1))
            .unwrap()
            .pred_opt()
            .unwrap();
        let t = table(s);
        match kind_of(&s.name) {
            Kind::Customers => {
                let ids = customers_by_month.entry((y, m)).or_default();
                for r in &t {
                    assert!(ids.insert(text(r, "客户编号")), "unique customer id");
                    assert!(!text(r, "客户名称").is_empty());
                    assert!(resolves(&text(r, "商务专员")));
                    assert!(datetime(r, "创建时间").unwrap().date() <= end);
                    word(WordList::Status, r, "合作状态");
                    assert_eq!(
                        text(r, "合作状态") == "已终止",
                        date(r, "终止日期").is_some()
                    );
                    let referrer = text(r, "转介绍人");
                    assert!(referrer.is_empty() || text(r, "客户来源") == "转介绍");
                }
            }
            Kind::Followups => {
                for r in &t {
                    followups += 1;
                    let time = datetime(r, "跟进时间").unwrap();
                    assert!(
                        time.date() >= start && time.date() <= end,
                        "{time} in {y}-{m}"
                    );
                    assert_eq!(time.second(), 0);
                    assert!(resolves(&text(r, "商务专员")), "{}", text(r, "商务专员"));
                    word(WordList::Method, r, "跟进方式");
                    word(WordList::Stage, r, "客户阶段");
                    assert!(!text(r, "跟进内容").is_empty());
                    if let Some(next) = date(r, "下次跟进时间") {
                        assert!(next >= time.date());
                    }
                }
            }
            Kind::Payments => {
                for r in t {
                    let due = date(&r, "应回款日期").unwrap();
                    assert!(due >= start && due <= end, "due {due} in {y}-{m}");
                    assert!(roster.contains_key(&text(&r, "商务专员")));
                    word(WordList::ContractType, &r, "合同类型");
                    word(WordList::PaymentKind, &r, "款项类型");
                    let submitted = date(&r, "提交审批日期").unwrap();
                    let approved = date(&r, "审批完成日期").unwrap();
                    let sign = date(&r, "签约日期").unwrap();
                    assert!(submitted < approved && approved <= sign);
                    assert!(
                        (approved - submitted).num_days() <= 21,
                        "7 working days at most"
                    );
                    match (cents(&r, "实际回款金额"), date(&r, "实际回款日期")) {
                        (Some(paid), Some(d)) => {
                            assert!(paid > 0 && paid <= cents(&r, "应回款金额").unwrap());
                            assert!(d <= window_end && d >= sign);
                        }
                        (None, None) => {}
                        other => panic!("paid amount and date go together: {other:?}"),
                    }
                    let key = text(&r, "重点项目");
                    assert!(key == "是" || key == "否");
                    contracts.entry(text(&r, "合同编号")).or_default().push(r);
                }
            }
            Kind::Targets => {
                for r in &t {
                    let p = text(r, "期间");
                    assert!(
                        p == format!("{y}-{m:02}")
                            || (m % 3 == 0 && p == format!("{y}-Q{}", m / 3)),
                        "{p}"
                    );
                    assert!(roster.contains_key(&text(r, "工号")));
                    assert!(cents(r, "销售额目标").unwrap() > 0);
                }
            }
            Kind::Scores => {
                for r in &t {
                    let v = number(r, "分值").unwrap();
                    let max = if text(r, "指标") == "协作响应速度" {
                        5.0
                    } else {
                        10.0
                    };
                    assert!((0.0..=max).contains(&v), "{v}");
                    word(WordList::Rater, r, "评分来源");
                }
            }
            Kind::Adjustments => {
                for r in &t {
                    word(WordList::AdjustmentKind, r, "类型");
                    assert!(!text(r, "说明").is_empty() && !text(r, "审批人").is_empty());
                }
            }
            Kind::Calendar => {
                for r in &t {
                    word(WordList::CalendarKind, r, "类型");
                    assert!(date(r, "日期").is_some());
                }
            }
            Kind::Roster => {}
        }
    }

    // Snapshots only grow, and every follow-up's customer exists.
    let sizes: Vec<usize> = customers_by_month.values().map(BTreeSet::len).collect();
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");

    // Contract-level fields agree; installments of this year's contracts sum to the amount.
    let mut complete = 0;
    for (id, rows) in &contracts {
        let first = &rows[0];
        for r in rows {
            for col in ["客户编号", "商务专员", "合同类型", "重点项目"] {
                assert_eq!(text(r, col), text(first, col), "{id} {col}");
            }
            assert_eq!(cents(r, "合同金额"), cents(first, "合同金额"), "{id}");
            assert_eq!(cents(r, "毛利"), cents(first, "毛利"), "{id}");
            assert_eq!(date(r, "签约日期"), date(first, "签约日期"), "{id}");
        }
        let mut inst: Vec<i64> = rows
            .iter()
            .map(|r| number(r, "期次").unwrap() as i64)
            .collect();
        inst.sort();
        if id.starts_with("HT2026-") {
            assert_eq!(inst, (1..=rows.len() as i64).collect::<Vec<_>>(), "{id}");
            let sum: i64 = rows.iter().map(|r| cents(r, "应回款金额").unwrap()).sum();
            assert_eq!(sum, cents(first, "合同金额").unwrap(), "{id}");
            complete += 1;
        } else {
            assert!(id.starts_with("HT2025-"), "{id}");
        }
    }
    assert!(complete > 50, "{complete} contracts");

    // Plausible volumes for 8 reps (+1 hire) over eight months at sample rates.
    let reps = 8.0 * 8.0 / 12.0;
    assert!(
        (reps * 400.0..reps * 900.0).contains(&(followups as f64)),
        "{followups} follow-ups"
    );
    let payments = summary.rows(Kind::Payments) as f64;
    assert!(
        (reps * 100.0..reps * 260.0).contains(&payments),
        "{payments} payment rows"
    );
    let customers = summary.customers as f64;
    assert!(
        (reps * 30.0..reps * 80.0).contains(&customers),
        "{customers} customers"
    );
}

#[test]
fn long_tables_continue_on_new_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let opts = DemoOptions {
        max_rows_per_sheet: 40,
        ..tiny(6, 1)
    };
    let summary = generate(dir.path(), &opts).unwrap();
    let path = dir.path().join("2026-01/跟进记录_2026-01.xlsx");
    let mut wb = open_workbook_auto(&path).unwrap();
    let names = wb.sheet_names().to_vec();
    assert!(names.len() >= 2, "{names:?}");
    assert_eq!(names[0], "跟进记录");
    assert_eq!(names[1], "跟进记录2");
    let mut total = 0;
    for (i, name) in names.iter().enumerate() {
        let range = wb.worksheet_range(name).unwrap();
        let header: Vec<String> = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect();
        let expected: Vec<&str> = Kind::Followups.columns().iter().map(|c| c.zh).collect();
        assert_eq!(header, expected);
        let n = range.height() - 1;
        assert!(
            n <= 40 && (n == 40 || i == names.len() - 1),
            "{name}: {n} rows"
        );
        total += n as u64;
    }
    assert_eq!(total, summary.rows(Kind::Followups));
    // The customer snapshot keeps its title row on every sheet.
    let path = dir.path().join("2026-01/客户台账_2026-01.xlsx");
    let mut wb = open_workbook_auto(&path).unwrap();
    for name in wb.sheet_names().to_vec() {
        let range = wb.worksheet_range(&name).unwrap();
        assert_eq!(
            range.get((0, 0)).unwrap().to_string(),
            "2026年1月 客户信息台账"
        );
        assert_eq!(range.get((1, 0)).unwrap().to_string(), "客户编号");
    }
}

#[test]
fn invalid_options_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    assert!(generate(dir.path(), &tiny(6, 0)).is_err());
    assert!(generate(dir.path(), &tiny(6, 13)).is_err());
    assert!(generate(
        dir.path(),
        &DemoOptions {
            year: 1850,
            ..tiny(6, 1)
        }
    )
    .is_err());
}

/// The generator's sheets stay within the reader's default row limit, header
/// rows included: an xl company (2,000,000 customers a month) is split into
/// sheets kaohe reads without `--limit`.
#[test]
fn generated_sheets_fit_the_default_row_limit() {
    let o = kaohe::demo::DemoOptions::new(kaohe::demo::Scale::Xl);
    let limit = kaohe::input::read::Limits::default().rows;
    // A title or note row and the header row above the data.
    assert!(
        u64::from(o.max_rows_per_sheet) + 2 <= limit,
        "{}",
        o.max_rows_per_sheet
    );
}

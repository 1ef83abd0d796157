//! The `kaohe` binary end to end: exit codes (SPEC 9), the issue workbook
//! read back, scheme aliases, and the ledger folder left untouched.

use std::path::Path;

use calamine::{open_workbook_auto, Reader};

use crate::common::*;

/// One rep with one customer, follow-up and contract in March: no issue at all.
pub fn clean_ledgers(dir: &Path) {
    Ledgers::new()
        .rep("S001", "张三", "商务专员-B2B", "2025-01-10")
        .customer("KH001", "甲公司", "S001", "2026-03-02")
        .followup("2026-03-02", "S001", "KH001", "电话")
        .payment("HT001", "KH001", "S001", "2026-03-10", 1000.0, "2026-03-20")
        .write(&dir.join("2026-03/台账.xlsx"));
}

#[test]
fn check_on_messy_ledgers_lists_everything_and_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    crate::reading::roster(&ledgers);
    crate::reading::messy(&ledgers);
    let before = files(&ledgers);
    let out = tmp.path().join("问题.xlsx");
    let o = kaohe(&[
        "check",
        ledgers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(
        o.status.code(),
        Some(3),
        "unreadable files stop the run:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains("broken.xlsx") && stdout.contains("坏文件.xlsx"),
        "{stdout}"
    );
    assert!(
        stdout.contains("数据问题：错误 4，警告 7，提示 1"),
        "{stdout}"
    );
    assert!(stdout.contains("台账_2026-03.xlsx!客户!C7"), "{stdout}");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("panicked"));
    assert_eq!(
        files(&ledgers),
        before,
        "the ledger folder is never written"
    );

    let mut wb = open_workbook_auto(&out).unwrap();
    let issues = wb.worksheet_range("数据问题").unwrap();
    assert_eq!(issues.height(), 1 + 12);
    let row1: Vec<String> = issues
        .rows()
        .nth(1)
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        row1,
        [
            "错误",
            "客户台账",
            "2026-03/台账_2026-03.xlsx",
            "客户",
            "7",
            "C",
            "商务专员",
            "赵六",
            "人员表中找不到此工号或姓名",
            "2026-03/台账_2026-03.xlsx!客户!C7"
        ]
    );
    let sheets = wb.worksheet_range("文件与工作表").unwrap();
    let text: Vec<String> = sheets
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    assert!(
        text.iter()
            .any(|l| l.starts_with("broken.xlsx|") && l.contains("不是电子表格")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|l| l
                .starts_with("2026-03/台账_2026-03.xlsx|2026-03|客户|客户台账|3|9|3|1|0|1|1|3|")),
        "{text:?}"
    );
}

#[test]
fn exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    clean_ledgers(&ledgers);
    let out = tmp.path().join("issues.xlsx");
    let (l, o) = (ledgers.to_str().unwrap(), out.to_str().unwrap());
    assert_eq!(kaohe(&["check", l, "--out", o]).status.code(), Some(0));
    assert_eq!(
        kaohe(&["check", l, "--out", o, "--strict"]).status.code(),
        Some(0),
        "no issue at all"
    );
    assert_eq!(
        kaohe(&["check", l, "--out", o, "--lang", "en"])
            .status
            .code(),
        Some(0)
    );

    // A warning: --strict makes it exit 1.
    Ledgers::new()
        .followup("2026-04-02", "S001", "KH001", "飞鸽传书")
        .write(&ledgers.join("2026-04/跟进.xlsx"));
    assert_eq!(kaohe(&["check", l, "--out", o]).status.code(), Some(0));
    assert_eq!(
        kaohe(&["check", l, "--out", o, "--strict"]).status.code(),
        Some(1)
    );

    // Usage and configuration errors: 2; nothing written into the ledgers.
    let inside = ledgers.join("问题.xlsx");
    assert_eq!(
        kaohe(&["check", l, "--out", inside.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    assert!(!inside.exists());
    assert_eq!(kaohe(&["check"]).status.code(), Some(2));
    let bad = tmp.path().join("bad.toml");
    std::fs::write(&bad, "[columns]\nnot_a_column = \"x\"\n").unwrap();
    let o2 = kaohe(&["check", l, "--out", o, "--scheme", bad.to_str().unwrap()]);
    assert_eq!(o2.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o2.stderr).contains("not_a_column"));
    // A missing folder is a usage error: 2 (as for run).
    assert_eq!(
        kaohe(&[
            "check",
            tmp.path().join("nope").to_str().unwrap(),
            "--out",
            o
        ])
        .status
        .code(),
        Some(2)
    );
}

#[test]
fn scheme_aliases_name_company_headers() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    clean_ledgers(&ledgers);
    write_xlsx(
        &ledgers.join("2026-04/客户.xlsx"),
        &[sheet(
            "客户",
            vec![
                vec![S("客户代码"), S("客户名称"), S("销售代表"), S("创建时间")],
                vec![S("KH002"), S("乙公司"), S("S001"), D("2026-04-02")],
            ],
        )],
    );
    let out = tmp.path().join("issues.xlsx");
    let (l, o) = (ledgers.to_str().unwrap(), out.to_str().unwrap());
    let without = String::from_utf8_lossy(&kaohe(&["check", l, "--out", o]).stdout).to_string();
    assert!(without.contains("跳过 2026-04/客户.xlsx!客户"), "{without}");
    let scheme = tmp.path().join("方案.toml");
    // A whole scheme (check validates it) with the company's headers.
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/考核方案.toml"),
    )
    .unwrap();
    std::fs::write(
        &scheme,
        format!("{sample}\n[columns]\ncustomer_id = \"客户代码\"\n\"customers.owner\" = [\"销售代表\"]\n"),
    )
    .unwrap();
    let with = String::from_utf8_lossy(
        &kaohe(&["check", l, "--out", o, "--scheme", scheme.to_str().unwrap()]).stdout,
    )
    .to_string();
    assert!(with.contains("跳过 0 个"), "{with}");
    assert!(with.contains("客户台账 2"), "{with}");
}

#[test]
fn years_outside_the_calendar_are_warned() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    clean_ledgers(&ledgers);
    let out = tmp.path().join("issues.xlsx");
    let (l, o) = (ledgers.to_str().unwrap(), out.to_str().unwrap());
    let quiet = String::from_utf8_lossy(&kaohe(&["check", l, "--out", o]).stdout).to_string();
    assert!(!quiet.contains("工作日历不含"), "{quiet}");
    Ledgers::new()
        .followup("2027-01-05", "S001", "KH001", "")
        .write(&ledgers.join("2027-01/跟进.xlsx"));
    let warned = String::from_utf8_lossy(&kaohe(&["check", l, "--out", o]).stdout).to_string();
    assert!(warned.contains("工作日历不含 2027 年"), "{warned}");
    // A company calendar sheet for 2027 covers the year.
    write_xlsx(
        &ledgers.join("工作日历.xlsx"),
        &[sheet(
            "日历",
            vec![vec![S("日期"), S("类型")], vec![D("2027-01-01"), S("休")]],
        )],
    );
    let covered = String::from_utf8_lossy(&kaohe(&["check", l, "--out", o]).stdout).to_string();
    assert!(!covered.contains("工作日历不含"), "{covered}");
}

#[test]
fn run_writes_results_for_every_period_of_the_year() {
    let tmp = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let out = tmp.path().join("out");
    let o = kaohe_ok(&[
        "run",
        root.join("ledgers").to_str().unwrap(),
        "--year",
        "2026",
        "--out",
        out.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("计算 17 个"), "{stdout}");
    let mut folders: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    folders.sort();
    let mut want: Vec<String> = (1..=12)
        .map(|m| format!("2026-{m:02}"))
        .chain((1..=4).map(|q| format!("2026-Q{q}")))
        .chain(["2026".to_string()])
        .collect();
    want.sort();
    assert_eq!(folders, want);
    for f in &folders {
        let text = std::fs::read_to_string(out.join(f).join("results.csv")).unwrap();
        assert!(text.starts_with('\u{feff}'), "{f}: BOM");
        let totals = text.lines().filter(|l| l.contains(",TOTAL,")).count();
        let not_assessed = text
            .lines()
            .filter(|l| l.contains(",NOT_ASSESSED,"))
            .count();
        // One total or not-assessed row per rep of the roster as it stood
        // at the period's end (the year's: all 26).
        let manifest = kaohe::store::read_manifest(&out.join(f)).unwrap();
        assert_eq!(
            totals + not_assessed,
            manifest.reps.len(),
            "{f}: one total or not-assessed row per rep"
        );
        if f == "2026" {
            assert_eq!(manifest.reps.len(), 26);
        }
    }
}

#[test]
fn run_refuses_without_a_usable_scheme() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    clean_ledgers(&ledgers);
    let out = tmp.path().join("out");
    let (l, o) = (ledgers.to_str().unwrap(), out.to_str().unwrap());
    let none = kaohe(&["run", l, "--out", o]);
    assert_eq!(none.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&none.stderr).contains("没有找到考核方案"));
    // A scheme whose weights do not sum to 100, naming the profile and indicator.
    let bad = tmp.path().join("考核方案.toml");
    std::fs::write(&bad, "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"B2B\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ code = \"followups\", weight = 90, pass = 10, excellent = 20 }]\n").unwrap();
    let o2 = kaohe(&["run", l, "--out", o]);
    assert_eq!(o2.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o2.stderr);
    assert!(err.contains("B2B") && err.contains("100"), "{err}");
    // A valid scheme that covers no role of the roster.
    std::fs::write(&bad, "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"B2C\"\nroles = [\"商务专员-B2C\"]\nindicators = [{ code = \"followups\", weight = 100, pass = 10, excellent = 20 }]\n").unwrap();
    let o3 = kaohe(&["run", l, "--out", o]);
    assert_eq!(o3.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o3.stderr).contains("商务专员-B2B"));
    assert!(!out.exists(), "nothing written");
}

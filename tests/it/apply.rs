//! Applying results (SPEC 8): the bonus payout (sheet and payroll CSV),
//! the improvement-plan list with the note on the rep's own form,
//! distribution caps, and `kaohe compare`.
//!
//! Every number is worked out by hand in the comments. Grades are the
//! default bands: S ≥ 90 (1.5), A ≥ 80 (1.2), B ≥ 70 (1.0), C ≥ 60 (0.8),
//! D (0).

use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use kaohe::compute::assess::Selection;
use kaohe::period::Period;

use crate::common::*;

/// 跟进量 alone, linear with pass 10 and excellent 20: a count v scores
/// 6·v below 10, 60 + 4·(v − 10) from 10 to 20, and 100 from 20.
const SCHEME: &str = r#"
name = "测试方案"
version = "t1"

[apply]
improvement_after = 2

[distribution]
S = 0.10
A = 0.25

[[profiles]]
name = "商务专员"
roles = ["商务专员"]
indicators = [ { code = "followups", weight = 100, pass = 10, excellent = 20 } ]
"#;

/// `n` follow-ups by `rep` on `customer` on the first days of a month.
fn followups<'a>(l: &mut Ledgers<'a>, times: &'a [String], rep: &'a str, customer: &'a str) {
    for t in times {
        l.followup(t, rep, customer, "电话");
    }
}

fn times(month: &str, n: usize) -> Vec<String> {
    (1..=n)
        .map(|d| format!("2026-{month}-{d:02} 10:00:00"))
        .collect()
}

/// Five reps, February and March (one undated workbook):
/// - S001 张三, 华东, base 5000: Feb none (0 → D), Mar 15 → 80 → A,
///   amount 5000 × 1.2 = 6000.00;
/// - S002 李四, 华东, base 8000: Feb none (D), Mar 20 → 100 → S, but a
///   March veto → total 0, D, amount 0.00, and the veto moved the grade
///   (S → D);
/// - S003 王五, 华东, base 4000, hired 2026-03-25: employed 7 of March's 31
///   days (< half) → not assessed, no amount;
/// - S004 赵六, 华北, no bonus base: Feb none (D), Mar 12 → 68 → C, plus a
///   加分 3 → 71 → B: the bonus moved the grade (C → B); no amount;
/// - S005 钱七, no team, base 3000: 2 in each month → 12 → D twice.
fn ledgers(dir: &Path) {
    let (feb2, mar15, mar20, mar12, mar2) = (
        times("02", 2),
        times("03", 15),
        times("03", 20),
        times("03", 12),
        times("03", 2),
    );
    let mut l = Ledgers::new();
    l.rep("S001", "张三", "商务专员", "2025-01-01")
        .with("团队", S("华东"))
        .with("绩效奖金基数", N(5000.0))
        .rep("S002", "李四", "商务专员", "2025-01-01")
        .with("团队", S("华东"))
        .with("绩效奖金基数", N(8000.0))
        .rep("S003", "王五", "商务专员", "2026-03-25")
        .with("团队", S("华东"))
        .with("绩效奖金基数", N(4000.0))
        .rep("S004", "赵六", "商务专员", "2025-01-01")
        .with("团队", S("华北"))
        .rep("S005", "钱七", "商务专员", "2025-01-01")
        .with("绩效奖金基数", N(3000.0));
    for (c, rep) in [
        ("KH1", "S001"),
        ("KH2", "S002"),
        ("KH4", "S004"),
        ("KH5", "S005"),
    ] {
        l.customer(c, c, rep, "2025-06-01");
    }
    followups(&mut l, &mar15, "S001", "KH1");
    followups(&mut l, &mar20, "S002", "KH2");
    followups(&mut l, &mar12, "S004", "KH4");
    followups(&mut l, &feb2, "S005", "KH5");
    followups(&mut l, &mar2, "S005", "KH5");
    l.adjustment("S002", "2026-03", "一票否决", "严重违规")
        .adjustment("S004", "2026-03", "加分", "季度表彰")
        .with("数值", N(3.0));
    l.keep("回款", &[]).write(&dir.join("台账.xlsx"));
}

fn csv_lines(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("UTF-8 with BOM");
    text.lines().map(str::to_string).collect()
}

fn cells(path: &Path, sheet: &str) -> Vec<Vec<String>> {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::Float(f) => format!("{f}"),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect()
}

#[test]
fn payout_improvement_list_and_caps_by_hand() {
    let f = Folder::new(SCHEME);
    ledgers(&f.ledgers);
    let p = Period::parse("2026-03").unwrap();
    run(&f.options(Selection::One(p)));
    let home = f.out.join("2026-03");

    // Payroll CSV: by team (华东 before 华北 by text, no team last), then
    // rep id; amounts with two decimals; 审批 blank.
    let lines = csv_lines(&home.join("奖金发放_2026-03.csv"));
    assert_eq!(
        lines[0],
        "期间,工号,姓名,团队,奖金基数,等级,系数,奖金金额,影响等级的调整,备注,审批"
    );
    assert_eq!(lines[1], "2026-03,S001,张三,华东,5000.00,A,1.2,6000.00,,,");
    assert_eq!(
        lines[2],
        "2026-03,S002,李四,华东,8000.00,D,0,0.00,一票否决（严重违规）,,"
    );
    assert!(
        lines[3].starts_with("2026-03,S003,王五,华东,4000.00,,,,,未考核："),
        "{}",
        lines[3]
    );
    assert_eq!(
        lines[4],
        "2026-03,S004,赵六,华北,,B,1,,加分 +3（季度表彰）,人员表未填奖金基数,"
    );
    assert_eq!(lines[5], "2026-03,S005,钱七,（未分组）,3000.00,D,0,0.00,,,");
    assert_eq!(lines.len(), 6);

    // The payout sheet: the same rows, then team totals 华东 6000 + 0 =
    // 6000.00, 华北 0, （未分组） 0, and the overall 6000.00 (cached results
    // of SUMIF / SUM formulas).
    let summary = home.join("团队汇总_2026-03.xlsx");
    let sheet = cells(&summary, "奖金发放");
    let amount = |id: &str| {
        sheet
            .iter()
            .find(|r| r[0] == id)
            .map(|r| r[6].clone())
            .unwrap()
    };
    assert_eq!(amount("S001"), "6000");
    assert_eq!(amount("S002"), "0");
    assert_eq!(amount("S003"), "");
    assert_eq!(amount("S004"), "");
    let total = |team: &str| {
        sheet
            .iter()
            .find(|r| r[2] == team && r[0].is_empty())
            .map(|r| (r[1].clone(), r[6].clone()))
            .unwrap()
    };
    assert_eq!(total("华东"), ("3".to_string(), "6000".to_string()));
    assert_eq!(total("华北"), ("1".to_string(), "0".to_string()));
    let overall = sheet.iter().find(|r| r[0] == "总计").unwrap();
    assert_eq!((overall[1].as_str(), overall[6].as_str()), ("5", "6000"));

    // Improvement plans at March (2 months in a row below C): S002 (Feb
    // D with no follow-up, Mar D by the veto) and S005 (12 both months);
    // S001 and S004 were D in February only. Indicators below pass: S002
    // only February's 跟进量, S005 both months'.
    let plans = cells(&summary, "改进计划");
    let listed: Vec<(&str, &str, &str)> = plans[1..]
        .iter()
        .filter(|r| r[0].starts_with('S'))
        .map(|r| (r[0].as_str(), r[3].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        listed,
        vec![("S002", "2", "跟进量（1）"), ("S005", "2", "跟进量（2）")]
    );
    let s005 = plans.iter().find(|r| r[0] == "S005").unwrap();
    assert_eq!(s005[4], "2026-02 12.00 D；2026-03 12.00 D");
    // The rep's own form says so; a rep not listed has no such note.
    let form = |file: &str| cells(&home.join(file), "考核表");
    let note = "连续 2 个月等级低于 C（2026-02 至 2026-03），列入改进计划名单。";
    assert!(form("S005_钱七_2026-03.xlsx")
        .iter()
        .any(|r| r.iter().any(|c| c == note)));
    assert!(!form("S001_张三_2026-03.xlsx")
        .iter()
        .any(|r| r.iter().any(|c| c.contains("改进计划"))));
    // The form has 改进计划 rows starting from the streak and the indicator
    // most often below pass; their cells are editable (in the manifest's
    // layout, harvested as the interview's), for listed reps only.
    let s005_form = form("S005_钱七_2026-03.xlsx");
    assert!(s005_form.iter().any(|r| r.iter().any(|c| c
        == "连续 2 个月等级低于 C（2026-02 至 2026-03），列入改进计划名单。常见未达标指标（月数）：跟进量（2）")));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(home.join("manifest.json")).unwrap())
            .unwrap();
    let plan_cells = |id: &str| -> Vec<String> {
        let rep = manifest["reps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rep_id"] == id)
            .unwrap();
        rep["layout"]["editable"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["code"].as_str())
            .filter(|c| c.starts_with("改进:"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        plan_cells("S005"),
        ["改进:goal", "改进:measures", "改进:coach", "改进:due"]
    );
    assert!(plan_cells("S001").is_empty());
    // February was computed for the list, not written.
    assert!(!f.out.join("2026-02").exists());

    // Caps: 4 graded reps; S ≤ ⌊0.1 × 4⌋ = 0 and A ≤ ⌊0.25 × 4⌋ = 1.
    // No S (S002 is D by the veto): within. One A (S001): within.
    let dist = cells(&summary, "分布检查");
    assert_eq!(dist[1][..6], ["S", "0.1", "4", "0", "0", "未超出"]);
    assert_eq!(dist[2][..6], ["A", "0.25", "4", "1", "1", "未超出"]);
}

#[test]
fn a_cap_exceeded_names_the_reps_at_the_boundary() {
    // Without the veto, S002 is S (100): 1 S of 4 graded, cap 0 → over.
    let f = Folder::new(SCHEME);
    ledgers(&f.ledgers);
    let p = Period::parse("2026-03").unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let lean = tmp.path().join("ledgers");
    // The same ledgers without the adjustments sheet.
    let (mar15, mar20, mar12, mar2, feb2) = (
        times("03", 15),
        times("03", 20),
        times("03", 12),
        times("03", 2),
        times("02", 2),
    );
    let mut l = Ledgers::new();
    for id in ["S001", "S002", "S004", "S005"] {
        l.rep(id, id, "商务专员", "2025-01-01");
        l.customer(id, id, id, "2025-06-01");
    }
    followups(&mut l, &mar15, "S001", "S001");
    followups(&mut l, &mar20, "S002", "S002");
    followups(&mut l, &mar12, "S004", "S004");
    followups(&mut l, &feb2, "S005", "S005");
    followups(&mut l, &mar2, "S005", "S005");
    l.keep("回款", &[]).write(&lean.join("台账.xlsx"));
    let out = tmp.path().join("out");
    run(&batch_options(&lean, &f.scheme, &out, Selection::One(p)));
    let dist = cells(&out.join("2026-03/团队汇总_2026-03.xlsx"), "分布检查");
    assert_eq!(dist[1][..6], ["S", "0.1", "4", "0", "1", "超出上限"]);
    assert_eq!(dist[1][6], "S002 S002（100.00）");
}

/// Two indicators: 跟进量 (as above) and 新线索24小时跟进率 (pass 0.8,
/// excellent 1: a rate r below 0.8 scores 60·r/0.8).
const A: &str = r#"
name = "现行"
[[profiles]]
name = "商务专员"
roles = ["商务专员"]
indicators = [
  { code = "followups", weight = 60, pass = 10, excellent = 20 },
  { code = "first_followup_24h", weight = 40, pass = 0.8, excellent = 1 },
]
"#;

/// `A` with the two weights swapped.
const B: &str = r#"
name = "拟议"
[[profiles]]
name = "商务专员"
roles = ["商务专员"]
indicators = [
  { code = "followups", weight = 40, pass = 10, excellent = 20 },
  { code = "first_followup_24h", weight = 60, pass = 0.8, excellent = 1 },
]
"#;

/// March:
/// - S001: leads KH1 (03-02 09:00, followed up 10:00: timely) and KH2
///   (03-05 09:00, first follow-up 03-09: late) → rate 0.5 → 37.5;
///   15 follow-ups → 80. A: 60·80/100 + 40·37.5/100 = 48 + 15 = 63.00 (C);
///   B: 32 + 22.5 = 54.50 (D); difference −8.50.
/// - S002: lead KH3 (03-03 09:00, followed up 11:00) → rate 1 → 100;
///   8 follow-ups → 48. A: 28.8 + 40 = 68.80 (C); B: 19.2 + 60 = 79.20
///   (B); difference +10.40.
fn compare_ledgers(dir: &Path) {
    let kh1: Vec<String> = (0..14)
        .map(|i| format!("2026-03-{:02} 10:00:00", 2 + i))
        .collect();
    let kh3: Vec<String> = (0..8)
        .map(|i| format!("2026-03-{:02} 11:00:00", 3 + i))
        .collect();
    let mut l = Ledgers::new();
    l.rep("S001", "张三", "商务专员", "2025-01-01")
        .rep("S002", "李四", "商务专员", "2025-01-01")
        .customer("KH1", "甲", "S001", "2026-03-02 09:00:00")
        .customer("KH2", "乙", "S001", "2026-03-05 09:00:00")
        .customer("KH3", "丙", "S002", "2026-03-03 09:00:00");
    followups(&mut l, &kh1, "S001", "KH1");
    l.followup("2026-03-09 10:00:00", "S001", "KH2", "电话");
    followups(&mut l, &kh3, "S002", "KH3");
    l.keep("回款", &[]).write(&dir.join("台账.xlsx"));
}

#[test]
fn compare_swapped_weights_by_hand_and_a_scheme_against_itself() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    compare_ledgers(&ledgers);
    let (a, b) = (tmp.path().join("a.toml"), tmp.path().join("b.toml"));
    std::fs::write(&a, A).unwrap();
    std::fs::write(&b, B).unwrap();
    let out = tmp.path().join("out");
    let (l, o) = (ledgers.to_str().unwrap(), out.to_str().unwrap());
    let text = |x: &Path| x.to_str().unwrap().to_string();
    let (at, bt) = (text(&a), text(&b));
    let r = kaohe_ok(&[
        "compare", l, "--scheme", &at, "--scheme", &bt, "--period", "2026-03", "--out", o,
    ]);
    let said = String::from_utf8_lossy(&r.stdout);
    assert!(said.contains("2 人中 2 人等级不同"), "{said}");
    let book = out.join("方案对比_2026-03.xlsx");
    let rows = cells(&book, "总分对比");
    let row = |id: &str| rows.iter().find(|r| r[1] == id).unwrap().clone();
    let s1 = row("S001");
    assert_eq!(s1[4..10], ["63", "C", "54.5", "D", "-8.5", "C→D"]);
    let s2 = row("S002");
    assert_eq!(s2[4..10], ["68.8", "C", "79.2", "B", "10.4", "C→B"]);
    // The changed lines, and how much each moved the totals:
    // 跟进量 −16 − 9.6 = −25.6; 24 小时跟进率 +7.5 + 20 = +27.5.
    let ind = cells(&book, "指标变化");
    assert_eq!(ind[1][2..6], ["followups", "跟进量", "60", "40"]);
    assert_eq!(
        ind[2][2..6],
        ["first_followup_24h", "新线索24小时跟进率", "40", "60"]
    );
    let moved = |code: &str| {
        ind.iter()
            .rev()
            .find(|r| r[0] == code)
            .map(|r| (r[2].clone(), r[3].clone()))
            .unwrap()
    };
    assert_eq!(moved("followups"), ("-25.6".to_string(), "2".to_string()));
    assert_eq!(
        moved("first_followup_24h"),
        ("27.5".to_string(), "2".to_string())
    );
    // Grade counts: A C 2; B B 1, D 1.
    let grades = cells(&book, "等级分布");
    let count = |g: &str| {
        grades
            .iter()
            .find(|r| r[1] == g)
            .map(|r| (r[2].clone(), r[3].clone()))
            .unwrap()
    };
    assert_eq!(count("C"), ("2".to_string(), "0".to_string()));
    assert_eq!(count("B"), ("0".to_string(), "1".to_string()));
    assert_eq!(count("D"), ("0".to_string(), "1".to_string()));
    // Nothing else was written: no period folder.
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        1,
        "only the comparison workbook"
    );

    // A scheme against itself: no difference, no grade change, no changed
    // line.
    kaohe_ok(&[
        "compare", l, "--scheme", &at, "--scheme", &at, "--period", "2026-03", "--out", o,
    ]);
    let rows = cells(&book, "总分对比");
    for r in &rows[1..] {
        assert_eq!(r[8], "0", "{r:?}");
        assert_eq!(r[9], "", "{r:?}");
    }
    let ind = cells(&book, "指标变化");
    assert_eq!(ind[1][0], "（无）");
}

#[test]
fn compare_needs_two_schemes() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    compare_ledgers(&ledgers);
    let a = tmp.path().join("a.toml");
    std::fs::write(&a, A).unwrap();
    let r = kaohe(&[
        "compare",
        ledgers.to_str().unwrap(),
        "--scheme",
        a.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("请给出两个方案"));
}

/// Period layers (SPEC 5) and the improvement list: the streak is read
/// from the months' grades, each month assessed by the profile's month
/// section. S001 has 15 follow-ups in February and in March.
/// - Month section 跟进量 pass 10, excellent 20: 60 + 4·5 = 80 → A both
///   months: not listed, although the profile's own list (pass 100,
///   excellent 200: 60·15/100 = 9 → D) would grade D.
/// - Month section pass 100, excellent 200: 9 → D both months: listed
///   (2 in a row), although the profile's own list (pass 10) would grade A.
#[test]
fn the_improvement_list_reads_the_month_sections_grades() {
    let scheme = |own: (u32, u32), month: (u32, u32)| {
        format!(
            "name = \"分层\"\n[apply]\nimprovement_after = 2\n[[profiles]]\nname = \"商务专员\"\nroles = [\"商务专员\"]\n\
             indicators = [ {{ code = \"followups\", weight = 100, pass = {}, excellent = {} }} ]\n\
             [profiles.month]\nindicators = [ {{ code = \"followups\", weight = 100, pass = {}, excellent = {} }} ]\n",
            own.0, own.1, month.0, month.1
        )
    };
    let listed = |text: String| -> Vec<String> {
        let f = Folder::new(&text);
        let (feb, mar) = (times("02", 15), times("03", 15));
        let mut l = Ledgers::new();
        l.rep("S001", "张三", "商务专员", "2025-01-01");
        l.customer("KH1", "甲", "S001", "2025-06-01");
        followups(&mut l, &feb, "S001", "KH1");
        followups(&mut l, &mar, "S001", "KH1");
        l.keep("回款", &[]).write(&f.ledgers.join("台账.xlsx"));
        run(&f.options(Selection::One(Period::parse("2026-03").unwrap())));
        let plans = cells(&f.out.join("2026-03/团队汇总_2026-03.xlsx"), "改进计划");
        plans[1..]
            .iter()
            .filter(|r| r[0].starts_with('S'))
            .map(|r| format!("{} {}", r[0], r[4]))
            .collect()
    };
    assert!(listed(scheme((100, 200), (10, 20))).is_empty());
    assert_eq!(
        listed(scheme((10, 20), (100, 200))),
        ["S001 2026-02 9.00 D；2026-03 9.00 D"]
    );
}

/// `kaohe compare` follows the section a period uses: two schemes whose
/// profiles differ only in the list months do not use (the month section
/// is the same) show no changed line and no difference for a month.
#[test]
fn compare_follows_the_period_layer() {
    let scheme = |own: u32| {
        format!(
            "name = \"分层\"\n[[profiles]]\nname = \"商务专员\"\nroles = [\"商务专员\"]\n\
             indicators = [ {{ code = \"followups\", weight = 100, pass = {own}, excellent = 200 }} ]\n\
             [profiles.month]\nindicators = [ {{ code = \"followups\", weight = 100, pass = 10, excellent = 20 }} ]\n"
        )
    };
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    let mar = times("03", 15);
    let mut l = Ledgers::new();
    l.rep("S001", "张三", "商务专员", "2025-01-01");
    l.customer("KH1", "甲", "S001", "2025-06-01");
    followups(&mut l, &mar, "S001", "KH1");
    l.keep("回款", &[]).write(&ledgers.join("台账.xlsx"));
    let (a, b) = (tmp.path().join("a.toml"), tmp.path().join("b.toml"));
    std::fs::write(&a, scheme(100)).unwrap();
    std::fs::write(&b, scheme(50)).unwrap();
    let out = tmp.path().join("out");
    kaohe_ok(&[
        "compare",
        ledgers.to_str().unwrap(),
        "--scheme",
        a.to_str().unwrap(),
        "--scheme",
        b.to_str().unwrap(),
        "--period",
        "2026-03",
        "--out",
        out.to_str().unwrap(),
    ]);
    let book = out.join("方案对比_2026-03.xlsx");
    // 15 follow-ups under the month section: 60 + 4·5 = 80 on both sides.
    let rows = cells(&book, "总分对比");
    assert_eq!(rows[1][4..9], ["80", "A", "80", "A", "0"]);
    assert_eq!(cells(&book, "指标变化")[1][0], "（无）");
}

//! Reading and validating ledgers: a deliberately messy folder written by the
//! test itself, with every data issue and every row count worked out by hand.

use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;
use kaohe::input::aliases::ColumnAliases;
use kaohe::input::dataset::{self, Dataset, Problem};
use kaohe::input::issues::{Level, Reason};
use kaohe::input::model::*;
use kaohe::input::parse::cell::Bad;
use kaohe::input::parse::date::Stamp;
use kaohe::input::validate::{SheetStats, SheetStatus};
use rust_decimal::Decimal;

use crate::common::*;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}
fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub fn roster(dir: &Path) {
    let h = vec![
        S("工号"),
        S("姓名"),
        S("团队"),
        S("岗位"),
        S("入职日期"),
        S("邮箱"),
    ];
    write_xlsx(
        &dir.join("2026-03/人员表.xlsx"),
        &[sheet(
            "人员",
            vec![
                h,
                vec![
                    S("S001"),
                    S("张三"),
                    S("华东"),
                    S("商务专员-B2B"),
                    D("2025-01-10"),
                    S("zhangsan@example.com"),
                ],
                vec![
                    S("S002"),
                    S("李四"),
                    S("华东"),
                    S("商务专员-B2B"),
                    D("2025-03-01"),
                    E,
                ],
                vec![
                    S("S003"),
                    S("王五"),
                    S("华南"),
                    S("商务专员-B2C"),
                    D("2026-02-15"),
                    E,
                ],
                vec![
                    S("S004"),
                    S("王五"),
                    S("华南"),
                    S("商务专员-B2C"),
                    S("2025/6/1"),
                    E,
                ],
            ],
        )],
    );
}

/// The messy workbook: merged title, 合计 row, text dates, Chinese date
/// format, ¥ and 万 amounts, a (万元) header, full-width digits, unknown and
/// ambiguous reps, bad dates, duplicate and corrected rows, merged rep cells.
pub fn messy(dir: &Path) {
    let mut customers = sheet(
        "客户",
        vec![
            vec![S("2026年3月 客户信息台账"), E, E, E, E, E],
            vec![],
            vec![
                S("客户编号"),
                S("客户名称"),
                S("商务专员"),
                S("创建时间"),
                S("合作状态"),
                S("终止日期"),
            ],
            vec![
                S("KH001"),
                S("甲公司"),
                S("S001"),
                S("2026/3/2 9:05"),
                S("合作中"),
                E,
            ],
            vec![S("KH002"), S("乙公司"), S("张三"), CnDate(46086.0), E, E],
            vec![],
            vec![S("KH003"), S("丙公司"), S("赵六"), D("2026-03-06"), E, E],
            vec![S("KH004"), S("丁公司"), S("S002"), S("待定"), E, E],
            vec![S("KH005"), S("戊公司"), S("王五"), D("2026-03-07"), E, E],
            vec![
                S("ＫＨ００１"),
                S("甲公司"),
                S(" S001 "),
                T("2026-03-02 09:05:00"),
                S("合作中"),
                E,
            ],
            vec![
                S("KH006"),
                S("己公司"),
                S("S002"),
                D("2026-03-08"),
                S("已终止"),
                E,
            ],
            vec![S("合计"), E, E, E, E, E],
        ],
    );
    customers.merges.push((0, 0, 0, 5));
    let payments = sheet(
        "回款",
        vec![
            vec![
                S("合同编号"),
                S("期次"),
                S("客户编号"),
                S("商务专员"),
                S("签约日期"),
                S("合同金额(万元)"),
                S("款项类型"),
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
                N(12.0),
                S("首付"),
                S("￥60,000"),
                D("2026-03-15"),
                S("6万"),
                D("2026-03-14"),
            ],
            vec![
                S("HT001"),
                N(2.0),
                S("KH001"),
                S("S001"),
                D("2026-03-10"),
                N(12.0),
                S("尾款"),
                S("６００００"),
                D("2026-04-15"),
                E,
                E,
            ],
            vec![
                S("HT002"),
                N(1.0),
                S("KH002"),
                S("张三"),
                S("2026年3月12日"),
                S("1.5"),
                S("预付"),
                S("15,000元"),
                D("2026-03-31"),
                N(15000.0),
                D("2026-04-20"),
            ],
            vec![
                S("HT002"),
                N(1.0),
                S("KH002"),
                S("张三"),
                S("2026年3月12日"),
                S("1.6"),
                S("预付"),
                S("15,000元"),
                D("2026-03-31"),
                N(15000.0),
                D("2026-04-20"),
            ],
            vec![
                S("HT003"),
                S("第1期"),
                S("KH006"),
                S("S002"),
                D("2026-03-20"),
                N(2.0),
                E,
                N(20000.0),
                D("2026-03-25"),
                N(5000.0),
                E,
            ],
        ],
    );
    let mut followups = sheet(
        "跟进",
        vec![
            vec![
                S("跟进时间"),
                S("商务专员"),
                S("客户编号"),
                S("跟进方式"),
                S("下次跟进时间"),
            ],
            vec![
                T("2026-03-02 10:00:00"),
                S("S001"),
                S("KH001"),
                S("电话"),
                S("待定"),
            ],
            vec![D("2026-03-03"), E, S("KH001"), S("拜访"), E],
            vec![S("２０２６-03-04"), E, S("KH002"), S("飞鸽传书"), E],
            vec![S("2026-13-01"), S("S002"), S("KH006"), E, E],
            vec![
                T("2026-03-02 10:00:00"),
                S("S001"),
                S("KH001"),
                S("电话"),
                S("待定"),
            ],
        ],
    );
    followups.merges.push((1, 1, 3, 1));
    let notes = sheet("说明", vec![vec![S("本工作簿为测试用")]]);
    write_xlsx(
        &dir.join("2026-03/台账_2026-03.xlsx"),
        &[customers, payments, followups, notes],
    );

    // April snapshot: KH001 reassigned to S002 (history, not a correction).
    Ledgers::new()
        .customer("KH001", "甲公司", "S002", "2026-03-02 09:05:00")
        .write(&dir.join("2026-04/客户台账_2026-04.xlsx"));
    // Broken files: a text file renamed .xlsx and a truncated workbook.
    std::fs::write(dir.join("broken.xlsx"), "this is not a spreadsheet").unwrap();
    let good = std::fs::read(dir.join("2026-04/客户台账_2026-04.xlsx")).unwrap();
    std::fs::write(dir.join("2026-04/坏文件.xlsx"), &good[..good.len() / 2]).unwrap();
}

fn load(dir: &Path) -> Dataset {
    dataset::load(dir, &ColumnAliases::default()).unwrap()
}

fn stats(ds: &Dataset, file: &str, sheet: &str) -> SheetStats {
    ds.sheets
        .iter()
        .find(|s| &*ds.files[s.file as usize].rel == file && &*s.name == sheet)
        .unwrap_or_else(|| panic!("{file}!{sheet}"))
        .stats
}

#[test]
fn messy_workbook_every_issue_and_every_row() {
    let tmp = tempfile::tempdir().unwrap();
    roster(tmp.path());
    messy(tmp.path());
    let ds = load(tmp.path());

    // Broken files: one problem each, naming the file; the rest is read.
    let unreadable: Vec<&str> = ds
        .problems
        .iter()
        .filter_map(|p| {
            if let Problem::Unreadable(e) = p {
                Some(&*e.file)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(unreadable, ["2026-04/坏文件.xlsx", "broken.xlsx"]);
    assert!(ds
        .problems
        .iter()
        .all(|p| !p.message(kaohe::Lang::Zh).contains('\n')));
    assert_eq!(ds.files.len(), 5);

    // Row accounting, worked out by hand (see the rows above).
    let f = "2026-03/台账_2026-03.xlsx";
    // 客户: rows 4..=12 = 9 data rows: used KH001, KH002, KH006; merged the
    // repeat of KH001 (row 10); empty row 6; totals row 12; errors rows 7, 8, 9.
    assert_eq!(
        stats(&ds, f, "客户"),
        SheetStats {
            data_rows: 9,
            used: 3,
            merged: 1,
            replaced: 0,
            empty: 1,
            totals: 1,
            errors: 3
        }
    );
    // 回款: 5 rows; row 4 replaced by its correction in row 5.
    assert_eq!(
        stats(&ds, f, "回款"),
        SheetStats {
            data_rows: 5,
            used: 4,
            merged: 0,
            replaced: 1,
            empty: 0,
            totals: 0,
            errors: 0
        }
    );
    // 跟进: 5 rows; row 6 repeats row 2; row 5 has a bad required date.
    assert_eq!(
        stats(&ds, f, "跟进"),
        SheetStats {
            data_rows: 5,
            used: 3,
            merged: 1,
            replaced: 0,
            empty: 0,
            totals: 0,
            errors: 1
        }
    );
    assert_eq!(
        stats(&ds, "2026-03/人员表.xlsx", "人员"),
        SheetStats {
            data_rows: 4,
            used: 4,
            ..SheetStats::default()
        }
    );
    for s in &ds.sheets {
        assert_eq!(s.stats.accounted(), s.stats.data_rows, "{}", s.name);
    }
    let notes = ds.sheets.iter().find(|s| &*s.name == "说明").unwrap();
    assert_eq!(notes.status, SheetStatus::NoMatch { near: None });

    // Every data issue, in sheet and row order.
    let got: Vec<(Level, String, String, Reason)> = ds
        .issues
        .iter()
        .map(|i| (i.level, i.pos.address(), i.raw.clone(), i.reason.clone()))
        .collect();
    let prev = kaohe::input::issues::Position {
        file: f.into(),
        sheet: "回款".into(),
        row: 4,
        col: None,
    };
    let want = vec![
        (
            Level::Error,
            "2026-03/台账_2026-03.xlsx!客户!C7",
            "赵六",
            Reason::UnknownRep,
        ),
        (
            Level::Error,
            "2026-03/台账_2026-03.xlsx!客户!D8",
            "待定",
            Reason::Bad(Bad::NotADate),
        ),
        (
            Level::Error,
            "2026-03/台账_2026-03.xlsx!客户!C9",
            "王五",
            Reason::AmbiguousRep { count: 2 },
        ),
        (
            Level::Warning,
            "2026-03/台账_2026-03.xlsx!客户!E11",
            "已终止",
            Reason::TerminatedWithoutEndDate {
                from: Some(day(2026, 3, 1)),
            },
        ),
        (
            Level::Warning,
            "2026-03/台账_2026-03.xlsx!回款!G4",
            "预付",
            Reason::Bad(Bad::UnknownWord(
                kaohe::input::columns::WordList::PaymentKind,
            )),
        ),
        (
            Level::Info,
            "2026-03/台账_2026-03.xlsx!回款!5",
            "",
            Reason::Corrected {
                previous: prev,
                changes: vec![kaohe::input::issues::Change {
                    header: "合同金额".into(),
                    old: "15000.00".into(),
                    new: "16000.00".into(),
                }],
            },
        ),
        (
            Level::Warning,
            "2026-03/台账_2026-03.xlsx!回款!G5",
            "预付",
            Reason::Bad(Bad::UnknownWord(
                kaohe::input::columns::WordList::PaymentKind,
            )),
        ),
        (
            Level::Warning,
            "2026-03/台账_2026-03.xlsx!回款!J6",
            "5000",
            Reason::PaidWithoutDate,
        ),
        (
            Level::Warning,
            "2026-03/台账_2026-03.xlsx!跟进!E2",
            "待定",
            Reason::Bad(Bad::NotADate),
        ),
        (
            Level::Warning,
            "2026-03/台账_2026-03.xlsx!跟进!D4",
            "飞鸽传书",
            Reason::Bad(Bad::UnknownWord(kaohe::input::columns::WordList::Method)),
        ),
        (
            Level::Error,
            "2026-03/台账_2026-03.xlsx!跟进!A5",
            "2026-13-01",
            Reason::Bad(Bad::NotADate),
        ),
        (
            Level::Warning,
            "2026-03/台账_2026-03.xlsx!跟进!E6",
            "待定",
            Reason::Bad(Bad::NotADate),
        ),
    ];
    let want: Vec<(Level, String, String, Reason)> = want
        .into_iter()
        .map(|(l, a, r, why)| (l, a.to_string(), r.to_string(), why))
        .collect();
    assert_eq!(got, want);
    let e2 = &ds.issues[8];
    assert_eq!(
        (
            e2.header.as_str(),
            e2.pos.row,
            e2.pos.column_letter().as_str()
        ),
        ("下次跟进时间", 2, "E")
    );

    // Typed values.
    let rep = |id: &str| ds.reps.iter().position(|r| r.rep_id == id).unwrap() as RepIdx;
    assert_eq!(ds.reps.len(), 4);
    assert_eq!(ds.reps[rep("S004") as usize].hire_date, day(2025, 6, 1));
    let ids: Vec<&str> = ds
        .customers
        .iter()
        .map(|c| c.customer_id.as_ref())
        .collect();
    assert_eq!(ids, ["KH001", "KH002", "KH006"]);
    let kh001 = &ds.customers[0];
    assert_eq!(kh001.snapshots.len(), 2, "March and April snapshots");
    assert_eq!(kh001.state_on(day(2026, 3, 31)).owner, rep("S001"));
    assert_eq!(kh001.state_on(day(2026, 4, 1)).owner, rep("S002"));
    assert_eq!(
        kh001.state_on(day(2026, 1, 1)).owner,
        rep("S001"),
        "before any snapshot: the earliest"
    );
    assert_eq!(
        kh001.facts().lead_time,
        Stamp::DateTime(day(2026, 3, 2).and_hms_opt(9, 5, 0).unwrap())
    );
    assert_eq!(
        ds.customers[1].facts().lead_time,
        Stamp::Date(day(2026, 3, 5)),
        "Chinese date format read as a date"
    );
    assert_eq!(
        ds.customers[1].facts().owner,
        rep("S001"),
        "rep by unique name"
    );
    assert_eq!(ds.customers[2].terminated_from, Some(day(2026, 3, 1)));

    let c: Vec<(&str, Decimal, usize)> = ds
        .contracts
        .iter()
        .map(|c| (c.contract_id.as_ref(), c.amount, c.installments.len()))
        .collect();
    assert_eq!(
        c,
        [
            ("HT001", dec("120000.00"), 2),
            ("HT002", dec("16000.00"), 1),
            ("HT003", dec("20000.00"), 1)
        ]
    );
    let inst = |id: &str, n: u32| {
        ds.installments
            .iter()
            .find(|i| &*i.contract_id == id && i.installment == n)
            .unwrap()
    };
    assert_eq!(
        (
            inst("HT001", 1).amount_due,
            inst("HT001", 1).amount_paid,
            inst("HT001", 1).paid_date
        ),
        (dec("60000"), Some(dec("60000")), Some(day(2026, 3, 14)))
    );
    assert_eq!(
        (inst("HT001", 2).amount_due, inst("HT001", 2).payment_kind),
        (dec("60000"), PaymentKind::Final)
    );
    assert_eq!(
        (inst("HT002", 1).amount_due, inst("HT002", 1).payment_kind),
        (dec("15000"), PaymentKind::First),
        "explicit 元 is not scaled; unknown kind takes the default"
    );
    assert_eq!(
        (inst("HT003", 1).amount_paid, inst("HT003", 1).meta.warned),
        (None, true)
    );

    let fu: Vec<(Stamp, RepIdx, &str, Option<&str>)> = ds
        .followups
        .iter()
        .map(|f| {
            (
                f.time,
                f.rep,
                f.customer_id.as_ref(),
                f.method.map(|m| m.as_str()),
            )
        })
        .collect();
    assert_eq!(
        fu,
        [
            (
                Stamp::DateTime(day(2026, 3, 2).and_hms_opt(10, 0, 0).unwrap()),
                rep("S001"),
                "KH001",
                Some("call")
            ),
            (
                Stamp::Date(day(2026, 3, 3)),
                rep("S001"),
                "KH001",
                Some("visit")
            ),
            (Stamp::Date(day(2026, 3, 4)), rep("S001"), "KH002", None),
        ],
        "merged rep cells give their value to every row"
    );

    // Rows left out with an error keep their rep and readable dates for
    // ledger accuracy: 客户 row 8 (S002, lead time unreadable) and 跟进 row 5
    // (S002, time unreadable). Rows 7 and 9 name no resolvable rep: they
    // count for nobody and are not kept.
    let rejected: Vec<(u32, Option<RepIdx>, Vec<NaiveDate>)> = ds
        .rejected
        .iter()
        .map(|r| (r.src.row, r.rep, r.dates.clone()))
        .collect();
    assert_eq!(
        rejected,
        [
            (8, Some(rep("S002")), vec![]),
            (5, Some(rep("S002")), vec![])
        ]
    );
}

#[test]
fn committed_templates_are_recognised_with_no_data_rows() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("workbook-templates");
    for (sub, lang) in [
        ("ledgers", kaohe::Lang::Zh),
        ("ledgers-en", kaohe::Lang::En),
    ] {
        let ds = load(&dir.join(sub));
        assert!(ds.problems.is_empty(), "{sub}: {:?}", ds.problems);
        assert!(ds.issues.is_empty(), "{sub}: {:?}", ds.issues);
        let mut kinds: Vec<kaohe::input::columns::Kind> = ds
            .sheets
            .iter()
            .map(|s| {
                s.kind()
                    .unwrap_or_else(|| panic!("{sub}/{} not recognised: {:?}", s.name, s.status))
            })
            .collect();
        kinds.sort();
        assert_eq!(kinds, kaohe::input::columns::Kind::ALL, "{sub}");
        for s in &ds.sheets {
            assert_eq!(s.stats, SheetStats::default(), "{sub}/{}", s.name);
            let kind = s.kind().unwrap();
            assert!(
                kind.columns().iter().all(|c| s.has_column(c.key)),
                "{sub}/{}: every column recognised",
                s.name
            );
            assert_eq!(&*s.name, kind.name(lang));
        }
    }
}

#[test]
fn sheets_that_are_not_quite_ledgers() {
    let tmp = tempfile::tempdir().unwrap();
    write_xlsx(
        &tmp.path().join("x.xlsx"),
        &[
            // Customers without 创建时间: 3 of 4 required headers.
            sheet(
                "缺列",
                vec![
                    vec![S("客户编号"), S("客户名称"), S("商务专员")],
                    vec![S("KH1"), S("甲"), S("S001")],
                ],
            ),
            // Only 工号 and 姓名: too far from the roster to be one.
            sheet(
                "汇总",
                vec![
                    vec![S("工号"), S("姓名"), S("得分")],
                    vec![S("S001"), S("张三"), N(90.0)],
                ],
            ),
            // A scores and an adjustments header, 5 of 5 columns each (指标 is in both).
            sheet(
                "混合",
                vec![vec![
                    S("工号"),
                    S("期间"),
                    S("指标"),
                    S("分值"),
                    S("评分来源"),
                    S("类型"),
                    S("说明"),
                ]],
            ),
            sheet("空", vec![]),
        ],
    );
    let ds = load(tmp.path());
    let status = |name: &str| {
        ds.sheets
            .iter()
            .find(|s| &*s.name == name)
            .unwrap()
            .status
            .clone()
    };
    use kaohe::input::columns::Kind;
    assert_eq!(
        status("缺列"),
        SheetStatus::MissingColumns {
            kind: Kind::Customers,
            missing: vec!["创建时间"]
        }
    );
    assert_eq!(
        status("汇总"),
        SheetStatus::NoMatch {
            near: Some((Kind::Roster, vec!["岗位", "入职日期"]))
        }
    );
    assert_eq!(
        status("混合"),
        SheetStatus::Ambiguous(vec![Kind::Scores, Kind::Adjustments])
    );
    assert_eq!(status("空"), SheetStatus::Empty);
    let msg: Vec<String> = ds
        .problems
        .iter()
        .map(|p| p.message(kaohe::Lang::Zh))
        .collect();
    assert!(
        msg.contains(
            &"x.xlsx：工作表“缺列”像是客户台账，但缺少必填列：创建时间。请补上这些列标题。"
                .to_string()
        ),
        "{msg:?}"
    );
    assert!(ds.problems.contains(&Problem::MissingKind(Kind::Roster)));
}

#[test]
fn rows_left_out_keep_their_rep_and_readable_dates() {
    let tmp = tempfile::tempdir().unwrap();
    roster(tmp.path());
    write_xlsx(
        &tmp.path().join("回款.xlsx"),
        &[sheet(
            "回款",
            vec![
                vec![
                    S("合同编号"),
                    S("客户编号"),
                    S("商务专员"),
                    S("签约日期"),
                    S("合同金额"),
                    S("应回款金额"),
                    S("应回款日期"),
                    S("期次"),
                ],
                // Amount due missing: an error, but the sign and due dates are readable.
                vec![
                    S("HT9"),
                    S("KH9"),
                    S("李四"),
                    D("2026-03-10"),
                    N(100.0),
                    E,
                    D("2026-04-10"),
                    N(1.0),
                ],
                // An unreadable installment is an error (it is part of the key).
                vec![
                    S("HT9"),
                    S("KH9"),
                    S("S002"),
                    D("2026-03-10"),
                    N(100.0),
                    N(50.0),
                    D("2026-05-10"),
                    S("首期"),
                ],
            ],
        )],
    );
    let ds = load(tmp.path());
    let rejected: Vec<(u32, Option<RepIdx>, Vec<NaiveDate>)> = ds
        .rejected
        .iter()
        .map(|r| (r.src.row, r.rep, r.dates.clone()))
        .collect();
    assert_eq!(
        rejected,
        [
            (2, Some(1), vec![day(2026, 3, 10), day(2026, 4, 10)]),
            (3, Some(1), vec![day(2026, 3, 10), day(2026, 5, 10)])
        ]
    );
    let reasons: Vec<(String, Reason)> = ds
        .issues
        .iter()
        .map(|i| (i.pos.address(), i.reason.clone()))
        .collect();
    assert_eq!(
        reasons,
        [
            ("回款.xlsx!回款!F2".to_string(), Reason::Missing),
            (
                "回款.xlsx!回款!H3".to_string(),
                Reason::Bad(Bad::NotAnInstallment)
            )
        ]
    );
    assert!(ds.installments.is_empty());
}

#[test]
fn contract_fields_that_disagree_are_reported_and_installment_1_wins() {
    let tmp = tempfile::tempdir().unwrap();
    roster(tmp.path());
    let h = vec![
        S("合同编号"),
        S("期次"),
        S("客户编号"),
        S("商务专员"),
        S("签约日期"),
        S("合同金额"),
        S("毛利"),
        S("应回款金额"),
        S("应回款日期"),
    ];
    write_xlsx(
        &tmp.path().join("回款.xlsx"),
        &[sheet(
            "回款",
            vec![
                h,
                // Installment 2 listed first; its amount disagrees, its profit fills a blank.
                vec![
                    S("HT1"),
                    N(2.0),
                    S("KH1"),
                    S("S001"),
                    D("2026-03-10"),
                    N(900.0),
                    N(300.0),
                    N(400.0),
                    D("2026-04-10"),
                ],
                vec![
                    S("HT1"),
                    N(1.0),
                    S("KH1"),
                    S("S001"),
                    D("2026-03-10"),
                    N(1000.0),
                    E,
                    N(600.0),
                    D("2026-03-10"),
                ],
            ],
        )],
    );
    let ds = load(tmp.path());
    let c = &ds.contracts[0];
    assert_eq!(
        (c.amount, c.gross_profit, c.installments.len()),
        (dec("1000"), Some(dec("300")), 2)
    );
    let got: Vec<(Level, String, String, Reason)> = ds
        .issues
        .iter()
        .map(|i| (i.level, i.pos.address(), i.raw.clone(), i.reason.clone()))
        .collect();
    assert_eq!(
        got,
        [(
            Level::Warning,
            "回款.xlsx!回款!F2".to_string(),
            "900.00".to_string(),
            Reason::ContractMismatch {
                installment: 1,
                kept: "1000.00".into()
            }
        )]
    );
    assert_eq!(
        ds.issues[0].reason.message(kaohe::Lang::Zh),
        "与同一合同第1期的值不一致，按第1期的 1000.00 计"
    );
}

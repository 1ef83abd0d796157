//! What a new user trips over (the HR clerk with the samples, the presets
//! and a few mistakes): each behaviour asserted as the user meets it.

use std::path::{Path, PathBuf};
use std::process::Output;

use calamine::{open_workbook_auto, Reader};

use crate::common::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn kaohe_in(dir: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

fn kaohe(args: &[&str]) -> Output {
    kaohe_in(&root(), args)
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A copy of the sample ledgers and scheme in `dir` (ledgers in
/// `dir/ledgers`, the scheme beside them, found by `kaohe run`).
fn samples_copy(dir: &Path) -> PathBuf {
    let ledgers = dir.join("ledgers");
    for (p, bytes) in files(&root().join("samples/ledgers")) {
        let to = ledgers.join(p);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::write(to, bytes).unwrap();
    }
    std::fs::copy(
        root().join("samples/考核方案.toml"),
        dir.join("考核方案.toml"),
    )
    .unwrap();
    ledgers
}

#[test]
fn a_period_without_data_is_refused_and_never_created() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = samples_copy(tmp.path());
    let l = ledgers.to_str().unwrap();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    for args in [
        &["--period", "2027-01"][..],
        &["--year", "26"],
        &["--year", "1999"],
    ] {
        let mut a = vec!["run", l, "--out", o];
        a.extend_from_slice(args);
        let r = kaohe(&a);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {}", text(&r));
        assert!(text(&r).contains("没有业务数据"), "{}", text(&r));
        assert!(!out.exists(), "{args:?}: nothing written");
    }
    let r = kaohe(&["run", l, "--out", o, "--period", "2027-01"]);
    assert!(
        text(&r).contains("2027-01 无法计算：2027-01 没有业务数据（跟进、线索、签约、应回款或回款都不在这个月）。台账中有数据的月份："),
        "{}",
        text(&r)
    );
    // The quarter with December missing.
    std::fs::remove_dir_all(ledgers.join("2026-12")).unwrap();
    let r = kaohe(&["run", l, "--out", o, "--quarter", "2026-Q4"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r).contains("2026-Q4 无法计算：2026-12 没有业务数据"),
        "{}",
        text(&r)
    );
    // A 2027-01/ folder holding only a roster: a plain run computes no 2027-01.
    std::fs::create_dir_all(ledgers.join("2027-01")).unwrap();
    std::fs::copy(
        ledgers.join("2026-11/人员与目标_2026-11.xlsx"),
        ledgers.join("2027-01/人员与目标_2027-01.xlsx"),
    )
    .unwrap();
    let r = kaohe(&["run", l, "--out", o]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    assert!(out.join("2026-11").is_dir());
    assert!(!out.join("2027-01").exists(), "{}", text(&r));
}

#[test]
fn an_unmapped_role_in_any_months_roster_is_an_error_naming_file_row_and_roles() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = samples_copy(tmp.path());
    // March's folder gets a roster copy of S001 with a typo in the role
    // (later months have it right).
    write_xlsx(
        &ledgers.join("2026-03/人员补充_2026-03.xlsx"),
        &[sheet(
            "人员",
            vec![
                vec![S("工号"), S("姓名"), S("岗位"), S("入职日期")],
                vec![S("S001"), S("袁蕾"), S("商务专员B2B"), D("2024-03-01")],
            ],
        )],
    );
    let out = tmp.path().join("out");
    let r = kaohe(&[
        "run",
        ledgers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r));
    let t = text(&r);
    assert!(
        t.contains("2026-03/人员补充_2026-03.xlsx!人员!2：岗位“商务专员B2B”在考核方案"),
        "{t}"
    );
    assert!(
        t.contains("考核方案中的岗位：商务专员-B2B、商务专员-B2C、商务总监、招商专员"),
        "{t}"
    );
}

const TINY_SCHEME: &str = r#"
name = "测试方案"
version = "t1"

[[profiles]]
name = "商务专员"
roles = ["商务专员-B2B"]
indicators = [
  { code = "followups", weight = 60, pass = 1, excellent = 2 },
  { code = "collection_rate", weight = 40, pass = 0.8, excellent = 1 },
]

[mail]
from = "人力资源部 <hr@example.com>"
"#;

/// Two reps in two teams, one month: S001 (一部) follows up twice, S002
/// (二部) once; nobody has installments, so collection_rate is N/A.
fn tiny(dir: &Path) -> (PathBuf, PathBuf) {
    let ledgers = dir.join("ledgers");
    Ledgers::new()
        .rep("S001", "张三", "商务专员-B2B", "2025-01-01")
        .with("团队", S("一部"))
        .with("邮箱", S("zhangsan@example.com"))
        .rep("S002", "李四", "商务专员-B2B", "2025-01-01")
        .with("团队", S("二部"))
        .with("邮箱", S("lisi@example.com"))
        .customer("KH1", "甲", "S001", "2025-12-01")
        .followup("2026-03-02", "S001", "KH1", "")
        .followup("2026-03-03", "S001", "KH1", "")
        .followup("2026-03-04", "S002", "KH1", "")
        .keep("回款", &[])
        .write(&ledgers.join("2026-03/台账_2026-03.xlsx"));
    let scheme = dir.join("考核方案.toml");
    std::fs::write(&scheme, TINY_SCHEME).unwrap();
    (ledgers, scheme)
}

/// A cell of a workbook's first sheet, as text.
fn cell(path: &Path, at: (u32, u32)) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .get_value(at)
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn a_scheme_without_effective_from_shows_always_and_each_rep_sees_their_teams_average() {
    let tmp = tempfile::tempdir().unwrap();
    let (ledgers, _) = tiny(tmp.path());
    let out = tmp.path().join("out");
    let r = kaohe(&[
        "run",
        ledgers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    let wb = out.join("2026-03/S001_张三_2026-03.xlsx");
    // 考核表!F3: the scheme and its version, "始终适用" without a date.
    assert_eq!(cell(&wb, (2, 5)), "测试方案 t1（版本生效 始终适用）");
    // The team comparison: S001 is 一部's only rep, so 一部's average is his
    // own rate. followups 2 ≥ excellent 2 → 100; collection N/A → W = 60,
    // points 60·100/60 = 100; the dimension rate 100.
    let mut book = open_workbook_auto(&wb).unwrap();
    let range = book.worksheet_range("考核表").unwrap();
    let row = range
        .rows()
        .position(|r| {
            r.first().is_some_and(|c| *c == "维度") && r.get(1).is_some_and(|c| *c == "本人得分率")
        })
        .expect("the team comparison table");
    assert_eq!(
        range.rows().nth(row).unwrap()[2].to_string(),
        "团队平均（一部）"
    );
    let first = range.rows().nth(row + 1).unwrap();
    assert_eq!(first[1].to_string(), "100");
    assert_eq!(first[2].to_string(), "100");
    // S002 (二部): followups 1 = pass → 60; 二部's average 60, not the
    // company's (100 + 60) ÷ 2 = 80.
    let wb2 = out.join("2026-03/S002_李四_2026-03.xlsx");
    let mut book = open_workbook_auto(&wb2).unwrap();
    let range = book.worksheet_range("考核表").unwrap();
    assert_eq!(
        range.rows().nth(row).unwrap()[2].to_string(),
        "团队平均（二部）"
    );
    assert_eq!(range.rows().nth(row + 1).unwrap()[2].to_string(), "60");
    // The summary's 方法说明 says it too.
    let summary = out.join("2026-03/团队汇总_2026-03.xlsx");
    let mut book = open_workbook_auto(&summary).unwrap();
    let method = book.worksheet_range("方法说明").unwrap();
    assert!(method
        .rows()
        .any(|r| r[0] == "本期适用版本生效日期" && r[1] == "始终适用"));
    assert!(!method
        .rows()
        .any(|r| r.iter().any(|c| c.to_string().contains("-262143"))));
}

#[test]
fn language_and_mail_settings_are_no_result_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let (ledgers, scheme) = tiny(tmp.path());
    let l = ledgers.to_str().unwrap();
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    assert_eq!(kaohe(&["run", l, "--out", o]).status.code(), Some(0));
    // English: rewritten (the outputs are in English), but no rep's result
    // changed — the N/A reason is only translated.
    let r = kaohe(&["run", l, "--out", o, "--lang", "en"]);
    assert!(
        text(&r).contains("2026-03: recomputed: 0 reps changed, 0 changed grade"),
        "{}",
        text(&r)
    );
    // A scheme edit in [mail] only: nothing recomputed.
    let edited = TINY_SCHEME.replace("hr@example.com", "people@example.com");
    std::fs::write(&scheme, edited).unwrap();
    let r = kaohe(&["run", l, "--out", o, "--lang", "en"]);
    assert!(
        text(&r).contains("2026-03: unchanged, skipped"),
        "{}",
        text(&r)
    );
}

#[test]
fn check_validates_the_scheme_it_is_given() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("方案.toml");
    std::fs::write(&bad, TINY_SCHEME.replace("weight = 60", "weight = 55")).unwrap();
    let r = kaohe(&[
        "check",
        "samples/ledgers",
        "--scheme",
        bad.to_str().unwrap(),
        "--out",
        tmp.path().join("问题.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r));
    // The weights 55 + 40 = 95, named as `run` names them.
    assert!(text(&r).contains("95"), "{}", text(&r));
}

#[test]
fn a_relative_ledger_folder_finds_the_scheme_and_the_manifest_names_it_absolutely() {
    let tmp = tempfile::tempdir().unwrap();
    let (ledgers, scheme) = tiny(tmp.path());
    let out = tmp.path().join("out");
    // `cd ledgers && kaohe run .`: the scheme one folder up is found.
    let r = kaohe_in(&ledgers, &["run", ".", "--out", out.to_str().unwrap()]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    let m = kaohe::store::read_manifest(&out.join("2026-03")).unwrap();
    assert_eq!(
        Path::new(&m.scheme_file),
        scheme.canonicalize().unwrap(),
        "absolute, so that mail finds it from anywhere"
    );
    // Mail from another folder finds the scheme's sender: the dry run is
    // clean.
    let r = kaohe_in(tmp.path(), &["mail", "out/2026-03", "--dry-run"]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    assert!(
        text(&r).contains("人力资源部 <hr@example.com>"),
        "{}",
        text(&r)
    );
    // The scheme gone: mail says so, and the dry run, like the real run,
    // fails for want of a sender.
    std::fs::remove_file(&scheme).unwrap();
    let r = kaohe_in(tmp.path(), &["mail", "out/2026-03", "--dry-run"]);
    assert_eq!(r.status.code(), Some(2), "{}", text(&r));
    assert!(
        text(&r).contains("找不到本期使用的考核方案"),
        "{}",
        text(&r)
    );
    assert!(text(&r).contains("实际发送前需要发件人"), "{}", text(&r));
}

#[test]
fn generators_refuse_a_folder_that_holds_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("人员表.xlsx"), b"filled in").unwrap();
    let d = dir.to_str().unwrap();
    for args in [&["templates", d][..], &["demo-data", d, "--months", "1"]] {
        let r = kaohe(args);
        assert_eq!(r.status.code(), Some(2), "{args:?}: {}", text(&r));
        assert!(text(&r).contains("文件夹不是空的"), "{}", text(&r));
    }
    assert_eq!(
        std::fs::read(dir.join("人员表.xlsx")).unwrap(),
        b"filled in"
    );
    // Into new folders: templates with the scheme presets; demo data with
    // the sample scheme, so that `kaohe run` works at once.
    let t = tmp.path().join("templates");
    assert_eq!(
        kaohe(&["templates", t.to_str().unwrap()]).status.code(),
        Some(0)
    );
    assert!(t.join("schemes/商务专员-B2B.toml").is_file());
    let demo = tmp.path().join("demo");
    let r = kaohe(&["demo-data", demo.to_str().unwrap(), "--months", "2"]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    let out = tmp.path().join("out");
    let r = kaohe(&[
        "run",
        demo.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    // --force writes over.
    assert_eq!(kaohe(&["templates", d, "--force"]).status.code(), Some(0));
}

#[test]
fn command_line_mistakes_get_a_hint_and_exit_codes_agree() {
    let r = kaohe(&["run", "samples/ledgers", "--month", "2026-03"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r).contains("没有 --month 选项：计算一个月请用 --period 2026-03"),
        "{}",
        text(&r)
    );
    // explain without an indicator lists them, with their Chinese names.
    let r = kaohe(&["explain"]);
    assert_eq!(r.status.code(), Some(0));
    assert!(text(&r).contains("collection_rate"), "{}", text(&r));
    assert!(text(&r).contains("回款率"), "{}", text(&r));
    let r = kaohe(&["mail", "out/2026-03"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r).contains("--dry-run（只看将发给谁）"),
        "{}",
        text(&r)
    );
    let tmp = tempfile::tempdir().unwrap();
    let o = tmp.path().join("out");
    let r = kaohe(&[
        "run",
        "samples/ledgers",
        "--period",
        "2026-3月",
        "--out",
        o.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    assert!(
        text(&r).contains("月份写 2026-03 或 2026年3月"),
        "{}",
        text(&r)
    );
    // A folder that does not exist is a usage error for run and check; a
    // folder that is no period folder, for issue and mail.
    let missing = tmp.path().join("nope");
    let m = missing.to_str().unwrap();
    assert_eq!(
        kaohe(&["run", m, "--out", o.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    let x = tmp.path().join("x.xlsx");
    assert_eq!(
        kaohe(&["check", m, "--out", x.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    let plain = tmp.path().to_str().unwrap();
    assert_eq!(kaohe(&["issue", plain]).status.code(), Some(2));
    assert_eq!(kaohe(&["mail", plain, "--dry-run"]).status.code(), Some(2));
}

#[test]
fn rep_ids_in_mail_are_matched_without_case() {
    let tmp = tempfile::tempdir().unwrap();
    let (ledgers, _) = tiny(tmp.path());
    let out = tmp.path().join("out");
    assert_eq!(
        kaohe(&[
            "run",
            ledgers.to_str().unwrap(),
            "--out",
            out.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let p = out.join("2026-03");
    let r = kaohe(&["mail", p.to_str().unwrap(), "--dry-run", "--rep", "s002"]);
    let t = text(&r);
    assert!(t.contains("S002 李四"), "{t}");
    assert!(!t.contains("S001 张三"), "{t}");
}

#[test]
fn months_that_reuse_file_names_keep_their_folder_in_every_address() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = kaohe(&[
        "run",
        "samples/ledgers",
        "--period",
        "2026-03",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0));
    let mut book = open_workbook_auto(out.join("2026-03/S002_陈颖_2026-03.xlsx")).unwrap();
    let all: Vec<String> = book
        .sheet_names()
        .into_iter()
        .flat_map(|n| {
            book.worksheet_range(&n)
                .map(|r| r.cells().map(|(_, _, c)| c.to_string()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
        .filter(|c| c.contains(".xlsx!"))
        .collect();
    assert!(!all.is_empty());
    assert!(
        all.iter()
            .all(|c| c.starts_with("2026-") && c.contains("/")),
        "{all:?}"
    );
}

#[test]
fn an_excel_owner_file_is_skipped_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let (ledgers, _) = tiny(tmp.path());
    std::fs::write(ledgers.join("2026-03/~$台账_2026-03.xlsx"), b"owner").unwrap();
    let out = tmp.path().join("out");
    let r = kaohe(&[
        "run",
        ledgers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    assert!(
        text(&r).contains("2026-03/~$台账_2026-03.xlsx：Excel/WPS 的锁定文件，2026-03/…台账_2026-03.xlsx 可能正在 Excel 中打开，未保存的修改不会被计入"),
        "{}",
        text(&r)
    );
}

#[test]
fn a_second_run_is_refused_before_it_reads_anything() {
    let tmp = tempfile::tempdir().unwrap();
    let (ledgers, _) = tiny(tmp.path());
    let out = tmp.path().join("out");
    let _held = kaohe::store::lock(&out, kaohe::Lang::Zh).unwrap().unwrap();
    let r = kaohe(&[
        "run",
        ledgers.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2));
    let t = text(&r);
    assert!(t.contains("另一个 kaohe 正在写入这个输出文件夹"), "{t}");
    assert!(!t.contains("读取台账"), "refused before reading: {t}");
}

#[test]
fn english_workbooks_name_the_standard_dimensions_in_english() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let r = kaohe(&[
        "run",
        "samples/ledgers",
        "--period",
        "2026-03",
        "--lang",
        "en",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(0), "{}", text(&r));
    let wb = out.join("2026-03/S002_陈颖_2026-03.xlsx");
    assert_eq!(cell(&wb, (2, 1)), "2026-03 (2026-03-01 — 2026-03-31)");
    assert_eq!(cell(&wb, (6, 0)), "Performance output");
    let mut book = open_workbook_auto(&wb).unwrap();
    let range = book.worksheet_range("Scorecard").unwrap();
    let texts: Vec<String> = range.cells().map(|(_, _, c)| c.to_string()).collect();
    for chinese in ["业绩产出", "客户运营", "流程执行", "协作配合"] {
        assert!(
            !texts.iter().any(|t| t == chinese),
            "{chinese} in {texts:?}"
        );
    }
    assert!(
        texts.iter().any(|t| t.starts_with("Team average (")),
        "{texts:?}"
    );
}

//! What a new user trips over in what kaohe writes and says: step-scored
//! indicators and per-profile options shown in the 考核表, achievement
//! values formatted as ratios and statistics split by scoring basis in the
//! team summary, and a renamed ledger column explained with the
//! `[columns]` alias that maps it.

use std::path::Path;
use std::sync::Mutex;

use calamine::{Data, DataType, Range, Reader, Xlsx};

use kaohe::compute::assess::compute;
use kaohe::compute::testkit::*;
use kaohe::compute::Index;
use kaohe::input::dataset::{Dataset, Problem};
use kaohe::output::summary::{team_summary, AsOf};
use kaohe::output::{rep_workbooks, Extras};
use kaohe::period::Period;
use kaohe::scheme::{ColumnAliases, Scheme};
use kaohe::Lang;

/// Two profiles that use 跟进量 differently: 招商 counts visits only,
/// absolutely (20 / 30 a month); B2C scores every follow-up against the
/// targets' 跟进量目标 (80 % / 120 %).
const SCHEME: &str = r#"
name = "新人方案"
version = "1"
[[profiles]]
name = "招商专员"
roles = ["招商专员"]
indicators = [
  { code = "key_project_signings", weight = 40, method = "steps", steps = [[1, 60], [2, 80], [3, 100]] },
  { code = "followups", weight = 40, pass = 20, excellent = 30, methods = ["拜访"] },
  { code = "rating:协作响应速度", weight = 20, scale = 5, raters = { "上级" = 0.6, "同级" = 0.4 } },
  { code = "ledger_completeness", gate = true, pass = 0.95, penalty = 5 },
]
[[profiles]]
name = "商务专员-B2C"
roles = ["商务专员-B2C"]
indicators = [
  { code = "followups", weight = 100, target = "followup_target", pass = 0.8, excellent = 1.2 },
]
"#;

/// March 2026: S001 (招商) signs 2 key-project contracts, visits 3 times
/// and calls twice, and is rated 4 by the supervisor and 3 by a peer;
/// S002 (B2C) follows up 5 times against a target of 10.
fn ledgers() -> (Dataset, Scheme) {
    let scheme = Scheme::parse(SCHEME, "新人方案.toml").unwrap();
    let mut l = Ledger::new();
    let a = l.rep("S001", "张三", "招商专员", "2020-01-01");
    let b = l.rep("S002", "李四", "商务专员-B2C", "2020-01-01");
    for (id, day) in [("HT1", "2026-03-05"), ("HT2", "2026-03-20")] {
        l.contract(id, "KH1", a, day, "10000").key_project = Some(true);
    }
    for (i, method) in ["visit", "visit", "visit", "call", "call"]
        .into_iter()
        .enumerate()
    {
        l.followup(a, "KH1", &format!("2026-03-{:02} 10:00", i + 2), None)
            .method = Some(kaohe::input::model::Code::of(method));
    }
    for (i, method) in ["call", "call", "call", "wechat", "wechat"]
        .into_iter()
        .enumerate()
    {
        l.followup(b, "KH2", &format!("2026-03-{:02} 10:00", i + 2), None)
            .method = Some(kaohe::input::model::Code::of(method));
    }
    l.target(b, "2026-03").followup_target = Some(dec("10"));
    l.score(a, "2026-03", "协作响应速度", Some("supervisor"), "4");
    l.score(a, "2026-03", "协作响应速度", Some("peer"), "3");
    let mut ds = l.build();
    kaohe::compute::assess::check_scores(&mut ds, &scheme);
    (ds, scheme)
}

/// The 考核表 sheet of one rep's workbook of a period.
fn scorecard(ds: &Dataset, scheme: &Scheme, p: &str, rep_id: &str, lang: Lang) -> Range<Data> {
    let p = Period::parse(p).unwrap();
    let results = compute(ds, scheme, &[p]);
    let books: Mutex<Vec<(String, Vec<u8>)>> = Mutex::new(Vec::new());
    let save = |name: &str, bytes: &[u8]| -> anyhow::Result<()> {
        books
            .lock()
            .unwrap()
            .push((name.to_string(), bytes.to_vec()));
        Ok(())
    };
    rep_workbooks(
        ds,
        &Index::new(ds),
        scheme,
        p,
        &results,
        &save,
        lang,
        &Extras::default(),
        None,
    )
    .unwrap();
    let books = books.into_inner().unwrap();
    let (_, bytes) = books
        .iter()
        .find(|(name, _)| name.starts_with(rep_id))
        .unwrap_or_else(|| panic!("no workbook for {rep_id}"));
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
    wb.worksheet_range(lang.pick("考核表", "Scorecard"))
        .unwrap()
}

fn text(r: &Range<Data>, row: usize, col: usize) -> String {
    r.get_value((row as u32, col as u32))
        .map(|c| c.to_string())
        .unwrap_or_default()
}

fn number(r: &Range<Data>, row: usize, col: usize) -> Option<f64> {
    r.get_value((row as u32, col as u32))
        .and_then(|c| c.get_float())
}

/// The sheet row whose column `col` reads `want` (absolute row index).
fn row_of(r: &Range<Data>, col: usize, want: &str) -> usize {
    let (top, _) = r.start().unwrap();
    let (bottom, _) = r.end().unwrap();
    (top as usize..=bottom as usize)
        .find(|&row| text(r, row, col) == want)
        .unwrap_or_else(|| panic!("no row with {want} in column {col}"))
}

#[test]
fn steps_and_options_show_in_the_scorecard() {
    let (ds, scheme) = ledgers();
    let r = scorecard(&ds, &scheme, "2026-03", "S001", Lang::Zh);
    // Columns: 维度 指标 权重 方案权重 达标线 优秀线 目标 实际值 考核值 得分
    // 加权得分 评分标准 说明.
    let key = row_of(&r, 1, "重点项目签约数");
    assert_eq!(text(&r, key, 4), "见评分标准");
    assert_eq!(
        text(&r, key, 11),
        "阶梯：≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）"
    );
    assert_eq!(
        text(&r, key, 12),
        "数据来源：回款台账（重点项目、签约日期）"
    );
    // 2 signings: the largest threshold ≤ 2 is 2 → 80.
    assert_eq!(number(&r, key, 8), Some(2.0));
    assert_eq!(number(&r, key, 9), Some(80.0));

    let fu = row_of(&r, 1, "跟进量");
    assert_eq!(
        text(&r, fu, 11),
        "考核值 ≥ 30 得 100 分；= 20 得 60 分；之间按比例；低于 20 按 60×考核值÷20"
    );
    assert_eq!(
        text(&r, fu, 12),
        "只计跟进方式：拜访；数据来源：跟进记录（跟进时间、跟进方式）"
    );
    // 3 visits (the 2 calls are not counted), below the pass line 20:
    // 60 × 3 ÷ 20 = 9.
    assert_eq!(number(&r, fu, 8), Some(3.0));
    assert_eq!(number(&r, fu, 9), Some(9.0));

    let rating = row_of(&r, 1, "协作响应速度");
    assert_eq!(
        text(&r, rating, 11),
        "人工评分（5 分制）：得分 = 评分 ÷ 5 × 100"
    );
    assert_eq!(
        text(&r, rating, 12),
        "5 分制；评分人及权重：上级 ×0.6、同级 ×0.4；数据来源：评分表（指标、分值、评分来源）；人工评分，可修改得分"
    );
    // (4 × 0.6 + 3 × 0.4) ÷ (0.6 + 0.4) = 3.6; 3.6 ÷ 5 × 100 = 72.
    assert_eq!(number(&r, rating, 8), Some(3.6));
    assert_eq!(number(&r, rating, 9), Some(72.0));

    // The gate row, below the weighted lines: its rule names the penalty,
    // its note the result; its score cell holds no text.
    let gate = row_of(&r, 1, "台账填写完整率");
    assert!(gate > rating);
    assert_eq!(text(&r, gate, 11), "考核值 ≥ 95% 为达标；未达标扣 5 分");
    assert!(
        text(&r, gate, 12).starts_with("结果："),
        "{}",
        text(&r, gate, 12)
    );
    assert_eq!(text(&r, gate, 9), "");

    // A quarter: thresholds × 3 months; 2 signings are below 3 → 0.
    let q = scorecard(&ds, &scheme, "2026-Q1", "S001", Lang::En);
    let key = row_of(&q, 1, "Key-project signings");
    assert_eq!(text(&q, key, 4), "see rule");
    assert_eq!(
        text(&q, key, 11),
        "steps: ≥3: 60; ≥6: 80; ≥9: 100 (below 3: 0) (monthly lines ×3)"
    );
    assert_eq!(number(&q, key, 9), Some(0.0));

    // The B2C rep's follow-ups are an achievement against the target.
    let r = scorecard(&ds, &scheme, "2026-03", "S002", Lang::Zh);
    let fu = row_of(&r, 1, "跟进量");
    assert_eq!(
        text(&r, fu, 11),
        "达成率 ≥ 120% 得 100 分；= 80% 得 60 分；之间按比例；低于 80% 按 60×达成率÷80%"
    );
    assert_eq!(
        text(&r, fu, 12),
        "对目标表「跟进量目标」(followup_target) 计达成率；目标来源：目标表；数据来源：跟进记录（跟进时间）；目标表（跟进量目标）"
    );
    // 5 follow-ups ÷ target 10 = 0.5, below 0.8: 60 × 0.5 ÷ 0.8 = 37.5.
    assert_eq!(number(&r, fu, 8), Some(0.5));
    assert_eq!(number(&r, fu, 9), Some(37.5));
}

/// The number format of a cell of a summary sheet.
fn format_of(bytes: &[u8], sheet: &str, row: usize, col: usize) -> String {
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let styles = wb.worksheet_style(sheet).unwrap();
    styles
        .get((row as u32, col as u32))
        .and_then(|s| s.number_format.as_ref())
        .map(|f| f.format_code.clone())
        .unwrap_or_default()
}

fn column(r: &Range<Data>, header: &str) -> usize {
    (0..r.width())
        .find(|&c| text(r, 0, c) == header)
        .unwrap_or_else(|| panic!("no column {header}"))
}

#[test]
fn summary_keeps_counts_and_ratios_apart() {
    let (ds, scheme) = ledgers();
    let p = Period::parse("2026-03").unwrap();
    let results = compute(&ds, &scheme, &[p]);
    let bytes = team_summary(
        &ds,
        &scheme,
        p,
        &results,
        &AsOf::at(p.last_day()),
        None,
        &kaohe::output::summary::apply::Applied::none(),
        Lang::Zh,
    )
    .unwrap()
    .save_to_buffer()
    .unwrap();
    let mut wb = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();

    // 指标统计: one row per way 跟进量 is measured, never one mean of
    // 3 visits and a 50 % achievement.
    let s = wb.worksheet_range("指标统计").unwrap();
    let (code, basis, unit, mean, reps) = (
        column(&s, "指标代码"),
        column(&s, "口径"),
        column(&s, "单位"),
        column(&s, "均值"),
        column(&s, "人数"),
    );
    let rows: Vec<usize> = (1..s.height())
        .filter(|&r| text(&s, r, code) == "followups")
        .collect();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let visits = rows
        .iter()
        .copied()
        .find(|&r| text(&s, r, basis) == "只计跟进方式：拜访")
        .expect("the visits row");
    let target = rows
        .iter()
        .copied()
        .find(|&r| text(&s, r, basis) == "对目标表「跟进量目标」(followup_target) 计达成率")
        .expect("the achievement row");
    assert_eq!(number(&s, visits, reps), Some(1.0));
    assert_eq!(number(&s, visits, mean), Some(3.0));
    assert_eq!(format_of(&bytes, "指标统计", visits, mean), "0.00");
    assert_eq!(number(&s, target, mean), Some(0.5));
    assert_eq!(text(&s, target, unit), "%");
    assert_eq!(format_of(&bytes, "指标统计", target, mean), "0.00%");
    // Key-project signings and the rating are measured one way each.
    let key = (1..s.height())
        .find(|&r| text(&s, r, code) == "key_project_signings")
        .unwrap();
    assert_eq!(text(&s, key, basis), "按实际值");

    // 未达标预警: the B2C rep's value and lines are ratios too.
    let w = wb.worksheet_range("未达标预警").unwrap();
    let (id, value, pass) = (
        column(&w, "工号"),
        column(&w, "考核值"),
        column(&w, "达标线"),
    );
    let b2c = (1..w.height())
        .find(|&r| text(&w, r, id) == "S002")
        .unwrap();
    assert_eq!(number(&w, b2c, value), Some(0.5));
    assert_eq!(format_of(&bytes, "未达标预警", b2c, value), "0.00%");
    assert_eq!(format_of(&bytes, "未达标预警", b2c, pass), "0.00%");
    let zs = (1..w.height())
        .find(|&r| text(&w, r, id) == "S001" && text(&w, r, column(&w, "指标代码")) == "followups")
        .unwrap();
    assert_eq!(format_of(&bytes, "未达标预警", zs, value), "0.00");

    // 方法说明: the steps and the options of each entry, no 线性 for a gate.
    let m = wb.worksheet_range("方法说明").unwrap();
    let head = (0..m.height())
        .find(|&r| text(&m, r, 0) == "考核方案" && text(&m, r, 1) == "类别")
        .expect("the indicators table");
    let (how, opts) = (
        (0..m.width())
            .find(|&c| text(&m, head, c) == "计分方法")
            .unwrap(),
        (0..m.width())
            .find(|&c| text(&m, head, c) == "口径与选项")
            .unwrap(),
    );
    let line = |code: &str| {
        (head..m.height())
            .find(|&r| text(&m, r, 3) == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    assert_eq!(
        text(&m, line("key_project_signings"), how),
        "阶梯计分：≥1 得 60；≥2 得 80；≥3 得 100（低于 1 得 0）"
    );
    assert_eq!(text(&m, line("ledger_completeness"), how), "达标项");
    assert_eq!(
        text(&m, line("rating:协作响应速度"), opts),
        "5 分制；评分人及权重：上级 ×0.6、同级 ×0.4"
    );
}

/// A payments sheet whose header says 合同总额 instead of 合同金额: the
/// message names the header not recognised and the `[columns]` line that
/// maps it; with that line in the scheme the sheet reads.
#[test]
fn a_renamed_column_says_how_to_map_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("ledgers");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("回款.csv"),
        "合同编号,客户编号,商务专员,签约日期,合同总额,应回款金额,应回款日期,备注\nHT1,KH1,S001,2026-03-05,10000,10000,2026-03-05,首单\n",
    )
    .unwrap();
    let ds = kaohe::input::dataset::load(&dir, &ColumnAliases::default()).unwrap();
    let msg = |lang: Lang| -> String {
        ds.problems
            .iter()
            .find(|p| matches!(p, Problem::MissingColumns { .. }))
            .expect("a missing column")
            .message(lang)
    };
    assert_eq!(
        msg(Lang::Zh),
        "回款.csv：工作表“CSV”像是回款台账，但缺少必填列：合同金额。表头中未识别的列：合同总额、备注。若它就是缺少的列，请在考核方案的 [columns] 中加别名，例如：\"payments.contract_amount\" = \"合同总额\"；否则请补上这些列标题。"
    );
    assert_eq!(
        msg(Lang::En),
        "回款.csv: sheet 'CSV' looks like Payments but lacks the required column(s) 合同金额; headers found but not recognised: 合同总额, 备注. If one of them is the missing column, map it with an alias in the scheme's [columns] table, e.g. \"payments.contract_amount\" = \"合同总额\"; otherwise add these headers."
    );

    // The line the message suggests, in a scheme: the sheet reads.
    let aliases =
        kaohe::scheme::parse_aliases("[columns]\n\"payments.contract_amount\" = \"合同总额\"\n")
            .unwrap();
    let ds = kaohe::input::dataset::load(&dir, &aliases).unwrap();
    assert!(
        !ds.problems
            .iter()
            .any(|p| matches!(p, Problem::MissingColumns { .. })),
        "{:?}",
        ds.problems
    );
    // Recognised as payments, 合同总额 read as the contract amount (the
    // row itself names a rep no roster has: left out, as any such row).
    let sheet = &ds.sheets[0];
    assert_eq!(sheet.kind(), Some(kaohe::input::columns::Kind::Payments));
    assert_eq!(
        sheet.column("contract_amount").map(|(_, h)| h.to_string()),
        Some("合同总额".to_string())
    );
}

/// `kaohe explain --scheme`: the preset 招商's follow-ups count visits
/// only; a gate is a gate and a rating names its scale and raters.
#[test]
fn explain_shows_the_options_of_each_profile() {
    let preset =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("workbook-templates/schemes/招商专员.toml");
    let run = |code: &str| {
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(["explain", code, "--scheme", preset.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    let out = run("followups");
    assert!(
        out.contains("招商专员 / 常规: 权重 8，达标 20 / 优秀 30，线性，只计跟进方式：拜访"),
        "{out}"
    );
    let out = run("ledger_completeness");
    assert!(out.contains("达标项，未达标扣 5 分，达标线 1"), "{out}");
    assert!(!out.contains("线性"), "{out}");
    let out = run("rating:协作任务质量");
    assert!(out.contains("人工评分"), "{out}");
    assert!(out.contains("10 分制"), "{out}");
    assert!(
        out.contains("评分人及权重：上级 ×0.6、协作部门 ×0.4"),
        "{out}"
    );
    assert!(!out.contains("线性"), "{out}");
}

/// A scheme saved in GBK (Chinese Windows Notepad's default) loads as the
/// same scheme, `[columns]` included, and `kaohe explain` reads it; a
/// file in no known encoding asks for UTF-8.
#[test]
fn a_gbk_scheme_file_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let utf8 = tmp.path().join("utf8.toml");
    let gbk = tmp.path().join("gbk.toml");
    let text = format!("{SCHEME}[columns]\ncustomer_id = \"客户代码\"\n");
    std::fs::write(&utf8, &text).unwrap();
    let (bytes, _, bad) = encoding_rs::GBK.encode(&text);
    assert!(!bad);
    std::fs::write(&gbk, &bytes).unwrap();
    let a = Scheme::load(&utf8).unwrap();
    let b = Scheme::load(&gbk).unwrap();
    assert_eq!(b.name, "新人方案");
    assert_eq!(b.versions, a.versions);
    assert_eq!(b.columns, a.columns);
    assert_eq!(kaohe::scheme::load_aliases(&gbk).unwrap(), a.columns);
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(["explain", "followups", "--scheme", gbk.to_str().unwrap()])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("招商专员 / 常规"), "{out}");

    std::fs::write(&gbk, b"name = \"\xff\xfe\xfd\"\n").unwrap();
    let e = Scheme::load(&gbk).unwrap_err().to_string();
    assert!(e.contains("请把方案另存为 UTF-8"), "{e}");
}

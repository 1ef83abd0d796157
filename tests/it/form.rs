//! The 考核表 as the form HR signs (issue "the 考核表 as the form HR
//! signs"): header (考核人, 填表日期, form number, footer), effective
//! weights, scoring rules in words, numbers-only score column, the bonus
//! line as a formula over the bonus rows, and no machine path in any output.
//! On the samples' 2026-03, S002 陈颖 (商务专员-B2B).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use kaohe::cli::run::{run_batch, Options};
use kaohe::compute::assess::Selection;
use kaohe::period::{Period, YearMonth};
use kaohe::progress::Mode;
use kaohe::Lang;

const MARCH: Period = Period::Month(YearMonth {
    year: 2026,
    month: 3,
});

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn options(scheme: &Path, out: &Path, lang: Lang) -> Options {
    Options {
        ledger_dir: root().join("samples/ledgers"),
        sel: Selection::One(MARCH),
        scheme: Some(scheme.to_path_buf()),
        out: out.to_path_buf(),
        lang,
        strict: false,
        force: false,
        reissue: false,
        progress: Mode::Quiet,
        limits: Default::default(),
    }
}

/// Every part of a workbook (zip entry name → text).
fn parts(path: &Path) -> BTreeMap<String, String> {
    let bytes = std::fs::read(path).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            (f.name().to_string(), s)
        })
        .collect()
}

fn rows(wb: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let mut book = open_workbook_auto(wb).unwrap();
    let range = book.worksheet_range(sheet).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn text(d: &Data) -> String {
    match d {
        Data::Float(f) => format!("{f}"),
        d => d.to_string(),
    }
}

fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The samples' S002 workbook of 2026-03, with the scheme copied into a
/// folder of its own and named by its absolute path.
fn s002(tmp: &Path, lang: Lang) -> (PathBuf, PathBuf) {
    let scheme = tmp.join("方案目录/考核方案.toml");
    std::fs::create_dir_all(scheme.parent().unwrap()).unwrap();
    std::fs::copy(root().join("samples/考核方案.toml"), &scheme).unwrap();
    let out = tmp.join("out");
    let r = run_batch(&options(&scheme, &out, lang)).unwrap();
    assert_eq!(r.exit, 0);
    (out.join("2026-03"), scheme)
}

/// One run of the samples' 2026-03 in Chinese, shared by the tests that
/// only read its workbooks: the period folder.
fn shared_march() -> &'static Path {
    static RUN: std::sync::OnceLock<(tempfile::TempDir, PathBuf)> = std::sync::OnceLock::new();
    let (_, period) = RUN.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let (period, _) = s002(tmp.path(), Lang::Zh);
        (tmp, period)
    });
    period
}

/// S002's effective weights (the preset's senior variant). W = 90: the
/// scheme weights 25, 20, 5, 5, 5, 5, 5, 5, 10, 5 of the lines with a score
/// (老客户复购率 6 and 客户流失率 4 are N/A). Each × 100 ÷ 90, floored to
/// hundredths: 27.77, 22.22, 5.55 (seven times), 11.11 = 99.95; the 5
/// hundredths short go to the largest remainders: 25 → 27.777… first, then
/// four of the seven 5.555… (ties to the line higher up: 新客户开发数量,
/// 客户满意度, 客户转介绍数量, 新线索24小时跟进率). So 27.78, 22.22, 5.56,
/// 5.56, 5.56, 5.56, 5.55, 5.55, 11.11, 5.55 = 100, and the N/A rows have
/// none.
#[test]
fn effective_weights_add_up_to_100_and_the_scheme_weights_sit_beside() {
    let period = shared_march();
    let card = rows(&period.join("S002_陈颖_2026-03.xlsx"), "考核表");
    let head = card.iter().position(|r| text(&r[1]) == "指标").unwrap();
    assert_eq!(text(&card[head][2]), "权重");
    assert_eq!(text(&card[head][3]), "方案权重");
    let lines: Vec<&Vec<Data>> = card[head + 1..]
        .iter()
        .take_while(|r| text(&r[1]) != "权重合计")
        .filter(|r| text(&r[1]) != "小计")
        .collect();
    let got: Vec<(String, Option<f64>, Option<f64>)> = lines
        .iter()
        .map(|r| (text(&r[1]), num(&r[2]), num(&r[3])))
        .collect();
    let want = [
        ("销售额达成率", Some(27.78), 25.0),
        ("回款率", Some(22.22), 20.0),
        ("新客户开发数量", Some(5.56), 5.0),
        ("老客户复购率", None, 6.0),
        ("客户流失率 ↓", None, 4.0),
        ("客户满意度", Some(5.56), 5.0),
        ("客户转介绍数量", Some(5.56), 5.0),
        ("新线索24小时跟进率", Some(5.56), 5.0),
        ("意向客户跟进达标率", Some(5.55), 5.0),
        ("合同审批及时率", Some(5.55), 5.0),
        ("团队帮扶", Some(11.11), 10.0),
        ("协作任务质量", Some(5.55), 5.0),
    ];
    let want: Vec<(String, Option<f64>, Option<f64>)> = want
        .iter()
        .map(|(n, e, w)| (n.to_string(), *e, Some(*w)))
        .collect();
    assert_eq!(got, want);
    let sum: f64 = got.iter().filter_map(|g| g.1).sum();
    assert!((sum - 100.0).abs() < 1e-9, "{sum}");
    // The totals row: 100 (cached result of its formula) and W = 90.
    let total = card.iter().find(|r| text(&r[1]) == "权重合计").unwrap();
    assert_eq!(num(&total[2]), Some(100.0));
    assert_eq!(num(&total[3]), Some(90.0));
}

#[test]
fn the_header_names_assessor_date_form_number_and_the_footer_pages() {
    let period = shared_march();
    let wb = period.join("S002_陈颖_2026-03.xlsx");
    let card = rows(&wb, "考核表");
    // The roster's 直属领导 of S002 is S001 袁蕾.
    assert_eq!(text(&card[3][0]), "考核人");
    assert_eq!(text(&card[3][1]), "袁蕾");
    // The ledgers run to December: their as-of date is 2026-12-31.
    assert_eq!(text(&card[2][11]), "填表日期");
    assert_eq!(text(&card[2][12]), "2026-12-31");
    assert_eq!(text(&card[1][11]), "表单编号");
    assert_eq!(text(&card[1][12]), "S002-2026-03-2026.1");
    // Role and profile are the same words: printed once (with the senior
    // variant S002 is assessed by).
    assert_eq!(text(&card[1][6]), "岗位/方案");
    assert_eq!(text(&card[1][7]), "商务专员-B2B（资深）");
    let sheet = &parts(&wb)["xl/worksheets/sheet1.xml"];
    assert!(
        sheet.contains("<oddFooter>&amp;L&amp;8S002-2026-03-2026.1&amp;C&amp;8第 &amp;P 页，共 &amp;N 页&amp;R&amp;8表单版本 2026.1</oddFooter>"),
        "{}",
        &sheet[sheet.find("<headerFooter").unwrap_or(0)..]
    );
    // The grade legend from the scheme: S ≥ 90 · 1.5 … D < 60 · 0.
    let legend: Vec<String> = card
        .iter()
        .skip_while(|r| !(text(&r[0]) == "等级" && text(&r[1]) == "总分"))
        .skip(1)
        .take(5)
        .map(|r| format!("{} {} {}", text(&r[0]), text(&r[1]), text(&r[2])))
        .collect();
    assert_eq!(
        legend,
        [
            "S ≥ 90 1.5",
            "A ≥ 80 1.2",
            "B ≥ 70 1",
            "C ≥ 60 0.8",
            "D < 60 0"
        ]
    );
}

#[test]
fn scores_are_numbers_and_bonus_deductions_and_veto_are_formulas_over_the_adjustments() {
    let period = shared_march();
    let wb = period.join("S002_陈颖_2026-03.xlsx");
    let card = rows(&wb, "考核表");
    let head = card.iter().position(|r| text(&r[1]) == "指标").unwrap();
    assert_eq!(text(&card[head][9]), "得分");
    // The indicator table, the manual ratings and the gates: up to the
    // adjustments.
    for r in card[head + 1..]
        .iter()
        .take_while(|r| !text(&r[0]).starts_with("调整"))
    {
        // Header rows: the table's and the manual ratings' (折算得分).
        if matches!(text(&r[9]).as_str(), "得分" | "折算得分") {
            continue;
        }
        assert!(
            matches!(r[9], Data::Float(_) | Data::Int(_) | Data::Empty),
            "text in the score column: {:?}",
            r
        );
    }
    // The gate row (台账填写完整率; S002's March misses the preset's 100 %):
    // no score, its result in the note.
    let gate = card
        .iter()
        .find(|r| text(&r[1]) == "台账填写完整率")
        .unwrap();
    assert_eq!(gate[9], Data::Empty);
    assert!(
        text(&gate[12]).starts_with("结果：未达标"),
        "{}",
        text(&gate[12])
    );
    let sheet = &parts(&wb)["xl/worksheets/sheet1.xml"];
    assert!(!sheet.contains("MIN(0,10)"));
    assert!(
        sheet.contains("<f>MIN(SUMIF(A"),
        "no bonus formula over rows"
    );
}

/// No output names a path of the machine it ran on: the scheme given by
/// its absolute path shows by name; the ledger folder never shows.
#[test]
fn no_output_names_a_machine_path() {
    let tmp = tempfile::tempdir().unwrap();
    let (period, scheme) = s002(tmp.path(), Lang::Zh);
    // A changed scheme: the 变更 sheet names it too.
    let text0 = std::fs::read_to_string(&scheme).unwrap();
    std::fs::write(&scheme, text0.replace("max_bonus = 10", "max_bonus = 8")).unwrap();
    let r = run_batch(&options(&scheme, &tmp.path().join("out"), Lang::Zh)).unwrap();
    assert_eq!(r.exit, 0);
    let machine = [
        tmp.path().display().to_string(),
        root().display().to_string(),
        "方案目录".to_string(),
    ];
    let mut checked = 0;
    for e in std::fs::read_dir(&period).unwrap() {
        let p = e.unwrap().path();
        let texts: Vec<String> = match p.extension().and_then(|x| x.to_str()) {
            Some("xlsx") => parts(&p).into_values().collect(),
            Some("csv") => vec![std::fs::read_to_string(&p).unwrap()],
            _ => continue,
        };
        for t in &texts {
            for m in &machine {
                assert!(!t.contains(m.as_str()), "{} names {m}", p.display());
            }
        }
        checked += 1;
    }
    assert!(checked > 20, "{checked}");
    let summary = rows(&period.join("团队汇总_2026-03.xlsx"), "方法说明");
    let file = summary.iter().find(|r| text(&r[0]) == "方案文件").unwrap();
    assert_eq!(text(&file[1]), "考核方案.toml");
    let changes = rows(&period.join("团队汇总_2026-03.xlsx"), "变更");
    assert!(
        changes.iter().any(|r| text(&r[0]) == "考核方案.toml"),
        "{changes:?}"
    );
}

/// The rows of the 考核表 from 确认与签字 on: (column A, column C, column G).
fn signoff_block(card: &[Vec<Data>]) -> Vec<(String, String, String)> {
    card.iter()
        .skip_while(|r| text(&r[0]) != "确认与签字")
        .skip(1)
        .filter(|r| !text(&r[0]).is_empty())
        .map(|r| (text(&r[0]), text(&r[2]), text(&r[6])))
        .collect()
}

#[test]
fn the_sign_off_chain_and_the_appeal_note_come_from_the_scheme() {
    // The samples' scheme has no [form]: the defaults.
    let tmp = tempfile::tempdir().unwrap();
    let (period, scheme) = s002(tmp.path(), Lang::Zh);
    let card = rows(&period.join("S002_陈颖_2026-03.xlsx"), "考核表");
    let line = |n: &str| {
        (
            n.to_string(),
            "签字：____________________".to_string(),
            "日期：______________".to_string(),
        )
    };
    let confirm = (
        "本人确认".to_string(),
        "本人已阅知以上考核结果：□ 无异议　□ 有异议（请按下方说明申诉）".to_string(),
        String::new(),
    );
    let appeal = |t: &str| (t.to_string(), String::new(), String::new());
    assert_eq!(
        signoff_block(&card),
        [
            confirm.clone(),
            line("被考核人"),
            line("直属领导"),
            line("部门负责人"),
            line("人力资源部"),
            appeal("如对考核结果有异议，请于 7 个工作日内向人力资源部提出申诉。"),
        ]
    );

    // A company's own chain and note.
    let text0 = std::fs::read_to_string(&scheme).unwrap();
    std::fs::write(
        &scheme,
        text0
            + "\n[form]\nsignoffs = [\"被考核人\", \"销售经理\", \"总经理\"]\n\
               appeal = \"如对考核结果有异议，请于 5 个工作日内向销售管理部书面申诉。\"\n",
    )
    .unwrap();
    let r = run_batch(&options(&scheme, &tmp.path().join("out"), Lang::Zh)).unwrap();
    assert_eq!(r.exit, 0);
    let card = rows(&period.join("S002_陈颖_2026-03.xlsx"), "考核表");
    assert_eq!(
        signoff_block(&card),
        [
            confirm,
            line("被考核人"),
            line("销售经理"),
            line("总经理"),
            appeal("如对考核结果有异议，请于 5 个工作日内向销售管理部书面申诉。"),
        ]
    );
}

/// The ranking: the company rank and the rank within the team (ties share
/// a rank, as the company's); 上期 total and grade computed from the
/// ledgers, as February's own run recorded them in its manifest; dimension columns named as weighted points; 制表 / 审核 /
/// 审批 lines; with `ranking_bonus = false` the bonus columns leave the
/// ranking (the amounts stay on the 奖金发放 sheet).
#[test]
fn the_ranking_has_team_ranks_last_periods_results_and_sign_off_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let scheme = tmp.path().join("考核方案.toml");
    let text0 = std::fs::read_to_string(root().join("samples/考核方案.toml")).unwrap();
    std::fs::write(&scheme, text0 + "\n[form]\nranking_bonus = false\n").unwrap();
    let out = tmp.path().join("out");
    let mut o = options(&scheme, &out, Lang::Zh);
    o.sel = Selection::One(Period::parse("2026-02").unwrap());
    assert_eq!(run_batch(&o).unwrap().exit, 0);
    assert_eq!(
        run_batch(&options(&scheme, &out, Lang::Zh)).unwrap().exit,
        0
    );
    let feb: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("2026-02/manifest.json")).unwrap())
            .unwrap();
    let summary = out.join("2026-03/团队汇总_2026-03.xlsx");
    let r = rows(&summary, "排名");
    let head: Vec<String> = r[0].iter().map(text).collect();
    let col = |h: &str| {
        head.iter()
            .position(|x| x == h)
            .unwrap_or_else(|| panic!("no {h} in {head:?}"))
    };
    assert_eq!(&head[..2], ["名次", "团队名次"]);
    assert!(head.contains(&"业绩产出（加权分）".to_string()), "{head:?}");
    assert!(!head.iter().any(|h| h.starts_with("绩效奖金")), "{head:?}");
    let (total, grade) = (col("总分"), col("等级"));
    assert_eq!(col("上期总分（2026-02）"), grade + 1);
    assert_eq!(col("上期等级（2026-02）"), grade + 2);
    let (team, id) = (col("团队"), col("工号"));
    let body: Vec<&Vec<Data>> = r[1..]
        .iter()
        .take_while(|x| !text(&x[id]).is_empty())
        .collect();
    // Each graded rep's team rank: 1 + the number of team mates with a
    // higher total; never more than the company rank.
    let mut graded = 0;
    for x in &body {
        let Some(t) = num(&x[total]) else { continue };
        graded += 1;
        let higher = body
            .iter()
            .filter(|y| text(&y[team]) == text(&x[team]))
            .filter(|y| num(&y[total]).is_some_and(|u| u > t))
            .count();
        assert_eq!(num(&x[1]), Some(1.0 + higher as f64), "{}", text(&x[id]));
        assert!(num(&x[1]) <= num(&x[0]));
        // 上期 as February's run has it.
        let before = feb["reps"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["rep_id"] == text(&x[id]).as_str())
            .unwrap();
        assert_eq!(
            num(&x[grade + 1]),
            before["total"].as_str().map(|v| v.parse::<f64>().unwrap()),
            "{}",
            text(&x[id])
        );
        assert_eq!(
            text(&x[grade + 2]),
            before["grade"].as_str().unwrap_or(""),
            "{}",
            text(&x[id])
        );
    }
    assert!(graded > 10);
    let tops = body.iter().filter(|x| num(&x[1]) == Some(1.0)).count();
    let teams: std::collections::BTreeSet<String> = body.iter().map(|x| text(&x[team])).collect();
    assert!(tops >= teams.len() - 1, "{tops} team leaders of {teams:?}");
    let below: Vec<String> = r[body.len() + 1..]
        .iter()
        .map(|x| text(&x[id]))
        .filter(|t| !t.is_empty())
        .collect();
    assert_eq!(below.len(), 3);
    assert!(below[0].starts_with("制表："), "{below:?}");
    // The bonus amounts are on the payout sheet: S002's is its 考核表's.
    let pay = rows(&summary, "奖金发放");
    let s002 = pay.iter().find(|x| text(&x[0]) == "S002").unwrap();
    let card = rows(&out.join("2026-03/S002_陈颖_2026-03.xlsx"), "考核表");
    let amount = card.iter().find(|x| text(&x[8]) == "绩效奖金").unwrap();
    assert_eq!(num(&s002[6]), num(&amount[10]));
    assert!(num(&s002[6]).is_some());
}

#[test]
fn english_workbooks_have_every_new_label_in_english() {
    let tmp = tempfile::tempdir().unwrap();
    let (period, _) = s002(tmp.path(), Lang::En);
    let card = rows(&period.join("S002_陈颖_2026-03.xlsx"), "Scorecard");
    let all: Vec<String> = card.iter().flatten().map(text).collect();
    for label in [
        "Assessor",
        "Date",
        "Form No.",
        "Weight",
        "Scheme weight",
        "Scoring rule",
        "Weights",
        "Acknowledgement and sign-off",
        "Rep's acknowledgement",
        "Rep",
        "Supervisor",
        "Department head",
        "Human resources",
        "Signature: ____________________",
        "Date: ______________",
        "↓ lower is better",
        "Self",
        "Others",
        "Combined",
        "How they combine",
        "Performance interview",
        "Interview date",
        "Interviewer",
        "Main issues",
        "Improvement actions",
        "Due by",
    ] {
        assert!(all.iter().any(|t| t == label), "no {label}");
    }
    // The samples' scheme has no [form]: the sign-off names are English
    // too; no cell of the form's own words is Chinese.
    for t in &all {
        for zh in [
            "考核人",
            "填表日期",
            "表单编号",
            "评分标准",
            "签字",
            "本人确认",
            "越低越好",
        ] {
            assert!(!t.contains(zh), "{t}");
        }
    }
}

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

/// S002's effective weights. W = 85: the scheme weights 25, 8, 7, 5, 10,
/// 8, 5, 5, 6, 6 of the lines with a score (老客户复购率 8 and 客户流失率
/// 7 are N/A). Each × 100 ÷ 85, floored to hundredths: 29.41, 9.41, 8.23,
/// 5.88, 11.76, 9.41, 5.88, 5.88, 7.05, 7.05 = 99.96; the 4 hundredths
/// short go to the largest remainders: 6 → 7.0588… (twice), 7 → 8.2352…,
/// 10 → 11.7647… So 29.41, 9.41, 8.24, 5.88, 11.77, 9.41, 5.88, 5.88,
/// 7.06, 7.06 = 100, and the N/A rows have none.
#[test]
fn effective_weights_add_up_to_100_and_the_scheme_weights_sit_beside() {
    let tmp = tempfile::tempdir().unwrap();
    let (period, _) = s002(tmp.path(), Lang::Zh);
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
        ("销售额达成率", Some(29.41), 25.0),
        ("首单回款率", Some(9.41), 8.0),
        ("尾款回款率", Some(8.24), 7.0),
        ("新客户开发数量", Some(5.88), 5.0),
        ("老客户复购率", None, 8.0),
        ("客户流失率 ↓", None, 7.0),
        ("客户满意度", Some(11.77), 10.0),
        ("新线索24小时跟进率", Some(9.41), 8.0),
        ("意向客户周跟进频次", Some(5.88), 5.0),
        ("合同审批及时率", Some(5.88), 5.0),
        ("协作响应速度", Some(7.06), 6.0),
        ("协作任务质量", Some(7.06), 6.0),
    ];
    let want: Vec<(String, Option<f64>, Option<f64>)> = want
        .iter()
        .map(|(n, e, w)| (n.to_string(), *e, Some(*w)))
        .collect();
    assert_eq!(got, want);
    let sum: f64 = got.iter().filter_map(|g| g.1).sum();
    assert!((sum - 100.0).abs() < 1e-9, "{sum}");
    // The totals row: 100 (cached result of its formula) and W = 85.
    let total = card.iter().find(|r| text(&r[1]) == "权重合计").unwrap();
    assert_eq!(num(&total[2]), Some(100.0));
    assert_eq!(num(&total[3]), Some(85.0));
}

#[test]
fn the_header_names_assessor_date_form_number_and_the_footer_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let (period, _) = s002(tmp.path(), Lang::Zh);
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
    // Role and profile are the same words: printed once.
    assert_eq!(text(&card[1][6]), "岗位/方案");
    assert_eq!(text(&card[1][7]), "商务专员-B2B");
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
    let tmp = tempfile::tempdir().unwrap();
    let (period, _) = s002(tmp.path(), Lang::Zh);
    let wb = period.join("S002_陈颖_2026-03.xlsx");
    let card = rows(&wb, "考核表");
    let head = card.iter().position(|r| text(&r[1]) == "指标").unwrap();
    assert_eq!(text(&card[head][9]), "得分");
    for r in &card[head + 1..] {
        if text(&r[9]) == "得分" {
            continue;
        }
        assert!(
            matches!(r[9], Data::Float(_) | Data::Int(_) | Data::Empty),
            "text in the score column: {:?}",
            r
        );
    }
    // The gate row (台账填写完整率): no score, its result in the note.
    let gate = card
        .iter()
        .find(|r| text(&r[1]) == "台账填写完整率")
        .unwrap();
    assert_eq!(gate[9], Data::Empty);
    assert!(
        text(&gate[12]).starts_with("结果：达标"),
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

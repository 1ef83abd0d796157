//! HR reviews in Excel and kaohe keeps every edit (SPEC 8 "HR review"): the
//! workbook round trip on the samples' 2026-03, S002 陈颖, with workbooks
//! edited and saved by LibreOffice and by openpyxl (tests/fixtures/review/).
//!
//! S002's scorecard, by hand (the preset's senior variant: S002 joined in
//! 2021): W, the sum of the applicable weights, is 25 + 20 + 5 + 5 + 5 + 5 +
//! 5 + 5 + 10 + 5 = 90 (repurchase and churn are N/A). The two manual lines
//! are 团队帮扶 (HELP, weight 10, kaohe's own score 90) and 协作任务质量
//! (QUALITY, weight 5, 89), worth round2(10·90/90) = 10.00 and
//! round2(5·89/90) = 4.94 points; the total, after 8 points of gates, is
//! 37.38 (D: below 60).
//! - HR's 20 and 30: round2(10·20/90) = 2.22, round2(5·30/90) = 1.67 →
//!   37.38 − 10.00 − 4.94 + 2.22 + 1.67 = 26.33 → D.
//! - 20 set back to 90, 30 kept: 37.38 − 4.94 + 1.67 = 34.11 → D.
//! - openpyxl's 75 (QUALITY): round2(5·75/90) = 4.17 → 37.38 − 4.94 + 4.17 = 36.61.
//! - 70 (HELP) beside an edited actual value: round2(10·70/90) = 7.78 →
//!   37.38 − 10.00 + 7.78 = 35.16; the actual value is not carried.

use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Data, Reader};
use kaohe::cli::run::{run_batch, Fate, Options, Report};
use kaohe::compute::assess::Selection;
use kaohe::period::{Period, YearMonth};
use kaohe::progress::Mode;
use kaohe::Lang;

use crate::common::files;
use crate::smtp_server::{Behaviour, SmtpServer};

const WORKBOOK: &str = "S002_陈颖_2026-03.xlsx";
const FROM: &str = "人力资源部 <hr@example.com>";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/review").join(name)
}

const MARCH: Period = Period::Month(YearMonth {
    year: 2026,
    month: 3,
});

fn options(out: &Path, force: bool) -> Options {
    Options {
        ledger_dir: root().join("samples/ledgers"),
        sel: Selection::One(MARCH),
        scheme: Some(root().join("samples/考核方案.toml")),
        out: out.to_path_buf(),
        lang: Lang::Zh,
        strict: false,
        force,
        reissue: false,
        progress: Mode::Quiet,
        limits: Default::default(),
    }
}

fn run(out: &Path, force: bool) -> Report {
    let r = run_batch(&options(out, force)).unwrap();
    assert_eq!(r.exit, 0);
    r
}

/// A first run; the regenerated workbook must be the fixtures' original.
fn first_run(out: &Path) -> PathBuf {
    assert_eq!(run(out, false).periods, [(MARCH, Fate::New)]);
    let wb = out.join("2026-03").join(WORKBOOK);
    assert!(
        std::fs::read(&wb).unwrap() == std::fs::read(fixture("S002_2026-03_kaohe.xlsx")).unwrap(),
        "the samples' S002 workbook changed: make tests/fixtures/review/ again (see its README)"
    );
    wb
}

/// HR saves an edited copy over the workbook.
fn hr_saves(wb: &Path, fixture_name: &str) {
    std::fs::copy(fixture(fixture_name), wb).unwrap();
}

/// S002's rows of a results.csv: code → (score, note); and the total row.
fn s002(dir: &Path) -> std::collections::BTreeMap<String, (String, String, String, String)> {
    let text = std::fs::read_to_string(dir.join("results.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    rdr.records()
        .map(|r| r.unwrap())
        .filter(|r| &r[1] == "S002")
        .map(|r| {
            (
                r[8].to_string(),
                (
                    r[18].to_string(),
                    r[20].to_string(),
                    r[21].to_string(),
                    r[24].to_string(),
                ),
            )
        })
        .collect()
}

/// A cell of the scorecard (`(row, col)`, 0-based) as text.
fn cell(wb: &Path, at: (u32, u32)) -> String {
    let mut book = open_workbook_auto(wb).unwrap();
    let range = book.worksheet_range("考核表").unwrap();
    match range.get_value(at) {
        Some(Data::Float(f)) => format!("{f}"),
        Some(d) => d.to_string(),
        None => String::new(),
    }
}

/// Cells of S002's 2026-03 考核表 (tests/fixtures/review/ edits them):
/// the two manual scores, the 评语 box, and 销售额达成率's actual value.
const HELP: &str = "J20";
const QUALITY: &str = "J21";
const COMMENT_BOX: &str = "A67";
const SALES_ACTUAL: &str = "H7";

/// 协作任务质量's 上级评分 cell and the 绩效面谈记录 cells
/// (`S002_2026-03_raters.xlsx` fills them).
const QUALITY_SUPERVISOR: &str = "D28";
const INTERVIEW: [(&str, &str); 5] = [
    ("C73", "2026-04-02"),
    ("G73", "袁蕾"),
    ("C74", "回款偏慢，尾款跟进不及时"),
    ("C75", "每周核对应收，逾期当天跟进"),
    ("K73", "2026-04-30"),
];

/// `J20` → (19, 9), 0-based.
fn at(a1: &str) -> (u32, u32) {
    let split = a1.find(|c: char| c.is_ascii_digit()).unwrap();
    let (letters, digits) = a1.split_at(split);
    let col = letters
        .bytes()
        .fold(0u32, |c, b| c * 26 + u32::from(b - b'A') + 1);
    (digits.parse::<u32>().unwrap() - 1, col - 1)
}

fn kaohe(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(args)
        .output()
        .unwrap()
}

/// `kaohe mail` of S002 only, through a loopback SMTP server.
fn mail_s002(period: &Path, server: &SmtpServer) -> std::process::Output {
    let url = format!("smtp://127.0.0.1:{}?tls=none", server.port);
    kaohe(&[
        "mail",
        period.to_str().unwrap(),
        "--smtp",
        &url,
        "--from",
        FROM,
        "--rep",
        "S002",
    ])
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn hr_edits_a_score_and_the_comment_mail_sends_them_and_a_recalculation_keeps_them() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let wb = first_run(&out);
    let period = out.join("2026-03");
    // HR, in LibreOffice: HELP 90 → 20, QUALITY 89 → 30, and a 评语.
    hr_saves(&wb, "S002_2026-03_libreoffice.xlsx");

    // The dry run sends it, marked reviewed.
    let o = kaohe(&["mail", period.to_str().unwrap(), "--dry-run"]);
    let t = text(&o);
    assert!(
        t.contains("S002 陈颖 → chenying@example.com  S002_陈颖_2026-03.xlsx: 将发送（已审阅）"),
        "{t}"
    );
    // Mailed (to a loopback SMTP server): the attachment is HR's workbook,
    // byte for byte, and the log records its hash.
    let server = SmtpServer::start(Behaviour::default());
    let o = mail_s002(&period, &server);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let got = server.received();
    assert_eq!(got.len(), 1);
    let m = mail_parser::MessageParser::default()
        .parse(&got[0].data)
        .unwrap();
    let hr = std::fs::read(fixture("S002_2026-03_libreoffice.xlsx")).unwrap();
    assert!(m.attachment(0).unwrap().contents() == hr.as_slice());
    let log = std::fs::read_to_string(period.join("mail-log.csv")).unwrap();
    assert!(log.contains(&kaohe::input::read::sha256_hex(&hr)), "{log}");

    // `--force` recalculates the period, now issued: into draft/, with
    // HR's scores and 评语; total and grade follow the scores.
    let r = run(&out, true);
    assert_eq!(r.periods, [(MARCH, Fate::Draft { reps: 1, grades: 0 })]);
    let draft = period.join("draft");
    let rows = s002(&draft);
    assert_eq!(rows["rating:团队帮扶"].0, "20");
    assert_eq!(rows["rating:协作任务质量"].0, "30");
    assert_eq!(rows["rating:团队帮扶"].3, "HR 审阅修改（原得分 90）");
    assert_eq!(rows["TOTAL"].1, "26.33");
    assert_eq!(rows["TOTAL"].2, "D");
    assert_eq!(
        rows["TOTAL"].3,
        "达标项扣分 8；评语：表现稳定，跨部门协作需加强"
    );
    let rewritten = draft.join(WORKBOOK);
    assert_eq!(cell(&rewritten, at(HELP)), "20");
    assert_eq!(cell(&rewritten, at(QUALITY)), "30");
    assert_eq!(
        cell(&rewritten, at(COMMENT_BOX)),
        "表现稳定，跨部门协作需加强"
    );
    // The review record lists the three edits.
    let record = std::fs::read_to_string(period.join("审阅记录.csv")).unwrap();
    let lines: Vec<&str> = record.lines().collect();
    assert_eq!(lines.len(), 4, "{record}");
    assert!(lines[1].starts_with(&format!(
        "S002,陈颖,协作任务质量,rating:协作任务质量,89,30,S002_陈颖_2026-03.xlsx!{QUALITY},"
    )));
    assert!(lines[2].starts_with(&format!(
        "S002,陈颖,团队帮扶,rating:团队帮扶,90,20,S002_陈颖_2026-03.xlsx!{HELP},"
    )));
    assert!(lines[3].starts_with(&format!(
        "S002,陈颖,评语,评语,,表现稳定，跨部门协作需加强,S002_陈颖_2026-03.xlsx!{COMMENT_BOX},"
    )));
    // The summary's 调整记录 lists them as HR 审阅修改.
    let mut book = open_workbook_auto(draft.join("团队汇总_2026-03.xlsx")).unwrap();
    let log = book.worksheet_range("调整记录").unwrap();
    let hr_rows: Vec<String> = log
        .rows()
        .filter(|r| r.get(2).is_some_and(|c| *c == "HR 审阅修改"))
        .map(|r| format!("{}|{}|{}", r[0], r[3], r[5]))
        .collect();
    assert_eq!(
        hr_rows,
        [
            "S002|团队帮扶|得分 90 → 20（考核表中修改）",
            "S002|协作任务质量|得分 89 → 30（考核表中修改）",
            "S002|评语|表现稳定，跨部门协作需加强",
        ]
    );
    // The 变更 sheet names the review record as what changed.
    let changes = book.worksheet_range("变更").unwrap();
    assert!(
        changes
            .rows()
            .any(|r| r[0] == "审阅记录.csv" && r[1] == "HR 审阅修改（新增）"),
        "the change report names HR's review"
    );
}

#[test]
fn setting_a_cell_back_removes_its_record() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let wb = first_run(&out);
    hr_saves(&wb, "S002_2026-03_libreoffice.xlsx");
    // Harvested and written back with HR's values (not issued: in place).
    let r = run(&out, false);
    assert_eq!(
        r.periods,
        [(MARCH, Fate::Recomputed { reps: 1, grades: 0 })]
    );
    assert!(
        std::fs::read(&wb).unwrap()
            == std::fs::read(fixture("S002_2026-03_reviewed_kaohe.xlsx")).unwrap(),
        "the rewritten workbook changed: make tests/fixtures/review/ again"
    );
    // Nothing new: the rewritten workbook is what the manifest records.
    assert_eq!(run(&out, false).periods, [(MARCH, Fate::Skipped)]);
    // HR sets HELP back to kaohe's own 90.
    hr_saves(&wb, "S002_2026-03_set_back.xlsx");
    run(&out, false);
    let period = out.join("2026-03");
    let record = std::fs::read_to_string(period.join("审阅记录.csv")).unwrap();
    assert!(!record.contains("团队帮扶"), "{record}");
    assert!(
        record.contains("协作任务质量,rating:协作任务质量,89,30"),
        "{record}"
    );
    let rows = s002(&period);
    assert_eq!(rows["rating:团队帮扶"].0, "90");
    assert_eq!(rows["rating:团队帮扶"].3, "");
    assert_eq!(rows["TOTAL"].1, "34.11");
    assert_eq!(rows["TOTAL"].2, "D");
    assert_eq!(cell(&wb, at(HELP)), "90");
    assert_eq!(cell(&wb, at(COMMENT_BOX)), "表现稳定，跨部门协作需加强");
}

#[test]
fn a_workbook_saved_without_cached_results_is_harvested_too() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let wb = first_run(&out);
    hr_saves(&wb, "S002_2026-03_openpyxl.xlsx");
    let o = kaohe(&["mail", out.join("2026-03").to_str().unwrap(), "--dry-run"]);
    assert!(
        text(&o).contains("S002_陈颖_2026-03.xlsx: 将发送（已审阅）"),
        "{}",
        text(&o)
    );
    run(&out, false);
    let rows = s002(&out.join("2026-03"));
    assert_eq!(rows["rating:协作任务质量"].0, "75");
    assert_eq!(rows["TOTAL"].1, "36.61");
    assert_eq!(rows["TOTAL"].3, "达标项扣分 8；评语：任务质量需提升");
}

#[test]
fn an_edited_computed_cell_is_reported_and_not_carried() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let wb = first_run(&out);
    // SALES_ACTUAL (销售额达成率's actual, 659000) → 800000, and HELP 90 → 70.
    hr_saves(&wb, "S002_2026-03_computed_edit.xlsx");
    let period = out.join("2026-03");
    // Mail refuses it: more than HR may edit changed.
    let o = kaohe(&["mail", period.to_str().unwrap(), "--dry-run"]);
    let t = text(&o);
    assert!(
        t.contains(&format!(
            "考核表生成后被改动，且不只是审阅可改的单元格：销售额达成率 实际值 {SALES_ACTUAL}: 659000 → 800000"
        )),
        "{t}"
    );
    // The run carries the score, not the actual value, and says so.
    let r = run(&out, false);
    assert_eq!(r.reviews, [(MARCH, 1, 1)]);
    let rows = s002(&period);
    assert_eq!(rows["rating:团队帮扶"].0, "70");
    assert_eq!(rows["TOTAL"].1, "35.16");
    let summary = kaohe::cli::run::summary(&r, &options(&out, false), 0.0);
    assert!(
        summary.contains("2026-03: 已重新计算：1 人结果变化，0 人等级变化（见团队汇总“变更”表）；HR 审阅修改 1 项，1 处修改未采用（数据请改台账，而不是考核表；见上）"),
        "{summary}"
    );
    let text = std::fs::read_to_string(period.join("results.csv")).unwrap();
    assert!(
        text.contains(",sales_achievement,销售额达成率,25,0.8,1.2,"),
        "{text}"
    );
    assert!(!text.contains("800000"), "{text}");
}

#[test]
fn an_issued_period_edited_after_mailing_goes_to_draft() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let wb = first_run(&out);
    let period = out.join("2026-03");
    let server = SmtpServer::start(Behaviour::default());
    let o = mail_s002(&period, &server);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(period.join("issued.json").is_file());
    let before: Vec<_> = files(&period).into_keys().collect();
    // HR edits after mailing.
    hr_saves(&wb, "S002_2026-03_libreoffice.xlsx");
    let r = run(&out, false);
    assert_eq!(r.periods, [(MARCH, Fate::Draft { reps: 1, grades: 0 })]);
    let rows = s002(&period.join("draft"));
    assert_eq!(rows["TOTAL"].1, "26.33");
    // The issued files stay (only the review record is new beside them).
    let mut after: Vec<_> = files(&period)
        .into_keys()
        .filter(|p| !p.starts_with("draft"))
        .collect();
    after.retain(|p| p != Path::new("审阅记录.csv"));
    assert_eq!(after, before);
    assert_eq!(
        std::fs::read(&wb).unwrap(),
        std::fs::read(fixture("S002_2026-03_libreoffice.xlsx")).unwrap(),
        "HR's workbook is left as HR saved it"
    );
}

/// HR types 协作任务质量's 上级评分 (3, on its 10-point scale) and fills in
/// the 绩效面谈记录, in LibreOffice. The scheme weighs its raters 上级 0.6,
/// 协作部门 0.4; the ledgers' March rows give 上级 8.5 and 协作部门 9.5, so
/// kaohe's own rating is 8.5 × 0.6 + 9.5 × 0.4 = 5.1 + 3.8 = 8.9 → 89. The
/// typed 3 replaces the 上级 rows: 3 × 0.6 + 9.5 × 0.4 = 1.8 + 3.8 = 5.6 →
/// 56 points of 100; weighted round2(5 · 56 / 90) = 3.11 instead of 4.94, so
/// the total is 37.38 − 4.94 + 3.11 = 35.55 (D).
#[test]
fn a_typed_supervisor_rating_and_the_interview_are_harvested_and_combined() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let wb = first_run(&out);
    assert_eq!(cell(&wb, at(QUALITY_SUPERVISOR)), "8.5");
    hr_saves(&wb, "S002_2026-03_raters.xlsx");
    let r = run(&out, false);
    assert_eq!(r.reviews, [(MARCH, 6, 0)]);
    let period = out.join("2026-03");
    let rows = s002(&period);
    assert_eq!(rows["rating:协作任务质量"].0, "56");
    assert_eq!(rows["TOTAL"].1, "35.55");
    assert_eq!(rows["TOTAL"].2, "D");
    assert_eq!(
        rows["TOTAL"].3,
        "达标项扣分 8；面谈：面谈日期 2026-04-02，面谈人 袁蕾，主要问题 回款偏慢，尾款跟进不及时，改进措施 每周核对应收，逾期当天跟进，完成时间 2026-04-30"
    );
    // The record: the rating by its rater code, the interview by field.
    let record = std::fs::read_to_string(period.join("审阅记录.csv")).unwrap();
    assert!(
        record.contains(&format!(
            "S002,陈颖,协作任务质量 上级评分,rating:协作任务质量@supervisor,8.5,3,S002_陈颖_2026-03.xlsx!{QUALITY_SUPERVISOR},"
        )),
        "{record}"
    );
    assert!(
        record.contains("S002,陈颖,面谈人,面谈:interviewer,,袁蕾,"),
        "{record}"
    );
    // Written back: the typed rating, the combination and its score, the
    // interview; the main table's score follows.
    assert_eq!(cell(&wb, at(QUALITY_SUPERVISOR)), "3");
    let quality_row = at(QUALITY_SUPERVISOR).0;
    assert_eq!(cell(&wb, (quality_row, 5)), "5.6");
    assert_eq!(cell(&wb, (quality_row, 9)), "56");
    assert_eq!(cell(&wb, at(QUALITY)), "56");
    for (c, v) in INTERVIEW {
        assert_eq!(cell(&wb, at(c)), v, "{c}");
    }
    // The summary's 调整记录 lists the typed rating.
    let mut book = open_workbook_auto(period.join("团队汇总_2026-03.xlsx")).unwrap();
    let log = book.worksheet_range("调整记录").unwrap();
    assert!(
        log.rows().any(|r| r[3] == "协作任务质量 上级评分"
            && r[5] == "上级评分 3（考核表中填写，代替该来源的评分行）"),
        "no typed rating in the log"
    );
    // Nothing new after the rewrite.
    assert_eq!(run(&out, false).periods, [(MARCH, Fate::Skipped)]);
}

/// A rating outside its scale is reported and not carried.
#[test]
fn a_typed_rating_beyond_its_scale_is_not_carried() {
    let layout = kaohe::output::manifest::Layout {
        sheet: "考核表".into(),
        fixed: Vec::new(),
        editable: vec![kaohe::output::manifest::EditableCell {
            cell: "D28".into(),
            code: "rating:协作任务质量@supervisor".into(),
            name: "协作任务质量 上级评分".into(),
            own: kaohe::output::manifest::Shown::Number(8.5),
            written: kaohe::output::manifest::Shown::Number(8.5),
            max: Some(10.0),
        }],
    };
    // The raters fixture has 3 in D28: within 0–10, an edit.
    let bytes = std::fs::read(fixture("S002_2026-03_raters.xlsx")).unwrap();
    let seen = kaohe::store::review::inspect(&bytes, &layout, Lang::Zh);
    assert_eq!(
        seen.edits,
        [(0, kaohe::output::manifest::Shown::Number(3.0))]
    );
    // Above the scale: a harvest leaves it out, saying why.
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let wb = first_run(&out);
    let edited = tmp.path().join("edited.xlsx");
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(fixture("S002_2026-03_raters.xlsx")).unwrap())
            .unwrap();
    let mut w = zip::ZipWriter::new(std::fs::File::create(&edited).unwrap());
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let name = f.name().to_string();
        let mut data = String::new();
        if name == "xl/worksheets/sheet1.xml" {
            std::io::Read::read_to_string(&mut f, &mut data).unwrap();
            // D28's value 3 → 12.
            let at = data.find("<c r=\"D28\"").unwrap();
            let v = at + data[at..].find("<v>").unwrap();
            let end = v + data[v..].find("</v>").unwrap();
            data.replace_range(v..end + 4, "<v>12</v>");
            w.start_file(name, zip::write::SimpleFileOptions::default())
                .unwrap();
            std::io::Write::write_all(&mut w, data.as_bytes()).unwrap();
        } else {
            w.raw_copy_file(f).unwrap();
        }
    }
    w.finish().unwrap();
    std::fs::copy(&edited, &wb).unwrap();
    let r = run(&out, false);
    assert_eq!(r.reviews, [(MARCH, 5, 1)]);
    let rows = s002(&out.join("2026-03"));
    assert_eq!(rows["rating:协作任务质量"].0, "89");
}

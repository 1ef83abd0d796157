//! Incremental batches (`kaohe run` over a folder that grows month by
//! month): skip and recompute, which periods a changed file's results reach, the
//! change report's exact rows, issued periods, the output-folder lock.
//!
//! The ledgers: a roster at the top (undated), and one workbook per month
//! folder. The scheme scores one indicator, 销售额 (signed contract amounts),
//! with monthly lines 50 000 / 150 000 (a quarter ×3: 150 000 / 450 000):
//! linear, v ≥ e → 100; p ≤ v < e → 60 + 40·(v − p)/(e − p); v < p → 60·v/p.
//!
//! | contract | rep | signed | amount |
//! |---|---|---|---|
//! | HT1 | S001 张三 | 2026-01-10 | 100 000 |
//! | HT2 | S002 李四 | 2026-01-15 | 40 000 (later 90 000, then 95 000) |
//! | HT3 | S001 张三 | 2026-02-05 | 60 000 |
//! | HT4 | S002 李四 | 2026-03-03 | 150 000 (later 110 000) |

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{open_workbook_auto, Reader};
use kaohe::cli::run::{run_batch, Fate, Options};
use kaohe::compute::assess::Selection;
use kaohe::period::Period;
use kaohe::Lang;

use crate::common::*;

const SCHEME: &str = r#"
name = "测试方案"
version = "t1"

[[profiles]]
name = "商务专员"
roles = ["商务专员-B2B"]
indicators = [
  { code = "sales", weight = 100, pass = 50000, excellent = 150000 },
]
"#;

fn roster(dir: &Path) {
    Ledgers::new()
        .rep("S001", "张三", "商务专员-B2B", "2025-01-01")
        .rep("S002", "李四", "商务专员-B2B", "2025-01-01")
        .write(&dir.join("人员表.xlsx"));
}

/// One month's workbook: a customer, a follow-up, and the contracts
/// `(id, rep, signed, amount)`.
fn month(dir: &Path, ym: &str, contracts: &[(&str, &str, &str, f64)]) {
    let day = format!("{ym}-02");
    let due = format!("{ym}-25");
    let mut book = Ledgers::new();
    book.customer("KH001", "甲公司", "S001", "2025-12-01")
        .followup(&day, "S001", "KH001", "电话");
    for &(id, rep, signed, amount) in contracts {
        book.payment(id, "KH001", rep, signed, amount, &due);
    }
    book.write(&dir.join(format!("{ym}/台账_{ym}.xlsx")));
}

/// The ledgers: the roster and January to March (see the table above).
fn setup() -> Folder {
    let s = Folder::new(SCHEME);
    roster(&s.ledgers);
    month(
        &s.ledgers,
        "2026-01",
        &[
            ("HT1", "S001", "2026-01-10", 100000.0),
            ("HT2", "S002", "2026-01-15", 40000.0),
        ],
    );
    month(
        &s.ledgers,
        "2026-02",
        &[("HT3", "S001", "2026-02-05", 60000.0)],
    );
    month(
        &s.ledgers,
        "2026-03",
        &[("HT4", "S002", "2026-03-03", 150000.0)],
    );
    s
}

fn options(s: &Folder) -> Options {
    s.options(Selection::MonthsWithData)
}

fn fates(list: &[(&str, Fate)]) -> BTreeMap<String, Fate> {
    list.iter()
        .map(|(p, f)| (p.to_string(), f.clone()))
        .collect()
}

/// The 变更 sheet of a team summary, one `|`-joined text per row (only its
/// first `cols` columns).
fn change_sheet(summary: &Path, cols: usize) -> Vec<String> {
    let mut wb = open_workbook_auto(summary).unwrap();
    let range = wb.worksheet_range("变更").unwrap();
    range
        .rows()
        .map(|r| {
            r.iter()
                .take(cols)
                .map(|c| c.to_string())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// The 结果变化 rows: `工号|姓名|指标|项目|原值|新值`.
fn change_rows(summary: &Path) -> Vec<String> {
    let rows = change_sheet(summary, 6);
    let head = rows
        .iter()
        .position(|r| r.starts_with("工号|姓名|指标"))
        .expect("a change table");
    rows[head + 1..]
        .iter()
        .filter(|r| !r.starts_with("没有结果变化"))
        .cloned()
        .collect()
}

/// The 输入变化 rows: `file|change`.
fn input_rows(summary: &Path) -> Vec<String> {
    let rows = change_sheet(summary, 2);
    let from = rows.iter().position(|r| r.starts_with("文件|")).unwrap() + 1;
    rows[from..]
        .iter()
        .take_while(|r| !r.is_empty() && *r != "|")
        .cloned()
        .collect()
}

fn summary_of(out: &Path, p: &str) -> PathBuf {
    out.join(p).join(format!("团队汇总_{p}.xlsx"))
}

/// The note in row 4 of a rep workbook's 考核表 (empty when none).
fn replace_note(path: &Path) -> String {
    let mut wb = open_workbook_auto(path).unwrap();
    let range = wb.worksheet_range("考核表").unwrap();
    range
        .get_value((4, 0))
        .map(|c| c.to_string())
        .unwrap_or_default()
}

#[test]
fn skip_recompute_propagation_change_report_and_issued_periods() {
    let s = setup();
    let o = options(&s);
    let new = |p| (p, Fate::New);
    let skipped = |p| (p, Fate::Skipped);
    let re = |p, reps, grades| (p, Fate::Recomputed { reps, grades });

    // 1. First run: every month with data, and the complete quarter.
    assert_eq!(
        run(&o),
        fates(&[
            new("2026-01"),
            new("2026-02"),
            new("2026-03"),
            new("2026-Q1")
        ])
    );
    // January, S002: 40 000 < 50 000 → 60·40000/50000 = 48 → D.
    let csv = std::fs::read_to_string(s.out.join("2026-01/results.csv")).unwrap();
    assert!(
        csv.contains("2026-01,S002,李四,,商务专员-B2B,商务专员,常规,业绩产出,sales,销售额,100,50000,150000,,,40000,40000,,48,48,48,D"),
        "{csv}"
    );
    let manifest = kaohe::store::read_manifest(&s.out.join("2026-01")).unwrap();
    let inputs: Vec<&str> = manifest.inputs.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(
        inputs,
        [
            "2026-01/台账_2026-01.xlsx",
            "2026-02/台账_2026-02.xlsx",
            "2026-03/台账_2026-03.xlsx",
            "人员表.xlsx"
        ],
        "every period is computed from every file (SPEC 4)"
    );

    // 2. Nothing changed: everything skipped, nothing rewritten.
    let before = files(&s.out);
    assert_eq!(
        run(&o),
        fates(&[
            skipped("2026-01"),
            skipped("2026-02"),
            skipped("2026-03"),
            skipped("2026-Q1")
        ])
    );
    assert_eq!(files(&s.out), before);

    // 3. March changes (HT4 150 000 → 110 000): it is signed in March, so
    // January's and February's results do not change and they are skipped.
    month(
        &s.ledgers,
        "2026-03",
        &[("HT4", "S002", "2026-03-03", 110000.0)],
    );
    assert_eq!(
        run(&o),
        fates(&[
            skipped("2026-01"),
            skipped("2026-02"),
            re("2026-03", 1, 1),
            re("2026-Q1", 1, 0)
        ])
    );
    // March S002: 150 000 ≥ e → 100 (S); 110 000 → 60 + 40·60000/100000 = 84 (A).
    assert_eq!(
        change_rows(&summary_of(&s.out, "2026-03")),
        [
            "S002|李四|销售额|实际值|150000|110000",
            "S002|李四|销售额|得分|100|84",
            "S002|李四||总分|100|84",
            "S002|李四||等级|S|A",
        ]
    );
    assert_eq!(
        input_rows(&summary_of(&s.out, "2026-03")),
        ["2026-03/台账_2026-03.xlsx|内容变化"]
    );
    // Q1 S002: 40 000 + 0 + 150 000 = 190 000 → 60 + 40·40000/300000 = 65.33;
    // now 150 000 = p → 60. Still C.
    assert_eq!(
        change_rows(&summary_of(&s.out, "2026-Q1")),
        [
            "S002|李四|销售额|实际值|190000|150000",
            "S002|李四|销售额|得分|65.33|60",
            "S002|李四||总分|65.33|60",
        ]
    );

    // 4. A January contract changes (HT2 40 000 → 90 000): January and the
    // quarter change; February's and March's scores do not, but their
    // overdue receivables do (HT2's installment, due 2026-01-25, is unpaid:
    // 40 000 → 90 000 outstanding), so they are rewritten with no rep
    // changed.
    month(
        &s.ledgers,
        "2026-01",
        &[
            ("HT1", "S001", "2026-01-10", 100000.0),
            ("HT2", "S002", "2026-01-15", 90000.0),
        ],
    );
    assert_eq!(
        run(&o),
        fates(&[
            re("2026-01", 1, 1),
            re("2026-02", 0, 0),
            re("2026-03", 0, 0),
            re("2026-Q1", 1, 0)
        ])
    );
    // January S002: 90 000 → 60 + 40·40000/100000 = 76 → B (was 48, D).
    assert_eq!(
        change_rows(&summary_of(&s.out, "2026-01")),
        [
            "S002|李四|销售额|实际值|40000|90000",
            "S002|李四|销售额|得分|48|76",
            "S002|李四||总分|48|76",
            "S002|李四||等级|D|B",
        ]
    );
    // February was last written in step 1: both files changed since.
    assert!(change_rows(&summary_of(&s.out, "2026-02")).is_empty());
    assert_eq!(
        input_rows(&summary_of(&s.out, "2026-02")),
        [
            "2026-01/台账_2026-01.xlsx|内容变化",
            "2026-03/台账_2026-03.xlsx|内容变化"
        ]
    );
    // Q1 S002: 90 000 + 0 + 110 000 = 200 000 → 60 + 40·50000/300000 = 66.67.
    assert_eq!(
        change_rows(&summary_of(&s.out, "2026-Q1")),
        [
            "S002|李四|销售额|实际值|150000|200000",
            "S002|李四|销售额|得分|60|66.67",
            "S002|李四||总分|60|66.67",
        ]
    );
    // The changed rep's workbook says it replaces an earlier version; the
    // unchanged rep's does not.
    let jan = s.out.join("2026-01");
    assert_eq!(
        replace_note(&jan.join("S002_李四_2026-01.xlsx")),
        "本表替换此前的版本（原总分 48，原等级 D）；变化见团队汇总的“变更”表。"
    );
    assert_eq!(replace_note(&jan.join("S001_张三_2026-01.xlsx")), "");

    // 5. January is issued; then HT2 changes again (→ 95 000). The issued
    // files stay as they are; the recomputation goes to 2026-01/draft/.
    kaohe_ok(&["issue", jan.to_str().unwrap()]);
    assert!(jan.join("issued.json").is_file());
    let issued_files = files(&jan);
    month(
        &s.ledgers,
        "2026-01",
        &[
            ("HT1", "S001", "2026-01-10", 100000.0),
            ("HT2", "S002", "2026-01-15", 95000.0),
        ],
    );
    assert_eq!(
        run(&o),
        fates(&[
            ("2026-01", Fate::Draft { reps: 1, grades: 0 }),
            re("2026-02", 0, 0),
            re("2026-03", 0, 0),
            re("2026-Q1", 1, 0)
        ])
    );
    let untouched: BTreeMap<_, _> = files(&jan)
        .into_iter()
        .filter(|(p, _)| !p.starts_with("draft"))
        .collect();
    assert_eq!(
        untouched, issued_files,
        "issued files never change silently"
    );
    // 95 000 → 60 + 40·45000/100000 = 78, against the issued 76.
    assert_eq!(
        change_rows(&jan.join("draft/团队汇总_2026-01.xlsx")),
        [
            "S002|李四|销售额|实际值|90000|95000",
            "S002|李四|销售额|得分|76|78",
            "S002|李四||总分|76|78",
        ]
    );
    // Again: the draft is up to date.
    assert_eq!(
        run(&o)["2026-01"],
        Fate::SkippedDraft,
        "a draft that is up to date is not rewritten"
    );

    // 6. --reissue replaces the issued results and clears the mark.
    let reissue = Options {
        reissue: true,
        ..o.clone()
    };
    assert_eq!(
        run(&reissue)["2026-01"],
        Fate::Reissued { reps: 1, grades: 0 }
    );
    assert!(!jan.join("issued.json").exists());
    assert!(!jan.join("draft").exists());
    let csv = std::fs::read_to_string(jan.join("results.csv")).unwrap();
    assert!(csv.contains(",95000,95000,,78,78,78,B"), "{csv}");

    // 7. --force recomputes unchanged periods; nothing changed.
    let force = Options {
        force: true,
        ..o.clone()
    };
    assert_eq!(
        run(&force),
        fates(&[
            re("2026-01", 0, 0),
            re("2026-02", 0, 0),
            re("2026-03", 0, 0),
            re("2026-Q1", 0, 0)
        ])
    );
}

#[test]
fn a_period_missing_an_output_file_is_repaired() {
    let s = setup();
    let o = options(&s);
    run(&o);
    let feb = s.out.join("2026-02");
    std::fs::remove_file(feb.join("S001_张三_2026-02.xlsx")).unwrap();
    let fates = run(&o);
    assert_eq!(fates["2026-02"], Fate::Recomputed { reps: 0, grades: 0 });
    assert_eq!(fates["2026-01"], Fate::Skipped);
    assert!(feb.join("S001_张三_2026-02.xlsx").is_file());
}

#[test]
fn a_second_run_on_the_same_output_folder_is_refused() {
    let s = setup();
    let held = kaohe::store::lock(&s.out, Lang::Zh).unwrap().unwrap();
    let o = kaohe(&run_args(&s.ledgers, &s.scheme, &s.out));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("另一个 kaohe 正在写入这个输出文件夹")
            && stderr.contains(&std::process::id().to_string()),
        "{stderr}"
    );
    assert!(!s.out.join("2026-01").exists());
    // Released (as when the holder dies): the next run goes ahead.
    drop(held);
    let r = run_batch(&options(&s)).unwrap();
    assert_eq!(r.exit, 0);
    assert_eq!(r.periods[0].0, Period::parse("2026-01").unwrap());
}

fn copy_dir(from: &Path, to: &Path) {
    for (rel, bytes) in files(from) {
        let p = to.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
}

/// The outputs a user sees (the lock file and a killed run's temporary
/// files aside).
fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .filter(|(p, _)| {
            !p.components().any(|c| {
                let c = c.as_os_str().to_string_lossy();
                c.starts_with('.')
            })
        })
        .collect()
}

#[test]
fn a_killed_run_leaves_old_or_new_files_and_the_next_run_repairs_the_rest() {
    use kaohe::demo::{generate, DemoOptions, Scale};
    let tmp = tempfile::tempdir().unwrap();
    let scheme = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/考核方案.toml");
    let gen = |dir: &Path, seed: u64| {
        let opts = DemoOptions {
            reps: 10,
            months: 3,
            seed,
            ..DemoOptions::new(Scale::Sample)
        };
        generate(dir, &opts).unwrap();
    };
    let (old_ledgers, new_ledgers) = (tmp.path().join("a"), tmp.path().join("b"));
    gen(&old_ledgers, 7);
    gen(&new_ledgers, 8);
    // Old results; then the reference: the new ledgers computed over them
    // without interruption.
    let old = tmp.path().join("old");
    kaohe_ok(&run_args(&old_ledgers, &scheme, &old));
    let reference = tmp.path().join("reference");
    copy_dir(&old, &reference);
    kaohe_ok(&run_args(&new_ledgers, &scheme, &reference));
    let (old_files, new_files) = (outputs(&old), outputs(&reference));

    // The same run, killed as soon as it has replaced a first file.
    let out = tmp.path().join("out");
    copy_dir(&old, &out);
    let mut child = kaohe_cmd(run_args(&new_ledgers, &scheme, &out))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let changed = outputs(&out)
            .iter()
            .any(|(p, b)| old_files.get(p) != Some(b));
        if changed || std::time::Instant::now() > deadline {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(
        still_running,
        "the run ended before it could be interrupted"
    );

    let now = outputs(&out);
    let (mut as_old, mut as_new) = (0, 0);
    for (p, b) in &now {
        let is_old = old_files.get(p) == Some(b);
        let is_new = new_files.get(p) == Some(b);
        assert!(
            is_old || is_new,
            "{} is neither the old nor the new file",
            p.display()
        );
        as_old += usize::from(is_old && !is_new);
        as_new += usize::from(is_new && !is_old);
    }
    assert!(
        as_new > 0 && as_old > 0,
        "interrupted half-way: {as_new} new, {as_old} old"
    );

    // The next run repairs the rest: exactly the uninterrupted result.
    kaohe_ok(&run_args(&new_ledgers, &scheme, &out));
    assert_eq!(
        outputs(&out).keys().collect::<Vec<_>>(),
        new_files.keys().collect::<Vec<_>>()
    );
    for (p, b) in outputs(&out) {
        assert!(
            new_files[&p] == b,
            "{} differs from the uninterrupted run",
            p.display()
        );
    }
    assert!(
        !files(&out)
            .keys()
            .any(|p| p.to_string_lossy().ends_with(".tmp")),
        "temporary files are cleaned up"
    );
}

/// Wait until `ok()` or the deadline; true when `ok()`.
fn wait_for(secs: u64, mut ok: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    while std::time::Instant::now() < deadline {
        if ok() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    ok()
}

#[test]
fn watch_runs_when_files_land_and_survives_a_broken_one() {
    let Folder {
        tmp,
        ledgers,
        scheme,
        out,
    } = Folder::new(SCHEME);
    roster(&ledgers);
    month(
        &ledgers,
        "2026-01",
        &[("HT1", "S001", "2026-01-10", 100000.0)],
    );
    let log = tmp.path().join("watch.log");
    /// Kills the watch however the test ends.
    struct Child(std::process::Child);
    impl Drop for Child {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut child = kaohe_cmd([
        "watch",
        ledgers.to_str().unwrap(),
        "--scheme",
        scheme.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--debounce-ms",
        "300",
    ])
    .stdout(std::fs::File::create(tmp.path().join("watch.out")).unwrap())
    .stderr(std::fs::File::create(&log).unwrap())
    .spawn()
    .map(Child)
    .unwrap();
    let log_text = || {
        std::fs::read_to_string(&log).unwrap_or_default()
            + &std::fs::read_to_string(tmp.path().join("watch.out")).unwrap_or_default()
    };

    // The first run on start.
    let ok = wait_for(30, || out.join("2026-01/manifest.json").is_file());
    assert!(ok, "initial run: {}", log_text());

    // February is dropped in: computed within seconds.
    month(
        &ledgers,
        "2026-02",
        &[("HT3", "S001", "2026-02-05", 60000.0)],
    );
    let ok = wait_for(30, || out.join("2026-02/manifest.json").is_file());
    assert!(ok, "February: {}", log_text());

    // A broken file: reported by name, and the watch goes on.
    std::fs::write(ledgers.join("2026-02/坏文件.xlsx"), b"not a workbook").unwrap();
    let ok = wait_for(30, || log_text().contains("坏文件.xlsx"));
    assert!(ok, "broken file: {}", log_text());
    assert!(child.0.try_wait().unwrap().is_none(), "the watch goes on");

    // Fixed (removed) and March dropped in: computed again.
    std::fs::remove_file(ledgers.join("2026-02/坏文件.xlsx")).unwrap();
    month(
        &ledgers,
        "2026-03",
        &[("HT4", "S002", "2026-03-03", 150000.0)],
    );
    let ok = wait_for(30, || out.join("2026-03/manifest.json").is_file());
    drop(child);
    assert!(ok, "March: {}", log_text());
    assert!(!log_text().contains("panicked"));
}

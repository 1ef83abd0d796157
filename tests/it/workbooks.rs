//! The per-rep workbooks read back: cached formula results equal the
//! computed assessment, the printed points add up to the printed total, and
//! a workbook holds nothing of another rep.

use std::collections::HashSet;
use std::path::Path;

use calamine::{open_workbook_auto, Data, Reader};
use kaohe::compute::assess::compute_with;
use kaohe::compute::Index;
use kaohe::scheme::Scheme;
use rust_decimal::prelude::ToPrimitive;

fn text(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        _ => String::new(),
    }
}

fn num(d: &Data) -> Option<f64> {
    match d {
        Data::Float(f) => Some(*f),
        Data::Int(i) => Some(*i as f64),
        _ => None,
    }
}

/// The name of a rep's supervisor (直属领导, by id or name in the roster).
fn supervisor_name(
    ds: &kaohe::input::dataset::Dataset,
    rep: &kaohe::input::model::Rep,
) -> Option<String> {
    let s = rep.supervisor.as_deref()?;
    ds.reps
        .iter()
        .find(|r| r.rep_id == s)
        .or_else(|| ds.reps.iter().find(|r| r.name == s))
        .map(|r| r.name.clone())
}

#[test]
fn rep_workbooks_match_the_results_and_hold_only_their_rep() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let scheme = Scheme::load(&root.join("考核方案.toml")).unwrap();
    let ds = kaohe::input::dataset::load(&root.join("ledgers"), &scheme.columns).unwrap();
    let ix = Index::new(&ds);
    let period = kaohe::period::Period::parse("2026-Q1").unwrap();
    let results = compute_with(&ds, &ix, &scheme, &[period]);
    let tmp = tempfile::tempdir().unwrap();
    let written = kaohe::output::rep_workbooks(
        &ds,
        &ix,
        &scheme,
        period,
        &results,
        &|f, b| kaohe::store::fs::write_atomic(&tmp.path().join(f), b),
        kaohe::Lang::Zh,
        &Default::default(),
        None,
    )
    .unwrap();
    assert_eq!(
        written.len(),
        results.iter().filter(|r| r.outcome.is_ok()).count()
    );
    for w in &written {
        let a = results
            .iter()
            .find(|r| r.rep == w.rep)
            .unwrap()
            .outcome
            .as_ref()
            .unwrap();
        let s = &a.assessment;
        let me = &ds.reps[w.rep as usize];
        let mut wb = open_workbook_auto(tmp.path().join(&w.file)).unwrap();
        let card = wb.worksheet_range("考核表").unwrap();
        let rows: Vec<Vec<Data>> = card.rows().map(|r| r.to_vec()).collect();
        // Every weighted line: the cached ROUND(weight*score/W, 2).
        let mut printed_points = 0.0;
        for l in s.lines.iter().filter(|l| !l.is_gate) {
            let row = rows
                .iter()
                .find(|r| text(&r[1]).trim_end_matches(" ↓") == l.name)
                .unwrap_or_else(|| panic!("{}: {}", w.file, l.name));
            assert_eq!(
                num(&row[10]),
                l.points.map(|p| p.to_f64().unwrap()),
                "{} {}",
                w.file,
                l.name
            );
            printed_points += num(&row[10]).unwrap_or(0.0);
        }
        let after = |label: &str| {
            rows.iter()
                .find(|r| text(&r[8]) == label)
                .map(|r| r[10].clone())
                .unwrap_or_else(|| panic!("{}: {label}", w.file))
        };
        let weighted = num(&after("加权得分"));
        assert_eq!(
            weighted,
            s.weighted_score.map(|v| v.to_f64().unwrap()),
            "{}",
            w.file
        );
        // The printed points add up to the printed weighted score.
        if let Some(ws) = weighted {
            assert!(
                (printed_points - ws).abs() < 1e-9,
                "{}: {printed_points} vs {ws}",
                w.file
            );
        }
        assert_eq!(
            num(&after("总分")),
            s.total.map(|v| v.to_f64().unwrap()),
            "{}",
            w.file
        );
        // The total recomputed from the printed cells equals the printed total.
        if let (Some(ws), Some(total)) = (weighted, num(&after("总分"))) {
            let bonus = num(&after("加分（上限 10）")).unwrap();
            let (ded, pen) = (
                num(&after("扣分")).unwrap(),
                num(&after("达标项扣分")).unwrap(),
            );
            let vetoed = text(&after("一票否决")) == "是";
            let recomputed = if vetoed {
                0.0
            } else {
                (ws + bonus - ded - pen).clamp(0.0, 120.0)
            };
            assert!(
                (recomputed - total).abs() < 1e-9,
                "{}: {recomputed} vs {total}",
                w.file
            );
        }
        assert_eq!(
            text(&after("等级")),
            s.grade.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
            "{}",
            w.file
        );
        assert_eq!(
            num(&after("绩效奖金")).map(|v| (v * 100.0).round()),
            s.bonus_amount
                .map(|v| (v.to_f64().unwrap() * 100.0).round()),
            "{}",
            w.file
        );

        // Nothing of another rep: no other rep's id or name (but the
        // supervisor's name, the form's 考核人), and every contract in the
        // workbook is this rep's.
        let boss = supervisor_name(&ds, me);
        let others: HashSet<String> = ds
            .reps
            .iter()
            .filter(|r| r.rep_id != me.rep_id)
            .flat_map(|r| [r.rep_id.clone(), r.name.clone()])
            .filter(|t| Some(t) != boss.as_ref())
            .collect();
        let mine: HashSet<&str> = ds
            .contracts
            .iter()
            .filter(|c| c.rep == w.rep)
            .map(|c| c.contract_id.as_ref())
            .collect();
        for name in wb.sheet_names() {
            let range = wb.worksheet_range(&name).unwrap();
            for c in range.used_cells() {
                let t = text(c.2);
                assert!(!others.contains(&t), "{}!{name}: another rep's {t}", w.file);
                if t.starts_with("HT20") {
                    assert!(
                        mine.contains(t.as_str()),
                        "{}!{name}: another rep's contract {t}",
                        w.file
                    );
                }
            }
        }
    }
}

#[test]
fn rep_workbooks_are_byte_identical_across_thread_counts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let scheme = Scheme::load(&root.join("考核方案.toml")).unwrap();
    let ds = kaohe::input::dataset::load(&root.join("ledgers"), &scheme.columns).unwrap();
    let ix = Index::new(&ds);
    let period = kaohe::period::Period::parse("2026-03").unwrap();
    let write = |n: usize, dir: &Path| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| {
                let results = compute_with(&ds, &ix, &scheme, &[period]);
                kaohe::output::rep_workbooks(
                    &ds,
                    &ix,
                    &scheme,
                    period,
                    &results,
                    &|f, b| kaohe::store::fs::write_atomic(&dir.join(f), b),
                    kaohe::Lang::Zh,
                    &Default::default(),
                    None,
                )
                .unwrap()
            })
    };
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    write(1, a.path());
    write(4, b.path());
    assert_eq!(
        crate::common::files(a.path()),
        crate::common::files(b.path())
    );
}

#[test]
fn ledger_text_never_becomes_a_formula() {
    use kaohe::compute::testkit::*;
    let mut l = Ledger::new();
    let a = l.rep(
        "S001",
        "=HYPERLINK(\"http://x\",\"y\")",
        "商务专员-B2B",
        "2025-01-01",
    );
    l.customer("KH1", a, "2026-03-01", None).customer_name =
        "=HYPERLINK(\"http://x\",\"y\")".into();
    l.customer("KH2", a, "2026-03-02", None).customer_name = "+86 138 0000 0000".into();
    l.contract("HT2026-1", "KH1", a, "2026-03-05", "1000");
    l.contract("HT2026-2", "KH2", a, "2026-03-06", "1000");
    l.target(a, "2026-03").sales_target = Some(dec("1000"));
    let ds = l.build();
    let scheme = Scheme::parse(
        "name = \"x\"\nversion = \"1\"\n[[profiles]]\nname = \"p\"\nroles = [\"商务专员-B2B\"]\nindicators = [{ code = \"sales_achievement\", weight = 100, pass = 0.8, excellent = 1.2 }]\n",
        "s.toml",
    )
    .unwrap();
    let ix = Index::new(&ds);
    let p = period("2026-03");
    let results = compute_with(&ds, &ix, &scheme, &[p]);
    let tmp = tempfile::tempdir().unwrap();
    let written = kaohe::output::rep_workbooks(
        &ds,
        &ix,
        &scheme,
        p,
        &results,
        &|f, b| kaohe::store::fs::write_atomic(&tmp.path().join(f), b),
        kaohe::Lang::Zh,
        &Default::default(),
        None,
    )
    .unwrap();
    let path = tmp.path().join(&written[0].file);
    assert!(
        path.file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("S001_=HYPERLINK("),
        "{}",
        path.display()
    );
    let mut wb = open_workbook_auto(&path).unwrap();
    let mut found = 0;
    for name in wb.sheet_names() {
        for c in wb.worksheet_range(&name).unwrap().used_cells() {
            if let Data::String(s) = c.2 {
                if s.starts_with("=HYPERLINK") || s.starts_with("+86") {
                    found += 1;
                }
            }
        }
    }
    assert!(found >= 3, "the names appear as text ({found})");
    // No formula in the file mentions them.
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut xml = String::new();
        use std::io::Read;
        if f.name().ends_with(".xml") && f.read_to_string(&mut xml).is_ok() {
            assert!(
                !xml.contains("<f>HYPERLINK") && !xml.contains("<f>+86"),
                "{}",
                f.name()
            );
            assert!(!xml.contains("<hyperlink"), "{}", f.name());
        }
    }
}

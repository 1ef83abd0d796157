//! Whole assessments end to end: tiny ledgers written here, a small scheme,
//! `run::compute`, and every number worked out by hand in the comments.

use kaohe::compute::assess::{compute, periods, Selection};
use kaohe::compute::score::{GateOutcome, LineStatus};
use kaohe::compute::testkit::*;
use kaohe::input::model::AdjustmentKind;
use kaohe::scheme::{Scheme, Variant};

const SCHEME: &str = r#"
name = "测试方案"
version = "t1"

[[profiles]]
name = "商务专员-B2B"
roles = ["商务专员-B2B"]
indicators = [
  { code = "sales_achievement", weight = 50, pass = 0.8, excellent = 1.2 },
  { code = "collection_rate", weight = 30, pass = 0.9, excellent = 1.0 },
  { code = "satisfaction", weight = 20, pass = 7, excellent = 8.5 },
  { code = "ledger_completeness", gate = true, pass = 0.95, penalty = 5 },
]
[profiles.probation]
indicators = [
  { code = "sales_achievement", weight = 30, pass = 0.6, excellent = 1.0 },
  { code = "followups", weight = 40, pass = 10, excellent = 20 },
  { code = "satisfaction", weight = 30, pass = 7, excellent = 8.5 },
  { code = "ledger_completeness", gate = true, pass = 0.95, penalty = 5 },
]
"#;

/// S001 张三, hired 2026-02-10: on probation in March (03-31 < 05-10).
/// S002 李四, hired 2025: regular; vetoed in March.
fn ledger() -> kaohe::input::dataset::Dataset {
    let mut l = Ledger::new();
    let a = l.rep("S001", "张三", "商务专员-B2B", "2026-02-10");
    l.last_rep().bonus_base = Some(dec("10000"));
    let b = l.rep("S002", "李四", "商务专员-B2B", "2025-01-01");
    l.last_rep().bonus_base = Some(dec("8000"));
    l.customer("KH1", a, "2026-03-01", None);
    l.target(a, "2026-03").sales_target = Some(dec("100000"));
    l.target(b, "2026-03").sales_target = Some(dec("100000"));
    l.contract("HT1", "KH1", a, "2026-03-05", "80000");
    l.contract("HT2", "KH1", b, "2026-03-06", "130000");
    for d in 1..=12 {
        let f = l.followup(
            a,
            "KH1",
            &format!("2026-03-{:02} 10:00", d + 2),
            Some("intent"),
        );
        // Three follow-ups lack method, stage, notes and next time.
        if d <= 3 {
            f.meta.filled = 0b000_0111;
        }
    }
    l.score(a, "2026-03", "客户满意度", Some("customer"), "8");
    l.score(a, "2026-03", "客户满意度", Some("customer"), "9");
    l.adjustment(
        a,
        "2026-03",
        AdjustmentKind::Exclude,
        Some("客户满意度"),
        None,
        "客户评价系统故障",
    );
    l.adjustment(
        a,
        "2026-03",
        AdjustmentKind::Bonus,
        None,
        Some("3"),
        "协助大客户签约",
    );
    l.adjustment(
        b,
        "2026-03",
        AdjustmentKind::Veto,
        None,
        None,
        "违反合规要求",
    );
    l.build()
}

#[test]
fn a_probation_rep_worked_end_to_end_and_a_veto() {
    let ds = ledger();
    let scheme = Scheme::parse(SCHEME, "测试方案.toml").unwrap();
    let res = compute(&ds, &scheme, &[period("2026-03")]);
    assert_eq!(res.len(), 2);
    let a = res[0].outcome.as_ref().unwrap();
    assert_eq!(a.variant, Variant::Probation);
    let s = &a.assessment;
    // sales_achievement: 80 000 / 100 000 = 0.8; probation lines 0.6 / 1.0:
    //   60 + 40·(0.8 − 0.6)/(1.0 − 0.6) = 80.
    // followups: 12; lines 10 / 20: 60 + 40·(12 − 10)/(20 − 10) = 68.
    // satisfaction: excluded (客户评价系统故障).
    // W = 30 + 40 = 70; points round2(30·80/70) = 34.29, round2(40·68/70) = 38.86.
    // ledger_completeness: expected cells = customer 4 (tier, channel,
    //   source, status) + 12 follow-ups × 4 (method, stage, notes, next
    //   time) + 1 payment row × 8 = 60; 3 follow-ups miss 4 each: 48 / 60 =
    //   0.8 < 0.95: gate missed, −5.
    // total = 34.29 + 38.86 + 3 (bonus) − 5 = 71.15 → B (≥ 70), ×1.0 →
    //   bonus amount 10 000.00.
    let line = |code: &str| s.lines.iter().find(|l| l.code == code).unwrap();
    assert_eq!(line("sales_achievement").value, Some(dec("0.8")));
    assert_eq!(
        (
            line("sales_achievement").score,
            line("sales_achievement").points
        ),
        (Some(dec("80")), Some(dec("34.29")))
    );
    assert_eq!(
        (line("followups").score, line("followups").points),
        (Some(dec("68")), Some(dec("38.86")))
    );
    assert!(
        matches!(&line("satisfaction").status, LineStatus::Excluded { reason, .. } if reason == "客户评价系统故障")
    );
    assert_eq!(line("ledger_completeness").value, Some(dec("0.8")));
    assert_eq!(line("ledger_completeness").gate, Some(GateOutcome::Missed));
    assert_eq!(s.weighted_score, Some(dec("73.15")));
    assert_eq!((s.bonus, s.gate_penalties), (dec("3"), dec("5")));
    assert_eq!(s.total, Some(dec("71.15")));
    assert_eq!(
        s.grade.as_ref().map(|g| (g.name.as_str(), g.coefficient)),
        Some(("B", dec("1.0")))
    );
    assert_eq!(s.bonus_amount, Some(dec("10000.00")));
    let target = a.lines[0].eval.target.as_ref().unwrap();
    assert_eq!(target.value, dec("100000"));

    // S002: sales 130 000 / 100 000 = 1.3 ≥ 1.2 scores 100, but the veto
    // sets the total to 0 and the lowest grade, whatever else.
    let b = res[1].outcome.as_ref().unwrap();
    assert_eq!(b.variant, Variant::Regular);
    assert_eq!(b.assessment.lines[0].score, Some(dec("100")));
    assert_eq!(b.assessment.total, Some(dec("0")));
    assert_eq!(
        b.assessment.grade.as_ref().map(|g| g.name.as_str()),
        Some("D")
    );
    assert_eq!(b.assessment.bonus_amount, Some(dec("0.00")));

    // February: S001 hired 02-10 works 19 of 28 days (≥ half): assessed,
    // on probation. No target: sales_achievement N/A; no scores:
    // satisfaction N/A; no rows: completeness N/A (gate deducts nothing).
    // followups is a count: 0 over no rows is 0, not N/A, so W = 40 and
    // points = round2(40·0/40) = 0: total 0, grade D.
    let feb = compute(&ds, &scheme, &[period("2026-02")]);
    let a_feb = feb[0].outcome.as_ref().unwrap();
    assert_eq!(a_feb.assessment.applicable_weight, dec("40"));
    assert_eq!(a_feb.assessment.total, Some(dec("0")));
    assert_eq!(a_feb.assessment.gate_penalties, dec("0"));
    // January: not yet hired.
    let jan = compute(&ds, &scheme, &[period("2026-01")]);
    assert!(jan[0].outcome.is_err());
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let scheme = Scheme::load(&root.join("考核方案.toml")).unwrap();
    let ds = kaohe::input::dataset::load(&root.join("ledgers"), &scheme.columns).unwrap();
    let ps = periods(&ds, Selection::Year(2026));
    assert_eq!(ps.len(), 17);
    let on = |n: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
            .install(|| compute(&ds, &scheme, &ps))
    };
    let (one, four) = (on(1), on(4));
    assert!(one == four, "--jobs 1 and --jobs 4 differ");
    let csv1 = kaohe::output::results_csv::to_csv(&ds, &one, kaohe::Lang::Zh).unwrap();
    let csv4 = kaohe::output::results_csv::to_csv(&ds, &four, kaohe::Lang::Zh).unwrap();
    assert_eq!(csv1, csv4);
    assert!(csv1.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM");
}

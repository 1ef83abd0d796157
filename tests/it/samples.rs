//! The committed sample company: reproducible from the generator, and clean
//! (no error- or warning-level data issue in any month).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kaohe::demo::{generate, DemoOptions, Scale};
use kaohe::input::columns::Kind;
use kaohe::input::issues::Level;

use crate::common::files;

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ledgers")
}

#[test]
fn regenerating_the_samples_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path(), &DemoOptions::new(Scale::Sample)).unwrap();
    let (got, want) = (files(tmp.path()), files(&samples()));
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>()
    );
    for (path, bytes) in &want {
        assert!(
            got[path] == *bytes,
            "{} differs: run `kaohe demo-data samples/ledgers` and commit",
            path.display()
        );
    }
}

#[test]
fn samples_read_clean_for_all_twelve_months() {
    let ds = kaohe::input::dataset::load(&samples(), &Default::default()).unwrap();
    assert!(ds.problems.is_empty(), "{:?}", ds.problems);
    let serious: Vec<_> = ds
        .issues
        .iter()
        .filter(|i| i.level != Level::Info)
        .collect();
    assert!(serious.is_empty(), "{serious:?}");
    let months: std::collections::BTreeSet<String> = ds
        .files
        .iter()
        .filter_map(|f| f.as_of.map(|m| m.to_string()))
        .collect();
    assert_eq!(months.len(), 12, "{months:?}");
    for s in &ds.sheets {
        assert!(s.kind().is_some(), "{} not recognised", s.name);
        assert_eq!(s.stats.accounted(), s.stats.data_rows, "{}", s.name);
    }
    let rows: BTreeMap<Kind, u64> = ds.rows_by_kind().into_iter().collect();
    for k in Kind::ALL {
        assert!(rows[&k] > 0, "{k:?} has rows");
    }
    // SPEC 11's sample volumes, roughly: 24 reps (+2 hires), ~1,200
    // customers, ~15,000 follow-ups, ~4,000 payment rows a year.
    assert_eq!(ds.reps.len(), 26);
    assert!(
        (1_000..1_500).contains(&ds.customers.len()),
        "{}",
        ds.customers.len()
    );
    assert!(
        (13_000..17_000).contains(&ds.followups.len()),
        "{}",
        ds.followups.len()
    );
    assert!(
        (3_500..4_500).contains(&ds.installments.len()),
        "{}",
        ds.installments.len()
    );
    let probation: Vec<_> = ds
        .reps
        .iter()
        .filter(|r| r.hire_date.format("%Y").to_string() == "2026")
        .collect();
    assert_eq!(probation.len(), 2, "two hires during the year");
    assert_eq!(
        ds.reps.iter().filter(|r| r.leave_date.is_some()).count(),
        1,
        "one leaver"
    );
}

#[test]
fn a_dataset_made_by_moving_the_rows_equals_one_made_by_copying_them() {
    // A month-end run moves the parsed rows into its one dataset; every
    // other run copies them (each period cutoff needs its own dataset).
    let mut loaded =
        kaohe::input::dataset::read_all(&samples(), &Default::default(), &|_| {}).unwrap();
    let copied = loaded.assemble_all();
    let moved = loaded.take_all();
    assert!(loaded.outcomes.is_empty());
    assert_eq!(moved.files.len(), loaded.files.len());
    // The leaver's roster row gaining a leave date: a replaced row.
    assert_eq!(moved.count(Level::Info), 1);
    assert_eq!(format!("{copied:?}"), format!("{moved:?}"));
}

/// The sample company exercises every second-round indicator and option
/// (SPEC 5): over its twelve months, each has a rep-month with a value
/// strictly inside its range (a rate between 0 and 1, a positive amount or
/// average), not only N/A or an edge.
#[test]
fn samples_exercise_every_second_round_indicator() {
    use kaohe::compute::eval::evaluate;
    use kaohe::compute::{Ctx, Index, PeriodIx};
    use kaohe::period::Period;
    use kaohe::scheme::{CollectionBasis, IndicatorSpec, Scheme};
    use rust_decimal::Decimal;

    let ds = kaohe::input::dataset::load(&samples(), &Default::default()).unwrap();
    let scheme = Scheme::load(&samples().join("../考核方案.toml")).unwrap();
    let ix = Index::new(&ds);
    let spec = |code: &str, edit: &dyn Fn(&mut IndicatorSpec)| {
        let mut s = IndicatorSpec::new(code).unwrap();
        edit(&mut s);
        s
    };
    let none = |_: &mut IndicatorSpec| {};
    let specs = [
        spec("approval_avg_days", &none),
        spec("referral_rate", &none),
        spec("intent_followup_coverage", &none),
        spec("new_contract_sales", &none),
        spec("renewal_sales", &none),
        spec("renewal_rate", &none),
        spec("collection_rate", &|s| {
            s.collection_basis = CollectionBasis::Outstanding
        }),
        spec("new_customers", &|s| s.tiers = vec!["高端".into()]),
        spec("new_customer_revenue_share", &|s| {
            s.channels = vec!["线上".into()]
        }),
    ];
    let mut seen = vec![false; specs.len()];
    for m in 1..=12 {
        let p = Period::parse(&format!("2026-{m:02}")).unwrap();
        let px = PeriodIx::new(&ds, p);
        let cx = Ctx {
            ds: &ds,
            ix: &ix,
            px: &px,
            defaults: &scheme.defaults,
        };
        for rep in 0..ds.reps.len() as u32 {
            for (i, s) in specs.iter().enumerate() {
                let Ok(v) = evaluate(&cx, rep, s).value else {
                    continue;
                };
                let inside = match s.def.unit {
                    kaohe::scheme::catalogue::Unit::Percent => {
                        v > Decimal::ZERO && v < Decimal::ONE
                    }
                    _ => v > Decimal::ZERO,
                };
                seen[i] |= inside;
            }
        }
    }
    for (s, seen) in specs.iter().zip(seen) {
        assert!(seen, "{} is never exercised by the samples", s.code);
    }
}

/// The sample run follows the period layers: S002 (B2B, senior) is
/// assessed on the senior year section for 2026, with the December 专业能力
/// rating, and on the senior list for a month.
#[test]
fn the_year_uses_the_year_section() {
    use kaohe::compute::assess::compute_with;
    use kaohe::compute::Index;
    use kaohe::period::Period;
    use kaohe::scheme::{PeriodKind, Scheme, Variant};

    let scheme = Scheme::load(&samples().join("../考核方案.toml")).unwrap();
    let ds = kaohe::input::dataset::load(&samples(), &scheme.columns).unwrap();
    let ix = Index::new(&ds);
    let periods = [
        Period::parse("2026").unwrap(),
        Period::parse("2026-03").unwrap(),
    ];
    let results = compute_with(&ds, &ix, &scheme, &periods);
    let s002 = |p: Period| {
        results
            .iter()
            .find(|r| r.period == p && ds.reps[r.rep as usize].rep_id == "S002")
            .and_then(|r| r.outcome.as_ref().ok())
            .expect("S002 assessed")
    };
    let year = s002(periods[0]);
    assert_eq!(
        (year.variant, year.layer),
        (Variant::Senior, Some(PeriodKind::Year))
    );
    let ability = year
        .lines
        .iter()
        .find(|l| l.spec.code == "rating:专业能力")
        .expect("the year section's rating");
    assert!(ability.eval.value.is_ok(), "{:?}", ability.eval.value);
    let month = s002(periods[1]);
    assert_eq!((month.variant, month.layer), (Variant::Senior, None));
    assert!(month.lines.iter().all(|l| l.spec.code != "rating:专业能力"));
}

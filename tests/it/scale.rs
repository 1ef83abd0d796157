//! The benchmark's `medium` workload (SPEC 11), cut to its first quarter so
//! the suite stays quick: `kaohe run` gives byte-identical outputs with one
//! worker thread and with the default (one per core), and the streamed
//! reading accounts for every generated row.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use kaohe::demo::{generate, DemoOptions, Scale};
use kaohe::input::columns::Kind;

use crate::common::{files, kaohe_ok};

/// Every file below `dir` by relative path, with its bytes (the output
/// folder's lock file, which names the process, left out).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .filter(|(p, _)| p.file_name().is_none_or(|n| n != ".kaohe.lock"))
        .collect()
}

#[test]
fn medium_workload_gives_identical_outputs_for_jobs_1_and_the_default() {
    let tmp = tempfile::tempdir().unwrap();
    let ledgers = tmp.path().join("ledgers");
    let summary = generate(
        &ledgers,
        &DemoOptions {
            months: 3,
            ..DemoOptions::new(Scale::Medium)
        },
    )
    .unwrap();
    let scheme = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/考核方案.toml");

    // Every generated row is read: the dataset's rows per kind, plus rows
    // merged as identical repeats, equal what the generator wrote.
    let s = kaohe::scheme::Scheme::load(&scheme).unwrap();
    let ds = kaohe::input::dataset::load(&ledgers, &s.columns).unwrap();
    assert!(ds.problems.is_empty(), "{:?}", ds.problems);
    for kind in [Kind::Customers, Kind::Followups, Kind::Payments] {
        let data_rows: u64 = ds
            .sheets
            .iter()
            .filter(|sh| sh.kind() == Some(kind))
            .map(|sh| sh.stats.data_rows)
            .sum();
        assert_eq!(data_rows, summary.rows(kind), "{kind:?}");
    }
    drop(ds);

    let run = |jobs: Option<&str>, out: &Path| {
        let mut args = vec![
            "run",
            ledgers.to_str().unwrap(),
            "--quarter",
            "2026-Q1",
            "--scheme",
            scheme.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        if let Some(j) = jobs {
            args.extend(["--jobs", j]);
        }
        kaohe_ok(&args);
    };
    let (one, default) = (tmp.path().join("one"), tmp.path().join("default"));
    run(Some("1"), &one);
    run(None, &default);
    let (a, b) = (tree(&one), tree(&default));
    assert!(a.len() > 200, "{} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (name, bytes) in &a {
        assert!(
            bytes == &b[name],
            "{} differs between --jobs 1 and the default",
            name.display()
        );
    }
}

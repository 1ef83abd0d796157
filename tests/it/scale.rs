//! The benchmark's `medium` workload (SPEC 11), cut to its first quarter so
//! the suite stays quick: `kaohe run` gives byte-identical outputs with one
//! worker thread and with the default (one per core), and the streamed
//! reading accounts for every generated row.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use kaohe::demo::{generate, DemoOptions, Scale};
use kaohe::input::columns::Kind;

/// Every file below `dir` by relative path, with its bytes (the output
/// folder's lock file, which names the process, left out).
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().is_some_and(|n| n == ".kaohe.lock") {
                continue;
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
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
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_kaohe"));
        cmd.arg("run")
            .arg(&ledgers)
            .args(["--quarter", "2026-Q1", "--scheme"])
            .arg(&scheme)
            .arg("--out")
            .arg(out);
        if let Some(j) = jobs {
            cmd.args(["--jobs", j]);
        }
        let o = cmd.output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
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
            "{name} differs between --jobs 1 and the default"
        );
    }
}

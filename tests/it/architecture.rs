//! The layout rule (docs/architecture.md): the top-level modules of `src/`
//! are ranked, and every `crate::` path in a module names a module of its
//! own rank or a lower one. Also: only the store, delivery, the generators
//! and the commands write files.

use std::path::{Path, PathBuf};

/// Rank of each top-level module, lowest first.
const RANKS: &[(&str, u32)] = &[
    ("period", 0),
    ("text", 0),
    ("timing", 0),
    ("memory", 0),
    ("progress", 0),
    ("exit", 0),
    ("input", 1),
    ("scheme", 2),
    ("compute", 3),
    ("output", 4),
    ("store", 5),
    ("mail", 6),
    ("demo", 6),
    ("templates", 6),
    ("cli", 7),
];

fn rank(module: &str) -> Option<u32> {
    RANKS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The top-level module a file of `src/` belongs to (`None`: lib.rs, main.rs).
fn home(file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src()).unwrap();
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

/// Every `crate::name` in the code of a file (comments left out), with its
/// line number.
fn crate_paths(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            out.push((n + 1, name));
            rest = after;
        }
    }
    out
}

#[test]
fn every_import_points_down() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for f in &files {
        let Some(own) = home(f) else { continue };
        let own_rank = rank(&own).unwrap_or_else(|| {
            panic!(
                "{}: module `{own}` has no rank in tests/it/architecture.rs (and docs/architecture.md)",
                f.display()
            )
        });
        let text = std::fs::read_to_string(f).unwrap();
        for (line, target) in crate_paths(&text) {
            if let Some(r) = rank(&target) {
                if r > own_rank {
                    wrong.push(format!(
                        "{}:{line}: {own} (rank {own_rank}) uses crate::{target} (rank {r})",
                        f.strip_prefix(src()).unwrap().display()
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn only_the_store_delivery_generators_and_commands_write_files() {
    let writes = [
        "fs::write",
        "File::create",
        "create_dir",
        "fs::rename",
        "remove_file",
        "remove_dir",
        "OpenOptions",
        ".save(",
    ];
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut wrong = Vec::new();
    for f in &files {
        let Some(own) = home(f) else { continue };
        if rank(&own).is_some_and(|r| r >= 5) {
            continue;
        }
        let text = std::fs::read_to_string(f).unwrap();
        // Unit tests may make their own temporary files.
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line.split("//").next().unwrap_or("");
            if let Some(w) = writes.iter().find(|w| line.contains(*w)) {
                wrong.push(format!(
                    "{}:{}: {w}",
                    f.strip_prefix(src()).unwrap().display(),
                    n + 1
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "file writes below the store:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_rule_catches_an_import_that_points_up() {
    // The checker itself: a line of input that names the output module.
    let found = crate_paths("use crate::output::xlsx; // crate::cli in a comment");
    assert_eq!(found, [(1, "output".to_string())]);
    assert!(rank("output") > rank("input"));
}

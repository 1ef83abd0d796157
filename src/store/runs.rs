//! The run record `OUT/.kaohe-runs.json`: per selection (`--period`,
//! `--year`, every month with data), what the last complete run read —
//! every ledger file's SHA-256, the scheme's hash, kaohe's version, the
//! language — and what it found without writing it anywhere else: the
//! periods, the months with data, the console's counts and warnings.
//!
//! A later run with the same selection hashes the ledger files first; when
//! every hash, the scheme, the version and the language match, and every
//! period folder is unchanged (no HR edit, same inputs), it says so without
//! parsing a single ledger (`cli::run`). The record holds no time and no
//! machine-dependent value beyond the ledger folder's path, so identical
//! runs write identical records.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::output::manifest::InputFile;

pub const RUN_RECORD: &str = ".kaohe-runs.json";

/// What one selection's last complete run read and showed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunEntry {
    pub kaohe_version: String,
    pub lang: String,
    pub scheme_hash: String,
    /// The ledger folder, absolute.
    pub ledger_dir: String,
    /// Every ledger file with its SHA-256, sorted.
    pub inputs: Vec<InputFile>,
    /// Files passed over (Excel's `~$` owner files …), sorted.
    pub ignored: Vec<String>,
    /// The periods of the run (`2026-03`, `2026-Q1`, `2026`).
    pub periods: Vec<String>,
    /// The months with data (`2026-03`).
    pub months_with_data: Vec<String>,
    /// The console's counts: reps in the roster, data issues (errors,
    /// warnings, notes) as the run counted them.
    pub reps: usize,
    pub issues: [usize; 3],
    /// Periods whose grace window was open, with the count.
    pub open_grace: Vec<(String, usize)>,
    /// The folder warnings the run printed, in its language.
    pub warnings: Vec<String>,
}

/// Every selection's entry, by selection key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub runs: BTreeMap<String, RunEntry>,
}

/// The record of an output folder (empty when absent or unreadable).
pub fn read(out: &Path) -> RunRecord {
    std::fs::read(out.join(RUN_RECORD))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Record one selection's entry (the others kept), atomically.
pub fn record(out: &Path, key: &str, entry: RunEntry) -> anyhow::Result<()> {
    let mut r = read(out);
    r.runs.insert(key.to_string(), entry);
    let mut json = serde_json::to_string_pretty(&r)?;
    json.push('\n');
    super::fs::write_atomic(&out.join(RUN_RECORD), json.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_of_other_selections_are_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let entry = |n| RunEntry {
            reps: n,
            ..RunEntry::default()
        };
        record(tmp.path(), "year:2026", entry(1)).unwrap();
        record(tmp.path(), "period:2026-03", entry(2)).unwrap();
        record(tmp.path(), "year:2026", entry(3)).unwrap();
        let r = read(tmp.path());
        assert_eq!(r.runs.len(), 2);
        assert_eq!(r.runs["year:2026"].reps, 3);
        assert_eq!(r.runs["period:2026-03"].reps, 2);
    }
}

//! Where a run finds its scheme file.

use std::path::{Path, PathBuf};

/// The scheme file: `--scheme`, else 考核方案.toml in the ledger folder or
/// its parent.
pub fn find_scheme(ledger_dir: &Path, given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.to_path_buf());
    }
    let parent = ledger_dir
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    [
        ledger_dir.join("考核方案.toml"),
        parent.join("考核方案.toml"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// SHA-256 of the scheme file's bytes (empty when it cannot be read): what
/// a period's manifest records of its scheme.
pub fn file_hash(path: &Path) -> String {
    std::fs::read(path)
        .map(|b| crate::input::read::sha256_hex(&b))
        .unwrap_or_default()
}

//! Issued periods (SPEC 8): once a period's workbooks have been sent to the
//! reps (`kaohe mail`) or marked by hand (`kaohe issue OUT/<period>`), the
//! period folder holds `issued.json`. A later run that would change the
//! period keeps the issued files and writes the recomputed ones to
//! `OUT/<period>/draft/` unless `--reissue` is given, so results sent to
//! reps never change silently.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

/// The marker's file name inside a period folder.
pub const FILE: &str = "issued.json";

/// Where recomputed results of an issued period go without `--reissue`.
pub const DRAFT_DIR: &str = "draft";

/// The issued marker of a period folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issued {
    /// `2026-10`, `2026-Q4`, `2026` (from the manifest).
    pub period: String,
    /// How it was issued: `mail` or `manual`.
    pub how: String,
    /// When, as local time `2026-11-22 17:05:00`.
    pub at: String,
    /// SHA-256 of the period's `manifest.json` when it was issued.
    pub manifest_sha256: String,
}

/// The issued marker of `period_dir`, if any. A marker that cannot be read
/// or parsed still counts as issued (never unprotect by accident).
pub fn read(period_dir: &Path) -> Option<Issued> {
    let path = period_dir.join(FILE);
    if !path.is_file() {
        return None;
    }
    let parsed = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice::<Issued>(&b).ok());
    Some(parsed.unwrap_or_else(|| Issued {
        period: String::new(),
        how: "unknown".into(),
        at: String::new(),
        manifest_sha256: String::new(),
    }))
}

/// Mark `period_dir` issued. It must hold a `manifest.json` (a folder
/// written by `kaohe run`).
pub fn mark(period_dir: &Path, how: &str) -> anyhow::Result<Issued> {
    let manifest_path = period_dir.join("manifest.json");
    let bytes = std::fs::read(&manifest_path).with_context(|| {
        format!(
            "{} 不是 kaohe run 的期间输出文件夹（没有 manifest.json） / is not a period folder written by kaohe run (no manifest.json)",
            period_dir.display()
        )
    })?;
    let manifest: crate::output::manifest::Manifest =
        serde_json::from_slice(&bytes).with_context(|| {
            format!(
                "{}: manifest.json 无法解析 / cannot be parsed",
                period_dir.display()
            )
        })?;
    let issued = Issued {
        period: manifest.period,
        how: how.to_string(),
        at: chrono::Local::now().format("%Y-%m-%d %H:%M:%S").to_string(),
        manifest_sha256: crate::input::read::sha256_hex(&bytes),
    };
    let mut json = serde_json::to_string_pretty(&issued)?;
    json.push('\n');
    crate::store::fs::write_atomic(&period_dir.join(FILE), json.as_bytes())?;
    Ok(issued)
}

/// Remove the marker (after `--reissue` replaced the issued results).
pub fn clear(period_dir: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(period_dir.join(FILE)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("removing {}", period_dir.join(FILE).display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mark_read_clear() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(dir.path()).is_none());
        assert!(mark(dir.path(), "manual").is_err(), "no manifest");
        std::fs::write(
            dir.path().join("manifest.json"),
            r#"{"period":"2026-03","scheme_file":"s.toml","scheme_hash":"x","inputs":[],"reps":[],"kaohe_version":"0.1.0"}"#,
        )
        .unwrap();
        let m = mark(dir.path(), "manual").unwrap();
        assert_eq!(m.period, "2026-03");
        assert_eq!(read(dir.path()).unwrap(), m);
        std::fs::write(dir.path().join(FILE), "not json").unwrap();
        assert_eq!(read(dir.path()).unwrap().how, "unknown");
        clear(dir.path()).unwrap();
        assert!(read(dir.path()).is_none());
        clear(dir.path()).unwrap();
    }
}

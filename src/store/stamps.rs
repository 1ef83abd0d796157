//! What a period folder's workbooks looked like on disk when kaohe last
//! knew their content: per file its size and modification time with the
//! SHA-256 it had then (`OUT/<period>/.kaohe-stamps.json`). A workbook whose
//! size and modification time are still the stamped ones still has the
//! stamped content, so a run need not read and hash it to know HR has not
//! edited it — the largest cost of a run on unchanged ledgers (a year of a
//! 2,000-rep company holds about 35,000 workbooks).
//!
//! The file is a cache: kaohe never trusts it for more than "unchanged
//! since stamped"; a missing or unreadable file only means every workbook
//! is read and hashed again. It holds times, so it is the one file of an
//! output folder that differs between two otherwise identical runs.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub const STAMPS: &str = ".kaohe-stamps.json";

/// A file's size and modification time (nanoseconds since the epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub len: u64,
    pub modified_ns: i128,
}

impl Stamp {
    /// The stamp of a file as it is now.
    pub fn of(path: &Path) -> Option<Stamp> {
        let m = std::fs::metadata(path).ok()?;
        let t = m.modified().ok()?;
        let ns = match t.duration_since(std::time::UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        Some(Stamp {
            len: m.len(),
            modified_ns: ns,
        })
    }
}

/// File name → (stamp, SHA-256 of the content it had).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Stamps {
    pub files: BTreeMap<String, (Stamp, String)>,
}

impl Stamps {
    pub fn read(dir: &Path) -> Stamps {
        std::fs::read(dir.join(STAMPS))
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Whether `file` in `dir` still has the content `sha256` by its stamp
    /// (no read).
    pub fn unchanged(&self, dir: &Path, file: &str, sha256: &str) -> bool {
        match (self.files.get(file), Stamp::of(&dir.join(file))) {
            (Some((was, hash)), Some(now)) => *was == now && hash == sha256,
            _ => false,
        }
    }

    /// Stamp `file` as having the content `sha256` now.
    pub fn set(&mut self, dir: &Path, file: &str, sha256: &str) {
        match Stamp::of(&dir.join(file)) {
            Some(s) => {
                self.files.insert(file.to_string(), (s, sha256.to_string()));
            }
            None => {
                self.files.remove(file);
            }
        }
    }

    /// Written atomically; a failure only costs the next run a re-hash.
    pub fn write(&self, dir: &Path) {
        if let Ok(json) = serde_json::to_vec(self) {
            let _ = super::fs::write_atomic(&dir.join(STAMPS), &json);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_changes_the_stamp() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        std::fs::write(dir.join("a.xlsx"), b"one").unwrap();
        let mut s = Stamps::default();
        s.set(dir, "a.xlsx", "h1");
        s.write(dir);
        let s = Stamps::read(dir);
        assert!(s.unchanged(dir, "a.xlsx", "h1"));
        // Another recorded hash: not the stamped content.
        assert!(!s.unchanged(dir, "a.xlsx", "h2"));
        // Rewritten (another size): changed.
        std::fs::write(dir.join("a.xlsx"), b"three").unwrap();
        assert!(!s.unchanged(dir, "a.xlsx", "h1"));
        // Not stamped: changed as far as the stamps know.
        assert!(!s.unchanged(dir, "b.xlsx", "h1"));
    }
}

//! The parsed ledger files kept between runs (`OUT/.kaohe-cache/`), one
//! file per ledger file named by its key (`input::cache`), so that a run
//! reads back the files that did not change instead of parsing them again.
//!
//! Entries are written atomically; a run removes the entries it did not use
//! (a ledger file changed or removed), so the folder holds what the last
//! run read. Deleting the folder is always safe: the next run parses every
//! file and keeps them again.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::input::cache::Memo;

pub const CACHE_DIR: &str = ".kaohe-cache";

const EXT: &str = "parsed";

/// The kept parses of one output folder.
pub struct ParsedStore {
    dir: PathBuf,
    /// Keys read or written by this run.
    used: Mutex<HashSet<String>>,
}

impl ParsedStore {
    pub fn new(out: &Path) -> ParsedStore {
        ParsedStore {
            dir: out.join(CACHE_DIR),
            used: Mutex::default(),
        }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.{EXT}"))
    }

    fn mark(&self, key: &str) {
        self.used
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key.to_string());
    }

    /// Remove the entries this run did not use, and any temporary file an
    /// interrupted run left (best effort; nothing but the store's own names
    /// is ever removed).
    pub fn prune(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let ours = |key: &str| key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit());
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            // Only this store's own names: an entry, or an entry's
            // temporary file (`.<entry>.<pid>.tmp`) an interrupted run left.
            let (key, temporary) = match name.strip_suffix(".tmp") {
                Some(t) => (
                    t.strip_prefix('.')
                        .and_then(|t| t.rsplit_once('.'))
                        .map(|(k, _)| k),
                    true,
                ),
                None => (Some(&*name), false),
            };
            let Some(key) = key.and_then(|k| k.strip_suffix(&format!(".{EXT}"))) else {
                continue;
            };
            if ours(key) && (temporary || !used.contains(key)) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

impl Memo for ParsedStore {
    fn get(&self, key: &str) -> Option<Vec<u8>> {
        let bytes = std::fs::read(self.path(key)).ok()?;
        self.mark(key);
        Some(bytes)
    }

    fn put(&self, key: &str, bytes: &[u8]) {
        if super::fs::write_atomic(&self.path(key), bytes).is_ok() {
            self.mark(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prune_removes_only_unused_entries_and_leftover_temporaries() {
        let tmp = tempfile::tempdir().unwrap();
        let store = ParsedStore::new(tmp.path());
        let key = |c: char| c.to_string().repeat(64);
        store.put(&key('a'), b"kept");
        store.put(&key('b'), b"also kept");
        let dir = tmp.path().join(CACHE_DIR);
        // An entry of an earlier run, a temporary file an interrupted run
        // left, and files that are not the store's.
        std::fs::write(dir.join(format!("{}.parsed", key('c'))), b"old").unwrap();
        std::fs::write(dir.join(format!(".{}.parsed.77.tmp", key('d'))), b"half").unwrap();
        std::fs::write(dir.join("notes.txt"), b"mine").unwrap();
        std::fs::write(dir.join("short.parsed"), b"mine too").unwrap();
        store.prune();
        let mut left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![
            format!("{}.parsed", key('a')),
            format!("{}.parsed", key('b')),
            "notes.txt".to_string(),
            "short.parsed".to_string(),
        ];
        want.sort();
        assert_eq!(left, want);
        assert_eq!(store.get(&key('a')).as_deref(), Some(&b"kept"[..]));
        assert_eq!(store.get(&key('c')), None);
    }
}

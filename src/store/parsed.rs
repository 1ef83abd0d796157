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
    /// interrupted run left (best effort).
    pub fn prune(&self) {
        let used = self.used.lock().unwrap_or_else(|e| e.into_inner());
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let keep = name
                .strip_suffix(&format!(".{EXT}"))
                .is_some_and(|key| used.contains(key));
            if !keep {
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

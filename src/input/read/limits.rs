//! Limits on what one ledger file may hold, so that a broken or hostile
//! file (a decompression bomb, a sheet claiming a million rows, a cell of a
//! gigabyte) is refused with a clear line instead of exhausting memory or
//! time. Every limit can be raised on the command line:
//! `--limit rows=2000000` (repeatable, or `--limit rows=2000000,file-mb=500`).

use std::fmt;
use std::str::FromStr;

const MB: u64 = 1024 * 1024;

/// The limits in force for one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Size of one file on disk, in bytes.
    pub file_bytes: u64,
    /// Uncompressed size of all parts of one zip workbook (xlsx, xlsm,
    /// xlsb, ods) together, in bytes.
    pub unpacked_bytes: u64,
    /// Rows of one sheet, from its first to its last non-empty row.
    pub rows: u64,
    /// Cells of one sheet's used rectangle (rows × columns, empty ones
    /// included): what reading the sheet holds in memory.
    pub cells: u64,
    /// Characters in one cell.
    pub cell_chars: u64,
    /// Open passwords for encrypted ledgers (`--ledger-password-env`).
    pub passwords: Option<&'static LedgerPasswords>,
}

/// Open passwords for encrypted ledger workbooks, from environment
/// variables: one for every file, and one per file pattern (`*` any text,
/// `?` one character, matched against the path in the ledger folder). Its
/// `Debug` shows no password.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct LedgerPasswords {
    pub all: Option<String>,
    pub by_pattern: Vec<(String, String)>,
}

impl fmt::Debug for LedgerPasswords {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LedgerPasswords(…)")
    }
}

impl LedgerPasswords {
    /// The password for a file (its path in the ledger folder): the first
    /// pattern that matches, else the one for every file.
    pub fn for_file(&self, rel: &str) -> Option<&str> {
        self.by_pattern
            .iter()
            .find(|(p, _)| glob(p, rel))
            .map(|(_, pw)| pw.as_str())
            .or(self.all.as_deref())
    }

    /// Kept for the whole run (the reader's limits are copied freely).
    pub fn leak(self) -> &'static LedgerPasswords {
        Box::leak(Box::new(self))
    }
}

/// `*` any text (also `/`), `?` one character.
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    fn go(p: &[char], t: &[char]) -> bool {
        match (p.first(), t.first()) {
            (None, None) => true,
            (Some('*'), _) => go(&p[1..], t) || (!t.is_empty() && go(p, &t[1..])),
            (Some('?'), Some(_)) => go(&p[1..], &t[1..]),
            (Some(a), Some(b)) if a == b => go(&p[1..], &t[1..]),
            _ => false,
        }
    }
    go(&p, &t)
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 100 * MB,
            unpacked_bytes: 1024 * MB,
            rows: 500_000,
            cells: 20_000_000,
            // Excel's own limit: no cell written by Excel is longer.
            cell_chars: 32_767,
            passwords: None,
        }
    }
}

/// One limit: its name on the command line, and how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    FileMb,
    UnpackedMb,
    Rows,
    Cells,
    CellChars,
}

impl Limit {
    pub const ALL: [Limit; 5] = [
        Limit::FileMb,
        Limit::UnpackedMb,
        Limit::Rows,
        Limit::Cells,
        Limit::CellChars,
    ];

    /// The name used with `--limit NAME=VALUE`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::FileMb => "file-mb",
            Limit::UnpackedMb => "unpacked-mb",
            Limit::Rows => "rows",
            Limit::Cells => "cells",
            Limit::CellChars => "cell-chars",
        }
    }

    /// The value of this limit, in the unit of its name.
    pub fn get(self, l: &Limits) -> u64 {
        match self {
            Limit::FileMb => l.file_bytes / MB,
            Limit::UnpackedMb => l.unpacked_bytes / MB,
            Limit::Rows => l.rows,
            Limit::Cells => l.cells,
            Limit::CellChars => l.cell_chars,
        }
    }

    fn set(self, l: &mut Limits, v: u64) {
        match self {
            Limit::FileMb => l.file_bytes = v.saturating_mul(MB),
            Limit::UnpackedMb => l.unpacked_bytes = v.saturating_mul(MB),
            Limit::Rows => l.rows = v,
            Limit::Cells => l.cells = v,
            Limit::CellChars => l.cell_chars = v,
        }
    }

    /// How to raise this limit for a file that needs `needed` (in the
    /// unit of the name; 0 when unknown): `--limit rows=1000000`, at least
    /// twice the current value.
    pub fn raise_hint(self, l: &Limits, needed: u64) -> String {
        format!(
            "--limit {}={}",
            self.name(),
            self.get(l).saturating_mul(2).max(needed).max(1)
        )
    }
}

impl Limits {
    /// Apply `NAME=VALUE[,NAME=VALUE…]` settings (the `--limit` option).
    pub fn apply(&mut self, setting: &str) -> Result<(), String> {
        for part in setting.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let known = || {
                Limit::ALL
                    .iter()
                    .map(|l| l.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let Some((name, value)) = part.split_once('=') else {
                return Err(format!(
                    "--limit 应写成 名称=数值（如 rows=1000000），可用：{} / --limit takes NAME=VALUE (e.g. rows=1000000); names: {}",
                    known(),
                    known()
                ));
            };
            let (name, value) = (name.trim(), value.trim().replace('_', ""));
            let Some(limit) = Limit::ALL.iter().find(|l| l.name() == name) else {
                return Err(format!(
                    "--limit：未知的限制 {name}，可用：{} / --limit: unknown limit {name}; names: {}",
                    known(),
                    known()
                ));
            };
            match value.parse::<u64>() {
                Ok(v) if v > 0 => limit.set(self, v),
                _ => {
                    return Err(format!(
                        "--limit {name} 的值应为正整数，而不是 {value} / --limit {name} needs a positive whole number, not {value}"
                    ))
                }
            }
        }
        Ok(())
    }

    /// The limits with every `--limit` setting applied, in order.
    pub fn from_settings<S: AsRef<str>>(settings: &[S]) -> Result<Limits, String> {
        let mut l = Limits::default();
        for s in settings {
            l.apply(s.as_ref())?;
        }
        Ok(l)
    }
}

impl FromStr for Limits {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Limits::from_settings(&[s])
    }
}

impl fmt::Display for Limits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = Limit::ALL
            .iter()
            .map(|l| format!("{}={}", l.name(), l.get(self)))
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_by_pattern_then_for_every_file() {
        let p = LedgerPasswords {
            all: Some("all".into()),
            by_pattern: vec![("*/回款*.xlsx".into(), "pay".into())],
        };
        assert_eq!(p.for_file("2026-03/回款台账.xlsx"), Some("pay"));
        assert_eq!(p.for_file("2026-03/客户台账.xlsx"), Some("all"));
        assert_eq!(format!("{p:?}"), "LedgerPasswords(…)");
        assert!(glob("2026-0?/*", "2026-03/a.xlsx"));
        assert!(!glob("2026-0?/*", "2026-10/a.xlsx"));
    }

    #[test]
    fn settings_raise_limits_and_mistakes_are_named() {
        let l =
            Limits::from_settings(&["rows=2_000_000", "file-mb=500,cell-chars=100000"]).unwrap();
        assert_eq!(l.rows, 2_000_000);
        assert_eq!(l.file_bytes, 500 * MB);
        assert_eq!(l.cell_chars, 100_000);
        assert_eq!(l.cells, Limits::default().cells);
        let shown = Limits::default().to_string();
        assert_eq!(
            shown,
            "file-mb=100,unpacked-mb=1024,rows=500000,cells=20000000,cell-chars=32767"
        );
        assert_eq!(shown.parse::<Limits>().unwrap(), Limits::default());
        for (bad, needle) in [
            ("rows", "NAME=VALUE"),
            ("lines=5", "unknown limit lines"),
            ("rows=-1", "positive whole number"),
            ("rows=0", "positive whole number"),
            ("rows=many", "positive whole number"),
        ] {
            let e = Limits::from_settings(&[bad]).unwrap_err();
            assert!(e.contains(needle), "{bad}: {e}");
            assert_eq!(e.matches(" / ").count(), 1, "bilingual: {e}");
        }
        assert_eq!(
            Limit::Rows.raise_hint(&Limits::default(), 7),
            "--limit rows=1000000"
        );
        assert_eq!(
            Limit::Rows.raise_hint(&Limits::default(), 3_000_000),
            "--limit rows=3000000"
        );
    }
}

//! Where a run finds its scheme file.

use std::path::{Path, PathBuf};

/// The scheme file: `--scheme`, else 考核方案.toml in the ledger folder or
/// its parent.
pub fn find_scheme(ledger_dir: &Path, given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.to_path_buf());
    }
    // `.` and `..` have no parent to look in until made absolute.
    let dir = std::path::absolute(ledger_dir).unwrap_or_else(|_| ledger_dir.to_path_buf());
    let dir = dir.canonicalize().unwrap_or(dir);
    let ledger_dir = dir.as_path();
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

/// What a period's manifest records of its scheme: the SHA-256 of the
/// scheme file without its `[mail]` table (mail settings are no result, so
/// editing them recomputes nothing); of the bytes when the text is no TOML;
/// empty when the file cannot be read.
pub fn file_hash(path: &Path) -> String {
    let Ok(bytes) = std::fs::read(path) else {
        return String::new();
    };
    let table = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok());
    match table {
        Some(mut t) => {
            t.remove("mail");
            crate::input::read::sha256_hex(t.to_string().as_bytes())
        }
        None => crate::input::read::sha256_hex(&bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_settings_do_not_change_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("方案.toml");
        std::fs::write(&p, "name = \"x\"\n[mail]\nfrom = \"a@b.c\"\n").unwrap();
        let a = file_hash(&p);
        std::fs::write(&p, "name = \"x\"\n\n[mail]\nfrom = \"hr@b.c\"\n").unwrap();
        assert_eq!(file_hash(&p), a);
        std::fs::write(&p, "name = \"y\"\n[mail]\nfrom = \"hr@b.c\"\n").unwrap();
        assert_ne!(file_hash(&p), a);
    }

    #[test]
    fn a_relative_ledger_folder_finds_the_scheme_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let ledgers = dir.path().join("ledgers");
        std::fs::create_dir_all(&ledgers).unwrap();
        std::fs::write(dir.path().join("考核方案.toml"), "").unwrap();
        let found = find_scheme(&ledgers.join("."), None).unwrap();
        assert_eq!(
            found.canonicalize().unwrap(),
            dir.path().join("考核方案.toml").canonicalize().unwrap()
        );
    }
}

/// The scheme file as the outputs name it: its path relative to the ledger
/// folder when it lies inside it (`考核方案.toml`, `config/考核方案.toml`),
/// else its file name alone. No output names a machine path.
pub fn shown_name(scheme: &Path, ledger_dir: &Path) -> String {
    let full = |p: &Path| {
        std::path::absolute(p)
            .map(|a| a.canonicalize().unwrap_or(a))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    let (file, dir) = (full(scheme), full(ledger_dir));
    if let Ok(rel) = file.strip_prefix(&dir) {
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if !parts.is_empty() {
            return parts.join("/");
        }
    }
    file.file_name()
        .or_else(|| scheme.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod shown_tests {
    use super::shown_name;

    #[test]
    fn inside_the_ledger_folder_relative_else_the_name() {
        let tmp = std::env::temp_dir().join(format!("kaohe-shown-{}", std::process::id()));
        let ledgers = tmp.join("ledgers");
        std::fs::create_dir_all(ledgers.join("config")).unwrap();
        for p in [
            ledgers.join("考核方案.toml"),
            ledgers.join("config/方案.toml"),
            tmp.join("外部方案.toml"),
        ] {
            std::fs::write(p, "").unwrap();
        }
        assert_eq!(
            shown_name(&ledgers.join("考核方案.toml"), &ledgers),
            "考核方案.toml"
        );
        assert_eq!(
            shown_name(&ledgers.join("config/方案.toml"), &ledgers),
            "config/方案.toml"
        );
        // Beside the folder (or anywhere else): the name only.
        assert_eq!(
            shown_name(&tmp.join("外部方案.toml"), &ledgers),
            "外部方案.toml"
        );
        // A path through `..` that lands inside counts as inside.
        assert_eq!(
            shown_name(&ledgers.join("config/../考核方案.toml"), &ledgers),
            "考核方案.toml"
        );
        std::fs::remove_dir_all(&tmp).unwrap();
    }
}

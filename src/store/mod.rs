//! The output folder as a store (SPEC 8, 10): period folders, their
//! manifests, issued marks, the lock, the previous result kept while a
//! period is rewritten, temporary files, and atomic writes. The only module
//! that touches `OUT/`; the writers of `output` hand it bytes.

pub mod fs;
pub mod issued;
pub mod lock;
pub mod parsed;
pub mod review;
pub mod runs;
pub mod stamps;

use std::path::{Path, PathBuf};

use crate::output::manifest::{InputFile, Manifest};
use crate::Lang;

pub use lock::lock;

/// Read a period folder's manifest, if it has a readable one.
pub fn read_manifest(dir: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(dir.join("manifest.json")).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// A period folder's manifest without the scorecards' layouts (see
/// [`crate::output::manifest::from_json_head`]).
pub fn read_manifest_head(dir: &Path) -> Option<Manifest> {
    let bytes = std::fs::read(dir.join("manifest.json")).ok()?;
    crate::output::manifest::from_json_head(&bytes).ok()
}

/// Whether a period folder holds a manifest (readable or not), without
/// reading it.
pub fn has_manifest(dir: &Path) -> bool {
    dir.join("manifest.json").is_file()
}

/// Make a period folder ready to be written: created, and cleared of the
/// temporary files a killed run left.
pub fn prepare(dir: &Path) -> anyhow::Result<()> {
    use anyhow::Context;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    remove_stale_temporaries(dir);
    Ok(())
}

/// Write a period folder's manifest (atomically).
pub fn write_manifest(dir: &Path, m: &Manifest) -> anyhow::Result<()> {
    fs::write_atomic_with(&dir.join("manifest.json"), &mut |w| {
        Ok(crate::output::manifest::write_json(m, w)?)
    })
}

/// Whether every output a manifest lists is present.
pub fn outputs_present(dir: &Path, m: &Manifest) -> bool {
    !m.summary_file.is_empty()
        && dir.join("results.csv").is_file()
        && dir.join(&m.summary_file).is_file()
        && !m.payout_file.is_empty()
        && dir.join(&m.payout_file).is_file()
        && m.reps
            .iter()
            .filter(|r| !r.file.is_empty())
            .all(|r| dir.join(&r.file).is_file())
}

/// Whether a manifest records exactly these inputs, scheme, version and
/// language, and every output it lists is present: the period's results
/// cannot have changed.
pub fn same_inputs(
    dir: &Path,
    m: &Manifest,
    inputs: &[InputFile],
    scheme_hash: &str,
    lang: Lang,
) -> bool {
    let mut recorded = m.inputs.clone();
    recorded.sort();
    recorded == inputs
        && m.scheme_hash == scheme_hash
        && m.kaohe_version == env!("CARGO_PKG_VERSION")
        && m.lang == lang.code()
        && !m.digest.is_empty()
        && outputs_present(dir, m)
}

/// What a skipped period folder may still hold of a killed run.
pub fn tidy(home: &Path) {
    let _ = std::fs::remove_dir_all(home.join(PREVIOUS));
    remove_stale_temporaries(home);
}

/// Where a period folder keeps its last complete result while it is being
/// rewritten.
pub const PREVIOUS: &str = ".previous";

/// The last complete result of a period folder: its manifest and
/// results.csv, or what `.previous/` kept of them when a run was killed
/// before its new manifest landed (the folder's manifest then still equals
/// the kept one, while its results.csv may already be new).
pub fn baseline(home: &Path) -> Option<(Manifest, Vec<u8>)> {
    let current = std::fs::read(home.join("manifest.json")).ok()?;
    let prev = home.join(PREVIOUS);
    let kept = std::fs::read(prev.join("manifest.json"))
        .ok()
        .zip(std::fs::read(prev.join("results.csv")).ok());
    let (manifest, csv) = match kept {
        Some((m, csv)) if m == current => (m, csv),
        _ => (current, std::fs::read(home.join("results.csv")).ok()?),
    };
    Some((serde_json::from_slice(&manifest).ok()?, csv))
}

/// Keep the last complete result in `.previous/` (unless it is already
/// there), written whole before it replaces any earlier copy.
pub fn keep_previous(home: &Path, m: &Manifest, csv: &[u8]) -> anyhow::Result<()> {
    let prev = home.join(PREVIOUS);
    let json = crate::output::manifest::to_json(m)?;
    if std::fs::read(prev.join("manifest.json")).ok().as_deref() == Some(json.as_bytes())
        && std::fs::read(prev.join("results.csv")).ok().as_deref() == Some(csv)
    {
        return Ok(());
    }
    let tmp = home.join(format!("{PREVIOUS}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp)?;
    std::fs::write(tmp.join("manifest.json"), &json)?;
    std::fs::write(tmp.join("results.csv"), csv)?;
    let _ = std::fs::remove_dir_all(&prev);
    std::fs::rename(&tmp, &prev)?;
    Ok(())
}

/// A file name with no folder part (what a manifest may name for removal).
pub fn is_plain_name(f: &str) -> bool {
    !f.contains(['/', '\\']) && f != "." && f != ".."
}

/// Temporary files a killed run left behind (`.<name>.<pid>.tmp`, and the
/// `.previous.<pid>.tmp` folder).
pub fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') && name.ends_with(".tmp") {
            let _ = if e.path().is_dir() {
                std::fs::remove_dir_all(e.path())
            } else {
                std::fs::remove_file(e.path())
            };
        }
    }
}

/// Remove the files of the result a period folder held (`old`) that the
/// new one (`new`) no longer lists — a rep no longer assessed, a renamed
/// rep — before the new manifest lands, so an interruption is redone next
/// time.
pub fn remove_replaced(dir: &Path, old: &Manifest, new: &Manifest) {
    let keep: std::collections::HashSet<&str> = new
        .reps
        .iter()
        .map(|r| r.file.as_str())
        .chain([new.summary_file.as_str(), new.payout_file.as_str()])
        .collect();
    for f in old
        .reps
        .iter()
        .map(|r| r.file.as_str())
        .chain([old.summary_file.as_str(), old.payout_file.as_str()])
    {
        if !f.is_empty() && !keep.contains(f) && is_plain_name(f) {
            let _ = std::fs::remove_file(dir.join(f));
        }
    }
}

/// Drop a period folder's kept previous result (its new manifest landed).
pub fn drop_previous(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir.join(PREVIOUS));
}

/// Remove an issued period's draft (it was reissued).
pub fn drop_draft(home: &Path) {
    let _ = std::fs::remove_dir_all(home.join(issued::DRAFT_DIR));
}

/// Outputs never go into the ledger folder (SPEC 10).
pub fn refuse_inside(out: &Path, ledger_dir: &Path) -> anyhow::Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        // Canonicalise the nearest existing ancestor, then re-append the rest.
        let mut existing = p.clone();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (
                existing.file_name().map(|n| n.to_os_string()),
                existing.parent(),
            ) {
                (Some(n), Some(parent)) => {
                    rest.push(n);
                    existing = parent.to_path_buf();
                }
                _ => break,
            }
        }
        let mut c = existing.canonicalize().unwrap_or(existing);
        for n in rest.into_iter().rev() {
            c.push(n);
        }
        c
    };
    let (o, l) = (abs(out), abs(ledger_dir));
    anyhow::ensure!(!o.starts_with(&l), "{} 在台账文件夹内；kaohe 不会写入台账文件夹，请用 --out 指定别处 / is inside the ledger folder; kaohe never writes there — choose another --out", out.display());
    Ok(())
}

/// Remove the temporary files a run left in an output folder (each period
/// folder and its draft), after it stopped on an error.
pub fn remove_run_temporaries(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    remove_stale_temporaries(out);
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            remove_stale_temporaries(&p);
            remove_stale_temporaries(&p.join(issued::DRAFT_DIR));
        }
    }
}

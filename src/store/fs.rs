//! Atomic writes: a temporary file in the same folder, then a rename, so an
//! interrupted run leaves either the old file or the new one (SPEC 10).

use std::path::Path;

use std::io::Write as _;

use anyhow::Context;
use rust_xlsxwriter::Workbook;

/// Save a workbook atomically: write to a temporary file in the same folder,
/// then rename it into place, so a reader sees either the old or the new file.
pub fn save_atomic(wb: &mut Workbook, path: &Path) -> anyhow::Result<()> {
    // Saved straight into the temporary file: a large team summary's
    // compressed bytes are never held (and grown) in memory.
    write_atomic_with(path, &mut |w| {
        wb.save_to_writer(w)
            .with_context(|| format!("building {}", path.display()))
    })
}

/// Write bytes atomically (temporary file in the same folder + rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic_with(path, &mut |w| {
        w.write_all(bytes)
            .with_context(|| format!("writing {}", path.display()))
    })
}

/// [`write_atomic`], the content written by `write` through a buffer
/// (never held whole in memory); a failed write or rename leaves no
/// temporary file behind.
pub fn write_atomic_with(
    path: &Path,
    write: &mut dyn FnMut(&mut std::io::BufWriter<std::fs::File>) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let file = std::fs::File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
    let done = write(&mut w).and_then(|()| {
        w.flush()
            .with_context(|| format!("writing {}", tmp.display()))
    });
    drop(w);
    let done = done.and_then(|()| {
        std::fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))
    });
    if done.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    done
}

/// Write `bytes` to a temporary file beside `path`, flush it to disk and
/// rename it into place.
pub fn write_durable(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .map(|n| n.to_string_lossy())
            .unwrap_or_default(),
        std::process::id()
    ));
    let write = || -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // Make the rename itself durable where the platform allows it.
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().with_context(|| format!("writing {}", path.display()))
}

//! One run at a time per output folder.

use std::fs::File;
use std::io::Write as _;
use std::path::Path;

use crate::Lang;

/// Take the output folder's lock: `Ok(Err(message))` when another run
/// holds it. The lock is the operating system's, on an open file, so a run
/// that dies for any reason releases it.
pub fn lock(out: &Path, lang: Lang) -> anyhow::Result<Result<File, String>> {
    use anyhow::Context;
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating output folder {}", out.display()))?;
    let path = out.join(".kaohe.lock");
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .with_context(|| format!("opening {}", path.display()))?;
    match f.try_lock() {
        Ok(()) => {
            f.set_len(0)?;
            writeln!(f, "{}", std::process::id())?;
            Ok(Ok(f))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let holder = std::fs::read_to_string(&path).unwrap_or_default();
            let holder = holder.trim();
            Ok(Err(format!(
                "{}: {} {} {}",
                out.display(),
                lang.pick(
                    "另一个 kaohe 正在写入这个输出文件夹（进程",
                    "another kaohe run is writing to this output folder (process"
                ),
                if holder.is_empty() { "?" } else { holder },
                lang.pick(
                    "）；请等它结束后再运行",
                    "); wait for it to finish and run again"
                ),
            )))
        }
        Err(std::fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("locking {}", path.display()))
        }
    }
}

/// Remove an output folder a run created only to lock it (the lock file,
/// the parses it kept while reading, and the folder when nothing else is
/// in it).
pub fn remove_unused(out: &Path) {
    let _ = std::fs::remove_file(out.join(".kaohe.lock"));
    let _ = std::fs::remove_dir_all(out.join(super::parsed::CACHE_DIR));
    let _ = std::fs::remove_dir(out);
}

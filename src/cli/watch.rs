//! `kaohe watch`: run the incremental batch whenever ledger files land in
//! the folder. Events are debounced (the batch runs once the folder has been
//! quiet for the debounce time and every file's size and modification time
//! held still across a further check), so a file being copied or saved is
//! read only when complete. Excel's `~$` lock files, hidden files and
//! partial downloads (`.tmp`, `.part`, `.crdownload`) never trigger a run.
//! A run that fails (a broken file dropped in, a scheme error) is reported
//! and the watch goes on.

use std::path::Path;
use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::{Duration, SystemTime};

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecursiveMode, Watcher};

use crate::cli::run::Options;
use crate::exit::{EXIT_OK, EXIT_USAGE};

/// Whether a path is a file a person or program is still writing, or one
/// kaohe never reads.
pub fn ignored(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    name.starts_with("~$")
        || name.starts_with('.')
        || [".tmp", ".part", ".crdownload", ".download", ".partial"]
            .iter()
            .any(|s| name.ends_with(s))
}

/// Whether an event can mean a ledger file appeared, changed or went away
/// (reading a file, as the batch itself does, is not).
fn relevant(e: &Event) -> bool {
    let kind = match e.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    };
    kind && e.paths.iter().any(|p| !ignored(p))
}

/// Size and modification time of every file below `dir` (for the
/// stability check).
fn snapshot(dir: &Path) -> Vec<(std::path::PathBuf, u64, Option<SystemTime>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            match e.metadata() {
                Ok(m) if m.is_dir() => stack.push(p),
                Ok(m) => out.push((p, m.len(), m.modified().ok())),
                Err(_) => {}
            }
        }
    }
    out.sort();
    out
}

fn run_once(o: &Options) {
    match crate::cli::run::run(o) {
        Ok(EXIT_OK) => {}
        Ok(code) => eprintln!(
            "kaohe: {} ({code})",
            o.lang.pick(
                "本次运行未完成，修正上面的问题后放入文件即可，继续监视",
                "this run did not complete; fix the problem above and drop the files again — still watching"
            )
        ),
        Err(e) => eprintln!("kaohe: {e:#}"),
    }
}

/// Watch `o.ledger_dir` until the process is stopped.
pub fn watch(o: &Options, debounce: Duration) -> anyhow::Result<i32> {
    let lang = o.lang;
    if !o.ledger_dir.is_dir() {
        eprintln!(
            "kaohe: {}: {}",
            o.ledger_dir.display(),
            lang.pick("不是文件夹", "not a folder")
        );
        return Ok(EXIT_USAGE);
    }
    crate::store::refuse_inside(&o.out, &o.ledger_dir)?;
    let (tx, rx) = channel();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<Event>| {
        let _ = tx.send(res);
    })?;
    watcher.watch(&o.ledger_dir, RecursiveMode::Recursive)?;
    eprintln!(
        "kaohe: {} {} ({} {} ms)",
        lang.pick("开始监视", "watching"),
        o.ledger_dir.display(),
        lang.pick("静默等待", "debounce"),
        debounce.as_millis()
    );
    run_once(o);
    let settle = debounce.max(Duration::from_millis(200));
    let mut pending = false;
    loop {
        // Wait for something that matters.
        if !pending {
            match rx.recv() {
                Ok(Ok(e)) if relevant(&e) => {}
                Ok(Ok(_)) => continue,
                Ok(Err(e)) => {
                    eprintln!("kaohe: {e}");
                    continue;
                }
                Err(_) => return Ok(EXIT_OK),
            }
        }
        // Until the folder is quiet and its files hold still.
        loop {
            match rx.recv_timeout(settle) {
                Ok(Ok(e)) if relevant(&e) => continue,
                Ok(_) => continue,
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => return Ok(EXIT_OK),
            }
            let before = snapshot(&o.ledger_dir);
            std::thread::sleep(settle / 2);
            if snapshot(&o.ledger_dir) == before {
                break;
            }
        }
        eprintln!(
            "kaohe: {}",
            lang.pick("台账有变化，开始运行", "ledgers changed, running")
        );
        run_once(o);
        // A change that landed during the run: run again once it settles.
        // (The run's own reading of files is not a change.)
        pending = false;
        while let Ok(ev) = rx.try_recv() {
            pending |= ev.is_ok_and(|e| relevant(&e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_files_and_partial_copies_are_ignored() {
        for p in [
            "a/~$回款台账.xlsx",
            "a/.hidden.xlsx",
            "a/回款台账.xlsx.tmp",
            "a/x.crdownload",
            "a/x.PART",
        ] {
            assert!(ignored(Path::new(p)), "{p}");
        }
        for p in ["a/回款台账_2026-03.xlsx", "人员表.csv"] {
            assert!(!ignored(Path::new(p)), "{p}");
        }
    }
}

//! Wall time per stage of a run, for the benchmark. Off unless the
//! environment variable `KAOHE_TIMINGS` is set; then `report` prints one
//! line per stage to standard error: `kaohe-timing <stage> <seconds>`.
//! Stages that run several times (per period group) add up. The report
//! ends with the process's peak resident memory where the system tells it
//! (`kaohe-peak-rss <bytes>`, from `/proc/self/status` on Linux), and
//! the peak reached by the end of each stage the first time it ended
//! (`kaohe-stage-peak <stage> <bytes>`): where the memory peak falls;
//! and the run's counts (`kaohe-count <name> <n>`: files read back from
//! the kept parses).

use std::sync::Mutex;
use std::time::{Duration, Instant};

static STAGES: Mutex<Vec<(&'static str, Duration)>> = Mutex::new(Vec::new());
static PEAKS: Mutex<Vec<(&'static str, u64)>> = Mutex::new(Vec::new());
static COUNTS: Mutex<Vec<(&'static str, u64)>> = Mutex::new(Vec::new());

/// Whether timings are collected.
pub fn enabled() -> bool {
    std::env::var_os("KAOHE_TIMINGS").is_some()
}

/// Measures one stage from now until dropped.
pub struct Stage {
    name: &'static str,
    start: Instant,
}

/// Start timing `name`.
pub fn stage(name: &'static str) -> Stage {
    Stage {
        name,
        start: Instant::now(),
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        add(self.name, self.start.elapsed());
        if enabled() {
            let mut peaks = PEAKS.lock().unwrap_or_else(|e| e.into_inner());
            if !peaks.iter().any(|(n, _)| *n == self.name) {
                if let Some(bytes) = peak_rss() {
                    peaks.push((self.name, bytes));
                }
            }
        }
    }
}

/// Add `d` to stage `name`.
pub fn add(name: &'static str, d: Duration) {
    let mut stages = STAGES.lock().unwrap_or_else(|e| e.into_inner());
    match stages.iter_mut().find(|(n, _)| *n == name) {
        Some((_, total)) => *total += d,
        None => stages.push((name, d)),
    }
}

/// Record a count of the run (`kaohe-count <name> <n>` in the report).
pub fn count(name: &'static str, n: u64) {
    COUNTS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((name, n));
}

/// Print the stages (in the order first seen) when enabled.
pub fn report() {
    if !enabled() {
        return;
    }
    let stages = STAGES.lock().unwrap_or_else(|e| e.into_inner());
    for (name, d) in stages.iter() {
        eprintln!("kaohe-timing {name} {:.3}", d.as_secs_f64());
    }
    let peaks = PEAKS.lock().unwrap_or_else(|e| e.into_inner());
    for (name, bytes) in peaks.iter() {
        eprintln!("kaohe-stage-peak {name} {bytes}");
    }
    let counts = COUNTS.lock().unwrap_or_else(|e| e.into_inner());
    for (name, n) in counts.iter() {
        eprintln!("kaohe-count {name} {n}");
    }
    if let Some(bytes) = peak_rss() {
        eprintln!("kaohe-peak-rss {bytes}");
    }
    if let Some(s) = cpu_seconds() {
        eprintln!("kaohe-cpu-seconds {s:.2}");
    }
}

/// CPU time (user + system, all threads) the process has used so far, in
/// seconds (`/proc/self/stat`, in Linux's 1/100 s ticks); `None` where the
/// system does not say. Steadier than wall time on a busy machine.
pub fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) in brackets.
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// The process's peak resident set size in bytes (`VmHWM` of
/// `/proc/self/status`); `None` where the system does not say.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

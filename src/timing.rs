//! Wall time per stage of a run, for the benchmark. Off unless the
//! environment variable `KAOHE_TIMINGS` is set; then `report` prints one
//! line per stage to standard error: `kaohe-timing <stage> <seconds>`.
//! Stages that run several times (per period group) add up.

use std::sync::Mutex;
use std::time::{Duration, Instant};

static STAGES: Mutex<Vec<(&'static str, Duration)>> = Mutex::new(Vec::new());

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

/// Print the stages (in the order first seen) when enabled.
pub fn report() {
    if !enabled() {
        return;
    }
    let stages = STAGES.lock().unwrap_or_else(|e| e.into_inner());
    for (name, d) in stages.iter() {
        eprintln!("kaohe-timing {name} {:.3}", d.as_secs_f64());
    }
}

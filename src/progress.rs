//! Progress of a run on standard error: a bar per stage (reading,
//! computing, writing) when standard error is a terminal, plain log lines
//! otherwise (a scheduled task's log, a pipe, a test).

use std::io::IsTerminal;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Lang;

/// How progress is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bars (standard error is a terminal).
    Bars,
    /// One line when a stage starts and one when it ends.
    Lines,
    /// Nothing.
    Quiet,
}

impl Mode {
    /// Bars on a terminal, lines otherwise.
    pub fn detect() -> Mode {
        if std::io::stderr().is_terminal() {
            Mode::Bars
        } else {
            Mode::Lines
        }
    }
}

/// One stage of a run with a known number of steps.
pub struct Stage {
    bar: Option<ProgressBar>,
    mode: Mode,
    label: String,
    total: u64,
    start: Instant,
}

impl Stage {
    /// Start a stage of `total` steps, e.g. `读取台账` over 67 files.
    pub fn start(mode: Mode, label: &str, total: u64, unit: &str) -> Stage {
        let bar = match mode {
            Mode::Bars => {
                let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
                let style = ProgressStyle::with_template(&format!(
                    "{{prefix:>10}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{elapsed}}"
                ))
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar.set_prefix(label.to_string());
                Some(bar)
            }
            Mode::Lines => {
                eprintln!("kaohe: {label} {total} {unit} …");
                None
            }
            Mode::Quiet => None,
        };
        Stage {
            bar,
            mode,
            label: label.to_string(),
            total,
            start: Instant::now(),
        }
    }

    /// One more step done (callable from worker threads).
    pub fn inc(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
    }

    /// The stage is over.
    pub fn finish(self, lang: Lang) {
        let secs = self.start.elapsed().as_secs_f64();
        match self.mode {
            Mode::Bars => {
                if let Some(b) = self.bar {
                    b.finish_and_clear();
                }
                eprintln!(
                    "kaohe: {} {} {:.1}s",
                    self.label,
                    lang.pick("完成", "done"),
                    secs
                );
            }
            Mode::Lines => eprintln!(
                "kaohe: {} {} ({}) {:.1}s",
                self.label,
                lang.pick("完成", "done"),
                self.total,
                secs
            ),
            Mode::Quiet => {}
        }
    }
}

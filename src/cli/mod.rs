//! The command line: parse arguments, run one command, map the outcome to
//! an exit code (SPEC 9: 0 done, 1 data issues under `--strict`, 2 usage or
//! configuration errors, 3 unreadable input; `mail`: 4 some rep not reached).

use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};

use crate::input::aliases::ColumnAliases;
use crate::input::dataset::{self, Problem};
use crate::input::issues::Level;
use crate::Lang;

pub mod check;
pub mod run;
pub mod watch;

use crate::exit::{say, EXIT_DATA_ISSUES, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE};

#[derive(Parser, Debug)]
#[command(
    name = "kaohe",
    version,
    about = "考核: sales KPI assessments from Excel ledgers / 从台账生成销售绩效考核表"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Compute the assessments of every period that needs it: every
    /// indicator of every rep, scored against the scheme, written to
    /// OUT/<period>/. Periods whose inputs and scheme are unchanged are
    /// skipped.
    Run {
        /// The ledger folder (month sub-folders such as 2026-01/ are read too).
        ledger_dir: PathBuf,
        /// One month, e.g. 2026-10.
        #[arg(long, conflicts_with_all = ["quarter", "year"])]
        period: Option<String>,
        /// One quarter, e.g. 2026-Q4.
        #[arg(long, conflicts_with = "year")]
        quarter: Option<String>,
        /// A whole year: 12 months, 4 quarters and the year.
        #[arg(long)]
        year: Option<i32>,
        #[command(flatten)]
        batch: BatchArgs,
    },
    /// Watch a ledger folder and run the batch whenever files land in it
    /// (after they stop changing).
    Watch {
        /// The ledger folder to watch.
        ledger_dir: PathBuf,
        #[command(flatten)]
        batch: BatchArgs,
        /// Quiet time after the last change before running, in milliseconds.
        #[arg(long, default_value_t = 3000)]
        debounce_ms: u64,
    },
    /// Mark a period folder as issued (sent to the reps): later runs keep
    /// its files and write recomputed results to draft/ unless --reissue.
    Issue {
        /// A period folder written by `kaohe run`, e.g. out/2026-10.
        period_dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Read and validate every ledger in a folder; print a summary and write
    /// the full list of data issues to a workbook.
    Check {
        /// The ledger folder (month sub-folders such as 2026-01/ are read too).
        ledger_dir: PathBuf,
        /// Scheme file (TOML); its [columns] table adds header aliases.
        #[arg(long)]
        scheme: Option<PathBuf>,
        /// Where to write the issue list.
        #[arg(long, default_value = "数据问题.xlsx")]
        out: PathBuf,
        /// Language of messages and of the issue workbook.
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
        /// Exit with code 1 when any error- or warning-level data issue is found.
        #[arg(long)]
        strict: bool,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Raise a limit on what one ledger file may hold, NAME=VALUE
        /// (repeatable or comma-separated): file-mb=100, unpacked-mb=1024,
        /// rows=500000 (per sheet), cells=20000000 (per sheet), cell-chars=32767.
        #[arg(long = "limit", value_name = "NAME=VALUE")]
        limit: Vec<String>,
    },
    /// Explain an indicator: definition, unit, direction (and, with a scheme,
    /// its weights and lines in every profile).
    Explain {
        /// Indicator code or name (`churn_rate`, `客户流失率`); omit with --all.
        indicator: Option<String>,
        /// Print every indicator as the Markdown reference (docs/indicators.md).
        #[arg(long)]
        all: bool,
        /// Also show the weights and lines this scheme gives the indicator.
        #[arg(long)]
        scheme: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Mail each rep their own workbook of a period (OUT/<period>): .eml
    /// files for review, or SMTP; a send log so a re-run never sends twice.
    Mail(crate::mail::MailArgs),
    /// Write blank ledger templates (one workbook per ledger kind).
    Templates {
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
    },
    /// Write a deterministic fictional company's ledgers (samples and
    /// benchmark workloads).
    DemoData {
        dir: PathBuf,
        /// Number of reps (default: 24 / 200 / 2000 by scale).
        #[arg(long)]
        reps: Option<usize>,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long, default_value_t = 2026)]
        year: i32,
        /// Months to write, from January.
        #[arg(long, default_value_t = 12)]
        months: u32,
        #[arg(long, value_enum, default_value_t = ScaleArg::Sample)]
        scale: ScaleArg,
    },
}

/// Options of a batch run (`run` and `watch`).
#[derive(clap::Args, Debug, Clone)]
pub struct BatchArgs {
    /// Scheme file (TOML). Default: 考核方案.toml in the ledger folder or beside it.
    #[arg(long)]
    pub scheme: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "out")]
    pub out: PathBuf,
    #[arg(long, value_enum, default_value_t = Lang::Zh)]
    pub lang: Lang,
    /// Stop before computing when any error- or warning-level data issue is found.
    #[arg(long)]
    pub strict: bool,
    /// Worker threads (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Recompute periods even when their inputs and scheme are unchanged.
    #[arg(long)]
    pub force: bool,
    /// Replace the results of issued (already sent) periods; without it
    /// their recomputed results go to <period>/draft/.
    #[arg(long)]
    pub reissue: bool,
    /// Raise a limit on what one ledger file may hold, NAME=VALUE
    /// (repeatable or comma-separated): file-mb=100, unpacked-mb=1024,
    /// rows=500000 (per sheet), cells=20000000 (per sheet), cell-chars=32767.
    #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
    pub limit: Vec<String>,
}

/// One `--limit` setting, checked when the command line is parsed.
fn parse_limit(s: &str) -> Result<String, String> {
    crate::input::read::Limits::default().apply(s)?;
    Ok(s.to_string())
}

impl BatchArgs {
    fn options(
        &self,
        ledger_dir: PathBuf,
        sel: crate::compute::assess::Selection,
    ) -> crate::cli::run::Options {
        crate::cli::run::Options {
            limits: crate::input::read::Limits::from_settings(&self.limit)
                .expect("checked by parse_limit"),
            ledger_dir,
            sel,
            scheme: self.scheme.clone(),
            out: self.out.clone(),
            lang: self.lang,
            strict: self.strict,
            force: self.force,
            reissue: self.reissue,
            progress: crate::progress::Mode::detect(),
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ScaleArg {
    Sample,
    Medium,
    Large,
}

/// `--jobs N`: the number of worker threads (default: one per core).
fn set_jobs(jobs: Option<usize>) {
    if let Some(n) = jobs {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build_global()
            .ok();
    }
}

/// Run the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("kaohe: {e:#}");
            EXIT_USAGE
        }
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Run {
            ledger_dir,
            period,
            quarter,
            year,
            batch,
        } => {
            set_jobs(batch.jobs);
            let lang = batch.lang;
            let sel = match (period, quarter, year) {
                (Some(p), _, _) | (_, Some(p), _) => match crate::period::Period::parse(&p) {
                    Some(p) => crate::compute::assess::Selection::One(p),
                    None => {
                        eprintln!(
                            "kaohe: {} {p}",
                            lang.pick("无法识别的期间", "not a period:")
                        );
                        return Ok(EXIT_USAGE);
                    }
                },
                (_, _, Some(y)) => crate::compute::assess::Selection::Year(y),
                _ => crate::compute::assess::Selection::MonthsWithData,
            };
            crate::cli::run::run(&batch.options(ledger_dir, sel))
        }
        Command::Watch {
            ledger_dir,
            batch,
            debounce_ms,
        } => {
            set_jobs(batch.jobs);
            let o = batch.options(
                ledger_dir,
                crate::compute::assess::Selection::MonthsWithData,
            );
            crate::cli::watch::watch(&o, std::time::Duration::from_millis(debounce_ms))
        }
        Command::Issue { period_dir, lang } => {
            match crate::store::issued::mark(&period_dir, "manual") {
                Ok(m) => {
                    say(&format!(
                        "{} {}: {}\n",
                        period_dir.display(),
                        m.period,
                        lang.pick(
                            "已标记为已发放；此后重新计算需加 --reissue",
                            "marked issued; recomputing it now needs --reissue"
                        )
                    ));
                    Ok(EXIT_OK)
                }
                Err(e) => {
                    eprintln!("kaohe: {e:#}");
                    Ok(EXIT_USAGE)
                }
            }
        }
        Command::Check {
            ledger_dir,
            scheme,
            out,
            lang,
            strict,
            jobs,
            limit,
        } => {
            set_jobs(jobs);
            let Some(limits) = limits(&limit) else {
                return Ok(EXIT_USAGE);
            };
            check(&ledger_dir, scheme.as_deref(), &out, lang, strict, &limits)
        }
        Command::Explain {
            indicator,
            all,
            scheme,
            lang,
        } => explain(indicator.as_deref(), all, scheme.as_deref(), lang),
        Command::Mail(args) => Ok(crate::mail::run(&args)),
        Command::Templates { dir, lang } => {
            let written = crate::templates::write_templates(&dir, lang)?;
            for p in &written {
                say(&format!("{}\n", p.display()));
            }
            Ok(EXIT_OK)
        }
        Command::DemoData {
            dir,
            reps,
            seed,
            year,
            months,
            scale,
        } => demo_data(&dir, reps, seed, year, months, scale),
    }
}

/// The `--limit` settings; a mistake is printed (usage error).
fn limits(settings: &[String]) -> Option<crate::input::read::Limits> {
    match crate::input::read::Limits::from_settings(settings) {
        Ok(l) => Some(l),
        Err(e) => {
            eprintln!("kaohe: {e}");
            None
        }
    }
}

fn check(
    ledger_dir: &Path,
    scheme: Option<&Path>,
    out: &Path,
    lang: Lang,
    strict: bool,
    limits: &crate::input::read::Limits,
) -> anyhow::Result<i32> {
    let aliases = match scheme {
        Some(p) => match crate::scheme::load_aliases(p) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("kaohe: {e}");
                return Ok(EXIT_USAGE);
            }
        },
        None => ColumnAliases::default(),
    };
    crate::store::refuse_inside(out, ledger_dir)?;
    let started = std::time::Instant::now();
    let ds = match dataset::load_with(ledger_dir, &aliases, limits) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("kaohe: {e:#}");
            return Ok(EXIT_UNREADABLE);
        }
    };
    say(&crate::cli::check::summary(&ds, lang));
    for w in crate::input::dataset::folder_warnings(&ds, lang) {
        say(&format!("{} {w}\n", lang.pick("警告：", "warning:")));
    }
    crate::cli::check::write_issue_workbook(&ds, out, lang)?;
    say(&format!(
        "{} {} ({:.1}s)\n",
        lang.pick("完整问题清单：", "full issue list:"),
        out.display(),
        started.elapsed().as_secs_f64()
    ));
    let stop = ds.problems.iter().any(|p| {
        matches!(
            p,
            Problem::Unreadable(_) | Problem::MissingColumns { .. } | Problem::MissingKind(_)
        )
    });
    if stop {
        return Ok(EXIT_UNREADABLE);
    }
    if strict && ds.issues.iter().any(|i| i.level != Level::Info) {
        return Ok(EXIT_DATA_ISSUES);
    }
    Ok(EXIT_OK)
}

fn demo_data(
    dir: &Path,
    reps: Option<usize>,
    seed: u64,
    year: i32,
    months: u32,
    scale: ScaleArg,
) -> anyhow::Result<i32> {
    use crate::demo::{DemoOptions, Scale};
    let scale = match scale {
        ScaleArg::Sample => Scale::Sample,
        ScaleArg::Medium => Scale::Medium,
        ScaleArg::Large => Scale::Large,
    };
    let opts = DemoOptions {
        reps: reps.unwrap_or(0),
        seed,
        year,
        months,
        ..DemoOptions::new(scale)
    };
    let started = std::time::Instant::now();
    let summary = crate::demo::generate(dir, &opts)?;
    let rows: Vec<String> = summary
        .rows_by_kind
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{} {n}", k.zh()))
        .collect();
    say(&format!(
        "{}: {} files, {} reps, {} customers, {} contracts; rows: {} ({:.1}s)\n",
        dir.display(),
        summary.files,
        summary.reps,
        summary.customers,
        summary.contracts,
        rows.join(" · "),
        started.elapsed().as_secs_f64()
    ));
    Ok(EXIT_OK)
}

fn explain(
    indicator: Option<&str>,
    all: bool,
    scheme: Option<&Path>,
    lang: Lang,
) -> anyhow::Result<i32> {
    use crate::scheme::catalogue;
    if all {
        say(&catalogue::markdown());
        return Ok(EXIT_OK);
    }
    let Some(name) = indicator else {
        eprintln!(
            "kaohe: {}",
            lang.pick(
                "请给出指标代码或名称，或用 --all",
                "give an indicator code or name, or --all"
            )
        );
        return Ok(EXIT_USAGE);
    };
    match catalogue::lookup(name) {
        Some(d) => {
            say(&catalogue::explain(&d, lang));
            if let Some(path) = scheme {
                let scheme = match crate::scheme::Scheme::load(path) {
                    Ok(s) => s,
                    Err(e) => {
                        eprintln!("kaohe: {e}");
                        return Ok(EXIT_USAGE);
                    }
                };
                let code = if name.starts_with("rating:") {
                    name.to_string()
                } else {
                    d.code.to_string()
                };
                say(&scheme_lines(&scheme, &code, lang));
            }
            Ok(EXIT_OK)
        }
        None => {
            let codes: Vec<&str> = catalogue::INDICATORS.iter().map(|d| d.code).collect();
            eprintln!(
                "kaohe: {} {name}; {}: {}, rating:NAME",
                lang.pick("未知指标", "unknown indicator"),
                lang.pick("可用", "known"),
                codes.join(", ")
            );
            Ok(EXIT_USAGE)
        }
    }
}

/// How a scheme uses an indicator: per version, profile and variant, its
/// weight (or gate and penalty), lines and method.
fn scheme_lines(scheme: &crate::scheme::Scheme, code: &str, lang: Lang) -> String {
    use crate::scheme::Variant;
    let mut out = format!(
        "\n{} {}（{}）:\n",
        lang.pick("考核方案", "Scheme"),
        scheme.name,
        scheme.label
    );
    let mut any = false;
    for v in &scheme.versions {
        for p in &v.profiles {
            for (variant, label) in [
                (Variant::Regular, lang.pick("常规", "regular")),
                (Variant::Probation, lang.pick("试用期", "probation")),
                (Variant::Senior, lang.pick("资深", "senior")),
            ] {
                let (specs, used) = p.indicators(variant);
                if used != variant {
                    continue;
                }
                for spec in specs.iter().filter(|s| {
                    s.code == code || (code == "rating" && s.code.starts_with("rating:"))
                }) {
                    any = true;
                    let d = |x: Option<rust_decimal::Decimal>| {
                        x.map(|v| v.normalize().to_string())
                            .unwrap_or_else(|| "-".into())
                    };
                    let weight = if spec.gate {
                        format!(
                            "{} {}",
                            lang.pick("达标项，未达扣", "gate, penalty"),
                            spec.penalty.normalize()
                        )
                    } else {
                        format!(
                            "{} {}",
                            lang.pick("权重", "weight"),
                            spec.weight.normalize()
                        )
                    };
                    let method = spec.method.describe(lang);
                    let target = spec
                        .target
                        .as_deref()
                        .map(|t| format!("，{} {t}", lang.pick("对目标", "against")))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "  {} {} / {}: {weight}，{} {} / {} {}，{method}{target}\n",
                        v.effective_from,
                        p.name,
                        label,
                        lang.pick("达标", "pass"),
                        d(spec.pass),
                        lang.pick("优秀", "excellent"),
                        d(spec.excellent)
                    ));
                }
            }
        }
    }
    if !any {
        out.push_str(lang.pick(
            "  （本方案未使用该指标）\n",
            "  (not used by this scheme)\n",
        ));
    }
    out
}

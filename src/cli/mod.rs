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
pub mod compare;
pub mod explain;
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
        /// The environment variable holding the open password of encrypted
        /// ledger workbooks.
        #[arg(long, value_name = "NAME")]
        ledger_password_env: Option<String>,
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
    /// Try a scheme before adopting it: compute two schemes on the same
    /// ledgers and write one comparison workbook (方案对比_<period>.xlsx)
    /// into the output folder; no period folder is touched.
    Compare {
        /// The ledger folder.
        ledger_dir: PathBuf,
        /// The current scheme, then the proposed one (give --scheme twice).
        #[arg(long, required = true)]
        scheme: Vec<PathBuf>,
        /// One month, e.g. 2026-10 (default: the latest month with data).
        #[arg(long, conflicts_with_all = ["quarter", "year"])]
        period: Option<String>,
        /// One quarter, e.g. 2026-Q4.
        #[arg(long, conflicts_with = "year")]
        quarter: Option<String>,
        /// A whole year: 12 months, 4 quarters and the year.
        #[arg(long)]
        year: Option<i32>,
        /// Where the comparison workbook goes (HR's recorded review of each
        /// period is read from its folder here).
        #[arg(long, default_value = "out")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
        /// Worker threads (default: one per core).
        #[arg(long)]
        jobs: Option<usize>,
        /// Raise a limit on what one ledger file may hold, NAME=VALUE.
        #[arg(long = "limit", value_name = "NAME=VALUE", value_parser = parse_limit)]
        limit: Vec<String>,
        /// The environment variable holding the open password of encrypted
        /// ledger workbooks.
        #[arg(long, value_name = "NAME")]
        ledger_password_env: Option<String>,
    },
    /// Mail each rep their own workbook of a period (OUT/<period>): .eml
    /// files for review, or SMTP; a send log so a re-run never sends twice.
    Mail(crate::mail::MailArgs),
    /// Write blank ledger templates (one workbook per ledger kind).
    Templates {
        dir: PathBuf,
        #[arg(long, value_enum, default_value_t = Lang::Zh)]
        lang: Lang,
        /// Write into a folder that already holds files (they may be
        /// overwritten).
        #[arg(long)]
        force: bool,
    },
    /// Write a deterministic fictional company's ledgers (samples and
    /// benchmark workloads).
    DemoData {
        dir: PathBuf,
        /// Reps at the start of the year (default: 24 / 200 / 2000 by
        /// scale); the year's hires come on top (the samples: 24 + 2 = 26).
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
        /// Write into a folder that already holds files (they may be
        /// overwritten, and old ledgers would mix with the new ones).
        #[arg(long)]
        force: bool,
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
    /// The environment variable holding the open password of encrypted
    /// ledger workbooks (never on the command line).
    #[arg(long, value_name = "NAME")]
    pub ledger_password_env: Option<String>,
}

/// The open password of encrypted ledgers, from the environment variable
/// `--ledger-password-env` names (an unset or empty variable: a message).
fn ledger_passwords(
    name: Option<&str>,
    lang: Lang,
) -> Result<Option<&'static crate::input::read::LedgerPasswords>, String> {
    let Some(name) = name else { return Ok(None) };
    match std::env::var(name) {
        Ok(pw) if !pw.is_empty() => Ok(Some(
            crate::input::read::LedgerPasswords {
                all: Some(pw),
                by_pattern: Vec::new(),
            }
            .leak(),
        )),
        _ => Err(match lang {
            Lang::Zh => format!("--ledger-password-env：环境变量 {name} 未设置或为空"),
            Lang::En => {
                format!("--ledger-password-env: the environment variable {name} is unset or empty")
            }
        }),
    }
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
            limits: crate::input::read::Limits {
                passwords: ledger_passwords(self.ledger_password_env.as_deref(), self.lang)
                    .unwrap_or_else(|m| {
                        eprintln!("kaohe: {m}");
                        std::process::exit(EXIT_USAGE)
                    }),
                ..crate::input::read::Limits::from_settings(&self.limit)
                    .expect("checked by parse_limit")
            },
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
    Xl,
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
    let args: Vec<String> = std::env::args().collect();
    let lang = if args.windows(2).any(|w| w[0] == "--lang" && w[1] == "en")
        || args.iter().any(|a| a == "--lang=en")
    {
        Lang::En
    } else {
        Lang::Zh
    };
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            if let Some(hint) = usage_hint(&args, lang) {
                eprintln!("kaohe: {hint}");
                return EXIT_USAGE;
            }
            let code = if e.use_stderr() { EXIT_USAGE } else { EXIT_OK };
            let _ = e.print();
            return code;
        }
    };
    let out = match &cli.command {
        Command::Run { batch, .. } | Command::Watch { batch, .. } => Some(batch.out.clone()),
        _ => None,
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            let (code, message) = describe_error(&e, lang);
            if code == crate::exit::EXIT_NOT_WRITTEN {
                // Nothing half-written stays behind to fill the disk.
                if let Some(out) = &out {
                    crate::store::remove_run_temporaries(out);
                }
            }
            eprintln!("kaohe: {message}");
            code
        }
    }
}

/// A hint for the mistakes a new user makes on the command line, said in
/// the user's language before clap's own message.
fn usage_hint(args: &[String], lang: Lang) -> Option<String> {
    let has = |flag: &str| {
        args.iter()
            .any(|a| a == flag || a.starts_with(&format!("{flag}=")))
    };
    if has("--month") {
        return Some(
            lang.pick(
                "没有 --month 选项：计算一个月请用 --period 2026-03（季度 --quarter 2026-Q1，整年 --year 2026）",
                "there is no --month: compute a month with --period 2026-03 (a quarter: --quarter 2026-Q1, a year: --year 2026)",
            )
            .to_string(),
        );
    }
    if args.get(1).map(String::as_str) == Some("mail")
        && !has("--eml-dir")
        && !has("--smtp")
        && !has("--dry-run")
        && !has("--help")
        && !has("-h")
    {
        return Some(
            lang.pick(
                "kaohe mail 需要选择一种方式：--dry-run（只看将发给谁）、--eml-dir 文件夹（写出邮件文件）或 --smtp 地址（发送）",
                "kaohe mail needs one of --dry-run (see who gets what), --eml-dir DIR (write .eml files) or --smtp URL (send)",
            )
            .to_string(),
        );
    }
    None
}

/// The exit code and the message, in the user's language, of an error that
/// ended a command: output that could not be written (a full disk, no
/// permission) has a code of its own.
fn describe_error(e: &anyhow::Error, lang: Lang) -> (i32, String) {
    let io = e.chain().find_map(|c| c.downcast_ref::<std::io::Error>());
    let Some(io) = io else {
        return (EXIT_USAGE, format!("{e:#}"));
    };
    // The outermost context names the file ("writing …").
    let what = e.to_string();
    let place = what
        .split_once(' ')
        .map(|(_, p)| p.to_string())
        .unwrap_or(what.clone());
    let folder = std::path::Path::new(&place)
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    match io.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => (
            crate::exit::EXIT_NOT_WRITTEN,
            match lang {
                Lang::Zh => format!(
                    "输出无法写入：磁盘已满（{folder}）。已写完的期间保留不变，本次的临时文件已删除；请腾出空间（一个期间的输出约为其人数 × 30 KB）后重新运行，会接着完成"
                ),
                Lang::En => format!(
                    "the output could not be written: the disk is full ({folder}). Periods already written are intact and this run's temporary files are removed; free some space (a period's outputs take about 30 KB per rep) and run again to finish"
                ),
            },
        ),
        std::io::ErrorKind::PermissionDenied => (
            crate::exit::EXIT_NOT_WRITTEN,
            match lang {
                Lang::Zh => format!("没有权限：{place}（请检查文件夹的权限，或文件是否被其他程序锁定）"),
                Lang::En => format!("permission denied: {place} (check the folder's permissions, or whether another program locks the file)"),
            },
        ),
        std::io::ErrorKind::NotFound => (
            EXIT_USAGE,
            match lang {
                Lang::Zh => format!("找不到：{place}"),
                Lang::En => format!("not found: {place}"),
            },
        ),
        _ => (EXIT_USAGE, format!("{e:#}")),
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
                            "kaohe: {} {p}{}",
                            lang.pick("无法识别的期间", "not a period:"),
                            lang.pick(
                                "（月份写 2026-03 或 2026年3月，季度写 2026-Q1，整年用 --year 2026）",
                                " (a month is 2026-03, a quarter 2026-Q1; a whole year: --year 2026)"
                            )
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
            ledger_password_env,
        } => {
            set_jobs(jobs);
            let Some(mut limits) = limits(&limit) else {
                return Ok(EXIT_USAGE);
            };
            match ledger_passwords(ledger_password_env.as_deref(), lang) {
                Ok(p) => limits.passwords = p,
                Err(m) => {
                    eprintln!("kaohe: {m}");
                    return Ok(EXIT_USAGE);
                }
            }
            check(&ledger_dir, scheme.as_deref(), &out, lang, strict, &limits)
        }
        Command::Explain {
            indicator,
            all,
            scheme,
            lang,
        } => crate::cli::explain::explain(indicator.as_deref(), all, scheme.as_deref(), lang),
        Command::Compare {
            ledger_dir,
            scheme,
            period,
            quarter,
            year,
            out,
            lang,
            jobs,
            limit,
            ledger_password_env,
        } => {
            set_jobs(jobs);
            let sel = match (period.or(quarter), year) {
                (Some(p), _) => match crate::period::Period::parse(&p) {
                    Some(p) => Some(crate::compute::assess::Selection::One(p)),
                    None => {
                        eprintln!(
                            "kaohe: {} {p}{}",
                            lang.pick("无法识别的期间", "not a period:"),
                            lang.pick(
                                "（月份写 2026-03，季度写 2026-Q1，整年用 --year 2026）",
                                " (a month is 2026-03, a quarter 2026-Q1; a whole year: --year 2026)"
                            )
                        );
                        return Ok(EXIT_USAGE);
                    }
                },
                (None, Some(y)) => Some(crate::compute::assess::Selection::Year(y)),
                (None, None) => None,
            };
            let Some(mut limits) = limits(&limit) else {
                return Ok(EXIT_USAGE);
            };
            match ledger_passwords(ledger_password_env.as_deref(), lang) {
                Ok(p) => limits.passwords = p,
                Err(m) => {
                    eprintln!("kaohe: {m}");
                    return Ok(EXIT_USAGE);
                }
            }
            crate::cli::compare::compare(&crate::cli::compare::Options {
                ledger_dir,
                schemes: scheme,
                sel,
                out,
                lang,
                limits,
            })
        }
        Command::Mail(args) => Ok(crate::mail::run(&args)),
        Command::Templates { dir, lang, force } => {
            if let Some(code) = refuse_non_empty(&dir, force, lang) {
                return Ok(code);
            }
            let mut written = crate::templates::write_templates(&dir, lang)?;
            written.extend(crate::templates::write_presets(&dir)?);
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
            force,
        } => match refuse_non_empty(&dir, force, Lang::Zh) {
            Some(code) => Ok(code),
            None => demo_data(&dir, reps, seed, year, months, scale),
        },
    }
}

/// A generator's target folder must be empty (or new) unless `--force`:
/// the exit code when it is not, after saying so.
fn refuse_non_empty(dir: &Path, force: bool, lang: Lang) -> Option<i32> {
    let holds = std::fs::read_dir(dir).is_ok_and(|mut d| d.next().is_some());
    if !holds || force {
        return None;
    }
    eprintln!(
        "kaohe: {}: {}",
        dir.display(),
        lang.pick(
            "文件夹不是空的，写入会覆盖或混入已有文件；请换一个空文件夹，或加 --force",
            "the folder is not empty: writing would overwrite or mix with its files; choose an empty folder, or add --force"
        )
    );
    Some(EXIT_USAGE)
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
    // A scheme given is checked whole, with the messages `run` gives.
    let aliases = match scheme {
        Some(p) => match crate::scheme::Scheme::load(p) {
            Ok(s) => s.columns,
            Err(e) => {
                eprintln!("kaohe: {}", e.message_in(lang));
                return Ok(EXIT_USAGE);
            }
        },
        None => ColumnAliases::default(),
    };
    crate::store::refuse_inside(out, ledger_dir)?;
    if !ledger_dir.is_dir() {
        // A wrong folder is a usage error, as for `kaohe run`.
        eprintln!(
            "kaohe: {}: {}",
            ledger_dir.display(),
            lang.pick(
                "不是文件夹（请给出台账文件夹）",
                "is not a folder (give the ledger folder)"
            )
        );
        return Ok(EXIT_USAGE);
    }
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
        ScaleArg::Xl => Scale::Xl,
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
    // The sample scheme beside the ledgers: `kaohe run DIR` finds it.
    crate::store::fs::write_atomic(
        &dir.join("考核方案.toml"),
        crate::templates::SAMPLE_SCHEME.as_bytes(),
    )?;
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

#[cfg(test)]
mod disk_tests {
    use super::*;

    #[test]
    fn a_full_disk_is_said_in_the_users_language_with_its_own_exit_code() {
        let io = std::io::Error::from(std::io::ErrorKind::StorageFull);
        let e = anyhow::Error::new(io).context("writing /data/out/2026-05/.results.csv.15720.tmp");
        let (code, zh) = describe_error(&e, Lang::Zh);
        assert_eq!(code, crate::exit::EXIT_NOT_WRITTEN);
        assert!(
            zh.starts_with("输出无法写入：磁盘已满（/data/out/2026-05）"),
            "{zh}"
        );
        let (_, en) = describe_error(&e, Lang::En);
        assert!(en.contains("the disk is full (/data/out/2026-05)"), "{en}");
        // Anything else keeps the usage code.
        let (code, _) = describe_error(&anyhow::anyhow!("bad"), Lang::Zh);
        assert_eq!(code, EXIT_USAGE);
    }

    #[test]
    fn a_stopped_run_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let period = dir.path().join("2026-05");
        std::fs::create_dir_all(period.join("draft")).unwrap();
        for p in [
            period.join(".results.csv.15720.tmp"),
            period.join("draft/.S001.xlsx.15720.tmp"),
            period.join("results.csv"),
        ] {
            std::fs::write(p, b"x").unwrap();
        }
        crate::store::remove_run_temporaries(dir.path());
        assert!(!period.join(".results.csv.15720.tmp").exists());
        assert!(!period.join("draft/.S001.xlsx.15720.tmp").exists());
        assert!(period.join("results.csv").exists());
    }
}

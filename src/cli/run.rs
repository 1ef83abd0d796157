//! The batch behind `kaohe run` (and `kaohe watch`): read every ledger once,
//! decide per period whether it must be computed, compute the periods that
//! must in parallel, and write each period folder atomically.
//!
//! **What a period is computed from** (SPEC 4). Every period of a run is
//! computed from one dataset of every file in the folder, as the ledgers
//! stand at run time: rows count for a period by their own dates, a later
//! snapshot's customer facts reach earlier periods, only a customer's state
//! is taken by as-of month. So a November payment for an October due date
//! within the grace days counts for October whenever it arrives.
//!
//! **Incremental by results.** A period whose manifest records this run's
//! exact inputs, scheme, version and language (and whose outputs are
//! present) is skipped without computing. Every other period is computed in
//! memory; its content digest ([`crate::output::digest`]: every value, score, total,
//! grade, evidence row and data issue bearing on it) is compared with the
//! recorded one, and only a period whose results changed is rewritten (with
//! a 变更 sheet naming the input files that changed since). `--force`
//! rewrites every period.
//!
//! **Issued periods** (`issued.json`, see [`crate::store::issued`]): a recomputation
//! that would change them goes to `OUT/<period>/draft/` unless `--reissue`.
//!
//! **Safety.** One run at a time per output folder (an OS file lock on
//! `OUT/.kaohe.lock`, released when the process ends however it ends); every
//! file is written to a temporary file and renamed; a period's manifest is
//! written last, so a run killed half-way is repaired by the next one.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::compute::apply::{History, MonthRow};
use crate::compute::assess::{RepResult, Selection};
use crate::exit::{EXIT_DATA_ISSUES, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE};
use crate::input::dataset::Dataset;
use crate::input::issues::Level;
use crate::output::changes::Changes;
use crate::output::manifest::{InputFile, Manifest};
use crate::period::{Period, YearMonth};
use crate::progress::{Mode, Stage};
use crate::scheme::Scheme;
use crate::Lang;

/// What `kaohe run` was asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    pub ledger_dir: PathBuf,
    pub sel: Selection,
    /// `--scheme`; else 考核方案.toml in the ledger folder or its parent.
    pub scheme: Option<PathBuf>,
    pub out: PathBuf,
    pub lang: Lang,
    pub strict: bool,
    pub force: bool,
    pub reissue: bool,
    pub progress: Mode,
    /// What one ledger file may hold (`--limit`).
    pub limits: crate::input::read::Limits,
}

/// What happened to one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fate {
    /// Inputs, scheme and outputs as recorded: nothing done.
    Skipped,
    /// Issued and unchanged: nothing done.
    SkippedIssued,
    /// Issued; its draft is up to date: nothing done.
    SkippedDraft,
    /// Computed for the first time.
    New,
    /// Recomputed over an earlier result (`reps changed`, `grades changed`).
    Recomputed { reps: usize, grades: usize },
    /// Issued: recomputed into `draft/`, the issued files kept.
    Draft { reps: usize, grades: usize },
    /// Issued and recomputed with `--reissue`: replaced.
    Reissued { reps: usize, grades: usize },
}

/// The outcome of a batch, for the closing summary and for tests.
#[derive(Debug, Default)]
pub struct Report {
    pub exit: i32,
    pub periods: Vec<(Period, Fate)>,
    /// Assessments computed (rep × period) and not assessed.
    pub assessed: usize,
    pub not_assessed: usize,
    /// Grade counts in the scheme's order.
    pub grades: Vec<(String, usize)>,
    pub ungraded: usize,
    /// Data issues of the whole folder: errors, warnings, info.
    pub issues: (usize, usize, usize),
    pub reps: usize,
    /// Files that could not be read (the batch went on without them).
    pub unreadable: usize,
    /// The batch ran to its end (its exit code may still be 3 for
    /// unreadable files).
    pub completed: bool,
    /// Periods whose grace window is still open at the ledgers' as-of date:
    /// how many installments may still be paid in time.
    pub open_grace: Vec<(Period, usize)>,
    /// Periods where HR's edits were read from the workbooks: how many
    /// records the period's review holds, and how many edited cells were
    /// not carried.
    pub reviews: Vec<(Period, usize, usize)>,
    /// Ledger files read back from the output folder's kept parses instead
    /// of parsed (unchanged since an earlier run).
    pub files_reused: usize,
    /// Ledger files read (parsed or read back).
    pub files: usize,
}

/// `kaohe run`: the incremental batch. Prints progress to standard error
/// and the closing summary to standard output; returns the exit code.
pub fn run(o: &Options) -> anyhow::Result<i32> {
    let started = Instant::now();
    let report = run_batch(o)?;
    if report.completed {
        crate::exit::say(&summary(&report, o, started.elapsed().as_secs_f64()));
    }
    if report.unreadable > 0 {
        eprintln!(
            "kaohe: {}",
            if o.lang == Lang::Zh {
                format!(
                    "{} 个文件无法读取（见上），结果中不含其中的数据",
                    report.unreadable
                )
            } else {
                format!(
                    "{} file(s) could not be read (see above); the results leave out their rows",
                    report.unreadable
                )
            }
        );
    }
    Ok(report.exit)
}

/// Run the batch and return what it did (messages for problems are printed
/// as they happen). A run that stops before writing any period leaves no
/// output folder behind when there was none.
pub fn run_batch(o: &Options) -> anyhow::Result<Report> {
    let existed = o.out.exists();
    let report = run_batch_locked(o);
    if !existed && !report.as_ref().is_ok_and(|r| r.completed) {
        crate::store::lock::remove_unused(&o.out);
    }
    report
}

fn run_batch_locked(o: &Options) -> anyhow::Result<Report> {
    let lang = o.lang;
    let fail = |exit: i32| {
        Ok(Report {
            exit,
            ..Report::default()
        })
    };
    let Some(scheme_path) = crate::scheme::locate::find_scheme(&o.ledger_dir, o.scheme.as_deref())
    else {
        eprintln!(
            "kaohe: {}",
            lang.pick(
                "没有找到考核方案：请用 --scheme 指定，或在台账文件夹（或其上级）放置 考核方案.toml；kaohe templates 文件夹 会写出预设方案（schemes/ 下），复制一个改名为 考核方案.toml 即可",
                "no scheme found: give --scheme, or put 考核方案.toml in the ledger folder or beside it; kaohe templates DIR writes the presets (under schemes/): copy one as 考核方案.toml"
            )
        );
        return fail(EXIT_USAGE);
    };
    let mut scheme = match Scheme::load(&scheme_path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("kaohe: {}", e.message_in(lang));
            return fail(EXIT_USAGE);
        }
    };
    // The workbooks name the scheme relative to the ledger folder, or by
    // its file name: never by a path of this machine.
    scheme.file = crate::scheme::locate::shown_name(&scheme_path, &o.ledger_dir);
    let scheme_hash = crate::scheme::locate::file_hash(&scheme_path);
    // The manifest names the scheme by its absolute path, so that `kaohe
    // mail` finds its [mail] settings from any folder.
    let scheme_file = absolute_text(&scheme_path);
    // And the ledger folder, where `kaohe mail --encrypt` finds passwords.
    let ledger_dir_text = absolute_text(&o.ledger_dir);
    crate::store::refuse_inside(&o.out, &o.ledger_dir)?;
    if !o.ledger_dir.is_dir() {
        eprintln!(
            "kaohe: {}: {}",
            o.ledger_dir.display(),
            lang.pick(
                "不是文件夹（请给出台账文件夹）",
                "is not a folder (give the ledger folder)"
            )
        );
        return fail(EXIT_USAGE);
    }
    // One run at a time per output folder, taken before anything is read
    // (a second run is refused at once). Nothing is written before.
    let _lock = match crate::store::lock(&o.out, lang)? {
        Ok(f) => f,
        Err(msg) => {
            eprintln!("kaohe: {msg}");
            return fail(EXIT_USAGE);
        }
    };

    // Open passwords of encrypted ledgers: --ledger-password-env for every
    // file, the scheme's [input] passwords per file pattern (each from its
    // environment variable; never from the command line or a file).
    let mut limits = o.limits;
    if !scheme.ledger_password_env.is_empty() {
        let mut by_pattern = Vec::new();
        for (pattern, var) in &scheme.ledger_password_env {
            match std::env::var(var) {
                Ok(pw) if !pw.is_empty() => by_pattern.push((pattern.clone(), pw)),
                _ => {
                    eprintln!(
                        "kaohe: {}",
                        match lang {
                            Lang::Zh => format!("{}：[input] passwords 中 {pattern} 的环境变量 {var} 未设置或为空", scheme_path.display()),
                            Lang::En => format!("{}: [input] passwords: the environment variable {var} of {pattern} is unset or empty", scheme_path.display()),
                        }
                    );
                    return fail(EXIT_USAGE);
                }
            }
        }
        limits.passwords = Some(
            crate::input::read::LedgerPasswords {
                all: limits.passwords.and_then(|p| p.all.clone()),
                by_pattern,
            }
            .leak(),
        );
    }

    if !o.force {
        let check = crate::timing::stage("unchanged-check");
        let fast = unchanged(o, &scheme, &scheme_hash, &ledger_dir_text);
        drop(check);
        if let Some(mut report) = fast {
            report.periods.sort_by_key(|(p, _)| *p);
            crate::timing::report();
            return Ok(report);
        }
    }

    // Read every file once.
    let read_stage = crate::timing::stage("read+validate");
    let (files, ignored) = crate::input::read::discover(&o.ledger_dir)?;
    let bar = Stage::start(
        o.progress,
        lang.pick("读取台账", "reading"),
        files.len() as u64,
        lang.pick("个文件", "files"),
    );
    // Files parsed by an earlier run and unchanged since are read back
    // from the output folder's kept parses (`--force` parses every file).
    let kept_parses = crate::store::parsed::ParsedStore::new(&o.out);
    let kept = crate::input::dataset::Kept {
        memo: &kept_parses,
        refresh: o.force,
    };
    let mut loaded = crate::input::dataset::read_files_kept(
        files,
        ignored,
        &scheme.columns,
        &limits,
        &|_| bar.inc(),
        Some(&kept),
    );
    bar.finish(lang);
    kept_parses.prune();
    let files_reused = loaded.reused.iter().filter(|&&r| r).count();
    let files_read = loaded.files.len();
    crate::timing::count("files-reused", files_reused as u64);
    drop(read_stage);

    // The run's one dataset (SPEC 4): every file, repeats and corrections
    // in path order, customer state by as-of month. The parsed rows are
    // moved into it, not copied.
    let assemble_stage = crate::timing::stage("assemble");
    let mut full = loaded.take_all();
    drop(loaded);
    drop(assemble_stage);
    // Reading and moving rows is done; workbooks are written from here on.
    crate::memory::release_promptly(false);
    crate::compute::assess::check_scores(&mut full, &scheme);
    let issues = (
        full.count(Level::Error),
        full.count(Level::Warning),
        full.count(Level::Info),
    );
    // An unreadable file is one line; the batch goes on from the other
    // files and exits 3 at the end (under --strict it stops here). A
    // missing kind or column stops it.
    let unreadable: Vec<&crate::input::read::ReadError> = full
        .problems
        .iter()
        .filter_map(|p| match p {
            crate::input::dataset::Problem::Unreadable(e) => Some(e),
            _ => None,
        })
        .collect();
    if full.problems.len() > unreadable.len() || (o.strict && !unreadable.is_empty()) {
        crate::exit::say(&crate::cli::check::summary(&full, lang));
        return fail(EXIT_UNREADABLE);
    }
    for e in &unreadable {
        eprintln!(
            "kaohe: {} {}: {}",
            lang.pick("无法读取", "cannot read"),
            e.file,
            e.reason(lang)
        );
    }
    let unreadable = unreadable.len();
    // Every roster row's role, in every month's roster, maps to a profile.
    let unmapped: Vec<String> = full
        .roster_roles
        .iter()
        .filter(|(_, role)| !scheme.maps_role(role))
        .map(|(src, role)| {
            let at = full.position(*src).address();
            match lang {
                Lang::Zh => format!(
                    "{at}：岗位“{role}”在考核方案 {} 中没有对应的档案",
                    scheme_path.display()
                ),
                Lang::En => format!(
                    "{at}: the role '{role}' matches no profile of the scheme {}",
                    scheme_path.display()
                ),
            }
        })
        .collect();
    let roles: Vec<&str> = full.reps.iter().map(|r| r.role.as_str()).collect();
    let bad_roles = scheme.check_roles(&roles);
    if !unmapped.is_empty() || !bad_roles.is_empty() {
        for m in &unmapped {
            eprintln!("kaohe: {m}");
        }
        if !unmapped.is_empty() {
            eprintln!(
                "kaohe: {}{}{}",
                lang.pick("考核方案中的岗位：", "roles in the scheme: "),
                scheme.known_roles().join(lang.pick("、", ", ")),
                lang.pick(
                    "。请改正人员表中的岗位，或把它加入方案某个档案的 roles",
                    ". Correct the role in the roster, or add it to the roles of a profile"
                )
            );
        }
        for m in &bad_roles {
            if unmapped.is_empty() {
                eprintln!("kaohe: {}: {}", scheme_path.display(), lang.pick_in(m));
            }
        }
        return fail(EXIT_USAGE);
    }
    // A period asked for by name must have data in each of its months
    // (activity: a follow-up, lead, signing, due date or payment).
    let asked: Vec<Period> = match o.sel {
        Selection::One(p) => vec![p],
        Selection::Year(y) => vec![Period::Year(y)],
        Selection::MonthsWithData => Vec::new(),
    };
    for p in asked {
        let missing = crate::compute::assess::missing_months(&full, p);
        if missing.is_empty() {
            continue;
        }
        let have = crate::compute::assess::months_with_data(&full);
        let list = |v: &mut dyn Iterator<Item = YearMonth>| {
            v.map(|m| m.to_string()).collect::<Vec<_>>().join(" ")
        };
        let missing_text = list(&mut missing.iter().copied());
        let range = match (have.first(), have.last()) {
            (Some(a), Some(b)) => format!("{a} — {b}"),
            _ => lang.pick("（无）", "(none)").to_string(),
        };
        eprintln!(
            "kaohe: {}",
            match lang {
                Lang::Zh => format!(
                    "{p} 无法计算：{missing_text} 没有业务数据（跟进、线索、签约、应回款或回款都不在这个月）。台账中有数据的月份：{range}（共 {} 个月）",
                    have.len()
                ),
                Lang::En => format!(
                    "{p} cannot be computed: {missing_text} has no activity (no follow-up, lead, signing, due date or payment falls in it). Months with data: {range} ({} months)",
                    have.len()
                ),
            }
        );
        return fail(EXIT_USAGE);
    }
    if o.strict && issues.0 + issues.1 > 0 {
        crate::exit::say(&crate::cli::check::summary(&full, lang));
        return fail(EXIT_DATA_ISSUES);
    }
    let warnings = crate::input::dataset::folder_warnings(&full, lang);
    for w in &warnings {
        eprintln!("kaohe: {w}");
    }

    // Plan: a period whose manifest records exactly this run's inputs,
    // scheme, version and language (and whose outputs are all present) is
    // unchanged without computing it; every other period is computed.
    let periods = crate::compute::assess::periods(&full, o.sel);
    let ledgers_as_of = crate::input::dataset::ledgers_as_of(&full);
    let inputs = crate::output::manifest::input_files(&full);
    let mut report = Report {
        issues,
        unreadable,
        reps: full.reps.len(),
        grades: scheme.grades.iter().map(|g| (g.name.clone(), 0)).collect(),
        files_reused,
        files: files_read,
        ..Report::default()
    };
    // HR's review: the edits made in each period's workbooks since kaohe
    // wrote them, harvested into the period's review record (an input of
    // the period from then on).
    let mut reviews = crate::compute::assess::Reviews::new();
    for &p in &periods {
        let home = o.out.join(p.to_string());
        if let Some(m) = crate::store::read_manifest(&home) {
            let h = crate::store::review::harvest(&home, &m, lang);
            for msg in h.refused.iter().chain(&h.not_carried) {
                eprintln!("kaohe: {p}: {msg}");
            }
            if h.changed {
                crate::store::review::write_records(&home, &h.records)?;
            }
            if h.found > 0 || !h.not_carried.is_empty() {
                report
                    .reviews
                    .push((p, h.records.len(), h.not_carried.len()));
            }
            crate::store::review::reviews(p, &h.records, &mut reviews);
        }
    }
    let with_data = crate::compute::assess::months_with_data(&full);
    let period_inputs: HashMap<Period, Vec<InputFile>> = periods
        .iter()
        .map(|&p| {
            let mut mine = inputs.clone();
            mine.extend(review_inputs(&o.out, p, &with_data, &scheme));
            mine.sort();
            (p, mine)
        })
        .collect();
    // HR's review of months outside this run, as recorded.
    for &m in &with_data {
        let p = Period::Month(m);
        if !periods.contains(&p) {
            let records = crate::store::review::read_records(&o.out.join(p.to_string()));
            crate::store::review::reviews(p, &records, &mut reviews);
        }
    }
    let mut todo: Vec<Planned> = Vec::new();
    for &p in &periods {
        match plan(o, p, &period_inputs[&p], &scheme_hash) {
            Err(fate) => report.periods.push((p, fate)),
            Ok(planned) => todo.push(planned),
        }
    }

    let compute = crate::timing::stage("index+compute+score");
    let (ix, bearing) = rayon::join(
        || crate::compute::Index::new(&full),
        || crate::input::relevance::IssueBearing::new(&full),
    );
    drop(compute);
    let ds = &full;
    // A one-period run counts that period's data issues.
    if let Selection::One(p) = o.sel {
        let keep = bearing.mask(p);
        let count = |level: Level| {
            ds.issues
                .iter()
                .zip(&keep)
                .filter(|(i, k)| **k && i.level == level)
                .count()
        };
        report.issues = (
            count(Level::Error),
            count(Level::Warning),
            count(Level::Info),
        );
    }
    for &p in &periods {
        let open = crate::compute::performance::open_grace(
            ds,
            p,
            scheme.defaults.grace_days,
            ledgers_as_of,
        );
        if open > 0 {
            report.open_grace.push((p, open));
        }
    }

    let bar = Stage::start(
        o.progress,
        lang.pick("计算并写出", "computing"),
        todo.len() as u64,
        lang.pick("个期间", "periods"),
    );
    // The months' results the lists of applying results read (kept small:
    // totals, grades, amounts, names of indicators below pass).
    let mut history = History::default();
    // The periods the ledgers hold (as a run without a period computes):
    // only those have a 上期 column on the next period's summary.
    let periods_with_data: BTreeSet<Period> =
        crate::compute::assess::periods(ds, Selection::MonthsWithData)
            .into_iter()
            .collect();
    // Totals and grades of the periods computed so far, for the next
    // period's 上期 (each kept until its next period takes it).
    let mut earlier: HashMap<Period, crate::output::summary::Previous> = HashMap::new();
    // Period by period: computed, written, and its results dropped, so
    // that a run holds one period's results at a time.
    for pl in todo {
        let compute = crate::timing::stage("index+compute+score");
        let computed =
            crate::compute::assess::compute_reviewed(ds, &ix, &scheme, &[pl.period], &reviews);
        if let Period::Month(m) = pl.period {
            history.insert(m, MonthRow::of(&computed));
        }
        let last = crate::compute::apply::last_month(pl.period, &with_data);
        history.fill(pl.period, last, &scheme, &mut |m, reps| {
            with_data.contains(&m).then(|| {
                let p = Period::Month(m);
                let r = match reps {
                    None => {
                        crate::compute::assess::compute_reviewed(ds, &ix, &scheme, &[p], &reviews)
                    }
                    Some(reps) => {
                        crate::compute::assess::compute_some(ds, &ix, &scheme, p, &reviews, reps)
                    }
                };
                MonthRow::of(&r)
            })
        });
        drop(compute);
        let _write = crate::timing::stage("write");
        let of_period: &[RepResult] = &computed;
        let payout = crate::output::payout::rows(ds, &scheme, pl.period, of_period, &history, lang);
        let applied = crate::output::summary::apply::Applied {
            history: &history,
            last,
            payout: &payout,
        };
        let keep = bearing.mask(pl.period);
        // 上期: the period before, from the same ledgers (and its review
        // record), when the ledgers hold it: computed earlier in this run,
        // else now. Never read from the output folder, so a period's
        // summary is the same whatever else the folder holds.
        let before = pl.period.previous();
        let previous = if periods_with_data.contains(&before) {
            let known = earlier.remove(&before);
            Some(known.unwrap_or_else(|| {
                let mut rv = crate::compute::assess::Reviews::new();
                let home = o.out.join(before.to_string());
                crate::store::review::reviews(
                    before,
                    &crate::store::review::read_records(&home),
                    &mut rv,
                );
                let r = crate::compute::assess::compute_reviewed(ds, &ix, &scheme, &[before], &rv);
                crate::output::summary::Previous::from_results(ds, before, &r)
            }))
        } else {
            None
        };
        earlier.insert(
            pl.period,
            crate::output::summary::Previous::from_results(ds, pl.period, of_period),
        );
        let at = crate::output::summary::AsOf {
            ledgers: ledgers_as_of.unwrap_or(pl.period.last_day()),
            overdue: ledgers_as_of.map_or(pl.period.last_day(), |d| d.min(pl.period.last_day())),
            open_grace: report
                .open_grace
                .iter()
                .find(|(q, _)| *q == pl.period)
                .map_or(0, |(_, n)| *n),
            issues: Some(&keep),
            previous: previous.as_ref(),
        };
        let trends = trends(ds, pl.period, &history);
        let streaks = applied.streaks(ds, &scheme, lang);
        let plans = applied.plans(ds, &scheme, lang);
        let csv = crate::output::results_csv::to_csv(ds, of_period, lang)?;
        let mut manifest = Manifest::new(ds, &scheme_file, &scheme_hash, pl.period, of_period);
        manifest.inputs = period_inputs[&pl.period].clone();
        manifest.lang = lang.code().to_string();
        manifest.summary_file = crate::output::names::team_summary(pl.period, lang);
        manifest.payout_file = crate::output::payout::file_name(pl.period, lang);
        manifest.ledger_dir = ledger_dir_text.clone();
        let applied_text = applied.digest_text(&scheme, pl.period);
        // With an earlier result to compare with, the digest decides now
        // whether the period is written; without one it is written anyway,
        // and its digest is taken as the workbooks are built (each rep's
        // evidence rows built once).
        let later = if digest_decides(o, &pl) {
            manifest.digest =
                crate::output::digest::period_digest(&crate::output::digest::PeriodContent {
                    ds,
                    ix: &ix,
                    scheme: &scheme,
                    scheme_hash: &scheme_hash,
                    period: pl.period,
                    results: of_period,
                    csv: &csv,
                    reps: &manifest.reps,
                    issues: &keep,
                    as_of: at.overdue,
                    trends: &trends,
                    applied: &applied_text,
                    lang,
                });
            None
        } else {
            Some(DigestLater {
                scheme_hash: &scheme_hash,
                applied: applied_text,
            })
        };
        let dir = match decide(o, &pl, &manifest.digest) {
            Err(fate) => {
                report.periods.push((pl.period, fate));
                bar.inc();
                continue;
            }
            Ok(dir) => dir,
        };
        for r in of_period {
            match &r.outcome {
                Ok(a) => {
                    report.assessed += 1;
                    match &a.assessment.grade {
                        Some(g) => match report.grades.iter_mut().find(|x| x.0 == g.name) {
                            Some(x) => x.1 += 1,
                            None => report.grades.push((g.name.clone(), 1)),
                        },
                        None => report.ungraded += 1,
                    }
                }
                Err(_) => report.not_assessed += 1,
            }
        }
        let w = PeriodWrite {
            ds,
            ix: &ix,
            scheme: &scheme,
            at: &at,
            lang,
        };
        let payout_csv = crate::output::payout::to_csv(ds, pl.period, &payout, lang)?;
        let fate = w.write(
            &pl,
            &dir,
            of_period,
            csv,
            manifest,
            Extra {
                trends,
                streaks,
                plans,
                issues: keep.clone(),
                applied: &applied,
                payout_csv,
                digest_later: later,
            },
        )?;
        report.periods.push((pl.period, fate));
        bar.inc();
    }
    bar.finish(lang);
    report.periods.sort_by_key(|(p, _)| *p);
    // What this run read and showed, for a later run with nothing changed.
    if report.unreadable == 0 {
        let mut ignored: Vec<String> = ds.ignored.iter().map(|s| s.to_string()).collect();
        ignored.sort();
        let entry = crate::store::runs::RunEntry {
            kaohe_version: env!("CARGO_PKG_VERSION").to_string(),
            lang: lang.code().to_string(),
            scheme_hash: scheme_hash.clone(),
            ledger_dir: ledger_dir_text.clone(),
            inputs: inputs.clone(),
            ignored,
            periods: periods.iter().map(Period::to_string).collect(),
            months_with_data: with_data.iter().map(YearMonth::to_string).collect(),
            reps: report.reps,
            issues: [report.issues.0, report.issues.1, report.issues.2],
            open_grace: report
                .open_grace
                .iter()
                .map(|(p, n)| (p.to_string(), *n))
                .collect(),
            warnings: warnings.clone(),
        };
        crate::store::runs::record(&o.out, &selection_key(o.sel), entry)?;
    }
    crate::timing::report();
    report.completed = true;
    report.exit = if report.unreadable > 0 {
        EXIT_UNREADABLE
    } else {
        EXIT_OK
    };
    Ok(report)
}

/// The review records a period's results depend on, as inputs: its own
/// (`审阅记录.csv`), and those of the earlier months its month-by-month
/// lists read (`2026-02/审阅记录.csv`: the improvement list reads the
/// months before, a year's monthly payout its months).
fn review_inputs(
    out: &Path,
    p: Period,
    with_data: &BTreeSet<YearMonth>,
    scheme: &Scheme,
) -> Vec<InputFile> {
    let hashed = |path: PathBuf, file: String| {
        std::fs::read(path).ok().map(|bytes| InputFile {
            file,
            sha256: crate::input::read::sha256_hex(&bytes),
        })
    };
    let record = crate::store::review::RECORD;
    let reads = |m: YearMonth| {
        Period::Month(m) != p
            && m.last_day() <= p.last_day()
            && (scheme.apply.improvement_after.is_some()
                || matches!(p, Period::Year(y) if y == m.year))
    };
    let own = hashed(out.join(p.to_string()).join(record), record.to_string());
    own.into_iter()
        .chain(with_data.iter().filter(|&&m| reads(m)).filter_map(|m| {
            hashed(
                out.join(m.to_string()).join(record),
                format!("{m}/{record}"),
            )
        }))
        .collect()
}

/// The run record's key of a selection.
fn selection_key(sel: Selection) -> String {
    match sel {
        Selection::MonthsWithData => "data".to_string(),
        Selection::One(p) => format!("period:{p}"),
        Selection::Year(y) => format!("year:{y}"),
    }
}

/// Nothing changed → near instant. When the run record of this selection
/// names exactly these ledger files (by SHA-256, hashed here without
/// parsing), this scheme, version, language and ledger folder, and every
/// period folder is unchanged (no HR edit to harvest, its recorded inputs
/// are this run's), the run's report is the record's: no ledger is parsed.
/// `None` sends the run down the full path (which decides the same way
/// after reading everything).
fn unchanged(o: &Options, scheme: &Scheme, scheme_hash: &str, ledger_dir: &str) -> Option<Report> {
    use rayon::prelude::*;
    let lang = o.lang;
    let record = crate::store::runs::read(&o.out);
    let entry = record.runs.get(&selection_key(o.sel))?;
    if entry.kaohe_version != env!("CARGO_PKG_VERSION")
        || entry.lang != lang.code()
        || entry.scheme_hash != scheme_hash
        || entry.ledger_dir != ledger_dir
        || (o.strict && entry.issues[0] + entry.issues[1] > 0)
    {
        return None;
    }
    let (files, ignored) = crate::input::read::discover(&o.ledger_dir).ok()?;
    let mut ignored: Vec<String> = ignored.iter().map(|s| s.to_string()).collect();
    ignored.sort();
    if ignored != entry.ignored || files.len() != entry.inputs.len() {
        return None;
    }
    let mut inputs: Vec<InputFile> = files
        .par_iter()
        .map(|f| {
            std::fs::read(&f.path).map(|bytes| InputFile {
                file: f.rel.to_string(),
                sha256: crate::input::read::sha256_hex(&bytes),
            })
        })
        .collect::<Result<_, _>>()
        .ok()?;
    inputs.sort();
    if inputs != entry.inputs {
        return None;
    }
    let periods: Vec<Period> = entry
        .periods
        .iter()
        .map(|p| Period::parse(p))
        .collect::<Option<_>>()?;
    let with_data: BTreeSet<YearMonth> = entry
        .months_with_data
        .iter()
        .map(|m| match Period::parse(m) {
            Some(Period::Month(m)) => Some(m),
            _ => None,
        })
        .collect::<Option<_>>()?;
    // Every period unchanged: no HR edit waiting, the same inputs.
    let fates: Vec<(Period, Fate)> = periods
        .par_iter()
        .map(|&p| {
            let home = o.out.join(p.to_string());
            let m = crate::store::read_manifest_head(&home)?;
            // Every workbook as kaohe wrote it, by its stamp (an edited or
            // unstamped one is for the full path's harvest).
            let stamps = crate::store::stamps::Stamps::read(&home);
            if !m
                .reps
                .iter()
                .filter(|r| !r.file.is_empty())
                .all(|r| stamps.unchanged(&home, &r.file, &r.sha256))
            {
                return None;
            }
            let mut mine = inputs.clone();
            mine.extend(review_inputs(&o.out, p, &with_data, scheme));
            mine.sort();
            plan(o, p, &mine, scheme_hash).err().map(|fate| (p, fate))
        })
        .collect::<Option<_>>()?;
    for w in &entry.warnings {
        eprintln!("kaohe: {w}");
    }
    let open_grace = entry
        .open_grace
        .iter()
        .filter_map(|(p, n)| Period::parse(p).map(|p| (p, *n)))
        .collect();
    Some(Report {
        exit: EXIT_OK,
        issues: (entry.issues[0], entry.issues[1], entry.issues[2]),
        reps: entry.reps,
        grades: scheme.grades.iter().map(|g| (g.name.clone(), 0)).collect(),
        periods: fates,
        completed: true,
        open_grace,
        ..Report::default()
    })
}

/// A path made absolute (and canonical when it exists), as text.
fn absolute_text(p: &Path) -> String {
    std::path::absolute(p)
        .map(|a| a.canonicalize().unwrap_or(a))
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// A period to compute and where its outputs may go.
struct Planned {
    period: Period,
    /// `OUT/<period>`.
    home: PathBuf,
    issued: bool,
}

/// Before computing: skip (with why) a period whose recorded inputs are
/// this run's, or plan to compute it.
fn plan(o: &Options, p: Period, inputs: &[InputFile], scheme_hash: &str) -> Result<Planned, Fate> {
    let home = o.out.join(p.to_string());
    let issued = crate::store::issued::read(&home).is_some();
    let fresh = |dir: &Path| {
        !o.force
            && crate::store::read_manifest_head(dir)
                .is_some_and(|m| crate::store::same_inputs(dir, &m, inputs, scheme_hash, o.lang))
    };
    if fresh(&home) {
        crate::store::tidy(&home);
        return Err(if issued {
            Fate::SkippedIssued
        } else {
            Fate::Skipped
        });
    }
    if issued && !o.reissue && fresh(&home.join(crate::store::issued::DRAFT_DIR)) {
        return Err(Fate::SkippedDraft);
    }
    Ok(Planned {
        period: p,
        home,
        issued,
    })
}

/// After computing: skip (with why) a period whose recorded results equal
/// the new ones (same content digest, outputs present), or say where to
/// write it: its folder, or `draft/` for an issued period.
/// Whether a period's digest decides if it is written: there is an earlier
/// result it could equal (and no `--force`). Otherwise [`decide`] writes it
/// whatever the digest. (A manifest that cannot be read only has the digest
/// taken first; [`decide`] then writes the period as well.)
fn digest_decides(o: &Options, pl: &Planned) -> bool {
    use crate::store::{has_manifest, issued::DRAFT_DIR};
    !o.force
        && (has_manifest(&pl.home)
            || (pl.issued && !o.reissue && has_manifest(&pl.home.join(DRAFT_DIR))))
}

/// A period's digest taken as its workbooks are built (see
/// [`digest_decides`]): what it needs beyond the period's write.
struct DigestLater<'a> {
    scheme_hash: &'a str,
    applied: String,
}

fn decide(o: &Options, pl: &Planned, digest: &str) -> Result<PathBuf, Fate> {
    let same = |dir: &Path| {
        !o.force
            && crate::store::read_manifest_head(dir)
                .is_some_and(|m| m.digest == digest && crate::store::outputs_present(dir, &m))
    };
    if same(&pl.home) {
        crate::store::tidy(&pl.home);
        return Err(if pl.issued {
            Fate::SkippedIssued
        } else {
            Fate::Skipped
        });
    }
    if pl.issued && !o.reissue {
        let draft = pl.home.join(crate::store::issued::DRAFT_DIR);
        if same(&draft) {
            return Err(Fate::SkippedDraft);
        }
        return Ok(draft);
    }
    Ok(pl.home.clone())
}

/// The month-by-month totals for a year's workbooks, from the months'
/// results (computed from the same dataset as the year).
fn trends(ds: &Dataset, p: Period, history: &History) -> HashMap<String, crate::output::Trend> {
    let Period::Year(year) = p else {
        return HashMap::new();
    };
    let mut by_rep: HashMap<String, crate::output::Trend> = HashMap::new();
    for month in 1..=12 {
        let m = YearMonth { year, month };
        for r in history.month(m).unwrap_or_default() {
            by_rep
                .entry(ds.reps[r.rep as usize].rep_id.clone())
                .or_default()
                .push((Period::Month(m), r.total));
        }
    }
    by_rep
}

/// What a period's folder shows beyond its results.
struct Extra<'a> {
    trends: HashMap<String, crate::output::Trend>,
    /// By rep id: the note of a rep on the improvement-plan list.
    streaks: HashMap<String, String>,
    /// By rep id: where the rep's 改进计划 rows start from.
    plans: HashMap<String, String>,
    issues: Vec<bool>,
    applied: &'a crate::output::summary::apply::Applied<'a>,
    payout_csv: Vec<u8>,
    /// The digest to take as the workbooks are built (none: taken already).
    digest_later: Option<DigestLater<'a>>,
}

/// Everything needed to write one period's folder.
struct PeriodWrite<'a> {
    ds: &'a Dataset,
    ix: &'a crate::compute::Index,
    scheme: &'a Scheme,
    at: &'a crate::output::summary::AsOf<'a>,
    lang: Lang,
}

impl PeriodWrite<'_> {
    /// Write results.csv, the rep workbooks, the team summary (with a 变更
    /// sheet over an earlier result) and, last, the manifest, into `dir`.
    #[allow(clippy::too_many_arguments)]
    fn write(
        &self,
        pl: &Planned,
        dir: &Path,
        results: &[RepResult],
        csv: Vec<u8>,
        mut manifest: Manifest,
        extra: Extra,
    ) -> anyhow::Result<Fate> {
        let Extra {
            trends,
            streaks,
            plans,
            issues,
            applied,
            payout_csv,
            digest_later,
        } = extra;
        let (ds, lang) = (self.ds, self.lang);
        crate::store::prepare(dir)?;

        // The earlier result this one replaces (the issued one for a draft),
        // kept aside until the new manifest lands so that a run killed
        // half-way still compares against it next time.
        let earlier = crate::store::baseline(&pl.home);
        if dir == pl.home {
            if let Some((m, csv)) = &earlier {
                crate::store::keep_previous(&pl.home, m, csv)?;
            }
        }
        let changes: Option<Changes> = match &earlier {
            Some((old, old_csv)) => Some(crate::output::changes::diff(
                old_csv, &csv, old, &manifest, lang,
            )?),
            None => None,
        };
        let mut extras = crate::output::Extras {
            trends,
            issues,
            notes: streaks,
            form_date: Some(self.at.ledgers),
            plans,
        };
        if let (Some(ch), Some((old, _))) = (&changes, &earlier) {
            for rep in ch.reps_changed() {
                let before = old.reps.iter().find(|r| r.rep_id == rep);
                let total = before
                    .and_then(|r| r.total.clone())
                    .unwrap_or_else(|| "-".into());
                let grade = before
                    .and_then(|r| r.grade.clone())
                    .unwrap_or_else(|| "-".into());
                let replaces = if lang == Lang::Zh {
                    format!("本表替换此前的版本（原总分 {total}，原等级 {grade}）；变化见团队汇总的“变更”表。")
                } else {
                    format!("This workbook replaces an earlier version (total was {total}, grade {grade}); see the Changes sheet of the team summary.")
                };
                // The streak note (if any) follows the replacement note.
                let note = match extras.notes.remove(rep) {
                    Some(streak) => format!("{replaces} {streak}"),
                    None => replaces,
                };
                extras.notes.insert(rep.to_string(), note);
            }
        }

        crate::store::fs::write_atomic(&dir.join("results.csv"), &csv)?;
        crate::store::fs::write_atomic(&dir.join(&manifest.payout_file), &payout_csv)?;
        let ch = changes.as_ref().zip(earlier.as_ref().map(|e| &e.0));
        let content = digest_later
            .as_ref()
            .map(|d| crate::output::digest::PeriodContent {
                ds,
                ix: self.ix,
                scheme: self.scheme,
                scheme_hash: d.scheme_hash,
                period: pl.period,
                results,
                csv: &csv,
                reps: &manifest.reps,
                issues: &extras.issues,
                as_of: self.at.overdue,
                trends: &extras.trends,
                applied: &d.applied,
                lang,
            });
        let part_of = |r: &RepResult, ev: &crate::output::rep::Evidence| {
            let c = content.as_ref().expect("taken only with a later digest");
            crate::output::digest::rep_part_of(c, r, ev)
        };
        let digest_part = content
            .as_ref()
            .map(|_| &part_of as crate::output::DigestPart);
        // The team summary is one workbook on one thread: built beside the
        // rep workbooks rather than after them.
        let (written, summary) = rayon::join(
            || {
                crate::output::rep_workbooks(
                    ds,
                    self.ix,
                    self.scheme,
                    pl.period,
                    results,
                    &|file, bytes| crate::store::fs::write_atomic(&dir.join(file), bytes),
                    lang,
                    &extras,
                    digest_part,
                )
            },
            || -> anyhow::Result<()> {
                let mut wb = crate::output::summary::team_summary(
                    ds,
                    self.scheme,
                    pl.period,
                    results,
                    self.at,
                    ch,
                    applied,
                    lang,
                )?;
                crate::store::fs::save_atomic(&mut wb, &dir.join(&manifest.summary_file))?;
                Ok(())
            },
        );
        let written = written?;
        summary?;
        if let Some(c) = &content {
            let parts = written
                .iter()
                .filter_map(|w| w.digest_part.map(|p| (w.rep, p)))
                .collect();
            let digest = crate::output::digest::period_digest_with(c, &parts);
            manifest.digest = digest;
        }
        let at: HashMap<String, usize> = manifest
            .reps
            .iter()
            .enumerate()
            .map(|(i, e)| (e.rep_id.clone(), i))
            .collect();
        // Moved, not copied: the layouts are most of a manifest.
        for w in written {
            if let Some(&i) = at.get(&ds.reps[w.rep as usize].rep_id) {
                let e = &mut manifest.reps[i];
                e.file = w.file;
                e.sha256 = w.sha256;
                e.layout = Some(w.layout);
            }
        }
        manifest.sort();
        if let Some(old) = crate::store::read_manifest(dir) {
            crate::store::remove_replaced(dir, &old, &manifest);
        }
        crate::store::write_manifest(dir, &manifest)?;
        crate::store::drop_previous(dir);
        // The workbooks as written, so that a later run knows them unedited
        // without reading them.
        let mut stamps = crate::store::stamps::Stamps::default();
        for e in manifest.reps.iter().filter(|e| !e.file.is_empty()) {
            stamps.set(dir, &e.file, &e.sha256);
        }
        stamps.write(dir);

        let (reps, grades) = changes
            .as_ref()
            .map(|c| (c.reps_changed().len(), c.grades_changed()))
            .unwrap_or_default();
        Ok(if dir != pl.home {
            Fate::Draft { reps, grades }
        } else if pl.issued {
            crate::store::issued::clear(&pl.home)?;
            crate::store::drop_draft(&pl.home);
            Fate::Reissued { reps, grades }
        } else if changes.is_some() {
            Fate::Recomputed { reps, grades }
        } else {
            Fate::New
        })
    }
}

/// The one-screen summary of a batch.
pub fn summary(r: &Report, o: &Options, secs: f64) -> String {
    use std::fmt::Write;
    let lang = o.lang;
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let count = |f: fn(&Fate) -> bool| r.periods.iter().filter(|(_, x)| f(x)).count();
    let computed = count(|f| {
        matches!(
            f,
            Fate::New | Fate::Recomputed { .. } | Fate::Draft { .. } | Fate::Reissued { .. }
        )
    });
    let skipped = r.periods.len() - computed;
    let grade_changes: usize = r
        .periods
        .iter()
        .map(|(_, f)| match f {
            Fate::Recomputed { grades, .. }
            | Fate::Draft { grades, .. }
            | Fate::Reissued { grades, .. } => *grades,
            _ => 0,
        })
        .sum();
    for (p, f) in &r.periods {
        let line = match (f, zh) {
            (Fate::Skipped, true) => "未变化，跳过".to_string(),
            (Fate::Skipped, false) => "unchanged, skipped".to_string(),
            (Fate::SkippedIssued, true) => "已发放，未变化，跳过".to_string(),
            (Fate::SkippedIssued, false) => "issued and unchanged, skipped".to_string(),
            (Fate::SkippedDraft, true) => "已发放；草稿已是最新，跳过".to_string(),
            (Fate::SkippedDraft, false) => "issued; its draft is up to date, skipped".to_string(),
            (Fate::New, true) => "已计算".to_string(),
            (Fate::New, false) => "computed".to_string(),
            (Fate::Recomputed { reps, grades }, true) => {
                format!("已重新计算：{reps} 人结果变化，{grades} 人等级变化（见团队汇总“变更”表）")
            }
            (Fate::Recomputed { reps, grades }, false) => format!(
                "recomputed: {reps} reps changed, {grades} changed grade (see the summary's Changes sheet)"
            ),
            (Fate::Draft { reps, grades }, true) => format!(
                "已发放，结果保留不动；重新计算的版本写入 {p}/draft/（{reps} 人结果变化，{grades} 人等级变化）。确认替换请加 --reissue"
            ),
            (Fate::Draft { reps, grades }, false) => format!(
                "issued: the issued files are kept; the recomputed version is in {p}/draft/ ({reps} reps changed, {grades} changed grade). Replace with --reissue"
            ),
            (Fate::Reissued { reps, grades }, true) => {
                format!("已重新发放版本：替换已发放的结果（{reps} 人结果变化，{grades} 人等级变化），需重新发送")
            }
            (Fate::Reissued { reps, grades }, false) => format!(
                "reissued: replaced the issued results ({reps} reps changed, {grades} changed grade); send them again"
            ),
        };
        // HR's review of the period's workbooks.
        let line = match r.reviews.iter().find(|(q, _, _)| q == p) {
            Some((_, n, refused)) => {
                let mut l = format!(
                    "{line}{}{}",
                    lang.pick("；HR 审阅修改 ", "; HR review: "),
                    if zh {
                        format!("{n} 项")
                    } else {
                        format!("{n} edit(s)")
                    }
                );
                if *refused > 0 {
                    l.push_str(&if zh {
                        format!("，{refused} 处修改未采用（数据请改台账，而不是考核表；见上）")
                    } else {
                        format!(", {refused} edited cell(s) not carried (fix data in the ledgers, not the workbook; see above)")
                    });
                }
                l
            }
            None => line,
        };
        // A period whose grace window is still open says so on its line.
        let open = r
            .open_grace
            .iter()
            .find(|(q, _)| q == p)
            .and_then(|(_, n)| {
                crate::output::summary::AsOf {
                    open_grace: *n,
                    ..crate::output::summary::AsOf::at(p.last_day())
                }
                .open_grace_note(lang)
            });
        match open {
            Some(note) => {
                let _ = writeln!(s, "  {p}: {line}{}{note}", lang.pick("；", "; "));
            }
            None => {
                let _ = writeln!(s, "  {p}: {line}");
            }
        }
    }
    let grade_text: Vec<String> = grade_counts(r);
    let (e, w, i) = r.issues;
    let _ = if zh {
        writeln!(
            s,
            "期间：计算 {computed} 个，跳过 {skipped} 个；人员 {} 人",
            r.reps
        )
        .and_then(|_| {
            if computed == 0 && !r.periods.is_empty() {
                // Nothing computed: no counts of zero that read as if every
                // rep had lost their grade.
                return writeln!(s, "考核：各期间结果均未变化，已写出的考核表不变");
            }
            writeln!(
                s,
                "考核 {} 人次，未考核 {} 人次；等级变化 {grade_changes} 人次",
                r.assessed, r.not_assessed
            )
            .and_then(|_| writeln!(s, "等级：{}", grade_text.join(" · ")))
        })
        .and_then(|_| {
            writeln!(
                s,
                "数据问题：错误 {e}，警告 {w}，提示 {i}（详见 kaohe check）"
            )
        })
        .and_then(|_| match r.files_reused {
            0 => Ok(()),
            n => writeln!(
                s,
                "台账：{} 个文件，其中 {n} 个与上次相同，直接沿用上次的读取结果（加 --force 则全部重新读取）",
                r.files
            ),
        })
        .and_then(|_| {
            writeln!(
                s,
                "结果：{}/<期间>/ — 每人考核表、团队汇总、奖金发放 CSV、results.csv、manifest.json（{secs:.1}s）",
                o.out.display()
            )
        })
    } else {
        writeln!(s, "periods: {computed} computed, {skipped} skipped; {} reps", r.reps)
            .and_then(|_| {
                if computed == 0 && !r.periods.is_empty() {
                    return writeln!(s, "assessments: every period unchanged; the workbooks written stand");
                }
                writeln!(s, "{} assessments, {} not assessed; {grade_changes} grade changes", r.assessed, r.not_assessed)
                    .and_then(|_| writeln!(s, "grades: {}", grade_text.join(" · ")))
            })
            .and_then(|_| writeln!(s, "data issues: {e} errors, {w} warnings, {i} info (see kaohe check)"))
            .and_then(|_| match r.files_reused {
                0 => Ok(()),
                n => writeln!(s, "ledgers: {} files, {n} unchanged since the last run and read back from it (--force reads them all again)", r.files),
            })
            .and_then(|_| writeln!(s, "results: {}/<period>/ — rep workbooks, team summary, payout CSV, results.csv, manifest.json ({secs:.1}s)", o.out.display()))
    };
    s
}

fn grade_counts(r: &Report) -> Vec<String> {
    let mut v: Vec<String> = r.grades.iter().map(|(g, n)| format!("{g} {n}")).collect();
    if r.ungraded > 0 {
        v.push(format!("- {}", r.ungraded));
    }
    if v.is_empty() {
        v.push("-".into());
    }
    v
}

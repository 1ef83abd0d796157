//! The validated dataset: every ledger file read (in parallel), its rows
//! typed, reps resolved against the roster, duplicates across files merged or
//! replaced in path order, customer snapshots kept per as-of month, contracts
//! consolidated from their installment rows (SPEC 3).
//!
//! Nothing is dropped silently: for every recognised sheet,
//! `used + merged + replaced + empty + totals + errors == data_rows`
//! (see [`SheetStats`]).

use std::borrow::Cow;
use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;

use crate::input::aliases::ColumnAliases;
use crate::input::cache;
use crate::input::calendar::Calendar;
use crate::input::columns::Kind;
use crate::input::issues::{Change, DataIssue, Level, Position, Reason};
use crate::input::model::*;
use crate::input::read::{self, Format, Limits, ReadError, SourceFile};
use crate::input::validate::{
    self, HeaderMatcher, Parsed, Records, RepCell, SheetOutcome, SheetStats, SheetStatus,
};
use crate::period::YearMonth;
use crate::text::{fold, id_key};

/// One file of the ledger folder and how it was read.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub rel: Arc<str>,
    pub as_of: Option<YearMonth>,
    pub format: Option<Format>,
    pub error: Option<String>,
    /// SHA-256 of the file's bytes (lower-case hex), when they could be read.
    pub sha256: Option<String>,
}

impl FileInfo {
    /// Why the file could not be read, in one language.
    pub fn error_reason(&self, lang: crate::Lang) -> Option<&str> {
        self.error.as_deref().map(|m| lang.pick_in(m))
    }
}

/// One sheet of a file and what became of it.
#[derive(Debug, Clone)]
pub struct SheetInfo {
    pub file: u32,
    pub name: Arc<str>,
    pub hidden: bool,
    pub status: SheetStatus,
    /// Per catalogue column of the kind: the sheet column and the header as
    /// written, when present.
    pub columns: Vec<Option<(u32, Arc<str>)>>,
    pub stats: SheetStats,
}

impl SheetInfo {
    pub fn kind(&self) -> Option<Kind> {
        match self.status {
            SheetStatus::Recognised { kind, .. } => Some(kind),
            _ => None,
        }
    }

    /// Whether the sheet has the catalogue column `key`.
    pub fn has_column(&self, key: &str) -> bool {
        self.column(key).is_some()
    }

    /// The sheet column and written header of the catalogue column `key`.
    pub fn column(&self, key: &str) -> Option<(u32, &Arc<str>)> {
        let kind = self.kind()?;
        let i = kind.columns().iter().position(|c| c.key == key)?;
        self.columns.get(i)?.as_ref().map(|(c, h)| (*c, h))
    }
}

/// A problem that stops a run (SPEC 3 item 10): exit code 3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Unreadable(ReadError),
    MissingColumns {
        file: Arc<str>,
        sheet: Arc<str>,
        kind: Kind,
        missing: Vec<&'static str>,
        /// Headers of the header row that name no column of the kind.
        unrecognised: Vec<String>,
    },
    MissingKind(Kind),
}

impl Problem {
    pub fn message(&self, lang: crate::Lang) -> String {
        use crate::Lang::*;
        match (self, lang) {
            (Problem::Unreadable(e), _) => format!("{}: {}", e.file, e.reason(lang)),
            (
                Problem::MissingColumns {
                    file,
                    sheet,
                    kind,
                    missing,
                    unrecognised,
                },
                Zh,
            ) => match crate::input::validate::alias_example(*kind, missing, unrecognised) {
                None => format!(
                    "{file}：工作表“{sheet}”像是{}，但缺少必填列：{}。请补上这些列标题。",
                    kind.zh(),
                    missing.join("、")
                ),
                Some(alias) => format!(
                    "{file}：工作表“{sheet}”像是{}，但缺少必填列：{}。表头中未识别的列：{}。若它就是缺少的列，请在考核方案的 [columns] 中加别名，例如：{alias}；否则请补上这些列标题。",
                    kind.zh(),
                    missing.join("、"),
                    unrecognised.join("、")
                ),
            },
            (
                Problem::MissingColumns {
                    file,
                    sheet,
                    kind,
                    missing,
                    unrecognised,
                },
                En,
            ) => match crate::input::validate::alias_example(*kind, missing, unrecognised) {
                None => format!("{file}: sheet '{sheet}' looks like {} but lacks the required column(s) {}; add these headers.", kind.en(), missing.join(", ")),
                Some(alias) => format!(
                    "{file}: sheet '{sheet}' looks like {} but lacks the required column(s) {}; headers found but not recognised: {}. If one of them is the missing column, map it with an alias in the scheme's [columns] table, e.g. {alias}; otherwise add these headers.",
                    kind.en(),
                    missing.join(", "),
                    unrecognised.join(", ")
                ),
            },
            (Problem::MissingKind(k), Zh) => format!(
                "台账文件夹中没有{}（必需）。请放入含有{}表头的工作表。",
                k.zh(),
                k.zh()
            ),
            (Problem::MissingKind(k), En) => format!(
                "the ledger folder has no {} sheet (required); add one with its headers.",
                k.en()
            ),
        }
    }
}

/// The whole validated input of a run.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    pub files: Vec<FileInfo>,
    /// Files in the folder that are not spreadsheets (passed over).
    pub ignored: Vec<Arc<str>>,
    pub sheets: Vec<SheetInfo>,
    /// Sorted by rep id.
    pub reps: Vec<Rep>,
    /// Every roster row's role as written, with its row (repeats and
    /// corrections included): each must map to a profile of the scheme.
    pub roster_roles: Vec<(RowRef, String)>,
    pub targets: Vec<Target>,
    /// Sorted by customer id.
    pub customers: Vec<Customer>,
    pub followups: Vec<Followup>,
    pub installments: Vec<Installment>,
    /// Sorted by contract id.
    pub contracts: Vec<Contract>,
    pub scores: Vec<Score>,
    pub adjustments: Vec<Adjustment>,
    /// The company's calendar rows (already folded into `calendar`).
    pub calendar_days: Vec<CalendarDay>,
    pub calendar: Calendar,
    pub rejected: Vec<RejectedRow>,
    /// Sorted by position.
    pub issues: Vec<DataIssue>,
    pub problems: Vec<Problem>,
}

impl Dataset {
    /// An empty dataset with this one's files, sheets (counts at zero) and
    /// reps: where one kind's rows are assembled on a thread of their own.
    fn shell(&self) -> Dataset {
        Dataset {
            files: self.files.clone(),
            sheets: self
                .sheets
                .iter()
                .map(|s| SheetInfo {
                    stats: SheetStats::default(),
                    ..s.clone()
                })
                .collect(),
            reps: self.reps.clone(),
            ..Dataset::default()
        }
    }

    /// Fold a shell's issues and counts back in (its records taken out).
    fn absorb(&mut self, part: Dataset) {
        self.issues.extend(part.issues);
        for (s, p) in self.sheets.iter_mut().zip(&part.sheets) {
            s.stats.errors += p.stats.errors;
            s.stats.merged += p.stats.merged;
            s.stats.replaced += p.stats.replaced;
        }
    }

    /// Where a record came from.
    pub fn position(&self, src: RowRef) -> Position {
        let s = &self.sheets[src.sheet as usize];
        Position {
            file: self.files[s.file as usize].rel.clone(),
            sheet: s.name.clone(),
            row: src.row,
            col: None,
        }
    }

    pub fn count(&self, level: Level) -> usize {
        self.issues.iter().filter(|i| i.level == level).count()
    }

    /// The years the ledgers' activity dates (leads, follow-ups, signings,
    /// due dates) fall in that the working-day calendar does not cover.
    pub fn uncovered_years(&self) -> Vec<i32> {
        use chrono::Datelike;
        let years: std::collections::BTreeSet<i32> = self
            .followups
            .iter()
            .map(|f| f.time.date().year())
            .chain(
                self.installments
                    .iter()
                    .flat_map(|i| [i.sign_date.year(), i.due_date.year()]),
            )
            .chain(
                self.customers
                    .iter()
                    .map(|c| c.facts().lead_time.date().year()),
            )
            .collect();
        years
            .into_iter()
            .filter(|y| !self.calendar.covers_year(*y))
            .collect()
    }

    /// Rows per kind that reached the dataset.
    pub fn rows_by_kind(&self) -> Vec<(Kind, u64)> {
        Kind::ALL
            .iter()
            .map(|&k| {
                (
                    k,
                    self.sheets
                        .iter()
                        .filter(|s| s.kind() == Some(k))
                        .map(|s| s.stats.used)
                        .sum(),
                )
            })
            .collect()
    }
}

/// How one file was read, and its sheets.
pub type FileOutcome = (Result<Format, ReadError>, Vec<SheetOutcome>);

/// Every ledger file below a folder, read and validated once: the raw
/// material from which datasets are assembled (one for the whole folder,
/// or one per period cutoff in an incremental run).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// In path order.
    pub files: Vec<SourceFile>,
    /// Files in the folder that are not spreadsheets (passed over).
    pub ignored: Vec<Arc<str>>,
    /// SHA-256 of each file's bytes (`None` when they could not be read).
    pub hashes: Vec<Option<String>>,
    pub outcomes: Vec<FileOutcome>,
    /// Per file: read back from the kept parse instead of parsed.
    pub reused: Vec<bool>,
}

impl Loaded {
    /// The dataset of every file.
    pub fn assemble_all(&self) -> Dataset {
        self.assemble_subset(&(0..self.files.len()).collect::<Vec<_>>())
    }

    /// [`Loaded::assemble_subset`], moving the parsed rows of the files at
    /// `keep` out (each sheet's rows freed as they are resolved) and
    /// dropping the others' (the last dataset a run assembles). Afterwards
    /// only `files`, `ignored` and `hashes` are left.
    pub fn take_subset(&mut self, keep: &[usize]) -> Dataset {
        let files: Vec<&SourceFile> = keep.iter().map(|&i| &self.files[i]).collect();
        let mut all: Vec<Option<FileOutcome>> = std::mem::take(&mut self.outcomes)
            .into_iter()
            .map(Some)
            .collect();
        let outcomes = keep
            .iter()
            .map(|&i| Cow::Owned(all[i].take().expect("each file kept once")))
            .collect();
        drop(all);
        let mut ds = assemble_from(&files, self.ignored.clone(), outcomes);
        for (f, &i) in ds.files.iter_mut().zip(keep) {
            f.sha256 = self.hashes[i].clone();
        }
        ds
    }

    /// The dataset of every file, made by moving the parsed rows out (each
    /// sheet's rows are freed as they are resolved, so the rows are not held
    /// twice). Afterwards only `files`, `ignored` and `hashes` are left: no
    /// other dataset can be assembled from this `Loaded`.
    pub fn take_all(&mut self) -> Dataset {
        self.take_subset(&(0..self.files.len()).collect::<Vec<_>>())
    }

    /// The dataset of the files at `keep` (indices into `files`, ascending),
    /// exactly as if the folder held only those files. The parsed rows are
    /// borrowed: only the records that reach the dataset are copied (their
    /// texts are shared, not duplicated).
    pub fn assemble_subset(&self, keep: &[usize]) -> Dataset {
        let files: Vec<&SourceFile> = keep.iter().map(|&i| &self.files[i]).collect();
        let outcomes = keep
            .iter()
            .map(|&i| Cow::Borrowed(&self.outcomes[i]))
            .collect();
        let mut ds = assemble_from(&files, self.ignored.clone(), outcomes);
        for (f, &i) in ds.files.iter_mut().zip(keep) {
            f.sha256 = self.hashes[i].clone();
        }
        ds
    }
}

/// Read and validate every ledger below `root`, under the default limits.
pub fn load(root: &Path, aliases: &ColumnAliases) -> anyhow::Result<Dataset> {
    load_with(root, aliases, &Limits::default())
}

/// Read and validate every ledger below `root`; a file beyond `limits` is
/// refused as unreadable, with the limit and how to raise it.
pub fn load_with(root: &Path, aliases: &ColumnAliases, limits: &Limits) -> anyhow::Result<Dataset> {
    Ok(read_all_with(root, aliases, limits, &|_| {})?.take_all())
}

/// Read and validate every ledger below `root` once, in parallel, under
/// the default limits; `done` is called as each file is finished (for a
/// progress bar).
pub fn read_all(
    root: &Path,
    aliases: &ColumnAliases,
    done: &(dyn Fn(&SourceFile) + Sync),
) -> anyhow::Result<Loaded> {
    read_all_with(root, aliases, &Limits::default(), done)
}

/// [`read_all`] under `limits`.
pub fn read_all_with(
    root: &Path,
    aliases: &ColumnAliases,
    limits: &Limits,
    done: &(dyn Fn(&SourceFile) + Sync),
) -> anyhow::Result<Loaded> {
    let (files, ignored) = read::discover(root)?;
    Ok(read_files(files, ignored, aliases, limits, done))
}

/// Read and validate files already found by [`read::discover`] (so a
/// caller that needs their number first walks the folder only once).
pub fn read_files(
    files: Vec<SourceFile>,
    ignored: Vec<Arc<str>>,
    aliases: &ColumnAliases,
    limits: &Limits,
    done: &(dyn Fn(&SourceFile) + Sync),
) -> Loaded {
    read_files_kept(files, ignored, aliases, limits, done, None)
}

/// Where [`read_files_kept`] keeps parsed files between runs.
pub struct Kept<'m> {
    pub memo: &'m dyn cache::Memo,
    /// Parse every file, keeping the outcomes (none is read back).
    pub refresh: bool,
}

/// [`read_files`], reading back from `kept` each file whose bytes, path,
/// aliases, limits and kaohe build are as when it was kept (instead of
/// parsing it), and keeping each file parsed.
pub fn read_files_kept(
    files: Vec<SourceFile>,
    ignored: Vec<Arc<str>>,
    aliases: &ColumnAliases,
    limits: &Limits,
    done: &(dyn Fn(&SourceFile) + Sync),
    kept: Option<&Kept>,
) -> Loaded {
    let matcher = HeaderMatcher::new(aliases);
    // Dropped when every file is read; the texts live on in the rows.
    let pool = validate::TextPool::default();
    let fingerprint = kept.and_then(|_| cache::run_fingerprint(aliases, limits));
    let kept = kept.zip(fingerprint.as_deref());
    let read: Vec<(Option<String>, FileOutcome, bool)> = files
        .par_iter()
        .map(|f| {
            let r = read_one(f, limits, &matcher, &pool, kept);
            done(f);
            r
        })
        .collect();
    let mut loaded = Loaded {
        files,
        ignored,
        ..Loaded::default()
    };
    for (hash, outcome, reused) in read {
        loaded.hashes.push(hash);
        loaded.outcomes.push(outcome);
        loaded.reused.push(reused);
    }
    loaded
}

/// One file's hash and outcome, and whether it was read back from `kept`.
fn read_one(
    f: &SourceFile,
    limits: &Limits,
    matcher: &HeaderMatcher,
    pool: &validate::TextPool,
    kept: Option<(&Kept, &str)>,
) -> (Option<String>, FileOutcome, bool) {
    let (bytes, hash) = match read::read_file_bytes(f, limits) {
        Ok(b) => b,
        Err(e) => return (None, (Err(e), Vec::new()), false),
    };
    // A workbook with an open password is never kept: its content would be
    // on disk in the clear.
    let key = kept
        .filter(|_| !read::is_encrypted(&bytes))
        .map(|(k, fingerprint)| (k, cache::key(fingerprint, f, &hash)));
    if let Some((k, key)) = &key {
        let back = (!k.refresh)
            .then(|| k.memo.get(key))
            .flatten()
            .and_then(|b| cache::decode(&b, pool, &f.rel));
        if let Some(outcome) = back {
            return (Some(hash), outcome, true);
        }
    }
    let mut sheets = Vec::new();
    let r = read::read_file_from(f, bytes, limits, &mut |raw| {
        sheets.push(validate::read_sheet_pooled(
            raw, &f.rel, f.as_of, matcher, pool,
        ))
    });
    let outcome = (r, sheets);
    if let Some((k, key)) = &key {
        let t = std::time::Instant::now();
        if let Some(bytes) = cache::encode(&outcome) {
            k.memo.put(key, &bytes);
        }
        // Summed over the reading threads.
        crate::timing::add("keep-parsed", t.elapsed());
    }
    (Some(hash), outcome, false)
}

/// Build the dataset from the per-file outcomes, in path order.
pub fn assemble(
    files: &[SourceFile],
    ignored: Vec<Arc<str>>,
    outcomes: Vec<FileOutcome>,
) -> Dataset {
    let files: Vec<&SourceFile> = files.iter().collect();
    let outcomes = outcomes.into_iter().map(Cow::Owned).collect();
    assemble_from(&files, ignored, outcomes)
}

/// One sheet's parsed rows: lent by a [`Loaded`] that is kept (the records
/// that reach the dataset are copied, their texts shared) or given (moved,
/// and freed as they are resolved).
enum Rows<'a, T> {
    Lent(&'a [Parsed<T>]),
    Given(Vec<Parsed<T>>),
}

impl<'a, T: Clone> Rows<'a, T> {
    fn len(&self) -> usize {
        match self {
            Rows::Lent(v) => v.len(),
            Rows::Given(v) => v.len(),
        }
    }

    fn into_iter(self) -> impl Iterator<Item = Cow<'a, Parsed<T>>> {
        let (lent, given) = match self {
            Rows::Lent(v) => (Some(v), None),
            Rows::Given(v) => (None, Some(v)),
        };
        lent.into_iter()
            .flatten()
            .map(Cow::Borrowed)
            .chain(given.into_iter().flatten().map(Cow::Owned))
    }

    /// The records, copied when lent.
    fn into_records(self) -> impl Iterator<Item = T> + use<'a, T> {
        self.into_iter().map(|p| match p {
            Cow::Borrowed(p) => p.rec.clone(),
            Cow::Owned(p) => p.rec,
        })
    }
}

/// A sheet's rows by kind.
enum KindRows<'a> {
    None,
    Roster(Rows<'a, Rep>),
    Targets(Rows<'a, Target>),
    Customers(Rows<'a, CustomerRow>),
    Followups(Rows<'a, Followup>),
    Payments(Rows<'a, Installment>),
    Scores(Rows<'a, Score>),
    Adjustments(Rows<'a, Adjustment>),
    Calendar(Rows<'a, CalendarDay>),
}

impl<'a> KindRows<'a> {
    fn of(records: Cow<'a, Records>) -> KindRows<'a> {
        use Rows::{Given, Lent};
        match records {
            Cow::Borrowed(r) => match r {
                Records::None => KindRows::None,
                Records::Roster(v) => KindRows::Roster(Lent(v)),
                Records::Targets(v) => KindRows::Targets(Lent(v)),
                Records::Customers(v) => KindRows::Customers(Lent(v)),
                Records::Followups(v) => KindRows::Followups(Lent(v)),
                Records::Payments(v) => KindRows::Payments(Lent(v)),
                Records::Scores(v) => KindRows::Scores(Lent(v)),
                Records::Adjustments(v) => KindRows::Adjustments(Lent(v)),
                Records::Calendar(v) => KindRows::Calendar(Lent(v)),
            },
            Cow::Owned(r) => match r {
                Records::None => KindRows::None,
                Records::Roster(v) => KindRows::Roster(Given(v)),
                Records::Targets(v) => KindRows::Targets(Given(v)),
                Records::Customers(v) => KindRows::Customers(Given(v)),
                Records::Followups(v) => KindRows::Followups(Given(v)),
                Records::Payments(v) => KindRows::Payments(Given(v)),
                Records::Scores(v) => KindRows::Scores(Given(v)),
                Records::Adjustments(v) => KindRows::Adjustments(Given(v)),
                Records::Calendar(v) => KindRows::Calendar(Given(v)),
            },
        }
    }
}

/// [`assemble`] from outcomes lent or given.
fn assemble_from<'a>(
    files: &[&SourceFile],
    ignored: Vec<Arc<str>>,
    outcomes: Vec<Cow<'a, FileOutcome>>,
) -> Dataset {
    let mut ds = Dataset {
        ignored,
        ..Dataset::default()
    };
    type Rejects<'a> = Cow<'a, [validate::PendingReject]>;
    let mut per_sheet: Vec<(u32, KindRows<'a>, Rejects<'a>)> = Vec::new();
    for (fi, (f, outcome)) in files.iter().zip(outcomes).enumerate() {
        let (result, sheets): (Result<Format, ReadError>, Vec<Cow<'a, SheetOutcome>>) =
            match outcome {
                Cow::Borrowed((r, sh)) => (r.clone(), sh.iter().map(Cow::Borrowed).collect()),
                Cow::Owned((r, sh)) => (r, sh.into_iter().map(Cow::Owned).collect()),
            };
        let (format, error) = match &result {
            Ok(fmt) => (Some(*fmt), None),
            Err(e) => {
                let msg = e.message.clone();
                ds.problems.push(Problem::Unreadable(e.clone()));
                (None, Some(msg))
            }
        };
        ds.files.push(FileInfo {
            rel: f.rel.clone(),
            as_of: f.as_of,
            format,
            error,
            sha256: None,
        });
        if ds.files[fi].error.is_some() {
            continue;
        }
        for s in sheets {
            let si = ds.sheets.len() as u32;
            if let SheetStatus::MissingColumns { kind, missing } = &s.status {
                ds.problems.push(Problem::MissingColumns {
                    file: f.rel.clone(),
                    sheet: s.name.clone(),
                    kind: *kind,
                    missing: missing.clone(),
                    unrecognised: s.unrecognised.clone(),
                });
            }
            ds.issues.extend(s.issues.iter().cloned());
            ds.sheets.push(SheetInfo {
                file: fi as u32,
                name: s.name.clone(),
                hidden: s.hidden,
                status: s.status.clone(),
                columns: s.columns.clone(),
                stats: s.stats,
            });
            let (records, rejected) = match s {
                Cow::Borrowed(s) => (Cow::Borrowed(&s.records), Cow::Borrowed(&s.rejected[..])),
                Cow::Owned(s) => (Cow::Owned(s.records), Cow::Owned(s.rejected)),
            };
            per_sheet.push((si, KindRows::of(records), rejected));
        }
    }
    for k in Kind::REQUIRED {
        if !ds.sheets.iter().any(|s| s.kind() == Some(k)) {
            ds.problems.push(Problem::MissingKind(k));
        }
    }

    let mut b = Builder { ds: &mut ds };
    // The roster first: every other kind names reps.
    let mut roster = Vec::new();
    let mut rest = Vec::new();
    for (si, records, rejected) in per_sheet {
        match records {
            KindRows::Roster(v) => roster.extend(v.into_records().map(|r| with_sheet(r, si))),
            other => rest.push((si, other, rejected)),
        }
    }
    b.ds.roster_roles = roster
        .iter()
        .map(|r: &Rep| (r.meta.src, r.role.clone()))
        .collect();
    let reps = b.dedupe(Kind::Roster, roster, describe_rep, false);
    let mut reps = reps;
    reps.sort_by(|a, b| a.rep_id.as_bytes().cmp(b.rep_id.as_bytes()));
    let index = RepIndex::new(&reps);
    b.ds.reps = reps;

    // Rejected rows and the small kinds here; the three large kinds
    // (customers, follow-ups, payments) each on a thread of their own, with
    // a shell of the dataset for positions, issues and counts, folded back
    // in afterwards (the issues are sorted by position at the end, so the
    // order they are found in does not matter).
    let (mut targets, mut scores, mut adjustments, mut days) = (vec![], vec![], vec![], vec![]);
    let mut customer_sheets: Vec<(u32, Rows<CustomerRow>)> = Vec::new();
    let mut followup_sheets: Vec<(u32, Rows<Followup>)> = Vec::new();
    let mut payment_sheets: Vec<(u32, Rows<Installment>)> = Vec::new();
    for (si, records, rejected) in rest {
        for r in rejected.iter() {
            let rep = r.rep.as_ref().and_then(|c| index.resolve(&c.text).ok());
            let kind = b.ds.sheets[si as usize].kind().expect("recognised sheet");
            b.ds.rejected.push(RejectedRow {
                kind,
                src: RowRef {
                    sheet: si,
                    row: r.row,
                },
                rep,
                dates: r.dates.clone(),
            });
        }
        match records {
            KindRows::Customers(v) => customer_sheets.push((si, v)),
            KindRows::Followups(v) => followup_sheets.push((si, v)),
            KindRows::Payments(v) => payment_sheets.push((si, v)),
            KindRows::Targets(v) => {
                b.resolve(si, Kind::Targets, v, &index, |t, r| t.rep = r, &mut targets)
            }
            KindRows::Scores(v) => {
                b.resolve(si, Kind::Scores, v, &index, |t, r| t.rep = r, &mut scores)
            }
            KindRows::Adjustments(v) => b.resolve(
                si,
                Kind::Adjustments,
                v,
                &index,
                |t, r| t.rep = r,
                &mut adjustments,
            ),
            KindRows::Calendar(v) => days.extend(v.into_records().map(|r| with_sheet(r, si))),
            KindRows::Roster(_) | KindRows::None => {}
        }
    }
    let index = &index;
    let (customers, followups, payments) = std::thread::scope(|scope| {
        let mut sh = b.ds.shell();
        let customers = scope.spawn(move || {
            let mut b = Builder { ds: &mut sh };
            let rows =
                b.resolve_sheets(Kind::Customers, customer_sheets, index, |t, r| t.owner = r);
            let rows = b.dedupe(Kind::Customers, rows, describe_customer, false);
            b.ds.customers = b.customers(rows);
            sh
        });
        let mut sh = b.ds.shell();
        let followups = scope.spawn(move || {
            let mut b = Builder { ds: &mut sh };
            let rows = b.resolve_sheets(Kind::Followups, followup_sheets, index, |t, r| t.rep = r);
            b.ds.followups = b.dedupe(Kind::Followups, rows, describe_followup, false);
            sh
        });
        let mut sh = b.ds.shell();
        let payments = scope.spawn(move || {
            let mut b = Builder { ds: &mut sh };
            let rows = b.resolve_sheets(Kind::Payments, payment_sheets, index, |t, r| t.rep = r);
            b.ds.installments = b.dedupe(Kind::Payments, rows, describe_installment, false);
            consolidate_contracts(b.ds);
            sh
        });
        let join = |h: std::thread::ScopedJoinHandle<'_, Dataset>| {
            h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))
        };
        (join(customers), join(followups), join(payments))
    });
    b.ds.targets = b.dedupe(Kind::Targets, targets, describe_target, false);
    let mut customers = customers;
    b.ds.customers = std::mem::take(&mut customers.customers);
    b.ds.absorb(customers);
    let mut followups = followups;
    b.ds.followups = std::mem::take(&mut followups.followups);
    b.ds.absorb(followups);
    let mut payments = payments;
    b.ds.installments = std::mem::take(&mut payments.installments);
    b.ds.contracts = std::mem::take(&mut payments.contracts);
    b.ds.absorb(payments);
    b.ds.scores = scores;
    b.ds.adjustments = b.dedupe(Kind::Adjustments, adjustments, describe_adjustment, true);
    days = b.dedupe(Kind::Calendar, days, describe_day, false);
    b.ds.calendar = Calendar::with_company(&days);
    b.ds.calendar_days = days;
    b.count_used();
    b.sort_issues();
    ds
}

/// Reorder `v` in place so that its `i`th element is the one that was at
/// `order[i]` (`order` a permutation of `0..v.len()`).
fn permute<T>(v: &mut [T], mut order: Vec<u32>) {
    for i in 0..v.len() {
        let mut j = i;
        loop {
            let k = order[j] as usize;
            order[j] = j as u32;
            if k == i {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

fn with_sheet<T: HasMeta>(mut rec: T, sheet: u32) -> T {
    rec.meta_mut().src.sheet = sheet;
    rec
}

/// What makes two rows of a kind the same record (SPEC 3 item 8), borrowed
/// from the row.
trait DedupeKey {
    type Key<'a>: Hash + Eq
    where
        Self: 'a;
    fn dedupe_key(&self) -> Option<Self::Key<'_>>;
}

impl DedupeKey for Rep {
    type Key<'a> = String;
    fn dedupe_key(&self) -> Option<String> {
        Some(id_key(&self.rep_id))
    }
}

impl DedupeKey for Target {
    type Key<'a> = (RepIdx, crate::period::Period);
    fn dedupe_key(&self) -> Option<Self::Key<'_>> {
        Some((self.rep, self.period))
    }
}

impl DedupeKey for CustomerRow {
    type Key<'a> = (&'a str, Option<YearMonth>);
    fn dedupe_key(&self) -> Option<Self::Key<'_>> {
        Some((&self.customer_id, self.as_of))
    }
}

impl DedupeKey for Followup {
    type Key<'a> = (crate::input::parse::date::Stamp, RepIdx, &'a str);
    fn dedupe_key(&self) -> Option<Self::Key<'_>> {
        Some((self.time, self.rep, &self.customer_id))
    }
}

impl DedupeKey for Installment {
    type Key<'a> = (&'a str, u32);
    fn dedupe_key(&self) -> Option<Self::Key<'_>> {
        Some((&self.contract_id, self.installment))
    }
}

impl DedupeKey for Adjustment {
    type Key<'a> = Vec<(&'static str, String)>;
    fn dedupe_key(&self) -> Option<Self::Key<'_>> {
        Some(describe_adjustment(self))
    }
}

impl DedupeKey for CalendarDay {
    type Key<'a> = chrono::NaiveDate;
    fn dedupe_key(&self) -> Option<Self::Key<'_>> {
        Some(self.date)
    }
}

/// Access to a record's row meta.
trait HasMeta {
    fn meta(&self) -> &RowMeta;
    fn meta_mut(&mut self) -> &mut RowMeta;
}

macro_rules! has_meta {
    ($($t:ty),*) => {$(
        impl HasMeta for $t {
            fn meta(&self) -> &RowMeta { &self.meta }
            fn meta_mut(&mut self) -> &mut RowMeta { &mut self.meta }
        }
    )*};
}
has_meta!(
    Rep,
    Target,
    CustomerRow,
    Followup,
    Installment,
    Score,
    Adjustment,
    CalendarDay
);

/// Rep lookup: by id first, then by exact name when unique (SPEC 3 item 7).
pub struct RepIndex {
    by_id: HashMap<String, RepIdx>,
    by_name: HashMap<String, Vec<RepIdx>>,
}

impl RepIndex {
    pub fn new(reps: &[Rep]) -> RepIndex {
        let mut by_id = HashMap::new();
        let mut by_name: HashMap<String, Vec<RepIdx>> = HashMap::new();
        for (i, r) in reps.iter().enumerate() {
            by_id.insert(id_key(&r.rep_id), i as RepIdx);
            by_name.entry(fold(&r.name)).or_default().push(i as RepIdx);
        }
        RepIndex { by_id, by_name }
    }

    pub fn resolve(&self, text: &str) -> Result<RepIdx, Reason> {
        if let Some(&i) = self.by_id.get(&id_key(text)) {
            return Ok(i);
        }
        match self.by_name.get(&fold(text)).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(many) if many.len() > 1 => Err(Reason::AmbiguousRep { count: many.len() }),
            _ => Err(Reason::UnknownRep),
        }
    }
}

struct Builder<'a> {
    ds: &'a mut Dataset,
}

impl Builder<'_> {
    fn pos(&self, m: &RowMeta) -> Position {
        self.ds.position(m.src)
    }

    fn cell_pos(&self, m: &RowMeta, key: &str) -> (Position, String) {
        cell_pos(self.ds, m, key)
    }
    /// Resolve the rep cell of each parsed row; a row whose rep is unknown or
    /// ambiguous is left out with an error. Only the rows kept are copied.
    fn resolve<T: HasMeta + Clone>(
        &mut self,
        sheet: u32,
        kind: Kind,
        rows: Rows<'_, T>,
        index: &RepIndex,
        set: impl Fn(&mut T, RepIdx),
        out: &mut Vec<T>,
    ) {
        out.reserve(rows.len());
        // A sheet names the same few reps over and over.
        let mut known: FxHashMap<Text, Result<RepIdx, Reason>> = FxHashMap::default();
        for p in rows.into_iter() {
            let cell: &RepCell = p.rep.as_ref().expect("rep cell parsed");
            let resolved = match known.get(&*cell.text) {
                Some(r) => r,
                None => known
                    .entry(cell.text.clone())
                    .or_insert_with(|| index.resolve(&cell.text)),
            };
            match resolved {
                Ok(i) => {
                    let i = *i;
                    let rec = match p {
                        Cow::Borrowed(p) => p.rec.clone(),
                        Cow::Owned(p) => p.rec,
                    };
                    let mut rec = with_sheet(rec, sheet);
                    set(&mut rec, i);
                    out.push(rec);
                }
                Err(reason) => {
                    let reason = reason.clone();
                    let mut meta = *p.rec.meta();
                    meta.src.sheet = sheet;
                    let (pos, header) = self.cell_pos(&meta, cell.key);
                    self.ds.issues.push(DataIssue {
                        level: Level::Error,
                        kind,
                        pos,
                        header,
                        raw: cell.raw().to_string(),
                        reason,
                    });
                    self.ds.sheets[sheet as usize].stats.errors += 1;
                }
            }
        }
    }

    /// [`Builder::resolve`] over one kind's sheets, in sheet order.
    fn resolve_sheets<T: HasMeta + Clone>(
        &mut self,
        kind: Kind,
        sheets: Vec<(u32, Rows<'_, T>)>,
        index: &RepIndex,
        set: impl Fn(&mut T, RepIdx),
    ) -> Vec<T> {
        let mut out = Vec::with_capacity(sheets.iter().map(|s| s.1.len()).sum());
        for (si, rows) in sheets {
            self.resolve(si, kind, rows, index, &set, &mut out);
        }
        out
    }

    /// Merge identical repeats and let changed repeats replace earlier rows,
    /// in path order (SPEC 3 item 8). With `distinct_within_file`, a repeat
    /// from the same file as the earlier row is kept as a row of its own.
    ///
    /// Done in place: the rows kept are compacted to the front in the order
    /// of their first occurrence (a replacing row takes the place of the row
    /// it replaces), and the table holds positions, comparing keys borrowed
    /// from the rows.
    fn dedupe<T: HasMeta + DedupeKey>(
        &mut self,
        kind: Kind,
        mut rows: Vec<T>,
        describe: impl Fn(&T) -> Vec<(&'static str, String)>,
        distinct_within_file: bool,
    ) -> Vec<T> {
        fn hash_of<K: Hash>(k: &K) -> u64 {
            let mut h = rustc_hash::FxHasher::default();
            k.hash(&mut h);
            h.finish()
        }
        let mut table: hashbrown::HashTable<u32> = hashbrown::HashTable::with_capacity(rows.len());
        // rows[..kept] are the rows kept so far; rows[kept..i] are merged
        // or replaced rows, dropped at the end.
        let mut kept = 0usize;
        for i in 0..rows.len() {
            let (hash, at) = match rows[i].dedupe_key() {
                None => (None, None),
                Some(k) => {
                    let h = hash_of(&k);
                    let at = table
                        .find(h, |&s| rows[s as usize].dedupe_key().as_ref() == Some(&k))
                        .copied();
                    (Some(h), at)
                }
            };
            let Some(at) = at else {
                rows.swap(kept, i);
                if let Some(h) = hash {
                    table.insert_unique(h, kept as u32, |&s| {
                        hash_of(&rows[s as usize].dedupe_key().expect("keyed row"))
                    });
                }
                kept += 1;
                continue;
            };
            let at = at as usize;
            let (old, row) = (&rows[at], &rows[i]);
            let (old_sheet, new_sheet) =
                (old.meta().src.sheet as usize, row.meta().src.sheet as usize);
            if distinct_within_file
                && self.ds.sheets[old_sheet].file == self.ds.sheets[new_sheet].file
            {
                rows.swap(kept, i);
                kept += 1;
                continue;
            }
            let (a, b) = (describe(old), describe(row));
            if a == b {
                self.ds.sheets[new_sheet].stats.merged += 1;
                continue;
            }
            let changes: Vec<Change> = a
                .iter()
                .zip(&b)
                .filter(|(x, y)| x.1 != y.1)
                .map(|(x, y)| Change {
                    header: kind.column(x.0).map_or(x.0, |c| c.zh).to_string(),
                    old: x.1.clone(),
                    new: y.1.clone(),
                })
                .collect();
            let previous = self.pos(old.meta());
            let pos = self.pos(row.meta());
            self.ds.issues.push(DataIssue {
                level: Level::Info,
                kind,
                pos,
                header: String::new(),
                raw: String::new(),
                reason: Reason::Corrected { previous, changes },
            });
            self.ds.sheets[old_sheet].stats.replaced += 1;
            rows.swap(at, i);
        }
        rows.truncate(kept);
        rows
    }

    /// Group customer snapshots per customer, in as-of order, and decide
    /// from when a terminated customer counts as terminated.
    fn customers(&mut self, mut rows: Vec<CustomerRow>) -> Vec<Customer> {
        // By customer id, then as-of month (unique after de-duplication).
        // A stable sort: it finds the runs ledgers are usually exported in.
        let mut order: Vec<u32> = (0..rows.len() as u32).collect();
        order.sort_by(|&a, &b| {
            let (x, y) = (&rows[a as usize], &rows[b as usize]);
            (&*x.customer_id, x.as_of).cmp(&(&*y.customer_id, y.as_of))
        });
        permute(&mut rows, order);
        let mut runs: Vec<usize> = Vec::new();
        for (i, r) in rows.iter().enumerate() {
            if i == 0 || r.customer_id != rows[i - 1].customer_id {
                runs.push(0);
            }
            *runs.last_mut().expect("a run was started") += 1;
        }
        // Each customer's termination, decided (and its row marked) before
        // the table is shared.
        let mut decided = Vec::with_capacity(runs.len());
        let mut start = 0usize;
        for &n in &runs {
            let snapshots = &mut rows[start..start + n];
            start += n;
            let customer_id = snapshots[0].customer_id.clone();
            let facts = snapshots.last().expect("non-empty group");
            let terminated_from = match (facts.status, facts.end_date) {
                (Some(Status::Terminated), Some(end)) => Some(end),
                (Some(Status::Terminated), None) => {
                    let first = snapshots
                        .iter()
                        .find(|s| s.status == Some(Status::Terminated))
                        .expect("facts is terminated");
                    let from = first.as_of.map(YearMonth::first_day);
                    let meta = first.meta;
                    let (pos, header) = self.cell_pos(&meta, "status");
                    self.ds.issues.push(DataIssue {
                        level: Level::Warning,
                        kind: Kind::Customers,
                        pos,
                        header,
                        raw: crate::input::parse::words::STATUSES[1].zh.to_string(),
                        reason: Reason::TerminatedWithoutEndDate { from },
                    });
                    if let Some(s) = snapshots.iter_mut().find(|s| s.meta.src == meta.src) {
                        s.meta.warned = true;
                    }
                    from
                }
                _ => None,
            };
            decided.push((customer_id, terminated_from));
        }
        let mut out = Vec::with_capacity(runs.len());
        for ((customer_id, terminated_from), snapshots) in
            decided.into_iter().zip(Snapshots::split(rows, &runs))
        {
            out.push(Customer {
                customer_id,
                snapshots,
                terminated_from,
            });
        }
        out
    }

    /// Count, per sheet, the records that reached the dataset.
    fn count_used(&mut self) {
        let mut used = vec![0u64; self.ds.sheets.len()];
        let ds = &*self.ds;
        let metas = ds
            .reps
            .iter()
            .map(|r| &r.meta)
            .chain(ds.targets.iter().map(|r| &r.meta))
            .chain(
                ds.customers
                    .iter()
                    .flat_map(|c| c.snapshots.iter().map(|r| &r.meta)),
            )
            .chain(ds.followups.iter().map(|r| &r.meta))
            .chain(ds.installments.iter().map(|r| &r.meta))
            .chain(ds.scores.iter().map(|r| &r.meta))
            .chain(ds.adjustments.iter().map(|r| &r.meta))
            .chain(ds.calendar_days.iter().map(|r| &r.meta));
        for m in metas {
            used[m.src.sheet as usize] += 1;
        }
        for (s, u) in self.ds.sheets.iter_mut().zip(used) {
            s.stats.used = u;
        }
    }

    fn sort_issues(&mut self) {
        let order: HashMap<(Arc<str>, Arc<str>), usize> = self
            .ds
            .sheets
            .iter()
            .enumerate()
            .map(|(i, s)| {
                (
                    (self.ds.files[s.file as usize].rel.clone(), s.name.clone()),
                    i,
                )
            })
            .collect();
        self.ds.issues.sort_by_cached_key(|i| {
            (
                order
                    .get(&(i.pos.file.clone(), i.pos.sheet.clone()))
                    .copied()
                    .unwrap_or(usize::MAX),
                i.pos.row,
                i.pos.col,
                i.level,
            )
        });
    }
}

/// Position and written header of a column of a record's row.
fn cell_pos(ds: &Dataset, m: &RowMeta, key: &str) -> (Position, String) {
    let mut pos = ds.position(m.src);
    let sheet = &ds.sheets[m.src.sheet as usize];
    match sheet.column(key) {
        Some((c, h)) => {
            pos.col = Some(c);
            (pos, h.to_string())
        }
        None => (
            pos,
            sheet
                .kind()
                .and_then(|k| k.column(key))
                .map_or(key, |c| c.zh)
                .to_string(),
        ),
    }
}

fn opt<T: std::fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map(|x| x.to_string()).unwrap_or_default()
}

fn describe_rep(r: &Rep) -> Vec<(&'static str, String)> {
    vec![
        ("rep_id", r.rep_id.clone()),
        ("name", r.name.clone()),
        ("team", opt(&r.team)),
        ("role", r.role.clone()),
        ("hire_date", r.hire_date.to_string()),
        ("email", opt(&r.email)),
        ("supervisor", opt(&r.supervisor)),
        ("bonus_base", opt(&r.bonus_base)),
        ("leave_date", opt(&r.leave_date)),
        // Fingerprints only (see `Secret`): a changed password is a
        // correction, and neither value is shown.
        ("file_password", opt(&r.file_password)),
        ("id_number", opt(&r.id_number)),
    ]
}

fn describe_target(t: &Target) -> Vec<(&'static str, String)> {
    vec![
        ("period", t.period.to_string()),
        ("sales_target", opt(&t.sales_target)),
        (
            "new_customer_target",
            opt(&t.new_customer_target.map(|d| d.normalize())),
        ),
        (
            "followup_target",
            opt(&t.followup_target.map(|d| d.normalize())),
        ),
        ("area_target", opt(&t.area_target.map(|d| d.normalize()))),
    ]
}

fn describe_customer(c: &CustomerRow) -> Vec<(&'static str, String)> {
    vec![
        ("customer_name", c.customer_name.to_string()),
        ("owner", c.owner.to_string()),
        ("lead_time", c.lead_time.to_string()),
        ("tier", opt(&c.attrs.tier)),
        ("channel", opt(&c.attrs.channel)),
        ("source", opt(&c.attrs.source)),
        ("referrer", opt(&c.attrs.referrer)),
        (
            "status",
            opt(&c.status.map(|s| {
                if s == Status::Terminated {
                    "已终止"
                } else {
                    "合作中"
                }
            })),
        ),
        ("end_date", opt(&c.end_date)),
    ]
}

fn describe_followup(f: &Followup) -> Vec<(&'static str, String)> {
    vec![
        ("method", opt(&f.method)),
        ("stage", opt(&f.stage)),
        ("notes", opt(&f.notes)),
        ("next_time", opt(&f.next_time)),
    ]
}

fn describe_installment(p: &Installment) -> Vec<(&'static str, String)> {
    vec![
        ("customer_id", p.customer_id.to_string()),
        ("rep", p.rep.to_string()),
        ("sign_date", p.sign_date.to_string()),
        ("contract_amount", p.contract_amount.to_string()),
        (
            "contract_type",
            opt(&p.contract_type.map(|t| format!("{t:?}"))),
        ),
        ("submitted_date", opt(&p.submitted_date)),
        ("approved_date", opt(&p.approved_date)),
        ("payment_kind", format!("{:?}", p.payment_kind)),
        ("amount_due", p.amount_due.to_string()),
        ("due_date", p.due_date.to_string()),
        ("amount_paid", opt(&p.amount_paid)),
        ("paid_date", opt(&p.paid_date)),
        ("gross_profit", opt(&p.gross_profit)),
        ("area", opt(&p.area.map(|d| d.normalize()))),
        ("key_project", opt(&p.key_project)),
        ("deal_type", opt(&p.deal_type.map(|t| format!("{t:?}")))),
        ("contract_end", opt(&p.contract_end)),
    ]
}

fn describe_adjustment(a: &Adjustment) -> Vec<(&'static str, String)> {
    vec![
        ("rep_id", a.rep.to_string()),
        ("period", a.period.to_string()),
        ("kind", format!("{:?}", a.kind)),
        ("indicator", opt(&a.indicator)),
        ("value", opt(&a.value.map(|d| d.normalize()))),
        ("reason", a.reason.clone()),
        ("approver", opt(&a.approver)),
    ]
}

fn describe_day(d: &CalendarDay) -> Vec<(&'static str, String)> {
    vec![("kind", format!("{:?}", d.kind))]
}

/// Consolidate installment rows into contracts. Contract-level fields come
/// from installment 1 (or the lowest installment); a blank there is filled
/// from a later installment; a filled value that disagrees is a warning.
pub fn consolidate_contracts(ds: &mut Dataset) {
    // Installments by contract id, then installment number (unique after
    // de-duplication).
    let mut order: Vec<u32> = (0..ds.installments.len() as u32).collect();
    order.sort_by(|&a, &b| {
        let (x, y) = (&ds.installments[a as usize], &ds.installments[b as usize]);
        (&*x.contract_id, x.installment).cmp(&(&*y.contract_id, y.installment))
    });
    let mut contracts = Vec::new();
    let mut issues: Vec<DataIssue> = Vec::new();
    let mut warned: Vec<u32> = Vec::new();
    for idx in order.chunk_by(|&a, &b| {
        ds.installments[a as usize].contract_id == ds.installments[b as usize].contract_id
    }) {
        let first = &ds.installments[idx[0] as usize];
        let mut c = Contract {
            contract_id: first.contract_id.clone(),
            customer_id: first.customer_id.clone(),
            rep: first.rep,
            sign_date: first.sign_date,
            amount: first.contract_amount,
            contract_type: first.contract_type,
            submitted_date: first.submitted_date,
            approved_date: first.approved_date,
            gross_profit: first.gross_profit,
            area: first.area,
            key_project: first.key_project,
            deal_type: first.deal_type,
            contract_end: first.contract_end,
            installments: idx.to_vec(),
        };
        for &i in &idx[1..] {
            let row = &ds.installments[i as usize];
            let mut mismatches: Vec<(&'static str, String, String)> = Vec::new();
            // Compared as values; written out only when they differ.
            fn check<T: PartialEq>(
                out: &mut Vec<(&'static str, String, String)>,
                key: &'static str,
                kept: Option<T>,
                this: Option<T>,
                show: impl Fn(T) -> String,
            ) {
                if let (Some(k), Some(t)) = (kept, this) {
                    if k != t {
                        out.push((key, show(k), show(t)));
                    }
                }
            }
            let m = &mut mismatches;
            check(
                m,
                "customer_id",
                Some(&c.customer_id),
                Some(&row.customer_id),
                |s| s.to_string(),
            );
            check(
                m,
                "rep",
                Some(&ds.reps[c.rep as usize].rep_id),
                Some(&ds.reps[row.rep as usize].rep_id),
                |s| s.clone(),
            );
            check(
                m,
                "sign_date",
                Some(c.sign_date),
                Some(row.sign_date),
                |d| d.to_string(),
            );
            check(
                m,
                "contract_amount",
                Some(c.amount),
                Some(row.contract_amount),
                |d| d.to_string(),
            );
            check(
                m,
                "contract_type",
                c.contract_type,
                row.contract_type,
                |t| format!("{t:?}"),
            );
            check(
                m,
                "submitted_date",
                c.submitted_date,
                row.submitted_date,
                |d| d.to_string(),
            );
            check(
                m,
                "approved_date",
                c.approved_date,
                row.approved_date,
                |d| d.to_string(),
            );
            check(m, "gross_profit", c.gross_profit, row.gross_profit, |d| {
                d.to_string()
            });
            check(
                m,
                "area",
                c.area.map(|d| d.normalize()),
                row.area.map(|d| d.normalize()),
                |d| d.to_string(),
            );
            check(m, "key_project", c.key_project, row.key_project, |d| {
                d.to_string()
            });
            c.contract_type = c.contract_type.or(row.contract_type);
            c.submitted_date = c.submitted_date.or(row.submitted_date);
            c.approved_date = c.approved_date.or(row.approved_date);
            c.gross_profit = c.gross_profit.or(row.gross_profit);
            c.area = c.area.or(row.area);
            check(m, "deal_type", c.deal_type, row.deal_type, |t| {
                format!("{t:?}")
            });
            check(m, "contract_end", c.contract_end, row.contract_end, |d| {
                d.to_string()
            });
            c.key_project = c.key_project.or(row.key_project);
            c.deal_type = c.deal_type.or(row.deal_type);
            c.contract_end = c.contract_end.or(row.contract_end);
            for (key, kept, this) in mismatches {
                let (pos, header) = cell_pos(ds, &row.meta, key);
                issues.push(DataIssue {
                    level: Level::Warning,
                    kind: Kind::Payments,
                    pos,
                    header,
                    raw: this,
                    reason: Reason::ContractMismatch {
                        installment: first.installment,
                        kept,
                    },
                });
                warned.push(i);
            }
        }
        contracts.push(c);
    }
    ds.issues.extend(issues);
    for i in warned {
        ds.installments[i as usize].meta.warned = true;
    }
    ds.contracts = contracts;
}

/// The ledgers' as-of date (SPEC 4): the last day of the latest as-of month
/// of the files (from their names or folders); when no file is dated, the
/// latest activity date in the data (a follow-up, lead, signing, approval
/// or payment). `None` for a folder with neither.
pub fn ledgers_as_of(ds: &Dataset) -> Option<chrono::NaiveDate> {
    if let Some(m) = ds
        .files
        .iter()
        .filter(|f| f.error.is_none())
        .filter_map(|f| f.as_of)
        .max()
    {
        return Some(m.last_day());
    }
    ds.followups
        .iter()
        .map(|f| f.time.date())
        .chain(ds.customers.iter().map(|c| c.facts().lead_time.date()))
        .chain(ds.installments.iter().flat_map(|i| {
            [Some(i.sign_date), i.approved_date, i.paid_date]
                .into_iter()
                .flatten()
        }))
        .max()
}

/// Warnings about the folder's order and its files (SPEC 3.8 relies on
/// both): a file whose name gives a month other than its folder's, and
/// byte-identical files in different places (score rows have no key, so a
/// copied month would count every rating twice). Nothing is undone.
pub fn folder_warnings(ds: &Dataset, lang: crate::Lang) -> Vec<String> {
    let mut out = Vec::new();
    for f in &ds.files {
        let (folder, name) = match f.rel.rsplit_once('/') {
            Some((folder, name)) => (folder, name),
            None => continue,
        };
        let from_name = YearMonth::find_in(name);
        let from_folder = folder.rsplit('/').find_map(YearMonth::find_in);
        if let (Some(n), Some(d)) = (from_name, from_folder) {
            if n != d {
                out.push(if lang == crate::Lang::Zh {
                    format!("{}：文件名中的月份 {n} 与所在文件夹的月份 {d} 不一致；按文件名 {n} 计（客户状态、更正顺序都以此为准）。请确认文件没有放错文件夹", f.rel)
                } else {
                    format!("{}: the month in the file name ({n}) differs from its folder's ({d}); the file counts as {n} (customer state and correction order follow it). Check that it is in the right folder", f.rel)
                });
            }
        }
    }
    for f in &ds.ignored {
        let (folder, name) = f.rsplit_once('/').unwrap_or(("", f));
        if let Some(open) = name.strip_prefix("~$") {
            let open = if folder.is_empty() {
                format!("…{open}")
            } else {
                format!("{folder}/…{open}")
            };
            out.push(if lang == crate::Lang::Zh {
                format!("{f}：Excel/WPS 的锁定文件，{open} 可能正在 Excel 中打开，未保存的修改不会被计入")
            } else {
                format!("{f}: an Excel/WPS owner file; {open} may be open in Excel, and changes not yet saved are not counted")
            });
        }
    }
    let mut by_hash: std::collections::BTreeMap<&str, Vec<&str>> =
        std::collections::BTreeMap::new();
    for f in &ds.files {
        if let Some(h) = f.sha256.as_deref() {
            by_hash.entry(h).or_default().push(&f.rel);
        }
    }
    let mut groups: Vec<Vec<&str>> = by_hash.into_values().filter(|v| v.len() > 1).collect();
    groups.sort();
    for g in groups {
        out.push(if lang == crate::Lang::Zh {
            format!("以下文件内容完全相同：{}。相同的行会合并，但评分表的行没有主键、每行都计为一次评分，复制的文件会让评分重复计入。请删除多余的副本", g.join("、"))
        } else {
            format!("these files are byte-identical: {}. Repeated rows are merged, but score rows have no key and each counts as one rating, so a copied file counts its ratings twice. Remove the extra copy", g.join(", "))
        });
    }
    out
}

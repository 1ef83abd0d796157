//! A period's content digest: what an incremental run compares to decide
//! whether a period's results changed (SPEC 4, SPEC 8 "What changed").
//!
//! Every period of a run is computed from the ledgers as they stand at run
//! time, so a new month's files reach every period in principle; a period
//! is rewritten only when something it shows changed. The digest covers,
//! for one period: every value, target, score, weighted points, total,
//! grade, coefficient and bonus (`results.csv`), each rep's roster entry
//! and emails (what mailing reads) and 考核人, each assessed rep's lines, adjustments
//! with their reasons and every evidence row, the data issues that bear on
//! the period, the overdue receivables as of the period's as-of date, the
//! month-by-month trend of a year, the scheme's hash, kaohe's version and
//! the language. It leaves out what changes with every drop of files but
//! is no result: the list of input files and their hashes.

use std::collections::HashMap;
use std::io::Write;

use chrono::NaiveDate;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::compute::assess::RepResult;
use crate::compute::{Ctx, Index, PeriodIx};
use crate::input::dataset::Dataset;
use crate::input::model::RepIdx;
use crate::input::model::RowMeta;
use crate::output::manifest::RepEntry;
use crate::output::rep::{Evidence, IssueRows};
use crate::output::Trend;
use crate::period::Period;
use crate::scheme::Scheme;
use crate::Lang;

/// Adapts a SHA-256 hasher to `io::Write`, so `write!` feeds it.
struct Feed(Sha256);

impl Write for Feed {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Everything of one period that the digest covers.
pub struct PeriodContent<'a> {
    pub ds: &'a Dataset,
    pub ix: &'a Index,
    pub scheme: &'a Scheme,
    pub scheme_hash: &'a str,
    pub period: Period,
    /// The period's results, in rep order.
    pub results: &'a [RepResult],
    /// The period's `results.csv`.
    pub csv: &'a [u8],
    /// The manifest's rep entries (ids, names, emails, totals, grades).
    pub reps: &'a [RepEntry],
    /// Per issue of `ds.issues`: whether it bears on the period.
    pub issues: &'a [bool],
    /// The day the overdue receivables are taken at.
    pub as_of: NaiveDate,
    /// A year's month-by-month totals, by rep id (empty otherwise).
    pub trends: &'a std::collections::HashMap<String, Trend>,
    /// What the sheets of applying results show beyond the results: the
    /// payout, the improvement and excellent lists, a year's months.
    pub applied: &'a str,
    pub lang: Lang,
}

/// The period's content digest (SHA-256, lower-case hex).
pub fn period_digest(c: &PeriodContent) -> String {
    period_digest_with(c, &HashMap::new())
}

/// [`period_digest`], with the parts of the reps in `parts` already taken
/// (by [`rep_part_of`], as their workbooks were built): the same digest.
pub fn period_digest_with(c: &PeriodContent, parts: &HashMap<RepIdx, [u8; 32]>) -> String {
    let mut h = Feed(Sha256::new());
    // Writing into a hasher cannot fail.
    let _ = feed(c, parts, &mut h);
    let bytes = h.0.finalize();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// One rep's part of the digest, its evidence fed from the rows its
/// workbook is built from.
pub fn rep_part_of(c: &PeriodContent, r: &RepResult, evidence: &Evidence) -> [u8; 32] {
    let mut part = Feed(Sha256::new());
    let _ = rep_part(c, r, Source::Built(evidence), &mut part);
    part.0.finalize().into()
}

/// Where a rep's evidence rows come from for the digest.
enum Source<'a, 'b> {
    /// Built for the digest.
    Build(&'a Ctx<'b>, &'a IssueRows),
    /// Built for the rep's workbook.
    Built(&'a Evidence<'a>),
}

fn feed(
    c: &PeriodContent,
    parts: &HashMap<RepIdx, [u8; 32]>,
    h: &mut impl Write,
) -> std::io::Result<()> {
    let ds = c.ds;
    writeln!(
        h,
        "kaohe-digest-2|{}|{}|{}|{}",
        env!("CARGO_PKG_VERSION"),
        c.lang.code(),
        c.scheme_hash,
        c.period
    )?;
    h.write_all(c.csv)?;
    writeln!(h, "applied {}", c.applied)?;
    for r in c.reps {
        writeln!(h, "{r:?}")?;
    }
    // Each 考核表's 考核人 (the supervisor's name).
    let roster = crate::input::dataset::RepIndex::new(&ds.reps);
    for r in c.results {
        if let Some(name) = crate::output::rep::assessor(ds, &roster, r.rep) {
            writeln!(h, "assessor {} {name:?}", ds.reps[r.rep as usize].rep_id)?;
        }
    }
    let px = PeriodIx::new(ds, c.period);
    let cx = Ctx {
        ds,
        ix: c.ix,
        px: &px,
        defaults: &c.scheme.defaults,
    };
    let issue_rows = IssueRows::new(ds, c.issues);
    // Each rep's part is hashed on its own, in parallel, and fed in rep order.
    let parts: Vec<[u8; 32]> = c
        .results
        .par_iter()
        .map(|r| match parts.get(&r.rep) {
            Some(part) => *part,
            None => {
                let mut part = Feed(Sha256::new());
                let _ = rep_part(c, r, Source::Build(&cx, &issue_rows), &mut part);
                part.0.finalize().into()
            }
        })
        .collect();
    for part in parts {
        h.write_all(&part)?;
    }
    for (i, keep) in ds.issues.iter().zip(c.issues) {
        if *keep {
            writeln!(
                h,
                "issue {:?}|{}|{}|{}|{}",
                i.level,
                i.pos.address(),
                i.header,
                i.raw,
                i.reason.message(c.lang)
            )?;
        }
    }
    writeln!(h, "overdue as of {}", c.as_of)?;
    for i in crate::output::summary::overdue_installments(ds, c.results, c.as_of) {
        let mut plain = i.clone();
        plain.meta = RowMeta::default();
        plain.rep = 0;
        writeln!(h, "{} {plain:?}", ds.reps[i.rep as usize].rep_id)?;
    }
    Ok(())
}

/// One rep's part of the digest: roster entry, lines, adjustments, trend
/// and every evidence row.
fn rep_part(
    c: &PeriodContent,
    r: &RepResult,
    evidence: Source,
    h: &mut impl Write,
) -> std::io::Result<()> {
    let ds = c.ds;
    let address = |m: &RowMeta| ds.position(m.src).address();
    let rep = &ds.reps[r.rep as usize];
    let mut plain = rep.clone();
    plain.meta = RowMeta::default();
    writeln!(h, "rep {plain:?} {}", address(&rep.meta))?;
    let a = match &r.outcome {
        Ok(a) => a,
        Err(why) => return writeln!(h, "not assessed {why:?}"),
    };
    writeln!(
        h,
        "{}|{:?}|{:?}|{}|{}",
        a.profile, a.variant, a.layer, a.on_probation, a.version
    )?;
    // A line's spec is the scheme's (its hash is in the header) for this
    // profile, variant, layer and version: its code names it. (Formatting
    // the whole spec, definition texts included, was a tenth of a year
    // run's CPU.)
    for l in &a.lines {
        writeln!(h, "{}|{:?}", l.spec.code, l.eval)?;
    }
    // Adjustments by content and source address (their positions in the
    // dataset move when files are added).
    let mut s = a.assessment.clone();
    for adj in s.adjustments.iter_mut().chain(s.veto.iter_mut()) {
        writeln!(h, "adjustment at {}", address(&adj.meta))?;
        adj.meta = RowMeta::default();
        // Rep positions move when the roster grows; the rep is this one.
        adj.rep = 0;
    }
    writeln!(h, "{s:?}")?;
    writeln!(h, "comment {:?}", a.comment)?;
    if let Some(t) = c.trends.get(&rep.rep_id) {
        writeln!(h, "trend {t:?}")?;
    }
    match evidence {
        Source::Build(cx, issue_rows) => {
            crate::output::rep::evidence_digest(cx, r.rep, issue_rows, c.lang, h)
        }
        Source::Built(ev) => ev.feed(h),
    }
}

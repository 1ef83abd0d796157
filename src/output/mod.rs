//! Output workbooks and files (SPEC 8). Only this module and `read` touch
//! the file system; everything is written atomically (temporary file in the
//! same folder, then renamed).

pub mod changes;
pub mod digest;
pub mod issue_sheet;
pub mod manifest;
pub mod names;
pub mod payout;
pub mod rep;
pub mod results_csv;
pub mod summary;
pub mod xlsx;

use std::collections::HashMap;

use rayon::prelude::*;

use crate::compute::assess::RepResult;
use crate::compute::{Ctx, Index, PeriodIx};
use crate::input::dataset::Dataset;
use crate::input::model::RepIdx;
use crate::period::Period;
use crate::scheme::Scheme;
use crate::Lang;

/// One written per-rep workbook: its rep, file name and bytes' SHA-256.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub rep: RepIdx,
    pub file: String,
    pub bytes: usize,
    pub sha256: String,
    /// The scorecard's editable and fixed cells.
    pub layout: manifest::Layout,
    /// The rep's part of the period's digest, when it was taken from the
    /// evidence rows this workbook was built from (see [`DigestPart`]).
    pub digest_part: Option<[u8; 32]>,
}

/// Takes a rep's part of the period's content digest from the evidence
/// rows the rep's workbook is built from, so that they are built once.
pub type DigestPart<'a> = &'a (dyn Fn(&RepResult, &rep::Evidence) -> [u8; 32] + Sync);

/// A rep's month-by-month totals, for the trend chart of a year's workbook.
pub type Trend = Vec<(Period, Option<rust_decimal::Decimal>)>;

/// What a rep workbook shows beyond its own period's result.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// By rep id: the month-by-month totals for a year's trend chart.
    pub trends: HashMap<String, Trend>,
    /// By rep id: a note that the workbook replaces an earlier version.
    pub notes: HashMap<String, String>,
    /// Per issue of `ds.issues`: whether it bears on the period (empty:
    /// every issue).
    pub issues: Vec<bool>,
    /// The 考核表's 填表日期: the ledgers' as-of date (`None`: taken from
    /// the dataset, else the period's last day).
    pub form_date: Option<chrono::NaiveDate>,
    /// By rep id: the 改进计划 rows' starting line of a rep the
    /// improvement-plan rule lists.
    pub plans: HashMap<String, String>,
}

/// Build every assessed rep's workbook of one period, in parallel, and hand
/// each (file name, bytes) to `save` as it is built (the caller stores it;
/// nothing here touches the file system). Returned in rep order. `results`
/// may hold other periods too; the period's own are built.
#[allow(clippy::too_many_arguments)]
pub fn rep_workbooks(
    ds: &Dataset,
    ix: &Index,
    scheme: &Scheme,
    period: Period,
    results: &[RepResult],
    save: &(dyn Fn(&str, &[u8]) -> anyhow::Result<()> + Sync),
    lang: Lang,
    extras: &Extras,
    digest_part: Option<DigestPart>,
) -> anyhow::Result<Vec<Written>> {
    let results: Vec<&RepResult> = results.iter().filter(|r| r.period == period).collect();
    let px = PeriodIx::new(ds, period);
    let cx = Ctx {
        ds,
        ix,
        px: &px,
        defaults: &scheme.defaults,
    };
    // Each rep sees the averages of their own team (of everyone without a
    // team), as the summary's per-team averages.
    let mut by_team: std::collections::BTreeMap<Option<&str>, Vec<&RepResult>> =
        std::collections::BTreeMap::new();
    for r in &results {
        by_team
            .entry(ds.reps[r.rep as usize].team.as_deref())
            .or_default()
            .push(r);
    }
    let teams: std::collections::BTreeMap<Option<&str>, _> = by_team
        .into_iter()
        .map(|(t, rs)| (t, rep::team_averages(rs)))
        .collect();
    let issue_rows = rep::IssueRows::new(ds, &extras.issues);
    let form_date = extras
        .form_date
        .or_else(|| crate::input::dataset::ledgers_as_of(ds))
        .unwrap_or(period.last_day());
    let roster = crate::input::dataset::RepIndex::new(&ds.reps);
    let assessor = |rep: RepIdx| rep::assessor(ds, &roster, rep);
    results
        .par_iter()
        .filter_map(|r| r.outcome.as_ref().ok().map(|a| (r, a)))
        .map(|(r, a)| {
            let rep = r.rep;
            let person = &ds.reps[rep as usize];
            let file = names::rep_workbook(&person.rep_id, &person.name, period);
            let trend = extras
                .trends
                .get(&person.rep_id)
                .map(Vec::as_slice)
                .unwrap_or_default();
            let note = extras.notes.get(&person.rep_id).map(String::as_str);
            let team = &teams[&person.team.as_deref()];
            let form = rep::FormFacts {
                date: Some(form_date),
                assessor: assessor(rep),
                plan: extras.plans.get(&person.rep_id).cloned(),
            };
            let mut part = None;
            let (mut wb, layout) = rep::rep_workbook(
                &cx,
                scheme,
                rep,
                a,
                team,
                trend,
                note,
                &issue_rows,
                &form,
                lang,
                &mut |ev| part = digest_part.map(|f| f(r, ev)),
            )?;
            let bytes = wb.save_to_buffer()?;
            save(&file, &bytes)?;
            Ok(Written {
                rep,
                file,
                bytes: bytes.len(),
                sha256: manifest::sha256_hex(&bytes),
                layout,
                digest_part: part,
            })
        })
        .collect()
}

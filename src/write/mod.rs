//! Output workbooks and files (SPEC 8). Only this module and `read` touch
//! the file system; everything is written atomically (temporary file in the
//! same folder, then renamed).

pub mod manifest;
pub mod names;
pub mod rep;
pub mod summary;

use std::path::Path;

use rayon::prelude::*;

use crate::compute::{Ctx, Index, PeriodIx};
use crate::dataset::Dataset;
use crate::model::RepIdx;
use crate::period::Period;
use crate::run::RepResult;
use crate::scheme::Scheme;
use crate::Lang;

/// One written per-rep workbook: its rep, file name and bytes' SHA-256.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub rep: RepIdx,
    pub file: String,
    pub bytes: usize,
    pub sha256: String,
}

/// Write every assessed rep's workbook of one period into `dir`, in
/// parallel; each is built in memory and renamed into place. Returned in
/// rep order.
pub fn rep_workbooks(
    ds: &Dataset,
    ix: &Index,
    scheme: &Scheme,
    period: Period,
    results: &[RepResult],
    dir: &Path,
    lang: Lang,
) -> anyhow::Result<Vec<Written>> {
    let px = PeriodIx::new(ds, period);
    let cx = Ctx {
        ds,
        ix,
        px: &px,
        defaults: &scheme.defaults,
    };
    let team = rep::team_averages(results);
    results
        .par_iter()
        .filter_map(|r| r.outcome.as_ref().ok().map(|a| (r.rep, a)))
        .map(|(rep, a)| {
            let person = &ds.reps[rep as usize];
            let file = names::rep_workbook(&person.rep_id, &person.name, period);
            let mut wb = rep::rep_workbook(&cx, scheme, rep, a, &team, lang)?;
            let bytes = wb.save_to_buffer()?;
            crate::xlsx_util::write_atomic(&dir.join(&file), &bytes)?;
            Ok(Written {
                rep,
                file,
                bytes: bytes.len(),
                sha256: manifest::sha256_hex(&bytes),
            })
        })
        .collect()
}

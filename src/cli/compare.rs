//! `kaohe compare LEDGER_DIR --scheme A.toml --scheme B.toml`: try a
//! scheme before adopting it. Both schemes are computed on the same
//! ledgers (each with its own check of manual scores), with HR's recorded
//! review of each period applied alike, and one workbook `方案对比_<period>
//! .xlsx` is written into the output folder. No period folder is read for
//! results, written or marked; nothing issued changes.

use std::path::{Path, PathBuf};

use crate::compute::assess::{Reviews, Selection};
use crate::exit::{say, EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE};
use crate::input::dataset::Problem;
use crate::input::read::Limits;
use crate::output::summary::compare::{file_name, workbook, Side};
use crate::period::{Period, YearMonth};
use crate::scheme::Scheme;
use crate::Lang;

pub struct Options {
    pub ledger_dir: PathBuf,
    pub schemes: Vec<PathBuf>,
    pub sel: Option<Selection>,
    pub out: PathBuf,
    pub lang: Lang,
    pub limits: Limits,
}

/// Run the comparison; the exit code.
pub fn compare(o: &Options) -> anyhow::Result<i32> {
    let lang = o.lang;
    if o.schemes.len() != 2 {
        eprintln!(
            "kaohe: {}",
            lang.pick(
                "请给出两个方案：--scheme 现行方案.toml --scheme 拟议方案.toml",
                "give two schemes: --scheme current.toml --scheme proposed.toml"
            )
        );
        return Ok(EXIT_USAGE);
    }
    let mut schemes = Vec::new();
    for p in &o.schemes {
        match Scheme::load(p) {
            Ok(s) => schemes.push(s),
            Err(e) => {
                eprintln!("kaohe: {}", e.message_in(lang));
                return Ok(EXIT_USAGE);
            }
        }
    }
    if !o.ledger_dir.is_dir() {
        eprintln!(
            "kaohe: {}: {}",
            o.ledger_dir.display(),
            lang.pick(
                "不是文件夹（请给出台账文件夹）",
                "is not a folder (give the ledger folder)"
            )
        );
        return Ok(EXIT_USAGE);
    }
    crate::store::refuse_inside(&o.out, &o.ledger_dir)?;
    // Column aliases of both schemes: A's first.
    let mut aliases = schemes[0].columns.clone();
    aliases.extend(&schemes[1].columns);
    let base = match crate::input::dataset::load_with(&o.ledger_dir, &aliases, &o.limits) {
        Ok(ds) => ds,
        Err(e) => {
            eprintln!("kaohe: {e:#}");
            return Ok(EXIT_UNREADABLE);
        }
    };
    for p in &base.problems {
        eprintln!("kaohe: {}", p.message(lang));
    }
    // As for `kaohe run`: a file that cannot be read, or a ledger missing,
    // stops before anything is computed.
    if base.problems.iter().any(|p| {
        matches!(
            p,
            Problem::Unreadable(_) | Problem::MissingColumns { .. } | Problem::MissingKind(_)
        )
    }) {
        return Ok(EXIT_UNREADABLE);
    }
    let have = crate::compute::assess::months_with_data(&base);
    let periods: Vec<Period> = match o.sel {
        Some(sel) => crate::compute::assess::periods(&base, sel),
        None => have
            .last()
            .map(|&m| vec![Period::Month(m)])
            .unwrap_or_default(),
    };
    let Some(&main) = periods.last() else {
        eprintln!(
            "kaohe: {}",
            lang.pick(
                "台账中没有有业务数据的月份",
                "the ledgers have no month with activity"
            )
        );
        return Ok(EXIT_USAGE);
    };
    for &p in &periods {
        let missing = crate::compute::assess::missing_months(&base, p);
        if !missing.is_empty() {
            let list: Vec<String> = missing.iter().map(YearMonth::to_string).collect();
            eprintln!(
                "kaohe: {}",
                match lang {
                    Lang::Zh => format!("{p} 无法计算：{} 没有业务数据", list.join(" ")),
                    Lang::En =>
                        format!("{p} cannot be computed: {} has no activity", list.join(" ")),
                }
            );
            return Ok(EXIT_USAGE);
        }
    }
    // HR's recorded review of each period, applied to both sides alike.
    let mut reviews = Reviews::new();
    for &p in &periods {
        let records = crate::store::review::read_records(&o.out.join(p.to_string()));
        crate::store::review::reviews(p, &records, &mut reviews);
    }
    let results: Vec<_> = schemes
        .iter()
        .map(|scheme| {
            let mut ds = base.clone();
            crate::compute::assess::check_scores(&mut ds, scheme);
            let ix = crate::compute::Index::new(&ds);
            crate::compute::assess::compute_reviewed(&ds, &ix, scheme, &periods, &reviews)
        })
        .collect();
    let file = |i: usize| o.schemes[i].display().to_string();
    let (fa, fb) = (file(0), file(1));
    let a = Side {
        scheme: &schemes[0],
        file: &fa,
        results: &results[0],
    };
    let b = Side {
        scheme: &schemes[1],
        file: &fb,
        results: &results[1],
    };
    let label = match o.sel {
        Some(Selection::Year(y)) => y.to_string(),
        _ => main.to_string(),
    };
    let mut wb = workbook(&base, &periods, &a, &b, lang)?;
    std::fs::create_dir_all(&o.out)?;
    let path = o.out.join(file_name(&label, lang));
    crate::store::fs::save_atomic(&mut wb, &path)?;
    say(&summary(&base, main, &a, &b, &path, lang));
    Ok(EXIT_OK)
}

/// The console lines: grade counts and bonus totals under each scheme for
/// the main period, how many reps changed grade, and where the workbook is.
fn summary(
    ds: &crate::input::dataset::Dataset,
    main: Period,
    a: &Side,
    b: &Side,
    path: &Path,
    lang: Lang,
) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let of = |side: &Side| -> Vec<(u32, Option<String>, Option<rust_decimal::Decimal>)> {
        side.results
            .iter()
            .filter(|r| r.period == main)
            .map(|r| {
                let a = r.outcome.as_ref().ok();
                (
                    r.rep,
                    a.and_then(|x| x.assessment.grade.as_ref())
                        .map(|g| g.name.clone()),
                    a.and_then(|x| x.assessment.bonus_amount),
                )
            })
            .collect()
    };
    let (ra, rb) = (of(a), of(b));
    for (label, side, rows) in [("A", a, &ra), ("B", b, &rb)] {
        let counts: Vec<String> = side
            .scheme
            .grades
            .iter()
            .map(|g| {
                let n = rows
                    .iter()
                    .filter(|r| r.1.as_deref() == Some(&g.name))
                    .count();
                format!("{} {n}", g.name)
            })
            .collect();
        let bonus: rust_decimal::Decimal = rows.iter().filter_map(|r| r.2).sum();
        let _ = writeln!(
            s,
            "{label} {}: {} · {} {:.2}",
            std::path::Path::new(side.file)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            counts.join(" "),
            lang.pick("奖金合计", "bonus total"),
            bonus
        );
    }
    let changed = ra
        .iter()
        .filter(|x| rb.iter().find(|y| y.0 == x.0).map(|y| &y.1) != Some(&x.1))
        .count();
    let _ = match lang {
        Lang::Zh => writeln!(
            s,
            "{main}：{} 人中 {changed} 人等级不同；对比表：{}",
            ds.reps.len(),
            path.display()
        ),
        Lang::En => writeln!(
            s,
            "{main}: {changed} of {} reps graded differently; comparison: {}",
            ds.reps.len(),
            path.display()
        ),
    };
    s
}

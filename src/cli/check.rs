//! `kaohe check`: read and validate every ledger, print a one-screen summary
//! and write the full issue list to a workbook a clerk can fix from.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::input::dataset::{Dataset, SheetInfo};
use crate::input::issues::Level;
use crate::output::issue_sheet::{issue_workbook, skip_reason};
use crate::store::fs::save_atomic;
use crate::Lang;

/// How many issues the summary lists by position.
pub const FIRST_ISSUES: usize = 10;

/// The one-screen summary of a checked ledger folder.
pub fn summary(ds: &Dataset, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let mut s = String::new();
    let readable = ds.files.iter().filter(|f| f.error.is_none()).count();
    let recognised = ds.sheets.iter().filter(|s| s.kind().is_some()).count();
    let skipped: Vec<&SheetInfo> = ds.sheets.iter().filter(|s| s.kind().is_none()).collect();
    let _ = if zh {
        writeln!(
            s,
            "文件 {} 个（可读 {}，无法读取 {}），识别工作表 {} 个，跳过 {} 个",
            ds.files.len(),
            readable,
            ds.files.len() - readable,
            recognised,
            skipped.len()
        )
    } else {
        writeln!(
            s,
            "{} files ({} readable, {} unreadable), {} sheets recognised, {} skipped",
            ds.files.len(),
            readable,
            ds.files.len() - readable,
            recognised,
            skipped.len()
        )
    };
    if !ds.ignored.is_empty() {
        let _ = writeln!(
            s,
            "{} {}",
            lang.pick("  非表格文件（已忽略）：", "  not spreadsheets (ignored):"),
            ds.ignored.join(", ")
        );
    }
    for p in &ds.problems {
        let _ = writeln!(s, "  {} {}", lang.pick("✗", "✗"), p.message(lang));
    }
    for sh in skipped.iter().take(8) {
        let _ = writeln!(
            s,
            "  {} {}!{}：{}",
            lang.pick("跳过", "skipped"),
            ds.files[sh.file as usize].rel,
            sh.name,
            skip_reason(&sh.status, lang)
        );
    }
    if skipped.len() > 8 {
        let _ = writeln!(
            s,
            "  … {} {}",
            skipped.len() - 8,
            lang.pick(
                "个工作表也被跳过（见问题清单的“文件与工作表”）",
                "more skipped sheets (see the Files and sheets sheet)"
            )
        );
    }
    let uncovered = ds.uncovered_years();
    if !uncovered.is_empty() {
        let years: Vec<String> = uncovered.iter().map(|y| y.to_string()).collect();
        let _ = if zh {
            writeln!(s, "  警告 工作日历不含 {} 年（法定节假日通知未收录），这些年份按周一至周五计算工作日；可在工作日历表中补充", years.join("、"))
        } else {
            writeln!(s, "  warning: the working-day calendar does not cover {}; those years count Monday–Friday as working days (add them in a calendar sheet)", years.join(", "))
        };
    }
    let rows: Vec<String> = ds
        .rows_by_kind()
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| format!("{} {n}", k.name(lang)))
        .collect();
    let _ = writeln!(
        s,
        "{}{}",
        lang.pick("各类台账使用行数：", "rows used per kind: "),
        if rows.is_empty() {
            "-".to_string()
        } else {
            rows.join(" · ")
        }
    );
    let mut t = crate::input::validate::SheetStats::default();
    for sh in &ds.sheets {
        t.add(&sh.stats);
    }
    let _ = if zh {
        writeln!(
            s,
            "数据行 {}：使用 {}，合并重复 {}，被更正替换 {}，空行 {}，合计行 {}，错误未用 {}",
            t.data_rows, t.used, t.merged, t.replaced, t.empty, t.totals, t.errors
        )
    } else {
        writeln!(s, "data rows {}: used {}, identical repeats merged {}, replaced by corrections {}, empty {}, totals {}, left out with errors {}", t.data_rows, t.used, t.merged, t.replaced, t.empty, t.totals, t.errors)
    };
    let (e, w, i) = (
        ds.count(Level::Error),
        ds.count(Level::Warning),
        ds.count(Level::Info),
    );
    let _ = if zh {
        writeln!(s, "数据问题：错误 {e}，警告 {w}，提示 {i}")
    } else {
        writeln!(s, "data issues: {e} errors, {w} warnings, {i} info")
    };
    let mut by_reason: BTreeMap<(Level, String), usize> = BTreeMap::new();
    for issue in &ds.issues {
        *by_reason
            .entry((issue.level, issue.reason.category(lang)))
            .or_default() += 1;
    }
    let mut reasons: Vec<_> = by_reason.into_iter().collect();
    reasons.sort_by(|a, b| a.0 .0.cmp(&b.0 .0).then(b.1.cmp(&a.1)));
    for ((level, cat), n) in reasons.iter().take(8) {
        let _ = writeln!(s, "  {:<4} {n:>6}  {cat}", level.label(lang));
    }
    let serious: Vec<_> = ds
        .issues
        .iter()
        .filter(|i| i.level != Level::Info)
        .take(FIRST_ISSUES)
        .collect();
    if !serious.is_empty() {
        let _ = writeln!(s, "{}", lang.pick("前几条问题：", "first issues:"));
        for i in serious {
            let value = if i.raw.is_empty() {
                String::new()
            } else {
                format!(" {}={}", i.header, i.raw)
            };
            let _ = writeln!(
                s,
                "  {:<4} {}{}  {}",
                i.level.label(lang),
                i.pos.address(),
                value,
                i.reason.message(lang)
            );
        }
    }
    s
}

/// Write the full issue list (and the files and sheets read) to a workbook.
pub fn write_issue_workbook(ds: &Dataset, path: &Path, lang: Lang) -> anyhow::Result<()> {
    let mut wb = issue_workbook(ds, lang)?;
    save_atomic(&mut wb, path)
}

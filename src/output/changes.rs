//! What changed when a period is recomputed over an earlier result
//! (SPEC 8 "What changed"): per rep, every indicator's actual value, target
//! and score, and the total and grade, old → new; and which input files,
//! scheme or tool version changed. Old and new are compared through their
//! `results.csv` (the period's complete record of numbers) and
//! `manifest.json`, so a recomputation compares like with like whatever the
//! language of either run.

use std::collections::BTreeMap;

use crate::output::manifest::Manifest;
use crate::Lang;

/// Columns of `results.csv` (see `results::HEADERS_ZH`).
const C_REP: usize = 1;
const C_NAME: usize = 2;
const C_CODE: usize = 8;
const C_INDICATOR: usize = 9;
const C_TARGET: usize = 13;
const C_ACTUAL: usize = 15;
const C_REASON: usize = 17;
const C_SCORE: usize = 18;
const C_TOTAL: usize = 20;
const C_GRADE: usize = 21;

/// The name a period's review record has among its inputs (the store's
/// `审阅记录.csv`).
pub const REVIEW_RECORD: &str = "审阅记录.csv";

/// What one field of a rep's result was and is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Field {
    /// Assessed or not.
    Status,
    Actual,
    Target,
    Score,
    Total,
    Grade,
}

impl Field {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Field::Status => lang.pick("考核状态", "status"),
            Field::Actual => lang.pick("实际值", "actual"),
            Field::Target => lang.pick("目标", "target"),
            Field::Score => lang.pick("得分", "score"),
            Field::Total => lang.pick("总分", "total"),
            Field::Grade => lang.pick("等级", "grade"),
        }
    }
}

/// One changed value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeRow {
    pub rep_id: String,
    pub name: String,
    /// The indicator's name as printed (empty for rep-level fields).
    pub indicator: String,
    pub field: Field,
    /// As printed; empty for "none" (N/A, not assessed, no line).
    pub old: String,
    pub new: String,
}

/// How an input file changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileChange {
    Added,
    Removed,
    Changed,
}

impl FileChange {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            FileChange::Added => lang.pick("新增", "added"),
            FileChange::Removed => lang.pick("移除", "removed"),
            FileChange::Changed => lang.pick("内容变化", "changed"),
        }
    }
}

/// Everything that changed between an earlier result and a new one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Sorted by rep id, then indicator order of the new result.
    pub rows: Vec<ChangeRow>,
    /// Input files, by path.
    pub inputs: Vec<(String, FileChange)>,
    /// `(old, new)` scheme hash when it changed.
    pub scheme: Option<(String, String)>,
    /// `(old, new)` kaohe version when it changed.
    pub version: Option<(String, String)>,
}

impl Changes {
    /// Reps with any changed value.
    pub fn reps_changed(&self) -> Vec<&str> {
        let mut reps: Vec<&str> = self.rows.iter().map(|r| r.rep_id.as_str()).collect();
        reps.dedup();
        reps
    }

    /// Reps whose grade changed.
    pub fn grades_changed(&self) -> usize {
        self.rows.iter().filter(|r| r.field == Field::Grade).count()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// One rep's result as recorded in `results.csv`.
#[derive(Debug, Default)]
struct RepRecord {
    name: String,
    assessed: bool,
    /// Indicator code → (name, actual or N/A reason, target, score), in file order.
    lines: Vec<(String, String, [String; 3])>,
    total: String,
    grade: String,
}

fn parse(csv_bytes: &[u8]) -> anyhow::Result<BTreeMap<String, RepRecord>> {
    let bytes = csv_bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(csv_bytes);
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(bytes);
    let mut out: BTreeMap<String, RepRecord> = BTreeMap::new();
    for rec in rd.records() {
        let rec = rec?;
        let get = |i: usize| rec.get(i).unwrap_or("").to_string();
        let rep = out.entry(get(C_REP)).or_default();
        rep.name = get(C_NAME);
        match rec.get(C_CODE).unwrap_or("") {
            "NOT_ASSESSED" => rep.assessed = false,
            "TOTAL" => {
                rep.assessed = true;
                rep.total = get(C_TOTAL);
                rep.grade = get(C_GRADE);
            }
            code => {
                rep.assessed = true;
                // An N/A line shows its reason as the value; a ratio shows
                // as a percentage, as in the workbooks.
                let actual = match get(C_ACTUAL) {
                    v if v.is_empty() => get(C_REASON),
                    v if is_percent(code) => percent(&v),
                    v => v,
                };
                rep.lines.push((
                    code.to_string(),
                    get(C_INDICATOR),
                    [actual, get(C_TARGET), get(C_SCORE)],
                ));
                rep.total = get(C_TOTAL);
                rep.grade = get(C_GRADE);
            }
        }
    }
    Ok(out)
}

/// Whether an indicator's actual value is a ratio (the actual of
/// 销售额达成率 is the sales amount; its achievement is the value).
fn is_percent(code: &str) -> bool {
    use crate::scheme::catalogue::{find, Unit};
    code != "sales_achievement" && find(code).is_some_and(|d| d.unit == Unit::Percent)
}

/// `0.3192208437` → `31.9%` (text that is not a number stays as it is).
fn percent(v: &str) -> String {
    match v.parse::<rust_decimal::Decimal>() {
        Ok(d) => format!(
            "{}%",
            (d * rust_decimal::Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .normalize()
        ),
        Err(_) => v.to_string(),
    }
}

/// Compare an earlier `results.csv` and manifest with new ones.
pub fn diff(
    old_csv: &[u8],
    new_csv: &[u8],
    old: &Manifest,
    new: &Manifest,
    lang: Lang,
) -> anyhow::Result<Changes> {
    let (before, after) = (parse(old_csv)?, parse(new_csv)?);
    let mut rows = Vec::new();
    let not_assessed = lang.pick("未考核", "not assessed");
    let assessed = lang.pick("已考核", "assessed");
    let ids: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let empty = RepRecord::default();
    for id in ids {
        let (b, a) = (
            before.get(id).unwrap_or(&empty),
            after.get(id).unwrap_or(&empty),
        );
        let name = if a.name.is_empty() { &b.name } else { &a.name };
        let mut push = |indicator: &str, field: Field, old: &str, new: &str| {
            if old != new {
                rows.push(ChangeRow {
                    rep_id: id.clone(),
                    name: name.clone(),
                    indicator: indicator.to_string(),
                    field,
                    old: old.to_string(),
                    new: new.to_string(),
                });
            }
        };
        let status = |r: &RepRecord, present: bool| {
            if !present {
                ""
            } else if r.assessed {
                assessed
            } else {
                not_assessed
            }
        };
        push(
            "",
            Field::Status,
            status(b, before.contains_key(id)),
            status(a, after.contains_key(id)),
        );
        // Lines in the new order, then lines only the old result had.
        let mut codes: Vec<&str> = a.lines.iter().map(|l| l.0.as_str()).collect();
        for l in &b.lines {
            if !codes.contains(&l.0.as_str()) {
                codes.push(&l.0);
            }
        }
        let blank: [String; 3] = Default::default();
        for code in codes {
            let find = |r: &RepRecord| r.lines.iter().find(|l| l.0 == code).cloned();
            let (lb, la) = (find(b), find(a));
            let indicator = la
                .as_ref()
                .or(lb.as_ref())
                .map(|l| l.1.clone())
                .unwrap_or_default();
            let vb = lb.as_ref().map(|l| &l.2).unwrap_or(&blank);
            let va = la.as_ref().map(|l| &l.2).unwrap_or(&blank);
            for (k, field) in [Field::Actual, Field::Target, Field::Score]
                .into_iter()
                .enumerate()
            {
                // Language is presentation: an N/A reason in the other
                // language (no number on either side) is no change.
                let reason =
                    |v: &str| !v.is_empty() && v.trim_end_matches('%').parse::<f64>().is_err();
                if old.lang != new.lang && reason(&vb[k]) && reason(&va[k]) {
                    continue;
                }
                push(&indicator, field, &vb[k], &va[k]);
            }
        }
        push("", Field::Total, &b.total, &a.total);
        push("", Field::Grade, &b.grade, &a.grade);
    }

    let old_files: BTreeMap<&str, &str> = old
        .inputs
        .iter()
        .map(|f| (f.file.as_str(), f.sha256.as_str()))
        .collect();
    let new_files: BTreeMap<&str, &str> = new
        .inputs
        .iter()
        .map(|f| (f.file.as_str(), f.sha256.as_str()))
        .collect();
    let mut inputs = Vec::new();
    let all: std::collections::BTreeSet<&str> =
        old_files.keys().chain(new_files.keys()).copied().collect();
    for f in all {
        let change = match (old_files.get(f), new_files.get(f)) {
            (None, Some(_)) => Some(FileChange::Added),
            (Some(_), None) => Some(FileChange::Removed),
            (Some(x), Some(y)) if x != y => Some(FileChange::Changed),
            _ => None,
        };
        if let Some(c) = change {
            inputs.push((f.to_string(), c));
        }
    }
    let changed = |x: &str, y: &str| (x != y).then(|| (x.to_string(), y.to_string()));
    Ok(Changes {
        rows,
        inputs,
        scheme: changed(&old.scheme_hash, &new.scheme_hash),
        version: changed(&old.kaohe_version, &new.kaohe_version),
    })
}

/// The 变更 sheet of a team summary.
pub fn write_sheet(
    ws: &mut rust_xlsxwriter::Worksheet,
    changes: &Changes,
    old: &Manifest,
    lang: Lang,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    use crate::output::xlsx::{fit_width, header_format, write_text};
    use rust_xlsxwriter::Format;
    ws.set_name(lang.pick("变更", "Changes"))?;
    let bold = Format::new().set_bold();
    let title = lang.pick(
        "本期结果已重新计算，替换此前的版本。以下为与此前版本相比的变化。",
        "This period was recomputed and replaces an earlier version. Changes against that version:",
    );
    ws.write_string_with_format(0, 0, title, &bold)?;
    let mut row = 2u32;
    ws.write_string_with_format(row, 0, lang.pick("输入变化", "Changed inputs"), &bold)?;
    row += 1;
    let head = header_format();
    ws.write_string_with_format(row, 0, lang.pick("文件", "File"), &head)?;
    ws.write_string_with_format(row, 1, lang.pick("变化", "Change"), &head)?;
    row += 1;
    let mut col0: Vec<String> = vec![lang.pick("文件", "File").to_string()];
    for (file, change) in &changes.inputs {
        write_text(ws, row, 0, file, &Format::new())?;
        // The period's review record: HR's edits in the workbooks.
        let label = if file == REVIEW_RECORD {
            format!(
                "{}（{}）",
                lang.pick("HR 审阅修改", "HR review"),
                change.label(lang)
            )
        } else {
            change.label(lang).to_string()
        };
        ws.write_string(row, 1, label)?;
        col0.push(file.clone());
        row += 1;
    }
    if let Some((o, n)) = &changes.scheme {
        // The manifest keeps the scheme's full path (for `kaohe mail`); the
        // sheet names the file only.
        let name = std::path::Path::new(&old.scheme_file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| old.scheme_file.clone());
        write_text(ws, row, 0, &name, &Format::new())?;
        ws.write_string(
            row,
            1,
            format!(
                "{} {} → {}",
                lang.pick("考核方案已修改", "scheme changed"),
                short(o),
                short(n)
            ),
        )?;
        row += 1;
    }
    if let Some((o, n)) = &changes.version {
        ws.write_string(row, 0, "kaohe")?;
        ws.write_string(
            row,
            1,
            format!("{} {o} → {n}", lang.pick("版本", "version")),
        )?;
        row += 1;
    }
    if changes.inputs.is_empty() && changes.scheme.is_none() && changes.version.is_none() {
        ws.write_string(
            row,
            0,
            lang.pick(
                "输入文件与考核方案均未变化（按要求重新计算）",
                "no input file or scheme changed (recomputed on request)",
            ),
        )?;
        row += 1;
    }
    row += 1;
    ws.write_string_with_format(row, 0, lang.pick("结果变化", "Changed results"), &bold)?;
    row += 1;
    let heads = [
        lang.pick("工号", "Rep ID"),
        lang.pick("姓名", "Name"),
        lang.pick("指标", "Indicator"),
        lang.pick("项目", "Field"),
        lang.pick("原值", "Old"),
        lang.pick("新值", "New"),
    ];
    let table_head = row;
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &head)?;
    }
    row += 1;
    let mut col2: Vec<String> = vec![heads[2].to_string()];
    for r in &changes.rows {
        write_text(ws, row, 0, &r.rep_id, &Format::new())?;
        write_text(ws, row, 1, &r.name, &Format::new())?;
        write_text(ws, row, 2, &r.indicator, &Format::new())?;
        ws.write_string(row, 3, r.field.label(lang))?;
        write_text(ws, row, 4, &r.old, &Format::new())?;
        write_text(ws, row, 5, &r.new, &Format::new())?;
        col2.push(r.indicator.clone());
        row += 1;
    }
    if changes.rows.is_empty() {
        ws.write_string(row, 0, lang.pick("没有结果变化", "no result changed"))?;
    } else {
        ws.autofilter(table_head, 0, row - 1, 5)?;
    }
    ws.set_column_width(0, fit_width(col0.iter().map(String::as_str), 10.0, 60.0))?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, fit_width(col2.iter().map(String::as_str), 10.0, 30.0))?;
    ws.set_column_width(3, 10)?;
    ws.set_column_width(4, 16)?;
    ws.set_column_width(5, 16)?;
    crate::output::xlsx::print_setup(ws)?;
    Ok(())
}

fn short(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_show_as_percentages() {
        assert!(is_percent("collection_rate"));
        assert!(!is_percent("sales_achievement"));
        assert!(!is_percent("sales"));
        assert_eq!(percent("0.3192208437"), "31.9%");
        assert_eq!(percent("1"), "100%");
        assert_eq!(percent("0.00049"), "0%");
        assert_eq!(percent("0.0005"), "0.1%");
        assert_eq!(percent("本期没有老客户"), "本期没有老客户");
    }
}

//! HR's review of a period's workbooks (SPEC 8 "HR review"): the edits HR
//! made in the editable cells of each 考核表 (manual scores, the 自评 and
//! 上级评分 of manual indicators, 评语, the 绩效面谈记录), read back
//! by value — not by bytes, so a workbook saved by Excel, WPS or LibreOffice
//! reads alike — and kept in the period's review record `审阅记录.csv`, an
//! input of the period from then on.
//!
//! What kaohe wrote into each workbook is in the period's manifest (each
//! rep's [`Layout`]): the editable cells with kaohe's own value and the
//! value written (HR's, once reviewed), and the fixed cells (rep id, period,
//! each indicator's name, weight and actual value). A harvest compares the
//! saved workbook with it:
//! - an editable cell that differs from what was written is a new edit;
//!   set back to kaohe's own value, it removes the record;
//! - a fixed cell that differs is reported and not carried (the ledgers,
//!   not the 考核表, are where data is fixed);
//! - a workbook whose rep id or period differs is not this rep's: refused.

use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader, Xlsx};
use rust_decimal::Decimal;

use crate::compute::assess::{Review, Reviews};
use crate::output::manifest::{
    is_text_cell, split_rater, Layout, Manifest, Shown, COMMENT, INTERVIEW, PLAN,
};
use crate::period::Period;
use crate::Lang;

/// The review record's file name in a period folder.
pub const RECORD: &str = crate::output::changes::REVIEW_RECORD;

const HEADERS: [&str; 8] = [
    "工号",
    "姓名",
    "项目",
    "指标代码",
    "原值",
    "新值",
    "位置",
    "修改时间",
];

/// One of HR's edits that stands: a cell whose value is not kaohe's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub rep_id: String,
    pub name: String,
    /// The indicator's name, or 评语.
    pub item: String,
    /// The indicator code, or 评语.
    pub code: String,
    /// kaohe's own value.
    pub own: String,
    /// HR's value.
    pub value: String,
    /// `workbook!cell`.
    pub at: String,
    /// The workbook's modification time when the edit was read.
    pub modified: String,
}

/// What one saved workbook holds against what kaohe wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inspection {
    /// Editable cells whose value differs from what was written: (index
    /// into the layout's editable cells, the value now).
    pub edits: Vec<(usize, Shown)>,
    /// Fixed cells that differ: `what cell: written → now`.
    pub fixed_changed: Vec<String>,
    /// The workbook is not this rep's (rep id or period differs), or its
    /// scorecard cannot be read: why.
    pub refused: Option<String>,
}

impl Inspection {
    /// Only editable cells changed: the workbook is the rep's, reviewed.
    pub fn only_edits(&self) -> bool {
        self.refused.is_none() && self.fixed_changed.is_empty()
    }
}

/// `I19` → (row 18, column 8), 0-based.
fn position(cell: &str) -> Option<(u32, u32)> {
    let split = cell.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = cell.split_at(split);
    let mut col = 0u32;
    for ch in letters.chars() {
        col = col * 26 + (ch.to_ascii_uppercase() as u32).checked_sub('A' as u32)? + 1;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

/// A cell as kaohe compares it: numbers as numbers (also a number typed as
/// text), anything else as trimmed text, blank as empty text.
fn shown(d: Option<&Data>) -> Shown {
    match d {
        None | Some(Data::Empty) => Shown::Text(String::new()),
        Some(Data::Float(f)) => Shown::Number(*f),
        Some(Data::Int(i)) => Shown::Number(*i as f64),
        Some(Data::Bool(b)) => Shown::Text(b.to_string()),
        Some(Data::String(s)) => {
            let t = s.trim();
            match t.parse::<f64>() {
                Ok(n) if !t.is_empty() => Shown::Number(n),
                _ => Shown::Text(t.to_string()),
            }
        }
        Some(other) => Shown::Text(other.to_string().trim().to_string()),
    }
}

/// Whether two shown values are the same (numbers within rounding noise;
/// text that reads as a number compares as one).
pub fn same(a: &Shown, b: &Shown) -> bool {
    let num = |s: &Shown| match s {
        Shown::Number(n) => Some(*n),
        Shown::Text(t) => t.trim().parse::<f64>().ok(),
    };
    match (num(a), num(b)) {
        (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0),
        _ => a.text().trim() == b.text().trim(),
    }
}

/// Compare a saved workbook's scorecard with what kaohe wrote there.
pub fn inspect(bytes: &[u8], layout: &Layout, lang: Lang) -> Inspection {
    let mut out = Inspection::default();
    let range = Xlsx::new(Cursor::new(bytes))
        .map_err(|e| e.to_string())
        .and_then(|mut wb| wb.worksheet_range(&layout.sheet).map_err(|e| e.to_string()));
    let range = match range {
        Ok(r) => r,
        Err(e) => {
            out.refused = Some(format!(
                "{}{}：{e}",
                lang.pick("无法读取工作表 ", "cannot read the sheet "),
                layout.sheet
            ));
            return out;
        }
    };
    let at = |cell: &str| shown(position(cell).and_then(|p| range.get_value(p)));
    for f in &layout.fixed {
        let now = at(&f.cell);
        if same(&now, &f.value) {
            continue;
        }
        let line = format!("{} {}: {} → {}", f.what, f.cell, f.value.text(), now.text());
        if f.identity {
            out.refused = Some(format!(
                "{}{line}",
                lang.pick(
                    "不是本人的考核表（标识单元格不符）：",
                    "not this rep's workbook (an identifying cell differs): "
                )
            ));
            return out;
        }
        out.fixed_changed.push(line);
    }
    for (i, e) in layout.editable.iter().enumerate() {
        let now = at(&e.cell);
        if !same(&now, &e.written) {
            out.edits.push((i, now));
        }
    }
    out
}

/// What a harvest of one period folder found.
#[derive(Debug, Clone, Default)]
pub struct Harvest {
    /// The period's review records after the harvest.
    pub records: Vec<Record>,
    /// They differ from the record file's.
    pub changed: bool,
    /// Edits found in this harvest (new, changed or set back), for messages.
    pub found: usize,
    /// Edited cells not carried: computed cells, unusable scores.
    pub not_carried: Vec<String>,
    /// Workbooks refused (not this rep's, unreadable).
    pub refused: Vec<String>,
}

/// Read the review record of a period folder (none: empty).
pub fn read_records(home: &Path) -> Vec<Record> {
    let Ok(bytes) = std::fs::read(home.join(RECORD)) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(&bytes);
    let text = text.trim_start_matches('\u{feff}');
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    rdr.records()
        .flatten()
        .filter(|r| r.len() >= 8)
        .map(|r| Record {
            rep_id: r[0].to_string(),
            name: r[1].to_string(),
            item: r[2].to_string(),
            code: r[3].to_string(),
            own: r[4].to_string(),
            value: r[5].to_string(),
            at: r[6].to_string(),
            modified: r[7].to_string(),
        })
        .collect()
}

/// Write a period folder's review record (removed when there is none).
pub fn write_records(home: &Path, records: &[Record]) -> anyhow::Result<()> {
    let path = home.join(RECORD);
    if records.is_empty() {
        if path.exists() {
            std::fs::remove_file(&path)?;
        }
        return Ok(());
    }
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    w.write_record(HEADERS)?;
    for r in records {
        w.write_record([
            &r.rep_id,
            &r.name,
            &r.item,
            &r.code,
            &r.own,
            &r.value,
            &r.at,
            &r.modified,
        ])?;
    }
    let bytes = w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    super::fs::write_atomic(&path, &bytes)
}

/// The modification time of a file, as local time.
fn modified(path: &Path) -> String {
    std::fs::metadata(path)
        .and_then(|m| m.modified())
        .map(|t| {
            chrono::DateTime::<chrono::Local>::from(t)
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// Harvest HR's edits from the workbooks of a period folder whose bytes
/// differ from the manifest's hash, merged into the period's record.
pub fn harvest(home: &Path, manifest: &Manifest, lang: Lang) -> Harvest {
    let old = read_records(home);
    let mut records = old.clone();
    let mut out = Harvest::default();
    // A workbook whose size and modification time are those kaohe stamped
    // still has kaohe's content: not read.
    let mut stamps = super::stamps::Stamps::read(home);
    let mut restamped = false;
    for rep in &manifest.reps {
        let Some(layout) = &rep.layout else { continue };
        if rep.file.is_empty() || !super::is_plain_name(&rep.file) {
            continue;
        }
        if stamps.unchanged(home, &rep.file, &rep.sha256) {
            continue;
        }
        let path = home.join(&rep.file);
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        if crate::input::read::sha256_hex(&bytes) == rep.sha256 {
            // Touched (copied, restored) but not changed.
            stamps.set(home, &rep.file, &rep.sha256);
            restamped = true;
            continue;
        }
        let who = format!("{} {}", rep.rep_id, rep.name);
        let seen = inspect(&bytes, layout, lang);
        if let Some(why) = &seen.refused {
            out.refused.push(format!("{}：{why}", rep.file));
            continue;
        }
        for f in &seen.fixed_changed {
            out.not_carried.push(format!(
                "{who} {f}{}",
                lang.pick(
                    "（未采用：数据请改台账，而不是考核表）",
                    " (not carried: fix data in the ledgers, not the workbook)"
                )
            ));
        }
        let when = modified(&path);
        for (i, now) in &seen.edits {
            let e = &layout.editable[*i];
            let key = |r: &Record| r.rep_id == rep.rep_id && r.code == e.code;
            if !is_text_cell(&e.code) {
                let max = e.max.unwrap_or(120.0);
                let usable = match now {
                    Shown::Number(n) => (0.0..=max).contains(n),
                    Shown::Text(t) => t.is_empty(),
                };
                if !usable {
                    let why = match (e.max, lang) {
                        (None, _) => lang
                            .pick(
                                "（未采用：得分应为 0–120 的数字）",
                                " (not carried: a score is a number from 0 to 120)",
                            )
                            .to_string(),
                        (Some(m), Lang::Zh) => format!("（未采用：评分应为 0–{m} 的数字）"),
                        (Some(m), Lang::En) => {
                            format!(" (not carried: a rating is a number from 0 to {m})")
                        }
                    };
                    out.not_carried.push(format!(
                        "{who} {} {}: {}{why}",
                        e.name,
                        e.cell,
                        now.text(),
                    ));
                    continue;
                }
            }
            out.found += 1;
            records.retain(|r| !key(r));
            if !same(now, &e.own) {
                records.push(Record {
                    rep_id: rep.rep_id.clone(),
                    name: rep.name.clone(),
                    item: e.name.clone(),
                    code: e.code.clone(),
                    own: e.own.text(),
                    value: now.text(),
                    at: format!("{}!{}", rep.file, e.cell),
                    modified: when.clone(),
                });
            }
        }
    }
    records.sort_by(|a, b| (&a.rep_id, &a.code).cmp(&(&b.rep_id, &b.code)));
    out.changed = records != old;
    out.records = records;
    if restamped {
        stamps.write(home);
    }
    out
}

/// The reviews of a period for the computation, from its records.
pub fn reviews(period: Period, records: &[Record], into: &mut Reviews) {
    for r in records {
        let review: &mut Review = into.entry((period, r.rep_id.clone())).or_default();
        if r.code == COMMENT {
            review.comment = Some(r.value.clone());
        } else if let Some(field) = r.code.strip_prefix(INTERVIEW) {
            review.interview.insert(field.to_string(), r.value.clone());
        } else if let Some(field) = r.code.strip_prefix(PLAN) {
            review.plan.insert(field.to_string(), r.value.clone());
        } else if let Some((code, rater)) = split_rater(&r.code) {
            // 自评 / 上级评分: a known rater code, a number.
            let known = crate::input::parse::words::RATERS
                .iter()
                .find(|w| w.code == rater)
                .map(|w| w.code);
            if let (Some(rater), Ok(v)) = (known, r.value.parse::<Decimal>()) {
                review
                    .raters
                    .entry(code.to_string())
                    .or_default()
                    .insert(rater, v);
            }
        } else if let Ok(v) = r.value.parse::<Decimal>() {
            review.scores.insert(r.code.clone(), v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_positions() {
        assert_eq!(position("A1"), Some((0, 0)));
        assert_eq!(position("I19"), Some((18, 8)));
        assert_eq!(position("AA10"), Some((9, 26)));
        assert_eq!(position("10"), None);
    }

    #[test]
    fn values_compare_as_shown() {
        assert!(same(&Shown::Number(85.0), &Shown::Text("85".into())));
        assert!(same(&Shown::Number(0.1 + 0.2), &Shown::Number(0.3)));
        assert!(!same(&Shown::Number(85.0), &Shown::Number(86.0)));
        assert!(same(&Shown::Text(" 好 ".into()), &Shown::Text("好".into())));
        assert!(!same(&Shown::Text(String::new()), &Shown::Number(0.0)));
    }
}

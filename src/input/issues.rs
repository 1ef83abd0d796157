//! Data issues (SPEC 3 item 6): every problem found in a ledger row, with its
//! position (workbook, sheet, Excel row, column letter and header), the raw
//! value, and the reason in plain words, at one of three levels.
//!
//! Positions live in fields, not only in the message, so the issue list can
//! be sorted, filtered and linked.

use std::sync::Arc;

use serde::Serialize;

use crate::input::columns::{col_letter, Kind};
use crate::input::parse::cell::Bad;
use crate::Lang;

/// How serious a data issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Level {
    /// A required value is missing or cannot be read: the row is left out.
    Error,
    /// An optional value cannot be read or is not a known word: the cell
    /// counts as empty (or takes its default) and the row is kept.
    Warning,
    /// A correction: a changed repeat replaced an earlier row.
    Info,
}

impl Level {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Level::Error => lang.pick("错误", "error"),
            Level::Warning => lang.pick("警告", "warning"),
            Level::Info => lang.pick("提示", "info"),
        }
    }
}

/// Where a cell or row sits: workbook (path relative to the ledger folder),
/// sheet, 1-based Excel row, 0-based column.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Position {
    pub file: Arc<str>,
    pub sheet: Arc<str>,
    pub row: u32,
    pub col: Option<u32>,
}

impl Position {
    /// Excel-style address with the file's path in the ledger folder:
    /// `2026-03/客户台账.xlsx!客户!E57` (row only when the issue concerns a
    /// whole row: `…!客户!57`); months that reuse file names stay apart.
    pub fn address(&self) -> String {
        let file = &self.file;
        match self.col {
            Some(c) => format!("{file}!{}!{}{}", self.sheet, col_letter(c), self.row),
            None => format!("{file}!{}!{}", self.sheet, self.row),
        }
    }
    pub fn column_letter(&self) -> String {
        self.col.map(col_letter).unwrap_or_default()
    }
}

/// One changed value of a corrected row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub header: String,
    pub old: String,
    pub new: String,
}

/// What is wrong, with what the message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A required value is empty.
    Missing,
    /// The cell cannot be read as the column's type.
    Bad(Bad),
    /// The rep (by id, then by name) is not in the roster.
    UnknownRep,
    /// The name matches several reps in the roster.
    AmbiguousRep { count: usize },
    /// A changed repeat replaced the earlier row (a correction).
    Corrected {
        previous: Position,
        changes: Vec<Change>,
    },
    /// A contract-level value differs from the contract's installment-1 row.
    ContractMismatch { installment: u32, kept: String },
    /// An amount paid without a paid date: counted as unpaid.
    PaidWithoutDate,
    /// A paid date without an amount: ignored.
    DateWithoutPaid,
    /// A target adjustment or exclusion that names no indicator.
    IndicatorRequired,
    /// A target adjustment without a new value.
    ValueRequired,
    /// 已终止 without an end date.
    TerminatedWithoutEndDate { from: Option<chrono::NaiveDate> },
    /// Leave date before hire date.
    LeaveBeforeHire,
    /// A score outside its indicator's scale (from the scheme).
    OutOfScale { max: String },
    /// A score row naming no indicator of the scheme.
    UnknownIndicator,
}

impl Reason {
    /// Short category for counting (`不是可识别的日期` …).
    pub fn category(&self, lang: Lang) -> String {
        match self {
            Reason::Bad(b) => {
                let m = b.message(lang);
                m.split(['（', '(']).next().unwrap_or(&m).trim().to_string()
            }
            Reason::Corrected { .. } => lang
                .pick("重复行已更正", "changed repeat replaced")
                .to_string(),
            Reason::TerminatedWithoutEndDate { .. } => lang
                .pick("已终止但无终止日期", "terminated without end date")
                .to_string(),
            Reason::ContractMismatch { .. } => lang
                .pick(
                    "合同信息与第1期不一致",
                    "contract fields differ from installment 1",
                )
                .to_string(),
            other => other.message(lang),
        }
    }

    /// The reason in plain words.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Reason::Missing, _) => lang.pick("必填项为空，此行未参与计算", "required value is empty; the row is left out").into(),
            (Reason::Bad(b), _) => b.message(lang),
            (Reason::UnknownRep, _) => lang.pick("人员表中找不到此工号或姓名", "no rep with this id or name in the roster").into(),
            (Reason::AmbiguousRep { count }, Lang::Zh) => format!("人员表中有 {count} 人同名，请改填工号"),
            (Reason::AmbiguousRep { count }, Lang::En) => format!("{count} reps in the roster have this name; write the rep id"),
            (Reason::Corrected { previous, changes }, _) => {
                let list: Vec<String> = changes.iter().map(|c| format!("{}: {} → {}", c.header, show(&c.old, lang), show(&c.new, lang))).collect();
                match lang {
                    Lang::Zh => format!("更正了 {} 中的同一记录（{}）", previous.address(), list.join("；")),
                    Lang::En => format!("replaces the same record at {} ({})", previous.address(), list.join("; ")),
                }
            }
            (Reason::ContractMismatch { installment, kept }, Lang::Zh) => format!("与同一合同第{installment}期的值不一致，按第{installment}期的 {} 计", show(kept, lang)),
            (Reason::ContractMismatch { installment, kept }, Lang::En) => format!("differs from installment {installment} of the same contract; its value {} is used", show(kept, lang)),
            (Reason::PaidWithoutDate, _) => lang.pick("有实际回款金额但没有实际回款日期，按未回款计", "an amount paid without a paid date; counted as unpaid").into(),
            (Reason::DateWithoutPaid, _) => lang.pick("有实际回款日期但没有实际回款金额，按未回款计", "a paid date without an amount paid; counted as unpaid").into(),
            (Reason::IndicatorRequired, _) => lang.pick("目标调整和剔除必须填写指标", "a target adjustment or exclusion must name the indicator").into(),
            (Reason::ValueRequired, _) => lang.pick("目标调整必须填写新的目标数值", "a target adjustment must give the new target value").into(),
            (Reason::TerminatedWithoutEndDate { from: Some(d) }, Lang::Zh) => format!("已终止但没有终止日期，按 {d} 起终止计"),
            (Reason::TerminatedWithoutEndDate { from: Some(d) }, Lang::En) => format!("terminated without an end date; counted as terminated from {d}"),
            (Reason::TerminatedWithoutEndDate { from: None }, _) => lang.pick("已终止但没有终止日期，且文件名和文件夹中没有月份，无法确定终止时间", "terminated without an end date, and the file has no month in its name or folder").into(),
            (Reason::LeaveBeforeHire, _) => lang.pick("离职日期早于入职日期，按未离职计", "leave date before hire date; ignored").into(),
            (Reason::OutOfScale { max }, Lang::Zh) => format!("分值超出该指标的量程 0–{max}，此行未参与计算"),
            (Reason::OutOfScale { max }, Lang::En) => format!("score outside the indicator's scale 0–{max}; the row is left out"),
            (Reason::UnknownIndicator, _) => lang.pick("考核方案中没有这个指标，此评分未使用", "no indicator of the scheme has this name; the score is not used").into(),
        }
    }
}

fn show(v: &str, lang: Lang) -> String {
    if v.is_empty() {
        lang.pick("(空)", "(empty)").to_string()
    } else {
        v.to_string()
    }
}

/// One data issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataIssue {
    pub level: Level,
    pub kind: Kind,
    pub pos: Position,
    /// The column's header as written in the sheet (empty for a whole row).
    pub header: String,
    /// The cell's value as the user sees it.
    pub raw: String,
    pub reason: Reason,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let p = Position {
            file: "2026-03/客户台账.xlsx".into(),
            sheet: "客户".into(),
            row: 57,
            col: Some(4),
        };
        assert_eq!(p.address(), "2026-03/客户台账.xlsx!客户!E57");
        let p = Position { col: None, ..p };
        assert_eq!(p.address(), "2026-03/客户台账.xlsx!客户!57");
    }

    #[test]
    fn messages_in_plain_words() {
        let r = Reason::Corrected {
            previous: Position {
                file: "a.xlsx".into(),
                sheet: "回款".into(),
                row: 5,
                col: None,
            },
            changes: vec![Change {
                header: "合同金额".into(),
                old: "1000.00".into(),
                new: "1200.00".into(),
            }],
        };
        assert_eq!(
            r.message(Lang::Zh),
            "更正了 a.xlsx!回款!5 中的同一记录（合同金额: 1000.00 → 1200.00）"
        );
        assert_eq!(
            Reason::Bad(Bad::NotADate).category(Lang::Zh),
            "不是可识别的日期"
        );
    }
}

//! Blank ledger templates (`kaohe templates DIR`): one workbook per ledger
//! kind, built from the column catalogue so the headers are exactly what the
//! reader recognises.
//!
//! Layout of every template sheet:
//! - row 1: the kind's name as a merged title;
//! - row 2: a short instruction line (which rows to fill, formats, colours);
//! - row 3: the header row, one cell per catalogue column, required columns
//!   in a different fill colour, each header cell carrying a note that
//!   explains the column;
//! - rows 4 and below: empty, with column number formats and drop-down lists.
//!
//! Rows 1–2 sit above the header row, so the reader ignores them (SPEC 3.1).
//! No example data row is written: any data row would be read as a real
//! record, so examples live in the header notes instead.
//!
//! Drop-down lists use the *warning* error style: typing a word outside the
//! list asks "continue?" instead of refusing it, because the reader accepts
//! common synonyms (`上门` for `拜访`) and treats an unknown word as a
//! warning-level data issue, not an error. The alert level mirrors that.

use std::path::{Path, PathBuf};

use anyhow::Context;
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, Format, FormatAlign,
    FormatBorder, Note, Workbook, Worksheet,
};

use crate::input::columns::{ColType, ColumnDef, Kind};
use crate::input::parse::words;
use crate::output::xlsx::{display_width, fit_width, new_workbook};
use crate::store::fs::save_atomic;
use crate::Lang;

/// Zero-based row of the merged title.
pub const TITLE_ROW: u32 = 0;
/// Zero-based row of the instruction line.
pub const INSTRUCTION_ROW: u32 = 1;
/// Zero-based row of the header row (Excel row 3).
pub const HEADER_ROW: u32 = 2;
/// First zero-based data row (Excel row 4).
pub const FIRST_DATA_ROW: u32 = 3;
/// Last zero-based data row covered by the drop-down lists (Excel row 10003).
pub const LAST_DATA_ROW: u32 = FIRST_DATA_ROW + 9_999;

/// Header fill of required columns (light orange).
const REQUIRED_FILL: u32 = 0xF8CBAD;
/// Header fill of optional columns (light blue).
const OPTIONAL_FILL: u32 = 0xDDEBF7;
/// Height of the header row in points (room for two lines).
const HEADER_HEIGHT: f64 = 32.0;
/// Narrowest table, summed over its column widths.
const MIN_TABLE_WIDTH: f64 = 56.0;
/// Widest column the templates use, in Excel character units.
const MAX_WIDTH: f64 = 40.0;

/// Write one blank template workbook per ledger kind into `dir` (created if
/// needed) and return the written paths, sorted.
pub fn write_templates(dir: &Path, lang: Lang) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating folder {}", dir.display()))?;
    let mut paths = Vec::with_capacity(Kind::ALL.len());
    for kind in Kind::ALL {
        let path = dir.join(file_name(kind, lang));
        let mut wb = template_workbook(kind, lang)
            .with_context(|| format!("building template {}", path.display()))?;
        save_atomic(&mut wb, &path)?;
        paths.push(path);
    }
    paths.sort();
    Ok(paths)
}

/// The scheme presets (workbook-templates/schemes/), shipped in the binary
/// so that an installed kaohe can write them: (file name, text).
pub const PRESETS: [(&str, &str); 5] = [
    (
        "商务专员-B2B.toml",
        include_str!("../workbook-templates/schemes/商务专员-B2B.toml"),
    ),
    (
        "商务专员-B2C.toml",
        include_str!("../workbook-templates/schemes/商务专员-B2C.toml"),
    ),
    (
        "招商专员.toml",
        include_str!("../workbook-templates/schemes/招商专员.toml"),
    ),
    (
        "客户经理.toml",
        include_str!("../workbook-templates/schemes/客户经理.toml"),
    ),
    (
        "商务总监.toml",
        include_str!("../workbook-templates/schemes/商务总监.toml"),
    ),
];

/// The sample company's scheme (samples/考核方案.toml), written beside demo
/// ledgers so that `kaohe demo-data X && kaohe run X` works.
pub const SAMPLE_SCHEME: &str = include_str!("../samples/考核方案.toml");

/// Write the scheme presets into `dir/schemes/` and return their paths.
pub fn write_presets(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let schemes = dir.join("schemes");
    let mut out = Vec::new();
    for (name, text) in PRESETS {
        let path = schemes.join(name);
        crate::store::fs::write_atomic(&path, text.as_bytes())?;
        out.push(path);
    }
    Ok(out)
}

/// File name of a kind's template: `客户台账.xlsx`, `Customers.xlsx`.
pub fn file_name(kind: Kind, lang: Lang) -> String {
    format!("{}.xlsx", kind.name(lang))
}

/// The words a drop-down list offers for a column, in `lang`; empty for
/// columns without a list.
pub fn list_words(ty: ColType, lang: Lang) -> Vec<&'static str> {
    match ty {
        ColType::Word(list) => words::list(list)
            .iter()
            .map(|w| lang.pick(w.zh, w.en))
            .collect(),
        ColType::Bool => match lang {
            Lang::Zh => vec!["是", "否"],
            // SPEC 2.5 lists Y/N among the accepted yes/no spellings.
            Lang::En => vec!["Y", "N"],
        },
        _ => Vec::new(),
    }
}

/// Build the template workbook of one kind (not yet saved).
pub fn template_workbook(kind: Kind, lang: Lang) -> anyhow::Result<Workbook> {
    let mut wb = new_workbook();
    let ws = wb.add_worksheet();
    ws.set_name(kind.name(lang))?;
    fill_sheet(ws, kind, lang)?;
    Ok(wb)
}

fn fill_sheet(ws: &mut Worksheet, kind: Kind, lang: Lang) -> anyhow::Result<()> {
    let cols = kind.columns();
    anyhow::ensure!(!cols.is_empty(), "kind {kind:?} has no columns");
    let last_col = (cols.len() - 1) as u16;

    // Column widths and data formats.
    let mut widths: Vec<f64> = cols.iter().map(|c| column_width(c, lang)).collect();
    // A very narrow table (the calendar) is widened so the instruction line
    // does not wrap into a tall block.
    let natural: f64 = widths.iter().sum();
    if natural < MIN_TABLE_WIDTH {
        let extra = ((MIN_TABLE_WIDTH - natural) / widths.len() as f64).ceil();
        widths.iter_mut().for_each(|w| *w += extra);
    }
    for (i, (c, w)) in cols.iter().zip(&widths).enumerate() {
        let i = i as u16;
        ws.set_column_width(i, *w)?;
        ws.set_column_format(i, &data_format(c.ty))?;
    }

    // Row 1: title.
    let title_format = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    write_across(ws, TITLE_ROW, last_col, kind.name(lang), &title_format)?;
    ws.set_row_height(TITLE_ROW, 30)?;

    // Row 2: instructions.
    let text = instruction(kind, lang);
    let instruction_format = Format::new()
        .set_font_size(10)
        .set_font_color(Color::RGB(0x404040))
        .set_text_wrap()
        .set_align(FormatAlign::Left)
        .set_align(FormatAlign::VerticalCenter);
    write_across(ws, INSTRUCTION_ROW, last_col, &text, &instruction_format)?;
    let total_width: f64 = widths.iter().sum();
    ws.set_row_height(INSTRUCTION_ROW, wrapped_height(&text, total_width))?;

    // Row 3: headers with notes.
    let header_format = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let required_format = header_format
        .clone()
        .set_background_color(Color::RGB(REQUIRED_FILL));
    let optional_format = header_format.set_background_color(Color::RGB(OPTIONAL_FILL));
    for (i, c) in cols.iter().enumerate() {
        let i = i as u16;
        let format = if c.required {
            &required_format
        } else {
            &optional_format
        };
        ws.write_string_with_format(HEADER_ROW, i, c.header(lang), format)?;
        let text = column_note(kind, c, lang);
        let note = Note::new(text.as_str())
            .set_author("kaohe")
            .add_author_prefix(false)
            .set_width(340)
            .set_height(note_height(&text));
        ws.insert_note(HEADER_ROW, i, &note)?;
        if let Some(dv) = validation(c, lang)? {
            ws.add_data_validation(FIRST_DATA_ROW, i, LAST_DATA_ROW, i, &dv)?;
        }
    }
    ws.set_row_height(HEADER_ROW, HEADER_HEIGHT)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, 0)?;

    // Printing: A4 landscape, one page wide, title rows repeated.
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(TITLE_ROW, HEADER_ROW)?;
    Ok(())
}

/// Write `text` across columns `0..=last_col` of `row` (merged when wider
/// than one column).
fn write_across(
    ws: &mut Worksheet,
    row: u32,
    last_col: u16,
    text: &str,
    format: &Format,
) -> anyhow::Result<()> {
    if last_col == 0 {
        ws.write_string_with_format(row, 0, text, format)?;
    } else {
        ws.merge_range(row, 0, row, last_col, text, format)?;
    }
    Ok(())
}

/// Row height (points) for a wrapped 10 pt text in a cell `width` character
/// units wide.
fn wrapped_height(text: &str, width: f64) -> f64 {
    // Leave some slack: CJK glyph widths differ between Excel, WPS and LibreOffice.
    let per_line = (width * 0.9).max(1.0);
    let lines: f64 = text
        .lines()
        .map(|l| (display_width(l) as f64 / per_line).ceil().max(1.0))
        .sum();
    lines * 14.0 + 6.0
}

/// Note height (pixels) for a text in a 340 px wide note.
fn note_height(text: &str) -> u32 {
    // About 50 narrow characters per line at the default note font.
    let lines: usize = text
        .lines()
        .map(|l| display_width(l).div_ceil(50).max(1))
        .sum();
    (lines as u32) * 15 + 14
}

/// Column width fitting the header and the kind of value the column holds.
fn column_width(c: &ColumnDef, lang: Lang) -> f64 {
    let min = match c.ty {
        ColType::Date => 12.0,
        ColType::DateTime => 17.0,
        ColType::Money => 14.0,
        ColType::Id | ColType::Period => 11.0,
        ColType::Number | ColType::Installment | ColType::Bool => 8.0,
        ColType::Word(_) => {
            // The widest word plus room for the drop-down arrow.
            let words = list_words(c.ty, lang);
            fit_width(words.iter().copied(), 8.0, MAX_WIDTH) + 2.0
        }
        ColType::Text => match c.key {
            "notes" => 36.0,
            "reason" => 30.0,
            "customer_name" => 26.0,
            "email" => 24.0,
            "indicator" => 16.0,
            _ => 12.0,
        },
    };
    fit_width([c.header(lang)], min, MAX_WIDTH)
}

/// Number format of a column's data cells.
fn data_format(ty: ColType) -> Format {
    let num_format = match ty {
        ColType::Date => "yyyy-mm-dd",
        ColType::DateTime => "yyyy-mm-dd hh:mm",
        ColType::Money => "#,##0.00",
        // Text, so `001` keeps its zeros and `2026-10` does not become a date.
        ColType::Text | ColType::Id | ColType::Period | ColType::Word(_) | ColType::Bool => "@",
        ColType::Number | ColType::Installment => return Format::new(),
    };
    Format::new().set_num_format(num_format)
}

/// Data validation of a column's data cells, if any.
fn validation(c: &ColumnDef, lang: Lang) -> anyhow::Result<Option<DataValidation>> {
    let header = c.header(lang);
    let dv = match c.ty {
        ColType::Word(_) | ColType::Bool => {
            let words = list_words(c.ty, lang);
            let sep = lang.pick("、", ", ");
            let message = match lang {
                Lang::Zh => format!(
                    "「{header}」一般从下拉列表选择：{}。\n其他常见写法也能识别；无法识别的词按空白处理，并在检查结果中提示。\n选「是」保留输入。",
                    words.join(sep)
                ),
                Lang::En => format!(
                    "\"{header}\" is usually one of: {}.\nCommon synonyms are understood too; an unknown word is read as empty and reported by the check.\nChoose \"Yes\" to keep your entry.",
                    words.join(sep)
                ),
            };
            DataValidation::new()
                .allow_list_strings(&words)?
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title(lang.pick("不在列表中", "Not in the list"))?
                .set_error_message(message)?
        }
        ColType::Installment => {
            let message = match lang {
                Lang::Zh => format!("「{header}」应为从 1 开始的整数（第几期）。选「是」保留输入。"),
                Lang::En => format!(
                    "\"{header}\" should be a whole number from 1 (which installment). Choose \"Yes\" to keep your entry."
                ),
            };
            DataValidation::new()
                .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(1))
                .set_error_style(DataValidationErrorStyle::Warning)
                .set_error_title(lang.pick("期次应为整数", "Whole number expected"))?
                .set_error_message(message)?
        }
        _ => return Ok(None),
    };
    Ok(Some(dv))
}

// ---------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------

/// Replace `{key}` with the header of this kind's column `key` and
/// `{kind:KEY}` with the name of another ledger kind, so the texts never
/// repeat a header by hand.
fn expand(text: &str, kind: Kind, lang: Lang) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}').expect("placeholder is closed");
        let name = &after[..end];
        let value = match name.strip_prefix("kind:") {
            Some(k) => Kind::from_key(k)
                .expect("known kind in placeholder")
                .name(lang),
            None => kind
                .column(name)
                .expect("known column in placeholder")
                .header(lang),
        };
        out.push_str(value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The instruction line above the header row.
pub fn instruction(kind: Kind, lang: Lang) -> String {
    let has = |pred: fn(ColType) -> bool| kind.columns().iter().any(|c| pred(c.ty));
    let has_date = has(|t| matches!(t, ColType::Date | ColType::DateTime));
    let has_money = has(|t| matches!(t, ColType::Money));
    let has_period = has(|t| matches!(t, ColType::Period));
    let has_list = has(|t| matches!(t, ColType::Word(_) | ColType::Bool));

    let mut parts: Vec<&str> = Vec::new();
    parts.push(match (kind, lang) {
        (Kind::Roster, Lang::Zh) => "一行一名员工。",
        (Kind::Roster, Lang::En) => "One row per rep.",
        (Kind::Targets, Lang::Zh) => "一行为一人一个期间的目标；季度或年度不单独填写时，按其各月目标相加。",
        (Kind::Targets, Lang::En) => "One row per rep and period; a quarter or year without its own row uses the sum of its months.",
        (Kind::Customers, Lang::Zh) => "一行一个客户。每月导出的客户台账是当月的快照：放在以月份命名的文件夹（如 2026-03/）中，或在文件名中写明月份。",
        (Kind::Customers, Lang::En) => "One row per customer. Each monthly export is a snapshot of that month: put it in a folder named after the month (e.g. 2026-03/) or name the month in the file name.",
        (Kind::Followups, Lang::Zh) => "一行一次跟进。",
        (Kind::Followups, Lang::En) => "One row per contact with a customer.",
        (Kind::Payments, Lang::Zh) => "一行为一个合同的一期回款（合同 × {installment}）；{customer_id}、{rep}、{sign_date}、{contract_amount}等合同级信息在该合同的每一行都重复填写。",
        (Kind::Payments, Lang::En) => "One row per contract installment (contract × {installment}); contract-level fields ({customer_id}, {rep}, {sign_date}, {contract_amount} …) repeat on every row of the contract.",
        (Kind::Scores, Lang::Zh) => "一行一条评分；多人为同一指标评分时每人一行。",
        (Kind::Scores, Lang::En) => "One row per rating; when several people rate the same indicator, one row each.",
        (Kind::Adjustments, Lang::Zh) => "一行一项调整；「{reason}」必填，没有说明的调整不予采用。",
        (Kind::Adjustments, Lang::En) => "One row per adjustment; \"{reason}\" is required: an adjustment without a reason is rejected.",
        (Kind::Calendar, Lang::Zh) => "只填与国家法定节假日安排不同的日子（公司额外放假、调休上班）；未填写的日期按内置的节假日日历。",
        (Kind::Calendar, Lang::En) => "List only the days that differ from the official holiday calendar (extra company days off, weekend workdays); other days keep the built-in calendar.",
    });
    parts.push(lang.pick(
        "橙色表头为必填列，蓝色为选填列；鼠标移到表头可看填写说明。",
        "Orange headers are required columns, blue ones optional; hover over a header for help.",
    ));
    // How to write values: one clause per kind of value the sheet holds.
    let mut how: Vec<&str> = Vec::new();
    if has_date {
        how.push(lang.pick("日期写成 2026-03-05", "dates as 2026-03-05"));
    }
    if has_period {
        how.push(lang.pick(
            "期间写成 2026-10、2026-Q4 或 2026",
            "periods as 2026-10, 2026-Q4 or 2026",
        ));
    }
    if has_money {
        how.push(lang.pick("金额可写 1,200.50 或 1.2万", "money as 1,200.50 or 1.2万"));
    }
    if has_list {
        how.push(lang.pick(
            "带下拉箭头的列从列表中选择",
            "pick words from the drop-down lists",
        ));
    }
    let how = match lang {
        Lang::Zh => how.iter().map(|c| format!("{c}；")).collect::<String>(),
        Lang::En if how.is_empty() => String::new(),
        Lang::En => format!("Write {}.", how.join("; ")),
    };
    parts.push(&how);
    parts.push(match (has_money, lang) {
        (false, Lang::Zh) => "从第 4 行起一行一条记录，不要合并数据单元格，不要修改表头文字。",
        (true, Lang::Zh) => "从第 4 行起一行一条记录，不要合并数据单元格；表头文字除金额单位（见批注）外不要修改。",
        (false, Lang::En) => "From row 4 on, one record per row; do not merge data cells or change the header texts.",
        (true, Lang::En) => "From row 4 on, one record per row; do not merge data cells or change the header texts (except a money unit, see the notes).",
    });
    let joined = match lang {
        Lang::Zh => parts.concat(),
        Lang::En => parts
            .iter()
            .filter(|p| !p.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" "),
    };
    expand(&joined, kind, lang)
}

/// The note on a header cell: required or not, type and format, meaning,
/// allowed words and an example.
pub fn column_note(kind: Kind, c: &ColumnDef, lang: Lang) -> String {
    let help = help(kind, c.key);
    let mut lines = Vec::new();
    let flag = match (c.required, lang) {
        (true, Lang::Zh) => "必填",
        (false, Lang::Zh) => "选填",
        (true, Lang::En) => "required",
        (false, Lang::En) => "optional",
    };
    lines.push(match lang {
        Lang::Zh => format!("{}（{flag}）", c.header(lang)),
        Lang::En => format!("{} ({flag})", c.header(lang)),
    });
    lines.push(format!(
        "{}{}",
        lang.pick("类型：", "Type: "),
        type_text(c, lang)
    ));
    lines.push(lang.pick(help.zh, help.en).to_string());
    let words = list_words(c.ty, lang);
    if !words.is_empty() {
        lines.push(match lang {
            Lang::Zh => format!("可选：{}（常见同义写法也能识别）", words.join("、")),
            Lang::En => format!(
                "Allowed: {} (common synonyms are understood too)",
                words.join(", ")
            ),
        });
    }
    if kind == Kind::Payments && CONTRACT_LEVEL.contains(&c.key) {
        lines.push(
            lang.pick(
                "合同级字段：该合同的每一行填相同的值；不一致时以第 1 期为准。",
                "Contract-level field: repeat the same value on every row of the contract; if rows disagree, installment 1 wins.",
            )
            .to_string(),
        );
    }
    let example = lang.pick(help.ex_zh, help.ex_en);
    if !example.is_empty() {
        lines.push(format!("{}{example}", lang.pick("例：", "Example: ")));
    }
    expand(&lines.join("\n"), kind, lang)
}

/// Payment columns that describe the contract, not the installment (SPEC 2.5).
const CONTRACT_LEVEL: &[&str] = &[
    "customer_id",
    "rep",
    "sign_date",
    "contract_amount",
    "contract_type",
    "submitted_date",
    "approved_date",
    "gross_profit",
    "area",
    "key_project",
    "deal_type",
    "contract_end",
];

/// How to write a value of the column's type.
fn type_text(c: &ColumnDef, lang: Lang) -> String {
    let s = match (c.ty, lang) {
        (ColType::Text, Lang::Zh) => "文本",
        (ColType::Text, Lang::En) => "text",
        (ColType::Id, Lang::Zh) => "编号（按文本保存，前导 0 会保留）",
        (ColType::Id, Lang::En) => "ID (kept as text, leading zeros stay)",
        (ColType::Date, Lang::Zh) => "日期，写成 2026-03-05（也认 2026/3/5、2026年3月5日、20260305）",
        (ColType::Date, Lang::En) => "date, written 2026-03-05 (2026/3/5 and 20260305 are read too)",
        (ColType::DateTime, Lang::Zh) => "日期或日期时间，写成 2026-03-05 或 2026-03-05 09:30",
        (ColType::DateTime, Lang::En) => "date or date-time, written 2026-03-05 or 2026-03-05 09:30",
        (ColType::Money, Lang::Zh) => "金额（元），可写 1200.5、1,200.50、¥1,200、1.2万；整列按万元填写时，把表头改成「{key}(万元)」",
        (ColType::Money, Lang::En) => "money in yuan: 1200.5, 1,200.50, ¥1,200 or 1.2万; for a whole column in units of 10,000 yuan, rename the header to \"{key}(万元)\"",
        (ColType::Number, Lang::Zh) => "数字",
        (ColType::Number, Lang::En) => "number",
        (ColType::Installment, Lang::Zh) => "从 1 开始的整数，留空按 1",
        (ColType::Installment, Lang::En) => "whole number from 1; blank means 1",
        (ColType::Period, Lang::Zh) => "期间：月 2026-10、季度 2026-Q4、年 2026（也认 2026年10月、2026年第4季度、2026年）",
        (ColType::Period, Lang::En) => "period: month 2026-10, quarter 2026-Q4 or year 2026",
        (ColType::Bool, Lang::Zh) => "是/否（也认 Y/N、true/false）",
        (ColType::Bool, Lang::En) => "yes/no: Y/N (是/否 and true/false are read too)",
        (ColType::Word(_), Lang::Zh) => "从下拉列表选择",
        (ColType::Word(_), Lang::En) => "a word from the drop-down list",
    };
    // `{key}` stands for the column's own header.
    s.replace("{key}", c.header(lang))
}

/// Meaning and example of one column.
struct Help {
    zh: &'static str,
    en: &'static str,
    ex_zh: &'static str,
    ex_en: &'static str,
}

const fn h(zh: &'static str, en: &'static str, ex_zh: &'static str, ex_en: &'static str) -> Help {
    Help {
        zh,
        en,
        ex_zh,
        ex_en,
    }
}

/// The meaning of a column (SPEC 2), in both languages, with an example.
/// Placeholders as in [`expand`].
fn help(kind: Kind, key: &str) -> Help {
    use Kind::*;
    const REP: Help = h(
        "填{kind:roster}中的工号或姓名（用姓名时须在{kind:roster}中唯一）。",
        "Rep ID or name from the {kind:roster} (a name must be unique there).",
        "A001 或 张三",
        "A001 or Zhang San",
    );
    match (kind, key) {
        (Roster, "rep_id") => h(
            "员工唯一编号；其他台账用它对应到人。",
            "Unique employee number; the other ledgers refer to the rep by it.",
            "A001",
            "A001",
        ),
        (Roster, "name") => h(
            "姓名；其他台账也可用姓名代替工号，此时姓名须唯一。",
            "Full name; other ledgers may use it instead of the Rep ID if it is unique.",
            "张三",
            "Zhang San",
        ),
        (Roster, "team") => h("所属团队或部门，用于汇总分组。", "Team or department, used to group the summary.", "华东一组", "East 1"),
        (Roster, "role") => h(
            "岗位，对应考核方案中的岗位配置（如 商务专员、销售、招商）。",
            "Role, mapped to a profile of the assessment scheme.",
            "商务专员",
            "Account manager",
        ),
        (Roster, "hire_date") => h(
            "入职日期；入职头 3 个月按新入职权重考核。",
            "Hire date; the first 3 months use the probation weights.",
            "2025-09-01",
            "2025-09-01",
        ),
        (Roster, "email") => h("邮箱，用于发送本人的考核表。", "Email address the rep's own workbook is sent to.", "zhangsan@example.com", "zhang.san@example.com"),
        (Roster, "supervisor") => h("直属领导的姓名或工号。", "Direct supervisor (name or Rep ID).", "李四", "Li Si"),
        (Roster, "bonus_base") => h(
            "绩效奖金基数；奖金 = 基数 × 考核等级系数。留空则不计算奖金。",
            "Performance bonus base; bonus = base × grade coefficient. Blank: no bonus amount.",
            "5,000.00",
            "5,000.00",
        ),
        (Roster, "leave_date") => h(
            "离职日期；开始于该日期之后的考核期不再考核此人。",
            "Leave date; periods starting after it are not assessed.",
            "2026-06-30",
            "2026-06-30",
        ),
        (Roster, "file_password") => h(
            "本人考核表附件的打开密码（kaohe mail --encrypt 时使用，不写入任何输出）；每人不同。",
            "Open password of the rep's workbook attachment (kaohe mail --encrypt; never written to any output); one per rep.",
            "Zq-7731",
            "Zq-7731",
        ),
        (Roster, "id_number") => h(
            "身份证号；方案的 [mail] password 可取其后几位作为附件密码（不写入任何输出）。",
            "ID number; the scheme's [mail] password may take its last characters as the attachment password (never written to any output).",
            "110101199001011234",
            "110101199001011234",
        ),

        (_, "rep_id") => h("{kind:roster}中的工号。", "Rep ID from the {kind:roster}.", "A001", "A001"),
        (Targets, "period") => h(
            "目标所属期间。",
            "Period the targets are for.",
            "2026-10",
            "2026-10",
        ),
        (Targets, "sales_target") => h("该期间的销售额目标。", "Sales target of the period.", "500,000 或 50万", "500,000 or 50万"),
        (Targets, "new_customer_target") => h("该期间新开发客户数的目标。", "Target number of new customers in the period.", "5", "5"),
        (Targets, "followup_target") => h("该期间跟进次数的目标。", "Target number of follow-ups in the period.", "80", "80"),
        (Targets, "area_target") => h(
            "签约面积目标（招商岗位），单位与{kind:payments}的签约面积一致。",
            "Signed area target (leasing roles), in the same unit as the area in {kind:payments}.",
            "1200",
            "1200",
        ),

        (Customers, "customer_id") => h(
            "客户唯一编号；{kind:followups}和{kind:payments}用它对应客户。",
            "Unique customer number; {kind:followups} and {kind:payments} refer to the customer by it.",
            "C0002",
            "C0002",
        ),
        (Customers, "customer_name") => h("客户名称。", "Customer name.", "上海某某科技有限公司", "Acme Trading Ltd."),
        (Customers, "owner") => h(
            "负责该客户的商务专员：填工号或姓名（姓名须在{kind:roster}中唯一）。",
            "Rep in charge of the customer: Rep ID or name (a name must be unique in the {kind:roster}).",
            "A001 或 张三",
            "A001 or Zhang San",
        ),
        (Customers, "lead_time") => h(
            "客户（线索）创建时间，用于新线索及时跟进和成交周期。",
            "When the customer (lead) was created; used for first follow-up and sales cycle.",
            "2026-03-05 09:30",
            "2026-03-05 09:30",
        ),
        (Customers, "tier") => h("客户层级。", "Customer tier.", "高端 / 中端 / 普通，或 A / B / C", "A / B / C"),
        (Customers, "channel") => h("获客渠道。", "Sales channel.", "线上 / 线下", "online / offline"),
        (Customers, "source") => h(
            "客户来源；填「转介绍」表示由老客户介绍。",
            "Where the customer came from; \"referral\" marks a referred customer.",
            "转介绍",
            "referral",
        ),
        (Customers, "referrer") => h(
            "介绍人的客户编号（转介绍客户填写）。",
            "Customer ID of the referring customer (referred customers).",
            "C0001",
            "C0001",
        ),
        (Customers, "status") => h(
            "合作状态；已终止的客户请同时填写{end_date}。",
            "Cooperation status; for a terminated customer also fill {end_date}.",
            "合作中",
            "Active",
        ),
        (Customers, "end_date") => h(
            "终止合作的日期（已终止客户填写）；不填时从首次显示已终止的那个月的 1 日算起。",
            "Date the cooperation ended (terminated customers); blank: the first day of the month of the first snapshot showing it terminated.",
            "2026-08-31",
            "2026-08-31",
        ),

        (Followups, "time") => h("跟进发生的时间。", "When the contact took place.", "2026-03-06 14:00", "2026-03-06 14:00"),
        (Followups, "rep") => REP,
        (Followups, "customer_id") => h(
            "被跟进客户的客户编号，应在{kind:customers}中存在。",
            "Customer ID of the customer contacted; it should exist in {kind:customers}.",
            "C0002",
            "C0002",
        ),
        (Followups, "method") => h("跟进方式。", "How the customer was contacted.", "拜访", "Visit"),
        (Followups, "stage") => h("跟进后客户所处的阶段。", "The customer's stage after the contact.", "意向", "Intent"),
        (Followups, "notes") => h("跟进内容摘要。", "Summary of the contact.", "介绍方案，客户要求下周报价", "Presented the proposal; quote due next week"),
        (Followups, "next_time") => h("计划的下次跟进日期。", "Planned date of the next contact.", "2026-03-13", "2026-03-13"),

        (Payments, "contract_id") => h(
            "合同编号；同一合同的每一期各占一行，编号相同。",
            "Contract number; each installment of a contract is one row with the same number.",
            "HT-2026-001",
            "HT-2026-001",
        ),
        (Payments, "installment") => h("第几期回款。", "Which installment of the contract.", "1", "1"),
        (Payments, "customer_id") => h("签约客户的客户编号。", "Customer ID of the contract's customer.", "C0002", "C0002"),
        (Payments, "rep") => REP,
        (Payments, "sign_date") => h("合同签约日期。", "Date the contract was signed.", "2026-03-20", "2026-03-20"),
        (Payments, "contract_amount") => h(
            "合同总金额（不是本期金额）。",
            "Total contract amount (not this installment's).",
            "120,000.00",
            "120,000.00",
        ),
        (Payments, "contract_type") => h(
            "合同类型：特殊（定制）合同的审批时限更长。",
            "Contract type: special (custom) contracts have a longer approval limit.",
            "常规",
            "Regular",
        ),
        (Payments, "submitted_date") => h("合同提交审批的日期。", "Date the contract was submitted for approval.", "2026-03-16", "2026-03-16"),
        (Payments, "approved_date") => h("合同审批完成的日期。", "Date the approval was completed.", "2026-03-18", "2026-03-18"),
        (Payments, "payment_kind") => h(
            "本期款项类型；留空时第 1 期按首付、其余各期按尾款。",
            "Kind of this installment; blank: installment 1 is first, the others final.",
            "首付",
            "First",
        ),
        (Payments, "amount_due") => h("本期应回款金额。", "Amount due for this installment.", "36,000.00", "36,000.00"),
        (Payments, "due_date") => h("本期应回款日期（到期日）。", "Due date of this installment.", "2026-04-20", "2026-04-20"),
        (Payments, "amount_paid") => h(
            "本期实际回款金额；留空表示尚未回款。",
            "Amount actually received for this installment; blank means unpaid.",
            "36,000.00",
            "36,000.00",
        ),
        (Payments, "paid_date") => h(
            "实际回款日期；填了{amount_paid}（大于 0）时必须填写。",
            "Date the money was received; required when {amount_paid} is above 0.",
            "2026-04-18",
            "2026-04-18",
        ),
        (Payments, "gross_profit") => h("合同毛利。", "Gross profit of the contract.", "30,000.00", "30,000.00"),
        (Payments, "area") => h("签约面积（招商岗位）。", "Signed area (leasing roles).", "350", "350"),
        (Payments, "key_project") => h("是否重点项目。", "Whether the contract is a key project.", "是", "Y"),
        (Payments, "deal_type") => h(
            "新签或续签；留空时按该客户此前是否签过合同判断（用于新签/续签合同额）。",
            "New deal or renewal; blank: a renewal when the customer signed a contract before (new / renewal sales).",
            "续签",
            "Renewal",
        ),
        (Payments, "contract_end") => h(
            "合同到期日（有固定期限的合同；用于续约率）。",
            "End date of a fixed-term contract (renewal rate).",
            "2027-03-19",
            "2027-03-19",
        ),

        (Scores | Adjustments, "period") => h(
            "所属期间（月、季度或年）。",
            "Period the row belongs to (month, quarter or year).",
            "2026-10",
            "2026-10",
        ),
        (Scores, "indicator") => h(
            "指标代码，或考核方案中的指标中文名称。",
            "Indicator code, or its Chinese name in the scheme.",
            "协作响应速度",
            "satisfaction",
        ),
        (Scores, "rater") => h("评分人与被评人的关系（360° 评分）。", "Who gave the rating (360° rating).", "上级", "Supervisor"),
        (Scores, "score") => h(
            "分值，须在该指标的分值范围内（如 5 分制、10 分制或百分制）。",
            "Score within the indicator's scale (5, 10 or 100).",
            "4.5",
            "4.5",
        ),

        (Adjustments, "kind") => h(
            "目标调整：改目标；剔除：该指标不参与考核；加分 / 扣分：在总分上加减；一票否决：总分记 0。",
            "Target: change a target; Exclude: drop the indicator; Bonus / Deduction: points added to or taken from the total; Veto: total 0.",
            "剔除",
            "Exclude",
        ),
        (Adjustments, "indicator") => h(
            "涉及的指标（代码或中文名称）；目标调整和剔除时必填。",
            "Indicator concerned (code or Chinese name); required for Target and Exclude.",
            "回款率",
            "collection_rate",
        ),
        (Adjustments, "value") => h(
            "目标调整填新目标；加分、扣分填分数（正数）。",
            "New target for Target; points (positive) for Bonus and Deduction.",
            "3",
            "3",
        ),
        (Adjustments, "reason") => h(
            "调整原因（必填），例如政策变化、断供等非个人因素。",
            "Reason for the adjustment (required), e.g. a policy change or a supply stop.",
            "3 月供应商断供，剔除回款率",
            "Supplier stopped deliveries in March; collection rate excluded",
        ),
        (Adjustments, "approver") => h("批准该调整的人。", "Who approved the adjustment.", "王五", "Wang Wu"),

        (Calendar, "date") => h("日期。", "The day.", "2026-12-31", "2026-12-31"),
        (Calendar, "kind") => h(
            "休：工作日放假；班：周末调休上班。",
            "Holiday: a weekday off; Workday: a weekend day worked.",
            "休",
            "Holiday",
        ),

        _ => h("", "", "", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_has_help_and_placeholders_resolve() {
        for kind in Kind::ALL {
            for lang in [Lang::Zh, Lang::En] {
                let text = instruction(kind, lang);
                assert!(!text.contains('{'), "{kind:?} {lang:?}: {text}");
                for c in kind.columns() {
                    let hp = help(kind, c.key);
                    assert!(
                        !hp.zh.is_empty() && !hp.en.is_empty(),
                        "no help for {kind:?}.{}",
                        c.key
                    );
                    let note = column_note(kind, c, lang);
                    assert!(!note.contains('{'), "{note}");
                    assert!(note.starts_with(c.header(lang)));
                }
            }
        }
    }

    #[test]
    fn english_instruction_reads_as_sentences() {
        let text = instruction(Kind::Followups, Lang::En);
        assert!(
            text.contains(
                "Write dates as 2026-03-05; pick words from the drop-down lists. From row 4 on"
            ),
            "{text}"
        );
        assert!(!text.contains("  "), "{text}");
    }

    #[test]
    fn list_words_follow_the_vocabularies() {
        use crate::input::columns::WordList;
        assert_eq!(
            list_words(ColType::Word(WordList::CalendarKind), Lang::Zh),
            ["休", "班"]
        );
        assert_eq!(list_words(ColType::Bool, Lang::Zh), ["是", "否"]);
        assert!(list_words(ColType::Text, Lang::En).is_empty());
    }
}

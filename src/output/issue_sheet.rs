//! The issue list as a sheet (the team summary's 数据问题 and the issue
//! workbook of `kaohe check`), and the issue workbook itself.

use rust_xlsxwriter::{Format, Workbook, Worksheet};

use crate::input::dataset::{Dataset, SheetInfo};
use crate::input::issues::{DataIssue, Level};
use crate::input::validate::SheetStatus;
use crate::output::xlsx::{
    display_width, fit_width, header_format, needs_quote_prefix, new_workbook, print_setup,
    write_text,
};
use crate::Lang;

pub fn skip_reason(status: &SheetStatus, lang: Lang) -> String {
    match (status, lang) {
        (SheetStatus::Empty, _) => lang.pick("空工作表", "empty sheet").into(),
        (SheetStatus::NoMatch { near: None }, _) => lang
            .pick(
                "前 20 行中没有任何台账的表头",
                "no ledger header row in the first 20 rows",
            )
            .into(),
        (
            SheetStatus::NoMatch {
                near: Some((k, missing)),
            },
            Lang::Zh,
        ) => format!(
            "前 20 行中没有完整的台账表头（最接近{}，缺少 {}）",
            k.zh(),
            missing.join("、")
        ),
        (
            SheetStatus::NoMatch {
                near: Some((k, missing)),
            },
            Lang::En,
        ) => format!(
            "no complete ledger header in the first 20 rows (closest: {}, lacking {})",
            k.en(),
            missing.join(", ")
        ),
        (SheetStatus::MissingColumns { kind, missing }, Lang::Zh) => {
            format!("像是{}，但缺少必填列 {}", kind.zh(), missing.join("、"))
        }
        (SheetStatus::MissingColumns { kind, missing }, Lang::En) => format!(
            "looks like {} but lacks required column(s) {}",
            kind.en(),
            missing.join(", ")
        ),
        (SheetStatus::Ambiguous(kinds), _) => {
            let names: Vec<&str> = kinds.iter().map(|k| k.name(lang)).collect();
            format!(
                "{}{}",
                lang.pick(
                    "表头同样符合多种台账，无法判断：",
                    "the header fits several kinds equally: "
                ),
                names.join(" / ")
            )
        }
        (SheetStatus::Recognised { .. }, _) => String::new(),
    }
}

/// Lay out one row per data issue on `ws` (header row first): level,
/// ledger, file, sheet, row, column, header, raw value, reason, address;
/// widths, frozen header, autofilter and print setup. The issue workbook
/// and the team summary share this layout.
pub fn write_issue_sheet(
    ws: &mut Worksheet,
    issues: &[DataIssue],
    lang: Lang,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let head = header_format();
    let plain = Format::new();
    let red = Format::new().set_font_color("#C00000");
    let amber = Format::new().set_font_color("#9C5700");
    let headers = if lang == Lang::Zh {
        [
            "级别",
            "台账",
            "文件",
            "工作表",
            "行",
            "列",
            "列名",
            "原始值",
            "问题说明",
            "位置",
        ]
    } else {
        [
            "Level",
            "Ledger",
            "File",
            "Sheet",
            "Row",
            "Column",
            "Header",
            "Raw value",
            "Reason",
            "Address",
        ]
    };
    // Per column, the widest text shown: the header's and, for speed, only
    // the first 2,000 issues'.
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    for (i, issue) in issues.iter().enumerate() {
        let r = i as u32 + 1;
        let level_fmt = match issue.level {
            Level::Error => &red,
            Level::Warning => &amber,
            Level::Info => &plain,
        };
        let column = issue.pos.column_letter();
        let address = issue.pos.address();
        let reason = issue.reason.message(lang);
        let cells: [&str; 10] = [
            issue.level.label(lang),
            issue.kind.name(lang),
            &issue.pos.file,
            &issue.pos.sheet,
            "",
            &column,
            &issue.header,
            &issue.raw,
            &reason,
            &address,
        ];
        for (c, v) in cells.iter().enumerate() {
            if c == 4 {
                ws.write_number(r, 4, issue.pos.row as f64)?;
                continue;
            }
            if c == 0 || v.is_empty() || needs_quote_prefix(v) {
                write_text(ws, r, c as u16, v, if c == 0 { level_fmt } else { &plain })?;
            } else {
                // The default format: the same cell as with `plain`, without
                // looking the format up.
                ws.write_string(r, c as u16, *v)?;
            }
            if i < 2000 {
                widths[c] = widths[c].max(display_width(v));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        let max = if c == 8 { 80.0 } else { 40.0 };
        ws.set_column_width(c as u16, (*w as f64 + 2.0).clamp(6.0, max))?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws)?;
    ws.autofilter(0, 0, issues.len() as u32, headers.len() as u16 - 1)?;
    Ok(())
}

pub fn issue_workbook(ds: &Dataset, lang: Lang) -> Result<Workbook, rust_xlsxwriter::XlsxError> {
    let mut wb = new_workbook();
    let head = header_format();
    let plain = Format::new();
    let red = Format::new().set_font_color("#C00000");

    // Sheet 1: one row per issue.
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("数据问题", "Data issues"))?;
    write_issue_sheet(ws, &ds.issues, lang)?;

    // Sheet 2: files and sheets, with the row accounting.
    let ws = wb.add_worksheet();
    ws.set_name(lang.pick("文件与工作表", "Files and sheets"))?;
    let headers = if lang == Lang::Zh {
        [
            "文件",
            "月份",
            "工作表",
            "识别为",
            "表头行",
            "数据行",
            "使用",
            "合并重复",
            "被更正替换",
            "空行",
            "合计行",
            "错误未用",
            "说明",
        ]
    } else {
        [
            "File",
            "As of",
            "Sheet",
            "Kind",
            "Header row",
            "Data rows",
            "Used",
            "Merged",
            "Replaced",
            "Empty",
            "Totals",
            "Errors",
            "Note",
        ]
    };
    let mut widths: Vec<Vec<String>> = headers.iter().map(|h| vec![h.to_string()]).collect();
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &head)?;
    }
    let mut r = 1u32;
    for (fi, f) in ds.files.iter().enumerate() {
        let as_of = f.as_of.map(|m| m.to_string()).unwrap_or_default();
        let sheets: Vec<&SheetInfo> = ds.sheets.iter().filter(|s| s.file as usize == fi).collect();
        if let Some(err) = &f.error {
            for (c, v) in [f.rel.to_string(), as_of.clone()].iter().enumerate() {
                write_text(ws, r, c as u16, v, &plain)?;
            }
            write_text(ws, r, 12, f.error_reason(lang).unwrap_or(err), &red)?;
            widths[0].push(f.rel.to_string());
            r += 1;
            continue;
        }
        for sh in sheets {
            let (kind, header_row) = match &sh.status {
                SheetStatus::Recognised { kind, header_row } => {
                    (kind.name(lang).to_string(), Some(*header_row))
                }
                _ => (String::new(), None),
            };
            let mut note = skip_reason(&sh.status, lang);
            if sh.hidden {
                note = format!(
                    "{}{}",
                    lang.pick("隐藏工作表（仍读取）", "hidden sheet (still read)"),
                    if note.is_empty() {
                        String::new()
                    } else {
                        format!("；{note}")
                    }
                );
            }
            for (c, v) in [f.rel.to_string(), as_of.clone(), sh.name.to_string(), kind]
                .iter()
                .enumerate()
            {
                write_text(ws, r, c as u16, v, &plain)?;
                widths[c].push(v.clone());
            }
            if let Some(h) = header_row {
                let st = &sh.stats;
                for (c, v) in [
                    h as u64,
                    st.data_rows,
                    st.used,
                    st.merged,
                    st.replaced,
                    st.empty,
                    st.totals,
                    st.errors,
                ]
                .iter()
                .enumerate()
                {
                    ws.write_number(r, 4 + c as u16, *v as f64)?;
                }
            }
            write_text(ws, r, 12, &note, &plain)?;
            widths[12].push(note);
            r += 1;
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, fit_width(w.iter().map(String::as_str), 6.0, 60.0))?;
    }
    ws.set_freeze_panes(1, 0)?;
    print_setup(ws)?;
    ws.autofilter(0, 0, r.saturating_sub(1).max(1), headers.len() as u16 - 1)?;
    Ok(wb)
}

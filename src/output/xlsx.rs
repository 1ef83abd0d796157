//! Small helpers every workbook writer shares: deterministic document
//! properties, atomic saving, and column widths that fit Chinese text.

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// The zip compression level of the assessment workbooks (1 fastest … 9;
/// rust_xlsxwriter's default is 6). Compressing is about a third of the
/// time to write a small workbook; level 2 takes about half as long as 6 for
/// files about 10 % larger (see docs/performance.md).
pub const ZIP_LEVEL: u8 = 2;

/// [`new_workbook`] for the run's outputs, compressed at [`ZIP_LEVEL`] and
/// saved on the calling thread: a run saves many workbooks at once on
/// rayon's threads, so a thread per worksheet per save only adds thread
/// creations (see docs/performance.md).
pub fn new_output_workbook() -> Workbook {
    let mut wb = new_workbook();
    wb.set_zip_compression_level(ZIP_LEVEL);
    wb.set_worksheet_threads(false);
    wb
}

/// A new workbook whose document properties are fixed, so identical content
/// gives byte-identical files (SPEC 10).
pub fn new_workbook() -> Workbook {
    let mut wb = Workbook::new();
    let when = ExcelDateTime::from_ymd(2026, 1, 1).expect("valid fixed date");
    let props = DocProperties::new()
        .set_author("kaohe")
        .set_creation_datetime(&when);
    wb.set_properties(&props);
    wb
}

/// The header-row format of every table sheet: bold, light blue, thin
/// borders, wrapped.
pub fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_background_color("#DDEBF7")
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter)
}

/// A4 landscape, one page wide, the header row repeated on every page.
pub fn print_setup(ws: &mut Worksheet) -> Result<(), XlsxError> {
    ws.set_paper_size(9)
        .set_landscape()
        .set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(0, 0)?;
    Ok(())
}

/// Display width of a text in Excel column units: a CJK (wide) character
/// counts as two narrow ones, which rust_xlsxwriter's autofit does not do.
pub fn display_width(text: &str) -> usize {
    // Printable ASCII (most ids, numbers and codes): one column a byte.
    if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
        return text.len();
    }
    // Printable ASCII with CJK ideographs and fullwidth forms (names and
    // Chinese labels): two columns a wide character, counted without the
    // general look-up.
    let mut width = 0;
    for ch in text.chars() {
        match ch {
            ' '..='~' => width += 1,
            '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF60}' => width += 2,
            _ => return display_width_general(text),
        }
    }
    width
}

/// [`display_width`] of any text: the widest line, by Unicode's widths.
fn display_width_general(text: &str) -> usize {
    text.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

/// A column width (in Excel character units) that fits the widest of `texts`,
/// with a little padding, clamped to `[min, max]`.
pub fn fit_width<'a>(texts: impl IntoIterator<Item = &'a str>, min: f64, max: f64) -> f64 {
    let w = texts.into_iter().map(display_width).max().unwrap_or(0) as f64 + 2.0;
    w.clamp(min, max)
}

/// Whether a text could be taken for a formula when edited in Excel
/// (`=`, `+`, `-`, `@`, tab, CR/LF or NUL first): such text gets a quote prefix.
pub fn needs_quote_prefix(text: &str) -> bool {
    // All ASCII, so the first byte decides.
    matches!(
        text.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r' | b'\n' | b'\0')
    )
}

/// Write ledger text as text, never as a formula: `write_string` always, and
/// a quote-prefix format (built from `format`) for text that starts like a
/// formula, so even an edit in Excel keeps it text.
pub fn write_text(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &rust_xlsxwriter::Format,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    if needs_quote_prefix(text) {
        ws.write_string_with_format(row, col, text, &format.clone().set_quote_prefix())?;
    } else {
        ws.write_string_with_format(row, col, text, format)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_as_two() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("客户编号"), 8);
        assert_eq!(display_width("Rep ID 工号"), 11);
        assert_eq!(fit_width(["客户编号", "x"], 6.0, 40.0), 10.0);
        assert_eq!(fit_width([], 6.0, 40.0), 6.0);
        for t in ["", "a b~", "a\nlonger", "tab\tx", "x\r\ny", "\u{7f}"] {
            let slow = t
                .lines()
                .map(unicode_width::UnicodeWidthStr::width)
                .max()
                .unwrap_or(0);
            assert_eq!(display_width(t), slow, "{t:?}");
        }
    }

    #[test]
    fn wide_characters_take_the_quick_count() {
        use unicode_width::UnicodeWidthChar;
        for ch in ('\u{4E00}'..='\u{9FFF}').chain('\u{FF01}'..='\u{FF60}') {
            assert_eq!(ch.width(), Some(2), "{ch:?}");
            let t = format!("a{ch}b{ch}{ch} ~");
            assert_eq!(display_width(&t), display_width_general(&t), "{t:?}");
        }
        for t in [
            "张欣兰",
            "S001 张欣兰（试用期）",
            "客户编号：C-001，已签约",
            "新客户、老客户。",
            "a\n张三",
            "\u{3000}x",
            "é张",
            "张\u{FE0F}",
        ] {
            assert_eq!(display_width(t), display_width_general(t), "{t:?}");
        }
    }

    #[test]
    fn saving_without_worksheet_threads_writes_the_same_file() {
        // The vendored rust_xlsxwriter's option (vendor/README.md): the
        // worksheets assembled on the calling thread give the same bytes.
        let build = |threads: bool| {
            let mut wb = new_output_workbook();
            wb.set_worksheet_threads(threads);
            let head = header_format();
            for s in 0..4u16 {
                let ws = wb.add_worksheet();
                ws.set_name(format!("表{s}")).unwrap();
                for r in 0..50u32 {
                    ws.write_string_with_format(r, 0, format!("客户{r}"), &head)
                        .unwrap();
                    ws.write_number(r, 1 + s, f64::from(r) * 1.5).unwrap();
                }
                ws.write_formula(50, 1, "=SUM(B1:B50)").unwrap();
            }
            wb.save_to_buffer().unwrap()
        };
        let on = build(true);
        assert!(on.len() > 1000);
        assert_eq!(build(false), on);
    }

    #[test]
    fn formula_like_text_is_recognised() {
        for t in ["=1", "+86", "-3", "@x", "\tx", "\rx", "\nx", "\0x"] {
            assert!(needs_quote_prefix(t), "{t:?}");
        }
        for t in ["", "x=1", " =1", "客户", "１"] {
            assert!(!needs_quote_prefix(t), "{t:?}");
        }
    }
}

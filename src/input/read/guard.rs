//! Checks made before and after the spreadsheet library reads a file, so
//! that a hostile or broken file costs bounded memory and time and ends as
//! one clear line (SPEC 10).
//!
//! - [`read_capped`]: the file's bytes, never more than the file-size limit
//!   (whatever the file system said its size was).
//! - [`inspect_zip`] (xlsb, ods; xlsx only when its worksheets cannot be
//!   found by the quick pass): every part of a zip workbook is decompressed
//!   through a capped reader and counted, without trusting the sizes the
//!   zip's headers claim. An xlsx is checked from its declared sizes
//!   ([`check_declared_sizes`]), as the zip reader calamine uses stops every
//!   part at its declared size; its streamed worksheets are checked as the
//!   cells arrive, and one read whole is scanned first ([`inspect_part`]). While the parts
//!   stream by, the cell positions of each xlsx worksheet and of each ods
//!   table are scanned: calamine lays a sheet out as one rectangle from its
//!   first to its last non-empty cell, so two cells far apart (`A1` and
//!   `XFD1048576`) would make it allocate billions of cells.
//! - [`check_sheet`]: the rows, cells and cell lengths of a sheet as read
//!   (every format, whichever way its cells arrive).

use std::io::{Cursor, Read};
use std::path::Path;

use calamine::{Data, Range};

use super::limits::{Limit, Limits};
use super::sniff::Format;

/// Excel's grid: 1 048 576 rows × 16 384 columns (A..XFD). No real
/// workbook has a cell outside it.
const EXCEL_ROWS: u64 = 1_048_576;
const EXCEL_COLS: u64 = 16_384;

/// Read a whole file, refusing one larger than the file-size limit.
pub fn read_capped(path: &Path, limits: &Limits) -> std::io::Result<Result<Vec<u8>, String>> {
    let file = std::fs::File::open(path)?;
    let claimed = file.metadata().map(|m| m.len()).unwrap_or(0);
    if claimed > limits.file_bytes {
        return Ok(Err(too_large_file(claimed, limits)));
    }
    let mut bytes = Vec::with_capacity(claimed as usize);
    // One byte more than allowed tells a file that grew while being read.
    file.take(limits.file_bytes + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.file_bytes {
        return Ok(Err(too_large_file(bytes.len() as u64, limits)));
    }
    Ok(Ok(bytes))
}

fn too_large_file(size: u64, limits: &Limits) -> String {
    let hint = Limit::FileMb.raise_hint(limits, size.div_ceil(1024 * 1024));
    format!(
        "文件过大（{:.1} MB，上限 {} MB），如确需读取请用 {} / the file is too large ({:.1} MB, limit {} MB); to read it anyway use {}",
        size as f64 / 1048576.0,
        Limit::FileMb.get(limits),
        hint,
        size as f64 / 1048576.0,
        Limit::FileMb.get(limits),
        hint,
    )
}

/// Decompress every part of a zip workbook through capped reads; refuse it
/// when the parts together exceed the unpacked-size limit, when a part is
/// damaged, or when a worksheet's cells span more than the limits allow.
pub fn inspect_zip(bytes: &[u8], format: Format, limits: &Limits) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        "压缩包结构损坏（文件可能不完整或被截断） / the file is damaged (truncated or not a complete zip)".to_string()
    })?;
    let mut left = limits.unpacked_bytes;
    let mut buf = vec![0u8; 64 * 1024];
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).map_err(|e| damaged_part("?", &e))?;
        let name = entry.name().to_string();
        if entry.is_dir() {
            continue;
        }
        let mut scan = match format {
            Format::Xlsx if name.ends_with(".xml") => Some(Scanner::new(Grid::Xlsx)),
            Format::Ods if name == "content.xml" => Some(Scanner::new(Grid::Ods)),
            _ => None,
        };
        let mut capped = (&mut entry).take(left + 1);
        loop {
            let n = match capped.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return Err(damaged_part(&name, &e)),
            };
            if n as u64 > left {
                let hint = Limit::UnpackedMb.raise_hint(limits, 0);
                return Err(format!(
                    "解压后超过 {} MB（可能是压缩炸弹），如确需读取请用 {hint} / unpacks to more than {} MB (possibly a decompression bomb); to read it anyway use {hint}",
                    Limit::UnpackedMb.get(limits),
                    Limit::UnpackedMb.get(limits),
                ));
            }
            left -= n as u64;
            if let Some(s) = scan.as_mut() {
                s.feed(&buf[..n]);
                s.check(&name, limits)?;
            }
        }
        if let Some(s) = scan.as_mut() {
            s.finish();
            s.check(&name, limits)?;
        }
    }
    Ok(())
}

/// The xlsx check made before streaming: the parts' declared sizes added
/// up, against the unpacked-size limit. Nothing is decompressed here: the
/// zip reader calamine uses stops any part at its declared size (a part
/// that unpacks to more is an error), so the parts together never unpack
/// to more than this sum. Each worksheet's cells are checked against the
/// limits as they stream (`xlsx::StreamRows`); a sheet that cannot be
/// streamed is inspected by [`inspect_part`] before it is laid out.
pub fn check_declared_sizes(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        "压缩包结构损坏（文件可能不完整或被截断） / the file is damaged (truncated or not a complete zip)".to_string()
    })?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(|e| damaged_part("?", &e))?;
        total = total.saturating_add(entry.size());
    }
    if total > limits.unpacked_bytes {
        return Err(too_much_unpacked(limits));
    }
    Ok(())
}

/// [`inspect_zip`] for one part of an xlsx package (a worksheet read whole).
pub fn inspect_part(bytes: &[u8], part: &str, limits: &Limits) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| {
        "压缩包结构损坏（文件可能不完整或被截断） / the file is damaged (truncated or not a complete zip)".to_string()
    })?;
    let Some(i) = zip.index_for_name(part) else {
        return Ok(());
    };
    let mut entry = zip.by_index(i).map_err(|e| damaged_part(part, &e))?;
    let mut scan = Scanner::new(Grid::Xlsx);
    let mut capped = (&mut entry).take(limits.unpacked_bytes + 1);
    let mut buf = vec![0u8; 64 * 1024];
    let mut seen: u64 = 0;
    loop {
        let n = match capped.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => return Err(damaged_part(part, &e)),
        };
        seen += n as u64;
        if seen > limits.unpacked_bytes {
            return Err(too_much_unpacked(limits));
        }
        scan.feed(&buf[..n]);
        scan.check(part, limits)?;
    }
    scan.finish();
    scan.check(part, limits)
}

/// A cell outside Excel's grid in `place` (a part or a sheet).
pub fn beyond_grid(place: &str) -> String {
    format!(
        "{place} 中有单元格超出 Excel 的范围（最多 1048576 行、16384 列），文件已损坏或被篡改 / {place} has a cell beyond Excel's grid (1048576 rows, 16384 columns): the file is damaged or forged"
    )
}

/// Whether a 0-based cell position lies inside Excel's grid.
pub fn inside_grid(row: u32, col: u32) -> bool {
    u64::from(row) < EXCEL_ROWS && u64::from(col) < EXCEL_COLS
}

fn too_much_unpacked(limits: &Limits) -> String {
    let hint = Limit::UnpackedMb.raise_hint(limits, 0);
    format!(
        "解压后超过 {} MB（可能是压缩炸弹），如确需读取请用 {hint} / unpacks to more than {} MB (possibly a decompression bomb); to read it anyway use {hint}",
        Limit::UnpackedMb.get(limits),
        Limit::UnpackedMb.get(limits),
    )
}

fn damaged_part(name: &str, e: &dyn std::fmt::Display) -> String {
    format!(
        "文件已损坏：压缩包中的 {name} 无法解压 / the file is damaged: its part {name} cannot be unpacked ({e})"
    )
}

/// The rows, cells and cell lengths of one sheet as read.
pub fn check_sheet(sheet: &str, range: &Range<Data>, limits: &Limits) -> Result<(), String> {
    let (rows, cols) = range.get_size();
    check_span(
        &format!("“{sheet}”"),
        &format!("'{sheet}'"),
        rows as u64,
        cols as u64,
        limits,
    )?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    for (r, c, v) in range.used_cells() {
        let Data::String(s) = v else { continue };
        check_cell_text(sheet, r0 + r as u32, c0 + c as u32, s, limits)?;
    }
    Ok(())
}

/// One text cell (0-based row and column) against the character limit.
pub fn check_cell_text(
    sheet: &str,
    row: u32,
    col: u32,
    s: &str,
    limits: &Limits,
) -> Result<(), String> {
    if s.len() as u64 <= limits.cell_chars {
        return Ok(());
    }
    {
        let chars = s.chars().count() as u64;
        if chars > limits.cell_chars {
            let hint = Limit::CellChars.raise_hint(limits, chars);
            let cell = format!(
                "{}{}",
                crate::input::columns::col_letter(col),
                u64::from(row) + 1
            );
            return Err(format!(
                "工作表“{sheet}”的单元格 {cell} 有 {chars} 个字符，超过上限 {}；如确需读取请用 {hint} / sheet '{sheet}', cell {cell} holds {chars} characters, more than the limit {}; to read it anyway use {hint}",
                limits.cell_chars,
                limits.cell_chars,
            ));
        }
    }
    Ok(())
}

/// Rows and the used rectangle of a sheet against the limits. `zh`, `en`:
/// how the sheet is named.
pub fn check_span(zh: &str, en: &str, rows: u64, cols: u64, limits: &Limits) -> Result<(), String> {
    // The rectangle first: it is what reading holds in memory, and a
    // forged sheet (two cells at opposite corners) is told as such.
    check_cells(zh, en, rows, cols, limits)?;
    if rows > limits.rows {
        let hint = Limit::Rows.raise_hint(limits, rows);
        return Err(format!(
            "工作表{zh}有 {rows} 行，超过上限 {}；如确需读取请用 {hint} / sheet {en} has {rows} rows, more than the limit {}; to read it anyway use {hint}",
            limits.rows,
            limits.rows,
        ));
    }
    Ok(())
}

/// The used rectangle of a sheet (what reading it holds in memory).
fn check_cells(zh: &str, en: &str, rows: u64, cols: u64, limits: &Limits) -> Result<(), String> {
    let cells = rows.saturating_mul(cols);
    if cells > limits.cells {
        let hint = Limit::Cells.raise_hint(limits, cells);
        return Err(format!(
            "工作表{zh}的数据区域 {rows} 行 × {cols} 列（{cells} 个单元格）超过上限 {}；如确需读取请用 {hint} / sheet {en} spans {rows} rows × {cols} columns ({cells} cells), more than the limit {}; to read it anyway use {hint}",
            limits.cells,
            limits.cells,
        ));
    }
    Ok(())
}

/// Which grid a part describes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Grid {
    /// SpreadsheetML worksheet: `<row r="5">`, `<c r="B5">`.
    Xlsx,
    /// OpenDocument `content.xml`: rows and cells with repeat counts.
    Ods,
}

/// The longest start tag kept whole; the attributes that matter come first.
const TAG_MAX: usize = 4096;

/// A streaming scan of the start tags of an XML part, tracking where the
/// non-empty cells of each sheet lie.
struct Scanner {
    grid: Grid,
    in_tag: bool,
    tag: Vec<u8>,
    /// The row of the current `<row>` (0-based) and the next cell's column.
    row: u64,
    next_row: u64,
    col: u64,
    row_repeat: u64,
    /// The current cell is open (`<c …>` without `/>`) and has no child yet.
    cell_open: Option<(u64, u64, u64)>,
    /// Bounding box of non-empty cells: min row, max row, min col, max col.
    bbox: Option<(u64, u64, u64, u64)>,
    /// A cell outside Excel's grid.
    outside: bool,
}

impl Scanner {
    fn new(grid: Grid) -> Scanner {
        Scanner {
            grid,
            in_tag: false,
            tag: Vec::new(),
            row: 0,
            next_row: 0,
            col: 0,
            row_repeat: 1,
            cell_open: None,
            bbox: None,
            outside: false,
        }
    }

    fn feed(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            if self.in_tag {
                match memchr::memchr(b'>', data) {
                    Some(i) => {
                        self.keep(&data[..i]);
                        data = &data[i + 1..];
                        self.in_tag = false;
                        let tag = std::mem::take(&mut self.tag);
                        self.tag_end(&tag);
                        self.tag = tag;
                        self.tag.clear();
                    }
                    None => {
                        self.keep(data);
                        return;
                    }
                }
            } else {
                match memchr::memchr(b'<', data) {
                    Some(i) => {
                        data = &data[i + 1..];
                        self.in_tag = true;
                    }
                    None => return,
                }
            }
        }
    }

    fn keep(&mut self, part: &[u8]) {
        let room = TAG_MAX.saturating_sub(self.tag.len());
        self.tag.extend_from_slice(&part[..part.len().min(room)]);
    }

    fn finish(&mut self) {
        self.close_cell(false);
    }

    /// A whole tag (between `<` and `>`).
    fn tag_end(&mut self, tag: &[u8]) {
        let closing = tag.first() == Some(&b'/');
        let body = if closing { &tag[1..] } else { tag };
        let self_closing = body.last() == Some(&b'/');
        let name_end = body
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/')
            .unwrap_or(body.len());
        let name = &body[..name_end];
        let attrs = &body[name_end..];
        let local = match memchr::memrchr(b':', name) {
            Some(i) if self.grid == Grid::Xlsx => &name[i + 1..],
            _ => name,
        };
        match self.grid {
            Grid::Xlsx => self.xlsx_tag(local, attrs, closing, self_closing),
            Grid::Ods => self.ods_tag(name, attrs, closing, self_closing),
        }
    }

    fn xlsx_tag(&mut self, local: &[u8], attrs: &[u8], closing: bool, self_closing: bool) {
        match (local, closing) {
            (b"row", false) => {
                self.close_cell(false);
                self.row = match attr(attrs, b"r").and_then(parse_u64) {
                    Some(r) if r > 0 => r - 1,
                    _ => self.next_row,
                };
                self.next_row = self.row.saturating_add(1);
                self.col = 0;
            }
            (b"c", false) => {
                self.close_cell(false);
                let (row, col) = match attr(attrs, b"r").and_then(cell_ref) {
                    Some((r, c)) => (r, c),
                    None => (self.row, self.col),
                };
                self.col = col.saturating_add(1);
                if self_closing {
                    return;
                }
                self.cell_open = Some((row, col, 1));
            }
            (b"c", true) => self.close_cell(false),
            (_, false) if self.cell_open.is_some() => self.close_cell(true),
            _ => {}
        }
    }

    fn ods_tag(&mut self, name: &[u8], attrs: &[u8], closing: bool, self_closing: bool) {
        match (name, closing) {
            (b"table:table", false) => {
                self.row = 0;
                self.bbox = None;
            }
            (b"table:table-row", false) => {
                self.row_repeat = attr(attrs, b"table:number-rows-repeated")
                    .and_then(parse_u64)
                    .unwrap_or(1)
                    .max(1);
                self.col = 0;
            }
            (b"table:table-row", true) => {
                self.row = self.row.saturating_add(self.row_repeat).min(EXCEL_ROWS);
                self.row_repeat = 1;
            }
            (b"table:table-cell" | b"table:covered-table-cell", false) => {
                let repeat = attr(attrs, b"table:number-columns-repeated")
                    .and_then(parse_u64)
                    .unwrap_or(1)
                    .max(1);
                let col = self.col;
                self.col = self.col.saturating_add(repeat).min(EXCEL_COLS);
                let valued = attr(attrs, b"office:value-type").is_some();
                if valued || !self_closing {
                    // Columns from A: calamine keeps every row from its first column.
                    let last_col = col.saturating_add(repeat - 1).min(EXCEL_COLS - 1);
                    let last_row = self
                        .row
                        .saturating_add(self.row_repeat - 1)
                        .min(EXCEL_ROWS - 1);
                    self.widen(self.row, 0);
                    self.widen(last_row, last_col);
                }
            }
            _ => {}
        }
    }

    /// Close the open xlsx cell; `valued`: it had a child (a value).
    fn close_cell(&mut self, valued: bool) {
        if let Some((row, col, _)) = self.cell_open.take() {
            if valued {
                if row >= EXCEL_ROWS || col >= EXCEL_COLS {
                    self.outside = true;
                }
                self.widen(row, col);
            }
        }
    }

    fn widen(&mut self, row: u64, col: u64) {
        self.bbox = Some(match self.bbox {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    fn check(&self, part: &str, limits: &Limits) -> Result<(), String> {
        if self.outside {
            return Err(beyond_grid(part));
        }
        if let Some((r0, r1, c0, c1)) = self.bbox {
            // Only the memory a sheet would take is checked here; its rows
            // are checked once it is read, where the sheet has its name.
            check_cells(part, part, r1 - r0 + 1, c1 - c0 + 1, limits)?;
        }
        Ok(())
    }
}

/// The value of an attribute in a tag's attribute text (`name="value"` or
/// `name='value'`, preceded by white space).
fn attr<'a>(attrs: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut at = 0;
    while let Some(i) = memchr::memmem::find(&attrs[at..], name) {
        let start = at + i;
        let end = start + name.len();
        at = end;
        if start == 0 || !attrs[start - 1].is_ascii_whitespace() {
            continue;
        }
        let rest = &attrs[end..];
        let rest = rest.trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let quote = *rest.first()?;
        if quote != b'"' && quote != b'\'' {
            continue;
        }
        let value = &rest[1..];
        let close = memchr::memchr(quote, value)?;
        return Some(&value[..close]);
    }
    None
}

fn parse_u64(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 18 || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(v).ok()?.parse().ok()
}

/// `B5` → (4, 1); `$B$5` is accepted too.
fn cell_ref(v: &[u8]) -> Option<(u64, u64)> {
    let v: Vec<u8> = v.iter().copied().filter(|b| *b != b'$').collect();
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 7 {
        return None;
    }
    let col = v[..letters].iter().fold(0u64, |acc, b| {
        acc * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row = parse_u64(&v[letters..])?;
    (row > 0).then(|| (row - 1, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(grid: Grid, xml: &str, chunk: usize) -> Scanner {
        let mut s = Scanner::new(grid);
        for part in xml.as_bytes().chunks(chunk) {
            s.feed(part);
        }
        s.finish();
        s
    }

    #[test]
    fn xlsx_cells_make_the_bounding_box_in_any_chunking() {
        let xml = r#"<worksheet><dimension ref="A1:XFD1048576"/><sheetData>
<row r="2"><c r="B2" t="s"><v>0</v></c><c r="C2" s="1"/></row>
<row r="9000" s="3" customFormat="1"><c r="A9000" s="2"/></row>
<x:row r="10"><x:c r="D10"><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>
</sheetData></worksheet>"#;
        for chunk in [1, 2, 3, 7, 64, 4096] {
            let s = scan(Grid::Xlsx, xml, chunk);
            // B2 .. E10 (the last cell has no r: the column after D10).
            assert_eq!(s.bbox, Some((1, 9, 1, 4)), "chunk {chunk}");
            assert!(!s.outside);
        }
        let far = r#"<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#;
        let s = scan(Grid::Xlsx, far, 5);
        assert_eq!(s.bbox, Some((0, 1_048_575, 0, 16_383)));
        let e = s
            .check("xl/worksheets/sheet1.xml", &Limits::default())
            .unwrap_err();
        assert!(e.contains("1048576 rows × 16384 columns"), "{e}");
        let beyond = r#"<row r="2"><c r="ZZZZ2"><v>1</v></c></row>"#;
        let e = scan(Grid::Xlsx, beyond, 3)
            .check("xl/worksheets/sheet1.xml", &Limits::default())
            .unwrap_err();
        assert!(e.contains("beyond Excel's grid"), "{e}");
    }

    #[test]
    fn ods_repeats_count_only_where_there_are_values() {
        let xml = r#"<table:table table:name="a"><table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell><table:table-cell table:number-columns-repeated="1020"/></table:table-row>
<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>"#;
        let s = scan(Grid::Ods, xml, 7);
        assert_eq!(s.bbox, Some((0, 0, 0, 0)));
        let bomb = r#"<table:table><table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row></table:table>"#;
        let e = scan(Grid::Ods, bomb, 9)
            .check("content.xml", &Limits::default())
            .unwrap_err();
        assert!(e.contains("1000000 rows"), "{e}");
    }

    #[test]
    fn attributes_and_references() {
        assert_eq!(attr(b" r=\"B5\" s='1'", b"r"), Some(&b"B5"[..]));
        assert_eq!(attr(b" s='1' r = 'B5'", b"r"), Some(&b"B5"[..]));
        assert_eq!(attr(b" ref=\"A1\"", b"r"), None);
        assert_eq!(attr(b" r=\"unterminated", b"r"), None);
        assert_eq!(cell_ref(b"B5"), Some((4, 1)));
        assert_eq!(cell_ref(b"$AA$10"), Some((9, 26)));
        assert_eq!(cell_ref(b"XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell_ref(b"A0"), None);
        assert_eq!(cell_ref(b"5"), None);
        assert_eq!(cell_ref(b"AAAAAAAA1"), None);
        assert_eq!(cell_ref(b"A99999999999999999999"), None);
    }
}

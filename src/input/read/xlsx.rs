//! xlsx sheets streamed cell by cell with calamine's cell reader, so a sheet
//! of a million rows is never held in memory.
//!
//! Merged regions are stored after the cells in a sheet's XML, but a row
//! needs them when it is read; calamine finds them only by parsing the whole
//! sheet a second time. Instead, one quick pass over the sheet's
//! decompressed XML (a byte search, no XML parsing) collects the merged
//! regions and checks that rows are stored top to bottom, as every
//! spreadsheet program writes them. A sheet that is not (or a workbook whose
//! sheet files cannot be found this way) is read whole, as before.

use std::collections::HashMap;
use std::io::{Cursor, Read, Seek};

use calamine::{Data, DataRef, Dimensions, XlsxCellReader};
use memchr::memmem;

use super::{guard, Limits, RowSource, SheetError};

/// What the quick pass learnt about one sheet.
#[derive(Debug, Default, PartialEq)]
pub struct SheetScan {
    pub merges: Vec<Dimensions>,
    /// Every `<row r="…">` is below the one before.
    pub rows_in_order: bool,
    /// The sheet's part in the package.
    pub part: String,
    /// How many `<row>` tags the sheet has (each is at least a dozen bytes
    /// of the unpacked part, so a forged count costs its file the bytes).
    pub rows: u32,
}

/// Scan every worksheet of an xlsx package: sheet name → what the scan
/// learnt. `None` when the workbook's parts cannot be found by the simple
/// route (the caller then reads whole sheets). Every part is read only up
/// to its declared size (which the caller has checked against the limits).
pub fn scan(bytes: &[u8]) -> Option<HashMap<String, SheetScan>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let workbook = read_part(&mut zip, "xl/workbook.xml")?;
    let rels = read_part(&mut zip, "xl/_rels/workbook.xml.rels")?;
    let targets = relationship_targets(&rels);
    let mut out = HashMap::new();
    for (name, rid) in workbook_sheets(&workbook) {
        let target = targets.get(&rid)?;
        let path = match target.strip_prefix('/') {
            Some(abs) => abs.to_string(),
            None => format!("xl/{target}"),
        };
        let index = find_part(&zip, &path)?;
        let part = zip.name_for_index(index)?.to_string();
        let entry = zip.by_index(index).ok()?;
        let size = entry.size();
        let mut scan = scan_sheet(entry.take(size))?;
        scan.part = part;
        out.insert(name, scan);
    }
    Some(out)
}

fn find_part<R: Read + Seek>(zip: &zip::ZipArchive<R>, path: &str) -> Option<usize> {
    zip.index_for_name(path).or_else(|| {
        (0..zip.len()).find(|&i| {
            zip.name_for_index(i)
                .is_some_and(|n| n.replace('\\', "/").eq_ignore_ascii_case(path))
        })
    })
}

fn read_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, path: &str) -> Option<String> {
    let index = find_part(zip, path)?;
    let mut s = String::new();
    let entry = zip.by_index(index).ok()?;
    let size = entry.size();
    entry.take(size).read_to_string(&mut s).ok()?;
    Some(s)
}

/// The value of attribute `name` in one tag's text (`name="…"`), unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(i) = tag[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        let before_ok = at > 0 && tag.as_bytes()[at - 1].is_ascii_whitespace();
        let rest = &tag[from..];
        let rest = rest.trim_start();
        let Some(rest) = rest.strip_prefix('=') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next()?;
        if !before_ok || (quote != '"' && quote != '\'') {
            continue;
        }
        let end = rest[1..].find(quote)?;
        return Some(unescape(&rest[1..1 + end]));
    }
    None
}

fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';') else {
            break;
        };
        let ent = &rest[1..end];
        let ch = match ent {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => ent
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| ent.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The tags named `local` (with or without a namespace prefix) in `xml`.
fn tags<'x>(xml: &'x str, local: &'x str) -> impl Iterator<Item = &'x str> + 'x {
    xml.split('<').filter_map(move |t| {
        let name_end = t.find(|c: char| c.is_whitespace() || c == '/' || c == '>')?;
        let name = &t[..name_end];
        let bare = name.rsplit(':').next().unwrap_or(name);
        (bare == local).then(|| &t[..t.find('>').unwrap_or(t.len())])
    })
}

/// `<sheet name="…" r:id="…"/>` of workbook.xml, in order.
fn workbook_sheets(xml: &str) -> Vec<(String, String)> {
    tags(xml, "sheet")
        .filter_map(|t| {
            let name = attr(t, "name")?;
            let rid = tags_rid(t)?;
            Some((name, rid))
        })
        .collect()
}

/// The relationship id attribute (`r:id`, whatever its prefix).
fn tags_rid(tag: &str) -> Option<String> {
    tag.split_whitespace().find_map(|a| {
        let (k, _) = a.split_once('=')?;
        (k.ends_with(":id") || k == "id").then(|| attr(tag, k))?
    })
}

/// Relationship id → target, from a `.rels` part.
fn relationship_targets(xml: &str) -> HashMap<String, String> {
    tags(xml, "Relationship")
        .filter_map(|t| Some((attr(t, "Id")?, attr(t, "Target")?)))
        .collect()
}

/// The quick pass over one sheet's XML: merged regions and row order.
fn scan_sheet(mut entry: impl Read) -> Option<SheetScan> {
    let rows = memmem::Finder::new(b"row ");
    let merge = memmem::Finder::new(b"mergeCell ");
    let mut out = SheetScan {
        merges: Vec::new(),
        rows_in_order: true,
        part: String::new(),
        rows: 0,
    };
    let mut last_row: Option<u32> = None;
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 17);
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = entry.read(&mut chunk).ok()?;
        let end = n == 0;
        buf.extend_from_slice(&chunk[..n]);
        // Only complete tags: keep what follows the last '<' for later.
        let cut = if end {
            buf.len()
        } else {
            match memchr::memrchr(b'<', &buf) {
                Some(i) => i,
                None => continue,
            }
        };
        let done = &buf[..cut];
        for i in rows.find_iter(done) {
            if !is_tag_start(done, i) {
                continue;
            }
            out.rows = out.rows.saturating_add(1);
            match tag_attr(&done[i..], b" r=\"").and_then(parse_u32) {
                Some(r) => {
                    if last_row.is_some_and(|l| r <= l) {
                        out.rows_in_order = false;
                    }
                    last_row = Some(r);
                }
                // A row without its number follows the one before.
                None => {
                    if tag_attr(&done[i..], b"r=\"").is_some() {
                        out.rows_in_order = false;
                    }
                    last_row = Some(last_row.map_or(1, |l| l + 1));
                }
            }
        }
        for i in merge.find_iter(done) {
            if !is_tag_start(done, i) {
                continue;
            }
            let Some(r) = tag_attr(&done[i..], b"ref=\"") else {
                continue;
            };
            match std::str::from_utf8(r).ok().and_then(parse_range) {
                Some(d) => out.merges.push(d),
                None => return None,
            }
        }
        buf.drain(..cut);
        if end {
            return Some(out);
        }
    }
}

/// Whether the name at `i` is a tag's (`<row`, `<x:row`), not text.
fn is_tag_start(xml: &[u8], i: usize) -> bool {
    match i.checked_sub(1).map(|j| (j, xml[j])) {
        Some((_, b'<')) => true,
        Some((mut j, b':')) => {
            while j > 0 && (xml[j - 1].is_ascii_alphanumeric() || xml[j - 1] == b'_') {
                j -= 1;
            }
            j > 0 && j + 1 < i && xml[j - 1] == b'<'
        }
        _ => false,
    }
}

/// The value of an attribute (given with its `="`) inside the tag that
/// starts at `tag`, up to its closing quote.
fn tag_attr<'b>(tag: &'b [u8], key: &[u8]) -> Option<&'b [u8]> {
    let close = memchr::memchr(b'>', tag).unwrap_or(tag.len());
    let tag = &tag[..close];
    let at = memmem::find(tag, key)? + key.len();
    let len = memchr::memchr(b'"', &tag[at..])?;
    Some(&tag[at..at + len])
}

fn parse_u32(b: &[u8]) -> Option<u32> {
    std::str::from_utf8(b).ok()?.parse().ok()
}

/// `A1` → (row, col), 0-based.
fn parse_cell(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().trim_start_matches('$');
    let letters = s.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = s[..letters].bytes().fold(0u32, |acc, b| {
        acc * 26 + u32::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u32 = s[letters..].trim_start_matches('$').parse().ok()?;
    if row == 0 {
        return None;
    }
    Some((row - 1, col - 1))
}

/// `A1:C3` (or a single cell) → dimensions.
fn parse_range(s: &str) -> Option<Dimensions> {
    let (a, b) = s.split_once(':').unwrap_or((s, s));
    let (a, b) = (parse_cell(a)?, parse_cell(b)?);
    Some(Dimensions {
        start: (a.0.min(b.0), a.1.min(b.1)),
        end: (a.0.max(b.0), a.1.max(b.1)),
    })
}

/// A sheet's rows from calamine's streaming cell reader, checked against
/// the reading limits as they come.
pub struct StreamRows<'a, RS: Read + Seek> {
    reader: XlsxCellReader<'a, RS>,
    sheet: String,
    limits: &'a Limits,
    /// First row and the columns seen so far: the used rectangle.
    first_row: Option<u32>,
    cols: (u32, u32),
    /// The first cell of the next row, already read.
    pending: Option<(u32, u32, Data)>,
    buf: Vec<(u32, Data)>,
    /// The texts of the rows handed over before, kept to be written over:
    /// a text cell then costs a copy, not an allocation.
    spare: Vec<String>,
    last_row: Option<u32>,
    done: bool,
    cells_done: bool,
    /// Why reading stopped early.
    pub error: Option<SheetError<String>>,
    size_hint: usize,
}

impl<'a, RS: Read + Seek> StreamRows<'a, RS> {
    /// About how many rows the sheet has (from the quick pass).
    pub fn with_size_hint(mut self, rows: usize) -> Self {
        self.size_hint = rows;
        self
    }

    pub fn new(reader: XlsxCellReader<'a, RS>, sheet: &str, limits: &'a Limits) -> Self {
        StreamRows {
            reader,
            sheet: sheet.to_string(),
            limits,
            first_row: None,
            cols: (u32::MAX, 0),
            pending: None,
            buf: Vec::new(),
            spare: Vec::new(),
            last_row: None,
            done: false,
            cells_done: false,
            error: None,
            size_hint: 0,
        }
    }

    fn next_cell(&mut self) -> Option<(u32, u32, Data)> {
        if let Some(c) = self.pending.take() {
            return Some(c);
        }
        // calamine's reader must not be asked again once it said the end.
        if self.cells_done {
            return None;
        }
        loop {
            match self.reader.next_cell() {
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    let v = cell.get_value();
                    if *v == DataRef::Empty {
                        continue;
                    }
                    return Some((r, c, owned(v, &mut self.spare)));
                }
                Ok(None) => {
                    self.cells_done = true;
                    return None;
                }
                Err(e) => {
                    self.cells_done = true;
                    self.error = Some(SheetError::Read(e.to_string()));
                    return None;
                }
            }
        }
    }
}

impl<RS: Read + Seek> StreamRows<'_, RS> {
    /// The rows so far and row `r`'s cells against the limits (the same
    /// checks as for a sheet read whole).
    fn check(&mut self, r: u32) -> Result<(), String> {
        let first = *self.first_row.get_or_insert(r);
        for (c, v) in &self.buf {
            if !guard::inside_grid(r, *c) {
                return Err(guard::beyond_grid(&format!("“{}”", self.sheet)));
            }
            self.cols = (self.cols.0.min(*c), self.cols.1.max(*c));
            if let Data::String(s) = v {
                guard::check_cell_text(&self.sheet, r, *c, s, self.limits)?;
            }
        }
        if self.span(r - first).is_ok() {
            return Ok(());
        }
        // Over a limit: go through the rest of the cells (keeping none) so
        // the message gives the sheet's whole span, as for a sheet read whole.
        let mut last = r;
        while let Some((row, c, _)) = self.next_cell() {
            last = last.max(row);
            self.cols = (self.cols.0.min(c), self.cols.1.max(c));
        }
        self.span(last - first)
    }

    /// The used rectangle (`rows_below` rows under the first) against the limits.
    fn span(&self, rows_below: u32) -> Result<(), String> {
        let cols = u64::from(self.cols.1.saturating_sub(self.cols.0)) + 1;
        let rows = u64::from(rows_below) + 1;
        // Asked for every row: the sheet's name is only formatted for a message.
        if rows <= self.limits.rows && rows.saturating_mul(cols) <= self.limits.cells {
            return Ok(());
        }
        guard::check_span(
            &format!("“{}”", self.sheet),
            &format!("'{}'", self.sheet),
            rows,
            cols,
            self.limits,
        )
    }
}

impl<RS: Read + Seek> RowSource for StreamRows<'_, RS> {
    fn size_hint(&self) -> usize {
        self.size_hint
    }

    fn next_row(&mut self) -> Option<(u32, &[(u32, Data)])> {
        if self.done {
            return None;
        }
        for (_, v) in self.buf.drain(..) {
            if let Data::String(s) = v {
                self.spare.push(s);
            }
        }
        let mut row = None;
        while let Some((r, c, v)) = self.next_cell() {
            match row {
                None => row = Some(r),
                Some(cur) if cur != r => {
                    self.pending = Some((r, c, v));
                    break;
                }
                _ => {}
            }
            self.buf.push((c, v));
        }
        let Some(r) = row else {
            self.done = true;
            return None;
        };
        if self.last_row.is_some_and(|l| r <= l) {
            // The quick pass said the rows were in order; they are not.
            self.error = Some(SheetError::Read(format!(
                "row {} is stored after row {}",
                r + 1,
                self.last_row.unwrap_or(0) + 1
            )));
            self.done = true;
            return None;
        }
        self.last_row = Some(r);
        if let Err(m) = self.check(r) {
            self.error = Some(SheetError::Limit(m));
            self.done = true;
            return None;
        }
        if !self.buf.windows(2).all(|w| w[0].0 < w[1].0) {
            // Cells out of column order, or repeated: the last one wins.
            self.buf.reverse();
            self.buf.sort_by_key(|(c, _)| *c);
            self.buf.dedup_by_key(|(c, _)| *c);
        }
        Some((r, &self.buf))
    }
}

/// A cell's value as owned data, its text written into a spare string when
/// there is one.
fn owned(v: &DataRef, spare: &mut Vec<String>) -> Data {
    let text = match v {
        DataRef::SharedString(s) => *s,
        DataRef::String(s) => s.as_str(),
        _ => return v.clone().into(),
    };
    match spare.pop() {
        Some(mut s) => {
            s.clear();
            s.push_str(text);
            Data::String(s)
        }
        None => Data::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_and_ranges() {
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        assert_eq!(parse_cell("AB12"), Some((11, 27)));
        assert_eq!(parse_cell("$C$3"), Some((2, 2)));
        assert_eq!(parse_cell("A0"), None);
        assert_eq!(
            parse_range("B2:A1"),
            Some(Dimensions {
                start: (0, 0),
                end: (1, 1)
            })
        );
    }

    #[test]
    fn workbook_parts() {
        let wb = r#"<workbook xmlns:r="x"><sheets><sheet name="A&amp;B" sheetId="1" r:id="rId1"/><sheet name='二' sheetId="2" r:id="rId2"/></sheets></workbook>"#;
        assert_eq!(
            workbook_sheets(wb),
            vec![
                ("A&B".to_string(), "rId1".to_string()),
                ("二".to_string(), "rId2".to_string())
            ]
        );
        let rels = r#"<Relationships><Relationship Id="rId1" Type="t" Target="worksheets/sheet1.xml"/></Relationships>"#;
        assert_eq!(
            relationship_targets(rels).get("rId1").map(String::as_str),
            Some("worksheets/sheet1.xml")
        );
    }

    #[test]
    fn the_quick_pass_finds_merges_and_row_order() {
        let xml = br#"<worksheet><sheetData><row r="1" spans="1:3"><c r="A1"><v>1</v></c></row><row r="3"><c r="A3" t="inlineStr"><is><t>row r="1" mergeCell ref="Z9"</t></is></c></row></sheetData><mergeCells count="2"><mergeCell ref="A1:C1"/><x:mergeCell ref="B5:B7"/></mergeCells></worksheet>"#;
        let s = scan_sheet(&xml[..]).unwrap();
        assert!(s.rows_in_order);
        assert_eq!(s.merges.len(), 2);
        assert_eq!(s.merges[1].start, (4, 1));
        let xml = br#"<sheetData><row r="2"></row><row r="1"></row></sheetData>"#;
        assert!(!scan_sheet(&xml[..]).unwrap().rows_in_order);
    }
}

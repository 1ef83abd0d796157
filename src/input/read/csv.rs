//! CSV ledgers, in UTF-8 (with or without BOM) or GBK/GB18030, which Chinese
//! Excel writes by default. Every cell is read as text; the typed parsers
//! read numbers and dates from text.

use calamine::{Data, Range};

use super::limits::Limits;

/// Decode and parse a CSV file into a range of text cells; a file with more
/// rows or cells than the limits is refused before the range is laid out.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Range<Data>, String> {
    let text = decode(bytes);
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| format!("CSV 格式有误 / malformed CSV: {e}"))?;
        rows.push(rec.iter().map(str::to_string).collect());
        if rows.len() as u64 > limits.rows {
            break;
        }
    }
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if rows.is_empty() || width == 0 {
        return Ok(Range::empty());
    }
    super::guard::check_span("“CSV”", "'CSV'", rows.len() as u64, width as u64, limits)?;
    let mut range = Range::new((0, 0), (rows.len() as u32 - 1, width as u32 - 1));
    for (r, row) in rows.into_iter().enumerate() {
        for (c, v) in row.into_iter().enumerate() {
            if !v.is_empty() {
                range.set_value((r as u32, c as u32), Data::String(v));
            }
        }
    }
    Ok(range)
}

/// UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else GB18030
/// (a superset of GBK).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_and_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("工号,姓名\nS001,张三\n");
        assert_eq!(decode(&gbk), "工号,姓名\nS001,张三\n");
        assert_eq!(decode("\u{feff}工号".as_bytes()), "工号");
        let r = read(&gbk, &Limits::default()).unwrap();
        assert_eq!(r.get_value((1, 1)), Some(&Data::String("张三".into())));
        assert_eq!(r.get_size(), (2, 2));
    }
}

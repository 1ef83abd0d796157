//! File type by content (SPEC 3 item 9): the first bytes decide, not the
//! extension alone.

use std::io::Cursor;
use std::path::Path;

/// A spreadsheet format kaohe reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Xlsb,
    Ods,
    Csv,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Xlsb => "xlsb",
            Format::Ods => "ods",
            Format::Csv => "csv",
        }
    }
}

const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Whether the bytes are an encrypted Office workbook (an OLE2 file holding
/// the encrypted package of an OOXML one).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE2)
        && (contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo"))
}

/// Decide the format of a file from its bytes (the extension only tells a
/// CSV apart from other text). Refusals say why in plain words.
pub fn sniff(bytes: &[u8], path: &Path) -> Result<Format, &'static str> {
    if bytes.is_empty() {
        return Err("文件是空的 / the file is empty");
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return zip_format(bytes);
    }
    if bytes.starts_with(&OLE2) {
        if contains_utf16(bytes, "EncryptedPackage") || contains_utf16(bytes, "EncryptionInfo") {
            return Err("工作簿设有打开密码（已加密）：请用 --ledger-password-env 环境变量名 提供密码，或去掉密码后另存 / the workbook is password-protected (encrypted): give its password through --ledger-password-env NAME, or save a copy without a password");
        }
        return Ok(Format::Xls);
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if looks_like_html(bytes) {
        return Err("这是网页（HTML）文件，只是扩展名为表格；请在 Excel 中打开后另存为 .xlsx / an HTML page saved with a spreadsheet extension; open it in Excel and save it as .xlsx");
    }
    if ext == "csv" {
        return Ok(Format::Csv);
    }
    Err("不是电子表格文件（内容无法识别） / not a spreadsheet (unrecognised content)")
}

fn zip_format(bytes: &[u8]) -> Result<Format, &'static str> {
    let zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| "压缩包结构损坏（文件可能不完整或被截断） / the file is damaged (truncated or not a complete zip)")?;
    let has = |name: &str| zip.index_for_name(name).is_some();
    if has("xl/workbook.xml") {
        return Ok(Format::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Ok(Format::Xlsb);
    }
    if has("content.xml") && has("mimetype") {
        return Ok(Format::Ods);
    }
    if has("word/document.xml") {
        return Err("这是 Word 文档，不是表格 / a Word document, not a spreadsheet");
    }
    Err("是压缩包但不是 Excel/ODS 工作簿 / a zip archive but not an Excel or ODS workbook")
}

fn contains_utf16(bytes: &[u8], needle: &str) -> bool {
    let pat: Vec<u8> = needle
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    bytes.windows(pat.len()).any(|w| w == pat.as_slice())
}

fn looks_like_html(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head).to_lowercase();
    let t = text.trim_start();
    t.starts_with('<')
        && (t.contains("<html") || t.contains("<table") || t.starts_with("<!doctype"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_problem() {
        let p = Path::new("x.xlsx");
        assert!(sniff(b"", p).unwrap_err().contains("空"));
        assert!(sniff(b"hello, this is text", p)
            .unwrap_err()
            .contains("不是电子表格"));
        assert!(sniff(b"PK\x03\x04garbage", p).unwrap_err().contains("损坏"));
        assert!(sniff(
            b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            Path::new("x.xls")
        )
        .unwrap_err()
        .contains("HTML"));
        assert_eq!(sniff(b"a,b\n1,2\n", Path::new("x.csv")), Ok(Format::Csv));
        let mut enc = OLE2.to_vec();
        enc.extend(
            "EncryptedPackage"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert!(sniff(&enc, p).unwrap_err().contains("密码"));
    }
}

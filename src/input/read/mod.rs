//! Reading ledger files: find them, decide each file's type by its content,
//! and hand over its sheets as raw cells with positions.
//!
//! This is the only part of the input side that touches the file system. A
//! file that cannot be read — damaged, encrypted, not a spreadsheet, or one
//! that makes the spreadsheet library panic — becomes one [`ReadError`]
//! naming the file; the rest of the batch goes on.

mod csv;
mod guard;
pub mod limits;
mod sniff;
mod xlsx;

use std::io::Cursor;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Once};

use calamine::{Data, Dimensions, Ods, Range, Reader, SheetType, SheetVisible, Xls, Xlsb, Xlsx};

use crate::period::YearMonth;
pub use limits::{LedgerPasswords, Limit, Limits};
pub use sniff::{sniff, Format};

/// One ledger file found in the ledger folder.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// Path relative to the ledger folder, with `/` separators.
    pub rel: Arc<str>,
    /// The file's as-of month: a `YYYY-MM` (or `YYYY年M月`) in its file name,
    /// else in its folder path (SPEC 3 item 8).
    pub as_of: Option<YearMonth>,
}

/// A file that was found but not read, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub file: Arc<str>,
    pub message: String,
}

impl ReadError {
    /// The reason in one language (messages are written `中文 / English`).
    pub fn reason(&self, lang: crate::Lang) -> &str {
        lang.pick_in(&self.message)
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

/// One sheet, as the spreadsheet library gives it: its rows are streamed.
pub struct RawSheet<'a> {
    pub name: Arc<str>,
    pub hidden: bool,
    /// Merged regions; each cell of a region takes the top-left cell's value.
    pub merges: Vec<Dimensions>,
    /// The workbook counts serial dates from 1904 (old Mac Excel).
    pub is_1904: bool,
    /// The sheet's rows that hold at least one value, top to bottom.
    pub rows: &'a mut dyn RowSource,
}

/// A sheet's rows, top to bottom: each row's 0-based index and its cells
/// that hold a value, by column (0-based). Rows without any value are
/// passed over. A reading error ends the rows; the file is then reported
/// unreadable.
pub trait RowSource {
    fn next_row(&mut self) -> Option<(u32, &[(u32, Data)])>;
    /// About how many rows the sheet has (0: unknown), to size what holds
    /// its records once instead of growing it.
    fn size_hint(&self) -> usize {
        0
    }
}

/// The rows of a range read whole (xls, xlsb, ods, csv, and xlsx sheets
/// whose rows are not stored in order).
pub struct RangeRows {
    range: Range<Data>,
    /// The next row, relative to the range's start.
    next: usize,
    buf: Vec<(u32, Data)>,
}

impl RangeRows {
    pub fn new(range: Range<Data>) -> RangeRows {
        RangeRows {
            range,
            next: 0,
            buf: Vec::new(),
        }
    }
}

impl RowSource for RangeRows {
    fn next_row(&mut self) -> Option<(u32, &[(u32, Data)])> {
        let (r0, c0) = self.range.start()?;
        let width = self.range.width();
        let height = self.range.height();
        while self.next < height {
            let r = self.next;
            self.next += 1;
            self.buf.clear();
            for c in 0..width {
                if let Some(d) = self.range.get((r, c)) {
                    if *d != Data::Empty {
                        self.buf.push((c0 + c as u32, d.clone()));
                    }
                }
            }
            if !self.buf.is_empty() {
                return Some((r0 + r as u32, &self.buf));
            }
        }
        None
    }
}

/// Extensions read as ledgers; anything else in the folder is ignored.
pub const EXTENSIONS: [&str; 6] = ["xlsx", "xlsm", "xls", "xlsb", "ods", "csv"];

/// Find the ledger files below `root`, in byte order of their relative path
/// (so `2026-01/` comes before `2026-02/`). Hidden files and Excel's `~$`
/// lock files are passed over; so are files of other types (returned second).
pub fn discover(root: &Path) -> anyhow::Result<(Vec<SourceFile>, Vec<Arc<str>>)> {
    use anyhow::Context;
    let meta = std::fs::metadata(root)
        .with_context(|| format!("cannot open the ledger folder {}", root.display()))?;
    anyhow::ensure!(meta.is_dir(), "{} is not a folder", root.display());
    let mut files = Vec::new();
    let mut ignored = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot list {}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            // Hidden files are passed over; Excel's `~$` owner files are
            // listed as ignored (below), so that the run can warn of them.
            if name.starts_with('.') {
                continue;
            }
            let ft = entry
                .file_type()
                .with_context(|| format!("cannot read {}", path.display()))?;
            if ft.is_dir() {
                stack.push(path);
                continue;
            }
            let rel: String = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let ext = path
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            // `~$name.xlsx` is the owner file Excel and WPS keep beside a
            // workbook that is open: no ledger (see `folder_warnings`).
            let lock_file = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("~$"));
            if !EXTENSIONS.contains(&ext.as_str()) || lock_file {
                ignored.push(Arc::from(rel));
                continue;
            }
            files.push(SourceFile {
                as_of: as_of_month(&rel),
                rel: Arc::from(rel),
                path,
            });
        }
    }
    files.sort_by(|a, b| a.rel.as_bytes().cmp(b.rel.as_bytes()));
    ignored.sort();
    Ok((files, ignored))
}

/// The as-of month of a file: from its file name, else from its folders
/// (the nearest folder first).
pub fn as_of_month(rel: &str) -> Option<YearMonth> {
    rel.rsplit('/').find_map(YearMonth::find_in)
}

/// Read one file and hand each of its worksheets to `visit`, in workbook
/// order. Any failure, including a panic inside the spreadsheet library, is
/// returned as one [`ReadError`] naming the file.
pub fn read_file(file: &SourceFile, visit: &mut dyn FnMut(RawSheet)) -> Result<Format, ReadError> {
    read_file_hashed(file, visit).1
}

/// [`read_file`] under the given limits.
pub fn read_file_with(
    file: &SourceFile,
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> Result<Format, ReadError> {
    read_file_hashed_with(file, limits, visit).1
}

/// [`read_file`], also giving the SHA-256 of the file's bytes (lower-case
/// hex) whenever they could be read, even when they are no spreadsheet.
pub fn read_file_hashed(
    file: &SourceFile,
    visit: &mut dyn FnMut(RawSheet),
) -> (Option<String>, Result<Format, ReadError>) {
    read_file_hashed_with(file, &Limits::default(), visit)
}

/// [`read_file_hashed`] under the given limits: a file larger than the
/// file-size limit is refused without reading it whole.
pub fn read_file_hashed_with(
    file: &SourceFile,
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> (Option<String>, Result<Format, ReadError>) {
    match read_file_bytes(file, limits) {
        Ok((bytes, hash)) => (Some(hash), read_file_from(file, bytes, limits, visit)),
        Err(e) => (None, Err(e)),
    }
}

/// A file's bytes, within the file-size limit, and their SHA-256 (lower-case
/// hex): the first half of [`read_file_hashed_with`], so that a caller can
/// look the hash up before reading the sheets.
pub fn read_file_bytes(file: &SourceFile, limits: &Limits) -> Result<(Vec<u8>, String), ReadError> {
    let fail = |message: String| ReadError {
        file: file.rel.clone(),
        message,
    };
    let bytes = match guard::read_capped(&file.path, limits) {
        Ok(Ok(b)) => b,
        Ok(Err(too_large)) => return Err(fail(too_large)),
        Err(e) => return Err(fail(io_message(&e))),
    };
    let hash = sha256_hex(&bytes);
    Ok((bytes, hash))
}

/// The second half of [`read_file_hashed_with`]: the sheets of bytes read by
/// [`read_file_bytes`], handed to `visit`.
pub fn read_file_from(
    file: &SourceFile,
    bytes: Vec<u8>,
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> Result<Format, ReadError> {
    // A workbook with an open password, decrypted in memory when a password
    // is given for it (never written anywhere); the limits apply to what it
    // holds.
    let bytes = decrypt_if_given(bytes, &file.rel, limits).map_err(|message| ReadError {
        file: file.rel.clone(),
        message,
    })?;
    read_bytes_guarded(bytes, &file.rel, &file.path, limits, visit)
}

/// Whether bytes read by [`read_file_bytes`] are a workbook with an open
/// password (its content must never be kept anywhere in the clear).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    sniff::is_encrypted(bytes)
}

/// An encrypted OOXML workbook (an OLE2 file holding `EncryptedPackage`)
/// decrypted with the password given for it; any other file as it is.
fn decrypt_if_given(bytes: Vec<u8>, rel: &str, limits: &Limits) -> Result<Vec<u8>, String> {
    let Some(password) = limits.passwords.and_then(|p| p.for_file(rel)) else {
        return Ok(bytes);
    };
    if !sniff::is_encrypted(&bytes) {
        return Ok(bytes);
    }
    let wrong = || {
        "打开密码不对，无法解开这个工作簿（密码来自 --ledger-password-env 所指的环境变量） / the open password is wrong: the workbook cannot be decrypted (the password comes from the environment variable --ledger-password-env names)".to_string()
    };
    let plain = office_crypto::decrypt_from_bytes(bytes, password).map_err(|_| wrong())?;
    // The decryptor does not check the password itself: a wrong one gives
    // bytes that are no workbook.
    if !plain.starts_with(b"PK\x03\x04") {
        return Err(wrong());
    }
    if plain.len() as u64 > limits.file_bytes {
        return Err(format!(
            "解密后的工作簿超过文件大小上限（{} 字节）；可用 --limit file-mb=… 调高 / the decrypted workbook is beyond the file-size limit ({} bytes); raise it with --limit file-mb=…",
            limits.file_bytes, limits.file_bytes
        ));
    }
    Ok(plain)
}

/// Sniff and read a file's bytes, turning any failure or panic into one
/// error naming `rel`. `path` only tells a `.csv` apart from other text.
pub fn read_bytes_guarded(
    bytes: Vec<u8>,
    rel: &Arc<str>,
    path: &Path,
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> Result<Format, ReadError> {
    let fail = |message: String| ReadError {
        file: rel.clone(),
        message,
    };
    let format = sniff(&bytes, path).map_err(|m| fail(m.to_string()))?;
    install_quiet_panic_hook();
    let result = QUIET.with(|q| {
        q.set(true);
        let r = panic::catch_unwind(AssertUnwindSafe(|| {
            read_bytes(format, bytes, limits, visit)
        }));
        q.set(false);
        r
    });
    match result {
        Ok(Ok(())) => Ok(format),
        Ok(Err(message)) => Err(fail(message)),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(fail(format!(
                "文件已损坏，读取时出错 / the file is damaged and could not be read ({})",
                what.lines().next().unwrap_or("panic")
            )))
        }
    }
}

/// Sniff and read bytes without catching panics: for the fuzz targets,
/// where a panic must surface rather than become a one-line error.
#[doc(hidden)]
pub fn read_bytes_unguarded(
    bytes: Vec<u8>,
    path: &Path,
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> Result<Format, String> {
    let format = sniff(&bytes, path).map_err(str::to_string)?;
    read_bytes(format, bytes, limits, visit)?;
    Ok(format)
}

/// The SHA-256 of some bytes, as 64 lower-case hex digits: the content
/// hash of an input file in the method sheet and the manifest.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(bytes))
}

/// Bytes as lower-case hex digits.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => {
            "文件在读取时已不存在 / the file disappeared while being read".into()
        }
        std::io::ErrorKind::PermissionDenied => {
            "没有读取权限（文件可能被占用） / permission denied (is the file locked?)".into()
        }
        _ => format!("无法读取 / cannot read: {e}"),
    }
}

fn read_bytes(
    format: Format,
    bytes: Vec<u8>,
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> Result<(), String> {
    if matches!(format, Format::Xlsb | Format::Ods) {
        guard::inspect_zip(&bytes, format, limits)?;
    }
    let damaged = |e: &dyn std::fmt::Display| {
        format!(
            "无法作为 {} 读取（文件可能已损坏） / cannot be read as {}: {e}",
            format.label(),
            format.label()
        )
    };
    if format == Format::Xlsx {
        return read_xlsx(&bytes, limits, visit).map_err(|e| e.message(&damaged));
    }
    let cursor = Cursor::new(bytes);
    type Cur = Cursor<Vec<u8>>;
    match format {
        Format::Xlsx => unreachable!("read above"),
        Format::Xls => {
            let mut wb: Xls<Cur> = Xls::new(cursor).map_err(|e| damaged(&e))?;
            let is_1904 = wb.has_1904_epoch();
            each_sheet(
                &mut wb,
                is_1904,
                |wb, name| wb.merge_cells_by_sheet_name(name).unwrap_or_default(),
                limits,
                visit,
            )
            .map_err(|e| e.message(&damaged))?;
        }
        // calamine exposes no merged regions for xlsb and ods.
        Format::Xlsb => {
            let mut wb: Xlsb<Cur> = Xlsb::new(cursor).map_err(|e| damaged(&e))?;
            let is_1904 = wb.has_1904_epoch();
            each_sheet(&mut wb, is_1904, |_, _| Vec::new(), limits, visit)
                .map_err(|e| e.message(&damaged))?;
        }
        Format::Ods => {
            let mut wb: Ods<Cur> = Ods::new(cursor).map_err(|e| damaged(&e))?;
            each_sheet(&mut wb, false, |_, _| Vec::new(), limits, visit)
                .map_err(|e| e.message(&damaged))?;
        }
        Format::Csv => {
            let range = csv::read(cursor.get_ref(), limits)?;
            guard::check_sheet("CSV", &range, limits)?;
            visit(RawSheet {
                name: "CSV".into(),
                hidden: false,
                merges: Vec::new(),
                is_1904: false,
                rows: &mut RangeRows::new(range),
            });
        }
    }
    Ok(())
}

/// Stream every worksheet of an xlsx workbook (see [`xlsx`]); a sheet the
/// quick pass could not vouch for is read whole.
fn read_xlsx(
    bytes: &[u8],
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> Result<(), SheetError<String>> {
    guard::check_declared_sizes(bytes, limits).map_err(SheetError::Limit)?;
    let scans = xlsx::scan(bytes);
    if scans.is_none() {
        // Parts not where the quick pass looks: every part is inspected.
        guard::inspect_zip(bytes, Format::Xlsx, limits).map_err(SheetError::Limit)?;
    }
    let text = |e: calamine::XlsxError| SheetError::Read(e.to_string());
    let mut wb: Xlsx<Cursor<&[u8]>> = Xlsx::new(Cursor::new(bytes)).map_err(text)?;
    let is_1904 = wb.has_1904_epoch();
    for (name, hidden) in worksheet_names(wb.sheets_metadata()) {
        let scan = scans
            .as_ref()
            .and_then(|s| s.get(&name))
            .filter(|s| s.rows_in_order);
        match scan {
            Some(scan) => {
                let merges = scan.merges.clone();
                let reader = wb.worksheet_cells_reader(&name).map_err(text)?;
                let mut rows =
                    xlsx::StreamRows::new(reader, &name, limits).with_size_hint(scan.rows as usize);
                visit(RawSheet {
                    name: name.into(),
                    hidden,
                    merges,
                    is_1904,
                    rows: &mut rows,
                });
                if let Some(e) = rows.error {
                    return Err(e);
                }
            }
            None => {
                // Laid out whole: its span is checked first.
                if let Some(part) = scans.as_ref().and_then(|s| s.get(&name)).map(|s| &s.part) {
                    guard::inspect_part(bytes, part, limits).map_err(SheetError::Limit)?;
                }
                let range = wb.worksheet_range(&name).map_err(text)?;
                guard::check_sheet(&name, &range, limits).map_err(SheetError::Limit)?;
                let merges = wb.merge_cells_by_sheet_name(&name).unwrap_or_default();
                visit(RawSheet {
                    name: name.into(),
                    hidden,
                    merges,
                    is_1904,
                    rows: &mut RangeRows::new(range),
                });
            }
        }
    }
    Ok(())
}

/// Hand every worksheet of an open workbook to `visit`, in workbook order.
fn each_sheet<R: Reader<Cursor<Vec<u8>>>>(
    wb: &mut R,
    is_1904: bool,
    merges: impl Fn(&mut R, &str) -> Vec<Dimensions>,
    limits: &Limits,
    visit: &mut dyn FnMut(RawSheet),
) -> Result<(), SheetError<R::Error>> {
    for (name, hidden) in worksheet_names(wb.sheets_metadata()) {
        let range = wb.worksheet_range(&name).map_err(SheetError::Read)?;
        guard::check_sheet(&name, &range, limits).map_err(SheetError::Limit)?;
        let merges = merges(wb, &name);
        visit(RawSheet {
            name: name.into(),
            hidden,
            merges,
            is_1904,
            rows: &mut RangeRows::new(range),
        });
    }
    Ok(())
}

/// Why a sheet could not be handed over: the library failed, or a limit.
enum SheetError<E> {
    Read(E),
    Limit(String),
}

impl<E: std::fmt::Display> SheetError<E> {
    fn message(self, damaged: &dyn Fn(&dyn std::fmt::Display) -> String) -> String {
        match self {
            SheetError::Read(e) => damaged(&e),
            SheetError::Limit(m) => m,
        }
    }
}

fn worksheet_names(sheets: &[calamine::Sheet]) -> Vec<(String, bool)> {
    sheets
        .iter()
        .filter(|s| s.typ == SheetType::WorkSheet)
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect()
}

thread_local! {
    static QUIET: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Panics inside the spreadsheet library are caught and reported as a
/// one-line error; keep the default panic message off the terminal for those.
fn install_quiet_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(|q| q.get()) {
                default(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_reading_becomes_one_error_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("kaohe-panic-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("a.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        wb.add_worksheet().write_string(0, 0, "工号").unwrap();
        wb.save(&path).unwrap();
        let file = SourceFile {
            path: path.clone(),
            rel: "2026-01/a.xlsx".into(),
            as_of: None,
        };
        // The visitor runs inside the guarded region, as the spreadsheet
        // library does: a panic there must not escape.
        let err =
            read_file(&file, &mut |_| panic!("index out of bounds: the len is 1")).unwrap_err();
        assert_eq!(&*err.file, "2026-01/a.xlsx");
        assert!(
            err.message.contains("index out of bounds"),
            "{}",
            err.message
        );
        assert!(!err.message.contains('\n'));
        // The same thread reads the next file normally.
        let mut names = Vec::new();
        read_file(&file, &mut |s| names.push(s.name.to_string())).unwrap();
        assert_eq!(names, ["Sheet1"]);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn as_of_from_name_then_folder() {
        assert_eq!(
            as_of_month("2026-03/客户台账.xlsx"),
            YearMonth::new(2026, 3)
        );
        assert_eq!(
            as_of_month("2026-03/客户台账_2026-04.xlsx"),
            YearMonth::new(2026, 4)
        );
        assert_eq!(as_of_month("2026/03月/客户台账.xlsx"), None);
        assert_eq!(
            as_of_month("2026年3月/客户台账.xlsx"),
            YearMonth::new(2026, 3)
        );
        assert_eq!(as_of_month("客户台账.xlsx"), None);
    }
}

//! What the tests share: ledger workbooks written cell by cell
//! ([`write_xlsx`]) or row by row ([`Ledgers`]), the `kaohe` binary run
//! ([`kaohe`], [`kaohe_cmd`]), the files below a folder ([`walk`],
//! [`files`]), and a temporary folder for `run_batch` ([`Folder`], [`run`]).

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use kaohe::cli::run::{run_batch, Fate, Options};
use kaohe::compute::assess::Selection;
use kaohe::progress::Mode;
use kaohe::Lang;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// One cell of a test sheet.
#[derive(Clone, Copy)]
pub enum C<'a> {
    /// Text.
    S(&'a str),
    /// A number.
    N(f64),
    /// An Excel date cell (`yyyy-mm-dd`).
    D(&'a str),
    /// An Excel date-time cell (`yyyy-mm-dd hh:mm:ss`).
    T(&'a str),
    /// A serial number with Excel's Chinese date format, which calamine
    /// does not recognise as a date.
    CnDate(f64),
    /// Nothing.
    E,
}

pub use C::*;

/// A sheet: name, rows, and merged ranges (first row, first col, last row, last col; 0-based).
pub struct Sheet<'a> {
    pub name: &'a str,
    pub rows: Vec<Vec<C<'a>>>,
    pub merges: Vec<(u32, u16, u32, u16)>,
}

pub fn sheet<'a>(name: &'a str, rows: Vec<Vec<C<'a>>>) -> Sheet<'a> {
    Sheet {
        name,
        rows,
        merges: vec![],
    }
}

/// Write a workbook with the given sheets to `path` (folders created).
pub fn write_xlsx(path: &Path, sheets: &[Sheet]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let datetime = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    let cn = Format::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    for s in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(s.name).unwrap();
        for (r, row) in s.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if s.merges
                    .iter()
                    .any(|m| m.0 <= r && r <= m.2 && m.1 <= c && c <= m.3 && (m.0, m.1) != (r, c))
                {
                    continue;
                }
                match *cell {
                    S(t) => ws.write_string(r, c, t).map(|_| ()),
                    N(n) => ws.write_number(r, c, n).map(|_| ()),
                    D(d) => ws
                        .write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::parse_from_str(d).unwrap(),
                            &date,
                        )
                        .map(|_| ()),
                    T(d) => ws
                        .write_datetime_with_format(
                            r,
                            c,
                            ExcelDateTime::parse_from_str(d).unwrap(),
                            &datetime,
                        )
                        .map(|_| ()),
                    CnDate(n) => ws.write_number_with_format(r, c, n, &cn).map(|_| ()),
                    E => Ok(()),
                }
                .unwrap();
            }
        }
        for &(r0, c0, r1, c1) in &s.merges {
            let first = &s.rows[r0 as usize][c0 as usize];
            let text = match first {
                S(t) => t.to_string(),
                _ => String::new(),
            };
            ws.merge_range(r0, c0, r1, c1, &text, &Format::new())
                .unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// Every file below `dir`, sorted. `dir` itself must exist; what vanishes
/// below it while it is listed or read (a run renaming files and folders
/// in it) is passed over.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    assert!(dir.is_dir(), "{} is not a folder", dir.display());
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(listing) = std::fs::read_dir(&d) else {
            continue;
        };
        for p in listing.flatten().map(|e| e.path()) {
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file below `dir` with its bytes, keyed by the path relative to
/// `dir`, in byte order (see [`walk`]); kaohe's caches (`.kaohe-stamps.json`:
/// files' modification times, different in every run) are left out.
pub fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    walk(dir)
        .into_iter()
        .filter(|p| p.file_name().is_none_or(|n| n != ".kaohe-stamps.json"))
        .filter_map(|p| {
            let bytes = std::fs::read(&p).ok()?;
            Some((p.strip_prefix(dir).unwrap().to_path_buf(), bytes))
        })
        .collect()
}

/// The `kaohe` binary with `args`, ready to run or spawn. The SMTP password
/// variable is removed: a test sets it when it means to.
pub fn kaohe_cmd<I, A>(args: I) -> Command
where
    I: IntoIterator<Item = A>,
    A: AsRef<OsStr>,
{
    let mut c = Command::new(env!("CARGO_BIN_EXE_kaohe"));
    c.args(args).env_remove("KAOHE_SMTP_PASSWORD");
    c
}

/// Run `kaohe` with `args` to the end.
pub fn kaohe(args: &[&str]) -> Output {
    kaohe_env(args, &[])
}

/// Run `kaohe` with `args`, which must exit 0 (its output shown when not).
pub fn kaohe_ok(args: &[&str]) -> Output {
    let o = kaohe(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "kaohe {args:?}\nstdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// Run `kaohe` with `args` and these environment variables to the end.
pub fn kaohe_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    kaohe_cmd(args).envs(env.iter().copied()).output().unwrap()
}

/// A date or time as a ledger cell: `yyyy-mm-dd` is an Excel date,
/// `yyyy-mm-dd hh:mm:ss` an Excel date-time, anything else text.
pub fn when(text: &str) -> C<'_> {
    let shaped = |pattern: &str| {
        text.len() == pattern.len()
            && text.bytes().zip(pattern.bytes()).all(|(c, p)| {
                if p == b'9' {
                    c.is_ascii_digit()
                } else {
                    c == p
                }
            })
    };
    if shaped("9999-99-99") {
        D(text)
    } else if shaped("9999-99-99 99:99:99") {
        T(text)
    } else {
        S(text)
    }
}

/// One ledger sheet being built: its fixed headers, and rows of
/// `(header, cell)`; headers that only some rows set ([`Ledgers::with`])
/// follow the fixed ones in the order they first appear.
struct Table<'a> {
    name: &'static str,
    headers: &'static [&'static str],
    rows: Vec<Vec<(&'a str, C<'a>)>>,
    /// Written even with no rows, with these headers after the fixed ones
    /// ([`Ledgers::keep`]).
    keep: Option<Vec<&'a str>>,
}

impl<'a> Table<'a> {
    fn new(name: &'static str, headers: &'static [&'static str]) -> Self {
        Table {
            name,
            headers,
            rows: Vec::new(),
            keep: None,
        }
    }

    fn sheet(&self) -> Sheet<'a> {
        let mut headers: Vec<&'a str> = self.headers.to_vec();
        headers.extend(self.keep.iter().flatten());
        for row in &self.rows {
            for &(h, _) in row {
                if !headers.contains(&h) {
                    headers.push(h);
                }
            }
        }
        let mut rows = vec![headers.iter().map(|h| S(h)).collect::<Vec<_>>()];
        for row in &self.rows {
            rows.push(
                headers
                    .iter()
                    .map(|h| row.iter().find(|(k, _)| k == h).map_or(E, |&(_, c)| c))
                    .collect(),
            );
        }
        sheet(self.name, rows)
    }
}

/// A small ledger workbook, row by row, written as one sheet per kind that
/// has rows (人员, 客户, 跟进, 回款, 调整, in that order; see also
/// [`Ledgers::keep`]) with the catalogue's headers:
///
/// ```ignore
/// Ledgers::new()
///     .rep("S001", "张三", "商务专员-B2B", "2025-01-10")
///     .with("团队", S("华东")) // an extra column on the row just added
///     .customer("KH001", "甲公司", "S001", "2026-03-02")
///     .followup("2026-03-02", "S001", "KH001", "电话")
///     .payment("HT001", "KH001", "S001", "2026-03-10", 1000.0, "2026-03-20")
///     .paid(1000.0, "2026-03-18")
///     .adjustment("S001", "2026-03", "加分", "表彰")
///     .with("数值", N(1.0))
///     .write(&dir.join("2026-03/台账.xlsx"));
/// ```
///
/// Dates and times are given as text and become cells by [`when`].
pub struct Ledgers<'a> {
    tables: [Table<'a>; 5],
    /// The table the last row went into.
    last: Option<usize>,
}

const ROSTER: usize = 0;
const CUSTOMERS: usize = 1;
const FOLLOWUPS: usize = 2;
const PAYMENTS: usize = 3;
const ADJUSTMENTS: usize = 4;

impl Default for Ledgers<'_> {
    fn default() -> Self {
        Ledgers {
            tables: [
                Table::new("人员", &["工号", "姓名", "岗位", "入职日期"]),
                Table::new("客户", &["客户编号", "客户名称", "商务专员", "创建时间"]),
                Table::new("跟进", &["跟进时间", "商务专员", "客户编号"]),
                Table::new(
                    "回款",
                    &[
                        "合同编号",
                        "客户编号",
                        "商务专员",
                        "签约日期",
                        "合同金额",
                        "应回款金额",
                        "应回款日期",
                    ],
                ),
                Table::new("调整", &["工号", "期间", "类型", "说明"]),
            ],
            last: None,
        }
    }
}

impl<'a> Ledgers<'a> {
    pub fn new() -> Self {
        Self::default()
    }

    /// A row of `table`: the cells under its fixed headers, in order.
    fn push(&mut self, table: usize, cells: &[C<'a>]) -> &mut Self {
        let t = &mut self.tables[table];
        assert_eq!(cells.len(), t.headers.len(), "{}", t.name);
        let row = t.headers.iter().copied().zip(cells.iter().copied());
        t.rows.push(row.collect());
        self.last = Some(table);
        self
    }

    /// A rep of the roster (人员).
    pub fn rep(&mut self, id: &'a str, name: &'a str, role: &'a str, hired: &'a str) -> &mut Self {
        self.push(ROSTER, &[S(id), S(name), S(role), when(hired)])
    }

    /// A customer (客户), its owner and its lead time.
    pub fn customer(&mut self, id: &'a str, name: &'a str, rep: &'a str, at: &'a str) -> &mut Self {
        self.push(CUSTOMERS, &[S(id), S(name), S(rep), when(at)])
    }

    /// A follow-up (跟进); the 跟进方式 column is written when some
    /// follow-up has a method (`""`: none).
    pub fn followup(
        &mut self,
        at: &'a str,
        rep: &'a str,
        customer: &'a str,
        method: &'a str,
    ) -> &mut Self {
        self.push(FOLLOWUPS, &[when(at), S(rep), S(customer)]);
        if !method.is_empty() {
            self.with("跟进方式", S(method));
        }
        self
    }

    /// A contract paid in one installment (回款): `amount` is both the
    /// contract amount and the amount due on `due`.
    pub fn payment(
        &mut self,
        contract: &'a str,
        customer: &'a str,
        rep: &'a str,
        signed: &'a str,
        amount: f64,
        due: &'a str,
    ) -> &mut Self {
        let cells = [
            S(contract),
            S(customer),
            S(rep),
            when(signed),
            N(amount),
            N(amount),
            when(due),
        ];
        self.push(PAYMENTS, &cells)
    }

    /// The payment just added was paid: 实际回款金额 and 实际回款日期.
    pub fn paid(&mut self, amount: f64, date: &'a str) -> &mut Self {
        assert_eq!(self.last, Some(PAYMENTS), "paid() follows payment()");
        self.with("实际回款金额", N(amount))
            .with("实际回款日期", when(date))
    }

    /// An adjustment (调整): rep, period, kind (剔除, 加分, …) and note.
    pub fn adjustment(
        &mut self,
        rep: &'a str,
        period: &'a str,
        kind: &'a str,
        note: &'a str,
    ) -> &mut Self {
        self.push(ADJUSTMENTS, &[S(rep), S(period), S(kind), S(note)])
    }

    /// One more column on the row just added (blank on the other rows).
    pub fn with(&mut self, header: &'a str, cell: C<'a>) -> &mut Self {
        let table = self.last.expect("with() follows a row");
        self.tables[table]
            .rows
            .last_mut()
            .unwrap()
            .push((header, cell));
        self
    }

    /// Write this sheet (人员, 客户, 跟进, 回款 or 调整) even when it has no
    /// rows, and with these headers after the fixed ones even when no row
    /// fills them.
    pub fn keep(&mut self, sheet: &str, headers: &[&'a str]) -> &mut Self {
        let t = self.tables.iter_mut().find(|t| t.name == sheet);
        let t = t.unwrap_or_else(|| panic!("no sheet {sheet}"));
        t.keep.get_or_insert_with(Vec::new).extend(headers);
        self
    }

    /// The sheets that have rows (or are kept).
    pub fn sheets(&self) -> Vec<Sheet<'a>> {
        self.tables
            .iter()
            .filter(|t| t.keep.is_some() || !t.rows.is_empty())
            .map(Table::sheet)
            .collect()
    }

    /// Write the workbook to `path` (folders created).
    pub fn write(&self, path: &Path) {
        write_xlsx(path, &self.sheets());
    }
}

/// A temporary folder for `run_batch`: `ledgers/` (empty), the scheme
/// written to `方案.toml`, and `out/` (not yet written).
pub struct Folder {
    pub tmp: tempfile::TempDir,
    pub ledgers: PathBuf,
    pub scheme: PathBuf,
    pub out: PathBuf,
}

impl Folder {
    pub fn new(scheme: &str) -> Self {
        let tmp = tempfile::tempdir().unwrap();
        let ledgers = tmp.path().join("ledgers");
        let path = tmp.path().join("方案.toml");
        std::fs::write(&path, scheme).unwrap();
        let out = tmp.path().join("out");
        Folder {
            tmp,
            ledgers,
            scheme: path,
            out,
        }
    }

    /// `run_batch` options on this folder (see [`batch_options`]).
    pub fn options(&self, sel: Selection) -> Options {
        batch_options(&self.ledgers, &self.scheme, &self.out, sel)
    }
}

/// `run_batch` options: quiet, in Chinese, nothing forced.
pub fn batch_options(ledgers: &Path, scheme: &Path, out: &Path, sel: Selection) -> Options {
    Options {
        ledger_dir: ledgers.to_path_buf(),
        sel,
        scheme: Some(scheme.to_path_buf()),
        out: out.to_path_buf(),
        lang: Lang::Zh,
        strict: false,
        force: false,
        reissue: false,
        progress: Mode::Quiet,
        limits: Default::default(),
    }
}

/// `run_batch`, which must exit 0: each period's fate, by name.
pub fn run(o: &Options) -> BTreeMap<String, Fate> {
    let r = run_batch(o).unwrap();
    assert_eq!(r.exit, 0);
    fates(&r)
}

/// Each period's fate in a run's report, by name.
pub fn fates(r: &kaohe::cli::run::Report) -> BTreeMap<String, Fate> {
    r.periods
        .iter()
        .map(|(p, f)| (p.to_string(), f.clone()))
        .collect()
}

/// `kaohe run` of these ledgers with this scheme into `out`.
pub fn run_args<'a>(ledgers: &'a Path, scheme: &'a Path, out: &'a Path) -> [&'a str; 6] {
    [
        "run",
        ledgers.to_str().unwrap(),
        "--scheme",
        scheme.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]
}

//! Raw sheets → typed rows and data issues (SPEC 3).
//!
//! A sheet's kind is recognised from its header row: the first row, within
//! the first 20, that holds every required header of a kind. When several
//! kinds match, the one matching the most of its headers wins; a tie makes
//! the sheet ambiguous. Rows above the header (a merged title) are ignored.
//! Every data row below it is then either skipped (empty, totals), parsed
//! into a typed record, or left out with an error-level issue.
//!
//! Rep names are resolved later (they need the roster of every file), in
//! [`crate::input::dataset`]; here a row keeps the rep cell as written.

use std::borrow::Cow;
use std::sync::Arc;

use calamine::{Data, Dimensions};
use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::input::aliases::ColumnAliases;
use crate::input::columns::{ColType, ColumnDef, Kind};
use crate::input::issues::{DataIssue, Level, Position, Reason};
use crate::input::model::*;
use crate::input::parse::cell::{self, CellResult};
use crate::input::parse::date::Stamp;
use crate::input::parse::money::header_scale;
use crate::input::read::RawSheet;
use crate::period::{Period, YearMonth};
use crate::text::{header_key, uppercase_cow};

/// The header row must be within the first this many rows of a sheet.
pub const HEADER_SEARCH_ROWS: u32 = 20;

/// Row counts of one recognised sheet. Every data row (from below the header
/// to the last non-empty row) is counted exactly once:
/// `used + merged + replaced + empty + totals + errors == data_rows`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SheetStats {
    pub data_rows: u64,
    /// Records that reached the dataset.
    pub used: u64,
    /// Identical repeats of an earlier row, merged into it.
    pub merged: u64,
    /// Rows replaced by a later changed repeat (a correction, listed as info).
    pub replaced: u64,
    pub empty: u64,
    pub totals: u64,
    /// Rows left out with an error-level issue.
    pub errors: u64,
}

impl SheetStats {
    pub fn accounted(&self) -> u64 {
        self.used + self.merged + self.replaced + self.empty + self.totals + self.errors
    }
    pub fn add(&mut self, o: &SheetStats) {
        self.data_rows += o.data_rows;
        self.used += o.used;
        self.merged += o.merged;
        self.replaced += o.replaced;
        self.empty += o.empty;
        self.totals += o.totals;
        self.errors += o.errors;
    }
}

/// Why a sheet was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetStatus {
    Recognised {
        kind: Kind,
        header_row: u32,
    },
    /// The sheet has no cells.
    Empty,
    /// No header row of any kind in the first 20 rows. `near`: the kind it
    /// most resembles and the required headers it lacks.
    NoMatch {
        near: Option<(Kind, Vec<&'static str>)>,
    },
    /// It resembles a kind so closely that a required column is surely
    /// missing: this stops the run (SPEC 3 item 10).
    MissingColumns {
        kind: Kind,
        missing: Vec<&'static str>,
    },
    /// Two kinds match equally well.
    Ambiguous(Vec<Kind>),
}

/// The rep cell of a row, resolved against the roster later. Its position
/// and header follow from the row and the sheet's columns; they are only
/// needed for the rare row whose rep is unknown, so they are not kept.
#[derive(Debug, Clone, PartialEq)]
pub struct RepCell {
    /// The folded text (shared by the sheet's rows naming the same rep).
    pub text: Text,
    /// The cell as written, when that differs from `text`.
    pub raw: Option<Text>,
    /// The catalogue column holding the rep (`rep`, `owner`, `rep_id`).
    pub key: &'static str,
}

impl RepCell {
    fn new(text: Text, d: &Data, key: &'static str, texts: &mut Interner<'_>) -> RepCell {
        let raw = match d {
            Data::String(s) if **s == *text => None,
            Data::String(s) => Some(texts.get_str(s)),
            d => Some(texts.get(cell::raw_text(d))),
        };
        RepCell { text, raw, key }
    }

    /// The cell as written.
    pub fn raw(&self) -> &str {
        self.raw.as_deref().unwrap_or(&self.text)
    }
}

/// A parsed row waiting for rep resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed<T> {
    pub rec: T,
    /// Shared by the sheet's rows whose rep cell reads the same.
    pub rep: Option<Arc<RepCell>>,
}

/// A row left out with an error, for ledger accuracy.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingReject {
    pub row: u32,
    pub rep: Option<RepCell>,
    pub dates: Vec<NaiveDate>,
}

/// The typed rows of one sheet.
#[derive(Debug, Clone, Default)]
pub enum Records {
    #[default]
    None,
    Roster(Vec<Parsed<Rep>>),
    Targets(Vec<Parsed<Target>>),
    Customers(Vec<Parsed<CustomerRow>>),
    Followups(Vec<Parsed<Followup>>),
    Payments(Vec<Parsed<Installment>>),
    Scores(Vec<Parsed<Score>>),
    Adjustments(Vec<Parsed<Adjustment>>),
    Calendar(Vec<Parsed<CalendarDay>>),
}

/// Everything learnt from one sheet.
#[derive(Debug, Clone)]
pub struct SheetOutcome {
    pub name: Arc<str>,
    pub hidden: bool,
    pub status: SheetStatus,
    /// Per catalogue column of the kind: the sheet column and the header as
    /// written, when present.
    pub columns: Vec<Option<(u32, Arc<str>)>>,
    pub stats: SheetStats,
    pub records: Records,
    pub issues: Vec<DataIssue>,
    pub rejected: Vec<PendingReject>,
    /// For a sheet taken as a kind with a required column missing
    /// ([`SheetStatus::MissingColumns`]): the headers of its header row, as
    /// written, that name no column of the kind (a renamed column such as
    /// 合同总额 for 合同金额 is among them).
    pub unrecognised: Vec<String>,
}

/// Header texts per kind and column, built once per run.
pub struct HeaderMatcher {
    /// For each kind (in `Kind::ALL` order): per catalogue column, the
    /// normalised header keys that name it.
    keys: Vec<Vec<Vec<String>>>,
}

impl HeaderMatcher {
    pub fn new(aliases: &ColumnAliases) -> HeaderMatcher {
        let keys = Kind::ALL
            .iter()
            .map(|&kind| {
                kind.columns()
                    .iter()
                    .map(|c| {
                        let mut v: Vec<String> = [c.zh, c.en]
                            .iter()
                            .chain(c.aliases)
                            .map(|h| header_key(h).0)
                            .collect();
                        v.extend(aliases.for_column(kind, c.key).map(str::to_string));
                        v
                    })
                    .collect()
            })
            .collect();
        HeaderMatcher { keys }
    }

    /// Match a row of header keys against one kind: for each catalogue
    /// column, the sheet column holding it (first match wins).
    fn match_kind(&self, kind: Kind, row: &[(u32, String)]) -> Vec<Option<u32>> {
        let ki = Kind::ALL
            .iter()
            .position(|k| *k == kind)
            .expect("kind in ALL");
        let mut taken: Vec<u32> = Vec::new();
        self.keys[ki]
            .iter()
            .map(|names| {
                let hit = row
                    .iter()
                    .find(|(col, key)| !taken.contains(col) && names.iter().any(|n| n == key))
                    .map(|(c, _)| *c);
                if let Some(c) = hit {
                    taken.push(c);
                }
                hit
            })
            .collect()
    }
}

/// The `[columns]` line of the scheme that would map a header found but
/// not recognised to a missing required column of `kind` (`missing`: their
/// Chinese headers, as [`SheetStatus::MissingColumns`] has them):
/// `"payments.contract_amount" = "合同总额"`. The pair whose texts share
/// the most characters is shown (the first on a tie); `None` without an
/// unrecognised header.
pub fn alias_example(kind: Kind, missing: &[&str], unrecognised: &[String]) -> Option<String> {
    let cols: Vec<&ColumnDef> = missing
        .iter()
        .filter_map(|zh| kind.columns().iter().find(|c| c.zh == *zh))
        .collect();
    let mut best: Option<(usize, &ColumnDef, &str)> = None;
    for c in &cols {
        let names: Vec<String> = [c.zh, c.en]
            .iter()
            .chain(c.aliases)
            .map(|n| header_key(n).0)
            .collect();
        for h in unrecognised {
            let key = header_key(h).0;
            let shared = key
                .chars()
                .filter(|ch| !ch.is_whitespace() && names.iter().any(|n| n.contains(*ch)))
                .count();
            if best.is_none_or(|b| shared > b.0) {
                best = Some((shared, c, h));
            }
        }
    }
    let (_, c, h) = best?;
    let quoted = h.replace('\\', "\\\\").replace('"', "\\\"");
    Some(format!("\"{}.{}\" = \"{quoted}\"", kind.key(), c.key))
}

/// Fixed context of one sheet while its rows are read.
struct SheetCtx {
    kind: Kind,
    file: Arc<str>,
    sheet: Arc<str>,
    is_1904: bool,
    /// Per catalogue column: the sheet column, its header as written, and
    /// the money scale from its unit.
    cols: Vec<Option<(u32, Arc<str>, Decimal)>>,
}

/// The dates that place a row in time, for ledger accuracy.
const ACTIVITY_DATES: [&str; 4] = ["lead_time", "time", "sign_date", "due_date"];

/// One row being read: collects its issues, filled cells and readable dates.
struct RowCtx<'s, 'g, 'p> {
    sheet: &'s SheetCtx,
    /// Per catalogue column (at most 32: `filled` is a bit set).
    cells: [&'g Data; 32],
    row: u32,
    issues: &'s mut Vec<DataIssue>,
    texts: &'s mut Interner<'p>,
    failed: bool,
    warned: bool,
    filled: u32,
    /// Cleared for each row; kept to spare an allocation per row.
    dates: &'s mut Vec<NaiveDate>,
    /// Where [`Self::def`] starts looking.
    next_def: std::cell::Cell<usize>,
}

impl<'s, 'g> RowCtx<'s, 'g, '_> {
    fn def(&self, key: &str) -> (usize, &'static ColumnDef) {
        // Columns are mostly asked for in catalogue order: the search starts
        // after the one found last (keys are unique within a kind).
        let defs = self.sheet.kind.columns();
        let from = self.next_def.get().min(defs.len());
        let i = (from..defs.len())
            .chain(0..from)
            .find(|&i| defs[i].key == key)
            .expect("known column key");
        self.next_def.set(i + 1);
        (i, &defs[i])
    }

    fn pos(&self, col: Option<u32>) -> Position {
        Position {
            file: self.sheet.file.clone(),
            sheet: self.sheet.sheet.clone(),
            row: self.row,
            col,
        }
    }

    /// Record an issue on a column of this row.
    fn issue(&mut self, level: Level, key: &str, reason: Reason) {
        let (i, _) = self.def(key);
        let (col, header, raw) = match &self.sheet.cols[i] {
            Some((c, h, _)) => (Some(*c), h.to_string(), cell::raw_text(self.cells[i])),
            None => (None, String::new(), String::new()),
        };
        match level {
            Level::Error => self.failed = true,
            Level::Warning => self.warned = true,
            Level::Info => {}
        }
        self.issues.push(DataIssue {
            level,
            kind: self.sheet.kind,
            pos: self.pos(col),
            header,
            raw,
            reason,
        });
    }

    /// Read one column with a cell parser. A required column that is empty
    /// or unreadable is an error; an optional one that is unreadable is a
    /// warning and counts as empty.
    fn get<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&'g Data, bool, Decimal) -> CellResult<T>,
    ) -> Option<T> {
        let (i, def) = self.def(key);
        let Some((_, _, scale)) = &self.sheet.cols[i] else {
            return None;
        };
        let d = self.cells[i];
        if !cell::is_empty(d) {
            self.filled |= 1 << i;
        }
        match parse(d, self.sheet.is_1904, *scale) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                if def.required {
                    self.issue(Level::Error, key, Reason::Missing);
                }
                None
            }
            Err(bad) => {
                let level = if def.required {
                    Level::Error
                } else {
                    Level::Warning
                };
                self.issue(level, key, Reason::Bad(bad));
                None
            }
        }
    }

    /// Free text. An error value (`#N/A`, `#DIV/0!`) is no text: it is
    /// reported like any unreadable value, never kept as a name.
    fn text(&mut self, key: &str) -> Option<String> {
        self.text_cow(key).map(Cow::into_owned)
    }
    /// [`Self::text`], borrowing the cell's text when folding keeps it.
    fn text_cow(&mut self, key: &str) -> Option<Cow<'g, str>> {
        self.get(key, |d, _, _| match d {
            Data::Error(_) => Err(cell::Bad::ErrorValue),
            _ => Ok(cell::text_cow(d)),
        })
    }
    fn id(&mut self, key: &str) -> Option<String> {
        self.id_cow(key).map(Cow::into_owned)
    }
    fn id_cow(&mut self, key: &str) -> Option<Cow<'g, str>> {
        self.get(key, |d, _, _| {
            cell::id_cow(d).map(|o| {
                o.map(|s| {
                    let upper = match uppercase_cow(&s) {
                        Cow::Borrowed(_) => None,
                        Cow::Owned(u) => Some(u),
                    };
                    upper.map_or(s, Cow::Owned)
                })
            })
        })
    }
    /// A text shared with the sheet's other rows that hold the same.
    fn shared_text(&mut self, key: &str) -> Option<Text> {
        let t = self.text_cow(key)?;
        Some(self.texts.get_cow(t))
    }
    /// An id shared with the sheet's other rows that hold the same.
    fn shared_id(&mut self, key: &str) -> Option<Text> {
        let t = self.id_cow(key)?;
        Some(self.texts.get_cow(t))
    }
    fn date(&mut self, key: &str) -> Option<NaiveDate> {
        let v = self.get(key, |d, is_1904, _| cell::date(d, is_1904));
        self.note_date(key, v);
        v
    }
    fn stamp(&mut self, key: &str) -> Option<Stamp> {
        let v = self.get(key, |d, is_1904, _| cell::stamp(d, is_1904));
        self.note_date(key, v.map(Stamp::date));
        v
    }
    fn note_date(&mut self, key: &str, v: Option<NaiveDate>) {
        if let Some(d) = v.filter(|_| ACTIVITY_DATES.contains(&key)) {
            self.dates.push(d);
        }
    }
    fn money(&mut self, key: &str) -> Option<Decimal> {
        self.get(key, |d, _, scale| cell::money(d, scale))
    }
    fn number(&mut self, key: &str) -> Option<Decimal> {
        self.get(key, |d, _, _| cell::number(d))
    }
    fn period(&mut self, key: &str) -> Option<Period> {
        self.get(key, |d, is_1904, _| cell::period(d, is_1904))
    }
    fn yes_no(&mut self, key: &str) -> Option<bool> {
        self.get(key, |d, _, _| cell::yes_no(d))
    }
    fn word(&mut self, key: &str) -> Option<&'static str> {
        let (_, def) = self.def(key);
        let ColType::Word(list) = def.ty else {
            panic!("{key} is not a word column")
        };
        self.get(key, |d, _, _| cell::word(d, list)).map(|w| w.code)
    }
    /// The installment number is part of the payment key: a value that
    /// cannot be read is an error (a default of 1 could overwrite the real
    /// installment 1).
    fn installment(&mut self) -> Option<Option<u32>> {
        let (i, _) = self.def("installment");
        if self.sheet.cols[i].is_none() {
            return Some(None);
        }
        let d = self.cells[i];
        if !cell::is_empty(d) {
            self.filled |= 1 << i;
        }
        match cell::installment(d) {
            Ok(v) => Some(v),
            Err(bad) => {
                self.issue(Level::Error, "installment", Reason::Bad(bad));
                None
            }
        }
    }
    /// The rep cell as written, for resolution against the roster.
    fn rep(&mut self, key: &'static str) -> Option<RepCell> {
        let (i, _) = self.def(key);
        let text = self.shared_text(key)?;
        Some(RepCell::new(text, self.cells[i], key, self.texts))
    }
    fn meta(&self) -> RowMeta {
        RowMeta {
            src: RowRef {
                sheet: 0,
                row: self.row,
            },
            filled: self.filled,
            warned: self.warned,
        }
    }
}

/// Recognise and read one sheet, row by row as the reader streams it
/// (nothing of the sheet is held but the current row and the values of the
/// merged regions it is in).
pub fn read_sheet(
    raw: RawSheet<'_>,
    file: &Arc<str>,
    as_of: Option<YearMonth>,
    matcher: &HeaderMatcher,
) -> SheetOutcome {
    read_sheet_pooled(raw, file, as_of, matcher, &TextPool::default())
}

/// [`read_sheet`], its texts shared through the run's `pool` with every
/// other sheet read into it.
pub fn read_sheet_pooled(
    raw: RawSheet<'_>,
    file: &Arc<str>,
    as_of: Option<YearMonth>,
    matcher: &HeaderMatcher,
    pool: &TextPool,
) -> SheetOutcome {
    let mut merges: Vec<Dimensions> = raw.merges.into_iter().filter(|m| m.len() > 1).collect();
    merges.sort_by_key(|m| (m.start.0, m.start.1));
    let mut rd = SheetReader {
        out: SheetOutcome {
            name: raw.name.clone(),
            hidden: raw.hidden,
            status: SheetStatus::Empty,
            columns: Vec::new(),
            stats: SheetStats::default(),
            records: Records::None,
            issues: Vec::new(),
            rejected: Vec::new(),
            unrecognised: Vec::new(),
        },
        file,
        as_of,
        matcher,
        is_1904: raw.is_1904,
        merge_values: vec![Data::Empty; merges.len()],
        merges,
        merge_at: 0,
        active: Vec::new(),
        best_near: None,
        any_row: false,
        state: State::Searching,
        prev_data_row: 0,
        texts: Interner::new(pool),
        size_hint: raw.rows.size_hint(),
        last_row: None,
        dates: Vec::new(),
    };
    while let Some((r, cells)) = raw.rows.next_row() {
        if !rd.row(r, cells) {
            break;
        }
    }
    rd.finish()
}

/// Where a sheet's reading is.
enum State {
    /// Looking for the header row in the first 20 rows.
    Searching,
    /// Reading data rows below the header.
    Reading { ctx: SheetCtx, records: Records },
    /// The sheet is decided (ambiguous, or no header in the first 20 rows).
    Done,
}

/// The kind the header rows come closest to without matching it: required
/// headers found and required in all, the kind, the missing required
/// headers, and the headers found that name none of its columns.
type Near = (usize, usize, Kind, Vec<&'static str>, Vec<String>);

/// The streaming state of [`read_sheet`].
struct SheetReader<'a> {
    out: SheetOutcome,
    file: &'a Arc<str>,
    as_of: Option<YearMonth>,
    matcher: &'a HeaderMatcher,
    is_1904: bool,
    /// Merged regions sorted by first row, and the value of each region's
    /// top-left cell once its row has been read.
    merges: Vec<Dimensions>,
    merge_values: Vec<Data>,
    /// The next merge (by first row) not yet active.
    merge_at: usize,
    /// Indexes of the merges covering the current row.
    active: Vec<usize>,
    best_near: Option<Near>,
    any_row: bool,
    state: State,
    /// The header row or the last non-empty data row: the rows between it
    /// and the next non-empty row are empty data rows (data rows end at the
    /// last non-empty one).
    prev_data_row: u32,
    last_row: Option<u32>,
    /// Ids and short texts of this sheet, shared between its rows.
    texts: Interner<'a>,
    /// About how many rows the sheet has (0: unknown).
    size_hint: usize,
    /// The activity dates of the current row.
    dates: Vec<NaiveDate>,
}

/// One copy of each distinct text of a run's ledgers, shared by every
/// sheet: a customer's id and name repeat in each month's customer-ledger
/// snapshot, its id in every follow-up and payment row. Read in parallel,
/// so it is split into locked shards by the text's hash.
pub struct TextPool {
    shards: Vec<std::sync::Mutex<hashbrown::HashTable<Text>>>,
    /// Customers' attributes, by their (pooled) texts' addresses.
    attrs: std::sync::Mutex<rustc_hash::FxHashMap<[usize; 4], Arc<CustomerAttrs>>>,
}

/// A text's hash, computed once for the sheet's table and the pool's.
fn text_hash(s: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(s)
}

impl Default for TextPool {
    fn default() -> TextPool {
        TextPool {
            shards: (0..64).map(|_| Default::default()).collect(),
            attrs: Default::default(),
        }
    }
}

impl TextPool {
    /// The pool's copy of `s`.
    pub fn intern(&self, s: &str) -> Text {
        self.get(text_hash(s), s)
    }

    /// The pool's copy of a customer's attributes, whose texts are the
    /// pool's.
    pub fn attrs(&self, a: CustomerAttrs) -> Arc<CustomerAttrs> {
        let key = attrs_key(&a);
        let mut map = self.attrs.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(key).or_insert_with(|| Arc::new(a)).clone()
    }

    /// The pool's copy of `s`, whose hash is `h`.
    fn get(&self, h: u64, s: &str) -> Text {
        // The shard by bits of the hash that the shard's own table uses
        // neither for its buckets (the low bits) nor for its tags (the top
        // seven): a shard's texts would otherwise all look alike to it.
        let shard = &self.shards[(h >> 32) as usize & 63];
        // A panic elsewhere cannot leave a set of shared texts inconsistent.
        let mut set = shard.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(t) = set.find(h, |t| **t == *s) {
            return t.clone();
        }
        let t = Text::from(s);
        set.insert_unique(h, t.clone(), |t| text_hash(t));
        t
    }
}

/// Customer attributes by their texts' addresses (0: none).
fn attrs_key(a: &CustomerAttrs) -> [usize; 4] {
    let addr = |t: &Option<Text>| {
        t.as_ref()
            .map_or(0, |t| Arc::as_ptr(t) as *const u8 as usize)
    };
    [
        addr(&a.tier),
        addr(&a.channel),
        addr(&a.source),
        addr(&a.referrer),
    ]
}

/// One shared copy of each distinct text of a sheet (customer ids repeat
/// in every follow-up of the customer; tiers, channels and sources take a
/// handful of values in thousands of rows), taken from the run's
/// [`TextPool`] the first time the sheet meets it.
pub struct Interner<'p> {
    texts: hashbrown::HashTable<Text>,
    /// Rep cells by their (interned) texts' addresses and column.
    reps: rustc_hash::FxHashMap<(usize, usize, &'static str), Arc<RepCell>>,
    /// The sheet's customer attributes met so far (the pool's copies).
    attrs: rustc_hash::FxHashMap<[usize; 4], Arc<CustomerAttrs>>,
    pool: &'p TextPool,
}

impl<'p> Interner<'p> {
    pub fn new(pool: &'p TextPool) -> Interner<'p> {
        Interner {
            texts: Default::default(),
            reps: Default::default(),
            attrs: Default::default(),
            pool,
        }
    }

    /// The run's one copy of a customer's attributes (texts interned here).
    fn attrs(&mut self, a: CustomerAttrs) -> Arc<CustomerAttrs> {
        let key = attrs_key(&a);
        self.attrs
            .entry(key)
            .or_insert_with(|| self.pool.attrs(a))
            .clone()
    }

    pub fn get(&mut self, s: String) -> Text {
        self.get_str(&s)
    }

    /// [`Self::get`], copying the text only when it is new to the run.
    pub fn get_str(&mut self, s: &str) -> Text {
        let h = text_hash(s);
        if let Some(t) = self.texts.find(h, |t| **t == *s) {
            return t.clone();
        }
        let t = self.pool.get(h, s);
        self.texts.insert_unique(h, t.clone(), |t| text_hash(t));
        t
    }

    fn get_cow(&mut self, s: Cow<str>) -> Text {
        match s {
            Cow::Borrowed(s) => self.get_str(s),
            Cow::Owned(s) => self.get(s),
        }
    }

    /// One shared copy of each distinct rep cell (its texts interned here).
    fn rep_cell(&mut self, c: RepCell) -> Arc<RepCell> {
        let addr = |t: &Text| Arc::as_ptr(t) as *const u8 as usize;
        let key = (addr(&c.text), c.raw.as_ref().map_or(0, addr), c.key);
        self.reps.entry(key).or_insert_with(|| Arc::new(c)).clone()
    }
}

impl SheetReader<'_> {
    /// The value of a cell, merged regions filled in.
    fn value<'c>(&'c self, cells: &'c [(u32, Data)], row: u32, col: u32) -> &'c Data {
        for &m in &self.active {
            if self.merges[m].contains(row, col) {
                return &self.merge_values[m];
            }
        }
        own(cells, col)
    }

    /// Move the merged regions to row `r`: drop those ended, add those
    /// starting, and keep the top-left values of the new ones.
    fn enter_row(&mut self, r: u32, cells: &[(u32, Data)]) {
        let merges = &self.merges;
        self.active.retain(|&m| merges[m].end.0 >= r);
        while self.merge_at < merges.len() && merges[self.merge_at].start.0 <= r {
            let m = self.merge_at;
            if merges[m].end.0 >= r {
                self.active.push(m);
            }
            if merges[m].start.0 == r {
                self.merge_values[m] = own(cells, merges[m].start.1).clone();
            }
            self.merge_at += 1;
        }
    }

    /// Take one row holding at least one value (rows come top to bottom).
    /// `false` when the rest of the sheet does not matter.
    fn row(&mut self, r: u32, cells: &[(u32, Data)]) -> bool {
        if self.last_row.is_some_and(|l| r <= l) {
            return true;
        }
        self.last_row = Some(r);
        self.any_row = true;
        self.enter_row(r, cells);
        if matches!(self.state, State::Searching) {
            if r >= HEADER_SEARCH_ROWS {
                self.state = State::Done;
                return false;
            }
            self.search_header(r, cells);
            return !matches!(self.state, State::Done);
        }
        if matches!(self.state, State::Reading { .. }) {
            self.data_row(r, cells);
            return true;
        }
        false
    }

    /// Try row `r` as the header row.
    fn search_header(&mut self, r: u32, cells: &[(u32, Data)]) {
        let mut cols: Vec<u32> = cells.iter().map(|(c, _)| *c).collect();
        for &m in &self.active {
            cols.extend(self.merges[m].start.1..=self.merges[m].end.1);
        }
        cols.sort_unstable();
        cols.dedup();
        let keys: Vec<(u32, String)> = cols
            .into_iter()
            .filter_map(|c| cell::text(self.value(cells, r, c)).map(|t| (c, header_key(&t).0)))
            .filter(|(_, k)| !k.is_empty())
            .collect();
        if keys.is_empty() {
            return;
        }
        let mut matches: Vec<(usize, Kind, Vec<Option<u32>>)> = Vec::new();
        for kind in Kind::ALL {
            let m = self.matcher.match_kind(kind, &keys);
            let defs = kind.columns();
            let required = defs.iter().filter(|d| d.required).count();
            let req_hit = defs
                .iter()
                .zip(&m)
                .filter(|(d, h)| d.required && h.is_some())
                .count();
            let all_hit = m.iter().filter(|h| h.is_some()).count();
            if req_hit == required {
                matches.push((all_hit, kind, m));
            } else if req_hit >= 2 {
                let missing: Vec<&'static str> = defs
                    .iter()
                    .zip(&m)
                    .filter(|(d, h)| d.required && h.is_none())
                    .map(|(d, _)| d.zh)
                    .collect();
                if self
                    .best_near
                    .as_ref()
                    .is_none_or(|b| (req_hit, required) > (b.0, b.1))
                {
                    let unrecognised = keys
                        .iter()
                        .filter(|(c, _)| !m.contains(&Some(*c)))
                        .filter_map(|(c, _)| cell::text(self.value(cells, r, *c)))
                        .map(|t| t.to_string())
                        .collect();
                    self.best_near = Some((req_hit, required, kind, missing, unrecognised));
                }
            }
        }
        if matches.is_empty() {
            return;
        }
        matches.sort_by_key(|m| std::cmp::Reverse(m.0));
        if matches.len() > 1 && matches[0].0 == matches[1].0 {
            let best = matches[0].0;
            self.out.status = SheetStatus::Ambiguous(
                matches
                    .iter()
                    .filter(|m| m.0 == best)
                    .map(|m| m.1)
                    .collect(),
            );
            self.state = State::Done;
            return;
        }
        let (_, kind, colmap) = matches.swap_remove(0);
        self.out.status = SheetStatus::Recognised {
            kind,
            header_row: r + 1,
        };
        self.prev_data_row = r;
        let cols: Vec<Option<(u32, Arc<str>, Decimal)>> = colmap
            .iter()
            .zip(kind.columns())
            .map(|(c, def)| {
                c.map(|c| {
                    let written = cell::text(self.value(cells, r, c)).unwrap_or_default();
                    let scale = if def.ty == ColType::Money {
                        header_scale(header_key(&written).1.as_deref())
                    } else {
                        Decimal::ONE
                    };
                    (c, Arc::from(written), scale)
                })
            })
            .collect();
        self.out.columns = cols
            .iter()
            .map(|c| c.as_ref().map(|(col, h, _)| (*col, h.clone())))
            .collect();
        self.state = State::Reading {
            ctx: SheetCtx {
                kind,
                file: self.file.clone(),
                sheet: self.out.name.clone(),
                is_1904: self.is_1904,
                cols,
            },
            records: Records::with_capacity(kind, self.size_hint.saturating_sub(r as usize)),
        };
    }

    /// One data row below the header.
    fn data_row(&mut self, r: u32, cells: &[(u32, Data)]) {
        let State::Reading { ctx, records } = &mut self.state else {
            return;
        };
        if cells.iter().all(|(_, d)| cell::is_empty(d)) {
            return;
        }
        // The rows in between hold no value: empty data rows.
        let empties = u64::from(r - self.prev_data_row - 1);
        self.prev_data_row = r;
        self.out.stats.data_rows += empties + 1;
        self.out.stats.empty += empties;
        let first = cells.iter().map(|(_, d)| d).find(|d| !cell::is_empty(d));
        if first.is_some_and(cell::is_totals_cell) {
            self.out.stats.totals += 1;
            return;
        }
        static EMPTY: Data = Data::Empty;
        let merges = &self.merges;
        let merge_values = &self.merge_values;
        let active = &self.active;
        let value = |col: u32| -> &Data {
            for &m in active {
                if merges[m].contains(r, col) {
                    return &merge_values[m];
                }
            }
            own(cells, col)
        };
        let mut row_cells = [&EMPTY; 32];
        for (slot, c) in row_cells.iter_mut().zip(&ctx.cols) {
            if let Some((col, _, _)) = c {
                *slot = value(*col);
            }
        }
        let kind = ctx.kind;
        self.dates.clear();
        let mut row = RowCtx {
            sheet: ctx,
            cells: row_cells,
            row: r + 1,
            issues: &mut self.out.issues,
            texts: &mut self.texts,
            failed: false,
            warned: false,
            filled: 0,
            dates: &mut self.dates,
            next_def: std::cell::Cell::new(0),
        };
        if !records.parse_row(&mut row, self.as_of) {
            self.out.stats.errors += 1;
            if matches!(kind, Kind::Customers | Kind::Followups | Kind::Payments) {
                let key = match kind {
                    Kind::Customers => "owner",
                    _ => "rep",
                };
                let (i, _) = row.def(key);
                let rep = ctx.cols[i]
                    .as_ref()
                    .and_then(|_| cell::text(row.cells[i]))
                    .map(|text| {
                        let text = row.texts.get(text);
                        RepCell::new(text, row.cells[i], key, row.texts)
                    });
                self.out.rejected.push(PendingReject {
                    row: r + 1,
                    rep,
                    dates: row.dates.clone(),
                });
            }
        }
    }

    fn finish(mut self) -> SheetOutcome {
        match std::mem::replace(&mut self.state, State::Done) {
            State::Reading { records, .. } => self.out.records = records,
            State::Searching | State::Done => {
                if matches!(self.out.status, SheetStatus::Empty) && self.any_row {
                    self.out.status = match self.best_near.take() {
                        Some((hit, required, kind, missing, unrecognised))
                            if hit * 3 >= required * 2 =>
                        {
                            self.out.unrecognised = unrecognised;
                            SheetStatus::MissingColumns { kind, missing }
                        }
                        Some((_, _, kind, missing, _)) => SheetStatus::NoMatch {
                            near: Some((kind, missing)),
                        },
                        None => SheetStatus::NoMatch { near: None },
                    };
                }
            }
        }
        self.out
    }
}

/// A row's own value in column `col` (merged regions not filled in).
fn own(cells: &[(u32, Data)], col: u32) -> &Data {
    static EMPTY: Data = Data::Empty;
    match cells.binary_search_by_key(&col, |(c, _)| *c) {
        Ok(i) => &cells[i].1,
        Err(_) => &EMPTY,
    }
}

impl Records {
    /// Room for `rows` records (the rows below the header, as the reader
    /// estimates them; bounded, as the estimate comes from the file).
    fn with_capacity(kind: Kind, rows: usize) -> Records {
        let n = rows.min(1 << 20);
        match kind {
            Kind::Roster => Records::Roster(Vec::with_capacity(n)),
            Kind::Targets => Records::Targets(Vec::with_capacity(n)),
            Kind::Customers => Records::Customers(Vec::with_capacity(n)),
            Kind::Followups => Records::Followups(Vec::with_capacity(n)),
            Kind::Payments => Records::Payments(Vec::with_capacity(n)),
            Kind::Scores => Records::Scores(Vec::with_capacity(n)),
            Kind::Adjustments => Records::Adjustments(Vec::with_capacity(n)),
            Kind::Calendar => Records::Calendar(Vec::with_capacity(n)),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Records::None => 0,
            Records::Roster(v) => v.len(),
            Records::Targets(v) => v.len(),
            Records::Customers(v) => v.len(),
            Records::Followups(v) => v.len(),
            Records::Payments(v) => v.len(),
            Records::Scores(v) => v.len(),
            Records::Adjustments(v) => v.len(),
            Records::Calendar(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Parse one row into this sheet's records; `false` when the row is left
    /// out with an error.
    fn parse_row(&mut self, r: &mut RowCtx, as_of: Option<YearMonth>) -> bool {
        fn push<T>(
            v: &mut Vec<Parsed<T>>,
            r: &mut RowCtx,
            rec: Option<(T, Option<RepCell>)>,
        ) -> bool {
            match rec {
                Some((rec, rep)) if !r.failed => {
                    let rep = rep.map(|c| r.texts.rep_cell(c));
                    v.push(Parsed { rec, rep });
                    true
                }
                _ => false,
            }
        }
        match self {
            Records::None => false,
            Records::Roster(v) => {
                let rec = parse_roster(r);
                push(v, r, rec.map(|x| (x, None)))
            }
            Records::Targets(v) => {
                let rec = parse_target(r);
                push(v, r, rec)
            }
            Records::Customers(v) => {
                let rec = parse_customer(r, as_of);
                push(v, r, rec)
            }
            Records::Followups(v) => {
                let rec = parse_followup(r);
                push(v, r, rec)
            }
            Records::Payments(v) => {
                let rec = parse_payment(r);
                push(v, r, rec)
            }
            Records::Scores(v) => {
                let rec = parse_score(r);
                push(v, r, rec)
            }
            Records::Adjustments(v) => {
                let rec = parse_adjustment(r);
                push(v, r, rec)
            }
            Records::Calendar(v) => {
                let rec = parse_calendar(r);
                push(v, r, rec.map(|x| (x, None)))
            }
        }
    }
}

fn parse_roster(r: &mut RowCtx) -> Option<Rep> {
    let rep_id = r.id("rep_id");
    let name = r.text("name");
    let team = r.text("team");
    let role = r.text("role");
    let hire_date = r.date("hire_date");
    let email = r.text("email");
    let supervisor = r.text("supervisor");
    let bonus_base = r.money("bonus_base");
    let mut leave_date = r.date("leave_date");
    let file_password = r
        .text("file_password")
        .map(crate::input::model::Secret::new);
    let id_number = r.text("id_number").map(crate::input::model::Secret::new);
    let (Some(rep_id), Some(name), Some(role), Some(hire_date)) = (rep_id, name, role, hire_date)
    else {
        return None;
    };
    if leave_date.is_some_and(|l| l < hire_date) {
        r.issue(Level::Warning, "leave_date", Reason::LeaveBeforeHire);
        leave_date = None;
    }
    Some(Rep {
        rep_id,
        name,
        team,
        role,
        hire_date,
        email,
        supervisor,
        bonus_base,
        leave_date,
        file_password,
        id_number,
        meta: r.meta(),
    })
}

fn parse_target(r: &mut RowCtx) -> Option<(Target, Option<RepCell>)> {
    let rep = r.rep("rep_id");
    let period = r.period("period");
    let sales_target = r.money("sales_target");
    let new_customer_target = r.number("new_customer_target");
    let followup_target = r.number("followup_target");
    let area_target = r.number("area_target");
    let (Some(rep), Some(period)) = (rep, period) else {
        return None;
    };
    Some((
        Target {
            rep: NO_REP,
            period,
            sales_target,
            new_customer_target,
            followup_target,
            area_target,
            meta: r.meta(),
        },
        Some(rep),
    ))
}

fn parse_customer(
    r: &mut RowCtx,
    as_of: Option<YearMonth>,
) -> Option<(CustomerRow, Option<RepCell>)> {
    let customer_id = r.shared_id("customer_id");
    // Repeated in every month's snapshot of the customer.
    let customer_name = r.shared_text("customer_name");
    let owner = r.rep("owner");
    let lead_time = r.stamp("lead_time");
    let tier = r.shared_text("tier");
    let channel = r.shared_text("channel");
    let source = r.shared_text("source");
    let referrer = r.shared_id("referrer");
    let status = r.word("status").map(|c| {
        if c == "terminated" {
            Status::Terminated
        } else {
            Status::Active
        }
    });
    let end_date = r.date("end_date");
    let (Some(customer_id), Some(customer_name), Some(owner), Some(lead_time)) =
        (customer_id, customer_name, owner, lead_time)
    else {
        return None;
    };
    let attrs = r.texts.attrs(CustomerAttrs {
        tier,
        channel,
        source,
        referrer,
    });
    let rec = CustomerRow {
        customer_id,
        customer_name,
        owner: NO_REP,
        lead_time,
        attrs,
        status,
        end_date,
        as_of,
        meta: r.meta(),
    };
    Some((rec, Some(owner)))
}

fn parse_followup(r: &mut RowCtx) -> Option<(Followup, Option<RepCell>)> {
    let time = r.stamp("time");
    let rep = r.rep("rep");
    let customer_id = r.shared_id("customer_id");
    let method = r.word("method").map(Code::of);
    let stage = r.word("stage").map(Code::of);
    // Follow-up notes are often the same few phrases (电话沟通, 已报价).
    let notes = r.shared_text("notes");
    let next_time = r.date("next_time");
    let (Some(time), Some(rep), Some(customer_id)) = (time, rep, customer_id) else {
        return None;
    };
    Some((
        Followup {
            time,
            rep: NO_REP,
            customer_id,
            method,
            stage,
            notes,
            next_time,
            meta: r.meta(),
        },
        Some(rep),
    ))
}

fn parse_payment(r: &mut RowCtx) -> Option<(Installment, Option<RepCell>)> {
    let contract_id = r.shared_id("contract_id");
    let installment = r.installment();
    let customer_id = r.shared_id("customer_id");
    let rep = r.rep("rep");
    let sign_date = r.date("sign_date");
    let contract_amount = r.money("contract_amount");
    let contract_type = r.word("contract_type").map(|c| {
        if c == "special" {
            ContractType::Special
        } else {
            ContractType::Regular
        }
    });
    let submitted_date = r.date("submitted_date");
    let approved_date = r.date("approved_date");
    let payment_kind = r.word("payment_kind");
    let amount_due = r.money("amount_due");
    let due_date = r.date("due_date");
    let mut amount_paid = r.money("amount_paid");
    let mut paid_date = r.date("paid_date");
    let gross_profit = r.money("gross_profit");
    let area = r.number("area");
    let key_project = r.yes_no("key_project");
    let deal_type = r.word("deal_type").map(|w| {
        if w == "renewal" {
            DealType::Renewal
        } else {
            DealType::New
        }
    });
    let contract_end = r.date("contract_end");
    let (
        Some(contract_id),
        Some(installment),
        Some(customer_id),
        Some(rep),
        Some(sign_date),
        Some(contract_amount),
        Some(amount_due),
        Some(due_date),
    ) = (
        contract_id,
        installment,
        customer_id,
        rep,
        sign_date,
        contract_amount,
        amount_due,
        due_date,
    )
    else {
        return None;
    };
    let installment = installment.unwrap_or(1);
    if amount_paid.is_some_and(|a| !a.is_zero()) && paid_date.is_none() {
        r.issue(Level::Warning, "amount_paid", Reason::PaidWithoutDate);
        amount_paid = None;
    } else if paid_date.is_some() && amount_paid.is_none() {
        r.issue(Level::Warning, "paid_date", Reason::DateWithoutPaid);
        paid_date = None;
    }
    let payment_kind = match payment_kind {
        Some("first") => PaymentKind::First,
        Some(_) => PaymentKind::Final,
        None if installment == 1 => PaymentKind::First,
        None => PaymentKind::Final,
    };
    let rec = Installment {
        contract_id,
        installment,
        customer_id,
        rep: NO_REP,
        sign_date,
        contract_amount,
        contract_type,
        submitted_date,
        approved_date,
        payment_kind,
        amount_due,
        due_date,
        amount_paid,
        paid_date,
        gross_profit,
        area,
        key_project,
        deal_type,
        contract_end,
        meta: r.meta(),
    };
    Some((rec, Some(rep)))
}

fn parse_score(r: &mut RowCtx) -> Option<(Score, Option<RepCell>)> {
    let rep = r.rep("rep_id");
    let period = r.period("period");
    let indicator = r.text("indicator");
    let rater = r.word("rater");
    let score = r.number("score");
    let (Some(rep), Some(period), Some(indicator), Some(score)) = (rep, period, indicator, score)
    else {
        return None;
    };
    Some((
        Score {
            rep: NO_REP,
            period,
            indicator,
            rater,
            score,
            meta: r.meta(),
        },
        Some(rep),
    ))
}

fn parse_adjustment(r: &mut RowCtx) -> Option<(Adjustment, Option<RepCell>)> {
    let rep = r.rep("rep_id");
    let period = r.period("period");
    let kind = r.word("kind");
    let indicator = r.text("indicator");
    let value = r.number("value");
    let reason = r.text("reason");
    let approver = r.text("approver");
    let (Some(rep), Some(period), Some(kind), Some(reason)) = (rep, period, kind, reason) else {
        return None;
    };
    let kind = match kind {
        "target" => AdjustmentKind::Target,
        "exclude" => AdjustmentKind::Exclude,
        "bonus" => AdjustmentKind::Bonus,
        "deduction" => AdjustmentKind::Deduction,
        _ => AdjustmentKind::Veto,
    };
    if matches!(kind, AdjustmentKind::Target | AdjustmentKind::Exclude) && indicator.is_none() {
        r.issue(Level::Error, "indicator", Reason::IndicatorRequired);
        return None;
    }
    if matches!(
        kind,
        AdjustmentKind::Target | AdjustmentKind::Bonus | AdjustmentKind::Deduction
    ) && value.is_none()
    {
        r.issue(Level::Error, "value", Reason::ValueRequired);
        return None;
    }
    Some((
        Adjustment {
            rep: NO_REP,
            period,
            kind,
            indicator,
            value,
            reason,
            approver,
            meta: r.meta(),
        },
        Some(rep),
    ))
}

fn parse_calendar(r: &mut RowCtx) -> Option<CalendarDay> {
    let date = r.date("date");
    let kind = r.word("kind");
    let (Some(date), Some(kind)) = (date, kind) else {
        return None;
    };
    let kind = if kind == "holiday" {
        DayKind::Holiday
    } else {
        DayKind::Workday
    };
    Some(CalendarDay {
        date,
        kind,
        meta: r.meta(),
    })
}

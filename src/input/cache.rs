//! Parsed ledger files kept between runs: a file whose bytes, path, the
//! scheme's column aliases, the limits and the kaohe build are all as when
//! it was last parsed is read back from its typed rows instead of being
//! parsed again, so that a month-end run on a folder where only the new
//! month's files changed parses only those.
//!
//! This module owns the encoding and the key; where the encoded files live
//! is the caller's (`store::parsed` keeps them in the output folder), behind
//! [`Memo`]. What is never kept: a file with a roster sheet (its passwords
//! and ID numbers, also in the raw values of its data issues), a workbook
//! with an open password (its content would be on disk in the clear), a
//! file that could not be read.
//!
//! The encoding is this module's own compact binary: integers as LEB128,
//! each distinct text of a file written once and named by its number
//! afterwards (a customer's id repeats in every follow-up), each shared rep
//! cell likewise, so decoding interns a text once per file into the run's
//! [`TextPool`] and the rows share their texts exactly as freshly parsed
//! ones do. A decoding that does not come out exactly right — a truncated
//! or altered file, a checksum that differs, a word no vocabulary has — is
//! treated as no entry: the file is parsed.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use crate::input::aliases::ColumnAliases;
use crate::input::columns::{Kind, WordList};
use crate::input::dataset::FileOutcome;
use crate::input::issues::{Change, DataIssue, Level, Position, Reason};
use crate::input::model::*;
use crate::input::parse::cell::Bad;
use crate::input::parse::date::Stamp;
use crate::input::read::{Format, Limits, SourceFile};
use crate::input::validate::{
    Parsed, PendingReject, Records, RepCell, SheetOutcome, SheetStats, SheetStatus, TextPool,
};
use crate::period::{Period, YearMonth};

/// Where encoded files are kept between runs, by key.
pub trait Memo: Sync {
    /// The bytes kept under `key`, if any.
    fn get(&self, key: &str) -> Option<Vec<u8>>;
    /// Keep `bytes` under `key` (best effort: a failure only means the file
    /// is parsed again next time).
    fn put(&self, key: &str, bytes: &[u8]);
}

/// The first bytes of every encoded file, with the encoding's version.
const MAGIC: &[u8] = b"kaohe-parsed 2\n";

/// What, besides the file's own bytes, decides how it parses: the kaohe
/// build (its version and `KAOHE_SOURCE_HASH`, a hash of the sources and
/// `Cargo.lock` made by `build.rs`, so that a build with other code or
/// other dependencies never reads another build's entries), the scheme's
/// column aliases and the limits. Computed once per run.
pub fn run_fingerprint(aliases: &ColumnAliases, limits: &Limits) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(MAGIC);
    h.update(env!("CARGO_PKG_VERSION"));
    h.update(env!("KAOHE_SOURCE_HASH"));
    h.update(aliases.fingerprint());
    h.update(format!(
        "{} {} {} {} {}",
        limits.file_bytes, limits.unpacked_bytes, limits.rows, limits.cells, limits.cell_chars
    ));
    Some(crate::input::read::hex(&h.finalize()))
}

/// The key of one file's entry: its content hash, its path in the ledger
/// folder (positions and the as-of month come from it) and the run's
/// fingerprint.
pub fn key(fingerprint: &str, file: &SourceFile, sha256: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(fingerprint);
    h.update([0]);
    h.update(file.rel.as_bytes());
    h.update([0]);
    h.update(sha256);
    crate::input::read::hex(&h.finalize())
}

/// Whether a file's outcome may be kept: read, and no roster sheet in it.
pub fn keepable(outcome: &FileOutcome) -> bool {
    let roster = |s: &SheetOutcome| {
        matches!(
            s.status,
            SheetStatus::Recognised {
                kind: Kind::Roster,
                ..
            } | SheetStatus::MissingColumns {
                kind: Kind::Roster,
                ..
            }
        ) || matches!(s.records, Records::Roster(_))
            || s.issues.iter().any(|i| i.kind == Kind::Roster)
    };
    outcome.0.is_ok() && !outcome.1.iter().any(roster)
}

/// The encoded outcome of a readable file without a roster sheet
/// ([`keepable`]); `None` otherwise.
pub fn encode(outcome: &FileOutcome) -> Option<Vec<u8>> {
    if !keepable(outcome) {
        return None;
    }
    // Sized up front from the rows (about 40 bytes and one new text every
    // other row in the sample ledgers): the buffer and the table of texts
    // are not grown and copied again and again for a large sheet.
    let rows: usize = outcome.1.iter().map(|s| s.records.len()).sum();
    let mut w = Writer {
        buf: Vec::with_capacity(MAGIC.len() + 64 + rows * 48),
        texts: FxHashMap::with_capacity_and_hasher(rows / 2, Default::default()),
        reps: FxHashMap::default(),
    };
    w.buf.extend_from_slice(MAGIC);
    let format = outcome.0.as_ref().ok()?;
    format.put(&mut w);
    outcome.1.put(&mut w);
    let sum = checksum(&w.buf);
    w.buf.extend_from_slice(&sum.to_le_bytes());
    Some(w.buf)
}

/// The outcome of the file at `rel` read back from [`encode`]'s bytes, its
/// texts taken from `pool`; `None` when the bytes are not exactly such an
/// encoding.
pub fn decode(bytes: &[u8], pool: &TextPool, rel: &Arc<str>) -> Option<FileOutcome> {
    let body_len = bytes.len().checked_sub(8)?;
    let (body, sum) = bytes.split_at(body_len);
    if !body.starts_with(MAGIC) || checksum(body).to_le_bytes() != sum {
        return None;
    }
    let mut r = Reader {
        buf: body,
        at: MAGIC.len(),
        texts: Vec::new(),
        reps: Vec::new(),
        pool,
        rel,
    };
    let format = Format::take(&mut r)?;
    let sheets = Vec::<SheetOutcome>::take(&mut r)?;
    (r.at == body.len()).then_some((Ok(format), sheets))
}

/// A fast checksum of the encoded bytes (not a security measure: the
/// entries are the run's own files; it tells a damaged entry).
fn checksum(bytes: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write_usize(bytes.len());
    h.write(bytes);
    h.finish()
}

#[derive(Default)]
struct Writer {
    buf: Vec<u8>,
    /// Texts already written, by address (the rows' texts are shared).
    texts: FxHashMap<usize, u64>,
    reps: FxHashMap<usize, u64>,
}

impl Writer {
    fn uint(&mut self, mut v: u128) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.buf.push(b);
                return;
            }
            self.buf.push(b | 0x80);
        }
    }
    fn int(&mut self, v: i128) {
        self.uint(((v << 1) ^ (v >> 127)) as u128);
    }
    fn str(&mut self, s: &str) {
        self.uint(s.len() as u128);
        self.buf.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'b, 'p> {
    buf: &'b [u8],
    at: usize,
    texts: Vec<Text>,
    reps: Vec<Arc<RepCell>>,
    pool: &'p TextPool,
    /// The path of the file read back, as the run holds it.
    rel: &'p Arc<str>,
}

impl Reader<'_, '_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.buf.get(self.at)?;
        self.at += 1;
        Some(b)
    }
    fn uint(&mut self) -> Option<u128> {
        let mut v = 0u128;
        for shift in (0..128).step_by(7) {
            let b = self.byte()?;
            v |= u128::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn int(&mut self) -> Option<i128> {
        let u = self.uint()?;
        Some((u >> 1) as i128 ^ -((u & 1) as i128))
    }
    fn len(&mut self) -> Option<usize> {
        let n = usize::try_from(self.uint()?).ok()?;
        // No length may claim more than the bytes left.
        (n <= self.buf.len() - self.at).then_some(n)
    }
    fn str(&mut self) -> Option<&str> {
        let n = self.len()?;
        let s = std::str::from_utf8(&self.buf[self.at..self.at + n]).ok()?;
        self.at += n;
        Some(s)
    }
}

/// A value written to and read back from an entry.
trait Codec: Sized {
    fn put(&self, w: &mut Writer);
    fn take(r: &mut Reader) -> Option<Self>;
}

macro_rules! uints {
    ($($t:ty),*) => {$(
        impl Codec for $t {
            fn put(&self, w: &mut Writer) {
                w.uint(*self as u128);
            }
            fn take(r: &mut Reader) -> Option<Self> {
                <$t>::try_from(r.uint()?).ok()
            }
        }
    )*};
}
uints!(u8, u32, u64, usize);

impl Codec for i32 {
    fn put(&self, w: &mut Writer) {
        w.int(i128::from(*self));
    }
    fn take(r: &mut Reader) -> Option<Self> {
        i32::try_from(r.int()?).ok()
    }
}

impl Codec for bool {
    fn put(&self, w: &mut Writer) {
        w.buf.push(u8::from(*self));
    }
    fn take(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }
}

impl Codec for String {
    fn put(&self, w: &mut Writer) {
        w.str(self);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        r.str().map(str::to_string)
    }
}

/// A shared text: written once per entry, then by its number; read back as
/// the run's pooled copy.
impl Codec for Arc<str> {
    fn put(&self, w: &mut Writer) {
        let addr = Arc::as_ptr(self) as *const u8 as usize;
        match w.texts.get(&addr) {
            Some(&n) => w.uint(u128::from(n) + 1),
            None => {
                let n = w.texts.len() as u64;
                w.texts.insert(addr, n);
                w.uint(0);
                w.str(self);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        match usize::try_from(r.uint()?).ok()? {
            0 => {
                let t = r.pool.intern(r.str()?);
                r.texts.push(t.clone());
                Some(t)
            }
            n => r.texts.get(n - 1).cloned(),
        }
    }
}

/// A word of the catalogue (a column's key or header, a vocabulary's
/// code): written as its text, read back as the catalogue's own.
impl Codec for &'static str {
    fn put(&self, w: &mut Writer) {
        w.str(self);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        static WORDS: std::sync::OnceLock<rustc_hash::FxHashSet<&'static str>> =
            std::sync::OnceLock::new();
        let words = WORDS.get_or_init(|| {
            let columns = Kind::ALL
                .iter()
                .flat_map(|k| k.columns())
                .flat_map(|c| [c.key, c.zh, c.en]);
            let words = WordList::ALL
                .iter()
                .flat_map(|&l| crate::input::parse::words::list(l))
                .map(|w| w.code);
            columns.chain(words).collect()
        });
        words.get(r.str()?).copied()
    }
}

impl<T: Codec> Codec for Option<T> {
    fn put(&self, w: &mut Writer) {
        match self {
            None => w.buf.push(0),
            Some(v) => {
                w.buf.push(1);
                v.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            0 => Some(None),
            1 => Some(Some(T::take(r)?)),
            _ => None,
        }
    }
}

impl<T: Codec> Codec for Vec<T> {
    fn put(&self, w: &mut Writer) {
        w.uint(self.len() as u128);
        for v in self {
            v.put(w);
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let n = r.len()?;
        // Reserved up to a bound: a count is checked only against the
        // bytes left, and an element may take more memory than bytes.
        let mut v = Vec::with_capacity(n.min(1 << 16));
        for _ in 0..n {
            v.push(T::take(r)?);
        }
        Some(v)
    }
}

impl<A: Codec, B: Codec> Codec for (A, B) {
    fn put(&self, w: &mut Writer) {
        self.0.put(w);
        self.1.put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some((A::take(r)?, B::take(r)?))
    }
}

/// The scale with the sign in its sixth bit (a negative zero, `-0元`,
/// keeps its sign: the mantissa alone would lose it), then the mantissa.
impl Codec for Decimal {
    fn put(&self, w: &mut Writer) {
        let sign = u128::from(self.is_sign_negative()) << 5;
        w.uint(u128::from(self.scale()) | sign);
        w.int(self.mantissa());
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let flags = u32::try_from(r.uint()?).ok()?;
        let mut d = Decimal::try_from_i128_with_scale(r.int()?, flags & 0x1f).ok()?;
        d.set_sign_negative(flags & 0x20 != 0);
        (flags < 0x40).then_some(d)
    }
}

impl Codec for NaiveDate {
    fn put(&self, w: &mut Writer) {
        self.num_days_from_ce().put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        NaiveDate::from_num_days_from_ce_opt(i32::take(r)?)
    }
}

use chrono::{Datelike, Timelike};

impl Codec for NaiveDateTime {
    fn put(&self, w: &mut Writer) {
        self.date().put(w);
        self.time().num_seconds_from_midnight().put(w);
        self.time().nanosecond().put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let date = NaiveDate::take(r)?;
        let secs = u32::take(r)?;
        let nanos = u32::take(r)?;
        Some(date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, nanos)?))
    }
}

impl Codec for Code {
    fn put(&self, w: &mut Writer) {
        self.as_str().put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Code::try_of(<&'static str>::take(r)?)
    }
}

/// A struct, field by field (the same list both ways, so the two cannot
/// disagree; a field left out does not compile).
macro_rules! fields {
    ($t:ident { $($f:ident),* $(,)? }) => {
        fields!($t { $($f),* } where |_| true);
    };
    // `where`: what a value read back must satisfy.
    ($t:ident { $($f:ident),* $(,)? } where $ok:expr) => {
        impl Codec for $t {
            fn put(&self, w: &mut Writer) {
                $(self.$f.put(w);)*
            }
            fn take(r: &mut Reader) -> Option<Self> {
                let v = $t { $($f: Codec::take(r)?,)* };
                let ok: fn(&$t) -> bool = $ok;
                ok(&v).then_some(v)
            }
        }
    };
}

/// An enum without data, by its place in the list.
macro_rules! units {
    ($t:ident { $($v:ident),* $(,)? }) => {
        units!($t = &[$($t::$v),*]);
    };
    // By the type's own list of every variant.
    ($t:ident = $all:expr) => {
        impl Codec for $t {
            fn put(&self, w: &mut Writer) {
                const ALL: &[$t] = $all;
                let i = ALL.iter().position(|v| v == self).expect("every variant listed");
                w.buf.push(i as u8);
            }
            fn take(r: &mut Reader) -> Option<Self> {
                const ALL: &[$t] = $all;
                ALL.get(usize::from(r.byte()?)).copied()
            }
        }
    };
}

units!(Format {
    Xlsx,
    Xls,
    Xlsb,
    Ods,
    Csv
});
units!(Kind = &Kind::ALL);
units!(Level {
    Error,
    Warning,
    Info
});
units!(Status { Active, Terminated });
units!(ContractType { Regular, Special });
units!(DealType { New, Renewal });
units!(PaymentKind { First, Final });
units!(AdjustmentKind {
    Target,
    Exclude,
    Bonus,
    Deduction,
    Veto
});
units!(DayKind { Holiday, Workday });
units!(WordList = &WordList::ALL);

/// A month as `YearMonth::new` accepts it.
impl Codec for YearMonth {
    fn put(&self, w: &mut Writer) {
        self.year.put(w);
        self.month.put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        YearMonth::new(i32::take(r)?, u32::take(r)?)
    }
}
fields!(RowRef { sheet, row });
fields!(RowMeta {
    src,
    filled,
    warned
});
fields!(SheetStats {
    data_rows,
    used,
    merged,
    replaced,
    empty,
    totals,
    errors
});
/// A position: its file, when it is the file read back (always, but for a
/// correction naming an earlier file), is the run's own text of that path,
/// as in a freshly parsed file (evidence compares them by address first).
impl Codec for Position {
    fn put(&self, w: &mut Writer) {
        self.file.put(w);
        self.sheet.put(w);
        self.row.put(w);
        self.col.put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let file: Arc<str> = Codec::take(r)?;
        let file = if *file == **r.rel {
            r.rel.clone()
        } else {
            file
        };
        Some(Position {
            file,
            sheet: Codec::take(r)?,
            row: Codec::take(r)?,
            col: Codec::take(r)?,
        })
    }
}
fields!(Change { header, old, new });
fields!(DataIssue {
    level,
    kind,
    pos,
    header,
    raw,
    reason
});
fields!(PendingReject { row, rep, dates });
fields!(RepCell { text, raw, key });
fields!(Target {
    rep,
    period,
    sales_target,
    new_customer_target,
    followup_target,
    area_target,
    meta
} where |v| v.rep == NO_REP);
fields!(CustomerRow {
    customer_id,
    customer_name,
    owner,
    lead_time,
    attrs,
    status,
    end_date,
    as_of,
    meta
} where |v| v.owner == NO_REP);
fields!(Followup {
    time,
    rep,
    customer_id,
    method,
    stage,
    notes,
    next_time,
    meta
} where |v| v.rep == NO_REP);
fields!(Installment {
    contract_id,
    installment,
    customer_id,
    rep,
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
    meta
} where |v| v.rep == NO_REP);
fields!(Score {
    rep,
    period,
    indicator,
    rater,
    score,
    meta
} where |v| v.rep == NO_REP);
fields!(Adjustment {
    rep,
    period,
    kind,
    indicator,
    value,
    reason,
    approver,
    meta
} where |v| v.rep == NO_REP);
fields!(CalendarDay { date, kind, meta });
fields!(SheetOutcome {
    name,
    hidden,
    status,
    columns,
    stats,
    records,
    issues,
    rejected,
    unrecognised
} where |v| match v.status {
    // A recognised sheet names a column (or none) for each of its kind's.
    SheetStatus::Recognised { kind, .. } => v.columns.len() == kind.columns().len(),
    _ => true,
});

/// A customer's attributes: their texts, read back as the run's one copy.
impl Codec for Arc<CustomerAttrs> {
    fn put(&self, w: &mut Writer) {
        self.tier.put(w);
        self.channel.put(w);
        self.source.put(w);
        self.referrer.put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        let a = CustomerAttrs {
            tier: Codec::take(r)?,
            channel: Codec::take(r)?,
            source: Codec::take(r)?,
            referrer: Codec::take(r)?,
        };
        Some(r.pool.attrs(a))
    }
}

/// A rep cell shared by a sheet's rows: written once, then by its number.
impl Codec for Arc<RepCell> {
    fn put(&self, w: &mut Writer) {
        let addr = Arc::as_ptr(self) as usize;
        match w.reps.get(&addr) {
            Some(&n) => w.uint(u128::from(n) + 1),
            None => {
                let n = w.reps.len() as u64;
                w.reps.insert(addr, n);
                w.uint(0);
                (**self).put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        match usize::try_from(r.uint()?).ok()? {
            0 => {
                let c = Arc::new(RepCell::take(r)?);
                r.reps.push(c.clone());
                Some(c)
            }
            n => r.reps.get(n - 1).cloned(),
        }
    }
}

impl<T: Codec> Codec for Parsed<T> {
    fn put(&self, w: &mut Writer) {
        self.rec.put(w);
        self.rep.put(w);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(Parsed {
            rec: T::take(r)?,
            rep: Codec::take(r)?,
        })
    }
}

impl Codec for Stamp {
    fn put(&self, w: &mut Writer) {
        match self {
            Stamp::Date(d) => {
                w.buf.push(0);
                d.put(w);
            }
            Stamp::DateTime(t) => {
                w.buf.push(1);
                t.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            0 => Some(Stamp::Date(NaiveDate::take(r)?)),
            1 => Some(Stamp::DateTime(NaiveDateTime::take(r)?)),
            _ => None,
        }
    }
}

impl Codec for Period {
    fn put(&self, w: &mut Writer) {
        match *self {
            Period::Month(m) => {
                w.buf.push(0);
                m.put(w);
            }
            Period::Quarter { year, quarter } => {
                w.buf.push(1);
                year.put(w);
                quarter.put(w);
            }
            Period::Year(y) => {
                w.buf.push(2);
                y.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        match r.byte()? {
            0 => Some(Period::Month(YearMonth::take(r)?)),
            1 => {
                let year = i32::take(r)?;
                let quarter = u32::take(r)?;
                YearMonth::new(year, 1)?;
                (1..=4)
                    .contains(&quarter)
                    .then_some(Period::Quarter { year, quarter })
            }
            2 => {
                let year = i32::take(r)?;
                YearMonth::new(year, 1).map(|_| Period::Year(year))
            }
            _ => None,
        }
    }
}

impl Codec for SheetStatus {
    fn put(&self, w: &mut Writer) {
        match self {
            SheetStatus::Recognised { kind, header_row } => {
                w.buf.push(0);
                kind.put(w);
                header_row.put(w);
            }
            SheetStatus::Empty => w.buf.push(1),
            SheetStatus::NoMatch { near } => {
                w.buf.push(2);
                near.put(w);
            }
            SheetStatus::MissingColumns { kind, missing } => {
                w.buf.push(3);
                kind.put(w);
                missing.put(w);
            }
            SheetStatus::Ambiguous(kinds) => {
                w.buf.push(4);
                kinds.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(match r.byte()? {
            0 => SheetStatus::Recognised {
                kind: Codec::take(r)?,
                header_row: Codec::take(r)?,
            },
            1 => SheetStatus::Empty,
            2 => SheetStatus::NoMatch {
                near: Codec::take(r)?,
            },
            3 => SheetStatus::MissingColumns {
                kind: Codec::take(r)?,
                missing: Codec::take(r)?,
            },
            4 => SheetStatus::Ambiguous(Codec::take(r)?),
            _ => return None,
        })
    }
}

impl Codec for Records {
    fn put(&self, w: &mut Writer) {
        match self {
            Records::None => w.buf.push(0),
            // Never kept (`keepable`): the roster holds secrets.
            Records::Roster(_) => unreachable!("a roster is never encoded"),
            Records::Targets(v) => {
                w.buf.push(2);
                v.put(w);
            }
            Records::Customers(v) => {
                w.buf.push(3);
                v.put(w);
            }
            Records::Followups(v) => {
                w.buf.push(4);
                v.put(w);
            }
            Records::Payments(v) => {
                w.buf.push(5);
                v.put(w);
            }
            Records::Scores(v) => {
                w.buf.push(6);
                v.put(w);
            }
            Records::Adjustments(v) => {
                w.buf.push(7);
                v.put(w);
            }
            Records::Calendar(v) => {
                w.buf.push(8);
                v.put(w);
            }
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(match r.byte()? {
            0 => Records::None,
            2 => Records::Targets(Codec::take(r)?),
            3 => Records::Customers(Codec::take(r)?),
            4 => Records::Followups(Codec::take(r)?),
            5 => Records::Payments(Codec::take(r)?),
            6 => Records::Scores(Codec::take(r)?),
            7 => Records::Adjustments(Codec::take(r)?),
            8 => Records::Calendar(Codec::take(r)?),
            _ => return None,
        })
    }
}

impl Codec for Bad {
    fn put(&self, w: &mut Writer) {
        let i: u8 = match self {
            Bad::NotADate => 0,
            Bad::NoSuchDate => 1,
            Bad::NotAMoney => 2,
            Bad::NotANumber => 3,
            Bad::NotAnInstallment => 4,
            Bad::NotAPeriod => 5,
            Bad::NotYesNo => 6,
            Bad::ErrorValue => 7,
            Bad::Duration => 8,
            Bad::ImplausibleSerial => 9,
            Bad::UnknownWord(l) => {
                w.buf.push(10);
                l.put(w);
                return;
            }
        };
        w.buf.push(i);
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(match r.byte()? {
            0 => Bad::NotADate,
            1 => Bad::NoSuchDate,
            2 => Bad::NotAMoney,
            3 => Bad::NotANumber,
            4 => Bad::NotAnInstallment,
            5 => Bad::NotAPeriod,
            6 => Bad::NotYesNo,
            7 => Bad::ErrorValue,
            8 => Bad::Duration,
            9 => Bad::ImplausibleSerial,
            10 => Bad::UnknownWord(Codec::take(r)?),
            _ => return None,
        })
    }
}

impl Codec for Reason {
    fn put(&self, w: &mut Writer) {
        match self {
            Reason::Missing => w.buf.push(0),
            Reason::Bad(b) => {
                w.buf.push(1);
                b.put(w);
            }
            Reason::UnknownRep => w.buf.push(2),
            Reason::AmbiguousRep { count } => {
                w.buf.push(3);
                count.put(w);
            }
            Reason::Corrected { previous, changes } => {
                w.buf.push(4);
                previous.put(w);
                changes.put(w);
            }
            Reason::ContractMismatch { installment, kept } => {
                w.buf.push(5);
                installment.put(w);
                kept.put(w);
            }
            Reason::PaidWithoutDate => w.buf.push(6),
            Reason::DateWithoutPaid => w.buf.push(7),
            Reason::IndicatorRequired => w.buf.push(8),
            Reason::ValueRequired => w.buf.push(9),
            Reason::TerminatedWithoutEndDate { from } => {
                w.buf.push(10);
                from.put(w);
            }
            Reason::LeaveBeforeHire => w.buf.push(11),
            Reason::OutOfScale { max } => {
                w.buf.push(12);
                max.put(w);
            }
            Reason::UnknownIndicator => w.buf.push(13),
        }
    }
    fn take(r: &mut Reader) -> Option<Self> {
        Some(match r.byte()? {
            0 => Reason::Missing,
            1 => Reason::Bad(Codec::take(r)?),
            2 => Reason::UnknownRep,
            3 => Reason::AmbiguousRep {
                count: Codec::take(r)?,
            },
            4 => Reason::Corrected {
                previous: Codec::take(r)?,
                changes: Codec::take(r)?,
            },
            5 => Reason::ContractMismatch {
                installment: Codec::take(r)?,
                kept: Codec::take(r)?,
            },
            6 => Reason::PaidWithoutDate,
            7 => Reason::DateWithoutPaid,
            8 => Reason::IndicatorRequired,
            9 => Reason::ValueRequired,
            10 => Reason::TerminatedWithoutEndDate {
                from: Codec::take(r)?,
            },
            11 => Reason::LeaveBeforeHire,
            12 => Reason::OutOfScale {
                max: Codec::take(r)?,
            },
            13 => Reason::UnknownIndicator,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::read::ReadError;

    fn meta(row: u32) -> RowMeta {
        RowMeta {
            src: RowRef { sheet: 0, row },
            filled: 0b1011,
            warned: row.is_multiple_of(2),
        }
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn rel() -> Arc<str> {
        "2026-03/台账.xlsx".into()
    }

    fn pos(row: u32, col: Option<u32>) -> Position {
        Position {
            file: "2026-03/台账.xlsx".into(),
            sheet: "回款".into(),
            row,
            col,
        }
    }

    fn issue(reason: Reason) -> DataIssue {
        DataIssue {
            level: Level::Warning,
            kind: Kind::Payments,
            pos: pos(7, Some(3)),
            header: "合同金额".into(),
            raw: "壹万".into(),
            reason,
        }
    }

    /// An outcome with every kind of record, every sheet status and every
    /// reason of a data issue (negative and fractional money, a time of
    /// day, texts and rep cells shared by rows).
    fn every_variant() -> FileOutcome {
        let kh1: Text = "KH001".into();
        let rep = Arc::new(RepCell {
            text: "S001".into(),
            raw: Some("s001 ".into()),
            key: "owner",
        });
        fn with<T>(rec: T, rep: &Arc<RepCell>) -> Parsed<T> {
            Parsed {
                rec,
                rep: Some(rep.clone()),
            }
        }
        let customer = CustomerRow {
            customer_id: kh1.clone(),
            customer_name: "甲公司".into(),
            owner: NO_REP,
            lead_time: Stamp::DateTime(date("2026-03-05").and_hms_opt(9, 30, 15).unwrap()),
            attrs: Arc::new(CustomerAttrs {
                tier: Some("A".into()),
                channel: None,
                source: Some("展会".into()),
                referrer: None,
            }),
            status: Some(Status::Terminated),
            end_date: Some(date("2026-03-31")),
            as_of: Some(YearMonth {
                year: 2026,
                month: 3,
            }),
            meta: meta(2),
        };
        let followup = Followup {
            time: Stamp::Date(date("2026-03-06")),
            rep: NO_REP,
            customer_id: kh1.clone(),
            method: Some(Code::of("visit")),
            stage: None,
            notes: Some("面谈".into()),
            next_time: None,
            meta: meta(3),
        };
        let payment = Installment {
            contract_id: "HT1".into(),
            installment: 2,
            customer_id: kh1.clone(),
            rep: NO_REP,
            sign_date: date("2026-01-31"),
            contract_amount: Decimal::new(12_345_678, 2),
            contract_type: Some(ContractType::Special),
            submitted_date: None,
            approved_date: Some(date("2026-02-01")),
            payment_kind: PaymentKind::Final,
            amount_due: Decimal::new(-5, 1),
            due_date: date("2026-02-28"),
            amount_paid: Some(Decimal::MAX.checked_div(Decimal::new(3, 0)).unwrap()),
            paid_date: Some(date("2026-02-27")),
            // A negative zero (`-0元`): its sign is kept.
            gross_profit: Some({
                let mut z = Decimal::new(0, 2);
                z.set_sign_negative(true);
                z
            }),
            area: Some(Decimal::new(0, 3)),
            key_project: Some(false),
            deal_type: Some(DealType::Renewal),
            contract_end: None,
            meta: meta(4),
        };
        let period = Period::Quarter {
            year: 2026,
            quarter: 1,
        };
        // A recognised sheet: every other column of its kind present.
        let columns = |status: &SheetStatus| match status {
            SheetStatus::Recognised { kind, .. } => kind
                .columns()
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    i.is_multiple_of(2)
                        .then(|| (i as u32 + 1, Text::from(c.zh)))
                })
                .collect(),
            _ => Vec::new(),
        };
        let sheet = |name: &str, status, records| SheetOutcome {
            name: name.into(),
            hidden: false,
            columns: columns(&status),
            status,
            stats: SheetStats {
                data_rows: 9,
                used: 3,
                merged: 1,
                replaced: 1,
                empty: 2,
                totals: 1,
                errors: 1,
            },
            records,
            issues: Vec::new(),
            rejected: Vec::new(),
            unrecognised: Vec::new(),
        };
        let recognised = |kind| SheetStatus::Recognised {
            kind,
            header_row: 2,
        };
        let mut payments = sheet(
            "回款",
            recognised(Kind::Payments),
            Records::Payments(vec![with(payment.clone(), &rep), with(payment, &rep)]),
        );
        let bads = [
            Bad::NotADate,
            Bad::NoSuchDate,
            Bad::NotAMoney,
            Bad::NotANumber,
            Bad::NotAnInstallment,
            Bad::NotAPeriod,
            Bad::NotYesNo,
            Bad::ErrorValue,
            Bad::Duration,
            Bad::ImplausibleSerial,
            Bad::UnknownWord(WordList::Rater),
        ];
        payments.issues = bads
            .into_iter()
            .map(Reason::Bad)
            .chain([
                Reason::Missing,
                Reason::UnknownRep,
                Reason::AmbiguousRep { count: 3 },
                Reason::Corrected {
                    previous: pos(5, None),
                    changes: vec![Change {
                        header: "合同金额".into(),
                        old: "1000.00".into(),
                        new: String::new(),
                    }],
                },
                Reason::ContractMismatch {
                    installment: 1,
                    kept: "2026-01-31".into(),
                },
                Reason::PaidWithoutDate,
                Reason::DateWithoutPaid,
                Reason::IndicatorRequired,
                Reason::ValueRequired,
                Reason::TerminatedWithoutEndDate { from: None },
                Reason::TerminatedWithoutEndDate {
                    from: Some(date("2026-03-01")),
                },
                Reason::LeaveBeforeHire,
                Reason::OutOfScale { max: "100".into() },
                Reason::UnknownIndicator,
            ])
            .map(issue)
            .collect();
        payments.rejected = vec![PendingReject {
            row: 9,
            rep: Some((*rep).clone()),
            dates: vec![date("2026-02-28"), date("1900-01-01")],
        }];
        let sheets = vec![
            payments,
            sheet(
                "客户",
                recognised(Kind::Customers),
                Records::Customers(vec![with(customer, &rep)]),
            ),
            sheet(
                "跟进",
                recognised(Kind::Followups),
                Records::Followups(vec![
                    with(followup.clone(), &rep),
                    Parsed {
                        rec: followup,
                        rep: None,
                    },
                ]),
            ),
            sheet(
                "目标",
                recognised(Kind::Targets),
                Records::Targets(vec![with(
                    Target {
                        rep: NO_REP,
                        period: Period::Month(YearMonth {
                            year: 2026,
                            month: 12,
                        }),
                        sales_target: Some(Decimal::new(500_000, 0)),
                        new_customer_target: None,
                        followup_target: Some(Decimal::new(3, 0)),
                        area_target: None,
                        meta: meta(2),
                    },
                    &rep,
                )]),
            ),
            sheet(
                "评分",
                recognised(Kind::Scores),
                Records::Scores(vec![with(
                    Score {
                        rep: NO_REP,
                        period,
                        indicator: "客户满意度".into(),
                        rater: Some("supervisor"),
                        score: Decimal::new(875, 1),
                        meta: meta(2),
                    },
                    &rep,
                )]),
            ),
            sheet(
                "调整",
                recognised(Kind::Adjustments),
                Records::Adjustments(vec![with(
                    Adjustment {
                        rep: NO_REP,
                        period: Period::Year(2026),
                        kind: AdjustmentKind::Veto,
                        indicator: None,
                        value: Some(Decimal::new(-3, 0)),
                        reason: "重大违规".into(),
                        approver: Some("王经理".into()),
                        meta: meta(2),
                    },
                    &rep,
                )]),
            ),
            sheet(
                "日历",
                recognised(Kind::Calendar),
                Records::Calendar(vec![Parsed {
                    rec: CalendarDay {
                        date: date("2026-10-10"),
                        kind: DayKind::Workday,
                        meta: meta(2),
                    },
                    rep: None,
                }]),
            ),
            sheet("空", SheetStatus::Empty, Records::None),
            sheet(
                "说明",
                SheetStatus::NoMatch {
                    near: Some((Kind::Payments, vec!["合同编号", "期次"])),
                },
                Records::None,
            ),
            sheet("其他", SheetStatus::NoMatch { near: None }, Records::None),
            SheetOutcome {
                unrecognised: vec!["合同总额".into()],
                ..sheet(
                    "回款2",
                    SheetStatus::MissingColumns {
                        kind: Kind::Payments,
                        missing: vec!["合同金额"],
                    },
                    Records::None,
                )
            },
            sheet(
                "两可",
                SheetStatus::Ambiguous(vec![Kind::Customers, Kind::Followups]),
                Records::None,
            ),
        ];
        (Ok(Format::Ods), sheets)
    }

    #[test]
    fn every_record_status_and_reason_reads_back_as_written() {
        let outcome = every_variant();
        let bytes = encode(&outcome).expect("keepable");
        let pool = TextPool::default();
        let back = decode(&bytes, &pool, &rel()).expect("reads back");
        assert_eq!(format!("{back:?}"), format!("{outcome:?}"));
        // Texts and rep cells shared by rows stay shared, and come from
        // the run's pool.
        let Records::Payments(rows) = &back.1[0].records else {
            panic!("payments first")
        };
        assert!(Arc::ptr_eq(
            &rows[0].rec.customer_id,
            &rows[1].rec.customer_id
        ));
        assert!(Arc::ptr_eq(
            rows[0].rep.as_ref().unwrap(),
            rows[1].rep.as_ref().unwrap()
        ));
        assert!(Arc::ptr_eq(&rows[0].rec.customer_id, &pool.intern("KH001")));
    }

    #[test]
    fn a_damaged_entry_reads_as_none() {
        let bytes = encode(&every_variant()).unwrap();
        let pool = TextPool::default();
        // Cut short, one byte changed, something appended, nothing at all.
        assert!(decode(&bytes[..bytes.len() - 1], &pool, &rel()).is_none());
        assert!(decode(&bytes[..bytes.len() / 2], &pool, &rel()).is_none());
        for at in [MAGIC.len(), bytes.len() / 2, bytes.len() - 9] {
            let mut b = bytes.clone();
            b[at] ^= 0x20;
            assert!(decode(&b, &pool, &rel()).is_none(), "byte {at} changed");
        }
        let mut b = bytes.clone();
        b.push(0);
        assert!(decode(&b, &pool, &rel()).is_none());
        assert!(decode(&[], &pool, &rel()).is_none());
        // A valid checksum over a body that does not decode: a word no
        // vocabulary has (`owner` → `ownez`).
        let mut b = bytes[..bytes.len() - 8].to_vec();
        let at = b.windows(5).position(|w| w == b"owner").unwrap();
        b[at + 4] = b'z';
        let sum = checksum(&b);
        b.extend_from_slice(&sum.to_le_bytes());
        assert!(decode(&b, &pool, &rel()).is_none());
    }

    /// `bytes` with `from` replaced by `to` (the same length) and the
    /// checksum made anew: a well-formed entry with other values.
    fn altered(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let mut b = bytes[..bytes.len() - 8].to_vec();
        let at = b.windows(from.len()).position(|w| w == from).unwrap();
        b[at..at + to.len()].copy_from_slice(to);
        let sum = checksum(&b);
        b.extend_from_slice(&sum.to_le_bytes());
        b
    }

    #[test]
    fn values_no_parse_gives_read_as_no_entry() {
        // One followup sheet, its row naming a rep already (parsed rows
        // never do), or dated in month 13.
        let followup = Followup {
            time: Stamp::Date(date("2026-03-06")),
            rep: NO_REP,
            customer_id: "KH001".into(),
            method: None,
            stage: None,
            notes: None,
            next_time: None,
            meta: meta(3),
        };
        let score = Score {
            rep: NO_REP,
            period: Period::Month(YearMonth {
                year: 2026,
                month: 11,
            }),
            indicator: "客户满意度".into(),
            rater: None,
            score: Decimal::new(90, 0),
            meta: meta(2),
        };
        let sheet = |records| SheetOutcome {
            name: "跟进".into(),
            hidden: false,
            status: SheetStatus::Empty,
            columns: Vec::new(),
            stats: SheetStats::default(),
            records,
            issues: Vec::new(),
            rejected: Vec::new(),
            unrecognised: Vec::new(),
        };
        let pool = TextPool::default();
        let bytes = encode(&(
            Ok(Format::Xlsx),
            vec![sheet(Records::Followups(vec![Parsed {
                rec: followup,
                rep: None,
            }]))],
        ))
        .unwrap();
        assert!(decode(&bytes, &pool, &rel()).is_some());
        // NO_REP is u32::MAX: LEB128 ff ff ff ff 0f; 7 is 07.
        let max = [0xff, 0xff, 0xff, 0xff, 0x0f];
        let seven = [0x07, 0xff, 0xff, 0xff, 0x0f];
        let b = altered(&bytes, &max, &seven);
        assert!(
            decode(&b, &pool, &rel()).is_none(),
            "a rep already resolved"
        );
        let bytes = encode(&(
            Ok(Format::Xlsx),
            vec![sheet(Records::Scores(vec![Parsed {
                rec: score,
                rep: None,
            }]))],
        ))
        .unwrap();
        assert!(decode(&bytes, &pool, &rel()).is_some());
        // 2026 zigzag is LEB128 d4 1f; month 11 → 13.
        let b = altered(&bytes, &[0xd4, 0x1f, 0x0b], &[0xd4, 0x1f, 0x0d]);
        assert!(decode(&b, &pool, &rel()).is_none(), "month 13");
    }

    #[test]
    fn a_roster_an_unreadable_file_are_never_kept() {
        let rep = Rep {
            rep_id: "S001".into(),
            name: "张三".into(),
            team: None,
            role: "销售".into(),
            hire_date: date("2025-01-01"),
            email: None,
            supervisor: None,
            bonus_base: None,
            leave_date: None,
            file_password: Some(Secret::new("pw-123")),
            id_number: Some(Secret::new("110101199001011234")),
            meta: meta(2),
        };
        let (format, mut sheets) = every_variant();
        sheets[1].status = SheetStatus::Recognised {
            kind: Kind::Roster,
            header_row: 1,
        };
        sheets[1].records = Records::Roster(vec![Parsed {
            rec: rep,
            rep: None,
        }]);
        assert!(encode(&(format, sheets)).is_none());
        let (_, sheets) = every_variant();
        let unreadable = Err(ReadError {
            file: "a.xlsx".into(),
            message: "damaged".into(),
        });
        assert!(encode(&(unreadable, sheets)).is_none());
    }

    #[test]
    fn the_sample_ledgers_read_back_as_parsed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ledgers");
        let loaded =
            crate::input::dataset::read_all(&root, &ColumnAliases::default(), &|_| {}).unwrap();
        let pool = TextPool::default();
        let mut kept = 0;
        for (file, outcome) in loaded.files.iter().zip(&loaded.outcomes) {
            let Some(bytes) = encode(outcome) else {
                // Only the roster workbooks are left out.
                assert!(file.rel.contains("人员"), "{} not kept", file.rel);
                continue;
            };
            kept += 1;
            let back = decode(&bytes, &pool, &file.rel).expect("reads back");
            assert_eq!(format!("{back:?}"), format!("{outcome:?}"), "{}", file.rel);
        }
        assert!(kept >= 50, "{kept} files kept");
        // One copy of each combination of customer attributes in the run,
        // whatever file and month it comes from.
        let mut by_value: Vec<(&CustomerAttrs, usize)> = Vec::new();
        let mut rows = 0;
        for sheet in loaded.outcomes.iter().flat_map(|o| &o.1) {
            if let Records::Customers(v) = &sheet.records {
                for p in v {
                    rows += 1;
                    let addr = Arc::as_ptr(&p.rec.attrs) as usize;
                    match by_value.iter().find(|(a, _)| **a == *p.rec.attrs) {
                        Some(&(_, known)) => assert_eq!(known, addr, "{:?}", p.rec.attrs),
                        None => by_value.push((&p.rec.attrs, addr)),
                    }
                }
            }
        }
        assert!(
            rows > 10 * by_value.len(),
            "{rows} rows, {} combinations",
            by_value.len()
        );
    }
}

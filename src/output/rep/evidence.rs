//! The evidence sheets (佐证材料): this rep's rows behind the numbers, each
//! with its source (file!sheet!row), built as data first — so the period's
//! content digest reads the same rows the workbook shows — then laid out.

use super::*;

/// The ledger rows that the data set's issues name, built once per data
/// set and shared by every rep's workbook: a rep's evidence lists the
/// issues on its own rows, and most reps have none.
pub struct IssueRows {
    /// Per sheet (index into `ds.sheets`), a bit per row: the rows some
    /// issue names; empty when no issue names the sheet.
    rows: Vec<Vec<u64>>,
    /// Whether any issue names a row.
    any: bool,
    /// Per issue (as in `ds.issues`): its group of sheets in `sheets`.
    named: Vec<u32>,
    /// Groups of sheets (indexes into `ds.sheets`): an issue names its sheet
    /// by file and sheet name, which may be several of the data set's sheets.
    sheets: Vec<Vec<u32>>,
    /// Per issue: whether it bears on the period (the others are not shown).
    keep: Vec<bool>,
}

impl IssueRows {
    /// The rows named by the issues for which `keep` (by index into
    /// `ds.issues`) is true: those bearing on the period written.
    pub fn new(ds: &crate::input::dataset::Dataset, keep: &[bool]) -> IssueRows {
        let mut out = IssueRows {
            rows: Vec::new(),
            any: false,
            named: Vec::with_capacity(ds.issues.len()),
            sheets: Vec::new(),
            keep: (0..ds.issues.len())
                .map(|i| keep.get(i).copied().unwrap_or(true))
                .collect(),
        };
        // The sheets of a name, looked up again only when the issue's sheet
        // changes (issues are sorted by position).
        let mut last: Option<(Arc<str>, Arc<str>)> = None;
        for issue in &ds.issues {
            let pos = &issue.pos;
            let same = last.as_ref().is_some_and(|(file, sheet)| {
                Arc::ptr_eq(file, &pos.file) && Arc::ptr_eq(sheet, &pos.sheet)
            });
            if !same {
                let sheets = ds
                    .sheets
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| {
                        *s.name == *pos.sheet && *ds.files[s.file as usize].rel == *pos.file
                    })
                    .map(|(i, _)| i as u32)
                    .collect();
                out.sheets.push(sheets);
                last = Some((pos.file.clone(), pos.sheet.clone()));
            }
            let g = out.sheets.len() - 1;
            out.named.push(g as u32);
            if !out.keep[out.named.len() - 1] {
                continue;
            }
            for &sh in &out.sheets[g] {
                let (sh, row) = (sh as usize, pos.row as usize);
                if out.rows.len() <= sh {
                    out.rows.resize(sh + 1, Vec::new());
                }
                let bits = &mut out.rows[sh];
                if bits.len() <= row / 64 {
                    bits.resize(row / 64 + 1, 0);
                }
                bits[row / 64] |= 1 << (row % 64);
                out.any = true;
            }
        }
        out
    }

    /// Whether some issue names this row of this sheet.
    fn named(&self, sheet: u32, row: u32) -> bool {
        let (sheet, row) = (sheet as usize, row as usize);
        self.rows
            .get(sheet)
            .and_then(|bits| bits.get(row / 64))
            .is_some_and(|w| w >> (row % 64) & 1 == 1)
    }
}

/// A cell of an evidence table.
enum V<'a> {
    /// Text built for the table.
    T(String),
    /// Text borrowed from the data set or a fixed label.
    S(&'a str),
    N(f64, &'static str),
    D(chrono::NaiveDate),
    E,
}

/// What a cell holds, for its format: a column of one kind gets one format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum CellKind {
    Text,
    Num(&'static str),
    Date,
}

impl V<'_> {
    fn kind(&self) -> Option<CellKind> {
        match self {
            V::T(_) | V::S(_) => Some(CellKind::Text),
            V::N(_, f) => Some(CellKind::Num(f)),
            V::D(_) => Some(CellKind::Date),
            V::E => None,
        }
    }
}

/// The cell format of a kind of evidence cell: thin borders, and the
/// number or date format.
fn kind_format(fm: &Formats, kind: CellKind) -> Format {
    match kind {
        CellKind::Text => fm.text.clone(),
        CellKind::Num(f) => Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format(f),
        CellKind::Date => Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format("yyyy-mm-dd"),
    }
}

/// The source address of a ledger row (`file!sheet!row`, as
/// [`crate::input::issues::Position::address`] writes it), with the `file!sheet!`
/// part built once per sheet rather than once per row.
struct SrcAddr<'a> {
    ds: &'a crate::input::dataset::Dataset,
    prefixes: std::cell::RefCell<Vec<Option<Arc<str>>>>,
}

impl<'a> SrcAddr<'a> {
    fn new(ds: &'a crate::input::dataset::Dataset) -> SrcAddr<'a> {
        SrcAddr {
            ds,
            prefixes: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn address(&self, s: crate::input::model::RowRef) -> String {
        let i = s.sheet as usize;
        let mut prefixes = self.prefixes.borrow_mut();
        if prefixes.len() <= i {
            prefixes.resize(i + 1, None);
        }
        let prefix = prefixes[i].get_or_insert_with(|| {
            let mut pos = self.ds.position(s);
            pos.row = 0;
            pos.col = None;
            // `file!sheet!0` without its row number.
            let mut a = pos.address();
            a.pop();
            Arc::from(a)
        });
        let mut out = String::with_capacity(prefix.len() + 10);
        out.push_str(prefix);
        use std::fmt::Write as _;
        let _ = write!(out, "{}", s.row);
        out
    }
}

/// Column widths of a sheet holding several tables: the widest of all.
#[derive(Default)]
struct Widths(Vec<f64>);

impl Widths {
    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (c, w) in self.0.iter().enumerate() {
            ws.set_column_width(c as u16, *w)?;
        }
        Ok(())
    }
}

/// An evidence table at `start`: a title row, a header row, then the rows
/// (「（无）」 when there are none). Returns the row after the blank row that
/// follows it.
///
/// rust_xlsxwriter looks a cell's format up by hashing the whole format on
/// every formatted write, so a column whose cells are of one kind (blank
/// cells aside) is written without formats and then formatted as a range,
/// with one look-up; its blank cells get the column's borders that way too.
fn table(
    ws: &mut Worksheet,
    fm: &Formats,
    widths_acc: &mut Widths,
    start: u32,
    title: &str,
    heads: &[&str],
    rows: Vec<Vec<V>>,
) -> Result<u32, XlsxError> {
    let ncols = heads.len();
    let mut widths: Vec<usize> = heads.iter().map(|h| display_width(h)).collect();
    ws.merge_range(start, 0, start, ncols as u16 - 1, title, &fm.head)?;
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(start + 1, c as u16, *h, &fm.head)?;
    }
    // Per column: the kind of its cells when they agree (`None` inside: they
    // do not), `None` for a column of blanks only.
    let mut kinds: Vec<Option<Option<CellKind>>> = vec![None; ncols];
    for row in &rows {
        for (c, v) in row.iter().enumerate() {
            if let Some(k) = v.kind() {
                kinds[c] = match kinds[c] {
                    None => Some(Some(k)),
                    Some(Some(old)) if old == k => Some(Some(k)),
                    _ => Some(None),
                };
            }
        }
    }
    // The format of a column formatted as a range.
    let column: Vec<Option<Format>> = kinds
        .iter()
        .map(|k| match k {
            Some(Some(k)) => Some(kind_format(fm, *k)),
            None => Some(fm.text.clone()),
            Some(None) => None,
        })
        .collect();
    // Formats of the cells of mixed columns, built once per table.
    let mut mixed: Vec<(CellKind, Format)> = Vec::new();
    // Text that starts like a formula: written with its quote prefix once
    // the column is formatted.
    let mut quoted: Vec<(u32, u16, String)> = Vec::new();
    // Per column, per row: whether the cell is blank (formatted as text).
    let mut blank: Vec<Vec<bool>> = vec![Vec::with_capacity(rows.len()); ncols];
    let first = start + 2;
    let mut r = first;
    let empty = rows.is_empty();
    for row in rows {
        for (c, v) in row.into_iter().enumerate() {
            let c16 = c as u16;
            blank[c].push(match &v {
                V::T(t) => t.is_empty(),
                V::S(s) => s.is_empty(),
                V::E => true,
                _ => false,
            });
            // The cell's own format: none in a column formatted as a range.
            let fmt = match (&column[c], v.kind()) {
                (Some(_), _) => None,
                (None, Some(k)) => {
                    let i = match mixed.iter().position(|(m, _)| *m == k) {
                        Some(i) => i,
                        None => {
                            mixed.push((k, kind_format(fm, k)));
                            mixed.len() - 1
                        }
                    };
                    Some(&mixed[i].1)
                }
                (None, None) => Some(&fm.text),
            };
            let text = match v {
                V::T(t) => t,
                V::S(s) => s.to_string(),
                V::N(n, _) => {
                    match fmt {
                        None => ws.write_number(r, c16, n)?,
                        Some(f) => ws.write_number_with_format(r, c16, n, f)?,
                    };
                    continue;
                }
                V::D(d) => {
                    let dt = ExcelDateTime::from_ymd(
                        d.year_ce().1 as u16,
                        chrono::Datelike::month(&d) as u8,
                        chrono::Datelike::day(&d) as u8,
                    )?;
                    match fmt {
                        None => ws.write_datetime(r, c16, dt)?,
                        Some(f) => ws.write_datetime_with_format(r, c16, dt, f)?,
                    };
                    widths[c] = widths[c].max(DATE_WIDTH);
                    continue;
                }
                V::E => {
                    // A blank of a range-formatted column is made by the range.
                    if let Some(f) = fmt {
                        ws.write_blank(r, c16, f)?;
                    }
                    continue;
                }
            };
            widths[c] = widths[c].max(display_width(&text));
            match fmt {
                Some(f) => {
                    write_text(ws, r, c16, &text, f)?;
                }
                None if needs_quote_prefix(&text) => quoted.push((r, c16, text)),
                // An empty text is a blank cell: made by the range.
                None if text.is_empty() => {}
                None => {
                    ws.write_string(r, c16, text)?;
                }
            }
        }
        r += 1;
    }
    if !empty {
        for (c, f) in column.iter().enumerate() {
            let Some(f) = f else { continue };
            let c16 = c as u16;
            if kinds[c] == Some(Some(CellKind::Text)) || kinds[c].is_none() {
                ws.set_range_format(first, c16, r - 1, c16, f)?;
                continue;
            }
            // Blank cells have the text format (borders only): a range per
            // run of blank or non-blank cells.
            let mut i = 0;
            while i < blank[c].len() {
                let b = blank[c][i];
                let n = blank[c][i..].iter().take_while(|&&x| x == b).count();
                let (from, to) = (first + i as u32, first + (i + n) as u32 - 1);
                ws.set_range_format(from, c16, to, c16, if b { &fm.text } else { f })?;
                i += n;
            }
        }
        for (qr, qc, t) in quoted {
            let f = column[qc as usize].as_ref().unwrap_or(&fm.text);
            write_text(ws, qr, qc, &t, f)?;
        }
    }
    if empty {
        ws.write_string(r, 0, "（无）")?;
        r += 1;
    }
    for (c, w) in widths.iter().enumerate() {
        let cw = (*w as f64 + 2.0).clamp(8.0, 36.0);
        if widths_acc.0.len() <= c {
            widths_acc.0.resize(c + 1, 0.0);
        }
        widths_acc.0[c] = widths_acc.0[c].max(cw);
    }
    Ok(r + 1)
}

/// The display width of a date cell (`2026-01-01`).
const DATE_WIDTH: usize = 10;

use chrono::Datelike;

/// The evidence sheets: this rep's rows behind the numbers, each with its
/// source (file!sheet!row).
pub(super) fn evidence_sheets<'a>(
    cx: &Ctx<'a>,
    rep: RepIdx,
    issue_rows: &IssueRows,
    lang: Lang,
) -> Vec<EvidenceSheet<'a>> {
    let ds = cx.ds;
    let mut sheets: Vec<EvidenceSheet<'a>> = Vec::with_capacity(3);
    let p = cx.period();
    let addr = SrcAddr::new(ds);
    let src = |s: crate::input::model::RowRef| V::T(addr.address(s));
    let (yes, no) = (lang.pick("是", "yes"), lang.pick("否", "no"));
    let yes_no = |b: bool| V::S(if b { yes } else { no });

    // Contracts and installments.
    let mut tables = Vec::with_capacity(2);
    // The index lists are sorted by date: a period's part is a slice.
    let contracts: Vec<Vec<V>> = within(cx, &cx.ix.contracts_by_rep[rep as usize], |i| {
        ds.contracts[i as usize].sign_date
    })
    .iter()
    .map(|&i| &ds.contracts[i as usize])
    .map(|c| {
        let first = &ds.installments[c.installments[0] as usize];
        let is_new = cx
            .ix
            .first_contract(&c.customer_id)
            .map(|i| &ds.contracts[i as usize].contract_id)
            == Some(&c.contract_id);
        vec![
            V::S(&c.contract_id),
            V::S(&c.customer_id),
            V::S(
                cx.customer(&c.customer_id)
                    .map_or("", |x| &*x.facts().customer_name),
            ),
            V::D(c.sign_date),
            V::N(f(c.amount), "#,##0.00"),
            c.gross_profit.map_or(V::E, |g| V::N(f(g), "#,##0.00")),
            c.area.map_or(V::E, |a| V::N(f(a), "0.00")),
            yes_no(c.key_project == Some(true)),
            yes_no(is_new),
            src(first.meta.src),
        ]
    })
    .collect();
    let heads_c = if lang == Lang::Zh {
        vec![
            "合同编号",
            "客户编号",
            "客户名称",
            "签约日期",
            "合同金额",
            "毛利",
            "签约面积",
            "重点项目",
            "新客户首单",
            "来源",
        ]
    } else {
        vec![
            "Contract",
            "Customer",
            "Customer name",
            "Signed",
            "Amount",
            "Gross profit",
            "Area",
            "Key project",
            "New customer",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: lang
            .pick("本期签约合同", "Contracts signed in the period")
            .to_string(),
        heads: heads_c,
        rows: contracts,
    });
    let grace = cx.defaults.grace_days;
    let installments: Vec<Vec<V>> = within(cx, &cx.ix.installments_by_rep[rep as usize], |i| {
        ds.installments[i as usize].due_date
    })
    .iter()
    .map(|&i| &ds.installments[i as usize])
    .map(|r| {
        let counted = counted_amount(cx, r);
        let why = match (r.amount_paid, r.paid_date) {
            (None, _) | (_, None) => V::S(lang.pick("未回款", "unpaid")),
            (Some(_), Some(d)) if d > r.due_date + chrono::Duration::days(grace) => V::T(format!(
                "{}{}{}",
                lang.pick("超过宽限期 ", "late beyond grace by "),
                (d - r.due_date).num_days() - grace,
                lang.pick(" 天，不计入", " days: not counted")
            )),
            (Some(paid), Some(_)) if paid < r.amount_due => {
                V::S(lang.pick("部分回款", "partly paid"))
            }
            _ => V::S(lang.pick("按期足额", "paid in time")),
        };
        vec![
            V::S(&r.contract_id),
            V::N(r.installment as f64, "0"),
            V::S(match r.payment_kind {
                crate::input::model::PaymentKind::First => lang.pick("首付", "first"),
                crate::input::model::PaymentKind::Final => lang.pick("尾款", "final"),
            }),
            V::D(r.due_date),
            V::N(f(r.amount_due), "#,##0.00"),
            r.paid_date.map_or(V::E, V::D),
            r.amount_paid.map_or(V::E, |a| V::N(f(a), "#,##0.00")),
            V::N(f(counted), "#,##0.00"),
            why,
            src(r.meta.src),
        ]
    })
    .collect();
    let heads_i = if lang == Lang::Zh {
        vec![
            "合同编号",
            "期次",
            "款项类型",
            "应回款日期",
            "应回款金额",
            "实际回款日期",
            "实际回款金额",
            "计入金额",
            "说明",
            "来源",
        ]
    } else {
        vec![
            "Contract",
            "Installment",
            "Kind",
            "Due",
            "Amount due",
            "Paid on",
            "Amount paid",
            "Counted",
            "Why",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: format!(
            "{}{grace}{}",
            lang.pick(
                "本期应回款（宽限 ",
                "Installments due in the period (grace "
            ),
            lang.pick(" 天）", " days)")
        ),
        heads: heads_i,
        rows: installments,
    });
    sheets.push(EvidenceSheet {
        name: lang.pick("佐证-合同回款", "Evidence-contracts"),
        tables,
    });

    // Customers: new customers and leads with their first follow-up delay.
    let mut tables = Vec::with_capacity(4);
    let new: Vec<Vec<V>> = new_customer_set(cx, rep)
        .into_iter()
        .map(|(id, ci)| {
            let c = &ds.contracts[ci as usize];
            let cust = cx.customer(id);
            let lead = cust.map(|x| x.facts().lead_time.date());
            vec![
                V::S(id),
                V::S(cust.map_or("", |x| &*x.facts().customer_name)),
                lead.map_or(V::E, V::D),
                V::D(c.sign_date),
                lead.map_or(V::E, |l| V::N((c.sign_date - l).num_days() as f64, "0")),
                V::S(&c.contract_id),
                V::S(
                    cust.and_then(|x| x.facts().attrs.source.as_deref())
                        .unwrap_or(""),
                ),
                cust.map_or(V::E, |x| src(x.facts_source())),
            ]
        })
        .collect();
    let heads_n = if lang == Lang::Zh {
        vec![
            "客户编号",
            "客户名称",
            "线索日期",
            "首次签约",
            "成交天数",
            "首单合同",
            "客户来源",
            "来源",
        ]
    } else {
        vec![
            "Customer",
            "Name",
            "Lead",
            "First deal",
            "Days",
            "Contract",
            "Source",
            "Row",
        ]
    };
    tables.push(EvidenceTable {
        title: lang.pick("本期新客户", "New customers").to_string(),
        heads: heads_n,
        rows: new,
    });
    let leads: Vec<Vec<V>> = leads_in_period(cx, rep)
        .iter()
        .map(|&i| &ds.customers[i as usize])
        .map(|c| {
            let lead = c.facts().lead_time;
            let first = cx
                .ix
                .followups_by_customer
                .get(&c.customer_id)
                .and_then(|v| {
                    v.iter().map(|&i| ds.followups[i as usize].time).find(|t| {
                        t.date() >= lead.date()
                            && (t.is_date_only()
                                || lead.is_date_only()
                                || t.datetime() >= lead.datetime())
                    })
                });
            let hours = first.map(|t| (t.datetime() - lead.datetime()).num_minutes() as f64 / 60.0);
            let timely = first.is_some_and(|t| {
                if t.is_date_only() || lead.is_date_only() {
                    t.date() <= lead.date() + chrono::Duration::days(1)
                } else {
                    t.datetime() <= lead.datetime() + chrono::Duration::hours(24)
                }
            });
            vec![
                V::S(&c.customer_id),
                V::T(lead.to_string()),
                V::T(first.map(|t| t.to_string()).unwrap_or_default()),
                hours.map_or(V::E, |h| V::N(h, "0.0")),
                yes_no(timely),
                src(c.facts_source()),
            ]
        })
        .collect();
    let heads_l = if lang == Lang::Zh {
        vec![
            "客户编号",
            "线索时间",
            "首次跟进时间",
            "间隔(小时)",
            "24小时内",
            "来源",
        ]
    } else {
        vec![
            "Customer",
            "Lead time",
            "First follow-up",
            "Hours",
            "Within 24 h",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: lang
            .pick("本期新线索的首次跟进", "First follow-up of new leads")
            .to_string(),
        heads: heads_l,
        rows: leads,
    });

    // Old customers on P.start, with their repurchase and churn flags.
    let first_day = p.first_day();
    let old: Vec<Vec<V>> = crate::compute::customers::old_customers(cx, rep)
        .into_iter()
        .map(|i| {
            let c = &ds.customers[i as usize];
            let last = crate::compute::customers::last_sign_before(cx, c, first_day);
            let silent = last.map(|l| crate::period::add_months(l, cx.defaults.silence_months));
            let churned = crate::compute::customers::churned(cx, c);
            let why = if c.terminated_from.is_some_and(|t| p.contains(t)) {
                V::T(format!(
                    "{}{}",
                    lang.pick("终止于 ", "terminated on "),
                    c.terminated_from.map(|t| t.to_string()).unwrap_or_default()
                ))
            } else if churned {
                V::S(lang.pick("沉默期满未再签约", "silent period ended without a contract"))
            } else {
                V::S("")
            };
            vec![
                V::S(&c.customer_id),
                V::S(&c.facts().customer_name),
                cx.first_sign(&c.customer_id).map_or(V::E, V::D),
                last.map_or(V::E, V::D),
                silent.map_or(V::E, V::D),
                yes_no(crate::compute::customers::repurchased(cx, c)),
                yes_no(churned),
                why,
                src(c.state_on(first_day).meta.src),
            ]
        })
        .collect();
    let heads_o = if lang == Lang::Zh {
        vec![
            "客户编号",
            "客户名称",
            "首次签约",
            "期初前最后签约",
            "沉默期满日",
            "本期复购",
            "本期流失",
            "流失原因",
            "来源",
        ]
    } else {
        vec![
            "Customer",
            "Name",
            "First deal",
            "Last deal before",
            "Silent from",
            "Repurchased",
            "Churned",
            "Why",
            "Source",
        ]
    };
    tables.push(EvidenceTable {
        title: lang
            .pick(
                "期初老客户（复购与流失）",
                "Old customers on the period's first day",
            )
            .to_string(),
        heads: heads_o,
        rows: old,
    });

    // Follow-up counts by method and stage.
    let methods = crate::input::parse::words::METHODS;
    let stages = crate::input::parse::words::STAGES;
    // Per method (a row) and stage (a column), the unknown last in each.
    let width = stages.len() + 1;
    let mut counts = vec![0u32; (methods.len() + 1) * width];
    for &i in followups_in_period(cx, rep) {
        let fu = &ds.followups[i as usize];
        let m = fu
            .method
            .and_then(|c| methods.iter().position(|w| w.code == c.as_str()))
            .unwrap_or(methods.len());
        let s = fu
            .stage
            .and_then(|c| stages.iter().position(|w| w.code == c.as_str()))
            .unwrap_or(stages.len());
        counts[m * width + s] += 1;
    }
    let none = lang.pick("(未填)", "(blank)");
    let mut heads_f: Vec<&str> = vec![lang.pick("跟进方式 \\ 阶段", "Method \\ stage")];
    heads_f.extend(stages.iter().map(|w| lang.pick(w.zh, w.en)));
    heads_f.push(none);
    heads_f.push(lang.pick("合计", "Total"));
    let rows: Vec<Vec<V>> = (0..=methods.len())
        .map(|m| {
            let name = methods.get(m).map_or(none, |w| lang.pick(w.zh, w.en));
            let mut row = vec![V::S(name)];
            let mut total = 0;
            for s in 0..=stages.len() {
                let n = counts[m * width + s];
                total += n;
                row.push(V::N(n as f64, "0"));
            }
            row.push(V::N(total as f64, "0"));
            row
        })
        .collect();
    tables.push(EvidenceTable {
        title: lang
            .pick(
                "本期跟进次数（按方式和阶段）",
                "Follow-ups by method and stage",
            )
            .to_string(),
        heads: heads_f,
        rows,
    });
    sheets.push(EvidenceSheet {
        name: lang.pick("佐证-客户跟进", "Evidence-customers"),
        tables,
    });

    // This rep's data issues that bear on the period.
    // This rep's rows that some data issue names, as (sheet, row).
    let mut mine: Vec<(u32, u32)> = Vec::new();
    if issue_rows.any {
        let mut add = |s: crate::input::model::RowRef| {
            if issue_rows.named(s.sheet, s.row) {
                mine.push((s.sheet, s.row));
            }
        };
        let r = rep as usize;
        cx.ix.contracts_by_rep[r]
            .iter()
            .flat_map(|&i| ds.contracts[i as usize].installments.iter())
            .for_each(|&i| add(ds.installments[i as usize].meta.src));
        cx.ix.installments_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.installments[i as usize].meta.src));
        cx.ix.followups_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.followups[i as usize].meta.src));
        cx.ix.scores_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.scores[i as usize].meta.src));
        cx.ix.adjustments_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.adjustments[i as usize].meta.src));
        cx.ix.targets_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.targets[i as usize].meta.src));
        cx.ix.rejected_by_rep[r]
            .iter()
            .for_each(|&i| add(ds.rejected[i as usize].src));
        add(ds.reps[r].meta.src);
        cx.ix.customer_rows_by_owner[r].iter().for_each(|&s| add(s));
        mine.sort_unstable();
        mine.dedup();
    }
    let issues: Vec<Vec<V>> = if mine.is_empty() {
        Vec::new()
    } else {
        ds.issues
            .iter()
            .zip(&issue_rows.named)
            .zip(&issue_rows.keep)
            .filter(|(_, &keep)| keep)
            .map(|(x, _)| x)
            .filter(|(i, &g)| {
                issue_rows.sheets[g as usize]
                    .iter()
                    .any(|&sh| mine.binary_search(&(sh, i.pos.row)).is_ok())
            })
            .map(|(i, _)| {
                vec![
                    V::S(i.level.label(lang)),
                    V::T(i.pos.address()),
                    V::S(&i.header),
                    V::S(&i.raw),
                    V::T(i.reason.message(lang)),
                ]
            })
            .collect()
    };
    let heads_d = if lang == Lang::Zh {
        vec!["级别", "位置", "列名", "原始值", "问题说明"]
    } else {
        vec!["Level", "Address", "Header", "Raw value", "Reason"]
    };
    sheets.push(EvidenceSheet {
        name: lang.pick("佐证-数据问题", "Evidence-data issues"),
        tables: vec![EvidenceTable {
            title: lang
                .pick("本人台账的数据问题", "Data issues in this rep's rows")
                .to_string(),
            heads: heads_d,
            rows: issues,
        }],
    });
    sheets
}

/// One evidence table: title, header row, rows.
struct EvidenceTable<'a> {
    title: String,
    heads: Vec<&'static str>,
    rows: Vec<Vec<V<'a>>>,
}

/// One evidence sheet: its name and its tables, top to bottom.
pub(super) struct EvidenceSheet<'a> {
    name: &'static str,
    tables: Vec<EvidenceTable<'a>>,
}

/// Write the evidence sheets into the workbook.
pub(super) fn evidence(
    wb: &mut Workbook,
    fm: &Formats,
    sheets: Vec<EvidenceSheet>,
) -> Result<(), XlsxError> {
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(sheet.name)?;
        let mut wd = Widths::default();
        let mut next = 0;
        for t in sheet.tables {
            next = table(ws, fm, &mut wd, next, &t.title, &t.heads, t.rows)?;
        }
        wd.apply(ws)?;
    }
    for ws in wb.worksheets_mut().iter_mut().skip(1) {
        ws.set_paper_size(9)
            .set_landscape()
            .set_print_fit_to_pages(1, 0);
    }
    Ok(())
}

/// A rep's evidence sheets, built once: written into the rep's workbook
/// and, when the period's digest is taken as the workbooks are written,
/// fed into it from the same rows.
pub struct Evidence<'a>(Vec<EvidenceSheet<'a>>);

impl<'a> Evidence<'a> {
    pub(super) fn build(cx: &Ctx<'a>, rep: RepIdx, issue_rows: &IssueRows, lang: Lang) -> Self {
        Evidence(evidence_sheets(cx, rep, issue_rows, lang))
    }

    pub(super) fn into_sheets(self) -> Vec<EvidenceSheet<'a>> {
        self.0
    }

    /// Feed the sheets, cell by cell, into `h`: what the period's content
    /// digest compares (see [`crate::output::digest`]).
    pub fn feed(&self, h: &mut impl std::io::Write) -> std::io::Result<()> {
        for sheet in &self.0 {
            writeln!(h, "#{}", sheet.name)?;
            for t in &sheet.tables {
                writeln!(h, "##{}|{}", t.title, t.heads.join("|"))?;
                for row in &t.rows {
                    for v in row {
                        match v {
                            V::T(t) => write!(h, "T{t}\u{1f}")?,
                            V::S(s) => write!(h, "T{s}\u{1f}")?,
                            V::N(n, f) => write!(h, "N{n:?}{f}\u{1f}")?,
                            V::D(d) => write!(h, "D{d}\u{1f}")?,
                            V::E => write!(h, "E\u{1f}")?,
                        }
                    }
                    writeln!(h)?;
                }
            }
        }
        Ok(())
    }
}

/// Feed a rep's evidence sheets, cell by cell, into `h` (built for the
/// purpose; see [`Evidence::feed`]).
pub fn evidence_digest(
    cx: &Ctx,
    rep: RepIdx,
    issue_rows: &IssueRows,
    lang: Lang,
    h: &mut impl std::io::Write,
) -> std::io::Result<()> {
    Evidence::build(cx, rep, issue_rows, lang).feed(h)
}

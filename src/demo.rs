//! Deterministic generator of a fictional company's ledgers (SPEC 2, 11).
//!
//! The generator simulates a sales organisation month by month — reps in
//! teams of about eight, customers moving through a pipeline, contracts with
//! installments, churn, hires and leavers — and writes the ledgers a
//! sales-ops clerk would drop into a folder: one sub-folder per month
//! (`2026-01/`, `2026-02/` …) holding the roster with targets, a full
//! customer snapshot, that month's follow-ups and payment rows, scores,
//! adjustments when there are any, and (in the first month) the company's
//! own working calendar.
//!
//! Layout, for `YYYY-MM` = each generated month:
//! - `YYYY-MM/人员与目标_YYYY-MM.xlsx`: sheets 人员表 (everybody employed at
//!   some point up to the month end; a leaver keeps his row with 离职日期) and
//!   目标表 (the month's row per active rep; in March, June, September and
//!   December also `YYYY-Qn` rows for the leads and every fourth rep).
//! - `客户台账_YYYY-MM.xlsx`: full snapshot, merged title row above the header.
//! - `跟进记录_YYYY-MM.xlsx`, `回款台账_YYYY-MM.xlsx`: that month's contacts
//!   and the installments due that month (long tables continue on sheets
//!   `跟进记录2` … after [`DemoOptions::max_rows_per_sheet`] rows).
//! - `评分表_YYYY-MM.xlsx`: 客户满意度 (rater 客户, 0–10), 协作响应速度
//!   (raters 上级/同级, scale 5) and 协作任务质量 (raters 上级/协作部门,
//!   scale 10) for every active rep; 团队帮扶 (上级, scale 10) for senior
//!   商务专员, 专业能力 / 产品知识 (上级, scale 10) for 招商 reps on probation,
//!   and in December 专业能力 for the B2B reps (the year section's rating).
//! - `调整表_YYYY-MM.xlsx` in months with adjustments (加分, 扣分, 剔除 of
//!   `sales_achievement`, 目标调整 of `sales_target`, one 一票否决).
//! - `YYYY-01/工作日历_YYYY.xlsx`: the company's own days (anniversary off,
//!   the Saturday made up, the last weekday of the year off).
//!
//! Why it looks the way it does:
//! - **Deterministic everywhere.** A tiny SplitMix64 generator, no hash-map
//!   iteration, no transcendental floating point (whose last bit may differ
//!   between platforms): a given `(options, seed)` gives byte-identical files
//!   on every machine and whatever the number of threads.
//! - **Bounded memory.** Only per-customer state and the installments not yet
//!   due are kept across months; a month's follow-ups are produced, written
//!   and dropped. Large sheets use rust_xlsxwriter's constant-memory mode.
//!   While month *m* is written (files in parallel), month *m + 1* is
//!   simulated, so at most two months of rows are alive.
//! - **Valid by construction.** Every value respects SPEC 3: reps are named
//!   by 工号 (or by name when the name is unique), dates lie inside the month
//!   folder they belong to, money is exact cents, and payments dated after
//!   the last generated month are left blank.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use chrono::{Datelike, Duration, Months, NaiveDate, NaiveDateTime, Timelike, Weekday};
use rayon::prelude::*;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::input::columns::Kind;
use crate::input::parse::words;
use crate::output::xlsx;

// ---------------------------------------------------------------------------
// Options and summary
// ---------------------------------------------------------------------------

/// Reference workload sizes (SPEC 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scale {
    /// 24 reps, ~1,200 customers, ~15,000 follow-ups and ~4,000 payment rows a year.
    #[default]
    Sample,
    /// 200 reps, ~20,000 customers, ~240,000 follow-ups, ~60,000 payment rows.
    Medium,
    /// 2,000 reps, ~200,000 customers, ~2,400,000 follow-ups, ~600,000 payment rows.
    Large,
    /// 20,000 reps: ten times large, for the scaling measurement (never in
    /// tests).
    Xl,
}

/// Yearly volumes per rep; the generator's rates are derived from them, so a
/// company with twice the reps has about twice the rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Volumes {
    /// Customers in the December snapshot (existing before the year plus new leads).
    pub customers: f64,
    /// Follow-up rows per year.
    pub followups: f64,
    /// Payment (installment) rows per year.
    pub payment_rows: f64,
}

impl Scale {
    /// Number of reps when the options do not say otherwise.
    pub fn default_reps(self) -> usize {
        match self {
            Scale::Sample => 24,
            Scale::Medium => 200,
            Scale::Large => 2000,
            Scale::Xl => 20_000,
        }
    }

    /// Yearly volumes per rep.
    pub fn per_rep(self) -> Volumes {
        match self {
            Scale::Sample => Volumes {
                customers: 50.0,
                followups: 625.0,
                payment_rows: 4000.0 / 24.0,
            },
            Scale::Medium | Scale::Large | Scale::Xl => Volumes {
                customers: 100.0,
                followups: 1200.0,
                payment_rows: 300.0,
            },
        }
    }
}

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoOptions {
    /// Head count at the start of the year (hires come on top); 0 = the scale's default.
    pub reps: usize,
    pub seed: u64,
    pub year: i32,
    /// Months generated, January up to this one (1..=12).
    pub months: u32,
    pub scale: Scale,
    /// Data rows per sheet before a table continues on a new sheet
    /// (`跟进记录`, `跟进记录2`, …). Excel's limit is 1,048,576 rows. The
    /// default keeps a sheet, its header rows included, within the reader's
    /// default limit of 500,000 rows (`--limit rows=…`).
    pub max_rows_per_sheet: u32,
}

impl DemoOptions {
    /// Options for a scale: its default head count, year 2026, twelve months.
    pub fn new(scale: Scale) -> Self {
        DemoOptions {
            reps: scale.default_reps(),
            seed: 2026,
            year: 2026,
            months: 12,
            scale,
            max_rows_per_sheet: 499_000,
        }
    }
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions::new(Scale::Sample)
    }
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoSummary {
    /// Workbooks written.
    pub files: usize,
    /// Total size of the workbooks in bytes.
    pub bytes: u64,
    /// Data rows written per kind, summed over all files (snapshots count
    /// every month), in [`Kind::ALL`] order.
    pub rows_by_kind: Vec<(Kind, u64)>,
    /// People in the last roster (hires included).
    pub reps: usize,
    /// Customers in the last snapshot.
    pub customers: usize,
    /// Contracts with at least one installment row.
    pub contracts: usize,
    /// The month folders, in order.
    pub folders: Vec<PathBuf>,
}

impl DemoSummary {
    /// Rows written for one kind.
    pub fn rows(&self, kind: Kind) -> u64 {
        self.rows_by_kind
            .iter()
            .find(|(k, _)| *k == kind)
            .map_or(0, |(_, n)| *n)
    }
}

/// Generate the fictional company's ledgers for `opts.year`-01 … `opts.months`
/// into `dir/YYYY-MM/` folders (created as needed; files of the same name are
/// replaced).
///
/// # Errors
/// Invalid options (months outside 1..=12, a year outside 2000..=2100) or a
/// workbook that cannot be built or written; the message names the file.
///
/// # Example
/// ```no_run
/// use kaohe::demo::{generate, DemoOptions, Scale};
/// let summary = generate(std::path::Path::new("ledgers"), &DemoOptions::new(Scale::Sample))?;
/// println!("{} files", summary.files);
/// # Ok::<(), anyhow::Error>(())
/// ```
pub fn generate(dir: &Path, opts: &DemoOptions) -> Result<DemoSummary> {
    let mut opts = opts.clone();
    if opts.reps == 0 {
        opts.reps = opts.scale.default_reps();
    }
    if !(1..=12).contains(&opts.months) {
        bail!("months must be between 1 and 12, not {}", opts.months);
    }
    if !(2000..=2100).contains(&opts.year) {
        bail!("year must be between 2000 and 2100, not {}", opts.year);
    }
    opts.max_rows_per_sheet = opts.max_rows_per_sheet.clamp(1, 1_048_000);

    let company = Company::build(&opts);
    let mut sim = Sim::new(&company, &opts);
    let mut totals = Totals::default();

    let mut pending: Option<MonthData> = None;
    for m in 1..=opts.months + 1 {
        let prev = pending.take();
        let (written, next) = rayon::join(
            || prev.map(|d| write_month(dir, &company, &d)).transpose(),
            || (m <= opts.months).then(|| sim.step(&company, m)),
        );
        if let Some(stats) = written? {
            totals.add(stats);
        }
        pending = next;
    }

    let folders = (1..=opts.months)
        .map(|m| dir.join(month_key(opts.year, m)))
        .collect();
    Ok(DemoSummary {
        files: totals.files,
        bytes: totals.bytes,
        rows_by_kind: Kind::ALL
            .iter()
            .map(|k| (*k, totals.rows[*k as usize]))
            .collect(),
        reps: company
            .reps
            .iter()
            .filter(|r| r.hire <= company.window_end)
            .count(),
        customers: sim.customers.len(),
        contracts: sim.contracts_emitted,
        folders,
    })
}

#[derive(Default)]
struct Totals {
    files: usize,
    bytes: u64,
    rows: [u64; 8],
}

impl Totals {
    fn add(&mut self, stats: Vec<FileStat>) {
        for s in stats {
            self.files += 1;
            self.bytes += s.bytes;
            for (k, n) in s.rows {
                self.rows[k as usize] += n;
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Deterministic randomness
// ---------------------------------------------------------------------------

/// SplitMix64: tiny, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct Rng(u64);

fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// A stream named by `tag` and `index`, independent of every other stream.
    fn derive(seed: u64, tag: &str, index: u64) -> Rng {
        let mut h: u64 = 0xCBF2_9CE4_8422_2325;
        for b in tag.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3);
        }
        Rng(mix64(
            seed ^ mix64(h ^ mix64(index.wrapping_add(0x9E37_79B9_7F4A_7C15))),
        ))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (n ≥ 1).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n.max(1))) >> 64) as u64
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Index chosen with the given integer weights.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            if x < u64::from(*w) {
                return i;
            }
            x -= u64::from(*w);
        }
        weights.len() - 1
    }

    /// A count with the given mean (binomial, so no exp/ln is needed).
    fn count(&mut self, mean: f64) -> u32 {
        if mean <= 0.0 {
            return 0;
        }
        let n = (mean * 3.0) as u32 + 8;
        let p = mean / f64::from(n);
        (0..n).filter(|_| self.chance(p)).count() as u32
    }

    /// Skewed towards `lo`: lo + (hi − lo)·u₁·u₂ (mean lo + (hi − lo)/4).
    fn skewed(&mut self, lo: i64, hi: i64) -> i64 {
        lo + ((hi - lo) as f64 * self.unit() * self.unit()) as i64
    }
}

// ---------------------------------------------------------------------------
// Dates and the working calendar
// ---------------------------------------------------------------------------

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn at(d: NaiveDate, minute_of_day: i64) -> NaiveDateTime {
    d.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(minute_of_day)
}

fn month_start(y: i32, m: u32) -> NaiveDate {
    ymd(y, m, 1)
}

fn month_end(y: i32, m: u32) -> NaiveDate {
    let next = if m == 12 {
        ymd(y + 1, 1, 1)
    } else {
        ymd(y, m + 1, 1)
    };
    next.pred_opt().expect("valid date")
}

fn month_key(y: i32, m: u32) -> String {
    format!("{y}-{m:02}")
}

/// Month index (1-based) of `d` within the generated year, if any.
fn month_of(d: NaiveDate, year: i32) -> Option<u32> {
    (d.year() == year).then(|| d.month())
}

/// Working days of the fictional company: the built-in official calendar
/// (holidays and 调休) plus the company's own days.
struct WorkCalendar {
    cal: crate::input::calendar::Calendar,
    /// The company's own days (date, is day off), written to the calendar
    /// workbook.
    company_days: Vec<(NaiveDate, bool)>,
}

impl WorkCalendar {
    fn new(year: i32) -> WorkCalendar {
        let official = crate::input::calendar::Calendar::builtin();
        // Company anniversary: the first working weekday from June 8 (not a
        // Friday) is a day off, made up on the Saturday of the same week.
        let mut anniversary = ymd(year, 6, 8);
        while !official.is_workday(anniversary) || anniversary.weekday() == Weekday::Fri {
            anniversary = anniversary.succ_opt().expect("valid date");
        }
        let saturday = anniversary
            + Duration::days(i64::from(5 - anniversary.weekday().num_days_from_monday()));
        // Year-end stock-taking: the last working day of the year is off.
        let mut last = ymd(year, 12, 31);
        while !official.is_workday(last) {
            last = last.pred_opt().expect("valid date");
        }
        let company_days = vec![(anniversary, true), (saturday, false), (last, true)];
        let days: Vec<crate::input::model::CalendarDay> = company_days
            .iter()
            .map(|&(date, off)| crate::input::model::CalendarDay {
                date,
                kind: if off {
                    crate::input::model::DayKind::Holiday
                } else {
                    crate::input::model::DayKind::Workday
                },
                meta: crate::input::model::RowMeta::default(),
            })
            .collect();
        WorkCalendar {
            cal: crate::input::calendar::Calendar::with_company(&days),
            company_days,
        }
    }

    fn is_workday(&self, d: NaiveDate) -> bool {
        self.cal.is_workday(d)
    }

    /// The first working day on or after `d`.
    fn on_or_after(&self, mut d: NaiveDate) -> NaiveDate {
        while !self.is_workday(d) {
            d = d.succ_opt().expect("valid date");
        }
        d
    }

    /// `n` working days after (n > 0) or before (n < 0) `d`.
    fn shift(&self, mut d: NaiveDate, n: i64) -> NaiveDate {
        let step = if n >= 0 { 1 } else { -1 };
        let mut left = n.abs();
        while left > 0 {
            d += Duration::days(step);
            if self.is_workday(d) {
                left -= 1;
            }
        }
        d
    }
}

// ---------------------------------------------------------------------------
// Vocabulary of the fictional company (workbook text is Chinese)
// ---------------------------------------------------------------------------

/// Surnames and their pinyin, position by position.
const SURNAMES: (&str, &str) = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯邓曹彭曾肖田董袁潘蒋蔡杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆范金",
    "wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he gao lin luo zheng liang xie song tang han feng deng cao peng zeng xiao tian dong yuan pan jiang cai du ye cheng su wei lv ding ren shen yao lu jiang cui zhong tan lu fan jin",
);

/// Characters of given names and their pinyin.
const GIVEN: (&str, &str) = (
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超霞平刚婷浩宇鹏辉琳晨雪欣颖佳俊帆凯文博思雨梦晓志建海东华兰春子涵宁斌峰蕾倩琪瑶鑫嘉怡昊睿哲航毅薇蓉菲亮玲",
    "wei fang na min jing li qiang lei jun yang yong yan jie tao ming chao xia ping gang ting hao yu peng hui lin chen xue xin ying jia jun fan kai wen bo si yu meng xiao zhi jian hai dong hua lan chun zi han ning bin feng lei qian qi yao xin jia yi hao rui zhe hang yi wei rong fei liang ling",
);

/// The sales vice-president (not in the roster) approves company-level adjustments.
const VP_NAME: &str = "沈立成";
/// Head of compliance, approver of vetoes.
const COMPLIANCE_HEAD: &str = "程晓岚";

const CITIES: &[&str] = &[
    "杭州", "上海", "苏州", "南京", "宁波", "无锡", "合肥", "武汉", "成都", "重庆", "深圳", "广州",
    "厦门", "青岛", "济南", "天津", "北京", "西安", "长沙", "郑州", "福州", "南昌", "温州", "绍兴",
    "嘉兴", "常州", "佛山", "东莞", "大连", "昆明",
];

const BRANDS: &[&str] = &[
    "恒信", "华泰", "鼎盛", "瑞丰", "金桥", "宏达", "新源", "博远", "嘉禾", "盛世", "中联", "远航",
    "天成", "联创", "卓越", "汇通", "启明", "锦程", "正阳", "万象", "永安", "德润", "安泰", "信达",
    "海纳", "龙腾", "凯瑞", "星辰", "明德", "和融", "云帆", "青禾", "泰和", "弘毅", "同创", "优品",
    "百川", "景然", "思远", "晨光",
];

const B2B_TRADES: &[&str] = &[
    "科技有限公司",
    "信息技术有限公司",
    "智能制造有限公司",
    "物流有限公司",
    "医疗器械有限公司",
    "新材料股份有限公司",
    "电子有限公司",
    "机械设备有限公司",
    "环保科技有限公司",
    "供应链管理有限公司",
];

const B2C_TRADES: &[&str] = &[
    "便利店",
    "烘焙坊",
    "母婴店",
    "花艺工作室",
    "美发沙龙",
    "咖啡馆",
    "健身工作室",
    "文具店",
    "宠物店",
    "服装店",
];

const LEASING_TRADES: &[&str] = &[
    "餐饮管理有限公司",
    "商贸有限公司",
    "服饰有限公司",
    "教育咨询有限公司",
    "文化传媒有限公司",
    "健康管理有限公司",
    "连锁超市有限公司",
    "影院管理有限公司",
];

/// 客户层级 as the method names the tiers (the `tiers` filters match them).
const TIERS: &[&str] = &["高端", "中端", "普通"];
const CHANNELS: &[&str] = &["线上", "线下"];

/// Which product line a team sells; decides contract sizes and vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    B2b,
    B2c,
    Leasing,
}

impl Line {
    fn of_team(team: usize) -> Line {
        [Line::B2b, Line::B2c, Line::Leasing][team % 3]
    }

    fn member_role(self) -> &'static str {
        match self {
            Line::B2b => "商务专员-B2B",
            Line::B2c => "商务专员-B2C",
            Line::Leasing => "招商专员",
        }
    }

    fn team_prefix(self) -> &'static str {
        match self {
            Line::B2b => "大客户",
            Line::B2c => "零售",
            Line::Leasing => "招商",
        }
    }

    /// Customer sources; the last one is the referral source.
    fn sources(self) -> &'static [&'static str] {
        match self {
            Line::B2b => &["官网咨询", "展会", "电话营销", "行业活动", "转介绍"],
            Line::B2c => &["线上广告", "门店到访", "地推活动", "电商平台", "转介绍"],
            Line::Leasing => &["招商会", "中介推荐", "主动来访", "网络推广", "转介绍"],
        }
    }

    /// Relative rate of new leads (averages to 1 over the three lines).
    fn lead_factor(self) -> f64 {
        match self {
            Line::B2b => 0.85,
            Line::B2c => 1.3,
            Line::Leasing => 0.85,
        }
    }

    /// Relative rate of payment rows (averages to 1 over the three lines).
    fn rows_factor(self) -> f64 {
        match self {
            Line::B2b => 0.75,
            Line::B2c => 1.55,
            Line::Leasing => 0.7,
        }
    }

    /// Weights of 1, 2, 3, 4 installments.
    fn installment_weights(self) -> [u32; 4] {
        match self {
            Line::B2b => [15, 30, 40, 15],
            Line::B2c => [72, 28, 0, 0],
            Line::Leasing => [10, 45, 45, 0],
        }
    }

    /// Expected installment rows per contract (after the window cuts a few).
    fn rows_per_contract(self) -> f64 {
        match self {
            Line::B2b => 2.1,
            Line::B2c => 1.15,
            Line::Leasing => 1.95,
        }
    }

    /// Chance that a follow-up moves a prospect one stage on.
    fn advance(self) -> f64 {
        match self {
            Line::B2b => 0.36,
            Line::B2c => 0.5,
            Line::Leasing => 0.38,
        }
    }

    /// Rough share of leads that end up signed (for targets and rates).
    fn conversion(self) -> f64 {
        match self {
            Line::B2b => 0.5,
            Line::B2c => 0.6,
            Line::Leasing => 0.52,
        }
    }

    /// Days between two follow-ups of a prospect.
    fn pipeline_gap(self) -> (i64, i64) {
        match self {
            Line::B2b => (3, 9),
            Line::B2c => (2, 5),
            Line::Leasing => (3, 8),
        }
    }

    /// Follow-up methods weights (拜访, 电话, 微信, 邮件, 演示, 其他).
    fn method_weights(self) -> [u32; 6] {
        match self {
            Line::B2b => [30, 25, 25, 10, 8, 2],
            Line::B2c => [10, 30, 50, 3, 5, 2],
            Line::Leasing => [40, 25, 25, 5, 3, 2],
        }
    }

    /// Mean contract amount in yuan (matches [`Sim::contract_terms`]).
    fn mean_amount(self) -> f64 {
        match self {
            Line::B2b => 50_000.0 + 750_000.0 / 4.0,
            Line::B2c => 2_000.0 + 28_000.0 / 4.0,
            Line::Leasing => (100.0 + 1_900.0 / 4.0) * 700.0,
        }
    }
}

const STAGE_LEAD: u8 = 0;
const STAGE_SIGNED: u8 = 5;
const STAGE_LOST: u8 = 6;

fn stage_zh(stage: u8) -> &'static str {
    words::STAGES[usize::from(stage)].zh
}

const NOTES_BY_STAGE: [&[&str]; 5] = [
    &[
        "首次电话沟通，了解客户基本需求",
        "客户留资后添加微信，发送公司介绍",
        "初次接触，确认决策人及预算范围",
        "回复客户咨询，预约详细沟通时间",
    ],
    &[
        "客户对产品有兴趣，约定上门交流",
        "了解客户现有供应商情况，有更换意向",
        "发送产品手册和案例，客户内部讨论中",
    ],
    &[
        "根据客户需求提交初步方案",
        "上门演示产品功能，客户反馈良好",
        "方案修改后再次提交，等待客户确认",
    ],
    &[
        "发送正式报价单，客户认为价格偏高",
        "调整报价并申请阶梯折扣",
        "客户要求补充报价明细",
    ],
    &[
        "商务条款谈判，客户希望延长账期",
        "与客户采购部确认合同条款",
        "合同法务审核中，约定本周内回复",
    ],
];
const NOTES_SIGNED_NEW: &[&str] = &["合同已签署，安排交付对接", "完成签约，协调项目启动会"];
const NOTES_SIGNED_REPEAT: &[&str] = &[
    "老客户复购，签订补充合同",
    "客户续签年度合同",
    "客户追加采购，已签约",
];
const NOTES_CHECKIN: &[&str] = &[
    "回访客户使用情况，客户满意",
    "例行回访，了解新需求",
    "跟进回款进度，客户确认按期付款",
    "节日问候并介绍新品",
    "协助处理售后问题，客户认可",
];
const NOTES_LOST: &[&str] = &[
    "客户选择竞品，暂停跟进",
    "客户预算取消，项目搁置",
    "多次联系无回应，标记流失",
];
const NOTES_CHURN: &[&str] = &["客户业务调整，终止合作", "客户转向其他供应商，合作终止"];

/// Chinese numerals for team names (一 … 九十九).
fn zh_number(n: usize) -> String {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => D[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { D[n - 10] }),
        20..=99 => format!(
            "{}十{}",
            D[n / 10],
            if n.is_multiple_of(10) { "" } else { D[n % 10] }
        ),
        _ => n.to_string(),
    }
}

// ---------------------------------------------------------------------------
// The company: reps and teams (fixed for the whole year)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct Rep {
    id: String,
    name: String,
    /// No other rep has the same name, so the name may stand for the id.
    name_unique: bool,
    team: usize,
    line: Line,
    is_lead: bool,
    hire: NaiveDate,
    leave: Option<NaiveDate>,
    email: String,
    supervisor: Option<usize>,
    bonus_base_cents: i64,
    /// Personal performance factor (0.75–1.25) for leads and deals.
    activity: f64,
    /// Colleague who takes over the customers after leaving.
    heir: Option<usize>,
}

impl Rep {
    fn employed_on(&self, d: NaiveDate) -> bool {
        self.hire <= d && self.leave.is_none_or(|l| d <= l)
    }

    /// Employed on at least one day of the month.
    fn active_in(&self, y: i32, m: u32) -> bool {
        self.hire <= month_end(y, m) && self.leave.is_none_or(|l| l >= month_start(y, m))
    }

    /// Share of the month's days employed.
    fn employed_share(&self, y: i32, m: u32) -> f64 {
        let (s, e) = (month_start(y, m), month_end(y, m));
        let from = s.max(self.hire);
        let to = self.leave.map_or(e, |l| l.min(e));
        if to < from {
            return 0.0;
        }
        ((to - from).num_days() + 1) as f64 / ((e - s).num_days() + 1) as f64
    }

    fn role(&self) -> &'static str {
        if self.is_lead {
            "商务总监"
        } else {
            self.line.member_role()
        }
    }

    /// Weight of the rep's own customer work (team leads sell less).
    fn weight(&self) -> f64 {
        if self.is_lead {
            0.5
        } else {
            1.0
        }
    }
}

struct Team {
    name: String,
    line: Line,
    members: Vec<usize>,
}

/// One manual adjustment of the year.
struct Adjustment {
    month: u32,
    rep: usize,
    kind: &'static str,
    indicator: Option<&'static str>,
    value: Option<f64>,
    reason: &'static str,
    approver: String,
}

struct Company {
    year: i32,
    months: u32,
    window_end: NaiveDate,
    seed: u64,
    vol: Volumes,
    reps: Vec<Rep>,
    teams: Vec<Team>,
    cal: WorkCalendar,
    adjustments: Vec<Adjustment>,
    max_rows: u32,
    /// Average of `Rep::weight()` over the initial head count, to normalise rates.
    mean_weight: f64,
}

impl Company {
    fn build(opts: &DemoOptions) -> Company {
        let year = opts.year;
        let mut rng = Rng::derive(opts.seed, "company", 0);
        let cal = WorkCalendar::new(year);
        let n = opts.reps.max(1);
        let n_teams = n.div_ceil(8).max((n / 2).min(3)).max(1);
        let n_hires = ((n as f64 / 12.0 + 0.5) as usize).max(1);
        let n_leavers = if n >= 4 {
            ((n as f64 / 24.0 + 0.5) as usize).max(1)
        } else {
            0
        };
        let total = n + n_hires;
        let width = total.to_string().len().max(3);

        let mut teams: Vec<Team> = (0..n_teams)
            .map(|t| {
                let line = Line::of_team(t);
                Team {
                    name: format!("{}{}部", line.team_prefix(), zh_number(t / 3 + 1)),
                    line,
                    members: Vec::new(),
                }
            })
            .collect();
        // Initial staff, spread evenly: the first of each team is its lead.
        let mut team_of = Vec::with_capacity(total);
        for t in 0..n_teams {
            let size = n / n_teams + usize::from(t < n % n_teams);
            team_of.resize(team_of.len() + size, t);
        }
        // Hires during the year (e.g. April and August for two hires).
        let mut hire_dates = Vec::new();
        for k in 0..n_hires {
            let month =
                (1.0 + ((k as f64 + 0.75) * 12.0 / (n_hires as f64 + 1.0) + 0.5).floor()) as u32;
            let month = month.clamp(2, 12);
            let day = rng.range(1, 20) as u32;
            hire_dates.push(cal.on_or_after(ymd(year, month, day)));
            team_of.push((k * 7 + 1) % n_teams);
        }

        let pairs = |t: (&'static str, &'static str)| -> Vec<(char, &'static str)> {
            t.0.chars().zip(t.1.split(' ')).collect()
        };
        let (surnames, given) = (pairs(SURNAMES), pairs(GIVEN));
        let mut used_names = BTreeSet::new();
        let mut used_emails = BTreeSet::new();
        let force_unique = total <= 100;
        let mut reps: Vec<Rep> = Vec::with_capacity(total);
        for (i, team) in team_of.iter().copied().enumerate() {
            let is_lead = teams[team].members.is_empty();
            let (name, pinyin) = loop {
                let (s, sp) = *rng.pick(&surnames);
                let (g1, p1) = *rng.pick(&given);
                let (name, pinyin) = if rng.chance(0.6) {
                    let (g2, p2) = *rng.pick(&given);
                    (format!("{s}{g1}{g2}"), format!("{sp}{p1}{p2}"))
                } else {
                    (format!("{s}{g1}"), format!("{sp}{p1}"))
                };
                if !force_unique || !used_names.contains(&name) {
                    break (name, pinyin);
                }
            };
            used_names.insert(name.clone());
            let mut email = format!("{pinyin}@example.com");
            let mut k = 2;
            while used_emails.contains(&email) {
                email = format!("{pinyin}{k}@example.com");
                k += 1;
            }
            used_emails.insert(email.clone());
            let line = teams[team].line;
            let hire = if i < n {
                let back = if is_lead {
                    rng.range(3 * 365, 8 * 365)
                } else {
                    rng.range(60, 6 * 365)
                };
                cal.on_or_after(ymd(year, 1, 1) - Duration::days(back))
            } else {
                hire_dates[i - n]
            };
            let bonus_yuan = match (is_lead, line) {
                (true, _) => rng.range(100, 150) * 100,
                (false, Line::B2b) => rng.range(50, 80) * 100,
                (false, Line::B2c) => rng.range(30, 50) * 100,
                (false, Line::Leasing) => rng.range(40, 60) * 100,
            };
            let supervisor = teams[team].members.first().copied();
            reps.push(Rep {
                id: format!("S{:0width$}", i + 1),
                name,
                name_unique: true,
                team,
                line,
                is_lead,
                hire,
                leave: None,
                email,
                supervisor,
                bonus_base_cents: bonus_yuan * 100,
                activity: 0.75 + 0.5 * rng.unit(),
                heir: None,
            });
            teams[team].members.push(i);
        }
        let mut counts = std::collections::BTreeMap::new();
        for r in &reps {
            *counts.entry(r.name.clone()).or_insert(0) += 1;
        }
        for r in &mut reps {
            r.name_unique = counts[&r.name] == 1;
        }

        // Leavers: initial staff, never a lead; their customers go to a colleague.
        for k in 0..n_leavers {
            let month =
                (1.0 + ((k as f64 + 1.0) * 12.0 / (n_leavers as f64 + 1.0) + 0.5).floor()) as u32;
            let month = month.clamp(2, 12);
            let team = (k * 5 + 2) % n_teams;
            let candidates: Vec<usize> = teams[team]
                .members
                .iter()
                .copied()
                .filter(|&i| i < n && !reps[i].is_lead && reps[i].leave.is_none())
                .collect();
            let Some(&who) = candidates.get(rng.below(candidates.len().max(1) as u64) as usize)
            else {
                continue;
            };
            let day = rng.range(10, 20) as u32;
            reps[who].leave = Some(ymd(year, month, day));
            let heirs: Vec<usize> = teams[team]
                .members
                .iter()
                .copied()
                .filter(|&i| i != who && i < n && reps[i].leave.is_none() && !reps[i].is_lead)
                .collect();
            reps[who].heir = Some(heirs.first().copied().unwrap_or(teams[team].members[0]));
        }

        let mean_weight = reps[..n].iter().map(Rep::weight).sum::<f64>() / n as f64;
        let window_end = month_end(year, opts.months);
        let mut company = Company {
            year,
            months: opts.months,
            window_end,
            seed: opts.seed,
            vol: opts.scale.per_rep(),
            reps,
            teams,
            cal,
            adjustments: Vec::new(),
            max_rows: opts.max_rows_per_sheet,
            mean_weight,
        };
        company.adjustments = company.plan_adjustments(&mut rng, n);
        company
    }

    /// A handful of manual adjustments over the year (about one per four reps).
    fn plan_adjustments(&self, rng: &mut Rng, initial: usize) -> Vec<Adjustment> {
        // (month, kind, indicator, reason); the first six cover every kind.
        const PLAN: &[(u32, &str, Option<&str>, &str)] = &[
            (2, "加分", None, "签约年度重点客户，获公司通报表扬"),
            (
                3,
                "剔除",
                Some("sales_achievement"),
                "产品断供：上游供应商停产，本月销售额达成率作为非个人因素剔除",
            ),
            (
                5,
                "目标调整",
                Some("sales_target"),
                "部分客户划转至新团队，本月销售额目标相应下调",
            ),
            (6, "扣分", None, "台账信息录入不及时，经提醒仍未改正"),
            (
                9,
                "一票否决",
                None,
                "违反公司合规制度，私下向客户收取回扣，经合规部核实",
            ),
            (11, "加分", None, "协助兄弟团队完成重大项目投标"),
            (4, "扣分", None, "客户投诉响应超时，影响客户体验"),
            (7, "加分", None, "客户书面表扬服务到位"),
            (
                8,
                "剔除",
                Some("sales_achievement"),
                "产品断供：核心型号缺货，本月销售额达成率剔除",
            ),
            (
                10,
                "目标调整",
                Some("sales_target"),
                "区域市场政策调整，经审批下调本月销售额目标",
            ),
            (12, "扣分", None, "未按规定提交合同审批材料"),
            (1, "加分", None, "提出流程改进建议并被采纳"),
        ];
        let count = (initial / 4).max(6);
        let mut out = Vec::new();
        for k in 0..count {
            let (month, kind, indicator, reason) = PLAN[k % PLAN.len()];
            let team = &self.teams[(k * 5 + k / PLAN.len()) % self.teams.len()];
            let (s, e) = (month_start(self.year, month), month_end(self.year, month));
            let eligible: Vec<usize> = team
                .members
                .iter()
                .copied()
                .filter(|&i| {
                    let r = &self.reps[i];
                    !r.is_lead && r.hire < s && r.leave.is_none_or(|l| l > e)
                })
                .collect();
            if eligible.is_empty() {
                continue;
            }
            let rep = eligible[rng.below(eligible.len() as u64) as usize];
            let value = match kind {
                "加分" => Some(rng.range(2, 5) as f64),
                "扣分" => Some(rng.range(1, 3) as f64),
                "目标调整" => Some(
                    (self.sales_target_cents(rep, month, 1.0) as f64 / 100.0 * 0.8 / 10_000.0)
                        .round()
                        * 10_000.0,
                ),
                _ => None,
            };
            let approver = match kind {
                "加分" | "扣分" => self.reps[team.members[0]].name.clone(),
                "一票否决" => COMPLIANCE_HEAD.to_string(),
                _ => VP_NAME.to_string(),
            };
            out.push(Adjustment {
                month,
                rep,
                kind,
                indicator,
                value,
                reason,
                approver,
            });
        }
        out.sort_by_key(|a| (a.month, a.rep));
        out
    }

    /// New leads a rep gets in a full month.
    fn lead_rate(&self, rep: &Rep) -> f64 {
        let new_share = 0.55;
        self.vol.customers * new_share / 12.0 * rep.line.lead_factor() * rep.weight()
            / self.mean_weight
            * rep.activity
    }

    /// Contracts a rep signs in a full month (new and repeat).
    fn contract_rate(&self, rep: &Rep) -> f64 {
        self.vol.payment_rows / 12.0 * rep.line.rows_factor() / rep.line.rows_per_contract()
            * rep.weight()
            / self.mean_weight
            * rep.activity
    }

    /// Probation factor for targets: the first three months count half.
    fn probation_factor(&self, rep: &Rep, month: u32) -> f64 {
        let end = month_end(self.year, month);
        let probation_end = rep
            .hire
            .checked_add_months(Months::new(3))
            .unwrap_or(rep.hire);
        if end < probation_end {
            0.5
        } else {
            1.0
        }
    }

    /// The month's sales target (before jitter): expected signed sales.
    fn sales_target_cents(&self, rep: usize, month: u32, jitter: f64) -> i64 {
        let r = &self.reps[rep];
        let base = self.contract_rate(r) / r.activity * r.line.mean_amount();
        let v =
            base * self.probation_factor(r, month) * r.employed_share(self.year, month) * jitter;
        let step = if r.line == Line::B2c {
            1_000.0
        } else {
            10_000.0
        };
        (((v / step).round() * step).max(step) as i64) * 100
    }
}

// ---------------------------------------------------------------------------
// Simulation state and one month's rows
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pending {
    None,
    Repeat,
    Churn,
}

#[derive(Debug, Clone)]
struct Customer {
    created: NaiveDateTime,
    owner: u32,
    line: Line,
    tier: u8,
    channel: u8,
    source: u8,
    referrer: Option<u32>,
    stage: u8,
    end: Option<NaiveDate>,
    next_fu: Option<NaiveDateTime>,
    pending: Pending,
    last_sign: Option<NaiveDate>,
}

/// A customer row as of a month end.
struct CustomerRow {
    index: u32,
    created: NaiveDateTime,
    owner: u32,
    by_name: bool,
    line: Line,
    tier: u8,
    channel: u8,
    source: u8,
    referrer: Option<u32>,
    end: Option<NaiveDate>,
}

struct FollowupRow {
    time: NaiveDateTime,
    rep: u32,
    by_name: bool,
    customer: u32,
    method: u8,
    stage: u8,
    note: &'static str,
    next: Option<NaiveDate>,
}

#[derive(Clone)]
struct PaymentRow {
    sign_year: i32,
    contract_no: u32,
    installment: u8,
    customer: u32,
    rep: u32,
    sign: NaiveDate,
    amount: i64,
    special: bool,
    submitted: NaiveDate,
    approved: NaiveDate,
    due_amount: i64,
    due: NaiveDate,
    paid: Option<(i64, NaiveDate)>,
    profit: i64,
    area_centi: Option<i64>,
    key_project: bool,
    /// 签约类型: the customer had signed before (written for B2B and
    /// leasing; left blank for B2C, where kaohe infers it).
    renewal: bool,
    /// 合同到期日 of a fixed-term contract (leases and B2B service years).
    term_end: Option<NaiveDate>,
}

struct TargetRow {
    rep: u32,
    period: String,
    sales_cents: i64,
    new_customers: u32,
    followups: u32,
    area: Option<u32>,
}

struct ScoreRow {
    rep: u32,
    indicator: &'static str,
    rater: &'static str,
    tenths: u32,
}

struct MonthData {
    month: u32,
    customers: Vec<CustomerRow>,
    followups: Vec<FollowupRow>,
    payments: Vec<PaymentRow>,
    targets: Vec<TargetRow>,
    scores: Vec<ScoreRow>,
}

struct Sim {
    year: i32,
    customers: Vec<Customer>,
    by_owner: Vec<Vec<u32>>,
    /// Installment rows waiting for their due month (index 0 = January).
    due: Vec<Vec<PaymentRow>>,
    contract_counter: u32,
    contracts_emitted: usize,
    /// Mean days between two check-ins of a signed customer.
    checkin_gap: (i64, i64),
}

impl Sim {
    fn new(co: &Company, opts: &DemoOptions) -> Sim {
        // Signed customers are visited about monthly at sample scale; the
        // larger per-rep books of medium/large get slightly longer gaps.
        let checkin_gap = match opts.scale {
            Scale::Sample => (11, 31),
            Scale::Medium | Scale::Large | Scale::Xl => (11, 31),
        };
        let mut sim = Sim {
            year: co.year,
            customers: Vec::new(),
            by_owner: vec![Vec::new(); co.reps.len()],
            due: vec![Vec::new(); co.months as usize],
            contract_counter: 0,
            contracts_emitted: 0,
            checkin_gap,
        };
        sim.history(co);
        sim
    }

    /// Customers that existed before the year, some with a contract signed
    /// last year whose later installments fall due this year.
    fn history(&mut self, co: &Company) {
        let mut rng = Rng::derive(co.seed, "history", 0);
        let year_start = ymd(co.year, 1, 1);
        let mut made: Vec<Customer> = Vec::new();
        for (i, rep) in co.reps.iter().enumerate() {
            if rep.hire >= year_start {
                continue;
            }
            let mean =
                co.vol.customers * 0.45 * rep.line.lead_factor() * rep.weight() / co.mean_weight;
            let n = rng.count(mean);
            let from = rep.hire.max(ymd(co.year - 3, 1, 1));
            let span = (year_start - from).num_days().max(1) - 1;
            for _ in 0..n {
                let day = co
                    .cal
                    .on_or_after(from + Duration::days(rng.range(0, span)));
                let day = if day >= year_start { from } else { day };
                let created = at(day, rng.range(9 * 60, 18 * 60));
                let mut c = self.fresh_customer(&mut rng, created, i as u32, rep.line);
                let r = rng.unit();
                if r < 0.72 {
                    c.stage = STAGE_SIGNED;
                    let signed =
                        (day + Duration::days(rng.range(15, 90))).min(ymd(co.year - 1, 12, 20));
                    c.last_sign = Some(signed.max(day));
                    let gap = self.checkin_gap;
                    c.next_fu = Some(at(
                        co.cal
                            .on_or_after(year_start + Duration::days(rng.range(1, gap.1))),
                        rng.range(540, 1080),
                    ));
                } else if r < 0.85 {
                    c.stage = rng.range(1, 3) as u8;
                    c.next_fu = Some(at(
                        co.cal
                            .on_or_after(year_start + Duration::days(rng.range(1, 12))),
                        rng.range(540, 1080),
                    ));
                } else {
                    c.stage = STAGE_LOST;
                    c.end = Some((day + Duration::days(rng.range(30, 300))).min(ymd(
                        co.year - 1,
                        12,
                        31,
                    )));
                }
                made.push(c);
            }
        }
        made.sort_by_key(|c| (c.created, c.owner));
        for (idx, mut c) in made.into_iter().enumerate() {
            if c.source as usize == c.line.sources().len() - 1 {
                c.referrer = (idx > 0).then(|| rng.below(idx as u64) as u32);
                if c.referrer.is_none() {
                    c.source = 0;
                }
            }
            self.by_owner[c.owner as usize].push(idx as u32);
            self.customers.push(c);
        }
        // Last year's contracts whose tail installments are due this year.
        let mut tails: Vec<(NaiveDate, u32)> = Vec::new();
        for (idx, c) in self.customers.iter().enumerate() {
            if c.stage == STAGE_SIGNED && rng.chance(0.6) {
                let lo = ymd(co.year - 1, 5, 1).max(c.created.date() + Duration::days(7));
                let hi = ymd(co.year - 1, 12, 20);
                if lo < hi {
                    let d = co
                        .cal
                        .on_or_after(lo + Duration::days(rng.range(0, (hi - lo).num_days())));
                    tails.push((d.min(hi), idx as u32));
                }
            }
        }
        tails.sort();
        for (no, (sign, idx)) in tails.into_iter().enumerate() {
            let c = &mut self.customers[idx as usize];
            let renewal = c.last_sign.is_some_and(|l| l < sign);
            c.last_sign = Some(c.last_sign.map_or(sign, |l| l.max(sign)));
            let (owner, line) = (c.owner, c.line);
            self.make_contract(
                co,
                &mut rng,
                co.year - 1,
                no as u32 + 1,
                idx,
                owner,
                line,
                sign,
                true,
                renewal,
            );
        }
    }

    fn fresh_customer(
        &self,
        rng: &mut Rng,
        created: NaiveDateTime,
        owner: u32,
        line: Line,
    ) -> Customer {
        let referral = rng.chance(0.1);
        let sources = line.sources();
        let source = if referral {
            sources.len() - 1
        } else {
            rng.below(sources.len() as u64 - 1) as usize
        };
        let online = match line {
            Line::B2b => 0.3,
            Line::B2c => 0.6,
            Line::Leasing => 0.15,
        };
        Customer {
            created,
            owner,
            line,
            tier: rng.weighted(&[15, 35, 50]) as u8,
            channel: if rng.chance(online) { 0 } else { 1 },
            source: source as u8,
            referrer: None,
            stage: STAGE_LEAD,
            end: None,
            next_fu: None,
            pending: Pending::None,
            last_sign: None,
        }
    }

    /// Terms of a new contract and its installments; rows due inside the
    /// window go to their month's bucket. Returns nothing: the rows carry
    /// every contract-level field.
    #[allow(clippy::too_many_arguments)]
    fn make_contract(
        &mut self,
        co: &Company,
        rng: &mut Rng,
        sign_year: i32,
        contract_no: u32,
        customer: u32,
        rep: u32,
        line: Line,
        sign: NaiveDate,
        pre_year: bool,
        renewal: bool,
    ) {
        let (amount, area_centi) = Self::contract_terms(rng, line);
        // Leases and B2B service contracts run one year (no random draw,
        // so the rest of the company stays as it was); B2C sales have no term.
        let term_end = match line {
            Line::B2b | Line::Leasing => sign
                .checked_add_months(Months::new(12))
                .map(|d| d - Duration::days(1)),
            Line::B2c => None,
        };
        let special = rng.chance(if line == Line::B2b { 0.25 } else { 0.12 });
        let key_project = match line {
            Line::B2b => amount >= 40_000_000 && rng.chance(0.6),
            Line::Leasing => area_centi.is_some_and(|a| a >= 100_000) && rng.chance(0.5),
            Line::B2c => false,
        };
        let margin = match line {
            Line::B2b => rng.range(25, 45),
            Line::B2c => rng.range(15, 35),
            Line::Leasing => rng.range(40, 60),
        };
        let profit = amount * margin / 100;
        let approval_days = [1, 2, 3, 4, 5, 6, 7][rng.weighted(&[30, 30, 22, 8, 5, 3, 2])];
        let approved = co.cal.shift(sign, -rng.range(0, 2));
        let submitted = co.cal.shift(approved, -approval_days);

        // Installment schedule, cut at the window end.
        let wanted = rng.weighted(&line.installment_weights()) + 1;
        let mut dues = Vec::with_capacity(wanted);
        let first_gap = if line == Line::B2c {
            rng.range(0, 5)
        } else {
            rng.range(0, 10)
        };
        let mut due = sign + Duration::days(first_gap);
        for k in 0..wanted {
            if k > 0 {
                due = due
                    .checked_add_months(Months::new(rng.range(1, 2) as u32))
                    .unwrap_or(due);
            }
            if due > co.window_end {
                if k == 0 && !pre_year {
                    dues.push(co.window_end);
                }
                break;
            }
            dues.push(due);
        }
        if dues.is_empty() {
            // Nothing due inside the window (can only happen to last year's contracts).
            return;
        }
        let n = dues.len() as i64;
        let mut shares = Vec::with_capacity(dues.len());
        if n == 1 {
            shares.push(amount);
        } else {
            let first = amount * [30, 40, 50][rng.below(3) as usize] / 100;
            shares.push(first);
            let rest = amount - first;
            for k in 1..n {
                shares.push(if k == n - 1 {
                    rest - rest / (n - 1) * (n - 2)
                } else {
                    rest / (n - 1)
                });
            }
        }
        debug_assert_eq!(shares.iter().sum::<i64>(), amount);

        let window_start = ymd(co.year, 1, 1);
        let mut emitted = false;
        for (k, (due, due_amount)) in dues.into_iter().zip(shares).enumerate() {
            if due < window_start {
                continue;
            }
            let paid = Self::payment_outcome(rng, due, due_amount, sign, co.window_end);
            let row = PaymentRow {
                sign_year,
                contract_no,
                installment: k as u8 + 1,
                customer,
                rep,
                sign,
                amount,
                special,
                submitted,
                approved,
                due_amount,
                due,
                paid,
                profit,
                area_centi,
                key_project,
                renewal,
                term_end,
            };
            let m = month_of(due, co.year).expect("due date inside the window");
            self.due[m as usize - 1].push(row);
            emitted = true;
        }
        if emitted {
            self.contracts_emitted += 1;
        }
    }

    /// Contract amount in cents (and area in 0.01 m² for leasing).
    fn contract_terms(rng: &mut Rng, line: Line) -> (i64, Option<i64>) {
        match line {
            Line::B2b => (rng.skewed(500, 8_000) * 100 * 100, None),
            Line::B2c => {
                let yuan = rng.skewed(200, 3_000) * 10;
                (yuan * 100 + if rng.chance(0.2) { 50 } else { 0 }, None)
            }
            Line::Leasing => {
                let area_centi = rng.skewed(10_000, 200_000);
                let price = rng.range(40, 100) * 10; // yuan per m², steps of 10
                (area_centi * price, Some(area_centi))
            }
        }
    }

    /// Mostly paid on time; some late (within or beyond the 30-day grace),
    /// some partial, some unpaid. Nothing after the window end.
    fn payment_outcome(
        rng: &mut Rng,
        due: NaiveDate,
        amount: i64,
        sign: NaiveDate,
        end: NaiveDate,
    ) -> Option<(i64, NaiveDate)> {
        let r = rng.unit();
        let (paid, date) = if r < 0.74 {
            (amount, due + Duration::days(rng.range(-7, 5)))
        } else if r < 0.80 {
            (amount, due + Duration::days(rng.range(6, 25)))
        } else if r < 0.86 {
            (amount, due + Duration::days(rng.range(31, 80)))
        } else if r < 0.92 {
            (
                amount * rng.range(40, 90) / 100,
                due + Duration::days(rng.range(-3, 10)),
            )
        } else {
            return None;
        };
        let date = date.max(sign);
        (date <= end && paid > 0).then_some((paid, date))
    }

    fn next_contract_no(&mut self) -> u32 {
        self.contract_counter += 1;
        self.contract_counter
    }

    /// Simulate one month and return its rows.
    fn step(&mut self, co: &Company, m: u32) -> MonthData {
        let y = self.year;
        let mut rng = Rng::derive(co.seed, "month", u64::from(m));
        let (start, end) = (month_start(y, m), month_end(y, m));
        let days = end.day();

        // Customers of reps who left last month (or before) go to their heirs.
        for (i, rep) in co.reps.iter().enumerate() {
            if let (Some(leave), Some(heir)) = (rep.leave, rep.heir) {
                if leave < start && !self.by_owner[i].is_empty() {
                    let moved = std::mem::take(&mut self.by_owner[i]);
                    for &c in &moved {
                        self.customers[c as usize].owner = heir as u32;
                    }
                    self.by_owner[heir].extend(moved);
                    self.by_owner[heir].sort_unstable();
                }
            }
        }

        // New leads of the month, numbered in order of creation.
        let mut leads: Vec<(NaiveDateTime, u32)> = Vec::new();
        for (i, rep) in co.reps.iter().enumerate() {
            let share = rep.employed_share(y, m);
            if share <= 0.0 {
                continue;
            }
            let n = rng.count(co.lead_rate(rep) * share);
            let employed: Vec<NaiveDate> = (1..=days)
                .map(|d| ymd(y, m, d))
                .filter(|d| rep.employed_on(*d))
                .collect();
            let workdays: Vec<NaiveDate> = employed
                .iter()
                .copied()
                .filter(|d| co.cal.is_workday(*d))
                .collect();
            for _ in 0..n {
                let pool = if workdays.is_empty() || rng.chance(0.1) {
                    &employed
                } else {
                    &workdays
                };
                let day = *rng.pick(pool);
                leads.push((at(day, rng.range(8 * 60 + 30, 20 * 60 + 30)), i as u32));
            }
        }
        leads.sort();
        for (created, owner) in leads {
            let line = co.reps[owner as usize].line;
            let mut c = self.fresh_customer(&mut rng, created, owner, line);
            let idx = self.customers.len();
            if c.source as usize == line.sources().len() - 1 {
                // A referral names a signed customer as its referrer.
                c.referrer = (0..12)
                    .map(|_| rng.below(idx.max(1) as u64) as usize)
                    .find(|&j| j < idx && self.customers[j].stage == STAGE_SIGNED)
                    .map(|j| j as u32);
                if c.referrer.is_none() {
                    c.source = 0;
                }
            }
            c.next_fu = Some(Self::first_contact(&mut rng, co, created));
            self.by_owner[owner as usize].push(idx as u32);
            self.customers.push(c);
        }

        // Repeat contracts and churn, planned at the start of the month.
        for (i, rep) in co.reps.iter().enumerate() {
            let share = rep.employed_share(y, m);
            if share <= 0.0 || self.by_owner[i].is_empty() {
                continue;
            }
            let new_expected = co.lead_rate(rep) * rep.line.conversion();
            let repeat_mean = (co.contract_rate(rep) - new_expected).max(0.2) * share;
            let n = rng.count(repeat_mean);
            let workdays: Vec<NaiveDate> = (1..=days)
                .map(|d| ymd(y, m, d))
                .filter(|d| rep.employed_on(*d) && co.cal.is_workday(*d))
                .collect();
            if workdays.is_empty() {
                continue;
            }
            for _ in 0..n {
                let owned = &self.by_owner[i];
                let found = (0..16)
                    .map(|_| owned[rng.below(owned.len() as u64) as usize])
                    .find(|&c| {
                        let c = &self.customers[c as usize];
                        c.stage == STAGE_SIGNED
                            && c.end.is_none()
                            && c.pending == Pending::None
                            && c.last_sign.is_none_or(|l| l + Duration::days(20) <= start)
                    });
                if let Some(c) = found {
                    let day = *rng.pick(&workdays);
                    let c = &mut self.customers[c as usize];
                    c.pending = Pending::Repeat;
                    c.next_fu = Some(at(day, rng.range(570, 1050)));
                }
            }
        }
        for c in &mut self.customers {
            if c.stage == STAGE_SIGNED
                && c.end.is_none()
                && c.pending == Pending::None
                && rng.chance(0.005)
            {
                let day = co
                    .cal
                    .on_or_after(ymd(y, m, rng.range(1, i64::from(days)) as u32));
                if day <= end {
                    c.pending = Pending::Churn;
                    c.next_fu = Some(at(day, rng.range(570, 1050)));
                }
            }
        }

        // Follow-ups, day by day.
        let mut buckets: Vec<Vec<u32>> = vec![Vec::new(); days as usize];
        for (idx, c) in self.customers.iter().enumerate() {
            if let Some(t) = c.next_fu {
                if t.date() >= start && t.date() <= end {
                    buckets[t.day() as usize - 1].push(idx as u32);
                } else if t.date() < start && c.end.is_none() {
                    // Overdue (should not happen): pick it up on the 1st.
                    buckets[0].push(idx as u32);
                }
            }
        }
        let mut followups = Vec::new();
        for d in 1..=days {
            let today = ymd(y, m, d);
            let todo = std::mem::take(&mut buckets[d as usize - 1]);
            let mut seen = BTreeSet::new();
            for idx in todo {
                if !seen.insert(idx) {
                    continue;
                }
                let due_now = self.customers[idx as usize]
                    .next_fu
                    .is_some_and(|t| t.date() == today || (d == 1 && t.date() < start));
                if !due_now {
                    continue;
                }
                if let Some(row) = self.contact(co, &mut rng, idx, today) {
                    if let Some(next) = row.next {
                        let t = self.customers[idx as usize].next_fu.expect("scheduled");
                        debug_assert_eq!(t.date(), next);
                        if next > today && next <= end {
                            buckets[next.day() as usize - 1].push(idx);
                        }
                    }
                    followups.push(row);
                } else if let Some(t) = self.customers[idx as usize].next_fu {
                    if t.date() > today && t.date() <= end {
                        buckets[t.day() as usize - 1].push(idx);
                    }
                }
            }
        }
        followups.sort_by_key(|f| (f.time, f.rep, f.customer));

        let payments = {
            let mut rows = std::mem::take(&mut self.due[m as usize - 1]);
            rows.sort_by_key(|r| (r.due, r.sign_year, r.contract_no, r.installment));
            rows
        };

        let customers = self
            .customers
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let owner = &co.reps[c.owner as usize];
                CustomerRow {
                    index: i as u32,
                    created: c.created,
                    owner: c.owner,
                    by_name: owner.name_unique && mix64(co.seed ^ i as u64) % 100 < 8,
                    line: c.line,
                    tier: c.tier,
                    channel: c.channel,
                    source: c.source,
                    referrer: c.referrer,
                    end: c.end,
                }
            })
            .collect();

        let targets = self.targets(co, &mut rng, m);
        let scores = Self::scores(co, &mut rng, m);
        MonthData {
            month: m,
            customers,
            followups,
            payments,
            targets,
            scores,
        }
    }

    /// When a new lead is first contacted: mostly within 24 hours.
    fn first_contact(rng: &mut Rng, co: &Company, created: NaiveDateTime) -> NaiveDateTime {
        let minute = i64::from(created.hour() * 60 + created.minute());
        if rng.chance(0.84) {
            if minute <= 17 * 60 && rng.chance(0.7) {
                return created
                    + Duration::minutes(rng.range(10, (18 * 60 + 30 - minute).min(300)));
            }
            let next_morning = at(
                created.date() + Duration::days(1),
                rng.range(9 * 60, 11 * 60 + 30),
            );
            return next_morning.min(created + Duration::minutes(23 * 60 + 30));
        }
        let day = co
            .cal
            .on_or_after(created.date() + Duration::days(rng.range(2, 5)));
        at(day, rng.range(570, 1050))
    }

    /// One contact with a customer whose follow-up is due today.
    fn contact(
        &mut self,
        co: &Company,
        rng: &mut Rng,
        idx: u32,
        today: NaiveDate,
    ) -> Option<FollowupRow> {
        let c = &self.customers[idx as usize];
        let owner = c.owner as usize;
        let rep = &co.reps[owner];
        let time = c.next_fu.expect("scheduled");
        let time = if time.date() < today {
            at(today, rng.range(570, 1050))
        } else {
            time
        };
        if !rep.employed_on(today) {
            // The owner has left: the heir picks the customer up next month.
            let next = co
                .cal
                .on_or_after(month_end(today.year(), today.month()) + Duration::days(1));
            let c = &mut self.customers[idx as usize];
            c.next_fu = Some(at(next, rng.range(570, 720)));
            return None;
        }
        let line = c.line;
        let (stage, note, next) = match c.pending {
            Pending::Repeat => {
                self.customers[idx as usize].pending = Pending::None;
                self.sign(co, rng, idx, today);
                (
                    STAGE_SIGNED,
                    *rng.pick(NOTES_SIGNED_REPEAT),
                    Some(self.checkin_after(co, rng, today)),
                )
            }
            Pending::Churn => {
                let c = &mut self.customers[idx as usize];
                c.pending = Pending::None;
                c.end = Some(today);
                (STAGE_LOST, *rng.pick(NOTES_CHURN), None)
            }
            Pending::None if c.stage == STAGE_SIGNED => (
                STAGE_SIGNED,
                *rng.pick(NOTES_CHECKIN),
                Some(self.checkin_after(co, rng, today)),
            ),
            Pending::None if c.stage == STAGE_LOST || c.end.is_some() => {
                self.customers[idx as usize].next_fu = None;
                return None;
            }
            Pending::None => {
                let stage = c.stage;
                // A first contact rarely moves a lead on at once.
                let (lost, advance) = if stage == STAGE_LEAD {
                    (0.08, line.advance() * 0.5)
                } else {
                    (0.05, line.advance())
                };
                let r = rng.unit();
                if r < lost {
                    let c = &mut self.customers[idx as usize];
                    c.stage = STAGE_LOST;
                    c.end = Some(today);
                    (STAGE_LOST, *rng.pick(NOTES_LOST), None)
                } else if r < lost + advance && stage + 1 == STAGE_SIGNED {
                    self.sign(co, rng, idx, today);
                    (
                        STAGE_SIGNED,
                        *rng.pick(NOTES_SIGNED_NEW),
                        Some(self.checkin_after(co, rng, today)),
                    )
                } else {
                    let new_stage = if r < lost + advance { stage + 1 } else { stage };
                    self.customers[idx as usize].stage = new_stage;
                    let note = *rng.pick(NOTES_BY_STAGE[usize::from(new_stage)]);
                    let (lo, hi) = line.pipeline_gap();
                    let next = co
                        .cal
                        .on_or_after(today + Duration::days(rng.range(lo, hi)));
                    (new_stage, note, Some(next))
                }
            }
        };
        let c = &mut self.customers[idx as usize];
        c.next_fu = next.map(|d| at(d, rng.range(540, 1080)));
        let method = if stage == STAGE_LEAD && c.created.date() == today {
            [1u8, 2][rng.below(2) as usize]
        } else {
            rng.weighted(&line.method_weights()) as u8
        };
        Some(FollowupRow {
            time,
            rep: owner as u32,
            by_name: rep.name_unique && rng.chance(0.05),
            customer: idx,
            method,
            stage,
            note,
            next,
        })
    }

    fn checkin_after(&self, co: &Company, rng: &mut Rng, today: NaiveDate) -> NaiveDate {
        let (lo, hi) = self.checkin_gap;
        co.cal
            .on_or_after(today + Duration::days(rng.range(lo, hi)))
    }

    /// Sign a contract with the customer today.
    fn sign(&mut self, co: &Company, rng: &mut Rng, idx: u32, today: NaiveDate) {
        let no = self.next_contract_no();
        let c = &mut self.customers[idx as usize];
        c.stage = STAGE_SIGNED;
        let renewal = c.last_sign.is_some_and(|l| l < today);
        c.last_sign = Some(today);
        let (owner, line) = (c.owner, c.line);
        self.make_contract(
            co, rng, co.year, no, idx, owner, line, today, false, renewal,
        );
    }

    /// The month's targets; in quarter-end months some reps also get a quarter row.
    fn targets(&self, co: &Company, rng: &mut Rng, m: u32) -> Vec<TargetRow> {
        let y = co.year;
        let mut rows = Vec::new();
        let mut quarter = Vec::new();
        for (i, rep) in co.reps.iter().enumerate() {
            if !rep.active_in(y, m) {
                continue;
            }
            let jitter = 0.9 + 0.2 * rng.unit();
            let share = rep.employed_share(y, m) * co.probation_factor(rep, m);
            let fu_mean = co.vol.followups / 12.0 * rep.weight() / co.mean_weight;
            let new_mean = co.lead_rate(rep) / rep.activity * rep.line.conversion();
            let area = (rep.line == Line::Leasing).then(|| {
                let mean_area = (100.0 + 1_900.0 / 4.0) * co.contract_rate(rep) / rep.activity;
                (((mean_area * share * jitter / 50.0).round() * 50.0) as u32).max(50)
            });
            let row = TargetRow {
                rep: i as u32,
                period: month_key(y, m),
                sales_cents: co.sales_target_cents(i, m, jitter),
                new_customers: ((new_mean * share).round() as u32).max(1),
                followups: (((fu_mean * share * jitter / 5.0).round() * 5.0) as u32).max(5),
                area,
            };
            if m.is_multiple_of(3) && (rep.is_lead || i % 4 == 1) && rep.active_in(y, m - 2) {
                let months_sales: i64 = (m - 2..=m)
                    .map(|k| co.sales_target_cents(i, k, 1.0))
                    .sum::<i64>()
                    / 100
                    * 105
                    / 100;
                let step = if rep.line == Line::B2c { 1_000 } else { 10_000 };
                quarter.push(TargetRow {
                    rep: i as u32,
                    period: format!("{y}-Q{}", m / 3),
                    sales_cents: (months_sales + step / 2) / step * step * 100,
                    new_customers: ((new_mean * 3.0 * 1.1).round() as u32).max(1),
                    followups: 0,
                    area: None,
                });
            }
            rows.push(row);
        }
        rows.extend(quarter);
        rows
    }

    /// Monthly ratings: customer satisfaction (0–10, by 客户), 协作响应速度
    /// (scale 5, by 上级 and 同级) and 协作任务质量 (scale 10, by 上级 and 协作部门);
    /// 团队帮扶, 专业能力 and 产品知识 (scale 10, by 上级) where the presets ask.
    fn scores(co: &Company, rng: &mut Rng, m: u32) -> Vec<ScoreRow> {
        let mut rows = Vec::new();
        for (i, rep) in co.reps.iter().enumerate() {
            if !rep.active_in(co.year, m) {
                continue;
            }
            let good = rep.activity; // 0.75–1.25
            let r = i as u32;
            let mut tenths = |lo: i64, hi: i64| -> u32 {
                let bonus = ((good - 0.75) * 10.0) as i64; // 0..5 half-points
                ((rng.range(lo, hi) + bonus).min(hi) * 5) as u32
            };
            for _ in 0..(1 + rng_count_small(i, m)) {
                rows.push(ScoreRow {
                    rep: r,
                    indicator: "客户满意度",
                    rater: "客户",
                    tenths: tenths(13, 20),
                });
            }
            rows.push(ScoreRow {
                rep: r,
                indicator: "协作响应速度",
                rater: "上级",
                tenths: tenths(5, 10),
            });
            rows.push(ScoreRow {
                rep: r,
                indicator: "协作响应速度",
                rater: "同级",
                tenths: tenths(5, 10),
            });
            rows.push(ScoreRow {
                rep: r,
                indicator: "协作任务质量",
                rater: "上级",
                tenths: tenths(12, 20),
            });
            rows.push(ScoreRow {
                rep: r,
                indicator: "协作任务质量",
                rater: "协作部门",
                tenths: tenths(12, 20),
            });
            // The presets' ratings for some reps only (上级, scale 10), from
            // a generator of their own so every other rating stays as it was:
            // 团队帮扶 for senior 商务专员 (12 months in by the month's end),
            // 专业能力 and 产品知识 for 招商 reps on probation (3 months).
            let end = month_end(co.year, m);
            let months_in = |n: u32| rep.hire.checked_add_months(Months::new(n));
            let mut own = Rng::derive(co.seed, "ratings", (u64::from(m) << 32) | i as u64);
            let bonus = ((good - 0.75) * 10.0) as i64;
            let mut rating = |indicator| ScoreRow {
                rep: r,
                indicator,
                rater: "上级",
                tenths: ((own.range(12, 20) + bonus).min(20) * 5) as u32,
            };
            let senior = months_in(12).is_some_and(|d| d <= end);
            let probation = months_in(3).is_some_and(|d| end < d);
            // The B2B preset's year section rates 专业能力 once, at the
            // year's end.
            if rep.line == Line::B2b && !rep.is_lead && m == 12 {
                rows.push(rating("专业能力"));
            }
            match rep.line {
                Line::B2b | Line::B2c if !rep.is_lead && senior => {
                    rows.push(rating("团队帮扶"));
                }
                Line::Leasing if !rep.is_lead && probation => {
                    rows.push(rating("专业能力"));
                    rows.push(rating("产品知识"));
                }
                _ => {}
            }
        }
        rows
    }
}

/// 0, 1 or 2 extra satisfaction ratings, from the rep and month only.
fn rng_count_small(rep: usize, month: u32) -> usize {
    (mix64(((rep as u64) << 8) ^ u64::from(month)) % 3) as usize
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

struct Formats {
    title: Format,
    header: Format,
    date: Format,
    datetime: Format,
    money: Format,
    area: Format,
}

impl Formats {
    fn new() -> Formats {
        let border = Color::RGB(0xB4C6E7);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(14)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin)
                .set_border_color(border)
                .set_align(FormatAlign::Center),
            date: Format::new().set_num_format("yyyy-mm-dd"),
            datetime: Format::new().set_num_format("yyyy-mm-dd hh:mm"),
            money: Format::new().set_num_format("#,##0.00"),
            area: Format::new().set_num_format("#,##0.00"),
        }
    }
}

/// One cell of a generated row.
enum Cell {
    Empty,
    Word(&'static str),
    Text(String),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    /// Money in cents.
    Money(i64),
    /// Area in 0.01 m².
    Area(i64),
    Int(i64),
    /// A score in tenths.
    Tenths(u32),
    Num(f64),
}

fn put(ws: &mut Worksheet, row: u32, col: u16, cell: &Cell, f: &Formats) -> Result<()> {
    match cell {
        Cell::Empty => {}
        Cell::Word(s) => {
            ws.write_string(row, col, *s)?;
        }
        Cell::Text(s) => {
            ws.write_string(row, col, s)?;
        }
        Cell::Date(d) => {
            ws.write_datetime_with_format(row, col, d, &f.date)?;
        }
        Cell::DateTime(t) => {
            ws.write_datetime_with_format(row, col, t, &f.datetime)?;
        }
        Cell::Money(c) => {
            ws.write_number_with_format(row, col, *c as f64 / 100.0, &f.money)?;
        }
        Cell::Area(a) => {
            ws.write_number_with_format(row, col, *a as f64 / 100.0, &f.area)?;
        }
        Cell::Int(n) => {
            ws.write_number(row, col, *n as f64)?;
        }
        Cell::Tenths(t) => {
            ws.write_number(row, col, f64::from(*t) / 10.0)?;
        }
        Cell::Num(x) => {
            ws.write_number(row, col, *x)?;
        }
    }
    Ok(())
}

/// A typical value of each column, for its width.
fn width_sample(key: &str) -> &'static str {
    match key {
        "time" | "lead_time" => "2026-03-05 09:30",
        "customer_name" => "杭州恒信新材料股份有限公司",
        "notes" => "跟进回款进度，客户确认按期付款",
        "reason" => "签约年度重点客户，获公司通报表扬",
        "email" => "zhangweiming@example.com",
        "contract_id" => "HT2026-00045",
        "contract_amount" | "amount_due" | "amount_paid" | "gross_profit" | "sales_target" => {
            "1,234,567.00"
        }
        "hire_date" | "leave_date" | "sign_date" | "submitted_date" | "approved_date"
        | "due_date" | "paid_date" | "next_time" | "end_date" | "contract_end" | "date" => {
            "2026-03-05"
        }
        "team" | "role" | "indicator" => "商务专员-B2B",
        _ => "",
    }
}

/// Where and how a table is written.
struct TableSpec<'a> {
    kind: Kind,
    /// A merged title row above the header.
    title: Option<&'a str>,
    /// Data rows per sheet.
    max_rows: u32,
    /// Stream rows to disk (for tables that can be long).
    constant_memory: bool,
}

impl<'a> TableSpec<'a> {
    fn small(kind: Kind, max_rows: u32) -> TableSpec<'a> {
        TableSpec {
            kind,
            title: None,
            max_rows,
            constant_memory: false,
        }
    }

    fn long(kind: Kind, max_rows: u32) -> TableSpec<'a> {
        TableSpec {
            kind,
            title: None,
            max_rows,
            constant_memory: true,
        }
    }
}

/// Writes one kind's table, continuing on a new sheet (`名称2`, `名称3` …)
/// after `max_rows` data rows. Returns the number of data rows.
fn write_table<T>(
    wb: &mut Workbook,
    f: &Formats,
    spec: TableSpec,
    items: impl IntoIterator<Item = T>,
    mut fill: impl FnMut(T, &mut Vec<Cell>),
) -> Result<u64> {
    let TableSpec {
        kind,
        title,
        max_rows,
        constant_memory,
    } = spec;
    let cols = kind.columns();
    let header_row: u32 = if title.is_some() { 1 } else { 0 };
    let start_sheet = |wb: &mut Workbook, n: u32| -> Result<()> {
        let ws = if constant_memory {
            wb.add_worksheet_with_constant_memory()?
        } else {
            wb.add_worksheet()
        };
        let name = if n == 1 {
            kind.zh().to_string()
        } else {
            format!("{}{n}", kind.zh())
        };
        ws.set_name(name)?;
        for (c, col) in cols.iter().enumerate() {
            let w = xlsx::fit_width([col.zh, width_sample(col.key)], 8.0, 48.0);
            ws.set_column_width(c as u16, w)?;
        }
        if let Some(t) = title {
            ws.set_row_height(0, 24)?;
            ws.merge_range(0, 0, 0, cols.len() as u16 - 1, t, &f.title)?;
        }
        for (c, col) in cols.iter().enumerate() {
            ws.write_string_with_format(header_row, c as u16, col.zh, &f.header)?;
        }
        ws.set_freeze_panes(header_row + 1, 0)?;
        Ok(())
    };

    let mut sheet_no = 1;
    start_sheet(wb, sheet_no)?;
    let mut sheet_index = wb.worksheets_mut().len() - 1;
    let mut in_sheet = 0u32;
    let mut total = 0u64;
    let mut cells = Vec::with_capacity(cols.len());
    for item in items {
        if in_sheet == max_rows {
            sheet_no += 1;
            start_sheet(wb, sheet_no)?;
            sheet_index = wb.worksheets_mut().len() - 1;
            in_sheet = 0;
        }
        cells.clear();
        fill(item, &mut cells);
        debug_assert_eq!(cells.len(), cols.len(), "{kind:?}");
        let ws = wb.worksheet_from_index(sheet_index)?;
        let row = header_row + 1 + in_sheet;
        for (c, cell) in cells.iter().enumerate() {
            put(ws, row, c as u16, cell, f)?;
        }
        in_sheet += 1;
        total += 1;
    }
    Ok(total)
}

struct FileStat {
    bytes: u64,
    rows: Vec<(Kind, u64)>,
}

fn save(mut wb: Workbook, path: &Path, rows: Vec<(Kind, u64)>) -> Result<FileStat> {
    crate::store::fs::save_atomic(&mut wb, path)?;
    let bytes = std::fs::metadata(path)
        .with_context(|| format!("reading size of {}", path.display()))?
        .len();
    Ok(FileStat { bytes, rows })
}

#[derive(Clone, Copy)]
enum Job {
    RosterTargets,
    Customers,
    Followups,
    Payments,
    Scores,
    Adjustments,
    Calendar,
}

fn write_month(dir: &Path, co: &Company, data: &MonthData) -> Result<Vec<FileStat>> {
    let ym = month_key(co.year, data.month);
    let folder = dir.join(&ym);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("creating folder {}", folder.display()))?;
    let mut jobs = vec![
        Job::Customers,
        Job::Followups,
        Job::Payments,
        Job::RosterTargets,
        Job::Scores,
    ];
    if co.adjustments.iter().any(|a| a.month == data.month) {
        jobs.push(Job::Adjustments);
    }
    if data.month == 1 {
        jobs.push(Job::Calendar);
    }
    jobs.par_iter()
        .map(|job| {
            let f = Formats::new();
            let mut wb = xlsx::new_workbook();
            let name = match job {
                Job::RosterTargets => format!("人员与目标_{ym}.xlsx"),
                Job::Customers => format!("{}_{ym}.xlsx", Kind::Customers.zh()),
                Job::Followups => format!("{}_{ym}.xlsx", Kind::Followups.zh()),
                Job::Payments => format!("{}_{ym}.xlsx", Kind::Payments.zh()),
                Job::Scores => format!("{}_{ym}.xlsx", Kind::Scores.zh()),
                Job::Adjustments => format!("{}_{ym}.xlsx", Kind::Adjustments.zh()),
                Job::Calendar => format!("{}_{}.xlsx", Kind::Calendar.zh(), co.year),
            };
            let path = folder.join(&name);
            let rows = build(&mut wb, &f, *job, co, data)
                .with_context(|| format!("building {}", path.display()))?;
            save(wb, &path, rows)
        })
        .collect()
}

fn customer_id(index: u32) -> String {
    format!("KH{:06}", index + 1)
}

fn contract_id(year: i32, no: u32) -> String {
    format!("HT{year}-{no:05}")
}

fn customer_name(seed: u64, index: u32, line: Line) -> String {
    let h = mix64(seed ^ 0xC0FF_EE00 ^ u64::from(index));
    let city = CITIES[(h % CITIES.len() as u64) as usize];
    let brand = BRANDS[((h >> 16) % BRANDS.len() as u64) as usize];
    let trades = match line {
        Line::B2b => B2B_TRADES,
        Line::B2c => B2C_TRADES,
        Line::Leasing => LEASING_TRADES,
    };
    let trade = trades[((h >> 32) % trades.len() as u64) as usize];
    format!("{city}{brand}{trade}")
}

fn rep_cell(co: &Company, rep: u32, by_name: bool) -> Cell {
    let r = &co.reps[rep as usize];
    if by_name && r.name_unique {
        Cell::Text(r.name.clone())
    } else {
        Cell::Text(r.id.clone())
    }
}

fn build(
    wb: &mut Workbook,
    f: &Formats,
    job: Job,
    co: &Company,
    data: &MonthData,
) -> Result<Vec<(Kind, u64)>> {
    let (y, m) = (co.year, data.month);
    let end = month_end(y, m);
    let max = co.max_rows;
    Ok(match job {
        Job::RosterTargets => {
            let roster = co.reps.iter().filter(|r| r.hire <= end);
            let n_roster = write_table(
                wb,
                f,
                TableSpec::small(Kind::Roster, max),
                roster,
                |r, cells| {
                    cells.push(Cell::Text(r.id.clone()));
                    cells.push(Cell::Text(r.name.clone()));
                    cells.push(Cell::Text(co.teams[r.team].name.clone()));
                    cells.push(Cell::Word(r.role()));
                    cells.push(Cell::Date(r.hire));
                    cells.push(Cell::Text(r.email.clone()));
                    cells.push(
                        r.supervisor
                            .map_or(Cell::Empty, |s| Cell::Text(co.reps[s].id.clone())),
                    );
                    cells.push(Cell::Money(r.bonus_base_cents));
                    cells.push(
                        r.leave
                            .filter(|l| *l <= end)
                            .map_or(Cell::Empty, Cell::Date),
                    );
                    // 文件密码 left blank; a fictional 身份证号 (the samples'
                    // scheme takes its last six characters as the file
                    // password of encrypted mail).
                    cells.push(Cell::Empty);
                    cells.push(Cell::Text(fake_id_number(&r.id)));
                },
            )?;
            let n_targets = write_table(
                wb,
                f,
                TableSpec::small(Kind::Targets, max),
                &data.targets,
                |t, cells| {
                    cells.push(Cell::Text(co.reps[t.rep as usize].id.clone()));
                    cells.push(Cell::Text(t.period.clone()));
                    cells.push(Cell::Money(t.sales_cents));
                    cells.push(Cell::Int(i64::from(t.new_customers)));
                    cells.push(if t.followups > 0 {
                        Cell::Int(i64::from(t.followups))
                    } else {
                        Cell::Empty
                    });
                    cells.push(t.area.map_or(Cell::Empty, |a| Cell::Int(i64::from(a))));
                },
            )?;
            vec![(Kind::Roster, n_roster), (Kind::Targets, n_targets)]
        }
        Job::Customers => {
            let title = format!("{y}年{m}月 客户信息台账");
            let n = write_table(
                wb,
                f,
                TableSpec {
                    title: Some(&title),
                    ..TableSpec::long(Kind::Customers, max)
                },
                &data.customers,
                |c, cells| {
                    cells.push(Cell::Text(customer_id(c.index)));
                    cells.push(Cell::Text(customer_name(co.seed, c.index, c.line)));
                    cells.push(rep_cell(co, c.owner, c.by_name));
                    cells.push(Cell::DateTime(c.created));
                    cells.push(Cell::Word(TIERS[usize::from(c.tier)]));
                    cells.push(Cell::Word(CHANNELS[usize::from(c.channel)]));
                    cells.push(Cell::Word(c.line.sources()[usize::from(c.source)]));
                    cells.push(
                        c.referrer
                            .map_or(Cell::Empty, |r| Cell::Text(customer_id(r))),
                    );
                    let ended = c.end.filter(|e| *e <= end);
                    cells.push(Cell::Word(if ended.is_some() {
                        words::STATUSES[1].zh
                    } else {
                        words::STATUSES[0].zh
                    }));
                    cells.push(ended.map_or(Cell::Empty, Cell::Date));
                },
            )?;
            vec![(Kind::Customers, n)]
        }
        Job::Followups => {
            let n = write_table(
                wb,
                f,
                TableSpec::long(Kind::Followups, max),
                &data.followups,
                |r, cells| {
                    cells.push(Cell::DateTime(r.time));
                    cells.push(rep_cell(co, r.rep, r.by_name));
                    cells.push(Cell::Text(customer_id(r.customer)));
                    cells.push(Cell::Word(words::METHODS[usize::from(r.method)].zh));
                    cells.push(Cell::Word(stage_zh(r.stage)));
                    cells.push(Cell::Word(r.note));
                    cells.push(r.next.map_or(Cell::Empty, Cell::Date));
                },
            )?;
            vec![(Kind::Followups, n)]
        }
        Job::Payments => {
            let n = write_table(
                wb,
                f,
                TableSpec::long(Kind::Payments, max),
                &data.payments,
                |p, cells| {
                    cells.push(Cell::Text(contract_id(p.sign_year, p.contract_no)));
                    cells.push(Cell::Int(i64::from(p.installment)));
                    cells.push(Cell::Text(customer_id(p.customer)));
                    cells.push(Cell::Text(co.reps[p.rep as usize].id.clone()));
                    cells.push(Cell::Date(p.sign));
                    cells.push(Cell::Money(p.amount));
                    cells.push(Cell::Word(if p.special {
                        words::CONTRACT_TYPES[1].zh
                    } else {
                        words::CONTRACT_TYPES[0].zh
                    }));
                    cells.push(Cell::Date(p.submitted));
                    cells.push(Cell::Date(p.approved));
                    cells.push(Cell::Word(if p.installment == 1 {
                        words::PAYMENT_KINDS[0].zh
                    } else {
                        words::PAYMENT_KINDS[1].zh
                    }));
                    cells.push(Cell::Money(p.due_amount));
                    cells.push(Cell::Date(p.due));
                    match p.paid {
                        Some((amount, date)) => {
                            cells.push(Cell::Money(amount));
                            cells.push(Cell::Date(date));
                        }
                        None => {
                            cells.push(Cell::Empty);
                            cells.push(Cell::Empty);
                        }
                    }
                    cells.push(Cell::Money(p.profit));
                    cells.push(p.area_centi.map_or(Cell::Empty, Cell::Area));
                    cells.push(Cell::Word(if p.key_project { "是" } else { "否" }));
                    cells.push(if co.reps[p.rep as usize].line == Line::B2c {
                        Cell::Empty
                    } else {
                        Cell::Word(words::DEAL_TYPES[usize::from(p.renewal)].zh)
                    });
                    cells.push(p.term_end.map_or(Cell::Empty, Cell::Date));
                },
            )?;
            vec![(Kind::Payments, n)]
        }
        Job::Scores => {
            let period = month_key(y, m);
            let n = write_table(
                wb,
                f,
                TableSpec::small(Kind::Scores, max),
                &data.scores,
                |s, cells| {
                    cells.push(Cell::Text(co.reps[s.rep as usize].id.clone()));
                    cells.push(Cell::Text(period.clone()));
                    cells.push(Cell::Word(s.indicator));
                    cells.push(Cell::Word(s.rater));
                    cells.push(Cell::Tenths(s.tenths));
                },
            )?;
            vec![(Kind::Scores, n)]
        }
        Job::Adjustments => {
            let period = month_key(y, m);
            let rows = co.adjustments.iter().filter(|a| a.month == m);
            let n = write_table(
                wb,
                f,
                TableSpec::small(Kind::Adjustments, max),
                rows,
                |a, cells| {
                    cells.push(Cell::Text(co.reps[a.rep].id.clone()));
                    cells.push(Cell::Text(period.clone()));
                    cells.push(Cell::Word(a.kind));
                    cells.push(a.indicator.map_or(Cell::Empty, Cell::Word));
                    cells.push(a.value.map_or(Cell::Empty, Cell::Num));
                    cells.push(Cell::Word(a.reason));
                    cells.push(Cell::Text(a.approver.clone()));
                },
            )?;
            vec![(Kind::Adjustments, n)]
        }
        Job::Calendar => {
            let n = write_table(
                wb,
                f,
                TableSpec::small(Kind::Calendar, max),
                &co.cal.company_days,
                |(d, off), cells| {
                    cells.push(Cell::Date(*d));
                    cells.push(Cell::Word(if *off {
                        words::CALENDAR_KINDS[0].zh
                    } else {
                        words::CALENDAR_KINDS[1].zh
                    }));
                },
            )?;
            vec![(Kind::Calendar, n)]
        }
    })
}

/// A fictional 18-character ID number for a rep id, the same every time:
/// area 110101, a birth date in 1980–1999, a sequence and a check
/// character (not a real checksum: the data is fictional).
fn fake_id_number(rep_id: &str) -> String {
    // splitmix64 of the id's bytes: neighbouring ids get unrelated digits.
    let mut x: u64 = rep_id.bytes().fold(0x9E37_79B9_7F4A_7C15, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    });
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 31;
    format!(
        "110101{}{:02}{:02}{:03}{}",
        1980 + x % 20,
        1 + (x >> 8) % 12,
        1 + (x >> 16) % 28,
        (x >> 24) % 1000,
        (x >> 40) % 10
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rng_is_stable() {
        let mut r = Rng::derive(1, "x", 0);
        let a: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        let mut r = Rng::derive(1, "x", 0);
        let b: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(
            Rng::derive(1, "x", 1).next_u64(),
            Rng::derive(1, "x", 0).next_u64()
        );
        let mut r = Rng::derive(7, "range", 0);
        for _ in 0..1000 {
            let v = r.range(3, 5);
            assert!((3..=5).contains(&v));
        }
    }

    #[test]
    fn chinese_numbers() {
        for (n, s) in [
            (1, "一"),
            (9, "九"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (34, "三十四"),
        ] {
            assert_eq!(zh_number(n), s);
        }
    }

    #[test]
    fn calendar_2026() {
        let cal = WorkCalendar::new(2026);
        assert!(!cal.is_workday(ymd(2026, 10, 1)));
        assert!(cal.is_workday(ymd(2026, 1, 4)), "adjusted Sunday workday");
        assert_eq!(cal.company_days[0], (ymd(2026, 6, 8), true));
        assert_eq!(cal.company_days[1], (ymd(2026, 6, 13), false));
        assert!(cal.is_workday(ymd(2026, 6, 13)));
        assert_eq!(cal.shift(ymd(2026, 6, 5), 1), ymd(2026, 6, 9));
    }
}

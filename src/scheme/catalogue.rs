//! The indicator catalogue (SPEC 5): code, Chinese name, dimension, unit,
//! direction and definition of every indicator, in one table that `kaohe
//! explain`, docs/indicators.md, the scheme validation and the workbooks all
//! read, so they cannot drift apart.

use serde::Serialize;

use crate::Lang;

/// Which way is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Direction {
    /// ↑ higher is better.
    Up,
    /// ↓ lower is better.
    Down,
}

/// The unit of an indicator's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// Money (元).
    Money,
    /// A ratio shown as a percentage.
    Percent,
    Count,
    /// A plain number (area, frequency).
    Number,
    Days,
    /// Working days (工作日) of the calendar.
    WorkingDays,
    /// A score on the indicator's own scale.
    Score,
}

impl Unit {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Unit::Money => lang.pick("元", "CNY"),
            Unit::Percent => "%",
            Unit::Count => lang.pick("个", "count"),
            Unit::Number => lang.pick("数值", "number"),
            Unit::Days => lang.pick("天", "days"),
            Unit::WorkingDays => lang.pick("工作日", "working days"),
            Unit::Score => lang.pick("分", "points"),
        }
    }
}

/// How a quarter's or year's lines relate to a month's (SPEC 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Scaling {
    /// Counts and money totals: lines × months in the period.
    Monthly,
    /// Averages, rates, shares, scores and days: never scaled.
    Never,
}

/// A dimension's name as shown: in English output, the four standard
/// dimensions in English (a company's own names stay as written).
pub fn dimension_label(name: &str, lang: crate::Lang) -> String {
    if lang == crate::Lang::En {
        let en = match name {
            "业绩产出" => Some("Performance output"),
            "客户运营" => Some("Customer operations"),
            "流程执行" => Some("Process execution"),
            "协作配合" => Some("Collaboration"),
            // The method's probation ability dimension (招商 preset).
            "能力发展" => Some("Capability development"),
            // The method's period layers: 行为合规 beside 业绩 and 能力.
            "行为合规" => Some("Conduct and compliance"),
            _ => None,
        };
        if let Some(en) = en {
            return en.to_string();
        }
    }
    name.to_string()
}

/// One indicator of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndicatorDef {
    pub code: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// Default dimension (业绩产出, 客户运营, 流程执行, 协作配合).
    pub dimension: &'static str,
    pub unit: Unit,
    pub direction: Direction,
    pub scaling: Scaling,
    pub definition_zh: &'static str,
    pub definition_en: &'static str,
}

impl IndicatorDef {
    pub fn name(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
    pub fn definition(&self, lang: Lang) -> &'static str {
        lang.pick(self.definition_zh, self.definition_en)
    }
}

pub const PERFORMANCE: &str = "业绩产出";
pub const CUSTOMER_OPS: &str = "客户运营";
pub const PROCESS: &str = "流程执行";
pub const COLLABORATION: &str = "协作配合";

use Direction::*;
use Scaling::*;
use Unit::*;

#[allow(clippy::too_many_arguments)]
const fn def(
    code: &'static str,
    zh: &'static str,
    en: &'static str,
    dimension: &'static str,
    unit: Unit,
    direction: Direction,
    scaling: Scaling,
    definition_zh: &'static str,
    definition_en: &'static str,
) -> IndicatorDef {
    IndicatorDef {
        code,
        zh,
        en,
        dimension,
        unit,
        direction,
        scaling,
        definition_zh,
        definition_en,
    }
}

/// Every indicator computed from the ledgers (manual `rating:` indicators
/// are described by [`rating_def`]).
pub static INDICATORS: &[IndicatorDef] = &[
    def("sales", "销售额", "Sales", PERFORMANCE, Money, Up, Monthly,
        "口径 signed（默认）：该专员在期间内签约的合同金额合计 Σ a(C)，r(C)=r，s(C)∈P。口径 collected：该专员回款行中实际回款日期在期间内的实际回款金额合计。方案的 sales_basis 统一设定，单个指标可用 basis 覆盖。",
        "Basis signed (default): Σ a(C) over contracts with r(C)=r and s(C)∈P. Basis collected: Σ amount_paid of r's installment rows with paid_date∈P. The scheme's sales_basis sets it; an indicator entry may override it with basis."),
    def("sales_achievement", "销售额达成率", "Sales achievement", PERFORMANCE, Percent, Up, Never,
        "销售额 ÷ 期间销售额目标（目标调整后）；无目标或目标为 0 时不适用。",
        "sales ÷ the period's sales target (after target adjustments); N/A without a target or with a zero target."),
    def("new_customers", "新客户开发数量", "New customers", PERFORMANCE, Count, Up, Monthly,
        "N(r,P)：首次签约日 F(c)（所有数据中该客户最早的签约日）落在期间内、且最早合同（同日取合同编号最小者）属于该专员的客户数。选项 require_first_payment：仅计最早合同第1期在应回款日期 + 宽限天数内足额回款的客户。选项 tiers / channels：仅计线索日当天客户台账中客户层级（客户等级）/ 渠道为所列值的客户（如 tiers = [\"高端\"]）。",
        "N(r,P) = customers whose first sign date F(c) (over all contracts in all data) is in P, credited to the rep of their earliest contract (tie: lowest contract id). Option require_first_payment: count only those whose first contract's installment 1 was paid in full with paid_date ≤ due_date + grace_days. Options tiers / channels: only customers whose 客户层级 (客户等级) / 渠道 in the customer ledger on their lead date is listed (e.g. tiers = [\"高端\"])."),
    def("new_customer_revenue_share", "新客户营收占比", "New-customer revenue share", PERFORMANCE, Percent, Up, Never,
        "该专员期间内签约、且客户首次签约日在期间内的合同金额合计 ÷ 该专员期间签约销售额。选项 tiers / channels：分子只计线索日客户层级 / 渠道为所列值的新客户，分母不变。",
        "Σ a(C) over r's contracts signed in P whose customer has F(c)∈P ÷ signed sales of r in P. Options tiers / channels: the numerator counts only new customers whose tier / channel on their lead date is listed; the denominator stays all signed sales."),
    def("collection_rate", "回款率", "Collection rate", PERFORMANCE, Percent, Up, Never,
        "该专员应回款日期在期间内的回款行：Σ 计入金额 ÷ Σ 应回款金额；计入金额 = min(实际回款金额, 应回款金额)，仅当实际回款日期 ≤ 应回款日期 + 宽限天数（默认30天），否则为 0。口径 basis = \"outstanding\"（应收总额口径）：本期实际回款（每行不超过其尚欠金额）÷（本期应回款金额 + 期初前到期、期初仍未收回的金额），不设宽限；本期到期但期初前已提前回款的行计为已回款。",
        "Over r's installment rows with due_date∈P: Σ counted ÷ Σ amount_due, where counted = min(amount_paid, amount_due) if paid_date ≤ due_date + grace_days (default 30), else 0. With basis = \"outstanding\" (应收总额口径): Σ paid in P (each row capped by what it still owed) ÷ (Σ amount_due of rows due in P + Σ still unpaid at P.start of rows due before P.start), over r's rows; a row due in P paid before P.start counts as collected; no grace days."),
    def("first_payment_rate", "首单回款率", "First-payment collection rate", PERFORMANCE, Percent, Up, Never,
        "回款率，仅计款项类型为首付（首单）的回款行。",
        "collection_rate over rows whose payment kind is first."),
    def("final_payment_rate", "尾款回款率", "Final-payment collection rate", PERFORMANCE, Percent, Up, Never,
        "回款率，仅计款项类型为尾款的回款行。",
        "collection_rate over rows whose payment kind is final."),
    def("new_contract_sales", "新签合同额", "New-contract sales", PERFORMANCE, Money, Up, Monthly,
        "该专员期间内签约的新签合同金额合计：回款台账的签约类型为「新签」的合同；未填签约类型时，客户在该合同签约日之前没有任何合同（任何专员）即为新签。同一天签的几份合同互不算“之前”。",
        "Σ a(C) over r's contracts signed in P that are new deals: 签约类型 新签, or, when the column is blank, the customer has no contract (any rep) signed before s(C). Contracts signed the same day are not before each other."),
    def("renewal_sales", "续签合同额", "Renewal sales", PERFORMANCE, Money, Up, Monthly,
        "该专员期间内签约的续签合同金额合计：签约类型为「续签」的合同；未填签约类型时，客户在该合同签约日之前已有合同（任何专员）即为续签。",
        "Σ a(C) over r's contracts signed in P that are renewals: 签约类型 续签, or, when the column is blank, the customer has a contract (any rep) signed before s(C)."),
    def("avg_deal_size", "客单价", "Average deal size", PERFORMANCE, Money, Up, Never,
        "签约销售额 ÷ 该专员期间内签约的合同数。",
        "signed sales ÷ number of r's contracts signed in P."),
    def("gross_margin", "毛利率", "Gross margin", PERFORMANCE, Percent, Up, Never,
        "该专员期间内签约、填有毛利的合同：Σ 毛利 ÷ Σ 合同金额。",
        "Σ gross_profit ÷ Σ a(C) over r's contracts signed in P that have gross_profit."),
    def("signed_area", "签约面积", "Signed area", PERFORMANCE, Number, Up, Monthly,
        "该专员期间内签约合同的签约面积合计。",
        "Σ area over r's contracts signed in P."),
    def("key_project_signings", "重点项目签约数", "Key-project signings", PERFORMANCE, Count, Up, Monthly,
        "该专员期间内签约、标记为重点项目的合同数。",
        "r's contracts signed in P marked key project."),
    def("sales_cycle_days", "平均成交周期", "Average sales cycle", PERFORMANCE, Days, Down, Never,
        "对 N(r,P) 中的客户取 F(c) − 线索日期 的天数平均值。",
        "mean over N(r,P) of F(c) − date(lead(c)) in days."),
    def("repurchase_rate", "老客户复购率", "Repurchase rate", CUSTOMER_OPS, Percent, Up, Never,
        "老客户 O(r,P) 中期间内至少签约一份合同（任何专员）的比例。老客户：期初的负责人为 r，F(c) + 6个月 ≤ 期初，期初前未终止，且期初前最后签约日 L + 6个月 ≥ 期初。",
        "share of O(r,P) with at least one contract (by any rep) signed in P. O(r,P): customers owned by r on P.start with F(c) + 6 months ≤ P.start, not terminated before P.start, and L + 6 months ≥ P.start where L = last sign date before P.start."),
    def("churn_rate", "客户流失率", "Churn rate", CUSTOMER_OPS, Percent, Down, Never,
        "O(r,P) 中在期间内终止（终止日期在期间内），或 L + 6个月 落在期间内且从期初到该日未再签约的客户比例。",
        "share of O(r,P) that, during P, were terminated (end_date∈P) or reached L + 6 months ∈ P with no contract signed from P.start up to that day."),
    def("referrals", "客户转介绍数量", "Referrals", CUSTOMER_OPS, Count, Up, Monthly,
        "N(r,P) 中客户来源为转介绍类（默认 转介绍、老客户介绍、referral）或填有转介绍人的客户数。",
        "customers in N(r,P) whose source is a referral source (default 转介绍, 老客户介绍, referral) or that have a referrer."),
    def("referral_rate", "客户推荐率", "Referral rate", CUSTOMER_OPS, Percent, Up, Never,
        "推荐新客户数 ÷ 总客户数：客户转介绍数量（同 referrals）÷ 期末负责人为 r 的客户数（线索日期不晚于期末、期初前未终止的客户，含尚未成交的）。",
        "referrals(r,P) ÷ customers owned by r on P.end (推荐新客户数 ÷ 总客户数): the customers whose owner on P.end is r, with lead date ≤ P.end and not terminated before P.start (prospects included)."),
    def("renewal_rate", "续约率", "Renewal rate", CUSTOMER_OPS, Percent, Up, Never,
        "合同到期日（回款台账可选列）在期间内、到期日当天客户负责人为 r 的合同中，同一客户在到期日前后 renewal_window_days 天内（默认 90 天，含两端）签了续签合同的比例；续签合同 = 该合同之后签约、签约类型为续签（未填时按之前有合同判断）的另一份合同（任何专员）。到期日在期末之后 90 天内尚未续签的，下月再算会变。",
        "over contracts whose 合同到期日 (optional payment-ledger column) lies in P and whose customer is owned by r on that date: share followed by a renewal contract of the same customer (any rep; signed after the contract, a renewal by 签约类型 or, when blank, by having an earlier contract) signed within renewal_window_days (default 90, both ends included) before or after the end date. A contract ending near P.end may still renew after the run."),
    def("satisfaction", "客户满意度", "Customer satisfaction", CUSTOMER_OPS, Score, Up, Never,
        "评分表中该专员指标为 satisfaction（客户满意度）、且所属期间在本期间内的所有评分的平均值（0–10）。",
        "mean of all score rows for indicator satisfaction for r whose own period lies inside P (0–10)."),
    def("customer_coverage", "客户回访覆盖率", "Customer coverage", CUSTOMER_OPS, Percent, Up, Never,
        "该专员的在管客户（期初负责人为 r，F(c) ≤ 期末，期初前未终止）中，期间内有 r 的跟进记录的比例。",
        "share of r's active customers (owner r on P.start, F(c) ≤ P.end, not terminated before P.start) with at least one follow-up by r in P."),
    def("first_followup_24h", "新线索24小时跟进率", "First follow-up within 24 h", PROCESS, Percent, Up, Never,
        "线索 = 线索日当天负责人为 r、线索时间在期间内的客户；线索时间之后（含）最早的跟进（任何人）不晚于线索时间 + 24 小时即为及时；线索或该跟进只有日期时：跟进日期 ≤ 线索日期 + 1天。无跟进的线索不及时。",
        "leads = customers owned by r on their lead date with lead(c)∈P; timely when the earliest follow-up on c (by anyone) at or after lead(c) is ≤ lead(c) + 24 h; when lead(c) or that follow-up is date-only: its date ≤ date(lead(c)) + 1 day. A lead with no follow-up is not timely."),
    def("intent_followups_per_week", "意向客户周跟进频次", "Intent follow-ups per week", PROCESS, Number, Up, Never,
        "IC = 期间内 r 有意向阶段（默认 意向、方案、报价、谈判）跟进的客户；值 = r 期间内对 IC 中客户的跟进次数 ÷ (|IC| × 期间天数 ÷ 7)。",
        "IC = customers with a follow-up by r in P at an intent stage (default 意向, 方案, 报价, 谈判); value = (r's follow-ups in P on customers in IC) ÷ (|IC| × days(P) ÷ 7)."),
    def("intent_followup_coverage", "意向客户跟进达标率", "Intent follow-up coverage", PROCESS, Percent, Up, Never,
        "IC 同意向客户周跟进频次。对 IC 中每个客户，从其本期第一次意向阶段跟进（r 的）那天起，本期内每个完整自然周（周一至周日，整周在期间内且周一不早于该日）r 对其跟进都不少于 times_per_week 次（默认 2 次，任何阶段的跟进都算）即为达标；值 = 达标客户数 ÷ 有完整周的客户数。没有完整周的客户不计入。",
        "over IC (as intent_followups_per_week): share of customers with ≥ times_per_week (default 2) follow-ups by r (any stage) in every full calendar week (Mon–Sun, inside P) starting on or after the day of their first intent follow-up by r in P; a customer with no such full week is not counted."),
    def("followups", "跟进量", "Follow-ups", PROCESS, Count, Up, Monthly,
        "r 在期间内的跟进记录数（选项 methods 可只计某些跟进方式，如 拜访）。",
        "r's follow-ups in P (option methods filters, e.g. only 拜访)."),
    def("conversion_rate", "客户转化率", "Conversion rate", PROCESS, Percent, Up, Never,
        "E = 期初前无合同、期间内有 r 的意向阶段或签约阶段跟进的潜在客户；E 中首次签约日 F(c) 在期间内且最早合同属于 r 的比例。",
        "E = prospects (customers with no contract before P.start) that have a follow-up by r in P at an intent stage or 签约; share of E whose first contract F(c) falls in P and is credited to r."),
    def("approval_on_time_rate", "合同审批及时率", "Contract approval on time", PROCESS, Percent, Up, Never,
        "r 的审批完成日期在期间内且填有提交日期的合同中，(提交日, 完成日] 内的工作日数 ≤ 3（常规）或 ≤ 5（特殊）的比例；工作日按工作日历（含调休上班日）。",
        "over r's contracts with approved_date∈P and a submitted_date: share with working days in (submitted, approved] ≤ 3 (regular) or ≤ 5 (special); working days from the calendar, 调休 workdays counted."),
    def("approval_avg_days", "合同审批平均时长", "Average approval time", PROCESS, WorkingDays, Down, Never,
        "与合同审批及时率相同的合同（r 的、审批完成日期在期间内且填有提交日期）：(提交日, 完成日] 内工作日数的平均值；完成早于提交计 0 天。",
        "over the contracts of approval_on_time_rate (r's, approved_date∈P, with a submitted_date): mean of working days in (submitted, approved]; an approval dated before its submission counts 0."),
    def("ledger_completeness", "台账填写完整率", "Ledger completeness", PROCESS, Percent, Up, Never,
        "r 在本期的台账行（线索日负责人为 r 且线索时间在期间内的客户行，以期末状态为准；r 期间内的跟进行；签约日期或应回款日期在期间内的 r 的回款行）：已填单元格 ÷ 应填单元格；应填列为方案的完整性列（默认除实际回款金额、实际回款日期、终止日期、转介绍人外的所有可选列）中该表存在的列；有警告的单元格算已填。",
        "over r's rows of the period (customers owned by r on their lead date with lead(c)∈P, each as it stands on P's last day; r's follow-ups in P; r's payment rows with sign_date or due_date in P): filled ÷ expected cells, expected = the completeness columns (scheme option; default all optional columns except amount_paid, paid_date, end_date, referrer) that exist in that sheet; a cell with a warning counts as filled."),
    def("ledger_accuracy", "台账准确率", "Ledger accuracy", PROCESS, Percent, Up, Never,
        "台账填写完整率的行，加上因错误未用、可解析出专员为 r 且某个可读日期（线索时间、跟进时间、签约日期或应回款日期）在期间内的客户、跟进、回款行：无错误无警告的行 ÷ 全部行。无法确定专员的行不计入任何人。",
        "the rows of ledger_completeness plus the customer, follow-up and payment rows left out with an error whose rep resolves to r and one of whose readable dates (lead time, follow-up time, sign or due date) lies in P: rows with no error or warning ÷ all of them. Rows whose rep cannot be resolved count for nobody."),
];

/// A manual (`rating:NAME`) indicator: from score rows.
pub fn rating_def() -> IndicatorDef {
    def("rating", "人工评分", "Manual rating", COLLABORATION, Score, Up, Never,
        "评分表中该指标、所属期间在本期间内的评分行（月度评分计入所属季度和年度）。设有 raters 权重时（如 上级 0.5、客户 0.3、协作部门 0.1、自评 0.1）：先按评分来源取平均，再按在场来源的权重加权（权重重新归一，未设权重的来源忽略）；否则取所有评分的平均。未给达标/优秀线时按 scale（5、10 或 100）换算为 0–100 分。",
        "from the score rows whose own period lies inside P (a month's rows count for its quarter and year). With raters weights (e.g. 上级 0.5, 客户 0.3, 协作部门 0.1, 自评 0.1): mean per rater, then weighted over the raters present (weights renormalised; rows of raters without a weight are ignored). Without: mean of all rows. Value converted to 0–100 by scale (5, 10 or 100) unless pass/excellent lines are given.")
}

/// Look an indicator up by code (`rating:协作响应速度` gives the rating def).
pub fn find(code: &str) -> Option<IndicatorDef> {
    if code.starts_with("rating:") {
        return Some(rating_def());
    }
    INDICATORS.iter().find(|d| d.code == code).copied()
}

/// Find an indicator by code or by its Chinese or English name.
pub fn lookup(name: &str) -> Option<IndicatorDef> {
    let t = crate::text::fold(name).to_lowercase();
    find(&t).or_else(|| {
        INDICATORS
            .iter()
            .find(|d| d.zh == t || d.en.to_lowercase() == t)
            .copied()
    })
}

/// Direction as shown to users.
pub fn direction_label(d: Direction, lang: Lang) -> &'static str {
    match d {
        Direction::Up => lang.pick("↑ 越高越好", "↑ higher is better"),
        Direction::Down => lang.pick("↓ 越低越好", "↓ lower is better"),
    }
}

/// The explanation of one indicator, as `kaohe explain` prints it.
pub fn explain(d: &IndicatorDef, lang: Lang) -> String {
    let scaling = match (d.scaling, lang) {
        (Scaling::Monthly, Lang::Zh) => "月度线；季度、年度按月数放大（×3、×12）",
        (Scaling::Monthly, Lang::En) => "monthly lines; ×3 for a quarter, ×12 for a year",
        (Scaling::Never, Lang::Zh) => "线不随期间放大",
        (Scaling::Never, Lang::En) => "lines do not scale with the period",
    };
    let (l_dim, l_unit, l_dir, l_lines) = match lang {
        Lang::Zh => ("维度", "单位", "方向", "达标/优秀线"),
        Lang::En => ("Dimension", "Unit", "Direction", "Lines"),
    };
    format!(
        "{} ({})\n{l_dim}: {}\n{l_unit}: {}\n{l_dir}: {}\n{l_lines}: {}\n\n{}\n",
        d.name(lang),
        d.code,
        d.dimension,
        d.unit.label(lang),
        direction_label(d.direction, lang),
        scaling,
        d.definition(lang)
    )
}

/// The indicator reference (docs/indicators.md), generated from this table.
pub fn markdown() -> String {
    let mut s = String::from(
        "# Indicators 指标定义\n\n\
         Generated from `src/scheme/catalogue.rs` by `kaohe explain --all`; do not edit by hand \
         (a test checks this file matches). The same text is printed by `kaohe explain CODE`.\n\n\
         Notation: P = [P.start, P.end] is the period; r the rep; contract C has customer c(C), rep r(C), \
         sign date s(C), amount a(C); F(c) is a customer's first sign date over all contracts; lead(c) its lead time. \
         `m months` clamps to the month's end (Aug 31 + 6 months = Feb 28/29). A ratio whose denominator is zero, \
         or an indicator whose data is absent, is N/A (不适用) and drops out of the weights. Ratios are rounded to \
         10 decimal places before scoring.\n\n\
         | code | 指标 | dimension | unit | direction |\n|---|---|---|---|---|\n",
    );
    let all: Vec<IndicatorDef> = INDICATORS.iter().copied().chain([rating_def()]).collect();
    for d in &all {
        let code = if d.code == "rating" {
            "rating:NAME"
        } else {
            d.code
        };
        s.push_str(&format!(
            "| `{code}` | {} | {} | {} | {} |\n",
            d.zh,
            d.dimension,
            d.unit.label(Lang::En),
            direction_label(d.direction, Lang::En)
        ));
    }
    for d in &all {
        let code = if d.code == "rating" {
            "rating:NAME"
        } else {
            d.code
        };
        s.push_str(&format!("\n## `{code}` {} — {}\n\n", d.zh, d.en));
        s.push_str(&format!("{}\n\n{}\n", d.definition_zh, d.definition_en));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_found() {
        for (i, d) in INDICATORS.iter().enumerate() {
            assert!(
                INDICATORS[i + 1..].iter().all(|o| o.code != d.code),
                "{}",
                d.code
            );
            assert_eq!(find(d.code), Some(*d));
        }
        assert_eq!(INDICATORS.len(), 30);
        assert_eq!(find("rating:谈判能力").map(|d| d.code), Some("rating"));
        assert_eq!(find("nope"), None);
        assert_eq!(lookup("客户流失率").map(|d| d.code), Some("churn_rate"));
        assert_eq!(lookup("Churn rate").map(|d| d.code), Some("churn_rate"));
    }

    #[test]
    fn docs_indicators_md_is_generated_from_this_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/indicators.md");
        let committed = std::fs::read_to_string(path).unwrap();
        assert!(
            committed == markdown(),
            "docs/indicators.md is stale: run `kaohe explain --all > docs/indicators.md`"
        );
    }
}
